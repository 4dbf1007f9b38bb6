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
//! in (the build's schedule does, for memory).

pub mod campaign;
pub mod context;
pub mod documents;
pub mod feeds;
pub mod jobs;
pub mod listing;
pub mod page;
pub mod search_page;
pub mod section;
pub mod templates;

use std::sync::Arc;

use rayon::prelude::*;
use tera::Context;

use crate::config::Config;
use crate::content::{Section, Site};
use crate::diagnostics::Diagnostic;
use crate::markdown::cite::Citations;
use crate::markdown::{LinkTargets, Rendered};
use context::{AudienceView, LinkView, PageCard, SiteView};
use templates::{Templates, tera_error};

pub use crate::output::{BuildOutput, Bytes, MemorySink, Sink};

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
}

/// What every output reads, made once per build.
pub struct Env<'a> {
    /// The configuration.
    pub config: &'a Config,
    /// The assembled site.
    pub site: &'a Site,
    /// The rendered body of each page (see [`RenderInput::pages`]).
    pub pages: &'a [Arc<Rendered>],
    /// The rendered body of each section.
    pub sections: &'a [Arc<Rendered>],
    /// One card per page, indexed like `site.pages`.
    pub cards: Vec<PageCard>,
    /// The templates.
    pub templates: &'a Templates,
    /// Where `@/` links go (for calls to action).
    pub links: &'a LinkTargets,
    /// The citable documents.
    pub cites: &'a Citations,
    /// Who cites which document and clause.
    pub backlinks: documents::Backlinks,
    /// Page lists computed once per build (audiences, campaigns, positions in sections).
    pub lists: Lists,
    /// Each card already converted to a template value: listings reuse these (cheap clones)
    /// instead of serializing every card again for every listing page it is on. Converted when
    /// first needed: a `loa serve` rebuild that reuses every listing converts none.
    pub card_values: Vec<std::sync::OnceLock<tera::Value>>,
}

impl<'a> Env<'a> {
    /// Everything the outputs share. The templates must already hold the site view
    /// ([`set_site_view`]).
    pub fn new(input: &RenderInput<'a>, templates: &'a Templates) -> Env<'a> {
        let RenderInput { config, site, pages, sections, links, cites } = *input;
        let slugs = term_slugs(site);
        let cards: Vec<PageCard> = site
            .pages
            .par_iter()
            .zip(pages.par_iter())
            .map(|(p, r)| page::page_card(config, p, r, &slugs))
            .collect();
        let mentions: Vec<Vec<crate::markdown::cite::Mention>> =
            pages.iter().map(|r| r.mentions.clone()).collect();
        let backlinks = documents::Backlinks::new(&site.pages, &mentions, cites, site);
        let lists = Lists::new(config, site);
        let card_values = cards.iter().map(|_| std::sync::OnceLock::new()).collect();
        Env { config, site, pages, sections, cards, templates, links, cites, backlinks, lists, card_values }
    }

    /// Frees the cards, their template values and the lists on a thread of their own (a large
    /// site's take tens of milliseconds to free).
    pub fn dispose(self) {
        let Env { cards, card_values, backlinks, lists, .. } = self;
        crate::dispose::later((cards, card_values, backlinks, lists));
    }
}

/// Puts the site view (`site` in every template) into the templates' global context, and
/// gives it (the build's reuse of outputs keys by it).
pub fn set_site_view(templates: &mut Templates, config: &Config, site: &Site) -> SiteView {
    let view = site_view(config, site, templates.has("search.html"));
    templates.tera.global_context().insert("site", &view);
    view
}

/// One output to make with a template: where it goes, the template, the source file its errors
/// name, and the values the template reads. Made by [`jobs::prepare`], turned into bytes by
/// [`fill`]. Its views are everything the output depends on besides the templates and the site
/// view, so the build can reuse the bytes of an earlier build when they are the same.
pub struct TemplateCall<'a> {
    /// Output path (`bai-viet/x/index.html`).
    pub path: String,
    /// Template name.
    pub template: &'a str,
    /// The file a template error is reported against (`content/x.md`, `loa.yaml`).
    pub source: String,
    /// The values the template reads, by name, in the order they are given.
    pub views: Vec<(&'static str, View<'a>)>,
    /// Pages whose card a view stands for by the page's index (a [`crate::fingerprint::Derived`]
    /// keyed by it) rather than by its value: their cards are inputs of the output too.
    pub cards: Vec<usize>,
}

