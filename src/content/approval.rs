//! Approval of a page (`approval:` in front matter, issue 27): the digest that ties an
//! approval to the text it approved, and the state of a page under `editorial.approval`.
//!
//! Takes a page file's decoded text (UTF-8, LF line ends, NFC, no BOM: what `load` gives) and
//! its `approval:` block; gives the digest of the text and the page's state. Pure: no file
//! system, no clock. The only user of `sha2` (the digest must be the same for every loa
//! version and every machine, so it is a standard hash, not the build's cache hasher).
//!
//! **The digest**, exactly: SHA-256, written as 64 lowercase hexadecimal digits, of the file's
//! decoded text with the lines of its `approval:` block taken out. The block is the line of the
//! front matter that starts with `approval:` at its first column, and every line after it that
//! starts with a space or a tab (its nested keys, or the rest of a flow mapping). Nothing else is
//! left out: a change to any other key, a comment, a blank line or the body changes the digest;
//! a change of line ends (CRLF), a BOM or the Unicode form (NFD) does not, since the text is
//! read the way the build reads it.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::values::{Date, Text};
use crate::vi::dates::DateTime;

/// Length of a digest in hexadecimal digits.
pub const DIGEST_LEN: usize = 64;

/// The `approval:` block as written.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalMatter {
    /// Who approved (a name from `editorial.reviewers`, when the site lists them).
    pub by: Option<Text>,
    /// When (the moment `loa approve` ran).
    pub at: Option<Date>,
    /// The digest of the page as approved ([`digest`]).
    pub digest: Option<Text>,
}

/// Where a page stands under `editorial.approval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalState {
    /// `draft: true` (or in a draft section): not for review yet.
    Draft,
    /// No approval: waiting for a reviewer.
    Pending,
    /// Approved, and the text is what was approved.
    Approved,
    /// Approved, then edited: the digest no longer matches.
    Edited,
}

impl ApprovalState {
    /// Its name for editors.
    pub fn label(self) -> &'static str {
        match self {
            ApprovalState::Draft => "bản nháp",
            ApprovalState::Pending => "chờ duyệt",
            ApprovalState::Approved => "đã duyệt",
            ApprovalState::Edited => "sửa sau khi duyệt",
        }
    }

    /// Every state, in the order `loa check` lists them.
    pub const ALL: [ApprovalState; 4] =
        [ApprovalState::Edited, ApprovalState::Pending, ApprovalState::Draft, ApprovalState::Approved];
}

/// One page's approval, as `loa check` and `loa serve` show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApprovalRecord {
    /// Source path relative to the site root.
    pub file: String,
    /// Its title.
    pub title: String,
    /// Its URL path without the base path, when the page is built (`/bai-viet/x/`).
    pub path: Option<String>,
    /// Its state.
    pub state: ApprovalState,
    /// `approval.by`.
    pub by: Option<String>,
    /// `approval.at`.
    pub at: Option<DateTime>,
    /// `approval.digest` as written.
    pub digest: Option<String>,
    /// File line of the `approval:` key (0 when there is none).
    pub line: usize,
    /// A section's `_index.md` (its listing), not a page.
    pub section: bool,
}

/// How many pages and sections `records` holds, for editors: `2 trang`, `2 trang, 1 chuyên
/// mục`, `1 chuyên mục`.
pub fn count_label(records: &[&ApprovalRecord]) -> String {
    let sections = records.iter().filter(|r| r.section).count();
    let pages = records.len() - sections;
    match (pages, sections) {
        (p, 0) => format!("{p} trang"),
        (0, s) => format!("{s} chuyên mục"),
        (p, s) => format!("{p} trang, {s} chuyên mục"),
    }
}

/// The byte ranges of `text`'s lines that make its `approval:` block (see the module's
/// documentation), or `None` when its front matter has none. Only the first block counts (a
/// second one is a duplicate key, an error of the parse).
pub fn approval_block(text: &str) -> Option<std::ops::Range<usize>> {
    let mut offset = 0;
    let mut lines = text.split_inclusive('\n');
    // The opening `---`, after blank lines (as `parse::split_front_matter`).
    loop {
        let l = lines.next()?;
        offset += l.len();
        if l.trim().is_empty() {
            continue;
        }
        if l.trim() == "---" {
            break;
        }
        return None;
    }
    let mut block: Option<std::ops::Range<usize>> = None;
    for l in lines {
        let start = offset;
        offset += l.len();
        if l.trim_end() == "---" {
            break;
        }
        match &mut block {
            Some(b) if b.end == start && l.starts_with([' ', '\t']) => b.end = offset,
            Some(_) => return block,
            None if is_approval_key(l) => block = Some(start..offset),
            None => {}
        }
    }
    block
}

