//! The approval of each page under `editorial.approval` (issue 27): its state, the checks of
//! its `approval:` block, and whether it may be published.
//!
//! Takes a page's parsed front matter, its file's text and the config; gives an
//! `ApprovalRecord` and the problems of the block (errors at their line). Pure.

use crate::config::{ApprovalMode, Config};
use crate::content::KeyLines;
use crate::content::approval::{self, ApprovalMatter, ApprovalRecord, ApprovalState};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The approval of one page. `draft`: the page is a draft (or in a draft section). The
/// record's state is `Approved` only when the block is valid and its digest matches; the bool
/// says whether it does (for a draft too, whose state is `Draft`).
pub fn record(
    config: &Config,
    file: &str,
    title: &str,
    matter: Option<&ApprovalMatter>,
    text: &str,
    key_lines: &KeyLines,
    draft: bool,
) -> (ApprovalRecord, Diagnostics, bool) {
    let mut diags = Diagnostics::new();
    let mut matches = false;
    let line = key_lines.keys.iter().find(|(k, _)| k == "approval").map_or(0, |(_, l)| *l);
    let mut rec = ApprovalRecord {
        file: file.to_string(),
        title: title.to_string(),
        path: None,
        state: ApprovalState::Pending,
        by: None,
        at: None,
        digest: None,
        line,
        section: false,
    };
    if let Some(m) = matter {
        rec.by = m.by.as_ref().map(|t| t.0.trim().to_string()).filter(|s| !s.is_empty());
        rec.at = m.at.map(|d| d.0);
        rec.digest = m.digest.as_ref().map(|t| t.0.trim().to_string());
        let again = format!("chạy lại `loa approve {file} --by \"Họ tên\"` để ghi lại phần duyệt");
        match &rec.by {
            None => diags.push(
                Diagnostic::error("approval", key_lines.locate(file, "approval.by"), "phần duyệt thiếu `by` (người duyệt)")
                    .with_hint(again.clone()),
            ),
            Some(by) if !config.editorial.reviewers.is_empty() && !config.editorial.reviewers.contains(by) => {
                diags.push(
                    Diagnostic::error(
                        "approval",
                        key_lines.locate_value(file, "approval.by", 0, by),
                        format!("`{by}` không có trong danh sách người duyệt (`editorial.reviewers` trong loa.yaml)"),
                    )
                    .with_hint(format!("người duyệt của trang: {}", config.editorial.reviewers.join(", "))),
                )
            }
            Some(_) => {}
        }
        if rec.at.is_none() {
            diags.push(
                Diagnostic::error(
                    "approval",
                    key_lines.locate(file, "approval.at"),
                    "phần duyệt thiếu `at` (thời điểm duyệt)",
                )
                .with_hint(again.clone()),
            );
        }
        match &rec.digest {
            None => diags.push(
                Diagnostic::error(
                    "approval",
                    key_lines.locate(file, "approval.digest"),
                    "phần duyệt thiếu `digest` (mã của nội dung đã duyệt)",
                )
                .with_hint(again.clone()),
            ),
            Some(d) => {
                if let Some(why) = approval::digest_error(d) {
                    diags.push(
                        Diagnostic::error("approval", key_lines.locate(file, "approval.digest"), why)
                            .with_hint(again),
                    );
                }
            }
        }
        if !diags.has_errors() {
            matches = rec.digest.as_deref() == Some(approval::digest(text).as_str());
            rec.state = if matches { ApprovalState::Approved } else { ApprovalState::Edited };
        }
    }
    if draft {
        rec.state = ApprovalState::Draft;
    }
    (rec, diags, matches)
}

/// Why a page is held back from the build under `approval: required` (a warning), or `None`
/// when it may be published: its approval is valid and matches its text.
pub fn held(config: &Config, rec: &ApprovalRecord, matches: bool) -> Option<Diagnostic> {
    if config.editorial.approval != ApprovalMode::Required || matches {
        return None;
    }
    let file = &rec.file;
    let loc = crate::diagnostics::Location::at(file, rec.line, usize::from(rec.line > 0));
    // A section's listing is still built (its approved pages stay reachable), without the
    // section's own text: its title falls back to the folder name, no summary, no intro.
    let (what, held_back) = if rec.section {
        ("chuyên mục", "trang danh sách vẫn xuất bản nhưng bỏ phần giới thiệu, tóm tắt và tên chuyên mục")
    } else {
        ("trang", "không xuất bản")
    };
    Some(match (&rec.by, rec.digest.is_some()) {
        (Some(by), true) => Diagnostic::warning(
            "approval-edited",
            loc,
            format!(
                "{what} đã được sửa sau khi {by} duyệt{}: {held_back} cho tới khi được duyệt lại",
                rec.at.map(|t| format!(" {}", t.fmt_short())).unwrap_or_default()
            ),
        )
        .with_hint(format!("người duyệt đọc lại {what} rồi chạy `loa approve {file} --by \"{by}\"`")),
        _ => Diagnostic::warning("approval-pending", loc, format!("{what} chưa được duyệt: {held_back}"))
            .with_hint(format!("người duyệt đọc {what} (xem trước bằng `loa serve`) rồi chạy `loa approve {file} --by \"Họ tên\"`")),
    })
}