/// One value of a template call.
pub enum View<'a> {
    /// A value, as it serializes.
    Value(Box<dyn ViewValue + 'a>),
    /// A listing: a view whose `pages` field is left empty, and the pages whose cards fill it.
    Listing(Box<dyn ViewValue + 'a>, Vec<usize>),
}

/// A value a template can read: serializable into a template value, and fingerprinted for the
/// build's reuse of outputs.
pub trait ViewValue {
    /// The value as templates see it.
    fn value(&self) -> tera::Value;
    /// Its fingerprint (see [`crate::fingerprint`]), with the fingerprints of `known` strings.
    fn fingerprint(&self, known: Option<&crate::fingerprint::Prehashed>) -> u64;
}

impl<T: serde::Serialize> ViewValue for T {
    fn value(&self) -> tera::Value {
        tera::Value::from_serializable(self)
    }

    fn fingerprint(&self, known: Option<&crate::fingerprint::Prehashed>) -> u64 {
        crate::fingerprint::of_with(self, known)
    }
}

impl<'a> TemplateCall<'a> {
    /// A call of `template` for the output at `path`, errors reported against `source`.
    pub fn new(path: String, template: &'a str, source: impl Into<String>) -> TemplateCall<'a> {
        TemplateCall { path, template, source: source.into(), views: Vec::new(), cards: Vec::new() }
    }

    /// Adds `value` as `name`.
    pub fn with(mut self, name: &'static str, value: impl ViewValue + 'a) -> TemplateCall<'a> {
        self.views.push((name, View::Value(Box::new(value))));
        self
    }

    /// Declares that a view stands for page `i`'s card by its index (see [`TemplateCall::cards`]).
    pub fn with_card(mut self, i: usize) -> TemplateCall<'a> {
        self.cards.push(i);
        self
    }

    /// Adds a listing `view` (its `pages` field left empty) as `name`, with the cards of `ids`
    /// as its `pages`.
    pub fn listing(
        mut self,
        name: &'static str,
        view: impl ViewValue + 'a,
        ids: Vec<usize>,
    ) -> TemplateCall<'a> {
        self.views.push((name, View::Listing(Box::new(view), ids)));
        self
    }
}

/// Renders a template call into the bytes of its output.
pub fn fill(env: &Env<'_>, call: &TemplateCall<'_>) -> Result<Bytes, Diagnostic> {
    let mut c = Context::new();
    for (name, view) in &call.views {
        match view {
            View::Value(v) => c.insert_value(*name, v.value()),
            View::Listing(v, ids) => c.insert_value(*name, view_with_pages(env, v.value(), ids)),
        }
    }
    render_template(env, call.template, &c, &call.source).map(Bytes::new)
}

/// A listing `view` (whose `pages` field is empty) with the cards of `ids` put in as `pages`,
/// from the values serialized once per build.
fn view_with_pages(env: &Env<'_>, view: tera::Value, ids: &[usize]) -> tera::Value {
    let mut map = view.into_map().unwrap_or_default();
    let pages: Vec<tera::Value> =
        ids.iter().map(|&i| env.card_values[i].get_or_init(|| card_value(env, i)).clone()).collect();
    map.insert("pages".into(), tera::Value::from(pages));
    tera::Value::from(map)
}

/// The component a listing page renders for each of its pages.
pub const CARD_COMPONENT: &str = "card";

/// Page `i`'s card as a template value, with `card_html`: the theme's [`CARD_COMPONENT`]
/// rendered for it once, for every listing it is on (a page is on several: its section's, its
/// tags', its audiences'). Without that component, or when it fails (the listing's own call
/// of it then reports the error), the value has no `card_html`.
fn card_value(env: &Env<'_>, i: usize) -> tera::Value {
    let value = tera::Value::from_serializable(&env.cards[i]);
    let tera = &env.templates.tera;
    if !tera.contains_component(CARD_COMPONENT) {
        return value;
    }
    let mut args = Context::new();
    args.insert_value("p", value.clone());
    // Listings are HTML, which Tera escapes.
    let rendered = tera.render_component(CARD_COMPONENT, &args, None, true);
    // The value's only holder again: `into_map` takes its map instead of copying it.
    drop(args);
    let Ok(html) = rendered else { return value };
    if !value.is_map() {
        return value;
    }
    let mut map = value.into_map().unwrap_or_default();
    map.insert("card_html".into(), tera::Value::safe_string(&html));
    tera::Value::from(map)
}

