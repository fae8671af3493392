//! Reads every process under a proc root, cheaply.
//!
//! Per process it holds `stat` and `schedstat` open and each pass `pread`s the
//! small `schedstat` of its main thread. A process whose main thread did not
//! run keeps its last sample and its wait reason (which is the main thread's).
//! `stat` is re-read for processes whose main thread ran, new ones, and, each
//! bounded:
//! - multi-threaded processes, every pass (one `pread`: `stat`'s CPU time and
//!   thread count are the whole process's, so other threads' work shows), but
//!   their wait evidence only when the main thread ran, or, for the foreground
//!   job of a terminal, when that CPU time or thread count changed (another
//!   thread may have started reading the terminal);
//! - one process per terminal whose processes all sat idle, for the terminal's
//!   foreground group (`tpgid`: it changes without them running), which is then
//!   given to every idle process on that terminal;
//! - the children of processes that exited this pass (they were reparented),
//!   a pid now owned by a new process counting as exited;
//! - a rotating slice, one in `RECHECK_EVERY` a pass, so what changes from
//!   outside (a renice, anything else missed) shows within that many passes.
//!
//! Whenever `stat` is read for a process that ran, `statm` is too (opened,
//! read, closed: not held; an idle one's rotating recheck keeps its last),
//! for the exact resident size.
//!
//! The pids come from the proc root's directory only when one may be new (see
//! `pid_churn`); a quiet pass lists the processes it holds.
//!
//! Only samples whose wait evidence may have changed are reported fresh.

use super::io_file::{parse_io, parse_oom_score};
use super::pid_churn::{FULL_LIST_EVERY, PidChurn};
use super::reader_io::{ReadAtToEnd, cmdline_into, raise_fd_limit, read_into, sysconf};
use super::run_watch::sched_read;
use super::stat::{PF_KTHREAD, Stat, parse_stat};
use super::statm::parse_resident_shared;
use super::tty::tty_name;
use super::users::UserNames;
use crate::model::sorted_map::SortedMap;
use crate::model::{Pid, ProcInfo, ProcSample, ProcState};
use crate::platform::Listing;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Every idle process has its `stat` re-read at least once in this many passes
/// (a tenth of them a pass). What it catches changes from outside without the
/// process running: a renice by another tool, memory reclaimed. whytop's own
/// actions re-read their target at once (`invalidate`). At 5,000 processes a
/// fifth a pass was a fifth of whytop's refresh.
pub const RECHECK_EVERY: u32 = 10;

/// `Entry::sched` of a process whose `schedstat` could not be read.
const UNREAD: u64 = u64::MAX;

/// Kept per process between passes: 40 bytes (44 with its pid in the sorted
/// table: 5,000 of them are 0.2 MiB, so each field earns its place).
struct Entry {
    stat_fd: Option<File>,
    sched_fd: Option<File>,
    /// Main thread's `schedstat` fingerprint at the last pass (`UNREAD`:
    /// unreadable or invalidated, so re-read).
    sched: u64,
    start_time: u64,
    /// Digest of the exec signature of `stat` (0: hidden), to notice an exec
    /// that keeps the name.
    exec: u32,
    /// Where this process's sample sits in `ProcReader::last`.
    idx: u32,
    /// The pass that last saw it; older entries are dropped.
    seen: u32,
    /// The pass that last read its `stat`.
    read: u32,
}

impl Entry {
    fn held(&self) -> usize {
        usize::from(self.stat_fd.is_some()) + usize::from(self.sched_fd.is_some())
    }
}

/// What a pass did with one process.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Got {
    /// It did not run: last pass's sample.
    Kept,
    /// `stat` re-read though its main thread did not run; nothing its wait
    /// reason depends on changed.
    Rechecked,
    /// New, it ran, or something its wait reason depends on changed.
    Fresh,
}

/// Fds held open by every reader in this process, against one budget.
static HELD_FDS: AtomicUsize = AtomicUsize::new(0);

