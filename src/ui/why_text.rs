//! Words for a verdict and its evidence, shared by the detail pane and `whytop why`.

use crate::model::why::{Evidence, FdRole, ProcessWhy, SyscallState, Verdict};

/// `read(0, 0x7ffd1000, 1024)`, `running`, or `not in a syscall`.
pub fn syscall_text(e: &Evidence) -> Option<String> {
    Some(match e.syscall.as_ref()? {
        SyscallState::Running => "running".to_string(),
        SyscallState::NotInSyscall { .. } => {
            "blocked outside a syscall (fault or stop)".to_string()
        }
        SyscallState::In(sc) => {
            let args: Vec<String> = sc.args[..3]
                .iter()
                .map(|a| {
                    if *a < 4096 {
                        a.to_string()
                    } else {
                        format!("{a:#x}")
                    }
                })
                .collect();
            format!("{}({}, …)", sc.name(), args.join(", "))
        }
    })
}

/// The raw evidence, one item per line: wait channel, syscall, fds, terminal, children, gaps.
pub fn evidence_lines(e: &Evidence) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(w) = &e.wchan {
        out.push(format!("wchan {w}"));
    }
    if let Some(s) = syscall_text(e) {
        out.push(format!("syscall {s}"));
    }
    for fd in &e.fds {
        out.push(format!(
            "fd {} ({}) → {}",
            fd.fd,
            role_text(fd.role),
            fd.target.describe()
        ));
    }
    if let Some(p) = &e.path_arg {
        out.push(format!("path {p}"));
    }
    if let Some(tty) = &e.tty {
        let fg = match e.foreground() {
            Some(true) => "foreground",
            Some(false) => "background",
            None => "foreground unknown",
        };
        out.push(format!(
            "tty {tty} ({fg}: pgrp {} tpgid {})",
            opt(e.pgrp),
            opt(e.tpgid)
        ));
    }
    if let Some(kids) = e.live_children()
        && !kids.is_empty()
    {
        let names: Vec<String> = kids.iter().map(|c| c.describe()).collect();
        out.push(format!("children {}", names.join(", ")));
    }
    for u in &e.unreadable {
        out.push(format!("{}: {}", u.what, u.why));
    }
    out
}

/// One line for a verdict: `input: reading its terminal … (weak: …)`.
pub fn verdict_line(v: &Verdict) -> String {
    let weak = if v.weak { " (weak evidence)" } else { "" };
    format!("{}: {}{weak}", v.reason.label(), v.detail)
}

/// `12 threads: 10 lock, 1 event-loop, 1 running`.
pub fn thread_summary(w: &ProcessWhy) -> String {
    let counts: Vec<String> = w
        .thread_counts()
        .iter()
        .map(|(r, n)| format!("{n} {}", r.label()))
        .collect();
    format!("{} threads: {}", w.threads.len() + 1, counts.join(", "))
}

fn opt(v: Option<i32>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "?".into())
}

fn role_text(r: FdRole) -> &'static str {
    match r {
        FdRole::Read => "read",
        FdRole::Write => "write",
        FdRole::Other => "used",
        FdRole::WatchRead => "watched for input",
        FdRole::WatchWrite => "watched for output",
        FdRole::Epoll => "epoll",
    }
}
