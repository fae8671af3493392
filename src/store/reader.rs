//! Reads a recording back: the processes at one moment, and those that ended.

use super::{StoreError, sql_err};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::path::{Path, PathBuf};

pub struct Reader {
    conn: Connection,
    path: PathBuf,
    /// The recording's schema version (1 lacks OOM kills and ladder steps).
    version: i64,
}

/// The sample a moment is answered from.
#[derive(Clone, Debug, Serialize)]
pub struct Moment {
    pub sample_id: i64,
    /// When that sample was taken (at or before the moment asked for).
    pub taken_at: f64,
    pub interval_s: f64,
    pub cpu_percent: Option<f64>,
    pub mem_used: Option<i64>,
    pub mem_total: Option<i64>,
    pub load1: Option<f64>,
    pub rows: Vec<MomentRow>,
}

/// One process as it was at a moment.
#[derive(Clone, Debug, Serialize)]
pub struct MomentRow {
    pub pid: i32,
    pub ppid: i32,
    pub start_time: u64,
    pub started_at: Option<f64>,
    pub uid: Option<u32>,
    pub user: Option<String>,
    pub state: String,
    pub why: String,
    pub weak: bool,
    pub ready_for_input: bool,
    pub cpu_percent: f64,
    pub cpu_time_secs: f64,
    pub rss_bytes: i64,
    pub threads: u32,
    pub nice: i32,
    pub tty: Option<String>,
    pub comm: String,
    pub command: String,
    pub kernel_thread: bool,
    /// Since when it had that WHY word without a break (the first sample of
    /// the run the recording holds).
    pub why_since: Option<f64>,
}

/// A process that ended, as the recording saw it.
#[derive(Clone, Debug, Serialize)]
pub struct EndedRow {
    pub pid: i32,
    pub start_time: u64,
    pub comm: String,
    pub command: String,
    pub user: Option<String>,
    pub started_at: Option<f64>,
    /// When it was first seen gone (the sampler) or exited (the kernel said).
    pub ended_at: f64,
    /// The last sample it was seen alive in.
    pub last_seen_at: Option<f64>,
    /// How long it ran, seconds (to `ended_at`).
    pub lifetime_secs: Option<f64>,
    pub exit_code: Option<i32>,
    pub exit_signal: Option<i32>,
    pub core_dumped: Option<bool>,
    /// `sampler` (it was missing from a sample: how it ended is not known),
    /// or `kernel` (the exit status came from the process events connector).
    pub source: String,
    /// Whether the OOM killer killed it, from the kernel log the recorder
    /// read (Linux as root); null when that was not known.
    pub oom_killed: Option<bool>,
    /// The memory cgroup whose limit it hit, when the kernel named it.
    pub oom_cgroup: Option<String>,
    /// whytop's stop ladder ended it: at this step (0-based) and signal,
    /// from the audit record matched by pid and start time.
    pub ladder_step: Option<i64>,
    pub ladder_signal: Option<String>,
    pub last_why: Option<String>,
    pub cpu_time_secs: Option<f64>,
    pub peak_rss_bytes: Option<i64>,
}

/// The range a recording covers, for messages.
#[derive(Clone, Copy, Debug, Serialize)]
pub(crate) struct Coverage {
    pub first: f64,
    pub last: f64,
    pub samples: i64,
}

