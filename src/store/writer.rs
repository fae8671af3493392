//! Writes one refresh a transaction: the sample's machine figures, a row for
//! each process whose figures changed since its previous row (every process at
//! a keyframe), new processes, and the ones that ended. Prunes at keyframes.

use super::{StoreError, sql_err};
use crate::model::ending::{LadderStop, OomKill};
use crate::model::table::ProcessTable;
use crate::model::why::WhyTag;
use crate::model::{ProcKey, ProcSample};
use rusqlite::{Connection, params};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug)]
pub struct WriterOptions {
    /// Wall-clock seconds between keyframes.
    pub keyframe_secs: f64,
    /// Keep this many seconds of recording (None: forever).
    pub retain_secs: Option<f64>,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            keyframe_secs: 300.0,
            retain_secs: Some(7.0 * 86400.0),
        }
    }
}

/// What a process's row holds; a new row is written when any of it changes.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Row {
    ppid: i32,
    state: char,
    why: WhyTag,
    /// Tenths of a percent, so noise below that is not a change.
    cpu_tenths: u32,
    cpu_ns: u64,
    rss: u64,
    threads: u32,
    nice: i32,
}

/// How a process ended, as the kernel's process events said.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KernelExit {
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub core_dumped: bool,
    /// When it was reported, seconds since the epoch.
    pub at: f64,
}

struct Open {
    id: i64,
    row: Row,
    peak_rss: u64,
    /// Names as last written (None: taken up from an earlier run, not compared yet).
    info: Option<std::sync::Arc<crate::model::ProcInfo>>,
}

pub struct Writer {
    conn: Connection,
    path: PathBuf,
    opts: WriterOptions,
    session: i64,
    open: HashMap<ProcKey, Open>,
    last_keyframe: Option<f64>,
    last_taken_at: Option<f64>,
    prev_ticks: Option<crate::model::CpuTicks>,
    /// Exits the kernel reported, by pid, not yet matched to a process that ended.
    exits: HashMap<i32, KernelExit>,
    /// Whether OOM kills are known (the kernel log is read): then a process
    /// that ended without one is recorded as not OOM-killed.
    oom_known: bool,
    /// OOM kills logged, not yet matched to a process that ended.
    oom_kills: Vec<OomKill>,
    /// Processes whytop's ladder ended, from audit records not yet written.
    ladder_stops: Vec<LadderStop>,
    /// Forks and execs since the last write, per parent.
    spawns: HashMap<i32, (u64, u64)>,
    /// Command lines go through this before they are written (redaction).
    redact: Box<dyn Fn(&str) -> String + Send>,
}

/// What one `write` did, for the recorder's log and its tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Written {
    pub sample_id: i64,
    pub keyframe: bool,
    pub rows: usize,
    pub new: usize,
    pub ended: usize,
    pub pruned_samples: usize,
}

impl Writer {
    /// Opens the database at `path` for a new recording session. Processes an
    /// earlier session left open are taken up again if they are still alive at
    /// the first sample, and ended then otherwise.
    pub fn open(
        path: &Path,
        opts: WriterOptions,
        redact: Box<dyn Fn(&str) -> String + Send>,
    ) -> Result<Writer, StoreError> {
        let conn = super::open_for_writing(path)?;
        let e = sql_err(path);
        let session: i64 = conn
            .query_row(
                "SELECT coalesce(max(session), 0) + 1 FROM samples",
                [],
                |r| r.get(0),
            )
            .map_err(&e)?;
        let mut open = HashMap::new();
        {
            let mut st = conn
                .prepare(
                    "SELECT p.id, p.pid, p.start_time, coalesce(p.peak_rss, 0) FROM processes p
                     WHERE p.end_sample IS NULL",
                )
                .map_err(&e)?;
            let rows = st
                .query_map([], |r| {
                    Ok((
                        ProcKey {
                            pid: r.get(1)?,
                            start_time: r.get::<_, i64>(2)? as u64,
                        },
                        Open {
                            id: r.get(0)?,
                            // Never equal to a real row: the first sample is a keyframe anyway.
                            row: Row {
                                ppid: -1,
                                state: '?',
                                why: WhyTag::default(),
                                cpu_tenths: u32::MAX,
                                cpu_ns: u64::MAX,
                                rss: u64::MAX,
                                threads: 0,
                                nice: 0,
                            },
                            peak_rss: r.get::<_, i64>(3)? as u64,
                            info: None,
                        },
                    ))
                })
                .map_err(&e)?;
            for row in rows {
                let (k, o) = row.map_err(&e)?;
                open.insert(k, o);
            }
        }
        Ok(Writer {
            conn,
            path: path.into(),
            opts,
            session,
            open,
            last_keyframe: None,
            last_taken_at: None,
            prev_ticks: None,
            exits: HashMap::new(),
            oom_known: false,
            oom_kills: Vec::new(),
            ladder_stops: Vec::new(),
            spawns: HashMap::new(),
            redact,
        })
    }

