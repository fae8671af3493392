//! `whytop record`: headless, one sample a refresh into the recording.

use crate::actions::datadir::{PrivateDir, data_dir};
use crate::collectors::sampler::Headless;
use crate::model::{Snapshot, derive};
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
    // As root on Linux, exits (code, signal) as the kernel reports them.
    let (exit_tx, exits) = std::sync::mpsc::channel();
    match crate::platform::exit_events::watch_exits(move |x| exit_tx.send((x, wall_now())).is_ok())
    {
        Ok(()) => errln!("whytop record: exit codes and signals from the kernel's process events"),
        Err(e) => errln!(
            "whytop record: no exit codes or signals ({e}; the process events connector needs root on Linux): ended processes are those the sampler saw go"
        ),
    }
    let mut sampler = Headless::new(crate::platform::native()?);
    let interval = Duration::from_secs_f64(args.interval);
    let mut prev: Option<Arc<Snapshot>> = None;
    let mut next = Instant::now();
    let mut taken = 0u64;
    loop {
        match sampler.pass() {
            Ok(snap) => {
                let snap = Arc::new(snap);
                let table = derive(prev.as_deref(), Arc::clone(&snap));
                for (x, at) in exits.try_iter() {
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
