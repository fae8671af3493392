//! A threaded process whose main thread waits on a futex (joining a worker,
//! a condition variable) and which used no CPU: the reason that matters is the
//! one of the thread it waits for. `pthread_join` waits on the joined thread's
//! tid word, so when the futex word read from its memory is a thread's tid,
//! that thread is the one; otherwise the most telling reason among the other
//! threads stands for the process. When every thread waits on a futex, `lock`
//! remains: what a deadlock or an idle pool looks like.
//!
//! Only a process re-judged pays for reading its threads (callers ask
//! [`worth_a_look`] first; a busy one is `running` without them).

use super::WaitReason::{self, *};
use super::evidence::Evidence;
use super::thread_input::thread_name;
use super::{Verdict, WhyTag};
use crate::model::Pid;

/// Most telling first: what a person can act on comes before generic waits.
const TELLING: [WaitReason; 8] = [Input, Socket, Pipe, Disk, EventLoop, Child, Timer, Signal];

/// Whether the main thread's `reason` on `main` is worth reading the other
/// threads for: a futex wait in a multi-threaded user process.
pub(crate) fn worth_a_look(main: &Evidence, reason: WaitReason) -> bool {
    reason == Lock
        && main.tid.is_none()
        && main.kernel_thread != Some(true)
        && main.threads.is_some_and(|n| n > 1)
}

/// Which other thread stands for the process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pick {
    /// The thread at this index is the one the main thread joins.
    Joined(usize),
    /// The thread at this index has the most telling reason.
    Telling(usize),
    /// Every thread waits on a futex (or is idle).
    AllLocked,
    /// No thread says more than the main one.
    Nothing,
}

/// `threads`: each other thread's tid and reason.
pub(crate) fn pick(main: &Evidence, threads: &[(Option<Pid>, WaitReason)]) -> Pick {
    if let Some(word) = main.futex_word
        && word > 0
        && let Some(i) = threads
            .iter()
            .position(|(tid, _)| tid.is_some_and(|t| t as u32 == word))
    {
        return Pick::Joined(i);
    }
    for want in TELLING {
        if let Some(i) = threads.iter().position(|(_, r)| *r == want) {
            return Pick::Telling(i);
        }
    }
    if threads.iter().all(|(_, r)| matches!(r, Lock | Idle)) {
        Pick::AllLocked
    } else {
        Pick::Nothing
    }
}

/// The process's tag from its threads' tags; `None`: the main thread's stands.
/// The second value: every thread waits on a futex.
pub(crate) fn combine_tag(
    main_e: &Evidence,
    main: WhyTag,
    threads: &[(Option<Pid>, WhyTag)],
) -> (Option<WhyTag>, bool) {
    if !worth_a_look(main_e, main.reason) {
        return (None, false);
    }
    let reasons: Vec<(Option<Pid>, WaitReason)> =
        threads.iter().map(|(t, w)| (*t, w.reason)).collect();
    match pick(main_e, &reasons) {
        Pick::Joined(i) | Pick::Telling(i) => {
            let t = threads[i].1;
            (
                Some(WhyTag {
                    reason: t.reason,
                    ready: t.ready,
                    weak: t.weak,
                    ..main
                }),
                false,
            )
        }
        Pick::AllLocked => (None, true),
        Pick::Nothing => (None, false),
    }
}

/// The process's verdict from its threads' verdicts; `None`: no change.
pub(crate) fn combine(main: &Verdict, threads: &[Verdict]) -> Option<Verdict> {
    if !worth_a_look(&main.evidence, main.reason) {
        return None;
    }
    let reasons: Vec<(Option<Pid>, WaitReason)> =
        threads.iter().map(|t| (t.evidence.tid, t.reason)).collect();
    let (i, joined) = match pick(&main.evidence, &reasons) {
        Pick::Joined(i) => (i, true),
        Pick::Telling(i) => (i, false),
        Pick::AllLocked => {
            let mut v = main.clone();
            v.detail.push_str(&format!(
                "; all {} threads wait on futexes: this is what a deadlock or an idle thread pool looks like",
                threads.len() + 1
            ));
            v.decided_by.push("every thread: lock".into());
            return Some(v);
        }
        Pick::Nothing => return None,
    };
    let t = &threads[i];
    let who = thread_name(&t.evidence);
    let detail = if joined {
        format!(
            "the main thread waits for thread {who} to finish (joins it), which is {}: {}",
            t.reason, t.detail
        )
    } else {
        format!(
            "thread {who} is {}: {}; the main thread waits on a futex (a join, a condition variable)",
            t.reason, t.detail
        )
    };
    let mut by = vec![if joined {
        format!("main thread joins thread {who} (its futex word is that tid)")
    } else {
        format!(
            "thread {who}: the most telling of {} threads",
            threads.len() + 1
        )
    }];
    by.extend(
        t.decided_by
            .iter()
            .filter(|b| !b.starts_with("state "))
            .map(|b| format!("thread {}: {b}", t.evidence.tid.unwrap_or(0))),
    );
    by.extend(main.decided_by.iter().map(|b| format!("main thread: {b}")));
    Some(Verdict {
        reason: t.reason,
        detail,
        ready_for_input: t.ready_for_input,
        weak: t.weak,
        child: t.child,
        decided_by: by,
        evidence: main.evidence.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProcState;

    fn main_e(word: Option<u32>) -> Evidence {
        Evidence {
            pid: 100,
            state: Some(ProcState::Sleeping),
            threads: Some(3),
            futex_word: word,
            kernel_thread: Some(false),
            ..Default::default()
        }
    }

    #[test]
    fn the_joined_thread_decides() {
        let t = [(Some(101), Timer), (Some(102), Socket)];
        assert_eq!(pick(&main_e(Some(101)), &t), Pick::Joined(0));
        // Without the word, the most telling reason wins.
        assert_eq!(pick(&main_e(None), &t), Pick::Telling(1));
        // A word that is no thread's tid (a mutex's state) says nothing.
        assert_eq!(pick(&main_e(Some(1)), &t), Pick::Telling(1));
    }

    #[test]
    fn telling_order() {
        let m = main_e(None);
        let t = [(Some(1), Lock), (Some(2), Timer), (Some(3), Input)];
        assert_eq!(pick(&m, &t), Pick::Telling(2));
        let t = [(Some(1), Timer), (Some(2), Child)];
        assert_eq!(pick(&m, &t), Pick::Telling(1));
        let t = [(Some(1), Lock), (Some(2), Idle)];
        assert_eq!(pick(&m, &t), Pick::AllLocked);
        let t = [(Some(1), Lock), (Some(2), Unknown)];
        assert_eq!(pick(&m, &t), Pick::Nothing);
    }

    #[test]
    fn only_a_threaded_futex_wait_is_looked_at() {
        assert!(worth_a_look(&main_e(None), Lock));
        assert!(!worth_a_look(&main_e(None), Timer));
        let mut one = main_e(None);
        one.threads = Some(1);
        assert!(!worth_a_look(&one, Lock));
    }

    #[test]
    fn tags_combine() {
        let lock = WhyTag::of(Lock);
        let (t, all) = combine_tag(
            &main_e(None),
            lock,
            &[(Some(1), lock), (Some(2), WhyTag::of(Socket))],
        );
        assert_eq!(t.map(|t| t.reason), Some(Socket));
        assert!(!all);
        let (t, all) = combine_tag(&main_e(None), lock, &[(Some(1), lock), (Some(2), lock)]);
        assert_eq!(t, None);
        assert!(all);
    }
}
