//! The excerpt texts, packed: `x/<n>.bin` holds the gzip files of pages `n*XCHUNK ..
//! n*XCHUNK + XCHUNK`, one after the other, and each page's row in `d/` says where its own
//! starts and how long it is. One file a page made 10,000 files of a 10,000-article site;
//! `search.js` asks for a page's bytes with a `Range` request (one request a result, as before)
//! and slices the whole pack when a server sends it whole.
//!
//! Takes: each page's gzip bytes, by doc id, in any order and from any thread.
//! Gives: each pack's bytes as soon as its last page has come (the caller names and emits it),
//! then every page's `(offset, length)` in its pack.
//! Must not: hold more than the packs still waiting for a page (pages come about in id order,
//! so a few), or depend on the order the pages come in (same pages → same bytes).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// Where a page's gzip bytes are in its pack: byte offset, length.
pub type Span = (u32, u32);

/// Packs the pages of `docs` pages, `per` pages a pack.
pub struct Packer {
    docs: u32,
    per: u32,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The packs waiting for a page: their pages' bytes so far, by place in the pack.
    waiting: HashMap<u32, Vec<Option<Vec<u8>>>>,
    /// Every page's span, once its pack is made.
    spans: Vec<Span>,
}

impl Packer {
    /// A packer for pages `0..docs`, `per` (at least 1) to a pack.
    pub fn new(docs: usize, per: usize) -> Packer {
        let state = State { waiting: HashMap::new(), spans: vec![(0, 0); docs] };
        Packer { docs: docs as u32, per: per.max(1) as u32, state: Mutex::new(state) }
    }

    /// The pack that holds page `id`.
    pub fn pack_of(&self, id: u32) -> u32 {
        id / self.per
    }

    /// Takes page `id`'s bytes; gives `(pack number, pack bytes)` when they complete a pack.
    /// Each id is given once.
    pub fn add(&self, id: u32, bytes: Vec<u8>) -> Option<(u32, Vec<u8>)> {
        let pack = self.pack_of(id);
        let first = pack * self.per;
        let size = (self.docs - first).min(self.per) as usize;
        let members = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            let slots = state.waiting.entry(pack).or_insert_with(|| vec![None; size]);
            slots[(id - first) as usize] = Some(bytes);
            if slots.iter().any(Option::is_none) {
                return None;
            }
            state.waiting.remove(&pack).unwrap_or_default()
        };
        // Made outside the lock: the other threads go on adding pages meanwhile.
        let mut out = Vec::with_capacity(members.iter().flatten().map(Vec::len).sum());
        let mut spans = Vec::with_capacity(members.len());
        for member in members.into_iter().flatten() {
            spans.push((out.len() as u32, member.len() as u32));
            out.extend_from_slice(&member);
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.spans[first as usize..first as usize + spans.len()].copy_from_slice(&spans);
        Some((pack, out))
    }

    /// Every page's span; `None` when a pack is still waiting for a page (a build cancelled
    /// midway).
    pub fn spans(self) -> Option<Vec<Span>> {
        let state = self.state.into_inner().unwrap_or_else(PoisonError::into_inner);
        state.waiting.is_empty().then_some(state.spans)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(id: u32) -> Vec<u8> {
        vec![id as u8; id as usize + 1]
    }

    #[test]
    fn a_pack_is_made_when_its_last_page_comes_in_any_order() {
        let packer = Packer::new(7, 3);
        let mut made = Vec::new();
        for id in [4, 0, 2, 6, 1, 5, 3] {
            if let Some(pack) = packer.add(id, page(id)) {
                made.push(pack);
            }
        }
        // The last pack (one page) as soon as page 6 came, then pages 0–2 and 3–5, each in id
        // order.
        let (first, second) = ([page(0), page(1), page(2)].concat(), [page(3), page(4), page(5)].concat());
        assert_eq!(made, vec![(2, page(6)), (0, first), (1, second)]);
        let spans = packer.spans().expect("every pack made");
        assert_eq!(spans, vec![(0, 1), (1, 2), (3, 3), (0, 4), (4, 5), (9, 6), (0, 7)]);
    }

    #[test]
    fn same_pages_in_another_order_give_the_same_bytes() {
        let run = |order: &[u32]| {
            let packer = Packer::new(5, 2);
            let mut made: Vec<(u32, Vec<u8>)> =
                order.iter().filter_map(|&id| packer.add(id, page(id))).collect();
            made.sort();
            (made, packer.spans())
        };
        assert_eq!(run(&[0, 1, 2, 3, 4]), run(&[4, 3, 2, 1, 0]));
    }

    #[test]
    fn an_unfinished_pack_gives_no_spans() {
        let packer = Packer::new(4, 2);
        assert!(packer.add(0, page(0)).is_none());
        assert!(packer.spans().is_none());
        assert_eq!(Packer::new(0, 2).spans(), Some(vec![]));
    }
}
