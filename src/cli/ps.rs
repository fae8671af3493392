//! `whytop ps`: one snapshot as a table or as JSON.

use crate::collectors::why::ChildIndex;
use crate::model::ProcSample;
use crate::model::sort::SortColumn;
use crate::model::view::{self, ViewOptions};
use crate::model::why::usage::CpuUsage;
use crate::model::why::{
    Evidence, Unreadable, UnreadableWhy, Verdict, classify, classify_process_with, thread_input,
    thread_wait,
};
use crate::model::{Filter, ProcessTable, derive};
use crate::platform::Platform;
use crate::present::cells::{self, Row};
use crate::present::format;
use serde::Serialize;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct PsArgs {
    /// Print a JSON array of objects instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Order as a tree: children under their parents.
    #[arg(long)]
    pub tree: bool,
    /// Only processes whose command, name, user or pid holds TEXT (`re:` for a regex).
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Sort by this column: any column's name (pid, ppid, user, cpu, mem, rss, time,
    /// nlwp, why, command, ...; default: the config's `sort`; pid with --tree).
    #[arg(long, value_name = "COLUMN", value_parser = parse_sort)]
    pub sort: Option<SortColumn>,
    /// Milliseconds between the two samples CPU% is measured over (at least 100:
    /// CPU time is counted in 10 ms ticks).
    #[arg(long, value_name = "MS", default_value_t = 500,
          value_parser = clap::value_parser!(u64).range(100..=60_000))]
    pub interval: u64,
    /// Answer from the recording at TIME instead: `YYYY-MM-DD HH:MM:SS`,
    /// `HH:MM:SS` (today, local time) or relative (`-5m`).
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub at: Option<String>,
    /// The recording `--at` reads (default: record.sqlite in whytop's data directory).
    #[arg(long, value_name = "PATH", requires = "at")]
    pub db: Option<std::path::PathBuf>,
}

pub(crate) fn parse_sort(s: &str) -> Result<SortColumn, crate::present::columns::UnknownColumn> {
    crate::present::columns::named(s)
}

/// One row of `whytop ps --json`. The README documents every field.
#[derive(Serialize)]
pub(crate) struct PsRow<'a> {
    pub pid: i32,
    pub ppid: i32,
    pub pgid: i32,
    pub sid: i32,
    pub start_time: u64,
    pub started_at: f64,
    pub uid: Option<u32>,
    pub user: Option<&'a str>,
    pub state: char,
    pub priority: i32,
    pub nice: i32,
    pub cpu_percent: f32,
    pub mem_percent: f32,
    pub cpu_time_secs: f64,
    pub rss_bytes: u64,
    pub vsz_bytes: u64,
    pub threads: u32,
    pub shared_bytes: u64,
    /// The CPU it last ran on.
    pub processor: u16,
    /// Page faults and context switches a second over the sampling window.
    pub minflt_per_sec: f32,
    pub majflt_per_sec: f32,
    pub ctxsw_per_sec: f32,
    /// Storage I/O (null where `/proc/PID/io` is unreadable).
    pub io_read_bytes: Option<u64>,
    pub io_write_bytes: Option<u64>,
    pub io_read_bytes_per_sec: Option<f32>,
    pub io_write_bytes_per_sec: Option<f32>,
    pub oom_score: Option<u16>,
    /// macOS (null elsewhere, and for another user's process without root):
    /// the main thread's QoS tier, the class most CPU went to over the
    /// sampling window, darwin background, physical footprint, energy billed
    /// a second.
    pub qos_tier: Option<crate::model::QosClass>,
    pub qos_cpu: Option<crate::model::QosClass>,
    pub background: Option<bool>,
    pub footprint_bytes: Option<u64>,
    pub energy_watts: Option<f32>,
    pub tty: Option<&'a str>,
    pub tpgid: i32,
    pub comm: &'a str,
    /// Redacted as bundles are (`--password x`, URL passwords, tokens).
    pub command: std::borrow::Cow<'a, str>,
    pub kernel_thread: bool,
    /// Depth in the tree (0 without `--tree`).
    pub depth: u16,
    /// Why it is not running: reason, detail, ready_for_input, evidence.
    pub why: Option<Verdict>,
}

