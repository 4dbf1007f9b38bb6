//! The template API: every value a theme can use, as typed views.
//!
//! Theme authors read `docs/huong-dan/giao-dien.md`, which has a row for every field here (a
//! test keeps them in step). Each view is built once per build from the `Site` and the
//! `Rendered` bodies and shared by every page that shows it (a page card is built once and
//! reused by all listings). Every field says where its value comes from.
//!
//! Longer than 600 lines: the whole template API is in this one file, so that it is read (and
//! documented, and tested against its guide) in one place, from the site down to the last view.

use serde::Serialize;
use serde::ser::SerializeStruct;

use crate::vi::dates::DateTime;

/// The site, available as `site` in every template.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// `title` in loa.yaml.
    pub title: String,
    /// `base_url` in loa.yaml, without trailing slash (absolute).
    pub base_url: String,
    /// URL of the home page (`/`, or the base path: `/tin-tuc/`).
    pub home_url: String,
    /// `language` in loa.yaml (`vi`).
    pub language: String,
    /// Top-level sections (folders with `_index.md` directly in `content/`), in path order.
    pub sections: Vec<LinkView>,
    /// The navigation: `menu:` of loa.yaml in its order; without one, the top-level sections,
    /// then the top-level pages (`site.sections`, then `site.pages`).
    pub menu: Vec<MenuItemView>,
    /// Audiences declared in loa.yaml, in written order.
    pub audiences: Vec<AudienceView>,
    /// Pages of kind `page` at the top level of `content/` (about, contact), by title.
    pub pages: Vec<LinkView>,
    /// The site's stylesheet and scripts live under this prefix (the base path).
    pub base_path: String,
    /// Absolute URL of the share image used by pages without one (`og-default.png` of the
    /// theme's static folder, 1200×630).
    pub default_image: String,
    /// URL of the search page (`/tim-kiem/`, after the base path); empty when the site has
    /// none (`search: false` in loa.yaml, or a theme without `search.html`), so a theme shows
    /// its search form only `{% if site.search_url %}`.
    pub search_url: Option<String>,
    /// The site's `style.css` as published (minified when it is the theme's), to inline in
    /// `<style>{{ site.style | safe }}</style>` instead of linking it: its relative `url()`s
    /// are made site URLs and `</` cannot end the element. Empty when the site has no
    /// `style.css`.
    pub style: Option<String>,
}

/// A language of the site, in `languages` (every template; empty for a site in one language).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LanguageView {
    /// Its code: `language` of loa.yaml first (`vi`), then the keys of `languages:` (`en`).
    pub lang: String,
    /// Its name in itself: `languages.<code>.name` (`English`); `Tiếng Việt` for `vi`.
    pub name: String,
    /// URL of its home page (base path and prefix included: `/en/`).
    pub url: String,
    /// Whether it is the language of the output being made (`lang`).
    pub current: bool,
}

/// A version of the output being made in one language, in `translations` (a site in several
/// languages only): one per language of the site, the default language first.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TranslationView {
    /// The language's code (`en`), as in `languages`.
    pub lang: String,
    /// The language's name in itself (`English`).
    pub name: String,
    /// URL of the version in that language (base path and prefix included); when there is
    /// none (`exists` false), the language's home page: never a missing page.
    pub url: String,
    /// `url` as an absolute URL (for `hreflang` alternates, which must be absolute).
    pub permalink: String,
    /// Whether the output has a version in that language (a translation, or the original):
    /// only those go into `<link rel="alternate" hreflang>`.
    pub exists: bool,
    /// Whether it is the output itself.
    pub current: bool,
}

/// A link: a title and a URL.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LinkView {
    /// Text of the link (a title).
    pub title: String,
    /// Site URL (base path included), e.g. `/bai-viet/x/`.
    pub url: String,
}

/// An entry of the navigation.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MenuItemView {
    /// Its text (`label:` in `menu:`, else the section's or page's title).
    pub title: String,
    /// Where it leads: a site URL with the base path (`/van-ban/`), or another site's.
    pub url: String,
    /// It leads to another site (`https://…`, `mailto:…`).
    pub external: bool,
}

