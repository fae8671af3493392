//! Running an external tool with a deadline. The tool leads a process group of
//! its own, and on a timeout or cancel that group (the tool and whatever it
//! started, gdb's helpers say) is killed: nothing else.

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

/// Runs `cmd`, returning its stdout; stderr's last line is the error on failure.
pub fn run(cmd: Command, timeout: Duration) -> Result<String, RunError> {
    run_with(cmd, timeout, None, |_| {})
}

/// As `run`, also ended early when `cancel` is set; `tick` hears the time left
/// about every 100 ms.
pub fn run_with(
    mut cmd: Command,
    timeout: Duration,
    cancel: Option<&std::sync::atomic::AtomicBool>,
    mut tick: impl FnMut(Duration),
) -> Result<String, RunError> {
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
            Ok(None) if cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed)) => {
                kill_group(&mut child);
                return Err(RunError::Cancelled);
            }
            Ok(None) if last_tick.elapsed() >= Duration::from_millis(100) => {
                last_tick = Instant::now();
                tick(deadline.saturating_duration_since(Instant::now()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(RunError::Failed(e.to_string())),
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if status.success() {
        Ok(stdout)
    } else {
        let why = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("failed")
            .trim()
            .to_string();
        Err(RunError::Failed(format!("{program}: {why}")))
    }
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
