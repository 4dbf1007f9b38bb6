//! The text rules: about characters and words, whatever Markdown surrounds them. Text mixing
//! NFC and NFD (on the raw bytes, as the load normalises), tone marks placed against the
//! site's `tone_style`, the forbidden phrases of `editorial.forbidden` (errors), and the
//! invisible bidi and zero-width controls looked for in titles and summaries.
//!
//! Takes a file's text (front matter included: a phrase in a title is found at its line) and,
//! for tone style and editorial phrases, the byte ranges of its code (`markdown::scan_body`
//! finds them): a word or phrase wholly inside code is code, not prose, and is skipped. Gives
//! diagnostics at file line:column, counted on the text itself, so skipping code moves none.
//! Must not parse Markdown, read files or know about pages.

use std::ops::Range;

use regex::Regex;

use crate::config::{Config, ForbiddenPhrase, ToneStyle};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// Text mixing NFC and NFD (a paste from a Mac into a file typed on Windows): the first
/// decomposed character, when the file also holds precomposed letters.
pub fn check_normalization(raw: &[u8], file: &str) -> Diagnostics {
    let Ok(text) = std::str::from_utf8(raw) else {
        return Diagnostics::new();
    };
    if crate::vi::nfc::is_nfc(text) {
        return Diagnostics::new();
    }
    let composed = text
        .chars()
        .any(|c| !c.is_ascii() && crate::vi::nfc(&c.to_string()).chars().count() == 1 && !is_combining(c));
    for (i, line) in text.lines().enumerate() {
        if let Some(col) = line.chars().position(is_combining) {
            let (msg, hint) = if composed {
                (
                    "văn bản trộn hai dạng mã Unicode (NFC và NFD): chữ có dấu trông giống nhau nhưng tìm kiếm và so sánh sẽ khác",
                    "lưu lại tệp ở dạng NFC (dạng dựng sẵn); loa đã chuẩn hóa khi dựng trang, nhưng tệp gốc vẫn trộn",
                )
            } else {
                (
                    "văn bản ở dạng NFD (dấu tách rời chữ, thường do sao chép từ máy Mac)",
                    "lưu lại tệp ở dạng NFC (dạng dựng sẵn)",
                )
            };
            return Diagnostic::warning("unicode-form", Location::at(file, i + 1, col.max(1)), msg)
                .with_hint(hint)
                .into();
        }
    }
    Diagnostics::new()
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF)
}

/// `oa`, `oe`, `uy` syllables with the tone on the first vowel (old style) or second (new).
const OLD_O: [char; 5] = ['ò', 'ó', 'ỏ', 'õ', 'ọ'];
const OLD_U: [char; 5] = ['ù', 'ú', 'ủ', 'ũ', 'ụ'];
const NEW_A: [char; 5] = ['à', 'á', 'ả', 'ã', 'ạ'];
const NEW_E: [char; 5] = ['è', 'é', 'ẻ', 'ẽ', 'ẹ'];
const NEW_Y: [char; 5] = ['ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ'];

/// The word in the other tone style, when it is an open `oa`/`oe`/`uy` syllable with a tone
/// mark (lower case): `hòa` → (Old, `hoà`), `khoẻ` → (New, `khỏe`). `qu` + `y` is not one.
pub fn tone_variant(word: &str) -> Option<(ToneStyle, String)> {
    let w: Vec<char> = word.chars().collect();
    let n = w.len();
    if n < 2 {
        return None;
    }
    if n > 2 {
        let p = w[n - 3];
        if p == 'q' || "aeiouy".contains(crate::vi::fold(&p.to_string()).as_str()) {
            return None;
        }
    }
    let (a, b) = (w[n - 2], w[n - 1]);
    let swap = |first: char, second: char| {
        let mut out: String = w[..n - 2].iter().collect();
        out.push(first);
        out.push(second);
        out
    };
    if let Some(t) = OLD_O.iter().position(|&c| c == a) {
        return match b {
            'a' => Some((ToneStyle::Old, swap('o', NEW_A[t]))),
            'e' => Some((ToneStyle::Old, swap('o', NEW_E[t]))),
            _ => None,
        };
    }
    if let Some(t) = OLD_U.iter().position(|&c| c == a) {
        return (b == 'y').then(|| (ToneStyle::Old, swap('u', NEW_Y[t])));
    }
    match a {
        'o' => NEW_A
            .iter()
            .position(|&c| c == b)
            .or_else(|| NEW_E.iter().position(|&c| c == b))
            .map(|t| (ToneStyle::New, swap(OLD_O[t], if NEW_A.contains(&b) { 'a' } else { 'e' }))),
        'u' => NEW_Y.iter().position(|&c| c == b).map(|t| (ToneStyle::New, swap(OLD_U[t], 'y'))),
        _ => None,
    }
}

