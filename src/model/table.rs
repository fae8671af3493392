//! Pure derivation from raw samples to the table: rates, percentages, counts.

use super::sample::{ProcState, Snapshot};
use std::sync::Arc;

/// Derived figures for one sample, parallel to `Snapshot::procs`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RowStats {
    /// CPU use since the previous snapshot; 100 = one whole core.
    pub cpu_percent: f32,
    pub mem_percent: f32,
}

/// Tasks by state, as the header counts them (processes, not threads).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct StateCounts {
    pub tasks: usize,
    pub threads: usize,
    pub kernel_threads: usize,
    pub running: usize,
    pub sleeping: usize,
    pub disk_sleep: usize,
    pub stopped: usize,
    pub zombie: usize,
}

/// The table a frame is drawn from: the snapshot plus what was derived from it.
#[derive(Clone, Debug, Default)]
pub struct ProcessTable {
    pub snapshot: Arc<Snapshot>,
    pub stats: Vec<RowStats>,
    pub counts: StateCounts,
}

impl ProcessTable {
    pub fn len(&self) -> usize {
        self.snapshot.procs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.snapshot.procs.is_empty()
    }

    /// Row index of a key, if that exact process is in the table.
    pub fn find(&self, key: super::ProcKey) -> Option<usize> {
        let procs = &self.snapshot.procs;
        let i = procs.partition_point(|p| p.pid < key.pid);
        procs
            .get(i)
            .filter(|p| p.pid == key.pid && p.start_time == key.start_time)
            .map(|_| i)
    }

    /// Row index by pid alone (the CLI's entry point, where the user typed a pid).
    pub(crate) fn find_pid(&self, pid: super::Pid) -> Option<usize> {
        let procs = &self.snapshot.procs;
        let i = procs.partition_point(|p| p.pid < pid);
        procs.get(i).filter(|p| p.pid == pid).map(|_| i)
    }
}

/// Derives the table from the current snapshot and, for rates, the previous one.
/// Both snapshots hold their samples sorted by pid (the collector guarantees it).
pub fn derive(prev: Option<&Snapshot>, cur: Arc<Snapshot>) -> ProcessTable {
    let mut stats = vec![RowStats::default(); cur.procs.len()];
    let mem_total = cur.system.mem_total;
    if let Some(prev) = prev {
        let wall_ns = cur.mono_ns.saturating_sub(prev.mono_ns);
        let cores = match cur.system.cpu_percent.len() {
            0 => f64::INFINITY,
            n => n as f64,
        };
        if wall_ns > 0 {
            let mut j = 0;
            for (i, p) in cur.procs.iter().enumerate() {
                while j < prev.procs.len() && prev.procs[j].pid < p.pid {
                    j += 1;
                }
                if let Some(q) = prev.procs.get(j)
                    && q.pid == p.pid
                    && q.start_time == p.start_time
                {
                    let used = p.cpu_ns.saturating_sub(q.cpu_ns);
                    let pct = used as f64 * 100.0 / wall_ns as f64;
                    // CPU time comes in clock ticks (10 ms): over a short interval
                    // a one-thread process can seem to use more than one core.
                    // It cannot use more than one a thread, nor more than there are.
                    let cap = 100.0 * f64::from(p.threads.max(1)).min(cores);
                    stats[i].cpu_percent = pct.min(cap) as f32;
                }
            }
        }
    }
    let mut counts = StateCounts::default();
    for (i, p) in cur.procs.iter().enumerate() {
        if mem_total > 0 {
            stats[i].mem_percent = (p.rss_bytes as f64 * 100.0 / mem_total as f64) as f32;
        }
        if p.tgid.is_some() {
            continue;
        }
        counts.tasks += 1;
        counts.threads += p.threads as usize;
        if p.kernel_thread {
            counts.kernel_threads += 1;
        }
        match p.state {
            ProcState::Running => counts.running += 1,
            ProcState::Sleeping | ProcState::Idle => counts.sleeping += 1,
            ProcState::DiskSleep => counts.disk_sleep += 1,
            ProcState::Stopped | ProcState::Traced => counts.stopped += 1,
            ProcState::Zombie => counts.zombie += 1,
            ProcState::Dead | ProcState::Unknown => {}
        }
    }
    ProcessTable {
        snapshot: cur,
        stats,
        counts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testutil::sample;

    fn snap(mono_ns: u64, procs: Vec<crate::model::ProcSample>) -> Arc<Snapshot> {
        let mut s = Snapshot {
            mono_ns,
            procs: Arc::new(procs),
            ..Default::default()
        };
        s.system.mem_total = 1000;
        Arc::new(s)
    }

    #[test]
    fn cpu_percent_from_deltas_of_the_same_process_only() {
        let mut a = sample(10, 1, "busy");
        a.cpu_ns = 1_000_000_000;
        let mut b = sample(11, 1, "reused");
        b.cpu_ns = 5_000_000_000;
        let prev = snap(0, vec![a.clone(), b.clone()]);
        a.cpu_ns += 500_000_000; // half a core over one second
        b.start_time += 1; // pid 11 was reused: no rate
        b.cpu_ns = 5_500_000_000;
        let cur = snap(1_000_000_000, vec![a, b]);
        let t = derive(Some(&prev), cur);
        assert!((t.stats[0].cpu_percent - 50.0).abs() < 0.01);
        assert_eq!(t.stats[1].cpu_percent, 0.0);
    }

    #[test]
    fn cpu_percent_never_exceeds_a_core_per_thread() {
        let mut a = sample(1, 0, "busy");
        a.cpu_ns = 0;
        let first = snap(0, vec![a.clone()]);
        a.cpu_ns = 110_000_000; // 11 ticks seen in a 100 ms window
        let t = derive(Some(&first), snap(100_000_000, vec![a.clone()]));
        assert_eq!(t.stats[0].cpu_percent, 100.0);
        a.threads = 4;
        let t = derive(Some(&first), snap(100_000_000, vec![a]));
        assert!((t.stats[0].cpu_percent - 110.0).abs() < 0.01);
    }

    #[test]
    fn mem_percent_and_counts() {
        let mut a = sample(1, 0, "init");
        a.rss_bytes = 250;
        a.threads = 3;
        let mut z = sample(2, 1, "dead");
        z.state = ProcState::Zombie;
        let t = derive(None, snap(0, vec![a, z]));
        assert_eq!(t.stats[0].mem_percent, 25.0);
        assert_eq!(t.counts.tasks, 2);
        assert_eq!(t.counts.threads, 4);
        assert_eq!(t.counts.zombie, 1);
        assert_eq!(t.counts.sleeping, 1);
        assert_eq!(t.find_pid(2), Some(1));
        assert_eq!(t.find(t.snapshot.procs[0].key()), Some(0));
    }
}
