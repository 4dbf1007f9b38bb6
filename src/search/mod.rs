//! The site search index (design note VIETNAMESE §7).
//!
//! Takes: one [`SearchDoc`] per searchable page (plain text; the render stage extracts it).
//! Gives: [`build_index`], the files of a static, sharded index under `tim-kiem/index/`, which
//! `themes/loa/static/search.js` loads lazily in the browser:
//!
//! | file | holds | fetched |
//! |---|---|---|
//! | `meta.json` | format, version, counts, shard bits, stop words, filter names | first query |
//! | `t/<hex>.json` | postings of folded syllables (per spelling) and folded bigrams | per query key |
//! | `p/<hex>.json` | trigram positions, for phrases of three or more syllables | such phrases only |
//! | `d/<n>.json` | pages `n*8 .. n*8+8`: `[url, title, section index, kind, date, summary, x offset, x length]` | shown results |
//! | `f/{s,a,t}<i>.json` | doc ids of one section, audience or tag | active filters only |
//! | `x/<n>.bin` | pages `n*32 .. n*32+32`: each a gzip of its text and its headings' offsets, for the excerpt, one after the other | a `Range` of it per shown result |
//! | `k/<hex>.json` | fold keys by their first two letters, for the syllable being typed | last query word |
//! | `n.json` | document numbers and aliases → page; term pages (tags, audiences, glossary) | first query |
//!
//! Keys are `vi::fold`ed syllables split by [`tokenize`]; bigrams never span punctuation.
//! Unigram postings are kept per spelling (`vi::tone_key`), which gives the exact-diacritic
//! bonus without storing anything twice, and skip stop words; bigrams and positions keep them.
//! Doc ids follow date (newest first), then url, so id order is the final tie-break.
//! Must not: touch the file system, or depend on the order of `docs` (same docs → same bytes).
//! Longer than 600 lines: over half of it is the tests of the file layout above, which read
//! one another's files (a `d/` row and its `x/` pack), kept beside the code that writes them.

mod doc;
pub mod encode;
mod extras;
mod packs;
mod pair_table;
mod postings;
mod shards;
mod terms;
pub mod tokenize;

pub use doc::{STOP_WORDS, SearchDoc, Topic, TopicKind};
use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::vi;
pub use terms::{BODY_TF_MAX, IN_SUMMARY, IN_TAGS, IN_TITLE};
pub use tokenize::{Token, tokenize};

/// Where the index lives in the output tree.
pub const INDEX_DIR: &str = "tim-kiem/index";

/// True for an output path (`tim-kiem/index/meta.json`) under [`INDEX_DIR`].
pub fn is_index_file(path: &str) -> bool {
    path.strip_prefix(INDEX_DIR).is_some_and(|rest| rest.starts_with('/'))
}

/// Version of the file layout below; `search.js` refuses other versions. 2: the excerpt
/// texts packed (`x/<n>.bin`, with each page's place in its `d/` row), where 1 had a file a page.
pub const FORMAT: u32 = 2;

/// Pages per `d/<n>.json` file: a page of results costs a few small requests, and a large site
/// does not get one file per page.
pub const DOC_CHUNK: usize = 8;

/// Pages per excerpt pack `x/<n>.bin`. A browser reads one page's bytes with a `Range`
/// request, so the size of a pack costs a reader nothing; a server that ignores `Range`
/// sends the whole pack (about 50 KiB on the benchmark corpus), at most once per pack.
pub const XCHUNK: usize = 32;

/// Average size aimed at for one postings shard (bytes); decides `bits`.
const TERM_SHARD_TARGET: usize = 16 * 1024;
/// Average size aimed at for one positions shard (bytes); decides `pbits`.
const POSITION_SHARD_TARGET: usize = 48 * 1024;
/// Average size aimed at for one prefix list shard (bytes); decides `kbits`: the word being
/// typed costs one such file.
const PREFIX_SHARD_TARGET: usize = 4 * 1024;
/// At most 2^12 files of each shard kind.
const MAX_SHARD_BITS: u32 = 12;

