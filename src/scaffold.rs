//! `loa new`: a new page with the front matter of its section's kind (its section created
//! when the folder does not exist yet), or a new working site.
//!
//! Takes the site root (or a target folder), a section, a title and, for a new section, its
//! kind; gives the paths written. Never overwrites a file. Every scaffold is a valid page of
//! its kind that builds as it is: a draft, each field explained in a YAML comment, the text to
//! replace taken from `check::placeholder` (whose rule finds what is left of it). The default
//! theme is embedded in the binary (build.rs), so a new site works wherever loa is installed.

mod pages;
mod site;

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::{Kind, Matter};
use crate::diagnostics::{Diagnostic, Location};
use crate::vi::dates::DateTime;

pub use pages::{kind_label, known_section, page_template, section_template};
pub use site::{SiteDocument, SiteIndex};

/// What `loa new` wrote for a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPage {
    /// The page, relative to the site root (`content/bai-viet/x.md`).
    pub page: String,
    /// The section created for it, when its folder did not exist.
    pub section: Option<NewSection>,
}

/// A section `loa new` created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSection {
    /// Its `_index.md`, relative to the site root.
    pub index: String,
    /// The kind written in it.
    pub kind: Kind,
    /// True when the kind was guessed from the folder's name (no `--kind`).
    pub guessed: bool,
}

/// Writes `content/<section>/<slug>.md` for a new page titled `title`, first creating the
/// section (with `kind`, else the kind its name suggests) when its folder does not exist.
/// `kind` for an existing section must be its own.
pub fn new_page(
    config: &Config,
    section: &str,
    title: &str,
    kind: Option<Kind>,
    today: DateTime,
) -> Result<NewPage, Diagnostic> {
    let section = section.trim_matches('/');
    let content = config.root.join("content");
    let rel_index = format!("content/{section}/_index.md");
    let slug = crate::vi::slugify(title);
    if slug.is_empty() {
        return Err(Diagnostic::global("new", format!("tiêu đề `{title}` không có chữ hoặc số"))
            .with_hint("viết tiêu đề bằng chữ, ví dụ \"Hội nghị tổng kết năm học\""));
    }
    let site = SiteIndex::read(&content);
    check_section_name(section, &site)?;
    let index = content.join(section).join("_index.md");
    let (page_kind, created) = if index.is_file() {
        let own = section_kind(&index, &rel_index)?;
        if let Some(k) = kind.filter(|k| *k != own) {
            return Err(Diagnostic::error(
                "new",
                Location::file(&rel_index),
                format!(
                    "chuyên mục `{section}` đã có, loại `{}`; không đổi được thành `{}`",
                    own.as_str(),
                    k.as_str()
                ),
            )
            .with_hint("--kind chỉ dùng khi tạo chuyên mục mới: bỏ --kind, hoặc đổi `kind:` trong _index.md của chuyên mục (mọi trang trong đó đổi theo)"));
        }
        (own, None)
    } else {
        check_new_section(&content, section, kind, &site)?;
        let (kind, guessed) = match kind {
            Some(k) => (k, false),
            None => (known_section(section).map_or(Kind::Page, |(k, _)| k), true),
        };
        (kind, Some(NewSection { index: rel_index, kind, guessed }))
    };
    let rel = format!("content/{section}/{slug}.md");
    let path = config.root.join(&rel);
    if path.exists() || content.join(section).join(&slug).join("index.md").exists() {
        return Err(Diagnostic::error("new", Location::file(&rel), "tệp đã tồn tại; loa không ghi đè")
            .with_hint("chọn tiêu đề khác hoặc sửa tệp đã có"));
    }
    if let Some(s) = &created {
        write_new(&config.root.join(&s.index), &section_template(section, s.kind), &s.index)?;
    }
    write_new(&path, &page_template(page_kind, title, today, config, &site), &rel)?;
    Ok(NewPage { page: rel, section: created })
}

/// The kind of an existing section, from its `_index.md`.
fn section_kind(index: &Path, rel_index: &str) -> Result<Kind, Diagnostic> {
    let text = std::fs::read(index)
        .map_err(|e| Diagnostic::error("io", Location::file(rel_index), format!("không đọc được: {e}")))?;
    let text = crate::parse::decode_text(&text, rel_index)?;
    match crate::parse::parse_file(&text, rel_index, true) {
        Ok(p) => Ok(match p.matter {
            Matter::Section(m) => m.kind.unwrap_or(Kind::Article),
            Matter::Page(_) => Kind::Article,
        }),
        Err(d) => {
            Err(d.0.into_iter().next().unwrap_or_else(|| Diagnostic::global("new", "front matter hỏng")))
        }
    }
}

