//! System-wide figures for the header, through sysinfo on every OS.

use crate::model::{CpuTicks, SystemSample};
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
        s.cpu_ticks = cpu_ticks();
        s
    }
}

#[cfg(target_os = "linux")]
fn cpu_ticks() -> Option<CpuTicks> {
    // The first line is all CPUs; only it is read (the file is a few hundred bytes a CPU).
    use std::io::Read;
    let mut buf = [0u8; 256];
    let n = std::fs::File::open("/proc/stat")
        .ok()?
        .read(&mut buf)
        .ok()?;
    parse_cpu_ticks(std::str::from_utf8(&buf[..n]).ok()?.lines().next()?)
}

#[cfg(not(target_os = "linux"))]
fn cpu_ticks() -> Option<CpuTicks> {
    None
}

/// The `cpu  user nice system idle iowait irq softirq steal ...` line of `/proc/stat`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))] // a portable parser of a Linux file
pub fn parse_cpu_ticks(line: &str) -> Option<CpuTicks> {
    let mut f = line.split_ascii_whitespace();
    if f.next()? != "cpu" {
        return None;
    }
    let v: Vec<u64> = f.take(8).map(|x| x.parse().ok()).collect::<Option<_>>()?;
    let at = |i: usize| v.get(i).copied().unwrap_or(0);
    if v.len() < 4 {
        return None;
    }
    Some(CpuTicks {
        user: at(0) + at(1),
        system: at(2) + at(5) + at(6),
        idle: at(3),
        iowait: at(4),
        steal: at(7),
    })
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

    #[test]
    fn cpu_ticks_by_kind() {
        let t = super::parse_cpu_ticks("cpu  10 2 30 400 5 6 7 8 0 0").unwrap();
        assert_eq!(
            (t.user, t.system, t.idle, t.iowait, t.steal),
            (12, 43, 400, 5, 8)
        );
        // Old kernels stop after idle.
        assert_eq!(super::parse_cpu_ticks("cpu 1 2 3 4").unwrap().idle, 4);
        assert_eq!(super::parse_cpu_ticks("cpu0 1 2 3 4"), None);
        assert_eq!(super::parse_cpu_ticks("cpu 1 x 3 4"), None);
    }
}
