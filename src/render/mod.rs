//! Render stage: (Site, Rendered bodies, Templates) → every output file as bytes.
//!
//! Builds the template views once (a card per page, shared by every listing), renders pages,
//! section listings with pagination, the home page, 404 and alias redirects in parallel, and
//! gives a `BuildOutput` keyed by output path (a `BTreeMap`, so output is deterministic).
//! Template errors name the template, its line and the page. Must not write files.

pub mod context;
pub mod templates;

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;
use tera::Context;

use crate::assemble::output_file;
use crate::config::Config;
use crate::content::{Document, Section, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{Rendered, escape};
use context::{
    AudienceView, DateView, LinkView, PageCard, PageView, PagerLink, PaginatorView, SectionView, SiteView,
    TermView,
};
use templates::{Templates, tera_error};

/// Everything a build produces, before it is written.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BuildOutput {
    /// Output path (`bai-viet/x/index.html`) → bytes.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Output path → file to copy as is (static files, bundle assets).
    pub copies: BTreeMap<String, PathBuf>,
}

/// The bodies rendered by the Markdown stage, indexed like `Site::pages` and `Site::sections`.
pub struct Bodies<'a> {
    /// One per page.
    pub pages: &'a [Rendered],
    /// One per section.
    pub sections: &'a [Rendered],
}

/// Renders the whole site.
pub fn render_site(
    config: &Config,
    site: &Site,
    bodies: &Bodies<'_>,
    templates: &mut Templates,
) -> Result<BuildOutput, Diagnostics> {
    let site_view = site_view(config, site);
    templates.tera.global_context().insert("site", &site_view);
    let templates = &*templates;
    let cards: Vec<PageCard> =
        site.pages.par_iter().zip(bodies.pages.par_iter()).map(|(p, r)| page_card(config, p, r)).collect();

    let mut diags = Diagnostics::new();
    let page_results: Vec<Result<(String, Vec<u8>), Diagnostic>> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| render_page(config, site, bodies, &cards, templates, i))
        .collect();
    let listing_jobs: Vec<(usize, usize)> = site
        .sections
        .iter()
        .enumerate()
        .flat_map(|(i, s)| (1..=pager_total(s)).map(move |n| (i, n)))
        .collect();
    let listing_results: Vec<Result<(String, Vec<u8>), Diagnostic>> = listing_jobs
        .par_iter()
        .map(|&(i, n)| render_listing(config, site, bodies, &cards, templates, i, n))
        .collect();
    let mut files = BTreeMap::new();
    for r in page_results.into_iter().chain(listing_results) {
        match r {
            Ok((path, bytes)) => {
                files.insert(path, bytes);
            }
            Err(d) => diags.push(d),
        }
    }
    if templates.has("404.html") {
        match templates.tera.render("404.html", &Context::new()) {
            Ok(s) => {
                files.insert("404.html".to_string(), s.into_bytes());
            }
            Err(e) => diags.push(tera_error(&e, &templates.files, Some("404.html"), Some("404.html"))),
        }
    }
    for p in &site.pages {
        for alias in &p.aliases {
            files.insert(
                output_file(alias),
                redirect_page(&config.url(&p.path), &config.permalink(&p.path)).into_bytes(),
            );
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(BuildOutput { files, copies: BTreeMap::new() })
}

fn site_view(config: &Config, site: &Site) -> SiteView {
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
    }
}

