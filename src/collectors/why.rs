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

use crate::model::sorted_map::SortedMap;
use crate::model::why::profile::{Profile, WINDOW_SECS, WhyHistory};
use crate::model::why::settle::settle_tag;
use crate::model::why::usage::CpuUsage;
use crate::model::why::{
    ChildRef, EarlierCall, Evidence, ProcessWhy, SyscallState, WaitReason, WhyTag,
    classify_process_with, classify_tag, thread_input, thread_wait,
};
use crate::model::{Pid, ProcKey, ProcSample, ProcState};
use crate::platform::{Listing, Platform};

/// A syscall seen: its number and the low 16 bits of the PC it was made at
/// (enough to tell the same call site again; `NO_CALL`: none seen).
type Call = (u16, u16);
const NO_CALL: Call = (u16::MAX, 0);

/// A process whose threads may hold its reason (`Kept::flags & THREADS` or
/// `LOCKED_THREADS`) is re-judged at least once in this many passes.
const THREADS_RECHECK_EVERY: u32 = 5;

/// A `lock` held this many passes in a row with no CPU used, every thread
/// waiting on a futex, is marked (`WhyTag::stuck`).
pub(crate) const STUCK_AFTER: u8 = 5;

/// `Kept::flags`: in the foreground of its terminal when judged.
const FG: u8 = 1;
/// `Kept::flags`: multi-threaded on a terminal, its main thread waiting on
/// something other than input: another thread reading the terminal would make
/// it `input` (in the foreground).
const THREADS: u8 = 2;
/// `Kept::flags`: multi-threaded, its main thread on a futex: another thread's
/// wait may be the process's reason (`thread_wait`).
const LOCKED_THREADS: u8 = 4;
/// `Kept::flags`: every thread waits on a futex (or the only one does).
const ALL_LOCKED: u8 = 8;
/// `Kept::flags`: whytop's own probe had it stopped at the last pass: judged
/// again each pass until the probe lets go.
const PROBED: u8 = 16;

/// What is kept per process between passes (52 bytes: 5,000 processes keep
/// about a quarter of a MiB of it).
#[derive(Clone, Copy, Debug)]
struct Kept {
    tag: WhyTag,
    /// The tag the same evidence gives with its terminal's foreground flipped
    /// (None: no terminal, or the foreground does not matter to it).
    flipped: Option<WhyTag>,
    /// `FG`, `THREADS`, `LOCKED_THREADS`, `ALL_LOCKED`, `PROBED`.
    flags: u8,
    /// Passes in a row shown `lock` with no CPU used (saturating).
    quiet: u8,
    /// The last syscall it was seen in (number, low 16 bits of the PC), for a
    /// later `restart_syscall` to be told which call it resumed.
    call: Call,
    /// The pass that last saw it.
    pass: u32,
    /// The reason last shown (settled), and since when (seconds of the
    /// monotonic clock).
    shown: WaitReason,
    since: u32,
    /// Its last interval: CPU used and waiting for a CPU, in thousandths of
    /// the interval (the detail pane's figures).
    cpu_milli: u16,
    wait_milli: u16,
    profile: Profile,
}

#[derive(Default)]
pub struct WhyTracker {
    /// Each process's kept judgement (updated in place: a second map per pass
    /// would double this table's memory at every refresh).
    kept: SortedMap<ProcKey, Kept>,
    pass: u32,
    /// Monotonic ns of the last pass, and the interval before it.
    last_ns: u64,
    interval_ns: u64,
}

/// One pass's verdicts: a tag per sample, and the samples whose state letter
/// must change to agree with them (the evidence, read after the listing, saw
/// a newer state; or whytop's own probe stopped it for a moment).
#[derive(Debug, Default)]
pub struct Tags {
    pub tags: Vec<WhyTag>,
    pub states: Vec<(usize, ProcState)>,
}

/// What the tracker remembers of one process, for the detail pane.
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    pub tag: WhyTag,
    pub usage: Option<CpuUsage>,
    pub why: WhyHistory,
}

/// Children by parent pid over one listing, built once a pass.
pub(crate) struct ChildIndex<'a> {
    procs: &'a [ProcSample],
    /// (parent, index): 8 bytes a process, built every pass.
    by_parent: Vec<(Pid, u32)>,
}

