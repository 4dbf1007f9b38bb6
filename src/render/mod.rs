//! Render stage: (Site, Rendered bodies, Templates) → every output file as bytes.
//!
//! Builds the template views once (a card per page, shared by every listing), then renders
//! every output in parallel: pages, section listings with pagination, the home page, taxonomy,
//! audience and campaign pages, feeds, the sitemap, robots.txt, 404 and alias redirects. Gives a
//! `BuildOutput` keyed by output path (a `BTreeMap`, so output is deterministic). Two outputs on
//! one path are an error. Template errors name the template, its line and the page.
//! Order, for memory (`loa build`): the pages render in step with the search index, each
//! page's body freed as its page is written and each search text once tokenised; the listings
//! (which build every card's template value) render after the index is written.
//! Must not write files.

pub mod context;
pub mod documents;
pub mod feeds;
pub mod listing;
pub mod templates;


use rayon::prelude::*;
use tera::Context;

use crate::config::Config;
use crate::content::output_file;
use crate::content::{Document, Kind, Section, Site};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::fingerprint;
use crate::markdown::cite::Citations;
use crate::markdown::{LinkTargets, Rendered, escape};
use context::{
    AudienceView, DateView, LinkView, PageCard, PageView, PagerLink, PaginatorView, SectionView, SiteView,
    TermView,
};
use templates::{Templates, tera_error};

pub use crate::output::{BuildOutput, Bytes, MemorySink, Sink};

/// The bodies rendered by the Markdown stage, indexed like `Site::pages` and `Site::sections`.
pub struct Bodies<'a> {
    /// One per page.
    pub pages: &'a [std::sync::Arc<Rendered>],
    /// One per section.
    pub sections: &'a [std::sync::Arc<Rendered>],
    /// The search text of each page when it was moved out of its body (`loa build`: the
    /// search index then frees each text once it is tokenised); empty: each body's own
    /// `text` is used.
    pub texts: &'a std::sync::Mutex<Vec<std::sync::Arc<str>>>,
    /// The HTML of each page when it was moved out of its body (`loa build`: each is freed
    /// once its page is rendered); `None` (or no entry): the body's own `html` is used.
    pub htmls: &'a std::sync::Mutex<Vec<Option<String>>>,
}

/// What every render job reads.
pub struct Env<'a> {
    /// The configuration.
    pub config: &'a Config,
    /// The assembled site.
    pub site: &'a Site,
    /// Rendered bodies.
    pub bodies: &'a Bodies<'a>,
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
    /// instead of serializing every card again for every listing page it is on.
    /// Converted when first needed: a `loa serve` rebuild that reuses every listing converts
    /// none.
    pub card_values: Vec<std::sync::OnceLock<tera::Value>>,
    /// `loa serve`'s cache of rendered outputs, with each card's fingerprint (indexed like
    /// `cards`) and the fingerprint of everything every output shares (templates, `site`).
    pub memo: Option<Memo<'a>>,
}

/// Rendered outputs of the last build, reused when an output's template, global context and
/// views are the same (`loa serve`).
pub struct Memo<'a> {
    /// The cache.
    pub store: &'a crate::cache::Store<Bytes>,
    /// Fingerprint of each card.
    pub cards: Vec<u64>,
    /// Fingerprint of the templates and the global context.
    pub epoch: u64,
    /// The rendered bodies, whose fingerprints are kept with them.
    pub bodies: fingerprint::Prehashed,
}

/// Adds one value to a template context.
type Fill<'v> = Box<dyn FnOnce(&mut Context) + 'v>;

/// A template context under construction. With a memo, its fingerprint is computed from the
/// views as they are added, and the context itself is only built when the output is not in
/// the cache.
pub(crate) struct Ctx<'v> {
    key: Option<(fingerprint::KeyHasher, &'v fingerprint::Prehashed)>,
    fill: Vec<Fill<'v>>,
}

impl<'v> Ctx<'v> {
    pub(crate) fn new(env: &'v Env<'_>) -> Ctx<'v> {
        Ctx { key: env.memo.as_ref().map(|m| (fingerprint::keyed(m.epoch), &m.bodies)), fill: Vec::new() }
    }

    /// Adds `value` as `name`.
    pub(crate) fn insert<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &'v T) {
        if let Some((h, known)) = &mut self.key {
            use std::hash::Hasher;
            h.write(name.as_bytes());
            fingerprint::feed_with(h, value, Some(known));
        }
        self.fill.push(Box::new(move |c: &mut Context| c.insert(name, value)));
    }

    /// Adds a listing `view` (whose `pages` field is left empty) as `name`, with the cards of
    /// `ids` as its `pages` (see [`view_with_pages`]).
    pub(crate) fn insert_listing<T: serde::Serialize>(
        &mut self,
        env: &'v Env<'_>,
        name: &'static str,
        view: &'v T,
        ids: Vec<usize>,
    ) {
        if let (Some((h, known)), Some(m)) = (&mut self.key, &env.memo) {
            use std::hash::Hasher;
            h.write(name.as_bytes());
            fingerprint::feed_with(h, view, Some(known));
            h.write_usize(ids.len());
            ids.iter().for_each(|&i| h.write_u64(m.cards[i]));
        }
        self.fill.push(Box::new(move |c: &mut Context| {
            c.insert_value(name, view_with_pages(env, view, ids.into_iter()));
        }));
    }
}

