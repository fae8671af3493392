//! Why a process is not running: the vocabulary, the verdict, and the pure
//! classifier that turns platform evidence into a verdict.

mod children;
mod classify;
mod evidence;
mod fds;
mod judgement;
pub(crate) mod profile;
mod restart;
mod resumed;
pub(crate) mod settle;
mod stack_leaf;
mod stack_wait;
pub(crate) mod thread_input;
pub(crate) mod thread_wait;
mod threads;
pub(crate) mod usage;
mod wchan;

#[cfg(test)]
mod tests;

pub use classify::{classify, classify_process, classify_process_with, classify_tag};
pub use evidence::{
    ChildRef, Evidence, FdEvidence, FdRole, FdTarget, SocketInfo, Syscall, SyscallState,
    ThreadStates, Unreadable, UnreadableWhy, denied_hint_for, denied_hint_on,
};
pub use restart::{ResumedCall, resumed_call};
pub use resumed::{EarlierCall, Resumed};
pub use stack_leaf::StackLeaf;

use serde::{Deserialize, Serialize};

/// The small vocabulary of the WHY column.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum WaitReason {
    /// On a CPU or runnable.
    Running,
    /// Runnable, but waiting for a CPU most of the last interval (others had it).
    Starved,
    /// Reading, polling or selecting on its terminal (or another terminal).
    Input,
    /// Sleeping for a set time.
    Timer,
    /// Waiting for a child to exit.
    Child,
    /// Uninterruptible wait (I/O), or blocked on a regular file.
    Disk,
    /// Futex, file lock, semaphore.
    Lock,
    /// Waiting on several fds (epoll, poll, select) with no terminal in the foreground.
    EventLoop,
    /// Reading an empty pipe, writing a full one, or another byte stream (FIFO, device).
    Pipe,
    /// accept, recv, send, connect.
    Socket,
    /// macOS: waiting for a Mach message (a service's reply, a run loop's
    /// port); only a captured stack tells it (`mach_msg*` innermost).
    Ipc,
    /// Waiting for a signal (pause, sigsuspend, sigtimedwait).
    Signal,
    Stopped,
    Traced,
    Zombie,
    /// A kernel thread with nothing to do.
    Idle,
    /// Not enough evidence; the detail says what was missing.
    #[default]
    Unknown,
}

impl WaitReason {
    pub(crate) const ALL: [WaitReason; 17] = [
        WaitReason::Running,
        WaitReason::Starved,
        WaitReason::Input,
        WaitReason::Timer,
        WaitReason::Child,
        WaitReason::Disk,
        WaitReason::Lock,
        WaitReason::EventLoop,
        WaitReason::Pipe,
        WaitReason::Socket,
        WaitReason::Ipc,
        WaitReason::Signal,
        WaitReason::Stopped,
        WaitReason::Traced,
        WaitReason::Zombie,
        WaitReason::Idle,
        WaitReason::Unknown,
    ];

