//! Words for a verdict and its evidence, shared by the detail pane and `whytop why`.

use crate::model::RuntimeHint;
use crate::model::why::{Evidence, FdRole, ProcessWhy, SyscallState, Verdict};

/// `read(0, 0x7ffd1000, 1024)`, `running`, or `not in a syscall`.
pub(crate) fn syscall_text(e: &Evidence) -> Option<String> {
    Some(match e.syscall.as_ref()? {
        SyscallState::Running => "running".to_string(),
        SyscallState::NotInSyscall { .. } => {
            "blocked outside a syscall (fault or stop)".to_string()
        }
        SyscallState::In(sc) => sc.text(),
    })
}

/// `resumes: kernel stack do_restart_poll; code before PC loads 230 (clock_nanosleep); …`
fn resumed_text(e: &Evidence) -> Option<String> {
    let r = e.resumed.as_ref()?;
    let arch = match &e.syscall {
        Some(SyscallState::In(sc)) => sc.arch,
        _ => None,
    };
    let named = |nr: i64| {
        let name = arch.and_then(|a| crate::model::syscalls::name(a, nr));
        format!("{nr} ({})", name.unwrap_or("?"))
    };
    let mut parts = Vec::new();
    if !r.stack.is_empty() {
        parts.push(format!("kernel stack {}", r.stack.join(" < ")));
    }
    if let Some(nr) = r.code_nr {
        parts.push(format!("code before its PC loads syscall {}", named(nr)));
    }
    if let Some(c) = r.earlier {
        let at = if c.same_pc { "same" } else { "another" };
        parts.push(format!(
            "seen earlier in syscall {} at the {at} instruction",
            named(c.nr)
        ));
    }
    if parts.is_empty() {
        parts.push("no clue was readable".into());
    }
    Some(format!("restart clues: {}", parts.join("; ")))
}

/// The raw evidence, one item per line: wait channel, syscall, fds, terminal, children, gaps.
pub(crate) fn evidence_lines(e: &Evidence) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(w) = &e.wchan {
        out.push(format!("wchan {w}"));
    }
    if let Some(s) = syscall_text(e) {
        out.push(format!("syscall {s}"));
    }
    if let Some(r) = resumed_text(e) {
        out.push(r);
    }
    if let Some(t) = e.tracer {
        let name = e
            .tracer_comm
            .as_deref()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        out.push(format!("traced by {t}{name}"));
    }
    if let Some(t) = &e.thread_states {
        out.push(format!(
            "threads: {} running, {} waiting, {} uninterruptible, {} stopped",
            t.running, t.waiting, t.uninterruptible, t.stopped
        ));
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
    // Names in the evidence (a child's, a file's) may hold control characters.
    out.into_iter()
        .map(|l| super::format::printable(&l).into_owned())
        .collect()
}

/// One line for a verdict: `input: reading its terminal … (weak: …)`.
pub(crate) fn verdict_line(v: &Verdict) -> String {
    let weak = if v.weak { " (weak evidence)" } else { "" };
    let line = format!("{}: {}{weak}", v.reason.label(), v.detail);
    super::format::printable(&line).into_owned()
}

/// What decided a verdict, in one line fit for a terminal.
pub(crate) fn because_line(v: &Verdict) -> String {
    super::format::printable(&v.decided_by.join("; ")).into_owned()
}

/// `12 threads: 10 lock, 1 event-loop, 1 running`.
pub(crate) fn thread_summary(w: &ProcessWhy) -> String {
    let counts: Vec<String> = w
        .thread_counts()
        .iter()
        .map(|(r, n)| format!("{n} {}", r.label()))
        .collect();
    format!("{} threads: {}", w.threads.len() + 1, counts.join(", "))
}

/// What a runtime's tool saw, after its label: `waiting in java.lang.Thread.sleep(Native
/// Method), …; thread state TIMED_WAITING (sleeping) (jcmd)`, or why there is nothing.
pub(crate) fn runtime_text(h: &RuntimeHint) -> String {
    let line = match (&h.waiting_in, &h.note) {
        (Some(w), _) => {
            let state = h
                .thread_state
                .as_ref()
                .map(|s| format!("; thread state {s}"))
                .unwrap_or_default();
            format!("waiting in {w}{state} ({})", h.tool)
        }
        (None, Some(n)) => n.clone(),
        (None, None) => "nothing found".into(),
    };
    super::format::printable(&line).into_owned()
}

