//! Per-page terms and the merged postings, cut into shards.
//!
//! Takes: docs in id order.
//! Gives: postings of folded syllables per spelling, of folded bigrams, and bigram positions,
//! each encoded with [`encode::push_number`], and their shard files.
//! Must not: emit anything that depends on thread scheduling (chunks are merged in id order).
//!
//! A posting is `doc delta, weight`; the weight is a bit set: bits 0–2 the count in the body
//! (capped at [`BODY_TF_MAX`]), then [`IN_SUMMARY`], [`IN_TAGS`], [`IN_TITLE`].
//! A positions entry is `doc delta, count, position deltas…` where a position is
//! `index << 2 | field` (0 body, 1 summary, 2 tags, 3 title) and the index counts tokens over
//! title, tags, summary, body. Two bigrams of a page at indexes `i` and `i + 1` share a token,
//! so they lie in one segment: that is how phrases are checked.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

use rayon::prelude::*;
use serde::{Serialize, Serializer};

use super::encode;
use super::tokenize::tokenize;
use super::{STOP_WORDS, SearchDoc};

/// Highest body count a weight records.
pub const BODY_TF_MAX: u32 = 7;
/// Weight bit: the term is in the summary.
pub const IN_SUMMARY: u32 = 8;
/// Weight bit: the term is in a tag.
pub const IN_TAGS: u32 = 16;
/// Weight bit: the term is in the title.
pub const IN_TITLE: u32 = 32;

/// Docs tokenised in parallel per chunk, merged in order (bounds memory on large sites).
const CHUNK: usize = 512;

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

/// The terms of one page.
#[derive(Default)]
struct DocTerms {
    /// (fold, tone key) → weight; stop words left out.
    unigrams: HashMap<(String, String), Weight>,
    /// `"fold fold"` → weight and positions (ascending).
    bigrams: HashMap<String, (Weight, Vec<u32>)>,
}

fn doc_terms(doc: &SearchDoc) -> DocTerms {
    let mut terms = DocTerms::default();
    let mut index: u32 = 0;
    let mut key = String::new();
    let mut add = |text: &str, field: Field| {
        for segment in tokenize(text) {
            for (i, token) in segment.iter().enumerate() {
                if !STOP.contains(token.tone.as_str()) {
                    terms.unigrams.entry((token.fold.clone(), token.tone.clone())).or_default().add(field);
                }
                if let Some(next) = segment.get(i + 1) {
                    key.clear();
                    key.push_str(&token.fold);
                    key.push(' ');
                    key.push_str(&next.fold);
                    let entry = match terms.bigrams.get_mut(key.as_str()) {
                        Some(e) => e,
                        None => terms.bigrams.entry(key.clone()).or_default(),
                    };
                    entry.0.add(field);
                    entry.1.push(index << 2 | field.code());
                }
                index += 1;
            }
        }
    };
    add(&doc.title, Field::Title);
    for tag in &doc.tags {
        add(tag, Field::Tags);
    }
    add(&doc.summary, Field::Summary);
    add(&doc.text, Field::Body);
    terms
}

/// One encoded list, built in doc order.
#[derive(Default)]
struct Postings {
    last: u32,
    text: String,
}

impl Postings {
    fn push(&mut self, doc: u32, weight: u32) {
        encode::push_number(&mut self.text, doc - self.last);
        encode::push_number(&mut self.text, weight);
        self.last = doc;
    }
}

impl Serialize for Postings {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// A bigram's postings and positions.
#[derive(Default)]
struct Bigram {
    postings: Postings,
    positions: Postings,
}

/// All postings of the site (hash maps while merging; shards sort their keys).
#[derive(Default)]
pub struct Built {
    /// fold → tone key → postings.
    unigrams: HashMap<String, BTreeMap<String, Postings>>,
    bigrams: HashMap<String, Bigram>,
}

#[derive(Serialize, Default)]
struct TermShard<'a> {
    /// Bigrams.
    b: BTreeMap<&'a str, &'a Postings>,
    /// Unigrams, per spelling.
    u: BTreeMap<&'a str, &'a BTreeMap<String, Postings>>,
}

/// Tokenises every doc (in parallel) and merges the postings in id order.
pub fn build(docs: &[&SearchDoc]) -> Built {
    let mut built = Built::default();
    for (c, chunk) in docs.chunks(CHUNK).enumerate() {
        let terms: Vec<DocTerms> = chunk.par_iter().map(|d| doc_terms(d)).collect();
        for (k, t) in terms.into_iter().enumerate() {
            built.add((c * CHUNK + k) as u32, t);
        }
    }
    built
}

impl Built {
    fn add(&mut self, doc: u32, terms: DocTerms) {
        for ((fold, tone), w) in terms.unigrams {
            let variants = match self.unigrams.get_mut(fold.as_str()) {
                Some(v) => v,
                None => self.unigrams.entry(fold).or_default(),
            };
            variants.entry(tone).or_default().push(doc, w.value());
        }
        for (key, (w, positions)) in terms.bigrams {
            let b = match self.bigrams.get_mut(key.as_str()) {
                Some(b) => b,
                None => self.bigrams.entry(key).or_default(),
            };
            b.postings.push(doc, w.value());
            let p = &mut b.positions;
            p.push(doc, positions.len() as u32);
            let mut last = 0;
            for pos in positions {
                encode::push_number(&mut p.text, pos - last);
                last = pos;
            }
        }
    }

    /// Approximate JSON size of all postings shards.
    pub fn term_bytes(&self) -> usize {
        let u: usize = self
            .unigrams
            .iter()
            .map(|(k, v)| k.len() + 4 + v.iter().map(|(t, p)| t.len() + p.text.len() + 6).sum::<usize>())
            .sum();
        u + self.bigrams.iter().map(|(k, b)| k.len() + b.postings.text.len() + 6).sum::<usize>()
    }

    /// Approximate JSON size of all positions shards.
    pub fn position_bytes(&self) -> usize {
        self.bigrams.iter().map(|(k, b)| k.len() + b.positions.text.len() + 6).sum()
    }

    /// The `2^bits` postings shard files, in shard order.
    pub fn term_shards(&self, bits: u32) -> Vec<Vec<u8>> {
        let mut shards: Vec<TermShard<'_>> = (0..1usize << bits).map(|_| TermShard::default()).collect();
        for (key, variants) in &self.unigrams {
            shards[encode::shard_of(key, bits) as usize].u.insert(key, variants);
        }
        for (key, b) in &self.bigrams {
            shards[encode::shard_of(key, bits) as usize].b.insert(key, &b.postings);
        }
        shards.iter().map(encode::to_json).collect()
    }

    /// The `2^bits` positions shard files, in shard order.
    pub fn position_shards(&self, bits: u32) -> Vec<Vec<u8>> {
        let mut shards: Vec<BTreeMap<&str, &Postings>> = vec![BTreeMap::new(); 1usize << bits];
        for (key, b) in &self.bigrams {
            shards[encode::shard_of(key, bits) as usize].insert(key, &b.positions);
        }
        shards.iter().map(encode::to_json).collect()
    }
}
