//! The slower per-process fields the detail pane shows: exe, cwd, open fds.

use crate::model::{ProcDetail, ProcKey};
use crate::platform::PlatformError;
use std::path::Path;

use super::stat::parse_stat;

pub(crate) fn read_detail(root: &Path, key: ProcKey) -> Result<ProcDetail, PlatformError> {
    let dir = root.join(key.pid.to_string());
    let stat_path = dir.join("stat");
    let text =
        std::fs::read(&stat_path).map_err(|_| PlatformError::NoSuchProcess { pid: key.pid })?;
    let st = parse_stat(&text).map_err(|why| PlatformError::Malformed {
        path: stat_path,
        why,
    })?;
    if st.starttime != key.start_time {
        return Err(PlatformError::NoSuchProcess { pid: key.pid });
    }
    let mut d = ProcDetail {
        key: Some(key),
        ..Default::default()
    };
    match std::fs::read_link(dir.join("exe")) {
        Ok(p) => d.exe = Some(p.to_string_lossy().into_owned()),
        Err(e) => d.unreadable.push(format!("exe: {}", why(&e))),
    }
    match std::fs::read_link(dir.join("cwd")) {
        Ok(p) => d.cwd = Some(p.to_string_lossy().into_owned()),
        Err(e) => d.unreadable.push(format!("cwd: {}", why(&e))),
    }
    match std::fs::read_dir(dir.join("fd")) {
        Ok(rd) => d.fd_count = Some(rd.count()),
        Err(e) => d.unreadable.push(format!("fd: {}", why(&e))),
    }
    // The I/O columns are empty where this cannot be read: say why here.
    if let Err(e) = std::fs::read(dir.join("io")) {
        d.unreadable.push(format!("io (IOR/s, IOW/s): {}", why(&e)));
    }
    Ok(d)
}

fn why(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied",
        std::io::ErrorKind::NotFound => "not available (kernel thread or exited)",
        _ => "unreadable",
    }
}
