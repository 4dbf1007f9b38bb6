//! Longer than 600 lines: every reading works on the same word and its neighbours (the
//! scanner's `Out` and the previous and next words), and a third of the file is its tests.
//!
//! Text spelled out to be read aloud (bulletins, issue 26): numbers, decimals, percent,
//! ranges, signs, units, ordinals, Roman numerals, dates, times, document codes,
//! abbreviations, phone numbers, addresses and symbols become Vietnamese words.
//!
//! Takes: one run of plain text (a sentence or a paragraph, NFC), a [`Speaker`] (the dialect,
//! the site's abbreviations, the document registry as a lookup).
//! Gives: the text to read ([`Spoken::text`]) and what could not be read with certainty
//! ([`Problem`]: a token it cannot spell out, a number that can be read two ways).
//! Must not: touch the file system, panic on any input, or drop words it does not know (they
//! are kept as written and reported).
//!
//! The conventions (a choice where usage varies, written in docs/huong-dan/truyen-thanh.md):
//! `/` between words is read "trên"; a range `10-15` "mười đến mười lăm"; the days 1–10 of a
//! month with "mùng"; an address (URL, e-mail) as a short phrase, not letter by letter.

use std::sync::LazyLock;

use regex::Regex;

use super::numbers::{self, Dialect};

/// What a document code of the registry reads as: its type (`Kết luận`) and issuer
/// (`Ban Bí thư`), as written (the issuer is spelled out in turn: `khóa XII`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    /// The document type, capitalised as in a sentence (`Kết luận`).
    pub kind: String,
    /// The issuing body (`Ban Bí thư`).
    pub issuer: String,
}

/// How to read: the dialect, the site's own abbreviations, the document registry.
pub struct Speaker<'a> {
    /// Northern or southern number words.
    pub dialect: Dialect,
    /// The site's abbreviations (`bulletin.abbreviations`), before the built-in table.
    pub abbreviations: &'a [(String, String)],
    /// A document code (as written) → its registry entry, if registered.
    pub documents: &'a (dyn Fn(&str) -> Option<Registered> + Sync),
}

/// Something read without certainty.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Problem {
    /// A token it cannot spell out (kept as written): an abbreviation not in the tables, a
    /// mix of letters and digits.
    Unknown(String),
    /// A number that can be read two ways: the token, the reading used, the other one.
    TwoWays(String, String, String),
}

/// The text to read and its problems.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spoken {
    /// Words separated by single spaces, punctuation kept after the word it follows.
    pub text: String,
    /// What could not be read with certainty, in order.
    pub problems: Vec<Problem>,
}

pub use super::spell_tables::{ABBREVIATIONS, DOCUMENT_TYPES, ISSUERS};
use super::spell_tables::{ROMAN_CUES, UNITS};

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(\d{1,3}(?:\.\d{3})+)(?:,(\d+))?|(\d+)(?:,(\d+))?|(\d+)\.(\d+))$").expect("static regex")
});
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,2})/(\d{1,2})(?:[-–](\d{1,2})/(\d{1,2}))?/(\d{4})$").expect("static regex")
});
static DATE_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,2})/(\d{1,2})/(\d{4})[-–](\d{1,2})/(\d{1,2})/(\d{4})$").expect("static regex")
});
static DAY_RANGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,2})[-–](\d{1,2})/(\d{1,2})/(\d{4})$").expect("static regex"));
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\d+)/(\d+)$").expect("static regex"));
static MONTH_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,2})/(\d{4})$").expect("static regex"));
static TIME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,2})(?:h|g|:)(\d{2})?(?:p|')?$").expect("static regex"));
static DOC_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d+)(?:/(\d{4}))?((?:[-/]\p{L}+)+)$").expect("static regex"));
static PHONE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:\+84|0)\d{8,10}$").expect("static regex"));
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$").expect("static regex"));

/// Characters dropped or turned into a pause before a word.
fn is_lead(c: char) -> bool {
    matches!(c, '“' | '"' | '(' | '[' | '«' | '‘' | '\'' | '„')
}

