//! Reads every process under a proc root, cheaply.
//!
//! Per process it holds `stat` and `schedstat` open and, each pass, `pread`s the
//! small `schedstat`; only a process whose scheduler counters moved (it ran or
//! waited to run), a multi-threaded one (its other threads may have run), or a
//! new one has its `stat` re-read. Everything else is the last pass's sample.

use super::stat::{PF_KTHREAD, Stat, parse_stat};
use super::tty::tty_name;
use super::users::UserNames;
use crate::model::{Pid, ProcInfo, ProcSample, ProcState};
use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

struct Entry {
    stat_fd: Option<File>,
    sched_fd: Option<File>,
    /// `schedstat` counters at the last pass (None: unreadable, so always re-read).
    sched: Option<[u64; 3]>,
    start_time: u64,
    /// Where this process's sample sits in `ProcReader::last`.
    idx: usize,
    /// The pass that last saw it; older entries are dropped.
    seen: u32,
}

pub struct ProcReader {
    root: PathBuf,
    entries: HashMap<Pid, Entry>,
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
            root,
            entries: HashMap::new(),
            last: Arc::new(Vec::new()),
            pass: 0,
            users: UserNames::load(passwd),
            clk_tck: sysconf(libc::_SC_CLK_TCK, 100),
            page_size: sysconf(libc::_SC_PAGESIZE, 4096),
            boot_time,
            fd_budget: raise_fd_limit() / 2,
            held: 0,
            buf: Vec::with_capacity(1024),
        }
    }

    pub fn boot_time(&self) -> u64 {
        self.boot_time
    }

    pub fn clk_tck(&self) -> u64 {
        self.clk_tck
    }

    /// Every process now (and their threads when asked), sorted by pid, with the
    /// indices of the samples read afresh this pass (new, or they ran).
    pub fn list(&mut self, threads: bool) -> std::io::Result<(Arc<Vec<ProcSample>>, Vec<usize>)> {
        let mut pids: Vec<Pid> = std::fs::read_dir(&self.root)?
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .collect();
        pids.sort_unstable();
        // Grow the table once, not by doubling (each doubling holds two tables at once).
        self.entries
            .reserve(pids.len().saturating_sub(self.entries.len()));
        self.pass = self.pass.wrapping_add(1);
        let mut out = Vec::with_capacity(pids.len() + pids.len() / 16);
        let mut fresh = Vec::new();
        for pid in pids {
            let Some((s, is_fresh)) = self.refresh(pid) else {
                continue;
            };
            if let Some(e) = self.entries.get_mut(&pid) {
                e.idx = out.len();
                e.seen = self.pass;
            }
            let tasks = if threads && s.threads > 1 {
                self.read_threads(&s)
            } else {
                Vec::new()
            };
            if is_fresh {
                fresh.push(out.len());
            }
            out.push(s);
            // Thread rows are read anew each pass.
            fresh.extend(out.len()..out.len() + tasks.len());
            out.extend(tasks);
        }
        let pass = self.pass;
        let before = self.entries.len();
        let mut released = 0;
        self.entries.retain(|_, e| {
            let keep = e.seen == pass;
            if !keep {
                released += usize::from(e.stat_fd.is_some()) + usize::from(e.sched_fd.is_some());
            }
            keep
        });
        self.held -= released;
        if self.entries.len() < before / 2 {
            self.entries.shrink_to_fit();
        }
        if threads {
            let fresh_pids: std::collections::HashSet<Pid> =
                fresh.iter().map(|&i| out[i].pid).collect();
            out.sort_by_key(|s| s.pid);
            fresh.clear();
            for (i, s) in out.iter().enumerate() {
                if fresh_pids.contains(&s.pid) {
                    fresh.push(i);
                }
                if s.tgid.is_none()
                    && let Some(e) = self.entries.get_mut(&s.pid)
                {
                    e.idx = i;
                }
            }
        }
        self.last = Arc::new(out);
        Ok((Arc::clone(&self.last), fresh))
    }

    /// Makes the next pass re-read `pid` whether or not it ran.
    pub fn invalidate(&mut self, pid: Pid) {
        if let Some(e) = self.entries.get_mut(&pid) {
            e.sched = None;
        }
    }

    /// The current sample of one pid, from the last pass when it cannot have changed;
    /// true when read afresh.
    fn refresh(&mut self, pid: Pid) -> Option<(ProcSample, bool)> {
        if let Some(e) = self.entries.get(&pid) {
            let prev = self
                .last
                .get(e.idx)
                .filter(|p| p.pid == pid && p.start_time == e.start_time);
            let sched = read_sched(&e.sched_fd, &self.root, pid, &mut self.buf);
            if let (Some(prev), Some(now)) = (prev, sched) {
                // Other threads may have run while the main one slept; and on a
                // terminal, the foreground group (tpgid) changes without this process
                // running: re-read those.
                if e.sched == Some(now) && prev.threads <= 1 && prev.tty_nr == 0 {
                    return Some((prev.clone(), false));
                }
            }
            let alive = sched.is_some() || e.sched.is_none();
            if alive
                && let Some(prev) = prev
                && read_into(&e.stat_fd, &self.root, pid, "stat", &mut self.buf).is_some()
                && let Ok(st) = parse_stat(&self.buf)
                && st.starttime == e.start_time
            {
                let mut s = prev.clone();
                apply_stat(&mut s, &st, self.clk_tck, self.page_size);
                if st.comm != *s.comm {
                    // It exec'd: a new name, a new command line, maybe a new user.
                    s.comm = Arc::from(st.comm.as_str());
                    let dir = self.root.join(pid.to_string());
                    s.cmdline = cmdline_into(&dir, &mut self.buf);
                    self.fill_uid(&mut s, &dir);
                }
                if let Some(e) = self.entries.get_mut(&pid) {
                    e.sched = sched;
                }
                return Some((s, true));
            }
            // Gone, or the pid now belongs to another process: start afresh.
            if let Some(e) = self.entries.remove(&pid) {
                self.held -= usize::from(e.stat_fd.is_some()) + usize::from(e.sched_fd.is_some());
            }
        }
        self.add(pid).map(|s| (s, true))
    }

    fn add(&mut self, pid: Pid) -> Option<ProcSample> {
        let dir = self.root.join(pid.to_string());
        let stat_fd = File::open(dir.join("stat")).ok()?;
        self.buf.clear();
        stat_fd.read_at_to_end(&mut self.buf).ok()?;
        let st = parse_stat(&self.buf).ok()?;
        let mut sample = new_sample(&st, self.clk_tck, self.page_size, self.boot_time);
        sample.cmdline = if st.flags & PF_KTHREAD != 0 {
            Arc::from("")
        } else {
            cmdline_into(&dir, &mut self.buf)
        };
        self.fill_uid(&mut sample, &dir);
        let sched_fd = File::open(dir.join("schedstat")).ok();
        let sched = read_sched(&sched_fd, &self.root, pid, &mut self.buf);
        let hold = self.held + 2 <= self.fd_budget;
        let (stat_fd, sched_fd) = if hold {
            (Some(stat_fd), sched_fd)
        } else {
            (None, None)
        };
        self.held += usize::from(stat_fd.is_some()) + usize::from(sched_fd.is_some());
        let entry = Entry {
            stat_fd,
            sched_fd,
            sched,
            start_time: st.starttime,
            idx: usize::MAX,
            seen: self.pass,
        };
        self.entries.insert(pid, entry);
        Some(sample)
    }

    /// The owner of `/proc/PID` is the process's effective user, as htop reads it.
    fn fill_uid(&mut self, s: &mut ProcSample, dir: &Path) {
        s.uid = std::fs::metadata(dir).ok().map(|m| m.uid());
        s.user = s.uid.map(|u| self.users.name(u));
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
            out.push(t);
        }
        out
    }
}

