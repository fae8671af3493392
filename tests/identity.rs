//! Never the wrong process, with pids reused on purpose: each test runs in its
//! own pid namespace, where setting `ns_last_pid` hands a dead process's pid to
//! a new one, and pauses whytop (its debug build's test hook) in the window
//! between a check and the act it guards. Root only (namespaces, ns_last_pid).
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure
#![cfg(target_os = "linux")]

mod common;

use common::pidns::{InNs, PidNs, kill};
use common::wait_for;
use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};

fn root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// The debug build: only it has the pause hook.
const WHYTOP: &str = env!("CARGO_BIN_EXE_whytop");

/// whytop inside the namespace, paused at `point` (if any) until the test removes `marker`.
fn whytop_in(ns: &PidNs, data: &Path, pause: Option<(&str, &Path)>, args: &[&str]) -> Child {
    let mut c = ns.command(WHYTOP);
    c.args(args)
        .env("WHYTOP_DATA_DIR", data)
        .env("XDG_CONFIG_HOME", data)
        .env_remove("WHYTOP_TEST_PAUSE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some((point, marker)) = pause {
        c.env("WHYTOP_TEST_PAUSE", format!("{point}:{}", marker.display()));
    }
    c.spawn().expect("whytop runs")
}

fn wait_marker(marker: &Path, whytop: &mut Child) {
    wait_for("whytop to reach its pause point", || {
        if let Ok(Some(status)) = whytop.try_wait() {
            panic!("whytop ended before its pause point: {status}");
        }
        if marker.exists() {
            Ok(())
        } else {
            Err("no marker".into())
        }
    });
}

fn finish(whytop: Child) -> Output {
    let pid = whytop.id() as i32;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(whytop.wait_with_output());
    });
    match rx.recv_timeout(common::DEADLINE * 2) {
        Ok(out) => out.expect("whytop's output"),
        Err(_) => {
            kill(pid);
            panic!("whytop did not finish");
        }
    }
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn audit_lines(data: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(data.join("audit.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A process `sleep`ing inside the namespace, tagged so its command line says whose it is.
fn sleeper(ns: &PidNs, tag: &str) -> InNs {
    let (p, _) = ns.bash(&format!("echo $$; exec -a {tag} sleep 1000"));
    wait_for("the sleeper's exec", || {
        let cmd = std::fs::read(ns.proc_path(p.inner, "cmdline")).unwrap_or_default();
        if cmd.starts_with(tag.as_bytes()) {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&cmd).into_owned())
        }
    });
    p
}

/// Kills `p` (outside pid) and waits until its pid is free in the namespace.
fn kill_and_free(ns: &PidNs, p: InNs) -> i32 {
    let inner = p.inner;
    kill(p.outer);
    drop(p); // nsenter reaps it, then is reaped itself
    ns.wait_gone(inner);
    inner
}

/// A new sleeper that takes pid `pid`; returns its shell (the sleeper is its child).
fn taker(ns: &PidNs, pid: i32, tag: &str) -> InNs {
    let shell = ns.reuse(pid, &format!("exec -a {tag} sleep 1000"));
    wait_for("the new process's exec", || {
        let cmd = std::fs::read(ns.proc_path(pid, "cmdline")).unwrap_or_default();
        if cmd.starts_with(tag.as_bytes()) {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&cmd).into_owned())
        }
    });
    shell
}

/// A parent P (`{tag}parentP`) with an idle child C (`{tag}orphanC`), once C is
/// seen under P: P's shell and C's pid inside the namespace.
fn parent_with_child(ns: &PidNs, tag: &str) -> (InNs, i32) {
    let (p, line) = ns.bash(&format!(
        "(exec -a {tag}orphanC sleep 1000) & echo $!; exec -a {tag}parentP sleep 1000"
    ));
    let c: i32 = line.parse().unwrap();
    wait_for("C under P", || match ns.stat_field(c, 4) {
        Some(pp) if pp == p.inner as i64 => Ok(()),
        other => Err(format!("{other:?}")),
    });
    (p, c)
}

