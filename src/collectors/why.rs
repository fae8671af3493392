//! Keeps every process's wait reason current at the cost of only the processes
//! that changed: evidence is re-read for samples the platform read afresh (new,
//! or they ran, or they sit on a terminal); the rest keep last pass's tag.

use crate::model::why::{ChildRef, ProcessWhy, WaitReason, WhyTag, classify, classify_process};
use crate::model::{Pid, ProcKey, ProcSample};
use crate::platform::{Listing, Platform};
use std::collections::HashMap;

#[derive(Default)]
pub struct WhyTracker {
    /// Each process's tag and the pass that last saw it (updated in place: a
    /// second map per pass would double this table's memory at every refresh).
    tags: HashMap<ProcKey, (WhyTag, u32)>,
    pass: u32,
}

/// Children by parent pid over one listing, built once a pass.
pub struct ChildIndex<'a> {
    procs: &'a [ProcSample],
    by_parent: Vec<(Pid, usize)>,
}

impl<'a> ChildIndex<'a> {
    pub fn new(procs: &'a [ProcSample]) -> Self {
        let mut by_parent: Vec<(Pid, usize)> = procs
            .iter()
            .enumerate()
            .filter(|(_, p)| p.tgid.is_none())
            .map(|(i, p)| (p.ppid, i))
            .collect();
        by_parent.sort_unstable();
        ChildIndex { procs, by_parent }
    }

    pub fn children(&self, pid: Pid) -> Vec<ChildRef> {
        let start = self.by_parent.partition_point(|(pp, _)| *pp < pid);
        self.by_parent[start..]
            .iter()
            .take_while(|(pp, _)| *pp == pid)
            .map(|&(_, i)| {
                let c = &self.procs[i];
                ChildRef {
                    pid: c.pid,
                    comm: Some(c.comm.to_string()),
                    state: Some(c.state),
                }
            })
            .collect()
    }
}

/// A tag for a process whose evidence could not be read at all (it just exited).
const GONE: WhyTag = WhyTag {
    reason: WaitReason::Unknown,
    ready: false,
    weak: true,
};

impl WhyTracker {
    /// Tags parallel to `listing.procs`.
    pub fn update(&mut self, platform: &mut dyn Platform, listing: &Listing) -> Vec<WhyTag> {
        let procs = &listing.procs[..];
        let index = ChildIndex::new(procs);
        self.pass = self.pass.wrapping_add(1);
        let pass = self.pass;
        let mut fresh = listing.fresh.iter().peekable();
        let tags = procs
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let is_fresh = fresh.next_if_eq(&&i).is_some();
                let key = p.key();
                let tag = match self.tags.get(&key) {
                    Some((t, _)) if !is_fresh && p.tgid.is_none() => *t,
                    _ => platform
                        .wait_evidence(p, index.children(p.pid), false)
                        .map(|e| WhyTag::from(&classify(&e)))
                        .unwrap_or(GONE),
                };
                if p.tgid.is_none() {
                    self.tags.insert(key, (tag, pass));
                }
                tag
            })
            .collect();
        self.tags.retain(|_, (_, seen)| *seen == pass);
        tags
    }
}

/// The full verdict on one process and its threads, for the detail pane and `whytop why`.
pub fn process_why(
    platform: &mut dyn Platform,
    sample: &ProcSample,
    procs: &[ProcSample],
) -> Option<ProcessWhy> {
    let children = ChildIndex::new(procs).children(sample.pid);
    let main = platform.wait_evidence(sample, children, true).ok()?;
    let threads = platform.thread_evidence(sample.key());
    Some(classify_process(&main, &threads))
}
