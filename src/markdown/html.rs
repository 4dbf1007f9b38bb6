//! HTML and text helpers of the Markdown stage.
//!
//! Takes: text to write into HTML, HTML to read back as text, or the events of a body.
//! Gives: `escape` and `escape_into` (the five special characters), `html_to_text` (plain text
//! of an HTML fragment: for summaries and search) and `body_html` (a body's HTML, written in a
//! buffer each thread reuses).
//! Must not: know about headings, links or citations: what it is given is already decided.

use std::sync::Arc;

use pulldown_cmark::Event;
use pulldown_cmark::html::push_html;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(s, &mut out);
    out
}

/// 1 for the bytes [`escape`] replaces (`& < > " '`), else 0 (for [`crate::scan::next_special`]).
pub(super) fn html_special(b: u8) -> u8 {
    u8::from(b == b'&')
        | u8::from(b == b'<')
        | u8::from(b == b'>')
        | u8::from(b == b'"')
        | u8::from(b == b'\'')
}

/// True if [`escape`] would give `s` unchanged.
pub(super) fn needs_no_escape(s: &str) -> bool {
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

thread_local! {
    /// Where this thread writes a body's HTML before it is copied out (see [`body_html`]).
    static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// The largest HTML buffer a thread keeps for its next body (a rare huge page's is freed).
const SCRATCH_KEPT: usize = 1 << 20;

/// The HTML of a body's events, in a string of its exact size.
pub(super) fn body_html<'a>(events: impl Iterator<Item = Event<'a>>) -> Arc<str> {
    SCRATCH.with_borrow_mut(|scratch| {
        scratch.clear();
        push_html(scratch, events);
        // Bodies are kept until their page renders, so each gets a string of its exact size:
        // one grown by doubling holds up to twice its text, and `shrink_to_fit` does not
        // help (mimalloc keeps a block that stays at least half full). Grown here instead,
        // in a buffer that the thread's next body reuses.
        let html = Arc::from(scratch.as_str());
        if scratch.capacity() > SCRATCH_KEPT {
            *scratch = String::new();
        }
        html
    })
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
}
