//! The audit log: one JSON line per mutation, appended whole and fsynced so a
//! crash loses nothing written before it, in the private data directory;
//! command lines are redacted as bundles redact them.

use super::datadir::{DataError, PrivateDir};
use crate::platform::fs_safe::OpenHow;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Who {
    pub uid: u32,
    pub user: String,
}

impl Who {
    pub fn me() -> Who {
        let uid = crate::platform::users::current_uid();
        Who {
            uid,
            user: crate::platform::users::user_name(uid).unwrap_or_else(|| uid.to_string()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetRef {
    pub pid: i32,
    pub start_time: u64,
    pub command: String,
}

impl TargetRef {
    /// The command is kept redacted: the log outlives the secrets' rotation.
    pub fn new(key: crate::model::ProcKey, command: String) -> TargetRef {
        TargetRef {
            pid: key.pid,
            start_time: key.start_time,
            command: super::redact::redact_text(&command),
        }
    }
}

/// One line of the log, as written and as read back. `params` and `outcome`
/// differ by action (a stop's outcome has a row per target), so they stay JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
pub fn record(rec: &Record) -> Result<(), DataError> {
    AuditLog::open_default()?.append(rec)
}

const NAME: &str = "audit.jsonl";

pub(crate) struct AuditLog {
    dir: PathBuf,
    name: String,
}

/// What a reader found: the records, and how many lines were not records
/// (torn, edited by hand, or not JSON at all).
#[derive(Clone, Debug, Default)]
pub(crate) struct Recent {
    pub records: Vec<Record>,
    pub unparsable: usize,
}

impl AuditLog {
    /// `audit.jsonl` in the data directory.
    pub(crate) fn open_default() -> Result<AuditLog, DataError> {
        Ok(AuditLog::at(super::datadir::data_dir()?.join(NAME)))
    }

    pub fn at(path: impl Into<PathBuf>) -> AuditLog {
        let path: PathBuf = path.into();
        let name = path
            .file_name()
            .map_or_else(|| NAME.into(), |n| n.to_string_lossy().into_owned());
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        AuditLog { dir, name }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(&self.name)
    }

    /// Appends one whole line and syncs it to disk before returning. The line
    /// goes in one `write`; a short one (a full disk) is taken back so no
    /// fragment stays for the next record to be glued to, and a fragment left
    /// by a crash is cut before appending. Writers take turns (a lock).
    pub fn append(&self, rec: &Record) -> Result<(), DataError> {
        let path = self.path();
        let fail = |e: std::io::Error| DataError::io(&path, e);
        let dir = PrivateDir::open(&self.dir)?;
        let f = dir
            .open_file(&self.name, OpenHow::Append)?
            .expect("Append creates");
        f.lock().map_err(fail)?;
        cut_torn_tail(&f).map_err(fail)?;
        let mut line = serde_json::to_vec(rec).map_err(|e| fail(e.into()))?;
        line.push(b'\n');
        let written = loop {
            match (&f).write(&line) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        match written {
            Ok(n) if n == line.len() => f.sync_all().map_err(fail),
            Ok(n) => {
                let _ = cut_torn_tail(&f);
                Err(DataError::io(
                    &path,
                    std::io::Error::new(
                        std::io::ErrorKind::StorageFull,
                        format!(
                            "only {n} of {} bytes written (disk full?); the fragment was taken back",
                            line.len()
                        ),
                    ),
                ))
            }
            Err(e) => {
                let _ = cut_torn_tail(&f);
                Err(fail(e))
            }
        }
    }

    /// The last `n` records, newest last; lines that do not parse are skipped
    /// and counted.
    pub(crate) fn recent(&self, n: usize) -> Result<Recent, DataError> {
        let path = self.path();
        let dir = PrivateDir::open(&self.dir)?;
        let Some(mut f) = dir.open_file(&self.name, OpenHow::Read)? else {
            return Ok(Recent::default());
        };
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes)
            .map_err(|e| DataError::io(&path, e))?;
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let mut recent = Recent::default();
        for l in &lines[lines.len().saturating_sub(n)..] {
            match serde_json::from_str::<Record>(l) {
                Ok(r) => recent.records.push(r),
                Err(_) => recent.unparsable += 1,
            }
        }
        Ok(recent)
    }
}

/// Follows the log as it grows: each call reads the whole records appended
/// since the last (the recorder's source of ladder stops). Opened at the log's
/// end; a log cut shorter (rotated by hand) is read again from its start.
pub(crate) struct AuditTail {
    log: AuditLog,
    offset: u64,
}

impl AuditTail {
    pub(crate) fn from_end(log: AuditLog) -> AuditTail {
        let offset = std::fs::metadata(log.path()).map_or(0, |m| m.len());
        AuditTail { log, offset }
    }

    /// Records appended since the last call (none while the log is missing);
    /// a line being written is left for the next call, one that does not
    /// parse is skipped.
    pub(crate) fn new_records(&mut self) -> Result<Vec<Record>, DataError> {
        use std::os::unix::fs::FileExt;
        let path = self.log.path();
        let dir = match PrivateDir::open(&self.log.dir) {
            Ok(d) => d,
            Err(_) if !self.log.dir.exists() => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let Some(f) = dir.open_file(&self.log.name, OpenHow::Read)? else {
            return Ok(Vec::new());
        };
        let len = f.metadata().map_err(|e| DataError::io(&path, e))?.len();
        if len < self.offset {
            self.offset = 0;
        }
        if len == self.offset {
            return Ok(Vec::new());
        }
        let mut bytes = vec![0; (len - self.offset) as usize];
        f.read_exact_at(&mut bytes, self.offset)
            .map_err(|e| DataError::io(&path, e))?;
        let Some(end) = bytes.iter().rposition(|&b| b == b'\n') else {
            return Ok(Vec::new());
        };
        self.offset += end as u64 + 1;
        Ok(String::from_utf8_lossy(&bytes[..end])
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect())
    }
}

/// Truncates `f` after its last newline (to nothing if it has none): what
/// follows is a record torn by a crash or a full disk.
fn cut_torn_tail(f: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    let len = f.metadata()?.len();
    let mut end = len;
    let mut buf = [0u8; 4096];
    while end > 0 {
        let start = end.saturating_sub(buf.len() as u64);
        let chunk = &mut buf[..(end - start) as usize];
        f.read_exact_at(chunk, start)?;
        if let Some(i) = chunk.iter().rposition(|&b| b == b'\n') {
            let keep = start + i as u64 + 1;
            if keep < len {
                f.set_len(keep)?;
            }
            return Ok(());
        }
        end = start;
    }
    if len > 0 {
        f.set_len(0)?;
    }
    Ok(())
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
            .write_all(b"garbage\n{\"when\":1,\"action\":\"not a whole record\"}\n")
            .unwrap();
        let recent = log.recent(3).unwrap();
        assert_eq!(
            (recent.records.len(), recent.unparsable),
            (1, 2),
            "garbage and a JSON line that is no record are skipped and counted"
        );
        let all = log.recent(10).unwrap();
        assert_eq!(all.records.len(), 3);
        assert_eq!(all.records[2].targets[0].pid, 2);
        assert_eq!(all.records[2].who, Who::me());
        assert_eq!(all.records[2].outcome, "ok");
    }

    #[test]
    fn a_tail_reads_only_what_is_appended_after_it_opened() {
        let dir = tempfile::tempdir().unwrap();
        let log = || AuditLog::at(dir.path().join("audit.jsonl"));
        let rec = |n: i64| Record::new("stop", serde_json::json!({"n": n}), vec![], "x".into());
        let mut missing = AuditTail::from_end(log());
        assert!(missing.new_records().unwrap().is_empty());
        log().append(&rec(1)).unwrap();
        let mut tail = AuditTail::from_end(log());
        assert!(tail.new_records().unwrap().is_empty(), "opened at the end");
        log().append(&rec(2)).unwrap();
        // Half a line (a writer mid-write) waits for the next call.
        std::fs::OpenOptions::new()
            .append(true)
            .open(log().path())
            .unwrap()
            .write_all(b"{\"when\":1")
            .unwrap();
        let got = tail.new_records().unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].params["n"], 2);
        assert_eq!(
            missing.new_records().unwrap().len(),
            2,
            "from the start of a new log"
        );
    }

    #[test]
    fn a_torn_last_line_is_cut_before_the_next_record() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::at(dir.path().join("audit.jsonl"));
        let rec = || {
            Record::new(
                "signal",
                serde_json::json!({}),
                vec![],
                serde_json::json!("ok"),
            )
        };
        log.append(&rec()).unwrap();
        // A crash (or a full disk) in the middle of the next write.
        std::fs::OpenOptions::new()
            .append(true)
            .open(log.path())
            .unwrap()
            .write_all(b"{\"when\":17000")
            .unwrap();
        log.append(&rec()).unwrap();
        let text = std::fs::read_to_string(log.path()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        for l in lines {
            serde_json::from_str::<serde_json::Value>(l).expect(l);
        }
    }

    #[test]
    fn writers_at_once_each_leave_whole_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let log = AuditLog::at(path);
                    for i in 0..25 {
                        let rec = Record::new(
                            "signal",
                            serde_json::json!({"t": t, "i": i, "pad": "x".repeat(3000)}),
                            vec![],
                            serde_json::json!("ok"),
                        );
                        log.append(&rec).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let recent = AuditLog::at(&path).recent(1000).unwrap();
        assert_eq!((recent.records.len(), recent.unparsable), (100, 0));
    }
}
