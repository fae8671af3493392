//! What macOS can say about why a process waits, decoded.
//!
//! Two sources, both cheap and available without root for the user's own
//! processes:
//! - `kinfo_proc`: whether the process has a controlling terminal
//!   (`P_CONTROLT`), and whether its process group is that terminal's
//!   foreground group (`e_tpgid == e_pgid`); traced / exiting / vfork flags.
//! - `proc_pidinfo(PROC_PIDTHREADINFO)` for each thread of
//!   `PROC_PIDLISTTHREADS`: the Mach run state (`pth_run_state`), how long it
//!   has slept, whether it is idle.
//!
//! `summarize_threads` reproduces `ps`'s one-letter state (adv_cmds
//! `tasks.c`: the "most active" thread wins: R < U < S < I < T < H < ?).
//! The classifier that turns these hints into a `WaitReason` lives in the
//! model; this module only decodes.

use super::kinfo::{KinfoProc, P_PPWAIT, P_WEXIT};
use super::state::{SSTOP, SZOMB};
use super::tty::NODEV;
use crate::model::Pid;
use crate::model::why::{Evidence, ThreadStates, Unreadable, UnreadableWhy};
use serde::{Deserialize, Serialize};

/// `pth_run_state` values (`<mach/thread_info.h>`).
pub(crate) const TH_STATE_RUNNING: i32 = 1;
pub(crate) const TH_STATE_STOPPED: i32 = 2;
pub(crate) const TH_STATE_WAITING: i32 = 3;
pub(crate) const TH_STATE_UNINTERRUPTIBLE: i32 = 4;
pub(crate) const TH_STATE_HALTED: i32 = 5;
/// `pth_flags` bits.
pub(crate) const TH_FLAGS_SWAPPED: i32 = 0x1;
pub(crate) const TH_FLAGS_IDLE: i32 = 0x2;
/// `pth_cpu_usage` is in parts of this scale.
pub(crate) const TH_USAGE_SCALE: i32 = 1000;
/// `ps` calls a thread waiting longer than this (seconds) idle rather than sleeping.
pub(crate) const IDLE_AFTER_SECS: u32 = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ThreadRunState {
    Running,
    Stopped,
    /// Interruptible wait (a syscall, a Mach message, a lock that can be signalled).
    Waiting,
    /// Uninterruptible wait: typically disk or VM I/O; `ps` shows `U`.
    Uninterruptible,
    Halted,
    Other(i32),
}

impl ThreadRunState {
    pub(crate) fn from_raw(v: i32) -> Self {
        match v {
            TH_STATE_RUNNING => Self::Running,
            TH_STATE_STOPPED => Self::Stopped,
            TH_STATE_WAITING => Self::Waiting,
            TH_STATE_UNINTERRUPTIBLE => Self::Uninterruptible,
            TH_STATE_HALTED => Self::Halted,
            other => Self::Other(other),
        }
    }
}

/// `struct proc_threadinfo` as the backend copies it out.
///
/// The times are nanoseconds on every Mac: `fill_taskthreadinfo`
/// (`osfmk/kern/bsd_kern.c`) converts `thread_info`'s seconds and
/// microseconds (`time_value_t`), unlike `proc_taskinfo`'s task totals, which
/// are Mach absolute-time units (see `time::Timebase`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RawThreadInfo {
    /// `pth_user_time`, ns.
    pub user_time: u64,
    /// `pth_system_time`, ns.
    pub system_time: u64,
    pub cpu_usage: i32,
    pub run_state: i32,
    pub flags: i32,
    pub sleep_time: i32,
    pub curpri: i32,
    /// `pth_priority`: the thread's base priority, which is what a QoS class
    /// sets (user-interactive 46, user-initiated 37, default 31, utility 20,
    /// background 4; see `qos::tier_of_base_priority`).
    pub priority: i32,
    /// `pth_name` bytes (`char[MAXTHREADNAMESIZE]`).
    pub name: Vec<u8>,
}

/// One thread, decoded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ThreadHint {
    /// The thread id (`PROC_PIDLISTTHREADIDS`, `thread_tid`): the number
    /// `sample` prints as `Thread_N` and spindump as `Thread 0xN`.
    pub id: u64,
    pub name: String,
    pub run_state: ThreadRunState,
    /// Seconds since it last ran (`pth_sleep_time`).
    pub sleep_secs: u32,
    pub idle: bool,
    pub swapped: bool,
    /// Recent CPU use, 0..=1000 per thread (`TH_USAGE_SCALE`).
    pub cpu_permille: u32,
    /// The current, scheduled priority (`pth_curpri`).
    pub priority: i32,
    /// The base priority (`pth_priority`), which maps to a QoS tier.
    #[serde(default)]
    pub base_priority: i32,
    pub cpu_ns: u64,
}

