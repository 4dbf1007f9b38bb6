//! The metadata of every output (issue 24, "Metadata"), checked on what the real binary writes
//! for the repository's own site (at its `base_url`, and again under a sub-folder) and for a
//! small site on the default theme that has what the real one lacks (an alias, a long title):
//! each page's `rel=canonical` and `og:url` are its own address; every Atom feed and entry
//! names an author; FAQ answers in JSON-LD hold only the tags schema.org allows, with absolute
//! links; dated pages are articles (Open Graph and JSON-LD); JSON-LD headlines fit in 110
//! characters; the sitemap lists every page but the search page and the 404; an `updated:`
//! before `date:` is a warning at its value.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use crate::catalogue::{run, site_with, themed_site};
use crate::harness::{tree, write};

/// The repository's site, with its `base_url` as `loa.yaml` has it.
const REAL_BASE: &str = "https://khuyenhoc.example.vn";
/// The same site put under a sub-folder (`--base-url`).
const SUB_BASE: &str = "https://khuyenhoc.example.vn/tin-tuc";

/// A built site: its base URL (no `/` at the end) and every file written, by path.
struct Built {
    base: String,
    files: BTreeMap<String, Vec<u8>>,
}

impl Built {
    /// Builds the site at `root` into a temporary folder, with `--base-url base` when given.
    fn of(root: &Path, base: &str, with_base_flag: bool) -> Built {
        let out = tempfile::tempdir().expect("tmp");
        let dest = out.path().join("public");
        let dest = dest.to_str().expect("utf-8 path");
        let mut args = vec!["build", "--root", root.to_str().expect("utf-8 path"), "--output-dir", dest];
        let flag = format!("{base}/");
        if with_base_flag {
            args.extend(["--base-url", &flag]);
        }
        let r = run(root, &args);
        assert_eq!(r.code, Some(0), "build failed:\n{}", r.stderr);
        let mut files = tree(&out.path().join("public"));
        files.remove(".loa-output");
        Built { base: base.to_string(), files }
    }

    /// The repository's own site.
    fn real() -> Built {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let yaml = std::fs::read_to_string(repo.join("loa.yaml")).expect("loa.yaml");
        assert!(yaml.contains(&format!("base_url: {REAL_BASE}\n")), "loa.yaml's base_url changed");
        Built::of(repo, REAL_BASE, false)
    }

    /// The repository's own site under a sub-folder.
    fn real_under_a_folder() -> Built {
        Built::of(Path::new(env!("CARGO_MANIFEST_DIR")), SUB_BASE, true)
    }

    /// Every HTML output: path, text.
    fn pages(&self) -> impl Iterator<Item = (&str, String)> {
        self.files
            .iter()
            .filter(|(p, _)| p.ends_with(".html"))
            .map(|(p, b)| (p.as_str(), String::from_utf8(b.clone()).expect("utf-8")))
    }

