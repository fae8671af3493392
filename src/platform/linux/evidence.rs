//! Gathers wait evidence for one process (its main thread) or one thread from
//! a proc root: state, wait channel, current syscall, the fds the syscall
//! names (for poll/select from the process's memory, for epoll from fdinfo),
//! terminal foreground, tracer and children.
//!
//! What cannot be read is recorded in `Evidence::unreadable` with why; only a
//! process that is gone (or whose pid was reused) is an error.

use super::epoll_fdinfo::parse_epoll_fdinfo;
use super::fd_target::read_fd;
use super::remote_mem::{decode_fd_set, decode_pollfds, fd_set_len, read_c_string, read_remote};
use super::restart_evidence::read_resumed;
use super::sockets::find_sockets;
use super::stat::{PF_KTHREAD, parse_stat};
use super::syscall_file::parse_syscall;
use super::tty::tty_name;
use crate::model::syscalls::Arch;
use crate::model::why::{
    ChildRef, Evidence, FdEvidence, FdRole, FdTarget, Syscall, SyscallState, Unreadable,
    UnreadableWhy, resumed_call,
};
use crate::model::{Pid, ProcKey, ProcState};
use crate::platform::PlatformError;
use std::io;
use std::path::{Path, PathBuf};

/// How much to read, and how.
#[derive(Clone, Copy, Debug)]
pub struct EvidenceOptions {
    /// Numbering of the syscall file (the machine's own, for a live `/proc`).
    pub arch: Option<Arch>,
    /// Read poll/select fd sets and path arguments from process memory
    /// (only meaningful for the live `/proc`, not a fixture tree).
    pub read_memory: bool,
    /// At most this many watched fds are resolved.
    pub max_fds: usize,
    /// Look sockets up in `/proc/net/*` (listening, peer). Costly on a busy host,
    /// and not needed for the reason alone: the per-pass tags skip it.
    pub socket_tables: bool,
    /// Read the tracer (a `status` read) whatever the state. Only a stopped
    /// process's reason depends on it, so the per-pass tags skip it otherwise.
    pub tracer: bool,
}

impl EvidenceOptions {
    /// The defaults for `root`: memory is read only when it is the live `/proc`.
    pub fn for_root(root: &Path) -> Self {
        EvidenceOptions {
            arch: Arch::native(),
            read_memory: root == Path::new("/proc"),
            max_fds: 256,
            socket_tables: true,
            tracer: true,
        }
    }
}

/// The same from a key alone (for `whytop why PID`: see [`proc_key`]).
pub fn read_evidence_for(
    root: &Path,
    key: ProcKey,
    children: Option<Vec<ChildRef>>,
    opts: EvidenceOptions,
) -> Result<Evidence, PlatformError> {
    let dir = root.join(key.pid.to_string());
    let mut e = read_task(&dir, &dir, key.pid, None, Some(key.start_time), opts)?;
    e.children = children.or_else(|| read_children(root, key.pid));
    Ok(e)
}

/// The identity of the process now using `pid`.
pub fn proc_key(root: &Path, pid: Pid) -> Result<ProcKey, PlatformError> {
    let path = root.join(pid.to_string()).join("stat");
    let raw = std::fs::read(&path).map_err(|_| PlatformError::NoSuchProcess { pid })?;
    let st = parse_stat(&raw).map_err(|why| PlatformError::Malformed { path, why })?;
    Ok(ProcKey {
        pid,
        start_time: st.starttime,
    })
}

/// Evidence for thread `tid` of process `pid` (from `/proc/PID/task/TID`).
pub(crate) fn read_thread_evidence(
    root: &Path,
    pid: Pid,
    tid: Pid,
    children: Option<Vec<ChildRef>>,
    opts: EvidenceOptions,
) -> Result<Evidence, PlatformError> {
    let dir = root.join(pid.to_string());
    let task = dir.join("task").join(tid.to_string());
    let mut e = read_task(&task, &dir, pid, Some(tid), None, opts)?;
    e.children = children;
    Ok(e)
}

/// Evidence for every thread of `pid` but the main one, by tid; threads that
/// exit meanwhile are left out.
pub fn read_threads_evidence(
    root: &Path,
    pid: Pid,
    children: Option<Vec<ChildRef>>,
) -> Vec<Evidence> {
    read_threads_evidence_with(root, pid, children, EvidenceOptions::for_root(root))
}

/// The same, read as `opts` says (the per-pass path skips socket tables).
pub(crate) fn read_threads_evidence_with(
    root: &Path,
    pid: Pid,
    children: Option<Vec<ChildRef>>,
    opts: EvidenceOptions,
) -> Vec<Evidence> {
    let Ok(rd) = std::fs::read_dir(root.join(pid.to_string()).join("task")) else {
        return Vec::new();
    };
    let mut tids: Vec<Pid> = rd
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .filter(|t| *t != pid)
        .collect();
    tids.sort_unstable();
    tids.into_iter()
        .filter_map(|tid| read_thread_evidence(root, pid, tid, children.clone(), opts).ok())
        .collect()
}

