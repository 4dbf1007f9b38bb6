//! Per-page terms and the merged postings, cut into shards.
//!
//! Takes: docs in id order.
//! Gives: postings of folded syllables per spelling, of folded bigrams, and trigram positions,
//! each encoded with [`encode::push_number`], and their shard files.
//! Must not: emit anything that depends on thread scheduling (chunks are merged in id order;
//! the per-worker key cache only memoises the pure `vi::fold` and `vi::tone_key`).
//!
//! A posting is `doc delta, weight`; the weight is a bit set: bits 0–2 the count in the body
//! (capped at [`BODY_TF_MAX`]), then [`IN_SUMMARY`], [`IN_TAGS`], [`IN_TITLE`].
//! A positions entry is `doc delta, count, position deltas…` where a position is
//! `index << 2 | field` (0 body, 1 summary, 2 tags, 3 title) and the index counts tokens over
//! title, tags, summary, body; a trigram's index is that of its first token. A trigram never
//! spans punctuation, and two trigrams of a page at indexes `i` and `i + 1` share two tokens, so
//! a chain of them lies in one segment: that is how phrases of three or more syllables are
//! checked exactly. Trigrams (not bigrams) carry positions because they are much rarer, so a
//! long query downloads far less.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex};

use rayon::prelude::*;
#[cfg(test)]
use serde::{Serialize, Serializer};

use super::tokenize::{Piece, Rule, pieces, rule};
use super::{STOP_WORDS, SearchDoc, encode};
use crate::vi;

/// Highest body count a weight records.
pub const BODY_TF_MAX: u32 = 7;
/// Weight bit: the term is in the summary.
pub const IN_SUMMARY: u32 = 8;
/// Weight bit: the term is in a tag.
pub const IN_TAGS: u32 = 16;
/// Weight bit: the term is in the title.
pub const IN_TITLE: u32 = 32;

/// Docs tokenised in parallel per chunk, merged in order (bounds memory on large sites).
const CHUNK: usize = 128;

static STOP: LazyLock<HashSet<&'static str>> = LazyLock::new(|| STOP_WORDS.iter().copied().collect());

/// foldhash with a fixed seed: the keys are an author's own words, so no flooding defence is
/// needed, and hashing dominated the index time of large sites (SipHash, then a byte-wise Fx).
type FxMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

#[derive(Clone, Copy)]
enum Field {
    Body,
    Summary,
    Tags,
    Title,
}

impl Field {
    fn code(self) -> u32 {
        match self {
            Field::Body => 0,
            Field::Summary => 1,
            Field::Tags => 2,
            Field::Title => 3,
        }
    }
}

#[derive(Default, Clone, Copy)]
struct Weight {
    bits: u32,
    body: u32,
}

impl Weight {
    fn add(&mut self, field: Field) {
        match field {
            Field::Body => self.body += 1,
            Field::Summary => self.bits |= IN_SUMMARY,
            Field::Tags => self.bits |= IN_TAGS,
            Field::Title => self.bits |= IN_TITLE,
        }
    }

    fn value(self) -> u32 {
        self.bits | self.body.min(BODY_TF_MAX)
    }
}

/// The keys of one spelling of a token, shared by every occurrence.
#[derive(Clone, Copy)]
struct Keys {
    /// Worker-local id of the fold key.
    fold: u32,
    /// Worker-local id of the tone key.
    tone: u32,
    rule: Rule,
    stop: bool,
}

/// One rayon worker's memo of `vi::fold` / `vi::tone_key` per raw token, and its interned
/// keys (so the per-page maps hash integers, not strings).
#[derive(Default)]
struct Worker {
    cache: FxMap<String, Keys>,
    /// A direct-mapped memo in front of `cache` for tokens of at most 16 bytes, keyed by
    /// their bytes as two integers (see [`Worker::keys_at`]); empty until the first page.
    short: Vec<(u64, u64, Keys)>,
    fold_ids: FxMap<Arc<str>, u32>,
    folds: Vec<Arc<str>>,
    tone_ids: FxMap<Arc<str>, u32>,
    tones: Vec<Arc<str>>,
    /// The per-page maps, emptied after each page (their capacity is kept).
    scratch: Scratch,
    /// How many of `folds` were handed to the merge (in the `new_folds` of some page).
    sent: usize,
    /// How many of `tones` were handed to the merge.
    sent_tones: usize,
}

fn intern(ids: &mut FxMap<Arc<str>, u32>, list: &mut Vec<Arc<str>>, s: String) -> u32 {
    if let Some(&id) = ids.get(s.as_str()) {
        return id;
    }
    let arc: Arc<str> = s.into();
    list.push(arc.clone());
    ids.insert(arc, list.len() as u32 - 1);
    list.len() as u32 - 1
}

