//! Whether a stop's targets are still the chosen root's descendants. A plan is
//! built from a listing that may be a refresh old; before anyone is signalled,
//! and again before each signal, every target's parent is read afresh. A target
//! whose parent is no longer the one the plan saw (or whose planned parent is
//! itself out of the tree) has left the tree: it is dropped and left alone. The
//! one exception is a parent this stop signalled and that has exited: its
//! children were reparented by the stop itself and are still its to finish.

use super::targets::Target;
use crate::model::Pid;
use crate::platform::handle::{self, ProcHandle};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Standing {
    Descendant,
    /// No longer in the tree: its parent is now `ppid`.
    Moved {
        ppid: Pid,
    },
    Gone,
}

/// The standing of each target. `ppid_now(i)`: target `i`'s parent now (None once
/// it exited); `signalled(i)`: this stop has sent target `i` a signal.
pub(crate) fn standings(
    targets: &[Target],
    ppid_now: impl Fn(usize) -> Option<Pid>,
    signalled: impl Fn(usize) -> bool,
) -> Vec<Standing> {
    let mut order: Vec<usize> = (0..targets.len()).collect();
    order.sort_by_key(|&i| targets[i].depth);
    let mut out = vec![Standing::Gone; targets.len()];
    for i in order {
        let Some(ppid) = ppid_now(i) else {
            continue; // Gone
        };
        let Some(parent) = targets[i].parent else {
            out[i] = Standing::Descendant; // the root
            continue;
        };
        let Some(j) = targets.iter().position(|t| t.key == parent) else {
            out[i] = Standing::Moved { ppid };
            continue;
        };
        out[i] = match out[j] {
            Standing::Moved { .. } => Standing::Moved { ppid },
            _ if ppid == parent.pid && out[j] == Standing::Descendant => Standing::Descendant,
            Standing::Gone if signalled(j) => Standing::Descendant,
            _ => Standing::Moved { ppid },
        };
    }
    out
}

/// Re-reads the parentage of a plan's targets (no signal sent yet): the targets
/// still in the tree, and those that left it with their parent now.
pub fn recheck(targets: Vec<Target>) -> (Vec<Target>, Vec<(Target, Pid)>) {
    let handles: Vec<Option<Box<dyn ProcHandle>>> =
        targets.iter().map(|t| handle::open(t.key).ok()).collect();
    let now = |i: usize| handles[i].as_ref()?.lineage().ok().map(|l| l.ppid);
    let standing = standings(&targets, now, |_| false);
    let mut kept = Vec::new();
    let mut moved = Vec::new();
    for (t, s) in targets.into_iter().zip(standing) {
        match s {
            Standing::Moved { ppid } => moved.push((t, ppid)),
            _ => kept.push(t),
        }
    }
    (kept, moved)
}

/// `pid 12 (sleep) is no longer a descendant of pid 10: its parent is now 1; left alone`.
pub(crate) fn describe_moved(t: &Target, root: Pid, ppid: Pid) -> String {
    format!(
        "pid {} ({}) is no longer a descendant of pid {root}: its parent is now {ppid}; left alone",
        t.key.pid, t.command
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProcKey;

    fn t(pid: Pid, parent: Option<Pid>, depth: u16) -> Target {
        Target {
            key: ProcKey { pid, start_time: 1 },
            command: format!("p{pid}"),
            depth,
            descendants: 0,
            parent: parent.map(|pid| ProcKey { pid, start_time: 1 }),
        }
    }

    /// 10 → 11 → 12, and 10 → 13.
    fn tree() -> Vec<Target> {
        vec![
            t(12, Some(11), 2),
            t(11, Some(10), 1),
            t(13, Some(10), 1),
            t(10, None, 0),
        ]
    }

    #[test]
    fn a_child_whose_parent_changed_is_moved_and_so_are_its_own_children() {
        let tr = tree();
        let ppid = |i: usize| Some([11, 1, 10, 5][i]);
        let s = standings(&tr, ppid, |_| false);
        assert_eq!(s[1], Standing::Moved { ppid: 1 }, "11 reparented to init");
        assert_eq!(
            s[0],
            Standing::Moved { ppid: 11 },
            "12 is under 11, out of the tree"
        );
        assert_eq!(s[2], Standing::Descendant);
        assert_eq!(
            s[3],
            Standing::Descendant,
            "the root's own parent does not matter"
        );
    }

    #[test]
    fn orphans_of_a_parent_that_exited_on_its_own_leave_but_not_of_one_this_stop_signalled() {
        let tr = tree();
        let ppid = |i: usize| [Some(1), None, Some(10), Some(5)][i];
        assert_eq!(
            standings(&tr, ppid, |_| false)[0],
            Standing::Moved { ppid: 1 }
        );
        let s = standings(&tr, ppid, |i| i == 1);
        assert_eq!(s[0], Standing::Descendant, "11 was signalled and exited");
        assert_eq!(s[1], Standing::Gone);
    }
}