pub fn run(args: &PsArgs) -> anyhow::Result<i32> {
    if let Some(at) = &args.at {
        return super::recorded::ps_at(at, args.db.as_ref(), args.json);
    }
    let filter = match args.filter.as_deref().map(Filter::parse).transpose() {
        Ok(f) => f.flatten(),
        Err(e) => {
            errln!("whytop ps: {e}");
            return Ok(2);
        }
    };
    // The config's sort and columns, as the TUI takes them; a bad file stops
    // ps as it stops the TUI.
    let config = crate::app::config::Config::load()?;
    // A theme the config names but that does not hold stops ps too, as the TUI.
    crate::app::user_theme::of_config(&config)?;
    let config_sort = config.sort_column()?;
    let columns = config.column_ids()?;
    // JSON has every field; the table reads what its columns need.
    let (io, oom) = if args.json {
        (true, true)
    } else {
        crate::present::columns::extra_reads(&columns)
    };
    let platform = crate::platform::native()?;
    let list = crate::platform::ListOptions {
        io,
        oom,
        ..Default::default()
    };
    let (prev, cur, mut platform) = crate::collectors::sampler::collect_pair_with(
        platform,
        Duration::from_millis(args.interval),
        list,
    )?;
    let (prev_procs, prev_ns) = (Arc::clone(&prev.procs), prev.mono_ns);
    let table = derive(Some(&prev), Arc::new(cur));
    let sort = match args.sort {
        Some(s) => s,
        None if args.tree => SortColumn::Pid,
        None => config_sort,
    };
    let opts = ViewOptions {
        sort,
        descending: !args.tree && sort.descending_by_default(),
        filter,
        tree: args.tree,
        ..Default::default()
    };
    // Not itself: `whytop ps --filter x` would always list its own command line.
    let me = std::process::id() as crate::model::Pid;
    let mut rows = view::build(&table, &opts);
    rows.retain(|r| table.snapshot.procs[r.idx].pid != me);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = if args.json {
        write_json(
            &mut out,
            &table,
            &rows,
            platform.as_mut(),
            (&prev_procs, prev_ns),
        )
    } else {
        write_table(&mut out, &table, &rows, &columns)
    };
    match written.and_then(|_| out.flush()) {
        Ok(()) => Ok(0),
        // A closed pipe (`whytop ps | head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn json_row<'a>(
    t: &'a ProcessTable,
    r: &view::ViewRow,
    why: Option<Verdict>,
) -> PsRow<'a> {
    let p = &t.snapshot.procs[r.idx];
    let s = t.stats[r.idx];
    let mac = p.extra.mac.as_deref();
    PsRow {
        pid: p.pid,
        ppid: p.ppid,
        pgid: p.pgid,
        sid: p.sid,
        start_time: p.start_time,
        started_at: p.started_at,
        uid: p.uid,
        user: p.user.as_deref(),
        state: p.state.letter(),
        priority: p.priority,
        nice: p.nice,
        cpu_percent: (s.cpu_percent * 10.0).round() / 10.0,
        mem_percent: (s.mem_percent * 10.0).round() / 10.0,
        cpu_time_secs: p.cpu_ns as f64 / 1e9,
        rss_bytes: p.rss_bytes,
        vsz_bytes: p.vsz_bytes,
        threads: p.threads,
        shared_bytes: u64::from(p.extra.shared_kib) * 1024,
        processor: p.extra.processor,
        minflt_per_sec: round1(s.minflt_rate),
        majflt_per_sec: round1(s.majflt_rate),
        ctxsw_per_sec: round1(s.ctxsw_rate),
        io_read_bytes: p.extra.io.as_ref().map(|i| i.read),
        io_write_bytes: p.extra.io.as_ref().map(|i| i.write),
        io_read_bytes_per_sec: s.io_read_rate.map(f32::round),
        io_write_bytes_per_sec: s.io_write_rate.map(f32::round),
        oom_score: p.extra.oom_score,
        qos_tier: mac.and_then(|m| m.qos_tier),
        qos_cpu: mac.and_then(|m| m.qos_cpu),
        background: mac.and_then(|m| m.background),
        footprint_bytes: mac.map(|m| m.footprint),
        energy_watts: s.energy_watts.map(|w| (w * 1e4).round() / 1e4),
        tty: p.tty.as_deref(),
        tpgid: p.tpgid,
        comm: &p.comm,
        command: redacted(if p.cmdline.is_empty() {
            &p.comm
        } else {
            &p.cmdline
        }),
        kernel_thread: p.kernel_thread,
        depth: r.depth,
        why,
    }
}

fn round1(v: f32) -> f32 {
    (v * 10.0).round() / 10.0
}

