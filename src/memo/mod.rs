//! Reuse between builds: the layer the build recipe wraps around its stages.
//!
//! `loa serve` rebuilds the site on every save; most of what the last build made is still
//! right. The recipe (`build.rs`) asks this layer for each result it can reuse:
//! `memo.get_or(store, || key, || stage(input))` gives the last build's result when the key of
//! the input is the same, else runs the stage; either way the result is kept for the next
//! build. What is kept:
//!
//! | store | a result of | keyed by |
//! |---|---|---|
//! | `texts` | reading one Markdown file | its path, size, inode and times (when still for 2 s) |
//! | `parsed` | parsing one file | its path and the fingerprint of its text |
//! | `rendered` | the Markdown stage on one body | the text, the options, every route and citable document |
//! | `outputs` | one template call | the template, the site view, the call's views and cards; kept with the images its template asked `image()` for, checked on use |
//! | `cards` | one share card (`media::card`) | its texts, drawing and fonts (`CardText::key`) |
//! | `excerpts` | one page's excerpt file of the search index (a gzip) | its text and headings (`search::excerpt_key`) |
//!
//! plus the last load (reused whole when the watcher says which files changed and none was
//! added or removed) and the templates (reused while no template, theme file or `loa.yaml`
//! changed). Each build keeps only what it used, so the layer never holds more than one
//! build's worth; a failed build keeps the last good build's results.
//!
//! Keys are 64-bit fingerprints of the inputs (a collision would serve a stale page until the
//! next edit; with 64 bits over a few tens of thousands of entries that is not a practical
//! risk). [`Memo::off`] (`loa build`, `loa check`) keeps nothing and computes no key: the
//! stages then run exactly as without this layer.
//!
//! `loa build` keeps some of these stores on disk ([`Memo::persistent`], `disk.rs`): the
//! bulletins and the excerpts, whose keys are fingerprints of what they read (never of file
//! times), so that a CI job that restores `.loa-cache/` reuses them for every page it did not
//! change; its other stores are off (they would hold the whole site in memory for nothing). The
//! files are read on a thread of their own while the first stages run; the first use of the
//! stores waits for them.
//!
//! Must not be imported by a stage: stages take values and give values; only the recipe and
//! `loa serve` know about reuse.

mod disk;
mod store;

pub use store::Store;

pub use disk::DIR as DISK_DIR;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{Parsed, Source};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Loaded;
use crate::markdown::Rendered;
use crate::output::Bytes;
use crate::render::templates::Templates;

/// A template output, with the images its template asked `image()` for (their output paths
/// and the fingerprint of what `image()` answered for them), when it asked for any: the output
/// is reused only while those answers are the same (a photo replaced under its name gets
/// copies of other names).
#[derive(Debug, Clone)]
pub struct Output {
    /// The output's bytes.
    pub bytes: Bytes,
    /// The images asked for and their fingerprint.
    pub images: Option<Arc<(Vec<String>, u64)>>,
}

/// A text read from `content/`, with the fingerprint of the text (the keys of later stores
/// use it instead of hashing the text again).
pub type Text = Option<(Source, u64)>;

/// The fingerprint of each Markdown file's text, by file (`content/x.md`), for this build
/// (shared with the memo, which keeps it with the last load).
pub type Prints = Arc<HashMap<String, u64>>;

