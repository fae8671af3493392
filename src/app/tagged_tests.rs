//! Tags held by identity, and the keys that act on every tagged process.

use super::keymap::Keymap;
use super::msg::{Effect, Msg};
use super::state::{App, Overlay, TaggedChange};
use super::update::update;
use crate::model::testutil::sample;
use crate::model::view::ViewOptions;
use crate::model::{ProcSample, Snapshot};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;
use std::time::Duration;

fn feed(app: &mut App, mono: u64, procs: Vec<ProcSample>) {
    update(
        app,
        Msg::Snapshot(Arc::new(Snapshot {
            mono_ns: mono,
            procs: Arc::new(procs),
            ..Default::default()
        })),
    );
}

fn family() -> Vec<ProcSample> {
    let mut nice = sample(13, 1, "delta");
    nice.nice = 5;
    vec![
        sample(10, 1, "alpha"),
        sample(11, 10, "beta"),
        sample(12, 11, "gamma"),
        nice,
    ]
}

fn app() -> App {
    let mut app = App::new(
        Keymap::default_map(),
        ViewOptions {
            sort: crate::model::sort::SortColumn::Pid,
            descending: false,
            ..Default::default()
        },
        Duration::from_secs(1),
    );
    update(&mut app, Msg::Resize(100, 30));
    feed(&mut app, 1, family());
    app
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn tagged_pids(app: &App) -> Vec<i32> {
    app.ui.tagged.iter().map(|k| k.pid).collect()
}

/// Tags 10 and 13 with Space (the view is sorted by pid here).
fn tag_two(app: &mut App) {
    app.set_cursor(0);
    key(app, KeyCode::Char(' '));
    app.set_cursor(3);
    key(app, KeyCode::Char(' '));
    assert_eq!(tagged_pids(app), [10, 13]);
}

#[test]
fn space_toggles_and_moves_down_c_takes_descendants_u_clears() {
    let mut app = app();
    app.set_cursor(0);
    key(&mut app, KeyCode::Char(' '));
    assert_eq!((tagged_pids(&app), app.ui.cursor), (vec![10], 1));
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Char(' '));
    assert!(app.ui.tagged.is_empty(), "Space again untags");
    app.set_cursor(0);
    key(&mut app, KeyCode::Char('c'));
    assert_eq!(tagged_pids(&app), [10, 11, 12]);
    key(&mut app, KeyCode::Char('U'));
    assert!(app.ui.tagged.is_empty());
}

#[test]
fn a_tag_goes_with_its_process_and_never_follows_a_reused_pid() {
    let mut app = app();
    tag_two(&mut app);
    // 13 exits; 10 exits and another process takes pid 10 (a later start).
    let mut procs = family();
    procs.pop();
    procs[0].start_time += 1000;
    feed(&mut app, 2, procs);
    assert!(app.ui.tagged.is_empty(), "{:?}", app.ui.tagged);
}

#[test]
fn stop_on_tags_asks_once_naming_each_and_stops_only_them() {
    let mut app = app();
    tag_two(&mut app);
    key(&mut app, KeyCode::Char('x'));
    let Overlay::ConfirmStop(p) = &app.ui.overlay else {
        panic!("{:?}", app.ui.overlay)
    };
    assert!(p.tagged && !p.tree);
    let pids: Vec<i32> = p.targets.iter().map(|t| t.key.pid).collect();
    assert_eq!(pids, [10, 13], "the tags, without 10's descendants");
    let screen = crate::ui::confirm::lines(&app, p)
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        screen.contains("Stop 2 processes")
            && screen.contains("alpha --flag")
            && screen.contains("delta"),
        "{screen}"
    );
    // t would widen one of them to its tree: not for tags.
    key(&mut app, KeyCode::Char('t'));
    match key(&mut app, KeyCode::Char('y')).as_slice() {
        [Effect::StartLadder { targets, tree, .. }] => {
            assert!(!tree);
            let keys: Vec<_> = targets.iter().map(|t| t.key).collect();
            assert_eq!(keys, app.ui.tagged.iter().copied().collect::<Vec<_>>());
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn nice_and_signals_on_tags_make_one_effect_per_target() {
    let mut app = app();
    tag_two(&mut app);
    // F8: each one's nice + 1, after one confirmation.
    assert!(key(&mut app, KeyCode::F(8)).is_empty());
    assert!(
        matches!(&app.ui.overlay, Overlay::ConfirmTagged(p) if p.change == TaggedChange::NiceBy(1))
    );
    let nices: Vec<(i32, i32)> = key(&mut app, KeyCode::Enter)
        .into_iter()
        .map(|e| match e {
            Effect::Renice { key, nice, .. } => (key.pid, nice),
            e => panic!("{e:?}"),
        })
        .collect();
    assert_eq!(nices, [(10, 1), (13, 6)]);
    // Esc in the confirmation: nothing sent.
    key(&mut app, KeyCode::Char('z'));
    assert!(matches!(app.ui.overlay, Overlay::ConfirmTagged(_)));
    assert!(key(&mut app, KeyCode::Esc).is_empty());
    assert!(matches!(app.ui.overlay, Overlay::Table));
    // F9: the menu lists the tagged; Enter sends to each, each alone.
    key(&mut app, KeyCode::F(9));
    let sent: Vec<(i32, i32, bool)> = key(&mut app, KeyCode::Enter)
        .into_iter()
        .map(|e| match e {
            Effect::Signal {
                key, signal, group, ..
            } => (key.pid, signal, group),
            e => panic!("{e:?}"),
        })
        .collect();
    assert_eq!(
        sent,
        [(10, libc::SIGTERM, false), (13, libc::SIGTERM, false)]
    );
    // The nice prompt: the value typed for every tagged process.
    key(&mut app, KeyCode::Char('='));
    key(&mut app, KeyCode::Char('7'));
    key(&mut app, KeyCode::Enter);
    assert!(
        matches!(&app.ui.overlay, Overlay::ConfirmTagged(p) if p.change == TaggedChange::NiceTo(7))
    );
    assert_eq!(key(&mut app, KeyCode::Char('y')).len(), 2);
}