/// Serializes a listing `view` (whose `pages` field is left empty) and puts the cards of
/// `ids` in as `pages`, from the values serialized once per build.
pub(crate) fn view_with_pages<T: serde::Serialize>(
    env: &Env<'_>,
    view: &T,
    ids: impl Iterator<Item = usize>,
) -> tera::Value {
    let mut map = tera::Value::from_serializable(view).into_map().unwrap_or_default();
    let pages: Vec<tera::Value> =
        ids.map(|i| env.card_values[i].get_or_init(|| card_value(env, i)).clone()).collect();
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

/// One output file to render.
#[derive(Debug, Clone, Copy)]
enum Job {
    /// A page.
    Page(usize),
    /// Listing page `n` of a section (the home page for section 0).
    Section(usize, usize),
    /// The term list of taxonomy `t`.
    Taxonomy(usize),
    /// Listing page `n` of term `k` of taxonomy `t`.
    Term(usize, usize, usize),
    /// The list of audiences.
    Audiences,
    /// Listing page `n` of audience `a`.
    Audience(usize, usize),
    /// The page of campaign page `p` for its audience `k`.
    CampaignAudience(usize, usize),
    /// The site glossary.
    Glossary,
    /// The search page.
    Search,
}

type Rendered1 = Result<(String, Bytes), Diagnostic>;

/// What the render stage reads, besides the templates.
pub struct RenderInput<'a> {
    /// The configuration.
    pub config: &'a Config,
    /// The assembled site.
    pub site: &'a Site,
    /// The rendered bodies.
    pub bodies: &'a Bodies<'a>,
    /// Where `@/` links go.
    pub links: &'a LinkTargets,
    /// The citable documents.
    pub cites: &'a Citations,
    /// `loa serve`'s cache of rendered outputs (none for `loa build`).
    pub memo: Option<&'a crate::cache::Store<Bytes>>,
    /// Leave the search index to the caller: `render_site` gives its documents instead of
    /// building it (`loa serve` builds it after the reload).
    pub defer_search: bool,
}

