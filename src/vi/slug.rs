//! URL slugs (design note §3).
//!
//! Takes: a title, term or name as `&str`, NFC or NFD.
//! Gives: a slug of `[a-z0-9-]` only: the fold key (§2) with every run of other characters
//! turned into one `-`, no leading or trailing `-`, at most [`MAX_LEN`] bytes, cut at a `-`
//! boundary. The slug may be empty (e.g. for `“…”`); the caller decides what to do then.
//! Must not: emit `/` (document numbers like `49-KL/TW` never make nested paths), detect
//! collisions (the caller compares output paths and reports both sources), or touch the file
//! system.

use super::fold::fold;

/// Longest slug, in bytes (= characters, the slug is ASCII).
pub const MAX_LEN: usize = 120;

/// Slug of `s`: `Kết luận 49-KL/TW` → `ket-luan-49-kl-tw`.
pub fn slugify(s: &str) -> String {
    let folded = fold(s);
    cap(words(folded.chars(), folded.len(), |c| c.is_ascii_lowercase() || c.is_ascii_digit()))
}

/// The characters of `chars` that `keep` keeps, each run of the others made one `-` between
/// them (none at either end); `capacity` bytes reserved.
fn words(chars: impl Iterator<Item = char>, capacity: usize, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(capacity);
    let mut pending_dash = false;
    for c in chars {
        if keep(c) {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else {
            pending_dash = true;
        }
    }
    out
}

/// Slug of a taxonomy term, in any script: [`slugify`] (Vietnamese and other Latin-script
/// words folded to ASCII: `Học tập` → `hoc-tap`, `Éducation` → `education`); a term with no
/// Latin letter or digit (Khmer `ការសិក្សា`, which has no ASCII form) keeps its own
/// characters, lowercased, NFC, runs of spaces and punctuation made one `-`: a URL path of
/// Unicode letters that needs no escaping beyond UTF-8 (no `/`, `?`, `#`, `%`). Empty when the
/// term has no letter of any script.
pub fn term_slug(s: &str) -> String {
    let ascii = slugify(s);
    if !ascii.is_empty() {
        return ascii;
    }
    let out = words(super::nfc(s).chars().flat_map(char::to_lowercase), s.len(), is_word_char);
    // Capped by characters, not bytes: a Khmer letter is three bytes.
    out.chars().take(MAX_LEN).collect::<String>().trim_end_matches('-').to_string()
}

/// A letter, digit or combining mark of any script (Khmer vowel signs and its subscript sign
/// are marks): not a space, a control, ASCII or general punctuation, or a symbol.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    let punct = matches!(u32::from(c),
        0x00A0..=0x00BF | 0x2000..=0x206F | 0x2190..=0x2BFF | 0x3000..=0x303F | 0x17D4..=0x17DA | 0xFE30..=0xFE4F | 0xFF00..=0xFF0F | 0x1F000..=0x1FAFF);
    !(c.is_whitespace() || c.is_control() || punct)
}

