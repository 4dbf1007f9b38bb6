//! What a page says about a registered document, checked against the registry (issue 27):
//! a citation followed by a date (`Kết luận số 49-KL/TW ngày 10/5/2019`) against the
//! document's `issued`, a named issuer (`Kết luận 49 của Bộ Chính trị`) against its `issuer`, a
//! quoted title against its `title`, a cited clause (`điểm 7 của Kết luận 49-KL/TW`) against
//! its clauses, and a citation of a document whose `status` says it was replaced.
//!
//! Takes the assembled site (every page's Markdown body and front matter lines, the document
//! pages' blocks); gives diagnostics at the line and column of what is wrong, with the
//! registry's value as the hint. Skips code (fenced blocks, code spans) and link destinations.
//! Pure. Citations are found as `markdown::cite` finds them (the same words, `số` optional).

use regex::Regex;

use crate::content::{Document, PolicyDocument, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::cite::{citation_pattern, names_prefilter, words_pattern};

/// Bodies that issue documents, as the press names them after `của`; the site's registry adds
/// its own issuers. Matched without regard to case; the longest name wins.
const ISSUERS: &[&str] = &[
    "Ban Chấp hành Trung ương Đảng",
    "Ban Chấp hành Trung ương",
    "Bộ Chính trị",
    "Ban Bí thư Trung ương Đảng",
    "Ban Bí thư",
    "Thủ tướng Chính phủ",
    "Chính phủ",
    "Quốc hội",
    "Ủy ban Thường vụ Quốc hội",
    "Chủ tịch nước",
    "Bộ Giáo dục và Đào tạo",
];

/// The registry as patterns.
struct Registry<'a> {
    docs: Vec<(&'a Document, &'a PolicyDocument)>,
    cite: Regex,
    /// Any name of a registered document (`markdown::cite::names_prefilter`).
    prefilter: Regex,
    after_date: Regex,
    after_issuer: Regex,
    after_title: Regex,
}

