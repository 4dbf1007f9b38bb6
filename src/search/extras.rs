//! What the search page shows and matches beside the ranked postings: each page's text for
//! its excerpt (a member of `x/<n>.bin`, see `packs`), the syllables by their first letters
//! for the word being typed (`k/<hex>.json`), and the names file (`n.json`: document numbers
//! and term pages).
//!
//! Takes: [`SearchDoc`]s in id order, and the postings (for the vocabulary).
//! Gives: file bytes; the caller names and emits them.
//! Must not: touch the file system; flate2 lives here only (one module per external crate).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use super::doc::{SearchDoc, Topic};
use super::encode;
use super::postings::AllPostings;
use super::tokenize::tokenize;

/// Characters of a fold key that pick its prefix list: `khuy` is looked up under `kh`.
pub const PREFIX_CHARS: usize = 2;

/// The excerpt text of one page (its part of an `x/<n>.bin` pack), gzip of the JSON
/// `[text, [[offset, id], …]]`: its text and, for each heading of it, where the heading's line
/// starts (in UTF-16 code units, as JavaScript counts) and its anchor id. Gzip: the texts are
/// most of these bytes, and Vietnamese text shrinks to about a third; `search.js` inflates it
/// with `DecompressionStream`.
pub fn text_file(doc: &SearchDoc) -> Vec<u8> {
    let text: &str = &doc.text;
    let mut headings = Vec::with_capacity(doc.headings.len());
    let (mut byte, mut units) = (0, 0);
    for (at, id) in &doc.headings {
        // Offsets ascend; one that is not a char boundary of the text (not expected) is left out.
        if *at < byte || !text.is_char_boundary(*at) {
            continue;
        }
        units += text[byte..*at].encode_utf16().count();
        byte = *at;
        headings.push((units, id.as_str()));
    }
    gzip(&encode::to_json(&(text, headings)))
}

/// Deterministic gzip (no file name, time 0; zlib-rs picks no match differently on another
/// CPU: its hash has one form, and its vector code only compares and slides), at level 2: on
/// the excerpt texts of the 10,000 gen_corpus.py articles it keeps 34.4% of the bytes where
/// miniz_oxide at its fastest level (used before) kept 38.6%, for about the same CPU in a build
/// (0.58 s against 0.63 s in one profile each; 1.1–1.2× in a loop over 3,000 texts); a reader
/// fetches about ten of these files per search.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::GzBuilder::new().mtime(0).write(Vec::new(), flate2::Compression::new(2));
    // Writing into a Vec cannot fail.
    let _ = gz.write_all(bytes);
    gz.finish().unwrap_or_default()
}

/// Inflates what [`gzip`] made (tests).
#[cfg(test)]
pub fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).expect("gzip");
    out
}

/// The fold keys of the site by their first [`PREFIX_CHARS`] characters, each with the number
/// of pages that have it (at most: spellings are counted apart), most frequent first.
pub fn prefixes(built: &AllPostings) -> BTreeMap<String, Vec<(String, u32)>> {
    let mut out: BTreeMap<String, Vec<(String, u32)>> = BTreeMap::new();
    for (key, spellings) in &built.folds {
        if spellings.is_empty() || key.chars().count() <= PREFIX_CHARS {
            continue;
        }
        let pages: u32 = spellings.iter().map(|(_, p)| p.count_numbers() / 2).sum();
        let prefix: String = key.chars().take(PREFIX_CHARS).collect();
        out.entry(prefix).or_default().push((key.to_string(), pages));
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }
    out
}

/// The key a document number or alias is looked up by: its fold keys, space-separated
/// (`49-KL/TW` → `49 kl tw`, `Kết luận 49` → `ket luan 49`); `search.js` makes the same of
/// the query.
pub fn code_key(code: &str) -> String {
    let folds: Vec<String> = tokenize(code).into_iter().flatten().map(|t| t.fold).collect();
    folds.join(" ")
}

