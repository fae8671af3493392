//! The capture and log panes driven through `update`, drawn on a TestBackend.

use super::super::keymap::Keymap;
use super::super::msg::{Effect, Msg};
use super::super::state::{App, LogView, Overlay};
use super::super::update::update;
use super::act;
use crate::actions::capture::{Capture, Progress};
use crate::actions::logtail::Event;
use crate::app::action::Action;
use crate::model::Snapshot;
use crate::model::callstack::{CallTree, Frame, ThreadStack};
use crate::model::logline::{Level, LogLine};
use crate::model::testutil::sample;
use crate::model::view::ViewOptions;
use std::sync::Arc;
use std::time::Duration;

fn app(w: u16, h: u16) -> App {
    let mut app = App::new(
        Keymap::default_map(),
        ViewOptions::default(),
        Duration::from_secs(1),
    );
    update(&mut app, Msg::Resize(w, h));
    let procs = vec![sample(10, 1, "alpha"), sample(11, 1, "beta")];
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

fn screen(app: &App) -> String {
    let (w, h) = app.ui.size;
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    term.draw(|f| crate::ui::render(app, f)).unwrap();
    let buf = term.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
        .collect()
}

fn capture_of(pid: i32, threads: usize) -> Capture {
    let frame = |name: &str| Frame {
        function: name.into(),
        location: None,
        count: None,
    };
    Capture {
        pid,
        tool: "eu-stack".into(),
        tree: CallTree {
            threads: (0..threads)
                .map(|i| ThreadStack {
                    id: Some(100 + i as i64),
                    name: Some(format!("worker{i}")),
                    frames: vec![
                        frame("futex_wait"),
                        frame(&format!("pid{pid}_loop")),
                        frame("start"),
                    ],
                })
                .collect(),
        },
        kernel: CallTree::default(),
        saved: None,
        notes: Vec::new(),
        exited: false,
        raw: String::new(),
        why: None,
    }
}

fn started_id(effects: &[Effect]) -> u64 {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::StartCapture { id, .. } => Some(*id),
            _ => None,
        })
        .expect("a capture starts")
}

#[test]
fn a_cancelled_capture_never_fills_the_next_pane() {
    let mut app = app(100, 30);
    let first = started_id(&act(&mut app, Action::Capture));
    assert_eq!(act(&mut app, Action::Close), [Effect::CancelCapture]);
    act(&mut app, Action::Down);
    let second = started_id(&act(&mut app, Action::Capture));
    assert_ne!(first, second);
    assert_eq!(app.ui.overlay.capture().unwrap().title, "11 beta");
    // The first capture's last words arrive late.
    let late = Progress::Running {
        tool: "gdb".into(),
        left: Duration::from_secs(3),
        total: Duration::from_secs(30),
    };
    update(&mut app, Msg::CaptureProgress(first, late));
    update(
        &mut app,
        Msg::CaptureDone(first, Box::new(capture_of(10, 1))),
    );
    let pane = app.ui.overlay.capture().unwrap();
    assert!(pane.result.is_none() && pane.running.is_none(), "{pane:?}");
    assert!(!screen(&app).contains("pid10_loop"));
    update(
        &mut app,
        Msg::CaptureDone(second, Box::new(capture_of(11, 1))),
    );
    assert_eq!(
        app.ui
            .overlay
            .capture()
            .unwrap()
            .result
            .as_ref()
            .unwrap()
            .pid,
        11
    );
    assert!(screen(&app).contains("pid11_loop"));
}

#[test]
fn the_capture_cursor_stays_on_screen() {
    let mut app = app(100, 24);
    let id = started_id(&act(&mut app, Action::Capture));
    update(&mut app, Msg::CaptureDone(id, Box::new(capture_of(10, 30))));
    let selected_on_screen = |app: &App| {
        let cursor = app.ui.overlay.capture().unwrap().cursor;
        screen(app).contains(&format!("thread {} worker{cursor} ", 100 + cursor))
    };
    for _ in 0..29 {
        act(&mut app, Action::Down);
        assert!(
            selected_on_screen(&app),
            "cursor {}",
            app.ui.overlay.capture().unwrap().cursor
        );
    }
    assert_eq!(app.ui.overlay.capture().unwrap().cursor, 29);
    for a in [
        Action::PageUp,
        Action::PageUp,
        Action::Up,
        Action::PageDown,
        Action::ToggleFold,
    ] {
        act(&mut app, a);
        assert!(selected_on_screen(&app), "after {a:?}");
    }
    for _ in 0..40 {
        act(&mut app, Action::Up);
    }
    assert_eq!(app.ui.overlay.capture().unwrap().cursor, 0);
    assert!(selected_on_screen(&app));
}

fn line(text: &str) -> Event {
    Event::Line(LogLine {
        when: None,
        level: Level::Unknown,
        source: "stdout".into(),
        text: text.into(),
        cut_bytes: 0,
        partial: false,
    })
}

