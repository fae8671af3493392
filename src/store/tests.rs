use super::*;
use crate::model::why::{WaitReason, WhyTag};
use crate::model::{ProcSample, ProcState, Snapshot, derive};
use std::sync::Arc;

fn proc(pid: i32, comm: &str) -> ProcSample {
    ProcSample {
        pid,
        ppid: 1,
        pgid: pid,
        sid: pid,
        tty_nr: 0,
        tpgid: -1,
        state: ProcState::Sleeping,
        priority: 20,
        nice: 0,
        threads: 1,
        start_time: 1000 + pid as u64,
        cpu_ns: 0,
        run_delay_ns: 0,
        rss_bytes: 4096,
        vsz_bytes: 0,
        tgid: None,
        extra: Default::default(),
        info: Arc::new(crate::model::ProcInfo {
            started_at: 100.0,
            comm: comm.into(),
            cmdline: format!("{comm} --password hunter2").into(),
            ..Default::default()
        }),
    }
}

fn table(t: f64, procs: Vec<(ProcSample, WaitReason)>) -> crate::model::ProcessTable {
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

fn writer(path: &Path, keyframe_secs: f64, retain_secs: Option<f64>) -> Writer {
    Writer::open(
        path,
        WriterOptions {
            keyframe_secs,
            retain_secs,
        },
        Box::new(|s: &str| s.replace("hunter2", "<redacted>")),
    )
    .unwrap()
}

#[test]
fn only_changes_are_written_and_moments_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.sqlite");
    let mut w = writer(&db, 100.0, None);
    let a = proc(10, "a");
    let mut b = proc(20, "b");
    let first = w
        .write(
            &table(
                1000.0,
                vec![
                    (a.clone(), WaitReason::Input),
                    (b.clone(), WaitReason::Timer),
                ],
            ),
            1.0,
        )
        .unwrap();
    assert!(first.keyframe);
    assert_eq!((first.rows, first.new), (2, 2));
    let same = w
        .write(
            &table(
                1001.0,
                vec![
                    (a.clone(), WaitReason::Input),
                    (b.clone(), WaitReason::Timer),
                ],
            ),
            1.0,
        )
        .unwrap();
    assert_eq!((same.keyframe, same.rows), (false, 0), "nothing changed");
    b.cpu_ns = 5_000_000_000;
    let changed = w
        .write(
            &table(
                1002.0,
                vec![
                    (a.clone(), WaitReason::Timer),
                    (b.clone(), WaitReason::Running),
                ],
            ),
            1.0,
        )
        .unwrap();
    assert_eq!(changed.rows, 2);
    let gone = w
        .write(&table(1003.0, vec![(b.clone(), WaitReason::Running)]), 1.0)
        .unwrap();
    assert_eq!(gone.ended, 1);

    let r = Reader::open(&db).unwrap();
    let m = r.at(1001.5, None).unwrap();
    assert_eq!(m.taken_at, 1001.0);
    let whys: Vec<_> = m.rows.iter().map(|x| (x.pid, x.why.as_str())).collect();
    assert_eq!(whys, vec![(10, "input"), (20, "timer")]);
    assert!(
        m.rows[0].command.contains("<redacted>"),
        "{}",
        m.rows[0].command
    );
    let m = r.at(1003.0, Some(20)).unwrap();
    assert_eq!(m.rows.len(), 1);
    assert_eq!(m.rows[0].why, "running");
    assert_eq!(m.rows[0].why_since, Some(1002.0));
    assert_eq!(m.rows[0].cpu_time_secs, 5.0);
    let m = r.at(1002.0, Some(10)).unwrap();
    assert_eq!(m.rows[0].why_since, Some(1002.0));
    let m = r.at(1001.0, Some(10)).unwrap();
    assert_eq!(
        (m.rows[0].why.as_str(), m.rows[0].why_since),
        ("input", Some(1000.0))
    );
    assert!(
        r.at(1003.0, Some(10)).unwrap().rows.is_empty(),
        "ended by then"
    );
    let ended = r.ended(0.0).unwrap();
    assert_eq!(ended.len(), 1);
    assert_eq!(
        (ended[0].pid, ended[0].last_why.as_deref()),
        (10, Some("timer"))
    );
    assert_eq!(
        (ended[0].ended_at, ended[0].last_seen_at),
        (1003.0, Some(1002.0))
    );
    assert_eq!(ended[0].source, "sampler");
    assert_eq!(ended[0].peak_rss_bytes, Some(4096));
    // Before the recording, and long after its last sample: plain errors.
    let e = r.at(999.0, None).unwrap_err().to_string();
    assert!(
        e.contains("nothing recorded at or before") && e.contains("4 samples"),
        "{e}"
    );
    let e = r.at(2000.0, None).unwrap_err().to_string();
    assert!(e.contains("no sample near"), "{e}");
}

