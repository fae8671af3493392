//! `whytop record`: headless, one sample a refresh into the recording.

use crate::actions::datadir::{PrivateDir, data_dir};
use crate::collectors::sampler::Headless;
use crate::model::{Snapshot, derive};
use crate::platform::cn_proc::Event;
use crate::platform::fs_safe::OpenHow;
use crate::store::{KernelExit, Writer, WriterOptions};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The recording's file name in the data directory.
pub(crate) const DB_NAME: &str = "record.sqlite";

#[derive(clap::Args, Debug)]
pub struct RecordArgs {
    /// Seconds between samples (at least 0.1).
    #[arg(long, value_name = "S", default_value_t = 5.0, value_parser = parse_interval)]
    pub interval: f64,
    /// The database (default: record.sqlite in whytop's data directory).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Keep this many days of recording (fractions allowed; 0: forever).
    #[arg(long, value_name = "DAYS", default_value_t = 7.0, value_parser = parse_days)]
    pub retain: f64,
    /// Seconds between keyframes (every process written in full).
    #[arg(long, value_name = "S", default_value_t = 300.0, hide = true, value_parser = parse_interval)]
    pub keyframe: f64,
    /// Stop after this many samples (for measurements and tests).
    #[arg(long, value_name = "N", hide = true)]
    pub samples: Option<u64>,
    /// Sample without writing (to measure what writing costs).
    #[arg(long, hide = true)]
    pub no_write: bool,
}

/// A `--interval` or `--keep-days` value out of its range; carries the text given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
enum NumberError {
    #[error("{0:?}: seconds, at least 0.1")]
    Interval(String),
    #[error("{0:?}: days, a number (0: keep everything)")]
    Days(String),
}

fn parse_interval(s: &str) -> Result<f64, NumberError> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.1 => Ok(v),
        _ => Err(NumberError::Interval(s.to_string())),
    }
}

fn parse_days(s: &str) -> Result<f64, NumberError> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(NumberError::Days(s.to_string())),
    }
}

/// The recording to write: `--db`, else `record.sqlite` in the private data
/// directory, created there 0600 (never through a symlink) before SQLite opens it.
pub(crate) fn db_for_writing(db: Option<&PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(p) = db {
        // Made private if new; a file the user chose is otherwise left as it is.
        use std::os::unix::fs::OpenOptionsExt;
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(p)
        {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                anyhow::bail!("{}: {e}", p.display())
            }
            _ => {}
        }
        return Ok(p.clone());
    }
    let dir = PrivateDir::data()?;
    dir.open_file(DB_NAME, OpenHow::Append)?;
    Ok(dir.join(DB_NAME))
}

/// The recording to read: `--db`, else the data directory's (checked private).
pub(crate) fn db_for_reading(db: Option<&PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(p) = db {
        return Ok(p.clone());
    }
    let dir = data_dir()?;
    if !dir.exists() {
        return Ok(dir.join(DB_NAME));
    }
    let dir = PrivateDir::open(&dir)?;
    dir.open_file(DB_NAME, OpenHow::Read)?;
    Ok(dir.join(DB_NAME))
}

fn wall_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

