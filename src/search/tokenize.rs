//! Splits text into punctuation segments of syllables (design note §7).
//!
//! Takes: any `&str` (NFC or NFD).
//! Gives: segments, each a list of [`Token`]s (the original syllable, its byte range, its fold
//! key and its tone-style key). A segment ends at sentence and clause punctuation, quotes,
//! brackets, dashes and line breaks, so no bigram or phrase spans "…tuyển sinh; học tập…".
//! Must not: drift from `tokenize` in `themes/loa/static/search.js`: the browser splits the
//! query with the same rules, and `tests/suite/search_js.rs` compares the two on golden strings.

use unicode_normalization::char::is_combining_mark;

use crate::vi;

/// Tokens whose fold key is longer than this (URLs, hashes) are not indexed and end a segment.
pub const MAX_TOKEN_CHARS: usize = 32;

/// Characters that end a segment (unless the "inner" rule below applies).
const BREAKS: &[char] = &[
    ',', ';', '.', ':', '“', '”', '"', '–', '—', '(', ')', '!', '?', '…', '[', ']', '{', '}', '«', '»', '‘',
    '’', '„', '‟', '\'', '•', '·', '|', '-', '/', '\n', '\r', '\u{2028}', '\u{2029}', '\u{85}',
    // The Khmer full stops (khan, bariyoosan).
    '\u{17D4}', '\u{17D5}',
];

/// ASCII characters whose class [`classify`] decides by their neighbours: `.` and `,`
/// (between digits), the [`INNER`] marks, and the letters, digits and space (decided before).
static NEEDS_NEIGHBOURS: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = matches!(b as u8, b'.' | b',' | b':' | b'-' | b'/' | b'\'' | b' ')
            || (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// The ASCII characters of [`BREAKS`], as a table.
static ASCII_BREAKS: [bool; 128] = {
    let mut t = [false; 128];
    let mut k = 0;
    while k < BREAKS.len() {
        let c = BREAKS[k] as u32;
        if c < 128 {
            t[c as usize] = true;
        }
        k += 1;
    }
    t
};

/// Characters that only separate two syllables when written between them without spaces
/// (`49-KL/TW`, `TP.HCM`, `14:30`, `Kơ’nia`): no segment break there.
const INNER: &[char] = &['.', ':', '-', '/', '\'', '’'];

/// One syllable (or number, or foreign word) of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    /// The syllable as written in the text.
    pub text: &'a str,
    /// Byte offset of `text` in the input.
    pub start: usize,
    /// `vi::fold(text)`: the search key (`Đảng` → `dang`).
    pub fold: String,
    /// `vi::tone_key(text)`: the diacritics as written, tone style normalised (`hoà` → `hòa`).
    pub tone: String,
}

impl Token<'_> {
    /// True if the syllable carries any diacritic (or `đ`), so an exact-diacritic match means
    /// something (`hóc`, not `hoc`).
    pub fn has_marks(&self) -> bool {
        self.tone != self.fold
    }
}

/// A letter, digit or combining mark: part of a syllable.
/// Mirrors `/[\p{Alphabetic}\p{N}\p{M}]/u` in search.js.
pub fn is_token_char(c: char) -> bool {
    crate::vi::is_alphanumeric(c) || is_combining_mark(c)
}

/// Khmer is written without spaces between words: each orthographic cluster (a consonant or
/// an independent vowel, with its subscript consonants after the sign COENG, U+17D2, and its
/// dependent vowels and signs) is a token of its own, as a Vietnamese syllable is, so that the
/// index's pairs of adjacent tokens are the cluster bigrams of the text and a search for a
/// word finds it inside a run. True when the character at byte `i` of `text` starts a cluster
/// that does not start the run. Mirrors `khmerStart` in search.js.
fn starts_khmer_cluster(text: &str, i: usize) -> bool {
    let Some(c) = text[i..].chars().next() else { return false };
    ('\u{1780}'..='\u{17B3}').contains(&c)
        && text[..i].chars().next_back().is_some_and(|p| p != '\u{17D2}' && is_token_char(p))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Token,
    Separator,
    Break,
}

