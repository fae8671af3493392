//! Keys for evidence gathering: the snapshot bundle and the log pane.

use super::action::Action;
use super::keymap::Mode;
use super::msg::Effect;
use super::state::{App, CaptureView, LogView};
use crate::actions::logtail::Event;

pub fn act(app: &mut App, a: Action) -> Vec<Effect> {
    match (app.ui.mode, a) {
        (_, Action::Capture) => {
            let Some(p) = app.selected_sample() else {
                return Vec::new();
            };
            let sample = Box::new(p.clone());
            app.capture = Some(CaptureView {
                title: format!("{} {}", sample.pid, sample.comm),
                ..Default::default()
            });
            app.ui.mode = Mode::Capture;
            vec![Effect::StartCapture { sample }]
        }
        (Mode::Capture, Action::Close) => {
            app.ui.mode = Mode::Normal;
            let running = app.capture.as_ref().is_some_and(|c| c.result.is_none());
            if running {
                vec![Effect::CancelCapture]
            } else {
                Vec::new()
            }
        }
        (Mode::Capture, Action::CancelCapture) => vec![Effect::CancelCapture],
        (Mode::Capture, a) => {
            if let Some(c) = &mut app.capture {
                let threads = c.result.as_ref().map(|r| r.tree.threads.len()).unwrap_or(0);
                match a {
                    Action::RawToggle => c.raw = !c.raw,
                    Action::Up if c.raw => c.scroll = c.scroll.saturating_sub(1),
                    Action::Down if c.raw => c.scroll += 1,
                    Action::PageUp => c.scroll = c.scroll.saturating_sub(20),
                    Action::PageDown => c.scroll += 20,
                    Action::Up => c.cursor = c.cursor.saturating_sub(1),
                    Action::Down => c.cursor = (c.cursor + 1).min(threads.saturating_sub(1)),
                    Action::ToggleFold if !c.folded.remove(&c.cursor) => {
                        c.folded.insert(c.cursor);
                    }
                    _ => {}
                }
            }
            Vec::new()
        }
        (_, Action::Snapshot) => match app.ui.selected {
            Some(key) => {
                app.say(format!("saving a bundle of pid {}…", key.pid));
                vec![Effect::Snapshot { key }]
            }
            None => Vec::new(),
        },
        (Mode::Logs, Action::Close) => {
            app.ui.mode = Mode::Normal;
            vec![Effect::StopLogs]
        }
        (_, Action::Logs) => {
            let Some(p) = app.selected_sample() else {
                return Vec::new();
            };
            let key = p.key();
            app.logs = Some(LogView {
                key: Some(key),
                title: format!("{} {}", p.pid, p.comm),
                ..Default::default()
            });
            app.ui.mode = Mode::Logs;
            vec![Effect::StartLogs { key }]
        }
        (Mode::Logs, Action::Pause2) => {
            if let Some(l) = &mut app.logs {
                l.paused = !l.paused;
            }
            Vec::new()
        }
        (Mode::Logs, Action::LogFilter) => {
            app.ui.mode = Mode::LogFilter;
            Vec::new()
        }
        (
            Mode::Logs,
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom,
        ) => {
            scroll(app, a);
            Vec::new()
        }
        (Mode::LogFilter, Action::FilterAccept) => {
            app.ui.mode = Mode::Logs;
            Vec::new()
        }
        (Mode::LogFilter, Action::FilterCancel) => {
            if let Some(l) = &mut app.logs {
                l.filter.clear();
            }
            app.ui.mode = Mode::Logs;
            Vec::new()
        }
        (Mode::LogFilter, Action::FilterBackspace) => {
            if let Some(l) = &mut app.logs {
                l.filter.pop();
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn scroll(app: &mut App, a: Action) {
    let page = app.page_rows();
    let Some(l) = &mut app.logs else { return };
    let max = l.visible().len().saturating_sub(1);
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
    if let Some(l) = &mut app.logs {
        l.filter.push(c);
        l.scroll = 0;
    }
}

pub fn log_event(app: &mut App, ev: Event) {
    let Some(l) = &mut app.logs else { return };
    match ev {
        Event::Line(line) => l.push(line),
        Event::Note(n) => l.notes.push(n),
        Event::Ended(why) => l.ended = Some(why),
    }
}

pub fn capture_progress(app: &mut App, p: crate::actions::capture::Progress) {
    if let Some(c) = &mut app.capture {
        c.running = Some(p);
    }
}

pub fn capture_done(app: &mut App, result: crate::actions::capture::Capture) {
    if let Some(c) = &mut app.capture {
        c.running = None;
        c.result = Some(result);
    }
}
