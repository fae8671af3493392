//! Portable decoders of what macOS's libproc and sysctl hand back.
//!
//! The macOS backend (`platform::macos`) only makes the calls and copies the
//! raw structs or bytes out; everything that interprets them lives here, is
//! plain Rust with no `cfg(target_os)`, and is unit-tested on Linux with byte
//! fixtures laid out as the Darwin headers document them.
// Elsewhere only the tests call them; the macOS build reports dead code.
#![cfg_attr(not(target_os = "macos"), allow(dead_code))]

pub(crate) mod codesign;
pub(crate) mod crash_report;
pub(crate) mod crash_scan;
pub(crate) mod exit_report;
pub mod fdinfo;
pub mod kinfo;
pub(crate) mod launchd;
pub(crate) mod mac_figures;
pub(crate) mod pass;
pub(crate) mod pmset;
pub mod procargs;
pub mod provenance;
pub(crate) mod qos;
pub mod quarantine;
pub(crate) mod rusage;
pub(crate) mod sample;
pub(crate) mod state;
pub(crate) mod time;
pub(crate) mod tty;
#[cfg(unix)]
pub(crate) mod users;
pub(crate) mod wait;

/// A C `char[N]` field as text: up to the first NUL, invalid UTF-8 replaced.
pub fn c_chars(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn c_chars_stops_at_nul() {
        assert_eq!(super::c_chars(b"zsh\0\0garbage"), "zsh");
        assert_eq!(super::c_chars(b"exactly16chars!!"), "exactly16chars!!");
        assert_eq!(super::c_chars(b"\0"), "");
        assert_eq!(super::c_chars(b"caf\xc3\xa9\0"), "café");
    }
}
