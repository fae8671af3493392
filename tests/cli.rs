//! `whytop ps` and friends as a script would call them.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

mod common;

use common::{marker, tagged_sleep};
use std::process::Command;

fn ps(args: &[&str]) -> std::process::Output {
    Command::new(common::bin())
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
            // Exec'd and settled into its sleep (just after exec it may still run).
            .find(|r| {
                r["pid"] == pid
                    && r["command"].as_str().is_some_and(|c| c.starts_with(&tag))
                    && r["state"] == "S"
            })
            .ok_or_else(|| "not yet exec'd and asleep".to_string())
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
        let out = Command::new(common::bin()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?} says why");
    }
    let out = Command::new(common::bin())
        .args(["ps", "--filter", "re:("])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad regex"));
    // The TUI's bad regex is a usage error too, found before any terminal is touched.
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(common::bin())
        .args(["--filter", "re:("])
        .env("WHYTOP_DATA_DIR", data.path())
        .env("XDG_CONFIG_HOME", data.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--filter: bad regex"));
}

/// Without a terminal the TUI says so in one line, not with an errno.
#[test]
fn the_tui_without_a_terminal_says_what_it_needs() {
    let data = tempfile::tempdir().unwrap();
    let out = Command::new("setsid")
        .arg(common::bin())
        .env("WHYTOP_DATA_DIR", data.path())
        .env("XDG_CONFIG_HOME", data.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(
        err.trim(),
        "whytop: the TUI needs a terminal on stdin and stdout (for one table printed, `whytop ps`)"
    );
}

#[test]
fn version_and_help() {
    let out = Command::new(common::bin())
        .arg("--version")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("whytop "));
    let out = Command::new(common::bin()).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("ps") && help.contains("--delay"), "{help}");
}