#[test]
fn a_new_session_takes_up_live_processes_and_ends_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.sqlite");
    let (a, b) = (proc(10, "a"), proc(20, "b"));
    let mut w = writer(&db, 100.0, None);
    w.write(
        &table(
            1000.0,
            vec![
                (a.clone(), WaitReason::Input),
                (b.clone(), WaitReason::Timer),
            ],
        ),
        1.0,
    )
    .unwrap();
    drop(w);
    let mut w = writer(&db, 100.0, None);
    let s = w
        .write(&table(1010.0, vec![(a.clone(), WaitReason::Input)]), 1.0)
        .unwrap();
    assert_eq!((s.new, s.ended, s.rows), (0, 1, 1));
    let r = Reader::open(&db).unwrap();
    let ended = r.ended(0.0).unwrap();
    assert_eq!(ended[0].source, "gone when the recorder started again");
    assert_eq!(r.at(1010.0, None).unwrap().rows.len(), 1);
}

#[test]
fn retention_keeps_the_keyframe_before_the_cutoff() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.sqlite");
    let a = proc(10, "a");
    let mut w = writer(&db, 10.0, Some(25.0));
    let mut pruned = 0;
    for t in 0..60 {
        let procs = if t < 5 {
            vec![
                (a.clone(), WaitReason::Timer),
                (proc(30, "short"), WaitReason::Timer),
            ]
        } else {
            vec![(a.clone(), WaitReason::Timer)]
        };
        pruned += w
            .write(&table(1000.0 + f64::from(t), procs), 1.0)
            .unwrap()
            .pruned_samples;
    }
    assert!(pruned > 0);
    let r = Reader::open(&db).unwrap();
    let c = r.coverage().unwrap().unwrap();
    // Pruned at the last keyframe (1050): cutoff 1025, and the keyframe at
    // 1020 is the base of the moments after it, so it stays.
    assert_eq!(c.first, 1020.0);
    assert_eq!(r.at(1021.0, Some(10)).unwrap().rows[0].why, "timer");
    assert!(
        r.ended(0.0).unwrap().is_empty(),
        "the short one ended before the cutoff"
    );
}

#[test]
fn a_missing_recording_is_said_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let e = Reader::open(&dir.path().join("none.sqlite"))
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("none.sqlite: no recording there"), "{e}");
}

#[test]
fn an_exec_renames_the_process() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.sqlite");
    let mut w = writer(&db, 100.0, None);
    let a = proc(10, "forked");
    w.write(&table(1000.0, vec![(a.clone(), WaitReason::Running)]), 1.0)
        .unwrap();
    let mut b = a.clone();
    b.comm = "sleep".into();
    b.cmdline = "sleep 5".into();
    w.write(&table(1001.0, vec![(b, WaitReason::Timer)]), 1.0)
        .unwrap();
    let r = Reader::open(&db).unwrap();
    let m = r.at(1000.0, None).unwrap();
    assert_eq!(
        (m.rows[0].comm.as_str(), m.rows[0].command.as_str()),
        ("sleep", "sleep 5")
    );
}