impl<'a> Registry<'a> {
    fn new(site: &'a Site) -> Option<Registry<'a>> {
        let docs: Vec<_> = site.pages.iter().filter_map(|p| p.meta.document().map(|d| (p, d))).collect();
        if docs.is_empty() {
            return None;
        }
        let cite =
            Regex::new(&citation_pattern(docs.iter().map(|(_, d)| (d.code.as_str(), d.aliases.as_slice())))?)
                .ok()?;
        let mut issuers: Vec<String> = ISSUERS.iter().map(|s| s.to_string()).collect();
        issuers.extend(docs.iter().filter_map(|(_, d)| d.issuer.clone()));
        issuers.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        issuers.dedup();
        let issuer_alts = issuers.iter().map(|s| words_pattern(s)).collect::<Vec<_>>().join("|");
        let after_date = Regex::new(
            r"^\s*,?\s*(?:(?:được\s+)?ban\s+hành\s+)?(?P<all>ngày\s+(?P<d>\d{1,2})\s*(?:/|-|\.|\s+tháng\s+)\s*(?P<m>\d{1,2})\s*(?:/|-|\.|\s+năm\s+)\s*(?P<y>\d{4}))\b",
        )
        .ok()?;
        let after_issuer = Regex::new(&format!(
            r"(?i)^\s*,?\s*của\s+(?P<who>{issuer_alts})(?:\s+khóa\s+(?P<k>[IVXLC]+)\b)?"
        ))
        .ok()?;
        let after_title = Regex::new(r#"^\s*,?\s*(?:về\s+)?[“"](?P<q>[^”"\n]{3,})[”"]"#).ok()?;
        let prefilter = names_prefilter(docs.iter().map(|(_, d)| (d.code.as_str(), d.aliases.as_slice())))?;
        Some(Registry { docs, cite, prefilter, after_date, after_issuer, after_title })
    }

    /// The document a citation match names.
    fn target(&self, caps: &regex::Captures<'_>) -> Option<usize> {
        self.cite
            .capture_names()
            .flatten()
            .filter(|n| n.starts_with('t'))
            .find(|n| caps.name(n).is_some())
            .and_then(|n| n[1..].split('_').next()?.parse().ok())
    }
}

/// Checks what every page says about the registered documents.
pub fn check(site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let Some(reg) = Registry::new(site) else { return diags };
    for page in &site.pages {
        check_page(&reg, page, &mut diags);
    }
    diags
}

/// Byte ranges of `body` that are not running text: fenced code blocks, code spans, link
/// destinations.
fn skipped(body: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut fence: Option<(usize, &str)> = None;
    for line in body.split_inclusive('\n') {
        let t = line.trim_start();
        match fence {
            Some((start, f)) if t.starts_with(f) => {
                out.push(start..offset + line.len());
                fence = None;
            }
            Some(_) => {}
            None if t.starts_with("```") || t.starts_with("~~~") => fence = Some((offset, &t[..3])),
            None => {}
        }
        offset += line.len();
    }
    if let Some((start, _)) = fence {
        out.push(start..body.len());
    }
    static SPANS: std::sync::LazyLock<Option<Regex>> = std::sync::LazyLock::new(|| {
        Regex::new(r"`[^`\n]+`|\]\([^)\s]*(?:\s+[^)]*)?\)|<[a-z]+:[^>\s]+>").ok()
    });
    if let Some(re) = SPANS.as_ref() {
        out.extend(re.find_iter(body).map(|m| m.range()));
    }
    out
}

/// Lowercase, one space between words, without the quotes' trailing ellipsis.
fn norm(s: &str) -> String {
    let s = crate::vi::nfc(s);
    let s = s.trim().trim_end_matches(['…', '.', ',', ';']).trim();
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn check_page(reg: &Registry<'_>, page: &Document, diags: &mut Diagnostics) {
    let body: &str = &page.body;
    // Most pages name no registered document: one pass of the fast prefilter over the body.
    if body.is_empty() || !reg.prefilter.is_match(body) {
        return;
    }
    let skip = skipped(body);
    let lines = crate::markdown::lines::Lines::new(body, page.body_line, &page.file);
    let at = |i: usize| lines.at(i);
    let mut warned_replaced = Vec::new();
    // Paragraph by paragraph, and only those that name a registered document (the full pattern
    // is slow on Vietnamese text: see `Citations::may_cite`); a citation may span lines.
    for para in paragraphs(body) {
        if !reg.prefilter.is_match(&body[para.clone()]) {
            continue;
        }
        let hay = &body[..para.end];
        let mut from = para.start;
        while let Some(caps) = reg.cite.captures_at(hay, from) {
            let Some(whole) = caps.get(0) else { break };
            from = whole.end().max(from + 1);
            while !hay.is_char_boundary(from) {
                from += 1;
            }
            if skip.iter().any(|r| r.start <= whole.start() && whole.start() < r.end) {
                continue;
            }
            let Some(i) = reg.target(&caps) else { continue };
            let (doc_page, doc) = reg.docs[i];
            let own = std::ptr::eq(doc_page, page);
            // A cited clause that does not exist, where the document has clauses of that kind.
            if let (Some(cl), Some(num)) = (caps.name("cl"), caps.name("num")) {
                let kind = crate::vi::slugify(cl.as_str());
                let id = crate::vi::slugify(&format!("{} {}", cl.as_str(), num.as_str()));
                let same_kind: Vec<&String> =
                    doc.clause_ids.iter().filter(|c| c.starts_with(&format!("{kind}-"))).collect();
                if !same_kind.is_empty() && !doc.clause_ids.contains(&id) {
                    diags.push(
                        Diagnostic::error(
                            "document-clause",
                            at(cl.start()),
                            format!("{} không có {} {}", doc.code, cl.as_str().to_lowercase(), num.as_str()),
                        )
                        .with_hint(format!(
                            "các {} có trong trang {}: {}",
                            cl.as_str().to_lowercase(),
                            doc_page.file,
                            same_kind
                                .iter()
                                .map(|s| format!("{} {}", cl.as_str().to_lowercase(), &s[kind.len() + 1..]))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    );
                }
            }
            let mut rest_start = whole.end();
            if let Some(m) = reg.after_date.captures(&body[rest_start..para.end]) {
                let all = m.name("all").map_or(0..0, |a| a.range());
                let num = |k: &str| m.name(k).and_then(|v| v.as_str().parse::<i64>().ok()).unwrap_or(0);
                if let Some(issued) = doc.issued {
                    let (d, mo, y) = (num("d"), num("m"), num("y"));
                    if (d, mo, y)
                        != (i64::from(issued.day()), i64::from(issued.month()), i64::from(issued.year()))
                    {
                        diags.push(
                            Diagnostic::error(
                                "document-date",
                                at(rest_start + all.start),
                                format!(
                                    "{} được ban hành {}, không phải ngày {d}/{mo}/{y}",
                                    doc.code,
                                    issued.fmt_short()
                                ),
                            )
                            .with_hint(format!(
                                "theo trang {}: `issued: {}`",
                                doc_page.file,
                                issued.fmt_iso_date()
                            )),
                        );
                    }
                }
                rest_start += m.get(0).map_or(0, |g| g.end());
            }
            if let Some(m) = reg.after_issuer.captures(&body[rest_start..para.end]) {
                if let (Some(who), Some(issuer)) = (m.name("who"), doc.issuer.as_deref()) {
                    let named = norm(who.as_str());
                    let registered = norm(issuer);
                    let term = |s: &str| {
                        s.split_once(" khóa ")
                            .map(|(_, k)| k.split_whitespace().next().unwrap_or("").to_uppercase())
                    };
                    let wrong_term = m
                        .name("k")
                        .zip(term(&registered))
                        .is_some_and(|(k, t)| !t.is_empty() && k.as_str().to_uppercase() != t);
                    if !registered.contains(&named) || wrong_term {
                        let named_all =
                            m.get(0).map_or("", |g| g.as_str()).trim_start_matches([' ', ',', '\n']);
                        diags.push(
                            Diagnostic::error(
                                "document-issuer",
                                at(rest_start + who.start()),
                                format!(
                                    "{} không phải `{named_all}`: cơ quan ban hành là {issuer}",
                                    doc.code
                                ),
                            )
                            .with_hint(format!("theo trang {}: `issuer: {issuer}`", doc_page.file)),
                        );
                    }
                }
                rest_start += m.get(0).map_or(0, |g| g.end());
            }
            if let Some(m) = reg.after_title.captures(&body[rest_start..para.end])
                && let (Some(q), Some(title)) = (m.name("q"), doc.title.as_deref())
            {
                let quoted = norm(q.as_str());
                let quoted = quoted.strip_prefix("về ").unwrap_or(&quoted);
                if !norm(title).contains(quoted) {
                    diags.push(
                        Diagnostic::error(
                            "document-title",
                            at(rest_start + q.start()),
                            format!("tên được trích không khớp tên của {}", doc.code),
                        )
                        .with_hint(format!("tên chính thức (trang {}): {title}", doc_page.file)),
                    );
                }
            }
            // A document replaced, cited as current: once a page, not on its own page, not where
            // the sentence says it is no longer in force.
            if let Some(status) = doc.status.as_deref().filter(|s| replaced(s))
                && !own
                && !warned_replaced.contains(&i)
            {
                let sentence_start = body[..whole.start()].rfind(['.', '\n']).map_or(0, |p| p + 1);
                let sentence_end =
                    body[whole.end()..].find(['.', '\n']).map_or(body.len(), |p| whole.end() + p);
                let sentence = body[sentence_start..sentence_end].to_lowercase();
                if !sentence.contains("hết hiệu lực") && !sentence.contains("thay thế") {
                    warned_replaced.push(i);
                    let by = replacement(doc, status);
                    diags.push(
                        Diagnostic::warning(
                            "document-replaced",
                            at(whole.start()),
                            format!("{} đã {status}: trang trích như văn bản đang có hiệu lực", doc.code),
                        )
                        .with_hint(match by {
                            Some(r) => {
                                format!("trích văn bản thay thế, {r}, hoặc nói rõ văn bản cũ đã hết hiệu lực")
                            }
                            None => "nói rõ văn bản đã hết hiệu lực".to_string(),
                        }),
                    );
                }
            }
        }
    }
}

/// The byte ranges of `body`'s paragraphs: runs of lines between blank lines.
fn paragraphs(body: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut offset) = (None, 0);
    for line in body.split_inclusive('\n') {
        if line.trim().is_empty() {
            if let Some(s) = start.take() {
                out.push(s..offset);
            }
        } else if start.is_none() {
            start = Some(offset);
        }
        offset += line.len();
    }
    if let Some(s) = start {
        out.push(s..body.len());
    }
    out
}

/// True for a status that says the document no longer applies.
fn replaced(status: &str) -> bool {
    let s = status.to_lowercase();
    s.contains("hết hiệu lực") || s.contains("thay thế") || s.contains("bãi bỏ")
}

/// The document that replaced `doc`: named in its status (`được thay thế bởi X`) or in a
/// relation `được thay thế bởi`.
fn replacement(doc: &PolicyDocument, status: &str) -> Option<String> {
    let lower = status.to_lowercase();
    if let Some(i) = lower.find("thay thế bởi") {
        let after = status[i + "thay thế bởi".len()..].trim().trim_end_matches('.');
        if !after.is_empty() {
            return Some(after.to_string());
        }
    }
    doc.related.iter().find(|r| r.relation.to_lowercase().contains("thay thế bởi")).map(|r| r.code.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_fences_and_link_destinations_are_skipped() {
        let body = "a `49-KL/TW` b [x](/y \"t\") c\n```\n49-KL/TW\n```\nd\n";
        let s = skipped(body);
        let covered = |needle: &str| {
            let i = body.find(needle).expect("in body");
            s.iter().any(|r| r.contains(&i))
        };
        assert!(covered("49-KL/TW`"));
        assert!(covered("/y"));
        assert!(covered("```\n49"));
        assert!(!covered("d\n"));
    }

    #[test]
    fn normalised_text_drops_case_spacing_and_the_ellipsis() {
        assert_eq!(norm("  Về  tiếp tục\nthực hiện…"), "về tiếp tục thực hiện");
    }
}
