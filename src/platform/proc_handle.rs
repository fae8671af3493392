//! The handle on one process each backend implements (`handle::open` picks
//! the backend), and what a process group's members are and were sent.

use crate::model::{Pid, ProcKey};
use crate::platform::PlatformError;

/// Where a process sits in the tree now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Lineage {
    pub ppid: Pid,
    pub pgid: Pid,
}

pub trait ProcHandle: Send {
    fn key(&self) -> ProcKey;
    /// Delivers `sig` to this process only; a process that exited is `NoSuchProcess`.
    fn signal(&self, sig: i32) -> Result<(), PlatformError>;
    /// True once the process has exited (a zombie counts: it will never run again).
    fn exited(&self) -> bool;
    /// Its parent and process group as they are now; `NoSuchProcess` once it exited.
    fn lineage(&self) -> Result<Lineage, PlatformError>;
    /// Sets its nice value (-20..19).
    fn set_nice(&self, nice: i32) -> Result<(), PlatformError>;
    /// Linux: its CPU scheduling policy (a `sched::POLICIES` value).
    fn set_policy(&self, policy: i32) -> Result<(), PlatformError>;
    /// Linux: its I/O class (index into `sched::IO_CLASSES`) and level 0..7.
    fn set_io_class(&self, class: usize, level: i32) -> Result<(), PlatformError>;
    /// macOS: its background state (lower CPU and I/O priority).
    fn set_background(&self, on: bool) -> Result<(), PlatformError>;
    /// Every member of process group `pgid`, this process among them, each found
    /// by listing processes and pinned by its own handle, its group checked after
    /// the handle exists. `GroupMoved` when this process is no longer in `pgid`.
    fn group_members(&self, pgid: Pid) -> Result<GroupMembers, PlatformError>;
}

/// A process group's members as verified at one moment: signalling them reaches
/// exactly those processes (through their handles), never one that took a pid since.
pub(crate) struct GroupMembers {
    pub members: Vec<Box<dyn ProcHandle>>,
}

/// What a group signal did, member by member.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct GroupDelivery {
    pub sent: Vec<Pid>,
    /// Exited since they were verified: not signalled.
    pub gone: Vec<Pid>,
    pub failed: Vec<(Pid, String)>,
}

impl GroupMembers {
    pub fn signal(&self, sig: i32) -> GroupDelivery {
        let mut d = GroupDelivery::default();
        for m in &self.members {
            let pid = m.key().pid;
            match m.signal(sig) {
                Ok(()) => d.sent.push(pid),
                Err(PlatformError::NoSuchProcess { .. }) => d.gone.push(pid),
                Err(e) => d.failed.push((pid, e.to_string())),
            }
        }
        d
    }
}