/// An OOM kill goes to the process of its pid that had started by then, not
/// to a later owner of the pid; a ladder stop to the process of its pid and
/// start time; forks and execs are counted for the sample.
#[test]
fn oom_kills_and_ladder_stops_are_written_to_their_process() {
    use crate::model::ending::{LadderStop, OomKill};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.sqlite");
    let mut w = writer(&db, 100.0, None);
    w.set_oom_known(true);
    let a = proc(10, "a"); // start_time 1010
    let b = proc(20, "b"); // start_time 1020
    let c = proc(30, "c");
    w.write(
        &table(
            1000.0,
            vec![
                (a.clone(), WaitReason::Timer),
                (b.clone(), WaitReason::Timer),
                (c.clone(), WaitReason::Timer),
            ],
        ),
        1.0,
    )
    .unwrap();
    let kill = |pid, at_ticks| OomKill {
        pid,
        comm: "x".into(),
        cgroup: Some("/small".into()),
        memcg: true,
        at: 1000.5,
        at_ticks,
    };
    // a's kill; one for pid 20 logged before b started is not b's.
    w.note_oom_kill(kill(10, 1500));
    w.note_oom_kill(kill(20, 1000));
    w.note_spawn(10, false);
    w.note_spawn(10, false);
    w.note_spawn(10, true);
    w.write(&table(1001.0, vec![(c.clone(), WaitReason::Timer)]), 1.0)
        .unwrap();
    // The ladder's record comes after c went; one with c's pid and another
    // start time is not c's.
    w.write(&table(1002.0, vec![]), 1.0).unwrap();
    for start_time in [7, c.start_time] {
        w.note_ladder_stop(LadderStop {
            key: crate::model::ProcKey {
                pid: 30,
                start_time,
            },
            step: 1,
            signal: "SIGKILL".into(),
            at: 1002.5,
        });
    }
    w.write(&table(1003.0, vec![]), 1.0).unwrap();
    let r = Reader::open(&db).unwrap();
    let ended = r.ended(0.0).unwrap();
    let by = |pid| ended.iter().find(|e| e.pid == pid).unwrap();
    assert_eq!(by(10).oom_killed, Some(true));
    assert_eq!(by(10).oom_cgroup.as_deref(), Some("/small"));
    assert_eq!(by(20).oom_killed, Some(false), "known, and not b's");
    assert_eq!(by(20).ladder_step, None);
    assert_eq!(
        (by(30).ladder_step, by(30).ladder_signal.as_deref()),
        (Some(1), Some("SIGKILL"))
    );
    let spawns: (i64, i64, i64) = w
        .connection()
        .query_row("SELECT ppid, forks, execs FROM spawns", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(spawns, (10, 2, 1));
}

/// A version 1 recording is read as it is (no OOM or ladder columns: not
/// known), and migrated in place when the recorder opens it again.
#[test]
fn a_version_1_recording_is_read_and_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.sqlite");
    let mut w = writer(&db, 100.0, None);
    w.write(
        &table(1000.0, vec![(proc(10, "a"), WaitReason::Timer)]),
        1.0,
    )
    .unwrap();
    w.write(&table(1001.0, vec![]), 1.0).unwrap();
    drop(w);
    // Back to version 1 as it was: without the new columns and table.
    let c = rusqlite::Connection::open(&db).unwrap();
    for col in ["oom_killed", "oom_cgroup", "ladder_step", "ladder_signal"] {
        c.execute_batch(&format!("ALTER TABLE processes DROP COLUMN {col}"))
            .unwrap();
    }
    c.execute_batch("DROP TABLE spawns; UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        .unwrap();
    drop(c);
    let ended = Reader::open(&db).unwrap().ended(0.0).unwrap();
    assert_eq!((ended[0].pid, ended[0].oom_killed), (10, None));
    let mut w = writer(&db, 100.0, None);
    w.write(&table(1002.0, vec![]), 1.0).unwrap();
    let v: String = w
        .connection()
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(v, schema::VERSION.to_string());
    drop(w);
    let ended = Reader::open(&db).unwrap().ended(0.0).unwrap();
    assert_eq!((ended[0].pid, ended[0].oom_killed), (10, None));
}
