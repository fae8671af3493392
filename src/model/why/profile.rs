//! A wait profile: where a process's recent time went (on a CPU, waiting for
//! one, and in each wait reason), kept in 20 bytes per process.
//!
//! Each refresh adds its interval: the CPU time used and the time its main
//! thread waited for a CPU (from the schedstat and stat deltas), and the rest
//! to the reason judged at that refresh (a process not re-judged keeps its
//! reason for the interval). For the table, older time fades out with a
//! one-minute time constant (an exponential average: the last minute weighs
//! most); `whytop why --watch` adds without fading, for exact shares of its
//! window. At most four kinds of time are kept; a fifth replaces the smallest.

use super::WaitReason;
use super::usage::CpuUsage;
use serde::{Deserialize, Serialize};

/// How fast older time fades in the table's profile, seconds.
pub(crate) const WINDOW_SECS: f32 = 60.0;

const SLOTS: usize = 4;
const EMPTY: u8 = u8::MAX;
const ON_CPU: u8 = 200;
const CPU_WAIT: u8 = 201;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Profile {
    /// What each slot counts: a `WaitReason` index, `ON_CPU`, `CPU_WAIT` or `EMPTY`.
    codes: [u8; SLOTS],
    secs: [f32; SLOTS],
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            codes: [EMPTY; SLOTS],
            secs: [0.0; SLOTS],
        }
    }
}

/// One share of a profile, for people and JSON.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProfilePart {
    /// `running`, `waiting for CPU`, or a WHY word.
    pub what: String,
    pub percent: f64,
}

/// A profile as `whytop why --json` prints it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProfileReport {
    /// The time the shares cover, seconds (for the table's profile: the fading
    /// window, or less for a process seen for less than that).
    pub seconds: f64,
    /// Whether older time fades (the table's last-minute profile).
    pub fading: bool,
    pub parts: Vec<ProfilePart>,
}

impl ProfileReport {
    /// `running 40 %, waiting for CPU 10 %, disk 50 %`.
    pub fn line(&self) -> String {
        if self.parts.is_empty() {
            return "no time seen yet".into();
        }
        self.parts
            .iter()
            .map(|p| format!("{} {:.0} %", p.what, p.percent))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What the collector remembers of one process's reason over time, for the
/// detail pane: how long the reason shown has lasted, and the wait profile.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WhyHistory {
    pub reason: WaitReason,
    pub for_secs: u64,
    pub profile: ProfileReport,
}

/// `e^x` for `x <= 0`, to f32 precision, without libm: this is whytop's only
/// call into it, and linking libm costs 400 KiB of resident memory for one
/// function. Halve `x` until it is small, take the series, square back.
fn exp_of_negative(x: f32) -> f32 {
    if x.is_nan() || x < -90.0 {
        return 0.0;
    }
    // In f64: each squaring doubles the relative error.
    let mut y = f64::from(x.min(0.0));
    let mut halvings = 0;
    while y < -0.01 {
        y /= 2.0;
        halvings += 1;
    }
    let mut e = 1.0 + y * (1.0 + y / 2.0 * (1.0 + y / 3.0 * (1.0 + y / 4.0 * (1.0 + y / 5.0))));
    for _ in 0..halvings {
        e *= e;
    }
    e as f32
}

impl Profile {
    /// Adds one interval judged `reason` with `usage`; `fade`: fade older time
    /// with the one-minute time constant.
    pub fn add(&mut self, usage: &CpuUsage, reason: WaitReason, fade: bool) {
        let interval = usage.interval_ns as f32 / 1e9;
        if interval <= 0.0 {
            return;
        }
        if fade {
            let keep = exp_of_negative(-interval / WINDOW_SECS);
            for s in &mut self.secs {
                *s *= keep;
            }
        }
        let on_cpu = (usage.cpu_share().min(1.0) as f32) * interval;
        let wait = (usage.wait_share() as f32 * interval).min(interval - on_cpu);
        let rest = (interval - on_cpu - wait).max(0.0);
        let (on_cpu, wait) = match reason {
            WaitReason::Running => (on_cpu + rest, wait),
            WaitReason::Starved => (on_cpu, wait + rest),
            _ => {
                self.put(reason_code(reason), rest);
                (on_cpu, wait)
            }
        };
        self.put(ON_CPU, on_cpu);
        self.put(CPU_WAIT, wait);
    }

    fn put(&mut self, code: u8, secs: f32) {
        if secs <= 0.0 {
            return;
        }
        if let Some(i) = self.codes.iter().position(|c| *c == code) {
            self.secs[i] += secs;
            return;
        }
        // A free slot, else the smallest, if this is bigger.
        let (i, _) = self
            .secs
            .iter()
            .enumerate()
            .map(|(i, s)| (i, if self.codes[i] == EMPTY { -1.0 } else { *s }))
            .fold((0, f32::INFINITY), |a, b| if b.1 < a.1 { b } else { a });
        if self.codes[i] == EMPTY || self.secs[i] < secs {
            self.codes[i] = code;
            self.secs[i] = secs;
        }
    }