/// An audience from loa.yaml.
#[derive(Debug, Clone, Serialize)]
pub struct AudienceView {
    /// Its id (`can-bo-dang-vien`).
    pub id: String,
    /// Display name (`Cán bộ, đảng viên`).
    pub name: String,
    /// Description from loa.yaml.
    pub description: String,
}

/// A date in every form a Vietnamese page needs (all in UTC+7).
#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// `2022-09-15`, for `<time datetime>`.
    pub iso: String,
    /// `2022-09-15T00:00:00+07:00`, for feeds and JSON-LD.
    pub rfc3339: String,
    /// `ngày 15/9/2022`, in running text.
    pub short: String,
    /// `Thứ Năm, 15/09/2022`, in an article header.
    pub header: String,
    /// `ngày 15 tháng 9 năm 2022`, in formal text.
    pub formal: String,
    /// `Thu, 15 Sep 2022 00:00:00 +0700`, for RSS.
    pub rfc822: String,
    /// `2022`.
    pub year: i32,
}

impl DateView {
    /// All forms of one date.
    pub fn new(d: DateTime) -> Self {
        DateView {
            iso: d.fmt_iso_date(),
            rfc3339: d.to_rfc3339(),
            short: d.fmt_short(),
            header: d.fmt_header(),
            formal: d.fmt_formal(),
            rfc822: d.to_rfc822(),
            year: d.year(),
        }
    }
}

/// A taxonomy term on a page.
#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    /// Taxonomy (`tags`).
    pub taxonomy: String,
    /// The term as written on the page (NFC), its tone marks placed in `tone_style` when
    /// loa.yaml sets one.
    pub name: String,
    /// Its slug.
    pub slug: String,
    /// URL of the term's page (`/tags/khuyen-hoc/`).
    pub url: String,
}

/// A term in a taxonomy's term list.
#[derive(Debug, Clone, Serialize)]
pub struct TermLinkView {
    /// Display name: the spelling most pages use, its tone marks placed in `tone_style` when
    /// loa.yaml sets one (`Đảng ủy` under `old`, `Đảng uỷ` under `new`).
    pub name: String,
    /// Slug.
    pub slug: String,
    /// URL of the term's page.
    pub url: String,
    /// Number of pages with the term.
    pub count: usize,
}

/// A taxonomy, as `taxonomy` in `taxonomy.html` and `term.html`.
#[derive(Debug, Clone, Serialize)]
pub struct TaxonomyView {
    /// Name as declared (`tags`).
    pub name: String,
    /// Display title (`Thẻ` for `tags`, else the name).
    pub title: String,
    /// URL of the term list (`/tags/`).
    pub url: String,
    /// Terms in Vietnamese order (only in `taxonomy.html`; empty in `term.html`).
    pub terms: Vec<TermLinkView>,
}

/// A paginated list of pages: `listing` in `term.html` and `audience.html`.
#[derive(Debug, Clone, Serialize)]
pub struct ListingView<'a> {
    /// Heading of the list.
    pub title: String,
    /// URL of the first page of the list.
    pub url: String,
    /// Absolute URL of this page of the list.
    pub permalink: String,
    /// The pages on this page of the list, newest first. (Rendering fills it in from cards
    /// serialized once per build, each with `card_html`, the theme's `card` component
    /// rendered for it once: see `render::view_with_pages`.)
    pub pages: Vec<&'a PageCard>,
    /// Page numbers and links.
    pub paginator: PaginatorView,
    /// URL of the list's Atom feed.
    pub feed_url: Option<String>,
}

/// A call to action of a campaign.
#[derive(Debug, Clone, Serialize)]
pub struct CallToActionView {
    /// Button text.
    pub label: String,
    /// Where it leads (`@/` links resolved; unsafe schemes replaced by `#`).
    pub url: String,
}

/// A campaign's message for one audience.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignAudienceView {
    /// Audience id.
    pub id: String,
    /// Audience name from loa.yaml.
    pub name: String,
    /// Headline for this audience.
    pub headline: String,
    /// Message (plain text).
    pub message: String,
    /// Call to action, if any.
    pub call_to_action: Option<CallToActionView>,
    /// URL of the campaign's page for this audience (`/chien-dich/x/gia-dinh/`).
    pub url: String,
    /// Absolute URL of this page's share card (1200 × 630 PNG of the headline and the call to
    /// action, made by loa).
    pub share_image: String,
}