fn marker_in(dir: &Path) -> PathBuf {
    dir.join("paused")
}

/// Case (a): a parent P with an idle child C exits and a new process N takes P's
/// pid between `ps`'s two samples. The second sample must give C its real parent
/// (the namespace's init), not N.
#[test]
fn ps_after_a_parents_pid_is_reused_shows_its_orphan_under_init() {
    if !root() {
        return;
    }
    let ns = PidNs::new();
    let data = tempfile::tempdir().unwrap();
    let (p, c) = parent_with_child(&ns, "");
    let marker = marker_in(data.path());
    let mut ps = whytop_in(
        &ns,
        data.path(),
        Some(("between-samples", &marker)),
        &["ps", "--json", "--interval", "100"],
    );
    wait_marker(&marker, &mut ps);
    let pid = kill_and_free(&ns, p);
    let _n = taker(&ns, pid, "newN");
    std::fs::remove_file(&marker).unwrap();
    let out = finish(ps);
    assert!(out.status.success(), "{}", text(&out));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let row = |pid: i32| {
        rows.iter()
            .find(|r| r["pid"] == pid)
            .unwrap_or_else(|| panic!("pid {pid} listed: {}", text(&out)))
    };
    assert_eq!(row(c)["ppid"], 1, "C was reparented to init: {}", row(c));
    assert!(row(pid)["command"].as_str().unwrap().starts_with("newN"));
}

/// Case (a) through `whytop stop`: a tree stop of N hits N only; C lives.
#[test]
fn stop_of_the_process_that_took_a_dead_parents_pid_leaves_the_orphan_alone() {
    if !root() {
        return;
    }
    let ns = PidNs::new();
    let data = tempfile::tempdir().unwrap();
    let (p, c) = parent_with_child(&ns, "");
    let pid = kill_and_free(&ns, p);
    let _n = taker(&ns, pid, "newN");
    let out = finish(whytop_in(
        &ns,
        data.path(),
        None,
        &["stop", &pid.to_string(), "--ladder", "TERM:20", "--json"],
    ));
    assert!(out.status.success(), "{}", text(&out));
    let outcome: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pids: Vec<i64> = outcome["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["pid"].as_i64().unwrap())
        .collect();
    assert_eq!(pids, [pid as i64], "{}", text(&out));
    assert!(ns.exists(c), "C was never signalled");
    assert_eq!(ns.stat(c).unwrap()[0], "S");
}

/// Case (b): the target's pid is reused while whytop pauses between its identity
/// check and the change. `point` after-check: the change must not happen.
/// Returns N's nice and policy (stat fields 19, 41) from before whytop went on.
fn reuse_between_check_and_act(
    args: &[&str],
    point: &str,
) -> (PidNs, i32, Output, PathBuf, [Option<i64>; 2]) {
    let ns = PidNs::new();
    let data = tempfile::tempdir().unwrap().keep();
    let t = sleeper(&ns, "targetT");
    let marker = marker_in(&data);
    let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    args.insert(1, t.inner.to_string());
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut w = whytop_in(&ns, &data, Some((point, &marker)), &argv);
    wait_marker(&marker, &mut w);
    let pid = kill_and_free(&ns, t);
    let n = taker(&ns, pid, "newN");
    std::mem::forget(n); // dies with the namespace
    let before = [ns.stat_field(pid, 19), ns.stat_field(pid, 41)];
    std::fs::remove_file(&marker).unwrap();
    let out = finish(w);
    (ns, pid, out, data, before)
}

fn last_outcome(data: &Path) -> serde_json::Value {
    audit_lines(data).last().expect("an audit line")["outcome"].clone()
}

#[test]
fn renice_of_a_pid_reused_after_the_check_changes_nothing() {
    if !root() {
        return;
    }
    let (ns, pid, out, data, before) =
        reuse_between_check_and_act(&["renice", "19"], "after-check");
    assert_ne!(before[0], Some(19));
    assert_eq!(ns.stat_field(pid, 19), before[0], "N's nice untouched");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        last_outcome(&data)["error"].is_string(),
        "{:?}",
        audit_lines(&data)
    );
    let _ = std::fs::remove_dir_all(data);
}