impl<'a> ChildIndex<'a> {
    pub fn new(procs: &'a [ProcSample]) -> Self {
        let mut by_parent: Vec<(Pid, u32)> = procs
            .iter()
            .enumerate()
            .filter(|(_, p)| p.tgid.is_none())
            .map(|(i, p)| (p.ppid, i as u32))
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
                let c = &self.procs[i as usize];
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
    weak: true,
    ..WhyTag::of(WaitReason::Unknown)
};

/// The sample of process `pid` in a listing sorted by pid (thread rows skipped).
pub fn find(procs: &[ProcSample], pid: Pid) -> Option<&ProcSample> {
    let i = procs.partition_point(|s| s.pid < pid);
    procs[i..]
        .iter()
        .take_while(|s| s.pid == pid)
        .find(|s| s.tgid.is_none())
}

/// Whether `tracer` is a tool whytop started (its child, or a child of that):
/// a capture or runtime probe, whose ptrace stop is not the process's story.
pub(crate) fn traced_by_us(procs: &[ProcSample], tracer: Pid) -> bool {
    let me = std::process::id() as Pid;
    let Some(t) = find(procs, tracer) else {
        return false;
    };
    t.ppid == me || find(procs, t.ppid).is_some_and(|p| p.ppid == me)
}

impl WhyTracker {
    /// Tags parallel to `listing.procs`. `prev`: the previous pass's listing,
    /// which the CPU used and the time waiting for a CPU are measured against;
    /// `now_ns`: the monotonic clock at this listing.
    pub fn update(
        &mut self,
        platform: &mut dyn Platform,
        listing: &Listing,
        prev: &[ProcSample],
        now_ns: u64,
    ) -> Tags {
        let procs = &listing.procs[..];
        let index = ChildIndex::new(procs);
        // Grown once to its size: growing by doubling holds both tables at once.
        self.kept
            .reserve(procs.len().saturating_sub(self.kept.len()));
        self.pass = self.pass.wrapping_add(1);
        self.interval_ns = if self.last_ns == 0 {
            0
        } else {
            now_ns.saturating_sub(self.last_ns)
        };
        self.last_ns = now_ns;
        let now_s = (now_ns / 1_000_000_000) as u32;
        let interval_ns = self.interval_ns;
        let pass = self.pass;
        let mut fresh = listing.fresh.iter().peekable();
        let mut states = Vec::new();
        let mut tags = Vec::with_capacity(procs.len());
        for (i, p) in procs.iter().enumerate() {
            let is_fresh = fresh.next_if_eq(&&i).is_some();
            let before = if interval_ns > 0 {
                find(prev, p.pid)
            } else {
                None
            };
            let usage = before.and_then(|b| CpuUsage::between(b, p, interval_ns));
            if p.tgid.is_some() {
                // Thread rows are not kept: they are shown (and read) only on request.
                let (tag, state) = match platform.wait_evidence(p, index.children(p.pid), false) {
                    Ok(e) => (classify_tag(&e), e.state.unwrap_or(p.state)),
                    Err(_) => (GONE, p.state),
                };
                if state != p.state {
                    states.push((i, state));
                }
                tags.push(settle_tag(tag, state, usage.as_ref()));
                continue;
            }
            let key = p.key();
            let (tag, state) = match self.kept.get_mut(&key) {
                Some(k) if !is_fresh && !due(k, p, pass) => {
                    let t = match k.flipped {
                        Some(t) if p.in_foreground() != (k.flags & FG != 0) => t,
                        _ => k.tag,
                    };
                    (t, p.state)
                }
                _ => self.judge_now(platform, p, &index, usage.as_ref(), before, pass),
            };
            if state != p.state {
                states.push((i, state));
            }
            let shown = settle_tag(tag, state, usage.as_ref());
            tags.push(match self.kept.get_mut(&key) {
                Some(k) => k.pass_with(shown, usage.as_ref(), now_s, pass),
                None => shown,
            });
        }
        self.kept.retain(|_, k| k.pass == pass);
        self.kept.settle();
        self.kept.shrink_if_sparse();
        Tags { tags, states }
    }

