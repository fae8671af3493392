//! `whytop logs`: following a process's output files, and saying why not.

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

    /// The text of the next line.
    fn next_text(&self, what: &str) -> String {
        let l = self
            .lines
            .recv_timeout(common::DEADLINE)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let v: serde_json::Value = serde_json::from_str(&l).unwrap();
        v["text"].as_str().unwrap().to_string()
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
    std::fs::write(&go, "").unwrap();
    assert_eq!(f.next_text("the finished line"), "PARTIAL-end");
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
