//! The share cards made by earlier builds, kept in one file (`.loa-cache/cards/cards.pack`)
//! rather than a file a card: a cold build on ext4 spent more of its system time creating and
//! renaming 9,433 small files than drawing them.
//!
//! Takes: the cache folder; cards' keys ([`super::card::CardText::key`]) and bytes.
//! Gives: [`Pack::get`], the bytes kept for a key, checked; [`Pack::put`], a card appended.
//! Must not: give bytes it cannot check, fail a build (a pack that cannot be opened or written
//! is no cache: every card is drawn), or read the whole file at once (at a million pages it is
//! tens of gigabytes: each card is read where it lies).
//!
//! The layout: `LOACARD1`, the drawing ([`super::card::DRAWING`], u32) and 4 bytes of zeros;
//! then records, each a key (u64), the card's length (u32), a checksum of the card's bytes
//! (u64), a check of those three (u32), then the card. Integers little-endian. Opening walks
//! the records' headers: at the first one that does not check (a build stopped while writing,
//! a file cut short) the file is cut, and what was after it is drawn again. A file of another
//! drawing or format is started again. A card whose bytes do not match their checksum is drawn
//! again and appended (the later record of a key wins). When fewer than half of the records
//! were used by a build, the file is written again with those only ([`Pack::compact`]).

use std::collections::HashMap;
use std::fs::File;
use std::hash::Hasher as _;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

const MAGIC: &[u8; 8] = b"LOACARD1";
const HEAD: u64 = 16;
const RECORD: usize = 24;
/// The pack's name in the cache folder.
pub const FILE: &str = "cards.pack";

/// Where each card lies in the file.
#[derive(Debug, Clone, Copy)]
struct Entry {
    at: u64,
    len: u32,
    sum: u64,
}

/// An open pack ([`Pack::open`]).
#[derive(Debug)]
pub struct Pack {
    path: PathBuf,
    /// The file and where the next record goes; none when it cannot be used.
    file: Option<Mutex<(File, u64)>>,
    /// The file again, to read cards from (`read_at` needs no lock).
    reader: Option<File>,
    index: HashMap<u64, Entry>,
    /// Records walked (a key's earlier ones too) and added.
    walked: usize,
    added: AtomicUsize,
}

fn sum(bytes: &[u8]) -> u64 {
    let mut h = crate::fingerprint::hasher();
    h.write(bytes);
    h.finish()
}

fn check(key: u64, len: u32, sum: u64) -> u32 {
    let mut h = crate::fingerprint::hasher();
    h.write_u64(key);
    h.write_u32(len);
    h.write_u64(sum);
    h.finish() as u32
}

fn header(drawing: u32) -> [u8; HEAD as usize] {
    let mut h = [0u8; HEAD as usize];
    h[..8].copy_from_slice(MAGIC);
    h[8..12].copy_from_slice(&drawing.to_le_bytes());
    h
}

impl Pack {
    /// The pack in `dir` for cards of `drawing`, made when there is none; its records walked
    /// and the file cut after the last whole one. Old caches of a file a card in `dir` are
    /// removed.
    pub fn open(dir: &Path, drawing: u32) -> Pack {
        let path = dir.join(FILE);
        if std::fs::create_dir_all(dir).is_err() {
            return Pack::empty(&path, HashMap::new());
        }
        remove_single_files(dir);
        Pack::open_file(&path, drawing)
    }

    fn open_file(path: &Path, drawing: u32) -> Pack {
        let mut pack = Pack::empty(path, HashMap::new());
        let Ok(file) = File::options().read(true).write(true).create(true).truncate(false).open(path) else {
            return pack;
        };
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut head = [0u8; HEAD as usize];
        let end = if len >= HEAD && file.read_exact_at(&mut head, 0).is_ok() && head == header(drawing) {
            pack.walk(&file, len)
        } else {
            if file.set_len(0).is_err() || file.write_all_at(&header(drawing), 0).is_err() {
                return pack;
            }
            HEAD
        };
        if end < len && file.set_len(end).is_err() {
            return pack;
        }
        pack.reader = file.try_clone().ok();
        pack.file = Some(Mutex::new((file, end)));
        pack
    }

