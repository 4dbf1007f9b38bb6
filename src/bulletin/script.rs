//! One script: blocks of a body → sentences spelled out → the plain text and the SSML, with
//! the syllables and the airtime.
//!
//! Takes: the title, the blocks (`markdown::speech`), a [`Speaker`]. Gives: a [`Script`] and
//! what could not be read with certainty, per sentence with its file line.
//! Must not: touch the file system.

use crate::markdown::speech::{Block, BlockKind};
use crate::vi::spell::{Problem, Speaker, speak};

/// A sentence to read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sentence {
    /// Spelled out, starting with a capital.
    pub text: String,
    /// Syllables (what the airtime counts).
    pub syllables: usize,
    /// Syllables of its longest stretch without a pause (a comma, semicolon, colon, dash or
    /// bracket): what the reader must say in one breath.
    pub breath: usize,
    /// The file line where it is written.
    pub line: usize,
    /// What could not be read with certainty.
    pub problems: Vec<Problem>,
}

/// A paragraph of the script: a spoken transition (a heading) or sentences. Its sentences
/// are kept in one text, not one string each: 10,000 articles' scripts are held until the
/// weekly programmes are rendered (and kept in the disk cache).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Part {
    /// True for a heading read as a transition.
    pub transition: bool,
    /// Its sentences, one space between two.
    pub text: String,
    /// Where each sentence after the first starts in `text` (a space before each).
    pub starts: Vec<u32>,
}

impl Part {
    /// A part with no sentence yet.
    fn new(transition: bool) -> Part {
        Part { transition, text: String::new(), starts: Vec::new() }
    }

    /// Adds a sentence (not empty) at the end.
    fn push(&mut self, sentence: &str) {
        if !self.text.is_empty() {
            self.text.push(' ');
            // A part longer than 4 GiB cannot be told apart in sentences: its sentences after
            // that are read as one (no script comes near).
            self.starts.push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        }
        self.text.push_str(sentence);
    }

    /// The same part in allocations of its exact size. A part's text grows by doubling while
    /// its sentences are added, so it may hold up to twice its length; at 10,000 articles the
    /// scripts' texts took 66 MB for 47 MB of text, held until the programmes render.
    fn exact(self) -> Part {
        Part {
            transition: self.transition,
            text: self.text.as_str().to_owned(),
            starts: self.starts.as_slice().to_owned(),
        }
    }

    /// Its sentences, in order.
    pub fn sentences(&self) -> impl Iterator<Item = &str> {
        let ends = self.starts.iter().map(|&s| (s as usize).saturating_sub(1)).chain([self.text.len()]);
        let starts = std::iter::once(0).chain(self.starts.iter().map(|&s| s as usize));
        starts.zip(ends).filter_map(|(a, b)| self.text.get(a..b))
    }
}

/// The heading line's title and the parts, in reading order.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Spoken {
    /// The title, spelled out.
    pub title: String,
    /// The body.
    pub parts: Vec<Part>,
}

/// Spells out a title and blocks; gives the script, its syllables (the title's and every
/// sentence's) and (copies of) the sentences with something to report: a problem, or a
/// stretch longer than `breath` syllables.
pub fn spell(
    title: &str,
    title_line: usize,
    blocks: &[Block],
    speaker: &Speaker<'_>,
    breath: usize,
) -> (Spoken, usize, Vec<Sentence>) {
    let title_s = sentence(title, title_line, speaker);
    let flagged = |s: &Sentence| !s.problems.is_empty() || s.breath > breath;
    let mut problems: Vec<Sentence> = Vec::new();
    let mut syllables = crate::vi::reading::syllables(&title_s.text);
    if flagged(&title_s) {
        problems.push(title_s.clone());
    }
    let mut parts: Vec<Joinable> = Vec::new();
    let mut sentences: Vec<Sentence> = Vec::new();
    for b in blocks {
        let transition = matches!(b.kind, BlockKind::Heading(_));
        sentences.clear();
        sentences.extend(
            split_sentences(&b.text)
                .into_iter()
                .map(|(s, lines)| sentence(s, b.line + lines, speaker))
                .filter(|s| !s.text.is_empty()),
        );
        if transition {
            for s in &mut sentences {
                s.text = format!("Tiếp theo, {}", lower_first(&s.text));
                s.syllables += 2;
            }
        }
        // A heading, a list item, a caption or a table row is said as a sentence of its own.
        let open_ended =
            b.kind == BlockKind::Paragraph && sentences.last().is_some_and(|s| s.text.ends_with(':'));
        if let Some(last) = sentences.last_mut()
            && !last.text.ends_with(['.', '!', '?'])
            && !open_ended
        {
            last.text = format!("{}.", last.text.trim_end_matches([',', ';', ':']));
        }
        // Items of one list read as one paragraph.
        let joins = b.kind == BlockKind::Item || b.kind == BlockKind::Row;
        let part = match parts.last_mut() {
            Some(p) if joins && !p.transition && p.joinable && b.kind == p.kind => &mut p.part,
            _ => {
                parts.push(Joinable {
                    transition,
                    joinable: joins,
                    kind: b.kind,
                    part: Part::new(transition),
                });
                &mut parts.last_mut().expect("just pushed").part
            }
        };
        for s in sentences.drain(..) {
            syllables += s.syllables;
            part.push(&s.text);
            if flagged(&s) {
                problems.push(s);
            }
        }
    }
    (
        Spoken {
            title: title_s.text,
            parts: {
                // Counted first: a `Vec` collected from a filter grows by doubling too.
                let mut kept = Vec::with_capacity(parts.iter().filter(|p| !p.part.text.is_empty()).count());
                kept.extend(
                    parts.into_iter().map(|p| p.part).filter(|p| !p.text.is_empty()).map(Part::exact),
                );
                kept
            },
        },
        syllables,
        problems,
    )
}

