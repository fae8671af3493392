//! A fixed-capacity ring of small `Copy` points: the oldest falls off when full.

/// Holds at most `capacity` points, allocated once, oldest first.
#[derive(Clone, Debug)]
pub(crate) struct Ring<T: Copy> {
    buf: Box<[T]>,
    /// Index of the oldest point.
    head: usize,
    len: usize,
}

impl<T: Copy> Ring<T> {
    /// A ring of `capacity` (at least 1) filled with `n` copies of `fill`.
    pub(crate) fn filled(capacity: usize, fill: T, n: usize) -> Self {
        let capacity = capacity.max(1);
        Ring {
            buf: vec![fill; capacity].into_boxed_slice(),
            head: 0,
            len: n.min(capacity),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn push(&mut self, v: T) {
        let cap = self.buf.len();
        if self.len < cap {
            self.buf[(self.head + self.len) % cap] = v;
            self.len += 1;
        } else {
            self.buf[self.head] = v;
            self.head = (self.head + 1) % cap;
        }
    }

    /// The newest point.
    pub fn last(&self) -> Option<T> {
        (self.len > 0).then(|| self.buf[(self.head + self.len - 1) % self.buf.len()])
    }

    /// Oldest to newest.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = T> + ExactSizeIterator + '_ {
        let cap = self.buf.len();
        (0..self.len).map(move |i| self.buf[(self.head + i) % cap])
    }
}

#[cfg(test)]
mod tests {
    use super::Ring;

    #[test]
    fn keeps_the_newest_capacity_points_in_order() {
        let mut r = Ring::filled(3, 0u8, 0);
        assert_eq!(r.len(), 0);
        assert_eq!(r.last(), None);
        for v in 1..=5 {
            r.push(v);
        }
        assert_eq!(r.iter().collect::<Vec<_>>(), vec![3, 4, 5]);
        assert_eq!(r.last(), Some(5));
        assert_eq!(r.len(), 3);
        let r = Ring::filled(4, 7u8, 9);
        assert_eq!(r.iter().collect::<Vec<_>>(), vec![7; 4]);
        let mut r = Ring::filled(0, 1u8, 0);
        r.push(2);
        r.push(3);
        assert_eq!(r.iter().collect::<Vec<_>>(), vec![3]);
    }
}
