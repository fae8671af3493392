//! A process whose main thread waits on something else while another thread
//! reads its terminal (Python's `input()` in a worker, the main thread joining
//! it): for the person at that terminal the process is ready for input, so
//! that thread's `input` verdict becomes the process's, and the detail says
//! what the main thread waits for.
//!
//! Looking costs a read of every thread's evidence, so callers ask
//! [`worth_a_look`] first: only a foreground, multi-threaded process on a
//! terminal whose main thread is waiting but not on input qualifies.

use super::WaitReason::{self, *};
use super::evidence::{Evidence, FdTarget, SyscallState};
use super::{Verdict, WhyTag};

/// Main-thread reasons another thread's terminal read may override: waits.
/// Not running (it is busy: that says more), not stopped or traced (no thread
/// reads then), not a kernel task, not input already.
pub(crate) fn may_defer(reason: WaitReason) -> bool {
    !matches!(reason, Input | Running | Stopped | Traced | Idle)
}

/// Whether the main thread's `reason` on evidence `main` is worth reading the
/// other threads for: it is the foreground job of its terminal, has more than
/// one thread, and its main thread waits on something other than input.
pub(crate) fn worth_a_look(main: &Evidence, reason: WaitReason) -> bool {
    may_defer(reason)
        && main.kernel_thread != Some(true)
        && main.threads.is_some_and(|n| n > 1)
        && main.foreground() == Some(true)
}

/// The process's tag when one of `threads` (tags of its other threads) is
/// ready for input and the main thread's `main` is not; `None`: no change.
pub(crate) fn combine_tag(main_e: &Evidence, main: WhyTag, threads: &[WhyTag]) -> Option<WhyTag> {
    if !worth_a_look(main_e, main.reason) {
        return None;
    }
    let t = threads.iter().find(|t| t.reason == Input && t.ready)?;
    Some(WhyTag {
        reason: Input,
        ready: true,
        weak: t.weak,
        ..main
    })
}

/// The process's verdict when one of `threads` (verdicts of its other
/// threads) reads its terminal, ready for input, and the main thread's `main`
/// waits on something else; `None`: the main thread's verdict stands.
pub(crate) fn combine(main: &Verdict, threads: &[Verdict]) -> Option<Verdict> {
    if !worth_a_look(&main.evidence, main.reason) {
        return None;
    }
    let t = threads
        .iter()
        .find(|t| t.reason == Input && t.ready_for_input)?;
    let who = thread_name(&t.evidence);
    let detail = format!(
        "thread {who} {}; the main thread {}",
        reading(&t.evidence),
        main_waits(main)
    );
    let mut by = vec![format!("thread {who}: input, ready")];
    by.extend(
        t.decided_by
            .iter()
            .filter(|b| !b.starts_with("state "))
            .map(|b| format!("thread {}: {b}", t.evidence.tid.unwrap_or(0))),
    );
    by.push(format!("main thread: {}", main.reason));
    by.extend(main.decided_by.iter().map(|b| format!("main thread: {b}")));
    Some(Verdict {
        reason: Input,
        detail,
        ready_for_input: true,
        weak: t.weak,
        child: None,
        decided_by: by,
        evidence: main.evidence.clone(),
    })
}

/// `1234 (python3)`.
pub(super) fn thread_name(e: &Evidence) -> String {
    let tid = e.tid.unwrap_or(e.pid);
    match e.comm.as_deref() {
        Some(c) => format!("{tid} ({c})"),
        None => tid.to_string(),
    }
}

/// `reads /dev/pts/3`, `polls /dev/pts/3`: what the reading thread does.
fn reading(e: &Evidence) -> String {
    let tty = e.fds.iter().find_map(|f| match &f.target {
        FdTarget::Terminal { path } if e.is_own_tty(path) => Some(path.clone()),
        _ => None,
    });
    let verb = match &e.syscall {
        Some(SyscallState::In(sc))
            if sc.name().contains("poll") || sc.name().contains("select") =>
        {
            "polls"
        }
        Some(SyscallState::In(_)) => "reads",
        _ => "waits for input on",
    };
    match tty {
        Some(path) => format!("{verb} {path}"),
        None => format!(
            "waits for input on {}",
            e.tty
                .as_deref()
                .map(|t| format!("/dev/{t}"))
                .unwrap_or_else(|| "its terminal".into())
        ),
    }
}

/// `waits on a lock (futex)`: the main thread's wait, briefly.
fn main_waits(main: &Verdict) -> String {
    let what = match main.reason {
        Lock => "waits on a lock".to_string(),
        Child => match main.child {
            Some(c) => format!("waits for its child {c}"),
            None => "waits for a child".to_string(),
        },
        Signal => "waits for a signal".into(),
        EventLoop => "waits on several fds (an event loop)".into(),
        Timer => "sleeps for a set time".into(),
        Disk => "waits for disk I/O".into(),
        Pipe => "waits on a pipe".into(),
        Socket => "waits on a socket".into(),
        Ipc => "waits for a Mach message".into(),
        Zombie => "has exited".into(),
        _ => format!("is {}", main.reason),
    };
    match &main.evidence.syscall {
        Some(SyscallState::In(sc)) => format!("{what} ({})", sc.name()),
        _ => what,
    }
}
