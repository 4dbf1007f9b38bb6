//! An editor on their own (issue 23): what stops a communication officer from publishing a
//! broken page, and how errors reach them. One test per point, named after what it checks.

use crate::catalogue::{builds, fails, read, run, site_with};
use crate::harness::write;

/// A page with every kind of local link: some lead somewhere, some do not.
fn site_with_links() -> tempfile::TempDir {
    let site = site_with(
        "---\ntitle: X\ndate: 2022-09-15\nimage: anh.jpg\n---\n## Mục một\n\n\
         [a](/bai-viet/khong-co/) và [b](mot.md) và [c](../bai-viet/mot.md#noi-dung)\n\n\
         ![ảnh](/anh/le-trao.jpg) [d](@bai-viet/mot.md) [e](khong-co.md) [f](#muc-mot) [g](#muc-hai)\n\n\
         [h](/bai-viet/mot/#khong-co) [i](/bai-viet/mot) [k](https://example.vn/khong-kiem)\n",
    );
    write(
        site.path(),
        "content/bai-viet/mot.md",
        "---\ntitle: Một\ndate: 2022-09-15\n---\n## Nội dung\n\nx\n",
    );
    site
}

/// Point 1: a missing local image (front matter or body) and every internal link that leads
/// nowhere fail `build` at their line and column (they were published quietly; only `check`
/// saw the images, and no link but `@/` was checked). A relative `.md` link works like `@/`.
#[test]
fn missing_images_and_links_that_lead_nowhere_fail_the_build_at_their_place() {
    let site = site_with_links();
    let r = fails(
        site.path(),
        1,
        &[
            "content/bai-viet/x.md:4:1: lỗi: ảnh `anh.jpg` không tồn tại",
            "content/bai-viet/x.md:8:1: lỗi: liên kết `/bai-viet/khong-co/` không dẫn tới trang hay tệp nào",
            "content/bai-viet/x.md:10:1: lỗi: ảnh `/anh/le-trao.jpg` không tồn tại",
            "content/bai-viet/x.md:10:26: lỗi: liên kết `@bai-viet/mot.md` thiếu `/` sau `@`",
            "content/bai-viet/x.md:10:48: lỗi: liên kết tới trang không tồn tại `khong-co.md` (không có tệp content/bai-viet/khong-co.md)",
            "content/bai-viet/x.md:10:79: lỗi: liên kết `#muc-hai`: trang không có mục `#muc-hai`",
            "content/bai-viet/x.md:12:1: lỗi: liên kết `/bai-viet/mot/#khong-co`: trang không có mục `#khong-co`",
        ],
    );
    assert_eq!(r.stderr.matches("lỗi:").count(), 7, "one error each:\n{}", r.stderr);
    for fine in ["`mot.md`", "`../bai-viet/mot.md#noi-dung`", "`#muc-mot`", "`/bai-viet/mot`", "example.vn"] {
        assert!(!r.stderr.contains(fine), "{fine} leads somewhere:\n{}", r.stderr);
    }
    // Fixed, the relative `.md` links go to the page, like `@/`.
    write(
        site.path(),
        "content/bai-viet/x.md",
        "---\ntitle: X\ndate: 2022-09-15\n---\n## Mục một\n\n[b](mot.md) [c](../bai-viet/mot.md#noi-dung) [f](#muc-mot) [i](/bai-viet/mot)\n",
    );
    builds(site.path());
    let page = read(site.path(), "public/bai-viet/x/index.html");
    assert!(page.contains("href=\"/bai-viet/mot/\""), "{page}");
    assert!(page.contains("href=\"/bai-viet/mot/#noi-dung\""), "{page}");
}

/// Point 1: `loa serve` shows the same errors in its overlay (and the status JSON) instead
/// of serving the broken page quietly.
#[test]
fn serve_shows_missing_images_and_broken_links_in_the_overlay() {
    let site = site_with_links();
    let served = crate::serve::Served::start(site.path(), &[]);
    let s = served
        .wait_until("the failed first build", |s| s["errors"].as_array().is_some_and(|e| !e.is_empty()));
    let errors = s["errors"].as_array().expect("errors");
    let messages: Vec<String> =
        errors.iter().map(|e| e["message"].as_str().unwrap_or("").to_string()).collect();
    assert!(messages.iter().any(|m| m.contains("ảnh `anh.jpg` không tồn tại")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("`/bai-viet/khong-co/`")), "{messages:?}");
}

