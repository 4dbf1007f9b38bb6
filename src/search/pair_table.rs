//! A map of pairs of ids to ids, emptied at no cost: the bigram ids of one page.
//!
//! Takes: pairs of `u32` (worker-local fold indexes of [`super::terms`]), each with the value
//! it gets if new.
//! Gives: the value each pair got first since the table was last emptied.
//! Must not: give back a pair of an earlier page after [`PairTable::clear`] (not even when the
//! generation counter wraps), nor write every slot at each clear (a page has hundreds of
//! bigrams, and the table keeps the size of the largest page).

/// A map of pairs of ids to ids for one page, emptied after each page at no cost: a slot
/// belongs to the page whose generation it holds. Open addressing with linear probing,
/// at most half full. (Cheaper than a `HashMap`, which hashed the pair and probed in groups.)
#[derive(Default)]
pub(super) struct PairTable {
    /// (generation, first, second, value).
    slots: Vec<[u32; 4]>,
    /// The current page's generation (never 0, the generation of a slot never used).
    generation: u32,
    /// Entries of this generation.
    len: usize,
    /// 64 − log2(slots): a hash's top bits name its slot.
    shift: u32,
}

impl PairTable {
    /// The value of `(a, b)`, or `value` after inserting it. When the table must grow,
    /// `refill` gets it emptied and larger, to insert every entry again (the caller keeps
    /// them in order).
    #[inline]
    pub(super) fn get_or_insert(
        &mut self,
        a: u32,
        b: u32,
        value: u32,
        refill: impl FnOnce(&mut PairTable),
    ) -> u32 {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
            refill(self);
        }
        let mask = self.slots.len() - 1;
        let key = (u64::from(a) << 32) | u64::from(b);
        let mut at = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize;
        loop {
            let slot = &mut self.slots[at];
            if slot[0] != self.generation {
                *slot = [self.generation, a, b, value];
                self.len += 1;
                return value;
            }
            if slot[1] == a && slot[2] == b {
                return slot[3];
            }
            at = (at + 1) & mask;
        }
    }

    /// Twice the slots (at least 1,024), all empty.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        self.slots = vec![[0; 4]; size];
        self.shift = 64 - size.trailing_zeros();
        self.generation = 1;
        self.len = 0;
    }

    /// Empties the table (a new generation).
    pub(super) fn clear(&mut self) {
        self.len = 0;
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.slots.fill([0; 4]);
            self.generation = 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pair_table_maps_each_pair_to_its_first_value_page_by_page() {
        let mut table = PairTable::default();
        let mut kept: Vec<(u32, u32)> = Vec::new();
        // Enough pairs to grow the table twice, with pairs that share either id.
        let pairs: Vec<(u32, u32)> = (0..3000u32).map(|n| (n % 97, n / 97)).collect();
        for page in 0..3 {
            kept.clear();
            for round in 0..2 {
                for &(a, b) in &pairs {
                    let next = kept.len() as u32;
                    let got = table.get_or_insert(a, b, next, |t| {
                        for (id, &(a, b)) in kept.iter().enumerate() {
                            t.get_or_insert(a, b, id as u32, |_| {});
                        }
                    });
                    if round == 0 {
                        assert_eq!(got, next, "page {page}: ({a}, {b}) is new");
                        kept.push((a, b));
                    } else {
                        let first = kept.iter().position(|&p| p == (a, b));
                        assert_eq!(Some(got as usize), first, "page {page}: ({a}, {b})");
                    }
                }
            }
            table.clear();
        }
        // A pair of generation 1, then 2^32 − 2 pages later the counter wraps: it must not
        // come back when generation 1 does.
        let mut table = PairTable::default();
        assert_eq!(table.get_or_insert(1, 2, 7, |_| {}), 7);
        table.generation = u32::MAX;
        table.clear();
        table.clear();
        assert_eq!(table.get_or_insert(1, 2, 8, |_| {}), 8, "a pair of an old page came back");
    }
}
