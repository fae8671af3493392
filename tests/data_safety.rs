//! What whytop writes stays whole, private and where it belongs: the audit log
//! on a full disk, file modes under any umask, symlinks planted by another
//! user, secrets in command lines, escape sequences in `whytop stop`'s output.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure
#![cfg(target_os = "linux")]

mod common;

use common::{Proc, wait_for};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn whytop(data: &Path, args: &[&str]) -> Output {
    Command::new(common::bin())
        .args(args)
        .env("WHYTOP_DATA_DIR", data)
        .env("XDG_CONFIG_HOME", data)
        .output()
        .expect("run whytop")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn nice_of(pid: i32) -> i32 {
    let stat = std::fs::read(format!("/proc/{pid}/stat")).unwrap();
    whytop::platform::linux::stat::parse_stat(&stat)
        .unwrap()
        .nice
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().mode() & 0o7777
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Runs `script` under `sh` as nobody (uid and gid 65534, no groups).
fn as_nobody(script: &str) {
    let out = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "sh",
            "-c",
            script,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "as nobody: {script}: {}",
        text(&out.stderr)
    );
}

/// A 64 KiB tmpfs, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount() -> SmallDisk {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "mount tmpfs (the tests run as root): {}",
            text(&out.stderr)
        );
        SmallDisk { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// Fills the file system `path` is on until a write fails.
fn fill(path: &Path) {
    use std::io::Write;
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 4096];
    while f.write_all(&chunk).is_ok() {}
    // The last pages, byte by byte.
    while f.write_all(b"x").is_ok() {}
}

