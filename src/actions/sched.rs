//! Scheduling beyond nice, one vocabulary on every OS: on Linux the CPU policy
//! and the I/O class; on macOS the background state.

use super::priority::PriorityError;
use crate::model::ProcKey;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SchedChange {
    /// A Linux scheduling policy (`libc::SCHED_*`).
    Policy(i32),
    /// A Linux I/O class (index into `IO_CLASSES`) and level 0..7.
    Io(usize, i32),
    /// macOS: background (PRIO_DARWIN_BG) on or off.
    Background(bool),
}

/// `policy batch, I/O idle` (Linux), or what this OS offers.
pub fn describe(pid: i32) -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        use super::priority::linux::*;
        let policy = get_policy(pid).ok().map(policy_name)?;
        let io = match get_ioprio(pid) {
            Ok((0, _)) => "I/O best-effort (from nice)".to_string(),
            Ok((c, l)) => format!("I/O {} {l}", IO_CLASSES[c]),
            Err(_) => "I/O ?".into(),
        };
        Some(format!("policy {policy}, {io}"))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        None
    }
}

/// The next policy in the TUI's cycle: other → batch → idle → other.
pub fn next_policy(pid: i32) -> Option<SchedChange> {
    #[cfg(target_os = "linux")]
    {
        let cur = super::priority::linux::get_policy(pid).ok()?;
        let next = match cur {
            libc::SCHED_OTHER => libc::SCHED_BATCH,
            libc::SCHED_BATCH => libc::SCHED_IDLE,
            _ => libc::SCHED_OTHER,
        };
        Some(SchedChange::Policy(next))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        None
    }
}

/// The next I/O class in the TUI's cycle: best-effort → idle → realtime → best-effort.
pub fn next_io(pid: i32) -> Option<SchedChange> {
    #[cfg(target_os = "linux")]
    {
        let (class, _) = super::priority::linux::get_ioprio(pid).ok()?;
        let next = match class {
            0 | 2 => 3,
            3 => 1,
            _ => 2,
        };
        Some(SchedChange::Io(next, 4))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        None
    }
}

pub fn apply(key: ProcKey, change: SchedChange) -> Result<String, PriorityError> {
    match change {
        #[cfg(target_os = "linux")]
        SchedChange::Policy(p) => {
            super::priority::linux::set_policy(key, p)?;
            Ok(format!(
                "pid {}: policy {}",
                key.pid,
                super::priority::linux::policy_name(p)
            ))
        }
        #[cfg(target_os = "linux")]
        SchedChange::Io(c, l) => {
            super::priority::linux::set_ioprio(key, c, l)?;
            Ok(format!(
                "pid {}: I/O {} {l}",
                key.pid,
                super::priority::linux::IO_CLASSES[c]
            ))
        }
        #[cfg(target_os = "macos")]
        SchedChange::Background(on) => {
            super::priority::set_background(key, on)?;
            Ok(format!(
                "pid {}: background {}",
                key.pid,
                if on { "on" } else { "off" }
            ))
        }
        #[allow(unreachable_patterns)]
        _ => Err(PriorityError::Other {
            pid: key.pid,
            msg: "not supported on this system".into(),
        }),
    }
}

/// Parses the CLI's `--policy` value.
pub fn parse_policy(s: &str) -> Result<SchedChange, String> {
    #[cfg(target_os = "linux")]
    {
        super::priority::linux::POLICIES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|(_, p)| SchedChange::Policy(*p))
            .ok_or_else(|| format!("unknown policy {s:?}: other, batch, idle, fifo, rr"))
    }
    #[cfg(not(target_os = "linux"))]
    {
        Err(format!("scheduling policies ({s}) are a Linux feature"))
    }
}

/// Parses the CLI's `--io CLASS[:LEVEL]` value.
pub fn parse_io(s: &str) -> Result<SchedChange, String> {
    #[cfg(target_os = "linux")]
    {
        let (name, level) = s.split_once(':').unwrap_or((s, "4"));
        let class = super::priority::linux::IO_CLASSES
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
            .filter(|c| *c > 0)
            .ok_or_else(|| format!("unknown I/O class {name:?}: realtime, best-effort, idle"))?;
        let level: i32 = level
            .parse()
            .ok()
            .filter(|l| (0..=7).contains(l))
            .ok_or_else(|| format!("I/O level {level:?} is not 0..7"))?;
        Ok(SchedChange::Io(class, level))
    }
    #[cfg(not(target_os = "linux"))]
    {
        Err(format!("I/O classes ({s}) are a Linux feature"))
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert_eq!(
            parse_policy("BATCH"),
            Ok(SchedChange::Policy(libc::SCHED_BATCH))
        );
        assert!(parse_policy("fast").is_err());
        assert_eq!(parse_io("idle"), Ok(SchedChange::Io(3, 4)));
        assert_eq!(parse_io("best-effort:7"), Ok(SchedChange::Io(2, 7)));
        assert!(parse_io("none").is_err());
        assert!(parse_io("idle:9").is_err());
        assert!(
            describe(std::process::id() as i32)
                .unwrap()
                .starts_with("policy other")
        );
    }
}
