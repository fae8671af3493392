//! Decoders of Linux's system-wide files for the header: `/proc/stat` (CPU
//! time by kind, per CPU; runnable threads), `/proc/meminfo` and the PSI files.
//! Portable and tested everywhere; only the Linux sampler reads the files.
#![cfg_attr(not(target_os = "linux"), allow(dead_code))]

use crate::model::{CpuShares, CpuTicks, MemSplit};

/// One `cpu` line's counters, clock ticks since boot, in the file's order:
/// user nice system idle iowait irq softirq steal guest guest_nice.
pub(crate) type KindTicks = [u64; 10];

/// What the header takes from `/proc/stat`.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct StatFile {
    /// The `cpu` line (all CPUs).
    pub all: Option<KindTicks>,
    /// `cpu0`, `cpu1`, ... in the file's order (an offline CPU has no line).
    pub cpus: Vec<KindTicks>,
    pub procs_running: Option<u32>,
}

pub fn parse_stat(text: &str) -> StatFile {
    let mut out = StatFile::default();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("cpu") {
            let mut f = rest.split_ascii_whitespace();
            let all = rest.starts_with(' ');
            if !all {
                f.next(); // the CPU's number
            }
            let Some(t) = kind_ticks(f) else { continue };
            if all {
                out.all = Some(t);
            } else {
                out.cpus.push(t);
            }
        } else if let Some(n) = line.strip_prefix("procs_running ") {
            out.procs_running = n.trim().parse().ok();
        }
    }
    out
}

/// Old kernels stop after idle (4 fields); missing ones count as 0.
fn kind_ticks<'a>(fields: impl Iterator<Item = &'a str>) -> Option<KindTicks> {
    let mut t = [0u64; 10];
    let mut n = 0;
    for (slot, f) in t.iter_mut().zip(fields) {
        *slot = f.parse().ok()?;
        n += 1;
    }
    (n >= 4).then_some(t)
}

/// The history's all-CPU counters from the `cpu` line.
pub(crate) fn totals(t: &KindTicks) -> CpuTicks {
    CpuTicks {
        user: t[0] + t[1],
        system: t[2] + t[5] + t[6],
        idle: t[3],
        iowait: t[4],
        steal: t[7],
    }
}

/// One CPU between two readings, as htop divides it: the kernel counts guest
/// time inside user (and guest_nice inside nice), so it is taken out there.
pub fn shares(prev: &KindTicks, cur: &KindTicks) -> CpuShares {
    let d: Vec<f64> = cur
        .iter()
        .zip(prev)
        .map(|(c, p)| c.saturating_sub(*p) as f64)
        .collect();
    let (user, nice, system, idle, iowait, irq, softirq, steal, guest, guest_nice) =
        (d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9]);
    let user = (user - guest).max(0.0);
    let nice = (nice - guest_nice).max(0.0);
    let guest = guest + guest_nice;
    let total = user + nice + system + idle + iowait + irq + softirq + steal + guest;
    if total <= 0.0 {
        return CpuShares::default();
    }
    let pct = |v: f64| (v * 100.0 / total) as f32;
    CpuShares {
        nice: pct(nice),
        user: pct(user),
        system: pct(system),
        irq: pct(irq),
        softirq: pct(softirq),
        steal: pct(steal),
        guest: pct(guest),
        iowait: pct(iowait),
    }
}

/// What the header takes from `/proc/meminfo`, bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct MemInfo {
    pub total: u64,
    pub split: MemSplit,
    pub swap_total: u64,
    /// SwapTotal - SwapFree - SwapCached, as htop counts swap used.
    pub swap_used: u64,
    pub swap_cache: u64,
}

/// None without a MemTotal line (not a meminfo file).
pub(crate) fn parse_meminfo(text: &str) -> Option<MemInfo> {
    let mut v = [None::<u64>; 9];
    const NAMES: [&str; 9] = [
        "MemTotal:",
        "MemFree:",
        "Buffers:",
        "Cached:",
        "SReclaimable:",
        "Shmem:",
        "SwapTotal:",
        "SwapFree:",
        "SwapCached:",
    ];
    for line in text.lines() {
        let mut f = line.split_ascii_whitespace();
        let (Some(name), Some(kib)) = (f.next(), f.next()) else {
            continue;
        };
        if let Some(i) = NAMES.iter().position(|n| *n == name) {
            v[i] = kib.parse::<u64>().ok().map(|k| k * 1024);
        }
    }
    let total = v[0]?;
    let at = |i: usize| v[i].unwrap_or(0);
    let (free, buffers, cached, reclaimable, shmem) = (at(1), at(2), at(3), at(4), at(5));
    let not_used = free + buffers + cached + reclaimable;
    // htop: if the parts exceed the total (a container's odd meminfo), used is
    // what is not free.
    let used = if total >= not_used {
        total - not_used
    } else {
        total.saturating_sub(free)
    };
    let (swap_total, swap_free, swap_cache) = (at(6), at(7), at(8));
    Some(MemInfo {
        total,
        split: MemSplit {
            used,
            buffers,
            shared: shmem,
            cache: (cached + reclaimable).saturating_sub(shmem),
        },
        swap_total,
        swap_used: swap_total.saturating_sub(swap_free + swap_cache),
        swap_cache,
    })
}

