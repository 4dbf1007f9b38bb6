//! Positions in a body, for diagnostics.
//!
//! Takes: a body, the file line it starts at and the file's path.
//! Gives: `Lines::at`, the file-absolute line and column of a byte offset of the body.
//! Must not: cost a body without problems anything: the line starts are found on the first
//! question. Nor cost quadratic time when one long line has many problems (a paragraph of
//! 100,000 links to missing pages): each column is counted on from the previous question's
//! when it lies further on the same line.

use crate::diagnostics::Location;

/// Maps byte offsets of the body to file-absolute (line, column).
pub(crate) struct Lines<'a> {
    /// The body.
    text: &'a str,
    /// Where each line starts, found on the first [`Lines::at`] (most pages never ask).
    starts: std::cell::OnceCell<Vec<usize>>,
    /// File line of the body's first line.
    first_line: usize,
    /// The source path, for the locations.
    file: &'a str,
    /// The last answer as (line start, byte offset, column), to count the next column on from.
    last: std::cell::Cell<(usize, usize, usize)>,
    /// Bytes read to count columns, for the test that the count goes on rather than restarts.
    #[cfg(test)]
    read: std::cell::Cell<usize>,
}

impl<'a> Lines<'a> {
    /// Positions in `text`, a body that starts at line `first_line` of `file`.
    pub(crate) fn new(text: &'a str, first_line: usize, file: &'a str) -> Self {
        Lines {
            text,
            starts: std::cell::OnceCell::new(),
            first_line,
            file,
            last: std::cell::Cell::new((0, 0, 1)),
            #[cfg(test)]
            read: std::cell::Cell::new(0),
        }
    }

    /// The file-absolute location of byte `offset` of the body (columns count characters).
    pub(crate) fn at(&self, offset: usize) -> Location {
        let starts = self.starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            starts
        });
        let idx = starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = starts[idx];
        let offset = offset.min(self.text.len());
        let (last_start, last_offset, last_col) = self.last.get();
        let (from, col) =
            if last_start == start && last_offset <= offset { (last_offset, last_col) } else { (start, 1) };
        let col = match self.text.get(from..offset) {
            Some(s) => {
                #[cfg(test)]
                self.read.set(self.read.get() + s.len());
                let col = col + s.chars().count();
                self.last.set((start, offset, col));
                col
            }
            None => 1,
        };
        Location::at(self.file, self.first_line + idx, col)
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    fn at(lines: &Lines, offset: usize) -> (usize, usize) {
        let l = lines.at(offset);
        (l.line, l.column)
    }

    #[test]
    fn columns_count_characters_in_any_order_of_questions() {
        let text = "ấy là\nđường ờ x\n\nz";
        let lines = Lines::new(text, 5, "content/x.md");
        let x = text.find('x').unwrap();
        let ow = text.rfind('ờ').unwrap();
        // Forward on one line, back on it, to another line and back again.
        assert_eq!(at(&lines, ow), (6, 7));
        assert_eq!(at(&lines, x), (6, 9));
        assert_eq!(at(&lines, ow), (6, 7));
        assert_eq!(at(&lines, text.find('z').unwrap()), (8, 1));
        assert_eq!(at(&lines, text.find("là").unwrap()), (5, 4));
        assert_eq!(at(&lines, x), (6, 9));
        // Inside a character: column 1, and the next answer is still right.
        assert_eq!(at(&lines, ow + 1), (6, 1));
        assert_eq!(at(&lines, x), (6, 9));
        assert_eq!(at(&lines, text.len() + 10), (8, 2));
    }

    #[test]
    fn many_questions_on_one_long_line_read_it_once() {
        // 20,000 questions along one 100 KB line: counting each column from the line's start
        // reads 10^9 bytes; counting on reads the line once.
        let text = "[r0] ".repeat(20_000);
        let lines = Lines::new(&text, 1, "content/x.md");
        let mut last = 0;
        for i in 0..20_000 {
            let (line, col) = at(&lines, i * 5);
            assert_eq!(line, 1);
            assert_eq!(col, i * 5 + 1);
            last = col;
        }
        assert_eq!(last, 99_996);
        assert_eq!(lines.read.get(), 99_995);
    }
}
