//! Ctrl-C, TERM or HUP while `whytop stop` runs cancels the ladder instead of
//! killing whytop mid-way, so the outcome is printed and audited.

use crate::platform::cancel::CancelToken;

/// Blocks INT, TERM and HUP in this thread (and so in threads spawned after) and
/// hands them to a thread that cancels `cancel` at the first.
pub(crate) fn cancel_on_signal(cancel: CancelToken) {
    crate::platform::job_control::on_signals(
        &[libc::SIGINT, libc::SIGTERM, libc::SIGHUP],
        move || {
            cancel.cancel();
            true
        },
    );
}