/// `some avg10 avg60 avg300` of a PSI file (`some avg10=1.23 avg60=... total=...`).
pub(crate) fn parse_pressure(text: &str) -> Option<[f32; 3]> {
    let some = text.lines().find(|l| l.starts_with("some "))?;
    let mut out = [0.0f32; 3];
    for (slot, key) in out.iter_mut().zip(["avg10=", "avg60=", "avg300="]) {
        *slot = some
            .split_ascii_whitespace()
            .find_map(|f| f.strip_prefix(key))?
            .parse()
            .ok()
            .filter(|v: &f32| v.is_finite())?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAT: &str = "cpu  10 2 30 400 5 6 7 8 0 0\n\
        cpu0 100 10 50 800 20 5 5 10 0 0\n\
        cpu1 1 2 3 4\n\
        intr 12345 0 0 0\n\
        ctxt 99\n\
        btime 1700000000\n\
        processes 4242\n\
        procs_running 3\n\
        procs_blocked 1\n";

    #[test]
    fn stat_per_cpu_and_runnable_threads() {
        let s = parse_stat(STAT);
        assert_eq!(s.all.unwrap()[..8], [10, 2, 30, 400, 5, 6, 7, 8]);
        assert_eq!(s.cpus.len(), 2);
        assert_eq!(s.cpus[1][..4], [1, 2, 3, 4]);
        assert_eq!(s.procs_running, Some(3));
        let t = totals(&s.all.unwrap());
        assert_eq!(
            (t.user, t.system, t.idle, t.iowait, t.steal),
            (12, 43, 400, 5, 8)
        );
        assert_eq!(parse_stat("cpu 1 x 3 4\n").all, None);
    }

    #[test]
    fn shares_by_kind_take_guest_out_of_user() {
        let prev = [0u64; 10];
        // 1000 ticks: user 300 of which guest 100, nice 100, system 100,
        // idle 400, iowait 50, irq 20, softirq 10, steal 20.
        let cur = [300, 100, 100, 400, 50, 20, 10, 20, 100, 0];
        let s = shares(&prev, &cur);
        assert_eq!(
            s.parts(),
            [10.0, 20.0, 10.0, 2.0, 1.0, 2.0, 10.0, 5.0],
            "{s:?}"
        );
        assert_eq!(s.busy(), 55.0);
        assert_eq!(shares(&cur, &cur), CpuShares::default());
    }

    #[test]
    fn meminfo_as_htop_splits_it() {
        let text = "MemTotal:       16000 kB\nMemFree:         4000 kB\n\
                    MemAvailable:    9000 kB\nBuffers:          500 kB\n\
                    Cached:          5000 kB\nSwapCached:       100 kB\n\
                    Shmem:           1000 kB\nSReclaimable:     500 kB\n\
                    SwapTotal:       2000 kB\nSwapFree:        1500 kB\n";
        let m = parse_meminfo(text).unwrap();
        let k = |n: u64| n * 1024;
        assert_eq!(m.total, k(16000));
        assert_eq!(
            m.split,
            MemSplit {
                used: k(16000 - 4000 - 500 - 5000 - 500),
                buffers: k(500),
                shared: k(1000),
                cache: k(5000 + 500 - 1000),
            }
        );
        assert_eq!((m.swap_used, m.swap_cache), (k(400), k(100)));
        assert_eq!(parse_meminfo("Active: 1 kB\n"), None);
    }

    #[test]
    fn pressure_is_some_averages() {
        let text = "some avg10=12.34 avg60=3.00 avg300=1.00 total=123\n\
                    full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";
        assert_eq!(parse_pressure(text), Some([12.34, 3.0, 1.0]));
        assert_eq!(parse_pressure("full avg10=1.0 avg60=1 avg300=1"), None);
        assert_eq!(parse_pressure("some avg10=x avg60=1 avg300=1"), None);
        assert_eq!(parse_pressure(""), None);
    }
}
