//! The last word: a verdict made to agree with the state letter the row shows
//! and with how the process spent the last interval.
//!
//! - Z and X are always `zombie`, T `stopped`, t `traced`, I `idle`;
//! - R is `running`, or `starved` when its main thread waited for a CPU most of
//!   the interval;
//! - S (and any letter but D) that used CPU above a small share of a core is
//!   `running`, whatever its main thread waits on: a threaded program whose
//!   workers burn while the main thread joins them is busy, not locked;
//! - no `zombie`, `stopped`, `traced`, `starved` (nor `running`, in D) without
//!   its letter: such a verdict was read from a state that has since changed.

use super::WaitReason::{self, *};
use super::usage::{CpuUsage, percent};
use super::{Verdict, WhyTag};
use crate::model::ProcState;

/// The reason `reason` becomes for a row showing `state`, given `usage`.
pub fn word(reason: WaitReason, state: ProcState, usage: Option<&CpuUsage>) -> WaitReason {
    let busy = usage.is_some_and(CpuUsage::busy);
    let starved = usage.is_some_and(CpuUsage::starved);
    match state {
        ProcState::Zombie | ProcState::Dead => Zombie,
        ProcState::Stopped => Stopped,
        ProcState::Traced => Traced,
        ProcState::Idle => Idle,
        ProcState::Running if starved => Starved,
        ProcState::Running => Running,
        ProcState::DiskSleep => match reason {
            Zombie | Stopped | Traced | Running | Starved => Disk,
            r => r,
        },
        ProcState::Sleeping | ProcState::Unknown => match reason {
            _ if busy => Running,
            Zombie | Stopped | Traced | Starved => Unknown,
            r => r,
        },
    }
}

/// The tag, settled (see the module's rules).
pub(crate) fn settle_tag(tag: WhyTag, state: ProcState, usage: Option<&CpuUsage>) -> WhyTag {
    let reason = word(tag.reason, state, usage);
    if reason == tag.reason {
        return tag;
    }
    WhyTag {
        reason,
        ready: false,
        weak: reason == Unknown,
        ..tag
    }
}

/// The verdict, settled, with a detail that says why it changed. `threads`:
/// the verdicts of its other threads, when read (to say how many run).
pub(crate) fn settle_verdict(
    v: &mut Verdict,
    state: ProcState,
    usage: Option<&CpuUsage>,
    threads: &[Verdict],
) {
    let reason = word(v.reason, state, usage);
    if reason == v.reason {
        if reason == Running
            && let Some(u) = usage
        {
            v.detail.push_str(&format!(
                "; {} of a core over the last interval",
                percent(u.cpu_share())
            ));
        }
        return;
    }
    let was = v.reason;
    let main_line = std::mem::take(&mut v.detail);
    v.detail = match (reason, usage) {
        (Running, Some(u)) if u.busy() => busy_detail(u, was, &main_line, v, threads),
        (Running, _) => "on a CPU, or runnable".into(),
        (Starved, Some(u)) => format!("runnable but waiting for a CPU: {}", u.describe()),
        (Zombie, _) => "exited; its parent has not collected its status (wait)".into(),
        (Stopped, _) => format!(
            "stopped by a signal (SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU): fg or kill -CONT resumes it{}",
            tracer_note(v)
        ),
        (Traced, _) => "stopped by its tracer (a debugger or strace)".into(),
        (Disk, _) => "uninterruptible wait (usually disk or network filesystem I/O)".into(),
        (Idle, _) => "idle kernel task".into(),
        _ => format!(
            "its state changed to {} while it was being read ({main_line})",
            state.letter()
        ),
    };
    v.decided_by.push(match (reason, usage) {
        (Running | Starved, Some(u)) => format!(
            "CPU {} and waiting {} of the interval",
            percent(u.cpu_share()),
            percent(u.wait_share())
        ),
        _ => format!("state {}", state.letter()),
    });
    v.reason = reason;
    v.ready_for_input = false;
    v.weak = reason == Unknown;
    v.child = None;
}

/// A busy process whose main thread waits: say so, and how many threads run.
fn busy_detail(
    u: &CpuUsage,
    was: WaitReason,
    main_line: &str,
    v: &Verdict,
    threads: &[Verdict],
) -> String {
    let total = v.evidence.threads.unwrap_or(1).max(1);
    let mut d = format!(
        "busy: {} of a core over the last interval",
        percent(u.cpu_share())
    );
    if total > 1 {
        if threads.is_empty() {
            d.push_str(&format!(" across its {total} threads"));
        } else {
            let running = threads
                .iter()
                .filter(|t| t.evidence.state == Some(ProcState::Running))
                .count();
            d.push_str(&format!(
                "; {running} of its other {} threads on a CPU now",
                threads.len()
            ));
        }
    }
    d.push_str(&format!("; the main thread: {was}, {main_line}"));
    d
}

