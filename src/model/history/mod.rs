//! History in memory: what each process and the machine did over the last few
//! minutes, one point a refresh, derived purely from the snapshots (as `below`
//! derives from its raw samples). The charts, the WHY timeline and the Ended
//! view read it; nothing here does I/O.
//!
//! Cost: a process whose CPU %, RSS and WHY word have not changed since it was
//! first seen keeps one point and a count (about 40 bytes with its key); its
//! ring of `capacity` points (5 bytes each) is allocated at the first change.
//! An ended process's history is kept for `ended_keep` refreshes (the Ended
//! view's list) and then freed.

pub(crate) mod process;
pub(crate) mod ring;
pub(crate) mod system;

pub use process::{ProcHistory, ProcPoint};
pub use system::SystemHistory;

use super::ending::{ExitReport, OomKill};
use super::table::ProcessTable;
use super::why::WhyTag;
use super::{Pid, ProcKey, ProcSample, Snapshot};

/// Refreshes kept by default: five minutes at the default 1 s refresh.
pub(crate) const DEFAULT_CAPACITY: usize = 300;

/// A process that has ended, with the history it had.
#[derive(Clone, Debug)]
pub struct Ended {
    pub key: ProcKey,
    /// The refresh (see `History::seq`) at which it was first missing.
    pub ended_seq: u64,
    /// Wall clock of the last snapshot it was in, seconds since the Unix epoch.
    pub last_seen_at: f64,
    pub history: ProcHistory,
    /// Its last sample (name, command, user, CPU time), when the previous
    /// snapshot was given.
    pub last: Option<ProcSample>,
    /// How it ended, when the kernel said (Linux as root).
    pub exit: Option<ExitReport>,
    /// The OOM killer's kill of it, from the kernel log (Linux as root).
    pub oom: Option<OomKill>,
}

/// Exits of processes no snapshot ever held (they lived less than a
/// refresh), counted per parent.
#[derive(Clone, Debug, Default)]
pub struct ShortLived {
    pub total: u64,
    /// (parent pid, exits), most first after `by_parent_sorted`; at most
    /// `SHORT_LIVED_PARENTS` parents are kept, the rest count in `total` only.
    pub by_parent: Vec<(Pid, u64)>,
}

const SHORT_LIVED_PARENTS: usize = 64;
/// Ended processes kept at most, oldest dropped first: a build ending
/// hundreds of processes a second keeps minutes of them, not megabytes.
pub(crate) const MAX_ENDED: usize = 2000;

/// Refreshes an exit may arrive after its process was last missing.
const LATE_EXIT: u64 = 3;

impl ShortLived {
    fn count(&mut self, parent: Pid) {
        self.total += 1;
        let full = self.by_parent.len() >= SHORT_LIVED_PARENTS;
        match self.by_parent.iter_mut().find(|(p, _)| *p == parent) {
            Some((_, n)) => *n += 1,
            None if !full => self.by_parent.push((parent, 1)),
            None => {}
        }
    }

    /// Parents with the most short-lived children first.
    pub(crate) fn by_parent_sorted(&self) -> Vec<(Pid, u64)> {
        let mut v = self.by_parent.clone();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }
}

#[derive(Clone, Debug)]
pub struct History {
    capacity: usize,
    ended_keep: u64,
    /// Refreshes pushed so far.
    seq: u64,
    /// Live processes, sorted by key.
    live: Vec<(ProcKey, ProcHistory)>,
    /// Ended processes, oldest end first.
    ended: Vec<Ended>,
    last_taken_at: f64,
    /// Exits reported for processes still listed (zombies not yet reaped).
    pending_exits: Vec<ExitReport>,
    /// Kills logged for processes still listed (not yet gone).
    pending_oom: Vec<OomKill>,
    pub short_lived: ShortLived,
    pub system: SystemHistory,
}

impl Default for History {
    fn default() -> Self {
        History::new(DEFAULT_CAPACITY, DEFAULT_CAPACITY as u64)
    }
}

impl History {
    /// Keeps `capacity` refreshes per process and the machine, and an ended
    /// process for `ended_keep` refreshes after it ended.
    pub fn new(capacity: usize, ended_keep: u64) -> Self {
        History {
            capacity: capacity.max(1),
            ended_keep,
            seq: 0,
            live: Vec::new(),
            ended: Vec::new(),
            last_taken_at: 0.0,
            pending_exits: Vec::new(),
            pending_oom: Vec::new(),
            short_lived: ShortLived::default(),
            system: SystemHistory::new(capacity.max(1)),
        }
    }

