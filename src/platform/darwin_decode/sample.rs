//! A `ProcSample` from the macOS structs, once the backend has copied them out.
//!
//! `BsdInfo` mirrors the fields of `struct proc_bsdinfo` (`PROC_PIDTBSDINFO`)
//! and `TaskInfo` those of `struct proc_taskinfo` (`PROC_PIDTASKINFO`) that
//! whytop shows. When `PROC_PIDTBSDINFO` is refused, `BsdInfo::from_kinfo`
//! fills the same fields from `kinfo_proc`, which any user may read.

use super::kinfo::{KinfoProc, P_CONTROLT, P_TRACED};
use super::state::proc_state;
use super::time::{Timebase, start_micros, start_secs};
use super::tty::{NODEV, tty_nr};
use crate::model::{Pid, ProcSample, ProcState};
use std::sync::Arc;

/// `pbi_flags` bits (`<sys/proc_info.h>`).
pub(crate) const PROC_FLAG_TRACED: u32 = 0x2;
pub(crate) const PROC_FLAG_CONTROLT: u32 = 0x80;
/// `<sys/proc_info_private.h>`: darwin background, set by the process itself
/// (`trp_int_darwinbg`) or from outside (`trp_ext_darwinbg`, what
/// `setpriority(PRIO_DARWIN_PROCESS, pid, PRIO_DARWIN_BG)` on another
/// process sets); filled in by `proc_get_darwinbgstate`.
pub(crate) const PROC_FLAG_DARWINBG: u32 = 0x8000;
pub(crate) const PROC_FLAG_EXT_DARWINBG: u32 = 0x1_0000;

/// The `arg` to pass with `PROC_PIDTBSDINFO`: xnu looks a pid up among the
/// zombies only when it is non-zero (`proc_pidinfo_internal`: `if (arg)
/// findzomb = 1`), so with 0 an unreaped child reads as gone.
pub(crate) const BSDINFO_FIND_ZOMBIES: u64 = 1;

/// The `proc_bsdinfo` fields used, as plain data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct BsdInfo {
    pub pid: Pid,
    pub ppid: Pid,
    pub pgid: Pid,
    /// `pbi_status`: a `p_stat` value (`state::SRUN` ..).
    pub status: u32,
    /// `pbi_flags`: `PROC_FLAG_*`.
    pub flags: u32,
    /// Effective uid.
    pub uid: u32,
    pub nice: i32,
    /// `pbi_comm`: the executable's name, at most 16 bytes.
    pub comm: String,
    /// `pbi_name`: a longer name (up to 32 bytes), empty when none was registered.
    pub name: String,
    pub tdev: u32,
    pub tpgid: u32,
    pub start_sec: u64,
    pub start_usec: u64,
}

impl BsdInfo {
    /// The same fields from a `kinfo_proc` (no `pbi_name` there).
    pub(crate) fn from_kinfo(k: &KinfoProc) -> Self {
        let mut flags = 0;
        if k.p_flag & P_TRACED != 0 {
            flags |= PROC_FLAG_TRACED;
        }
        if k.p_flag & P_CONTROLT != 0 {
            flags |= PROC_FLAG_CONTROLT;
        }
        Self {
            pid: k.pid,
            ppid: k.ppid,
            pgid: k.pgid,
            status: u32::from(k.p_stat),
            flags,
            uid: k.uid,
            nice: i32::from(k.nice),
            comm: k.comm.clone(),
            name: String::new(),
            tdev: k.tdev,
            tpgid: k.tpgid as u32,
            start_sec: k.start_sec,
            start_usec: k.start_usec,
        }
    }

    /// `ProcKey::start_time` on macOS: start in microseconds since the epoch.
    pub fn start_time(&self) -> u64 {
        start_micros(self.start_sec, self.start_usec)
    }

