//! Raw HTML written in a body, and what its leaving out leaves behind.
//!
//! Takes: each piece of raw HTML as the render loop meets it (a whole HTML block, or one inline
//! tag), where it is, and the containers (paragraphs, lists, list items, blockquotes) open
//! around it.
//! Gives: whether to keep it (`markdown.unsafe_html`), else its warning: one per HTML block and
//! one per paragraph (heading, table, list item) holding inline HTML, HTML comments included
//! (a comment pasted from Word, `<!--[if gte mso 9]>…`, hides whole paragraphs; a note meant
//! for colleagues is not on the page either: the warning says where notes go); and, when a
//! container held nothing but dropped HTML, its start tag taken back so that no empty
//! `<p></p>`, `<li></li>` or `<blockquote>` is left behind. `<!-- more -->` is not raw HTML
//! (the summary marker).
//! Must not: write HTML, or remove a container that was empty in the Markdown itself (an
//! empty list item `-` stays).

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// The raw HTML policy of one body.
#[derive(Debug)]
pub(super) struct RawHtml {
    /// Raw HTML is passed through (`markdown.unsafe_html`).
    keep: bool,
    /// Counts block starts and ends: inline HTML warns once between two of them.
    block: u32,
    /// The value of `block` at the last warning for inline HTML.
    warned: Option<u32>,
    /// The containers open now, innermost last.
    open: Vec<Open>,
    /// Raw `<a>` tags open now (HTML kept): no link is made inside them.
    raw_links: usize,
}

/// A container open in the render loop.
#[derive(Debug)]
struct Open {
    /// Where its start tag is among the body's events (`None`: it was left out).
    start: Option<usize>,
    /// Raw HTML was dropped from it.
    dropped: bool,
}

/// True for `<!-- more -->`, the summary marker.
pub(super) fn is_more_marker(html: &str) -> bool {
    matches!(html.trim(), "<!-- more -->" | "<!--more-->")
}

/// True when `html` is nothing but HTML comments and white space.
fn is_comments(html: &str) -> bool {
    let mut rest = html.trim_start();
    while let Some(comment) = rest.strip_prefix("<!--") {
        // `<!-->` and `<!--->` are whole comments too (CommonMark 0.31).
        let after = match comment.strip_prefix('>').or_else(|| comment.strip_prefix("->")) {
            Some(after) => after,
            None => match comment.find("-->") {
                Some(i) => &comment[i + 3..],
                None => return false,
            },
        };
        rest = after.trim_start();
    }
    rest.is_empty()
}

impl RawHtml {
    /// The policy of a body: `keep` is `markdown.unsafe_html`.
    pub(super) fn new(keep: bool) -> Self {
        RawHtml { keep, block: 0, warned: None, open: Vec::new(), raw_links: 0 }
    }

    /// Sees every event of the body before it is handled: block starts and ends are counted.
    pub(super) fn see(&mut self, event: &Event<'_>) {
        let edge = match event {
            Event::Start(tag) => !matches!(
                tag,
                Tag::Emphasis
                    | Tag::Strong
                    | Tag::Strikethrough
                    | Tag::Superscript
                    | Tag::Subscript
                    | Tag::Link { .. }
                    | Tag::Image { .. }
                    | Tag::TableHead
                    | Tag::TableRow
                    | Tag::TableCell
            ),
            Event::End(tag) => !matches!(
                tag,
                TagEnd::Emphasis
                    | TagEnd::Strong
                    | TagEnd::Strikethrough
                    | TagEnd::Superscript
                    | TagEnd::Subscript
                    | TagEnd::Link
                    | TagEnd::Image
                    | TagEnd::TableHead
                    | TagEnd::TableRow
                    | TagEnd::TableCell
            ),
            _ => false,
        };
        self.block += u32::from(edge);
    }

    /// A whole HTML block (its lines joined): true to keep it; else it is dropped, with a
    /// warning at `at`.
    pub(super) fn block(
        &mut self,
        html: &str,
        at: impl FnOnce() -> Location,
        diags: &mut Diagnostics,
    ) -> bool {
        if self.keep {
            return true;
        }
        self.dropped();
        diags.push(warning(at(), is_comments(html)));
        false
    }