/// The full verdict on one row, read now. A process that vanished meanwhile gets
/// `unknown` saying so, from what the listing knew. Its threads are read only
/// where one may decide (a foreground, multi-threaded process whose main thread
/// waits on something other than input; a main thread on a futex in a process
/// that was not busy), as `whytop why` judges them. `usage`: how it spent the
/// sampling window. The verdict is settled against the state its own evidence
/// was read in, which the row then shows.
pub(crate) fn verdict_of(
    platform: &mut dyn Platform,
    p: &ProcSample,
    index: &ChildIndex,
    usage: Option<&CpuUsage>,
) -> Verdict {
    let children = index.children(p.pid);
    let evidence = platform
        .wait_evidence(p, children.clone(), true)
        .unwrap_or_else(|_| {
            let mut e = Evidence::from_sample(p, children);
            e.unreadable.push(Unreadable {
                what: "process".into(),
                why: UnreadableWhy::Gone,
            });
            e
        });
    let v = classify(&evidence);
    let busy = usage.is_some_and(CpuUsage::busy);
    let threads = if p.tgid.is_none()
        && (thread_input::worth_a_look(&evidence, v.reason)
            || (!busy && thread_wait::worth_a_look(&evidence, v.reason)))
    {
        platform.thread_evidence(p.key(), true)
    } else {
        Vec::new()
    };
    classify_process_with(&evidence, &threads, usage).main
}

/// How `p` spent the window since the first of the two samples.
fn usage_of(prev: &[ProcSample], p: &ProcSample, window_ns: u64) -> Option<CpuUsage> {
    let before = crate::collectors::why::find(prev, p.pid)?;
    CpuUsage::between(before, p, window_ns)
}

fn write_json(
    out: &mut impl Write,
    t: &ProcessTable,
    rows: &[view::ViewRow],
    platform: &mut dyn Platform,
    (prev, prev_ns): (&[ProcSample], u64),
) -> std::io::Result<()> {
    let index = ChildIndex::new(&t.snapshot.procs);
    let all: Vec<PsRow> = rows
        .iter()
        .map(|r| {
            let p = &t.snapshot.procs[r.idx];
            let usage = usage_of(prev, p, t.snapshot.mono_ns.saturating_sub(prev_ns));
            let v = verdict_of(platform, p, &index, usage.as_ref());
            let mut row = json_row(t, r, None);
            // The state its verdict was judged in: read after the listing's.
            if let Some(s) = v.evidence.state {
                row.state = s.letter();
            }
            row.why = Some(v);
            row
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)
}

/// The table in the TUI's columns and cells; nothing gives way (a pipe has no
/// width), and only USER and TTY are cut to their width, as ps cuts them.
fn write_table(
    out: &mut impl Write,
    t: &ProcessTable,
    rows: &[view::ViewRow],
    columns: &[SortColumn],
) -> std::io::Result<()> {
    let line = |cells: &mut dyn Iterator<Item = (SortColumn, String)>| -> String {
        let mut line = String::new();
        for (c, text) in cells {
            let spec = crate::present::columns::spec(c);
            if !line.is_empty() {
                line.push(' ');
            }
            let w = spec.width as usize;
            let text: String = match c {
                SortColumn::User | SortColumn::Tty => text.chars().take(w).collect(),
                _ => text,
            };
            if spec.right {
                line.push_str(&format!("{text:>w$}"));
            } else {
                line.push_str(&format!("{text:<w$}"));
            }
        }
        line.trim_end().to_string()
    };
    let titles = columns
        .iter()
        .map(|c| (*c, crate::present::columns::title(*c).to_string()));
    writeln!(out, "{}", line(&mut titles.into_iter()))?;
    for r in rows {
        let row = Row {
            p: &t.snapshot.procs[r.idx],
            s: &t.stats[r.idx],
            why: t.snapshot.why.get(r.idx).copied(),
            now: t.snapshot.taken_at,
        };
        let mut cells = columns.iter().map(|c| {
            let text = match c {
                SortColumn::Command => format!(
                    "{}{}",
                    r.tree_prefix(),
                    format::printable(&redacted(&row.p.command()))
                ),
                _ => cells::text(*c, &row),
            };
            (*c, text)
        });
        writeln!(out, "{}", line(&mut cells))?;
    }
    Ok(())
}

/// A command line as whytop prints it: secrets redacted as in bundles.
pub fn redacted(c: &str) -> std::borrow::Cow<'_, str> {
    let r = crate::actions::redact::redact_text(c);
    if r == c {
        std::borrow::Cow::Borrowed(c)
    } else {
        std::borrow::Cow::Owned(r)
    }
}
