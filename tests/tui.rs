//! The real binary in a real terminal: tmux send-keys and capture-pane.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

mod common;

use common::{Proc, Tmux, marker};
use std::process::Command;

/// A parent (bash, renamed `<tag>dad`) with one child (`sleep`, renamed `<tag>kid`).
fn family(tag: &str) -> (Proc, String) {
    let kid = format!("{tag}kid");
    // bash renamed `<tag>dad` forks (the `; true` keeps it from exec'ing) a sleep renamed `<tag>kid`.
    let script = format!("exec -a {tag}dad bash -c 'bash -c \"exec -a {kid} sleep 300\"; true'");
    let parent = Proc::spawn_group(Command::new("bash").args(["-c", &script]));
    // The parent's command line names the kid too; the kid's own line ends in its argument.
    (parent, format!("{kid} 300"))
}

fn start(t: &Tmux, args: &str) {
    start_with_env(t, "", args);
}

/// As `start`, with `env` (`NAME=value ...`) in whytop's environment.
fn start_with_env(t: &Tmux, env: &str, args: &str) {
    t.type_text(&format!("{env} {} -d 5 {args}", common::bin()));
    t.keys(&["Enter"]);
    t.wait_screen("whytop's table", |s| {
        s.contains("PID") && s.contains("COMMAND") && s.contains("Load average")
    });
}

fn line_of<'a>(screen: &'a str, needle: &str) -> Option<(usize, &'a str)> {
    screen.lines().enumerate().find(|(_, l)| l.contains(needle))
}

#[test]
fn shows_filters_sorts_trees_and_quits() {
    let tag = marker("fam");
    let (parent, kid) = family(&tag);
    let t = Tmux::shell(160, 45);
    start(&t, "");

    // The filter (F4, as htop's) finds our processes and nothing else of the
    // machine: every row of the table (below its column titles, above the
    // status line) is ours.
    t.keys(&["F4"]);
    t.type_text(&tag);
    t.wait_screen("the filtered pair and nothing else", |s| {
        let lines: Vec<&str> = s.lines().collect();
        let Some(titles) = lines
            .iter()
            .position(|l| l.contains("PID") && l.contains("COMMAND"))
        else {
            return false;
        };
        let rows = &lines[titles + 1..lines.len().saturating_sub(1)];
        s.contains(&format!("{tag}dad"))
            && s.contains(&kid)
            && rows
                .iter()
                .filter(|l| !l.trim().is_empty())
                .all(|l| l.contains(&tag))
    });
    t.keys(&["Enter"]);

    // Sort by PID (F6, first entry): parent before child; I reverses it.
    t.keys(&["F6"]);
    t.wait_screen("the sort menu", |s| s.contains("Sort by"));
    t.keys(&["Home", "Enter"]);
    let s = t.wait_screen("PID order", |s| {
        let (Some((d, _)), Some((k, _))) = (line_of(s, &format!("{tag}dad")), line_of(s, &kid))
        else {
            return false;
        };
        !s.contains("Sort by") && d < k
    });
    assert!(s.contains("PID△"), "{s}");
    t.keys(&["I"]);
    t.wait_screen("reversed PID order", |s| {
        let (Some((d, _)), Some((k, _))) = (line_of(s, &format!("{tag}dad")), line_of(s, &kid))
        else {
            return false;
        };
        s.contains("PID▽") && k < d
    });

    // Tree: the child sits right under its parent, one level deeper.
    t.keys(&["t"]);
    let s = t.wait_screen("the tree", |s| s.contains("tree view") && s.contains(&kid));
    let (d, dad_line) = line_of(&s, &format!("{tag}dad")).expect("parent shown");
    let (k, kid_line) = line_of(&s, &kid).expect("child shown");
    assert_eq!(k, d + 1, "child right below parent:\n{s}");
    let indent = |l: &str, n: &str| l.find(n).unwrap();
    assert!(
        indent(kid_line, &kid) > indent(dad_line, &format!("{tag}dad")),
        "child deeper:\n{s}"
    );
    assert!(kid_line.contains("└─"), "tree guide:\n{s}");
    assert!(
        kid_line.contains(&parent.pid().to_string())
            || dad_line.contains(&parent.pid().to_string())
    );

    // q quits, the terminal is restored and the shell prompt is back.
    t.keys(&["q"]);
    let s = t.wait_screen("the prompt again", |s| s.trim_end().ends_with("READY$"));
    assert!(!s.contains("COMMAND"), "alternate screen left:\n{s}");
}

#[test]
fn help_detail_and_terminal_restored_on_sigterm() {
    let tag = marker("one");
    let p = common::tagged_sleep(&tag);
    let t = Tmux::shell(140, 40);
    start(&t, &format!("--sort pid --filter {tag}"));
    t.wait_screen("our sleep", |s| s.contains(&format!("{tag} 300")));
    t.keys(&["F1"]);
    t.wait_screen("help", |s| {
        s.contains("In normal mode") && s.contains("tree view on/off")
    });
    t.keys(&["Escape"]);
    t.wait_screen("help closed", |s| !s.contains("In normal mode"));
    t.keys(&["Enter"]);
    let s = t.wait_screen("the detail pane with exe and cwd", |s| {
        s.contains("Details")
            && (s.contains("Exe      /usr/bin/sleep") || s.contains("Exe      /bin/sleep"))
    });
    assert!(s.contains(&format!("pid {}", p.pid())), "{s}");
    assert!(s.contains("Parents"), "{s}");
    // SIGTERM: whytop leaves cleanly and the shell gets its screen back.
    let pid = whytop_pid(&t);
    // SAFETY: kill has no memory preconditions; pid is the whytop this test started.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    t.wait_screen("the prompt after SIGTERM", |s| {
        s.trim_end().ends_with("READY$") && !s.contains("Details")
    });
}

