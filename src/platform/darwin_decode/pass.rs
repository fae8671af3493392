//! One listing pass on macOS, planned: what `sysctl({CTL_KERN, KERN_PROC,
//! KERN_PROC_ALL})` gave for every process (zombies included: the sysctl walks
//! `PROC_ALLPROCLIST | PROC_ZOMBPROCLIST`), what was kept from the last pass,
//! and from both, which per-pid calls this process needs.
//!
//! Per pass: the one sysctl, then `PROC_PIDTASKINFO` per process whose task
//! may be read (not a zombie, not one that refused before: another user's
//! without root), whose CPU time and context switches tell whether it ran.
//! `PROC_PIDTBSDINFO` (the long name), `getsid` and `KERN_PROCARGS2` only for
//! a process that is new or exec'd (`getsid` also when its group changed).
//! `proc_pid_rusage(RUSAGE_INFO_V4)`, the oldest thread's info and
//! `PROC_PIDTBSDINFO` (QoS, background, footprint, energy, disk I/O) for a
//! process that is new or whose CPU time changed, if the caller may read it
//! (its own, or any as root); one that did not run keeps the last figures.
//! Only processes that ran, changed state, group or terminal, or are new are
//! "fresh" (re-judged).

use crate::platform::decode_error::DecodeError;

use super::kinfo::KinfoProc;
use super::sample::TaskInfo;

/// What one pass kept of a process, to compare the next pass with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    pub start_time: u64,
    pub comm: String,
    pub pgid: i32,
    pub p_stat: u8,
    pub tpgid: i32,
    pub tdev: u32,
    pub nice: i8,
    pub p_flag: i32,
    /// `pti_total_user + pti_total_system` (Mach ticks), `None` when unread.
    pub cpu_ticks: Option<u64>,
    /// `pti_csw`: context switches.
    pub csw: Option<i32>,
}

impl Seen {
    pub fn new(k: &KinfoProc, task: Option<&TaskInfo>) -> Seen {
        Seen {
            start_time: super::time::start_micros(k.start_sec, k.start_usec),
            comm: k.comm.clone(),
            pgid: k.pgid,
            p_stat: k.p_stat,
            tpgid: k.tpgid,
            tdev: k.tdev,
            nice: k.nice,
            p_flag: k.p_flag,
            cpu_ticks: task.map(|t| t.total_user.saturating_add(t.total_system)),
            csw: task.map(|t| t.csw),
        }
    }
}

/// Which per-pid reads a process needs this pass.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Reads {
    /// Re-judge it (its wait evidence): it ran, changed, or is new.
    pub fresh: bool,
    /// `PROC_PIDTBSDINFO`: the long name (`pbi_name`), for a new or exec'd process.
    pub bsd: bool,
    /// `getsid`.
    pub sid: bool,
    /// `KERN_PROCARGS2`.
    pub args: bool,
    /// `proc_pid_rusage` and the rest of the macOS figures: new, or its CPU
    /// time changed.
    pub usage: bool,
}

/// The reads `now` needs given what the last pass saw of the same pid.
pub fn reads(prev: Option<&Seen>, now: &Seen) -> Reads {
    let Some(p) = prev.filter(|p| p.start_time == now.start_time) else {
        return Reads {
            fresh: true,
            bsd: true,
            sid: true,
            args: true,
            usage: true,
        };
    };
    // An exec keeps the pid and the start time; p_comm changes.
    let exec = p.comm != now.comm;
    let ran = p.cpu_ticks != now.cpu_ticks || p.csw != now.csw;
    let moved = p.pgid != now.pgid;
    let changed = p.p_stat != now.p_stat
        || p.tpgid != now.tpgid
        || p.tdev != now.tdev
        || p.nice != now.nice
        || p.p_flag != now.p_flag;
    Reads {
        fresh: exec || ran || moved || changed,
        bsd: exec,
        sid: moved,
        args: exec,
        usage: p.cpu_ticks != now.cpu_ticks,
    }
}

/// Whether to read a process's macOS figures: as `reads` says, and only one
/// the caller may read (`proc_pid_rusage` refuses another user's without root).
pub(crate) fn ask_usage(r: &Reads, uid: u32, euid: u32) -> bool {
    r.usage && (euid == 0 || uid == euid)
}

/// Whether to ask `PROC_PIDTASKINFO` at all: not for a zombie (it has no
/// task: ESRCH), nor for a process whose task refused this caller before
/// (another user's, without root; the refusal does not change while the
/// process lives).
pub(crate) fn ask_task(is_zombie: bool, refused_before: bool) -> bool {
    !is_zombie && !refused_before
}

