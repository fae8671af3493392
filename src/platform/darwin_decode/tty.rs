//! Names of macOS terminal devices from a `dev_t` (`e_tdev`).
//!
//! Darwin packs a `dev_t` (32 bits) as major in the top 8 bits and minor in
//! the low 24 (`major(x) = (x >> 24) & 0xff`, `minor(x) = x & 0xffffff`). The
//! backend asks `devname(3)` first; this decoder names the devices when that
//! cannot (and is what the tests pin down).

/// `NODEV`: `e_tdev` of a process without a controlling terminal.
pub(crate) const NODEV: u32 = u32::MAX;

/// The pseudo-terminal slave driver (`/dev/ttysNNN`, xnu `tty_ptmx.c`) has
/// major 16 on every macOS release to date.
pub(crate) const PTSD_MAJOR: u32 = 16;
/// The old BSD ptys (`/dev/ttyp0` ..), major 4.
pub(crate) const BSD_PTY_MAJOR: u32 = 4;

pub(crate) fn major(dev: u32) -> u32 {
    (dev >> 24) & 0xff
}

pub(crate) fn minor(dev: u32) -> u32 {
    dev & 0x00ff_ffff
}

/// `e_tdev` to the name `ps -o tty` would show, with its `tty` prefix
/// (`ttys003`); `None` for no terminal.
pub(crate) fn tty_name(dev: u32) -> Option<String> {
    if dev == NODEV {
        return None;
    }
    let (maj, min) = (major(dev), minor(dev));
    Some(match maj {
        PTSD_MAJOR => format!("ttys{min:03}"),
        BSD_PTY_MAJOR if min < 16 * 8 => {
            let bank = b"pqrstuvw"[(min / 16) as usize] as char;
            format!("tty{bank}{:x}", min % 16)
        }
        0 if min == 0 => "console".to_string(),
        2 if min == 0 => "tty".to_string(),
        _ => format!("tty({maj},{min})"),
    })
}

/// `e_tdev` as `ProcSample::tty_nr` (0: none; the console, dev 0, also reads 0).
pub fn tty_nr(dev: u32) -> u32 {
    if dev == NODEV { 0 } else { dev }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn makedev(maj: u32, min: u32) -> u32 {
        (maj << 24) | min
    }

    #[test]
    fn pseudo_terminals() {
        assert_eq!(tty_name(makedev(16, 3)).as_deref(), Some("ttys003"));
        assert_eq!(tty_name(makedev(16, 0)).as_deref(), Some("ttys000"));
        assert_eq!(tty_name(makedev(16, 1234)).as_deref(), Some("ttys1234"));
        assert_eq!(tty_name(makedev(4, 0)).as_deref(), Some("ttyp0"));
        assert_eq!(tty_name(makedev(4, 17)).as_deref(), Some("ttyq1"));
        assert_eq!(tty_name(makedev(4, 31)).as_deref(), Some("ttyqf"));
    }

    #[test]
    fn none_console_and_unknown() {
        assert_eq!(tty_name(NODEV), None);
        assert_eq!(tty_nr(NODEV), 0);
        assert_eq!(tty_name(0).as_deref(), Some("console"));
        assert_eq!(tty_name(makedev(2, 0)).as_deref(), Some("tty"));
        assert_eq!(tty_name(makedev(33, 7)).as_deref(), Some("tty(33,7)"));
        assert_eq!(tty_nr(makedev(16, 3)), 0x1000_0003);
    }
}