/// A part while the script is made: whether list items may join it.
struct Joinable {
    transition: bool,
    joinable: bool,
    kind: BlockKind,
    part: Part,
}

fn sentence(text: &str, line: usize, speaker: &Speaker<'_>) -> Sentence {
    // `speak` reads words split at any white space: line breaks need no replacing.
    let spoken = speak(text, speaker);
    let text = upper_first(spoken.text);
    let (syllables, breath) = syllables_and_stretch(&text);
    Sentence { syllables, breath, text, line, problems: spoken.problems }
}

/// Syllables of `text`, and of its longest stretch between pauses (a comma, semicolon, colon,
/// dash, bracket or a sentence's end), in one pass over the stretches.
pub fn syllables_and_stretch(text: &str) -> (usize, usize) {
    // The pauses found by bytes (the standard split decodes every character): ASCII ones, and
    // `–` (E2 80 93) and `—` (E2 80 94).
    let bytes = text.as_bytes();
    let (mut all, mut most) = (0, 0);
    let mut count = |piece: &str| {
        let n = crate::vi::reading::syllables(piece);
        all += n;
        most = most.max(n);
    };
    let (mut from, mut i) = (0, 0);
    while let Some(&b) = bytes.get(i) {
        let pause = match b {
            b',' | b';' | b':' | b'(' | b')' | b'.' | b'!' | b'?' => 1,
            0xE2 if bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0x93 | 0x94)) => 3,
            _ => 0,
        };
        if pause == 0 {
            i += 1;
            continue;
        }
        count(&text[from..i]);
        i += pause;
        from = i;
    }
    count(&text[from..]);
    (all, most)
}

fn upper_first(s: String) -> String {
    match s.chars().next() {
        Some(f) if !crate::vi::is_uppercase(f) => {
            let mut out: String = f.to_uppercase().collect();
            out.push_str(&s[f.len_utf8()..]);
            out
        }
        _ => s,
    }
}

fn lower_first(s: &str) -> String {
    // A heading's first word is lowered unless it is a name (two capitals in a row, or the
    // next word capitalised too: `Ban Bí thư`).
    let mut words = s.split(' ');
    let first = words.next().unwrap_or("");
    let second = words.next().unwrap_or("");
    let name = first.chars().filter(|c| c.is_uppercase()).count() > 1
        || second.chars().next().is_some_and(char::is_uppercase);
    if name {
        return s.to_string();
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Splits a block's text into sentences: after `.`, `!`, `?` or `…` (and closing quotes or
/// brackets) followed by a space and a capital, a digit or an opening quote; not after a
/// known abbreviation's dot (`TP.`) or a single capital (`A.`). Gives each sentence and how
/// many line breaks precede it in the block.
pub fn split_sentences(text: &str) -> Vec<(&str, usize)> {
    let mut breaks: Option<Vec<usize>> = None;
    let mut out = Vec::new();
    let mut start = 0;
    let mut from = 0;
    while let Some(at) = sentence_mark(text, from) {
        let c = text[at..].chars().next().unwrap_or('.');
        // Past the mark and the closing quotes and brackets after it.
        let rest = text[at + c.len_utf8()..].trim_start_matches(['.', '”', '"', ')', '’', '»']);
        let j = text.len() - rest.len();
        let next = rest.trim_start();
        let k = text.len() - next.len();
        from = j.max(at + c.len_utf8());
        let gap = k > j;
        let next_starts = next.chars().next().is_some_and(|n| {
            crate::vi::is_uppercase(n) || n.is_ascii_digit() || matches!(n, '“' | '"' | '(')
        });
        if !gap || !next_starts {
            continue;
        }
        let word_before = text[start..at].rsplit(char::is_whitespace).next().unwrap_or("");
        if c == '.' && (is_abbreviation(word_before) || is_initial(word_before)) {
            continue;
        }
        push(&mut out, text, start, j, &mut breaks);
        start = k;
        from = k;
    }
    push(&mut out, text, start, text.len(), &mut breaks);
    out
}

/// The first `.`, `!`, `?` or `…` (E2 80 A6) at or after byte `from`, by bytes.
fn sentence_mark(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'.' | b'!' | b'?' => return Some(i),
            0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA6) => return Some(i),
            _ => i += 1,
        }
    }
    None
}

