//! The process a subcommand names: one listing, the platform that read it, and
//! a clear message when there is no such process.

use crate::actions::outcome::{EXIT_USAGE, OutcomeKind};
use crate::model::{Pid, ProcSample};
use crate::platform::{ListOptions, Platform};
use std::sync::Arc;

pub(crate) struct Named {
    pub platform: Box<dyn Platform>,
    pub procs: Arc<Vec<ProcSample>>,
    idx: usize,
}

impl Named {
    pub fn sample(&self) -> &ProcSample {
        &self.procs[self.idx]
    }
}

/// The exit code, after telling the user `whytop CMD: no such process: pid
/// N` (gone) or, for a thread id, which process it belongs to (a usage error).
pub fn named(cmd: &str, pid: Pid) -> anyhow::Result<Result<Named, i32>> {
    Ok(match named_or_thread(pid)? {
        Found::Process(n) => Ok(n),
        Found::Thread(n, tid) => {
            let p = n.sample();
            errln!(
                "whytop {cmd}: {tid} is a thread of process {} ({}); name the process",
                p.pid,
                crate::present::format::printable(&p.comm)
            );
            Err(EXIT_USAGE)
        }
        Found::Nothing => {
            errln!("whytop {cmd}: no such process: pid {pid}");
            Err(OutcomeKind::Gone.exit_code())
        }
    })
}

pub(crate) enum Found {
    Process(Named),
    /// Thread `tid` of the process `Named`.
    Thread(Named, Pid),
    Nothing,
}

/// The process `pid` names, or the process a thread id belongs to.
pub(crate) fn named_or_thread(pid: Pid) -> anyhow::Result<Found> {
    let mut platform = crate::platform::native()?;
    let procs = platform.list(ListOptions::default())?.procs;
    let at = |procs: &[ProcSample], pid: Pid| {
        procs.iter().position(|p| p.pid == pid && p.tgid.is_none())
    };
    if let Some(idx) = at(&procs, pid) {
        return Ok(Found::Process(Named {
            platform,
            procs,
            idx,
        }));
    }
    let Some(tgid) = platform.thread_group(pid) else {
        return Ok(Found::Nothing);
    };
    Ok(match at(&procs, tgid) {
        Some(idx) => Found::Thread(
            Named {
                platform,
                procs,
                idx,
            },
            pid,
        ),
        None => Found::Nothing,
    })
}
