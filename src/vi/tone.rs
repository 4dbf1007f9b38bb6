//! Where the tone mark goes on `oa`, `oe` and `uy` at the end of a syllable: on the first
//! vowel in the old style (`hòa`, `khỏe`, `thủy`), on the second in the new (`hoà`, `khoẻ`,
//! `thuỷ`).
//!
//! Takes: any text, NFC or NFD, any case.
//! Gives: the text with each such syllable written in the style asked for, its case kept
//! (`HOÀ` → `HÒA`), in NFC; every other character as it was.
//! Must not: touch closed syllables (`hoàn`, `khuyến`: the same in both styles) or `qu` + `y`
//! (`quý`, `quỷ`: the `u` is part of the consonant). It makes what loa shows in the site's
//! style (a taxonomy term merged from several spellings); a source file is never rewritten.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::compose;

use super::fold::{base_and_tone, is_vowel};

/// A tone-mark placement (`tone_style` in loa.yaml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// `hòa`, `khỏe`, `thủy`.
    Old,
    /// `hoà`, `khoẻ`, `thuỷ`.
    New,
}

/// `s` with the tone marks of its open `oa`, `oe`, `uy` syllables placed in `style`.
pub fn place_tones(s: &str, style: Placement) -> String {
    let chars: Vec<char> = s.nfc().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphabetic() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_alphabetic() {
            i += 1;
        }
        push_word(&chars[start..i], style, &mut out);
    }
    out
}

/// Pushes one run of letters, its last two moved to `style` when they are `oa`, `oe`, `uy`
/// with a tone mark on the other one.
fn push_word(word: &[char], style: Placement, out: &mut String) {
    let n = word.len();
    let open = n == 2
        || n > 2 && {
            let p = lower(word[n - 3]);
            p != 'q' && !is_vowel(p)
        };
    if open
        && let (a, b) = (word[n - 2], word[n - 1])
        && let (Some((first, tone_a)), Some((second, tone_b))) =
            (base_and_tone(lower(a)), base_and_tone(lower(b)))
        && matches!((first, second), ('o', 'a') | ('o', 'e') | ('u', 'y'))
        && let Some((x, y)) = match (style, tone_a, tone_b) {
            (Placement::Old, None, Some(t)) => compose(first, t).map(|x| (x, second)),
            (Placement::New, Some(t), None) => compose(second, t).map(|y| (first, y)),
            _ => None,
        }
    {
        out.extend(&word[..n - 2]);
        out.push(case_of(x, a));
        out.push(case_of(y, b));
        return;
    }
    out.extend(word);
}

/// The lower case of a letter that has one of a single character (Vietnamese letters all do).
fn lower(c: char) -> char {
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

/// `c` (lower case) in the case of `like`.
fn case_of(c: char, like: char) -> char {
    if !like.is_uppercase() {
        return c;
    }
    let mut u = c.to_uppercase();
    match (u.next(), u.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_syllables_move_their_tone_mark_and_keep_their_case() {
        use Placement::{New, Old};
        assert_eq!(place_tones("Đảng uỷ Khối", Old), "Đảng ủy Khối");
        assert_eq!(place_tones("Đảng ủy Khối", New), "Đảng uỷ Khối");
        assert_eq!(place_tones("ĐẢNG UỶ", Old), "ĐẢNG ỦY");
        assert_eq!(
            place_tones("Hoà bình, sức khoẻ, thuỷ lợi, Uỷ ban, hoạ sĩ", Old),
            "Hòa bình, sức khỏe, thủy lợi, Ủy ban, họa sĩ"
        );
        assert_eq!(
            place_tones("Hòa bình, sức khỏe, thủy lợi, Ủy ban, họa sĩ", New),
            "Hoà bình, sức khoẻ, thuỷ lợi, Uỷ ban, hoạ sĩ"
        );
        assert_eq!(place_tones("HÒA", New), "HOÀ");
        // Already in the style, closed syllables, `qu` + `y`, other vowels before: unchanged.
        for s in [
            "hòa",
            "hoàn thành",
            "khuyến học",
            "quý",
            "Quỳnh",
            "tuyệt",
            "ngoài",
            "khuỷu",
            "Nguyễn",
            "49-KL/TW",
            "",
        ] {
            assert_eq!(place_tones(s, Old), s, "{s}");
        }
        for s in ["hoà", "hoàn thành", "quý", "quỷ", "xoá"] {
            assert_eq!(place_tones(s, New), s, "{s}");
        }
        // NFD in, NFC out.
        assert_eq!(place_tones("thu\u{309}y", New), "thuỷ");
        assert_eq!(place_tones("thuy\u{309}", Old), "thủy");
    }

    #[test]
    fn the_tone_key_is_the_same_in_both_styles() {
        for s in ["Đảng uỷ Khối", "Hoà bình", "KHOẺ", "thủy lợi", "quý", "hoàn"] {
            let key = crate::vi::tone_key(s);
            assert_eq!(crate::vi::tone_key(&place_tones(s, Placement::Old)), key, "{s}");
            assert_eq!(crate::vi::tone_key(&place_tones(s, Placement::New)), key, "{s}");
            assert_eq!(crate::vi::slugify(&place_tones(s, Placement::New)), crate::vi::slugify(s), "{s}");
        }
    }
}