    /// The kernel said `pid` exited: the process of that pid found gone at the
    /// next write gets this code or signal.
    pub(crate) fn note_exit(&mut self, pid: i32, exit: KernelExit) {
        self.exits.insert(pid, exit);
    }

    /// OOM kills are read from the kernel log from now on.
    pub(crate) fn set_oom_known(&mut self, known: bool) {
        self.oom_known = known;
    }

    /// The OOM killer killed `kill.pid`: the process of that pid that had
    /// started by then, found gone at a write, gets it (never a later owner).
    pub(crate) fn note_oom_kill(&mut self, kill: OomKill) {
        self.oom_kills.push(kill);
    }

    /// whytop's stop ladder ended this process (its audit record): written to
    /// its row, by pid and start time, at the next write.
    pub(crate) fn note_ladder_stop(&mut self, stop: LadderStop) {
        self.ladder_stops.push(stop);
    }

    /// A fork (a new process, not a thread) or an exec by a child of `ppid`,
    /// counted for the next sample.
    pub(crate) fn note_spawn(&mut self, ppid: i32, exec: bool) {
        let c = self.spawns.entry(ppid).or_default();
        if exec {
            c.1 += 1;
        } else {
            c.0 += 1;
        }
    }

    /// The tests look at what was written.
    #[cfg(test)]
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Writes one refresh, in one transaction.
    pub fn write(&mut self, table: &ProcessTable, interval_s: f64) -> Result<Written, StoreError> {
        let path = self.path.clone();
        let e = sql_err(&path);
        let snap = &table.snapshot;
        let now = snap.taken_at;
        let keyframe = self
            .last_keyframe
            .is_none_or(|k| now - k >= self.opts.keyframe_secs || now < k);
        let mut w = Written {
            keyframe,
            ..Default::default()
        };
        let tx = self.conn.transaction().map_err(&e)?;
        let sys = &snap.system;
        let cpu = if sys.cpu_percent.is_empty() {
            None
        } else {
            Some(
                sys.cpu_percent.iter().map(|c| f64::from(*c)).sum::<f64>()
                    / sys.cpu_percent.len() as f64,
            )
        };
        let procs = snap.procs.iter().filter(|p| p.tgid.is_none()).count();
        let kinds = cpu_kinds(self.prev_ticks, sys.cpu_ticks);
        self.prev_ticks = sys.cpu_ticks;
        let kind = |i: usize| kinds.map(|k| k[i]);
        tx.prepare_cached(
            "INSERT INTO samples (taken_at, interval_s, keyframe, session, procs, cpu_percent,
               mem_used, mem_total, swap_used, swap_total, load1, load5, load15, cpu_pressure,
               cpu_user, cpu_system, cpu_iowait, cpu_steal)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
               ?15, ?16, ?17, ?18)",
        )
        .map_err(&e)?
        .execute(params![
            now,
            interval_s,
            keyframe,
            self.session,
            procs as i64,
            cpu,
            sys.mem_used as i64,
            sys.mem_total as i64,
            sys.swap_used as i64,
            sys.swap_total as i64,
            sys.load[0],
            sys.load[1],
            sys.load[2],
            sys.cpu_pressure.map(f64::from),
            kind(0),
            kind(1),
            kind(2),
            kind(3),
        ])
        .map_err(&e)?;
        let sample_id = tx.last_insert_rowid();
        w.sample_id = sample_id;
        let mut seen: HashSet<ProcKey> = HashSet::with_capacity(procs);
        {
            let mut ins_proc = tx
                .prepare_cached(
                    "INSERT INTO processes (pid, start_time, started_at, uid, user, comm, command,
                       tty, kernel_thread, first_sample)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .map_err(&e)?;
            let mut rename = tx
                .prepare_cached("UPDATE processes SET comm = ?2, command = ?3 WHERE id = ?1")
                .map_err(&e)?;
            let mut ins_row = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO proc_samples (proc_id, sample_id, ppid, state, why,
                       weak, ready, cpu_percent, cpu_time_s, rss, threads, nice)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )
                .map_err(&e)?;
            for (i, p) in snap.procs.iter().enumerate() {
                if p.tgid.is_some() {
                    continue;
                }
                let key = p.key();
                seen.insert(key);
                let why = snap.why.get(i).copied().unwrap_or_default();
                let cpu = table.stats.get(i).map_or(0.0, |s| s.cpu_percent);
                let row = row_of(p, why, cpu);
                let mut is_new = false;
                let open = match self.open.get_mut(&key) {
                    Some(o) => o,
                    None => {
                        ins_proc
                            .execute(params![
                                p.pid,
                                p.start_time as i64,
                                p.started_at,
                                p.uid,
                                p.user.as_deref(),
                                &*p.comm,
                                (self.redact)(&p.command()),
                                p.tty.as_deref(),
                                p.kernel_thread,
                                sample_id,
                            ])
                            .map_err(&e)?;
                        w.new += 1;
                        is_new = true;
                        self.open.entry(key).or_insert(Open {
                            id: tx.last_insert_rowid(),
                            row,
                            peak_rss: 0,
                            info: Some(std::sync::Arc::clone(&p.info)),
                        })
                    }
                };
                open.peak_rss = open.peak_rss.max(p.rss_bytes);
                // After an exec (or first seen between fork and exec) its names
                // change: the row follows. The shared part is compared by pointer first.
                let renamed = match &open.info {
                    Some(i) => {
                        !std::sync::Arc::ptr_eq(i, &p.info)
                            && (i.comm != p.comm || i.cmdline != p.cmdline)
                    }
                    None => true,
                };
                if renamed {
                    rename
                        .execute(params![open.id, &*p.comm, (self.redact)(&p.command())])
                        .map_err(&e)?;
                }
                open.info = Some(std::sync::Arc::clone(&p.info));
                if keyframe || is_new || open.row != row {
                    ins_row
                        .execute(params![
                            open.id,
                            sample_id,
                            row.ppid,
                            row.state.to_string(),
                            row.why.reason.label(),
                            row.why.weak,
                            row.why.ready,
                            f64::from(row.cpu_tenths) / 10.0,
                            row.cpu_ns as f64 / 1e9,
                            row.rss as i64,
                            row.threads,
                            row.nice,
                        ])
                        .map_err(&e)?;
                    w.rows += 1;
                    open.row = row;
                }
            }
        }
        // Those not seen have ended (between the previous sample and this one).
        let gone: Vec<ProcKey> = self
            .open
            .keys()
            .filter(|k| !seen.contains(k))
            .copied()
            .collect();
        if !gone.is_empty() {
            let mut end = tx
                .prepare_cached(
                    "UPDATE processes SET end_sample = ?2, last_seen_at = ?3,
                       ended_at = coalesce(ended_at, ?4), end_source = coalesce(end_source, ?5),
                       last_why = ?6, cpu_time_s = ?7, peak_rss = ?8,
                       exit_code = ?9, exit_signal = ?10, core_dumped = ?11,
                       oom_killed = ?12, oom_cgroup = ?13
                     WHERE id = ?1",
                )
                .map_err(&e)?;
            for k in gone {
                let o = self.open.remove(&k).expect("listed");
                let restarted = self.last_taken_at.is_none();
                // An exit reported after the last sample that saw it is its own.
                let exit = self
                    .exits
                    .remove(&k.pid)
                    .filter(|x| self.last_taken_at.is_none_or(|t| x.at >= t - 1.0));
                // Its kill, if the OOM killer's: same pid, logged after it started.
                let oom = self
                    .oom_kills
                    .iter()
                    .position(|x| x.may_be(k))
                    .map(|i| self.oom_kills.swap_remove(i));
                let oom_killed = match &oom {
                    Some(_) => Some(true),
                    None if self.oom_known => Some(false),
                    None => None,
                };
                end.execute(params![
                    o.id,
                    sample_id,
                    self.last_taken_at,
                    exit.map_or(now, |x| x.at.min(now)),
                    if exit.is_some() {
                        "kernel"
                    } else if restarted {
                        "gone when the recorder started again"
                    } else {
                        "sampler"
                    },
                    (o.row.state != '?').then(|| o.row.why.reason.label()),
                    (o.row.cpu_ns != u64::MAX).then(|| o.row.cpu_ns as f64 / 1e9),
                    o.peak_rss as i64,
                    exit.and_then(|x| x.code),
                    exit.and_then(|x| x.signal),
                    exit.map(|x| x.core_dumped),
                    oom_killed,
                    oom.and_then(|x| x.cgroup),
                ])
                .map_err(&e)?;
                w.ended += 1;
            }
        }
        // Exits of processes no sample saw (they lived less than an interval).
        self.exits.retain(|_, x| x.at > now - 60.0);
        // A kill is kept while its process may still be listed (a zombie its
        // parent has not reaped), however long.
        let open = &self.open;
        self.oom_kills
            .retain(|x| x.at > now - 60.0 || open.keys().any(|k| x.may_be(*k)));
        if !self.ladder_stops.is_empty() {
            // By pid and start time: only the process the ladder stopped.
            let mut stop = tx
                .prepare_cached(
                    "UPDATE processes SET ladder_step = ?3, ladder_signal = ?4
                     WHERE pid = ?1 AND start_time = ?2",
                )
                .map_err(&e)?;
            for s in self.ladder_stops.drain(..) {
                stop.execute(params![
                    s.key.pid,
                    s.key.start_time as i64,
                    s.step as i64,
                    s.signal
                ])
                .map_err(&e)?;
            }
        }
        if !self.spawns.is_empty() {
            let mut ins = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO spawns (sample_id, ppid, forks, execs)
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(&e)?;
            for (ppid, (forks, execs)) in self.spawns.drain() {
                ins.execute(params![sample_id, ppid, forks as i64, execs as i64])
                    .map_err(&e)?;
            }
        }
        if keyframe {
            // Peaks so far, so `ended` has them even after a crash.
            let mut peak = tx
                .prepare_cached("UPDATE processes SET peak_rss = ?2 WHERE id = ?1")
                .map_err(&e)?;
            for o in self.open.values() {
                peak.execute(params![o.id, o.peak_rss as i64]).map_err(&e)?;
            }
            drop(peak);
            if let Some(retain) = self.opts.retain_secs {
                w.pruned_samples = prune(&tx, now - retain).map_err(&e)?;
            }
        }
        tx.commit().map_err(&e)?;
        if keyframe {
            self.last_keyframe = Some(now);
        }
        self.last_taken_at = Some(now);
        Ok(w)
    }
}