/// The byte ranges of a text that are code, in order, asked about with growing offsets.
struct Code<'a>(&'a [Range<usize>]);

impl Code<'_> {
    /// Whether `span` lies wholly inside one range of code. Ranges ending before `span` are
    /// passed over for good: the next question must not start before this one.
    fn holds(&mut self, span: Range<usize>) -> bool {
        while let Some(r) = self.0.first()
            && r.end <= span.start
        {
            self.0 = &self.0[1..];
        }
        self.0.first().is_some_and(|r| r.start <= span.start && span.end <= r.end)
    }
}

/// Words written in the other tone style than the site's `tone_style`, outside `code` (byte
/// ranges of `text`, in order).
pub fn check_tone(text: &str, file: &str, style: ToneStyle, code: &[Range<usize>]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let want = match style {
        ToneStyle::Old => "kiểu cũ (hòa, khỏe, thủy)",
        ToneStyle::New => "kiểu mới (hoà, khoẻ, thuỷ)",
    };
    let mut code = Code(code);
    let (mut line, mut col) = (1, 0);
    // The word being read, and where it starts: byte and column.
    let mut word = String::new();
    let (mut start, mut start_col) = (0, 0);
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), '\n'))) {
        col += 1;
        if c.is_alphabetic() {
            if word.is_empty() {
                (start, start_col) = (i, col);
            }
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            let lower = word.to_lowercase();
            if let Some((found, other)) = tone_variant(&lower)
                && found != style
                && !code.holds(start..i)
            {
                diags.push(
                    Diagnostic::warning(
                        "tone-style",
                        Location::at(file, line, start_col),
                        format!("`{word}` bỏ dấu khác kiểu của trang: loa.yaml chọn {want}"),
                    )
                    .with_hint(format!("viết `{other}`")),
                );
            }
            word.clear();
        }
        if c == '\n' {
            (line, col) = (line + 1, 0);
        }
    }
    diags
}

/// The forbidden phrases of `editorial.forbidden`, each made a pattern once for all files:
/// its words in NFC, with any white space between them (a line break may fall inside).
pub struct Editorial<'a> {
    rules: Vec<(Regex, &'a ForbiddenPhrase)>,
}

impl<'a> Editorial<'a> {
    /// The patterns of the config's phrases (an empty phrase has none).
    pub fn new(config: &'a Config) -> Self {
        let rules = config
            .editorial
            .forbidden
            .iter()
            .filter_map(|rule| {
                let words: Vec<String> =
                    crate::vi::nfc(&rule.phrase).split_whitespace().map(regex::escape).collect();
                if words.is_empty() {
                    return None;
                }
                Some((Regex::new(&words.join(r"\s+")).ok()?, rule))
            })
            .collect();
        Editorial { rules }
    }

