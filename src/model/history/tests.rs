use super::*;
use crate::model::ending::ExitReport;
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
    h.push(
        None,
        &table(
            1,
            vec![
                (a.clone(), WaitReason::Timer),
                (b.clone(), WaitReason::Input),
            ],
        ),
    );
    b.rss_bytes = 1 << 20;
    h.push(
        None,
        &table(
            2,
            vec![
                (a.clone(), WaitReason::Timer),
                (b.clone(), WaitReason::Running),
            ],
        ),
    );
    assert_eq!(h.live_len(), 2);
    assert_eq!(h.allocated(), 1, "only the process that changed has a ring");
    let hb = h.process(b.key()).unwrap();
    let reasons: Vec<_> = hb.points().iter().map(|p| p.reason()).collect();
    assert_eq!(reasons, vec![WaitReason::Input, WaitReason::Running]);
    assert_eq!(hb.peak_rss_bytes(), 1 << 20);
    // b ends; a's pid is reused by another process (another start time).
    let mut a2 = sample(10, 1, "a2");
    a2.start_time += 1;
    h.push(None, &table(3, vec![(a2.clone(), WaitReason::Lock)]));
    let ended: Vec<_> = h.ended().iter().map(|e| e.key).collect();
    assert_eq!(ended, vec![a.key(), b.key()]);
    assert_eq!(h.ended()[1].last_seen_at, 2.0);
    assert!(h.process(b.key()).is_some(), "kept while in the ended list");
    assert_eq!(h.process(a2.key()).unwrap().len(), 1);
    h.push(None, &table(4, vec![(a2.clone(), WaitReason::Lock)]));
    assert_eq!(h.ended().len(), 2);
    h.push(None, &table(5, vec![(a2.clone(), WaitReason::Lock)]));
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
    h.push(
        None,
        &table(1, vec![(p, WaitReason::Lock), (t, WaitReason::Input)]),
    );
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
        h.push(None, &table(s, procs.clone()));
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
    h.push(None, &table(1, procs(&[10, 30, 50], 1)));
    h.push(None, &table(2, procs(&[10, 20, 30, 40, 50, 60], 1)));
    h.push(None, &table(3, procs(&[5, 20, 30, 60], 2)));
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

fn exit(pid: i32, at_ticks: u64, code: Option<i32>, signal: Option<i32>) -> ExitReport {
    ExitReport {
        pid,
        parent: 1,
        code,
        signal,
        at_ticks,
        ..Default::default()
    }
}

fn with_exits(mut t: ProcessTable, exits: Vec<ExitReport>) -> ProcessTable {
    let mut s = (*t.snapshot).clone();
    s.exits = exits;
    t.snapshot = Arc::new(s);
    t
}

/// An exit goes to the process it ended: at once when it went, after it was
/// reaped when it sat as a zombie, never to a later process with the same pid;
/// one of a process no refresh saw is counted under its parent.
#[test]
fn exits_find_their_process_and_short_lived_ones_are_counted() {
    let mut h = History::new(8, 8);
    let mut a = sample(10, 1, "a");
    a.start_time = 100;
    let mut z = sample(20, 1, "z");
    z.start_time = 100;
    let first = table(
        1,
        vec![
            (a.clone(), WaitReason::Timer),
            (z.clone(), WaitReason::Timer),
        ],
    );
    h.push(None, &first);
    // a exits 3 and goes; z is killed but stays a zombie; pid 30 lived and
    // died between refreshes; pid 10 is reused at once by a2.
    let mut a2 = sample(10, 1, "a2");
    a2.start_time = 300;
    let second = with_exits(
        table(
            2,
            vec![
                (a2.clone(), WaitReason::Timer),
                (z.clone(), WaitReason::Timer),
            ],
        ),
        vec![
            exit(10, 200, Some(3), None),
            exit(20, 250, None, Some(9)),
            exit(30, 260, Some(0), None),
        ],
    );
    h.push(Some(&first.snapshot), &second);
    let e = &h.ended()[0];
    assert_eq!(
        (e.key, e.exit.as_ref().map(|x| x.code)),
        (a.key(), Some(Some(3)))
    );
    assert_eq!(e.last.as_ref().map(|s| &*s.comm), Some("a"));
    assert_eq!(h.short_lived.total, 1);
    assert_eq!(h.short_lived.by_parent_sorted(), vec![(1, 1)]);
    // z is reaped: its kill, kept meanwhile, is given to it.
    let third = table(3, vec![(a2.clone(), WaitReason::Timer)]);
    h.push(Some(&second.snapshot), &third);
    let ez = h.ended().iter().find(|e| e.key == z.key()).unwrap();
    assert_eq!(ez.exit.as_ref().and_then(|x| x.signal), Some(9));
    // An exit older than a2's start is not a2's, even with its pid.
    let fourth = with_exits(table(4, vec![]), vec![exit(10, 250, Some(1), None)]);
    h.push(Some(&third.snapshot), &fourth);
    let ea2 = h.ended().iter().find(|e| e.key == a2.key()).unwrap();
    assert!(ea2.exit.is_none(), "{:?}", ea2.exit);
    assert_eq!(h.short_lived.total, 2);
    // Its own, a refresh late, is.
    h.push(
        Some(&fourth.snapshot),
        &with_exits(table(5, vec![]), vec![exit(10, 400, None, Some(11))]),
    );
    let ea2 = h.ended().iter().find(|e| e.key == a2.key()).unwrap();
    assert_eq!(ea2.exit.as_ref().and_then(|x| x.signal), Some(11));
    // Its crash report, written after the exit, is added to that exit: a2's,
    // the latest start before the crash, not a's, which had the pid before.
    let mut crash = exit(10, 400, None, Some(11));
    crash.crash = Some(crate::model::ending::Crash {
        exception: "EXC_BAD_ACCESS (SIGSEGV)".into(),
        report: "a2-2025-06-27-123536.ips".into(),
    });
    h.push(None, &with_exits(table(6, vec![]), vec![crash]));
    let ea2 = h.ended().iter().find(|e| e.key == a2.key()).unwrap();
    let report = |e: &super::Ended| e.exit.as_ref().and_then(|x| x.crash.clone());
    assert_eq!(report(ea2).unwrap().report, "a2-2025-06-27-123536.ips");
    assert_eq!(ea2.exit.as_ref().and_then(|x| x.signal), Some(11));
    let ea = h.ended().iter().find(|e| e.key == a.key()).unwrap();
    assert_eq!(report(ea), None);
}