/// The runtime's name as a label: `Python`, `Ruby`, `JVM` (short names are acronyms).
pub(crate) fn runtime_label(h: &RuntimeHint) -> String {
    let name = h.runtime.as_str();
    match name.chars().next() {
        _ if name.len() <= 3 => name.to_uppercase(),
        Some(c) => format!("{}{}", c.to_uppercase(), &name[c.len_utf8()..]),
        None => "Runtime".into(),
    }
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

/// `lock for 32 s (no CPU used: a deadlock or an idle pool?)  ·  last minute:
/// running 40 %, waiting for CPU 10 %, disk 50 %`.
pub(crate) fn history_line(
    h: &crate::model::why::profile::WhyHistory,
    tag: Option<crate::model::why::WhyTag>,
) -> String {
    let mut s = format!(
        "{} for {}",
        h.reason,
        super::format::duration_secs(h.for_secs)
    );
    if tag.is_some_and(|t| t.stuck) {
        s.push_str(" with no CPU used, every thread on a futex: a deadlock, or an idle pool");
    }
    if tag.is_some_and(|t| t.probed) {
        s.push_str(" (whytop's own probe is attached for a moment)");
    }
    s.push_str(&format!("  ·  last minute: {}", h.profile.line()));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProcState;
    use crate::model::syscalls::{Arch, number};
    use crate::model::why::{Syscall, classify};

    fn sleeping_in(name: &str, args: [u64; 6]) -> Evidence {
        let nr = number(Arch::X86_64, name).unwrap();
        Evidence {
            pid: 7,
            state: Some(ProcState::Sleeping),
            kernel_thread: Some(false),
            syscall: Some(SyscallState::In(Syscall::decoded(Arch::X86_64, nr, args))),
            children: Some(vec![]),
            ..Default::default()
        }
    }

    #[test]
    fn because_and_evidence_print_the_same_signed_argument() {
        // wait4(-1, &status, 0, NULL) with -1 as an int (32 bits) and as a long.
        for pid in [0xffff_ffff, u64::MAX] {
            let e = sleeping_in(
                "wait4",
                [pid, 0x7ffd_0000_1000, 0, 0, 0x7f00_dead_beef, 0x55],
            );
            let v = classify(&e);
            assert!(
                v.decided_by.iter().any(|b| b == "syscall wait4(-1)"),
                "{:?}",
                v.decided_by
            );
            let lines = evidence_lines(&e);
            assert!(
                lines.contains(&"syscall wait4(-1, 0x7ffd00001000, 0, 0)".to_string()),
                "{lines:?}"
            );
        }
    }

    #[test]
    fn calls_print_only_the_arguments_they_take() {
        // The registers after pause's (none) hold leftovers: not printed.
        let e = sleeping_in("pause", [0x7f8d_1234_5678, 3, 0x55, 0, 0, 0]);
        assert!(evidence_lines(&e).contains(&"syscall pause()".to_string()));
        assert!(
            classify(&e)
                .decided_by
                .iter()
                .any(|b| b == "syscall pause()")
        );
        // A call whytop has no count for: the first three, and an ellipsis.
        let e = sleeping_in("fanotify_mark", [3, 1, 2, 0, 0, 0]);
        assert_eq!(syscall_text(&e).unwrap(), "fanotify_mark(3, 1, 2, …)");
    }

    #[test]
    fn runtime_hints_in_one_line() {
        let jvm = RuntimeHint {
            runtime: "jvm".into(),
            tool: "jcmd".into(),
            waiting_in: Some("java.lang.Thread.sleep(Native Method)".into()),
            thread_state: Some("TIMED_WAITING (sleeping)".into()),
            ..Default::default()
        };
        assert_eq!(runtime_label(&jvm), "JVM");
        assert_eq!(
            runtime_text(&jvm),
            "waiting in java.lang.Thread.sleep(Native Method); thread state TIMED_WAITING (sleeping) (jcmd)"
        );
        let py = RuntimeHint {
            runtime: "python".into(),
            tool: "py-spy".into(),
            note: Some("py-spy is not installed".into()),
            ..Default::default()
        };
        assert_eq!(runtime_label(&py), "Python");
        assert_eq!(runtime_text(&py), "py-spy is not installed");
    }
}
