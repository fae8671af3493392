//! A map kept as one vector sorted by key, for the per-process tables that
//! live between passes (the reader's entries, the WHY tracker's judgements).
//!
//! Why not a `HashMap`: at 5,000 processes a hash table at its usual load
//! holds 8,192 slots, a third of them empty, and doubling it holds both tables
//! at once: that transient alone was a quarter of whytop's peak heap. Here a
//! process costs its entry and nothing more, growth is exact, and lookups are a
//! binary search. Processes are listed in pid order, so entries are mostly
//! inserted in order (appended); the few that arrive out of order wait in an
//! unsorted tail until `settle`, which every pass calls once.

/// Out-of-order entries waiting in the tail before it is sorted in anyway.
const TAIL_MAX: usize = 32;

/// Sorted entries `[..sorted]`, then a short unsorted tail of new ones.
#[derive(Clone, Debug)]
pub(crate) struct SortedMap<K, V> {
    items: Vec<(K, V)>,
    sorted: usize,
    /// Where the last `get_mut` found its key: a pass looks its processes up in
    /// pid order, so the next one is most often here or just after.
    hint: usize,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            sorted: 0,
            hint: 0,
        }
    }
}

impl<K: Ord + Copy, V> SortedMap<K, V> {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Room for `additional` more entries: exactly that plus a sixteenth, so
    /// a table that grows by a few a pass is not copied every pass, and never
    /// doubled.
    pub(crate) fn reserve(&mut self, additional: usize) {
        let need = self.items.len() + additional;
        if need > self.items.capacity() {
            self.items
                .reserve_exact(need + need / 16 - self.items.len());
        }
    }

    fn position(&self, key: &K) -> Option<usize> {
        let sorted = &self.items[..self.sorted];
        for i in [self.hint, self.hint + 1] {
            if sorted.get(i).is_some_and(|(k, _)| k == key) {
                return Some(i);
            }
        }
        match sorted.binary_search_by(|(k, _)| k.cmp(key)) {
            Ok(i) => Some(i),
            Err(_) => self.items[self.sorted..]
                .iter()
                .position(|(k, _)| k == key)
                .map(|i| i + self.sorted),
        }
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        self.position(key).map(|i| &self.items[i].1)
    }

    pub(crate) fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        let i = self.position(key)?;
        self.hint = i;
        Some(&mut self.items[i].1)
    }

    /// Sets `key`'s value, returning the one it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        if let Some(i) = self.position(&key) {
            return Some(std::mem::replace(&mut self.items[i].1, value));
        }
        let in_order = self.sorted == self.items.len()
            && self.items.last().is_none_or(|(last, _)| *last < key);
        self.items.push((key, value));
        if in_order {
            self.sorted += 1;
        } else if self.items.len() - self.sorted > TAIL_MAX {
            // A storm of new processes: keep the linear part of lookups short.
            self.settle();
        }
        None
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let i = self.position(key)?;
        if i < self.sorted {
            self.sorted -= 1;
        }
        // `remove` keeps the order of both parts.
        Some(self.items.remove(i).1)
    }

    /// Keeps the entries `keep` says yes to, in place.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        let mut sorted_left = 0;
        let mut index = 0;
        let sorted = self.sorted;
        self.items.retain_mut(|(k, v)| {
            let kept = keep(k, v);
            if kept && index < sorted {
                sorted_left += 1;
            }
            index += 1;
            kept
        });
        self.sorted = sorted_left;
    }

    /// Sorts the tail in: lookups are binary searches again.
    pub fn settle(&mut self) {
        if self.sorted < self.items.len() {
            // In place (no buffer of half the table, as a stable sort takes):
            // keys are unique, so stability does not matter.
            self.items.sort_unstable_by_key(|(k, _)| *k);
            self.sorted = self.items.len();
        }
    }

    /// Gives back room left by processes that ended, once the table is much
    /// smaller than it was (a storm of short-lived processes passed).
    pub(crate) fn shrink_if_sparse(&mut self) {
        if self.items.capacity() > 64 && self.items.len() < self.items.capacity() / 2 {
            self.items.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[test]
    fn in_order_inserts_stay_sorted_without_settling() {
        let mut m = SortedMap::default();
        for k in [1u32, 5, 9] {
            m.insert(k, k * 10);
        }
        assert_eq!(m.sorted, 3);
        assert_eq!(m.get(&5), Some(&50));
        assert_eq!(m.get(&4), None);
    }

    #[test]
    fn out_of_order_inserts_are_found_before_and_after_settling() {
        let mut m = SortedMap::default();
        m.insert(10u32, 'a');
        m.insert(3, 'b');
        assert_eq!(m.get(&3), Some(&'b'));
        m.settle();
        assert_eq!(m.sorted, 2);
        assert_eq!(m.items.iter().map(|(k, _)| *k).collect::<Vec<_>>(), [3, 10]);
    }

    #[test]
    fn growth_is_exact() {
        let mut m = SortedMap::default();
        m.reserve(5000);
        for k in 0..5000u32 {
            m.insert(k, ());
        }
        assert_eq!(m.items.capacity(), 5000 + 5000 / 16);
    }

    #[derive(Clone, Debug)]
    enum Op {
        Insert(u16, u8),
        Remove(u16),
        RetainEven,
        Settle,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0u16..200, any::<u8>()).prop_map(|(k, v)| Op::Insert(k, v)),
            (0u16..200).prop_map(Op::Remove),
            Just(Op::RetainEven),
            Just(Op::Settle),
        ]
    }

    proptest! {
        /// Whatever the order of operations, it answers as a BTreeMap does.
        #[test]
        fn behaves_as_a_map(ops in proptest::collection::vec(op(), 0..300)) {
            let mut m = SortedMap::default();
            let mut model = BTreeMap::new();
            for op in ops {
                match op {
                    Op::Insert(k, v) => prop_assert_eq!(m.insert(k, v), model.insert(k, v)),
                    Op::Remove(k) => prop_assert_eq!(m.remove(&k), model.remove(&k)),
                    Op::RetainEven => {
                        m.retain(|_, v| *v % 2 == 0);
                        model.retain(|_, v| *v % 2 == 0);
                    }
                    Op::Settle => m.settle(),
                }
                prop_assert_eq!(m.len(), model.len());
                prop_assert!(m.items[..m.sorted].windows(2).all(|w| w[0].0 < w[1].0));
            }
            for k in 0u16..200 {
                prop_assert_eq!(m.get(&k), model.get(&k));
            }
        }
    }
}
