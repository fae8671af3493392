//! A replay in the app: its keys (taken first in the table, the details and
//! the Ended view), the prompt for a time, the frames the replay source
//! sends, and the actions it refuses: the processes are in the past, and a
//! pid in a recording may be another process now.

use super::action::Action;
use super::keymap::Mode;
use super::msg::Effect;
use super::state::{App, Overlay};
use crate::collectors::replay::{ReplayCmd, ReplayFrame};
use crate::model::ProcessTable;
use crate::model::history::History;
use crossterm::event::KeyEvent;
use std::time::Duration;

/// The action of a key: in a replay, the `[replay]` section first where
/// the table, the details or the Ended view is open.
pub(crate) fn lookup(app: &App, k: &KeyEvent) -> Option<Action> {
    let mode = app.ui.overlay.mode();
    let first = app.replay.is_some() && matches!(mode, Mode::Normal | Mode::Detail | Mode::Ended);
    first
        .then(|| app.keymap.lookup(Mode::Replay, k))
        .flatten()
        .or_else(|| app.keymap.lookup(mode, k))
}

fn is_replay_key(a: Action) -> bool {
    matches!(
        a,
        Action::ReplayBack
            | Action::ReplayForward
            | Action::ReplayBackMinute
            | Action::ReplayForwardMinute
            | Action::ReplayGoto
    )
}

/// What a key that acts is called in the message refusing it; None: not one.
fn refused(a: Action) -> Option<&'static str> {
    Some(match a {
        Action::Stop => "stop",
        Action::SignalMenu => "signal",
        Action::Pause => "pause (SIGSTOP)",
        Action::Resume => "resume (SIGCONT)",
        Action::NiceUp | Action::NiceDown | Action::NiceInput => "nice",
        Action::CyclePolicy | Action::CycleIo => "scheduling",
        Action::LadderKillNow | Action::LadderCancel => "the stop ladder",
        Action::SaveBundle => "bundle",
        Action::Capture => "capture",
        Action::Logs => "log tail",
        Action::Freeze => "freeze (a replay moves only when stepped)",
        Action::Threads => "threads (a recording keeps processes, not threads)",
        _ => return None,
    })
}

/// The keys a replay handles itself: its moves, and the actions it refuses
/// (said, nothing done). None: the key goes on as in the live TUI.
pub(crate) fn intercept(app: &mut App, a: Action) -> Option<Vec<Effect>> {
    if app.replay.is_none() {
        if is_replay_key(a) {
            app.say("only in a replay (whytop replay)");
            return Some(Vec::new());
        }
        return None;
    }
    let cmd = match a {
        Action::ReplayBack => ReplayCmd::Step(-1),
        Action::ReplayForward => ReplayCmd::Step(1),
        Action::ReplayBackMinute => ReplayCmd::StepSecs(-60.0),
        Action::ReplayForwardMinute => ReplayCmd::StepSecs(60.0),
        Action::ReplayGoto => {
            app.ui.overlay = Overlay::TimePrompt {
                input: String::new(),
                error: None,
            };
            return Some(Vec::new());
        }
        a => {
            let what = refused(a)?;
            app.say(format!("{what}: not available in a replay"));
            return Some(Vec::new());
        }
    };
    Some(vec![Effect::Replay(cmd)])
}

/// The time prompt's keys: Enter goes there, Esc leaves.
pub(crate) fn prompt_key(app: &mut App, a: Action) -> Vec<Effect> {
    let Overlay::TimePrompt { input, error } = &mut app.ui.overlay else {
        return Vec::new();
    };
    match a {
        Action::Yes => match crate::present::at_time::resolve(input.trim()) {
            Ok(t) => {
                app.ui.overlay = Overlay::Table;
                return vec![Effect::Replay(ReplayCmd::Seek(t))];
            }
            Err(e) => *error = Some(e.to_string()),
        },
        Action::No | Action::Close => app.ui.overlay = Overlay::Table,
        Action::FilterBackspace => {
            input.pop();
            *error = None;
        }
        Action::FilterClear => {
            input.clear();
            *error = None;
        }
        Action::Quit => app.quit = true,
        _ => {}
    }
    Vec::new()
}

/// A character typed into the time prompt.
pub(crate) fn typed(app: &mut App, c: char) {
    if let Overlay::TimePrompt { input, error } = &mut app.ui.overlay {
        input.push(c);
        *error = None;
    }
}

/// Where the replay moved: after a jump the table and the history start
/// again from the samples sent; a step adds its one.
pub(crate) fn frame(app: &mut App, f: ReplayFrame) -> Vec<Effect> {
    if f.reset {
        app.table = ProcessTable::default();
        app.history = History::default();
    }
    for s in f.snapshots {
        app.ingest(s);
    }
    if f.position.count > 0 {
        // The charts' time axis: the recorder's interval, not the TUI's.
        if f.position.interval_s > 0.0 {
            app.delay = Duration::from_secs_f64(f.position.interval_s);
        }
        if let Some(r) = &mut app.replay {
            r.position = Some(f.position);
        }
    }
    if let Some(n) = f.note {
        app.say(n);
    }
    Vec::new()
}
