//! Positions in a body, for diagnostics.
//!
//! Takes: a body, the file line it starts at and the file's path.
//! Gives: `Lines::at`, the file-absolute line and column of a byte offset of the body.
//! Must not: cost a body without problems anything: the line starts are found on the first
//! question.

use crate::diagnostics::Location;

/// Maps byte offsets of the body to file-absolute (line, column).
pub(super) struct Lines<'a> {
    /// The body.
    text: &'a str,
    /// Where each line starts, found on the first [`Lines::at`] (most pages never ask).
    starts: std::cell::OnceCell<Vec<usize>>,
    /// File line of the body's first line.
    first_line: usize,
    /// The source path, for the locations.
    file: &'a str,
}

impl<'a> Lines<'a> {
    /// Positions in `text`, a body that starts at line `first_line` of `file`.
    pub(super) fn new(text: &'a str, first_line: usize, file: &'a str) -> Self {
        Lines { text, starts: std::cell::OnceCell::new(), first_line, file }
    }

    /// The file-absolute location of byte `offset` of the body (columns count characters).
    pub(super) fn at(&self, offset: usize) -> Location {
        let starts = self.starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            starts
        });
        let idx = starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = starts[idx];
        let col = self.text.get(start..offset.min(self.text.len())).map_or(1, |s| s.chars().count() + 1);
        Location::at(self.file, self.first_line + idx, col)
    }
}
