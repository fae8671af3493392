//! One full collection + derivation with 1,000 and 5,000 live processes.
//!
//! `cargo bench --bench collect` spawns idle sleepers of its own, then times
//! `Platform::list` (the /proc pass), the WHY classification, `derive` and the sorted view, cold (every
//! process new) and warm (the steady state of a running monitor). CPU time is
//! the process's user+system time from getrusage, the figure the 40 ms budget is about.
//! `WHYTOP_BENCH_EXTRAS=1` also reads what the I/O and OOM columns need.
#![allow(clippy::unwrap_used)] // a bench may unwrap: a panic is its failure

#[cfg(target_os = "linux")]
fn main() {
    use std::process::{Child, Command, Stdio};
    use std::sync::Arc;
    use std::time::Instant;
    use whytop::collectors::why::WhyTracker;
    use whytop::model::view::{ViewOptions, build};
    use whytop::model::{Snapshot, derive};
    use whytop::platform::linux::LinuxPlatform;
    use whytop::platform::{ListOptions, Platform};

    fn cpu_ms() -> f64 {
        // SAFETY: rusage is plain integers: all zeroes is a valid value.
        let mut r: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: getrusage writes only the struct we pass.
        unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut r) };
        let t = |v: libc::timeval| v.tv_sec as f64 * 1e3 + v.tv_usec as f64 / 1e3;
        t(r.ru_utime) + t(r.ru_stime)
    }

    let counts: Vec<usize> = std::env::var("WHYTOP_BENCH_PROCS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![1000, 5000]);
    let extras = std::env::var_os("WHYTOP_BENCH_EXTRAS").is_some();
    let list_opts = ListOptions {
        io: extras,
        oom: extras,
        ..Default::default()
    };
    for n in counts {
        let base = std::fs::read_dir("/proc")
            .unwrap()
            .filter(|e| {
                e.as_ref().is_ok_and(|e| {
                    e.file_name()
                        .to_str()
                        .is_some_and(|s| s.parse::<u32>().is_ok())
                })
            })
            .count();
        let mut kids: Vec<Child> = (0..n.saturating_sub(base))
            .map(|_| {
                Command::new("sleep")
                    .arg("600")
                    .stdin(Stdio::null())
                    .spawn()
                    .expect("spawn sleeper")
            })
            .collect();
        let mut platform = LinuxPlatform::new("/proc").unwrap();
        let mut prev: Option<Arc<Snapshot>> = None;
        let opts = ViewOptions::default();
        let mut why = WhyTracker::default();
        let mut pass = |platform: &mut LinuxPlatform, prev: &mut Option<Arc<Snapshot>>| {
            let listing = platform.list(list_opts).unwrap();
            let mono_ns = whytop::platform::clock::monotonic_ns();
            let before = prev
                .as_ref()
                .map(|p| Arc::clone(&p.procs))
                .unwrap_or_default();
            let tags = why.update(platform, &listing, &before, mono_ns);
            let snap = Arc::new(Snapshot {
                procs: listing.procs,
                why: tags.tags,
                mono_ns,
                ..Default::default()
            });
            let table = derive(prev.as_deref(), Arc::clone(&snap));
            let rows = build(&table, &opts);
            *prev = Some(snap);
            table.len() + rows.len()
        };
        let (c0, w0) = (cpu_ms(), Instant::now());
        let seen = pass(&mut platform, &mut prev) / 2;
        let (cold_cpu, cold_wall) = (cpu_ms() - c0, w0.elapsed().as_secs_f64() * 1e3);
        let iters = 20;
        let (c1, w1) = (cpu_ms(), Instant::now());
        for _ in 0..iters {
            std::hint::black_box(pass(&mut platform, &mut prev));
        }
        let warm_cpu = (cpu_ms() - c1) / iters as f64;
        let warm_wall = w1.elapsed().as_secs_f64() * 1e3 / iters as f64;
        println!(
            "collect+derive+view  procs={seen:>5}  extras={extras}  cold: {cold_cpu:6.1} ms cpu {cold_wall:6.1} ms wall   warm: {warm_cpu:6.2} ms cpu {warm_wall:6.2} ms wall  (mean of {iters})"
        );
        for k in &mut kids {
            let _ = k.kill();
        }
        for k in &mut kids {
            let _ = k.wait();
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("the collection bench reads /proc: Linux only");
}