#[test]
fn paused_and_filtered_the_log_keeps_its_lines_and_resumes_at_the_newest() {
    let mut app = app(100, 30);
    app.ui.overlay = Overlay::Logs {
        view: Box::new(LogView {
            id: 1,
            ..Default::default()
        }),
        filtering: false,
    };
    for i in 1..=5 {
        update(&mut app, Msg::Log(1, line(&format!("keep {i}"))));
    }
    act(&mut app, Action::LogFilter);
    for c in "keep".chars() {
        super::typed(&mut app, c);
    }
    act(&mut app, Action::FilterAccept);
    act(&mut app, Action::PauseView);
    // Lots the filter hides, then one it shows: the frozen screen stays put.
    for i in 0..200 {
        update(&mut app, Msg::Log(1, line(&format!("noise {i}"))));
    }
    update(&mut app, Msg::Log(1, line("keep 6")));
    let s = screen(&app);
    assert!(s.contains("keep 1") && s.contains("keep 5"), "{s}");
    assert!(!s.contains("keep 6"), "paused: {s}");
    act(&mut app, Action::PauseView);
    assert_eq!(
        app.ui.overlay.logs().unwrap().scroll,
        0,
        "resuming follows the newest"
    );
    let s = screen(&app);
    assert!(s.contains("keep 6") && s.contains("keep 1"), "{s}");
    assert!(!s.contains("noise"), "{s}");
}

#[test]
fn the_log_window_never_goes_blank() {
    let mut l = LogView {
        scroll: 50,
        ..Default::default()
    };
    assert_eq!(
        l.window(10, 4),
        0..4,
        "scrolled past the oldest: the first page"
    );
    l.scroll = 3;
    assert_eq!(l.window(10, 4), 3..7);
    assert_eq!(l.window(2, 4), 0..2);
    l.scroll = 8;
    assert_eq!(
        l.window(10, 4),
        0..2,
        "frozen: the screen keeps its last line"
    );
    assert_eq!(l.window(0, 4), 0..0);
}

#[test]
fn long_log_notes_wrap() {
    let mut app = app(60, 20);
    app.ui.overlay = Overlay::Logs {
        view: Box::new(LogView {
            id: 1,
            ..Default::default()
        }),
        filtering: false,
    };
    let note = "stdout is a pipe (pipe:[123456]): only its reader sees that output; it cannot be followed from here";
    update(&mut app, Msg::Log(1, Event::Note(note.into())));
    let s = screen(&app);
    assert!(s.contains("cannot be followed from here"), "{s}");
}

#[test]
fn a_stopped_tail_never_writes_into_the_next_log_pane() {
    let mut app = app(100, 30);
    let first = match act(&mut app, Action::Logs).as_slice() {
        [Effect::StartLogs { id, .. }] => *id,
        e => panic!("{e:?}"),
    };
    assert_eq!(act(&mut app, Action::Close), [Effect::StopLogs]);
    act(&mut app, Action::Down);
    act(&mut app, Action::Logs);
    update(&mut app, Msg::Log(first, line("from the first process")));
    assert!(app.ui.overlay.logs().unwrap().lines.is_empty());
}

/// A bundle from the TUI takes the family from the listing the table shows:
/// no second pass over every process.
#[test]
fn a_bundle_is_saved_from_the_shown_listing() {
    let mut app = app(100, 30);
    let effects = act(&mut app, Action::SaveBundle);
    match &effects[..] {
        [Effect::SaveBundle { key, procs }] => {
            assert_eq!(Some(*key), app.ui.selected);
            assert!(Arc::ptr_eq(procs, &app.table.snapshot.procs));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_judged_capture_hands_its_stacks_to_the_collector() {
    let mut app = app(100, 30);
    let key = app.ui.selected.expect("a selection");
    let id = started_id(&act(&mut app, Action::Capture));
    assert_eq!(app.ui.overlay.capture().unwrap().key, Some(key));
    let mut c = capture_of(10, 1);
    // Not judged (the process exited, or no platform): nothing to hand on.
    assert!(update(&mut app, Msg::CaptureDone(id, Box::new(c.clone()))).is_empty());
    let id = started_id(&act(&mut app, Action::Capture));
    c.why = Some(crate::model::why::classify_process(
        &crate::model::why::Evidence::default(),
        &[],
    ));
    let effects = update(&mut app, Msg::CaptureDone(id, Box::new(c)));
    match &effects[..] {
        [Effect::Collector(crate::collectors::CollectorCmd::Stacks(k, leaves))] => {
            assert_eq!(*k, key);
            // The fixture's threads wait in futex_wait: a lock, by thread id.
            assert!(leaves.any());
        }
        other => panic!("{other:?}"),
    }
}
