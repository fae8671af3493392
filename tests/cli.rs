//! `whytop ps` and friends as a script would call them.

mod common;

use common::{marker, tagged_sleep};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_whytop");

fn ps(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("ps")
        .args(args)
        .output()
        .expect("run whytop ps")
}

#[test]
fn ps_json_holds_our_child_with_ppid_and_command() {
    let tag = marker("json");
    let child = tagged_sleep(&tag);
    let pid = child.pid();
    let row = common::wait_for("our child in ps --json", || {
        let out = ps(&["--json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows: Vec<serde_json::Value> =
            serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
        rows.into_iter()
            .find(|r| r["pid"] == pid && r["command"].as_str().is_some_and(|c| c.starts_with(&tag)))
            .ok_or_else(|| "not yet exec'd".to_string())
    });
    assert_eq!(row["ppid"], std::process::id());
    assert_eq!(row["command"], format!("{tag} 300"));
    assert_eq!(row["user"], whoami());
    assert_eq!(row["state"], "S");
    assert_eq!(row["threads"], 1);
    assert!(row["start_time"].as_u64().unwrap() > 0);
    assert!(row["rss_bytes"].as_u64().unwrap() > 0);
    assert!(row["cpu_percent"].is_number());
    assert!(row.get("tty").is_some());
}

#[test]
fn ps_filter_sort_and_tree() {
    let tag = marker("pair");
    let a = tagged_sleep(&format!("{tag}a"));
    let b = tagged_sleep(&format!("{tag}b"));
    let text = common::wait_for("both sleeps", || {
        let out = ps(&["--filter", &tag, "--sort", "pid"]);
        let s = String::from_utf8_lossy(&out.stdout).into_owned();
        if s.contains(&format!("{tag}a 300")) && s.contains(&format!("{tag}b 300")) {
            Ok(s)
        } else {
            Err(s)
        }
    });
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("PID") && lines[0].contains("COMMAND"));
    let pos = |p: i32| {
        lines
            .iter()
            .position(|l| l.trim_start().starts_with(&p.to_string()))
            .unwrap()
    };
    assert!(pos(a.pid()) < pos(b.pid()), "ascending pid:\n{text}");
    // --tree: our children sit under this test process.
    let tree = String::from_utf8_lossy(&ps(&["--tree", "--filter", &tag]).stdout).into_owned();
    let me = tree
        .lines()
        .position(|l| {
            l.trim_start()
                .starts_with(&format!("{} ", std::process::id()))
        })
        .expect(&tree);
    let kid = tree
        .lines()
        .position(|l| l.contains(&format!("{tag}a 300")))
        .unwrap();
    assert!(
        kid > me && tree.lines().nth(kid).unwrap().contains("─ "),
        "{tree}"
    );
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    for args in [
        &["ps", "--sort", "speed"][..],
        &["ps", "--bogus"],
        &["-d", "0"],
        &["nosuchcommand"],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?} says why");
    }
    let out = Command::new(BIN)
        .args(["ps", "--filter", "re:("])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad regex"));
}

#[test]
fn version_and_help() {
    let out = Command::new(BIN).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("whytop "));
    let out = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("ps") && help.contains("--delay"), "{help}");
}

fn whoami() -> String {
    let out = Command::new("id").arg("-un").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
