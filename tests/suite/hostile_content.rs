//! The hostile-input catalogue of issue 21, content and terminal part: what a hostile author
//! can put in `content/`, `static/` or front matter. One test per case, named after what it
//! checks; each failed on the main of 2026-12-06. (The output folder and `loa serve` cases
//! are in `hostile_output.rs` and `hostile_serve.rs`.)

use crate::catalogue::{PAGE, builds, fails, run, site_with};
use crate::harness::write;

/// Case 1: `{… onfocus=…}` on a heading ran a script in every reader's browser, with
/// `markdown.unsafe_html` off and `check --strict` silent. Only `#id` and `.class` (letters,
/// digits, `-`, `_`) survive; every other attribute is dropped with a warning at its column.
#[test]
fn heading_attributes_other_than_id_and_class_are_dropped_with_a_warning_at_their_column() {
    let site = site_with(
        "---\ntitle: X\ndate: 2022-09-15\n---\n## A {#a autofocus=1 tabindex=0 onfocus=alert(document.domain)}\n\nB {.ok onmouseover=alert(1) .x\"y}\n---\n\n### C {#c onclick=alert(2)}\n",
    );
    let r = builds(site.path());
    let html = std::fs::read_to_string(site.path().join("public/bai-viet/x/index.html")).expect("page");
    for bad in ["onfocus", "onmouseover", "onclick", "autofocus", "tabindex", "alert"] {
        assert!(!html.contains(bad), "{bad} reached the page:\n{html}");
    }
    assert!(html.contains("<h2 id=\"a\">A</h2>"), "{html}");
    assert!(html.contains("<h2 id=\"b\" class=\"ok\">B</h2>"), "{html}");
    assert!(html.contains("<h3 id=\"c\">C</h3>"), "{html}");
    for (attr, at) in
        [("onfocus", "5:33"), ("autofocus", "5:10"), ("onmouseover", "7:8"), ("onclick", "10:11")]
    {
        let line = format!("{PAGE}:{at}: ");
        assert!(
            r.stderr.lines().any(|l| l.starts_with(&line) && l.contains(&format!("`{attr}`"))),
            "no warning for {attr} at {line}:\n{}",
            r.stderr
        );
    }
    assert!(r.stderr.contains("`.x\"y`"), "{}", r.stderr);
    // The gate sees it too.
    let strict = run(site.path(), &["check", "--strict"]);
    assert_eq!(strict.code, Some(1), "check --strict passed a heading with onfocus:\n{}", strict.stderr);
    assert!(strict.stderr.contains("onfocus"), "{}", strict.stderr);
}

/// Case 7: a front-matter key such as `"\e]0;PWNED\a\e[2J\e[31mRED": 1` or a file name holding
/// ESC sent raw control bytes to the terminal from `build`, `check` and `serve` (retitling the
/// window, clearing the screen). Every human-readable line now shows them as `\u{1b}`.
#[test]
fn control_characters_from_keys_and_file_names_never_reach_the_terminal_raw() {
    let site =
        site_with("---\ntitle: X\ndate: 2022-09-15\n\"\\e]0;PWNED\\a\\e[2J\\e[31mRED\": 1\n---\nNội dung.\n");
    write(site.path(), "content/bai-viet/\u{1b}[31mdo\u{7}.md", "---\ntitle: Đỏ\ndate: hôm qua\n---\nx\n");
    let raw = |s: &str| s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    let build = run(site.path(), &["build"]);
    assert_eq!(build.code, Some(1), "{}", build.stderr);
    let check = run(site.path(), &["check"]);
    assert_eq!(check.code, Some(1), "{}", check.stderr);
    let served = crate::serve::Served::start(site.path(), &[]);
    served.wait_until("the failed first build", |s| s["errors"].as_array().is_some_and(|e| e.len() >= 2));
    // The terminal lines are printed before the status changes; give the pipe a moment.
    std::thread::sleep(std::time::Duration::from_millis(200));
    for (what, text) in [
        ("build", build.stderr + &build.stdout),
        ("check", check.stderr + &check.stdout),
        ("serve", served.stderr() + &served.stdout()),
    ] {
        assert!(!raw(&text), "{what} printed a raw control character:\n{text:?}");
        assert!(text.contains("\\u{1b}]0;PWNED\\u{7}\\u{1b}[2J"), "{what} lost the key:\n{text}");
        assert!(
            text.contains("content/bai-viet/\\u{1b}[31mdo\\u{7}.md"),
            "{what} lost the file name:\n{text}"
        );
    }
}

