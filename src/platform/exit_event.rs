//! One process's end as a platform reports it, for `exit_events::watch_exits`.

use crate::model::ending::Crash;
use crate::platform::cn_proc::Exit;

/// Its wait status, and on macOS the crash report written for it (which comes
/// after the exit, as an event of its own).
pub(crate) struct ExitEvent {
    pub exit: Exit,
    pub crash: Option<Crash>,
}
