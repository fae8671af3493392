//! Names of terminal devices from the `tty_nr` device number.

/// `tty_nr` as `/proc/PID/stat` gives it, decoded to the name `ps` shows.
pub(crate) fn tty_name(tty_nr: u32) -> Option<String> {
    if tty_nr == 0 {
        return None;
    }
    let major = (tty_nr >> 8) & 0xfff;
    let minor = (tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00);
    Some(match major {
        136..=143 => format!("pts/{}", minor + (major - 136) * 256),
        4 if minor < 64 => format!("tty{minor}"),
        4 => format!("ttyS{}", minor - 64),
        5 if minor == 1 => "console".to_string(),
        _ => format!("tty({major},{minor})"),
    })
}

#[cfg(test)]
mod tests {
    use super::tty_name;

    #[test]
    fn common_devices() {
        assert_eq!(tty_name(0), None);
        assert_eq!(tty_name(34816).as_deref(), Some("pts/0"));
        assert_eq!(tty_name(34819).as_deref(), Some("pts/3"));
        assert_eq!(tty_name(1025).as_deref(), Some("tty1"));
        assert_eq!(tty_name(1088).as_deref(), Some("ttyS0"));
        // pts numbers past 255 spill into the high minor bits.
        assert_eq!(tty_name((136 << 8) | (1 << 20)).as_deref(), Some("pts/256"));
    }
}
