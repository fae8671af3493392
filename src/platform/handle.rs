//! A handle on one process that can never reach another: opened from a `ProcKey`
//! (pid + start time), re-checked at open, and used for every act after. Signals
//! go through it (a pidfd on Linux); the calls the kernel only takes by pid
//! (nice, policy, I/O class) check the identity right before and again right
//! after, and report loudly when the pid changed hands in between.

pub use super::proc_handle::{GroupDelivery, ProcHandle};
use crate::model::{Pid, ProcKey};
use crate::platform::PlatformError;

/// Opens a handle, refusing when the pid now belongs to another process.
pub fn open(key: ProcKey) -> Result<Box<dyn ProcHandle>, PlatformError> {
    #[cfg(target_os = "linux")]
    {
        Ok(Box::new(super::linux::pidfd::PidFd::open(
            std::path::Path::new(super::PROC_ROOT),
            key,
        )?))
    }
    #[cfg(target_os = "macos")]
    {
        Ok(Box::new(super::macos::handle::MacHandle::open(key)?))
    }
    #[cfg(not(any(target_os = "linux", target_os = "macos")))]
    {
        let _ = key;
        Err(PlatformError::Unsupported)
    }
}

/// whytop's own process group.
pub(crate) fn own_process_group() -> Pid {
    // SAFETY: getpgrp cannot fail and has no preconditions.
    unsafe { libc::getpgrp() }
}