    /// The name to show: `pbi_name` when set (it is not cut at 16 bytes), else `pbi_comm`.
    pub(crate) fn display_name(&self) -> &str {
        if self.name.is_empty() {
            &self.comm
        } else {
            &self.name
        }
    }

    pub fn traced(&self) -> bool {
        self.flags & PROC_FLAG_TRACED != 0
    }

    /// In darwin background, by its own choice or another's (`taskpolicy -b`,
    /// whytop's `y`). `getpriority(PRIO_DARWIN_PROCESS, pid)` cannot tell:
    /// `get_background_proc` reads the *caller's* task policy.
    pub fn background(&self) -> bool {
        self.flags & (PROC_FLAG_DARWINBG | PROC_FLAG_EXT_DARWINBG) != 0
    }
}

/// After `setpriority(PRIO_DARWIN_PROCESS)`: whether the flags read back
/// (`pbi_flags`) show the state that was asked for.
pub(crate) fn background_took(wanted: bool, flags_after: u32) -> Result<(), BackgroundNotTaken> {
    let b = BsdInfo {
        flags: flags_after,
        ..BsdInfo::default()
    };
    if b.background() == wanted {
        Ok(())
    } else {
        Err(BackgroundNotTaken { wanted })
    }
}

/// The background state read back is not the one that was set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("background reads back {} after setting it {}", on_off(!self.wanted), on_off(self.wanted))]
pub(crate) struct BackgroundNotTaken {
    pub wanted: bool,
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

/// What a failed `setpriority` on macOS means (`bsd/kern/kern_resource.c`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SetPriorityError {
    /// ESRCH: no live process has the pid (`proc_find` fails; zombies too).
    Gone,
    /// EPERM: another user's process (`do_background_proc`, `donice`).
    Denied,
    /// EACCES: lowering nice needs root.
    NeedsRoot,
    /// Anything else, with its errno.
    Other(i32),
}

pub(crate) fn setpriority_error(errno: Option<i32>) -> SetPriorityError {
    match errno {
        Some(libc::ESRCH) => SetPriorityError::Gone,
        Some(libc::EPERM) => SetPriorityError::Denied,
        Some(libc::EACCES) => SetPriorityError::NeedsRoot,
        Some(e) => SetPriorityError::Other(e),
        None => SetPriorityError::Other(0),
    }
}

/// The `proc_taskinfo` fields used, as plain data (times in Mach ticks).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TaskInfo {
    pub virtual_size: u64,
    pub resident_size: u64,
    pub total_user: u64,
    pub total_system: u64,
    pub threadnum: i32,
    pub numrunning: i32,
    pub priority: i32,
    /// `pti_csw`: context switches so far.
    pub csw: i32,
}

/// What the backend looked up besides the two structs.
#[derive(Clone, Debug, Default)]
pub(crate) struct Extras {
    pub sid: Pid,
    pub user: Option<Arc<str>>,
    pub tty: Option<Arc<str>>,
    /// argv joined by spaces, `None` when `KERN_PROCARGS2` was refused or empty.
    pub cmdline: Option<Arc<str>>,
}

