//! The steps of the recipe that are more than one call: parsing every file and rendering
//! every body (each wrapped in the memo), and the registries the Markdown stage links with
//! (routes of every page, citable documents).

use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{Parsed, Site, Source};
use crate::diagnostics::Diagnostics;
use crate::markdown::cite::{Citations, CiteTarget};
use crate::markdown::{LinkTargets, MarkdownOptions, Rendered};
use crate::memo::{Memo, Prints};

/// Source file → URL path (base path included) of every page and section.
pub(super) fn routes(config: &Config, site: &Site) -> std::collections::BTreeMap<String, String> {
    let pages = site.pages.iter().map(|p| (p.file.clone(), config.url(&p.path)));
    let sections = site.sections.iter().filter_map(|s| Some((s.file.clone()?, config.url(&s.path))));
    pages.chain(sections).collect()
}

/// Parses every source in parallel, each reused from the last build when its file and text
/// are the same. Gives the parsed files, the problems, and the files that did not parse.
pub(super) fn parse_all(
    sources: Vec<Source>,
    prints: &Prints,
    memo: &Memo,
) -> (Vec<Parsed>, Diagnostics, Vec<String>) {
    let results: Vec<Arc<Result<Parsed, Diagnostics>>> = sources
        .par_iter()
        .map(|s| {
            let is_section = s.rel == "_index.md" || s.rel.ends_with("/_index.md");
            let key = || {
                let text =
                    prints.get(&s.file).copied().unwrap_or_else(|| crate::fingerprint::of_text(&s.text));
                crate::fingerprint::key_of(&(&s.file, text, is_section))
            };
            memo.get_or(
                |m| &m.parsed,
                key,
                || Arc::new(crate::parse::parse_shared(&s.text, &s.file, is_section)),
            )
        })
        .collect();
    let mut diags = Diagnostics::new();
    let mut parsed = Vec::with_capacity(results.len());
    let mut failed = Vec::new();
    for (r, s) in results.into_iter().zip(&sources) {
        match Arc::try_unwrap(r).unwrap_or_else(|shared| (*shared).clone()) {
            Ok(p) => parsed.push(p),
            Err(d) => {
                diags.extend(d);
                failed.push(s.file.clone());
            }
        }
    }
    drop(sources);
    (parsed, diags, failed)
}

/// Where `@/path.md` links point: every page and section by content-relative path (a
/// translation also by its original's path, `x.en.md` as `x.md`). The files
/// left out by their own errors (`missing`) count as pages (at `#`): a link to one is not an
/// error of the page that links; the build fails on that file's errors anyway.
pub fn link_targets(config: &Config, site: &Site, missing: &[String]) -> LinkTargets {
    let mut t = LinkTargets::default();
    for f in missing {
        t.urls.insert(f.trim_start_matches("content/").to_string(), "#".to_string());
    }
    for p in &site.pages {
        t.urls.insert(p.file.trim_start_matches("content/").to_string(), config.url(&p.path));
    }
    for s in &site.sections {
        if let Some(f) = &s.file {
            t.urls.insert(f.trim_start_matches("content/").to_string(), config.url(&s.path));
        }
    }
    // In a translation, `@/x.md` (as the original wrote it, or loa.yaml's `menu:`) is the
    // translation `x.en.md` of this language's site.
    let aliases: Vec<(String, String)> = t
        .urls
        .iter()
        .filter_map(|(file, url)| match crate::content::translation::split_language(file) {
            (original, Some(_)) => Some((original, url.clone())),
            _ => None,
        })
        .collect();
    for (original, url) in aliases {
        t.urls.entry(original).or_insert(url);
    }
    t
}

/// The registry of citable documents: every page of kind `document`, in page order.
pub fn citations(config: &Config, site: &Site) -> Citations {
    Citations::new(
        site.pages
            .iter()
            .filter_map(|p| {
                p.meta.document().map(|d| CiteTarget {
                    code: d.code.clone(),
                    aliases: d.aliases.clone(),
                    url: config.url(&p.path),
                    clauses: d.clause_ids.clone(),
                })
            })
            .collect(),
    )
}

/// Where `@/path.md` links point in the site of a language other than the default one: a
/// page's translation by its own file (`x.en.md`) and by its original's (`x.md`); a page not
/// translated, at its original (`defaults`, the default language's targets).
pub fn link_targets_with(
    config: &Config,
    site: &Site,
    missing: &[String],
    defaults: &LinkTargets,
) -> LinkTargets {
    let own = link_targets(config, site, missing);
    let mut t = LinkTargets::default();
    t.urls.extend(defaults.urls.iter().map(|(k, v)| (k.clone(), v.clone())));
    for (file, url) in own.urls {
        let original = crate::content::translation::split_language(&file).0;
        t.urls.insert(original, url.clone());
        t.urls.insert(file, url);
    }
    t
}

