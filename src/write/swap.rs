//! The swap: how a staging folder becomes the output. Beside the output, the two folders are
//! exchanged in one `renameat2(RENAME_EXCHANGE)` (two renames where the system has none);
//! inside a mount point, the top-level entries are exchanged one by one. The previous
//! output's top-level dotfiles and the `output.keep` entries move into the new output.
//!
//! Takes a complete staging folder; gives the replaced output, or leaves everything as it was.

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use super::fs::*;
use super::names::{INSIDE_STAGING, MARKER};
use super::safety::is_internal;
use crate::diagnostics::{Diagnostic, Location};
#[cfg(unix)]
use crate::sys::errno;
use crate::sys::exchange;

/// The name of a sibling folder of the output for this process: `.public.<kind>-<pid>`.
pub(super) fn sibling(out: &Path, kind: &str) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.{kind}-{}", std::process::id()))
}

/// One `output.keep` entry (`CNAME`, `.well-known/`): a path in the output folder, a folder
/// when written with a `/`, kept from the previous output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Keep {
    pub(super) path: String,
    pub(super) written: String,
}

pub(super) fn keep_list(entries: &[String]) -> Vec<Keep> {
    entries
        .iter()
        .filter(|e| crate::config::keep_entry_error(e).is_none())
        .map(|e| Keep { path: e.trim_end_matches('/').to_string(), written: e.clone() })
        .collect()
}

/// What a swap did.
#[derive(Debug, Default)]
pub(super) struct Swapped {
    /// The folder now holding the previous output (to become the spare, or to delete).
    pub(super) old: Option<PathBuf>,
    /// The staging folder is still there (its contents were copied in instead): remove it.
    pub(super) staging_left: bool,
    /// The swap exchanged two folders in one step (`renameat2(RENAME_EXCHANGE)`); read by the
    /// tests, which check that this is the path taken on Linux.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) exchanged: bool,
    /// Entries of `output.keep` that a generated file replaced.
    pub(super) warnings: Vec<Diagnostic>,
}

/// The system or file system has no exchange: fall back to two renames.
pub(super) fn no_exchange(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    if matches!(e.raw_os_error(), Some(errno::EINVAL | errno::ENOSYS | errno::ENOTSUP)) {
        return true;
    }
    e.kind() == ErrorKind::Unsupported
}

/// The output cannot be renamed (a mount point that was not recognised as one) or lives on
/// another file system than its staging folder.
pub(super) fn across_mounts(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    if matches!(e.raw_os_error(), Some(errno::EBUSY | errno::EXDEV)) {
        return true;
    }
    let _ = e;
    false
}

/// Renames made by a swap, undone in reverse order when it fails.
#[derive(Default)]
pub(super) struct Undo(Vec<(PathBuf, PathBuf, bool)>);

impl Undo {
    fn renamed(&mut self, from: PathBuf, to: PathBuf) {
        self.0.push((from, to, false));
    }
    fn exchanged(&mut self, a: PathBuf, b: PathBuf) {
        self.0.push((a, b, true));
    }
    pub(super) fn run(self) {
        for (from, to, both) in self.0.into_iter().rev() {
            let _ = if both { exchange(&from, &to) } else { std::fs::rename(&to, &from) };
        }
    }
}

/// Moves into `staging` what the new output keeps of the old one at `out`: its top-level
/// dotfiles (`.git`, `.gitignore`; with `dotfiles`) and the `keep` entries. A kept folder whose
/// path the build also generates is merged into it file by file; where a generated file has
/// the path of a kept one, the generated one wins, with a warning. Kept paths are never looked
/// up through a symlink.
pub(super) fn carry_over(
    out: &Path,
    staging: &Path,
    keep: &[Keep],
    dotfiles: bool,
    undo: &mut Undo,
) -> Result<Vec<Diagnostic>> {
    if dotfiles {
        for e in std::fs::read_dir(out).with_context(|| format!("đọc {}", out.display()))?.flatten() {
            let name = e.file_name();
            let shown = name.to_string_lossy();
            if !shown.starts_with('.') || shown == MARKER || is_internal(&shown) {
                continue;
            }
            let to = staging.join(&name);
            if std::fs::symlink_metadata(&to).is_ok() {
                continue;
            }
            std::fs::rename(e.path(), &to).with_context(|| format!("giữ lại {}", e.path().display()))?;
            undo.renamed(e.path(), to);
        }
    }
    let mut warnings = Vec::new();
    for k in keep {
        let from = out.join(&k.path);
        if !real_folders_between(out, &from) || std::fs::symlink_metadata(&from).is_err() {
            continue;
        }
        let mut replaced = Vec::new();
        merge(&from, &staging.join(&k.path), staging, &k.path, undo, &mut replaced)
            .with_context(|| format!("giữ lại {}", from.display()))?;
        if let Some(first) = replaced.first() {
            let more = if replaced.len() > 1 {
                format!(" (và {} tệp khác)", replaced.len() - 1)
            } else {
                String::new()
            };
            warnings.push(
                Diagnostic::warning(
                    "output-keep",
                    Location::file(crate::config::CONFIG_FILE),
                    format!(
                        "`{first}`{more} thuộc `output.keep` (`{}`) nhưng trùng với tệp loa tạo ra; tệp loa tạo ra được dùng",
                        k.written
                    ),
                )
                .with_hint(format!(
                    "bỏ `{}` khỏi `output.keep`, hoặc bỏ tệp cùng đường dẫn trong static/ hay content/",
                    k.written
                )),
            );
        }
    }
    Ok(warnings)
}