/// Characters after a word: punctuation kept, quotes dropped, brackets turned into a pause.
fn is_trail(c: char) -> bool {
    matches!(c, '”' | '"' | ')' | ']' | '»' | '’' | '\'' | '.' | ',' | ';' | ':' | '!' | '?' | '…')
}

/// Spells `text` out.
pub fn speak(text: &str, speaker: &Speaker<'_>) -> Spoken {
    let parts: Vec<(&str, &str, &str)> =
        super::reading::words(text).map(|w| split_word(w, speaker)).collect();
    // Most words are read as written: the text is about as long as what was written.
    let mut out = Out {
        buf: String::with_capacity(text.len() + text.len() / 4),
        starts: Vec::with_capacity(parts.len()),
        problems: Vec::new(),
    };
    let mut i = 0;
    while i < parts.len() {
        let (lead, core, trail) = parts[i];
        if lead.chars().any(|c| matches!(c, '(' | '[')) {
            out.pause();
        }
        let used = word(&parts, i, speaker, &mut out);
        let trail = if used > 1 { parts[i + used - 1].2 } else { trail };
        out.trail(trail);
        let _ = core;
        i += used;
    }
    let problems = std::mem::take(&mut out.problems);
    Spoken { text: out.text(), problems }
}

/// Splits a word into its leading quotes and brackets, its core, and its trailing
/// punctuation (an abbreviation's own dot stays in the core: `TP.`, `v.v.`).
fn split_word<'w>(w: &'w str, speaker: &Speaker<'_>) -> (&'w str, &'w str, &'w str) {
    let start = w.find(|c: char| !is_lead(c)).unwrap_or(w.len());
    let (lead, rest) = w.split_at(start);
    let mut end = rest.trim_end_matches(is_trail).len();
    // A symbol alone (`…`, `–`) is its own core.
    if end == 0 {
        return (lead, rest, "");
    }
    while end < rest.len() && rest[end..].starts_with('.') && abbreviation(&rest[..=end], speaker).is_some() {
        end += 1;
    }
    (lead, &rest[..end], &rest[end..])
}

/// The reading of an abbreviation (the site's first).
fn abbreviation<'s>(core: &str, speaker: &'s Speaker<'_>) -> Option<&'s str> {
    speaker
        .abbreviations
        .iter()
        .find(|(k, _)| k == core)
        .map(|(_, v)| v.as_str())
        .or_else(|| ABBREVIATIONS.iter().find(|(k, _)| *k == core).map(|(_, v)| *v))
}

/// The text being made: one buffer, and where each piece pushed starts (a piece may be several
/// words: "hai mươi mốt").
#[derive(Default)]
struct Out {
    buf: String,
    starts: Vec<usize>,
    problems: Vec<Problem>,
}

const STOPS: [char; 6] = [',', '.', ';', ':', '!', '?'];

impl Out {
    fn push(&mut self, s: impl AsRef<str>) {
        let s = s.as_ref();
        if s.is_empty() {
            return;
        }
        if !self.buf.is_empty() {
            self.buf.push(' ');
        }
        self.starts.push(self.buf.len());
        self.buf.push_str(s);
    }

    /// Piece `k`, with the punctuation after it.
    fn piece(&self, k: usize) -> Option<&str> {
        let start = *self.starts.get(k)?;
        let end = self.starts.get(k + 1).map_or(self.buf.len(), |&e| e - 1);
        Some(&self.buf[start..end])
    }

    fn last(&self) -> Option<&str> {
        self.starts.len().checked_sub(1).and_then(|k| self.piece(k))
    }

    /// The last `n` pieces.
    fn tail(&self, n: usize) -> &str {
        self.starts.len().checked_sub(n.max(1)).map_or(&self.buf[..], |k| &self.buf[self.starts[k]..])
    }

    fn last_word_lower(&self) -> String {
        self.last().map(str::to_lowercase).unwrap_or_default()
    }

    /// A pause: a comma after the last word, if it ends with no punctuation.
    fn pause(&mut self) {
        if self.last().is_some_and(|l| !l.ends_with(STOPS)) {
            self.buf.push(',');
        }
    }

