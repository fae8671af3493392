//! A stack capture as WHY evidence: each thread's leaf verdict (the rules of
//! `platform::stackfmt::leaf`) laid on that thread's evidence, so the
//! classifier can name the reason where the platform gives no syscall or
//! wait channel (macOS always; Linux when the syscall file is unreadable).

use crate::model::callstack::CallTree;
use crate::model::why::{Evidence, StackLeaf};
use crate::platform::stackfmt::leaf::stack_leaf;

/// The leaf verdicts of one capture, by the tool's thread ids.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StackLeaves {
    /// (thread id as the tool gave it, its verdict), in the tool's order.
    threads: Vec<(Option<i64>, Option<StackLeaf>)>,
}

impl StackLeaves {
    /// From the stacks `tool` captured.
    pub(crate) fn from_tree(tree: &CallTree, tool: &str) -> Self {
        StackLeaves {
            threads: tree
                .threads
                .iter()
                .map(|t| (t.id, stack_leaf(&t.frames, tool)))
                .collect(),
        }
    }

    /// Whether any thread's stack named a wait.
    pub fn any(&self) -> bool {
        self.threads.iter().any(|(_, l)| l.is_some())
    }

    /// The verdict of thread `id`, if the capture had it.
    fn of(&self, id: i64) -> Option<&StackLeaf> {
        self.threads
            .iter()
            .find(|(t, _)| *t == Some(id))
            .and_then(|(_, l)| l.as_ref())
    }

