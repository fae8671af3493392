//! Which processes an action hits: the chosen one and, by default, its
//! descendants, deepest first; and which ones are refused.

use crate::model::{ProcKey, ProcSample};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    pub key: ProcKey,
    pub command: String,
    /// 0 for the chosen process, 1 for its children...
    pub depth: u16,
    /// How many descendants it has among the targets.
    pub descendants: usize,
    /// Its parent among the targets as the listing had it (None for the chosen one).
    pub parent: Option<ProcKey>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "pid {0} is init: acting on it can bring the system down (--force on the command line to insist)"
    )]
    Init(i32),
    #[error("pid {0} is whytop itself (--force on the command line to insist)")]
    Myself(i32),
    #[error(
        "the tree of pid {0} holds whytop itself: stop pid {0} alone (t in the dialog, --no-tree on the command line)"
    )]
    HoldsMyself(i32),
    #[error(
        "pid {0} is a kernel thread: signals and nice do not apply to it (--force on the command line to insist)"
    )]
    KernelThread(i32),
    #[error("no such process: pid {0}")]
    NoSuchProcess(i32),
    #[error(
        "process group {0} is not one group: a signal to it would reach every process or whytop's own group"
    )]
    NoGroup(i32),
    #[error("process group {0} holds whytop itself (--force on the command line to insist)")]
    OwnGroup(i32),
}

/// The targets for `chosen` in a process list, children before parents (the
/// deepest first, so a parent cannot respawn a child that was just stopped).
pub(crate) fn plan(
    procs: &[ProcSample],
    chosen: ProcKey,
    tree: bool,
    force: bool,
) -> Result<Vec<Target>, Refusal> {
    let me = std::process::id() as i32;
    let Some(root) = procs.iter().find(|p| p.key() == chosen && p.tgid.is_none()) else {
        return Err(Refusal::NoSuchProcess(chosen.pid));
    };
    let mut out = vec![(root, 0u16)];
    let mut parents: Vec<Option<ProcKey>> = vec![None];
    if tree {
        let mut i = 0;
        while i < out.len() {
            let (parent, depth) = out[i];
            for c in procs
                .iter()
                .filter(|c| c.ppid == parent.pid && c.tgid.is_none() && c.pid != parent.pid)
            {
                if !out.iter().any(|(q, _)| q.pid == c.pid) {
                    out.push((c, depth + 1));
                    parents.push(Some(parent.key()));
                }
            }
            i += 1;
        }
    }
    for (p, _) in &out {
        if !force && p.pid == me && root.pid != me {
            return Err(Refusal::HoldsMyself(root.pid));
        }
        if !force && p.pid == me {
            return Err(Refusal::Myself(p.pid));
        }
        if !force && p.pid == 1 {
            return Err(Refusal::Init(1));
        }
        if !force && p.kernel_thread {
            return Err(Refusal::KernelThread(p.pid));
        }
    }
    let mut targets: Vec<Target> = out
        .iter()
        .zip(parents)
        .map(|((p, d), parent)| Target {
            key: p.key(),
            // Shown in the dialog, printed, audited: redacted once here.
            command: super::redact::redact_text(&p.command()),
            depth: *d,
            descendants: 0,
            parent,
        })
        .collect();
    for (i, t) in targets.iter_mut().enumerate() {
        t.descendants = count_descendants(&out, i);
    }
    targets.sort_by(|a, b| b.depth.cmp(&a.depth).then(a.key.pid.cmp(&b.key.pid)));
    Ok(targets)
}

fn count_descendants(out: &[(&ProcSample, u16)], i: usize) -> usize {
    let pid = out[i].0.pid;
    let kids: Vec<usize> = (0..out.len())
        .filter(|&j| out[j].0.ppid == pid && j != i)
        .collect();
    kids.len()
        + kids
            .iter()
            .map(|&k| count_descendants(out, k))
            .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testutil::sample;

    fn procs() -> Vec<ProcSample> {
        let mut k = sample(2, 0, "kthreadd");
        k.kernel_thread = true;
        vec![
            sample(1, 0, "init"),
            k,
            sample(10, 1, "make"),
            sample(11, 10, "cc"),
            sample(12, 11, "as"),
            sample(13, 10, "ld"),
        ]
    }

    #[test]
    fn tree_deepest_first_with_descendant_counts() {
        let p = procs();
        let t = plan(&p, p[2].key(), true, false).unwrap();
        let pids: Vec<i32> = t.iter().map(|t| t.key.pid).collect();
        assert_eq!(pids, [12, 11, 13, 10]);
        assert_eq!(t.last().unwrap().descendants, 3);
        assert_eq!(t[0].parent, Some(p[3].key()), "as is under cc");
        assert_eq!(t.last().unwrap().parent, None);
        let t = plan(&p, p[2].key(), false, false).unwrap();
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn refusals() {
        let p = procs();
        assert_eq!(plan(&p, p[0].key(), false, false), Err(Refusal::Init(1)));
        assert_eq!(
            plan(&p, p[1].key(), false, false),
            Err(Refusal::KernelThread(2))
        );
        assert!(plan(&p, p[1].key(), false, true).is_ok(), "forced");
        let stale = ProcKey {
            pid: 10,
            start_time: 1,
        };
        assert_eq!(
            plan(&p, stale, true, false),
            Err(Refusal::NoSuchProcess(10))
        );
        let mut me = sample(std::process::id() as i32, 1, "whytop");
        me.start_time = 5;
        let key = me.key();
        assert_eq!(
            plan(std::slice::from_ref(&me), key, false, false),
            Err(Refusal::Myself(key.pid))
        );
        assert!(
            plan(std::slice::from_ref(&me), key, false, true).is_ok(),
            "forced from the CLI"
        );
        // whytop's shell: its tree holds whytop, so it is offered alone.
        let shell = sample(4242, 1, "bash");
        me.ppid = shell.pid;
        let both = [shell.clone(), me];
        assert_eq!(
            plan(&both, shell.key(), true, false),
            Err(Refusal::HoldsMyself(shell.pid))
        );
        assert!(plan(&both, shell.key(), false, false).is_ok());
    }
}