/// `schedstat`'s three counters (run ns, wait ns, timeslices). None: unreadable or gone.
fn read_sched(fd: &Option<File>, root: &Path, pid: Pid, buf: &mut Vec<u8>) -> Option<[u64; 3]> {
    read_into(fd, root, pid, "schedstat", buf)?;
    let text = std::str::from_utf8(buf).ok()?;
    let mut it = text.split_ascii_whitespace().map(|v| v.parse::<u64>().ok());
    Some([it.next()??, it.next()??, it.next()??])
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
        rss_bytes: 0,
        vsz_bytes: 0,
        tgid: None,
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
    s.cpu_ns = (st.utime + st.stime).saturating_mul(1_000_000_000 / clk_tck.max(1));
    s.rss_bytes = st.rss_pages.max(0) as u64 * page;
    s.vsz_bytes = st.vsize;
}

/// Reads through the held fd when there is one, else by path. `None`: unreadable or gone.
fn read_into(
    fd: &Option<File>,
    root: &Path,
    pid: Pid,
    name: &str,
    buf: &mut Vec<u8>,
) -> Option<()> {
    buf.clear();
    let n = match fd {
        Some(f) => f.read_at_to_end(buf),
        None => {
            File::open(root.join(pid.to_string()).join(name)).and_then(|mut f| f.read_to_end(buf))
        }
    };
    match n {
        Ok(n) if n > 0 => Some(()),
        _ => None,
    }
}

