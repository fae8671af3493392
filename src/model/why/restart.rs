//! `restart_syscall`: where a sleep, a poll or a futex wait resumes after a
//! stop (Ctrl-Z then `bg`, `kill -STOP`/`-CONT`) or a ptrace attach broke it
//! off. Its syscall file then names `restart_syscall` and its wait channel is
//! often the useless `do_syscall_64`. Only three kinds of call restart this
//! way (nanosleep/clock_nanosleep, poll with a timeout, futex waits with a
//! timeout), and these tell which, best first:
//! 1. its kernel stack (`hrtimer_nanosleep_restart`, `do_restart_poll`,
//!    `futex_wait_restart`; root only);
//! 2. the call whytop saw it in at an earlier refresh, at the same instruction;
//! 3. its wait channel when it names one of the three;
//! 4. the instructions just before its PC (`mov $230, %eax; syscall`): the
//!    call made there, though a jump could have led elsewhere (weak);
//! 5. an earlier call at another instruction, or its registers, which still
//!    hold the interrupted call's arguments (weak).

use super::evidence::{Evidence, Syscall};

/// Which call it resumed, how that is known, and whether that is a guess.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResumedCall {
    /// `nanosleep`, `clock_nanosleep`, `poll` or `futex`.
    pub call: &'static str,
    pub how: String,
    pub weak: bool,
}

/// The restartable call a kernel function belongs to.
fn family_of_kernel_fn(f: &str) -> Option<&'static str> {
    let f = base_name(f);
    Some(match f {
        "hrtimer_nanosleep_restart"
        | "hrtimer_nanosleep"
        | "do_nanosleep"
        | "common_nsleep"
        | "common_nsleep_timens"
        | "posix_cpu_nsleep_restart"
        | "posix_cpu_nsleep" => "nanosleep",
        "do_restart_poll" | "do_sys_poll" | "poll_schedule_timeout" => "poll",
        "futex_wait_restart"
        | "futex_wait"
        | "__futex_wait"
        | "futex_do_wait"
        | "futex_wait_queue"
        | "futex_wait_queue_me" => "futex",
        _ => return None,
    })
}

/// `poll_schedule_timeout.constprop.0` -> `poll_schedule_timeout`.
pub(crate) fn base_name(f: &str) -> &str {
    let f = f.split('+').next().unwrap_or(f);
    f.split_once('.').map_or(f, |(b, _)| b)
}

/// The restartable call a syscall name is, if it is one.
fn family_of_call(name: &str) -> Option<&'static str> {
    Some(match name {
        "nanosleep" => "nanosleep",
        "clock_nanosleep" | "clock_nanosleep_time64" => "clock_nanosleep",
        "poll" => "poll",
        "futex" | "futex_time64" => "futex",
        _ => return None,
    })
}

fn call_name(sc: &Syscall, nr: i64) -> Option<&'static str> {
    crate::model::syscalls::name(sc.arch?, nr)
}

