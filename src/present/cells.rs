//! The text of one cell of the table, for every column but COMMAND (whose
//! tree branches, basename and redaction the table and `whytop ps` each add).
//! The same text on screen and in `whytop ps`.

use super::format;
use crate::model::sort::SortColumn as C;
use crate::model::why::WhyTag;
use crate::model::{ProcSample, RowStats};

/// What one row's cells are made from.
pub(crate) struct Row<'a> {
    pub p: &'a ProcSample,
    pub s: &'a RowStats,
    pub why: Option<WhyTag>,
    /// The snapshot's wall clock, seconds since the epoch: START is said
    /// relative to it.
    pub now: f64,
}

/// The text of column `c` of `row`; COMMAND gives the plain command line.
pub fn text(c: C, row: &Row) -> String {
    let (p, s) = (row.p, row.s);
    match c {
        C::Pid => p.pid.to_string(),
        C::Ppid => p.ppid.to_string(),
        C::Pgrp => p.pgid.to_string(),
        C::Sid => p.sid.to_string(),
        C::Tty => p.tty.as_deref().unwrap_or("?").to_string(),
        C::User => p.user.as_deref().unwrap_or("?").to_string(),
        C::Uid => p.uid.map_or_else(|| "?".into(), |u| u.to_string()),
        C::Priority if p.priority <= -100 => "RT".into(),
        C::Priority => p.priority.to_string(),
        C::Nice => p.nice.to_string(),
        C::Virt => format::bytes(p.vsz_bytes),
        C::Res => format::bytes(p.rss_bytes),
        C::Shr => format::bytes(u64::from(p.extra.shared_kib) * 1024),
        C::State => p.state.letter().to_string(),
        C::Cpu => format!("{:.1}", s.cpu_percent),
        C::Mem => format!("{:.1}", s.mem_percent),
        C::Time => format::cpu_time(p.cpu_ns),
        C::Start => start(p.started_at, row.now),
        C::Nlwp => p.threads.to_string(),
        C::Processor => p.extra.processor.to_string(),
        C::IoRead => s.io_read_rate.map(byte_rate).unwrap_or_default(),
        C::IoWrite => s.io_write_rate.map(byte_rate).unwrap_or_default(),
        C::MinFlt => count_rate(s.minflt_rate),
        C::MajFlt => count_rate(s.majflt_rate),
        C::CtxSw => count_rate(s.ctxsw_rate),
        C::Oom => p.extra.oom_score.map(|o| o.to_string()).unwrap_or_default(),
        C::Qos => p.extra.mac.as_deref().map(qos).unwrap_or_default(),
        C::Bg => p
            .extra
            .mac
            .as_deref()
            .and_then(|m| m.background)
            .map(|b| if b { "bg" } else { "-" }.to_string())
            .unwrap_or_default(),
        C::Footprint => p
            .extra
            .mac
            .as_deref()
            .map(|m| format::bytes(m.footprint))
            .unwrap_or_default(),
        C::Energy => s.energy_watts.map(watts).unwrap_or_default(),
        C::Why => row.why.map(|w| w.text()).unwrap_or_default(),
        // History is the TUI's: a single sample (`whytop ps`) has none.
        C::CpuHistory => "-".into(),
        C::Command => p.command(),
    }
}

/// QOS: the main thread's tier, `/`, the class most CPU went to since the
/// last refresh (`ui/ut`); `?` for a tier unread, `-` for no CPU used.
fn qos(m: &crate::model::MacFigures) -> String {
    let tier = m.qos_tier.map_or("?", |c| c.short());
    let cpu = m.qos_cpu.map_or("-", |c| c.short());
    format!("{tier}/{cpu}")
}

/// Watts in six cells: `0`, `0.4mW`, `350mW`, `1.25W`, `12.5W`.
fn watts(w: f32) -> String {
    let mw = w * 1000.0;
    match mw {
        mw if mw < 0.05 => "0".into(),
        mw if mw < 10.0 => format!("{mw:.1}mW"),
        mw if mw < 999.5 => format!("{}mW", mw.round() as u32),
        _ if w < 10.0 => format!("{w:.2}W"),
        _ => format!("{w:.1}W"),
    }
}

/// Bytes a second in five cells: `512B`, `12K`, `1.5M`.
fn byte_rate(r: f32) -> String {
    match r {
        r if r < 0.5 => "0".into(),
        r if r < 1000.0 => format!("{}B", r.round() as u64),
        r => format::bytes(r as u64),
    }
}

