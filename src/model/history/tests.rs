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

/// Processes that start between kept ones, end between them, and a pid reused
/// in the same refresh all land where they belong, each keeping its own points.
#[test]
fn arrivals_and_ends_in_the_middle_keep_every_history_its_own() {
    let mut h = History::new(8, 8);
    let procs = |pids: &[i32], start: u64| -> Vec<_> {
        pids.iter()
            .map(|&pid| {
                let mut s = sample(pid, 1, "p");
                s.start_time = if pid == 30 { start } else { 1 };
                (s, WaitReason::Timer)
            })
            .collect()
    };
    h.push(&table(1, procs(&[10, 30, 50], 1)));
    h.push(&table(2, procs(&[10, 20, 30, 40, 50, 60], 1)));
    h.push(&table(3, procs(&[5, 20, 30, 60], 2)));
    let live: Vec<_> = h
        .live
        .iter()
        .map(|(k, h)| (k.pid, k.start_time, h.len()))
        .collect();
    assert_eq!(live, vec![(5, 1, 1), (20, 1, 2), (30, 2, 1), (60, 1, 2)]);
    let mut ended: Vec<_> = h
        .ended()
        .iter()
        .map(|e| (e.key.pid, e.history.len()))
        .collect();
    ended.sort();
    assert_eq!(ended, vec![(10, 2), (30, 2), (40, 1), (50, 2)]);
}
