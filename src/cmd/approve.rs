//! `loa approve PATH… --by "Họ tên"`: records a reviewer's approval in each page file, and
//! each section's `_index.md` (issue 27). The edit itself is `loa::check::approval::approve` (only the `approval:` block of the
//! front matter changes); this file finds the files, checks the reviewer against
//! `editorial.reviewers`, and writes each file whole (a temporary file renamed over it).
//!
//! Exit codes: 0 every file approved (or already approved by the same reviewer as it is);
//! 1 a file could not be approved (each named, the others still approved); 2 bad flags or
//! loa.yaml.

use std::path::{Path, PathBuf};

use clap::Args;
use loa::check::approval::{Approved, approve};
use loa::config::Overrides;

use super::{EXIT_SITE, EXIT_USAGE, load_config, print_diagnostics, site_root};

/// Flags of `loa approve`.
#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// Các tệp trang (.md) cần duyệt, hoặc thư mục (duyệt mọi trang trong đó, ví dụ
    /// `content/`), kể cả tệp `_index.md` của chuyên mục.
    #[arg(value_name = "ĐƯỜNG_DẪN", required = true)]
    paths: Vec<PathBuf>,
    /// Người duyệt: họ tên (hoặc tên bộ phận) như trong `editorial.reviewers` của loa.yaml.
    #[arg(long, value_name = "HỌ_TÊN")]
    by: String,
    /// Thư mục của trang (nơi có loa.yaml); mặc định: thư mục hiện tại.
    #[arg(long, value_name = "THƯ_MỤC")]
    root: Option<PathBuf>,
}

impl ApproveArgs {
    /// Approves every page named; prints one line a file.
    pub fn run(&self) -> u8 {
        let root = site_root(self.root.as_deref());
        let config = match load_config(&root, &Overrides::default()) {
            Ok(c) => c,
            Err(code) => return code,
        };
        let by = self.by.trim();
        let reviewers = &config.editorial.reviewers;
        if !reviewers.is_empty() && !reviewers.iter().any(|r| r == by) {
            tell!("lỗi: `{by}` không có trong danh sách người duyệt (`editorial.reviewers` trong loa.yaml)");
            tell!("  gợi ý: người duyệt của trang: {}", reviewers.join(", "));
            return EXIT_USAGE;
        }
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let mut files = Vec::new();
        for p in &self.paths {
            let p = if p.is_absolute() { p.clone() } else { cwd.join(p) };
            if p.is_dir() {
                let mut found: Vec<PathBuf> = walkdir::WalkDir::new(&p)
                    .into_iter()
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_file())
                    .map(|e| e.into_path())
                    .filter(|f| f.extension().is_some_and(|x| x == "md"))
                    .collect();
                found.sort();
                files.extend(found);
            } else {
                files.push(p);
            }
        }
        let at = loa::build::now();
        let (mut approved, mut kept, mut failed) = (0, 0, 0);
        for file in files {
            let name = shown(&root, &file);
            match approve_file(&root, &file, &name, by, at) {
                Ok(true) => {
                    say!("đã duyệt: {name}");
                    approved += 1;
                }
                Ok(false) => {
                    say!("đã duyệt từ trước, giữ nguyên: {name}");
                    kept += 1;
                }
                Err(diags) => {
                    print_diagnostics(&diags);
                    failed += 1;
                }
            }
        }
        say!("{approved} trang được duyệt, {kept} trang giữ nguyên, {failed} trang không duyệt được.");
        if failed > 0 { EXIT_SITE } else { 0 }
    }
}

/// A file's path as editors see it: relative to the site root.
fn shown(root: &Path, file: &Path) -> String {
    file.strip_prefix(root).unwrap_or(file).to_string_lossy().replace('\\', "/")
}

/// Approves one file; `Ok(false)` when it already carried this approval.
fn approve_file(
    root: &Path,
    file: &Path,
    name: &str,
    by: &str,
    at: loa::vi::dates::DateTime,
) -> Result<bool, loa::diagnostics::Diagnostics> {
    let fail = |msg: String, hint: &str| -> loa::diagnostics::Diagnostics {
        loa::diagnostics::Diagnostic::error("approval", loa::diagnostics::Location::file(name), msg)
            .with_hint(hint.to_string())
            .into()
    };
    if !file.starts_with(root.join("content")) || file.extension().is_none_or(|x| x != "md") {
        return Err(fail(
            "không phải một trang trong content/".into(),
            "chỉ duyệt các tệp .md trong content/",
        ));
    }
    let bytes =
        std::fs::read(file).map_err(|e| fail(format!("không đọc được tệp: {e}"), "kiểm tra đường dẫn"))?;
    let new = match approve(&bytes, name, by, at)? {
        Approved::Unchanged => return Ok(false),
        Approved::Changed(b) => b,
    };
    // A temporary file beside it, renamed over it: the page is never half written.
    let tmp = file.with_file_name(format!(
        ".{}.loa-duyet",
        file.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
    ));
    let write = || -> std::io::Result<()> {
        std::fs::write(&tmp, &new)?;
        std::fs::set_permissions(&tmp, std::fs::metadata(file)?.permissions())?;
        std::fs::rename(&tmp, file)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(format!("không ghi được tệp: {e}"), "kiểm tra quyền ghi của thư mục")
    })?;
    Ok(true)
}
