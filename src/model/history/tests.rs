use super::*;
use crate::model::testutil::sample;
use crate::model::why::WaitReason;
use crate::model::{Snapshot, derive};
use std::sync::Arc;

fn table(secs: u64, procs: Vec<(crate::model::ProcSample, WaitReason)>) -> ProcessTable {
    let (procs, why): (Vec<_>, Vec<_>) = procs.into_iter().map(|(p, r)| (p, WhyTag::of(r))).unzip();
    derive(
        None,
        Arc::new(Snapshot {
            taken_at: secs as f64,
            mono_ns: secs * 1_000_000_000,
            procs: Arc::new(procs),
            why,
            ..Default::default()
        }),
    )
}

#[test]
fn processes_get_points_end_and_are_freed_after_the_ended_list() {
    let mut h = History::new(4, 2);
    let a = sample(10, 1, "a");
    let mut b = sample(20, 1, "b");
    h.push(&table(
        1,
        vec![
            (a.clone(), WaitReason::Timer),
            (b.clone(), WaitReason::Input),
        ],
    ));
    b.rss_bytes = 1 << 20;
    h.push(&table(
        2,
        vec![
            (a.clone(), WaitReason::Timer),
            (b.clone(), WaitReason::Running),
        ],
    ));
    assert_eq!(h.live_len(), 2);
    assert_eq!(h.allocated(), 1, "only the process that changed has a ring");
    let hb = h.process(b.key()).unwrap();
    let reasons: Vec<_> = hb.points().iter().map(|p| p.reason()).collect();
    assert_eq!(reasons, vec![WaitReason::Input, WaitReason::Running]);
    assert_eq!(hb.peak_rss_bytes(), 1 << 20);
    // b ends; a's pid is reused by another process (another start time).
    let mut a2 = sample(10, 1, "a2");
    a2.start_time += 1;
    h.push(&table(3, vec![(a2.clone(), WaitReason::Lock)]));
    let ended: Vec<_> = h.ended().iter().map(|e| e.key).collect();
    assert_eq!(ended, vec![a.key(), b.key()]);
    assert_eq!(h.ended()[1].last_seen_at, 2.0);
    assert!(h.process(b.key()).is_some(), "kept while in the ended list");
    assert_eq!(h.process(a2.key()).unwrap().len(), 1);
    h.push(&table(4, vec![(a2.clone(), WaitReason::Lock)]));
    assert_eq!(h.ended().len(), 2);
    h.push(&table(5, vec![(a2.clone(), WaitReason::Lock)]));
    assert!(h.ended().is_empty(), "freed after ended_keep refreshes");
    assert!(h.process(b.key()).is_none());
    let (tag, n) = why_since(h.process(a2.key()).unwrap());
    assert_eq!((tag.reason, n), (WaitReason::Lock, 3));
    assert_eq!(h.system.points().len(), 4, "capped at the capacity");
}

#[test]
fn thread_rows_are_not_processes() {
    let mut h = History::default();
    let p = sample(10, 1, "p");
    let mut t = sample(11, 1, "p");
    t.tgid = Some(10);
    h.push(&table(
        1,
        vec![(p, WaitReason::Lock), (t, WaitReason::Input)],
    ));
    assert_eq!(h.live_len(), 1);
}

/// The memory bar: 5,000 idle processes cost a few hundred KiB, not a ring each.
#[test]
fn idle_processes_stay_small() {
    let procs: Vec<_> = (1..=5000)
        .map(|pid| (sample(pid, 1, "idle"), WaitReason::Timer))
        .collect();
    let mut h = History::default();
    for s in 0..10 {
        h.push(&table(s, procs.clone()));
    }
    assert_eq!(h.allocated(), 0);
    let per = std::mem::size_of::<(ProcKey, ProcHistory)>();
    assert!(per <= 48, "{per} bytes a process");
}
