//! Decoder of `/proc/PID/statm`. Its resident size is the exact sum of the
//! kernel's per-CPU counters, as `status`'s VmRSS is (and htop and ps show);
//! `stat`'s field 24 reads only the shared part of those counters and runs
//! low, most of all for large, multi-threaded processes.

/// Resident pages: the second of statm's numbers.
#[cfg(test)]
pub(crate) fn parse_resident_pages(buf: &[u8]) -> Option<u64> {
    parse_resident_shared(buf).map(|(r, _)| r)
}

/// Resident and shared pages: the second and third of statm's numbers (the
/// third is htop's SHR: file-backed and shmem pages). A line cut short after
/// the resident figure gives 0 shared.
pub(crate) fn parse_resident_shared(buf: &[u8]) -> Option<(u64, u64)> {
    let mut it = std::str::from_utf8(buf).ok()?.split_ascii_whitespace();
    let resident = it.nth(1)?.parse().ok()?;
    let shared = it.next().and_then(|v| v.parse().ok()).unwrap_or(0);
    Some((resident, shared))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn resident_is_the_second_number() {
        assert_eq!(parse_resident_pages(b"2990 410 376 5 0 77 0\n"), Some(410));
        assert_eq!(parse_resident_pages(b"2990"), None);
        assert_eq!(parse_resident_pages(b"1 x 3"), None);
        assert_eq!(parse_resident_pages(b""), None);
        assert_eq!(
            parse_resident_shared(b"2990 410 376 5 0 77 0\n"),
            Some((410, 376))
        );
        assert_eq!(parse_resident_shared(b"2990 410"), Some((410, 0)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn never_panics(raw in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = parse_resident_pages(&raw);
        }

        #[test]
        fn reads_back_what_the_kernel_writes(f in proptest::array::uniform7(any::<u64>())) {
            let line = format!("{} {} {} {} {} {} {}\n", f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
            prop_assert_eq!(parse_resident_pages(line.as_bytes()), Some(f[1]));
        }
    }
}
