//! pidfds: a file descriptor bound to one process, so a reused pid is never signalled.
//! For the calls that take only a pid, the pidfd still tells whether the pid could
//! have changed hands: a pid is freed only after its process exited, so a process
//! that has not exited when the call returns is the one the call reached.

use super::prio;
use super::stat::{Stat, parse_stat};
use crate::model::{Pid, ProcKey};
use crate::platform::PlatformError;
use crate::platform::proc_handle::{GroupMembers, Lineage, ProcHandle};
use crate::platform::test_pause::{self, Point};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};

pub(crate) struct PidFd {
    fd: OwnedFd,
    key: ProcKey,
    root: PathBuf,
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
        let h = PidFd {
            fd,
            key,
            root: root.to_path_buf(),
        };
        h.stat()?;
        Ok(h)
    }

    /// `stat` of the pid, when it still names this process.
    fn stat(&self) -> Result<Stat, PlatformError> {
        match read_stat(&self.root, self.key.pid) {
            Some(s) if s.starttime == self.key.start_time => Ok(s),
            _ => Err(PlatformError::NoSuchProcess { pid: self.key.pid }),
        }
    }

    /// Makes `call` by pid only while the pid names this process: checked right
    /// before, and after: if the process has not exited the pid was never free,
    /// so the call reached it; if the pid now names another process, the call
    /// may have reached that one, which is reported as `IdentityLost`.
    fn by_pid(
        &self,
        what: &'static str,
        call: impl FnOnce(Pid) -> Result<(), PlatformError>,
    ) -> Result<(), PlatformError> {
        let pid = self.key.pid;
        if self.exited() {
            return Err(PlatformError::NoSuchProcess { pid });
        }
        self.stat()?;
        test_pause::pause(Point::BeforeKernelCall);
        let r = call(pid);
        if !self.exited() {
            return r;
        }
        match read_stat(&self.root, pid) {
            // A zombie not yet reaped still holds its pid: it was ours.
            Some(s) if s.starttime == self.key.start_time => r,
            Some(_) => Err(PlatformError::IdentityLost { pid, what }),
            // It exited; whatever the call did went to it or to nothing alive.
            None => Err(PlatformError::NoSuchProcess { pid }),
        }
    }
}

fn read_stat(root: &Path, pid: Pid) -> Option<Stat> {
    let b = std::fs::read(root.join(pid.to_string()).join("stat")).ok()?;
    parse_stat(&b).ok()
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

    fn lineage(&self) -> Result<Lineage, PlatformError> {
        if self.exited() {
            return Err(PlatformError::NoSuchProcess { pid: self.key.pid });
        }
        let s = self.stat()?;
        Ok(Lineage {
            ppid: s.ppid,
            pgid: s.pgrp,
        })
    }

    fn set_nice(&self, nice: i32) -> Result<(), PlatformError> {
        self.by_pid("nice value", |pid| prio::set_nice(pid, nice.clamp(-20, 19)))
    }

    fn set_policy(&self, policy: i32) -> Result<(), PlatformError> {
        self.by_pid("scheduling policy", |pid| prio::set_policy(pid, policy))
    }

    fn set_io_class(&self, class: usize, level: i32) -> Result<(), PlatformError> {
        self.by_pid("I/O class", |pid| prio::set_ioprio(pid, class, level))
    }

    fn set_background(&self, _on: bool) -> Result<(), PlatformError> {
        Err(PlatformError::NotAvailable {
            pid: self.key.pid,
            what: "the background state",
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
        let mut members: Vec<Box<dyn ProcHandle>> = Vec::new();
        let pids = std::fs::read_dir(&self.root).map_err(|source| PlatformError::Read {
            path: self.root.clone(),
            source,
        })?;
        for pid in pids.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<Pid>().ok()) {
            let Some(st) = read_stat(&self.root, pid).filter(|s| s.pgrp == pgid) else {
                continue;
            };
            let key = ProcKey {
                pid,
                start_time: st.starttime,
            };
            // Pinned first, then its group read again: it is a member now.
            let Ok(h) = PidFd::open(&self.root, key) else {
                continue;
            };
            if h.lineage().is_ok_and(|l| l.pgid == pgid) {
                members.push(Box::new(h));
            }
        }
        // Still in it after the listing: the group listed is the one checked.
        in_group()?;
        Ok(GroupMembers { members })
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
