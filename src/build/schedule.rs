//! The order in which a build makes its outputs, for memory, and where each goes.
//!
//! Takes the assembled site, the rendered bodies (by value: each page takes its body's HTML,
//! and the search index its text, so each is freed once used), the templates, the sink and the
//! memo; gives the search documents when the index is left to the caller
//! (`BuildOptions::defer_search`), or every problem. The render stage says what each output is
//! (`render::jobs`, `render::fill`); this file only decides when each is made and hands the
//! bytes to the sink, once per path (two outputs on one path are an error, never an
//! overwrite). A copied file (static, bundle asset) on the path of a made one is an error too.
//!
//! The order, with a search index (the default): the pages render in step with the index,
//! slice `k` of the pages while the index tokenises its chunk `k` of `n`, so the bodies shrink
//! as the postings grow and the two never peak together; the listings (which build every
//! card's template value) render once the index is written and its postings freed, beside the
//! feeds and the sitemap. Without an index: the pages, then the listings beside the feeds. A
//! deferred index (`loa serve`): the pages and the search documents side by side.
//!
//! With the memo on (`loa serve`), each template call is reused from the last build when its
//! template, the site view, its views and the cards it shows are the same (see `memo/`).

use std::collections::{BTreeMap, HashSet};
use std::hash::Hasher as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::DocId;
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::fingerprint::{self, Prehashed};
use crate::markdown::LinkTargets;
use crate::markdown::cite::Citations;
use crate::memo::{Memo, Output};
use crate::output::{Bytes, Sink};
use crate::render::images::ImageIndex;
use crate::render::jobs::{self, Job};
use crate::render::templates::Templates;
use crate::render::{Env, RenderInput, TemplateCall, View};

/// What the schedule renders.
pub struct Input<'a> {
    /// The configuration.
    pub config: &'a Config,
    /// The assembled site.
    pub site: &'a Site,
    /// The rendered body of each page, indexed like `site.pages`.
    pub pages: Vec<Arc<crate::markdown::Rendered>>,
    /// The rendered body of each section, indexed like `site.sections`.
    pub sections: Vec<Arc<crate::markdown::Rendered>>,
    /// The fingerprints of the bodies' HTML (when the memo is on).
    pub prints: BodyPrints,
    /// Where `@/` links go.
    pub links: &'a LinkTargets,
    /// The citable documents.
    pub cites: &'a Citations,
    /// The files copied as they are, by output path.
    pub copies: &'a BTreeMap<String, PathBuf>,
    /// Pages already in error: with errors of their own, or depending on a file in error (an
    /// explainer of a document that is missing). The build fails on those errors; a template
    /// error of such a page is their consequence and is not reported (its other problems, a
    /// broken call to action, are).
    pub broken: &'a HashSet<crate::content::DocId>,
    /// Files loa writes itself (`crate::assets::theme_static`: the built-in theme's static
    /// files, the theme's stylesheets and scripts minified): output path, bytes.
    pub embedded: Vec<(String, Vec<u8>)>,
    /// `style.css` ready to inline (`crate::assets::inline_style`), for `site.style`.
    pub style: Option<String>,
    /// The scripts for the loudspeakers (issue 26): their files, the `/truyen-thanh/` pages.
    pub bulletins: &'a crate::bulletin::Bulletins,
    /// The links between the languages of a site in several (issue 28).
    pub translations: Option<&'a crate::content::translation::Links>,
    /// Leave the scripts' files to make when asked (`BuildOptions::files_on_request`): their
    /// paths are claimed, and `Rendered::later` lists them.
    pub scripts_later: bool,
}

/// The fingerprint of each body's HTML, as the memo keeps it with the body.
#[derive(Debug, Default)]
pub struct BodyPrints {
    /// One per page, indexed like `site.pages`.
    pub pages: Vec<u64>,
    /// One per section.
    pub sections: Vec<u64>,
}

/// What rendering gives besides the files in the sink.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The search documents, when the index is left to the caller (`defer_search`).
    pub search: Option<Vec<crate::search::SearchDoc>>,
    /// The path of every file made or copied (`bai-viet/x/index.html`, `anh/a.jpg`), for the
    /// links to be checked against.
    pub outputs: HashSet<String>,
    /// The scripts' files left to make when asked (`Input::scripts_later`).
    pub later: Vec<(String, crate::bulletin::ScriptFile)>,
}

