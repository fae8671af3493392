//! A handle on one process that can never reach another: opened from a `ProcKey`
//! (pid + start time), re-checked at open, and used for every signal after.

use crate::model::ProcKey;
use crate::platform::PlatformError;

pub trait ProcHandle: Send {
    fn key(&self) -> ProcKey;
    /// Delivers `sig` to this process only; a process that exited is `NoSuchProcess`.
    fn signal(&self, sig: i32) -> Result<(), PlatformError>;
    /// True once the process has exited (a zombie counts: it will never run again).
    fn exited(&self) -> bool;
}

/// Opens a handle, refusing when the pid now belongs to another process.
pub fn open(key: ProcKey) -> Result<Box<dyn ProcHandle>, PlatformError> {
    #[cfg(target_os = "linux")]
    {
        Ok(Box::new(super::linux::pidfd::PidFd::open(
            std::path::Path::new("/proc"),
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