fn whoami() -> String {
    let out = Command::new("id").arg("-un").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn why_names_the_reason_with_evidence_and_ps_json_carries_it() {
    let tag = marker("why");
    let child = tagged_sleep(&tag);
    let pid = child.pid().to_string();
    let report = common::wait_for("the sleep in its timer", || {
        let out = Command::new(common::bin())
            .args(["why", &pid, "--json"])
            .output()
            .unwrap();
        let v: serde_json::Value =
            serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
        if v["why"]["reason"] == "timer" {
            Ok(v)
        } else {
            Err(v.to_string())
        }
    });
    assert_eq!(report["why"]["ready_for_input"], false);
    assert!(
        report["why"]["detail"].as_str().unwrap().contains("sleep"),
        "{report}"
    );
    let syscall = report["why"]["evidence"]["syscall"]["name"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(syscall.contains("nanosleep"), "{report}");
    let text = String::from_utf8_lossy(
        &Command::new(common::bin())
            .args(["why", &pid])
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    assert!(
        text.contains("why: timer") && text.contains("wchan") && text.contains("nanosleep"),
        "{text}"
    );
    // ps --json: every row has a why object.
    let out = ps(&["--json", "--filter", &tag]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let row = rows
        .iter()
        .find(|r| r["pid"] == child.pid())
        .expect("our sleep");
    assert_eq!(row["why"]["reason"], "timer");
    for key in ["detail", "ready_for_input", "evidence"] {
        assert!(row["why"].get(key).is_some(), "why.{key} missing: {row}");
    }
    let out = Command::new(common::bin())
        .args(["why", "2147483"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such process"));
}

#[test]
fn why_asks_py_spy_for_the_python_frame() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("server.py");
    std::fs::write(&script, "import socket\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen()\nconn, addr = s.accept()\n").unwrap();
    // The real interpreter (a version-manager shim runs Python helpers first).
    let p = common::Proc::spawn(Command::new(common::python()).arg(&script));
    let pid = p.pid().to_string();
    let text = common::wait_for("py-spy's frame in accept", || {
        let out = Command::new(common::bin())
            .args(["why", &pid])
            .output()
            .unwrap();
        let t = String::from_utf8_lossy(&out.stdout).into_owned();
        // Settled in its accept (before that, py-spy may catch it importing).
        if t.contains("python: waiting in") && t.contains("accept") {
            Ok(t)
        } else {
            Err(t)
        }
    });
    assert!(
        text.contains("conn, addr = s.accept()"),
        "the caller's source line: {text}"
    );
}

#[test]
fn ps_cpu_percent_of_a_busy_loop_is_a_rate_within_one_core() {
    let tag = marker("busy");
    let p = common::Proc::spawn(Command::new("bash").args([
        "-c",
        &format!("exec -a {tag} {} -c 'while True: pass'", common::python()),
    ]));
    for _ in 0..3 {
        let cpu = common::wait_for("the busy loop measured", || {
            let out = ps(&["--json", "--filter", &tag, "--interval", "200"]);
            let rows: Vec<serde_json::Value> =
                serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
            rows.iter()
                .find(|r| r["pid"] == p.pid())
                .and_then(|r| r["cpu_percent"].as_f64())
                .filter(|c| *c > 0.0)
                .ok_or_else(|| format!("{rows:?}"))
        });
        assert!(
            cpu <= 100.0,
            "one thread cannot use more than a core: {cpu}"
        );
    }
    let out = ps(&["--interval", "5"]);
    assert_eq!(out.status.code(), Some(2), "too short to measure");
}

#[test]
fn why_of_a_thread_id_explains_that_thread() {
    // A Python worker thread blocked on a lock while the main thread sleeps.
    let p = common::Proc::spawn(std::process::Command::new(common::python()).args([
        "-c",
        "import threading, time\nl = threading.Lock(); l.acquire()\n\
         threading.Thread(target=l.acquire, daemon=True).start()\ntime.sleep(300)",
    ]));
    let pid = p.pid();
    let tid: i32 = common::wait_for("the worker thread", || {
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).map_err(|e| e.to_string())?;
        tasks
            .filter_map(|t| t.ok()?.file_name().to_str()?.parse().ok())
            .find(|t| *t != pid)
            .ok_or_else(|| "no thread yet".to_string())
    });
    let out = common::wait_for("the thread's lock", || {
        let out = Command::new(common::bin())
            .args(["why", &tid.to_string(), "--json"])
            .output()
            .unwrap();
        let v: serde_json::Value =
            serde_json::from_slice(&out.stdout).map_err(|e| format!("{e}: {out:?}"))?;
        if out.status.success() && v["why"]["reason"] == "lock" {
            Ok(v)
        } else {
            Err(format!("{v}"))
        }
    });
    assert_eq!(out["pid"], tid);
    assert_eq!(out["thread_of"], pid);
    let text = Command::new(common::bin())
        .args(["why", &tid.to_string()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.starts_with(&format!("thread {tid} ")) && text.contains(&format!("of process {pid} ")),
        "{text}"
    );
    // An action names the process instead of acting on a thread.
    let renice = Command::new(common::bin())
        .args(["renice", &tid.to_string(), "5"])
        .output()
        .unwrap();
    assert_eq!(renice.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&renice.stderr).contains(&format!("is a thread of process {pid}")),
        "{renice:?}"
    );
}

#[test]
fn why_prints_names_with_control_characters_safely() {
    // A child whose name holds a newline: `why` of its parent names it on one line.
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("sl\neep");
    std::fs::copy("/bin/sleep", &odd).unwrap();
    let parent =
        common::Proc::spawn_group(Command::new("sh").args(["-c", "\"$0\" 60; true"]).arg(&odd));
    let out = common::wait_for("the parent waiting for its odd child", || {
        let out = Command::new(common::bin())
            .args(["why", &parent.pid().to_string()])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if text.contains("why: child") {
            Ok(text)
        } else {
            Err(text)
        }
    });
    assert!(out.contains("sl?eep"), "{out}");
    assert!(!out.lines().any(|l| l.starts_with("eep")), "{out}");
}

#[test]
fn ps_and_why_print_command_lines_redacted() {
    let tag = marker("secret");
    let child = common::Proc::spawn(Command::new("bash").args([
        "-c",
        &format!(
            "exec -a {tag} {} -c 'import time; time.sleep(300)' --password hunter2 postgres://u:pw123@db/x",
            common::python()
        ),
    ]));
    let pid = child.pid().to_string();
    let shown = common::wait_for("our child in ps", || {
        let table = String::from_utf8_lossy(&ps(&["--filter", &tag]).stdout).to_string();
        let json = String::from_utf8_lossy(&ps(&["--json", "--filter", &tag]).stdout).to_string();
        if table.contains("--password") && json.contains("--password") {
            Ok((table, json))
        } else {
            Err(format!("{table}\n{json}"))
        }
    });
    let why = Command::new(common::bin())
        .args(["why", &pid])
        .output()
        .unwrap();
    let why_json = Command::new(common::bin())
        .args(["why", &pid, "--json"])
        .output()
        .unwrap();
    for out in [
        shown.0,
        shown.1,
        String::from_utf8_lossy(&why.stdout).to_string(),
        String::from_utf8_lossy(&why_json.stdout).to_string(),
    ] {
        assert!(out.contains("--password"), "{out}");
        assert!(!out.contains("hunter2") && !out.contains("pw123"), "{out}");
    }
}

#[test]
fn a_full_stderr_or_stdout_never_aborts_a_command() {
    use std::process::Stdio;
    let full = || {
        Stdio::from(
            std::fs::File::options()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        )
    };
    let gone = "999999";
    let cases: &[(&[&str], i32)] = &[
        (&["stop", gone], 3),
        (&["signal", gone, "TERM"], 3),
        (&["renice", gone, "5"], 3),
        (&["sched", gone], 3),
        (&["why", gone], 3),
        (&["logs", gone], 3),
        (&["sample", gone], 3),
        (&["snapshot", gone], 3),
        (&["ps", "--filter", "re:("], 2),
        (&["--no-such-flag"], 2),
    ];
    for (args, code) in cases {
        let st = Command::new(common::bin())
            .args(*args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(full())
            .status()
            .unwrap();
        assert_eq!(
            st.code(),
            Some(*code),
            "whytop {args:?} 2>/dev/full: {st:?}"
        );
    }
    // Output to a full disk is an error (exit 1), said on a stderr that is full too.
    for args in [&["ps"][..], &["ps", "--json"], &["why", "1"]] {
        let st = Command::new(common::bin())
            .args(args)
            .stdout(full())
            .stderr(full())
            .status()
            .unwrap();
        assert_eq!(
            st.code(),
            Some(1),
            "whytop {args:?} >/dev/full 2>&1: {st:?}"
        );
    }
}

fn vm_rss_bytes(pid: i32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = s
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb * 1024
}

#[test]
fn ps_rss_is_exact_as_vmrss_says() {
    use std::io::BufRead;
    // Eight threads each touch 12 MiB, then all sleep: stat's field 24 lags here
    // (the kernel's per-CPU counters), VmRSS does not.
    let script = "import threading,time,sys\n\
        bufs=[]\n\
        def work():\n    b=bytearray(12<<20)\n    for i in range(0,len(b),4096): b[i]=1\n    bufs.append(b)\n\
        ts=[threading.Thread(target=work) for _ in range(8)]\n\
        [t.start() for t in ts]; [t.join() for t in ts]\n\
        print('ready', flush=True); time.sleep(300)\n";
    let mut child = Command::new(common::python())
        .args(["-c", script])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "ready");
    let p = common::Proc(child, false);
    let pid = p.pid();
    let (rss, vm) = common::wait_for("a steady VmRSS around ps", || {
        let before = vm_rss_bytes(pid);
        let out = ps(&["--json", "--interval", "100"]);
        let after = vm_rss_bytes(pid);
        let rows: Vec<serde_json::Value> =
            serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
        let rss = rows
            .iter()
            .find(|r| r["pid"] == pid)
            .and_then(|r| r["rss_bytes"].as_u64())
            .ok_or("our python in ps --json")?;
        if before == after {
            Ok((rss, after))
        } else {
            Err(format!("{before} then {after}"))
        }
    });
    assert!(vm > 96 << 20, "{vm}");
    assert!(
        rss.abs_diff(vm) <= 2 * 4096,
        "rss_bytes {rss}, VmRSS {vm}: off by {} pages",
        rss.abs_diff(vm) / 4096
    );
}

/// What bash offers after `line` (completing its last word), from the script
/// `whytop completions bash` prints, sourced in a real bash.
fn bash_completes(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let line = words.join(" ");
    let program = format!(
        "source {script}; COMP_WORDS=({words}); COMP_CWORD={cword}; \
         COMP_LINE='{line}'; COMP_POINT={point}; _whytop whytop '{last}' '{prev}'; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script = script.display(),
        words = words.join(" "),
        cword = words.len() - 1,
        point = line.len(),
        last = words[words.len() - 1],
        prev = words[words.len().saturating_sub(2)],
    );
    let out = Command::new("bash")
        .args(["--norc", "-c", &program])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_subcommands_and_their_flags_from_the_generated_script() {
    let out = Command::new(common::bin())
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("whytop.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    assert_eq!(bash_completes(&script, &["whytop", "ren"]), ["renice"]);
    let flags = bash_completes(&script, &["whytop", "stop", "--no"]);
    assert_eq!(flags, ["--no-tree"], "{flags:?}");
    let bad = Command::new(common::bin())
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(
        bad.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn man_prints_a_page_that_man_renders_with_every_subcommand() {
    let out = Command::new(common::bin()).arg("man").output().unwrap();
    assert!(out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("whytop.1");
    std::fs::write(&page, &out.stdout).unwrap();
    // groff (man's renderer) reads the page as a user's `man` would.
    let shown = Command::new("man")
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .arg("-l")
        .arg(&page)
        .output();
    let text = match shown {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
        // No man here (a minimal image): the roff itself must still hold it.
        _ => String::from_utf8_lossy(&out.stdout).into_owned(),
    };
    for section in ["WHYTOP STOP", "WHYTOP WHY", "WHYTOP COMPLETIONS", "--delay"] {
        assert!(
            text.replace("\\-", "-").contains(section),
            "the page lacks {section}"
        );
    }
}
