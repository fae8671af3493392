//! Every wait class on a real process: spawn it (on a pseudo-terminal where the
//! class needs one), poll its evidence until the verdict settles, assert.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure
#![cfg(target_os = "linux")]

mod common;

use common::{Proc, Pty, wait_for};

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use whytop::model::why::{
    ProcessWhy, SyscallState, Verdict, WaitReason, classify, classify_process,
};
use whytop::platform::linux::evidence::{
    EvidenceOptions, proc_key, read_evidence_for, read_threads_evidence,
};

const PROC: &str = "/proc";

/// The verdict on `pid` now.
fn verdict(pid: i32) -> Result<Verdict, String> {
    let root = Path::new(PROC);
    let key = proc_key(root, pid).map_err(|e| e.to_string())?;
    let e = read_evidence_for(root, key, None, EvidenceOptions::for_root(root))
        .map_err(|e| e.to_string())?;
    Ok(classify(&e))
}

/// Polls until `pid`'s verdict satisfies `settled`; returns it.
fn settle(pid: i32, what: &str, settled: impl Fn(&Verdict) -> bool) -> Verdict {
    wait_for(what, || {
        let v = verdict(pid)?;
        if settled(&v) {
            eprintln!(
                "pid {pid}: {} ({}) by {:?}",
                v.reason, v.detail, v.decided_by
            );
            Ok(v)
        } else {
            Err(format!("{v:#?}"))
        }
    })
}

fn expect(pid: i32, reason: WaitReason) -> Verdict {
    settle(pid, reason.label(), |v| v.reason == reason)
}

/// Kills a pid that is not our child (a grandchild) when the test ends.
struct KillOnDrop(i32);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // SAFETY: kill has no memory-safety preconditions; the pid is the test's own grandchild.
        unsafe { libc::kill(self.0, libc::SIGKILL) };
    }
}

/// Spawns with null stdio as the leader of a new process group.
fn quiet(cmd: &mut Command) -> Proc {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("spawn");
    Proc(child, true)
}

/// The first child of `pid` whose name is `comm`, once it exists.
fn child_named(pid: i32, comm: &str) -> i32 {
    wait_for(&format!("a child {comm} of {pid}"), || {
        let kids = whytop::platform::linux::evidence::read_children(Path::new(PROC), pid)
            .ok_or("no children file")?;
        kids.iter()
            .find(|c| c.comm.as_deref() == Some(comm))
            .map(|c| c.pid)
            .ok_or_else(|| format!("{kids:?}"))
    })
}

#[test]
fn input_on_the_foreground_terminal() {
    let pty = Pty::open();
    let p = pty.spawn(Command::new(common::python()).args(["-c", "input()"]));
    let v = expect(p.pid(), WaitReason::Input);
    assert!(v.ready_for_input, "{v:#?}");
    assert!(!v.weak, "{v:#?}");
    assert!(v.detail.contains("/dev/pts/"), "{}", v.detail);

    // select and poll keep the fd set in the process's memory: it is read to find the terminal.
    for code in [
        "import select; select.select([0], [], [])",
        "import select, socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); p = select.poll(); p.register(0, select.POLLIN); p.register(s, select.POLLIN); p.poll()",
    ] {
        let pty = Pty::open();
        let p = pty.spawn(Command::new(common::python()).args(["-c", code]));
        let v = expect(p.pid(), WaitReason::Input);
        assert!(v.ready_for_input, "{v:#?}");
        let name = match &v.evidence.syscall {
            Some(SyscallState::In(sc)) => sc.name().to_string(),
            other => panic!("{other:?}"),
        };
        assert!(
            ["select", "pselect6", "poll", "ppoll"].contains(&name.as_str()),
            "{name}"
        );
    }
}

#[test]
fn epoll_on_several_fds_is_an_event_loop() {
    let p = quiet(Command::new(common::python()).args([
        "-c",
        "import selectors, socket, os\nsel = selectors.EpollSelector()\n\
         s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n\
         r, w = os.pipe()\nsel.register(s, selectors.EVENT_READ)\n\
         sel.register(r, selectors.EVENT_READ)\nsel.select()",
    ]));
    let v = expect(p.pid(), WaitReason::EventLoop);
    assert!(
        v.detail.contains("2 fds") && v.detail.contains("socket") && v.detail.contains("pipe"),
        "{}",
        v.detail
    );
}

