//! The build recipe: config → load → parse → assemble → markdown → validate → render.
//!
//! Each stage is a pure function over the previous stage's output (except `load`, which reads);
//! every stage is timed for `--verbose`. Writing is left to the caller (`write`), so `check` and
//! `serve` run the same recipe without touching the disk.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::assemble::{AssembleOptions, assemble};
use crate::cache::BuildCache;
use crate::config::Config;
use crate::content::{Parsed, Site};
use crate::diagnostics::Diagnostics;
use crate::markdown::cite::{Citations, CiteTarget};
use crate::markdown::{LinkTargets, MarkdownOptions, Rendered};
use crate::render::templates::Templates;
use crate::render::{Bodies, BuildOutput, MemorySink, RenderInput, Sink, render_site};
use crate::vi::dates::DateTime;

/// What to build.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// Include drafts.
    pub drafts: bool,
    /// Build the site as it would be at this moment (`--at`) instead of now.
    pub at: Option<DateTime>,
    /// Leave the search index out: `Built::search` has its documents instead, for the caller
    /// to index later (`loa serve` reloads the browser first).
    pub defer_search: bool,
}

/// The current moment, as the build sees it.
pub fn now() -> DateTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    DateTime::from_unix(secs)
}

/// A finished build, not yet written.
#[derive(Debug)]
pub struct Built {
    /// Every output file.
    pub output: BuildOutput,
    /// Warnings of the run (errors fail the build instead).
    pub warnings: Diagnostics,
    /// Stage name and time, in order.
    pub timings: Vec<(&'static str, Duration)>,
    /// Stage name and the process's resident memory when it ended, in KiB (where the system
    /// tells: Linux), in order; for `--verbose`.
    pub memory: Vec<(&'static str, u64)>,
    /// Number of pages (not listings) built.
    pub pages: usize,
    /// When the built site would next change by itself (schedules, campaign dates).
    pub next_change: Option<DateTime>,
    /// Source file (`content/x.md`) → its URL path with the base path (`/bai-viet/x/`), for
    /// every page and section: `serve` sends a browser to a page's new URL after a slug edit.
    pub routes: std::collections::BTreeMap<String, String>,
    /// The search documents, when the index was deferred (`BuildOptions::defer_search`):
    /// `crate::search::build_index` of them gives the index files the output lacks.
    pub search: Option<Vec<crate::search::SearchDoc>>,
}

/// A failed build: every diagnostic, including the warnings found before the failure.
pub type Failed = Diagnostics;

struct Timer(Instant, Vec<(&'static str, Duration)>, Vec<(&'static str, u64)>);

impl Timer {
    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.1.push((stage, now - self.0));
        if let Some(kib) = memory_kib("VmRSS:") {
            self.2.push((stage, kib));
        }
        self.0 = now;
    }
}

/// A memory figure of this process from `/proc/self/status` (`VmRSS:` resident now, `VmHWM:`
/// peak resident), in KiB; `None` where there is no such file.
pub fn memory_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix(field))?;
    line.trim().trim_end_matches("kB").trim().parse().ok()
}

/// Runs the whole pipeline in memory: every output file ends up in `Built::output.files`
/// (`check` and `serve`).
pub fn build(config: &Config, opts: BuildOptions) -> Result<Built, Failed> {
    let sink = MemorySink::default();
    let mut built = build_into(config, opts, &sink)?;
    built.output.files = sink.into_files();
    Ok(built)
}

/// Runs the whole pipeline, handing each rendered file to `sink` as soon as it is rendered
/// (`build` streams into the staging folder: the pages are never all in memory). The
/// returned `Built::output.files` is empty; `copies` lists the files to copy.
pub fn build_into(config: &Config, opts: BuildOptions, sink: &dyn Sink) -> Result<Built, Failed> {
    run(config, opts, sink, None)
}

/// `build`, reusing the unchanged work of the previous build through `cache` (parsed files and
/// rendered bodies) and storing this build's for the next one. The output is identical to
/// `build`'s.
pub fn build_cached(config: &Config, opts: BuildOptions, cache: &BuildCache) -> Result<Built, Failed> {
    let sink = MemorySink::default();
    let result = run(config, opts, &sink, Some(cache));
    match &result {
        Ok(_) => cache.rotate(),
        // A failed build keeps the last good build's entries for the next attempt.
        Err(_) => cache.discard(),
    }
    let mut built = result?;
    built.output.files = sink.into_files();
    Ok(built)
}

