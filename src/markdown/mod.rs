//! Markdown stage: a document's body → `Rendered` (HTML, table of contents, summary, reading
//! time, internal links resolved, anchors to check).
//!
//! Takes the body text, its first file line, the link targets of the site and the Markdown
//! options; gives the rendered HTML beside (never inside) the Document. Owns pulldown-cmark and
//! its raw HTML policy. Pure: no file system.
//!
//! This file is the stage's entry: `render`, the loop over pulldown-cmark's events that writes
//! the HTML, the plain text and the summary. The loop hands each part to the file that owns it,
//! none of which imports this one: `headings` (ids, table of contents, heading attributes,
//! clauses), `links` (`@/` links, relative links of bundles, dangerous schemes), `highlight`
//! (code blocks), `runs` (runs of text: bare addresses linked by `autolink`, citations and
//! document numbers by `cite`), `rawhtml` (raw HTML kept or dropped, and what dropping it
//! leaves behind), `html` (escaping, text of HTML, the buffer a body's HTML is written in) and
//! `lines` (positions for diagnostics).

mod autolink;
pub mod cite;
mod headings;
pub mod highlight;
mod html;
pub(crate) mod lines;
mod links;
mod rawhtml;
mod runs;
pub mod shortcodes;
pub mod speech;

pub use headings::{Clause, TocEntry};
pub use html::{escape, escape_into, html_to_text};
pub use links::{AnchorRef, LinkTargets, LocalLink, is_dangerous_url};

/// The web addresses written bare in a run of text as the build links them (`https://…`, and
/// `www.…` leading to `http://www.…`; e-mail addresses are not web addresses): where each is in
/// `text`, and where its link goes. `before` is the character just before `text`. For
/// `loa check --external`, which checks the links the build makes.
pub fn bare_web_addresses(text: &str, before: Option<char>) -> Vec<(std::ops::Range<usize>, String)> {
    autolink::find(text, before)
        .into_iter()
        .filter(|a| a.kind != autolink::Kind::Email)
        .map(|a| (a.range.clone(), a.dest(text)))
        .collect()
}

use pulldown_cmark::html::push_html;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::diagnostics::{Diagnostic, Diagnostics};
use cite::{Citations, CiteState, Mention};
use headings::{Headings, clause_link, heading_classes};
use html::body_html;
use lines::Lines;
use links::{LinkFindings, link_dest, source_dir};
use rawhtml::{RawHtml, is_more_marker};
use runs::{Place, Run};

/// What the Markdown stage gives for one body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    /// The body as HTML (shared: a page's output takes it, and `loa serve` keeps it).
    pub html: std::sync::Arc<str>,
    /// Headings of level 2 and deeper.
    pub toc: Vec<TocEntry>,
    /// HTML before `<!-- more -->`, if the marker is present.
    pub more_html: Option<String>,
    /// The first paragraph as HTML (summary fallback).
    pub first_paragraph_html: std::sync::Arc<str>,
    /// The first paragraph as plain text (description fallback).
    pub first_paragraph_text: std::sync::Arc<str>,
    /// Syllables in the body text (code excluded).
    pub syllables: usize,
    /// Every heading id on the page (targets for `#anchor` links).
    pub heading_ids: Vec<String>,
    /// Anchors on other pages this body links to.
    pub anchor_refs: Vec<AnchorRef>,
    /// Links and images to places of the site (pages, files, anchors), checked once the site
    /// is made.
    pub local_links: Vec<LocalLink>,
    /// Problems found (broken links, dropped HTML, neutralised URLs).
    pub diagnostics: Diagnostics,
    /// Documents (and clauses) the body mentions.
    pub mentions: Vec<Mention>,
    /// Headings with explicit ids and their content (a document's clauses).
    pub clauses: Vec<Clause>,
    /// The page's FAQ answers as HTML, in front matter order.
    pub faq_answers: Vec<String>,
    /// The body as plain text (code blocks left out), blocks separated by `\n`: for search.
    pub text: std::sync::Arc<str>,
    /// Every heading of `text`: the byte offset where its line starts, and its id (search
    /// shows the heading an excerpt falls under, linked to its anchor).
    pub text_headings: Vec<(usize, String)>,
    /// Whether a page's HTML (body, summary, FAQ answers) may hold `<img>` or `<video>`, for the
    /// images stage: found when it is rendered, reused with it by `loa serve` (else false).
    pub media: bool,
}