/// Everything a build can reuse from the build before it.
#[derive(Debug, Default)]
pub struct Stores {
    /// Markdown files' texts, keyed by path and metadata ([`crate::load::text_key`]).
    pub texts: Store<Text>,
    /// Parsed files, keyed by path and text. (Shared: a hit costs one copy, into the build.)
    pub parsed: Store<Arc<Result<Parsed, Diagnostics>>>,
    /// Rendered bodies with the fingerprint of their HTML, keyed by body, options and the
    /// link and citation registries.
    pub rendered: Store<(Arc<Rendered>, u64)>,
    /// Rendered outputs, keyed by template, site view and views.
    pub outputs: Store<Output>,
    /// Each page's scripts for the loudspeakers and their findings, keyed by what the page's
    /// scripts read (`crate::bulletin::page_key`).
    pub bulletins: Store<crate::bulletin::PageScripts>,
    /// Share cards, keyed by their texts (`CardText::key`): a rebuild reads none from the
    /// disk cache again.
    pub cards: Store<Bytes>,
    /// Each page's excerpt file for the search index (gzip of its text), keyed by what it
    /// reads (`search::excerpt_key`).
    pub excerpts: Store<Bytes>,
    /// What the last load found (files and texts) with the prints of its texts, for a load
    /// told which files changed since.
    last_load: Mutex<Option<(Loaded, Prints)>>,
    /// The files changed since the last load, when the caller knows them all.
    changed: Mutex<Option<KnownChanges>>,
    /// The templates the last build loaded.
    templates: Mutex<Option<Templates>>,
    /// Where the stores kept on disk go ([`Memo::persistent`]); `None` for `loa serve`.
    disk: Option<PathBuf>,
    /// How many entries the bulletins' and the excerpts' files held when read (`None`: no
    /// file, or not trusted).
    disk_entries: Mutex<(Option<usize>, Option<usize>)>,
    /// The files being read on a thread of its own ([`Memo::persistent`]), beside the first
    /// stages, which do not need them; taken by the first use of the stores.
    reading: Mutex<Option<std::thread::JoinHandle<Read>>>,
    /// True once `reading` has been taken (the stores hold what the file gave).
    settled: std::sync::atomic::AtomicBool,
    /// How long reading the file took, on its thread.
    read_time: Mutex<Option<std::time::Duration>>,
}

/// What reading the files gives: the bulletins' and the excerpts' entries, how many each file
/// held, and the time taken.
struct Read {
    bulletins: HashMap<u64, crate::bulletin::PageScripts>,
    excerpts: HashMap<u64, Bytes>,
    entries: (Option<usize>, Option<usize>),
    took: std::time::Duration,
}

impl Stores {
    /// Waits for the bulletins' file, if it is still being read, and puts its entries in the
    /// store. Every use of the stores comes through here first.
    fn settle(&self) {
        use std::sync::atomic::Ordering;
        if self.settled.load(Ordering::Acquire) {
            return;
        }
        let mut reading = self.reading.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(handle) = reading.take() {
            // A reader that panicked gave nothing: the scripts are made again.
            if let Ok(read) = handle.join() {
                self.fill(read);
            }
        }
        self.settled.store(true, Ordering::Release);
    }

    /// Puts what reading the bulletins' file gave in the store.
    fn fill(&self, Read { bulletins, excerpts, entries, took }: Read) {
        *self.bulletins.previous.lock().unwrap_or_else(PoisonError::into_inner) = bulletins;
        *self.excerpts.previous.lock().unwrap_or_else(PoisonError::into_inner) = excerpts;
        *self.disk_entries.lock().unwrap_or_else(PoisonError::into_inner) = entries;
        *self.read_time.lock().unwrap_or_else(PoisonError::into_inner) = Some(took);
    }
}

/// Files changed since the last load, as far as the caller knows (`loa serve`'s watcher
/// compares a hash of every watched file).
#[derive(Debug, Clone, Default)]
pub struct KnownChanges {
    /// Files whose content changed (absolute paths).
    pub modified: Vec<PathBuf>,
    /// Files were added or removed (the folders must be walked again).
    pub added_or_removed: bool,
}

/// The reuse layer of one caller: off (nothing kept) or on (`loa serve`).
#[derive(Debug, Default)]
pub struct Memo(Option<Stores>);

impl Memo {
    /// Reuses nothing and keeps nothing; no key is ever computed (`loa build`, `loa check`).
    pub fn off() -> Memo {
        Memo(None)
    }

    /// Keeps each build's results for the next (`loa serve`).
    pub fn on() -> Memo {
        Memo(Some(Stores::default()))
    }

