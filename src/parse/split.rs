//! Splitting a decoded file into its front matter and its body.
//!
//! Takes: a file's decoded text.
//! Gives: the YAML between the `---` lines and the body after them, with the file lines where
//! each starts (`Split`); or an error when the front matter is missing or never closed.
//! Must not: read the YAML (that is `yaml`, `keys` and `quick`) or copy the text.

use crate::diagnostics::{Diagnostic, Location};

/// A file split into its front matter and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML text between the `---` lines.
    pub yaml: &'a str,
    /// File line of the first YAML line (1-based).
    pub yaml_line: usize,
    /// The Markdown body after the closing `---`.
    pub body: &'a str,
    /// File line of the first body line (1-based).
    pub body_line: usize,
}

/// Splits front matter from body. Blank lines and spaces before the opening `---` are allowed.
pub fn split_front_matter<'a>(text: &'a str, file: &str) -> Result<Split<'a>, Diagnostic> {
    let mut offset = 0;
    let mut line_no = 1;
    // Skip blank lines before the opening delimiter.
    let mut lines = text.split_inclusive('\n');
    let open = loop {
        match lines.next() {
            Some(l) if l.trim().is_empty() => {
                offset += l.len();
                line_no += 1;
            }
            Some(l) => break Some(l),
            None => break None,
        }
    };
    let open_line = line_no;
    // Leading spaces before the opening `---` are allowed too (as Zola's `^[[:space:]]*---`):
    // an editor's stray indent should not turn the whole file into a missing-front-matter error.
    match open {
        Some(l) if l.trim() == "---" => offset += l.len(),
        _ => {
            return Err(Diagnostic::error(
                "front-matter",
                Location::at(file, open_line, 1),
                "tệp không có front matter (phần khai báo giữa hai dòng `---`)",
            )
            .with_hint("thêm vào đầu tệp:\n---\ntitle: Tiêu đề bài viết\n---"));
        }
    }
    let yaml_start = offset;
    let yaml_line = open_line + 1;
    line_no = yaml_line;
    for l in lines {
        if l.trim_end() == "---" {
            let yaml = &text[yaml_start..offset];
            let body_start = offset + l.len();
            return Ok(Split { yaml, yaml_line, body: &text[body_start..], body_line: line_no + 1 });
        }
        offset += l.len();
        line_no += 1;
    }
    Err(Diagnostic::error(
        "front-matter",
        Location::at(file, open_line, 1),
        format!("front matter mở ở dòng {open_line} nhưng không bao giờ được đóng"),
    )
    .with_hint("thêm một dòng chỉ gồm `---` sau phần khai báo"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_body_line_after_blank_lines() {
        let s = split_front_matter("\n\n---\ntitle: a\n---\nbody\n", "f").expect("ok");
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.yaml_line, 4);
        assert_eq!(s.body_line, 6);
        assert_eq!(s.body, "body\n");
    }

    #[test]
    fn unclosed_front_matter_names_the_opening_line() {
        let e = split_front_matter("---\ntitle: a\nbody\n", "f").unwrap_err();
        assert!(e.message.contains("dòng 1"), "{e}");
        assert!(e.hint.as_deref().unwrap_or("").contains("---"));
    }
}
