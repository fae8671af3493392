//! `wait_hints`: what macOS tells about why one process waits (see
//! `darwin_decode::wait` for the decoding and what each hint means).

use super::libproc;
use crate::model::Pid;
use crate::platform::PlatformError;
use crate::platform::darwin_decode::kinfo::decode_kinfo_proc;
use crate::platform::darwin_decode::wait::{
    MacWaitHints, RawThreadInfo, ThreadHint, build_hints, threads_unreadable,
};
use std::io;

/// The terminal role, flags and per-thread run states of one process.
/// Threads of another user's process need root; without it
/// `threads_unreadable` says so and the rest is still filled in.
pub fn wait_hints(pid: Pid) -> Result<MacWaitHints, PlatformError> {
    let path = || format!("sysctl kern.proc.pid.{pid}").into();
    let bytes = libproc::kinfo(pid)
        .map_err(|source| PlatformError::Read {
            path: path(),
            source,
        })?
        .ok_or(PlatformError::NoSuchProcess { pid })?;
    let k =
        decode_kinfo_proc(&bytes).map_err(|why| PlatformError::Malformed { path: path(), why })?;
    let threads = read_threads(pid).map_err(|e| threads_unreadable(&e));
    Ok(build_hints(&k, threads))
}

/// The run states of one process's threads (the user's own processes, or any as root).
pub fn thread_hints(pid: Pid) -> io::Result<Vec<ThreadHint>> {
    read_threads(pid)
}

fn read_threads(pid: Pid) -> io::Result<Vec<ThreadHint>> {
    let ids = libproc::thread_ids(pid)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        match libproc::thread_info(pid, id) {
            Ok(t) => out.push(ThreadHint::decode(id, &raw(&t))),
            // That thread ended between the listing and now.
            Err(e) if libproc::is_gone(&e) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

fn raw(t: &libc::proc_threadinfo) -> RawThreadInfo {
    RawThreadInfo {
        user_time: t.pth_user_time,
        system_time: t.pth_system_time,
        cpu_usage: t.pth_cpu_usage,
        run_state: t.pth_run_state,
        flags: t.pth_flags,
        sleep_time: t.pth_sleep_time,
        curpri: t.pth_curpri,
        priority: t.pth_priority,
        name: t.pth_name.iter().map(|&c| c as u8).collect(),
    }
}