/// `meta.json`: everything the browser needs before it fetches a shard.
#[derive(Serialize)]
struct Meta<'a> {
    /// [`FORMAT`].
    format: u32,
    /// Hash of every other index file (its path and the FNV-1a of its bytes, in path order);
    /// appended as `?v=` so caches never mix two builds.
    v: String,
    /// Number of pages; ids are `0..docs`.
    docs: usize,
    /// [`DOC_CHUNK`].
    chunk: usize,
    /// [`XCHUNK`].
    xchunk: usize,
    /// Postings shards: `t/<shard_name(fnv1a(key) & mask, bits)>.json`.
    bits: u32,
    /// Positions shards, same scheme under `p/`.
    pbits: u32,
    /// Prefix lists, same scheme under `k/`, keyed by the first `prefix` characters of a fold
    /// key: `{prefix: [[fold key, pages], …]}`, most frequent first.
    kbits: u32,
    /// [`extras::PREFIX_CHARS`].
    prefix: usize,
    /// [`STOP_WORDS`], for dropping them from the query's unigrams.
    stop: &'a [&'a str],
    /// Section titles; `f/s<i>.json` lists the pages of `sections[i]`.
    sections: Vec<&'a str>,
    /// Audience ids; `f/a<i>.json`.
    audiences: Vec<&'a str>,
    /// The audiences' names, in the order of `audiences` (the id when no page names it).
    audience_names: Vec<&'a str>,
    /// Tag names; `f/t<i>.json`.
    tags: Vec<&'a str>,
}

/// One page in `d/<n>.json`, as an array: `[url, title, section index, kind, date, summary,
/// offset, length]`, the last two of its excerpt text in `x/<id / XCHUNK>.bin`.
type DocRow<'a> = (&'a str, &'a str, Option<usize>, &'a str, Option<&'a str>, &'a str, u32, u32);

/// A filter value (section, audience or tag): its name and its doc ids, ascending.
type Group<'a> = (&'a str, Vec<u32>);

/// Builds the search index: output path (under [`INDEX_DIR`]) → file bytes.
///
/// Deterministic: the same set of docs, in any order, gives identical bytes.
pub fn build_index(docs: &[SearchDoc]) -> BTreeMap<String, Vec<u8>> {
    build_index_unless(docs, &|| false).unwrap_or_default()
}

/// [`build_index`], giving up (`None`) as soon as `cancelled()` says so: `loa serve` builds
/// the index after the reload and drops it when a newer build has started.
pub fn build_index_unless(
    docs: &[SearchDoc],
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Option<BTreeMap<String, Vec<u8>>> {
    let files = std::sync::Mutex::new(BTreeMap::new());
    let keep = |path: String, bytes: Vec<u8>| {
        files.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(path, bytes);
    };
    write_index(docs.to_vec(), cancelled, &keep)?;
    Some(files.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner))
}

/// Builds the index and hands each file to `emit` (path under [`INDEX_DIR`], bytes) as soon as
/// it is made, `meta.json` last; the postings are freed shard by shard as they are written, so
/// the index is never held twice (a large site's index is tens of MiB), and each doc's text
/// is dropped once it is tokenised. `None` when `cancelled()` turned true (files already
/// emitted are then incomplete).
pub fn write_index(
    docs: Vec<SearchDoc>,
    cancelled: &(dyn Fn() -> bool + Sync),
    emit: &(dyn Fn(String, Vec<u8>) + Sync),
) -> Option<()> {
    write_index_beside(docs, cancelled, emit, &|_, _| {}, &excerpt_file)
}

/// Makes the excerpt file of one page (its part of an `x/<n>.bin` pack), or gives it from a
/// cache: [`excerpt_file`], or the caller's reuse of it keyed by [`excerpt_key`].
pub type Excerpt<'a> = &'a (dyn Fn(&SearchDoc) -> Vec<u8> + Sync);

