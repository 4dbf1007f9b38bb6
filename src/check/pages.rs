//! The rules on the assembled pages: duplicate titles, invisible controls in titles and
//! summaries, articles without any summary (feeds show one), the front matter `image:`
//! (alt text, present in the output) and the images of the bodies (present in the output).
//!
//! Takes each page with what `markdown::scan_page` found in its body (images, opening
//! paragraph), and the files the build copies, by output path; gives diagnostics at the front
//! matter key or the body's place. Must not parse Markdown or read files: whether an image
//! exists is whether the build copies it.

use std::collections::BTreeMap;

use crate::content::{Document, Kind, Site};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

use super::markdown::PageBody;
use super::text::invisible_controls;

/// The rules on one page: invisible controls in its title and summary, an article without
/// any summary, the front matter image without alt text. `body` is what
/// `markdown::scan_page` found in its body. (Images missing from the site are the build's
/// errors: `validate::links`.)
pub(super) fn check_page(p: &Document, body: &PageBody) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for (what, text, at) in [
        ("tiêu đề", Some(p.title.as_str()), p.key_lines.locate(&p.file, "title")),
        ("tóm tắt", p.summary.as_deref(), p.key_lines.locate(&p.file, "summary")),
    ] {
        let bad = invisible_controls(text.unwrap_or(""));
        if !bad.is_empty() {
            let codes: Vec<String> = bad.iter().map(|c| format!("U+{:04X}", *c as u32)).collect();
            diags.push(
                Diagnostic::warning(
                    "invisible-control",
                    at,
                    format!("{what} chứa ký tự điều khiển vô hình ({})", codes.join(", ")),
                )
                .with_hint("xóa các ký tự này: chúng đảo chiều hoặc giấu chữ, có thể dùng để giả mạo"),
            );
        }
    }
    if p.kind == Kind::Article && p.summary.is_none() && !body.opening {
        diags.push(
            Diagnostic::warning(
                "summary",
                Location::file(&p.file),
                "bài viết không có tóm tắt: nguồn tin (RSS/Atom) và danh sách sẽ trống",
            )
            .with_hint("thêm `summary:` vào phần khai báo, hoặc viết đoạn mở đầu"),
        );
    }
    if p.image.is_some() && p.image_alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
        diags.push(
            Diagnostic::warning(
                "image-alt",
                p.key_lines.locate(&p.file, "image"),
                "ảnh đại diện không có mô tả",
            )
            .with_hint("thêm `image_alt:` mô tả ảnh cho người không nhìn thấy nó"),
        );
    }
    diags
}

/// Pages sharing a title (after NFC, case-insensitively): each after the first, naming it.
pub(super) fn duplicate_titles(site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mut titles: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for p in &site.pages {
        titles.entry(crate::vi::nfc(p.title.trim()).to_lowercase()).or_default().push(&p.file);
    }
    for files in titles.values().filter(|f| f.len() > 1) {
        for f in &files[1..] {
            diags.push(
                Diagnostic::warning(
                    "duplicate-title",
                    Location::file(*f),
                    format!("trùng tiêu đề với {}", files[0]),
                )
                .with_hint("đặt tiêu đề khác để người đọc và công cụ tìm kiếm phân biệt hai trang"),
            );
        }
    }
    diags
}
