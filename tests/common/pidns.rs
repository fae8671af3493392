//! A private pid namespace where a test can make the next fork get a chosen pid
//! (`/proc/sys/kernel/ns_last_pid`, as root), to reuse a pid on purpose.
#![allow(dead_code)]

use super::wait_for;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};

/// `unshare --pid --fork --mount-proc` around an idle init; dropping it kills the
/// init (so the kernel kills everything in the namespace) by pid.
pub struct PidNs {
    unshare: Child,
    /// The namespace's init, by its pid outside.
    pub init: i32,
}

/// A process started inside the namespace: its pid inside and outside.
pub struct InNs {
    pub nsenter: Child,
    pub inner: i32,
    pub outer: i32,
}

impl PidNs {
    pub fn new() -> PidNs {
        let unshare = Command::new("unshare")
            .args(["--pid", "--fork", "--mount-proc", "--kill-child"])
            .args(["sleep", "100000"])
            .stdin(Stdio::null())
            .spawn()
            .expect("unshare runs (util-linux)");
        let upid = unshare.id() as i32;
        let init = wait_for("the namespace's init", || {
            let kid = children(upid).first().copied().ok_or("no child yet")?;
            let comm = std::fs::read_to_string(format!("/proc/{kid}/comm")).unwrap_or_default();
            if comm.trim() == "sleep" {
                Ok(kid)
            } else {
                Err(format!("child {kid} is {comm}"))
            }
        });
        PidNs { unshare, init }
    }

    /// A command run inside the namespace (nsenter forks into it; /proc is its own).
    pub fn command(&self, prog: &str) -> Command {
        let mut c = Command::new("nsenter");
        c.args(["-t", &self.init.to_string(), "-p", "-m", "--", prog]);
        c
    }

    /// The namespace's `/proc`, readable from outside.
    pub fn proc_path(&self, inner: i32, file: &str) -> String {
        format!("/proc/{}/root/proc/{inner}/{file}", self.init)
    }

    /// `stat` of an inner pid, split after the command name (field 3 is index 0).
    pub fn stat(&self, inner: i32) -> Option<Vec<String>> {
        let s = std::fs::read_to_string(self.proc_path(inner, "stat")).ok()?;
        let rest = &s[s.rfind(')')? + 2..];
        Some(rest.split_whitespace().map(String::from).collect())
    }

    /// Field `n` of `stat` as proc(5) numbers them (4 is ppid, 19 nice, 22 start time).
    pub fn stat_field(&self, inner: i32, n: usize) -> Option<i64> {
        self.stat(inner)?.get(n - 3)?.parse().ok()
    }

    pub fn exists(&self, inner: i32) -> bool {
        std::path::Path::new(&self.proc_path(inner, "stat")).exists()
    }

    pub fn wait_gone(&self, inner: i32) {
        wait_for(&format!("pid {inner} gone in the namespace"), || {
            if self.exists(inner) {
                Err(std::fs::read_to_string(self.proc_path(inner, "stat")).unwrap_or_default())
            } else {
                Ok(())
            }
        });
    }

    /// Runs `script` in bash inside the namespace; it must print its inner pid
    /// (or whatever the caller wants) as its first line.
    pub fn bash(&self, script: &str) -> (InNs, String) {
        let mut c = self.command("bash");
        c.args(["-c", script])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut nsenter = c.spawn().expect("nsenter runs");
        let mut line = String::new();
        std::io::BufReader::new(nsenter.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let outer = wait_for("nsenter's child", || {
            children(nsenter.id() as i32)
                .first()
                .copied()
                .ok_or_else(|| "none".to_string())
        });
        let inner = inner_pid(outer).expect("an inner pid");
        (
            InNs {
                nsenter,
                inner,
                outer,
            },
            line.trim().to_string(),
        )
    }

    /// Runs `cmd` (bash text that ends in an `exec`, so no second fork) as a new
    /// process that gets inner pid `pid`: the fork right after `ns_last_pid` is
    /// set to `pid - 1`. Retries while something
    /// else took that pid first. The returned process is the forking shell; the
    /// new process is its child.
    pub fn reuse(&self, pid: i32, cmd: &str) -> InNs {
        for _ in 0..50 {
            let script = format!(
                "echo {} > /proc/sys/kernel/ns_last_pid; {{ {cmd} ; }} & echo $!; wait",
                pid - 1
            );
            let (shell, got) = self.bash(&script);
            if got == pid.to_string() {
                return shell;
            }
            if let Ok(n) = got.parse::<i32>() {
                let _ = Command::new("nsenter")
                    .args(["-t", &self.init.to_string(), "-p", "-m", "--"])
                    .args(["kill", "-KILL", &n.to_string()])
                    .status();
            }
            kill(shell.outer);
            drop(shell);
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("could not make a process get pid {pid}");
    }
}

impl Drop for PidNs {
    fn drop(&mut self) {
        kill(self.init);
        let _ = self.unshare.kill();
        let _ = self.unshare.wait();
    }
}

impl Drop for InNs {
    fn drop(&mut self) {
        let _ = self.nsenter.kill();
        let _ = self.nsenter.wait();
    }
}

pub fn kill(outer: i32) {
    // SAFETY: kill has no memory-safety preconditions; the pid is one we started.
    unsafe { libc::kill(outer, libc::SIGKILL) };
}

/// The children of `pid` (its main thread's).
pub fn children(pid: i32) -> Vec<i32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|k| k.parse().ok())
        .collect()
}

/// The pid a process has in the innermost namespace it sees (`NSpid`'s last).
pub fn inner_pid(outer: i32) -> Option<i32> {
    let status = std::fs::read_to_string(format!("/proc/{outer}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("NSpid:"))?
        .split_whitespace()
        .last()?
        .parse()
        .ok()
}
