//! `whytop logs`: following a process's output files, and saying why not.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure

mod common;

use common::{Proc, wait_for};
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::sync::mpsc;

#[test]
fn follows_new_lines_of_a_file_and_ends_when_the_process_exits() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    let go = dir.path().join("go");
    let stop = dir.path().join("stop");
    // Writes an old line, then a new one once `go` exists, then exits once `stop` exists.
    let script = format!(
        "exec >{log} 2>&1; echo old line; while [ ! -e {go} ]; do sleep 0.05; done; echo ERROR new line; while [ ! -e {stop} ]; do sleep 0.05; done",
        log = log.display(),
        go = go.display(),
        stop = stop.display()
    );
    let writer = Proc::spawn(Command::new("sh").args(["-c", &script]));
    wait_for("the old line", || {
        std::fs::read_to_string(&log)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                if t.contains("old line") {
                    Ok(())
                } else {
                    Err(t)
                }
            })
    });
    let mut tail = Command::new(common::bin())
        .args(["logs", &writer.pid().to_string(), "--follow", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let out = tail.stdout.take().unwrap();
    std::thread::spawn(move || {
        for l in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(l);
        }
    });
    let first = rx.recv_timeout(common::DEADLINE).expect("the backlog line");
    assert!(first.contains("old line"), "{first}");
    std::fs::write(&go, "").unwrap();
    let new = rx.recv_timeout(common::DEADLINE).expect("the new line");
    let v: serde_json::Value = serde_json::from_str(&new).unwrap();
    assert_eq!(v["text"], "ERROR new line");
    assert_eq!(v["level"], "error");
    assert_eq!(v["source"], "stdout+stderr");
    std::fs::write(&stop, "").unwrap();
    let status = wait_for("the tail to end with the process", || {
        tail.try_wait()
            .map_err(|e| e.to_string())?
            .ok_or("running".to_string())
    });
    assert!(status.success());
    let mut err = String::new();
    std::io::Read::read_to_string(&mut tail.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("exited"), "{err}");
}

#[test]
fn says_plainly_when_output_is_a_pipe_or_a_terminal() {
    // stdout a pipe (ours), stderr /dev/null.
    let piped = Proc(
        Command::new("sleep")
            .arg("60")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
        false,
    );
    let out = Command::new(common::bin())
        .args(["logs", &piped.pid().to_string()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "nothing to follow: {err}");
    assert!(
        err.contains("stdout is a pipe") && err.contains("cannot be followed"),
        "{err}"
    );
    assert!(err.contains("stderr goes to /dev/null"), "{err}");
    // On a terminal: `script` gives the sleep a pseudo-terminal.
    let term = Proc::spawn_group(Command::new("script").args(["-qc", "sleep 60", "/dev/null"]));
    let sleep_pid = common::descendant_named(term.pid(), "sleep");
    let out = Command::new(common::bin())
        .args(["logs", &sleep_pid.to_string()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("stdout is the terminal /dev/pts/"), "{err}");
}

/// `whytop logs PID --follow --json`, its stdout lines on a channel and its
/// stderr collected; killed (by pid) on drop.
struct Follow {
    tail: Proc,
    lines: mpsc::Receiver<String>,
    stderr: std::thread::JoinHandle<String>,
}

impl Follow {
    fn start(pid: i32) -> Follow {
        let mut child = Command::new(common::bin())
            .args(["logs", &pid.to_string(), "--follow", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for l in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
        let mut err = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut err, &mut s);
            s
        });
        Follow {
            tail: Proc(child, false),
            lines,
            stderr,
        }
    }

    /// The next line, as JSON.
    fn next(&self, what: &str) -> serde_json::Value {
        let l = self
            .lines
            .recv_timeout(common::DEADLINE)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        serde_json::from_str(&l).unwrap()
    }

    /// The text of the next line.
    fn next_text(&self, what: &str) -> String {
        self.next(what)["text"].as_str().unwrap().to_string()
    }

    /// Ends the tail and returns what it said on stderr.
    fn finish(self) -> String {
        drop(self.tail);
        self.stderr.join().unwrap()
    }
}

fn wait_until_exists(p: &std::path::Path) {
    wait_for(&p.display().to_string(), || {
        if p.exists() {
            Ok(())
        } else {
            Err("absent".into())
        }
    });
}

#[test]
fn a_backlog_with_invalid_utf8_loses_no_byte_of_the_next_line() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    let go = dir.path().join("go");
    // Three invalid bytes before the last newline, then a line cut in the middle.
    std::fs::write(&log, b"caf\xe9 \xff\xfe old\nPART").unwrap();
    let script = format!(
        "exec >>{log}; touch {ready}; while [ ! -e {go} ]; do sleep 0.05; done; printf 'IAL-end\\n'; exec sleep 300",
        log = log.display(),
        ready = dir.path().join("ready").display(),
        go = go.display()
    );
    let writer = Proc::spawn_group(Command::new("sh").args(["-c", &script]));
    wait_until_exists(&dir.path().join("ready"));
    let f = Follow::start(writer.pid());
    assert_eq!(
        f.next_text("the backlog"),
        "caf\u{fffd} \u{fffd}\u{fffd} old"
    );
    // The unfinished line is shown as partial, then replaced by the whole line.
    let part = f.next("the partial line");
    assert_eq!(
        (&part["text"], &part["partial"]),
        (&"PART".into(), &true.into())
    );
    std::fs::write(&go, "").unwrap();
    let done = f.next("the finished line");
    assert_eq!(done["text"], "PARTIAL-end");
    assert!(done.get("partial").is_none(), "{done}");
    f.finish();
}

