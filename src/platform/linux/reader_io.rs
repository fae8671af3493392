//! Small I/O pieces of the reader: `pread` of a held procfs file, the command
//! line, and the process's own limits.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

pub(crate) trait ReadAtToEnd {
    fn read_at_to_end(&self, buf: &mut Vec<u8>) -> std::io::Result<usize>;
}

impl ReadAtToEnd for File {
    /// `pread` from offset 0 until EOF: procfs regenerates the text on each read.
    /// A short read is the end (procfs hands these small files over whole), which
    /// saves the second, empty `pread` per file: half the syscalls of a refresh.
    fn read_at_to_end(&self, buf: &mut Vec<u8>) -> std::io::Result<usize> {
        let mut chunk = [0u8; 1024];
        let start = buf.len();
        loop {
            let n = self.read_at(&mut chunk, (buf.len() - start) as u64)?;
            buf.extend_from_slice(&chunk[..n]);
            if n < chunk.len() {
                return Ok(buf.len() - start);
            }
        }
    }
}

/// Reads through the held fd when there is one, else opens `path`.
/// `None`: unreadable or gone.
pub(crate) fn read_into(
    fd: Option<&File>,
    path: impl FnOnce() -> std::path::PathBuf,
    buf: &mut Vec<u8>,
) -> Option<()> {
    buf.clear();
    let n = match fd {
        Some(f) => f.read_at_to_end(buf),
        None => File::open(path()).and_then(|mut f| f.read_to_end(buf)),
    };
    match n {
        Ok(n) if n > 0 => Some(()),
        _ => None,
    }
}

/// The full command line through a reused buffer. Unreadable (permission,
/// vanished) gives an empty line, not a missing row.
pub(crate) fn cmdline_into(dir: &Path, buf: &mut Vec<u8>) -> Arc<str> {
    buf.clear();
    match File::open(dir.join("cmdline")).and_then(|mut f| f.read_to_end(buf)) {
        Ok(_) => decode_cmdline(buf),
        Err(_) => Arc::from(""),
    }
}

/// NUL-separated argv, decoded in place and joined by spaces: one allocation, the result.
pub(crate) fn decode_cmdline(raw: &mut [u8]) -> Arc<str> {
    let raw = match raw.split_last_mut() {
        Some((0, rest)) => rest,
        _ => raw,
    };
    for b in raw.iter_mut() {
        if *b == 0 {
            *b = b' ';
        }
    }
    match std::str::from_utf8(raw) {
        Ok(s) => Arc::from(s),
        Err(_) => Arc::from(String::from_utf8_lossy(raw).as_ref()),
    }
}

pub(crate) fn sysconf(name: libc::c_int, default: u64) -> u64 {
    // SAFETY: sysconf has no memory-safety preconditions.
    let v = unsafe { libc::sysconf(name) };
    if v > 0 { v as u64 } else { default }
}

/// Raises the soft open-file limit to the hard one; returns the soft limit now.
pub(crate) fn raise_fd_limit() -> usize {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit write/read only the struct we pass.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 1024;
        }
        let want = lim.rlim_max.min(1 << 16);
        if lim.rlim_cur < want {
            let raised = libc::rlimit {
                rlim_cur: want,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim.rlim_cur = want;
            }
        }
    }
    lim.rlim_cur as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmdline_decoding() {
        assert_eq!(
            &*decode_cmdline(&mut b"python3\0-c\0input()\0".to_vec()),
            "python3 -c input()"
        );
        assert_eq!(&*decode_cmdline(&mut []), "");
        assert_eq!(
            &*decode_cmdline(&mut b"nginx: worker process".to_vec()),
            "nginx: worker process"
        );
    }
}
