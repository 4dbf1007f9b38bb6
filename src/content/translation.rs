//! Translations (issue 28): which language a source file is in, and the links between a page
//! and its translations.
//!
//! The rule for file names, as in Hugo and Zola: a translation sits beside its original with
//! the language code before `.md` (`ten-bai.en.md`, `_index.en.md`, a bundle's `index.en.md`).
//! A last dotted part that has the shape of a language code (two or three lowercase letters,
//! an optional `-region`: see [`is_language_code`]) is read as a
//! language, and must be declared under `languages:`; any other dotted part
//! (`bao-cao.2024.md`, `ke-hoach.UBND.md`, `quy-che.ubnd.md`) is part of the page's name.
//!
//! Takes the sources' paths and the declared languages; gives each language's sources, or the problems.
//! Pure: no file system.

use std::collections::{BTreeMap, HashMap};

use super::Source;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// Whether `code` has the shape of a language code: two or three lowercase ASCII letters, with
/// an optional region or script after a `-` (`en`, `km`, `hmn`, `pt-br`). This is also the rule
/// that makes a file name's last dotted part a language (`bai.en.md`).
pub fn is_language_code(code: &str) -> bool {
    let (lang, region) = match code.split_once('-') {
        Some((l, r)) => (l, Some(r)),
        None => (code, None),
    };
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_lowercase())
        && region.is_none_or(|r| {
            (2..=8).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The languages of a site, as the partition of its sources needs them.
#[derive(Debug, Clone, Copy)]
pub struct Declared<'a> {
    /// The default language's code (`language:`, `vi`).
    pub default: &'a str,
    /// The other languages' codes (`languages:`), in written order.
    pub others: &'a [&'a str],
}

/// `a/b.en.md` → (`a/b.md`, `Some("en")`); `a/b.md` and `a/bao-cao.2024.md` → themselves and
/// `None`. The language is any last dotted part shaped like a language code, declared or not.
pub fn split_language(rel: &str) -> (String, Option<&str>) {
    let Some(stem) = rel.strip_suffix(".md") else { return (rel.to_string(), None) };
    let name_start = stem.rfind('/').map_or(0, |i| i + 1);
    match stem[name_start..].rsplit_once('.') {
        Some((name, lang)) if !name.is_empty() && is_language_code(lang) => {
            (format!("{}{name}.md", &stem[..name_start]), Some(lang))
        }
        _ => (rel.to_string(), None),
    }
}

/// The page a content-relative path stands for, whatever its form: `a/b.md` and
/// `a/b/index.md` are both `a/b`; `a/_index.md` is `a/` (the section).
pub fn page_key(rel: &str) -> String {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    if stem == "_index" || stem == "index" {
        return String::new();
    }
    if let Some(dir) = stem.strip_suffix("/_index") {
        return format!("{dir}/");
    }
    stem.strip_suffix("/index").unwrap_or(stem).to_string()
}