    /// Every file whose name is `name`: path, text.
    fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (&'a str, String)> + 'a {
        self.files
            .iter()
            .filter(move |(p, _)| p.rsplit('/').next() == Some(name))
            .map(|(p, b)| (p.as_str(), String::from_utf8(b.clone()).expect("utf-8")))
    }

    /// The path part of the base URL (`/tin-tuc`, or empty).
    fn base_path(&self) -> &str {
        let host = self.base.find("://").map_or(0, |k| k + 3);
        self.base[host..].find('/').map_or("", |k| &self.base[host + k..])
    }

    /// The absolute URL of output `rel` (`a/index.html` → `base/a/`).
    fn url_of(&self, rel: &str) -> String {
        let path = rel.strip_suffix("index.html").unwrap_or(rel);
        format!("{}/{path}", self.base)
    }
}

static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<(link|meta)\s[^>]*>").expect("regex"));
static ATTR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"([a-zA-Z:-]+)="([^"]*)""#).expect("regex"));
static JSON_LD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?s)<script type="application/ld\+json">(.*?)</script>"#).expect("regex"));

/// The attributes of every `<link>` and `<meta>` tag of a page.
fn head_tags(html: &str) -> Vec<BTreeMap<String, String>> {
    TAG.find_iter(html)
        .map(|t| ATTR.captures_iter(t.as_str()).map(|c| (c[1].to_string(), c[2].to_string())).collect())
        .collect()
}

/// The `href` of every `<link rel="canonical">` and the `content` of every `og:url`.
fn canonicals(html: &str) -> (Vec<String>, Vec<String>) {
    let tags = head_tags(html);
    let get = |key: &str, value: &str, field: &str| -> Vec<String> {
        tags.iter()
            .filter(|t| t.get(key).map(String::as_str) == Some(value))
            .filter_map(|t| t.get(field).cloned())
            .collect()
    };
    (get("rel", "canonical", "href"), get("property", "og:url", "content"))
}

/// The value of `<meta property="…">`, if the page has it.
fn og(html: &str, property: &str) -> Option<String> {
    head_tags(html)
        .into_iter()
        .find(|t| t.get("property").map(String::as_str) == Some(property))
        .and_then(|t| t.get("content").cloned())
}

/// Every JSON-LD object of a page.
fn json_ld(html: &str) -> Vec<serde_json::Value> {
    JSON_LD
        .captures_iter(html)
        .map(|c| serde_json::from_str(&c[1]).unwrap_or_else(|e| panic!("JSON-LD: {e}: {}", &c[1])))
        .collect()
}

/// The target of a redirect page (`<meta http-equiv="refresh" content="0; url=…">`).
fn refresh_target(html: &str) -> Option<String> {
    head_tags(html)
        .into_iter()
        .find(|t| t.get("http-equiv").map(String::as_str) == Some("refresh"))
        .and_then(|t| t.get("content").and_then(|c| c.split_once("url=")).map(|(_, u)| u.to_string()))
}

/// The HTML text of `html`'s `<title>`, entities of `escape` decoded.
fn title(html: &str) -> String {
    let t = html.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).expect("a <title>");
    t.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Every page's canonical and `og:url` is its own absolute address; the 404 page (served at
/// any missing address) has neither; an alias redirect names the page it leads to.
fn check_canonicals(site: &Built) -> usize {
    let mut checked = 0;
    for (rel, html) in site.pages() {
        let (canonical, og_url) = canonicals(&html);
        // The 404 page of each language (`404.html`, `en/404.html`) names no address.
        if rel == "404.html" || rel.ends_with("/404.html") {
            assert!(canonical.is_empty() && og_url.is_empty(), "{rel}: {canonical:?} {og_url:?}");
            continue;
        }
        if let Some(target) = refresh_target(&html) {
            let path = target.strip_prefix(site.base_path()).unwrap_or_else(|| panic!("{rel}: {target}"));
            let file = format!("{}index.html", path.trim_start_matches('/'));
            assert!(site.files.contains_key(&file), "{rel}: an alias of {target}, which was not built");
            assert_eq!(canonical, vec![site.url_of(&file)], "{rel}: an alias names its page");
            continue;
        }
        let own = site.url_of(rel);
        assert_eq!(canonical, vec![own.clone()], "{rel}: rel=canonical");
        assert_eq!(og_url, vec![own], "{rel}: og:url");
        checked += 1;
    }
    checked
}

#[test]
fn every_page_of_the_real_site_is_its_own_canonical_and_og_url() {
    for site in [Built::real(), Built::real_under_a_folder()] {
        let checked = check_canonicals(&site);
        assert!(checked >= 40, "{}: only {checked} pages", site.base);
        for rel in ["thuat-ngu/index.html", "doi-tuong/index.html", "tags/index.html", "tim-kiem/index.html"]
        {
            assert!(site.files.contains_key(rel), "{}: no {rel}", site.base);
        }
    }
}

/// The default theme on a small site with an alias, a paginated tag and a campaign page per
/// audience.
fn small_themed_site() -> tempfile::TempDir {
    let site = themed_site();
    let root = site.path();
    write(
        root,
        "loa.yaml",
        "title: Thử\nbase_url: https://thu.example.vn\ntheme: loa\ntaxonomies: [tags]\naudiences:\n  gia-dinh: {name: Gia đình}\n",
    );
    write(
        root,
        "content/bai-viet/dai.md",
        &format!(
            "---\ntitle: {LONG_TITLE}\ndate: 2024-05-10\naliases: [/tin-cu/dai/]\ntags: [khuyến học]\naudiences: [gia-dinh]\n---\nNội dung.\n"
        ),
    );
    for k in 0..11 {
        write(
            root,
            &format!("content/bai-viet/bai-{k}.md"),
            &format!(
                "---\ntitle: Bài {k}\ndate: 2024-04-{:02}\ntags: [khuyến học]\n---\nNội dung {k}.\n",
                k + 1
            ),
        );
    }
    site
}

/// A title of 124 characters, as the audit found one.
const LONG_TITLE: &str = "Hội Khuyến học Thị trấn Thắng (Hiệp Hòa) đón nhận Cờ Đơn vị thi đua xuất sắc do Trung ương Hội Khuyến học Việt Nam trao tặng";

#[test]
fn an_alias_names_its_page_and_listings_pages_name_themselves_on_the_default_theme() {
    let site = small_themed_site();
    let built = Built::of(site.path(), "https://thu.example.vn", false);
    assert!(built.files.contains_key("tin-cu/dai/index.html"), "the alias");
    assert!(built.files.contains_key("tags/khuyen-hoc/trang/2/index.html"), "a second page");
    assert!(check_canonicals(&built) >= 15);
}

#[test]
fn every_atom_feed_and_every_entry_names_an_author() {
    let site = Built::real();
    let mut feeds = 0;
    let mut named = BTreeSet::new();
    for (rel, xml) in site.named("atom.xml") {
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let root = doc.root_element();
        let author = |n: roxmltree::Node<'_, '_>| -> Option<String> {
            let a = n.children().find(|c| c.has_tag_name("author"))?;
            a.children().find(|c| c.has_tag_name("name"))?.text().map(str::to_string)
        };
        // The English site (`languages.en.title` of loa.yaml) is its own feeds' author.
        let site_title = if rel.starts_with("en/") {
            "Promoting learning – Building a learning society"
        } else {
            "Khuyến học – Xây dựng xã hội học tập"
        };
        assert_eq!(author(root).as_deref(), Some(site_title), "{rel}: the feed's author is the site");
        for entry in root.children().filter(|c| c.has_tag_name("entry")) {
            let name = author(entry).unwrap_or_else(|| panic!("{rel}: an entry without <author>"));
            assert!(!name.trim().is_empty(), "{rel}");
            named.insert(name);
        }
        feeds += 1;
    }
    assert!(feeds >= 15, "only {feeds} feeds");
    // Some entries name the page's `author:`, the others the site.
    assert!(named.len() >= 2 && named.contains("Khuyến học – Xây dựng xã hội học tập"), "{named:?}");
}

/// The tags schema.org allows in an `Answer`'s text.
const ANSWER_TAGS: &[&str] =
    &["h1", "h2", "h3", "h4", "h5", "h6", "br", "ol", "ul", "li", "a", "p", "div", "b", "strong", "i", "em"];

#[test]
fn faq_answers_in_json_ld_hold_only_allowed_tags_and_absolute_links() {
    static ANY_TAG: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"<(/?)([a-zA-Z0-9]+)([^>]*)>").expect("regex"));
    for site in [Built::real(), Built::real_under_a_folder()] {
        let (mut answers, mut links) = (0, 0);
        for (rel, html) in site.pages() {
            for v in json_ld(&html).iter().filter(|v| v["@type"] == "FAQPage") {
                for q in v["mainEntity"].as_array().expect("questions") {
                    let text = q["acceptedAnswer"]["text"].as_str().expect("answer text");
                    answers += 1;
                    for t in ANY_TAG.captures_iter(text) {
                        assert!(ANSWER_TAGS.contains(&&t[2]), "{rel}: <{}> in {text}", &t[2]);
                        let attrs = t[3].trim();
                        if attrs.is_empty() {
                            continue;
                        }
                        assert_eq!(&t[2], "a", "{rel}: attributes on <{}> in {text}", &t[2]);
                        let href = attrs.strip_prefix("href=\"").and_then(|h| h.strip_suffix('"'));
                        let href = href.unwrap_or_else(|| panic!("{rel}: {attrs} in {text}"));
                        assert!(href.starts_with(&format!("{}/", site.base)), "{rel}: {href}");
                        links += 1;
                    }
                    assert!(!text.contains("so-hieu"), "{rel}: {text}");
                }
            }
        }
        assert!(answers >= 10 && links >= 2, "{}: {answers} answers, {links} links", site.base);
    }
}