/// A campaign: `page.campaign` on its landing page, `campaign` on its audience pages.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignView<'a> {
    /// Title of the campaign page.
    pub title: String,
    /// URL of the landing page.
    pub url: String,
    /// `starts` of the campaign block.
    pub starts: DateView,
    /// `ends` of the campaign block.
    pub ends: DateView,
    /// `goal` of the campaign block.
    pub goal: Option<String>,
    /// `upcoming`, `active` or `ended`, at build time (or `--at`).
    pub status: &'static str,
    /// `sắp diễn ra`, `đang diễn ra` or `đã kết thúc`.
    pub status_label: &'static str,
    /// One block per audience, in written order.
    pub audiences: Vec<CampaignAudienceView>,
    /// Pages that joined the campaign (`campaigns: [slug]`), newest first.
    pub pages: Vec<&'a PageCard>,
    /// URL of the campaign's Atom feed.
    pub feed_url: String,
}

/// An audience's page: `audience` in `audience.html`; the list in `audiences.html`.
#[derive(Debug, Clone, Serialize)]
pub struct AudiencePageView {
    /// Id from loa.yaml.
    pub id: String,
    /// Name from loa.yaml.
    pub name: String,
    /// Description from loa.yaml.
    pub description: String,
    /// URL of its page (`/doi-tuong/gia-dinh/`).
    pub url: String,
    /// URL of its Atom feed.
    pub feed_url: String,
    /// Number of pages aimed at it.
    pub count: usize,
}

/// An active campaign's message on an audience page.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignMessageView {
    /// The campaign (title, landing URL).
    pub campaign: LinkView,
    /// `đang diễn ra` (only active campaigns are shown).
    pub status_label: &'static str,
    /// The message for this audience, with the URL of the campaign's audience page.
    pub message: CampaignAudienceView,
}

/// A heading in the table of contents.
pub use crate::markdown::TocEntry;

/// What listings show of a page. Built once per page, shared by every listing.
/// Serialized field by field, by hand: its fields are also the first fields of a [`PageView`].
#[derive(Debug, Clone)]
pub struct PageCard {
    /// Title from front matter.
    pub title: String,
    /// Site URL (base path included).
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// `article`, `campaign`, `document`, `explainer` or `page`.
    pub kind: &'static str,
    /// `date` from front matter.
    pub date: Option<DateView>,
    /// `updated` from front matter.
    pub updated: Option<DateView>,
    /// Summary as HTML: the text before `<!-- more -->`, else `summary:` (escaped), else the
    /// first paragraph. Output it with `| safe`. Shared with the body it comes from.
    pub summary: std::sync::Arc<str>,
    /// Summary as plain text (for `<meta name="description">`; escaped by Tera): `summary:`
    /// when given, else the plain text of the HTML summary.
    pub description: std::sync::Arc<str>,
    /// Reading time in minutes (syllables / `reading_speed`, at least 1).
    pub reading_minutes: u32,
    /// Who wrote the page (`author:` in front matter: a person or the unit, as text); `None`
    /// when the page does not say (feeds and JSON-LD then name the site).
    pub author: Option<String>,
    /// Taxonomy terms, in written order.
    pub terms: Vec<TermView>,
    /// Audiences, in written order.
    pub audiences: Vec<AudienceView>,
    /// Share image URL (absolute), if the page has one.
    pub image: Option<String>,
    /// Alt text of the image.
    pub image_alt: Option<String>,
    /// True when `image` is the share card loa made for the page (1200 × 630 PNG of its
    /// title, section and site name): the page has no `image:` of its own.
    pub image_card: bool,
    /// True for drafts (only built with `--drafts`).
    pub draft: bool,
}

