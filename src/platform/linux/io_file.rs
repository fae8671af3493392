//! Decoders of `/proc/PID/io` and `/proc/PID/oom_score`, read only while a
//! column shows them (the I/O file is another user's to read only as root).

use crate::model::IoBytes;

/// `read_bytes` and `write_bytes`: what the process caused to be fetched from
/// and sent to storage (not `rchar`/`wchar`, which count cache hits and pipes).
pub(crate) fn parse_io(buf: &[u8]) -> Option<IoBytes> {
    let text = std::str::from_utf8(buf).ok()?;
    let (mut read, mut write) = (None, None);
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let slot = match key {
            "read_bytes" => &mut read,
            "write_bytes" => &mut write,
            _ => continue,
        };
        *slot = Some(value.trim().parse().ok()?);
    }
    Some(IoBytes {
        read: read?,
        write: write?,
    })
}

/// The one number of `oom_score`.
pub(crate) fn parse_oom_score(buf: &[u8]) -> Option<u16> {
    std::str::from_utf8(buf).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_and_write_bytes_of_a_live_file() {
        let io = b"rchar: 5313\nwchar: 112\nsyscr: 12\nsyscw: 2\nread_bytes: 81920\nwrite_bytes: 4096\ncancelled_write_bytes: 0\n";
        assert_eq!(
            parse_io(io),
            Some(IoBytes {
                read: 81920,
                write: 4096
            })
        );
        assert_eq!(parse_io(b"rchar: 1\n"), None, "no storage figures");
        assert_eq!(parse_io(b"read_bytes: x\nwrite_bytes: 1\n"), None);
        assert_eq!(parse_io(b""), None);
        assert_eq!(parse_oom_score(b"666\n"), Some(666));
        assert_eq!(parse_oom_score(b"-1\n"), None);
    }
}