/// Renders the whole site into `sink`. With `defer_search`, the search index is not built and
/// its documents are given back.
pub fn render_site(
    input: &RenderInput<'_>,
    templates: &mut Templates,
    sink: &dyn Sink,
) -> Result<Option<Vec<crate::search::SearchDoc>>, Diagnostics> {
    let RenderInput { config, site, bodies, links, cites, memo, defer_search } = *input;
    let site_view = site_view(config, site, templates.has("search.html"));
    templates.tera.global_context().insert("site", &site_view);
    let templates = &*templates;
    let slugs = term_slugs(site);
    let cards: Vec<PageCard> = site
        .pages
        .par_iter()
        .zip(bodies.pages.par_iter())
        .map(|(p, r)| page_card(config, p, r, &slugs))
        .collect();
    let mentions: Vec<Vec<crate::markdown::cite::Mention>> =
        bodies.pages.iter().map(|r| r.mentions.clone()).collect();
    let backlinks = documents::Backlinks::new(&site.pages, &mentions, cites, site);
    let lists = Lists::new(config, site);
    let card_values = cards.iter().map(|_| std::sync::OnceLock::new()).collect();
    let memo = memo.map(|store| Memo {
        store,
        cards: cards.par_iter().map(fingerprint::of).collect(),
        // Config is in every view it shows (URLs, titles…); its debug form covers the rest.
        epoch: fingerprint::of(&(templates.fingerprint, &site_view, format!("{config:?}"))),
        // Dropped with `env`, before the bodies it points into.
        bodies: fingerprint::Prehashed::new(
            bodies.pages.iter().chain(bodies.sections.iter()).map(|r| (r.html.as_str(), r.html_print())),
        ),
    });
    let env =
        Env { config, site, bodies, cards, templates, links, cites, backlinks, lists, card_values, memo };

    let mut diags = Diagnostics::new();
    let jobs = jobs(&env, &mut diags);
    // Each output path is claimed once: a second file on one path is an error, never an
    // overwrite.
    let claimed = std::sync::Mutex::new(std::collections::HashSet::new());
    let deliver = |path: String, bytes: Bytes| -> Option<Diagnostic> {
        let fresh = claimed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(path.clone());
        if !fresh {
            return Some(
                Diagnostic::global("route-collision", format!("hai trang cùng ghi ra {path}")).with_hint(
                    "đổi `slug:` của trang trùng với trang loa tự tạo (thẻ, đối tượng, phân trang)",
                ),
            );
        }
        sink.put(&path, bytes)
            .err()
            .map(|e| Diagnostic::global("io", e).with_hint("kiểm tra dung lượng đĩa và quyền ghi"))
    };
    // Pages go to the sink as soon as they are rendered; only problems are kept.
    let run = |jobs: &[Job]| -> Vec<Diagnostic> {
        jobs.par_iter()
            .filter_map(|&job| match run_job(&env, job) {
                Ok((path, bytes)) => deliver(path, bytes),
                Err(d) => Some(d),
            })
            .collect()
    };
    let pages = || run(&jobs);
    let (problems, deferred, feeds) = if !config.search {
        // No index: the pages, then the listings and, beside them, the feeds and the sitemap,
        // in the order of the build with an index below. (The peak is still higher without
        // one, ~270 MiB at 10,000 articles against ~220: the listings' card values cannot
        // reuse the freed bodies' memory the way they reuse the index's small blocks.)
        let page_jobs = site.pages.len().min(jobs.len());
        let mut problems = run(&jobs[..page_jobs]);
        let (listed, feeds) = rayon::join(|| run(&jobs[page_jobs..]), || listing::feeds_and_sitemap(&env));
        problems.extend(listed);
        (problems, None, Some(feeds))
    } else if defer_search {
        let (problems, docs) = rayon::join(pages, || search_docs(&env));
        (problems, Some(docs), None)
    } else {
        // The index files go to the sink as they are made, like the pages.
        let index_problems = std::sync::Mutex::new(Vec::new());
        let emit = |path: String, bytes: Vec<u8>| {
            if let Some(d) = deliver(path, Bytes::new(bytes)) {
                index_problems.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(d);
            }
        };
        // The pages render in step with the index: slice k of the page jobs (the first jobs)
        // while the index tokenises its chunk k of n. Each page's HTML is freed as it
        // renders and each text once tokenised, so the bodies shrink as the postings grow.
        // Listings render once the index is written and its postings freed: they build every
        // card's template value (~45 MB on 10,000 articles). Peak memory there: 350 MiB with
        // the index and all jobs side by side, 263 with the index first, 220 so.
        let problems = std::sync::Mutex::new(Vec::new());
        let rendered = std::sync::atomic::AtomicUsize::new(0);
        let beside = |k: usize, n: usize| {
            let pages = site.pages.len();
            let (from, to) = (pages * k / n, pages * (k + 1) / n);
            let found = run(&jobs[from..to]);
            problems.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend(found);
            rendered.store(to, std::sync::atomic::Ordering::Release);
        };
        crate::search::write_index_beside(search_docs(&env), &|| false, &emit, &beside);
        let mut problems = problems.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        // The listings, and every job of a site with no search docs (no chunks); beside them
        // the feeds and the sitemap, which were else the last 10 ms of a 10,000-article
        // build on one core.
        let (listed, feeds) = rayon::join(
            || run(&jobs[rendered.load(std::sync::atomic::Ordering::Acquire)..]),
            || listing::feeds_and_sitemap(&env),
        );
        problems.extend(listed);
        problems.extend(index_problems.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner));
        (problems, None, Some(feeds))
    };
    diags.extend(Diagnostics(problems));
    let mut extra: Vec<(String, Vec<u8>)> = Vec::new();
    if templates.has("404.html") {
        match templates.tera.render("404.html", &Context::new()) {
            Ok(s) => extra.push(("404.html".to_string(), s.into_bytes())),
            Err(e) => diags.push(tera_error(&e, &templates.files, Some("404.html"), Some("404.html"))),
        }
    }
    for p in &site.pages {
        for alias in &p.aliases {
            let html = redirect_page(&config.url(&p.path), &config.permalink(&p.path));
            extra.push((output_file(alias), html.into_bytes()));
        }
    }
    extra.extend(feeds.unwrap_or_else(|| listing::feeds_and_sitemap(&env)));
    // Freeing every card and its template value took ~80 ms of a 10,000-article build
    // (`drop_in_place<Env>`, 2% of its samples): done on a thread of its own, off the way.
    let Env { cards, card_values, backlinks, lists, .. } = env;
    crate::dispose::later((cards, card_values, backlinks, lists));
    for (path, bytes) in extra {
        if let Some(d) = deliver(path, Bytes::new(bytes)) {
            diags.push(d);
        }
    }
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    Ok(deferred)
}

