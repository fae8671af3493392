//! On a real Mac only (the CI's macos-14 and macos-13 runners): whytop's view of
//! live processes against `ps`, the stop ladder and background on/off on real
//! processes, and real outputs of the Mac's own tools saved for fixtures.
//!
//! The outputs go to `$WHYTOP_ARTIFACTS` (default `target/macos-artifacts`);
//! the workflow uploads that folder. Nothing here runs on Linux.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure
#![cfg(target_os = "macos")]

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> String {
    std::env::var("WHYTOP_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_whytop").to_string())
}

fn artifacts() -> PathBuf {
    let dir = std::env::var_os("WHYTOP_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/macos-artifacts")
        });
    std::fs::create_dir_all(&dir).expect("artifacts folder");
    dir
}

/// Runs `cmd args` and saves its stdout, stderr and status as `name.*`.
fn save(name: &str, cmd: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(cmd).args(args).output().expect(cmd);
    let dir = artifacts();
    std::fs::write(dir.join(format!("{name}.txt")), &out.stdout).unwrap();
    std::fs::write(dir.join(format!("{name}.stderr.txt")), &out.stderr).unwrap();
    std::fs::write(
        dir.join(format!("{name}.status.txt")),
        format!("{cmd} {}\n{:?}\n", args.join(" "), out.status.code()),
    )
    .unwrap();
    out
}

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sleep300() -> Kill {
    Kill(
        Command::new("/bin/sleep")
            .arg("300")
            .stdin(Stdio::null())
            .spawn()
            .expect("sleep"),
    )
}

fn signal(pid: u32, sig: &str) {
    assert!(
        Command::new("/bin/kill")
            .args([sig, &pid.to_string()])
            .status()
            .unwrap()
            .success()
    );
}

/// `ps -axo pid,ppid,stat,uid,comm`: pid -> (ppid, stat, uid, comm).
fn ps() -> HashMap<i64, (i64, String, u64, String)> {
    let out = save("ps-axo", "/bin/ps", &["-axo", "pid,ppid,stat,uid,comm"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let pid = f.next()?.parse().ok()?;
            let ppid = f.next()?.parse().ok()?;
            let stat = f.next()?.to_string();
            let uid = f.next()?.parse().ok()?;
            let comm = f.collect::<Vec<_>>().join(" ");
            Some((pid, (ppid, stat, uid, comm)))
        })
        .collect()
}

