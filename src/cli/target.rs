//! The process a subcommand names: one listing, the platform that read it, and
//! a clear message when there is no such process.

use crate::model::{Pid, ProcSample};
use crate::platform::{ListOptions, Platform};
use std::sync::Arc;

pub struct Named {
    pub platform: Box<dyn Platform>,
    pub procs: Arc<Vec<ProcSample>>,
    idx: usize,
}

impl Named {
    pub fn sample(&self) -> &ProcSample {
        &self.procs[self.idx]
    }
}

/// `None` after telling the user `whytop CMD: no such process: pid N`.
pub fn named(cmd: &str, pid: Pid) -> anyhow::Result<Option<Named>> {
    let mut platform = crate::platform::native()?;
    let procs = platform.list(ListOptions::default())?.procs;
    match procs.iter().position(|p| p.pid == pid && p.tgid.is_none()) {
        Some(idx) => Ok(Some(Named {
            platform,
            procs,
            idx,
        })),
        None => {
            eprintln!("whytop {cmd}: no such process: pid {pid}");
            Ok(None)
        }
    }
}
