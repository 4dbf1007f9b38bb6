//! Bulletins for the loudspeakers (issue 26) on whole sites: the real site's scripts as golden
//! files, the SSML well-formed, and the warnings of `loa check` at `file:line`. (The readings
//! themselves are unit-tested beside `src/vi/spell.rs`, with the table of readings; a fixture
//! with every output is `tests/sites/bulletins/`.)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::harness::{minimal_site, run, tree, write};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where the real site's scripts are kept, by output path.
const GOLDEN: &str = "tests/golden/ban-tin";

/// The scripts of a built site: output path → text.
fn scripts(public: &Path) -> BTreeMap<String, String> {
    tree(public)
        .into_iter()
        .filter(|(path, _)| path.ends_with("/ban-tin.txt") || path.ends_with("/ban-tin.ssml"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).expect("a script is UTF-8")))
        .collect()
}

/// Every script of the repository's own site (every article and campaign audience page) is
/// its golden file in `tests/golden/ban-tin/`. The content changes often: `LOA_BLESS=1`
/// rewrites them (and removes those of pages that are gone), then read the diff.
#[test]
fn the_real_sites_scripts_are_their_golden_files() {
    let out = tempfile::tempdir().expect("tmp");
    let public = out.path().join("public");
    let result = run(&repo(), &["build", "--root", ".", "--output-dir", public.to_str().expect("utf-8")]);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let got = scripts(&public);
    assert!(got.len() >= 2 * 8, "only {} scripts on the real site", got.len());
    let golden_dir = repo().join(GOLDEN);
    if std::env::var_os("LOA_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&golden_dir);
        for (path, text) in &got {
            write(&golden_dir, path, text);
        }
        return;
    }
    let want: BTreeMap<String, String> = tree(&golden_dir)
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8(bytes).expect("UTF-8")))
        .collect();
    let mut problems = Vec::new();
    for (path, text) in &got {
        match want.get(path) {
            None => problems.push(format!("new script {path}")),
            Some(w) if w != text => {
                let line = w.lines().zip(text.lines()).position(|(a, b)| a != b).unwrap_or(0);
                problems.push(format!(
                    "{path} differs at line {}:\n  kept: {}\n  made: {}",
                    line + 1,
                    w.lines().nth(line).unwrap_or(""),
                    text.lines().nth(line).unwrap_or("")
                ));
            }
            Some(_) => {}
        }
    }
    problems
        .extend(want.keys().filter(|p| !got.contains_key(*p)).map(|p| format!("script no longer made: {p}")));
    assert!(
        problems.is_empty(),
        "the real site's bulletin scripts differ from {GOLDEN}/ (after a content or reading change, \
         regenerate them with `LOA_BLESS=1 cargo test --test suite bulletin::the_real_sites_scripts` \
         and read `git diff {GOLDEN}`):\n{}",
        problems.join("\n")
    );
}