/// Events a second: `0`, `0.5`, `42`, `12k`.
fn count_rate(r: f32) -> String {
    match r {
        r if r <= 0.0 => "0".into(),
        r if r < 10.0 => format!("{r:.1}"),
        r if r < 100_000.0 => format!("{}", r.round() as u64),
        r => format!("{}k", (r / 1000.0).round() as u64),
    }
}

/// When it started, as htop says it: `HH:MM` within a day, `MonDD` within a
/// year, else the year.
fn start(started: f64, now: f64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let Some(t) = crate::platform::localtime::of(started) else {
        return "?".into();
    };
    let ago = now - started;
    if ago < 86_400.0 {
        format!("{:02}:{:02}", t.hour, t.minute)
    } else if ago < 365.0 * 86_400.0 {
        let month = MONTHS[(t.month.clamp(1, 12) - 1) as usize];
        format!("{month}{:02}", t.day)
    } else {
        t.year.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testutil::sample;

    #[test]
    fn cells_of_the_new_columns() {
        let mut p = sample(42, 7, "db");
        p.threads = 9;
        p.extra.processor = 3;
        p.extra.shared_kib = 2048;
        p.extra.oom_score = Some(666);
        let s = RowStats {
            io_read_rate: Some(1536.0 * 1024.0),
            minflt_rate: 12.4,
            majflt_rate: 0.5,
            ctxsw_rate: 250_000.0,
            ..Default::default()
        };
        let row = Row {
            p: &p,
            s: &s,
            why: None,
            now: p.started_at + 60.0,
        };
        let t = |c| text(c, &row);
        assert_eq!(
            (t(C::Ppid), t(C::Nlwp), t(C::Processor)),
            ("7".into(), "9".into(), "3".into())
        );
        assert_eq!(
            (t(C::Shr), t(C::Oom), t(C::Tty)),
            ("2.0M".into(), "666".into(), "?".into())
        );
        assert_eq!(
            (t(C::IoRead), t(C::IoWrite)),
            ("1.5M".into(), String::new())
        );
        assert_eq!(
            (t(C::MinFlt), t(C::MajFlt), t(C::CtxSw)),
            ("12".into(), "0.5".into(), "250k".into())
        );
        assert_eq!(t(C::Start).len(), 5, "HH:MM within a day");
        assert_eq!(start(40.0 * 86_400.0, 500.0 * 86_400.0), "1970");
        assert_eq!(byte_rate(0.0), "0");
        assert_eq!(byte_rate(512.0), "512B");
    }

    #[test]
    fn macos_cells_and_empty_elsewhere() {
        use crate::model::{MacFigures, QosClass};
        let mut p = sample(42, 7, "Finder");
        let s = RowStats::default();
        fn row<'a>(p: &'a ProcSample, s: &'a RowStats) -> Row<'a> {
            Row {
                p,
                s,
                why: None,
                now: 0.0,
            }
        }
        // Linux (and another user's process on macOS): no figures, empty cells.
        for c in [C::Qos, C::Bg, C::Footprint, C::Energy] {
            assert_eq!(text(c, &row(&p, &s)), "", "{c:?}");
        }
        p.extra.mac = Some(Box::new(MacFigures {
            qos_tier: Some(QosClass::UserInteractive),
            qos_cpu: Some(QosClass::Utility),
            background: Some(true),
            footprint: 182 << 20,
            billed_energy_nj: 1,
        }));
        assert_eq!(text(C::Qos, &row(&p, &s)), "ui/ut");
        assert_eq!(text(C::Bg, &row(&p, &s)), "bg");
        assert_eq!(text(C::Footprint, &row(&p, &s)), "182M");
        let m = p.extra.mac.as_deref_mut().unwrap();
        (m.qos_tier, m.qos_cpu, m.background) = (None, None, Some(false));
        assert_eq!(text(C::Qos, &row(&p, &s)), "?/-");
        assert_eq!(text(C::Bg, &row(&p, &s)), "-");
        let energy = RowStats {
            energy_watts: Some(0.035),
            ..Default::default()
        };
        assert_eq!(text(C::Energy, &row(&p, &energy)), "35mW");
        assert_eq!(
            [0.0, 0.0004, 0.0123, 1.25, 104.0].map(watts),
            ["0", "0.4mW", "12mW", "1.25W", "104.0W"]
        );
    }
}
