//! Whether a process ran since the last pass, from `schedstat`: the kernel
//! bumps its run time and its count of times scheduled whenever the task gets
//! a CPU, and never otherwise. `/proc/PID/schedstat` is the main thread's
//! alone, so a multi-threaded process also has each other thread's file
//! (`task/TID/schedstat`) watched. Every read is a `pread` on a held fd.

use super::reader_io::ReadAtToEnd;
use crate::model::Pid;
use std::fs::File;
use std::path::Path;

/// A `schedstat` line folded to one number that changes whenever the task runs:
/// run ns + times scheduled (both only grow). None: unreadable or gone.
pub fn fingerprint(buf: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(buf).ok()?;
    let mut it = text.split_ascii_whitespace();
    let run: u64 = it.next()?.parse().ok()?;
    let _wait: u64 = it.next()?.parse().ok()?;
    let slices: u64 = it.next()?.parse().ok()?;
    Some(run.wrapping_add(slices))
}

/// One non-main thread under watch.
struct Task {
    tid: Pid,
    fd: File,
    last: u64,
}

/// The other threads of one multi-threaded process.
pub struct Threads {
    tasks: Vec<Task>,
}

impl Threads {
    /// fds it holds.
    pub fn held(&self) -> usize {
        self.tasks.len()
    }

    /// True when no thread ran since the last call (and every one is still
    /// there); the counters are updated either way.
    pub fn idle(&mut self, buf: &mut Vec<u8>) -> bool {
        let mut idle = true;
        for t in &mut self.tasks {
            buf.clear();
            let now = match t.fd.read_at_to_end(buf) {
                Ok(n) if n > 0 => fingerprint(buf),
                _ => None,
            };
            match now {
                Some(v) if v == t.last => {}
                Some(v) => {
                    t.last = v;
                    idle = false;
                }
                // It exited: the set must be listed again.
                None => {
                    t.last = u64::MAX;
                    idle = false;
                }
            }
        }
        idle
    }

    /// Whether the watched set may no longer be the process's threads: a thread
    /// exited, or the count in `stat` differs.
    pub fn stale(&self, num_threads: u32) -> bool {
        self.tasks.len() + 1 != num_threads as usize
            || self.tasks.iter().any(|t| t.last == u64::MAX)
    }

    /// Lists `pid`'s threads and watches each, keeping the fds of threads
    /// already watched; `budget` is how many new fds may be opened. None when
    /// the task list cannot be read or the budget does not cover every thread
    /// (the process is then re-read every pass, as if always running).
    pub fn watch(
        root: &Path,
        pid: Pid,
        old: Option<Threads>,
        budget: usize,
        buf: &mut Vec<u8>,
    ) -> Option<Threads> {
        let dir = root.join(pid.to_string()).join("task");
        let mut tids: Vec<Pid> = std::fs::read_dir(&dir)
            .ok()?
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .filter(|t| *t != pid)
            .collect();
        tids.sort_unstable();
        let mut old: Vec<Task> = old.map(|o| o.tasks).unwrap_or_default();
        let new = tids
            .iter()
            .filter(|t| !old.iter().any(|o| o.tid == **t))
            .count();
        if new > budget {
            return None;
        }
        let mut tasks = Vec::with_capacity(tids.len());
        for tid in tids {
            if let Some(i) = old.iter().position(|o| o.tid == tid && o.last != u64::MAX) {
                tasks.push(old.swap_remove(i));
                continue;
            }
            let Ok(fd) = File::open(dir.join(tid.to_string()).join("schedstat")) else {
                continue; // exited since the listing
            };
            buf.clear();
            if let Ok(n) = fd.read_at_to_end(buf)
                && n > 0
                && let Some(last) = fingerprint(buf)
            {
                tasks.push(Task { tid, fd, last });
            }
        }
        Some(Threads { tasks })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_changes_when_it_runs() {
        let a = fingerprint(b"1220641 70 1\n").unwrap();
        assert_eq!(a, 1220642);
        assert_ne!(fingerprint(b"1220900 70 2\n"), Some(a));
        // Waiting to run changes only the wait figure, which always precedes a run.
        assert_eq!(fingerprint(b"1220641 99 1\n"), Some(a));
        assert_eq!(fingerprint(b""), None);
        assert_eq!(fingerprint(b"12 x 3"), None);
    }
}