    /// One inline tag (or comment): true to keep it; else it is dropped, with a warning at
    /// `at` if it is the first of its paragraph.
    pub(super) fn inline(
        &mut self,
        html: &str,
        at: impl FnOnce() -> Location,
        diags: &mut Diagnostics,
    ) -> bool {
        if self.keep {
            let tag = html.trim_start_matches('<');
            let name = |t: &str| {
                t.len() >= 2
                    && t.as_bytes()[0].eq_ignore_ascii_case(&b'a')
                    && !t.as_bytes()[1].is_ascii_alphanumeric()
            };
            if let Some(close) = tag.strip_prefix('/') {
                if name(close) {
                    self.raw_links = self.raw_links.saturating_sub(1);
                }
            } else if name(tag) {
                self.raw_links += 1;
            }
            return true;
        }
        self.dropped();
        if self.warned != Some(self.block) {
            self.warned = Some(self.block);
            diags.push(warning(at(), is_comments(html)));
        }
        false
    }

    /// True inside a raw `<a>…</a>` that is kept.
    pub(super) fn in_raw_link(&self) -> bool {
        self.raw_links > 0
    }

    /// A container opens; `start` is where its start tag is among the events (`None` when it
    /// is left out).
    pub(super) fn open(&mut self, start: Option<usize>) {
        self.open.push(Open { start, dropped: false });
    }

    /// The innermost container closes, before its end tag is added to `events`: true when it
    /// held nothing but dropped HTML, its start tag then taken back (add no end tag).
    pub(super) fn close(&mut self, events: &mut Vec<Event<'_>>) -> bool {
        let Some(open) = self.open.pop() else { return false };
        let emptied = open.dropped && open.start.is_some_and(|s| s + 1 == events.len());
        if emptied {
            events.pop();
            self.dropped();
        }
        emptied
    }

    /// Raw HTML was dropped from the innermost container.
    fn dropped(&mut self) {
        if let Some(open) = self.open.last_mut() {
            open.dropped = true;
        }
    }
}

