//! WHY from stacks where the syscall file is unreadable: real processes of
//! another user (nobody), real gdb and eu-stack captures of them, judged by
//! the real binary running as a third user, which may not read their
//! syscall or wait channel.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

mod common;

use serde_json::Value;
use std::path::Path;
use std::process::Command;

const NOBODY: u32 = 65534;
/// Neither root nor the owner: /proc/PID/syscall is closed to it.
const STRANGER: u32 = 65533;

fn as_user(uid: u32, prog: &str) -> Command {
    let mut c = Command::new("setpriv");
    c.arg(format!("--reuid={uid}"))
        .arg(format!("--regid={uid}"))
        .args(["--clear-groups", prog]);
    c
}

/// Waits until `pid` sleeps in a syscall (root reads its syscall file).
fn settled(pid: i32) {
    common::wait_for("the target to block", || {
        let sc =
            std::fs::read_to_string(format!("/proc/{pid}/syscall")).map_err(|e| e.to_string())?;
        let stat =
            std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(|e| e.to_string())?;
        let state = stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .next();
        match (state, sc.split_whitespace().next()) {
            (Some("S"), Some(nr)) if nr != "running" => Ok(()),
            _ => Err(format!("{stat}\n{sc}")),
        }
    });
}

/// `tool`'s real capture of `pid`, written where the stranger can read it.
fn capture(tool: &str, pid: i32, dir: &Path) -> std::path::PathBuf {
    let pid_s = pid.to_string();
    let out = match tool {
        "eu-stack" => Command::new("eu-stack").args(["-p", &pid_s]).output(),
        _ => Command::new("gdb")
            .args(["-p", &pid_s, "-batch", "-nx", "-ex", "set pagination off"])
            .args(["-ex", "thread apply all bt"])
            .output(),
    }
    .unwrap();
    let file = dir.join(format!("{tool}-{pid}.txt"));
    std::fs::write(&file, &out.stdout).unwrap();
    file
}

/// `whytop why PID --json [extra]` as the stranger.
fn why_as_stranger(pid: i32, extra: &[&str]) -> Value {
    let out = as_user(STRANGER, &common::bin())
        .args(["why", &pid.to_string(), "--json", "--interval", "100"])
        .args(extra)
        .env_remove("SHELL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn world_readable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Judges `pid` with each tool's capture: `want`, decided by a stack frame,
/// with the syscall marked unreadable; without a capture, not `want`.
fn judged_from_stacks(pid: i32, want: &str, frame_hint: &str) {
    let dir = tempfile::tempdir().unwrap();
    world_readable(dir.path());
    let blind = why_as_stranger(pid, &[]);
    assert_ne!(
        blind["why"]["reason"], want,
        "no stack, no {want}: {blind:#}"
    );
    // launchd, power and signature are macOS's: on Linux, no key at all.
    assert!(blind.get("provenance").is_none(), "{blind:#}");
    let unreadable = blind["why"]["evidence"]["unreadable"].to_string();
    assert!(unreadable.contains("\"syscall\""), "{unreadable}");
    for tool in ["eu-stack", "gdb"] {
        settled(pid);
        let file = capture(tool, pid, dir.path());
        let v = why_as_stranger(pid, &["--stack-from", file.to_str().unwrap()]);
        let why = &v["why"];
        assert_eq!(why["reason"], want, "{tool}: {why:#}");
        let by = why["decided_by"].to_string();
        assert!(
            by.contains("stack frame") && by.contains(tool),
            "{tool}: {by}"
        );
        let stack = &why["evidence"]["stack"];
        assert_eq!(stack["word"], want, "{tool}: {stack}");
        assert!(
            stack["frame"].as_str().unwrap().contains(frame_hint),
            "{tool}: {stack}"
        );
        assert!(
            why["evidence"]["unreadable"]
                .to_string()
                .contains("\"syscall\""),
            "{tool}: the syscall stayed unreadable: {why:#}"
        );
    }
}

#[test]
fn a_sleep_of_another_user_is_a_timer_from_its_stack() {
    let p = common::Proc::spawn(as_user(NOBODY, "sleep").arg("600"));
    settled(p.pid());
    judged_from_stacks(p.pid(), "timer", "nanosleep");
}

#[test]
fn a_condition_wait_of_another_user_is_a_lock_from_its_stack() {
    let dir = tempfile::tempdir().unwrap();
    world_readable(dir.path());
    let src = dir.path().join("condwait.c");
    std::fs::write(
        &src,
        "#include <pthread.h>\n\
         static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;\n\
         static pthread_cond_t c = PTHREAD_COND_INITIALIZER;\n\
         int main(void) { pthread_mutex_lock(&m); for (;;) pthread_cond_wait(&c, &m); }\n",
    )
    .unwrap();
    let exe = dir.path().join("condwait");
    let cc = Command::new("cc")
        .args(["-O0", "-g", "-pthread", "-o"])
        .arg(&exe)
        .arg(&src)
        .status()
        .expect("cc runs");
    assert!(cc.success());
    let p = common::Proc::spawn(&mut as_user(NOBODY, exe.to_str().unwrap()));
    settled(p.pid());
    judged_from_stacks(p.pid(), "lock", "wait");
}

/// `whytop sample` judges what it captured: run as root here, the syscall
/// is readable and names the sleep; the verdict and what decided it are
/// printed with the stacks, and are in its JSON.
#[test]
fn whytop_sample_prints_the_verdict_its_capture_gives() {
    let data = tempfile::tempdir().unwrap();
    let p = common::Proc::spawn(as_user(NOBODY, "sleep").arg("600"));
    settled(p.pid());
    let out = Command::new(common::bin())
        .args(["sample", &p.pid().to_string()])
        .env("WHYTOP_DATA_DIR", data.path())
        .env_remove("SHELL")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let why = text
        .lines()
        .find(|l| l.starts_with("why: "))
        .unwrap_or_default();
    assert!(why.starts_with("why: timer"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("because: ")), "{text}");
    settled(p.pid());
    let out = Command::new(common::bin())
        .args(["sample", &p.pid().to_string(), "--json"])
        .env("WHYTOP_DATA_DIR", data.path())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["why"]["main"]["reason"], "timer", "{v:#}");
}

/// `whytop why --stack` captures first: the stacks are in the evidence
/// (here, as root, the readable syscall still decides).
#[test]
fn whytop_why_stack_captures_and_keeps_the_leaf_in_the_evidence() {
    let data = tempfile::tempdir().unwrap();
    let p = common::Proc::spawn(as_user(NOBODY, "sleep").arg("600"));
    settled(p.pid());
    let out = Command::new(common::bin())
        .args([
            "why",
            &p.pid().to_string(),
            "--stack",
            "--json",
            "--interval",
            "100",
        ])
        .env("WHYTOP_DATA_DIR", data.path())
        .env_remove("SHELL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["why"]["reason"], "timer", "{v:#}");
    let stack = &v["why"]["evidence"]["stack"];
    assert_eq!(stack["word"], "timer", "{v:#}");
    assert!(
        ["eu-stack", "gdb"].contains(&stack["tool"].as_str().unwrap()),
        "{stack}"
    );
}