pub struct ProcReader {
    root: PathBuf,
    entries: SortedMap<Pid, Entry>,
    /// The last pass's output, shared with the snapshot that published it:
    /// unchanged processes are cloned from here instead of being cached twice.
    last: Arc<Vec<ProcSample>>,
    pass: u32,
    users: UserNames,
    clk_tck: u64,
    page_size: u64,
    boot_time: u64,
    /// How many fds we may hold open (half the soft limit, raised to the hard one).
    fd_budget: usize,
    held: usize,
    buf: Vec<u8>,
    /// Pids whose process was found gone while listing this pass (most often a
    /// pid reused by a new process): gone like the unseen, for `reread_orphans`.
    replaced: Vec<Pid>,
    churn: PidChurn,
    /// Read `io` and `oom_score` too (a column shows them).
    io: bool,
    oom: bool,
    /// What is read changed: re-read every process this pass, so none shows
    /// an empty cell until it runs.
    reread_all: bool,
}

impl Drop for ProcReader {
    fn drop(&mut self) {
        // Its entries close their fds as they drop.
        HELD_FDS.fetch_sub(self.held, Ordering::Relaxed);
    }
}

impl ProcReader {
    pub fn new(root: impl Into<PathBuf>, passwd: &str) -> Self {
        let root = root.into();
        let boot_time = std::fs::read_to_string(root.join("stat"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("btime ").and_then(|v| v.trim().parse().ok()))
            })
            .unwrap_or(0);
        Self {
            churn: PidChurn::new(&root),
            root,
            entries: SortedMap::default(),
            last: Arc::new(Vec::new()),
            pass: 0,
            users: UserNames::load(passwd),
            clk_tck: sysconf(libc::_SC_CLK_TCK, 100),
            page_size: sysconf(libc::_SC_PAGESIZE, 4096),
            boot_time,
            fd_budget: raise_fd_limit() / 2,
            held: 0,
            buf: Vec::with_capacity(1024),
            replaced: Vec::new(),
            io: false,
            oom: false,
            reread_all: false,
        }
    }

    /// Whether to read the storage I/O counters and the OOM score of every
    /// process (only while a column shows them: they cost a file each).
    pub(crate) fn set_extras(&mut self, io: bool, oom: bool) {
        if (io, oom) != (self.io, self.oom) {
            self.reread_all = true;
        }
        (self.io, self.oom) = (io, oom);
    }

    pub fn boot_time(&self) -> u64 {
        self.boot_time
    }

    pub(crate) fn clk_tck(&self) -> u64 {
        self.clk_tck
    }

    /// Every process now (and their threads when asked), sorted by pid, with the
    /// indices of the samples whose wait evidence needs reading again.
    pub fn list(&mut self, threads: bool) -> std::io::Result<(Arc<Vec<ProcSample>>, Vec<usize>)> {
        let mut pids = self.pids()?;
        pids.sort_unstable();
        // Grown once to its size, not by doubling.
        self.entries
            .reserve(pids.len().saturating_sub(self.entries.len()));
        self.pass = self.pass.wrapping_add(1);
        let last = Arc::clone(&self.last);
        // Exactly one row a process (they only vanish); threads add rows.
        let rows = if threads {
            pids.len() + pids.len() / 16
        } else {
            pids.len()
        };
        let mut out = Vec::with_capacity(rows);
        let mut fresh = Vec::new();
        // Foreground group of each terminal, from a `stat` read this pass.
        let mut foreground: HashMap<u32, Pid> = HashMap::new();
        let mut idle_on_tty = Vec::new();
        for pid in pids {
            let Some((mut s, got)) = self.refresh(pid, &last) else {
                continue;
            };
            if got == Got::Fresh
                && let Some(neighbour) = out.last()
            {
                share_names(&mut s, neighbour);
            }
            if let Some(e) = self.entries.get_mut(&pid) {
                e.idx = out.len() as u32;
                e.seen = self.pass;
            }
            let tasks = if threads && s.threads > 1 {
                self.read_threads(&s)
            } else {
                Vec::new()
            };
            if got == Got::Fresh {
                fresh.push(out.len());
            }
            if s.tty_nr != 0 {
                if got == Got::Kept {
                    idle_on_tty.push(out.len());
                } else {
                    foreground.insert(s.tty_nr, s.tpgid);
                }
            }
            out.push(s);
            // Thread rows are read anew each pass.
            fresh.extend(out.len()..out.len() + tasks.len());
            out.extend(tasks);
        }
        drop(last);
        self.reread_all = false;
        self.give_foregrounds(&mut out, &mut fresh, foreground, idle_on_tty);
        let mut gone = self.drop_unseen();
        gone.append(&mut self.replaced);
        self.reread_orphans(&mut out, &mut fresh, &gone);
        fresh.sort_unstable();
        fresh.dedup();
        if threads {
            let fresh_pids: HashSet<Pid> = fresh.iter().map(|&i| out[i].pid).collect();
            out.sort_by_key(|s| s.pid);
            fresh.clear();
            for (i, s) in out.iter().enumerate() {
                if fresh_pids.contains(&s.pid) {
                    fresh.push(i);
                }
                if s.tgid.is_none()
                    && let Some(e) = self.entries.get_mut(&s.pid)
                {
                    e.idx = i as u32;
                }
            }
        }
        self.last = Arc::new(out);
        Ok((Arc::clone(&self.last), fresh))
    }

    /// The pids to read this pass: the directory's, or, when no pid was handed
    /// out since the last pass, the ones already held (see `pid_churn`).
    fn pids(&mut self) -> std::io::Result<Vec<Pid>> {
        let quiet = self.churn.quiet();
        if quiet && !self.pass.is_multiple_of(FULL_LIST_EVERY) && !self.last.is_empty() {
            // The processes of the last pass are the ones held.
            let held = self.last.iter().filter(|s| s.tgid.is_none());
            return Ok(held.map(|s| s.pid).collect());
        }
        Ok(std::fs::read_dir(&self.root)?
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .collect())
    }

    /// The state letters of the listing this reader just returned, set in place:
    /// the reader's own reference is let go for the change and taken back
    /// after, so the rows are not copied. The next pass starts from the amended
    /// rows (the newer state) for processes that did not run.
    pub(crate) fn amend_states(&mut self, listing: &mut Listing, states: &[(usize, ProcState)]) {
        let mine = Arc::ptr_eq(&self.last, &listing.procs);
        if mine {
            self.last = Arc::default();
        }
        crate::platform::apply_states(listing, states);
        if mine {
            self.last = Arc::clone(&listing.procs);
        }
    }

    /// Makes the next pass re-read `pid` whether or not it ran.
    pub(crate) fn invalidate(&mut self, pid: Pid) {
        if let Some(e) = self.entries.get_mut(&pid) {
            e.sched = UNREAD;
        }
    }

    /// The current sample of one pid: last pass's when it cannot have changed.
    fn refresh(&mut self, pid: Pid, last: &[ProcSample]) -> Option<(ProcSample, Got)> {
        if let Some(e) = self.entries.get_mut(&pid) {
            let prev = last
                .get(e.idx as usize)
                .filter(|p| p.pid == pid && p.start_time == e.start_time);
            let root = &self.root;
            let read = read_into(
                e.sched_fd.as_ref(),
                || root.join(pid.to_string()).join("schedstat"),
                &mut self.buf,
            )
            .and_then(|_| sched_read(&self.buf));
            let now = read.map(|r| r.fingerprint);
            let ran = now.is_none() || now != Some(e.sched);
            // Other threads may have run: their CPU time and count are in `stat`.
            let threaded = prev.is_some_and(|p| p.threads > 1);
            if let Some(p) = prev
                && !ran
                && !threaded
                && !due(pid, self.pass)
                && !self.reread_all
            {
                let mut s = p.clone();
                if let Some(r) = read {
                    s.run_delay_ns = r.wait;
                }
                return Some((s, Got::Kept));
            }
            let alive = now.is_some() || e.sched == UNREAD;
            e.sched = now.unwrap_or(UNREAD);
            if alive && let Some(p) = prev {
                let mut s = p.clone();
                if let Some(r) = read {
                    s.run_delay_ns = r.wait;
                    s.extra.ctxsw = r.slices as u32;
                }
                if let Some(got) = self.read_stat(pid, &mut s, ran) {
                    return Some((s, got));
                }
            }
            // Gone, or the pid now belongs to another process: start afresh, and
            // have its children (reparented, so their ppid is stale) read again.
            self.forget(pid);
            self.replaced.push(pid);
        }
        self.add(pid).map(|s| (s, Got::Fresh))
    }

    /// Re-reads `stat` of a known process into its sample `s`. `ran`: it ran
    /// this pass (so its wait reason must be judged again anyway).
    fn read_stat(&mut self, pid: Pid, s: &mut ProcSample, ran: bool) -> Option<Got> {
        let e = self.entries.get_mut(&pid)?;
        let root = &self.root;
        read_into(
            e.stat_fd.as_ref(),
            || root.join(pid.to_string()).join("stat"),
            &mut self.buf,
        )?;
        let st = parse_stat(&self.buf).ok()?;
        if st.starttime != e.start_time {
            return None;
        }
        let exec = exec_digest(&st);
        let exec_changed = exec != 0 && e.exec != 0 && exec != e.exec;
        e.exec = exec;
        e.read = self.pass;
        let mut got = if ran
            || why_inputs_changed(s, &st)
            || threads_worked_in_foreground(s, &st, self.clk_tck)
        {
            Got::Fresh
        } else {
            Got::Rechecked
        };
        // A live user process with an empty command line was most likely read
        // in the middle of an exec (new name, arguments not yet set up) or in a
        // transient failure: read it again whenever its stat is (it ran, or its
        // turn in the recheck came), so it cannot stay empty.
        let args_missing =
            s.cmdline.is_empty() && st.flags & PF_KTHREAD == 0 && !matches!(st.state, b'Z' | b'X');
        if st.comm != *s.comm || exec_changed || args_missing {
            // It exec'd: maybe a new name, a new command line, a new user.
            s.comm = Arc::from(st.comm.as_str());
            let dir = self.root.join(pid.to_string());
            s.cmdline = cmdline_into(&dir, &mut self.buf);
            fill_uid(&mut self.users, s, &dir);
            got = Got::Fresh;
        }
        let (rss, cpu) = (s.rss_bytes, s.cpu_ns);
        apply_stat(s, &st, self.clk_tck, self.page_size);
        // The exact size only when it can have changed: it ran (any thread), or
        // it is new to this sample; a recheck of an idle process keeps it.
        if got == Got::Fresh || s.cpu_ns != cpu || rss == 0 {
            self.exact_rss(pid, s);
        } else {
            s.rss_bytes = rss;
        }
        self.read_extras(pid, s);
        Some(got)
    }

    fn forget(&mut self, pid: Pid) {
        if let Some(e) = self.entries.remove(&pid) {
            self.release(e.held());
        }
    }

    /// Gives back `n` held fds, to this reader's count and the process's.
    fn release(&mut self, n: usize) {
        self.held -= n;
        HELD_FDS.fetch_sub(n, Ordering::Relaxed);
    }

    /// Drops the entries of processes not seen this pass; returns their pids.
    fn drop_unseen(&mut self) -> Vec<Pid> {
        let pass = self.pass;
        let mut gone = Vec::new();
        let mut released = 0;
        self.entries.retain(|pid, e| {
            let keep = e.seen == pass;
            if !keep {
                released += e.held();
                gone.push(*pid);
            }
            keep
        });
        self.release(released);
        self.entries.settle();
        self.entries.shrink_if_sparse();
        gone
    }

    /// Gives idle processes on a terminal the terminal's foreground group now:
    /// from a process on it read this pass, or else by reading one of them.
    fn give_foregrounds(
        &mut self,
        out: &mut [ProcSample],
        fresh: &mut Vec<usize>,
        mut foreground: HashMap<u32, Pid>,
        idle_on_tty: Vec<usize>,
    ) {
        for i in idle_on_tty {
            let s = &mut out[i];
            let tty = s.tty_nr;
            let tpgid = match foreground.get(&tty) {
                Some(&t) => t,
                None => {
                    let Some(got) = self.read_stat(s.pid, s, false) else {
                        continue;
                    };
                    if got == Got::Fresh {
                        fresh.push(i);
                    }
                    if s.tty_nr != tty {
                        continue;
                    }
                    foreground.insert(tty, s.tpgid);
                    s.tpgid
                }
            };
            s.tpgid = tpgid;
        }
    }

    /// The children of processes that exited (gone, or zombies now) were
    /// reparented without running: re-read them so the tree is right at once.
    fn reread_orphans(&mut self, out: &mut [ProcSample], fresh: &mut Vec<usize>, gone: &[Pid]) {
        let mut exited: HashSet<Pid> = gone.iter().copied().collect();
        exited.extend(
            fresh
                .iter()
                .map(|&i| &out[i])
                .filter(|s| {
                    s.tgid.is_none() && matches!(s.state, ProcState::Zombie | ProcState::Dead)
                })
                .map(|s| s.pid),
        );
        if exited.is_empty() {
            return;
        }
        for (i, s) in out.iter_mut().enumerate() {
            if s.tgid.is_some() || !exited.contains(&s.ppid) {
                continue;
            }
            if self.entries.get(&s.pid).is_none_or(|e| e.read == self.pass) {
                continue; // read this pass already
            }
            if self.read_stat(s.pid, s, false).is_some() {
                fresh.push(i);
            }
        }
    }

    fn add(&mut self, pid: Pid) -> Option<ProcSample> {
        let dir = self.root.join(pid.to_string());
        let stat_fd = File::open(dir.join("stat")).ok()?;
        self.buf.clear();
        stat_fd.read_at_to_end(&mut self.buf).ok()?;
        let st = parse_stat(&self.buf).ok()?;
        let mut sample = new_sample(&st, self.clk_tck, self.page_size, self.boot_time);
        self.exact_rss(pid, &mut sample);
        sample.cmdline = if st.flags & PF_KTHREAD != 0 {
            Arc::from("")
        } else {
            cmdline_into(&dir, &mut self.buf)
        };
        fill_uid(&mut self.users, &mut sample, &dir);
        let sched_fd = File::open(dir.join("schedstat")).ok();
        let read = read_into(sched_fd.as_ref(), || dir.join("schedstat"), &mut self.buf)
            .and_then(|_| sched_read(&self.buf));
        let sched = read.map(|r| r.fingerprint);
        sample.run_delay_ns = read.map_or(0, |r| r.wait);
        sample.extra.ctxsw = read.map_or(0, |r| r.slices as u32);
        self.read_extras(pid, &mut sample);
        // The budget is the process's: two readers at once (whytop's tests, a
        // bundle beside the TUI) must not run it out of fds between them.
        let hold = HELD_FDS.load(Ordering::Relaxed) + 2 <= self.fd_budget;
        let (stat_fd, sched_fd) = if hold {
            (Some(stat_fd), sched_fd)
        } else {
            (None, None)
        };
        let n = usize::from(stat_fd.is_some()) + usize::from(sched_fd.is_some());
        self.held += n;
        HELD_FDS.fetch_add(n, Ordering::Relaxed);
        let entry = Entry {
            stat_fd,
            sched_fd,
            sched: sched.unwrap_or(UNREAD),
            start_time: st.starttime,
            exec: exec_digest(&st),
            idx: u32::MAX,
            seen: self.pass,
            read: self.pass,
        };
        self.entries.insert(pid, entry);
        Some(sample)
    }

    /// The exact resident size from `statm`, read with `stat` (opened for the
    /// read, not held: an idle process costs no more, and an entry no fd more).
    /// Unreadable, `stat`'s approximate figure stays.
    fn exact_rss(&mut self, pid: Pid, s: &mut ProcSample) {
        let dir = || self.root.join(pid.to_string()).join("statm");
        if read_into(None, dir, &mut self.buf).is_some()
            && let Some((pages, shared)) = parse_resident_shared(&self.buf)
        {
            s.rss_bytes = pages.saturating_mul(self.page_size);
            let kib = shared.saturating_mul(self.page_size) / 1024;
            s.extra.shared_kib = u32::try_from(kib).unwrap_or(u32::MAX);
        }
    }

    /// The I/O counters and OOM score, each when asked for (opened, read,
    /// closed, as `statm`: whenever `stat` is read). Unreadable: None, and the
    /// detail pane says why.
    fn read_extras(&mut self, pid: Pid, s: &mut ProcSample) {
        if !self.io && !self.oom {
            (s.extra.io, s.extra.oom_score) = (None, None);
            return;
        }
        let dir = self.root.join(pid.to_string());
        s.extra.io = if self.io {
            read_into(None, || dir.join("io"), &mut self.buf)
                .and_then(|_| parse_io(&self.buf))
                .map(Box::new)
        } else {
            None
        };
        s.extra.oom_score = if self.oom {
            read_into(None, || dir.join("oom_score"), &mut self.buf)
                .and_then(|_| parse_oom_score(&self.buf))
        } else {
            None
        };
    }

    /// Thread rows of one process (not cached: only when the user shows threads).
    fn read_threads(&mut self, proc_: &ProcSample) -> Vec<ProcSample> {
        let dir = self.root.join(proc_.pid.to_string()).join("task");
        let Ok(rd) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for tid in rd.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<Pid>().ok()) {
            if tid == proc_.pid {
                continue;
            }
            let Ok(text) = std::fs::read(dir.join(tid.to_string()).join("stat")) else {
                continue;
            };
            let Ok(st) = parse_stat(&text) else { continue };
            let mut t = new_sample(&st, self.clk_tck, self.page_size, self.boot_time);
            t.tgid = Some(proc_.pid);
            t.cmdline = proc_.cmdline.clone();
            t.uid = proc_.uid;
            t.user = proc_.user.clone();
            t.threads = 1;
            // One memory map for all threads: the process's exact figure.
            t.rss_bytes = proc_.rss_bytes;
            t.extra.shared_kib = proc_.extra.shared_kib;
            out.push(t);
        }
        out
    }
}

