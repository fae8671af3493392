//! What `/proc/PID/fd/N` points at: the link text, refined by a stat of the target.

use crate::model::why::FdTarget;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

/// Classifies a link text alone (`/dev/pts/3`, `pipe:[123]`, `socket:[45]`,
/// `anon_inode:[eventfd]`, a path).
pub(crate) fn parse_link(link: &str) -> FdTarget {
    if let Some(ino) = bracketed(link, "pipe:") {
        return FdTarget::Pipe { inode: ino };
    }
    if let Some(ino) = bracketed(link, "socket:") {
        return FdTarget::Socket {
            inode: ino,
            info: None,
        };
    }
    if link.starts_with("anon_inode:") {
        return FdTarget::Anon {
            kind: link.to_string(),
        };
    }
    if is_pty_master(link) {
        return FdTarget::PtyMaster;
    }
    if is_terminal_path(link) {
        return FdTarget::Terminal {
            path: link.to_string(),
        };
    }
    if link.starts_with("/dev/") {
        return FdTarget::Device {
            path: link.to_string(),
        };
    }
    if link.starts_with('/') {
        return FdTarget::File {
            path: link.to_string(),
        };
    }
    FdTarget::Other {
        link: link.to_string(),
    }
}

fn bracketed(link: &str, prefix: &str) -> Option<u64> {
    link.strip_prefix(prefix)?
        .strip_prefix('[')?
        .strip_suffix(']')?
        .parse()
        .ok()
}

fn is_pty_master(link: &str) -> bool {
    matches!(link, "/dev/ptmx" | "/dev/pts/ptmx")
}

/// Terminal devices by name: pseudo-terminal slaves, virtual consoles, serial lines.
pub(crate) fn is_terminal_path(link: &str) -> bool {
    let Some(dev) = link.strip_prefix("/dev/") else {
        return false;
    };
    if let Some(n) = dev.strip_prefix("pts/") {
        return !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    }
    dev == "tty" || dev == "console" || (dev.starts_with("tty") && !dev.contains('/'))
}

/// Reads and classifies fd `fd` of the process whose proc dir is `dir`.
/// A device path is confirmed by a stat (a regular file under `/dev` is a file).
pub(crate) fn read_fd(dir: &Path, fd: i32) -> Result<FdTarget, std::io::Error> {
    let path = dir.join("fd").join(fd.to_string());
    let link = std::fs::read_link(&path)?;
    let text = link.to_string_lossy();
    let target = parse_link(&text);
    if let FdTarget::File { .. } | FdTarget::Device { .. } = target {
        // Following the magic link stats the open file itself, even if renamed or deleted.
        if let Ok(m) = std::fs::metadata(&path) {
            let t = m.file_type();
            if t.is_fifo() {
                return Ok(FdTarget::Pipe {
                    inode: std::os::unix::fs::MetadataExt::ino(&m),
                });
            }
            if (t.is_char_device() || t.is_block_device())
                && !matches!(target, FdTarget::Device { .. })
            {
                return Ok(FdTarget::Device {
                    path: text.into_owned(),
                });
            }
            if (t.is_file() || t.is_dir()) && matches!(target, FdTarget::Device { .. }) {
                return Ok(FdTarget::File {
                    path: text.into_owned(),
                });
            }
        }
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_texts() {
        assert_eq!(
            parse_link("/dev/pts/3"),
            FdTarget::Terminal {
                path: "/dev/pts/3".into()
            }
        );
        assert_eq!(
            parse_link("/dev/tty"),
            FdTarget::Terminal {
                path: "/dev/tty".into()
            }
        );
        assert_eq!(
            parse_link("/dev/ttyS0"),
            FdTarget::Terminal {
                path: "/dev/ttyS0".into()
            }
        );
        assert_eq!(parse_link("/dev/ptmx"), FdTarget::PtyMaster);
        assert_eq!(parse_link("pipe:[4026]"), FdTarget::Pipe { inode: 4026 });
        assert_eq!(
            parse_link("socket:[99]"),
            FdTarget::Socket {
                inode: 99,
                info: None
            }
        );
        assert_eq!(
            parse_link("anon_inode:[eventfd]"),
            FdTarget::Anon {
                kind: "anon_inode:[eventfd]".into()
            }
        );
        assert_eq!(
            parse_link("/dev/null"),
            FdTarget::Device {
                path: "/dev/null".into()
            }
        );
        assert_eq!(
            parse_link("/var/log/x (deleted)"),
            FdTarget::File {
                path: "/var/log/x (deleted)".into()
            }
        );
        assert_eq!(
            parse_link("net:[4026531840]"),
            FdTarget::Other {
                link: "net:[4026531840]".into()
            }
        );
        assert!(!is_terminal_path("/dev/pts/ptmx"));
        assert!(!is_terminal_path("/dev/ttyfoo/x"));
    }

    #[test]
    fn reads_own_fds() {
        let (r, _w) = std::io::pipe().unwrap();
        let fd = std::os::fd::AsRawFd::as_raw_fd(&r);
        assert!(matches!(
            read_fd(Path::new("/proc/self"), fd).unwrap(),
            FdTarget::Pipe { .. }
        ));
        let f = tempfile::NamedTempFile::new().unwrap();
        let fd = std::os::fd::AsRawFd::as_raw_fd(f.as_file());
        assert!(matches!(
            read_fd(Path::new("/proc/self"), fd).unwrap(),
            FdTarget::File { .. }
        ));
    }
}
