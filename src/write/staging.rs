//! Staging, spare, manifest and swap: how a build's files reach the output folder.
//!
//! Takes the output path (already checked by `safety`, under the locks of `lock`), the rendered
//! files and the `output.keep` list; gives the new output, swapped in only when everything was
//! written, and keeps the previous output as the spare the next build reuses. Must not touch
//! anything outside the output folder and its own sibling folders, must never follow a symlink
//! it finds in them (it removes the link and writes a real file or folder), and must never
//! leave a staging folder behind when it fails.
//!
//! Two layouts. Beside (the usual one): the staging folder is `.public.staging-<pid>` or the
//! spare `.public.loa-spare`, next to `public/`, and the swap exchanges the two folders in one
//! `renameat2(RENAME_EXCHANGE)` (two renames where the system has no exchange). Inside, for an
//! output folder that is a mount point (it cannot be renamed, and its parent may be another
//! file system): the staging folder is `public/.loa-staging-<pid>`, and the swap exchanges the
//! top-level entries one by one; there is no spare.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context as _, Result, bail};
use rayon::prelude::*;

use super::fs::*;
use super::lock::process_alive;
use super::manifest::*;
use super::names::{INSIDE_STAGING, MARKER, safe_relative};
use super::swap::*;
use crate::output::FileState;

/// Where a build stages its output, and how it swaps it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Beside the output folder (`.public.staging-<pid>`, `.public.loa-spare`): swapped in
    /// whole, atomically.
    Beside,
    /// Inside the output folder, which is a mount point (`public/.loa-staging-<pid>`): swapped
    /// in entry by entry.
    Inside,
}

impl Layout {
    /// The layout for the output folder `out`.
    pub fn of(out: &Path) -> Layout {
        if is_mount_point(out) { Layout::Inside } else { Layout::Beside }
    }
}

/// Removes staging and old folders left by an interrupted earlier build: beside the output
/// (only ones that carry the marker, or are empty) and inside it (`.loa-staging-<pid>`).
pub fn clean_stale(out: &Path) {
    let dead = |rest: &str| {
        // `<pid>` or `<pid>-aborted`/`-old`: a live process's folder is its own business.
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        !pid.is_some_and(|p| p == std::process::id() || process_alive(p))
    };
    if let (Some(parent), Some(name)) = (out.parent(), out.file_name()) {
        let name = name.to_string_lossy();
        let prefixes = [format!(".{name}.staging-"), format!(".{name}.old-")];
        for e in std::fs::read_dir(parent).into_iter().flatten().flatten() {
            let fname = e.file_name().to_string_lossy().into_owned();
            let Some(rest) = prefixes.iter().find_map(|p| fname.strip_prefix(p.as_str())) else {
                continue;
            };
            let path = e.path();
            let real = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
            if dead(rest) && real {
                let removable = std::fs::symlink_metadata(path.join(MARKER)).is_ok_and(|m| m.is_file())
                    || std::fs::read_dir(&path).map(|mut d| d.next().is_none()).unwrap_or(false);
                if removable {
                    let _ = std::fs::remove_dir_all(&path);
                }
            }
        }
    }
    // Inside the output: the name is loa's own (`output.keep` cannot list it).
    if std::fs::symlink_metadata(out).is_ok_and(|m| m.is_dir()) {
        for e in std::fs::read_dir(out).into_iter().flatten().flatten() {
            let fname = e.file_name().to_string_lossy().into_owned();
            if let Some(rest) = fname.strip_prefix(INSIDE_STAGING)
                && dead(rest)
            {
                let _ = remove_entry(&e.path());
            }
        }
    }
}

/// The write in progress (its staging folder), shared with `abort_staging`.
static ACTIVE: Mutex<Active> = Mutex::new(Active { staging: None, aborted: false });

struct Active {
    staging: Option<PathBuf>,
    aborted: bool,
}

