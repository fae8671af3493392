//! Ruby: `rbspy snapshot` names the frame the interpreter's current thread
//! waits in. rbspy reads the Ruby VM's memory from outside (ptrace-free
//! `process_vm_readv`), so it needs the same rights as a debugger: the
//! process's own user under Yama's default, or root.

use super::{RuntimeHandler, RuntimeHint, program_name, with_source_line};
use crate::model::ProcSample;
use crate::platform::external::{RunError, run};
use std::process::Command;
use std::time::Duration;

pub struct Ruby;

/// rbspy locates the Ruby VM's symbols in the binary before it reads a stack:
/// a second or more on a loaded machine.
const MIN_TIMEOUT: Duration = Duration::from_secs(5);

impl RuntimeHandler for Ruby {
    fn name(&self) -> &'static str {
        "ruby"
    }

    fn tool(&self) -> &'static str {
        "rbspy"
    }

    /// The `ruby` interpreter (`ruby3.1` too); a script started through its
    /// `#!` line keeps `ruby` as its comm.
    fn applies(&self, p: &ProcSample) -> bool {
        p.comm.starts_with("ruby") || program_name(p).is_some_and(|n| n.starts_with("ruby"))
    }

    fn min_timeout(&self) -> Duration {
        MIN_TIMEOUT
    }

    fn probe(&self, pid: i32, timeout: Duration) -> RuntimeHint {
        let mut hint = RuntimeHint {
            runtime: "ruby".into(),
            tool: "rbspy".into(),
            ..Default::default()
        };
        let mut cmd = Command::new("rbspy");
        cmd.args(["snapshot", "--pid", &pid.to_string()]);
        cmd.env("RUST_BACKTRACE", "0")
            .env("RUST_LIB_BACKTRACE", "0");
        match run(cmd, timeout) {
            Ok(text) => {
                hint.frames = frames(&text).iter().map(|f| before_block_end(f)).collect();
                hint.waiting_in = waiting_in(&hint.frames);
                if hint.frames.is_empty() {
                    hint.note = Some(format!("rbspy found no Ruby frames in pid {pid}"));
                }
            }
            Err(RunError::NotInstalled(_)) => {
                hint.note = Some(
                    "rbspy is not installed (cargo install rbspy): kernel evidence only".into(),
                )
            }
            Err(RunError::Failed(why)) => hint.note = Some(failure(pid, &why)),
            Err(e) => hint.note = Some(format!("rbspy: {e}")),
        }
        hint
    }
}

/// rbspy's snapshot, outermost frame first (`<main> - app.rb:4`, `nap -
/// app.rb:3`, then the C function it is in), as frames innermost first in
/// py-spy's shape (`nap (app.rb:3)`); a C function is `[c function]`.
pub fn frames(snapshot: &str) -> Vec<String> {
    let mut out: Vec<String> = snapshot
        .lines()
        .filter_map(|l| {
            let (name, loc) = l.trim().rsplit_once(" - ")?;
            Some(match name.strip_suffix(" [c function]") {
                Some(_) => "[c function]".to_string(),
                None => format!("{name} ({loc})"),
            })
        })
        .collect();
    out.reverse();
    out
}

/// rbspy gives a frame the line of the instruction after its call; when that
/// line is only a block's `end` (or `}`), the call is the statement before it,
/// which is the line this names instead. (When the next instruction is
/// another statement the line is off by one and nothing here can tell.)
fn before_block_end(frame: &str) -> String {
    let Some((head, loc)) = frame.strip_suffix(')').and_then(|f| f.rsplit_once(" (")) else {
        return frame.to_string();
    };
    let Some((path, n)) = loc.rsplit_once(':') else {
        return frame.to_string();
    };
    let (Ok(n), Ok(text)) = (n.parse::<usize>(), std::fs::read_to_string(path)) else {
        return frame.to_string();
    };
    let lines: Vec<&str> = text.lines().collect();
    let is_end = |l: &str| matches!(l.trim(), "end" | "}");
    if n < 2 || !lines.get(n - 1).is_some_and(|l| is_end(l)) {
        return frame.to_string();
    }
    let code = |l: &&str| !l.trim().is_empty() && !l.trim_start().starts_with('#');
    match lines[..n - 1].iter().rposition(|l| code(l) && !is_end(l)) {
        Some(i) => format!("{head} ({path}:{})", i + 1),
        None => frame.to_string(),
    }
}

