//! macOS backend (libproc, sysctl). Only what the type-checker sees on Linux;
//! the decoders it needs are portable and live beside the Linux ones.

use crate::model::{ProcDetail, ProcKey};
use crate::platform::{ListOptions, Platform, PlatformError};

pub struct MacPlatform;

impl MacPlatform {
    pub fn new() -> Self {
        MacPlatform
    }
}

impl Platform for MacPlatform {
    fn list(&mut self, _opts: ListOptions) -> Result<crate::platform::Listing, PlatformError> {
        Err(PlatformError::Unsupported)
    }

    fn detail(&mut self, key: ProcKey) -> Result<ProcDetail, PlatformError> {
        Err(PlatformError::NoSuchProcess { pid: key.pid })
    }
}
