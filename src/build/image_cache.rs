//! The images cache on disk (`<site>/.loa-cache/images/`): the [`media::Store`] the images
//! step reads made images from and puts them in. One folder per source image and settings,
//! written to a temporary name and renamed when complete, so that a build killed half-way
//! leaves nothing a later build could take for finished. Its `index` holds every entry's
//! `meta` as last checked, read once per build: an entry whose files are all in the state the
//! index records is taken without reading its own `meta`; any other is checked from its
//! `meta` and its files, as if there were no index.
//!
//! Takes the cache folder; gives entries whose files are as written (a file whose state
//! changed is read and compared with the fingerprint recorded for it) and the state each file
//! was checked in (for the write stage's links). Must not give an entry with a file missing,
//! cut short or holding other bytes than were written, nor write anywhere but its folder.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::media::{self, Entry, Format, Store, codec};
use crate::output::FileState;

/// The cache on disk: `<dir>/<key as 16 hex digits>/` holding `meta`, `original.<ext>` and
/// `<width>.<ext>` for each copy; `<dir>/index`, the `meta` of every entry as last checked.
pub struct DiskStore {
    dir: PathBuf,
    counter: AtomicU64,
    /// Source file → (its state: device, inode, size, modification time in ns; the
    /// fingerprint of its bytes), as last seen; read from and saved to `<dir>/prints`.
    prints: Mutex<HashMap<PathBuf, (FileState, u64)>>,
    /// Whether `prints` gained an entry since it was read.
    changed: AtomicBool,
    /// Entry key → its `meta` as last checked; read from and saved to `<dir>/index`.
    index: Mutex<HashMap<u64, String>>,
    /// Whether `index` changed since it was read.
    index_changed: AtomicBool,
    /// Every file of the entries given in this build, with the state it was checked in.
    checked: Mutex<HashMap<PathBuf, FileState>>,
}

/// The first line of `<dir>/index`; then, for each entry, its key (16 hex digits) and a space
/// before each line of its `meta`.
const INDEX_VERSION: &str = "loa-image-index-1";

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn read_index(dir: &Path) -> HashMap<u64, String> {
    let mut index: HashMap<u64, String> = HashMap::new();
    let Ok(text) = std::fs::read_to_string(dir.join("index")) else { return index };
    let mut lines = text.lines();
    if lines.next() != Some(INDEX_VERSION) {
        return index;
    }
    for line in lines {
        let Some((key, meta)) = line.split_once(' ') else { continue };
        let Ok(key) = u64::from_str_radix(key, 16) else { continue };
        let text = index.entry(key).or_default();
        text.push_str(meta);
        text.push('\n');
    }
    index
}

fn state_of(file: &Path) -> Option<FileState> {
    use std::os::unix::fs::MetadataExt as _;
    let m = std::fs::metadata(file).ok()?;
    Some((m.dev(), m.ino(), m.size(), i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec())))
}

impl DiskStore {
    /// A store in `dir` (made when first written), with the fingerprints it saved last.
    pub fn new(dir: PathBuf) -> DiskStore {
        let mut prints = HashMap::new();
        if let Ok(text) = std::fs::read_to_string(dir.join("prints")) {
            for line in text.lines() {
                let mut f = line.splitn(6, ' ');
                let mut num = || f.next().and_then(|v| v.parse::<i128>().ok());
                let (Some(dev), Some(ino), Some(size), Some(mtime), Some(print)) =
                    (num(), num(), num(), num(), num())
                else {
                    continue;
                };
                let Some(path) = f.next() else { continue };
                let as_u64 = |v: i128| u64::try_from(v).unwrap_or(0);
                prints.insert(
                    PathBuf::from(path),
                    ((as_u64(dev), as_u64(ino), as_u64(size), mtime), as_u64(print)),
                );
            }
        }
        let index = read_index(&dir);
        DiskStore {
            dir,
            counter: AtomicU64::new(0),
            prints: Mutex::new(prints),
            changed: AtomicBool::new(false),
            index: Mutex::new(index),
            index_changed: AtomicBool::new(false),
            checked: Mutex::new(HashMap::new()),
        }
    }