    /// Keeps the bulletins and the search excerpts (the stores whose results cost most for the
    /// room they take) from one `loa build` to the next in `dir` (`<site>/.loa-cache/memo`,
    /// [`disk`]), keyed by what they read; the other stores are off. A file of another binary,
    /// or broken, is ignored.
    pub fn persistent(dir: PathBuf) -> Memo {
        let mut s = Stores { disk: Some(dir.clone()), ..Stores::default() };
        s.texts.active = false;
        s.parsed.active = false;
        s.rendered.active = false;
        s.outputs.active = false;
        s.cards.active = false;
        // Read beside the first stages (templates, load, parse, assemble need none of it); the
        // first use of the store waits for it. Without a thread, it is read here.
        let on_thread = dir.clone();
        let spawned =
            std::thread::Builder::new().name("loa-cache-read".into()).spawn(move || read_files(&on_thread));
        match spawned {
            Ok(handle) => *s.reading.get_mut().unwrap_or_else(PoisonError::into_inner) = Some(handle),
            Err(_) => s.fill(read_files(&dir)),
        }
        Memo(Some(s))
    }

    /// The stores, when on (once the bulletins' file, if any, has been read).
    pub fn stores(&self) -> Option<&Stores> {
        self.ready()
    }

    /// The stores after [`Stores::settle`].
    fn ready(&self) -> Option<&Stores> {
        let s = self.0.as_ref()?;
        s.settle();
        Some(s)
    }

