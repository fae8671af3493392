//! A replay in the app: its keys move it, every action key is refused and
//! does nothing, the time prompt, and the frames it is sent.

use super::keymap::Keymap;
use super::msg::{Effect, Msg};
use super::state::{App, Overlay, ReplayPosition, ReplayView};
use super::update::update;
use crate::collectors::replay::{ReplayCmd, ReplayFrame};
use crate::model::Snapshot;
use crate::model::testutil::sample;
use crate::model::view::ViewOptions;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;
use std::time::Duration;

fn snap(t: f64, pids: &[i32]) -> Arc<Snapshot> {
    Arc::new(Snapshot {
        taken_at: t,
        mono_ns: (t * 1e9) as u64,
        procs: Arc::new(
            pids.iter()
                .map(|p| sample(*p, 1, &format!("p{p}")))
                .collect(),
        ),
        ..Default::default()
    })
}

fn position(index: usize, count: usize) -> ReplayPosition {
    ReplayPosition {
        index,
        count,
        taken_at: 1000.0 + index as f64,
        interval_s: 0.5,
        first: 1000.0,
        last: 1000.0 + count as f64 - 1.0,
    }
}

fn app(replay: bool) -> App {
    let mut app = App::new(
        Keymap::default_map(),
        ViewOptions::default(),
        Duration::from_secs(1),
    );
    if replay {
        app.replay = Some(ReplayView {
            db: "rec.sqlite".into(),
            position: None,
        });
    }
    update(&mut app, Msg::Resize(100, 30));
    update(
        &mut app,
        Msg::Replay(Box::new(ReplayFrame {
            reset: true,
            snapshots: vec![snap(1000.0, &[10, 11]), snap(1001.0, &[10, 11])],
            position: position(1, 5),
            note: None,
        })),
    );
    app
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn moves(effects: &[Effect]) -> Vec<ReplayCmd> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Replay(c) => Some(*c),
            _ => None,
        })
        .collect()
}

#[test]
fn brackets_and_braces_step_a_replay() {
    let mut app = app(true);
    let c = KeyCode::Char;
    assert_eq!(moves(&key(&mut app, c(']'))), vec![ReplayCmd::Step(1)]);
    assert_eq!(moves(&key(&mut app, c('['))), vec![ReplayCmd::Step(-1)]);
    assert_eq!(
        moves(&key(&mut app, c('}'))),
        vec![ReplayCmd::StepSecs(60.0)]
    );
    assert_eq!(
        moves(&key(&mut app, c('{'))),
        vec![ReplayCmd::StepSecs(-60.0)]
    );
    // In the details and the Ended view too.
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.ui.overlay, Overlay::Detail { .. }));
    assert_eq!(moves(&key(&mut app, c(']'))), vec![ReplayCmd::Step(1)]);
    key(&mut app, KeyCode::Esc);
    key(&mut app, c('E'));
    assert_eq!(moves(&key(&mut app, c('['))), vec![ReplayCmd::Step(-1)]);
}

#[test]
fn live_brackets_stay_nice_keys() {
    let mut app = app(false);
    let effects = key(&mut app, KeyCode::Char('['));
    assert!(moves(&effects).is_empty());
    assert!(
        !app.ui.status.clone().unwrap_or_default().contains("replay"),
        "{:?}",
        app.ui.status
    );
}

#[test]
fn every_action_key_says_it_is_not_available_and_does_nothing() {
    let c = KeyCode::Char;
    let keys = [
        c('x'),
        KeyCode::F(9),
        c('z'),
        c('r'),
        KeyCode::F(7),
        KeyCode::F(8),
        c('='),
        c('y'),
        c('Y'),
        c('X'),
        c('C'),
        c('S'),
        c('s'),
        c('l'),
        c('Z'),
        c('H'),
    ];
    for detail in [false, true] {
        for k in keys {
            let mut app = app(true);
            if detail {
                key(&mut app, KeyCode::Enter);
                // The details take only the action keys their section binds.
                let ev = KeyEvent::new(k, KeyModifiers::NONE);
                if app
                    .keymap
                    .lookup(super::keymap::Mode::Detail, &ev)
                    .is_none()
                {
                    continue;
                }
            }
            let before = app.ui.overlay.mode();
            let effects = key(&mut app, k);
            assert!(effects.is_empty(), "{k:?} asked for {effects:?}");
            assert_eq!(app.ui.overlay.mode(), before, "{k:?} opened something");
            let said = app.ui.status.clone().unwrap_or_default();
            assert!(
                said.contains("not available in a replay"),
                "{k:?} said {said:?}"
            );
            assert!(!app.ui.frozen && !app.show_threads && app.ladder.is_none());
        }
    }
}

#[test]
fn the_time_prompt_goes_to_a_time_typed() {
    let mut app = app(true);
    key(&mut app, KeyCode::Char('@'));
    assert!(matches!(app.ui.overlay, Overlay::TimePrompt { .. }));
    for ch in "nonsense".chars() {
        key(&mut app, KeyCode::Char(ch));
    }
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    match &app.ui.overlay {
        Overlay::TimePrompt { error: Some(e), .. } => assert!(e.contains("HH:MM:SS"), "{e}"),
        o => panic!("a bad time keeps the prompt with why: {o:?}"),
    }
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    for ch in "-5m".chars() {
        key(&mut app, KeyCode::Char(ch));
    }
    let before = crate::present::at_time::resolve("-5m").unwrap();
    let m = moves(&key(&mut app, KeyCode::Enter));
    assert!(matches!(app.ui.overlay, Overlay::Table));
    match m.as_slice() {
        [ReplayCmd::Seek(t)] => assert!((t - before).abs() < 5.0, "{t} vs {before}"),
        m => panic!("{m:?}"),
    }
    // Esc leaves without going anywhere.
    key(&mut app, KeyCode::Char('@'));
    assert!(moves(&key(&mut app, KeyCode::Esc)).is_empty());
    assert!(matches!(app.ui.overlay, Overlay::Table));
}

#[test]
fn frames_show_the_moment_and_its_history() {
    let mut app = app(true);
    assert_eq!(app.view.len(), 2);
    assert_eq!(app.replay.as_ref().unwrap().position, Some(position(1, 5)));
    assert_eq!(
        app.delay,
        Duration::from_millis(500),
        "the recorder's interval"
    );
    // A step on: 11 is gone, in the Ended view with its history.
    update(
        &mut app,
        Msg::Replay(Box::new(ReplayFrame {
            reset: false,
            snapshots: vec![snap(1002.0, &[10])],
            position: position(2, 5),
            note: Some("the end of the recording".into()),
        })),
    );
    assert_eq!(app.view.len(), 1);
    let ended: Vec<i32> = app.history.ended().iter().map(|e| e.key.pid).collect();
    assert_eq!(ended, vec![11]);
    assert_eq!(
        app.history.ended()[0].history.len(),
        2,
        "two points recorded"
    );
    assert_eq!(app.ui.status.as_deref(), Some("the end of the recording"));
    // A jump back starts the history again from what it was sent.
    update(
        &mut app,
        Msg::Replay(Box::new(ReplayFrame {
            reset: true,
            snapshots: vec![snap(1000.0, &[10, 11])],
            position: position(0, 5),
            note: None,
        })),
    );
    assert_eq!(app.view.len(), 2);
    assert!(app.history.ended().is_empty());
    assert_eq!(app.table.snapshot.taken_at, 1000.0);
}
