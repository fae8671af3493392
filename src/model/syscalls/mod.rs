//! System call numbers to names for the architectures whytop decodes.
//!
//! Portable on purpose: evidence recorded on one architecture decodes (and so
//! classifies) the same on any other, since the classifier works on names.

mod aarch64;
mod arity;
mod x86_64;

pub use arity::arg_count;
use serde::{Deserialize, Serialize};

/// An instruction set whose Linux system call numbering whytop knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arch {
    X86_64,
    Aarch64,
}

impl Arch {
    /// The architecture this binary was built for, when whytop knows its numbering.
    pub fn native() -> Option<Arch> {
        if cfg!(target_arch = "x86_64") {
            Some(Arch::X86_64)
        } else if cfg!(target_arch = "aarch64") {
            Some(Arch::Aarch64)
        } else {
            None
        }
    }

    fn table(self) -> &'static [&'static str] {
        match self {
            Arch::X86_64 => &x86_64::NAMES,
            Arch::Aarch64 => &aarch64::NAMES,
        }
    }
}

/// Bit 30 set on x86_64 marks the x32 ABI; the rest is the ordinary number.
const X32_BIT: i64 = 0x4000_0000;

/// The name of system call `nr` on `arch`, if it has one.
pub fn name(arch: Arch, nr: i64) -> Option<&'static str> {
    let nr = if arch == Arch::X86_64 && nr & X32_BIT != 0 {
        nr & !X32_BIT
    } else {
        nr
    };
    let i = usize::try_from(nr).ok()?;
    arch.table().get(i).copied().filter(|n| !n.is_empty())
}

/// The number of the system call called `name` on `arch` (for tests and fixtures).
pub fn number(arch: Arch, name: &str) -> Option<i64> {
    arch.table()
        .iter()
        .position(|n| *n == name)
        .map(|i| i as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_numbers() {
        let x = Arch::X86_64;
        let a = Arch::Aarch64;
        for (nr, n) in [
            (0, "read"),
            (7, "poll"),
            (23, "select"),
            (35, "nanosleep"),
            (43, "accept"),
        ] {
            assert_eq!(name(x, nr), Some(n));
        }
        for (nr, n) in [
            (61, "wait4"),
            (73, "flock"),
            (202, "futex"),
            (230, "clock_nanosleep"),
        ] {
            assert_eq!(name(x, nr), Some(n));
        }
        for (nr, n) in [
            (232, "epoll_wait"),
            (247, "waitid"),
            (270, "pselect6"),
            (271, "ppoll"),
        ] {
            assert_eq!(name(x, nr), Some(n));
        }
        for (nr, n) in [
            (63, "read"),
            (72, "pselect6"),
            (73, "ppoll"),
            (22, "epoll_pwait"),
        ] {
            assert_eq!(name(a, nr), Some(n));
        }
        for (nr, n) in [
            (98, "futex"),
            (101, "nanosleep"),
            (115, "clock_nanosleep"),
            (202, "accept"),
        ] {
            assert_eq!(name(a, nr), Some(n));
        }
        for (nr, n) in [
            (260, "wait4"),
            (95, "waitid"),
            (32, "flock"),
            (242, "accept4"),
        ] {
            assert_eq!(name(a, nr), Some(n));
        }
        // Numbers from 424 on are shared by every architecture.
        for arch in [x, a] {
            assert_eq!(name(arch, 441), Some("epoll_pwait2"));
            assert_eq!(name(arch, 449), Some("futex_waitv"));
            assert_eq!(name(arch, 455), Some("futex_wait"));
        }
    }

    #[test]
    fn holes_negatives_and_x32() {
        assert_eq!(name(Arch::X86_64, -1), None);
        assert_eq!(name(Arch::X86_64, 400), None);
        assert_eq!(name(Arch::X86_64, 100_000), None);
        assert_eq!(name(Arch::Aarch64, 244), None);
        assert_eq!(name(Arch::X86_64, X32_BIT | 35), Some("nanosleep"));
        assert_eq!(number(Arch::Aarch64, "ppoll"), Some(73));
        assert_eq!(number(Arch::X86_64, "poll"), Some(7));
        assert_eq!(number(Arch::Aarch64, "poll"), None);
    }
}
