//! Write stage: the only stage that writes. Checks the output folder is safe to own, builds
//! into a sibling staging folder, and swaps it in only when everything was written.
//!
//! Takes a `BuildOutput` and the output path; gives the number of files written and copied.
//! A failed or interrupted build leaves the previous output exactly as it was. It never deletes
//! a folder that does not carry loa's marker file (unless `--force` says so, and then it keeps
//! the folder's dotfiles: `.git`, `.gitignore`, `CNAME`-like hidden files).
//!
//! Also owns the build lock (`.loa.lock` in the site root, holding the PID of the build that
//! writes) and the interruption path: `abort_staging` removes the staging folder of a write in
//! progress, and waits for a swap in progress to finish, so Ctrl-C never leaves a mixed output.

use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

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

/// Writes a whole `BuildOutput` (files and copies) through a `Staging` and swaps it in. The
/// previous output's top-level dotfiles (`.git`, `.gitignore`, …) are kept.
pub fn write_output(out: &Path, output: &BuildOutput) -> Result<WriteStats> {
    let staging = Staging::open(out)?;
    let written = output.files.par_iter().try_for_each(|(key, bytes)| {
        crate::render::Sink::put(&staging, key, bytes.clone()).map_err(|e| anyhow::anyhow!(e))
    });
    match written {
        Ok(()) => staging.commit(&output.copies),
        Err(e) => {
            staging.abort();
            Err(e)
        }
    }
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

/// The lock file of a site root: one build writes at a time.
pub const LOCK_FILE: &str = ".loa.lock";

/// A held build lock; removed when dropped.
#[derive(Debug)]
pub struct BuildLock {
    path: PathBuf,
}

/// Why the lock could not be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockError {
    /// Another live process holds it.
    Held {
        /// Its process id.
        pid: u32,
    },
    /// The lock file could not be created.
    Io(String),
}

impl std::fmt::Display for LockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LockError::Held { pid } => {
                write!(f, "một lệnh loa build khác (pid {pid}) đang ghi trang này ({LOCK_FILE})")
            }
            LockError::Io(e) => write!(f, "không tạo được {LOCK_FILE}: {e}"),
        }
    }
}

impl BuildLock {
    /// Takes `<root>/.loa.lock`, waiting up to `wait` for a live holder; a lock left by a dead
    /// process is taken over.
    pub fn acquire(root: &Path, wait: std::time::Duration) -> Result<BuildLock, LockError> {
        let path = root.join(LOCK_FILE);
        let start = std::time::Instant::now();
        loop {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    let _ = writeln!(f, "{}", std::process::id());
                    return Ok(BuildLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder =
                        std::fs::read_to_string(&path).ok().and_then(|t| t.trim().parse::<u32>().ok());
                    match holder {
                        Some(pid) if process_alive(pid) && pid != std::process::id() => {
                            if start.elapsed() >= wait {
                                return Err(LockError::Held { pid });
                            }
                        }
                        // Dead holder, or a lock being written right now (no PID yet): a
                        // half-written file older than a moment is stale too.
                        None if start.elapsed() < std::time::Duration::from_millis(200) => {}
                        _ => {
                            let _ = std::fs::remove_file(&path);
                            continue;
                        }
                    }
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(e) => return Err(LockError::Io(e.to_string())),
            }
        }
    }

    /// Where the lock file is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// True when a process with this id exists.
pub fn process_alive(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        Path::new(&format!("/proc/{pid}")).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        // Without /proc, assume alive: a stale lock is then reported with its PID.
        let _ = pid;
        true
    }
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

    #[test]
    fn lock_is_exclusive_and_taken_over_from_dead_holders() {
        let tmp = tempfile::tempdir().expect("tmp");
        let lock = BuildLock::acquire(tmp.path(), std::time::Duration::ZERO).expect("first");
        assert!(tmp.path().join(LOCK_FILE).is_file());
        drop(lock);
        assert!(!tmp.path().join(LOCK_FILE).exists());
        // PID 1 is alive (init); a PID beyond pid_max is not.
        std::fs::write(tmp.path().join(LOCK_FILE), "1\n").expect("write");
        let e = BuildLock::acquire(tmp.path(), std::time::Duration::from_millis(100)).unwrap_err();
        assert_eq!(e, LockError::Held { pid: 1 });
        std::fs::write(tmp.path().join(LOCK_FILE), "4999999\n").expect("write");
        assert!(BuildLock::acquire(tmp.path(), std::time::Duration::ZERO).is_ok());
    }

    #[test]
    fn force_keeps_dotfiles_and_replaces_the_rest() {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("public");
        std::fs::create_dir_all(out.join(".git")).expect("mkdir");
        std::fs::write(out.join(".git/HEAD"), "ref\n").expect("write");
        std::fs::write(out.join(".gitignore"), "x\n").expect("write");
        std::fs::write(out.join("old.html"), "old\n").expect("write");
        assert!(check_output_dir(tmp.path(), &out).is_err());
        assert!(check_output_dir_with(tmp.path(), &out, true).is_ok());
        let mut output = BuildOutput::default();
        output.files.insert("index.html".into(), crate::render::Bytes::new(b"new".to_vec()));
        write_output(&out, &output).expect("write");
        assert_eq!(std::fs::read_to_string(out.join(".git/HEAD")).expect("kept"), "ref\n");
        assert!(out.join(".gitignore").is_file());
        assert!(!out.join("old.html").exists());
        assert!(out.join(MARKER).is_file());
        assert_eq!(std::fs::read(out.join("index.html")).expect("new"), b"new");
    }
}
