//! A process handle on macOS: a kqueue watching for the process's exit
//! (EVFILT_PROC / NOTE_EXIT), registered before the start time is checked, so
//! the exit of exactly this process is seen; the start time is checked again
//! immediately before every signal, since macOS has no pidfd to signal through.

use super::read_bsd;
use crate::model::ProcKey;
use crate::platform::PlatformError;
use crate::platform::darwin_decode::state::SZOMB;
use crate::platform::handle::ProcHandle;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};

pub struct MacHandle {
    key: ProcKey,
    kq: OwnedFd,
    gone: AtomicBool,
}

impl MacHandle {
    pub fn open(key: ProcKey) -> Result<MacHandle, PlatformError> {
        // SAFETY: kqueue takes no arguments and returns a new fd or -1.
        let raw = unsafe { libc::kqueue() };
        if raw < 0 {
            return Err(PlatformError::Os {
                pid: key.pid,
                source: std::io::Error::last_os_error(),
            });
        }
        // SAFETY: the fd was just created and is owned here.
        let kq = unsafe { OwnedFd::from_raw_fd(raw) };
        // SAFETY: an all-zero kevent is a valid value to fill in.
        let mut ev: libc::kevent = unsafe { std::mem::zeroed() };
        ev.ident = key.pid as libc::uintptr_t;
        ev.filter = libc::EVFILT_PROC;
        ev.flags = libc::EV_ADD | libc::EV_ONESHOT;
        ev.fflags = libc::NOTE_EXIT;
        // SAFETY: one change in, no events out, no timeout pointer needed.
        let r = unsafe {
            libc::kevent(
                kq.as_raw_fd(),
                &ev,
                1,
                std::ptr::null_mut(),
                0,
                std::ptr::null(),
            )
        };
        if r < 0 {
            return Err(PlatformError::NoSuchProcess { pid: key.pid });
        }
        let h = MacHandle {
            key,
            kq,
            gone: AtomicBool::new(false),
        };
        if !h.same_process() {
            return Err(PlatformError::NoSuchProcess { pid: key.pid });
        }
        Ok(h)
    }

    fn same_process(&self) -> bool {
        read_bsd(self.key.pid)
            .is_ok_and(|b| b.start_time() == self.key.start_time && b.status != SZOMB)
    }
}

impl ProcHandle for MacHandle {
    fn key(&self) -> ProcKey {
        self.key
    }

    fn signal(&self, sig: i32) -> Result<(), PlatformError> {
        if self.exited() || !self.same_process() {
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
        if self.gone.load(Ordering::Relaxed) {
            return true;
        }
        // SAFETY: an all-zero kevent is a valid buffer for one event.
        let mut out: libc::kevent = unsafe { std::mem::zeroed() };
        let zero = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: no changes, room for one event, a zero timeout: it does not block.
        let n =
            unsafe { libc::kevent(self.kq.as_raw_fd(), std::ptr::null(), 0, &mut out, 1, &zero) };
        let gone = n > 0 && out.fflags & libc::NOTE_EXIT != 0;
        if gone {
            self.gone.store(true, Ordering::Relaxed);
        }
        gone
    }
}