#[test]
fn sched_of_a_pid_reused_after_the_check_changes_nothing() {
    if !root() {
        return;
    }
    let (ns, pid, out, data, before) =
        reuse_between_check_and_act(&["sched", "--policy", "fifo"], "after-check");
    assert_eq!(before[1], Some(0));
    assert_eq!(ns.stat_field(pid, 41), before[1], "N's policy untouched");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(last_outcome(&data)["error"].is_string());
    let _ = std::fs::remove_dir_all(data);
}

/// The kernel call itself went by pid, after the last check: the change reached
/// N, and whytop says so loudly (exit 1, "another process" on stderr and in the audit).
#[test]
fn a_change_that_reached_the_pids_new_owner_is_reported_loudly() {
    if !root() {
        return;
    }
    for (args, field, changed) in [
        (&["renice", "19"][..], 19, 19),
        (&["sched", "--policy", "fifo"][..], 41, 1),
    ] {
        let (ns, pid, out, data, _) = reuse_between_check_and_act(args, "before-kernel-call");
        assert_eq!(
            ns.stat_field(pid, field),
            Some(changed),
            "the call went by pid"
        );
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("another process"), "{}", text(&out));
        let outcome = last_outcome(&data);
        assert_eq!(outcome["identity_lost"], true, "{outcome}");
        let _ = std::fs::remove_dir_all(data);
    }
}

/// Group members, in Python: a session holder S (which reaps at once) forks the
/// leader L, which makes its own group and forks two members. Every process writes `got-PID` when
/// SIGUSR1 arrives; a member moves to a group of its own once `leave` exists
/// (so L's pid can be freed), saying `left-PID`.
const GROUP_PY: &str = r#"
import os, signal, sys, time
d = sys.argv[2]
def got(*_):
    open(os.path.join(d, "got-%d" % os.getpid()), "w").close()
signal.signal(signal.SIGUSR1, got)
def member():
    while not os.path.exists(os.path.join(d, "leave")):
        time.sleep(0.01)
    os.setpgid(0, 0)
    open(os.path.join(d, "left-%d" % os.getpid()), "w").close()
    while True:
        time.sleep(1)
if sys.argv[1] == "session":
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    if os.fork() == 0:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setpgid(0, 0)
        kids = []
        for _ in range(2):
            k = os.fork()
            if k == 0:
                member()
            kids.append(k)
        print(os.getpid(), *kids, flush=True)
        while True:
            time.sleep(1)
    while True:
        time.sleep(1)
else:
    while True:
        time.sleep(1)
"#;

