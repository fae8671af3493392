//! Decoders of the socket tables under `/proc/PID/net/` (tcp, tcp6, udp, udp6,
//! unix), to say of a socket inode whether it listens and who its peer is.

use crate::model::why::SocketInfo;
use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::Path;

const INET_TABLES: [&str; 4] = ["tcp", "tcp6", "udp", "udp6"];

/// Socket facts for each of `inodes` found in the tables of `net_dir`
/// (`/proc/PID/net`, so the process's own network namespace).
pub(crate) fn find_sockets(net_dir: &Path, inodes: &[u64]) -> HashMap<u64, SocketInfo> {
    let mut found = HashMap::new();
    for table in INET_TABLES.iter().chain(&["unix"]) {
        if found.len() == inodes.len() {
            break;
        }
        let Ok(text) = std::fs::read_to_string(net_dir.join(table)) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let parsed = if *table == "unix" {
                parse_unix_line(line)
            } else {
                parse_inet_line(table, line)
            };
            if let Some((ino, info)) = parsed
                && inodes.contains(&ino)
            {
                found.entry(ino).or_insert(info);
            }
        }
    }
    found
}

/// One line of `tcp`/`udp` (v4 or v6): `sl local rem st tx:rx tr:when retr uid timeout inode ...`.
pub(crate) fn parse_inet_line(proto: &str, line: &str) -> Option<(u64, SocketInfo)> {
    let f: Vec<&str> = line.split_ascii_whitespace().collect();
    if f.len() < 10 {
        return None;
    }
    let inode: u64 = f[9].parse().ok()?;
    let st = u8::from_str_radix(f[3], 16).ok()?;
    let tcp = proto.starts_with("tcp");
    let state = if tcp {
        tcp_state(st)
    } else if st == 1 {
        "CONNECTED"
    } else {
        "UNCONNECTED"
    };
    let local = addr(f[1])?;
    let remote = addr(f[2])?;
    let peer_set = !remote.ends_with(":0");
    Some((
        inode,
        SocketInfo {
            proto: proto.to_string(),
            listening: tcp && st == 0x0A,
            local: Some(local),
            peer: peer_set.then_some(remote),
            state: Some(state.to_string()),
        },
    ))
}

/// `0100007F:1F90` -> `127.0.0.1:8080`; 32 hex digits for IPv6.
/// The kernel prints each 32-bit word of the address as a host-order number.
fn addr(s: &str) -> Option<String> {
    let (ip, port) = s.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    match ip.len() {
        8 => {
            let w = u32::from_str_radix(ip, 16).ok()?;
            Some(format!("{}:{port}", Ipv4Addr::from(w.to_ne_bytes())))
        }
        32 => {
            let mut b = [0u8; 16];
            for i in 0..4 {
                let w = u32::from_str_radix(&ip[i * 8..i * 8 + 8], 16).ok()?;
                b[i * 4..i * 4 + 4].copy_from_slice(&w.to_ne_bytes());
            }
            Some(format!("[{}]:{port}", Ipv6Addr::from(b)))
        }
        _ => None,
    }
}

fn tcp_state(st: u8) -> &'static str {
    match st {
        0x01 => "ESTABLISHED",
        0x02 => "SYN_SENT",
        0x03 => "SYN_RECV",
        0x04 => "FIN_WAIT1",
        0x05 => "FIN_WAIT2",
        0x06 => "TIME_WAIT",
        0x07 => "CLOSE",
        0x08 => "CLOSE_WAIT",
        0x09 => "LAST_ACK",
        0x0A => "LISTEN",
        0x0B => "CLOSING",
        _ => "?",
    }
}

/// `__SO_ACCEPTCON` in the flags column: the socket listens.
const SO_ACCEPTCON: u32 = 0x0001_0000;

/// One line of `unix`: `Num RefCount Protocol Flags Type St Inode [Path]`.
pub(crate) fn parse_unix_line(line: &str) -> Option<(u64, SocketInfo)> {
    let f: Vec<&str> = line.split_ascii_whitespace().collect();
    if f.len() < 7 {
        return None;
    }
    let flags = u32::from_str_radix(f[3], 16).ok()?;
    let st = u8::from_str_radix(f[5], 16).ok()?;
    let inode: u64 = f[6].parse().ok()?;
    let kind = match f[4] {
        "0001" => "unix",
        "0002" => "unix-dgram",
        "0005" => "unix-seqpacket",
        _ => "unix",
    };
    let state = match st {
        1 => "UNCONNECTED",
        2 => "CONNECTING",
        3 => "CONNECTED",
        4 => "DISCONNECTING",
        _ => "?",
    };
    Some((
        inode,
        SocketInfo {
            proto: kind.to_string(),
            listening: flags & SO_ACCEPTCON != 0,
            local: f.get(7).map(|p| p.to_string()),
            peer: None,
            state: Some(state.to_string()),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcp_lines() {
        let listen = "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 12345 1 0000000000000000 100 0 0 10 0";
        let (ino, s) = parse_inet_line("tcp", listen).unwrap();
        assert_eq!(ino, 12345);
        assert!(s.listening);
        assert_eq!(s.local.as_deref(), Some("127.0.0.1:8080"));
        assert_eq!(s.peer, None);
        let est = "   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 777 1";
        let (_, s) = parse_inet_line("tcp", est).unwrap();
        assert_eq!(
            (s.listening, s.peer.as_deref()),
            (false, Some("127.0.0.1:50000"))
        );
        assert_eq!(s.state.as_deref(), Some("ESTABLISHED"));
    }

    #[test]
    fn tcp6_line() {
        let l = "   0: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 999 1";
        let (_, s) = parse_inet_line("tcp6", l).unwrap();
        assert_eq!(s.local.as_deref(), Some("[::1]:22"));
        assert!(s.listening);
    }

    #[test]
    fn unix_lines() {
        let l = "0000000000000000: 00000002 00000000 00010000 0001 01 4242 /run/app.sock";
        let (ino, s) = parse_unix_line(l).unwrap();
        assert_eq!(
            (ino, s.listening, s.local.as_deref()),
            (4242, true, Some("/run/app.sock"))
        );
        let l = "0000000000000000: 00000003 00000000 00000000 0001 03 4243";
        let (_, s) = parse_unix_line(l).unwrap();
        assert_eq!(
            (s.listening, s.local, s.state.as_deref()),
            (false, None, Some("CONNECTED"))
        );
    }

    #[test]
    fn finds_a_socket_of_this_process() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let fd = std::os::fd::AsRawFd::as_raw_fd(&l);
        let link = std::fs::read_link(format!("/proc/self/fd/{fd}")).unwrap();
        let ino: u64 = link.to_str().unwrap()[8..]
            .trim_end_matches(']')
            .parse()
            .unwrap();
        let found = find_sockets(Path::new("/proc/self/net"), &[ino]);
        let s = &found[&ino];
        assert!(s.listening);
        assert_eq!(
            s.local.as_deref(),
            Some(&*l.local_addr().unwrap().to_string())
        );
    }
}