/// The full command line through a reused buffer. Unreadable (permission,
/// vanished) gives an empty line, not a missing row.
fn cmdline_into(dir: &Path, buf: &mut Vec<u8>) -> Arc<str> {
    buf.clear();
    match File::open(dir.join("cmdline")).and_then(|mut f| f.read_to_end(buf)) {
        Ok(_) => decode_cmdline(buf),
        Err(_) => Arc::from(""),
    }
}

/// NUL-separated argv, decoded in place and joined by spaces: one allocation, the result.
pub fn decode_cmdline(raw: &mut [u8]) -> Arc<str> {
    let raw = match raw.split_last_mut() {
        Some((0, rest)) => rest,
        _ => raw,
    };
    for b in raw.iter_mut() {
        if *b == 0 {
            *b = b' ';
        }
    }
    match std::str::from_utf8(raw) {
        Ok(s) => Arc::from(s),
        Err(_) => Arc::from(String::from_utf8_lossy(raw).as_ref()),
    }
}

trait ReadAtToEnd {
    fn read_at_to_end(&self, buf: &mut Vec<u8>) -> std::io::Result<usize>;
}

impl ReadAtToEnd for File {
    /// `pread` from offset 0 until EOF: procfs regenerates the text on each read.
    /// A short read is the end (procfs hands these small files over whole), which
    /// saves the second, empty `pread` per file: half the syscalls of a refresh.
    fn read_at_to_end(&self, buf: &mut Vec<u8>) -> std::io::Result<usize> {
        let mut chunk = [0u8; 1024];
        let start = buf.len();
        loop {
            let n = self.read_at(&mut chunk, (buf.len() - start) as u64)?;
            buf.extend_from_slice(&chunk[..n]);
            if n < chunk.len() {
                return Ok(buf.len() - start);
            }
        }
    }
}

fn sysconf(name: libc::c_int, default: u64) -> u64 {
    // SAFETY: sysconf has no memory-safety preconditions.
    let v = unsafe { libc::sysconf(name) };
    if v > 0 { v as u64 } else { default }
}

/// Raises the soft open-file limit to the hard one; returns the soft limit now.
fn raise_fd_limit() -> usize {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit write/read only the struct we pass.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 1024;
        }
        let want = lim.rlim_max.min(1 << 16);
        if lim.rlim_cur < want {
            let raised = libc::rlimit {
                rlim_cur: want,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim.rlim_cur = want;
            }
        }
    }
    lim.rlim_cur as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmdline_decoding() {
        assert_eq!(
            &*decode_cmdline(&mut b"python3\0-c\0input()\0".to_vec()),
            "python3 -c input()"
        );
        assert_eq!(&*decode_cmdline(&mut []), "");
        assert_eq!(
            &*decode_cmdline(&mut b"nginx: worker process".to_vec()),
            "nginx: worker process"
        );
    }
}