/// Renders every output of the site into `sink`. With `defer_search`, the search index is not
/// built and its documents are given back.
pub fn render(
    input: Input<'_>,
    templates: &mut Templates,
    sink: &dyn Sink,
    memo: &Memo,
    defer_search: bool,
) -> Result<Rendered, Diagnostics> {
    let Input {
        config,
        site,
        mut pages,
        sections,
        prints,
        links,
        cites,
        copies,
        broken,
        embedded,
        style,
        bulletins,
        translations,
        scripts_later,
    } = input;
    // Each page's HTML and search text go to the page's output and to the index, by value:
    // where nothing else holds them (the memo off), each is freed as soon as it is used.
    let (htmls, texts): (Vec<Arc<str>>, Vec<Arc<str>>) = pages.iter_mut().map(take_body).unzip();
    // Without search nothing reads the texts: freed now, not at the end of rendering.
    let texts = if config.search { texts } else { Vec::new() };
    let site_view = crate::render::set_site_view(templates, config, site, links, style, translations);
    let templates = &*templates;
    let input = RenderInput {
        config,
        site,
        pages: &pages,
        sections: &sections,
        links,
        cites,
        bulletins,
        translations,
    };
    let env = Env::new(&input, templates);
    let keys = memo.keeps(|m| &m.outputs).then(|| OutputKeys::new(&env, &site_view, &htmls, &prints));
    let mut diags = Diagnostics::new();
    let jobs = jobs::plan(&env, &mut diags);
    let deliver =
        Deliver { sink, copies, claimed: Mutex::new(HashSet::new()), replaced: Mutex::new(Vec::new()) };
    let make = |call: Result<TemplateCall<'_>, Diagnostic>| -> Option<Diagnostic> {
        let call = match call {
            Ok(c) => c,
            Err(d) => return Some(d),
        };
        // What `image()` answered for an output is kept with it (a photo replaced under its name
        // changes no view, only its copies' names) and checked before the output is reused.
        let images = &env.templates.images;
        let fresh = || -> Result<Output, Diagnostic> {
            let (bytes, asked) = match keys {
                Some(_) => ImageIndex::recording(|| crate::render::fill(&env, &call)),
                None => (crate::render::fill(&env, &call), Vec::new()),
            };
            let images = (!asked.is_empty()).then(|| {
                let print = images.print_of(&asked);
                Arc::new((asked, print))
            });
            bytes.map(|bytes| Output { bytes, images })
        };
        let bytes = memo
            .try_get_checked_or(
                |m| &m.outputs,
                || keys.as_ref().map_or(0, |k| k.of(&call)),
                |kept: &Output| kept.images.as_ref().is_none_or(|a| images.print_of(&a.0) == a.1),
                fresh,
            )
            .map(|o| o.bytes);
        match bytes {
            Ok(b) => deliver.put(call.path, b),
            Err(d) => Some(d),
        }
    };
    // Page `i`'s HTML, taken by its job (pages are the first jobs, in page order).
    let htmls = Mutex::new(htmls.into_iter());
    let run_pages = |from: usize, to: usize| -> Vec<Diagnostic> {
        let own: Vec<Arc<str>> =
            htmls.lock().unwrap_or_else(PoisonError::into_inner).by_ref().take(to - from).collect();
        own.into_par_iter()
            .enumerate()
            .map(|(k, html)| (DocId(from + k), html))
            .filter_map(|(id, html)| {
                make(jobs::prepare_page(&env, id, html))
                    .filter(|d| d.code != "template" || !broken.contains(&id))
            })
            .collect()
    };
    let run = |jobs: &[Job]| -> Vec<Diagnostic> {
        jobs.par_iter().filter_map(|&job| make(jobs::prepare(&env, job))).collect()
    };
    let page_jobs = site.pages.len().min(jobs.len());
    let others = || crate::render::feeds::feeds_and_sitemap(&env, &jobs);
    let (problems, deferred, feeds) = if !config.search {
        let mut problems = run_pages(0, page_jobs);
        let (listed, feeds) = rayon::join(|| run(&jobs[page_jobs..]), others);
        problems.extend(listed);
        (problems, None, feeds)
    } else if defer_search {
        let (problems, docs) = rayon::join(
            || {
                let mut problems = run_pages(0, page_jobs);
                problems.extend(run(&jobs[page_jobs..]));
                problems
            },
            || crate::render::search_page::search_docs(&env, texts),
        );
        let feeds = others();
        (problems, Some(docs), feeds)
    } else {
        // The index files go to the sink as they are made, like the pages.
        let index_problems = Mutex::new(Vec::new());
        let emit = |path: String, bytes: Vec<u8>| {
            if let Some(d) = deliver.put(path, Bytes::new(bytes)) {
                index_problems.lock().unwrap_or_else(PoisonError::into_inner).push(d);
            }
        };
        let problems = Mutex::new(Vec::new());
        let beside = |k: usize, n: usize| {
            let found = run_pages(page_jobs * k / n, page_jobs * (k + 1) / n);
            problems.lock().unwrap_or_else(PoisonError::into_inner).extend(found);
        };
        let docs = crate::render::search_page::search_docs(&env, texts);
        // Each page's excerpt file through the memo (`loa build` keeps them on disk: their gzip
        // was a tenth of a restored build's CPU). Kept at its exact size: the gzip's buffer grows
        // by doubling, and the memo holds every page's until the build ends.
        let keeps = memo.keeps(|m| &m.excerpts);
        let excerpt = |d: &crate::search::SearchDoc| {
            if !keeps {
                return crate::search::excerpt_file(d);
            }
            let kept = || Bytes::new(crate::search::excerpt_file(d).as_slice().to_vec());
            memo.get_or(|m| &m.excerpts, || crate::search::excerpt_key(d), kept).to_vec()
        };
        crate::search::write_index_beside(docs, &|| false, &emit, &beside, &excerpt);
        let mut problems = problems.into_inner().unwrap_or_else(PoisonError::into_inner);
        // The pages a site with no search docs (no chunks) did not render yet, then the
        // listings, beside the feeds and the sitemap.
        let left = htmls.lock().unwrap_or_else(PoisonError::into_inner).len();
        problems.extend(run_pages(page_jobs - left, page_jobs));
        let (listed, feeds) = rayon::join(|| run(&jobs[page_jobs..]), others);
        problems.extend(listed);
        problems.extend(index_problems.into_inner().unwrap_or_else(PoisonError::into_inner));
        (problems, None, feeds)
    };
    diags.extend(Diagnostics(problems));
    let (mut extra, extra_problems) = jobs::others(&env);
    diags.extend(extra_problems);
    extra.extend(feeds.into_iter().map(|(path, bytes)| (path, Bytes::new(bytes))));
    extra.extend(embedded.into_iter().map(|(path, bytes)| (path, Bytes::new(bytes))));
    env.dispose();
    for (path, bytes) in extra {
        if let Some(d) = deliver.put(path, bytes) {
            diags.push(d);
        }
    }
    // The scripts for the loudspeakers (two files a page), each written out as it is made, in
    // parallel: one after the other, they were a second of a 10,000-article build.
    // With the memo on (`loa serve`) the scripts come from it, and their files' bytes are kept
    // with them: an edit remakes one page's, not every page's.
    let keep = memo.keeps(|m| &m.outputs);
    let later = if scripts_later { bulletins.files_later() } else { Vec::new() };
    let script_problems: Vec<Diagnostic> = if scripts_later {
        later.iter().filter_map(|(path, _)| deliver.claim(path)).collect()
    } else {
        bulletins.par_files(keep, |path, bytes| deliver.put(path, bytes))
    };
    diags.extend(Diagnostics(script_problems));
    diags.extend(deliver.replaced(config, site));
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    let mut outputs = deliver.claimed.into_inner().unwrap_or_else(PoisonError::into_inner);
    outputs.extend(copies.keys().cloned());
    Ok(Rendered { search: deferred, outputs, later })
}

