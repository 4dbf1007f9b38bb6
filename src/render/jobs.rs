//! The outputs of a site: which template calls it needs ([`plan`]), the call of each
//! ([`prepare`]), and the outputs made without a template call of their own ([`others`]:
//! 404, alias redirects, feeds, sitemap, robots.txt).
//!
//! Takes the [`Env`]; gives values. Each kind of output is prepared in its own file; this one
//! only dispatches. Must not render or write anything.

use std::sync::Arc;

use super::call::TemplateCall;
use super::env::{Env, TermOf, audience_pages};
use super::{campaign, documents, listing, page, search_page, section};
use crate::content::{DocId, SectionId};
use crate::content::{output_file, output_path};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::markdown::escape;
use crate::output::Bytes;

/// One output made with a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// A page.
    Page(DocId),
    /// Listing page `n` (from 1) of a section (the home page for section 0).
    Section(SectionId, usize),
    /// The term list of taxonomy `t`.
    Taxonomy(usize),
    /// Listing page `n` of a term.
    Term(TermOf, usize),
    /// The list of audiences.
    Audiences,
    /// Listing page `n` of audience `a` (in `loa.yaml` order).
    Audience(usize, usize),
    /// The page of a campaign page for its `k`-th audience.
    CampaignAudience(DocId, usize),
    /// The site glossary.
    Glossary,
    /// The search page.
    Search,
    /// The list of the scripts for the loudspeakers by week (`/truyen-thanh/`).
    Bulletins,
    /// The programme of week `k` of `Env::bulletin_weeks`.
    BulletinWeek(usize),
}

/// Every output to make with a template, the pages first (in page order). A missing template
/// for a kind of page the site needs is an error.
pub fn plan(env: &Env<'_>, diags: &mut Diagnostics) -> Vec<Job> {
    let site = env.site;
    let mut jobs: Vec<Job> = DocId::all(site.pages.len()).map(Job::Page).collect();
    for (i, s) in site.sections.iter().enumerate() {
        jobs.extend(
            (1..=section::pager_total(s.pages.len(), s.paginate_by)).map(|n| Job::Section(SectionId(i), n)),
        );
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
                    (1..=section::pager_total(term.pages.len(), listing::PER_PAGE))
                        .map(|n| Job::Term(TermOf { taxonomy: t, term: k }, n)),
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
                let n = audience_pages(env, a).len();
                jobs.extend((1..=section::pager_total(n, listing::PER_PAGE)).map(|k| Job::Audience(a, k)));
            }
        }
    }
    for (i, p) in DocId::all(site.pages.len()).zip(&site.pages) {
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
    let (list, weeks) = super::bulletin::planned(env);
    jobs.extend(list.then_some(Job::Bulletins));
    jobs.extend((0..weeks).map(Job::BulletinWeek));
    jobs
}

/// The template call of a job other than a page's (pages take their body: [`prepare_page`]).
pub fn prepare<'a>(env: &'a Env<'_>, job: Job) -> Result<TemplateCall<'a>, Diagnostic> {
    let call = match job {
        Job::Page(i) => page::prepare(env, i, Arc::clone(&env.pages[i].html)),
        Job::Section(i, n) => section::prepare(env, i, n),
        Job::Taxonomy(t) => listing::prepare_taxonomy(env, t),
        Job::Term(t, n) => listing::prepare_term(env, t, n),
        Job::Audiences => listing::prepare_audiences(env),
        Job::Audience(a, n) => listing::prepare_audience(env, a, n),
        Job::CampaignAudience(p, k) => campaign::prepare_audience_page(env, p, k),
        Job::Glossary => documents::prepare_glossary(env),
        Job::Search => search_page::prepare(env),
        Job::Bulletins => super::bulletin::prepare_list(env),
        Job::BulletinWeek(k) => super::bulletin::prepare_week(env, k),
    };
    call.map(|c| located(env, c))
}

/// `current_url`, in every template call: the absolute URL of the output itself (its
/// `rel=canonical` and `og:url`), made here from where it is written so that no kind of output
/// can declare another's address.
/// In a site of several languages, `translations` too: the output's version in each language
/// (see [`crate::content::translation::Links::versions`]).
fn located<'a>(env: &Env<'_>, call: TemplateCall<'a>) -> TemplateCall<'a> {
    let path = output_path(&call.path);
    let url = env.config.permalink(&path);
    let call = call.with("current_url", url);
    match env.translations {
        Some(links) => call.with("translations", translation_views(env, links, &path)),
        None => call,
    }
}

/// The versions of the output at site path `path` in every language.
pub fn translation_views(
    env: &Env<'_>,
    links: &crate::content::translation::Links,
    path: &str,
) -> Vec<super::context::TranslationView> {
    let Some(lang) = links.index(&env.config.language) else { return Vec::new() };
    links
        .versions(lang, &env.config.url(path))
        .into_iter()
        .map(|v| super::context::TranslationView {
            lang: v.language.code.clone(),
            name: v.language.name.clone(),
            url: v.url.to_string(),
            permalink: [v.language.origin.as_str(), v.url].concat(),
            exists: v.exists,
            current: v.current,
        })
        .collect()
}

/// The template call of page `i`, which takes its body's HTML: the build hands each page its
/// own, so that it is freed as soon as the page is made.
pub fn prepare_page<'a>(env: &'a Env<'_>, i: DocId, html: Arc<str>) -> Result<TemplateCall<'a>, Diagnostic> {
    page::prepare(env, i, html).map(|c| located(env, c))
}

/// The outputs made without a template call of their own: `404.html` (when the theme has
/// it), a redirect page for every alias, the feeds, the sitemap and `robots.txt`.
pub fn others(env: &Env<'_>) -> (Vec<(String, Bytes)>, Diagnostics) {
    let mut out: Vec<(String, Bytes)> = Vec::new();
    let mut diags = Diagnostics::new();
    if env.templates.has("404.html") {
        match env.templates.tera.render("404.html", &tera::Context::new()) {
            Ok(s) => out.push(("404.html".to_string(), Bytes::new(s.into_bytes()))),
            Err(e) => diags.push(super::templates::tera_error(
                &e,
                &env.templates.files,
                Some("404.html"),
                Some("404.html"),
            )),
        }
    }
    for p in &env.site.pages {
        for alias in &p.aliases {
            let html = redirect_page(&env.config.url(&p.path), &env.config.permalink(&p.path));
            out.push((output_file(alias), Bytes::new(html.into_bytes())));
        }
    }
    (out, diags)
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
    fn redirect_escapes_urls() {
        let r = redirect_page("/a\"b/", "https://x.vn/a\"b/");
        assert!(r.contains("url=/a&quot;b/"));
        assert!(!r.contains("a\"b"));
    }
}
