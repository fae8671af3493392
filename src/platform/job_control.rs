//! Signals as job control and cancellation: stopping like a job on Ctrl-Z,
//! and turning INT, TERM or HUP into a message instead of an exit.

/// Stops this process as a job stops (SIGTSTP's default action); returns
/// after SIGCONT (`fg`).
pub(crate) fn stop_self() {
    // SAFETY: raise has no memory-safety preconditions. SIGTSTP's default action
    // stops the process; execution continues here after SIGCONT.
    unsafe { libc::raise(libc::SIGTSTP) };
}

/// Blocks `signals` in this thread (and so in threads spawned after) and hands
/// them to a thread that calls `on_signal` for each, until it returns false.
/// Nothing happens when the mask cannot be set.
pub(crate) fn on_signals(signals: &[i32], mut on_signal: impl FnMut() -> bool + Send + 'static) {
    // SAFETY: the set is initialised by sigemptyset before use; masking and
    // sigwait have no other preconditions.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for &s in signals {
            libc::sigaddset(&mut set, s);
        }
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        std::thread::spawn(move || {
            loop {
                let mut sig = 0;
                if libc::sigwait(&set, &mut sig) == 0 && !on_signal() {
                    return;
                }
            }
        });
    }
}
