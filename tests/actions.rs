//! The action engine on real processes: the stop ladder, key checks, signals,
//! renice, refusals and the audit log, through the CLI a script would use.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure
#![cfg(target_os = "linux")]

mod common;

use common::{Proc, wait_for};
use std::path::Path;
use std::process::{Command, Output};
use whytop::actions::ladder::{self, Ended, Policy};
use whytop::actions::targets::Target;
use whytop::model::ProcKey;
use whytop::platform::cancel::CancelToken;

/// Runs the CLI with its own audit directory and config (none unless the test writes one).
fn whytop(data: &Path, args: &[&str]) -> Output {
    Command::new(common::bin())
        .args(args)
        .env("WHYTOP_DATA_DIR", data)
        .env("XDG_CONFIG_HOME", data)
        .output()
        .expect("run whytop")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn audit_lines(data: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(data.join("audit.jsonl")).unwrap_or_default();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A Python process that ignores the named signals and says READY on stdout
/// once its handlers are installed.
fn stubborn(ignore: &[&str]) -> Proc {
    let sets: String = ignore
        .iter()
        .map(|s| format!("signal.signal(signal.SIG{s}, signal.SIG_IGN); "))
        .collect();
    let script =
        format!("import signal, time, sys; {sets}print('READY', flush=True); time.sleep(120)");
    let mut child = Command::new(common::python())
        .args(["-c", &script])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line.trim(), "READY");
    Proc(child, false)
}

fn ended_signal(outcome: &serde_json::Value, pid: i32) -> String {
    let t = outcome["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["pid"] == pid)
        .expect("target listed");
    assert_eq!(t["ended"], "step", "{t}");
    t["signal"].as_str().unwrap().to_string()
}

#[test]
fn a_term_ignorer_is_stopped_by_int() {
    let data = tempfile::tempdir().unwrap();
    let p = stubborn(&["TERM"]);
    let out = whytop(
        data.path(),
        &[
            "stop",
            &p.pid().to_string(),
            "--ladder",
            "TERM:2,INT:20,KILL:1",
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(ended_signal(&json(&out), p.pid()), "SIGINT");
}

#[test]
fn a_term_and_int_ignorer_is_killed_and_the_outcome_says_so() {
    let data = tempfile::tempdir().unwrap();
    let p = stubborn(&["TERM", "INT"]);
    let out = whytop(
        data.path(),
        &[
            "stop",
            &p.pid().to_string(),
            "--ladder",
            "TERM:1,INT:1,KILL:20",
            "--json",
        ],
    );
    assert!(out.status.success());
    assert_eq!(ended_signal(&json(&out), p.pid()), "SIGKILL");
    let audit = audit_lines(data.path());
    assert_eq!(
        audit.len(),
        2,
        "one line as it starts, one with the outcome"
    );
    assert_eq!(audit[0]["action"], "stop");
    assert_eq!(audit[0]["outcome"], "started");
    assert_eq!(audit[0]["targets"][0]["pid"], p.pid());
    assert_eq!(audit[1]["targets"][0]["pid"], p.pid());
    assert_eq!(audit[1]["outcome"]["targets"][0]["signal"], "SIGKILL");
}

#[test]
fn a_three_level_tree_with_a_stubborn_grandchild_is_gone_entirely() {
    let data = tempfile::tempdir().unwrap();
    let grandchild =
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)";
    let py = common::python();
    let child = format!("import subprocess; subprocess.run([{py:?}, '-c', {grandchild:?}])");
    let top = Proc::spawn_group(Command::new(&py).args([
        "-c",
        &format!("import subprocess; subprocess.run([{py:?}, '-c', {child:?}])"),
    ]));
    // Wait until all three levels exist.
    let pids: Vec<i32> = wait_for("three levels", || {
        let mut chain = vec![top.pid()];
        while chain.len() < 3 {
            let last = *chain.last().unwrap();
            let kids = std::fs::read_to_string(format!("/proc/{last}/task/{last}/children"))
                .map_err(|e| e.to_string())?;
            match kids.split_whitespace().next().and_then(|k| k.parse().ok()) {
                Some(k) => chain.push(k),
                None => return Err(format!("{chain:?}")),
            }
        }
        Ok(chain)
    });
    let out = whytop(
        data.path(),
        &[
            "stop",
            &top.pid().to_string(),
            "--ladder",
            "TERM:2,INT:2,KILL:20",
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let outcome = json(&out);
    let hit: Vec<i64> = outcome["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["pid"].as_i64().unwrap())
        .collect();
    for pid in &pids {
        assert!(
            hit.contains(&(*pid as i64)),
            "pid {pid} not among the targets: {outcome}"
        );
    }
    for pid in &pids {
        assert!(!alive(*pid), "pid {pid} survived");
    }
}

#[test]
fn a_target_that_exits_early_ends_the_ladder_early() {
    // Plain sleep dies of TERM at once; a 60 s window must not be sat out.
    let p = Proc::spawn(Command::new("sleep").arg("120"));
    let key = key_of(p.pid());
    let target = Target {
        key,
        command: "sleep 120".into(),
        depth: 0,
        descendants: 0,
        parent: None,
    };
    let (_tx, rx) = std::sync::mpsc::channel();
    let outcome = ladder::run(
        vec![target],
        &Policy::parse("TERM:60,KILL:60").unwrap(),
        &CancelToken::new(),
        &rx,
        |_| {},
    );
    assert_eq!(
        outcome.targets[0].ended,
        Ended::Step {
            step: 0,
            signal: "SIGTERM".into()
        }
    );
    assert!(
        outcome.elapsed_secs < 30.0,
        "the ladder sat out its window: {}",
        outcome.elapsed_secs
    );
    assert_eq!(outcome.sent.len(), 1, "only TERM was sent");
}

#[test]
fn a_key_whose_pid_was_reused_is_refused_and_that_process_lives() {
    let p = Proc::spawn(Command::new("sleep").arg("120"));
    let real = key_of(p.pid());
    let stale = ProcKey {
        pid: real.pid,
        start_time: real.start_time.wrapping_sub(1),
    };
    let target = Target {
        key: stale,
        command: "an older process".into(),
        depth: 0,
        descendants: 0,
        parent: None,
    };
    let (_tx, rx) = std::sync::mpsc::channel();
    let outcome = ladder::run(
        vec![target],
        &Policy::parse("KILL:1").unwrap(),
        &CancelToken::new(),
        &rx,
        |_| {},
    );
    assert_eq!(outcome.targets[0].ended, Ended::Gone);
    assert!(outcome.sent.is_empty(), "nothing may be signalled");
    assert!(whytop::actions::deliver::deliver(stale, libc::SIGKILL, None, false).is_err());
    // SAFETY: getpgid has no memory preconditions.
    let group = unsafe { libc::getpgid(real.pid) };
    assert!(whytop::actions::deliver::deliver(stale, libc::SIGKILL, Some(group), true).is_err());
    assert!(
        alive(p.pid()),
        "the process that owns the pid now must live"
    );
}

#[test]
fn renice_changes_the_nice_value_and_is_audited() {
    let data = tempfile::tempdir().unwrap();
    let p = Proc::spawn(Command::new("sleep").arg("120"));
    let out = whytop(data.path(), &["renice", &p.pid().to_string(), "7"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(nice_of(p.pid()), 7);
    let audit = audit_lines(data.path());
    assert_eq!(audit[0]["action"], "renice");
    assert_eq!(audit[0]["params"]["nice"], 7);
    assert_eq!(audit[0]["outcome"]["applied"], true);
}

#[test]
fn lowering_nice_without_privilege_is_refused_saying_root_is_needed() {
    let data = tempfile::tempdir().unwrap();
    // Nobody's own data directory: whytop refuses one another user could change.
    std::os::unix::fs::chown(data.path(), Some(65534), Some(65534)).unwrap();
    // As nobody: start a sleep at nice 5, then try to lower it to 0.
    let script = format!(
        "nice -n 5 sleep 60 & pid=$!; n=0; until [ \"$(cut -d' ' -f19 /proc/$pid/stat)\" = 5 ] || [ $n -gt 600 ]; do sleep 0.05; n=$((n+1)); done; WHYTOP_DATA_DIR={} {} renice $pid 0; rc=$?; kill $pid; exit $rc",
        data.path().display(),
        common::bin()
    );
    let out = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "sh",
            "-c",
            &script,
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("needs root"), "{err}");
    let audit = audit_lines(data.path());
    assert!(
        audit[0]["outcome"]["error"]
            .as_str()
            .unwrap()
            .contains("needs root")
    );
    // The kind, not only the words: denied, told apart from gone.
    assert_eq!(audit[0]["outcome"]["kind"], "denied", "{audit:?}");
}

/// A real-time policy without privilege is denied by kind (it was "failed"),
/// with the same words as before.
#[test]
fn a_policy_that_needs_root_is_denied_by_kind() {
    let data = tempfile::tempdir().unwrap();
    std::os::unix::fs::chown(data.path(), Some(65534), Some(65534)).unwrap();
    let script = format!(
        "sleep 60 & pid=$!; WHYTOP_DATA_DIR={} {} sched $pid --policy fifo; rc=$?; kill $pid; exit $rc",
        data.path().display(),
        common::bin()
    );
    let out = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "sh",
            "-c",
            &script,
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("needs root"), "{err}");
    let audit = audit_lines(data.path());
    assert_eq!(audit[0]["outcome"]["kind"], "denied", "{audit:?}");
}

/// A signal to another user's process is denied, and its audit says so by kind.
#[test]
fn a_signal_to_another_users_process_is_denied_by_kind() {
    let p = common::tagged_sleep(&common::marker("denied"));
    let data = tempfile::tempdir().unwrap();
    std::os::unix::fs::chown(data.path(), Some(65534), Some(65534)).unwrap();
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(common::bin())
        .args(["signal", &p.pid().to_string(), "USR1"])
        .env("WHYTOP_DATA_DIR", data.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("permission denied"), "{err}");
    let audit = audit_lines(data.path());
    assert_eq!(audit[0]["outcome"]["kind"], "denied", "{audit:?}");
    assert!(alive(p.pid()));
}

#[test]
fn signals_by_name_and_refusals() {
    let data = tempfile::tempdir().unwrap();
    let p = Proc::spawn(Command::new("sleep").arg("120"));
    let out = whytop(data.path(), &["signal", &p.pid().to_string(), "STOP"]);
    assert!(out.status.success());
    wait_for("stopped", || {
        state_of(p.pid())
            .filter(|s| *s == 'T')
            .ok_or("not yet".to_string())
    });
    assert!(
        whytop(data.path(), &["signal", &p.pid().to_string(), "CONT"])
            .status
            .success()
    );
    wait_for("running again", || {
        state_of(p.pid())
            .filter(|s| *s == 'S')
            .ok_or("not yet".to_string())
    });
    let out = whytop(data.path(), &["stop", "1"]);
    assert_eq!(out.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&out.stderr).contains("init"));
    let out = whytop(data.path(), &["signal", "2147483", "TERM"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such process"));
    let actions: Vec<String> = audit_lines(data.path())
        .iter()
        .map(|r| r["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        actions,
        ["signal", "signal", "stop"],
        "each mutation and the refusal left a line"
    );
}

#[test]
fn protected_targets_are_refused_for_every_action_unless_forced() {
    let data = tempfile::tempdir().unwrap();
    for args in [
        &["signal", "1", "USR1"][..],
        &["renice", "1", "5"],
        &["sched", "1", "--policy", "batch"],
        &["signal", "2", "TERM"],
    ] {
        let out = whytop(data.path(), args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(5), "{args:?}: {err}");
        assert!(err.contains("--force"), "{args:?}: {err}");
    }
    let refused = audit_lines(data.path());
    assert_eq!(refused.len(), 4, "each refusal is audited");
    assert!(refused.iter().all(|r| r["outcome"] == "refused"));
}

#[test]
fn a_group_signal_never_reaches_whytops_own_group() {
    // This sleep shares the test's process group, and so whytop's: a group signal
    // to it would hit whytop (and this test) too.
    let data = tempfile::tempdir().unwrap();
    let p = Proc::spawn(Command::new("sleep").arg("120"));
    let out = whytop(
        data.path(),
        &["signal", &p.pid().to_string(), "TERM", "--group"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains("holds whytop itself"), "{err}");
    assert_eq!(state_of(p.pid()), Some('S'), "the sleep was not signalled");
    // Its own group is fine, and every member gets the signal.
    let g = Proc::spawn_group(Command::new("sh").args(["-c", "sleep 120 & sleep 120; wait"]));
    let kid = common::descendant_named(g.pid(), "sleep");
    let out = whytop(
        data.path(),
        &["signal", &g.pid().to_string(), "STOP", "--group"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    wait_for("the whole group stopped", || {
        match (state_of(g.pid()), state_of(kid)) {
            (Some('T'), Some('T')) => Ok(()),
            other => Err(format!("{other:?}")),
        }
    });
    let audit = audit_lines(data.path());
    assert_eq!(audit.last().unwrap()["params"]["group"], g.pid());
}

#[test]
fn an_interrupted_stop_cancels_its_ladder_and_still_audits_the_outcome() {
    let data = tempfile::tempdir().unwrap();
    let p = stubborn(&["TERM"]);
    let mut stop = Command::new(common::bin())
        .args(["stop", &p.pid().to_string(), "--ladder", "TERM:60,KILL:1"])
        .env("WHYTOP_DATA_DIR", data.path())
        .env("XDG_CONFIG_HOME", data.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the ladder to start", || {
        match audit_lines(data.path()).first() {
            Some(r) if r["outcome"] == "started" => Ok(()),
            other => Err(format!("{other:?}")),
        }
    });
    // SAFETY: kill has no memory preconditions; the pid is our own child.
    unsafe { libc::kill(stop.id() as i32, libc::SIGINT) };
    let status = wait_for("whytop stop to end", || {
        stop.try_wait()
            .map_err(|e| e.to_string())?
            .ok_or("running".to_string())
    });
    assert_eq!(status.code(), Some(1), "the target was left running");
    assert!(alive(p.pid()), "cancelled before KILL");
    let audit = audit_lines(data.path());
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert_eq!(audit[1]["outcome"]["cancelled"], true);
    assert_eq!(audit[1]["outcome"]["targets"][0]["ended"], "cancelled");
}

#[test]
fn stop_takes_its_ladder_from_the_config_file_unless_given() {
    let data = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(data.path().join("whytop")).unwrap();
    std::fs::write(
        data.path().join("whytop/config.toml"),
        "ladder = \"KILL:20\"\n",
    )
    .unwrap();
    let p = stubborn(&["TERM", "INT"]);
    let out = whytop(data.path(), &["stop", &p.pid().to_string(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(ended_signal(&json(&out), p.pid()), "SIGKILL");
    std::fs::write(data.path().join("whytop/config.toml"), "ladder = 5\n").unwrap();
    let q = Proc::spawn(Command::new("sleep").arg("120"));
    let out = whytop(data.path(), &["stop", &q.pid().to_string()]);
    let err = String::from_utf8_lossy(&out.stderr);
    // A config that does not hold is a usage error, as in every command.
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("config.toml:1:10: ladder: "),
        "the message names the file: {err}"
    );
    assert!(alive(q.pid()), "a malformed config acts on nothing");
}

fn key_of(pid: i32) -> ProcKey {
    let stat = std::fs::read(format!("/proc/{pid}/stat")).unwrap();
    let st = whytop::platform::linux::stat::parse_stat(&stat).unwrap();
    ProcKey {
        pid,
        start_time: st.starttime,
    }
}

fn stat_field(pid: i32) -> Option<whytop::platform::linux::stat::Stat> {
    let stat = std::fs::read(format!("/proc/{pid}/stat")).ok()?;
    whytop::platform::linux::stat::parse_stat(&stat).ok()
}

fn nice_of(pid: i32) -> i32 {
    stat_field(pid).unwrap().nice
}

fn state_of(pid: i32) -> Option<char> {
    stat_field(pid).map(|s| s.state as char)
}

/// Alive: not a zombie, not dead and being reaped (X).
fn alive(pid: i32) -> bool {
    state_of(pid).is_some_and(|s| s != 'Z' && s != 'X')
}

#[test]
fn sched_sets_the_cpu_policy_and_io_class_and_is_audited() {
    let data = tempfile::tempdir().unwrap();
    let p = Proc::spawn(Command::new("sleep").arg("120"));
    let pid = p.pid().to_string();
    let out = whytop(
        data.path(),
        &["sched", &pid, "--policy", "batch", "--io", "idle"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Field 41 of stat is the policy: SCHED_BATCH is 3.
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let policy = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .nth(38)
        .unwrap()
        .to_string();
    assert_eq!(policy, "3", "{stat}");
    let ionice = Command::new("ionice").args(["-p", &pid]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&ionice.stdout).trim(), "idle");
    let shown = whytop(data.path(), &["sched", &pid]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("policy batch, I/O idle"));
    let actions: Vec<String> = audit_lines(data.path())
        .iter()
        .map(|r| r["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, ["sched", "sched"]);
    let bad = whytop(data.path(), &["sched", &pid, "--policy", "fast"]);
    assert_eq!(bad.status.code(), Some(2));
}
