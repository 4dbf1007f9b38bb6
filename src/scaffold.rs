//! `loa new`: a new page with the front matter of its section's kind, or a new working site.
//!
//! Takes the site root (or a target folder), a section and a title; gives the path written.
//! Never overwrites a file. The default theme is embedded in the binary (build.rs), so a new
//! site works wherever loa is installed.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::{Kind, Matter};
use crate::diagnostics::{Diagnostic, Location};
use crate::vi::dates::DateTime;

/// Quotes a string for YAML (double quotes, escaped).
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The front matter and body of a new page of `kind`.
pub fn page_template(kind: Kind, title: &str, today: DateTime, config: &Config) -> String {
    let date = today.fmt_iso_date();
    let mut s = format!("---\ntitle: {}\n", q(title));
    match kind {
        Kind::Article => {
            s.push_str(&format!("date: {date}\n"));
            s.push_str("# summary: Một hai câu tóm tắt (hiện ở danh sách bài, nguồn tin và khi chia sẻ).\n");
            s.push_str("tags: []\n");
            let ids: Vec<&str> = config.audiences.keys().collect();
            s.push_str("audiences: []");
            if !ids.is_empty() {
                s.push_str(&format!("  # các đối tượng: {}", ids.join(", ")));
            }
            s.push('\n');
            s.push_str("---\nViết đoạn mở đầu ở đây.\n\n## Tiêu đề mục\n\nNội dung.\n");
        }
        Kind::Campaign => {
            s.push_str("# summary: Một hai câu tóm tắt chiến dịch.\n");
            s.push_str(&format!(
                "campaign:\n  starts: {date}\n  ends: {date}\n  goal: {}\n  audiences:\n",
                q("Mục tiêu của chiến dịch")
            ));
            for (id, a) in &config.audiences.0 {
                s.push_str(&format!(
                    "    {id}:\n      headline: {}\n      message: {}\n      call_to_action:\n        label: {}\n        url: \"/\"\n",
                    q(&format!("Thông điệp cho {}", a.name)),
                    q("Một hai câu dành riêng cho đối tượng này."),
                    q("Tìm hiểu thêm"),
                ));
            }
            if config.audiences.0.is_empty() {
                s.push_str("    {}\n");
                s = s.replace(
                    "  audiences:\n    {}\n",
                    "  audiences: {}  # khai báo đối tượng trong loa.yaml trước\n",
                );
            }
            s.push_str("---\nGiới thiệu chiến dịch.\n");
        }
        Kind::Document | Kind::Explainer | Kind::Page => {
            s.push_str("---\nNội dung.\n");
        }
    }
    s
}

/// Writes `content/<section>/<slug>.md` for a new page titled `title`; returns its path
/// relative to the site root.
pub fn new_page(config: &Config, section: &str, title: &str, today: DateTime) -> Result<String, Diagnostic> {
    let section = section.trim_matches('/');
    let content = config.root.join("content");
    let index = content.join(section).join("_index.md");
    let rel_index = format!("content/{section}/_index.md");
    if section.is_empty() || section.contains("..") || !index.is_file() {
        let mut sections: Vec<String> = walkdir::WalkDir::new(&content)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_name() == "_index.md" && e.depth() > 1)
            .filter_map(|e| {
                e.path().parent()?.strip_prefix(&content).ok().map(|p| p.to_string_lossy().into_owned())
            })
            .collect();
        sections.sort();
        return Err(Diagnostic::error(
            "new",
            Location::file(&rel_index),
            format!("không có chuyên mục `{section}`"),
        )
        .with_hint(if sections.is_empty() {
            "tạo thư mục chuyên mục có tệp _index.md trước".to_string()
        } else {
            format!("các chuyên mục: {}", sections.join(", "))
        }));
    }
    let text = std::fs::read(&index)
        .map_err(|e| Diagnostic::error("io", Location::file(&rel_index), format!("không đọc được: {e}")))?;
    let text = crate::parse::decode_text(&text, &rel_index)?;
    let kind = match crate::parse::parse_file(&text, &rel_index, true) {
        Ok(p) => match p.matter {
            Matter::Section(m) => m.kind.unwrap_or(Kind::Article),
            Matter::Page(_) => Kind::Article,
        },
        Err(d) => {
            return Err(d
                .0
                .into_iter()
                .next()
                .unwrap_or_else(|| Diagnostic::global("new", "front matter hỏng")));
        }
    };
    let slug = crate::vi::slugify(title);
    if slug.is_empty() {
        return Err(Diagnostic::global("new", format!("tiêu đề `{title}` không có chữ hoặc số"))
            .with_hint("viết tiêu đề bằng chữ, ví dụ \"Hội nghị tổng kết năm học\""));
    }
    let rel = format!("content/{section}/{slug}.md");
    let path = config.root.join(&rel);
    if path.exists() || content.join(section).join(&slug).join("index.md").exists() {
        return Err(Diagnostic::error("new", Location::file(&rel), "tệp đã tồn tại; loa không ghi đè")
            .with_hint("chọn tiêu đề khác hoặc sửa tệp đã có"));
    }
    write_new(&path, &page_template(kind, title, today, config), &rel)?;
    Ok(rel)
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
    let date = today.fmt_iso_date();
    let files: Vec<(String, Vec<u8>)> = [
        (
            "loa.yaml".to_string(),
            "title: Trang mới\nbase_url: https://example.vn\nlanguage: vi\ntheme: loa\ntaxonomies: [tags]\naudiences:\n  nguoi-dan:\n    name: Người dân\n    description: Mọi người đọc trang.\n".to_string(),
        ),
        ("content/_index.md".to_string(), "---\ntitle: Trang chủ\n---\nLời giới thiệu ngắn về trang.\n".to_string()),
        ("content/bai-viet/_index.md".to_string(), "---\ntitle: Bài viết\nkind: article\npaginate_by: 10\n---\n".to_string()),
        (
            "content/bai-viet/bai-viet-dau-tien.md".to_string(),
            format!("---\ntitle: Bài viết đầu tiên\ndate: {date}\nsummary: Bài mẫu; sửa hoặc xóa nó.\ntags: [tin tức]\naudiences: [nguoi-dan]\n---\nĐây là bài viết đầu tiên.\n\n## Viết bài mới\n\nChạy `loa new bai-viet \"Tiêu đề\"`.\n"),
        ),
    ]
    .into_iter()
    .map(|(p, t)| (p, t.into_bytes()))
    .chain(crate::theme::all_files().iter().map(|(rel, bytes)| (format!("themes/loa/{rel}"), bytes.to_vec())))
    .collect();
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
