//! Ctrl-C, TERM or HUP while `whytop stop` runs cancels the ladder instead of
//! killing whytop mid-way, so the outcome is printed and audited.

use crate::actions::ladder::Control;
use std::sync::mpsc::Sender;

/// Blocks INT, TERM and HUP in this thread (and so in threads spawned after) and
/// hands them to a thread that turns the first into `Control::Cancel`.
pub fn cancel_on_signal(control: Sender<Control>) {
    crate::platform::job_control::on_signals(
        &[libc::SIGINT, libc::SIGTERM, libc::SIGHUP],
        move || control.send(Control::Cancel).is_ok(),
    );
}
