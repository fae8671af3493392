//! Stack captures of real processes with the real tools (the test command
//! installs gdb, elfutils and py-spy), and the kernel floor with no tool at all.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure
#![cfg(target_os = "linux")]

mod common;

use common::{Proc, wait_for};
use std::process::Command;
use std::time::Duration;
use whytop::actions::capture::{self, Capture, Tools};
use whytop::actions::datadir::PrivateDir;
use whytop::model::ProcSample;
use whytop::platform::cancel::CancelToken;
use whytop::platform::linux::LinuxPlatform;
use whytop::platform::{ListOptions, Platform};

fn sample_of(pid: i32) -> ProcSample {
    let mut p = LinuxPlatform::new("/proc").unwrap();
    let listing = p.list(ListOptions::default()).unwrap();
    listing
        .procs
        .iter()
        .find(|s| s.pid == pid)
        .cloned()
        .expect("the process is listed")
}

fn capture_with(pid: i32, tools: &Tools, save: &std::path::Path) -> Capture {
    let cancel = CancelToken::new();
    capture::capture(
        &sample_of(pid),
        std::path::Path::new("/proc"),
        tools,
        &PrivateDir::open(save).unwrap(),
        capture::CaptureOptions {
            timeout: Duration::from_secs(60),
            seconds: 1,
        },
        &cancel,
        |_| {},
    )
}

fn require(tool: &str) {
    assert!(
        Tools::from_env().find(tool).is_some(),
        "{tool} is missing: scripts/test.sh installs it"
    );
}

/// Waits until the process sits in the given wait channel family.
fn settled(pid: i32, what: &str) {
    wait_for(what, || {
        let w = std::fs::read_to_string(format!("/proc/{pid}/wchan")).unwrap_or_default();
        if w.contains(what) { Ok(()) } else { Err(w) }
    });
}

#[test]
fn sleep_is_caught_in_nanosleep_and_saved() {
    require("eu-stack");
    let data = tempfile::tempdir().unwrap();
    let p = Proc::spawn(Command::new("sleep").arg("120"));
    settled(p.pid(), "nanosleep");
    let c = capture_with(p.pid(), &Tools::from_env(), &data.path().join("captures"));
    assert!(c.tool == "eu-stack" || c.tool == "gdb", "{c:?}");
    assert!(c.tree.has_function("nanosleep"), "{:?}", c.tree);
    let saved = c.saved.expect("saved");
    assert!(saved.starts_with(data.path().join("captures")), "{saved:?}");
    assert!(
        saved
            .to_string_lossy()
            .contains(&format!("-{}-sleep-", p.pid()))
    );
    assert!(
        std::fs::read_to_string(&saved)
            .unwrap()
            .contains("=== kernel ===")
    );
    // The CLI shows the kernel's side under each thread (its stack needs root).
    // A fresh sleeper: the capture above disturbed this one's sleep (a ptrace
    // attach restarts it, and its kernel stack no longer says where it sleeps).
    let q = Proc::spawn(Command::new("sleep").arg("120"));
    settled(q.pid(), "nanosleep");
    let out = Command::new(common::bin())
        .args(["sample", &q.pid().to_string()])
        .env("WHYTOP_DATA_DIR", data.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        let kernel = text
            .lines()
            .find(|l| l.trim_start().starts_with("kernel: "));
        assert!(kernel.is_some_and(|l| l.contains("nanosleep")), "{text}");
    }
}

#[test]
fn python_is_captured_by_py_spy_with_its_own_frames() {
    require("py-spy");
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("waiter.py");
    std::fs::write(
        &script,
        "import time\ndef wait_for_ever():\n    time.sleep(120)\nwait_for_ever()\n",
    )
    .unwrap();
    let p = Proc::spawn(Command::new(common::python()).arg(&script));
    settled(p.pid(), "nanosleep");
    let c = capture_with(p.pid(), &Tools::from_env(), dir.path());
    assert_eq!(c.tool, "py-spy", "{c:?}");
    assert_eq!(
        c.tree.threads[0].frames[0].function, "wait_for_ever",
        "{:?}",
        c.tree
    );
}