fn push<'t>(
    out: &mut Vec<(&'t str, usize)>,
    text: &'t str,
    start: usize,
    end: usize,
    breaks: &mut Option<Vec<usize>>,
) {
    let s = text[start..end].trim();
    if !s.is_empty() {
        // Most blocks are one line: their line breaks are found only when a second sentence
        // asks.
        let lines = if start == 0 {
            0
        } else {
            breaks
                .get_or_insert_with(|| text.match_indices('\n').map(|(i, _)| i).collect())
                .partition_point(|&b| b < start)
        };
        out.push((s, lines));
    }
}

/// `word` and a dot is an abbreviation of the table (`TP` of `TP.`, `v.v` of `v.v.`).
fn is_abbreviation(word: &str) -> bool {
    crate::vi::spell::ABBREVIATIONS.iter().any(|(k, _)| k.strip_suffix('.') == Some(word))
}

fn is_initial(word: &str) -> bool {
    let mut c = word.chars();
    matches!((c.next(), c.next()), (Some(f), None) if f.is_uppercase())
}

/// The airtime of `syllables` at `rate` a minute, in seconds, rounded up to 5.
pub fn airtime_seconds(syllables: usize, rate: u32) -> u64 {
    let rate = u64::from(rate.max(1));
    let secs = (syllables as u64 * 60).div_ceil(rate);
    secs.div_ceil(5) * 5
}

/// `2 phút 35 giây`, `45 giây`, `3 phút`.
pub fn airtime_label(seconds: u64) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} giây"),
        (m, 0) => format!("{m} phút"),
        (m, s) => format!("{m} phút {s} giây"),
    }
}

/// The plain-text script: the heading line (title and airtime), a blank line, then each part
/// as a paragraph.
pub fn text(spoken: &Spoken, airtime: &str) -> String {
    let body: usize = spoken.parts.iter().map(|p| p.text.len() + 2).sum();
    let mut out = String::with_capacity(spoken.title.len() + airtime.len() + 32 + body);
    out.push_str(spoken.title.trim_end_matches('.'));
    out.push_str(" (thời lượng khoảng ");
    out.push_str(airtime);
    out.push_str(")\n");
    for p in &spoken.parts {
        out.push('\n');
        out.push_str(&p.text);
        out.push('\n');
    }
    out
}

/// The SSML script (version 1.1, `vi-VN`): the title, a pause, each part a `<p>` of `<s>`,
/// a longer pause before each transition.
pub fn ssml(spoken: &Spoken) -> String {
    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<speak version=\"1.1\" xmlns=\"http://www.w3.org/2001/10/synthesis\" xml:lang=\"vi-VN\">\n";
    // Each sentence's `<s></s>`, each part's `<p></p>` and break: the text, and a little more.
    let body: usize = spoken.parts.iter().map(|p| p.text.len() + 8 * p.starts.len() + 40).sum();
    let mut out = String::with_capacity(HEAD.len() + spoken.title.len() + 64 + body);
    out.push_str(HEAD);
    out.push_str("<p><s>");
    xml(spoken.title.trim_end_matches('.'), &mut out);
    out.push_str("</s></p>\n<break time=\"800ms\"/>\n");
    for p in &spoken.parts {
        if p.transition {
            out.push_str("<break time=\"600ms\"/>\n");
        }
        out.push_str("<p>");
        for s in p.sentences() {
            out.push_str("<s>");
            xml(s, &mut out);
            out.push_str("</s>");
        }
        out.push_str("</p>\n");
    }
    out.push_str("</speak>\n");
    out
}