/// Takes a page's HTML and search text out of its rendered body when nothing else holds the
/// body (so each can be freed on its own), else shares them.
fn take_body(r: &mut Arc<crate::markdown::Rendered>) -> (Arc<str>, Arc<str>) {
    match Arc::get_mut(r) {
        Some(r) => {
            (std::mem::replace(&mut r.html, Arc::from("")), std::mem::replace(&mut r.text, Arc::from("")))
        }
        None => (Arc::clone(&r.html), Arc::clone(&r.text)),
    }
}

/// Hands outputs to the sink, each path once, noting the ones a copied file would replace.
struct Deliver<'a> {
    sink: &'a dyn Sink,
    copies: &'a BTreeMap<String, PathBuf>,
    claimed: Mutex<HashSet<String>>,
    replaced: Mutex<Vec<String>>,
}

impl Deliver<'_> {
    /// Stores one output; a second output on one path, or the sink's failure, is a problem.
    fn put(&self, path: String, bytes: Bytes) -> Option<Diagnostic> {
        if let Some(problem) = self.claim(&path) {
            return Some(problem);
        }
        self.sink
            .put(&path, bytes)
            .err()
            .map(|e| Diagnostic::global("io", e).with_hint("kiểm tra dung lượng đĩa và quyền ghi"))
    }

    /// Claims one output's path without storing it (a file made later); a second output on
    /// one path is a problem.
    fn claim(&self, path: &str) -> Option<Diagnostic> {
        let fresh = self.claimed.lock().unwrap_or_else(PoisonError::into_inner).insert(path.to_string());
        if !fresh {
            return Some(
                Diagnostic::global("route-collision", format!("hai trang cùng ghi ra {path}")).with_hint(
                    "đổi `slug:` của trang trùng với trang loa tự tạo (thẻ, đối tượng, phân trang)",
                ),
            );
        }
        if self.copies.contains_key(path) {
            self.replaced.lock().unwrap_or_else(PoisonError::into_inner).push(path.to_string());
        }
        None
    }

    /// An error for every made file a copy would replace, naming both sources. A site's own
    /// `static/robots.txt` is the one exception: it replaces the made one on purpose.
    fn replaced(&self, config: &Config, site: &Site) -> Diagnostics {
        let mut hits = std::mem::take(&mut *self.replaced.lock().unwrap_or_else(PoisonError::into_inner));
        hits.sort();
        let mut diags = Diagnostics::new();
        for key in hits {
            let from = &self.copies[&key];
            if key == "robots.txt" && from.starts_with(config.root.join("static")) {
                continue;
            }
            let copy = from.strip_prefix(&config.root).unwrap_or(from).to_string_lossy().replace('\\', "/");
            let url = format!("/{}", key.strip_suffix("index.html").unwrap_or(&key));
            let source = site
                .pages
                .iter()
                .find(|p| p.path == url)
                .map(|p| p.file.clone())
                .or_else(|| site.sections.iter().find(|s| s.path == url).and_then(|s| s.file.clone()));
            let what = match source {
                Some(file) => format!("trang của `{file}`"),
                None => format!("tệp `{key}` do loa tạo ra"),
            };
            diags.push(
                Diagnostic::error(
                    "route-collision",
                    Location::file(&copy),
                    format!("`{copy}` và {what} cùng ghi ra `/{key}`; tệp sao chép sẽ thay thế trang"),
                )
                .with_hint("đổi tên hoặc xóa một trong hai tệp: mỗi địa chỉ chỉ có một tệp"),
            );
        }
        diags
    }
}

