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

mod image_cache;
pub mod images;
mod languages;
pub mod later;
pub mod schedule;
mod steps;

use std::time::{Duration, Instant};

use crate::assemble::{AssembleOptions, assemble};
use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::media::card;
use crate::memo::Memo;
use crate::output::Sink;
use crate::render::templates::Templates;
use crate::vi::dates::DateTime;
use steps::{Bodies, citations, link_targets, markdown_all, parse_all, routes};

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
    /// Build every page whatever its approval (`loa serve`: it shows each page's state).
    pub preview: bool,
    /// Make no image that is not in the cache: pages show those originals, and
    /// `Built::images_pending` lists them for the caller to make (`loa serve` reloads first).
    pub images_later: bool,
    /// `site.style` imports `style.css` instead of holding it ([`crate::assets::import_style`]),
    /// so that each page's `<style>` is one line (`loa serve`: it holds every output in memory,
    /// and the theme's stylesheet, about 11 KB a page, was 190 MB of the 1.5 GB it held at
    /// 10,000 articles; a preview on the editor's machine does not need the first paint of a
    /// phone on a slow network). Any theme that puts `site.style` in a `<style>` works as is.
    pub import_style: bool,
    /// Make no share card and no script file: `Built::later` lists them for the caller to
    /// make when asked (`loa serve`; see `later.rs`).
    pub files_on_request: bool,
}

