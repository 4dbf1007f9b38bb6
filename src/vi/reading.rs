//! Reading time (design note §6).
//!
//! Takes: plain text already stripped of markup and code blocks by the caller (NFC or not:
//! normalisation does not change the count), and a reading rate in syllables per minute.
//! Gives: the number of syllables (whitespace-separated tokens with at least one letter or
//! digit, so `2022-2026`, `49-KL/TW` and `2015-` are one each and a lone `-` or `–` is none;
//! Unicode whitespace, including U+00A0, separates tokens) and the minutes to show; the
//! words themselves ([`words`], what `split_whitespace` gives, for `vi::spell`).
//! Must not: parse markup, or touch the file system.

/// Default reading rate, syllables per minute.
pub const DEFAULT_RATE: u32 = 200;

/// Counts syllables: whitespace-separated tokens containing a letter or a digit.
pub fn syllables(text: &str) -> usize {
    // Two loops over the bytes (the same count as splitting on white space and testing each
    // piece, at a small part of the cost: every page's body goes through here). Outside a
    // token, each byte is classed by a table and a character outside ASCII is decoded; inside
    // a counted token, only a byte that may start white space stops the scan: ASCII white
    // space, and the leads 0xC2 (U+0085, U+00A0), 0xE1 (U+1680), 0xE2 (U+2000–U+205F) and
    // 0xE3 (U+3000). Every other byte, continuation bytes included, is passed by one look.
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut i = 0;
    'text: loop {
        // Outside a token, or in one with no letter or digit yet: up to a letter or digit.
        loop {
            let Some(&b) = bytes.get(i) else { break 'text };
            match BYTE_CLASS[usize::from(b)] {
                ALNUM => {
                    i += 1;
                    break;
                }
                SPACE | OTHER => i += 1,
                _ => {
                    // LEAD.
                    let c = text[i..].chars().next().unwrap_or(' ');
                    i += c.len_utf8();
                    if !c.is_whitespace() && crate::vi::is_alphanumeric(c) {
                        break;
                    }
                }
            }
        }
        count += 1;
        // Inside a counted token: up to white space.
        loop {
            let Some(&b) = bytes.get(i) else { break 'text };
            match IN_TOKEN[usize::from(b)] {
                PASS => i += 1,
                SPACE => {
                    i += 1;
                    continue 'text;
                }
                _ => {
                    if b == 0xE1 && bytes.get(i + 1) != Some(&0x9A) {
                        // A Vietnamese vowel (0xE1 0xBA, 0xE1 0xBB), never white space.
                        i += 3;
                        continue;
                    }
                    let c = text[i..].chars().next().unwrap_or(' ');
                    i += c.len_utf8();
                    if c.is_whitespace() {
                        continue 'text;
                    }
                }
            }
        }
    }
    count
}

/// The words of `text`: what `text.split_whitespace()` gives, found by bytes (the spelling of
/// every sentence of every bulletin splits its words; the standard splitter decodes each
/// character, and most of a Vietnamese text is characters outside ASCII).
pub fn words(text: &str) -> Words<'_> {
    Words { text, at: 0 }
}

/// The iterator of [`words`].
#[derive(Debug, Clone)]
pub struct Words<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        // Past white space.
        let start = loop {
            let b = *bytes.get(self.at)?;
            match IN_TOKEN[usize::from(b)] {
                SPACE => self.at += 1,
                PASS => break self.at,
                _ => match white_at(self.text, self.at) {
                    0 => break self.at,
                    n => self.at += n,
                },
            }
        };
        // Up to white space: a byte that is not the start of some (ASCII, or 0xC2, 0xE1, 0xE2,
        // 0xE3) is passed by one look, continuation bytes included.
        let mut i = start + 1;
        loop {
            let Some(&b) = bytes.get(i) else {
                self.at = i;
                return Some(&self.text[start..]);
            };
            match IN_TOKEN[usize::from(b)] {
                PASS => i += 1,
                SPACE => {
                    self.at = i + 1;
                    return Some(&self.text[start..i]);
                }
                _ => match white_at(self.text, i) {
                    0 => i += 1,
                    n => {
                        self.at = i + n;
                        return Some(&self.text[start..i]);
                    }
                },
            }
        }
    }
}

