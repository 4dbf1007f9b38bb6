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

/// The `languages` fixture (vi, en, km) built with the default theme instead of its own
/// templates: each language's pages carry the theme's words, dates and reading time in that
/// language, from the theme's i18n files; the Vietnamese pages stay as they were.
#[test]
fn the_default_theme_speaks_each_pages_language() {
    let fixture = sites_dir().join("languages");
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_site(&fixture, tmp.path());
    std::fs::remove_dir_all(tmp.path().join("templates")).expect("rm templates");
    let config = read(tmp.path(), "loa.yaml");
    write(tmp.path(), "loa.yaml", &format!("{config}theme: loa\n"));
    let r = run(tmp.path(), &["build", "--at", "2024-01-01"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let page = |rel: &str| read(tmp.path(), &format!("public/{rel}"));
    let vi = page("bai-viet/hoc-tap-suot-doi/index.html");
    let en = page("en/bai-viet/hoc-tap-suot-doi/index.html");
    let km = page("km/bai-viet/hoc-tap-suot-doi/index.html");
    assert!(vi.contains(r#"<time datetime="2023-05-01">Thứ Hai, 01/05/2023</time> · 1 phút đọc"#), "{vi}");
    assert!(en.contains(r#"<time datetime="2023-05-01">Monday, 1 May 2023</time> · 1 min read"#), "{en}");
    assert!(km.contains(r#"<time datetime="2023-05-01">ថ្ងៃច័ន្ទ ០១/០៥/២០២៣</time> · ១ នាទីអាន"#), "{km}");
    for (html, lang, skip, share, switcher) in [
        (&vi, "vi", "Bỏ qua, đến nội dung chính", "Chia sẻ:", "Ngôn ngữ"),
        (&en, "en", "Skip to main content", "Share:", "Languages"),
        (&km, "km", "រំលងទៅខ្លឹមសារចម្បង", "ចែករំលែក៖", "ភាសា"),
    ] {
        assert!(html.contains(&format!(r#"<html lang="{lang}">"#)), "{lang}");
        assert!(
            html.contains(&format!(r##"<a class="skip" href="#noi_dung">{skip}</a>"##)),
            "{lang}: {html}"
        );
        assert!(html.contains(&format!("<span>{share}</span>")), "{lang}");
        assert!(html.contains(&format!(r#"<nav class="languages" aria-label="{switcher}">"#)), "{lang}");
    }
    // Words from the components (cards) and the pages made once per language.
    assert!(page("en/bai-viet/index.html").contains("min read"));
    assert!(!page("en/bai-viet/index.html").contains("phút đọc"));
    assert!(page("en/404.html").contains("<h1>Page not found</h1>"));
    assert!(page("km/404.html").contains("<h1>រកមិនឃើញទំព័រ</h1>"));
    assert!(page("404.html").contains("<h1>Không tìm thấy trang</h1>"));
    // A campaign's status word (made from its dates) and dates in the language.
    let campaign = page("en/chien-dich/doc-sach/index.html");
    assert!(
        campaign.contains(r#"<span class="status status-upcoming">upcoming</span> · from <time"#),
        "{campaign}"
    );
    assert!(!campaign.contains("sắp diễn ra") && !campaign.contains("Chia sẻ"), "{campaign}");
}