#[test]
fn follows_a_deleted_file_through_the_fd_and_says_it_was_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gone.log");
    let go = dir.path().join("go");
    let script = format!(
        "exec >{log} 2>&1; echo old line; rm {log}; while [ ! -e {go} ]; do sleep 0.05; done; echo new line; exec sleep 300",
        log = log.display(),
        go = go.display()
    );
    let writer = Proc::spawn_group(Command::new("sh").args(["-c", &script]));
    let fd1 = format!("/proc/{}/fd/1", writer.pid());
    wait_for("the log deleted", || {
        let l = std::fs::read_link(&fd1).map_err(|e| e.to_string())?;
        let l = l.to_string_lossy().into_owned();
        if l.ends_with(" (deleted)") {
            Ok(())
        } else {
            Err(l)
        }
    });
    let f = Follow::start(writer.pid());
    assert_eq!(f.next_text("the backlog of the deleted file"), "old line");
    std::fs::write(&go, "").unwrap();
    assert_eq!(f.next_text("the new line"), "new line");
    let err = f.finish();
    assert!(
        err.contains(&format!("stdout is {}, which was deleted", log.display())),
        "{err}"
    );
    assert!(!err.contains("not a file that can be followed"), "{err}");
}

/// A shell whose stdout and stderr go to `log` (which the test may fill first),
/// that touches `ready`, waits for `go`, runs `after` and then sleeps; its group
/// is killed at the end.
fn writer_after_go(dir: &std::path::Path, log: &std::path::Path, after: &str) -> Proc {
    let script = format!(
        "exec >>{log} 2>&1; touch {ready}; while [ ! -e {go} ]; do sleep 0.05; done; {after}; exec sleep 300",
        log = log.display(),
        ready = dir.join("ready").display(),
        go = dir.join("go").display()
    );
    let p = Proc::spawn_group(Command::new("sh").args(["-c", &script]));
    wait_until_exists(&dir.join("ready"));
    p
}

fn logs(args: &[&str]) -> (String, String) {
    let out = Command::new(common::bin())
        .arg("logs")
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_last_line_without_a_newline_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    std::fs::write(&log, "one\ntwo, no newline yet").unwrap();
    let w = writer_after_go(dir.path(), &log, "true");
    let (out, err) = logs(&[&w.pid().to_string(), "-n", "5"]);
    assert_eq!(
        out, "[stdout+stderr] one\n[stdout+stderr] two, no newline yet\n",
        "{err}"
    );
    let (out, _) = logs(&[&w.pid().to_string(), "-n", "1"]);
    assert_eq!(out, "[stdout+stderr] two, no newline yet\n");
}