impl BuildOptions {
    /// A preview's options (`loa serve`): all pages, the stylesheet imported, files on request.
    pub fn preview() -> BuildOptions {
        BuildOptions { preview: true, import_style: true, files_on_request: true, ..BuildOptions::default() }
    }
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
    /// Stage name and the CPU time (user and system, every thread) the process used in it,
    /// where the system tells (unix), in order; for `--verbose`.
    pub cpu: Vec<(&'static str, Duration)>,
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
    /// Every page's approval (`editorial.approval`), in file order: `loa check` lists them,
    /// `loa serve` shows them.
    pub approvals: Vec<crate::content::approval::ApprovalRecord>,
    /// The images left for later (`BuildOptions::images_later`): `images::make_pending` of
    /// them fills the cache, and the next build shows them.
    pub images_pending: Vec<crate::media::Pending>,
    /// The files left to make when asked (`BuildOptions::files_on_request`), by output path.
    pub later: Vec<(String, later::Later)>,
}

/// Each stage's name and time, each stage's name and the CPU time of every thread in it, and
/// each stage's name and the resident memory when it ended in KiB (the last two where the
/// system tells), in order: what `--verbose` prints.
pub type Stages = (Vec<(&'static str, Duration)>, Vec<(&'static str, Duration)>, Vec<(&'static str, u64)>);

/// A failed build: every diagnostic, including the warnings found before the failure.
pub type Failed = Diagnostics;

/// Builds the site: every output file goes to `sink` as soon as it is made (`loa build`
/// streams into the staging folder: the pages are never all in memory); the returned
/// `Built::output.files` is empty and `copies` lists the files to copy. `memo` reuses the last
/// build's results and keeps this one's for the next ([`Memo::off`]: nothing).
pub fn build(config: &Config, opts: BuildOptions, sink: &dyn Sink, memo: &Memo) -> Result<Built, Failed> {
    let mut result = recipe(config, opts, sink, memo);
    let t = Instant::now();
    memo.finish(result.is_ok());
    if let Ok(built) = &mut result {
        // Keeping this build's results for the next (`loa build`: `.loa-cache/memo/` on disk).
        built.timings.push(("cache-save", t.elapsed()));
    }
    result
}

fn recipe(config: &Config, opts: BuildOptions, sink: &dyn Sink, memo: &Memo) -> Result<Built, Failed> {
    let mut t = Timer::start();
    let mut warnings = Diagnostics::new();
    // A theme's errors stop the build before rendering, not before the content is read: the
    // content's own errors come in the same run.
    let templates = memo.templates(|| Templates::load(config));
    t.lap("templates");
    let (mut loaded, prints) = memo.load(config)?;
    warnings.extend(loaded.warnings.clone());
    if let Some(c) = &opts.check {
        warnings.extend(crate::check::sources(config, &loaded, c));
    }
    t.lap("load");
    // The sources are not needed once parsed (the bodies share the texts): freed early.
    let sources = std::mem::take(&mut loaded.sources);
    let one = One {
        config,
        opts,
        sink,
        memo,
        loaded: &loaded,
        prints: &prints,
        translations: None,
        defaults: None,
    };
    if !config.languages.is_empty() {
        let built = several(&one, sources, templates, &mut t, warnings);
        crate::dispose::later(loaded);
        return built.map(|mut b| {
            (b.timings, b.memory, b.cpu) = t.finish();
            b
        });
    }
    // A file named as a translation (`x.en.md`) in a site of one language is an error of its
    // own, left out.
    let declared = crate::content::translation::Declared { default: &config.language, others: &[] };
    let (mut parts, undeclared) = crate::content::translation::partition(declared, sources);
    warnings.extend(undeclared);
    let (parsed, parse_errors, failed) = parse_all(parts.swap_remove(0), &prints, memo);
    warnings.extend(parse_errors);
    t.lap("parse");
    let assembled = assemble_one(config, opts, parsed, &failed).map_err(|e| fail(&warnings, e))?;
    let (mut built, outputs) = one.finish(assembled, failed, templates, &mut t, warnings)?;
    crate::dispose::later(outputs);
    (built.timings, built.memory, built.cpu) = t.finish();
    crate::dispose::later(loaded);
    Ok(built)
}

/// The build's warnings so far and a stage's errors, as the build's failure.
fn fail(warnings: &Diagnostics, errors: Diagnostics) -> Failed {
    sorted(warnings.iter().cloned().chain(errors.0))
}

/// The assemble stage for one language's parsed files.
fn assemble_one(
    config: &Config,
    opts: BuildOptions,
    parsed: Vec<crate::content::Parsed>,
    failed: &[String],
) -> Result<crate::assemble::Assembled, Diagnostics> {
    // Errors from here on do not stop the build: every stage runs on what could be made, so
    // that one run shows every error (a broken anchor and a broken call to action together);
    // what a file left out by its errors would have been is not an error of other files.
    // Only two files on one URL stop it (later stages would make one page twice).
    let now = opts.at.unwrap_or_else(now);
    assemble(config, parsed, AssembleOptions { drafts: opts.drafts, now, preview: opts.preview, failed })
}

/// What the build of one language's site reads besides its assembled site: the whole build's
/// settings, and the language's config and links to the other languages.
struct One<'a> {
    /// The language's config (the site's own for the default language).
    config: &'a Config,
    /// The build's options.
    opts: BuildOptions,
    /// Where the language's outputs go (under its prefix for another language).
    sink: &'a dyn Sink,
    /// The build's reuse of results (shared by every language: its keys name what they read).
    memo: &'a Memo,
    /// What the load stage found (the static files and bundle assets every language copies).
    loaded: &'a crate::load::Loaded,
    /// The fingerprints of the files' texts.
    prints: &'a crate::memo::Prints,
    /// The links between the languages, for a site in several.
    translations: Option<&'a crate::content::translation::Links>,
    /// For a language other than the default one: what it borrows from the default
    /// language's site.
    defaults: Option<&'a Defaults>,
}

/// What the site of a language other than the default one borrows from the default
/// language's: where a page is not translated, its `@/` links and citations lead to the
/// original, and the original's outputs are places links may lead to.
struct Defaults {
    /// The default language's citable documents.
    cites: Vec<crate::markdown::cite::CiteTarget>,
    /// Where `@/` links go in the default language's site.
    targets: crate::markdown::LinkTargets,
    /// The default language's outputs (`bai-viet/x/index.html`).
    outputs: std::collections::HashSet<String>,
    /// The folders of the default language's page bundles (`content/bai-viet/le`), absolute:
    /// a bundle not translated into a language has no page there to carry its files.
    bundles: Vec<std::path::PathBuf>,
}

impl One<'_> {
    /// The rest of the recipe for one language's site: from its assembled site to its
    /// outputs. `timings` and `memory` of the result are left empty; the paths of the outputs
    /// come with it.
    fn finish(
        &self,
        assembled: crate::assemble::Assembled,
        failed: Vec<String>,
        templates: Result<Templates, Diagnostics>,
        t: &mut Timer,
        mut warnings: Diagnostics,
    ) -> Result<(Built, std::collections::HashSet<String>), Failed> {
        let One { config, opts, sink, memo, loaded, prints, translations, defaults } = *self;
        let mut site = assembled.site;
        let approvals = assembled.approvals;
        warnings.extend(assembled.diagnostics);
        let missing: Vec<String> = failed.into_iter().chain(assembled.left_out).collect();
        let mut copies = crate::assets::copies(&site, loaded);
        if let Some(d) = defaults {
            let own: Vec<std::path::PathBuf> = site
                .pages
                .iter()
                .filter_map(|p| p.bundle_dir.as_ref())
                .map(|b| config.root.join(b))
                .collect();
            let foreign: Vec<&std::path::PathBuf> = d.bundles.iter().filter(|b| !own.contains(b)).collect();
            copies.retain(|_, from| !foreign.iter().any(|b| from.starts_with(b)));
        }
        let (theme_static, minify_warnings) = crate::assets::theme_static(config, loaded, &mut copies);
        warnings.extend(minify_warnings);
        let style = crate::assets::inline_style(&theme_static, &copies, &config.base_path)
            .map(|css| if opts.import_style { crate::assets::import_style(&config.base_path) } else { css });
        if let Some(c) = &opts.check {
            warnings.extend(crate::check::site(&site, c));
        }
        t.lap("assemble");
        // Before the bodies are rendered (that frees their Markdown); its findings are `loa check`'s.
        // The scripts are Vietnamese speech: another language's site has none.
        let bulletins = if translations.is_some() && !languages::is_vietnamese(config) {
            crate::bulletin::Bulletins::default()
        } else {
            crate::bulletin::make_kept(config, &site, &|key, make| memo.get_or(|m| &m.bulletins, key, make))
        };
        if opts.check.is_some() {
            warnings.extend(bulletins.diagnostics.clone());
        }
        t.lap("bulletin");
        warnings.extend(crate::validate::facts::check(&site));
        t.lap("facts");
        let (link_targets, cites) = match defaults {
            Some(d) => (
                steps::link_targets_with(config, &site, &missing, &d.targets),
                steps::citations_with(config, &site, &d.cites),
            ),
            None => (link_targets(config, &site, &missing), citations(config, &site)),
        };
        // Shortcodes are the templates' (`templates/shortcodes/`); a file's size for `tai_ve` is
        // read only when a download names it.
        let size = |url: &str| {
            let rel = url.strip_prefix(config.base_path.as_str()).unwrap_or(url).trim_start_matches('/');
            copies.get(rel).and_then(|from| std::fs::metadata(from).ok()).map(|m| m.len())
        };
        let shortcodes = templates.as_ref().ok().map(|t| {
            let (set, errors) = crate::render::shortcodes::TemplateShortcodes::new(t, &size);
            warnings.extend(errors);
            (set, t.fingerprint)
        });
        let Bodies { mut pages, mut sections, prints: mut body_prints } = markdown_all(
            config,
            &mut site,
            &link_targets,
            &cites,
            prints,
            memo,
            shortcodes.as_ref().map(|(s, print)| (s as &dyn crate::markdown::shortcodes::Shortcodes, *print)),
        );
        drop(shortcodes);
        t.lap("markdown");
        let (published, linked) = images::images(
            config,
            &site,
            &mut copies,
            &mut pages,
            &mut body_prints.pages,
            opts.images_later,
            opts.check.is_some(),
        );
        warnings.extend(published.diagnostics);
        let images_pending = published.pending;
        let image_index = (published.pictures, published.sizes);
        t.lap("images");
        warnings.extend(crate::validate::validate(&site, &pages, &sections));
        let mut links = crate::validate::links::LinkIndex::take(&site, &mut pages, &mut sections);
        if let Some(menu) = &config.menu {
            warnings.extend(crate::validate::links::menu(&mut links, menu, &link_targets));
        }
        let broken = broken_pages(&site, &warnings, &cites);
        t.lap("validate");
        let mut templates = templates.map_err(|e| fail(&warnings, e))?;
        templates.images.set(config, image_index.0, image_index.1);
        let input = schedule::Input {
            config,
            site: &site,
            pages,
            sections,
            prints: body_prints,
            links: &link_targets,
            cites: &cites,
            copies: &copies,
            broken: &broken,
            embedded: theme_static,
            style,
            bulletins: &bulletins,
            translations,
            scripts_later: opts.files_on_request,
        };
        let made = schedule::render(input, &mut templates, sink, memo, opts.defer_search)
            .map_err(|e| fail(&warnings, e))?;
        t.lap("render");
        // Not for a build that fails anyway (nothing is published, nothing worth keeping), nor
        // for templates that never show a share image.
        let mut later: Vec<_> = made.later.into_iter().map(|(p, f)| (p, later::Later::Script(f))).collect();
        if !warnings.has_errors() && templates.share_images && opts.files_on_request {
            let cards = steps::card_texts(config, &site).into_iter();
            later.extend(cards.map(|(k, t)| (card::file_of(k), later::Later::Card(t))));
        } else if !warnings.has_errors() && templates.share_images {
            warnings.extend(steps::share_cards(config, &site, sink, memo));
        }
        t.lap("cards");
        // A page not made for its errors is still a place other links may lead to.
        let mut outputs = made.outputs;
        outputs.extend(broken.iter().map(|&id| crate::content::output_file(&site.pages[id].path)));
        // Links to an untranslated page lead to the original's, in the default language.
        let mut reachable = std::borrow::Cow::Borrowed(&outputs);
        if let Some(d) = defaults {
            reachable.to_mut().extend(d.outputs.iter().cloned());
        }
        warnings.extend(crate::validate::links::check(&links, &reachable, &config.base_path));
        drop(reachable);
        if warnings.has_errors() {
            return Err(sorted(warnings.0));
        }
        let built = Built {
            output: crate::output::BuildOutput { files: Default::default(), linked, copies },
            diagnostics: sorted(warnings.0),
            timings: Vec::new(),
            memory: Vec::new(),
            cpu: Vec::new(),
            pages: site.pages.len(),
            next_change: site.next_change,
            routes: routes(config, &site),
            search: made.search,
            approvals,
            images_pending,
            later,
        };
        // Freeing a large site's structures takes tens of milliseconds that nobody waits for.
        crate::dispose::later((site, templates, link_targets, cites, links));
        Ok((built, outputs))
    }
}

/// Builds a site in several languages (`languages:`, issue 28): the sources split by language,
/// one site assembled per language, the links between them, then each language's site made
/// as a site in one language is (see [`One::finish`]), its outputs under its prefix (`en/…`).
/// `sh` holds the build's settings (its `config` the site's, no `translations`). `timings`
/// and `memory` of the result are the caller's.
fn several(
    sh: &One<'_>,
    sources: Vec<crate::content::Source>,
    templates: Result<Templates, Diagnostics>,
    t: &mut Timer,
    mut warnings: Diagnostics,
) -> Result<Built, Failed> {
    let config = sh.config;
    let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    let declared = crate::content::translation::Declared { default: &config.language, others: &codes };
    let (parts, problems) = crate::content::translation::partition(declared, sources);
    warnings.extend(problems);
    let configs: Vec<Config> = std::iter::once(config.clone())
        .chain(config.languages.iter().map(|l| languages::language_config(config, l)))
        .collect();
    let mut assembled = Vec::with_capacity(configs.len());
    for (cfg, sources) in configs.iter().zip(parts) {
        let (parsed, parse_errors, failed) = parse_all(sources, sh.prints, sh.memo);
        warnings.extend(parse_errors);
        let a = assemble_one(cfg, sh.opts, parsed, &failed).map_err(|e| fail(&warnings, e))?;
        assembled.push((a, failed));
    }
    t.lap("parse");
    let sites: Vec<&crate::content::Site> = assembled.iter().map(|(a, _)| &a.site).collect();
    let links = languages::links(&configs, &sites);
    warnings.extend(crate::assemble::check_translations(&sites));
    // Where a language has not translated a page, its links and citations lead to the original.
    let first = &assembled[0];
    let missing: Vec<String> = first.1.iter().chain(&first.0.left_out).cloned().collect();
    let mut defaults = Defaults {
        cites: citations(config, &first.0.site).targets().to_vec(),
        targets: link_targets(config, &first.0.site, &missing),
        outputs: Default::default(),
        bundles: first
            .0
            .site
            .pages
            .iter()
            .filter_map(|p| p.bundle_dir.as_ref())
            .map(|b| config.root.join(b))
            .collect(),
    };
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
                prefixed = languages::Prefixed { sink: sh.sink, folder: lang.prefix.clone() };
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
            translations: Some(&links),
            defaults: (i > 0).then_some(&defaults),
        };
        match one.finish(a, failed, own_templates, t, Diagnostics::new()) {
            Ok((b, outputs)) => {
                built = Some(merge(built, b, folder, &cfg.language));
                if i == 0 {
                    defaults.outputs = outputs;
                } else {
                    crate::dispose::later(outputs);
                }
            }
            Err(d) => errors.extend(d),
        }
    }
    crate::dispose::later(defaults);
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
        b.output.linked = b.output.linked.into_iter().map(|(k, v)| (format!("{folder}/{k}"), v)).collect();
        b.later.iter_mut().for_each(|(k, _)| *k = format!("{folder}/{k}"));
        // A section the language has not translated is built from its original; its approval
        // is the original's, listed once.
        b.approvals.retain(|r| {
            crate::content::translation::split_language(r.file.trim_start_matches("content/")).1 == Some(code)
        });
    }
    let Some(mut all) = into else { return b };
    all.output.copies.extend(b.output.copies);
    all.output.linked.extend(b.output.linked);
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
    all.later.extend(b.later);
    all
}

