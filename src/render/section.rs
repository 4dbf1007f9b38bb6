//! Section listings: a section's pages, paginated (`section` in `section.html`, and in
//! `index.html` with `latest`, `campaigns` and `documents` for the home page), and the
//! paginator every listing shares.
//!
//! Takes the [`Env`]; gives values.

use super::call::TemplateCall;
use super::campaign;
use super::context::{self, LinkView, PageCard, PagerLink, PaginatorView, SectionView};
use super::env::Env;
use crate::config::Config;
use crate::content::{DocId, Kind, Section, SectionId, output_file};
use crate::diagnostics::{Diagnostic, Location};

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

/// The template call of listing page `n` of section `i` (`index.html` for the home page,
/// with the latest articles, the active campaigns and the documents).
pub fn prepare<'a>(env: &'a Env<'_>, i: SectionId, n: usize) -> Result<TemplateCall<'a>, Diagnostic> {
    let (config, site) = (env.config, env.site);
    let s: &Section = &site.sections[i];
    let per = s.paginate_by;
    let body = &env.sections[i];
    let is_home = i == SectionId(0);
    // A section's own card, unless it is the home page or its title is one the card fonts
    // cannot draw (Khmer): then the template's default image, as for a page.
    let card = super::page::section_share_card(config, s);
    let share_image = if !is_home && env.templates.share_images && card.drawable() {
        config.permalink(&format!("/{}", card.file()))
    } else {
        String::new()
    };
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
        share_image,
    };
    let template: &'a str =
        s.template.as_deref().unwrap_or(if is_home { "index.html" } else { "section.html" });
    let file = s.file.clone().unwrap_or_else(|| "content/_index.md".to_string());
    if !env.templates.has(template) {
        return Err(Diagnostic::error(
            "template",
            Location::file(&file),
            format!("không có mẫu `{template}`"),
        )
        .with_hint(format!("tạo templates/{template}")));
    }
    let ids = s.pages.iter().skip((n - 1) * per).take(per).copied().collect();
    let mut call =
        TemplateCall::new(output_file(&pager_path(&s.path, n)), template, file).listing("section", view, ids);
    if is_home {
        let mut articles: Vec<DocId> =
            DocId::all(site.pages.len()).filter(|&k| site.pages[k].kind == Kind::Article).collect();
        site.sort_newest_first(&mut articles);
        let latest: Vec<&PageCard> =
            articles.into_iter().take(s.paginate_by).map(|k| &env.cards[k]).collect();
        // Documents as a timeline: by date of issue.
        let mut docs: Vec<DocId> =
            DocId::all(site.pages.len()).filter(|&k| site.pages[k].kind == Kind::Document).collect();
        docs.sort_by_key(|&k| (site.pages[k].meta.document().and_then(|d| d.issued), k));
        let documents: Vec<&PageCard> = docs.into_iter().map(|k| &env.cards[k]).collect();
        call = call
            .with("latest", latest)
            .with("campaigns", campaign::active_campaigns(env))
            .with("documents", documents);
    }
    Ok(call)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
