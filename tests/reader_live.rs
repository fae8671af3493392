//! The Linux reader and the WHY tracker against real processes: what is re-read
//! when (cost), and that nothing stays stale for long (reparenting, renice,
//! exec, a terminal's foreground changing, a stop and continue).
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure
#![cfg(target_os = "linux")]

mod common;

use common::{Proc, Pty, wait_for};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use whytop::collectors::why::{WhyTracker, process_why};
use whytop::model::why::{WaitReason, WhyTag};
use whytop::model::{ProcSample, ProcState};
use whytop::platform::linux::LinuxPlatform;
use whytop::platform::linux::reader::RECHECK_EVERY;
use whytop::platform::{ListOptions, Listing, Platform};

/// A platform on the live `/proc` and a WHY tracker, run pass by pass.
struct Monitor {
    platform: LinuxPlatform,
    tracker: WhyTracker,
    /// The previous pass's listing, which CPU use is measured against.
    prev: std::sync::Arc<Vec<ProcSample>>,
}

/// What one pass said about one pid.
struct Seen {
    sample: ProcSample,
    fresh: bool,
    tag: WhyTag,
    listing: Listing,
}

impl Monitor {
    fn new() -> Monitor {
        Monitor {
            platform: LinuxPlatform::new("/proc").unwrap(),
            tracker: WhyTracker::default(),
            prev: Default::default(),
        }
    }

    /// One pass; what it said about `pid` (None: not listed).
    fn pass(&mut self, pid: i32) -> Option<Seen> {
        let mut listing = self.platform.list(ListOptions::default()).unwrap();
        let now = whytop::platform::clock::monotonic_ns();
        let tags = self
            .tracker
            .update(&mut self.platform, &listing, &self.prev, now);
        // As the collector does: the row's letter follows its verdict.
        let procs = std::sync::Arc::make_mut(&mut listing.procs);
        for (i, state) in tags.states {
            procs[i].state = state;
        }
        self.prev = std::sync::Arc::clone(&listing.procs);
        let i = listing
            .procs
            .iter()
            .position(|p| p.pid == pid && p.tgid.is_none())?;
        Some(Seen {
            sample: listing.procs[i].clone(),
            fresh: listing.fresh.contains(&i),
            tag: tags.tags[i],
            listing,
        })
    }

    /// Passes until `pid` sits idle: a pass that did not re-read it.
    fn until_idle(&mut self, pid: i32) -> Seen {
        wait_for(&format!("pid {pid} to sit idle"), || match self.pass(pid) {
            Some(s) if !s.fresh => Ok(s),
            Some(s) => Err(format!("re-read: {:?} {:?}", s.sample.state, s.tag)),
            None => Err("not listed".into()),
        })
    }
}

/// Kills a pid that is not our child (a grandchild) when the test ends.
struct KillOnDrop(i32);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // SAFETY: kill has no memory-safety preconditions; the pid is the test's own grandchild.
        unsafe { libc::kill(self.0, libc::SIGKILL) };
    }
}

fn kill(pid: i32, sig: i32) {
    // SAFETY: kill has no memory-safety preconditions; every pid here is the test's own.
    assert_eq!(unsafe { libc::kill(pid, sig) }, 0, "kill {pid}");
}

fn proc_stat_field(pid: i32, field: usize) -> String {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let rest = text.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    rest.split_whitespace()
        .nth(field - 3)
        .unwrap_or("")
        .to_string()
}

#[test]
fn an_idle_process_on_a_terminal_is_not_reread_each_pass() {
    let pty = Pty::open();
    let p = pty.spawn(Command::new("sleep").arg("300"));
    let mut m = Monitor::new();
    let seen = m.until_idle(p.pid());
    assert_ne!(seen.sample.tty_nr, 0, "it sits on the pty");
    for _ in 0..2 * RECHECK_EVERY {
        let s = m.pass(p.pid()).unwrap();
        assert!(!s.fresh, "an idle terminal process was re-read");
        assert_eq!(s.tag.reason, WaitReason::Timer);
        assert_eq!(
            s.sample.tpgid,
            p.pid(),
            "its terminal's foreground is itself"
        );
    }
}

