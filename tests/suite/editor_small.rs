//! An editor on their own, point 7: smaller things editors noticed. One test per thing, named
//! after what it checks.

use crate::catalogue::{builds, run, site_with};

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
