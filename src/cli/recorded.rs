//! Answers from the recording: `ps --at`, `why PID --at`, `ended`.

use super::record::db_for_reading;
use crate::model::timespec::{TimeParseError, TimeSpec, parse_duration};
use crate::platform::localtime::{self, LocalTime};
use crate::present::format;
use crate::store::{EndedRow, Moment, MomentRow, Reader};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// Why a `--at` TIME names no moment; carries the text given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AtError {
    #[error(transparent)]
    Parse(#[from] TimeParseError),
    #[error("{0:?}: not a local time this system can convert")]
    NotConvertible(String),
    #[error("the local date is not known")]
    NoLocalDate,
}

/// A `--at` TIME as seconds since the epoch; the message says the forms.
pub fn resolve(at: &str) -> Result<f64, AtError> {
    let spec: TimeSpec = at.parse()?;
    let now = now();
    let local = |t: LocalTime| {
        localtime::to_epoch(t)
            .map(|s| s as f64)
            .ok_or_else(|| AtError::NotConvertible(at.to_string()))
    };
    match spec {
        TimeSpec::Ago(secs) => Ok(now - secs),
        TimeSpec::At {
            year,
            month,
            day,
            hour,
            minute,
            second,
        } => local(LocalTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
        }),
        TimeSpec::Today {
            hour,
            minute,
            second,
        } => {
            let today = localtime::of(now).ok_or(AtError::NoLocalDate)?;
            local(LocalTime {
                hour,
                minute,
                second,
                ..today
            })
        }
    }
}

fn open(db: Option<&PathBuf>) -> anyhow::Result<Reader> {
    Ok(Reader::open(&db_for_reading(db)?)?)
}

#[derive(Serialize)]
struct PsAt<'a> {
    /// The moment asked for, seconds since the epoch.
    at: f64,
    /// When the sample it is answered from was taken.
    taken_at: f64,
    processes: &'a [MomentRow],
}

/// `whytop ps --at TIME`.
pub(crate) fn ps_at(at: &str, db: Option<&PathBuf>, json: bool) -> anyhow::Result<i32> {
    let t = match resolve(at) {
        Ok(t) => t,
        Err(e) => {
            errln!("whytop ps: --at {e}");
            return Ok(2);
        }
    };
    let reader = open(db)?;
    let m = reader.at(t, None)?;
    let mut out = String::new();
    if json {
        out = serde_json::to_string_pretty(&PsAt {
            at: t,
            taken_at: m.taken_at,
            processes: &m.rows,
        })?;
        out.push('\n');
    } else {
        header(&mut out, &reader, &m);
        let _ = writeln!(
            out,
            "{:>7} {:<9} S {:>5} {:>6} {:>9} {:<11} COMMAND",
            "PID", "USER", "CPU%", "RES", "TIME+", "WHY"
        );
        for r in &m.rows {
            let user: String = r.user.as_deref().unwrap_or("?").chars().take(9).collect();
            let _ = writeln!(
                out,
                "{:>7} {:<9} {} {:>5.1} {:>6} {:>9} {:<11} {}",
                r.pid,
                user,
                r.state,
                r.cpu_percent,
                format::bytes(r.rss_bytes.max(0) as u64),
                format::cpu_time((r.cpu_time_secs * 1e9) as u64),
                why_word(r),
                format::printable(&r.command),
            );
        }
    }
    super::emit(&out)
}

fn why_word(r: &MomentRow) -> String {
    let mut w = r.why.clone();
    if r.weak {
        w.push('?');
    }
    w
}

fn header(out: &mut String, reader: &Reader, m: &Moment) {
    let _ = writeln!(
        out,
        "Recorded {} ({}): {} processes, CPU {}, load {}",
        localtime::format(m.taken_at),
        reader.path().display(),
        m.rows.len(),
        m.cpu_percent.map_or("?".into(), |c| format!("{c:.1} %")),
        m.load1.map_or("?".into(), |l| format!("{l:.2}")),
    );
}

#[derive(Serialize)]
struct WhyAt<'a> {
    at: f64,
    taken_at: f64,
    #[serde(flatten)]
    process: &'a MomentRow,
}