/// What the evidence says `sc` (a `restart_syscall`) resumed; None when nothing tells.
pub fn resumed_call(e: &Evidence, sc: &Syscall) -> Option<ResumedCall> {
    let r = e.resumed.as_ref();
    let strong = |call, how: String| {
        Some(ResumedCall {
            call,
            how,
            weak: false,
        })
    };
    let weak = |call, how: String| {
        Some(ResumedCall {
            call,
            how,
            weak: true,
        })
    };
    // The restart function itself is exact; a wait function below it will do.
    if let Some(r) = r {
        let restart_fn = r
            .stack
            .iter()
            .find(|f| base_name(f).contains("restart") && family_of_kernel_fn(f).is_some())
            .or_else(|| r.stack.iter().find(|f| family_of_kernel_fn(f).is_some()));
        if let Some(f) = restart_fn {
            return strong(
                family_of_kernel_fn(f)?,
                format!("its kernel stack shows {}", base_name(f)),
            );
        }
        if let Some(c) = r.earlier.filter(|c| c.same_pc)
            && let Some(n) = call_name(sc, c.nr)
            && let Some(call) = family_of_call(n)
        {
            return strong(
                call,
                format!("whytop saw it in {n} at an earlier refresh, at the same instruction"),
            );
        }
    }
    if let Some(w) = e.wchan.as_deref()
        && let Some(call) = family_of_kernel_fn(w)
    {
        return strong(call, format!("its kernel wait channel is {}", base_name(w)));
    }
    if let Some(r) = r {
        if let Some(nr) = r.code_nr
            && let Some(n) = call_name(sc, nr)
            && let Some(call) = family_of_call(n)
        {
            return weak(
                call,
                format!("the instructions before its PC load syscall {nr} ({n})"),
            );
        }
        if let Some(c) = r.earlier
            && let Some(n) = call_name(sc, c.nr)
            && let Some(call) = family_of_call(n)
        {
            return weak(
                call,
                format!("whytop saw it in {n} at an earlier refresh (at another instruction)"),
            );
        }
    }
    // clock_nanosleep(clock id, flags 0 or TIMER_ABSTIME, request, remainder):
    // the registers keep the interrupted call's arguments.
    let a = &sc.args;
    if a[0] < 16 && a[1] <= 1 && a[2] >= 4096 {
        return weak(
            "clock_nanosleep",
            format!(
                "its registers still hold arguments shaped like clock_nanosleep(clock {}, flags {}, request, remainder)",
                a[0], a[1]
            ),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProcState;
    use crate::model::syscalls::Arch::{self, Aarch64, X86_64};
    use crate::model::why::{EarlierCall, Resumed, SyscallState, WaitReason, classify};

    /// `sleep 300` after kill -STOP/-CONT, as /proc showed it on x86_64 (219 is
    /// restart_syscall there, 128 on aarch64); args are clock_nanosleep's.
    fn resumed_sleep(arch: Arch, resumed: Resumed, wchan: &str) -> Evidence {
        let nr = crate::model::syscalls::number(arch, "restart_syscall").unwrap();
        let sc = Syscall::decoded(arch, nr, [0, 0, 0x7ffd_82e1_e8e0, 0x7ffd_82e1_e920, 0, 0]);
        Evidence {
            pid: 15122,
            state: Some(ProcState::Sleeping),
            kernel_thread: Some(false),
            threads: Some(1),
            wchan: Some(wchan.into()),
            syscall: Some(SyscallState::In(sc)),
            resumed: Some(resumed),
            ..Default::default()
        }
    }

    #[test]
    fn names_without_suffixes() {
        assert_eq!(
            base_name("poll_schedule_timeout.constprop.0"),
            "poll_schedule_timeout"
        );
        assert_eq!(
            base_name("futex_wait_restart+0x47/0x80"),
            "futex_wait_restart"
        );
    }

    #[test]
    fn a_stopped_and_continued_sleep_is_a_timer() {
        for arch in [X86_64, Aarch64] {
            let code_nr = crate::model::syscalls::number(arch, "clock_nanosleep");
            // Only the code before its PC tells (the stack of this kernel shows
            // nothing but do_syscall_64): a timer, marked weak.
            let e = resumed_sleep(
                arch,
                Resumed {
                    code_nr,
                    ..Default::default()
                },
                "do_syscall_64",
            );
            let v = classify(&e);
            assert_eq!(v.reason, WaitReason::Timer, "{arch:?}: {v:#?}");
            assert!(v.weak, "{v:#?}");
            assert!(v.detail.contains("restart_syscall"), "{}", v.detail);
            assert!(v.detail.contains("clock_nanosleep"), "{}", v.detail);

            // Seen in clock_nanosleep at the same instruction before the stop: not a guess.
            let e = resumed_sleep(
                arch,
                Resumed {
                    earlier: Some(EarlierCall {
                        nr: code_nr.unwrap(),
                        same_pc: true,
                    }),
                    ..Default::default()
                },
                "do_syscall_64",
            );
            let v = classify(&e);
            assert_eq!((v.reason, v.weak), (WaitReason::Timer, false), "{v:#?}");
            assert!(v.detail.contains("earlier refresh"), "{}", v.detail);
        }
    }

    #[test]
    fn stack_and_wait_channel_tell_poll_and_futex() {
        let stack = |fs: &[&str]| Resumed {
            stack: fs.iter().map(|f| f.to_string()).collect(),
            ..Default::default()
        };
        let mut e = resumed_sleep(
            X86_64,
            stack(&[
                "poll_schedule_timeout.constprop.0",
                "do_sys_poll",
                "do_restart_poll",
            ]),
            "poll_schedule_timeout.constprop.0",
        );
        if let Some(SyscallState::In(sc)) = &mut e.syscall {
            sc.args = [0x55b6_01e5_a330, 0, 300_000, 0, 0, 0];
        }
        let v = classify(&e);
        // poll on no fds, resumed: a sleep, known from the stack.
        assert_eq!((v.reason, v.weak), (WaitReason::Timer, false), "{v:#?}");
        assert!(v.detail.contains("do_restart_poll"), "{}", v.detail);

        // A futex wait with a timeout, known from the wait channel alone (no stack as non-root).
        let mut e = resumed_sleep(X86_64, Resumed::default(), "futex_do_wait");
        if let Some(SyscallState::In(sc)) = &mut e.syscall {
            sc.args = [0x55fc_6ff2_f230, 0x89, 0, 0x7ffc_6622_8bf0, 0, 0xffff_ffff];
        }
        let v = classify(&e);
        assert_eq!((v.reason, v.weak), (WaitReason::Lock, false), "{v:#?}");
        assert!(v.detail.contains("futex_do_wait"), "{}", v.detail);
    }

    #[test]
    fn nothing_tells_is_unknown_with_the_reason() {
        let mut e = resumed_sleep(X86_64, Resumed::default(), "do_syscall_64");
        if let Some(SyscallState::In(sc)) = &mut e.syscall {
            sc.args = [0x55b6_01e5_a330, 3, 300_000, 0, 0, 0];
        }
        let v = classify(&e);
        assert_eq!((v.reason, v.weak), (WaitReason::Unknown, true), "{v:#?}");
        assert!(v.detail.contains("restart_syscall"), "{}", v.detail);
        // The register shape alone suggests clock_nanosleep, weakly.
        let e = resumed_sleep(X86_64, Resumed::default(), "do_syscall_64");
        let v = classify(&e);
        assert_eq!((v.reason, v.weak), (WaitReason::Timer, true), "{v:#?}");
    }
}
