//! Watching the site's sources: file-system events → debounced bursts → content `Change`s.
//!
//! Takes the site root; watches `content/`, `templates/`, `static/`, `themes/` (recursively) and
//! the root itself (for `loa.yaml` and those folders appearing), never the output folder.
//! Gives one `Burst` per quiet window and, from `Sources`, the files whose content really
//! changed, by comparing a hash per watched file: editor temp files, unchanged saves, atomic
//! saves (temp + rename over) and delete-then-recreate all come down to "modified" or to
//! nothing. Falls back to polling when inotify watches run out. The only module that uses
//! notify; it must not build or serve.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::Hasher;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

/// The folders under the site root whose files make up the site.
pub const WATCHED_DIRS: &[&str] = &["content", "templates", "static", "themes"];

/// Quiet time that ends a burst of events naming more than [`FEW_PATHS`] files (a `git
/// checkout`, a folder copied in): long enough that such a burst is one rebuild.
pub const QUIET: Duration = Duration::from_millis(100);
/// Quiet time that ends a burst naming at most [`FEW_PATHS`] files: an editor's save (written
/// in place, or a temp file renamed over) gives all its events within a millisecond or two, so
/// the preview need not wait the full [`QUIET`] for it.
pub const QUIET_FEW: Duration = Duration::from_millis(25);
/// Most files a burst may name and still end after [`QUIET_FEW`].
pub const FEW_PATHS: usize = 3;
/// Longest a burst may keep growing before it is handled anyway.
pub const MAX_BURST: Duration = Duration::from_secs(5);
/// How often the polling watcher looks at the files.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// Files larger than this are fingerprinted by size and modification time, not read.
const HASH_LIMIT: u64 = 8 * 1024 * 1024;

/// What happened to one watched file between two looks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// A file that was not there before.
    Added(PathBuf),
    /// A file whose content differs.
    Modified(PathBuf),
    /// A file that is gone.
    Removed(PathBuf),
}

impl Change {
    /// The file concerned.
    pub fn path(&self) -> &Path {
        match self {
            Change::Added(p) | Change::Modified(p) | Change::Removed(p) => p,
        }
    }
}

/// How the watcher learns about changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Kernel events (inotify on Linux).
    Native,
    /// Looking at every file every `POLL_INTERVAL` (`--poll`, or watches exhausted).
    Poll,
}

/// What the event handler passes to the loop.
#[derive(Debug)]
enum Signal {
    /// Paths that may have changed.
    Paths(Vec<PathBuf>),
    /// Events were lost (queue overflow): look at everything again.
    Rescan,
    /// The kernel refused more watches: switch to polling.
    WatchLimit,
    /// Another watcher error.
    Error(String),
}

/// Events gathered until the file system has been quiet for `QUIET`.
#[derive(Debug, Default)]
pub struct Burst {
    /// Every path named by an event, coalesced.
    pub paths: BTreeSet<PathBuf>,
    /// Events were lost: every file must be looked at again.
    pub rescan: bool,
    /// The kernel refused more watches: the caller should call `fall_back_to_polling`.
    pub watch_limit: bool,
    /// Other watcher errors, for the terminal.
    pub errors: Vec<String>,
}

/// Why `next_burst` returned.
#[derive(Debug)]
pub enum Wake {
    /// Files changed.
    Burst(Burst),
    /// The deadline passed with no event.
    Deadline,
    /// The watcher is gone.
    Closed,
}

/// A running watcher.
pub struct Watch {
    /// The site root, canonical.
    root: PathBuf,
    /// Kernel events or the polling thread (kept alive for as long as the watch).
    backend: Backend,
    /// Where the handler sends signals.
    tx: Sender<Signal>,
    /// Where the loop receives them.
    rx: Receiver<Signal>,
    /// Top-level folders already watched (kernel events only).
    watched: BTreeSet<PathBuf>,
}

