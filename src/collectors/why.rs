//! Keeps every process's wait reason current at the cost of only the processes
//! that changed: evidence is re-read for samples the platform read afresh (new,
//! or they ran); the rest keep last pass's tag. A process on a terminal whose
//! foreground group changed while it sat idle is re-judged from what was kept:
//! the tag its evidence gave with the foreground the other way round.
//!
//! A thread other than the main one may be the one reading the terminal
//! (`model::why::thread_input`). Reading every thread's evidence is paid only by
//! a foreground, multi-threaded process on a terminal whose main thread waits
//! on something other than input, and only when it is judged: when the reader
//! marks it fresh (its main thread ran; or, for these processes, the process's
//! CPU time or thread count changed, which other threads' work shows), when it
//! comes to the foreground, and, since a thread's wake-up to start reading may
//! take less than the clock tick CPU time is counted in, once every
//! `THREADS_RECHECK_EVERY` passes while it stays so (one terminal has one
//! foreground job, so these are a handful of processes on any machine).

use crate::model::why::{
    ChildRef, EarlierCall, Evidence, ProcessWhy, SyscallState, WaitReason, WhyTag,
    classify_process, classify_tag, thread_input,
};
use crate::model::{Pid, ProcKey, ProcSample};
use crate::platform::{Listing, Platform};
use std::collections::HashMap;

/// A syscall seen: its number and the low 16 bits of the PC it was made at
/// (enough to tell the same call site again; `NO_CALL`: none seen).
type Call = (u16, u16);
const NO_CALL: Call = (u16::MAX, 0);

/// A foreground process whose threads may hold its reason
/// (`Kept::flags & THREADS`) is re-judged at least once in this many passes.
const THREADS_RECHECK_EVERY: u32 = 5;

/// `Kept::flags`: in the foreground of its terminal when judged.
const FG: u8 = 1;
/// `Kept::flags`: multi-threaded on a terminal, its main thread waiting on
/// something other than input: another thread reading the terminal would make
/// it `input` (in the foreground).
const THREADS: u8 = 2;

/// What is kept per process between passes (16 bytes).
#[derive(Clone, Copy, Debug)]
struct Kept {
    tag: WhyTag,
    /// The tag the same evidence gives with its terminal's foreground flipped
    /// (None: no terminal, or the foreground does not matter to it).
    flipped: Option<WhyTag>,
    /// `FG` and `THREADS`.
    flags: u8,
    /// The last syscall it was seen in (number, low 16 bits of the PC), for a
    /// later `restart_syscall` to be told which call it resumed.
    call: Call,
    /// The pass that last saw it.
    pass: u32,
}

#[derive(Default)]
pub struct WhyTracker {
    /// Each process's kept judgement (updated in place: a second map per pass
    /// would double this table's memory at every refresh).
    kept: HashMap<ProcKey, Kept>,
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
                if p.tgid.is_some() {
                    // Thread rows are not kept: they are shown (and read) only on request.
                    return platform
                        .wait_evidence(p, index.children(p.pid), false)
                        .map(|e| classify_tag(&e))
                        .unwrap_or(GONE);
                }
                let key = p.key();
                if !is_fresh
                    && let Some(k) = self.kept.get_mut(&key)
                    && !threads_due(k, p, pass)
                {
                    k.pass = pass;
                    return match k.flipped {
                        Some(t) if p.in_foreground() != (k.flags & FG != 0) => t,
                        _ => k.tag,
                    };
                }
                let earlier = self.kept.get(&key).map_or(NO_CALL, |k| k.call);
                match platform.wait_evidence(p, index.children(p.pid), false) {
                    Ok(mut e) => {
                        let call = remember_call(&mut e, earlier);
                        let k = judge(platform, key, &mut e, call, pass);
                        self.kept.insert(key, k);
                        k.tag
                    }
                    Err(_) => {
                        self.kept.remove(&key);
                        GONE
                    }
                }
            })
            .collect();
        self.kept.retain(|_, k| k.pass == pass);
        tags
    }

    /// Gives `e` (a fresh read of `key`) what this tracker remembers: the call
    /// it was in before a `restart_syscall`.
    pub fn annotate(&self, key: ProcKey, e: &mut Evidence) {
        let earlier = self.kept.get(&key).map_or(NO_CALL, |k| k.call);
        remember_call(e, earlier);
    }
}

