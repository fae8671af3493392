//! The diagnostic bundle: one JSON document about one process for a bug report.

use super::datadir::{DataError, PrivateDir};
use super::redact::{redact_env, redact_text};
use super::save::{safe_name, save_unique, stamp};
use crate::collectors::why::process_why;
use crate::model::facts::{Limit, OpenFile, Usage};
use crate::model::why::Verdict;
use crate::model::{ProcKey, ProcSample};
use crate::platform::Platform;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::PathBuf;

#[derive(Debug, Serialize)]
pub(crate) struct Identity {
    pub pid: i32,
    pub start_time: u64,
    pub started_at: f64,
    pub uid: Option<u32>,
    pub user: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Exe {
    pub path: Option<String>,
    /// Hex sha256 of the executable.
    pub sha256: Option<String>,
    /// Why it could not be hashed.
    pub sha256_error: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct EnvVar {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct ThreadWhy {
    pub tid: Option<i32>,
    pub comm: Option<String>,
    pub state: Option<char>,
    pub reason: String,
    pub detail: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Relative {
    pub pid: i32,
    pub command: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Bundle {
    pub whytop_version: &'static str,
    pub taken_at: f64,
    pub identity: Identity,
    pub command: String,
    pub comm: String,
    pub state: char,
    pub exe: Exe,
    pub cwd: Option<String>,
    /// Values of secret-looking names are `<redacted>` unless asked otherwise,
    /// as are URL passwords here and in command lines.
    pub environment: Option<Vec<EnvVar>>,
    pub environment_redacted: bool,
    pub limits: Option<Vec<Limit>>,
    pub usage: Usage,
    pub threads: Vec<ThreadWhy>,
    pub open_files: Option<Vec<OpenFile>>,
    /// Outermost first.
    pub parents: Vec<Relative>,
    pub children: Vec<Relative>,
    pub why: Option<Verdict>,
    /// A stack capture, when asked for.
    pub stack: Option<serde_json::Value>,
    /// What could not be read, and why.
    pub unreadable: Vec<String>,
}

/// Why no bundle was made or saved.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BundleError {
    /// Not in the listing: it exited (or its pid is another's now).
    #[error("no such process: pid {0}")]
    Gone(i32),
    #[error(transparent)]
    Platform(#[from] crate::platform::PlatformError),
    #[error(transparent)]
    Data(#[from] DataError),
}

/// Why the executable was not hashed (kept as text in the bundle).
#[derive(Debug, thiserror::Error)]
enum HashError {
    #[error("no executable path")]
    NoPath,
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

/// Builds the bundle for `key` from a listing of every process.
pub fn build(
    platform: &mut dyn Platform,
    procs: &[ProcSample],
    key: ProcKey,
    redact: bool,
) -> Result<Bundle, BundleError> {
    let p = procs
        .iter()
        .find(|p| p.key() == key && p.tgid.is_none())
        .ok_or(BundleError::Gone(key.pid))?;
    let facts = platform.facts(p);
    let why = process_why(platform, p, procs, None, None);
    // Command lines carry secrets too (`psql postgres://u:pw@h/db`, `--token x`).
    let command = |q: &ProcSample| {
        let c = q.command();
        if redact { redact_text(&c) } else { c }
    };
    let mut parents = Vec::new();
    let mut ppid = p.ppid;
    while ppid > 0 && parents.len() < 64 {
        let Some(q) = procs.iter().find(|q| q.pid == ppid && q.tgid.is_none()) else {
            break;
        };
        parents.push(Relative {
            pid: q.pid,
            command: command(q),
        });
        ppid = q.ppid;
    }
    parents.reverse();
    let children = procs
        .iter()
        .filter(|c| c.ppid == p.pid && c.tgid.is_none() && c.pid != p.pid)
        .map(|c| Relative {
            pid: c.pid,
            command: command(c),
        })
        .collect();
    let mut threads = Vec::new();
    if let Some(w) = &why {
        for v in std::iter::once(&w.main).chain(&w.threads) {
            threads.push(ThreadWhy {
                tid: v.evidence.tid.or(Some(v.evidence.pid)),
                comm: v.evidence.comm.clone(),
                state: v.evidence.state.map(|s| s.letter()),
                reason: v.reason.label().to_string(),
                detail: v.detail.clone(),
            });
        }
    }
    let exe_hash = match &facts.exe {
        Some(path) => {
            sha256_of(&crate::platform::running_exe(p.pid).unwrap_or_else(|| path.clone()))
        }
        None => Err(HashError::NoPath),
    };
    Ok(Bundle {
        whytop_version: env!("CARGO_PKG_VERSION"),
        taken_at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0),
        identity: Identity {
            pid: p.pid,
            start_time: p.start_time,
            started_at: p.started_at,
            uid: p.uid,
            user: p.user.as_deref().map(str::to_string),
        },
        command: command(p),
        comm: p.comm.to_string(),
        state: p.state.letter(),
        exe: Exe {
            path: facts.exe.clone(),
            sha256: exe_hash.as_ref().ok().cloned(),
            sha256_error: exe_hash.err().map(|e| e.to_string()),
        },
        cwd: facts.cwd.clone(),
        environment: facts.environ.clone().map(|e| {
            redact_env(e, redact)
                .into_iter()
                .map(|(name, value)| EnvVar { name, value })
                .collect()
        }),
        environment_redacted: redact,
        limits: facts.limits.clone(),
        usage: facts.usage.clone(),
        threads,
        open_files: facts.open_files.clone(),
        parents,
        children,
        why: why.map(|w| w.main),
        stack: None,
        unreadable: facts.unreadable,
    })
}

/// Streams a file through sha256 (the executable may be large).
fn sha256_of(path: &str) -> Result<String, HashError> {
    let read = |source| HashError::Read {
        path: path.to_string(),
        source,
    };
    let mut f = std::fs::File::open(path).map_err(read)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf).map_err(read)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Saves a bundle under `<data dir>/snapshots/` and returns the path.
pub fn save(b: &Bundle) -> Result<PathBuf, DataError> {
    let dir = PrivateDir::data_sub("snapshots")?;
    let json = serde_json::to_vec_pretty(b).map_err(|e| DataError::io(dir.path(), e.into()))?;
    let stem = format!("{}-{}-{}", stamp(), b.identity.pid, safe_name(&b.comm));
    save_unique(&dir, &stem, "json", &json)
}
