//! A process handle on macOS: no pidfd, so the start time is re-checked
//! immediately before every signal, and exits are seen as the key no longer
//! matching (gone, reused or a zombie).

use super::read_bsd;
use crate::model::ProcKey;
use crate::platform::PlatformError;
use crate::platform::darwin_decode::state::SZOMB;
use crate::platform::handle::ProcHandle;

pub struct MacHandle {
    key: ProcKey,
}

impl MacHandle {
    pub fn open(key: ProcKey) -> Result<MacHandle, PlatformError> {
        let h = MacHandle { key };
        if h.exited() {
            return Err(PlatformError::NoSuchProcess { pid: key.pid });
        }
        Ok(h)
    }
}

impl ProcHandle for MacHandle {
    fn key(&self) -> ProcKey {
        self.key
    }

    fn signal(&self, sig: i32) -> Result<(), PlatformError> {
        if self.exited() {
            return Err(PlatformError::NoSuchProcess { pid: self.key.pid });
        }
        // SAFETY: kill reads only its arguments.
        if unsafe { libc::kill(self.key.pid, sig) } == 0 {
            return Ok(());
        }
        match std::io::Error::last_os_error().raw_os_error() {
            Some(libc::EPERM) => Err(PlatformError::PermissionDenied { pid: self.key.pid }),
            _ => Err(PlatformError::NoSuchProcess { pid: self.key.pid }),
        }
    }

    fn exited(&self) -> bool {
        match read_bsd(self.key.pid) {
            Ok(b) => b.start_time() != self.key.start_time || b.status == SZOMB,
            Err(_) => true,
        }
    }
}