/// In the foreground of its terminal (the classifier's `Evidence::foreground`, from a sample).
/// Whether a kept process must be judged again though the reader did not mark
/// it fresh: one whose threads may hold its reason, come to the foreground, or
/// in the foreground at its turn in the rotation.
fn threads_due(k: &Kept, p: &ProcSample, pass: u32) -> bool {
    if k.flags & THREADS == 0 {
        return false;
    }
    let came_forward = k.flags & FG == 0;
    let its_turn = (p.pid as u32) % THREADS_RECHECK_EVERY == pass % THREADS_RECHECK_EVERY;
    p.in_foreground() && (came_forward || its_turn)
}

/// The judgement kept for `e`, with the flipped-foreground tag for a process on
/// a terminal; the other threads are read only when they may decide (see the
/// module's note on cost).
fn judge(
    platform: &mut dyn Platform,
    key: ProcKey,
    e: &mut Evidence,
    call: Call,
    pass: u32,
) -> Kept {
    let main = classify_tag(e);
    let mut tag = main;
    if thread_input::worth_a_look(e, main.reason) {
        let threads: Vec<WhyTag> = platform
            .thread_evidence(key, false)
            .iter()
            .filter(|t| t.tid != Some(e.pid))
            .map(classify_tag)
            .collect();
        if let Some(t) = thread_input::combine_tag(e, main, &threads) {
            tag = t;
        }
    }
    let fg = e.foreground();
    // The same evidence with the foreground the other way round: flipped in
    // place and back (a clone would copy its fds and children every judgement).
    let flipped = fg.and_then(|fg| {
        let own = e.tpgid;
        e.tpgid = if fg { Some(0) } else { e.pgrp };
        let t = classify_tag(e);
        e.tpgid = own;
        (t != tag).then_some(t)
    });
    let watch =
        e.tty.is_some() && e.threads.is_some_and(|n| n > 1) && thread_input::may_defer(main.reason);
    Kept {
        tag,
        flipped,
        flags: if fg == Some(true) { FG } else { 0 } | if watch { THREADS } else { 0 },
        call,
        pass,
    }
}

/// The call to remember for `e`: its own, or for a `restart_syscall` the one
/// remembered before (which `e` is then told about).
fn remember_call(e: &mut Evidence, earlier: Call) -> Call {
    let Some(SyscallState::In(sc)) = &e.syscall else {
        return earlier;
    };
    if sc.name() != "restart_syscall" {
        return match u16::try_from(sc.nr) {
            Ok(nr) if nr != NO_CALL.0 => (nr, sc.pc as u16),
            _ => earlier,
        };
    }
    let pc = sc.pc as u16;
    if earlier != NO_CALL
        && let Some(r) = e.resumed.as_mut()
    {
        r.earlier = Some(EarlierCall {
            nr: i64::from(earlier.0),
            same_pc: earlier.1 == pc,
        });
    }
    earlier
}

/// The full verdict on one process and its threads, for the detail pane and
/// `whytop why`; `tracker`, when there is one, adds what earlier passes saw.
pub fn process_why(
    platform: &mut dyn Platform,
    sample: &ProcSample,
    procs: &[ProcSample],
    tracker: Option<&WhyTracker>,
) -> Option<ProcessWhy> {
    let children = ChildIndex::new(procs).children(sample.pid);
    let mut main = platform.wait_evidence(sample, children, true).ok()?;
    if let Some(t) = tracker {
        t.annotate(sample.key(), &mut main);
    }
    let threads = platform.thread_evidence(sample.key(), true);
    Some(classify_process(&main, &threads))
}

#[cfg(test)]
mod tests {
    #[test]
    fn kept_state_stays_small() {
        // Kept for every process between passes: 5,000 of them must stay cheap.
        assert!(
            std::mem::size_of::<super::Kept>() <= 16,
            "{}",
            std::mem::size_of::<super::Kept>()
        );
    }
}
