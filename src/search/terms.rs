//! The terms of one page: its folded syllables, bigrams and trigram positions.
//!
//! Takes: one [`SearchDoc`], and the [`Worker`] of the rayon thread that tokenises it (a memo of
//! `vi::fold` and `vi::tone_key` per raw token, the keys it interned, and per-page maps).
//! Gives: [`DocTerms`]: the page's fold keys as the worker's ids (with the keys the worker had
//! not handed over before), its unigrams per spelling and its bigrams with their weights, and
//! its trigrams with their positions.
//! Must not: give terms that depend on which worker tokenised the page, other than through
//! the worker's own ids (the memo only caches pure functions; [`super::postings`] maps the ids
//! to index ids in doc order), nor build anything beyond one page.
//!
//! A weight is a bit set: bits 0–2 the count in the body (capped at [`BODY_TF_MAX`]), then
//! [`IN_SUMMARY`], [`IN_TAGS`], [`IN_TITLE`]. A position is `index << 2 | field` (0 body,
//! 1 summary, 2 tags, 3 title) where the index counts tokens over title, tags, summary, body;
//! a trigram's index is that of its first token. Bigrams and trigrams never span punctuation.
//!
//! Longer than 600 lines: a third of it is the tests of the tokenising loop, kept beside it.

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

use super::doc::{FxMap, STOP_WORDS, SearchDoc};
use super::pair_table::PairTable;
use super::tokenize::{Piece, Rule, pieces, rule};
use crate::vi;

/// Highest body count a weight records.
pub const BODY_TF_MAX: u32 = 7;
/// Weight bit: the term is in the summary.
pub const IN_SUMMARY: u32 = 8;
/// Weight bit: the term is in a tag.
pub const IN_TAGS: u32 = 16;
/// Weight bit: the term is in the title.
pub const IN_TITLE: u32 = 32;

static STOP: LazyLock<HashSet<&'static str>> = LazyLock::new(|| STOP_WORDS.iter().copied().collect());

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
pub(super) struct Worker {
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
    /// name the token): two compares on a hit, in place of hashing and comparing the string.
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
pub(super) struct DocTerms {
    /// The worker's slot (`None`: a worker of its own, made for this page alone).
    pub(super) worker: Option<usize>,
    /// Worker fold ids, in order of first occurrence on the page.
    pub(super) folds: Vec<u32>,
    /// The worker's fold keys it had not handed over before this page: the keys of worker
    /// fold ids `first, first + 1, …` (so the merge looks each key up once per worker, not
    /// once per page).
    pub(super) new_folds: Handed,
    /// The same for tone keys.
    pub(super) new_tones: Handed,
    /// (fold index, worker tone id, weight); stop words left out.
    pub(super) unigrams: Vec<(u32, u32, u32)>,
    /// (fold index, fold index, weight).
    pub(super) bigrams: Vec<(u32, u32, u32)>,
    /// Distinct trigrams (fold indexes) and their number of positions, in order of first
    /// occurrence.
    pub(super) trigrams: Vec<([u32; 3], u32)>,
    /// The positions of `trigrams[0]`, then of `trigrams[1]`, …; each trigram's ascending (one
    /// flat list, not a list per trigram: a page has hundreds of trigrams).
    pub(super) positions: Vec<u32>,
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

pub(super) fn doc_terms(worker: &mut Worker, slot: Option<usize>, doc: &SearchDoc) -> DocTerms {
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

/// Keys a worker handed over with a page: the keys of its ids `start, start + 1, …`.
pub(super) type Handed = (u32, Vec<Arc<str>>);

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A page with a tag and a summary, named after its title.
    pub(in crate::search) fn doc(title: &str, text: &str) -> SearchDoc {
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
            headings: vec![],
            codes: vec![],
            topics: vec![],
        }
    }

    #[test]
    fn each_spelling_of_a_syllable_has_its_own_unigram() {
        let mut worker = Worker::default();
        let page = SearchDoc {
            title: "Hóc búa".into(),
            tags: vec![],
            summary: "".into(),
            text: "học hóc học hoc; HỌC hoc".into(),
            headings: vec![],
            codes: vec![],
            topics: vec![],
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
            headings: vec![],
            codes: vec![],
            topics: vec![],
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
