//! An editor on their own, point 7: smaller things editors noticed. One test per thing, named
//! after what it checks.

use crate::catalogue::{builds, fails, read, run, site_with, themed_site};
use crate::harness::write;

/// A `# title` in a body gave the page two `<h1>` (the template's title and the body's) with
/// no word: a build warning at its line, and the page is still built.
#[test]
fn a_title_in_the_body_is_a_build_warning_at_its_line() {
    let site = site_with("---\ntitle: Khuyến học\ndate: 2022-09-15\n---\n# Khuyến học\n\nNội dung.\n");
    let r = builds(site.path());
    assert!(
        r.stderr.contains(
            "content/bai-viet/x.md:5:1: cảnh báo: tiêu đề cấp 1 `Khuyến học` trong thân bài: trang sẽ có hai tiêu đề chính"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("gợi ý: tên bài lấy từ `title:`; các mục trong bài bắt đầu từ `##`"),
        "{}",
        r.stderr
    );
    let r = run(site.path(), &["check", "--strict"]);
    assert_eq!(r.code, Some(1), "a warning fails the strict gate:\n{}", r.stderr);
}

/// A site with the default theme, two audiences and a page of each kind, each with tags and
/// audiences.
fn themed_site_of_every_kind() -> tempfile::TempDir {
    let site = themed_site();
    write(
        site.path(),
        "loa.yaml",
        "title: Thử\nbase_url: https://thu.example.vn\ntheme: loa\ntaxonomies: [tags]\n\
         audiences:\n  gia-dinh: {name: Gia đình}\n  dang-vien: {name: Đảng viên}\n",
    );
    let both = "tags: [khuyến học, Xã hội học tập]\naudiences: [gia-dinh, dang-vien]\n";
    write(site.path(), "content/van-ban/_index.md", "---\ntitle: Văn bản\nkind: document\n---\n");
    write(
        site.path(),
        "content/van-ban/kl.md",
        &format!(
            "---\ntitle: Kết luận\n{both}document: {{code: 49-KL/TW}}\n---\n## Điểm 1 {{#diem-1}}\n\nx\n"
        ),
    );
    write(site.path(), "content/hoi-dap/_index.md", "---\ntitle: Hỏi đáp\nkind: explainer\n---\n");
    write(
        site.path(),
        "content/hoi-dap/gt.md",
        &format!(
            "---\ntitle: Giải thích\ndate: 2022-09-15\n{both}explains: {{document: 49-KL/TW}}\n---\nx\n"
        ),
    );
    write(site.path(), "content/chien-dich/_index.md", "---\ntitle: Chiến dịch\nkind: campaign\n---\n");
    write(
        site.path(),
        "content/chien-dich/cd.md",
        &format!(
            "---\ntitle: Cả nhà cùng học\n{both}campaign:\n  starts: 2022-09-15\n  ends: 2022-12-31\n  \
             audiences:\n    gia-dinh: {{headline: Cả nhà cùng học}}\n---\nx\n"
        ),
    );
    write(
        site.path(),
        "content/bai-viet/bv.md",
        &format!("---\ntitle: Bài viết\ndate: 2022-09-15\n{both}---\nx\n"),
    );
    site
}

/// Explainer, document and campaign pages did not show their tags and audiences; article
/// pages did. Every kind shows them now, through the same components.
#[test]
fn pages_of_every_kind_show_their_tags_and_audiences() {
    let site = themed_site_of_every_kind();
    builds(site.path());
    for page in ["bai-viet/bv", "van-ban/kl", "hoi-dap/gt", "chien-dich/cd"] {
        let html = read(site.path(), &format!("public/{page}/index.html"));
        assert!(
            html.contains(
                "<p class=\"audiences\">Dành cho: <a href=\"/doi-tuong/gia-dinh/\">Gia đình</a>, \
                 <a href=\"/doi-tuong/dang-vien/\">Đảng viên</a></p>"
            ),
            "{page}: no audiences\n{html}"
        );
        assert!(
            html.contains(
                "<p class=\"tags\">Thẻ: <a class=\"tag\" href=\"/tags/khuyen-hoc/\">khuyến học</a>, \
                 <a class=\"tag\" href=\"/tags/xa-hoi-hoc-tap/\">Xã hội học tập</a></p>"
            ),
            "{page}: no tags\n{html}"
        );
        assert_eq!(html.matches("<p class=\"tags\">").count(), 1, "{page}");
    }
}

/// A term merged from several spellings was shown in the one most pages use (`Đảng uỷ`), even
/// under `tone_style: old`: it is shown in the site's style now, in the term list, on its page
/// and in its feed, and so is every page's spelling of it.
#[test]
fn merged_terms_are_shown_in_the_site_tone_style() {
    let site = themed_site();
    write(
        site.path(),
        "loa.yaml",
        "title: Thử\nbase_url: https://thu.example.vn\ntheme: loa\ntaxonomies: [tags]\ntone_style: old\n",
    );
    for (file, tag) in [("a", "Đảng uỷ"), ("b", "Đảng uỷ"), ("c", "Đảng ủy")] {
        write(
            site.path(),
            &format!("content/bai-viet/{file}.md"),
            &format!("---\ntitle: Bài {file}\ndate: 2022-09-15\ntags: [{tag}]\n---\nx\n"),
        );
    }
    builds(site.path());
    let list = read(site.path(), "public/tags/index.html");
    assert!(list.contains(">Đảng ủy<") && !list.contains("Đảng uỷ"), "{list}");
    let term = read(site.path(), "public/tags/dang-uy/index.html");
    assert!(term.contains("<h1>Đảng ủy</h1>") && !term.contains("Đảng uỷ"), "{term}");
    let feed = read(site.path(), "public/tags/dang-uy/atom.xml");
    assert!(feed.contains("<title>Đảng ủy · Thử</title>") && !feed.contains("Đảng uỷ"), "{feed}");
    let page = read(site.path(), "public/bai-viet/a/index.html");
    assert!(page.contains(">Đảng ủy</a>") && !page.contains("Đảng uỷ"), "{page}");
    // The source is left as written (`loa check` says where it differs from the style).
    assert!(read(site.path(), "content/bai-viet/a.md").contains("Đảng uỷ"));
    // Without a style, the spelling most pages use, as before.
    write(
        site.path(),
        "loa.yaml",
        "title: Thử\nbase_url: https://thu.example.vn\ntheme: loa\ntaxonomies: [tags]\n",
    );
    builds(site.path());
    assert!(read(site.path(), "public/tags/dang-uy/index.html").contains("<h1>Đảng uỷ</h1>"));
}

/// `author:` (a person or the unit): under the title, in the feeds and in the article's
/// JSON-LD; the site's title where a page names none.
#[test]
fn the_author_of_a_page_is_shown_and_in_the_feeds_and_json_ld() {
    let site = themed_site();
    write(
        site.path(),
        "content/bai-viet/a.md",
        "---\ntitle: Một\ndate: 2022-09-15\nauthor: Nguyễn Văn An\n---\nx\n",
    );
    write(
        site.path(),
        "content/bai-viet/b.md",
        "---\ntitle: Hai\ndate: 2022-09-16\nauthor: \"Ban Tuyên giáo <Khối>\"\n---\nx\n",
    );
    write(site.path(), "content/bai-viet/c.md", "---\ntitle: Ba\ndate: 2022-09-17\n---\nx\n");
    write(site.path(), "content/gioi-thieu.md", "---\ntitle: Giới thiệu\nauthor: Nhóm biên tập\n---\nx\n");
    builds(site.path());
    let a = read(site.path(), "public/bai-viet/a/index.html");
    assert!(a.contains("<p class=\"byline\">Tác giả: Nguyễn Văn An</p>"), "{a}");
    assert!(a.contains(r#""author":{"@type":"Person","name":"Nguyễn Văn An"}"#), "{a}");
    let b = read(site.path(), "public/bai-viet/b/index.html");
    assert!(b.contains("<p class=\"byline\">Tác giả: Ban Tuyên giáo &lt;Khối&gt;</p>"), "{b}");
    assert!(
        b.contains(r#""author":{"@type":"Organization","name":"Ban Tuyên giáo \u003cKhối\u003e"}"#),
        "{b}"
    );
    let c = read(site.path(), "public/bai-viet/c/index.html");
    assert!(!c.contains("class=\"byline\""), "{c}");
    assert!(
        c.contains(r#""author":{"@type":"Organization","name":"Thử","url":"https://thu.example.vn/"}"#),
        "the site when absent, as before:\n{c}"
    );
    let page = read(site.path(), "public/gioi-thieu/index.html");
    assert!(page.contains("<p class=\"byline\">Tác giả: Nhóm biên tập</p>"), "{page}");

    let atom = read(site.path(), "public/atom.xml");
    roxmltree::Document::parse(&atom).expect("well-formed Atom");
    assert!(
        atom.contains("  <author><name>Thử</name></author>\n  <generator>"),
        "the feed's author:\n{atom}"
    );
    assert!(atom.contains("<author><name>Nguyễn Văn An</name></author>"), "{atom}");
    assert!(atom.contains("<author><name>Ban Tuyên giáo &lt;Khối&gt;</name></author>"), "{atom}");
    assert_eq!(atom.matches("<author>").count(), 4, "the feed's and every entry's:\n{atom}");
    assert_eq!(
        atom.matches("<author><name>Thử</name></author>").count(),
        2,
        "the feed's, and the site for the entry without `author:`:\n{atom}"
    );
    let rss = read(site.path(), "public/rss.xml");
    let doc = roxmltree::Document::parse(&rss).expect("well-formed RSS");
    let creators: Vec<&str> = doc
        .descendants()
        .filter(|n| {
            n.tag_name().name() == "creator"
                && n.tag_name().namespace() == Some("http://purl.org/dc/elements/1.1/")
        })
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(creators, ["Ban Tuyên giáo <Khối>", "Nguyễn Văn An"], "{rss}");
    assert!(!rss.contains("<author>"), "RSS's <author> is an e-mail address:\n{rss}");

    // A typo of the key is an error with the right spelling; a list is a type error.
    let site = site_with("---\ntitle: T\ndate: 2022-09-15\nauthors: A\n---\n");
    fails(site.path(), 1, &["khóa không hợp lệ `authors`", "có phải ý bạn là `author`?"]);
    let site = site_with("---\ntitle: T\ndate: 2022-09-15\nauthor: [A, B]\n---\n");
    fails(site.path(), 1, &["x.md:4:", "`author`: giá trị sai kiểu"]);
}