/// Options of one render.
#[derive(Debug, Clone, Copy)]
pub struct MarkdownOptions<'a> {
    /// Pass raw HTML through (`markdown.unsafe_html`).
    pub unsafe_html: bool,
    /// Where `@/` links go.
    pub links: &'a LinkTargets,
    /// For a bundle page, its URL: relative links and images (`anh.jpg`) are made absolute
    /// against it, so they also work where the summary is shown in a listing.
    pub bundle_url: Option<&'a str>,
    /// The documents that mentions link to.
    pub cites: &'a Citations,
    /// The page's own document (in `cites`), never linked from itself.
    pub own_document: Option<usize>,
    /// Give headings with explicit ids a permalink control (document pages).
    pub clause_anchors: bool,
    /// Highlighted code blocks of this build.
    pub highlights: &'a highlight::HighlightCache,
    /// The site's shortcodes (`None`: calls stay text).
    pub shortcodes: Option<&'a dyn shortcodes::Shortcodes>,
}

/// pulldown-cmark extensions loa enables.
pub fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// The deepest nesting of blockquotes and lists a body may have. Each level adds its tags to
/// everything inside it: 100,000 nested `>` made a 2.7 MB page. Deeper levels are an error
/// (the build fails) and are left out of the HTML.
pub const MAX_NESTING: usize = 64;

/// Renders a body. `file` is the source path for diagnostics, `first_line` its first body line.
pub fn render(body: &str, first_line: usize, file: &str, opts: MarkdownOptions<'_>) -> Rendered {
    render_at(body, first_line, file, opts, 0)
}