/// Percent of all CPU time between two readings: user, system, I/O wait, steal.
fn cpu_kinds(
    a: Option<crate::model::CpuTicks>,
    b: Option<crate::model::CpuTicks>,
) -> Option<[f64; 4]> {
    let (a, b) = (a?, b?);
    let d = |x: u64, y: u64| y.saturating_sub(x) as f64;
    let parts = [
        d(a.user, b.user),
        d(a.system, b.system),
        d(a.iowait, b.iowait),
        d(a.steal, b.steal),
    ];
    let total = parts.iter().sum::<f64>() + d(a.idle, b.idle);
    (total > 0.0).then(|| parts.map(|p| (p * 1000.0 / total).round() / 10.0))
}

fn row_of(p: &ProcSample, why: WhyTag, cpu_percent: f32) -> Row {
    Row {
        ppid: p.ppid,
        state: p.state.letter(),
        why: WhyTag {
            probed: false,
            stuck: false,
            ..why
        },
        cpu_tenths: (cpu_percent.max(0.0) * 10.0).round() as u32,
        cpu_ns: p.cpu_ns,
        rss: p.rss_bytes,
        threads: p.threads,
        nice: p.nice,
    }
}

/// Drops what is older than the last keyframe at or before `cutoff` (that
/// keyframe stays: it is the base of every moment after the cutoff).
fn prune(tx: &rusqlite::Transaction<'_>, cutoff: f64) -> rusqlite::Result<usize> {
    let base: Option<i64> = tx.query_row(
        "SELECT max(id) FROM samples WHERE keyframe = 1 AND taken_at <= ?1",
        [cutoff],
        |r| r.get(0),
    )?;
    let Some(base) = base else { return Ok(0) };
    tx.execute("DELETE FROM proc_samples WHERE sample_id < ?1", [base])?;
    tx.execute("DELETE FROM spawns WHERE sample_id < ?1", [base])?;
    tx.execute(
        "DELETE FROM processes WHERE end_sample IS NOT NULL AND end_sample <= ?1",
        [base],
    )?;
    tx.execute("DELETE FROM samples WHERE id < ?1", [base])
}