fn lines_of(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn a_full_disk_leaves_no_torn_audit_line_and_the_action_still_runs() {
    let disk = SmallDisk::mount();
    let data = disk.path().join("data");
    std::fs::create_dir(&data).unwrap();
    chmod(&data, 0o700);
    // Earlier records end 40 bytes short of a page: the next record crosses
    // into a page the full disk cannot give.
    let audit = data.join("audit.jsonl");
    let target = 4096 - 40;
    let mut old = String::new();
    while target - old.len() >= 13 + 9 {
        old.push_str("{\"old\":true}\n");
    }
    let pad = target - old.len() - 9;
    old.push_str(&format!("{{\"p\":\"{}\"}}\n", "x".repeat(pad)));
    assert_eq!(old.len(), target);
    std::fs::write(&audit, &old).unwrap();
    chmod(&audit, 0o600);
    fill(&disk.path().join("filler"));

    let p = Proc::spawn(Command::new("sleep").arg("120"));
    let out = whytop(&data, &["renice", &p.pid().to_string(), "7"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(nice_of(p.pid()), 7, "the action ran");
    let on_disk = std::fs::read_to_string(&audit).unwrap();
    assert!(
        on_disk == old,
        "a fragment stayed: {:?}",
        on_disk.get(old.len()..).unwrap_or(&on_disk)
    );
    assert!(
        stdout.contains("nice 0 -> 7"),
        "its outcome is printed: {stdout}"
    );
    assert!(
        stderr.contains("whytop: error") && stderr.contains("audit.jsonl"),
        "the lost record is an error: {stderr}"
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");

    // Room again: the next record is whole and on a line of its own.
    std::fs::remove_file(disk.path().join("filler")).unwrap();
    let out = whytop(&data, &["renice", &p.pid().to_string(), "8"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines = lines_of(&audit);
    let last: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(last["action"], "renice");
    assert_eq!(last["params"]["nice"], 8);
    assert!(
        lines
            .iter()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
    );
}

/// Runs whytop under umask 000.
fn whytop_umask0(data: &Path, args: &[&str]) -> Output {
    Command::new("/bin/sh")
        .args(["-c", "umask 000; exec \"$0\" \"$@\"", &common::bin()])
        .args(args)
        .env("WHYTOP_DATA_DIR", data)
        .env("XDG_CONFIG_HOME", data)
        // No stack tools: a capture is the kernel's view only, and quick.
        .env("PATH", "/nonexistent")
        .output()
        .unwrap()
}

fn only_file_in(dir: &Path) -> PathBuf {
    let files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

#[test]
fn data_files_are_private_whatever_the_umask() {
    let top = tempfile::tempdir().unwrap();
    let data = top.path().join("new");
    let p = Proc::spawn(Command::new("/bin/sleep").arg("120"));
    let pid = p.pid().to_string();
    for args in [
        &["renice", &pid, "3"][..],
        &["snapshot", &pid][..],
        &["sample", &pid][..],
    ] {
        let out = whytop_umask0(&data, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
    assert_eq!(mode(&data), 0o700, "the data directory");
    assert_eq!(mode(&data.join("audit.jsonl")), 0o600);
    for sub in ["snapshots", "captures"] {
        assert_eq!(mode(&data.join(sub)), 0o700, "{sub}");
        assert_eq!(mode(&only_file_in(&data.join(sub))), 0o600, "{sub}");
    }

    // What an older whytop left (0755, 0644) is made private on first use.
    let old = top.path().join("old");
    std::fs::create_dir_all(old.join("snapshots")).unwrap();
    chmod(&old, 0o755);
    chmod(&old.join("snapshots"), 0o755);
    std::fs::write(old.join("audit.jsonl"), "{\"old\":1}\n").unwrap();
    chmod(&old.join("audit.jsonl"), 0o644);
    for args in [&["renice", &pid, "4"][..], &["snapshot", &pid][..]] {
        let out = whytop_umask0(&old, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
    assert_eq!(mode(&old), 0o700);
    assert_eq!(mode(&old.join("audit.jsonl")), 0o600);
    assert_eq!(mode(&old.join("snapshots")), 0o700);
}

/// A directory everyone may enter, holding a root-owned victim file.
fn playground() -> (tempfile::TempDir, PathBuf) {
    let top = tempfile::tempdir().unwrap();
    chmod(top.path(), 0o755);
    let victim = top.path().join("victim");
    std::fs::write(&victim, "original\n").unwrap();
    chmod(&victim, 0o644);
    let shared = top.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    chmod(&shared, 0o777);
    (top, victim)
}

#[test]
fn a_data_directory_of_another_user_is_refused_and_its_symlinks_not_followed() {
    let (top, victim) = playground();
    let theirs = top.path().join("shared/theirs");
    as_nobody(&format!(
        "mkdir -m 755 {d} && ln -s {v} {d}/audit.jsonl",
        d = theirs.display(),
        v = victim.display()
    ));
    let p = Proc::spawn(Command::new("sleep").arg("120"));
    let out = whytop(&theirs, &["renice", &p.pid().to_string(), "5"]);
    let stderr = text(&out.stderr);
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "original\n",
        "root appended to the file the symlink names"
    );
    assert_eq!(nice_of(p.pid()), 5, "the action still ran");
    assert!(
        stderr.contains("error") && stderr.contains(&*theirs.to_string_lossy()),
        "{stderr}"
    );
    assert!(stderr.contains("owned by"), "{stderr}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_world_writable_data_directory_is_refused() {
    let (top, _victim) = playground();
    // A directory of nobody's, and a `snapshots` symlink to it planted by
    // nobody in a data directory anyone may write to.
    let elsewhere = top.path().join("shared/nobodys");
    let data = top.path().join("shared/data");
    std::fs::create_dir(&data).unwrap();
    chmod(&data, 0o777);
    as_nobody(&format!(
        "mkdir -m 755 {e} && ln -s {e} {d}/snapshots",
        e = elsewhere.display(),
        d = data.display()
    ));
    let p = Proc::spawn(Command::new("sleep").arg("120"));
    let out = whytop(&data, &["snapshot", &p.pid().to_string()]);
    let stderr = text(&out.stderr);
    assert_eq!(
        std::fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "a bundle was put in another user's directory: {stderr}"
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("writable"), "{stderr}");
}

#[test]
fn symlinks_inside_a_private_data_directory_are_never_followed() {
    let (top, victim) = playground();
    let data = top.path().join("mine");
    std::fs::create_dir(&data).unwrap();
    chmod(&data, 0o700);
    let elsewhere = top.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&victim, data.join("audit.jsonl")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, data.join("snapshots")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, data.join("captures")).unwrap();
    let p = Proc::spawn(Command::new("/bin/sleep").arg("120"));
    let pid = p.pid().to_string();
    let out = whytop(&data, &["renice", &pid, "6"]);
    assert_eq!(nice_of(p.pid()), 6);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("symlink"),
        "{}",
        text(&out.stderr)
    );
    for args in [&["snapshot", &pid][..], &["sample", &pid][..]] {
        let out = Command::new(common::bin())
            .args(args)
            .env("WHYTOP_DATA_DIR", &data)
            .env("PATH", "/nonexistent")
            .output()
            .unwrap();
        assert!(
            text(&out.stderr).contains("symlink") || text(&out.stdout).contains("symlink"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "original\n");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

/// A `sleep 120` whose argv[0] is `argv0`, once its exec shows in /proc.
fn named_sleep(argv0: &str, shows: &str) -> Proc {
    let p =
        Proc::spawn(Command::new("bash").args(["-c", "exec -a \"$1\" sleep 120", "bash", argv0]));
    wait_for("the exec'd command line", || {
        let c = std::fs::read(format!("/proc/{}/cmdline", p.pid())).unwrap_or_default();
        if text(&c).contains(shows) {
            Ok(())
        } else {
            Err(text(&c))
        }
    });
    p
}

#[test]
fn the_audit_log_keeps_no_secret_of_a_command_line() {
    let data = tempfile::tempdir().unwrap();
    let p = named_sleep(
        "worker postgres://app:hunter2pw@db/x --password=s3cretflag --token tok3nvalue",
        "hunter2pw",
    );
    let out = whytop(data.path(), &["signal", &p.pid().to_string(), "CONT"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let log = std::fs::read_to_string(data.path().join("audit.jsonl")).unwrap();
    for secret in ["hunter2pw", "s3cretflag", "tok3nvalue"] {
        assert!(!log.contains(secret), "{secret} in the audit log: {log}");
    }
    assert!(log.contains("postgres://app:<redacted>@db/x"), "{log}");
}

#[test]
fn stop_prints_no_escape_sequence_of_a_command_line() {
    let data = tempfile::tempdir().unwrap();
    for json in [false, true] {
        let p = named_sleep("\x1b]0;pwned\x07\x1b[2J", "pwned");
        let pid = p.pid().to_string();
        let mut args = vec!["stop", "--ladder", "TERM:20", &pid];
        if json {
            args.push("--json");
        }
        let out = whytop(data.path(), &args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(
            !all.contains('\x1b'),
            "an escape reached the terminal: {all:?}"
        );
        assert!(!all.contains('\x07'), "{all:?}");
        assert!(all.contains("pwned"), "the name is still shown: {all:?}");
    }
}
