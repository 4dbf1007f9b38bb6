//! A page of any kind: its card (what listings, feeds and the page header show) and its
//! template call (`page` in `article.html`, `page.html`, `campaign.html`, `document.html`,
//! `explainer.html`, or the page's own `template:`), with the article's JSON-LD.
//!
//! Takes the [`Env`]; gives values. Kind-specific parts of the page view come from their
//! files: `campaign.rs` (the campaign block), `documents.rs` (document, explainer, FAQ).

use std::sync::Arc;

use super::call::TemplateCall;
use super::context::{AudienceView, DateView, LinkView, PageCard, PageView, TermView};
use super::env::{Env, TermSlugs};
use super::{campaign, context, documents};
use crate::config::Config;
use crate::content::DocId;
use crate::content::{Document, Kind, output_file};
use crate::diagnostics::Diagnostic;
use crate::fingerprint::Derived;
use crate::markdown::{Rendered, escape};
use crate::media::card::CardText;

/// The card of a page: what listings and the page header show.
pub fn page_card(config: &Config, p: &Document, r: &Rendered, slugs: &TermSlugs<'_>) -> PageCard {
    // Summary: the text before `<!-- more -->`, else `summary:`, else the first paragraph.
    let (summary, description) = match (&r.more_html, &p.summary) {
        (Some(more), fm) => {
            (more.as_str().into(), fm.clone().unwrap_or_else(|| crate::markdown::html_to_text(more)).into())
        }
        (None, Some(s)) => (format!("<p>{}</p>", escape(s)).into(), s.as_str().into()),
        (None, None) => (r.first_paragraph_html.clone(), r.first_paragraph_text.clone()),
    };
    let syllables = r.syllables + crate::vi::reading::syllables(&p.title);
    PageCard {
        title: p.title.clone(),
        url: config.url(&p.path),
        permalink: config.permalink(&p.path),
        kind: p.kind.as_str(),
        date: p.date.map(DateView::new),
        updated: p.updated.map(DateView::new),
        summary,
        description,
        reading_minutes: crate::vi::reading::minutes(syllables, config.reading_speed),
        author: p.author.clone(),
        terms: p
            .terms
            .iter()
            .map(|t| {
                let slug = slugs
                    .get(t.name.as_str())
                    .cloned()
                    .unwrap_or_else(|| crate::vi::slug::term_slug(&t.name));
                let url = config.url(&format!("/{}/{slug}/", t.taxonomy));
                TermView { taxonomy: t.taxonomy.clone(), name: t.name.clone(), slug, url }
            })
            .collect(),
        audiences: p
            .audiences
            .iter()
            .filter_map(|id| {
                config.audiences.get(id).map(|a| AudienceView {
                    id: id.clone(),
                    name: a.name.clone(),
                    description: a.description.clone(),
                })
            })
            .collect(),
        image: p.image.as_deref().map(|img| image_url(config, p, img)),
        image_alt: p.image_alt.clone(),
        image_card: false,
        draft: p.draft,
    }
}

/// What the share card of a page without `image:` says: its title, its section (none for
/// pages of the home section), the site's name.
pub fn share_card(config: &Config, site: &crate::content::Site, p: &Document) -> CardText {
    let section = site.sections.get(p.section.0).filter(|_| p.section.0 != 0).map(|s| s.title.clone());
    CardText {
        title: p.title.clone(),
        site: config.title.clone(),
        section: section.unwrap_or_default(),
        call_to_action: String::new(),
    }
}

/// What the share card of a section (and each of its listing pages) says: its title and the
/// site's name.
pub fn section_share_card(config: &Config, s: &crate::content::Section) -> CardText {
    CardText {
        title: s.title.clone(),
        site: config.title.clone(),
        section: String::new(),
        call_to_action: String::new(),
    }
}

/// An image reference as an absolute URL: kept when absolute, site-relative when it starts
/// with `/`, else relative to the page (a bundle asset).
fn image_url(config: &Config, p: &Document, img: &str) -> String {
    if img.starts_with("http://") || img.starts_with("https://") {
        img.to_string()
    } else if let Some(rest) = img.strip_prefix('/') {
        config.permalink(&format!("/{rest}"))
    } else {
        config.permalink(&format!("{}{}", p.path, img.trim_start_matches("./")))
    }
}

