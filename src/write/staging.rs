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
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context as _, Result, bail};
use rayon::prelude::*;

use super::safety::is_internal;
use super::{INSIDE_STAGING, MARKER, WriteStats, process_alive, safe_relative};
use crate::diagnostics::{Diagnostic, Location};

fn sibling(out: &Path, kind: &str) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.{kind}-{}", std::process::id()))
}

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
        #[cfg(target_os = "linux")]
        if let Some(root) = statx_mount_root(dir) {
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

/// `STATX_ATTR_MOUNT_ROOT` of `dir` (Linux 5.8 and later; also true for a bind mount of a
/// folder of the same file system), or `None` where the kernel does not tell.
#[cfg(target_os = "linux")]
fn statx_mount_root(dir: &Path) -> Option<bool> {
    use std::os::unix::ffi::OsStrExt as _;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: `statx` is zero-initialisable plain data; the path is a valid C string.
    let mut stx: libc::statx = unsafe { std::mem::zeroed() };
    let rc = unsafe {
        libc::statx(
            libc::AT_FDCWD,
            path.as_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
            libc::STATX_BASIC_STATS,
            &mut stx,
        )
    };
    let flag = libc::STATX_ATTR_MOUNT_ROOT as u64;
    (rc == 0 && stx.stx_attributes_mask & flag != 0).then_some(stx.stx_attributes & flag != 0)
}

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

/// First line of the marker file; the lines after it are the manifest.
const MARKER_TEXT: &str = "This folder is written by loa; loa replaces it on every build.\n";
/// Second line of the marker when a manifest follows: then one line per file loa wrote,
/// `<hash>\t<path>` (the hash of the bytes written, or of a copied file's source size,
/// modification time and path). Same site, same manifest: the marker is deployed with the site.
const MANIFEST_HEADER: &str = "manifest v1\n";

/// A fast 64-bit hash of a file's bytes (with its length): equal hashes mean "unchanged since
/// the spare was written". Not cryptographic; a mismatch only costs a rewrite. Four lanes take
/// one word each of every 32 bytes, so their multiplications overlap (the hash of every output
/// byte was 1.3% of a 10,000-article build's time with one lane).
fn content_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let word = |c: &[u8]| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
    let step = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let mut lanes: [u64; 4] = [bytes.len() as u64 ^ K, 1, 2, 3];
    let mut blocks = bytes.chunks_exact(32);
    for b in &mut blocks {
        for (lane, c) in lanes.iter_mut().zip(b.chunks_exact(8)) {
            *lane = step(*lane, word(c));
        }
    }
    let mut h = lanes.iter().fold(0, |h, &lane| step(h, lane));
    let mut words = blocks.remainder().chunks_exact(8);
    for c in &mut words {
        h = step(h, word(c));
    }
    for &b in words.remainder() {
        h = step(h, u64::from(b));
    }
    h ^ (h >> 29)
}

/// The manifest of a folder's marker, if it has a complete one (read without following a
/// symlink at the marker's name). It tells which files loa wrote there and with which hash; it
/// is not trusted for their contents (see `Staging::store`).
fn read_manifest(dir: &Path) -> Option<HashMap<String, u64>> {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut open_nofollow(&dir.join(MARKER)).ok()?, &mut text).ok()?;
    let rest = text.strip_prefix(MARKER_TEXT)?.strip_prefix(MANIFEST_HEADER)?;
    let mut map = HashMap::new();
    for line in rest.lines() {
        let (h, key) = line.split_once('\t')?;
        map.insert(key.to_string(), u64::from_str_radix(h, 16).ok()?);
    }
    Some(map)
}

fn manifest_text(written: &[(String, u64)]) -> String {
    let mut text = String::with_capacity(MARKER_TEXT.len() + written.len() * 48);
    text.push_str(MARKER_TEXT);
    text.push_str(MANIFEST_HEADER);
    for (k, h) in written {
        let _ = writeln!(text, "{h:016x}\t{k}");
    }
    text
}