#[test]
fn background_of_its_terminal_is_not_input() {
    let pty = Pty::open();
    // Job control on: the background job gets its own group; the shell stays the foreground.
    let sh = pty.spawn(Command::new("sh").args([
        "-c",
        "set -m; python3 -c 'input()' & python3 -c 'import select; select.select([0], [], [])' & wait",
    ]));
    let (pys, _guards) = two_background_pythons(&sh);
    // The reader is stopped by SIGTTIN; the selector waits, but not for the user.
    let verdicts: Vec<Verdict> = pys
        .iter()
        .map(|p| {
            settle(*p, "a background python to block", |v| {
                v.reason == WaitReason::Stopped
                    || (v.reason == WaitReason::EventLoop && v.detail.contains("terminal"))
            })
        })
        .collect();
    for v in &verdicts {
        assert_ne!(v.reason, WaitReason::Input, "{v:#?}");
        assert!(!v.ready_for_input, "{v:#?}");
        assert_ne!(v.evidence.pgrp, v.evidence.tpgid);
    }
    assert!(
        verdicts.iter().any(|v| v.reason == WaitReason::Stopped),
        "{verdicts:#?}"
    );
    assert!(
        verdicts.iter().any(|v| v.reason == WaitReason::EventLoop),
        "{verdicts:#?}"
    );
}

#[test]
fn sleep_is_a_timer() {
    let p = quiet(Command::new("sleep").arg("30"));
    expect(p.pid(), WaitReason::Timer);
}

#[test]
fn shell_waiting_for_its_child() {
    let p = quiet(Command::new("sh").args(["-c", "sleep 30; true"]));
    let sleep = child_named(p.pid(), "sleep");
    let v = expect(p.pid(), WaitReason::Child);
    assert_eq!(v.child, Some(sleep), "{v:#?}");
    assert!(
        v.detail.contains(&format!("{sleep} (sleep)")),
        "{}",
        v.detail
    );
}

#[test]
fn cat_on_a_silent_pipe() {
    let mut child = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    let _writer = child.stdin.take(); // held open, never written
    let p = Proc(child, true);
    let v = expect(p.pid(), WaitReason::Pipe);
    assert!(v.detail.contains("pipe:["), "{}", v.detail);
}

#[test]
fn busy_loop_is_running() {
    let p = quiet(Command::new("sh").args(["-c", "while :; do :; done"]));
    expect(p.pid(), WaitReason::Running);
}

#[test]
fn python_lock_in_main_thread_and_in_a_worker() {
    let p = quiet(Command::new(common::python()).args([
        "-c",
        "import threading; l = threading.Lock(); l.acquire(); l.acquire()",
    ]));
    expect(p.pid(), WaitReason::Lock);

    // A worker blocked on a lock while the main thread sleeps: the threads say so.
    let p = quiet(Command::new(common::python()).args([
        "-c",
        "import threading, time\nl = threading.Lock(); l.acquire()\n\
         threading.Thread(target=l.acquire, daemon=True).start()\ntime.sleep(300)",
    ]));
    let why: ProcessWhy = wait_for("a locked worker thread", || {
        let root = Path::new(PROC);
        let key = proc_key(root, p.pid()).map_err(|e| e.to_string())?;
        let main = read_evidence_for(root, key, None, EvidenceOptions::for_root(root))
            .map_err(|e| e.to_string())?;
        let threads = read_threads_evidence(root, p.pid(), None);
        let w = classify_process(&main, &threads);
        let ok = w.main.reason == WaitReason::Timer
            && w.threads.iter().any(|t| t.reason == WaitReason::Lock);
        if ok { Ok(w) } else { Err(format!("{w:#?}")) }
    });
    assert_eq!(why.threads.len(), 1);
    assert!(why.threads[0].evidence.tid.is_some());
}

#[test]
fn socket_server_in_accept() {
    let p = quiet(Command::new(common::python()).args([
        "-c",
        "import socket\ns = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\ns.accept()",
    ]));
    let v = expect(p.pid(), WaitReason::Socket);
    assert!(
        v.detail.contains("connection") && v.detail.contains("127.0.0.1:"),
        "{}",
        v.detail
    );
}