/// Where the signals come from.
enum Backend {
    /// Kernel events through notify.
    Native(RecommendedWatcher),
    /// A thread comparing size, modification time and inode of every watched file each
    /// `POLL_INTERVAL`. (notify's own poller compares whole seconds and misses a second save
    /// within the same second.)
    Poll(#[allow(dead_code, reason = "held for its Drop, which stops the thread")] Poller),
}

/// Stops the polling thread when dropped.
struct Poller(Arc<AtomicBool>);

impl Drop for Poller {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl Watch {
    /// Starts watching `root` (canonical). Kernel events that cannot be had (inotify watches or
    /// instances used up, a folder that refuses a watch) fall back to polling: the second value
    /// then says why.
    pub fn start(root: &Path, mode: Mode) -> (Watch, Option<String>) {
        let (tx, rx) = mpsc::channel();
        let native = match mode {
            Mode::Native => native_watcher(root, tx.clone()).map(Backend::Native),
            Mode::Poll => Ok(Backend::Poll(start_poller(root, tx.clone()))),
        };
        let (backend, mut why) = match native {
            Ok(b) => (b, None),
            Err(e) => (Backend::Poll(start_poller(root, tx.clone())), Some(e.to_string())),
        };
        let mut w = Watch { root: root.to_path_buf(), backend, tx, rx, watched: BTreeSet::new() };
        if let Err(e) = w.watch_all() {
            w.fall_back_to_polling();
            why = Some(e.to_string());
        }
        (w, why)
    }

    /// How changes are being detected.
    pub fn mode(&self) -> Mode {
        match self.backend {
            Backend::Native(_) => Mode::Native,
            Backend::Poll(_) => Mode::Poll,
        }
    }

    /// Replaces the kernel watcher by the polling thread.
    pub fn fall_back_to_polling(&mut self) {
        self.backend = Backend::Poll(start_poller(&self.root, self.tx.clone()));
        self.watched.clear();
    }

    fn watch_all(&mut self) -> Result<(), notify::Error> {
        if let Backend::Native(w) = &mut self.backend {
            w.watch(&self.root, RecursiveMode::NonRecursive)?;
        }
        for dir in WATCHED_DIRS {
            self.watch_top(&self.root.join(dir))?;
        }
        Ok(())
    }

    /// Watches a top-level source folder once it exists.
    fn watch_top(&mut self, dir: &Path) -> Result<(), notify::Error> {
        if let Backend::Native(w) = &mut self.backend
            && dir.is_dir()
            && !self.watched.contains(dir)
        {
            w.watch(dir, RecursiveMode::Recursive)?;
            self.watched.insert(dir.to_path_buf());
        }
        Ok(())
    }

    /// Blocks until events arrive (or `deadline` passes), then gathers them until `QUIET`
    /// passes without one (or `MAX_BURST` in all).
    pub fn next_burst(&mut self, deadline: Option<Instant>) -> Wake {
        let first = match deadline {
            None => self.rx.recv().ok(),
            Some(d) => match self.rx.recv_timeout(d.saturating_duration_since(Instant::now())) {
                Ok(s) => Some(s),
                Err(RecvTimeoutError::Timeout) => return Wake::Deadline,
                Err(RecvTimeoutError::Disconnected) => None,
            },
        };
        match first {
            Some(f) => Wake::Burst(self.gather(f)),
            None => Wake::Closed,
        }
    }

    /// Like `next_burst`, but returns at once with `None` when no event is waiting.
    pub fn pending_burst(&mut self) -> Option<Burst> {
        let first = self.rx.try_recv().ok()?;
        Some(self.gather(first))
    }

