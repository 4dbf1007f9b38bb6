//! Generated listings: a taxonomy's term list and each term's pages, the list of audiences
//! and each audience's pages (`taxonomy.html`, `term.html`, `audiences.html`,
//! `audience.html`).
//!
//! Takes the [`Env`]; gives values.

use super::call::TemplateCall;
use super::campaign;
use super::context::{AudiencePageView, LinkView, ListingView, TaxonomyView, TermLinkView};
use super::env::{AUDIENCES_PATH, Env, TermOf, audience_pages, audience_view};
use super::section::{pager_path, paginator};
use crate::content::DocId;
use crate::content::output_file;
use crate::diagnostics::Diagnostic;

/// Items per page of term and audience lists.
pub const PER_PAGE: usize = 10;

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
fn page_ids(ids: &[DocId], n: usize) -> Vec<DocId> {
    ids.iter().skip((n - 1) * PER_PAGE).take(PER_PAGE).copied().collect()
}

fn listing<'a>(env: &'a Env<'_>, title: String, base: &str, ids: &[DocId], n: usize) -> ListingView<'a> {
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
pub fn prepare_taxonomy<'a>(env: &'a Env<'_>, t: usize) -> Result<TemplateCall<'a>, Diagnostic> {
    let view = taxonomy_view(env, t, true);
    let path = format!("/{}/", env.site.taxonomies[t].name);
    Ok(TemplateCall::new(output_file(&path), "taxonomy.html", "loa.yaml").with("taxonomy", view))
}

/// `/tags/<slug>/` (and `trang/N/`): the pages with a term.
pub fn prepare_term<'a>(env: &'a Env<'_>, of: TermOf, n: usize) -> Result<TemplateCall<'a>, Diagnostic> {
    let (t, tax) = (of.taxonomy, &env.site.taxonomies[of.taxonomy]);
    let term = &tax.terms[of.term];
    let base = format!("/{}/{}/", tax.name, term.slug);
    let taxonomy = taxonomy_view(env, t, false);
    let link = LinkView { title: term.name.clone(), url: env.config.url(&base) };
    let listing = listing(env, term.name.clone(), &base, &term.pages, n);
    Ok(TemplateCall::new(output_file(&pager_path(&base, n)), "term.html", "loa.yaml")
        .with("taxonomy", taxonomy)
        .with("term", link)
        .listing("listing", listing, page_ids(&term.pages, n)))
}

/// `/doi-tuong/`: every audience.
pub fn prepare_audiences<'a>(env: &'a Env<'_>) -> Result<TemplateCall<'a>, Diagnostic> {
    let views: Vec<AudiencePageView> =
        (0..env.config.audiences.0.len()).map(|a| audience_view(env, a)).collect();
    Ok(TemplateCall::new(output_file(AUDIENCES_PATH), "audiences.html", "loa.yaml").with("audiences", views))
}

/// `/doi-tuong/<id>/`: active campaigns' messages for the audience (first page only), then
/// everything aimed at it, newest first.
pub fn prepare_audience<'a>(env: &'a Env<'_>, a: usize, n: usize) -> Result<TemplateCall<'a>, Diagnostic> {
    let (id, aud) = &env.config.audiences.0[a];
    let base = format!("{AUDIENCES_PATH}{id}/");
    let ids = audience_pages(env, a);
    // Active campaigns' messages for the audience, on its first page only.
    let messages = if n == 1 { campaign::active_messages(env, id)? } else { Vec::new() };
    let audience = audience_view(env, a);
    let listing = listing(env, aud.name.clone(), &base, ids, n);
    Ok(TemplateCall::new(output_file(&pager_path(&base, n)), "audience.html", "loa.yaml")
        .with("audience", audience)
        .with("messages", messages)
        .listing("listing", listing, page_ids(ids, n)))
}