#[test]
fn stopped_by_sigstop() {
    let p = quiet(Command::new("sleep").arg("30"));
    expect(p.pid(), WaitReason::Timer);
    // SAFETY: kill has no memory-safety preconditions; the child is ours.
    assert_eq!(unsafe { libc::kill(p.pid(), libc::SIGSTOP) }, 0);
    let v = expect(p.pid(), WaitReason::Stopped);
    assert!(
        v.detail.contains("SIGCONT") || v.detail.contains("kill -CONT"),
        "{}",
        v.detail
    );
}

#[test]
fn unreaped_child_is_a_zombie() {
    // Our own child: it stays a zombie until the guard reaps it.
    let p = Proc(Command::new("true").spawn().unwrap(), false);
    let v = expect(p.pid(), WaitReason::Zombie);
    assert!(
        v.detail.contains(&std::process::id().to_string()),
        "{}",
        v.detail
    );
}

#[test]
fn kernel_thread_is_idle() {
    let pid = (2..200)
        .find(|p| {
            std::fs::read_to_string(format!("/proc/{p}/stat")).is_ok_and(|s| {
                let flags: u64 = s
                    .rsplit(')')
                    .next()
                    .unwrap()
                    .split_whitespace()
                    .nth(6)
                    .unwrap()
                    .parse()
                    .unwrap();
                flags & 0x0020_0000 != 0
            })
        })
        .expect("a kernel thread");
    // kthreadd (the first) sleeps nearly always; polling catches it between jobs.
    let v = expect(pid, WaitReason::Idle);
    assert_eq!(v.evidence.kernel_thread, Some(true));
}

#[test]
fn stopped_and_continued_sleep_is_a_timer() {
    // `sleep 300 & kill -STOP $!; kill -CONT $!`: it resumes in restart_syscall.
    let p = quiet(Command::new("sleep").arg("300"));
    expect(p.pid(), WaitReason::Timer);
    // SAFETY: kill has no memory-safety preconditions; the child is ours.
    assert_eq!(unsafe { libc::kill(p.pid(), libc::SIGSTOP) }, 0);
    expect(p.pid(), WaitReason::Stopped);
    // SAFETY: as above.
    assert_eq!(unsafe { libc::kill(p.pid(), libc::SIGCONT) }, 0);
    let v = settle(p.pid(), "the restarted sleep", |v| {
        matches!(&v.evidence.syscall, Some(SyscallState::In(sc)) if sc.name() == "restart_syscall")
            // Just after SIGCONT it may be runnable a moment before it sleeps again.
            && !matches!(v.reason, WaitReason::Stopped | WaitReason::Running)
    });
    assert_eq!(v.reason, WaitReason::Timer, "{v:#?}");
    assert!(v.detail.contains("restart_syscall"), "{}", v.detail);
    // No earlier refresh here (a one-shot read): the clue says how it knows.
    assert!(v.evidence.resumed.is_some(), "{v:#?}");
}

#[test]
fn a_traced_sleeper_names_its_tracer() {
    let p = quiet(Command::new(common::python()).args(["-c", "import time; time.sleep(300)"]));
    expect(p.pid(), WaitReason::Timer);
    let strace = quiet(Command::new("strace").args([
        "-e",
        "trace=none",
        "-o",
        "/dev/null",
        "-p",
        &p.pid().to_string(),
    ]));
    let v = settle(p.pid(), "the tracer to attach", |v| {
        v.evidence.tracer == Some(strace.pid())
            && v.evidence.state == Some(whytop::model::ProcState::Sleeping)
    });
    assert_eq!(v.evidence.tracer_comm.as_deref(), Some("strace"), "{v:#?}");
    assert!(
        v.detail
            .contains(&format!("traced by {} (strace)", strace.pid())),
        "{}",
        v.detail
    );
}

/// The whole process's verdict now, threads included (as `whytop why` judges it).
fn process_verdict(pid: i32) -> Result<ProcessWhy, String> {
    let root = Path::new(PROC);
    let key = proc_key(root, pid).map_err(|e| e.to_string())?;
    let main = read_evidence_for(root, key, None, EvidenceOptions::for_root(root))
        .map_err(|e| e.to_string())?;
    let threads = read_threads_evidence(root, pid, None);
    Ok(classify_process(&main, &threads))
}