#[test]
fn dated_pages_are_articles_in_open_graph_and_json_ld() {
    let site = Built::real();
    let (mut explainers, mut dated) = (0, 0);
    for (rel, html) in site.pages() {
        let types: Vec<String> =
            json_ld(&html).iter().filter_map(|v| v["@type"].as_str().map(str::to_string)).collect();
        let article = types.iter().any(|t| t == "Article" || t == "NewsArticle");
        if og(&html, "article:published_time").is_some() {
            dated += 1;
            assert_eq!(og(&html, "og:type").as_deref(), Some("article"), "{rel}");
            assert!(article, "{rel}: a dated page without Article JSON-LD: {types:?}");
        } else {
            assert!(!article, "{rel}: an undated page with Article JSON-LD");
        }
        if rel.starts_with("hoi-dap/") && rel != "hoi-dap/index.html" {
            explainers += 1;
            assert!(types.contains(&"Article".to_string()), "{rel}: {types:?}");
            assert!(types.contains(&"FAQPage".to_string()), "{rel}: {types:?}");
        }
    }
    assert!(explainers >= 4 && dated >= 11, "{explainers} explainers, {dated} dated pages");
}

/// Every JSON-LD headline of `site` fits; returns how many there were.
fn headlines_fit(site: &Built) -> usize {
    let mut n = 0;
    for (rel, html) in site.pages() {
        for v in json_ld(&html) {
            if let Some(h) = v["headline"].as_str() {
                assert!(h.chars().count() <= 110, "{rel}: {} characters: {h}", h.chars().count());
                n += 1;
            }
        }
    }
    n
}

