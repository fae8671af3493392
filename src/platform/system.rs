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
        s.cpu_pressure = cpu_pressure();
        s
    }
}

#[cfg(target_os = "linux")]
fn cpu_pressure() -> Option<f32> {
    parse_pressure(
        &std::fs::read_to_string(std::path::Path::new(super::PROC_ROOT).join("pressure/cpu"))
            .ok()?,
    )
}

#[cfg(not(target_os = "linux"))]
fn cpu_pressure() -> Option<f32> {
    None
}

/// `some avg10=` of a PSI file (`some avg10=1.23 avg60=... total=...`).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub fn parse_pressure(text: &str) -> Option<f32> {
    let some = text.lines().find(|l| l.starts_with("some "))?;
    some.split_ascii_whitespace()
        .find_map(|f| f.strip_prefix("avg10="))?
        .parse()
        .ok()
        .filter(|v: &f32| v.is_finite())
}

#[cfg(test)]
mod tests {
    #[test]
    fn pressure_is_some_avg10() {
        let text = "some avg10=12.34 avg60=3.00 avg300=1.00 total=123\n\
                    full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";
        assert_eq!(super::parse_pressure(text), Some(12.34));
        assert_eq!(super::parse_pressure("full avg10=1.0"), None);
        assert_eq!(super::parse_pressure("some avg10=x"), None);
        assert_eq!(super::parse_pressure(""), None);
    }
}
