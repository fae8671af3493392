//! The stop ladder: signal, wait for exits, escalate. Exits are noticed as they
//! happen (a pidfd each on Linux), so a target that leaves early ends the ladder early.
//! Before each round of signals every target's parent is read again: one that is
//! no longer the root's descendant is dropped (see `lineage`).

use super::lineage::{self, Standing};
use super::targets::Target;
use crate::model::Pid;
use crate::model::ProcKey;
use crate::platform::PlatformError;
use crate::platform::cancel::CancelToken;
use crate::platform::handle::{self, ProcHandle};
use crate::platform::signals;
use serde::{Deserialize, Serialize};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub signal: i32,
    pub wait: Duration,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Order {
    /// Deepest processes first; their parents once they are gone (or half the window passed).
    #[default]
    ChildrenFirst,
    /// Every target at each step at once.
    AllAtOnce,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    pub steps: Vec<Step>,
    pub order: Order,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::parse("TERM:5,INT:3,KILL:1").expect("the default ladder parses")
    }
}

/// Why a ladder's text is not a ladder; each names the step it is about.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("step {0:?} is not SIGNAL:SECONDS")]
    NotAStep(String),
    #[error(transparent)]
    Signal(#[from] signals::SignalParseError),
    #[error("step {part:?}: {secs:?} is not a number of seconds")]
    NotSeconds { part: String, secs: String },
    #[error("step {0:?}: wait must be 0..3600 seconds")]
    WaitOutOfRange(String),
    #[error("a ladder needs at least one step")]
    Empty,
}

impl Policy {
    /// `TERM:5,INT:3,KILL:1`: signal names or numbers, waits in seconds (decimals allowed).
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        let mut steps = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (sig, secs) = part
                .split_once(':')
                .ok_or_else(|| PolicyError::NotAStep(part.to_string()))?;
            let signal = signals::parse(sig)?;
            let secs: f64 = secs.trim().parse().map_err(|_| PolicyError::NotSeconds {
                part: part.to_string(),
                secs: secs.to_string(),
            })?;
            if !(0.0..=3600.0).contains(&secs) {
                return Err(PolicyError::WaitOutOfRange(part.to_string()));
            }
            steps.push(Step {
                signal,
                wait: Duration::from_secs_f64(secs),
            });
        }
        if steps.is_empty() {
            return Err(PolicyError::Empty);
        }
        Ok(Policy {
            steps,
            order: Order::default(),
        })
    }

    /// `TERM 5s → INT 3s → KILL 1s`.
    pub(crate) fn describe(&self) -> String {
        let parts: Vec<String> = self
            .steps
            .iter()
            .map(|s| {
                format!(
                    "{} {}s",
                    signals::name(s.signal).trim_start_matches("SIG"),
                    s.wait.as_secs_f64()
                )
            })
            .collect();
        parts.join(" → ")
    }
}

/// From the user while a ladder runs: whoever runs the ladder turns `Cancel`
/// into its `CancelToken`, `KillNow` into a `KillNow` sent to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    Cancel,
    /// Skip to the last step (SIGKILL in the default ladder) now.
    KillNow,
}

/// Tells a running ladder to skip to its last step now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KillNow;

/// How one target's story ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "ended")]
pub enum Ended {
    /// It exited during this step (0-based), after this signal.
    Step { step: usize, signal: String },
    /// Already gone, or its pid belongs to another process now: never signalled.
    Gone,
    /// Still alive after the last step.
    Survived,
    /// The user cancelled while it was alive.
    Cancelled,
    /// It could not be signalled (permission denied, ...).
    Error { message: String },
    /// No longer a descendant of the chosen process (its parent is now `ppid`):
    /// dropped from the stop, not signalled after that.
    Moved { ppid: Pid },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TargetOutcome {
    pub pid: i32,
    pub start_time: u64,
    pub command: String,
    #[serde(flatten)]
    pub ended: Ended,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    pub targets: Vec<TargetOutcome>,
    pub cancelled: bool,
    pub elapsed_secs: f64,
    /// Signals sent, in order: (step, signal name, pid).
    pub sent: Vec<(usize, String, i32)>,
}

impl Outcome {
    /// True when no target is left running (one that left the tree is not a target).
    pub(crate) fn all_gone(&self) -> bool {
        self.targets.iter().all(|t| {
            matches!(
                t.ended,
                Ended::Step { .. } | Ended::Gone | Ended::Moved { .. }
            )
        })
    }
}

/// What the ladder reports while it runs.
#[derive(Clone, Debug)]
pub enum Progress {
    Step {
        index: usize,
        signal: i32,
        until: Instant,
        alive: Vec<ProcKey>,
    },
    Exited {
        key: ProcKey,
        step: usize,
    },
    /// Dropped: no longer a descendant of the chosen process.
    Moved {
        key: ProcKey,
        message: String,
    },
}

struct Live {
    target: Target,
    handle: Option<Box<dyn ProcHandle>>,
    ended: Option<Ended>,
    signalled_in: Option<usize>,
}

const POLL: Duration = Duration::from_millis(20);

/// Runs the ladder to the end, or until `cancel`; blocking (run it off the UI task).
pub fn run(
    targets: Vec<Target>,
    policy: &Policy,
    cancel: &CancelToken,
    kill_now: &Receiver<KillNow>,
    mut progress: impl FnMut(Progress),
) -> Outcome {
    let start = Instant::now();
    let mut live: Vec<Live> = targets
        .into_iter()
        .map(|target| match handle::open(target.key) {
            Ok(h) => Live {
                target,
                handle: Some(h),
                ended: None,
                signalled_in: None,
            },
            Err(PlatformError::NoSuchProcess { .. }) => Live {
                target,
                handle: None,
                ended: Some(Ended::Gone),
                signalled_in: None,
            },
            Err(e) => Live {
                target,
                handle: None,
                ended: Some(Ended::Error {
                    message: e.to_string(),
                }),
                signalled_in: None,
            },
        })
        .collect();
    let mut sent = Vec::new();
    let mut cancelled = false;
    let mut index = 0;
    'steps: while index < policy.steps.len() {
        let step = &policy.steps[index];
        let began = Instant::now();
        let until = began + step.wait;
        progress(Progress::Step {
            index,
            signal: step.signal,
            until,
            alive: alive_keys(&live),
        });
        loop {
            deliver(
                &mut live,
                index,
                step,
                policy.order,
                began,
                &mut sent,
                &mut progress,
            );
            for l in live.iter_mut().filter(|l| l.ended.is_none()) {
                if l.handle.as_ref().is_some_and(|h| h.exited()) {
                    let signal = signals::name(step.signal);
                    l.ended = Some(Ended::Step {
                        step: index,
                        signal,
                    });
                    progress(Progress::Exited {
                        key: l.target.key,
                        step: index,
                    });
                }
            }
            if live.iter().all(|l| l.ended.is_some()) {
                break 'steps;
            }
            if cancel.is_cancelled() {
                cancelled = true;
                break 'steps;
            }
            match kill_now.try_recv() {
                Ok(KillNow) if index + 1 < policy.steps.len() => {
                    index = policy.steps.len() - 1;
                    continue 'steps;
                }
                Ok(KillNow) | Err(TryRecvError::Empty) | Err(TryRecvError::Disconnected) => {}
            }
            if Instant::now() >= until {
                break;
            }
            // A cancel ends the wait at once; the next turn sees it.
            cancel.sleep_or_cancelled(POLL.min(until.saturating_duration_since(Instant::now())));
        }
        index += 1;
    }
    let end = if cancelled {
        Ended::Cancelled
    } else {
        Ended::Survived
    };
    let targets = live
        .into_iter()
        .map(|l| TargetOutcome {
            pid: l.target.key.pid,
            start_time: l.target.key.start_time,
            command: l.target.command,
            ended: l.ended.unwrap_or_else(|| end.clone()),
        })
        .collect();
    Outcome {
        targets,
        cancelled,
        elapsed_secs: start.elapsed().as_secs_f64(),
        sent,
    }
}

