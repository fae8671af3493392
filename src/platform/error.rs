use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("malformed {path}: {why}")]
    Malformed { path: PathBuf, why: String },
    #[error("no such process: pid {pid}")]
    NoSuchProcess { pid: i32 },
    #[error("permission denied for pid {pid}")]
    PermissionDenied { pid: i32 },
    #[error("pid {pid}: {source}")]
    Os { pid: i32, source: std::io::Error },
    #[error("this operating system is not supported")]
    Unsupported,
}