    fn trail(&mut self, trail: &str) {
        for c in trail.chars() {
            match c {
                '.' if trail.contains("...") => self.pause(),
                '.' | ',' | ';' | ':' | '!' | '?' => match self.last() {
                    Some(l) if !l.ends_with(STOPS) => self.buf.push(c),
                    Some(l) if l.ends_with(',') && c != ',' => {
                        self.buf.pop();
                        self.buf.push(c);
                    }
                    _ => {}
                },
                ')' | ']' | '…' => self.pause(),
                _ => {}
            }
        }
    }

    fn text(self) -> String {
        self.buf
    }
}

/// Reads the word at `i` (and the words after it that belong to it: a phone number written in
/// groups, a unit); returns how many words it used.
fn word(parts: &[(&str, &str, &str)], i: usize, speaker: &Speaker<'_>, out: &mut Out) -> usize {
    let d = speaker.dialect;
    let core = parts[i].1;
    if core.is_empty() {
        return 1;
    }
    // Most words are plain words (letters, a capital at most at the start, not a lone capital):
    // nothing to read in them, unless the site spells them its own way.
    if plain_word(core) && speaker.abbreviations.is_empty() {
        out.push(core);
        return 1;
    }
    let next = parts.get(i + 1).map(|p| p.1).unwrap_or("");
    let prev = out.last_word_lower();
    let prev = prev.trim_end_matches([',', '.', ';', ':']);
    // Symbols alone.
    let symbol = match core {
        "&" => Some("và"),
        "/" => Some("trên"),
        "+" => Some("cộng"),
        "=" => Some("bằng"),
        _ => None,
    };
    if let Some(word) = symbol {
        out.push(word);
        return 1;
    }
    if matches!(core, "…" | "..." | "–" | "—" | "-") {
        out.pause();
        return 1;
    }
    if core.starts_with("…") || core.chars().all(|c| c == '.' || c == '…') {
        out.pause();
        return 1;
    }
    // Addresses.
    if core.contains("://") || core.starts_with("www.") {
        out.push("địa chỉ trang web");
        return 1;
    }
    if core.contains('@') && EMAIL.is_match(core) {
        out.push("địa chỉ thư điện tử");
        return 1;
    }
    // Phone numbers, written whole or in groups of digits.
    if let Some(used) = phone(parts, i, out) {
        return used;
    }
    // A weekday written short before a date (`T2, 15/9/2022`, `CN 20/9`): only there, since
    // `T2` or `CN` elsewhere may be something else.
    if next.starts_with(|c: char| c.is_ascii_digit()) && next.contains('/') {
        let day = match core {
            "T2" => Some("thứ hai"),
            "T3" => Some("thứ ba"),
            "T4" => Some("thứ tư"),
            "T5" => Some("thứ năm"),
            "T6" => Some("thứ sáu"),
            "T7" => Some("thứ bảy"),
            "CN" => Some("chủ nhật"),
            _ => None,
        };
        if let Some(day) = day {
            out.push(day);
            return 1;
        }
    }
    if let Some(reading) = abbreviation(core, speaker) {
        out.push(reading);
        return 1;
    }
    if let Some(reading) = document_code(core, parts, i, speaker, out) {
        out.push(reading);
        return 1;
    }
    if let Some(used) = date_or_time(core, next, prev, d, out) {
        return used;
    }
    if let Some(used) = number_word(parts, i, prev, speaker, out) {
        return used;
    }
    if let Some(n) = numbers::roman(core) {
        let cue = ROMAN_CUES.contains(&prev);
        let plain_letters = core.len() >= 2 && core.chars().all(|c| matches!(c, 'I' | 'V' | 'X'));
        if cue || plain_letters {
            out.push(if prev == "thứ" { numbers::ordinal(n, d) } else { numbers::integer(n, d) });
            return 1;
        }
    }
    // `km/h`, `người/tháng`: read with "trên" between the words.
    for (sign, word) in [('/', " trên "), ('&', " và ")] {
        if core.contains(sign)
            && core.split(sign).all(|p| !p.is_empty())
            && (sign == '&' || !core.chars().any(|c| c.is_ascii_digit()))
        {
            let pieces: Vec<String> = core
                .split(sign)
                .map(|p| {
                    let spoken = speak(p, speaker);
                    out.problems.extend(spoken.problems);
                    spoken.text
                })
                .collect();
            out.push(pieces.join(word));
            return 1;
        }
    }
    if looks_unspeakable(core) {
        out.problems.push(Problem::Unknown(core.to_string()));
    }
    out.push(core);
    1
}