/// The sources of each language: the default language's first, then each of
/// `declared.others` in order. A translation keeps its file name (`content/x.en.md`) for
/// messages; its `rel` becomes its original's (`x.md`), so it lands on the same route under
/// its language's prefix. A section not translated into a language is in that language's
/// sources as it is (its file without a language). Errors: a language not declared, a translation whose original does
/// not exist, two files for one page in one language.
pub fn partition(declared: Declared<'_>, sources: Vec<Source>) -> (Vec<Vec<Source>>, Diagnostics) {
    let mut diags = Diagnostics::new();
    if declared.others.is_empty() {
        // One language: no original to find (a large site's build pays nothing more).
        let (plain, named): (Vec<Source>, Vec<Source>) =
            sources.into_iter().partition(|s| split_language(&s.rel).1.is_none());
        for s in &named {
            diags.push(undeclared(declared, &s.file, split_language(&s.rel).1.unwrap_or_default()));
        }
        return (vec![plain], diags);
    }
    let mut by_lang: Vec<Vec<Source>> = vec![Vec::new(); declared.others.len() + 1];
    let originals: BTreeMap<String, String> = sources
        .iter()
        .filter(|s| split_language(&s.rel).1.is_none())
        .map(|s| (page_key(&s.rel), s.rel.clone()))
        .collect();
    // (language, page) → the first file given for it.
    let mut seen: BTreeMap<(usize, String), String> = BTreeMap::new();
    for mut s in sources {
        let (base, lang) = split_language(&s.rel);
        let Some(code) = lang else {
            by_lang[0].push(s);
            continue;
        };
        let Some(i) = declared.others.iter().position(|l| *l == code) else {
            diags.push(undeclared(declared, &s.file, code));
            continue;
        };
        let key = page_key(&base);
        let Some(original) = originals.get(&key) else {
            diags.push(
                Diagnostic::error(
                    "translation",
                    Location::at(&s.file, 1, 1),
                    format!("bản dịch `{code}` của một trang không có: không có tệp content/{base}"),
                )
                .with_hint(format!(
                    "{}đặt bản dịch cạnh trang gốc, cùng tên và thêm `.{code}` trước `.md` (English: the original page of this translation does not exist)",
                    nearest_original(&originals, &key)
                        .map(|o| format!("có phải đây là bản dịch của content/{o}? "))
                        .unwrap_or_default()
                )),
            );
            continue;
        };
        if let Some(first) = seen.get(&(i + 1, key.clone())) {
            diags.push(
                Diagnostic::error(
                    "translation",
                    Location::at(&s.file, 1, 1),
                    format!("trang content/{original} đã có bản dịch `{code}` là {first}"),
                )
                .with_hint("mỗi trang chỉ có một bản dịch cho mỗi ngôn ngữ: xóa hoặc gộp một trong hai tệp"),
            );
            continue;
        }
        seen.insert((i + 1, key), s.file.clone());
        // The translation takes its original's form (a bundle's `index.md` or a page's `x.md`),
        // so it gets the same route.
        s.rel = original.clone();
        by_lang[i + 1].push(s);
    }
    // A section a language has not translated is built from its original (its kind, its
    // pages' kind, its listing), keeping the original's file name: it is no translation.
    // The home page is not: a language's home page without its own `_index` has the
    // language's title.
    let sections: Vec<Source> =
        by_lang[0].iter().filter(|s| s.rel.ends_with("/_index.md")).cloned().collect();
    for (i, part) in by_lang.iter_mut().enumerate().skip(1) {
        for s in &sections {
            if !seen.contains_key(&(i, page_key(&s.rel))) {
                part.push(s.clone());
            }
        }
        part.sort_by(|a, b| a.rel.cmp(&b.rel).then_with(|| a.file.cmp(&b.file)));
    }
    (by_lang, diags)
}

/// One language of a site in several, as the links between them name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageLink {
    /// Its code (`vi`, `en`).
    pub code: String,
    /// Its name in itself (`Tiếng Việt`, `English`).
    pub name: String,
    /// The URL of its home page (base path and prefix included).
    pub home: String,
    /// Scheme and host of its URLs (`https://khuyenhoc.example`): an URL's absolute form is
    /// this and the URL.
    pub origin: String,
}

/// One version of an output, in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version<'a> {
    /// The language.
    pub language: &'a LanguageLink,
    /// The URL of the version; the language's home page when there is none.
    pub url: &'a str,
    /// Whether the output has a version in the language (else `url` is its home page).
    pub exists: bool,
    /// Whether it is the language of the output itself.
    pub current: bool,
}

/// The pages of every language of a site in several, by the page they translate (see
/// [`page_key`]).
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// Every language, the default one first.
    pub languages: Vec<LanguageLink>,
    /// Per language (in the order of `languages`): page key → URL of its version.
    urls: Vec<BTreeMap<String, String>>,
    /// Per language: URL → page key, the reverse of `urls`.
    keys: Vec<HashMap<String, String>>,
}

