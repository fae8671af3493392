//! Columns the table can be sorted by, and how two rows compare on each.

use super::table::ProcessTable;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortColumn {
    Pid,
    User,
    Priority,
    Nice,
    Virt,
    Res,
    State,
    Cpu,
    Mem,
    Time,
    Why,
    Command,
}

impl SortColumn {
    pub(crate) const ALL: [SortColumn; 12] = [
        Self::Pid,
        Self::User,
        Self::Priority,
        Self::Nice,
        Self::Virt,
        Self::Res,
        Self::State,
        Self::Cpu,
        Self::Mem,
        Self::Time,
        Self::Why,
        Self::Command,
    ];

    /// The header as the table shows it.
    pub fn title(self) -> &'static str {
        match self {
            Self::Pid => "PID",
            Self::User => "USER",
            Self::Priority => "PRI",
            Self::Nice => "NI",
            Self::Virt => "VIRT",
            Self::Res => "RES",
            Self::State => "S",
            Self::Cpu => "CPU%",
            Self::Mem => "MEM%",
            Self::Time => "TIME+",
            Self::Why => "WHY",
            Self::Command => "COMMAND",
        }
    }

    /// Parses a column name as the CLI's `--sort` takes it (case-insensitive; header
    /// titles and plain words both work: `cpu`, `CPU%`, `rss`, `time+`).
    /// `parse`, with an error that names the value and the columns there are.
    pub fn named(s: &str) -> Result<Self, UnknownColumn> {
        Self::parse(s).ok_or_else(|| UnknownColumn(s.to_string()))
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        Some(match s.trim_end_matches(['%', '+']) {
            "pid" => Self::Pid,
            "user" => Self::User,
            "pri" | "priority" => Self::Priority,
            "ni" | "nice" => Self::Nice,
            "virt" | "vsz" => Self::Virt,
            "res" | "rss" | "mem_bytes" => Self::Res,
            "s" | "state" => Self::State,
            "cpu" => Self::Cpu,
            "mem" => Self::Mem,
            "time" => Self::Time,
            "why" => Self::Why,
            "command" | "cmd" | "comm" => Self::Command,
            _ => return None,
        })
    }

    /// Whether a fresh sort on this column starts with the biggest values, as htop does.
    pub(crate) fn descending_by_default(self) -> bool {
        matches!(
            self,
            Self::Cpu | Self::Mem | Self::Res | Self::Virt | Self::Time
        )
    }

    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|c| *c == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    pub fn prev(self) -> Self {
        let i = Self::ALL.iter().position(|c| *c == self).unwrap_or(0);
        Self::ALL[(i + Self::ALL.len() - 1) % Self::ALL.len()]
    }

    /// Compares rows `a` and `b` of `t` ascending; ties fall back to pid.
    pub(crate) fn compare(self, t: &ProcessTable, a: usize, b: usize) -> Ordering {
        let (p, q) = (&t.snapshot.procs[a], &t.snapshot.procs[b]);
        let (s, r) = (&t.stats[a], &t.stats[b]);
        let ord = match self {
            Self::Pid => Ordering::Equal,
            Self::User => p.user.cmp(&q.user),
            Self::Priority => p.priority.cmp(&q.priority),
            Self::Nice => p.nice.cmp(&q.nice),
            Self::Virt => p.vsz_bytes.cmp(&q.vsz_bytes),
            Self::Res => p.rss_bytes.cmp(&q.rss_bytes),
            Self::State => p.state.letter().cmp(&q.state.letter()),
            Self::Cpu => s.cpu_percent.total_cmp(&r.cpu_percent),
            Self::Mem => s.mem_percent.total_cmp(&r.mem_percent),
            Self::Time => p.cpu_ns.cmp(&q.cpu_ns),
            Self::Why => {
                let tag = |i: usize| t.snapshot.why.get(i).map(|w| (w.reason, !w.ready));
                tag(a).cmp(&tag(b))
            }
            Self::Command => command_of(p).cmp(command_of(q)),
        };
        ord.then(p.pid.cmp(&q.pid))
    }
}

fn command_of(p: &super::ProcSample) -> &str {
    if p.cmdline.is_empty() {
        &p.comm
    } else {
        &p.cmdline
    }
}

/// A sort column's name (`--sort`, the config's `sort`) that names no column.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown column {0:?}; one of: pid, user, pri, ni, virt, res, s, cpu, mem, time, why, command"
)]
pub struct UnknownColumn(pub String);