/// The template call of page `i`, whose body's HTML is `html`.
pub fn prepare<'a>(env: &'a Env<'_>, i: DocId, html: Arc<str>) -> Result<TemplateCall<'a>, Diagnostic> {
    let (config, site) = (env.config, env.site);
    let p = &site.pages[i];
    let r = &env.pages[i];
    let section = &site.sections[p.section];
    let pos = Some(env.lists.position[i]);
    let link =
        |id: DocId| LinkView { title: site.pages[id].title.clone(), url: config.url(&site.pages[id].path) };
    let listed = p.kind != Kind::Page;
    let campaigns = p
        .campaigns
        .iter()
        .filter_map(|slug| {
            site.pages.iter().position(|c| c.meta.campaign().is_some() && &c.slug == slug).map(DocId)
        })
        .map(link)
        .collect();
    let (faq, faq_jsonld) = documents::faq_view(env, i);
    let view = PageView {
        // A fingerprint stands for the card by the page's index (the build's reuse of outputs
        // adds every card's own fingerprint), and for the JSON-LD by the card's.
        card: Derived::new(i.0 as u64, move || &env.cards[i]),
        content: html,
        toc: &r.toc,
        syllables: r.syllables,
        section: LinkView { title: section.title.clone(), url: config.url(&section.path) },
        newer: pos.filter(|&k| listed && k > 0).map(|k| link(section.pages[k - 1])),
        older: pos.filter(|_| listed).and_then(|k| section.pages.get(k + 1)).map(|&id| link(id)),
        extra: &p.extra,
        file: &p.file,
        campaigns,
        campaign: campaign::campaign_view(env, i).transpose()?,
        document: documents::document_view(env, i),
        explainer: documents::explainer_view(env, i),
        faq,
        faq_jsonld,
        glossary: &p.glossary,
        // A function of the card (and the config, in every fingerprint).
        jsonld: Derived::new(i.0 as u64, move || article_jsonld(env, i)),
        share: context::ShareView {
            facebook: format!(
                "https://www.facebook.com/sharer/sharer.php?u={}",
                percent_encode(&env.cards[i].permalink)
            ),
            url: env.cards[i].permalink.clone(),
        },
        bulletin: super::bulletin::link(env, i),
    };
    let template = match &p.template {
        Some(t) if env.templates.has(t) => t.as_str(),
        Some(t) => {
            return Err(Diagnostic::error(
                "template",
                p.key_lines.locate(&p.file, "template"),
                format!("không có mẫu `{t}`"),
            )
            .with_hint(format!("tạo templates/{t} hoặc bỏ dòng `template:`")));
        }
        None if env.templates.has(p.kind.template()) => p.kind.template(),
        None => "page.html",
    };
    Ok(TemplateCall::new(output_file(&p.path), template, p.file.as_str()).with("page", view).with_card(i))
}

/// Percent-encodes a URL for use as a query parameter (RFC 3986 unreserved characters kept).
pub fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.extend(['%', char::from(HEX[usize::from(b >> 4)]), char::from(HEX[usize::from(b & 15)])]);
        }
    }
    out
}

/// The JSON-LD of page `i`: schema.org `NewsArticle` for an article, `Article` for any other
/// dated page (an explainer, beside its `FAQPage`), none for an undated one. Made from its
/// card and the config only (its fingerprint is the card's, see `render_page`).
fn article_jsonld(env: &Env<'_>, i: DocId) -> Option<String> {
    let c = &env.cards[i];
    let kind = if c.kind == Kind::Article.as_str() {
        "NewsArticle"
    } else if c.date.is_some() {
        "Article"
    } else {
        return None;
    };
    let url = c.image.clone().unwrap_or_else(|| env.config.permalink("/og-default.png"));
    // The share card loa made is known to be 1200 × 630; an `image:` is given as written.
    let image = match c.image_card {
        true => JsonLdImage::Sized {
            kind: "ImageObject",
            url: &url,
            width: crate::media::card::WIDTH,
            height: crate::media::card::HEIGHT,
        },
        false => JsonLdImage::Url(&url),
    };
    let org = Agent { kind: "Organization", name: &env.config.title, url: Some(env.config.permalink("/")) };
    let author = c.author.as_deref().map(|name| Agent { kind: agent_kind(name), name, url: None });
    let title = headline(&c.title);
    let json = NewsArticle {
        context: "https://schema.org",
        kind,
        author: author.as_ref().unwrap_or(&org),
        date_modified: c.updated.as_ref().or(c.date.as_ref()).map(|d| d.rfc3339.as_str()),
        date_published: c.date.as_ref().map(|d| d.rfc3339.as_str()),
        description: &c.description,
        headline: &title,
        image: [image],
        in_language: &env.config.language,
        keywords: c.terms.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "),
        main_entity_of_page: &c.permalink,
        publisher: &org,
    };
    Some(documents::script_safe(&json))
}

