//! Times as macOS reports them: Mach absolute-time units and `timeval` starts.

/// `mach_timebase_info`: nanoseconds = ticks * numer / denom.
///
/// `proc_taskinfo.pti_total_user`/`pti_total_system` (and `proc_threadinfo`'s
/// times) are in Mach absolute-time units. On Intel the timebase is 1/1, so
/// they happen to be nanoseconds; on Apple Silicon it is 125/3 (one tick is
/// 41.67 ns), and reading them as nanoseconds under-counts CPU 41-fold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Timebase {
    pub numer: u32,
    pub denom: u32,
}

impl Timebase {
    /// The identity timebase (Intel Macs), also used when the call fails.
    pub(crate) const IDENTITY: Timebase = Timebase { numer: 1, denom: 1 };

    /// Ticks to nanoseconds, without intermediate overflow; saturates at `u64::MAX`.
    pub(crate) fn to_ns(self, ticks: u64) -> u64 {
        if self.numer == 0 || self.denom == 0 {
            return ticks;
        }
        let ns = u128::from(ticks) * u128::from(self.numer) / u128::from(self.denom);
        u64::try_from(ns).unwrap_or(u64::MAX)
    }
}

/// The per-process start stamp used as `ProcKey::start_time` on macOS:
/// microseconds since the epoch (`p_starttime`, or `pbi_start_tvsec * 1e6 + pbi_start_tvusec`).
pub(crate) fn start_micros(sec: u64, usec: u64) -> u64 {
    sec.saturating_mul(1_000_000).saturating_add(usec)
}

/// The same start as seconds since the epoch, for display.
pub(crate) fn start_secs(sec: u64, usec: u64) -> f64 {
    sec as f64 + usec as f64 / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apple_silicon_timebase() {
        let tb = Timebase {
            numer: 125,
            denom: 3,
        };
        // 24 MHz ticks: 24_000_000 ticks are one second.
        assert_eq!(tb.to_ns(24_000_000), 1_000_000_000);
        assert_eq!(tb.to_ns(3), 125);
        assert_eq!(tb.to_ns(0), 0);
        // No overflow in the multiplication, saturation at the top.
        assert_eq!(tb.to_ns(u64::MAX / 2), u64::MAX);
        assert_eq!(tb.to_ns(u64::MAX / 125), 6_148_914_691_236_517_166);
    }

    #[test]
    fn intel_and_broken_timebases_are_identity() {
        assert_eq!(Timebase::IDENTITY.to_ns(12345), 12345);
        let broken = Timebase { numer: 1, denom: 0 };
        assert_eq!(broken.to_ns(777), 777);
    }

    #[test]
    fn start_stamps() {
        assert_eq!(start_micros(1_700_000_000, 123_456), 1_700_000_000_123_456);
        assert_eq!(start_micros(u64::MAX, 5), u64::MAX);
        assert!((start_secs(1_700_000_000, 500_000) - 1_700_000_000.5).abs() < 1e-6);
    }
}