/// Point 2: errors of different stages come together: a broken anchor (found once every body
/// is rendered) and a broken call to action (found while rendering) in one run.
#[test]
fn errors_of_different_stages_are_reported_in_one_run() {
    let site = site_with("---\ntitle: X\ndate: 2022-09-15\n---\n[a](@/bai-viet/mot.md#khong-co)\n");
    write(
        site.path(),
        "loa.yaml",
        "title: Thử\nbase_url: https://thu.example.vn\naudiences: {gia-dinh: {name: Gia đình}}\n",
    );
    write(site.path(), "content/chien-dich/_index.md", "---\ntitle: Chiến dịch\nkind: campaign\n---\n");
    write(
        site.path(),
        "content/chien-dich/c.md",
        "---\ntitle: C\ncampaign:\n  starts: 2022-09-15\n  ends: 2022-10-15\n  audiences:\n    gia-dinh:\n      headline: H\n      call_to_action: {label: Đọc, url: \"@/bai-viet/khong-co.md\"}\n---\n",
    );
    let r = run(site.path(), &["build"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("không có mục `#khong-co`"), "{}", r.stderr);
    assert!(r.stderr.contains("lời kêu gọi hành động trỏ tới trang không tồn tại"), "{}", r.stderr);
}

/// Point 2: a problem inside nested front matter is reported where it is written: a broken
/// link in an FAQ answer at its line and column (it was at the `faq:` line), a broken call to
/// action at its URL (it was at `campaign:`), an unknown audience or campaign at the id (it was
/// at column 1), an explained clause that does not exist at the clause.
#[test]
fn problems_in_nested_front_matter_are_reported_at_the_value() {
    let site = site_with(
        "---\ntitle: X\ndate: 2022-09-15\naudiences: [gia-dinh, hoc-sinhh]\ncampaigns: [khong-co]\nfaq:\n  - q: Một?\n    a: Xem [đây](@/bai-viet/khong-co.md).\n  - q: Hai?\n    a: |\n      Dòng đầu.\n      Xem [kia](@/bai-viet/khong-co-nua.md).\n---\nx\n",
    );
    write(
        site.path(),
        "loa.yaml",
        "title: Thử\nbase_url: https://thu.example.vn\naudiences: {gia-dinh: {name: Gia đình}, hoc-sinh: {name: Học sinh}}\n",
    );
    write(site.path(), "content/chien-dich/_index.md", "---\ntitle: Chiến dịch\nkind: campaign\n---\n");
    write(
        site.path(),
        "content/chien-dich/c.md",
        "---\ntitle: C\ncampaign:\n  starts: 2022-09-15\n  ends: 2022-10-15\n  audiences:\n    gia-dinh:\n      headline: H\n      call_to_action: {label: Đọc, url: \"@/bai-viet/khong-co.md\"}\n    nguoi-gia:\n      headline: H\n---\n",
    );
    let r = run(site.path(), &["build"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    for at in [
        "content/bai-viet/x.md:4:23: lỗi: đối tượng `hoc-sinhh`",
        "content/bai-viet/x.md:5:13: lỗi: không có chiến dịch `khong-co`",
        "content/bai-viet/x.md:8:12: lỗi: liên kết tới trang không tồn tại `@/bai-viet/khong-co.md`",
        "content/bai-viet/x.md:12:11: lỗi: liên kết tới trang không tồn tại `@/bai-viet/khong-co-nua.md`",
        "content/chien-dich/c.md:10:5: lỗi: đối tượng `nguoi-gia`",
        "content/chien-dich/c.md:9:42: lỗi: lời kêu gọi hành động trỏ tới trang không tồn tại",
    ] {
        assert!(r.stderr.contains(at), "{at}:\n{}", r.stderr);
    }
}

/// Point 2: a document code that is not a document number is an error at the code, and the
/// hints elsewhere do not offer it as a document to explain.
#[test]
fn a_code_that_is_no_document_number_is_reported_at_it_and_offered_nowhere() {
    let site = site_with("---\ntitle: X\ndate: 2022-09-15\n---\nx\n");
    write(site.path(), "content/van-ban/_index.md", "---\ntitle: Văn bản\nkind: document\n---\n");
    write(site.path(), "content/van-ban/a.md", "---\ntitle: A\ndocument: {code: 49-KL/TW}\n---\nx\n");
    write(
        site.path(),
        "content/van-ban/b.md",
        "---\ntitle: B\ndocument:\n  code: Kết luận năm mươi\n---\nx\n",
    );
    write(site.path(), "content/hoi-dap/_index.md", "---\ntitle: Hỏi đáp\nkind: explainer\n---\n");
    write(site.path(), "content/hoi-dap/g.md", "---\ntitle: G\nexplains: {document: 50-KL/TW}\n---\nx\n");
    let r = run(site.path(), &["build"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("content/van-ban/b.md:4:9: lỗi: số hiệu `Kết luận năm mươi` không đúng dạng"),
        "{}",
        r.stderr
    );
    let hint =
        r.stderr.lines().skip_while(|l| !l.contains("không có văn bản `50-KL/TW`")).nth(1).unwrap_or("");
    assert!(hint.contains("49-KL/TW") && !hint.contains("năm mươi"), "{}", r.stderr);
}

/// Point 2: a file that does not parse does not stop the other files' errors from being
/// reported, and what it causes elsewhere is not reported: a tab in a campaign's front matter
/// gave "không có chiến dịch" on every page that joins it, and a document that does not parse
/// gave "không có văn bản" on its explainers.
#[test]
fn a_file_that_does_not_parse_causes_no_errors_elsewhere_and_hides_none() {
    let site = site_with(
        "---\ntitle: X\ndate: 2022-09-15\ncampaigns: [doc-sach]\n---\n[a](@/bai-viet/mot.md#khong-co)\n",
    );
    write(site.path(), "content/bai-viet/mot.md", "---\ntitle: Một\ndate: 2022-09-15\n---\n## Nội dung\n");
    write(site.path(), "content/chien-dich/_index.md", "---\ntitle: Chiến dịch\nkind: campaign\n---\n");
    write(
        site.path(),
        "content/chien-dich/doc-sach.md",
        "---\ntitle: Đọc sách\ncampaign:\n\tstarts: 2022-09-15\n---\n",
    );
    write(site.path(), "content/van-ban/_index.md", "---\ntitle: Văn bản\nkind: document\n---\n");
    write(site.path(), "content/van-ban/kl.md", "---\ntitle: [KL\n---\n");
    write(site.path(), "content/hoi-dap/_index.md", "---\ntitle: Hỏi đáp\nkind: explainer\n---\n");
    write(
        site.path(),
        "content/hoi-dap/mot.md",
        "---\ntitle: Hỏi\nexplains: {document: 49-KL/TW, clauses: [diem-1]}\n---\nx\n[b](@/van-ban/kl.md)\n",
    );
    let r = run(site.path(), &["build"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("content/chien-dich/doc-sach.md:4:1: lỗi:"),
        "the campaign's own error:\n{}",
        r.stderr
    );
    assert!(r.stderr.contains("content/van-ban/kl.md:2:"), "the document's own error:\n{}", r.stderr);
    assert!(r.stderr.contains("không có mục `#khong-co`"), "another file's error, same run:\n{}", r.stderr);
    for consequence in ["không có chiến dịch", "không có văn bản", "`@/van-ban/kl.md`"] {
        assert!(!r.stderr.contains(consequence), "{consequence} is a consequence:\n{}", r.stderr);
    }
}

/// Point 2: a block left open in a template is reported where it opens (an unclosed
/// `{% if %}` of line 2 was reported at the `{% endblock %}` that Tera choked on, as "Unknown
/// tag"), and Tera's common messages are said in Vietnamese, without pointing editors at loa's
/// source code.
#[test]
fn template_errors_are_at_the_opening_tag_and_in_vietnamese() {
    let site = site_with("---\ntitle: X\ndate: 2022-09-15\n---\nx\n");
    write(
        site.path(),
        "templates/page.html",
        "{% extends \"base.html\" %}{% block b %}\n  {% if page.title %}\n  {{ page.content | safe }}\n{% endblock %}\n",
    );
    let r = run(site.path(), &["build"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("templates/page.html:2:3: lỗi: thẻ `{% if %}` mở ở đây chưa được đóng"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("thêm `{% endif %}`"), "{}", r.stderr);
    write(site.path(), "templates/page.html", "{{ page.titel }} {{ page.title | khong_co }}\n");
    let r = run(site.path(), &["build"]);
    assert!(
        r.stderr.contains("không có trường `titel`") || r.stderr.contains("không có bộ lọc `khong_co`"),
        "{}",
        r.stderr
    );
    for english in ["Unknown", "is not defined", "Unexpected", "src/render/context.rs"] {
        assert!(!r.stderr.contains(english), "{english}:\n{}", r.stderr);
    }
}

/// Point 6: `theme: loa` without a `themes/loa/` folder uses the theme carried inside loa (so
/// upgrading loa upgrades it): the same site as with a copy of the theme; a copy, when there
/// is one, is used instead, and `static/` still overrides one of its files.
#[test]
fn the_default_theme_comes_with_loa_and_a_copy_or_a_static_file_overrides_it() {
    let with_copy = crate::catalogue::themed_site();
    write(
        with_copy.path(),
        "content/bai-viet/mot.md",
        "---\ntitle: Một\ndate: 2022-09-15\nsummary: s\n---\n## Mục\n\nx\n",
    );
    let built_in = tempfile::tempdir().expect("tmp");
    crate::harness::copy_site(with_copy.path(), built_in.path());
    std::fs::remove_dir_all(built_in.path().join("themes")).expect("no copy");
    builds(with_copy.path());
    builds(built_in.path());
    // The output manifest records how each file was made (a copied file by its
    // source's stamp, an embedded one by its bytes); the files themselves match.
    let pages = |dir: &std::path::Path| {
        let mut files = crate::harness::tree(&dir.join("public"));
        assert!(files.remove(".loa-output").is_some(), "no output manifest");
        files
    };
    let (a, b) = (pages(with_copy.path()), pages(built_in.path()));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    assert!(a == b, "the built-in theme made another site");
    assert!(b.contains_key("style.css"), "{:?}", b.keys().take(20).collect::<Vec<_>>());
    // The site's static/ replaces one file of the theme; a changed copy is used.
    write(built_in.path(), "static/style.css", "body{}\n");
    builds(built_in.path());
    assert_eq!(read(built_in.path(), "public/style.css"), "body{}\n");
    let base = with_copy.path().join("themes/loa/templates/base.html");
    let text = std::fs::read_to_string(&base).expect("base").replace("<body", "<body data-ban-sao=\"1\"");
    std::fs::write(&base, text).expect("write");
    builds(with_copy.path());
    assert!(read(with_copy.path(), "public/bai-viet/mot/index.html").contains("data-ban-sao"));
}

#[test]
fn the_menu_of_loa_yaml_orders_renames_and_adds_entries_and_its_links_are_checked() {
    let site = crate::catalogue::themed_site();
    let root = site.path();
    write(root, "content/van-ban/_index.md", "---\ntitle: Văn bản\nkind: page\n---\n");
    write(root, "content/gioi-thieu.md", "---\ntitle: Giới thiệu\n---\n## Liên hệ\n\nx\n");
    let nav = |root: &std::path::Path| {
        let html = read(root, "public/index.html");
        let start = html.find("<nav aria-label=\"Chuyên mục\">").expect("nav");
        let end = start + html[start..].find("</nav>").expect("end");
        html[start..end].to_string()
    };
    // Without menu: the sections in path order, then the top-level pages.
    builds(root);
    let default = nav(root);
    let order =
        ["/bai-viet/", "/van-ban/", "/gioi-thieu/"].map(|u| default.find(&format!("href=\"{u}\"")).expect(u));
    assert!(order[0] < order[1] && order[1] < order[2], "{default}");

    let config = "title: Thử\nbase_url: https://thu.example.vn/tin/\ntheme: loa\ntaxonomies: [tags]\nmenu:\n  - label: Tin tức\n    link: \"@/bai-viet/\"\n  - label: Liên hệ\n    link: \"@/gioi-thieu.md#lien-he\"\n    order: 2\n  - {label: Cổng tỉnh, link: \"https://tinh.example.vn\"}\n  - label: Trang chủ\n    link: \"@/\"\n    order: 1\n  - label: Tìm\n    link: /tim-kiem/\n";
    write(root, "loa.yaml", config);
    builds(root);
    let menu = nav(root);
    let items: Vec<&str> = menu.split("<li>").skip(1).collect();
    let want = [
        "<a href=\"/tin/\">Trang chủ</a>",
        "<a href=\"/tin/gioi-thieu/#lien-he\">Liên hệ</a>",
        "<a href=\"/tin/bai-viet/\">Tin tức</a>",
        "<a href=\"https://tinh.example.vn\" rel=\"external\">Cổng tỉnh</a>",
        "<a href=\"/tin/tim-kiem/\">Tìm</a>",
    ];
    assert_eq!(items.len(), want.len(), "{menu}");
    for (item, want) in items.iter().zip(want) {
        assert!(item.starts_with(want), "{item} ≠ {want}\n{menu}");
    }
    assert!(!menu.contains("Văn bản"), "a menu lists only its entries: {menu}");

    // Where an entry leads is checked: a file that is not there, an anchor, a path of the site.
    let bad = config
        .replace("@/bai-viet/", "@/bai-vet/")
        .replace("#lien-he", "#lien-lac")
        .replace("/tim-kiem/", "/tim-kim/");
    write(root, "loa.yaml", &bad);
    let r = fails(root, 1, &["loa.yaml:7:12: lỗi: `menu`: mục `Tin tức` dẫn tới `@/bai-vet/_index.md`"]);
    assert!(r.stderr.contains("`@/bai-viet/_index.md`"), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "loa.yaml:9:12: lỗi: liên kết `@/gioi-thieu.md#lien-lac`: trang không có mục `#lien-lac`"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("loa.yaml:16:11: lỗi: liên kết `/tim-kim/`"), "{}", r.stderr);
    assert!(r.stderr.contains("`/tim-kiem/`"), "{}", r.stderr);
    // An entry written wrong is an error of loa.yaml (exit 2), with what to write.
    write(root, "loa.yaml", &config.replace("link: /tim-kiem/", "link: tim-kiem"));
    fails(
        root,
        2,
        &["loa.yaml:16:11: lỗi: `menu`: không hiểu liên kết `tim-kiem`", "`@/tim-kiem/`", "`/tim-kiem/`"],
    );
}