    /// The phrases wherever they appear in the file (title, summary, body), except wholly
    /// inside `code` (byte ranges of `text`, in order): errors, with the correction as hint.
    pub fn check(&self, text: &str, file: &str, code: &[Range<usize>]) -> Diagnostics {
        let mut diags = Diagnostics::new();
        for (re, rule) in &self.rules {
            let mut code = Code(code);
            for m in re.find_iter(text) {
                if code.holds(m.range()) {
                    continue;
                }
                let before = &text[..m.start()];
                let line = before.matches('\n').count() + 1;
                let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                let mut d = Diagnostic::error(
                    "editorial",
                    Location::at(file, line, col),
                    format!("cụm từ bị cấm theo quy định biên tập: `{}`", rule.phrase),
                );
                if !rule.hint.is_empty() {
                    d = d.with_hint(rule.hint.clone());
                }
                diags.push(d);
            }
        }
        diags
    }
}

/// Zero-width and bidi controls (Trojan-source style spoofing), which are invisible in a title.
pub fn invisible_controls(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| {
            matches!(*c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x2069 | 0xFEFF)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The editorial rules of `config` over `text`, without code.
    fn check_editorial(config: &Config, text: &str, file: &str) -> Diagnostics {
        Editorial::new(config).check(text, file, &[])
    }

    #[test]
    fn tone_variants_both_ways() {
        assert_eq!(tone_variant("hòa"), Some((ToneStyle::Old, "hoà".into())));
        assert_eq!(tone_variant("khoẻ"), Some((ToneStyle::New, "khỏe".into())));
        assert_eq!(tone_variant("thủy"), Some((ToneStyle::Old, "thuỷ".into())));
        assert_eq!(tone_variant("uỷ"), Some((ToneStyle::New, "ủy".into())));
        for same in ["quý", "hoàn", "hoa", "toán", "khuyến", "a"] {
            assert_eq!(tone_variant(same), None, "{same}");
        }
    }

    #[test]
    fn editorial_phrase_across_a_line_break() {
        let mut config =
            Config::parse("title: T\nbase_url: https://x.vn\n", Path::new("/s"), &Default::default())
                .expect("config");
        config.editorial.forbidden.push(crate::config::ForbiddenPhrase {
            phrase: "Kết luận 49 của Bộ Chính trị".into(),
            hint: "Ban Bí thư".into(),
        });
        let d =
            check_editorial(&config, "---\ntitle: x\n---\nTheo Kết luận 49 của\nBộ Chính trị, ...\n", "f");
        assert_eq!(d.0[0].location, Some(Location::at("f", 4, 6)));
        assert_eq!(d.0[0].hint.as_deref(), Some("Ban Bí thư"));
    }

    #[test]
    fn nfc_nfd_mix_is_found_at_its_line() {
        let d = check_normalization("Học tập\nho\u{323}c\n".as_bytes(), "f");
        assert_eq!(d.0[0].location, Some(Location::at("f", 2, 2)));
        assert!(check_normalization("Học tập\n".as_bytes(), "f").is_empty());
    }

    #[test]
    fn code_is_skipped_only_when_it_holds_the_whole_word_or_phrase() {
        let text = "hoà hoà hoà\nKết luận 49 và Kết luận 49\n";
        // The second word; `luận` of the first phrase; the whole second phrase.
        let at = |from: usize, s: &str| {
            let i = from + text[from..].find(s).expect("in text");
            i..i + s.len()
        };
        let code = [at(4, "hoà"), at(0, "luận"), at(22, "Kết luận 49")];
        let d = check_tone(text, "f", ToneStyle::Old, &code);
        let cols: Vec<_> = d.iter().filter_map(|d| d.location.as_ref().map(|l| (l.line, l.column))).collect();
        assert_eq!(cols, [(1, 1), (1, 9)]);
        let mut config =
            Config::parse("title: T\nbase_url: https://x.vn\n", Path::new("/s"), &Default::default())
                .expect("config");
        config
            .editorial
            .forbidden
            .push(crate::config::ForbiddenPhrase { phrase: "Kết luận 49".into(), hint: String::new() });
        let d = Editorial::new(&config).check(text, "f", &code);
        let cols: Vec<_> = d.iter().filter_map(|d| d.location.as_ref().map(|l| (l.line, l.column))).collect();
        assert_eq!(cols, [(2, 1)]);
    }
}
