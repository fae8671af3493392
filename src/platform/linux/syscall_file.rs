//! Decoder of `/proc/PID/syscall`: `running`, `-1 SP PC` (blocked outside a
//! syscall), or `NR ARG1 .. ARG6 SP PC` (NR decimal, the rest hex).

use crate::model::syscalls::Arch;
use crate::model::why::{Syscall, SyscallState};
use crate::platform::decode_error::DecodeError;

/// Parses the file's text; the number is decoded to a name for `arch`.
pub fn parse_syscall(text: &str, arch: Option<Arch>) -> Result<SyscallState, DecodeError> {
    let text = text.trim();
    if text == "running" {
        return Ok(SyscallState::Running);
    }
    let f: Vec<&str> = text.split_ascii_whitespace().collect();
    let nr: i64 = f
        .first()
        .ok_or(DecodeError::Missing("syscall number"))?
        .parse()
        .map_err(|_| DecodeError::Invalid {
            what: "syscall number",
            value: f[0].to_string(),
        })?;
    let hex = |s: &str| -> Result<u64, DecodeError> {
        u64::from_str_radix(s.trim_start_matches("0x"), 16).map_err(|_| DecodeError::Invalid {
            what: "hex",
            value: s.to_string(),
        })
    };
    match f.len() {
        3 if nr < 0 => Ok(SyscallState::NotInSyscall {
            sp: hex(f[1])?,
            pc: hex(f[2])?,
        }),
        9 => {
            let mut args = [0u64; 6];
            for (a, s) in args.iter_mut().zip(&f[1..7]) {
                *a = hex(s)?;
            }
            let name = arch
                .and_then(|a| crate::model::syscalls::name(a, nr))
                .map(str::to_string);
            Ok(SyscallState::In(Syscall {
                nr,
                name,
                arch,
                args,
                sp: hex(f[7])?,
                pc: hex(f[8])?,
            }))
        }
        n => Err(DecodeError::Invalid {
            what: "field count (3 or 9)",
            value: n.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_lines_of_both_architectures() {
        // sleep 30 on x86_64: clock_nanosleep(CLOCK_REALTIME, 0, req, rem).
        let x = "230 0x0 0x0 0x7ffe4891c980 0x7ffe4891c9c0 0x0 0x0 0x7ffe4891c968 0x7f859cb16503\n";
        let SyscallState::In(sc) = parse_syscall(x, Some(Arch::X86_64)).unwrap() else {
            panic!()
        };
        assert_eq!(
            (sc.nr, sc.name(), sc.args[2]),
            (230, "clock_nanosleep", 0x7ffe4891c980)
        );
        assert_eq!((sc.sp, sc.pc), (0x7ffe4891c968, 0x7f859cb16503));
        // The same sleep on aarch64.
        let a = "115 0x0 0x0 0xffffe0b0c7a8 0xffffe0b0c7a8 0x0 0x0 0xffffe0b0c780 0xffff8d2a1b4c\n";
        let SyscallState::In(sc) = parse_syscall(a, Some(Arch::Aarch64)).unwrap() else {
            panic!()
        };
        assert_eq!(sc.name(), "clock_nanosleep");
    }

    #[test]
    fn running_and_outside_a_syscall() {
        assert_eq!(parse_syscall("running\n", None), Ok(SyscallState::Running));
        assert_eq!(
            parse_syscall("-1 0x7ffd1000 0x401000\n", Some(Arch::X86_64)),
            Ok(SyscallState::NotInSyscall {
                sp: 0x7ffd1000,
                pc: 0x401000
            })
        );
    }

    #[test]
    fn unknown_numbers_keep_the_number() {
        let SyscallState::In(sc) =
            parse_syscall("999 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0", Some(Arch::X86_64)).unwrap()
        else {
            panic!()
        };
        assert_eq!((sc.nr, sc.name.as_deref()), (999, None));
    }

    #[test]
    fn malformed_is_an_error() {
        for bad in [
            "",
            "x 0x0",
            "0 0x0 0x0",
            "0 0xZ 0x0 0x0 0x0 0x0 0x0 0x0 0x0",
        ] {
            assert!(parse_syscall(bad, Some(Arch::X86_64)).is_err(), "{bad:?}");
        }
    }
}
