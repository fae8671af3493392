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
}

impl ExitReport {
    /// Whether this exit can be that process's (same pid, started before it).
    pub(crate) fn may_be(&self, key: super::ProcKey) -> bool {
        self.pid == key.pid && key.start_time <= self.at_ticks
    }
}

/// What ended a process, in words: `exit 3`, `killed by SIGSEGV (core dumped)`.
pub fn how(exit: &ExitReport) -> Option<String> {
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
    }
}
