//! Numbers read aloud in Vietnamese (for bulletins, issue 26): integers, decimals, digits one
//! by one, ordinals, months, days of the month, Roman numerals, and the way back from words to
//! a number (for tests and for checking a reading).
//!
//! Takes: numbers (`u64`), digit strings, Roman numerals, and the dialect.
//! Gives: the words, lower case, separated by single spaces.
//! Must not: touch the file system, panic on any input, or guess: a string that is not what
//! the function reads gives `None`.
//!
//! The rules (docs/huong-dan/truyen-thanh.md has the table with examples): mười for 10 and
//! mươi for 20–90; 1 after mươi is mốt, 5 after mười/mươi is lăm, 4 after mươi is tư in the
//! north (bốn in the south: a convention); a zero tens before a unit is linh (lẻ); a zero
//! hundreds inside a number is "không trăm"; groups of three under nghìn (ngàn), triệu, tỷ,
//! then nghìn tỷ, triệu tỷ; a group of three zeros is not read (1.000.005 is "một triệu không
//! trăm linh năm": a convention, "không nghìn" is also heard).

/// Northern (`bac`: nghìn, linh, hai mươi tư) or southern (`nam`: ngàn, lẻ, hai mươi bốn)
/// reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// Northern forms (the default).
    #[default]
    Bac,
    /// Southern forms.
    Nam,
}

impl Dialect {
    /// The dialect named in `loa.yaml` (`bac`, `nam`), or `None`.
    pub fn from_name(name: &str) -> Option<Dialect> {
        match name {
            "bac" | "bắc" => Some(Dialect::Bac),
            "nam" => Some(Dialect::Nam),
            _ => None,
        }
    }

    fn thousand(self) -> &'static str {
        match self {
            Dialect::Bac => "nghìn",
            Dialect::Nam => "ngàn",
        }
    }

    fn zero_tens(self) -> &'static str {
        match self {
            Dialect::Bac => "linh",
            Dialect::Nam => "lẻ",
        }
    }

    fn four_after_tens(self) -> &'static str {
        match self {
            Dialect::Bac => "tư",
            Dialect::Nam => "bốn",
        }
    }
}

const DIGITS: [&str; 10] = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];

/// The word of one digit (`0`–`9`); other values give "".
pub fn digit(d: u64) -> &'static str {
    usize::try_from(d).ok().and_then(|i| DIGITS.get(i)).copied().unwrap_or("")
}

/// An integer in words: 2022 → "hai nghìn không trăm hai mươi hai".
pub fn integer(n: u64, dialect: Dialect) -> String {
    if n == 0 {
        return DIGITS[0].to_string();
    }
    // Groups of three digits, lowest first.
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let mut words: Vec<&str> = Vec::new();
    let top = groups.len() - 1;
    for (i, &g) in groups.iter().enumerate().rev() {
        if g == 0 {
            continue;
        }
        group(g, i != top, dialect, &mut words);
        words.extend(scale(i, dialect));
    }
    words.join(" ")
}

/// The scale words after group `i` (0: units; 1: nghìn; 2: triệu; 3: tỷ; 4: nghìn tỷ…).
fn scale(i: usize, dialect: Dialect) -> Vec<&'static str> {
    let mut w = Vec::new();
    let (below, billions) = (i % 3, i / 3);
    match below {
        1 => w.push(dialect.thousand()),
        2 => w.push("triệu"),
        _ => {}
    }
    w.extend(std::iter::repeat_n("tỷ", billions));
    w
}

/// One group of three digits (`g` < 1000); `inner`: a group after a higher one, which reads
/// its zero hundreds ("không trăm").
fn group(g: u64, inner: bool, dialect: Dialect, words: &mut Vec<&'static str>) {
    let (h, t, u) = (g / 100, g / 10 % 10, g % 10);
    let hundreds = h > 0 || inner;
    if hundreds {
        words.push(digit(h));
        words.push("trăm");
    }
    match (t, u) {
        (0, 0) => {}
        (0, u) => {
            if hundreds {
                words.push(dialect.zero_tens());
            }
            words.push(digit(u));
        }
        (1, u) => {
            words.push("mười");
            match u {
                0 => {}
                5 => words.push("lăm"),
                u => words.push(digit(u)),
            }
        }
        (t, u) => {
            words.push(digit(t));
            words.push("mươi");
            match u {
                0 => {}
                1 => words.push("mốt"),
                4 => words.push(dialect.four_after_tens()),
                5 => words.push("lăm"),
                u => words.push(digit(u)),
            }
        }
    }
}

/// A string of ASCII digits as a number in words (leading zeros are not read: "007" is "bảy");
/// `None` if it is not all digits or too large for a `u64`.
pub fn integer_str(digits: &str, dialect: Dialect) -> Option<String> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok().map(|n| integer(n, dialect))
}

