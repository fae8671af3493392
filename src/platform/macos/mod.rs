//! macOS backend: libproc and sysctl. The calls are in `libproc`, the missing
//! declarations in `ffi`; everything that interprets what they return is in
//! the portable `platform::darwin_decode`, tested on every OS.
//!
//! Per pass: one `sysctl(KERN_PROC_ALL)` for the whole table (zombies
//! included), then `PROC_PIDTASKINFO` per process whose task may be read
//! (refused for other users' processes unless root, and then not asked again:
//! their CPU and memory read 0 and their state `?`). The long name
//! (`PROC_PIDTBSDINFO`), `getsid` and the command line (`KERN_PROCARGS2`) are
//! read for new processes and after an exec only; `proc_pid_rusage`, the
//! oldest thread and `PROC_PIDTBSDINFO` (QoS, background, footprint, energy,
//! disk I/O) for the caller's own processes (any as root) that are new or
//! whose CPU time changed; see `darwin_decode::pass`.

pub(crate) mod exit_watch;
pub(crate) mod ffi;
pub(crate) mod handle;
mod libproc;
mod provenance;
mod wait;

pub use wait::{thread_hints, wait_hints};

/// Whether `pid` is in darwin background (`PROC_FLAG_DARWINBG` or
/// `PROC_FLAG_EXT_DARWINBG` in `pbi_flags`).
pub fn background(pid: Pid) -> Option<bool> {
    libproc::bsd_info(pid)
        .ok()
        .map(|b| bsd_from_libc(&b).background())
}

/// The executable's path (`proc_pidpath`).
pub(crate) fn exe_path(pid: Pid) -> Option<std::path::PathBuf> {
    libproc::pid_path(pid)
        .ok()
        .filter(|p| !p.is_empty())
        .map(Into::into)
}

use crate::model::{Pid, ProcDetail, ProcKey};
use crate::platform::darwin_decode::c_chars;
use crate::platform::darwin_decode::kinfo::decode_kinfo_proc;
use crate::platform::darwin_decode::mac_figures;
use crate::platform::darwin_decode::pass::{Seen, ask_task, ask_usage, decode_kinfo_all, reads};
use crate::platform::darwin_decode::procargs::{decode_procargs2, procargs_error};
use crate::platform::darwin_decode::rusage::{RusageV4, decode_rusage_v4};
use crate::platform::darwin_decode::sample::{BsdInfo, Extras, TaskInfo, build_sample};
use crate::platform::darwin_decode::state::SZOMB;
use crate::platform::darwin_decode::time::Timebase;
use crate::platform::darwin_decode::tty::{NODEV, tty_name};
use crate::platform::darwin_decode::users::UserCache;
use crate::platform::{ListOptions, Listing, Platform, PlatformError};
use std::collections::HashMap;
use std::io;
use std::sync::Arc;

/// The command line read for one process, kept while it does not exec.
struct Args {
    start_time: u64,
    name: Arc<str>,
    cmdline: Option<Arc<str>>,
}

/// What the last pass kept of one process.
struct Kept {
    seen: Seen,
    /// `pbi_name` (empty when unread or none).
    name: String,
    sid: Pid,
    task_refused: bool,
    /// The last `rusage_info_v4` read, and what was made of it.
    usage: Option<RusageV4>,
    mac: Option<Box<crate::model::MacFigures>>,
}

pub(crate) struct MacPlatform {
    timebase: Timebase,
    kept: HashMap<Pid, Kept>,
    users: UserCache,
    ttys: HashMap<u32, Option<Arc<str>>>,
    args: HashMap<Pid, Args>,
    /// Reused `KERN_PROCARGS2` buffer, `kern.argmax` bytes.
    args_buf: Vec<u8>,
    /// The effective uid whytop runs as: whose processes' usage it may read.
    euid: u32,
}

impl Default for MacPlatform {
    fn default() -> Self {
        Self::new()
    }
}