    /// The copies (output path → file) that are files of the entries this store gave, with
    /// the state each was checked in.
    pub fn linked(&self, copies: &BTreeMap<String, PathBuf>) -> BTreeMap<String, FileState> {
        let checked = locked(&self.checked);
        copies.iter().filter_map(|(out, from)| Some((out.clone(), *checked.get(from)?))).collect()
    }

    /// Saves the fingerprints seen and the index (each when changed), for the next build.
    pub fn save(&self) {
        if self.index_changed.load(Ordering::Relaxed) {
            let index = locked(&self.index);
            let mut keys: Vec<&u64> = index.keys().collect();
            keys.sort_unstable();
            let mut text = format!("{INDEX_VERSION}\n");
            for key in keys {
                for line in index[key].lines() {
                    text.push_str(&format!("{key:016x} {line}\n"));
                }
            }
            let tmp = self.dir.join(format!(".index-{}", std::process::id()));
            if std::fs::create_dir_all(&self.dir).is_ok() && std::fs::write(&tmp, text).is_ok() {
                let _ = std::fs::rename(&tmp, self.dir.join("index"));
            }
        }
        if !self.changed.load(Ordering::Relaxed) {
            return;
        }
        let prints = self.prints.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut lines: Vec<String> = prints
            .iter()
            .filter_map(|(p, ((dev, ino, size, mtime), print))| {
                let p = p.to_str().filter(|p| !p.contains('\n'))?;
                Some(format!("{dev} {ino} {size} {mtime} {print} {p}\n"))
            })
            .collect();
        lines.sort();
        let tmp = self.dir.join(format!(".prints-{}", std::process::id()));
        if std::fs::create_dir_all(&self.dir).is_ok() && std::fs::write(&tmp, lines.concat()).is_ok() {
            let _ = std::fs::rename(&tmp, self.dir.join("prints"));
        }
    }
}

fn format_of(ext: &str) -> Option<Format> {
    [Format::Jpeg, Format::Png, Format::Gif, Format::WebP].into_iter().find(|f| f.ext() == ext)
}

/// The first word of an entry's `meta`; an entry of another version is made again.
const META_VERSION: &str = "loa-image-2";

/// One file of an entry as `put` wrote it: the fingerprint of its bytes, and its state on disk
/// (device, inode, size, modification time) when written or last checked.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Recorded {
    path: PathBuf,
    print: u64,
    state: FileState,
}

impl Recorded {
    fn line(&self) -> String {
        let (dev, ino, size, mtime) = self.state;
        format!("{:016x} {dev} {ino} {size} {mtime}", self.print)
    }

    fn parse<'a>(path: PathBuf, mut f: impl Iterator<Item = &'a str>) -> Option<Recorded> {
        let print = u64::from_str_radix(f.next()?, 16).ok()?;
        let (dev, ino, size, mtime) = (
            f.next()?.parse().ok()?,
            f.next()?.parse().ok()?,
            f.next()?.parse().ok()?,
            f.next()?.parse().ok()?,
        );
        Some(Recorded { path, print, state: (dev, ino, size, mtime) })
    }
}

/// The state of a file of the cache: a regular file only (a link put there is not one).
fn cache_state(file: &Path) -> Option<FileState> {
    use std::os::unix::fs::MetadataExt as _;
    let m = std::fs::symlink_metadata(file).ok().filter(std::fs::Metadata::is_file)?;
    Some((m.dev(), m.ino(), m.size(), i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec())))
}

