//! The recorder and the commands that answer from it, on real processes:
//! `whytop record` for a few seconds, then `ps --at`, `why --at`, `ended`.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

mod common;

use common::{DEADLINE, Proc, Pty, bin, python, wait_for};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

fn whytop(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .output()
        .expect("whytop runs")
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A recorder writing `db` every `interval` seconds, killed (SIGKILL) by pid at the end.
fn recorder(db: &Path, interval: &str, extra: &[&str]) -> Proc {
    let mut cmd = Command::new(bin());
    cmd.args(["record", "--interval", interval, "--db"])
        .arg(db)
        .args(extra);
    Proc::spawn(&mut cmd)
}

fn db_in(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("rec.sqlite")
}

/// The newest sample's time, once the recording has one.
fn last_sample(db: &Path) -> Result<f64, String> {
    let c = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| e.to_string())?;
    c.query_row("SELECT max(taken_at) FROM samples", [], |r| {
        r.get::<_, Option<f64>>(0)
    })
    .map_err(|e| e.to_string())?
    .ok_or_else(|| "no samples yet".to_string())
}

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// `t` as local `YYYY-MM-DD HH:MM:SS` (or `HH:MM:SS` with `time_only`), by date(1).
fn local(t: f64, time_only: bool) -> String {
    let fmt = if time_only {
        "+%H:%M:%S"
    } else {
        "+%Y-%m-%d %H:%M:%S"
    };
    let o = Command::new("date")
        .arg("-d")
        .arg(format!("@{}", t as i64))
        .arg(fmt)
        .output()
        .unwrap();
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

const SCHEDULE: &str = r#"
import select, sys, time
def mark(n):
    with open(sys.argv[1], "a") as f:
        f.write("%s %f\n" % (n, time.time()))
mark("input")
select.select([0], [], [], 4)
mark("timer")
time.sleep(4)
mark("busy")
end = time.time() + 4
while time.time() < end:
    pass
mark("done")
time.sleep(120)
"#;

#[test]
fn ps_and_why_at_a_moment_give_that_moments_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let marks = dir.path().join("marks");
    let _rec = recorder(&db, "0.3", &[]);
    wait_for("the first sample", || last_sample(&db));
    let pty = Pty::open();
    let script = dir.path().join("schedule.py");
    std::fs::write(&script, SCHEDULE).unwrap();
    let p = pty.spawn(Command::new(python()).arg(&script).arg(&marks));
    let pid = p.pid().to_string();
    let phases = wait_for("the schedule to finish", || {
        let m = std::fs::read_to_string(&marks).map_err(|e| e.to_string())?;
        let times: Vec<(String, f64)> = m
            .lines()
            .filter_map(|l| {
                let (n, t) = l.split_once(' ')?;
                Some((n.to_string(), t.parse().ok()?))
            })
            .collect();
        if times.len() < 4 {
            return Err(m);
        }
        Ok(times)
    });
    let done = phases[3].1;
    wait_for("a sample after the schedule", || {
        let t = last_sample(&db)?;
        if t > done + 0.5 {
            Ok(())
        } else {
            Err(format!("last sample {t}, done {done}"))
        }
    });
    // A moment two whole seconds into each 4 s phase (times have whole seconds).
    for (i, (phase, start)) in phases[..3].iter().enumerate() {
        let at = local(start.floor() + 2.0, i == 1);
        let want = match phase.as_str() {
            "busy" => "running",
            other => other,
        };
        let o = whytop(&[
            "why",
            &pid,
            "--at",
            &at,
            "--db",
            db.to_str().unwrap(),
            "--json",
        ]);
        assert!(o.status.success(), "{}", text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(
            v["why"],
            want,
            "why --at {at} in the {phase} phase: {}",
            text(&o)
        );
        assert_eq!(v["pid"].to_string(), pid);
        let o = whytop(&["ps", "--at", &at, "--db", db.to_str().unwrap(), "--json"]);
        assert!(o.status.success(), "{}", text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let row = v["processes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["pid"].as_i64() == Some(p.pid().into()))
            .unwrap_or_else(|| panic!("pid {pid} not in ps --at {at}: {}", text(&o)));
        assert_eq!(row["why"], want, "ps --at {at}");
    }
    // The text form says since when.
    let at = local(phases[1].1.floor() + 3.0, false);
    let o = whytop(&["why", &pid, "--at", &at, "--db", db.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains(": timer, since "), "{}", text(&o));
    // Before the process existed, it was not running.
    let before = local(phases[0].1 - 30.0, false);
    let o = whytop(&["why", &pid, "--at", &before, "--db", db.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    // A pid the recording did not see at a recorded moment is gone (exit 3).
    let o = whytop(&["why", "2147483", "--at", &at, "--db", db.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("was not running at"), "{}", text(&o));
}

#[test]
fn malformed_times_and_missing_recordings_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let o = whytop(&["ps", "--at", "yesterday", "--db", db.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("\"yesterday\" is not a time: use `YYYY-MM-DD HH:MM:SS`"),
        "{}",
        text(&o)
    );
    let o = whytop(&["why", "1", "--at", "-5m", "--db", db.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("rec.sqlite: no recording there"),
        "{}",
        text(&o)
    );
    let o = whytop(&["ended", "--db", db.to_str().unwrap()]);
    assert!(
        text(&o).contains("rec.sqlite: no recording there"),
        "{}",
        text(&o)
    );
    let o = whytop(&["ended", "--since", "soon", "--db", db.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn ended_lists_a_child_that_exited_and_one_killed_by_sigsegv() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let _rec = recorder(&db, "0.2", &[]);
    wait_for("the first sample", || last_sample(&db));
    let tag = format!("whytoptest{}ended", std::process::id());
    // Each waits until the recording has seen it alive, then ends.
    let go = dir.path().join("go");
    let wait = format!("while [ ! -e {} ]; do sleep 0.1; done; ", go.display());
    let mut exits = Proc::spawn(Command::new("sh").args([
        "-c",
        &format!("{wait}exit 3"),
        &format!("{tag}exit3"),
    ]));
    let mut segv = Proc::spawn(Command::new("sh").args([
        "-c",
        &format!("{wait}kill -SEGV $$"),
        &format!("{tag}segv"),
    ]));
    let (p3, p11) = (exits.0.id(), segv.0.id());
    wait_for("both recorded alive", || {
        let c = rusqlite::Connection::open(&db).map_err(|e| e.to_string())?;
        let n: i64 = c
            .query_row(
                "SELECT count(DISTINCT p.pid) FROM processes p JOIN proc_samples s
                 ON s.proc_id = p.id WHERE p.pid IN (?1, ?2) AND s.state != 'Z'
                 AND p.command LIKE '%' || ?3 || '%'",
                rusqlite::params![p3, p11, tag],
                |r| r.get(0),
            )
            .map_err(|e| e.to_string())?;
        if n == 2 {
            Ok(())
        } else {
            Err(format!("{n} of 2"))
        }
    });
    std::fs::write(&go, "").unwrap();
    assert_eq!(exits.0.wait().unwrap().code(), Some(3));
    let _ = segv.0.wait();
    let rows = wait_for("both in `whytop ended`", || {
        let o = whytop(&[
            "ended",
            "--json",
            "--since",
            "10m",
            "--db",
            db.to_str().unwrap(),
        ]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).map_err(|e| e.to_string())?;
        let rows: Vec<serde_json::Value> = v
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["pid"] == p3 || r["pid"] == p11)
            .cloned()
            .collect();
        if rows.len() == 2 {
            Ok(rows)
        } else {
            Err(text(&o))
        }
    });
    for r in &rows {
        assert!(r["command"].as_str().unwrap().contains(&tag), "{r}");
        assert!(r["lifetime_secs"].as_f64().unwrap() > 0.0, "{r}");
        assert!(r["last_why"].is_string(), "{r}");
        assert!(r["peak_rss_bytes"].as_i64().unwrap() > 0, "{r}");
        assert!(r["ended_at"].as_f64().unwrap() <= now() + 1.0, "{r}");
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            // As root the kernel's process events say how each ended.
            assert_eq!(r["source"], "kernel", "{r}");
            if r["pid"] == p3 {
                assert_eq!(r["exit_code"], 3, "{r}");
                assert!(r["exit_signal"].is_null(), "{r}");
            } else {
                assert_eq!(r["exit_signal"], 11, "{r}");
                assert!(r["exit_code"].is_null(), "{r}");
            }
        } else {
            // Not root: the sampler saw it go, and says how it ended is not known.
            assert_eq!(r["source"], "sampler", "{r}");
        }
    }
    let o = whytop(&["ended", "--since", "10m", "--db", db.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(&format!("{tag}exit3")),
        "{}",
        text(&o)
    );
}

#[test]
fn the_recording_survives_sigkill_mid_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    // A keyframe at every sample: every refresh writes every process, so the
    // kill is likely to land inside a transaction.
    let mut rec = recorder(&db, "0.1", &["--keyframe", "0.1"]);
    wait_for("a few samples", || {
        let c = rusqlite::Connection::open(&db).map_err(|e| e.to_string())?;
        let n: i64 = c
            .query_row("SELECT count(*) FROM samples", [], |r| r.get(0))
            .map_err(|e| e.to_string())?;
        if n >= 5 {
            Ok(())
        } else {
            Err(format!("{n} samples"))
        }
    });
    rec.0.kill().unwrap();
    rec.0.wait().unwrap();
    let c = rusqlite::Connection::open(&db).unwrap();
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    drop(c);
    let last = last_sample(&db).unwrap();
    let o = whytop(&[
        "ps",
        "--at",
        &local(last.ceil(), false),
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(" processes"),
        "{}",
        text(&o)
    );
    // A new session carries on in the same file.
    let o = Command::new(bin())
        .args(["record", "--interval", "0.1", "--samples", "2", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(last_sample(&db).unwrap() > last);
}

#[test]
fn retention_prunes_old_samples() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    // 0.00005 days = 4.3 s, a keyframe (and a prune) every second.
    let started = now();
    let _rec = recorder(&db, "0.2", &["--retain", "0.00005", "--keyframe", "1"]);
    let deadline = Instant::now() + DEADLINE;
    let first = wait_for("pruning", || {
        let c = rusqlite::Connection::open(&db).map_err(|e| e.to_string())?;
        let (first, last): (Option<f64>, Option<f64>) = c
            .query_row(
                "SELECT min(taken_at), max(taken_at) FROM samples",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| e.to_string())?;
        match (first, last) {
            (Some(f), Some(l)) if f > started + 2.0 && l - f < 8.0 => Ok(f),
            other => Err(format!("{other:?}, started {started}")),
        }
    });
    assert!(Instant::now() < deadline && first > started);
    let o = whytop(&[
        "ps",
        "--at",
        &local(started, false),
        "--db",
        db.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("nothing recorded at or before"),
        "{}",
        text(&o)
    );
}

/// Is `pid` in the recording, alive, with `tag` in its command line?
fn recorded_alive(db: &Path, pid: u32, tag: &str) -> Result<(), String> {
    let c = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
    let n: i64 = c
        .query_row(
            "SELECT count(*) FROM processes p JOIN proc_samples s ON s.proc_id = p.id
             WHERE p.pid = ?1 AND s.state != 'Z' AND p.command LIKE '%' || ?2 || '%'",
            rusqlite::params![pid, tag],
            |r| r.get(0),
        )
        .map_err(|e| e.to_string())?;
    if n > 0 {
        Ok(())
    } else {
        Err(format!("pid {pid} not recorded yet"))
    }
}

/// `whytop ended --json` from `db`: the row of `pid`, once it is there and
/// `done` says it is complete.
fn ended_row(db: &Path, pid: u32, done: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    wait_for(&format!("pid {pid} in `whytop ended`"), || {
        let o = whytop(&[
            "ended",
            "--json",
            "--since",
            "10m",
            "--db",
            db.to_str().unwrap(),
        ]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).map_err(|_| text(&o))?;
        v.as_array()
            .and_then(|rows| rows.iter().find(|r| r["pid"] == pid).cloned())
            .filter(|r| done(r))
            .ok_or_else(|| text(&o))
    })
}

/// A child that allocates without end inside a memory cgroup limited to 32 MiB
/// (no swap) is killed by the OOM killer; as root the recorder reads the kill
/// from the kernel log and `whytop ended` says so, with the cgroup. Not root:
/// it says plainly that whether the OOM killer ended a process is not known.
#[test]
fn an_oom_kill_in_a_small_memory_cgroup_shows_in_ended() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        let _rec = recorder(&db, "0.2", &[]);
        wait_for("the first sample", || last_sample(&db));
        let tag = format!("whytoptest{}oomunknown", std::process::id());
        let mut p = Proc::spawn(Command::new("sh").args(["-c", "sleep 1; exit 0", &tag]));
        let pid = p.0.id();
        wait_for("recorded alive", || recorded_alive(&db, pid, &tag));
        p.0.wait().unwrap();
        let row = ended_row(&db, pid, |_| true);
        assert!(row["oom_killed"].is_null(), "{row}");
        let o = whytop(&["ended", "--since", "10m", "--db", db.to_str().unwrap()]);
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("OOM killer ended them is not known"),
            "{}",
            text(&o)
        );
        return;
    }
    let name = format!("whytop-test-oom-{}", std::process::id());
    let cg = common::memcg::MemoryCgroup::new(&name, 32 << 20)
        .unwrap_or_else(|why| panic!("a memory cgroup for the OOM test: {why}"));
    let _rec = recorder(&db, "0.2", &[]);
    wait_for("the first sample", || last_sample(&db));
    let tag = format!("whytoptest{}oomhog", std::process::id());
    let go = dir.path().join("go");
    let hog = "import os, sys, time\nwith open(sys.argv[1], 'w') as f: f.write(str(os.getpid()))\nwhile not os.path.exists(sys.argv[2]): time.sleep(0.05)\nhog = []\nwhile True: hog.append(b'x' * (1 << 20))\n";
    use std::os::unix::process::CommandExt;
    let mut p = Proc::spawn(
        Command::new(python())
            .arg0(&tag)
            .args(["-c", hog])
            .arg(cg.procs())
            .arg(&go),
    );
    let pid = p.0.id();
    wait_for("the hog recorded alive, in its cgroup", || {
        let procs = std::fs::read_to_string(cg.procs()).map_err(|e| e.to_string())?;
        if !procs.split_whitespace().any(|p| p == pid.to_string()) {
            return Err(format!("not in {} yet", cg.dir.display()));
        }
        recorded_alive(&db, pid, &tag)
    });
    std::fs::write(&go, "").unwrap();
    let status = p.0.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGKILL), "{status:?}");
    let row = ended_row(&db, pid, |r| !r["oom_killed"].is_null());
    assert_eq!(row["oom_killed"], true, "{row}");
    assert_eq!(row["oom_cgroup"], cg.name.as_str(), "{row}");
    assert_eq!(row["exit_signal"], libc::SIGKILL, "{row}");
    let o = whytop(&["ended", "--since", "10m", "--db", db.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    let line = out.lines().find(|l| l.contains(&tag)).unwrap_or_default();
    assert!(
        line.contains(&format!(
            "killed by the OOM killer (memory cgroup {})",
            cg.name
        )),
        "cgroup v{}:\n{}",
        cg.version,
        text(&o)
    );
}

/// A process `whytop stop` ended at its first step: the recorder reads the
/// ladder's audit record and `whytop ended` says the step, for that process
/// (pid and start time) only. As root, forks and execs of short-lived
/// children are counted per parent.
#[test]
fn a_stop_by_whytops_ladder_shows_the_step_in_ended() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = db_in(&dir);
    let _rec = Proc::spawn(
        Command::new(bin())
            .env("WHYTOP_DATA_DIR", &data)
            .args(["record", "--interval", "0.2", "--db"])
            .arg(&db),
    );
    wait_for("the first sample", || last_sample(&db));
    let tag = format!("whytoptest{}ladder", std::process::id());
    let mut p = Proc::spawn(Command::new("bash").args(["-c", &format!("exec -a {tag} sleep 300")]));
    let pid = p.0.id();
    wait_for("recorded alive", || recorded_alive(&db, pid, &tag));
    let o = Command::new(bin())
        .env("WHYTOP_DATA_DIR", &data)
        .args(["stop", &pid.to_string(), "--ladder", "TERM:5,KILL:1"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    p.0.wait().unwrap();
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        // Twenty children too short-lived for a sample: their forks and
        // execs are counted under this test (the kernel's process events).
        for _ in 0..20 {
            Command::new("true").status().unwrap();
        }
        let me = std::process::id();
        wait_for("forks and execs counted under the test", || {
            let c = rusqlite::Connection::open(&db).map_err(|e| e.to_string())?;
            let (forks, execs): (i64, i64) = c
                .query_row(
                    "SELECT coalesce(sum(forks), 0), coalesce(sum(execs), 0) FROM spawns
                     WHERE ppid = ?1",
                    [me],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(|e| e.to_string())?;
            if forks >= 20 && execs >= 20 {
                Ok(())
            } else {
                Err(format!("{forks} forks, {execs} execs"))
            }
        });
    }
    let row = ended_row(&db, pid, |r| !r["ladder_signal"].is_null());
    assert_eq!(row["ladder_signal"], "SIGTERM", "{row}");
    assert_eq!(row["ladder_step"], 0, "{row}");
    assert_eq!(row["exit_signal"], libc::SIGTERM, "{row}");
    let o = whytop(&["ended", "--since", "10m", "--db", db.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    let line = out.lines().find(|l| l.contains(&tag)).unwrap_or_default();
    assert!(
        line.contains("stopped by whytop's ladder at SIGTERM step"),
        "{}",
        text(&o)
    );
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        let me = std::process::id();
        assert!(
            out.lines()
                .any(|l| l.starts_with("Most forks") && l.contains(&format!(" {me}: "))),
            "{}",
            text(&o)
        );
    }
}
