//! One signal to a chosen process, or to its process group, that can never reach
//! another process: the pid's identity is confirmed through its handle and the
//! signal goes through that handle. A group is never signalled by number
//! (`kill(-pgid)` would reach whoever owns that group number by then): its
//! members are listed and pinned one by one while the chosen process is still
//! in it, and each is signalled through its own handle.

use super::targets::Refusal;
use crate::model::{Pid, ProcKey};
use crate::platform::PlatformError;
use crate::platform::handle::{self, GroupDelivery};
use crate::platform::test_pause::{self, Point};

#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    #[error(transparent)]
    Platform(#[from] PlatformError),
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("process group {pgid}: none of its {members} member(s) could be signalled{why}")]
    NoneDelivered {
        pgid: Pid,
        members: usize,
        why: String,
    },
}

/// What was sent to whom.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivered {
    One(Pid),
    Group { pgid: Pid, delivery: GroupDelivery },
}

impl Delivered {
    /// `pid 12`, or `3 member(s) of process group 12 (pids 12 13 14; 1 gone)`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Delivered::One(pid) => format!("pid {pid}"),
            Delivered::Group { pgid, delivery: d } => {
                let pids: Vec<String> = d.sent.iter().map(|p| p.to_string()).collect();
                let mut s = format!(
                    "{} member(s) of process group {pgid} (pids {})",
                    d.sent.len(),
                    pids.join(" ")
                );
                if !d.gone.is_empty() {
                    s += &format!("; {} exited since the check", d.gone.len());
                }
                for (pid, e) in &d.failed {
                    s += &format!("; pid {pid} not signalled: {e}");
                }
                s
            }
        }
    }
}

/// Signals `key`, or with `group` the members of the process group `pgid` it
/// was seen in (the process must still be in it).
pub fn deliver(
    key: ProcKey,
    sig: i32,
    group: Option<Pid>,
    force: bool,
) -> Result<Delivered, DeliverError> {
    let h = handle::open(key)?;
    let Some(pgid) = group else {
        test_pause::pause(Point::AfterCheck);
        h.signal(sig)?;
        return Ok(Delivered::One(key.pid));
    };
    check_group(pgid, force)?;
    let members = h.group_members(pgid)?;
    test_pause::pause(Point::AfterCheck);
    let delivery = members.signal(sig);
    if delivery.sent.is_empty() {
        let mut why = String::new();
        if !delivery.gone.is_empty() {
            why += &format!(": {} exited", delivery.gone.len());
        }
        for (pid, e) in &delivery.failed {
            why += &format!("; pid {pid}: {e}");
        }
        return Err(DeliverError::NoneDelivered {
            pgid,
            members: members.members.len(),
            why,
        });
    }
    Ok(Delivered::Group { pgid, delivery })
}

/// Refuses groups a signal must never go to: 0 and 1 (kill(0) is the sender's own
/// group, kill(-1) every process) always; whytop's own group unless forced.
pub(crate) fn check_group(pgid: Pid, force: bool) -> Result<(), Refusal> {
    if pgid <= 1 {
        return Err(Refusal::NoGroup(pgid));
    }
    if pgid == handle::own_process_group() && !force {
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
        let mine = handle::own_process_group();
        if mine > 1 {
            assert_eq!(check_group(mine, false), Err(Refusal::OwnGroup(mine)));
            assert!(check_group(mine, true).is_ok());
        }
    }
}
