//! The syscall number a call site loads, from the machine code just before a
//! thread's user PC (which the syscall file gives; it points past the trap).
//! For `restart_syscall`, whose own number hides the interrupted call's: the
//! wrapper that made the call usually loads its number right before the trap.

use crate::model::syscalls::Arch;

/// How many bytes before the PC `nr_at_site` looks at.
pub(crate) const WINDOW: usize = 16;

/// The number loaded by the instructions ending at the PC (`code` is the
/// `WINDOW` bytes before it), when they have the plain wrapper shape:
/// x86_64 `mov $nr, %eax` (optionally `mov %rcx, %r10`) then `syscall`;
/// aarch64 `mov x8, #nr` within the four instructions before `svc #0`.
pub(crate) fn nr_at_site(arch: Arch, code: &[u8]) -> Option<i64> {
    let nr = match arch {
        Arch::X86_64 => x86_64(code)?,
        Arch::Aarch64 => aarch64(code)?,
    };
    (nr < 1024).then_some(i64::from(nr))
}

fn x86_64(b: &[u8]) -> Option<u32> {
    let n = b.len();
    if n < 10 || b[n - 2..] != [0x0f, 0x05] {
        return None;
    }
    let imm = |at: usize| u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    if b[n - 7] == 0xb8 {
        return Some(imm(n - 6)); // mov $nr, %eax; syscall
    }
    if b[n - 10] == 0xb8 && b[n - 5..n - 2] == [0x49, 0x89, 0xca] {
        return Some(imm(n - 9)); // mov $nr, %eax; mov %rcx, %r10; syscall
    }
    if n >= 11 && b[n - 9..n - 6] == [0x48, 0xc7, 0xc0] {
        return Some(imm(n - 6)); // mov $nr, %rax; syscall
    }
    None
}

fn aarch64(b: &[u8]) -> Option<u32> {
    const SVC_0: u32 = 0xd400_0001;
    let words: Vec<u32> = b
        .rchunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    if words.first() != Some(&SVC_0) {
        return None;
    }
    // movz x8/w8, #imm16 (no shift): 0xd2800008 / 0x52800008 | imm16 << 5.
    words[1..].iter().take(4).find_map(|w| {
        let movz_x8 = w & 0xffe0_001f;
        (movz_x8 == 0xd280_0008 || movz_x8 == 0x5280_0008).then_some((w >> 5) & 0xffff)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glibc_x86_64_clock_nanosleep() {
        // The 16 bytes before the PC of `sleep 300` (glibc 2.36), recorded.
        let code = [
            0x0f, 0x44, 0xf8, 0x80, 0x3d, 0xde, 0xc0, 0x10, 0x00, 0x00, 0x74, 0x14, 0xb8, 0xe6,
            0x00, 0x00, 0x00, 0x0f, 0x05,
        ];
        assert_eq!(
            nr_at_site(Arch::X86_64, &code[code.len() - WINDOW..]),
            Some(230)
        );
        // mov %rcx, %r10 between the load and the trap.
        let code = [
            0x90, 0x90, 0xb8, 0x23, 0x00, 0x00, 0x00, 0x49, 0x89, 0xca, 0x0f, 0x05,
        ];
        assert_eq!(nr_at_site(Arch::X86_64, &code), Some(35));
        // The number in a register (a generic wrapper): nothing to tell.
        let code = [0x90; 8]
            .iter()
            .chain(&[0x48, 0x89, 0xf8, 0x0f, 0x05])
            .copied()
            .collect::<Vec<_>>();
        assert_eq!(nr_at_site(Arch::X86_64, &code), None);
        assert_eq!(nr_at_site(Arch::X86_64, &[0x0f, 0x05]), None);
    }

    #[test]
    fn aarch64_mov_x8_then_svc() {
        let word = |w: u32| w.to_le_bytes();
        let mut code = Vec::new();
        code.extend(word(0xd503_201f)); // nop
        code.extend(word(0xd280_0008 | (115 << 5))); // mov x8, #115 (clock_nanosleep)
        code.extend(word(0xaa01_03e2)); // mov x2, x1
        code.extend(word(0xd400_0001)); // svc #0
        assert_eq!(nr_at_site(Arch::Aarch64, &code), Some(115));
        code.truncate(12);
        code.extend(word(0xd503_201f)); // no svc right before the PC
        assert_eq!(nr_at_site(Arch::Aarch64, &code), None);
    }
}
