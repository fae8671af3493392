//! The recorder's SQLite database: its schema, writing a snapshot a refresh
//! (only what changed, plus keyframes), pruning to the retention, and reading
//! a moment or the ended processes back.

pub mod reader;
pub mod schema;
pub mod writer;

pub use reader::{EndedRow, Moment, MomentRow, Reader};
pub use writer::{KernelExit, Writer, WriterOptions};

use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    #[error("{}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{}: no recording there (start one with `whytop record`)", path.display())]
    Missing { path: PathBuf },
    #[error("{}: schema version {found}, this whytop reads {wanted}", path.display())]
    Version {
        path: PathBuf,
        found: i64,
        wanted: i64,
    },
    #[error("{}: {what}", path.display())]
    NoSample { path: PathBuf, what: String },
}

fn sql_err(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |source| StoreError::Sqlite {
        path: path.to_path_buf(),
        source,
    }
}

/// Opens (creating) the database for writing: WAL, the schema, a check of its
/// version. A symlink at `path` is refused (SQLite's NOFOLLOW).
pub(crate) fn open_for_writing(path: &Path) -> Result<Connection, StoreError> {
    let e = sql_err(path);
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NOFOLLOW
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(&e)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(&e)?;
    // WAL: a reader never blocks the recorder, and a crash (even SIGKILL
    // mid-transaction) loses at most the refresh being written.
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(&e)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(&e)?;
    conn.execute_batch(schema::CREATE).map_err(&e)?;
    let found: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .ok();
    match found.and_then(|v| v.parse::<i64>().ok()) {
        None => {
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?1)",
                [schema::VERSION.to_string()],
            )
            .map_err(&e)?;
        }
        Some(v) if v == schema::VERSION => {}
        Some(1) => {
            // An older recording: its columns are added, its rows kept.
            let tx = conn.unchecked_transaction().map_err(&e)?;
            tx.execute_batch(schema::MIGRATE_1_TO_2).map_err(&e)?;
            tx.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'schema_version'",
                [schema::VERSION.to_string()],
            )
            .map_err(&e)?;
            tx.commit().map_err(&e)?;
        }
        Some(found) => {
            return Err(StoreError::Version {
                path: path.into(),
                found,
                wanted: schema::VERSION,
            });
        }
    }
    Ok(conn)
}

/// Opens an existing recording read-only, with its schema version (1 is read
/// too: what it lacks reads as not known); a missing file says so plainly.
pub(crate) fn open_for_reading(path: &Path) -> Result<(Connection, i64), StoreError> {
    if !path.exists() {
        return Err(StoreError::Missing { path: path.into() });
    }
    let e = sql_err(path);
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(&e)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(&e)?;
    let found: i64 = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get::<_, String>(0),
        )
        .map_err(&e)?
        .parse()
        .unwrap_or(-1);
    if !(1..=schema::VERSION).contains(&found) {
        return Err(StoreError::Version {
            path: path.into(),
            found,
            wanted: schema::VERSION,
        });
    }
    Ok((conn, found))
}

#[cfg(test)]
mod tests;