/// The children of `pid` (of all its threads), from `task/*/children`, with
/// their names and states. `None` where the kernel does not offer the file.
pub fn read_children(root: &Path, pid: Pid) -> Option<Vec<ChildRef>> {
    let tasks = std::fs::read_dir(root.join(pid.to_string()).join("task")).ok()?;
    let mut pids = Vec::new();
    let mut any = false;
    for t in tasks.flatten() {
        if let Ok(text) = std::fs::read_to_string(t.path().join("children")) {
            any = true;
            pids.extend(
                text.split_ascii_whitespace()
                    .filter_map(|p| p.parse::<Pid>().ok()),
            );
        }
    }
    if !any {
        return None;
    }
    pids.sort_unstable();
    pids.dedup();
    Some(
        pids.into_iter()
            .map(|c| {
                let st = std::fs::read(root.join(c.to_string()).join("stat"))
                    .ok()
                    .and_then(|b| parse_stat(&b).ok());
                ChildRef {
                    pid: c,
                    comm: st.as_ref().map(|s| s.comm.clone()),
                    state: st.map(|s| ProcState::from_letter(s.state)),
                }
            })
            .collect(),
    )
}

/// Why `e` happened reading a file of the process in `dir`.
fn why(e: &io::Error, dir: &Path) -> UnreadableWhy {
    match e.kind() {
        io::ErrorKind::PermissionDenied => denied(dir),
        io::ErrorKind::NotFound => UnreadableWhy::Gone,
        _ if matches!(e.raw_os_error(), Some(libc::ESRCH)) => UnreadableWhy::Gone,
        _ if matches!(e.raw_os_error(), Some(libc::EPERM)) => denied(dir),
        _ => UnreadableWhy::Other(e.to_string()),
    }
}

/// A refusal worded for who whytop runs as: root and the owner cannot be told
/// to become root or the owner.
fn denied(dir: &Path) -> UnreadableWhy {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let euid = unsafe { libc::geteuid() };
    if euid == 0 {
        return UnreadableWhy::DeniedToRoot;
    }
    match std::fs::metadata(dir) {
        Ok(m) if m.uid() == euid => UnreadableWhy::DeniedToOwner,
        _ => UnreadableWhy::PermissionDenied,
    }
}

/// A missing file in a task that still exists is a kernel (or fixture) without it.
fn why_at(task: &Path, err: &io::Error) -> UnreadableWhy {
    match why(err, task) {
        UnreadableWhy::Gone if task.join("stat").exists() => UnreadableWhy::NotAvailable,
        w => w,
    }
}

fn unreadable(e: &mut Evidence, what: &str, why: UnreadableWhy) {
    if e.why_unreadable(what).is_none() {
        e.unreadable.push(Unreadable {
            what: what.into(),
            why,
        });
    }
}

/// One task: `task` is its directory (the process dir for the main thread),
/// `proc_dir` the process dir (fds are shared by all threads).
fn read_task(
    task: &Path,
    proc_dir: &Path,
    pid: Pid,
    tid: Option<Pid>,
    start_time: Option<u64>,
    opts: EvidenceOptions,
) -> Result<Evidence, PlatformError> {
    let stat_path = task.join("stat");
    let raw = std::fs::read(&stat_path).map_err(|err| match err.kind() {
        io::ErrorKind::PermissionDenied => PlatformError::PermissionDenied { pid },
        _ => PlatformError::NoSuchProcess { pid },
    })?;
    let st = parse_stat(&raw).map_err(|why| PlatformError::Malformed {
        path: stat_path,
        why,
    })?;
    if start_time.is_some_and(|t| t != st.starttime) {
        return Err(PlatformError::NoSuchProcess { pid });
    }
    let mut e = Evidence {
        pid,
        tid,
        comm: Some(st.comm.clone()),
        ppid: Some(st.ppid),
        state: Some(ProcState::from_letter(st.state)),
        kernel_thread: Some(st.flags & PF_KTHREAD != 0),
        threads: Some(st.num_threads),
        tty: tty_name(st.tty_nr),
        pgrp: Some(st.pgrp),
        tpgid: Some(st.tpgid),
        ..Default::default()
    };
    match std::fs::read_to_string(task.join("wchan")) {
        Ok(w) => e.wchan = Some(w.trim().to_string()).filter(|w| !w.is_empty() && w != "0"),
        Err(err) => unreadable(&mut e, "wchan", why_at(task, &err)),
    }
    if opts.tracer || matches!(e.state, Some(ProcState::Stopped | ProcState::Traced)) {
        e.tracer = read_tracer(task);
        if let (Some(t), Some(root)) = (e.tracer, proc_dir.parent()) {
            e.tracer_comm = std::fs::read_to_string(root.join(t.to_string()).join("comm"))
                .ok()
                .map(|c| c.trim_end().to_string());
        }
    }
    if e.kernel_thread == Some(true) || e.state == Some(ProcState::Zombie) {
        return Ok(e);
    }
    match std::fs::read_to_string(task.join("syscall")) {
        Ok(text) => match parse_syscall(&text, opts.arch) {
            Ok(s) => e.syscall = Some(s),
            Err(msg) => unreadable(
                &mut e,
                "syscall",
                UnreadableWhy::Other(format!("malformed: {msg}")),
            ),
        },
        Err(err) => unreadable(&mut e, "syscall", why_at(task, &err)),
    }
    if let Some(SyscallState::In(sc)) = e.syscall.clone() {
        let sc = if sc.name() == "restart_syscall" {
            resumed(&mut e, task, pid, sc, opts)
        } else {
            sc
        };
        if opts.read_memory && sc.name() == "futex" {
            e.futex_word = read_futex_word(pid, sc.args[0]);
        }
        FdReader {
            e: &mut e,
            proc_dir,
            pid,
            opts,
        }
        .read_for(&sc);
    }
    Ok(e)
}

