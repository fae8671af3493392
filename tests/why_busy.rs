//! The WHY word for busy threaded programs, CPU starvation, threads that stand
//! for a joining main thread, deadlocks, whytop's own probes and the wait
//! profile: real processes, judged by the real binary (`whytop why --json`,
//! `whytop ps --json`) and by the collector's tracker pass by pass.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure
#![cfg(target_os = "linux")]

mod common;

use common::{Proc, wait_for};
use serde_json::Value;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::Arc;
use whytop::collectors::why::{WhyTracker, process_why};
use whytop::model::why::{WaitReason, WhyTag};
use whytop::model::{ProcSample, ProcState};
use whytop::platform::linux::LinuxPlatform;
use whytop::platform::{ListOptions, Platform};

/// Spawns with null stdio as the leader of a new process group (killed whole).
fn quiet(cmd: &mut Command) -> Proc {
    Proc::spawn_group(cmd)
}

fn python(code: &str) -> Proc {
    quiet(Command::new(common::python()).args(["-c", code]))
}

/// `whytop why PID --json` (plus `extra`), parsed.
fn why_json(pid: i32, extra: &[&str]) -> Result<Value, String> {
    let out = Command::new(common::bin())
        .args(["why", &pid.to_string(), "--json"])
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())
}

/// Polls `whytop why PID --json` until its reason is `want`; returns the report.
fn why_until(pid: i32, want: &str, extra: &[&str]) -> Value {
    wait_for(&format!("pid {pid} to be {want}"), || {
        let v = why_json(pid, extra)?;
        if v["why"]["reason"] == want {
            Ok(v)
        } else {
            Err(format!(
                "{} {}: {}",
                v["why"]["reason"], v["why"]["evidence"]["state"], v["why"]["detail"]
            ))
        }
    })
}

fn detail(v: &Value) -> String {
    v["why"]["detail"].as_str().unwrap_or_default().to_string()
}

#[test]
fn threads_burning_while_main_joins_are_running() {
    // Two workers burn a core each; the main thread waits in join() (a futex).
    let p = python(
        "import threading\n\
         def burn():\n    while True: pass\n\
         ts = [threading.Thread(target=burn) for _ in range(2)]\n\
         [t.start() for t in ts]\n[t.join() for t in ts]",
    );
    let v = why_until(p.pid(), "running", &["--interval", "1000"]);
    let d = detail(&v);
    assert!(d.contains("of a core"), "{d}");
    assert!(d.contains("the main thread: lock"), "{d}");
    assert_eq!(
        v["usage"]["interval_ns"].as_u64().map(|n| n > 0),
        Some(true)
    );
}

#[test]
fn a_join_on_a_sleeper_is_timer_and_on_an_acceptor_is_socket() {
    let sleeper = python(
        "import threading, time\n\
         t = threading.Thread(target=time.sleep, args=(300,), name='napper')\n\
         t.start(); t.join()",
    );
    let v = why_until(sleeper.pid(), "timer", &[]);
    let d = detail(&v);
    // Python 3.11 does not name OS threads: the thread is named by its tid.
    assert!(
        d.contains("thread ") && d.contains("the main thread waits"),
        "{d}"
    );

    let acceptor = python(
        "import threading, socket\n\
         s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n\
         t = threading.Thread(target=s.accept, name='acceptor')\n\
         t.start(); t.join()",
    );
    let v = why_until(acceptor.pid(), "socket", &[]);
    assert!(detail(&v).contains("main thread waits"), "{}", detail(&v));
}

/// A C program whose main thread `pthread_join`s a sleeping thread while
/// another thread waits in accept: the joined thread decides (timer), though a
/// socket would be the more telling of the two.
#[test]
fn pthread_join_names_the_joined_thread() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("join.c");
    std::fs::write(
        &src,
        r#"
#define _GNU_SOURCE
#include <pthread.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
static void *nap(void *a) { (void)a; sleep(300); return 0; }
static void *serve(void *a) {
    (void)a;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    bind(s, (struct sockaddr *)&sa, sizeof sa);
    listen(s, 1);
    accept(s, 0, 0);
    return 0;
}
int main(void) {
    pthread_t a, b;
    pthread_create(&b, 0, serve, 0);
    pthread_create(&a, 0, nap, 0);
    pthread_setname_np(a, "napper");
    pthread_join(a, 0);
    return 0;
}
"#,
    )
    .unwrap();
    let exe = dir.path().join("join");
    let cc = Command::new("cc")
        .args(["-O0", "-pthread", "-o"])
        .arg(&exe)
        .arg(&src)
        .status()
        .expect("cc runs");
    assert!(cc.success());
    let p = quiet(&mut Command::new(&exe));
    let v = why_until(p.pid(), "timer", &[]);
    let d = detail(&v);
    assert!(d.contains("napper") && d.contains("joins it"), "{d}");
    let by = v["why"]["decided_by"].to_string();
    assert!(by.contains("futex word is that tid"), "{by}");
}

