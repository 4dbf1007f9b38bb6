//! The catalogue of RELIABILITY.md, groups A–E and G: one test per case, named after it.
//!
//! Every run of the binary is bounded (`LIMIT`): a run that does not finish is killed and the
//! test fails; exit code 101 (a panic) or death by a signal fails every test. Where the contract
//! says `public/` must be untouched, a previous good output (with loa's marker) is planted first
//! and compared byte for byte afterwards, and no staging folder may be left behind.
//! Where the catalogue says "decide", the decision and its reason are in the test's comment.
//!
//! Longer than 600 lines: one test per case of docs/RELIABILITY.md, groups A–E and G in its
//! order, so that a case and its test are found by the same name.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::harness::{loa, minimal_site, tree, write};

/// Longest any single run may take before it is killed and the test fails.
const LIMIT: Duration = Duration::from_secs(20);

/// One finished run of the binary.
pub struct Run {
    /// Exit code (`None` never happens: a signal death fails the run).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Wall time.
    pub elapsed: Duration,
}

/// Runs `loa ARGS` in `dir` with extra environment, bounded by `LIMIT`; fails on a panic (101),
/// a signal death or a hang.
pub fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let start = Instant::now();
    let mut child = loa()
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn loa");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let so = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let se = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("loa {args:?} did not finish within {LIMIT:?} (C-NOPANIC: no hang)");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&so.join().expect("stdout thread")).into_owned();
    let stderr = String::from_utf8_lossy(&se.join().expect("stderr thread")).into_owned();
    assert_ne!(status.code(), Some(101), "loa {args:?} panicked:\n{stderr}");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), None, "loa {args:?} was killed by a signal:\n{stderr}");
    }
    Run { code: status.code(), stdout, stderr, elapsed }
}

/// `run_env` without extra environment.
pub fn run(dir: &Path, args: &[&str]) -> Run {
    run_env(dir, args, &[])
}

/// Plants a previous good output in `site/public` and returns its tree.
pub(crate) fn seed_public(site: &Path) -> BTreeMap<String, Vec<u8>> {
    write(site, "public/.loa-output", "marker\n");
    write(site, "public/old/index.html", "previous good build\n");
    tree(&site.join("public"))
}

/// `public/` is as before and no staging or old folder is left next to it.
pub(crate) fn assert_untouched(site: &Path, before: &BTreeMap<String, Vec<u8>>) {
    assert_eq!(&tree(&site.join("public")), before, "public/ changed by a failed build");
    let leftovers: Vec<String> = std::fs::read_dir(site)
        .expect("read")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".staging-") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

/// Builds `site` over a planted previous output; asserts exit `code`, that stderr contains every
/// `needle`, and that public/ is untouched.
pub(crate) fn fails(site: &Path, code: i32, needles: &[&str]) -> Run {
    let before = seed_public(site);
    let r = run(site, &["build"]);
    assert_eq!(r.code, Some(code), "exit code; stderr:\n{}", r.stderr);
    for n in needles {
        assert!(r.stderr.contains(n), "stderr lacks {n:?}:\n{}", r.stderr);
    }
    assert!(r.stderr.contains("gợi ý:"), "no hint line:\n{}", r.stderr);
    assert_untouched(site, &before);
    r
}

/// Builds `site`; asserts success and returns the run.
pub(crate) fn builds(site: &Path) -> Run {
    let r = run(site, &["build"]);
    assert_eq!(r.code, Some(0), "build failed:\n{}", r.stderr);
    r
}

pub(crate) const PAGE: &str = "content/bai-viet/x.md";

/// A minimal site with `content/bai-viet/x.md` holding `text`.
pub(crate) fn site_with(text: &str) -> tempfile::TempDir {
    let site = minimal_site();
    write(site.path(), PAGE, text);
    site
}

pub(crate) fn read(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A site using the repository's default theme (`themes/loa`), for cases about every output
/// format (feeds, sitemap, JSON-LD, search index).
pub(crate) fn themed_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().expect("tmp");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(site.path().join("themes/loa")).expect("mkdir");
    crate::harness::copy_site(&repo.join("themes/loa"), &site.path().join("themes/loa"));
    write(
        site.path(),
        "loa.yaml",
        "title: Thử\nbase_url: https://thu.example.vn\ntheme: loa\ntaxonomies: [tags]\n",
    );
    write(site.path(), "content/_index.md", "---\ntitle: Trang chủ\n---\nXin chào.\n");
    write(site.path(), "content/bai-viet/_index.md", "---\ntitle: Bài viết\nkind: article\n---\n");
    site
}

// ───────────────────────────── A. Front matter and encoding ─────────────────────────────

#[test]
fn a01_malformed_yaml_has_file_absolute_position() {
    // A blank line before the front matter: the YAML's line 3 is the file's line 5.
    let site = site_with("\n---\ntitle: T\ndate: 2022-09-15\ntags: [a\n---\nx\n");
    fails(site.path(), 1, &["content/bai-viet/x.md:6:1: lỗi: lỗi cú pháp YAML"]);
    let site = site_with("---\ntitle: \"x\ndate: 2022-09-15\n---\nx\n");
    fails(site.path(), 1, &["content/bai-viet/x.md:", "lỗi cú pháp YAML"]);
}

#[test]
fn a02_missing_closing_delimiter_names_the_opening_line() {
    let site = site_with("---\ntitle: T\ndate: 2022-09-15\n\nNội dung.\n");
    fails(
        site.path(),
        1,
        &["content/bai-viet/x.md:1:1: lỗi: front matter mở ở dòng 1 nhưng không bao giờ được đóng", "`---`"],
    );
}

#[test]
fn a03_leading_blank_lines_and_spaces_before_the_opening_delimiter_are_allowed() {
    // Decided as Zola's `^[[:space:]]*---`: blank lines and an indented `---` open the front
    // matter; the positions of later errors stay file-absolute.
    let site = site_with("\n\n  ---\ntitle: T\ndate: 2022-09-15\n---\nNội dung.\n");
    builds(site.path());
    assert!(read(site.path(), "public/bai-viet/x/index.html").contains("Nội dung."));
    let site = site_with("\n\n  ---\ntitle: T\ndate: hôm qua\n---\n");
    fails(site.path(), 1, &["content/bai-viet/x.md:5:7: lỗi: ngày không hợp lệ 'hôm qua'"]);
}

#[test]
fn a04_bad_date_points_at_the_value() {
    let site = site_with("---\ntitle: T\ndate: 'yesterday'\n---\n");
    fails(
        site.path(),
        1,
        &["content/bai-viet/x.md:3:8: lỗi: ngày không hợp lệ 'yesterday'", "ngày/tháng/năm"],
    );
}

#[test]
fn a05_tags_integer_is_a_type_error_at_its_line() {
    let site = site_with("---\ntitle: T\ndate: 2022-09-15\ntags: 5\n---\n");
    fails(site.path(), 1, &["content/bai-viet/x.md:4:", "`tags`: giá trị sai kiểu (integer `5`"]);
}

#[test]
fn a06_title_list_is_a_type_error() {
    let site = site_with("---\ntitle: [1, 2]\ndate: 2022-09-15\n---\n");
    fails(site.path(), 1, &["content/bai-viet/x.md:2:8: lỗi: `title`: giá trị sai kiểu (sequence"]);
}

#[test]
fn a07_unknown_key_has_did_you_mean_and_extra_is_free_form() {
    let site = site_with("---\ntitle: T\ndate: 2022-09-15\ntitel: x\n---\n");
    fails(
        site.path(),
        1,
        &["content/bai-viet/x.md:4:1: lỗi: khóa không hợp lệ `titel`", "có phải ý bạn là `title`?"],
    );
    let site =
        site_with("---\ntitle: T\ndate: 2022-09-15\nextra:\n  bat_ky: 1\n  long:\n    nhau: [a]\n---\n");
    builds(site.path());
}

#[test]
fn a08_duplicate_key_names_both_lines() {
    let site = site_with("---\ntitle: a\ndate: 2022-09-15\ntitle: b\n---\n");
    fails(site.path(), 1, &["content/bai-viet/x.md:4:1: lỗi: khóa `title` bị lặp lại (đã có ở dòng 2)"]);
    // Nested too: serde_yaml would keep the last value of `extra.a` silently.
    let site = site_with("---\ntitle: a\ndate: 2022-09-15\nextra:\n  a: 1\n  a: 2\n---\n");
    fails(site.path(), 1, &["content/bai-viet/x.md:6:3: lỗi: khóa `a` bị lặp lại (đã có ở dòng 5)"]);
}

#[test]
fn a09_empty_front_matter_is_a_missing_title_and_an_empty_file_is_skipped_with_a_warning() {
    // Decided: empty front matter means "no fields" → the missing title is named with the file
    // (Zola requires a title too); an empty file is skipped with a warning, since a file just
    // created by an editor should not break the build.
    let site = site_with("---\n---\nx\n");
    fails(site.path(), 1, &["content/bai-viet/x.md: lỗi: trang thiếu `title`"]);
    let site = site_with("");
    let r = builds(site.path());
    assert!(r.stderr.contains("content/bai-viet/x.md: cảnh báo: tệp rỗng, bỏ qua"), "{}", r.stderr);
}

#[test]
fn a10_bom_is_stripped_and_lines_are_unchanged() {
    let site = minimal_site();
    std::fs::write(site.path().join(PAGE), b"\xEF\xBB\xBF---\ntitle: T\ndate: 2022-09-15\n---\nx\n")
        .expect("w");
    builds(site.path());
    std::fs::write(site.path().join(PAGE), b"\xEF\xBB\xBF---\ntitle: T\ntitel: 2022-09-15\n---\nx\n")
        .expect("w");
    fails(site.path(), 1, &["content/bai-viet/x.md:3:1: lỗi: khóa không hợp lệ `titel`"]);
}

