//! One signal to a chosen process, or to its process group, that can never reach
//! another process: the pid's identity is confirmed through its handle first, and
//! a group is only signalled when it is still the group the user saw and a real one.

use super::targets::Refusal;
use crate::model::{Pid, ProcKey};
use crate::platform::PlatformError;
use crate::platform::handle;

#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    #[error(transparent)]
    Platform(#[from] PlatformError),
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("pid {pid} moved from process group {was} to {now}: not sent")]
    GroupMoved { pid: Pid, was: Pid, now: Pid },
}

/// Signals `key`, or with `group` the process group `pgid` it was seen in.
pub fn deliver(
    key: ProcKey,
    sig: i32,
    group: Option<Pid>,
    force: bool,
) -> Result<(), DeliverError> {
    let h = handle::open(key)?;
    let Some(pgid) = group else {
        return Ok(h.signal(sig)?);
    };
    // The handle confirmed the identity; now the group, as it is at this moment.
    // SAFETY: getpgid has no memory-safety preconditions.
    let now = unsafe { libc::getpgid(key.pid) };
    if now < 0 {
        return Err(PlatformError::NoSuchProcess { pid: key.pid }.into());
    }
    if now != pgid {
        return Err(DeliverError::GroupMoved {
            pid: key.pid,
            was: pgid,
            now,
        });
    }
    check_group(pgid, force)?;
    // SAFETY: kill with a negative pid signals that process group; pgid > 1 here,
    // so it is never kill(-1) (everyone) or kill(0) (our own group).
    if unsafe { libc::kill(-pgid, sig) } == 0 {
        return Ok(());
    }
    Err(match std::io::Error::last_os_error().raw_os_error() {
        Some(libc::EPERM) => PlatformError::PermissionDenied { pid: key.pid },
        _ => PlatformError::NoSuchProcess { pid: key.pid },
    }
    .into())
}

/// Refuses groups a signal must never go to: 0 and 1 (kill(0) is the sender's own
/// group, kill(-1) every process) always; whytop's own group unless forced.
pub fn check_group(pgid: Pid, force: bool) -> Result<(), Refusal> {
    if pgid <= 1 {
        return Err(Refusal::NoGroup(pgid));
    }
    // SAFETY: getpgrp cannot fail.
    let mine = unsafe { libc::getpgrp() };
    if pgid == mine && !force {
        return Err(Refusal::OwnGroup(pgid));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_everyone_never_the_callers_group_unforced() {
        assert_eq!(check_group(0, true), Err(Refusal::NoGroup(0)));
        assert_eq!(check_group(1, true), Err(Refusal::NoGroup(1)));
        assert_eq!(check_group(-5, true), Err(Refusal::NoGroup(-5)));
        let mine = unsafe { libc::getpgrp() };
        if mine > 1 {
            assert_eq!(check_group(mine, false), Err(Refusal::OwnGroup(mine)));
            assert!(check_group(mine, true).is_ok());
        }
    }
}