    /// The time the profile holds, seconds.
    pub(crate) fn total(&self) -> f32 {
        self.codes
            .iter()
            .zip(&self.secs)
            .filter(|(c, _)| **c != EMPTY)
            .map(|(_, s)| *s)
            .sum()
    }

    /// Shares, biggest first; parts under half a percent are left out.
    pub fn parts(&self) -> Vec<ProfilePart> {
        let total = self.total();
        if total <= 0.0 {
            return Vec::new();
        }
        let mut parts: Vec<(f32, u8)> = self
            .codes
            .iter()
            .zip(&self.secs)
            .filter(|(c, s)| **c != EMPTY && **s / total >= 0.005)
            .map(|(c, s)| (*s, *c))
            .collect();
        parts.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        parts
            .into_iter()
            .map(|(s, c)| ProfilePart {
                what: code_name(c).to_string(),
                percent: (f64::from(s / total) * 1000.0).round() / 10.0,
            })
            .collect()
    }

    /// The report of this profile; `seconds`: the time it covers.
    pub fn report(&self, seconds: f64, fading: bool) -> ProfileReport {
        ProfileReport {
            seconds: (seconds * 10.0).round() / 10.0,
            fading,
            parts: self.parts(),
        }
    }
}

fn reason_code(r: WaitReason) -> u8 {
    WaitReason::ALL.iter().position(|x| *x == r).unwrap_or(0) as u8
}

fn code_name(c: u8) -> &'static str {
    match c {
        ON_CPU => "running",
        CPU_WAIT => "waiting for CPU",
        i => WaitReason::ALL
            .get(usize::from(i))
            .map_or("unknown", |r| r.label()),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn exp_of_negative_agrees_with_libm() {
        for i in 0..=2000 {
            let x = -(i as f32) / 20.0;
            let (got, want) = (exp_of_negative(x), x.exp());
            assert!(
                (got - want).abs() <= want * 2e-5 + 1e-30,
                "e^{x}: {got} vs {want}"
            );
        }
        assert_eq!(exp_of_negative(0.0), 1.0);
        assert_eq!(exp_of_negative(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp_of_negative(f32::NAN), 0.0);
    }

    use super::*;

    use crate::model::why::usage::one_second as usage;

    #[test]
    fn it_stays_small() {
        assert_eq!(std::mem::size_of::<Profile>(), 20);
    }

    #[test]
    fn running_waiting_and_a_reason_share_the_time() {
        let mut p = Profile::default();
        // 4 s: busy 40 % of it, waiting for a CPU 10 %, the rest disk.
        for _ in 0..4 {
            p.add(&usage(400, 100), WaitReason::Disk, false);
        }
        assert_eq!(
            p.report(0.0, false).line(),
            "disk 50 %, running 40 %, waiting for CPU 10 %"
        );
        assert!((p.total() - 4.0).abs() < 1e-4);
    }

    #[test]
    fn a_starved_interval_counts_its_rest_as_waiting() {
        let mut p = Profile::default();
        p.add(&usage(330, 600), WaitReason::Starved, false);
        let parts = p.parts();
        assert_eq!(parts[0].what, "waiting for CPU");
        assert!((parts[0].percent - 67.0).abs() < 0.11, "{parts:?}");
    }

    #[test]
    fn older_time_fades() {
        let mut p = Profile::default();
        for _ in 0..120 {
            p.add(&usage(0, 0), WaitReason::Timer, true);
        }
        for _ in 0..60 {
            p.add(&usage(1000, 0), WaitReason::Running, true);
        }
        // After a minute of running, two minutes of sleep before weigh about e^-1.
        let parts = p.parts();
        assert_eq!(parts[0].what, "running");
        assert!(
            parts[0].percent > 60.0 && parts[0].percent < 70.0,
            "{parts:?}"
        );
    }

    #[test]
    fn a_fifth_kind_replaces_the_smallest() {
        let mut p = Profile::default();
        p.add(&usage(0, 0), WaitReason::Timer, false);
        p.add(&usage(0, 0), WaitReason::Lock, false);
        p.add(&usage(500, 500), WaitReason::Running, false);
        for _ in 0..3 {
            p.add(&usage(0, 0), WaitReason::Socket, false);
        }
        let whats: Vec<String> = p.parts().into_iter().map(|p| p.what).collect();
        assert!(whats.contains(&"socket".to_string()), "{whats:?}");
        assert_eq!(whats.len(), 4, "{whats:?}");
    }
}
