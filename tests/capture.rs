//! Stack captures of real processes with the real tools (the test command
//! installs gdb, elfutils and py-spy), and the kernel floor with no tool at all.
#![cfg(target_os = "linux")]

mod common;

use common::{Proc, wait_for};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use whytop::actions::capture::{self, Capture, Tools};
use whytop::model::ProcSample;
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
    let cancel = AtomicBool::new(false);
    capture::capture(
        &sample_of(pid),
        std::path::Path::new("/proc"),
        tools,
        save,
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
    let p = Proc::spawn(Command::new("python3").arg(&script));
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
    assert!(c.tree.has_function("read"), "{:?}", c.tree);
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
    let cancel = AtomicBool::new(false);
    let c = capture::capture(
        &sample,
        std::path::Path::new("/proc"),
        &Tools {
            dirs: vec![dir.path().into()],
        },
        dir.path(),
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
    let cancel = AtomicBool::new(false);
    let opts = capture::CaptureOptions {
        timeout: Duration::from_secs(60),
        seconds: 3,
    };
    let c = capture::capture(
        &sample_of(p.pid()),
        std::path::Path::new("/proc"),
        &Tools::from_env(),
        dir.path(),
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
