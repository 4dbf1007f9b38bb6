//! Official names written with their capitals (`editorial.names`, issue 27): `Ban Bí thư`,
//! `Bộ Chính trị`. The same words with other capitals in running text (`ban bí thư`, `Ban bí
//! thư`, `Bộ chính trị`) are a warning with the right form as the hint (an error under
//! `--strict`).
//!
//! Takes one source file's text, the ranges the parse found to be code; gives diagnostics at
//! line and column. Never looks inside code, link destinations (`](…)`, `<…>`) or quotations
//! (`>` blocks: what a document says is quoted as it is written). Pure.

use std::ops::Range;

use regex::Regex;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// The names of `editorial.names`, each made a pattern once for all files.
pub struct Names {
    rules: Vec<(Regex, String)>,
}

impl Names {
    /// The patterns of the config's names: their words in NFC, any case, any white space
    /// between them.
    pub fn new(config: &Config) -> Names {
        let rules = config
            .editorial
            .names
            .iter()
            .filter_map(|name| {
                let name = crate::vi::nfc(name).split_whitespace().collect::<Vec<_>>().join(" ");
                let words: Vec<String> = name.split(' ').map(regex::escape).collect();
                if name.is_empty() {
                    return None;
                }
                Some((Regex::new(&format!(r"(?i)\b{}\b", words.join(r"\s+"))).ok()?, name))
            })
            .collect();
        Names { rules }
    }

    /// Every name written with other capitals in `text`, outside `code` (byte ranges of
    /// `text`), link destinations and quotations.
    pub fn check(&self, text: &str, file: &str, code: &[Range<usize>], strict: bool) -> Diagnostics {
        let mut diags = Diagnostics::new();
        if self.rules.is_empty() {
            return diags;
        }
        let mut skip: Vec<Range<usize>> = code.to_vec();
        skip.extend(quotations(text));
        static DESTINATIONS: std::sync::LazyLock<Option<Regex>> =
            std::sync::LazyLock::new(|| Regex::new(r"\]\([^)]*\)|<[a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*>").ok());
        if let Some(re) = DESTINATIONS.as_ref() {
            skip.extend(re.find_iter(text).map(|m| m.range()));
        }
        for (re, name) in &self.rules {
            for m in re.find_iter(text) {
                let written = m.as_str().split_whitespace().collect::<Vec<_>>().join(" ");
                if written == *name || skip.iter().any(|r| r.start <= m.start() && m.end() <= r.end) {
                    continue;
                }
                let before = &text[..m.start()];
                let line = before.matches('\n').count() + 1;
                let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                let message = format!("tên chính thức viết là `{name}`, không phải `{written}`");
                let at = Location::at(file, line, col);
                let d = if strict {
                    Diagnostic::error("official-name", at, message)
                } else {
                    Diagnostic::warning("official-name", at, message)
                };
                diags
                    .push(d.with_hint(format!("viết `{name}` (danh sách `editorial.names` trong loa.yaml)")));
            }
        }
        diags
    }
}

/// The lines of `>` quotations (after the front matter), as byte ranges.
fn quotations(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with('>') {
            out.push(offset..offset + line.len());
        }
        offset += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Names {
        let mut config = Config::parse(
            "title: T\nbase_url: https://x.vn\n",
            std::path::Path::new("/s"),
            &Default::default(),
        )
        .expect("config");
        config.editorial.names = list.iter().map(|s| s.to_string()).collect();
        Names::new(&config)
    }

    #[test]
    fn other_capitals_are_flagged_at_their_place_but_not_in_code_links_or_quotes() {
        let n = names(&["Ban Bí thư", "Bộ Chính trị"]);
        let text = "Ban Bí thư và ban bí thư,\nBộ chính trị; `Ban bí thư` [Bộ chính trị](/bo-chinh-tri \"Ban bí thư\")\n> Ban bí thư (nguyên văn)\nBan Bí\nthư.\n";
        let d = n.check(
            text,
            "f",
            std::slice::from_ref(&(text.find("`Ban").expect("code")..text.find("` [").expect("end") + 1)),
            false,
        );
        let places: Vec<(usize, usize, &str)> = d
            .iter()
            .map(|d| {
                (
                    d.location.as_ref().map_or(0, |l| l.line),
                    d.location.as_ref().map_or(0, |l| l.column),
                    d.message.as_str(),
                )
            })
            .collect();
        assert_eq!(
            places,
            [
                (1, 15, "tên chính thức viết là `Ban Bí thư`, không phải `ban bí thư`"),
                (2, 1, "tên chính thức viết là `Bộ Chính trị`, không phải `Bộ chính trị`"),
                (2, 29, "tên chính thức viết là `Bộ Chính trị`, không phải `Bộ chính trị`"),
            ]
        );
        assert!(d.iter().all(|d| !d.is_error()));
        assert!(n.check(text, "f", &[], true).iter().all(|d| d.is_error()));
    }
}