fn active() -> std::sync::MutexGuard<'static, Active> {
    ACTIVE.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Called on Ctrl-C or SIGTERM: waits for a swap in progress to finish (so the output is the
/// old or the complete new one, never a mix), then removes the staging folder of a write in
/// progress and stops later writes from swapping in. Returns the removed staging folder.
/// Holds the write lock until the process exits: call it only on the way out.
pub fn abort_staging() -> Option<PathBuf> {
    let mut a = active();
    a.aborted = true;
    let staging = a.staging.take()?;
    // Rename first: writers still running find their folder gone and stop, instead of
    // re-creating files in a folder being deleted.
    let dead = staging.with_file_name(format!(
        "{}-aborted",
        staging.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    ));
    let target = if std::fs::rename(&staging, &dead).is_ok() { dead } else { staging.clone() };
    for _ in 0..3 {
        if std::fs::remove_dir_all(&target).is_ok() || !target.exists() {
            break;
        }
    }
    // Keep the lock held: the process is about to exit.
    std::mem::forget(a);
    Some(staging)
}

/// The name of the spare copy of the output: the output of the build before last, kept so
/// that the next build can reuse its folders and skip its unchanged files instead of
/// writing a whole new tree and deleting the old one.
pub fn spare_path(out: &Path) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.loa-spare"))
}

/// A fresh, empty staging folder at `dir` holding only the marker.
fn fresh_staging(dir: &Path, out: &Path) -> Result<()> {
    remove_entry(dir).with_context(|| format!("xóa {}", dir.display()))?;
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("tạo thư mục {}", parent.display()))?;
    }
    std::fs::create_dir(dir).with_context(|| format!("tạo thư mục {}", dir.display()))?;
    let marked = create_file(&dir.join(MARKER)).and_then(|mut f| f.write_all(MARKER_TEXT.as_bytes()));
    if marked.is_err() {
        // Never left behind, even half made (a full disk).
        let _ = std::fs::remove_dir_all(dir);
    }
    marked.with_context(|| format!("ghi {}", shown_key(out, MARKER)))
}

/// The staging folder beside `out`: the spare when it is a real folder with a complete
/// manifest (pruned to what that manifest lists), else a fresh one. A symlink at the spare's
/// name is removed, never followed.
fn open_beside(out: &Path) -> Result<(PathBuf, HashMap<String, u64>)> {
    let spare = spare_path(out);
    match std::fs::symlink_metadata(&spare) {
        Ok(m) if m.is_dir() => {
            if let Some(manifest) = read_manifest(&spare) {
                // From here on the spare is being changed: mark it as without a manifest, so
                // an interrupted build is never trusted.
                let marked =
                    create_file(&spare.join(MARKER)).and_then(|mut f| f.write_all(MARKER_TEXT.as_bytes()));
                marked.with_context(|| format!("ghi {}", spare.join(MARKER).display()))?;
                if prune(&spare, &manifest).is_ok() {
                    return Ok((spare, manifest));
                }
                std::fs::remove_dir_all(&spare).with_context(|| format!("xóa {}", spare.display()))?;
            } else if std::fs::symlink_metadata(spare.join(MARKER)).is_ok_and(|m| m.is_file()) {
                std::fs::remove_dir_all(&spare).with_context(|| format!("xóa {}", spare.display()))?;
            }
        }
        Ok(_) => std::fs::remove_file(&spare).with_context(|| format!("xóa {}", spare.display()))?,
        Err(_) => {}
    }
    let staging = sibling(out, "staging");
    fresh_staging(&staging, out)?;
    Ok((staging, HashMap::new()))
}

/// Counts of what was written, and the warnings of the write (kept entries that a generated
/// file replaced).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Rendered files written.
    pub written: usize,
    /// Files copied as is.
    pub copied: usize,
    /// Warnings, for the caller to print.
    pub warnings: Vec<crate::diagnostics::Diagnostic>,
}

/// The output being written while the site renders. It reuses the spare copy of the output
/// when there is one (its folders exist, and files left exactly as loa wrote them, with the
/// bytes this build would write, are left alone), else a fresh staging folder. `commit` swaps
/// it in; the replaced output becomes the next spare. Nothing is ever half-published: until the
/// swap the visible output is the old one. Dropped without a successful `commit`, it removes
/// its staging folder.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    layout: Layout,
    keep: Vec<Keep>,
    /// Manifest of the reused spare (empty for a fresh folder).
    previous: HashMap<String, u64>,
    /// What this build wrote (or kept): path and hash.
    written: Mutex<Vec<(String, u64)>>,
    /// Folders known to exist (real folders, checked or made by this build).
    dirs: Mutex<HashSet<PathBuf>>,
    /// Files actually written (the others were unchanged).
    changed: AtomicUsize,
    /// Swapped in: the folder is no longer this build's to remove.
    done: bool,
}