/// The excerpt file of one page: the gzip of its text and its headings' offsets.
pub fn excerpt_file(doc: &SearchDoc) -> Vec<u8> {
    extras::text_file(doc)
}

/// A fingerprint of everything [`excerpt_file`] reads of a page (its text and headings, and
/// the index's format).
pub fn excerpt_key(doc: &SearchDoc) -> u64 {
    crate::fingerprint::key_of(&(FORMAT, &*doc.text, &doc.headings))
}

/// [`write_index`], running `beside(k, n)` for each `k` in `0..n`, in order, while the docs
/// are tokenised: `loa build` renders its pages in step with the index, so that the pages'
/// bodies are freed while the postings grow, and the two never peak together.
pub fn write_index_beside(
    mut docs: Vec<SearchDoc>,
    cancelled: &(dyn Fn() -> bool + Sync),
    emit: &(dyn Fn(String, Vec<u8>) + Sync),
    beside: &(dyn Fn(usize, usize) + Sync),
    excerpt: Excerpt<'_>,
) -> Option<()> {
    sort(&mut docs);
    // (path, FNV-1a of the bytes) of every file, for the version in meta.json.
    let hashes = std::sync::Mutex::new(Vec::new());
    let out = |path: String, bytes: Vec<u8>| {
        let h = encode::fnv1a_more(encode::fnv1a(""), &bytes);
        hashes.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((path.clone(), h));
        emit(path, bytes);
    };
    let packer = packs::Packer::new(docs.len(), XCHUNK);
    let text_file = |id: u32, d: &SearchDoc| {
        if let Some((n, bytes)) = packer.add(id, excerpt(d)) {
            out(format!("{INDEX_DIR}/x/{n}.bin"), bytes);
        }
    };
    let built = postings::build(&mut docs, cancelled, beside, &text_file)?;
    if cancelled() {
        return None;
    }
    let spans = packer.spans()?;
    let docs: Vec<&SearchDoc> = docs.iter().collect();
    let prefixes = extras::prefixes(&built);
    let prefix_bytes: usize = prefixes.values().flatten().map(|(k, _)| k.len() + 8).sum();
    let kbits = shard_bits(prefix_bytes, PREFIX_SHARD_TARGET);
    let mut prefix_shards: Vec<BTreeMap<&str, &[(String, u32)]>> = vec![BTreeMap::new(); 1 << kbits];
    for (prefix, list) in &prefixes {
        prefix_shards[encode::shard_of(prefix, kbits) as usize].insert(prefix, list);
    }
    for (n, shard) in prefix_shards.iter().enumerate() {
        out(format!("{INDEX_DIR}/k/{}.json", encode::shard_name(n as u32, kbits)), encode::to_json(shard));
    }
    out(format!("{INDEX_DIR}/n.json"), extras::names_file(&docs));
    let bits = shard_bits(built.term_bytes(), TERM_SHARD_TARGET);
    let pbits = shard_bits(built.position_bytes(), POSITION_SHARD_TARGET);
    built.write_shards(bits, pbits, &|kind, shard, bytes| {
        let name = encode::shard_name(shard, if kind == "t" { bits } else { pbits });
        out(format!("{INDEX_DIR}/{kind}/{name}.json"), bytes);
    });
    let sections = groups(&docs, |d| std::slice::from_ref(&d.section), true);
    let audiences = groups(&docs, |d| &d.audiences, false);
    let tags = groups(&docs, |d| &d.tags, true);
    let section_of = section_index(docs.len(), &sections);
    // In parallel: made on the main thread alone, these many small files left the other
    // cores idle.
    docs.par_chunks(DOC_CHUNK).enumerate().for_each(|(n, chunk)| {
        let rows: Vec<DocRow<'_>> = chunk
            .iter()
            .enumerate()
            .map(|(k, d)| {
                let id = n * DOC_CHUNK + k;
                let (at, len) = spans[id];
                (&*d.url, &*d.title, section_of[id], &*d.kind, d.date.as_deref(), &*d.summary, at, len)
            })
            .collect();
        out(format!("{INDEX_DIR}/d/{n}.json"), encode::to_json(&rows));
    });
    for (prefix, list) in [("s", &sections), ("a", &audiences), ("t", &tags)] {
        for (i, (_, ids)) in list.iter().enumerate() {
            out(format!("{INDEX_DIR}/f/{prefix}{i}.json"), encode::to_json(&encode_ids(ids)));
        }
    }
    let mut hashes = hashes.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    hashes.sort_unstable();
    let mut version = encode::fnv1a("");
    for (path, h) in &hashes {
        version = encode::fnv1a_more(encode::fnv1a_more(version, path.as_bytes()), &h.to_le_bytes());
    }
    let meta = Meta {
        format: FORMAT,
        v: format!("{version:08x}"),
        docs: docs.len(),
        chunk: DOC_CHUNK,
        xchunk: XCHUNK,
        bits,
        pbits,
        kbits,
        prefix: extras::PREFIX_CHARS,
        stop: STOP_WORDS,
        sections: names(&sections),
        audience_names: audiences
            .iter()
            .map(|(id, _)| {
                let named = docs.iter().flat_map(|d| &d.topics).find(|t| t.id.as_deref() == Some(*id));
                named.map_or(*id, |t| t.name.as_str())
            })
            .collect(),
        audiences: names(&audiences),
        tags: names(&tags),
    };
    emit(format!("{INDEX_DIR}/meta.json"), encode::to_json(&meta));
    Some(())
}

