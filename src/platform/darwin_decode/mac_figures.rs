//! One process's macOS figures (`model::MacFigures`, behind the QOS, BG, FOOT
//! and ENERGY columns) from what one pass read of it and what the last read.

use super::qos::{dominant_class, tier_of_base_priority};
use super::rusage::RusageV4;
use crate::model::MacFigures;

/// One process's macOS figures from its `rusage_info_v4` now and at the last
/// pass that read it (`prev`, None for a new process), its main thread's base
/// priority and its `pbi_flags` (each None when unread).
pub(crate) fn figures(
    now: &RusageV4,
    prev: Option<&RusageV4>,
    main_base_priority: Option<i32>,
    background: Option<bool>,
) -> MacFigures {
    MacFigures {
        qos_tier: main_base_priority.map(tier_of_base_priority),
        qos_cpu: prev
            .and_then(|p| dominant_class(&p.qos, &now.qos))
            .map(|(c, _)| c),
        background,
        footprint: now.phys_footprint,
        billed_energy_nj: now.billed_energy,
    }
}

/// The figures of a process that did not run since the last pass: as they
/// were (its footprint, energy and I/O stand still without CPU), with no CPU
/// to place in a class.
pub(crate) fn unchanged(last: &MacFigures) -> MacFigures {
    MacFigures {
        qos_cpu: None,
        ..*last
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QosClass;
    use crate::platform::darwin_decode::qos::QosTimes;

    #[test]
    fn figures_from_two_reads() {
        let before = RusageV4 {
            phys_footprint: 90 << 20,
            billed_energy: 1_000,
            qos: QosTimes {
                legacy: 500,
                ..QosTimes::default()
            },
            ..RusageV4::default()
        };
        // Since then: mostly user-initiated, some default.
        let now = RusageV4 {
            phys_footprint: 120 << 20,
            billed_energy: 5_000,
            qos: QosTimes {
                legacy: 600,
                user_initiated: 900,
                ..QosTimes::default()
            },
            ..RusageV4::default()
        };
        let f = figures(&now, Some(&before), Some(46), Some(false));
        assert_eq!(f.qos_tier, Some(QosClass::UserInteractive));
        assert_eq!(f.qos_cpu, Some(QosClass::UserInitiated));
        assert_eq!((f.footprint, f.billed_energy_nj), (120 << 20, 5_000));
        assert_eq!(f.background, Some(false));
        // A new process: no earlier read, no class yet; unread thread: no tier.
        let f = figures(&now, None, None, None);
        assert_eq!((f.qos_tier, f.qos_cpu, f.background), (None, None, None));
        // A second read with no CPU since places none.
        assert_eq!(figures(&now, Some(&now), Some(4), None).qos_cpu, None);
        // Not read again (it did not run): kept, with no class.
        let f = figures(&now, Some(&before), Some(46), Some(true));
        let kept = unchanged(&f);
        assert_eq!(kept.qos_cpu, None);
        assert_eq!(
            MacFigures {
                qos_cpu: f.qos_cpu,
                ..kept
            },
            f
        );
    }
}