/// ` (các chuyên mục: a, b)`, or nothing for a site without sections.
fn listed(site: &SiteIndex) -> String {
    let names: Vec<&str> = site.sections.iter().map(|(d, _)| d.as_str()).collect();
    if names.is_empty() { String::new() } else { format!(" (các chuyên mục: {})", names.join(", ")) }
}

/// A section is named by folders under `content/` whose names are slugs (not `.`, `..`, empty
/// or with capitals, spaces, marks).
fn check_section_name(section: &str, site: &SiteIndex) -> Result<(), Diagnostic> {
    if section.is_empty() || section.split('/').any(|seg| seg.is_empty() || crate::vi::slugify(seg) != seg) {
        let suggestion =
            section.split('/').map(crate::vi::slugify).filter(|s| !s.is_empty()).collect::<Vec<_>>();
        let example = if suggestion.is_empty() { "chien-dich".to_string() } else { suggestion.join("/") };
        return Err(Diagnostic::global("new", format!("`{section}` không dùng được làm tên chuyên mục")).with_hint(
            format!(
                "tên chuyên mục là tên thư mục trong content/: chữ thường không dấu, số và `-`, ví dụ `{example}`{}",
                listed(site)
            ),
        ));
    }
    Ok(())
}

/// Whether a section may be created at `content/<section>`: a folder that does not exist (a
/// folder without `_index.md` already holds pages of another section), no page at its
/// address, and not one letter away from an existing section unless `kind` says the editor
/// means it.
fn check_new_section(
    content: &Path,
    section: &str,
    kind: Option<Kind>,
    site: &SiteIndex,
) -> Result<(), Diagnostic> {
    let rel_dir = format!("content/{section}");
    let names: Vec<&str> = site.sections.iter().map(|(d, _)| d.as_str()).collect();
    let listed = || listed(site);
    if content.join(section).exists() {
        return Err(Diagnostic::error(
            "new",
            Location::file(&rel_dir),
            format!("thư mục `{rel_dir}` đã có nhưng chưa có _index.md, nên chưa là chuyên mục"),
        )
        .with_hint(format!(
            "các trang trong đó đang thuộc chuyên mục bên ngoài; muốn nó thành chuyên mục riêng thì tạo `{rel_dir}/_index.md` (`title:` và `kind:`), rồi chạy lại{}",
            listed()
        )));
    }
    if content.join(format!("{section}.md")).exists() {
        return Err(Diagnostic::error(
            "new",
            Location::file(format!("content/{section}.md")),
            format!("đã có trang ở địa chỉ của chuyên mục `{section}`"),
        )
        .with_hint("chọn tên chuyên mục khác"));
    }
    if kind.is_none()
        && let Some(near) = crate::diagnostics::did_you_mean(section, names.iter().copied())
    {
        return Err(Diagnostic::global("new", format!("chưa có chuyên mục `{section}`")).with_hint(format!(
            "có phải ý bạn là `{near}`?{} Nếu đúng là muốn tạo chuyên mục mới `{section}`, chạy lại với --kind (article, campaign, document, explainer hoặc page)",
            listed()
        )));
    }
    Ok(())
}

/// Writes a file that must not exist yet (created atomically with `create_new`).
fn write_new(path: &Path, text: &str, shown: &str) -> Result<(), Diagnostic> {
    use std::io::Write as _;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            Diagnostic::error("io", Location::file(shown), format!("không tạo được thư mục: {e}"))
        })?;
    }
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| {
        let msg = if e.kind() == std::io::ErrorKind::AlreadyExists {
            "tệp đã tồn tại; loa không ghi đè".to_string()
        } else {
            format!("không ghi được: {e}")
        };
        Diagnostic::error("io", Location::file(shown), msg)
    })?;
    f.write_all(text.as_bytes())
        .map_err(|e| Diagnostic::error("io", Location::file(shown), format!("không ghi được: {e}")))
}

/// The `.gitignore` of a new site: what loa writes beside the sources (the output folder, the
/// spare and staging folders of its swap, its locks) and a cache folder.
const GITIGNORE: &str = "# Những gì loa tự tạo khi dựng trang, không cần lưu vào git.\n\
/public/\n\
/.public.loa-spare\n\
/.public.staging-*\n\
/.public.old-*\n\
/.public.loa-lock\n\
/.loa.lock\n\
/.loa-cache/\n";

