//! Campaigns in the assemble stage: a campaign page's block (dates in order, audiences
//! declared in loa.yaml), and every page's `campaigns: [slug]` naming a campaign of the site.

use crate::config::Config;
use crate::content::kind::CampaignMatter;
use crate::content::{Campaign, Document, KeyLines, KindMeta};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, unknown_hint};

/// The campaign of a page of kind `campaign`: its block checked (dates in order, audiences
/// declared), or an error when the block is missing.
pub(super) fn campaign_meta(
    config: &Config,
    block: Option<CampaignMatter>,
    file: &str,
    key_lines: &KeyLines,
    diags: &mut Diagnostics,
) -> KindMeta {
    match block {
        Some(c) => {
            let (starts, ends) = (c.starts.0, c.ends.0);
            if ends < starts {
                diags.push(
                    Diagnostic::error(
                        "campaign-dates",
                        key_lines.locate(file, "campaign.ends"),
                        "chiến dịch kết thúc trước khi bắt đầu",
                    )
                    .with_hint(format!(
                        "`ends` ({}) phải sau hoặc bằng `starts` ({})",
                        ends.fmt_iso_date(),
                        starts.fmt_iso_date()
                    )),
                );
            }
            for (id, _) in &c.audiences.0 {
                let loc = key_lines.locate_value(file, &format!("campaign.audiences.{id}"), 0, id);
                if let Some(d) = super::audiences::unknown_audience(config, id, loc) {
                    diags.push(d);
                }
            }
            KindMeta::Campaign(Campaign { starts, ends, goal: c.goal.map(|g| g.0), audiences: c.audiences.0 })
        }
        None => {
            diags.push(
                Diagnostic::error(
                    "campaign",
                    Location::file(file),
                    "trang chiến dịch thiếu khối `campaign:`",
                )
                .with_hint(
                    "thêm `campaign: {starts: 2022-09-15, ends: 2026-12-31, goal: …, audiences: {…}}`",
                ),
            );
            KindMeta::None
        }
    }
}

/// Every `campaigns: [slug]` must name a campaign page of the site. A slug that a file left
/// out by its own errors (`missing`) would have had is not an error here: that file's errors
/// are reported, and fixing them fixes this.
pub(super) fn check_campaign_refs(pages: &[Document], missing: &[&String], diags: &mut Diagnostics) {
    let slugs: Vec<&str> =
        pages.iter().filter(|p| p.meta.campaign().is_some()).map(|p| p.slug.as_str()).collect();
    let missing_slugs: Vec<String> = missing.iter().map(|f| default_slug(f)).collect();
    for p in pages {
        for c in &p.campaigns {
            if !slugs.contains(&c.as_str()) && !missing_slugs.contains(c) {
                let hint = unknown_hint(
                    c,
                    &slugs,
                    "các chiến dịch",
                    "trang chưa có chiến dịch nào (tệp có `kind: campaign`)",
                );
                diags.push(
                    Diagnostic::error(
                        "unknown-campaign",
                        p.key_lines.locate_value(&p.file, "campaigns", 0, c),
                        format!("không có chiến dịch `{c}`"),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
}

/// The slug a source file has when its front matter does not say (`bai-viet/x.md` → `x`,
/// `bai-viet/le/index.md` → `le`), Vietnamese-folded.
pub(super) fn default_slug(file: &str) -> String {
    let rel = super::routes::content_rel(file);
    let rel = rel.trim_end_matches(".md");
    let stem = match rel.strip_suffix("/index") {
        Some(dir) => dir.rsplit('/').next().unwrap_or(dir),
        None => rel.rsplit('/').next().unwrap_or(rel),
    };
    crate::vi::slugify(stem)
}