/// The length of the white space character at byte `i` (a lead byte 0xC2, 0xE1, 0xE2 or
/// 0xE3), or 0 when it is not white space.
fn white_at(text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    if bytes[i] == 0xE1 && bytes.get(i + 1) != Some(&0x9A) {
        // A Vietnamese vowel (0xE1 0xBA, 0xE1 0xBB), never white space.
        return 0;
    }
    match text.get(i..).and_then(|t| t.chars().next()) {
        Some(c) if c.is_whitespace() => c.len_utf8(),
        _ => 0,
    }
}

/// Inside a counted token: a byte with nothing to look at.
const PASS: u8 = 1;
/// Inside a counted token: a lead byte that may start white space (0xC2, 0xE1, 0xE2, 0xE3).
const MAYBE: u8 = 2;

static IN_TOKEN: [u8; 256] = {
    let mut t = [PASS; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b'\t'..=b'\r' | b' ' => SPACE,
            0xC2 | 0xE1 | 0xE2 | 0xE3 => MAYBE,
            _ => PASS,
        };
        b += 1;
    }
    t
};

/// ASCII white space (`\t`–`\r`, space).
const SPACE: u8 = 0;
/// ASCII letter or digit.
const ALNUM: u8 = 1;
/// Other ASCII, and continuation bytes (never the start of a character).
const OTHER: u8 = 2;
/// Lead byte of a character outside ASCII (decoded: it may be white space or a letter).
const LEAD: u8 = 3;

static BYTE_CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let x = b as u8;
        t[b] = match x {
            b'\t'..=b'\r' | b' ' => SPACE,
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => ALNUM,
            0x80..=0xBF => OTHER,
            0xC0.. => LEAD,
            _ => OTHER,
        };
        b += 1;
    }
    t
};

/// Minutes to read `syllables` at `rate` per minute: `max(1, ceil(syllables / rate))`.
/// A rate of 0 means the default, 200.
pub fn minutes(syllables: usize, rate: u32) -> u32 {
    let rate = if rate == 0 { DEFAULT_RATE } else { rate };
    let rate = usize::try_from(rate).unwrap_or(usize::MAX);
    let m = syllables.div_ceil(rate).max(1);
    u32::try_from(m).unwrap_or(u32::MAX)
}

