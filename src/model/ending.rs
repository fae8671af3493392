//! How a process ended, as the kernel reported it (Linux as root: the process
//! events connector), and the words for it. Plain data: the collector fills it.

use serde::{Deserialize, Serialize};

use super::Pid;

/// One process's exit, as reported when it happened.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExitReport {
    pub pid: Pid,
    /// The process that was its parent when it exited (kernels since 4.18
    /// say; 0 where not).
    pub parent: Pid,
    pub code: Option<i32>,
    pub signal: Option<i32>,
    /// `SIGSEGV` for 11: named by the platform, which numbers signals.
    pub signal_name: Option<String>,
    pub core_dumped: bool,
    /// When it was reported, seconds since the Unix epoch.
    pub at: f64,
    /// When it exited, in the clock ticks since boot that `ProcKey::start_time`
    /// counts: an exit belongs only to a process with that pid started by then.
    pub at_ticks: u64,
    /// The crash report written for it (macOS: ReportCrash's, in
    /// `~/Library/Logs/DiagnosticReports`), which may come after the exit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crash: Option<Crash>,
}

/// A crash report's account of a process's end.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crash {
    /// `EXC_BAD_ACCESS (SIGSEGV)`: the exception and the signal it became.
    pub exception: String,
    /// The report's file name (`NAME-2025-06-27-123536.ips`).
    pub report: String,
}

/// `crashed: EXC_BAD_ACCESS (SIGSEGV), report NAME.ips`.
pub(crate) fn crash_words(c: &Crash) -> String {
    format!("crashed: {}, report {}", c.exception, c.report)
}

impl ExitReport {
    /// Whether this exit can be that process's (same pid, started before it).
    pub(crate) fn may_be(&self, key: super::ProcKey) -> bool {
        self.pid == key.pid && key.start_time <= self.at_ticks
    }
}

/// A kill by the OOM killer, from the kernel log (Linux as root).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OomKill {
    pub pid: Pid,
    /// The name the kernel logged.
    pub comm: String,
    /// The memory cgroup whose limit was hit (None: the machine's memory ran
    /// out, or the kernel did not say which).
    pub cgroup: Option<String>,
    /// A memory cgroup's limit, not the machine's memory.
    pub memcg: bool,
    /// When it was logged, seconds since the Unix epoch.
    pub at: f64,
    /// When, in the clock ticks since boot that `ProcKey::start_time` counts.
    pub at_ticks: u64,
}

impl OomKill {
    /// Whether this kill can be that process's (same pid, started before it):
    /// never a later owner of the pid.
    pub(crate) fn may_be(&self, key: super::ProcKey) -> bool {
        self.pid == key.pid && key.start_time <= self.at_ticks
    }
}

/// A process whose end whytop's stop ladder saw, from its audit record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LadderStop {
    pub key: super::ProcKey,
    /// The step (0-based) it ended in, and that step's signal (`SIGTERM`).
    pub step: usize,
    pub signal: String,
    /// When the ladder's record was written, seconds since the Unix epoch.
    pub at: f64,
}

/// `killed by the OOM killer (memory cgroup /a)`.
pub(crate) fn oom_words(memcg: bool, cgroup: Option<&str>) -> String {
    match cgroup {
        Some(c) => format!("killed by the OOM killer (memory cgroup {c})"),
        None if memcg => "killed by the OOM killer (a memory cgroup's limit)".into(),
        None => "killed by the OOM killer".into(),
    }
}

/// `stopped by whytop's ladder at SIGTERM step`.
pub(crate) fn ladder_words(signal: &str) -> String {
    format!("stopped by whytop's ladder at {signal} step")
}

/// What ended a process, in words: `exit 3`, `killed by SIGSEGV (core dumped)`.
pub fn how(exit: &ExitReport) -> Option<String> {
    if let Some(c) = &exit.crash {
        return Some(crash_words(c));
    }
    let name = exit
        .signal
        .map(|sig| exit.signal_name.clone().unwrap_or_else(|| sig.to_string()));
    words(exit.code, name.as_deref(), exit.core_dumped)
}

/// The words for an exit code or a (named) signal; None when neither is known.
/// The TUI's Ended view and `whytop ended` say it the same way.
pub fn words(code: Option<i32>, signal: Option<&str>, core_dumped: bool) -> Option<String> {
    match (code, signal) {
        (_, Some(name)) if core_dumped => Some(format!("killed by {name} (core dumped)")),
        (_, Some(name)) => Some(format!("killed by {name}")),
        (Some(code), None) => Some(format!("exit {code}")),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_for_each_way_to_end() {
        let mut e = ExitReport {
            code: Some(3),
            ..Default::default()
        };
        assert_eq!(how(&e).unwrap(), "exit 3");
        e.code = None;
        e.signal = Some(11);
        e.signal_name = Some("SIGSEGV".into());
        e.core_dumped = true;
        assert_eq!(how(&e).unwrap(), "killed by SIGSEGV (core dumped)");
        e.signal_name = None;
        e.core_dumped = false;
        assert_eq!(how(&e).unwrap(), "killed by 11");
        e.crash = Some(Crash {
            exception: "EXC_BAD_ACCESS (SIGSEGV)".into(),
            report: "a-2025-06-27-123536.ips".into(),
        });
        assert_eq!(
            how(&e).unwrap(),
            "crashed: EXC_BAD_ACCESS (SIGSEGV), report a-2025-06-27-123536.ips"
        );
        assert_eq!(
            oom_words(true, Some("/a")),
            "killed by the OOM killer (memory cgroup /a)"
        );
        assert_eq!(oom_words(false, None), "killed by the OOM killer");
        assert_eq!(
            ladder_words("SIGTERM"),
            "stopped by whytop's ladder at SIGTERM step"
        );
    }

    #[test]
    fn an_oom_kill_is_never_a_later_owner_of_the_pid() {
        let k = OomKill {
            pid: 7,
            at_ticks: 100,
            ..Default::default()
        };
        let key = |start_time| crate::model::ProcKey { pid: 7, start_time };
        assert!(k.may_be(key(90)));
        assert!(!k.may_be(key(101)), "started after the kill");
        assert!(!k.may_be(crate::model::ProcKey {
            pid: 8,
            start_time: 90
        }));
    }
}