/// Moves the kept entry `from` to `to` in the staging folder, merging folders; records in
/// `replaced` the kept paths a generated file or folder took.
pub(super) fn merge(
    from: &Path,
    to: &Path,
    staging: &Path,
    shown: &str,
    undo: &mut Undo,
    replaced: &mut Vec<String>,
) -> std::io::Result<()> {
    match std::fs::symlink_metadata(to) {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            // Real folders in the staging folder on the way; a generated file there wins.
            if !to.parent().is_some_and(|p| real_folders_made(staging, p)) {
                replaced.push(shown.to_string());
                return Ok(());
            }
            std::fs::rename(from, to)?;
            undo.renamed(from.to_path_buf(), to.to_path_buf());
            Ok(())
        }
        Err(e) => Err(e),
        Ok(m) if m.is_dir() && std::fs::symlink_metadata(from)?.is_dir() => {
            for e in std::fs::read_dir(from)? {
                let name = e?.file_name();
                let shown = format!("{shown}/{}", name.to_string_lossy());
                merge(&from.join(&name), &to.join(&name), staging, &shown, undo, replaced)?;
            }
            Ok(())
        }
        Ok(_) => {
            replaced.push(shown.to_string());
            Ok(())
        }
    }
}

/// Swaps the staging folder in as `out`, beside it: one exchange of the two folders (two
/// renames where there is none). Gives the folder holding the old output. The old output's
/// top-level dotfiles and kept entries move into the new output first.
pub(super) fn swap_beside(staging: &Path, out: &Path, keep: &[Keep]) -> Result<Swapped> {
    if std::fs::symlink_metadata(out).is_err() {
        std::fs::rename(staging, out)
            .with_context(|| format!("đổi tên {} thành {}", staging.display(), out.display()))?;
        return Ok(Swapped::default());
    }
    let mut undo = Undo::default();
    let warnings = match carry_over(out, staging, keep, true, &mut undo) {
        Ok(w) => w,
        Err(e) => {
            undo.run();
            return Err(e);
        }
    };
    match exchange(staging, out) {
        Ok(()) => {
            return Ok(Swapped {
                old: Some(staging.to_path_buf()),
                exchanged: true,
                warnings,
                ..Swapped::default()
            });
        }
        Err(e) if no_exchange(&e) => {}
        Err(e) if across_mounts(&e) => {
            // `out` is a mount point after all: copy the new output inside it, and swap there.
            undo.run();
            let inside = out.join(format!("{INSIDE_STAGING}{}", std::process::id()));
            let swapped = copy_tree(staging, &inside)
                .with_context(|| format!("sao chép vào {}", inside.display()))
                .and_then(|()| swap_inside(&inside, out, keep));
            if swapped.is_err() {
                let _ = std::fs::remove_dir_all(&inside);
            }
            return swapped.map(|s| Swapped { staging_left: true, ..s });
        }
        Err(e) => {
            undo.run();
            return Err(e).with_context(|| format!("đổi chỗ {} và {}", staging.display(), out.display()));
        }
    }
    let old = sibling(out, "old");
    if let Err(e) = std::fs::rename(out, &old) {
        undo.run();
        return Err(e).with_context(|| format!("đổi tên {}", out.display()));
    }
    if let Err(e) = std::fs::rename(staging, out) {
        // Put the previous output back: never leave the site without one.
        let _ = std::fs::rename(&old, out);
        undo.run();
        return Err(e).with_context(|| format!("đổi tên {} thành {}", staging.display(), out.display()));
    }
    Ok(Swapped { old: Some(old), warnings, ..Swapped::default() })
}