/// A platform on the live `/proc` and a WHY tracker, pass by pass, as the
/// collector runs them.
struct Monitor {
    platform: LinuxPlatform,
    tracker: WhyTracker,
    prev: Arc<Vec<ProcSample>>,
}

impl Monitor {
    fn new() -> Monitor {
        Monitor {
            platform: LinuxPlatform::new("/proc").unwrap(),
            tracker: WhyTracker::default(),
            prev: Arc::default(),
        }
    }

    /// One pass: `pid`'s sample (its letter as the row shows it) and tag.
    fn pass(&mut self, pid: i32) -> Option<(ProcSample, WhyTag)> {
        let mut listing = self.platform.list(ListOptions::default()).unwrap();
        let now = whytop::platform::clock::monotonic_ns();
        let tags = self
            .tracker
            .update(&mut self.platform, &listing, &self.prev, now);
        let procs = Arc::make_mut(&mut listing.procs);
        for (i, state) in tags.states {
            procs[i].state = state;
        }
        self.prev = Arc::clone(&listing.procs);
        let i = listing
            .procs
            .iter()
            .position(|p| p.pid == pid && p.tgid.is_none())?;
        Some((listing.procs[i].clone(), tags.tags[i]))
    }

    /// Passes, a tenth of a second apart, until `pid`'s tag satisfies `ok`.
    fn until(&mut self, pid: i32, what: &str, ok: impl Fn(&WhyTag) -> bool) -> ProcSample {
        wait_for(what, || match self.pass(pid) {
            Some((s, t)) if ok(&t) => Ok(s),
            Some((s, t)) => Err(format!("{} {}", s.state.letter(), t.text())),
            None => Err("not listed".into()),
        })
    }
}

#[test]
fn a_two_lock_deadlock_is_lock_and_marked_once_it_lasts() {
    let p = python(
        "import threading, time\n\
         a, b = threading.Lock(), threading.Lock()\n\
         bar = threading.Barrier(2)\n\
         def one():\n    a.acquire(); bar.wait(); b.acquire()\n\
         def two():\n    b.acquire(); bar.wait(); a.acquire()\n\
         ts = [threading.Thread(target=f) for f in (one, two)]\n\
         [t.start() for t in ts]\n[t.join() for t in ts]",
    );
    let mut m = Monitor::new();
    m.until(p.pid(), "lock", |t| t.reason == WaitReason::Lock);
    let s = m.until(p.pid(), "the lock to be marked", |t| {
        t.reason == WaitReason::Lock && t.stuck
    });
    assert_eq!(s.state, ProcState::Sleeping);
    assert_eq!(
        WhyTag {
            ..m.pass(p.pid()).unwrap().1
        }
        .text(),
        "lock!"
    );
    // The detail says what it looks like.
    let w = process_why(&mut m.platform, &s, &m.prev.clone(), Some(&m.tracker), None).unwrap();
    assert!(w.main.detail.contains("deadlock"), "{}", w.main.detail);
    // A lock with CPU work around it is not marked: one busy thread clears it.
    let q = python(
        "import threading\nl = threading.Lock(); l.acquire()\n\
         def burn():\n    while True: pass\n\
         threading.Thread(target=burn, daemon=True).start()\nl.acquire()",
    );
    m.until(
        q.pid(),
        "a busy process with a locked main thread to be running",
        |t| t.reason == WaitReason::Running && !t.stuck,
    );
}

/// Spawns `n` busy loops pinned to CPU 0.
fn pinned_loops(n: usize) -> Vec<Proc> {
    (0..n)
        .map(|_| {
            quiet(Command::new("taskset").args(["-c", "0", "sh", "-c", "while :; do :; done"]))
        })
        .collect()
}

#[test]
fn three_loops_on_one_cpu_are_starved_and_one_alone_is_running() {
    let loops = pinned_loops(3);
    for l in &loops {
        let v = why_until(l.pid(), "starved", &["--interval", "1000"]);
        let d = detail(&v);
        assert!(d.contains("waited for a CPU"), "{d}");
        assert_eq!(v["why"]["evidence"]["state"], "running");
    }
    drop(loops);
    // Alone (on a machine that may be busy with other tests: polled until the
    // scheduler gives it most of its CPU at least once).
    let one = quiet(Command::new("sh").args(["-c", "while :; do :; done"]));
    why_until(one.pid(), "running", &["--interval", "1000"]);
}

/// Every row of `whytop ps --json` whose word and letter disagree.
fn contradictions(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .filter_map(|r| {
            let state = r["state"].as_str()?;
            let why = r["why"]["reason"].as_str()?;
            let ok = match state {
                "Z" | "X" => why == "zombie",
                "T" => why == "stopped",
                "t" => why == "traced",
                "R" => why == "running" || why == "starved",
                "I" => why == "idle",
                "D" => !matches!(why, "zombie" | "stopped" | "traced" | "running" | "starved"),
                _ => !matches!(why, "zombie" | "stopped" | "traced" | "starved"),
            };
            (!ok).then(|| format!("{} {state} {why}: {}", r["pid"], r["why"]["detail"]))
        })
        .collect()
}

