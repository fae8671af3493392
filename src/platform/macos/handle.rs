//! A process handle on macOS: a kqueue watching for the process's exit
//! (EVFILT_PROC / NOTE_EXIT), registered before the start time is checked, so
//! the exit of exactly this process is seen; the start time is checked again
//! immediately before every signal, since macOS has no pidfd to signal through.
//! The calls by pid (nice, background) check it right before and right after,
//! with the exit watch: a process that has not exited still holds its pid.

use super::{libproc, read_bsd};
use crate::model::{Pid, ProcKey};
use crate::platform::PlatformError;
use crate::platform::darwin_decode::sample::{
    SetPriorityError, background_took, setpriority_error,
};
use crate::platform::darwin_decode::state::SZOMB;
use crate::platform::proc_handle::{GroupMembers, Lineage, ProcHandle};
use crate::platform::test_pause::{self, Point};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};

pub(crate) struct MacHandle {
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

    /// `call` by pid, bracketed by identity checks (see the Linux `PidFd::by_pid`).
    fn by_pid(
        &self,
        what: &'static str,
        call: impl FnOnce(Pid) -> Result<(), PlatformError>,
    ) -> Result<(), PlatformError> {
        let pid = self.key.pid;
        if self.exited() || !self.same_process() {
            return Err(PlatformError::NoSuchProcess { pid });
        }
        test_pause::pause(Point::BeforeKernelCall);
        let r = call(pid);
        if !self.exited() {
            return r;
        }
        match read_bsd(pid) {
            Ok(b) if b.start_time() == self.key.start_time => r,
            Ok(_) => Err(PlatformError::IdentityLost { pid, what }),
            Err(_) => Err(PlatformError::NoSuchProcess { pid }),
        }
    }
}

fn setpriority(which: libc::c_int, pid: Pid, value: i32) -> Result<(), PlatformError> {
    // SAFETY: setpriority reads only its arguments.
    if unsafe { libc::setpriority(which, pid as libc::id_t, value) } == 0 {
        return Ok(());
    }
    let e = std::io::Error::last_os_error();
    Err(match setpriority_error(e.raw_os_error()) {
        SetPriorityError::Gone => PlatformError::NoSuchProcess { pid },
        SetPriorityError::NeedsRoot => PlatformError::NeedsPrivilege { pid },
        SetPriorityError::Denied => PlatformError::PermissionDenied { pid },
        SetPriorityError::Other(_) => PlatformError::Os { pid, source: e },
    })
}

impl ProcHandle for MacHandle {
    fn key(&self) -> ProcKey {
        self.key
    }

    fn signal(&self, sig: i32) -> Result<(), PlatformError> {
        self.by_pid("signal", |pid| {
            // SAFETY: kill reads only its arguments.
            if unsafe { libc::kill(pid, sig) } == 0 {
                return Ok(());
            }
            match std::io::Error::last_os_error().raw_os_error() {
                Some(libc::EPERM) => Err(PlatformError::PermissionDenied { pid }),
                _ => Err(PlatformError::NoSuchProcess { pid }),
            }
        })
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

    fn lineage(&self) -> Result<Lineage, PlatformError> {
        let gone = PlatformError::NoSuchProcess { pid: self.key.pid };
        if self.exited() {
            return Err(gone);
        }
        match read_bsd(self.key.pid) {
            Ok(b) if b.start_time() == self.key.start_time && b.status != SZOMB => Ok(Lineage {
                ppid: b.ppid,
                pgid: b.pgid,
            }),
            _ => Err(gone),
        }
    }

    fn set_nice(&self, nice: i32) -> Result<(), PlatformError> {
        self.by_pid("nice value", |pid| {
            setpriority(libc::PRIO_PROCESS, pid, nice.clamp(-20, 19))
        })
    }

    fn set_policy(&self, _policy: i32) -> Result<(), PlatformError> {
        Err(PlatformError::NotAvailable {
            pid: self.key.pid,
            what: "a scheduling policy",
        })
    }

    fn set_io_class(&self, _class: usize, _level: i32) -> Result<(), PlatformError> {
        Err(PlatformError::NotAvailable {
            pid: self.key.pid,
            what: "an I/O class",
        })
    }

    fn set_background(&self, on: bool) -> Result<(), PlatformError> {
        let v = if on { libc::PRIO_DARWIN_BG } else { 0 };
        self.by_pid("background state", |pid| {
            setpriority(libc::PRIO_DARWIN_PROCESS, pid, v)?;
            // Read it back from pbi_flags (getpriority would report our own).
            let flags = libproc::bsd_info(pid)
                .map_err(|_| PlatformError::NoSuchProcess { pid })?
                .pbi_flags;
            background_took(on, flags).map_err(|why| PlatformError::Os {
                pid,
                source: std::io::Error::other(why),
            })
        })
    }

    fn group_members(&self, pgid: Pid) -> Result<GroupMembers, PlatformError> {
        let in_group = || -> Result<(), PlatformError> {
            let now = self.lineage()?.pgid;
            if now != pgid {
                return Err(PlatformError::GroupMoved {
                    pid: self.key.pid,
                    was: pgid,
                    now,
                });
            }
            Ok(())
        };
        in_group()?;
        let pids = libproc::list_pids().map_err(|source| PlatformError::Os {
            pid: self.key.pid,
            source,
        })?;
        let mut members: Vec<Box<dyn ProcHandle>> = Vec::new();
        for pid in pids {
            let Ok(b) = read_bsd(pid) else { continue };
            if b.pgid != pgid {
                continue;
            }
            let key = ProcKey {
                pid,
                start_time: b.start_time(),
            };
            let Ok(h) = MacHandle::open(key) else {
                continue;
            };
            if h.lineage().is_ok_and(|l| l.pgid == pgid) {
                members.push(Box::new(h));
            }
        }
        in_group()?;
        Ok(GroupMembers { members })
    }
}