/// Every SSML script of the real site and of the fixture is well-formed XML with a `<speak>`
/// root in Vietnamese.
#[test]
fn ssml_scripts_are_well_formed() {
    let mut checked = 0;
    for dir in [repo().join(GOLDEN), repo().join("tests/sites/bulletins/expected")] {
        for (path, text) in scripts(&dir) {
            if !path.ends_with(".ssml") {
                continue;
            }
            let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
            let root = doc.root_element();
            assert_eq!(root.tag_name().name(), "speak", "{path}");
            assert_eq!(
                root.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
                Some("vi-VN"),
                "{path}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} SSML scripts");
}

/// `loa check` warns at `file:line` about a stretch too long for one breath, a token it cannot
/// spell out, a number read two ways and a table too large; `loa build` does not.
#[test]
fn check_warns_at_the_line_of_each_sentence() {
    let site = minimal_site();
    let root = site.path();
    write(
        root,
        "content/bai-viet/mot.md",
        "---\ntitle: Một\ndate: 2022-09-15\n---\nCâu đầu ngắn.\n\nĐại diện BQL phát biểu. Hội nghị tổng kết công tác khuyến học khuyến tài xây dựng xã hội học tập của các chi bộ trong Đảng bộ Khối các cơ quan Trung ương diễn ra tại hội trường lớn.\nToàn Đảng bộ có 1,250 đảng viên.\n",
    );
    let rows: String = (1..=9).map(|i| format!("| {i} | x |\n")).collect();
    write(
        root,
        "content/bai-viet/hai.md",
        &format!("---\ntitle: Hai\ndate: 2022-09-16\n---\nBảng:\n\n| a | b |\n|---|---|\n{rows}"),
    );
    let out = run(root, &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("cảnh báo:")).collect();
    let at = |prefix: &str, what: &str| {
        assert!(
            lines.iter().any(|l| l.starts_with(prefix) && l.contains(what)),
            "no warning `{what}` at {prefix} in:\n{stderr}"
        );
    };
    at("content/bai-viet/mot.md:7:1:", "không đọc được `BQL`");
    at("content/bai-viet/mot.md:7:1:", "không có chỗ ngắt");
    at("content/bai-viet/mot.md:8:1:", "`1,250` đọc được hai cách");
    at("content/bai-viet/hai.md:7:1:", "bảng quá lớn");
    assert_eq!(lines.len(), 4, "{stderr}");
    let built = run(root, &["build"]);
    assert!(built.status.success());
    assert!(!String::from_utf8_lossy(&built.stderr).contains("cảnh báo"), "build stays quiet");
    // The scripts are written by `loa build`, beside each article.
    let script = std::fs::read_to_string(root.join("public/bai-viet/mot/ban-tin.txt")).expect("script");
    assert!(script.contains("một phẩy hai trăm năm mươi đảng viên"), "{script}");
}

/// `bulletin.abbreviations` in loa.yaml is read before the built-in table, and silences the
/// warning; a wrong dialect name is an error at its line.
#[test]
fn the_sites_abbreviations_and_dialect() {
    let site = minimal_site();
    let root = site.path();
    write(
        root,
        "loa.yaml",
        "title: Thử\nbase_url: https://thu.example.vn\nbulletin:\n  dialect: nam\n  abbreviations:\n    BQL: Ban quản lý\n    UBND: Ủy ban\n",
    );
    write(
        root,
        "content/bai-viet/mot.md",
        "---\ntitle: Một\ndate: 2022-09-15\n---\nBQL và UBND có 1.005 người.\n",
    );
    let out = run(root, &["check"]);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("cảnh báo"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(run(root, &["build"]).status.success());
    let script = std::fs::read_to_string(root.join("public/bai-viet/mot/ban-tin.txt")).expect("script");
    assert!(script.contains("Ban quản lý và Ủy ban có một ngàn không trăm lẻ năm người."), "{script}");
    write(root, "loa.yaml", "title: Thử\nbase_url: https://thu.example.vn\nbulletin:\n  dialect: trung\n");
    let out = run(root, &["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("loa.yaml:4:"), "{stderr}");
}

/// A build asked to leave files for later (`loa serve`) gives the sink no script and no share
/// card: it lists them, and each makes the bytes a build that writes them gives.
#[test]
fn files_left_for_later_are_the_files_a_build_writes() {
    use loa::build::{BuildOptions, build};
    // A copy: a build that draws cards keeps them in the site's `.loa-cache/`.
    let tmp = tempfile::tempdir().expect("tmp");
    crate::harness::copy_site(&repo().join("tests/sites/theme-vi"), tmp.path());
    let config = loa::config::Config::load(tmp.path(), &loa::config::Overrides::default()).expect("config");
    let made = |opts: BuildOptions| {
        let sink = loa::output::MemorySink::default();
        let built = build(&config, opts, &sink, &loa::memo::Memo::off()).expect("build");
        (built, sink.into_files())
    };
    let (_, written) = made(BuildOptions::default());
    let (built, files) = made(BuildOptions { files_on_request: true, ..BuildOptions::default() });
    let later_kind = |p: &str| {
        p.starts_with("anh-chia-se/") || p.ends_with("/ban-tin.txt") || p.ends_with("/ban-tin.ssml")
    };
    assert!(
        files.keys().all(|p| !later_kind(p)),
        "{:?}",
        files.keys().filter(|p| later_kind(p)).collect::<Vec<_>>()
    );
    let want: BTreeMap<&String, &loa::output::Bytes> =
        written.iter().filter(|(p, _)| later_kind(p)).collect();
    let got: BTreeMap<&String, Vec<u8>> = built.later.iter().map(|(p, f)| (p, f.bytes())).collect();
    assert_eq!(got.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>());
    for (path, bytes) in &got {
        assert!(**want[path] == *bytes, "{path}");
    }
    assert!(got.keys().filter(|p| p.ends_with(".txt")).count() >= 5, "{:?}", got.keys());
    assert_eq!(files.len() + got.len(), written.len(), "every other file is written as before");
}
