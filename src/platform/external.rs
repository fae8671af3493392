//! Running an external tool with a deadline. The tool leads a process group of
//! its own, and on a timeout or cancel that group (the tool and whatever it
//! started, gdb's helpers say) is killed: nothing else.

use super::cancel::CancelToken;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, PartialEq)]
pub enum RunError {
    NotInstalled(String),
    TimedOut(Duration),
    Cancelled,
    Failed(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::NotInstalled(t) => write!(f, "{t} is not installed"),
            RunError::TimedOut(d) => write!(f, "no answer within {:.0}s", d.as_secs_f64()),
            RunError::Cancelled => f.write_str("cancelled"),
            RunError::Failed(m) => f.write_str(m),
        }
    }
}

/// Runs `cmd`, returning its stdout; on failure the error is stderr's most
/// telling line (see `error_line`).
pub fn run(cmd: Command, timeout: Duration) -> Result<String, RunError> {
    run_with(cmd, timeout, None, |_| {})
}

/// As `run`, also ended early when `cancel` is cancelled; `tick` hears the time
/// left about every 100 ms.
pub fn run_with(
    cmd: Command,
    timeout: Duration,
    cancel: Option<&CancelToken>,
    tick: impl FnMut(Duration),
) -> Result<String, RunError> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let done = run_to_end(cmd, timeout, cancel, tick)?;
    if done.success {
        Ok(done.stdout)
    } else {
        let why = error_line(&done.stderr).unwrap_or_else(|| format!("failed ({})", done.status));
        Err(RunError::Failed(format!("{program}: {why}")))
    }
}