/// Slots of [`Worker::short`]: a slot is the top 12 bits of a 64-bit hash.
const SHORT_SLOTS: usize = 1 << 12;

/// `MASKS[n]` keeps the first `n` bytes of a little-endian word.
const MASKS: [u64; 9] = {
    let mut m = [0u64; 9];
    let mut n = 1;
    while n < 9 {
        m[n] = u64::MAX >> (64 - 8 * n);
        n += 1;
    }
    m
};

/// The memo slot of a token's bytes read as two integers.
#[inline(always)]
fn short_slot(lo: u64, hi: u64) -> usize {
    ((lo ^ hi.rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 52) as usize
}

impl Worker {
    /// The keys of the token `text[start..start + len]`. A token of at most 16 bytes with 16
    /// bytes of text from its start is looked up by those bytes read as two integers, the
    /// bytes past it masked to zero (a token never holds a zero byte, so the two integers
    /// name the token): two compares on a hit, where hashing and comparing the string took
    /// about a hundred instructions per token.
    #[inline]
    fn keys_at(&mut self, text: &str, start: usize, len: usize) -> Keys {
        let bytes = text.as_bytes();
        if len <= 16
            && let Some(window) = bytes.get(start..start + 16)
            && let Ok(window) = <&[u8; 16]>::try_from(window)
        {
            let word = u128::from_le_bytes(*window);
            let (lo, hi) = (word as u64, (word >> 64) as u64);
            let (lo, hi) = if len > 8 { (lo, hi & MASKS[len - 8]) } else { (lo & MASKS[len], 0) };
            if let Some(keys) = self.short_hit(lo, hi) {
                return keys;
            }
            let slot = short_slot(lo, hi);
            let keys = self.keys(&text[start..start + len]);
            if self.short.is_empty() {
                // (0, 0) is no token: every token's first byte is non-zero.
                self.short = vec![(0, 0, keys); SHORT_SLOTS];
            }
            self.short[slot] = (lo, hi, keys);
            return keys;
        }
        self.keys(&text[start..start + len])
    }

    /// The keys of the token whose bytes, read as in [`Worker::keys_at`], are `(lo, hi)`, if
    /// the memo has them.
    #[inline(always)]
    fn short_hit(&self, lo: u64, hi: u64) -> Option<Keys> {
        let &(l, h, keys) = self.short.get(short_slot(lo, hi))?;
        (l == lo && h == hi).then_some(keys)
    }

    /// The keys of `text` (one hash lookup when it was seen before).
    fn keys(&mut self, text: &str) -> Keys {
        if let Some(&keys) = self.cache.get(text) {
            return keys;
        }
        let fold = vi::fold(text);
        let tone = vi::tone_key(text);
        let keys = Keys {
            rule: rule(&fold),
            stop: STOP.contains(tone.as_str()),
            fold: intern(&mut self.fold_ids, &mut self.folds, fold),
            tone: intern(&mut self.tone_ids, &mut self.tones, tone),
        };
        self.cache.insert(text.to_string(), keys);
        keys
    }
}

/// The terms of one page. Fold keys are listed once, as the ids the tokenising worker gave
/// them; terms refer to them by index in that list.
#[derive(Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
struct DocTerms {
    /// The worker's slot (`None`: a worker of its own, made for this page alone).
    worker: Option<usize>,
    /// Worker fold ids, in order of first occurrence on the page.
    folds: Vec<u32>,
    /// The worker's fold keys it had not handed over before this page: the keys of worker
    /// fold ids `first, first + 1, …` (so the merge looks each key up once per worker, not
    /// once per page).
    new_folds: Handed,
    /// The same for tone keys.
    new_tones: Handed,
    /// (fold index, worker tone id, weight); stop words left out.
    unigrams: Vec<(u32, u32, u32)>,
    /// (fold index, fold index, weight).
    bigrams: Vec<(u32, u32, u32)>,
    /// Distinct trigrams (fold indexes) and their number of positions, in order of first
    /// occurrence.
    trigrams: Vec<([u32; 3], u32)>,
    /// The positions of `trigrams[0]`, then of `trigrams[1]`, …; each trigram's ascending (one
    /// flat list, not a list per trigram: a page has hundreds of trigrams).
    positions: Vec<u32>,
}

/// Per-page maps while tokenising, keyed by worker ids.
#[derive(Default)]
struct Scratch {
    /// Per worker fold id, 1 + its index in `folds` (0: not on the page yet). Reset after each
    /// page for the folds it used.
    slots: Vec<u32>,
    /// The page's fold ids, in order of first occurrence.
    folds: Vec<u32>,
    /// Per fold index: its first tone id on the page ([`NONE`]: none yet, or a stop word) and
    /// that unigram's weight. A syllable is nearly always written one way on a page, so most
    /// unigrams are found by index, not by hashing.
    unigrams: Vec<(u32, Weight)>,
    /// Unigrams of a fold's other tones: (fold index, tone id) → weight.
    more_unigrams: FxMap<(u32, u32), Weight>,
    /// Bigram (fold indexes) → its index in `bigrams`.
    bigram_ids: PairTable,
    /// Distinct bigrams, in order of first occurrence: key, weight, and the last trigram
    /// (index in `trigrams`) that starts with it, or [`NONE`].
    bigrams: Vec<((u32, u32), Weight, u32)>,
    /// Distinct trigrams and their number of positions.
    trigrams: Vec<([u32; 3], u32)>,
    /// Per trigram, the trigram met before it that starts with the same bigram, or [`NONE`]:
    /// a bigram's trigrams are found by walking this list from the bigram, not by hashing
    /// three ids (a bigram is followed by one or a few distinct tokens on a page).
    same_bigram: Vec<u32>,
    /// (trigram index, position) in text order.
    occurrences: Vec<(u32, u32)>,
}

/// No trigram.
const NONE: u32 = u32::MAX;

/// A map of pairs of ids to ids for one page, emptied after each page at no cost: a slot
/// belongs to the page whose generation it holds. Open addressing with linear probing,
/// at most half full. (A `HashMap` hashed the pair and probed in groups: the bigram lookup
/// was a tenth of a page's tokenising.)
#[derive(Default)]
struct PairTable {
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
    fn get_or_insert(&mut self, a: u32, b: u32, value: u32, refill: impl FnOnce(&mut PairTable)) -> u32 {
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
    fn clear(&mut self) {
        self.len = 0;
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.slots.fill([0; 4]);
            self.generation = 1;
        }
    }
}

impl Scratch {
    #[inline]
    fn local(&mut self, fold: u32) -> u32 {
        let f = fold as usize;
        if f >= self.slots.len() {
            self.slots.resize(f + 1, 0);
        }
        if self.slots[f] == 0 {
            self.folds.push(fold);
            self.unigrams.push((NONE, Weight::default()));
            self.slots[f] = self.folds.len() as u32;
        }
        self.slots[f] - 1
    }

    /// Adds an occurrence of the unigram (fold index `local`, tone id `tone`) in `field`.
    #[inline]
    fn unigram(&mut self, local: u32, tone: u32, field: Field) {
        let Some(first) = self.unigrams.get_mut(local as usize) else { return };
        if first.0 == NONE {
            first.0 = tone;
        }
        if first.0 == tone {
            first.1.add(field);
        } else {
            self.more_unigrams.entry((local, tone)).or_default().add(field);
        }
    }

    /// Adds an occurrence of bigram `(a, b)` in `field`; gives its index in `bigrams`.
    #[inline]
    fn bigram(&mut self, a: u32, b: u32, field: Field) -> u32 {
        let next = self.bigrams.len() as u32;
        let id = self.bigram_ids.get_or_insert(a, b, next, |table| {
            for (id, &((a, b), _, _)) in self.bigrams.iter().enumerate() {
                table.get_or_insert(a, b, id as u32, |_| {});
            }
        });
        if id == next {
            self.bigrams.push(((a, b), Weight::default(), NONE));
        }
        self.bigrams[id as usize].1.add(field);
        id
    }

    /// Adds an occurrence at `position` of the trigram made of bigram `first` (an index in
    /// `bigrams`) and the token `third`.
    #[inline]
    fn trigram(&mut self, first: u32, third: u32, position: u32) {
        let mut id = self.bigrams[first as usize].2;
        while id != NONE && self.trigrams[id as usize].0[2] != third {
            id = self.same_bigram[id as usize];
        }
        if id == NONE {
            id = self.trigrams.len() as u32;
            let ((a, b), _, last) = &mut self.bigrams[first as usize];
            self.trigrams.push(([*a, *b, third], 0));
            self.same_bigram.push(*last);
            *last = id;
        }
        self.trigrams[id as usize].1 += 1;
        self.occurrences.push((id, position));
    }

    /// The positions grouped by trigram (a counting sort: each group keeps text order).
    fn positions(&self) -> Vec<u32> {
        let mut next: Vec<u32> = Vec::with_capacity(self.trigrams.len());
        let mut at = 0;
        for &(_, count) in &self.trigrams {
            next.push(at);
            at += count;
        }
        let mut out = vec![0; self.occurrences.len()];
        for &(id, position) in &self.occurrences {
            let slot = &mut next[id as usize];
            out[*slot as usize] = position;
            *slot += 1;
        }
        out
    }

    /// Empties the maps for the next page, keeping their capacity.
    fn clear(&mut self) {
        for &f in &self.folds {
            self.slots[f as usize] = 0;
        }
        self.folds.clear();
        self.unigrams.clear();
        self.more_unigrams.clear();
        self.bigram_ids.clear();
        self.bigrams.clear();
        self.trigrams.clear();
        self.same_bigram.clear();
        self.occurrences.clear();
    }
}

fn doc_terms(worker: &mut Worker, slot: Option<usize>, doc: &SearchDoc) -> DocTerms {
    doc_terms_with::<true>(worker, slot, doc)
}

/// [`doc_terms`]; `KNOWN`: tokens met before are found by [`super::tokenize::Pieces::next_known`] (false only
/// in tests, which compare the two).
#[inline(always)]
fn doc_terms_with<const KNOWN: bool>(worker: &mut Worker, slot: Option<usize>, doc: &SearchDoc) -> DocTerms {
    let mut scratch = std::mem::take(&mut worker.scratch);
    let mut index: u32 = 0;
    let fields = std::iter::once((&*doc.title, Field::Title))
        .chain(doc.tags.iter().map(|tag| (tag.as_str(), Field::Tags)))
        .chain([(&*doc.summary, Field::Summary), (&*doc.text, Field::Body)]);
    for (text, field) in fields {
        // The last token of the current segment, and the bigram of the last two.
        let (mut last, mut last_bigram): (Option<u32>, Option<u32>) = (None, None);
        let mut it = pieces(text);
        loop {
            // Most tokens were met before and end at a space: found by their bytes at once.
            let known = if KNOWN { it.next_known(|lo, hi| worker.short_hit(lo, hi)) } else { None };
            let k = match known {
                Some(k) => k,
                None => match it.next() {
                    None => break,
                    Some(Piece::Break) => {
                        (last, last_bigram) = (None, None);
                        continue;
                    }
                    Some(Piece::Token(t, start)) => worker.keys_at(text, start, t.len()),
                },
            };
            match k.rule {
                Rule::Skip => continue,
                Rule::Break => {
                    (last, last_bigram) = (None, None);
                    continue;
                }
                Rule::Keep => {}
            }
            let (fold, tone, stop) = (k.fold, k.tone, k.stop);
            let local = scratch.local(fold);
            if !stop {
                scratch.unigram(local, tone, field);
            }
            let bigram = last.map(|b| scratch.bigram(b, local, field));
            if let (Some(first), Some(_)) = (last_bigram, bigram) {
                // The trigram starts two tokens back.
                scratch.trigram(first, local, (index - 2) << 2 | field.code());
            }
            (last, last_bigram) = (Some(local), bigram);
            index += 1;
        }
    }
    let new_folds = (worker.sent as u32, worker.folds[worker.sent..].to_vec());
    worker.sent = worker.folds.len();
    let new_tones = (worker.sent_tones as u32, worker.tones[worker.sent_tones..].to_vec());
    worker.sent_tones = worker.tones.len();
    let terms = DocTerms {
        worker: slot,
        folds: scratch.folds.clone(),
        new_folds,
        new_tones,
        unigrams: (scratch.unigrams.iter().enumerate())
            .filter(|(_, (t, _))| *t != NONE)
            .map(|(l, &(t, w))| (l as u32, t, w.value()))
            .chain(scratch.more_unigrams.drain().map(|((l, t), w)| (l, t, w.value())))
            .collect(),
        bigrams: scratch.bigrams.iter().map(|&((a, b), w, _)| (a, b, w.value())).collect(),
        positions: scratch.positions(),
        trigrams: scratch.trigrams.clone(),
    };
    scratch.clear();
    worker.scratch = scratch;
    terms
}

/// Largest block of a list's text. A list longer than this is kept as blocks of about this
/// size, so a growing list is never copied whole again: with one string grown by a quarter at
/// a time, every byte of the long lists was copied about four times, into fresh memory.
/// 4 KiB, not more: mimalloc keeps blocks of up to 8 KiB in the same 64 KiB pages as the
/// page bodies that rendering frees while the postings grow, so the lists reuse that memory.
/// Blocks of 32 KiB went to pages of another kind, and the build took fresh memory for them
/// while the bodies' was given back: on 10,000 articles that was 47 MiB more resident
/// memory with freed memory kept, and 8,000 more page faults with it given back.
const BLOCK: usize = 4 * 1024;

/// One encoded list, built in doc order: full blocks, then the block being written (all
/// plain ASCII).
#[derive(Default)]
struct Postings {
    last: u32,
    full: Blocks,
    tail: Vec<u8>,
}

/// The full blocks of a list: none for nearly every list, so a pointer (8 bytes in each of
/// the million lists of a large site, where an empty `Vec` took 24).
#[derive(Default)]
#[allow(clippy::box_collection, reason = "the box is the point: one pointer in place of a Vec")]
struct Blocks(Option<Box<Vec<Vec<u8>>>>);

impl Blocks {
    fn push(&mut self, block: Vec<u8>) {
        self.0.get_or_insert_with(Box::default).push(block);
    }

    fn iter(&self) -> std::slice::Iter<'_, Vec<u8>> {
        self.0.as_deref().map_or([].iter(), |v| v.iter())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |v| v.len())
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Postings {
    /// Room for `more` bytes in the tail. A tail grows by doubling up to [`BLOCK`]; a list
    /// that outgrows it starts a new block. (Growing by a quarter, to hold less spare room,
    /// made 20 reallocations per list on 10,000 articles: 113 M instructions, more time than
    /// its 2 MiB were worth.)
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
    fn push(&mut self, doc: u32, weight: u32) {
        // Two numbers of at most 7 digits each.
        self.reserve(14);
        encode::push_number_bytes(&mut self.tail, doc - self.last);
        encode::push_number_bytes(&mut self.tail, weight);
        self.last = doc;
    }

    fn len(&self) -> usize {
        self.full.iter().map(Vec::len).sum::<usize>() + self.tail.len()
    }
}

/// Appends the JSON object of `lists` (keys in order) to `out`, as `serde_json` writes it in
/// compact form: keys escaped by `serde_json`, each list written from its blocks as it is (its
/// characters never need escaping), not gathered into one string and scanned again.
fn write_lists<'a, K: AsRef<str> + 'a>(
    out: &mut Vec<u8>,
    lists: impl IntoIterator<Item = (&'a K, &'a Postings)>,
) {
    out.push(b'{');
    for (n, (key, list)) in lists.into_iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        // Writing into a Vec cannot fail, and a key is a string.
        let _ = serde_json::to_writer(&mut *out, key.as_ref());
        out.extend_from_slice(b":\"");
        for block in list.full.iter().chain([&list.tail]) {
            out.extend_from_slice(block);
        }
        out.push(b'"');
    }
    out.push(b'}');
}

