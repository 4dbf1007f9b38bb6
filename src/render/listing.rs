//! Generated pages: taxonomy term lists and term pages, audience pages, campaign audience
//! pages, and the feeds and sitemap. Each function renders one output for `render_site`.

use tera::Context;

use super::context::{
    AudiencePageView, CallToActionView, CampaignAudienceView, CampaignMessageView, CampaignView, DateView,
    LinkView, ListingView, PageCard, TaxonomyView, TermLinkView,
};
use super::feeds::{self, FeedInfo, SitemapEntry};
use super::{Bytes, Ctx, Env, Rendered1, pager_path, paginator, render_ctx, render_template};
use crate::content::CampaignStatus;
use crate::content::output_file;
use crate::diagnostics::{Diagnostic, Location};

/// Items per page of term and audience lists.
pub const PER_PAGE: usize = 10;

/// URL folder of the audience pages.
pub const AUDIENCES_PATH: &str = "/doi-tuong/";

fn taxonomy_title(name: &str) -> String {
    match name {
        "tags" => "Thẻ".to_string(),
        "categories" => "Chuyên mục".to_string(),
        other => other.to_string(),
    }
}

fn taxonomy_view(env: &Env<'_>, t: usize, with_terms: bool) -> TaxonomyView {
    let tax = &env.site.taxonomies[t];
    let base = format!("/{}/", tax.name);
    TaxonomyView {
        name: tax.name.clone(),
        title: taxonomy_title(&tax.name),
        url: env.config.url(&base),
        terms: if with_terms {
            tax.terms
                .iter()
                .map(|term| TermLinkView {
                    name: term.name.clone(),
                    slug: term.slug.clone(),
                    url: env.config.url(&format!("{base}{}/", term.slug)),
                    count: term.pages.len(),
                })
                .collect()
        } else {
            Vec::new()
        },
    }
}

/// The ids of the cards on listing page `n`.
fn page_ids(ids: &[usize], n: usize) -> Vec<usize> {
    ids.iter().skip((n - 1) * PER_PAGE).take(PER_PAGE).copied().collect()
}

fn listing<'a>(env: &'a Env<'_>, title: String, base: &str, ids: &[usize], n: usize) -> ListingView<'a> {
    ListingView {
        title,
        url: env.config.url(base),
        permalink: env.config.permalink(&pager_path(base, n)),
        pages: Vec::new(),
        paginator: paginator(env.config, base, ids.len(), PER_PAGE, n),
        feed_url: Some(env.config.url(&format!("{base}atom.xml"))),
    }
}

/// `/tags/`: the term list.
pub fn render_taxonomy(env: &Env<'_>, t: usize) -> Rendered1 {
    let view = taxonomy_view(env, t, true);
    let mut ctx = Context::new();
    ctx.insert("taxonomy", &view);
    let path = format!("/{}/", env.site.taxonomies[t].name);
    Ok((output_file(&path), render_template(env, "taxonomy.html", &ctx, "loa.yaml").map(Bytes::new)?))
}

/// `/tags/<slug>/` (and `trang/N/`): the pages with a term.
pub fn render_term(env: &Env<'_>, t: usize, k: usize, n: usize) -> Rendered1 {
    let tax = &env.site.taxonomies[t];
    let term = &tax.terms[k];
    let base = format!("/{}/{}/", tax.name, term.slug);
    let taxonomy = taxonomy_view(env, t, false);
    let link = LinkView { title: term.name.clone(), url: env.config.url(&base) };
    let listing = listing(env, term.name.clone(), &base, &term.pages, n);
    let mut ctx = Ctx::new(env);
    ctx.insert("taxonomy", &taxonomy);
    ctx.insert("term", &link);
    ctx.insert_listing(env, "listing", &listing, page_ids(&term.pages, n));
    Ok((output_file(&pager_path(&base, n)), render_ctx(env, "term.html", ctx, "loa.yaml")?))
}

/// Pages aimed at audience `a` (any kind that lists it), newest first.
pub fn audience_pages<'a>(env: &'a Env<'_>, a: usize) -> &'a [usize] {
    &env.lists.audiences[a]
}