/// An entry's `meta`: `loa-image-2 <width> <height> <format> still|animated`, then
/// `original <file>` and `<width> <height> <format> <file>` for each copy, where `<file>` is
/// the fingerprint of its bytes and its state (device, inode, size, modification time).
fn meta_text(entry: &Entry, files: &[Recorded]) -> String {
    let mut text = format!(
        "{META_VERSION} {} {} {} {}\n",
        entry.width,
        entry.height,
        entry.format.ext(),
        if entry.animated { "animated" } else { "still" }
    );
    for (k, f) in files.iter().enumerate() {
        match k.checked_sub(1).and_then(|v| entry.variants.get(v)) {
            Some((w, h, format, _)) => text.push_str(&format!("{w} {h} {} {}\n", format.ext(), f.line())),
            None => text.push_str(&format!("original {}\n", f.line())),
        }
    }
    text
}

/// Reads an entry's `meta`: the entry and its files as recorded (the original first).
fn read_meta(dir: &Path) -> Option<(Entry, Vec<Recorded>)> {
    parse_meta(dir, &std::fs::read_to_string(dir.join("meta")).ok()?)
}

/// The entry in `dir` and its files as the `meta` text records them.
fn parse_meta(dir: &Path, meta: &str) -> Option<(Entry, Vec<Recorded>)> {
    let mut lines = meta.lines();
    let mut head = lines.next()?.split(' ');
    if head.next()? != META_VERSION {
        return None;
    }
    let width = head.next()?.parse().ok()?;
    let height = head.next()?.parse().ok()?;
    let format = format_of(head.next()?)?;
    let animated = head.next()? == "animated";
    let original = dir.join(format!("original.{}", format.ext()));
    let mut f = lines.next()?.split(' ');
    if f.next()? != "original" {
        return None;
    }
    let mut files = vec![Recorded::parse(original.clone(), f)?];
    let mut variants = Vec::new();
    for line in lines {
        let mut f = line.split(' ');
        let (w, h, ext) = (f.next()?.parse().ok()?, f.next()?.parse().ok()?, f.next()?);
        let format = format_of(ext)?;
        let path = dir.join(format!("{w}.{ext}"));
        files.push(Recorded::parse(path.clone(), f)?);
        variants.push((w, h, format, path));
    }
    Some((Entry { width, height, format, animated, original, variants }, files))
}

impl DiskStore {
    /// The complete, undamaged entry in `dir`. A file whose state is the one recorded is
    /// trusted without reading it (no rebuild reads the made images); one whose state changed
    /// (a restored cache, a file touched or written into, truncated, replaced) is read, and its
    /// bytes must be the ones written, or the entry is made again. A damage that keeps a file's
    /// inode, size and modification time (a bit flipped on the disk) is not seen.
    fn verified(&self, dir: &Path) -> Option<(Entry, Vec<Recorded>)> {
        let (entry, mut files) = read_meta(dir)?;
        let mut restated = false;
        for f in &mut files {
            if cache_state(&f.path)? == f.state {
                continue;
            }
            let bytes = std::fs::read(&f.path).ok()?;
            if media::print_of_bytes(&bytes) != f.print {
                return None;
            }
            // The state read after the bytes: a file changed while read is read again next time.
            f.state = cache_state(&f.path)?;
            restated = true;
        }
        if restated {
            // Best effort: an entry whose meta could not be rewritten is only checked again.
            let n = self.counter.fetch_add(1, Ordering::Relaxed);
            let tmp = dir.join(format!(".meta-{}-{n}", std::process::id()));
            if std::fs::write(&tmp, meta_text(&entry, &files)).is_ok() {
                let _ = std::fs::rename(&tmp, dir.join("meta"));
            }
        }
        Some((entry, files))
    }

    /// The entry `key` as the index records it, when every one of its files is in the state
    /// recorded there; `None` when the index has no such entry or disagrees with a file.
    fn indexed(&self, key: u64, dir: &Path) -> Option<(Entry, Vec<Recorded>)> {
        let text = locked(&self.index).get(&key).cloned()?;
        let (entry, files) = parse_meta(dir, &text)?;
        files.iter().all(|f| cache_state(&f.path) == Some(f.state)).then_some((entry, files))
    }

