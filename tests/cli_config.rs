//! `whytop config` and `--config` as a user runs them: the defaults printed,
//! a file checked, and a bad file stopping every command at its line and column.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

mod common;

use common::{marker, tagged_sleep};
use std::process::{Command, Output, Stdio};

/// whytop with `args`, its config and data directories empty, stdin closed.
fn whytop(home: &std::path::Path, args: &[&str]) -> Output {
    Command::new(common::bin())
        .args(args)
        .env("XDG_CONFIG_HOME", home)
        .env("WHYTOP_DATA_DIR", home)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn print_default_is_the_shipped_file_and_checks_ok() {
    let home = tempfile::tempdir().unwrap();
    let out = whytop(home.path(), &["config", "--print-default"]);
    assert_eq!(out.status.code(), Some(0));
    let shipped = include_str!("../config/whytop.toml");
    assert_eq!(String::from_utf8_lossy(&out.stdout), shipped);
    assert!(
        shipped.lines().filter(|l| l.starts_with('#')).count() >= 6,
        "commented"
    );
    let file = home.path().join("default.toml");
    std::fs::write(&file, &out.stdout).unwrap();
    let out = whytop(home.path(), &["config", "--check", file.to_str().unwrap()]);
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).trim()
        ),
        (Some(0), "ok"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_names_file_line_column_and_key_and_exits_2() {
    let home = tempfile::tempdir().unwrap();
    for (text, at) in [
        // Syntax: a value missing.
        ("delay = 5\ntree = \n", ":2:8: tree: "),
        // An unknown key, indented.
        (
            "delay = 5\n  colour = 1\n",
            ":2:3: colour: unknown field `colour`",
        ),
        // A wrong type.
        (
            "# c\ndelay = \"fast\"\n",
            ":2:9: delay: invalid type: string \"fast\"",
        ),
        // A value out of range, an unknown name.
        ("delay = 0\n", ":1:9: delay: must be 1..=36000"),
        (
            "sort = \"speed\"\n",
            ":1:8: sort: unknown sort column \"speed\"",
        ),
        (
            "theme = \"neon\"\n",
            ":1:9: theme: unknown theme \"neon\"; one of: dark, light, mono",
        ),
    ] {
        let file = home.path().join("bad.toml");
        std::fs::write(&file, text).unwrap();
        let path = file.to_str().unwrap();
        let out = whytop(home.path(), &["config", "--check", path]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{text:?}: {err}");
        assert!(out.stdout.is_empty(), "{text:?}");
        assert!(
            err.starts_with(&format!("whytop: {path}{at}")),
            "{text:?}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let out = whytop(home.path(), &["config", "--check", "/nonexistent/x.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/x.toml: No such file"));
}

/// The TUI and ps do not start with a bad file, whether `--config` names it or
/// it is the user's own; the terminal is never touched (stdin is not one).
#[test]
fn a_bad_file_stops_the_tui_and_ps() {
    let home = tempfile::tempdir().unwrap();
    let bad = home.path().join("other.toml");
    std::fs::write(&bad, "sort = \"cpu\"\ndelay = true\n").unwrap();
    let path = bad.to_str().unwrap();
    let want = format!("whytop: {path}:2:9: delay: invalid type: boolean `true`, expected u64");
    // stop's ladder comes from the config: a bad one stops it before it acts.
    let kid = tagged_sleep(&marker("cfgstop"));
    let kid_pid = kid.pid().to_string();
    for args in [
        &["--config", path][..],
        &["--config", path, "ps"],
        &["ps", "--config", path],
        &["-t", "--config", path],
        &["--config", path, "stop", &kid_pid],
    ] {
        let out = whytop(home.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).trim(), want, "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // SAFETY: signal 0 only asks whether our own child still exists.
    assert_eq!(unsafe { libc::kill(kid.pid(), 0) }, 0, "not stopped");
    drop(kid);
    // The user's own file, found where XDG_CONFIG_HOME says.
    std::fs::create_dir_all(home.path().join("whytop")).unwrap();
    let own = home.path().join("whytop/config.toml");
    std::fs::write(&own, "tree = 1\n").unwrap();
    let out = whytop(home.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(&format!(
            "whytop: {}:1:8: tree: invalid type",
            own.display()
        )),
        "{}",
        stderr(&out)
    );
    let out = whytop(home.path(), &["--config", "/nonexistent/x.toml", "ps"]);
    assert_eq!(out.status.code(), Some(2));
}

/// `whytop ps` sorts as the config says unless `--sort` says otherwise.
#[test]
fn ps_takes_the_config_sort() {
    let home = tempfile::tempdir().unwrap();
    let tag = marker("cfgsort");
    let (a, b) = (
        tagged_sleep(&format!("{tag}a")),
        tagged_sleep(&format!("{tag}b")),
    );
    let order = |config: &str, extra: &[&str]| -> Vec<i32> {
        let file = home.path().join("c.toml");
        std::fs::write(&file, config).unwrap();
        common::wait_for("both sleeps listed", || {
            let mut args = vec!["--config", file.to_str().unwrap(), "ps", "--filter", &tag];
            args.extend_from_slice(extra);
            let out = whytop(home.path(), &args);
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let pids: Vec<i32> = text
                .lines()
                .skip(1)
                .filter(|l| l.contains(" 300"))
                .filter_map(|l| l.split_whitespace().next()?.parse().ok())
                .collect();
            if pids.len() == 2 { Ok(pids) } else { Err(text) }
        })
    };
    let (lo, hi) = (a.pid().min(b.pid()), a.pid().max(b.pid()));
    assert_eq!(order("sort = \"pid\"\n", &[]), vec![lo, hi]);
    // command: `<tag>a` before `<tag>b`, whatever their pids.
    assert_eq!(order("sort = \"command\"\n", &[]), vec![a.pid(), b.pid()]);
    // The flag wins; pid sorts ascending, as in the TUI.
    assert_eq!(
        order("sort = \"command\"\n", &["--sort", "pid"]),
        vec![lo, hi]
    );
}