#[test]
fn json_ld_headlines_fit_in_110_characters_and_the_title_stays_whole() {
    let real = Built::real();
    assert!(headlines_fit(&real) >= 11);
    let site = small_themed_site();
    let built = Built::of(site.path(), "https://thu.example.vn", false);
    assert!(headlines_fit(&built) >= 12);
    let html = String::from_utf8(built.files["bai-viet/dai/index.html"].clone()).expect("utf-8");
    assert!(title(&html).starts_with(LONG_TITLE), "{}", title(&html));
    let ld = json_ld(&html);
    let headline = ld.iter().find_map(|v| v["headline"].as_str()).expect("a headline");
    assert_eq!(
        headline,
        "Hội Khuyến học Thị trấn Thắng (Hiệp Hòa) đón nhận Cờ Đơn vị thi đua xuất sắc do Trung ương Hội Khuyến học…"
    );
    assert_eq!(og(&html, "og:title").as_deref(), Some(LONG_TITLE), "og:title stays whole");
}

/// The sitemaps of `site` (the default language's and each other language's, `en/sitemap.xml`):
/// their URLs, which must be exactly its pages but the 404 pages, the search pages and the
/// alias redirects.
fn check_sitemap(site: &Built) {
    let mut listed: BTreeSet<String> = BTreeSet::new();
    for (_, xml) in site.named("sitemap.xml") {
        let doc = roxmltree::Document::parse(&xml).expect("sitemap");
        listed.extend(
            doc.descendants().filter(|n| n.has_tag_name("loc")).filter_map(|n| n.text()).map(str::to_string),
        );
    }
    let pages: BTreeSet<String> = site
        .pages()
        .filter(|(rel, html)| {
            let own = rel.strip_prefix("en/").unwrap_or(rel);
            own != "404.html" && own != "tim-kiem/index.html" && refresh_target(html).is_none()
        })
        .map(|(rel, _)| site.url_of(rel))
        .collect();
    let missing: Vec<&String> = pages.difference(&listed).collect();
    let extra: Vec<&String> = listed.difference(&pages).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{}: missing {missing:?}, not pages {extra:?}",
        site.base
    );
}

#[test]
fn the_sitemap_lists_every_page_but_the_search_page_the_404_and_redirects() {
    for real in [Built::real(), Built::real_under_a_folder()] {
        check_sitemap(&real);
        let xml = String::from_utf8(real.files["sitemap.xml"].clone()).expect("utf-8");
        for page in ["thuat-ngu/", "doi-tuong/", "tags/khuyen-hoc/", "tags/khuyen-hoc/trang/2/"] {
            assert!(xml.contains(&format!("<loc>{}/{page}</loc>", real.base)), "{page}");
        }
    }
    let site = small_themed_site();
    let built = Built::of(site.path(), "https://thu.example.vn", false);
    check_sitemap(&built);
    let xml = String::from_utf8(built.files["sitemap.xml"].clone()).expect("utf-8");
    assert!(xml.contains("<loc>https://thu.example.vn/tags/khuyen-hoc/trang/2/</loc>"), "{xml}");
    assert!(!xml.contains("tin-cu"), "{xml}");
}