    pub(crate) fn seq(&self) -> u64 {
        self.seq
    }

    /// Adds one refresh: a point for every process in the table (thread rows
    /// are skipped), the machine's point; processes missing from it move to
    /// the ended list with their last sample from `prev` (the snapshot before
    /// `table`'s) and their exit where the kernel reported one, and those
    /// ended `ended_keep` refreshes ago are freed.
    pub fn push(&mut self, prev: Option<&Snapshot>, table: &ProcessTable) {
        let snap = &table.snapshot;
        self.seq += 1;
        self.system.push(&snap.system);
        // Merged in place (no second table of every process, even for a
        // moment): a point for each kept process, positions of the ended ones,
        // and the new ones gathered apart, then added and put in order.
        let mut gone: Vec<usize> = Vec::new();
        let mut fresh: Vec<(ProcKey, ProcHistory)> = Vec::new();
        let mut j = 0;
        for (i, p) in snap.procs.iter().enumerate() {
            if p.tgid.is_some() {
                continue;
            }
            let key = p.key();
            let why = snap.why.get(i).copied().unwrap_or_default();
            let cpu = table.stats.get(i).map_or(0.0, |s| s.cpu_percent);
            let point = ProcPoint::new(cpu, p.rss_bytes, why);
            // Kept keys before this one are gone.
            while j < self.live.len() && self.live[j].0 < key {
                gone.push(j);
                j += 1;
            }
            match self.live.get_mut(j) {
                Some((k, h)) if *k == key => {
                    h.push(point, self.capacity);
                    j += 1;
                }
                _ => fresh.push((key, ProcHistory::new(point))),
            }
        }
        gone.extend(j..self.live.len());
        if !gone.is_empty() {
            let mut at = 0;
            let mut next = gone.iter().copied().peekable();
            let ended: Vec<_> = self
                .live
                .extract_if(.., |_| {
                    let out = next.next_if_eq(&at).is_some();
                    at += 1;
                    out
                })
                .collect();
            for (k, h) in ended {
                self.end(k, h, prev);
            }
        }
        if !fresh.is_empty() {
            let sorted = self.live.last().is_none_or(|(k, _)| *k < fresh[0].0);
            self.live.append(&mut fresh);
            if !sorted {
                // In place: no buffer beside the table.
                self.live.sort_unstable_by_key(|(k, _)| *k);
            }
        }
        self.match_exits(&snap.exits);
        self.match_oom_kills(&snap.oom_kills);
        self.last_taken_at = snap.taken_at;
        let keep = self.ended_keep;
        let seq = self.seq;
        self.ended.retain(|e| seq - e.ended_seq < keep);
        let over = self.ended.len().saturating_sub(MAX_ENDED);
        self.ended.drain(..over);
    }

    fn end(&mut self, key: ProcKey, history: ProcHistory, prev: Option<&Snapshot>) {
        let last = prev.and_then(|s| find_process(&s.procs, key)).cloned();
        self.ended.push(Ended {
            key,
            ended_seq: self.seq,
            last_seen_at: self.last_taken_at,
            history,
            last,
            exit: None,
            oom: None,
        });
    }

    /// Gives each reported exit to the process it ended: one that ended in the
    /// last few refreshes, or one still listed (a zombie: kept until it goes);
    /// an exit of a process never listed is counted as short-lived.
    fn match_exits(&mut self, new: &[ExitReport]) {
        let mut exits = std::mem::take(&mut self.pending_exits);
        exits.extend(new.iter().cloned());
        for x in exits {
            if (x.crash.is_some() && self.add_crash(&x)) || self.add_status(&x) {
                continue;
            }
            let seq = self.seq;
            let ended = self
                .ended
                .iter_mut()
                .filter(|e| e.exit.is_none() && seq - e.ended_seq < LATE_EXIT && x.may_be(e.key))
                .max_by_key(|e| e.key.start_time);
            if let Some(e) = ended {
                e.exit = Some(x);
            } else if self.live_process_with(&x) {
                self.pending_exits.push(x);
            } else {
                self.short_lived.count(x.parent);
            }
        }
    }

