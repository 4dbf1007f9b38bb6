//! The build cache CI restores (`.loa-cache/`, issue 29): a build of a fresh clone (every file
//! with a new modification time) that finds the last run's cache reuses what did not change and
//! writes exactly what a build without the cache writes; a broken cache is rebuilt, not trusted.

use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::harness::{copy_site, run, sites_dir, tree};

/// The fixture: articles and notices with scripts for the loudspeakers.
const FIXTURE: &str = "bulletins";
const EDITED: &str = "content/bai-viet/hoi-nghi.md";

/// A fresh copy of the fixture in `dir` with one article changed when `edit` is set.
fn clone_site(dir: &Path, edit: bool) {
    copy_site(&sites_dir().join(FIXTURE), dir);
    if edit {
        let file = dir.join(EDITED);
        let mut text = std::fs::read_to_string(&file).expect("read");
        text.push_str("\nBan quản lý cảm ơn 49 chi bộ đã dự hội nghị.\n");
        std::fs::write(&file, text).expect("write");
    }
}

/// Builds `site` into `public/`; gives its files (without loa's marker) and stderr.
fn build(site: &Path) -> (std::collections::BTreeMap<String, Vec<u8>>, String) {
    let out = run(site, &["build", "--root", ".", "--verbose"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "loa build failed:\n{stderr}");
    let mut files = tree(&site.join("public"));
    files.remove(".loa-output");
    (files, stderr)
}

/// Gives every file under `dir` a modification time an hour from now (a fresh clone).
fn touch_all(dir: &Path) {
    let later = SystemTime::now() + Duration::from_secs(3600);
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let f = std::fs::File::options().write(true).open(entry.path()).expect("open");
            f.set_modified(later).expect("set the time");
        }
    }
}

/// The line of `--verbose` that says how many pages' scripts were reused.
fn reuse_line(stderr: &str) -> &str {
    stderr.lines().find(|l| l.contains("bản tin:")).unwrap_or_else(|| panic!("no reuse line in:\n{stderr}"))
}

/// The CI case: the last run's `.loa-cache/` restored into a fresh clone whose files all have
/// new times, one article edited: the build reuses every other page's scripts, and its output is
/// byte for byte the output of a build without any cache.
#[test]
fn a_restored_cache_gives_the_same_bytes_as_a_cold_build() {
    let last_run = tempfile::tempdir().expect("tmp");
    clone_site(last_run.path(), false);
    let (_, first) = build(last_run.path());
    assert!(reuse_line(&first).contains(" 0 trang dùng lại"), "{first}");
    let cache = last_run.path().join(".loa-cache");
    assert!(cache.join("memo/bulletins.bin").is_file(), "the build kept its cache");

    let cold = tempfile::tempdir().expect("tmp");
    clone_site(cold.path(), true);
    let (want, _) = build(cold.path());

    let restored = tempfile::tempdir().expect("tmp");
    clone_site(restored.path(), true);
    copy_site(&cache, &restored.path().join(".loa-cache"));
    touch_all(restored.path());
    let (got, stderr) = build(restored.path());
    // Three articles and a notice have scripts; the edited article's are made again.
    assert!(reuse_line(&stderr).contains(" 3 trang dùng lại"), "{}", reuse_line(&stderr));
    assert!(reuse_line(&stderr).contains(" 1 trang làm mới"), "{}", reuse_line(&stderr));
    // The search excerpts too: only the edited article's is made again.
    let excerpts = stderr.lines().find(|l| l.contains("đoạn trích tìm kiếm:")).expect("excerpts line");
    assert!(excerpts.ends_with(", 1 trang làm mới") && !excerpts.contains(": 0 trang"), "{excerpts}");
    assert_eq!(got.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>());
    for (path, bytes) in &want {
        assert!(got[path] == *bytes, "{path} differs from the cold build's");
    }
    assert!(want.keys().any(|k| k.ends_with("hoi-nghi/ban-tin.txt")), "the fixture has scripts");
    // The cache it leaves is the one the cold build left.
    for name in ["bulletins.bin", "excerpts.bin"] {
        let file = |site: &Path| std::fs::read(site.join(".loa-cache/memo").join(name)).expect("cache file");
        assert!(
            file(restored.path()) == file(cold.path()),
            "the restored build's {name} is the cold build's"
        );
        assert!(file(restored.path()) != file(last_run.path()), "{name}: the edited page's entry is new");
    }
}