impl MacPlatform {
    pub fn new() -> Self {
        Self {
            timebase: libproc::timebase(),
            kept: HashMap::new(),
            users: UserCache::new(),
            ttys: HashMap::new(),
            args: HashMap::new(),
            args_buf: vec![0; libproc::argmax()],
            euid: euid(),
        }
    }

    fn tty(&mut self, dev: u32) -> Option<Arc<str>> {
        if dev == NODEV {
            return None;
        }
        self.ttys
            .entry(dev)
            .or_insert_with(|| {
                libproc::dev_name(dev)
                    .or_else(|| tty_name(dev))
                    .map(Arc::from)
            })
            .clone()
    }

    fn cmdline(&mut self, pid: Pid, bsd: &BsdInfo) -> Option<Arc<str>> {
        if bsd.status == SZOMB {
            return None;
        }
        let start_time = bsd.start_time();
        if let Some(a) = self.args.get(&pid)
            && a.start_time == start_time
            && *a.name == *bsd.display_name()
        {
            return a.cmdline.clone();
        }
        let cmdline = libproc::procargs(pid, &mut self.args_buf)
            .ok()
            .and_then(|n| decode_procargs2(&self.args_buf[..n]).ok())
            .map(|a| a.cmdline())
            .filter(|c| !c.is_empty())
            .map(Arc::from);
        self.args.insert(
            pid,
            Args {
                start_time,
                name: Arc::from(bsd.display_name()),
                cmdline: cmdline.clone(),
            },
        );
        cmdline
    }
}

/// `proc_pid_rusage(RUSAGE_INFO_V4)` of a process that ran, and its figures
/// against the last read; none when refused or gone.
fn read_mac_figures(
    pid: Pid,
    prev: Option<&Kept>,
    bsd: Option<&BsdInfo>,
) -> (Option<RusageV4>, Option<Box<crate::model::MacFigures>>) {
    let Some(now) = libproc::rusage_v4(pid)
        .ok()
        .and_then(|b| decode_rusage_v4(&b).ok())
    else {
        return (None, None);
    };
    let main_priority = libproc::oldest_thread(pid).ok().map(|t| t.pth_priority);
    let f = mac_figures::figures(
        &now,
        prev.and_then(|p| p.usage.as_ref()),
        main_priority,
        bsd.map(BsdInfo::background),
    );
    (Some(now), Some(Box::new(f)))
}

/// `PROC_PIDTBSDINFO`, or the same fields from `kinfo_proc` when refused.
fn read_bsd(pid: Pid) -> io::Result<BsdInfo> {
    match libproc::bsd_info(pid) {
        Ok(b) => Ok(bsd_from_libc(&b)),
        Err(e) if libproc::is_gone(&e) => Err(e),
        Err(_) => {
            let bytes =
                libproc::kinfo(pid)?.ok_or_else(|| io::Error::from_raw_os_error(libc::ESRCH))?;
            let k = decode_kinfo_proc(&bytes).map_err(io::Error::other)?;
            Ok(BsdInfo::from_kinfo(&k))
        }
    }
}

fn bsd_from_libc(b: &libc::proc_bsdinfo) -> BsdInfo {
    BsdInfo {
        pid: b.pbi_pid as Pid,
        ppid: b.pbi_ppid as Pid,
        pgid: b.pbi_pgid as Pid,
        status: b.pbi_status,
        flags: b.pbi_flags,
        uid: b.pbi_uid,
        nice: b.pbi_nice,
        comm: c_chars(&b.pbi_comm.map(|c| c as u8)),
        name: c_chars(&b.pbi_name.map(|c| c as u8)),
        tdev: b.e_tdev,
        tpgid: b.e_tpgid,
        start_sec: b.pbi_start_tvsec,
        start_usec: b.pbi_start_tvusec,
    }
}

