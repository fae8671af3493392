//! Tags (htop's Space, c, U) and the keys that then act on every tagged
//! process at once: one confirmation naming each target, then one effect per
//! target, each through the single-process path (identity checked by
//! `ProcKey` when it acts, audited on its own).

use super::action::Action;
use super::msg::Effect;
use super::state::{App, Overlay, PendingStop, TaggedChange, TaggedPlan};
use crate::actions::sched::{self, SchedChange};
use crate::actions::targets::{self, Target};

/// Space, c and U.
pub(crate) fn tag_key(app: &mut App, a: Action) {
    let Some(key) = app.ui.selected else { return };
    match a {
        Action::Tag => {
            if !app.ui.tagged.remove(&key) {
                app.ui.tagged.insert(key);
            }
            app.set_cursor(app.ui.cursor + 1);
        }
        Action::TagTree => {
            // Forced: tagging refuses nothing; acting on the tags does.
            if let Ok(family) = targets::plan(&app.table.snapshot.procs, key, true, true) {
                app.ui.tagged.extend(family.iter().map(|t| t.key));
                app.say(format!(
                    "tagged pid {} and {} descendant(s)",
                    key.pid,
                    family.len() - 1
                ));
            }
        }
        _ => {
            app.ui.tagged.clear();
            app.say("untagged all");
        }
    }
}

/// The tagged processes as targets, each alone; the refused ones are said and
/// left out.
fn targets(app: &mut App) -> Vec<Target> {
    let procs = std::sync::Arc::clone(&app.table.snapshot.procs);
    let mut out = Vec::new();
    let mut refused = Vec::new();
    for key in &app.ui.tagged {
        match targets::plan(&procs, *key, false, false) {
            Ok(mut t) => out.push(t.remove(0)),
            Err(r) => refused.push(r.to_string()),
        }
    }
    if !refused.is_empty() {
        app.say(format!("left out: {}", refused.join("; ")));
    } else if out.is_empty() {
        app.say("no tagged process is left");
    }
    out
}

/// A key that acts on processes, with processes tagged: the one confirmation
/// (the signal menu lists the targets itself).
pub(crate) fn act(app: &mut App, a: Action) -> Vec<Effect> {
    if a == Action::Stop && app.ladder.is_some() {
        app.say("a stop is already running: X kills now, C cancels");
        return Vec::new();
    }
    let targets = targets(app);
    let Some(first) = targets.first() else {
        return Vec::new();
    };
    let change = match a {
        Action::Stop => {
            app.ui.overlay = Overlay::ConfirmStop(PendingStop {
                root: first.key,
                tree: false,
                targets,
                dropped: Vec::new(),
                tagged: true,
            });
            return Vec::new();
        }
        Action::SignalMenu => {
            app.ui.overlay = Overlay::SignalMenu {
                cursor: super::overlay::term_row(),
                group: false,
            };
            return Vec::new();
        }
        Action::NiceInput => {
            let input = app.selected_sample().map_or(0, |p| p.nice).to_string();
            app.ui.overlay = Overlay::NicePrompt {
                input,
                selected: true,
            };
            return Vec::new();
        }
        Action::Pause => TaggedChange::Signal(libc::SIGSTOP),
        Action::Resume => TaggedChange::Signal(libc::SIGCONT),
        Action::NiceUp => TaggedChange::NiceBy(1),
        Action::NiceDown => TaggedChange::NiceBy(-1),
        Action::CyclePolicy => TaggedChange::NextPolicy,
        Action::CycleIo => TaggedChange::NextIo,
        _ => return Vec::new(),
    };
    ask(app, change, targets)
}

/// Opens the confirmation for `change` on `targets`.
pub(crate) fn ask(app: &mut App, change: TaggedChange, targets: Vec<Target>) -> Vec<Effect> {
    app.ui.overlay = Overlay::ConfirmTagged(TaggedPlan { change, targets });
    Vec::new()
}

/// The signal menu's or nice prompt's choice for the tagged processes.
pub(crate) fn chosen(app: &mut App, change: TaggedChange) -> Vec<Effect> {
    let targets = targets(app);
    if targets.is_empty() {
        return Vec::new();
    }
    match change {
        // The menu listed every target: Enter was the confirmation.
        TaggedChange::Signal(_) => effects(app, TaggedPlan { change, targets }),
        _ => ask(app, change, targets),
    }
}

/// Yes: one effect per target, as the single-process keys make them.
pub(crate) fn effects(app: &mut App, plan: TaggedPlan) -> Vec<Effect> {
    let mut out = Vec::new();
    let mut unread = Vec::new();
    for t in plan.targets {
        let (key, command) = (t.key, t.command);
        let nice_now = || {
            let i = app.table.find(key)?;
            Some(app.table.snapshot.procs[i].nice)
        };
        out.push(match plan.change {
            TaggedChange::Signal(signal) => Effect::Signal {
                key,
                command,
                signal,
                group: false,
                pgid: key.pid,
            },
            TaggedChange::NiceTo(nice) => Effect::Renice { key, command, nice },
            TaggedChange::NiceBy(by) => {
                let Some(nice) = nice_now() else {
                    unread.push(key.pid);
                    continue;
                };
                Effect::Renice {
                    key,
                    command,
                    nice: (nice + by).clamp(-20, 19),
                }
            }
            TaggedChange::NextPolicy | TaggedChange::NextIo => {
                let policy = plan.change == TaggedChange::NextPolicy;
                let change = if crate::platform::os::MACOS {
                    Some(SchedChange::Background(policy))
                } else if policy {
                    sched::next_policy(key.pid)
                } else {
                    sched::next_io(key.pid)
                };
                let Some(change) = change else {
                    unread.push(key.pid);
                    continue;
                };
                Effect::Sched {
                    key,
                    command,
                    change,
                }
            }
        });
    }
    if !unread.is_empty() {
        let pids: Vec<String> = unread.iter().map(|p| p.to_string()).collect();
        app.say(format!(
            "left out, cannot read them: pid {}",
            pids.join(", ")
        ));
    }
    out
}
