//! Vietnamese document numbers (design note §8): `49-KL/TW`, `1373/QĐ-TTg`, `30/2020/NĐ-CP`.
//!
//! Takes: NFC text (in NFD a letter with a combining mark ends the match early).
//! Gives: byte ranges of document numbers, so the caller can wrap them in a no-wrap span, and a
//! comparison key for codes.
//! Must not: match bare numbers, ranges or dates (`2022-2026`, `10/5/2019`), change the text,
//! or touch the file system.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::fold::fold;

static DOC_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\d+(?:/\d+)*(?:[-/]\p{L}+)+").expect("static regex"));

/// Byte ranges of the document numbers in `text`, in order, not overlapping.
pub fn find(text: &str) -> Vec<Range<usize>> {
    // Every match has a digit directly followed by `-` or `/`; most text has none, and the
    // Unicode-aware regex is costly on every run of text of a 10,000-page site.
    if !digit_then_dash_or_slash(text.as_bytes()) {
        return Vec::new();
    }
    DOC_NUMBER.find_iter(text).map(|m| m.range()).collect()
}

/// True if a digit is directly followed by `-` or `/` somewhere in `bytes` (most text has
/// none at all).
fn digit_then_dash_or_slash(bytes: &[u8]) -> bool {
    let mut from = 1;
    while let Some(i) = crate::scan::next_special(bytes, from, |b| u8::from(b == b'-') | u8::from(b == b'/'))
    {
        if bytes[i - 1].is_ascii_digit() {
            return true;
        }
        from = i + 1;
    }
    false
}

/// Comparison key for a document code: fold (§2: no diacritics, `đ` → `d`, lower case),
/// whitespace removed and dash variants (U+2010–U+2015, U+2212) written as `-`.
/// `49-KL/TW`, `49-kl/tw`, `49 – KL/TW` → `49-kl/tw`; `1373/QĐ-TTg` → `1373/qd-ttg`.
pub fn normalize_code(s: &str) -> String {
    fold(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        find(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn the_prefilter_finds_every_digit_before_a_dash_or_slash() {
        let windows =
            |b: &[u8]| b.windows(2).any(|w| w[0].is_ascii_digit() && (w[1] == b'-' || w[1] == b'/'));
        let text = "Kết luận 49-KL/TW ngày 10/5/2019 (giai đoạn 2021–2030), xem điểm 3 - mục 4/ và 7-";
        let bytes = text.as_bytes();
        for start in 0..bytes.len() {
            for end in start..=bytes.len() {
                let part = &bytes[start..end];
                assert_eq!(digit_then_dash_or_slash(part), windows(part), "{start}..{end}");
            }
        }
    }

    #[test]
    fn golden_codes_match_whole() {
        for code in
            ["49-KL/TW", "11-CT/TW", "1373/QĐ-TTg", "455-KH/BTGTW", "30/2020/NĐ-CP", "32/2018/TT-BGDĐT"]
        {
            assert_eq!(find(code), vec![0..code.len()], "{code}");
        }
    }

    #[test]
    fn exact_range_inside_a_sentence() {
        let text = "Kết luận số 49-KL/TW, ngày 10/5/2019, của Ban Bí thư";
        let start = text.find("49").unwrap_or(usize::MAX);
        assert_eq!(find(text), vec![start..start + "49-KL/TW".len()]);
        assert_eq!(&text[find(text)[0].clone()], "49-KL/TW");

        let text = "QĐ 1373/QĐ-TTg (30/7/2021) và Chỉ thị 11-CT/TW; Nghị định 30/2020/NĐ-CP.";
        assert_eq!(found(text), ["1373/QĐ-TTg", "11-CT/TW", "30/2020/NĐ-CP"]);
        // "QĐ " is 4 bytes: Đ (U+0110) takes two.
        let r = &find(text)[0];
        assert_eq!((r.start, r.end), (4, 4 + "1373/QĐ-TTg".len()));
    }

    #[test]
    fn no_match_in_ranges_and_dates() {
        assert!(find("2022-2026").is_empty());
        assert!(find("10/5/2019").is_empty());
        assert!(find("giai đoạn 2022-2026, ngày 10/5/2019 và 15/09/2022.").is_empty());
        assert!(find("Thứ Năm, 15/09/2022").is_empty());
        assert!(find("").is_empty());
    }

    #[test]
    fn corpus_stray_space() {
        // The corpus writes "281/QĐ- TTg": only the part before the space is a number.
        assert_eq!(found("quyết định 281/QĐ- TTg của Thủ tướng"), ["281/QĐ"]);
    }

    #[test]
    fn codes_compare_by_key() {
        assert_eq!(normalize_code("49-KL/TW"), "49-kl/tw");
        assert_eq!(normalize_code("49-kl/tw"), "49-kl/tw");
        assert_eq!(normalize_code("49 – KL/TW"), "49-kl/tw");
        assert_eq!(normalize_code("1373/QĐ-TTg"), "1373/qd-ttg");
        assert_eq!(normalize_code("1373/qđ-ttg"), normalize_code("1373/QĐ-TTg"));
        assert_eq!(normalize_code("32/2018/TT-BGDĐT"), "32/2018/tt-bgddt");
        assert_ne!(normalize_code("49-KL/TW"), normalize_code("11-CT/TW"));
    }
}
