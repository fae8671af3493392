//! How a process spent the last interval, from two samples: CPU time used (all
//! threads) and time its main thread spent runnable but waiting for a CPU
//! (`schedstat`'s run delay). Pure: derived from raw counters, as rates are.

use crate::model::ProcSample;
use serde::{Deserialize, Serialize};

/// A process that used at least this share of one core over the interval is
/// `running`, whatever its main thread waits on at the instant of the sample
/// (the workers of a threaded program, a build step between two reads).
pub(crate) const BUSY_SHARE: f64 = 0.10;

/// A runnable process whose main thread waited for a CPU at least this share of
/// the interval is `starved`: it wants to run, and others have the CPUs.
pub(crate) const STARVED_SHARE: f64 = 0.5;

/// One process's use of the last interval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CpuUsage {
    /// The interval, nanoseconds.
    pub interval_ns: u64,
    /// CPU time used by all its threads over the interval, nanoseconds.
    pub cpu_ns: u64,
    /// Time its main thread was runnable but not on a CPU, nanoseconds
    /// (0 where the platform does not say).
    pub cpu_wait_ns: u64,
}

impl CpuUsage {
    /// The use between `prev` and `cur` (the same process, `interval_ns` apart);
    /// `None` for another process or no time between them.
    pub fn between(prev: &ProcSample, cur: &ProcSample, interval_ns: u64) -> Option<CpuUsage> {
        if prev.key() != cur.key() || interval_ns == 0 {
            return None;
        }
        Some(CpuUsage {
            interval_ns,
            cpu_ns: cur.cpu_ns.saturating_sub(prev.cpu_ns),
            cpu_wait_ns: cur.run_delay_ns.saturating_sub(prev.run_delay_ns),
        })
    }

    /// CPU used as a share of one core (2.0: two cores' worth).
    pub(crate) fn cpu_share(&self) -> f64 {
        if self.interval_ns == 0 {
            return 0.0;
        }
        self.cpu_ns as f64 / self.interval_ns as f64
    }

    /// The share of the interval its main thread waited for a CPU (0 to 1).
    pub(crate) fn wait_share(&self) -> f64 {
        if self.interval_ns == 0 {
            return 0.0;
        }
        (self.cpu_wait_ns as f64 / self.interval_ns as f64).min(1.0)
    }

    pub fn busy(&self) -> bool {
        self.cpu_share() >= BUSY_SHARE
    }

    pub fn starved(&self) -> bool {
        self.wait_share() >= STARVED_SHARE
    }

    /// `ran 33 % and waited for a CPU 66 % of the last 1.0 s`.
    pub(crate) fn describe(&self) -> String {
        format!(
            "ran {} and waited for a CPU {} of the last {:.1} s",
            percent(self.cpu_share()),
            percent(self.wait_share()),
            self.interval_ns as f64 / 1e9
        )
    }
}

/// A one-second interval with `cpu_ms` of CPU and `wait_ms` waiting for one (tests).
#[cfg(test)]
pub(crate) fn one_second(cpu_ms: u64, wait_ms: u64) -> CpuUsage {
    CpuUsage {
        interval_ns: 1_000_000_000,
        cpu_ns: cpu_ms * 1_000_000,
        cpu_wait_ns: wait_ms * 1_000_000,
    }
}

/// `33 %`; `148 %` for more than one core.
pub fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testutil::sample;

    #[test]
    fn shares_come_from_counter_deltas() {
        let mut a = sample(10, 1, "loop");
        a.cpu_ns = 1_000_000_000;
        a.run_delay_ns = 500;
        let mut b = a.clone();
        b.cpu_ns += 330_000_000;
        b.run_delay_ns += 660_000_000;
        let u = CpuUsage::between(&a, &b, 1_000_000_000).unwrap();
        assert!((u.cpu_share() - 0.33).abs() < 1e-9);
        assert!((u.wait_share() - 0.66).abs() < 1e-9);
        assert!(u.busy() && u.starved());
        assert_eq!(
            u.describe(),
            "ran 33 % and waited for a CPU 66 % of the last 1.0 s"
        );
    }

    #[test]
    fn another_process_or_no_time_gives_nothing() {
        let a = sample(10, 1, "a");
        let mut b = a.clone();
        b.start_time += 1;
        assert_eq!(CpuUsage::between(&a, &b, 1_000), None);
        assert_eq!(CpuUsage::between(&a, &a, 0), None);
        // Counters that went backwards (a fixture, a reset) count as nothing.
        let mut c = a.clone();
        c.cpu_ns = 0;
        let mut d = a.clone();
        d.cpu_ns = 5;
        assert_eq!(CpuUsage::between(&d, &c, 10).unwrap().cpu_ns, 0);
    }

    #[test]
    fn thresholds() {
        let u = |cpu, wait| CpuUsage {
            interval_ns: 1000,
            cpu_ns: cpu,
            cpu_wait_ns: wait,
        };
        assert!(!u(99, 0).busy());
        assert!(u(100, 0).busy());
        assert!(u(1480, 0).busy());
        assert!(!u(900, 499).starved());
        assert!(u(300, 500).starved());
    }
}
