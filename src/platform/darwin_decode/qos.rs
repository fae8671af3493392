//! Quality of service on macOS, from numbers the kernel gives: a thread's
//! base priority (`pth_priority`), which its QoS class sets, and a process's
//! CPU time per QoS class (`proc_pid_rusage(RUSAGE_INFO_V4)`'s
//! `ri_cpu_time_qos_*`), whose change between two refreshes says which class
//! its CPU went to. Pure: the backend copies the numbers out; the QOS, BG,
//! FOOT and ENERGY columns show what `figures` makes of them.

use super::rusage::RusageV4;
use crate::model::{MacFigures, QosClass};

/// The QoS tier a base priority belongs to (xnu `thread_qos_policy_params`:
/// user-interactive 46, user-initiated 37, default/legacy 31, utility 20,
/// background and maintenance 4; `osfmk/kern/sched.h` for the values).
/// A priority between two tiers' is counted with the lower.
pub(crate) fn tier_of_base_priority(pri: i32) -> QosClass {
    match pri {
        46.. => QosClass::UserInteractive,
        37..=45 => QosClass::UserInitiated,
        31..=36 => QosClass::Default,
        5..=30 => QosClass::Utility,
        _ => QosClass::Background,
    }
}

/// `ri_cpu_time_qos_*`, in the order of `struct rusage_info_v4`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct QosTimes {
    pub default: u64,
    pub maintenance: u64,
    pub background: u64,
    pub utility: u64,
    pub legacy: u64,
    pub user_initiated: u64,
    pub user_interactive: u64,
}

impl QosTimes {
    fn named(&self) -> [(QosClass, u64); 7] {
        [
            // "default" is time with no QoS set; legacy is QoS default.
            (QosClass::Unspecified, self.default),
            (QosClass::Maintenance, self.maintenance),
            (QosClass::Background, self.background),
            (QosClass::Utility, self.utility),
            (QosClass::Default, self.legacy),
            (QosClass::UserInitiated, self.user_initiated),
            (QosClass::UserInteractive, self.user_interactive),
        ]
    }
}

/// The class most of the CPU time between `prev` and `now` went to, and its
/// share in percent; None when no CPU was used (or the counters went back:
/// another process under a reused pid).
pub(crate) fn dominant_class(prev: &QosTimes, now: &QosTimes) -> Option<(QosClass, u32)> {
    let deltas: Vec<(QosClass, u64)> = prev
        .named()
        .iter()
        .zip(now.named())
        .map(|((n, a), (_, b))| b.checked_sub(*a).map(|d| (*n, d)))
        .collect::<Option<_>>()?;
    let total: u64 = deltas.iter().map(|(_, d)| d).sum();
    if total == 0 {
        return None;
    }
    let (name, most) = deltas.iter().max_by_key(|(_, d)| *d)?;
    Some((*name, (u128::from(*most) * 100 / u128::from(total)) as u32))
}

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

    #[test]
    fn tiers_from_base_priorities() {
        use QosClass as Q;
        assert_eq!(tier_of_base_priority(47), Q::UserInteractive); // a foreground app
        assert_eq!(tier_of_base_priority(46), Q::UserInteractive);
        assert_eq!(tier_of_base_priority(37), Q::UserInitiated);
        assert_eq!(tier_of_base_priority(31), Q::Default);
        assert_eq!(tier_of_base_priority(20), Q::Utility);
        assert_eq!(tier_of_base_priority(4), Q::Background);
        assert_eq!(tier_of_base_priority(0), Q::Background);
    }

    #[test]
    fn where_the_cpu_went() {
        let before = QosTimes {
            legacy: 1_000,
            utility: 500,
            ..QosTimes::default()
        };
        let after = QosTimes {
            legacy: 1_100,
            utility: 800,
            ..before
        };
        assert_eq!(
            dominant_class(&before, &after),
            Some((QosClass::Utility, 75))
        );
        assert_eq!(dominant_class(&after, &after), None);
        // Counters that went back are another process's.
        assert_eq!(dominant_class(&after, &before), None);
    }

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
