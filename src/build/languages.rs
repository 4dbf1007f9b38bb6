//! The recipe of a site in several languages (issue 28): the sources split by language
//! (`crate::content::translation::partition`), one site assembled per language, the links
//! between them, then each language's site made as a site in one language is, its outputs
//! under its prefix (`en/…`). A site without `languages:` never comes here: its build is
//! byte for byte what it was.
//!
//! Each language's site is complete on its own: its listings, taxonomies, audiences, feeds,
//! sitemap, search index and 404 page, and a copy of the static files (templates name them
//! from `site.base_path`, which is the language's). The scripts for the loudspeakers are
//! Vietnamese speech: a site in another language has none.

use std::collections::BTreeMap;

use super::{BuildOptions, Built, Failed, One, Timer, assemble_one, fail, sorted, steps};
use crate::config::Config;
use crate::content::translation::{LanguageLink, Links, page_key, split_language};
use crate::content::{Site, Source};
use crate::diagnostics::Diagnostics;
use crate::memo::Memo;
use crate::output::{Bytes, Sink};
use crate::render::templates::Templates;

/// What every language's build shares.
pub(super) struct Shared<'a> {
    pub(super) config: &'a Config,
    pub(super) opts: BuildOptions,
    pub(super) sink: &'a dyn Sink,
    pub(super) memo: &'a Memo,
    pub(super) loaded: &'a crate::load::Loaded,
    pub(super) prints: &'a crate::memo::Prints,
}

/// Whether a language's site is in Vietnamese (its scripts for the loudspeakers are made).
pub(super) fn is_vietnamese(config: &Config) -> bool {
    config.language == "vi"
}

/// Puts every file under a folder of the output (`en/…`).
struct Prefixed<'a> {
    sink: &'a dyn Sink,
    folder: String,
}

impl Sink for Prefixed<'_> {
    fn put(&self, path: &str, bytes: Bytes) -> Result<(), String> {
        self.sink.put(&format!("{}/{path}", self.folder), bytes)
    }
}

/// Builds every language's site. `timings` and `memory` of the result are the caller's.
pub(super) fn recipe(
    sh: &Shared<'_>,
    sources: Vec<Source>,
    templates: Result<Templates, Diagnostics>,
    t: &mut Timer,
    mut warnings: Diagnostics,
) -> Result<Built, Failed> {
    let config = sh.config;
    let (parts, problems) = crate::content::translation::partition(config, sources);
    warnings.extend(problems);
    let configs: Vec<Config> = std::iter::once(config.clone())
        .chain(config.languages.iter().map(|l| config.for_language(l)))
        .collect();
    let mut assembled = Vec::with_capacity(configs.len());
    for (cfg, sources) in configs.iter().zip(parts) {
        let (parsed, parse_errors, failed) = steps::parse_all(sources, sh.prints, sh.memo);
        warnings.extend(parse_errors);
        let a = assemble_one(cfg, sh.opts, parsed, &failed).map_err(|e| fail(&warnings, e))?;
        assembled.push((a, failed));
    }
    t.lap("parse");
    let sites: Vec<&Site> = assembled.iter().map(|(a, _)| &a.site).collect();
    let links = links(&configs, &sites);
    warnings.extend(crate::assemble::check_translations(&sites));
    // Where a language has no translation of a document, its pages cite the original.
    let originals = steps::citations(config, &assembled[0].0.site).targets().to_vec();
    // The index is made with the pages (a deferred index would be written at the root).
    let opts = BuildOptions { defer_search: false, ..sh.opts };
    let mut templates = Some(templates);
    let mut built: Option<Built> = None;
    let mut errors = Diagnostics::new();
    for (i, (cfg, (a, failed))) in configs.iter().zip(assembled).enumerate() {
        let prefixed;
        let (sink, folder): (&dyn Sink, Option<&str>) = match i.checked_sub(1).map(|k| &config.languages[k]) {
            None => (sh.sink, None),
            Some(lang) => {
                prefixed = Prefixed { sink: sh.sink, folder: lang.prefix.clone() };
                (&prefixed, Some(lang.prefix.as_str()))
            }
        };
        let own_templates = match templates.take() {
            Some(t) => t,
            None => Templates::load(cfg),
        };
        let one = One {
            config: cfg,
            opts,
            sink,
            memo: sh.memo,
            loaded: sh.loaded,
            prints: sh.prints,
            translations: Some((&links, &originals)),
        };
        match one.finish(a, failed, own_templates, t, Diagnostics::new()) {
            Ok(b) => built = Some(merge(built, b, folder, &cfg.language)),
            Err(d) => errors.extend(d),
        }
    }
    warnings.extend(errors);
    match built {
        Some(mut b) if !warnings.has_errors() => {
            b.diagnostics = sorted(warnings.0.into_iter().chain(b.diagnostics.0));
            Ok(b)
        }
        _ => Err(sorted(warnings.0.into_iter().chain(built.map(|b| b.diagnostics.0).unwrap_or_default()))),
    }
}

/// `b` (a language's build, its files under `folder`) joined to the builds before it.
fn merge(into: Option<Built>, mut b: Built, folder: Option<&str>, code: &str) -> Built {
    if let Some(folder) = folder {
        b.output.copies = b.output.copies.into_iter().map(|(k, v)| (format!("{folder}/{k}"), v)).collect();
        // A section the language has not translated is built from its original; its approval
        // is the original's, listed once.
        b.approvals.retain(|r| split_language(r.file.trim_start_matches("content/")).1 == Some(code));
    }
    let Some(mut all) = into else { return b };
    all.output.copies.extend(b.output.copies);
    all.output.files.extend(b.output.files);
    all.diagnostics.extend(b.diagnostics);
    all.pages += b.pages;
    all.next_change = match (all.next_change, b.next_change) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    for (file, url) in b.routes {
        all.routes.entry(file).or_insert(url);
    }
    all.approvals.extend(b.approvals);
    all.images_pending.extend(b.images_pending);
    all
}

/// The links between the languages' sites: each page and section by the page it translates.
/// A section a language has not translated (built from its original: its file has no
/// language in its name) is no translation.
fn links(configs: &[Config], sites: &[&Site]) -> Links {
    let languages = configs
        .iter()
        .enumerate()
        .map(|(i, c)| LanguageLink {
            code: c.language.clone(),
            name: match i.checked_sub(1).and_then(|k| configs[0].languages.get(k)) {
                Some(l) => l.name.clone(),
                None => crate::config::languages::default_name(&c.language),
            },
            home: c.url("/"),
            origin: c.base_url[..c.base_url.len() - c.base_path.len()].to_string(),
        })
        .collect();
    let pages = configs
        .iter()
        .zip(sites)
        .enumerate()
        .map(|(i, (c, site))| {
            let key = |file: &str| {
                let (base, lang) = split_language(file.trim_start_matches("content/"));
                (i == 0 || lang.is_some()).then(|| page_key(&base))
            };
            let mut urls: BTreeMap<String, String> = BTreeMap::new();
            urls.insert(String::new(), c.url("/"));
            for p in &site.pages {
                if let Some(k) = key(&p.file) {
                    urls.insert(k, c.url(&p.path));
                }
            }
            for s in site.sections.iter().skip(1) {
                if let Some(k) = s.file.as_deref().and_then(key) {
                    urls.insert(k, c.url(&s.path));
                }
            }
            urls
        })
        .collect();
    Links::new(languages, pages)
}
