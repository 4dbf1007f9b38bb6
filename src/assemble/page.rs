//! One parsed file → a page of the site: its section and kind, slug and URL, schedule
//! (`draft`, `publish_at`, `expire_at`), audiences and terms checked against loa.yaml, and its
//! kind's block (each kind's rules are in its own file).

use crate::config::Config;
use crate::content::{Document, KeyLines, Kind, KindMeta, PageMatter, Section, TermRef};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, did_you_mean};

use super::audiences::unknown_audience;
use super::routes::{alias_path, check_slug, nearest_section, parent_dir};
use super::{campaign, document};

#[allow(clippy::too_many_arguments, reason = "one call site; the parts of a parsed file")]
pub(super) fn page(
    config: &Config,
    sections: &[Section],
    dirs: &[String],
    rel: &str,
    file: String,
    m: PageMatter,
    key_lines: KeyLines,
    (body, body_line): (crate::content::TextTail, usize),
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
            Diagnostic::error("missing-date", Location::file(&file), "bài viết thiếu `date`").with_hint(
                "thêm ngày đăng (ngày/tháng/năm), ví dụ `date: 15/11/2026` hoặc `date: 15/11/2026 08:00`",
            ),
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
            if crate::vi::slug::term_slug(&name).is_empty() {
                diags.push(
                    Diagnostic::error(
                        "term",
                        key_lines.locate(&file, key),
                        format!("thẻ `{name}` không có chữ hoặc số"),
                    )
                    .with_hint("xóa thẻ này hoặc viết lại"),
                );
            } else {
                let name = super::taxonomies::in_tone_style(name, config.tone_style);
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
        if let Some(d) = unknown_audience(config, id, key_lines.locate_value(&file, "audiences", 0, id)) {
            diags.push(d);
        }
    }
    if let (Some(date), Some(updated)) = (&m.date, &m.updated)
        && let Some(d) = updated_before_date(date.0, updated.0, &key_lines, &file)
    {
        diags.push(d);
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
                    key_lines.locate_value(&file, "aliases", 0, a),
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
            author: m.author.map(|a| a.0.trim().to_string()).filter(|a| !a.is_empty()),
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
            bulletin: m.bulletin,
            body,
            body_line,
            bundle_dir: is_bundle.then(|| format!("content/{}", parent_dir(rel))),
            key_lines,
            file,
        },
        diags,
    ))
}

/// A warning when `updated:` is a day before `date:` (a typo in one of them, most often: the
/// page would say it was corrected before it was written), at the `updated:` value. Compared
/// by calendar day: `updated: 10/9/2024` on a page of `date: 10/9/2024 8:30` is the same day.
fn updated_before_date(
    date: crate::vi::dates::DateTime,
    updated: crate::vi::dates::DateTime,
    key_lines: &KeyLines,
    file: &str,
) -> Option<Diagnostic> {
    let day = |d: crate::vi::dates::DateTime| (d.year(), d.month(), d.day());
    if day(updated) >= day(date) {
        return None;
    }
    let written = |d: crate::vi::dates::DateTime| format!("{}/{}/{}", d.day(), d.month(), d.year());
    let at = match key_lines.value_origin("updated", 0) {
        Some((line, col, _)) => Location::at(file, line, col),
        None => key_lines.locate(file, "updated"),
    };
    Some(
        Diagnostic::warning(
            "updated-before-date",
            at,
            format!(
                "ngày cập nhật `{}` sớm hơn ngày đăng `{}` (`date:`)",
                written(updated),
                written(date)
            ),
        )
        .with_hint(
            "`updated:` là ngày sửa bài, phải bằng hoặc sau `date:`; kiểm tra lại hai ngày, hoặc bỏ dòng `updated:` nếu bài chưa sửa",
        ),
    )
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
        Kind::Campaign => campaign::campaign_meta(config, blocks.campaign, file, key_lines, diags),
        Kind::Document => document::document_meta(blocks.document, body, file, key_lines, diags),
        Kind::Explainer => blocks.explains.map_or(KindMeta::None, KindMeta::Explainer),
        Kind::Article | Kind::Page => KindMeta::None,
    }
}
