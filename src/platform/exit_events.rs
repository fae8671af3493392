//! Exits as the kernel reports them, on a thread of their own (Linux, as root:
//! the process events connector).

use crate::platform::cn_proc::Exit;

/// Calls `on_exit` on a thread of its own for every process (not thread) that
/// exits, as the kernel reports it. Linux as root only; elsewhere, or when the
/// subscription is refused, the error says why and nothing is started.
pub fn watch_exits(mut on_exit: impl FnMut(Exit) + Send + 'static) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let mut events = crate::platform::linux::cn_proc_socket::ProcEvents::subscribe()?;
        std::thread::Builder::new()
            .name("proc-events".into())
            .stack_size(128 * 1024)
            .spawn(move || {
                while let Ok(evs) = events.read() {
                    for e in evs {
                        if let crate::platform::cn_proc::Event::Exit(x) = e
                            && x.pid == x.tgid
                        {
                            on_exit(x);
                        }
                    }
                }
            })?;
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = &mut on_exit;
        Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "the process events connector is Linux's",
        ))
    }
}
