//! Niceness, and on Linux the scheduling policy and I/O priority; on macOS the
//! background state. Every call re-checks the target's start time first.

use crate::model::ProcKey;
use crate::platform::PlatformError;
use crate::platform::handle;

#[derive(Debug, thiserror::Error)]
pub enum PriorityError {
    #[error("no such process: pid {0} (exited, or its pid now belongs to another process)")]
    Gone(i32),
    #[error("pid {pid}: lowering nice to {nice} needs root (or CAP_SYS_NICE)")]
    NeedsRoot { pid: i32, nice: i32 },
    #[error("pid {0}: permission denied (it belongs to another user)")]
    Denied(i32),
    #[error("pid {pid}: {msg}")]
    Other { pid: i32, msg: String },
}

fn check(key: ProcKey) -> Result<(), PriorityError> {
    match handle::open(key) {
        Ok(_) => Ok(()),
        Err(PlatformError::NoSuchProcess { .. }) => Err(PriorityError::Gone(key.pid)),
        Err(PlatformError::PermissionDenied { .. }) => Err(PriorityError::Denied(key.pid)),
        Err(e) => Err(PriorityError::Other {
            pid: key.pid,
            msg: e.to_string(),
        }),
    }
}

pub fn get_nice(pid: i32) -> Result<i32, PriorityError> {
    // getpriority can return -1 legitimately: clear errno first.
    // SAFETY: errno is thread-local; getpriority reads only its arguments.
    unsafe {
        *errno_ptr() = 0;
        let v = libc::getpriority(libc::PRIO_PROCESS, pid as libc::id_t);
        if v == -1 && *errno_ptr() != 0 {
            return Err(PriorityError::Gone(pid));
        }
        Ok(v)
    }
}

/// Sets the nice value of exactly the process `key` names.
pub fn renice(key: ProcKey, nice: i32) -> Result<(), PriorityError> {
    check(key)?;
    let nice = nice.clamp(-20, 19);
    // SAFETY: setpriority reads only its arguments.
    let r = unsafe { libc::setpriority(libc::PRIO_PROCESS, key.pid as libc::id_t, nice) };
    if r == 0 {
        return Ok(());
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EACCES) => Err(PriorityError::NeedsRoot { pid: key.pid, nice }),
        Some(libc::EPERM) => Err(PriorityError::Denied(key.pid)),
        Some(libc::ESRCH) => Err(PriorityError::Gone(key.pid)),
        _ => Err(PriorityError::Other {
            pid: key.pid,
            msg: err.to_string(),
        }),
    }
}

#[cfg(target_os = "linux")]
fn errno_ptr() -> *mut i32 {
    // SAFETY: __errno_location always returns this thread's errno.
    unsafe { libc::__errno_location() }
}

#[cfg(target_os = "macos")]
fn errno_ptr() -> *mut i32 {
    // SAFETY: __error always returns this thread's errno.
    unsafe { libc::__error() }
}

/// Linux scheduling policies by name.
#[cfg(target_os = "linux")]
pub mod linux {
    use super::*;

    pub const POLICIES: [(&str, i32); 5] = [
        ("other", libc::SCHED_OTHER),
        ("batch", libc::SCHED_BATCH),
        ("idle", libc::SCHED_IDLE),
        ("fifo", libc::SCHED_FIFO),
        ("rr", libc::SCHED_RR),
    ];

    pub fn policy_name(p: i32) -> &'static str {
        POLICIES
            .iter()
            .find(|(_, v)| *v == p)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }

    pub fn get_policy(pid: i32) -> Result<i32, PriorityError> {
        // SAFETY: reads only its argument.
        let p = unsafe { libc::sched_getscheduler(pid) };
        if p < 0 {
            Err(PriorityError::Gone(pid))
        } else {
            Ok(p & !libc::SCHED_RESET_ON_FORK)
        }
    }

    /// Sets the policy; real-time ones get priority 1, the others 0.
    pub fn set_policy(key: ProcKey, policy: i32) -> Result<(), PriorityError> {
        check(key)?;
        let prio = if policy == libc::SCHED_FIFO || policy == libc::SCHED_RR {
            1
        } else {
            0
        };
        let param = libc::sched_param {
            sched_priority: prio,
        };
        // SAFETY: param lives across the call.
        let r = unsafe { libc::sched_setscheduler(key.pid, policy, &param) };
        if r == 0 {
            return Ok(());
        }
        match std::io::Error::last_os_error().raw_os_error() {
            Some(libc::EPERM) => Err(PriorityError::Other {
                pid: key.pid,
                msg: "that policy needs root (or CAP_SYS_NICE)".into(),
            }),
            Some(libc::ESRCH) => Err(PriorityError::Gone(key.pid)),
            _ => Err(PriorityError::Other {
                pid: key.pid,
                msg: std::io::Error::last_os_error().to_string(),
            }),
        }
    }

    const IOPRIO_WHO_PROCESS: i32 = 1;
    const IOPRIO_CLASS_SHIFT: i32 = 13;
    pub const IO_CLASSES: [&str; 4] = ["none", "realtime", "best-effort", "idle"];

    /// (class index into IO_CLASSES, level 0..7).
    pub fn get_ioprio(pid: i32) -> Result<(usize, i32), PriorityError> {
        // SAFETY: ioprio_get reads only its scalar arguments.
        let v = unsafe { libc::syscall(libc::SYS_ioprio_get, IOPRIO_WHO_PROCESS, pid) } as i32;
        if v < 0 {
            return Err(PriorityError::Gone(pid));
        }
        Ok(((v >> IOPRIO_CLASS_SHIFT) as usize & 3, v & 0xff))
    }

    pub fn set_ioprio(key: ProcKey, class: usize, level: i32) -> Result<(), PriorityError> {
        check(key)?;
        let v = ((class as i32) << IOPRIO_CLASS_SHIFT) | level.clamp(0, 7);
        // SAFETY: ioprio_set reads only its scalar arguments.
        let r = unsafe { libc::syscall(libc::SYS_ioprio_set, IOPRIO_WHO_PROCESS, key.pid, v) };
        if r == 0 {
            return Ok(());
        }
        match std::io::Error::last_os_error().raw_os_error() {
            Some(libc::EPERM) => Err(PriorityError::Other {
                pid: key.pid,
                msg: "that I/O class needs root".into(),
            }),
            _ => Err(PriorityError::Other {
                pid: key.pid,
                msg: std::io::Error::last_os_error().to_string(),
            }),
        }
    }
}

/// macOS: the background state (lower CPU and I/O priority) of a process.
#[cfg(target_os = "macos")]
pub fn set_background(key: ProcKey, on: bool) -> Result<(), PriorityError> {
    check(key)?;
    let v = if on { libc::PRIO_DARWIN_BG } else { 0 };
    // SAFETY: setpriority reads only its arguments.
    let r = unsafe { libc::setpriority(libc::PRIO_DARWIN_PROCESS, key.pid as libc::id_t, v) };
    if r == 0 {
        Ok(())
    } else {
        Err(PriorityError::Denied(key.pid))
    }
}
