//! The shard files of the postings: `t/<hex>.json` and `p/<hex>.json`.
//!
//! Takes: the site's [`AllPostings`] postings, and the shard bits the caller chose from their
//! approximate sizes ([`AllPostings::term_bytes`], [`AllPostings::position_bytes`]).
//! Gives: the bytes of each shard file, handed over as soon as it is made, each shard's
//! postings freed with it.
//! Must not: write bytes other than those `serde_json` writes in compact form, passed through
//! [`encode::escape_markup`] (a test compares the two; `search.js` parses them), nor touch the
//! file system.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
#[cfg(test)]
use serde::{Serialize, Serializer};

use super::encode;
use super::postings::{AllPostings, Postings};

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

/// What one postings shard, `t/<hex>.json`, holds.
#[derive(Default)]
#[cfg_attr(test, derive(Serialize))]
struct TermShard {
    /// Bigrams, keyed `"fold fold"`.
    b: BTreeMap<String, Postings>,
    /// Unigrams, per spelling.
    u: BTreeMap<Arc<str>, Spellings>,
}

impl AllPostings {
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
}
