//! The one place for syscalls, `/proc`, libproc and `cfg(target_os)`.
//! Decoders of raw formats are portable and tested everywhere.

pub mod darwin_decode;
pub mod error;
#[cfg(target_os = "linux")]
pub mod linux;
#[cfg(target_os = "macos")]
pub mod macos;
pub mod system;

pub use error::PlatformError;

use crate::model::{ProcDetail, ProcKey, ProcSample};

/// What a collection pass should include.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// Also list every thread of every process as its own row.
    pub threads: bool,
}

/// A source of process samples. Implementations may keep state between calls
/// (held file descriptors, caches), hence `&mut self`.
pub trait Platform: Send {
    /// Every process now, sorted by pid. A process that vanishes mid-read is left out.
    fn list(&mut self, opts: ListOptions) -> Result<Vec<ProcSample>, PlatformError>;

    /// The slower fields for one process (exe, cwd, open fds).
    fn detail(&mut self, key: ProcKey) -> Result<ProcDetail, PlatformError>;
}

/// The backend for the machine this binary runs on.
pub fn native() -> Result<Box<dyn Platform>, PlatformError> {
    #[cfg(target_os = "linux")]
    {
        Ok(Box::new(linux::LinuxPlatform::new("/proc")?))
    }
    #[cfg(target_os = "macos")]
    {
        Ok(Box::new(macos::MacPlatform::new()))
    }
    #[cfg(not(any(target_os = "linux", target_os = "macos")))]
    {
        Err(PlatformError::Unsupported)
    }
}