/// [`render`] of a body `depth` block shortcodes deep (a block's body is rendered as a body).
fn render_at(body: &str, first_line: usize, file: &str, opts: MarkdownOptions<'_>, depth: usize) -> Rendered {
    let lines = Lines::new(body, first_line, file);
    let mut out = Rendered::default();
    let expanded =
        opts.shortcodes.and_then(|set| expand_shortcodes(body, set, &lines, file, opts, depth, &mut out));
    let body = expanded.as_ref().map_or(body, |e| e.source.as_str());
    // Room for the events and the plain text a body of this size usually gives (no copies
    // while they grow; both are dropped when the body is done).
    let mut events: Vec<Event<'_>> = Vec::with_capacity(body.len() / 16);
    let mut plain = String::with_capacity(body.len());
    let mut more_at: Option<usize> = None;
    let mut raw = RawHtml::new(opts.unsafe_html);
    let mut cite = CiteState::new(opts.own_document);
    let mut headings = Headings::default();
    // The link open now: where it goes as written, and whether its text is its address.
    let mut link: Option<(CowStr<'_>, bool)> = None;
    let mut image_depth = 0usize;
    // Blockquotes and lists open now, and how many of them are beyond `MAX_NESTING` (left out).
    let mut nesting = 0usize;
    let mut nesting_reported = false;

    let mut iter = Parser::new_ext(body, parser_options()).into_offset_iter().peekable();
    while let Some((event, range)) = iter.next() {
        raw.see(&event);
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                // Collect the heading's inline events to compute its text and id.
                let mut inner = Vec::new();
                let mut text = String::new();
                let mut heading_link: Option<(CowStr<'_>, bool)> = None;
                let mut heading_image = 0usize;
                while let Some((ev, at)) = iter.next() {
                    match ev {
                        Event::End(TagEnd::Heading(_)) => break,
                        // An image's alt text: the HTML writer takes its text events only.
                        Event::Text(ref t) if heading_image > 0 => text.push_str(t),
                        Event::Text(t) => {
                            let run = Run::take(t, at, &mut iter);
                            // A line break separates words (`Foo` / `Bar` is `foo-bar`).
                            text.extend(run.text().chars().map(|c| if c == '\n' { ' ' } else { c }));
                            // Numbers stay on one line; no citation links in headings.
                            let place = match (&heading_link, raw.in_raw_link()) {
                                (Some((dest, address)), _) => Place::Link { dest, address: *address },
                                (None, true) => Place::Link { dest: "", address: false },
                                (None, false) => Place::Heading,
                            };
                            runs::push(run, body, place, opts.cites, &mut cite, &mut inner);
                            continue;
                        }
                        Event::SoftBreak | Event::HardBreak => text.push(' '),
                        Event::Code(ref t) => text.push_str(t),
                        Event::InlineHtml(ref h) | Event::Html(ref h)
                            if !raw.inline(h, || lines.at(at.start), &mut out.diagnostics) =>
                        {
                            continue;
                        }
                        // Links and images are checked as anywhere else (`javascript:` too).
                        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                            let dest =
                                checked_dest(&dest_url, false, at.start, &lines, &opts, file, &mut out);
                            heading_link = Some((dest_url, is_address(link_type)));
                            inner.push(Event::Start(Tag::Link { link_type, dest_url: dest, title, id }));
                            continue;
                        }
                        Event::End(TagEnd::Link) => heading_link = None,
                        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                            heading_image += 1;
                            let dest = checked_dest(&dest_url, true, at.start, &lines, &opts, file, &mut out);
                            inner.push(Event::Start(Tag::Image { link_type, dest_url: dest, title, id }));
                            continue;
                        }
                        Event::End(TagEnd::Image) => heading_image = heading_image.saturating_sub(1),
                        _ => {}
                    }
                    inner.push(ev);
                }
                let explicit = id.is_some();
                let unique = headings.add(
                    level,
                    id.as_deref(),
                    &text,
                    events.len(),
                    || lines.at(range.start),
                    &mut out.diagnostics,
                );
                out.text_headings.push((plain.len(), unique.clone()));
                plain.push_str(&text);
                plain.push('\n');
                let classes =
                    heading_classes(classes, attrs, body, range.clone(), &lines, &mut out.diagnostics);
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(unique.clone())),
                    classes,
                    attrs: Vec::new(),
                }));
                events.extend(inner);
                if explicit && opts.clause_anchors {
                    events.push(Event::Html(CowStr::from(clause_link(&unique))));
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::BlockQuote(_) | Tag::List(_)) => {
                nesting += 1;
                if nesting <= MAX_NESTING {
                    raw.open(Some(events.len()));
                    events.push(event);
                } else {
                    raw.open(None);
                    if !nesting_reported {
                        nesting_reported = true;
                        out.diagnostics.push(
                            Diagnostic::error(
                                "nesting",
                                lines.at(range.start),
                                format!("trích dẫn hoặc danh sách lồng nhau quá {MAX_NESTING} cấp"),
                            )
                            .with_hint(
                                "bớt các dấu `>` hoặc mức thụt lề của danh sách; mỗi cấp làm trang dài thêm",
                            ),
                        );
                    }
                }
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_)) => {
                if !close_container(&mut raw, &mut events, &mut more_at) && nesting <= MAX_NESTING {
                    events.push(event);
                }
                nesting = nesting.saturating_sub(1);
            }
            Event::Start(Tag::Paragraph | Tag::Item) => {
                raw.open(Some(events.len()));
                events.push(event);
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match &kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                let mut code = String::new();
                for (ev, _) in iter.by_ref() {
                    match ev {
                        Event::End(TagEnd::CodeBlock) => break,
                        Event::Text(t) => code.push_str(&t),
                        _ => {}
                    }
                }
                events.push(Event::Html(CowStr::from(highlight::code_block(&code, &lang, opts.highlights))));
            }
            Event::Start(Tag::HtmlBlock) => {
                // The whole block, for one decision and at most one warning.
                let mut lines_of_block = Vec::new();
                for (ev, _) in iter.by_ref() {
                    match ev {
                        Event::End(TagEnd::HtmlBlock) => break,
                        // The summary marker, also as a line of a larger block.
                        Event::Html(h) | Event::Text(h) if is_more_marker(&h) => {
                            more_at.get_or_insert(events.len());
                        }
                        Event::Html(h) | Event::Text(h) => lines_of_block.push(h),
                        _ => {}
                    }
                }
                if lines_of_block.iter().all(|h| h.trim().is_empty()) {
                    continue;
                }
                let html: std::borrow::Cow<'_, str> = match lines_of_block.as_slice() {
                    [one] => std::borrow::Cow::Borrowed(one),
                    many => std::borrow::Cow::Owned(many.concat()),
                };
                if raw.block(&html, || lines.at(range.start), &mut out.diagnostics) {
                    events.push(Event::Start(Tag::HtmlBlock));
                    events.extend(lines_of_block.into_iter().map(Event::Html));
                    events.push(Event::End(TagEnd::HtmlBlock));
                }
            }
            Event::Html(ref h) | Event::InlineHtml(ref h) => {
                if is_more_marker(h) {
                    more_at.get_or_insert(events.len());
                } else if raw.inline(h, || lines.at(range.start), &mut out.diagnostics) {
                    events.push(event);
                }
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest = checked_dest(&dest_url, false, range.start, &lines, &opts, file, &mut out);
                link = Some((dest_url, is_address(link_type)));
                events.push(Event::Start(Tag::Link { link_type, dest_url: dest, title, id }));
            }
            Event::End(TagEnd::Link) => {
                link = None;
                events.push(event);
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                image_depth += 1;
                let dest = checked_dest(&dest_url, true, range.start, &lines, &opts, file, &mut out);
                events.push(Event::Start(Tag::Image { link_type, dest_url: dest, title, id }));
            }
            Event::End(TagEnd::Image) => {
                image_depth = image_depth.saturating_sub(1);
                events.push(event);
            }
            Event::Text(t) if image_depth == 0 => {
                // A run of text and soft breaks, so a mention split over two source lines
                // (`Kết luận số` / `49-KL/TW`) is still one mention.
                let run = Run::take(t, range, &mut iter);
                plain.push_str(run.text());
                let place = match (&link, raw.in_raw_link()) {
                    (Some((dest, address)), _) => Place::Link { dest, address: *address },
                    (None, true) => Place::Link { dest: "", address: false },
                    (None, false) => Place::Body,
                };
                runs::push(run, body, place, opts.cites, &mut cite, &mut events);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                plain.push_str(t);
                events.push(event);
            }
            Event::SoftBreak => {
                plain.push(' ');
                events.push(event);
            }
            // Block ends are segment breaks for search (no bigram across them).
            Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                plain.push('\n');
                if !close_container(&mut raw, &mut events, &mut more_at) {
                    events.push(event);
                }
            }
            Event::HardBreak | Event::End(TagEnd::TableCell) => {
                plain.push('\n');
                events.push(event);
            }
            other => events.push(other),
        }
    }

    if let Some(e) = &expanded {
        plain = shortcodes::strip(&plain);
        plain.push_str(&e.text);
    }
    out.syllables = crate::vi::reading::syllables(&plain);
    out.text = plain.into();
    out.mentions = cite.mentions;
    if let Some(i) = more_at {
        let mut s = String::new();
        push_html(&mut s, events[..i].iter().cloned());
        out.more_html = Some(match &expanded {
            Some(e) => shortcodes::fill(&s, &e.outputs),
            None => s,
        });
    }
    // The first paragraph, not one that holds only a block shortcode (a video is no summary).
    let first_paragraph = events.iter().enumerate().position(|(i, e)| {
        matches!(e, Event::Start(Tag::Paragraph))
            && !matches!(events.get(i + 1), Some(Event::Text(t)) if shortcodes::is_placeholder(t))
    });
    if let Some(start) = first_paragraph {
        let end = events[start..]
            .iter()
            .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))
            .map_or(events.len(), |e| start + e + 1);
        // Shared with the page's card (its summary), not copied.
        let mut first = String::new();
        push_html(&mut first, events[start..end].iter().cloned());
        if let Some(e) = &expanded {
            first = shortcodes::fill(&first, &e.outputs);
        }
        out.first_paragraph_text = html_to_text(&first).into();
        out.first_paragraph_html = first.into();
    }
    out.clauses = headings.clauses(&events);
    out.toc = headings.toc;
    out.heading_ids = headings.ids;
    out.html = body_html(events.into_iter());
    if let Some(e) = &expanded {
        out.html = shortcodes::fill(&out.html, &e.outputs).into();
    }
    out
}