#[test]
fn the_backlog_takes_the_last_lines_however_long_and_cuts_a_huge_one_with_a_marker() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    // A 100 KiB line (longer than any fixed window before it), two short ones,
    // a 10 MiB line, and a last short one.
    let mut text = b"early\n".to_vec();
    text.extend(std::iter::repeat_n(b'a', 100 * 1024));
    text.extend_from_slice(b"\nfirst\nsecond\n");
    text.extend(std::iter::repeat_n(b'x', 10 << 20));
    text.extend_from_slice(b"\nlast\n");
    std::fs::write(&log, &text).unwrap();
    let w = writer_after_go(dir.path(), &log, "true");
    let (out, err) = logs(&[&w.pid().to_string(), "-n", "4", "--json"]);
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 4, "{err}");
    assert_eq!(rows[0]["text"], "first");
    assert_eq!(rows[1]["text"], "second");
    let huge = rows[2]["text"].as_str().unwrap();
    assert_eq!(huge.len(), 64 * 1024);
    assert!(huge.bytes().all(|b| b == b'x'));
    assert_eq!(rows[2]["cut_bytes"], (10u64 << 20) - 64 * 1024);
    assert_eq!(rows[3]["text"], "last");
    // Text output says how much was cut; a 100 KiB line is cut too.
    let (out, _) = logs(&[&w.pid().to_string(), "-n", "6"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0], "[stdout+stderr] early");
    assert!(
        lines[1].ends_with(&format!("… [{} bytes cut]", 100 * 1024 - 64 * 1024)),
        "{}",
        &lines[1][lines[1].len() - 40..]
    );
    assert!(lines[4].ends_with(&format!("… [{} bytes cut]", (10 << 20) - 64 * 1024)));
    assert_eq!(lines[5], "[stdout+stderr] last");
}

/// What a reader thread has taken from a child's stdout so far.
fn collect_stdout(child: &mut std::process::Child) -> std::sync::Arc<std::sync::Mutex<Vec<u8>>> {
    let buf = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut out = child.stdout.take().unwrap();
    let b = std::sync::Arc::clone(&buf);
    std::thread::spawn(move || {
        let mut chunk = [0u8; 65536];
        while let Ok(n) = std::io::Read::read(&mut out, &mut chunk) {
            if n == 0 {
                break;
            }
            let mut b = b.lock().unwrap();
            b.extend_from_slice(&chunk[..n]);
            // Only the end matters; keep the test's own memory small.
            if b.len() > 1 << 20 {
                let cut = b.len() - (1 << 19);
                b.drain(..cut);
            }
        }
    });
    buf
}

#[test]
fn follow_shows_a_partial_line_and_completes_it_without_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    std::fs::write(&log, "old\nPART").unwrap();
    let w = writer_after_go(dir.path(), &log, "printf 'IAL\\nnext\\n'");
    let mut child = Command::new(common::bin())
        .args(["logs", &w.pid().to_string(), "--follow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = collect_stdout(&mut child);
    let tail = Proc(child, false);
    let text = || String::from_utf8_lossy(&out.lock().unwrap()).into_owned();
    wait_for("the partial line shown", || {
        let t = text();
        if t == "[stdout+stderr] old\n[stdout+stderr] PART" {
            Ok(())
        } else {
            Err(format!("{t:?}"))
        }
    });
    std::fs::write(dir.path().join("go"), "").unwrap();
    wait_for("the line completed, once", || {
        let t = text();
        if t == "[stdout+stderr] old\n[stdout+stderr] PARTIAL\n[stdout+stderr] next\n" {
            Ok(())
        } else {
            Err(format!("{t:?}"))
        }
    });
    drop(tail);
}

fn status_kib(pid: i32, field: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in {s}"))
}

#[test]
fn following_megabytes_without_a_newline_keeps_memory_small() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    std::fs::write(&log, "start\n").unwrap();
    // 96 MiB with no newline, in 1 MiB writes, then one short line.
    let w = writer_after_go(
        dir.path(),
        &log,
        "head -c 100663296 /dev/zero | tr '\\0' y; printf '\\nDONE\\n'",
    );
    let mut child = Command::new(common::bin())
        .args(["logs", &w.pid().to_string(), "--follow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = collect_stdout(&mut child);
    let tail = Proc(child, false);
    let whytop = tail.pid();
    let text = || String::from_utf8_lossy(&out.lock().unwrap()).into_owned();
    wait_for("the backlog", || {
        let t = text();
        if t.contains("start") { Ok(()) } else { Err(t) }
    });
    let before = status_kib(whytop, "VmRSS:");
    std::fs::write(dir.path().join("go"), "").unwrap();
    let mut most = 0;
    wait_for("DONE after the long line", || {
        most = most.max(status_kib(whytop, "VmRSS:"));
        let t = text();
        if t.ends_with("\n[stdout+stderr] DONE\n") {
            Ok(())
        } else {
            Err(t[t.len().saturating_sub(200)..].to_string())
        }
    });
    let peak = status_kib(whytop, "VmHWM:");
    eprintln!(
        "whytop logs --follow: VmRSS {before} kB before, at most {most} kB seen, VmHWM {peak} kB"
    );
    assert!(
        peak < 24 * 1024,
        "peak RSS {peak} kB following 96 MiB without a newline"
    );
    assert!(text().contains(&format!("… [{} bytes cut]", (96u64 << 20) - 64 * 1024)));
    drop(tail);
}

#[test]
fn control_characters_are_replaced_on_a_terminal_and_kept_in_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    std::fs::write(&log, "bell\x07 \x1b[31mred\x1b[0m\ttab\n").unwrap();
    let w = writer_after_go(dir.path(), &log, "true");
    let (piped, _) = logs(&[&w.pid().to_string()]);
    assert_eq!(piped, "[stdout+stderr] bell\x07 \x1b[31mred\x1b[0m\ttab\n");
    // On a terminal: `script` runs it on a pseudo-terminal and copies its output.
    let cmd = format!("{} logs {}", common::bin(), w.pid());
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("[stdout+stderr] bell? ?[31mred?[0m\ttab"),
        "{shown:?}"
    );
    assert!(
        !shown.contains('\x1b') && !shown.contains('\x07'),
        "{shown:?}"
    );
}