fn classify(prev: Option<char>, c: char, next: Option<char>) -> Class {
    // Fast paths for the most frequent characters: ASCII letters, digits and the space.
    if c.is_ascii_alphanumeric() {
        return Class::Token;
    }
    if c == ' ' {
        return Class::Separator;
    }
    if !c.is_ascii() && is_token_char(c) {
        return Class::Token;
    }
    let digit = |x: Option<char>| x.is_some_and(|x| x.is_ascii_digit());
    if matches!(c, '.' | ',') && digit(prev) && digit(next) {
        // `10.000`, `1,5`: one number.
        return Class::Token;
    }
    let inner = |x: Option<char>| x.is_some_and(is_token_char);
    if INNER.contains(&c) && inner(prev) && inner(next) {
        return Class::Separator;
    }
    if BREAKS.contains(&c) { Class::Break } else { Class::Separator }
}

/// What the splitter found: a raw token (text and byte offset) or a segment break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// A run of token characters, before any key rule.
    Token(&'a str, usize),
    /// Punctuation that ends the segment.
    Break,
}

/// What to do with a raw token, decided by its fold key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Index it.
    Keep,
    /// Nothing to index (a stray combining mark) and no reason to end the segment.
    Skip,
    /// Too long to be a word (URL, hash): not indexed, and it ends the segment.
    Break,
}

/// The rule for a token whose fold key is `fold`.
pub fn rule(fold: &str) -> Rule {
    match fold.chars().count() {
        0 => Rule::Skip,
        n if n > MAX_TOKEN_CHARS => Rule::Break,
        _ => Rule::Keep,
    }
}

/// What the first byte of a character says about it, for [`split`]'s fast path.
mod lead {
    /// Decided by the whole character (punctuation, other scripts).
    pub const SLOW: u8 = 0;
    /// ASCII letter or digit: a token character.
    pub const ALNUM: u8 = 1;
    /// The space: ends a token, never a segment.
    pub const SPACE: u8 = 2;
    /// 0xC3–0xC9 (U+00C0–U+027F): letters, but for × and ÷ (C3 97, C3 B7).
    pub const LATIN: u8 = 3;
    /// 0xCC, 0xCD (U+0300–U+037F): combining marks up to U+036F (second byte of 0xCD below
    /// 0xB0).
    pub const MARK: u8 = 4;
    /// 0xE1 (U+1000–U+1FFF): letters of Latin Extended Additional, U+1E00–U+1EFF (second byte
    /// 0xB8–0xBB), the precomposed Vietnamese vowels among them.
    pub const E1: u8 = 5;

    pub static CLASS: [u8; 256] = {
        let mut t = [SLOW; 256];
        let mut b = 0;
        while b < 256 {
            t[b] = match b as u8 {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => ALNUM,
                b' ' => SPACE,
                0xC3..=0xC9 => LATIN,
                0xCC | 0xCD => MARK,
                0xE1 => E1,
                _ => SLOW,
            };
            b += 1;
        }
        t
    };
}

/// The length of the token character at `bytes[i]` when its first two bytes show it is one
/// (most letters of Vietnamese text), else 0. Every character it accepts is an
/// [`is_token_char`] (checked for every character by a test).
#[inline]
fn fast_token_len(bytes: &[u8], i: usize) -> usize {
    let second = || bytes.get(i + 1).copied().unwrap_or(0);
    match lead::CLASS[usize::from(bytes[i])] {
        lead::ALNUM => 1,
        lead::LATIN if !(bytes[i] == 0xC3 && matches!(second(), 0x97 | 0xB7)) => 2,
        lead::MARK if bytes[i] == 0xCC || second() < 0xB0 => 2,
        lead::E1 if matches!(second(), 0xB8..=0xBB) => 3,
        _ => 0,
    }
}

/// Calls `emit` for every raw token and every segment break of `text`, in order.
pub fn split<'a>(text: &'a str, mut emit: impl FnMut(Piece<'a>)) {
    for piece in pieces(text) {
        emit(piece);
    }
}

/// The raw tokens and segment breaks of `text`, in order (what [`split`] emits), as an
/// iterator: the index loop keeps its state in registers, where a callback per piece kept it
/// behind the closure's pointer.
pub fn pieces(text: &str) -> Pieces<'_> {
    Pieces { text, i: 0, pending_break: false }
}

/// See [`pieces`].
pub struct Pieces<'a> {
    text: &'a str,
    /// Where the next look starts.
    i: usize,
    /// The token just given ended at a break, which comes next.
    pending_break: bool,
}