/// Letters only, a capital at most as the first of two or more (`Hội`, `khuyến`; not `XII`,
/// `ThS`, `V`).
fn plain_word(core: &str) -> bool {
    let mut chars = core.chars();
    let Some(first) = chars.next() else { return false };
    let mut len = 1;
    for c in chars {
        if c.is_ascii_digit() || !super::is_alphanumeric(c) || super::is_uppercase(c) {
            return false;
        }
        len += 1;
    }
    !first.is_ascii_digit() && super::is_alphanumeric(first) && (len > 1 || !super::is_uppercase(first))
}

/// An abbreviation, or digits no reading took: two capitals or more that are not a
/// Vietnamese syllable written in capitals (`BQL`, not `VIỆT`), or any digit (`COVID-19`,
/// `F0`, `1.2501`).
fn looks_unspeakable(core: &str) -> bool {
    let upper = core.chars().filter(|c| c.is_uppercase()).count();
    (upper >= 2 && !SYLLABLE.is_match(&core.to_lowercase())) || core.chars().any(|c| c.is_ascii_digit())
}

/// One Vietnamese syllable: an initial consonant (or none), vowels, a final consonant (or
/// none).
static SYLLABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x)?[aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ]{1,3}(?:ng|nh|ch|c|m|n|p|t)?$",
    )
    .expect("static regex")
});

/// A phone number: `0912345678`, `+84912345678`, `0912 345 678`, `0912.345.678`: digit by
/// digit.
fn phone(parts: &[(&str, &str, &str)], i: usize, out: &mut Out) -> Option<usize> {
    let core = parts[i].1;
    // Every phone number starts with 0 or +.
    if !core.starts_with(['0', '+']) {
        return None;
    }
    let flat: String = core.chars().filter(|&c| c != '.').collect();
    if PHONE.is_match(&flat) && (core.len() == flat.len() || core.starts_with('0')) {
        out.push(phone_words(&flat));
        return Some(1);
    }
    if !core.starts_with('0') || core.len() < 3 || core.len() > 4 || !core.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // Groups: `0912 345 678`, `024 3823 4567`.
    let mut digits = core.to_string();
    let mut used = 1;
    while digits.len() < 11 {
        let Some(&(_, next, _)) = parts.get(i + used) else { break };
        if !(3..=4).contains(&next.len()) || !next.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        // Punctuation after a group ends the number.
        digits.push_str(next);
        used += 1;
        if !parts[i + used - 1].2.is_empty() {
            break;
        }
    }
    (used > 1 && (10..=11).contains(&digits.len())).then(|| {
        out.push(phone_words(&digits));
        used
    })
}

fn phone_words(digits: &str) -> String {
    match digits.strip_prefix("+84") {
        Some(rest) => format!("cộng tám tư {}", numbers::digits(rest)),
        None => numbers::digits(digits),
    }
}