/// The label shown to readers: `3 phút đọc`.
pub fn label(minutes: u32) -> String {
    format!("{minutes} phút đọc")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pass_count_is_the_split_count() {
        let split =
            |t: &str| t.split_whitespace().filter(|t| t.chars().any(crate::vi::is_alphanumeric)).count();
        for t in [
            "",
            "  ",
            "Xã hội học tập — suốt đời!",
            "a\u{3000}b\u{a0}c\td\n\ne",
            "… — 49-KL/TW, 10/5/2019 ?",
            "  , ; Đảng   viên  ",
            "x\u{2028}y\u{85}z",
            "a\u{b}b\u{c}c\u{1c}d\u{1f}e",
            "học\u{1680}tập\u{3000}suốt\u{205f}đời\u{202f}x\u{2009}y\u{200b}z",
            "\u{85}ệ\u{a0}\u{2029}Ấ\u{301}",
            "ᄀ\u{1160}\u{e000}¼ ²",
        ] {
            assert_eq!(syllables(t), split(t), "{t:?}");
        }
        assert_eq!(syllables(CORPUS_05), split(CORPUS_05));
    }

    #[test]
    fn words_are_the_standard_split() {
        let pieces = [
            "học", "Ệ", " ", "\u{a0}", "\u{85}", "\u{1680}", "\u{16a0}", "\u{2003}", "–", "\u{3000}",
            "\u{3001}", "49-KL/TW", "\n", "\t", "-", "ặ", "\u{301}", "学", "\u{2028}", "\u{205f}",
            "\u{2060}", "\u{200b}", "\u{202f}",
        ];
        for t in crate::testing::mixed_strings(&pieces, 8, 20_000, 0x1D2E_7F31_04C5_9A6B) {
            assert_eq!(words(&t).collect::<Vec<_>>(), t.split_whitespace().collect::<Vec<_>>(), "{t:?}");
        }
        assert_eq!(words(CORPUS_05).collect::<Vec<_>>(), CORPUS_05.split_whitespace().collect::<Vec<_>>());
        assert_eq!(words(" a  b\u{a0}ệ ").collect::<Vec<_>>(), ["a", "b", "ệ"]);
        assert_eq!(words("").next(), None);
    }

    #[test]
    fn one_pass_count_is_the_split_count_on_mixed_text() {
        let split =
            |t: &str| t.split_whitespace().filter(|t| t.chars().any(crate::vi::is_alphanumeric)).count();
        let pieces = [
            "học", "Ệ", " ", "\u{a0}", "\u{85}", "\u{1680}", "\u{16a0}", "\u{2003}", "–", "\u{3000}",
            "\u{3001}", "49-KL/TW", "\n", "-", "ặ", "\u{301}", "学", "¼", ",", "\u{205f}", "\u{2060}",
        ];
        for t in crate::testing::mixed_strings(&pieces, 8, 20_000, 0x2545_F491_4F6C_DD1D) {
            assert_eq!(syllables(&t), split(&t), "{t:?}");
        }
    }

    const CORPUS_05: &str = include_str!(
        "testdata/05-hoi-khuyen-hoc-thi-tran-thang-hiep-hoa-don-nhan-co-don-vi-thi-dua-xuat-sac.txt"
    );

    #[test]
    fn corpus_05_has_696_syllables() {
        assert_eq!(syllables(CORPUS_05), 696);
        assert_eq!(minutes(syllables(CORPUS_05), DEFAULT_RATE), 4);
    }

    #[test]
    fn corpus_05_quirks() {
        // Three non-breaking spaces; they are whitespace, but each sits next to an ordinary
        // space ("tháng\u{a0} 3/2020"), so splitting on ASCII whitespace only gives the same
        // count here.
        assert_eq!(CORPUS_05.matches('\u{a0}').count(), 3);
        assert_eq!(CORPUS_05.matches("\u{a0} ").count(), 3);
        let ascii_only = CORPUS_05
            .split(|c: char| c.is_ascii_whitespace())
            .filter(|t| t.chars().any(crate::vi::is_alphanumeric))
            .count();
        assert_eq!(ascii_only, 696);
        // "2015- 2020" (stray space) is two syllables; it occurs three times.
        assert_eq!(CORPUS_05.matches("2015- 2020").count(), 3);
        // One stand-alone hyphen ("hiephoanet.vn - Sáng") is not a syllable.
        let tokens = CORPUS_05.split_whitespace().count();
        assert_eq!(tokens, 697);
        // NFD input counts the same.
        use unicode_normalization::UnicodeNormalization;
        let nfd: String = CORPUS_05.nfd().collect();
        assert_eq!(syllables(&nfd), 696);
    }

    #[test]
    fn tokens() {
        assert_eq!(syllables("giai đoạn 2022-2026"), 3);
        assert_eq!(syllables("Kết luận 49-KL/TW"), 3);
        assert_eq!(syllables("giai đoạn 2015- 2020"), 4);
        assert_eq!(syllables("khuyến học – khuyến tài"), 4);
        assert_eq!(syllables("“Công dân học tập”"), 4);
        assert_eq!(syllables("tháng\u{a0}3/2020"), 2);
        assert_eq!(syllables(" \n\t "), 0);
        assert_eq!(syllables(""), 0);
        assert_eq!(syllables("- … “ ”"), 0);
    }

    #[test]
    fn minutes_rule() {
        assert_eq!(minutes(0, 200), 1);
        assert_eq!(minutes(1, 200), 1);
        assert_eq!(minutes(200, 200), 1);
        assert_eq!(minutes(201, 200), 2);
        assert_eq!(minutes(300, 200), 2);
        assert_eq!(minutes(401, 200), 3);
        assert_eq!(minutes(300, 0), 2);
        assert_eq!(minutes(300, 100), 3);
        assert_eq!(minutes(usize::MAX, 1), u32::MAX);
        assert_eq!(label(3), "3 phút đọc");
    }
}
