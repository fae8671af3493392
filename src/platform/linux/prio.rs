//! The priority calls the kernel takes only by pid: nice, CPU policy, I/O class.
//! Callers make them safe against pid reuse (see `PidFd`); these only talk to
//! the kernel and name its errors.

use crate::platform::PlatformError;

fn errno(pid: i32) -> PlatformError {
    error_of(pid, std::io::Error::last_os_error())
}

/// `ESRCH` is gone, `EPERM` another user's process, `EACCES` a change that
/// needs privilege, anything else as is.
fn error_of(pid: i32, e: std::io::Error) -> PlatformError {
    match e.raw_os_error() {
        Some(libc::ESRCH) => PlatformError::NoSuchProcess { pid },
        Some(libc::EPERM) => PlatformError::PermissionDenied { pid },
        Some(libc::EACCES) => PlatformError::NeedsPrivilege { pid },
        _ => PlatformError::Os { pid, source: e },
    }
}

/// EACCES here means lowering nice without the privilege for it.
pub(crate) fn set_nice(pid: i32, nice: i32) -> Result<(), PlatformError> {
    // SAFETY: setpriority reads only its arguments.
    let r = unsafe { libc::setpriority(libc::PRIO_PROCESS, pid as libc::id_t, nice) };
    if r == 0 { Ok(()) } else { Err(errno(pid)) }
}

pub(crate) fn get_policy(pid: i32) -> Result<i32, PlatformError> {
    // SAFETY: reads only its argument.
    let p = unsafe { libc::sched_getscheduler(pid) };
    if p < 0 {
        Err(errno(pid))
    } else {
        Ok(p & !libc::SCHED_RESET_ON_FORK)
    }
}

/// Real-time policies get priority 1, the others 0. EPERM here is a policy
/// that needs privilege, not another user's process.
pub(crate) fn set_policy(pid: i32, policy: i32) -> Result<(), PlatformError> {
    let prio = i32::from(policy == libc::SCHED_FIFO || policy == libc::SCHED_RR);
    let param = libc::sched_param {
        sched_priority: prio,
    };
    // SAFETY: param lives across the call.
    let r = unsafe { libc::sched_setscheduler(pid, policy, &param) };
    if r == 0 {
        return Ok(());
    }
    Err(privileged(errno(pid)))
}

/// For a policy or an I/O class, EPERM is what needs privilege, not whose
/// process it is.
fn privileged(e: PlatformError) -> PlatformError {
    match e {
        PlatformError::PermissionDenied { pid } => PlatformError::NeedsPrivilege { pid },
        e => e,
    }
}

const IOPRIO_WHO_PROCESS: i32 = 1;
const IOPRIO_CLASS_SHIFT: i32 = 13;

/// (class, level 0..7).
pub(crate) fn get_ioprio(pid: i32) -> Result<(usize, i32), PlatformError> {
    // SAFETY: ioprio_get reads only its scalar arguments.
    let v = unsafe { libc::syscall(libc::SYS_ioprio_get, IOPRIO_WHO_PROCESS, pid) } as i32;
    if v < 0 {
        return Err(errno(pid));
    }
    Ok(((v >> IOPRIO_CLASS_SHIFT) as usize & 3, v & 0xff))
}

pub(crate) fn set_ioprio(pid: i32, class: usize, level: i32) -> Result<(), PlatformError> {
    let v = ((class as i32) << IOPRIO_CLASS_SHIFT) | level.clamp(0, 7);
    // SAFETY: ioprio_set reads only its scalar arguments.
    let r = unsafe { libc::syscall(libc::SYS_ioprio_set, IOPRIO_WHO_PROCESS, pid, v) };
    if r == 0 {
        return Ok(());
    }
    Err(privileged(errno(pid)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Error;

    #[test]
    fn errno_names_gone_apart_from_denied() {
        let of = |n| error_of(7, Error::from_raw_os_error(n));
        assert!(matches!(
            of(libc::ESRCH),
            PlatformError::NoSuchProcess { pid: 7 }
        ));
        assert!(matches!(
            of(libc::EPERM),
            PlatformError::PermissionDenied { pid: 7 }
        ));
        assert!(matches!(
            of(libc::EACCES),
            PlatformError::NeedsPrivilege { pid: 7 }
        ));
        assert!(matches!(of(libc::EINVAL), PlatformError::Os { pid: 7, .. }));
        // A policy's EPERM needs privilege; its ESRCH is still gone.
        assert!(matches!(
            privileged(of(libc::EPERM)),
            PlatformError::NeedsPrivilege { pid: 7 }
        ));
        assert!(matches!(
            privileged(of(libc::ESRCH)),
            PlatformError::NoSuchProcess { pid: 7 }
        ));
    }
}
