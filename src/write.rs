//! Write stage: the only stage that writes. Checks the output folder is safe to own, builds
//! into a sibling staging folder, and swaps it in only when everything was written.
//!
//! Takes a `BuildOutput` and the output path; gives the number of files written and copied.
//! A failed or interrupted build leaves the previous output exactly as it was. It never deletes
//! a folder that does not carry loa's marker file.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use rayon::prelude::*;

use crate::render::BuildOutput;

/// The file that marks a folder as loa's output (safe to replace).
pub const MARKER: &str = ".loa-output";

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
        if !marked && !empty {
            return refuse(format!(
                "thư mục `{shown}` không do loa tạo ra (không có tệp {MARKER}) và không trống; loa không ghi đè. Hãy làm trống nó hoặc chọn thư mục khác"
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

/// Counts of what was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Rendered files written.
    pub written: usize,
    /// Files copied as is.
    pub copied: usize,
}

fn sibling(out: &Path, kind: &str) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.{kind}-{}", std::process::id()))
}

/// Removes staging and old folders left by an interrupted earlier build (only ones that carry
/// the marker, or are empty).
pub fn clean_stale(out: &Path) {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return;
    };
    let name = name.to_string_lossy();
    let prefixes = [format!(".{name}.staging-"), format!(".{name}.old-")];
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let fname = e.file_name().to_string_lossy().into_owned();
        let own_pid = fname.ends_with(&format!("-{}", std::process::id()));
        if prefixes.iter().any(|p| fname.starts_with(p.as_str())) && !own_pid {
            let path = e.path();
            let removable = path.join(MARKER).is_file()
                || std::fs::read_dir(&path).map(|mut d| d.next().is_none()).unwrap_or(false);
            if removable {
                let _ = std::fs::remove_dir_all(&path);
            }
        }
    }
}

/// Writes the output into a staging folder next to `out`, then swaps it in.
pub fn write_output(out: &Path, output: &BuildOutput) -> Result<WriteStats> {
    clean_stale(out);
    let staging = sibling(out, "staging");
    let result = write_tree(&staging, output);
    match result {
        Ok(stats) => {
            swap(&staging, out).inspect_err(|_| {
                let _ = std::fs::remove_dir_all(&staging);
            })?;
            Ok(stats)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            Err(e)
        }
    }
}

fn write_tree(staging: &Path, output: &BuildOutput) -> Result<WriteStats> {
    if staging.exists() {
        std::fs::remove_dir_all(staging).with_context(|| format!("xóa {}", staging.display()))?;
    }
    if let Some(parent) = staging.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("tạo thư mục {}", parent.display()))?;
    }
    std::fs::create_dir(staging).with_context(|| format!("tạo thư mục {}", staging.display()))?;
    let mut marker = std::fs::File::create(staging.join(MARKER))
        .with_context(|| format!("ghi {}", staging.join(MARKER).display()))?;
    marker.write_all(b"This folder is written by loa; loa replaces it on every build.\n")?;
    let keys: Vec<&str> = output.files.keys().chain(output.copies.keys()).map(String::as_str).collect();
    let mut dirs = BTreeSet::new();
    for key in &keys {
        let Some(rel) = safe_relative(key) else { bail!("đường dẫn xuất không an toàn: {key}") };
        if let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
            dirs.insert(parent.to_path_buf());
        }
    }
    for d in &dirs {
        let p = staging.join(d);
        std::fs::create_dir_all(&p).with_context(|| format!("tạo thư mục {}", p.display()))?;
    }
    output.files.par_iter().try_for_each(|(key, bytes)| {
        let p = staging.join(key);
        std::fs::write(&p, bytes).with_context(|| format!("ghi {}", p.display()))
    })?;
    output.copies.par_iter().try_for_each(|(key, from)| {
        let p = staging.join(key);
        std::fs::copy(from, &p)
            .map(|_| ())
            .with_context(|| format!("sao chép {} sang {}", from.display(), p.display()))
    })?;
    Ok(WriteStats { written: output.files.len(), copied: output.copies.len() })
}

fn swap(staging: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        let old = sibling(out, "old");
        std::fs::rename(out, &old).with_context(|| format!("đổi tên {}", out.display()))?;
        if let Err(e) = std::fs::rename(staging, out) {
            // Put the previous output back: never leave the site without one.
            let _ = std::fs::rename(&old, out);
            return Err(e).with_context(|| format!("đổi tên {} thành {}", staging.display(), out.display()));
        }
        std::fs::remove_dir_all(&old).with_context(|| format!("xóa {}", old.display()))?;
    } else {
        std::fs::rename(staging, out)
            .with_context(|| format!("đổi tên {} thành {}", staging.display(), out.display()))?;
    }
    Ok(())
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
