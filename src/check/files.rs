//! Active content in the copied SVG and HTML files (bundle files and `static/`): a
//! `<script>`, an `on…=` handler, `javascript:`, which would run on the site's own origin.
//!
//! Takes the paths of the files the load found to copy; gives at most one warning per file,
//! at the first such place. Reads the first 8 MiB of each SVG/HTML file; must not read other
//! files, change them, or look at Markdown.

use std::sync::LazyLock;

use regex::Regex;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location};

/// Largest SVG or HTML file read for scripts (bigger ones are read up to this size).
const MAX_ACTIVE_SCAN: u64 = 8 << 20;

static ACTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)<script\b|<iframe\b|<object\b|<embed\b|<foreignobject\b|[\s"'/]on[a-z]+\s*=|javascript:"#,
    )
    .expect("regex")
});

/// A copied SVG or HTML file (bundle or `static/`) that can run a script when opened from the
/// site: `<script>`, an `on…=` handler, `javascript:`. Published as is, it runs on the site's
/// own origin; a warning at its first such place (an error under `--strict`).
pub(super) fn check_active_content(config: &Config, path: &std::path::Path) -> Option<Diagnostic> {
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    if !matches!(ext.as_str(), "svg" | "html" | "htm" | "xhtml" | "xml") {
        return None;
    }
    let mut bytes = Vec::new();
    let file = std::fs::File::open(path).ok()?;
    std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_ACTIVE_SCAN), &mut bytes).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let m = ACTIVE.find(&text)?;
    let found =
        m.as_str().trim_start_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '/');
    let before = &text[..m.end() - found.len()];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let shown = path.strip_prefix(&config.root).unwrap_or(path).to_string_lossy().replace('\\', "/");
    let found: String = found.chars().take(20).collect();
    Some(
        Diagnostic::warning(
            "active-content",
            Location::at(shown, line, column),
            format!("tệp chứa mã chạy được trong trình duyệt (`{found}`), sẽ chạy trên tên miền của trang"),
        )
        .with_hint("xóa thẻ <script>, các thuộc tính on…= và liên kết javascript: khỏi tệp, hoặc xuất nó thành ảnh PNG"),
    )
}
