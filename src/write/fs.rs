//! File operations of the write stage that never follow a symlink found in the output: create
//! a file new (`O_NOFOLLOW`, whatever was there removed first), make a real folder, remove
//! an entry, prune a folder down to the files a manifest lists, compare a file's bytes with
//! what a build would write, copy a tree, and tell a mount point.
//!
//! Takes paths inside the output, its staging or its spare folder; must not touch anything
//! else, and must never write through a link, a FIFO or a device it meets there.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::ErrorKind;
use std::path::Path;

use rayon::prelude::*;

use super::names::MARKER;

/// True when `dir` is the root of a mounted file system (a Docker volume, a tmpfs): it cannot
/// be renamed, and its parent may be on another file system, so it is staged inside itself.
pub fn is_mount_point(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let Ok(meta) = std::fs::symlink_metadata(dir) else { return false };
        if !meta.is_dir() {
            return false;
        }
        if let Some(root) = crate::sys::is_mount_root(dir) {
            return root;
        }
        let parent = dir.parent().unwrap_or(dir);
        std::fs::metadata(parent).is_ok_and(|p| p.dev() != meta.dev())
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        false
    }
}

/// True when the open file `f` holds exactly `want` (read in blocks; stops at the first
/// difference).
pub(super) fn holds(f: &mut File, want: &[u8]) -> bool {
    use std::io::Read as _;
    let mut buf = vec![0u8; want.len().clamp(1, 1 << 16)];
    let mut at = 0;
    loop {
        match f.read(&mut buf) {
            Ok(0) => return at == want.len(),
            Ok(n) => {
                if want.get(at..at + n) != Some(&buf[..n]) {
                    return false;
                }
                at += n;
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// True when the open file `f` holds exactly the bytes of the file `from`.
pub(super) fn holds_file(f: &mut File, from: &Path) -> bool {
    use std::io::Read as _;
    let Ok(mut src) = File::open(from) else { return false };
    let mut want = vec![0u8; 1 << 16];
    loop {
        let n = match src.read(&mut want) {
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return false,
        };
        if n == 0 {
            let mut one = [0u8; 1];
            return matches!(f.read(&mut one), Ok(0));
        }
        let mut got = vec![0u8; n];
        if f.read_exact(&mut got).is_err() || got != want[..n] {
            return false;
        }
    }
}

/// Opens a file found in the output for reading: never through a symlink, and without waiting
/// (a FIFO put there would block a plain open until someone writes to it).
pub(super) fn open_nofollow(path: &Path) -> std::io::Result<File> {
    crate::sys::open_no_follow_nonblocking(std::fs::OpenOptions::new().read(true), path)
}

/// Removes whatever is at `path` (a file, a symlink: the link itself; a folder and all it
/// holds, without following symlinks in it).
pub(super) fn remove_entry(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Creates a new file at `path`, never through a symlink: whatever is there (a file edited by
/// hand, a symlink, a hard link to another file, a folder) is removed first, not written into.
pub(super) fn create_file(path: &Path) -> std::io::Result<File> {
    let open = || crate::sys::open_no_follow(std::fs::OpenOptions::new().write(true).create_new(true), path);
    match open() {
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            remove_entry(path)?;
            open()
        }
        other => other,
    }
}

/// Copies the file `from` into the new file `to`, with `from`'s permissions (as `fs::copy`).
pub(super) fn copy_into(from: &Path, to: &mut File) -> std::io::Result<()> {
    let mut src = File::open(from)?;
    std::io::copy(&mut src, to)?;
    to.set_permissions(src.metadata()?.permissions())
}

/// Creates a folder, or accepts one made meanwhile by another thread (a real one only).
pub(super) fn make_dir(path: &Path) -> std::io::Result<()> {
    match std::fs::create_dir(path) {
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            if std::fs::symlink_metadata(path)?.is_dir() {
                Ok(())
            } else {
                Err(e)
            }
        }
        other => other,
    }
}

/// Removes from a reused spare everything its manifest does not list (files someone added,
/// whatever is not a regular file or a real folder where one is expected, every symlink), so
/// that what is left is only files loa wrote, in real folders. Parallel over sub-folders.
pub(super) fn prune(root: &Path, manifest: &HashMap<String, u64>) -> std::io::Result<()> {
    let mut folders: HashSet<&str> = HashSet::new();
    for key in manifest.keys() {
        let mut k = key.as_str();
        // Ancestors deepest first: once one is known, so are all of its own.
        while let Some((parent, _)) = k.rsplit_once('/') {
            if !folders.insert(parent) {
                break;
            }
            k = parent;
        }
    }
    prune_dir(root, "", manifest, &folders)
}

pub(super) fn prune_dir(
    dir: &Path,
    rel: &str,
    manifest: &HashMap<String, u64>,
    folders: &HashSet<&str>,
) -> std::io::Result<()> {
    let mut subdirs = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let (path, kind) = (e.path(), e.file_type()?);
        let Some(name) = e.file_name().to_str().map(str::to_string) else {
            remove_entry(&path)?;
            continue;
        };
        let key = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
        if rel.is_empty() && name == MARKER && kind.is_file() {
            continue;
        }
        if kind.is_dir() && folders.contains(key.as_str()) {
            subdirs.push((path, key));
        } else if !(kind.is_file() && manifest.contains_key(&key)) {
            remove_entry(&path)?;
        }
    }
    subdirs.into_par_iter().try_for_each(|(path, key)| prune_dir(&path, &key, manifest, folders))
}

/// True when every folder from `root` (excluded) down to `path`'s parent is a real folder.
pub(super) fn real_folders_between(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let mut at = root.to_path_buf();
    let parts: Vec<_> = rel.components().collect();
    for c in &parts[..parts.len().saturating_sub(1)] {
        at.push(c);
        if !std::fs::symlink_metadata(&at).is_ok_and(|m| m.is_dir()) {
            return false;
        }
    }
    true
}

/// Makes `dir` and the folders above it, down from `staging`, real folders; false when a file
/// (a generated one) is in the way.
pub(super) fn real_folders_made(staging: &Path, dir: &Path) -> bool {
    let Ok(rel) = dir.strip_prefix(staging) else { return false };
    let mut at = staging.to_path_buf();
    for c in rel.components() {
        at.push(c);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {
                if make_dir(&at).is_err() {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

/// Copies a tree of real folders and regular files (a staging folder), not following symlinks.
pub(super) fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let kind = e.file_type()?;
        let dest = to.join(e.file_name());
        if kind.is_dir() {
            copy_tree(&e.path(), &dest)?;
        } else if kind.is_file() {
            copy_into(&e.path(), &mut create_file(&dest)?)?;
        }
    }
    Ok(())
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
    fn prune_leaves_only_listed_files_in_real_folders() {
        let tmp = tempfile::tempdir().expect("tmp");
        let (dir, elsewhere) = (tmp.path().join("spare"), tmp.path().join("elsewhere"));
        put(&elsewhere, "x.html", "của người khác");
        put(&dir, MARKER, "m");
        put(&dir, "a/b/index.html", "loa");
        put(&dir, "a/secret.txt", "lạ");
        put(&dir, "c/index.html", "loa, nhưng không còn trong danh sách");
        put(&dir, ".nojekyll", "");
        std::os::unix::fs::symlink(&elsewhere, dir.join("d")).expect("symlink");
        std::os::unix::fs::symlink(elsewhere.join("x.html"), dir.join("a/x.html")).expect("symlink");
        let manifest: HashMap<String, u64> =
            ["a/b/index.html", "d/x.html", "a/x.html"].iter().map(|k| (k.to_string(), 1)).collect();
        prune(&dir, &manifest).expect("prune");
        assert_eq!(
            files(&dir),
            [(MARKER.to_string(), "m".to_string()), ("a/b/index.html".into(), "loa".into())]
        );
        assert!(!dir.join("d").exists() && std::fs::symlink_metadata(dir.join("a/x.html")).is_err());
        assert_eq!(files(&elsewhere), [("x.html".to_string(), "của người khác".to_string())]);
    }

    #[test]
    fn a_file_is_unchanged_only_when_it_holds_exactly_the_bytes() {
        let tmp = tempfile::tempdir().expect("tmp");
        let (f, src) = (tmp.path().join("f"), tmp.path().join("src"));
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        for (on_disk, want, equal) in [
            (&b"abc"[..], &b"abc"[..], true),
            (b"abd", b"abc", false),
            (b"ab", b"abc", false),
            (b"abcd", b"abc", false),
            (b"", b"", true),
            (&big[..], &big[..], true),
        ] {
            std::fs::write(&f, on_disk).expect("write");
            std::fs::write(&src, want).expect("write");
            assert_eq!(holds(&mut File::open(&f).expect("open"), want), equal, "{}", on_disk.len());
            assert_eq!(holds_file(&mut File::open(&f).expect("open"), &src), equal, "{}", on_disk.len());
        }
        let mut edited = big.clone();
        edited[150_000] ^= 1;
        std::fs::write(&f, &edited).expect("write");
        assert!(!holds(&mut File::open(&f).expect("open"), &big));
    }
}
