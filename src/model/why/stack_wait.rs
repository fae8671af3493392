//! Judging from a captured stack's innermost frames: what a platform with no
//! wait channel (macOS) or a process whose syscall file is unreadable can
//! offer once the user captures its stacks. The word (`StackLeaf`) becomes a
//! verdict, with the frame that decided it.

use super::WaitReason::*;
use super::evidence::Evidence;
use super::judgement::Judgement;
use super::stack_leaf::StackLeaf;

/// A judgement from `e.stack`, when a capture gave one the rules know.
pub(super) fn judge(e: &Evidence) -> Option<Judgement> {
    let s = e.stack.as_ref()?;
    let from = format!("its stack by {} ends in {}", s.tool, s.frame);
    let j = match s.word.as_str() {
        "input" => input(e, s, &from),
        "lock" => Judgement::new(
            Lock,
            format!("waiting on a lock or condition variable ({from})"),
        ),
        "ipc" => Judgement::new(
            Ipc,
            format!("waiting for a Mach message, in a run loop or for a service's reply ({from})"),
        ),
        "child" => child(e, &from),
        "event-loop" => Judgement::new(
            EventLoop,
            format!("waiting for events on its fds or ports ({from})"),
        ),
        "timer" => Judgement::new(Timer, format!("sleeping for a set time ({from})")),
        "socket" => Judgement::new(
            Socket,
            format!("waiting on a socket: a connection or data ({from})"),
        ),
        "signal" => Judgement::new(Signal, format!("waiting for a signal ({from})")),
        _ => return None,
    };
    Some(j.by(format!("stack frame {} ({})", s.frame, s.tool)))
}

/// A read: `input` only when it is the terminal it reads. A kernel frame
/// (spindump's `tty_read`) says so; a plain `read` does not say which fd, so
/// only the foreground of a terminal makes it a guess at input.
fn input(e: &Evidence, s: &StackLeaf, from: &str) -> Judgement {
    let fg = e.foreground() == Some(true);
    let tty = e.tty.as_deref().unwrap_or("its terminal");
    if !s.weak {
        let what = match &e.tty {
            Some(t) => format!("its terminal {t}"),
            None => "a terminal".into(),
        };
        let mut j = Judgement::new(Input, format!("reading {what} ({from})"));
        j.ready = fg;
        return j;
    }
    if fg {
        let mut j = Judgement::weak(
            Input,
            format!(
                "reading, probably its terminal {tty} as it is the foreground job there ({from}; the stack alone does not say which fd)"
            ),
        );
        j.ready = true;
        return j.by(format!("foreground of {tty}"));
    }
    Judgement::weak(
        Unknown,
        format!(
            "reading an fd the stack does not name: a pipe, a socket, a file or a terminal ({from})"
        ),
    )
}

fn child(e: &Evidence, from: &str) -> Judgement {
    let kids = e.live_children().unwrap_or_default();
    let mut j = match kids.as_slice() {
        [] => Judgement::new(Child, format!("waiting for a child to exit ({from})")),
        [k] => Judgement::new(
            Child,
            format!("waiting for its child {} to exit ({from})", k.describe()),
        ),
        ks => Judgement::new(
            Child,
            format!(
                "waiting for one of its children to exit: {} ({from})",
                Evidence::some_children(ks)
            ),
        ),
    };
    if let [k] = kids.as_slice() {
        j.child = Some(k.pid);
    }
    j
}