/// A page, as `page` in `article.html`, `page.html` and the other kind templates.
///
/// Serialized as one struct: the card's fields, then its own. (Not `#[serde(flatten)]`: that
/// made it a map, and Tera then made every key of every page a new string.)
#[derive(Debug)]
pub struct PageView<'a> {
    /// Everything a listing shows (title, url, dates, summary, author, terms, audiences,
    /// image); its fingerprint is the card's.
    pub card: crate::fingerprint::Derived<'a, &'a PageCard>,
    /// The body as HTML. Output it with `| safe`.
    pub content: std::sync::Arc<str>,
    /// Headings of level 2 and deeper, in order.
    pub toc: &'a [TocEntry],
    /// Syllables in the body.
    pub syllables: usize,
    /// The section it is listed in.
    pub section: LinkView,
    /// The newer page in its section, if any.
    pub newer: Option<LinkView>,
    /// The older page in its section, if any.
    pub older: Option<LinkView>,
    /// `extra:` from front matter, as written.
    pub extra: &'a serde_json::Value,
    /// Source file, relative to the site root (`content/bai-viet/x.md`).
    pub file: &'a str,
    /// Campaigns the page joined (`campaigns:`), as links to their landing pages.
    pub campaigns: Vec<LinkView>,
    /// For a campaign page: the campaign (dates, status, audience blocks, its pages).
    pub campaign: Option<CampaignView<'a>>,
    /// For a document page: metadata, clauses with their backlinks, related documents.
    pub document: Option<DocumentView<'a>>,
    /// For an explainer: the explained document and the quoted clauses.
    pub explainer: Option<ExplainerView>,
    /// Questions and answers (`faq:`), answers as HTML (`| safe`).
    pub faq: Vec<FaqView<'a>>,
    /// schema.org FAQPage JSON-LD for the FAQ, safe to put in a `<script>` (`| safe`).
    pub faq_jsonld: Option<String>,
    /// Glossary entries of this page (`glossary:`).
    pub glossary: &'a [crate::content::GlossaryItem],
    /// schema.org JSON-LD for the page (`NewsArticle` for articles), safe in a `<script>`:
    /// made from the card alone, and only when the page is rendered.
    pub jsonld: crate::fingerprint::Derived<'a, Option<String>>,
    /// Share links that need no third-party script.
    pub share: ShareView,
    /// The page's script for the loudspeakers (articles, unless `bulletin: false`; a
    /// campaign's are per audience, on its audience pages), issue 26.
    pub bulletin: Option<BulletinLinkView>,
}

/// A week of scripts for the loudspeakers (`weeks` in `bulletins.html`, `week` in
/// `bulletin_week.html`). Borrows the scripts' texts: a week's programme shows every word of its
/// scripts, and copying them for each view was most of what `loa serve` spent to find which
/// outputs an edit changed.
#[derive(Debug, Clone, Serialize)]
pub struct BulletinWeekView<'a> {
    /// ISO year of the week.
    pub year: i64,
    /// ISO week number (1–53).
    pub week: u32,
    /// `Tuần 37 năm 2022`.
    pub label: String,
    /// Its Monday, `12/9/2022`.
    pub from: String,
    /// Its Sunday, `18/9/2022`.
    pub to: String,
    /// URL of its programme (`/truyen-thanh/2022-tuan-37/`).
    pub url: String,
    /// The total airtime (`12 phút 5 giây`).
    pub total: String,
    /// The total airtime in seconds.
    pub total_seconds: u64,
    /// Its scripts, oldest first.
    pub scripts: Vec<BulletinScriptView<'a>>,
}

/// One script in a week.
#[derive(Debug, Clone, Serialize)]
pub struct BulletinScriptView<'a> {
    /// The title as written (a campaign audience page's: the campaign's and the headline).
    pub title: &'a str,
    /// URL of the page it reads.
    pub url: String,
    /// URL of the plain-text script.
    pub text_url: String,
    /// URL of the SSML script.
    pub ssml_url: String,
    /// The date it is filed under (`ngày 15/9/2022`): the article's, the campaign's first day.
    pub date: String,
    /// Its airtime (`2 phút 35 giây`).
    pub airtime: String,
    /// Its airtime in seconds.
    pub seconds: u64,
    /// When it starts in the week's programme, from the programme's start (`02:35`).
    pub starts: String,
    /// The title as read (on the programme page only; empty in the list).
    pub spoken_title: &'a str,
    /// The script's paragraphs as read (on the programme page only; empty in the list). A
    /// fingerprint takes the script's kept print of them (`Script::parts_print`), not every word.
    pub parts: crate::fingerprint::Printed<Vec<BulletinPartView<'a>>>,
}