/// The bytes of a `KERN_PROC_ALL` answer, as `kinfo_proc` records.
pub(crate) fn decode_kinfo_all(buf: &[u8]) -> Result<Vec<KinfoProc>, DecodeError> {
    use super::kinfo::{KINFO_PROC_SIZE, decode_kinfo_proc};
    if !buf.len().is_multiple_of(KINFO_PROC_SIZE) {
        return Err(DecodeError::Ragged {
            what: "KERN_PROC_ALL",
            got: buf.len(),
            record: KINFO_PROC_SIZE,
        });
    }
    buf.chunks_exact(KINFO_PROC_SIZE)
        .map(decode_kinfo_proc)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProcState;
    use crate::platform::darwin_decode::kinfo::tests::{Fixture, kinfo_bytes, shell_fixture};
    use crate::platform::darwin_decode::sample::{BsdInfo, Extras, build_sample};
    use crate::platform::darwin_decode::state::{SRUN, SSTOP, SZOMB};
    use crate::platform::darwin_decode::time::Timebase;

    fn task(cpu: u64, csw: i32) -> TaskInfo {
        TaskInfo {
            total_user: cpu,
            csw,
            threadnum: 1,
            ..TaskInfo::default()
        }
    }

    /// Three records end to end, as the sysctl returns them: a shell, its
    /// stopped job and an unreaped child of the job (a zombie).
    fn table() -> Vec<u8> {
        let shell = shell_fixture();
        let stopped = Fixture {
            pid: 4300,
            ppid: 4242,
            pgid: 4300,
            p_stat: SSTOP as i8,
            comm: "vim",
            ..shell_fixture()
        };
        let zombie = Fixture {
            pid: 4301,
            ppid: 4300,
            pgid: 4300,
            p_stat: SZOMB as i8,
            p_flag: 0,
            comm: "true",
            ..shell_fixture()
        };
        [shell, stopped, zombie]
            .iter()
            .flat_map(kinfo_bytes)
            .collect()
    }

    #[test]
    fn the_whole_table_in_one_answer() {
        let all = decode_kinfo_all(&table()).unwrap();
        assert_eq!(
            all.iter().map(|k| (k.pid, k.p_stat)).collect::<Vec<_>>(),
            [(4242, SRUN as u8), (4300, SSTOP as u8), (4301, SZOMB as u8)]
        );
        // The zombie is listed as one, from kinfo_proc alone (no task).
        let z = BsdInfo::from_kinfo(&all[2]);
        assert!(!ask_task(z.status == SZOMB, false));
        let s = build_sample(&z, None, Timebase::IDENTITY, Extras::default());
        assert_eq!(s.state, ProcState::Zombie);
        assert_eq!(s.ppid, 4300);
        let stopped = build_sample(
            &BsdInfo::from_kinfo(&all[1]),
            Some(&task(5, 3)),
            Timebase::IDENTITY,
            Extras::default(),
        );
        assert_eq!(stopped.state, ProcState::Stopped);
        assert!(decode_kinfo_all(&[]).unwrap().is_empty());
        assert!(decode_kinfo_all(&table()[..700]).is_err());
    }

    #[test]
    fn only_what_changed_is_read_again() {
        let k = crate::platform::darwin_decode::kinfo::decode_kinfo_proc(&kinfo_bytes(
            &shell_fixture(),
        ))
        .unwrap();
        let first = Seen::new(&k, Some(&task(100, 7)));
        let all = Reads {
            fresh: true,
            bsd: true,
            sid: true,
            args: true,
            usage: true,
        };
        assert_eq!(reads(None, &first), all);
        // Idle: same CPU, same switches: nothing but the task info it took to know.
        assert_eq!(reads(Some(&first), &first), Reads::default());
        // Ran: re-judged, its usage read again, nothing else.
        let ran = Seen::new(&k, Some(&task(101, 7)));
        let r = reads(Some(&first), &ran);
        assert_eq!(
            r,
            Reads {
                fresh: true,
                usage: true,
                ..Reads::default()
            }
        );
        // Its own user's, or any as root; not another user's.
        assert!(ask_usage(&r, 501, 501) && ask_usage(&r, 501, 0));
        assert!(!ask_usage(&r, 501, 502));
        assert!(!ask_usage(&Reads::default(), 501, 501));
        // Switched without CPU time to show for it: re-judged, usage not re-read.
        let switched = Seen::new(&k, Some(&task(100, 8)));
        let r = reads(Some(&first), &switched);
        assert!(r.fresh && !r.usage);
        // Exec'd: same pid and start, new p_comm: name and argv again.
        let mut execd = first.clone();
        execd.comm = "python3".into();
        let r = reads(Some(&first), &execd);
        assert!(r.fresh && r.bsd && r.args && !r.sid);
        // setsid/setpgid: the session again.
        let mut moved = first.clone();
        moved.pgid = 5000;
        let r = reads(Some(&first), &moved);
        assert!(r.fresh && r.sid && !r.args);
        // Stopped, or its terminal's foreground changed: re-judged.
        let mut stopped = first.clone();
        stopped.p_stat = SSTOP as u8;
        assert!(reads(Some(&first), &stopped).fresh);
        let mut fg = first.clone();
        fg.tpgid = 1;
        assert!(reads(Some(&first), &fg).fresh);
        // The pid was reused: a new process.
        let mut reused = first.clone();
        reused.start_time += 1;
        assert_eq!(reads(Some(&first), &reused), all);
        // Refused task info: unread both times, not "ran".
        let refused = Seen::new(&k, None);
        assert_eq!(reads(Some(&refused), &refused), Reads::default());
        assert!(!ask_task(false, true));
        assert!(ask_task(false, false));
    }
}