fn whytop_ps() -> Vec<serde_json::Value> {
    let out = Command::new(bin()).args(["ps", "--json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(artifacts().join("whytop-ps.json"), &out.stdout).unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn row(rows: &[serde_json::Value], pid: u32) -> Option<&serde_json::Value> {
    rows.iter().find(|r| r["pid"] == pid)
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out: {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn ps_json_agrees_with_ps_on_a_sleep_a_stopped_job_and_a_zombie() {
    let sleeping = sleep300();
    let stopped = sleep300();
    signal(stopped.0.id(), "-STOP");
    // An unreaped child: it exits, nobody waits for it (until the Drop).
    let zombie = Kill(Command::new("/usr/bin/true").spawn().unwrap());
    let me = std::process::id();
    wait_until("the zombie and the stop in ps", || {
        let p = ps();
        p.get(&(zombie.0.id() as i64))
            .is_some_and(|r| r.1.starts_with('Z'))
            && p.get(&(stopped.0.id() as i64))
                .is_some_and(|r| r.1.starts_with('T'))
    });
    let theirs = ps();
    let rows = whytop_ps();
    for (child, want) in [(&sleeping, "S"), (&stopped, "T"), (&zombie, "Z")] {
        let pid = child.0.id();
        let r = row(&rows, pid)
            .unwrap_or_else(|| panic!("pid {pid} ({want}) missing from whytop ps --json"));
        let (ppid, stat, uid, _comm) = &theirs[&(pid as i64)];
        assert_eq!(r["ppid"], *ppid, "ppid of {pid}");
        assert_eq!(*ppid, me as i64);
        assert_eq!(r["uid"], *uid, "uid of {pid}");
        // ps prints I for a sleep longer than 20 s; whytop says S.
        let ps_letter = stat.chars().next().map(|c| if c == 'I' { 'S' } else { c });
        assert_eq!(ps_letter, want.chars().next(), "ps stat of {pid}: {stat}");
        assert_eq!(r["state"], want, "whytop state of {pid}: {r}");
    }
    // Every process ps lists is there (give or take those born or gone in between).
    let ours: std::collections::HashSet<i64> =
        rows.iter().filter_map(|r| r["pid"].as_i64()).collect();
    let missing: Vec<_> = theirs.keys().filter(|p| !ours.contains(p)).collect();
    assert!(missing.len() <= 5, "missing from whytop: {missing:?}");
}

#[test]
fn the_stop_ladder_ends_a_sleep() {
    let mut s = sleep300();
    let pid = s.0.id().to_string();
    let out = Command::new(bin())
        .args(["stop", &pid, "--force"])
        .output()
        .unwrap();
    std::fs::write(artifacts().join("whytop-stop.txt"), &out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status = s.0.wait().unwrap();
    assert!(!status.success(), "ended by a signal: {status:?}");
}

#[test]
fn background_on_and_off_read_back() {
    let s = sleep300();
    let pid = s.0.id().to_string();
    for v in ["on", "off"] {
        let out = Command::new(bin())
            .args(["sched", &pid, "--background", v])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "background {v}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // Read back from pbi_flags.
        let shown = Command::new(bin()).args(["sched", &pid]).output().unwrap();
        let text = String::from_utf8_lossy(&shown.stdout);
        assert!(text.contains(&format!("background {v}")), "{text}");
    }
}

#[test]
fn saves_the_macs_own_outputs_for_fixtures() {
    let s = sleep300();
    let pid = s.0.id().to_string();
    save("sample-sleep", "/usr/bin/sample", &[&pid, "1"]);
    save(
        "log-show-ndjson",
        "/usr/bin/log",
        &["show", "--last", "1m", "--info", "--style", "ndjson"],
    );
    // log stream runs until stopped: give it three seconds, then end it.
    let mut stream = Command::new("/usr/bin/log")
        .args(["stream", "--level", "info", "--style", "ndjson"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("log stream");
    std::thread::sleep(Duration::from_secs(3));
    let _ = stream.kill();
    let out = stream.wait_with_output().unwrap();
    std::fs::write(artifacts().join("log-stream-ndjson.txt"), &out.stdout).unwrap();
    std::fs::write(
        artifacts().join("log-stream-ndjson.stderr.txt"),
        &out.stderr,
    )
    .unwrap();
    save("pmset-assertions", "/usr/bin/pmset", &["-g", "assertions"]);
    save("launchctl-list", "/bin/launchctl", &["list"]);
    save(
        "launchctl-print-system",
        "/bin/launchctl",
        &["print", "system"],
    );
    save(
        "codesign-sleep",
        "/usr/bin/codesign",
        &["-dv", "--verbose=4", "/bin/sleep"],
    );
    save("whytop-sample-sleep", &bin(), &["sample", &pid]);
    save("whytop-why-sleep", &bin(), &["why", &pid, "--json"]);
    // The tools exist on every Mac: at least pmset answered.
    assert!(
        artifacts()
            .join("pmset-assertions.txt")
            .metadata()
            .unwrap()
            .len()
            > 0
    );
}

/// The QOS, BG, FOOT and ENERGY figures of real processes: a sleep (read
/// when new: a footprint, a tier, not in background, then in background
/// once `sched` puts it there) and a busy loop (CPU placed in a class,
/// energy billed).
#[test]
fn qos_footprint_background_and_energy_of_real_processes() {
    let s = sleep300();
    let busy = Kill(
        Command::new("/bin/sh")
            .args(["-c", "while :; do :; done"])
            .stdin(Stdio::null())
            .spawn()
            .expect("sh"),
    );
    let rows = whytop_ps();
    let r = row(&rows, s.0.id()).expect("the sleep listed");
    assert!(r["footprint_bytes"].as_u64().is_some_and(|f| f > 0), "{r}");
    assert!(r["qos_tier"].is_string(), "{r}");
    assert_eq!(r["background"], false, "{r}");
    let b = row(&rows, busy.0.id()).expect("the loop listed");
    assert!(b["qos_cpu"].is_string(), "CPU placed in a class: {b}");
    assert!(b["energy_watts"].is_number(), "{b}");
    assert!(b["io_read_bytes"].is_number(), "ri_diskio: {b}");
    let pid = s.0.id().to_string();
    let out = Command::new(bin())
        .args(["sched", &pid, "--background", "on"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = whytop_ps();
    let r = row(&rows, s.0.id()).expect("the sleep listed");
    assert_eq!(r["background"], true, "{r}");
}
