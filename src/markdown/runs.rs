//! Runs of text: the text and soft breaks between two pieces of markup, and what they become.
//!
//! Takes: a run (each text event and where it is written in the body), where the run is (the
//! body's running text, a heading, the text of a link) and the citation registry.
//! Gives: the events that write it: bare addresses linked (`autolink`; in running text and
//! headings), citations linked (running text only) and document numbers kept on one line
//! (`cite`). An address is never cited nor wrapped: its text is the address as written
//! (smart punctuation undone), and so is the text of a link that is its own address
//! (`<https://…>`, `[x.vn/a](https://x.vn/a)`).
//! Must not: decide where a run is (the render loop knows about links, headings and code).

use std::borrow::Cow;
use std::iter::Peekable;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::autolink::{self, Kind};
use super::cite::{self, Citations, CiteState};
use super::html::escape;

/// A run of text events and soft breaks.
pub(super) struct Run<'a> {
    /// The first event's text and where it is written.
    first: (CowStr<'a>, Range<usize>),
    /// The others (a soft break as `\n`), most often none.
    rest: Vec<(CowStr<'a>, Range<usize>)>,
    /// The texts joined, when there is more than one.
    joined: Option<String>,
}

impl<'a> Run<'a> {
    /// The run that starts with the text `first`, written at `range`: it takes the text and
    /// soft breaks that follow from `events`, so that a mention or an address written over two
    /// lines, or split by pulldown-cmark (at `&`, `_`, quotes…), is read whole.
    pub(super) fn take<I>(first: CowStr<'a>, range: Range<usize>, events: &mut Peekable<I>) -> Run<'a>
    where
        I: Iterator<Item = (Event<'a>, Range<usize>)>,
    {
        let mut rest = Vec::new();
        while let Some((Event::Text(_) | Event::SoftBreak, _)) = events.peek() {
            let Some((event, at)) = events.next() else { break };
            let text = match event {
                Event::Text(t) => t,
                _ => CowStr::Borrowed("\n"),
            };
            rest.push((text, at));
        }
        // Copied only when there is more to join: most runs are one event.
        let joined = (!rest.is_empty()).then(|| {
            let mut joined = first.to_string();
            rest.iter().for_each(|(t, _)| joined.push_str(t));
            joined
        });
        Run { first: (first, range), rest, joined }
    }

    /// The run's text (a soft break is `\n`).
    pub(super) fn text(&self) -> &str {
        self.joined.as_deref().unwrap_or(&self.first.0)
    }
}

/// Where a run is.
#[derive(Debug, Clone, Copy)]
pub(super) enum Place<'d> {
    /// The body's running text: addresses and citations are linked.
    Body,
    /// A heading: addresses are linked, citations not.
    Heading,
    /// The text of a link: nothing is linked. `dest` is where it goes as written (empty for a
    /// raw `<a>`); `address` for `<https://…>` and `<name@domain>`, whose text is their address.
    Link { dest: &'d str, address: bool },
}

/// Adds the events that write `run` to `events`. `body` is the text the run's places are in.
pub(super) fn push<'a>(
    run: Run<'a>,
    body: &str,
    place: Place<'_>,
    cites: &Citations,
    state: &mut CiteState,
    events: &mut Vec<Event<'a>>,
) {
    let text = run.text();
    let cite_links = matches!(place, Place::Body);
    if let Place::Link { dest, address } = place
        && (address || is_own_address(text, dest))
    {
        events.push(Event::Html(escape(text).into()));
        return;
    }
    let before = body.get(..run.first.1.start).and_then(|s| s.chars().next_back());
    if autolink::find(text, before).is_empty() {
        if run.joined.is_none() && cite::is_plain(text, cites, cite_links) {
            // Nothing to escape, number or citation: the text itself, not a copy.
            events.push(Event::Html(run.first.0));
        } else {
            events.push(Event::Html(cite::transform(text, cites, state, cite_links).into()));
        }
        return;
    }
    let written = Written::of(&run, body);
    let mut at = 0;
    // Inside a link, one piece of HTML (no link is made).
    let mut html = String::new();
    for address in autolink::find(&written.text, before) {
        let between = written.typographic(at..address.range.start);
        let as_written = &written.text[address.range.clone()];
        if let Place::Link { .. } = place {
            html.push_str(&cite::nowrap_numbers(&between));
            html.push_str(&escape(as_written));
        } else {
            if !between.is_empty() {
                events.push(Event::Html(cite::transform(&between, cites, state, cite_links).into()));
            }
            let link_type = if address.kind == Kind::Email { LinkType::Email } else { LinkType::Autolink };
            events.push(Event::Start(Tag::Link {
                link_type,
                dest_url: address.dest(&written.text).into(),
                title: CowStr::Borrowed(""),
                id: CowStr::Borrowed(""),
            }));
            events.push(Event::Html(escape(as_written).into()));
            events.push(Event::End(TagEnd::Link));
        }
        at = address.range.end;
    }
    let rest = written.typographic(at..written.text.len());
    if let Place::Link { .. } = place {
        html.push_str(&cite::nowrap_numbers(&rest));
        events.push(Event::Html(html.into()));
    } else if !rest.is_empty() {
        events.push(Event::Html(cite::transform(&rest, cites, state, cite_links).into()));
    }
}

/// True when the text of a link is the address it goes to (`[x.vn/a](https://x.vn/a)`,
/// `[a@b.vn](mailto:a@b.vn)`).
fn is_own_address(text: &str, dest: &str) -> bool {
    let text = text.trim();
    if text.is_empty() || dest.is_empty() {
        return false;
    }
    let bare = ["https://", "http://", "mailto:"]
        .iter()
        .find_map(|scheme| {
            dest.get(..scheme.len()).filter(|s| s.eq_ignore_ascii_case(scheme)).map(|s| &dest[s.len()..])
        })
        .unwrap_or(dest);
    [dest, bare].iter().any(|d| *d == text || d.strip_suffix('/') == Some(text))
}

/// A run as the editor wrote it: smart punctuation (`’`, `“`, `–`, `…`) undone, so that an
/// address keeps its `'`, `"`, `--` and `...`, and its end is found as GFM finds it.
struct Written<'r> {
    /// The run's text, smart punctuation as written.
    text: Cow<'r, str>,
    /// Where smart punctuation was undone in `text`, and the typographic character it gave.
    undone: Vec<(Range<usize>, &'r str)>,
}

impl<'r> Written<'r> {
    fn of(run: &'r Run<'_>, body: &'r str) -> Written<'r> {
        let pieces = || std::iter::once(&run.first).chain(&run.rest);
        let smart = |(text, at): &'r (CowStr<'_>, Range<usize>)| {
            let written = body.get(at.clone())?;
            let typographic = matches!(&**text, "‘" | "’" | "“" | "”" | "–" | "—" | "…")
                && written != &**text
                && !written.is_empty()
                && written.bytes().all(|b| matches!(b, b'\'' | b'"' | b'-' | b'.'));
            typographic.then_some((written, &**text))
        };
        if !pieces().any(|p| smart(p).is_some()) {
            return Written { text: Cow::Borrowed(run.text()), undone: Vec::new() };
        }
        let mut text = String::with_capacity(run.text().len());
        let mut undone = Vec::new();
        for piece in pieces() {
            match smart(piece) {
                Some((written, typographic)) => {
                    undone.push((text.len()..text.len() + written.len(), typographic));
                    text.push_str(written);
                }
                None => text.push_str(&piece.0),
            }
        }
        Written { text: Cow::Owned(text), undone }
    }

    /// The text of `region` with its smart punctuation, for what is not an address.
    fn typographic(&self, region: Range<usize>) -> Cow<'_, str> {
        let inside = self.undone.iter().filter(|(r, _)| r.start >= region.start && r.end <= region.end);
        if inside.clone().next().is_none() {
            return Cow::Borrowed(&self.text[region]);
        }
        let mut out = String::with_capacity(region.len() + 8);
        let mut at = region.start;
        for (r, typographic) in inside {
            out.push_str(&self.text[at..r.start]);
            out.push_str(typographic);
            at = r.end;
        }
        out.push_str(&self.text[at..region.end]);
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::tests::{md, with_cites};

    #[test]
    fn bare_addresses_are_linked_in_running_text() {
        let r = md("Xem https://hoikhuyenhoc.vn/tin-tuc, www.example.vn hoặc viết cho lien.he@hoi.vn.\n\n\
             ## Trang https://x.vn/a\n");
        assert!(
            r.html.contains(
                "<p>Xem <a href=\"https://hoikhuyenhoc.vn/tin-tuc\">https://hoikhuyenhoc.vn/tin-tuc</a>, \
                 <a href=\"http://www.example.vn\">www.example.vn</a> hoặc viết cho \
                 <a href=\"mailto:lien.he@hoi.vn\">lien.he@hoi.vn</a>.</p>"
            ),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(
                "<h2 id=\"trang-https-x-vn-a\">Trang <a href=\"https://x.vn/a\">https://x.vn/a</a></h2>"
            ),
            "{}",
            r.html
        );
        // The search text is the text as it was.
        assert!(r.text.starts_with("Xem https://hoikhuyenhoc.vn/tin-tuc, www.example.vn"), "{}", r.text);
    }

    #[test]
    fn the_href_is_escaped_and_the_text_is_the_address_as_written() {
        let r = md("Đọc https://x.vn/tìm?q=\"a\"&b='c'--d...e ngay\n");
        assert!(
            r.html.contains(
                "<a href=\"https://x.vn/t%C3%ACm?q=%22a%22&amp;b=&#x27;c&#x27;--d...e\">\
                 https://x.vn/tìm?q=&quot;a&quot;&amp;b=&#39;c&#39;--d...e</a> ngay"
            ),
            "{}",
            r.html
        );
        // Around it, smart punctuation as everywhere.
        let r = md("“Xem https://x.vn/it's”… -- hết\n");
        assert!(
            r.html.contains("“Xem <a href=\"https://x.vn/it&#x27;s\">https://x.vn/it&#39;s</a>”… – hết"),
            "{}",
            r.html
        );
    }

    #[test]
    fn never_inside_code_links_or_raw_html() {
        let r = md(
            "`https://x.vn` [trang www.x.vn](https://y.vn) <https://z.vn>\n\n```\nhttps://x.vn\n```\n\n    www.x.vn\n",
        );
        assert_eq!(r.html.matches("<a ").count(), 2, "{}", r.html);
        assert!(r.html.contains("<code>https://x.vn</code>"), "{}", r.html);
        assert!(r.html.contains("<a href=\"https://y.vn\">trang www.x.vn</a>"), "{}", r.html);
        let links = crate::markdown::LinkTargets::default();
        let cites = crate::markdown::tests::cites();
        let opts = crate::markdown::MarkdownOptions {
            unsafe_html: true,
            links: &links,
            bundle_url: None,
            cites: &cites,
            own_document: None,
            clause_anchors: false,
            highlights: &crate::markdown::highlight::HighlightCache::default(),
            shortcodes: None,
        };
        let r = crate::markdown::render(
            "<a href=\"https://x.vn\">https://x.vn</a> và https://y.vn\n\n<div>\nwww.z.vn\n</div>\n",
            1,
            "f",
            opts,
        );
        assert_eq!(r.html.matches("<a ").count(), 2, "{}", r.html);
        assert!(
            r.html.contains("<a href=\"https://x.vn\">https://x.vn</a> và <a href=\"https://y.vn\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<div>\nwww.z.vn\n</div>"), "{}", r.html);
    }

    #[test]
    fn no_citation_nor_number_span_inside_an_address() {
        let r = with_cites(
            "Kết luận 49 tại https://x.vn/ket-luan-49/49-KL/TW và http://localhost:5001/foo, \
             <http://localhost:5001/foo> [localhost:5001/foo](http://localhost:5001/foo) \
             [https://x.vn/1373/QĐ-TTg](https://x.vn/) [Quyết định 1373/QĐ-TTg](https://x.vn/) 1373/QĐ-TTg\n",
            None,
            false,
        );
        assert_eq!(r.html.matches("so-hieu").count(), 2, "{}", r.html);
        assert!(
            r.html.contains("<a class=\"trich-dan\" href=\"/van-ban/49-kl-tw/\">Kết luận 49</a> tại"),
            "{}",
            r.html
        );
        assert!(r.html.contains(">https://x.vn/ket-luan-49/49-KL/TW</a>"), "{}", r.html);
        assert_eq!(r.html.matches(">http://localhost:5001/foo</a>").count(), 2, "{}", r.html);
        assert!(r.html.contains(">localhost:5001/foo</a>"), "{}", r.html);
        assert!(r.html.contains(">https://x.vn/1373/QĐ-TTg</a>"), "{}", r.html);
        assert!(r.html.contains(">Quyết định <span class=\"so-hieu\">1373/QĐ-TTg</span></a>"), "{}", r.html);
        assert_eq!(r.mentions.len(), 1);
    }

    #[test]
    fn own_addresses() {
        assert!(is_own_address("x.vn/a", "https://x.vn/a"));
        assert!(is_own_address(" https://x.vn ", "https://x.vn/"));
        assert!(is_own_address("a@b.vn", "MAILTO:a@b.vn"));
        assert!(!is_own_address("Trang 1", "https://x.vn/"));
        assert!(!is_own_address("", ""));
    }
}
