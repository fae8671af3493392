//! The `*at` calls std does not offer, relative to an open directory and never
//! through a symlink in the last component: a name planted in a directory
//! cannot redirect whytop elsewhere. Policy (modes, owners) is the caller's.

use std::ffi::CString;
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd};

/// How a file in a directory is opened; every way adds O_NOFOLLOW and
/// O_CLOEXEC, and O_NONBLOCK so a FIFO put in a file's place cannot hang us
/// (it has no effect on regular files).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OpenHow {
    /// Read and append, created (mode 0600 before the umask) if missing.
    Append,
    /// Read only; fails if missing.
    Read,
    /// Write only, created; fails if the name exists.
    CreateNew,
}

/// One path component: no `/`, no NUL, not `.` or `..`.
fn component(name: &str) -> io::Result<CString> {
    if name.is_empty() || name == "." || name == ".." || name.contains('/') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{name:?} is not a plain file name"),
        ));
    }
    CString::new(name).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
}

fn check(rc: libc::c_int) -> io::Result<libc::c_int> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

fn open_raw(dir: &File, name: &str, flags: libc::c_int, mode: libc::c_uint) -> io::Result<File> {
    let c = component(name)?;
    let flags = flags | libc::O_NOFOLLOW | libc::O_CLOEXEC;
    // SAFETY: c is a valid NUL-terminated string; dir's fd is open while borrowed.
    let fd = check(unsafe { libc::openat(dir.as_raw_fd(), c.as_ptr(), flags, mode) })?;
    // SAFETY: openat just returned this fd and nothing else owns it.
    Ok(unsafe { File::from_raw_fd(fd) })
}

/// Opens `name` in `dir`; a symlink there fails (ELOOP).
pub(crate) fn open_at(dir: &File, name: &str, how: OpenHow) -> io::Result<File> {
    let flags = libc::O_NONBLOCK
        | match how {
            OpenHow::Append => libc::O_RDWR | libc::O_APPEND | libc::O_CREAT,
            OpenHow::Read => libc::O_RDONLY,
            OpenHow::CreateNew => libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL,
        };
    open_raw(dir, name, flags, 0o600)
}

/// Opens the directory `name` in `dir`; a symlink there fails.
pub(crate) fn open_dir_at(dir: &File, name: &str) -> io::Result<File> {
    open_raw(dir, name, libc::O_RDONLY | libc::O_DIRECTORY, 0)
}

/// Makes the directory `name` in `dir` with `mode` (before the umask).
pub(crate) fn mkdir_at(dir: &File, name: &str, mode: u32) -> io::Result<()> {
    let c = component(name)?;
    // SAFETY: c is a valid NUL-terminated string; dir's fd is open while borrowed.
    check(unsafe { libc::mkdirat(dir.as_raw_fd(), c.as_ptr(), mode as libc::mode_t) }).map(drop)
}

/// Gives the file `from` in `dir` the second name `to`; fails if `to` exists
/// (even as a symlink, which is not followed).
pub(crate) fn link_at(dir: &File, from: &str, to: &str) -> io::Result<()> {
    let (f, t) = (component(from)?, component(to)?);
    let fd = dir.as_raw_fd();
    // SAFETY: both names are valid NUL-terminated strings; flags 0: no following.
    check(unsafe { libc::linkat(fd, f.as_ptr(), fd, t.as_ptr(), 0) }).map(drop)
}

/// Removes the name `name` from `dir` (a symlink itself, never what it names).
pub(crate) fn unlink_at(dir: &File, name: &str) -> io::Result<()> {
    let c = component(name)?;
    // SAFETY: c is a valid NUL-terminated string; dir's fd is open while borrowed.
    check(unsafe { libc::unlinkat(dir.as_raw_fd(), c.as_ptr(), 0) }).map(drop)
}

/// The effective user id.
pub(crate) fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_only_and_no_symlink_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = File::open(tmp.path()).unwrap();
        for bad in ["", ".", "..", "a/b"] {
            assert!(open_at(&dir, bad, OpenHow::Read).is_err(), "{bad:?}");
        }
        std::fs::write(tmp.path().join("real"), "x").unwrap();
        std::os::unix::fs::symlink("real", tmp.path().join("link")).unwrap();
        assert!(open_at(&dir, "real", OpenHow::Read).is_ok());
        assert!(open_at(&dir, "link", OpenHow::Read).is_err());
        assert!(open_at(&dir, "link", OpenHow::Append).is_err());
        mkdir_at(&dir, "sub", 0o700).unwrap();
        std::os::unix::fs::symlink("sub", tmp.path().join("sublink")).unwrap();
        assert!(open_dir_at(&dir, "sub").is_ok());
        assert!(open_dir_at(&dir, "sublink").is_err());
        open_at(&dir, "new", OpenHow::CreateNew).unwrap();
        assert!(open_at(&dir, "new", OpenHow::CreateNew).is_err());
        link_at(&dir, "new", "second").unwrap();
        assert!(
            link_at(&dir, "new", "link").is_err(),
            "an existing symlink is not replaced"
        );
        unlink_at(&dir, "new").unwrap();
        assert!(tmp.path().join("second").exists());
    }
}