fn audience_view(env: &Env<'_>, a: usize) -> AudiencePageView {
    let (id, aud) = &env.config.audiences.0[a];
    let base = format!("{AUDIENCES_PATH}{id}/");
    AudiencePageView {
        id: id.clone(),
        name: aud.name.clone(),
        description: aud.description.clone(),
        url: env.config.url(&base),
        feed_url: env.config.url(&format!("{base}atom.xml")),
        count: audience_pages(env, a).len(),
    }
}

/// `/doi-tuong/`: every audience.
pub fn render_audiences(env: &Env<'_>) -> Rendered1 {
    let views: Vec<AudiencePageView> =
        (0..env.config.audiences.0.len()).map(|a| audience_view(env, a)).collect();
    let mut ctx = Context::new();
    ctx.insert("audiences", &views);
    Ok((
        output_file(AUDIENCES_PATH),
        render_template(env, "audiences.html", &ctx, "loa.yaml").map(Bytes::new)?,
    ))
}

/// `/doi-tuong/<id>/`: active campaigns' messages for the audience (first page only), then
/// everything aimed at it, newest first.
pub fn render_audience(env: &Env<'_>, a: usize, n: usize) -> Rendered1 {
    let (id, aud) = &env.config.audiences.0[a];
    let base = format!("{AUDIENCES_PATH}{id}/");
    let ids = audience_pages(env, a);
    let mut messages = Vec::new();
    if n == 1 {
        for (i, p) in env.site.pages.iter().enumerate() {
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
    }
    let audience = audience_view(env, a);
    let listing = listing(env, aud.name.clone(), &base, ids, n);
    let mut ctx = Ctx::new(env);
    ctx.insert("audience", &audience);
    ctx.insert("messages", &messages);
    ctx.insert_listing(env, "listing", &listing, page_ids(ids, n));
    Ok((output_file(&pager_path(&base, n)), render_ctx(env, "audience.html", ctx, "loa.yaml")?))
}

/// A call-to-action URL: `@/` source paths resolved, unsafe schemes neutralised.
fn cta_url(env: &Env<'_>, page: usize, url: &str) -> Result<String, Diagnostic> {
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
            p.key_lines.locate(&p.file, "campaign"),
            format!("lời kêu gọi hành động trỏ tới trang không tồn tại `{url}`"),
        )
        .with_hint("đường dẫn `@/` tính từ thư mục content/, ví dụ `@/bai-viet/ten-bai.md`")),
    }
}

/// The message of campaign page `page` for its `k`-th audience.
fn audience_message(env: &Env<'_>, page: usize, k: usize) -> Result<CampaignAudienceView, Diagnostic> {
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
    })
}

/// Pages that joined campaign page `page`, newest first.
fn campaign_pages<'a>(env: &'a Env<'_>, page: usize) -> &'a [usize] {
    env.lists.campaigns.get(&page).map_or(&[], Vec::as_slice)
}