/// A crash report read before its process's exit stands for that exit; the
/// exit, when it comes, gives it its status and keeps the report.
#[test]
fn a_crash_report_before_the_exit_stands_for_it() {
    let mut h = History::default();
    let mut a = sample(10, 1, "a");
    a.start_time = 100;
    let first = table(1, vec![(a.clone(), WaitReason::Timer)]);
    h.push(None, &first);
    let mut crash = exit(10, 200, None, Some(6));
    crash.crash = Some(crate::model::ending::Crash {
        exception: "EXC_CRASH (SIGABRT)".into(),
        report: "a-2026-05-15-155921.ips".into(),
    });
    let second = with_exits(table(2, vec![]), vec![crash]);
    h.push(Some(&first.snapshot), &second);
    let e = &h.ended()[0];
    assert_eq!(e.exit.as_ref().and_then(|x| x.signal), Some(6));
    let mut status = exit(10, 210, None, Some(6));
    status.core_dumped = true;
    h.push(
        Some(&second.snapshot),
        &with_exits(table(3, vec![]), vec![status]),
    );
    let e = &h.ended()[0];
    let x = e.exit.as_ref().unwrap();
    assert!(x.core_dumped, "the exit's status: {x:?}");
    assert_eq!(x.crash.as_ref().unwrap().report, "a-2026-05-15-155921.ips");
    assert_eq!(
        h.short_lived.total, 0,
        "the exit was not taken for another's"
    );
}

/// Thousands of processes ending between two refreshes: the newest
/// `MAX_ENDED` are kept, not every one.
#[test]
fn a_churn_of_ends_keeps_a_bounded_list_of_the_newest() {
    let mut h = History::default();
    let first: Vec<_> = (1..=5000)
        .map(|pid| (sample(pid, 1, "w"), WaitReason::Timer))
        .collect();
    h.push(None, &table(1, first));
    h.push(
        None,
        &table(2, vec![(sample(9999, 1, "keep"), WaitReason::Timer)]),
    );
    assert_eq!(h.ended().len(), MAX_ENDED);
    assert_eq!(
        h.ended().last().map(|e| e.key.pid),
        Some(5000),
        "the newest kept"
    );
}

fn with_oom(mut t: ProcessTable, kills: Vec<(i32, u64)>) -> ProcessTable {
    let mut s = (*t.snapshot).clone();
    s.oom_kills = kills
        .into_iter()
        .map(|(pid, at_ticks)| crate::model::ending::OomKill {
            pid,
            at_ticks,
            memcg: true,
            cgroup: Some("/t".into()),
            ..Default::default()
        })
        .collect();
    t.snapshot = Arc::new(s);
    t
}

/// An OOM kill goes to the process it killed (by pid and start time), also
/// when it is logged while the process is still listed, and never to a later
/// owner of the pid.
#[test]
fn oom_kills_find_their_process_never_a_later_one() {
    let mut h = History::new(8, 8);
    let mut a = sample(10, 1, "a");
    a.start_time = 100;
    let mut b = sample(20, 1, "b");
    b.start_time = 100;
    let first = table(
        1,
        vec![
            (a.clone(), WaitReason::Timer),
            (b.clone(), WaitReason::Timer),
        ],
    );
    h.push(None, &first);
    // a is killed and gone; b's kill is logged while it is still listed.
    let second = with_oom(
        table(2, vec![(b.clone(), WaitReason::Timer)]),
        vec![(10, 200), (20, 210)],
    );
    h.push(Some(&first.snapshot), &second);
    let ea = h.ended().iter().find(|e| e.key == a.key()).unwrap();
    assert_eq!(
        ea.oom.as_ref().and_then(|k| k.cgroup.as_deref()),
        Some("/t")
    );
    // b goes at the next refresh: the kill kept meanwhile is its.
    let mut b2 = sample(20, 1, "b2");
    b2.start_time = 300;
    let third = table(3, vec![(b2.clone(), WaitReason::Timer)]);
    h.push(Some(&second.snapshot), &third);
    let eb = h.ended().iter().find(|e| e.key == b.key()).unwrap();
    assert!(eb.oom.is_some());
    // b2 (pid 20 again, started after that kill) ends: an old kill is not its.
    let fourth = with_oom(table(4, vec![]), vec![(20, 250)]);
    h.push(Some(&third.snapshot), &fourth);
    let eb2 = h.ended().iter().find(|e| e.key == b2.key()).unwrap();
    assert!(eb2.oom.is_none(), "{:?}", eb2.oom);
}
