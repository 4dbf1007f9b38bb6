//! Fold keys and tone-style keys (design note §1, §2).
//!
//! Takes: any `&str`, NFC or NFD, any case.
//! Gives: `fold` — a key without diacritics, `đ` as `d`, lower case (for search, slugs and
//! de-duplication); `tone_key` — an NFC, lower-case key that keeps every diacritic but writes
//! tone marks in one style (old style: `hòa khỏe thủy ủy`), so `Đảng ủy` and `Đảng uỷ` are one
//! taxonomy term while `học` and `hóc` stay different.
//! Must not: rewrite an author's text (these are keys only) or touch the file system.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{compose, decompose_canonical, is_combining_mark};

/// The five Vietnamese tone marks as combining characters:
/// huyền, hỏi, ngã, sắc, nặng.
pub(crate) const TONE_MARKS: [char; 5] = ['\u{300}', '\u{309}', '\u{303}', '\u{301}', '\u{323}'];

/// Fold key: NFD, drop combining marks, `đ Đ ð Ð` → `d`, lower case.
///
/// `XÃ HỘI HỌC TẬP` → `xa hoi hoc tap`; `Đảng ủy Khối` → `dang uy khoi`.
/// Characters other than letters keep their place (spaces, punctuation, digits).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Character by character from a table, for text written only in the blocks of the table
    // (all Vietnamese text): the same result as decomposing the whole string, because every
    // character of those blocks that canonical reordering could move is a combining mark, and
    // combining marks are dropped (`fast_fold_is_the_decomposing_fold` checks each one).
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        match FOLD_TABLE.get(c) {
            Some(Folded::Drop) => {}
            Some(Folded::Char(f)) => out.push(f),
            None => return fold_decomposing(s),
        }
    }
    out
}

/// The fold of one character of [`FOLD_BLOCKS`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Folded {
    /// A combining mark: nothing.
    Drop,
    /// One character.
    Char(char),
}

/// Blocks folded from the table: Basic Latin to Combining Diacritical Marks, Latin Extended
/// Additional (ạ…ỹ) and General Punctuation (– “ ” …).
const FOLD_BLOCKS: [(u32, u32); 3] = [(0, 0x370), (0x1E00, 0x1F00), (0x2000, 0x2070)];

/// [`fold_decomposing`] of every character of [`FOLD_BLOCKS`], made once.
struct FoldTable(Vec<Option<Folded>>);

static FOLD_TABLE: std::sync::LazyLock<FoldTable> = std::sync::LazyLock::new(|| {
    let mut table = Vec::new();
    for (start, end) in FOLD_BLOCKS {
        for code in start..end {
            let folded = char::from_u32(code).and_then(|c| {
                let f = fold_decomposing(c.encode_utf8(&mut [0; 4]));
                let mut chars = f.chars();
                match (chars.next(), chars.next()) {
                    (None, _) => Some(Folded::Drop),
                    (Some(one), None) => Some(Folded::Char(one)),
                    // Several characters: left to the slow path.
                    (Some(_), Some(_)) => None,
                }
            });
            table.push(folded);
        }
    }
    FoldTable(table)
});

impl FoldTable {
    /// The fold of `c`, if `c` is in the table and folds to at most one character.
    fn get(&self, c: char) -> Option<Folded> {
        let code = c as u32;
        let mut offset = 0;
        for (start, end) in FOLD_BLOCKS {
            if (start..end).contains(&code) {
                return self.0.get((offset + code - start) as usize).copied().flatten();
            }
            offset += end - start;
        }
        None
    }
}

/// [`fold`] by decomposing the whole string (any text).
fn fold_decomposing(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            // U+0111/U+0110 have no canonical decomposition; U+00F0/U+00D0 (eth) look the same.
            'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
            // Lower-casing can produce a combining mark (e.g. U+0130); drop it as well.
            _ => out.extend(c.to_lowercase().filter(|l| !is_combining_mark(*l))),
        }
    }
    out
}

