//! Vietnamese collation, implemented by hand (design note §4).
//!
//! Takes: strings to sort (tags, glossary entries, people, audiences), NFC or NFD, any case.
//! Gives: a sort key (`Vec<u32>`) and `compare`, which is exactly key comparison. Three levels,
//! each compared over the whole string before the next:
//! 1. primary: space < punctuation and symbols < digits < letters, letters in the order
//!    a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z (f j w z at their
//!    Latin places, as in CLDR/ICU `vi`), then other letters by code point;
//! 2. secondary: tones ngang < huyền < hỏi < ngã < sắc < nặng, per letter; marks that are
//!    not Vietnamese (ä, ĕ) rank right after the tone of their letter;
//! 3. tertiary: lower case before upper case.
//!
//! Strings that differ only in normalisation form compare `Equal`; use a stable sort, or the
//! raw string as a final tie-break, if a total order on distinct byte strings is needed.
//! Must not: use byte order, ICU data or locale files, or touch the file system.

use std::cmp::Ordering;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{compose, is_combining_mark};

use super::fold::TONE_MARKS;

/// Vietnamese letters with f, j, w, z at their Latin places.
const ALPHABET: [char; 33] = [
    'a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'ô', 'ơ',
    'p', 'q', 'r', 's', 't', 'u', 'ư', 'v', 'w', 'x', 'y', 'z',
];

/// Combining marks that make a distinct Vietnamese letter: breve (ă), circumflex (â ê ô),
/// horn (ơ ư).
const SHAPE_MARKS: [char; 3] = ['\u{306}', '\u{302}', '\u{31b}'];

// Primary weight bands; every band starts above the previous one's maximum.
const P_SPACE: u32 = 0x10;
const P_PUNCT: u32 = 0x100; // + code point (≤ 0x10_FFFF)
const P_DIGIT: u32 = 0x20_0000; // + digit value
const P_OTHER_NUMERIC: u32 = 0x21_0000; // + code point
const P_LETTER: u32 = 0x40_0000; // + index in ALPHABET
const P_OTHER_LETTER: u32 = 0x50_0000; // + code point of the lower-case letter

// Secondary: 1 + tone index, then one weight per non-Vietnamese mark on the same letter.
const S_BASE: u32 = 1;
const S_OTHER_MARK: u32 = 0x100; // + code point of the mark

// Tertiary.
const T_LOWER: u32 = 1;
const T_UPPER: u32 = 2;

/// Separates the levels inside a key; lower than any weight.
const LEVEL_SEPARATOR: u32 = 0;

/// Compares two strings in Vietnamese order: `sort_key(a).cmp(&sort_key(b))`.
pub fn compare(a: &str, b: &str) -> Ordering {
    sort_key(a).cmp(&sort_key(b))
}

/// One collation element: a base character and the marks on it.
struct Element {
    primary: u32,
    secondary: Vec<u32>,
    tertiary: u32,
}

/// Sort key: primary weights, 0, secondary weights, 0, tertiary weights.
pub fn sort_key(s: &str) -> Vec<u32> {
    let mut elements: Vec<Element> = Vec::with_capacity(s.len());
    let mut base: Option<char> = None;
    let mut marks: Vec<char> = Vec::new();
    for c in s.nfd() {
        if is_combining_mark(c) {
            if base.is_some() {
                marks.push(c);
            }
            // A mark with no base is ignorable.
            continue;
        }
        if let Some(b) = base.take() {
            push_element(b, &marks, &mut elements);
        }
        marks.clear();
        base = Some(c);
    }
    if let Some(b) = base {
        push_element(b, &marks, &mut elements);
    }

    let mut key = Vec::with_capacity(elements.len() * 3 + 2);
    key.extend(elements.iter().map(|e| e.primary));
    key.push(LEVEL_SEPARATOR);
    for e in &elements {
        key.extend(&e.secondary);
    }
    key.push(LEVEL_SEPARATOR);
    key.extend(elements.iter().map(|e| e.tertiary));
    key
}

/// True for characters that collation ignores completely (controls, zero-width format
/// characters, soft hyphen).
fn is_ignorable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
        )
}