/// The bytes of a postings shard: `{"b":{bigram:list,…},"u":{fold:{spelling:list,…},…}}`.
fn term_shard_json(shard: &TermShard) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(b"{\"b\":");
    write_lists(&mut out, &shard.b);
    out.extend_from_slice(b",\"u\":{");
    for (n, (fold, spellings)) in shard.u.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        let _ = serde_json::to_writer(&mut out, &**fold);
        out.push(b':');
        write_lists(&mut out, spellings);
    }
    out.extend_from_slice(b"}}");
    encode::escape_markup(out)
}

/// The bytes of a positions shard: `{trigram:list,…}`.
fn positions_shard_json(shard: &BTreeMap<String, Postings>) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    write_lists(&mut out, shard);
    encode::escape_markup(out)
}

/// How `serde_json` writes a list; the shards are written by hand ([`write_lists`]) and a test
/// compares the two.
#[cfg(test)]
impl Serialize for Postings {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let joined;
        let bytes = if self.full.is_empty() {
            &self.tail
        } else {
            let mut all = Vec::with_capacity(self.len());
            for block in self.full.iter().chain([&self.tail]) {
                all.extend_from_slice(block);
            }
            joined = all;
            &joined
        };
        let text = simdutf8::basic::from_utf8(bytes)
            .map_err(|_| serde::ser::Error::custom("postings are plain ASCII"))?;
        s.serialize_str(text)
    }
}

