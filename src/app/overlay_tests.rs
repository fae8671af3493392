//! The dispatch on overlays: each owns its cursor and input, and leaving one
//! drops them.

use super::action::Action;
use super::keymap::{Keymap, Mode};
use super::msg::Msg;
use super::state::{App, Overlay};
use super::update::update;
use crate::model::Snapshot;
use crate::model::testutil::sample;
use crate::model::view::ViewOptions;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;
use std::time::Duration;

fn app() -> App {
    let mut app = App::new(
        Keymap::default_map(),
        ViewOptions::default(),
        Duration::from_secs(1),
    );
    update(&mut app, Msg::Resize(100, 30));
    // Not children of whytop, so the process keys are not refused.
    let procs = vec![
        sample(10, 1, "alpha"),
        sample(11, 1, "beta"),
        sample(12, 1, "gamma"),
    ];
    update(
        &mut app,
        Msg::Snapshot(Arc::new(Snapshot {
            mono_ns: 1,
            procs: Arc::new(procs),
            ..Default::default()
        })),
    );
    app
}

fn key(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Opens each overlay by its default key from the table.
fn open(app: &mut App, mode: Mode) {
    let k = match mode {
        Mode::Filter => KeyCode::Char('\\'),
        Mode::Search => KeyCode::Char('/'),
        Mode::Sort => KeyCode::F(6),
        Mode::User => KeyCode::Char('u'),
        Mode::Detail => KeyCode::Enter,
        Mode::Help => KeyCode::Char('?'),
        Mode::Confirm => KeyCode::Char('x'),
        Mode::Signal => KeyCode::F(9),
        Mode::Nice => KeyCode::Char('='),
        Mode::Audit => KeyCode::Char('A'),
        Mode::Ended => KeyCode::Char('E'),
        Mode::Logs => KeyCode::Char('l'),
        Mode::Capture => KeyCode::Char('s'),
        Mode::Setup => KeyCode::F(2),
        Mode::LogFilter => {
            open(app, Mode::Logs);
            KeyCode::Char('/')
        }
        Mode::ReplayTime => {
            app.replay = Some(Default::default());
            KeyCode::Char('@')
        }
        Mode::Normal | Mode::Replay => return,
    };
    key(app, k);
    assert_eq!(app.ui.overlay.mode(), mode, "{k:?} opens {mode:?}");
}

#[test]
fn esc_in_every_overlay_returns_to_the_table() {
    for mode in Mode::ALL {
        let mut app = app();
        open(&mut app, mode);
        key(&mut app, KeyCode::Esc);
        if mode == Mode::LogFilter {
            // Esc leaves the log's filter for the log, then the log itself.
            assert_eq!(app.ui.overlay.mode(), Mode::Logs);
            key(&mut app, KeyCode::Esc);
        }
        assert!(
            matches!(app.ui.overlay, Overlay::Table),
            "Esc in {mode:?} leaves {:?}",
            app.ui.overlay.mode()
        );
    }
}

#[test]
fn leaving_the_nice_prompt_drops_what_was_typed() {
    let mut app = app();
    open(&mut app, Mode::Nice);
    typed(&mut app, "7");
    assert!(
        matches!(&app.ui.overlay, Overlay::NicePrompt { input, selected: false } if input == "7")
    );
    key(&mut app, KeyCode::Esc);
    open(&mut app, Mode::Nice);
    // Opened again: the current value, selected, not the 7 typed before.
    assert!(
        matches!(&app.ui.overlay, Overlay::NicePrompt { input, selected: true } if input == "0"),
        "{:?}",
        app.ui.overlay
    );
}

#[test]
fn the_signal_menu_opens_on_term_again_after_moving() {
    let mut app = app();
    open(&mut app, Mode::Signal);
    let Overlay::SignalMenu { cursor: first, .. } = app.ui.overlay else {
        panic!()
    };
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('g'));
    assert!(
        matches!(app.ui.overlay, Overlay::SignalMenu { cursor, group: true } if cursor == first + 1)
    );
    key(&mut app, KeyCode::Esc);
    open(&mut app, Mode::Signal);
    assert!(
        matches!(app.ui.overlay, Overlay::SignalMenu { cursor, group: false } if cursor == first)
    );
}

#[test]
fn a_cancelled_stop_plans_again_from_scratch() {
    let mut app = app();
    open(&mut app, Mode::Confirm);
    key(&mut app, KeyCode::Char('t'));
    assert!(matches!(&app.ui.overlay, Overlay::ConfirmStop(p) if !p.tree));
    key(&mut app, KeyCode::Char('n'));
    open(&mut app, Mode::Confirm);
    assert!(matches!(&app.ui.overlay, Overlay::ConfirmStop(p) if p.tree));
}