/// Case 9: 100,000 nested `>` made a 2.7 MB page with no cap and no warning. Beyond 64 levels
/// (of blockquotes and lists together) the build fails at the line; `public/` is untouched.
#[test]
fn nesting_deeper_than_64_levels_fails_the_build_at_its_line() {
    let site =
        site_with(&format!("---\ntitle: T\ndate: 2022-09-15\n---\nMở đầu.\n\n{}x\n", "> ".repeat(100_000)));
    fails(
        site.path(),
        1,
        &["content/bai-viet/x.md:7:129: lỗi: trích dẫn hoặc danh sách lồng nhau quá 64 cấp"],
    );
    let list: String = (0..100).map(|i| format!("{}- mục\n", "  ".repeat(i))).collect();
    let site = site_with(&format!("---\ntitle: T\ndate: 2022-09-15\n---\n{list}"));
    fails(site.path(), 1, &["content/bai-viet/x.md:69:", "lồng nhau quá 64 cấp"]);
}

/// Case 9: a NUL or another C0 control in a title or any front-matter text reached `<title>`,
/// `<h1>`, cards and meta tags. Raw or written as a YAML escape, it is an error at its line.
#[test]
fn control_characters_in_front_matter_text_fail_the_build_at_their_line() {
    for (matter, at) in [
        ("title: Bài\u{0}viết\ndate: 2022-09-15", "content/bai-viet/x.md:2:11: "),
        ("title: \"Bài\\0viết\"\ndate: 2022-09-15", "content/bai-viet/x.md:2:12: "),
        ("title: T\ndate: 2022-09-15\nsummary: \"Tóm tắt\\e[2J\"", "content/bai-viet/x.md:4:18: "),
        ("title: T\ndate: 2022-09-15\nextra:\n  nguon: \"a\\x07\"", "content/bai-viet/x.md:5:12: "),
    ] {
        let site = site_with(&format!("---\n{matter}\n---\nNội dung.\n"));
        let r = fails(site.path(), 1, &[at, "ký tự điều khiển"]);
        assert!(!r.stderr.contains('\u{0}'), "{}", r.stderr);
    }
}

/// Case 9: `javascript:` in a campaign's `call_to_action.url` or a document's `source_url` was
/// neutralised without a word. It is an error at the value's line and column.
#[test]
fn script_links_in_call_to_action_and_source_url_fail_the_build_at_the_value() {
    let site = site_with("---\ntitle: T\ndate: 2022-09-15\n---\nx\n");
    write(
        site.path(),
        "loa.yaml",
        "title: Thử\nbase_url: https://thu.example.vn\naudiences: {gia-dinh: {name: Gia đình}}\n",
    );
    write(site.path(), "content/chien-dich/_index.md", "---\ntitle: Chiến dịch\nkind: campaign\n---\n");
    write(
        site.path(),
        "content/chien-dich/c.md",
        "---\ntitle: C\ncampaign:\n  starts: 2022-09-15\n  ends: 2022-10-15\n  audiences:\n    gia-dinh:\n      headline: H\n      call_to_action: {label: Đọc, url: \"JaVaScRiPt:alert(1)\"}\n---\n",
    );
    write(site.path(), "content/van-ban/_index.md", "---\ntitle: Văn bản\nkind: document\n---\n");
    write(
        site.path(),
        "content/van-ban/kl.md",
        "---\ntitle: KL\ndocument:\n  code: 49-KL/TW\n  source_url: javascript:alert(document.cookie)\n---\n## Điểm 1 {#diem-1}\n",
    );
    fails(
        site.path(),
        1,
        &[
            "content/chien-dich/c.md:9:42: lỗi: liên kết nguy hiểm `JaVaScRiPt:alert(1)`",
            "content/van-ban/kl.md:5:15: lỗi: liên kết nguy hiểm `javascript:alert(document.cookie)`",
        ],
    );
}

