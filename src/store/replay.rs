//! A recording read back sample by sample as the snapshots the TUI takes: the
//! processes of one sample from its keyframe and the rows since (as `ps --at`
//! reads a moment), then each next sample by applying only its own rows, its
//! new processes and its endings. Where to go (a sample on, a minute back, a
//! time typed) is `Timeline`, pure.

use super::reader::reason;
use super::{StoreError, sql_err};
use crate::model::ending::{ExitReport, OomKill};
use crate::model::why::WhyTag;
use crate::model::{CpuShares, ProcInfo, ProcKey, ProcSample, ProcState, Snapshot, SystemSample};
use rusqlite::{Connection, Row, params};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One sample of the recording, as the timeline steps over them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mark {
    pub id: i64,
    pub taken_at: f64,
    pub interval_s: f64,
    /// Processes in it.
    pub procs: u32,
}

/// Where a replay stands, for the header.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Position {
    /// 0-based index of the sample shown.
    pub index: usize,
    pub count: usize,
    pub taken_at: f64,
    /// The recorder's interval at that sample, seconds.
    pub interval_s: f64,
    pub first: f64,
    pub last: f64,
}

/// The recording's samples in order; where a step or a time lands.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    pub marks: Vec<Mark>,
}

/// Where a move landed, and whether it ran into an end of the recording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Landing {
    pub index: usize,
    /// The move wanted to go further than the recording reaches.
    pub clamped: bool,
}

impl Timeline {
    pub fn len(&self) -> usize {
        self.marks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }

    fn last(&self) -> usize {
        self.marks.len().saturating_sub(1)
    }

    /// `n` samples on (back when negative) from `from`.
    pub fn step(&self, from: usize, n: i64) -> Landing {
        let want = from as i64 + n;
        let index = want.clamp(0, self.last() as i64) as usize;
        Landing {
            index,
            clamped: want != index as i64,
        }
    }

    /// `secs` of recorded time on (back when negative): forward, the first
    /// sample at least that much later; back, the newest at least that much
    /// earlier. Always at least one sample, unless at an end.
    pub(crate) fn step_secs(&self, from: usize, secs: f64) -> Landing {
        let Some(here) = self.marks.get(from) else {
            return Landing {
                index: 0,
                clamped: true,
            };
        };
        let target = here.taken_at + secs;
        if secs >= 0.0 {
            let i = self.marks.partition_point(|m| m.taken_at < target);
            match self.marks.get(i) {
                Some(_) => Landing {
                    index: i.max((from + 1).min(self.last())),
                    clamped: false,
                },
                None => Landing {
                    index: self.last(),
                    clamped: true,
                },
            }
        } else {
            match self.marks.partition_point(|m| m.taken_at <= target) {
                0 => Landing {
                    index: 0,
                    clamped: true,
                },
                n => Landing {
                    index: (n - 1).min(from.saturating_sub(1)),
                    clamped: false,
                },
            }
        }
    }

    /// The newest sample at or before `t` (the first one when `t` is earlier
    /// than the recording: then `clamped`).
    pub fn at(&self, t: f64) -> Landing {
        match self.marks.partition_point(|m| m.taken_at <= t) {
            0 => Landing {
                index: 0,
                clamped: true,
            },
            n => Landing {
                index: n - 1,
                clamped: false,
            },
        }
    }

    pub fn position(&self, index: usize) -> Position {
        Position {
            index,
            count: self.marks.len(),
            taken_at: self.marks.get(index).map_or(0.0, |m| m.taken_at),
            interval_s: self.marks.get(index).map_or(1.0, |m| m.interval_s),
            first: self.marks.first().map_or(0.0, |m| m.taken_at),
            last: self.marks.last().map_or(0.0, |m| m.taken_at),
        }
    }
}

/// A process as the replay holds it between samples.
struct Held {
    info: Arc<ProcInfo>,
    ppid: i32,
    state: ProcState,
    why: WhyTag,
    cpu_ns: u64,
    rss: u64,
    threads: u32,
    nice: i32,
}