fn task_from_libc(t: &libc::proc_taskinfo) -> TaskInfo {
    TaskInfo {
        virtual_size: t.pti_virtual_size,
        resident_size: t.pti_resident_size,
        total_user: t.pti_total_user,
        total_system: t.pti_total_system,
        threadnum: t.pti_threadnum,
        numrunning: t.pti_numrunning,
        priority: t.pti_priority,
        csw: t.pti_csw,
    }
}

/// The effective uid whytop runs as.
fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Why a field could not be read, as the detail pane says it.
fn why(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(libc::EPERM | libc::EACCES) => "permission denied".to_string(),
        Some(libc::ESRCH) => "not available (exited)".to_string(),
        _ => format!("unreadable ({e})"),
    }
}

impl Platform for MacPlatform {
    /// What macOS can tell: the terminal's foreground group and the threads'
    /// run states. Each pass reads only the threads, and only of processes it
    /// may read (its user's own, or any as root); the detail pane and `whytop
    /// why` (`full`) add `kinfo_proc`. No wait channel or syscall exists here:
    /// the evidence says so, and the classifier's verdicts from run states
    /// alone are weak where they guess.
    fn wait_evidence(
        &mut self,
        sample: &crate::model::ProcSample,
        children: Vec<crate::model::why::ChildRef>,
        full: bool,
    ) -> Result<crate::model::why::Evidence, PlatformError> {
        use crate::model::why::{Evidence, Unreadable, UnreadableWhy};
        use crate::platform::darwin_decode::wait;
        let mut e = Evidence::from_sample(sample, children);
        if full {
            match wait_hints(sample.pid) {
                Ok(h) => wait::apply_hints(&h, &mut e),
                Err(PlatformError::NoSuchProcess { pid }) => {
                    return Err(PlatformError::NoSuchProcess { pid });
                }
                Err(err) => e.unreadable.push(Unreadable {
                    what: "threads".into(),
                    why: UnreadableWhy::Other(err.to_string()),
                }),
            }
        } else {
            let euid = euid();
            if euid == 0 || sample.uid == Some(euid) {
                match thread_hints(sample.pid) {
                    Ok(t) => e.thread_states = wait::thread_states(&t),
                    Err(err) => e.unreadable.push(Unreadable {
                        what: "threads".into(),
                        why: wait::threads_unreadable(&err),
                    }),
                }
            } else {
                e.unreadable.push(Unreadable {
                    what: "threads".into(),
                    why: UnreadableWhy::PermissionDenied,
                });
            }
            wait::mark_missing_on_macos(&mut e);
        }
        crate::platform::privilege::for_viewer(&mut e.unreadable);
        Ok(e)
    }