/// Case 9: a bundle's `index.html`, or `static/index.html`, silently replaced a generated page.
/// Two files on one URL are an error naming both, as for two pages; `public/` is untouched.
#[test]
fn a_copied_file_on_a_generated_page_is_an_error_naming_both() {
    let site = site_with("---\ntitle: X\ndate: 2022-09-15\n---\nx\n");
    write(site.path(), "content/bai-viet/le/index.md", "---\ntitle: Lễ\ndate: 2022-09-15\n---\nx\n");
    write(site.path(), "content/bai-viet/le/index.html", "<h1>fake</h1>\n");
    write(site.path(), "static/index.html", "<h1>fake home</h1>\n");
    write(site.path(), "static/atom.xml", "<feed/>\n");
    fails(
        site.path(),
        1,
        &[
            "content/bai-viet/le/index.html: lỗi: `content/bai-viet/le/index.html` và trang của `content/bai-viet/le/index.md` cùng ghi ra `/bai-viet/le/index.html`",
            "static/index.html: lỗi: `static/index.html` và trang của `content/_index.md` cùng ghi ra `/index.html`",
            "static/atom.xml: lỗi: `static/atom.xml` và tệp `atom.xml` do loa tạo ra cùng ghi ra `/atom.xml`",
        ],
    );
    // A site's own robots.txt replaces the generated one on purpose (README).
    let site = site_with("---\ntitle: X\ndate: 2022-09-15\n---\nx\n");
    write(site.path(), "static/robots.txt", "User-agent: *\nDisallow: /nhap/\n");
    builds(site.path());
    assert_eq!(crate::catalogue::read(site.path(), "public/robots.txt"), "User-agent: *\nDisallow: /nhap/\n");
}

