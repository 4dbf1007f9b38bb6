//! Output-folder checks: which folders `loa build` may own.
//!
//! Takes the site root and the output path (and `--force`); gives the resolved output path, or
//! why it is refused (exit code 2). Also checks that an output key cannot leave the output
//! folder. Must not write, create or delete anything: it only looks.

use std::path::{Component, Path, PathBuf};

use super::MARKER;

/// Why an output folder is refused (exit code 2, nothing touched).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsafeOutput(pub String);

impl std::fmt::Display for UnsafeOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Resolves `..` and `.` lexically, then the longest existing prefix through symlinks.
fn resolve(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Canonicalise the deepest existing ancestor (follows a symlinked output folder).
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => {
                rest.push(name.to_os_string());
                existing.pop();
            }
            None => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}

/// Checks that `out` may be written and replaced for the site at `root`. Does no writes.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<PathBuf, UnsafeOutput> {
    check_output_dir_with(root, out, false)
}

/// Like `check_output_dir`; with `force`, an existing folder without loa's marker is accepted
/// (its dotfiles are kept by `write_output_with`). The path rules (root, home, sources) hold
/// whatever `force` says.
pub fn check_output_dir_with(root: &Path, out: &Path, force: bool) -> Result<PathBuf, UnsafeOutput> {
    let root = resolve(root);
    let out = resolve(out);
    let shown = out.display().to_string();
    let refuse = |why: String| Err(UnsafeOutput(why));
    if out.parent().is_none() {
        return refuse(format!("thư mục xuất `{shown}` là thư mục gốc của máy; loa không ghi hay xóa ở đó"));
    }
    if root.starts_with(&out) {
        return refuse(format!(
            "thư mục xuất `{shown}` là thư mục của trang hoặc chứa nó; loa sẽ phải xóa cả mã nguồn. Hãy dùng `output_dir: public`"
        ));
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from).filter(|h| !h.as_os_str().is_empty()) {
        let home = resolve(&home);
        if home.starts_with(&out) {
            return refuse(format!(
                "thư mục xuất `{shown}` là thư mục nhà (home) hoặc chứa nó; hãy dùng `output_dir: public`"
            ));
        }
    }
    for src in ["content", "themes", "static", "templates"] {
        let dir = root.join(src);
        if out.starts_with(&dir) {
            return refuse(format!(
                "thư mục xuất `{shown}` nằm trong {src}/ của trang; hãy dùng `output_dir: public`"
            ));
        }
    }
    if out.exists() {
        if !out.is_dir() {
            return refuse(format!("`{shown}` đã tồn tại và không phải thư mục"));
        }
        let marked = out.join(MARKER).is_file();
        let empty = std::fs::read_dir(&out).map(|mut d| d.next().is_none()).unwrap_or(false);
        if !marked && !empty && !force {
            return refuse(format!(
                "thư mục `{shown}` không do loa tạo ra (không có tệp {MARKER}) và không trống; loa không ghi đè. Hãy làm trống nó, chọn thư mục khác, hoặc dùng --force (giữ lại các tệp ẩn như .git)"
            ));
        }
    }
    Ok(out)
}

/// Checks an output key (`a/b/index.html`) cannot leave the output folder once joined.
pub fn safe_relative(key: &str) -> Option<&Path> {
    let p = Path::new(key);
    let ok = !key.is_empty()
        && !key.contains('\\')
        && !key.contains('\0')
        && p.components().all(|c| matches!(c, Component::Normal(_)));
    ok.then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_keys_cannot_escape() {
        for bad in ["../x", "/etc/passwd", "a/../../b", "a\\b", "", "./a", "a/\0"] {
            assert!(safe_relative(bad).is_none(), "{bad:?}");
        }
        assert!(safe_relative("bai-viet/x/index.html").is_some());
    }

    #[test]
    fn refuses_root_ancestors_and_source_dirs() {
        let root = Path::new("/tmp/loa-site-that-does-not-exist");
        for bad in [".", "..", "/", "content", "content/x", "themes", "static/out", "templates"] {
            let out = root.join(bad);
            assert!(check_output_dir(root, &out).is_err(), "{bad}");
        }
        assert!(check_output_dir(root, &root.join("public")).is_ok());
    }
}
