//! What this system offers beyond nice, by name, and reading it: on Linux the CPU
//! policies and I/O classes; on macOS the background state. Changing them goes
//! through a `ProcHandle`.

use crate::model::Pid;

/// CPU scheduling policies by name (empty where there are none to choose).
#[cfg(target_os = "linux")]
pub(crate) const POLICIES: &[(&str, i32)] = &[
    ("other", libc::SCHED_OTHER),
    ("batch", libc::SCHED_BATCH),
    ("idle", libc::SCHED_IDLE),
    ("fifo", libc::SCHED_FIFO),
    ("rr", libc::SCHED_RR),
];
#[cfg(not(target_os = "linux"))]
pub(crate) const POLICIES: &[(&str, i32)] = &[];

/// I/O classes by index (Linux); index 0 is "none" (follows nice).
pub(crate) const IO_CLASSES: [&str; 4] = ["none", "realtime", "best-effort", "idle"];

/// Whether CPU policies and I/O classes can be set here (Linux).
pub(crate) const HAS_POLICIES: bool = cfg!(target_os = "linux");
/// Whether the background state can be set here (macOS).
pub(crate) const HAS_BACKGROUND: bool = cfg!(target_os = "macos");

pub(crate) fn policy_name(p: i32) -> &'static str {
    POLICIES
        .iter()
        .find(|(_, v)| *v == p)
        .map(|(n, _)| *n)
        .unwrap_or("?")
}

/// The next policy in the TUI's cycle: other → batch → idle → other.
pub(crate) fn next_policy(current: i32) -> Option<i32> {
    let name = match policy_name(current) {
        "other" => "batch",
        "batch" => "idle",
        _ => "other",
    };
    POLICIES.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// `policy batch, I/O idle` (Linux), or what this OS offers.
pub(crate) fn describe(pid: Pid) -> Option<String> {
    if HAS_BACKGROUND {
        let on = background(pid)?;
        return Some(format!("background {}", if on { "on" } else { "off" }));
    }
    if !HAS_POLICIES {
        return None;
    }
    let policy = policy_name(policy(pid)?);
    let io = match io_class(pid) {
        Some((0, _)) => "I/O best-effort (from nice)".to_string(),
        Some((c, l)) => format!("I/O {} {l}", IO_CLASSES[c]),
        None => "I/O ?".into(),
    };
    Some(format!("policy {policy}, {io}"))
}

/// The current CPU policy of `pid` (Linux).
pub fn policy(pid: Pid) -> Option<i32> {
    #[cfg(target_os = "linux")]
    {
        super::linux::prio::get_policy(pid).ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        None
    }
}

/// The current I/O class and level of `pid` (Linux).
pub(crate) fn io_class(pid: Pid) -> Option<(usize, i32)> {
    #[cfg(target_os = "linux")]
    {
        super::linux::prio::get_ioprio(pid).ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        None
    }
}

/// Whether `pid` is in darwin background (macOS: `pbi_flags`, by its own
/// choice or another's); None elsewhere, or when it cannot be read.
pub fn background(pid: Pid) -> Option<bool> {
    #[cfg(target_os = "macos")]
    {
        super::macos::background(pid)
    }
    #[cfg(not(target_os = "macos"))]
    {
        let _ = pid;
        None
    }
}