/// Case 9: an `.svg` or `.html` in a bundle or `static/` carrying `<script>` or `on…=` is
/// published as is and runs on the site's origin: a warning in `check` at its first such
/// place, an error under `--strict`.
#[test]
fn svg_and_html_with_scripts_in_static_or_bundles_are_flagged_by_check() {
    let site = site_with("---\ntitle: X\ndate: 2022-09-15\nsummary: s\n---\nx\n");
    write(
        site.path(),
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <rect width=\"1\" onload=\"alert(1)\"/>\n</svg>\n",
    );
    write(
        site.path(),
        "content/bai-viet/le/index.md",
        "---\ntitle: Lễ\ndate: 2022-09-15\nsummary: s\n---\nx\n",
    );
    write(site.path(), "content/bai-viet/le/bang.html", "<p>Bảng</p>\n<SCRIPT>fetch('/x')</SCRIPT>\n");
    write(
        site.path(),
        "static/sach.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>online</title></svg>\n",
    );
    let r = run(site.path(), &["check"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("static/logo.svg:2:19: cảnh báo: tệp chứa mã chạy được"), "{}", r.stderr);
    assert!(
        r.stderr.contains("content/bai-viet/le/bang.html:2:1: cảnh báo: tệp chứa mã chạy được"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("sach.svg"), "a clean SVG was flagged:\n{}", r.stderr);
    let strict = run(site.path(), &["check", "--strict"]);
    assert_eq!(strict.code, Some(1), "{}", strict.stderr);
}

/// Case 9: FIFOs, sockets and devices in `content/` or `static/` were skipped silently. They
/// are skipped with a warning naming them.
#[cfg(unix)]
#[test]
fn fifos_and_sockets_in_content_or_static_are_warned_by_name() {
    let site = site_with("---\ntitle: X\ndate: 2022-09-15\n---\nx\n");
    std::fs::create_dir_all(site.path().join("static")).expect("mkdir");
    for fifo in ["content/bai-viet/ong.md", "static/ong"] {
        let path = std::ffi::CString::new(site.path().join(fifo).to_string_lossy().as_bytes()).expect("path");
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0, "mkfifo {fifo}");
    }
    let _socket = std::os::unix::net::UnixListener::bind(site.path().join("static/sock")).expect("socket");
    let r = builds(site.path());
    for (name, what) in [
        ("content/bai-viet/ong.md", "ống đặt tên (FIFO)"),
        ("static/ong", "ống đặt tên (FIFO)"),
        ("static/sock", "socket"),
    ] {
        assert!(
            r.stderr.contains(&format!("{name}: cảnh báo: bỏ qua {what}: không phải tệp thường")),
            "{name}:\n{}",
            r.stderr
        );
    }
    assert!(!site.path().join("public/ong").exists());
}

/// Case 5: `static/.well-known/security.txt` and `static/.nojekyll` were dropped without a word.
/// Hidden files of `static/` are published; version control folders and `.DS_Store` are
/// skipped with a warning; editor swap files stay ignored.
#[test]
fn hidden_files_of_static_are_published_or_skipped_with_a_warning() {
    let site = site_with("---\ntitle: X\ndate: 2022-09-15\n---\nx\n");
    write(site.path(), "static/.well-known/security.txt", "Contact: mailto:a@b.vn\n");
    write(site.path(), "static/.nojekyll", "");
    write(site.path(), "static/.git/HEAD", "ref: refs/heads/main\n");
    write(site.path(), "static/anh/.DS_Store", "junk");
    write(site.path(), "static/.style.css.swp", "swap");
    let r = builds(site.path());
    let public = site.path().join("public");
    assert_eq!(
        crate::catalogue::read(site.path(), "public/.well-known/security.txt"),
        "Contact: mailto:a@b.vn\n"
    );
    assert!(public.join(".nojekyll").is_file(), "{}", r.stderr);
    for gone in [".git", "anh/.DS_Store", ".style.css.swp"] {
        assert!(!public.join(gone).exists(), "{gone} published");
    }
    for warned in ["static/.git: cảnh báo:", "static/anh/.DS_Store: cảnh báo:"] {
        assert!(r.stderr.contains(warned), "{warned}:\n{}", r.stderr);
    }
    assert!(!r.stderr.contains(".swp"), "{}", r.stderr);
}

/// Issue 25: a shortcode's arguments never inject markup or script. Every text argument of
/// every built-in shortcode of the default theme is given markup that would run, every
/// address a `javascript:` URL: the page holds the text escaped, the addresses neutralised
/// (with a warning), and no element or attribute that runs anything but the theme's own.
#[test]
fn shortcode_arguments_never_inject_markup_or_script() {
    let site = crate::catalogue::themed_site();
    let evil = r#"\"><script>alert(1)</script><img src=x onerror=alert(2)>"#;
    let js = "javascript:alert(3)";
    write(
        site.path(),
        "content/bai-viet/x.md",
        &format!(
            "---\ntitle: X\ndate: 2022-09-15\n---\n\
             {{{{ youtube(id=\"dQw4w9WgXcQ\", tieu_de=\"{evil}\", anh=\"{js}\") }}}}\n\n\
             {{{{ facebook_video(url=\"https://www.facebook.com/watch/?v=1\", tieu_de=\"{evil}\", anh=\"{js}\") }}}}\n\n\
             {{{{ figure(anh=\"{js}\", mo_ta=\"{evil}\", chu_thich=\"{evil}\", nguon=\"{evil}\") }}}}\n\n\
             {{% trich_dan(nguon=\"{evil}\", lien_ket=\"{js}\") %}}\n<script>alert(4)</script>\n\n*chữ*\n{{% end %}}\n\n\
             {{% callout(tieu_de=\"{evil}\") %}}\nchữ\n{{% end %}}\n\n\
             {{{{ tai_ve(tep=\"{js}\", nhan=\"{evil}\", kich_thuoc=\"{evil}\", dinh_dang=\"{evil}\") }}}}\n"
        ),
    );
    let r = builds(site.path());
    let html = std::fs::read_to_string(site.path().join("public/bai-viet/x/index.html")).expect("page");
    // The body (the theme's own scripts come after it).
    let body = &html[html.find("<div class=\"content\">").expect("body")
        ..html.find("<div class=\"share\">").expect("share")];
    // Every real tag of the body (text is escaped: `&lt;script` is no tag): none that runs,
    // no event handler, no `javascript:` address.
    let tag = regex::Regex::new(r"<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>").expect("regex");
    let handler = regex::Regex::new(r"(?i)\son[a-z]+\s*=").expect("regex");
    let quoted = regex::Regex::new(r#""[^"]*""#).expect("regex");
    for t in tag.captures_iter(body) {
        let name = t[1].to_ascii_lowercase();
        // Attribute names only: a value holds escaped text (`&quot;` never closes it).
        let attrs = quoted.replace_all(&t[2], "\"\"");
        assert!(
            !["script", "iframe", "object", "embed"].contains(&name.as_str()),
            "<{name}> in the body:\n{body}"
        );
        assert!(!handler.is_match(&attrs), "an event handler in <{name}{attrs}>");
        assert!(!t[2].to_ascii_lowercase().contains("javascript:"), "javascript: in <{name}{}>", &t[2]);
    }
    assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the text is shown escaped:\n{body}");
    assert!(body.contains("<em>chữ</em>"), "a block's body is Markdown:\n{body}");
    // A wrong `loai` (an attribute value) is refused, not written.
    let site = crate::catalogue::themed_site();
    write(
        site.path(),
        "content/bai-viet/x.md",
        "---\ntitle: X\ndate: 2022-09-15\n---\n{% callout(loai=\"x\\\" onclick=\\\"alert(5)\") %}\nchữ\n{% end %}\n",
    );
    let out = run(site.path(), &["build"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("content/bai-viet/x.md:5:4: lỗi: shortcode `callout`: loại"),
        "{}",
        out.stderr
    );
    assert!(
        r.stderr.contains("javascript:alert(3)"),
        "the neutralised addresses are warned about:\n{}",
        r.stderr
    );
}
