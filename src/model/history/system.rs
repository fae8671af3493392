//! The machine's recent history for the header: CPU by kind, memory, swap,
//! load and CPU pressure, 16 bytes a refresh.

use super::ring::Ring;
use crate::model::{CpuTicks, SystemSample};

/// One refresh of the machine. Shares are in half-percent steps (0..=200).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SysPoint {
    /// Busy share of all CPUs.
    cpu: u8,
    /// Of which user (with nice), system (with irq), I/O wait and steal
    /// (`u8::MAX` each when the platform does not count kinds).
    user: u8,
    system: u8,
    iowait: u8,
    steal: u8,
    mem: u8,
    swap: u8,
    /// CPU pressure, half-percent steps (`u8::MAX`: not known).
    pressure: u8,
    /// One-minute load average, hundredths.
    load1: u32,
    /// Memory used, MiB.
    mem_used_mib: u32,
}

const NONE: u8 = u8::MAX;

fn half_pct(share: f64) -> u8 {
    (share.clamp(0.0, 100.0) * 2.0).round() as u8
}

fn pct(v: u8) -> Option<f32> {
    (v != NONE).then(|| f32::from(v) / 2.0)
}

/// Shares by kind of the CPU time between two readings.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CpuKinds {
    pub user: f32,
    pub system: f32,
    pub iowait: f32,
    pub steal: f32,
}

impl SysPoint {
    pub fn cpu_percent(self) -> f32 {
        f32::from(self.cpu) / 2.0
    }

    pub fn kinds(self) -> Option<CpuKinds> {
        Some(CpuKinds {
            user: pct(self.user)?,
            system: pct(self.system)?,
            iowait: pct(self.iowait)?,
            steal: pct(self.steal)?,
        })
    }

    pub(crate) fn mem_percent(self) -> f32 {
        f32::from(self.mem) / 2.0
    }

    pub(crate) fn mem_used_bytes(self) -> u64 {
        u64::from(self.mem_used_mib) << 20
    }

    pub(crate) fn swap_percent(self) -> f32 {
        f32::from(self.swap) / 2.0
    }

    pub(crate) fn load1(self) -> f64 {
        f64::from(self.load1) / 100.0
    }

    pub fn pressure(self) -> Option<f32> {
        pct(self.pressure)
    }
}

#[derive(Clone, Debug)]
pub struct SystemHistory {
    ring: Ring<SysPoint>,
    prev_ticks: Option<CpuTicks>,
}

impl SystemHistory {
    pub fn new(capacity: usize) -> Self {
        SystemHistory {
            ring: Ring::filled(capacity, SysPoint::default(), 0),
            prev_ticks: None,
        }
    }

    pub fn push(&mut self, s: &SystemSample) {
        let share = |a: u64, b: u64| {
            if b == 0 {
                0.0
            } else {
                a as f64 * 100.0 / b as f64
            }
        };
        let cores = s.cpu_percent.len();
        let cpu = if cores == 0 {
            0.0
        } else {
            s.cpu_percent.iter().map(|c| f64::from(*c)).sum::<f64>() / cores as f64
        };
        let mut p = SysPoint {
            cpu: half_pct(cpu),
            user: NONE,
            system: NONE,
            iowait: NONE,
            steal: NONE,
            mem: half_pct(share(s.mem_used, s.mem_total)),
            swap: half_pct(share(s.swap_used, s.swap_total)),
            pressure: s.cpu_pressure.map_or(NONE, |v| half_pct(f64::from(v))),
            load1: (s.load[0].max(0.0) * 100.0)
                .round()
                .min(f64::from(u32::MAX)) as u32,
            mem_used_mib: (s.mem_used >> 20).min(u64::from(u32::MAX)) as u32,
        };
        if let (Some(a), Some(b)) = (self.prev_ticks, s.cpu_ticks) {
            let d = |x: u64, y: u64| y.saturating_sub(x);
            let (user, system, iowait, steal) = (
                d(a.user, b.user),
                d(a.system, b.system),
                d(a.iowait, b.iowait),
                d(a.steal, b.steal),
            );
            let total = user + system + iowait + steal + d(a.idle, b.idle);
            if total > 0 {
                p.user = half_pct(share(user, total));
                p.system = half_pct(share(system, total));
                p.iowait = half_pct(share(iowait, total));
                p.steal = half_pct(share(steal, total));
            }
        }
        self.prev_ticks = s.cpu_ticks;
        self.ring.push(p);
    }

    /// Oldest to newest.
    pub(crate) fn points(
        &self,
    ) -> impl DoubleEndedIterator<Item = SysPoint> + ExactSizeIterator + '_ {
        self.ring.iter()
    }

    pub fn last(&self) -> Option<SysPoint> {
        self.ring.last()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_two_readings_of_the_counters() {
        let mut h = SystemHistory::new(8);
        let mut s = SystemSample {
            cpu_percent: vec![50.0, 100.0],
            mem_total: 8 << 30,
            mem_used: 2 << 30,
            swap_total: 0,
            load: [1.25, 0.0, 0.0],
            cpu_pressure: Some(3.0),
            cpu_ticks: Some(CpuTicks {
                user: 100,
                system: 100,
                iowait: 0,
                steal: 0,
                idle: 100,
            }),
            ..Default::default()
        };
        h.push(&s);
        let p = h.last().unwrap();
        assert_eq!(p.kinds(), None, "one reading has no rate");
        assert_eq!(p.cpu_percent(), 75.0);
        assert_eq!(p.mem_percent(), 25.0);
        assert_eq!(p.mem_used_bytes(), 2 << 30);
        assert_eq!(p.swap_percent(), 0.0);
        assert_eq!(p.load1(), 1.25);
        assert_eq!(p.pressure(), Some(3.0));
        s.cpu_ticks = Some(CpuTicks {
            user: 150,
            system: 110,
            iowait: 20,
            steal: 0,
            idle: 120,
        });
        s.cpu_pressure = None;
        h.push(&s);
        let k = h.last().unwrap().kinds().unwrap();
        assert_eq!(
            (k.user, k.system, k.iowait, k.steal),
            (50.0, 10.0, 20.0, 0.0)
        );
        assert_eq!(h.last().unwrap().pressure(), None);
        assert_eq!(h.points().len(), 2);
    }
}