impl ThreadHint {
    pub(crate) fn decode(id: u64, raw: &RawThreadInfo) -> Self {
        Self {
            id,
            name: super::c_chars(&raw.name),
            run_state: ThreadRunState::from_raw(raw.run_state),
            sleep_secs: raw.sleep_time.max(0) as u32,
            idle: raw.flags & TH_FLAGS_IDLE != 0,
            swapped: raw.flags & TH_FLAGS_SWAPPED != 0,
            cpu_permille: raw.cpu_usage.clamp(0, TH_USAGE_SCALE) as u32,
            priority: raw.curpri,
            base_priority: raw.priority,
            // Already nanoseconds: no timebase here.
            cpu_ns: raw.user_time.saturating_add(raw.system_time),
        }
    }
}

/// Counts per run state and the state `ps` would print.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ThreadSummary {
    /// `ps`'s letter: R, U, S, I, T, H or ?.
    pub letter: char,
    pub running: u32,
    pub uninterruptible: u32,
    pub waiting: u32,
    pub stopped: u32,
    pub halted: u32,
    pub other: u32,
    /// The shortest sleep among waiting threads, seconds.
    pub shortest_wait_secs: Option<u32>,
}

/// `mach_state_order` from adv_cmds: lower is "more active".
fn order(t: &ThreadHint) -> (u8, char) {
    match t.run_state {
        ThreadRunState::Running => (1, 'R'),
        ThreadRunState::Uninterruptible => (2, 'U'),
        ThreadRunState::Waiting if t.sleep_secs > IDLE_AFTER_SECS => (4, 'I'),
        ThreadRunState::Waiting => (3, 'S'),
        ThreadRunState::Stopped => (5, 'T'),
        ThreadRunState::Halted => (6, 'H'),
        ThreadRunState::Other(_) => (7, '?'),
    }
}

/// `None` for no threads (a zombie, or the list was unreadable).
pub(crate) fn summarize_threads(threads: &[ThreadHint]) -> Option<ThreadSummary> {
    let most_active = threads.iter().map(order).min()?;
    let mut s = ThreadSummary {
        letter: most_active.1,
        ..Default::default()
    };
    for t in threads {
        match t.run_state {
            ThreadRunState::Running => s.running += 1,
            ThreadRunState::Uninterruptible => s.uninterruptible += 1,
            ThreadRunState::Waiting => {
                s.waiting += 1;
                s.shortest_wait_secs = Some(
                    s.shortest_wait_secs
                        .map_or(t.sleep_secs, |m| m.min(t.sleep_secs)),
                );
            }
            ThreadRunState::Stopped => s.stopped += 1,
            ThreadRunState::Halted => s.halted += 1,
            ThreadRunState::Other(_) => s.other += 1,
        }
    }
    Some(s)
}

/// Where the process stands with its controlling terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum TerminalRole {
    /// No controlling terminal (`P_CONTROLT` clear, or `e_tdev` is `NODEV`).
    None,
    /// Its process group is the terminal's foreground group: it may read the terminal.
    Foreground,
    /// A background group: reading the terminal would stop it with SIGTTIN.
    Background,
}

pub(crate) fn terminal_role(
    controlling_tty: bool,
    tdev: u32,
    pgid: Pid,
    tpgid: Pid,
) -> TerminalRole {
    if !controlling_tty || tdev == NODEV {
        TerminalRole::None
    } else if tpgid > 0 && tpgid == pgid {
        TerminalRole::Foreground
    } else {
        TerminalRole::Background
    }
}

/// Everything macOS tells about one process's waiting, for the classifier.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct MacWaitHints {
    pub pid: Pid,
    pub pgid: Pid,
    /// Foreground group of the controlling terminal (-1: no terminal).
    pub tpgid: Pid,
    /// The terminal's device number (`e_tdev`), when there is one.
    pub tty_dev: Option<u32>,
    pub terminal: TerminalRole,
    /// `p_stat == SSTOP`.
    pub stopped: bool,
    pub zombie: bool,
    /// `P_TRACED`: a debugger is attached.
    pub traced: bool,
    /// `P_WEXIT`: working its way through exit.
    pub exiting: bool,
    /// `P_PPWAIT`: a parent blocked in `vfork` until this child execs or exits.
    pub vfork_parent_waiting: bool,
    pub threads: Vec<ThreadHint>,
    pub summary: Option<ThreadSummary>,
    /// Why the threads could not be read (another user's process, say).
    pub threads_unreadable: Option<UnreadableWhy>,
}