/// The campaign view of page `page`, if it is a campaign.
pub fn campaign_view<'a>(env: &'a Env<'_>, page: usize) -> Option<Result<CampaignView<'a>, Diagnostic>> {
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
    let mut ids: Vec<usize> = (0..env.site.pages.len())
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
pub fn render_campaign_audience(env: &Env<'_>, page: usize, k: usize) -> Rendered1 {
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
    let mut ctx = Context::new();
    ctx.insert("campaign", &campaign);
    ctx.insert("message", &message);
    ctx.insert("audience", &audience);
    ctx.insert("pages", &pages);
    let path = format!("{}{}/", p.path, message.id);
    Ok((output_file(&path), render_template(env, "campaign_audience.html", &ctx, &p.file).map(Bytes::new)?))
}

/// Atom feeds (site, sections, terms, audiences, campaigns), RSS for the site, sitemap.xml and
/// robots.txt.
pub fn feeds_and_sitemap(env: &Env<'_>) -> Vec<(String, Vec<u8>)> {
    let (config, site) = (env.config, env.site);
    let mut out = Vec::new();
    let cards = |ids: &[usize]| -> Vec<&PageCard> { ids.iter().map(|&i| &env.cards[i]).collect() };
    let mut feed = |path: String, title: String, page_path: &str, ids: &[usize]| {
        let self_url = config.permalink(&path);
        let page_url = config.permalink(page_path);
        let info =
            FeedInfo { title: &title, self_url: &self_url, page_url: &page_url, language: &config.language };
        out.push((path.trim_start_matches('/').to_string(), feeds::atom(&info, &cards(ids)).into_bytes()));
    };
    let mut dated: Vec<usize> = (0..site.pages.len()).filter(|&i| site.pages[i].date.is_some()).collect();
    site.sort_newest_first(&mut dated);
    feed("/atom.xml".to_string(), config.title.clone(), "/", &dated);
    for s in site.sections.iter().skip(1) {
        feed(format!("{}atom.xml", s.path), format!("{} · {}", s.title, config.title), &s.path, &s.pages);
    }
    for tax in &site.taxonomies {
        for term in &tax.terms {
            let base = format!("/{}/{}/", tax.name, term.slug);
            feed(format!("{base}atom.xml"), format!("{} · {}", term.name, config.title), &base, &term.pages);
        }
    }
    for a in 0..config.audiences.0.len() {
        let (id, aud) = &config.audiences.0[a];
        let base = format!("{AUDIENCES_PATH}{id}/");
        feed(
            format!("{base}atom.xml"),
            format!("{} · {}", aud.name, config.title),
            &base,
            audience_pages(env, a),
        );
    }
    for (i, p) in site.pages.iter().enumerate() {
        if p.meta.campaign().is_some() {
            feed(
                format!("{}atom.xml", p.path),
                format!("{} · {}", p.title, config.title),
                &p.path,
                campaign_pages(env, i),
            );
        }
    }
    let self_url = config.permalink("/rss.xml");
    let home = config.permalink("/");
    let info =
        FeedInfo { title: &config.title, self_url: &self_url, page_url: &home, language: &config.language };
    out.push(("rss.xml".to_string(), feeds::rss(&info, &config.title, &cards(&dated)).into_bytes()));

    let mut entries: Vec<SitemapEntry> = Vec::new();
    for (p, c) in site.pages.iter().zip(&env.cards) {
        let lastmod = c.updated.as_ref().or(c.date.as_ref()).map(|d| d.iso.clone());
        entries.push(SitemapEntry { loc: c.permalink.clone(), lastmod });
        if let Some(camp) = p.meta.campaign() {
            for (id, _) in &camp.audiences {
                entries
                    .push(SitemapEntry { loc: config.permalink(&format!("{}{id}/", p.path)), lastmod: None });
            }
        }
    }
    for s in &site.sections {
        let lastmod = s.pages.first().and_then(|&i| env.cards[i].date.as_ref()).map(|d| d.iso.clone());
        entries.push(SitemapEntry { loc: config.permalink(&s.path), lastmod });
    }
    for tax in site.taxonomies.iter().filter(|t| !t.terms.is_empty()) {
        entries.push(SitemapEntry { loc: config.permalink(&format!("/{}/", tax.name)), lastmod: None });
        for term in &tax.terms {
            entries.push(SitemapEntry {
                loc: config.permalink(&format!("/{}/{}/", tax.name, term.slug)),
                lastmod: None,
            });
        }
    }
    if !config.audiences.0.is_empty() {
        entries.push(SitemapEntry { loc: config.permalink(AUDIENCES_PATH), lastmod: None });
        for (id, _) in &config.audiences.0 {
            entries.push(SitemapEntry {
                loc: config.permalink(&format!("{AUDIENCES_PATH}{id}/")),
                lastmod: None,
            });
        }
    }
    out.push(("sitemap.xml".to_string(), feeds::sitemap(&mut entries).into_bytes()));
    out.push(("robots.txt".to_string(), feeds::robots(&config.permalink("/sitemap.xml")).into_bytes()));
    out
}
