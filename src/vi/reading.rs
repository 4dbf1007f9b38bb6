//! Reading time (design note §6).
//!
//! Takes: plain text already stripped of markup and code blocks by the caller (NFC or not:
//! normalisation does not change the count), and a reading rate in syllables per minute.
//! Gives: the number of syllables (whitespace-separated tokens with at least one letter or
//! digit, so `2022-2026`, `49-KL/TW` and `2015-` are one each and a lone `-` or `–` is none;
//! Unicode whitespace, including U+00A0, separates tokens) and the minutes to show.
//! Must not: parse markup, or touch the file system.

/// Default reading rate, syllables per minute.
pub const DEFAULT_RATE: u32 = 200;

/// Counts syllables: whitespace-separated tokens containing a letter or a digit.
pub fn syllables(text: &str) -> usize {
    // One pass over the characters (the same count as splitting on white space and testing
    // each piece, at a third of the cost: every page's body goes through here).
    let (mut count, mut counted) = (0, false);
    for c in text.chars() {
        if c.is_whitespace() {
            counted = false;
        } else if !counted && crate::vi::is_alphanumeric(c) {
            count += 1;
            counted = true;
        }
    }
    count
}

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
        ] {
            assert_eq!(syllables(t), split(t), "{t:?}");
        }
        assert_eq!(syllables(CORPUS_05), split(CORPUS_05));
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