    /// Reads `p`'s evidence and judges it; the tag and the state it was read in.
    fn judge_now(
        &mut self,
        platform: &mut dyn Platform,
        p: &ProcSample,
        index: &ChildIndex,
        usage: Option<&CpuUsage>,
        before: Option<&ProcSample>,
        pass: u32,
    ) -> (WhyTag, ProcState) {
        let key = p.key();
        let earlier = self.kept.get(&key).map_or(NO_CALL, |k| k.call);
        let mut e = match platform.wait_evidence(p, index.children(p.pid), false) {
            Ok(e) => e,
            Err(_) => {
                self.kept.remove(&key);
                return (GONE, p.state);
            }
        };
        let state = e.state.unwrap_or(p.state);
        // whytop's own probe (py-spy, gdb) stops it for a moment: the row keeps
        // what it was doing before, marked, with the letter it had.
        if state == ProcState::Traced
            && let Some(t) = e.tracer
            && traced_by_us(index.procs, t)
            && let Some(k) = self.kept.get_mut(&key)
        {
            k.pass = pass;
            k.flags |= PROBED;
            let letter = before.map_or(ProcState::Sleeping, |b| b.state);
            let letter = if letter == ProcState::Traced {
                ProcState::Sleeping
            } else {
                letter
            };
            return (
                WhyTag {
                    probed: true,
                    ..k.tag
                },
                letter,
            );
        }
        let call = remember_call(&mut e, earlier);
        let mut k = judge(platform, key, &mut e, call, pass, usage);
        if let Some(old) = self.kept.get(&key) {
            k.keep_history(old);
        }
        self.kept.insert(key, k);
        (k.tag, state)
    }

    /// Gives `e` (a fresh read of `key`) what this tracker remembers: the call
    /// it was in before a `restart_syscall`.
    pub(crate) fn annotate(&self, key: ProcKey, e: &mut Evidence) {
        let earlier = self.kept.get(&key).map_or(NO_CALL, |k| k.call);
        remember_call(e, earlier);
    }

    /// What was kept of `key`: the tag shown, for how long, the last interval's
    /// use and the wait profile.
    pub(crate) fn history(&self, key: ProcKey) -> Option<History> {
        let k = self.kept.get(&key)?;
        let now_s = self.last_ns / 1_000_000_000;
        let usage = (self.interval_ns > 0).then(|| CpuUsage {
            interval_ns: self.interval_ns,
            cpu_ns: u64::from(k.cpu_milli) * self.interval_ns / 1000,
            cpu_wait_ns: u64::from(k.wait_milli) * self.interval_ns / 1000,
        });
        let seen = f64::from(k.profile.total().min(WINDOW_SECS));
        Some(History {
            tag: k.tag,
            usage,
            why: WhyHistory {
                reason: k.shown,
                for_secs: now_s.saturating_sub(u64::from(k.since)),
                profile: k.profile.report(seen, true),
            },
        })
    }
}

impl Kept {
    /// Carries the time-keeping over from the entry it replaces.
    fn keep_history(&mut self, old: &Kept) {
        self.shown = old.shown;
        self.since = old.since;
        self.quiet = old.quiet;
        self.profile = old.profile;
    }