/// A child writing alternately to stdout and stderr: `-n N` prints N lines
/// in all, in the order they were written, when both go to one file; to two
/// files, N lines in all and a note that their order between files is not
/// known; followed, new lines come in the order they are written.
#[test]
fn n_lines_in_all_in_time_order_across_stdout_and_stderr() {
    let alternate = "for i in 1 2 3 4 5 6; do echo out$i; echo err$i >&2; done";
    // One file (`>log 2>&1`): its order is the order written.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("both.log");
    let w = writer_after_go(dir.path(), &log, alternate);
    std::fs::write(dir.path().join("go"), "").unwrap();
    wait_for("all twelve lines written", || {
        let t = std::fs::read_to_string(&log).unwrap_or_default();
        if t.contains("err6\n") { Ok(()) } else { Err(t) }
    });
    let (out, err) = logs(&[&w.pid().to_string(), "-n", "5"]);
    let want: String = ["err4", "out5", "err5", "out6", "err6"]
        .iter()
        .map(|l| format!("[stdout+stderr] {l}\n"))
        .collect();
    assert_eq!(out, want, "{err}");

    // Two files: N lines in all, each file in order, the one written last last.
    let out_log = dir.path().join("out.log");
    let err_log = dir.path().join("err.log");
    let (ready, go) = (dir.path().join("ready2"), dir.path().join("go2"));
    let script = format!(
        "exec >{o} 2>{e}; {alternate}; touch {ready}; while [ ! -e {go} ]; do sleep 0.05; done; \
         for i in 7 8 9; do echo out$i; sleep 0.4; echo err$i >&2; sleep 0.4; done; exec sleep 300",
        o = out_log.display(),
        e = err_log.display(),
        ready = ready.display(),
        go = go.display()
    );
    let two = Proc::spawn_group(Command::new("sh").args(["-c", &script]));
    wait_until_exists(&ready);
    let (out, err) = logs(&[&two.pid().to_string(), "-n", "4"]);
    assert_eq!(
        out, "[stderr] err3\n[stderr] err4\n[stderr] err5\n[stderr] err6\n",
        "{err}"
    );
    assert!(err.contains("separate files"), "{err}");
    let (out, _) = logs(&[&two.pid().to_string(), "-n", "8"]);
    assert_eq!(out.lines().count(), 8, "{out}");
    assert!(
        out.starts_with("[stdout] out5\n[stdout] out6\n[stderr] err1\n"),
        "{out}"
    );

    // Followed: the lines written from now on, in the order written.
    let f = Follow::start(two.pid());
    // The backlog first (20 lines by default: all twelve).
    for _ in 0..12 {
        f.next("the backlog");
    }
    std::fs::write(&go, "").unwrap();
    let got: Vec<String> = (0..6).map(|_| f.next_text("a new line")).collect();
    assert_eq!(got, ["out7", "err7", "out8", "err8", "out9", "err9"]);
    f.finish();
}
