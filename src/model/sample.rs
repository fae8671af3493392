//! Raw samples as the platform reads them: plain data, serde, no derivation.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub type Pid = i32;

/// A process identity that survives pid reuse: a reused pid has another start time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProcKey {
    pub pid: Pid,
    /// Platform start time (Linux: clock ticks since boot). Opaque; compare only.
    pub start_time: u64,
}

/// Scheduler state as the kernel reports it, one letter as `ps` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcState {
    Running,
    Sleeping,
    DiskSleep,
    Stopped,
    Traced,
    Zombie,
    Dead,
    Idle,
    Unknown,
}

impl ProcState {
    pub fn from_letter(c: u8) -> Self {
        match c {
            b'R' => Self::Running,
            b'S' => Self::Sleeping,
            b'D' => Self::DiskSleep,
            b'T' => Self::Stopped,
            b't' => Self::Traced,
            b'Z' => Self::Zombie,
            b'X' | b'x' => Self::Dead,
            b'I' => Self::Idle,
            _ => Self::Unknown,
        }
    }

    pub fn letter(self) -> char {
        match self {
            Self::Running => 'R',
            Self::Sleeping => 'S',
            Self::DiskSleep => 'D',
            Self::Stopped => 'T',
            Self::Traced => 't',
            Self::Zombie => 'Z',
            Self::Dead => 'X',
            Self::Idle => 'I',
            Self::Unknown => '?',
        }
    }
}

/// One process (or, when threads are listed, one thread) as read at one instant.
/// What changes while a process runs is inline; what rarely does (names, user,
/// terminal) sits in a shared `ProcInfo`, so a pass that copies every sample
/// copies half as much. Fields of `ProcInfo` read through `Deref`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcSample {
    pub pid: Pid,
    pub ppid: Pid,
    pub pgid: Pid,
    pub sid: Pid,
    /// Controlling terminal device number (0: none).
    pub tty_nr: u32,
    /// Foreground process group of the controlling terminal (-1: none).
    pub tpgid: Pid,
    pub state: ProcState,
    pub priority: i32,
    pub nice: i32,
    pub threads: u32,
    pub start_time: u64,
    /// user + system CPU time, nanoseconds.
    pub cpu_ns: u64,
    /// Time its main thread has spent runnable but waiting for a CPU,
    /// nanoseconds (Linux `schedstat`; 0 where the platform does not say).
    #[serde(default)]
    pub run_delay_ns: u64,
    pub rss_bytes: u64,
    pub vsz_bytes: u64,
    /// For a thread row: the process (thread group) it belongs to.
    pub tgid: Option<Pid>,
    /// What only some columns show (faults, last CPU, I/O, OOM score).
    #[serde(flatten)]
    pub extra: ProcExtra,
    #[serde(flatten)]
    pub info: Arc<ProcInfo>,
}

/// Figures behind the optional columns; 0 or None where the platform does not
/// say (macOS), and I/O and the OOM score only while such a column is shown.
/// 40 bytes a sample (5,000 samples in two or three passes at once): the
/// counters keep their low 32 bits, which is all a rate between two samples
/// needs (it takes the wrapping difference), and I/O and the macOS figures,
/// each from one platform only, are boxed (a pointer each).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcExtra {
    /// Minor and major page faults, the whole process's (Linux `stat`),
    /// modulo 2^32.
    #[serde(default)]
    pub minflt: u32,
    #[serde(default)]
    pub majflt: u32,
    /// Times its main thread was put on a CPU (`schedstat`): a switch in for
    /// each switch out, so its context switches, voluntary or not; modulo 2^32.
    #[serde(default)]
    pub ctxsw: u32,
    /// Resident memory shared with other processes (file-backed, shmem), KiB.
    #[serde(default)]
    pub shared_kib: u32,
    /// The CPU it last ran on.
    #[serde(default)]
    pub processor: u16,
    /// The kernel's OOM-killer badness, 0..=2000 (`/proc/PID/oom_score`).
    #[serde(default)]
    pub oom_score: Option<u16>,
    /// Bytes it caused to be read from and written to storage (`/proc/PID/io`
    /// read_bytes, write_bytes); None: not asked for, or unreadable (another
    /// user's process, for a user who is not root).
    #[serde(default)]
    pub io: Option<Box<IoBytes>>,
    /// QoS, background, footprint and energy (macOS; None elsewhere, and
    /// for a process it may not read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<Box<super::MacFigures>>,
}