/// Every output to render. A missing template for a kind of page the site needs is an error.
fn jobs(env: &Env<'_>, diags: &mut Diagnostics) -> Vec<Job> {
    let site = env.site;
    let mut jobs: Vec<Job> = (0..site.pages.len()).map(Job::Page).collect();
    for (i, s) in site.sections.iter().enumerate() {
        jobs.extend((1..=pager_total(s.pages.len(), s.paginate_by)).map(|n| Job::Section(i, n)));
    }
    let need = |template: &str, why: &str, diags: &mut Diagnostics| -> bool {
        if env.templates.has(template) {
            return true;
        }
        diags.push(
            Diagnostic::error(
                "template",
                Location::file("templates"),
                format!("thiếu mẫu `{template}` cho {why}"),
            )
            .with_hint(format!("tạo templates/{template} hoặc dùng giao diện có sẵn mẫu này")),
        );
        false
    };
    for (t, tax) in site.taxonomies.iter().enumerate() {
        if tax.terms.is_empty() {
            continue;
        }
        if need("taxonomy.html", &format!("danh sách `{}`", tax.name), diags) {
            jobs.push(Job::Taxonomy(t));
        }
        if need("term.html", &format!("các trang `{}`", tax.name), diags) {
            for (k, term) in tax.terms.iter().enumerate() {
                jobs.extend(
                    (1..=pager_total(term.pages.len(), listing::PER_PAGE)).map(|n| Job::Term(t, k, n)),
                );
            }
        }
    }
    if !env.config.audiences.0.is_empty() {
        if need("audiences.html", "danh sách đối tượng", diags) {
            jobs.push(Job::Audiences);
        }
        if need("audience.html", "trang đối tượng", diags) {
            for a in 0..env.config.audiences.0.len() {
                let n = listing::audience_pages(env, a).len();
                jobs.extend((1..=pager_total(n, listing::PER_PAGE)).map(|k| Job::Audience(a, k)));
            }
        }
    }
    for (i, p) in site.pages.iter().enumerate() {
        if let Some(c) = p.meta.campaign()
            && !c.audiences.is_empty()
            && need("campaign_audience.html", "trang chiến dịch theo đối tượng", diags)
        {
            jobs.extend((0..c.audiences.len()).map(|k| Job::CampaignAudience(i, k)));
        }
    }
    if site.pages.iter().any(|p| !p.glossary.is_empty()) && need("glossary.html", "trang thuật ngữ", diags)
    {
        jobs.push(Job::Glossary);
    }
    // The search page is optional: a theme without `search.html` has no search page (the
    // index is still written, for other front ends). A site with search off has neither.
    if env.config.search && env.templates.has("search.html") {
        jobs.push(Job::Search);
    }
    jobs
}

fn run_job(env: &Env<'_>, job: Job) -> Rendered1 {
    match job {
        Job::Page(i) => render_page(env, i),
        Job::Section(i, n) => render_section(env, i, n),
        Job::Taxonomy(t) => listing::render_taxonomy(env, t),
        Job::Term(t, k, n) => listing::render_term(env, t, k, n),
        Job::Audiences => listing::render_audiences(env),
        Job::Audience(a, n) => listing::render_audience(env, a, n),
        Job::CampaignAudience(p, k) => listing::render_campaign_audience(env, p, k),
        Job::Glossary => documents::render_glossary(env),
        Job::Search => render_search(env),
    }
}

/// Renders `template` with the context `ctx` describes, or takes the output of the last build
/// when the memo has one for the same template, global context and views.
pub(crate) fn render_ctx(
    env: &Env<'_>,
    template: &str,
    ctx: Ctx<'_>,
    source: &str,
) -> Result<Bytes, Diagnostic> {
    let Ctx { key, fill } = ctx;
    let render = move || {
        let mut c = Context::new();
        for f in fill {
            f(&mut c);
        }
        render_template(env, template, &c, source).map(Bytes::new)
    };
    match (key, &env.memo) {
        (Some((mut h, _)), Some(m)) => {
            use std::hash::Hasher;
            h.write(template.as_bytes());
            m.store.try_get_or(h.finish(), render)
        }
        _ => render(),
    }
}

/// Renders `template` with `ctx`, mapping errors to a diagnostic naming the page.
pub(crate) fn render_template(
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
fn site_view(config: &Config, site: &Site, search_page: bool) -> SiteView {
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
        search_url: (config.search && search_page).then(|| config.url(SEARCH_PATH)),
    }
}

/// The slug of every term name used on the site (slugified once, not once per page).
type TermSlugs<'a> = std::collections::HashMap<&'a str, String>;

fn term_slugs(site: &Site) -> TermSlugs<'_> {
    let mut slugs = TermSlugs::new();
    for t in site.pages.iter().flat_map(|p| &p.terms) {
        if !slugs.contains_key(t.name.as_str()) {
            slugs.insert(&t.name, crate::vi::slugify(&t.name));
        }
    }
    slugs
}