/// A document code: from the registry, or from the tables of types and issuers.
fn document_code(
    core: &str,
    parts: &[(&str, &str, &str)],
    i: usize,
    speaker: &Speaker<'_>,
    out: &mut Out,
) -> Option<String> {
    // A code has a digit, then `-` or `/` (the regular expressions cost more than this test).
    if !core.starts_with(|c: char| c.is_ascii_digit()) || !core.contains(['-', '/']) {
        return None;
    }
    let caps = DOC_CODE.captures(core)?;
    let d = speaker.dialect;
    let number = numbers::integer_str(&caps[1], d)?;
    let year = caps.get(2).and_then(|y| numbers::integer_str(y.as_str(), d));
    let letters: Vec<&str> = caps[3].split(['-', '/']).filter(|s| !s.is_empty()).collect();
    let (kind, issuer) = match (speaker.documents)(core) {
        Some(r) => (r.kind, speak(&r.issuer, speaker).text),
        None => {
            let (kind, rest) = match letters.split_first() {
                Some((first, rest)) => match DOCUMENT_TYPES.iter().find(|(k, _)| k == first) {
                    Some((_, name)) => (name.to_string(), rest),
                    None => (String::new(), &letters[..]),
                },
                None => (String::new(), &letters[..]),
            };
            let mut issuers = Vec::new();
            for piece in rest {
                match ISSUERS.iter().find(|(k, _)| k == piece) {
                    Some((_, name)) => issuers.push(name.to_string()),
                    None => {
                        out.problems.push(Problem::Unknown(core.to_string()));
                        issuers.push(piece.to_string());
                    }
                }
            }
            if kind.is_empty() {
                out.problems.push(Problem::Unknown(core.to_string()));
                return None;
            }
            (kind, issuers.join(" "))
        }
    };
    // "Kết luận số 49-KL/TW": the type and "số" are already said.
    let said = out.tail(4).to_lowercase();
    let kind_lower = kind.to_lowercase();
    let mut reading = if said.ends_with(&format!("{kind_lower} số")) {
        number
    } else if said.ends_with(&kind_lower) {
        format!("số {number}")
    } else {
        format!("{kind} số {number}")
    };
    if let Some(y) = year {
        reading.push_str(&format!(" năm {y}"));
    }
    // The issuer, unless the sentence names one right after ("… ngày 13/4/2007 của Bộ Chính
    // trị"), or the text ends the code's sentence here.
    let names_its_own = parts[i + 1..].iter().take(6).any(|p| p.1 == "của");
    if !issuer.is_empty() && !names_its_own {
        reading.push_str(&format!(" của {issuer}"));
    }
    Some(reading)
}

/// Dates (`15/9/2022`, `15-20/9/2022`, `15/9-20/10/2022`, `30/12/2022–2/1/2023`, `9/2022`,
/// `15/9`) and times
/// (`8h30`, `8:30`, `8 giờ 30`).
fn date_or_time(core: &str, next: &str, prev: &str, d: Dialect, out: &mut Out) -> Option<usize> {
    let num = |s: &str| s.parse::<u64>().ok();
    let ngay = if prev == "ngày" { "" } else { "ngày " };
    // Every form starts with a digit; a date has a `/`, a time an `h`, `g` or `:`.
    if !core.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if !core.contains('/') {
        return time(core, d, out);
    }
    if let Some(c) = DATE.captures(core) {
        let (day, month, year) = (num(&c[1])?, num(&c[2])?, &c[5]);
        let day_w = numbers::day(day, d)?;
        let month_w = numbers::month(month, d)?;
        let year_w = numbers::integer_str(year, d)?;
        if let (Some(d2), Some(m2)) = (c.get(3), c.get(4)) {
            let day2 = numbers::day(num(d2.as_str())?, d)?;
            let month2 = numbers::month(num(m2.as_str())?, d)?;
            out.push(format!("{ngay}{day_w} tháng {month_w} đến ngày {day2} tháng {month2} năm {year_w}"));
        } else {
            out.push(format!("{ngay}{day_w} tháng {month_w} năm {year_w}"));
        }
        return Some(1);
    }
    // Across a year's end: each date whole.
    if let Some(c) = DATE_RANGE.captures(core) {
        let mut dates = Vec::with_capacity(2);
        for k in [1, 4] {
            let day = numbers::day(num(&c[k])?, d)?;
            let month = numbers::month(num(&c[k + 1])?, d)?;
            let year = numbers::integer_str(&c[k + 2], d)?;
            dates.push(format!("{day} tháng {month} năm {year}"));
        }
        out.push(format!("{ngay}{} đến ngày {}", dates[0], dates[1]));
        return Some(1);
    }
    if let Some(c) = DAY_RANGE.captures(core) {
        let day1 = numbers::day(num(&c[1])?, d)?;
        let day2 = numbers::day(num(&c[2])?, d)?;
        let month_w = numbers::month(num(&c[3])?, d)?;
        let year_w = numbers::integer_str(&c[4], d)?;
        out.push(format!("{ngay}{day1} đến ngày {day2} tháng {month_w} năm {year_w}"));
        return Some(1);
    }
    if let Some(c) = MONTH_YEAR.captures(core) {
        let month_w = numbers::month(num(&c[1])?, d)?;
        let year_w = numbers::integer_str(&c[2], d)?;
        let thang = if prev == "tháng" { "" } else { "tháng " };
        out.push(format!("{thang}{month_w} năm {year_w}"));
        return Some(1);
    }
    if let Some(c) = DAY_MONTH.captures(core) {
        let (a, b) = (num(&c[1])?, num(&c[2])?);
        let (Some(day_w), Some(month_w)) = (numbers::day(a, d), numbers::month(b, d)) else {
            // `50/100`: a ratio.
            out.push(format!("{} trên {}", numbers::integer(a, d), numbers::integer(b, d)));
            return Some(1);
        };
        let reading = format!("{ngay}{day_w} tháng {month_w}");
        if !matches!(prev, "ngày" | "hôm" | "từ" | "đến" | "sáng" | "chiều" | "tối" | "trưa") {
            out.problems.push(Problem::TwoWays(
                core.to_string(),
                reading.clone(),
                format!("{} trên {}", numbers::integer(a, d), numbers::integer(b, d)),
            ));
        }
        out.push(reading);
        return Some(1);
    }
    let _ = next;
    None
}