#[test]
fn a_terminal_reader_is_caught_in_read() {
    require("eu-stack");
    // `cat` reading its pseudo-terminal, under `script`; script's own stdin is a
    // pipe held open here, so no end-of-file reaches the terminal.
    use std::os::unix::process::CommandExt;
    let child = Command::new("script")
        .args(["-qc", "cat", "/dev/null"])
        .process_group(0)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let term = Proc(child, true);
    let cat = common::descendant_named(term.pid(), "cat");
    settled(cat, "wait_woken"); // n_tty_read sleeps in wait_woken
    let c = capture_with(cat, &Tools::from_env(), tempfile::tempdir().unwrap().path());
    // The innermost frame is libc's read, by one of its names (eu-stack: `read`,
    // gdb: `__GI___libc_read`), not merely a frame whose name holds "read".
    let innermost = &c.tree.threads[0].frames[0].function;
    assert!(
        ["read", "__read", "__libc_read", "__GI___libc_read"].contains(&innermost.as_str()),
        "{:?}",
        c.tree
    );
}

#[test]
fn the_kernel_floor_is_read_before_the_tool_disturbs_the_process() {
    require("eu-stack");
    // eu-stack attaches with ptrace: afterwards a sleeper sits in
    // restart_syscall and its wchan says do_syscall_64. The floor must show
    // the sleep as it was.
    let p = Proc::spawn(Command::new("sleep").arg("120"));
    settled(p.pid(), "nanosleep");
    let c = capture_with(
        p.pid(),
        &Tools::from_env(),
        tempfile::tempdir().unwrap().path(),
    );
    assert_eq!(c.tool, "eu-stack", "{:?}", c.notes);
    let floor = c
        .raw
        .split("=== kernel ===")
        .nth(1)
        .expect("the floor is in the raw text");
    let wchan = floor
        .lines()
        .find_map(|l| l.strip_prefix("# wchan "))
        .expect("a wchan line");
    assert!(wchan.contains("nanosleep"), "wchan {wchan:?} in\n{floor}");
    assert!(!floor.contains("restart_syscall"), "{floor}");
    if whytop::platform::privilege::is_root() {
        assert!(c.kernel.has_function("hrtimer_nanosleep"), "{:?}", c.kernel);
    }
}

#[test]
fn the_kernel_floor_works_with_no_tool_installed() {
    let p = Proc::spawn(Command::new("sleep").arg("120"));
    settled(p.pid(), "nanosleep");
    let c = capture_with(
        p.pid(),
        &Tools { dirs: Vec::new() },
        tempfile::tempdir().unwrap().path(),
    );
    assert_eq!(c.tool, "kernel");
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains("eu-stack is not installed")),
        "{:?}",
        c.notes
    );
    assert!(
        !c.tree.threads.is_empty() && !c.tree.threads[0].frames.is_empty(),
        "{:?}",
        c.tree
    );
    assert!(
        c.tree.has_function("do_syscall_64") || c.tree.has_function("nanosleep"),
        "{:?}",
        c.tree
    );
}

#[test]
fn a_process_that_exits_midway_ends_cleanly_with_a_message() {
    require("eu-stack");
    // The real eu-stack, started late: the target is gone by the time it runs.
    let dir = tempfile::tempdir().unwrap();
    let eu = Tools::from_env().find("eu-stack").unwrap();
    let wrapper = dir.path().join("eu-stack");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nwhile kill -0 $2 2>/dev/null; do sleep 0.05; done\nexec {} \"$@\"\n",
            eu.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let mut p = Proc::spawn(Command::new("sleep").arg("1"));
    let sample = sample_of(p.pid());
    let reaper = std::thread::spawn(move || {
        let _ = p.0.wait();
        p
    });
    let cancel = CancelToken::new();
    let c = capture::capture(
        &sample,
        std::path::Path::new("/proc"),
        &Tools {
            dirs: vec![dir.path().into()],
        },
        &PrivateDir::open(dir.path()).unwrap(),
        capture::CaptureOptions {
            timeout: Duration::from_secs(60),
            seconds: 1,
        },
        &cancel,
        |_| {},
    );
    let _p = reaper.join().unwrap();
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains("exited during the capture")),
        "{:?}",
        c.notes
    );
}

#[test]
fn sampling_over_seconds_counts_how_often_each_frame_was_seen() {
    require("eu-stack");
    let p = Proc::spawn(Command::new("sleep").arg("120"));
    settled(p.pid(), "nanosleep");
    let dir = tempfile::tempdir().unwrap();
    let cancel = CancelToken::new();
    let opts = capture::CaptureOptions {
        timeout: Duration::from_secs(60),
        seconds: 3,
    };
    let c = capture::capture(
        &sample_of(p.pid()),
        std::path::Path::new("/proc"),
        &Tools::from_env(),
        &PrivateDir::open(dir.path()).unwrap(),
        opts,
        &cancel,
        |_| {},
    );
    let snapshots = c.raw.matches(&format!("=== {} ===", c.tool)).count();
    assert!(snapshots >= 2, "one snapshot a second: {snapshots}");
    let sleeping = c.tree.threads[0]
        .frames
        .iter()
        .find(|f| f.function.contains("nanosleep"))
        .expect("nanosleep");
    assert_eq!(
        sleeping.count,
        Some(snapshots as u64),
        "seen in every snapshot"
    );
    assert_eq!(c.tree.hottest(1)[0].1, snapshots as u64);
}

