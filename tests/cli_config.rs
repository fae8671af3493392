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

/// A user theme with an error stops whytop at its file, line, column and key,
/// whether `--theme` or the config names it; `config --check-theme` says the
/// same; an unknown name lists the built-in and the user's themes; a good
/// theme starts.
#[test]
fn a_bad_theme_file_is_refused_at_its_line_and_column() {
    let home = tempfile::tempdir().unwrap();
    let themes = home.path().join("whytop/themes");
    std::fs::create_dir_all(&themes).unwrap();
    let bad = themes.join("mine.toml");
    std::fs::write(&bad, "inherits = \"light\"\n[why]\n  lock = \"#ff00\"\n").unwrap();
    let at = format!("{}:3:10: why.lock: \"#ff00\" is no colour", bad.display());
    for args in [&["--theme", "mine"][..], &["--theme", "mine", "ps"]] {
        let out = whytop(home.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(&at), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = whytop(
        home.path(),
        &["config", "--check-theme", bad.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(&format!("whytop: {at}")),
        "{}",
        stderr(&out)
    );
    // The config naming it: every command that reads the config refuses.
    let config = home.path().join("whytop/config.toml");
    std::fs::write(&config, "theme = \"mine\"\n").unwrap();
    for args in [
        &[][..],
        &["ps"],
        &["config", "--check", config.to_str().unwrap()],
    ] {
        let out = whytop(home.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with(&format!("whytop: {at}")),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // An unknown name: the config's line and column, the themes there are.
    std::fs::write(&config, "\ntheme = \"neon\"\n").unwrap();
    let out = whytop(home.path(), &["ps"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        format!(
            "whytop: {}:2:9: theme: unknown theme \"neon\"; one of: dark, light, mono; user themes in {}: mine",
            config.display(),
            themes.display()
        )
    );
    let out = whytop(home.path(), &["--theme", "neon", "ps"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("user themes in"), "{}", stderr(&out));
    // Fixed, it checks ok and ps starts with it.
    std::fs::write(&bad, "inherits = \"light\"\n[why]\n  lock = \"#ff0000\"\n").unwrap();
    std::fs::write(&config, "theme = \"mine\"\n").unwrap();
    let out = whytop(
        home.path(),
        &["config", "--check-theme", bad.to_str().unwrap()],
    );
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).trim()
        ),
        (Some(0), "ok")
    );
    for args in [&["ps"][..], &["--theme", "mine", "ps"]] {
        let out = whytop(home.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("COMMAND"),
            "{args:?}"
        );
    }
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

/// `whytop ps` shows the config's columns, with the figures of a real
/// process: its parent, its threads, its terminal, its session and group.
#[test]
fn ps_shows_the_config_columns_of_a_real_process() {
    let home = tempfile::tempdir().unwrap();
    let tag = marker("cfgcols");
    let ready = home.path().join("ready");
    // Three threads beside the main one, on a terminal of its own; it says
    // its terminal once the threads run.
    let script = "import os, sys, threading, time\n\
                  for _ in range(3): threading.Thread(target=time.sleep, args=(300,), daemon=True).start()\n\
                  open(sys.argv[2], 'w').write(os.ttyname(0))\n\
                  time.sleep(300)\n";
    let pty = common::Pty::open();
    let p = pty.spawn(Command::new(common::python()).args([
        "-c",
        script,
        &tag,
        ready.to_str().unwrap(),
    ]));
    let tty = common::wait_for("the process's terminal", || {
        std::fs::read_to_string(&ready).map_err(|e| e.to_string())
    });
    let tty = tty.trim_start_matches("/dev/").to_string();
    let file = home.path().join("c.toml");
    std::fs::write(
        &file,
        "columns = [\"pid\", \"ppid\", \"nlwp\", \"tty\", \"sid\", \"pgrp\", \"command\"]\n",
    )
    .unwrap();
    let args = ["--config", file.to_str().unwrap(), "ps", "--filter", &tag];
    let out = whytop(home.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut lines = text.lines();
    let titles: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(
        titles,
        ["PID", "PPID", "NLWP", "TTY", "SID", "PGRP", "COMMAND"]
    );
    let row = lines
        .find(|l| l.split_whitespace().next() == Some(&p.pid().to_string()))
        .unwrap_or_else(|| panic!("pid {} not listed:\n{text}", p.pid()));
    let cells: Vec<&str> = row.split_whitespace().collect();
    let me = std::process::id().to_string();
    let pid = p.pid().to_string();
    assert_eq!(&cells[..6], [&pid, &me, "4", &tty, &pid, &pid], "{row}");
    assert!(row.contains(&tag), "{row}");

    // --json keeps every field, the new ones included, whatever the columns.
    let args = [
        "--config",
        file.to_str().unwrap(),
        "ps",
        "--json",
        "--filter",
        &tag,
    ];
    let out = whytop(home.path(), &args);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["pid"] == p.pid())
        .unwrap();
    assert_eq!(r["ppid"], std::process::id());
    assert_eq!(r["threads"], 4);
    assert_eq!(r["tty"], tty.as_str());
    for field in [
        "rss_bytes",
        "shared_bytes",
        "processor",
        "minflt_per_sec",
        "ctxsw_per_sec",
        "oom_score",
    ] {
        assert!(r[field].is_number(), "{field}: {r}");
    }
    // Its own I/O counters are the test's to read.
    assert!(r["io_read_bytes"].is_number(), "{r}");
    // The macOS figures: there, and null on Linux.
    for field in [
        "qos_tier",
        "qos_cpu",
        "background",
        "footprint_bytes",
        "energy_watts",
    ] {
        let v = r.get(field).unwrap_or_else(|| panic!("{field}: {r}"));
        if cfg!(target_os = "linux") {
            assert!(v.is_null(), "{field}: {r}");
        }
    }
}

/// The macOS columns are accepted everywhere; on Linux their cells are empty
/// (no QoS, darwin background, footprint or billed energy there).
#[test]
fn ps_takes_the_macos_columns_and_leaves_them_empty_on_linux() {
    let home = tempfile::tempdir().unwrap();
    let tag = marker("cfgmac");
    let p = tagged_sleep(&tag);
    let file = home.path().join("c.toml");
    std::fs::write(
        &file,
        "columns = [\"pid\", \"qos\", \"bg\", \"footprint\", \"energy\", \"command\"]\n",
    )
    .unwrap();
    let args = ["--config", file.to_str().unwrap(), "ps", "--filter", &tag];
    let text = common::wait_for("the sleep listed", || {
        let out = whytop(home.path(), &args);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.success() && text.contains(&p.pid().to_string()) {
            Ok(text)
        } else {
            Err(format!("{text}{}", stderr(&out)))
        }
    });
    let mut lines = text.lines();
    let titles: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(titles, ["PID", "QOS", "BG", "FOOT", "ENERGY", "COMMAND"]);
    if cfg!(target_os = "linux") {
        let row = lines
            .find(|l| l.split_whitespace().next() == Some(&p.pid().to_string()))
            .unwrap();
        let cells: Vec<&str> = row.split_whitespace().collect();
        // The pid, then straight to the command: the four cells are blank.
        assert_eq!(cells[0], p.pid().to_string(), "{row}");
        assert_eq!(cells[1], tag, "{row}");
    }
}

/// `cpu-history` is the TUI's sparkline: `whytop ps`, one sample with no
/// history, prints a dash in it for a real process.
#[test]
fn ps_prints_a_dash_for_the_cpu_history_column() {
    let home = tempfile::tempdir().unwrap();
    let tag = marker("cfgspark");
    let kid = tagged_sleep(&tag);
    let file = home.path().join("c.toml");
    std::fs::write(&file, "columns = [\"pid\", \"cpu-history\", \"command\"]\n").unwrap();
    let args = ["--config", file.to_str().unwrap(), "ps", "--filter", &tag];
    let pid = kid.pid().to_string();
    let row = common::wait_for("the sleeper listed", || {
        let out = whytop(home.path(), &args);
        assert!(out.status.success(), "{}", stderr(&out));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let titles: Vec<&str> = text
            .lines()
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        assert_eq!(titles, ["PID", "CPU-HIST", "COMMAND"], "{text}");
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(pid.as_str()))
            .map(str::to_string)
            .ok_or_else(|| format!("pid {pid} not listed:\n{text}"))
    });
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&cells[..2], [pid.as_str(), "-"], "{row}");
    assert!(row.contains(&tag), "{row}");
}