    /// How long reading the cache on disk took ([`Memo::persistent`]; on its own thread,
    /// beside the first stages), once it is read.
    pub fn read_time(&self) -> Option<std::time::Duration> {
        *self.ready()?.read_time.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// True when the store `which` picks keeps values (its keys are worth computing).
    pub fn keeps<T>(&self, which: impl FnOnce(&Stores) -> &Store<T>) -> bool {
        self.0.as_ref().is_some_and(|s| which(s).active)
    }

    /// The store `which` picks when it keeps values, once the cache on disk is read (a store
    /// that keeps nothing never waits for it).
    fn kept<T>(&self, which: impl FnOnce(&Stores) -> &Store<T>) -> Option<&Store<T>> {
        let s = self.0.as_ref()?;
        let store = which(s);
        if !store.active {
            return None;
        }
        s.settle();
        Some(store)
    }

    /// `make()`, or the last build's value for `key()` from the store `which` picks. Off, it is
    /// `make()` and `key` is never called.
    pub fn get_or<T: Clone>(
        &self,
        which: impl FnOnce(&Stores) -> &Store<T>,
        key: impl FnOnce() -> u64,
        make: impl FnOnce() -> T,
    ) -> T {
        match self.kept(which) {
            Some(store) => store.get_or(key(), make),
            None => make(),
        }
    }

    /// [`Memo::try_get_or`] where the last build's value is taken only when `still(value)`.
    pub fn try_get_checked_or<T: Clone, E>(
        &self,
        which: impl FnOnce(&Stores) -> &Store<T>,
        key: impl FnOnce() -> u64,
        still: impl FnOnce(&T) -> bool,
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        match self.kept(which) {
            Some(store) => store.try_get_checked_or(key(), still, make),
            None => make(),
        }
    }

    /// [`Memo::get_or`] for a fallible `make`: a failure is not kept.
    pub fn try_get_or<T: Clone, E>(
        &self,
        which: impl FnOnce(&Stores) -> &Store<T>,
        key: impl FnOnce() -> u64,
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        match self.kept(which) {
            Some(store) => store.try_get_or(key(), make),
            None => make(),
        }
    }

    /// Tells the next load which files changed since the last one: it then reads only those,
    /// instead of walking the folders and checking every file (10,000 `stat`s).
    pub fn expect_changes(&self, changes: KnownChanges) {
        if let Some(s) = &self.0 {
            *s.changed.lock().unwrap_or_else(PoisonError::into_inner) = Some(changes);
        }
    }

    /// The templates: the last build's when the known changes cannot have touched them (only
    /// files outside `templates/`, `themes/` and `i18n/`, and not `loa.yaml`, changed), else
    /// `load()`.
    pub fn templates(
        &self,
        load: impl FnOnce() -> Result<Templates, Diagnostics>,
    ) -> Result<Templates, Diagnostics> {
        let Some(s) = self.0.as_ref().filter(|s| s.disk.is_none()) else { return load() };
        let unchanged = {
            let changed = s.changed.lock().unwrap_or_else(PoisonError::into_inner);
            changed.as_ref().is_some_and(|c| {
                let touches = |p: &std::path::Path| {
                    p.file_name().is_some_and(|n| n == crate::config::CONFIG_FILE)
                        || p.components().any(|c| {
                            let c = c.as_os_str();
                            c == "templates" || c == "themes" || c == crate::render::i18n::DIR
                        })
                };
                !c.added_or_removed && !c.modified.is_empty() && !c.modified.iter().any(|p| touches(p))
            })
        };
        let mut kept = s.templates.lock().unwrap_or_else(PoisonError::into_inner);
        if unchanged && let Some(t) = kept.as_ref() {
            return Ok(t.clone());
        }
        let loaded = load();
        *kept = loaded.as_ref().ok().cloned();
        loaded
    }

    /// The load stage (`load::scan`, `load::read` of each Markdown file, `load::collect`),
    /// with the prints of the texts when on. On, a text is taken from the last build when its
    /// file's metadata is the same; and when the watcher said which files changed and none was
    /// added or removed, the last load is reused with only those files read again.
    pub fn load(&self, config: &Config) -> Result<(Loaded, Prints), Diagnostics> {
        let Some(s) = self.0.as_ref().filter(|s| s.disk.is_none()) else {
            let found = crate::load::scan(config);
            let read = found.markdown.par_iter().map(|f| crate::load::read(f, None)).collect();
            return crate::load::collect(found, read).map(|l| (l, Prints::default()));
        };
        let changed = s.changed.lock().unwrap_or_else(PoisonError::into_inner).take();
        let last = s.last_load.lock().unwrap_or_else(PoisonError::into_inner).take();
        let quick = match (changed, last) {
            (Some(c), Some(last)) if !c.added_or_removed && !c.modified.is_empty() => {
                reload_changed(config, last, &c.modified, &s.texts)
            }
            _ => None,
        };
        let loaded = match quick {
            Some(l) => Ok(l),
            None => {
                let now = now_secs();
                let found = crate::load::scan(config);
                let read: Vec<Result<Option<(Source, u64)>, Diagnostic>> =
                    found.markdown.par_iter().map(|f| read_kept(f, &s.texts, now)).collect();
                let mut prints = HashMap::new();
                let read = read
                    .into_iter()
                    .map(|r| {
                        r.map(|t| {
                            t.map(|(source, print)| {
                                prints.insert(source.file.clone(), print);
                                source
                            })
                        })
                    })
                    .collect();
                crate::load::collect(found, read).map(|l| (l, Arc::new(prints)))
            }
        };
        if let Ok(l) = &loaded {
            *s.last_load.lock().unwrap_or_else(PoisonError::into_inner) = Some(l.clone());
        }
        loaded
    }

    /// Ends a build: a good one's results replace the last ones; a failed one's are dropped and
    /// the last good build's stay.
    pub fn finish(&self, ok: bool) {
        let Some(s) = self.ready() else { return };
        if let Some(dir) = &s.disk {
            let (bulletins, excerpts) = *s.disk_entries.lock().unwrap_or_else(PoisonError::into_inner);
            // A cache that cannot be written costs the next build time, nothing else.
            save(&s.bulletins, ok, bulletins, |kept| disk::write(dir, BULLETINS, kept, disk::scripts));
            save(&s.excerpts, ok, excerpts, |kept| {
                disk::write(dir, EXCERPTS, kept, |v, out| disk::as_is(&**v, out))
            });
            return;
        }
        if ok {
            s.texts.rotate();
            s.parsed.rotate();
            s.rendered.rotate();
            s.outputs.rotate();
            s.bulletins.rotate();
            s.cards.rotate();
            s.excerpts.rotate();
        } else {
            s.texts.discard();
            s.parsed.discard();
            s.rendered.discard();
            s.outputs.discard();
            s.bulletins.discard();
            s.cards.discard();
            s.excerpts.discard();
        }
    }
}

/// Ends a build for a store kept on disk that held `entries` when read: a good build's entries
/// replace the last ones and are written (`write`), unless the file already holds exactly them
/// (every entry came from it and it held no other: writing it again would give the same bytes,
/// about 60 MB at 10,000 pages for the bulletins); a failed build's are dropped.
fn save<T: Clone + Send + 'static>(
    store: &Store<T>,
    ok: bool,
    entries: Option<usize>,
    write: impl FnOnce(&HashMap<u64, T>) -> std::io::Result<()>,
) {
    if !ok {
        return store.discard();
    }
    let unchanged = {
        let previous = store.previous.lock().unwrap_or_else(PoisonError::into_inner);
        let current = store.current.lock().unwrap_or_else(PoisonError::into_inner);
        entries == Some(current.len()) && current.keys().all(|k| previous.contains_key(k))
    };
    store.rotate();
    if !unchanged {
        let _ = write(&store.previous.lock().unwrap_or_else(PoisonError::into_inner));
    }
}

