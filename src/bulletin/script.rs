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

/// A paragraph of the script: a spoken transition (a heading) or sentences.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Part {
    /// True for a heading read as a transition.
    pub transition: bool,
    /// Its sentences.
    pub sentences: Vec<Sentence>,
}

/// The heading line's title and the parts, in reading order.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Spoken {
    /// The title, spelled out.
    pub title: String,
    /// The body.
    pub parts: Vec<Part>,
}

impl Spoken {
    /// Syllables of the title and every sentence.
    pub fn syllables(&self) -> usize {
        crate::vi::reading::syllables(&self.title)
            + self.parts.iter().flat_map(|p| &p.sentences).map(|s| s.syllables).sum::<usize>()
    }
}

/// Spells out a title and blocks; gives the script and (copies of) the sentences with
/// something to report: a problem, or a stretch longer than `breath` syllables.
pub fn spell(
    title: &str,
    title_line: usize,
    blocks: &[Block],
    speaker: &Speaker<'_>,
    breath: usize,
) -> (Spoken, Vec<Sentence>) {
    let title_s = sentence(title, title_line, speaker);
    let mut parts: Vec<Joinable> = Vec::new();
    for b in blocks {
        let transition = matches!(b.kind, BlockKind::Heading(_));
        let mut sentences: Vec<Sentence> = split_sentences(&b.text)
            .into_iter()
            .map(|(s, lines)| sentence(&s, b.line + lines, speaker))
            .filter(|s| !s.text.is_empty())
            .collect();
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
        match parts.last_mut() {
            Some(p) if joins && !p.transition && p.joinable && b.kind == p.kind => {
                p.part.sentences.extend(sentences)
            }
            _ => parts.push(Joinable {
                transition,
                joinable: joins,
                kind: b.kind,
                part: Part { transition, sentences },
            }),
        }
    }
    let flagged = |s: &&Sentence| !s.problems.is_empty() || s.breath > breath;
    let problems = std::iter::once(&title_s)
        .chain(parts.iter().flat_map(|p| &p.part.sentences))
        .filter(flagged)
        .cloned()
        .collect();
    (
        Spoken {
            title: title_s.text,
            parts: parts.into_iter().map(|p| p.part).filter(|p| !p.sentences.is_empty()).collect(),
        },
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
    text.split([',', ';', ':', '–', '—', '(', ')', '.', '!', '?'])
        .map(crate::vi::reading::syllables)
        .fold((0, 0), |(all, most), n| (all + n, most.max(n)))
}

fn upper_first(s: String) -> String {
    match s.chars().next() {
        Some(f) if !f.is_uppercase() => {
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
pub fn split_sentences(text: &str) -> Vec<(String, usize)> {
    let mut breaks: Option<Vec<usize>> = None;
    let mut out = Vec::new();
    let mut start = 0;
    let mut from = 0;
    while let Some(found) = text[from..].find(['.', '!', '?', '…']) {
        let at = from + found;
        let c = text[at..].chars().next().unwrap_or('.');
        // Past the mark and the closing quotes and brackets after it.
        let rest = text[at + c.len_utf8()..].trim_start_matches(['.', '”', '"', ')', '’', '»']);
        let j = text.len() - rest.len();
        let next = rest.trim_start();
        let k = text.len() - next.len();
        from = j.max(at + c.len_utf8());
        let gap = k > j;
        let next_starts = next
            .chars()
            .next()
            .is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || matches!(n, '“' | '"' | '('));
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

fn push(
    out: &mut Vec<(String, usize)>,
    text: &str,
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
        out.push((s.to_string(), lines));
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
    let mut out = format!("{} (thời lượng khoảng {airtime})\n", spoken.title.trim_end_matches('.'));
    for p in &spoken.parts {
        out.push('\n');
        let line: Vec<&str> = p.sentences.iter().map(|s| s.text.as_str()).collect();
        out.push_str(&line.join(" "));
        out.push('\n');
    }
    out
}

/// The SSML script (version 1.1, `vi-VN`): the title, a pause, each part a `<p>` of `<s>`,
/// a longer pause before each transition.
pub fn ssml(spoken: &Spoken) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<speak version=\"1.1\" xmlns=\"http://www.w3.org/2001/10/synthesis\" xml:lang=\"vi-VN\">\n",
    );
    out.push_str(&format!(
        "<p><s>{}</s></p>\n<break time=\"800ms\"/>\n",
        xml(spoken.title.trim_end_matches('.'))
    ));
    for p in &spoken.parts {
        if p.transition {
            out.push_str("<break time=\"600ms\"/>\n");
        }
        out.push_str("<p>");
        for s in &p.sentences {
            out.push_str(&format!("<s>{}</s>", xml(&s.text)));
        }
        out.push_str("</p>\n");
    }
    out.push_str("</speak>\n");
    out
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
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
                ("Tại TP. Huế, hội nghị họp.".to_string(), 0),
                ("Ông A. Nguyễn phát biểu!".to_string(), 0),
                ("“Học nữa.”".to_string(), 1),
                ("Hết".to_string(), 1),
            ]
        );
        assert_eq!(
            split_sentences("Năm 2022. 15 chi bộ."),
            vec![("Năm 2022.".into(), 0), ("15 chi bộ.".into(), 0)]
        );
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