/// Tone-style key: NFC, lower case, `ð` → `đ`, and tone marks of open syllables ending in
/// `oa`, `oe`, `uy` moved to the old-style position (`hoà` → `hòa`, `khoẻ` → `khỏe`,
/// `uỷ` → `ủy`). Closed syllables (`hoàn`, `hoặc`, `khuyến`) are written the same way in both
/// styles and are left alone, as is `qu` + `y` (`quý`, `quỷ`), where `u` is part of the
/// consonant.
pub fn tone_key(s: &str) -> String {
    let lowered: Vec<char> = s.to_lowercase().nfc().map(|c| if c == 'ð' { 'đ' } else { c }).collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < lowered.len() {
        if !lowered[i].is_alphabetic() {
            out.push(lowered[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < lowered.len() && lowered[i].is_alphabetic() {
            i += 1;
        }
        push_old_style(&lowered[start..i], &mut out);
    }
    out
}

/// Splits a precomposed lower-case letter into its base letter and tone mark.
/// Returns `None` if it carries any other mark (hat, breve, horn, …).
pub(super) fn base_and_tone(c: char) -> Option<(char, Option<char>)> {
    let mut parts: [char; 4] = ['\0'; 4];
    let mut n = 0;
    let mut overflow = false;
    decompose_canonical(c, |d| {
        if n < parts.len() {
            parts[n] = d;
            n += 1;
        } else {
            overflow = true;
        }
    });
    match (n, overflow) {
        (1, false) => Some((parts[0], None)),
        (2, false) if TONE_MARKS.contains(&parts[1]) => Some((parts[0], Some(parts[1]))),
        _ => None,
    }
}

/// True for Vietnamese vowel letters with any marks (a ă â e ê i o ô ơ u ư y).
pub(super) fn is_vowel(c: char) -> bool {
    let mut base = c;
    decompose_canonical(c, |d| {
        if !is_combining_mark(d) {
            base = d;
        }
    });
    matches!(base, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// Pushes one run of letters, moving a new-style tone mark to the old-style position.
fn push_old_style(word: &[char], out: &mut String) {
    let n = word.len();
    if n >= 2 {
        let before_ok = n == 2 || {
            let p = word[n - 3];
            p != 'q' && !is_vowel(p)
        };
        if before_ok
            && let (Some((first, None)), Some((second, Some(tone)))) =
                (base_and_tone(word[n - 2]), base_and_tone(word[n - 1]))
            && matches!((first, second), ('o', 'a') | ('o', 'e') | ('u', 'y'))
            && let Some(toned) = compose(first, tone)
        {
            out.extend(&word[..n - 2]);
            out.push(toned);
            out.push(second);
            return;
        }
    }
    out.extend(word);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_fold_is_the_decomposing_fold() {
        use unicode_normalization::char::canonical_combining_class;
        for (start, end) in FOLD_BLOCKS {
            for c in (start..end).filter_map(char::from_u32) {
                let one = c.to_string();
                assert_eq!(fold(&one), fold_decomposing(&one), "U+{:04X}", c as u32);
                // What makes folding character by character exact: reordering only moves
                // characters of non-zero combining class, and in these blocks all of them are
                // combining marks, which the fold drops.
                if canonical_combining_class(c) != 0 {
                    assert!(is_combining_mark(c), "U+{:04X}", c as u32);
                }
            }
        }
        // Strings mixing precomposed letters, marks in both orders, punctuation, letters that
        // fold to several characters and letters outside the table.
        let pieces = [
            "Đảng",
            "ủy",
            "KHUYẾN",
            "a\u{323}\u{306}",
            "a\u{306}\u{323}",
            "–",
            "“x”",
            "ß",
            "İ",
            "ǅ",
            "Ω",
            "学",
            "ﬁ",
            "\u{301}",
            " ",
            "49-KL/TW",
            "ð",
            "Ð",
            "Å",
            "\u{2000}",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let s = format!("{a}{b}{c}");
                    assert_eq!(fold(&s), fold_decomposing(&s), "{s:?}");
                }
            }
        }
    }

    fn nfd(s: &str) -> String {
        s.nfd().collect()
    }

    #[test]
    fn fold_golden() {
        for s in ["XÃ HỘI HỌC TẬP", "xã hội học tập", "Xa hoi hoc tap"] {
            assert_eq!(fold(s), "xa hoi hoc tap", "{s}");
            assert_eq!(fold(&nfd(s)), "xa hoi hoc tap", "NFD {s}");
        }
        assert_eq!(fold("Đảng ủy Khối"), "dang uy khoi");
        assert_eq!(fold(&nfd("Đảng ủy Khối")), "dang uy khoi");
    }

    #[test]
    fn fold_d_and_eth() {
        assert_eq!(fold("đĐ"), "dd");
        assert_eq!(fold("\u{d0}ảng \u{f0}oàn"), "dang doan");
    }

    #[test]
    fn fold_tone_styles_and_keeps_other_chars() {
        assert_eq!(fold("hòa"), fold("hoà"));
        assert_eq!(fold("Đảng uỷ"), fold("Đảng ủy"));
        assert_eq!(fold("Kết luận 49-KL/TW"), "ket luan 49-kl/tw");
        assert_eq!(fold("ƯƠ ưở Ă Â Ê Ô Ơ"), "uo uo a a e o o");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn tone_key_moves_new_style_marks() {
        assert_eq!(tone_key("hoà"), "hòa");
        assert_eq!(tone_key("hòa"), "hòa");
        assert_eq!(tone_key("khoẻ"), "khỏe");
        assert_eq!(tone_key("thuỷ"), "thủy");
        assert_eq!(tone_key("uỷ"), "ủy");
        assert_eq!(tone_key("oà"), "òa");
        assert_eq!(tone_key("Thanh Hoá"), "thanh hóa");
        assert_eq!(tone_key("toà án."), "tòa án.");
        assert_eq!(tone_key("Hiệp Hoà"), "hiệp hòa");
        assert_eq!(tone_key("hoạ sĩ"), "họa sĩ");
    }

    #[test]
    fn tone_key_term_variants_are_one_term() {
        let want = "đảng ủy";
        for s in ["Đảng ủy", "Đảng uỷ", "ĐẢNG ỦY", "ĐẢNG UỶ", "đảng ủy", "\u{d0}ảng uỷ"]
        {
            assert_eq!(tone_key(s), want, "{s}");
            assert_eq!(tone_key(&nfd(s)), want, "NFD {s}");
        }
    }

    #[test]
    fn tone_key_leaves_closed_and_other_syllables() {
        for s in [
            "hoàn", "hoặc", "khuyến", "thuyền", "quý", "quỷ", "quả", "ngoài", "khuỷu", "thuở", "của", "huế",
            "ngoẻo", "khuya",
        ] {
            assert_eq!(tone_key(s), s, "{s}");
        }
    }

    #[test]
    fn tone_key_keeps_tones_apart() {
        assert_ne!(tone_key("học"), tone_key("hóc"));
        assert_ne!(tone_key("bạn"), tone_key("bán"));
        assert_ne!(tone_key("đường"), tone_key("dương"));
        assert_eq!(tone_key("HỌC"), "học");
        assert!(super::super::nfc::is_nfc(&tone_key(&nfd("Khuyến Học"))));
    }
}
