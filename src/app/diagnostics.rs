//! Keys for evidence gathering: the snapshot bundle and the log pane.

use super::action::Action;
use super::msg::Effect;
use super::state::{App, CaptureView, LogView, Overlay};
use crate::actions::logtail::Event;
use crate::present::panes;

/// Keys of the log and capture panes, and the keys that open them (or save a
/// bundle) from wherever they are bound.
pub fn act(app: &mut App, a: Action) -> Vec<Effect> {
    match (&mut app.ui.overlay, a) {
        (_, Action::Capture) => {
            let Some(p) = app.selected_sample() else {
                return Vec::new();
            };
            let sample = Box::new(p.clone());
            let id = app.next_pane_id();
            app.ui.overlay = Overlay::Capture(Box::new(CaptureView {
                id,
                title: format!("{} {}", sample.pid, sample.comm),
                ..Default::default()
            }));
            vec![Effect::StartCapture { id, sample }]
        }
        (Overlay::Capture(c), Action::Close) => {
            let running = c.result.is_none();
            app.ui.overlay = Overlay::Table;
            if running {
                vec![Effect::CancelCapture]
            } else {
                Vec::new()
            }
        }
        (Overlay::Capture(_), Action::CancelCapture) => vec![Effect::CancelCapture],
        (Overlay::Capture(_), a) => {
            capture_key(app, a);
            Vec::new()
        }
        (_, Action::SaveBundle) => match app.ui.selected {
            Some(key) => {
                app.say(format!("saving a bundle of pid {}…", key.pid));
                vec![Effect::SaveBundle {
                    key,
                    procs: std::sync::Arc::clone(&app.table.snapshot.procs),
                }]
            }
            None => Vec::new(),
        },
        (
            Overlay::Logs {
                filtering: false, ..
            },
            Action::Close,
        ) => {
            app.ui.overlay = Overlay::Table;
            vec![Effect::StopLogs]
        }
        (_, Action::Logs) => {
            let Some(p) = app.selected_sample() else {
                return Vec::new();
            };
            let key = p.key();
            let title = format!("{} {}", p.pid, p.comm);
            let id = app.next_pane_id();
            app.ui.overlay = Overlay::Logs {
                view: Box::new(LogView {
                    id,
                    key: Some(key),
                    title,
                    ..Default::default()
                }),
                filtering: false,
            };
            vec![Effect::StartLogs { id, key }]
        }
        (
            Overlay::Logs {
                view,
                filtering: false,
            },
            Action::PauseView,
        ) => {
            view.set_paused(!view.paused);
            Vec::new()
        }
        (Overlay::Logs { filtering, .. }, Action::LogFilter) => {
            *filtering = true;
            Vec::new()
        }
        (
            Overlay::Logs {
                filtering: false, ..
            },
            a,
        ) if is_movement(a) => {
            scroll(app, a);
            Vec::new()
        }
        (
            Overlay::Logs {
                filtering: filtering @ true,
                ..
            },
            Action::FilterAccept,
        ) => {
            *filtering = false;
            Vec::new()
        }
        (
            Overlay::Logs {
                view,
                filtering: filtering @ true,
            },
            Action::FilterCancel,
        ) => {
            view.set_filter(String::new());
            *filtering = false;
            Vec::new()
        }
        (
            Overlay::Logs {
                view,
                filtering: true,
            },
            Action::FilterBackspace,
        ) => {
            let mut f = view.filter.clone();
            f.pop();
            view.set_filter(f);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn is_movement(a: Action) -> bool {
    matches!(
        a,
        Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
    )
}

/// The capture pane's lines as drawn, and where each thread's heading is.
fn capture_lines(app: &App) -> (Vec<ratatui::text::Line<'static>>, Vec<usize>) {
    let Some(c) = app.ui.overlay.capture() else {
        return Default::default();
    };
    panes::capture_lines(c.result.as_ref(), c.raw, &c.folded, c.cursor)
}

/// Rows the capture pane's body has at the current size.
fn capture_body_rows(app: &App) -> usize {
    let running = app
        .ui
        .overlay
        .capture()
        .is_some_and(|c| c.running.is_some());
    panes::capture_body_rows(running, app.areas().table)
}

/// Keys of the capture pane: the raw text scrolls; the parsed view moves a
/// cursor over threads and scrolls to keep it on screen.
fn capture_key(app: &mut App, a: Action) {
    let rows = capture_body_rows(app).max(1);
    let (lines, headings) = capture_lines(app);
    let Some(c) = app.ui.overlay.capture_mut() else {
        return;
    };
    let max_scroll = lines.len().saturating_sub(rows);
    let threads = headings.len();
    match a {
        Action::RawToggle => {
            c.raw = !c.raw;
            c.scroll = 0;
        }
        Action::Up if c.raw => c.scroll = c.scroll.saturating_sub(1),
        Action::Down if c.raw => c.scroll = (c.scroll + 1).min(max_scroll),
        Action::PageUp => c.scroll = c.scroll.saturating_sub(rows),
        Action::PageDown => c.scroll = (c.scroll + rows).min(max_scroll),
        Action::Up => c.cursor = c.cursor.saturating_sub(1),
        Action::Down => c.cursor = (c.cursor + 1).min(threads.saturating_sub(1)),
        Action::ToggleFold if !c.folded.remove(&c.cursor) => {
            c.folded.insert(c.cursor);
        }
        _ => {}
    }
    if c.raw {
        return;
    }
    // Where the threads' headings are now (a fold or the raw toggle moved them).
    let (_, headings) = capture_lines(app);
    let Some(c) = app.ui.overlay.capture_mut() else {
        return;
    };
    let on_screen = |line: usize, scroll: usize| line >= scroll && line < scroll + rows;
    let cursor_seen = headings
        .get(c.cursor)
        .is_some_and(|&h| on_screen(h, c.scroll));
    if matches!(a, Action::PageUp | Action::PageDown) {
        // Paging takes the cursor along to a thread on the new page.
        if let Some(i) = headings.iter().position(|&h| on_screen(h, c.scroll))
            && !cursor_seen
        {
            c.cursor = i;
        }
    } else if let Some(&h) = headings.get(c.cursor) {
        if h < c.scroll {
            c.scroll = h;
        } else if h >= c.scroll + rows {
            c.scroll = h + 1 - rows;
        }
    }
}

fn scroll(app: &mut App, a: Action) {
    let page = app
        .ui
        .overlay
        .logs()
        .map_or(0, |l| {
            panes::log_body_rows(&l.notes, l.dropped, app.areas().table)
        })
        .max(1);
    let Some(l) = app.ui.overlay.logs_mut() else {
        return;
    };
    // At most a page short of the oldest: past that the screen would not move.
    let max = l.visible().len().saturating_sub(page);
    l.scroll = match a {
        Action::Up => l.scroll + 1,
        Action::Down => l.scroll.saturating_sub(1),
        Action::PageUp => l.scroll + page,
        Action::PageDown => l.scroll.saturating_sub(page),
        Action::Top => max,
        _ => 0,
    }
    .min(max);
}

/// Typed characters in the log filter.
pub fn typed(app: &mut App, c: char) {
    if let Some(l) = app.ui.overlay.logs_mut() {
        let f = format!("{}{c}", l.filter);
        l.set_filter(f);
    }
}

/// An event of tail `id`; a stopped tail's late lines are dropped.
pub(crate) fn log_event(app: &mut App, id: u64, ev: Event) {
    let Some(l) = app.ui.overlay.logs_mut().filter(|l| l.id == id) else {
        return;
    };
    match ev {
        Event::Line(line) => l.push(line),
        Event::Note(n) => l.notes.push(n),
        Event::Ended(why) => l.ended = Some(why),
    }
}

/// The pane of capture `id`, if it is still the one shown.
fn capture_pane(app: &mut App, id: u64) -> Option<&mut CaptureView> {
    app.ui.overlay.capture_mut().filter(|c| c.id == id)
}

pub(crate) fn capture_progress(app: &mut App, id: u64, p: crate::actions::capture::Progress) {
    if let Some(c) = capture_pane(app, id) {
        c.running = Some(p);
    }
}

pub(crate) fn capture_done(app: &mut App, id: u64, result: crate::actions::capture::Capture) {
    if let Some(c) = capture_pane(app, id) {
        c.running = None;
        c.result = Some(result);
    }
}

#[cfg(test)]
#[path = "diagnostics_tests.rs"]
mod tests;
