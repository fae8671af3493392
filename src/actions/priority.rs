//! Niceness, and the other priority changes, on exactly the process a key names:
//! the handle opened here is the one the change goes through, so its identity is
//! checked at open, right before the kernel call and right after it.

use crate::model::ProcKey;
use crate::platform::PlatformError;
use crate::platform::handle::{self, ProcHandle};
use crate::platform::test_pause::{self, Point};

#[derive(Debug, thiserror::Error)]
pub(crate) enum PriorityError {
    #[error("no such process: pid {0} (exited, or its pid now belongs to another process)")]
    Gone(i32),
    #[error("pid {pid}: lowering nice to {nice} needs root (or CAP_SYS_NICE)")]
    NeedsRoot { pid: i32, nice: i32 },
    #[error("pid {0}: permission denied (it belongs to another user)")]
    Denied(i32),
    /// A scheduling change only root (or CAP_SYS_NICE) may make.
    #[error("pid {0}: that needs root (or CAP_SYS_NICE)")]
    NeedsPrivilege(i32),
    #[error("pid {0}: not supported on this system")]
    Unsupported(i32),
    /// The change went by pid and the pid changed hands around it.
    #[error("WRONG PROCESS: {0}")]
    IdentityLost(PlatformError),
    #[error("pid {pid}: {msg}")]
    Other { pid: i32, msg: String },
}

impl PriorityError {
    /// True when the change may have reached a process other than the one chosen.
    pub fn identity_lost(&self) -> bool {
        matches!(self, PriorityError::IdentityLost(_))
    }

    pub(crate) fn from_platform(pid: i32, e: PlatformError) -> PriorityError {
        match e {
            PlatformError::NoSuchProcess { .. } => PriorityError::Gone(pid),
            PlatformError::PermissionDenied { .. } => PriorityError::Denied(pid),
            e @ PlatformError::IdentityLost { .. } => PriorityError::IdentityLost(e),
            PlatformError::NeedsPrivilege { .. } => PriorityError::NeedsPrivilege(pid),
            e => PriorityError::Other {
                pid,
                msg: e.to_string(),
            },
        }
    }
}

/// Opens the handle every change goes through (the identity check).
pub fn open(key: ProcKey) -> Result<Box<dyn ProcHandle>, PriorityError> {
    let h = handle::open(key).map_err(|e| PriorityError::from_platform(key.pid, e))?;
    test_pause::pause(Point::AfterCheck);
    Ok(h)
}

/// Runs one change through a handle from `open`, naming its errors.
pub fn change(
    h: &dyn ProcHandle,
    set: impl FnOnce(&dyn ProcHandle) -> Result<(), PlatformError>,
) -> Result<(), PriorityError> {
    set(h).map_err(|e| PriorityError::from_platform(h.key().pid, e))
}

/// Sets the nice value of exactly the process `key` names.
pub fn renice(key: ProcKey, nice: i32) -> Result<(), PriorityError> {
    let h = open(key)?;
    let nice = nice.clamp(-20, 19);
    h.set_nice(nice).map_err(|e| match e {
        PlatformError::NeedsPrivilege { pid } => PriorityError::NeedsRoot { pid, nice },
        e => PriorityError::from_platform(key.pid, e),
    })
}