#[test]
fn an_updated_date_before_the_date_is_a_warning_at_its_value() {
    let site = site_with("---\ntitle: X\ndate: 10/9/2024 8:30\nupdated: \"1/9/2024\"\n---\nx\n");
    let warning = "content/bai-viet/x.md:4:11: cảnh báo: ngày cập nhật `1/9/2024` sớm hơn ngày đăng `10/9/2024` (`date:`)\n  gợi ý: `updated:` là ngày sửa bài";
    for cmd in ["build", "check"] {
        let r = run(site.path(), &[cmd]);
        assert_eq!(r.code, Some(0), "{cmd}: {}", r.stderr);
        assert!(r.stderr.contains(warning), "{cmd}:\n{}", r.stderr);
        assert_eq!(r.stderr.matches("cảnh báo:").count(), 1, "{cmd}:\n{}", r.stderr);
    }
    // `check --strict` fails on it.
    assert_eq!(run(site.path(), &["check", "--strict"]).code, Some(1));
    // The same day, later or without `updated:`: nothing to say.
    for fine in [
        "updated: 10/9/2024",
        "updated: 2024-09-10T08:00:00+07:00",
        "updated: 11/9/2024",
        "summary: Không có updated.",
    ] {
        write(
            site.path(),
            "content/bai-viet/x.md",
            &format!("---\ntitle: X\ndate: 10/9/2024 8:30\n{fine}\n---\nx\n"),
        );
        let r = run(site.path(), &["check", "--strict"]);
        assert_eq!(r.code, Some(0), "{fine}: {}", r.stderr);
        assert!(!r.stderr.contains("cập nhật"), "{fine}: {}", r.stderr);
    }
}

/// The value of `<meta name="…">`, if the page has it.
fn meta_name(html: &str, name: &str) -> Option<String> {
    head_tags(html)
        .into_iter()
        .find(|t| t.get("name").map(String::as_str) == Some(name))
        .and_then(|t| t.get("content").cloned())
}

/// Width and height of a PNG (its IHDR chunk).
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let be = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (be(16), be(20))
}

