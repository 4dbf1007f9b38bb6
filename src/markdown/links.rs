//! Links and images of a body.
//!
//! Takes: a link's destination as written, where it is written, the site's link targets and,
//! for a bundle page, its URL.
//! Gives: the destination to write (`link_dest`), with the diagnostics it raised, the anchors
//! of other pages it needs (`AnchorRef`, checked by `validate`) and the places of the site it
//! needs (`LocalLink`, checked once the site is made).
//! Must not: write HTML (the render loop does) or decide which pages exist (`LinkTargets` is
//! given).

use std::collections::HashMap;

use pulldown_cmark::CowStr;

use super::lines::Lines;
use crate::diagnostics::{Diagnostic, Diagnostics, Location, did_you_mean};

pub use crate::url::is_dangerous as is_dangerous_url;

/// What `@/path.md` links may point at: content-relative source path → site URL path.
#[derive(Debug, Clone, Default)]
pub struct LinkTargets {
    /// `bai-viet/x.md` → `/bai-viet/x/` (base path included).
    pub urls: HashMap<String, String>,
}

/// A `#anchor` of another page that must exist (checked by `validate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorRef {
    /// The target (content-relative source path, `bai-viet/x.md`).
    pub target: String,
    /// The anchor without `#`.
    pub anchor: String,
    /// Where the link is written.
    pub location: Location,
}

/// A link relative to the page (`anh.jpg`, `./a/b.pdf`): no scheme, not absolute, not an anchor.
fn is_relative(url: &str) -> bool {
    !(url.is_empty()
        || url.starts_with(['/', '#', '?'])
        || url.split(['/', '?', '#']).next().is_some_and(|first| first.contains(':')))
}

/// A link or an image to a place of this site that exists only once the site is made (a page
/// or listing, a static file or bundle asset, an anchor of a page): checked against the made
/// site after rendering (`validate::links`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalLink {
    /// The destination as written, for messages.
    pub written: String,
    /// Where it points, without its anchor: a site path (`/bai-viet/x/`, `/anh/a.jpg`), a path
    /// relative to the page (`anh.jpg`), or empty for the page itself (`#muc`).
    pub path: String,
    /// The anchor without `#`, if any.
    pub anchor: Option<String>,
    /// An image (`![…](…)`): a missing one is a broken image.
    pub image: bool,
    /// Where it is written.
    pub location: Location,
}

/// What a link's destination is turned into, and what it leaves to check.
pub(super) struct LinkFindings<'r> {
    /// Problems found now.
    pub diagnostics: &'r mut Diagnostics,
    /// Anchors of other pages, checked once every body is rendered.
    pub anchor_refs: &'r mut Vec<AnchorRef>,
    /// Places of the site, checked once the site is made.
    pub local: &'r mut Vec<LocalLink>,
}

/// Where the page's source is, for relative `.md` links: the content-relative folder of
/// `content/bai-viet/x.md` is `bai-viet/`.
pub(super) fn source_dir(file: &str) -> &str {
    let rel = file.strip_prefix("content/").unwrap_or(file);
    rel.rfind('/').map_or("", |i| &rel[..=i])
}

