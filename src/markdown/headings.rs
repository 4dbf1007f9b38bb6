//! Headings of a body: their ids, the table of contents, the attributes they may keep and
//! the clauses of a document.
//!
//! Takes: each heading as the render loop reads it (level, explicit id, text, attribute block,
//! where its start tag goes among the body's events).
//! Gives: its id (the explicit `{#id}`, or a Vietnamese slug of its text), unique on the page;
//! the table of contents and every id (targets of `#anchor` links); the classes it keeps
//! (`.class` tokens only, every other attribute dropped with a warning); a warning at each `#`
//! title (the page's `<h1>` is the template's); and, once the body's events are complete, each
//! heading with an explicit id and the content under it (`Clause`).
//! Must not: render the heading's text (the render loop does, with citations) or read the
//! events of anything but the body it is given.

use std::collections::HashMap;

use pulldown_cmark::html::push_html;
use pulldown_cmark::{CowStr, Event, HeadingLevel, TagEnd};

use super::html::escape;
use super::lines::Lines;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// One entry of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    /// Heading level, 2 to 6 (`#` titles are not listed).
    pub level: u8,
    /// The heading's id (anchor).
    pub id: String,
    /// The heading's text, plain (templates escape it).
    pub title: String,
}

/// A clause of a document: a heading with an explicit id and the content under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// The heading's id.
    pub id: String,
    /// The heading's text.
    pub title: String,
    /// The content up to the next heading of the same or a higher level, as HTML.
    pub html: String,
}

/// The headings of one body, as the render loop meets them.
#[derive(Debug, Default)]
pub(super) struct Headings {
    /// Ids given so far, with how many headings asked for each.
    used_ids: HashMap<String, usize>,
    /// Headings of level 2 and deeper.
    pub(super) toc: Vec<TocEntry>,
    /// Every heading id on the page.
    pub(super) ids: Vec<String>,
    /// (index in the events of the heading's start, level) of every heading.
    starts: Vec<(usize, HeadingLevel)>,
    /// (index in the events of the heading's start, level, id, title) of the headings with
    /// explicit ids.
    explicit: Vec<(usize, HeadingLevel, String, String)>,
}

impl Headings {
    /// Records a heading whose start tag will be the event at `event`: gives its id, unique on
    /// the page, with an error `at` the heading when its explicit id is already taken, and a
    /// warning when it is a `#` title (the template gives the page its `<h1>`, from `title:`).
    pub(super) fn add(
        &mut self,
        level: HeadingLevel,
        id: Option<&str>,
        text: &str,
        event: usize,
        at: impl Fn() -> Location,
        diagnostics: &mut Diagnostics,
    ) -> String {
        if level == HeadingLevel::H1 {
            diagnostics.push(
                Diagnostic::warning(
                    "body-h1",
                    at(),
                    format!(
                        "tiêu đề cấp 1 `{}` trong thân bài: trang sẽ có hai tiêu đề chính, tên bài và tiêu đề này",
                        text.trim()
                    ),
                )
                .with_hint("tên bài lấy từ `title:`; các mục trong bài bắt đầu từ `##`"),
            );
        }
        let explicit = id.map(str::to_string);
        let base = explicit.clone().unwrap_or_else(|| {
            let s = crate::vi::slugify(text);
            if s.is_empty() { "muc".to_string() } else { s }
        });
        let unique = unique_id(&mut self.used_ids, &base);
        if explicit.is_some() && unique != base {
            diagnostics.push(
                Diagnostic::error(
                    "duplicate-id",
                    at(),
                    format!("id `{base}` đã dùng cho một tiêu đề khác trong trang"),
                )
                .with_hint("đặt id khác trong `{#...}`"),
            );
        }
        if level != HeadingLevel::H1 {
            self.toc.push(TocEntry {
                level: level as u8,
                id: unique.clone(),
                title: text.trim().to_string(),
            });
        }
        self.ids.push(unique.clone());
        self.starts.push((event, level));
        if explicit.is_some() {
            self.explicit.push((event, level, unique.clone(), text.trim().to_string()));
        }
        unique
    }

