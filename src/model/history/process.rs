//! One process's recent history: CPU %, RSS and WHY word per refresh, five
//! bytes a refresh, and nothing allocated while the history stays constant.

use super::ring::Ring;
use crate::model::why::{WaitReason, WhyTag};

/// One refresh of one process, packed: CPU in tenths of a percent of one core
/// (up to 6553.5 %), RSS as a 16-bit float of KiB (0.1 % precision), the WHY word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProcPoint {
    cpu: u16,
    rss: u16,
    why: u8,
}

const WEAK: u8 = 0x80;

impl ProcPoint {
    pub fn new(cpu_percent: f32, rss_bytes: u64, why: WhyTag) -> Self {
        let cpu = (cpu_percent.max(0.0) * 10.0)
            .round()
            .min(f32::from(u16::MAX)) as u16;
        let mut w = reason_code(why.reason);
        if why.weak {
            w |= WEAK;
        }
        ProcPoint {
            cpu,
            rss: encode_kib(rss_bytes / 1024),
            why: w,
        }
    }

    pub fn cpu_percent(self) -> f32 {
        f32::from(self.cpu) / 10.0
    }

    /// Resident size, bytes (to within 0.1 %).
    pub fn rss_bytes(self) -> u64 {
        decode_kib(self.rss) * 1024
    }

    pub fn reason(self) -> WaitReason {
        WaitReason::ALL
            .get(usize::from(self.why & !WEAK))
            .copied()
            .unwrap_or(WaitReason::Unknown)
    }

    pub fn weak(self) -> bool {
        self.why & WEAK != 0
    }
}

fn reason_code(r: WaitReason) -> u8 {
    WaitReason::ALL.iter().position(|x| *x == r).unwrap_or(0) as u8
}

/// 5 bits of exponent, 11 of mantissa: exact below 2 MiB, 0.1 % above, up to 4 PiB.
fn encode_kib(kib: u64) -> u16 {
    let bits = 64 - kib.leading_zeros();
    let e = bits.saturating_sub(11);
    if e > 31 {
        return u16::MAX;
    }
    let m = (kib >> e) as u16; // < 2048
    ((e as u16) << 11) | m
}

fn decode_kib(code: u16) -> u64 {
    u64::from(code & 0x7ff) << (code >> 11)
}

/// Points of one process, oldest first. While every point equals the last one
/// only a count is kept; the ring is allocated at the first change.
#[derive(Clone, Debug)]
pub struct ProcHistory {
    last: ProcPoint,
    /// Points seen, capped at the capacity (before the ring exists).
    count: u32,
    /// How many of the newest points have had the last WHY word.
    same_why: u32,
    ring: Option<Box<Ring<ProcPoint>>>,
}

impl ProcHistory {
    pub fn new(first: ProcPoint) -> Self {
        ProcHistory {
            last: first,
            count: 1,
            same_why: 1,
            ring: None,
        }
    }

    pub fn push(&mut self, p: ProcPoint, capacity: usize) {
        if p.why == self.last.why {
            self.same_why = self.same_why.saturating_add(1);
        } else {
            self.same_why = 1;
        }
        match &mut self.ring {
            Some(r) => r.push(p),
            None if p == self.last => {
                self.count = (self.count + 1).min(capacity.max(1) as u32);
            }
            None => {
                let mut r = Ring::filled(capacity, self.last, self.count as usize);
                r.push(p);
                self.ring = Some(Box::new(r));
            }
        }
        self.last = p;
    }

    /// Oldest to newest.
    pub(crate) fn points(&self) -> Vec<ProcPoint> {
        match &self.ring {
            Some(r) => r.iter().collect(),
            None => vec![self.last; self.count as usize],
        }
    }

    /// The newest `n` points (all there are when fewer), oldest first,
    /// read in place: the table's sparklines copy nothing per row.
    pub(crate) fn newest(&self, n: usize) -> impl Iterator<Item = ProcPoint> + '_ {
        let skip = self.len().saturating_sub(n);
        let ring = self.ring.as_deref().map(|r| r.iter().skip(skip));
        let same = match ring {
            Some(_) => 0,
            None => (self.count as usize).saturating_sub(skip),
        };
        ring.into_iter()
            .flatten()
            .chain(std::iter::repeat_n(self.last, same))
    }

    pub fn len(&self) -> usize {
        self.ring.as_ref().map_or(self.count as usize, |r| r.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn last(&self) -> ProcPoint {
        self.last
    }

    /// Refreshes in a row, the newest included, with the newest WHY word
    /// (not capped by the capacity: "input for 14 m" outlives the ring).
    pub(crate) fn why_for(&self) -> u32 {
        self.same_why
    }

    /// Whether a ring has been allocated (the history changed at least once).
    // Only the tests read it (the compiler reports what nothing else uses).
    #[cfg(test)]
    pub(crate) fn allocated(&self) -> bool {
        self.ring.is_some()
    }

    /// The highest RSS among the points kept.
    pub fn peak_rss_bytes(&self) -> u64 {
        match &self.ring {
            Some(r) => r.iter().map(|p| p.rss_bytes()).max().unwrap_or(0),
            None => self.last.rss_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_round_trip_within_their_precision() {
        let p = ProcPoint::new(
            12.34,
            5 << 30,
            WhyTag {
                weak: true,
                ..WhyTag::of(WaitReason::Lock)
            },
        );
        assert_eq!(p.cpu_percent(), 12.3);
        assert_eq!(p.reason(), WaitReason::Lock);
        assert!(p.weak());
        let rss = p.rss_bytes() as f64;
        assert!((rss / (5u64 << 30) as f64 - 1.0).abs() < 0.001, "{rss}");
        for kib in [0u64, 1, 2047, 2048, 4095, 123_456_789] {
            let back = decode_kib(encode_kib(kib));
            assert!(back <= kib && kib - back <= kib / 1024, "{kib} -> {back}");
        }
        assert_eq!(
            ProcPoint::new(-1.0, 0, WhyTag::default()).cpu_percent(),
            0.0
        );
        assert_eq!(
            ProcPoint::new(1e9, 0, WhyTag::default()).cpu_percent(),
            6553.5
        );
        for r in WaitReason::ALL {
            assert_eq!(ProcPoint::new(0.0, 0, WhyTag::of(r)).reason(), r);
        }
    }

    #[test]
    fn constant_history_allocates_nothing_and_a_change_keeps_what_came_before() {
        let idle = ProcPoint::new(0.0, 4096, WhyTag::of(WaitReason::Timer));
        let mut h = ProcHistory::new(idle);
        for _ in 0..10 {
            h.push(idle, 4);
        }
        assert!(!h.allocated());
        assert_eq!(h.len(), 4);
        assert_eq!(h.why_for(), 11);
        let busy = ProcPoint::new(99.0, 4096, WhyTag::of(WaitReason::Running));
        h.push(busy, 4);
        assert!(h.allocated());
        assert_eq!(h.points(), vec![idle, idle, idle, busy]);
        assert_eq!(h.why_for(), 1);
        h.push(busy, 4);
        assert_eq!(h.why_for(), 2);
        assert_eq!(h.points(), vec![idle, idle, busy, busy]);
        assert_eq!(h.newest(3).collect::<Vec<_>>(), vec![idle, busy, busy]);
        assert_eq!(h.newest(9).count(), 4);
        let flat = ProcHistory::new(idle);
        assert_eq!(flat.newest(3).collect::<Vec<_>>(), vec![idle]);
    }
}