/// `dir` + `rel` with `.` and `..` resolved; `None` when `..` leaves `content/`.
fn join_relative(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Where a link or an image goes:
/// - dangerous schemes are replaced by `#` with a warning;
/// - `@/page.md` and relative `.md` links (`ten-bai.md`, `../van-ban/kl.md`) go to the page of
///   that source file (an error at the link when there is none; `#anchor`s kept to be checked);
/// - `@page.md` (no `/`) is an error with the right spelling as the hint;
/// - links to other sites and other schemes are kept;
/// - every other link (a site path, a relative path, an anchor of this page) is kept (relative
///   links of a bundle made absolute against `bundle_url`) and given back to be checked
///   against the made site.
#[allow(clippy::too_many_arguments, reason = "the link, its place, and the three lists it adds to")]
pub(super) fn link_dest<'a>(
    dest: &CowStr<'a>,
    image: bool,
    lines: &Lines<'_>,
    offset: usize,
    targets: &LinkTargets,
    bundle_url: Option<&str>,
    source_dir: &str,
    found: LinkFindings<'_>,
) -> CowStr<'a> {
    let LinkFindings { diagnostics, anchor_refs, local } = found;
    if is_dangerous_url(dest) {
        diagnostics.push(
            Diagnostic::warning(
                "unsafe-url",
                lines.at(offset),
                format!("đã vô hiệu hóa liên kết nguy hiểm `{}`", dest.chars().take(40).collect::<String>()),
            )
            .with_hint("liên kết chỉ nên dùng http://, https://, mailto: hoặc đường dẫn trong trang"),
        );
        return CowStr::from("#");
    }
    let (path_part, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (&**dest, None),
    };
    let source = if let Some(internal) = dest.strip_prefix("@/") {
        Some(internal.split('#').next().unwrap_or("").to_string())
    } else if let Some(rest) = dest.strip_prefix('@') {
        diagnostics.push(
            Diagnostic::error(
                "broken-link",
                lines.at(offset),
                format!("liên kết `{dest}` thiếu `/` sau `@`"),
            )
            .with_hint(format!("viết `@/{rest}`: đường dẫn tính từ thư mục content/")),
        );
        return CowStr::from("#");
    } else if is_relative(path_part) && path_part.ends_with(".md") {
        match join_relative(source_dir, path_part) {
            Some(p) => Some(p),
            None => {
                diagnostics.push(
                    Diagnostic::error(
                        "broken-link",
                        lines.at(offset),
                        format!("liên kết `{dest}` đi ra ngoài thư mục content/"),
                    )
                    .with_hint("viết đường dẫn tới tệp trong content/, ví dụ `@/bai-viet/ten-bai.md`"),
                );
                return CowStr::from("#");
            }
        }
    } else {
        None
    };
    let Some(path) = source else {
        let external = dest.starts_with("//")
            || path_part.split(['/', '?']).next().is_some_and(|first| first.contains(':'));
        if !external {
            local.push(LocalLink {
                written: dest.to_string(),
                path: path_part.split('?').next().unwrap_or("").to_string(),
                anchor: anchor.filter(|a| !a.is_empty()).map(str::to_string),
                image,
                location: lines.at(offset),
            });
        }
        if let Some(base) = bundle_url.filter(|_| is_relative(dest)) {
            return CowStr::from(format!("{base}{}", dest.trim_start_matches("./")));
        }
        return dest.clone();
    };
    let path = crate::vi::nfc(&path);
    match targets.urls.get(&path) {
        Some(url) => {
            if let Some(a) = anchor.filter(|a| !a.is_empty()) {
                anchor_refs.push(AnchorRef {
                    target: path.clone(),
                    anchor: a.to_string(),
                    location: lines.at(offset),
                });
                CowStr::from(format!("{url}#{a}"))
            } else {
                CowStr::from(url.clone())
            }
        }
        None => {
            let hint = match did_you_mean(&path, targets.urls.keys().map(String::as_str)) {
                Some(s) => format!("có phải ý bạn là `@/{s}`? Đường dẫn tính từ thư mục content/"),
                None => "đường dẫn tính từ thư mục content/, ví dụ `@/bai-viet/ten-bai.md`".to_string(),
            };
            let message = if dest.starts_with("@/") {
                format!("liên kết tới trang không tồn tại `@/{path}`")
            } else {
                format!("liên kết tới trang không tồn tại `{dest}` (không có tệp content/{path})")
            };
            diagnostics.push(Diagnostic::error("broken-link", lines.at(offset), message).with_hint(hint));
            CowStr::from("#")
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::markdown::tests::{cites, md};
    use crate::markdown::{MarkdownOptions, highlight, render};

    use super::*;

    #[test]
    fn dangerous_links_are_neutralised() {
        for url in [
            "javascript:alert(1)",
            "JAVASCRIPT:x",
            " javascript:x",
            "java\tscript:x",
            "vbscript:x",
            "data:text/html,x",
        ] {
            let r = md(&format!("[a](<{url}>) ![i](<{url}>)"));
            assert!(!r.html.to_lowercase().contains("script:"), "{url}: {}", r.html);
            assert_eq!(r.diagnostics.warning_count(), 2, "{url}");
        }
    }

    #[test]
    fn links_and_images_in_headings_are_checked_too() {
        let r = md(
            "## [a](javascript:alert(1)) [b](@/bai-viet/a.md#muc) ![Logo](javascript:x) [c](@/khong.md)\n",
        );
        assert!(!r.html.contains("javascript"), "{}", r.html);
        assert!(r.html.contains("<a href=\"/bai-viet/a/#muc\">b</a>"), "{}", r.html);
        // The alt text of an image in a heading is kept.
        assert!(r.html.contains("alt=\"Logo\""), "{}", r.html);
        assert_eq!(r.anchor_refs.len(), 1);
        assert_eq!(r.diagnostics.warning_count(), 2, "{}", r.diagnostics);
        assert_eq!(r.diagnostics.iter().filter(|d| d.is_error()).count(), 1, "{}", r.diagnostics);
    }

    #[test]
    fn internal_links_resolve_or_fail_at_their_line() {
        let r = md("xem [a](@/bai-viet/a.md#muc) và\n[b](@/bai-viet/b.md)\n");
        assert!(r.html.contains("href=\"/bai-viet/a/#muc\""), "{}", r.html);
        assert_eq!(r.anchor_refs.len(), 1);
        let e: Vec<_> = r.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].location.as_ref().map(|l| (l.line, l.column)), Some((11, 1)));
        assert!(e[0].hint.as_deref().unwrap_or("").contains("@/bai-viet/a.md"));
    }

    #[test]
    fn bundle_relative_links_become_absolute() {
        let links = LinkTargets::default();
        let cites = cites();
        let opts = MarkdownOptions {
            unsafe_html: false,
            links: &links,
            bundle_url: Some("/a/b/"),
            cites: &cites,
            own_document: None,
            clause_anchors: false,
            highlights: &highlight::HighlightCache::default(),
            shortcodes: None,
        };
        let r = render("![x](anh.jpg) [p](./t.pdf) [w](https://x.vn) [m](mailto:a@b) [h](#x)", 1, "f", opts);
        assert!(r.html.contains("src=\"/a/b/anh.jpg\""), "{}", r.html);
        assert!(r.html.contains("href=\"/a/b/t.pdf\""), "{}", r.html);
        assert!(r.html.contains("href=\"https://x.vn\""), "{}", r.html);
        assert!(r.html.contains("href=\"mailto:a@b\""), "{}", r.html);
        assert!(r.html.contains("href=\"#x\""), "{}", r.html);
    }
}
