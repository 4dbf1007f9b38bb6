//! Output-folder checks: which folders `loa build` may own.
//!
//! Takes the site root and the output path (and `--force`); gives the resolved output path, or
//! why it is refused (exit code 2). Also checks that an output key cannot leave the output
//! folder. Must not write, create or delete anything: it only looks.

use std::path::{Component, Path, PathBuf};

use super::lock::LOCK_FILE;
use super::names::{INSIDE_LOCK, INSIDE_STAGING, MARKER};

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
    let out = lexical(p);
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

/// Folders of the system: never an output, nor anything inside them (see `TREE_EXCEPTIONS`).
const SYSTEM_TREES: &[&str] = &[
    "/etc",
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/boot",
    "/dev",
    "/proc",
    "/sys",
    "/run",
    "/snap",
    "/nix",
    "/var/lib",
    "/var/log",
    "/var/cache",
    "/var/spool",
    "/var/mail",
    "/var/run",
    "/var/lock",
    "/var/backups",
    "/var/db",
    "/System",
    "/Library",
    "/private/etc",
    "/private/var/db",
];

/// Memory-backed folders inside `SYSTEM_TREES` that are meant for anyone's files: an output
/// may be below them (`/dev/shm/site`), not one of them.
const TREE_EXCEPTIONS: &[&str] = &["/dev/shm", "/run/shm"];

/// Folders that hold other people's or programs' folders: never an output themselves (a folder
/// inside them may be one: `/var/www/site`, `/srv/site`, `/tmp/site`).
const SHARED_FOLDERS: &[&str] = &[
    "/var",
    "/opt",
    "/srv",
    "/home",
    "/root",
    "/tmp",
    "/var/tmp",
    "/mnt",
    "/media",
    "/var/www",
    "/Users",
    "/Volumes",
    "/Applications",
    "/private",
    "/private/var",
    "/private/tmp",
];

/// The system folder that forbids `p` as an output, if any.
fn system_folder(p: &Path) -> Option<&'static str> {
    if let Some(f) = SHARED_FOLDERS.iter().find(|f| p == Path::new(f)) {
        return Some(f);
    }
    let tree = SYSTEM_TREES.iter().find(|t| p.starts_with(t))?;
    let below = |e: &str| p.starts_with(e) && p != Path::new(e);
    // `/run/user/<uid>/x`: below a user's own runtime folder.
    let user_runtime = p.starts_with("/run/user") && p.components().count() > 4;
    let excepted = TREE_EXCEPTIONS.iter().any(|e| below(e)) || user_runtime;
    (!excepted).then_some(*tree)
}

/// `..` and `.` resolved lexically, nothing followed.
fn lexical(p: &Path) -> PathBuf {
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
    out
}

/// The deepest existing ancestor of `p` (not `p` itself) when it is not a folder: a path
/// through a file can never be created.
fn file_ancestor(p: &Path) -> Option<PathBuf> {
    for a in p.ancestors().skip(1) {
        match std::fs::metadata(a) {
            Ok(m) if m.is_dir() => return None,
            Ok(_) => return Some(a.to_path_buf()),
            Err(_) => continue,
        }
    }
    None
}

/// Names loa itself puts at the top of an output folder that is a mount point (its lock and
/// its staging folder): they do not make the folder someone else's.
pub(super) fn is_internal(name: &str) -> bool {
    name == INSIDE_LOCK || name.starts_with(INSIDE_STAGING)
}

/// True when the folder holds nothing but loa's own entries (and a file system's `lost+found`
/// at the top of a mount point).
fn is_empty_output(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    let mount = super::fs::is_mount_point(dir);
    entries.flatten().all(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        is_internal(&name) || (mount && name == "lost+found")
    })
}

