//! Decoder of the kernel's process events connector (netlink `CN_PROC`)
//! messages: portable, on bytes, so it is tested everywhere with fixtures.
//! The socket itself is `linux/cn_proc_socket.rs`.
// Elsewhere only the tests call it; the Linux build reports dead code.
#![cfg_attr(not(target_os = "linux"), allow(dead_code))]

/// `NLMSG_DONE`: every connector message comes as one.
pub(crate) const NLMSG_DONE: u16 = 3;
/// The connector's process events channel (`CN_IDX_PROC`, `CN_VAL_PROC`).
pub(crate) const CN_IDX_PROC: u32 = 1;
pub(crate) const CN_VAL_PROC: u32 = 1;
/// `PROC_CN_MCAST_LISTEN`: the subscription message's body.
pub(crate) const PROC_CN_MCAST_LISTEN: u32 = 1;

const NLMSG_HDR: usize = 16;
const CN_MSG: usize = 20;
const PROC_EVENT_FORK: u32 = 0x0000_0001;
const PROC_EVENT_EXEC: u32 = 0x0000_0002;
const PROC_EVENT_EXIT: u32 = 0x8000_0000;

/// What a process's end was, from the wait status the kernel reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Exit {
    pub pid: i32,
    /// The thread group (process); only `pid == tgid` is the process ending.
    pub tgid: i32,
    /// Exit code, when it exited.
    pub code: Option<i32>,
    /// The signal that killed it, when one did.
    pub signal: Option<i32>,
    pub core_dumped: bool,
    /// Its parent's thread group at the exit (kernels since 4.18; None on older).
    pub parent_tgid: Option<i32>,
    /// When, as the kernel's monotonic clock (nanoseconds since boot).
    pub timestamp_ns: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    Fork {
        parent_tgid: i32,
        child_pid: i32,
        child_tgid: i32,
    },
    /// The process (thread group `tgid`) ran a new program.
    Exec {
        pid: i32,
        tgid: i32,
    },
    Exit(Exit),
    Other(u32),
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// A wait status (`exit_code` of the exit event) as code or signal.
pub(crate) fn decode_status(status: u32) -> (Option<i32>, Option<i32>, bool) {
    let sig = (status & 0x7f) as i32;
    if sig == 0 {
        (Some(((status >> 8) & 0xff) as i32), None, false)
    } else {
        (None, Some(sig), status & 0x80 != 0)
    }
}

/// Every event in one datagram (several netlink messages may share it);
/// what is short or not a process event is skipped.
pub(crate) fn decode(buf: &[u8]) -> Vec<Event> {
    let mut out = Vec::new();
    let mut off = 0;
    while off + NLMSG_HDR <= buf.len() {
        let Some(len) = u32_at(buf, off).map(|l| l as usize) else {
            break;
        };
        if len < NLMSG_HDR || off + len > buf.len() {
            break;
        }
        let msg = &buf[off..off + len];
        let kind = u16::from_ne_bytes([msg[4], msg[5]]);
        if kind == NLMSG_DONE
            && let Some(e) = decode_cn(&msg[NLMSG_HDR..])
        {
            out.push(e);
        }
        // NLMSG_ALIGN: 4 bytes.
        off += (len + 3) & !3;
    }
    out
}

fn decode_cn(cn: &[u8]) -> Option<Event> {
    if u32_at(cn, 0)? != CN_IDX_PROC || u32_at(cn, 4)? != CN_VAL_PROC {
        return None;
    }
    let ev = cn.get(CN_MSG..)?;
    // proc_event: what, cpu, timestamp_ns (u64), then the event's data.
    let what = u32_at(ev, 0)?;
    let data = 16;
    let at = |i: usize| u32_at(ev, data + 4 * i).map(|v| v as i32);
    Some(match what {
        PROC_EVENT_FORK => Event::Fork {
            parent_tgid: at(1)?,
            child_pid: at(2)?,
            child_tgid: at(3)?,
        },
        PROC_EVENT_EXEC => Event::Exec {
            pid: at(0)?,
            tgid: at(1)?,
        },
        PROC_EVENT_EXIT => {
            let (code, signal, core_dumped) = decode_status(u32_at(ev, data + 8)?);
            Event::Exit(Exit {
                pid: at(0)?,
                tgid: at(1)?,
                code,
                signal,
                core_dumped,
                parent_tgid: at(5),
                timestamp_ns: u64::from_ne_bytes(ev.get(8..16)?.try_into().ok()?),
            })
        }
        other => Event::Other(other),
    })
}