/// The card of a page: what listings and the page header show.
fn page_card(config: &Config, p: &Document, r: &Rendered, slugs: &TermSlugs<'_>) -> PageCard {
    // Summary: the text before `<!-- more -->`, else `summary:`, else the first paragraph.
    let (summary, description) = match (&r.more_html, &p.summary) {
        (Some(more), fm) => {
            (more.as_str().into(), fm.clone().unwrap_or_else(|| crate::markdown::html_to_text(more)).into())
        }
        (None, Some(s)) => (format!("<p>{}</p>", escape(s)).into(), s.as_str().into()),
        (None, None) => (r.first_paragraph_html.clone(), r.first_paragraph_text.clone()),
    };
    let syllables = r.syllables + crate::vi::reading::syllables(&p.title);
    PageCard {
        title: p.title.clone(),
        url: config.url(&p.path),
        permalink: config.permalink(&p.path),
        kind: p.kind.as_str(),
        date: p.date.map(DateView::new),
        updated: p.updated.map(DateView::new),
        summary,
        description,
        reading_minutes: crate::vi::reading::minutes(syllables, config.reading_speed),
        terms: p
            .terms
            .iter()
            .map(|t| {
                let slug = slugs.get(t.name.as_str()).cloned().unwrap_or_else(|| crate::vi::slugify(&t.name));
                let url = config.url(&format!("/{}/{slug}/", t.taxonomy));
                TermView { taxonomy: t.taxonomy.clone(), name: t.name.clone(), slug, url }
            })
            .collect(),
        audiences: p
            .audiences
            .iter()
            .filter_map(|id| {
                config.audiences.get(id).map(|a| AudienceView {
                    id: id.clone(),
                    name: a.name.clone(),
                    description: a.description.clone(),
                })
            })
            .collect(),
        image: p.image.as_deref().map(|img| image_url(config, p, img)),
        image_alt: p.image_alt.clone(),
        draft: p.draft,
    }
}

/// An image reference as an absolute URL: kept when absolute, site-relative when it starts
/// with `/`, else relative to the page (a bundle asset).
fn image_url(config: &Config, p: &Document, img: &str) -> String {
    if img.starts_with("http://") || img.starts_with("https://") {
        img.to_string()
    } else if let Some(rest) = img.strip_prefix('/') {
        config.permalink(&format!("/{rest}"))
    } else {
        config.permalink(&format!("{}{}", p.path, img.trim_start_matches("./")))
    }
}

fn render_page(env: &Env<'_>, i: usize) -> Rendered1 {
    let (config, site) = (env.config, env.site);
    let p = &site.pages[i];
    let r = &env.bodies.pages[i];
    let section = &site.sections[p.section];
    let pos = Some(env.lists.position[i]);
    let link =
        |id: usize| LinkView { title: site.pages[id].title.clone(), url: config.url(&site.pages[id].path) };
    let listed = p.kind != Kind::Page;
    let campaigns = p
        .campaigns
        .iter()
        .filter_map(|slug| site.pages.iter().position(|c| c.meta.campaign().is_some() && &c.slug == slug))
        .map(link)
        .collect();
    let (faq, faq_jsonld) = documents::faq_view(env, i);
    // The card's fingerprint (0 when nothing is fingerprinted: no memo).
    let card_print = env.memo.as_ref().map_or(0, |m| m.cards[i]);
    let card = || &env.cards[i];
    let jsonld = || article_jsonld(env, i);
    let moved = env
        .bodies
        .htmls
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get_mut(i)
        .and_then(Option::take);
    let view = PageView {
        card: fingerprint::Derived { key: card_print, make: &card },
        content: moved.as_deref().unwrap_or(&r.html),
        toc: &r.toc,
        syllables: r.syllables,
        section: LinkView { title: section.title.clone(), url: config.url(&section.path) },
        newer: pos.filter(|&k| listed && k > 0).map(|k| link(section.pages[k - 1])),
        older: pos.filter(|_| listed).and_then(|k| section.pages.get(k + 1)).map(|&id| link(id)),
        extra: &p.extra,
        file: &p.file,
        campaigns,
        campaign: listing::campaign_view(env, i).transpose()?,
        document: documents::document_view(env, i),
        explainer: documents::explainer_view(env, i),
        faq,
        faq_jsonld,
        glossary: &p.glossary,
        // A function of the card (and the config, in every fingerprint).
        jsonld: fingerprint::Derived { key: card_print, make: &jsonld },
        share: context::ShareView {
            facebook: format!(
                "https://www.facebook.com/sharer/sharer.php?u={}",
                percent_encode(&env.cards[i].permalink)
            ),
            url: env.cards[i].permalink.clone(),
        },
    };
    let template = match &p.template {
        Some(t) if env.templates.has(t) => t.as_str(),
        Some(t) => {
            return Err(Diagnostic::error(
                "template",
                p.key_lines.locate(&p.file, "template"),
                format!("không có mẫu `{t}`"),
            )
            .with_hint(format!("tạo templates/{t} hoặc bỏ dòng `template:`")));
        }
        None if env.templates.has(p.kind.template()) => p.kind.template(),
        None => "page.html",
    };
    let mut ctx = Ctx::new(env);
    ctx.insert("page", &view);
    Ok((output_file(&p.path), render_ctx(env, template, ctx, &p.file)?))
}

