//! Markdown stage: a document's body → `Rendered` (HTML, table of contents, summary, reading
//! time, internal links resolved, anchors to check).
//!
//! Takes the body text, its first file line, the link targets of the site and the Markdown
//! options; gives the rendered HTML beside (never inside) the Document. Owns pulldown-cmark:
//! heading ids (Vietnamese slugs, unique per page), raw HTML policy, dangerous URL schemes,
//! code highlighting (via `highlight`), `@/` links. Pure: no file system.

pub mod cite;
pub mod highlight;

use std::collections::HashMap;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use crate::diagnostics::{Diagnostic, Diagnostics, Location, did_you_mean};
use cite::{Citations, CiteState, Mention};

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

/// A `#anchor` of another page that must exist (checked by `validate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorRef {
    /// The target (content-relative source path, `bai-viet/x.md`).
    pub target: String,
    /// The anchor without `#`.
    pub anchor: String,
    /// Where the link is written.
    pub location: Location,
}

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
}

/// What `@/path.md` links may point at: content-relative source path → site URL path.
#[derive(Debug, Clone, Default)]
pub struct LinkTargets {
    /// `bai-viet/x.md` → `/bai-viet/x/` (base path included).
    pub urls: HashMap<String, String>,
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

/// Maps byte offsets of the body to file-absolute (line, column).
struct Lines<'a> {
    text: &'a str,
    /// Where each line starts, found on the first [`Lines::at`] (most pages never ask).
    starts: std::cell::OnceCell<Vec<usize>>,
    first_line: usize,
    file: &'a str,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str, first_line: usize, file: &'a str) -> Self {
        Lines { text, starts: std::cell::OnceCell::new(), first_line, file }
    }

    fn at(&self, offset: usize) -> Location {
        let starts = self.starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            starts
        });
        let idx = starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = starts[idx];
        let col = self.text.get(start..offset.min(self.text.len())).map_or(1, |s| s.chars().count() + 1);
        Location::at(self.file, self.first_line + idx, col)
    }
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

