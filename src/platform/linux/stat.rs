//! Decoder of `/proc/PID/stat` (and `/proc/PID/task/TID/stat`).

use crate::platform::decode_error::DecodeError;

/// The fields of one `stat` line that whytop uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stat {
    pub pid: i32,
    pub comm: String,
    pub state: u8,
    pub ppid: i32,
    pub pgrp: i32,
    pub session: i32,
    pub tty_nr: u32,
    pub tpgid: i32,
    pub flags: u64,
    /// Page faults that needed no I/O and those that did.
    pub minflt: u64,
    pub majflt: u64,
    pub utime: u64,
    pub stime: u64,
    pub priority: i32,
    pub nice: i32,
    pub num_threads: u32,
    pub starttime: u64,
    pub vsize: u64,
    pub rss_pages: i64,
    /// The CPU it last ran on (field 39; 0 where the line is too short).
    pub processor: i32,
    /// What exec replaces: the code and stack addresses (randomised per exec
    /// under ASLR) and where the argument strings sit. Zero where the kernel
    /// hides them (another user's process) or the line is too short.
    pub exec_sig: ExecSig,
}

impl Stat {
    /// User + system CPU time in nanoseconds (`stat` counts clock ticks).
    pub fn cpu_ns(&self, clk_tck: u64) -> u64 {
        (self.utime + self.stime).saturating_mul(1_000_000_000 / clk_tck.max(1))
    }
}

/// Fields of `stat` that change at every exec and never otherwise: startcode,
/// endcode, startstack (fields 26 to 28), arg_start and arg_end (48, 49).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExecSig(pub [u64; 5]);

impl ExecSig {
    /// Hidden (the kernel prints 1 1 0 for another user's process) or absent:
    /// then it cannot tell an exec.
    pub(crate) fn is_known(&self) -> bool {
        self.0.iter().any(|v| *v > 1)
    }

    /// A one-word digest for a cache entry.
    pub(crate) fn digest(&self) -> u64 {
        self.0.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, v| {
            (h ^ v).wrapping_mul(0x100_0000_01b3)
        })
    }
}

/// `PF_KTHREAD` in the flags field marks a kernel thread.
pub(crate) const PF_KTHREAD: u64 = 0x0020_0000;