fn run(
    config: &Config,
    opts: BuildOptions,
    sink: &dyn Sink,
    cache: Option<&BuildCache>,
) -> Result<Built, Failed> {
    let mut t = Timer(Instant::now(), Vec::new(), Vec::new());
    let mut warnings = Diagnostics::new();
    let fail = |mut w: Diagnostics, e: Diagnostics| {
        w.extend(e);
        w.sort();
        w
    };
    let mut templates = match cache.and_then(BuildCache::unchanged_templates) {
        Some(t) => t,
        None => {
            let loaded = Templates::load(config);
            if let Some(c) = cache {
                let kept = loaded.as_ref().ok().cloned();
                *c.templates.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = kept;
            }
            loaded?
        }
    };
    t.lap("templates");
    let mut loaded = match cache {
        Some(c) => crate::load::load_site_with(config, c)?,
        None => crate::load::load_site(config)?,
    };
    warnings.extend(loaded.warnings.clone());
    t.lap("load");
    // The sources are not needed once parsed (the bodies are copied): free them early.
    let sources = std::mem::take(&mut loaded.sources);
    let (parsed, parse_errors) = parse_all(&sources, cache);
    drop(sources);
    t.lap("parse");
    let assembled =
        assemble(config, parsed, AssembleOptions { drafts: opts.drafts, now: opts.at.unwrap_or_else(now) });
    // Files that parsed are still assembled when others did not, so that every file's own
    // errors are reported in one run; cross-file stages wait until all files parse.
    let mut site = match (assembled, parse_errors.has_errors()) {
        (Ok(site), false) => site,
        (Ok(_), true) => return Err(fail(warnings, parse_errors)),
        (Err(e), _) => return Err(fail(fail(warnings, parse_errors), e)),
    };
    t.lap("assemble");
    let links = link_targets(config, &site);
    let cites = citations(config, &site);
    let (mut pages, sections) = markdown_all(config, &mut site, &links, &cites, cache);
    t.lap("markdown");
    let checked = crate::validate::validate(&site, &pages, &sections);
    if checked.has_errors() {
        return Err(fail(warnings, checked));
    }
    warnings.extend(checked);
    t.lap("validate");
    // Where nothing else holds a body (no cache), its search text moves to the search index,
    // which frees it once tokenised, and its HTML to its page, which frees it once rendered.
    let (texts, htmls): (Vec<Arc<str>>, Vec<Option<String>>) = pages
        .iter_mut()
        .map(|r| match Arc::get_mut(r) {
            Some(r) => (std::mem::take(&mut r.text), Some(std::mem::take(&mut r.html))),
            None => (Arc::clone(&r.text), None),
        })
        .unzip();
    // Without search nothing reads the texts: freed now, not at the end of rendering.
    let texts = std::sync::Mutex::new(if config.search { texts } else { Vec::new() });
    let htmls = std::sync::Mutex::new(htmls);
    let bodies = Bodies { pages: &pages, sections: &sections, texts: &texts, htmls: &htmls };
    let input = RenderInput {
        config,
        site: &site,
        bodies: &bodies,
        links: &links,
        cites: &cites,
        memo: cache.map(|c| &c.outputs),
        defer_search: opts.defer_search,
    };
    let copies = crate::assets::copies(&site, &loaded);
    let guard = crate::assets::CopyGuard::new(sink, &copies);
    let search = render_site(&input, &mut templates, &guard).map_err(|e| fail(warnings.clone(), e))?;
    let replaced = guard.replaced(config, &site);
    if replaced.has_errors() {
        return Err(fail(warnings, replaced));
    }
    let output = BuildOutput { files: Default::default(), copies };
    t.lap("render");
    warnings.sort();
    let routes = routes(config, &site);
    let built = Built {
        output,
        warnings,
        timings: t.1,
        memory: t.2,
        pages: site.pages.len(),
        next_change: site.next_change,
        routes,
        search,
    };
    // Freeing a large site's structures takes tens of milliseconds that nobody waits for.
    crate::dispose::later((site, pages, sections, templates, loaded, links, cites));
    Ok(built)
}

/// Source file → URL path (base path included) of every page and section.
fn routes(config: &Config, site: &Site) -> std::collections::BTreeMap<String, String> {
    let pages = site.pages.iter().map(|p| (p.file.clone(), config.url(&p.path)));
    let sections = site.sections.iter().filter_map(|s| Some((s.file.clone()?, config.url(&s.path))));
    pages.chain(sections).collect()
}

