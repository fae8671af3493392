//! The recording's schema (version 2), documented for `sqlite3` users in the
//! README. Times are seconds since the Unix epoch (REAL); sizes are bytes.
//!
//! A process's row in `proc_samples` is written only when something in it
//! changed since its previous row, and for every live process at a keyframe
//! (the first sample of a session and then every few minutes). So what a
//! process looked like at sample S is its newest row at or before S, and
//! pruning keeps everything from the last keyframe before the cutoff.

pub(crate) const VERSION: i64 = 2;

/// Version 1 to 2: how a process ended beyond its wait status (the OOM
/// killer, whytop's stop ladder), and forks and execs counted per parent.
/// Run once, in the transaction that sets the version.
pub(crate) const MIGRATE_1_TO_2: &str = "
ALTER TABLE processes ADD COLUMN oom_killed INTEGER;
ALTER TABLE processes ADD COLUMN oom_cgroup TEXT;
ALTER TABLE processes ADD COLUMN ladder_step INTEGER;
ALTER TABLE processes ADD COLUMN ladder_signal TEXT;
";

pub(crate) const CREATE: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS samples (
    id           INTEGER PRIMARY KEY,
    taken_at     REAL    NOT NULL,
    interval_s   REAL    NOT NULL,
    keyframe     INTEGER NOT NULL,
    session      INTEGER NOT NULL,
    procs        INTEGER NOT NULL,
    cpu_percent  REAL,
    cpu_user     REAL,
    cpu_system   REAL,
    cpu_iowait   REAL,
    cpu_steal    REAL,
    mem_used     INTEGER,
    mem_total    INTEGER,
    swap_used    INTEGER,
    swap_total   INTEGER,
    load1        REAL,
    load5        REAL,
    load15       REAL,
    cpu_pressure REAL
);
CREATE INDEX IF NOT EXISTS samples_taken_at ON samples(taken_at);
CREATE TABLE IF NOT EXISTS processes (
    id            INTEGER PRIMARY KEY,
    pid           INTEGER NOT NULL,
    start_time    INTEGER NOT NULL,
    started_at    REAL,
    uid           INTEGER,
    user          TEXT,
    comm          TEXT    NOT NULL,
    command       TEXT    NOT NULL,
    tty           TEXT,
    kernel_thread INTEGER NOT NULL,
    first_sample  INTEGER NOT NULL,
    end_sample    INTEGER,
    last_seen_at  REAL,
    ended_at      REAL,
    exit_code     INTEGER,
    exit_signal   INTEGER,
    core_dumped   INTEGER,
    end_source    TEXT,
    last_why      TEXT,
    cpu_time_s    REAL,
    peak_rss      INTEGER,
    oom_killed    INTEGER,
    oom_cgroup    TEXT,
    ladder_step   INTEGER,
    ladder_signal TEXT,
    UNIQUE (pid, start_time)
);
CREATE INDEX IF NOT EXISTS processes_ended_at ON processes(ended_at);
CREATE INDEX IF NOT EXISTS processes_open ON processes(end_sample, first_sample);
CREATE TABLE IF NOT EXISTS proc_samples (
    proc_id     INTEGER NOT NULL,
    sample_id   INTEGER NOT NULL,
    ppid        INTEGER NOT NULL,
    state       TEXT    NOT NULL,
    why         TEXT    NOT NULL,
    weak        INTEGER NOT NULL,
    ready       INTEGER NOT NULL,
    cpu_percent REAL    NOT NULL,
    cpu_time_s  REAL    NOT NULL,
    rss         INTEGER NOT NULL,
    threads     INTEGER NOT NULL,
    nice        INTEGER NOT NULL,
    PRIMARY KEY (proc_id, sample_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS proc_samples_sample ON proc_samples(sample_id);
CREATE TABLE IF NOT EXISTS spawns (
    sample_id INTEGER NOT NULL,
    ppid      INTEGER NOT NULL,
    forks     INTEGER NOT NULL,
    execs     INTEGER NOT NULL,
    PRIMARY KEY (sample_id, ppid)
) WITHOUT ROWID;
";
