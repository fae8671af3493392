//! Exits on macOS as they happen: kqueue's `EVFILT_PROC` `NOTE_EXIT` with
//! `NOTE_EXITSTATUS` on every process whytop may signal (the user's own; all
//! as root; xnu refuses the exit status of others' with EACCES), registered
//! as each appears, plus the crash reports ReportCrash writes to
//! `~/Library/Logs/DiagnosticReports`. The decoding is `darwin_decode`'s.

use super::libproc;
use crate::model::Pid;
use crate::platform::darwin_decode::crash_scan::CrashScan;
use crate::platform::darwin_decode::exit_report::{exit_of_crash, exit_of_status};
use crate::platform::exit_event::ExitEvent;
use std::collections::HashSet;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

/// Events read per `kevent` call.
const BATCH: usize = 64;

/// Starts the watching thread; it ends when `on_exit` returns false.
pub(crate) fn watch(mut on_exit: impl FnMut(ExitEvent) -> bool + Send + 'static) -> io::Result<()> {
    // SAFETY: kqueue takes no arguments; a negative return is an error.
    let fd = unsafe { libc::kqueue() };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just opened and nothing else owns it.
    let kq = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut reports = std::env::var_os("HOME").map(|home| {
        let dir = PathBuf::from(home).join("Library/Logs/DiagnosticReports");
        CrashScan::new(dir, SystemTime::now())
    });
    std::thread::Builder::new()
        .name("exit-watch".into())
        .stack_size(128 * 1024)
        .spawn(move || {
            let mut watched = HashSet::new();
            let mut refused = HashSet::new();
            loop {
                register_new(&kq, &mut watched, &mut refused);
                for (pid, status) in wait_exits(&kq) {
                    watched.remove(&pid);
                    if !on_exit(ExitEvent {
                        exit: exit_of_status(pid, status, now_ns()),
                        crash: None,
                    }) {
                        return;
                    }
                }
                for (name, r) in reports
                    .as_mut()
                    .map(CrashScan::new_reports)
                    .unwrap_or_default()
                {
                    let (exit, crash) = exit_of_crash(&r, &name);
                    if !on_exit(ExitEvent {
                        exit,
                        crash: Some(crash),
                    }) {
                        return;
                    }
                }
            }
        })?;
    Ok(())
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// Adds an exit watch on each process not yet watched; one refused (another
/// user's) is not asked again while its pid is listed.
fn register_new(kq: &OwnedFd, watched: &mut HashSet<Pid>, refused: &mut HashSet<Pid>) {
    let Ok(pids) = libproc::list_pids() else {
        return;
    };
    let listed: HashSet<Pid> = pids.iter().copied().collect();
    refused.retain(|p| listed.contains(p));
    watched.retain(|p| listed.contains(p));
    for pid in pids {
        if pid <= 0 || watched.contains(&pid) || refused.contains(&pid) {
            continue;
        }
        match add_exit_watch(kq, pid) {
            Ok(()) => watched.insert(pid),
            Err(_) => refused.insert(pid),
        };
    }
}

fn add_exit_watch(kq: &OwnedFd, pid: Pid) -> io::Result<()> {
    let change = libc::kevent {
        ident: pid as libc::uintptr_t,
        filter: libc::EVFILT_PROC,
        flags: libc::EV_ADD | libc::EV_ONESHOT,
        fflags: libc::NOTE_EXIT | libc::NOTE_EXITSTATUS,
        data: 0,
        udata: std::ptr::null_mut(),
    };
    // SAFETY: one valid change, no event list (an error is then returned as
    // errno), a kqueue fd this function's caller owns.
    let r = unsafe {
        libc::kevent(
            kq.as_raw_fd(),
            &change,
            1,
            std::ptr::null_mut(),
            0,
            std::ptr::null(),
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The exits (pid, wait status) that come within a second.
fn wait_exits(kq: &OwnedFd) -> Vec<(Pid, i64)> {
    // SAFETY: an all-zero `kevent` is a valid value (integers and a null pointer).
    let mut events: [libc::kevent; BATCH] = unsafe { std::mem::zeroed() };
    let timeout = libc::timespec {
        tv_sec: 1,
        tv_nsec: 0,
    };
    // SAFETY: `events` holds BATCH writable entries; no changes passed.
    let n = unsafe {
        libc::kevent(
            kq.as_raw_fd(),
            std::ptr::null(),
            0,
            events.as_mut_ptr(),
            BATCH as libc::c_int,
            &timeout,
        )
    };
    if n < 0 {
        // EINTR, or the kqueue is gone: wait as if idle, so the loop does not spin.
        std::thread::sleep(std::time::Duration::from_secs(1));
        return Vec::new();
    }
    events[..n as usize]
        .iter()
        .filter(|e| {
            e.filter == libc::EVFILT_PROC
                && e.flags & libc::EV_ERROR == 0
                && e.fflags & libc::NOTE_EXIT != 0
        })
        .map(|e| (e.ident as Pid, e.data as i64))
        .collect()
}
