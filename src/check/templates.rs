//! The `| safe` filter on front matter fields in the theme's and the site's templates: a
//! value an editor typed would be output as HTML unescaped (a `<script>` in a title would
//! run).
//!
//! Takes the config (where the templates are); gives a warning at each such use, at its
//! template line:column. Reads the template files; must not render or compile them.

use std::sync::LazyLock;

use regex::Regex;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// Front matter fields (plain text written by editors) that must never go through `| safe`.
const PLAIN_FIELDS: &[&str] = &[
    "title",
    "description",
    "image",
    "image_alt",
    "extra",
    "headline",
    "message",
    "label",
    "goal",
    "name",
    "q",
    "term",
    "definition",
    "signer",
    "issuer",
    "code",
    "tags",
    "slug",
    "site",
];

/// `{{ page.title | safe }}` and the like in the theme's and the site's templates: a front
/// matter value would be output as HTML (a `<script>` in a title would run). `| safe` on the
/// fields loa renders as HTML (`content`, `summary`, `html`, `a`, `faq_jsonld`) is fine.
pub fn check_templates(config: &Config) -> Diagnostics {
    static SAFE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"\{\{-?\s*([A-Za-z_][A-Za-z0-9_.\[\]]*)\s*((?:\|\s*[A-Za-z_]+(?:\([^)]*\))?\s*)*)\|\s*safe\b",
        )
        .expect("regex")
    });
    let mut diags = Diagnostics::new();
    let mut dirs = Vec::new();
    if let Some(t) = &config.theme {
        dirs.push(format!("themes/{t}/templates"));
    }
    dirs.push("templates".to_string());
    for dir in dirs {
        let abs = config.root.join(&dir);
        for e in walkdir::WalkDir::new(&abs).sort_by_file_name().into_iter().flatten() {
            if !e.file_type().is_file() {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(e.path()) else { continue };
            let rel = e.path().strip_prefix(&abs).unwrap_or(e.path()).to_string_lossy().replace('\\', "/");
            let file = format!("{dir}/{rel}");
            for (i, line) in text.lines().enumerate() {
                for c in SAFE.captures_iter(line) {
                    let var = &c[1];
                    let segs: Vec<&str> = var.split(['.', '[']).collect();
                    if segs.len() < 2 || !c[2].trim().is_empty() && c[2].contains("markdown") {
                        continue;
                    }
                    if segs[1..].iter().any(|s| PLAIN_FIELDS.contains(&s.trim_end_matches(']'))) {
                        let col = line[..c.get(0).map_or(0, |m| m.start())].chars().count() + 1;
                        diags.push(
                            Diagnostic::warning(
                                "unsafe-template",
                                Location::at(&file, i + 1, col),
                                format!("`{var} | safe`: giá trị từ phần khai báo được xuất như HTML, không được thoát"),
                            )
                            .with_hint(format!("bỏ `| safe` (Tera tự thoát HTML): `{{{{ {var} }}}}`")),
                        );
                    }
                }
            }
        }
    }
    diags
}