/// Percent-encodes a URL for use as a query parameter (RFC 3986 unreserved characters kept).
pub fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.extend(['%', char::from(HEX[usize::from(b >> 4)]), char::from(HEX[usize::from(b & 15)])]);
        }
    }
    out
}

/// schema.org `NewsArticle` JSON-LD for an article page.
/// The JSON-LD of page `i`: made from its card and the config only (its fingerprint is the
/// card's, see `render_page`).
fn article_jsonld(env: &Env<'_>, i: usize) -> Option<String> {
    let c = &env.cards[i];
    if c.kind != Kind::Article.as_str() {
        return None;
    }
    let image = c.image.clone().unwrap_or_else(|| env.config.permalink("/og-default.png"));
    let org = Organization { kind: "Organization", name: &env.config.title, url: env.config.permalink("/") };
    let json = NewsArticle {
        context: "https://schema.org",
        kind: "NewsArticle",
        author: &org,
        date_modified: c.updated.as_ref().or(c.date.as_ref()).map(|d| d.rfc3339.as_str()),
        date_published: c.date.as_ref().map(|d| d.rfc3339.as_str()),
        description: &c.description,
        headline: &c.title,
        image: [&image],
        in_language: &env.config.language,
        keywords: c.terms.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "),
        main_entity_of_page: &c.permalink,
        publisher: &org,
    };
    Some(documents::script_safe(&json))
}

/// [`article_jsonld`]'s object, fields in the order `serde_json` writes a map's keys (sorted),
/// which is how it was written before it was a struct (a `json!` value, 38,000 instructions a
/// page).
#[derive(serde::Serialize)]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    author: &'a Organization<'a>,
    #[serde(rename = "dateModified")]
    date_modified: Option<&'a str>,
    #[serde(rename = "datePublished")]
    date_published: Option<&'a str>,
    description: &'a str,
    headline: &'a str,
    image: [&'a str; 1],
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    keywords: String,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: &'a str,
    publisher: &'a Organization<'a>,
}

/// The site as the author and publisher of its articles.
#[derive(serde::Serialize)]
struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: String,
}

/// One search document per page (listings, term pages and the like are not searched).
fn search_docs(env: &Env<'_>) -> Vec<crate::search::SearchDoc> {
    let texts =
        std::mem::take(&mut *env.bodies.texts.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    let texts = &std::sync::Mutex::new(texts);
    env.site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let card = &env.cards[i];
            crate::search::SearchDoc {
                url: card.url.clone(),
                title: p.title.clone(),
                section: env.site.sections[p.section].title.clone(),
                kind: p.kind.as_str().to_string(),
                audiences: p.audiences.clone(),
                tags: p.terms.iter().filter(|t| t.taxonomy == "tags").map(|t| t.name.clone()).collect(),
                date: card.date.as_ref().map(|d| d.iso.clone()),
                summary: card.description.clone(),
                text: search_text(env, i, texts),
            }
        })
        .collect()
}

/// What a reader sees on page `i`, as plain text: the body, plus what the page shows from its
/// front matter (FAQ, glossary, a campaign's goal and messages, a document's metadata).
fn search_text(
    env: &Env<'_>,
    i: usize,
    texts: &std::sync::Mutex<Vec<std::sync::Arc<str>>>,
) -> std::sync::Arc<str> {
    let p = &env.site.pages[i];
    let r = &env.bodies.pages[i];
    // The body's text is shared, not copied, unless the page shows more.
    let mut more = String::new();
    let mut add = |s: &str| {
        if !s.is_empty() {
            more.push('\n');
            more.push_str(s);
        }
    };
    for (f, a) in p.faq.iter().zip(&r.faq_answers) {
        add(&f.q);
        add(&crate::markdown::html_to_text(a));
    }
    for g in &p.glossary {
        add(&g.term);
        add(&g.definition);
    }
    if let Some(c) = p.meta.campaign() {
        add(c.goal.as_deref().unwrap_or(""));
        for (_, m) in &c.audiences {
            add(&m.headline);
            add(&m.message);
        }
    }
    if let Some(d) = p.meta.document() {
        add(&d.code);
        add(d.title.as_deref().unwrap_or(""));
        add(d.issuer.as_deref().unwrap_or(""));
        add(d.signer.as_deref().unwrap_or(""));
        d.aliases.iter().for_each(|a| add(a));
    }
    let moved =
        texts.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_mut(i).map(std::mem::take);
    let text = moved.unwrap_or_else(|| r.text.clone());
    if more.is_empty() { text } else { format!("{text}{more}").into() }
}