/// The 32-bit word a futex wait is on (a joined thread's tid, for `pthread_join`).
fn read_futex_word(pid: Pid, addr: u64) -> Option<u32> {
    let bytes = read_remote(pid, addr, 4).ok()?;
    Some(u32::from_ne_bytes(bytes.get(..4)?.try_into().ok()?))
}

/// Records what tells which call a `restart_syscall` resumed; returns the call
/// whose fds to read (a resumed poll's set is still in its registers).
fn resumed(e: &mut Evidence, task: &Path, pid: Pid, sc: Syscall, opts: EvidenceOptions) -> Syscall {
    let (r, gaps) = read_resumed(task, pid, &sc, opts.read_memory);
    for (what, err) in gaps {
        let w = why_at(task, &err);
        unreadable(e, what, w);
    }
    e.resumed = Some(r);
    match resumed_call(e, &sc) {
        Some(r) if r.call == "poll" => Syscall {
            name: Some("poll".into()),
            ..sc
        },
        _ => sc,
    }
}

fn read_tracer(task: &Path) -> Option<Pid> {
    let status = std::fs::read_to_string(task.join("status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("TracerPid:"))
        .and_then(|v| v.trim().parse().ok())
        .filter(|p| *p > 0)
}

struct FdReader<'a> {
    e: &'a mut Evidence,
    proc_dir: &'a Path,
    pid: Pid,
    opts: EvidenceOptions,
}

impl FdReader<'_> {
    fn read_for(mut self, sc: &Syscall) {
        let fd0 = sc.int_arg(0);
        let name = sc.name.as_deref().unwrap_or("");
        let mut want: Vec<(i32, FdRole)> = match name {
            "read" | "readv" | "pread64" | "preadv" | "preadv2" | "recvfrom" | "recvmsg"
            | "recvmmsg" | "accept" | "accept4" => vec![(fd0, FdRole::Read)],
            "write" | "writev" | "pwrite64" | "pwritev" | "pwritev2" | "sendto" | "sendmsg"
            | "sendmmsg" => {
                vec![(fd0, FdRole::Write)]
            }
            "connect" | "flock" | "fcntl" | "fsync" | "fdatasync" | "syncfs"
            | "sync_file_range" => {
                vec![(fd0, FdRole::Other)]
            }
            "splice" | "tee" | "copy_file_range" => {
                vec![(fd0, FdRole::Read), (sc.int_arg(2), FdRole::Write)]
            }
            "sendfile" => vec![(sc.int_arg(1), FdRole::Read), (fd0, FdRole::Write)],
            "poll" | "ppoll" => self.poll_set(sc),
            "select" | "pselect6" => self.select_set(sc),
            "epoll_wait" | "epoll_pwait" | "epoll_pwait2" => self.epoll_set(fd0),
            "open" | "creat" => {
                self.path_arg(sc.args[0]);
                vec![]
            }
            "openat" | "openat2" => {
                self.path_arg(sc.args[1]);
                vec![]
            }
            _ => vec![],
        };
        let watched = want.iter().filter(|(_, r)| r.watched()).count();
        if watched > self.opts.max_fds {
            let mut kept = 0;
            want.retain(|(_, r)| {
                kept += usize::from(r.watched());
                !r.watched() || kept <= self.opts.max_fds
            });
            let msg = format!(
                "only the first {} of {watched} watched fds were resolved",
                self.opts.max_fds
            );
            unreadable(self.e, "fds", UnreadableWhy::Other(msg));
        }
        self.resolve(want);
    }

    fn resolve(&mut self, want: Vec<(i32, FdRole)>) {
        for (fd, role) in want {
            let target = match read_fd(self.proc_dir, fd) {
                Ok(t) => t,
                Err(err) => {
                    let w = why(&err, self.proc_dir);
                    let t = FdTarget::Unreadable { why: w.to_string() };
                    unreadable(self.e, "fd", w);
                    t
                }
            };
            self.e.fds.push(FdEvidence { fd, role, target });
        }
        let inodes: Vec<u64> = self
            .e
            .fds
            .iter()
            .filter_map(|f| match f.target {
                FdTarget::Socket { inode, .. } => Some(inode),
                _ => None,
            })
            .collect();
        if inodes.is_empty() || !self.opts.socket_tables {
            return;
        }
        let found = find_sockets(&self.proc_dir.join("net"), &inodes);
        for f in &mut self.e.fds {
            if let FdTarget::Socket { inode, info } = &mut f.target {
                *info = found.get(inode).cloned();
            }
        }
    }

    fn memory_off(&mut self, what: &str) -> bool {
        if !self.opts.read_memory {
            let msg = "process memory is not read for this proc root".to_string();
            unreadable(self.e, what, UnreadableWhy::Other(msg));
        }
        !self.opts.read_memory
    }

    fn memory(&mut self, what: &str, addr: u64, len: usize) -> Option<Vec<u8>> {
        match read_remote(self.pid, addr, len) {
            Ok(b) => Some(b),
            Err(err) => {
                unreadable(self.e, what, why(&err, self.proc_dir));
                None
            }
        }
    }

    /// `poll(fds, nfds, timeout)` and `ppoll(fds, nfds, ...)`.
    fn poll_set(&mut self, sc: &Syscall) -> Vec<(i32, FdRole)> {
        let nfds = sc.args[1] as usize;
        if nfds == 0 || self.memory_off("fd set") {
            return vec![];
        }
        let Some(bytes) = self.memory("fd set", sc.args[0], nfds.min(4096) * 8) else {
            return vec![];
        };
        let role = |p: &super::remote_mem::PollFd| {
            if p.wants_read() {
                FdRole::WatchRead
            } else {
                FdRole::WatchWrite
            }
        };
        decode_pollfds(&bytes)
            .iter()
            .map(|p| (p.fd, role(p)))
            .collect()
    }

    /// `select(nfds, readfds, writefds, exceptfds, timeout)` and `pselect6`.
    fn select_set(&mut self, sc: &Syscall) -> Vec<(i32, FdRole)> {
        let nfds = (sc.int_arg(0).max(0) as usize).min(65536);
        if nfds == 0 || self.memory_off("fd set") {
            return vec![];
        }
        let mut read = Vec::new();
        for (i, addr) in sc.args[1..4].iter().enumerate() {
            if *addr == 0 {
                continue;
            }
            let Some(bytes) = self.memory("fd set", *addr, fd_set_len(nfds)) else {
                return vec![];
            };
            let fds = decode_fd_set(&bytes, nfds);
            // readfds and exceptfds wait for input; writefds for room to write.
            let role = if i == 1 {
                FdRole::WatchWrite
            } else {
                FdRole::WatchRead
            };
            for fd in fds {
                match read.iter_mut().find(|(f, _)| *f == fd) {
                    Some((_, r)) if role == FdRole::WatchRead => *r = role,
                    Some(_) => {}
                    None => read.push((fd, role)),
                }
            }
        }
        read.sort_unstable_by_key(|(fd, _)| *fd);
        read
    }

    /// The epoll fd itself and its interest list from `fdinfo`.
    fn epoll_set(&mut self, epfd: i32) -> Vec<(i32, FdRole)> {
        let mut out = vec![(epfd, FdRole::Epoll)];
        let path: PathBuf = self.proc_dir.join("fdinfo").join(epfd.to_string());
        match std::fs::read_to_string(&path) {
            Ok(text) => out.extend(parse_epoll_fdinfo(&text).into_iter().map(|en| {
                let role = if en.wants_read() {
                    FdRole::WatchRead
                } else {
                    FdRole::WatchWrite
                };
                (en.fd, role)
            })),
            Err(err) => unreadable(self.e, "fd set", why(&err, self.proc_dir)),
        }
        out
    }

    fn path_arg(&mut self, addr: u64) {
        if addr == 0 || self.e.state != Some(ProcState::Sleeping) || self.memory_off("path") {
            return;
        }
        match read_c_string(self.pid, addr, 4096) {
            Ok(p) => self.e.path_arg = Some(p),
            Err(err) => unreadable(self.e, "path", why(&err, self.proc_dir)),
        }
    }
}
