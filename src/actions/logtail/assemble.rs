//! Lines out of a byte stream in bounded memory: at most `limit` bytes of a
//! line are held, the rest only counted, whatever the writer sends.

pub(crate) struct Assembler {
    head: Vec<u8>,
    cut: u64,
    limit: usize,
}

impl Assembler {
    pub fn new(limit: usize) -> Assembler {
        Assembler {
            head: Vec::new(),
            cut: 0,
            limit,
        }
    }

    /// Takes `bytes`; `line(head, cut)` is called for each line they finish
    /// (without its newline).
    pub(crate) fn feed(&mut self, mut bytes: &[u8], mut line: impl FnMut(&[u8], u64)) {
        while let Some(i) = bytes.iter().position(|&b| b == b'\n') {
            self.take(&bytes[..i]);
            line(&self.head, self.cut);
            self.clear();
            bytes = &bytes[i + 1..];
        }
        self.take(bytes);
    }

    /// `n` bytes of the current line that are known but were not read.
    pub fn skip(&mut self, n: u64) {
        self.cut += n;
    }

    /// The unfinished line so far, if any.
    pub(crate) fn pending(&self) -> Option<(&[u8], u64)> {
        (!self.head.is_empty() || self.cut > 0).then_some((&self.head[..], self.cut))
    }

    pub fn clear(&mut self) {
        self.head.clear();
        self.cut = 0;
        // A long line's buffer is not kept around for the short ones after it.
        if self.head.capacity() > 4096 {
            self.head.shrink_to(4096);
        }
    }

    fn take(&mut self, b: &[u8]) {
        let n = (self.limit - self.head.len()).min(b.len());
        self.head.extend_from_slice(&b[..n]);
        self.cut += (b.len() - n) as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A line's kept bytes and how many were cut.
    type Cut = (Vec<u8>, u64);

    fn lines_of(chunks: &[Vec<u8>], limit: usize) -> (Vec<Cut>, Option<Cut>) {
        let mut a = Assembler::new(limit);
        let mut out = Vec::new();
        for c in chunks {
            a.feed(c, |h, cut| out.push((h.to_vec(), cut)));
            assert!(a.head.len() <= limit && a.head.capacity() <= 2 * limit.max(4096));
        }
        (out, a.pending().map(|(h, c)| (h.to_vec(), c)))
    }

    #[test]
    fn a_long_line_is_cut_and_counted() {
        let (lines, rest) = lines_of(&[b"abcdef\nxy".to_vec(), b"z\n12".to_vec()], 4);
        assert_eq!(lines, vec![(b"abcd".to_vec(), 2), (b"xyz".to_vec(), 0)]);
        assert_eq!(rest, Some((b"12".to_vec(), 0)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// However the stream is split, the lines are those of the whole, each
        /// cut at the limit with the rest counted.
        #[test]
        fn any_split_gives_the_lines_of_the_whole(
            data in proptest::collection::vec(prop_oneof![Just(b'\n'), any::<u8>()], 0..400),
            cuts in proptest::collection::vec(0usize..400, 0..8),
            limit in 1usize..40,
        ) {
            let mut at: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
            at.sort_unstable();
            let mut chunks = Vec::new();
            let mut from = 0;
            for c in at.into_iter().chain([data.len()]) {
                chunks.push(data[from..c].to_vec());
                from = c;
            }
            let (lines, rest) = lines_of(&chunks, limit);
            let mut parts: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
            let last = parts.pop().unwrap();
            let want: Vec<Cut> = parts
                .iter()
                .map(|p| (p[..p.len().min(limit)].to_vec(), p.len().saturating_sub(limit) as u64))
                .collect();
            prop_assert_eq!(lines, want);
            let want_rest = (!last.is_empty()).then(|| {
                (last[..last.len().min(limit)].to_vec(), last.len().saturating_sub(limit) as u64)
            });
            prop_assert_eq!(rest, want_rest);
        }
    }
}