/// `shortcodes::expand` with the render loop's address check, and a block's body rendered as
/// a body one level deeper; what they find joins `out`.
fn expand_shortcodes(
    body: &str,
    set: &dyn shortcodes::Shortcodes,
    lines: &Lines<'_>,
    file: &str,
    opts: MarkdownOptions<'_>,
    depth: usize,
    out: &mut Rendered,
) -> Option<shortcodes::Expanded> {
    let mut found = Rendered::default();
    let mut nested = Rendered::default();
    let mut address = |url: &str, image: bool, at: usize| {
        checked_dest(&CowStr::from(url.to_string()), image, at, lines, &opts, file, &mut found).into_string()
    };
    let mut body_of = |md: &str, at: usize| {
        let r = render_at(md, lines.at(at).line, file, opts, depth + 1);
        nested.diagnostics.extend(r.diagnostics);
        nested.local_links.extend(r.local_links);
        nested.anchor_refs.extend(r.anchor_refs);
        (r.html.to_string(), r.text.to_string())
    };
    let hooks = shortcodes::Hooks { address: &mut address, body: &mut body_of, depth };
    let expanded = shortcodes::expand(body, set, lines, hooks, parser_options(), &mut out.diagnostics);
    for r in [found, nested] {
        out.diagnostics.extend(r.diagnostics);
        out.local_links.extend(r.local_links);
        out.anchor_refs.extend(r.anchor_refs);
    }
    expanded
}

