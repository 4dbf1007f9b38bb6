//! The search page (`search` in `search.html`) and the search documents: what the index
//! knows of each page.
//!
//! Takes the [`Env`] and each page's body text; gives values. The index itself is
//! `crate::search`.

use std::sync::Arc;

use rayon::prelude::*;

use super::call::TemplateCall;
use super::context;
use super::env::Env;
use crate::content::DocId;
use crate::content::output_file;
use crate::diagnostics::Diagnostic;

/// One search document per page (listings, term pages and the like are not searched), each
/// taking its page's body text from `texts` (indexed like `site.pages`): the index frees
/// each once it is tokenised.
pub fn search_docs(env: &Env<'_>, texts: Vec<Arc<str>>) -> Vec<crate::search::SearchDoc> {
    // A tag's page is named by the term's display name, not by one page's spelling of it.
    let tag_names: std::collections::HashMap<&str, &str> = env
        .site
        .taxonomies
        .iter()
        .filter(|t| t.name == "tags")
        .flat_map(|t| t.terms.iter().map(|term| (term.slug.as_str(), term.name.as_str())))
        .collect();
    env.site
        .pages
        .par_iter()
        .zip(texts.into_par_iter())
        .enumerate()
        .map(|(i, (p, text))| {
            let i = DocId(i);
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
                headings: env.pages[i].text_headings.clone(),
                codes: p
                    .meta
                    .document()
                    .map(|d| std::iter::once(&d.code).chain(&d.aliases).cloned().collect())
                    .unwrap_or_default(),
                topics: topics(env, i, &tag_names),
                text: search_text(env, i, text),
            }
        })
        .collect()
}

/// The term pages page `i` links to: its tags, its audiences, its glossary entries.
fn topics(
    env: &Env<'_>,
    i: DocId,
    tag_names: &std::collections::HashMap<&str, &str>,
) -> Vec<crate::search::Topic> {
    use crate::search::{Topic, TopicKind};
    let card = &env.cards[i];
    let tags = card.terms.iter().filter(|t| t.taxonomy == "tags").map(|t| Topic {
        kind: TopicKind::Tag,
        name: tag_names.get(t.slug.as_str()).map_or_else(|| t.name.clone(), |n| n.to_string()),
        url: t.url.clone(),
        id: None,
    });
    let audiences = card.audiences.iter().map(|a| Topic {
        kind: TopicKind::Audience,
        name: a.name.clone(),
        url: env.config.url(&format!("{}{}/", super::env::AUDIENCES_PATH, a.id)),
        id: Some(a.id.clone()),
    });
    let glossary_url = env.config.url(super::documents::GLOSSARY_PATH);
    let terms = env.site.pages[i].glossary.iter().map(|g| Topic {
        kind: TopicKind::Term,
        name: g.term.clone(),
        url: format!("{glossary_url}#{}", crate::vi::slugify(&g.term)),
        id: None,
    });
    tags.chain(audiences).chain(terms).collect()
}

/// What a reader sees on page `i`, as plain text: the body, plus what the page shows from its
/// front matter (FAQ, glossary, a campaign's goal and messages, a document's metadata).
fn search_text(env: &Env<'_>, i: DocId, text: Arc<str>) -> Arc<str> {
    let p = &env.site.pages[i];
    let r = &env.pages[i];
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
    if more.is_empty() { text } else { format!("{text}{more}").into() }
}

/// `/tim-kiem/`: the search page, with the filter choices filled in.
pub fn prepare<'a>(env: &'a Env<'_>) -> Result<TemplateCall<'a>, Diagnostic> {
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
    Ok(TemplateCall::new(output_file(SEARCH_PATH), "search.html", "loa.yaml").with("search", view))
}

/// URL of the search page.
pub const SEARCH_PATH: &str = "/tim-kiem/";