/// Digits read one by one (phone numbers, the part after a decimal comma that starts with a
/// zero): "0912" → "không chín một hai". Characters other than digits are skipped.
pub fn digits(s: &str) -> String {
    s.chars().filter_map(|c| c.to_digit(10)).map(|d| DIGITS[d as usize]).collect::<Vec<_>>().join(" ")
}

/// A decimal number written with a comma: `int` before it, `frac` after (both ASCII digits):
/// 1,5 → "một phẩy năm"; 0,25 → "không phẩy hai mươi lăm". A fraction with leading zeros reads
/// them one by one, then the rest as a number (0,05 → "không phẩy không năm": a convention).
pub fn decimal(int: &str, frac: &str, dialect: Dialect) -> Option<String> {
    let whole = integer_str(int, dialect)?;
    if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let zeros = frac.len() - frac.trim_start_matches('0').len();
    let rest = &frac[zeros..];
    let mut parts = vec![whole, "phẩy".to_string()];
    parts.extend(std::iter::repeat_n(DIGITS[0].to_string(), zeros));
    if !rest.is_empty() {
        parts.push(integer_str(rest, dialect)?);
    }
    Some(parts.join(" "))
}

/// An ordinal after "thứ": 1 → "nhất", 4 → "tư", others as the number (thứ hai, thứ mười).
pub fn ordinal(n: u64, dialect: Dialect) -> String {
    match n {
        1 => "nhất".to_string(),
        4 => "tư".to_string(),
        n => integer(n, dialect),
    }
}

/// A month after "tháng": 4 → "tư", others as the number (tháng một … tháng mười hai; the
/// lunar names giêng and chạp are not used for the solar calendar). `None` outside 1–12.
pub fn month(m: u64, dialect: Dialect) -> Option<String> {
    match m {
        4 => Some("tư".to_string()),
        1..=12 => Some(integer(m, dialect)),
        _ => None,
    }
}

/// A day of the month after "ngày": 1–10 with "mùng" (mùng một … mùng mười: how it is said,
/// a convention in writing), 11–31 as the number. `None` outside 1–31.
pub fn day(d: u64, dialect: Dialect) -> Option<String> {
    match d {
        1..=10 => Some(format!("mùng {}", integer(d, dialect))),
        11..=31 => Some(integer(d, dialect)),
        _ => None,
    }
}

/// The value of a Roman numeral in its standard form (`XII`, `XIII`, `IV`, up to 3999);
/// `None` for anything else (`IIII`, `IC`, lower case, empty).
pub fn roman(s: &str) -> Option<u64> {
    let value = |c: char| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    if s.is_empty() || s.len() > 15 {
        return None;
    }
    let vals: Option<Vec<u64>> = s.chars().map(value).collect();
    let vals = vals?;
    let mut total = 0;
    for (i, &v) in vals.iter().enumerate() {
        if vals.get(i + 1).is_some_and(|&next| next > v) {
            total -= i64::try_from(v).ok()?;
        } else {
            total += i64::try_from(v).ok()?;
        }
    }
    let n = u64::try_from(total).ok().filter(|&n| (1..4000).contains(&n))?;
    // Only the standard spelling: write it back and compare.
    (to_roman(n) == s).then_some(n)
}

