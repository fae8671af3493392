//! Reading a blocked process's syscall arguments from its memory
//! (`process_vm_readv`): the fd sets of poll and select, a path argument.
//! Needs the same permission as ptrace-attaching (its owner, or root).

use crate::model::Pid;
use std::io;

/// At most this many bytes are read for one argument.
const MAX_READ: usize = 64 * 1024;

/// `len` bytes at `addr` in process `pid`.
pub(crate) fn read_remote(pid: Pid, addr: u64, len: usize) -> io::Result<Vec<u8>> {
    if len > MAX_READ {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "argument too large",
        ));
    }
    let mut buf = vec![0u8; len];
    if len == 0 {
        return Ok(buf);
    }
    let local = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: len,
    };
    let remote = libc::iovec {
        iov_base: addr as usize as *mut libc::c_void,
        iov_len: len,
    };
    // SAFETY: `local` describes `buf`, which we own and which outlives the call;
    // the kernel checks `remote` against the other process's address space.
    let n = unsafe { libc::process_vm_readv(pid, &local, 1, &remote, 1, 0) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    buf.truncate(n as usize);
    if buf.len() < len {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "short read"));
    }
    Ok(buf)
}

/// A NUL-terminated string at `addr` (a path argument), up to `max` bytes.
pub(crate) fn read_c_string(pid: Pid, addr: u64, max: usize) -> io::Result<String> {
    let mut out = Vec::new();
    let mut at = addr;
    // Read page-bounded chunks so a string ending near an unmapped page still reads.
    while out.len() < max {
        let to_page_end = 4096 - (at % 4096) as usize;
        let chunk = read_remote(pid, at, to_page_end.min(max - out.len()))?;
        if let Some(nul) = chunk.iter().position(|&b| b == 0) {
            out.extend_from_slice(&chunk[..nul]);
            return Ok(String::from_utf8_lossy(&out).into_owned());
        }
        at += chunk.len() as u64;
        out.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

pub const POLLIN: i16 = 0x001;
pub(crate) const POLLPRI: i16 = 0x002;
pub(crate) const POLLRDNORM: i16 = 0x040;
pub(crate) const POLLRDBAND: i16 = 0x080;

/// One `struct pollfd` (fd, events); negative fds are skipped by the kernel and here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollFd {
    pub fd: i32,
    pub events: i16,
}

impl PollFd {
    pub(crate) fn wants_read(&self) -> bool {
        self.events & (POLLIN | POLLPRI | POLLRDNORM | POLLRDBAND) != 0
    }
}

/// An array of `struct pollfd { int fd; short events; short revents; }` as bytes.
pub fn decode_pollfds(bytes: &[u8]) -> Vec<PollFd> {
    bytes
        .chunks_exact(8)
        .filter_map(|c| {
            let fd = i32::from_ne_bytes(c[0..4].try_into().ok()?);
            let events = i16::from_ne_bytes(c[4..6].try_into().ok()?);
            (fd >= 0).then_some(PollFd { fd, events })
        })
        .collect()
}

/// Bytes an `fd_set` of `nfds` bits occupies (whole 64-bit words).
pub(crate) fn fd_set_len(nfds: usize) -> usize {
    nfds.div_ceil(64) * 8
}

/// The fds below `nfds` set in an `fd_set` (an array of native `unsigned long`).
pub fn decode_fd_set(bytes: &[u8], nfds: usize) -> Vec<i32> {
    let mut out = Vec::new();
    for (w, word) in bytes.chunks_exact(8).enumerate() {
        let mut bits = u64::from_ne_bytes(word.try_into().unwrap_or([0; 8]));
        while bits != 0 {
            let b = bits.trailing_zeros() as usize;
            let fd = w * 64 + b;
            if fd < nfds {
                out.push(fd as i32);
            }
            bits &= bits - 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pollfd_arrays() {
        let mut b = Vec::new();
        for (fd, ev) in [(0i32, POLLIN), (-1, POLLIN), (5, 0x004)] {
            b.extend_from_slice(&fd.to_ne_bytes());
            b.extend_from_slice(&ev.to_ne_bytes());
            b.extend_from_slice(&0i16.to_ne_bytes());
        }
        let p = decode_pollfds(&b);
        assert_eq!(
            p,
            vec![
                PollFd {
                    fd: 0,
                    events: POLLIN
                },
                PollFd { fd: 5, events: 4 }
            ]
        );
        assert!(p[0].wants_read() && !p[1].wants_read());
    }

    #[test]
    fn fd_sets() {
        let mut words = [0u64; 16];
        words[0] = 1 | (1 << 3);
        words[1] = 1 << 1; // fd 65
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_ne_bytes()).collect();
        assert_eq!(decode_fd_set(&bytes, 1024), vec![0, 3, 65]);
        assert_eq!(decode_fd_set(&bytes, 4), vec![0, 3]);
        assert_eq!(fd_set_len(1024), 128);
        assert_eq!(fd_set_len(1), 8);
    }

    #[test]
    fn reads_own_memory() {
        let pid = std::process::id() as Pid;
        let data = *b"/tmp/fifo\0rest";
        let addr = data.as_ptr() as u64;
        assert_eq!(read_remote(pid, addr, 4).unwrap(), b"/tmp");
        assert_eq!(read_c_string(pid, addr, 100).unwrap(), "/tmp/fifo");
        assert!(read_remote(pid, 8, 4).is_err(), "unmapped page");
    }
}
