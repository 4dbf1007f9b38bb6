//! Render stage: the assembled site, its rendered bodies and the templates → one
//! [`TemplateCall`] per output (pages, section listings with pagination, the home page,
//! taxonomy, audience and campaign pages, the glossary, the search page), each then filled
//! into bytes by [`fill`]; the feeds, the sitemap, `robots.txt`, `404.html` and alias
//! redirects beside them.
//!
//! Takes a [`RenderInput`] and the templates; gives values: [`Env`] (what every output reads,
//! made once: a card per page, the page lists, the backlinks), [`jobs::plan`] (every output to
//! make), [`jobs::prepare`] (the template call of one output) and [`fill`] (its bytes). Each
//! kind of output has its file: `page.rs` (a page of any kind), `section.rs` (listings and the
//! paginator), `campaign.rs` (a campaign's landing block and its page per audience),
//! `documents.rs` (documents, explainers, FAQ, glossary), `listing.rs` (taxonomies and
//! audiences), `feeds.rs` (Atom, RSS, sitemap, robots), `search_page.rs` (the search page and
//! the search documents). `context.rs` is the template API, field by field.
//! Must not: write files, keep anything between builds, or decide the order outputs are made
//! in (the build's schedule does, for memory). `env.rs` and `call.rs` are what every kind
//! shares; they import no kind's file.

pub mod backlinks;
pub mod bulletin;
pub mod call;
pub mod campaign;
pub mod context;
pub mod documents;
pub mod env;
pub mod feeds;
pub mod i18n;
pub mod images;
pub mod jobs;
pub mod listing;
pub mod page;
pub mod search_page;
pub mod section;
pub mod shortcodes;
pub mod templates;

use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{Config, MenuEntry, MenuLink};
use crate::content::{Section, Site};
use crate::markdown::cite::Citations;
use crate::markdown::{LinkTargets, Rendered};
use context::{AudienceView, LinkView, MenuItemView, PageCard, SiteView};
use templates::Templates;

pub use crate::output::{BuildOutput, Bytes, MemorySink, Sink};
pub use call::{TemplateCall, View, ViewValue, fill, render_template};
pub use env::{Env, Lists, TermOf};

/// What the render stage reads, besides the templates.
pub struct RenderInput<'a> {
    /// The configuration.
    pub config: &'a Config,
    /// The assembled site.
    pub site: &'a Site,
    /// The rendered body of each page, indexed like `site.pages` (their HTML and search text
    /// are handed to the outputs that use them separately, see [`jobs::prepare_page`]).
    pub pages: &'a [Arc<Rendered>],
    /// The rendered body of each section, indexed like `site.sections`.
    pub sections: &'a [Arc<Rendered>],
    /// Where `@/` links go.
    pub links: &'a LinkTargets,
    /// The citable documents.
    pub cites: &'a Citations,
    /// The scripts for the loudspeakers (issue 26).
    pub bulletins: &'a crate::bulletin::Bulletins,
    /// The links between the languages of a site in several (issue 28).
    pub translations: Option<&'a crate::content::translation::Links>,
}

impl<'a> Env<'a> {
    /// Everything the outputs share. The templates must already hold the site view
    /// ([`set_site_view`]).
    pub fn new(input: &RenderInput<'a>, templates: &'a Templates) -> Env<'a> {
        let RenderInput { config, site, pages, sections, links, cites, bulletins, translations } = *input;
        let slugs = env::term_slugs(site);
        let cards: Vec<PageCard> = site
            .pages
            .par_iter()
            .zip(pages.par_iter())
            .map(|(p, r)| {
                let mut card = page::page_card(config, p, r, &slugs);
                // A page without `image:` is shared with the card loa makes for it (when a
                // template shows share images: else no card is made).
                if card.image.is_none() && templates.share_images {
                    let text = page::share_card(config, site, p);
                    if text.drawable() {
                        card.image = Some(config.permalink(&format!("/{}", text.file())));
                        card.image_card = true;
                    }
                }
                card
            })
            .collect();
        let mentions: Vec<Vec<crate::markdown::cite::Mention>> =
            pages.iter().map(|r| r.mentions.clone()).collect();
        let backlinks = backlinks::Backlinks::new(&site.pages, &mentions, cites, site);
        let lists = Lists::new(config, site);
        let card_values = cards.iter().map(|_| std::sync::OnceLock::new()).collect();
        let bulletin_weeks = crate::bulletin::weeks::weeks(bulletins);
        Env {
            config,
            site,
            pages,
            sections,
            cards,
            templates,
            links,
            cites,
            backlinks,
            lists,
            card_values,
            bulletins,
            bulletin_weeks,
            translations,
        }
    }

    /// Frees the cards, their template values and the lists on a thread of their own (a large
    /// site's take tens of milliseconds to free).
    pub fn dispose(self) {
        let Env { cards, card_values, backlinks, lists, .. } = self;
        crate::dispose::later((cards, card_values, backlinks, lists));
    }
}

