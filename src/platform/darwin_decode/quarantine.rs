//! The `com.apple.quarantine` attribute as `xattr -p` prints it:
//! `flags;hex-seconds;agent;event-uuid` (`0083;697af740;Safari;`). Gatekeeper
//! checks a marked executable when it is first opened.

use crate::model::provenance::Quarantine;

/// Flag 0x40: the user approved opening it.
const USER_APPROVED: u16 = 0x40;

/// The attribute's value; None when it is not one (empty, no flag word).
pub fn parse(text: &str) -> Option<Quarantine> {
    let mut f = text.trim().split(';');
    let flags = u16::from_str_radix(f.next()?.trim(), 16).ok()?;
    let marked_at = f
        .next()
        .and_then(|t| u64::from_str_radix(t.trim(), 16).ok())
        .filter(|t| *t > 0);
    let agent = f
        .next()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string);
    Some(Quarantine {
        flags,
        agent,
        marked_at,
        user_approved: flags & USER_APPROVED != 0,
    })
}

/// `xattr -p`'s complaint when the file has no such attribute (exit 1):
/// not a failure, just no quarantine.
pub(crate) fn is_absent(stderr: &str) -> bool {
    stderr.contains("No such xattr")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_values() {
        // As published from Macs: Safari's and Chrome's downloads, a simulated
        // one with no time, and a copy approved and carried along (0283).
        let q = parse("0083;697af740;Safari;\n").unwrap();
        assert_eq!(q.flags, 0x83);
        assert_eq!(q.agent.as_deref(), Some("Safari"));
        assert_eq!(q.marked_at, Some(0x697a_f740));
        assert!(!q.user_approved);
        let c = parse("0083;5f3e8bc0;Chrome;XXXXXXXX").unwrap();
        assert_eq!(c.agent.as_deref(), Some("Chrome"));
        let none = parse("0083;00000000;Safari;").unwrap();
        assert_eq!(none.marked_at, None);
        let approved = parse("00c3;66f4a1b2;Safari;1B2C3D4E-0000-4000-8000-000000000000").unwrap();
        assert!(approved.user_approved);
        assert!(parse("").is_none());
        assert!(parse("not hex;1;x").is_none());
        assert!(is_absent(
            "xattr: /usr/local/bin/x: No such xattr: com.apple.quarantine\n"
        ));
    }
}