/// The registry of a language's site in a site of several: its own documents, then those of
/// `originals` (the default language's) it has no translation of, at the original's page.
pub fn citations_with(config: &Config, site: &Site, originals: &[CiteTarget]) -> Citations {
    let own = citations(config, site);
    let mut targets = own.targets().to_vec();
    for o in originals {
        if !targets.iter().any(|t| t.code == o.code) {
            targets.push(o.clone());
        }
    }
    Citations::new(targets)
}

/// Renders every body (pages, then sections), each reused from the last build when its text,
/// options and everything it can link to are the same; frees each one's Markdown once
/// rendered.
pub(super) fn markdown_all(
    config: &Config,
    site: &mut Site,
    links: &LinkTargets,
    cites: &Citations,
    prints: &Prints,
    memo: &Memo,
    shortcodes: Option<(&dyn crate::markdown::shortcodes::Shortcodes, u64)>,
) -> Bodies {
    let highlights = crate::markdown::highlight::HighlightCache::default();
    let opts = MarkdownOptions {
        unsafe_html: config.markdown.unsafe_html,
        links,
        bundle_url: None,
        cites,
        own_document: None,
        clause_anchors: false,
        highlights: &highlights,
        shortcodes: shortcodes.map(|(s, _)| s),
    };
    // A body renders the same when its text, options and everything it can link to (routes,
    // citable documents) are the same. Computed only when something is reused.
    let registry = std::sync::OnceLock::new();
    let registry = || {
        *registry.get_or_init(|| {
            let mut routes: Vec<(&String, &String)> = links.urls.iter().collect();
            routes.sort();
            // Shortcodes render with the templates: a body is kept for the same templates.
            let templates = shortcodes.map(|(_, print)| print);
            crate::fingerprint::key_of(&(routes, cites.targets(), config.markdown.unsafe_html, templates))
        })
    };
    // With the memo on, each body is kept with the fingerprint of its HTML (computed once,
    // when it is rendered): the reuse of outputs keys by it.
    // A body that names files (`tai_ve` shows a download's size) depends on their sizes too:
    // a file that changes while its page does not (`loa serve`) must not leave the old size.
    let files = |body: &str, bundle: Option<&str>| -> Vec<(String, Option<u64>)> {
        let Some((shortcodes, _)) = shortcodes else { return Vec::new() };
        crate::markdown::shortcodes::named_files(body, crate::markdown::parser_options())
            .into_iter()
            .map(|f| {
                let url = match bundle {
                    Some(dir) if !f.starts_with('/') && !f.contains(':') => format!("{dir}{f}"),
                    _ => f,
                };
                let size = shortcodes.file_size(&url);
                (url, size)
            })
            .collect()
    };
    let kept = |key: &dyn Fn() -> u64, make: &dyn Fn() -> Rendered| {
        memo.get_or(
            |m| &m.rendered,
            key,
            || {
                let r = make();
                let print = if memo.keeps(|m| &m.outputs) { crate::fingerprint::of_text(&r.html) } else { 0 };
                (Arc::new(r), print)
            },
        )
    };
    let pages: Vec<(Arc<Rendered>, u64)> = site
        .pages
        .par_iter_mut()
        .map(|p| {
            let url = p.bundle_dir.as_ref().map(|_| config.url(&p.path));
            let own = p.meta.document().and_then(|d| cites.find_code(&d.code));
            let opts = MarkdownOptions {
                bundle_url: url.as_deref(),
                own_document: own,
                clause_anchors: own.is_some(),
                ..opts
            };
            let key = || {
                let answers: Vec<&String> = p.faq.iter().map(|f| &f.a).collect();
                // The body is a function of the file's text: its print stands for it.
                let text =
                    prints.get(&p.file).copied().unwrap_or_else(|| crate::fingerprint::of_text(&p.body));
                let files = files(&p.body, url.as_deref());
                crate::fingerprint::key_of(&(
                    registry(),
                    &p.file,
                    text,
                    p.body_line,
                    &url,
                    own,
                    answers,
                    files,
                ))
            };
            let rendered = kept(&key, &|| render_page_body(p, opts));
            p.body = "".into();
            rendered
        })
        .collect();
    let sections: Vec<(Arc<Rendered>, u64)> = site
        .sections
        .par_iter_mut()
        .map(|s| {
            let file = s.file.as_deref().unwrap_or("content/_index.md");
            let key = || {
                let files = files(&s.body, None);
                crate::fingerprint::key_of(&(registry(), file, &s.body, s.body_line, "section", files))
            };
            let rendered = kept(&key, &|| crate::markdown::render(&s.body, s.body_line, file, opts));
            s.body = "".into();
            rendered
        })
        .collect();
    let (pages, page_prints): (Vec<_>, Vec<_>) = pages.into_iter().unzip();
    let (sections, section_prints): (Vec<_>, Vec<_>) = sections.into_iter().unzip();
    Bodies {
        pages,
        sections,
        prints: super::schedule::BodyPrints { pages: page_prints, sections: section_prints },
    }
}