impl<'a> Pieces<'a> {
    /// The length and class of the character at `i`, which [`fast_token_len`] did not take.
    #[inline(never)]
    fn slow(&self, i: usize) -> (usize, Class) {
        let text = self.text;
        let b = text.as_bytes()[i];
        if b.is_ascii() && !NEEDS_NEIGHBOURS[usize::from(b)] {
            // ASCII punctuation (letters, digits and the space never come here) whose class
            // does not depend on its neighbours: by a table, not two lists searched in turn.
            return (1, if ASCII_BREAKS[usize::from(b)] { Class::Break } else { Class::Separator });
        }
        let c = text[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
        let len = c.len_utf8();
        let class = if !c.is_ascii() && is_token_char(c) {
            Class::Token
        } else {
            classify(text[..i].chars().next_back(), c, text[i + len..].chars().next())
        };
        (len, class)
    }
}

impl Pieces<'_> {
    /// The next piece when it is a token of at most 15 bytes that a space ends, all within
    /// the next 16 bytes, and `known` recognises its bytes: what `known` gave; the token and
    /// its space are consumed. `known` gets the bytes read as two little-endian integers, the
    /// bytes past the token zero, and must recognise only the bytes of tokens that
    /// [`Pieces::next`] gave whole. (The same bytes followed by a space are then that token
    /// again: whether a character belongs to a token depends on its neighbours only for `.`
    /// and `,` between digits, which a token's first and last characters never are.)
    #[inline(always)]
    pub fn next_known<K>(&mut self, known: impl FnOnce(u64, u64) -> Option<K>) -> Option<K> {
        const ONES: u64 = u64::MAX / 255;
        // The bytes of a word that are a space or zero, flagged by their high bit (the lowest
        // flag is exact).
        let flags = |x: u64| {
            let zero = |y: u64| y.wrapping_sub(ONES) & !y & (ONES << 7);
            zero(x ^ (ONES * u64::from(b' '))) | zero(x)
        };
        if self.pending_break {
            return None;
        }
        let i = self.i;
        let window: &[u8; 16] = self.text.as_bytes().get(i..i + 16)?.try_into().ok()?;
        let [lo @ .., _, _, _, _, _, _, _, _] = *window;
        let [_, _, _, _, _, _, _, _, hi @ ..] = *window;
        let lo = u64::from_le_bytes(lo);
        // Most tokens end within the first eight bytes: the second word is read only if not.
        let (len, lo, hi) = match flags(lo) {
            0 => {
                let hi = u64::from_le_bytes(hi);
                let f = flags(hi);
                if f == 0 {
                    return None;
                }
                let k = f.trailing_zeros() / 8;
                (8 + k as usize, lo, hi & ((1u64 << (8 * k)) - 1))
            }
            f => {
                let k = f.trailing_zeros() / 8;
                (k as usize, lo & ((1u64 << (8 * k)) - 1), 0)
            }
        };
        if len == 0 || window[len] != b' ' {
            return None;
        }
        let keys = known(lo, hi)?;
        self.i = i + len + 1;
        Some(keys)
    }
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Piece<'a>;

    #[inline(always)]
    fn next(&mut self) -> Option<Piece<'a>> {
        if self.pending_break {
            self.pending_break = false;
            return Some(Piece::Break);
        }
        let (text, bytes) = (self.text, self.text.as_bytes());
        let mut i = self.i;
        // Up to the start of a token, or a break.
        let start = loop {
            if i >= bytes.len() {
                self.i = i;
                return None;
            }
            // Token characters that their first bytes identify (most of any text), then the
            // space, are decided without decoding; the rest by `classify`, which looks at the
            // neighbours only for punctuation.
            let fast = fast_token_len(bytes, i);
            if fast > 0 {
                let start = i;
                i += fast;
                break start;
            }
            if bytes[i] == b' ' {
                i += 1;
                continue;
            }
            let (len, class) = self.slow(i);
            match class {
                Class::Token => {
                    let start = i;
                    i += len;
                    break start;
                }
                Class::Separator => i += len,
                Class::Break => {
                    self.i = i + len;
                    return Some(Piece::Break);
                }
            }
        };
        // The rest of the token.
        while i < bytes.len() {
            let fast = fast_token_len(bytes, i);
            if fast > 0 {
                i += fast;
                continue;
            }
            if bytes[i] == b' ' {
                self.i = i + 1;
                return Some(Piece::Token(&text[start..i], start));
            }
            let (len, class) = self.slow(i);
            match class {
                Class::Token if starts_khmer_cluster(text, i) => {
                    self.i = i;
                    return Some(Piece::Token(&text[start..i], start));
                }
                Class::Token => i += len,
                Class::Separator => {
                    self.i = i + len;
                    return Some(Piece::Token(&text[start..i], start));
                }
                Class::Break => {
                    self.i = i + len;
                    self.pending_break = true;
                    return Some(Piece::Token(&text[start..i], start));
                }
            }
        }
        self.i = i;
        Some(Piece::Token(&text[start..], start))
    }
}