/// Reads the files of `dir` ([`disk::read`]): their entries as the stores keep them, how many
/// each held, and the time it took.
fn read_files(dir: &std::path::Path) -> Read {
    let start = std::time::Instant::now();
    let (kept, bulletins): (HashMap<u64, disk::StoredScripts>, _) = disk::read(dir, BULLETINS);
    let (excerpts, held): (HashMap<u64, Vec<u8>>, _) = disk::read(dir, EXCERPTS);
    Read {
        bulletins: kept.into_iter().map(|(k, v)| (k, v.into_scripts())).collect(),
        excerpts: excerpts.into_iter().map(|(k, v)| (k, Bytes::new(v))).collect(),
        entries: (bulletins, held),
        took: start.elapsed(),
    }
}

/// The name of the excerpts' file in the disk cache.
const EXCERPTS: &str = "excerpts";

/// The name of the bulletins' file in the disk cache.
const BULLETINS: &str = "bulletins";

/// Reads one Markdown file, or takes its text from the last build when its metadata is the
/// same; gives the text's print with it.
fn read_kept(
    file: &crate::load::MarkdownFile,
    texts: &Store<Text>,
    now: u64,
) -> Result<Option<(Source, u64)>, Diagnostic> {
    let meta = crate::load::metadata(file)?;
    let read = || {
        let source = crate::load::read(file, Some(&meta))?;
        Ok(source.map(|s| {
            let print = crate::fingerprint::of_text(&s.text);
            (s, print)
        }))
    };
    match crate::load::text_key(file, &meta, now) {
        Some(key) => texts.try_get_or(key, read),
        None => read(),
    }
}

/// The last load with the `modified` Markdown files read again (see [`Memo::load`]); `None`
/// when it cannot account for a change (a file it did not list, one reached through a link,
/// one that now fails to read): then everything is loaded.
fn reload_changed(
    config: &Config,
    last: (Loaded, Prints),
    modified: &[PathBuf],
    texts: &Store<Text>,
) -> Option<(Loaded, Prints)> {
    let (mut last, mut prints) = last;
    if last.linked_sources {
        return None;
    }
    let root = config.root.canonicalize().unwrap_or_else(|_| config.root.clone());
    let now = now_secs();
    for path in modified {
        path.strip_prefix(&root).ok()?;
        // Templates, static files, assets, loa.yaml: read by later stages, not here.
        let Some(file) = crate::load::markdown_file(&root, path) else { continue };
        let i = last.sources.iter().position(|s| s.rel == file.rel)?;
        let (source, print) = read_kept(&file, texts, now).ok()??;
        Arc::make_mut(&mut prints).insert(source.file.clone(), print);
        last.sources[i] = source;
    }
    // The other files are unchanged: their texts stay kept under their keys.
    texts.keep_previous();
    Some((last, prints))
}

