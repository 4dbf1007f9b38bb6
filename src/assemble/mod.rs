//! Assemble stage: parsed files → `Site` (sections, pages, kinds, slugs, routes).
//!
//! Files: `page.rs` (one parsed file → a page: kind, slug, route, schedule, audiences, terms),
//! `campaign.rs` and `document.rs` (each kind's block and its references across pages:
//! campaigns joined, documents and clauses explained), `taxonomies.rs` (terms merged across
//! Unicode forms and tone placement), `routes.rs` (slugs, aliases, sections, collisions).
//!
//! Takes the parsed sources and the config; decides every page's section, kind, slug and URL,
//! leaves drafts out (unless asked), checks ids against the config (taxonomies, audiences) and
//! that no two files land on one output path. Pure: no file system, no Markdown rendering.

mod approval;
mod audiences;
mod campaign;
mod document;
mod page;
mod routes;
mod taxonomies;
mod translations;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{DocId, Kind, Matter, Parsed, Section, SectionId, Site};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::vi::dates::DateTime;

use campaign::check_campaign_refs;
use document::check_documents;
pub use document::clause_ids;
use routes::{check_routes, content_rel, dir_path, nearest_section, parent_dir};
use taxonomies::collect_taxonomies;
pub use translations::check_translations;

/// Options that change which pages are built.
#[derive(Debug, Clone, Copy)]
pub struct AssembleOptions<'a> {
    /// Include `draft: true` pages and sections.
    pub drafts: bool,
    /// The moment the site is built for (schedules, campaign status).
    pub now: DateTime,
    /// Build every page whatever its approval (`loa serve`, which shows each page's state
    /// instead); off: under `editorial.approval: required` only approved pages are built.
    pub preview: bool,
    /// Source files that did not parse (`content/x.md`): what other pages say about them
    /// (a campaign they join, a document they explain) is not an error of those pages.
    pub failed: &'a [String],
}

/// An assembled site, and the problems found on the way.
#[derive(Debug)]
pub struct Assembled {
    /// The site: every page that could be made.
    pub site: Site,
    /// Problems, errors among them; none of them stops the later stages, which report their
    /// own problems in the same run.
    pub diagnostics: Diagnostics,
    /// Files left out because of their errors (besides the `failed` ones given): links to them
    /// are not errors of the pages that link.
    pub left_out: Vec<String>,
    /// Every page's approval, in file order, when the site requires approval or the page has
    /// an `approval:` block (drafts and scheduled pages included).
    pub approvals: Vec<crate::content::approval::ApprovalRecord>,
}