impl Links {
    /// The links of `languages` whose pages are `urls` (one map per language, page key → URL).
    pub fn new(languages: Vec<LanguageLink>, urls: Vec<BTreeMap<String, String>>) -> Links {
        let keys = urls.iter().map(|m| m.iter().map(|(k, u)| (u.clone(), k.clone())).collect()).collect();
        Links { languages, urls, keys }
    }

    /// The index of language `code`.
    pub fn index(&self, code: &str) -> Option<usize> {
        self.languages.iter().position(|l| l.code == code)
    }

    /// Every language's version of the output at `url` (base path included) of language
    /// `lang`, in the order of `languages`. An output that is no page or section (a taxonomy,
    /// a listing's second page) has no version in another language.
    pub fn versions<'a>(&'a self, lang: usize, url: &'a str) -> Vec<Version<'a>> {
        let key = self.keys.get(lang).and_then(|k| k.get(url));
        self.languages
            .iter()
            .enumerate()
            .map(|(i, language)| {
                let found = if i == lang {
                    Some(url)
                } else {
                    key.and_then(|k| self.urls[i].get(k)).map(String::as_str)
                };
                Version {
                    language,
                    url: found.unwrap_or(&language.home),
                    exists: found.is_some(),
                    current: i == lang,
                }
            })
            .collect()
    }
}

fn undeclared(languages: Declared<'_>, file: &str, code: &str) -> Diagnostic {
    let declared: Vec<String> =
        std::iter::once(format!("{} (mặc định, không cần hậu tố)", languages.default))
            .chain(languages.others.iter().map(|l| l.to_string()))
            .collect();
    Diagnostic::error(
        "translation",
        Location::at(file, 1, 1),
        format!("ngôn ngữ `{code}` chưa được khai báo trong loa.yaml"),
    )
    .with_hint(format!(
        "các ngôn ngữ đã khai báo: {}; thêm `languages: {{{code}: {{name: …}}}}` vào loa.yaml, hoặc đổi tên tệp nếu `.{code}` không phải mã ngôn ngữ (English: a file name ending in .<2–3 letters>.md is a translation)",
        declared.join(", ")
    ))
}

