//! Assemble stage: parsed files → `Site` (sections, pages, kinds, slugs, routes).
//!
//! Takes the parsed sources and the config; decides every page's section, kind, slug and URL,
//! leaves drafts out (unless asked), checks ids against the config (taxonomies, audiences) and
//! that no two files land on one output path. Pure: no file system, no Markdown rendering.

use rayon::prelude::*;
use std::collections::BTreeMap;

use crate::config::Config;
use crate::content::{Campaign, KindMeta, PolicyDocument, Taxonomy, Term};
use crate::content::{
    Document, KeyLines, Kind, Matter, PageMatter, Parsed, Section, SectionId, Site, TermRef,
};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, did_you_mean};
use crate::vi::dates::DateTime;

/// Options that change which pages are built.
#[derive(Debug, Clone, Copy)]
pub struct AssembleOptions {
    /// Include `draft: true` pages and sections.
    pub drafts: bool,
    /// The moment the site is built for (schedules, campaign status).
    pub now: DateTime,
}

/// Builds the site model from parsed files (sorted by path). Collects every error.
pub fn assemble(config: &Config, parsed: Vec<Parsed>, opts: AssembleOptions) -> Result<Site, Diagnostics> {
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
    for p in section_files {
        let Matter::Section(m) = p.matter else {
            continue;
        };
        let dir = parent_dir(content_rel(&p.file));
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
        let section = Section {
            file: Some(p.file.clone()),
            path: dir_path(&dir),
            title: if title.is_empty() { config.title.clone() } else { title },
            kind: m.kind.unwrap_or(if dir.is_empty() { Kind::Page } else { Kind::Article }),
            paginate_by: m.paginate_by.filter(|&n| n > 0).unwrap_or(10),
            summary: m.summary.map(|s| s.0),
            template: m.template,
            extra: m.extra,
            body: p.body,
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
        sections[parent].subsections.push(i);
    }

    let mut next_change: Option<DateTime> = None;
    let mut later = |t: DateTime| {
        if t > opts.now && next_change.is_none_or(|n| t < n) {
            next_change = Some(t);
        }
    };
    let mut included = Vec::with_capacity(page_files.len());
    for p in page_files {
        let rel = content_rel(&p.file).to_string();
        if draft_dirs.iter().any(|d| rel.starts_with(&format!("{d}/"))) {
            continue;
        }
        let Matter::Page(m) = p.matter else { continue };
        if m.draft && !opts.drafts {
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
            page(config, &sections, &dirs, &rel, file, *m, key_lines, body)
        })
        .collect();
    let mut pages = Vec::with_capacity(assembled.len());
    for result in assembled {
        match result {
            Ok((doc, problems)) => {
                pages.push(doc);
                diags.extend(problems);
            }
            Err(d) => diags.extend(d),
        }
    }

    for c in pages.iter().filter_map(|p| p.meta.campaign()) {
        later(c.starts);
        later(c.end_moment());
    }
    check_campaign_refs(&pages, &mut diags);
    check_documents(&mut pages, &mut diags);
    check_routes(&sections, &pages, &mut diags);
    let taxonomies = collect_taxonomies(config, &pages, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    let mut site = Site { pages, sections, taxonomies: Vec::new(), now: opts.now, next_change };
    for (id, page) in site.pages.iter().enumerate() {
        site.sections[page.section].pages.push(id);
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
    Ok(site)
}

/// Document codes are unique; `related` codes that have no page are warnings; an explainer's
/// document and clauses must exist (its `explains.document` is rewritten to the registered
/// code, so an alias works too).
fn check_documents(pages: &mut [Document], diags: &mut Diagnostics) {
    use crate::vi::docnum::normalize_code;
    let mut registry: Vec<(String, usize)> = Vec::new(); // normalized code or alias → page
    let mut duplicated: Vec<String> = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        let Some(d) = p.meta.document() else { continue };
        let key = normalize_code(&d.code);
        if let Some((_, other)) = registry.iter().find(|(k, _)| *k == key) {
            duplicated.push(key);
            diags.push(
                Diagnostic::error(
                    "duplicate-code",
                    p.key_lines.locate(&p.file, "document.code"),
                    format!("số hiệu `{}` đã được dùng cho {}", d.code, pages[*other].file),
                )
                .with_hint("mỗi văn bản chỉ có một trang; xóa hoặc sửa số hiệu ở một trong hai tệp"),
            );
            continue;
        }
        registry.push((key, i));
    }
    let codes: Vec<String> =
        registry.iter().filter_map(|(_, i)| pages[*i].meta.document()).map(|d| d.code.clone()).collect();
    // Every document page by code and alias (duplicates included, so that an explainer of a
    // duplicated document is not reported twice).
    let mut by_alias: Vec<(String, usize)> = registry.clone();
    for (i, p) in pages.iter().enumerate() {
        if let Some(d) = p.meta.document() {
            by_alias.push((normalize_code(&d.code), i));
            by_alias.extend(d.aliases.iter().map(|a| (normalize_code(a), i)));
        }
    }
    for p in pages.iter() {
        let Some(d) = p.meta.document() else { continue };
        for r in &d.related {
            if !registry.iter().any(|(k, _)| *k == normalize_code(&r.code)) {
                diags.push(
                    Diagnostic::warning(
                        "unknown-related",
                        p.key_lines.locate(&p.file, "document.related"),
                        format!("văn bản liên quan `{}` chưa có trang trên trang web", r.code),
                    )
                    .with_hint("không sao nếu văn bản này không có trang; nếu có, kiểm tra lại số hiệu"),
                );
            }
        }
    }
    let docs: Vec<Option<PolicyDocument>> = pages.iter().map(|p| p.meta.document().cloned()).collect();
    for p in pages.iter_mut() {
        let KindMeta::Explainer(e) = &p.meta else { continue };
        let Some(&(_, target)) = by_alias.iter().find(|(k, _)| *k == normalize_code(&e.document)) else {
            let hint = match did_you_mean(&e.document, codes.iter().map(String::as_str)) {
                Some(s) => format!("có phải ý bạn là `{s}`? (các văn bản: {})", codes.join(", ")),
                None if codes.is_empty() => {
                    "trang web chưa có văn bản nào (chuyên mục `kind: document`)".to_string()
                }
                None => format!("các văn bản: {}", codes.join(", ")),
            };
            diags.push(
                Diagnostic::error(
                    "unknown-document",
                    p.key_lines.locate(&p.file, "explains.document"),
                    format!("không có văn bản `{}`", e.document),
                )
                .with_hint(hint),
            );
            continue;
        };
        let Some(Some(doc)) = docs.get(target) else { continue };
        if duplicated.contains(&normalize_code(&doc.code)) {
            // Which of the two pages is meant is unknown until the duplicate is fixed.
            continue;
        }
        for c in &e.clauses {
            if !doc.clause_ids.contains(c) {
                let hint = match did_you_mean(c, doc.clause_ids.iter().map(String::as_str)) {
                    Some(s) => format!(
                        "có phải ý bạn là `{s}`? (các điểm của {}: {})",
                        doc.code,
                        doc.clause_ids.join(", ")
                    ),
                    None => format!("các điểm của {}: {}", doc.code, doc.clause_ids.join(", ")),
                };
                diags.push(
                    Diagnostic::error(
                        "unknown-clause",
                        p.key_lines.locate(&p.file, "explains.clauses"),
                        format!("văn bản {} không có điểm `{c}`", doc.code),
                    )
                    .with_hint(hint),
                );
            }
        }
        let resolved = crate::content::Explains { document: doc.code.clone(), clauses: e.clauses.clone() };
        p.meta = KindMeta::Explainer(resolved);
    }
}

/// Every `campaigns: [slug]` must name a campaign page of the site.
fn check_campaign_refs(pages: &[Document], diags: &mut Diagnostics) {
    let slugs: Vec<&str> =
        pages.iter().filter(|p| p.meta.campaign().is_some()).map(|p| p.slug.as_str()).collect();
    for p in pages {
        for c in &p.campaigns {
            if !slugs.contains(&c.as_str()) {
                let hint = match did_you_mean(c, slugs.iter().copied()) {
                    Some(s) => format!("có phải ý bạn là `{s}`? (các chiến dịch: {})", slugs.join(", ")),
                    None if slugs.is_empty() => {
                        "trang chưa có chiến dịch nào (tệp có `kind: campaign`)".to_string()
                    }
                    None => format!("các chiến dịch: {}", slugs.join(", ")),
                };
                diags.push(
                    Diagnostic::error(
                        "unknown-campaign",
                        p.key_lines.locate(&p.file, "campaigns"),
                        format!("không có chiến dịch `{c}`"),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
}

/// Groups the pages' terms: spellings that differ only in Unicode form, case or tone placement
/// (`Đảng ủy`/`Đảng uỷ`) are one term; terms are sorted in Vietnamese order. Two different
/// terms with one slug (`học`/`hóc`) are an error.
fn collect_taxonomies(config: &Config, pages: &[Document], diags: &mut Diagnostics) -> Vec<Taxonomy> {
    let mut out = Vec::new();
    for name in &config.taxonomies {
        // key → (spelling → count, pages)
        let mut groups: BTreeMap<String, (BTreeMap<String, usize>, Vec<usize>)> = BTreeMap::new();
        // Each spelling's key, computed once (a site repeats a few tags over thousands of pages).
        let mut keys: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
        for (id, p) in pages.iter().enumerate() {
            for t in p.terms.iter().filter(|t| &t.taxonomy == name) {
                let key = keys.entry(&t.name).or_insert_with(|| {
                    crate::vi::tone_key(t.name.split_whitespace().collect::<Vec<_>>().join(" ").as_str())
                });
                let g = match groups.get_mut(key.as_str()) {
                    Some(g) => g,
                    None => groups.entry(key.clone()).or_default(),
                };
                *g.0.entry(t.name.clone()).or_insert(0) += 1;
                // Pages come in id order: a page already listed is the last one.
                if g.1.last() != Some(&id) {
                    g.1.push(id);
                }
            }
        }
        let mut terms: Vec<Term> = groups
            .into_values()
            .map(|(spellings, pages)| {
                let mut forms: Vec<(String, usize)> = spellings.into_iter().collect();
                forms.sort_by(|a, b| {
                    b.1.cmp(&a.1).then_with(|| crate::vi::collate(&a.0, &b.0)).then_with(|| a.0.cmp(&b.0))
                });
                let name = forms[0].0.clone();
                Term { slug: crate::vi::slugify(&name), name, pages }
            })
            .collect();
        terms.sort_by(|a, b| crate::vi::collate(&a.name, &b.name).then_with(|| a.name.cmp(&b.name)));
        for pair in terms.windows(2) {
            if let Some(other) = terms
                .iter()
                .find(|t| t.slug == pair[1].slug && t.name != pair[1].name && t.name == pair[0].name)
            {
                let p = &pages[pair[1].pages[0]];
                diags.push(
                    Diagnostic::error(
                        "term-collision",
                        p.key_lines.locate(&p.file, if name == "tags" { "tags" } else { "taxonomies" }),
                        format!(
                            "thẻ `{}` và `{}` có cùng đường dẫn /{name}/{}/",
                            other.name, pair[1].name, other.slug
                        ),
                    )
                    .with_hint("đổi tên một trong hai thẻ cho khác biệt khi bỏ dấu"),
                );
            }
        }
        out.push(Taxonomy { name: name.clone(), terms });
    }
    out
}

/// An unknown audience id as a diagnostic with the closest declared id as the hint.
fn unknown_audience(config: &Config, id: &str, loc: Location) -> Option<Diagnostic> {
    if config.audiences.get(id).is_some() {
        return None;
    }
    let ids: Vec<&str> = config.audiences.keys().collect();
    let hint = match did_you_mean(id, ids.iter().copied()) {
        Some(s) => format!("có phải ý bạn là `{s}`? (các đối tượng: {})", ids.join(", ")),
        None if ids.is_empty() => "khai báo đối tượng trong `audiences:` của loa.yaml".to_string(),
        None => format!("các đối tượng đã khai báo: {}", ids.join(", ")),
    };
    Some(
        Diagnostic::error(
            "unknown-audience",
            loc,
            format!("đối tượng `{id}` chưa được khai báo trong loa.yaml"),
        )
        .with_hint(hint),
    )
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
        body: "".into(),
        body_line: 1,
        pages: Vec::new(),
        subsections: Vec::new(),
        parent: None,
    }
}

#[allow(clippy::too_many_arguments, reason = "one call site; the parts of a parsed file")]
fn page(
    config: &Config,
    sections: &[Section],
    dirs: &[String],
    rel: &str,
    file: String,
    m: PageMatter,
    key_lines: KeyLines,
    (body, body_line): (crate::content::Shared, usize),
) -> Result<(Document, Diagnostics), Diagnostics> {
    let mut diags = Diagnostics::new();
    let is_bundle = rel == "index.md" || rel.ends_with("/index.md");
    let (container, stem) = if is_bundle {
        let folder = parent_dir(rel);
        (parent_dir(&folder), folder.rsplit('/').next().unwrap_or("").to_string())
    } else {
        (parent_dir(rel), rel.rsplit('/').next().unwrap_or("").trim_end_matches(".md").to_string())
    };
    if is_bundle && stem.is_empty() {
        return Err(Diagnostic::error("route", Location::file(&file), "content/index.md không được dùng")
            .with_hint("trang chủ là content/_index.md (có dấu gạch dưới)")
            .into());
    }
    let section = nearest_section(dirs, &container);
    let kind = sections[section].kind;

    let title = m.title.map(|t| t.0).unwrap_or_default();
    if title.trim().is_empty() {
        diags.push(
            Diagnostic::error("missing-title", key_lines.locate(&file, "title"), "trang thiếu `title`")
                .with_hint("thêm `title: Tiêu đề bài viết` vào phần khai báo"),
        );
    }
    let slug = match &m.slug {
        Some(s) => match check_slug(&s.0) {
            Ok(slug) => slug,
            Err(msg) => {
                diags.push(
                    Diagnostic::error("slug", key_lines.locate(&file, "slug"), msg)
                        .with_hint("slug chỉ gồm chữ thường không dấu, số và `-`, ví dụ `ket-luan-49`"),
                );
                String::new()
            }
        },
        None => {
            let s = crate::vi::slugify(&stem);
            if s.is_empty() {
                diags.push(
                    Diagnostic::error(
                        "slug",
                        Location::file(&file),
                        format!("không tạo được đường dẫn từ tên tệp `{stem}`"),
                    )
                    .with_hint("đổi tên tệp cho có chữ hoặc số, hoặc thêm `slug:` vào phần khai báo"),
                );
            }
            s
        }
    };
    if kind.needs_date() && m.date.is_none() {
        diags.push(
            Diagnostic::error("missing-date", Location::file(&file), "bài viết thiếu `date`")
                .with_hint("thêm `date: YYYY-MM-DD`, ví dụ `date: 2022-09-15`"),
        );
    }
    let mut terms = Vec::new();
    let mut add_terms = |taxonomy: &str, names: Vec<crate::content::Text>, diags: &mut Diagnostics| {
        let key = if taxonomy == "tags" { "tags" } else { "taxonomies" };
        if !config.taxonomies.iter().any(|t| t == taxonomy) {
            let hint = match did_you_mean(taxonomy, config.taxonomies.iter().map(String::as_str)) {
                Some(s) => {
                    format!("có phải ý bạn là `{s}`? Hoặc khai báo `taxonomies: [{taxonomy}]` trong loa.yaml")
                }
                None => format!("khai báo `taxonomies: [{taxonomy}]` trong loa.yaml"),
            };
            diags.push(
                Diagnostic::error(
                    "unknown-taxonomy",
                    key_lines.locate(&file, key),
                    format!("phân loại `{taxonomy}` chưa được khai báo"),
                )
                .with_hint(hint),
            );
            return;
        }
        for n in names {
            let name = n.0.trim().to_string();
            if crate::vi::slugify(&name).is_empty() {
                diags.push(
                    Diagnostic::error(
                        "term",
                        key_lines.locate(&file, key),
                        format!("thẻ `{name}` không có chữ hoặc số"),
                    )
                    .with_hint("xóa thẻ này hoặc viết lại"),
                );
            } else {
                terms.push(TermRef { taxonomy: taxonomy.to_string(), name });
            }
        }
    };
    if !m.tags.is_empty() {
        add_terms("tags", m.tags, &mut diags);
    }
    for (tax, names) in m.taxonomies {
        add_terms(&tax, names, &mut diags);
    }
    for id in &m.audiences {
        if let Some(d) = unknown_audience(config, id, key_lines.locate(&file, "audiences")) {
            diags.push(d);
        }
    }
    let blocks = Blocks { campaign: m.campaign, document: m.document, explains: m.explains };
    let meta = kind_meta(config, kind, blocks, &body, &file, &key_lines, &mut diags);
    let mut aliases = Vec::new();
    for a in &m.aliases {
        match alias_path(a) {
            Some(p) => aliases.push(p),
            None => diags.push(
                Diagnostic::error(
                    "alias",
                    key_lines.locate(&file, "aliases"),
                    format!("đường dẫn cũ `{a}` không hợp lệ"),
                )
                .with_hint("viết đường dẫn trong trang, ví dụ `/tin-cu/bai-viet/`, không có `..`"),
            ),
        }
    }
    // A page without a title or a slug has no identity; any other error is reported with the
    // page kept, so that cross-page checks (campaign references, routes) do not add noise.
    if title.trim().is_empty() || slug.is_empty() {
        return Err(diags);
    }
    // Folders between the section and the page become path segments.
    let section_dir = &sections[section].dir;
    let between = container.strip_prefix(section_dir.as_str()).unwrap_or(&container).trim_matches('/');
    let mut path = sections[section].path.clone();
    for seg in between.split('/').filter(|s| !s.is_empty()) {
        path.push_str(&crate::vi::slugify(seg));
        path.push('/');
    }
    path.push_str(&slug);
    path.push('/');
    Ok((
        Document {
            kind,
            section,
            slug,
            path,
            title,
            date: m.date.map(|d| d.0),
            updated: m.updated.map(|d| d.0),
            summary: m.summary.map(|s| s.0),
            terms,
            audiences: m.audiences,
            campaigns: m.campaigns,
            publish_at: m.publish_at.map(|d| d.0),
            expire_at: m.expire_at.map(|d| d.0),
            meta,
            faq: m.faq,
            glossary: m.glossary,
            draft: m.draft,
            aliases,
            image: m.image,
            image_alt: m.image_alt,
            template: m.template,
            extra: m.extra,
            body,
            body_line,
            bundle_dir: is_bundle.then(|| format!("content/{}", parent_dir(rel))),
            key_lines,
            file,
        },
        diags,
    ))
}

/// The kind-specific blocks of a page's front matter.
struct Blocks {
    campaign: Option<crate::content::kind::CampaignMatter>,
    document: Option<crate::content::kind::DocumentMatter>,
    explains: Option<crate::content::Explains>,
}

/// Checks that a page carries exactly the block its kind needs, and validates it.
fn kind_meta(
    config: &Config,
    kind: Kind,
    blocks: Blocks,
    body: &str,
    file: &str,
    key_lines: &KeyLines,
    diags: &mut Diagnostics,
) -> KindMeta {
    let misplaced = [
        ("campaign", blocks.campaign.is_some() && kind != Kind::Campaign, "campaign"),
        ("document", blocks.document.is_some() && kind != Kind::Document, "document"),
        ("explains", blocks.explains.is_some() && kind != Kind::Explainer, "explainer"),
    ];
    for (key, wrong, needs) in misplaced {
        if wrong {
            diags.push(
                Diagnostic::error(
                    "kind-block",
                    key_lines.locate(file, key),
                    format!(
                        "khối `{key}:` chỉ dùng cho trang loại `{needs}`, trang này thuộc loại `{}`",
                        kind.as_str()
                    ),
                )
                .with_hint(format!("đặt tệp vào chuyên mục có `kind: {needs}` hoặc bỏ khối này")),
            );
        }
    }
    match kind {
        Kind::Campaign => {
            match blocks.campaign {
                Some(c) => {
                    let (starts, ends) = (c.starts.0, c.ends.0);
                    if ends < starts {
                        diags.push(
                            Diagnostic::error(
                                "campaign-dates",
                                key_lines.locate(file, "campaign.ends"),
                                "chiến dịch kết thúc trước khi bắt đầu",
                            )
                            .with_hint(format!(
                                "`ends` ({}) phải sau hoặc bằng `starts` ({})",
                                ends.fmt_iso_date(),
                                starts.fmt_iso_date()
                            )),
                        );
                    }
                    for (id, _) in &c.audiences.0 {
                        let loc = key_lines.locate(file, &format!("campaign.audiences.{id}"));
                        if let Some(d) = unknown_audience(config, id, loc) {
                            diags.push(d);
                        }
                    }
                    KindMeta::Campaign(Campaign {
                        starts,
                        ends,
                        goal: c.goal.map(|g| g.0),
                        audiences: c.audiences.0,
                    })
                }
                None => {
                    diags.push(
                    Diagnostic::error("campaign", Location::file(file), "trang chiến dịch thiếu khối `campaign:`")
                        .with_hint("thêm `campaign: {starts: 2022-09-15, ends: 2026-12-31, goal: …, audiences: {…}}`"),
                );
                    KindMeta::None
                }
            }
        }
        Kind::Document => match blocks.document {
            Some(d) => {
                let code = d.code.0.trim().to_string();
                if crate::vi::docnum::find(&code).first().is_none_or(|r| r.len() != code.len()) {
                    diags.push(
                        Diagnostic::error(
                            "document-code",
                            key_lines.locate(file, "document.code"),
                            format!("số hiệu `{code}` không đúng dạng số hiệu văn bản"),
                        )
                        .with_hint("viết như `49-KL/TW`, `1373/QĐ-TTg`, `30/2020/NĐ-CP`"),
                    );
                }
                KindMeta::Document(PolicyDocument {
                    code,
                    title: d.title.map(|t| t.0),
                    issued: d.issued.map(|t| t.0),
                    issuer: d.issuer,
                    signer: d.signer,
                    aliases: d
                        .aliases
                        .into_iter()
                        .map(|a| a.trim().to_string())
                        .filter(|a| !a.is_empty())
                        .collect(),
                    source_url: d.source_url.filter(|u| !crate::url::is_dangerous(u)),
                    status: d.status,
                    related: d.related,
                    clause_ids: clause_ids(body),
                })
            }
            None => {
                diags.push(
                    Diagnostic::error(
                        "document",
                        Location::file(file),
                        "trang văn bản thiếu khối `document:`",
                    )
                    .with_hint("thêm `document: {code: 49-KL/TW, title: …, issued: 2019-05-10, issuer: …}`"),
                );
                KindMeta::None
            }
        },
        Kind::Explainer => blocks.explains.map_or(KindMeta::None, KindMeta::Explainer),
        Kind::Article | Kind::Page => KindMeta::None,
    }
}

/// Ids of the headings with an explicit `{#id}`: a document's clauses. A line-based pre-scan,
/// so every page can link to clauses before the documents are rendered.
pub fn clause_ids(body: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut fence: Option<&str> = None;
    for line in body.lines() {
        let t = line.trim_start();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(&t[..3]);
            continue;
        }
        if !t.starts_with('#') {
            continue;
        }
        let t = t.trim_end();
        if let Some(open) = t.rfind("{#")
            && let Some(id) = t[open + 2..].strip_suffix('}')
        {
            let id = id.split_whitespace().next().unwrap_or("");
            if !id.is_empty() && !ids.iter().any(|x| x == id) {
                ids.push(id.to_string());
            }
        }
    }
    ids
}

/// Validates an explicit `slug:` and folds it. Never returns a value with `/`, `\` or `..`.
pub fn check_slug(raw: &str) -> Result<String, String> {
    if raw.contains(['/', '\\', ':']) || raw.contains("..") {
        return Err(format!("slug `{raw}` không được chứa `/`, `\\`, `:` hay `..`"));
    }
    let slug = crate::vi::slugify(raw);
    if slug.is_empty() {
        return Err(format!("slug `{raw}` không có chữ hoặc số"));
    }
    Ok(slug)
}

/// An alias as a clean site path (`/a/b/`), or `None` when it is unsafe.
fn alias_path(a: &str) -> Option<String> {
    let trimmed = a.trim().trim_matches('/');
    if trimmed.is_empty() || a.contains(['\\', ':', '?', '#']) {
        return None;
    }
    let segs: Vec<&str> = trimmed.split('/').collect();
    if segs.iter().any(|s| s.is_empty() || *s == "." || *s == "..") {
        return None;
    }
    Some(format!("/{}/", segs.join("/")))
}

/// The file path relative to `content/`.
fn content_rel(file: &str) -> &str {
    file.strip_prefix("content/").unwrap_or(file)
}

/// `a/b/c.md` → `a/b`; `c.md` → ``.
fn parent_dir(rel: &str) -> String {
    rel.rsplit_once('/').map(|(d, _)| d.to_string()).unwrap_or_default()
}

/// URL path of a section folder: each folder name folded to a slug.
fn dir_path(dir: &str) -> String {
    let mut p = String::from("/");
    for seg in dir.split('/').filter(|s| !s.is_empty()) {
        p.push_str(&crate::vi::slugify(seg));
        p.push('/');
    }
    p
}

fn nearest_section(dirs: &[String], dir: &str) -> SectionId {
    let mut d = dir.to_string();
    loop {
        if let Some(i) = dirs.iter().position(|s| *s == d) {
            return i;
        }
        if d.is_empty() {
            return 0;
        }
        d = parent_dir(&d);
    }
}

fn check_routes(sections: &[Section], pages: &[Document], diags: &mut Diagnostics) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let home_file = "content/_index.md".to_string();
    let routes = sections
        .iter()
        .map(|s| (s.path.as_str(), s.file.as_ref().unwrap_or(&home_file), None))
        .chain(pages.iter().map(|p| {
            (p.path.as_str(), &p.file, p.key_lines.0.iter().find(|(k, _)| k == "slug").map(|(_, l)| *l))
        }))
        .chain(pages.iter().flat_map(|p| p.aliases.iter().map(move |a| (a.as_str(), &p.file, None))));
    for (path, file, slug_line) in routes {
        if let Some(other) = seen.get(path) {
            if other != file {
                let loc = match slug_line {
                    Some(l) => Location::at(file.as_str(), l, 1),
                    None => Location::file(file.as_str()),
                };
                diags.push(
                    Diagnostic::error("route-collision", loc, format!("trùng đường dẫn {path} với {other}"))
                        .with_hint(format!("đặt `slug:` khác cho một trong hai tệp ({other} hoặc {file})")),
                );
            }
        } else {
            seen.insert(path.to_string(), file.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_slugs_are_refused() {
        for bad in ["../../etc/x", "/abs", "a\\b", "C:x", ";)"] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
        assert_eq!(check_slug("Kết luận 49").as_deref(), Ok("ket-luan-49"));
    }

    #[test]
    fn aliases_must_stay_inside_the_site() {
        assert_eq!(alias_path("tin-cu/a").as_deref(), Some("/tin-cu/a/"));
        assert_eq!(alias_path("/../x"), None);
        assert_eq!(alias_path("//"), None);
    }

    #[test]
    fn section_paths_fold_folder_names() {
        assert_eq!(dir_path("Bài viết/Tin mới"), "/bai-viet/tin-moi/");
        assert_eq!(crate::content::output_file("/a/b/"), "a/b/index.html");
        assert_eq!(crate::content::output_file("/"), "index.html");
    }
}
