//! The signals whose default action ends the process and that a process may
//! catch: the TUI catches every one, so the terminal is given back (normal
//! screen, mouse reporting off, cursor shown) before it exits.
//!
//! Not here: SIGPIPE (ignored by the Rust runtime: a write fails instead),
//! and the faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGABRT),
//! which a handler cannot return from safely; a panic restores the terminal
//! through the panic hook.

pub(crate) fn terminating() -> Vec<i32> {
    let mut v = vec![
        libc::SIGHUP,
        libc::SIGINT,
        libc::SIGQUIT,
        libc::SIGTERM,
        libc::SIGUSR1,
        libc::SIGUSR2,
        libc::SIGALRM,
        libc::SIGVTALRM,
        libc::SIGPROF,
        libc::SIGXCPU,
        libc::SIGXFSZ,
    ];
    #[cfg(target_os = "linux")]
    {
        // SIGIO (SIGPOLL) terminates on Linux (macOS ignores it), as do these.
        v.extend([libc::SIGIO, libc::SIGSTKFLT, libc::SIGPWR]);
        v.extend(libc::SIGRTMIN()..=libc::SIGRTMAX());
    }
    #[cfg(target_os = "macos")]
    v.push(libc::SIGEMT);
    v
}