impl Staging {
    /// Opens the staging folder for `out` (already checked by `check_output_dir`), keeping
    /// nothing but top-level dotfiles of the previous output.
    pub fn open(out: &Path) -> Result<Staging> {
        Staging::open_keeping(out, &[])
    }

    /// `open`, also keeping the entries of the previous output that `keep` lists
    /// (`output.keep` of loa.yaml: `CNAME`, `.well-known/`).
    pub fn open_keeping(out: &Path, keep: &[String]) -> Result<Staging> {
        clean_stale(out);
        let layout = Layout::of(out);
        let (dir, previous) = match layout {
            Layout::Beside => open_beside(out)?,
            Layout::Inside => {
                let dir = out.join(format!("{INSIDE_STAGING}{}", std::process::id()));
                fresh_staging(&dir, out)?;
                (dir, HashMap::new())
            }
        };
        let staging = Staging {
            out: out.to_path_buf(),
            dir: dir.clone(),
            layout,
            keep: keep_list(keep),
            previous,
            written: Mutex::new(Vec::new()),
            dirs: Mutex::new(HashSet::from([dir.clone()])),
            changed: AtomicUsize::new(0),
            done: false,
        };
        {
            let mut a = active();
            if a.aborted {
                bail!("đã dừng theo yêu cầu");
            }
            a.staging = Some(dir);
        }
        Ok(staging)
    }

    fn known(&self, dir: &Path) -> bool {
        self.dirs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains(dir)
    }