    /// The headings with explicit ids and their content, from the body's complete events.
    pub(super) fn clauses(&mut self, events: &[Event<'_>]) -> Vec<Clause> {
        let mut clauses = Vec::with_capacity(self.explicit.len());
        for (at, level, id, title) in std::mem::take(&mut self.explicit) {
            let end =
                self.starts.iter().find(|(i, l)| *i > at && *l <= level).map_or(events.len(), |(i, _)| *i);
            let content_start = events[at..end]
                .iter()
                .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
                .map_or(end, |k| at + k + 1);
            let mut html = String::new();
            push_html(&mut html, events[content_start..end].iter().cloned());
            clauses.push(Clause { id, title, html });
        }
        clauses
    }
}

/// The permalink control after the text of a heading with an explicit id (document pages).
pub(super) fn clause_link(id: &str) -> String {
    format!(" <a class=\"clause-link\" href=\"#{}\" aria-label=\"Liên kết tới mục này\">#</a>", escape(id))
}

/// The classes a heading keeps from its attribute block (`## A {#a .b key=v}`): only tokens of
/// ASCII letters, digits, `-` and `_`. Every other attribute (`onfocus=…`, `style=…`,
/// `tabindex`) is dropped with a warning at its position: pulldown-cmark writes them as real
/// HTML attributes, so an event handler there would run in every reader's browser, with
/// `markdown.unsafe_html` off.
pub(super) fn heading_classes<'a>(
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    body: &str,
    range: std::ops::Range<usize>,
    lines: &Lines<'_>,
    diags: &mut Diagnostics,
) -> Vec<CowStr<'a>> {
    if attrs.is_empty() && classes.iter().all(|c| is_class_token(c)) {
        return classes;
    }
    // The attribute block is the last `{…}` of the heading's source.
    let source = body.get(range.clone()).unwrap_or("");
    let block = source.rfind('{').unwrap_or(0);
    let at = |needle: &str| {
        let offset = source[block..].find(needle).map_or(range.start, |i| range.start + block + i);
        lines.at(offset)
    };
    let mut kept = Vec::with_capacity(classes.len());
    for class in classes {
        if is_class_token(&class) {
            kept.push(class);
        } else {
            diags.push(
                Diagnostic::warning(
                    "heading-attribute",
                    at(&format!(".{class}")),
                    format!("đã bỏ lớp `.{class}` của tiêu đề: tên lớp chỉ gồm chữ cái, chữ số, `-` và `_`"),
                )
                .with_hint("sửa tên lớp, ví dụ `{.noi-bat}`"),
            );
        }
    }
    for (name, _) in attrs {
        diags.push(
            Diagnostic::warning(
                "heading-attribute",
                at(&name),
                format!("đã bỏ thuộc tính `{name}` của tiêu đề: chỉ dùng được `#id` và `.lớp`"),
            )
            .with_hint(
                "viết `{#ma-muc}` để đặt id, `{.ten-lop}` để đặt lớp; các thuộc tính khác không được phép",
            ),
        );
    }
    kept
}