/// The starting list of official names in a new site's loa.yaml (issue 27): the central
/// bodies of the Party and the State, as their own documents write them.
const NAMES: &str = "\
# Tên chính thức: `loa check` cảnh báo khi các chữ này được viết hoa khác đi (`Ban bí thư`).
# Cách viết lấy theo văn bản của chính các cơ quan: Hướng dẫn số 36-HD/VPTW ngày 03/4/2018 của
# Văn phòng Trung ương Đảng (văn bản của Đảng) và Nghị định số 30/2020/NĐ-CP, Phụ lục II (văn bản
# hành chính). Thêm tên cơ quan, tổ chức của mình; bỏ tên không dùng.
editorial:
  names:
    - Ban Chấp hành Trung ương
    - Bộ Chính trị
    - Ban Bí thư
    - Ủy ban Kiểm tra Trung ương
    - Văn phòng Trung ương Đảng
    - Đảng ủy Khối các cơ quan Trung ương
    - Quốc hội
    - Ủy ban Thường vụ Quốc hội
    - Chủ tịch nước
    - Chính phủ
    - Thủ tướng Chính phủ
    - Mặt trận Tổ quốc Việt Nam
";

/// Writes a minimal working site into `dir` (which must not exist or be empty).
pub fn new_site(dir: &Path, today: DateTime) -> Result<Vec<PathBuf>, Diagnostic> {
    let shown = dir.display().to_string();
    if dir.exists() && std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(Diagnostic::error(
            "new",
            Location::file(&shown),
            "thư mục đã có nội dung; loa không ghi đè",
        )
        .with_hint("chọn một thư mục mới hoặc trống"));
    }
    let date = pages::day_first(&today);
    let files: Vec<(String, Vec<u8>)> = [
        (
            "loa.yaml".to_string(),
            format!("title: Trang mới\nbase_url: https://example.vn\nlanguage: vi\ntheme: loa\ntaxonomies: [tags]\naudiences:\n  nguoi-dan:\n    name: Người dân\n    description: Mọi người đọc trang.\n{NAMES}"),
        ),
        (".gitignore".to_string(), GITIGNORE.to_string()),
        ("content/_index.md".to_string(), "---\ntitle: Trang chủ\n---\nLời giới thiệu ngắn về trang.\n".to_string()),
        ("content/bai-viet/_index.md".to_string(), "---\ntitle: Bài viết\nkind: article\npaginate_by: 10\n---\n".to_string()),
        (
            "content/bai-viet/bai-viet-dau-tien.md".to_string(),
            format!("---\ntitle: Bài viết đầu tiên\ndate: {date}\nsummary: Bài mẫu; sửa lại hoặc bỏ đi.\ntags: [tin tức]\naudiences: [nguoi-dan]\n---\nĐây là bài viết đầu tiên.\n\n## Viết bài mới\n\nChạy `loa new bai-viet \"Tiêu đề\"`.\n"),
        ),
    ]
    .into_iter()
    .map(|(p, t)| (p, t.into_bytes()))
    .collect();
    write_all(dir, files)
}

/// Writes a copy of the default theme into `themes/<name>/` of the site at `root`, for a site
/// that changes the theme as a whole (a copy named `loa` replaces the built-in theme; another
/// name is used once loa.yaml says `theme: <name>`). Never writes into an existing folder.
pub fn new_theme(root: &Path, name: &str) -> Result<Vec<PathBuf>, Diagnostic> {
    let rel = format!("themes/{name}");
    if name.is_empty() || crate::vi::slugify(name) != name {
        return Err(Diagnostic::error(
            "new",
            Location::file(&rel),
            format!("tên giao diện `{name}` phải viết bằng chữ thường không dấu, nối bằng `-`"),
        )
        .with_hint(format!(
            "ví dụ `loa new theme {}`",
            Some(crate::vi::slugify(name)).filter(|s| !s.is_empty()).unwrap_or_else(|| "loa".to_string())
        )));
    }
    if root.join(&rel).exists() {
        return Err(Diagnostic::error(
            "new",
            Location::file(&rel),
            "thư mục giao diện này đã có; loa không ghi đè",
        )
        .with_hint(format!(
            "đổi tên hoặc bỏ thư mục {rel}/ trước, hoặc chọn tên khác: `loa new theme ten-khac`"
        )));
    }
    let files =
        crate::theme::all_files().iter().map(|(p, bytes)| (format!("{rel}/{p}"), bytes.to_vec())).collect();
    write_all(root, files)
}

/// Writes each (path under `dir`, bytes), making folders as needed.
fn write_all(dir: &Path, files: Vec<(String, Vec<u8>)>) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut written = Vec::new();
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Diagnostic::error("io", Location::file(&rel), format!("không tạo được thư mục: {e}"))
            })?;
        }
        std::fs::write(&path, bytes)
            .map_err(|e| Diagnostic::error("io", Location::file(&rel), format!("không ghi được: {e}")))?;
        written.push(path);
    }
    Ok(written)
}