/// Like `check_output_dir`; with `force`, an existing folder without loa's marker is accepted
/// (its dotfiles are kept by `Staging::commit`). The path rules (root, home, sources, system
/// folders, loa's own files, paths through a file) hold whatever `force` says.
pub fn check_output_dir_with(root: &Path, out: &Path, force: bool) -> Result<PathBuf, UnsafeOutput> {
    let root = resolve(root);
    let written = lexical(out);
    let out = resolve(out);
    let shown = out.display().to_string();
    let refuse = |why: String| Err(UnsafeOutput(why));
    if out.parent().is_none() {
        return refuse(format!("thư mục xuất `{shown}` là thư mục gốc của máy; loa không ghi hay xóa ở đó"));
    }
    if let Some(system) = system_folder(&out).or_else(|| system_folder(&written)) {
        return refuse(format!(
            "thư mục xuất `{shown}` là hoặc nằm trong thư mục hệ thống `{system}`; loa không ghi hay xóa ở đó, kể cả với --force"
        ));
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
    // loa's own files in the site root: the lock exists only while a build runs.
    for own in [LOCK_FILE, crate::config::CONFIG_FILE] {
        if out.starts_with(root.join(own)) {
            return refuse(format!(
                "thư mục xuất `{shown}` là tệp {own} của loa hoặc nằm trong nó; hãy dùng `output_dir: public`"
            ));
        }
    }
    if let Some(file) = file_ancestor(&out) {
        return refuse(format!(
            "thư mục xuất `{shown}` đi qua `{}`, là một tệp chứ không phải thư mục; hãy chọn thư mục khác",
            file.display()
        ));
    }
    if out.exists() {
        if !out.is_dir() {
            return refuse(format!("`{shown}` đã tồn tại và không phải thư mục"));
        }
        let marked = out.join(MARKER).is_file();
        if !marked && !is_empty_output(&out) && !force {
            return refuse(format!(
                "thư mục `{shown}` không do loa tạo ra (không có tệp {MARKER}) và không trống; loa không ghi đè. Hãy làm trống nó, chọn thư mục khác, hoặc dùng --force (giữ lại các tệp ẩn như .git)"
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_root_ancestors_and_source_dirs() {
        let root = Path::new("/tmp/loa-site-that-does-not-exist");
        for bad in [".", "..", "/", "content", "content/x", "themes", "static/out", "templates"] {
            let out = root.join(bad);
            assert!(check_output_dir(root, &out).is_err(), "{bad}");
        }
        assert!(check_output_dir(root, &root.join("public")).is_ok());
    }

    #[test]
    fn system_folders_are_refused_and_folders_below_shared_ones_are_not() {
        for bad in [
            "/etc",
            "/etc/loa",
            "/usr",
            "/usr/share/x",
            "/bin",
            "/boot/x",
            "/dev",
            "/dev/shm",
            "/proc/1",
            "/sys",
            "/var",
            "/var/lib/x",
            "/var/log",
            "/opt",
            "/srv",
            "/home",
            "/root",
            "/tmp",
            "/mnt",
            "/run/user/0",
        ] {
            assert!(system_folder(Path::new(bad)).is_some(), "{bad}");
        }
        for ok in [
            "/var/www/site",
            "/srv/site",
            "/tmp/x/public",
            "/home/u/site/public",
            "/dev/shm/loa-bench/out",
            "/run/user/0/site",
            "/opt/site/public",
            "/mnt/disk/site",
        ] {
            assert!(system_folder(Path::new(ok)).is_none(), "{ok}");
        }
        let root = Path::new("/tmp/loa-site-that-does-not-exist");
        for bad in ["/etc/loa-x", "/usr/share/loa-x", "/tmp"] {
            assert!(check_output_dir_with(root, Path::new(bad), true).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_path_through_a_file_or_loa_s_own_files_is_refused() {
        let tmp = tempfile::tempdir().expect("tmp");
        std::fs::write(tmp.path().join("ghi-chu.txt"), "x").expect("write");
        std::fs::write(tmp.path().join("loa.yaml"), "title: T\n").expect("write");
        for bad in
            ["ghi-chu.txt/out", "ghi-chu.txt/a/b", ".loa.lock", ".loa.lock/x", "loa.yaml", "loa.yaml/x"]
        {
            let e = check_output_dir_with(tmp.path(), &tmp.path().join(bad), true);
            assert!(e.is_err(), "{bad}");
        }
        assert!(check_output_dir(tmp.path(), &tmp.path().join("public")).is_ok());
        assert!(check_output_dir(tmp.path(), &tmp.path().join("ra/public")).is_ok());
    }
}
