//! Citations: mentions of registered documents in running text become links, and every
//! document number is kept on one line.
//!
//! Takes the registry of documents (code, aliases, URL, clause ids); gives, for a run of text,
//! the HTML with the first mention of each document linked (a clause mention such as
//! `điểm 1 Kết luận 49-KL/TW` links to the clause) and every number matched by
//! `vi::docnum` wrapped in `<span class="so-hieu">`. Pure.

use regex::Regex;

use super::html::{escape, escape_into, needs_no_escape};

/// A document others can cite.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CiteTarget {
    /// The registered code (`49-KL/TW`).
    pub code: String,
    /// Other names (`Kết luận 49`).
    pub aliases: Vec<String>,
    /// URL of its page (base path included).
    pub url: String,
    /// Its clause ids.
    pub clauses: Vec<String>,
}

/// The compiled registry. Built once per build.
#[derive(Debug, Clone)]
pub struct Citations {
    targets: Vec<CiteTarget>,
    regex: Option<Regex>,
    /// The names alone (no clause words, no word boundaries): a text none of them is in has
    /// no citation. The full pattern's Unicode word boundaries keep the regex crate off its
    /// fast engines on Vietnamese text; this one runs on them, so most texts skip the full one.
    prefilter: Option<Regex>,
}

/// Words that name a kind of document before its number (`Kết luận số 49-KL/TW`).
pub const DOC_TYPES: &[&str] = &[
    "Kết luận",
    "Chỉ thị",
    "Nghị quyết",
    "Quyết định",
    "Nghị định",
    "Thông tư",
    "Kế hoạch",
    "Hướng dẫn",
    "Công văn",
    "Luật",
    "Thông báo",
    "Quy định",
];

pub fn words_pattern(name: &str) -> String {
    // Words separated by any whitespace (line breaks included); an optional `số` before the
    // first word that starts with a digit (`Kết luận 49` also matches `Kết luận số 49`).
    let words: Vec<&str> = name.split_whitespace().collect();
    let mut p = String::new();
    let mut so_added = false;
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            p.push_str(r"\s+");
        }
        if i > 0 && !so_added && w.starts_with(|c: char| c.is_ascii_digit()) && words[i - 1] != "số" {
            p.truncate(p.len() - 3);
            p.push_str(r"(?:\s+số)?\s+");
            so_added = true;
        }
        p.push_str(&regex::escape(w));
    }
    p
}

/// The pattern that finds citations of `docs` (each a code and its aliases, in registry order):
/// a named group `t<doc>_<n>` for each name, and before it the clause words `cl` and `num`
/// (`điểm 1 của`). Codes are tried before aliases, so `Kết luận số 49-KL/TW` wins over the
/// alias `Kết luận 49`; `None` without documents. `validate::facts` finds citations with it too.
pub fn citation_pattern<'a>(docs: impl Iterator<Item = (&'a str, &'a [String])>) -> Option<String> {
    let types = DOC_TYPES.iter().map(|t| words_pattern(t)).collect::<Vec<_>>().join("|");
    let mut names: Vec<(usize, String, bool)> = Vec::new();
    for (i, (code, aliases)) in docs.enumerate() {
        names.push((i, code.to_string(), true));
        names.extend(aliases.iter().map(|a| (i, a.clone(), false)));
    }
    // Codes first (with their optional doc-type prefix they are the most specific), then
    // aliases, longest first.
    names.sort_by(|a, b| {
        b.2.cmp(&a.2).then(b.1.chars().count().cmp(&a.1.chars().count())).then(a.0.cmp(&b.0))
    });
    let alts: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(j, (i, name, is_code))| {
            let core = words_pattern(name);
            if *is_code {
                format!(r"(?P<t{i}_{j}>(?:(?:{types})\s+(?:số\s+)?)?{core})")
            } else {
                format!(r"(?P<t{i}_{j}>{core})")
            }
        })
        .collect();
    (!alts.is_empty()).then(|| {
        format!(r"(?i)\b(?:(?P<cl>điểm|khoản|mục)\s+(?P<num>\d+)\s+(?:của\s+)?)?(?:{})\b", alts.join("|"))
    })
}

/// A regex that matches wherever [`citation_pattern`] of the same `docs` could: any of their
/// names, in any case, with any white space (and `số`) between the words; `None` without
/// documents. Without word boundaries, it runs on the regex crate's fast engines.
pub fn names_prefilter<'a>(docs: impl Iterator<Item = (&'a str, &'a [String])>) -> Option<Regex> {
    let mut names: Vec<String> = Vec::new();
    for (code, aliases) in docs {
        names.push(words_pattern(code));
        names.extend(aliases.iter().map(|a| words_pattern(a)));
    }
    (!names.is_empty()).then(|| Regex::new(&format!("(?i){}", names.join("|"))).ok()).flatten()
}