/// True for a line `approval:` followed by the end of the line, a space or a tab.
fn is_approval_key(line: &str) -> bool {
    line.strip_prefix("approval:")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
}

/// The byte offset of the line that closes `text`'s front matter (`---`), if it has one.
pub fn closing_line(text: &str) -> Option<usize> {
    let mut offset = 0;
    let mut opened = false;
    for l in text.split_inclusive('\n') {
        let start = offset;
        offset += l.len();
        if !opened {
            if l.trim().is_empty() {
                continue;
            }
            if l.trim() != "---" {
                return None;
            }
            opened = true;
        } else if l.trim_end() == "---" {
            return Some(start);
        }
    }
    None
}

/// The text the digest is taken over: `text` without its approval block.
pub fn unapproved_text(text: &str) -> std::borrow::Cow<'_, str> {
    match approval_block(text) {
        Some(r) => format!("{}{}", &text[..r.start], &text[r.end..]).into(),
        None => text.into(),
    }
}

/// The digest of a page's decoded text (see the module's documentation).
pub fn digest(text: &str) -> String {
    // The two sides of the block hashed in turn: no copy of the text.
    let mut hasher = Sha256::new();
    match approval_block(text) {
        Some(r) => {
            hasher.update(&text.as_bytes()[..r.start]);
            hasher.update(&text.as_bytes()[r.end..]);
        }
        None => hasher.update(text.as_bytes()),
    }
    let hash = hasher.finalize();
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// What is wrong with a written digest, if anything.
pub fn digest_error(written: &str) -> Option<String> {
    let n = written.chars().count();
    if n != DIGEST_LEN {
        return Some(format!("mã `digest` phải dài {DIGEST_LEN} ký tự, ở đây có {n}"));
    }
    if !written.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()) {
        return Some("mã `digest` chỉ gồm chữ số 0–9 và chữ a–f".to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_is_the_key_and_its_indented_lines() {
        let text = "---\ntitle: A\napproval:\n  by: B\n  at: 2026-12-06\n# c\ndate: 2026-01-01\n---\nx\n";
        let r = approval_block(text).expect("block");
        assert_eq!(&text[r], "approval:\n  by: B\n  at: 2026-12-06\n");
        assert_eq!(unapproved_text(text), "---\ntitle: A\n# c\ndate: 2026-01-01\n---\nx\n");
        let flow = "\n---\napproval: {by: B}\n---\napproval: not front matter\n";
        assert_eq!(unapproved_text(flow), "\n---\n---\napproval: not front matter\n");
        assert!(approval_block("---\napprovals: 1\n  approval: 2\n---\n").is_none());
        assert!(approval_block("title: x\napproval: 1\n").is_none(), "no front matter");
    }

    #[test]
    fn the_digest_ignores_the_approval_and_nothing_else() {
        let plain = "---\ntitle: A\n---\nThân bài.\n";
        let approved = "---\ntitle: A\napproval:\n  by: B\n  digest: x\n---\nThân bài.\n";
        assert_eq!(digest(plain), digest(approved));
        assert_eq!(digest(plain).len(), DIGEST_LEN);
        assert_ne!(digest(plain), digest("---\ntitle: A\n---\nThân bài!\n"));
        assert_ne!(digest(plain), digest("---\ntitle: A\n# c\n---\nThân bài.\n"));
        // The standard SHA-256 of the text: the same on every machine and in every version.
        assert_eq!(digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn digest_errors_name_the_length_and_the_digits() {
        assert!(digest_error(&"a".repeat(64)).is_none());
        assert!(digest_error("abc").expect("short").contains("64"));
        assert!(digest_error(&"A".repeat(64)).is_some());
        assert!(digest_error(&"g".repeat(64)).is_some());
    }
}
