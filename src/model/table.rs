//! Pure derivation from raw samples to the table: rates, percentages, counts.

use super::sample::{ProcState, Snapshot};
use std::sync::Arc;

/// Derived figures for one sample, parallel to `Snapshot::procs`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RowStats {
    /// CPU use since the previous snapshot; 100 = one whole core.
    pub cpu_percent: f32,
    pub mem_percent: f32,
    /// Storage bytes read and written a second; None where either sample
    /// lacks the counters (unreadable, or not asked for).
    pub io_read_rate: Option<f32>,
    pub io_write_rate: Option<f32>,
    /// Page faults and context switches a second.
    pub minflt_rate: f32,
    pub majflt_rate: f32,
    pub ctxsw_rate: f32,
    /// Energy billed a second, watts (macOS `ri_billed_energy`); None where
    /// either sample lacks it.
    pub energy_watts: Option<f32>,
}

/// Tasks as htop's header counts them, and processes by state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct StateCounts {
    /// Processes that are not kernel threads (htop's `Tasks: N`).
    pub tasks: usize,
    /// Their threads beyond the main one (htop's `M thr`).
    pub threads: usize,
    /// Kernel threads (htop's `K kthr`).
    pub kernel_threads: usize,
    /// Threads runnable now, at most one a CPU (htop's `R running`): the
    /// kernel's count when it gives one, else processes in state R.
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
                    rates(&mut stats[i], q, p, wall_ns);
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
        if p.kernel_thread {
            counts.kernel_threads += 1;
        } else {
            counts.tasks += 1;
            counts.threads += p.threads.saturating_sub(1) as usize;
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
    if let Some(n) = cur.system.procs_running {
        let cpus = cur.system.cpu_percent.len().max(1);
        counts.running = (n as usize).min(cpus);
    }
    ProcessTable {
        snapshot: cur,
        stats,
        counts,
    }
}

/// The counters' rates between `q` and `p`, a sample of the same process
/// `wall_ns` apart.
fn rates(st: &mut RowStats, q: &super::ProcSample, p: &super::ProcSample, wall_ns: u64) {
    let per_s =
        |before: u64, now: u64| (now.saturating_sub(before) as f64 * 1e9 / wall_ns as f64) as f32;
    // The 32-bit counters wrap: their difference is taken round the wrap.
    let per_s32 = |before: u32, now: u32| per_s(0, u64::from(now.wrapping_sub(before)));
    let (a, b) = (&q.extra, &p.extra);
    st.minflt_rate = per_s32(a.minflt, b.minflt);
    st.majflt_rate = per_s32(a.majflt, b.majflt);
    st.ctxsw_rate = per_s32(a.ctxsw, b.ctxsw);
    if let (Some(x), Some(y)) = (&a.io, &b.io) {
        st.io_read_rate = Some(per_s(x.read, y.read));
        st.io_write_rate = Some(per_s(x.write, y.write));
    }
    if let (Some(x), Some(y)) = (&a.mac, &b.mac) {
        // nJ a second is nW.
        st.energy_watts = Some(per_s(x.billed_energy_nj, y.billed_energy_nj) / 1e9);
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
    fn counter_rates_per_second_and_io_only_where_both_samples_have_it() {
        let mut a = sample(10, 1, "io");
        a.extra.minflt = u32::MAX - 99; // it wraps between the samples
        a.extra.majflt = 2;
        a.extra.ctxsw = 50;
        a.extra.io = Some(Box::new(crate::model::IoBytes {
            read: 0,
            write: 4096,
        }));
        let mut b = sample(11, 1, "unreadable");
        let prev = snap(0, vec![a.clone(), b.clone()]);
        a.extra.minflt = a.extra.minflt.wrapping_add(300);
        a.extra.majflt += 1;
        a.extra.ctxsw += 25;
        a.extra.io = Some(Box::new(crate::model::IoBytes {
            read: 1 << 20,
            write: 4096 + 2048,
        }));
        b.extra.io = Some(Box::new(crate::model::IoBytes { read: 5, write: 5 }));
        // Half a second: every delta counts twice.
        let t = derive(Some(&prev), snap(500_000_000, vec![a, b]));
        let s = t.stats[0];
        assert_eq!(
            (s.minflt_rate, s.majflt_rate, s.ctxsw_rate),
            (600.0, 2.0, 50.0)
        );
        assert_eq!(
            (s.io_read_rate, s.io_write_rate),
            (Some(2097152.0), Some(4096.0))
        );
        assert_eq!(t.stats[1].io_read_rate, None, "no earlier counter: no rate");
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
        let mut k = sample(3, 2, "kworker/0:1");
        k.kernel_thread = true;
        let t = derive(None, snap(0, vec![a, z, k]));
        assert_eq!(t.stats[0].mem_percent, 25.0);
        // As htop: processes, their threads beyond the main one, kernel threads.
        assert_eq!(t.counts.tasks, 2);
        assert_eq!(t.counts.threads, 2);
        assert_eq!(t.counts.kernel_threads, 1);
        assert_eq!(t.counts.zombie, 1);
        assert_eq!(t.counts.sleeping, 2);
        assert_eq!(t.find_pid(2), Some(1));
        assert_eq!(t.find(t.snapshot.procs[0].key()), Some(0));
    }

    #[test]
    fn running_is_the_kernels_count_at_most_one_a_cpu() {
        let mut s = (*snap(0, vec![sample(1, 0, "init")])).clone();
        s.system.cpu_percent = vec![0.0; 2];
        s.system.procs_running = Some(1);
        assert_eq!(derive(None, Arc::new(s.clone())).counts.running, 1);
        s.system.procs_running = Some(7);
        assert_eq!(derive(None, Arc::new(s)).counts.running, 2);
    }

    #[test]
    fn energy_watts_from_billed_nanojoules() {
        let mut a = sample(10, 1, "Finder");
        let figures = |nj| {
            Some(Box::new(crate::model::MacFigures {
                billed_energy_nj: nj,
                ..Default::default()
            }))
        };
        a.extra.mac = figures(7_000_000);
        let other = sample(11, 1, "linux");
        let prev = snap(0, vec![a.clone(), other.clone()]);
        a.extra.mac = figures(7_000_000 + 2_500_000_000); // 2.5 J in 2 s
        let t = derive(Some(&prev), snap(2_000_000_000, vec![a, other]));
        let w = t.stats[0].energy_watts.unwrap();
        assert!((w - 1.25).abs() < 1e-4, "{w}");
        assert_eq!(t.stats[1].energy_watts, None, "no figures: no rate");
    }
}
