//! Ctrl-C, TERM or HUP while `whytop stop` runs cancels the ladder instead of
//! killing whytop mid-way, so the outcome is printed and audited.

use crate::actions::ladder::Control;
use std::sync::mpsc::Sender;

/// Blocks INT, TERM and HUP in this thread (and so in threads spawned after) and
/// hands them to a thread that turns the first into `Control::Cancel`.
pub fn cancel_on_signal(control: Sender<Control>) {
    // SAFETY: the set is initialised by sigemptyset before use; masking and
    // sigwait have no other preconditions.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, s);
        }
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        std::thread::spawn(move || {
            loop {
                let mut sig = 0;
                if libc::sigwait(&set, &mut sig) == 0 && control.send(Control::Cancel).is_err() {
                    return;
                }
            }
        });
    }
}
