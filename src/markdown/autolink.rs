//! Bare addresses in running text: `https://…`, `http://…`, `www.…` and e-mail addresses,
//! found as GFM's extended autolinks are (https://github.github.com/gfm/#autolinks-extension-),
//! with cmark-gfm's choices where the specification leaves room.
//!
//! Takes: a run of text as the editor wrote it (smart punctuation undone) and the character
//! written before it.
//! Gives: where each address is and where its link goes (`www.` gets `http://`; an e-mail
//! address is given as it is, its link type adds `mailto:`).
//! Must not: write HTML or decide where links may be made: the caller knows about code, links
//! and raw HTML.
//!
//! The rules, as cmark-gfm applies them:
//! - `http://` and `https://` (any case) followed by a domain (`localhost` is one): not glued to
//!   a letter or digit before it;
//! - `www.` followed by a domain: at the start of the text, after white space or one of
//!   `*`, `_`, `~`, `(`;
//! - a domain is letters, digits, `-`, `_` and `.`, with no `_` in its last two parts;
//! - then anything up to white space or `<`, less trailing punctuation (`?!.,:*_~'"` and the
//!   typographic `”’…`; a `;`, with the `&name` before it if there is one), and less a final
//!   `)` while the address holds more `)` than `(`;
//! - an e-mail address is letters, digits and `.+-_`, `@`, then a domain of letters, digits,
//!   `-`, `_` and at least one `.`, not ending with `-` or `_` (a final `.` is left out); not
//!   glued to a word or a `/` before it.

use std::ops::Range;

/// What kind of address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `http://…` or `https://…`: the link goes to the address.
    Url,
    /// `www.…`: the link goes to `http://` and the address.
    Www,
    /// `name@domain`: the link goes to `mailto:` and the address.
    Email,
}

/// A bare address found in a run of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Address {
    /// Where it is in the text.
    pub(super) range: Range<usize>,
    /// Its kind.
    pub(super) kind: Kind,
}

impl Address {
    /// Where its link goes, but for the `mailto:` of an e-mail address (the HTML writer adds
    /// it for `LinkType::Email`).
    pub(super) fn dest(&self, text: &str) -> String {
        let written = &text[self.range.clone()];
        match self.kind {
            Kind::Www => format!("http://{written}"),
            Kind::Url | Kind::Email => written.to_string(),
        }
    }
}

/// The bare addresses of `text`, in order, not overlapping. `before` is the character written
/// just before the text (`None` at the start of the body).
pub(super) fn find(text: &str, before: Option<char>) -> Vec<Address> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    // Nothing before the end of the last address is looked at again.
    let mut done = 0;
    let mut from = 0;
    // Every address has a `:` (of `://`), a `w` (of `www.`) or an `@`; most text has none of
    // them where an address could be, and Vietnamese has no `w`.
    let trigger = |b: u8| u8::from(b == b':') | u8::from(b == b'@') | u8::from(b == b'w');
    while let Some(i) = crate::scan::next_special(bytes, from, trigger) {
        from = i + 1;
        let hit = match bytes[i] {
            b':' => url_at(text, i, done, before),
            b'w' => www_at(text, i, before),
            _ => email_at(text, i, done, before),
        };
        if let Some(address) = hit {
            done = address.range.end;
            from = done;
            found.push(address);
        }
    }
    found
}

/// The character before byte `i` of `text` (`before` at its start).
fn char_before(text: &str, i: usize, before: Option<char>) -> Option<char> {
    text[..i].chars().next_back().or(before)
}

/// `http://…` or `https://…` whose `:` is at `colon`, its scheme starting at or after `done`.
fn url_at(text: &str, colon: usize, done: usize, before: Option<char>) -> Option<Address> {
    if !text[colon..].starts_with("://") {
        return None;
    }
    let bytes = text.as_bytes();
    let mut start = colon;
    while start > done && bytes[start - 1].is_ascii_alphabetic() {
        start -= 1;
    }
    let scheme = &text[start..colon];
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return None;
    }
    if char_before(text, start, before).is_some_and(char::is_alphanumeric) {
        return None;
    }
    let host = colon + 3;
    address(text, start, host, Kind::Url)
}

/// `www.…` at `i`.
fn www_at(text: &str, i: usize, before: Option<char>) -> Option<Address> {
    if !text[i..].starts_with("www.") {
        return None;
    }
    let boundary = |c: char| c.is_whitespace() || matches!(c, '*' | '_' | '~' | '(');
    if !char_before(text, i, before).is_none_or(boundary) {
        return None;
    }
    address(text, i, i + 4, Kind::Www)
}