/// Case (c): `signal L USR1 --group`, and while whytop pauses after its check
/// the group empties (L exits, its members move away) and a new session leader
/// N takes L's pid, so `kill(-L)` would reach N. Only the verified members get it.
#[test]
fn a_group_signal_reaches_the_verified_members_not_a_new_session_leader_on_the_pid() {
    if !root() {
        return;
    }
    let ns = PidNs::new();
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().join("g");
    std::fs::create_dir(&dir).unwrap();
    let script = data.path().join("group.py");
    std::fs::write(&script, GROUP_PY).unwrap();
    let py = common::python();
    let (s, pids) = ns.bash(&format!(
        "exec setsid {py} {} session {}",
        script.display(),
        dir.display()
    ));
    let pids: Vec<i32> = pids.split(' ').map(|p| p.parse().unwrap()).collect();
    let (l, members) = (pids[0], &pids[1..]);
    for m in members {
        wait_for("member in L's group", || match ns.stat_field(*m, 5) {
            Some(g) if g == l as i64 => Ok(()),
            other => Err(format!("{other:?}")),
        });
    }
    let marker = marker_in(data.path());
    let mut w = whytop_in(
        &ns,
        data.path(),
        Some(("after-check", &marker)),
        &["signal", &l.to_string(), "USR1", "--group"],
    );
    wait_marker(&marker, &mut w);
    std::fs::write(dir.join("leave"), "").unwrap();
    for m in members {
        wait_for("the member moved away", || {
            if dir.join(format!("left-{m}")).exists() {
                Ok(())
            } else {
                Err("not yet".into())
            }
        });
    }
    // S ignores SIGCHLD, so L is reaped the moment it dies and its pid is free.
    let l_outer = common::pidns::children(s.outer)[0];
    kill(l_outer);
    ns.wait_gone(l);
    let n = ns.reuse(
        l,
        &format!(
            "exec setsid {py} {} newsession {}",
            script.display(),
            dir.display()
        ),
    );
    wait_for("N a session leader on L's pid", || {
        match ns.stat_field(l, 6) {
            Some(sid) if sid == l as i64 => Ok(()),
            other => Err(format!("{other:?}")),
        }
    });
    // Python installs its handler quickly, but not instantly: give N a moment
    // by waiting until its command line is Python's (it has exec'd).
    wait_for("N is Python", || {
        let cmd = std::fs::read(ns.proc_path(l, "cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmd).contains("newsession") {
            Ok(())
        } else {
            Err("not yet".into())
        }
    });
    std::fs::remove_file(&marker).unwrap();
    let out = finish(w);
    for m in members {
        wait_for("the verified member got USR1", || {
            if dir.join(format!("got-{m}")).exists() {
                Ok(())
            } else {
                Err(text(&out))
            }
        });
    }
    // N could only have got it with the members: they have theirs, so N's would be there too.
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        !dir.join(format!("got-{l}")).exists(),
        "the new session leader was signalled: {}",
        text(&out)
    );
    assert!(ns.exists(l), "N lives");
    drop((n, s));
}

