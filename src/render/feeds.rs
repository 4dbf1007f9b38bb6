//! Atom and RSS feeds, the sitemap and robots.txt, written in Rust (not templates): they are
//! machine formats every site needs the same way. Every text is XML-escaped; every URL is
//! absolute. [`feeds_and_sitemap`] gives all of them for a site.

use super::campaign;
use super::context::PageCard;
use super::documents::GLOSSARY_PATH;
use super::env::{AUDIENCES_PATH, Env, audience_pages};
use super::jobs::Job;
use super::section::pager_path;
use crate::content::DocId;

/// Atom feeds (site, sections, terms, audiences, campaigns), RSS for the site, sitemap.xml (of
/// `jobs`, the outputs made with a template, see [`sitemap_entries`]) and robots.txt.
pub fn feeds_and_sitemap(env: &Env<'_>, jobs: &[Job]) -> Vec<(String, Vec<u8>)> {
    let (config, site) = (env.config, env.site);
    let mut out = Vec::new();
    let cards = |ids: &[DocId]| -> Vec<&PageCard> { ids.iter().map(|&i| &env.cards[i]).collect() };
    // A feed with no entry yet (a new section) says the site was last updated when its newest
    // page was: a date from the content, so the same site gives the same file.
    let site_updated =
        env.cards.iter().filter(|c| c.date.is_some()).filter_map(entry_time).max().unwrap_or(NO_DATE);
    let mut feed = |path: String, title: String, page_path: &str, ids: &[DocId]| {
        let self_url = config.permalink(&path);
        let page_url = config.permalink(page_path);
        let info = FeedInfo {
            title: &title,
            self_url: &self_url,
            page_url: &page_url,
            language: &config.language,
            author: &config.title,
            updated: site_updated,
        };
        out.push((path.trim_start_matches('/').to_string(), atom(&info, &cards(ids)).into_bytes()));
    };
    let mut dated: Vec<DocId> =
        DocId::all(site.pages.len()).filter(|&i| site.pages[i].date.is_some()).collect();
    site.sort_newest_first(&mut dated);
    feed("/atom.xml".to_string(), config.title.clone(), "/", &dated);
    for s in site.sections.iter().skip(1) {
        feed(format!("{}atom.xml", s.path), format!("{} · {}", s.title, config.title), &s.path, &s.pages);
    }
    for tax in &site.taxonomies {
        for term in &tax.terms {
            let base = format!("/{}/{}/", tax.name, term.slug);
            feed(format!("{base}atom.xml"), format!("{} · {}", term.name, config.title), &base, &term.pages);
        }
    }
    for a in 0..config.audiences.0.len() {
        let (id, aud) = &config.audiences.0[a];
        let base = format!("{}{id}/", AUDIENCES_PATH);
        feed(
            format!("{base}atom.xml"),
            format!("{} · {}", aud.name, config.title),
            &base,
            audience_pages(env, a),
        );
    }
    for (i, p) in DocId::all(site.pages.len()).zip(&site.pages) {
        if p.meta.campaign().is_some() {
            feed(
                format!("{}atom.xml", p.path),
                format!("{} · {}", p.title, config.title),
                &p.path,
                campaign::campaign_pages(env, i),
            );
        }
    }
    let self_url = config.permalink("/rss.xml");
    let home = config.permalink("/");
    let info = FeedInfo {
        title: &config.title,
        self_url: &self_url,
        page_url: &home,
        language: &config.language,
        author: &config.title,
        updated: site_updated,
    };
    out.push(("rss.xml".to_string(), rss(&info, &config.title, &cards(&dated)).into_bytes()));

    let mut entries = sitemap_entries(env, jobs);
    let mut robots_txt = robots(&config.permalink("/sitemap.xml"));
    if let Some(links) = env.translations {
        add_alternates(env, links, &mut entries);
        // The default language's robots.txt, at the root of the site, names every sitemap.
        if links.index(&config.language) == Some(0) {
            for l in links.languages.iter().skip(1) {
                robots_txt.push_str(&format!("Sitemap: {}{}sitemap.xml\n", l.origin, l.home));
            }
        }
    }
    out.push(("sitemap.xml".to_string(), sitemap(&mut entries).into_bytes()));
    out.push(("robots.txt".to_string(), robots_txt.into_bytes()));
    out
}