/// Splits `text` into segments of tokens with their keys. Empty segments are dropped.
///
/// `"…tuyển sinh; học tập…"` → `[["tuyển", "sinh"], ["học", "tập"]]`.
pub fn tokenize(text: &str) -> Vec<Vec<Token<'_>>> {
    let mut segments: Vec<Vec<Token<'_>>> = Vec::new();
    let mut current: Vec<Token<'_>> = Vec::new();
    split(text, |piece| {
        let fold = match piece {
            Piece::Token(t, _) => vi::fold(t),
            Piece::Break => String::new(),
        };
        match (piece, rule(&fold)) {
            (Piece::Token(_, _), Rule::Skip) => {}
            (Piece::Token(text, start), Rule::Keep) => {
                current.push(Token { text, start, fold, tone: vi::tone_key(text) });
            }
            (Piece::Break, _) | (_, Rule::Break) => {
                if !current.is_empty() {
                    segments.push(std::mem::take(&mut current));
                }
            }
        }
    });
    if !current.is_empty() {
        segments.push(current);
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    fn folds(text: &str) -> Vec<Vec<String>> {
        tokenize(text).into_iter().map(|s| s.into_iter().map(|t| t.fold).collect()).collect()
    }

    /// The straightforward splitter `split` must agree with.
    fn split_by_chars(text: &str) -> Vec<Piece<'_>> {
        let mut out = Vec::new();
        let mut token_start: Option<usize> = None;
        let mut prev: Option<char> = None;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let next = chars.peek().map(|&(_, n)| n);
            let class = classify(prev, c, next);
            prev = Some(c);
            if class == Class::Token {
                token_start.get_or_insert(i);
                continue;
            }
            if let Some(start) = token_start.take() {
                out.push(Piece::Token(&text[start..i], start));
            }
            if class == Class::Break {
                out.push(Piece::Break);
            }
        }
        if let Some(start) = token_start {
            out.push(Piece::Token(&text[start..], start));
        }
        out
    }

    #[test]
    fn khmer_runs_split_into_clusters_with_their_subscripts_and_vowels() {
        let texts: Vec<Vec<&str>> =
            tokenize("ការសិក្សា ក្រសួង។ abc").iter().map(|seg| seg.iter().map(|t| t.text).collect()).collect();
        assert_eq!(texts, [vec!["កា", "រ", "សិ", "ក្សា", "ក្រ", "សួ", "ង"], vec!["abc"]]);
    }

    #[test]
    fn split_agrees_with_the_char_by_char_splitter() {
        let nfd: String = "Khuyến học — xã hội học tập".nfd().collect();
        for text in [
            "",
            "Kết luận 49-KL/TW ngày 10/5/2019: “khuyến học, khuyến tài”; TP.HCM lúc 14:30…",
            "10.000 học sinh, 1,5 tỷ đồng (2021–2025) — Kơ’nia's a-b /x/ [y] {z} « w » ‘q’",
            " \u{301}a\u{2028}b\u{85}c\r\nd\te\u{a0}f\u{3000}g 漢字 русский ١٢٣",
            nfd.as_str(),
            ".,:-/'’",
            "a.",
            ".a",
            "1.",
            ",1",
            "a'",
            "'a",
        ] {
            let mut got = Vec::new();
            split(text, |p| got.push(p));
            assert_eq!(got, split_by_chars(text), "{text:?}");
        }
    }

    #[test]
    fn the_fast_path_takes_only_token_characters() {
        let mut fast = 0;
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            let mut text = c.to_string();
            text.push('a');
            let len = fast_token_len(text.as_bytes(), 0);
            if len > 0 {
                fast += 1;
                assert!(is_token_char(c), "U+{:04X} taken as a token character", c as u32);
                assert_eq!(len, c.len_utf8(), "U+{:04X}", c as u32);
            }
        }
        // ASCII letters and digits, U+00C0–U+027F but two, U+0300–U+036F, U+1E00–U+1EFF.
        assert_eq!(fast, 62 + (0x280 - 0xC0 - 2) + 0x70 + 0x100);
    }

    #[test]
    fn split_agrees_with_the_char_by_char_splitter_on_generated_text() {
        let pieces = [
            "a", "Z", "0", "9", " ", "  ", ".", ",", ":", "-", "/", "'", "’", ";", "“", "(", "…", "\n",
            "\u{301}", "ệ", "Đ", "đ", "ư", "ơ", "×", "÷", "ɐ", "\u{36f}", "\u{370}", "Ḁ", "ỹ", "ἀ", "\u{a0}",
            "漢", "١", "học", "Khuyến", "49-KL/TW", "10.000", "TP.HCM",
        ];
        for text in crate::testing::mixed_strings(&pieces, 24, 20_000, 0x5EED_5EED) {
            let mut got = Vec::new();
            split(&text, |p| got.push(p));
            assert_eq!(got, split_by_chars(&text), "{text:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]
        #[test]
        fn split_agrees_on_any_mix_of_letters_marks_and_punctuation(
            chars in proptest::collection::vec(
                proptest::sample::select(vec![
                    'a', 'Z', '0', '9', ' ', '.', ',', ':', '-', '/', '\'', '’', ';', '“', '”', '(', '…',
                    '\n', '\u{301}', '\u{300}', 'ệ', 'Đ', '\u{a0}', '\u{2028}', '漢', '١', '×', '_',
                ]),
                0..40,
            )
        ) {
            let text: String = chars.into_iter().collect();
            let mut got = Vec::new();
            split(&text, |p| got.push(p));
            proptest::prop_assert_eq!(got, split_by_chars(&text));
        }
    }

    #[test]
    fn semicolon_ends_a_segment() {
        assert_eq!(folds("…tuyển sinh; học tập…"), [vec!["tuyen", "sinh"], vec!["hoc", "tap"]]);
    }

    #[test]
    fn every_listed_punctuation_ends_a_segment() {
        for p in [",", ";", ".", ":", "“", "”", "\"", "–", "—", "(", ")", "!", "?", "…", "\n", "-", "/"]
        {
            let spaced = format!("tuyển sinh{p} học tập");
            assert_eq!(folds(&spaced), [vec!["tuyen", "sinh"], vec!["hoc", "tap"]], "{p:?}");
            if !INNER.contains(&p.chars().next().unwrap()) {
                let tight = format!("tuyển sinh{p}học tập");
                assert_eq!(folds(&tight), [vec!["tuyen", "sinh"], vec!["hoc", "tap"]], "{p:?} unspaced");
            }
        }
    }

    #[test]
    fn inner_marks_and_numbers_stay_in_the_segment() {
        assert_eq!(folds("Kết luận 49-KL/TW"), [vec!["ket", "luan", "49", "kl", "tw"]]);
        assert_eq!(folds("TP.HCM lúc 14:30"), [vec!["tp", "hcm", "luc", "14", "30"]]);
        assert_eq!(
            folds("10.000 học sinh, 1,5 tỷ đồng"),
            [vec!["10.000", "hoc", "sinh"], vec!["1,5", "ty", "dong"]]
        );
        assert_eq!(folds("giai đoạn 2021–2025."), [vec!["giai", "doan", "2021"], vec!["2025"]]);
    }

    #[test]
    fn offsets_and_keys() {
        let segs = tokenize("Đảng ủy  Khối");
        let t: Vec<_> = segs[0].iter().map(|t| (t.text, t.start, t.fold.as_str(), t.tone.as_str())).collect();
        assert_eq!(t, [("Đảng", 0, "dang", "đảng"), ("ủy", 8, "uy", "ủy"), ("Khối", 14, "khoi", "khối")]);
        assert!(segs[0][0].has_marks());
        assert!(!tokenize("hoc")[0][0].has_marks());
    }

    #[test]
    fn nfd_input_gives_the_same_keys() {
        let nfd: String = "Khuyến học, xã hội".nfd().collect();
        assert_eq!(folds(&nfd), [vec!["khuyen", "hoc"], vec!["xa", "hoi"]]);
        assert_eq!(tokenize(&nfd)[0][0].tone, "khuyến");
    }

    #[test]
    fn long_tokens_end_the_segment_and_marks_alone_are_skipped() {
        let long = "a".repeat(MAX_TOKEN_CHARS + 1);
        assert_eq!(folds(&format!("xem {long} tại đây")), [vec!["xem"], vec!["tai", "day"]]);
        assert_eq!(folds("học \u{301} tập"), [vec!["hoc", "tap"]]);
        assert!(tokenize("").is_empty());
        assert!(tokenize(" ;; — ").is_empty());
    }
}