/// The subscription message: netlink header, connector header, LISTEN.
pub(crate) fn listen_message(own_pid: u32) -> Vec<u8> {
    let len = (NLMSG_HDR + CN_MSG + 4) as u32;
    let mut m = Vec::with_capacity(len as usize);
    m.extend_from_slice(&len.to_ne_bytes());
    m.extend_from_slice(&NLMSG_DONE.to_ne_bytes());
    m.extend_from_slice(&0u16.to_ne_bytes()); // flags
    m.extend_from_slice(&0u32.to_ne_bytes()); // seq
    m.extend_from_slice(&own_pid.to_ne_bytes());
    m.extend_from_slice(&CN_IDX_PROC.to_ne_bytes());
    m.extend_from_slice(&CN_VAL_PROC.to_ne_bytes());
    m.extend_from_slice(&0u32.to_ne_bytes()); // seq
    m.extend_from_slice(&0u32.to_ne_bytes()); // ack
    m.extend_from_slice(&4u16.to_ne_bytes()); // len
    m.extend_from_slice(&0u16.to_ne_bytes()); // flags
    m.extend_from_slice(&PROC_CN_MCAST_LISTEN.to_ne_bytes());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A datagram as the kernel sends it: nlmsghdr, cn_msg, proc_event.
    fn datagram(what: u32, data: &[u32]) -> Vec<u8> {
        let mut ev = Vec::new();
        ev.extend_from_slice(&what.to_ne_bytes());
        ev.extend_from_slice(&1u32.to_ne_bytes()); // cpu
        ev.extend_from_slice(&123_456_789u64.to_ne_bytes());
        for d in data {
            ev.extend_from_slice(&d.to_ne_bytes());
        }
        let mut cn = Vec::new();
        for v in [CN_IDX_PROC, CN_VAL_PROC, 7, 0] {
            cn.extend_from_slice(&v.to_ne_bytes());
        }
        cn.extend_from_slice(&(ev.len() as u16).to_ne_bytes());
        cn.extend_from_slice(&0u16.to_ne_bytes());
        cn.extend_from_slice(&ev);
        let len = (NLMSG_HDR + cn.len()) as u32;
        let mut m = Vec::new();
        m.extend_from_slice(&len.to_ne_bytes());
        m.extend_from_slice(&NLMSG_DONE.to_ne_bytes());
        m.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        m.extend_from_slice(&cn);
        m
    }

    #[test]
    fn exits_forks_and_junk() {
        // exit(3): status 0x300; SIGSEGV with a core: 0x8b; the exit_signal
        // field (SIGCHLD to the parent) is not how it died.
        let e = decode(&datagram(PROC_EVENT_EXIT, &[42, 42, 0x300, 17, 1, 1]));
        assert_eq!(
            e,
            vec![Event::Exit(Exit {
                pid: 42,
                tgid: 42,
                code: Some(3),
                signal: None,
                core_dumped: false,
                parent_tgid: Some(1),
                timestamp_ns: 123_456_789,
            })]
        );
        let mut two = datagram(PROC_EVENT_EXIT, &[43, 40, 0x8b, 17, 1, 1]);
        two.extend(datagram(PROC_EVENT_FORK, &[1, 1, 44, 44]));
        let e = decode(&two);
        assert_eq!(
            e[0],
            Event::Exit(Exit {
                pid: 43,
                tgid: 40,
                code: None,
                signal: Some(11),
                core_dumped: true,
                parent_tgid: Some(1),
                timestamp_ns: 123_456_789,
            })
        );
        assert_eq!(
            e[1],
            Event::Fork {
                parent_tgid: 1,
                child_pid: 44,
                child_tgid: 44
            }
        );
        assert_eq!(
            decode(&datagram(PROC_EVENT_EXEC, &[5, 5])),
            vec![Event::Exec { pid: 5, tgid: 5 }]
        );
        assert_eq!(decode(&datagram(4, &[5, 5])), vec![Event::Other(4)]);
        let full = datagram(PROC_EVENT_EXIT, &[42, 42, 0x300, 17, 1, 1]);
        for cut in 0..full.len() {
            let _ = decode(&full[..cut]); // never panics on a short read
        }
        assert!(decode(&full[..full.len() - 1]).is_empty());
        assert_eq!(decode_status(9), (None, Some(9), false));
        assert_eq!(listen_message(5).len(), 40);
    }
}
