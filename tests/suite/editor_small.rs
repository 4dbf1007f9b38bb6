//! An editor on their own, point 7: smaller things editors noticed. One test per thing, named
//! after what it checks.

use crate::catalogue::{builds, read, run, site_with, themed_site};
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
/// and in its feed.
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
    assert!(feed.contains("<title>Đảng ủy · Thử</title>"), "{feed}");
    // Without a style, the spelling most pages use, as before.
    write(
        site.path(),
        "loa.yaml",
        "title: Thử\nbase_url: https://thu.example.vn\ntheme: loa\ntaxonomies: [tags]\n",
    );
    builds(site.path());
    assert!(read(site.path(), "public/tags/dang-uy/index.html").contains("<h1>Đảng uỷ</h1>"));
}
