//! What a thread waits for, from the innermost frames of its stack: the rules
//! for when there is no wait channel or syscall file (macOS, where `sample`
//! and spindump give the stacks; a Linux process whose syscall file is
//! unreadable, with gdb or eu-stack). The words are the WHY column's, plus
//! `ipc` for a Mach message wait, which has no Linux counterpart.

use crate::model::callstack::Frame;

/// The verdict for one thread's stack.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub(crate) struct LeafWait {
    /// A WHY word (`lock`, `timer`, ...) or `ipc`.
    pub word: &'static str,
    /// The frame that decided it, as the tool named it.
    pub frame: String,
    /// A guess: a plain `read` is `input` only when the fd is the terminal,
    /// which the stack does not say.
    pub weak: bool,
}

/// How deep to look: past a libc wrapper or two, never into the caller's code.
const DEPTH: usize = 4;

/// `__GI___clock_nanosleep`, `__psynch_cvwait`, `read@GLIBC_2.2.5` and
/// `clock_nanosleep@@GLIBC_2.17` as the bare call name.
fn bare(function: &str) -> &str {
    let f = function.split('@').next().unwrap_or(function);
    let f = f.trim_start_matches('_');
    let f = f.strip_prefix("GI_").unwrap_or(f);
    let f = f.strip_prefix("libc_").unwrap_or(f);
    f.trim_start_matches('_')
}

fn word_of(name: &str) -> Option<(&'static str, bool)> {
    Some(match name {
        "tty_read" | "ttread" | "n_tty_read" => ("input", false),
        "read" | "read_nocancel" | "sread" => ("input", true),
        "psynch_cvwait"
        | "psynch_mutexwait"
        | "psynch_rw_rdlock"
        | "psynch_rw_wrlock"
        | "ulock_wait"
        | "ulock_wait2"
        | "futex_abstimed_wait_common"
        | "futex_wait"
        | "lll_lock_wait"
        | "pthread_cond_wait"
        | "pthread_mutex_lock"
        | "futex" => ("lock", false),
        "mach_msg" | "mach_msg_trap" | "mach_msg2_trap" | "mach_msg_overwrite"
        | "mach_msg2_internal" => ("ipc", false),
        "wait4" | "wait4_nocancel" | "waitpid" | "waitid" | "wait" => ("child", false),
        "kevent" | "kevent64" | "kevent_id" | "kevent_qos" | "select" | "select_nocancel"
        | "pselect" | "poll" | "ppoll" | "epoll_wait" | "epoll_pwait" => ("event-loop", false),
        "semwait_signal" | "nanosleep" | "clock_nanosleep" | "usleep" | "sleep" => ("timer", false),
        "accept" | "accept4" | "accept_nocancel" | "recvfrom" | "recvfrom_nocancel" | "recv"
        | "recvmsg" | "recvmsg_nocancel" | "connect" | "connect_nocancel" => ("socket", false),
        "sigsuspend" | "sigsuspend_nocancel" | "pause" | "sigwait" | "sigtimedwait" => {
            ("signal", false)
        }
        _ => return None,
    })
}

/// The wait the innermost known call of `frames` (innermost first) names.
pub(crate) fn leaf_wait(frames: &[Frame]) -> Option<LeafWait> {
    frames.iter().take(DEPTH).find_map(|f| {
        word_of(bare(&f.function)).map(|(word, weak)| LeafWait {
            word,
            frame: f.function.clone(),
            weak,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::stackfmt::{Format, parse};

    use crate::model::testutil::stack_fixture as fixture;

    fn frames(names: &[&str]) -> Vec<Frame> {
        names
            .iter()
            .map(|n| Frame {
                function: (*n).into(),
                ..Frame::default()
            })
            .collect()
    }

    #[test]
    fn recorded_captures() {
        // spindump: the kernel frame tty_read says it is the terminal.
        let t = parse(Format::Spindump, &fixture("spindump-heavy.txt")).unwrap();
        let main = leaf_wait(&t.threads[0].frames).unwrap();
        assert_eq!(
            (main.word, main.frame.as_str(), main.weak),
            ("input", "tty_read", false)
        );
        // sample has no kernel frames: a read, weakly input.
        let t = parse(Format::SampleMacos, &fixture("sample-macos.txt")).unwrap();
        let main = leaf_wait(&t.threads[0].frames).unwrap();
        assert_eq!((main.word, main.weak), ("input", true));
        // Its second thread waits on a condition variable (a Python lock).
        assert_eq!(leaf_wait(&t.threads[1].frames).unwrap().word, "lock");
        // Linux: the same rules over gdb and eu-stack.
        for (file, format) in [
            ("gdb-sleep.txt", Format::Gdb),
            ("eu-stack-sleep.txt", Format::EuStack),
        ] {
            let t = parse(format, &fixture(file)).unwrap();
            assert_eq!(
                leaf_wait(&t.threads[0].frames).unwrap().word,
                "timer",
                "{file}"
            );
        }
        for (file, format) in [
            ("gdb-bash-wait.txt", Format::Gdb),
            ("eu-stack-bash-wait.txt", Format::EuStack),
        ] {
            let t = parse(format, &fixture(file)).unwrap();
            assert_eq!(
                leaf_wait(&t.threads[0].frames).unwrap().word,
                "child",
                "{file}"
            );
        }
    }

    #[test]
    fn macos_leaf_calls() {
        for (stack, word) in [
            (
                &["__psynch_cvwait", "_pthread_cond_wait", "main"][..],
                "lock",
            ),
            (
                &["__psynch_mutexwait", "_pthread_mutex_firstfit_lock_wait"],
                "lock",
            ),
            (
                &[
                    "mach_msg2_trap",
                    "mach_msg2_internal",
                    "mach_msg_overwrite",
                    "CFRunLoopRun",
                ],
                "ipc",
            ),
            (&["__wait4", "waitpid", "main"], "child"),
            (&["kevent", "-[NSApplication run]"], "event-loop"),
            (&["__select", "main"], "event-loop"),
            (&["__semwait_signal", "nanosleep", "sleep"], "timer"),
            (&["__accept", "main"], "socket"),
            (&["__recvfrom", "main"], "socket"),
            (&["__sigsuspend", "main"], "signal"),
        ] {
            assert_eq!(
                leaf_wait(&frames(stack)).map(|l| l.word),
                Some(word),
                "{stack:?}"
            );
        }
        // Deeper than a wrapper or two is the program's own code: no verdict.
        assert_eq!(
            leaf_wait(&frames(&["a", "b", "c", "d", "__psynch_cvwait"])),
            None
        );
        assert_eq!(leaf_wait(&frames(&["compute", "main"])), None);
        assert_eq!(leaf_wait(&[]), None);
    }

    #[test]
    fn names_are_bared() {
        assert_eq!(bare("__GI___clock_nanosleep"), "clock_nanosleep");
        assert_eq!(bare("read@GLIBC_2.2.5"), "read");
        assert_eq!(bare("__libc_read"), "read");
        assert_eq!(bare("__psynch_cvwait"), "psynch_cvwait");
    }
}