/// The processes at the sample last built, by key (so in pid order, as a
/// snapshot lists them) and by their row id in the recording.
#[derive(Default)]
struct Live {
    at: Option<i64>,
    procs: BTreeMap<ProcKey, Held>,
    ids: HashMap<i64, ProcKey>,
}

/// An open recording, rebuilding snapshots of its samples.
pub struct Recording {
    conn: Connection,
    path: PathBuf,
    live: Live,
    /// The recorder had the kernel's exit reports (it ran as root on
    /// Linux): one ending came with them. Read with the timeline.
    kernel_exits: bool,
    /// The schema version (1 has no OOM columns).
    version: i64,
    /// The recorder read the kernel log for OOM kills (version 2, as root):
    /// a process with no kill recorded was not killed by the OOM killer.
    oom_known: bool,
}

const PROC_COLUMNS: &str = "p.id, p.pid, p.start_time, p.started_at, p.uid, p.user, p.comm,
    p.command, p.tty, p.kernel_thread, s.ppid, s.state, s.why, s.weak, s.ready, s.cpu_time_s,
    s.rss, s.threads, s.nice";

fn held_of(r: &Row<'_>) -> rusqlite::Result<(i64, ProcKey, Held)> {
    let key = ProcKey {
        pid: r.get(1)?,
        start_time: r.get::<_, i64>(2)? as u64,
    };
    let command: String = r.get(7)?;
    let kernel_thread: bool = r.get(9)?;
    // `[comm]` is what the recorder writes for an empty command line.
    let cmdline = if command.starts_with('[') && command.ends_with(']') {
        String::new()
    } else {
        command
    };
    let info = ProcInfo {
        tty: r.get::<_, Option<String>>(8)?.map(Into::into),
        uid: r.get(4)?,
        user: r.get::<_, Option<String>>(5)?.map(Into::into),
        started_at: r.get::<_, Option<f64>>(3)?.unwrap_or(0.0),
        comm: r.get::<_, String>(6)?.into(),
        cmdline: cmdline.into(),
        kernel_thread,
    };
    let state: String = r.get(11)?;
    let why: String = r.get(12)?;
    Ok((
        r.get(0)?,
        key,
        Held {
            info: Arc::new(info),
            ppid: r.get(10)?,
            state: ProcState::from_letter(state.bytes().next().unwrap_or(b'?')),
            why: WhyTag {
                weak: r.get(13)?,
                ready: r.get(14)?,
                ..WhyTag::of(reason(&why))
            },
            cpu_ns: (r.get::<_, f64>(15)?.max(0.0) * 1e9) as u64,
            rss: r.get::<_, i64>(16)?.max(0) as u64,
            threads: r.get(17)?,
            nice: r.get(18)?,
        },
    ))
}