/// `whytop why PID --at TIME`.
pub(crate) fn why_at(pid: i32, at: &str, db: Option<&PathBuf>, json: bool) -> anyhow::Result<i32> {
    let t = match resolve(at) {
        Ok(t) => t,
        Err(e) => {
            errln!("whytop why: --at {e}");
            return Ok(2);
        }
    };
    let reader = open(db)?;
    let m = reader.at(t, Some(pid))?;
    let Some(r) = m.rows.first() else {
        errln!(
            "whytop why: pid {pid} was not running at {} (by the recording {})",
            localtime::format(m.taken_at),
            reader.path().display()
        );
        return Ok(crate::actions::outcome::OutcomeKind::Gone.exit_code());
    };
    let mut out = String::new();
    if json {
        out = serde_json::to_string_pretty(&WhyAt {
            at: t,
            taken_at: m.taken_at,
            process: r,
        })?;
        out.push('\n');
    } else {
        let since = r.why_since.map_or(String::new(), |s| {
            format!(
                ", since {} (for {})",
                localtime::format(s),
                format::duration_secs((m.taken_at - s).max(0.0) as u64)
            )
        });
        let _ = writeln!(
            out,
            "pid {} ({}) at {}: {}{}",
            r.pid,
            format::printable(&r.comm),
            localtime::format(m.taken_at),
            why_word(r),
            since
        );
        let _ = writeln!(
            out,
            "  state {}, CPU {:.1} %, RSS {}, {} threads, nice {}, user {}",
            r.state,
            r.cpu_percent,
            format::bytes(r.rss_bytes.max(0) as u64),
            r.threads,
            r.nice,
            r.user.as_deref().unwrap_or("?")
        );
        let _ = writeln!(out, "  command {}", format::printable(&r.command));
        let _ = writeln!(out, "  (recorded in {})", reader.path().display());
    }
    super::emit(&out)
}

#[derive(clap::Args, Debug)]
pub struct EndedArgs {
    /// Print a JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Only those that ended within this long (`90s`, `10m`, `2h`, `1d`).
    #[arg(long, value_name = "DURATION", default_value = "1d", value_parser = parse_duration)]
    pub since: f64,
    /// The recording (default: record.sqlite in whytop's data directory).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

/// How a process ended, in words: the OOM killer's kill or whytop's ladder
/// where the recording knows, else its exit code or signal.
pub fn how(e: &EndedRow) -> String {
    if e.oom_killed == Some(true) {
        // The recorder notes a cgroup only for a memory cgroup's OOM.
        return crate::model::ending::oom_words(e.oom_cgroup.is_some(), e.oom_cgroup.as_deref());
    }
    if let Some(signal) = &e.ladder_signal {
        return crate::model::ending::ladder_words(signal);
    }
    let signal = e.exit_signal.map(crate::platform::signals::name);
    let known =
        crate::model::ending::words(e.exit_code, signal.as_deref(), e.core_dumped == Some(true));
    match known {
        Some(words) => words,
        None if e.source == "sampler" => "gone (not seen how)".into(),
        None => e.source.clone(),
    }
}

/// `whytop ended`.
pub fn ended(args: &EndedArgs) -> anyhow::Result<i32> {
    let reader = open(args.db.as_ref())?;
    let rows = reader.ended(now() - args.since)?;
    let mut out = String::new();
    if args.json {
        out = serde_json::to_string_pretty(&rows)?;
        out.push('\n');
        return super::emit(&out);
    }
    let _ = writeln!(
        out,
        "{:<19} {:>7} {:>9} {:<42} {:<11} {:>9} {:>6} COMMAND",
        "ENDED", "PID", "RAN", "HOW", "LAST WHY", "TIME+", "PEAK"
    );
    for e in &rows {
        let _ = writeln!(
            out,
            "{:<19} {:>7} {:>9} {:<42} {:<11} {:>9} {:>6} {}",
            localtime::format(e.ended_at),
            e.pid,
            e.lifetime_secs
                .map_or("?".into(), |s| format::duration_secs(s as u64)),
            how(e),
            e.last_why.as_deref().unwrap_or("?"),
            e.cpu_time_secs
                .map_or("?".into(), |s| format::cpu_time((s * 1e9) as u64)),
            e.peak_rss_bytes
                .map_or("?".into(), |b| format::bytes(b.max(0) as u64)),
            format::printable(&e.command),
        );
    }
    if rows.is_empty() {
        let _ = writeln!(
            out,
            "(nothing ended in the last {} by the recording {})",
            format::duration_secs(args.since as u64),
            reader.path().display()
        );
    }
    let spawns = reader.spawns(now() - args.since, 5)?;
    if !spawns.is_empty() {
        let by: Vec<String> = spawns
            .iter()
            .map(|x| {
                format!(
                    "{} {}: {} forks, {} execs",
                    x.comm.as_deref().map_or("?".into(), format::printable),
                    x.ppid,
                    x.forks,
                    x.execs
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "Most forks (the kernel's process events): {}",
            by.join("; ")
        );
    }
    let unknown = rows.iter().filter(|e| e.oom_killed.is_none()).count();
    if unknown > 0 {
        let _ = writeln!(
            out,
            "(whether the OOM killer ended them is not known for {unknown} of these: the recorder reads its kills from the kernel log, /dev/kmsg, as root on Linux)"
        );
    }
    super::emit(&out)
}