/// What a tool printed by the time it exited, whatever its exit status.
#[derive(Debug)]
pub(crate) struct Finished {
    pub success: bool,
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cmd` as `run` does, but hands back both outputs and the status: for
/// a tool whose answer is on stderr (`codesign -dv`) or whose failure is an
/// answer (`xattr -p` of an attribute the file lacks).
// The macOS backend's (codesign, xattr); elsewhere only the tests call it.
#[cfg_attr(not(target_os = "macos"), allow(dead_code))]
pub(crate) fn run_output(cmd: Command, timeout: Duration) -> Result<Finished, RunError> {
    run_to_end(cmd, timeout, None, |_| {})
}

fn run_to_end(
    mut cmd: Command,
    timeout: Duration,
    cancel: Option<&CancelToken>,
    mut tick: impl FnMut(Duration),
) -> Result<Finished, RunError> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => RunError::NotInstalled(program.clone()),
            _ => RunError::Failed(format!("{program}: {e}")),
        })?;
    // Drain the pipes on threads so a chatty tool cannot block on a full pipe.
    // These two are part of running this one tool (they end with its pipes),
    // not effects: they stay off the app's worker pool.
    let mut out_pipe = child.stdout.take().expect("piped");
    let mut err_pipe = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out_pipe.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err_pipe.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + timeout;
    let mut last_tick = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                kill_group(&mut child);
                return Err(RunError::TimedOut(timeout));
            }
            Ok(None) if cancel.is_some_and(CancelToken::is_cancelled) => {
                kill_group(&mut child);
                return Err(RunError::Cancelled);
            }
            Ok(None) if last_tick.elapsed() >= Duration::from_millis(100) => {
                last_tick = Instant::now();
                tick(deadline.saturating_duration_since(Instant::now()));
            }
            Ok(None) => {
                if let Some(c) = cancel {
                    c.sleep_or_cancelled(Duration::from_millis(20));
                } else {
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
            Err(e) => return Err(RunError::Failed(e.to_string())),
        }
    };
    Ok(Finished {
        success: status.success(),
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// Kills the group `child` leads, then reaps `child`. Not yet reaped, the child
/// keeps its pid, and so the group's id, from being reused: the signal can only
/// reach the tool's own group.
fn kill_group(child: &mut Child) {
    let pgid = child.id() as libc::pid_t;
    // SAFETY: kill has no memory-safety preconditions; -pgid names the group
    // this child leads (process_group(0) at spawn).
    unsafe { libc::kill(-pgid, libc::SIGKILL) };
    let _ = child.kill();
    let _ = child.wait();
}

/// The line of a tool's stderr that says what went wrong: an `Error:` line
/// (with its first cause, as Rust tools print them), else the first line that
/// is not part of a backtrace, a usage hint or blank.
pub(crate) fn error_line(stderr: &str) -> Option<String> {
    let lines: Vec<&str> = stderr.lines().map(str::trim).collect();
    if let Some(i) = lines.iter().position(|l| {
        l.strip_prefix("Error:")
            .or_else(|| l.strip_prefix("error:"))
            .is_some_and(|r| !r.trim().is_empty())
    }) {
        let msg = lines[i][6..].trim();
        let rest = &lines[i + 1..];
        let cause = rest
            .iter()
            .position(|l| *l == "Caused by:")
            .and_then(|j| rest[j + 1..].iter().find(|l| !l.is_empty()))
            .map(|c| {
                c.trim_start_matches(|ch: char| ch.is_ascii_digit() || ch == ':')
                    .trim()
            });
        return Some(match cause {
            Some(c) if !c.is_empty() => format!("{msg} ({c})"),
            _ => msg.to_string(),
        });
    }
    // rbspy: "Something went wrong ... Here's what we know:" then `- cause` lines.
    if let Some(i) = lines
        .iter()
        .position(|l| l.ends_with("Here's what we know:"))
    {
        let mut causes: Vec<&str> = Vec::new();
        for c in lines[i + 1..].iter().filter_map(|l| l.strip_prefix("- ")) {
            if !causes.contains(&c) {
                causes.push(c);
            }
        }
        if !causes.is_empty() {
            return Some(causes.join(": "));
        }
    }
    let noise = |l: &str| {
        l.is_empty()
            || l.starts_with("Stack backtrace")
            || l.starts_with("stack backtrace")
            || l.starts_with("note: ")
            || l.starts_with("at ")
            || l.split_once(':')
                .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()))
    };
    lines.into_iter().find(|l| !noise(l)).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rust_tool_error_is_its_error_line_not_the_backtrace_tail() {
        // `RUST_BACKTRACE=1 py-spy dump --pid 999999`, recorded.
        let stderr = "Error: Failed to get process executable name. Check that the process is running.\n\nCaused by:\n    0: No such file or directory (os error 2)\n    1: No such file or directory (os error 2)\n\nStack backtrace:\n   0: <E as anyhow::context::ext::StdError>::ext_context\n   1: py_spy::python_process_info::PythonProcessInfo::new\n   9: std::rt::lang_start_internal\n  10: main\n";
        assert_eq!(
            error_line(stderr).unwrap(),
            "Failed to get process executable name. Check that the process is running. (No such file or directory (os error 2))"
        );
        assert_eq!(
            error_line("Error: Permission Denied: Try running again with elevated permissions\n")
                .unwrap(),
            "Permission Denied: Try running again with elevated permissions"
        );
    }

    #[test]
    fn other_tools_give_their_first_real_line() {
        assert_eq!(
            error_line("\nsample: cannot examine process 12 for unknown reasons\n").unwrap(),
            "sample: cannot examine process 12 for unknown reasons"
        );
        assert_eq!(error_line("   0: main\n  1: start\n"), None);
        // rbspy's own report, recorded (`rbspy snapshot --pid` of a non-Ruby process).
        assert_eq!(
            error_line(include_str!(
                "../../tests/fixtures/stacks/rbspy-not-ruby.stderr.txt"
            ))
            .unwrap(),
            "get ruby VM state: Couldn't get ruby version: Failed to locate Ruby version symbol"
        );
        assert_eq!(error_line(""), None);
    }

    #[test]
    fn run_output_keeps_stderr_and_the_status() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo answer >&2; echo out; exit 1"]);
        let f = run_output(cmd, Duration::from_secs(20)).unwrap();
        assert!(!f.success);
        assert_eq!(
            (f.stdout.as_str(), f.stderr.as_str()),
            ("out\n", "answer\n")
        );
        assert_eq!(
            run_output(Command::new("/nonexistent/tool"), Duration::from_secs(5)).unwrap_err(),
            RunError::NotInstalled("/nonexistent/tool".into())
        );
    }

    #[test]
    fn a_failing_command_reports_a_meaningful_line() {
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            "echo 'Error: it broke' >&2; echo '   9: main' >&2; exit 3",
        ]);
        assert_eq!(
            run(cmd, Duration::from_secs(20)),
            Err(RunError::Failed("sh: it broke".into()))
        );
    }
}
