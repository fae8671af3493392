//! Whether any pid was handed out since the last pass, from the last two
//! fields of `loadavg` (the number of tasks, and the newest pid of the reader's
//! pid namespace): when neither moved, no process can have appeared, and the pass lists the processes it already
//! holds instead of reading the proc root's directory. That directory read is
//! a quarter of an idle pass at 5,000 processes: the kernel looks up every
//! pid's dentry for it.
//!
//! Exits need no sign: a held process that is gone fails its own read, and a
//! held pid reused by a new process is read anew by the reader. The count
//! catches the newest pid coming round to the same number (a pid namespace's
//! `ns_last_pid` set back, a counter that wrapped) unless exits balanced it;
//! for whatever still slips by (a proc root of another pid namespace), a full
//! directory read comes every `FULL_LIST_EVERY` passes.

use super::reader_io::read_into;
use std::fs::File;
use std::path::Path;

/// At most this many passes between two reads of the proc root's directory.
pub(crate) const FULL_LIST_EVERY: u32 = 10;

pub(crate) struct PidChurn {
    loadavg: Option<File>,
    /// Tasks and the newest pid at the last look (`None`: unknown, so list).
    newest: Option<(u64, u64)>,
    buf: Vec<u8>,
}

impl PidChurn {
    pub fn new(root: &Path) -> Self {
        Self {
            loadavg: File::open(root.join("loadavg")).ok(),
            newest: None,
            buf: Vec::with_capacity(64),
        }
    }

    /// True when no pid was allocated since the previous call (and both calls
    /// could read it). Call it before reading the directory, so that a pid
    /// handed out during the read moves the counter for the next pass.
    pub fn quiet(&mut self) -> bool {
        let now = read_into(
            self.loadavg.as_ref(),
            || "/nonexistent".into(),
            &mut self.buf,
        )
        .and_then(|()| fingerprint(&self.buf));
        let quiet = now.is_some() && now == self.newest;
        self.newest = now;
        quiet
    }
}

/// Tasks and newest pid of `loadavg`: `0.06 0.02 0.00 1/5123 29870`.
fn fingerprint(text: &[u8]) -> Option<(u64, u64)> {
    let text = std::str::from_utf8(text).ok()?;
    let mut fields = text.split_ascii_whitespace();
    let (_, tasks) = fields.nth(3)?.split_once('/')?;
    Some((tasks.parse().ok()?, fields.next()?.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_the_task_count_and_newest_pid() {
        assert_eq!(
            fingerprint(b"0.06 0.02 0.00 1/5123 29870\n"),
            Some((5123, 29870))
        );
        assert_eq!(fingerprint(b"0.06 0.02 0.00 1/5123\n"), None);
        assert_eq!(fingerprint(b"0.06 0.02 0.00 15123 29870\n"), None);
        assert_eq!(fingerprint(b""), None);
    }

    #[test]
    fn quiet_only_when_two_reads_agree() {
        let dir = tempfile::tempdir().unwrap();
        let mut churn = PidChurn::new(dir.path());
        assert!(!churn.quiet(), "no loadavg: never quiet");
        std::fs::write(dir.path().join("loadavg"), "0.0 0.0 0.0 1/10 100\n").unwrap();
        let mut churn = PidChurn::new(dir.path());
        assert!(!churn.quiet(), "the first look has nothing to compare");
        assert!(churn.quiet());
        std::fs::write(dir.path().join("loadavg"), "0.0 0.0 0.0 1/11 101\n").unwrap();
        assert!(!churn.quiet(), "a new pid");
        assert!(churn.quiet());
        std::fs::write(dir.path().join("loadavg"), "0.0 0.0 0.0 1/12 101\n").unwrap();
        assert!(
            !churn.quiet(),
            "the same newest pid came round with one task more"
        );
    }

    #[test]
    fn a_fork_on_this_machine_moves_the_counter() {
        let mut churn = PidChurn::new(Path::new("/proc"));
        churn.quiet();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        child.wait().unwrap();
        assert!(!churn.quiet(), "a spawned child allocated a pid");
    }
}
