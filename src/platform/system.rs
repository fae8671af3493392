//! System-wide figures for the header: on Linux from `/proc/stat`,
//! `/proc/meminfo` and `/proc/pressure` (split by kind as htop splits them),
//! elsewhere through sysinfo.

use crate::model::SystemSample;
use sysinfo::{CpuRefreshKind, MemoryRefreshKind, RefreshKind, System};

pub(crate) struct SystemSampler {
    /// None when sysinfo cannot read this system: the header then shows zeros.
    sys: Option<System>,
    /// The previous `/proc/stat` per-CPU counters, which shares are measured
    /// against (empty before the first reading: since boot).
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    prev_cpus: Vec<super::proc_system::KindTicks>,
}

impl Default for SystemSampler {
    fn default() -> Self {
        Self::new()
    }
}

impl SystemSampler {
    pub fn new() -> Self {
        let kind = RefreshKind::nothing()
            .with_cpu(CpuRefreshKind::nothing().with_usage())
            .with_memory(MemoryRefreshKind::everything());
        Self {
            sys: System::new_with_specifics(kind).ok(),
            prev_cpus: Vec::new(),
        }
    }

    pub fn sample(&mut self) -> SystemSample {
        let mut s = SystemSample {
            load: System::load_average()
                .map(|l| [l.one, l.five, l.fifteen])
                .unwrap_or_default(),
            uptime_secs: System::uptime().unwrap_or(0),
            boot_time: System::boot_time().unwrap_or(0),
            ..Default::default()
        };
        let (cpus_read, mem_read) = self.read_proc(&mut s);
        if let Some(sys) = &mut self.sys {
            if !cpus_read {
                sys.refresh_cpu_usage();
                s.cpu_percent = sys.cpus().iter().map(|c| c.usage()).collect();
            }
            if !mem_read {
                sys.refresh_memory();
                s.mem_total = sys.total_memory();
                s.mem_used = sys.used_memory();
                s.swap_total = sys.total_swap();
                s.swap_used = sys.used_swap();
            }
        }
        s
    }

    /// Fills what the proc files say; which of CPUs and memory they said.
    #[cfg(target_os = "linux")]
    fn read_proc(&mut self, s: &mut SystemSample) -> (bool, bool) {
        use super::proc_system as ps;
        let root = std::path::Path::new(super::PROC_ROOT);
        let read = |name: &str| std::fs::read_to_string(root.join(name)).ok();
        let mut cpus_read = false;
        if let Some(text) = read("stat") {
            let stat = ps::parse_stat(&text);
            s.cpu_ticks = stat.all.as_ref().map(ps::totals);
            s.procs_running = stat.procs_running;
            if !stat.cpus.is_empty() {
                // A CPU that went offline and back: measured since boot.
                let zero = [0u64; 10];
                s.cpu_kinds = stat
                    .cpus
                    .iter()
                    .enumerate()
                    .map(|(i, cur)| ps::shares(self.prev_cpus.get(i).unwrap_or(&zero), cur))
                    .collect();
                s.cpu_percent = s.cpu_kinds.iter().map(|k| k.busy()).collect();
                self.prev_cpus = stat.cpus;
                cpus_read = true;
            }
        }
        let mem = read("meminfo").as_deref().and_then(ps::parse_meminfo);
        if let Some(m) = mem {
            s.mem_total = m.total;
            s.mem_used = m.split.used;
            s.mem_split = Some(m.split);
            s.swap_total = m.swap_total;
            s.swap_used = m.swap_used;
            s.swap_cache = m.swap_cache;
        }
        let psi = |name: &str| read(name).as_deref().and_then(ps::parse_pressure);
        s.pressure.cpu = psi("pressure/cpu");
        s.pressure.io = psi("pressure/io");
        s.pressure.memory = psi("pressure/memory");
        s.cpu_pressure = s.pressure.cpu.map(|p| p[0]);
        (cpus_read, mem.is_some())
    }

    #[cfg(not(target_os = "linux"))]
    fn read_proc(&mut self, _: &mut SystemSample) -> (bool, bool) {
        (false, false)
    }
}
