use std::path::PathBuf;

use crate::platform::decode_error::DecodeError;

#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("malformed {path}: {why}")]
    Malformed { path: PathBuf, why: DecodeError },
    #[error("no such process: pid {pid}")]
    NoSuchProcess { pid: i32 },
    #[error("permission denied for pid {pid}")]
    PermissionDenied { pid: i32 },
    #[error("pid {pid}: {source}")]
    Os { pid: i32, source: std::io::Error },
    #[error("pid {pid}: that needs root (or CAP_SYS_NICE)")]
    NeedsPrivilege { pid: i32 },
    /// The kernel call went by pid and the pid no longer names the process that
    /// was checked: the change may have reached another process.
    #[error(
        "pid {pid} now belongs to another process: its {what} may have been changed instead of the process you chose"
    )]
    IdentityLost { pid: i32, what: &'static str },
    #[error("pid {pid} moved from process group {was} to {now}: not sent")]
    GroupMoved { pid: i32, was: i32, now: i32 },
    #[error("pid {pid}: {what} is not available on this system")]
    NotAvailable { pid: i32, what: &'static str },
    #[error("this operating system is not supported")]
    Unsupported,
}
