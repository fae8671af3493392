//! Quality of service on macOS, from numbers the kernel gives: a thread's
//! base priority (`pth_priority`), which its QoS class sets, and a process's
//! CPU time per QoS class (`proc_pid_rusage(RUSAGE_INFO_V4)`'s
//! `ri_cpu_time_qos_*`), whose change between two refreshes says which class
//! its CPU went to. Pure: the backend copies the numbers out; the QOS
//! column shows what `mac_figures` makes of them.

use crate::model::QosClass;

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
}