#[test]
fn a_search_kept_with_enter_is_found_again_and_one_cancelled_is_not() {
    let mut app = app();
    open(&mut app, Mode::Search);
    typed(&mut app, "gamma");
    assert_eq!(&*app.selected_sample().unwrap().comm, "gamma");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.ui.overlay, Overlay::Table));
    key(&mut app, KeyCode::Home);
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(
        &*app.selected_sample().unwrap().comm,
        "gamma",
        "n finds it again"
    );
    // Esc goes back to where the search started and forgets it.
    open(&mut app, Mode::Search);
    typed(&mut app, "alpha");
    assert_eq!(&*app.selected_sample().unwrap().comm, "alpha");
    key(&mut app, KeyCode::Esc);
    assert_eq!(&*app.selected_sample().unwrap().comm, "gamma");
    key(&mut app, KeyCode::Char('n'));
    assert!(
        app.ui
            .status
            .as_deref()
            .unwrap_or("")
            .contains("no search yet")
    );
}

#[test]
fn the_filter_stays_in_force_when_its_prompt_closes_with_enter() {
    let mut app = app();
    open(&mut app, Mode::Filter);
    typed(&mut app, "beta");
    assert_eq!(app.view.len(), 1);
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.ui.overlay, Overlay::Table));
    assert_eq!((app.ui.filter_text.as_str(), app.view.len()), ("beta", 1));
    // A regex that does not parse: said in the prompt, dropped on Enter.
    open(&mut app, Mode::Filter);
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    typed(&mut app, "re:(");
    assert!(matches!(
        &app.ui.overlay,
        Overlay::FilterPrompt { error: Some(_) }
    ));
    key(&mut app, KeyCode::Enter);
    assert_eq!((app.ui.filter_text.as_str(), app.view.len()), ("", 3));
}

#[test]
fn the_sort_menu_picks_its_cursor_and_closes() {
    let mut app = app();
    open(&mut app, Mode::Sort);
    let Overlay::SortMenu { cursor } = app.ui.overlay else {
        panic!()
    };
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.ui.overlay, Overlay::Table));
    let want = app.columns[cursor + 1];
    assert_eq!(app.opts.sort, want);
}

#[test]
fn a_pane_opened_again_scrolls_from_its_top() {
    let mut app = app();
    open(&mut app, Mode::Help);
    app.ui.overlay_extent.measure(100, 10, 0);
    key(&mut app, KeyCode::PageDown);
    assert_eq!(app.ui.overlay.pane_scroll(), 10);
    key(&mut app, KeyCode::Esc);
    open(&mut app, Mode::Help);
    assert_eq!(app.ui.overlay.pane_scroll(), 0);
}

#[test]
fn old_action_names_in_user_keymaps_still_bind() {
    let k = Keymap::with_user(Some(
        "[logs]\n\"P\" = \"pause2\"\n[normal]\n\"W\" = \"snapshot\"\n",
    ))
    .unwrap();
    let ev = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT);
    assert_eq!(k.lookup(Mode::Logs, &ev('P')), Some(Action::PauseView));
    assert_eq!(k.lookup(Mode::Normal, &ev('W')), Some(Action::SaveBundle));
}

fn effects_of(app: &mut App, code: KeyCode) -> Vec<super::msg::Effect> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

