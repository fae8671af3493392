//! The keys that act on processes: stop (with its confirmation), signals, pause and
//! resume, nice, the audit pane, and following a running ladder. Pure state changes;
//! the event loop carries out the effects off the UI task.

use super::action::Action;
use super::msg::Effect;
use super::state::{App, LadderView, Overlay, PendingStop, TaggedChange};
use super::tagged;
use crate::actions::ladder::{Control, Ended, Outcome, Progress};
use crate::actions::sched::{self, SchedChange};
use crate::actions::{lineage, targets};
use crate::platform::signals;

/// A key of the open dialog (stop confirmation, signal menu, nice prompt);
/// `None`: not one of the dialog's keys.
pub(crate) fn dialog_key(app: &mut App, a: Action) -> Option<Vec<Effect>> {
    let effects = match (&mut app.ui.overlay, a) {
        (_, Action::No) => {
            app.ui.overlay = Overlay::Table;
            Vec::new()
        }
        (Overlay::ConfirmStop(_), Action::Yes) => confirm_stop(app),
        (Overlay::ConfirmTagged(_), Action::Yes) => {
            let Overlay::ConfirmTagged(plan) = std::mem::take(&mut app.ui.overlay) else {
                unreachable!("matched above")
            };
            tagged::effects(app, plan)
        }
        // The tagged processes are each stopped alone.
        (Overlay::ConfirmStop(p), Action::ToggleTree) if p.tagged => Vec::new(),
        (Overlay::ConfirmStop(p), Action::ToggleTree) => {
            let (root, tree) = (p.root, p.tree);
            plan_stop(app, root, !tree);
            Vec::new()
        }
        (Overlay::SignalMenu { cursor, group }, Action::Yes) => {
            let sig = signals::all()[(*cursor).min(signals::all().len() - 1)].1;
            let group = *group;
            app.ui.overlay = Overlay::Table;
            if app.ui.tagged.is_empty() {
                signal_selected(app, sig, group)
            } else {
                tagged::chosen(app, TaggedChange::Signal(sig))
            }
        }
        (Overlay::SignalMenu { group, .. }, Action::ToggleGroup) => {
            *group = !*group;
            Vec::new()
        }
        (
            Overlay::SignalMenu { cursor, .. },
            Action::Up | Action::Down | Action::Top | Action::Bottom,
        ) => {
            let by: isize = match a {
                Action::Up => -1,
                Action::Down => 1,
                Action::Top => -1000,
                _ => 1000,
            };
            let n = signals::all().len() as isize;
            *cursor = (*cursor as isize + by).clamp(0, n - 1) as usize;
            Vec::new()
        }
        (Overlay::NicePrompt { input, selected }, Action::FilterBackspace) => {
            *selected = false;
            input.pop();
            Vec::new()
        }
        (Overlay::NicePrompt { input, selected }, Action::FilterClear) => {
            *selected = false;
            input.clear();
            Vec::new()
        }
        (Overlay::NicePrompt { input, .. }, Action::Yes) => {
            let input = std::mem::take(input);
            app.ui.overlay = Overlay::Table;
            match input.trim().parse::<i32>() {
                Ok(n) if (-20..=19).contains(&n) && !app.ui.tagged.is_empty() => {
                    tagged::chosen(app, TaggedChange::NiceTo(n))
                }
                Ok(n) if (-20..=19).contains(&n) => renice_selected(app, n),
                _ => {
                    app.say(format!("not a nice value: {input:?} (-20 to 19)"));
                    Vec::new()
                }
            }
        }
        _ => return None,
    };
    Some(effects)
}

/// The keys that act on the selected process, from the table or an overlay.
pub fn act(app: &mut App, a: Action) -> Vec<Effect> {
    let on_tags = matches!(
        a,
        Action::Stop
            | Action::SignalMenu
            | Action::Pause
            | Action::Resume
            | Action::NiceUp
            | Action::NiceDown
            | Action::NiceInput
            | Action::CyclePolicy
            | Action::CycleIo
    );
    if on_tags && !app.ui.tagged.is_empty() {
        return tagged::act(app, a);
    }
    match a {
        Action::Stop => {
            if app.ladder.is_some() {
                app.say("a stop is already running: X kills now, C cancels");
            } else if let Some(key) = app.ui.selected {
                plan_stop(app, key, true);
            }
            Vec::new()
        }
        Action::SignalMenu => {
            if protected(app).is_some() {
                app.ui.overlay = Overlay::SignalMenu {
                    cursor: super::overlay::term_row(),
                    group: false,
                };
            }
            Vec::new()
        }
        Action::Pause => signal_selected(app, libc::SIGSTOP, false),
        Action::Resume => signal_selected(app, libc::SIGCONT, false),
        Action::NiceUp | Action::NiceDown => {
            let Some(p) = app.selected_sample() else {
                return Vec::new();
            };
            let nice = (p.nice + if a == Action::NiceUp { 1 } else { -1 }).clamp(-20, 19);
            renice_selected(app, nice)
        }
        Action::NiceInput => {
            if let Some(p) = app.selected_sample() {
                app.ui.overlay = Overlay::NicePrompt {
                    input: p.nice.to_string(),
                    selected: true,
                };
            }
            Vec::new()
        }
        Action::CyclePolicy | Action::CycleIo => {
            let Some((key, command, _)) = protected(app) else {
                return Vec::new();
            };
            let change = if crate::platform::os::MACOS {
                Some(SchedChange::Background(a == Action::CyclePolicy))
            } else if a == Action::CyclePolicy {
                sched::next_policy(key.pid)
            } else {
                sched::next_io(key.pid)
            };
            match change {
                Some(change) => vec![Effect::Sched {
                    key,
                    command,
                    change,
                }],
                None => {
                    app.say(format!("pid {}: cannot read its scheduling", key.pid));
                    Vec::new()
                }
            }
        }
        Action::AuditPane => {
            app.ui.overlay = Overlay::Audit { scroll: 0 };
            vec![Effect::LoadAudit]
        }
        Action::LadderKillNow | Action::LadderCancel => {
            if app.ladder.is_none() {
                app.say("no stop is running");
                return Vec::new();
            }
            let c = if a == Action::LadderKillNow {
                Control::KillNow
            } else {
                Control::Cancel
            };
            vec![Effect::LadderControl(c)]
        }
        _ => Vec::new(),
    }
}