/// A time: `8h30`, `8g30`, `8:30`, `20h`.
fn time(core: &str, d: Dialect, out: &mut Out) -> Option<usize> {
    if !core.contains(['h', 'g', ':']) {
        return None;
    }
    let num = |s: &str| s.parse::<u64>().ok();
    if let Some(c) = TIME.captures(core)
        && core.bytes().any(|b| !b.is_ascii_digit())
    {
        let h = num(&c[1]).filter(|&h| h < 24)?;
        let m = match c.get(2) {
            Some(m) => num(m.as_str()).filter(|&m| m < 60)?,
            None => 0,
        };
        let mut s = format!("{} giờ", numbers::integer(h, d));
        if m > 0 {
            s.push_str(&format!(" {} phút", numbers::integer(m, d)));
        }
        out.push(s);
        return Some(1);
    }
    None
}

/// Numbers: grouped (`2.500`), decimal (`1,5`), with a sign, percent or unit, ranges
/// (`2022–2026`, `10-15%`), ordinals (`thứ 4`), months (`tháng 4`), days (`ngày 5`), minutes
/// after an hour (`8 giờ 30`).
fn number_word(
    parts: &[(&str, &str, &str)],
    i: usize,
    prev: &str,
    speaker: &Speaker<'_>,
    out: &mut Out,
) -> Option<usize> {
    let d = speaker.dialect;
    let core = parts[i].1;
    let next = parts.get(i + 1).map(|p| p.1).unwrap_or("");
    if !core.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    // Sign.
    let (sign, body) = match core.chars().next() {
        Some('-' | '−') if core.len() > 1 => {
            ("âm ", &core[core.chars().next().map_or(1, char::len_utf8)..])
        }
        Some('+') => ("cộng ", &core[1..]),
        Some('±') => ("cộng trừ ", &core['±'.len_utf8()..]),
        _ => ("", core),
    };
    // Unit attached (`5km`, `25%`, `30°C`).
    let (body, unit) = match UNITS.iter().find(|(u, _)| body.len() > u.len() && body.ends_with(u)) {
        Some((u, reading)) => (&body[..body.len() - u.len()], Some(*reading)),
        None => (body, None),
    };
    // Range.
    let range: Vec<&str> = body.splitn(2, ['-', '–']).collect();
    let reading = if range.len() == 2 && sign.is_empty() {
        let a = plain_number(range[0], speaker, out)?;
        let b = plain_number(range[1], speaker, out)?;
        format!("{a} đến {b}")
    } else {
        let n = plain_number(body, speaker, out)?;
        match (prev, body.parse::<u64>().ok()) {
            ("thứ", Some(k)) => numbers::ordinal(k, d),
            ("tháng", Some(k)) if (1..=12).contains(&k) => numbers::month(k, d)?,
            ("ngày", Some(k)) if (1..=31).contains(&k) && matches!(next, "tháng" | "") => {
                numbers::day(k, d)?
            }
            _ => n,
        }
    };
    let mut s = format!("{sign}{reading}");
    let mut used = 1;
    if let Some(u) = unit {
        s.push_str(&format!(" {u}"));
    } else if parts[i].2.is_empty()
        && let Some((_, u)) = UNITS.iter().find(|(u, _)| *u == next)
    {
        s.push_str(&format!(" {u}"));
        used = 2;
    }
    // "8 giờ 30": the minutes said.
    let before = out.starts.len().checked_sub(2).and_then(|k| out.piece(k));
    if prev == "giờ"
        && before.is_some_and(|w| {
            numbers::parse_words(w).is_some() || w.split(' ').any(|x| numbers::parse_words(x).is_some())
        })
        && !matches!(next, "phút" | "phút,")
    {
        s.push_str(" phút");
    }
    out.push(s);
    Some(used)
}