/// The Markdown stage's results: each page's and section's rendered body, and the
/// fingerprints of their HTML (zeros when the memo is off).
pub(super) struct Bodies {
    pub(super) pages: Vec<Arc<Rendered>>,
    pub(super) sections: Vec<Arc<Rendered>>,
    pub(super) prints: super::schedule::BodyPrints,
}

/// A page's body and its FAQ answers (Markdown too, with no file position: they live in
/// front matter).
pub(super) fn render_page_body(p: &crate::content::Document, opts: MarkdownOptions<'_>) -> Rendered {
    let mut r = crate::markdown::render(&p.body, p.body_line, &p.file, opts);
    r.faq_answers = p
        .faq
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let a = crate::markdown::render(&f.a, 1, &p.file, opts);
            r.mentions
                .extend(a.mentions.iter().filter(|&m| !r.mentions.contains(m)).cloned().collect::<Vec<_>>());
            // The answer lives in front matter: its problems are placed in the file from where
            // its text starts (the `a:` of the k-th question, or the block below it).
            let origin = p.key_lines.value_origin("faq.a", k);
            for mut d in a.diagnostics.0 {
                d.location = Some(match (origin, &d.location) {
                    (Some((line, col, next_col)), Some(at)) if at.line >= 1 => {
                        let first = at.line == 1;
                        crate::diagnostics::Location::at(
                            &p.file,
                            line + at.line - 1,
                            at.column.max(1) - 1 + if first { col } else { next_col },
                        )
                    }
                    _ => p.key_lines.locate_nth(&p.file, "faq.a", k),
                });
                r.diagnostics.push(d);
            }
            a.html.to_string()
        })
        .collect();
    let media = super::images::bodies(&r).any(|h| crate::media::html::has_tag(h, &["img", "video"]));
    r.media = media;
    r
}

/// Where share cards made by earlier builds are kept (`media::card::cached`), under the site's
/// root: outside the output, not in the repository (`.gitignore`); CI may keep it between runs.
pub const CARD_CACHE: &str = ".loa-cache/cards";

/// The share cards the site shows, each once with its key: pages without an image of their
/// own, campaigns' audiences, sections but the home page; a card its fonts cannot draw is left
/// out (the page is shared with the default image).
pub(super) fn card_texts(config: &Config, site: &Site) -> Vec<(u64, crate::media::card::CardText)> {
    use crate::render::campaign::audience_share_card;
    use crate::render::page::share_card;
    let mut texts: Vec<crate::media::card::CardText> =
        site.pages.iter().filter(|p| p.image.is_none()).map(|p| share_card(config, site, p)).collect();
    for p in &site.pages {
        if let Some(c) = p.meta.campaign() {
            texts.extend(c.audiences.iter().map(|(_, m)| audience_share_card(config, p, m)));
        }
    }
    // Each section's listing pages but the home page's (which keeps the site's default image).
    texts.extend(site.sections.iter().skip(1).map(|s| crate::render::page::section_share_card(config, s)));
    // A card its fonts cannot draw is not made (the page is shared with the default image).
    // Each card's key once (it names the card and finds it in the memo and the cache).
    let mut cards: Vec<(u64, crate::media::card::CardText)> =
        texts.into_par_iter().filter(crate::media::card::CardText::drawable).map(|t| (t.key(), t)).collect();
    // Two pages with the same title in the same section share one card.
    cards.sort_by_key(|&(key, _)| key);
    cards.dedup_by_key(|&mut (key, _)| key);
    cards
}

/// The share cards (`media::card`, [`card_texts`]) given to the sink; each read from
/// [`CARD_CACHE`] when an earlier build made it, else made (in parallel) and kept there.
pub(super) fn share_cards(
    config: &Config,
    site: &Site,
    sink: &dyn crate::output::Sink,
    memo: &Memo,
) -> Diagnostics {
    let cards = card_texts(config, site);
    // Opened at the first card the memo does not hold: a memo that is on keeps them between
    // builds, and walking the pack's records was a tenth of a rebuild at 10,000 pages.
    let cache = std::sync::OnceLock::new();
    let open = || cache.get_or_init(|| crate::media::card::open_cache(&config.root.join(CARD_CACHE)));
    let failed: Vec<String> = cards
        .par_iter()
        .filter_map(|(key, t)| {
            let bytes = memo.get_or(
                |m| &m.cards,
                || *key,
                || Arc::new(crate::media::card::cached(*key, t, Some(open()))),
            );
            sink.put(&crate::media::card::file_of(*key), bytes).err()
        })
        .collect();
    if let Some(cache) = cache.into_inner() {
        crate::media::card::close_cache(cache, cards.iter().map(|&(key, _)| key));
    }
    let mut diags = Diagnostics::new();
    for e in failed {
        diags.push(crate::diagnostics::Diagnostic::global("io", format!("không ghi được ảnh chia sẻ: {e}")));
    }
    diags
}