#[test]
fn a11_crlf_and_mixed_line_endings_give_identical_html() {
    let body = "---\ntitle: Dòng\ndate: 2022-09-16\n---\n## Mục\n\nĐoạn một\ndòng hai.\n\n```\ncode\n```\n";
    let lf = site_with(body);
    let crlf = site_with(&body.replace('\n', "\r\n"));
    // Every other line CRLF.
    let mixed: String = body
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| if i % 2 == 0 { l.replace('\n', "\r\n") } else { l.to_string() })
        .collect();
    let mix = site_with(&mixed);
    for s in [&lf, &crlf, &mix] {
        builds(s.path());
    }
    let want = tree(&lf.path().join("public"));
    assert_eq!(tree(&crlf.path().join("public")), want, "CRLF differs from LF");
    assert_eq!(tree(&mix.path().join("public")), want, "mixed line ends differ from LF");
}

#[test]
fn a12_invalid_utf8_names_line_column_and_byte() {
    let site = minimal_site();
    std::fs::write(site.path().join(PAGE), b"---\ntitle: T\ndate: 2022-09-15\n---\n\nab\xFFc\n").expect("w");
    fails(site.path(), 1, &["content/bai-viet/x.md:6:3: lỗi: byte 0xFF không phải UTF-8 hợp lệ", "UTF-8"]);
}