    /// Gives an entry checked in this build: its files' states kept for the write stage, its
    /// `meta` for the index.
    fn accept(&self, key: u64, (entry, files): (Entry, Vec<Recorded>)) -> Entry {
        let mut checked = locked(&self.checked);
        for f in &files {
            checked.insert(f.path.clone(), f.state);
        }
        drop(checked);
        let text = meta_text(&entry, &files);
        let mut index = locked(&self.index);
        if index.get(&key) != Some(&text) {
            index.insert(key, text);
            self.index_changed.store(true, Ordering::Relaxed);
        }
        entry
    }
}

impl Store for DiskStore {
    fn print_of(&self, file: &Path) -> Option<u64> {
        let state = state_of(file)?;
        let prints = self.prints.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        prints.get(file).filter(|(s, _)| *s == state).map(|(_, p)| *p)
    }

    fn remember(&self, file: &Path, print: u64) {
        // The state read after the bytes: a file changed while read is read again next time.
        if let Some(state) = state_of(file) {
            let mut prints = self.prints.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            prints.insert(file.to_path_buf(), (state, print));
            self.changed.store(true, Ordering::Relaxed);
        }
    }

    fn get(&self, key: u64) -> Option<Entry> {
        let dir = self.dir.join(format!("{key:016x}"));
        // Not in the index, or the index disagrees with a file: checked from its own `meta`.
        let found = self.indexed(key, &dir).or_else(|| self.verified(&dir))?;
        Some(self.accept(key, found))
    }

    fn put(&self, key: u64, made: &codec::Processed) -> Result<Entry, String> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let tmp = self.dir.join(format!(".tmp-{key:016x}-{}-{n}", std::process::id()));
        let fin = self.dir.join(format!("{key:016x}"));
        let io = |e: std::io::Error, p: &Path| format!("{}: {e}", p.display());
        std::fs::create_dir_all(&tmp).map_err(|e| io(e, &tmp))?;
        let mut files = Vec::new();
        let mut write = |name: String, bytes: &[u8]| {
            let p = tmp.join(&name);
            std::fs::write(&p, bytes).map_err(|e| io(e, &p))?;
            let state =
                cache_state(&p).ok_or_else(|| format!("{}: not readable after writing", p.display()))?;
            // Recorded under the final name: the folder is renamed whole.
            files.push(Recorded { path: fin.join(name), print: media::print_of_bytes(bytes), state });
            Ok::<(), String>(())
        };
        let original_format = Format::sniff(&made.original).unwrap_or(made.format);
        write(format!("original.{}", original_format.ext()), &made.original)?;
        let mut variants = Vec::new();
        for v in &made.variants {
            let name = format!("{}.{}", v.width, v.format.ext());
            write(name.clone(), &v.bytes)?;
            variants.push((v.width, v.height, v.format, fin.join(name)));
        }
        let entry = Entry {
            width: made.width,
            height: made.height,
            format: original_format,
            animated: made.animated,
            original: fin.join(format!("original.{}", original_format.ext())),
            variants,
        };
        let meta = tmp.join("meta");
        std::fs::write(&meta, meta_text(&entry, &files)).map_err(|e| io(e, &meta))?;
        if std::fs::rename(&tmp, &fin).is_err() {
            if let Some(theirs) = self.verified(&fin) {
                // Made at the same time by another build or thread: theirs is as good.
                let _ = std::fs::remove_dir_all(&tmp);
                return Ok(self.accept(key, theirs));
            }
            // A damaged or incomplete entry: set aside and replaced, never published.
            let bad = self.dir.join(format!(".bad-{key:016x}-{}-{n}", std::process::id()));
            let _ = std::fs::rename(&fin, &bad);
            let _ = std::fs::remove_dir_all(&bad);
            if let Err(e) = std::fs::rename(&tmp, &fin) {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(io(e, &fin));
            }
        }
        let found =
            self.verified(&fin).ok_or_else(|| format!("{}: not readable after writing", fin.display()))?;
        Ok(self.accept(key, found))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::codec::{Processed, Variant};