fn parse_all(sources: &[crate::content::Source], cache: Option<&BuildCache>) -> (Vec<Parsed>, Diagnostics) {
    let results: Vec<Result<Parsed, Diagnostics>> = sources
        .par_iter()
        .map(|s| {
            let is_section = s.rel == "_index.md" || s.rel.ends_with("/_index.md");
            let parse = || {
                let parsed = crate::parse::parse_shared(&s.text, &s.file, is_section);
                parsed.map(|p| crate::content::Parsed { source_print: s.print, ..p })
            };
            let Some(c) = cache else { return parse() };
            // The text's print when the load computed it, else the text itself.
            let text = s.print.is_none().then_some(&s.text);
            let key = crate::fingerprint::key_of(&(&s.file, s.print, text, is_section));
            (*c.parsed.get_or(key, || Arc::new(parse()))).clone()
        })
        .collect();
    let mut diags = Diagnostics::new();
    let mut parsed = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(p) => parsed.push(p),
            Err(d) => diags.extend(d),
        }
    }
    (parsed, diags)
}

/// Where `@/path.md` links point: every page and section by content-relative path.
pub fn link_targets(config: &Config, site: &Site) -> LinkTargets {
    let mut t = LinkTargets::default();
    for p in &site.pages {
        t.urls.insert(p.file.trim_start_matches("content/").to_string(), config.url(&p.path));
    }
    for s in &site.sections {
        if let Some(f) = &s.file {
            t.urls.insert(f.trim_start_matches("content/").to_string(), config.url(&s.path));
        }
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

/// Renders every body, and frees each one's Markdown once rendered (`loa build` peaks here
/// when the sources and the rendered bodies are both held: 227 against 204 MiB on 10,000
/// articles).
fn markdown_all(
    config: &Config,
    site: &mut Site,
    links: &LinkTargets,
    cites: &Citations,
    cache: Option<&BuildCache>,
) -> (Vec<Arc<Rendered>>, Vec<Arc<Rendered>>) {
    let highlights = crate::markdown::highlight::HighlightCache::default();
    let opts = MarkdownOptions {
        unsafe_html: config.markdown.unsafe_html,
        links,
        bundle_url: None,
        cites,
        own_document: None,
        clause_anchors: false,
        highlights: &highlights,
    };
    // A body renders the same when its text, options and everything it can link to (routes,
    // citable documents) are the same.
    let registry = cache.map(|_| {
        let mut routes: Vec<(&String, &String)> = links.urls.iter().collect();
        routes.sort();
        crate::fingerprint::key_of(&(routes, cites.targets(), config.markdown.unsafe_html))
    });
    let cached = |key: &dyn Fn() -> u64, make: &dyn Fn() -> Rendered| match cache {
        Some(c) => c.rendered.get_or(key(), || Arc::new(make())),
        None => Arc::new(make()),
    };
    let pages = site
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
                // The body is a function of the file's text: its print stands for it when known.
                let body = p.source_print.is_none().then_some(&p.body);
                crate::fingerprint::key_of(&(
                    registry,
                    &p.file,
                    p.source_print,
                    body,
                    p.body_line,
                    &url,
                    own,
                    answers,
                ))
            };
            let rendered = cached(&key, &|| render_page_body(p, opts));
            p.body = "".into();
            rendered
        })
        .collect();
    let sections = site
        .sections
        .par_iter_mut()
        .map(|s| {
            let file = s.file.as_deref().unwrap_or("content/_index.md");
            let key = || crate::fingerprint::key_of(&(registry, file, &s.body, s.body_line, "section"));
            let rendered = cached(&key, &|| crate::markdown::render(&s.body, s.body_line, file, opts));
            s.body = "".into();
            rendered
        })
        .collect();
    (pages, sections)
}

/// A page's body and its FAQ answers (Markdown too, with no file position: they live in
/// front matter).
fn render_page_body(p: &crate::content::Document, opts: MarkdownOptions<'_>) -> Rendered {
    let mut r = crate::markdown::render(&p.body, p.body_line, &p.file, opts);
    r.faq_answers = p
        .faq
        .iter()
        .map(|f| {
            let a = crate::markdown::render(&f.a, 0, &p.file, opts);
            r.mentions
                .extend(a.mentions.iter().filter(|&m| !r.mentions.contains(m)).cloned().collect::<Vec<_>>());
            for mut d in a.diagnostics.0 {
                // The answer lives in front matter: point at the `faq:` key.
                d.location = Some(p.key_lines.locate(&p.file, "faq"));
                r.diagnostics.push(d);
            }
            a.html
        })
        .collect();
    r
}
