//! Views of policy documents and explainers: clause backlinks, the relation graph both ways,
//! quoted clauses, FAQ (with its JSON-LD) and the site glossary page.

use super::call::TemplateCall;
use super::context::{
    ClauseView, DocRefView, DocumentView, ExplainerView, FaqView, GlossaryEntryView, LinkView, QuotedClause,
};
use super::env::Env;
use crate::content::DocId;
use crate::content::output_file;

/// URL folder of the site glossary.
pub const GLOSSARY_PATH: &str = "/thuat-ngu/";

fn doc_ref(env: &Env<'_>, code: &str, relation: Option<&str>) -> DocRefView {
    let page = env.site.pages.iter().find(|p| {
        p.meta.document().is_some_and(|d| {
            crate::vi::docnum::normalize_code(&d.code) == crate::vi::docnum::normalize_code(code)
        })
    });
    DocRefView {
        code: page.and_then(|p| p.meta.document()).map_or_else(|| code.to_string(), |d| d.code.clone()),
        relation: relation.map(str::to_string),
        title: page.map(|p| p.title.clone()),
        url: page.map(|p| env.config.url(&p.path)),
    }
}

/// `page.document` for document page `i`.
pub fn document_view<'a>(env: &'a Env<'_>, i: DocId) -> Option<DocumentView<'a>> {
    let p = &env.site.pages[i];
    let d = p.meta.document()?;
    let t = env.cites.find_code(&d.code)?;
    let cites_of = &env.backlinks.by_target[t];
    let mut pages_citing: Vec<DocId> = Vec::new();
    for (page, _) in cites_of {
        if *page != i && !pages_citing.contains(page) {
            pages_citing.push(*page);
        }
    }
    let clauses = env.pages[i]
        .clauses
        .iter()
        .map(|c| ClauseView {
            id: c.id.clone(),
            title: c.title.clone(),
            url: format!("{}#{}", env.config.url(&p.path), c.id),
            backlinks: cites_of
                .iter()
                .filter(|(page, clause)| *page != i && clause.as_deref() == Some(c.id.as_str()))
                .map(|(page, _)| &env.cards[*page])
                .collect(),
        })
        .collect();
    let key = crate::vi::docnum::normalize_code(&d.code);
    let related_by = env
        .site
        .pages
        .iter()
        .filter_map(|o| o.meta.document())
        .flat_map(|o| {
            o.related
                .iter()
                .filter(|r| crate::vi::docnum::normalize_code(&r.code) == key)
                .map(|r| doc_ref(env, &o.code, Some(&r.relation)))
                .collect::<Vec<_>>()
        })
        .collect();
    Some(DocumentView {
        code: d.code.clone(),
        title: d.title.clone(),
        issued: d.issued.map(super::context::DateView::new),
        issuer: d.issuer.clone(),
        signer: d.signer.clone(),
        aliases: d.aliases.clone(),
        source_url: d.source_url.clone(),
        status: d.status.clone(),
        related: d.related.iter().map(|r| doc_ref(env, &r.code, Some(&r.relation))).collect(),
        related_by,
        clauses,
        backlinks: pages_citing.into_iter().map(|k| &env.cards[k]).collect(),
    })
}

/// `page.explainer` for explainer page `i`.
pub fn explainer_view(env: &Env<'_>, i: DocId) -> Option<ExplainerView> {
    let e = env.site.pages[i].meta.explains()?;
    let doc_page = env.site.pages.iter().position(|p| {
        p.meta.document().is_some_and(|d| {
            crate::vi::docnum::normalize_code(&d.code) == crate::vi::docnum::normalize_code(&e.document)
        })
    })?;
    let url = env.config.url(&env.site.pages[doc_page].path);
    let clauses = e
        .clauses
        .iter()
        .filter_map(|id| env.pages[doc_page].clauses.iter().find(|c| &c.id == id))
        .map(|c| QuotedClause {
            id: c.id.clone(),
            title: c.title.clone(),
            url: format!("{url}#{}", c.id),
            html: c.html.clone(),
        })
        .collect();
    Some(ExplainerView { document: doc_ref(env, &e.document, None), clauses })
}

/// The FAQ of page `i` and its schema.org FAQPage JSON-LD.
pub fn faq_view<'a>(env: &'a Env<'_>, i: DocId) -> (Vec<FaqView<'a>>, Option<String>) {
    let p = &env.site.pages[i];
    let answers = &env.pages[i].faq_answers;
    let items: Vec<FaqView<'a>> =
        p.faq.iter().zip(answers).map(|(f, a)| FaqView { q: f.q.as_str(), a: a.as_str() }).collect();
    if items.is_empty() {
        return (items, None);
    }
    let json = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": items.iter().map(|f| serde_json::json!({
            "@type": "Question",
            "name": f.q,
            "acceptedAnswer": {"@type": "Answer", "text": f.a},
        })).collect::<Vec<_>>(),
    });
    (items, Some(script_safe_json(&json)))
}

/// JSON that is safe inside `<script type="application/ld+json">`: `<`, `>` and `&` are
/// written as `\u003c` and friends, so no text can close the script element.
pub fn script_safe_json(v: &serde_json::Value) -> String {
    script_safe(v)
}

/// [`script_safe_json`] for any serialisable value.
pub fn script_safe<T: serde::Serialize + ?Sized>(v: &T) -> String {
    let json = serde_json::to_string(v).unwrap_or_default();
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// Every glossary entry of the site, in Vietnamese order (same term: by source page title).
pub fn glossary_entries(env: &Env<'_>) -> Vec<GlossaryEntryView> {
    let mut out: Vec<GlossaryEntryView> = env
        .site
        .pages
        .iter()
        .flat_map(|p| {
            p.glossary.iter().map(move |g| GlossaryEntryView {
                term: g.term.clone(),
                definition: g.definition.clone(),
                source: LinkView { title: p.title.clone(), url: env.config.url(&p.path) },
                id: crate::vi::slugify(&g.term),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        crate::vi::collate(&a.term, &b.term)
            .then_with(|| crate::vi::collate(&a.source.title, &b.source.title))
            .then_with(|| a.definition.cmp(&b.definition))
    });
    // Identical definitions of one term from several pages are shown once.
    out.dedup_by(|b, a| {
        crate::vi::tone_key(&a.term) == crate::vi::tone_key(&b.term) && a.definition == b.definition
    });
    out
}

/// `/thuat-ngu/`: the site glossary.
pub fn prepare_glossary<'a>(env: &'a Env<'_>) -> Result<TemplateCall<'a>, crate::diagnostics::Diagnostic> {
    Ok(TemplateCall::new(output_file(GLOSSARY_PATH), "glossary.html", "loa.yaml")
        .with("glossary", glossary_entries(env)))
}