/// `s` escaped for XML text (`&`, `<`, `>`, `"`), onto `out`.
fn xml(s: &str, out: &mut String) {
    let mut from = 0;
    for (i, c) in s.match_indices(['&', '<', '>', '"']) {
        out.push_str(&s[from..i]);
        out.push_str(match c {
            "&" => "&amp;",
            "<" => "&lt;",
            ">" => "&gt;",
            _ => "&quot;",
        });
        from = i + c.len();
    }
    out.push_str(&s[from..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_at_their_ends_not_at_abbreviations() {
        let s = split_sentences("Tại TP. Huế, hội nghị họp. Ông A. Nguyễn phát biểu!\n“Học nữa.” Hết");
        assert_eq!(
            s,
            vec![
                ("Tại TP. Huế, hội nghị họp.", 0),
                ("Ông A. Nguyễn phát biểu!", 0),
                ("“Học nữa.”", 1),
                ("Hết", 1),
            ]
        );
        assert_eq!(split_sentences("Năm 2022. 15 chi bộ."), vec![("Năm 2022.", 0), ("15 chi bộ.", 0)]);
    }

    fn speaker_test() -> Speaker<'static> {
        Speaker { dialect: crate::vi::numbers::Dialect::Bac, abbreviations: &[], documents: &|_| None }
    }

    #[test]
    fn a_part_keeps_its_sentences_apart_in_one_text() {
        let block = |kind, text: &str, line| Block { kind, text: text.to_string(), line };
        let blocks = [
            block(BlockKind::Paragraph, "Xã họp lúc 8h30. Ông A nói: “Tốt & đủ”!", 3),
            block(BlockKind::Heading(2), "Kết quả", 5),
            block(BlockKind::Item, "Một ý về XYZ", 7),
            block(BlockKind::Item, "Ý hai. Có hai câu", 8),
        ];
        let (spoken, syllables, flagged) = spell("Tin <xã>", 1, &blocks, &speaker_test(), 30);
        let parts: Vec<(bool, Vec<&str>)> =
            spoken.parts.iter().map(|p| (p.transition, p.sentences().collect())).collect();
        assert_eq!(
            parts,
            vec![
                (false, vec!["Xã họp lúc tám giờ ba mươi phút.", "Ông A nói: Tốt và đủ!"]),
                (true, vec!["Tiếp theo, kết quả."]),
                (false, vec!["Một ý về XYZ.", "Ý hai.", "Có hai câu."]),
            ]
        );
        assert_eq!(spoken.parts[2].text, "Một ý về XYZ. Ý hai. Có hai câu.");
        // Held until the programmes render: no room beyond the text.
        assert_eq!(spoken.parts.capacity(), spoken.parts.len());
        for p in &spoken.parts {
            assert_eq!((p.text.capacity(), p.starts.capacity()), (p.text.len(), p.starts.len()), "{p:?}");
        }
        assert_eq!(
            syllables,
            crate::vi::reading::syllables(&text(&spoken, "")) - 3,
            "all but `(thời lượng khoảng)`"
        );
        let flagged: Vec<(&str, usize)> = flagged.iter().map(|s| (s.text.as_str(), s.line)).collect();
        assert_eq!(flagged, vec![("Một ý về XYZ.", 7)]);
        let ssml = ssml(&spoken);
        assert!(ssml.contains("<p><s>Tin &lt;xã&gt;</s></p>"), "{ssml}");
        assert!(
            ssml.contains("<p><s>Một ý về XYZ.</s><s>Ý hai.</s><s>Có hai câu.</s></p>\n</speak>\n"),
            "{ssml}"
        );
        assert!(text(&spoken, "5 giây").starts_with("Tin <xã> (thời lượng khoảng 5 giây)\n\nXã họp"));
    }

    #[test]
    fn syllables_and_stretch_by_bytes_is_the_split() {
        let split = |t: &str| {
            t.split([',', ';', ':', '–', '—', '(', ')', '.', '!', '?'])
                .map(crate::vi::reading::syllables)
                .fold((0, 0), |(all, most), n| (all + n, most.max(n)))
        };
        let pieces =
            ["học", "Ệ", " ", ",", ";", ":", "–", "—", "-", "(", ")", ".", "!", "?", "…", "\u{2010}", "49"];
        for t in crate::testing::mixed_strings(&pieces, 10, 20_000, 0x5A17_C0DE_9E37_79B9) {
            assert_eq!(syllables_and_stretch(&t), split(&t), "{t:?}");
        }
    }

    #[test]
    fn airtime() {
        assert_eq!(airtime_seconds(220, 220), 60);
        assert_eq!(airtime_seconds(221, 220), 65);
        assert_eq!(airtime_label(155), "2 phút 35 giây");
        assert_eq!(airtime_label(45), "45 giây");
        assert_eq!(airtime_label(180), "3 phút");
    }
}
