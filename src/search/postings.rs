//! The postings of the site: each page's terms, merged in id order.
//!
//! Takes: docs in id order.
//! Gives: [`AllPostings`], the postings of folded syllables per spelling, of folded bigrams, and
//! trigram positions, each encoded with [`encode::push_number`] (cut into shard files by
//! [`super::shards`]).
//! Must not: hold anything that depends on thread scheduling (chunks are merged in id order;
//! the pages' terms come from [`super::terms`], whose worker ids are mapped to index ids here,
//! in doc order).
//!
//! A posting is `doc delta, weight` (the weight of [`super::terms`]). A positions entry is
//! `doc delta, count, position deltas…` (a position as in [`super::terms`]). A trigram never
//! spans punctuation, and two trigrams of a page at indexes `i` and `i + 1` share two tokens, so
//! a chain of them lies in one segment: that is how phrases of three or more syllables are
//! checked exactly. Trigrams (not bigrams) carry positions because they are much rarer, so a
//! long query downloads far less.

use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::doc::{FxMap, SearchDoc};
use super::encode;
use super::terms::{DocTerms, Handed, Worker, doc_terms};

/// Docs tokenised in parallel per chunk, merged in order (bounds memory on large sites).
const CHUNK: usize = 128;

/// Largest block of a list's text. A list longer than this is kept as blocks of about this
/// size, so a growing list is never copied whole again: with one string grown by a quarter at
/// a time, every byte of the long lists was copied about four times, into fresh memory.
/// 4 KiB, not more: mimalloc keeps blocks of up to 8 KiB in the same 64 KiB pages as the
/// page bodies that rendering frees while the postings grow, so the lists reuse that memory.
/// Blocks of 32 KiB went to pages of another kind, and the build took fresh memory for them
/// while the bodies' was given back.
const BLOCK: usize = 4 * 1024;

/// One encoded list, built in doc order: full blocks, then the block being written (all
/// plain ASCII).
#[derive(Default)]
pub(super) struct Postings {
    last: u32,
    pub(super) full: Blocks,
    pub(super) tail: Vec<u8>,
}

/// The full blocks of a list: none for nearly every list, so a pointer (8 bytes in each of
/// the million lists of a large site, where an empty `Vec` took 24).
#[derive(Default)]
#[allow(clippy::box_collection, reason = "the box is the point: one pointer in place of a Vec")]
pub(super) struct Blocks(Option<Box<Vec<Vec<u8>>>>);

impl Blocks {
    fn push(&mut self, block: Vec<u8>) {
        self.0.get_or_insert_with(Box::default).push(block);
    }

    pub(super) fn iter(&self) -> std::slice::Iter<'_, Vec<u8>> {
        self.0.as_deref().map_or([].iter(), |v| v.iter())
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |v| v.len())
    }

    #[cfg(test)]
    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Postings {
    /// How many numbers the list holds (each ends with a digit of `FINAL_DIGITS`, a lowercase
    /// letter or a decimal digit; the earlier digits are uppercase, `w`–`z`, `-` or `_`).
    pub(super) fn count_numbers(&self) -> u32 {
        let last = |b: &u8| b.is_ascii_digit() || (b'a'..=b'v').contains(b);
        self.full
            .iter()
            .chain([&self.tail])
            .map(|block| block.iter().filter(|b| last(b)).count() as u32)
            .sum()
    }

    /// Room for `more` bytes in the tail. A tail grows by doubling up to [`BLOCK`]; a list
    /// that outgrows it starts a new block. (Growing by a quarter, to hold less spare room,
    /// reallocated far more often: more time than the memory it saved was worth.)
    #[inline]
    fn reserve(&mut self, more: usize) {
        if self.tail.capacity() - self.tail.len() < more {
            self.grow(more);
        }
    }

    /// The rare part of [`Postings::reserve`]: a new block, or more room in the tail.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, more: usize) {
        let len = self.tail.len();
        if len > 0 && len + more > BLOCK {
            let full = std::mem::replace(&mut self.tail, Vec::with_capacity(BLOCK.max(more)));
            self.full.push(full);
            return;
        }
        let want = (len + len.max(more).max(16)).min(BLOCK).max(len + more);
        self.tail.reserve_exact(want - len);
    }

    #[inline]
    pub(super) fn push(&mut self, doc: u32, weight: u32) {
        // Two numbers of at most 7 digits each.
        self.reserve(14);
        encode::push_number_bytes(&mut self.tail, doc - self.last);
        encode::push_number_bytes(&mut self.tail, weight);
        self.last = doc;
    }

    pub(super) fn len(&self) -> usize {
        self.full.iter().map(Vec::len).sum::<usize>() + self.tail.len()
    }
}

