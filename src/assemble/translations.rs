//! The checks between a page and its translations (issue 28), once every language's site is
//! assembled: a translated campaign runs on its original's dates for its original's audiences
//! (its own headlines and messages only), and a translated document keeps its code.
//!
//! Takes the sites, the default language's first; gives an error at the translation's line for
//! each contradiction, with the original's value. Pure.

use std::collections::HashMap;

use crate::content::translation::{page_key, split_language};
use crate::content::{Document, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Every contradiction between a translation (of `sites[1..]`) and its original (in
/// `sites[0]`).
pub fn check_translations(sites: &[&Site]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let Some((default, others)) = sites.split_first() else { return diags };
    let key = |p: &Document| page_key(&split_language(p.file.trim_start_matches("content/")).0);
    let originals: HashMap<String, &Document> = default.pages.iter().map(|p| (key(p), p)).collect();
    for t in others.iter().flat_map(|s| &s.pages) {
        let Some(o) = originals.get(&key(t)) else { continue };
        if let (Some(tc), Some(oc)) = (t.meta.campaign(), o.meta.campaign()) {
            let differs = |what: &str, key: &str, theirs: String, ours: String| {
                Diagnostic::error(
                    "translation",
                    t.key_lines.locate(&t.file, key),
                    format!("bản dịch ghi {what} `{theirs}`, khác trang gốc {} (`{ours}`)", o.file),
                )
                .with_hint(format!(
                    "ngày và đối tượng của chiến dịch lấy theo trang gốc: ghi `{ours}` như trang gốc, hoặc sửa trang gốc (English: a translated campaign keeps its original's dates and audiences)"
                ))
            };
            for (what, key, theirs, ours) in [
                ("ngày bắt đầu", "campaign.starts", tc.starts, oc.starts),
                ("ngày kết thúc", "campaign.ends", tc.ends, oc.ends),
            ] {
                if theirs != ours {
                    diags.push(differs(what, key, theirs.fmt_iso_date(), ours.fmt_iso_date()));
                }
            }
            let (ti, oi) = (audience_ids(tc), audience_ids(oc));
            if ti != oi {
                diags.push(differs("các đối tượng", "campaign.audiences", ti.join(", "), oi.join(", ")));
            }
        }
        if let (Some(td), Some(od)) = (t.meta.document(), o.meta.document())
            && td.code != od.code
        {
            diags.push(
                Diagnostic::error(
                    "translation",
                    t.key_lines.locate(&t.file, "document.code"),
                    format!("bản dịch ghi số hiệu `{}`, khác trang gốc {} (`{}`)", td.code, o.file, od.code),
                )
                .with_hint(format!("bản dịch của một văn bản giữ số hiệu của nó: ghi `code: {}`", od.code)),
            );
        }
    }
    diags
}

fn audience_ids(c: &crate::content::Campaign) -> Vec<&str> {
    c.audiences.iter().map(|(id, _)| id.as_str()).collect()
}
