//! Validate stage: cross-document checks on the rendered bodies: anchors of `@/x.md#a` links
//! (here, once every body is rendered), and every other link and image of the site (`links`,
//! once the site is made).
//!
//! Takes the site and every `Rendered`; gives the diagnostics of all bodies plus the link
//! problems, sorted. Pure.

pub mod facts;
pub mod links;

use std::collections::HashMap;

use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::markdown::Rendered;

/// Collects the Markdown diagnostics and checks that every linked anchor exists.
pub fn validate(
    site: &Site,
    pages: &[std::sync::Arc<Rendered>],
    sections: &[std::sync::Arc<Rendered>],
) -> Diagnostics {
    let mut ids: HashMap<String, &[String]> = HashMap::new();
    for (p, r) in site.pages.iter().zip(pages) {
        ids.insert(p.file.trim_start_matches("content/").to_string(), &r.heading_ids);
    }
    for (s, r) in site.sections.iter().zip(sections) {
        if let Some(f) = &s.file {
            ids.insert(f.trim_start_matches("content/").to_string(), &r.heading_ids);
        }
    }
    let mut diags = Diagnostics::new();
    for r in pages.iter().chain(sections) {
        diags.extend(r.diagnostics.clone());
        for a in &r.anchor_refs {
            let known = ids.get(&a.target).copied().unwrap_or(&[]);
            if !known.contains(&a.anchor) {
                let hint = match did_you_mean(&a.anchor, known.iter().map(String::as_str)) {
                    Some(s) => format!("có phải ý bạn là `#{s}`?"),
                    None if known.is_empty() => "trang đó không có tiêu đề mục nào".to_string(),
                    None => format!("các mục có trong trang: {}", known.join(", ")),
                };
                diags.push(
                    Diagnostic::error(
                        "broken-anchor",
                        a.location.clone(),
                        format!("trang `@/{}` không có mục `#{}`", a.target, a.anchor),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
    diags.sort();
    diags
}
