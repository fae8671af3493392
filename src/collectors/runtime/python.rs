//! Python: `py-spy dump` names the frame the main thread waits in.

use super::{RuntimeHandler, RuntimeHint, program_name, with_source_line};
use crate::model::ProcSample;
use crate::platform::external::{RunError, run};
use std::process::Command;
use std::time::Duration;

pub struct Python;

impl RuntimeHandler for Python {
    fn name(&self) -> &'static str {
        "python"
    }

    fn tool(&self) -> &'static str {
        "py-spy"
    }

    fn applies(&self, p: &ProcSample) -> bool {
        p.comm.starts_with("python") || program_name(p).is_some_and(|n| n.starts_with("python"))
    }

    fn probe(&self, pid: i32, timeout: Duration) -> RuntimeHint {
        let mut hint = RuntimeHint {
            runtime: "python".into(),
            tool: "py-spy".into(),
            ..Default::default()
        };
        let mut cmd = Command::new("py-spy");
        cmd.args(["dump", "--full-filenames", "--pid", &pid.to_string()]);
        // Its errors, not a Rust backtrace of them.
        cmd.env("RUST_BACKTRACE", "0")
            .env("RUST_LIB_BACKTRACE", "0");
        match run(cmd, timeout) {
            Ok(text) => {
                hint.frames = main_thread_frames(&text);
                hint.waiting_in = waiting_in(&hint.frames);
                if hint.frames.is_empty() {
                    hint.note = Some("py-spy found no Python frames".into());
                }
            }
            Err(RunError::NotInstalled(_)) => {
                hint.note = Some(
                    "py-spy is not installed (pip install py-spy): kernel evidence only".into(),
                )
            }
            // Failed carries the tool's name already.
            Err(RunError::Failed(why)) => hint.note = Some(why),
            Err(e) => hint.note = Some(format!("py-spy: {e}")),
        }
        hint
    }
}

/// The frames under the `"MainThread"` header (or the first thread), innermost first.
pub(crate) fn main_thread_frames(dump: &str) -> Vec<String> {
    let mut frames = Vec::new();
    let mut inside = false;
    let mut seen_thread = false;
    for line in dump.lines() {
        if line.starts_with("Thread ") {
            if inside || (seen_thread && !frames.is_empty()) {
                break;
            }
            seen_thread = true;
            inside = line.contains("\"MainThread\"") || !dump.contains("\"MainThread\"");
            continue;
        }
        if inside && line.starts_with("    ") && !line.trim().is_empty() {
            frames.push(line.trim().to_string());
        }
    }
    frames
}

/// The innermost frame and, when that is in the standard library, the innermost
/// frame of the program's own code that led there (with its source line).
fn waiting_in(frames: &[String]) -> Option<String> {
    let first = frames.first()?;
    let own = |f: &&String| !f.contains("/lib/python") && !f.contains("(<frozen");
    let stdlib = |f: &String| !f.contains(".py:") || !own(&f);
    match frames.iter().find(own) {
        Some(mine) if mine != first && stdlib(first) => {
            Some(format!("{first}, called from {}", with_source_line(mine)))
        }
        _ => Some(with_source_line(first)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUMP: &str = "Process 42: python3 server.py\nPython v3.11.7 (/usr/bin/python3.11)\n\nThread 43 (idle): \"worker\"\n    wait (threading.py:320)\n\nThread 42 (idle): \"MainThread\"\n    accept (socket.py:294)\n    serve (server.py:12)\n    <module> (server.py:20)\n";

    #[test]
    fn main_thread_frames_innermost_first() {
        assert_eq!(
            main_thread_frames(DUMP),
            [
                "accept (socket.py:294)",
                "serve (server.py:12)",
                "<module> (server.py:20)"
            ]
        );
        assert!(main_thread_frames("garbage\n").is_empty());
        assert_eq!(
            main_thread_frames("Thread 1 (idle)\n    f (a.py:1)\n"),
            ["f (a.py:1)"]
        );
    }

    #[test]
    fn source_line_when_readable() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("s.py");
        std::fs::write(&f, "import time\ntime.sleep(30)\n").unwrap();
        let frame = format!("<module> ({}:2)", f.display());
        assert!(with_source_line(&frame).ends_with(": time.sleep(30)"));
        assert_eq!(
            with_source_line("<module> (<string>:1)"),
            "<module> (<string>:1)"
        );
    }
}
