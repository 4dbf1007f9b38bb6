//! Theme strings in several languages (issue 28, the theme half): `loa check` names each key a
//! language file lacks, and a site's `i18n/` overrides the built-in theme's words key by key.

use crate::catalogue::{builds, read, run};
use crate::harness::write;
use crate::harness::{copy_site, sites_dir};

/// `loa check` on the `i18n-site` fixture: one warning per key its English file lacks (the
/// site's own `slogan` and its `ngan` date format), at that file; the exact text is in
/// `expected.check` (rewritten with `LOA_BLESS=1`).
#[test]
fn check_warns_for_each_key_a_language_lacks() {
    let fixture = sites_dir().join("i18n-site");
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_site(&fixture, tmp.path());
    let r = run(tmp.path(), &["check"]);
    assert_eq!(r.code, Some(0), "warnings only:\n{}", r.stderr);
    let expected = fixture.join("expected.check");
    if std::env::var_os("LOA_BLESS").is_some() {
        std::fs::write(&expected, &r.stderr).expect("write");
        return;
    }
    assert_eq!(r.stderr, std::fs::read_to_string(&expected).expect("expected.check"));
    assert!(
        r.stderr.contains("i18n/en.yaml: cảnh báo: chuỗi `slogan` chưa được dịch sang `en`"),
        "{}",
        r.stderr
    );
}

/// The built-in theme's words, changed by the site's `i18n/vi.yaml` for one key: that key
/// changes on every page, the others stay the theme's; the site's file does not make `check`
/// warn about the theme's other languages.
#[test]
fn the_sites_file_overrides_the_built_in_theme_key_by_key() {
    let site = tempfile::tempdir().expect("tmp");
    write(
        site.path(),
        "loa.yaml",
        "title: Thử\nbase_url: https://thu.example.vn\ntheme: loa\nsearch: false\n",
    );
    write(site.path(), "content/_index.md", "---\ntitle: Trang chủ\n---\nXin chào.\n");
    write(site.path(), "content/bai-viet/_index.md", "---\ntitle: Bài viết\nkind: article\n---\n");
    write(site.path(), "content/bai-viet/a.md", "---\ntitle: Một bài\ndate: 2022-09-15\n---\nMột câu.\n");
    write(site.path(), "i18n/vi.yaml", "share: \"Gửi cho bạn bè:\"\n");
    builds(site.path());
    let page = read(site.path(), "public/bai-viet/a/index.html");
    assert!(page.contains("<span>Gửi cho bạn bè:</span>"), "{page}");
    assert!(!page.contains("Chia sẻ:"), "{page}");
    // The theme's other words are still there.
    assert!(page.contains(">In tờ rơi</button>") && page.contains("1 phút đọc"), "{page}");
    assert!(page.contains("Thứ Năm, 15/09/2022"), "{page}");
    let r = run(site.path(), &["check"]);
    assert!(!r.stderr.contains("i18n-missing") && !r.stderr.contains("chưa được dịch"), "{}", r.stderr);
}