/// Longest JSON-LD `headline`, in characters (Google's limit for article rich results).
pub const HEADLINE_MAX: usize = 110;

/// A title as a JSON-LD `headline`: whole when it fits in [`HEADLINE_MAX`] characters, else
/// cut after the last whole syllable (Vietnamese words are written syllable by syllable,
/// space-separated) that leaves room for "…", the punctuation before the cut dropped. A title
/// without a space in its first [`HEADLINE_MAX`] characters is cut inside its first word.
fn headline(title: &str) -> std::borrow::Cow<'_, str> {
    let title = title.trim();
    if title.chars().count() <= HEADLINE_MAX {
        return title.into();
    }
    // The byte index of the character that would be the last one kept before "…".
    let limit = title.char_indices().nth(HEADLINE_MAX - 1).map_or(title.len(), |(k, _)| k);
    let head = &title[..limit];
    let cut = match title[limit..].starts_with(char::is_whitespace) {
        true => head,
        false => head.rfind(char::is_whitespace).map_or(head, |k| &head[..k]),
    };
    let cut = cut.trim_end_matches(|c: char| c.is_whitespace() || ",;:–—-·(/".contains(c));
    let cut = if cut.is_empty() { head } else { cut };
    format!("{cut}…").into()
}

/// [`article_jsonld`]'s object, fields in the order `serde_json` writes a map's keys (sorted),
/// which is how it was written when it was a `json!` value (a struct is much cheaper to write).
#[derive(serde::Serialize)]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    author: &'a Agent<'a>,
    #[serde(rename = "dateModified")]
    date_modified: Option<&'a str>,
    #[serde(rename = "datePublished")]
    date_published: Option<&'a str>,
    description: &'a str,
    headline: &'a str,
    image: [JsonLdImage<'a>; 1],
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    keywords: String,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: &'a str,
    publisher: &'a Agent<'a>,
}

/// An article's image in JSON-LD: its address, or an `ImageObject` with its size (the share
/// card).
#[derive(serde::Serialize)]
#[serde(untagged)]
enum JsonLdImage<'a> {
    Url(&'a str),
    Sized {
        #[serde(rename = "@type")]
        kind: &'static str,
        url: &'a str,
        width: u32,
        height: u32,
    },
}

/// The author or the publisher of an article: the site (an Organization with its URL), or the
/// page's `author:` (a Person or an Organization, see [`agent_kind`]).
#[derive(serde::Serialize)]
struct Agent<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// First words of the names of units that write every word with a capital (`Báo Nhân Dân`,
/// `Hội Khuyến Học`), none of them a Vietnamese family or given name.
const UNIT_WORDS: &[&str] = &[
    "Ban", "Báo", "Bộ", "Cục", "Cổng", "Đài", "Đảng", "Đoàn", "Hội", "Nhóm", "Phòng", "Sở", "Tạp", "Tổ",
    "Viện",
];