/// A paragraph of a script as read.
#[derive(Debug, Clone, Serialize)]
pub struct BulletinPartView<'a> {
    /// True for a heading read as a transition (`Tiếp theo: …`).
    pub transition: bool,
    /// The sentences, spelled out.
    pub text: &'a str,
}

/// Where a page's script for the loudspeakers is, and how long it takes to read.
#[derive(Debug, Clone, Serialize)]
pub struct BulletinLinkView {
    /// URL of the plain-text script (`…/ban-tin.txt`).
    pub text: String,
    /// URL of the SSML script (`…/ban-tin.ssml`).
    pub ssml: String,
    /// The airtime (`2 phút 35 giây`).
    pub airtime: String,
    /// The airtime in seconds.
    pub seconds: u64,
}

impl PageCard {
    /// Number of fields [`PageCard::fields`] writes.
    const FIELDS: usize = 16;

    /// Writes the card's fields into `st`. (Destructured, so a new field does not compile
    /// until it is written here.)
    fn fields<M: SerializeStruct>(&self, st: &mut M) -> Result<(), M::Error> {
        let PageCard {
            title,
            url,
            permalink,
            kind,
            date,
            updated,
            summary,
            description,
            reading_minutes,
            author,
            terms,
            audiences,
            image,
            image_alt,
            image_card,
            draft,
        } = self;
        st.serialize_field("title", title)?;
        st.serialize_field("url", url)?;
        st.serialize_field("permalink", permalink)?;
        st.serialize_field("kind", kind)?;
        st.serialize_field("date", date)?;
        st.serialize_field("updated", updated)?;
        st.serialize_field("summary", summary)?;
        st.serialize_field("description", description)?;
        st.serialize_field("reading_minutes", reading_minutes)?;
        st.serialize_field("author", author)?;
        st.serialize_field("terms", terms)?;
        st.serialize_field("audiences", audiences)?;
        st.serialize_field("image", image)?;
        st.serialize_field("image_alt", image_alt)?;
        st.serialize_field("image_card", image_card)?;
        st.serialize_field("draft", draft)
    }
}

impl Serialize for PageCard {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("PageCard", Self::FIELDS)?;
        self.fields(&mut st)?;
        st.end()
    }
}

impl Serialize for PageView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Destructured, so a new field does not compile until it is written here.
        let PageView {
            card,
            content,
            toc,
            syllables,
            section,
            newer,
            older,
            extra,
            file,
            campaigns,
            campaign,
            document,
            explainer,
            faq,
            faq_jsonld,
            glossary,
            jsonld,
            share,
            bulletin,
        } = self;
        // A fingerprint (not human-readable) takes the card's key: the card stands for it.
        let fingerprint = !s.is_human_readable();
        let mut st = s.serialize_struct("PageView", PageCard::FIELDS + 18)?;
        if fingerprint {
            st.serialize_field("card", card)?;
        } else {
            card.value().fields(&mut st)?;
        }
        st.serialize_field("content", content)?;
        st.serialize_field("toc", toc)?;
        st.serialize_field("syllables", syllables)?;
        st.serialize_field("section", section)?;
        st.serialize_field("newer", newer)?;
        st.serialize_field("older", older)?;
        st.serialize_field("extra", extra)?;
        st.serialize_field("file", file)?;
        st.serialize_field("campaigns", campaigns)?;
        st.serialize_field("campaign", campaign)?;
        st.serialize_field("document", document)?;
        st.serialize_field("explainer", explainer)?;
        st.serialize_field("faq", faq)?;
        st.serialize_field("faq_jsonld", faq_jsonld)?;
        st.serialize_field("glossary", glossary)?;
        st.serialize_field("jsonld", jsonld)?;
        st.serialize_field("share", share)?;
        st.serialize_field("bulletin", bulletin)?;
        st.end()
    }
}

/// Share links for a page.
#[derive(Debug, Clone, Serialize)]
pub struct ShareView {
    /// Facebook's share dialog for the page's permalink.
    pub facebook: String,
    /// The page's permalink, for the share button (`navigator.share`: Zalo and others on
    /// phones) and for copying.
    pub url: String,
}