/// Cuts a slug longer than `MAX_LEN` at the last `-` that keeps it within the limit; a single
/// word longer than the limit is cut hard.
fn cap(mut slug: String) -> String {
    if slug.len() <= MAX_LEN {
        return slug;
    }
    // A `-` at index MAX_LEN means the first MAX_LEN bytes end exactly on a word.
    let cut =
        slug.as_bytes()[..=MAX_LEN].iter().rposition(|&b| b == b'-').filter(|&i| i > 0).unwrap_or(MAX_LEN);
    slug.truncate(cut);
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_slugs_fold_latin_scripts_and_keep_others() {
        assert_eq!(term_slug("Học tập"), "hoc-tap");
        assert_eq!(term_slug("Éducation pour tous"), "education-pour-tous");
        assert_eq!(term_slug("ការសិក្សា"), "ការសិក្សា");
        assert_eq!(term_slug("ការសិក្សា ពេញមួយជីវិត!"), "ការសិក្សា-ពេញមួយជីវិត");
        assert_eq!(term_slug("“…”"), "");
        assert!(!term_slug("ក/ខ?គ#ឃ%").contains(['/', '?', '#', '%']));
    }
    use unicode_normalization::UnicodeNormalization;

    const GOLDEN: [(&str, &str); 8] = [
        (
            "Góp phần đẩy mạnh khuyến học, khuyến tài, xây dựng xã hội học tập",
            "gop-phan-day-manh-khuyen-hoc-khuyen-tai-xay-dung-xa-hoi-hoc-tap",
        ),
        ("Đảng ủy Khối", "dang-uy-khoi"),
        ("Kết luận 49-KL/TW", "ket-luan-49-kl-tw"),
        ("Nguyễn Thị Doan", "nguyen-thi-doan"),
        ("ĐẢNG ỦY KHỐI CÁC CƠ QUAN TRUNG ƯƠNG", "dang-uy-khoi-cac-co-quan-trung-uong"),
        ("“Công dân học tập” – “Gia đình học tập”", "cong-dan-hoc-tap-gia-dinh-hoc-tap"),
        ("Thứ Năm, 15/09/2022", "thu-nam-15-09-2022"),
        ("\u{d0}ảng", "dang"),
    ];

    fn assert_slug_shape(s: &str) {
        assert!(s.len() <= MAX_LEN, "{s}");
        assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{s}");
        assert!(!s.starts_with('-') && !s.ends_with('-') && !s.contains("--"), "{s}");
    }

    #[test]
    fn golden_nfc() {
        for (input, want) in GOLDEN {
            assert_eq!(slugify(input), want, "{input}");
        }
    }

    #[test]
    fn golden_nfd() {
        for (input, want) in GOLDEN {
            let nfd: String = input.nfd().collect();
            assert_eq!(slugify(&nfd), want, "NFD {input}");
        }
    }

    #[test]
    fn golden_eth_is_u00d0() {
        assert_eq!(GOLDEN[7].0.chars().next(), Some('\u{d0}'));
    }

    #[test]
    fn tone_styles_and_collisions() {
        assert_eq!(slugify("Đảng uỷ Khối"), "dang-uy-khoi");
        assert_eq!(slugify("Hiệp Hoà"), slugify("Hiệp Hòa"));
        // Folding loses tones: these collide on purpose; the caller reports collisions.
        assert_eq!(slugify("học"), slugify("hóc"));
        assert_eq!(slugify("bạn"), slugify("bán"));
        assert_eq!(slugify("đường"), slugify("dương"));
    }

    #[test]
    fn never_a_path_and_may_be_empty() {
        assert!(!slugify("30/2020/NĐ-CP").contains('/'));
        assert_eq!(slugify("30/2020/NĐ-CP"), "30-2020-nd-cp");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("“…” – !"), "");
        assert_eq!(slugify(""), "");
        assert_eq!(slugify("  --Học  tập--  "), "hoc-tap");
        assert_eq!(slugify("Xã\u{a0}hội\thọc\ntập"), "xa-hoi-hoc-tap");
    }

    #[test]
    fn long_titles_cut_at_word_boundary() {
        let title = "Khuyến học, khuyến tài, xây dựng xã hội học tập ".repeat(6);
        // Reference: the uncapped slug.
        let full = ["khuyen-hoc-khuyen-tai-xay-dung-xa-hoi-hoc-tap"; 6].join("-");
        let s = slugify(&title);
        assert_slug_shape(&s);
        assert!(full.starts_with(&s));
        assert_eq!(full.as_bytes()[s.len()], b'-', "cut inside a word: {s}");
        assert!(s.len() > MAX_LEN - 12, "cut too early: {s}");
        assert_eq!(slugify(&title.nfd().collect::<String>()), s);
    }

    #[test]
    fn exact_boundary_and_long_word() {
        // "b" would end at byte 121: it is dropped whole.
        let w = "a".repeat(59);
        let input = format!("{w} {w} b c");
        let s = slugify(&input);
        assert_eq!(s, format!("{w}-{w}"));
        assert_eq!(s.len(), 119);
        // A word ending exactly at byte 120 is kept.
        let exact = format!("{w} {w}x y");
        assert_eq!(slugify(&exact), format!("{w}-{w}x"));
        assert_eq!(slugify(&exact).len(), MAX_LEN);
        // One word longer than the limit is cut hard.
        let long = "x".repeat(300);
        assert_eq!(slugify(&long), "x".repeat(MAX_LEN));
    }

    #[test]
    fn all_outputs_are_well_formed() {
        for input in
            ["Góp phần đẩy mạnh khuyến học", "ĐẢNG ỦY — “KHỐI”", "Ærø ß µ 中文 Łódź", "-", "a-", "  "]
        {
            assert_slug_shape(&slugify(input));
        }
    }
}