    /// Makes every folder from the staging folder down to `path`'s parent a real folder:
    /// whatever else is on the way (a symlink, a file) is removed, never followed.
    fn ensure_parent(&self, path: &Path) -> std::io::Result<()> {
        let Some(parent) = path.parent() else { return Ok(()) };
        if self.known(parent) {
            return Ok(());
        }
        if !std::fs::symlink_metadata(&self.dir).is_ok_and(|m| m.is_dir()) {
            // Removed by an interruption: do not re-create it.
            return Err(std::io::Error::new(ErrorKind::Interrupted, "đã dừng theo yêu cầu"));
        }
        let rel =
            parent.strip_prefix(&self.dir).map_err(|_| std::io::Error::from(ErrorKind::InvalidInput))?;
        let mut at = self.dir.clone();
        for c in rel.components() {
            at.push(c);
            if self.known(&at) {
                continue;
            }
            match std::fs::symlink_metadata(&at) {
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    std::fs::remove_file(&at)?;
                    make_dir(&at)?;
                }
                Err(e) if e.kind() == ErrorKind::NotFound => make_dir(&at)?,
                Err(e) => return Err(e),
            }
            self.dirs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(at.clone());
        }
        Ok(())
    }

    /// Writes one file unless the spare already holds exactly it: the manifest has the same
    /// hash (else it changed, and is written without looking), and the file there is a regular
    /// file, opened without following a symlink, of the right size, whose bytes `same` finds to
    /// be the ones this build would write. The manifest is only a hint: a file changed there in
    /// any way since loa wrote it (a hand edit of the same length, a deploy tool, a symlink put
    /// in its place) is written again.
    fn store(
        &self,
        key: &str,
        hash: u64,
        len: u64,
        same: impl FnOnce(&mut File) -> bool,
        write: impl FnOnce(&mut File) -> std::io::Result<()>,
    ) -> Result<(), String> {
        let rel = safe_relative(key).ok_or_else(|| format!("đường dẫn xuất không an toàn: {key}"))?;
        if active().aborted {
            return Err("đã dừng theo yêu cầu".to_string());
        }
        let path = self.dir.join(rel);
        let unchanged = self.previous.get(key) == Some(&hash)
            && open_nofollow(&path).is_ok_and(|mut f| {
                f.metadata().is_ok_and(|m| m.file_type().is_file() && m.len() == len) && same(&mut f)
            });
        if !unchanged {
            self.ensure_parent(&path)
                .and_then(|()| {
                    let mut f = create_file(&path)?;
                    write(&mut f)
                })
                .map_err(|e| format!("ghi {}: {e}", shown_key(&self.out, key)))?;
            self.changed.fetch_add(1, Ordering::Relaxed);
        }
        self.written.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((key.to_string(), hash));
        Ok(())
    }

    /// Puts the copy of a file of loa's own cache (`linked`: content-addressed, never changed in
    /// place once written, checked by its cache in this build, which gives its `state`) as a
    /// hard link to it: no byte is copied, and a rebuild finds it unchanged from one look at
    /// the spare's file (the very inode the cache checked, in the very state it checked), with
    /// no look at the cache's file and no byte read. Where no link can be made (another file
    /// system, one without links) it is copied. Whatever is at its place (a file edited by
    /// hand, a link, another copy) is replaced; a cache file found changed since its check (by
    /// another process, while this build ran) is not published.
    fn link(&self, key: &str, hash: u64, from: &Path, state: FileState) -> Result<(), String> {
        let rel = safe_relative(key).ok_or_else(|| format!("đường dẫn xuất không an toàn: {key}"))?;
        if active().aborted {
            return Err("đã dừng theo yêu cầu".to_string());
        }
        let path = self.dir.join(rel);
        if file_state(&path) != Some(state) {
            let shown = |e: &dyn std::fmt::Display| format!("ghi {}: {e}", shown_key(&self.out, key));
            self.ensure_parent(&path).and_then(|()| remove_entry(&path)).map_err(|e| shown(&e))?;
            match std::fs::hard_link(from, &path) {
                Ok(()) if file_state(&path) == Some(state) => {}
                Ok(()) => {
                    let _ = std::fs::remove_file(&path);
                    return Err(shown(&"tệp trong bộ nhớ đệm ảnh đã đổi trong lúc dựng; hãy dựng lại"));
                }
                Err(_) => {
                    create_file(&path).and_then(|mut f| copy_into(from, &mut f)).map_err(|e| shown(&e))?
                }
            }
            self.changed.fetch_add(1, Ordering::Relaxed);
        }
        self.written.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((key.to_string(), hash));
        Ok(())
    }

    /// Copies the static files and bundle assets (those in `linked`, loa's own cache files, as
    /// hard links: see `link`), removes what the spare had and this build does not, writes the
    /// manifest, and swaps the folder in as the output.
    pub fn commit(
        mut self,
        copies: &std::collections::BTreeMap<String, PathBuf>,
        linked: &std::collections::BTreeMap<String, FileState>,
    ) -> Result<WriteStats> {
        copies.par_iter().try_for_each(|(key, from)| {
            // A copy's hash is that of its source's size and modification time: a source that
            // changed is copied without reading the old copy.
            let stamp = |len: u64, mtime: Option<std::time::Duration>| {
                content_hash(format!("{len}:{mtime:?}:{}", from.display()).as_bytes())
            };
            let stored = if let Some(&state) = linked.get(key) {
                // A made image: its state is the one its cache checked (no look at its file).
                let (_, _, len, ns) = state;
                let mtime = u64::try_from(ns / 1_000_000_000)
                    .ok()
                    .map(|s| std::time::Duration::new(s, u32::try_from(ns % 1_000_000_000).unwrap_or(0)));
                self.link(key, stamp(len, mtime), from, state)
            } else {
                // One look at the source (two for a symlink, which is followed and copied).
                let read = || format!("đọc {}", from.display());
                let first = std::fs::symlink_metadata(from).with_context(read)?;
                let meta = if first.file_type().is_symlink() {
                    std::fs::metadata(from).with_context(read)?
                } else {
                    first
                };
                let mtime = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
                let hash = stamp(meta.len(), mtime);
                self.store(key, hash, meta.len(), |old| holds_file(old, from), |to| copy_into(from, to))
            };
            stored.map_err(|e| anyhow::anyhow!(e)).with_context(|| format!("sao chép {}", from.display()))
        })?;
        let mut written =
            std::mem::take(&mut *self.written.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        written.sort();
        let keep: HashSet<&str> = written.iter().map(|(k, _)| k.as_str()).collect();
        for key in self.previous.keys().filter(|k| !keep.contains(k.as_str())) {
            let Some(rel) = safe_relative(key) else { continue };
            // The spare was pruned: only real folders on the way, so this removes only loa's file.
            let path = self.dir.join(rel);
            match std::fs::remove_file(&path) {
                Ok(()) => {
                    // Remove folders left empty (a page that moved), up to the output root.
                    let mut parent = path.parent();
                    while let Some(p) = parent.filter(|p| *p != self.dir) {
                        if std::fs::remove_dir(p).is_err() {
                            break;
                        }
                        parent = p.parent();
                    }
                }
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(e).with_context(|| format!("xóa {}", path.display())),
            }
        }
        create_file(&self.dir.join(MARKER))
            .and_then(|mut f| f.write_all(manifest_text(&written).as_bytes()))
            .with_context(|| format!("ghi {}", shown_key(&self.out, MARKER)))?;
        if let Ok(f) = File::open(&self.dir) {
            let _ = f.sync_all();
        }
        let copied = copies.len();
        let mut stats = WriteStats { written: written.len() - copied, copied, warnings: Vec::new() };
        let mut a = active();
        a.staging = None;
        if a.aborted {
            bail!("đã dừng theo yêu cầu");
        }
        // The swap runs under the lock: an interruption waits for it to finish.
        let swapped = match self.layout {
            Layout::Beside => swap_beside(&self.dir, &self.out, &self.keep),
            Layout::Inside => swap_inside(&self.dir, &self.out, &self.keep),
        };
        drop(a);
        let swapped = swapped?;
        self.done = true;
        stats.warnings = swapped.warnings;
        match (self.layout, swapped.old) {
            (Layout::Beside, Some(old)) => {
                // The replaced output is the next build's spare (it is already when the spare
                // was the staging folder).
                let spare = spare_path(&self.out);
                if old != spare
                    && (std::fs::symlink_metadata(&spare).is_ok() || std::fs::rename(&old, &spare).is_err())
                {
                    let _ = std::fs::remove_dir_all(&old);
                }
            }
            (Layout::Inside, Some(old)) => {
                let _ = std::fs::remove_dir_all(&old);
            }
            (_, None) => {}
        }
        if swapped.staging_left {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        Ok(stats)
    }

    /// Files written by this build (the others were unchanged in the spare).
    pub fn changed(&self) -> usize {
        self.changed.load(Ordering::Relaxed)
    }

    /// Gives up: removes the staging folder (a spare being rewritten is no longer trusted).
    pub fn abort(self) {}
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        {
            let mut a = active();
            if a.staging.as_deref() == Some(self.dir.as_path()) {
                a.staging = None;
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl crate::output::Sink for Staging {
    fn put(&self, path: &str, bytes: crate::output::Bytes) -> Result<(), String> {
        self.store(
            path,
            content_hash(&bytes),
            bytes.len() as u64,
            |old| holds(old, &bytes),
            |to| to.write_all(&bytes),
        )
    }
}

/// The state of a regular file (a symlink or anything else at `path` has none).
fn file_state(path: &Path) -> Option<FileState> {
    use std::os::unix::fs::MetadataExt as _;
    let m = std::fs::symlink_metadata(path).ok().filter(std::fs::Metadata::is_file)?;
    Some((m.dev(), m.ino(), m.size(), i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec())))
}

/// `public/bai-viet/x/index.html`: how a written file is named in messages (the output folder's
/// name, not the staging folder's).
fn shown_key(out: &Path, key: &str) -> String {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    format!("{name}/{key}")
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
    fn a_failed_commit_leaves_no_staging_folder_and_the_output_as_it_was() {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("public");
        put(&out, MARKER, "marker\n");
        put(&out, "index.html", "cũ");
        let staging = Staging::open(&out).expect("open");
        crate::output::Sink::put(&staging, "index.html", crate::output::Bytes::new(b"new".to_vec()))
            .expect("put");
        let copies =
            std::collections::BTreeMap::from([("a.css".to_string(), tmp.path().join("khong-co.css"))]);
        assert!(staging.commit(&copies, &Default::default()).is_err());
        let names: Vec<String> = std::fs::read_dir(tmp.path())
            .expect("read")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["public"], "left behind");
        assert_eq!(
            files(&out),
            [(MARKER.to_string(), "marker\n".to_string()), ("index.html".into(), "cũ".into())]
        );
    }
}