pub fn run(args: &RecordArgs) -> anyhow::Result<i32> {
    let path = db_for_writing(args.db.as_ref())?;
    let opts = WriterOptions {
        keyframe_secs: args.keyframe,
        retain_secs: (args.retain > 0.0).then_some(args.retain * 86400.0),
    };
    let mut writer = Writer::open(
        &path,
        opts,
        Box::new(|c: &str| crate::actions::redact::redact_text(c)),
    )?;
    errln!(
        "whytop record: writing {} every {} s, keeping {}",
        path.display(),
        args.interval,
        if args.retain > 0.0 {
            format!("{} days", args.retain)
        } else {
            "everything".into()
        }
    );
    // As root on Linux, exits (code, signal) as the kernel reports them, and
    // the forks and execs of processes too short-lived for a sample.
    // On macOS, the exits of the processes whytop may signal (kqueue).
    let (event_tx, events) = std::sync::mpsc::channel();
    let exit_tx = event_tx.clone();
    match crate::platform::exit_events::watch_events(move |e| {
        event_tx.send((e, wall_now())).is_ok()
    }) {
        Ok(()) => errln!(
            "whytop record: exit codes and signals, forks and execs from the kernel's process events"
        ),
        // A crash report (it comes after the exit, which is noted) is not stored yet.
        Err(e) => match crate::platform::exit_events::watch_exits(move |ended| {
            ended.crash.is_some() || exit_tx.send((Event::Exit(ended.exit), wall_now())).is_ok()
        }) {
            Ok(()) => errln!(
                "whytop record: exit codes and signals of the processes whytop may signal (kqueue); no forks or execs"
            ),
            Err(_) => errln!(
                "whytop record: no exit codes or signals ({e}; the process events connector needs root on Linux): ended processes are those the sampler saw go"
            ),
        },
    }
    let mut sampler = Headless::new(crate::platform::native()?);
    // As root on Linux, the OOM killer's kills from the kernel log.
    match sampler.watch_oom_kills() {
        Ok(()) => {
            writer.set_oom_known(true);
            errln!("whytop record: OOM kills from the kernel log");
        }
        Err(e) => errln!(
            "whytop record: OOM kills are not known ({e}; reading the kernel log needs root on Linux)"
        ),
    }
    // Processes whytop's stop ladder ended, from the audit log's new records.
    let mut audit = crate::actions::audit::AuditLog::open_default()
        .ok()
        .map(crate::actions::audit::AuditTail::from_end);
    let mut spawns = Spawns::default();
    let interval = Duration::from_secs_f64(args.interval);
    let mut prev: Option<Arc<Snapshot>> = None;
    let mut next = Instant::now();
    let mut taken = 0u64;
    loop {
        match sampler.pass() {
            Ok(snap) => {
                let snap = Arc::new(snap);
                let table = derive(prev.as_deref(), Arc::clone(&snap));
                for (e, at) in events.try_iter() {
                    spawns.event(&mut writer, e, at, &snap);
                }
                for k in &snap.oom_kills {
                    writer.note_oom_kill(k.clone());
                }
                if let Some(tail) = audit.as_mut() {
                    match tail.new_records() {
                        Ok(records) => {
                            for s in crate::actions::stop::ladder_stops(&records) {
                                writer.note_ladder_stop(s);
                            }
                        }
                        Err(e) => errln!("whytop record: {e}"),
                    }
                }
                // A write that fails (a full disk) is said and retried at the next sample.
                if !args.no_write
                    && let Err(e) = writer.write(&table, args.interval)
                {
                    errln!("whytop record: {e}");
                }
                prev = Some(snap);
            }
            Err(e) => errln!("whytop record: {e}"),
        }
        taken += 1;
        if args.samples.is_some_and(|n| taken >= n) {
            return Ok(0);
        }
        next += interval;
        let now = Instant::now();
        if next <= now {
            // Behind (a slow pass, a suspended machine): start afresh from now.
            next = now + interval;
        }
        std::thread::sleep(next - now);
    }
}

/// Who forked whom, from the process events, so an exec is counted under the
/// parent of the process that ran it; forgotten at its exit.
#[derive(Default)]
struct Spawns {
    parent: std::collections::HashMap<i32, i32>,
}

/// More than this many processes forked and not seen to exit (exits lost to
/// an overrun) and the map starts afresh.
const MAX_PARENTS: usize = 100_000;

impl Spawns {
    fn event(&mut self, writer: &mut Writer, e: Event, at: f64, snap: &Snapshot) {
        match e {
            Event::Fork {
                parent_tgid,
                child_pid,
                child_tgid,
            } if child_pid == child_tgid => {
                if self.parent.len() >= MAX_PARENTS {
                    self.parent.clear();
                }
                self.parent.insert(child_tgid, parent_tgid);
                writer.note_spawn(parent_tgid, false);
            }
            Event::Exec { tgid, .. } => {
                let ppid = self.parent.get(&tgid).copied().unwrap_or_else(|| {
                    snap.procs
                        .binary_search_by_key(&tgid, |p| p.pid)
                        .ok()
                        .map_or(0, |i| snap.procs[i].ppid)
                });
                writer.note_spawn(ppid, true);
            }
            Event::Exit(x) if x.pid == x.tgid => {
                self.parent.remove(&x.pid);
                writer.note_exit(
                    x.pid,
                    KernelExit {
                        code: x.code,
                        signal: x.signal,
                        core_dumped: x.core_dumped,
                        at,
                    },
                );
            }
            _ => {}
        }
    }
}