    /// Gives a crash report that came after its process's exit to that exit
    /// (same pid, started before the crash); false when no such exit is listed.
    fn add_crash(&mut self, x: &ExitReport) -> bool {
        let ended = self
            .ended
            .iter_mut()
            .filter(|e| e.exit.as_ref().is_some_and(|ex| ex.crash.is_none()) && x.may_be(e.key))
            .max_by_key(|e| e.key.start_time);
        match ended.and_then(|e| e.exit.as_mut()) {
            Some(exit) => {
                exit.crash = x.crash.clone();
                true
            }
            None => false,
        }
    }

    /// Gives an exit that came after its crash report (which stood for it)
    /// its wait status, keeping the crash; false when there is no such report.
    fn add_status(&mut self, x: &ExitReport) -> bool {
        let ended = self
            .ended
            .iter_mut()
            .filter(|e| {
                e.exit
                    .as_ref()
                    .is_some_and(|ex| ex.crash.is_some() && ex.at_ticks <= x.at_ticks)
                    && x.may_be(e.key)
            })
            .max_by_key(|e| e.key.start_time);
        match ended.and_then(|e| e.exit.as_mut()) {
            Some(exit) if x.crash.is_none() => {
                let crash = exit.crash.take();
                *exit = x.clone();
                exit.crash = crash;
                true
            }
            _ => false,
        }
    }

    fn live_process_with(&self, x: &ExitReport) -> bool {
        self.live_with(x.pid, |k| x.may_be(k))
    }

    fn live_with(&self, pid: Pid, may_be: impl Fn(ProcKey) -> bool) -> bool {
        let from = self.live.partition_point(|(k, _)| k.pid < pid);
        self.live[from..]
            .iter()
            .take_while(|(k, _)| k.pid == pid)
            .any(|(k, _)| may_be(*k))
    }

    /// Gives each logged OOM kill to the process it ended, as exits are given
    /// (by pid and start time, never to a later owner of the pid): one that
    /// ended in the last few refreshes, or one still listed (kept until it
    /// goes). A kill of a process never listed is dropped.
    fn match_oom_kills(&mut self, new: &[OomKill]) {
        let mut kills = std::mem::take(&mut self.pending_oom);
        kills.extend(new.iter().cloned());
        for k in kills {
            let seq = self.seq;
            let ended = self
                .ended
                .iter_mut()
                .filter(|e| e.oom.is_none() && seq - e.ended_seq < LATE_EXIT && k.may_be(e.key))
                .max_by_key(|e| e.key.start_time);
            if let Some(e) = ended {
                e.oom = Some(k);
            } else if self.live_with(k.pid, |key| k.may_be(key)) {
                self.pending_oom.push(k);
            }
        }
    }

    /// The history of a live process, or of one in the ended list.
    pub fn process(&self, key: ProcKey) -> Option<&ProcHistory> {
        match self.live.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => Some(&self.live[i].1),
            Err(_) => self.ended.iter().find(|e| e.key == key).map(|e| &e.history),
        }
    }

    /// Ended processes still kept, oldest end first.
    pub fn ended(&self) -> &[Ended] {
        &self.ended
    }

    /// Live processes whose history has a ring (changed at least once).
    // Only the tests read it (the compiler reports what nothing else uses).
    #[cfg(test)]
    pub(crate) fn allocated(&self) -> usize {
        self.live.iter().filter(|(_, h)| h.allocated()).count()
    }

    #[cfg(test)]
    pub(crate) fn live_len(&self) -> usize {
        self.live.len()
    }
}

/// A process (not a thread row) in a snapshot's samples, sorted by pid.
fn find_process(procs: &[ProcSample], key: ProcKey) -> Option<&ProcSample> {
    let from = procs.partition_point(|p| p.pid < key.pid);
    procs[from..]
        .iter()
        .take_while(|p| p.pid == key.pid)
        .find(|p| p.tgid.is_none() && p.key() == key)
}

/// The WHY word of the newest point, with the refreshes it has lasted.
pub(crate) fn why_since(h: &ProcHistory) -> (WhyTag, u32) {
    let p = h.last();
    (
        WhyTag {
            weak: p.weak(),
            ..WhyTag::of(p.reason())
        },
        h.why_for(),
    )
}

#[cfg(test)]
mod tests;
