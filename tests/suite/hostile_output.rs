//! The output-folder part of the hostile-input catalogue (issue 21): what a build does with an
//! output folder that others write into, share, link out of, or mount.
//!
//! Each test names the case it checks. Every run is bounded (`catalogue::run`); where a build
//! must be refused, nothing may be written anywhere; where it must succeed, the output must be
//! exactly the site's tree, and no staging folder may be left behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::catalogue::{Run, run};
use crate::harness::{minimal_site, tree, write};

/// `loa build ARGS` in `site`, which must succeed.
fn builds(site: &Path, args: &[&str]) -> Run {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let r = run(site, &all);
    assert_eq!(r.code, Some(0), "loa {all:?} failed:\n{}", r.stderr);
    r
}

/// The published files of an output folder (its marker is loa's bookkeeping, not the site).
fn published(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut t = tree(dir);
    t.remove(".loa-output");
    t
}

/// Every entry under `dir` (folders too, symlinks not followed), as relative paths.
fn entries(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .flatten()
        .map(|e| e.path().strip_prefix(dir).expect("prefix").to_string_lossy().into_owned())
        .collect()
}

/// Names in `dir` that a finished build must not leave: staging, old and aborted folders.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(".staging-") || n.contains(".old-") || n.contains("-aborted"))
                .collect()
        })
        .unwrap_or_default()
}

/// What `site` publishes, built on its own into a fresh folder.
fn reference(site: &Path) -> BTreeMap<String, Vec<u8>> {
    let elsewhere = tempfile::tempdir().expect("tmp");
    let out = elsewhere.path().join("public");
    builds(site, &["--output-dir", out.to_str().expect("utf-8")]);
    published(&out)
}

// ───────────────────────── Case 2. One output folder, one build at a time ─────────────────────────

/// A site whose every page says `who`, with `extra` pages of its own.
fn site_saying(who: &str, extra: usize) -> tempfile::TempDir {
    let site = minimal_site();
    for i in 0..150 {
        write(
            site.path(),
            &format!("content/bai-viet/b{i}.md"),
            &format!("---\ntitle: Bài {i}\ndate: 2022-09-15\n---\nTrang của {who}.\n"),
        );
    }
    for i in 0..extra {
        write(
            site.path(),
            &format!("content/rieng/{who}-{i}.md"),
            &format!("---\ntitle: Riêng {i}\n---\nChỉ {who} có.\n"),
        );
    }
    site
}

#[test]
fn two_sites_racing_for_one_output_folder_leave_exactly_one_complete_site() {
    // Case 2: two builds of different sites into one output folder take turns; the output is
    // always one site's complete tree, never a mix.
    let (a, b) = (site_saying("a", 5), site_saying("b", 9));
    let (want_a, want_b) = (reference(a.path()), reference(b.path()));
    assert_ne!(want_a, want_b);
    let shared = tempfile::tempdir().expect("tmp");
    let out = shared.path().join("public");
    let out_arg = out.to_str().expect("utf-8").to_string();
    for round in 0..10 {
        let racers: Vec<_> = [a.path().to_path_buf(), b.path().to_path_buf()]
            .into_iter()
            .map(|root| {
                let out_arg = out_arg.clone();
                std::thread::spawn(move || run(&root, &["build", "--output-dir", &out_arg]))
            })
            .collect();
        for r in racers {
            let r = r.join().expect("thread");
            assert_eq!(r.code, Some(0), "round {round}: {}", r.stderr);
        }
        let got = published(&out);
        assert!(got == want_a || got == want_b, "round {round}: the output mixes the two sites");
        assert!(leftovers(shared.path()).is_empty(), "round {round}: {:?}", leftovers(shared.path()));
        assert!(!shared.path().join(".public.loa-lock").exists(), "round {round}: lock file left");
    }
}