/// Puts docs in id order: newest first, undated last, then by url, title and text.
fn sort(docs: &mut [SearchDoc]) {
    docs.sort_by(|a, b| {
        b.date
            .is_some()
            .cmp(&a.date.is_some())
            .then_with(|| b.date.cmp(&a.date))
            .then_with(|| a.url.cmp(&b.url))
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| a.text.cmp(&b.text))
    });
}

/// Smallest `bits` whose shards average at most `target` bytes.
fn shard_bits(total: usize, target: usize) -> u32 {
    (0..MAX_SHARD_BITS).find(|&b| total >> b <= target).unwrap_or(MAX_SHARD_BITS)
}

/// Filter values with their doc ids, in Vietnamese order. With `by_tone`, spellings that differ
/// only in tone style or case (`Đảng ủy`, `Đảng uỷ`) are one value, named by the spelling that
/// sorts first byte-wise.
fn groups<'a>(
    docs: &[&'a SearchDoc],
    values: impl Fn(&'a SearchDoc) -> &'a [String],
    by_tone: bool,
) -> Vec<Group<'a>> {
    let mut by_key: BTreeMap<String, Group<'a>> = BTreeMap::new();
    // Each distinct spelling's key, made once, not per page: a site has few tags and
    // sections, and every page names some.
    let mut keys: std::collections::HashMap<&'a str, String> = std::collections::HashMap::new();
    for (id, doc) in docs.iter().enumerate() {
        for value in values(doc) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let key = keys
                .entry(value)
                .or_insert_with(|| if by_tone { vi::tone_key(value) } else { value.to_string() });
            let entry = by_key.entry(key.clone()).or_insert((value, Vec::new()));
            entry.0 = entry.0.min(value);
            if entry.1.last() != Some(&(id as u32)) {
                entry.1.push(id as u32);
            }
        }
    }
    let mut out: Vec<Group<'a>> = by_key.into_values().collect();
    out.sort_by(|a, b| vi::collate(a.0, b.0).then_with(|| a.0.cmp(b.0)));
    out
}

fn names<'a>(list: &[Group<'a>]) -> Vec<&'a str> {
    list.iter().map(|g| g.0).collect()
}

