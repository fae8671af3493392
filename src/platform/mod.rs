//! The one place for syscalls, `/proc`, libproc and `cfg(target_os)`.
//! Decoders of raw formats are portable and tested everywhere.

pub mod cn_proc;
pub mod darwin_decode;
pub mod error;
pub mod external;
pub mod fs_safe;
pub mod handle;
#[cfg(target_os = "linux")]
pub mod linux;
pub mod localtime;
#[cfg(target_os = "macos")]
pub mod macos;
pub mod privilege;
pub mod sched;
pub mod stackfmt;
pub mod syscalls;
pub mod system;
pub mod term_signals;
pub mod test_pause;

pub use error::PlatformError;

use crate::model::why::{ChildRef, Evidence, Unreadable, UnreadableWhy};
use crate::model::{ProcDetail, ProcKey, ProcSample};
use std::sync::Arc;

/// What a collection pass should include.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// Also list every thread of every process as its own row.
    pub threads: bool,
}

/// One pass's processes, and which of them were read afresh (new, or they ran):
/// only those need their wait evidence read again.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    pub procs: Arc<Vec<ProcSample>>,
    /// Indices into `procs`, ascending.
    pub fresh: Vec<usize>,
}

/// A source of process samples. Implementations may keep state between calls
/// (held file descriptors, caches), hence `&mut self`.
pub trait Platform: Send {
    /// Every process now, sorted by pid. A process that vanishes mid-read is left out.
    fn list(&mut self, opts: ListOptions) -> Result<Listing, PlatformError>;

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
pub fn exe_path(pid: crate::model::Pid) -> Option<std::path::PathBuf> {
    #[cfg(target_os = "linux")]
    {
        std::fs::read_link(format!("/proc/{pid}/exe")).ok()
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

/// The backend for the machine this binary runs on.
pub fn native() -> Result<Box<dyn Platform>, PlatformError> {
    #[cfg(target_os = "linux")]
    {
        Ok(Box::new(linux::LinuxPlatform::new("/proc")?))
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