    /// Gives `main` (the process's main thread) and `threads` their stack's
    /// verdict. Linux tools name threads by tid (the main one's is the pid);
    /// macOS `sample` and spindump use ids of their own, but list the main
    /// thread first.
    pub(crate) fn lay_on(&self, main: &mut Evidence, threads: &mut [Evidence]) {
        let id = i64::from(main.tid.unwrap_or(main.pid));
        let own = self.threads.iter().find(|(t, _)| *t == Some(id));
        main.stack = own.or(self.threads.first()).and_then(|(_, l)| l.clone());
        for t in threads.iter_mut() {
            if let Some(tid) = t.tid {
                t.stack = self.of(i64::from(tid)).cloned();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testutil::stack_fixture as fixture;
    use crate::model::why::{
        ChildRef, SyscallState, ThreadStates, Unreadable, UnreadableWhy, WaitReason,
        classify_process,
    };
    use crate::model::{Pid, ProcState};
    use crate::platform::stackfmt::{Format, parse};

    /// What the macOS backend reads of a sleeping process: run states, its
    /// terminal, no syscall or wait channel.
    fn mac(pid: Pid, fg: bool) -> Evidence {
        Evidence {
            pid,
            state: Some(ProcState::Sleeping),
            threads: Some(2),
            tty: Some("ttys003".into()),
            pgrp: Some(pid),
            tpgid: Some(if fg { pid } else { 1 }),
            thread_states: Some(ThreadStates {
                waiting: 2,
                ..Default::default()
            }),
            children: Some(Vec::new()),
            unreadable: ["wchan", "syscall"]
                .map(|w| Unreadable {
                    what: w.into(),
                    why: UnreadableWhy::NotAvailable,
                })
                .into(),
            ..Default::default()
        }
    }

    /// A Linux process whose syscall file was refused.
    fn refused(pid: Pid) -> Evidence {
        Evidence {
            pid,
            state: Some(ProcState::Sleeping),
            threads: Some(1),
            unreadable: vec![Unreadable {
                what: "syscall".into(),
                why: UnreadableWhy::PermissionDenied,
            }],
            ..Default::default()
        }
    }

    fn leaves(file: &str, format: Format) -> StackLeaves {
        StackLeaves::from_tree(&parse(format, &fixture(file)).unwrap(), format.tool())
    }

    fn judged(
        main: &Evidence,
        threads: &[Evidence],
        stacks: &StackLeaves,
    ) -> crate::model::why::ProcessWhy {
        let (mut main, mut threads) = (main.clone(), threads.to_vec());
        stacks.lay_on(&mut main, &mut threads);
        classify_process(&main, &threads)
    }

    #[test]
    fn macos_sample_reading_its_terminal_and_a_condition_variable() {
        let s = leaves("sample-macos.txt", Format::SampleMacos);
        let worker = Evidence {
            tid: Some(1052731),
            ..mac(8123, true)
        };
        // In the foreground, a plain read is input, weakly: the stack does not name the fd.
        let w = judged(&mac(8123, true), std::slice::from_ref(&worker), &s);
        assert_eq!(w.main.reason, WaitReason::Input);
        assert!(w.main.weak && w.main.ready_for_input, "{:?}", w.main);
        assert!(
            w.main.detail.contains("does not say which fd"),
            "{}",
            w.main.detail
        );
        assert!(
            w.main
                .decided_by
                .iter()
                .any(|b| b == "stack frame read (sample)")
        );
        // The worker, by its thread id, waits on a condition variable.
        assert_eq!(w.threads[0].reason, WaitReason::Lock);
        assert!(w.threads[0].detail.contains("__psynch_cvwait"));
        // In the background the same read names no wait at all.
        let bg = judged(&mac(8123, false), &[], &s);
        assert_eq!((bg.main.reason, bg.main.weak), (WaitReason::Unknown, true));
        assert!(
            bg.main.detail.contains("does not name"),
            "{}",
            bg.main.detail
        );
        // Without a capture: the run states alone, which cannot tell.
        let blind = classify_process(&mac(8123, false), &[]);
        assert_eq!(blind.main.reason, WaitReason::Unknown);
    }

    #[test]
    fn spindump_kernel_frame_says_terminal_for_sure() {
        let s = leaves("spindump-heavy.txt", Format::Spindump);
        let w = judged(&mac(8123, true), &[], &s);
        assert_eq!((w.main.reason, w.main.weak), (WaitReason::Input, false));
        assert!(w.main.ready_for_input);
        assert!(
            w.main
                .decided_by
                .iter()
                .any(|b| b == "stack frame tty_read (spindump)"),
            "{:?}",
            w.main.decided_by
        );
    }

    #[test]
    fn an_appkit_run_loop_waits_for_mach_messages() {
        // Recorded: an AppKit app's main thread in its run loop (macOS 26.6.1).
        let s = leaves("sample-macos-appkit-runloop.txt", Format::SampleMacos);
        let mut e = mac(81711, false);
        e.tty = None;
        let w = judged(&e, &[], &s);
        assert_eq!(w.main.reason, WaitReason::Ipc);
        assert!(w.main.detail.contains("Mach message"), "{}", w.main.detail);
        assert!(
            w.main.detail.contains("mach_msg2_trap"),
            "{}",
            w.main.detail
        );
    }

    #[test]
    fn linux_captures_where_the_syscall_is_refused() {
        for (file, format) in [
            ("gdb-sleep.txt", Format::Gdb),
            ("eu-stack-sleep.txt", Format::EuStack),
        ] {
            let w = judged(&refused(29570), &[], &leaves(file, format));
            assert_eq!(w.main.reason, WaitReason::Timer, "{file}");
            assert!(
                w.main
                    .decided_by
                    .iter()
                    .any(|b| b.starts_with("stack frame")),
                "{file}"
            );
        }
        let mut bash = refused(29452);
        bash.children = Some(vec![ChildRef {
            pid: 29460,
            comm: Some("sleep".into()),
            state: Some(ProcState::Sleeping),
        }]);
        for (file, format) in [
            ("gdb-bash-wait.txt", Format::Gdb),
            ("eu-stack-bash-wait.txt", Format::EuStack),
        ] {
            let w = judged(&bash, &[], &leaves(file, format));
            assert_eq!(
                (w.main.reason, w.main.child),
                (WaitReason::Child, Some(29460)),
                "{file}"
            );
        }
    }

    #[test]
    fn a_readable_syscall_outranks_the_stack() {
        let mut e = refused(29570);
        e.unreadable.clear();
        e.syscall = Some(SyscallState::In(crate::model::why::Syscall::decoded(
            crate::model::syscalls::Arch::X86_64,
            230,
            [0; 6],
        )));
        let w = judged(
            &e,
            &[],
            &leaves("sample-macos-appkit-runloop.txt", Format::SampleMacos),
        );
        assert_eq!(w.main.reason, WaitReason::Timer);
        assert!(
            w.main
                .decided_by
                .iter()
                .all(|b| !b.starts_with("stack frame"))
        );
    }
}
