//! Translations (issue 28), read from the built output of the `languages` fixture (vi, en, km)
//! and of the same site with the default theme: every `hreflang` alternate leads to a page
//! that names this one back, the switcher never leads to a missing page, the untranslated page
//! links to the other languages' home pages, and each language's sitemap lists the alternates.

use std::collections::BTreeMap;

use crate::harness::{copy_site, run, sites_dir, tree};

const ORIGIN: &str = "https://kh.example.vn";

/// The output folder's file for an absolute or site URL (`/en/a/` → `en/a/index.html`).
fn file_of(url: &str) -> String {
    let path = url.strip_prefix(ORIGIN).unwrap_or(url).trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_string() }
}

/// The `(hreflang, href)` pairs of the attribute pattern `start` (`<link rel="alternate"
/// hreflang="`) in `html`.
fn pairs(html: &str, start: &str) -> Vec<(String, String)> {
    html.split(start)
        .skip(1)
        .filter_map(|rest| {
            let (lang, rest) = rest.split_once('"')?;
            let href = rest.split("href=\"").nth(1)?.split('"').next()?;
            Some((lang.to_string(), href.to_string()))
        })
        .collect()
}

/// The switcher's links of the default theme: (hreflang, href) of `<a href=… hreflang=…>`.
fn switcher(html: &str) -> Vec<(String, String)> {
    let Some(nav) = html.split("<nav class=\"languages\"").nth(1).and_then(|n| n.split("</nav>").next())
    else {
        return Vec::new();
    };
    nav.split("<a href=\"")
        .skip(1)
        .filter_map(|a| {
            let (href, rest) = a.split_once('"')?;
            let lang = rest.split("hreflang=\"").nth(1)?.split('"').next()?;
            Some((lang.to_string(), href.to_string()))
        })
        .collect()
}

