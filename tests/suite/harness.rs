//! Runs the binary on fixtures and compares trees.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixture folder.
pub fn sites_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites")
}

/// The `loa` binary under test.
pub fn loa() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_loa"));
    c.env_remove("RAYON_NUM_THREADS");
    c
}

/// Runs `loa` with args in `dir`, returning the output.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    loa().args(args).current_dir(dir).output().expect("run loa")
}

/// Copies a folder recursively (skipping `expected*` entries at the top).
pub fn copy_site(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).min_depth(1) {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let top =
            rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
        if top.starts_with("expected") || top == "args" {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// Every file under `dir`: relative path → bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).expect("prefix").to_string_lossy().replace('\\', "/");
            out.insert(rel, std::fs::read(entry.path()).expect("read"));
        }
    }
    out
}

fn bless() -> bool {
    std::env::var_os("LOA_BLESS").is_some()
}

/// Builds fixture `name` and compares its output with `expected/`.
pub fn check_site(name: &str) {
    let fixture = sites_dir().join(name);
    assert!(fixture.is_dir(), "no fixture {name}");
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_site(&fixture, tmp.path());
    let extra = std::fs::read_to_string(fixture.join("args")).unwrap_or_default();
    let mut args = vec!["build", "--root", "."];
    args.extend(extra.split_whitespace());
    let out = run(tmp.path(), &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{name}: loa build failed ({:?}):\n{stderr}", out.status.code());
    // The marker (with its manifest of hashes) is loa's bookkeeping, not the site.
    let mut got = tree(&tmp.path().join("public"));
    got.remove(".loa-output");
    let expected_dir = fixture.join("expected");
    if bless() {
        let _ = std::fs::remove_dir_all(&expected_dir);
        for (rel, bytes) in &got {
            let p = expected_dir.join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, bytes).expect("write");
        }
        std::fs::write(fixture.join("expected.warnings"), stderr.as_bytes()).expect("write");
        return;
    }
    let want = tree(&expected_dir);
    let missing: Vec<&String> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra_files: Vec<&String> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(missing.is_empty(), "{name}: expected files not written: {missing:?}");
    assert!(
        extra_files.is_empty(),
        "{name}: files written but not expected (stale expected tree?): {extra_files:?}"
    );
    for (rel, bytes) in &want {
        let g = &got[rel];
        if g != bytes {
            let (a, b) = (String::from_utf8_lossy(bytes), String::from_utf8_lossy(g));
            let line = a.lines().zip(b.lines()).position(|(x, y)| x != y).unwrap_or(0);
            panic!(
                "{name}: {rel} differs at line {}:\n  expected: {}\n  got:      {}",
                line + 1,
                a.lines().nth(line).unwrap_or(""),
                b.lines().nth(line).unwrap_or("")
            );
        }
    }
    let want_warnings = std::fs::read_to_string(fixture.join("expected.warnings")).unwrap_or_default();
    assert_eq!(stderr, want_warnings, "{name}: warnings differ");
}

/// Builds invalid fixture `name`; compares stderr and exit code; checks public/ is untouched.
pub fn check_invalid(name: &str) {
    let fixture = sites_dir().join("invalid").join(name);
    assert!(fixture.is_dir(), "no fixture invalid/{name}");
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_site(&fixture, tmp.path());
    // A previous good output that must survive the failed build byte for byte.
    let public = tmp.path().join("public");
    std::fs::create_dir_all(public.join("old")).expect("mkdir");
    std::fs::write(public.join(".loa-output"), "marker\n").expect("write");
    std::fs::write(public.join("old/index.html"), "previous good build\n").expect("write");
    let before = tree(&public);
    let out = run(tmp.path(), &["build", "--root", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code();
    if bless() {
        std::fs::write(fixture.join("expected.stderr"), &stderr).expect("write");
        if code != Some(1) {
            std::fs::write(fixture.join("expected.code"), format!("{}\n", code.unwrap_or(-1)))
                .expect("write");
        }
        return;
    }
    let want_code: i32 = std::fs::read_to_string(fixture.join("expected.code"))
        .map(|s| s.trim().parse().expect("code"))
        .unwrap_or(1);
    let want = std::fs::read_to_string(fixture.join("expected.stderr")).expect("expected.stderr");
    assert_eq!(stderr, want, "invalid/{name}: diagnostics differ");
    assert_eq!(code, Some(want_code), "invalid/{name}: exit code");
    assert_eq!(tree(&public), before, "invalid/{name}: public/ changed by a failed build");
    let leftovers: Vec<String> = std::fs::read_dir(tmp.path())
        .expect("read")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "invalid/{name}: staging left behind: {leftovers:?}");
}

/// Writes a file, creating folders.
pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

/// A minimal valid site in a temp folder, with its own tiny templates.
pub fn minimal_site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    write(root, "loa.yaml", "title: Thử\nbase_url: https://thu.example.vn\n");
    write(root, "content/_index.md", "---\ntitle: Trang chủ\n---\nXin chào.\n");
    write(root, "content/bai-viet/_index.md", "---\ntitle: Bài viết\nkind: article\n---\n");
    write(root, "content/bai-viet/mot.md", "---\ntitle: Một\ndate: 2022-09-15\n---\nNội dung.\n");
    write(
        root,
        "templates/base.html",
        "<!DOCTYPE html><html lang=\"vi\"><title>{% block t %}{% endblock %}</title><body>{% block b %}{% endblock %}</body></html>\n",
    );
    write(
        root,
        "templates/index.html",
        "{% extends \"base.html\" %}{% block t %}{{ site.title }}{% endblock %}{% block b %}{{ section.content | safe }}{% endblock %}",
    );
    write(
        root,
        "templates/section.html",
        "{% extends \"base.html\" %}{% block t %}{{ section.title }}{% endblock %}{% block b %}{% for p in section.pages %}{{ p.title }}{% endfor %}{% endblock %}",
    );
    write(
        root,
        "templates/page.html",
        "{% extends \"base.html\" %}{% block t %}{{ page.title }}{% endblock %}{% block b %}{{ page.content | safe }}{% endblock %}",
    );
    tmp
}

/// Held by each test that runs Chromium or another heavy program (the theme's browser checks,
/// Lighthouse, the HTML checker, the `serve` browser test): Lighthouse times the pages, and a
/// heavy program working beside it would make those times worse than the site's.
pub fn browser_lock() -> std::sync::MutexGuard<'static, ()> {
    static BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());
    BROWSER.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