    /// Records this pass's settled tag `shown`; returns it, marked `stuck`
    /// when a lock has lasted with no CPU used.
    fn pass_with(
        &mut self,
        mut shown: WhyTag,
        usage: Option<&CpuUsage>,
        now_s: u32,
        pass: u32,
    ) -> WhyTag {
        self.pass = pass;
        if shown.reason != self.shown || self.since == 0 {
            self.shown = shown.reason;
            self.since = now_s;
        }
        let idle = usage.is_some_and(|u| u.cpu_ns == 0);
        self.quiet = if shown.reason == WaitReason::Lock && idle {
            self.quiet.saturating_add(1)
        } else {
            0
        };
        shown.stuck = self.flags & ALL_LOCKED != 0 && self.quiet >= STUCK_AFTER;
        if let Some(u) = usage {
            self.cpu_milli = milli(u.cpu_share());
            self.wait_milli = milli(u.wait_share());
            self.profile.add(u, shown.reason, true);
        }
        shown
    }
}

fn milli(share: f64) -> u16 {
    (share * 1000.0).round().clamp(0.0, f64::from(u16::MAX)) as u16
}

/// Whether a kept process must be judged again though the reader did not mark
/// it fresh: one whose threads may hold its reason, at its turn in the
/// rotation (or, for a terminal's, when it comes to the foreground).
fn due(k: &Kept, p: &ProcSample, pass: u32) -> bool {
    if k.flags & PROBED != 0 {
        return true;
    }
    let its_turn = (p.pid as u32) % THREADS_RECHECK_EVERY == pass % THREADS_RECHECK_EVERY;
    if k.flags & LOCKED_THREADS != 0 && its_turn {
        return true;
    }
    if k.flags & THREADS == 0 {
        return false;
    }
    let came_forward = k.flags & FG == 0;
    p.in_foreground() && (came_forward || its_turn)
}

/// The judgement kept for `e`, with the flipped-foreground tag for a process on
/// a terminal; the other threads are read only when they may decide (see the
/// module's note on cost): never for a busy process, which is `running`.
fn judge(
    platform: &mut dyn Platform,
    key: ProcKey,
    e: &mut Evidence,
    call: Call,
    pass: u32,
    usage: Option<&CpuUsage>,
) -> Kept {
    let main = classify_tag(e);
    let mut tag = main;
    let busy = usage.is_some_and(CpuUsage::busy);
    let for_input = thread_input::worth_a_look(e, main.reason);
    let for_lock = !busy && thread_wait::worth_a_look(e, main.reason);
    let mut all_locked = main.reason == WaitReason::Lock && e.threads.is_none_or(|n| n <= 1);
    if for_input || for_lock {
        let threads: Vec<(Option<Pid>, WhyTag)> = platform
            .thread_evidence(key, false)
            .iter()
            .filter(|t| t.tid != Some(e.pid))
            .map(|t| (t.tid, classify_tag(t)))
            .collect();
        let only: Vec<WhyTag> = threads.iter().map(|(_, t)| *t).collect();
        if let Some(t) = thread_input::combine_tag(e, main, &only) {
            tag = t;
        } else if for_lock {
            let (t, all) = thread_wait::combine_tag(e, main, &threads);
            if let Some(t) = t {
                tag = t;
            }
            all_locked = all;
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
    let locked_threads = thread_wait::worth_a_look(e, main.reason);
    let mut flags = 0;
    for (on, bit) in [
        (fg == Some(true), FG),
        (watch, THREADS),
        (locked_threads, LOCKED_THREADS),
        (all_locked, ALL_LOCKED),
    ] {
        if on {
            flags |= bit;
        }
    }
    Kept {
        tag,
        flipped,
        flags,
        quiet: 0,
        call,
        pass,
        shown: tag.reason,
        since: 0,
        cpu_milli: 0,
        wait_milli: 0,
        profile: Profile::default(),
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
/// `whytop why`; `tracker`, when there is one, adds what earlier passes saw;
/// `usage`: how it spent the last interval, when measured.
pub fn process_why(
    platform: &mut dyn Platform,
    sample: &ProcSample,
    procs: &[ProcSample],
    tracker: Option<&WhyTracker>,
    usage: Option<&CpuUsage>,
) -> Option<ProcessWhy> {
    let children = ChildIndex::new(procs).children(sample.pid);
    let mut main = platform.wait_evidence(sample, children, true).ok()?;
    if let Some(t) = tracker {
        t.annotate(sample.key(), &mut main);
    }
    let threads = platform.thread_evidence(sample.key(), true);
    let mut w = classify_process_with(&main, &threads, usage);
    if main.state == Some(ProcState::Traced)
        && let Some(t) = main.tracer
        && traced_by_us(procs, t)
        && let Some(h) = tracker.and_then(|tr| tr.history(sample.key()))
    {
        // whytop's own probe is attached for a moment: what it was doing before.
        let tool = main.tracer_comm.clone().unwrap_or_else(|| "a tool".into());
        w.main.reason = h.tag.reason;
        w.main.weak = h.tag.weak;
        w.main.ready_for_input = false;
        w.main.detail = format!(
            "{} before whytop's own probe ({t} {tool}) attached for a moment",
            h.tag.reason
        );
        w.main
            .decided_by
            .push(format!("probed by whytop: tracer {t} ({tool})"));
    }
    Some(w)
}

#[cfg(test)]
mod tests {
    #[test]
    fn kept_state_stays_small() {
        // Kept for every process between passes: 5,000 of them must stay cheap.
        assert!(
            std::mem::size_of::<super::Kept>() <= 52,
            "{}",
            std::mem::size_of::<super::Kept>()
        );
    }
}