/// A class name a heading may carry: ASCII letters, digits, `-` and `_`, not empty.
fn is_class_token(class: &str) -> bool {
    !class.is_empty() && class.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn unique_id(used: &mut HashMap<String, usize>, base: &str) -> String {
    let n = used.entry(base.to_string()).or_insert(0);
    *n += 1;
    if *n == 1 {
        return base.to_string();
    }
    // `muc-2` could itself be taken by an explicit id: keep counting until free.
    let mut k = *n - 1;
    loop {
        let candidate = format!("{base}-{k}");
        if !used.contains_key(&candidate) {
            used.insert(candidate.clone(), 1);
            return candidate;
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use crate::markdown::TocEntry;
    use crate::markdown::tests::{md, with_cites};

    #[test]
    fn document_pages_get_clause_permalinks_and_clause_blocks() {
        let r = with_cites(
            "Mở đầu.\n\n## Điểm 1 {#diem-1}\n\nNội dung *một*.\n\n### Ý nhỏ\n\nThêm.\n\n## Khác\n\nx\n",
            Some(0),
            true,
        );
        assert!(
            r.html.contains("<h2 id=\"diem-1\">Điểm 1 <a class=\"clause-link\" href=\"#diem-1\""),
            "{}",
            r.html
        );
        assert_eq!(r.clauses.len(), 1);
        assert_eq!(r.clauses[0].title, "Điểm 1");
        assert!(
            r.clauses[0].html.contains("<em>một</em>") && r.clauses[0].html.contains("Ý nhỏ"),
            "{}",
            r.clauses[0].html
        );
        assert!(!r.clauses[0].html.contains("Khác"), "{}", r.clauses[0].html);
    }

    #[test]
    fn heading_attributes_keep_id_and_plain_classes_and_warn_at_each_dropped_one() {
        let r = md(
            "## A {#a .noi-bat .x\"y autofocus=1 tabindex=0 onfocus=alert(document.domain)}\n\nB {onclick=x}\n---\n",
        );
        assert!(r.html.contains("<h2 id=\"a\" class=\"noi-bat\">A</h2>"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"b\">B</h2>"), "{}", r.html);
        for bad in ["onfocus", "autofocus", "tabindex", "onclick", "x&quot;y", "alert"] {
            assert!(!r.html.contains(bad), "{bad} in {}", r.html);
        }
        let found: Vec<(String, usize, usize)> = r
            .diagnostics
            .iter()
            .map(|d| {
                let l = d.location.as_ref().expect("located");
                (d.message.clone(), l.line, l.column)
            })
            .collect();
        let at = |what: &str| {
            found
                .iter()
                .find(|(m, _, _)| m.contains(&format!("`{what}`")))
                .map(|(_, l, c)| (*l, *c))
                .unwrap_or_else(|| panic!("no warning for {what}: {found:?}"))
        };
        // The body starts at file line 10.
        assert_eq!(at(".x\"y"), (10, 19));
        assert_eq!(at("autofocus"), (10, 24));
        assert_eq!(at("tabindex"), (10, 36));
        assert_eq!(at("onfocus"), (10, 47));
        assert_eq!(at("onclick"), (12, 4));
        assert_eq!(found.len(), 5, "{found:?}");
    }

    #[test]
    fn a_heading_over_two_lines_keeps_its_words_apart() {
        let r = md("Foo\nBar\n===\n\nXã hội\nhọc *tập*\n---\n\nMột\\\nhai\n---\n\n## Một hai\n");
        assert_eq!(r.heading_ids, ["foo-bar", "xa-hoi-hoc-tap", "mot-hai", "mot-hai-1"]);
        assert_eq!(
            r.toc[0],
            TocEntry { level: 2, id: "xa-hoi-hoc-tap".into(), title: "Xã hội học tập".into() }
        );
        assert_eq!(r.toc[1].title, "Một hai");
        assert!(r.html.contains("<h1 id=\"foo-bar\">Foo\nBar</h1>"), "{}", r.html);
        assert!(r.text.starts_with("Foo Bar\nXã hội học tập\n"), "{}", r.text);
    }

    #[test]
    fn a_title_in_the_body_is_a_warning_at_its_line() {
        // The body starts at file line 10; a setext `===` title is an h1 too.
        let r = md("# Khuyến học\n\nMở đầu.\n\nKhuyến tài\n===\n\n## Mục\n\n### Ý\n");
        let found: Vec<(&str, usize, usize, &str)> = r
            .diagnostics
            .iter()
            .map(|d| {
                let l = d.location.as_ref().expect("located");
                (d.code, l.line, l.column, d.message.as_str())
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "body-h1",
                    10,
                    1,
                    "tiêu đề cấp 1 `Khuyến học` trong thân bài: trang sẽ có hai tiêu đề chính, tên bài và tiêu đề này"
                ),
                (
                    "body-h1",
                    14,
                    1,
                    "tiêu đề cấp 1 `Khuyến tài` trong thân bài: trang sẽ có hai tiêu đề chính, tên bài và tiêu đề này"
                ),
            ]
        );
        assert!(
            r.diagnostics
                .iter()
                .all(|d| !d.is_error() && d.hint.as_deref().is_some_and(|h| h.contains("`##`")))
        );
        // Left as it is written: a warning, not a change of the page.
        assert!(r.html.contains("<h1 id=\"khuyen-hoc\">Khuyến học</h1>"), "{}", r.html);
        assert!(md("## Mục\n\n#### Sâu\n\n```\n# không phải tiêu đề\n```\n").diagnostics.is_empty());
    }

    #[test]
    fn heading_ids_are_vietnamese_slugs_and_unique() {
        let r = md("## Xã hội học tập\n\n## Xã hội học tập\n\n## Điểm 1 {#diem-1}\n");
        assert_eq!(r.heading_ids, ["xa-hoi-hoc-tap", "xa-hoi-hoc-tap-1", "diem-1"]);
        assert!(r.html.contains("<h2 id=\"xa-hoi-hoc-tap-1\">"), "{}", r.html);
        assert_eq!(r.toc[2], TocEntry { level: 2, id: "diem-1".into(), title: "Điểm 1".into() });
    }
}
