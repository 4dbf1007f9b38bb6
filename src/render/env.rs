//! What every output of a build reads, made once: the site, the bodies, a card per page, the
//! page lists (per audience, per campaign, positions in sections), the backlinks of
//! documents, and helpers every kind of output shares (audiences, term slugs, cards as
//! template values).
//!
//! Takes nothing but values; imports no kind of output (each kind's file imports this one).

use std::sync::Arc;

use tera::Context;

use super::backlinks::Backlinks;
use super::context::{AudiencePageView, PageCard};
use super::templates::Templates;
use crate::config::Config;
use crate::content::DocId;
use crate::content::Site;
use crate::markdown::LinkTargets;
use crate::markdown::Rendered;
use crate::markdown::cite::Citations;

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
    pub backlinks: Backlinks,
    /// Page lists computed once per build (audiences, campaigns, positions in sections).
    pub lists: Lists,
    /// Each card already converted to a template value: listings reuse these (cheap clones)
    /// instead of serializing every card again for every listing page it is on. Converted when
    /// first needed: a `loa serve` rebuild that reuses every listing converts none.
    pub card_values: Vec<std::sync::OnceLock<tera::Value>>,
    /// The scripts for the loudspeakers (issue 26).
    pub bulletins: &'a crate::bulletin::Bulletins,
    /// The scripts by week, newest first.
    pub bulletin_weeks: Vec<crate::bulletin::weeks::Week>,
    /// The links between the languages of a site in several (issue 28).
    pub translations: Option<&'a crate::content::translation::Links>,
}

/// A term of the site: term `term` of taxonomy `taxonomy`, indexes into `site.taxonomies`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermOf {
    /// Index of the taxonomy.
    pub taxonomy: usize,
    /// Index of the term in it.
    pub term: usize,
}

/// URL folder of the audience pages.
pub const AUDIENCES_PATH: &str = "/doi-tuong/";

/// Pages aimed at audience `a` (any kind that lists it), newest first.
pub fn audience_pages<'a>(env: &'a Env<'_>, a: usize) -> &'a [DocId] {
    &env.lists.audiences[a]
}

pub fn audience_view(env: &Env<'_>, a: usize) -> AudiencePageView {
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

/// A listing `view` (whose `pages` field is empty) with the cards of `ids` put in as `pages`,
/// from the values serialized once per build.
pub fn view_with_pages(env: &Env<'_>, view: tera::Value, ids: &[DocId]) -> tera::Value {
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
fn card_value(env: &Env<'_>, i: DocId) -> tera::Value {
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
    pub audiences: Vec<Vec<DocId>>,
    /// For each campaign page, the pages that joined it, newest first.
    pub campaigns: std::collections::HashMap<DocId, Vec<DocId>>,
    /// For each page, its position in its section's list.
    pub position: Vec<usize>,
}

impl Lists {
    /// The lists of `site`.
    pub fn new(config: &Config, site: &Site) -> Lists {
        let mut newest: Vec<DocId> = DocId::all(site.pages.len()).collect();
        site.sort_newest_first(&mut newest);
        let audiences = config
            .audiences
            .0
            .iter()
            .map(|(id, _)| newest.iter().copied().filter(|&i| site.pages[i].audiences.contains(id)).collect())
            .collect();
        let mut campaigns: std::collections::HashMap<DocId, Vec<DocId>> = std::collections::HashMap::new();
        let by_slug: std::collections::HashMap<&str, DocId> = DocId::all(site.pages.len())
            .zip(&site.pages)
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

/// The slug of every term name used on the site (slugified once, not once per page).
pub type TermSlugs<'a> = std::collections::HashMap<&'a str, String>;

pub fn term_slugs(site: &Site) -> TermSlugs<'_> {
    let mut slugs = TermSlugs::new();
    for t in site.pages.iter().flat_map(|p| &p.terms) {
        if !slugs.contains_key(t.name.as_str()) {
            slugs.insert(&t.name, crate::vi::slug::term_slug(&t.name));
        }
    }
    slugs
}