fn to_roman(mut n: u64) -> String {
    const TABLE: [(u64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// Words back to the number they read (either dialect): "hai nghìn không trăm hai mươi hai" →
/// 2022. `None` if the words are not a number as [`integer`] writes it.
pub fn parse_words(words: &str) -> Option<u64> {
    let tokens: Vec<&str> = words.split_whitespace().collect();
    if tokens == ["không"] {
        return Some(0);
    }
    parse_scaled(&tokens)
}

/// A number with scale words: the last `tỷ` splits it (what is before it counts in tỷ), then
/// `triệu`, then `nghìn`/`ngàn`.
fn parse_scaled(tokens: &[&str]) -> Option<u64> {
    if tokens.is_empty() {
        return None;
    }
    for (word, factor) in [("tỷ", 1_000_000_000u64), ("triệu", 1_000_000), ("nghìn", 1000), ("ngàn", 1000)]
    {
        if let Some(at) = tokens.iter().rposition(|t| *t == word) {
            let high = parse_scaled(&tokens[..at])?;
            let low = if at + 1 == tokens.len() { 0 } else { parse_scaled(&tokens[at + 1..])? };
            if low >= factor {
                return None;
            }
            return high.checked_mul(factor)?.checked_add(low);
        }
    }
    parse_group(tokens)
}

/// One group under a thousand: `[d trăm] [mười [u] | d mươi [u] | linh/lẻ d | d]`.
fn parse_group(tokens: &[&str]) -> Option<u64> {
    let digit_of = |w: &str| DIGITS.iter().position(|d| *d == w).map(|i| i as u64);
    let mut rest = tokens;
    let mut value = 0;
    let hundreds = rest.len() >= 2 && rest[1] == "trăm";
    if hundreds {
        value += digit_of(rest[0])? * 100;
        rest = &rest[2..];
    }
    let unit_after_tens = |w: &str| match w {
        "mốt" => Some(1),
        "tư" => Some(4),
        "lăm" => Some(5),
        "một" | "năm" => None,
        w => digit_of(w).filter(|&d| d > 0),
    };
    match rest {
        [] => (value > 0).then_some(value),
        ["mười"] => Some(value + 10),
        ["mười", u] => Some(
            value
                + 10
                + unit_after_tens(u).filter(|&u| u != 1 && u != 4).or(match *u {
                    "một" => Some(1),
                    "bốn" => Some(4),
                    _ => None,
                })?,
        ),
        [t, "mươi"] => Some(value + digit_of(t).filter(|&t| t >= 2)? * 10),
        [t, "mươi", u] => Some(value + digit_of(t).filter(|&t| t >= 2)? * 10 + unit_after_tens(u)?),
        ["linh" | "lẻ", u] if hundreds => Some(value + digit_of(u).filter(|&u| u > 0)?),
        [u] if !hundreds => digit_of(u).filter(|&u| u > 0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_of_the_design_note() {
        let b = |n| integer(n, Dialect::Bac);
        assert_eq!(b(0), "không");
        assert_eq!(b(15), "mười lăm");
        assert_eq!(b(21), "hai mươi mốt");
        assert_eq!(b(24), "hai mươi tư");
        assert_eq!(integer(24, Dialect::Nam), "hai mươi bốn");
        assert_eq!(b(105), "một trăm linh năm");
        assert_eq!(integer(105, Dialect::Nam), "một trăm lẻ năm");
        assert_eq!(b(2022), "hai nghìn không trăm hai mươi hai");
        assert_eq!(b(1_000_005), "một triệu không trăm linh năm");
        assert_eq!(b(1_000_000_000_000), "một nghìn tỷ");
    }

    #[test]
    fn roman_numerals_in_standard_form_only() {
        assert_eq!(roman("XII"), Some(12));
        assert_eq!(roman("XIII"), Some(13));
        assert_eq!(roman("IV"), Some(4));
        assert_eq!(roman("IIII"), None);
        assert_eq!(roman("IC"), None);
        assert_eq!(roman("xii"), None);
        assert_eq!(roman(""), None);
    }

    #[test]
    fn words_back_to_numbers() {
        for n in
            [0, 1, 5, 10, 11, 14, 15, 20, 21, 24, 25, 101, 110, 115, 1005, 2022, 1_000_005, 10u64.pow(12)]
        {
            for d in [Dialect::Bac, Dialect::Nam] {
                assert_eq!(parse_words(&integer(n, d)), Some(n), "{n} {d:?}");
            }
        }
        assert_eq!(parse_words("mười năm"), None, "15 is mười lăm");
        assert_eq!(parse_words("hai mươi một"), None, "21 is hai mươi mốt");
        assert_eq!(parse_words("nghìn"), None);
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            /// Issue 26: every integer up to 10^12 reads as words only (lower-case letters and
            /// single spaces), and the words give the number back, in both dialects.
            #[test]
            fn integers_read_as_words_and_back(n in 0u64..=1_000_000_000_000, south in any::<bool>()) {
                let d = if south { Dialect::Nam } else { Dialect::Bac };
                let w = integer(n, d);
                prop_assert!(w.split(' ').all(|t| !t.is_empty() && t.chars().all(|c| c.is_alphabetic() && c.is_lowercase())), "{w:?}");
                prop_assert_eq!(parse_words(&w), Some(n), "{}", w);
            }

            /// Small numbers, where the rules differ most, all of them.
            #[test]
            fn small_integers_round_trip(n in 0u64..=100_000) {
                prop_assert_eq!(parse_words(&integer(n, Dialect::Bac)), Some(n));
                prop_assert_eq!(parse_words(&integer(n, Dialect::Nam)), Some(n));
            }
        }

        #[test]
        fn the_edges_round_trip() {
            let mut n = 1u64;
            while n <= 1_000_000_000_000 {
                for k in [n.saturating_sub(1), n, n + 1, n * 5 + 5, n * 21 + 4] {
                    if k <= 1_000_000_000_000 {
                        assert_eq!(parse_words(&integer(k, Dialect::Bac)), Some(k));
                    }
                }
                n *= 10;
            }
        }
    }
}