/// Swaps the staging folder's entries in, inside `out` (a mount point), one top-level entry at
/// a time: the marker first, then each entry exchanged with the old one of the same name (or
/// renamed in); the old output's other entries, except its dotfiles and loa's own, move into
/// the staging folder, which then holds the whole old output (given back, to delete).
pub(super) fn swap_inside(staging: &Path, out: &Path, keep: &[Keep]) -> Result<Swapped> {
    let mut undo = Undo::default();
    let warnings = match carry_over(out, staging, keep, false, &mut undo) {
        Ok(w) => w,
        Err(e) => {
            undo.run();
            return Err(e);
        }
    };
    let mut names: Vec<OsString> = match std::fs::read_dir(staging) {
        Ok(d) => d.flatten().map(|e| e.file_name()).collect(),
        Err(e) => {
            undo.run();
            return Err(e).with_context(|| format!("đọc {}", staging.display()));
        }
    };
    names.sort_by_key(|n| (n != MARKER, n.clone()));
    let mut trash: Option<PathBuf> = None;
    for name in &names {
        let (from, to) = (staging.join(name), out.join(name));
        let step = match std::fs::symlink_metadata(&to) {
            Err(e) if e.kind() == ErrorKind::NotFound => {
                std::fs::rename(&from, &to).map(|()| undo.renamed(from.clone(), to.clone()))
            }
            Err(e) => Err(e),
            Ok(_) => match exchange(&from, &to) {
                Ok(()) => {
                    undo.exchanged(from.clone(), to.clone());
                    Ok(())
                }
                Err(e) if no_exchange(&e) => {
                    // Two renames: the old entry into a folder beside the staging one first.
                    let bin = trash.get_or_insert_with(|| {
                        let name =
                            staging.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                        staging.with_file_name(format!("{name}-old"))
                    });
                    let held =
                        std::fs::create_dir_all(&*bin).and_then(|()| std::fs::rename(&to, bin.join(name)));
                    held.map(|()| undo.renamed(to.clone(), bin.join(name))).and_then(|()| {
                        std::fs::rename(&from, &to).map(|()| undo.renamed(from.clone(), to.clone()))
                    })
                }
                Err(e) => Err(e),
            },
        };
        if let Err(e) = step {
            undo.run();
            if let Some(bin) = &trash {
                let _ = std::fs::remove_dir_all(bin);
            }
            return Err(e)
                .with_context(|| format!("đổi chỗ {} trong {}", name.to_string_lossy(), out.display()));
        }
    }
    // The old output's own entries: into the staging folder, deleted with it. Dotfiles (`.git`)
    // and a file system's `lost+found` stay where they are.
    if let Some(bin) = trash {
        for e in std::fs::read_dir(&bin).into_iter().flatten().flatten() {
            let _ = std::fs::rename(e.path(), staging.join(e.file_name()));
        }
        let _ = std::fs::remove_dir_all(&bin);
    }
    let new: HashSet<&OsString> = names.iter().collect();
    let mut left = Vec::new();
    for e in std::fs::read_dir(out).with_context(|| format!("đọc {}", out.display()))?.flatten() {
        let name = e.file_name();
        let shown = name.to_string_lossy();
        if new.contains(&name) || shown.starts_with('.') || shown == "lost+found" {
            continue;
        }
        if std::fs::rename(e.path(), staging.join(&name)).is_err() && remove_entry(&e.path()).is_err() {
            left.push(shown.into_owned());
        }
    }
    if !left.is_empty() {
        bail!("không xóa được khỏi {}: {}", out.display(), left.join(", "));
    }
    Ok(Swapped { old: Some(staging.to_path_buf()), warnings, ..Swapped::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    fn files(dir: &Path) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).expect("prefix").to_string_lossy().into_owned();
                (rel, std::fs::read_to_string(e.path()).expect("read"))
            })
            .collect();
        out.sort();
        out
    }

    #[cfg(unix)]
    #[test]
    fn the_inside_swap_replaces_entries_and_keeps_dotfiles() {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("public");
        put(&out, MARKER, "cũ");
        put(&out, "index.html", "cũ");
        put(&out, "cu/index.html", "cũ");
        put(&out, ".nojekyll", "");
        put(&out, "lost+found/x", "fs");
        let staging = out.join(format!("{INSIDE_STAGING}1"));
        put(&staging, MARKER, "mới");
        put(&staging, "index.html", "mới");
        put(&staging, "moi/index.html", "mới");
        let swapped = swap_inside(&staging, &out, &[]).expect("swap");
        assert_eq!(swapped.old.as_deref(), Some(staging.as_path()));
        std::fs::remove_dir_all(&staging).expect("rm");
        assert_eq!(
            files(&out),
            [
                (".loa-output".to_string(), "mới".to_string()),
                (".nojekyll".into(), String::new()),
                ("index.html".into(), "mới".into()),
                ("lost+found/x".into(), "fs".into()),
                ("moi/index.html".into(), "mới".into()),
            ]
        );
    }

    #[test]
    fn a_staging_folder_copied_inside_the_output_swaps_in_as_well() {
        // The path taken when the output turns out to be a mount point only at the swap.
        let tmp = tempfile::tempdir().expect("tmp");
        let (out, beside) = (tmp.path().join("public"), tmp.path().join(".public.staging-1"));
        put(&out, MARKER, "cũ");
        put(&out, "index.html", "cũ");
        put(&beside, MARKER, "mới");
        put(&beside, "a/b/index.html", "mới");
        let inside = out.join(format!("{INSIDE_STAGING}1"));
        copy_tree(&beside, &inside).expect("copy");
        swap_inside(&inside, &out, &[]).expect("swap");
        std::fs::remove_dir_all(&inside).expect("rm");
        assert_eq!(
            files(&out),
            [(MARKER.to_string(), "mới".to_string()), ("a/b/index.html".into(), "mới".into())]
        );
    }
    #[cfg(unix)]
    #[test]
    fn the_swap_exchanges_the_folders_and_the_old_one_holds_the_previous_output() {
        use std::os::unix::fs::MetadataExt as _;
        let tmp = tempfile::tempdir().expect("tmp");
        let (out, staging) = (tmp.path().join("public"), tmp.path().join(".public.staging-1"));
        put(&out, "index.html", "cũ");
        put(&out, ".git/HEAD", "ref");
        put(&staging, "index.html", "mới");
        put(&staging, "bai-viet/index.html", "mới");
        let (old_inode, new_inode) = (
            std::fs::metadata(&out).expect("out").ino(),
            std::fs::metadata(&staging).expect("staging").ino(),
        );
        let swapped = swap_beside(&staging, &out, &[]).expect("swap");
        assert_eq!(swapped.old.as_deref(), Some(staging.as_path()));
        assert_eq!(
            files(&out),
            [
                (".git/HEAD".to_string(), "ref".to_string()),
                ("bai-viet/index.html".into(), "mới".into()),
                ("index.html".into(), "mới".into())
            ]
        );
        assert_eq!(files(&staging), [("index.html".to_string(), "cũ".to_string())]);
        assert_eq!(std::fs::metadata(&out).expect("out").ino(), new_inode);
        assert_eq!(std::fs::metadata(&staging).expect("old").ino(), old_inode);
        // On Linux the one-step exchange is the path taken (ext4, tmpfs, btrfs, xfs have it).
        assert_eq!(swapped.exchanged, cfg!(target_os = "linux"));
    }

    #[test]
    fn kept_entries_move_into_the_new_output_and_a_generated_file_wins() {
        let tmp = tempfile::tempdir().expect("tmp");
        let (out, staging) = (tmp.path().join("public"), tmp.path().join("staging"));
        put(&out, "CNAME", "cũ");
        put(&out, "tai-lieu/a.pdf", "pdf");
        put(&out, "bai-viet/ban-in/a.pdf", "in");
        put(&out, "bai-viet/ban-in/index.html", "tay");
        put(&out, "robots.txt", "tay");
        put(&staging, "bai-viet/ban-in/index.html", "loa");
        put(&staging, "robots.txt", "loa");
        let keep = keep_list(&[
            "CNAME".into(),
            "tai-lieu/".into(),
            "bai-viet/ban-in/".into(),
            "robots.txt".into(),
            "khong-co/".into(),
        ]);
        let mut undo = Undo::default();
        let warnings = carry_over(&out, &staging, &keep, true, &mut undo).expect("carry");
        assert_eq!(
            files(&staging),
            [
                ("CNAME".to_string(), "cũ".to_string()),
                ("bai-viet/ban-in/a.pdf".into(), "in".into()),
                ("bai-viet/ban-in/index.html".into(), "loa".into()),
                ("robots.txt".into(), "loa".into()),
                ("tai-lieu/a.pdf".into(), "pdf".into()),
            ]
        );
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings.iter().all(|w| w.message.contains("output.keep")));
        // Undone: everything back where it was.
        undo.run();
        assert_eq!(files(&out).len(), 5);
    }
}