/// The address starting at `start` whose domain starts at `host`: the domain, then its path
/// less trailing punctuation.
fn address(text: &str, start: usize, host: usize, kind: Kind) -> Option<Address> {
    let domain_end = host
        + text[host..]
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(text.len() - host);
    if !valid_domain(&text[host..domain_end]) {
        return None;
    }
    let path_end = domain_end
        + text[domain_end..].find(|c: char| c.is_whitespace() || c == '<').unwrap_or(text.len() - domain_end);
    let end = trim_end(text, start, path_end);
    // Trailing punctuation may eat into the domain (`www.x.vn.`), never all of it.
    text[host..end.max(host)].contains(char::is_alphanumeric).then_some(Address { range: start..end, kind })
}

/// A domain of a URL or a `www.` address (less its final dots): a letter or digit, and no `_`
/// in its last two parts.
fn valid_domain(domain: &str) -> bool {
    let domain = domain.trim_end_matches('.');
    domain.contains(char::is_alphanumeric) && !domain.rsplit('.').take(2).any(|part| part.contains('_'))
}

/// The end of an address running from `start` to `end`, less its trailing punctuation.
fn trim_end(text: &str, start: usize, mut end: usize) -> usize {
    // Counted once, then kept as `)` are cut: a long run of them stays linear.
    let opening = text[start..end].matches('(').count();
    let mut closing = text[start..end].matches(')').count();
    while let Some(c) = text[start..end].chars().next_back() {
        match c {
            '?' | '!' | '.' | ',' | ':' | '*' | '_' | '~' | '\'' | '"' | '”' | '’' | '…' => {
                end -= c.len_utf8()
            }
            ';' => {
                // `&hl;` looks like an entity: it goes whole (the address may go on before it).
                let name = text[start..end - 1].trim_end_matches(|c: char| c.is_ascii_alphanumeric());
                end = if name.len() + 1 < end - start && name.ends_with('&') {
                    start + name.len() - 1
                } else {
                    end - 1
                };
            }
            ')' if closing > opening => {
                closing -= 1;
                end -= 1;
            }
            _ => break,
        }
    }
    end
}