/// A number without sign or unit, in words; `None` if it is not one.
fn plain_number(s: &str, speaker: &Speaker<'_>, out: &mut Out) -> Option<String> {
    let d = speaker.dialect;
    let c = NUMBER.captures(s)?;
    if let Some(grouped) = c.get(1) {
        let digits: String = grouped.as_str().chars().filter(|&c| c != '.').collect();
        return match c.get(2) {
            Some(frac) => numbers::decimal(&digits, frac.as_str(), d),
            None => numbers::integer_str(&digits, d).or_else(|| {
                out.problems.push(Problem::Unknown(s.to_string()));
                Some(numbers::digits(&digits))
            }),
        };
    }
    if let Some(int) = c.get(3) {
        return match c.get(4) {
            Some(frac) => {
                let reading = numbers::decimal(int.as_str(), frac.as_str(), d)?;
                // `1,250` may be an English thousands separator.
                if frac.as_str().len() == 3 {
                    let whole = format!("{}{}", int.as_str(), frac.as_str());
                    out.problems.push(Problem::TwoWays(
                        s.to_string(),
                        reading.clone(),
                        numbers::integer_str(&whole, d)?,
                    ));
                }
                Some(reading)
            }
            None => numbers::integer_str(int.as_str(), d).or_else(|| {
                out.problems.push(Problem::Unknown(s.to_string()));
                Some(numbers::digits(int.as_str()))
            }),
        };
    }
    // `1.5`: a decimal point written in the English way, or thousands cut short.
    let (int, frac) = (c.get(5)?.as_str(), c.get(6)?.as_str());
    let reading = numbers::decimal(int, frac, d)?;
    let other = format!("{} chấm {}", numbers::integer_str(int, d)?, numbers::digits(frac));
    out.problems.push(Problem::TwoWays(s.to_string(), reading.clone(), other));
    Some(reading)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(code: &str) -> Option<Registered> {
        (code == "49-KL/TW")
            .then(|| Registered { kind: "Kết luận".into(), issuer: "Ban Bí thư".into() })
    }

    pub(crate) fn say(text: &str) -> Spoken {
        speak(text, &Speaker { dialect: Dialect::Bac, abbreviations: &[], documents: &registry })
    }

    #[test]
    fn weekdays_written_short_are_read_only_before_a_date() {
        assert_eq!(
            say("T7, 19/9/2026").text,
            "thứ bảy, ngày mười chín tháng chín năm hai nghìn không trăm hai mươi sáu"
        );
        // Elsewhere `T7` or `CN` may be something else: left as written, and reported.
        let s = say("Lớp T7 và CN");
        assert_eq!(s.text, "Lớp T7 và CN");
        assert_eq!(s.problems.len(), 2, "{:?}", s.problems);
    }

    /// The rows of `testdata/readings.tsv`: dialects, written, read, note.
    pub(crate) fn table() -> Vec<(Vec<Dialect>, String, String, String)> {
        include_str!("testdata/readings.tsv")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let cols: Vec<&str> = l.split('\t').collect();
                let dialects = match cols[0] {
                    "bac" => vec![Dialect::Bac],
                    "nam" => vec![Dialect::Nam],
                    _ => vec![Dialect::Bac, Dialect::Nam],
                };
                (dialects, cols[1].to_string(), cols[2].to_string(), cols.get(3).unwrap_or(&"").to_string())
            })
            .collect()
    }

    #[test]
    fn the_table_of_readings() {
        let rows = table();
        assert!(rows.len() >= 200, "{} rows", rows.len());
        let mut wrong = Vec::new();
        for (dialects, written, read, note) in &rows {
            for &dialect in dialects {
                let s = speak(written, &Speaker { dialect, abbreviations: &[], documents: &registry });
                let warns = note.contains("cảnh báo");
                if s.text != *read || s.problems.is_empty() == warns {
                    wrong.push(format!(
                        "{dialect:?} {written:?}: {:?} {:?}, expected {read:?}",
                        s.text, s.problems
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn the_issue_example() {
        assert_eq!(
            say("Ngày 15/9/2022, 1.250 đảng viên thuộc 49 chi bộ…").text,
            "Ngày mười lăm tháng chín năm hai nghìn không trăm hai mươi hai, một nghìn hai trăm năm mươi đảng viên thuộc bốn mươi chín chi bộ,"
        );
    }

    #[test]
    fn codes_do_not_repeat_what_the_sentence_says() {
        assert_eq!(say("Kết luận số 49-KL/TW.").text, "Kết luận số bốn mươi chín của Ban Bí thư.");
        assert_eq!(say("Thực hiện 49-KL/TW").text, "Thực hiện Kết luận số bốn mươi chín của Ban Bí thư");
        assert_eq!(
            say("Chỉ thị số 11-CT/TW ngày 13/4/2007 của Bộ Chính trị").text,
            "Chỉ thị số mười một ngày mười ba tháng tư năm hai nghìn không trăm linh bảy của Bộ Chính trị"
        );
    }

    #[test]
    fn unknown_tokens_are_kept_and_reported() {
        assert_eq!(say("THÔNG BÁO KHẨN").problems, vec![], "words in capitals are words");
        let s = say("Dịch COVID-19 và XYZ");
        assert_eq!(s.text, "Dịch COVID-19 và XYZ");
        assert_eq!(s.problems, vec![Problem::Unknown("COVID-19".into()), Problem::Unknown("XYZ".into())]);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn soup() -> impl Strategy<Value = String> {
            let pieces = prop::sample::select(vec![
                "0",
                "1",
                "5",
                "15",
                "2022",
                "1.250",
                "1,5",
                "3/4",
                "15/9/2022",
                "8h30",
                "-",
                "–",
                "/",
                ".",
                ",",
                "%",
                "&",
                "…",
                "“",
                "”",
                "(",
                ")",
                " ",
                " ",
                "KL",
                "TW",
                "QĐ",
                "UBND",
                "XII",
                "I",
                "thứ",
                "ngày",
                "tháng",
                "giờ",
                "khóa",
                "km",
                "đ",
                "a",
                "Hội",
                "x@y.vn",
                "https://a.vn",
                "+84",
                "0912",
                "°C",
                "m²",
                "ấ",
                "\n",
            ]);
            prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            /// Any text is read without a panic, in both dialects, and a digit is left in what
            /// is read only where a problem says so (a token it could not spell out).
            #[test]
            fn digits_left_are_reported(text in soup(), south in any::<bool>()) {
                let dialect = if south { Dialect::Nam } else { Dialect::Bac };
                let s = speak(&text, &Speaker { dialect, abbreviations: &[], documents: &registry });
                if s.text.chars().any(|c| c.is_ascii_digit()) {
                    prop_assert!(!s.problems.is_empty(), "{text:?} → {:?}", s.text);
                }
            }
        }
    }
}
