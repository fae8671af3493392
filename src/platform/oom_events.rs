//! OOM kills as the kernel logs them (Linux, as root: `/dev/kmsg`), drained
//! without blocking at each pass.

use crate::model::ending::OomKill;

pub(crate) struct OomEvents {
    #[cfg(target_os = "linux")]
    kmsg: crate::platform::linux::kmsg::Kmsg,
}

impl OomEvents {
    /// Starts reading the kernel log at its end. Linux only; the error says
    /// why not (reading it needs root where `kernel.dmesg_restrict` is set).
    pub fn open() -> std::io::Result<OomEvents> {
        #[cfg(target_os = "linux")]
        {
            let kmsg = crate::platform::linux::kmsg::Kmsg::open().map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!("{}: {e}", crate::platform::linux::kmsg::PATH),
                )
            })?;
            Ok(OomEvents { kmsg })
        }
        #[cfg(not(target_os = "linux"))]
        Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "the OOM killer's log is Linux's",
        ))
    }

    /// The kills logged since the last call (read at each pass, so a kill is
    /// at most a refresh old), their times as wall clock and as the ticks
    /// since boot that start times count in.
    pub fn drain(&mut self) -> Vec<OomKill> {
        #[cfg(target_os = "linux")]
        {
            let kills = self.kmsg.drain();
            if kills.is_empty() {
                return Vec::new();
            }
            let hz = crate::platform::linux::reader_io::sysconf(libc::_SC_CLK_TCK, 100);
            let mono_us = crate::platform::clock::monotonic_ns() / 1000;
            // The log's clock stops while the machine is suspended; start
            // times count on: the time suspended so far is added, so a process
            // started after a resume can still be matched to its kill.
            let suspended_us =
                (crate::platform::clock::boottime_ns() / 1000).saturating_sub(mono_us);
            let wall = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0);
            kills
                .into_iter()
                .map(|k| OomKill {
                    pid: k.pid,
                    comm: k.comm,
                    cgroup: k.cgroup,
                    memcg: k.memcg,
                    at: wall - mono_us.saturating_sub(k.usec) as f64 / 1e6,
                    at_ticks: (u128::from(k.usec + suspended_us) * u128::from(hz) / 1_000_000)
                        as u64,
                })
                .collect()
        }
        #[cfg(not(target_os = "linux"))]
        Vec::new()
    }
}
