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
    v.push(("PWR", libc::SIGPWR));
    #[cfg(target_os = "macos")]
    {
        v.push(("EMT", libc::SIGEMT));
        v.push(("INFO", libc::SIGINFO));
    }
    v.sort_by_key(|(_, n)| *n);
    v
}

/// `TERM`, `SIGTERM`, `term` or `15` to a signal number.
pub fn parse(s: &str) -> Result<i32, String> {
    let t = s.trim();
    if let Ok(n) = t.parse::<i32>() {
        return if all().iter().any(|(_, m)| *m == n) {
            Ok(n)
        } else {
            Err(format!("no signal number {n}"))
        };
    }
    let up = t.to_ascii_uppercase();
    let name = up.strip_prefix("SIG").unwrap_or(&up);
    all()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, n)| n)
        .ok_or_else(|| format!("unknown signal {s:?}"))
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
}