fn tracer_note(v: &Verdict) -> String {
    match v.evidence.tracer.filter(|t| *t > 0) {
        Some(t) => format!(" (traced by {t})"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::why::usage::one_second as usage;

    #[test]
    fn the_letter_decides_the_final_states() {
        for r in WaitReason::ALL {
            assert_eq!(word(r, ProcState::Zombie, None), Zombie, "{r}");
            assert_eq!(word(r, ProcState::Dead, None), Zombie, "{r}");
            assert_eq!(word(r, ProcState::Stopped, None), Stopped, "{r}");
            assert_eq!(word(r, ProcState::Traced, None), Traced, "{r}");
            let busy = usage(900, 0);
            assert_eq!(word(r, ProcState::Zombie, Some(&busy)), Zombie, "{r}");
        }
    }

    #[test]
    fn no_final_word_without_its_letter() {
        for state in [
            ProcState::Sleeping,
            ProcState::DiskSleep,
            ProcState::Running,
        ] {
            for r in WaitReason::ALL {
                let w = word(r, state, Some(&usage(0, 0)));
                assert!(
                    !matches!(w, Zombie | Stopped | Traced),
                    "{r} in {state:?} gave {w}"
                );
                if state != ProcState::Running {
                    assert_ne!(w, Starved, "{r} in {state:?}");
                }
            }
        }
        assert_eq!(word(Running, ProcState::DiskSleep, None), Disk);
        assert_eq!(word(Zombie, ProcState::Sleeping, None), Unknown);
    }

    #[test]
    fn r_is_running_or_starved() {
        assert_eq!(word(Lock, ProcState::Running, None), Running);
        assert_eq!(
            word(Running, ProcState::Running, Some(&usage(990, 3))),
            Running
        );
        assert_eq!(
            word(Running, ProcState::Running, Some(&usage(330, 660))),
            Starved
        );
        assert_eq!(
            word(Unknown, ProcState::Running, Some(&usage(100, 500))),
            Starved
        );
    }

    #[test]
    fn cpu_used_makes_a_sleeping_process_running() {
        assert_eq!(
            word(Lock, ProcState::Sleeping, Some(&usage(1480, 0))),
            Running
        );
        assert_eq!(
            word(Lock, ProcState::Sleeping, Some(&usage(880, 0))),
            Running
        );
        assert_eq!(word(Lock, ProcState::Sleeping, Some(&usage(20, 0))), Lock);
        assert_eq!(word(Input, ProcState::Sleeping, Some(&usage(99, 0))), Input);
        // A disk wait stays a disk wait (its letter says so).
        assert_eq!(word(Disk, ProcState::DiskSleep, Some(&usage(900, 0))), Disk);
    }

    #[test]
    fn a_busy_verdict_says_what_the_main_thread_waits_for() {
        let mut v = crate::model::why::classify(&crate::model::why::Evidence {
            pid: 7,
            state: Some(ProcState::Sleeping),
            threads: Some(3),
            ..Default::default()
        });
        v.reason = Lock;
        v.detail = "waiting on a futex at 0x10".into();
        settle_verdict(&mut v, ProcState::Sleeping, Some(&usage(1480, 0)), &[]);
        assert_eq!(v.reason, Running);
        assert!(v.detail.contains("148 % of a core"), "{}", v.detail);
        assert!(v.detail.contains("across its 3 threads"), "{}", v.detail);
        assert!(
            v.detail
                .contains("the main thread: lock, waiting on a futex"),
            "{}",
            v.detail
        );
    }

    #[test]
    fn a_starved_verdict_gives_the_shares() {
        let mut v = crate::model::why::classify(&crate::model::why::Evidence {
            pid: 7,
            state: Some(ProcState::Running),
            ..Default::default()
        });
        settle_verdict(&mut v, ProcState::Running, Some(&usage(330, 660)), &[]);
        assert_eq!(v.reason, Starved);
        assert_eq!(
            v.detail,
            "runnable but waiting for a CPU: ran 33 % and waited for a CPU 66 % of the last 1.0 s"
        );
    }

    #[test]
    fn tags_settle_alike() {
        let t = WhyTag {
            ready: true,
            ..WhyTag::of(Input)
        };
        let s = settle_tag(t, ProcState::Zombie, None);
        assert_eq!((s.reason, s.ready), (Zombie, false));
        assert_eq!(settle_tag(t, ProcState::Sleeping, None), t);
    }
}
