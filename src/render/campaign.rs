//! Campaigns: a campaign page's block (dates, status, the message for each audience, the
//! pages that joined it; `page.campaign`), its page per audience (`campaign_audience.html`,
//! printed as a leaflet), the active campaigns of the home page and of each audience's page,
//! and calls to action.
//!
//! Takes the [`Env`]; gives values. Every rule about how a campaign is shown lives here.

use super::call::TemplateCall;
use super::context::{
    CallToActionView, CampaignAudienceView, CampaignMessageView, CampaignView, DateView, LinkView, PageCard,
};
use super::env::{Env, audience_view};
use crate::content::DocId;
use crate::content::{CampaignStatus, output_file};
use crate::diagnostics::{Diagnostic, Location};

/// A call-to-action URL: `@/` source paths resolved, unsafe schemes neutralised.
fn cta_url(env: &Env<'_>, page: DocId, url: &str) -> Result<String, Diagnostic> {
    let p = &env.site.pages[page];
    if crate::url::is_dangerous(url) {
        return Ok("#".to_string());
    }
    let Some(target) = url.strip_prefix("@/") else { return Ok(url.to_string()) };
    let (path, anchor) = target.split_once('#').map_or((target, None), |(a, b)| (a, Some(b)));
    match env.links.urls.get(path) {
        Some(u) => Ok(anchor.map_or_else(|| u.clone(), |a| format!("{u}#{a}"))),
        None => Err(Diagnostic::error(
            "broken-link",
            p.key_lines.locate_value(&p.file, "campaign.audiences", 0, url),
            format!("lời kêu gọi hành động trỏ tới trang không tồn tại `{url}`"),
        )
        .with_hint("đường dẫn `@/` tính từ thư mục content/, ví dụ `@/bai-viet/ten-bai.md`")),
    }
}

/// The message of campaign page `page` for its `k`-th audience.
fn audience_message(env: &Env<'_>, page: DocId, k: usize) -> Result<CampaignAudienceView, Diagnostic> {
    let p = &env.site.pages[page];
    let Some(c) = p.meta.campaign() else {
        return Err(Diagnostic::error("campaign", Location::file(&p.file), "không phải trang chiến dịch"));
    };
    let (id, m) = &c.audiences[k];
    let name = env.config.audiences.get(id).map_or_else(|| id.clone(), |a| a.name.clone());
    let call_to_action = match &m.call_to_action {
        Some(cta) => Some(CallToActionView { label: cta.label.clone(), url: cta_url(env, page, &cta.url)? }),
        None => None,
    };
    Ok(CampaignAudienceView {
        id: id.clone(),
        name,
        headline: m.headline.clone(),
        message: m.message.clone(),
        call_to_action,
        url: env.config.url(&format!("{}{id}/", p.path)),
        share_image: {
            // A card its fonts cannot draw (a Khmer headline) is not made: the default image.
            let card = audience_share_card(env.config, p, m);
            if card.drawable() {
                env.config.permalink(&format!("/{}", card.file()))
            } else {
                env.config.permalink("/og-default.png")
            }
        },
    })
}

/// The messages of the active campaigns for audience `id`, for its page.
pub fn active_messages(env: &Env<'_>, id: &str) -> Result<Vec<CampaignMessageView>, Diagnostic> {
    let mut messages = Vec::new();
    for (i, p) in DocId::all(env.site.pages.len()).zip(&env.site.pages) {
        let Some(c) = p.meta.campaign() else { continue };
        if c.status(env.site.now) != CampaignStatus::Active {
            continue;
        }
        if let Some(k) = c.audiences.iter().position(|(aid, _)| aid == id) {
            messages.push(CampaignMessageView {
                campaign: LinkView { title: p.title.clone(), url: env.config.url(&p.path) },
                status_label: CampaignStatus::Active.label(),
                message: audience_message(env, i, k)?,
            });
        }
    }
    Ok(messages)
}

/// Pages that joined campaign page `page`, newest first.
pub fn campaign_pages<'a>(env: &'a Env<'_>, page: DocId) -> &'a [DocId] {
    env.lists.campaigns.get(&page).map_or(&[], Vec::as_slice)
}

/// The campaign view of page `page`, if it is a campaign.
pub fn campaign_view<'a>(env: &'a Env<'_>, page: DocId) -> Option<Result<CampaignView<'a>, Diagnostic>> {
    let p = &env.site.pages[page];
    let c = p.meta.campaign()?;
    let audiences: Result<Vec<_>, _> =
        (0..c.audiences.len()).map(|k| audience_message(env, page, k)).collect();
    let status = c.status(env.site.now);
    Some(audiences.map(|audiences| CampaignView {
        title: p.title.clone(),
        url: env.config.url(&p.path),
        starts: DateView::new(c.starts),
        ends: DateView::new(c.ends),
        goal: c.goal.clone(),
        status: match status {
            CampaignStatus::Upcoming => "upcoming",
            CampaignStatus::Active => "active",
            CampaignStatus::Ended => "ended",
        },
        status_label: status.label(),
        audiences,
        pages: campaign_pages(env, page).iter().map(|&i| &env.cards[i]).collect(),
        feed_url: env.config.url(&format!("{}atom.xml", p.path)),
    }))
}

/// Active campaigns, for the home page (`campaigns`).
pub fn active_campaigns<'a>(env: &'a Env<'_>) -> Vec<&'a PageCard> {
    let mut ids: Vec<DocId> = DocId::all(env.site.pages.len())
        .filter(|&i| {
            env.site.pages[i]
                .meta
                .campaign()
                .is_some_and(|c| c.status(env.site.now) == CampaignStatus::Active)
        })
        .collect();
    env.site.sort_newest_first(&mut ids);
    ids.into_iter().map(|i| &env.cards[i]).collect()
}

/// `/chien-dich/<slug>/<audience>/`: the campaign's headline, message and call to action for
/// one audience, and the campaign's pages aimed at it (or at no audience in particular).
pub fn prepare_audience_page<'a>(
    env: &'a Env<'_>,
    page: DocId,
    k: usize,
) -> Result<TemplateCall<'a>, Diagnostic> {
    let p = &env.site.pages[page];
    let campaign = match campaign_view(env, page) {
        Some(v) => v?,
        None => {
            return Err(Diagnostic::error(
                "campaign",
                Location::file(&p.file),
                "không phải trang chiến dịch",
            ));
        }
    };
    let message = campaign.audiences[k].clone();
    let pages: Vec<&PageCard> = campaign_pages(env, page)
        .iter()
        .copied()
        .filter(|&i| {
            let a = &env.site.pages[i].audiences;
            a.is_empty() || a.contains(&message.id)
        })
        .map(|i| &env.cards[i])
        .collect();
    let audience =
        env.config.audiences.0.iter().position(|(id, _)| *id == message.id).map(|a| audience_view(env, a));
    let path = format!("{}{}/", p.path, message.id);
    Ok(TemplateCall::new(output_file(&path), "campaign_audience.html", p.file.as_str())
        .with("campaign", campaign)
        .with("message", message)
        .with("audience", audience)
        .with("pages", pages))
}

/// The share card of a campaign's page for one audience: its headline and call to action,
/// under the campaign's title.
pub fn audience_share_card(
    config: &crate::config::Config,
    p: &crate::content::Document,
    m: &crate::content::kind::AudienceMessage,
) -> crate::media::card::CardText {
    crate::media::card::CardText {
        title: m.headline.clone(),
        site: config.title.clone(),
        section: p.title.clone(),
        call_to_action: m.call_to_action.as_ref().map(|c| c.label.clone()).unwrap_or_default(),
    }
}
