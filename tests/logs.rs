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
