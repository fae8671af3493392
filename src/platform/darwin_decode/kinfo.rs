//! `struct kinfo_proc` from `sysctl({CTL_KERN, KERN_PROC, KERN_PROC_PID, pid})`,
//! decoded from its bytes.
//!
//! The `libc` crate does not declare `kinfo_proc`, and most of it is kernel
//! pointers and obsolete fields, so the backend copies the 648 bytes out and
//! this module reads the fields whytop uses at their offsets in the 64-bit
//! layout (`<sys/sysctl.h>`: `struct kinfo_proc { struct extern_proc kp_proc;
//! struct eproc kp_eproc; }`, `<sys/proc.h>` for `extern_proc`). The same
//! layout holds on arm64 and x86_64 (both LP64). `platform::macos::ffi`
//! transcribes the C structs and asserts at compile time, for the real
//! target, that these offsets match.

use crate::platform::decode_error::DecodeError;

use super::c_chars;

/// `sizeof(struct kinfo_proc)` on 64-bit macOS.
pub(crate) const KINFO_PROC_SIZE: usize = 648;

/// Byte offsets of the fields read, within `struct kinfo_proc`.
pub mod off {
    /// `kp_proc.p_un.__p_starttime.tv_sec` (`long`).
    pub(crate) const P_STARTTIME_SEC: usize = 0;
    /// `kp_proc.p_un.__p_starttime.tv_usec` (`int`).
    pub(crate) const P_STARTTIME_USEC: usize = 8;
    /// `kp_proc.p_flag` (`int`, `P_*` flags).
    pub(crate) const P_FLAG: usize = 32;
    /// `kp_proc.p_stat` (`char`, `S*` states).
    pub(crate) const P_STAT: usize = 36;
    /// `kp_proc.p_pid`.
    pub(crate) const P_PID: usize = 40;
    /// `kp_proc.p_priority` (`u_char`).
    pub(crate) const P_PRIORITY: usize = 240;
    /// `kp_proc.p_nice` (`char`).
    pub(crate) const P_NICE: usize = 242;
    /// `kp_proc.p_comm` (`char[MAXCOMLEN + 1]`).
    pub(crate) const P_COMM: usize = 243;
    pub(crate) const P_COMM_LEN: usize = 17;
    /// `kp_eproc`, after the 296-byte `extern_proc`.
    pub(crate) const EPROC: usize = 296;
    /// `kp_eproc.e_pcred.p_ruid` (real uid).
    pub(crate) const E_PCRED_RUID: usize = EPROC + 16 + 80;
    /// `kp_eproc.e_ucred.cr_uid` (effective uid).
    pub(crate) const E_UCRED_UID: usize = EPROC + 120 + 4;
    pub(crate) const E_PPID: usize = EPROC + 264;
    pub(crate) const E_PGID: usize = EPROC + 268;
    /// `kp_eproc.e_tdev` (`dev_t`, `NODEV` when none).
    pub(crate) const E_TDEV: usize = EPROC + 276;
    /// `kp_eproc.e_tpgid`: foreground process group of the controlling terminal.
    pub(crate) const E_TPGID: usize = EPROC + 280;
    /// `kp_eproc.e_flag` (`EPROC_*`).
    pub(crate) const E_FLAG: usize = EPROC + 316;
}

/// `p_flag` bits (`<sys/proc.h>`).
pub(crate) const P_CONTROLT: i32 = 0x0000_0002;
pub(crate) const P_PPWAIT: i32 = 0x0000_0010;
pub(crate) const P_TRACED: i32 = 0x0000_0800;
pub(crate) const P_WEXIT: i32 = 0x0000_2000;
/// `e_flag` bits (`<sys/sysctl.h>`).
#[cfg(test)] // the fixtures set it; whytop reads the terminal from e_tdev
pub(crate) const EPROC_CTTY: i32 = 0x01;

/// The fields of one `kinfo_proc` whytop reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KinfoProc {
    pub pid: i32,
    pub ppid: i32,
    pub pgid: i32,
    /// Effective uid.
    pub uid: u32,
    pub ruid: u32,
    /// Controlling terminal device (`tty::NODEV` when none).
    pub tdev: u32,
    pub tpgid: i32,
    pub p_flag: i32,
    pub p_stat: u8,
    pub priority: u8,
    pub nice: i8,
    pub e_flag: i32,
    pub comm: String,
    pub start_sec: u64,
    pub start_usec: u64,
}

impl KinfoProc {
    pub(crate) fn has_controlling_tty(&self) -> bool {
        self.p_flag & P_CONTROLT != 0
    }

    pub fn traced(&self) -> bool {
        self.p_flag & P_TRACED != 0
    }
}