/// The pages already in error (see `schedule::Input::broken`): those with an error of their
/// own, and explainers whose document is not in the registry (it is missing, or its code is
/// given to two documents).
fn broken_pages(
    site: &crate::content::Site,
    diags: &Diagnostics,
    cites: &crate::markdown::cite::Citations,
) -> std::collections::HashSet<crate::content::DocId> {
    let with_errors: std::collections::HashSet<&str> = diags
        .iter()
        .filter(|d| d.is_error())
        .filter_map(|d| d.location.as_ref())
        .map(|l| l.file.as_str())
        .collect();
    crate::content::DocId::all(site.pages.len())
        .zip(&site.pages)
        .filter(|(_, p)| {
            with_errors.contains(p.file.as_str())
                || p.meta.explains().is_some_and(|e| cites.find_code(&e.document).is_none())
        })
        .map(|(id, _)| id)
        .collect()
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

/// Each stage's time, the process's resident memory as it ended, and the CPU time it used
/// (with the process's CPU time at the last lap).
struct Timer(Instant, Timings, Memory, Option<Duration>, Timings);

impl Timer {
    fn start() -> Timer {
        Timer(Instant::now(), Vec::new(), Vec::new(), crate::sys::cpu_time(), Vec::new())
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.1.push((stage, now - self.0));
        if let Some(kib) = memory_kib("VmRSS:") {
            self.2.push((stage, kib));
        }
        let cpu = crate::sys::cpu_time();
        if let (Some(was), Some(is)) = (self.3, cpu) {
            self.4.push((stage, is.saturating_sub(was)));
        }
        self.3 = cpu;
        self.0 = now;
    }

    fn finish(self) -> (Timings, Memory, Timings) {
        (self.1, self.2, self.4)
    }
}

/// A memory figure of this process from `/proc/self/status` (`VmRSS:` resident now, `VmHWM:`
/// peak resident), in KiB; `None` where there is no such file.
pub fn memory_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix(field))?;
    line.trim().trim_end_matches("kB").trim().parse().ok()
}