/// Sends this step's signal to whoever is due: everyone at once, or the deepest
/// live level, then shallower levels once it is gone or half the window passed.
fn deliver(
    live: &mut [Live],
    index: usize,
    step: &Step,
    order: Order,
    began: Instant,
    sent: &mut Vec<(usize, String, i32)>,
    progress: &mut impl FnMut(Progress),
) {
    let due_depth = match order {
        Order::AllAtOnce => 0,
        Order::ChildrenFirst => {
            let deepest = live
                .iter()
                .filter(|l| l.ended.is_none())
                .map(|l| l.target.depth)
                .max()
                .unwrap_or(0);
            if began.elapsed() >= step.wait / 2 {
                0
            } else {
                deepest
            }
        }
    };
    let due = |l: &Live| {
        l.ended.is_none() && l.signalled_in != Some(index) && l.target.depth >= due_depth
    };
    if !live.iter().any(due) {
        return;
    }
    crate::platform::test_pause::pause(crate::platform::test_pause::Point::BeforeFirstSignal);
    drop_moved(live, progress);
    for l in live.iter_mut() {
        if !due(l) {
            continue;
        }
        l.signalled_in = Some(index);
        let Some(h) = &l.handle else { continue };
        match h.signal(step.signal) {
            Ok(()) => sent.push((index, signals::name(step.signal), l.target.key.pid)),
            Err(PlatformError::NoSuchProcess { .. }) => {}
            Err(e) => {
                l.ended = Some(Ended::Error {
                    message: e.to_string(),
                })
            }
        }
    }
}

/// Ends, as `Moved`, every live target that is no longer the root's descendant.
fn drop_moved(live: &mut [Live], progress: &mut impl FnMut(Progress)) {
    let targets: Vec<Target> = live.iter().map(|l| l.target.clone()).collect();
    let standing = lineage::standings(
        &targets,
        |i| {
            let h = live[i].handle.as_ref()?;
            h.lineage().ok().map(|l| l.ppid)
        },
        |i| live[i].signalled_in.is_some(),
    );
    let root = targets
        .iter()
        .find(|t| t.parent.is_none())
        .map_or(0, |t| t.key.pid);
    for (l, s) in live.iter_mut().zip(standing) {
        if let (None, Standing::Moved { ppid }) = (&l.ended, s) {
            l.ended = Some(Ended::Moved { ppid });
            progress(Progress::Moved {
                key: l.target.key,
                message: lineage::describe_moved(&l.target, root, ppid),
            });
        }
    }
}

fn alive_keys(live: &[Live]) -> Vec<ProcKey> {
    live.iter()
        .filter(|l| l.ended.is_none())
        .map(|l| l.target.key)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_parse_and_describe() {
        let p = Policy::default();
        assert_eq!(p.steps.len(), 3);
        assert_eq!(
            p.steps[0],
            Step {
                signal: libc::SIGTERM,
                wait: Duration::from_secs(5)
            }
        );
        assert_eq!(p.describe(), "TERM 5s → INT 3s → KILL 1s");
        assert_eq!(
            Policy::parse("HUP:0.5, 9:1").unwrap().steps[1].signal,
            libc::SIGKILL
        );
        for bad in ["", "TERM", "TERM:x", "NOPE:1", "TERM:-1"] {
            assert!(Policy::parse(bad).is_err(), "{bad}");
        }
    }
}