/// An e-mail address whose `@` is at `at`, starting at or after `done`.
fn email_at(text: &str, at: usize, done: usize, before: Option<char>) -> Option<Address> {
    let bytes = text.as_bytes();
    let local = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-' | b'_');
    let mut start = at;
    while start > done && local(bytes[start - 1]) {
        start -= 1;
    }
    if start == at || char_before(text, start, before).is_some_and(|c| c == '/' || c.is_alphanumeric()) {
        return None;
    }
    let domain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_');
    let mut end = at + 1;
    while end < bytes.len() && domain(bytes[end]) {
        end += 1;
    }
    while end > at + 1 && bytes[end - 1] == b'.' {
        end -= 1;
    }
    let host = &text[at + 1..end];
    let valid = host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with(['-', '_'])
        && host.bytes().any(|b| b.is_ascii_alphanumeric());
    valid.then_some(Address { range: start..end, kind: Kind::Email })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The addresses of `text` with where they go (`mailto:` written out).
    fn links(text: &str) -> Vec<(&str, String)> {
        find(text, None)
            .into_iter()
            .map(|a| {
                let dest = a.dest(text);
                let dest = if a.kind == Kind::Email { format!("mailto:{dest}") } else { dest };
                (&text[a.range], dest)
            })
            .collect()
    }

    fn one(text: &str) -> String {
        match links(text).as_slice() {
            [(written, _)] => written.to_string(),
            other => panic!("{text:?}: {other:?}"),
        }
    }

    #[test]
    fn the_three_kinds_and_where_they_go() {
        assert_eq!(
            links("Xem https://hoikhuyenhoc.vn/tin-tuc, www.example.vn và lien.he@hoi.vn nhé."),
            [
                ("https://hoikhuyenhoc.vn/tin-tuc", "https://hoikhuyenhoc.vn/tin-tuc".to_string()),
                ("www.example.vn", "http://www.example.vn".to_string()),
                ("lien.he@hoi.vn", "mailto:lien.he@hoi.vn".to_string()),
            ]
        );
        assert_eq!(one("HTTP://X.VN/A"), "HTTP://X.VN/A");
        assert_eq!(one("http://localhost:5001/foo bar"), "http://localhost:5001/foo");
        assert_eq!(one("https://hội-khuyến-học.vn/bài"), "https://hội-khuyến-học.vn/bài");
    }

    #[test]
    fn trailing_punctuation_is_left_out() {
        // The examples of the GFM specification.
        assert_eq!(one("Visit www.commonmark.org."), "www.commonmark.org");
        assert_eq!(one("Visit www.commonmark.org/a.b."), "www.commonmark.org/a.b");
        assert_eq!(
            one("www.google.com/search?q=Markup+(business)"),
            "www.google.com/search?q=Markup+(business)"
        );
        assert_eq!(
            one("www.google.com/search?q=Markup+(business)))"),
            "www.google.com/search?q=Markup+(business)"
        );
        assert_eq!(
            one("(www.google.com/search?q=Markup+(business))"),
            "www.google.com/search?q=Markup+(business)"
        );
        assert_eq!(
            one("(www.google.com/search?q=Markup+(business)"),
            "www.google.com/search?q=Markup+(business)"
        );
        assert_eq!(one("www.google.com/search?q=(business))+ok"), "www.google.com/search?q=(business))+ok");
        assert_eq!(
            one("www.google.com/search?q=commonmark&hl=en"),
            "www.google.com/search?q=commonmark&hl=en"
        );
        assert_eq!(one("www.google.com/search?q=commonmark&hl;"), "www.google.com/search?q=commonmark");
        assert_eq!(one("www.commonmark.org/he<lp"), "www.commonmark.org/he");
        // And as Vietnamese is written: quotes, an ellipsis, a colon, a semicolon.
        assert_eq!(one("“https://x.vn/a”, rồi"), "https://x.vn/a");
        assert_eq!(one("\"https://x.vn/a\"…"), "https://x.vn/a");
        assert_eq!(one("tại https://x.vn/a: xem"), "https://x.vn/a");
        assert_eq!(one("https://x.vn/a; và"), "https://x.vn/a");
        assert_eq!(one("(xem https://vi.wikipedia.org/wiki/A_(b))."), "https://vi.wikipedia.org/wiki/A_(b)");
        assert_eq!(one("https://x.vn/a?b=1&c=2!"), "https://x.vn/a?b=1&c=2");
    }

    #[test]
    fn what_is_not_an_address() {
        for text in [
            "www.",
            "www.x_y.vn",
            "www.a.b_c",
            "xwww.example.vn",
            "awww.x.vn",
            "ftp://x.vn",
            "xhttps://x.vn",
            "ệhttps://x.vn",
            "https://",
            "https://.",
            "https://-",
            "http://x_y.vn",
            "a@b",
            "a.b-c_d@a.b-",
            "a.b-c_d@a.b_",
            "a@.vn",
            "@x.vn",
            "liênhệ@x.vn",
            "https:/x.vn",
            "tỷ lệ 3:1, giờ 10:30, @hoi",
        ] {
            assert_eq!(links(text), [], "{text:?}");
        }
        // After white space and `*_~(`, or at the start: a `www.` address; not glued to a word.
        for text in ["*www.x.vn", "_www.x.vn", "~www.x.vn", "(www.x.vn", " www.x.vn", "\nwww.x.vn"] {
            assert_eq!(one(text), "www.x.vn", "{text:?}");
        }
        assert_eq!(find("www.x.vn", Some('a')), []);
        assert_eq!(find("www.x.vn", Some(' ')).len(), 1);
        assert_eq!(find("https://x.vn", Some('a')), []);
        assert_eq!(find("https://x.vn", Some(')')).len(), 1);
        assert_eq!(find("a@x.vn", Some('/')), []);
        assert_eq!(find("a@x.vn", Some('ệ')), []);
    }

    #[test]
    fn e_mail_addresses() {
        assert_eq!(one("foo@bar.baz"), "foo@bar.baz");
        assert_eq!(links("hello@mail+xyz.example isn't valid"), []);
        assert_eq!(
            links("hello+xyz@mail.example"),
            [("hello+xyz@mail.example", "mailto:hello+xyz@mail.example".into())]
        );
        assert_eq!(one("a.b-c_d@a.b."), "a.b-c_d@a.b");
        assert_eq!(one("Email:a@b.vn"), "a@b.vn");
        // Inside a URL, part of the URL.
        assert_eq!(one("https://x.vn/a@b.vn"), "https://x.vn/a@b.vn");
        assert_eq!(links("x.vn/a@b.vn"), []);
    }

    #[test]
    fn addresses_next_to_each_other_and_inside_urls() {
        assert_eq!(
            links("https://www.x.vn/a www.y.vn,z@w.vn"),
            [
                ("https://www.x.vn/a", "https://www.x.vn/a".into()),
                ("www.y.vn,z@w.vn", "http://www.y.vn,z@w.vn".into()),
            ]
        );
        assert_eq!(links("https://a.vn/x https://b.vn").len(), 2);
    }

    #[test]
    fn long_runs_take_linear_time() {
        // Each would be quadratic if an address were looked for again from every trigger.
        for text in [
            format!("www.x.vn/{}", ")".repeat(50_000)),
            format!("a{}", "@a".repeat(50_000)),
            "www.".repeat(50_000),
            format!("{}@", "a".repeat(100_000)).repeat(2),
            "http://a_".repeat(20_000),
            format!("https://x.vn/{}", "&a;".repeat(30_000)),
        ] {
            let t = std::time::Instant::now();
            let _ = find(&text, None);
            assert!(t.elapsed() < std::time::Duration::from_secs(2), "{}", &text[..20]);
        }
    }
}
