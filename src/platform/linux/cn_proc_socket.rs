//! The process events connector's socket: subscribe, then read datagrams.
//! Needs CAP_NET_ADMIN (root); without it the bind or the send is refused.

use crate::platform::cn_proc::{self, Event};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

const NETLINK_CONNECTOR: libc::c_int = 11;

pub(crate) struct ProcEvents {
    fd: OwnedFd,
}

impl ProcEvents {
    pub(crate) fn subscribe() -> io::Result<ProcEvents> {
        // SAFETY: socket takes no pointers; the fd is owned at once.
        let raw = unsafe {
            libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
                NETLINK_CONNECTOR,
            )
        };
        if raw < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `raw` is a fresh fd nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        // SAFETY: sockaddr_nl is plain data; all zeros is valid.
        let mut addr: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        addr.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        addr.nl_groups = cn_proc::CN_IDX_PROC;
        // SAFETY: bind reads `addr` for the length given.
        let rc = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                (&addr as *const libc::sockaddr_nl).cast(),
                std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        let msg = cn_proc::listen_message(std::process::id());
        // SAFETY: send reads `msg` for its length.
        let n = unsafe { libc::send(fd.as_raw_fd(), msg.as_ptr().cast(), msg.len(), 0) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(ProcEvents { fd })
    }

    /// Blocks for the next datagram and decodes it.
    pub fn read(&mut self) -> io::Result<Vec<Event>> {
        let mut buf = [0u8; 8192];
        loop {
            // SAFETY: recv writes at most `buf.len()` bytes into `buf`.
            let n =
                unsafe { libc::recv(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
            if n < 0 {
                let e = io::Error::last_os_error();
                match e.raw_os_error() {
                    Some(libc::EINTR) => continue,
                    // Events were lost (the buffer overran): go on with the next.
                    Some(libc::ENOBUFS) => return Ok(Vec::new()),
                    _ => return Err(e),
                }
            }
            return Ok(cn_proc::decode(&buf[..n as usize]));
        }
    }
}