/// Puts the site view (`site` in every template), the language (`lang`) and the site's
/// languages (`languages`) into the templates' global context, and gives the site view (the
/// build's reuse of outputs keys by it; the language is in it, and the languages follow from
/// the config).
pub fn set_site_view(
    templates: &mut Templates,
    config: &Config,
    site: &Site,
    links: &LinkTargets,
    style: Option<String>,
    translations: Option<&crate::content::translation::Links>,
) -> SiteView {
    let view = SiteView { style, ..site_view(config, site, links, templates.has("search.html")) };
    let global = templates.tera.global_context();
    global.insert("site", &view);
    global.insert("lang", &config.language);
    global.insert("languages", &language_views(config, translations));
    view
}

/// `languages`: every language of the site, the default first; none for a site in one.
fn language_views(
    config: &Config,
    translations: Option<&crate::content::translation::Links>,
) -> Vec<context::LanguageView> {
    translations
        .map(|t| {
            t.languages
                .iter()
                .map(|l| context::LanguageView {
                    lang: l.code.clone(),
                    name: l.name.clone(),
                    url: l.home.clone(),
                    current: l.code == config.language,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `search_page`: the theme has `search.html` (with search on, the site then has a search page);
/// `links` resolve the `@/` entries of `menu:`.
pub fn site_view(config: &Config, site: &Site, links: &LinkTargets, search_page: bool) -> SiteView {
    let link = |s: &Section| LinkView { title: s.title.clone(), url: config.url(&s.path) };
    let mut pages: Vec<LinkView> = site.sections[0]
        .pages
        .iter()
        .map(|&i| &site.pages[i])
        .filter(|p| p.kind == crate::content::Kind::Page)
        .map(|p| LinkView { title: p.title.clone(), url: config.url(&p.path) })
        .collect();
    pages.sort_by(|a, b| crate::vi::collate(&a.title, &b.title));
    let sections: Vec<LinkView> =
        site.sections[0].subsections.iter().map(|&i| link(&site.sections[i])).collect();
    let menu = match &config.menu {
        Some(entries) => entries.iter().map(|e| menu_item(config, links, e)).collect(),
        None => sections
            .iter()
            .chain(&pages)
            .map(|l| MenuItemView { title: l.title.clone(), url: l.url.clone(), external: false })
            .collect(),
    };
    SiteView {
        title: config.title.clone(),
        base_url: config.base_url.clone(),
        home_url: config.url("/"),
        language: config.language.clone(),
        sections,
        menu,
        audiences: config
            .audiences
            .0
            .iter()
            .map(|(id, a)| AudienceView {
                id: id.clone(),
                name: a.name.clone(),
                description: a.description.clone(),
            })
            .collect(),
        pages,
        base_path: config.base_path.clone(),
        default_image: config.permalink("/og-default.png"),
        search_url: (config.search && search_page).then(|| config.url(search_page::SEARCH_PATH)),
        style: None,
    }
}

/// An entry of `menu:` as the theme shows it. An `@/` entry whose file is not on the site is an
/// error of `validate::links::menu`; it is shown at `#` meanwhile (as are the files left out by
/// their own errors).
fn menu_item(config: &Config, links: &LinkTargets, e: &MenuEntry) -> MenuItemView {
    let (url, external) = match &e.link {
        MenuLink::Content { file, anchor } => {
            let url = links.urls.get(file).cloned().unwrap_or_else(|| "#".to_string());
            match anchor {
                Some(a) if url != "#" => (format!("{url}#{a}"), false),
                _ => (url, false),
            }
        }
        MenuLink::Site(path) => (config.url(path), false),
        MenuLink::External(url) => (url.clone(), true),
    };
    MenuItemView { title: e.label.clone(), url, external }
}