/// The run-state counts the classifier judges (`Evidence::thread_states`).
pub(crate) fn thread_states(threads: &[ThreadHint]) -> Option<ThreadStates> {
    let s = summarize_threads(threads)?;
    Some(ThreadStates {
        running: s.running,
        waiting: s.waiting,
        uninterruptible: s.uninterruptible,
        stopped: s.stopped,
        halted: s.halted,
        other: s.other,
        shortest_wait_secs: s.shortest_wait_secs,
    })
}

/// Why the threads could not be read, as evidence: `EPERM`/`EACCES`
/// (another user's process without root) is a permission gap, `ESRCH` an
/// exit mid-read, anything else is said as it is.
pub(crate) fn threads_unreadable(err: &std::io::Error) -> UnreadableWhy {
    match err.raw_os_error() {
        Some(libc::EPERM | libc::EACCES) => UnreadableWhy::PermissionDenied,
        Some(libc::ESRCH) => UnreadableWhy::Gone,
        _ => UnreadableWhy::Other(err.to_string()),
    }
}

/// Puts what macOS told into `e` (made from the process list by
/// `Evidence::from_sample`): the terminal's foreground group as `kinfo_proc`
/// has it, the thread run states, or why they are missing. There is no wait
/// channel and no syscall file on macOS; `e` says so for the classifier.
pub(crate) fn apply_hints(h: &MacWaitHints, e: &mut Evidence) {
    e.pgrp = Some(h.pgid);
    e.tpgid = Some(h.tpgid);
    if h.terminal == TerminalRole::None {
        e.tty = None;
    }
    match &h.threads_unreadable {
        None => e.thread_states = thread_states(&h.threads),
        Some(why) => e.unreadable.push(Unreadable {
            what: "threads".into(),
            why: why.clone(),
        }),
    }
    mark_missing_on_macos(e);
}

/// The evidence macOS never has.
pub(crate) fn mark_missing_on_macos(e: &mut Evidence) {
    for what in ["wchan", "syscall"] {
        if e.why_unreadable(what).is_none() {
            e.unreadable.push(Unreadable {
                what: what.into(),
                why: UnreadableWhy::NotAvailable,
            });
        }
    }
}