#[test]
fn ctrl_z_suspends_and_fg_resumes() {
    let t = Tmux::shell(120, 35);
    start(&t, "");
    let pid = whytop_pid(&t);
    t.keys(&["C-z"]);
    t.wait_screen("the job stopped", |s| {
        s.contains("Stopped") && s.trim_end().ends_with("READY$")
    });
    // The terminal shrinks while whytop is stopped: it must draw at the new size.
    t.resize(90, 24);
    t.type_text("fg");
    t.keys(&["Enter"]);
    let s = t.wait_screen("whytop back at the new size", |s| {
        s.contains("Load average") && s.contains("COMMAND") && s.contains("shown")
    });
    assert!(s.lines().count() <= 24, "{s}");
    assert!(
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z ")),
        "whytop still runs: {s}"
    );
    // Resized under it while running, many times: still alive, still drawing.
    for i in 0..20u16 {
        t.resize(70 + i * 3, 20 + i % 7);
    }
    t.resize(120, 35);
    t.wait_screen("whytop after the resizes", |s| {
        s.contains("COMMAND") && s.lines().count() >= 30
    });
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

#[test]
fn sigint_and_sigquit_leave_with_the_terminal_restored() {
    for sig in [libc::SIGINT, libc::SIGQUIT] {
        let t = Tmux::shell(120, 35);
        start(&t, "");
        assert_eq!(t.pane_format("#{alternate_on}"), "1");
        let pid = whytop_pid(&t);
        // SAFETY: kill has no memory preconditions; pid is the whytop this test started.
        unsafe { libc::kill(pid, sig) };
        t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
        common::wait_for("the normal screen back", || {
            match t
                .pane_format("#{alternate_on} #{cursor_flag} #{mouse_any_flag}")
                .as_str()
            {
                "0 1 0" => Ok(()),
                other => Err(other.to_string()),
            }
        });
    }
}

#[test]
fn other_terminating_signals_leave_with_the_terminal_restored() {
    for sig in [libc::SIGUSR1, libc::SIGALRM] {
        let t = Tmux::shell(120, 35);
        start(&t, "");
        assert_eq!(t.pane_format("#{alternate_on} #{mouse_any_flag}"), "1 1");
        let pid = whytop_pid(&t);
        // SAFETY: kill has no memory preconditions; pid is the whytop this test started.
        unsafe { libc::kill(pid, sig) };
        t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
        common::wait_for("the normal screen back", || {
            match t
                .pane_format("#{alternate_on} #{cursor_flag} #{mouse_any_flag}")
                .as_str()
            {
                "0 1 0" => Ok(()),
                other => Err(format!("signal {sig}: {other}")),
            }
        });
    }
}

/// The whytop process running in the pane (the shell's child).
fn whytop_pid(t: &Tmux) -> i32 {
    let shell = t.pane_pid();
    common::wait_for("whytop's pid", || {
        let kids = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
            .map_err(|e| e.to_string())?;
        kids.split_whitespace()
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or(kids)
    })
}

/// A parent and child that both ignore SIGTERM, so the ladder has to climb.
fn stubborn_family(tag: &str) -> (Proc, String) {
    let kid = format!("{tag}kid");
    let script = format!(
        "trap '' TERM; exec -a {tag}dad bash -c 'bash -c \"exec -a {kid} sleep 300\"; true'"
    );
    (
        Proc::spawn_group(Command::new("bash").args(["-c", &script])),
        format!("{kid} 300"),
    )
}

fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|s| !s.contains(") Z ") && !s.contains(") X "))
}