#[test]
fn a_foreground_change_is_seen_without_the_process_running() {
    // A job-control shell on a terminal puts a select on that terminal in the
    // background, then brings it forward when told through a FIFO (input typed
    // on the terminal would wake the select: this change must come unseen).
    let dir = tempfile::tempdir().unwrap();
    let fifo = make_fifo(dir.path());
    let pty = Pty::open();
    let sh = pty.spawn(Command::new("bash").args([
        "-c",
        &format!(
            "set -m; python3 -c 'import select; select.select([0], [], [])' & read x < {}; fg %1",
            fifo.display()
        ),
    ]));
    let py = common::descendant_named(sh.pid(), "python3");
    let _guard = KillOnDrop(py);
    let mut m = Monitor::new();
    // In the background it polls its terminal, not for the user.
    wait_for("the background select", || match m.pass(py) {
        Some(s) if s.tag.reason == WaitReason::EventLoop => Ok(()),
        Some(s) => Err(format!("{:?}", s.tag)),
        None => Err("not listed".into()),
    });
    let before = m.until_idle(py);
    assert_ne!(before.sample.tpgid, before.sample.pgid);
    let runs = |pid: i32| std::fs::read_to_string(format!("/proc/{pid}/schedstat")).unwrap();
    let ran_before = runs(py);
    std::fs::write(&fifo, "go\n").unwrap();
    let seen = wait_for("the foreground select to be input", || match m.pass(py) {
        Some(s) if s.tag.reason == WaitReason::Input && s.tag.ready => Ok(s),
        Some(s) => Err(format!("{:?} tpgid {}", s.tag, s.sample.tpgid)),
        None => Err("not listed".into()),
    });
    assert_eq!(seen.sample.tpgid, seen.sample.pgid);
    // It never ran: the verdict came from the kept evidence, re-judged.
    assert_eq!(runs(py), ran_before, "fg woke it after all");
    assert!(!seen.fresh);
}

