//! `proc_pidfdinfo` answers, decoded: the path in a `vnode_fdinfowithpath`, and
//! the names of fd types.

/// `PROC_PIDFDVNODEPATHINFO` (sys/proc_info.h).
pub(crate) const PROC_PIDFDVNODEPATHINFO: i32 = 2;
/// sizeof(struct vnode_fdinfowithpath): proc_fileinfo (24) + vnode_info (152)
/// + vip_path[MAXPATHLEN = 1024].
pub(crate) const VNODE_FDINFOWITHPATH_SIZE: usize = 1200;
/// Where `vip_path` starts.
pub(crate) const PATH_OFFSET: usize = 24 + 152;

/// The NUL-terminated path of a `vnode_fdinfowithpath` buffer.
pub fn vnode_path(buf: &[u8]) -> Option<String> {
    let path = buf.get(PATH_OFFSET..)?;
    let end = path.iter().position(|&b| b == 0).unwrap_or(path.len());
    (end > 0).then(|| String::from_utf8_lossy(&path[..end]).into_owned())
}

/// `PROX_FDTYPE_*` in words.
pub(crate) fn fd_type_name(t: u32) -> &'static str {
    match t {
        0 => "atalk",
        1 => "file",
        2 => "socket",
        3 => "pshm",
        4 => "psem",
        5 => "kqueue",
        6 => "pipe",
        7 => "fsevents",
        9 => "netpolicy",
        10 => "channel",
        11 => "nexus",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_at_its_offset() {
        let mut buf = vec![0u8; VNODE_FDINFOWITHPATH_SIZE];
        buf[PATH_OFFSET..PATH_OFFSET + 13].copy_from_slice(b"/var/log/x.lg");
        assert_eq!(vnode_path(&buf).as_deref(), Some("/var/log/x.lg"));
        assert_eq!(vnode_path(&vec![0u8; VNODE_FDINFOWITHPATH_SIZE]), None);
        assert_eq!(vnode_path(&[1, 2, 3]), None);
        assert_eq!(fd_type_name(6), "pipe");
    }
}