#[cfg(unix)]
#[test]
fn a_held_output_folder_lock_names_its_pid_and_nothing_is_written() {
    // Case 2: the lock beside the output folder is held (here by this test process, with
    // flock(2) as loa takes it): a build of another site waits, then exits 2 naming the PID.
    use std::io::Write as _;
    use std::os::unix::io::AsRawFd;
    let site = minimal_site();
    let shared = tempfile::tempdir().expect("tmp");
    let out = shared.path().join("public");
    let out_arg = out.to_str().expect("utf-8");
    builds(site.path(), &["--output-dir", out_arg]);
    let before = tree(&out);
    let mut held = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(shared.path().join(".public.loa-lock"))
        .expect("lock file");
    // SAFETY: flock on a file descriptor this test owns.
    assert_eq!(unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) }, 0);
    writeln!(held, "{}", std::process::id()).expect("write pid");
    let other = site_saying("khac", 1);
    let r = run(other.path(), &["build", "--output-dir", out_arg]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("(pid {})", std::process::id())), "{}", r.stderr);
    assert!(r.stderr.contains(".public.loa-lock") && r.stderr.contains("gợi ý:"), "{}", r.stderr);
    assert_eq!(tree(&out), before, "written while another build held the output folder");
    assert!(leftovers(shared.path()).is_empty());
    // Released: the other site's build goes through.
    drop(held);
    builds(other.path(), &["--output-dir", out_arg]);
    assert_eq!(published(&out), reference(other.path()));
}

// ───────────────────────── Case 3. Symlinks found in the output ─────────────────────────

// ───────────────────────── Case 4. Mount points and system folders ─────────────────────────

/// Removes what a wrongly accepted build would have created in a system folder.
struct RemoveAfter(Vec<PathBuf>);

impl Drop for RemoveAfter {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = std::fs::remove_dir_all(p);
            let (Some(parent), Some(name)) = (p.parent(), p.file_name()) else { continue };
            let name = name.to_string_lossy().into_owned();
            for e in std::fs::read_dir(parent).into_iter().flatten().flatten() {
                if e.file_name().to_string_lossy().contains(&name) {
                    let _ = std::fs::remove_dir_all(e.path());
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
}

#[test]
fn system_folders_are_refused_even_with_force_and_nothing_is_created() {
    // Case 4: `/etc/...` and `/usr/...` are never an output, whatever `--force` says.
    let site = minimal_site();
    let pid = std::process::id();
    let outs =
        [PathBuf::from(format!("/etc/loa-test-{pid}")), PathBuf::from(format!("/usr/share/loa-x-{pid}"))];
    let _cleanup = RemoveAfter(outs.to_vec());
    for out in &outs {
        let before = tree(site.path());
        let r = run(site.path(), &["build", "--force", "--output-dir", out.to_str().expect("utf-8")]);
        assert_eq!(r.code, Some(2), "{}: {}", out.display(), r.stderr);
        assert!(r.stderr.contains("thư mục hệ thống") && r.stderr.contains("gợi ý:"), "{}", r.stderr);
        assert!(!out.exists(), "{} was created", out.display());
        let name = out.file_name().expect("name").to_string_lossy().into_owned();
        let parent = out.parent().expect("parent");
        let near: Vec<String> = std::fs::read_dir(parent)
            .expect("read")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(&name))
            .collect();
        assert!(near.is_empty(), "created beside {}: {near:?}", out.display());
        assert_eq!(tree(site.path()), before);
    }
}

// ───────────────────────── Case 5a. What "unchanged" means ─────────────────────────

// ───────────────────────── Case 5b. Files loa did not write ─────────────────────────

// ───────────────────────── Case 6. The swap ─────────────────────────

// ───────────────────────── Case 9a. An output path through a file ─────────────────────────

#[test]
fn an_output_path_through_the_lock_file_or_a_regular_file_is_refused() {
    // Case 9a: `--output-dir .loa.lock`, `.loa.lock/x` (the site's lock file, which the build
    // itself creates), and a path whose ancestor is a regular file: exit 2, nothing written.
    let site = minimal_site();
    write(site.path(), "ghi-chu.txt", "của tôi\n");
    let check = |out: &str| {
        let before = entries(site.path());
        let files = tree(site.path());
        let r = run(site.path(), &["build", "--output-dir", out]);
        assert_eq!(r.code, Some(2), "{out}: {}", r.stderr);
        assert!(r.stderr.starts_with("lỗi: ") && r.stderr.contains("gợi ý:"), "{out}: {}", r.stderr);
        assert_eq!(entries(site.path()), before, "{out}: something was created");
        assert_eq!(tree(site.path()), files, "{out}: something was written");
    };
    for out in [".loa.lock", ".loa.lock/x", "ghi-chu.txt/out", "ghi-chu.txt/a/b", "loa.yaml/x"] {
        check(out);
    }
    // The lock file of a build that died.
    write(site.path(), ".loa.lock", "4999999\n");
    for out in [".loa.lock", ".loa.lock/x"] {
        check(out);
    }
}
