//! `loa approve`'s edit of a page file (issue 27): the `approval:` block written into the
//! front matter, nothing else of the file touched.
//!
//! Takes the file's bytes as they are on disk, the reviewer and the moment; gives the new
//! bytes. Every byte outside the block is kept: a byte order mark, CRLF line ends, comments,
//! key order, quoting, the body. An existing block is replaced where it stands; otherwise the
//! block goes last in the front matter, before the closing `---`. The digest is taken over the
//! text as the build reads it (`content::approval::digest`), and the result is read back and
//! checked before it is given: the build must find the approval valid. Pure: the command
//! (`cmd/approve.rs`) reads and writes the file.

use crate::content::approval::{self, approval_block, closing_line};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::vi::dates::DateTime;

/// What approving a file gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Approved {
    /// The new bytes of the file.
    Changed(Vec<u8>),
    /// The file already carries an approval by the same reviewer of its present text.
    Unchanged,
}

/// The file `bytes` (named `file` in messages) approved by `by` at `at`.
pub fn approve(bytes: &[u8], file: &str, by: &str, at: DateTime) -> Result<Approved, Diagnostics> {
    let refuse = |msg: String, hint: &str| -> Diagnostics {
        Diagnostic::error("approval", Location::file(file), msg).with_hint(hint.to_string()).into()
    };
    if by.trim().is_empty() || by.chars().any(char::is_control) {
        return Err(refuse(
            "tên người duyệt rỗng hoặc có ký tự điều khiển".into(),
            "ghi họ tên, ví dụ --by \"Nguyễn Văn A\"",
        ));
    }
    let bom = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
    let raw = std::str::from_utf8(&bytes[bom..]).map_err(|_| {
        refuse(
            "tệp không phải UTF-8".into(),
            "lưu tệp ở dạng UTF-8 rồi duyệt lại (lệnh `loa check` chỉ rõ chỗ sai)",
        )
    })?;
    let Some(close) = closing_line(raw) else {
        return Err(refuse(
            "tệp không có front matter (phần khai báo giữa hai dòng `---`)".into(),
            "chỉ duyệt được trang có phần khai báo",
        ));
    };
    let (without, at_byte) = match approval_block(raw) {
        Some(r) => (format!("{}{}", &raw[..r.start], &raw[r.end..]), r.start),
        None => (raw.to_string(), close),
    };
    let decoded = |text: &str| -> Result<String, Diagnostics> {
        let mut b = bytes[..bom].to_vec();
        b.extend_from_slice(text.as_bytes());
        crate::parse::decode_text(&b, file).map_err(Diagnostics::from)
    };
    let digest = approval::digest(&decoded(&without)?);
    // Read as the build reads it: `_index.md` (and a translation of it, `_index.en.md`) is a
    // section's front matter.
    let name =
        std::path::Path::new(file).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let is_section = crate::content::translation::split_language(&name).0 == "_index.md";
    let old = crate::parse::parse_file(&decoded(raw)?, file, is_section)?;
    // A page's or a section's (`_index.md`) approval: both carry the same block.
    let matter_approval = |m: &crate::content::Matter| match m {
        crate::content::Matter::Page(p) => p.approval.clone(),
        crate::content::Matter::Section(s) => s.approval.clone(),
    };
    if let Some(a) = matter_approval(&old.matter) {
        let same_by = a.by.as_ref().is_some_and(|b| b.0.trim() == by.trim());
        if same_by && a.digest.as_ref().is_some_and(|d| d.0 == digest) && a.at.is_some() {
            return Ok(Approved::Unchanged);
        }
    }
    // The line end of the file: that of the closing `---` (or of the opening one).
    let nl = if raw[close..].contains("\r\n") || raw[..close].ends_with("\r\n") { "\r\n" } else { "\n" };
    let quoted = by.trim().replace('\\', "\\\\").replace('"', "\\\"");
    let block =
        format!("approval:{nl}  by: \"{quoted}\"{nl}  at: {}{nl}  digest: {digest}{nl}", at.to_rfc3339());
    let new = format!("{}{block}{}", &without[..at_byte], &without[at_byte..]);
    // Read back as the build will: the page parses and its approval matches.
    let text = decoded(&new)?;
    let parsed = crate::parse::parse_file(&text, file, is_section)?;
    let ok = matter_approval(&parsed.matter).and_then(|a| a.digest).is_some_and(|d| d.0 == digest)
        && approval::digest(&text) == digest;
    if !ok {
        return Err(refuse(
            "không ghi được phần duyệt vào tệp này".into(),
            "viết `approval:` ở đầu dòng trong phần khai báo, hoặc xoá khối `approval:` cũ rồi duyệt lại",
        ));
    }
    let mut out = bytes[..bom].to_vec();
    out.extend_from_slice(new.as_bytes());
    Ok(Approved::Changed(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime {
        crate::vi::dates::parse("2026-12-06T21:00:00+07:00").expect("date")
    }

    #[test]
    fn approves_a_section_index_as_a_section() {
        let file = "content/bai-viet/_index.md";
        let text = "---\ntitle: Bài viết # tên\nkind: article\n---\nGiới thiệu.\n";
        let Ok(Approved::Changed(b)) = approve(text.as_bytes(), file, "Ban biên tập", at()) else {
            panic!("a section's `_index.md` is approved");
        };
        let s = String::from_utf8(b).expect("utf-8");
        assert!(s.starts_with("---\ntitle: Bài viết # tên\nkind: article\napproval:\n"), "{s}");
        assert!(s.ends_with("\n---\nGiới thiệu.\n"), "{s}");
        assert!(matches!(approve(s.as_bytes(), file, "Ban biên tập", at()), Ok(Approved::Unchanged)));
    }

    #[test]
    fn approves_a_sections_translation_as_a_section() {
        // `kind:` is a section's key: read as a page's front matter, it would be refused.
        let text = "---\ntitle: News\nkind: article\n---\n";
        let approved = approve(text.as_bytes(), "content/bai-viet/_index.en.md", "Ban biên tập", at());
        assert!(matches!(approved, Ok(Approved::Changed(_))), "{approved:?}");
    }

    fn approve_str(bytes: &[u8]) -> Vec<u8> {
        match approve(bytes, "content/x.md", "Ban biên tập", at()).expect("approves") {
            Approved::Changed(b) => b,
            Approved::Unchanged => panic!("unchanged"),
        }
    }

    const BLOCK: &str = "approval:\n  by: \"Ban biên tập\"\n  at: 2026-12-06T21:00:00+07:00\n  digest: ";

    #[test]
    fn the_block_goes_last_in_the_front_matter_and_nothing_else_moves() {
        let src = "---\n# Ghi chú của biên tập\ntags:   [ a,b ]   # lạ\ntitle: 'Bài'\n\n---\nThân **bài**.\n";
        let out = String::from_utf8(approve_str(src.as_bytes())).expect("utf-8");
        let digest = approval::digest(src);
        assert_eq!(
            out,
            format!(
                "---\n# Ghi chú của biên tập\ntags:   [ a,b ]   # lạ\ntitle: 'Bài'\n\n{BLOCK}{digest}\n---\nThân **bài**.\n"
            )
        );
        assert_eq!(approval::digest(&out), digest);
    }

    #[test]
    fn crlf_bom_and_an_old_block_are_kept_or_replaced_in_place() {
        let src = "\u{feff}---\r\ntitle: Bài\r\napproval: {by: Cũ, digest: abc}\r\ndate: 2026-01-01\r\n---\r\nA\r\n";
        let out = approve_str(src.as_bytes());
        let text = String::from_utf8(out).expect("utf-8");
        let decoded = crate::parse::decode_text(text.as_bytes(), "x").expect("decodes");
        let digest = approval::digest(&decoded);
        let crlf = BLOCK.replace('\n', "\r\n");
        assert_eq!(
            text,
            format!("\u{feff}---\r\ntitle: Bài\r\n{crlf}{digest}\r\ndate: 2026-01-01\r\n---\r\nA\r\n")
        );
        // Approving again by the same reviewer changes nothing; by another, only the block.
        assert_eq!(approve(text.as_bytes(), "x", "Ban biên tập", at()).expect("ok"), Approved::Unchanged);
        let Approved::Changed(other) = approve(text.as_bytes(), "x", "Lê Văn B", at()).expect("ok") else {
            panic!("changed")
        };
        let other = String::from_utf8(other).expect("utf-8");
        assert_eq!(other, text.replace("Ban biên tập", "Lê Văn B"));
    }

    #[test]
    fn files_without_front_matter_or_that_do_not_parse_are_refused() {
        assert!(approve("Chỉ có thân bài.\n".as_bytes(), "x", "A", at()).is_err());
        assert!(approve(b"---\ntitle: [\n---\n", "x", "A", at()).is_err());
        assert!(approve(b"---\ntitle: A\n---\n", "x", "", at()).is_err());
        assert!(approve(b"\xff---\n", "x", "A", at()).is_err());
    }
}