/// Renders a body. `file` is the source path for diagnostics, `first_line` its first body line.
pub fn render(body: &str, first_line: usize, file: &str, opts: MarkdownOptions<'_>) -> Rendered {
    let lines = Lines::new(body, first_line, file);
    let mut out = Rendered::default();
    // Room for the events and the plain text a body of this size usually gives (no copies
    // while they grow; both are dropped when the body is done).
    let mut events: Vec<Event<'_>> = Vec::with_capacity(body.len() / 16);
    let mut plain = String::with_capacity(body.len());
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    let mut more_at: Option<usize> = None;
    let mut html_warned_line = 0;
    let mut cite = CiteState::new(opts.own_document);
    // (index in `events` of the heading start, level, id) for headings with explicit ids.
    let mut explicit_headings: Vec<(usize, HeadingLevel, String, String)> = Vec::new();
    let mut heading_starts: Vec<(usize, HeadingLevel)> = Vec::new();
    let mut link_depth = 0usize;
    let mut image_depth = 0usize;
    // Blockquotes and lists open now, and how many of them are beyond `MAX_NESTING` (left out).
    let mut nesting = 0usize;
    let mut nesting_reported = false;

    let mut iter = Parser::new_ext(body, parser_options()).into_offset_iter().peekable();
    while let Some((event, range)) = iter.next() {
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                // Collect the heading's inline events to compute its text and id.
                let mut inner = Vec::new();
                let mut text = String::new();
                for (ev, _) in iter.by_ref() {
                    match ev {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(ref t) => {
                            text.push_str(t);
                            // Numbers stay on one line; no citation links in headings.
                            let html = if cite::is_plain(t, opts.cites, false) {
                                t.clone()
                            } else {
                                CowStr::from(cite::transform(t, opts.cites, &mut cite, false))
                            };
                            inner.push(Event::Html(html));
                            continue;
                        }
                        Event::Code(ref t) => text.push_str(t),
                        Event::InlineHtml(_) | Event::Html(_) if !opts.unsafe_html => continue,
                        _ => {}
                    }
                    inner.push(ev);
                }
                let explicit = id.as_deref().map(str::to_string);
                let base = explicit.clone().unwrap_or_else(|| {
                    let s = crate::vi::slugify(&text);
                    if s.is_empty() { "muc".to_string() } else { s }
                });
                let unique = unique_id(&mut used_ids, &base);
                if explicit.is_some() && unique != base {
                    out.diagnostics.push(
                        Diagnostic::error(
                            "duplicate-id",
                            lines.at(range.start),
                            format!("id `{base}` đã dùng cho một tiêu đề khác trong trang"),
                        )
                        .with_hint("đặt id khác trong `{#...}`"),
                    );
                }
                plain.push_str(&text);
                plain.push('\n');
                if level != HeadingLevel::H1 {
                    out.toc.push(TocEntry {
                        level: level as u8,
                        id: unique.clone(),
                        title: text.trim().to_string(),
                    });
                }
                out.heading_ids.push(unique.clone());
                heading_starts.push((events.len(), level));
                if explicit.is_some() {
                    explicit_headings.push((events.len(), level, unique.clone(), text.trim().to_string()));
                }
                let classes =
                    heading_classes(classes, attrs, body, range.clone(), &lines, &mut out.diagnostics);
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(unique.clone())),
                    classes,
                    attrs: Vec::new(),
                }));
                events.extend(inner);
                if explicit.is_some() && opts.clause_anchors {
                    events.push(Event::Html(CowStr::from(format!(
                        " <a class=\"clause-link\" href=\"#{}\" aria-label=\"Liên kết tới mục này\">#</a>",
                        escape(&unique)
                    ))));
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::BlockQuote(_) | Tag::List(_)) => {
                nesting += 1;
                if nesting <= MAX_NESTING {
                    events.push(event);
                } else if !nesting_reported {
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
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_)) => {
                if nesting <= MAX_NESTING {
                    events.push(event);
                }
                nesting = nesting.saturating_sub(1);
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
                events.push(Event::Html(CowStr::from(code_block(&code, &lang, opts.highlights))));
            }
            Event::Html(ref h) | Event::InlineHtml(ref h) => {
                let t = h.trim();
                if t == "<!-- more -->" || t == "<!--more-->" {
                    more_at.get_or_insert(events.len());
                    continue;
                }
                if opts.unsafe_html {
                    events.push(event);
                    continue;
                }
                if t.starts_with("<!--") {
                    continue;
                }
                let loc = lines.at(range.start);
                if loc.line != html_warned_line {
                    html_warned_line = loc.line;
                    out.diagnostics.push(
                        Diagnostic::warning("raw-html", loc, "đã bỏ mã HTML viết trực tiếp trong bài").with_hint(
                            "dùng cú pháp Markdown; nếu thật sự cần HTML, đặt `markdown: {unsafe_html: true}` trong loa.yaml",
                        ),
                    );
                }
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                link_depth += 1;
                let dest = link_dest(&dest_url, &lines, range.start, opts, &mut out);
                events.push(Event::Start(Tag::Link { link_type, dest_url: dest, title, id }));
            }
            Event::End(TagEnd::Link) => {
                link_depth = link_depth.saturating_sub(1);
                events.push(event);
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                image_depth += 1;
                let dest = link_dest(&dest_url, &lines, range.start, opts, &mut out);
                events.push(Event::Start(Tag::Image { link_type, dest_url: dest, title, id }));
            }
            Event::End(TagEnd::Image) => {
                image_depth = image_depth.saturating_sub(1);
                events.push(event);
            }
            Event::Text(ref t) if image_depth == 0 => {
                // Merge a run of text and soft breaks, so a mention split over two source lines
                // (`Kết luận số` / `49-KL/TW`) is still one mention.
                // (Copied only when there is more to join: most runs are one event.)
                let mut joined: Option<String> = None;
                loop {
                    let more: &str = match iter.peek() {
                        Some((Event::Text(more), _)) => more,
                        Some((Event::SoftBreak, _)) => "\n",
                        _ => break,
                    };
                    joined.get_or_insert_with(|| t.to_string()).push_str(more);
                    iter.next();
                }
                let run = joined.as_deref().unwrap_or(t);
                plain.push_str(run);
                let html = if joined.is_none() && cite::is_plain(run, opts.cites, link_depth == 0) {
                    // Nothing to escape, number or citation: the text itself, not a copy.
                    t.clone()
                } else {
                    CowStr::from(cite::transform(run, opts.cites, &mut cite, link_depth == 0))
                };
                events.push(Event::Html(html));
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
            Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                plain.push('\n');
                events.push(event);
            }
            other => events.push(other),
        }
    }

    out.syllables = crate::vi::reading::syllables(&plain);
    out.text = plain.into();
    out.mentions = cite.mentions;
    if let Some(i) = more_at {
        let mut s = String::new();
        html::push_html(&mut s, events[..i].iter().cloned());
        out.more_html = Some(s);
    }
    if let Some(start) = events.iter().position(|e| matches!(e, Event::Start(Tag::Paragraph))) {
        let end = events[start..]
            .iter()
            .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))
            .map_or(events.len(), |e| start + e + 1);
        // Shared with the page's card (its summary), not copied.
        let mut first = String::new();
        html::push_html(&mut first, events[start..end].iter().cloned());
        out.first_paragraph_text = html_to_text(&first).into();
        out.first_paragraph_html = first.into();
    }
    for (at, level, id, title) in explicit_headings {
        let end =
            heading_starts.iter().find(|(i, l)| *i > at && *l <= level).map_or(events.len(), |(i, _)| *i);
        let content_start = events[at..end]
            .iter()
            .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
            .map_or(end, |k| at + k + 1);
        let mut html = String::new();
        html::push_html(&mut html, events[content_start..end].iter().cloned());
        out.clauses.push(Clause { id, title, html });
    }
    out.html = SCRATCH.with_borrow_mut(|scratch| {
        scratch.clear();
        html::push_html(scratch, events.into_iter());
        // Bodies are kept until their page renders, so each gets a string of its exact size:
        // one grown by doubling holds up to twice its text, and `shrink_to_fit` does not
        // help (mimalloc keeps a block that stays at least half full). Grown here instead,
        // in a buffer that the thread's next body reuses.
        let html = std::sync::Arc::from(scratch.as_str());
        if scratch.capacity() > SCRATCH_KEPT {
            *scratch = String::new();
        }
        html
    });
    out
}