/// Postings of one fold key, per tone key.
type Spellings = BTreeMap<Arc<str>, Postings>;

/// [`Spellings`] while merging, by tone id: a fold has one to a few spellings. A sorted map
/// compared strings and counted references for every term of every page.
type SpellingList = Vec<(u32, Postings)>;

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

/// Keys a worker handed over with a page: the keys of its ids `start, start + 1, …`.
type Handed = (u32, Vec<Arc<str>>);

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
pub struct Built {
    /// fold key → id, an index into `folds`.
    fold_ids: FxMap<Arc<str>, u32>,
    /// fold key, and its postings per tone key (empty for stop words).
    folds: Vec<(Arc<str>, SpellingList)>,
    /// (fold id, fold id), as one integer ([`pair`]) → postings.
    bigrams: FxMap<u64, Postings>,
    /// fold ids, as one integer ([`triple`]) → positions.
    trigrams: FxMap<u128, Postings>,
    /// Per worker slot: worker fold id → fold id.
    worker_folds: Vec<Vec<u32>>,
    /// tone key → id, an index into `tones`.
    tone_ids: FxMap<Arc<str>, u32>,
    tones: Vec<Arc<str>>,
    /// Per worker slot: worker tone id → tone id.
    worker_tones: Vec<Vec<u32>>,
    /// The same two maps (at index 0) for a worker of its own, made for one page (see
    /// `build`): each such page is mapped alone, before the next one's ids replace its own.
    lone_folds: Vec<Vec<u32>>,
    lone_tones: Vec<Vec<u32>>,
}