/// Each doc's index in `sections` (None for a page without a section).
fn section_index(docs: usize, sections: &[Group<'_>]) -> Vec<Option<usize>> {
    let mut out = vec![None; docs];
    for (i, (_, ids)) in sections.iter().enumerate() {
        for &id in ids {
            out[id as usize] = Some(i);
        }
    }
    out
}

/// Ascending doc ids as deltas (the first relative to 0).
fn encode_ids(ids: &[u32]) -> String {
    let mut s = String::new();
    let mut last = 0;
    for &id in ids {
        encode::push_number(&mut s, id - last);
        last = id;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_files_are_those_under_the_index_folder() {
        assert!(is_index_file("tim-kiem/index/meta.json"));
        assert!(is_index_file("tim-kiem/index/t/0a.json"));
        assert!(!is_index_file("tim-kiem/index.html"));
        assert!(!is_index_file("tim-kiem/indexes/x.json"));
        assert!(!is_index_file("bai-viet/tim-kiem/index/x.json"));
    }
    use serde_json::Value;

    fn doc(url: &str, title: &str, text: &str) -> SearchDoc {
        SearchDoc {
            url: url.into(),
            title: title.into(),
            section: "Tin tức".into(),
            kind: "article".into(),
            audiences: vec!["can-bo".into()],
            tags: vec![],
            date: Some("2024-05-10".into()),
            summary: "".into(),
            text: text.into(),
            headings: vec![],
            codes: vec![],
            topics: vec![],
        }
    }

    fn json(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Value {
        let bytes = files.get(&format!("{INDEX_DIR}/{path}")).unwrap_or_else(|| panic!("no {path}"));
        serde_json::from_slice(bytes).expect("valid JSON")
    }

    /// The postings entry of `key` ("b" bigrams, "u" unigrams), from the shard it hashes to.
    fn entry(files: &BTreeMap<String, Vec<u8>>, kind: &str, key: &str) -> Option<Value> {
        let bits = json(files, "meta.json")["bits"].as_u64().unwrap() as u32;
        let shard = encode::shard_name(encode::shard_of(key, bits), bits);
        json(files, &format!("t/{shard}.json"))[kind].get(key).cloned()
    }

    fn decode(v: &Value) -> Vec<u32> {
        encode::decode_numbers(v.as_str().unwrap()).unwrap()
    }

    #[test]
    fn no_bigram_across_punctuation() {
        let files = build_index(&[doc("/a/", "A", "Công tác tuyển sinh; học tập suốt đời.")]);
        assert!(entry(&files, "b", "tuyen sinh").is_some());
        assert!(entry(&files, "b", "hoc tap").is_some());
        assert!(entry(&files, "b", "sinh hoc").is_none(), "bigram across ';'");
        assert!(entry(&files, "b", "doi cong").is_none());
    }

    #[test]
    fn keys_are_folded_and_spellings_kept() {
        let files = build_index(&[doc("/a/", "Đảng viên", "ĐẢNG VIÊN gương mẫu, đảng viên.")]);
        let dang = entry(&files, "u", "dang").expect("Đảng folds to dang");
        // One spelling (tone key), body count 2 plus the title bit.
        assert_eq!(dang.as_object().unwrap().keys().collect::<Vec<_>>(), ["đảng"]);
        assert_eq!(decode(&dang["đảng"]), [0, IN_TITLE | 2]);
        assert_eq!(decode(&entry(&files, "b", "dang vien").unwrap()), [0, IN_TITLE | 2]);
    }

    #[test]
    fn tone_styles_are_one_spelling_and_tones_are_not() {
        let files = build_index(&[doc("/a/", "x", "hoà hòa"), doc("/b/", "y", "học hóc")]);
        let hoa = entry(&files, "u", "hoa").unwrap();
        assert_eq!(hoa.as_object().unwrap().keys().collect::<Vec<_>>(), ["hòa"]);
        let hoc = entry(&files, "u", "hoc").unwrap();
        assert_eq!(hoc.as_object().unwrap().keys().collect::<Vec<_>>(), ["hóc", "học"]);
    }

    #[test]
    fn stop_words_only_leave_unigrams() {
        let files = build_index(&[doc("/a/", "x", "quỹ của hội có cơ sở")]);
        assert!(entry(&files, "u", "cua").is_none());
        assert!(entry(&files, "b", "quy cua").is_some());
        assert!(entry(&files, "b", "cua hoi").is_some());
        // `có` is a stop word, `cơ` is not: they share the fold key `co`.
        let co = entry(&files, "u", "co").unwrap();
        assert_eq!(co.as_object().unwrap().keys().collect::<Vec<_>>(), ["cơ"]);
    }

    #[test]
    fn doc_ids_follow_date_then_url() {
        let mut old = doc("/old/", "Cũ", "a");
        old.date = Some("2020-01-01".into());
        let mut undated = doc("/undated/", "Không ngày", "a");
        undated.date = None;
        let files = build_index(&[undated, old, doc("/b/", "B", "a"), doc("/a/", "A", "a")]);
        let rows = json(&files, "d/0.json");
        let urls: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r[0].as_str().unwrap()).collect();
        assert_eq!(urls, ["/a/", "/b/", "/old/", "/undated/"]);
        assert_eq!(
            rows[0].as_array().unwrap()[..6],
            serde_json::json!(["/a/", "A", 0, "article", "2024-05-10", ""]).as_array().unwrap()[..]
        );
        assert_eq!(rows[3][4], Value::Null);
    }

    #[test]
    fn deterministic_and_independent_of_input_order() {
        let mut docs: Vec<SearchDoc> = (0..40)
            .map(|i| {
                let mut d =
                    doc(&format!("/p{i}/"), &format!("Bài {i}: khuyến học"), "Xã hội học tập; Đảng viên.");
                d.tags = vec![format!("Thẻ {}", i % 3), "Đảng uỷ".into()];
                d.date = Some(format!("2024-01-{:02}", i % 28 + 1));
                d
            })
            .collect();
        let a = build_index(&docs);
        assert_eq!(a, build_index(&docs));
        docs.reverse();
        assert_eq!(a, build_index(&docs));
        let meta = json(&a, "meta.json");
        assert_eq!(meta["docs"], 40);
        assert_eq!(meta["tags"], serde_json::json!(["Đảng uỷ", "Thẻ 0", "Thẻ 1", "Thẻ 2"]));
        let bits = meta["bits"].as_u64().unwrap() as u32;
        for shard in 0..1u32 << bits {
            assert!(a.contains_key(&format!("{INDEX_DIR}/t/{}.json", encode::shard_name(shard, bits))));
        }
    }

    #[test]
    fn filters_list_docs_and_merge_tone_styles() {
        let mut a = doc("/a/", "A", "x");
        a.tags = vec!["Đảng ủy".into()];
        let mut b = doc("/b/", "B", "x");
        b.tags = vec!["Đảng uỷ".into()];
        b.section = "Văn bản".into();
        b.audiences = vec!["hoc-sinh".into(), "can-bo".into()];
        let files = build_index(&[a, b]);
        let meta = json(&files, "meta.json");
        assert_eq!(meta["tags"], serde_json::json!(["Đảng uỷ"]));
        assert_eq!(meta["sections"], serde_json::json!(["Tin tức", "Văn bản"]));
        assert_eq!(meta["audiences"], serde_json::json!(["can-bo", "hoc-sinh"]));
        assert_eq!(decode(&json(&files, "f/t0.json")), [0, 1]);
        assert_eq!(decode(&json(&files, "f/s1.json")), [1]);
        assert_eq!(decode(&json(&files, "f/a1.json")), [1]);
    }

    #[test]
    fn untrusted_strings_are_escaped_and_round_trip() {
        let title = "<script>alert(\"xin chào\")</script> & 'Đảng'\u{2028}";
        let mut d = doc("/a/?x=\"1\"&y=<2>", title, "</script><b>đậm</b>");
        d.tags = vec![title.into()];
        d.section = title.into();
        d.summary = "</script><b>đậm</b>".into();
        let files = build_index(&[d]);
        for (path, bytes) in &files {
            let bytes = if path.ends_with(".bin") { extras::gunzip(bytes) } else { bytes.clone() };
            let text = std::str::from_utf8(&bytes).unwrap();
            assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'), "{path}: {text}");
        }
        let page = &json(&files, "d/0.json")[0];
        assert_eq!(page[0], "/a/?x=\"1\"&y=<2>");
        assert_eq!(page[1], title);
        assert_eq!(page[5], "</script><b>đậm</b>");
        // Filter names are trimmed (U+2028 is white space).
        assert_eq!(json(&files, "meta.json")["tags"][0], title.trim());
        assert_eq!(json(&files, "meta.json")["sections"][0], title.trim());
    }

    #[test]
    fn trigram_positions_mark_field_and_index() {
        let mut d = doc("/a/", "Quỹ khuyến học", "Hội quỹ khuyến học; quỹ khuyến");
        d.tags = vec!["Giáo dục".into()];
        let files = build_index(&[d]);
        let pbits = json(&files, "meta.json")["pbits"].as_u64().unwrap() as u32;
        let shard = encode::shard_name(encode::shard_of("quy khuyen hoc", pbits), pbits);
        let p = decode(&json(&files, &format!("p/{shard}.json"))["quy khuyen hoc"]);
        // doc 0, two positions: token 0 in the title (field 3) and token 6 in the body (field 0):
        // title quỹ 0 khuyến 1 học 2, tags giáo 3 dục 4, body hội 5 quỹ 6.
        assert_eq!(p, [0, 2, 3, (6 << 2) - 3]);
        let shard = encode::shard_name(encode::shard_of("hoc quy khuyen", pbits), pbits);
        assert!(json(&files, &format!("p/{shard}.json")).get("hoc quy khuyen").is_none(), "across ';'");
    }

    #[test]
    fn streamed_files_are_the_index_each_once_with_meta_last() {
        let docs: Vec<SearchDoc> = (0..30)
            .map(|i| doc(&format!("/p{i}/"), &format!("Bài {i}"), "Khuyến học, khuyến tài."))
            .collect();
        let emitted = std::sync::Mutex::new(Vec::new());
        write_index(docs.clone(), &|| false, &|path, bytes| emitted.lock().unwrap().push((path, bytes)));
        let emitted = emitted.into_inner().unwrap();
        assert_eq!(emitted.last().map(|(p, _)| p.as_str()), Some("tim-kiem/index/meta.json"));
        let files: BTreeMap<String, Vec<u8>> = emitted.iter().cloned().collect();
        assert_eq!(files.len(), emitted.len(), "a file emitted twice");
        assert_eq!(files, build_index(&docs));
        // The version covers every file: one changed summary (a `d/` file only) changes it.
        let mut changed = docs.clone();
        changed[29].summary = "Tóm tắt mới".into();
        let v = |f: &BTreeMap<String, Vec<u8>>| json(f, "meta.json")["v"].clone();
        assert_ne!(v(&files), v(&build_index(&changed)));
        assert_eq!(v(&files), v(&build_index(&docs)));
    }

    #[test]
    fn work_beside_the_index_runs_once_per_chunk_in_order_and_changes_no_byte() {
        // 300 docs: three chunks of at most 128.
        let docs: Vec<SearchDoc> = (0..300)
            .map(|i| {
                doc(&format!("/p{i}/"), &format!("Bài {i}"), "Khuyến học, khuyến tài; học tập suốt đời.")
            })
            .collect();
        let calls = std::sync::Mutex::new(Vec::new());
        let files = std::sync::Mutex::new(BTreeMap::new());
        write_index_beside(
            docs.clone(),
            &|| false,
            &|path, bytes| {
                files.lock().unwrap().insert(path, bytes);
            },
            &|k, n| calls.lock().unwrap().push((k, n)),
            &excerpt_file,
        );
        assert_eq!(calls.into_inner().unwrap(), vec![(0, 3), (1, 3), (2, 3)]);
        assert_eq!(files.into_inner().unwrap(), build_index(&docs));
        // No docs, no chunks: nothing runs beside (the caller does that work itself).
        let none = std::sync::Mutex::new(0);
        write_index_beside(
            Vec::new(),
            &|| false,
            &|_, _| {},
            &|_, _| *none.lock().unwrap() += 1,
            &excerpt_file,
        );
        assert_eq!(none.into_inner().unwrap(), 0);
    }

    #[test]
    fn prefix_lists_give_the_syllables_a_typed_start_begins() {
        let files = build_index(&[
            doc("/a/", "Khuyến học", "khuyến tài, khuya"),
            doc("/b/", "B", "khuyến nông; kho"),
        ]);
        let meta = json(&files, "meta.json");
        let kbits = meta["kbits"].as_u64().unwrap() as u32;
        assert_eq!(meta["prefix"], 2);
        let shard = encode::shard_name(encode::shard_of("kh", kbits), kbits);
        // Most pages first; keys of two letters or fewer are never a longer word's prefix.
        assert_eq!(
            json(&files, &format!("k/{shard}.json"))["kh"],
            serde_json::json!([["khuyen", 2], ["kho", 1], ["khuya", 1]])
        );
    }

    #[test]
    fn each_page_s_row_finds_its_excerpt_text_in_its_pack() {
        // Two packs and a bit, each page's text its own.
        let docs: Vec<SearchDoc> = (0..XCHUNK * 2 + 3)
            .map(|i| {
                doc(&format!("/p{i}/"), &format!("Bài {i}"), &format!("Văn bản số {i}. ").repeat(i % 7 + 1))
            })
            .collect();
        let files = build_index(&docs);
        let packs: Vec<&String> = files.keys().filter(|k| k.contains("/x/")).collect();
        assert_eq!(packs, ["tim-kiem/index/x/0.bin", "tim-kiem/index/x/1.bin", "tim-kiem/index/x/2.bin"]);
        assert_eq!(json(&files, "meta.json")["xchunk"], XCHUNK);
        let mut sorted = docs.clone();
        sort(&mut sorted);
        for (id, d) in sorted.iter().enumerate() {
            let row = &json(&files, &format!("d/{}.json", id / DOC_CHUNK))[id % DOC_CHUNK];
            assert_eq!(row[0], *d.url);
            let (at, len) = (row[6].as_u64().unwrap() as usize, row[7].as_u64().unwrap() as usize);
            let pack = &files[&format!("{INDEX_DIR}/x/{}.bin", id / XCHUNK)];
            assert_eq!(pack[at..at + len], extras::text_file(d)[..], "page {id}");
        }
        // The packs are the pages' gzip files and nothing else.
        let total: usize = packs.iter().map(|p| files[*p].len()).sum();
        assert_eq!(total, sorted.iter().map(|d| extras::text_file(d).len()).sum::<usize>());
    }

    #[test]
    fn meta_names_audiences_from_their_topics() {
        let mut a = doc("/a/", "A", "x");
        a.audiences = vec!["gia-dinh".into(), "can-bo".into()];
        a.topics = vec![Topic {
            kind: TopicKind::Audience,
            name: "Gia đình".into(),
            url: "/doi-tuong/gia-dinh/".into(),
            id: Some("gia-dinh".into()),
        }];
        let meta = json(&build_index(&[a]), "meta.json");
        assert_eq!(meta["audiences"], serde_json::json!(["can-bo", "gia-dinh"]));
        assert_eq!(meta["audience_names"], serde_json::json!(["can-bo", "Gia đình"]));
    }

    #[test]
    fn empty_site_still_has_every_file_the_browser_asks_for() {
        let files = build_index(&[]);
        assert_eq!(json(&files, "meta.json")["docs"], 0);
        assert!(files.contains_key(&format!("{INDEX_DIR}/t/0.json")));
        assert!(files.contains_key(&format!("{INDEX_DIR}/p/0.json")));
    }
}