/// `n.json`: `{"codes": [[key, id, number], …], "topics": [[kind, name, url], …]}`. Codes are
/// sorted by key (a key two documents share is kept for the first, the newer); topics by kind,
/// then Vietnamese order, once per URL.
pub fn names_file(docs: &[&SearchDoc]) -> Vec<u8> {
    let mut codes: BTreeMap<String, (u32, &str)> = BTreeMap::new();
    let mut topics: BTreeSet<&Topic> = BTreeSet::new();
    for (id, d) in docs.iter().enumerate() {
        let number = d.codes.first().map_or("", String::as_str);
        for code in &d.codes {
            let key = code_key(code);
            if !key.is_empty() {
                codes.entry(key).or_insert((id as u32, number));
            }
        }
        topics.extend(&d.topics);
    }
    let mut seen = BTreeSet::new();
    let mut topics: Vec<&Topic> = topics.into_iter().filter(|t| seen.insert(&t.url)).collect();
    topics.sort_by(|a, b| {
        a.kind.cmp(&b.kind).then_with(|| crate::vi::collate(&a.name, &b.name)).then_with(|| a.url.cmp(&b.url))
    });
    let codes: Vec<(&str, u32, &str)> = codes.iter().map(|(k, (id, n))| (k.as_str(), *id, *n)).collect();
    let topics: Vec<(&str, &str, &str)> =
        topics.iter().map(|t| (t.kind.code(), t.name.as_str(), t.url.as_str())).collect();
    #[derive(serde::Serialize)]
    struct Names<'a> {
        codes: Vec<(&'a str, u32, &'a str)>,
        topics: Vec<(&'a str, &'a str, &'a str)>,
    }
    encode::to_json(&Names { codes, topics })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::doc::TopicKind;

    fn doc(text: &str) -> SearchDoc {
        SearchDoc {
            url: "/a/".into(),
            title: "A".into(),
            section: "".into(),
            kind: "article".into(),
            audiences: vec![],
            tags: vec![],
            date: None,
            summary: "".into(),
            text: text.into(),
            headings: vec![],
            codes: vec![],
            topics: vec![],
        }
    }

    #[test]
    fn text_file_is_gzip_of_text_and_heading_offsets_in_utf16() {
        let mut d = doc("Mở đầu 😀\nKết luận\nNội dung <b>");
        let at = d.text.find("Kết").unwrap();
        d.headings = vec![(at, "ket-luan".into())];
        let bytes = text_file(&d);
        assert_eq!(&bytes[..2], [0x1f, 0x8b], "gzip magic");
        let v: serde_json::Value = serde_json::from_slice(&gunzip(&bytes)).unwrap();
        assert_eq!(v[0], "Mở đầu 😀\nKết luận\nNội dung <b>");
        // "Mở đầu 😀\n" is 10 UTF-16 units (the emoji takes two).
        assert_eq!(v[1], serde_json::json!([[10, "ket-luan"]]));
        assert!(!String::from_utf8(gunzip(&bytes)).unwrap().contains('<'), "markup escaped");
        assert_eq!(bytes, text_file(&d), "deterministic");
    }

    #[test]
    fn code_keys_fold_numbers_and_aliases() {
        assert_eq!(code_key("49-KL/TW"), "49 kl tw");
        assert_eq!(code_key("Kết luận 49"), "ket luan 49");
        assert_eq!(code_key("1373/QĐ-TTg"), "1373 qd ttg");
    }

    #[test]
    fn names_file_lists_codes_and_each_topic_once() {
        let topic =
            |kind, name: &str, url: &str| Topic { kind, name: name.into(), url: url.into(), id: None };
        let mut a = doc("x");
        a.codes = vec!["49-KL/TW".into(), "Kết luận 49".into()];
        a.topics = vec![topic(TopicKind::Tag, "Khuyến học", "/tags/khuyen-hoc/")];
        let mut b = doc("y");
        b.topics = vec![
            topic(TopicKind::Term, "Học tập suốt đời", "/thuat-ngu/#hoc-tap-suot-doi"),
            topic(TopicKind::Tag, "Khuyến học", "/tags/khuyen-hoc/"),
            topic(TopicKind::Audience, "Gia đình", "/doi-tuong/gia-dinh/"),
            topic(TopicKind::Tag, "Đảng viên", "/tags/dang-vien/"),
        ];
        let v: serde_json::Value = serde_json::from_slice(&names_file(&[&a, &b])).unwrap();
        assert_eq!(
            v["codes"],
            serde_json::json!([["49 kl tw", 0, "49-KL/TW"], ["ket luan 49", 0, "49-KL/TW"]])
        );
        assert_eq!(
            v["topics"],
            serde_json::json!([
                ["t", "Đảng viên", "/tags/dang-vien/"],
                ["t", "Khuyến học", "/tags/khuyen-hoc/"],
                ["a", "Gia đình", "/doi-tuong/gia-dinh/"],
                ["g", "Học tập suốt đời", "/thuat-ngu/#hoc-tap-suot-doi"]
            ])
        );
    }
}
