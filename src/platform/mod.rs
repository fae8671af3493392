//! The one place for syscalls, `/proc`, libproc and `cfg(target_os)`.
//! Decoders of raw formats are portable and tested everywhere.

pub mod cancel;
pub mod clock;
pub(crate) mod cn_proc;
pub mod darwin_decode;
pub(crate) mod decode_error;
pub(crate) mod error;
pub(crate) mod exit_event;
pub(crate) mod exit_events;
pub mod external;
pub(crate) mod fs_safe;
pub(crate) mod handle;
pub(crate) mod job_control;
#[cfg(target_os = "linux")]
pub mod linux;
pub mod localtime;
#[cfg(target_os = "macos")]
pub(crate) mod macos;
pub(crate) mod oom_events;
pub(crate) mod os;
pub mod privilege;
pub(crate) mod proc_handle;
pub(crate) mod proc_system;
pub(crate) mod sched;
pub(crate) mod signals;
pub mod stackfmt;
// A portable decoder the Linux backend alone uses.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(crate) mod syscall_site;
pub(crate) mod system;
pub(crate) mod term_signals;
pub(crate) mod test_pause;
pub(crate) mod users;

pub use error::PlatformError;

/// Where Linux mounts its process filesystem: the root the Linux backend, log
/// tails and captures are given (macOS has none; what looks there finds nothing).
/// Written here once; everything else is passed it.
pub(crate) const PROC_ROOT: &str = "/proc";

use crate::model::why::{ChildRef, Evidence, Unreadable, UnreadableWhy};
use crate::model::{ProcDetail, ProcKey, ProcSample, ProcState};
use std::sync::Arc;

/// What a collection pass should include.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// Also list every thread of every process as its own row.
    pub threads: bool,
    /// Read each process's storage I/O counters (a column shows them).
    pub io: bool,
    /// Read each process's OOM score (a column shows it).
    pub oom: bool,
}

/// One pass's processes, and which of them were read afresh (new, or they ran):
/// only those need their wait evidence read again.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    pub procs: Arc<Vec<ProcSample>>,
    /// Indices into `procs`, ascending.
    pub fresh: Vec<usize>,
}

/// The rows' state letters set in place when `listing` holds the only reference
/// to them; copied otherwise.
pub(crate) fn apply_states(listing: &mut Listing, states: &[(usize, ProcState)]) {
    let procs = Arc::make_mut(&mut listing.procs);
    for &(i, state) in states {
        if let Some(p) = procs.get_mut(i) {
            p.state = state;
        }
    }
}

/// A source of process samples. Implementations may keep state between calls
/// (held file descriptors, caches), hence `&mut self`.
pub trait Platform: Send {
    /// Every process now, sorted by pid. A process that vanishes mid-read is left out.
    fn list(&mut self, opts: ListOptions) -> Result<Listing, PlatformError>;

    /// Sets the state letters of `listing`'s rows at the given indices (the
    /// evidence saw a newer state than the listing). A backend that keeps the
    /// listing for its next pass lets go of it first, so the rows are changed in
    /// place rather than copied: a copy of 5,000 rows is half a MiB at the peak.
    fn amend_states(&mut self, listing: &mut Listing, states: &[(usize, ProcState)]) {
        apply_states(listing, states);
    }

    /// The slower fields for one process (exe, cwd, open fds).
    fn detail(&mut self, key: ProcKey) -> Result<ProcDetail, PlatformError>;

    /// What the platform can see of why a process (or a thread row) waits.
    /// `children`: its children as the caller's listing has them; `full`: also the
    /// costlier details (socket peers) that the reason alone does not need. The default
    /// knows only the listing's fields: a backend without wait channels gets an
    /// honest `unknown` from the classifier.
    fn wait_evidence(
        &mut self,
        sample: &ProcSample,
        children: Vec<ChildRef>,
        _full: bool,
    ) -> Result<Evidence, PlatformError> {
        let mut e = Evidence::from_sample(sample, children);
        for what in ["wchan", "syscall"] {
            e.unreadable.push(Unreadable {
                what: what.into(),
                why: UnreadableWhy::NotAvailable,
            });
        }
        Ok(e)
    }