fn push_element(base: char, marks: &[char], out: &mut Vec<Element>) {
    if is_ignorable(base) {
        return;
    }
    let tertiary = if base.is_uppercase() { T_UPPER } else { T_LOWER };
    let mut lower_chars = base.to_lowercase();
    let lower = lower_chars.next().unwrap_or(base);
    // Look-alike eth is treated as đ (as in `fold`).
    let lower = if lower == 'ð' { 'đ' } else { lower };

    let mut tone: u32 = 0;
    let mut shape: Option<char> = None;
    let mut other: Vec<u32> = Vec::new();
    for &m in marks {
        if let Some(i) = TONE_MARKS.iter().position(|&t| t == m)
            && tone == 0
        {
            // huyền, hỏi, ngã, sắc, nặng → 2..=6 (TONE_MARKS is in that order).
            tone = i as u32 + 1;
        } else if SHAPE_MARKS.contains(&m)
            && shape.is_none()
            && compose(lower, m).is_some_and(|l| ALPHABET.contains(&l))
        {
            shape = Some(m);
        } else {
            other.push(S_OTHER_MARK + m as u32);
        }
    }
    let letter = match shape {
        Some(m) => compose(lower, m).unwrap_or(lower),
        None => lower,
    };

    let primary = if let Some(i) = ALPHABET.iter().position(|&l| l == letter) {
        P_LETTER + i as u32
    } else if let Some(d) = letter.to_digit(10) {
        P_DIGIT + d
    } else if letter.is_alphabetic() {
        P_OTHER_LETTER + letter as u32
    } else if letter.is_numeric() {
        P_OTHER_NUMERIC + letter as u32
    } else if letter.is_whitespace() {
        P_SPACE
    } else {
        P_PUNCT + letter as u32
    };
    let mut secondary = Vec::with_capacity(1 + other.len());
    secondary.push(S_BASE + tone);
    secondary.extend(other);
    out.push(Element { primary, secondary, tertiary });
    // Rare multi-character lower-case mappings: the extra characters are plain elements.
    for extra in lower_chars {
        if is_combining_mark(extra) {
            continue;
        }
        push_element(extra, &[], out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The golden order of design note §4.
    const GOLDEN: [&str; 31] = [
        "am",
        "an",
        "anh",
        "Anh",
        "Ánh",
        "ăm",
        "ăn",
        "ân",
        "Công dân",
        "Cộng đồng",
        "de",
        "Dòng họ",
        "dz",
        "đa",
        "Đơn vị",
        "Gia đình",
        "ma",
        "mà",
        "mả",
        "mã",
        "má",
        "mạ",
        "on",
        "ổn",
        "ơn",
        "uy",
        "Ủy ban",
        "Uy tín",
        "ưu",
        "yêu",
        "Zalo",
    ];

    fn sorted(mut v: Vec<String>) -> Vec<String> {
        v.sort_by(|a, b| compare(a, b));
        v
    }

    fn golden() -> Vec<String> {
        GOLDEN.iter().map(|s| s.to_string()).collect()
    }

    /// Deterministic shuffles of the golden list.
    fn shuffles() -> Vec<Vec<String>> {
        let g = golden();
        let mut out = Vec::new();
        let mut rev = g.clone();
        rev.reverse();
        out.push(rev);
        for k in [1, 7, 13, 30] {
            let mut r = g.clone();
            r.rotate_left(k);
            out.push(r);
        }
        // Odd positions first, then even, reversed.
        let mut odd_even: Vec<String> = g.iter().skip(1).step_by(2).cloned().collect();
        odd_even.extend(g.iter().step_by(2).rev().cloned());
        out.push(odd_even);
        // Fisher–Yates with a fixed linear congruential generator.
        for seed in [1u64, 42, 2022] {
            let mut v = g.clone();
            let mut state = seed;
            for i in (1..v.len()).rev() {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                let j = ((state >> 33) % (i as u64 + 1)) as usize;
                v.swap(i, j);
            }
            out.push(v);
        }
        out
    }

    #[test]
    fn golden_order_from_shuffles() {
        let g = golden();
        for (n, s) in shuffles().into_iter().enumerate() {
            assert_ne!(s, g, "shuffle {n} is not shuffled");
            assert_eq!(sorted(s), g, "shuffle {n}");
        }
    }

    #[test]
    fn golden_order_from_nfd_input() {
        let g = golden();
        for s in shuffles() {
            let nfd: Vec<String> = s.iter().map(|x| x.nfd().collect()).collect();
            let want: Vec<String> = g.iter().map(|x| x.nfd().collect()).collect();
            assert_eq!(sorted(nfd), want);
        }
    }

    #[test]
    fn golden_order_is_a_strict_chain() {
        for w in GOLDEN.windows(2) {
            assert_eq!(compare(w[0], w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
            assert_eq!(compare(w[1], w[0]), Ordering::Greater, "{} > {}", w[1], w[0]);
        }
    }

    #[test]
    fn byte_order_is_wrong() {
        let mut bytes = golden();
        bytes.sort();
        assert_ne!(bytes, golden());
    }

    #[test]
    fn don_vi_between_dz_and_yeu() {
        assert_eq!(compare("Đơn vị", "yêu"), Ordering::Less);
        assert_eq!(compare("dz", "Đơn vị"), Ordering::Less);
        assert_eq!(compare("Đơn vị", "dz"), Ordering::Greater);
        assert_eq!(compare("đa", "da"), Ordering::Greater);
        assert_eq!(compare("\u{d0}ơn vị", "Đơn vị"), Ordering::Equal);
    }

    #[test]
    fn levels() {
        // Tones in order ngang, huyền, hỏi, ngã, sắc, nặng.
        let tones = ["a", "à", "ả", "ã", "á", "ạ"];
        for w in tones.windows(2) {
            assert_eq!(compare(w[0], w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
        }
        // Primary over the whole string beats an earlier tone difference.
        assert_eq!(compare("mà b", "ma c"), Ordering::Less);
        // Secondary beats an earlier case difference.
        assert_eq!(compare("Ma", "má"), Ordering::Less);
        assert_eq!(compare("ma", "Ma"), Ordering::Less);
        // Vowel letters are primary differences.
        for w in ["o", "ô", "ơ", "p"].windows(2) {
            assert_eq!(compare(w[0], w[1]), Ordering::Less);
        }
        for w in ["u", "ư", "v", "w", "x", "y", "z"].windows(2) {
            assert_eq!(compare(w[0], w[1]), Ordering::Less);
        }
        for w in ["e", "ê", "f", "g", "h", "i", "j", "k"].windows(2) {
            assert_eq!(compare(w[0], w[1]), Ordering::Less);
        }
    }

    #[test]
    fn space_punctuation_digits_letters() {
        assert_eq!(compare(" a", "-a"), Ordering::Less);
        assert_eq!(compare("-a", "0"), Ordering::Less);
        assert_eq!(compare("9", "a"), Ordering::Less);
        assert_eq!(compare("học tập", "họcsinh"), Ordering::Less);
        assert_eq!(compare("", "a"), Ordering::Less);
        assert_eq!(compare("", ""), Ordering::Equal);
        // Letters outside the Vietnamese alphabet come after it.
        assert_eq!(compare("z", "ø"), Ordering::Less);
    }

    #[test]
    fn nfc_and_nfd_are_equal() {
        for s in GOLDEN {
            let nfd: String = s.nfd().collect();
            assert_eq!(compare(s, &nfd), Ordering::Equal, "{s}");
            assert_eq!(sort_key(s), sort_key(&nfd));
        }
        // Marks typed in the non-canonical order still give the same letter.
        assert_eq!(compare("a\u{323}\u{306}", "ặ"), Ordering::Equal);
    }

    #[test]
    fn other_marks_after_the_tone_of_their_letter() {
        // Non-Vietnamese marks rank after the tone of the same letter: a < ä < à.
        assert_eq!(compare("a", "ä"), Ordering::Less);
        assert_eq!(compare("ä", "à"), Ordering::Less);
        assert_eq!(compare("e", "ĕ"), Ordering::Less);
        assert_eq!(compare("ĕ", "ê"), Ordering::Less);
    }
}