    /// Processes only: macOS threads have no pids, so `opts.threads` adds no rows.
    fn list(&mut self, _opts: ListOptions) -> Result<Listing, PlatformError> {
        let bytes = libproc::kinfo_all().map_err(|source| PlatformError::Read {
            path: "sysctl kern.proc.all".into(),
            source,
        })?;
        let mut all = decode_kinfo_all(&bytes).map_err(|why| PlatformError::Malformed {
            path: "sysctl kern.proc.all".into(),
            why,
        })?;
        all.sort_unstable_by_key(|k| k.pid);
        all.dedup_by_key(|k| k.pid);
        let mut out = Vec::with_capacity(all.len());
        let mut fresh = Vec::new();
        let mut kept = HashMap::with_capacity(all.len());
        for k in all.iter().filter(|k| k.pid >= 0) {
            let pid = k.pid;
            let mut bsd = BsdInfo::from_kinfo(k);
            let prev = self
                .kept
                .remove(&pid)
                .filter(|p| p.seen.start_time == bsd.start_time());
            let mut refused = prev.as_ref().is_some_and(|p| p.task_refused);
            let task = if ask_task(bsd.status == SZOMB, refused) {
                match libproc::task_info(pid) {
                    Ok(t) => Some(task_from_libc(&t)),
                    // Gone since the table was taken: left out, no noise.
                    Err(e) if libproc::is_gone(&e) => continue,
                    Err(e) => {
                        refused = matches!(e.raw_os_error(), Some(libc::EPERM | libc::EACCES));
                        None
                    }
                }
            } else {
                None
            };
            let seen = Seen::new(k, task.as_ref());
            let r = reads(prev.as_ref().map(|p| &p.seen), &seen);
            let mut name = prev.as_ref().map(|p| p.name.clone()).unwrap_or_default();
            let usage = task.is_some() && ask_usage(&r, bsd.uid, self.euid);
            let full_bsd = if r.bsd || usage {
                libproc::bsd_info(pid).ok().map(|b| bsd_from_libc(&b))
            } else {
                None
            };
            if r.bsd {
                name = full_bsd
                    .as_ref()
                    .map(|b| b.name.clone())
                    .unwrap_or_default();
            }
            let (usage, mac) = if usage {
                read_mac_figures(pid, prev.as_ref(), full_bsd.as_ref())
            } else {
                // It did not run: the last figures hold, with no CPU to place.
                let mac = prev
                    .as_ref()
                    .and_then(|p| p.mac.as_deref())
                    .map(|m| Box::new(mac_figures::unchanged(m)));
                (prev.as_ref().and_then(|p| p.usage), mac)
            };
            bsd.name = name.clone();
            let sid = match &prev {
                Some(p) if !r.sid => p.sid,
                _ => libproc::session(pid),
            };
            let extras = Extras {
                sid,
                user: Some(self.users.name(bsd.uid)),
                tty: self.tty(bsd.tdev),
                cmdline: self.cmdline(pid, &bsd),
            };
            if r.fresh {
                fresh.push(out.len());
            }
            let mut sample = build_sample(&bsd, task.as_ref(), self.timebase, extras);
            if let Some(u) = &usage {
                sample.extra.io = Some(Box::new(crate::model::IoBytes {
                    read: u.diskio_bytesread,
                    write: u.diskio_byteswritten,
                }));
            }
            sample.extra.mac = mac.clone();
            out.push(sample);
            kept.insert(
                pid,
                Kept {
                    seen,
                    name,
                    sid,
                    task_refused: refused,
                    usage,
                    mac,
                },
            );
        }
        self.kept = kept;
        self.args.retain(|pid, _| self.kept.contains_key(pid));
        Ok(Listing {
            procs: std::sync::Arc::new(out),
            fresh,
        })
    }

    /// exe, cwd and the environment (KERN_PROCARGS2); limits only for whytop's
    /// own process (getrlimit), since macOS has no way to read another's.
    fn facts(&mut self, sample: &crate::model::ProcSample) -> crate::model::facts::ProcFacts {
        let mut f = crate::model::facts::ProcFacts::default().with_sample(sample);
        let pid = sample.pid;
        match libproc::pid_path(pid) {
            Ok(p) if !p.is_empty() => f.exe = Some(p),
            Ok(_) => f.unreadable.push("exe: not available".into()),
            Err(e) => f.unreadable.push(format!("exe: {}", why(&e))),
        }
        match libproc::cwd(pid) {
            Ok(p) if !p.is_empty() => f.cwd = Some(p),
            Ok(_) => f.unreadable.push("cwd: not available".into()),
            Err(e) => f.unreadable.push(format!("cwd: {}", why(&e))),
        }
        let mut buf = vec![0u8; libproc::argmax()];
        match libproc::procargs(pid, &mut buf)
            .map_err(|e| procargs_error(e.raw_os_error(), sample.uid, euid()).to_string())
            .and_then(|n| decode_procargs2(&buf[..n]).map_err(|e| e.to_string()))
        {
            Ok(args) if args.env_withheld => f.unreadable.push(
                "environment: withheld by macOS (System Integrity Protection hides a restricted process's environment, even from root)"
                    .into(),
            ),
            Ok(args) => {
                let pairs = args
                    .env
                    .iter()
                    .filter_map(|e| {
                        e.split_once('=')
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                    })
                    .collect();
                f.environ = Some(pairs);
            }
            Err(e) => f.unreadable.push(format!("environment: {e}")),
        }
        if pid == std::process::id() as i32 {
            f.limits = Some(own_limits());
        } else {
            f.unreadable
                .push("limits: macOS cannot read another process's limits".into());
        }
        match libproc::fds(pid) {
            Ok(fds) => {
                let files = fds
                    .into_iter()
                    .map(|(fd, kind)| {
                        let name = crate::platform::darwin_decode::fdinfo::fd_type_name(kind);
                        let target = match (kind, libproc::fd_path(pid, fd)) {
                            (1, Some(path)) => path,
                            _ => name.to_string(),
                        };
                        crate::model::facts::OpenFile { fd, target }
                    })
                    .collect();
                f.open_files = Some(files);
            }
            Err(e) => f.unreadable.push(format!("open files: {}", why(&e))),
        }
        f
    }

