//! System-wide figures for the header, through sysinfo on every OS.

use crate::model::SystemSample;
use sysinfo::{CpuRefreshKind, MemoryRefreshKind, RefreshKind, System};

pub struct SystemSampler {
    /// None when sysinfo cannot read this system: the header then shows zeros.
    sys: Option<System>,
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
        if let Some(sys) = &mut self.sys {
            sys.refresh_cpu_usage();
            sys.refresh_memory();
            s.cpu_percent = sys.cpus().iter().map(|c| c.usage()).collect();
            s.mem_total = sys.total_memory();
            s.mem_used = sys.used_memory();
            s.swap_total = sys.total_swap();
            s.swap_used = sys.used_swap();
        }
        s
    }
}