impl Recording {
    pub fn open(path: &Path) -> Result<Recording, StoreError> {
        let (conn, version) = super::open_for_reading(path)?;
        Ok(Recording {
            conn,
            path: path.into(),
            live: Live::default(),
            kernel_exits: false,
            version,
            oom_known: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every sample, oldest first (read again to follow a recorder still running).
    pub fn timeline(&mut self) -> Result<Timeline, StoreError> {
        let e = sql_err(&self.path);
        self.kernel_exits = self
            .conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM processes WHERE end_source = 'kernel')",
                [],
                |r| r.get(0),
            )
            .map_err(&e)?;
        self.oom_known = self.version >= 2
            && self
                .conn
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM processes WHERE oom_killed IS NOT NULL)",
                    [],
                    |r| r.get(0),
                )
                .map_err(&e)?;
        let mut st = self
            .conn
            .prepare_cached("SELECT id, taken_at, interval_s, procs FROM samples ORDER BY id")
            .map_err(&e)?;
        let marks = st
            .query_map([], |r| {
                Ok(Mark {
                    id: r.get(0)?,
                    taken_at: r.get(1)?,
                    interval_s: r.get(2)?,
                    procs: r.get(3)?,
                })
            })
            .map_err(&e)?
            .collect::<Result<_, _>>()
            .map_err(&e)?;
        Ok(Timeline { marks })
    }

    /// The snapshot of `sample`: built from the sample before it when that is
    /// the one built last (its rows alone), else read whole.
    pub fn snapshot(&mut self, sample: &Mark, prev: Option<&Mark>) -> Result<Snapshot, StoreError> {
        let (exits, oom_kills) = match prev {
            Some(p) if self.live.at == Some(p.id) => self.advance(sample.id)?,
            _ => {
                self.load(sample.id)?;
                (Vec::new(), Vec::new())
            }
        };
        self.live.at = Some(sample.id);
        let system = self.system(sample.id)?;
        let (procs, why): (Vec<ProcSample>, Vec<WhyTag>) = self
            .live
            .procs
            .iter()
            .map(|(k, h)| (sample_of(*k, h), h.why))
            .unzip();
        Ok(Snapshot {
            taken_at: sample.taken_at,
            mono_ns: (sample.taken_at.max(0.0) * 1e9) as u64,
            system,
            procs: Arc::new(procs),
            with_threads: false,
            why,
            exits,
            exits_known: self.kernel_exits,
            oom_kills,
            oom_known: self.oom_known,
        })
    }

    /// The processes alive at `sample`, each from its newest row at or before it.
    fn load(&mut self, sample: i64) -> Result<(), StoreError> {
        let e = sql_err(&self.path);
        self.live = Live::default();
        let sql = format!(
            "SELECT {PROC_COLUMNS} FROM processes p JOIN proc_samples s ON s.proc_id = p.id
               AND s.sample_id = (SELECT max(sample_id) FROM proc_samples
                                  WHERE proc_id = p.id AND sample_id <= ?1)
             WHERE p.first_sample <= ?1 AND (p.end_sample IS NULL OR p.end_sample > ?1)"
        );
        let mut st = self.conn.prepare_cached(&sql).map_err(&e)?;
        let rows = st.query_map([sample], held_of).map_err(&e)?;
        for row in rows {
            let (id, key, held) = row.map_err(&e)?;
            self.live.ids.insert(id, key);
            self.live.procs.insert(key, held);
        }
        Ok(())
    }

    /// From the sample built last to `sample`, the next one: its endings go,
    /// its rows (new processes among them) apply. Returns the exits the
    /// kernel reported for the processes that ended there.
    fn advance(&mut self, sample: i64) -> Result<(Vec<ExitReport>, Vec<OomKill>), StoreError> {
        let e = sql_err(&self.path);
        let mut exits = Vec::new();
        let mut kills = Vec::new();
        {
            // Version 1 has no OOM columns: nothing was known of the OOM killer.
            let oom = if self.version >= 2 {
                "oom_killed, oom_cgroup"
            } else {
                "NULL, NULL"
            };
            let mut st = self
                .conn
                .prepare_cached(&format!(
                    "SELECT id, exit_code, exit_signal, core_dumped, ended_at, {oom}
                     FROM processes WHERE end_sample = ?1"
                ))
                .map_err(&e)?;
            let rows = st
                .query_map([sample], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Option<i32>>(1)?,
                        r.get::<_, Option<i32>>(2)?,
                        r.get::<_, Option<bool>>(3)?,
                        r.get::<_, Option<f64>>(4)?,
                        r.get::<_, Option<bool>>(5)?,
                        r.get::<_, Option<String>>(6)?,
                    ))
                })
                .map_err(&e)?;
            for row in rows {
                let (id, code, signal, core, at, oom_killed, cgroup) = row.map_err(&e)?;
                let Some(key) = self.live.ids.remove(&id) else {
                    continue;
                };
                let held = self.live.procs.remove(&key);
                if oom_killed == Some(true) {
                    // Given to this process alone: at its own start time.
                    kills.push(OomKill {
                        pid: key.pid,
                        comm: held.map(|h| h.info.comm.to_string()).unwrap_or_default(),
                        memcg: cgroup.is_some(),
                        cgroup,
                        at: at.unwrap_or(0.0),
                        at_ticks: key.start_time,
                    });
                }
                if code.is_some() || signal.is_some() {
                    exits.push(ExitReport {
                        pid: key.pid,
                        parent: 0,
                        code,
                        signal,
                        signal_name: signal.map(crate::platform::signals::name),
                        core_dumped: core == Some(true),
                        at: at.unwrap_or(0.0),
                        at_ticks: key.start_time,
                        crash: None,
                    });
                }
            }
        }
        let sql = format!(
            "SELECT {PROC_COLUMNS} FROM proc_samples s JOIN processes p ON p.id = s.proc_id
             WHERE s.sample_id = ?1"
        );
        let mut st = self.conn.prepare_cached(&sql).map_err(&e)?;
        let rows = st.query_map(params![sample], held_of).map_err(&e)?;
        for row in rows {
            let (id, key, mut held) = row.map_err(&e)?;
            if let Some(old) = self.live.procs.get(&key) {
                // Names rarely change: the shared part is kept when they did not.
                if *old.info == *held.info {
                    held.info = Arc::clone(&old.info);
                }
            }
            self.live.ids.insert(id, key);
            self.live.procs.insert(key, held);
        }
        Ok((exits, kills))
    }

    /// The machine's figures of a sample. The recording keeps their average
    /// over the CPUs, not each CPU: one bar shows it.
    fn system(&self, sample: i64) -> Result<SystemSample, StoreError> {
        let e = sql_err(&self.path);
        self.conn
            .query_row(
                "SELECT cpu_percent, mem_used, mem_total, swap_used, swap_total, load1, load5,
                   load15, cpu_pressure, cpu_user, cpu_system, cpu_iowait, cpu_steal
                 FROM samples WHERE id = ?1",
                [sample],
                |r| {
                    let size = |i: usize| -> rusqlite::Result<u64> {
                        Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0).max(0) as u64)
                    };
                    let f = |i: usize| -> rusqlite::Result<Option<f32>> {
                        Ok(r.get::<_, Option<f64>>(i)?.map(|v| v as f32))
                    };
                    let kinds = match (f(9)?, f(10)?, f(11)?, f(12)?) {
                        (Some(user), Some(system), Some(iowait), Some(steal)) => vec![CpuShares {
                            user,
                            system,
                            iowait,
                            steal,
                            ..Default::default()
                        }],
                        _ => Vec::new(),
                    };
                    Ok(SystemSample {
                        cpu_percent: f(0)?.into_iter().collect(),
                        mem_used: size(1)?,
                        mem_total: size(2)?,
                        swap_used: size(3)?,
                        swap_total: size(4)?,
                        load: [
                            r.get::<_, Option<f64>>(5)?.unwrap_or(0.0),
                            r.get::<_, Option<f64>>(6)?.unwrap_or(0.0),
                            r.get::<_, Option<f64>>(7)?.unwrap_or(0.0),
                        ],
                        cpu_pressure: f(8)?,
                        cpu_kinds: kinds,
                        ..Default::default()
                    })
                },
            )
            .map_err(e)
    }
}

fn sample_of(key: ProcKey, h: &Held) -> ProcSample {
    ProcSample {
        pid: key.pid,
        ppid: h.ppid,
        // Not recorded: what the table and the tree need is.
        pgid: key.pid,
        sid: 0,
        tty_nr: 0,
        tpgid: -1,
        state: h.state,
        priority: 20 + h.nice,
        nice: h.nice,
        threads: h.threads,
        start_time: key.start_time,
        cpu_ns: h.cpu_ns,
        run_delay_ns: 0,
        rss_bytes: h.rss,
        vsz_bytes: 0,
        tgid: None,
        // Not recorded: the extra columns show empty or 0 in a replay.
        extra: Default::default(),
        info: Arc::clone(&h.info),
    }
}

#[cfg(test)]
mod tests;