    fn made() -> Processed {
        let bytes = |n: u8, len: usize| (0..len).map(|i| (i as u8).wrapping_mul(n)).collect::<Vec<u8>>();
        Processed {
            width: 300,
            height: 200,
            format: Format::Png,
            original: [&b"\x89PNG\r\n\x1a\n"[..], &bytes(3, 500)].concat(),
            variants: vec![
                Variant { width: 150, height: 100, format: Format::WebP, bytes: bytes(5, 300) },
                Variant { width: 150, height: 100, format: Format::Png, bytes: bytes(7, 400) },
            ],
            animated: false,
        }
    }

    /// A store holding one entry; its folder.
    fn stored() -> (tempfile::TempDir, DiskStore, Entry) {
        let tmp = tempfile::tempdir().expect("tmp");
        let store = DiskStore::new(tmp.path().join("images"));
        let entry = store.put(7, &made()).expect("put");
        assert_eq!(store.get(7).as_ref(), Some(&entry));
        (tmp, store, entry)
    }

    #[test]
    fn a_truncated_file_of_an_entry_makes_it_missing_and_a_new_put_replaces_it() {
        let (_tmp, store, entry) = stored();
        let file = &entry.variants[0].3;
        let len = std::fs::metadata(file).expect("meta").len();
        std::fs::OpenOptions::new().write(true).open(file).expect("open").set_len(len / 2).expect("truncate");
        assert_eq!(store.get(7), None, "a truncated copy is never taken for made");
        let again = store.put(7, &made()).expect("put over the damaged entry");
        assert_eq!(again, entry);
        assert_eq!(std::fs::read(file).expect("read"), made().variants[0].bytes);
        assert_eq!(store.get(7), Some(entry));
        let left: Vec<String> = std::fs::read_dir(&store.dir)
            .expect("dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left, ["0000000000000007"], "nothing set aside is left behind");
    }

    #[test]
    fn bytes_written_into_an_entry_make_it_missing_and_a_file_only_touched_does_not() {
        let (_tmp, store, entry) = stored();
        // Other bytes of the same length (written in place: a new modification time).
        let mut bytes = std::fs::read(&entry.original).expect("read");
        bytes[100] ^= 0xff;
        std::fs::write(&entry.original, &bytes).expect("write");
        assert_eq!(store.get(7), None);
        let entry = store.put(7, &made()).expect("put");
        // The same bytes written again (a restored cache: another inode and time): trusted
        // after one reading, and the new state recorded so that the next build reads nothing.
        let file = &entry.variants[1].3;
        let same = std::fs::read(file).expect("read");
        std::fs::remove_file(file).expect("rm");
        std::fs::write(file, &same).expect("write");
        let meta_before = std::fs::read_to_string(store.dir.join("0000000000000007/meta")).expect("meta");
        assert_eq!(store.get(7).as_ref(), Some(&entry));
        let meta_after = std::fs::read_to_string(store.dir.join("0000000000000007/meta")).expect("meta");
        assert_ne!(meta_before, meta_after, "the new state is recorded");
        let (_, files) = read_meta(&store.dir.join("0000000000000007")).expect("read back");
        assert!(files.iter().all(|f| cache_state(&f.path) == Some(f.state)));
    }

    #[test]
    fn a_missing_file_or_a_link_in_place_of_one_makes_an_entry_missing() {
        let (tmp, store, entry) = stored();
        std::fs::remove_file(&entry.variants[1].3).expect("rm");
        assert_eq!(store.get(7), None);
        let entry = store.put(7, &made()).expect("put");
        let elsewhere = tmp.path().join("elsewhere.webp");
        std::fs::copy(&entry.variants[0].3, &elsewhere).expect("copy");
        std::fs::remove_file(&entry.variants[0].3).expect("rm");
        std::os::unix::fs::symlink(&elsewhere, &entry.variants[0].3).expect("symlink");
        assert_eq!(store.get(7), None, "a link is not a file of the cache, even to the right bytes");
    }

    /// A build reads the index once and no entry's `meta`: the entry's `meta` made unreadable,
    /// an entry in the index whose files are as recorded is still found, with its files'
    /// states for the write stage (and nothing for a file that is not the cache's).
    #[test]
    fn an_entry_in_the_index_is_found_without_its_meta_and_gives_its_files_states() {
        let (_tmp, store, entry) = stored();
        store.save();
        std::fs::write(store.dir.join("0000000000000007/meta"), "damaged").expect("write");
        let again = DiskStore::new(store.dir.clone());
        assert_eq!(again.get(7).as_ref(), Some(&entry));
        let copies = BTreeMap::from([
            ("a.png".to_string(), entry.original.clone()),
            ("a.150.webp".to_string(), entry.variants[0].3.clone()),
            ("b.css".to_string(), store.dir.join("b.css")),
        ]);
        let linked = again.linked(&copies);
        assert_eq!(linked.keys().collect::<Vec<_>>(), ["a.150.webp", "a.png"]);
        assert_eq!(linked["a.png"], cache_state(&entry.original).expect("state"));
        // Without the index, the same entry is checked from its `meta`: damaged, not found.
        std::fs::remove_file(store.dir.join("index")).expect("rm");
        assert_eq!(DiskStore::new(store.dir.clone()).get(7), None);
    }

    /// The index is only a hint: a file written over (same length, other bytes) after the
    /// index recorded it makes the entry missing, and a file replaced by the same bytes (a
    /// restored cache) is checked from the entry's `meta` and read, and the index then records
    /// its new state.
    #[test]
    fn an_index_that_disagrees_with_the_files_is_not_trusted() {
        let (_tmp, store, entry) = stored();
        store.save();
        let file = &entry.variants[1].3;
        let same = std::fs::read(file).expect("read");
        std::fs::remove_file(file).expect("rm");
        std::fs::write(file, &same).expect("write");
        let again = DiskStore::new(store.dir.clone());
        assert_eq!(again.indexed(7, &store.dir.join("0000000000000007")), None, "the index disagrees");
        assert_eq!(again.get(7).as_ref(), Some(&entry), "checked from its meta and its bytes");
        again.save();
        let third = DiskStore::new(store.dir.clone());
        assert!(third.indexed(7, &store.dir.join("0000000000000007")).is_some(), "the new state is indexed");
        // Past the file system's clock tick: a write in the same tick may keep the time.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let mut bytes = std::fs::read(&entry.original).expect("read");
        bytes[100] ^= 0xff;
        std::fs::write(&entry.original, &bytes).expect("write");
        let fourth = DiskStore::new(store.dir.clone());
        assert_eq!(fourth.get(7), None, "other bytes in place: never taken for made");
    }

    #[test]
    fn an_entry_of_the_first_meta_version_is_made_again() {
        let (_tmp, store, _) = stored();
        let meta = store.dir.join("0000000000000007/meta");
        std::fs::write(&meta, "loa-image-1 300 200 png still\n150 100 webp\n150 100 png\n").expect("write");
        // The next build (a new store: this one remembers the entry it made).
        assert_eq!(DiskStore::new(store.dir.clone()).get(7), None);
        // An index of that version too: its entries are `meta` texts, read as such.
        std::fs::write(
            store.dir.join("index"),
            format!("{INDEX_VERSION}\n0000000000000007 loa-image-1 300 200 png still\n"),
        )
        .expect("write");
        assert_eq!(DiskStore::new(store.dir.clone()).get(7), None);
    }
}