    /// The short lowercase name the column shows and `why:NAME` filters on.
    pub fn label(self) -> &'static str {
        match self {
            WaitReason::Running => "running",
            WaitReason::Starved => "starved",
            WaitReason::Input => "input",
            WaitReason::Timer => "timer",
            WaitReason::Child => "child",
            WaitReason::Disk => "disk",
            WaitReason::Lock => "lock",
            WaitReason::EventLoop => "event-loop",
            WaitReason::Pipe => "pipe",
            WaitReason::Socket => "socket",
            WaitReason::Ipc => "ipc",
            WaitReason::Signal => "signal",
            WaitReason::Stopped => "stopped",
            WaitReason::Traced => "traced",
            WaitReason::Zombie => "zombie",
            WaitReason::Idle => "idle",
            WaitReason::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for WaitReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// A name that is no wait reason; carries the text given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown wait reason {0:?} (one of: {names})", names = WaitReason::ALL.map(|r| r.label()).join(", "))]
pub struct UnknownReason(pub String);

impl std::str::FromStr for WaitReason {
    type Err = UnknownReason;

    /// Parses a label, case-insensitively; `event_loop` and `eventloop` are accepted too.
    fn from_str(s: &str) -> Result<Self, UnknownReason> {
        let norm: String = s
            .trim()
            .to_ascii_lowercase()
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect();
        WaitReason::ALL
            .into_iter()
            .find(|r| r.label().replace('-', "") == norm)
            .ok_or_else(|| UnknownReason(s.to_string()))
    }
}

/// The judgement on one process or thread.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub reason: WaitReason,
    /// One line for people: what it waits for and, where useful, what to do.
    pub detail: String,
    /// In the foreground of its terminal, waiting for the user to type.
    pub ready_for_input: bool,
    /// The evidence only suggests the reason (the detail says why).
    pub weak: bool,
    /// The child it waits for, when exactly one.
    pub child: Option<crate::model::Pid>,
    /// The pieces of evidence that decided it, each a short phrase.
    pub decided_by: Vec<String>,
    pub evidence: Evidence,
}

/// A process's verdict (from its main thread, or from another thread reading
/// its terminal while it is in the foreground) and each thread's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessWhy {
    pub main: Verdict,
    /// One verdict per thread other than the main one, by tid.
    pub threads: Vec<Verdict>,
    /// The main thread's own reason, when the process's is another's (a
    /// thread it joins, a busy process).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_thread: Option<WaitReason>,
}

impl ProcessWhy {
    /// How many threads (main included) have each reason, most common first.
    pub(crate) fn thread_counts(&self) -> Vec<(WaitReason, usize)> {
        let mut counts: Vec<(WaitReason, usize)> = Vec::new();
        let main = self.main_thread.unwrap_or(self.main.reason);
        for r in std::iter::once(main).chain(self.threads.iter().map(|t| t.reason)) {
            match counts.iter_mut().find(|(c, _)| *c == r) {
                Some((_, n)) => *n += 1,
                None => counts.push((r, 1)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        counts
    }
}

impl WaitReason {
    /// A `why:NAME` filter term: `None` when `term` is not one, else the parse.
    pub(crate) fn parse_filter(term: &str) -> Option<Result<WaitReason, UnknownReason>> {
        let rest = term.trim().strip_prefix("why:")?;
        Some(rest.parse())
    }
}

/// The part of a verdict every table row carries: five bytes, cheap enough to
/// keep for every process between passes. The detail pane reads the full verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WhyTag {
    pub reason: WaitReason,
    pub ready: bool,
    pub weak: bool,
    /// whytop's own tool (py-spy, gdb) is attached right now: the reason is the
    /// one from before it attached, not the `traced` the tool causes.
    #[serde(default)]
    pub probed: bool,
    /// A `lock` that has lasted several refreshes with no CPU used: what a
    /// deadlock (or an idle pool) looks like.
    #[serde(default)]
    pub stuck: bool,
}

impl WhyTag {
    pub const fn of(reason: WaitReason) -> Self {
        WhyTag {
            reason,
            ready: false,
            weak: false,
            probed: false,
            stuck: false,
        }
    }
}

impl From<&Verdict> for WhyTag {
    fn from(v: &Verdict) -> Self {
        WhyTag {
            reason: v.reason,
            ready: v.ready_for_input,
            weak: v.weak,
            probed: false,
            stuck: false,
        }
    }
}

impl WhyTag {
    /// The column's text: the label, then `?` when the evidence was weak, `!`
    /// when a lock has lasted with no CPU used, `*` while whytop probes it.
    pub fn text(self) -> String {
        let mut t = self.reason.label().to_string();
        if self.weak {
            t.push('?');
        }
        if self.stuck {
            t.push('!');
        }
        if self.probed {
            t.push('*');
        }
        t
    }
}
