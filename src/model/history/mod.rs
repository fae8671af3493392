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

pub mod process;
pub mod ring;
pub mod system;

pub use process::{ProcHistory, ProcPoint};
pub use system::{CpuKinds, SysPoint, SystemHistory};

use super::ProcKey;
use super::table::ProcessTable;
use super::why::WhyTag;

/// Refreshes kept by default: five minutes at the default 1 s refresh.
pub const DEFAULT_CAPACITY: usize = 300;

/// A process that has ended, with the history it had.
#[derive(Clone, Debug)]
pub struct Ended {
    pub key: ProcKey,
    /// The refresh (see `History::seq`) at which it was first missing.
    pub ended_seq: u64,
    /// Wall clock of the last snapshot it was in, seconds since the Unix epoch.
    pub last_seen_at: f64,
    pub history: ProcHistory,
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
            system: SystemHistory::new(capacity.max(1)),
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Adds one refresh: a point for every process in the table (thread rows
    /// are skipped), the machine's point; processes missing from it move to
    /// the ended list, and those ended `ended_keep` refreshes ago are freed.
    pub fn push(&mut self, table: &ProcessTable) {
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
                self.end(k, h);
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
        self.last_taken_at = snap.taken_at;
        let keep = self.ended_keep;
        let seq = self.seq;
        self.ended.retain(|e| seq - e.ended_seq < keep);
    }

    fn end(&mut self, key: ProcKey, history: ProcHistory) {
        self.ended.push(Ended {
            key,
            ended_seq: self.seq,
            last_seen_at: self.last_taken_at,
            history,
        });
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

    /// Frees an ended process's history before its time (the user dismissed it).
    pub fn forget_ended(&mut self, key: ProcKey) {
        self.ended.retain(|e| e.key != key);
    }

    /// Live processes whose history has a ring (changed at least once).
    pub fn allocated(&self) -> usize {
        self.live.iter().filter(|(_, h)| h.allocated()).count()
    }

    pub fn live_len(&self) -> usize {
        self.live.len()
    }
}

/// The WHY word of the newest point, with the refreshes it has lasted.
pub fn why_since(h: &ProcHistory) -> (WhyTag, u32) {
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