impl Citations {
    /// Compiles the registry. Codes are tried before aliases, so `Kết luận số 49-KL/TW` wins
    /// over the alias `Kết luận 49`.
    pub fn new(targets: Vec<CiteTarget>) -> Citations {
        let pattern = citation_pattern(targets.iter().map(|t| (t.code.as_str(), t.aliases.as_slice())));
        let regex = pattern.and_then(|p| Regex::new(&p).ok());
        let prefilter = names_prefilter(targets.iter().map(|t| (t.code.as_str(), t.aliases.as_slice())));
        Citations { targets, regex, prefilter }
    }

    /// False when `text` surely cites no registered document (no name of one is in it).
    pub fn may_cite(&self, text: &str) -> bool {
        self.prefilter.as_ref().is_none_or(|p| p.is_match(text))
    }

    /// The registered documents.
    pub fn targets(&self) -> &[CiteTarget] {
        &self.targets
    }

    /// The index of the target named `code` (a registered code).
    pub fn find_code(&self, code: &str) -> Option<usize> {
        let key = crate::vi::docnum::normalize_code(code);
        self.targets.iter().position(|t| crate::vi::docnum::normalize_code(&t.code) == key)
    }
}

/// What a page mentions: target index and clause id (if the mention named an existing clause).
pub type Mention = (usize, Option<String>);

/// Per-page citation state: what has been linked already, what was mentioned.
#[derive(Debug, Default)]
pub struct CiteState {
    /// Target index of the page's own document (never linked to itself).
    pub own: Option<usize>,
    linked: Vec<Mention>,
    /// Every distinct mention, in order.
    pub mentions: Vec<Mention>,
}

impl CiteState {
    /// State for a page; `own` is its own document's index, if it is a document.
    pub fn new(own: Option<usize>) -> Self {
        CiteState { own, ..Default::default() }
    }
}

/// Wraps every document number of `text` in a no-wrap span; escapes the rest.
pub fn nowrap_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    for r in crate::vi::docnum::find(text) {
        escape_into(&text[last..r.start], &mut out);
        out.push_str("<span class=\"so-hieu\">");
        escape_into(&text[r.clone()], &mut out);
        out.push_str("</span>");
        last = r.end;
    }
    escape_into(&text[last..], &mut out);
    out
}

/// True if [`transform`] of `text` would give `text` itself and record nothing: no byte to
/// escape, no document number, and no citation to look for. Most runs of prose are such, and
/// are then used as they are, not copied.
pub fn is_plain(text: &str, cites: &Citations, link: bool) -> bool {
    (cites.regex.is_none() || !link || !cites.may_cite(text))
        && needs_no_escape(text)
        && crate::vi::docnum::find(text).is_empty()
}