/// Builds the site model from parsed files (sorted by path). Collects every error. Gives up
/// (`Err`) only when two files land on one URL: later stages would then make one page twice.
pub fn assemble(
    config: &Config,
    parsed: Vec<Parsed>,
    opts: AssembleOptions<'_>,
) -> Result<Assembled, Diagnostics> {
    let mut diags = Diagnostics::new();
    // Sized up front: a `Parsed` and a `Document` are large, and a vector grown by doubling
    // copies each several times into memory it touches for the first time.
    let mut section_files = Vec::new();
    let mut page_files = Vec::with_capacity(parsed.len());
    for p in parsed {
        if matches!(p.matter, Matter::Section(_)) {
            section_files.push(p);
        } else {
            page_files.push(p);
        }
    }

    let mut sections = vec![default_home(config)];
    let mut draft_dirs: Vec<String> = Vec::new();
    let mut approvals = Vec::new();
    let required = config.editorial.approval == crate::config::ApprovalMode::Required;
    for p in section_files {
        let Matter::Section(mut m) = p.matter else {
            continue;
        };
        let dir = parent_dir(&content_rel(&p.file));
        // A section's own text (title, summary, intro) under approval, as a page's (issue 27).
        let mut approved = true;
        if required || m.approval.is_some() {
            let title = m.title.as_ref().map(|t| t.0.as_str()).unwrap_or_default();
            let (mut rec, problems, matches) = approval::record(
                config,
                &p.file,
                title,
                m.approval.take().as_ref(),
                p.body.whole(),
                &p.key_lines,
                m.draft,
            );
            rec.section = true;
            approved = matches;
            let publishable = (!m.draft || opts.drafts) && !problems.has_errors();
            diags.extend(problems);
            if let Some(w) = approval::held(config, &rec, approved).filter(|_| publishable && !opts.preview) {
                diags.push(w);
            }
            if publishable {
                rec.path = Some(dir_path(&dir));
            }
            approvals.push(rec);
        }
        if m.draft && !opts.drafts {
            draft_dirs.push(dir);
            continue;
        }
        let title = m.title.map(|t| t.0).unwrap_or_default();
        if title.trim().is_empty() && !dir.is_empty() {
            diags.push(
                Diagnostic::error("missing-title", Location::file(&p.file), "chuyên mục thiếu `title`")
                    .with_hint("thêm `title: Tên chuyên mục` vào phần khai báo"),
            );
        }
        // Held back: the listing is still built, so the section's approved pages stay
        // reachable, but nothing of its own text goes out; its title is the folder's name.
        let held_back = required && !approved && !opts.preview;
        let (title, summary, body) = if held_back {
            let folder = dir.rsplit('/').next().unwrap_or_default().to_string();
            (folder, None, crate::content::TextTail::from(""))
        } else {
            (title, m.summary.map(|s| s.0), p.body)
        };
        let section = Section {
            file: Some(p.file.clone()),
            path: dir_path(&dir),
            title: if title.is_empty() { config.title.clone() } else { title },
            kind: m.kind.unwrap_or(if dir.is_empty() { Kind::Page } else { Kind::Article }),
            paginate_by: m.paginate_by.filter(|&n| n > 0).unwrap_or(10),
            summary,
            template: m.template,
            extra: m.extra,
            bulletin: m.bulletin,
            body,
            body_line: p.body_line,
            pages: Vec::new(),
            subsections: Vec::new(),
            parent: None,
            dir,
        };
        if section.dir.is_empty() {
            sections[0] = section;
        } else {
            sections.push(section);
        }
    }
    // Parents: the nearest ancestor folder that is a section (home at worst).
    let dirs: Vec<String> = sections.iter().map(|s| s.dir.clone()).collect();
    for i in 1..sections.len() {
        let parent = nearest_section(&dirs, &parent_dir(&sections[i].dir));
        sections[i].parent = Some(parent);
        sections[parent].subsections.push(SectionId(i));
    }

    let mut next_change: Option<DateTime> = None;
    let mut later = |t: DateTime| {
        if t > opts.now && next_change.is_none_or(|n| t < n) {
            next_change = Some(t);
        }
    };
    let mut included = Vec::with_capacity(page_files.len());
    let mut held = Vec::new();
    for p in page_files {
        let rel = content_rel(&p.file);
        let in_draft_dir = draft_dirs.iter().any(|d| rel.starts_with(&format!("{d}/")));
        let Matter::Page(mut m) = p.matter else { continue };
        let mut approved = true;
        if required || m.approval.is_some() {
            let title = m.title.as_ref().map(|t| t.0.as_str()).unwrap_or_default();
            let draft = in_draft_dir || m.draft;
            let (rec, problems, matches) = approval::record(
                config,
                &p.file,
                title,
                m.approval.take().as_ref(),
                p.body.whole(),
                &p.key_lines,
                draft,
            );
            approved = matches;
            let publishable = (!draft || opts.drafts) && !problems.has_errors();
            diags.extend(problems);
            if let Some(w) = approval::held(config, &rec, approved).filter(|_| publishable && !opts.preview) {
                diags.push(w);
            }
            approvals.push(rec);
        }
        if in_draft_dir || (m.draft && !opts.drafts) {
            continue;
        }
        if required && !approved && !opts.preview {
            held.push(p.file);
            continue;
        }
        // The publication window: `--drafts` does not override it, `--at` does (via `now`).
        let (publish, expire) = (m.publish_at.map(|d| d.0), m.expire_at.map(|d| d.0));
        publish.into_iter().chain(expire).for_each(&mut later);
        if publish.is_some_and(|t| t > opts.now) || expire.is_some_and(|t| t <= opts.now) {
            continue;
        }
        included.push((rel, p.file, m, p.key_lines, (p.body, p.body_line)));
    }
    // Each page on its own (in parallel), then gathered in file order.
    let assembled: Vec<_> = included
        .into_par_iter()
        .map(|(rel, file, m, key_lines, body)| {
            let f = file.clone();
            (f, page::page(config, &sections, &dirs, &rel, file, *m, key_lines, body))
        })
        .collect();
    let mut pages = Vec::with_capacity(assembled.len());
    let mut left_out = Vec::new();
    for (file, result) in assembled {
        match result {
            Ok((doc, problems)) => {
                pages.push(doc);
                diags.extend(problems);
            }
            Err(d) => {
                diags.extend(d);
                left_out.push(file);
            }
        }
    }
    left_out.extend(held);
    let missing: Vec<&String> = opts.failed.iter().chain(&left_out).collect();

    for c in pages.iter().filter_map(|p| p.meta.campaign()) {
        later(c.starts);
        later(c.end_moment());
    }
    check_campaign_refs(&pages, &missing, &mut diags);
    check_documents(&mut pages, &missing, &sections, &mut diags);
    let mut collisions = Diagnostics::new();
    check_routes(&sections, &pages, &mut collisions);
    if collisions.has_errors() {
        diags.extend(collisions);
        return Err(diags);
    }
    let taxonomies = collect_taxonomies(config, &pages, &mut diags);
    let mut site = Site { pages, sections, taxonomies: Vec::new(), now: opts.now, next_change };
    for (id, page) in site.pages.iter().enumerate() {
        site.sections[page.section].pages.push(DocId(id));
    }
    for i in 0..site.sections.len() {
        let mut ids = std::mem::take(&mut site.sections[i].pages);
        site.sort_newest_first(&mut ids);
        site.sections[i].pages = ids;
    }
    site.taxonomies = taxonomies
        .into_iter()
        .map(|mut t| {
            for term in &mut t.terms {
                site.sort_newest_first(&mut term.pages);
            }
            t
        })
        .collect();
    let paths: std::collections::HashMap<&str, &str> =
        site.pages.iter().map(|p| (p.file.as_str(), p.path.as_str())).collect();
    for rec in approvals.iter_mut().filter(|r| !r.section) {
        rec.path = paths.get(rec.file.as_str()).map(|p| p.to_string());
    }
    Ok(Assembled { site, diagnostics: diags, left_out, approvals })
}

fn default_home(config: &Config) -> Section {
    Section {
        file: None,
        dir: String::new(),
        path: "/".to_string(),
        title: config.title.clone(),
        kind: Kind::Page,
        paginate_by: 10,
        summary: None,
        template: None,
        extra: serde_json::Value::Null,
        bulletin: None,
        body: "".into(),
        body_line: 1,
        pages: Vec::new(),
        subsections: Vec::new(),
        parent: None,
    }
}
