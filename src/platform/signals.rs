//! Every signal by name and number, for the signal menu and the CLI.

/// (name without `SIG`, number) in number order, as this platform numbers them.
pub fn all() -> Vec<(&'static str, i32)> {
    let mut v = vec![
        ("HUP", libc::SIGHUP),
        ("INT", libc::SIGINT),
        ("QUIT", libc::SIGQUIT),
        ("ILL", libc::SIGILL),
        ("TRAP", libc::SIGTRAP),
        ("ABRT", libc::SIGABRT),
        ("BUS", libc::SIGBUS),
        ("FPE", libc::SIGFPE),
        ("KILL", libc::SIGKILL),
        ("USR1", libc::SIGUSR1),
        ("SEGV", libc::SIGSEGV),
        ("USR2", libc::SIGUSR2),
        ("PIPE", libc::SIGPIPE),
        ("ALRM", libc::SIGALRM),
        ("TERM", libc::SIGTERM),
        ("CHLD", libc::SIGCHLD),
        ("CONT", libc::SIGCONT),
        ("STOP", libc::SIGSTOP),
        ("TSTP", libc::SIGTSTP),
        ("TTIN", libc::SIGTTIN),
        ("TTOU", libc::SIGTTOU),
        ("URG", libc::SIGURG),
        ("XCPU", libc::SIGXCPU),
        ("XFSZ", libc::SIGXFSZ),
        ("VTALRM", libc::SIGVTALRM),
        ("PROF", libc::SIGPROF),
        ("WINCH", libc::SIGWINCH),
        ("IO", libc::SIGIO),
        ("SYS", libc::SIGSYS),
    ];
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        v.push(("STKFLT", libc::SIGSTKFLT));
        v.push(("PWR", libc::SIGPWR));
        // The real-time signals, named as `kill -l` names them.
        let (lo, hi) = (libc::SIGRTMIN(), libc::SIGRTMAX());
        for (name, num) in REALTIME.iter().zip(lo..=hi) {
            v.push((name, num));
        }
    }
    #[cfg(target_os = "macos")]
    {
        v.push(("EMT", libc::SIGEMT));
        v.push(("INFO", libc::SIGINFO));
    }
    v.sort_by_key(|(_, n)| *n);
    v
}

/// `RTMIN`..`RTMAX` as `kill -l` spells them (glibc has 31 usable: 34..=64).
#[cfg(any(target_os = "linux", target_os = "android"))]
const REALTIME: [&str; 31] = [
    "RTMIN", "RTMIN+1", "RTMIN+2", "RTMIN+3", "RTMIN+4", "RTMIN+5", "RTMIN+6", "RTMIN+7",
    "RTMIN+8", "RTMIN+9", "RTMIN+10", "RTMIN+11", "RTMIN+12", "RTMIN+13", "RTMIN+14", "RTMIN+15",
    "RTMAX-14", "RTMAX-13", "RTMAX-12", "RTMAX-11", "RTMAX-10", "RTMAX-9", "RTMAX-8", "RTMAX-7",
    "RTMAX-6", "RTMAX-5", "RTMAX-4", "RTMAX-3", "RTMAX-2", "RTMAX-1", "RTMAX",
];

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignalParseError {
    #[error("no signal number {0}")]
    NoNumber(i32),
    #[error("unknown signal {0:?}")]
    Unknown(String),
}

/// `TERM`, `SIGTERM`, `term` or `15` to a signal number.
pub fn parse(s: &str) -> Result<i32, SignalParseError> {
    let t = s.trim();
    if let Ok(n) = t.parse::<i32>() {
        return if all().iter().any(|(_, m)| *m == n) {
            Ok(n)
        } else {
            Err(SignalParseError::NoNumber(n))
        };
    }
    let up = t.to_ascii_uppercase();
    let name = up.strip_prefix("SIG").unwrap_or(&up);
    all()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, n)| n)
        .ok_or_else(|| SignalParseError::Unknown(s.to_string()))
}

/// `SIGTERM`, or the number when unknown.
pub fn name(sig: i32) -> String {
    all()
        .into_iter()
        .find(|(_, n)| *n == sig)
        .map(|(n, _)| format!("SIG{n}"))
        .unwrap_or_else(|| sig.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_round_trip() {
        assert_eq!(parse("TERM"), Ok(libc::SIGTERM));
        assert_eq!(parse("sigkill"), Ok(libc::SIGKILL));
        assert_eq!(parse("2"), Ok(libc::SIGINT));
        assert!(parse("NOPE").is_err());
        assert!(parse("999").is_err());
        assert_eq!(name(libc::SIGSTOP), "SIGSTOP");
        for (n, num) in all() {
            assert_eq!(parse(n), Ok(num));
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_has_stkflt_and_the_realtime_signals_as_kill_names_them() {
        assert_eq!(parse("STKFLT"), Ok(16));
        assert_eq!(parse("RTMIN"), Ok(libc::SIGRTMIN()));
        assert_eq!(parse("SIGRTMAX"), Ok(libc::SIGRTMAX()));
        assert_eq!(name(libc::SIGRTMIN() + 1), "SIGRTMIN+1");
        assert_eq!(name(libc::SIGRTMAX() - 1), "SIGRTMAX-1");
        let nums: Vec<i32> = all().iter().map(|(_, n)| *n).collect();
        let mut dedup = nums.clone();
        dedup.dedup();
        assert_eq!(nums, dedup, "each number once, in order");
    }
}