/// A question and its answer.
#[derive(Debug, Clone, Serialize)]
pub struct FaqView<'a> {
    /// The question (plain text).
    pub q: &'a str,
    /// The answer as HTML (`| safe`).
    pub a: &'a str,
}

/// A document as others refer to it.
#[derive(Debug, Clone, Serialize)]
pub struct DocRefView {
    /// Its code (`11-CT/TW`).
    pub code: String,
    /// How the two relate (`tiếp tục thực hiện`), in a related list.
    pub relation: Option<String>,
    /// Title of its page, when it has one.
    pub title: Option<String>,
    /// URL of its page, when it has one.
    pub url: Option<String>,
}

/// A clause of a document, with the pages that cite it.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseView<'a> {
    /// The heading id (`diem-1`).
    pub id: String,
    /// The heading text.
    pub title: String,
    /// Absolute-path URL of the clause (`/van-ban/49-kl-tw/#diem-1`).
    pub url: String,
    /// Pages that cite or explain this clause, newest first.
    pub backlinks: Vec<&'a PageCard>,
}

/// `page.document` on a document page.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView<'a> {
    /// Code (`49-KL/TW`).
    pub code: String,
    /// Official title.
    pub title: Option<String>,
    /// Date of issue.
    pub issued: Option<DateView>,
    /// Issuing body.
    pub issuer: Option<String>,
    /// Signer.
    pub signer: Option<String>,
    /// Other names.
    pub aliases: Vec<String>,
    /// Where to read the original.
    pub source_url: Option<String>,
    /// Legal status.
    pub status: Option<String>,
    /// Documents this one relates to (`related:`), linked when they have a page.
    pub related: Vec<DocRefView>,
    /// Documents that say they relate to this one (the relation graph the other way).
    pub related_by: Vec<DocRefView>,
    /// Clauses in order, each with its backlinks.
    pub clauses: Vec<ClauseView<'a>>,
    /// Every page that cites this document (any clause), newest first.
    pub backlinks: Vec<&'a PageCard>,
}

/// A clause quoted on an explainer.
#[derive(Debug, Clone, Serialize)]
pub struct QuotedClause {
    /// Clause id.
    pub id: String,
    /// Clause heading.
    pub title: String,
    /// Link to the clause on the document page.
    pub url: String,
    /// The clause's content, as HTML, pulled from the document page (`| safe`).
    pub html: String,
}

/// `page.explainer` on an explainer.
#[derive(Debug, Clone, Serialize)]
pub struct ExplainerView {
    /// The explained document.
    pub document: DocRefView,
    /// The explained clauses, quoted.
    pub clauses: Vec<QuotedClause>,
}

/// One entry of the site glossary (`glossary` in `glossary.html`).
#[derive(Debug, Clone, Serialize)]
pub struct GlossaryEntryView {
    /// The term.
    pub term: String,
    /// Its definition.
    pub definition: String,
    /// The page that defines it.
    pub source: LinkView,
    /// Anchor id of the entry (`cong-dan-hoc-tap`).
    pub id: String,
}

/// One listing page of a section, as `section` in `section.html` and `index.html`.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView<'a> {
    /// Title from `_index.md`.
    pub title: &'a str,
    /// Site URL of the section's first listing page.
    pub url: String,
    /// Absolute URL of this listing page.
    pub permalink: String,
    /// Kind of its pages.
    pub kind: &'static str,
    /// Intro text of `_index.md` as HTML (`| safe`).
    pub content: &'a str,
    /// Summary from `_index.md`, plain.
    pub description: String,
    /// The pages on this listing page, newest first. (Rendering fills it in from cards
    /// serialized once per build, each with `card_html`, the theme's `card` component
    /// rendered for it once: see `render::view_with_pages`.)
    pub pages: Vec<&'a PageCard>,
    /// Sections inside this one.
    pub subsections: Vec<LinkView>,
    /// Page numbers and links.
    pub paginator: PaginatorView,
    /// `extra:` from `_index.md`.
    pub extra: &'a serde_json::Value,
    /// URL of the section's Atom feed (the site feed for the home page).
    pub feed_url: String,
    /// Absolute URL of the section's share card (a 1200 × 630 PNG of its title and the site's
    /// name, made by loa when a template shows share images), the same on every listing page
    /// of it; empty for the home page, which keeps the site's default image.
    pub share_image: String,
}

