//! The audit log: one JSON line per mutation, appended and fsynced so a crash
//! loses nothing written before it.

use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Serialize)]
pub struct Who {
    pub uid: u32,
    pub user: String,
}

impl Who {
    pub fn me() -> Who {
        // SAFETY: getuid cannot fail.
        let uid = unsafe { libc::getuid() };
        Who {
            uid,
            user: user_name(uid).unwrap_or_else(|| uid.to_string()),
        }
    }
}

/// The passwd name of `uid` (NSS-aware, through getpwuid_r).
fn user_name(uid: u32) -> Option<String> {
    let mut buf = vec![0u8; 4096];
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut out: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: buf and pw outlive the call; out is set to &pw or NULL.
    let r = unsafe { libc::getpwuid_r(uid, &mut pw, buf.as_mut_ptr().cast(), buf.len(), &mut out) };
    if r != 0 || out.is_null() {
        return None;
    }
    // SAFETY: pw_name points into buf, NUL-terminated, valid while buf lives.
    let name = unsafe { std::ffi::CStr::from_ptr(pw.pw_name) };
    Some(name.to_string_lossy().into_owned())
}

#[derive(Clone, Debug, Serialize)]
pub struct TargetRef {
    pub pid: i32,
    pub start_time: u64,
    pub command: String,
}

impl TargetRef {
    pub fn new(key: crate::model::ProcKey, command: String) -> TargetRef {
        TargetRef {
            pid: key.pid,
            start_time: key.start_time,
            command,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Record {
    /// Seconds since the Unix epoch.
    pub when: f64,
    pub who: Who,
    pub action: String,
    pub params: serde_json::Value,
    pub targets: Vec<TargetRef>,
    pub outcome: serde_json::Value,
}

impl Record {
    pub fn new(
        action: &str,
        params: serde_json::Value,
        targets: Vec<TargetRef>,
        outcome: serde_json::Value,
    ) -> Record {
        let when = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        Record {
            when,
            who: Who::me(),
            action: action.into(),
            params,
            targets,
            outcome,
        }
    }
}

/// Appends to the default audit log.
pub fn record(rec: &Record) -> Result<(), String> {
    AuditLog::open_default()?.append(rec)
}

pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    /// `audit.jsonl` in the data directory.
    pub fn open_default() -> Result<AuditLog, String> {
        Ok(AuditLog {
            path: super::datadir::data_dir()?.join("audit.jsonl"),
        })
    }

    pub fn at(path: impl Into<PathBuf>) -> AuditLog {
        AuditLog { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line and syncs it to disk before returning.
    pub fn append(&self, rec: &Record) -> Result<(), String> {
        let fail = |e: std::io::Error| format!("audit log {}: {e}", self.path.display());
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let mut line = serde_json::to_vec(rec).map_err(|e| e.to_string())?;
        line.push(b'\n');
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(fail)?;
        f.write_all(&line).map_err(fail)?;
        f.sync_all().map_err(fail)
    }

    /// The last `n` records, newest last; lines that do not parse are skipped.
    pub fn recent(&self, n: usize) -> Vec<serde_json::Value> {
        let Ok(text) = std::fs::read_to_string(&self.path) else {
            return Vec::new();
        };
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        lines[lines.len().saturating_sub(n)..]
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_lines_and_reads_them_back() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::at(dir.path().join("sub/audit.jsonl"));
        for i in 0..3 {
            let t = TargetRef {
                pid: i,
                start_time: 7,
                command: "x".into(),
            };
            log.append(&Record::new(
                "signal",
                serde_json::json!({"signal": "SIGTERM"}),
                vec![t],
                serde_json::json!("ok"),
            ))
            .unwrap();
        }
        std::fs::OpenOptions::new()
            .append(true)
            .open(log.path())
            .unwrap()
            .write_all(b"garbage\n")
            .unwrap();
        let recent = log.recent(2);
        assert_eq!(
            recent.len(),
            1,
            "the garbage line is skipped, the last good one kept"
        );
        assert_eq!(log.recent(10).len(), 3);
        assert_eq!(log.recent(10)[2]["targets"][0]["pid"], 2);
    }
}
