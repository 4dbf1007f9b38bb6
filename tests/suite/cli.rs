//! The command line: help, exit codes, `check`, the repository's own site.

use crate::harness::{minimal_site, run, tree, write};

/// What clap says in English; none of it may reach the person at the terminal.
const CLAP_ENGLISH: &[&str] = &[
    "error:",
    "Usage:",
    "Options:",
    "Arguments:",
    "Commands:",
    "For more information",
    "Print help",
    "Print version",
    "[default:",
    "possible values",
    "tip:",
    "unexpected argument",
    "invalid value",
    "a value is required",
    "required arguments",
    "unrecognized subcommand",
    "[OPTIONS]",
    "<COMMAND>",
];

fn assert_no_clap_english(text: &str) {
    for phrase in CLAP_ENGLISH {
        assert!(!text.contains(phrase), "English `{phrase}` left in:\n{text}");
    }
}

#[test]
fn help_is_vietnamese_throughout() {
    let root = tempfile::tempdir().expect("tmp");
    let every: &[&[&str]] = &[
        &["--help"],
        &["-h"],
        &["help"],
        &["build", "--help"],
        &["build", "-h"],
        &["help", "build"],
        &["check", "--help"],
        &["new", "--help"],
        &["serve", "--help"],
        &["help", "serve"],
    ];
    for args in every {
        let out = run(root.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Cách dùng: loa"), "{args:?}: {text}");
        assert!(text.contains("Tùy chọn:"), "{args:?}: {text}");
        assert!(text.contains("-h, --help") && text.contains("In trợ giúp"), "{args:?}: {text}");
        assert_no_clap_english(&text);
        // Every flag and command is described, in Vietnamese.
        for line in text.lines().filter(|l| l.trim_start().starts_with('-') || l.starts_with("  ")) {
            assert!(!line.is_ascii(), "{args:?}: a line without Vietnamese: {line}");
        }
    }
    let text = String::from_utf8_lossy(&run(root.path(), &["--help"]).stdout).into_owned();
    assert!(text.contains("Lệnh:"), "{text}");
    for command in ["build", "check", "new", "serve", "help"] {
        assert!(text.contains(&format!("\n  {command} ")), "loa --help lacks {command}: {text}");
    }
    let text = String::from_utf8_lossy(&run(root.path(), &["build", "--help"]).stdout).into_owned();
    assert!(text.contains("Cách dùng: loa build [TÙY_CHỌN]"), "{text}");
    for flag in
        ["--root <THƯ_MỤC>", "--output-dir", "--base-url", "--drafts", "--verbose", "--at <NGÀY>", "--force"]
    {
        assert!(text.contains(flag), "build --help lacks {flag}");
    }
    let text = String::from_utf8_lossy(&run(root.path(), &["new", "--help"]).stdout).into_owned();
    assert!(text.contains("Đối số:\n  <CHUYÊN_MỤC>"), "{text}");
    let text = String::from_utf8_lossy(&run(root.path(), &["check", "--help"]).stdout).into_owned();
    assert!(text.contains("mặc định 5"), "the default is said in the flag's own text: {text}");

    // `loa` alone: the help, on stderr, as a usage error.
    let out = run(root.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Cách dùng: loa <LỆNH>"), "{err}");
    assert_no_clap_english(&err);
    // The version, as clap prints it.
    for flag in ["--version", "-V"] {
        let out = run(root.path(), &[flag]);
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("loa {}", env!("CARGO_PKG_VERSION")));
    }
}

/// Runs loa expecting a usage error: exit code 2, nothing on stdout, Vietnamese on stderr.
fn usage_error(args: &[&str]) -> String {
    let root = tempfile::tempdir().expect("tmp");
    let out = run(root.path(), args);
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    assert!(out.stdout.is_empty(), "{args:?}: {}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.starts_with("lỗi: "), "{args:?}: {err}");
    assert_no_clap_english(&err);
    err
}

#[test]
fn a_bad_flag_value_is_said_in_vietnamese() {
    let err = usage_error(&["check", "--format", "jsn"]);
    assert!(err.contains("lỗi: giá trị `jsn` không hợp lệ cho --format <DẠNG>"), "{err}");
    assert!(err.contains("  các giá trị hợp lệ: human, json"), "{err}");
    assert!(err.contains("  gợi ý: có phải ý bạn là `json`?"), "{err}");
    assert!(err.trim_end().ends_with("Xem thêm: loa check --help"), "{err}");
    let err = usage_error(&["serve", "--port", "tám"]);
    assert!(
        err.contains("giá trị `tám` không hợp lệ cho --port <SỐ>: cần một số nguyên từ 0 đến 65535"),
        "{err}"
    );
    let err = usage_error(&["serve", "--port", "70000"]);
    assert!(err.contains("cần một số nguyên từ 0 đến 65535"), "{err}");
    let err = usage_error(&["check", "--external-timeout", "năm"]);
    assert!(err.contains("cần một số giây nguyên"), "{err}");
    let err = usage_error(&["build", "--at", "2026-13-01"]);
    assert!(err.contains("không có tháng 13 (tháng từ 1 đến 12)"), "{err}");
}

#[test]
fn an_unknown_argument_is_said_in_vietnamese() {
    let err = usage_error(&["build", "--no-such-flag"]);
    assert!(err.contains("lỗi: lệnh loa build không có tùy chọn `--no-such-flag`"), "{err}");
    assert!(err.contains("\nCách dùng: loa build [TÙY_CHỌN]\n"), "{err}");
    assert!(err.contains("Xem thêm: loa build --help"), "{err}");
    let err = usage_error(&["build", "--draft"]);
    assert!(err.contains("gợi ý: có phải ý bạn là `--drafts`?"), "{err}");
    let err = usage_error(&["build", "public"]);
    assert!(err.contains("lỗi: lệnh loa build không nhận thêm đối số `public`"), "{err}");
    let err = usage_error(&["buid"]);
    assert!(err.contains("lỗi: không có lệnh `buid`"), "{err}");
    assert!(err.contains("các lệnh: approve, build, check, new, serve"), "{err}");
    assert!(err.contains("gợi ý: có phải ý bạn là `build`?"), "{err}");
    let err = usage_error(&["help", "buid"]);
    assert!(err.contains("lỗi: không có lệnh `buid`"), "{err}");
    let err = usage_error(&["build", "--drafts", "--drafts"]);
    assert!(err.contains("lỗi: --drafts chỉ được dùng một lần"), "{err}");
}

#[test]
fn a_missing_value_is_said_in_vietnamese() {
    let err = usage_error(&["build", "--root"]);
    assert!(err.contains("lỗi: thiếu giá trị cho --root <THƯ_MỤC>"), "{err}");
    let err = usage_error(&["new", "site"]);
    assert!(err.contains("lỗi: thiếu thư mục của trang mới"), "{err}");
    assert!(err.contains("gợi ý: ví dụ `loa new site ten-thu-muc`"), "{err}");
    assert!(err.trim_end().ends_with("Xem thêm: loa new --help"), "{err}");
}

#[test]
fn missing_config_names_the_file_and_the_fix() {
    let root = tempfile::tempdir().expect("tmp");
    let out = run(root.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("loa.yaml: lỗi: không đọc được loa.yaml"), "{err}");
    assert!(err.contains("gợi ý: chạy loa trong thư mục của trang"), "{err}");
}

#[test]
fn build_prints_one_summary_line_and_verbose_stage_times() {
    let site = minimal_site();
    let out = run(site.path(), &["build", "--verbose"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with("Đã dựng 1 trang"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for stage in ["cache-read", "load", "parse", "assemble", "markdown", "render", "cache-save", "write"] {
        assert!(stderr.contains(stage), "--verbose lacks {stage}: {stderr}");
    }
    // Where the system tells (Linux), each stage also shows the memory in use after it, and
    // the run's peak.
    if cfg!(target_os = "linux") {
        let render = stderr.lines().find(|l| l.trim_start().starts_with("render")).unwrap_or_default();
        assert!(render.trim_end().ends_with("MiB"), "no memory on the render line: {stderr}");
        assert!(stderr.contains("bộ nhớ tối đa "), "no peak memory: {stderr}");
    }
    // Where the system tells (unix), the CPU time of every thread in the stage.
    if cfg!(unix) {
        let render = stderr.lines().find(|l| l.trim_start().starts_with("render")).unwrap_or_default();
        assert!(
            render.contains(" CPU ") && render.contains(" ms "),
            "no CPU time on the render line: {stderr}"
        );
    }
}

#[test]
fn check_reports_without_writing() {
    let site = minimal_site();
    let out = run(site.path(), &["check"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!site.path().join("public").exists(), "check wrote output");
    write(
        site.path(),
        "content/bai-viet/hai.md",
        "---\ntitle: Hai\ndate: 2022-09-16\n---\n[x](@/khong-co.md)\n",
    );
    let out = run(site.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("content/bai-viet/hai.md:5:1: lỗi: liên kết tới trang không tồn tại"), "{err}");
    assert!(!site.path().join("public").exists(), "check wrote output");
}

#[test]
fn drafts_only_with_the_flag() {
    let site = minimal_site();
    write(
        site.path(),
        "content/bai-viet/nhap.md",
        "---\ntitle: Nháp\ndate: 2022-09-16\ndraft: true\n---\nx\n",
    );
    assert!(run(site.path(), &["build"]).status.success());
    assert!(!site.path().join("public/bai-viet/nhap/index.html").exists());
    assert!(run(site.path(), &["build", "--drafts"]).status.success());
    assert!(site.path().join("public/bai-viet/nhap/index.html").exists());
}

#[test]
fn nfd_file_names_give_the_nfc_slug() {
    // "Học tập.md" written in NFD (macOS file names): o + U+0323, a + U+0323 + U+0302.
    let site = minimal_site();
    let nfd = "content/bai-viet/Ho\u{323}c ta\u{323}\u{302}p.md";
    write(site.path(), nfd, "---\ntitle: Ho\u{323}c\ndate: 2022-09-16\n---\nx\n");
    let out = run(site.path(), &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(site.path().join("public/bai-viet/hoc-tap/index.html")).expect("page");
    assert!(html.contains("<title>Học</title>"), "title not NFC: {html}");
}

#[test]
fn nfc_and_nfd_names_of_one_title_collide() {
    let site = minimal_site();
    write(site.path(), "content/bai-viet/học.md", "---\ntitle: A\ndate: 2022-09-16\n---\nx\n");
    write(site.path(), "content/bai-viet/ho\u{323}c.md", "---\ntitle: B\ndate: 2022-09-17\n---\ny\n");
    let out = run(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("content/bai-viet/học.md: lỗi: hai tệp có cùng tên nhưng khác dạng mã Unicode"),
        "{err}"
    );
}

#[test]
fn crlf_and_bom_give_the_same_site_as_lf() {
    let lf = minimal_site();
    let crlf = minimal_site();
    let body = "---\ntitle: Dòng\ndate: 2022-09-16\n---\n## Mục\n\nĐoạn một\ndòng hai.\n\n```\ncode\n```\n";
    write(lf.path(), "content/bai-viet/dong.md", body);
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(body.replace('\n', "\r\n").into_bytes());
    std::fs::write(crlf.path().join("content/bai-viet/dong.md"), bytes).expect("write");
    assert!(run(lf.path(), &["build"]).status.success());
    assert!(run(crlf.path(), &["build"]).status.success());
    assert_eq!(tree(&lf.path().join("public")), tree(&crlf.path().join("public")));
}

#[test]
fn repository_site_builds_with_its_default_theme() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = tempfile::tempdir().expect("tmp");
    let out = out_dir.path().join("public");
    let result = run(repo, &["build", "--root", ".", "--output-dir", out.to_str().expect("utf-8 path")]);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    assert!(
        result.stderr.is_empty(),
        "warnings on the real site: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    let seed = std::fs::read_to_string(
        out.join("bai-viet/gop-phan-day-manh-khuyen-hoc-khuyen-tai-xay-dung-xa-hoi-hoc-tap/index.html"),
    )
    .expect("seed article page");
    assert!(seed.contains("<html lang=\"vi\">"));
    // Its date is written `15/9/2022` (day first, as editors write it); its author is a unit.
    assert!(seed.contains("<time datetime=\"2022-09-15\">Thứ Năm, 15/09/2022</time>"), "{seed}");
    assert!(seed.contains("Tác giả: Báo Nhân Dân"), "{seed}");
    assert!(seed.contains("\"author\":{\"@type\":\"Organization\",\"name\":\"Báo Nhân Dân\"}"), "{seed}");
    assert!(
        !seed.contains("0:00 / 0:00") && !seed.contains("<p>0:00</p>"),
        "player debris left in the seed article"
    );
    // Title + body of the seed article are ~510 syllables (VIETNAMESE.md §6 says "about 300,
    // 2 phút", which undercounts): at 200 per minute that is 3 minutes.
    assert!(seed.contains("3 phút đọc"), "reading time of the seed article");
    // The navigation is loa.yaml's menu: the policy first, the news renamed.
    let home = std::fs::read_to_string(out.join("index.html")).expect("home");
    let nav = &home[home.find("aria-label=\"Chuyên mục\"").expect("nav")..];
    let nav = &nav[..nav.find("</nav>").expect("nav end")];
    let hrefs: Vec<&str> = nav.split("href=\"").skip(1).map(|h| &h[..h.find('"').unwrap_or(0)]).collect();
    assert_eq!(hrefs, ["/van-ban/", "/hoi-dap/", "/chien-dich/", "/bai-viet/", "/gioi-thieu/"], "{nav}");
    assert!(nav.contains(">Tin tức</a>"), "{nav}");
    for page in [
        "index.html",
        "bai-viet/index.html",
        "gioi-thieu/index.html",
        "404.html",
        "style.css",
        "tim-kiem/index.html",
        "search.js",
        "tim-kiem/index/meta.json",
        "thuat-ngu/index.html",
        "van-ban/49-kl-tw/index.html",
    ] {
        assert!(out.join(page).is_file(), "{page} missing");
    }
}

/// `search: false` in loa.yaml: no index, no search page, and the default theme shows no
/// search form or link; switching it off removes the index an earlier build wrote.
#[test]
fn search_false_writes_no_index_no_search_page_and_no_search_form() {
    let site = tempfile::tempdir().expect("tmp");
    let root = site.path();
    std::fs::create_dir_all(root.join("themes/loa")).expect("mkdir");
    crate::harness::copy_site(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/loa"),
        &root.join("themes/loa"),
    );
    let config = "title: Thử\nbase_url: https://thu.example.vn/tin/\ntheme: loa\n";
    write(root, "loa.yaml", config);
    write(root, "content/_index.md", "---\ntitle: Trang chủ\n---\nXin chào.\n");
    write(root, "content/bai-viet/_index.md", "---\ntitle: Bài viết\nkind: article\n---\n");
    write(root, "content/bai-viet/mot.md", "---\ntitle: Một\ndate: 2022-09-15\n---\nKhuyến học.\n");
    let html_with = |needle: &str| -> Vec<String> {
        tree(&root.join("public"))
            .into_iter()
            .filter(|(k, v)| k.ends_with(".html") && String::from_utf8_lossy(v).contains(needle))
            .map(|(k, _)| k)
            .collect()
    };
    // On by default: the index, the page, and the form on every page (under the base path).
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(root.join("public/tim-kiem/index/meta.json").is_file());
    assert!(root.join("public/tim-kiem/index.html").is_file());
    let form = "<form class=\"header-search\" action=\"/tin/tim-kiem/\"";
    assert!(html_with(form).contains(&"bai-viet/mot/index.html".to_string()));
    assert!(html_with("<a href=\"/tin/tim-kiem/\">Tìm kiếm</a>").contains(&"index.html".to_string()));

    write(root, "loa.yaml", &format!("{config}search: false\n"));
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!root.join("public/tim-kiem").exists(), "the earlier index and search page stay");
    assert!(root.join("public/bai-viet/mot/index.html").is_file());
    assert_eq!(html_with("tim-kiem"), Vec::<String>::new(), "pages still point at the search");
    // The form, not the name: the inlined stylesheet still styles `.header-search`.
    assert_eq!(html_with("class=\"header-search\""), Vec::<String>::new());
}

#[test]
fn build_and_check_print_the_next_scheduled_change() {
    let site = minimal_site();
    write(
        site.path(),
        "content/bai-viet/hen.md",
        "---\ntitle: Hẹn\ndate: 2026-01-15\npublish_at: 2026-01-31T08:00\n---\nx\n",
    );
    let out = run(site.path(), &["build", "--at", "2026-01-01"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("lần thay đổi tiếp theo: 2026-01-31T08:00:00+07:00 (Thứ Bảy, 31/01/2026)"),
        "{stdout}"
    );
    let out = run(site.path(), &["check", "--at", "2026-01-01", "--format", "json"]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["next_change"], "2026-01-31T08:00:00+07:00");
    assert_eq!(json["ok"], true);
    let out = run(site.path(), &["build", "--at", "2026-02-01"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("lần thay đổi tiếp theo"));
}

#[test]
fn check_json_lists_each_diagnostic_with_its_position() {
    let site = minimal_site();
    write(site.path(), "content/bai-viet/hai.md", "---\ntitle: Hai\ndate: 2022-09-16\ntitel: x\n---\n");
    let out = run(site.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let d = &json["diagnostics"][0];
    assert_eq!(d["file"], "content/bai-viet/hai.md");
    assert_eq!(d["line"], 4);
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "unknown-field");
    assert!(d["hint"].as_str().unwrap_or("").contains("title"));
}

#[test]
fn check_json_also_reports_config_errors() {
    let site = minimal_site();
    write(site.path(), "loa.yaml", "title: T\nbase_url: https://t.vn\nthem: x\n");
    let out = run(site.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["diagnostics"][0]["file"], "loa.yaml");
    assert_eq!(json["diagnostics"][0]["line"], 3);
}

#[test]
fn new_site_builds_with_the_theme_inside_loa_and_new_theme_writes_a_copy() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = run(tmp.path(), &["new", "site", "trang"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let site = tmp.path().join("trang");
    let out = run(&site, &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "warnings: {}", String::from_utf8_lossy(&out.stderr));
    // The theme is the one inside loa (upgraded with it): no copy in the new site.
    assert!(!site.join("themes").exists());
    assert!(site.join("public/style.css").is_file());
    // `loa new theme` writes a copy of every file of the repository's default theme, which
    // then replaces the built-in one; it never writes over a copy.
    let out = run(&site, &["new", "theme"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("không tự cập nhật"));
    let repo_theme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/loa");
    assert_eq!(tree(&site.join("themes/loa")), tree(&repo_theme));
    let base = site.join("themes/loa/templates/base.html");
    let text = std::fs::read_to_string(&base).expect("base").replace("<body", "<body data-ban-chep");
    std::fs::write(&base, text).expect("write");
    assert!(run(&site, &["build"]).status.success());
    assert!(std::fs::read_to_string(site.join("public/index.html")).expect("home").contains("data-ban-chep"));
    let again = run(&site, &["new", "theme"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("themes/loa: lỗi: thư mục giao diện này đã có"));
    // Under another name, loa.yaml must name it.
    let other = run(&site, &["new", "theme", "tinh-doan"]);
    assert!(String::from_utf8_lossy(&other.stderr).contains("`theme: tinh-doan`"));
    assert!(site.join("themes/tinh-doan/templates/base.html").is_file());
    assert_eq!(run(&site, &["new", "theme", "Tỉnh Đoàn"]).status.code(), Some(1));
    // A page needs its title.
    let untitled = run(&site, &["new", "bai-viet"]);
    assert_eq!(untitled.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&untitled.stderr).contains("thiếu tiêu đề của bài mới"));
    // (New pages: tests/suite/scaffold.rs.)
    let out = run(tmp.path(), &["new", "site", "trang"]);
    assert_eq!(out.status.code(), Some(1), "new site into a non-empty folder must refuse");
}

/// What the system says in English; loa says it in Vietnamese.
const SYSTEM_ENGLISH: &[&str] =
    &["os error", "No such file", "Permission denied", "Read-only file system", "No space left"];

#[test]
fn a_missing_site_folder_is_said_in_vietnamese() {
    let root = tempfile::tempdir().expect("tmp");
    let missing = root.path().join("khong-co");
    let missing = missing.to_str().expect("utf-8");
    for command in ["build", "check", "new"] {
        let args: &[&str] = if command == "new" {
            &["new", "bai-viet", "Tiêu đề", "--root", missing]
        } else {
            &[command, "--root", missing]
        };
        let out = run(root.path(), args);
        assert_eq!(out.status.code(), Some(1), "{command}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("lỗi: không đọc được loa.yaml: không có tệp hoặc thư mục này"),
            "{command}: {err}"
        );
        for english in SYSTEM_ENGLISH {
            assert!(!err.contains(english), "{command}: `{english}` in {err}");
        }
    }
    // The JSON of `check` is read by people too (CI annotations).
    let out = run(root.path(), &["check", "--root", missing, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["diagnostics"][0]["message"], "không đọc được loa.yaml: không có tệp hoặc thư mục này");
}

/// An output folder whose parent cannot be written: a read-only mount when running as root
/// (root ignores permissions), a folder without write permission otherwise.
#[test]
fn an_unwritable_output_parent_is_said_in_vietnamese() {
    let site = minimal_site();
    let disk = tempfile::tempdir().expect("tmp");
    let parent = disk.path().join("chi-doc");
    std::fs::create_dir(&parent).expect("mkdir");
    let mut guard = None;
    let expected = if root_ignores_permissions(&parent) {
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs"])
            .arg(&parent)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "cannot mount a tmpfs under CI");
            println!("skipped: root, and cannot mount a read-only tmpfs here");
            return;
        }
        guard = Some(crate::catalogue::Unmount(parent.clone()));
        "ổ đĩa chỉ cho phép đọc, không ghi được"
    } else {
        "không có quyền truy cập"
    };
    let out_dir = parent.join("public");
    let out = run(site.path(), &["build", "--output-dir", out_dir.to_str().expect("utf-8")]);
    set_mode(&parent, 0o755);
    drop(guard);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.starts_with("lỗi: "), "{err}");
    assert!(err.contains(expected), "{err}");
    assert!(err.contains("gợi ý: kiểm tra quyền ghi"), "{err}");
    for english in SYSTEM_ENGLISH {
        assert!(!err.contains(english), "`{english}` in {err}");
    }
}

/// Takes write permission away from `dir`; true when that does not stop this process (root).
fn root_ignores_permissions(dir: &std::path::Path) -> bool {
    set_mode(dir, 0o555);
    let probe = dir.join("thu");
    let written = std::fs::write(&probe, "x").is_ok();
    let _ = std::fs::remove_file(probe);
    if written {
        set_mode(dir, 0o755);
    }
    written
}

fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
}
