//! Links and images of a body.
//!
//! Takes: a link's destination as written, where it is written, the site's link targets and,
//! for a bundle page, its URL.
//! Gives: the destination to write (`link_dest`), with the diagnostics it raised and the
//! anchors of other pages it needs (`AnchorRef`, checked by `validate`).
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

/// Where a link or an image goes: `@/` links resolved (an error when the page does not exist;
/// `#anchor`s kept to be checked), relative links of a bundle made absolute against
/// `bundle_url`, dangerous schemes replaced by `#` with a warning.
pub(super) fn link_dest<'a>(
    dest: &CowStr<'a>,
    lines: &Lines<'_>,
    offset: usize,
    targets: &LinkTargets,
    bundle_url: Option<&str>,
    diagnostics: &mut Diagnostics,
    anchor_refs: &mut Vec<AnchorRef>,
) -> CowStr<'a> {
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
    let Some(internal) = dest.strip_prefix("@/") else {
        if let Some(base) = bundle_url.filter(|_| is_relative(dest)) {
            return CowStr::from(format!("{base}{}", dest.trim_start_matches("./")));
        }
        return dest.clone();
    };
    let (path, anchor) = match internal.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (internal, None),
    };
    let path = crate::vi::nfc(path);
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
            diagnostics.push(
                Diagnostic::error(
                    "broken-link",
                    lines.at(offset),
                    format!("liên kết tới trang không tồn tại `@/{path}`"),
                )
                .with_hint(hint),
            );
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
        };
        let r = render("![x](anh.jpg) [p](./t.pdf) [w](https://x.vn) [m](mailto:a@b) [h](#x)", 1, "f", opts);
        assert!(r.html.contains("src=\"/a/b/anh.jpg\""), "{}", r.html);
        assert!(r.html.contains("href=\"/a/b/t.pdf\""), "{}", r.html);
        assert!(r.html.contains("href=\"https://x.vn\""), "{}", r.html);
        assert!(r.html.contains("href=\"mailto:a@b\""), "{}", r.html);
        assert!(r.html.contains("href=\"#x\""), "{}", r.html);
    }
}
