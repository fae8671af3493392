//! Decoder of `/proc/PID/fdinfo/N` for an epoll fd: its interest list.

/// One registered fd: `tfd:        5 events:       19 data: ...`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EpollEntry {
    pub fd: i32,
    pub events: u32,
}

pub(crate) const EPOLLIN: u32 = 0x001;
pub(crate) const EPOLLPRI: u32 = 0x002;
pub(crate) const EPOLLRDHUP: u32 = 0x2000;

impl EpollEntry {
    /// Watched for input (readability, urgent data, hang-up), not only for output.
    pub(crate) fn wants_read(&self) -> bool {
        self.events & (EPOLLIN | EPOLLPRI | EPOLLRDHUP) != 0
    }
}

/// The `tfd:` lines of an fdinfo text; other lines (`pos:`, `flags:`) are skipped.
pub fn parse_epoll_fdinfo(text: &str) -> Vec<EpollEntry> {
    text.lines()
        .filter_map(|l| {
            let mut it = l.split_ascii_whitespace();
            if it.next()? != "tfd:" {
                return None;
            }
            let fd = it.next()?.parse().ok()?;
            if it.next()? != "events:" {
                return None;
            }
            let events = u32::from_str_radix(it.next()?, 16).ok()?;
            Some(EpollEntry { fd, events })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_fdinfo() {
        let text = "pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1057\n\
            tfd:        5 events:       19 data:                5  pos:0 ino:3e8f sdev:8\n\
            tfd:        7 events:        4 data:       7f0000000007  pos:0 ino:3e90 sdev:8\n";
        let e = parse_epoll_fdinfo(text);
        assert_eq!(
            e,
            vec![
                EpollEntry {
                    fd: 5,
                    events: 0x19
                },
                EpollEntry { fd: 7, events: 4 }
            ]
        );
        assert!(e[0].wants_read() && !e[1].wants_read());
        assert!(parse_epoll_fdinfo("pos:\t0\nflags:\t02\n").is_empty());
    }
}