/// `/tim-kiem/`: the search page, with the filter choices filled in.
fn render_search(env: &Env<'_>) -> Rendered1 {
    let mut sections: Vec<&str> = env.site.sections.iter().skip(1).map(|s| s.title.as_str()).collect();
    sections.sort_by(|a, b| crate::vi::collate(a, b));
    let tags: Vec<&str> = env
        .site
        .taxonomies
        .iter()
        .filter(|t| t.name == "tags")
        .flat_map(|t| t.terms.iter().map(|term| term.name.as_str()))
        .collect();
    let view = context::SearchView {
        index_url: env.config.url(&format!("/{}", crate::search::INDEX_DIR.trim_matches('/'))) + "/",
        sections,
        tags,
    };
    let mut ctx = Context::new();
    ctx.insert("search", &view);
    Ok((output_file(SEARCH_PATH), render_template(env, "search.html", &ctx, "loa.yaml").map(Bytes::new)?))
}

/// URL of the search page.
pub const SEARCH_PATH: &str = "/tim-kiem/";

/// Number of listing pages for `items` items (at least 1).
pub fn pager_total(items: usize, per: usize) -> usize {
    items.div_ceil(per.max(1)).max(1)
}

/// URL path of listing page `n` of a list at `base` (`/bai-viet/`, `/bai-viet/trang/2/`).
pub fn pager_path(base: &str, n: usize) -> String {
    if n <= 1 { base.to_string() } else { format!("{base}trang/{n}/") }
}

/// The paginator of page `n` of a list at `base`.
pub fn paginator(config: &Config, base: &str, items: usize, per: usize, n: usize) -> PaginatorView {
    let total = pager_total(items, per);
    let url_of = |k: usize| config.url(&pager_path(base, k));
    PaginatorView {
        current: n,
        total,
        total_items: items,
        previous: (n > 1).then(|| url_of(n - 1)),
        next: (n < total).then(|| url_of(n + 1)),
        pages: (1..=total)
            .filter(|&k| k == 1 || k == total || k.abs_diff(n) <= context::PAGER_WINDOW)
            .map(|k| PagerLink { number: k, url: url_of(k), current: k == n })
            .collect(),
    }
}

fn render_section(env: &Env<'_>, i: usize, n: usize) -> Rendered1 {
    let (config, site) = (env.config, env.site);
    let s: &Section = &site.sections[i];
    let per = s.paginate_by;
    let body = &env.bodies.sections[i];
    let view = SectionView {
        title: &s.title,
        url: config.url(&s.path),
        permalink: config.permalink(&pager_path(&s.path, n)),
        kind: s.kind.as_str(),
        content: &body.html,
        description: s.summary.clone().unwrap_or_else(|| body.first_paragraph_text.to_string()),
        pages: Vec::new(),
        subsections: s
            .subsections
            .iter()
            .map(|&k| LinkView {
                title: site.sections[k].title.clone(),
                url: config.url(&site.sections[k].path),
            })
            .collect(),
        paginator: paginator(config, &s.path, s.pages.len(), per, n),
        extra: &s.extra,
        feed_url: config.url(&format!("{}atom.xml", s.path)),
    };
    let is_home = i == 0;
    let template = s.template.as_deref().unwrap_or(if is_home { "index.html" } else { "section.html" });
    let file = s.file.clone().unwrap_or_else(|| "content/_index.md".to_string());
    if !env.templates.has(template) {
        return Err(Diagnostic::error(
            "template",
            Location::file(&file),
            format!("không có mẫu `{template}`"),
        )
        .with_hint(format!("tạo templates/{template}")));
    }
    // Declared before the context that borrows them.
    let (latest, campaigns, documents);
    let mut ctx = Ctx::new(env);
    ctx.insert_listing(
        env,
        "section",
        &view,
        s.pages.iter().skip((n - 1) * per).take(per).copied().collect(),
    );
    if is_home {
        let mut articles: Vec<usize> =
            (0..site.pages.len()).filter(|&k| site.pages[k].kind == Kind::Article).collect();
        site.sort_newest_first(&mut articles);
        latest = articles.into_iter().take(s.paginate_by).map(|k| &env.cards[k]).collect::<Vec<&PageCard>>();
        ctx.insert("latest", &latest);
        campaigns = listing::active_campaigns(env);
        ctx.insert("campaigns", &campaigns);
        // Documents as a timeline: by date of issue.
        let mut docs: Vec<usize> =
            (0..site.pages.len()).filter(|&k| site.pages[k].kind == Kind::Document).collect();
        docs.sort_by_key(|&k| (site.pages[k].meta.document().and_then(|d| d.issued), k));
        documents = docs.into_iter().map(|k| &env.cards[k]).collect::<Vec<&PageCard>>();
        ctx.insert("documents", &documents);
    }
    Ok((output_file(&pager_path(&s.path, n)), render_ctx(env, template, ctx, &file)?))
}