/// Assembles the hints from a decoded `kinfo_proc` and the thread read.
pub(crate) fn build_hints(
    k: &KinfoProc,
    threads: Result<Vec<ThreadHint>, UnreadableWhy>,
) -> MacWaitHints {
    let terminal = terminal_role(k.has_controlling_tty(), k.tdev, k.pgid, k.tpgid);
    let (threads, threads_unreadable) = match threads {
        Ok(t) => (t, None),
        Err(why) => (Vec::new(), Some(why)),
    };
    MacWaitHints {
        pid: k.pid,
        pgid: k.pgid,
        tpgid: if k.tdev == NODEV { -1 } else { k.tpgid },
        tty_dev: (k.tdev != NODEV).then_some(k.tdev),
        terminal,
        stopped: u32::from(k.p_stat) == SSTOP,
        zombie: u32::from(k.p_stat) == SZOMB,
        traced: k.traced(),
        exiting: k.p_flag & P_WEXIT != 0,
        vfork_parent_waiting: k.p_flag & P_PPWAIT != 0,
        summary: summarize_threads(&threads),
        threads,
        threads_unreadable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProcState;
    use crate::platform::darwin_decode::kinfo::{
        P_CONTROLT, P_TRACED, decode_kinfo_proc,
        tests::{Fixture, kinfo_bytes, shell_fixture},
    };

    fn raw(run_state: i32, sleep: i32) -> RawThreadInfo {
        let mut name = b"com.apple.main-thread".to_vec();
        name.resize(64, 0);
        RawThreadInfo {
            user_time: 300,
            system_time: 0,
            cpu_usage: 0,
            run_state,
            flags: 0,
            sleep_time: sleep,
            curpri: 31,
            priority: 31,
            name,
        }
    }

    fn thread(run_state: i32, sleep: i32) -> ThreadHint {
        ThreadHint::decode(7, &raw(run_state, sleep))
    }

    #[test]
    fn decodes_a_thread() {
        let mut r = raw(TH_STATE_WAITING, 3);
        r.flags = TH_FLAGS_IDLE;
        r.cpu_usage = 1500; // above scale: clamped
        r.curpri = 46; // boosted above its base
        r.priority = 37; // user-initiated
        let t = ThreadHint::decode(0x1234, &r);
        assert_eq!(t.id, 0x1234);
        assert_eq!(t.name, "com.apple.main-thread");
        assert_eq!(t.run_state, ThreadRunState::Waiting);
        assert_eq!(t.sleep_secs, 3);
        assert!(t.idle && !t.swapped);
        assert_eq!(t.cpu_permille, 1000);
        // pth_user_time + pth_system_time are ns already (fill_taskthreadinfo),
        // on Apple Silicon too: 300 ns stay 300 ns, never 300 * 125 / 3.
        assert_eq!(t.cpu_ns, 300);
        assert_eq!((t.priority, t.base_priority), (46, 37));
        assert_eq!(ThreadRunState::from_raw(9), ThreadRunState::Other(9));
    }

    #[test]
    fn ps_letters() {
        let letter = |ts: &[ThreadHint]| summarize_threads(ts).map(|s| s.letter);
        assert_eq!(letter(&[]), None);
        let run = thread(TH_STATE_RUNNING, 0);
        let wait = thread(TH_STATE_WAITING, 2);
        let long_wait = thread(TH_STATE_WAITING, 120);
        let disk = thread(TH_STATE_UNINTERRUPTIBLE, 0);
        let stop = thread(TH_STATE_STOPPED, 0);
        assert_eq!(letter(&[wait.clone(), run.clone()]), Some('R'));
        assert_eq!(letter(&[wait.clone(), disk.clone()]), Some('U'));
        assert_eq!(letter(&[long_wait.clone(), wait.clone()]), Some('S'));
        assert_eq!(letter(std::slice::from_ref(&long_wait)), Some('I'));
        assert_eq!(letter(&[stop.clone(), long_wait.clone()]), Some('I'));
        assert_eq!(letter(std::slice::from_ref(&stop)), Some('T'));
        let s = summarize_threads(&[run, wait, long_wait, disk, stop]).unwrap();
        assert_eq!(
            (s.running, s.waiting, s.uninterruptible, s.stopped),
            (1, 2, 1, 1)
        );
        assert_eq!(s.shortest_wait_secs, Some(2));
        assert_eq!(s.letter, 'R');
    }

    #[test]
    fn terminal_roles() {
        let dev = (16 << 24) | 3;
        assert_eq!(terminal_role(true, dev, 500, 500), TerminalRole::Foreground);
        assert_eq!(terminal_role(true, dev, 500, 600), TerminalRole::Background);
        assert_eq!(terminal_role(true, dev, 500, 0), TerminalRole::Background);
        assert_eq!(terminal_role(false, dev, 500, 500), TerminalRole::None);
        assert_eq!(terminal_role(true, NODEV, 500, 500), TerminalRole::None);
    }

    #[test]
    fn foreground_cat_waiting_for_input() {
        // `cat` in the foreground of ttys003: its group is the terminal's group.
        let f = Fixture {
            pid: 4300,
            pgid: 4300,
            tpgid: 4300,
            comm: "cat",
            ..shell_fixture()
        };
        let k = decode_kinfo_proc(&kinfo_bytes(&f)).unwrap();
        let h = build_hints(&k, Ok(vec![thread(TH_STATE_WAITING, 5)]));
        assert_eq!(h.terminal, TerminalRole::Foreground);
        assert_eq!(h.tty_dev, Some((16 << 24) | 3));
        assert_eq!(h.tpgid, 4300);
        assert_eq!(h.terminal, TerminalRole::Foreground);
        assert!(!h.stopped && !h.traced && !h.zombie);
        assert_eq!(h.summary.as_ref().map(|s| s.letter), Some('S'));
    }

    #[test]
    fn background_job_stopped_by_a_debugger() {
        let f = Fixture {
            p_flag: P_CONTROLT | P_TRACED,
            p_stat: SSTOP as i8,
            ..shell_fixture() // pgid 4242, tpgid 4300: background
        };
        let k = decode_kinfo_proc(&kinfo_bytes(&f)).unwrap();
        let h = build_hints(&k, Err(UnreadableWhy::PermissionDenied));
        assert_eq!(h.terminal, TerminalRole::Background);
        assert!(h.stopped && h.traced);
        assert!(h.threads.is_empty() && h.summary.is_none());
        assert_eq!(h.threads_unreadable, Some(UnreadableWhy::PermissionDenied));
        // The hints serialize for `--json` and diagnostics bundles.
        let j = serde_json::to_value(&h).unwrap();
        assert_eq!(j["terminal"], "background");
    }

    #[test]
    fn thread_read_errors_become_evidence_by_errno() {
        use std::io::Error;
        let of = |n| threads_unreadable(&Error::from_raw_os_error(n));
        assert_eq!(of(libc::EPERM), UnreadableWhy::PermissionDenied);
        assert_eq!(of(libc::EACCES), UnreadableWhy::PermissionDenied);
        assert_eq!(of(libc::ESRCH), UnreadableWhy::Gone);
        assert!(matches!(of(libc::EIO), UnreadableWhy::Other(_)));
    }

    /// What the macOS backend starts from: the process list's fields.
    fn listed(pid: Pid, tty: Option<&str>, children: Vec<crate::model::why::ChildRef>) -> Evidence {
        Evidence {
            pid,
            comm: Some("cat".into()),
            state: Some(ProcState::Sleeping),
            kernel_thread: Some(false),
            threads: Some(1),
            tty: tty.map(Into::into),
            children: Some(children),
            ..Default::default()
        }
    }

    #[test]
    fn the_classifier_judges_macos_hints_honestly() {
        use crate::model::why::{WaitReason, classify};
        let fg = Fixture {
            pid: 4300,
            pgid: 4300,
            tpgid: 4300,
            comm: "cat",
            ..shell_fixture()
        };
        let k = decode_kinfo_proc(&kinfo_bytes(&fg)).unwrap();
        // The foreground job of its terminal, every thread waiting: probably input, weak.
        let mut e = listed(4300, Some("ttys003"), vec![]);
        apply_hints(
            &build_hints(&k, Ok(vec![thread(TH_STATE_WAITING, 5)])),
            &mut e,
        );
        let v = classify(&e);
        assert_eq!((v.reason, v.weak), (WaitReason::Input, true), "{v:#?}");
        assert!(!v.ready_for_input, "a guess does not claim readiness");
        assert!(v.detail.contains("no syscall"), "{}", v.detail);
        // A running thread is sure.
        let mut e = listed(4300, Some("ttys003"), vec![]);
        apply_hints(
            &build_hints(
                &k,
                Ok(vec![
                    thread(TH_STATE_WAITING, 5),
                    thread(TH_STATE_RUNNING, 0),
                ]),
            ),
            &mut e,
        );
        assert_eq!(classify(&e).reason, WaitReason::Running);
        // A background job: waiting on something macOS cannot name.
        let bg = decode_kinfo_proc(&kinfo_bytes(&shell_fixture())).unwrap();
        let mut e = listed(4242, Some("ttys003"), vec![]);
        apply_hints(
            &build_hints(&bg, Ok(vec![thread(TH_STATE_WAITING, 30)])),
            &mut e,
        );
        let v = classify(&e);
        assert_eq!((v.reason, v.weak), (WaitReason::Unknown, true), "{v:#?}");
        assert!(v.detail.contains("background"), "{}", v.detail);
        // Another user's process: the threads cannot be read, and the detail says why.
        let mut e = listed(4242, Some("ttys003"), vec![]);
        e.state = Some(ProcState::Unknown);
        apply_hints(
            &build_hints(&bg, Err(UnreadableWhy::PermissionDenied)),
            &mut e,
        );
        let v = classify(&e);
        assert_eq!(v.reason, WaitReason::Unknown);
        assert!(
            v.detail.contains("threads: permission denied") && v.detail.contains("not available"),
            "{}",
            v.detail
        );
        // An uninterruptible thread: disk, weak.
        let mut e = listed(4300, None, vec![]);
        apply_hints(
            &build_hints(&k, Ok(vec![thread(TH_STATE_UNINTERRUPTIBLE, 0)])),
            &mut e,
        );
        assert_eq!(classify(&e).reason, WaitReason::Disk);
    }

    #[test]
    fn daemon_without_terminal() {
        let f = Fixture {
            tdev: NODEV,
            p_flag: 0,
            tpgid: 0,
            ..shell_fixture()
        };
        let k = decode_kinfo_proc(&kinfo_bytes(&f)).unwrap();
        let h = build_hints(&k, Ok(vec![thread(TH_STATE_WAITING, 600)]));
        assert_eq!(h.terminal, TerminalRole::None);
        assert_eq!((h.tpgid, h.tty_dev), (-1, None));
        assert_eq!(
            h.summary.unwrap().letter,
            'I',
            "a wait of over 20 s is idle"
        );
    }
}