#[test]
fn churn_never_shows_a_word_against_its_letter() {
    // Short-lived children, zombies left unreaped for a moment, and processes
    // stopped and continued, all the time.
    let churn = quiet(Command::new("sh").args([
        "-c",
        "while :; do sleep 0.05 & s=$!; kill -STOP $s; sh -c 'exit 3' & \
         (true) ; kill -CONT $s; done",
    ]));
    let zombies = python(
        "import os, time\n\
         while True:\n    pids = [os.fork() or os._exit(0) for _ in range(5)]\n    \
         time.sleep(0.2)\n    [os.waitpid(p, 0) for p in pids]",
    );
    let mut seen = 0;
    for _ in 0..6 {
        let out = Command::new(common::bin())
            .args(["ps", "--json", "--interval", "200"])
            .output()
            .expect("whytop ps runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        let bad = contradictions(&rows);
        assert!(bad.is_empty(), "{bad:#?}");
        seen += rows
            .iter()
            .filter(|r| matches!(r["state"].as_str(), Some("Z" | "T")))
            .count();
    }
    // The churn really produced the states that used to contradict.
    assert!(seen > 0, "no zombie or stopped process was ever listed");
    drop((churn, zombies));
}

#[test]
fn whytops_own_probe_keeps_the_previous_verdict() {
    let sleeper = quiet(Command::new("sleep").arg("300"));
    let pid = sleeper.pid();
    let mut m = Monitor::new();
    m.until(pid, "timer", |t| t.reason == WaitReason::Timer && !t.probed);
    // gdb as our own child (what a capture is), stopping it while `shell sleep` runs.
    let gdb = quiet(Command::new("gdb").args([
        "-q",
        "-nx",
        "-batch",
        "-p",
        &pid.to_string(),
        "-ex",
        "shell sleep 60",
    ]));
    wait_for("the sleeper to be ptrace-stopped", || {
        let st = std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(|e| e.to_string())?;
        let after = st.rsplit(')').next().unwrap_or("").trim().to_string();
        after.starts_with("t ").then_some(()).ok_or(after)
    });
    let s = m.until(pid, "the probed sleeper to stay timer", |t| t.probed);
    let tag = m.pass(pid).unwrap().1;
    assert_eq!(
        (tag.reason, tag.text().as_str()),
        (WaitReason::Timer, "timer*")
    );
    assert_eq!(s.state, ProcState::Sleeping, "the letter before the probe");
    let w = process_why(&mut m.platform, &s, &m.prev.clone(), Some(&m.tracker), None).unwrap();
    assert_eq!(w.main.reason, WaitReason::Timer, "{}", w.main.detail);
    assert!(
        w.main.detail.contains("whytop's own probe"),
        "{}",
        w.main.detail
    );
    drop(gdb);

    // A debugger that is not whytop's (its parent is init): traced, as it is.
    let other = quiet(Command::new("sleep").arg("300"));
    let opid = other.pid();
    m.until(opid, "timer", |t| t.reason == WaitReason::Timer);
    let mut cmd = Command::new("setsid");
    cmd.args(["-f", "gdb", "-q", "-nx", "-batch", "-p", &opid.to_string()])
        .args(["-ex", "shell sleep 60"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    assert!(cmd.status().unwrap().success());
    let tracer = wait_for("the foreign gdb to attach", || {
        let status =
            std::fs::read_to_string(format!("/proc/{opid}/status")).map_err(|e| e.to_string())?;
        let t: i32 = status
            .lines()
            .find_map(|l| l.strip_prefix("TracerPid:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        (t > 0).then_some(t).ok_or(status)
    });
    let _kill = KillOnDrop(tracer);
    m.until(opid, "traced by someone else's debugger", |t| {
        t.reason == WaitReason::Traced && !t.probed
    });
}

/// Kills a pid that is not our child when the test ends.
struct KillOnDrop(i32);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // SAFETY: kill has no memory-safety preconditions; the pid is this test's own tool.
        unsafe { libc::kill(self.0, libc::SIGKILL) };
    }
}

#[test]
fn watch_gives_the_wait_profile() {
    // Busy half a second, asleep half a second, over and over.
    let p = python(
        "import time\nwhile True:\n    t = time.time()\n    while time.time() - t < 0.5: pass\n    time.sleep(0.5)",
    );
    let v = why_json(p.pid(), &["--watch", "4", "--interval", "250"]).unwrap();
    let prof = &v["profile"];
    assert!(prof["seconds"].as_f64().unwrap() >= 3.5, "{prof}");
    assert_eq!(prof["fading"], false);
    let share = |what: &str| {
        prof["parts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["what"] == what)
            .map(|p| p["percent"].as_f64().unwrap())
            .sum::<f64>()
    };
    let busy = share("running") + share("waiting for CPU");
    let asleep = share("timer");
    assert!((20.0..=80.0).contains(&busy), "{prof}");
    assert!((20.0..=80.0).contains(&asleep), "{prof}");
    // The text form prints it too.
    let out = Command::new(common::bin())
        .args(["why", &p.pid().to_string(), "--watch", "1"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("time: ") && text.contains(" %"), "{text}");
}