    /// Indexes the records of `file` (`len` bytes); gives where the whole ones end.
    fn walk(&mut self, file: &File, len: u64) -> u64 {
        let mut at = HEAD;
        let mut record = [0u8; RECORD];
        while at + RECORD as u64 <= len && file.read_exact_at(&mut record, at).is_ok() {
            let word = |from: usize| u64::from_le_bytes(record[from..from + 8].try_into().expect("8 bytes"));
            let key = word(0);
            let size = u32::from_le_bytes(record[8..12].try_into().expect("4 bytes"));
            let sum = word(12);
            let checked = u32::from_le_bytes(record[20..24].try_into().expect("4 bytes"));
            let next = at + RECORD as u64 + u64::from(size);
            if checked != check(key, size, sum) || next > len {
                break;
            }
            self.index.insert(key, Entry { at: at + RECORD as u64, len: size, sum });
            self.walked += 1;
            at = next;
        }
        at
    }

    /// The card kept for `key`, if its bytes check.
    pub fn get(&self, key: u64) -> Option<Vec<u8>> {
        let entry = self.index.get(&key)?;
        let mut bytes = vec![0u8; entry.len as usize];
        self.reader.as_ref()?.read_exact_at(&mut bytes, entry.at).ok()?;
        (sum(&bytes) == entry.sum).then_some(bytes)
    }

    /// Appends the card of `key` (a failure to write leaves the pack as it was: the record is
    /// cut off by the next opening).
    pub fn put(&self, key: u64, bytes: &[u8]) {
        let Some(file) = &self.file else { return };
        let Ok(len) = u32::try_from(bytes.len()) else { return };
        let s = sum(bytes);
        let mut record = Vec::with_capacity(RECORD + bytes.len());
        record.extend_from_slice(&key.to_le_bytes());
        record.extend_from_slice(&len.to_le_bytes());
        record.extend_from_slice(&s.to_le_bytes());
        record.extend_from_slice(&check(key, len, s).to_le_bytes());
        record.extend_from_slice(bytes);
        let Ok(mut f) = file.lock() else { return };
        let at = f.1;
        if f.0.write_all_at(&record, at).is_ok() {
            f.1 = at + record.len() as u64;
            self.added.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// After a build: when fewer than half of the records hold the cards of `keep` (the
    /// build's: titles changed, pages removed), the pack is written again with those only
    /// (beside, then renamed).
    pub fn compact(self, keep: impl Iterator<Item = u64>, drawing: u32) {
        let keep: Vec<u64> = keep.collect();
        let added = self.added.into_inner();
        let used = keep.iter().filter(|k| self.index.contains_key(k)).count() + added;
        if self.reader.is_none() || used * 2 >= self.walked + added {
            return;
        }
        drop(self.file);
        // Opened again: the cards this build added are in the index now.
        let now = Pack::open_file(&self.path, drawing);
        let new = self.path.with_extension("new");
        let _ = std::fs::remove_file(&new);
        let fresh = Pack::open_file(&new, drawing);
        for key in keep {
            if let Some(bytes) = now.get(key) {
                fresh.put(key, &bytes);
            }
        }
        let whole = fresh.file.is_some();
        drop(fresh);
        if !whole || std::fs::rename(&new, &self.path).is_err() {
            let _ = std::fs::remove_file(&new);
        }
    }

    fn empty(path: &Path, index: HashMap<u64, Entry>) -> Pack {
        Pack {
            path: path.to_path_buf(),
            file: None,
            reader: None,
            index,
            walked: 0,
            added: AtomicUsize::new(0),
        }
    }
}

/// Removes the cards an older loa kept a file each (`<key>.<drawing>.png`, `.<key>.<pid>.tmp`).
fn remove_single_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".png") || (name.starts_with('.') && name.ends_with(".tmp")) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(n: u8) -> Vec<u8> {
        (0..1000u32).map(|i| (i as u8).wrapping_mul(n)).collect()
    }

    #[test]
    fn cards_put_are_given_back_by_the_next_opening() {
        let dir = tempfile::tempdir().expect("tmp");
        let pack = Pack::open(dir.path(), 7);
        assert_eq!(pack.get(1), None);
        pack.put(1, &card(1));
        pack.put(2, &card(2));
        drop(pack);
        let pack = Pack::open(dir.path(), 7);
        assert_eq!((pack.get(1), pack.get(2), pack.get(3)), (Some(card(1)), Some(card(2)), None));
        // Another drawing: nothing is reused, and the file starts again.
        drop(pack);
        let pack = Pack::open(dir.path(), 8);
        assert_eq!(pack.get(1), None);
        drop(pack);
        assert_eq!(std::fs::metadata(dir.path().join(FILE)).expect("file").len(), HEAD);
    }