/// The card of a page: what listings and the page header show.
fn page_card(config: &Config, p: &Document, r: &Rendered) -> PageCard {
    // Summary: the text before `<!-- more -->`, else `summary:`, else the first paragraph.
    let (summary, description) = match (&r.more_html, &p.summary) {
        (Some(more), fm) => (more.clone(), fm.clone().unwrap_or_else(|| strip_tags(more))),
        (None, Some(s)) => (format!("<p>{}</p>", escape(s)), s.clone()),
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
            .map(|t| TermView {
                taxonomy: t.taxonomy.clone(),
                name: t.name.clone(),
                slug: crate::vi::slugify(&t.name),
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

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn render_page(
    config: &Config,
    site: &Site,
    bodies: &Bodies<'_>,
    cards: &[PageCard],
    templates: &Templates,
    i: usize,
) -> Result<(String, Vec<u8>), Diagnostic> {
    let p = &site.pages[i];
    let r = &bodies.pages[i];
    let section = &site.sections[p.section];
    let pos = section.pages.iter().position(|&id| id == i);
    let link =
        |id: usize| LinkView { title: site.pages[id].title.clone(), url: config.url(&site.pages[id].path) };
    let listed = p.kind != crate::content::Kind::Page;
    let view = PageView {
        card: &cards[i],
        content: &r.html,
        toc: &r.toc,
        syllables: r.syllables,
        section: LinkView { title: section.title.clone(), url: config.url(&section.path) },
        newer: pos.filter(|&k| listed && k > 0).map(|k| link(section.pages[k - 1])),
        older: pos.filter(|_| listed).and_then(|k| section.pages.get(k + 1)).map(|&id| link(id)),
        extra: &p.extra,
        file: &p.file,
    };
    let template = match &p.template {
        Some(t) if templates.has(t) => t.as_str(),
        Some(t) => {
            return Err(Diagnostic::error(
                "template",
                p.key_lines.locate(&p.file, "template"),
                format!("không có mẫu `{t}`"),
            )
            .with_hint(format!("tạo templates/{t} hoặc bỏ dòng `template:`")));
        }
        None if templates.has(p.kind.template()) => p.kind.template(),
        None => "page.html",
    };
    let mut ctx = Context::new();
    ctx.insert("page", &view);
    let html = templates
        .tera
        .render(template, &ctx)
        .map_err(|e| tera_error(&e, &templates.files, Some(&p.file), Some(template)))?;
    Ok((output_file(&p.path), html.into_bytes()))
}

fn pager_total(s: &Section) -> usize {
    s.pages.len().div_ceil(s.paginate_by).max(1)
}

/// URL path of listing page `n` of a section (`/bai-viet/`, `/bai-viet/trang/2/`).
pub fn pager_path(s: &Section, n: usize) -> String {
    if n <= 1 { s.path.clone() } else { format!("{}trang/{n}/", s.path) }
}

fn render_listing(
    config: &Config,
    site: &Site,
    bodies: &Bodies<'_>,
    cards: &[PageCard],
    templates: &Templates,
    i: usize,
    n: usize,
) -> Result<(String, Vec<u8>), Diagnostic> {
    let s = &site.sections[i];
    let total = pager_total(s);
    let per = s.paginate_by;
    let url_of = |k: usize| config.url(&pager_path(s, k));
    let view = SectionView {
        title: &s.title,
        url: config.url(&s.path),
        permalink: config.permalink(&pager_path(s, n)),
        kind: s.kind.as_str(),
        content: &bodies.sections[i].html,
        description: s.summary.clone().unwrap_or_else(|| bodies.sections[i].first_paragraph_text.clone()),
        pages: s.pages.iter().skip((n - 1) * per).take(per).map(|&id| &cards[id]).collect(),
        subsections: s
            .subsections
            .iter()
            .map(|&k| LinkView {
                title: site.sections[k].title.clone(),
                url: config.url(&site.sections[k].path),
            })
            .collect(),
        paginator: PaginatorView {
            current: n,
            total,
            total_items: s.pages.len(),
            previous: (n > 1).then(|| url_of(n - 1)),
            next: (n < total).then(|| url_of(n + 1)),
            pages: (1..=total).map(|k| PagerLink { number: k, url: url_of(k), current: k == n }).collect(),
        },
        extra: &s.extra,
    };
    let is_home = i == 0;
    let default = if is_home { "index.html" } else { "section.html" };
    let template = match &s.template {
        Some(t) => t.as_str(),
        None => default,
    };
    let file = s.file.clone().unwrap_or_else(|| "content/_index.md".to_string());
    if !templates.has(template) {
        return Err(Diagnostic::error(
            "template",
            crate::diagnostics::Location::file(&file),
            format!("không có mẫu `{template}`"),
        )
        .with_hint(format!("tạo templates/{template}")));
    }
    let mut ctx = Context::new();
    ctx.insert("section", &view);
    if is_home {
        let mut latest: Vec<usize> =
            (0..site.pages.len()).filter(|&k| site.pages[k].kind == crate::content::Kind::Article).collect();
        site.sort_newest_first(&mut latest);
        let latest: Vec<&PageCard> = latest.into_iter().take(s.paginate_by).map(|k| &cards[k]).collect();
        ctx.insert("latest", &latest);
    }
    let html = templates
        .tera
        .render(template, &ctx)
        .map_err(|e| tera_error(&e, &templates.files, Some(&file), Some(template)))?;
    Ok((output_file(&pager_path(s, n)), html.into_bytes()))
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
    fn strip_tags_gives_plain_text() {
        assert_eq!(strip_tags("<p>Mở <em>đầu</em> &amp; tiếp</p>\n"), "Mở đầu & tiếp");
    }

    #[test]
    fn redirect_escapes_urls() {
        let r = redirect_page("/a\"b/", "https://x.vn/a\"b/");
        assert!(r.contains("url=/a&quot;b/"));
        assert!(!r.contains("a\"b"));
    }
}
