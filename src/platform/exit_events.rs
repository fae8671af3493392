//! Exits as they happen, on a thread of their own (Linux as root: the process
//! events connector; macOS: kqueue and the crash reports).

use crate::platform::cn_proc::Event;
use crate::platform::exit_event::ExitEvent;

/// Calls `on_exit` on a thread of its own for every process (not thread) that
/// exits, as the kernel reports it, until it returns false (its receiver is
/// gone; checked at the next exit). Linux as root (the process events
/// connector); macOS for the processes whytop may signal (kqueue, and the
/// crash reports in `~/Library/Logs/DiagnosticReports`). Elsewhere, or when
/// refused, the error says why and nothing is started.
pub(crate) fn watch_exits(
    on_exit: impl FnMut(ExitEvent) -> bool + Send + 'static,
) -> std::io::Result<()> {
    #[cfg(target_os = "macos")]
    {
        crate::platform::macos::exit_watch::watch(on_exit)
    }
    #[cfg(not(target_os = "macos"))]
    let mut on_exit = on_exit;
    #[cfg(not(target_os = "macos"))]
    watch_events(move |e| match e {
        Event::Exit(exit) if exit.pid == exit.tgid => on_exit(ExitEvent { exit, crash: None }),
        _ => true,
    })
}

/// Calls `on_event` on a thread of its own for every process event the kernel
/// reports (forks, execs and exits, of threads too), until it returns false.
/// Linux as root only, as `watch_exits`.
pub(crate) fn watch_events(
    mut on_event: impl FnMut(Event) -> bool + Send + 'static,
) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let mut events = crate::platform::linux::cn_proc_socket::ProcEvents::subscribe()?;
        std::thread::Builder::new()
            .name("proc-events".into())
            .stack_size(128 * 1024)
            .spawn(move || {
                while let Ok(evs) = events.read() {
                    for e in evs {
                        if !on_event(e) {
                            return;
                        }
                    }
                }
            })?;
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = &mut on_event;
        Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "the process events connector is Linux's",
        ))
    }
}

/// An exit's timestamp as the clock `ProcKey::start_time` counts, so an exit
/// is matched only to a process that had started by then. Linux: the kernel's
/// monotonic nanoseconds as clock ticks since boot (the timestamp leaves out
/// time suspended, so after a suspend an exit looks earlier: it then matches
/// nothing, never the wrong process). macOS: nanoseconds since the epoch as
/// microseconds.
pub(crate) fn ticks_since_boot(timestamp_ns: u64) -> u64 {
    if cfg!(target_os = "macos") {
        return timestamp_ns / 1000;
    }
    #[cfg(target_os = "linux")]
    let hz = crate::platform::linux::reader_io::sysconf(libc::_SC_CLK_TCK, 100);
    #[cfg(not(target_os = "linux"))]
    let hz: u64 = 100;
    (u128::from(timestamp_ns) * u128::from(hz) / 1_000_000_000) as u64
}