    fn gather(&mut self, first: Signal) -> Burst {
        let start = Instant::now();
        let mut burst = Burst::default();
        let mut next = Some(first);
        while let Some(signal) = next.take() {
            match signal {
                Signal::Paths(paths) => burst.paths.extend(paths),
                Signal::Rescan => burst.rescan = true,
                Signal::WatchLimit => burst.watch_limit = true,
                Signal::Error(e) => burst.errors.push(e),
            }
            if start.elapsed() >= MAX_BURST {
                break;
            }
            next = self.rx.recv_timeout(quiet_for(&burst)).ok();
        }
        // A source folder created after start (e.g. the first static/ file) gets its watch.
        let tops: Vec<PathBuf> = WATCHED_DIRS
            .iter()
            .map(|d| self.root.join(d))
            .filter(|d| burst.paths.contains(d) && !self.watched.contains(d))
            .collect();
        for dir in tops {
            if let Err(e) = self.watch_top(&dir) {
                if is_limit(&e) {
                    burst.watch_limit = true;
                } else {
                    burst.errors.push(e.to_string());
                }
            }
        }
        burst
    }
}

/// How long a burst waits for more events before it ends: short for an editor's save, longer
/// once it names many files or lost events.
fn quiet_for(burst: &Burst) -> Duration {
    if burst.paths.len() <= FEW_PATHS && !burst.rescan { QUIET_FEW } else { QUIET }
}

fn native_watcher(root: &Path, tx: Sender<Signal>) -> Result<RecommendedWatcher, notify::Error> {
    let root = root.to_path_buf();
    let handler = move |res: Result<notify::Event, notify::Error>| {
        let signal = match res {
            Ok(event) if event.need_rescan() => Signal::Rescan,
            // Opening and reading (the build itself reads every file) changes nothing.
            Ok(event) if matches!(event.kind, EventKind::Access(_)) => return,
            Ok(event) => {
                let paths: Vec<PathBuf> = event.paths.into_iter().filter(|p| is_watched(&root, p)).collect();
                if paths.is_empty() {
                    return;
                }
                Signal::Paths(paths)
            }
            Err(e) if is_limit(&e) => Signal::WatchLimit,
            Err(e) => Signal::Error(e.to_string()),
        };
        // The loop is gone only when the server stops.
        let _ = tx.send(signal);
    };
    RecommendedWatcher::new(handler, notify::Config::default())
}

/// Size, modification time (ns) and inode of a file: what a poll compares.
type Stat = (u64, u128, u64);

fn start_poller(root: &Path, tx: Sender<Signal>) -> Poller {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let root = root.to_path_buf();
    let sender = tx.clone();
    let spawned = std::thread::Builder::new().name("loa-poll".into()).spawn(move || {
        let mut last = stat_all(&root);
        while !flag.load(Ordering::SeqCst) {
            std::thread::sleep(POLL_INTERVAL);
            let now = stat_all(&root);
            let changed: Vec<PathBuf> = now
                .iter()
                .filter(|(k, v)| last.get(*k) != Some(v))
                .map(|(k, _)| k.clone())
                .chain(last.keys().filter(|k| !now.contains_key(*k)).cloned())
                .collect();
            if !changed.is_empty() && sender.send(Signal::Paths(changed)).is_err() {
                break;
            }
            last = now;
        }
    });
    if let Err(e) = spawned {
        let _ = tx.send(Signal::Error(e.to_string()));
    }
    Poller(stop)
}

fn stat_all(root: &Path) -> BTreeMap<PathBuf, Stat> {
    files_under(root, root, None)
        .into_iter()
        .filter_map(|p| {
            let m = std::fs::metadata(&p).ok()?;
            let mtime = m.modified().ok()?.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            Some((p, (m.len(), mtime, inode(&m))))
        })
        .collect()
}

#[cfg(unix)]
fn inode(m: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(m)
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> u64 {
    0
}

/// The watched files at or under `path` (the whole site when `path` is the root), skipping
/// temp names and `exclude`.
fn files_under(root: &Path, path: &Path, exclude: Option<&Path>) -> Vec<PathBuf> {
    if path == root {
        return std::iter::once(root.join(crate::config::CONFIG_FILE))
            .chain(WATCHED_DIRS.iter().map(|d| root.join(d)))
            .flat_map(|p| files_under(root, &p, exclude))
            .collect();
    }
    if !is_watched(root, path) {
        return Vec::new();
    }
    let excluded = |p: &Path| exclude.is_some_and(|x| p.starts_with(x));
    walkdir::WalkDir::new(path)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| (e.depth() == 0 || is_watched(root, e.path())) && !excluded(e.path()))
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .collect()
}

fn is_limit(e: &notify::Error) -> bool {
    match &e.kind {
        notify::ErrorKind::MaxFilesWatch => true,
        // ENOSPC from inotify_add_watch means the watch limit, not a full disk.
        notify::ErrorKind::Io(io) => io.raw_os_error() == Some(28),
        _ => false,
    }
}

/// True for editor temp, swap, backup and lock names (vim, Emacs, JetBrains, VS Code, Kate)
/// and hidden files: saving them never changes the site.
pub fn is_temp_name(name: &str) -> bool {
    crate::names::is_ignored(name) || is_temp_name_extra(name)
}

/// Temp names beyond `load::is_editor_temp` that only the watcher meets.
fn is_temp_name_extra(name: &str) -> bool {
    name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// True when `path` is a source of the site: `loa.yaml`, or a file or folder under one of the
/// watched folders, with no temp or hidden name on the way.
pub fn is_watched(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components();
    let Some(Component::Normal(top)) = parts.next() else {
        return false;
    };
    let top = top.to_string_lossy();
    if top == crate::config::CONFIG_FILE {
        return parts.next().is_none();
    }
    if !WATCHED_DIRS.contains(&top.as_ref()) {
        return false;
    }
    // Hidden files of `static/` (the site's or a theme's) are published (`.well-known/`), so
    // they are sources; elsewhere hidden names are not.
    let names: Vec<String> = parts
        .map(|c| match c {
            Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<_>>()
        .unwrap_or_else(|| vec![String::from(".")]);
    let in_static = |i: usize| match top.as_ref() {
        "static" => true,
        "themes" => names.get(1).is_some_and(|n| n == "static") && i >= 2,
        _ => false,
    };
    names.iter().enumerate().all(|(i, n)| {
        if in_static(i) {
            !crate::names::is_editor_temp(n)
                && !crate::names::is_unpublished_hidden(n)
                && !is_temp_name_extra(n)
        } else {
            !is_temp_name(n)
        }
    })
}

/// A fingerprint per watched file, to tell real changes from events.
#[derive(Debug)]
pub struct Sources {
    /// The site root, canonical.
    root: PathBuf,
    /// Files never looked at (the output folder, when it sits inside a watched folder).
    exclude: Option<PathBuf>,
    /// Every watched file → its fingerprint.
    files: BTreeMap<PathBuf, u64>,
}

impl Sources {
    /// Fingerprints every watched file under `root`.
    pub fn scan(root: &Path, exclude: Option<PathBuf>) -> Sources {
        let mut s = Sources { root: root.to_path_buf(), exclude, files: BTreeMap::new() };
        s.files = s.walk(root);
        s
    }

    /// Number of files watched.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file is watched.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Sets the folder never to look into (the output folder, from the current config).
    pub fn set_exclude(&mut self, exclude: Option<PathBuf>) {
        self.exclude = exclude;
    }

    /// Looks again at `paths` (files or folders; gone or not) and returns what changed since
    /// the last look, remembering the new state.
    pub fn changes(&mut self, paths: &BTreeSet<PathBuf>) -> Vec<Change> {
        let mut out = BTreeSet::new();
        let mut covered: Option<&PathBuf> = None;
        for p in paths {
            // A path inside one already looked at adds nothing. Paths sort component by
            // component, so a folder's descendants directly follow it.
            if covered.is_some_and(|c| p.starts_with(c)) {
                continue;
            }
            covered = Some(p);
            let now = self.walk(p);
            let before: Vec<(PathBuf, u64)> = self
                .files
                .range(p.clone()..)
                .take_while(|(k, _)| k.starts_with(p))
                .map(|(k, v)| (k.clone(), *v))
                .collect();
            for (k, old) in &before {
                match now.get(k) {
                    None => {
                        self.files.remove(k);
                        out.insert(Change::Removed(k.clone()));
                    }
                    Some(new) if new != old => {
                        self.files.insert(k.clone(), *new);
                        out.insert(Change::Modified(k.clone()));
                    }
                    Some(_) => {}
                }
            }
            for (k, v) in now {
                if self.files.insert(k.clone(), v).is_none() {
                    out.insert(Change::Added(k));
                }
            }
        }
        out.into_iter().collect()
    }

    /// Looks at every watched file again (after lost events).
    pub fn rescan(&mut self) -> Vec<Change> {
        let all: BTreeSet<PathBuf> = std::iter::once(self.root.join(crate::config::CONFIG_FILE))
            .chain(WATCHED_DIRS.iter().map(|d| self.root.join(d)))
            .collect();
        self.changes(&all)
    }

    /// The watched files at or under `path`, fingerprinted.
    fn walk(&self, path: &Path) -> BTreeMap<PathBuf, u64> {
        files_under(&self.root, path, self.exclude.as_deref())
            .into_iter()
            .filter_map(|p| fingerprint(&p).map(|f| (p, f)))
            .collect()
    }
}

/// The content hash of a file (size and modification time for very large files); `None` when
/// it cannot be read (gone already).
fn fingerprint(path: &Path) -> Option<u64> {
    let meta = std::fs::metadata(path).ok()?;
    let mut h = std::hash::DefaultHasher::new();
    if meta.len() > HASH_LIMIT {
        h.write_u64(meta.len());
        let mtime = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
        h.write_u128(mtime.as_nanos());
    } else {
        h.write(&std::fs::read(path).ok()?);
    }
    Some(h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_ends_its_burst_sooner_than_many_files() {
        let burst = |n: usize| Burst {
            paths: (0..n).map(|i| PathBuf::from(format!("/s/content/{i}.md"))).collect(),
            ..Burst::default()
        };
        assert_eq!(quiet_for(&burst(1)), QUIET_FEW);
        assert_eq!(quiet_for(&burst(FEW_PATHS)), QUIET_FEW);
        assert_eq!(quiet_for(&burst(FEW_PATHS + 1)), QUIET);
        assert_eq!(quiet_for(&Burst { rescan: true, ..burst(1) }), QUIET);
        assert!(QUIET_FEW < QUIET);
    }

    #[test]
    fn editor_temp_names_are_not_sources() {
        let root = Path::new("/s");
        for temp in [
            "content/.mot.md.swp",
            "content/mot.md~",
            "content/mot.md___jb_tmp___",
            "content/mot.md___jb_old___",
            "content/.#mot.md",
            "content/#mot.md#",
            "content/mot.md.kate-swp",
            "content/mot.md.bck",
            "content/.git/x",
            "public/index.html",
            "loa.yaml.swp",
            "other/x.md",
            "static/.git/HEAD",
            "static/anh/.DS_Store",
            "static/.a.css.swp",
            "themes/loa/static/.#a.css",
            "themes/loa/.hidden/static/a.css",
            "templates/.x.html",
        ] {
            assert!(!is_watched(root, &root.join(temp)), "{temp}");
        }
        for real in [
            "content/mot.md",
            "loa.yaml",
            "themes/loa/templates/base.html",
            "static/a.css",
            "content",
            // Published, so watched (issue 21).
            "static/.well-known/security.txt",
            "static/.nojekyll",
            "themes/loa/static/.well-known/x",
        ] {
            assert!(is_watched(root, &root.join(real)), "{real}");
        }
    }

    #[test]
    fn only_content_changes_count() {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path().canonicalize().expect("canon");
        let file = root.join("content/a.md");
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(&file, "a").expect("write");
        let mut s = Sources::scan(&root, None);
        let one = |p: &Path| BTreeSet::from([p.to_path_buf()]);
        std::fs::write(&file, "a").expect("write");
        assert!(s.changes(&one(&file)).is_empty(), "unchanged save");
        std::fs::remove_file(&file).expect("rm");
        std::fs::write(&file, "b").expect("write");
        assert_eq!(s.changes(&one(&file)), vec![Change::Modified(file.clone())], "delete + recreate");
        std::fs::write(root.join("content/b.md"), "b").expect("write");
        std::fs::remove_file(&file).expect("rm");
        let dir = one(&root.join("content"));
        assert_eq!(s.changes(&dir), vec![Change::Added(root.join("content/b.md")), Change::Removed(file)]);
        assert!(s.rescan().is_empty());
        // A folder and a file inside it, named by one burst: the file counts once.
        std::fs::write(root.join("content/b.md"), "c").expect("write");
        let both = BTreeSet::from([root.join("content"), root.join("content/b.md")]);
        assert_eq!(s.changes(&both), vec![Change::Modified(root.join("content/b.md"))]);
    }
}
