//! Linux backend: everything from a proc root (`/proc`, or a fixture tree).

pub mod detail;
pub mod epoll_fdinfo;
pub mod evidence;
pub mod fd_target;
pub mod reader;
pub mod remote_mem;
pub mod sockets;
pub mod stat;
pub mod syscall_file;
pub mod tty;
pub mod users;

use crate::model::{ProcDetail, ProcKey, ProcSample};
use crate::platform::{ListOptions, Platform, PlatformError};
use std::path::PathBuf;
use std::sync::Arc;

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
    fn list(&mut self, opts: ListOptions) -> Result<Arc<Vec<ProcSample>>, PlatformError> {
        self.reader
            .list(opts.threads)
            .map_err(|source| PlatformError::Read {
                path: self.root.clone(),
                source,
            })
    }

    fn detail(&mut self, key: ProcKey) -> Result<ProcDetail, PlatformError> {
        detail::read_detail(&self.root, key)
    }
}
