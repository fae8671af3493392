//! Scheduling beyond nice, one vocabulary on every OS: on Linux the CPU policy
//! and the I/O class; on macOS the background state. What the system offers
//! and how to set it is the platform's; this names the changes.

use super::priority::{self, PriorityError};
use crate::model::ProcKey;
use crate::platform::sched::{self as os, HAS_BACKGROUND, HAS_POLICIES, IO_CLASSES, POLICIES};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SchedChange {
    /// A Linux scheduling policy (a `POLICIES` value).
    Policy(i32),
    /// A Linux I/O class (index into `IO_CLASSES`) and level 0..7.
    Io(usize, i32),
    /// macOS: background (PRIO_DARWIN_BG) on or off.
    Background(bool),
}

/// The next policy in the TUI's cycle: other → batch → idle → other.
pub(crate) fn next_policy(pid: i32) -> Option<SchedChange> {
    os::next_policy(os::policy(pid)?).map(SchedChange::Policy)
}

/// The next I/O class in the TUI's cycle: best-effort → idle → realtime → best-effort.
pub(crate) fn next_io(pid: i32) -> Option<SchedChange> {
    if !HAS_POLICIES {
        return None;
    }
    let (class, _) = os::io_class(pid)?;
    let next = match class {
        0 | 2 => 3,
        3 => 1,
        _ => 2,
    };
    Some(SchedChange::Io(next, 4))
}

/// Applies `change` to exactly the process `key` names (through its handle).
pub(crate) fn apply(key: ProcKey, change: SchedChange) -> Result<String, PriorityError> {
    let supported = match change {
        SchedChange::Policy(_) | SchedChange::Io(..) => HAS_POLICIES,
        SchedChange::Background(_) => HAS_BACKGROUND,
    };
    if !supported {
        return Err(PriorityError::Unsupported(key.pid));
    }
    let h = priority::open(key)?;
    match change {
        SchedChange::Policy(p) => {
            priority::change(h.as_ref(), |h| h.set_policy(p))?;
            Ok(format!("pid {}: policy {}", key.pid, os::policy_name(p)))
        }
        SchedChange::Io(c, l) => {
            priority::change(h.as_ref(), |h| h.set_io_class(c, l))?;
            Ok(format!("pid {}: I/O {} {l}", key.pid, IO_CLASSES[c]))
        }
        SchedChange::Background(on) => {
            priority::change(h.as_ref(), |h| h.set_background(on))?;
            Ok(format!(
                "pid {}: background {}",
                key.pid,
                if on { "on" } else { "off" }
            ))
        }
    }
}

/// Why a `--policy` or `--io` value is not one; each names the text given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SchedParseError {
    #[error("scheduling policies ({0}) are a Linux feature")]
    NoPolicies(String),
    #[error("I/O classes ({0}) are a Linux feature")]
    NoIoClasses(String),
    #[error("unknown policy {0:?}: other, batch, idle, fifo, rr")]
    UnknownPolicy(String),
    #[error("unknown I/O class {0:?}: realtime, best-effort, idle")]
    UnknownIoClass(String),
    #[error("I/O level {0:?} is not 0..7")]
    BadLevel(String),
}

/// Parses the CLI's `--policy` value.
pub(crate) fn parse_policy(s: &str) -> Result<SchedChange, SchedParseError> {
    if !HAS_POLICIES {
        return Err(SchedParseError::NoPolicies(s.to_string()));
    }
    POLICIES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(s))
        .map(|(_, p)| SchedChange::Policy(*p))
        .ok_or_else(|| SchedParseError::UnknownPolicy(s.to_string()))
}

/// Parses the CLI's `--io CLASS[:LEVEL]` value.
pub(crate) fn parse_io(s: &str) -> Result<SchedChange, SchedParseError> {
    if !HAS_POLICIES {
        return Err(SchedParseError::NoIoClasses(s.to_string()));
    }
    let (name, level) = s.split_once(':').unwrap_or((s, "4"));
    let class = IO_CLASSES
        .iter()
        .position(|c| c.eq_ignore_ascii_case(name))
        .filter(|c| *c > 0)
        .ok_or_else(|| SchedParseError::UnknownIoClass(name.to_string()))?;
    let level: i32 = level
        .parse()
        .ok()
        .filter(|l| (0..=7).contains(l))
        .ok_or_else(|| SchedParseError::BadLevel(level.to_string()))?;
    Ok(SchedChange::Io(class, level))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        if !HAS_POLICIES {
            assert!(parse_policy("batch").is_err());
            return;
        }
        let batch = POLICIES.iter().find(|(n, _)| *n == "batch").unwrap().1;
        assert_eq!(parse_policy("BATCH"), Ok(SchedChange::Policy(batch)));
        assert!(parse_policy("fast").is_err());
        assert_eq!(parse_io("idle"), Ok(SchedChange::Io(3, 4)));
        assert_eq!(parse_io("best-effort:7"), Ok(SchedChange::Io(2, 7)));
        assert!(parse_io("none").is_err());
        assert!(parse_io("idle:9").is_err());
        assert!(
            os::describe(std::process::id() as i32)
                .unwrap()
                .starts_with("policy other")
        );
    }
}