/// What the key of a template call is made of, besides the call: the fingerprint of what every
/// output shares (the templates, the site view, the configuration), of each page's card, and
/// of each page's HTML (kept with the body from one build to the next).
struct OutputKeys {
    epoch: u64,
    cards: Vec<u64>,
    bodies: Prehashed,
}

impl OutputKeys {
    fn new(
        env: &Env<'_>,
        site_view: &crate::render::context::SiteView,
        htmls: &[Arc<str>],
        prints: &BodyPrints,
    ) -> OutputKeys {
        OutputKeys {
            // The configuration is in every view it shows (URLs, titles…); its debug form
            // covers the rest. (What `image()` answers is checked per output: `make` in `render`.)
            epoch: fingerprint::of(&(env.templates.fingerprint, site_view, format!("{:?}", env.config))),
            cards: env.cards.par_iter().map(fingerprint::of).collect(),
            bodies: Prehashed::new(
                htmls
                    .iter()
                    .zip(&prints.pages)
                    .chain(env.sections.iter().map(|r| &r.html).zip(&prints.sections))
                    .map(|(h, &print)| (&**h, print)),
            ),
        }
    }

    /// The key of `call`.
    fn of(&self, call: &TemplateCall<'_>) -> u64 {
        let mut h = fingerprint::keyed(self.epoch);
        for (name, view) in &call.views {
            h.write(name.as_bytes());
            match view {
                View::Value(v) => h.write_u64(v.fingerprint(Some(&self.bodies))),
                View::Listing(v, ids) => {
                    h.write_u64(v.fingerprint(Some(&self.bodies)));
                    h.write_usize(ids.len());
                    ids.iter().for_each(|&i| h.write_u64(self.cards[i]));
                }
            }
        }
        call.cards.iter().for_each(|&i| h.write_u64(self.cards[i]));
        h.write(call.template.as_bytes());
        h.finish()
    }
}