/// Builds one row. `task` is `None` when `PROC_PIDTASKINFO` failed (a zombie,
/// or another user's process without root): CPU, memory and threads then read 0.
pub(crate) fn build_sample(
    bsd: &BsdInfo,
    task: Option<&TaskInfo>,
    timebase: Timebase,
    extras: Extras,
) -> ProcSample {
    let state = proc_state(
        bsd.status,
        bsd.traced(),
        task.map(|t| t.numrunning.max(0) as u32),
    );
    let comm: Arc<str> = Arc::from(bsd.display_name());
    let cmdline = match (state, extras.cmdline) {
        (ProcState::Zombie, _) => Arc::from(""),
        (_, Some(c)) if !c.is_empty() => c,
        // Arguments unreadable: show the name rather than an empty line, which
        // would read as a kernel thread.
        _ => comm.clone(),
    };
    let has_tty = bsd.tdev != NODEV;
    ProcSample {
        pid: bsd.pid,
        ppid: bsd.ppid,
        pgid: bsd.pgid,
        sid: extras.sid,
        tty_nr: tty_nr(bsd.tdev),
        tpgid: if has_tty { bsd.tpgid as Pid } else { -1 },
        state,
        priority: task.map_or(0, |t| t.priority),
        nice: bsd.nice,
        threads: task.map_or(0, |t| t.threadnum.max(0) as u32),
        start_time: bsd.start_time(),
        cpu_ns: task.map_or(0, |t| {
            timebase.to_ns(t.total_user.saturating_add(t.total_system))
        }),
        run_delay_ns: 0,
        rss_bytes: task.map_or(0, |t| t.resident_size),
        vsz_bytes: task.map_or(0, |t| t.virtual_size),
        tgid: None,
        extra: Default::default(),
        info: std::sync::Arc::new(crate::model::ProcInfo {
            tty: extras.tty,
            uid: Some(bsd.uid),
            user: extras.user,
            started_at: start_secs(bsd.start_sec, bsd.start_usec),
            comm,
            cmdline,
            kernel_thread: false,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::darwin_decode::kinfo::{
        decode_kinfo_proc,
        tests::{kinfo_bytes, shell_fixture},
    };
    use crate::platform::darwin_decode::state::{SRUN, SZOMB};

    fn bsd() -> BsdInfo {
        BsdInfo {
            pid: 812,
            ppid: 1,
            pgid: 812,
            status: SRUN,
            flags: PROC_FLAG_CONTROLT,
            uid: 501,
            nice: 0,
            comm: "com.apple.WebKi".into(),
            name: "com.apple.WebKit.WebContent".into(),
            tdev: (16 << 24) | 2,
            tpgid: 812,
            start_sec: 1_700_000_100,
            start_usec: 250_000,
        }
    }

    fn task() -> TaskInfo {
        TaskInfo {
            virtual_size: 420_000_000_000,
            resident_size: 150 << 20,
            total_user: 2_400_000,
            total_system: 1_200_000,
            threadnum: 9,
            numrunning: 1,
            priority: 46,
            csw: 1200,
        }
    }

    fn extras() -> Extras {
        Extras {
            sid: 700,
            user: Some(Arc::from("dev")),
            tty: Some(Arc::from("ttys002")),
            cmdline: Some(Arc::from(
                "/System/Library/Frameworks/WebKit.framework/XPCServices/com.apple.WebKit.WebContent.xpc/Contents/MacOS/com.apple.WebKit.WebContent",
            )),
        }
    }

    #[test]
    fn full_row_on_apple_silicon() {
        let tb = Timebase {
            numer: 125,
            denom: 3,
        };
        let s = build_sample(&bsd(), Some(&task()), tb, extras());
        assert_eq!((s.pid, s.ppid, s.pgid, s.sid), (812, 1, 812, 700));
        assert_eq!(s.state, ProcState::Running);
        assert_eq!(&*s.comm, "com.apple.WebKit.WebContent");
        assert!(s.cmdline.ends_with("MacOS/com.apple.WebKit.WebContent"));
        // 3.6M ticks of 125/3 ns = 150 ms.
        assert_eq!(s.cpu_ns, 150_000_000);
        assert_eq!(s.rss_bytes, 150 << 20);
        assert_eq!(s.threads, 9);
        assert_eq!(s.priority, 46);
        assert_eq!(s.start_time, 1_700_000_100_250_000);
        assert!((s.started_at - 1_700_000_100.25).abs() < 1e-6);
        assert_eq!(s.tty_nr, 0x1000_0002);
        assert_eq!(s.tty.as_deref(), Some("ttys002"));
        assert_eq!(s.tpgid, 812);
        assert_eq!((s.uid, s.user.as_deref()), (Some(501), Some("dev")));
        assert!(!s.kernel_thread);
        assert_eq!(s.tgid, None);
    }

    #[test]
    fn other_users_process_without_task_info() {
        let mut b = bsd();
        b.tdev = NODEV;
        b.name.clear();
        let e = Extras {
            cmdline: None,
            tty: None,
            ..extras()
        };
        let s = build_sample(&b, None, Timebase::IDENTITY, e);
        assert_eq!(s.state, ProcState::Unknown);
        assert_eq!((s.cpu_ns, s.rss_bytes, s.threads), (0, 0, 0));
        assert_eq!(&*s.comm, "com.apple.WebKi");
        assert_eq!(&*s.cmdline, "com.apple.WebKi");
        assert_eq!((s.tty_nr, s.tpgid), (0, -1));
    }

    #[test]
    fn zombie_has_no_command_line() {
        let mut b = bsd();
        b.status = SZOMB;
        let s = build_sample(&b, None, Timebase::IDENTITY, extras());
        assert_eq!(s.state, ProcState::Zombie);
        assert_eq!(&*s.cmdline, "");
        assert_eq!(s.command(), "[com.apple.WebKit.WebContent]");
    }

    #[test]
    fn sleeping_when_no_thread_runs() {
        let t = TaskInfo {
            numrunning: 0,
            ..task()
        };
        let s = build_sample(&bsd(), Some(&t), Timebase::IDENTITY, extras());
        assert_eq!(s.state, ProcState::Sleeping);
        assert_eq!(s.cpu_ns, 3_600_000);
    }

    #[test]
    fn zombies_are_asked_for() {
        // proc_pidinfo_internal: findzomb only `if (arg)`.
        const { assert!(BSDINFO_FIND_ZOMBIES != 0) };
    }

    #[test]
    fn background_is_read_from_pbi_flags() {
        let mut b = bsd();
        assert!(!b.background());
        b.flags |= PROC_FLAG_EXT_DARWINBG; // set from outside, as whytop does
        assert!(b.background());
        b.flags = PROC_FLAG_DARWINBG | PROC_FLAG_CONTROLT; // set by itself
        assert!(b.background());
        assert_eq!(background_took(true, PROC_FLAG_EXT_DARWINBG), Ok(()));
        assert_eq!(background_took(false, PROC_FLAG_CONTROLT), Ok(()));
        let e = background_took(true, PROC_FLAG_CONTROLT).unwrap_err();
        assert!(e.to_string().contains("reads back off"), "{e}");
        // Only the process itself can clear its own internal background.
        assert!(background_took(false, PROC_FLAG_DARWINBG).is_err());
    }

    #[test]
    fn setpriority_errors() {
        assert_eq!(setpriority_error(Some(libc::ESRCH)), SetPriorityError::Gone);
        assert_eq!(
            setpriority_error(Some(libc::EPERM)),
            SetPriorityError::Denied
        );
        assert_eq!(
            setpriority_error(Some(libc::EACCES)),
            SetPriorityError::NeedsRoot
        );
        assert_eq!(
            setpriority_error(Some(libc::EINVAL)),
            SetPriorityError::Other(libc::EINVAL)
        );
    }

    #[test]
    fn from_kinfo_fallback() {
        let k = decode_kinfo_proc(&kinfo_bytes(&shell_fixture())).unwrap();
        let b = BsdInfo::from_kinfo(&k);
        assert_eq!((b.pid, b.ppid, b.pgid, b.uid), (4242, 4100, 4242, 501));
        assert_eq!(b.flags, PROC_FLAG_CONTROLT);
        assert_eq!(b.display_name(), "zsh");
        assert_eq!(b.start_time(), 1_700_000_000_654_321);
        assert_eq!(b.nice, -5);
        let s = build_sample(&b, Some(&task()), Timebase::IDENTITY, Extras::default());
        assert_eq!(s.tpgid, 4300);
        assert_eq!(&*s.cmdline, "zsh");
    }
}