/// The selected process's key and command, or a status message saying why not.
fn protected(app: &mut App) -> Option<(crate::model::ProcKey, String, i32)> {
    let key = app.ui.selected?;
    match targets::plan(&app.table.snapshot.procs, key, false, false) {
        Ok(t) => {
            let pgid = app.selected_sample().map(|p| p.pgid).unwrap_or(key.pid);
            Some((key, t[0].command.clone(), pgid))
        }
        Err(refusal) => {
            app.say(refusal.to_string());
            None
        }
    }
}

/// The confirmation shows a plan whose parentage was just read again: the
/// snapshot may be a refresh old, and a target that left the tree since is
/// dropped (and said so) rather than shown.
fn plan_stop(app: &mut App, root: crate::model::ProcKey, tree: bool) {
    let planned = match targets::plan(&app.table.snapshot.procs, root, tree, false) {
        // Its tree holds whytop: offer the process alone rather than refuse.
        Err(targets::Refusal::HoldsMyself(pid)) => {
            app.say(format!(
                "the tree of pid {pid} holds whytop itself: offering pid {pid} alone"
            ));
            targets::plan(&app.table.snapshot.procs, root, false, false).map(|t| (t, false))
        }
        other => other.map(|t| (t, tree)),
    };
    match planned {
        Ok((targets, tree)) => {
            let (targets, dropped) = lineage::recheck(targets);
            if !dropped.is_empty() {
                let said: Vec<String> = dropped
                    .iter()
                    .map(|(t, ppid)| lineage::describe_moved(t, root.pid, *ppid))
                    .collect();
                app.say(said.join("; "));
            }
            app.ui.overlay = Overlay::ConfirmStop(PendingStop {
                root,
                tree,
                targets,
                dropped,
                tagged: false,
            });
        }
        Err(refusal) => {
            app.ui.overlay = Overlay::Table;
            app.say(refusal.to_string());
        }
    }
}

fn confirm_stop(app: &mut App) -> Vec<Effect> {
    let Overlay::ConfirmStop(p) = std::mem::take(&mut app.ui.overlay) else {
        return Vec::new();
    };
    let policy = app.policy.clone();
    app.ladder = Some(LadderView {
        targets: p.targets.clone(),
        policy: policy.clone(),
        step: 0,
        signal: policy.steps[0].signal,
        until: std::time::Instant::now() + policy.steps[0].wait,
        alive: p.targets.iter().map(|t| t.key).collect(),
        exited: Vec::new(),
    });
    vec![Effect::StartLadder {
        targets: p.targets,
        policy,
        tree: p.tree,
        dropped: p.dropped,
    }]
}

fn signal_selected(app: &mut App, signal: i32, group: bool) -> Vec<Effect> {
    let Some((key, command, pgid)) = protected(app) else {
        return Vec::new();
    };
    vec![Effect::Signal {
        key,
        command,
        signal,
        group,
        pgid,
    }]
}

fn renice_selected(app: &mut App, nice: i32) -> Vec<Effect> {
    let Some((key, command, _)) = protected(app) else {
        return Vec::new();
    };
    vec![Effect::Renice { key, command, nice }]
}

pub(crate) fn ladder_progress(app: &mut App, p: Progress) {
    let Some(l) = &mut app.ladder else { return };
    match p {
        Progress::Step {
            index,
            signal,
            until,
            alive,
        } => {
            l.step = index;
            l.signal = signal;
            l.until = until;
            l.alive = alive;
        }
        Progress::Exited { key, step } => {
            l.alive.retain(|k| *k != key);
            l.exited.push((key, step));
        }
        Progress::Moved { key, message } => {
            l.alive.retain(|k| *k != key);
            app.say(message);
        }
    }
}

pub(crate) fn ladder_done(app: &mut App, o: Outcome) {
    app.ladder = None;
    let mut by: Vec<String> = Vec::new();
    for t in &o.targets {
        let what = match &t.ended {
            Ended::Step { signal, .. } => signal.clone(),
            Ended::Gone => "already gone".into(),
            Ended::Survived => "SURVIVED".into(),
            Ended::Cancelled => "left running".into(),
            Ended::Error { message } => message.clone(),
            Ended::Moved { ppid } => format!("left the tree (parent now {ppid}): left alone"),
        };
        by.push(format!("{} {what}", t.pid));
    }
    let head = if o.cancelled {
        "stop cancelled"
    } else if o.all_gone() {
        "stopped"
    } else {
        "stop finished, not all gone"
    };
    app.say(format!(
        "{head} in {:.1}s: {}",
        o.elapsed_secs,
        by.join(", ")
    ));
    app.ui.status_ttl = 15;
}