fn build(theme: bool) -> BTreeMap<String, String> {
    let tmp = tempfile::tempdir().expect("tmp");
    copy_site(&sites_dir().join("languages"), tmp.path());
    if theme {
        std::fs::remove_dir_all(tmp.path().join("templates")).expect("rm templates");
        let yaml = std::fs::read_to_string(tmp.path().join("loa.yaml")).expect("yaml");
        std::fs::write(tmp.path().join("loa.yaml"), format!("{yaml}theme: loa\n")).expect("write");
    }
    let out = run(tmp.path(), &["build", "--root", ".", "--at", "2024-01-01"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    tree(&tmp.path().join("public"))
        .into_iter()
        .filter(|(k, _)| k.ends_with(".html") || k.ends_with(".xml"))
        .map(|(k, v)| (k, String::from_utf8(v).expect("utf-8")))
        .collect()
}

/// Every alternate of every page exists and names the page back; `x-default` is the default
/// language's version; each page's `<html lang>` is its language.
fn alternates_go_both_ways(out: &BTreeMap<String, String>) -> usize {
    let mut linked = 0;
    for (file, html) in out.iter().filter(|(f, _)| f.ends_with(".html")) {
        let lang = match file.split('/').next() {
            Some("en") => "en",
            Some("km") => "km",
            _ => "vi",
        };
        assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{file}: not in {lang}");
        let alternates = pairs(html, "<link rel=\"alternate\" hreflang=\"");
        if alternates.is_empty() {
            continue;
        }
        let own = alternates.iter().find(|(l, _)| l == lang).map(|(_, h)| h.clone());
        let own = own.unwrap_or_else(|| panic!("{file}: no alternate for itself in {alternates:?}"));
        assert_eq!(file_of(&own), *file, "{file}: its own alternate");
        for (l, href) in &alternates {
            assert!(href.starts_with(ORIGIN), "{file}: {href} is not absolute");
            let target = out.get(&file_of(href)).unwrap_or_else(|| panic!("{file}: {l} → {href} is missing"));
            if l == "x-default" {
                assert!(!href.contains("/en/") && !href.contains("/km/"), "{file}: x-default {href}");
                continue;
            }
            let back = pairs(target, "<link rel=\"alternate\" hreflang=\"");
            assert!(
                back.iter().any(|(bl, bh)| bl == lang && *bh == own),
                "{file}: {href} does not name it back"
            );
            linked += 1;
        }
    }
    linked
}

#[test]
fn alternates_lead_to_pages_that_name_them_back() {
    let out = build(false);
    assert!(alternates_go_both_ways(&out) >= 20);
    // The untranslated page: no alternate but itself; the switcher leads to the homes.
    let only_vi = &out["bai-viet/chi-tieng-viet/index.html"];
    assert_eq!(
        pairs(only_vi, "<link rel=\"alternate\" hreflang=\""),
        [
            ("vi".to_string(), format!("{ORIGIN}/bai-viet/chi-tieng-viet/")),
            ("x-default".to_string(), format!("{ORIGIN}/bai-viet/chi-tieng-viet/"))
        ]
    );
    assert!(only_vi.contains("<a href=\"/en/\" hreflang=\"en\" rel=\"home\">English</a>"), "{only_vi}");
    assert!(only_vi.contains("<a href=\"/km/\" hreflang=\"km\" rel=\"home\">"), "{only_vi}");
}

#[test]
fn the_default_themes_head_and_switcher_link_the_translations_both_ways() {
    let out = build(true);
    assert!(alternates_go_both_ways(&out) >= 20);
    let mut switched = 0;
    for (file, html) in out.iter().filter(|(f, _)| f.ends_with("index.html")) {
        for (lang, href) in switcher(html) {
            assert!(out.contains_key(&file_of(&href)), "{file}: switcher to {lang} leads to missing {href}");
            switched += 1;
        }
    }
    assert!(switched >= 30, "{switched}");
    let en = &out["en/bai-viet/hoc-tap-suot-doi/index.html"];
    assert_eq!(
        switcher(en),
        [
            ("vi".to_string(), "/bai-viet/hoc-tap-suot-doi/".to_string()),
            ("km".to_string(), "/km/bai-viet/hoc-tap-suot-doi/".to_string())
        ]
    );
    let only_vi = &out["bai-viet/chi-tieng-viet/index.html"];
    assert_eq!(
        switcher(only_vi),
        [("en".to_string(), "/en/".to_string()), ("km".to_string(), "/km/".to_string())]
    );
}

#[test]
fn each_languages_sitemap_lists_the_alternates_of_its_pages() {
    let out = build(false);
    for (sitemap, page, langs) in [
        ("sitemap.xml", "/bai-viet/hoc-tap-suot-doi/", &["vi", "en", "km", "x-default"][..]),
        ("en/sitemap.xml", "/en/bai-viet/hoc-tap-suot-doi/", &["vi", "en", "km", "x-default"][..]),
        ("km/sitemap.xml", "/km/", &["vi", "en", "km", "x-default"][..]),
        ("sitemap.xml", "/bai-viet/le-trao-hoc-bong/", &["vi", "en", "x-default"][..]),
    ] {
        let doc = roxmltree::Document::parse(&out[sitemap]).expect("xml");
        let url = doc
            .descendants()
            .filter(|n| n.has_tag_name("url"))
            .find(|u| {
                u.children().any(|c| c.has_tag_name("loc") && c.text() == Some(&format!("{ORIGIN}{page}")))
            })
            .unwrap_or_else(|| panic!("{sitemap}: no {page}"));
        let found: Vec<&str> = url
            .children()
            .filter(|c| {
                c.tag_name().name() == "link"
                    && c.tag_name().namespace() == Some("http://www.w3.org/1999/xhtml")
            })
            .filter_map(|c| c.attribute("hreflang"))
            .collect();
        assert_eq!(found, langs, "{sitemap} {page}");
    }
}

/// `loa serve` serves every language and rebuilds a translation when it is edited; a
/// translation given up (deleted) leaves its original linking to the language's home page.
#[test]
fn serve_rebuilds_an_edited_translation_and_its_originals_switcher() {
    use crate::serve::{Served, atomic_save, fixture, generation};
    let site = fixture("languages");
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    assert!(srv.page("/en/bai-viet/hoc-tap-suot-doi/").contains("<h1>Lifelong learning</h1>"));
    let en = site.path().join("content/bai-viet/hoc-tap-suot-doi.en.md");
    let text = std::fs::read_to_string(&en).expect("read");
    let g = generation(&srv.status());
    atomic_save(&en, &text.replace("title: Lifelong learning", "title: Learning for life"));
    srv.after(g);
    assert!(srv.page("/en/bai-viet/hoc-tap-suot-doi/").contains("<h1>Learning for life</h1>"));
    let g = generation(&srv.status());
    std::fs::remove_file(&en).expect("rm");
    srv.after(g);
    assert_eq!(srv.get("/en/bai-viet/hoc-tap-suot-doi/").status, 404);
    let vi = srv.page("/bai-viet/hoc-tap-suot-doi/");
    assert!(vi.contains("<a href=\"/en/\" hreflang=\"en\" rel=\"home\">English</a>"), "{vi}");
}

/// The search of each language in Chromium (the default theme's search page once its search has
/// finished, read by `tests/theme/search-results.mjs`): each language's index has its own pages
/// only; a Khmer word inside a run without spaces is found (clusters are tokens); the status
/// line is in the page's language, English saying "1 result".
#[test]
fn each_languages_search_finds_its_own_pages_in_chromium() {
    use crate::theme::{browser_missing, chromium, serve, skip, theme_tests};
    if skip(browser_missing(), "each_languages_search_finds_its_own_pages_in_chromium") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    copy_site(&sites_dir().join("languages"), tmp.path());
    std::fs::remove_dir_all(tmp.path().join("templates")).expect("rm templates");
    let yaml = std::fs::read_to_string(tmp.path().join("loa.yaml")).expect("yaml");
    std::fs::write(tmp.path().join("loa.yaml"), format!("{yaml}theme: loa\n")).expect("write");
    let out = run(tmp.path(), &["build", "--root", ".", "--at", "2024-01-01"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let port = serve(tmp.path().join("public"));
    let found = |search: &str, query: &str| -> (Vec<String>, String) {
        let q: String = query.bytes().map(|b| format!("%{b:02X}")).collect();
        let out = std::process::Command::new("node")
            .arg(theme_tests().join("search-results.mjs"))
            .arg(format!("http://127.0.0.1:{port}/"))
            .arg(format!("{search}?q={q}"))
            .current_dir(theme_tests())
            .env("LOA_CHROMIUM", chromium())
            .output()
            .expect("run node");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        let line: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
        let links = line["results"].as_array().expect("results").iter();
        let links = links.map(|u| u.as_str().expect("a link").to_string()).collect();
        (links, line["status"].as_str().expect("status").to_string())
    };
    let results = |search: &str, query: &str| found(search, query).0;
    assert_eq!(results("/km/tim-kiem/", "សិក្សា"), ["/km/bai-viet/hoc-tap-suot-doi/"]);
    let en = results("/en/tim-kiem/", "learning");
    assert!(en.contains(&"/en/bai-viet/hoc-tap-suot-doi/".to_string()), "{en:?}");
    assert!(en.iter().all(|u| u.starts_with("/en/")), "{en:?}");
    // Each index has its own language's pages only.
    assert!(results("/km/tim-kiem/", "lifelong").is_empty());
    let (one, status) = found("/en/tim-kiem/", "lifelong");
    assert_eq!((one.len(), status.as_str()), (1, "1 result for “lifelong”"));
    let vi = results("/tim-kiem/", "hoc tap");
    assert!(vi.contains(&"/bai-viet/chi-tieng-viet/".to_string()), "{vi:?}");
    assert!(vi.iter().all(|u| !u.starts_with("/en/") && !u.starts_with("/km/")), "{vi:?}");
}

/// `loa serve` draws each language's share cards when asked, under the language's folder, the
/// same as `loa build` makes them.
#[test]
fn serve_draws_each_languages_share_cards_under_its_folder() {
    use crate::serve::Served;
    let tmp = tempfile::tempdir().expect("tmp");
    copy_site(&sites_dir().join("languages"), tmp.path());
    std::fs::remove_dir_all(tmp.path().join("templates")).expect("rm templates");
    let yaml = std::fs::read_to_string(tmp.path().join("loa.yaml")).expect("yaml");
    std::fs::write(tmp.path().join("loa.yaml"), format!("{yaml}theme: loa\n")).expect("write");
    let out = run(tmp.path(), &["build", "--root", "."]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let built = tmp.path().join("public/en/anh-chia-se");
    let names: Vec<String> = std::fs::read_dir(&built)
        .expect("the English site's cards")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .collect();
    assert!(!names.is_empty());
    let srv = Served::start(tmp.path(), &[]);
    srv.ready();
    for name in &names {
        let r = srv.get(&format!("/en/anh-chia-se/{name}"));
        assert_eq!(r.status, 200, "{name}");
        assert!(r.body == std::fs::read(built.join(name)).expect("png"), "{name} differs from loa build's");
    }
}