/// True when the open file `f` holds exactly `want` (read in blocks; stops at the first
/// difference).
fn holds(f: &mut File, want: &[u8]) -> bool {
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
fn holds_file(f: &mut File, from: &Path) -> bool {
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
fn open_nofollow(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Removes whatever is at `path` (a file, a symlink: the link itself; a folder and all it
/// holds, without following symlinks in it).
fn remove_entry(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Creates a new file at `path`, never through a symlink: whatever is there (a file edited by
/// hand, a symlink, a hard link to another file, a folder) is removed first, not written into.
fn create_file(path: &Path) -> std::io::Result<File> {
    let open = || {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
        }
        options.open(path)
    };
    match open() {
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            remove_entry(path)?;
            open()
        }
        other => other,
    }
}

/// Copies the file `from` into the new file `to`, with `from`'s permissions (as `fs::copy`).
fn copy_into(from: &Path, to: &mut File) -> std::io::Result<()> {
    let mut src = File::open(from)?;
    std::io::copy(&mut src, to)?;
    to.set_permissions(src.metadata()?.permissions())
}

/// Creates a folder, or accepts one made meanwhile by another thread (a real one only).
fn make_dir(path: &Path) -> std::io::Result<()> {
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
fn prune(root: &Path, manifest: &HashMap<String, u64>) -> std::io::Result<()> {
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

fn prune_dir(
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

/// One `output.keep` entry: a path in the output folder, a folder when written with a `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Keep {
    path: String,
    written: String,
}

fn keep_list(entries: &[String]) -> Vec<Keep> {
    entries
        .iter()
        .filter(|e| crate::config::keep_entry_error(e).is_none())
        .map(|e| Keep { path: e.trim_end_matches('/').to_string(), written: e.clone() })
        .collect()
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

    /// Copies the static files and bundle assets, removes what the spare had and this build
    /// does not, writes the manifest, and swaps the folder in as the output.
    pub fn commit(mut self, copies: &std::collections::BTreeMap<String, PathBuf>) -> Result<WriteStats> {
        copies.par_iter().try_for_each(|(key, from)| {
            // A copy's hash is that of its source's size and modification time: a source that
            // changed is copied without reading the old copy.
            let meta = std::fs::metadata(from).with_context(|| format!("đọc {}", from.display()))?;
            let mtime = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            let stamp = format!("{}:{:?}:{}", meta.len(), mtime, from.display());
            let hash = content_hash(stamp.as_bytes());
            self.store(key, hash, meta.len(), |old| holds_file(old, from), |to| copy_into(from, to))
                .map_err(|e| anyhow::anyhow!(e))
                .with_context(|| format!("sao chép {}", from.display()))
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

/// `public/bai-viet/x/index.html`: how a written file is named in messages (the output folder's
/// name, not the staging folder's).
fn shown_key(out: &Path, key: &str) -> String {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    format!("{name}/{key}")
}

/// What a swap did.
#[derive(Debug, Default)]
struct Swapped {
    /// The folder now holding the previous output (to become the spare, or to delete).
    old: Option<PathBuf>,
    /// The staging folder is still there (its contents were copied in instead): remove it.
    staging_left: bool,
    /// The swap exchanged two folders in one step (`renameat2(RENAME_EXCHANGE)`); read by the
    /// tests, which check that this is the path taken on Linux.
    #[cfg_attr(not(test), allow(dead_code))]
    exchanged: bool,
    /// Entries of `output.keep` that a generated file replaced.
    warnings: Vec<Diagnostic>,
}

/// Exchanges the two paths in one step (both stay, each under the other's name).
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
        let (a, b) = (c(a)?, c(b)?);
        // SAFETY: two valid C strings, alive for the call.
        let rc = unsafe {
            libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE)
        };
        if rc == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Err(std::io::Error::from(ErrorKind::Unsupported))
    }
}

/// The system or file system has no exchange: fall back to two renames.
fn no_exchange(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS | libc::ENOTSUP)) {
        return true;
    }
    e.kind() == ErrorKind::Unsupported
}

/// The output cannot be renamed (a mount point that was not recognised as one) or lives on
/// another file system than its staging folder.
fn across_mounts(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    if matches!(e.raw_os_error(), Some(libc::EBUSY | libc::EXDEV)) {
        return true;
    }
    let _ = e;
    false
}

/// Renames made by a swap, undone in reverse order when it fails.
#[derive(Default)]
struct Undo(Vec<(PathBuf, PathBuf, bool)>);

impl Undo {
    fn renamed(&mut self, from: PathBuf, to: PathBuf) {
        self.0.push((from, to, false));
    }
    fn exchanged(&mut self, a: PathBuf, b: PathBuf) {
        self.0.push((a, b, true));
    }
    fn run(self) {
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
fn carry_over(
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

/// True when every folder from `root` (excluded) down to `path`'s parent is a real folder.
fn real_folders_between(root: &Path, path: &Path) -> bool {
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

/// Moves the kept entry `from` to `to` in the staging folder, merging folders; records in
/// `replaced` the kept paths a generated file or folder took.
fn merge(
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

/// Makes `dir` and the folders above it, down from `staging`, real folders; false when a file
/// (a generated one) is in the way.
fn real_folders_made(staging: &Path, dir: &Path) -> bool {
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

/// Swaps the staging folder in as `out`, beside it: one exchange of the two folders (two
/// renames where there is none). Gives the folder holding the old output. The old output's
/// top-level dotfiles and kept entries move into the new output first.
fn swap_beside(staging: &Path, out: &Path, keep: &[Keep]) -> Result<Swapped> {
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

/// Copies a tree of real folders and regular files (a staging folder), not following symlinks.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
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

/// Swaps the staging folder's entries in, inside `out` (a mount point), one top-level entry at
/// a time: the marker first, then each entry exchanged with the old one of the same name (or
/// renamed in); the old output's other entries, except its dotfiles and loa's own, move into
/// the staging folder, which then holds the whole old output (given back, to delete).
fn swap_inside(staging: &Path, out: &Path, keep: &[Keep]) -> Result<Swapped> {
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

    #[test]
    fn content_hash_tells_apart_lengths_orders_and_single_bytes() {
        let base: Vec<u8> = (0..200u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut seen = std::collections::HashSet::new();
        for len in 0..base.len() {
            assert!(seen.insert(content_hash(&base[..len])), "prefix of {len} bytes");
        }
        for at in 0..base.len() {
            let mut changed = base.clone();
            changed[at] ^= 1;
            assert_ne!(content_hash(&changed), content_hash(&base), "byte {at}");
        }
        // The same words in other lanes (a swap of two 8-byte words of one 32-byte block).
        let mut swapped = base.clone();
        swapped[..16].rotate_left(8);
        assert_ne!(content_hash(&swapped), content_hash(&base));
    }

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
        assert!(staging.commit(&copies).is_err());
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
    fn the_manifest_reads_back_what_was_written_and_is_the_same_for_the_same_files() {
        let tmp = tempfile::tempdir().expect("tmp");
        let written = vec![("a b/index.html".to_string(), 0xabc), ("x".to_string(), 7)];
        assert_eq!(manifest_text(&written), manifest_text(&written.clone()));
        std::fs::write(tmp.path().join(MARKER), manifest_text(&written)).expect("write");
        let back = read_manifest(tmp.path()).expect("manifest");
        assert_eq!(back.len(), 2);
        assert_eq!((back["a b/index.html"], back["x"]), (0xabc, 7));
        std::fs::write(tmp.path().join(MARKER), MARKER_TEXT).expect("write");
        assert!(read_manifest(tmp.path()).is_none(), "a marker without a manifest is not one");
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
}
