//! New crash reports in a directory (`~/Library/Logs/DiagnosticReports`):
//! those written since whytop started, each read once. Plain file reads, so
//! it is tested on every OS with a directory of fixtures.

use super::crash_report::{CrashReport, parse};
use std::collections::HashSet;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// A report that does not parse is read again while it is this fresh: it may
/// be half written.
const WRITING_FOR: Duration = Duration::from_secs(5);

pub(crate) struct CrashScan {
    dir: PathBuf,
    since: SystemTime,
    seen: HashSet<OsString>,
}

impl CrashScan {
    pub(crate) fn new(dir: PathBuf, since: SystemTime) -> Self {
        CrashScan {
            dir,
            since,
            seen: HashSet::new(),
        }
    }

    /// The reports (file name, what it says) that appeared since the last
    /// call, written after `since`. A missing directory is none yet.
    pub(crate) fn new_reports(&mut self) -> Vec<(String, CrashReport)> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(text_name) = name.to_str() else {
                continue;
            };
            if self.seen.contains(&name)
                || !(text_name.ends_with(".ips") || text_name.ends_with(".crash"))
            {
                continue;
            }
            let modified = entry.metadata().and_then(|m| m.modified()).ok();
            if modified.is_none_or(|m| m < self.since) {
                self.seen.insert(name);
                continue;
            }
            // Why it did not read matters not: it is retried while young.
            let parsed = std::fs::read_to_string(entry.path())
                .ok()
                .and_then(|text| parse(text_name, &text).ok());
            match parsed {
                Some(r) => {
                    out.push((text_name.to_owned(), r));
                    self.seen.insert(name);
                }
                None if modified.and_then(|m| m.elapsed().ok()) < Some(WRITING_FOR) => {}
                None => {
                    self.seen.insert(name);
                }
            }
        }
        out.sort_by(|a, b| a.1.at.total_cmp(&b.1.at));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_new_report_once_and_none_from_before() {
        let dir = tempfile::tempdir().unwrap();
        let fixtures = format!("{}/tests/fixtures/darwin", env!("CARGO_MANIFEST_DIR"));
        let copy = |name: &str| {
            std::fs::copy(format!("{fixtures}/{name}"), dir.path().join(name)).unwrap();
        };
        copy("DingDong-2026-05-15-155921.ips");
        std::fs::write(dir.path().join("notes.txt"), "not a report").unwrap();
        // Written before the scan's start: never read.
        let mut late = CrashScan::new(
            dir.path().into(),
            SystemTime::now() + Duration::from_secs(3600),
        );
        assert!(late.new_reports().is_empty());

        let mut scan = CrashScan::new(dir.path().into(), SystemTime::UNIX_EPOCH);
        let first = scan.new_reports();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].0, "DingDong-2026-05-15-155921.ips");
        assert_eq!(first[0].1.pid, 21054);
        assert!(scan.new_reports().is_empty(), "read once");
        copy("Python-2025-06-27-123536.crash");
        // A half-written report is read again once complete.
        std::fs::write(
            dir.path().join("Half-2025.ips"),
            "{\"bug_type\":\"309\"}\n{\"pi",
        )
        .unwrap();
        let second = scan.new_reports();
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].1.pid, 28566);
        copy("Python-2025-06-27-123536.ips");
        std::fs::rename(
            dir.path().join("Python-2025-06-27-123536.ips"),
            dir.path().join("Half-2025.ips"),
        )
        .unwrap();
        let third = scan.new_reports();
        assert_eq!(third.len(), 1, "{third:?}");
        assert_eq!(third[0].0, "Half-2025.ips");
    }

    #[test]
    fn a_missing_directory_is_no_reports() {
        let mut scan = CrashScan::new(
            "/nonexistent/DiagnosticReports".into(),
            SystemTime::UNIX_EPOCH,
        );
        assert!(scan.new_reports().is_empty());
    }
}
