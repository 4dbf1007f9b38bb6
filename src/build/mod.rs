//! The build recipe: config → templates → load → parse → assemble → markdown → validate →
//! render (with the search index) → a sink. The only place that knows the order of the
//! stages.
//!
//! Each stage is a function over the previous stages' values. Reuse between builds is a layer
//! around them: [`build`] takes a [`Memo`], and each reusable step is
//! `memo.get_or(store, || key(input), || stage(input))`; with [`Memo::off`] (`loa build`,
//! `loa check`) that is the stage alone. Where the output files go is the caller's [`Sink`]
//! (the staging folder of `loa build`, memory for `check` and `serve`). The order in which the
//! outputs are made, for memory, is [`schedule`]'s. Every stage is timed for `--verbose`.

pub mod schedule;

use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::assemble::{AssembleOptions, assemble};
use crate::config::Config;
use crate::content::{Parsed, Site, Source};
use crate::diagnostics::Diagnostics;
use crate::markdown::cite::{Citations, CiteTarget};
use crate::markdown::{LinkTargets, MarkdownOptions, Rendered};
use crate::memo::{Memo, Prints};
use crate::output::Sink;
use crate::render::templates::Templates;
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
    /// Run the content checks of `loa check` too (`crate::check`): their findings join the
    /// build's diagnostics.
    pub check: Option<crate::check::CheckOptions>,
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
    pub output: crate::output::BuildOutput,
    /// Warnings of the run (errors fail the build instead), and with `check` on, every finding
    /// of the checks (their errors among them: `loa check` fails on them).
    pub diagnostics: Diagnostics,
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

/// Builds the site: every output file goes to `sink` as soon as it is made (`loa build`
/// streams into the staging folder: the pages are never all in memory); the returned
/// `Built::output.files` is empty and `copies` lists the files to copy. `memo` reuses the last
/// build's results and keeps this one's for the next ([`Memo::off`]: nothing).
pub fn build(config: &Config, opts: BuildOptions, sink: &dyn Sink, memo: &Memo) -> Result<Built, Failed> {
    let result = recipe(config, opts, sink, memo);
    memo.finish(result.is_ok());
    result
}

fn recipe(config: &Config, opts: BuildOptions, sink: &dyn Sink, memo: &Memo) -> Result<Built, Failed> {
    let mut t = Timer::start();
    let mut warnings = Diagnostics::new();
    let fail = |warnings: &Diagnostics, errors: Diagnostics| sorted(warnings.iter().cloned().chain(errors.0));
    let mut templates = memo.templates(|| Templates::load(config))?;
    t.lap("templates");
    let (mut loaded, prints) = memo.load(config)?;
    warnings.extend(loaded.warnings.clone());
    if let Some(c) = &opts.check {
        warnings.extend(crate::check::sources(config, &loaded, c));
    }
    t.lap("load");
    // The sources are not needed once parsed (the bodies share the texts): freed early.
    let (parsed, parse_errors) = parse_all(std::mem::take(&mut loaded.sources), &prints, memo);
    t.lap("parse");
    let now = opts.at.unwrap_or_else(now);
    let assembled = assemble(config, parsed, AssembleOptions { drafts: opts.drafts, now });
    // Files that parsed are still assembled when others did not, so that every file's own
    // errors are reported in one run; cross-file stages wait until all files parse.
    let mut site = match (assembled, parse_errors.has_errors()) {
        (Ok(site), false) => site,
        (Ok(_), true) => return Err(fail(&warnings, parse_errors)),
        (Err(e), _) => return Err(fail(&warnings, fail(&parse_errors, e))),
    };
    let copies = crate::assets::copies(&site, &loaded);
    if let Some(c) = &opts.check {
        warnings.extend(crate::check::site(config, &site, &copies, c));
    }
    t.lap("assemble");
    let links = link_targets(config, &site);
    let cites = citations(config, &site);
    let Bodies { pages, sections, prints: body_prints } =
        markdown_all(config, &mut site, &links, &cites, &prints, memo);
    t.lap("markdown");
    let checked = crate::validate::validate(&site, &pages, &sections);
    if checked.has_errors() {
        return Err(fail(&warnings, checked));
    }
    warnings.extend(checked);
    t.lap("validate");
    let input = schedule::Input {
        config,
        site: &site,
        pages,
        sections,
        prints: body_prints,
        links: &links,
        cites: &cites,
        copies: &copies,
    };
    let search = schedule::render(input, &mut templates, sink, memo, opts.defer_search)
        .map_err(|e| fail(&warnings, e))?;
    t.lap("render");
    let (timings, memory) = t.finish();
    let built = Built {
        output: crate::output::BuildOutput { files: Default::default(), copies },
        diagnostics: sorted(warnings.0),
        timings,
        memory,
        pages: site.pages.len(),
        next_change: site.next_change,
        routes: routes(config, &site),
        search,
    };
    // Freeing a large site's structures takes tens of milliseconds that nobody waits for.
    crate::dispose::later((site, templates, loaded, links, cites));
    Ok(built)
}