/// Whether `pid` is in this pass's slice of idle processes to re-read.
/// Points `s`'s name and command line at `neighbour`'s when they are the same
/// text: workers forked together sit at neighbouring pids with one name and
/// one command line, and 5,000 of them then hold one copy of each, not 5,000.
fn share_names(s: &mut ProcSample, neighbour: &ProcSample) {
    if Arc::ptr_eq(&s.info, &neighbour.info) {
        return;
    }
    if s.comm == neighbour.comm && !Arc::ptr_eq(&s.comm, &neighbour.comm) {
        s.comm = Arc::clone(&neighbour.comm);
    }
    if s.cmdline == neighbour.cmdline && !Arc::ptr_eq(&s.cmdline, &neighbour.cmdline) {
        s.cmdline = Arc::clone(&neighbour.cmdline);
    }
}

fn due(pid: Pid, pass: u32) -> bool {
    (pid as u32) % RECHECK_EVERY == pass % RECHECK_EVERY
}

/// 0 when the kernel hides the signature (another user's process).
fn exec_digest(st: &Stat) -> u32 {
    if st.exec_sig.is_known() {
        let d = st.exec_sig.digest();
        ((d ^ (d >> 32)) as u32).max(1)
    } else {
        0
    }
}

/// Whether a `stat` read while the process sat idle changed what its wait
/// reason is judged from (not the terminal's foreground group: the collector
/// re-judges that from its cached verdicts).
fn why_inputs_changed(s: &ProcSample, st: &Stat) -> bool {
    s.state != ProcState::from_letter(st.state)
        || s.ppid != st.ppid
        || s.pgid != st.pgrp
        || s.sid != st.session
        || s.tty_nr != st.tty_nr
        || (s.threads > 1) != (st.num_threads > 1)
}

