//! Tests of the write stage's links to made images (`Staging::commit` with `linked`): the
//! output shares the cache's file, a rebuild leaves it alone without reading it, a file put in
//! its place is replaced, a file remade by the cache is linked again, one changed since its
//! check is not published, and a file of another file system or not listed is copied.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt as _;

use std::path::{Path, PathBuf};

use super::staging::{Staging, spare_path};
use crate::output::FileState;

fn build(out: &Path, copies: &BTreeMap<String, PathBuf>, linked: &BTreeMap<String, FileState>) {
    Staging::open(out).expect("open").commit(copies, linked).expect("commit");
}

/// The state a cache gives for its file when it checks it.
fn state(p: &Path) -> FileState {
    let m = std::fs::symlink_metadata(p).expect("meta");
    (m.dev(), m.ino(), m.size(), i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()))
}

/// Device, inode and the inode's change time (a link made or removed changes it).
fn id(p: &Path) -> (u64, u64, i64, i64) {
    let m = std::fs::symlink_metadata(p).expect("meta");
    (m.dev(), m.ino(), m.ctime(), m.ctime_nsec())
}

#[test]
fn a_made_image_is_linked_and_a_rebuild_neither_reads_nor_links_it_again() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (out, made) = (tmp.path().join("public"), tmp.path().join("cache/1.webp"));
    std::fs::create_dir_all(made.parent().expect("parent")).expect("mkdir");
    std::fs::write(&made, b"RIFF made").expect("write");
    let copies = BTreeMap::from([("a/b.webp".to_string(), made.clone())]);
    let linked = BTreeMap::from([("a/b.webp".to_string(), state(&made))]);
    build(&out, &copies, &linked);
    assert_eq!(id(&out.join("a/b.webp")), id(&made), "the output shares the cache's file");
    // Twice more: the second reuses the spare, whose file is already the cache's.
    build(&out, &copies, &linked);
    let before = id(&made);
    std::thread::sleep(std::time::Duration::from_millis(30));
    build(&out, &copies, &linked);
    assert_eq!(id(&made), before, "no link was made or removed: the file was left alone");
    assert_eq!(id(&out.join("a/b.webp")), before);
    // A file put in its place by hand (another inode, even with the same bytes) is replaced
    // by the link; so is a symlink.
    build(&out, &copies, &linked);
    let spare = spare_path(&out);
    std::fs::remove_file(spare.join("a/b.webp")).expect("rm");
    std::fs::write(spare.join("a/b.webp"), b"RIFF made").expect("write");
    build(&out, &copies, &linked);
    assert_eq!(id(&out.join("a/b.webp")).1, id(&made).1);
    std::fs::remove_file(spare.join("a/b.webp")).expect("rm");
    std::os::unix::fs::symlink(&made, spare.join("a/b.webp")).expect("symlink");
    build(&out, &copies, &linked);
    assert!(std::fs::symlink_metadata(out.join("a/b.webp")).expect("meta").is_file());
    assert_eq!(id(&out.join("a/b.webp")).1, id(&made).1);
}

#[test]
fn a_file_not_listed_as_linked_is_copied_and_so_is_one_on_another_file_system() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("public");
    let editors = tmp.path().join("static.css");
    std::fs::write(&editors, b"body{}").expect("write");
    let mut copies = BTreeMap::from([("a.css".to_string(), editors.clone())]);
    let mut linked = BTreeMap::new();
    // Another file system, where there is one (tmpfs): the link fails, the file is copied.
    let shm = tempfile::tempdir_in("/dev/shm").ok();
    if let Some(shm) = &shm {
        let made = shm.path().join("1.webp");
        std::fs::write(&made, b"RIFF shm").expect("write");
        if id(&made).0 != id(tmp.path()).0 {
            copies.insert("b.webp".into(), made.clone());
            linked.insert("b.webp".to_string(), state(&made));
        }
    }
    build(&out, &copies, &linked);
    assert_ne!(id(&out.join("a.css")).1, id(&editors).1, "an editor's file is never shared");
    assert_eq!(std::fs::read(out.join("a.css")).expect("read"), b"body{}");
    if let Some(made) = copies.get("b.webp") {
        assert_ne!(id(&out.join("b.webp")).1, id(made).1);
        assert_eq!(std::fs::read(out.join("b.webp")).expect("read"), b"RIFF shm");
    }
}

#[test]
fn a_file_remade_by_the_cache_is_linked_again_and_one_changed_since_its_check_is_not_published() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (out, made) = (tmp.path().join("public"), tmp.path().join("cache/1.webp"));
    std::fs::create_dir_all(made.parent().expect("parent")).expect("mkdir");
    std::fs::write(&made, b"RIFF made").expect("write");
    let copies = BTreeMap::from([("a/b.webp".to_string(), made.clone())]);
    build(&out, &copies, &BTreeMap::from([("a/b.webp".to_string(), state(&made))]));
    build(&out, &copies, &BTreeMap::from([("a/b.webp".to_string(), state(&made))]));
    // The cache made the file again (a new inode, other bytes): both outputs' files (the
    // output and the spare) are the old one, and the next build links the new one.
    std::fs::remove_file(&made).expect("rm");
    std::fs::write(&made, b"RIFF made again").expect("write");
    build(&out, &copies, &BTreeMap::from([("a/b.webp".to_string(), state(&made))]));
    assert_eq!(id(&out.join("a/b.webp")).1, id(&made).1);
    assert_eq!(std::fs::read(out.join("a/b.webp")).expect("read"), b"RIFF made again");
    // A file that changed after its cache checked it (written over in place by another
    // process meanwhile): the build fails and the output is left as it was.
    let checked = state(&made);
    let before = std::fs::read(out.join("a/b.webp")).expect("read");
    std::fs::remove_file(&made).expect("rm");
    std::fs::write(&made, b"RIFF damaged").expect("write");
    let staging = Staging::open(&out).expect("open");
    let err = staging.commit(&copies, &BTreeMap::from([("a/b.webp".to_string(), checked)]));
    assert!(err.is_err(), "a file not in the state its cache checked is not published");
    assert_eq!(std::fs::read(out.join("a/b.webp")).expect("read"), before);
}
