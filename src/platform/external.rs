//! Running an external tool with a deadline: killed (by its pid) when it overruns.

use std::io::Read;
use std::process::{Command, Stdio};
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
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::TimedOut(timeout));
            }
            Ok(None) if cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed)) => {
                let _ = child.kill();
                let _ = child.wait();
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