impl Reader {
    pub fn open(path: &Path) -> Result<Reader, StoreError> {
        let (conn, version) = super::open_for_reading(path)?;
        Ok(Reader {
            conn,
            path: path.into(),
            version,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn coverage(&self) -> Result<Option<Coverage>, StoreError> {
        let e = sql_err(&self.path);
        self.conn
            .query_row(
                "SELECT min(taken_at), max(taken_at), count(*) FROM samples",
                [],
                |r| {
                    Ok(match r.get::<_, Option<f64>>(0)? {
                        None => None,
                        Some(first) => Some(Coverage {
                            first,
                            last: r.get(1)?,
                            samples: r.get(2)?,
                        }),
                    })
                },
            )
            .map_err(e)
    }

    /// The processes at `at` (seconds since the epoch): from the newest sample
    /// at or before it, which must be no older than about two of its intervals.
    /// `pid`: only that process.
    pub fn at(&self, at: f64, pid: Option<i32>) -> Result<Moment, StoreError> {
        let e = sql_err(&self.path);
        let sample = self
            .conn
            .query_row(
                "SELECT id, taken_at, interval_s, cpu_percent, mem_used, mem_total, load1
                 FROM samples WHERE taken_at <= ?1 ORDER BY taken_at DESC LIMIT 1",
                [at],
                |r| {
                    Ok(Moment {
                        sample_id: r.get(0)?,
                        taken_at: r.get(1)?,
                        interval_s: r.get(2)?,
                        cpu_percent: r.get(3)?,
                        mem_used: r.get(4)?,
                        mem_total: r.get(5)?,
                        load1: r.get(6)?,
                        rows: Vec::new(),
                    })
                },
            )
            .optional()
            .map_err(&e)?;
        let cover = self.coverage()?;
        let no = |what: String| StoreError::NoSample {
            path: self.path.clone(),
            what,
        };
        let range = |c: &Coverage| {
            format!(
                "the recording covers {} to {} ({} samples)",
                local(c.first),
                local(c.last),
                c.samples
            )
        };
        let Some(cover) = cover else {
            return Err(no("the recording holds no samples yet".into()));
        };
        let Some(mut m) = sample else {
            return Err(no(format!(
                "nothing recorded at or before {}: {}",
                local(at),
                range(&cover)
            )));
        };
        let slack = (2.0 * m.interval_s).max(m.interval_s + 2.0);
        if at - m.taken_at > slack {
            return Err(no(format!(
                "no sample near {} (the nearest before it is from {}, the recorder was not running): {}",
                local(at),
                local(m.taken_at),
                range(&cover)
            )));
        }
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT p.pid, s.ppid, p.start_time, p.started_at, p.uid, p.user, s.state, s.why,
                   s.weak, s.ready, s.cpu_percent, s.cpu_time_s, s.rss, s.threads, s.nice, p.tty,
                   p.comm, p.command, p.kernel_thread, p.id
                 FROM processes p JOIN proc_samples s ON s.proc_id = p.id AND s.sample_id =
                   (SELECT max(sample_id) FROM proc_samples WHERE proc_id = p.id AND sample_id <= ?1)
                 WHERE p.first_sample <= ?1 AND (p.end_sample IS NULL OR p.end_sample > ?1)
                   AND (?2 IS NULL OR p.pid = ?2)
                 ORDER BY p.pid",
            )
            .map_err(&e)?;
        let rows = st
            .query_map(params![m.sample_id, pid], |r| {
                Ok((
                    MomentRow {
                        pid: r.get(0)?,
                        ppid: r.get(1)?,
                        start_time: r.get::<_, i64>(2)? as u64,
                        started_at: r.get(3)?,
                        uid: r.get(4)?,
                        user: r.get(5)?,
                        state: r.get(6)?,
                        why: r.get(7)?,
                        weak: r.get(8)?,
                        ready_for_input: r.get(9)?,
                        cpu_percent: r.get(10)?,
                        cpu_time_secs: r.get(11)?,
                        rss_bytes: r.get(12)?,
                        threads: r.get(13)?,
                        nice: r.get(14)?,
                        tty: r.get(15)?,
                        comm: r.get(16)?,
                        command: r.get(17)?,
                        kernel_thread: r.get(18)?,
                        why_since: None,
                    },
                    r.get::<_, i64>(19)?,
                ))
            })
            .map_err(&e)?;
        for row in rows {
            let (mut row, id) = row.map_err(&e)?;
            if pid.is_some() {
                row.why_since = self.why_since(id, m.sample_id, &row.why)?;
            }
            m.rows.push(row);
        }
        Ok(m)
    }

    /// When the run of `why` that holds at sample `at` began: the first row
    /// after the newest one at or before `at` with another word.
    fn why_since(&self, proc_id: i64, at: i64, why: &str) -> Result<Option<f64>, StoreError> {
        let e = sql_err(&self.path);
        self.conn
            .query_row(
                "SELECT s.taken_at FROM proc_samples r JOIN samples s ON s.id = r.sample_id
                 WHERE r.proc_id = ?1 AND r.sample_id <= ?2 AND r.sample_id > coalesce(
                   (SELECT max(sample_id) FROM proc_samples
                    WHERE proc_id = ?1 AND sample_id <= ?2 AND why != ?3), -1)
                 ORDER BY r.sample_id LIMIT 1",
                params![proc_id, at, why],
                |r| r.get(0),
            )
            .optional()
            .map_err(e)
    }

    /// Processes that ended at or after `since` (seconds since the epoch), newest first.
    pub fn ended(&self, since: f64) -> Result<Vec<EndedRow>, StoreError> {
        let e = sql_err(&self.path);
        // Version 1 has no columns for the OOM killer and the ladder.
        let sql = if self.version >= 2 {
            "SELECT pid, start_time, comm, command, user, started_at, ended_at, last_seen_at,
               exit_code, exit_signal, core_dumped, end_source, last_why, cpu_time_s, peak_rss,
               oom_killed, oom_cgroup, ladder_step, ladder_signal
             FROM processes WHERE ended_at IS NOT NULL AND ended_at >= ?1
             ORDER BY ended_at DESC, pid"
        } else {
            "SELECT pid, start_time, comm, command, user, started_at, ended_at, last_seen_at,
               exit_code, exit_signal, core_dumped, end_source, last_why, cpu_time_s, peak_rss,
               NULL, NULL, NULL, NULL
             FROM processes WHERE ended_at IS NOT NULL AND ended_at >= ?1
             ORDER BY ended_at DESC, pid"
        };
        let mut st = self.conn.prepare_cached(sql).map_err(&e)?;
        let rows = st
            .query_map([since], |r| {
                let started_at: Option<f64> = r.get(5)?;
                let ended_at: f64 = r.get(6)?;
                Ok(EndedRow {
                    pid: r.get(0)?,
                    start_time: r.get::<_, i64>(1)? as u64,
                    comm: r.get(2)?,
                    command: r.get(3)?,
                    user: r.get(4)?,
                    started_at,
                    ended_at,
                    last_seen_at: r.get(7)?,
                    lifetime_secs: started_at.map(|s| (ended_at - s).max(0.0)),
                    exit_code: r.get(8)?,
                    exit_signal: r.get(9)?,
                    core_dumped: r.get(10)?,
                    source: r.get::<_, Option<String>>(11)?.unwrap_or_default(),
                    oom_killed: r.get(15)?,
                    oom_cgroup: r.get(16)?,
                    ladder_step: r.get(17)?,
                    ladder_signal: r.get(18)?,
                    last_why: r.get(12)?,
                    cpu_time_secs: r.get(13)?,
                    peak_rss_bytes: r.get(14)?,
                })
            })
            .map_err(&e)?;
        rows.collect::<Result<_, _>>().map_err(e)
    }
}

/// Forks and execs under one parent over a span of the recording.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct SpawnRow {
    pub ppid: i32,
    /// Its name as recorded (the newest process of that pid), if it was.
    pub comm: Option<String>,
    pub forks: i64,
    pub execs: i64,
}

impl Reader {
    /// Parents by the forks under them in samples taken at or after `since`,
    /// most first, at most `limit` (version 1 recordings have none).
    pub fn spawns(&self, since: f64, limit: usize) -> Result<Vec<SpawnRow>, StoreError> {
        if self.version < 2 {
            return Ok(Vec::new());
        }
        let e = sql_err(&self.path);
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT x.ppid, (SELECT comm FROM processes WHERE pid = x.ppid
                   ORDER BY start_time DESC LIMIT 1), sum(x.forks), sum(x.execs)
                 FROM spawns x JOIN samples s ON s.id = x.sample_id
                 WHERE s.taken_at >= ?1
                 GROUP BY x.ppid ORDER BY sum(x.forks) DESC, x.ppid LIMIT ?2",
            )
            .map_err(&e)?;
        let rows = st
            .query_map(params![since, limit as i64], |r| {
                Ok(SpawnRow {
                    ppid: r.get(0)?,
                    comm: r.get(1)?,
                    forks: r.get(2)?,
                    execs: r.get(3)?,
                })
            })
            .map_err(&e)?;
        rows.collect::<Result<_, _>>().map_err(e)
    }
}

/// Seconds since the epoch as a plain UTC-free number for messages; the CLI
/// prints local times itself.
fn local(t: f64) -> String {
    crate::platform::localtime::format(t)
}
