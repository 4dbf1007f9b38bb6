//! Watching the site's sources: file-system events → debounced bursts → content `Change`s.
//!
//! Takes the site root; watches `content/`, `templates/`, `static/`, `themes/`, `i18n/`
//! (recursively) and the root itself (for `loa.yaml` and those folders appearing), never the
//! output folder.
//! Gives one `Burst` per quiet window and, from `Sources`, the files whose content really
//! changed, by comparing a hash per watched file: editor temp files, unchanged saves, atomic
//! saves (temp + rename over) and delete-then-recreate all come down to "modified" or to
//! nothing. A burst does not end while a file it names is still open for writing (inotify's
//! close-after-write, at most `OPEN_WAIT`), so a save is never read half-written. Falls back
//! to polling when inotify watches run out. The only module that uses
//! notify; it must not build or serve.

use std::collections::{BTreeMap, BTreeSet};

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

pub use super::sources::{Change, Sources, WATCHED_DIRS, is_temp_name, is_watched, merge_changes};
use super::sources::{files_under, inode};

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
/// Longest a burst waits, after its last event, for a file still open for writing to be
/// closed. A plain save (truncate, then write) can be seen between the two when the machine is
/// busy: the file would be read empty and built, then built again a moment later.
pub const OPEN_WAIT: Duration = Duration::from_secs(1);
/// How often the polling watcher looks at the files.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

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
    /// Files created or written to: open for writing until their `Closed` arrives.
    Written(Vec<PathBuf>),
    /// Files closed after writing: complete now.
    Closed(Vec<PathBuf>),
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
        loop {
            let first = match deadline {
                None => self.rx.recv().ok(),
                Some(d) => match self.rx.recv_timeout(d.saturating_duration_since(Instant::now())) {
                    Ok(s) => Some(s),
                    Err(RecvTimeoutError::Timeout) => return Wake::Deadline,
                    Err(RecvTimeoutError::Disconnected) => None,
                },
            };
            match first {
                // A close ends a write already handled: it starts nothing.
                Some(Signal::Closed(_)) => {}
                Some(f) => return Wake::Burst(self.gather(f)),
                None => return Wake::Closed,
            }
        }
    }

    /// Like `next_burst`, but returns at once with `None` when no event is waiting.
    pub fn pending_burst(&mut self) -> Option<Burst> {
        loop {
            match self.rx.try_recv().ok()? {
                Signal::Closed(_) => {}
                first => return Some(self.gather(first)),
            }
        }
    }

    fn gather(&mut self, first: Signal) -> Burst {
        let start = Instant::now();
        let mut burst = Burst::default();
        // Files written to and not closed yet: the burst waits for them (at most `OPEN_WAIT`).
        let mut open = BTreeSet::new();
        let mut next = Some(first);
        while let Some(signal) = next.take() {
            match signal {
                Signal::Paths(paths) => burst.paths.extend(paths),
                Signal::Written(paths) => {
                    open.extend(paths.iter().cloned());
                    burst.paths.extend(paths);
                }
                Signal::Closed(paths) => {
                    for p in &paths {
                        open.remove(p);
                    }
                }
                Signal::Rescan => burst.rescan = true,
                Signal::WatchLimit => burst.watch_limit = true,
                Signal::Error(e) => burst.errors.push(e),
            }
            if start.elapsed() >= MAX_BURST {
                break;
            }
            let quiet = if open.is_empty() { quiet_for(&burst) } else { OPEN_WAIT };
            next = self.rx.recv_timeout(quiet).ok();
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
            Ok(event) => {
                let closed = matches!(event.kind, EventKind::Access(AccessKind::Close(AccessMode::Write)));
                // Opening and reading (the build itself reads every file) changes nothing.
                if matches!(event.kind, EventKind::Access(_)) && !closed {
                    return;
                }
                let written = matches!(
                    event.kind,
                    EventKind::Create(CreateKind::File | CreateKind::Any)
                        | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any)
                );
                let paths: Vec<PathBuf> = event.paths.into_iter().filter(|p| is_watched(&root, p)).collect();
                if paths.is_empty() {
                    return;
                }
                if closed {
                    Signal::Closed(paths)
                } else if written {
                    Signal::Written(paths)
                } else {
                    Signal::Paths(paths)
                }
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

fn is_limit(e: &notify::Error) -> bool {
    match &e.kind {
        notify::ErrorKind::MaxFilesWatch => true,
        // ENOSPC from inotify_add_watch means the watch limit, not a full disk.
        notify::ErrorKind::Io(io) => io.raw_os_error() == Some(28),
        _ => false,
    }
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

    /// A plain save seen between its truncate and its write (a busy machine) must not end the
    /// burst: the watcher waits for the file's close, so the build reads the whole file.
    #[test]
    #[cfg(target_os = "linux")]
    fn a_burst_waits_for_a_file_open_for_writing() {
        use std::io::Write as _;
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path().canonicalize().expect("canon");
        let file = root.join("content/a.md");
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(&file, "cũ").expect("write");
        let (mut watch, why) = Watch::start(&root, Mode::Native);
        assert_eq!(watch.mode(), Mode::Native, "inotify refused: {why:?}");
        let writer = std::thread::spawn({
            let file = file.clone();
            move || {
                let mut f = std::fs::File::create(&file).expect("truncate");
                f.write_all(b"nua").expect("write");
                // Longer than any quiet time, shorter than `OPEN_WAIT`.
                std::thread::sleep(QUIET * 4);
                f.write_all(" đầu, nửa sau".as_bytes()).expect("write");
            }
        });
        let Wake::Burst(burst) = watch.next_burst(Some(Instant::now() + Duration::from_secs(10))) else {
            panic!("no burst");
        };
        assert!(burst.paths.contains(&file), "{burst:?}");
        assert_eq!(
            std::fs::read_to_string(&file).expect("read"),
            "nua đầu, nửa sau",
            "burst ended mid-write"
        );
        writer.join().expect("writer");
    }
}
