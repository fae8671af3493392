//! The last lines of a file, found by reading backwards from its end in
//! chunks: no fixed window, so lines of any length count, and only their
//! offsets are held.

use std::fs::File;
use std::os::unix::fs::FileExt;

const CHUNK: usize = 64 * 1024;

/// Where a line sits: `start..end`, its newline not included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: u64,
    pub end: u64,
}

/// The last `n` lines of the first `len` bytes of `f`, oldest first. A last
/// line without a newline counts as a line.
pub(crate) fn last_lines(f: &File, len: u64, n: usize) -> std::io::Result<Vec<Span>> {
    scan(f, len, n, CHUNK)
}

fn scan(f: &File, len: u64, n: usize, chunk_size: usize) -> std::io::Result<Vec<Span>> {
    let mut out = Vec::new();
    if n == 0 || len == 0 {
        return Ok(out);
    }
    let mut buf = vec![0u8; chunk_size];
    let mut last = [0u8; 1];
    f.read_exact_at(&mut last, len - 1)?;
    // The end of the line being looked at, and how far back has been read.
    let mut end = if last[0] == b'\n' { len - 1 } else { len };
    let mut pos = end;
    while pos > 0 {
        let from = pos.saturating_sub(chunk_size as u64);
        let chunk = &mut buf[..(pos - from) as usize];
        f.read_exact_at(chunk, from)?;
        let mut upto = chunk.len();
        while let Some(i) = chunk[..upto].iter().rposition(|&b| b == b'\n') {
            out.push(Span {
                start: from + i as u64 + 1,
                end,
            });
            if out.len() == n {
                out.reverse();
                return Ok(out);
            }
            end = from + i as u64;
            upto = i;
        }
        pos = from;
    }
    out.push(Span { start: 0, end });
    out.reverse();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;

    fn lines_in(data: &[u8], n: usize) -> Vec<Vec<u8>> {
        lines_by(data, n, CHUNK)
    }

    fn lines_by(data: &[u8], n: usize, chunk: usize) -> Vec<Vec<u8>> {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(data).unwrap();
        scan(&f, data.len() as u64, n, chunk)
            .unwrap()
            .iter()
            .map(|s| data[s.start as usize..s.end as usize].to_vec())
            .collect()
    }

    #[test]
    fn lines_longer_than_a_chunk() {
        let mut data = b"one\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', 3 * CHUNK + 5));
        data.extend_from_slice(b"\ntwo");
        let got = lines_in(&data, 3);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], b"one");
        assert_eq!(got[1].len(), 3 * CHUNK + 5);
        assert_eq!(got[2], b"two");
        assert_eq!(lines_in(b"\n", 5), vec![b"".to_vec()]);
        assert_eq!(lines_in(b"a\n\nb\n", 2), vec![b"".to_vec(), b"b".to_vec()]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn the_last_lines_as_split_says(
            data in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'a'), any::<u8>()], 0..300),
            n in 0usize..12,
            chunk in 1usize..20,
        ) {
            let mut want: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
            if want.last().is_some_and(|l| l.is_empty()) {
                want.pop(); // what follows a final newline is no line
            }
            let want: Vec<Vec<u8>> = want[want.len().saturating_sub(n)..].iter().map(|l| l.to_vec()).collect();
            prop_assert_eq!(lines_by(&data, n, chunk), want);
        }
    }
}