/// Whether a multi-threaded process in the foreground of its terminal used CPU
/// or started or ended threads since the last pass though its main thread did
/// not run: another thread may have started reading the terminal, which makes
/// its wait reason `input` (the WHY tracker then reads its threads). Only the
/// foreground job of a terminal pays: a busy threaded server is not re-judged
/// for its workers' work.
fn threads_worked_in_foreground(s: &ProcSample, st: &Stat, clk_tck: u64) -> bool {
    st.num_threads > 1
        && st.tty_nr != 0
        && st.tpgid > 0
        && st.tpgid == st.pgrp
        && (st.cpu_ns(clk_tck) != s.cpu_ns || st.num_threads != s.threads)
}

/// The owner of `/proc/PID` is the process's effective user, as htop reads it.
fn fill_uid(users: &mut UserNames, s: &mut ProcSample, dir: &Path) {
    s.uid = std::fs::metadata(dir).ok().map(|m| m.uid());
    s.user = s.uid.map(|u| users.name(u));
}

fn new_sample(st: &Stat, clk_tck: u64, page: u64, boot: u64) -> ProcSample {
    let mut s = ProcSample {
        pid: st.pid,
        ppid: 0,
        pgid: 0,
        sid: 0,
        tty_nr: 0,
        tpgid: -1,
        state: ProcState::Unknown,
        priority: 0,
        nice: 0,
        threads: 0,
        start_time: st.starttime,
        cpu_ns: 0,
        run_delay_ns: 0,
        rss_bytes: 0,
        vsz_bytes: 0,
        tgid: None,
        extra: Default::default(),
        info: Arc::new(ProcInfo {
            tty: None,
            uid: None,
            user: None,
            started_at: boot as f64 + st.starttime as f64 / clk_tck as f64,
            comm: Arc::from(st.comm.as_str()),
            cmdline: Arc::from(""),
            kernel_thread: st.flags & PF_KTHREAD != 0,
        }),
    };
    apply_stat(&mut s, st, clk_tck, page);
    s
}