/// In a site of several languages, each entry's versions in the languages that have one
/// (`xhtml:link rel="alternate" hreflang`, and `x-default` at the default language's), when
/// it has one besides itself.
fn add_alternates(env: &Env<'_>, links: &crate::content::translation::Links, entries: &mut [SitemapEntry]) {
    let Some(lang) = links.index(&env.config.language) else { return };
    let origin_len = env.config.base_url.len() - env.config.base_path.len();
    for e in entries.iter_mut() {
        let Some(url) = e.loc.get(origin_len..) else { continue };
        let versions: Vec<_> = links.versions(lang, url).into_iter().filter(|v| v.exists).collect();
        if versions.len() < 2 {
            continue;
        }
        let href =
            |v: &crate::content::translation::Version<'_>| [v.language.origin.as_str(), v.url].concat();
        e.alternates = versions.iter().map(|v| (v.language.code.clone(), href(v))).collect();
        if let Some(default) = versions.iter().find(|v| v.language.code == links.languages[0].code) {
            e.alternates.push(("x-default".to_string(), href(default)));
        }
    }
}

/// The sitemap's URLs: every page made with a template (`jobs`): pages, section and home
/// listings, taxonomies and terms, audiences, campaign pages per audience, the glossary, and
/// the listings' later pages (`trang/2/`, each its own canonical URL), but not the search page
/// (a form, with nothing of its own to find). The 404 page and the alias redirects are made
/// without a template call and are not listed either. A page's `lastmod` is its `updated:` or
/// `date:`; a listing's first page's, the date of its newest page.
pub fn sitemap_entries(env: &Env<'_>, jobs: &[Job]) -> Vec<SitemapEntry> {
    let (config, site) = (env.config, env.site);
    let card_date =
        |i: DocId| env.cards[i].updated.as_ref().or(env.cards[i].date.as_ref()).map(|d| d.iso.clone());
    jobs.iter()
        .filter_map(|&job| {
            let (path, lastmod) = match job {
                Job::Page(i) => {
                    return Some(SitemapEntry {
                        loc: env.cards[i].permalink.clone(),
                        lastmod: card_date(i),
                        alternates: Vec::new(),
                    });
                }
                Job::Section(i, n) => {
                    let s = &site.sections[i];
                    let newest =
                        s.pages.first().and_then(|&k| env.cards[k].date.as_ref()).map(|d| d.iso.clone());
                    (pager_path(&s.path, n), newest.filter(|_| n == 1))
                }
                Job::Taxonomy(t) => (format!("/{}/", site.taxonomies[t].name), None),
                Job::Term(of, n) => {
                    let tax = &site.taxonomies[of.taxonomy];
                    (pager_path(&format!("/{}/{}/", tax.name, tax.terms[of.term].slug), n), None)
                }
                Job::Audiences => (AUDIENCES_PATH.to_string(), None),
                Job::Audience(a, n) => {
                    (pager_path(&format!("{AUDIENCES_PATH}{}/", config.audiences.0[a].0), n), None)
                }
                Job::CampaignAudience(i, k) => {
                    let p = &site.pages[i];
                    let id = p.meta.campaign().and_then(|c| c.audiences.get(k)).map(|(id, _)| id)?;
                    (format!("{}{id}/", p.path), None)
                }
                Job::Glossary => (GLOSSARY_PATH.to_string(), None),
                Job::Bulletins => (crate::bulletin::PATH.to_string(), None),
                Job::BulletinWeek(k) => (env.bulletin_weeks[k].path(), None),
                Job::Search => return None,
            };
            Some(SitemapEntry { loc: config.permalink(&path), lastmod, alternates: Vec::new() })
        })
        .collect()
}

/// Escapes text for XML element content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    xml_escape_into(s, &mut out);
    out
}

/// `open`, then `text` escaped, then `close` (a feed is written this way piece by piece:
/// `format!` for each line cost more than the escaping).
fn element(x: &mut String, open: &str, text: &str, close: &str) {
    x.push_str(open);
    xml_escape_into(text, x);
    x.push_str(close);
}