/// The innermost Ruby frame, with its source line when readable, and the C
/// function it called when there is one: `nap (app.rb:3): sleep 30, in a C function`.
fn waiting_in(frames: &[String]) -> Option<String> {
    let ruby = frames.iter().find(|f| *f != "[c function]")?;
    let line = with_source_line(ruby);
    Some(if frames.first() == Some(&"[c function]".to_string()) {
        format!("{line}, in a C function")
    } else {
        line
    })
}

/// What rbspy's report (its causes joined by `error_line`) means.
fn failure(pid: i32, why: &str) -> String {
    let why = why.strip_prefix("rbspy: ").unwrap_or(why);
    if why.contains("Permission denied") || why.contains("Operation not permitted") {
        format!(
            "rbspy may not read pid {pid}: permission denied (it needs the process's own user or root)"
        )
    } else if why.contains("Check that the process is running") {
        format!("pid {pid} has exited")
    } else if why.contains("Ruby version") {
        format!("rbspy found no Ruby VM in pid {pid} ({why})")
    } else {
        format!("rbspy could not read pid {pid}: {why}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::external::error_line;

    use crate::model::testutil::stack_fixture as fixture;

    #[test]
    fn recorded_snapshots_innermost_first() {
        assert_eq!(
            frames(&fixture("rbspy-sleep-in-method.txt")),
            [
                "[c function]",
                "nap (/tmp/i8r/sleeper.rb:3)",
                "<main> (/tmp/i8r/sleeper.rb:4)"
            ]
        );
        let f = frames(&fixture("rbspy-tcpserver-accept.txt"));
        assert_eq!(f[1], "serve (/tmp/i8r/server.rb:5)");
        assert_eq!(
            waiting_in(&f).unwrap(),
            "serve (/tmp/i8r/server.rb:5), in a C function"
        );
        let f = frames(&fixture("rbspy-worker-thread.txt"));
        assert_eq!(f[1], "block (2 levels) in <main> (/tmp/i8r/lines.rb:7)");
        assert_eq!(
            frames(&fixture("rbspy-e-sleep.txt")),
            ["[c function]", "<main> (unknown:1)"]
        );
        assert!(frames("").is_empty());
        assert!(waiting_in(&["[c function]".to_string()]).is_none());
    }

    #[test]
    fn recorded_failures_say_what_they_mean() {
        let said = |name: &str| failure(42, &error_line(&fixture(name)).unwrap());
        assert!(
            said("rbspy-permission-denied.stderr.txt").contains("permission denied"),
            "{}",
            said("rbspy-permission-denied.stderr.txt")
        );
        assert_eq!(
            said("rbspy-no-such-process.stderr.txt"),
            "pid 42 has exited"
        );
        assert!(said("rbspy-not-ruby.stderr.txt").starts_with("rbspy found no Ruby VM in pid 42"));
    }

    #[test]
    fn a_frame_on_a_block_end_names_the_call_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("s.rb");
        std::fs::write(&f, "def nap\n  sleep 600\n\n  # done\nend\nnap\n").unwrap();
        let at = |n: usize| format!("nap ({}:{n})", f.display());
        assert_eq!(
            before_block_end(&at(5)),
            at(2),
            "rbspy's line after the call"
        );
        assert_eq!(before_block_end(&at(2)), at(2), "a line of code stays");
        assert_eq!(before_block_end(&at(6)), at(6));
        assert_eq!(before_block_end("nap (unknown:1)"), "nap (unknown:1)");
        assert_eq!(before_block_end("[c function]"), "[c function]");
    }

    #[test]
    fn ruby_is_recognised_by_name() {
        use super::super::tests::sample;
        use crate::model::ProcState;
        assert!(Ruby.applies(&sample("ruby", "ruby app.rb", ProcState::Sleeping)));
        assert!(Ruby.applies(&sample(
            "worker",
            "/usr/bin/ruby3.1 worker.rb",
            ProcState::Sleeping
        )));
        assert!(!Ruby.applies(&sample("rubocop", "node x.js", ProcState::Sleeping)));
        assert!(!Ruby.applies(&sample("python3", "python3 x.py", ProcState::Sleeping)));
    }
}
