//! pidfds: a file descriptor bound to one process, so a reused pid is never signalled.

use super::stat::parse_stat;
use crate::model::ProcKey;
use crate::platform::PlatformError;
use crate::platform::handle::ProcHandle;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::Path;

pub struct PidFd {
    fd: OwnedFd,
    key: ProcKey,
}

impl PidFd {
    /// Opens a pidfd for `key.pid`, then checks through `/proc` that the process it
    /// pins started at `key.start_time`. The check runs after the fd exists, so the
    /// pid cannot be reused between the check and any later signal.
    pub fn open(root: &Path, key: ProcKey) -> Result<PidFd, PlatformError> {
        // SAFETY: pidfd_open takes a pid and flags and returns a new fd or -1.
        let raw = unsafe { libc::syscall(libc::SYS_pidfd_open, key.pid, 0) };
        if raw < 0 {
            return Err(errno_error(key.pid));
        }
        // SAFETY: the kernel just gave us this fd; we own it from here.
        let fd = unsafe { OwnedFd::from_raw_fd(raw as i32) };
        let path = root.join(key.pid.to_string()).join("stat");
        let started = std::fs::read(&path)
            .ok()
            .and_then(|b| parse_stat(&b).ok())
            .map(|s| s.starttime);
        if started != Some(key.start_time) {
            return Err(PlatformError::NoSuchProcess { pid: key.pid });
        }
        Ok(PidFd { fd, key })
    }
}

impl ProcHandle for PidFd {
    fn key(&self) -> ProcKey {
        self.key
    }

    fn signal(&self, sig: i32) -> Result<(), PlatformError> {
        // SAFETY: pidfd_send_signal reads only its scalar arguments (info is NULL).
        let r = unsafe {
            libc::syscall(
                libc::SYS_pidfd_send_signal,
                self.fd.as_raw_fd(),
                sig,
                std::ptr::null::<u8>(),
                0,
            )
        };
        if r < 0 {
            Err(errno_error(self.key.pid))
        } else {
            Ok(())
        }
    }

    fn exited(&self) -> bool {
        let mut p = libc::pollfd {
            fd: self.fd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, zero timeout.
        let n = unsafe { libc::poll(&mut p, 1, 0) };
        n > 0 && p.revents & (libc::POLLIN | libc::POLLHUP) != 0
    }
}

fn errno_error(pid: i32) -> PlatformError {
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::ESRCH) => PlatformError::NoSuchProcess { pid },
        Some(libc::EPERM) | Some(libc::EACCES) => PlatformError::PermissionDenied { pid },
        _ => PlatformError::Os { pid, source: e },
    }
}
