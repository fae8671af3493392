//! The kernel log device (`/dev/kmsg`), read without blocking from where it
//! ended when it was opened: the OOM killer's reports as they come. Reading it
//! needs CAP_SYSLOG where `kernel.dmesg_restrict` is 1 (root).

use super::kmsg_oom::{self, Kill, Parser};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::OpenOptionsExt;

pub const PATH: &str = "/dev/kmsg";

pub(crate) struct Kmsg {
    file: File,
    parser: Parser,
    buf: Vec<u8>,
}

impl Kmsg {
    /// Opens the device at its end: only what is logged from now on is read.
    pub fn open() -> io::Result<Kmsg> {
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open(PATH)?;
        file.seek(SeekFrom::End(0))?;
        // A record is at most about 8 KiB (the kernel's CONSOLE_EXT_LOG_MAX).
        Ok(Kmsg {
            file,
            parser: Parser::default(),
            buf: vec![0; 8192],
        })
    }

    /// Every kill logged since the last call; never blocks (each read is one record).
    pub fn drain(&mut self) -> Vec<Kill> {
        let mut out = Vec::new();
        loop {
            match self.file.read(&mut self.buf) {
                Ok(0) => break,
                Ok(n) => {
                    let text = String::from_utf8_lossy(&self.buf[..n]);
                    if let Some(r) = kmsg_oom::record(&text)
                        && let Some(k) = self.parser.line(r.usec, r.text)
                    {
                        out.push(k);
                    }
                }
                Err(e) => match e.raw_os_error() {
                    Some(libc::EINTR) => continue,
                    // Records were overwritten before they were read: go on
                    // from the oldest left (a report cut in two loses its cgroup).
                    Some(libc::EPIPE) => {
                        self.parser = Parser::default();
                        continue;
                    }
                    // A record longer than the buffer would be refused again
                    // and again: skip to the end.
                    Some(libc::EINVAL) => {
                        let _ = self.file.seek(SeekFrom::End(0));
                        self.parser = Parser::default();
                        break;
                    }
                    // EAGAIN: nothing more for now; anything else: try next time.
                    _ => break,
                },
            }
        }
        out
    }
}
