//! A page's front matter in the plain subset most pages are written in, read without
//! serde_yaml.
//!
//! Takes: the YAML block of a page (`---` lines removed).
//! Gives: its `PageMatter`, or `None` for anything outside the subset, which then goes to
//! serde_yaml with its checks and its error messages, as before.
//! Must not: accept anything serde_yaml reads differently. A test compares the two on generated
//! front matter; whatever this accepts, serde_yaml gives the same value.
//!
//! The subset: one `key: value` per line, at the start of the line, each key once; the keys
//! below only; a value is a double-quoted string without `\` or `"` inside, a single-quoted
//! string without `'` inside, or a plain scalar that starts with a letter and holds none of
//! YAML's indicators (dates: plain ones of digits and separators, `2024-05-10…`,
//! `15/11/2026 08:00`); `draft` is `true` or `false`;
//! the list keys take a block list (`- item` lines at one indentation).
//!
//! It reads its lines with a loop of its own rather than the key scanner of `keys`: it needs
//! the values beside the keys, gives up at the first line outside the subset, and runs on
//! nearly every page.

use super::yaml::{MAX_FRONT_MATTER, MAX_NESTING};
use crate::content::PageMatter;
use crate::content::{Date, Text};

/// The page's front matter if it is in the subset.
pub fn page_matter(yaml: &str) -> Option<PageMatter> {
    if yaml.len() > MAX_FRONT_MATTER || !yaml.chars().all(|c| c == '\n' || printable(c)) {
        return None;
    }
    let mut m = PageMatter::default();
    let mut seen: u32 = 0;
    let mut lines = yaml.lines().peekable();
    while let Some(line) = lines.next() {
        if line.bytes().all(|b| b == b' ') {
            continue;
        }
        let (key, rest) = line.split_once(':')?;
        let k = KEYS.iter().position(|&k| k == key)?;
        if seen & (1 << k) != 0 {
            return None;
        }
        seen |= 1 << k;
        if !rest.is_empty() && !rest.starts_with(' ') {
            return None;
        }
        let value = rest.trim_matches(' ');
        if value.is_empty() {
            // A block list: `- item` lines, all at the indentation of the first.
            let mut items = Vec::new();
            let mut indent = None;
            while let Some(next) = lines.peek() {
                let body = next.trim_start_matches(' ');
                let Some(item) = body.strip_prefix("- ") else { break };
                let at = next.len() - body.len();
                // Deeper than `prescan_yaml` allows: its error, not a value.
                if *indent.get_or_insert(at) != at || at / 2 > MAX_NESTING {
                    return None;
                }
                items.push(scalar(item.trim_matches(' '))?);
                lines.next();
            }
            if items.is_empty() {
                return None;
            }
            let owned = || items.iter().map(|s| s.to_string()).collect::<Vec<String>>();
            match key {
                "tags" => m.tags = items.iter().map(|s| Text(s.to_string())).collect(),
                "audiences" => m.audiences = owned(),
                "campaigns" => m.campaigns = owned(),
                "aliases" => m.aliases = owned(),
                _ => return None,
            }
            continue;
        }
        let text = || scalar(value).map(str::to_string);
        let date = || {
            let s = date_scalar(value)?;
            crate::vi::dates::parse(s).ok().map(Date)
        };
        match key {
            "title" => m.title = Some(Text(text()?)),
            "summary" => m.summary = Some(Text(text()?)),
            "author" => m.author = Some(Text(text()?)),
            "slug" => m.slug = Some(Text(text()?)),
            "image" => m.image = Some(text()?),
            "image_alt" => m.image_alt = Some(text()?),
            "template" => m.template = Some(text()?),
            "date" => m.date = Some(date()?),
            "updated" => m.updated = Some(date()?),
            "publish_at" => m.publish_at = Some(date()?),
            "expire_at" => m.expire_at = Some(date()?),
            "draft" => {
                m.draft = match value {
                    "true" => true,
                    "false" => false,
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
    Some(m)
}

/// The keys of the subset (at most 32: `seen` is a bit set).
const KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "summary",
    "author",
    "tags",
    "audiences",
    "campaigns",
    "draft",
    "publish_at",
    "expire_at",
    "slug",
    "aliases",
    "image",
    "image_alt",
    "template",
];

/// A character YAML takes as printable, and not as a line break (libyaml: tab, LF, CR, NEL,
/// U+2028 and U+2029 break or are special; C0 and C1 controls, surrogates, U+FEFF, U+FFFE and
/// U+FFFF are refused).
fn printable(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// A string value: quoted (with nothing to unescape) or plain (a letter first, no indicator
/// anywhere, not a word YAML reads as null or a boolean).
fn scalar(v: &str) -> Option<&str> {
    if let Some(inner) = v.strip_prefix('"') {
        let inner = inner.strip_suffix('"')?;
        return (!inner.contains(['"', '\\'])).then_some(inner);
    }
    if let Some(inner) = v.strip_prefix('\'') {
        let inner = inner.strip_suffix('\'')?;
        return (!inner.contains('\'')).then_some(inner);
    }
    let plain = v.chars().next().is_some_and(char::is_alphabetic)
        && !v.contains([':', '#', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`'])
        && !matches!(v, "true" | "True" | "TRUE" | "false" | "False" | "FALSE" | "null" | "Null" | "NULL");
    plain.then_some(v)
}

/// A date value: quoted as in [`scalar`], or plain and shaped like a date (a digit first,
/// then only digits, `-`, `/`, `:`, `+`, `.`, `T`, `Z` and single spaces, never `: `): YAML
/// reads such a scalar as the string written, and the ones `vi::dates` accepts
/// (`2024-05-10 08:00`, `15/11/2026 8:00`, `15.11.2026`, `2026-9-5`) never as a number,
/// as each has two separators between its date's digits.
fn date_scalar(v: &str) -> Option<&str> {
    if v.starts_with(['"', '\'']) {
        return scalar(v);
    }
    let b = v.as_bytes();
    let shaped = b.first().is_some_and(u8::is_ascii_digit)
        && b.iter().all(|&c| {
            c.is_ascii_digit() || matches!(c, b'-' | b'/' | b':' | b'+' | b'.' | b'T' | b'Z' | b' ')
        })
        && !v.contains(": ")
        && !v.contains("  ");
    shaped.then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A front matter as the generator and most editors write it.
    const TYPICAL: &str = "title: \"Gia Lai: Hơn 1000 suất học bổng cho học sinh nghèo\"\n\
        date: 2021-12-04T07:58:00+07:00\ntags:\n  - \"Chuyển đổi số\"\n  - \"Thư viện\"\n\
        audiences:\n  - \"can-bo\"\nsummary: \"Chia sẻ của cơ sở về việc học tập.\"\ndraft: false\n";

    fn serde(yaml: &str) -> Result<PageMatter, String> {
        let yaml = if yaml.trim().is_empty() { "{}" } else { yaml };
        serde_yaml::from_str::<PageMatter>(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn typical_front_matter_is_read_as_serde_yaml_reads_it() {
        let quick = page_matter(TYPICAL).expect("the typical front matter is in the subset");
        assert_eq!(Ok(quick.clone()), serde(TYPICAL));
        assert_eq!(quick.tags.len(), 2);
        assert_eq!(quick.audiences, ["can-bo"]);
        let plain = "title: Khuyến học, khuyến tài\ndate: 2024-05-10\nslug: khuyen-hoc\ndraft: true\n\
            tags:\n- Khuyến học\naliases:\n    - '/cu/bai-viet/'\n";
        let quick = page_matter(plain).expect("plain scalars and a list at column 0");
        assert_eq!(Ok(quick), serde(plain));
        let written = "title: T\ndate: 15/11/2026 08:00\nupdated: 2026-9-5\nexpire_at: 1.12.2026\n";
        let quick = page_matter(written).expect("dates as editors write them");
        assert_eq!(quick.date.map(|d| d.0.to_rfc3339()).as_deref(), Some("2026-11-15T08:00:00+07:00"));
        assert_eq!(Ok(quick), serde(written));
    }

    #[test]
    fn anything_else_is_left_to_serde_yaml() {
        for yaml in [
            "title: \"a \\\" b\"\n",
            "title: a # comment\n",
            "title: 2022\n",
            "title: true\n",
            "title: a\ntitle: b\n",
            "title: >\n  folded\n",
            "title: a\n  continued\n",
            "tags: [a, b]\n",
            "tags:\n",
            "extra:\n  a: 1\n",
            "Title: a\n",
            "title:\ta\n",
            "date: 2024\n",
            "date: 2024-13-45\n",
            "date: 31/2/2026\n",
            "date: 15/11/26 08:00\n",
            "date: 15/11/2026 # giờ sau\n",
            "draft: yes\n",
            "tags:\n  - a\n    - b\n",
            "tags:\n                                                                   - a\n",
            "title: a\u{2028}b\n",
            "title: *x\n",
        ] {
            assert_eq!(page_matter(yaml), None, "{yaml:?}");
        }
    }

    #[test]
    fn whatever_the_subset_accepts_serde_yaml_reads_the_same() {
        let lines = [
            "title: \"Khuyến học: 49-KL/TW\"\n",
            "title: Khuyến học, khuyến tài\n",
            "title: 'Một ''hai'''\n",
            "title: 'Xã hội học tập'\n",
            "title: Null\n",
            "title: nan\n",
            "title: inf\n",
            "title: e5\n",
            "title: x -- y\n",
            "title: Hà Nội: hội nghị\n",
            "title: giờ 14:30\n",
            "title: a #b\n",
            "title: C# và F#\n",
            "title: a, [b]\n",
            "title: a - b\n",
            "title: ~\n",
            "title: yes\n",
            "title:   spaced   out  \n",
            "title: \"\"\n",
            "title: Ω ∑ 漢字\n",
            "summary: Dòng một? Có; không.\n",
            "summary: \"tab\there\"\n",
            "author: Nguyễn Văn An\n",
            "author: 'Ban Tuyên giáo'\n",
            "author: 2024\n",
            "author: PV: tổng hợp\n",
            "slug: a-b\n",
            "slug: 2024-a\n",
            "image: anh/hinh.jpg\n",
            "image_alt: Ảnh\n",
            "template: page.html\n",
            "date: 2021-12-04T07:58:00+07:00\n",
            "date: 2021-12-04 07:58\n",
            "date: \"2021-12-04\"\n",
            "date: 2021-12-04\n",
            "date: 15/11/2026 08:00\n",
            "date: 15/11/2026  08:00\n",
            "date: 5/9/2026\n",
            "date: 2026-9-5\n",
            "date: 2026-09-5T8:00\n",
            "date: 15.11.2026 8:00:30\n",
            "date: 15-11-2026\n",
            "date: '15/11/2026 08:00'\n",
            "date: 31/2/2026\n",
            "date: 15/11/26\n",
            "date: 2026/11/15\n",
            "date: 15.11\n",
            "date: 1:30\n",
            "date: 08:00 15/11/2026\n",
            "updated: 2022-01-01T00:00:00Z\n",
            "updated: 1/1/2027 0:00Z\n",
            "publish_at: 15/11/2026 8:00+07:00\n",
            "expire_at: 30.11.2026 17:30\n",
            "publish_at: 2030-01-01\n",
            "expire_at: 2020-01-01T10:00\n",
            "draft: false\n",
            "draft: true\n",
            "draft: True\n",
            "tags:\n  - \"Thư viện\"\n  - Học tập\n",
            "tags:\n- a\n- b\n",
            "tags:\n  - 2024\n",
            "tags:\n  - true\n",
            "audiences:\n  - can-bo\n  - \"hoc-sinh\"\n",
            "campaigns:\n  - ngay-hoi\n",
            "aliases:\n  - /cu/\n  - \"/cu-2/\"\n",
            "\n",
            "   \n",
            "# comment\n",
            "extra:\n  a: 1\n",
            "unknown: 1\n",
        ];
        let mut accepted = 0;
        let docs = crate::testing::mixed_strings(&lines, 4, 40_000, 0x00C0_FFEE_1234_5678);
        for yaml in &docs {
            if let Some(quick) = page_matter(yaml) {
                accepted += 1;
                assert_eq!(Ok(quick), serde(yaml), "{yaml:?}");
            }
        }
        // Duplicate keys make many generated blocks fall outside the subset; enough remain.
        assert!(accepted > 2_000, "only {accepted} of {} accepted", docs.len());
    }
}