/// The main thread joins a worker that calls `input()`.
const WORKER_INPUT: &str =
    "import threading; t = threading.Thread(target=input); t.start(); t.join()";

#[test]
fn a_worker_thread_reading_the_foreground_terminal_is_input() {
    let pty = Pty::open();
    let p = pty.spawn(Command::new(common::python()).args(["-c", WORKER_INPUT]));
    let w = wait_for("the worker's input() to make the process input", || {
        let w = process_verdict(p.pid())?;
        if w.main.reason == WaitReason::Input {
            Ok(w)
        } else {
            Err(format!("{w:#?}"))
        }
    });
    let v = &w.main;
    assert!(v.ready_for_input, "{v:#?}");
    let tid = w.threads[0].evidence.tid.unwrap();
    assert!(
        v.detail.starts_with(&format!("thread {tid} "))
            && v.detail.contains("reads /dev/pts/")
            && v.detail.contains("the main thread waits on a lock (futex)"),
        "{}",
        v.detail
    );
    assert!(
        v.decided_by
            .iter()
            .any(|b| b.contains("main thread: syscall futex")),
        "{:?}",
        v.decided_by
    );

    // `whytop why --json` and `whytop ps --json` say the same.
    let out = Command::new(common::bin())
        .args(["why", &p.pid().to_string(), "--json"])
        .output()
        .unwrap();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["why"]["reason"], "input", "{j:#}");
    assert_eq!(j["why"]["ready_for_input"], true, "{j:#}");
    let out = Command::new(common::bin())
        .args([
            "ps",
            "--json",
            "--interval",
            "100",
            "--filter",
            &p.pid().to_string(),
        ])
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["pid"] == p.pid())
        .unwrap_or_else(|| panic!("{rows:#}"));
    assert_eq!(row["why"]["reason"], "input", "{row:#}");
    assert_eq!(row["why"]["ready_for_input"], true, "{row:#}");
}

#[test]
fn a_worker_thread_on_a_background_terminal_is_not_input() {
    // In the background the worker's read stops the process (SIGTTIN); a
    // worker's select on the terminal is what the joining main thread waits
    // for: an event loop on a terminal it is not the foreground of, not input.
    let pty = Pty::open();
    let select = "import threading, select; t = threading.Thread(target=select.select, args=([0], [], [])); t.start(); t.join()";
    let sh = pty.spawn(Command::new("sh").args([
        "-c",
        &format!("set -m; python3 -c '{WORKER_INPUT}' & python3 -c '{select}' & wait"),
    ]));
    let (pys, _guards) = two_background_pythons(&sh);
    let whys: Vec<ProcessWhy> = pys
        .iter()
        .map(|p| {
            wait_for("a background worker to block", || {
                let w = process_verdict(*p)?;
                let settled = w.main.reason == WaitReason::Stopped
                    || (w.main.reason == WaitReason::EventLoop
                        && w.main_thread == Some(WaitReason::Lock)
                        && w.threads.iter().any(|t| {
                            t.reason == WaitReason::EventLoop && t.detail.contains("terminal")
                        }));
                if settled {
                    Ok(w)
                } else {
                    Err(format!("{w:#?}"))
                }
            })
        })
        .collect();
    for w in &whys {
        assert_ne!(w.main.reason, WaitReason::Input, "{w:#?}");
        assert!(!w.main.ready_for_input, "{w:#?}");
    }
    assert!(
        whys.iter().any(|w| w.main.reason == WaitReason::EventLoop),
        "{whys:#?}"
    );
}

/// The two Python background jobs `sh` started, once both exist; killed by pid
/// when the guards drop (they are the shell's children, not the test's).
fn two_background_pythons(sh: &Proc) -> (Vec<i32>, Vec<KillOnDrop>) {
    let pys = wait_for("two background pythons", || {
        let kids = whytop::platform::linux::evidence::read_children(Path::new(PROC), sh.pid())
            .unwrap_or_default();
        let pys: Vec<i32> = kids
            .iter()
            .filter(|c| c.comm.as_deref() == Some("python3"))
            .map(|c| c.pid)
            .collect();
        if pys.len() == 2 {
            Ok(pys)
        } else {
            Err(format!("{kids:?}"))
        }
    });
    let guards = pys.iter().map(|p| KillOnDrop(*p)).collect();
    (pys, guards)
}