/// A restored cache that the build uses whole (nothing changed) is left as it is: the file
/// (tens of megabytes on a large site) is not written again.
#[test]
fn an_unchanged_site_leaves_the_restored_cache_file_alone() {
    use std::os::unix::fs::MetadataExt;
    let last_run = tempfile::tempdir().expect("tmp");
    clone_site(last_run.path(), false);
    build(last_run.path());
    let files = ["bulletins.bin", "excerpts.bin"].map(|n| last_run.path().join(".loa-cache/memo").join(n));
    let state = |file: &Path| {
        let meta = std::fs::metadata(file).expect("cache file");
        (meta.ino(), std::fs::read(file).expect("read"))
    };
    let before = files.clone().map(|f| state(&f));
    touch_all(last_run.path());
    let later = files.clone().map(|f| std::fs::metadata(f).expect("cache file").modified().expect("time"));
    let (_, stderr) = build(last_run.path());
    assert!(reuse_line(&stderr).contains(" 4 trang dùng lại"), "{}", reuse_line(&stderr));
    assert!(reuse_line(&stderr).contains(" 0 trang làm mới"), "{}", reuse_line(&stderr));
    for (k, file) in files.iter().enumerate() {
        assert!(state(file) == before[k], "{file:?} replaced or changed");
        assert_eq!(
            std::fs::metadata(file).expect("file").modified().expect("time"),
            later[k],
            "{file:?} written"
        );
    }
    let (file, inode) = (&files[0], before[0].0);
    // One page changed: the file is written again.
    let edited = last_run.path().join(EDITED);
    let text = std::fs::read_to_string(&edited).expect("read") + "\nThêm một câu.\n";
    std::fs::write(&edited, text).expect("write");
    let (_, stderr) = build(last_run.path());
    assert!(reuse_line(&stderr).contains(" 1 trang làm mới"), "{}", reuse_line(&stderr));
    assert_ne!(std::fs::metadata(file).expect("cache file").ino(), inode, "replaced");
}

/// A cache file cut short (a job stopped while saving it) or written by another build of loa is
/// ignored: every script is made again, the output is the cold build's, and the file is replaced.
#[test]
fn a_broken_or_foreign_cache_is_rebuilt_not_trusted() {
    let cold = tempfile::tempdir().expect("tmp");
    clone_site(cold.path(), false);
    let (want, _) = build(cold.path());
    let file = cold.path().join(".loa-cache/memo/bulletins.bin");
    let whole = std::fs::read(&file).expect("the cache file");

    let mut foreign = whole.clone();
    foreign[8] ^= 1; // the fingerprint of the binary that wrote it
    for broken in [whole[..whole.len() / 2].to_vec(), foreign, b"LOAMEMO1".to_vec(), Vec::new()] {
        let site = tempfile::tempdir().expect("tmp");
        clone_site(site.path(), false);
        std::fs::create_dir_all(site.path().join(".loa-cache/memo")).expect("mkdir");
        std::fs::write(site.path().join(".loa-cache/memo/bulletins.bin"), &broken).expect("write");
        let (got, stderr) = build(site.path());
        assert!(reuse_line(&stderr).contains(" 0 trang dùng lại"), "{}", reuse_line(&stderr));
        assert!(got == want, "the output of a build with a broken cache is the cold build's");
        let rewritten = std::fs::read(site.path().join(".loa-cache/memo/bulletins.bin")).expect("file");
        assert_eq!(rewritten, whole, "the broken file is replaced by a good one");
    }
}
