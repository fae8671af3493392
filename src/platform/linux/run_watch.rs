//! Whether a thread ran since the last pass, from its `schedstat`: the kernel
//! bumps its run time and its count of times scheduled whenever the task gets
//! a CPU, and never otherwise. `/proc/PID/schedstat` is the main thread's.

/// A `schedstat` line folded to one number that changes whenever the task runs:
/// run ns + times scheduled (both only grow). None: unreadable or gone.
#[cfg(test)]
fn fingerprint(buf: &[u8]) -> Option<u64> {
    sched_read(buf).map(|s| s.fingerprint)
}

/// What one `schedstat` read says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SchedRead {
    pub fingerprint: u64,
    /// The run delay: the time spent runnable but waiting for a CPU, ns
    /// (which only grows, and only as the task gets a CPU or is dequeued, so
    /// a task that never ran keeps it too).
    pub wait: u64,
    /// Times the task was put on a CPU: its context switches.
    pub slices: u64,
}

pub(crate) fn sched_read(buf: &[u8]) -> Option<SchedRead> {
    let text = std::str::from_utf8(buf).ok()?;
    let mut it = text.split_ascii_whitespace();
    let run: u64 = it.next()?.parse().ok()?;
    let wait: u64 = it.next()?.parse().ok()?;
    let slices: u64 = it.next()?.parse().ok()?;
    Some(SchedRead {
        fingerprint: run.wrapping_add(slices),
        wait,
        slices,
    })
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
        let s = sched_read(b"1220641 70 1\n").unwrap();
        assert_eq!((s.fingerprint, s.wait, s.slices), (1220642, 70, 1));
    }
}
