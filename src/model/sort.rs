//! Columns the table can be sorted by, and how two rows compare on each.

use super::table::ProcessTable;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// A column of the table, by what it sorts on: each column sorts by its own
/// figure, so one name serves both (`present::columns` holds their titles,
/// widths and config names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortColumn {
    Pid,
    Ppid,
    Pgrp,
    Sid,
    Tty,
    User,
    Uid,
    Priority,
    Nice,
    Virt,
    Res,
    Shr,
    State,
    Cpu,
    Mem,
    Time,
    Start,
    Nlwp,
    /// The CPU it last ran on.
    Processor,
    IoRead,
    IoWrite,
    MinFlt,
    MajFlt,
    CtxSw,
    Oom,
    /// macOS: the main thread's QoS tier, then where its CPU went.
    Qos,
    /// macOS: darwin background.
    Bg,
    /// macOS: physical footprint.
    Footprint,
    /// macOS: energy billed a second.
    Energy,
    Why,
    /// CPU % over the last refreshes, as a sparkline (sorts as CPU %).
    CpuHistory,
    Command,
}

impl SortColumn {
    /// Whether a fresh sort on this column starts with the biggest values, as htop does.
    pub(crate) fn descending_by_default(self) -> bool {
        matches!(
            self,
            Self::Cpu
                | Self::CpuHistory
                | Self::Mem
                | Self::Res
                | Self::Virt
                | Self::Shr
                | Self::Time
                | Self::Nlwp
                | Self::IoRead
                | Self::IoWrite
                | Self::MinFlt
                | Self::MajFlt
                | Self::CtxSw
                | Self::Oom
                | Self::Footprint
                | Self::Energy
        )
    }

    /// Compares rows `a` and `b` of `t` ascending; ties fall back to pid.
    pub(crate) fn compare(self, t: &ProcessTable, a: usize, b: usize) -> Ordering {
        let (p, q) = (&t.snapshot.procs[a], &t.snapshot.procs[b]);
        let (s, r) = (&t.stats[a], &t.stats[b]);
        let ord = match self {
            Self::Pid => Ordering::Equal,
            Self::Ppid => p.ppid.cmp(&q.ppid),
            Self::Pgrp => p.pgid.cmp(&q.pgid),
            Self::Sid => p.sid.cmp(&q.sid),
            Self::Tty => p.tty.cmp(&q.tty),
            Self::User => p.user.cmp(&q.user),
            Self::Uid => p.uid.cmp(&q.uid),
            Self::Priority => p.priority.cmp(&q.priority),
            Self::Nice => p.nice.cmp(&q.nice),
            Self::Virt => p.vsz_bytes.cmp(&q.vsz_bytes),
            Self::Res => p.rss_bytes.cmp(&q.rss_bytes),
            Self::Shr => p.extra.shared_kib.cmp(&q.extra.shared_kib),
            Self::State => p.state.letter().cmp(&q.state.letter()),
            // The sparkline's newest point is the CPU % of the row.
            Self::Cpu | Self::CpuHistory => s.cpu_percent.total_cmp(&r.cpu_percent),
            Self::Mem => s.mem_percent.total_cmp(&r.mem_percent),
            Self::Time => p.cpu_ns.cmp(&q.cpu_ns),
            Self::Start => p.start_time.cmp(&q.start_time),
            Self::Nlwp => p.threads.cmp(&q.threads),
            Self::Processor => p.extra.processor.cmp(&q.extra.processor),
            Self::IoRead => rate(s.io_read_rate).total_cmp(&rate(r.io_read_rate)),
            Self::IoWrite => rate(s.io_write_rate).total_cmp(&rate(r.io_write_rate)),
            Self::MinFlt => s.minflt_rate.total_cmp(&r.minflt_rate),
            Self::MajFlt => s.majflt_rate.total_cmp(&r.majflt_rate),
            Self::CtxSw => s.ctxsw_rate.total_cmp(&r.ctxsw_rate),
            Self::Oom => p.extra.oom_score.cmp(&q.extra.oom_score),
            Self::Qos => qos(p).cmp(&qos(q)),
            Self::Bg => mac(p, |m| m.background).cmp(&mac(q, |m| m.background)),
            Self::Footprint => mac(p, |m| Some(m.footprint)).cmp(&mac(q, |m| Some(m.footprint))),
            Self::Energy => rate(s.energy_watts).total_cmp(&rate(r.energy_watts)),
            Self::Why => {
                let tag = |i: usize| t.snapshot.why.get(i).map(|w| (w.reason, !w.ready));
                tag(a).cmp(&tag(b))
            }
            Self::Command => command_of(p).cmp(command_of(q)),
        };
        ord.then(p.pid.cmp(&q.pid))
    }
}

/// A macOS figure; None (below every known one) where there is none.
fn mac<T>(p: &super::ProcSample, f: impl Fn(&super::MacFigures) -> Option<T>) -> Option<T> {
    p.extra.mac.as_deref().and_then(f)
}

fn qos(p: &super::ProcSample) -> Option<(Option<super::QosClass>, Option<super::QosClass>)> {
    mac(p, |m| Some((m.qos_tier, m.qos_cpu)))
}

/// An unknown rate sorts below every known one.
fn rate(r: Option<f32>) -> f32 {
    r.unwrap_or(-1.0)
}

fn command_of(p: &super::ProcSample) -> &str {
    if p.cmdline.is_empty() {
        &p.comm
    } else {
        &p.cmdline
    }
}