/// [`xml_escape`], appending to `out`.
pub fn xml_escape_into(s: &str, out: &mut String) {
    // Runs of ordinary bytes are copied whole; only the bytes below need a look.
    let special = |b: u8| {
        u8::from(b == b'&')
            | u8::from(b == b'<')
            | u8::from(b == b'>')
            | u8::from(b == b'"')
            | u8::from(b == b'\'')
            | u8::from(b < 0x20)
            | u8::from(b == 0xEF)
    };
    let bytes = s.as_bytes();
    let (mut start, mut from) = (0, 0);
    while let Some(i) = crate::scan::next_special(bytes, from, special) {
        let (replacement, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&apos;", 1),
            b'\t' | b'\n' | b'\r' => {
                from = i + 1;
                continue;
            }
            // Characters XML 1.0 does not allow at all are dropped: controls, U+FFFE, U+FFFF.
            0..0x20 => ("", 1),
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => ("", 3),
            _ => {
                from = i + 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        out.push_str(replacement);
        start = i + len;
        from = start;
    }
    out.push_str(&s[start..]);
}

/// Entries in a feed, newest first.
pub const FEED_LIMIT: usize = 20;

/// What a feed is about.
pub struct FeedInfo<'a> {
    /// Feed title (`Bài viết · Khuyến học`).
    pub title: &'a str,
    /// Absolute URL of the feed itself.
    pub self_url: &'a str,
    /// Absolute URL of the page listing the same items.
    pub page_url: &'a str,
    /// Site language (`vi`).
    pub language: &'a str,
    /// The feed's author, and the author of the entries whose page names none (the site's
    /// title).
    pub author: &'a str,
    /// The feed's `<updated>` when it has no entry: the site's newest page date (RFC 3339).
    pub updated: &'a str,
}

/// `<updated>` of a feed on a site without any dated page (Atom requires one).
const NO_DATE: &str = "1970-01-01T00:00:00+07:00";

fn entry_time(c: &PageCard) -> Option<&str> {
    c.updated.as_ref().or(c.date.as_ref()).map(|d| d.rfc3339.as_str())
}

/// An Atom 1.0 feed of `cards` (already newest first; only dated cards are included).
pub fn atom(info: &FeedInfo<'_>, cards: &[&PageCard]) -> String {
    let entries: Vec<&&PageCard> = cards.iter().filter(|c| c.date.is_some()).take(FEED_LIMIT).collect();
    let updated = entries.iter().filter_map(|c| entry_time(c)).max().unwrap_or(info.updated);
    let mut x = String::with_capacity(1024 + entries.len() * 768);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    element(&mut x, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"", info.language, "\">\n");
    element(&mut x, "  <title>", info.title, "</title>\n");
    element(&mut x, "  <link rel=\"self\" type=\"application/atom+xml\" href=\"", info.self_url, "\"/>\n");
    element(&mut x, "  <link rel=\"alternate\" type=\"text/html\" href=\"", info.page_url, "\"/>\n");
    element(&mut x, "  <id>", info.self_url, "</id>\n");
    x.extend(["  <updated>", updated, "</updated>\n"]);
    // Atom wants an author for every entry (RFC 4287 §4.1.1): the feed's is the site, and each
    // entry names its own, the page's `author:` or the site.
    element(&mut x, "  <author><name>", info.author, "</name></author>\n");
    x.push_str("  <generator>loa</generator>\n");
    for c in entries {
        let published = c.date.as_ref().map_or("", |d| d.rfc3339.as_str());
        x.push_str("  <entry>\n");
        element(&mut x, "    <title>", &c.title, "</title>\n");
        element(&mut x, "    <link rel=\"alternate\" type=\"text/html\" href=\"", &c.permalink, "\"/>\n");
        element(&mut x, "    <id>", &c.permalink, "</id>\n");
        x.extend(["    <published>", published, "</published>\n"]);
        x.extend(["    <updated>", entry_time(c).unwrap_or(published), "</updated>\n"]);
        // Named on every entry too, so that an entry copied into another feed (an aggregator,
        // a reader's merged list) still says who wrote it.
        element(
            &mut x,
            "    <author><name>",
            c.author.as_deref().unwrap_or(info.author),
            "</name></author>\n",
        );
        element(&mut x, "    <summary type=\"text\">", &c.description, "</summary>\n");
        for t in &c.terms {
            element(&mut x, "    <category term=\"", &t.name, "\"/>\n");
        }
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

/// An RSS 2.0 feed (dates in RFC 822 as RSS requires). An item's author is its
/// `<dc:creator>` (RSS's own `<author>` must be an e-mail address); items without one name
/// none, and the Dublin Core namespace is declared only when an item names one.
pub fn rss(info: &FeedInfo<'_>, description: &str, cards: &[&PageCard]) -> String {
    let items = || cards.iter().filter(|c| c.date.is_some()).take(FEED_LIMIT);
    let mut x = String::with_capacity(1024 + cards.len().min(FEED_LIMIT) * 640);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\"");
    if items().any(|c| c.author.is_some()) {
        x.push_str(" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"");
    }
    x.push_str(">\n<channel>\n");
    element(&mut x, "  <title>", info.title, "</title>\n");
    element(&mut x, "  <link>", info.page_url, "</link>\n");
    element(&mut x, "  <description>", description, "</description>\n");
    element(&mut x, "  <language>", info.language, "</language>\n");
    element(
        &mut x,
        "  <atom:link href=\"",
        info.self_url,
        "\" rel=\"self\" type=\"application/rss+xml\"/>\n",
    );
    for c in items() {
        x.push_str("  <item>\n");
        element(&mut x, "    <title>", &c.title, "</title>\n");
        element(&mut x, "    <link>", &c.permalink, "</link>\n");
        element(&mut x, "    <guid isPermaLink=\"true\">", &c.permalink, "</guid>\n");
        if let Some(d) = &c.date {
            x.extend(["    <pubDate>", d.rfc822.as_str(), "</pubDate>\n"]);
        }
        element(&mut x, "    <description>", &c.description, "</description>\n");
        if let Some(a) = &c.author {
            element(&mut x, "    <dc:creator>", a, "</dc:creator>\n");
        }
        x.push_str("  </item>\n");
    }
    x.push_str("</channel>\n</rss>\n");
    x
}

/// One URL of the sitemap.
pub struct SitemapEntry {
    /// Absolute URL.
    pub loc: String,
    /// `YYYY-MM-DD` of the last change, when known.
    pub lastmod: Option<String>,
    /// Its versions in the languages of a site in several: (`hreflang`, absolute URL), itself
    /// among them; empty for a site in one language.
    pub alternates: Vec<(String, String)>,
}

/// `sitemap.xml` (entries sorted by URL for determinism).
pub fn sitemap(entries: &mut [SitemapEntry]) -> String {
    entries.sort_by(|a, b| a.loc.cmp(&b.loc));
    let mut x = String::with_capacity(256 + entries.len() * 96);
    x.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    if entries.iter().any(|e| !e.alternates.is_empty()) {
        x.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    x.push_str(">\n");
    for e in entries.iter() {
        element(&mut x, "  <url>\n    <loc>", &uri(&e.loc), "</loc>\n");
        if let Some(m) = &e.lastmod {
            x.extend(["    <lastmod>", m.as_str(), "</lastmod>\n"]);
        }
        for (lang, href) in &e.alternates {
            x.extend(["    <xhtml:link rel=\"alternate\" hreflang=\"", lang.as_str(), "\" href=\""]);
            x.push_str(&xml_escape(&uri(href)));
            x.push_str("\"/>\n");
        }
        x.push_str("  </url>\n");
    }
    x.push_str("</urlset>\n");
    x
}

/// An URL with its non-ASCII characters percent-encoded (the sitemap protocol takes URIs, not
/// IRIs: a Khmer term's path `/km/tags/ការសិក្សា/`). An ASCII URL is itself.
fn uri(url: &str) -> std::borrow::Cow<'_, str> {
    if url.is_ascii() {
        return url.into();
    }
    let mut out = String::with_capacity(url.len() * 3);
    for c in url.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out.into()
}

/// `robots.txt` allowing everything and pointing at the sitemap.
pub fn robots(sitemap_url: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_urls_are_uris_and_alternates_are_listed() {
        let mut entries = [SitemapEntry {
            loc: "https://x.vn/km/tags/ក/".into(),
            lastmod: None,
            alternates: vec![("km".into(), "https://x.vn/km/tags/ក/".into())],
        }];
        let xml = sitemap(&mut entries);
        assert!(xml.contains("<loc>https://x.vn/km/tags/%E1%9E%80/</loc>"), "{xml}");
        assert!(
            xml.contains("xmlns:xhtml=")
                && xml.contains("hreflang=\"km\" href=\"https://x.vn/km/tags/%E1%9E%80/\""),
            "{xml}"
        );
        let mut plain =
            [SitemapEntry { loc: "https://x.vn/a/".into(), lastmod: None, alternates: Vec::new() }];
        assert!(!sitemap(&mut plain).contains("xhtml"));
    }

    #[test]
    fn xml_escape_is_the_character_by_character_escape() {
        fn by_chars(s: &str) -> String {
            let mut out = String::new();
            for c in s.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    '\'' => out.push_str("&apos;"),
                    c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
                    '\u{FFFE}' | '\u{FFFF}' => {}
                    c => out.push(c),
                }
            }
            out
        }
        let pieces = [
            "Xây dựng xã hội học tập ",
            "&",
            "<",
            ">",
            "\"",
            "'",
            "\t",
            "\n",
            "\r",
            "\u{1}",
            "\u{1f}",
            "\u{fffe}",
            "\u{ffff}",
            "\u{fffd}",
            "\u{effe}",
            "ế",
            "–",
        ];
        for t in crate::testing::mixed_strings(&pieces, 6, 20_000, 0x2545_F491_4F6C_DD1D) {
            assert_eq!(xml_escape(&t), by_chars(&t), "{t:?}");
        }
    }

    #[test]
    fn escapes_markup_and_drops_invalid_characters() {
        assert_eq!(
            xml_escape("<script>\"a\" & 'b'\u{1}</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &apos;b&apos;&lt;/script&gt;"
        );
    }
}