/// Decodes the bytes `sysctl(KERN_PROC_PID)` wrote. Fewer than
/// `KINFO_PROC_SIZE` bytes (the sysctl writes 0 for a pid that is gone) is an error.
pub fn decode_kinfo_proc(buf: &[u8]) -> Result<KinfoProc, DecodeError> {
    if buf.len() < KINFO_PROC_SIZE {
        return Err(DecodeError::Short {
            what: "kinfo_proc",
            got: buf.len(),
            need: KINFO_PROC_SIZE,
        });
    }
    let i32_at = |o: usize| i32::from_ne_bytes(buf[o..o + 4].try_into().expect("4 bytes"));
    let u32_at = |o: usize| u32::from_ne_bytes(buf[o..o + 4].try_into().expect("4 bytes"));
    let i64_at = |o: usize| i64::from_ne_bytes(buf[o..o + 8].try_into().expect("8 bytes"));
    Ok(KinfoProc {
        pid: i32_at(off::P_PID),
        ppid: i32_at(off::E_PPID),
        pgid: i32_at(off::E_PGID),
        uid: u32_at(off::E_UCRED_UID),
        ruid: u32_at(off::E_PCRED_RUID),
        tdev: u32_at(off::E_TDEV),
        tpgid: i32_at(off::E_TPGID),
        p_flag: i32_at(off::P_FLAG),
        p_stat: buf[off::P_STAT],
        priority: buf[off::P_PRIORITY],
        nice: buf[off::P_NICE] as i8,
        e_flag: i32_at(off::E_FLAG),
        comm: c_chars(&buf[off::P_COMM..off::P_COMM + off::P_COMM_LEN]),
        start_sec: i64_at(off::P_STARTTIME_SEC).max(0) as u64,
        start_usec: i32_at(off::P_STARTTIME_USEC).max(0) as u64,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Lays out a C struct field by field with LP64 natural alignment, so a
    /// fixture follows the header's field list rather than the offsets above.
    pub(crate) struct CLayout {
        pub buf: Vec<u8>,
    }

    impl CLayout {
        pub fn new() -> Self {
            Self { buf: Vec::new() }
        }
        pub(crate) fn align(&mut self, a: usize) {
            while !self.buf.len().is_multiple_of(a) {
                self.buf.push(0);
            }
        }
        pub(crate) fn i8(&mut self, v: i8) {
            self.buf.push(v as u8);
        }
        pub(crate) fn i16(&mut self, v: i16) {
            self.align(2);
            self.buf.extend_from_slice(&v.to_ne_bytes());
        }
        pub fn i32(&mut self, v: i32) {
            self.align(4);
            self.buf.extend_from_slice(&v.to_ne_bytes());
        }
        pub fn i64(&mut self, v: i64) {
            self.align(8);
            self.buf.extend_from_slice(&v.to_ne_bytes());
        }
        /// A kernel pointer (the kernel zeroes or obfuscates them).
        pub fn ptr(&mut self) {
            self.i64(0x7f00_dead_beef);
        }
        pub fn bytes(&mut self, b: &[u8], len: usize) {
            let mut v = b.to_vec();
            v.resize(len, 0);
            self.buf.extend_from_slice(&v);
        }
        /// `struct timeval { time_t tv_sec; suseconds_t tv_usec; }`: 16 bytes.
        pub fn timeval(&mut self, sec: i64, usec: i32) {
            self.i64(sec);
            self.i32(usec);
            self.align(8);
        }
    }

    pub(crate) struct Fixture {
        pub pid: i32,
        pub ppid: i32,
        pub pgid: i32,
        pub uid: u32,
        pub ruid: u32,
        pub tdev: u32,
        pub tpgid: i32,
        pub p_flag: i32,
        pub p_stat: i8,
        pub nice: i8,
        pub comm: &'static str,
        pub start: (i64, i32),
    }

    /// `struct kinfo_proc`, transcribed from `<sys/proc.h>` and `<sys/sysctl.h>`.
    pub(crate) fn kinfo_bytes(f: &Fixture) -> Vec<u8> {
        let mut c = CLayout::new();
        // struct extern_proc
        c.timeval(f.start.0, f.start.1); // p_un (union with two pointers: 16 bytes)
        c.ptr(); // p_vmspace
        c.ptr(); // p_sigacts
        c.i32(f.p_flag);
        c.i8(f.p_stat);
        c.i32(f.pid);
        c.i32(1); // p_oppid
        c.i32(0); // p_dupfd
        c.ptr(); // user_stack
        c.ptr(); // exit_thread
        c.i32(0); // p_debugger
        c.i32(0); // sigwait
        c.i32(0); // p_estcpu
        c.i32(0); // p_cpticks
        c.i32(0); // p_pctcpu
        c.ptr(); // p_wchan
        c.ptr(); // p_wmesg
        c.i32(0); // p_swtime
        c.i32(0); // p_slptime
        c.timeval(0, 0); // p_realtimer.it_interval
        c.timeval(0, 0); // p_realtimer.it_value
        c.timeval(0, 0); // p_rtime
        c.i64(0); // p_uticks
        c.i64(0); // p_sticks
        c.i64(0); // p_iticks
        c.i32(0); // p_traceflag
        c.ptr(); // p_tracep
        c.i32(0); // p_siglist
        c.ptr(); // p_textvp
        c.i32(0); // p_holdcnt
        c.i32(0); // p_sigmask
        c.i32(0); // p_sigignore
        c.i32(0); // p_sigcatch
        c.i8(31); // p_priority
        c.i8(0); // p_usrpri
        c.i8(f.nice); // p_nice
        c.bytes(f.comm.as_bytes(), 17); // p_comm[MAXCOMLEN + 1]
        c.ptr(); // p_pgrp
        c.ptr(); // p_addr
        c.i16(0); // p_xstat
        c.i16(0); // p_acflag
        c.ptr(); // p_ru
        c.align(8);
        assert_eq!(c.buf.len(), 296, "sizeof(struct extern_proc)");
        // struct eproc
        c.ptr(); // e_paddr
        c.ptr(); // e_sess
        c.bytes(&[0xaa; 72], 72); // e_pcred.pc_lock
        c.ptr(); // e_pcred.pc_ucred
        c.i32(f.ruid as i32); // e_pcred.p_ruid
        c.i32(f.ruid as i32); // e_pcred.p_svuid
        c.i32(20); // e_pcred.p_rgid
        c.i32(20); // e_pcred.p_svgid
        c.i32(1); // e_pcred.p_refcnt
        c.align(8);
        c.i32(1); // e_ucred.cr_ref
        c.i32(f.uid as i32); // e_ucred.cr_uid
        c.i16(3); // e_ucred.cr_ngroups
        for g in 0..16 {
            c.i32(g); // e_ucred.cr_groups[NGROUPS]
        }
        // e_vm: struct vmspace { int32_t dummy; caddr_t dummy2; int32_t dummy3[5]; caddr_t dummy4[3]; }
        c.align(8); // the struct holds pointers: 8-byte aligned
        c.i32(0);
        c.ptr();
        for _ in 0..5 {
            c.i32(0);
        }
        for _ in 0..3 {
            c.ptr();
        }
        c.i32(f.ppid); // e_ppid
        c.i32(f.pgid); // e_pgid
        c.i16(1); // e_jobc
        c.i32(f.tdev as i32); // e_tdev
        c.i32(f.tpgid); // e_tpgid
        c.ptr(); // e_tsess
        c.bytes(b"", 8); // e_wmesg[WMESGLEN + 1]
        c.i32(0); // e_xsize
        c.i16(0); // e_xrssize
        c.i16(0); // e_xccount
        c.i16(0); // e_xswrss
        c.i32(EPROC_CTTY); // e_flag
        c.bytes(b"dev", 12); // e_login[COMAPT_MAXLOGNAME]
        for _ in 0..4 {
            c.i32(0); // e_spare
        }
        c.align(8);
        assert_eq!(c.buf.len(), KINFO_PROC_SIZE, "sizeof(struct kinfo_proc)");
        c.buf
    }

    pub(crate) fn shell_fixture() -> Fixture {
        Fixture {
            pid: 4242,
            ppid: 4100,
            pgid: 4242,
            uid: 501,
            ruid: 501,
            tdev: (16 << 24) | 3,
            tpgid: 4300,
            p_flag: P_CONTROLT | 0x4, // P_LP64
            p_stat: 2,                // SRUN
            nice: -5,
            comm: "zsh",
            start: (1_700_000_000, 654_321),
        }
    }

    #[test]
    fn decodes_a_shell() {
        let k = decode_kinfo_proc(&kinfo_bytes(&shell_fixture())).unwrap();
        assert_eq!(k.pid, 4242);
        assert_eq!(k.ppid, 4100);
        assert_eq!(k.pgid, 4242);
        assert_eq!((k.uid, k.ruid), (501, 501));
        assert_eq!(k.tdev, (16 << 24) | 3);
        assert_eq!(k.tpgid, 4300);
        assert!(k.has_controlling_tty());
        assert!(!k.traced());
        assert_eq!(k.p_stat, 2);
        assert_eq!(k.priority, 31);
        assert_eq!(k.nice, -5);
        assert_eq!(k.e_flag, EPROC_CTTY);
        assert_eq!(k.comm, "zsh");
        assert_eq!((k.start_sec, k.start_usec), (1_700_000_000, 654_321));
    }

    #[test]
    fn setuid_daemon_without_terminal() {
        let f = Fixture {
            uid: 0,
            ruid: 501,
            tdev: super::super::tty::NODEV,
            tpgid: 0,
            p_flag: P_TRACED,
            p_stat: 4, // SSTOP
            comm: "sixteen-chars-xx",
            ..shell_fixture()
        };
        let k = decode_kinfo_proc(&kinfo_bytes(&f)).unwrap();
        assert_eq!((k.uid, k.ruid), (0, 501));
        assert_eq!(k.tdev, u32::MAX);
        assert!(!k.has_controlling_tty());
        assert!(k.traced());
        assert_eq!(k.comm, "sixteen-chars-xx");
    }

    #[test]
    fn short_buffer_is_an_error() {
        assert!(decode_kinfo_proc(&[]).is_err());
        assert!(decode_kinfo_proc(&[0; KINFO_PROC_SIZE - 1]).is_err());
    }
}