    /// Everything a diagnostic bundle records beyond the table: exe, cwd,
    /// environment, limits, usage, open files. What cannot be read is noted.
    fn facts(&mut self, sample: &ProcSample) -> crate::model::facts::ProcFacts {
        crate::model::facts::ProcFacts {
            unreadable: vec![
                "environment, limits and open files: not read on this platform yet".into(),
            ],
            ..Default::default()
        }
        .with_sample(sample)
    }

    /// Who stands behind a process: its launchd job, the power assertions it
    /// holds, its executable's signature and quarantine (macOS, from the
    /// Mac's own tools). None where the platform has no such things; with
    /// `wait` false, also while it is still being read (ask again later).
    fn provenance(
        &mut self,
        _sample: &ProcSample,
        _wait: bool,
    ) -> Option<crate::model::provenance::Provenance> {
        None
    }

    /// Forget what is cached about `pid`, so the next pass reads it afresh
    /// (after whytop itself changed it: a renice does not make it run).
    fn invalidate(&mut self, _pid: crate::model::Pid) {}

    /// The same for each thread of a process but its main one (`full` as for
    /// `wait_evidence`).
    fn thread_evidence(&mut self, _key: ProcKey, _full: bool) -> Vec<Evidence> {
        Vec::new()
    }

    /// The process `tid` is a thread of, when it names a thread that is not a
    /// process's main one (Linux thread ids share the pid space).
    fn thread_group(&mut self, _tid: crate::model::Pid) -> Option<crate::model::Pid> {
        None
    }
}

/// The executable `pid` runs, when it can be read (a JVM's own jcmd sits
/// beside it).
pub(crate) fn exe_path(pid: crate::model::Pid) -> Option<std::path::PathBuf> {
    #[cfg(target_os = "linux")]
    {
        std::fs::read_link(
            std::path::Path::new(PROC_ROOT)
                .join(pid.to_string())
                .join("exe"),
        )
        .ok()
    }
    #[cfg(target_os = "macos")]
    {
        macos::exe_path(pid)
    }
    #[cfg(not(any(target_os = "linux", target_os = "macos")))]
    {
        let _ = pid;
        None
    }
}

/// Linux: every thread's kernel stack, wchan and syscall (`None`: no /proc
/// entry, it exited). Other systems have no such view: nothing is said.
pub(crate) fn kernel_floor(root: &std::path::Path, pid: crate::model::Pid) -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        linux::kernel_stack::read(root, pid)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (root, pid);
        None
    }
}

/// Part of the 9 MiB budget. A fixed mmap threshold stops glibc from raising it
/// after the first large free, so the per-pass sample vectors are mapped and
/// unmapped instead of parking a megabyte each in the heap; one arena lets the
/// UI thread reuse what the collector thread freed (measured: 8.7 -> 8.3 MiB peak).
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator parameters; called before any thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// A path that opens the very file `pid` runs: on Linux `/proc/PID/exe`, even
/// if the file was replaced or deleted since; elsewhere `None` (the path the
/// process reports is the best there is).
pub(crate) fn running_exe(pid: crate::model::Pid) -> Option<String> {
    os::LINUX.then(|| format!("{PROC_ROOT}/{pid}/exe"))
}

/// The backend for the machine this binary runs on.
pub fn native() -> Result<Box<dyn Platform>, PlatformError> {
    #[cfg(target_os = "linux")]
    {
        Ok(Box::new(linux::LinuxPlatform::new(PROC_ROOT)?))
    }
    #[cfg(target_os = "macos")]
    {
        Ok(Box::new(macos::MacPlatform::new()))
    }
    #[cfg(not(any(target_os = "linux", target_os = "macos")))]
    {
        Err(PlatformError::Unsupported)
    }
}
