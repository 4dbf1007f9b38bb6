//! The output-folder part of the hostile-input catalogue (issue 21): what a build does with an
//! output folder that others write into, share, link out of, or mount.
//!
//! Each test names the case it checks. Every run is bounded (`catalogue::run`); where a build
//! must be refused, nothing may be written anywhere; where it must succeed, the output must be
//! exactly the site's tree, and no staging folder may be left behind.

use std::path::{Path, PathBuf};

use crate::catalogue::run;
use crate::harness::{minimal_site, tree, write};

/// Every entry under `dir` (folders too, symlinks not followed), as relative paths.
fn entries(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .flatten()
        .map(|e| e.path().strip_prefix(dir).expect("prefix").to_string_lossy().into_owned())
        .collect()
}

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