/// Seconds since the Unix epoch (0 if the clock is before it).
fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_only_the_last_builds_entries() {
        let store: Store<String> = Store::default();
        let made = std::cell::Cell::new(0);
        let get = |k: u64| {
            store.get_or(k, || {
                made.set(made.get() + 1);
                format!("v{k}")
            })
        };
        assert_eq!(get(1), "v1");
        store.rotate();
        assert_eq!(get(1), "v1");
        assert_eq!(made.get(), 1, "second build reused the first's value");
        store.rotate();
        store.rotate();
        assert_eq!(get(1), "v1");
        assert_eq!(made.get(), 2, "an entry unused by one build is dropped");
    }

    /// The cache read on its own thread, waited for by stages running on the rayon pool: every
    /// entry comes back, and no wait hangs (decoding on the pool, the reader once waited for
    /// workers that were waiting for it).
    #[test]
    fn the_cache_read_beside_the_stages_serves_the_pool_without_hanging() {
        use rayon::prelude::*;
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join(DISK_DIR);
        let scripts = || -> crate::bulletin::PageScripts { Arc::new((Vec::new(), Diagnostics::default())) };
        let first = Memo::persistent(dir.clone());
        for k in 0..500u64 {
            first.get_or(|s| &s.bulletins, || k, scripts);
        }
        first.finish(true);
        assert_eq!(first.stores().map(|s| s.bulletins.len()), Some(500));
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let memo = Memo::persistent(dir);
            let made = std::sync::atomic::AtomicUsize::new(0);
            (0..500u64).into_par_iter().for_each(|k| {
                memo.get_or(
                    |s| &s.bulletins,
                    || k,
                    || {
                        made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        scripts()
                    },
                );
            });
            memo.finish(true);
            let reused = memo.stores().map(|s| s.bulletins.reused());
            let _ = tx.send((made.into_inner(), reused, memo.read_time().is_some()));
        });
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the build hung waiting for the cache");
        assert_eq!(got, (0, Some(500), true), "(made again, reused, read time known)");
    }

    #[test]
    fn the_search_excerpts_are_kept_on_disk_beside_the_bulletins() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join(DISK_DIR);
        let first = Memo::persistent(dir.clone());
        for k in 0..3u64 {
            first.get_or(|s| &s.excerpts, || k, || Bytes::new(vec![k as u8; 40]));
        }
        first.finish(true);
        assert!(dir.join("excerpts.bin").is_file());
        let second = Memo::persistent(dir.clone());
        let got: Vec<Bytes> =
            (0..3u64).map(|k| second.get_or(|s| &s.excerpts, || k, || panic!("made again: {k}"))).collect();
        assert_eq!(got, (0..3u8).map(|k| Bytes::new(vec![k; 40])).collect::<Vec<_>>());
        second.finish(true);
        // Only what the last build used is kept: an entry it did not use is gone from the file.
        let third = Memo::persistent(dir);
        assert_eq!(third.get_or(|s| &s.excerpts, || 1, || Bytes::new(Vec::new())).len(), 40);
        third.finish(true);
        assert_eq!(third.stores().map(|s| s.excerpts.len()), Some(1));
    }

    #[test]
    fn off_computes_no_key_and_keeps_nothing() {
        let memo = Memo::off();
        let made = memo.get_or(
            |s| &s.outputs,
            || panic!("no key when off"),
            || Output { bytes: Bytes::new(b"x".to_vec()), images: None },
        );
        assert_eq!(&*made.bytes, b"x");
        assert!(memo.stores().is_none());
    }
}