/// The warning for dropped HTML; `comment`: it was only HTML comments.
fn warning(at: Location, comment: bool) -> Diagnostic {
    if comment {
        return Diagnostic::warning("raw-html", at, "đã bỏ chú thích HTML `<!-- … -->` trong bài (không có trên trang)")
            .with_hint(
                "ghi chú cho người cùng biên tập thì viết trong phần đầu trang, sau dấu `#` ở đầu dòng; chú thích dán từ Word (`<!--[if …]>`) thì bỏ đi",
            );
    }
    Diagnostic::warning("raw-html", at, "đã bỏ mã HTML viết trực tiếp trong bài").with_hint(
        "dùng cú pháp Markdown; nếu thật sự cần HTML, đặt `markdown: {unsafe_html: true}` trong loa.yaml",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::tests::md;
    use crate::markdown::{LinkTargets, MarkdownOptions, highlight, render};

    /// The lines of the warnings (the body starts at file line 10).
    fn warned_lines(r: &crate::markdown::Rendered) -> Vec<usize> {
        r.diagnostics.iter().map(|d| d.location.as_ref().map_or(0, |l| l.line)).collect()
    }

    #[test]
    fn one_warning_per_block_and_per_paragraph() {
        let cdata: String = (1..=10).map(|i| format!("dòng {i}\n")).collect();
        let r = md(&format!(
            "a\n\n<![CDATA[\n{cdata}]]>\n\nb <b>x</b> <i>y</i>\nc <u>z</u>\n\n\
             | a | b |\n|---|---|\n| <br> | <br> |\n| <br> | x |\n\n\
             ## A <b>x</b> <i>y</i>\n\n- a <b>x</b> <i>y</i>\n- <div>\n  x\n  </div>\n"
        ));
        // The CDATA block (12 lines), the paragraph, the table, the heading, each list item.
        assert_eq!(warned_lines(&r), [12, 25, 30, 33, 35, 36], "{}", r.diagnostics);
        assert!(r.diagnostics.iter().all(|d| d.code == "raw-html" && !d.is_error()));
        for dropped in ["CDATA", "dòng", "<b>", "<br", "<div>"] {
            assert!(!r.html.contains(dropped), "{dropped} in {}", r.html);
        }
    }

    #[test]
    fn comments_are_dropped_with_one_warning_per_block_that_says_where_notes_go() {
        let r = md(
            "<!-- ghi chú -->\n\n<!--\nghi chú\nnhiều dòng\n-->\n\na <!-- y --> b <!-- z -->\n\n## T <!-- z -->\n\n<!-- more -->\n",
        );
        // One per block: the one-line comment, the three-line one, the paragraph, the heading.
        assert_eq!(warned_lines(&r), [10, 12, 17, 19], "{}", r.diagnostics);
        assert!(r.diagnostics.iter().all(|d| d.message.contains("chú thích HTML")
            && d.hint.as_deref().is_some_and(|h| h.contains("phần đầu trang"))));
        assert!(!r.html.contains("<!--") && !r.html.contains("ghi chú"), "{}", r.html);
        assert!(r.html.contains("<p>a  b </p>"), "{}", r.html);
        // With other HTML it is HTML.
        let r = md("<!-- a --> <div>\n");
        assert_eq!(warned_lines(&r), [10]);
        assert!(r.diagnostics.iter().all(|d| d.message.contains("mã HTML")));
    }

    #[test]
    fn containers_holding_only_dropped_html_are_left_out() {
        let r = md("<a href=\"x\"><img src=\"y\"></a>\n\nMở đầu.\n\n- <div>x</div>\n- b\n- <!-- c -->\n\n\
             > <div>y</div>\n>\n> <span></span>\n\n- <b></b>\n  - <i></i>\n\n1. <!-- c -->\n\n   <span></span>\n\n\
             Cuối.\n\n-\n");
        assert_eq!(
            r.html.as_ref(),
            "<p>Mở đầu.</p>\n<ul>\n<li>b</li>\n</ul>\n<p>Cuối.</p>\n<ul>\n<li></li>\n</ul>\n",
            "{}",
            r.html
        );
        // The first paragraph is the first one with something in it.
        assert_eq!(&*r.first_paragraph_text, "Mở đầu.");
    }

    #[test]
    fn kept_html_leaves_its_containers_as_they_are() {
        let links = LinkTargets::default();
        let cites = crate::markdown::tests::cites();
        let opts = MarkdownOptions {
            unsafe_html: true,
            links: &links,
            bundle_url: None,
            cites: &cites,
            own_document: None,
            clause_anchors: false,
            highlights: &highlight::HighlightCache::default(),
            shortcodes: None,
        };
        let r = render("<span></span>\n\n- <div>x</div>\n\n<!-- c -->\n\n<![CDATA[\nx\n]]>\n", 1, "f", opts);
        assert!(r.diagnostics.is_empty(), "{}", r.diagnostics);
        assert_eq!(
            r.html.as_ref(),
            "<p><span></span></p>\n<ul>\n<li><div>x</div>\n</li>\n</ul>\n<!-- c -->\n<![CDATA[\nx\n]]>\n",
        );
    }

    #[test]
    fn the_summary_marker_is_found_in_a_block_and_inline() {
        for body in
            ["a\n\n<!-- more -->\n\nb\n", "a\n<!--more-->\nb\n", "a\n\n<div>\n<!-- more -->\n</div>\n\nb\n"]
        {
            let r = md(body);
            assert_eq!(r.more_html.as_deref(), Some("<p>a</p>\n"), "{body:?}");
        }
        let r = md("- <span></span><!-- more -->\n\nb\n");
        assert!(r.more_html.is_some_and(|m| r.html.starts_with(&m)), "{}", r.html);
    }

    #[test]
    fn comments_are_told_from_other_html() {
        for html in [
            "<!-- x -->",
            "  <!-- x -->\n",
            "<!--\nghi chú\nnhiều dòng\n-->\n",
            "<!-- a --> <!-- b -->",
            "<!---->",
            "<!-->",
            "<!--->",
            "<!-- a -- b -->",
        ] {
            assert!(is_comments(html), "{html:?}");
        }
        for html in [
            "<!-- a --> <div>",
            "<div><!-- a -->",
            "<!-- a",
            "<![CDATA[x]]>",
            "<!-- a --> x <!-- b -->",
            "<b>",
        ] {
            assert!(!is_comments(html), "{html:?}");
        }
    }

    #[test]
    fn raw_links_are_counted_only_when_kept() {
        let mut d = Diagnostics::default();
        let at = || Location::at("f", 1, 1);
        let mut kept = RawHtml::new(true);
        for (html, inside) in [
            ("<a href=\"x\">", true),
            ("<abbr>", true),
            ("</abbr>", true),
            ("<A\nhref=x>", true),
            ("</a>", true),
            ("</A >", false),
        ] {
            assert!(kept.inline(html, at, &mut d));
            assert_eq!(kept.in_raw_link(), inside, "{html}");
        }
        let mut dropped = RawHtml::new(false);
        assert!(!dropped.inline("<a href=\"x\">", at, &mut d));
        assert!(!dropped.in_raw_link());
    }
}