/// A stop is planned for R → D → C; before its first signal D exits, so C is
/// reparented to init: no longer R's descendant, it is dropped and left alone,
/// and the outcome and the audit say so.
#[test]
fn a_target_whose_parent_changed_before_the_signal_is_dropped_from_the_stop() {
    if !root() {
        return;
    }
    let ns = PidNs::new();
    let data = tempfile::tempdir().unwrap();
    let (r, line) = ns.bash(
        "bash -c '(exec -a leafC sleep 1000) & echo $$ $! ; wait' & wait; exec -a rootR sleep 1000",
    );
    let r_inner = r.inner;
    let ids: Vec<i32> = line.split(' ').map(|p| p.parse().unwrap()).collect();
    let (d, c) = (ids[0], ids[1]);
    wait_for("C under D", || match ns.stat_field(c, 4) {
        Some(pp) if pp == d as i64 => Ok(()),
        other => Err(format!("{other:?}")),
    });
    let marker = marker_in(data.path());
    let mut w = whytop_in(
        &ns,
        data.path(),
        Some(("before-first-signal", &marker)),
        &[
            "stop",
            &r_inner.to_string(),
            "--ladder",
            "TERM:20",
            "--json",
        ],
    );
    wait_marker(&marker, &mut w);
    let d_outer = common::pidns::children(r.outer)[0];
    kill(d_outer);
    wait_for("C reparented to init", || match ns.stat_field(c, 4) {
        Some(1) => Ok(()),
        other => Err(format!("{other:?}")),
    });
    std::fs::remove_file(&marker).unwrap();
    let out = finish(w);
    assert!(ns.exists(c), "C was left alone: {}", text(&out));
    assert_eq!(ns.stat(c).unwrap()[0], "S");
    let outcome: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let t = outcome["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["pid"] == c)
        .unwrap()
        .clone();
    assert_eq!(t["ended"], "moved", "{}", text(&out));
    let audit = audit_lines(data.path());
    let last = &audit.last().unwrap()["outcome"]["targets"];
    assert!(
        last.as_array()
            .unwrap()
            .iter()
            .any(|t| t["pid"] == c && t["ended"] == "moved"),
        "{audit:?}"
    );
    drop(r);
}

/// Case (a) in the TUI: whytop has seen P with its idle child C; P dies and N
/// takes P's pid. `x` on N must plan, confirm and stop N alone; C lives.
#[test]
fn tui_stop_of_the_process_that_took_a_dead_parents_pid_leaves_the_orphan_alone() {
    if !root() {
        return;
    }
    let tag = common::marker("tuireuse");
    let ns = PidNs::new();
    let data = tempfile::tempdir().unwrap();
    let (p, c) = parent_with_child(&ns, &tag);
    let t = common::Tmux::shell(150, 40);
    t.type_text(&format!(
        "nsenter -t {} -p -m -- env WHYTOP_DATA_DIR={d} XDG_CONFIG_HOME={d} {WHYTOP} -d 5 --sort pid --filter {tag}",
        ns.init,
        d = data.path().display()
    ));
    t.keys(&["Enter"]);
    t.wait_screen("P with C below it", |s| {
        s.contains(&format!("{tag}parentP")) && s.contains(&format!("{tag}orphanC"))
    });
    let pid = kill_and_free(&ns, p);
    let _n = taker(&ns, pid, &format!("{tag}N"));
    t.wait_screen("N in P's place", |s| {
        s.contains(&format!("{tag}N")) && !s.contains(&format!("{tag}parentP"))
    });
    // N has the lowest pid of the three: the first row.
    t.keys(&["Home", "x"]);
    let s = t.wait_screen("the confirmation", |s| s.contains("Stop 1 process"));
    assert!(
        s.contains(&format!("{tag}N")) && !s.contains("1 descendant"),
        "only N is planned:\n{s}"
    );
    t.keys(&["y"]);
    wait_for("N stopped", || {
        if ns.exists(pid) && ns.stat(pid).is_some_and(|s| s[0] != "Z") {
            Err(t.screen())
        } else {
            Ok(())
        }
    });
    t.wait_screen("the outcome", |s| s.contains("stopped in"));
    assert!(ns.exists(c), "C was never signalled:\n{}", t.screen());
    assert_eq!(ns.stat(c).unwrap()[0], "S");
    let audit = audit_lines(data.path());
    let targets = &audit.last().expect("the stop is audited")["outcome"]["targets"];
    assert!(
        targets.as_array().unwrap().iter().all(|t| t["pid"] == pid),
        "{audit:?}"
    );
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

/// A reader that holds a process between passes (its fds open, its pid in the
/// list of a quiet pass) shows the new owner of that pid at the next pass, as
/// the TUI would: never the dead process's name on the new one.
#[test]
fn a_reader_holding_a_reused_pid_shows_its_new_owner_next_pass() {
    use whytop::platform::linux::reader::ProcReader;
    if !root() {
        return;
    }
    let ns = PidNs::new();
    let mut reader = ProcReader::new(format!("/proc/{}/root/proc", ns.init), "/etc/passwd");
    let old = sleeper(&ns, "heldA");
    let pid = old.inner;
    let row = |reader: &mut ProcReader| {
        let (procs, _) = reader.list(false).unwrap();
        procs.iter().find(|s| s.pid == pid).cloned()
    };
    let before = wait_for("the sleeper listed", || match row(&mut reader) {
        Some(s) if s.cmdline.starts_with("heldA") => Ok(s),
        other => Err(format!(
            "{:?}",
            other.as_ref().map(|s| s.cmdline.to_string())
        )),
    });
    // A few quiet passes: it is held, not re-read from the directory.
    for _ in 0..3 {
        assert!(row(&mut reader).is_some_and(|s| s.cmdline.starts_with("heldA")));
    }
    kill_and_free(&ns, old);
    let _new = taker(&ns, pid, "tookB");
    let after = row(&mut reader).expect("the pid is listed again");
    assert!(
        after.cmdline.starts_with("tookB"),
        "pid {pid} still shows {:?}",
        after.cmdline
    );
    assert_ne!(after.start_time, before.start_time);
}