/// Where a link (or an image) written at byte `at` goes: `links::link_dest`, its findings
/// added to `out`.
fn checked_dest<'a>(
    dest_url: &CowStr<'a>,
    image: bool,
    at: usize,
    lines: &Lines<'_>,
    opts: &MarkdownOptions<'_>,
    file: &str,
    out: &mut Rendered,
) -> CowStr<'a> {
    let found = LinkFindings {
        diagnostics: &mut out.diagnostics,
        anchor_refs: &mut out.anchor_refs,
        local: &mut out.local_links,
    };
    link_dest(dest_url, image, lines, at, opts.links, opts.bundle_url, source_dir(file), found)
}

/// True for the links whose text is their address (`<https://…>`, `<name@domain>`).
fn is_address(link_type: LinkType) -> bool {
    matches!(link_type, LinkType::Autolink | LinkType::Email)
}

/// Closes the innermost container, before its end tag is added: true when it held nothing but
/// dropped HTML and was taken out (a summary marker inside it then stays where it was).
fn close_container(raw: &mut RawHtml, events: &mut Vec<Event<'_>>, more_at: &mut Option<usize>) -> bool {
    let emptied = raw.close(events);
    if emptied && let Some(at) = more_at {
        *at = (*at).min(events.len());
    }
    emptied
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn cites() -> Citations {
        Citations::new(vec![cite::CiteTarget {
            code: "49-KL/TW".into(),
            aliases: vec!["Kết luận 49".into()],
            url: "/van-ban/49-kl-tw/".into(),
            clauses: vec!["diem-1".into()],
        }])
    }

    /// `body` rendered from `first_line` of `file` with `links` and the test citations.
    fn render_with(
        body: &str,
        first_line: usize,
        file: &str,
        links: &LinkTargets,
        own: Option<usize>,
        anchors: bool,
    ) -> Rendered {
        let (cites, highlights) = (cites(), highlight::HighlightCache::default());
        let opts = MarkdownOptions {
            unsafe_html: false,
            links,
            bundle_url: None,
            cites: &cites,
            own_document: own,
            clause_anchors: anchors,
            highlights: &highlights,
            shortcodes: None,
        };
        render(body, first_line, file, opts)
    }

    pub(super) fn with_cites(body: &str, own: Option<usize>, anchors: bool) -> Rendered {
        render_with(body, 1, "f", &LinkTargets::default(), own, anchors)
    }

    pub(super) fn md(body: &str) -> Rendered {
        let links = LinkTargets { urls: [("bai-viet/a.md".to_string(), "/bai-viet/a/".to_string())].into() };
        render_with(body, 10, "content/x.md", &links, None, false)
    }

    #[test]
    fn text_headings_give_where_each_heading_line_starts() {
        let r = md("Mở đầu.\n\n## Điều 1. Phạm vi\n\nNội dung.\n\n### Khoản *a*\n\nHết.\n");
        let at: Vec<(&str, &str)> = r
            .text_headings
            .iter()
            .map(|(at, id)| (r.text[*at..].lines().next().unwrap_or(""), id.as_str()))
            .collect();
        assert_eq!(at, [("Điều 1. Phạm vi", "dieu-1-pham-vi"), ("Khoản a", "khoan-a")]);
    }

    #[test]
    fn citations_skip_links_code_headings_and_images() {
        let r = with_cites(
            "## Kết luận 49\n\n`49-KL/TW` và [Kết luận 49](https://x.vn) và ![Kết luận 49](a.png) rồi Kết luận số\n49-KL/TW.\n",
            None,
            false,
        );
        assert_eq!(r.html.matches("class=\"trich-dan\"").count(), 1, "{}", r.html);
        assert!(r.html.contains("<a class=\"trich-dan\" href=\"/van-ban/49-kl-tw/\">Kết luận số\n<span class=\"so-hieu\">49-KL/TW</span></a>"), "{}", r.html);
        assert!(r.html.contains("<code>49-KL/TW</code>"), "{}", r.html);
        assert!(r.html.contains("alt=\"Kết luận 49\""), "{}", r.html);
        assert_eq!(r.mentions, vec![(0, None)]);
    }

    #[test]
    fn nesting_beyond_the_cap_is_an_error_at_its_line_and_left_out() {
        let ok = md(&format!("a\n\n{}x\n", "> ".repeat(MAX_NESTING)));
        assert!(ok.diagnostics.is_empty(), "{}", ok.diagnostics);
        assert_eq!(ok.html.matches("<blockquote>").count(), MAX_NESTING);
        let deep = md(&format!("a\n\n{}x\n", "> ".repeat(100_000)));
        let errors: Vec<_> = deep.diagnostics.iter().filter(|d| d.code == "nesting").collect();
        assert_eq!(errors.len(), 1, "{}", deep.diagnostics);
        assert!(errors[0].is_error());
        assert_eq!(errors[0].location.as_ref().map(|l| l.line), Some(12));
        assert_eq!(deep.html.matches("<blockquote>").count(), MAX_NESTING);
        assert_eq!(deep.html.matches("</blockquote>").count(), MAX_NESTING);
        let list: String = (0..200).map(|i| format!("{}- x\n", "  ".repeat(i))).collect();
        let r = md(&list);
        assert_eq!(r.diagnostics.iter().filter(|d| d.code == "nesting").count(), 1, "{}", r.diagnostics);
        assert_eq!(r.html.matches("<ul>").count(), MAX_NESTING);
    }

    #[test]
    fn raw_html_is_dropped_with_a_warning_at_its_line() {
        let r = md("a\n\n<script>alert(1)</script>\n\nb <b>x</b>\n");
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("<b>"), "{}", r.html);
        let lines: Vec<usize> =
            r.diagnostics.iter().map(|d| d.location.as_ref().map_or(0, |l| l.line)).collect();
        assert_eq!(lines, [12, 14]);
    }

    #[test]
    fn summary_marker_and_first_paragraph() {
        let r = md("Mở đầu *bài*.\n\n<!-- more -->\n\nPhần sau.\n");
        assert_eq!(r.more_html.as_deref(), Some("<p>Mở đầu <em>bài</em>.</p>\n"));
        assert_eq!(&*r.first_paragraph_text, "Mở đầu bài.");
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn syllables_skip_code() {
        let r = md("Kết luận số 49-KL/TW năm 2019.\n\n```\nkhông đếm phần này\n```\n");
        assert_eq!(r.syllables, 6);
    }
}