/// Parses a stat line. The comm sits between the first `(` and the *last* `)`,
/// since it may itself hold spaces, parentheses or a newline.
pub fn parse_stat(buf: &[u8]) -> Result<Stat, DecodeError> {
    let open = buf
        .iter()
        .position(|&b| b == b'(')
        .ok_or(DecodeError::Missing("'(' before comm"))?;
    let close = buf
        .iter()
        .rposition(|&b| b == b')')
        .ok_or(DecodeError::Missing("')' after comm"))?;
    if close < open {
        return Err(DecodeError::Invalid {
            what: "comm delimiters",
            value: "')' before '('".into(),
        });
    }
    let pid = std::str::from_utf8(&buf[..open])
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| DecodeError::Invalid {
            what: "pid",
            value: String::from_utf8_lossy(&buf[..open]).trim().to_string(),
        })?;
    let comm = String::from_utf8_lossy(&buf[open + 1..close]).into_owned();
    let rest = std::str::from_utf8(&buf[close + 1..]).map_err(|e| DecodeError::Invalid {
        what: "fields after comm (not UTF-8)",
        value: format!("byte {}", close + 1 + e.valid_up_to()),
    })?;
    // f[0] is field 3 (state) of proc(5); fields past the last one used are
    // not kept (on the stack: this runs thousands of times a refresh).
    let mut fields = [""; 47];
    let mut n = 0;
    for (slot, v) in fields.iter_mut().zip(rest.split_ascii_whitespace()) {
        *slot = v;
        n += 1;
    }
    let f = &fields[..n];
    if f.len() < 22 {
        return Err(DecodeError::TooFewFields {
            got: f.len(),
            need: 22,
        });
    }
    fn num<T: std::str::FromStr>(f: &[&str], field: usize) -> Result<T, DecodeError> {
        f[field - 3].parse().map_err(|_| DecodeError::NotANumber {
            field,
            value: f[field - 3].to_string(),
        })
    }
    Ok(Stat {
        pid,
        comm,
        state: f[0]
            .as_bytes()
            .first()
            .copied()
            .ok_or(DecodeError::Missing("state"))?,
        ppid: num(f, 4)?,
        pgrp: num(f, 5)?,
        session: num(f, 6)?,
        tty_nr: num::<i64>(f, 7)? as u32,
        tpgid: num(f, 8)?,
        flags: num(f, 9)?,
        minflt: num(f, 10)?,
        majflt: num(f, 12)?,
        utime: num(f, 14)?,
        stime: num(f, 15)?,
        priority: num(f, 18)?,
        nice: num(f, 19)?,
        num_threads: num(f, 20)?,
        starttime: num(f, 22)?,
        vsize: num(f, 23)?,
        rss_pages: num(f, 24)?,
        processor: f.get(39 - 3).and_then(|v| v.parse().ok()).unwrap_or(0),
        exec_sig: ExecSig(
            [26, 27, 28, 48, 49]
                .map(|field| f.get(field - 3).and_then(|v| v.parse().ok()).unwrap_or(0)),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLEEP: &[u8] = b"1726 (sleep) S 1723 1723 1044 34816 1730 4194304 102 0 0 0 3 4 0 0 20 0 1 0 302196 3133440 410 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

    #[test]
    fn plain_line() {
        let s = parse_stat(SLEEP).unwrap();
        assert_eq!(
            (s.pid, s.comm.as_str(), s.state, s.ppid),
            (1726, "sleep", b'S', 1723)
        );
        assert_eq!(
            (s.pgrp, s.session, s.tty_nr, s.tpgid),
            (1723, 1044, 34816, 1730)
        );
        assert_eq!((s.utime, s.stime, s.priority, s.nice), (3, 4, 20, 0));
        assert_eq!((s.minflt, s.majflt, s.processor), (102, 0, 1));
        assert_eq!(
            (s.num_threads, s.starttime, s.vsize, s.rss_pages),
            (1, 302196, 3133440, 410)
        );
    }

    #[test]
    fn exec_signature() {
        // A live line with every field: startcode, endcode, startstack, arg_start, arg_end.
        let live = b"15122 (sleep) S 15117 15117 13708 0 -1 4194304 126 0 0 0 0 0 0 0 20 0 1 0 279180 2990080 419 18446744073709551615 94323048628224 94323048646153 140726799297232 0 0 0 0 6 0 1 0 0 17 0 0 0 0 0 0 94323048660240 94323048661504 94324075646976 140726799301352 140726799301362 140726799301362 140726799302633 0\n";
        let s = parse_stat(live).unwrap();
        assert_eq!(
            s.exec_sig.0,
            [
                94323048628224,
                94323048646153,
                140726799297232,
                140726799301352,
                140726799301362
            ]
        );
        assert!(s.exec_sig.is_known());
        // A hidden line (startcode 1, endcode 1, startstack 0) or a short one cannot tell an exec.
        let short = parse_stat(SLEEP).unwrap().exec_sig;
        assert!(!short.is_known());
        let mut other = s.exec_sig;
        other.0[2] += 4096;
        assert_ne!(other.digest(), s.exec_sig.digest());
    }

    #[test]
    fn comm_with_spaces_parens_and_newline() {
        let line = b"77 (a) b (c\nd)) R 1 77 77 0 -1 0 0 0 0 0 1 2 0 0 20 -5 3 0 99 4096 2 0\n";
        let s = parse_stat(line).unwrap();
        assert_eq!(s.comm, "a) b (c\nd)");
        assert_eq!(
            (s.state, s.nice, s.num_threads, s.starttime),
            (b'R', -5, 3, 99)
        );
    }

    #[test]
    fn malformed_lines_are_errors_not_panics() {
        for bad in [
            &b""[..],
            b"12 (x",
            b"12 x) S 1",
            b"(x) S 1 2 3",
            b"1 (x) S 1 2 3 4 5 6",
        ] {
            assert!(
                parse_stat(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