#[derive(Default)]
#[cfg_attr(test, derive(Serialize))]
struct TermShard {
    /// Bigrams, keyed `"fold fold"`.
    b: BTreeMap<String, Postings>,
    /// Unigrams, per spelling.
    u: BTreeMap<Arc<str>, Spellings>,
}

/// Tokenises every doc (in parallel) and merges the postings in id order; `None` when
/// `cancelled()` turns true (checked between chunks). Each doc's text is dropped once it is
/// tokenised (on a large site the texts are a tenth of the memory), the rest is kept.
/// `beside(k, n)` runs once for each `k` in `0..n`, in order, alongside chunk `k`'s
/// tokenising (`n` chunks in all).
pub fn build(
    docs: &mut [SearchDoc],
    cancelled: &(dyn Fn() -> bool + Sync),
    beside: &(dyn Fn(usize, usize) + Sync),
) -> Option<Built> {
    let mut built = Built::default();
    let mut chunks: Vec<&mut [SearchDoc]> = docs.chunks_mut(CHUNK).collect();
    // One worker (memo and scratch maps) per pool thread for the whole build: rayon splits a
    // chunk into many jobs, and a worker per job would learn the vocabulary again each time.
    let threads = rayon::current_num_threads();
    let workers: Vec<Mutex<Worker>> = (0..=threads).map(|_| Mutex::default()).collect();
    let tokenize = |chunk: &mut [SearchDoc]| -> Vec<DocTerms> {
        let terms = chunk
            .par_iter()
            .map(|d| {
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
            || chunks.get_mut(c).map(|chunk| tokenize(chunk)),
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

impl Built {
    /// Records the index ids of the fold and tone keys that `t`'s worker handed over with it.
    fn learn(&mut self, t: &DocTerms) {
        let Built {
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
        let Built { folds, bigrams, trigrams, .. } = self;
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

    fn key(&self, ids: &[u32]) -> String {
        let folds: Vec<&str> = ids.iter().map(|&i| &*self.folds[i as usize].0).collect();
        folds.join(" ")
    }

    /// Approximate JSON size of all postings shards.
    pub fn term_bytes(&self) -> usize {
        let u: usize = self
            .folds
            .iter()
            .map(|(k, v)| {
                k.len()
                    + 4
                    + v.iter().map(|(t, p)| self.tones[*t as usize].len() + p.len() + 6).sum::<usize>()
            })
            .sum();
        u + self.bigrams.values().map(|p| 16 + p.len()).sum::<usize>()
    }

    /// Approximate JSON size of all positions shards.
    pub fn position_bytes(&self) -> usize {
        self.trigrams.values().map(|p| 24 + p.len()).sum()
    }

    /// Makes the `2^pbits` positions shards (`emit("p", shard, bytes)`), then the `2^bits`
    /// postings shards (`"t"`), consuming the postings: each shard's are freed once its file
    /// is made.
    pub fn write_shards(mut self, bits: u32, pbits: u32, emit: &(dyn Fn(&str, u32, Vec<u8>) + Sync)) {
        let trigrams = std::mem::take(&mut self.trigrams);
        let mut shards: Vec<BTreeMap<String, Postings>> =
            (0..1usize << pbits).map(|_| BTreeMap::new()).collect();
        for (t, p) in trigrams {
            let key = self.key(&[(t >> 64) as u32, (t >> 32) as u32, t as u32]);
            shards[encode::shard_of(&key, pbits) as usize].insert(key, p);
        }
        shards
            .into_par_iter()
            .enumerate()
            .for_each(|(n, shard)| emit("p", n as u32, positions_shard_json(&shard)));
        let mut shards: Vec<TermShard> = (0..1usize << bits).map(|_| TermShard::default()).collect();
        for (ab, p) in std::mem::take(&mut self.bigrams) {
            let key = self.key(&[(ab >> 32) as u32, ab as u32]);
            shards[encode::shard_of(&key, bits) as usize].b.insert(key, p);
        }
        for (key, variants) in std::mem::take(&mut self.folds).into_iter().filter(|f| !f.1.is_empty()) {
            let variants: Spellings =
                variants.into_iter().map(|(t, p)| (self.tones[t as usize].clone(), p)).collect();
            shards[encode::shard_of(&key, bits) as usize].u.insert(key, variants);
        }
        shards
            .into_par_iter()
            .enumerate()
            .for_each(|(n, shard)| emit("t", n as u32, term_shard_json(&shard)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, text: &str) -> SearchDoc {
        SearchDoc {
            url: format!("/{title}/"),
            title: title.into(),
            section: String::new(),
            kind: "article".into(),
            audiences: vec![],
            tags: vec!["Khuyến học".into()],
            date: None,
            summary: "Xây dựng xã hội học tập".into(),
            text: text.into(),
        }
    }

    /// The shard files of `built`, by kind and number.
    fn files(built: Built) -> Vec<(String, u32, Vec<u8>)> {
        let out = Mutex::new(Vec::new());
        built.write_shards(2, 1, &|kind, n, bytes| out.lock().unwrap().push((kind.to_string(), n, bytes)));
        let mut out = out.into_inner().unwrap();
        out.sort();
        out
    }

    /// Merges `docs` in id order, each tokenised by the worker `assign` names (`Some(slot)`:
    /// a shared worker, in the order given by `order`; `None`: a worker of its own).
    fn merged(docs: &[SearchDoc], order: &[usize], assign: impl Fn(usize) -> Option<usize>) -> Built {
        let mut workers: Vec<Worker> = (0..2).map(|_| Worker::default()).collect();
        let mut terms: Vec<Option<DocTerms>> = docs.iter().map(|_| None).collect();
        for &i in order {
            terms[i] = Some(match assign(i) {
                Some(slot) => doc_terms(&mut workers[slot], Some(slot), &docs[i]),
                None => doc_terms(&mut Worker::default(), None, &docs[i]),
            });
        }
        let mut built = Built::default();
        built.merge(0, terms.into_iter().map(|t| t.unwrap()).collect());
        built
    }

    #[test]
    fn each_spelling_of_a_syllable_has_its_own_unigram() {
        let mut worker = Worker::default();
        let page = SearchDoc {
            title: "Hóc búa".into(),
            tags: vec![],
            summary: "".into(),
            text: "học hóc học hoc; HỌC hoc".into(),
            ..doc("", "")
        };
        let terms = doc_terms(&mut worker, Some(0), &page);
        let mut found: Vec<(String, String, u32)> = terms
            .unigrams
            .iter()
            .map(|&(l, t, w)| {
                let fold = &worker.folds[terms.folds[l as usize] as usize];
                (fold.to_string(), worker.tones[t as usize].to_string(), w)
            })
            .collect();
        found.sort();
        // Weights: the body count, plus IN_TITLE for the title's words.
        assert_eq!(
            found,
            [
                ("bua".to_string(), "búa".to_string(), IN_TITLE),
                ("hoc".to_string(), "hoc".to_string(), 2),
                ("hoc".to_string(), "hóc".to_string(), 1 | IN_TITLE),
                ("hoc".to_string(), "học".to_string(), 3),
            ]
        );
    }

    #[test]
    fn trigrams_of_one_bigram_are_told_apart_by_their_third_token() {
        let mut worker = Worker::default();
        let page = SearchDoc {
            title: String::new(),
            tags: vec![],
            summary: "".into(),
            text: "học tập suốt; học tập tốt, học tập suốt đời; tập suốt đời".into(),
            ..doc("", "")
        };
        let terms = doc_terms(&mut worker, Some(0), &page);
        let fold = |local: u32| &*worker.folds[terms.folds[local as usize] as usize];
        let mut positions = terms.positions.as_slice();
        let found: Vec<(String, Vec<u32>)> = terms
            .trigrams
            .iter()
            .map(|&(key, count)| {
                let (run, rest) = positions.split_at(count as usize);
                positions = rest;
                (key.map(fold).join(" "), run.iter().map(|p| p >> 2).collect())
            })
            .collect();
        // Token indexes: học 0 tập 1 suốt 2; học 3 tập 4 tốt 5; học 6 tập 7 suốt 8 đời 9; tập 10…
        assert_eq!(
            found,
            [
                ("hoc tap suot".to_string(), vec![0, 6]),
                ("hoc tap tot".to_string(), vec![3]),
                ("tap suot doi".to_string(), vec![7, 10]),
            ]
        );
    }

    #[test]
    fn the_short_token_memo_gives_each_token_its_own_keys() {
        // 12,000 distinct tokens of 1 to 20 bytes (more than the memo's slots, so slots are
        // shared and overwritten), with prefixes of one another, each looked up twice at
        // every place of a text, the end included.
        let syllables = ["a", "ệ", "ngh", "Đ", "x9", "ươ", "b"];
        let tokens: Vec<String> = (0..12_000usize)
            .map(|n| {
                let mut t = String::new();
                let mut k = n;
                loop {
                    t.push_str(syllables[k % syllables.len()]);
                    k /= syllables.len();
                    if k == 0 {
                        break;
                    }
                }
                t
            })
            .collect();
        assert!(tokens.iter().any(|t| t.len() > 16) && tokens.iter().any(|t| t.len() == 1));
        let text = tokens.join(" ");
        let mut memo = Worker::default();
        let mut plain = Worker::default();
        for round in 0..2 {
            let mut start = 0;
            for t in &tokens {
                let a = memo.keys_at(&text, start, t.len());
                let b = plain.keys(t);
                let fold = |w: &Worker, k: Keys| {
                    (w.folds[k.fold as usize].clone(), w.tones[k.tone as usize].clone())
                };
                assert_eq!(fold(&memo, a), fold(&plain, b), "{t:?} in round {round}");
                assert_eq!((a.rule, a.stop), (b.rule, b.stop), "{t:?}");
                start += t.len() + 1;
            }
        }
    }

    #[test]
    fn shards_written_by_hand_are_the_json_serde_json_writes() {
        let list = |n: u32| {
            let mut p = Postings::default();
            for doc in 0..n {
                p.push(doc * 5, doc % 40);
            }
            p
        };
        let keys = ["", "a b", "quote\" back\\ slash", "<tag> & \u{2028}\u{2029}", "đ\u{1}\n"];
        let mut shard = TermShard::default();
        let mut positions = BTreeMap::new();
        for (n, key) in keys.iter().enumerate() {
            shard.b.insert(key.to_string(), list(n as u32 * 9_000));
            let spellings: Spellings = keys.iter().map(|&k| (Arc::from(k), list(n as u32 + 1))).collect();
            shard.u.insert(Arc::from(*key), spellings);
            positions.insert(key.to_string(), list(n as u32 * 3));
        }
        assert!(shard.b.values().any(|p| !p.full.is_empty()), "a list of several blocks");
        assert_eq!(term_shard_json(&shard), encode::to_json(&shard));
        assert_eq!(positions_shard_json(&positions), encode::to_json(&positions));
        assert_eq!(term_shard_json(&TermShard::default()), encode::to_json(&TermShard::default()));
        assert_eq!(positions_shard_json(&BTreeMap::new()), b"{}");
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

    #[test]
    fn tokens_found_by_their_bytes_give_the_terms_of_the_splitter() {
        // Syllables, numbers and punctuation that make a character a token character or not
        // by its neighbours, spaces, long tokens, NFD marks and a zero byte, mixed at random:
        // many tokens are met again (so found by their bytes), before a space or not.
        let parts = [
            "học",
            "tập",
            " ",
            " ",
            " ",
            "Khuyến",
            "10.000",
            "1,5",
            "10",
            ".",
            ",",
            "000",
            "5",
            "-",
            "49-KL/TW",
            "TP.HCM",
            "a",
            "\u{301}",
            "e\u{302}\u{301}",
            "\n",
            "“",
            "”",
            "Đảng",
            "abcdefghijklmnop",
            "xã",
            "hội",
            "\0",
            "’",
            "14:30",
            "(",
            ")",
            "…",
        ];
        let mut fast = Worker::default();
        let mut slow = Worker::default();
        for (n, text) in crate::testing::mixed_strings(&parts, 40, 3_000, 0x00DD_BA11).into_iter().enumerate()
        {
            let d = doc(&format!("Tiêu đề {n}"), &text);
            assert_eq!(
                doc_terms_with::<true>(&mut fast, Some(0), &d),
                doc_terms_with::<false>(&mut slow, Some(0), &d),
                "{text:?}"
            );
        }
        // The byte path was taken: a worker that has met "học" finds it by its bytes.
        let mut it = pieces("học tập");
        assert_eq!(it.next_known(|lo, hi| Some((lo, hi))), None, "fewer than 16 bytes left");
        let text = "học tập xã hội học tập suốt đời";
        let mut it = pieces(text);
        let (lo, hi) = it.next_known(|lo, hi| Some((lo, hi))).expect("a token before a space");
        let mut padded = [0u8; 16];
        padded[..5].copy_from_slice("học".as_bytes());
        let word = u128::from_le_bytes(padded);
        assert_eq!((lo, hi), (word as u64, (word >> 64) as u64));
        assert_eq!(it.next(), Some(Piece::Token("tập", 6)), "the token and its space consumed");
    }
}