/// The classes a heading keeps from its attribute block (`## A {#a .b key=v}`): only tokens of
/// ASCII letters, digits, `-` and `_`. Every other attribute (`onfocus=…`, `style=…`,
/// `tabindex`) is dropped with a warning at its position: pulldown-cmark writes them as real
/// HTML attributes, so an event handler there would run in every reader's browser, with
/// `markdown.unsafe_html` off.
fn heading_classes<'a>(
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

/// The deepest nesting of blockquotes and lists a body may have. Each level adds its tags to
/// everything inside it: 100,000 nested `>` made a 2.7 MB page. Deeper levels are an error
/// (the build fails) and are left out of the HTML.
pub const MAX_NESTING: usize = 64;

thread_local! {
    /// Where this thread writes a body's HTML before it is copied out (see [`render`]).
    static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// The largest HTML buffer a thread keeps for its next body (a rare huge page's is freed).
const SCRATCH_KEPT: usize = 1 << 20;

/// Plain text of an HTML fragment: tags dropped, the five entities decoded, spaces collapsed.
pub fn html_to_text(html: &str) -> String {
    // Tags dropped first (an entity may be split by a tag; a `>` outside a tag is dropped too),
    // copying the runs between them whole. Then the words, split on white space and joined
    // with one space, with the five entities `escape` writes decoded: no entity holds white
    // space and no decoded character is white space, so splitting first is the same as
    // decoding first; and decoding in one pass is the same as decoding each entity in turn,
    // `&amp;` last, as no decoded character is part of an entity.
    const ENTITIES: [(&str, char); 5] =
        [("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&#39;", '\''), ("&amp;", '&')];
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut rest = html;
    while let Some(i) = rest.bytes().position(|b| b == b'<' || b == b'>') {
        if !in_tag {
            text.push_str(&rest[..i]);
        }
        in_tag = rest.as_bytes()[i] == b'<';
        rest = &rest[i + 1..];
    }
    if !in_tag {
        text.push_str(rest);
    }
    // Then one pass over the bytes, copying runs whole: white space is ASCII `\t`–`\r` and the
    // space, or a character led by 0xC2, 0xE1, 0xE2 or 0xE3 that `char::is_whitespace` calls
    // white space (every other one is elsewhere), as `split_whitespace` splits.
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut gap, mut run, mut i) = (false, 0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        // Most bytes are none of white space, a lead that may start it, or `&`; and an 0xE1
        // lead starts white space only as U+1680 (0xE1 0x9A 0x80): Vietnamese letters
        // (0xE1 0xBA, 0xE1 0xBB) are passed without decoding.
        if !TEXT_SPECIAL[usize::from(b)] || (b == 0xE1 && bytes.get(i + 1) != Some(&0x9A)) {
            start_word(&mut out, &mut gap);
            i += 1;
            continue;
        }
        if b == b' '
            && !gap
            && (i > run || !out.is_empty())
            && text[i + 1..].chars().next().is_some_and(|c| !c.is_whitespace())
        {
            // One space between two words stays in the run, as the join would write it: the
            // runs are copied a paragraph at a time, not a word at a time.
            i += 1;
            continue;
        }
        let space = match b {
            b'\t'..=b'\r' | b' ' => 1,
            0xC2 | 0xE1 | 0xE2 | 0xE3 => {
                text[i..].chars().next().filter(|c| c.is_whitespace()).map_or(0, char::len_utf8)
            }
            _ => 0,
        };
        if space > 0 {
            out.push_str(&text[run..i]);
            gap = true;
            i += space;
            run = i;
            continue;
        }
        start_word(&mut out, &mut gap);
        if b == b'&' {
            out.push_str(&text[run..i]);
            match ENTITIES.iter().find(|(e, _)| text[i..].starts_with(e)) {
                Some(&(e, decoded)) => {
                    out.push(decoded);
                    i += e.len();
                }
                None => {
                    out.push('&');
                    i += 1;
                }
            }
            run = i;
            continue;
        }
        i += 1;
    }
    out.push_str(&text[run..]);
    out
}