/// A redirect page for an old URL: meta refresh plus canonical link, no script.
fn redirect_page(url: &str, permalink: &str) -> String {
    let u = escape(url);
    let p = escape(permalink);
    format!(
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<title>Đã chuyển địa chỉ</title>\n<link rel=\"canonical\" href=\"{p}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={u}\">\n</head>\n<body>\n<p>Trang đã chuyển tới <a href=\"{u}\">{p}</a>.</p>\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_unreserved_bytes_and_encodes_the_rest_in_upper_hex() {
        assert_eq!(
            percent_encode("https://x.vn/bài-viết/a_b~c.d/"),
            "https%3A%2F%2Fx.vn%2Fb%C3%A0i-vi%E1%BA%BFt%2Fa_b~c.d%2F"
        );
        for b in 0..=255u8 {
            let s = String::from_utf8_lossy(&[b]).into_owned();
            let want: String = s
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        char::from(b).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            assert_eq!(percent_encode(&s), want, "{b:#04x}");
        }
    }

    #[test]
    fn article_json_ld_is_the_json_the_map_gave() {
        // The struct must write what `serde_json::json!` (a map, keys sorted) wrote before.
        for (date, updated, title) in [
            (Some("2024-05-10T08:00:00+07:00"), None, "Khuyến học <b> & \"tài\""),
            (Some("2024-05-10T08:00:00+07:00"), Some("2024-06-01T00:00:00+07:00"), "x"),
            (None, None, "Không ngày"),
        ] {
            let org =
                Organization {
                    kind: "Organization", name: "Hội <Khuyến học>", url: "https://e.org/".into()
                };
            let keywords = "Thẻ & một, hai".to_string();
            let new = NewsArticle {
                context: "https://schema.org",
                kind: "NewsArticle",
                author: &org,
                date_modified: updated.or(date),
                date_published: date,
                description: "Mô tả </script>",
                headline: title,
                image: ["https://e.org/a.png"],
                in_language: "vi",
                keywords: keywords.clone(),
                main_entity_of_page: "https://e.org/a/",
                publisher: &org,
            };
            let org_value = serde_json::json!({"@type": "Organization", "name": org.name, "url": org.url});
            let old = serde_json::json!({
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": title,
                "description": "Mô tả </script>",
                "datePublished": date,
                "dateModified": updated.or(date),
                "inLanguage": "vi",
                "mainEntityOfPage": "https://e.org/a/",
                "image": ["https://e.org/a.png"],
                "author": org_value,
                "publisher": org_value,
                "keywords": keywords,
            });
            assert_eq!(documents::script_safe(&new), documents::script_safe_json(&old));
        }
    }

    #[test]
    fn summary_html_becomes_plain_text() {
        assert_eq!(crate::markdown::html_to_text("<p>Mở <em>đầu</em> &amp; tiếp</p>\n"), "Mở đầu & tiếp");
    }

    #[test]
    fn the_paginator_lists_the_ends_and_a_window_around_the_current_page() {
        let config = Config::parse(
            "title: T\nbase_url: https://x.example.vn\n",
            std::path::Path::new("."),
            &crate::config::Overrides::default(),
        )
        .expect("config");
        let numbers = |n: usize| -> Vec<usize> {
            paginator(&config, "/bai-viet/", 300, 10, n).pages.iter().map(|p| p.number).collect()
        };
        assert_eq!(numbers(1), vec![1, 2, 3, 30]);
        assert_eq!(numbers(15), vec![1, 13, 14, 15, 16, 17, 30]);
        assert_eq!(numbers(30), vec![1, 28, 29, 30]);
        let small: Vec<usize> = paginator(&config, "/x/", 40, 10, 2).pages.iter().map(|p| p.number).collect();
        assert_eq!(small, vec![1, 2, 3, 4], "a short list shows every page");
        let p = paginator(&config, "/x/", 40, 10, 2);
        assert!(p.pages.iter().all(|l| l.current == (l.number == 2)));
        assert_eq!(p.pages[2].url, "/x/trang/3/");
    }

    #[test]
    fn redirect_escapes_urls() {
        let r = redirect_page("/a\"b/", "https://x.vn/a\"b/");
        assert!(r.contains("url=/a&quot;b/"));
        assert!(!r.contains("a\"b"));
    }
}