/// Lists that many outputs need, computed once per build instead of once per output.
#[derive(Debug, Default)]
pub struct Lists {
    /// For each audience of loa.yaml (in order), the pages aimed at it, newest first.
    pub audiences: Vec<Vec<usize>>,
    /// For each campaign page, the pages that joined it, newest first.
    pub campaigns: std::collections::HashMap<usize, Vec<usize>>,
    /// For each page, its position in its section's list.
    pub position: Vec<usize>,
}

impl Lists {
    fn new(config: &Config, site: &Site) -> Lists {
        let mut newest: Vec<usize> = (0..site.pages.len()).collect();
        site.sort_newest_first(&mut newest);
        let audiences = config
            .audiences
            .0
            .iter()
            .map(|(id, _)| newest.iter().copied().filter(|&i| site.pages[i].audiences.contains(id)).collect())
            .collect();
        let mut campaigns: std::collections::HashMap<usize, Vec<usize>> = std::collections::HashMap::new();
        let by_slug: std::collections::HashMap<&str, usize> = site
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.meta.campaign().is_some())
            .map(|(i, p)| (p.slug.as_str(), i))
            .collect();
        for &i in &newest {
            for slug in &site.pages[i].campaigns {
                if let Some(&c) = by_slug.get(slug.as_str()) {
                    campaigns.entry(c).or_default().push(i);
                }
            }
        }
        let mut position = vec![0; site.pages.len()];
        for s in &site.sections {
            for (k, &id) in s.pages.iter().enumerate() {
                position[id] = k;
            }
        }
        Lists { audiences, campaigns, position }
    }
}

/// Renders `template` with `ctx`, mapping errors to a diagnostic naming the page.
pub fn render_template(
    env: &Env<'_>,
    template: &str,
    ctx: &Context,
    source: &str,
) -> Result<Vec<u8>, Diagnostic> {
    // Rendering into bytes skips the UTF-8 check of `render` (the output is UTF-8 by
    // construction: templates and context are strings).
    let mut out = Vec::with_capacity(16 * 1024);
    env.templates
        .tera
        .render_to(template, ctx, &mut out)
        .map(|()| out)
        .map_err(|e| tera_error(&e, &env.templates.files, Some(source), Some(template)))
}

/// `search_page`: the theme has `search.html` (with search on, the site then has a search page).
pub fn site_view(config: &Config, site: &Site, search_page: bool) -> SiteView {
    let link = |s: &Section| LinkView { title: s.title.clone(), url: config.url(&s.path) };
    let mut pages: Vec<LinkView> = site.sections[0]
        .pages
        .iter()
        .map(|&i| &site.pages[i])
        .filter(|p| p.kind == crate::content::Kind::Page)
        .map(|p| LinkView { title: p.title.clone(), url: config.url(&p.path) })
        .collect();
    pages.sort_by(|a, b| crate::vi::collate(&a.title, &b.title));
    SiteView {
        title: config.title.clone(),
        base_url: config.base_url.clone(),
        home_url: config.url("/"),
        language: config.language.clone(),
        sections: site.sections[0].subsections.iter().map(|&i| link(&site.sections[i])).collect(),
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
    }
}

/// The slug of every term name used on the site (slugified once, not once per page).
pub type TermSlugs<'a> = std::collections::HashMap<&'a str, String>;

fn term_slugs(site: &Site) -> TermSlugs<'_> {
    let mut slugs = TermSlugs::new();
    for t in site.pages.iter().flat_map(|p| &p.terms) {
        if !slugs.contains_key(t.name.as_str()) {
            slugs.insert(&t.name, crate::vi::slugify(&t.name));
        }
    }
    slugs
}