#[test]
fn a13_utf16_is_recognised() {
    let site = minimal_site();
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("---\ntitle: T\n---\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    std::fs::write(site.path().join(PAGE), utf16).expect("w");
    fails(site.path(), 1, &["content/bai-viet/x.md: lỗi: tệp được lưu dạng UTF-16", "UTF-8"]);
}

#[test]
fn a14_tab_indentation_has_position_and_hint() {
    let site = site_with("---\ntitle: T\ndate: 2022-09-15\nextra:\n\tx: 1\n---\n");
    let r = fails(site.path(), 1, &["content/bai-viet/x.md:5:1: lỗi: thụt lề bằng phím Tab"]);
    assert!(r.stderr.contains("YAML không cho phép Tab"), "{}", r.stderr);
}

#[test]
fn a15_multiple_yaml_documents_are_an_error() {
    // `---` itself closes the front matter; a YAML document end `...` followed by more YAML is
    // a second document inside the block.
    let site = site_with("---\ntitle: T\ndate: 2022-09-15\n...\nsummary: U\n---\n");
    fails(site.path(), 1, &["content/bai-viet/x.md", "lỗi cú pháp YAML", "một khối YAML"]);
}

#[test]
fn a16_yaml_alias_bomb_fails_fast() {
    let mut yaml =
        String::from("title: T\ndate: 2022-09-15\nextra:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..=8 {
        let p = i - 1;
        yaml.push_str(&format!(
            "  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let site = site_with(&format!("---\n{yaml}---\n"));
    let r = fails(site.path(), 1, &["content/bai-viet/x.md"]);
    assert!(r.elapsed < Duration::from_secs(5), "took {:?}", r.elapsed);
    // The parse itself, in process: within the catalogue's 100 ms (with slack for debug builds).
    let t = Instant::now();
    assert!(loa::parse::parse_file(&format!("---\n{yaml}---\n"), "f", false).is_err());
    assert!(t.elapsed() < Duration::from_millis(500), "parse took {:?}", t.elapsed());
}

#[test]
fn a17_nesting_bomb_fails_in_well_under_a_second() {
    // 100,000 `[` (over the 64 KiB cap) and 30,000 (under it: the nesting pre-scan).
    for (n, why) in [(100_000, "quá lớn"), (30_000, "lồng nhau quá sâu")] {
        let text = format!("---\ntitle: {}\n---\n", "[".repeat(n));
        let site = site_with(&text);
        let r = fails(site.path(), 1, &["content/bai-viet/x.md:2:", why]);
        assert!(r.elapsed < Duration::from_secs(5), "took {:?}", r.elapsed);
        let t = Instant::now();
        assert!(loa::parse::parse_file(&text, "f", false).is_err());
        assert!(t.elapsed() < Duration::from_millis(500), "parse took {:?}", t.elapsed());
    }
}

#[test]
fn a18_title_no_is_text_a_float_is_an_error_and_null_is_missing() {
    // Decided: `no` is the string "no" (YAML 1.2, as serde_yaml reads it), `2022` is the text
    // "2022", a float is almost always a typo (`1.0` → error), `null` is a missing title.
    let site = site_with("---\ntitle: no\ndate: 2022-09-15\n---\n");
    builds(site.path());
    assert!(read(site.path(), "public/bai-viet/x/index.html").contains("<title>no</title>"));
    let site = site_with("---\ntitle: 1.0\ndate: 2022-09-15\n---\n");
    fails(site.path(), 1, &["content/bai-viet/x.md:2:", "`title`: giá trị sai kiểu"]);
    let site = site_with("---\ntitle: null\ndate: 2022-09-15\n---\n");
    fails(site.path(), 1, &["content/bai-viet/x.md", "title"]);
}

#[test]
fn a19_dates_as_people_write_them_are_read_day_first_in_utc7() {
    // Decided: day/month/year always (Vietnamese order), `/`, `-` or `.` when the year is
    // last, an optional `8:00`, UTC+7 without an offset; the year first only with `-`.
    let site = themed_site();
    write(
        site.path(),
        "content/bai-viet/x.md",
        "---\ntitle: Hội nghị\ndate: 15/11/2026 08:00\nupdated: 2026-11-16\n---\nNội dung.\n",
    );
    write(site.path(), "content/bai-viet/y.md", "---\ntitle: Ngày hội\ndate: 5/9/2026\n---\nNội dung.\n");
    builds(site.path());
    let atom = read(site.path(), "public/atom.xml");
    assert!(atom.contains("<published>2026-11-15T08:00:00+07:00</published>"), "{atom}");
    assert!(atom.contains("<updated>2026-11-16T00:00:00+07:00</updated>"), "{atom}");
    assert!(atom.contains("<published>2026-09-05T00:00:00+07:00</published>"), "5 September:\n{atom}");
    let page = read(site.path(), "public/bai-viet/x/index.html");
    assert!(page.contains(r#"<time datetime="2026-11-15">Chủ Nhật, 15/11/2026</time>"#), "{page}");
    assert!(page.contains(r#"content="2026-11-15T08:00:00+07:00""#), "{page}");
    // What does not exist, or could be read two ways, is an error at the value with the
    // value corrected (or its readings) in the hint.
    let site = site_with("---\ntitle: T\ndate: 31/2/2026\n---\n");
    fails(
        site.path(),
        1,
        &[
            "content/bai-viet/x.md:3:7: lỗi: ngày không hợp lệ '31/2/2026': ngày 31 tháng 2 năm 2026 không có: tháng 2 năm 2026 chỉ có 28 ngày",
            "gợi ý: ngày cuối của tháng 2 năm 2026 là `28/2/2026`",
        ],
    );
    let site = site_with("---\ntitle: T\ndate: 15/11/26\n---\n");
    fails(
        site.path(),
        1,
        &["x.md:3:7: lỗi: ngày không hợp lệ '15/11/26': năm cần đủ 4 chữ số", "`15/11/2026`"],
    );
    let site = site_with("---\ntitle: T\ndate: 2026/5/9\n---\n");
    fails(
        site.path(),
        1,
        &["x.md:3:7:", "nếu là ngày 9 tháng 5 năm 2026, viết `9/5/2026`", "nếu là ngày 5 tháng 9"],
    );
    let site = site_with("---\ntitle: T\n---\n");
    fails(site.path(), 1, &["bài viết thiếu `date`", "`date: 15/11/2026 08:00`"]);
    // `--at` takes the same forms.
    let r = run(site.path(), &["check", "--at", "13/13/2026"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("không có tháng 13") && r.stderr.contains("gợi ý:"), "{}", r.stderr);
}

// ───────────────────────────── B. Markdown and content ─────────────────────────────

#[test]
fn b01_file_over_max_size_is_refused_by_name() {
    let site = minimal_site();
    let f = std::fs::File::create(site.path().join(PAGE)).expect("create");
    // Sparse: the size check happens before any read, so the test writes nothing big.
    f.set_len(loa::load::MAX_FILE_SIZE + 1).expect("set_len");
    drop(f);
    fails(site.path(), 1, &["content/bai-viet/x.md: lỗi: tệp quá lớn (16 MiB, tối đa 16 MiB)"]);
}

/// Renders `body` with the site's Markdown options, on a thread bounded by `LIMIT`.
fn render_bounded(body: String) -> (loa::markdown::Rendered, Duration) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let links = loa::markdown::LinkTargets::default();
            let cites = loa::markdown::cite::Citations::new(Vec::new());
            let opts = loa::markdown::MarkdownOptions {
                unsafe_html: false,
                links: &links,
                bundle_url: None,
                cites: &cites,
                own_document: None,
                clause_anchors: false,
                highlights: &loa::markdown::highlight::HighlightCache::default(),
                shortcodes: None,
            };
            let t = Instant::now();
            let r = loa::markdown::render(&body, 1, "content/x.md", opts);
            let _ = tx.send((r, t.elapsed()));
        })
        .expect("spawn");
    rx.recv_timeout(LIMIT).expect("Markdown render did not finish in time")
}

#[test]
fn b02_deep_blockquotes_and_lists_render_in_bounded_time_and_size() {
    let quotes = format!("{}x\n", "> ".repeat(50_000));
    let (r, t) = render_bounded(quotes.clone());
    assert!(t < Duration::from_secs(10), "50,000-deep quote took {t:?}");
    // Output amplification must stay bounded: the catalogue measured ×13.5 at 16k.
    assert!(r.html.len() < 40 * quotes.len(), "quote output {} bytes from {}", r.html.len(), quotes.len());
    let list: String = (0..5_000).map(|i| format!("{}- x\n", "  ".repeat(i))).collect();
    let (r, t) = render_bounded(list.clone());
    assert!(t < Duration::from_secs(10), "5,000-deep list took {t:?}");
    assert!(r.html.len() < 40 * list.len());
    // Through the binary too. Beyond 64 levels the build fails at the line (issue 21: the HTML
    // grows with each level; 100,000 levels made a 2.7 MB page); `check` also warns from 17.
    let site = site_with(&format!("---\ntitle: T\ndate: 2022-09-15\nsummary: s\n---\n{quotes}"));
    let r = fails(
        site.path(),
        1,
        &["content/bai-viet/x.md:6:129: lỗi: trích dẫn hoặc danh sách lồng nhau quá 64 cấp"],
    );
    assert!(r.elapsed < Duration::from_secs(15), "build took {:?}", r.elapsed);
    let r = run(site.path(), &["check"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("content/bai-viet/x.md:6:1: cảnh báo: trích dẫn hoặc danh sách lồng nhau quá 16 cấp"),
        "{}",
        r.stderr
    );
    // 30 levels build (with the warning of `check` only).
    let site =
        site_with(&format!("---\ntitle: T\ndate: 2022-09-15\nsummary: s\n---\n{}x\n", "> ".repeat(30)));
    builds(site.path());
}

#[test]
fn b03_known_quadratic_generators_stay_within_budget() {
    type Generator = (&'static str, fn(usize) -> String);
    let generators: [Generator; 7] = [
        ("[a](<b", |n| "[a](<b".repeat(n)),
        ("[ (](", |n| "[ (](".repeat(n)),
        ("ref defs", |n| {
            format!(
                "{}\n{}",
                (0..n).map(|i| format!("[r{i}]: /u{i}\n")).collect::<String>(),
                "[r0] ".repeat(n)
            )
        }),
        ("[^", |n| "[^".repeat(n)),
        ("backticks", |n| (1..n).map(|i| "`".repeat(i % 64 + 1) + "x").collect()),
        ("CDATA", |n| "<![CDATA[".repeat(n)),
        ("emphasis", |n| "*a **b ".repeat(n)),
    ];
    for (name, make) in generators {
        // Best of five runs each, the two sizes alternating: other tests share the two cores,
        // and a burst of their work then slows one run of each size, not all runs of one.
        let (small_text, large_text) = (make(2_000), make(16_000));
        let (mut small, mut large) = (Duration::MAX, Duration::MAX);
        for _ in 0..5 {
            small = small.min(render_bounded(small_text.clone()).1);
            large = large.min(render_bounded(large_text.clone()).1);
        }
        // §5: time(16k)/time(2k) ≤ 12. Below 300 ms (a debug build, loaded machine) the ratio
        // is noise; a quadratic generator at 16k takes seconds.
        let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-4);
        assert!(
            large < Duration::from_millis(300) || ratio <= 12.0,
            "{name}: 2k {small:?}, 16k {large:?} (×{ratio:.1})"
        );
    }
}

#[test]
fn b04_raw_html_is_left_out_with_one_warning_per_block_or_paragraph() {
    // A block of three lines warns once, a paragraph with two tags once, a comment once (its own
    // message: where editors' notes go).
    let site = site_with(
        "---\ntitle: T\ndate: 2022-09-15\n---\na\n\n<script>\nalert(1)\n</script>\n\nb <b>x</b> <i>y</i>\n\n<!-- ghi chú -->\n",
    );
    let r = builds(site.path());
    assert!(r.stderr.contains("content/bai-viet/x.md:7:1: cảnh báo: đã bỏ mã HTML"), "{}", r.stderr);
    assert!(r.stderr.contains("content/bai-viet/x.md:11:3: cảnh báo: đã bỏ mã HTML"), "{}", r.stderr);
    assert_eq!(r.stderr.matches("đã bỏ mã HTML").count(), 2, "{}", r.stderr);
    assert!(r.stderr.contains("content/bai-viet/x.md:13:1: cảnh báo: đã bỏ chú thích HTML"), "{}", r.stderr);
    assert_eq!(r.stderr.matches("cảnh báo:").count(), 3, "{}", r.stderr);
    assert!(r.stderr.contains("unsafe_html: true"), "{}", r.stderr);
    let html = read(site.path(), "public/bai-viet/x/index.html");
    assert!(!html.contains("alert") && !html.contains("ghi chú"), "{html}");
    // With the opt-in, passed through.
    write(
        site.path(),
        "loa.yaml",
        "title: Thử\nbase_url: https://thu.example.vn\nmarkdown: {unsafe_html: true}\n",
    );
    let r = builds(site.path());
    assert!(!r.stderr.contains("đã bỏ mã HTML"), "{}", r.stderr);
    assert!(read(site.path(), "public/bai-viet/x/index.html").contains("<script>\nalert(1)\n</script>"));
    // `check` lists the same two.
    write(site.path(), "loa.yaml", "title: Thử\nbase_url: https://thu.example.vn\n");
    let r = run(site.path(), &["check"]);
    assert_eq!(r.stderr.matches("đã bỏ mã HTML").count(), 2, "{}", r.stderr);
    assert!(r.stderr.contains("content/bai-viet/x.md:13:1: cảnh báo: đã bỏ chú thích HTML"), "{}", r.stderr);
    assert_eq!(r.stderr.matches("cảnh báo:").count(), 3, "{}", r.stderr);
}

#[test]
fn b05_dangerous_url_schemes_are_neutralised_with_a_warning() {
    let urls = [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "  javascript:alert(1)",
        "data:text/html,x",
        "vbscript:msgbox",
    ];
    let body: String = urls.iter().map(|u| format!("[a](<{u}>) ![i](<{u}>)\n\n")).collect();
    let site = site_with(&format!("---\ntitle: T\ndate: 2022-09-15\n---\n{body}"));
    let r = builds(site.path());
    assert_eq!(r.stderr.matches("cảnh báo: đã vô hiệu hóa liên kết nguy hiểm").count(), 10, "{}", r.stderr);
    assert!(r.stderr.contains("content/bai-viet/x.md:5:1:"), "{}", r.stderr);
    let html = read(site.path(), "public/bai-viet/x/index.html").to_lowercase();
    assert!(!html.contains("script:") && !html.contains("data:text/html"), "{html}");
}

#[test]
fn b06_script_title_is_escaped_in_every_output_format() {
    let site = themed_site();
    write(
        site.path(),
        "content/bai-viet/x.md",
        "---\ntitle: \"<script>alert(1)</script> & \\\"q\\\"\"\ndate: 2022-09-15\nsummary: \"<script>alert(2)</script>\"\ntags: [\"<script>alert(3)</script>\"]\n---\n## <script>alert(4)</script> Mục\n\nx\n\n## Hai\n\n## Ba\n",
    );
    builds(site.path());
    let out = tree(&site.path().join("public"));
    let mut checked = 0;
    for (rel, bytes) in &out {
        let text = String::from_utf8_lossy(bytes);
        if rel.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
        } else if rel.ends_with(".html") || rel.ends_with(".xml") {
            assert!(!text.contains("<script>alert"), "{rel}: unescaped title:\n{text}");
            if rel.ends_with(".xml") {
                roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
            }
        }
        checked += 1;
    }
    assert!(checked > 5);
    let page = read(site.path(), "public/bai-viet/x/index.html");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
}

#[test]
fn b07_heading_markup_gives_a_slug_id_and_escaped_toc() {
    let (r, _) = render_bounded("## <img src=x onerror=alert(1)> Tiêu đề \"x\"\n".to_string());
    assert_eq!(r.heading_ids, ["tieu-de-x"]);
    assert!(r.heading_ids[0].chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
    assert!(!r.html.contains("<img"), "{}", r.html);
    let site = themed_site();
    write(
        site.path(),
        "content/bai-viet/x.md",
        "---\ntitle: T\ndate: 2022-09-15\n---\n## `<img onerror=alert(1)>` một\n\n## <b>hai</b>\n\n## ba\n",
    );
    builds(site.path());
    let page = read(site.path(), "public/bai-viet/x/index.html");
    assert!(page.contains("class=\"toc"), "the theme shows a TOC for 3 headings: {page}");
    assert!(!page.contains("<img onerror"), "{page}");
}

#[test]
fn b08_code_fence_language_is_escaped() {
    let site = site_with("---\ntitle: T\ndate: 2022-09-15\n---\n```\"><script>alert(1)</script>\nx\n```\n");
    builds(site.path());
    let html = read(site.path(), "public/bai-viet/x/index.html");
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&quot;&gt;&lt;script&gt;"), "{html}");
}

#[test]
fn b09_huge_one_line_code_block_is_fast() {
    let line: String = "let x = \"a\"; ".repeat(800_000 / 14);
    let body = format!(
        "---\ntitle: T\ndate: 2022-09-15\n---\n```rust\n{line}\n```\n\n```rust\nfn main() {{}}\n```\n"
    );
    let site = site_with(&body);
    let r = builds(site.path());
    assert!(r.elapsed < Duration::from_secs(10), "took {:?}", r.elapsed);
    let html = read(site.path(), "public/bai-viet/x/index.html");
    // The huge block is plain (escaped); the small one is still highlighted.
    assert!(html.contains("let x = &quot;a&quot;;"), "huge block not escaped plainly");
    assert!(html.contains("class=\"hl-"), "small block lost its highlighting");
}

#[test]
fn b10_unknown_code_language_is_plain_and_warned_only_by_strict_check() {
    let site =
        site_with("---\ntitle: T\ndate: 2022-09-15\nsummary: s\n---\n```khong-co-ngon-ngu-nay\nx < y\n```\n");
    let r = builds(site.path());
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert!(read(site.path(), "public/bai-viet/x/index.html").contains("x &lt; y"));
    assert_eq!(run(site.path(), &["check"]).code, Some(0));
    let r = run(site.path(), &["check", "--strict"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("content/bai-viet/x.md:6:1: cảnh báo: ngôn ngữ `khong-co-ngon-ngu-nay`"),
        "{}",
        r.stderr
    );
}

#[test]
fn b11_nfd_title_and_body_give_the_nfc_url_and_text() {
    let nfd = "Ho\u{323}c ta\u{323}\u{302}p";
    let site = site_with(&format!("---\ntitle: {nfd}\ndate: 2022-09-15\n---\n## {nfd}\n\n{nfd}\n"));
    builds(site.path());
    let html = read(site.path(), "public/bai-viet/x/index.html");
    assert!(html.contains("<title>Học tập</title>"), "{html}");
    assert!(html.contains("id=\"hoc-tap\""), "{html}");
    // The same title in NFC gives the same slug.
    assert_eq!(loa::vi::slugify(nfd), loa::vi::slugify("Học tập"));
}

#[test]
fn b12_bidi_and_zero_width_controls_in_titles_are_escaped_and_check_warns() {
    let site = site_with("---\ntitle: \"Thông\u{202E}báo\u{200B}\"\ndate: 2022-09-15\nsummary: s\n---\nx\n");
    builds(site.path());
    let r = run(site.path(), &["check"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "content/bai-viet/x.md:2:1: cảnh báo: tiêu đề chứa ký tự điều khiển vô hình (U+202E, U+200B)"
        ),
        "{}",
        r.stderr
    );
}

// ───────────────────────────── C. Slugs, file names, filesystem ─────────────────────────────

#[test]
fn c01_titles_folding_to_one_slug_collide() {
    let site = minimal_site();
    write(site.path(), "content/bai-viet/a.md", "---\ntitle: Café\nslug: Café\ndate: 2022-09-15\n---\n");
    write(site.path(), "content/bai-viet/b.md", "---\ntitle: Cafe\nslug: Cafe\ndate: 2022-09-15\n---\n");
    fails(
        site.path(),
        1,
        &["lỗi: trùng đường dẫn /bai-viet/cafe/", "content/bai-viet/a.md", "content/bai-viet/b.md", "slug:"],
    );
    let site = minimal_site();
    write(site.path(), "content/bai-viet/c.md", "---\ntitle: C\nslug: C++\ndate: 2022-09-15\n---\n");
    write(site.path(), "content/bai-viet/d.md", "---\ntitle: C\nslug: C\ndate: 2022-09-15\n---\n");
    fails(site.path(), 1, &["trùng đường dẫn /bai-viet/c/"]);
}

#[test]
fn c02_a_slug_or_term_that_folds_to_nothing_is_an_error() {
    let site = site_with("---\ntitle: T\nslug: \";)\"\ndate: 2022-09-15\n---\n");
    fails(site.path(), 1, &["content/bai-viet/x.md:3:1: lỗi: slug `;)` không có chữ hoặc số"]);
    let site = minimal_site();
    write(site.path(), "content/bai-viet/;).md", "---\ntitle: T\ndate: 2022-09-15\n---\n");
    fails(site.path(), 1, &["content/bai-viet/;).md", "slug:"]);
    let site = site_with("---\ntitle: T\ndate: 2022-09-15\ntags: [\";)\"]\n---\n");
    write(site.path(), "loa.yaml", "title: Thử\nbase_url: https://thu.example.vn\ntaxonomies: [tags]\n");
    fails(site.path(), 1, &["content/bai-viet/x.md:4:1: lỗi:"]);
}

#[test]
fn c03_slugs_with_separators_or_parent_dirs_are_refused() {
    for bad in ["../../etc/x", "/abs", "a\\\\b", "C:x", ".."] {
        let site = site_with(&format!("---\ntitle: T\nslug: \"{bad}\"\ndate: 2022-09-15\n---\n"));
        fails(site.path(), 1, &["content/bai-viet/x.md:3:1: lỗi: slug", "không được chứa"]);
        assert!(!site.path().join("etc").exists());
    }
    // Defence in depth: the write stage refuses any key that would leave the output.
    for key in ["../x", "/etc/passwd", "a/../../b", "a\\b"] {
        assert!(loa::write::safe_relative(key).is_none(), "{key}");
    }
}

#[test]
fn c04_path_and_url_keys_are_unknown_and_aliases_stay_inside() {
    for key in ["path", "url"] {
        let site = site_with(&format!("---\ntitle: T\ndate: 2022-09-15\n{key}: ../../../.bashrc\n---\n"));
        fails(site.path(), 1, &[&format!("content/bai-viet/x.md:4:1: lỗi: khóa không hợp lệ `{key}`")]);
    }
    let site = site_with("---\ntitle: T\ndate: 2022-09-15\naliases: [\"../../../.bashrc\"]\n---\n");
    fails(site.path(), 1, &["content/bai-viet/x.md:4:12: lỗi:"]);
    assert!(!site.path().parent().expect("parent").join(".bashrc/index.html").exists());
}

#[test]
fn c05_file_names_with_spaces_diacritics_and_symbols_are_served_from_a_slug() {
    // A page's URL is the slug of its file name; a bundle asset keeps its name on disk, and a
    // link to it is percent-encoded by the author (Markdown needs `%20` or `<…>` for spaces).
    let site = minimal_site();
    write(site.path(), "content/bai-viet/Học tập 100% #1?.md", "---\ntitle: T\ndate: 2022-09-15\n---\nx\n");
    write(
        site.path(),
        "content/bai-viet/le/index.md",
        "---\ntitle: Lễ\ndate: 2022-09-16\n---\n![Ảnh lễ](ảnh%201%20%23%25.txt) ![Ảnh hai](<ảnh 2.txt>)\n",
    );
    write(site.path(), "content/bai-viet/le/ảnh 1 #%.txt", "ảnh\n");
    write(site.path(), "content/bai-viet/le/ảnh 2.txt", "ảnh\n");
    builds(site.path());
    assert!(site.path().join("public/bai-viet/hoc-tap-100-1/index.html").is_file());
    assert!(site.path().join("public/bai-viet/le/ảnh 1 #%.txt").is_file());
    let html = read(site.path(), "public/bai-viet/le/index.html");
    assert!(html.contains("src=\"/bai-viet/le/%E1%BA%A3nh%201%20%23%25.txt\""), "{html}");
    assert!(html.contains("src=\"/bai-viet/le/%E1%BA%A3nh%202.txt\""), "{html}");
    // A name without any letter or digit (CJK is not folded) needs an explicit slug.
    write(site.path(), "content/bai-viet/漢字.md", "---\ntitle: T\ndate: 2022-09-15\n---\n");
    fails(site.path(), 1, &["content/bai-viet/漢字.md", "slug:"]);
}

#[test]
fn c06_same_name_in_nfc_and_nfd_collides() {
    let site = minimal_site();
    write(site.path(), "content/bai-viet/học.md", "---\ntitle: A\ndate: 2022-09-16\n---\nx\n");
    write(site.path(), "content/bai-viet/ho\u{323}c.md", "---\ntitle: B\ndate: 2022-09-17\n---\ny\n");
    fails(site.path(), 1, &["content/bai-viet/học.md: lỗi: hai tệp có cùng tên nhưng khác dạng mã Unicode"]);
}

#[test]
fn c07_case_only_names_collide() {
    // Decided: an error on every system (not only `--portable`): the site is published to
    // servers and checked out on laptops whose file systems ignore case.
    let site = minimal_site();
    write(site.path(), "content/bai-viet/About.md", "---\ntitle: A\ndate: 2022-09-16\n---\n");
    write(site.path(), "content/bai-viet/about.md", "---\ntitle: B\ndate: 2022-09-17\n---\n");
    fails(site.path(), 1, &["trùng đường dẫn /bai-viet/about/"]);
}

#[cfg(unix)]
#[test]
fn c08_symlink_loop_is_a_warning_naming_it() {
    let site = minimal_site();
    std::os::unix::fs::symlink(".", site.path().join("content/bai-viet/vong")).expect("symlink");
    std::os::unix::fs::symlink("b", site.path().join("content/a")).expect("symlink");
    std::os::unix::fs::symlink("a", site.path().join("content/b")).expect("symlink");
    let r = builds(site.path());
    assert!(
        r.stderr.contains("content/bai-viet/vong: cảnh báo: liên kết tượng trưng tạo vòng lặp"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("content/a: "), "the a ↔ b loop is named: {}", r.stderr);
}

#[cfg(unix)]
#[test]
fn c09_symlink_leaving_the_site_is_refused_and_not_copied() {
    let outside = tempfile::tempdir().expect("tmp");
    write(outside.path(), "id_rsa", "CANARY-PRIVATE-KEY\n");
    write(outside.path(), "secret.md", "---\ntitle: CANARY-PAGE\ndate: 2022-09-15\n---\n");
    let site = minimal_site();
    std::fs::create_dir_all(site.path().join("static")).expect("mkdir");
    std::os::unix::fs::symlink(outside.path(), site.path().join("static/keys")).expect("symlink");
    std::os::unix::fs::symlink(outside.path().join("secret.md"), site.path().join("content/bai-viet/s.md"))
        .expect("symlink");
    let r = builds(site.path());
    assert!(r.stderr.contains("static/keys: cảnh báo: liên kết tượng trưng trỏ ra ngoài"), "{}", r.stderr);
    assert!(
        r.stderr.contains("content/bai-viet/s.md: cảnh báo: liên kết tượng trưng trỏ ra ngoài"),
        "{}",
        r.stderr
    );
    for (rel, bytes) in tree(&site.path().join("public")) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("CANARY"), "{rel} leaks a file from outside the site");
    }
}

#[cfg(unix)]
#[test]
fn c10_unreadable_file_is_an_error_naming_it() {
    use std::os::unix::fs::PermissionsExt;
    let site = site_with("---\ntitle: T\ndate: 2022-09-15\n---\n");
    std::fs::set_permissions(site.path().join(PAGE), std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let is_root = std::fs::read(site.path().join(PAGE)).is_ok();
    if !is_root {
        fails(site.path(), 1, &["content/bai-viet/x.md: lỗi: không có quyền đọc tệp"]);
        return;
    }
    // Root reads any file: run the build as `nobody` instead, when setpriv exists.
    let setpriv = Path::new("/usr/bin/setpriv");
    if !setpriv.exists() {
        println!(
            "c10 skipped: running as root (chmod 000 does not stop root) and no setpriv to drop privileges"
        );
        return;
    }
    // `nobody` must reach the site (the temp folder is 0700) but not the page.
    std::fs::set_permissions(site.path(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    for d in walkdir::WalkDir::new(site.path()).min_depth(1).into_iter().flatten() {
        if d.file_type().is_dir() {
            std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
        } else if d.path() != site.path().join(PAGE) {
            std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o644)).expect("chmod");
        }
    }
    let out = std::process::Command::new(setpriv)
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_loa"))
        .args(["build"])
        .current_dir(site.path())
        .env_remove("RAYON_NUM_THREADS")
        .output()
        .expect("setpriv");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("setpriv:") {
        println!("c10 skipped: running as root and setpriv cannot drop privileges here: {stderr}");
        return;
    }
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/bai-viet/x.md: lỗi: không có quyền đọc tệp"), "{stderr}");
}

#[test]
fn c11_file_vanishing_during_load_is_an_error_naming_it() {
    // The race itself cannot be timed from outside; the read of a file the walk listed and
    // that is gone is the step that must fail with its name.
    let tmp = tempfile::tempdir().expect("tmp");
    let file = loa::load::MarkdownFile { rel: "bai-viet/x.md".into(), path: tmp.path().join("x.md") };
    let e = loa::load::read(&file, None).unwrap_err();
    assert!(e.is_error());
    assert_eq!(
        e.to_string().lines().next(),
        Some("content/bai-viet/x.md: lỗi: tệp biến mất trong khi dựng trang")
    );
    // And a real race: files appear and vanish while builds run; every run ends cleanly, and
    // a failure names a file.
    let site = minimal_site();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let churn = {
        let stop = stop.clone();
        let root = site.path().to_path_buf();
        std::thread::spawn(move || {
            let mut i = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let p = root.join(format!("content/bai-viet/t{}.md", i % 20));
                let _ = std::fs::write(&p, "---\ntitle: T\ndate: 2022-09-15\n---\nx\n");
                let _ = std::fs::remove_file(root.join(format!("content/bai-viet/t{}.md", (i + 10) % 20)));
                i += 1;
            }
        })
    };
    for _ in 0..5 {
        let r = run(site.path(), &["build"]);
        assert!(matches!(r.code, Some(0 | 1)), "{}", r.stderr);
        if r.code == Some(1) && r.stderr.contains("biến mất") {
            assert!(r.stderr.contains("content/bai-viet/t"), "{}", r.stderr);
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    churn.join().expect("churn");
}

#[test]
fn c12_directory_named_like_markdown_is_a_folder() {
    let site = minimal_site();
    std::fs::create_dir_all(site.path().join("content/bai-viet/x.md")).expect("mkdir");
    write(site.path(), "content/bai-viet/x.md/ghi-chu.txt", "x\n");
    builds(site.path());
}

// ───────────────────────────── D. Templates, themes, shortcodes ─────────────────────────────

#[test]
fn d01_template_syntax_error_has_template_line_and_column() {
    let site = minimal_site();
    write(
        site.path(),
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block t %}\n{{ page.title {% endblock %}",
    );
    fails(site.path(), 1, &["templates/page.html:3:", "lỗi cú pháp mẫu"]);
}

#[test]
fn d02_unknown_variable_names_template_line_and_page() {
    let site = minimal_site();
    write(
        site.path(),
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block t %}\n{{ page.titel }}{% endblock %}",
    );
    fails(
        site.path(),
        1,
        &[
            "templates/page.html:3:",
            "titel",
            "(khi dựng content/bai-viet/mot.md)",
            "có phải ý bạn là `title`?",
        ],
    );
}

#[test]
fn d03_filter_on_a_missing_value_names_every_page() {
    let site = minimal_site();
    write(site.path(), "content/trang/_index.md", "---\ntitle: Trang\nkind: page\n---\n");
    write(site.path(), "content/trang/hai.md", "---\ntitle: Hai\n---\n");
    write(site.path(), "content/trang/ba.md", "---\ntitle: Ba\n---\n");
    write(
        site.path(),
        "templates/page.html",
        "{% extends \"base.html\" %}{% block t %}{{ page.date | vi_date }}{% endblock %}",
    );
    let r = fails(site.path(), 1, &["(khi dựng content/trang/hai.md)", "(khi dựng content/trang/ba.md)"]);
    assert!(r.stderr.contains("templates/page.html:1:"), "{}", r.stderr);
}

// `loa` is listed too: it comes with the program.
#[test]
fn d04_missing_theme_exits_2_listing_the_available_ones() {
    let site = minimal_site();
    std::fs::create_dir_all(site.path().join("themes/mot")).expect("mkdir");
    std::fs::create_dir_all(site.path().join("themes/hai")).expect("mkdir");
    write(site.path(), "loa.yaml", "title: T\nbase_url: https://t.vn\ntheme: nope\n");
    fails(
        site.path(),
        2,
        &["loa.yaml:3:1: lỗi: không tìm thấy giao diện `nope` trong themes/", "hai, loa, mot"],
    );
}

#[test]
fn d05_theme_without_site_templates_builds() {
    let site = themed_site();
    write(site.path(), "content/bai-viet/x.md", "---\ntitle: T\ndate: 2022-09-15\n---\nx\n");
    assert!(!site.path().join("templates").exists());
    let r = builds(site.path());
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn d06_extends_cycle_is_named() {
    let site = minimal_site();
    write(site.path(), "templates/page.html", "{% extends \"page.html\" %}{% block b %}x{% endblock %}");
    let r =
        fails(site.path(), 1, &["templates/page.html: lỗi: vòng lặp kế thừa mẫu", "page.html → page.html"]);
    assert!(r.elapsed < Duration::from_secs(5));
}

#[test]
fn d07_include_cycle_is_found_before_rendering() {
    let site = minimal_site();
    write(site.path(), "templates/a.html", "{% include \"b.html\" %}");
    write(site.path(), "templates/b.html", "{% include \"a.html\" %}");
    fails(site.path(), 1, &["lỗi: vòng lặp include: a.html → b.html → a.html"]);
    let site = minimal_site();
    write(site.path(), "templates/self.html", "x{% include \"self.html\" %}");
    fails(site.path(), 1, &["templates/self.html: lỗi: vòng lặp include: self.html → self.html"]);
}

#[test]
fn d08_recursive_component_is_an_error_not_a_crash() {
    // Tera 2 has components instead of macros; it bounds their recursion (depth 20), so an
    // unbounded component is a template error naming the template and the page.
    let site = minimal_site();
    write(
        site.path(),
        "templates/components.html",
        "{% component r(n: string) %}<i>{{ <r n={n} /> }}</i>{% endcomponent r %}",
    );
    write(
        site.path(),
        "templates/page.html",
        "{% extends \"base.html\" %}{% block b %}{{ <r n=\"a\" /> }}{% endblock %}",
    );
    let r = fails(site.path(), 1, &["lỗi", "(khi dựng content/bai-viet/mot.md)"]);
    assert!(r.stderr.to_lowercase().contains("recursion"), "{}", r.stderr);
}

#[test]
fn d09_missing_include_and_missing_parent_are_named() {
    let site = minimal_site();
    write(site.path(), "templates/page.html", "{% include \"nope.html\" %}");
    fails(site.path(), 1, &["nope.html"]);
    let site = minimal_site();
    write(site.path(), "templates/page.html", "{% extends \"khong-co.html\" %}{% block b %}{% endblock %}");
    fails(
        site.path(),
        1,
        &["templates/page.html: lỗi: mẫu `page.html` kế thừa `khong-co.html` nhưng không có mẫu đó"],
    );
}

#[test]
fn d10_shortcode_syntax_in_markdown_is_never_a_template() {
    // Decided (issue 25): a call in Markdown (`{{ name(…) }}`, `{% name(…) %}…{% end %}`) is a
    // shortcode, one of the files of `templates/shortcodes/`, never a template expression: a
    // template function (`get_env`) is an unknown shortcode (an error at its place, nothing
    // evaluated); Tera tags and Hugo's syntax that are no calls stay text, escaped in the page;
    // a call in code is text.
    let site = site_with(
        "---\ntitle: T\ndate: 2022-09-15\n---\n{% include \"page.html\" %} {{< youtube id >}} `{{ get_env(name=\"HOME\") }}`\n",
    );
    builds(site.path());
    let html = read(site.path(), "public/bai-viet/x/index.html");
    assert!(html.contains("{% include "), "{html}");
    assert!(html.contains("{{&lt; youtube id &gt;}}"), "{html}");
    assert!(html.contains("<code>{{ get_env(name="), "{html}");
    let site = site_with("---\ntitle: T\ndate: 2022-09-15\n---\n{{ get_env(name=\"HOME\") }}\n");
    let r = run(site.path(), &["build"]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr.contains("content/bai-viet/x.md:5:4: lỗi: không có shortcode `get_env`"),
        "{}",
        r.stderr
    );
}

#[test]
fn d11_get_env_reads_only_allowed_variables() {
    let site = minimal_site();
    write(
        site.path(),
        "templates/page.html",
        "{% extends \"base.html\" %}{% block b %}\n[{{ get_env(name=\"GITHUB_TOKEN\") }}]{% endblock %}",
    );
    let before = seed_public(site.path());
    let r = run_env(site.path(), &["build"], &[("GITHUB_TOKEN", "CANARY-TOKEN")]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("templates/page.html:2:5: lỗi: get_env: biến môi trường `GITHUB_TOKEN` không có trong danh sách `security.getenv`"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("CANARY-TOKEN") && !r.stdout.contains("CANARY-TOKEN"));
    assert_untouched(site.path(), &before);
    // A variable on the allow-list is read; a missing one takes its default.
    write(
        site.path(),
        "loa.yaml",
        "title: Thử\nbase_url: https://thu.example.vn\nsecurity:\n  getenv: [LOA_BUILD_ID]\n",
    );
    write(
        site.path(),
        "templates/page.html",
        "{% extends \"base.html\" %}{% block b %}[{{ get_env(name=\"LOA_BUILD_ID\") }}|{{ get_env(name=\"LOA_BUILD_ID\", default=\"x\") }}]{% endblock %}",
    );
    let r = run_env(site.path(), &["build"], &[("LOA_BUILD_ID", "b-42")]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(read(site.path(), "public/bai-viet/mot/index.html").contains("[b-42|b-42]"));
    // A name built at render time is checked when the call runs.
    write(
        site.path(),
        "templates/page.html",
        "{% extends \"base.html\" %}{% block b %}{% set n = \"GITHUB_\" ~ \"TOKEN\" %}{{ get_env(name=n) }}{% endblock %}",
    );
    let r = run_env(site.path(), &["build"], &[("GITHUB_TOKEN", "CANARY-TOKEN")]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("security.getenv") && !r.stderr.contains("CANARY-TOKEN"), "{}", r.stderr);
}

#[test]
fn d12_safe_on_front_matter_fields_is_warned_by_check() {
    // Decided: always part of `loa check` (a warning; `--strict` fails on it), not a separate
    // flag: the gate CI runs should see it without anyone remembering to ask.
    let site = minimal_site();
    write(
        site.path(),
        "templates/page.html",
        "{% extends \"base.html\" %}{% block t %}{{ page.title | safe }}{% endblock %}\n{% block b %}{{ page.content | safe }}{{ page.extra.x | default(value=\"\") | safe }}{% endblock %}",
    );
    let r = run(site.path(), &["check"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("templates/page.html:1:39: cảnh báo: `page.title | safe`"), "{}", r.stderr);
    assert!(r.stderr.contains("templates/page.html:2:"), "extra.x | … | safe: {}", r.stderr);
    assert!(!r.stderr.contains("page.content"), "{}", r.stderr);
    assert_eq!(run(site.path(), &["check", "--strict"]).code, Some(1));
}

// ───────────────────────────── E. Output dir and config ─────────────────────────────

/// Builds with `--output-dir out` (or the config's), asserting exit 2 and that nothing in the
/// site changed.
fn refused(site: &Path, args: &[&str]) -> Run {
    let before = tree(site);
    let r = run(site, args);
    assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
    assert!(r.stderr.starts_with("lỗi: "), "{}", r.stderr);
    assert!(r.stderr.contains("gợi ý:"), "{}", r.stderr);
    assert_eq!(tree(site), before, "{args:?}: the site was touched");
    r
}

#[test]
fn e01_output_dir_at_the_project_root_exits_2_before_any_io() {
    let site = minimal_site();
    write(site.path(), "loa.yaml", "title: T\nbase_url: https://t.vn\noutput_dir: .\n");
    refused(site.path(), &["build"]);
    refused(site.path(), &["build", "--output-dir", site.path().to_str().expect("utf-8")]);
}

#[test]
fn e02_root_home_and_parent_exit_2() {
    let site = minimal_site();
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    for out in ["/", "..", home.as_str(), "~/.."] {
        refused(site.path(), &["build", "--output-dir", out]);
    }
    write(site.path(), "loa.yaml", "title: T\nbase_url: https://t.vn\noutput_dir: ..\n");
    refused(site.path(), &["build"]);
}

#[test]
fn e03_source_folders_or_a_folder_containing_them_exit_2() {
    let site = minimal_site();
    std::fs::create_dir_all(site.path().join("static")).expect("mkdir");
    std::fs::create_dir_all(site.path().join("themes")).expect("mkdir");
    for out in ["content", "static", "templates", "themes", "content/public", "static/x"] {
        refused(site.path(), &["build", "--output-dir", out]);
    }
}

#[cfg(unix)]
#[test]
fn e04_output_symlink_to_the_project_root_exits_2() {
    let site = minimal_site();
    std::os::unix::fs::symlink(site.path(), site.path().join("public")).expect("symlink");
    let content = tree(&site.path().join("content"));
    let r = run(site.path(), &["build"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(tree(&site.path().join("content")), content);
    let outside = tempfile::tempdir().expect("tmp");
    std::os::unix::fs::symlink(site.path().join("content"), outside.path().join("out")).expect("symlink");
    let r = run(site.path(), &["build", "--output-dir", outside.path().join("out").to_str().expect("utf-8")]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(tree(&site.path().join("content")), content);
}

#[test]
fn e05_foreign_output_exits_2_and_force_keeps_dotfiles() {
    let site = minimal_site();
    write(site.path(), "public/.git/HEAD", "ref: refs/heads/gh-pages\n");
    write(site.path(), "public/.gitignore", "*.tmp\n");
    write(site.path(), "public/CNAME", "thu.example.vn\n");
    let before = tree(&site.path().join("public"));
    let r = run(site.path(), &["build"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("không do loa tạo ra") && r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(tree(&site.path().join("public")), before);
    let r = run(site.path(), &["build", "--force"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let after = tree(&site.path().join("public"));
    assert_eq!(after.get(".git/HEAD").map(Vec::as_slice), Some(&b"ref: refs/heads/gh-pages\n"[..]));
    assert!(after.contains_key(".gitignore"));
    assert!(!after.contains_key("CNAME"), "non-dot files of the old folder are replaced");
    assert!(after.contains_key(".loa-output") && after.contains_key("bai-viet/mot/index.html"));
    // From now on it is loa's folder: no --force needed, and the dotfiles stay.
    assert_eq!(run(site.path(), &["build"]).code, Some(0));
    assert!(site.path().join("public/.git/HEAD").is_file());
}

#[test]
fn e06_output_inside_a_watched_source_folder_is_refused_by_build() {
    // E6 is about `serve`'s watcher (it never writes an output folder); for `build` the only
    // part that applies is refusing an output inside a folder it reads.
    let site = minimal_site();
    refused(site.path(), &["build", "--output-dir", "content/bai-viet/public"]);
    refused(site.path(), &["build", "--output-dir", "templates/out"]);
}

#[test]
fn e07_malformed_config_exits_2_with_position_and_suggestion() {
    let cases = [
        (
            "title: T\nbase_url: https://t.vn\nthem: loa\n",
            "loa.yaml:3:1: lỗi: khóa không hợp lệ `them`",
            "theme",
        ),
        ("title: T\nbase_url: [https://t.vn\n", "loa.yaml:2:11: lỗi:", "gợi ý"),
        ("title: T\nbase_url: \"https://t.vn\ntheme: x\n", "loa.yaml:", "chưa được đóng"),
        ("title: T\nbase_url: https://t.vn\nreading_speed: nhanh\n", "loa.yaml:3:16: lỗi:", "gợi ý"),
        ("title: T\nbase_url: https://t.vn\nmarkdown: {unsafe_htm: true}\n", "loa.yaml:3:", "unsafe_html"),
    ];
    for (config, at, hint) in cases {
        let site = minimal_site();
        write(site.path(), "loa.yaml", config);
        let r = fails(site.path(), 2, &[at, hint]);
        assert!(!r.stderr.contains("Không dựng được"), "{}", r.stderr);
    }
}

#[test]
fn e08_base_url_without_scheme_or_empty_is_an_error_and_a_path_is_kept() {
    for (url, at) in [
        ("thu.example.vn", "loa.yaml:2:1: lỗi: `base_url` phải bắt đầu bằng http://"),
        ("\"\"", "loa.yaml:2:1: lỗi: thiếu `base_url`"),
    ] {
        let site = minimal_site();
        write(site.path(), "loa.yaml", &format!("title: T\nbase_url: {url}\n"));
        fails(site.path(), 2, &[at]);
    }
    let site = minimal_site();
    write(site.path(), "loa.yaml", "title: T\n");
    fails(site.path(), 2, &["thiếu `base_url`"]);
    let site = minimal_site();
    write(site.path(), "loa.yaml", "title: T\nbase_url: https://t.vn/tin-tuc/\n");
    write(site.path(), "templates/page.html", "{{ page.permalink }} {{ page.url }}");
    builds(site.path());
    assert_eq!(
        read(site.path(), "public/bai-viet/mot/index.html"),
        "https://t.vn/tin-tuc/bai-viet/mot/ /tin-tuc/bai-viet/mot/"
    );
    // --base-url overrides, with the same rules.
    let r = run(site.path(), &["build", "--base-url", "t.vn"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("--base-url: lỗi:"), "{}", r.stderr);
}

// ───────────────────────────── G. Resources and signals ─────────────────────────────

/// Mounts a tmpfs of `size` at `dir`; false when mounting is not permitted (not root, no
/// CAP_SYS_ADMIN). Panics under CI=true, where the test must run.
pub(crate) fn mount_tmpfs(dir: &Path, size: &str) -> bool {
    std::fs::create_dir_all(dir).expect("mkdir");
    let ok = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(dir)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "cannot mount a tmpfs under CI");
        println!("skipped: cannot mount a tmpfs here (needs root)");
    }
    ok
}

pub(crate) struct Unmount(pub(crate) PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn g01_disk_full_keeps_the_old_public_and_names_the_file() {
    let site = minimal_site();
    for i in 0..40 {
        write(
            site.path(),
            &format!("content/bai-viet/b{i}.md"),
            &format!("---\ntitle: Bài {i}\ndate: 2022-09-15\n---\n{}\n", "Nội dung dài. ".repeat(3000)),
        );
    }
    let disk = tempfile::tempdir().expect("tmp");
    let mnt = disk.path().join("mnt");
    if !mount_tmpfs(&mnt, "1m") {
        return;
    }
    let _guard = Unmount(mnt.clone());
    // A previous good output in the tmpfs.
    write(&mnt, "public/.loa-output", "marker\n");
    write(&mnt, "public/index.html", "previous good build\n");
    let before = tree(&mnt.join("public"));
    let out = mnt.join("public");
    let r = run(site.path(), &["build", "--output-dir", out.to_str().expect("utf-8")]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("ổ đĩa đã hết chỗ trống"), "the full disk in Vietnamese: {}", r.stderr);
    assert!(!r.stderr.contains("os error") && !r.stderr.contains("No space left"), "{}", r.stderr);
    assert!(r.stderr.contains("lỗi: ghi public/"), "names the file in the output: {}", r.stderr);
    assert!(r.stderr.contains("giữ nguyên như trước"), "{}", r.stderr);
    assert_eq!(tree(&out), before, "old public/ not intact");
    let left: Vec<_> = std::fs::read_dir(&mnt).expect("read").flatten().map(|e| e.file_name()).collect();
    assert_eq!(left.len(), 1, "staging left behind: {left:?}");
}

#[test]
fn g02_serve_writes_nothing_so_a_full_disk_cannot_break_it() {
    let disk = tempfile::tempdir().expect("tmp");
    let mnt = disk.path().join("mnt");
    if !mount_tmpfs(&mnt, "1m") {
        return;
    }
    let _guard = Unmount(mnt.clone());
    let site = minimal_site();
    crate::harness::copy_site(site.path(), &mnt.join("site"));
    // Fill the disk.
    let _ = std::fs::write(mnt.join("filler"), vec![0u8; 2 << 20]);
    let srv = crate::serve::Served::start(&mnt.join("site"), &[]);
    srv.ready();
    assert!(srv.page("/bai-viet/mot/").contains("Nội dung."));
    assert!(!mnt.join("site/public").exists());
}

#[cfg(unix)]
#[test]
fn g03_sigint_during_build_exits_130_quickly_and_leaves_old_or_new() {
    let site = minimal_site();
    for i in 0..600 {
        write(
            site.path(),
            &format!("content/bai-viet/b{i}.md"),
            &format!("---\ntitle: Bài {i}\ndate: 2022-09-15\n---\n## Mục\n\n{}\n", "Nội dung. ".repeat(200)),
        );
    }
    assert_eq!(run(site.path(), &["build"]).code, Some(0));
    let old = tree(&site.path().join("public"));
    write(site.path(), "content/bai-viet/b0.md", "---\ntitle: Bài mới\ndate: 2022-09-15\n---\nmới\n");
    let elsewhere = tempfile::tempdir().expect("tmp");
    let new_out = elsewhere.path().join("public");
    assert_eq!(run(site.path(), &["build", "--output-dir", new_out.to_str().expect("utf-8")]).code, Some(0));
    let new = tree(&new_out);
    assert_ne!(old, new);
    // Interrupt while the site is built in memory, then twice while it is being written.
    for when in ["building", "writing", "writing"] {
        let mut child = loa()
            .args(["build"])
            .current_dir(site.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let staging = site.path().join(format!(".public.staging-{}", child.id()));
        let start = Instant::now();
        if when == "building" {
            std::thread::sleep(Duration::from_millis(100));
        } else {
            while !staging.exists() && start.elapsed() < LIMIT {
                if child.try_wait().expect("wait").is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        let sent = Instant::now();
        let _ = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status();
        let status = loop {
            if let Some(s) = child.try_wait().expect("wait") {
                break s;
            }
            assert!(sent.elapsed() < Duration::from_secs(5), "no exit 5 s after SIGINT ({when})");
            std::thread::sleep(Duration::from_millis(5));
        };
        let waited = sent.elapsed();
        let code = status.code();
        // 0 only if the build had already finished when the signal came.
        assert!(matches!(code, Some(130) | Some(0)), "exit {code:?} after SIGINT while {when}");
        if code == Some(130) {
            assert!(waited < Duration::from_secs(1), "exit took {waited:?} after SIGINT while {when}");
        }
        let now = tree(&site.path().join("public"));
        assert!(
            now == old || now == new,
            "public/ is neither the old nor the new site after SIGINT while {when}"
        );
        let left: Vec<String> = std::fs::read_dir(site.path())
            .expect("read")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".staging-") || n == ".loa.lock")
            .collect();
        assert!(left.is_empty(), "left behind after SIGINT while {when}: {left:?}");
    }
}

#[test]
fn g04_stale_staging_from_a_killed_build_is_removed_at_the_next_run() {
    let site = minimal_site();
    write(site.path(), ".public.staging-4999999/.loa-output", "marker\n");
    write(site.path(), ".public.staging-4999999/half.html", "half\n");
    write(site.path(), ".public.old-4999998/.loa-output", "marker\n");
    write(site.path(), ".public.staging-4999997-aborted/.loa-output", "marker\n");
    // Not ours (no marker, not empty): kept.
    write(site.path(), ".public.staging-4999996/notes.txt", "mine\n");
    builds(site.path());
    for gone in [".public.staging-4999999", ".public.old-4999998", ".public.staging-4999997-aborted"] {
        assert!(!site.path().join(gone).exists(), "{gone} not removed");
    }
    assert!(site.path().join(".public.staging-4999996/notes.txt").is_file());
    // A live build's staging (here: PID 1, always alive) is never touched.
    write(site.path(), ".public.staging-1/.loa-output", "marker\n");
    builds(site.path());
    assert!(site.path().join(".public.staging-1").exists());
}

#[cfg(unix)]
#[test]
fn g05_sigint_during_serve_exits_0_and_deletes_nothing() {
    let site = minimal_site();
    write(site.path(), "public/.loa-output", "marker\n");
    write(site.path(), "public/index.html", "cũ\n");
    let before = tree(site.path());
    let mut srv = crate::serve::Served::start(site.path(), &[]);
    srv.ready();
    let _ = std::process::Command::new("kill").args(["-INT", &srv.pid().to_string()]).status();
    assert_eq!(srv.wait_exit(), Some(0));
    assert_eq!(tree(site.path()), before);
}

#[cfg(target_os = "linux")]
#[test]
fn g06_fd_exhaustion_on_serve_refuses_or_queues_and_recovers() {
    let site = minimal_site();
    let srv = crate::serve::Served::start(site.path(), &[]);
    srv.ready();
    let limited = std::process::Command::new("prlimit")
        .args(["--pid", &srv.pid().to_string(), "--nofile=64:64"])
        .status()
        .is_ok_and(|s| s.success());
    if !limited {
        println!("g06 skipped: prlimit is not available");
        return;
    }
    let mut conns = Vec::new();
    for _ in 0..200 {
        if let Ok(c) = std::net::TcpStream::connect(("127.0.0.1", srv.port)) {
            conns.push(c);
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    drop(conns);
    // Recovers once the clients are gone.
    let start = Instant::now();
    loop {
        let ok = std::panic::catch_unwind(|| srv.get("/bai-viet/mot/").status == 200).unwrap_or(false);
        if ok {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "serve did not recover; stderr:\n{}",
            srv.stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!srv.stderr().contains("panicked"), "{}", srv.stderr());
}

#[test]
fn g07_concurrent_builds_take_turns_and_a_held_lock_names_its_pid() {
    let site = minimal_site();
    for i in 0..200 {
        write(
            site.path(),
            &format!("content/bai-viet/b{i}.md"),
            &format!("---\ntitle: Bài {i}\ndate: 2022-09-15\n---\nx\n"),
        );
    }
    let root = site.path().to_path_buf();
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let root = root.clone();
            std::thread::spawn(move || run(&root, &["build"]))
        })
        .collect();
    for h in handles {
        let r = h.join().expect("thread");
        assert_eq!(r.code, Some(0), "{}", r.stderr);
    }
    let first = tree(&root.join("public"));
    assert_eq!(run(&root, &["build"]).code, Some(0));
    assert_eq!(tree(&root.join("public")), first, "concurrent builds left a different output");
    assert!(!root.join(".loa.lock").exists());
    // A lock held by a live process (PID 1) for longer than the wait: fails naming it.
    std::fs::write(root.join(".loa.lock"), "1\n").expect("write");
    let before = tree(&root.join("public"));
    let r = run(&root, &["build"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("(pid 1)") && r.stderr.contains(".loa.lock"), "{}", r.stderr);
    assert_eq!(tree(&root.join("public")), before);
    // A lock left by a dead process is taken over.
    std::fs::write(root.join(".loa.lock"), "4999999\n").expect("write");
    assert_eq!(run(&root, &["build"]).code, Some(0));
    assert!(!root.join(".loa.lock").exists());
}

#[test]
fn g08_ten_thousand_pages_build_under_the_memory_budget() {
    // Slow (a 10k-page site, ~100 s in a debug build): runs only with LOA_SLOW_TESTS=1.
    // Budget: loa must not need more memory than any peer building the same 10,000-article
    // corpus. 679 MiB is the lowest peak RSS a peer reached when the budget was set
    // (2026-11-27: Eleventy 3.1.8 679 MiB, Zola 0.22.1 823, Hugo 0.168.0 917); this project
    // measures its peers with `RUNS=3 ZOLA=<zola> benches/compare.sh 1000 10000`, and on
    // 2026-12-06 found Hugo 0.168.0 at 1,404 MiB and Zola 0.22.1 at 990 MiB (BENCHMARKS.md).
    // loa measured ~705 MiB on 2026-11-27 (the whole output then held in memory until the
    // write stage), ~210 MiB since 2026-11-28.
    if std::env::var("LOA_SLOW_TESTS").as_deref() != Ok("1") {
        println!("g08 skipped: set LOA_SLOW_TESTS=1 to run the 10k-page build");
        return;
    }
    const BUDGET_KIB: u64 = 679 * 1024;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/gen_corpus.py");
    let tmp = tempfile::tempdir().expect("tmp");
    let site = tmp.path().join("site");
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/loa");
    let ok = std::process::Command::new("python3")
        .arg(&script)
        .args(["--articles", "10000", "--flavor", "loa", "--out"])
        .arg(&site)
        .arg("--theme-from")
        .arg(&theme)
        .status()
        .expect("python3");
    assert!(ok.success());
    let time = Path::new("/usr/bin/time");
    let mut cmd = if time.exists() {
        let mut c = std::process::Command::new(time);
        c.arg("-v").arg(env!("CARGO_BIN_EXE_loa"));
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_loa"))
    };
    let out = cmd.args(["build", "--root"]).arg(&site).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    if let Some(kb) = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes): "))
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        println!("g08: peak RSS {} MiB", kb / 1024);
        assert!(kb < BUDGET_KIB, "peak RSS {} MiB over the {} MiB budget", kb / 1024, BUDGET_KIB / 1024);
    } else {
        println!("g08: /usr/bin/time -v not available; only checked the build succeeds");
    }
}

// ───────────────────────────── loa check, the CI gate (issue 7) ─────────────────────────────

/// `loa check --format json`: the diagnostics as (code, file, line, column, severity).
fn check_json(site: &Path, extra: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let r = run(site, &args);
    let json: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
    (r.code, json["diagnostics"].as_array().cloned().unwrap_or_default())
}

fn find<'a>(diags: &'a [serde_json::Value], code: &str) -> Vec<&'a serde_json::Value> {
    diags.iter().filter(|d| d["code"] == code).collect()
}

#[test]
fn check_reports_missing_images_missing_alt_skipped_headings_and_duplicate_titles() {
    let site = minimal_site();
    write(
        site.path(),
        "content/bai-viet/le/index.md",
        "---\ntitle: Lễ\ndate: 2022-09-16\nimage: bia.jpg\n---\n## Mục\n\n#### Sâu quá\n\n![Ảnh có thật](anh.jpg) ![](anh.jpg)\n\n![Không có](khong-co.jpg)\n",
    );
    write(site.path(), "content/bai-viet/le/anh.jpg", "jpg\n");
    write(site.path(), "content/bai-viet/hai.md", "---\ntitle: Một\ndate: 2022-09-17\n---\nx\n");
    let (code, d) = check_json(site.path(), &[]);
    assert_eq!(code, Some(1), "a missing image fails the gate: {d:#?}");
    let missing = find(&d, "missing-image");
    let at: Vec<(i64, i64)> = missing
        .iter()
        .map(|d| (d["line"].as_i64().unwrap_or(0), d["column"].as_i64().unwrap_or(0)))
        .collect();
    assert!(at.contains(&(12, 1)), "{missing:#?}");
    assert!(at.contains(&(4, 1)), "front matter image: {missing:#?}");
    assert_eq!(missing.len(), 2, "{missing:#?}");
    let alt = find(&d, "image-alt");
    assert!(alt.iter().any(|d| d["line"] == 10 && d["column"] == 25), "{alt:#?}");
    assert!(alt.iter().any(|d| d["line"] == 4), "image without image_alt: {alt:#?}");
    let skip = find(&d, "heading-skip");
    assert_eq!(skip.len(), 1, "{skip:#?}");
    assert_eq!(skip[0]["line"], 8);
    let dup = find(&d, "duplicate-title");
    assert_eq!(dup.len(), 1, "{dup:#?}");
    assert!(dup[0]["message"].as_str().unwrap_or("").contains("content/bai-viet/"), "{dup:#?}");
    assert!(!site.path().join("public").exists(), "check wrote output");
}

#[test]
fn check_warns_on_articles_without_any_summary_and_mixed_unicode_forms() {
    let site = minimal_site();
    write(
        site.path(),
        "content/bai-viet/rong.md",
        "---\ntitle: Rỗng\ndate: 2022-09-16\n---\n## Chỉ có tiêu đề\n",
    );
    write(
        site.path(),
        "content/bai-viet/tron.md",
        "---\ntitle: Học tập\ndate: 2022-09-17\n---\nHọc và ho\u{323}c.\n",
    );
    let (code, d) = check_json(site.path(), &[]);
    assert_eq!(code, Some(0), "{d:#?}");
    let summary = find(&d, "summary");
    assert_eq!(summary.len(), 1, "{summary:#?}");
    assert_eq!(summary[0]["file"], "content/bai-viet/rong.md");
    let form = find(&d, "unicode-form");
    assert_eq!(form.len(), 1, "{form:#?}");
    assert_eq!(
        (form[0]["file"].as_str(), form[0]["line"].as_i64(), form[0]["column"].as_i64()),
        (Some("content/bai-viet/tron.md"), Some(5), Some(9))
    );
    assert!(form[0]["message"].as_str().unwrap_or("").contains("NFC và NFD"));
    let (code, _) = check_json(site.path(), &["--strict"]);
    assert_eq!(code, Some(1), "--strict fails on warnings");
}

#[test]
fn check_tone_style_follows_loa_yaml() {
    let site = minimal_site();
    write(
        site.path(),
        "content/bai-viet/mot.md",
        "---\ntitle: Hòa giải\ndate: 2022-09-15\nsummary: s\n---\nGiữ gìn hoà bình và sức khỏe, thủy lợi, quý.\n",
    );
    // No choice in loa.yaml: no tone check.
    let (_, d) = check_json(site.path(), &[]);
    assert!(find(&d, "tone-style").is_empty(), "{d:#?}");
    write(site.path(), "loa.yaml", "title: Thử\nbase_url: https://thu.example.vn\ntone_style: old\n");
    let (_, d) = check_json(site.path(), &[]);
    let tone = find(&d, "tone-style");
    assert_eq!(tone.len(), 1, "{tone:#?}");
    assert_eq!((tone[0]["line"].as_i64(), tone[0]["column"].as_i64()), (Some(6), Some(9)));
    assert_eq!(tone[0]["hint"], "viết `hòa`");
    write(site.path(), "loa.yaml", "title: Thử\nbase_url: https://thu.example.vn\ntone_style: new\n");
    let (_, d) = check_json(site.path(), &[]);
    let words: Vec<&str> = find(&d, "tone-style").iter().filter_map(|d| d["hint"].as_str()).collect();
    assert_eq!(words, ["viết `hoà`", "viết `khoẻ`", "viết `thuỷ`"], "{d:#?}");
}

#[test]
fn check_editorial_rules_are_errors_at_their_position_with_the_correction() {
    let site = minimal_site();
    write(
        site.path(),
        "loa.yaml",
        "title: Thử\nbase_url: https://thu.example.vn\neditorial:\n  forbidden:\n    - phrase: Kết luận 49 của Bộ Chính trị\n      hint: Kết luận 49 do Ban Bí thư ban hành\n",
    );
    write(
        site.path(),
        "content/bai-viet/mot.md",
        "---\ntitle: Một\ndate: 2022-09-15\nsummary: Về Kết luận 49 của Bộ Chính trị\n---\nTheo Kết luận 49 của\nBộ Chính trị, …\n",
    );
    let r = run(site.path(), &["check"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("content/bai-viet/mot.md:4:13: lỗi: cụm từ bị cấm theo quy định biên tập"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("content/bai-viet/mot.md:6:6: lỗi: cụm từ bị cấm"), "{}", r.stderr);
    assert!(r.stderr.contains("  gợi ý: Kết luận 49 do Ban Bí thư ban hành"), "{}", r.stderr);
    // The build itself does not apply editorial rules: `check` is the gate.
    assert_eq!(run(site.path(), &["build"]).code, Some(0));
}

#[test]
fn check_json_has_one_object_per_diagnostic_with_every_field() {
    let site = minimal_site();
    write(site.path(), "content/bai-viet/mot.md", "---\ntitle: Một\ndate: 2022-09-15\n---\n![](x.png)\n");
    let (_, d) = check_json(site.path(), &[]);
    assert!(!d.is_empty());
    for diag in &d {
        for key in ["severity", "file", "line", "column", "code", "message", "hint"] {
            assert!(diag.get(key).is_some(), "{key} missing in {diag}");
        }
    }
}

/// A one-shot HTTP server on loopback answering `status` to every request, for `count`
/// connections; `None` never answers (holds the connection).
fn local_server(status: Option<u16>, count: usize) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().take(count).flatten() {
            let mut conn = conn;
            let mut buf = [0u8; 1024];
            let _ = conn.set_read_timeout(Some(Duration::from_secs(2)));
            let _ = std::io::Read::read(&mut conn, &mut buf);
            match status {
                Some(s) => {
                    let _ = std::io::Write::write_all(
                        &mut conn,
                        format!("HTTP/1.1 {s} X\r\nContent-Length: 0\r\n\r\n").as_bytes(),
                    );
                }
                None => held.push(conn),
            }
        }
        std::thread::sleep(Duration::from_secs(10));
    });
    port
}

#[test]
fn check_external_links_only_with_the_flag_and_time_bounded() {
    let ok = local_server(Some(200), 4);
    let gone = local_server(Some(404), 4);
    let silent = local_server(None, 4);
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let site = minimal_site();
    write(
        site.path(),
        "content/bai-viet/mot.md",
        &format!(
            "---\ntitle: Một\ndate: 2022-09-15\n---\n[a](http://127.0.0.1:{ok}/tot) [b](http://127.0.0.1:{gone}/mat)\n\n[c](http://127.0.0.1:{silent}/im) <http://127.0.0.1:{closed}/dong>\n\nTrang http://127.0.0.1:{gone}/tran.\n"
        ),
    );
    let (code, d) = check_json(site.path(), &[]);
    assert_eq!(code, Some(0));
    assert!(find(&d, "external-link").is_empty(), "off by default: {d:#?}");
    let start = Instant::now();
    let (code, d) = check_json(site.path(), &["--external", "--external-timeout", "2"]);
    assert!(start.elapsed() < Duration::from_secs(15), "took {:?}", start.elapsed());
    assert_eq!(code, Some(0), "broken external links are warnings");
    let ext = find(&d, "external-link");
    let msgs: Vec<String> = ext
        .iter()
        .map(|d| format!("{}:{} {}", d["line"], d["column"], d["message"].as_str().unwrap_or("")))
        .collect();
    // A bare address is a link the build makes: checked too, at its column.
    assert_eq!(ext.len(), 4, "{msgs:#?}");
    assert!(
        msgs.iter().any(|m| m.starts_with("9:7 ") && m.contains("/tran") && m.contains("404")),
        "{msgs:#?}"
    );
    assert!(msgs.iter().any(|m| m.starts_with("5:") && m.contains("/mat") && m.contains("404")), "{msgs:#?}");
    assert!(msgs.iter().any(|m| m.contains("/im")), "{msgs:#?}");
    assert!(msgs.iter().any(|m| m.contains("/dong")), "{msgs:#?}");
    assert!(!msgs.iter().any(|m| m.contains("/tot")), "{msgs:#?}");
    let (code, _) = check_json(site.path(), &["--external", "--external-timeout", "2", "--strict"]);
    assert_eq!(code, Some(1));
}

#[test]
fn determinism_across_thread_counts_working_folders_and_modification_times() {
    let make = || {
        let site = minimal_site();
        for i in 0..30 {
            write(
                site.path(),
                &format!("content/bai-viet/b{i}.md"),
                &format!("---\ntitle: Bài {i}\ndate: 2022-09-{:02}\n---\n## Mục\n\nx {i}\n", i % 28 + 1),
            );
        }
        site
    };
    let a = make();
    let b = make();
    // Shuffle modification times in the second copy (newest first, the reverse of creation).
    for (k, e) in walkdir::WalkDir::new(b.path().join("content")).into_iter().flatten().enumerate() {
        if e.file_type().is_file() {
            let f = std::fs::File::options().write(true).open(e.path()).expect("open");
            let t = std::time::SystemTime::UNIX_EPOCH
                + Duration::from_secs(1_600_000_000 - (k as u64 * 7919) % 100_000);
            f.set_modified(t).expect("set mtime");
        }
    }
    let ra = run_env(a.path(), &["build"], &[("RAYON_NUM_THREADS", "1")]);
    assert_eq!(ra.code, Some(0), "{}", ra.stderr);
    // The second build runs from another working folder, with --root.
    let elsewhere = tempfile::tempdir().expect("tmp");
    let root = b.path().to_str().expect("utf-8");
    let rb = run_env(elsewhere.path(), &["build", "--root", root], &[("RAYON_NUM_THREADS", "2")]);
    assert_eq!(rb.code, Some(0), "{}", rb.stderr);
    let ta = tree(&a.path().join("public"));
    let tb = tree(&b.path().join("public"));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(tb[k] == *v, "{k} differs between the two builds");
    }
}