/// [`Spellings`](super::shards::Spellings) while merging, by tone id: a fold has one to a few
/// spellings. A sorted map compared strings and counted references for every term of every
/// page.
pub(super) type SpellingList = Vec<(u32, Postings)>;

fn spelling(list: &mut SpellingList, tone: u32) -> &mut Postings {
    let at = match list.iter().position(|(t, _)| *t == tone) {
        Some(at) => at,
        None => {
            list.push((tone, Postings::default()));
            list.len() - 1
        }
    };
    &mut list[at].1
}

/// Records, for worker `w`, the index ids (`id`) of the keys it handed over.
fn learn(map: &mut Vec<Vec<u32>>, w: usize, handed: &Handed, mut id: impl FnMut(&Arc<str>) -> u32) {
    if map.len() <= w {
        map.resize_with(w + 1, Vec::new);
    }
    let (start, keys) = handed;
    let start = *start as usize;
    let ids = &mut map[w];
    if ids.len() < start + keys.len() {
        ids.resize(start + keys.len(), 0);
    }
    for (slot, key) in ids[start..].iter_mut().zip(keys) {
        *slot = id(key);
    }
}

/// A bigram's key: its two fold ids as one integer (hashed in one step, where a pair of
/// integers is hashed in two).
#[inline]
fn pair(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// A trigram's key: its three fold ids as one integer (hashed in one step, where an array is
/// hashed as its length and then its bytes).
#[inline]
fn triple([a, b, c]: [u32; 3]) -> u128 {
    (u128::from(a) << 64) | (u128::from(b) << 32) | u128::from(c)
}

/// A key's id in `list`, added if new.
fn key_id(ids: &mut FxMap<Arc<str>, u32>, list: &mut Vec<Arc<str>>, key: &Arc<str>) -> u32 {
    if let Some(&id) = ids.get(key) {
        return id;
    }
    list.push(key.clone());
    ids.insert(key.clone(), list.len() as u32 - 1);
    list.len() as u32 - 1
}

/// All postings of the site (hash maps while merging; shard files sort their keys).
#[derive(Default)]
pub struct AllPostings {
    /// fold key → id, an index into `folds`.
    fold_ids: FxMap<Arc<str>, u32>,
    /// fold key, and its postings per tone key (empty for stop words).
    pub(super) folds: Vec<(Arc<str>, SpellingList)>,
    /// (fold id, fold id), as one integer ([`pair`]) → postings.
    pub(super) bigrams: FxMap<u64, Postings>,
    /// fold ids, as one integer ([`triple`]) → positions.
    pub(super) trigrams: FxMap<u128, Postings>,
    /// Per worker slot: worker fold id → fold id.
    worker_folds: Vec<Vec<u32>>,
    /// tone key → id, an index into `tones`.
    tone_ids: FxMap<Arc<str>, u32>,
    pub(super) tones: Vec<Arc<str>>,
    /// Per worker slot: worker tone id → tone id.
    worker_tones: Vec<Vec<u32>>,
    /// The same two maps (at index 0) for a worker of its own, made for one page (see
    /// `build`): each such page is mapped alone, before the next one's ids replace its own.
    lone_folds: Vec<Vec<u32>>,
    lone_tones: Vec<Vec<u32>>,
}

/// Tokenises every doc (in parallel) and merges the postings in id order; `None` when
/// `cancelled()` turns true (checked between chunks). Each doc's text is dropped once it is
/// tokenised (on a large site the texts are a tenth of the memory), the rest is kept.
/// `beside(k, n)` runs once for each `k` in `0..n`, in order, alongside chunk `k`'s
/// tokenising (`n` chunks in all). `each_text(id, doc)` sees each doc, with its text, just
/// before it is tokenised (the text files of the excerpts are made there, in parallel).
pub fn build(
    docs: &mut [SearchDoc],
    cancelled: &(dyn Fn() -> bool + Sync),
    beside: &(dyn Fn(usize, usize) + Sync),
    each_text: &(dyn Fn(u32, &SearchDoc) + Sync),
) -> Option<AllPostings> {
    let mut built = AllPostings::default();
    let mut chunks: Vec<&mut [SearchDoc]> = docs.chunks_mut(CHUNK).collect();
    // One worker (memo and scratch maps) per pool thread for the whole build: rayon splits a
    // chunk into many jobs, and a worker per job would learn the vocabulary again each time.
    let threads = rayon::current_num_threads();
    let workers: Vec<Mutex<Worker>> = (0..=threads).map(|_| Mutex::default()).collect();
    let tokenize = |c: usize, chunk: &mut [SearchDoc]| -> Vec<DocTerms> {
        let terms = chunk
            .par_iter()
            .enumerate()
            .map(|(k, d)| {
                each_text((c * CHUNK + k) as u32, d);
                let slot = rayon::current_thread_index().map_or(threads, |i| i.min(threads));
                // doc_terms starts no parallel work, so a thread never finds its own worker
                // locked; a fresh worker covers any other case.
                match workers[slot].try_lock() {
                    Ok(mut worker) => doc_terms(&mut worker, Some(slot), d),
                    Err(_) => doc_terms(&mut Worker::default(), None, d),
                }
            })
            .collect();
        for d in chunk.iter_mut() {
            d.text = Arc::default();
        }
        terms
    };
    // A pipeline: chunk c + 1 is tokenised while chunk c is merged.
    let mut pending: Option<(usize, Vec<DocTerms>)> = None;
    let n = chunks.len();
    for c in 0..=n {
        if cancelled() {
            return None;
        }
        let ready = pending.take();
        let (next, ()) = rayon::join(
            || chunks.get_mut(c).map(|chunk| tokenize(c, chunk)),
            || {
                let merge = || {
                    if let Some((done, terms)) = ready {
                        built.merge((done * CHUNK) as u32, terms);
                    }
                };
                rayon::join(merge, || {
                    if c < n {
                        beside(c, n)
                    }
                });
            },
        );
        pending = next.map(|terms| (c, terms));
    }
    Some(built)
}

impl AllPostings {
    /// Records the index ids of the fold and tone keys that `t`'s worker handed over with it.
    fn learn(&mut self, t: &DocTerms) {
        let AllPostings {
            fold_ids,
            folds,
            worker_folds,
            tone_ids,
            tones,
            worker_tones,
            lone_folds,
            lone_tones,
            ..
        } = self;
        let (fold_map, tone_map, w) = match t.worker {
            Some(w) => (worker_folds, worker_tones, w),
            None => (lone_folds, lone_tones, 0),
        };
        learn(fold_map, w, &t.new_folds, |k| {
            if let Some(&id) = fold_ids.get(k) {
                return id;
            }
            folds.push((k.clone(), Vec::new()));
            fold_ids.insert(k.clone(), folds.len() as u32 - 1);
            folds.len() as u32 - 1
        });
        learn(tone_map, w, &t.new_tones, |k| key_id(tone_ids, tones, k));
    }

    /// Adds the terms of docs `first`, `first + 1`, …: fold ids are given in doc order, then
    /// unigrams, bigrams and trigrams (separate maps) are merged in parallel, each in doc order.
    fn merge(&mut self, first: u32, terms: Vec<DocTerms>) {
        // Every page's new keys first: a worker may have met a key on a later page of the
        // chunk and used it on an earlier one.
        for t in terms.iter().filter(|t| t.worker.is_some()) {
            self.learn(t);
        }
        // Per page: its fold indexes' ids, and its unigrams' tone ids.
        let maps: Vec<(Vec<u32>, Vec<u32>)> = terms
            .iter()
            .map(|t| {
                let (folds, tones) = match t.worker {
                    Some(w) => (&self.worker_folds[w], &self.worker_tones[w]),
                    // A worker of its own handed over all its keys with its one page.
                    None => {
                        self.learn(t);
                        (&self.lone_folds[0], &self.lone_tones[0])
                    }
                };
                (
                    t.folds.iter().map(|&f| folds[f as usize]).collect(),
                    t.unigrams.iter().map(|&(_, tone, _)| tones[tone as usize]).collect(),
                )
            })
            .collect();
        let AllPostings { folds, bigrams, trigrams, .. } = self;
        let docs = || terms.iter().zip(maps.iter().map(|(ids, _)| ids)).zip(first..);
        rayon::join(
            || {
                for (((t, ids), doc), (_, tones)) in docs().zip(&maps) {
                    for (&(l, _, w), &tone) in t.unigrams.iter().zip(tones) {
                        spelling(&mut folds[ids[l as usize] as usize].1, tone).push(doc, w);
                    }
                }
            },
            || {
                rayon::join(
                    || {
                        for ((t, ids), doc) in docs() {
                            for &(a, b, w) in &t.bigrams {
                                bigrams
                                    .entry(pair(ids[a as usize], ids[b as usize]))
                                    .or_default()
                                    .push(doc, w);
                            }
                        }
                    },
                    || {
                        for ((t, ids), doc) in docs() {
                            let mut positions = t.positions.as_slice();
                            for &(key, count) in &t.trigrams {
                                let (run, rest) = positions.split_at(count as usize);
                                positions = rest;
                                let p = trigrams.entry(triple(key.map(|l| ids[l as usize]))).or_default();
                                p.push(doc, count);
                                p.reserve(7 * run.len());
                                let mut last = 0;
                                for &pos in run {
                                    encode::push_number_bytes(&mut p.tail, pos - last);
                                    last = pos;
                                }
                            }
                        }
                    },
                )
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::search::terms::tests::doc;

    /// The shard files of `built`, by kind and number.
    fn files(built: AllPostings) -> Vec<(String, u32, Vec<u8>)> {
        let out = Mutex::new(Vec::new());
        built.write_shards(2, 1, &|kind, n, bytes| out.lock().unwrap().push((kind.to_string(), n, bytes)));
        let mut out = out.into_inner().unwrap();
        out.sort();
        out
    }

    /// Merges `docs` in id order, each tokenised by the worker `assign` names (`Some(slot)`:
    /// a shared worker, in the order given by `order`; `None`: a worker of its own).
    fn merged(docs: &[SearchDoc], order: &[usize], assign: impl Fn(usize) -> Option<usize>) -> AllPostings {
        let mut workers: Vec<Worker> = (0..2).map(|_| Worker::default()).collect();
        let mut terms: Vec<Option<DocTerms>> = docs.iter().map(|_| None).collect();
        for &i in order {
            terms[i] = Some(match assign(i) {
                Some(slot) => doc_terms(&mut workers[slot], Some(slot), &docs[i]),
                None => doc_terms(&mut Worker::default(), None, &docs[i]),
            });
        }
        let mut built = AllPostings::default();
        built.merge(0, terms.into_iter().map(|t| t.unwrap()).collect());
        built
    }

    #[test]
    fn a_list_kept_in_blocks_serialises_as_one_string() {
        // Numbers of one, two and three digits; enough of them to fill several blocks.
        let mut list = Postings::default();
        let mut expected = String::new();
        let mut last = 0;
        for doc in 0..40_000u32 {
            let doc = doc * 8 + doc % 7;
            let weight = (doc * 37) % 2_000;
            list.push(doc, weight);
            encode::push_number(&mut expected, doc - last);
            encode::push_number(&mut expected, weight);
            last = doc;
        }
        assert!(list.full.len() >= 3, "the test must cross blocks: {} full", list.full.len());
        assert!(list.full.iter().all(|b| b.len() <= BLOCK));
        assert_eq!(list.len(), expected.len());
        assert_eq!(serde_json::to_string(&list).unwrap(), serde_json::to_string(&expected).unwrap());
    }

    #[test]
    fn postings_do_not_depend_on_which_worker_met_a_key_first() {
        let docs = [
            doc("Một", "Khuyến học, khuyến tài: xây dựng xã hội học tập suốt đời."),
            doc("Hai", "Học tập suốt đời là nhiệm vụ của mỗi gia đình học tập."),
            doc("Ba", "Gia đình học tập, dòng họ học tập, cộng đồng học tập; khuyến học."),
            doc("Bốn", "Dòng họ khuyến học và xã hội học tập; bài toán hóc búa, hoà hợp, HỌC."),
        ];
        let one_worker = files(merged(&docs, &[0, 1, 2, 3], |_| Some(0)));
        // Later pages first: the keys of page 0 are first met on pages 2 and 3.
        assert_eq!(files(merged(&docs, &[3, 2, 1, 0], |_| Some(0))), one_worker);
        assert_eq!(files(merged(&docs, &[2, 0, 3, 1], |i| Some(i % 2))), one_worker);
        assert_eq!(files(merged(&docs, &[0, 1, 2, 3], |i| (i != 1).then_some(1))), one_worker);
        assert_eq!(files(merged(&docs, &[3, 1, 2, 0], |i| (i % 2 == 1).then_some(0))), one_worker);
        assert_eq!(files(merged(&docs, &[1, 3, 0, 2], |_| None)), one_worker);
        assert!(
            one_worker.iter().any(|(kind, _, bytes)| kind == "p" && bytes.len() > 10),
            "positions written"
        );
    }
}