/// Renders a run of text: citations linked (when `link` is true: not inside links or
/// headings) and numbers kept on one line.
pub fn transform(text: &str, cites: &Citations, state: &mut CiteState, link: bool) -> String {
    let Some(re) = cites.regex.as_ref().filter(|_| link && cites.may_cite(text)) else {
        return nowrap_numbers(text);
    };
    let mut out = String::with_capacity(text.len() + 64);
    let mut last = 0;
    for caps in re.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        // The named group that matched says which document (`t<target>_<name>`).
        let Some((target, name_match)) = re
            .capture_names()
            .flatten()
            .filter(|n| n.starts_with('t'))
            .find_map(|n| Some((n[1..].split('_').next()?.parse::<usize>().ok()?, caps.name(n)?)))
        else {
            continue;
        };
        let t = &cites.targets[target];
        let clause = match (caps.name("cl"), caps.name("num")) {
            (Some(cl), Some(num)) => {
                let id = crate::vi::slugify(&format!("{} {}", cl.as_str(), num.as_str()));
                t.clauses.contains(&id).then_some(id)
            }
            _ => None,
        };
        // Clause words that name no clause stay outside the link.
        let start = if clause.is_some() { whole.start() } else { name_match.start() };
        let mention: Mention = (target, clause.clone());
        if !state.mentions.contains(&mention) {
            state.mentions.push(mention.clone());
        }
        if state.own == Some(target) || state.linked.contains(&mention) {
            continue;
        }
        state.linked.push(mention);
        out.push_str(&nowrap_numbers(&text[last..start]));
        let href = match &clause {
            Some(id) => format!("{}#{id}", t.url),
            None => t.url.clone(),
        };
        out.push_str(&format!("<a class=\"trich-dan\" href=\"{}\">", escape(&href)));
        out.push_str(&nowrap_numbers(&text[start..whole.end()]));
        out.push_str("</a>");
        last = whole.end();
    }
    out.push_str(&nowrap_numbers(&text[last..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_what_transform_gives_back_unchanged() {
        let none = Citations::new(Vec::new());
        let with = registry();
        let texts = [
            "Xã hội học tập suốt đời",
            "a & b",
            "<b>",
            "x > y",
            "\"trích\"",
            "l'école",
            "Kết luận 49-KL/TW",
            "ngày 10/5/2019",
            "Kết luận 49 nói",
            "",
        ];
        for text in texts {
            for (cites, link) in [(&none, true), (&with, false), (&with, true)] {
                let mut state = CiteState::new(None);
                let out = transform(text, cites, &mut state, link);
                if is_plain(text, cites, link) {
                    assert_eq!(out, text, "{text:?}");
                    assert!(state.mentions.is_empty(), "{text:?}");
                }
            }
            // Without citations to look for, plain exactly when unchanged.
            let mut state = CiteState::new(None);
            assert_eq!(
                is_plain(text, &none, true),
                transform(text, &none, &mut state, true) == text,
                "{text:?}"
            );
        }
        // A citation is looked for only where links are made.
        assert!(!is_plain("Kết luận 49 nói", &with, true));
        assert!(is_plain("Kết luận 49 nói", &with, false));
    }

    #[test]
    fn the_prefilter_lets_through_every_text_with_a_citation() {
        let c = registry();
        let re = c.regex.as_ref().expect("regex");
        for text in [
            "Theo KẾT LUẬN SỐ 49-KL/TW",
            "điểm 1 của kết luận\n49-kl/tw",
            "Chỉ thị 11 và KL 49",
            "Kết luận số 49 nói",
            "xã hội học tập",
            "49 và 11",
        ] {
            assert_eq!(c.may_cite(text), re.is_match(text), "{text:?}");
        }
    }

    fn registry() -> Citations {
        Citations::new(vec![
            CiteTarget {
                code: "49-KL/TW".into(),
                aliases: vec!["Kết luận 49".into(), "KL 49".into()],
                url: "/van-ban/49-kl-tw/".into(),
                clauses: vec!["diem-1".into(), "trach-nhiem".into()],
            },
            CiteTarget {
                code: "11-CT/TW".into(),
                aliases: vec!["Chỉ thị 11".into()],
                url: "/van-ban/11-ct-tw/".into(),
                clauses: vec![],
            },
        ])
    }

    #[test]
    fn first_mention_is_linked_with_so_and_doc_type() {
        let c = registry();
        let mut st = CiteState::new(None);
        let html = transform("Theo Kết luận số 49-KL/TW và lại 49-KL/TW.", &c, &mut st, true);
        assert_eq!(
            html,
            "Theo <a class=\"trich-dan\" href=\"/van-ban/49-kl-tw/\">Kết luận số <span class=\"so-hieu\">49-KL/TW</span></a> và lại <span class=\"so-hieu\">49-KL/TW</span>."
        );
        assert_eq!(st.mentions, vec![(0, None)]);
    }

    #[test]
    fn code_after_a_line_break_and_aliases() {
        let c = registry();
        let mut st = CiteState::new(None);
        let html = transform("theo Kết luận số\n49-KL/TW, tiếp nối Chỉ thị 11.", &c, &mut st, true);
        assert!(
            html.contains("<a class=\"trich-dan\" href=\"/van-ban/49-kl-tw/\">Kết luận số\n<span"),
            "{html}"
        );
        assert!(html.contains("href=\"/van-ban/11-ct-tw/\">Chỉ thị 11</a>"), "{html}");
        let mut st = CiteState::new(None);
        let html = transform("Kết luận số 49 nói rằng", &c, &mut st, true);
        assert!(html.contains(">Kết luận số 49</a>"), "{html}");
    }

    #[test]
    fn clause_mentions_link_to_the_clause() {
        let c = registry();
        let mut st = CiteState::new(None);
        let html = transform("điểm 1 của Kết luận số 49-KL/TW; điểm 7 Kết luận 49", &c, &mut st, true);
        assert!(html.contains("href=\"/van-ban/49-kl-tw/#diem-1\">điểm 1 của Kết luận số"), "{html}");
        // No clause 7: the plain document link, without the clause words.
        assert!(
            html.contains("điểm 7 <a class=\"trich-dan\" href=\"/van-ban/49-kl-tw/\">Kết luận 49</a>"),
            "{html}"
        );
        assert_eq!(st.mentions, vec![(0, Some("diem-1".into())), (0, None)]);
    }

    #[test]
    fn own_page_and_disabled_contexts_are_not_linked() {
        let c = registry();
        let mut st = CiteState::new(Some(0));
        let html = transform("Kết luận số 49-KL/TW", &c, &mut st, true);
        assert!(!html.contains("<a"), "{html}");
        let mut st = CiteState::new(None);
        let html = transform("Kết luận số 49-KL/TW", &c, &mut st, false);
        assert_eq!(html, "Kết luận số <span class=\"so-hieu\">49-KL/TW</span>");
    }

    #[test]
    fn unregistered_numbers_are_still_kept_on_one_line() {
        assert_eq!(
            nowrap_numbers("QĐ 1373/QĐ-TTg <x>"),
            "QĐ <span class=\"so-hieu\">1373/QĐ-TTg</span> &lt;x&gt;"
        );
    }
}