#[test]
fn stop_flow_confirm_progress_kill_now_rows_gone_and_audited() {
    let tag = marker("stop");
    let (mut parent, kid) = stubborn_family(&tag);
    let data = tempfile::tempdir().unwrap();
    let t = Tmux::shell(150, 40);
    t.whytop(data.path(), &format!("--sort pid --filter {tag}"));
    t.wait_screen("both rows", |s| {
        s.contains(&format!("{tag}dad")) && s.contains(&kid)
    });
    // The cursor starts on the first row: the parent (lower pid).
    t.keys(&["x"]);
    let s = t.wait_screen("the confirmation", |s| s.contains("Stop 2 processes"));
    assert!(
        s.contains(&parent.pid().to_string()) && s.contains("1 descendant "),
        "{s}"
    );
    t.keys(&["y"]);
    t.wait_screen("the progress pane", |s| {
        s.contains("Stopping: TERM 5s") && s.contains("step 1/3")
    });
    t.keys(&["X"]);
    let s = t.wait_screen("the outcome", |s| s.contains("stopped in"));
    assert!(s.contains("SIGKILL"), "{s}");
    t.wait_screen("the child's row gone", |s| !s.contains(&kid));
    // The parent is this test's child: a zombie until reaped here, then its row goes too.
    common::wait_for("the parent exited", || {
        parent
            .0
            .try_wait()
            .map_err(|e| e.to_string())?
            .ok_or("alive".to_string())
    });
    t.wait_screen("the parent's row gone", |s| {
        !s.contains(&format!("{tag}dad"))
    });
    assert!(!alive(parent.pid()));
    let audit = std::fs::read_to_string(data.path().join("audit.jsonl")).unwrap();
    assert!(
        audit.contains("\"action\":\"stop\"")
            && audit.contains(&format!("\"pid\":{}", parent.pid())),
        "{audit}"
    );
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

#[test]
fn quitting_during_a_stop_asks_then_cancels_it_and_audits_the_outcome() {
    let tag = marker("quitstop");
    let (parent, kid) = stubborn_family(&tag);
    let data = tempfile::tempdir().unwrap();
    let t = Tmux::shell(150, 40);
    t.whytop(data.path(), &format!("--sort pid --filter {tag}"));
    t.wait_screen("both rows", |s| {
        s.contains(&format!("{tag}dad")) && s.contains(&kid)
    });
    t.keys(&["x"]);
    t.wait_screen("the confirmation", |s| s.contains("Stop 2 processes"));
    // `t`: this process only; its child is left alone.
    t.keys(&["t"]);
    t.wait_screen("the narrowed confirmation", |s| {
        s.contains("Stop 1 process")
    });
    t.keys(&["y"]);
    t.wait_screen("the progress pane", |s| s.contains("step 1/3"));
    t.keys(&["q"]);
    t.wait_screen("the question", |s| s.contains("quit again to cancel it"));
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
    assert!(
        alive(parent.pid()),
        "the parent ignores TERM and was left running"
    );
    let audit: Vec<serde_json::Value> = std::fs::read_to_string(data.path().join("audit.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert_eq!(audit[0]["outcome"], "started");
    assert_eq!(audit[0]["params"]["tree"], false, "{audit:?}");
    assert_eq!(audit[0]["targets"].as_array().unwrap().len(), 1);
    assert_eq!(audit[1]["outcome"]["cancelled"], true, "{audit:?}");
    assert!(ps_has(&kid), "the child was not a target");
}

/// Some live process's command line is `cmd`.
fn ps_has(cmd: &str) -> bool {
    std::fs::read_dir("/proc").unwrap().flatten().any(|e| {
        std::fs::read(e.path().join("cmdline"))
            .is_ok_and(|c| String::from_utf8_lossy(&c).replace('\0', " ").trim() == cmd)
    })
}

#[test]
fn renice_and_signal_keys_and_the_audit_pane() {
    let tag = marker("nice");
    let p = common::tagged_sleep(&tag);
    let data = tempfile::tempdir().unwrap();
    let t = Tmux::shell(150, 40);
    t.whytop(data.path(), &format!("--sort pid --filter {tag}"));
    t.wait_screen("our sleep", |s| s.contains(&format!("{tag} 300")));
    t.keys(&["F8"]);
    t.wait_screen("nice applied", |s| {
        s.contains(&format!("pid {}: nice 1", p.pid()))
    });
    // The prompt holds the current value, selected: typing replaces it.
    t.keys(&["="]);
    t.wait_screen("the nice prompt", |s| {
        s.contains("Nice (-20..19, Enter sets): 1")
    });
    t.type_text("5");
    t.keys(&["Enter"]);
    t.wait_screen("nice 5", |s| {
        s.contains(&format!("pid {}: nice 5", p.pid()))
    });
    let nice = std::fs::read_to_string(format!("/proc/{}/stat", p.pid())).unwrap();
    assert_eq!(
        nice.rsplit(')').next().unwrap().split_whitespace().nth(16),
        Some("5")
    );
    // F9, the signal menu: STOP is a few rows below TERM.
    t.keys(&["z"]);
    t.wait_screen("SIGSTOP sent", |s| s.contains("sent SIGSTOP"));
    t.wait_screen("state T and WHY stopped", |s| {
        s.lines()
            .any(|l| l.contains(&format!("{tag} 300")) && l.contains("stopped"))
    });
    t.keys(&["F9"]);
    t.wait_screen("the signal menu", |s| {
        s.contains("Send signal") && s.contains("SIGTERM")
    });
    t.keys(&["Escape"]);
    t.wait_screen("menu closed", |s| !s.contains("Send signal"));
    t.keys(&["r"]);
    t.wait_screen("SIGCONT sent", |s| s.contains("sent SIGCONT"));
    t.keys(&["y"]);
    t.wait_screen("policy batch", |s| s.contains("policy batch"));
    t.keys(&["Enter"]);
    t.wait_screen("the detail's sched line", |s| {
        s.contains("nice 5  policy batch")
    });
    t.keys(&["Escape"]);
    t.wait_screen("detail closed", |s| !s.contains("Details (Esc closes)"));
    t.keys(&["A"]);
    // Waited for whole: a capture can land mid-draw, with the pane half painted.
    t.wait_screen("the audit pane with both renices and the sched", |s| {
        s.contains("Audit log")
            && s.matches("renice").count() >= 2
            && s.contains("signal")
            && s.contains("sched")
    });
    t.keys(&["Escape"]);
    // Esc then a key at once reads as Alt-key: wait for the pane to close.
    t.wait_screen("the pane closed", |s| {
        s.contains("COMMAND") && !s.contains("Audit log")
    });
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

#[test]
fn why_column_filter_and_detail_evidence() {
    let tag = marker("whycol");
    let p = common::tagged_sleep(&tag);
    let t = Tmux::shell(160, 45);
    start(&t, "");
    t.keys(&["F4"]);
    t.type_text(&format!("why:timer {tag}"));
    t.keys(&["Enter"]);
    let s = t.wait_screen("our sleep as timer", |s| {
        s.lines()
            .any(|l| l.contains(&format!("{tag} 300")) && l.contains("timer"))
    });
    assert!(s.contains("WHY"), "{s}");
    t.keys(&["Enter"]);
    let s = t.wait_screen("the verdict with evidence", |s| {
        s.contains("Why      timer") && s.contains("nanosleep")
    });
    assert!(s.contains(&format!("pid {}", p.pid())), "{s}");
    assert!(s.contains("Evidence") && s.contains("wchan"), "{s}");
    t.keys(&["Escape"]);
    t.wait_screen("detail closed", |s| !s.contains("Details (Esc closes)"));
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

#[test]
fn log_pane_follows_and_snapshot_key_saves_a_bundle() {
    let w = LogWriter::start("logs", "echo first line", "echo ERROR second line");
    let t = w.log_pane((150, 40), "first line");
    w.go();
    t.wait_screen("the new line", |s| s.contains("ERROR second line"));
    t.keys(&["/"]);
    t.type_text("second");
    t.keys(&["Enter"]);
    t.wait_screen("filtered", |s| {
        s.contains("ERROR second line") && !s.contains("first line")
    });
    t.keys(&["Escape"]);
    t.wait_screen("the pane closed", |s| !s.contains("Log of"));
    t.keys(&["S"]);
    let s = t.wait_screen("the bundle saved", |s| s.contains("saved:"));
    assert!(
        s.contains(&w.dir.path().display().to_string()) || s.contains("snapshots"),
        "{s}"
    );
    let saved = std::fs::read_dir(w.dir.path().join("snapshots"))
        .unwrap()
        .count();
    assert_eq!(saved, 1);
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

#[test]
fn log_pane_paused_with_a_filter_keeps_its_lines_and_resumes_at_the_newest() {
    // Three lines the filter keeps; on `go`, 300 it hides and one more it keeps.
    let w = LogWriter::start(
        "logpause",
        "for i in 1 2 3; do echo keep $i; done",
        "i=0; while [ $i -lt 300 ]; do echo noise $i; i=$((i+1)); done; echo keep late",
    );
    let t = w.log_pane((120, 30), "keep 3");
    t.keys(&["/"]);
    t.type_text("keep");
    t.keys(&["Enter"]);
    t.wait_screen("the filter", |s| s.contains("filter \"keep\""));
    t.keys(&["Space"]);
    t.wait_screen("paused", |s| s.contains("paused"));
    w.go();
    let s = t.wait_screen("every new line taken in", |s| s.contains("304 lines"));
    assert!(
        s.contains("keep 1") && s.contains("keep 3"),
        "paused, the screen keeps its lines:\n{s}"
    );
    assert!(!s.contains("keep late") && !s.contains("noise"), "{s}");
    t.keys(&["Space"]);
    let s = t.wait_screen("resumed at the newest", |s| {
        s.contains("following") && s.contains("keep late")
    });
    assert!(s.contains("keep 1") && !s.contains("noise"), "{s}");
    t.keys(&["Escape"]);
    // Esc then a key at once reads as Alt-key: wait for the pane to close.
    t.wait_screen("the pane closed", |s| {
        s.contains("COMMAND") && !s.contains("Log of")
    });
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

#[test]
fn log_pane_shows_a_partial_line_and_completes_it_in_place() {
    let w = LogWriter::start("logpart", "echo first; printf \"half a\"", "echo \" line\"");
    let t = w.log_pane((120, 30), "half a");
    w.go();
    let s = t.wait_screen("the line completed", |s| s.contains("half a line"));
    assert!(
        s.contains("; 2 lines"),
        "completed in place, not added:\n{s}"
    );
    t.keys(&["Escape"]);
    t.wait_screen("the pane closed", |s| {
        s.contains("COMMAND") && !s.contains("Log of")
    });
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

#[test]
fn capture_pane_shows_parsed_stacks_and_the_raw_text() {
    let tag = marker("cap");
    let p = common::tagged_sleep(&tag);
    let data = tempfile::tempdir().unwrap();
    let t = Tmux::shell(150, 45);
    t.whytop(data.path(), &format!("--sort pid --filter {tag}"));
    t.wait_screen("our sleep", |s| s.contains(&format!("{tag} 300")));
    t.keys(&["s"]);
    let s = t.wait_screen("the parsed stacks", |s| {
        s.contains("Stacks of") && s.contains("stacks by") && s.contains("hottest frames")
    });
    assert!(s.contains("nanosleep"), "{s}");
    assert!(s.contains(&p.pid().to_string()));
    // The verdict the capture gives leads the pane, with what decided it.
    assert!(s.contains("why: timer"), "{s}");
    assert!(s.contains("because: "), "{s}");
    t.keys(&["R"]);
    t.wait_screen("the raw text", |s| s.contains("=== kernel ==="));
    t.keys(&["Escape"]);
    t.wait_screen("the pane closed", |s| !s.contains("Stacks of"));
    assert_eq!(
        std::fs::read_dir(data.path().join("captures"))
            .unwrap()
            .count(),
        1
    );
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

/// A shell (its argv[0] a unique tag) writing to a log file: `before`, then,
/// once the test says go, `after`; then it sleeps. Its data dir is whytop's.
struct LogWriter {
    tag: String,
    dir: tempfile::TempDir,
    _p: Proc,
}

impl LogWriter {
    fn start(name: &str, before: &str, after: &str) -> LogWriter {
        let tag = marker(name);
        let dir = tempfile::tempdir().unwrap();
        let script = format!(
            "exec -a {tag} sh -c 'exec >{log} 2>&1; {before}; while [ ! -e {go} ]; do sleep 0.05; done; {after}; sleep 300'",
            log = dir.path().join("app.log").display(),
            go = dir.path().join("go").display()
        );
        let p = Proc::spawn_group(Command::new("bash").args(["-c", &script]));
        LogWriter { tag, dir, _p: p }
    }

    fn go(&self) {
        std::fs::write(self.dir.path().join("go"), "").unwrap();
    }

    /// whytop filtered to the writer, its log pane open once `first` shows.
    fn log_pane(&self, (w, h): (u16, u16), first: &str) -> Tmux {
        let tag = &self.tag;
        let t = Tmux::shell(w, h);
        t.whytop(self.dir.path(), &format!("--sort pid --filter {tag}"));
        // Its row, not just the tag (the status line shows the filter before the
        // first refresh has any row to select).
        t.wait_screen("our writer", |s| s.contains(&format!("{tag} -c exec")));
        t.keys(&["l"]);
        t.wait_screen("the log pane with the backlog", |s| {
            s.contains("Log of") && s.contains(first)
        });
        t
    }
}

/// `/` searches (the cursor jumps, nothing is hidden); F4 filters (hides).
#[test]
fn search_jumps_to_a_match_while_the_filter_hides() {
    let tag = marker("srch");
    let (_parent, kid) = family(&tag);
    let t = Tmux::shell(150, 40);
    start(&t, &format!("--sort pid --filter {tag}"));
    t.wait_screen("both rows", |s| {
        s.contains(&format!("{tag}dad")) && s.contains(&kid)
    });
    let kid_pid = common::descendant_named(_parent.pid(), "sleep");
    t.keys(&["/"]);
    // The parent's command line names the kid too; only the kid's ends in its argument.
    t.type_text(&kid);
    t.wait_screen("the search prompt", |s| {
        s.contains(&format!("Search: {kid}"))
    });
    t.keys(&["Enter", "Enter"]);
    let s = t.wait_screen("the kid's details", |s| {
        s.contains(&format!("Process  pid {kid_pid} "))
    });
    assert!(
        s.contains(&format!("{tag}dad")),
        "the search hid nothing:\n{s}"
    );
    t.keys(&["Escape"]);
    t.keys(&["F4", "C-u"]);
    t.type_text(&format!("why:timer {tag}"));
    t.keys(&["Enter"]);
    t.wait_screen("the filter hides the parent", |s| {
        s.contains(&kid) && !s.contains(&format!("{tag}dad ")) && s.contains("1 shown")
    });
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

/// `x` on the shell whytop runs in: its tree holds whytop, so the dialog
/// offers the shell alone and says why, rather than refusing with whytop's pid.
#[test]
fn a_stop_whose_tree_holds_whytop_offers_the_process_alone() {
    let t = Tmux::shell(150, 40);
    let shell = t.pane_pid();
    // By pid the shell is the first row (whytop, its child, came later).
    start(&t, &format!("--sort pid --filter {shell}"));
    t.wait_screen("the shell's row", |s| {
        s.lines()
            .any(|l| l.trim_start().starts_with(&format!("{shell} ")))
    });
    t.keys(&["x"]);
    let s = t.wait_screen("the confirmation", |s| s.contains("Stop 1 process"));
    assert!(
        s.contains("this process only:")
            && s.contains(&format!("the tree of pid {shell} holds whytop itself")),
        "{s}"
    );
    t.keys(&["n"]);
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
    assert!(std::path::Path::new(&format!("/proc/{shell}")).exists());
}

/// htop's `-p PID,...` and `-u USER`: only those processes, and the footer says so.
#[test]
fn dash_p_and_dash_u_show_only_those_processes() {
    let tag = marker("onlyp");
    let (parent, kid) = family(&tag);
    let t = Tmux::shell(150, 40);
    start(&t, &format!("-p {},999999", parent.pid()));
    let s = t.wait_screen("the parent alone", |s| {
        s.contains(&format!("{tag}dad")) && s.contains("1 shown")
    });
    assert!(
        !s.contains(&kid) && s.contains(&format!("pids: {},999999", parent.pid())),
        "{s}"
    );
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
    start(&t, &format!("-u nobody --filter {tag}"));
    t.wait_screen("nobody's processes: none of ours", |s| {
        s.contains("0 shown") && s.contains("user: nobody")
    });
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

/// htop's `u`: a menu of the users, everyone's first; the pick shows only
/// that user's processes and the footer says whose; the first line undoes it.
#[test]
fn u_picks_a_user_from_a_menu_and_shows_only_theirs() {
    let tag = marker("userm");
    let (_parent, _kid) = family(&tag);
    let _nob = Proc::spawn(Command::new("setpriv").args([
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "bash",
        "-c",
        &format!("exec -a {tag}nob sleep 300"),
    ]));
    let t = Tmux::shell(150, 40);
    start(&t, &format!("--filter {tag}"));
    t.wait_screen("root's and nobody's", |s| {
        s.contains(&format!("{tag}dad")) && s.contains(&format!("{tag}nob"))
    });
    t.keys(&["u"]);
    let s = t.wait_screen("the user menu", |s| {
        s.contains("Show user") && s.lines().any(|l| l.starts_with("│ nobody"))
    });
    // Down from the first line ("All users") to nobody's.
    let menu: Vec<&str> = s.lines().filter(|l| l.starts_with('│')).collect();
    let first = menu.iter().position(|l| l.contains("All users")).unwrap();
    let at = menu.iter().position(|l| l.starts_with("│ nobody")).unwrap();
    for _ in first..at {
        t.keys(&["Down"]);
    }
    t.keys(&["Enter"]);
    let s = t.wait_screen("nobody's alone", |s| {
        s.contains("user: nobody") && s.contains("1 shown") && !s.contains("Show user")
    });
    assert!(
        s.contains(&format!("{tag}nob")) && !s.contains(&format!("{tag}dad")),
        "{s}"
    );
    t.keys(&["u"]);
    t.wait_screen("the menu on nobody", |s| {
        s.lines().any(|l| l.starts_with("│*nobody"))
    });
    t.keys(&["Home", "Enter"]);
    t.wait_screen("everyone's again", |s| {
        s.contains(&format!("{tag}dad"))
            && s.contains(&format!("{tag}nob"))
            && !s.contains("user: nobody")
    });
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

/// The SGR parameters of every escape sequence on the screen, each split at `;`.
fn sgr_params(escaped: &str) -> Vec<Vec<u32>> {
    let sgr = regex::Regex::new(r"\x1b\[([0-9;:]*)m").unwrap();
    sgr.captures_iter(escaped)
        .map(|c| {
            c[1].split([';', ':'])
                .filter_map(|p| p.parse().ok())
                .collect()
        })
        .collect()
}

fn has_colour(params: &[Vec<u32>]) -> bool {
    params
        .iter()
        .flatten()
        .any(|&p| matches!(p, 30..=37 | 38 | 40..=47 | 48 | 90..=97 | 100..=107))
}

#[test]
fn no_color_has_no_colour_only_reverse_and_dash_m_leaves_the_mouse() {
    let t = Tmux::shell(120, 30);
    start(&t, "");
    let coloured = sgr_params(&t.screen_escaped());
    assert!(has_colour(&coloured), "the default theme draws in colour");
    assert_eq!(
        t.pane_format("#{mouse_any_flag}"),
        "1",
        "whytop takes the mouse"
    );
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
    start_with_env(&t, "NO_COLOR=1", "-M");
    let plain = sgr_params(&t.screen_escaped());
    assert!(!has_colour(&plain), "NO_COLOR drew colour: {plain:?}");
    assert!(
        plain.iter().flatten().any(|&p| p == 7),
        "the selection bar is reversed: {plain:?}"
    );
    assert_eq!(
        t.pane_format("#{mouse_any_flag}"),
        "0",
        "-M leaves the mouse"
    );
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

/// Space tags three real sleeps, `x` asks once naming all three, `y` stops
/// them; the untagged sibling beside them lives.
#[test]
fn tagging_three_processes_stops_them_with_one_confirmation() {
    let tag = marker("tags");
    let mut procs: Vec<Proc> = (0..4)
        .map(|i| common::tagged_sleep(&format!("{tag}{i}")))
        .collect();
    let data = tempfile::tempdir().unwrap();
    let t = Tmux::shell(150, 40);
    t.whytop(data.path(), &format!("--sort pid --filter {tag}"));
    let s = t.wait_screen("the four sleeps", |s| {
        (0..4).all(|i| s.contains(&format!("{tag}{i} 300")))
    });
    // Rows in pid order: the first three shown are tagged, the last is not.
    let mut shown: Vec<usize> = (0..4).collect();
    shown.sort_by_key(|&i| line_of(&s, &format!("{tag}{i} 300")).unwrap().0);
    let (tagged, spared) = (&shown[..3], shown[3]);
    t.keys(&["Home", "Space", "Space", "Space"]);
    t.wait_screen("three rows marked", |s| {
        s.lines().filter(|l| l.starts_with('*')).count() == 3
    });
    let s = t.screen();
    assert!(
        !line_of(&s, &format!("{tag}{spared} 300"))
            .unwrap()
            .1
            .starts_with('*'),
        "{s}"
    );
    t.keys(&["x"]);
    let s = t.wait_screen("one confirmation", |s| s.contains("Stop 3 processes"));
    assert!(s.contains("the tagged processes, each alone"), "{s}");
    for &i in tagged {
        let pid = procs[i].pid().to_string();
        assert!(
            s.lines()
                .any(|l| l.contains(&pid) && l.contains(&format!("{tag}{i}"))),
            "pid {pid} listed by pid and name:\n{s}"
        );
    }
    t.keys(&["y"]);
    for &i in tagged {
        let p = &mut procs[i];
        common::wait_for("a tagged sleep exited", || {
            p.0.try_wait()
                .map_err(|e| e.to_string())?
                .ok_or("alive".to_string())
        });
    }
    t.wait_screen("the outcome", |s| s.contains("stopped in"));
    assert!(alive(procs[spared].pid()), "the untagged sibling lives");
    let audit = std::fs::read_to_string(data.path().join("audit.jsonl")).unwrap();
    for &i in tagged {
        assert!(
            audit.contains(&format!("\"pid\":{}", procs[i].pid())),
            "{audit}"
        );
    }
    assert!(
        !audit.contains(&format!("\"pid\":{}", procs[spared].pid())),
        "{audit}"
    );
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

/// The Ended view (`E`) of the real binary: a child that exits 3 and one that
/// kills itself with SIGSEGV, both seen alive first, then ended by the test
/// (and reaped by it, after sitting as zombies); as root their exit code and
/// signal come from the kernel. Twenty `true`s the refresh never sees are
/// counted under their parent, this test.
#[test]
fn the_ended_view_says_how_each_process_ended() {
    let tag = marker("ended");
    let dir = tempfile::tempdir().unwrap();
    let go = dir.path().join("go");
    let child = |name: &str, end: &str| {
        let code = format!(
            "import os, resource, sys, time\nresource.setrlimit(resource.RLIMIT_CORE, (0, 0))\nwhile not os.path.exists({go:?}): time.sleep(0.05)\n{end}"
        );
        // argv[0] is the tag, so the command line starts with it.
        use std::os::unix::process::CommandExt;
        Proc::spawn(
            Command::new(common::python())
                .arg0(format!("{tag}{name}"))
                .args(["-c", &code]),
        )
    };
    let mut three = child("three", "sys.exit(3)");
    let mut segv = child("segv", "os.kill(os.getpid(), 11)");
    let t = Tmux::shell(200, 50);
    start(&t, &format!("--filter {tag}"));
    t.wait_screen("both children", |s| {
        s.contains(&format!("{tag}three")) && s.contains(&format!("{tag}segv"))
    });
    std::fs::write(&go, "").unwrap();
    // Zombies until reaped: whytop keeps the kernel's word for them meanwhile.
    t.wait_screen("two zombies", |s| s.matches(" Z ").count() >= 2);
    let status_three = three.0.wait().unwrap();
    let status_segv = segv.0.wait().unwrap();
    assert_eq!(status_three.code(), Some(3));
    assert!(status_segv.code().is_none());
    for _ in 0..20 {
        Command::new("true").status().unwrap();
    }
    t.wait_screen("both gone from the table", |s| {
        !s.contains(&format!("{tag}three")) && !s.contains(&format!("{tag}segv"))
    });
    t.keys(&["E"]);
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let me = std::process::id();
    let s = t.wait_screen("the Ended view with both", |s| {
        s.contains("Ended (newest first")
            && s.contains(&format!("{tag}three"))
            && s.contains(&format!("{tag}segv"))
    });
    let line = |name: &str| {
        s.lines()
            .find(|l| l.contains(&format!("{tag}{name}")))
            .unwrap()
            .to_string()
    };
    if root {
        assert!(line("three").contains("exit 3"), "{s}");
        assert!(line("segv").contains("killed by SIGSEGV"), "{s}");
        assert!(!line("segv").contains("core dumped"), "{s}");
        let counted = s
            .lines()
            .find(|l| l.contains("Ended before a refresh saw them"))
            .and_then(|l| {
                let at = l.find(&format!(" {me}: "))?;
                let rest = &l[at + format!(" {me}: ").len()..];
                rest.split(|c: char| !c.is_ascii_digit())
                    .next()?
                    .parse::<u64>()
                    .ok()
            });
        assert!(
            counted.is_some_and(|n| n >= 10),
            "the test's short-lived children counted under it ({me}):\n{s}"
        );
    } else {
        assert!(line("three").contains("gone"), "{s}");
        assert!(s.contains("is known as root on Linux"), "{s}");
    }
    t.keys(&["Escape"]);
    t.wait_screen("the table again", |s| !s.contains("Ended (newest first"));
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

/// `--theme mono` draws no colour, `--theme light` and a config's
/// `theme = "light"` draw the light palette (its 256-colour tones).
#[test]
fn theme_flag_and_config_theme() {
    let light_tone = |p: &[Vec<u32>]| {
        p.iter()
            .any(|s| s.windows(3).any(|w| w[0] == 38 && w[1] == 5 && w[2] == 130))
    };
    let t = Tmux::shell(120, 30);
    start(&t, "--theme mono");
    let mono = sgr_params(&t.screen_escaped());
    assert!(!has_colour(&mono), "mono drew colour: {mono:?}");
    assert!(mono.iter().flatten().any(|&p| p == 7), "reverse stays");
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
    // The CPU meters' yellow and the WHY column's colours, in darker tones.
    let busy = Proc::spawn(Command::new("sh").args(["-c", "while :; do :; done"]));
    start(&t, "--theme light");
    t.wait_screen("light tones", |_| {
        light_tone(&sgr_params(&t.screen_escaped()))
    });
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("light.toml");
    std::fs::write(&file, "theme = \"light\"\n").unwrap();
    start(&t, &format!("--config {}", file.display()));
    t.wait_screen("light tones from the config", |_| {
        light_tone(&sgr_params(&t.screen_escaped()))
    });
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
    drop(busy);
}

/// A user theme from $XDG_CONFIG_HOME/whytop/themes: `--theme dusk` draws the
/// titles in its `#d7875f`, as RGB where COLORTERM says truecolor, else as
/// the 256-colour palette's 173; the config's `theme = "dusk"` likewise.
#[test]
fn a_user_theme_in_truecolor_and_256_colours() {
    let sgr_has =
        |p: &[Vec<u32>], want: &[u32]| p.iter().any(|s| s.windows(want.len()).any(|w| w == want));
    let home = tempfile::tempdir().unwrap();
    let themes = home.path().join("whytop/themes");
    std::fs::create_dir_all(&themes).unwrap();
    let dusk = include_str!("../config/themes/dusk.toml");
    std::fs::write(themes.join("dusk.toml"), dusk).unwrap();
    let xdg = format!("XDG_CONFIG_HOME={}", home.path().display());
    let t = Tmux::shell(120, 30);
    start_with_env(&t, &format!("{xdg} COLORTERM=truecolor"), "--theme dusk");
    t.wait_screen("the titles in RGB", |_| {
        sgr_has(&sgr_params(&t.screen_escaped()), &[48, 2, 215, 135, 95])
    });
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
    start_with_env(&t, &format!("{xdg} COLORTERM="), "--theme dusk");
    t.wait_screen("the titles in the 256-colour palette", |_| {
        let p = sgr_params(&t.screen_escaped());
        sgr_has(&p, &[48, 5, 173])
            && !p
                .iter()
                .any(|s| s.windows(2).any(|w| w == [48, 2] || w == [38, 2]))
    });
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
    std::fs::write(home.path().join("whytop/config.toml"), "theme = \"dusk\"\n").unwrap();
    start_with_env(&t, &format!("{xdg} COLORTERM=24bit"), "");
    t.wait_screen("the config's user theme", |_| {
        sgr_has(&sgr_params(&t.screen_escaped()), &[48, 2, 215, 135, 95])
    });
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

/// `Z` freezes the table: a process killed meanwhile stays on screen, marked
/// FROZEN; `Z` again resumes and it is gone.
#[test]
fn z_freezes_the_table_and_resumes() {
    let tag = marker("frz");
    let sleeper = common::tagged_sleep(&tag);
    let t = Tmux::shell(140, 30);
    start(&t, "");
    t.keys(&["F4"]);
    t.type_text(&tag);
    t.keys(&["Enter"]);
    let row = format!("{tag} 300");
    t.wait_screen("our sleep listed", |s| s.contains(&row));
    t.keys(&["Z"]);
    t.wait_screen("the FROZEN mark", |s| {
        s.contains("FROZEN") && s.contains(&row)
    });
    let pid = sleeper.pid();
    drop(sleeper); // killed and reaped
    assert!(!alive(pid));
    // Six refreshes (-d 5) and more: the table keeps the moment it froze.
    let until = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while std::time::Instant::now() < until {
        let s = t.screen();
        assert!(s.contains(&row) && s.contains("FROZEN"), "frozen:\n{s}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    t.keys(&["Z"]);
    t.wait_screen("resumed without the killed sleep", |s| {
        !s.contains("FROZEN") && !s.contains(&row) && s.contains("PID")
    });
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}

/// The Ended view of the real binary says "killed by the OOM killer" (with
/// the memory cgroup) for a child that allocated without end in a 32 MiB
/// cgroup, and "stopped by whytop's ladder at SIGTERM step" for one that
/// `whytop stop` ended (its audit record, by pid and start time). Not root:
/// the view says plainly that OOM kills are not known.
#[test]
fn the_ended_view_says_oom_kills_and_ladder_steps() {
    let tag = marker("endhow");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let t = Tmux::shell(220, 50);
    if !root {
        start_with_env(
            &t,
            &format!("WHYTOP_DATA_DIR={}", data.display()),
            &format!("--filter {tag}"),
        );
        t.keys(&["E"]);
        t.wait_screen("the Ended view's word on OOM kills", |s| {
            s.contains("Whether the OOM killer ended one") && s.contains("here it is not known")
        });
        t.keys(&["Escape", "q"]);
        return;
    }
    let name = format!("whytop-test-tui-oom-{}", std::process::id());
    let cg = common::memcg::MemoryCgroup::new(&name, 32 << 20)
        .unwrap_or_else(|why| panic!("a memory cgroup for the OOM test: {why}"));
    let go = dir.path().join("go");
    let hog_code = "import os, sys, time\nwith open(sys.argv[1], 'w') as f: f.write(str(os.getpid()))\nwhile not os.path.exists(sys.argv[2]): time.sleep(0.05)\nhog = []\nwhile True: hog.append(b'x' * (1 << 20))\n";
    use std::os::unix::process::CommandExt;
    let mut hog = Proc::spawn(
        Command::new(common::python())
            .arg0(format!("{tag}hog"))
            .args(["-c", hog_code])
            .arg(cg.procs())
            .arg(&go),
    );
    let mut sleeper =
        Proc::spawn(Command::new("bash").args(["-c", &format!("exec -a {tag}sleeper sleep 300")]));
    start_with_env(
        &t,
        &format!("WHYTOP_DATA_DIR={}", data.display()),
        &format!("--filter {tag}"),
    );
    t.wait_screen("both children", |s| {
        s.contains(&format!("{tag}hog")) && s.contains(&format!("{tag}sleeper"))
    });
    std::fs::write(&go, "").unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(hog.0.wait().unwrap().signal(), Some(libc::SIGKILL));
    let o = Command::new(common::bin())
        .env("WHYTOP_DATA_DIR", &data)
        .args([
            "stop",
            &sleeper.pid().to_string(),
            "--ladder",
            "TERM:5,KILL:1",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    sleeper.0.wait().unwrap();
    t.wait_screen("both gone from the table", |s| {
        !s.contains(&format!("{tag}hog")) && !s.contains(&format!("{tag}sleeper"))
    });
    t.keys(&["E"]);
    let s = t.wait_screen("the Ended view with how both ended", |s| {
        let line = |name: &str| {
            s.lines()
                .find(|l| l.contains(&format!("{tag}{name}")))
                .unwrap_or_default()
                .to_string()
        };
        line("hog").contains(&format!(
            "killed by the OOM killer (memory cgroup {})",
            cg.name
        )) && line("sleeper").contains("stopped by whytop's ladder at SIGTERM step")
    });
    assert!(!s.contains("here it is not known"), "{s}");
    t.keys(&["Escape"]);
    t.wait_screen("the table again", |s| !s.contains("Ended (newest first"));
    t.keys(&["q"]);
    t.wait_screen("the prompt", |s| s.trim_end().ends_with("READY$"));
}