/// Storage I/O counters of a process, bytes since it started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IoBytes {
    pub read: u64,
    pub write: u64,
}

/// The slow-changing part of a sample, shared between passes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProcInfo {
    /// Controlling terminal name, such as `pts/3`, if any.
    pub tty: Option<Arc<str>>,
    pub uid: Option<u32>,
    pub user: Option<Arc<str>>,
    /// Start as seconds since the Unix epoch.
    pub started_at: f64,
    pub comm: Arc<str>,
    /// Full command line joined by spaces; empty for kernel threads and zombies.
    pub cmdline: Arc<str>,
    pub kernel_thread: bool,
}

impl std::ops::Deref for ProcSample {
    type Target = ProcInfo;

    fn deref(&self) -> &ProcInfo {
        &self.info
    }
}

impl std::ops::DerefMut for ProcSample {
    /// Copies the shared part first if another sample shares it.
    fn deref_mut(&mut self) -> &mut ProcInfo {
        Arc::make_mut(&mut self.info)
    }
}

impl ProcSample {
    /// Its process group is the foreground job of its controlling terminal.
    pub(crate) fn in_foreground(&self) -> bool {
        self.tty_nr != 0 && self.tpgid > 0 && self.pgid == self.tpgid
    }

    pub fn key(&self) -> ProcKey {
        ProcKey {
            pid: self.pid,
            start_time: self.start_time,
        }
    }

    /// What to show as the command: the full cmdline, else `[comm]` like ps does.
    pub fn command(&self) -> String {
        if self.cmdline.is_empty() {
            format!("[{}]", self.comm)
        } else {
            self.cmdline.to_string()
        }
    }
}

/// System-wide figures for the header.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SystemSample {
    /// Per-core busy percentage since the previous sample.
    pub cpu_percent: Vec<f32>,
    pub mem_total: u64,
    pub mem_used: u64,
    pub swap_total: u64,
    pub swap_used: u64,
    pub load: [f64; 3],
    pub uptime_secs: u64,
    pub boot_time: u64,
    /// CPU pressure: the share of the last 10 s in which some runnable task
    /// waited for a CPU, percent (Linux `/proc/pressure/cpu`, `some avg10`).
    #[serde(default)]
    pub cpu_pressure: Option<f32>,
    /// All CPUs' time by kind since boot, in clock ticks (Linux `/proc/stat`);
    /// history derives the shares of each refresh from two of these.
    #[serde(default)]
    pub cpu_ticks: Option<CpuTicks>,
    /// Per CPU, its last refresh by kind, as htop's bars split it (Linux
    /// `/proc/stat`); empty where the platform does not say.
    #[serde(default)]
    pub cpu_kinds: Vec<CpuShares>,
    /// Memory as htop splits it (Linux `/proc/meminfo`); `mem_used` is its `used`.
    #[serde(default)]
    pub mem_split: Option<MemSplit>,
    /// Swapped pages also still in memory (`SwapCached`), not in `swap_used`.
    #[serde(default)]
    pub swap_cache: u64,
    /// Threads runnable right now, kernel threads included (`procs_running`
    /// of `/proc/stat`): htop's `running`.
    #[serde(default)]
    pub procs_running: Option<u32>,
    /// Pressure stall information: `some` averages over 10 s, 60 s and 300 s,
    /// percent (Linux `/proc/pressure/{cpu,io,memory}`).
    #[serde(default)]
    pub pressure: Pressure,
}