/// Copies the fields that change while a process lives.
fn apply_stat(s: &mut ProcSample, st: &Stat, clk_tck: u64, page: u64) {
    s.ppid = st.ppid;
    s.pgid = st.pgrp;
    s.sid = st.session;
    if s.tty_nr != st.tty_nr || (st.tty_nr != 0 && s.tty.is_none()) {
        s.tty = tty_name(st.tty_nr).map(Arc::from);
    }
    s.tty_nr = st.tty_nr;
    s.tpgid = st.tpgid;
    s.state = ProcState::from_letter(st.state);
    s.priority = st.priority;
    s.nice = st.nice;
    s.threads = st.num_threads;
    s.cpu_ns = st.cpu_ns(clk_tck);
    // Counters modulo 2^32 (see `ProcExtra`).
    s.extra.minflt = st.minflt as u32;
    s.extra.majflt = st.majflt as u32;
    s.extra.processor = u16::try_from(st.processor).unwrap_or(0);
    s.rss_bytes = st.rss_pages.max(0) as u64 * page;
    s.vsz_bytes = st.vsize;
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_entry_stays_small() {
        assert!(
            std::mem::size_of::<super::Entry>() <= 40,
            "{}",
            std::mem::size_of::<super::Entry>()
        );
    }

    /// Neighbours with the same name and command line share one copy of each;
    /// a different text is left alone.
    #[test]
    fn neighbours_share_equal_names_only() {
        use crate::model::testutil::sample;
        use std::sync::Arc;
        let mut first = sample(100, 1, "worker");
        first.cmdline = Arc::from("worker --pool www");
        let mut twin = sample(101, 1, "worker");
        twin.cmdline = Arc::from("worker --pool www");
        super::share_names(&mut twin, &first);
        assert!(Arc::ptr_eq(&twin.comm, &first.comm));
        assert!(Arc::ptr_eq(&twin.cmdline, &first.cmdline));
        let mut other = sample(102, 1, "worker");
        other.cmdline = Arc::from("worker --pool api");
        super::share_names(&mut other, &first);
        assert!(Arc::ptr_eq(&other.comm, &first.comm));
        assert!(!Arc::ptr_eq(&other.cmdline, &first.cmdline));
        assert_eq!(&*other.cmdline, "worker --pool api");
    }

    /// A pass with no new pid (by `loadavg`) lists the processes it holds, so a
    /// directory that appeared without one is not seen until a full listing,
    /// which comes within `FULL_LIST_EVERY` passes; a new pid is seen at once,
    /// and a held process that is gone drops out either way.
    #[test]
    fn a_quiet_pass_lists_what_it_holds() {
        use super::FULL_LIST_EVERY;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let loadavg = |newest: u32| {
            std::fs::write(
                root.join("loadavg"),
                format!("0.00 0.00 0.00 1/9 {newest}\n"),
            )
            .unwrap()
        };
        let spawn = |pid: u32| {
            let d = root.join(pid.to_string());
            std::fs::create_dir(&d).unwrap();
            let stat = format!(
                "{pid} (w) S 1 {pid} {pid} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5 1000 10 \
                 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n"
            );
            std::fs::write(d.join("stat"), stat).unwrap();
            std::fs::write(d.join("schedstat"), "100 0 1\n").unwrap();
            std::fs::write(d.join("cmdline"), "w\0").unwrap();
        };
        let pids = |r: &mut super::ProcReader| -> Vec<i32> {
            r.list(false).unwrap().0.iter().map(|s| s.pid).collect()
        };
        loadavg(11);
        spawn(10);
        spawn(11);
        let mut r = super::ProcReader::new(root.to_path_buf(), "/etc/passwd");
        assert_eq!(pids(&mut r), [10, 11]);
        spawn(12);
        assert_eq!(
            pids(&mut r),
            [10, 11],
            "no pid was handed out: nothing read"
        );
        loadavg(12);
        assert_eq!(
            pids(&mut r),
            [10, 11, 12],
            "a new pid: the directory is read"
        );
        // Gone: its files read empty, as a dead process's do.
        std::fs::write(root.join("11/schedstat"), "").unwrap();
        std::fs::write(root.join("11/stat"), "").unwrap();
        assert_eq!(pids(&mut r), [10, 12], "gone, and no pid handed out");
        spawn(13);
        let seen = (0..FULL_LIST_EVERY).any(|_| pids(&mut r).contains(&13));
        assert!(seen, "not listed within {FULL_LIST_EVERY} quiet passes");
    }

    /// Faults, last CPU and SHR come with `stat` and `statm`; `io` and
    /// `oom_score` only once asked for, and then at the next pass for every
    /// process, idle ones included; asked no more, they are dropped.
    #[test]
    fn extra_figures_and_io_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("loadavg"), "0.00 0.00 0.00 1/9 10\n").unwrap();
        let d = root.join("10");
        std::fs::create_dir(&d).unwrap();
        // minflt 77, majflt 5, processor (field 39) 3.
        let stat = "10 (w) S 1 10 10 0 -1 4194560 77 0 5 0 0 0 0 0 20 0 2 0 5 1000 10 \
                    18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0\n";
        std::fs::write(d.join("stat"), stat).unwrap();
        std::fs::write(d.join("schedstat"), "100 0 42\n").unwrap();
        std::fs::write(d.join("statm"), "300 20 8 1 0 5 0\n").unwrap();
        std::fs::write(d.join("cmdline"), "w\0").unwrap();
        std::fs::write(
            d.join("io"),
            "rchar: 1\nread_bytes: 4096\nwrite_bytes: 512\n",
        )
        .unwrap();
        std::fs::write(d.join("oom_score"), "667\n").unwrap();
        let mut r = super::ProcReader::new(root.to_path_buf(), "/etc/passwd");
        let first = r.list(false).unwrap().0;
        let e = &first[0].extra;
        assert_eq!((e.minflt, e.majflt, e.processor, e.ctxsw), (77, 5, 3, 42));
        assert_eq!(e.shared_kib, 8 * r.page_size as u32 / 1024);
        assert_eq!((e.io.is_none(), e.oom_score), (true, None), "not asked for");
        r.set_extras(true, true);
        // It did not run (same schedstat), yet it is read for the new columns.
        let second = r.list(false).unwrap().0;
        let io = second[0].extra.io.as_deref().copied();
        assert_eq!(
            io,
            Some(crate::model::IoBytes {
                read: 4096,
                write: 512
            })
        );
        assert_eq!(second[0].extra.oom_score, Some(667));
        r.set_extras(false, false);
        let third = r.list(false).unwrap().0;
        assert_eq!(
            (third[0].extra.io.is_none(), third[0].extra.oom_score),
            (true, None)
        );
    }

    /// Amending a pass's states changes its rows where they are (no second
    /// copy of the table at the peak), and the next pass still reads.
    #[test]
    fn amended_states_are_set_in_place() {
        use crate::model::ProcState;
        // The fixture tree: a live /proc shared with the other tests (and the
        // machine's thousands of processes) can run this process out of fds.
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/proc");
        let mut r = super::ProcReader::new(std::path::PathBuf::from(root), "/etc/passwd");
        let (procs, fresh) = r.list(false).unwrap();
        let mut listing = crate::platform::Listing { procs, fresh };
        let rows = listing.procs.as_ptr();
        r.amend_states(&mut listing, &[(0, ProcState::Stopped)]);
        assert_eq!(listing.procs.as_ptr(), rows, "the rows were copied");
        assert_eq!(listing.procs[0].state, ProcState::Stopped);
        assert!(std::sync::Arc::ptr_eq(&r.last, &listing.procs));
        drop(listing);
        assert!(!r.list(false).unwrap().0.is_empty());
    }
}