/// `Person` when `author:` reads as a person's name: one to five words, each a capital and then
/// small letters (`Nguyễn Văn An`, `Thu Hà`), not opening with a word of [`UNIT_WORDS`]; else
/// `Organization` (`Ban Tuyên giáo Đảng ủy Khối`, `Nhóm biên tập`, `UBND xã`: a unit's name
/// has a word in small letters, an acronym, or one of those first words).
fn agent_kind(name: &str) -> &'static str {
    let words: Vec<&str> = name.split_whitespace().collect();
    let capitalised = |w: &&str| {
        let mut cs = w.chars();
        cs.next().is_some_and(char::is_uppercase) && cs.all(char::is_lowercase)
    };
    let person =
        (1..=5).contains(&words.len()) && words.iter().all(capitalised) && !UNIT_WORDS.contains(&words[0]);
    if person { "Person" } else { "Organization" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_unreserved_bytes_and_encodes_the_rest_in_upper_hex() {
        assert_eq!(
            percent_encode("https://x.vn/bài-viết/a_b~c.d/"),
            "https%3A%2F%2Fx.vn%2Fb%C3%A0i-vi%E1%BA%BFt%2Fa_b~c.d%2F"
        );
        for b in 0..=255u8 {
            let s = String::from_utf8_lossy(&[b]).into_owned();
            let want: String = s
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        char::from(b).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            assert_eq!(percent_encode(&s), want, "{b:#04x}");
        }
    }

    #[test]
    fn article_json_ld_is_the_json_the_map_gave() {
        // The struct must write what `serde_json::json!` (a map, keys sorted) wrote before.
        for (date, updated, title) in [
            (Some("2024-05-10T08:00:00+07:00"), None, "Khuyến học <b> & \"tài\""),
            (Some("2024-05-10T08:00:00+07:00"), Some("2024-06-01T00:00:00+07:00"), "x"),
            (None, None, "Không ngày"),
        ] {
            let org =
                Agent {
                    kind: "Organization", name: "Hội <Khuyến học>", url: Some("https://e.org/".into())
                };
            let keywords = "Thẻ & một, hai".to_string();
            let new = NewsArticle {
                context: "https://schema.org",
                kind: "NewsArticle",
                author: &org,
                date_modified: updated.or(date),
                date_published: date,
                description: "Mô tả </script>",
                headline: title,
                image: [JsonLdImage::Url("https://e.org/a.png")],
                in_language: "vi",
                keywords: keywords.clone(),
                main_entity_of_page: "https://e.org/a/",
                publisher: &org,
            };
            let org_value =
                serde_json::json!({"@type": "Organization", "name": org.name, "url": "https://e.org/"});
            let old = serde_json::json!({
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": title,
                "description": "Mô tả </script>",
                "datePublished": date,
                "dateModified": updated.or(date),
                "inLanguage": "vi",
                "mainEntityOfPage": "https://e.org/a/",
                "image": ["https://e.org/a.png"],
                "author": org_value,
                "publisher": org_value,
                "keywords": keywords,
            });
            assert_eq!(documents::script_safe(&new), documents::script_safe_json(&old));
        }
        let person = Agent { kind: "Person", name: "Nguyễn Văn An", url: None };
        assert_eq!(
            serde_json::to_string(&person).ok().as_deref(),
            Some(r#"{"@type":"Person","name":"Nguyễn Văn An"}"#)
        );
    }

    #[test]
    fn a_long_headline_is_cut_after_a_whole_syllable_with_an_ellipsis() {
        let short = "Kết luận 49-KL/TW: những điểm chính";
        assert_eq!(headline(short), short);
        let exact: String = "a".repeat(HEADLINE_MAX);
        assert_eq!(headline(&exact), exact.as_str(), "110 characters fit");
        // 124 characters, as the audit found.
        let long = "Hội Khuyến học Thị trấn Thắng (Hiệp Hòa) đón nhận Cờ Đơn vị thi đua xuất sắc do Trung ương Hội Khuyến học Việt Nam trao tặng";
        assert_eq!(long.chars().count(), 124);
        let h = headline(long);
        assert!(h.chars().count() <= HEADLINE_MAX, "{h}");
        assert_eq!(
            h,
            "Hội Khuyến học Thị trấn Thắng (Hiệp Hòa) đón nhận Cờ Đơn vị thi đua xuất sắc do Trung ương Hội Khuyến học…"
        );
        assert!(long.starts_with(h.trim_end_matches('…')));
        // The word that would straddle the limit goes whole; punctuation before the cut too.
        let comma = format!("{}, tiếp theo sau đó", "ă".repeat(105));
        assert_eq!(headline(&comma), format!("{}…", "ă".repeat(105)));
        // A space right after the limit: the last word is whole and kept.
        let at = format!("{} {}", "ơ".repeat(HEADLINE_MAX - 1), "x".repeat(20));
        assert_eq!(headline(&at), format!("{}…", "ơ".repeat(HEADLINE_MAX - 1)));
        // No space at all: cut inside the word.
        let one = "ư".repeat(200);
        assert_eq!(headline(&one), format!("{}…", "ư".repeat(HEADLINE_MAX - 1)));
        for n in [100, 109, 110, 111, 150, 400] {
            let t: String = (0..n).map(|k| if k % 7 == 6 { ' ' } else { 'ệ' }).collect();
            let h = headline(&t);
            assert!(h.chars().count() <= HEADLINE_MAX, "{n}: {h}");
            assert!(t.trim().starts_with(h.trim_end_matches('…')), "{n}: {h}");
        }
    }

    #[test]
    fn an_author_reads_as_a_person_or_as_a_unit() {
        for person in ["Nguyễn Văn An", "Thu Hà", "Lê Thị Hồng Nhung", "Văn Thành", "  Trần   An "]
        {
            assert_eq!(agent_kind(person), "Person", "{person}");
        }
        for unit in [
            "Ban Tuyên giáo Đảng ủy Khối",
            "Nhóm biên tập",
            "Hội Khuyến học tỉnh",
            "Hội Khuyến Học",
            "Báo Nhân Dân",
            "UBND xã Tân Lập",
            "Phòng Văn Hóa",
            "PV",
            "Minh Anh (tổng hợp)",
            "Một Hai Ba Bốn Năm Sáu",
            "",
        ] {
            assert_eq!(agent_kind(unit), "Organization", "{unit}");
        }
    }
}