/// The process exits while the only tool waits (a wrapper around the real
/// eu-stack that starts late); the CLI then says so and fails.
#[test]
fn cli_sample_of_a_process_that_exits_says_so_and_fails() {
    require("eu-stack");
    let dir = tempfile::tempdir().unwrap();
    let eu = Tools::from_env().find("eu-stack").unwrap();
    let path = std::env::var("PATH").unwrap();
    let wrapper = dir.path().join("eu-stack");
    let go = dir.path().join("go");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nPATH={path}\ntouch {go}\nwhile s=$(cut -d' ' -f3 /proc/$2/stat 2>/dev/null) && [ \"$s\" != Z ]; do sleep 0.05; done\nexec {eu} \"$@\"\n",
            go = go.display(),
            eu = eu.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    // Exits once the wrapper says it started.
    let script = format!("while [ ! -e {} ]; do sleep 0.05; done", go.display());
    let mut p = Proc::spawn(Command::new("sh").args(["-c", &script]));
    let pid = p.pid();
    let reaper = std::thread::spawn(move || {
        let _ = p.0.wait();
        p
    });
    let out = Command::new(common::bin())
        .args(["sample", &pid.to_string()])
        .env("PATH", dir.path())
        .env("WHYTOP_DATA_DIR", dir.path())
        .output()
        .unwrap();
    let _p = reaper.join().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}\n{err}");
    // The kernel's view was read before the tool ran (as root it has frames);
    // either way the CLI says the process exited and fails.
    assert!(err.contains(&format!("pid {pid} exited before")), "{err}");
    // (Where the shell was at that instant, waiting for its `sleep` or between
    // two, is a race: only the source is asserted.)
    if stdout.contains("stacks by") {
        assert!(stdout.contains("stacks by kernel"), "{stdout}");
    }
}

/// A grandchild of the tool, started by the tool, seen through a pid file.
fn tool_grandchild(pidfile: &std::path::Path) -> i32 {
    wait_for("the tool's child", || {
        std::fs::read_to_string(pidfile)
            .map_err(|e| e.to_string())?
            .trim()
            .parse()
            .map_err(|e| format!("{e}"))
    })
}

/// Gone, or a zombie waiting for whoever adopted it.
fn gone(pid: i32) -> Result<(), String> {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => Ok(()),
        Ok(s) if s.rsplit_once(") ").is_some_and(|(_, r)| r.starts_with('Z')) => Ok(()),
        Ok(s) => Err(s),
    }
}

/// Kills the tool's grandchild if a failed test left it behind: it is ours
/// (a `sleep` a tool of this test started).
struct Leftover(i32);

impl Drop for Leftover {
    fn drop(&mut self) {
        let comm = std::fs::read_to_string(format!("/proc/{}/comm", self.0)).unwrap_or_default();
        if comm.trim() == "sleep" && gone(self.0).is_err() {
            // SAFETY: kill has no memory-safety preconditions.
            unsafe { libc::kill(self.0, libc::SIGKILL) };
        }
    }
}

#[test]
fn a_tool_that_times_out_or_is_cancelled_takes_its_children_with_it() {
    use whytop::platform::external::{RunError, run_with};
    for cancelled in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("child");
        let mut tool = Command::new("sh");
        tool.args([
            "-c",
            &format!("sleep 300 & echo $! > {}; wait", pidfile.display()),
        ]);
        let cancel = CancelToken::new();
        let timeout = if cancelled {
            common::DEADLINE
        } else {
            Duration::from_secs(2)
        };
        let mut child = None;
        let r = run_with(tool, timeout, Some(&cancel), |_| {
            if cancelled && child.is_none() && pidfile.exists() {
                child = Some(tool_grandchild(&pidfile));
                cancel.cancel();
            }
        });
        let expected = if cancelled {
            RunError::Cancelled
        } else {
            RunError::TimedOut(timeout)
        };
        assert_eq!(r, Err(expected));
        let grandchild = child.unwrap_or_else(|| tool_grandchild(&pidfile));
        let _guard = Leftover(grandchild);
        wait_for("the tool's own child to be killed with it", || {
            gone(grandchild)
        });
    }
}
