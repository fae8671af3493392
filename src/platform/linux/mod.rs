//! Linux backend: everything from a proc root (`/proc`, or a fixture tree).

pub(crate) mod cn_proc_socket;
pub(crate) mod detail;
pub mod epoll_fdinfo;
pub mod evidence;
pub(crate) mod facts;
pub(crate) mod fd_target;
pub(crate) mod io_file;
pub(crate) mod kernel_stack;
pub(crate) mod kmsg;
pub(crate) mod kmsg_oom;
pub(crate) mod pid_churn;
pub(crate) mod pidfd;
pub(crate) mod prio;
pub mod reader;
pub(crate) mod reader_io;
pub mod remote_mem;
mod restart_evidence;
mod run_watch;
pub(crate) mod sockets;
pub mod stat;
pub(crate) mod statm;
pub mod syscall_file;
pub(crate) mod tty;
pub(crate) mod users;

use crate::model::why::{ChildRef, Evidence};
use crate::model::{ProcDetail, ProcKey, ProcSample, ProcState};
use crate::platform::{ListOptions, Listing, Platform, PlatformError};
use std::path::PathBuf;

pub struct LinuxPlatform {
    root: PathBuf,
    reader: reader::ProcReader,
}

impl LinuxPlatform {
    pub fn new(root: impl Into<PathBuf>) -> Result<Self, PlatformError> {
        let root = root.into();
        if !root.is_dir() {
            return Err(PlatformError::Read {
                path: root,
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            });
        }
        Ok(Self {
            reader: reader::ProcReader::new(root.clone(), "/etc/passwd"),
            root,
        })
    }
}

impl Platform for LinuxPlatform {
    fn list(&mut self, opts: ListOptions) -> Result<Listing, PlatformError> {
        self.reader.set_extras(opts.io, opts.oom);
        let (procs, fresh) =
            self.reader
                .list(opts.threads)
                .map_err(|source| PlatformError::Read {
                    path: self.root.clone(),
                    source,
                })?;
        Ok(Listing { procs, fresh })
    }

    fn amend_states(&mut self, listing: &mut Listing, states: &[(usize, ProcState)]) {
        self.reader.amend_states(listing, states);
    }

    fn detail(&mut self, key: ProcKey) -> Result<ProcDetail, PlatformError> {
        detail::read_detail(&self.root, key)
    }

    fn wait_evidence(
        &mut self,
        sample: &ProcSample,
        children: Vec<ChildRef>,
        full: bool,
    ) -> Result<Evidence, PlatformError> {
        let opts = evidence::EvidenceOptions {
            socket_tables: full,
            tracer: full,
            ..evidence::EvidenceOptions::for_root(&self.root)
        };
        match sample.tgid {
            Some(tgid) => {
                evidence::read_thread_evidence(&self.root, tgid, sample.pid, Some(children), opts)
            }
            None => evidence::read_evidence_for(&self.root, sample.key(), Some(children), opts),
        }
    }

    fn facts(&mut self, sample: &ProcSample) -> crate::model::facts::ProcFacts {
        facts::read_facts(&self.root, sample.key(), sample, self.reader.clk_tck())
    }

    fn invalidate(&mut self, pid: crate::model::Pid) {
        self.reader.invalidate(pid);
    }

    fn thread_evidence(&mut self, key: ProcKey, full: bool) -> Vec<Evidence> {
        let opts = evidence::EvidenceOptions {
            socket_tables: full,
            tracer: full,
            ..evidence::EvidenceOptions::for_root(&self.root)
        };
        evidence::read_threads_evidence_with(&self.root, key.pid, None, opts)
    }

    /// `/proc/TID` is there for every thread, though `/proc` does not list it.
    fn thread_group(&mut self, tid: crate::model::Pid) -> Option<crate::model::Pid> {
        let status =
            std::fs::read_to_string(self.root.join(tid.to_string()).join("status")).ok()?;
        let tgid = status
            .lines()
            .find_map(|l| l.strip_prefix("Tgid:"))?
            .trim()
            .parse()
            .ok()?;
        (tgid != tid).then_some(tgid)
    }
}