/// For [`html_to_text`], at a byte that is not white space: after a gap, it starts a word, so
/// one space goes out first (none before the first word). The run before it is empty.
#[inline(always)]
fn start_word(out: &mut String, gap: &mut bool) {
    if std::mem::take(gap) && !out.is_empty() {
        out.push(' ');
    }
}

/// For [`html_to_text`]: the bytes that may start white space (ASCII `\t`–`\r` and the
/// space, the leads 0xC2, 0xE1, 0xE2, 0xE3) and `&`.
static TEXT_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = matches!(b as u8, b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1 | 0xE2 | 0xE3 | b'&');
        b += 1;
    }
    t
};

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

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(s, &mut out);
    out
}

/// 1 for the bytes [`escape`] replaces (`& < > " '`), else 0 (for [`crate::scan::next_special`]).
pub(crate) fn html_special(b: u8) -> u8 {
    u8::from(b == b'&')
        | u8::from(b == b'<')
        | u8::from(b == b'>')
        | u8::from(b == b'"')
        | u8::from(b == b'\'')
}

/// True if [`escape`] would give `s` unchanged.
pub(crate) fn needs_no_escape(s: &str) -> bool {
    crate::scan::next_special(s.as_bytes(), 0, html_special).is_none()
}

/// [`escape`], appended to `out`.
pub fn escape_into(s: &str, out: &mut String) {
    // Runs between special characters are copied whole (the special ones are ASCII, so byte
    // positions are character boundaries).
    let special = html_special;
    let bytes = s.as_bytes();
    let mut start = 0;
    while let Some(i) = crate::scan::next_special(bytes, start, special) {
        let entity = match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        };
        out.push_str(&s[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

fn code_block(code: &str, lang: &str, cache: &highlight::HighlightCache) -> String {
    let body = cache.get(code, lang).map_or_else(|| escape(code), |h| h.to_string());
    if lang.is_empty() {
        format!("<pre class=\"code\"><code>{body}</code></pre>\n")
    } else {
        let l = escape(lang);
        format!("<pre class=\"code\" data-lang=\"{l}\"><code class=\"language-{l}\">{body}</code></pre>\n")
    }
}

pub use crate::url::is_dangerous as is_dangerous_url;

/// A link relative to the page (`anh.jpg`, `./a/b.pdf`): no scheme, not absolute, not an anchor.
fn is_relative(url: &str) -> bool {
    !(url.is_empty()
        || url.starts_with(['/', '#', '?'])
        || url.split(['/', '?', '#']).next().is_some_and(|first| first.contains(':')))
}

fn link_dest<'a>(
    dest: &CowStr<'a>,
    lines: &Lines<'_>,
    offset: usize,
    opts: MarkdownOptions<'_>,
    out: &mut Rendered,
) -> CowStr<'a> {
    if is_dangerous_url(dest) {
        out.diagnostics.push(
            Diagnostic::warning(
                "unsafe-url",
                lines.at(offset),
                format!("đã vô hiệu hóa liên kết nguy hiểm `{}`", dest.chars().take(40).collect::<String>()),
            )
            .with_hint("liên kết chỉ nên dùng http://, https://, mailto: hoặc đường dẫn trong trang"),
        );
        return CowStr::from("#");
    }
    let Some(internal) = dest.strip_prefix("@/") else {
        if let Some(base) = opts.bundle_url.filter(|_| is_relative(dest)) {
            return CowStr::from(format!("{base}{}", dest.trim_start_matches("./")));
        }
        return dest.clone();
    };
    let (path, anchor) = match internal.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (internal, None),
    };
    let path = crate::vi::nfc(path);
    match opts.links.urls.get(&path) {
        Some(url) => {
            if let Some(a) = anchor.filter(|a| !a.is_empty()) {
                out.anchor_refs.push(AnchorRef {
                    target: path.clone(),
                    anchor: a.to_string(),
                    location: lines.at(offset),
                });
                CowStr::from(format!("{url}#{a}"))
            } else {
                CowStr::from(url.clone())
            }
        }
        None => {
            let hint = match did_you_mean(&path, opts.links.urls.keys().map(String::as_str)) {
                Some(s) => format!("có phải ý bạn là `@/{s}`? Đường dẫn tính từ thư mục content/"),
                None => "đường dẫn tính từ thư mục content/, ví dụ `@/bai-viet/ten-bai.md`".to_string(),
            };
            out.diagnostics.push(
                Diagnostic::error(
                    "broken-link",
                    lines.at(offset),
                    format!("liên kết tới trang không tồn tại `@/{path}`"),
                )
                .with_hint(hint),
            );
            CowStr::from("#")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_replaces_the_five_special_characters_and_keeps_the_rest() {
        assert_eq!(escape(""), "");
        assert_eq!(escape("Học tập"), "Học tập");
        assert_eq!(
            escape("<a href=\"x\">Đ & 'y'</a>"),
            "&lt;a href=&quot;x&quot;&gt;Đ &amp; &#39;y&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("&&ệ>"), "&amp;&amp;ệ&gt;");
        // Special characters before, inside and after whole 16-byte blocks.
        let long = "Xây dựng xã hội học tập <b>“suốt đời”</b> & 'khuyến học' > \"khuyến tài\"";
        for start in 0..long.len() {
            for end in start..=long.len() {
                if let (Some(part), Some(expected)) =
                    (long.get(start..end), escape_by_replace(long, start, end))
                {
                    assert_eq!(escape(part), expected, "{part:?}");
                }
            }
        }
    }

    #[test]
    fn text_of_html_is_that_of_dropping_tags_then_decoding_each_entity() {
        fn by_steps(html: &str) -> String {
            let mut out = String::new();
            let mut in_tag = false;
            for c in html.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => out.push(c),
                    _ => {}
                }
            }
            let out = out
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
            out.split_whitespace().collect::<Vec<_>>().join(" ")
        }
        let pieces = [
            "<p>",
            "</p>\n",
            "Mở",
            " ",
            "\u{a0}",
            "<em class=\"x\">",
            "đầu",
            "&amp;",
            "&lt;",
            "lt;",
            "&",
            "&#39;",
            "&quot;",
            "&gt;",
            "amp;",
            "\n\t",
            ">",
            "<",
            "“Học”",
            "\u{3000}",
            "\u{2003}",
            "\u{85}",
            "\u{1680}",
            "\u{16a0}",
            "\u{b}x\u{c}",
            "ệ\u{2028}",
            "–",
            "\u{202f}",
        ];
        for html in crate::testing::mixed_strings(&pieces, 7, 20_000, 0x9E37_79B9_7F4A_7C15) {
            assert_eq!(html_to_text(&html), by_steps(&html), "{html:?}");
        }
    }

    fn escape_by_replace(s: &str, start: usize, end: usize) -> Option<String> {
        let part = s.get(start..end)?;
        Some(
            part.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
                .replace('\'', "&#39;"),
        )
    }

    fn cites() -> Citations {
        Citations::new(vec![cite::CiteTarget {
            code: "49-KL/TW".into(),
            aliases: vec!["Kết luận 49".into()],
            url: "/van-ban/49-kl-tw/".into(),
            clauses: vec!["diem-1".into()],
        }])
    }

    fn with_cites(body: &str, own: Option<usize>, anchors: bool) -> Rendered {
        let links = LinkTargets::default();
        let cites = cites();
        let opts = MarkdownOptions {
            unsafe_html: false,
            links: &links,
            bundle_url: None,
            cites: &cites,
            own_document: own,
            clause_anchors: anchors,
            highlights: &highlight::HighlightCache::default(),
        };
        render(body, 1, "f", opts)
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

    fn md(body: &str) -> Rendered {
        let links = LinkTargets { urls: [("bai-viet/a.md".to_string(), "/bai-viet/a/".to_string())].into() };
        render(
            body,
            10,
            "content/x.md",
            MarkdownOptions {
                unsafe_html: false,
                links: &links,
                bundle_url: None,
                cites: &cites(),
                own_document: None,
                clause_anchors: false,
                highlights: &highlight::HighlightCache::default(),
            },
        )
    }

    #[test]
    fn heading_ids_are_vietnamese_slugs_and_unique() {
        let r = md("## Xã hội học tập\n\n## Xã hội học tập\n\n## Điểm 1 {#diem-1}\n");
        assert_eq!(r.heading_ids, ["xa-hoi-hoc-tap", "xa-hoi-hoc-tap-1", "diem-1"]);
        assert!(r.html.contains("<h2 id=\"xa-hoi-hoc-tap-1\">"), "{}", r.html);
        assert_eq!(r.toc[2], TocEntry { level: 2, id: "diem-1".into(), title: "Điểm 1".into() });
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
    fn dangerous_links_are_neutralised() {
        for url in [
            "javascript:alert(1)",
            "JAVASCRIPT:x",
            " javascript:x",
            "java\tscript:x",
            "vbscript:x",
            "data:text/html,x",
        ] {
            let r = md(&format!("[a](<{url}>) ![i](<{url}>)"));
            assert!(!r.html.to_lowercase().contains("script:"), "{url}: {}", r.html);
            assert_eq!(r.diagnostics.warning_count(), 2, "{url}");
        }
    }

    #[test]
    fn internal_links_resolve_or_fail_at_their_line() {
        let r = md("xem [a](@/bai-viet/a.md#muc) và\n[b](@/bai-viet/b.md)\n");
        assert!(r.html.contains("href=\"/bai-viet/a/#muc\""), "{}", r.html);
        assert_eq!(r.anchor_refs.len(), 1);
        let e: Vec<_> = r.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].location.as_ref().map(|l| (l.line, l.column)), Some((11, 1)));
        assert!(e[0].hint.as_deref().unwrap_or("").contains("@/bai-viet/a.md"));
    }

    #[test]
    fn bundle_relative_links_become_absolute() {
        let links = LinkTargets::default();
        let cites = cites();
        let opts = MarkdownOptions {
            unsafe_html: false,
            links: &links,
            bundle_url: Some("/a/b/"),
            cites: &cites,
            own_document: None,
            clause_anchors: false,
            highlights: &highlight::HighlightCache::default(),
        };
        let r = render("![x](anh.jpg) [p](./t.pdf) [w](https://x.vn) [m](mailto:a@b) [h](#x)", 1, "f", opts);
        assert!(r.html.contains("src=\"/a/b/anh.jpg\""), "{}", r.html);
        assert!(r.html.contains("href=\"/a/b/t.pdf\""), "{}", r.html);
        assert!(r.html.contains("href=\"https://x.vn\""), "{}", r.html);
        assert!(r.html.contains("href=\"mailto:a@b\""), "{}", r.html);
        assert!(r.html.contains("href=\"#x\""), "{}", r.html);
    }

    #[test]
    fn code_fence_language_is_escaped() {
        let r = md("```\"><script>\nx\n```\n");
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r.html.contains("&quot;&gt;&lt;script&gt;"), "{}", r.html);
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