/// Pagination of a listing.
#[derive(Debug, Clone, Serialize)]
pub struct PaginatorView {
    /// This page's number, from 1.
    pub current: usize,
    /// Number of listing pages (at least 1).
    pub total: usize,
    /// Number of pages listed across all listing pages.
    pub total_items: usize,
    /// URL of the previous listing page.
    pub previous: Option<String>,
    /// URL of the next listing page.
    pub next: Option<String>,
    /// The numbered links to show, in order: the first and the last page and up to
    /// [`PAGER_WINDOW`] on each side of this one (where two numbers are not consecutive,
    /// pages were left out: a template shows "…"). Listing every page would make each of a
    /// long list's pages carry all the others (a term with 3,000 articles has 300).
    pub pages: Vec<PagerLink>,
}

/// Pages listed on each side of the current one in [`PaginatorView::pages`].
pub const PAGER_WINDOW: usize = 2;

/// A numbered link of the paginator.
#[derive(Debug, Clone, Serialize)]
pub struct PagerLink {
    /// Page number, from 1.
    pub number: usize,
    /// Its URL.
    pub url: String,
    /// True for the page being rendered.
    pub current: bool,
}

/// The search page's choices: `search` in `search.html`. Audiences are in `site.audiences`.
#[derive(Debug, Clone, Serialize)]
pub struct SearchView<'a> {
    /// URL of the index folder (for `data-index` on the search script).
    pub index_url: String,
    /// Section titles (filter values), in Vietnamese order.
    pub sections: Vec<&'a str>,
    /// Tag names (filter values), in Vietnamese order.
    pub tags: Vec<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::{self, Derived};

    fn card(title: &str) -> PageCard {
        PageCard {
            title: title.to_string(),
            url: "/bai-viet/x/".into(),
            permalink: "https://example.org/bai-viet/x/".into(),
            kind: "article",
            date: None,
            updated: None,
            summary: "<p>Tóm tắt</p>".into(),
            description: "Tóm tắt".into(),
            reading_minutes: 3,
            author: Some("Nguyễn Văn An".into()),
            terms: Vec::new(),
            audiences: Vec::new(),
            image: None,
            image_alt: Some("Ảnh".into()),
            image_card: false,
            draft: false,
        }
    }

    fn view<'a>(c: &'a PageCard, key: u64, extra: &'a serde_json::Value) -> PageView<'a> {
        PageView {
            card: Derived::new(key, move || c),
            content: "<p>Nội dung</p>".into(),
            toc: &[],
            syllables: 2,
            section: LinkView { title: "Bài viết".into(), url: "/bai-viet/".into() },
            newer: None,
            older: None,
            extra,
            file: "content/bai-viet/x.md",
            campaigns: Vec::new(),
            campaign: None,
            document: None,
            explainer: None,
            faq: Vec::new(),
            faq_jsonld: None,
            glossary: &[],
            jsonld: Derived::new(key, || None),
            share: ShareView { facebook: String::new(), url: String::new() },
            bulletin: None,
        }
    }

    #[test]
    fn a_page_value_has_the_card_fields_beside_its_own() {
        let c = card("Khuyến học");
        let extra = serde_json::Value::Null;
        let page = serde_json::to_value(view(&c, 1, &extra)).expect("serializes");
        let card_value = serde_json::to_value(&c).expect("serializes");
        let (page, card_value) = (page.as_object().expect("a map"), card_value.as_object().expect("a map"));
        assert_eq!(card_value.len(), PageCard::FIELDS);
        for (k, v) in card_value {
            assert_eq!(page.get(k), Some(v), "card field {k}");
        }
        assert_eq!(page["content"], "<p>Nội dung</p>");
        assert_eq!(page["image_alt"], "Ảnh");
        assert_eq!(page["author"], "Nguyễn Văn An");
        assert!(!page.contains_key("card"));
        assert_eq!(page.len(), PageCard::FIELDS + 18);
        // A fingerprint stands for the card by its key, and never makes it.
        assert_ne!(fingerprint::of(&view(&c, 1, &extra)), fingerprint::of(&view(&c, 2, &extra)));
    }
}