#[test]
fn a_page_without_its_own_image_is_shared_with_a_card_made_for_it() {
    let site = small_themed_site();
    let root = site.path();
    // A real photo: the images stage publishes it (without its metadata) at the same address.
    std::fs::create_dir_all(root.join("static/anh")).expect("mkdir");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/sites/images/expected/bai-viet/hop-dan/anh-chup.jpg"),
        root.join("static/anh/rieng.jpg"),
    )
    .expect("copy a photo");
    write(
        root,
        "content/bai-viet/co-anh.md",
        "---\ntitle: Có ảnh riêng\ndate: 2024-05-11\nimage: /anh/rieng.jpg\n---\nNội dung.\n",
    );
    write(root, "content/chien-dich/_index.md", "---\ntitle: Chiến dịch\nkind: campaign\n---\n");
    write(
        root,
        "content/chien-dich/thang.md",
        "---\ntitle: Tháng khuyến học\ncampaign:\n  starts: 2024-05-01\n  ends: 2024-05-31\n  audiences:\n    gia-dinh:\n      headline: Cả nhà cùng học\n      call_to_action: {label: Đăng ký gia đình học tập, url: /dang-ky/}\n---\nNội dung.\n",
    );
    let built = Built::of(root, "https://thu.example.vn", false);
    let html = |path: &str| String::from_utf8_lossy(&built.files[path]).into_owned();
    let card_of = |url: &str| {
        let file =
            url.strip_prefix("https://thu.example.vn/").unwrap_or_else(|| panic!("{url} is not on the site"));
        assert!(file.starts_with("anh-chia-se/") && file.ends_with(".png"), "{file}");
        png_size(&built.files[file])
    };
    // An article without `image:`: its card, with its size, in Open Graph, Twitter and JSON-LD.
    let page = html("bai-viet/bai-1/index.html");
    let image = og(&page, "og:image").expect("og:image");
    assert_eq!(card_of(&image), (1200, 630));
    assert_eq!(og(&page, "og:image:width").as_deref(), Some("1200"));
    assert_eq!(og(&page, "og:image:height").as_deref(), Some("630"));
    assert_eq!(og(&page, "og:image:alt").as_deref(), Some("Bài 1"));
    assert_eq!(meta_name(&page, "twitter:image").as_deref(), Some(image.as_str()));
    let ld = json_ld(&page);
    let object = &ld[0]["image"][0];
    assert_eq!(
        (object["@type"].as_str(), object["url"].as_str()),
        (Some("ImageObject"), Some(image.as_str()))
    );
    assert_eq!((object["width"].as_u64(), object["height"].as_u64()), (Some(1200), Some(630)));
    // Each page has its own card.
    let other = og(&html("bai-viet/bai-2/index.html"), "og:image").expect("og:image");
    assert_ne!(other, image);
    // A page with `image:` keeps it, everywhere.
    let own = html("bai-viet/co-anh/index.html");
    assert_eq!(og(&own, "og:image").as_deref(), Some("https://thu.example.vn/anh/rieng.jpg"));
    assert_eq!(meta_name(&own, "twitter:image").as_deref(), Some("https://thu.example.vn/anh/rieng.jpg"));
    assert_eq!(json_ld(&own)[0]["image"][0].as_str(), Some("https://thu.example.vn/anh/rieng.jpg"));
    // A campaign's page for an audience: a card of its own (headline and call to action).
    let audience = html("chien-dich/thang/gia-dinh/index.html");
    let card = og(&audience, "og:image").expect("og:image");
    assert_eq!(card_of(&card), (1200, 630));
    assert_eq!(meta_name(&audience, "twitter:image").as_deref(), Some(card.as_str()));
    assert_ne!(card, og(&html("chien-dich/thang/index.html"), "og:image").expect("og:image"));
    // A section's listing: a card of its own (its title), not the site's default image; the
    // home page keeps the default image.
    let section = html("bai-viet/index.html");
    let card = og(&section, "og:image").expect("og:image");
    assert_eq!(card_of(&card), (1200, 630));
    assert_eq!(og(&section, "og:title").as_deref(), Some("Bài viết"));
    assert_eq!(og(&section, "og:image:alt").as_deref(), Some("Bài viết"));
    assert_eq!(meta_name(&section, "twitter:image").as_deref(), Some(card.as_str()));
    let campaigns = og(&html("chien-dich/index.html"), "og:image").expect("og:image");
    assert!(campaigns != card && campaigns.contains("/anh-chia-se/"), "{campaigns}");
    assert_eq!(og(&html("index.html"), "og:image").as_deref(), Some("https://thu.example.vn/og-default.png"));
    // Every card the pages name was made, and only those.
    let named: BTreeSet<String> = built
        .files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .filter_map(|(_, b)| og(&String::from_utf8_lossy(b), "og:image"))
        .filter_map(|u| u.strip_prefix("https://thu.example.vn/").map(str::to_string))
        .filter(|f| f.starts_with("anh-chia-se/"))
        .collect();
    let made: BTreeSet<String> =
        built.files.keys().filter(|p| p.starts_with("anh-chia-se/")).cloned().collect();
    assert_eq!(named, made);
}

/// Regression (issue 28): the English site named its audiences in Vietnamese ("Gia đình") on
/// their pages, the campaign's messages, the search filter and the list of audiences; the theme
/// now asks the language files for each audience's name and description (the site's
/// `i18n/en.yaml` translates them), and the Vietnamese site keeps its own words.
#[test]
fn the_english_site_names_its_audiences_in_english() {
    let site = Built::real();
    let page = |rel: &str| String::from_utf8(site.files[rel].clone()).expect("utf-8");
    assert!(page("en/doi-tuong/gia-dinh/index.html").contains("<h1>Families</h1>"));
    assert!(page("doi-tuong/gia-dinh/index.html").contains("<h1>Gia đình</h1>"));
    let list = page("en/doi-tuong/index.html");
    assert!(list.contains(">Cadres and Party members</a>"), "{list}");
    assert!(list.contains("Every cadre and Party member strives to become a learning citizen."), "{list}");
    let search = page("en/tim-kiem/index.html");
    assert!(search.contains(">Party organisations</option>"), "{search}");
    let campaign = site
        .files
        .keys()
        .find(|k| k.starts_with("en/chien-dich/") && k.ends_with("/gia-dinh/index.html"))
        .expect("the English campaign's page for families");
    assert!(page(campaign).contains("For Families"), "{}", page(campaign));
    for (rel, bytes) in &site.files {
        if rel.starts_with("en/") && rel.ends_with(".html") && !rel.contains("tim-kiem") {
            let html = String::from_utf8_lossy(bytes);
            assert!(!html.contains(">Gia đình<"), "{rel} names an audience in Vietnamese");
        }
    }
}
