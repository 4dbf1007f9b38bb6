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
                let loc = key_lines.locate(file, &format!("campaign.audiences.{id}"));
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

/// Every `campaigns: [slug]` must name a campaign page of the site.
pub(super) fn check_campaign_refs(pages: &[Document], diags: &mut Diagnostics) {
    let slugs: Vec<&str> =
        pages.iter().filter(|p| p.meta.campaign().is_some()).map(|p| p.slug.as_str()).collect();
    for p in pages {
        for c in &p.campaigns {
            if !slugs.contains(&c.as_str()) {
                let hint = unknown_hint(
                    c,
                    &slugs,
                    "các chiến dịch",
                    "trang chưa có chiến dịch nào (tệp có `kind: campaign`)",
                );
                diags.push(
                    Diagnostic::error(
                        "unknown-campaign",
                        p.key_lines.locate(&p.file, "campaigns"),
                        format!("không có chiến dịch `{c}`"),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
}
