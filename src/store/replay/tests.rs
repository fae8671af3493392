use super::*;
use crate::model::why::WaitReason;
use crate::model::{ProcessTable, derive};
use crate::store::{Writer, WriterOptions};

fn marks(times: &[f64]) -> Timeline {
    Timeline {
        marks: times
            .iter()
            .enumerate()
            .map(|(i, t)| Mark {
                id: i as i64 + 1,
                taken_at: *t,
                interval_s: 1.0,
                procs: 1,
            })
            .collect(),
    }
}

fn land(index: usize, clamped: bool) -> Landing {
    Landing { index, clamped }
}

#[test]
fn steps_of_one_sample_stop_at_the_ends() {
    let t = marks(&[100.0, 101.0, 102.0, 103.0]);
    assert_eq!(t.step(1, 1), land(2, false));
    assert_eq!(t.step(1, -1), land(0, false));
    assert_eq!(t.step(3, 1), land(3, true), "the end");
    assert_eq!(t.step(0, -1), land(0, true), "the start");
    assert_eq!(t.step(0, 10), land(3, true));
}

#[test]
fn a_minute_on_or_back_lands_on_the_sample_of_that_time() {
    // Samples every 10 s, with a gap (the recorder stopped) after 150.
    let t = marks(&[100.0, 110.0, 120.0, 130.0, 140.0, 150.0, 400.0, 410.0]);
    assert_eq!(
        t.step_secs(0, 60.0),
        land(6, false),
        "first at or after 160"
    );
    assert_eq!(t.step_secs(0, 30.0), land(3, false));
    assert_eq!(
        t.step_secs(6, -60.0),
        land(5, false),
        "newest at or before 340"
    );
    assert_eq!(t.step_secs(5, -30.0), land(2, false));
    assert_eq!(t.step_secs(7, 60.0), land(7, true), "past the end");
    assert_eq!(t.step_secs(1, -60.0), land(0, true), "before the start");
    // A step never stays put when there is somewhere to go.
    assert_eq!(t.step_secs(2, 0.5), land(3, false));
    assert_eq!(t.step_secs(2, -0.5), land(1, false));
}

#[test]
fn a_time_lands_on_the_newest_sample_at_or_before_it() {
    let t = marks(&[100.0, 101.0, 102.0]);
    assert_eq!(t.at(101.5), land(1, false));
    assert_eq!(t.at(101.0), land(1, false));
    assert_eq!(t.at(99.0), land(0, true), "before the recording");
    assert_eq!(t.at(500.0), land(2, false));
    let p = t.position(1);
    assert_eq!(
        (p.index, p.count, p.taken_at, p.first, p.last),
        (1, 3, 101.0, 100.0, 102.0)
    );
    assert!(Timeline::default().step_secs(0, 60.0).clamped);
}

fn proc(pid: i32, comm: &str, cpu_s: u64) -> ProcSample {
    ProcSample {
        start_time: 1000 + pid as u64,
        cpu_ns: cpu_s * 1_000_000_000,
        rss_bytes: 4096 * pid as u64,
        info: Arc::new(ProcInfo {
            started_at: 50.0,
            comm: comm.into(),
            cmdline: format!("/bin/{comm} -x").into(),
            ..Default::default()
        }),
        ..crate::model::testutil::sample(pid, 1, comm)
    }
}

/// A recorder writing every row as it is (no redaction), keyframes as default.
fn writer(db: &std::path::Path) -> Writer {
    Writer::open(
        db,
        WriterOptions::default(),
        Box::new(|s: &str| s.to_string()),
    )
    .unwrap()
}

fn table(t: f64, procs: Vec<(ProcSample, WaitReason)>) -> ProcessTable {
    let (procs, why): (Vec<_>, Vec<_>) = procs.into_iter().map(|(p, r)| (p, WhyTag::of(r))).unzip();
    derive(
        None,
        Arc::new(Snapshot {
            taken_at: t,
            mono_ns: (t * 1e9) as u64,
            procs: Arc::new(procs),
            why,
            ..Default::default()
        }),
    )
}

/// What a test compares of a snapshot: pid, name, WHY, CPU seconds.
fn seen(s: &Snapshot) -> Vec<(i32, String, String, u64)> {
    s.procs
        .iter()
        .zip(&s.why)
        .map(|(p, w)| {
            (
                p.pid,
                p.command(),
                w.reason.label().to_string(),
                p.cpu_ns / 1_000_000_000,
            )
        })
        .collect()
}