#[test]
fn setup_columns_tell_the_collector_and_one_column_stays() {
    use super::msg::Effect;
    use crate::collectors::CollectorCmd;
    use crate::model::sort::SortColumn;
    let mut app = app();
    key(&mut app, KeyCode::F(2));
    assert_eq!(app.ui.overlay.mode(), Mode::Setup);
    // Hide CPU% (the eighth), which the table is sorted by: the sort moves to
    // the first shown column.
    for _ in 0..7 {
        key(&mut app, KeyCode::Down);
    }
    let fx = effects_of(&mut app, KeyCode::Char(' '));
    assert!(!app.columns.contains(&SortColumn::Cpu));
    assert_eq!(app.opts.sort, SortColumn::Pid);
    assert_eq!(
        fx,
        [Effect::Collector(CollectorCmd::ExtraReads(false, false))]
    );
    // Show OOM (hidden lines follow the shown ones): the collector reads it.
    key(&mut app, KeyCode::End);
    let line = super::setup::column_lines(&app)
        .iter()
        .position(|(c, _)| *c == SortColumn::Oom)
        .unwrap();
    let end = super::setup::column_lines(&app).len() - 1;
    for _ in line..end {
        key(&mut app, KeyCode::Up);
    }
    let fx = effects_of(&mut app, KeyCode::Char(' '));
    assert!(app.columns.contains(&SortColumn::Oom));
    assert_eq!(
        fx,
        [Effect::Collector(CollectorCmd::ExtraReads(false, true))]
    );
    // Hiding every column leaves the last one.
    for _ in 0..30 {
        key(&mut app, KeyCode::Home);
        key(&mut app, KeyCode::Char(' '));
    }
    assert_eq!(app.columns.len(), 1, "{:?}", app.columns);
    // The meters: hide the first, move the next down.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char(' '));
    let first = app.meters[0];
    key(&mut app, KeyCode::Home);
    key(&mut app, KeyCode::Char(']'));
    assert_eq!(app.meters[1], first);
    // The delay, applied by the collector without a restart.
    key(&mut app, KeyCode::Tab);
    let fx = effects_of(&mut app, KeyCode::Right);
    assert_eq!(
        fx,
        [Effect::Collector(CollectorCmd::Interval(
            Duration::from_millis(1500)
        ))]
    );
    let changed: Vec<&str> = app.settings_changed.iter().copied().collect();
    assert_eq!(changed, ["columns", "delay", "meters"]);
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.ui.overlay, Overlay::Table));
}

/// Setup offers the history graphs among the meters and the sparkline among
/// the columns; shown, the header and the table have them.
#[test]
fn setup_shows_the_history_graphs_and_the_sparkline_column() {
    use crate::model::sort::SortColumn;
    use crate::present::meters::MeterKind;
    let mut app = app();
    key(&mut app, KeyCode::F(2));
    key(&mut app, KeyCode::Tab);
    // Hidden meters follow the shown ones, in the registry's order: the
    // memory graph is the last.
    let lines = super::setup::meter_lines(&app);
    assert_eq!(lines.last(), Some(&(MeterKind::MemoryGraph, false)));
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.meters.last(), Some(&MeterKind::MemoryGraph));
    assert_eq!(app.header_plan().graphs, [MeterKind::MemoryGraph]);
    // Back to the columns: show CPU-HIST.
    key(&mut app, KeyCode::BackTab);
    let line = super::setup::column_lines(&app)
        .iter()
        .position(|(c, _)| *c == SortColumn::CpuHistory)
        .unwrap();
    key(&mut app, KeyCode::Home);
    for _ in 0..line {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Char(' '));
    assert!(
        app.columns.contains(&SortColumn::CpuHistory),
        "{:?}",
        app.columns
    );
    let changed: Vec<&str> = app.settings_changed.iter().copied().collect();
    assert_eq!(changed, ["columns", "meters"]);
}

/// The Ended view reads the audit log (for whytop's ladder stops) when it
/// opens, and again while it is open just after a process ended; not on
/// every refresh, and not with the view closed.
#[test]
fn the_ended_view_loads_the_audit_log_when_something_just_ended() {
    use super::msg::Effect;
    let mut app = app();
    let snap = |mono_ns, pids: &[i32]| {
        Msg::Snapshot(Arc::new(Snapshot {
            mono_ns,
            procs: Arc::new(pids.iter().map(|&p| sample(p, 1, "x")).collect()),
            ..Default::default()
        }))
    };
    let loads = |fx: &[Effect]| fx.iter().filter(|e| **e == Effect::LoadAudit).count();
    assert_eq!(loads(&update(&mut app, snap(2, &[10, 11, 12]))), 0);
    let fx = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('E'), KeyModifiers::NONE)),
    );
    assert!(matches!(app.ui.overlay, Overlay::Ended { .. }));
    assert_eq!(loads(&fx), 1, "{fx:?}");
    // 12 ends: read again for a few refreshes, then no more.
    let mut n = 0;
    for i in 0..6 {
        n += loads(&update(&mut app, snap(3 + i, &[10, 11])));
    }
    assert_eq!(n, 3);
    key(&mut app, KeyCode::Esc);
    assert_eq!(loads(&update(&mut app, snap(10, &[10]))), 0, "closed");
    // A ladder of this whytop finished: its record is read back at once.
    let done = crate::actions::ladder::Outcome {
        targets: vec![],
        cancelled: false,
        elapsed_secs: 0.1,
        sent: vec![],
    };
    assert_eq!(loads(&update(&mut app, Msg::LadderDone(done))), 1);
}
