//! Judging from thread run states alone: what a platform without syscall
//! files or wait channels (macOS) can offer. Run states tell running, a disk
//! wait and a stop for sure; a plain wait says nothing of what it waits on,
//! so those verdicts are weak and the detail says what is missing.

use super::WaitReason::*;
use super::evidence::Evidence;
use super::judgement::Judgement;

/// A judgement from `e.thread_states`, if the platform gave them.
pub(super) fn judge(e: &Evidence) -> Option<Judgement> {
    let t = e.thread_states.as_ref()?;
    let total = t.running + t.waiting + t.uninterruptible + t.stopped + t.halted + t.other;
    let of = |n: u32| format!("{n} of {total} threads");
    if total == 0 {
        return None;
    }
    if t.running > 0 {
        return Some(
            Judgement::new(Running, format!("{} on a CPU or runnable", of(t.running)))
                .by("thread run states"),
        );
    }
    if t.uninterruptible > 0 {
        return Some(
            Judgement::weak(
                Disk,
                format!(
                    "{} in an uninterruptible wait (usually disk or VM I/O; no syscall evidence on this platform)",
                    of(t.uninterruptible)
                ),
            )
            .by("thread run states"),
        );
    }
    if t.stopped == total {
        return Some(Judgement::new(Stopped, "every thread is stopped").by("thread run states"));
    }
    let slept = t
        .shortest_wait_secs
        .map(|s| format!(" (the most recent woke {s} s ago)"))
        .unwrap_or_default();
    let gap = "this platform gives no syscall or wait channel to tell on what";
    let live_children = e.live_children().filter(|k| !k.is_empty());
    let j = match (e.foreground(), live_children) {
        (Some(true), None) => {
            let tty = e.tty.as_deref().unwrap_or("its terminal");
            Judgement::weak(
                Input,
                format!(
                    "every thread waits{slept} while it is the foreground job of {tty}: probably waiting for you to type ({gap})"
                ),
            )
        }
        (_, Some(kids)) => {
            let mut j = Judgement::weak(
                Child,
                format!(
                    "every thread waits{slept} and it has live children ({}): perhaps waiting for one ({gap})",
                    Evidence::some_children(&kids)
                ),
            );
            if kids.len() == 1 {
                j.child = Some(kids[0].pid);
            }
            j
        }
        (fg, None) => {
            let place = match fg {
                Some(false) => "; it is in the background of its terminal",
                _ => "",
            };
            Judgement::weak(Unknown, format!("every thread waits{slept}{place}; {gap}"))
        }
    };
    Some(j.by("thread run states"))
}