fn sorted(diags: impl IntoIterator<Item = crate::diagnostics::Diagnostic>) -> Diagnostics {
    let mut d = Diagnostics(diags.into_iter().collect());
    d.sort();
    d
}

/// Stage name and time, in order.
type Timings = Vec<(&'static str, Duration)>;
/// Stage name and the process's resident memory when it ended, in KiB.
type Memory = Vec<(&'static str, u64)>;

/// Each stage's time, and the process's resident memory as it ended.
struct Timer(Instant, Timings, Memory);

impl Timer {
    fn start() -> Timer {
        Timer(Instant::now(), Vec::new(), Vec::new())
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.1.push((stage, now - self.0));
        if let Some(kib) = memory_kib("VmRSS:") {
            self.2.push((stage, kib));
        }
        self.0 = now;
    }

    fn finish(self) -> (Timings, Memory) {
        (self.1, self.2)
    }
}

/// A memory figure of this process from `/proc/self/status` (`VmRSS:` resident now, `VmHWM:`
/// peak resident), in KiB; `None` where there is no such file.
pub fn memory_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix(field))?;
    line.trim().trim_end_matches("kB").trim().parse().ok()
}

/// Source file → URL path (base path included) of every page and section.
fn routes(config: &Config, site: &Site) -> std::collections::BTreeMap<String, String> {
    let pages = site.pages.iter().map(|p| (p.file.clone(), config.url(&p.path)));
    let sections = site.sections.iter().filter_map(|s| Some((s.file.clone()?, config.url(&s.path))));
    pages.chain(sections).collect()
}

/// Parses every source in parallel, each reused from the last build when its file and text
/// are the same.
fn parse_all(sources: Vec<Source>, prints: &Prints, memo: &Memo) -> (Vec<Parsed>, Diagnostics) {
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
    drop(sources);
    let mut diags = Diagnostics::new();
    let mut parsed = Vec::with_capacity(results.len());
    for r in results {
        match Arc::try_unwrap(r).unwrap_or_else(|shared| (*shared).clone()) {
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

/// Renders every body (pages, then sections), each reused from the last build when its text,
/// options and everything it can link to are the same; frees each one's Markdown once
/// rendered.
fn markdown_all(
    config: &Config,
    site: &mut Site,
    links: &LinkTargets,
    cites: &Citations,
    prints: &Prints,
    memo: &Memo,
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
    };
    // A body renders the same when its text, options and everything it can link to (routes,
    // citable documents) are the same. Computed only when something is reused.
    let registry = std::sync::OnceLock::new();
    let registry = || {
        *registry.get_or_init(|| {
            let mut routes: Vec<(&String, &String)> = links.urls.iter().collect();
            routes.sort();
            crate::fingerprint::key_of(&(routes, cites.targets(), config.markdown.unsafe_html))
        })
    };
    // With the memo on, each body is kept with the fingerprint of its HTML (computed once,
    // when it is rendered): the reuse of outputs keys by it.
    let kept = |key: &dyn Fn() -> u64, make: &dyn Fn() -> Rendered| {
        memo.get_or(
            |m| &m.rendered,
            key,
            || {
                let r = make();
                let print = if memo.stores().is_some() { crate::fingerprint::of_text(&r.html) } else { 0 };
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
                crate::fingerprint::key_of(&(registry(), &p.file, text, p.body_line, &url, own, answers))
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
            let key = || crate::fingerprint::key_of(&(registry(), file, &s.body, s.body_line, "section"));
            let rendered = kept(&key, &|| crate::markdown::render(&s.body, s.body_line, file, opts));
            s.body = "".into();
            rendered
        })
        .collect();
    let (pages, page_prints): (Vec<_>, Vec<_>) = pages.into_iter().unzip();
    let (sections, section_prints): (Vec<_>, Vec<_>) = sections.into_iter().unzip();
    Bodies { pages, sections, prints: schedule::BodyPrints { pages: page_prints, sections: section_prints } }
}

/// The Markdown stage's results: each page's and section's rendered body, and the
/// fingerprints of their HTML (zeros when the memo is off).
struct Bodies {
    pages: Vec<Arc<Rendered>>,
    sections: Vec<Arc<Rendered>>,
    prints: schedule::BodyPrints,
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
            a.html.to_string()
        })
        .collect();
    r
}