#[test]
fn snapshots_built_step_by_step_match_those_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.sqlite");
    let mut w = Writer::open(
        &db,
        WriterOptions {
            keyframe_secs: 100.0,
            retain_secs: None,
        },
        Box::new(|s: &str| s.to_string()),
    )
    .unwrap();
    let steps = [
        vec![
            (proc(10, "a", 1), WaitReason::Input),
            (proc(20, "b", 0), WaitReason::Timer),
        ],
        // Nothing changes: no rows.
        vec![
            (proc(10, "a", 1), WaitReason::Input),
            (proc(20, "b", 0), WaitReason::Timer),
        ],
        // a works; c is new.
        vec![
            (proc(10, "a", 3), WaitReason::Running),
            (proc(20, "b", 0), WaitReason::Timer),
            (proc(30, "c", 0), WaitReason::Pipe),
        ],
        // b ended.
        vec![
            (proc(10, "a", 3), WaitReason::Input),
            (proc(30, "c", 0), WaitReason::Pipe),
        ],
    ];
    for (i, s) in steps.iter().enumerate() {
        w.write(&table(200.0 + i as f64, s.clone()), 1.0).unwrap();
    }
    let mut rec = Recording::open(&db).unwrap();
    let tl = rec.timeline().unwrap();
    assert_eq!(tl.len(), 4);
    let mut stepped = Vec::new();
    for i in 0..tl.len() {
        let prev = i.checked_sub(1).map(|p| tl.marks[p]);
        stepped.push(rec.snapshot(&tl.marks[i], prev.as_ref()).unwrap());
    }
    for (i, s) in stepped.iter().enumerate() {
        let mut whole = Recording::open(&db).unwrap();
        let w = whole.snapshot(&tl.marks[i], None).unwrap();
        assert_eq!(seen(s), seen(&w), "sample {i}");
        assert_eq!(s.taken_at, 200.0 + i as f64);
    }
    let want = |v: &[(i32, &str, &str, u64)]| -> Vec<(i32, String, String, u64)> {
        v.iter()
            .map(|(p, c, w, s)| (*p, c.to_string(), w.to_string(), *s))
            .collect()
    };
    assert_eq!(
        seen(&stepped[1]),
        want(&[(10, "/bin/a -x", "input", 1), (20, "/bin/b -x", "timer", 0)])
    );
    assert_eq!(
        seen(&stepped[3]),
        want(&[(10, "/bin/a -x", "input", 3), (30, "/bin/c -x", "pipe", 0)]),
        "b gone, c there, a's newest row"
    );
    // Going back rebuilds from the recording, whatever was built last.
    let back = rec.snapshot(&tl.marks[1], Some(&tl.marks[0])).unwrap();
    assert_eq!(seen(&back), seen(&stepped[1]));
    assert_eq!(stepped[3].procs[0].rss_bytes, 4096 * 10);
}

#[test]
fn an_exit_the_kernel_reported_comes_with_the_sample_it_ended_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.sqlite");
    let mut w = writer(&db);
    let both = vec![
        (proc(10, "a", 0), WaitReason::Input),
        (proc(20, "b", 0), WaitReason::Timer),
    ];
    w.write(&table(300.0, both), 1.0).unwrap();
    w.note_exit(
        20,
        crate::store::KernelExit {
            code: Some(3),
            signal: None,
            core_dumped: false,
            at: 300.5,
        },
    );
    w.write(
        &table(301.0, vec![(proc(10, "a", 0), WaitReason::Input)]),
        1.0,
    )
    .unwrap();
    let mut rec = Recording::open(&db).unwrap();
    let tl = rec.timeline().unwrap();
    let first = rec.snapshot(&tl.marks[0], None).unwrap();
    assert!(first.exits.is_empty());
    let second = rec.snapshot(&tl.marks[1], Some(&tl.marks[0])).unwrap();
    assert!(second.exits_known, "the recorder had the kernel's reports");
    let x: Vec<_> = second.exits.iter().map(|x| (x.pid, x.code, x.at)).collect();
    assert_eq!(x, vec![(20, Some(3), 300.5)]);
    assert!(second.exits[0].may_be(ProcKey {
        pid: 20,
        start_time: 1020
    }));
}

#[test]
fn an_oom_kill_the_recorder_logged_is_replayed_with_its_process() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.sqlite");
    let mut w = writer(&db);
    w.set_oom_known(true);
    let both = vec![
        (proc(10, "a", 0), WaitReason::Input),
        (proc(20, "hog", 0), WaitReason::Running),
    ];
    w.write(&table(300.0, both), 1.0).unwrap();
    w.note_oom_kill(crate::model::ending::OomKill {
        pid: 20,
        comm: "hog".into(),
        cgroup: Some("/batch".into()),
        memcg: true,
        at: 300.4,
        at_ticks: 1020 + 50,
    });
    w.write(
        &table(301.0, vec![(proc(10, "a", 0), WaitReason::Input)]),
        1.0,
    )
    .unwrap();
    let mut rec = Recording::open(&db).unwrap();
    let tl = rec.timeline().unwrap();
    let first = rec.snapshot(&tl.marks[0], None).unwrap();
    assert!(first.oom_kills.is_empty() && first.oom_known);
    let second = rec.snapshot(&tl.marks[1], Some(&tl.marks[0])).unwrap();
    let k: Vec<_> = second
        .oom_kills
        .iter()
        .map(|k| (k.pid, k.comm.as_str(), k.cgroup.as_deref()))
        .collect();
    assert_eq!(k, vec![(20, "hog", Some("/batch"))]);
    // Given to that process, never to a later owner of pid 20.
    let kill = &second.oom_kills[0];
    assert!(kill.may_be(ProcKey {
        pid: 20,
        start_time: 1020
    }));
    assert!(!kill.may_be(ProcKey {
        pid: 20,
        start_time: 1021
    }));
}