    /// launchd job, power assertions, signature and quarantine (see `provenance`).
    fn provenance(
        &mut self,
        sample: &crate::model::ProcSample,
        wait: bool,
    ) -> Option<crate::model::provenance::Provenance> {
        let exe = libproc::pid_path(sample.pid).ok().filter(|p| !p.is_empty());
        provenance::of(sample.key(), sample.uid, exe, wait)
    }

    fn detail(&mut self, key: ProcKey) -> Result<ProcDetail, PlatformError> {
        let gone = PlatformError::NoSuchProcess { pid: key.pid };
        let bsd = read_bsd(key.pid).map_err(|_| PlatformError::NoSuchProcess { pid: key.pid })?;
        if bsd.start_time() != key.start_time {
            return Err(gone);
        }
        let mut d = ProcDetail {
            key: Some(key),
            ..Default::default()
        };
        match libproc::pid_path(key.pid) {
            Ok(p) if !p.is_empty() => d.exe = Some(p),
            Ok(_) => d.unreadable.push("exe: not available".to_string()),
            Err(e) => d.unreadable.push(format!("exe: {}", why(&e))),
        }
        match libproc::cwd(key.pid) {
            Ok(p) if !p.is_empty() => d.cwd = Some(p),
            Ok(_) => d.unreadable.push("cwd: not available".to_string()),
            Err(e) => d.unreadable.push(format!("cwd: {}", why(&e))),
        }
        match libproc::fd_count(key.pid) {
            Ok(n) => d.fd_count = Some(n),
            Err(e) => d.unreadable.push(format!("fd: {}", why(&e))),
        }
        Ok(d)
    }
}

/// getrlimit for each resource, as `/proc/PID/limits` names them.
fn own_limits() -> Vec<crate::model::facts::Limit> {
    let table = [
        ("Max cpu time", libc::RLIMIT_CPU, "seconds"),
        ("Max file size", libc::RLIMIT_FSIZE, "bytes"),
        ("Max data size", libc::RLIMIT_DATA, "bytes"),
        ("Max stack size", libc::RLIMIT_STACK, "bytes"),
        ("Max core file size", libc::RLIMIT_CORE, "bytes"),
        ("Max resident set", libc::RLIMIT_RSS, "bytes"),
        ("Max processes", libc::RLIMIT_NPROC, "processes"),
        ("Max open files", libc::RLIMIT_NOFILE, "files"),
        ("Max locked memory", libc::RLIMIT_MEMLOCK, "bytes"),
    ];
    let finite = |v: libc::rlim_t| (v != libc::RLIM_INFINITY).then_some(v);
    table
        .iter()
        .filter_map(|(name, res, units)| {
            let mut l = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            // SAFETY: getrlimit writes only the struct we pass.
            (unsafe { libc::getrlimit(*res, &mut l) } == 0).then(|| crate::model::facts::Limit {
                name: (*name).into(),
                soft: finite(l.rlim_cur),
                hard: finite(l.rlim_max),
                units: (*units).into(),
            })
        })
        .collect()
}
