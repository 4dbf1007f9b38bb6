//! Diagnostics: what went wrong, where, and what the editor should do about it.
//!
//! Takes positions from the stages (file relative to the site root, file-absolute 1-based line
//! and column) and gives the one typed error every stage returns (`Diagnostics`), which `check`
//! and `serve` inspect and the binary prints as `path:line:col: lỗi: message` + `  gợi ý: hint`.
//! It must not print: the binary decides where diagnostics go.

use std::fmt;

/// How bad a diagnostic is. Errors fail the build; warnings do not (unless `--strict`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The site cannot be built as it is.
    Error,
    /// The site builds, but something is probably not what the editor meant.
    Warning,
}

/// Where a diagnostic points: a file relative to the site root and, when known, a position.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// Path relative to the site root, with `/` separators (`content/bai-viet/x.md`).
    pub file: String,
    /// 1-based file-absolute line; 0 when the problem has no position (a missing field).
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub column: usize,
}

impl Location {
    /// A whole file, no position.
    pub fn file(file: impl Into<String>) -> Self {
        Location { file: file.into(), line: 0, column: 0 }
    }

    /// A position in a file.
    pub fn at(file: impl Into<String>, line: usize, column: usize) -> Self {
        Location { file: file.into(), line, column }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}", self.file),
            (l, 0) => write!(f, "{}:{}", self.file, l),
            (l, c) => write!(f, "{}:{}:{}", self.file, l, c),
        }
    }
}

/// One problem found in the site.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where; `None` for problems of the whole site (no file to blame).
    #[serde(flatten)]
    pub location: Option<Location>,
    /// A stable machine-readable code (`front-matter`, `unknown-field`, `broken-link`, …).
    pub code: &'static str,
    /// What is wrong, in Vietnamese (may carry an English technical detail).
    pub message: String,
    /// What to do about it, in Vietnamese.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at a location.
    pub fn error(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            location: Some(location),
            code,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning at a location.
    pub fn warning(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Self::error(code, location, message) }
    }

    /// An error that belongs to no file.
    pub fn global(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, location: None, code, message: message.into(), hint: None }
    }

    /// Adds the "what to do" line.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "lỗi",
            Severity::Warning => "cảnh báo",
        };
        match &self.location {
            Some(loc) => write!(f, "{loc}: {label}: {}", self.message)?,
            None => write!(f, "{label}: {}", self.message)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  gợi ý: {hint}")?;
        }
        Ok(())
    }
}

/// Every diagnostic of a run, in a stable order (file, line, column, then message).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Adds all of another set.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorts by file and position so that output is deterministic whatever the thread count.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.location, a.severity, &a.message).cmp(&(&b.location, b.severity, &b.message))
        });
        self.0.dedup();
    }

    /// Iterates in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// `s` made safe to print on a terminal: C0 controls other than newline and tab, DEL and the
/// C1 controls are written as `\u{1b}`. A file name or a front-matter key can hold ESC, and
/// its escape sequences would otherwise retitle the window, clear the screen or colour later
/// output of `build`, `check` and `serve`. Newlines stay: a diagnostic's hint is its second
/// line.
pub fn for_terminal(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The hint for a name that is none of the `known` ones: the closest one if any is close, and
/// the known ones listed (`có phải ý bạn là `x`? (các văn bản: a, b)`, or `các văn bản: a, b`),
/// or `if_none` when none is known.
pub fn unknown_hint(word: &str, known: &[&str], listed_as: &str, if_none: &str) -> String {
    match did_you_mean(word, known.iter().copied()) {
        Some(s) => format!("có phải ý bạn là `{s}`? ({listed_as}: {})", known.join(", ")),
        None if known.is_empty() => if_none.to_string(),
        None => format!("{listed_as}: {}", known.join(", ")),
    }
}

/// Closest candidate to `word` within edit distance 2 (for "did you mean" hints).
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.chars().count() / 4) && *d < word.chars().count().max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn for_terminal_escapes_c0_del_and_c1_but_keeps_newlines_tabs_and_vietnamese() {
        let key = "\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{1b}[31mRED\0\u{7f}\u{9b}31m";
        assert_eq!(for_terminal(key), "\\u{1b}]0;PWNED\\u{7}\\u{1b}[2J\\u{1b}[31mRED\\u{0}\\u{7f}\\u{9b}31m");
        assert!(matches!(for_terminal("Kết luận\n\tgợi ý"), std::borrow::Cow::Borrowed("Kết luận\n\tgợi ý")));
        assert_eq!(for_terminal("a\rb"), "a\\u{d}b");
    }

    #[test]
    fn unknown_hint_suggests_the_closest_lists_the_known_or_says_there_are_none() {
        let known = ["dang-vien", "gia-dinh"];
        assert_eq!(
            unknown_hint("dang-vein", &known, "các đối tượng", "-"),
            "có phải ý bạn là `dang-vien`? (các đối tượng: dang-vien, gia-dinh)"
        );
        assert_eq!(
            unknown_hint("hoc-sinh", &known, "các đối tượng", "-"),
            "các đối tượng: dang-vien, gia-dinh"
        );
        assert_eq!(
            unknown_hint("hoc-sinh", &[], "các đối tượng", "khai báo đối tượng"),
            "khai báo đối tượng"
        );
    }

    #[test]
    fn formats_like_rustc_with_a_hint_line() {
        let d = Diagnostic::error("x", Location::at("content/a.md", 3, 7), "sai").with_hint("sửa đi");
        assert_eq!(d.to_string(), "content/a.md:3:7: lỗi: sai\n  gợi ý: sửa đi");
        let w = Diagnostic::warning("x", Location::file("loa.yaml"), "chú ý");
        assert_eq!(w.to_string(), "loa.yaml: cảnh báo: chú ý");
    }

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["title", "date", "summary", "tags"];
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("summery", keys), Some("summary"));
        assert_eq!(did_you_mean("xyzzy", keys), None);
    }
}
