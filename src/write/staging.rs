//! Staging, spare, manifest and swap: how a build's files reach the output folder.
//!
//! Takes the output path (already checked by `safety`, under the locks) and the rendered files;
//! gives the new output, swapped in only when everything was written, and the previous output
//! kept as the spare the next build reuses. Must not touch anything outside the output folder
//! and its own sibling folders, and must never leave a half-written output in place.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context as _, Result, bail};
use rayon::prelude::*;

use super::{MARKER, WriteStats, process_alive, safe_relative};

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
        let Some(rest) = prefixes.iter().find_map(|p| fname.strip_prefix(p.as_str())) else {
            continue;
        };
        // `<pid>` or `<pid>-aborted`: a live process's folder is its own business.
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let live = pid.is_some_and(|p| p == std::process::id() || process_alive(p));
        if !live {
            let path = e.path();
            let removable = path.join(MARKER).is_file()
                || std::fs::read_dir(&path).map(|mut d| d.next().is_none()).unwrap_or(false);
            if removable {
                let _ = std::fs::remove_dir_all(&path);
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

/// First line of the marker file; the lines after it are the manifest (`<hash>\t<path>`).
const MARKER_TEXT: &str = "This folder is written by loa; loa replaces it on every build.\n";
/// Second line of the marker when a manifest follows.
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

/// The manifest of a folder's marker, if it has a complete one.
fn read_manifest(dir: &Path) -> Option<std::collections::HashMap<String, u64>> {
    let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
    let rest = text.strip_prefix(MARKER_TEXT)?.strip_prefix(MANIFEST_HEADER)?;
    let mut map = std::collections::HashMap::new();
    for line in rest.lines() {
        let (h, key) = line.split_once('\t')?;
        map.insert(key.to_string(), u64::from_str_radix(h, 16).ok()?);
    }
    Some(map)
}

/// The output being written while the site renders. It reuses the spare copy of the output
/// when there is one (its folders exist, and files whose bytes did not change since it was
/// written are left alone), else a fresh staging folder. `commit` swaps it in atomically; the
/// replaced output becomes the next spare. Nothing is ever half-published: until the swap the
/// visible output is the old one.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    /// Manifest of the reused spare (empty for a fresh folder).
    previous: std::collections::HashMap<String, u64>,
    /// What this build wrote (or kept): path and hash.
    written: Mutex<Vec<(String, u64)>>,
    /// Folders known to exist.
    dirs: Mutex<std::collections::HashSet<PathBuf>>,
    /// Files actually written (the others were unchanged).
    changed: std::sync::atomic::AtomicUsize,
}

impl Staging {
    /// Opens the staging folder for `out` (already checked by `check_output_dir`).
    pub fn open(out: &Path) -> Result<Staging> {
        clean_stale(out);
        let spare = spare_path(out);
        let (dir, previous) = match read_manifest(&spare) {
            Some(manifest) if spare.is_dir() => {
                // From here on the spare is being changed: mark it as without a manifest, so
                // an interrupted build is never trusted.
                std::fs::write(spare.join(MARKER), MARKER_TEXT)
                    .with_context(|| format!("ghi {}", spare.join(MARKER).display()))?;
                (spare, manifest)
            }
            _ => {
                if spare.join(MARKER).is_file() {
                    std::fs::remove_dir_all(&spare).with_context(|| format!("xóa {}", spare.display()))?;
                }
                let staging = sibling(out, "staging");
                if staging.exists() {
                    std::fs::remove_dir_all(&staging)
                        .with_context(|| format!("xóa {}", staging.display()))?;
                }
                if let Some(parent) = staging.parent() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("tạo thư mục {}", parent.display()))?;
                }
                std::fs::create_dir(&staging)
                    .with_context(|| format!("tạo thư mục {}", staging.display()))?;
                std::fs::write(staging.join(MARKER), MARKER_TEXT)
                    .with_context(|| format!("ghi {}", shown_key(out, MARKER)))?;
                (staging, std::collections::HashMap::new())
            }
        };
        {
            let mut a = active();
            if a.aborted {
                bail!("đã dừng theo yêu cầu");
            }
            a.staging = Some(dir.clone());
        }
        let mut dirs = std::collections::HashSet::new();
        dirs.insert(dir.clone());
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            previous,
            written: Mutex::new(Vec::new()),
            dirs: Mutex::new(dirs),
            changed: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    fn ensure_parent(&self, path: &Path) -> std::io::Result<()> {
        let Some(parent) = path.parent() else { return Ok(()) };
        if self.dirs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains(parent) {
            return Ok(());
        }
        if !self.dir.is_dir() {
            // Removed by an interruption: do not re-create it.
            return Err(std::io::Error::new(std::io::ErrorKind::Interrupted, "đã dừng theo yêu cầu"));
        }
        std::fs::create_dir_all(parent)?;
        self.dirs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(parent.to_path_buf());
        Ok(())
    }

    /// Writes one file unless the spare already holds exactly these bytes: the manifest has
    /// their hash and the file is there with their length (`len`). The spare was the
    /// published output until the last build; a file changed there since (a hand edit, a
    /// deploy tool) nearly always has another length, and is written again.
    fn store(
        &self,
        key: &str,
        hash: u64,
        len: u64,
        write: impl FnOnce(&Path) -> std::io::Result<()>,
    ) -> Result<(), String> {
        let rel = safe_relative(key).ok_or_else(|| format!("đường dẫn xuất không an toàn: {key}"))?;
        if active().aborted {
            return Err("đã dừng theo yêu cầu".to_string());
        }
        let path = self.dir.join(rel);
        let unchanged = self.previous.get(key) == Some(&hash)
            && std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() == len);
        if !unchanged {
            self.ensure_parent(&path)
                .and_then(|()| write(&path))
                .map_err(|e| format!("ghi {}: {e}", shown_key(&self.out, key)))?;
            self.changed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        self.written.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((key.to_string(), hash));
        Ok(())
    }

    /// Copies the static files and bundle assets, removes what the spare had and this build
    /// does not, writes the manifest, and swaps the folder in as the output.
    pub fn commit(self, copies: &std::collections::BTreeMap<String, PathBuf>) -> Result<WriteStats> {
        copies.par_iter().try_for_each(|(key, from)| {
            // Copies are recognised by the source's size and modification time, not read.
            let meta = std::fs::metadata(from).with_context(|| format!("đọc {}", from.display()))?;
            let mtime = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            let stamp = format!("{}:{:?}:{}", meta.len(), mtime, from.display());
            self.store(key, content_hash(stamp.as_bytes()), meta.len(), |to| {
                std::fs::copy(from, to).map(|_| ())
            })
            .map_err(|e| anyhow::anyhow!(e))
            .with_context(|| format!("sao chép {}", from.display()))
        })?;
        let mut written = self.written.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        written.sort();
        let keep: std::collections::HashSet<&str> = written.iter().map(|(k, _)| k.as_str()).collect();
        for key in self.previous.keys().filter(|k| !keep.contains(k.as_str())) {
            let Some(rel) = safe_relative(key) else { continue };
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
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).with_context(|| format!("xóa {}", path.display())),
            }
        }
        let mut manifest = String::with_capacity(MARKER_TEXT.len() + written.len() * 48);
        manifest.push_str(MARKER_TEXT);
        manifest.push_str(MANIFEST_HEADER);
        for (k, h) in &written {
            manifest.push_str(&format!("{h:016x}\t{k}\n"));
        }
        std::fs::write(self.dir.join(MARKER), manifest)
            .with_context(|| format!("ghi {}", shown_key(&self.out, MARKER)))?;
        if let Ok(f) = std::fs::File::open(&self.dir) {
            let _ = f.sync_all();
        }
        let copied = copies.len();
        let stats = WriteStats { written: written.len() - copied, copied };
        let mut a = active();
        a.staging = None;
        if a.aborted {
            bail!("đã dừng theo yêu cầu");
        }
        // The swap runs under the lock: an interruption waits for it to finish.
        let swapped = swap(&self.dir, &self.out);
        drop(a);
        match swapped {
            Ok(Some(old)) => {
                // The replaced output is the next build's spare.
                let spare = spare_path(&self.out);
                if spare.exists() || std::fs::rename(&old, &spare).is_err() {
                    let _ = std::fs::remove_dir_all(&old);
                }
                Ok(stats)
            }
            Ok(None) => Ok(stats),
            Err(e) => Err(e),
        }
    }

    /// Files written by this build (the others were unchanged in the spare).
    pub fn changed(&self) -> usize {
        self.changed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Gives up: removes the staging folder (a spare being rewritten is no longer trusted).
    pub fn abort(self) {
        active().staging = None;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl crate::render::Sink for Staging {
    fn put(&self, path: &str, bytes: crate::render::Bytes) -> Result<(), String> {
        self.store(path, content_hash(&bytes), bytes.len() as u64, |to| std::fs::write(to, &*bytes))
    }
}

/// `public/bai-viet/x/index.html`: how a written file is named in messages (the output folder's
/// name, not the staging folder's).
fn shown_key(out: &Path, key: &str) -> String {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    format!("{name}/{key}")
}

/// Swaps `staging` in as `out`; gives the old folder to delete (after the lock is released).
/// The old folder's top-level dotfiles (`.git`, `.gitignore`, …) move into the new output.
fn swap(staging: &Path, out: &Path) -> Result<Option<PathBuf>> {
    if !out.exists() {
        std::fs::rename(staging, out)
            .with_context(|| format!("đổi tên {} thành {}", staging.display(), out.display()))?;
        return Ok(None);
    }
    // Top-level dotfiles of the output are the user's (`.git` of a gh-pages worktree,
    // `.gitignore`, `.nojekyll`…): loa writes none but its marker, so they move into the new
    // output. For a folder loa did not create, only `--force` gets this far.
    let mut moved = Vec::new();
    {
        for e in std::fs::read_dir(out).with_context(|| format!("đọc {}", out.display()))?.flatten() {
            let name = e.file_name();
            if name.to_string_lossy().starts_with('.') && name != MARKER && !staging.join(&name).exists() {
                let to = staging.join(&name);
                match std::fs::rename(e.path(), &to) {
                    Ok(()) => moved.push((e.path(), to)),
                    Err(err) => {
                        for (from, to) in moved.iter().rev() {
                            let _ = std::fs::rename(to, from);
                        }
                        return Err(err).with_context(|| format!("giữ lại {}", e.path().display()));
                    }
                }
            }
        }
    }
    let old = sibling(out, "old");
    let put_back = |moved: &[(PathBuf, PathBuf)]| {
        for (from, to) in moved.iter().rev() {
            let _ = std::fs::rename(to, from);
        }
    };
    if let Err(e) = std::fs::rename(out, &old) {
        put_back(&moved);
        return Err(e).with_context(|| format!("đổi tên {}", out.display()));
    }
    if let Err(e) = std::fs::rename(staging, out) {
        // Put the previous output back: never leave the site without one.
        let _ = std::fs::rename(&old, out);
        put_back(&moved);
        return Err(e).with_context(|| format!("đổi tên {} thành {}", staging.display(), out.display()));
    }
    Ok(Some(old))
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
}
