//! Output safety (RELIABILITY group E and C-BUILD): refused output folders exit 2 with nothing
//! touched; a failed build leaves public/ as it was; builds are byte-identical.

use std::path::Path;

use crate::harness::{minimal_site, run, tree, write};

fn assert_refused(site: &Path, out: &str) {
    let before = tree(site);
    let result = run(site, &["build", "--output-dir", out]);
    assert_eq!(result.status.code(), Some(2), "output {out}: {}", String::from_utf8_lossy(&result.stderr));
    let err = String::from_utf8_lossy(&result.stderr);
    assert!(err.starts_with("lỗi: thư mục xuất") || err.starts_with("lỗi: `"), "{out}: {err}");
    assert!(err.contains("gợi ý:"), "{err}");
    assert_eq!(tree(site), before, "output {out}: the site was touched");
}

#[test]
fn refuses_the_site_root_its_ancestors_and_source_folders() {
    let site = minimal_site();
    let root = site.path();
    std::fs::create_dir_all(root.join("static")).expect("mkdir");
    for out in [".", "..", "/", "content", "content/public", "templates", "static", "themes"] {
        assert_refused(root, out);
    }
}

#[test]
fn refuses_the_home_folder() {
    let site = minimal_site();
    let home = std::env::var("HOME").expect("HOME");
    assert_refused(site.path(), &home);
}

#[test]
fn refuses_output_dir_from_config_before_any_io() {
    let site = minimal_site();
    write(site.path(), "loa.yaml", "title: T\nbase_url: https://t.vn\noutput_dir: .\n");
    let before = tree(site.path());
    let out = run(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(tree(site.path()), before);
}

#[test]
fn refuses_a_symlink_to_the_site_root() {
    let site = minimal_site();
    std::os::unix::fs::symlink(site.path(), site.path().join("public")).expect("symlink");
    let before = tree(&site.path().join("content"));
    let out = run(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(tree(&site.path().join("content")), before);
}

#[test]
fn refuses_a_non_empty_folder_it_did_not_create() {
    let site = minimal_site();
    write(site.path(), "public/.git/HEAD", "ref: refs/heads/main\n");
    write(site.path(), "public/ghi-chu.txt", "của tôi\n");
    let before = tree(&site.path().join("public"));
    let out = run(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("không do loa tạo ra"));
    assert_eq!(tree(&site.path().join("public")), before);
}

#[test]
fn an_empty_folder_or_its_own_output_is_replaced() {
    let site = minimal_site();
    std::fs::create_dir(site.path().join("public")).expect("mkdir");
    assert!(run(site.path(), &["build"]).status.success());
    assert!(site.path().join("public/.loa-output").is_file());
    write(site.path(), "public/stale.html", "old\n");
    assert!(run(site.path(), &["build"]).status.success());
    assert!(!site.path().join("public/stale.html").exists(), "stale file survived a rebuild");
}

#[test]
fn files_changed_or_deleted_in_a_published_output_are_written_again_when_it_is_reused() {
    // The output a build replaces is kept as the spare the build after next writes into,
    // leaving alone the files whose bytes it would write again. A hand edit or a deleted file
    // in the published output must not survive into a later output.
    let site = minimal_site();
    assert!(run(site.path(), &["build"]).status.success());
    assert!(run(site.path(), &["build"]).status.success());
    let good = tree(&site.path().join("public"));
    let edited = good.keys().find(|k| k.ends_with("index.html")).expect("a page").clone();
    let deleted = good.keys().find(|k| k.ends_with(".xml")).expect("a feed").clone();
    write(site.path(), &format!("public/{edited}"), "sửa tay\n");
    std::fs::remove_file(site.path().join("public").join(&deleted)).expect("rm");
    // The edited output becomes the spare of the second build from now.
    for _ in 0..2 {
        assert!(run(site.path(), &["build"]).status.success());
    }
    assert_eq!(tree(&site.path().join("public")), good);
}

#[test]
fn failed_build_leaves_public_byte_identical_and_no_staging() {
    let site = minimal_site();
    assert!(run(site.path(), &["build"]).status.success());
    let before = tree(&site.path().join("public"));
    write(site.path(), "content/bai-viet/hong.md", "---\ntitle: [\n---\n");
    let out = run(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(tree(&site.path().join("public")), before);
    let names: Vec<String> = std::fs::read_dir(site.path())
        .expect("read")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("staging") || n.contains(".old-")), "{names:?}");
}

#[test]
fn stale_staging_folders_are_cleaned_at_the_next_run() {
    let site = minimal_site();
    write(site.path(), ".public.staging-999999/.loa-output", "marker\n");
    write(site.path(), ".public.staging-999999/x.html", "half\n");
    write(site.path(), ".public.old-999998/.loa-output", "marker\n");
    assert!(run(site.path(), &["build"]).status.success());
    assert!(!site.path().join(".public.staging-999999").exists());
    assert!(!site.path().join(".public.old-999998").exists());
}

#[test]
fn two_builds_are_byte_identical_whatever_the_thread_count() {
    let site = minimal_site();
    for i in 0..12 {
        write(
            site.path(),
            &format!("content/bai-viet/b{i}.md"),
            &format!("---\ntitle: Bài {i}\ndate: 2022-09-{:02}\n---\n## Mục\nx\n", i + 1),
        );
    }
    let out1 = crate::harness::loa()
        .args(["build"])
        .current_dir(site.path())
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .expect("run");
    assert!(out1.status.success());
    let first = tree(&site.path().join("public"));
    let out2 = crate::harness::loa()
        .args(["build"])
        .current_dir(site.path())
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .expect("run");
    assert!(out2.status.success());
    assert_eq!(tree(&site.path().join("public")), first);
}