/// The original whose key is closest to `key` (a misspelt file name), for the hint.
fn nearest_original<'a>(originals: &'a BTreeMap<String, String>, key: &str) -> Option<&'a str> {
    let near = crate::diagnostics::did_you_mean(key, originals.keys().map(String::as_str))?;
    originals.get(near).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared<'a>(others: &'a [&'a str]) -> Declared<'a> {
        Declared { default: "vi", others }
    }

    fn src(rel: &str) -> Source {
        Source { file: format!("content/{rel}"), rel: rel.to_string(), text: "---\ntitle: a\n---\n".into() }
    }

    #[test]
    fn the_language_is_the_last_dotted_part_shaped_like_a_code() {
        assert_eq!(split_language("a/b.en.md"), ("a/b.md".to_string(), Some("en")));
        assert_eq!(split_language("a/_index.km.md"), ("a/_index.md".to_string(), Some("km")));
        assert_eq!(split_language("a/b/index.pt-br.md"), ("a/b/index.md".to_string(), Some("pt-br")));
        for plain in
            ["a/b.md", "bao-cao.2024.md", "ke-hoach.UBND.md", "quy-che.ubnd.md", ".en.md", "a.b/c.md"]
        {
            assert_eq!(split_language(plain), (plain.to_string(), None), "{plain}");
        }
    }

    #[test]
    fn a_page_and_its_bundle_are_one_page() {
        assert_eq!(page_key("a/b.md"), "a/b");
        assert_eq!(page_key("a/b/index.md"), "a/b");
        assert_eq!(page_key("a/_index.md"), "a/");
        assert_eq!(page_key("_index.md"), "");
    }

    #[test]
    fn translations_go_to_their_language_with_their_originals_rel() {
        let (langs, diags) = partition(
            declared(&["en", "km"]),
            vec![
                src("_index.md"),
                src("_index.en.md"),
                src("a.md"),
                src("a.km.md"),
                src("b/index.md"),
                src("b/index.en.md"),
            ],
        );
        assert!(diags.is_empty(), "{diags:?}");
        let rels = |i: usize| langs[i].iter().map(|s| (s.rel.as_str(), s.file.as_str())).collect::<Vec<_>>();
        assert_eq!(
            rels(0),
            [
                ("_index.md", "content/_index.md"),
                ("a.md", "content/a.md"),
                ("b/index.md", "content/b/index.md")
            ]
        );
        assert_eq!(rels(1), [("_index.md", "content/_index.en.md"), ("b/index.md", "content/b/index.en.md")]);
        assert_eq!(rels(2), [("a.md", "content/a.km.md")]);
    }

    #[test]
    fn a_site_in_one_language_refuses_a_file_named_as_a_translation() {
        let (langs, diags) =
            partition(declared(&[]), vec![src("a.md"), src("a.en.md"), src("bao-cao.2024.md")]);
        assert_eq!(langs.len(), 1);
        assert_eq!(langs[0].iter().map(|s| s.rel.as_str()).collect::<Vec<_>>(), ["a.md", "bao-cao.2024.md"]);
        assert_eq!(diags.0.len(), 1);
        assert!(diags.to_string().contains("content/a.en.md:1:1"), "{diags}");
    }

    #[test]
    fn undeclared_languages_orphans_and_doubles_are_errors_naming_the_choices() {
        let (langs, diags) = partition(
            declared(&["en"]),
            vec![src("bai.md"), src("bai.fr.md"), src("bia.en.md"), src("bai.en.md"), src("bai/index.en.md")],
        );
        assert_eq!(langs[1].len(), 1);
        let text = diags.to_string();
        assert!(text.contains("`fr` chưa được khai báo") && text.contains("vi (mặc định"), "{text}");
        assert!(text.contains("content/bia.md") && text.contains("content/bai.md"), "{text}");
        assert!(text.contains("đã có bản dịch `en`"), "{text}");
        assert_eq!(diags.0.len(), 3);
    }

    #[test]
    fn versions_link_a_page_to_its_translations_and_else_to_the_homes() {
        let lang = |code: &str, home: &str| LanguageLink {
            code: code.into(),
            name: code.into(),
            home: home.into(),
            origin: String::new(),
        };
        let map =
            |pairs: &[(&str, &str)]| pairs.iter().map(|(k, u)| (k.to_string(), u.to_string())).collect();
        let links = Links::new(
            vec![lang("vi", "/"), lang("en", "/en/"), lang("km", "/km/")],
            vec![
                map(&[("", "/"), ("a", "/a/"), ("b", "/b/")]),
                map(&[("", "/en/"), ("a", "/en/a/")]),
                map(&[("", "/km/")]),
            ],
        );
        let seen = |v: Vec<Version<'_>>| {
            v.iter().map(|v| (v.url.to_string(), v.exists, v.current)).collect::<Vec<_>>()
        };
        let s = |u: &str| u.to_string();
        assert_eq!(
            seen(links.versions(0, "/a/")),
            [(s("/a/"), true, true), (s("/en/a/"), true, false), (s("/km/"), false, false)]
        );
        assert_eq!(
            seen(links.versions(1, "/en/a/")),
            [(s("/a/"), true, false), (s("/en/a/"), true, true), (s("/km/"), false, false)]
        );
        assert_eq!(
            seen(links.versions(0, "/b/")),
            [(s("/b/"), true, true), (s("/en/"), false, false), (s("/km/"), false, false)]
        );
        // A taxonomy page is in its own language only.
        assert_eq!(
            seen(links.versions(1, "/en/tags/")),
            [(s("/"), false, false), (s("/en/tags/"), true, true), (s("/km/"), false, false)]
        );
    }
}