/// One CPU's last refresh by kind, percent of its time; the kinds and their
/// order are htop's detailed CPU meter's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CpuShares {
    pub nice: f32,
    pub user: f32,
    pub system: f32,
    pub irq: f32,
    pub softirq: f32,
    pub steal: f32,
    pub guest: f32,
    pub iowait: f32,
}

impl CpuShares {
    /// The kinds in the bar's order, left to right.
    pub fn parts(&self) -> [f32; 8] {
        [
            self.nice,
            self.user,
            self.system,
            self.irq,
            self.softirq,
            self.steal,
            self.guest,
            self.iowait,
        ]
    }

    /// Busy percent as htop prints it: everything but idle and iowait.
    pub fn busy(&self) -> f32 {
        self.parts()[..7].iter().sum()
    }
}

/// Memory by use as htop computes it, bytes: `used` is MemTotal - MemFree -
/// Buffers - Cached - SReclaimable; `cache` is Cached + SReclaimable - Shmem.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemSplit {
    pub used: u64,
    pub buffers: u64,
    pub shared: u64,
    pub cache: u64,
}

/// `some` stall averages (10 s, 60 s, 300 s), percent, per resource.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Pressure {
    pub cpu: Option<[f32; 3]>,
    pub io: Option<[f32; 3]>,
    pub memory: Option<[f32; 3]>,
}

/// Cumulative CPU time of all CPUs by kind, clock ticks, as the kernel counts it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuTicks {
    /// user + nice.
    pub user: u64,
    /// system + irq + softirq.
    pub system: u64,
    pub iowait: u64,
    /// Stolen by the hypervisor.
    pub steal: u64,
    pub idle: u64,
}

/// What the detail pane shows for the selected process; read only on request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProcDetail {
    pub key: Option<ProcKey>,
    pub exe: Option<String>,
    pub cwd: Option<String>,
    pub fd_count: Option<usize>,
    /// Fields that could not be read, with why (for example "permission denied").
    pub unreadable: Vec<String>,
    /// The full verdict on the process and on each of its threads.
    pub why: Option<crate::model::why::ProcessWhy>,
    /// Scheduling beyond nice: `policy batch, I/O idle 4` (Linux).
    pub sched: Option<String>,
    /// What a language runtime handler (py-spy for Python) saw, when one applies.
    pub runtime: Option<crate::model::RuntimeHint>,
    /// How long its reason has lasted and where its last minute went.
    #[serde(default)]
    pub history: Option<crate::model::why::profile::WhyHistory>,
    /// launchd job, power assertions, signature, quarantine (macOS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<crate::model::provenance::Provenance>,
}

/// Everything one collection pass produced.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Wall clock at the sample, seconds since the Unix epoch.
    pub taken_at: f64,
    /// Monotonic clock at the sample, nanoseconds; rates are computed from it.
    pub mono_ns: u64,
    pub system: SystemSample,
    /// Shared with the reader, which reuses unchanged samples on its next pass.
    pub procs: Arc<Vec<ProcSample>>,
    /// True when `procs` also holds thread rows.
    pub with_threads: bool,
    /// Why each sample waits, parallel to `procs`; empty when not classified.
    pub why: Vec<crate::model::why::WhyTag>,
    /// Processes the kernel reported as exited since the previous snapshot
    /// (Linux as root; empty elsewhere).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exits: Vec<crate::model::ending::ExitReport>,
    /// Whether exits are reported at all (then one missing means none came).
    #[serde(default)]
    pub exits_known: bool,
    /// Kills by the OOM killer logged since the previous snapshot (Linux as
    /// root, from the kernel log).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub oom_kills: Vec<crate::model::ending::OomKill>,
    /// Whether OOM kills are known at all (the kernel log could be read).
    #[serde(default)]
    pub oom_known: bool,
}

#[cfg(test)]
mod tests {
    /// Every sample carries one, 5,000 of them in two or three passes at once.
    #[test]
    fn the_extra_figures_stay_small() {
        let n = std::mem::size_of::<super::ProcExtra>();
        assert!(n <= 40, "{n}");
    }
}