    #[test]
    fn a_damaged_pack_gives_only_what_checks_and_is_mended() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join(FILE);
        let pack = Pack::open(dir.path(), 7);
        for n in 1..=3 {
            pack.put(u64::from(n), &card(n));
        }
        drop(pack);
        let whole = std::fs::read(&path).expect("pack");
        let second = HEAD as usize + RECORD + 1000;
        // A byte of the second card changed: that card is not given, the others are.
        let mut bytes = whole.clone();
        bytes[second + RECORD + 10] ^= 1;
        std::fs::write(&path, &bytes).expect("write");
        let pack = Pack::open(dir.path(), 7);
        assert_eq!((pack.get(1), pack.get(2), pack.get(3)), (Some(card(1)), None, Some(card(3))));
        // Drawn again and appended: the next opening has it.
        pack.put(2, &card(2));
        drop(pack);
        assert_eq!(Pack::open(dir.path(), 7).get(2), Some(card(2)));
        // A header changed: the walk stops there and the file is cut; what was before is kept.
        let mut bytes = whole.clone();
        bytes[second + 9] ^= 1;
        std::fs::write(&path, &bytes).expect("write");
        let pack = Pack::open(dir.path(), 7);
        assert_eq!((pack.get(1), pack.get(2), pack.get(3)), (Some(card(1)), None, None));
        drop(pack);
        assert_eq!(std::fs::metadata(&path).expect("file").len(), second as u64);
        // Cut short in the last card (a CI job stopped while saving its cache).
        std::fs::write(&path, &whole[..whole.len() - 1]).expect("write");
        let pack = Pack::open(dir.path(), 7);
        assert_eq!((pack.get(2), pack.get(3)), (Some(card(2)), None));
        pack.put(3, &card(3));
        drop(pack);
        assert_eq!(std::fs::read(&path).expect("pack"), whole);
        // Not a pack at all, or shorter than its header.
        for junk in [
            b"broken".as_slice(),
            b"LOACARD1\x07\0\0\0\0\0\0\0garbage-that-is-long-enough-for-a-record".as_slice(),
        ] {
            std::fs::write(&path, junk).expect("write");
            let pack = Pack::open(dir.path(), 7);
            assert_eq!(pack.get(1), None);
            pack.put(1, &card(1));
            drop(pack);
            assert_eq!(Pack::open(dir.path(), 7).get(1), Some(card(1)));
        }
    }

    #[test]
    fn a_pack_mostly_unused_is_written_again_with_the_cards_in_use() {
        let dir = tempfile::tempdir().expect("tmp");
        let pack = Pack::open(dir.path(), 7);
        for n in 1..=5 {
            pack.put(u64::from(n), &card(n));
        }
        pack.compact([1, 2, 3, 4, 5].into_iter(), 7);
        let size = std::fs::metadata(dir.path().join(FILE)).expect("file").len();
        // A build that used two of the five.
        let pack = Pack::open(dir.path(), 7);
        assert!(pack.get(2).is_some() && pack.get(4).is_some());
        pack.compact([2, 4].into_iter(), 7);
        let pack = Pack::open(dir.path(), 7);
        assert_eq!((pack.get(1), pack.get(2), pack.get(4)), (None, Some(card(2)), Some(card(4))));
        assert!(std::fs::metadata(dir.path().join(FILE)).expect("file").len() < size / 2);
    }

    #[test]
    fn a_folder_that_cannot_be_made_is_no_cache_and_no_failure() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join("file"), b"x").expect("write");
        let pack = Pack::open(&dir.path().join("file/cards"), 7);
        pack.put(1, &card(1));
        assert_eq!(pack.get(1), None);
    }

    #[test]
    fn cards_an_older_loa_kept_a_file_each_are_removed() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join("68595512b5aa1a64.3.png"), b"png").expect("write");
        std::fs::write(dir.path().join(".68595512b5aa1a64.99.tmp"), b"tmp").expect("write");
        drop(Pack::open(dir.path(), 7));
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec![FILE.to_string()]);
    }
}