#[test]
fn a_threaded_process_is_rejudged_only_when_its_main_thread_runs() {
    // The main thread waits on a lock; a worker reads commands from stdin:
    // `thread` starts another thread, `release` wakes the main thread.
    let mut child = Command::new(common::python())
        .args([
            "-c",
            "import sys, threading, time\n\
             l = threading.Lock(); l.acquire()\n\
             def work():\n    for line in sys.stdin:\n\
             \x20       if line.startswith('thread'): threading.Thread(target=time.sleep, args=(300,), daemon=True).start()\n\
             \x20       else: l.release()\n\
             \x20       print(line, end='', flush=True)\n\
             threading.Thread(target=work, daemon=True).start()\n\
             l.acquire(); l.acquire()",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let p = Proc(child, false);
    let mut say = |cmd: &str| {
        stdin.write_all(format!("{cmd}\n").as_bytes()).unwrap();
        let mut echo = String::new();
        stdout.read_line(&mut echo).unwrap();
        assert_eq!(echo.trim(), cmd);
    };
    let mut m = Monitor::new();
    wait_for("two threads", || match m.pass(p.pid()) {
        Some(s) if s.sample.threads == 2 => Ok(()),
        Some(s) => Err(format!("{} threads", s.sample.threads)),
        None => Err("not listed".into()),
    });
    m.until_idle(p.pid());
    // The main thread's lock waits for the worker, which reads its stdin pipe
    // (seen at the latest at the process's turn in the threads' rotation, if
    // the worker was not in its read yet when the process was first judged).
    wait_for("the worker's pipe to stand for the process", || {
        let s = m.pass(p.pid()).unwrap();
        (s.tag.reason == WaitReason::Pipe)
            .then_some(())
            .ok_or(format!("{:?}", s.tag))
    });
    for _ in 0..2 * RECHECK_EVERY {
        let s = m.pass(p.pid()).unwrap();
        assert!(!s.fresh, "its wait evidence was re-read while nothing ran");
        assert_eq!(s.tag.reason, WaitReason::Pipe);
    }
    // A worker starts a thread: the count (whole-process, from stat) shows at
    // once; the main thread did not run, so its reason is not re-judged.
    say("thread");
    let s = m.pass(p.pid()).unwrap();
    assert_eq!(s.sample.threads, 3);
    assert!(!s.fresh);
    // The main thread wakes (and waits again): judged afresh.
    say("release");
    assert!(
        m.pass(p.pid()).unwrap().fresh,
        "the main thread ran, unseen"
    );
}

#[test]
fn an_orphan_shows_its_new_parent_at_once() {
    let mut child = Command::new("bash")
        .args(["-c", "sleep 300 & echo $!; read x"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let sleep: i32 = line.trim().parse().unwrap();
    let _guard = KillOnDrop(sleep);
    let mut bash = Proc(child, false);
    let mut m = Monitor::new();
    let seen = m.until_idle(sleep);
    assert_eq!(seen.sample.ppid, bash.pid());

    // bash exits (a zombie until reaped): the sleep is reparented without running.
    stdin.write_all(b"\n").unwrap();
    let new_parent = wait_for("the reparenting", || {
        let ppid: i32 = proc_stat_field(sleep, 4).parse().map_err(|_| "no stat")?;
        if ppid != bash.pid() {
            Ok(ppid)
        } else {
            Err(ppid.to_string())
        }
    });
    let s = m.pass(sleep).unwrap();
    assert_eq!(s.sample.ppid, new_parent, "the very next pass");
    let parent = s.listing.procs.iter().find(|p| p.pid == new_parent);
    assert!(parent.is_some(), "its new parent {new_parent} is listed");

    // Reaped: gone from the listing; the orphan keeps the right parent.
    bash.0.wait().unwrap();
    assert_eq!(m.pass(sleep).unwrap().sample.ppid, new_parent);
}

#[test]
fn a_renice_from_outside_shows_within_the_recheck_period() {
    let p = Proc::spawn(Command::new("sleep").arg("300"));
    let mut m = Monitor::new();
    assert_eq!(m.until_idle(p.pid()).sample.nice, 0);
    // SAFETY: setpriority has no memory-safety preconditions; the process is ours.
    let rc = unsafe { libc::setpriority(libc::PRIO_PROCESS, p.pid() as libc::id_t, 9) };
    assert_eq!(rc, 0);
    let nice: Vec<i32> = (0..RECHECK_EVERY)
        .map(|_| m.pass(p.pid()).unwrap().sample.nice)
        .collect();
    assert_eq!(
        nice.last(),
        Some(&9),
        "nice over {RECHECK_EVERY} passes: {nice:?}"
    );
}

#[test]
fn an_exec_that_keeps_the_name_updates_the_command_line() {
    let mut child = Command::new("bash")
        .args(["-c", "read x; exec bash -c 'sleep 997; true'"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let p = Proc(child, true);
    let mut m = Monitor::new();
    let seen = m.until_idle(p.pid());
    assert!(
        seen.sample.cmdline.contains("read x"),
        "{}",
        seen.sample.cmdline
    );
    stdin.write_all(b"\n").unwrap();
    wait_for("the exec", || {
        let c = std::fs::read(format!("/proc/{}/cmdline", p.pid())).map_err(|e| e.to_string())?;
        let c = String::from_utf8_lossy(&c).replace('\0', " ");
        if c.contains("sleep 997") {
            Ok(())
        } else {
            Err(c)
        }
    });
    // Within a few passes (at once when the exec is seen; a read that came
    // back empty is retried at the latest at the process's turn in the recheck).
    let mut last = String::new();
    for _ in 0..=RECHECK_EVERY + 1 {
        let s = m.pass(p.pid()).unwrap();
        assert_eq!(&*s.sample.comm, "bash");
        last = s.sample.cmdline.to_string();
        if last.contains("sleep 997") {
            return;
        }
    }
    panic!("stale: {last:?}");
}

#[test]
fn a_stopped_and_continued_sleep_is_a_timer_known_from_the_earlier_pass() {
    let p = Proc::spawn(Command::new("sleep").arg("300"));
    let mut m = Monitor::new();
    let tag = |m: &mut Monitor, want: WaitReason| {
        wait_for(want.label(), || match m.pass(p.pid()) {
            Some(s) if s.tag.reason == want => Ok(s),
            Some(s) => Err(format!("{:?}", s.tag)),
            None => Err("not listed".into()),
        })
    };
    tag(&mut m, WaitReason::Timer);
    kill(p.pid(), libc::SIGSTOP);
    tag(&mut m, WaitReason::Stopped);
    kill(p.pid(), libc::SIGCONT);
    let s = wait_for("the restarted sleep", || {
        let s = m.pass(p.pid()).ok_or("not listed")?;
        let sc = std::fs::read_to_string(format!("/proc/{}/syscall", p.pid())).unwrap_or_default();
        let restart = sc
            .split_whitespace()
            .next()
            .and_then(|n| n.parse::<i64>().ok())
            == whytop::model::syscalls::number(
                whytop::model::syscalls::Arch::native().unwrap(),
                "restart_syscall",
            );
        if restart && s.sample.state == ProcState::Sleeping && s.tag.reason != WaitReason::Stopped {
            Ok(s)
        } else {
            Err(format!("{:?} {:?} syscall {sc}", s.sample.state, s.tag))
        }
    });
    // It was seen in clock_nanosleep at the same instruction: not a guess.
    assert_eq!(s.tag.reason, WaitReason::Timer, "{:?}", s.tag);
    assert!(!s.tag.weak, "{:?}", s.tag);
    let why = process_why(
        &mut m.platform,
        &s.sample,
        &s.listing.procs,
        Some(&m.tracker),
        None,
    )
    .unwrap();
    assert!(
        why.main.detail.contains("restart_syscall"),
        "{}",
        why.main.detail
    );
    assert!(
        why.main.detail.contains("earlier refresh"),
        "{}",
        why.main.detail
    );
}

#[test]
fn a_worker_that_starts_reading_the_terminal_is_seen_while_the_main_thread_sleeps() {
    // The main thread joins a worker that first reads a FIFO (a pipe: not the
    // user), then, once the test writes to it, calls input() on the terminal.
    let dir = tempfile::tempdir().unwrap();
    let fifo = make_fifo(dir.path());
    let pty = Pty::open();
    let p = pty.spawn(Command::new(common::python()).args([
        "-c",
        &format!(
            "import threading\n\
             def work():\n    open({:?}).read(1)\n    input()\n\
             t = threading.Thread(target=work); t.start(); t.join()",
            fifo.to_str().unwrap()
        ),
    ]));
    let pid = p.pid();
    let mut m = Monitor::new();
    wait_for("the main thread to join a worker on the FIFO", || {
        match m.pass(pid) {
            // The joined worker's open of the FIFO stands for the process.
            Some(s) if s.sample.threads == 2 && s.tag.reason == WaitReason::Pipe => Ok(()),
            Some(s) => Err(format!("{} threads, {:?}", s.sample.threads, s.tag)),
            None => Err("not listed".into()),
        }
    });
    m.until_idle(pid);
    for _ in 0..RECHECK_EVERY {
        assert_eq!(m.pass(pid).unwrap().tag.reason, WaitReason::Pipe);
    }
    let main_runs =
        || std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/schedstat")).unwrap();
    let ran_before = main_runs();
    // Open for writing (the reader's open completes), write, close: the worker reads and calls input().
    std::fs::write(&fifo, "g").unwrap();
    // Wait (outside the tracker) until the worker is in its read of the terminal.
    let root = std::path::Path::new("/proc");
    wait_for("the worker to read the terminal", || {
        let threads = whytop::platform::linux::evidence::read_threads_evidence(root, pid, None);
        let vs: Vec<_> = threads.iter().map(whytop::model::why::classify).collect();
        if vs
            .iter()
            .any(|v| v.reason == WaitReason::Input && v.ready_for_input)
        {
            Ok(())
        } else {
            Err(format!("{vs:#?}"))
        }
    });
    // The tracker sees it within a few passes, though the main thread never ran.
    let mut passes = 0;
    let seen = loop {
        let s = m.pass(pid).unwrap();
        passes += 1;
        if s.tag.reason == WaitReason::Input && s.tag.ready {
            break s;
        }
        assert!(
            passes <= RECHECK_EVERY + 1,
            "still {:?} after {passes} passes",
            s.tag
        );
    };
    assert_eq!(main_runs(), ran_before, "the main thread ran after all");
    let w = process_why(
        &mut m.platform,
        &seen.sample,
        &seen.listing.procs,
        Some(&m.tracker),
        None,
    )
    .unwrap();
    assert_eq!(w.main.reason, WaitReason::Input, "{:#?}", w.main);
    assert!(
        w.main.detail.contains("reads /dev/pts/")
            && w.main.detail.contains("main thread waits on a lock"),
        "{}",
        w.main.detail
    );
}

/// A FIFO named `go` in `dir`: a wait the test ends by writing to it.
fn make_fifo(dir: &std::path::Path) -> std::path::PathBuf {
    let fifo = dir.join("go");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads the NUL-terminated path we pass.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    fifo
}
