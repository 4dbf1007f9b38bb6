//! The content model: what the stages pass to each other.
//!
//! `Source` (load) → `Parsed` (parse) → `Document`/`Section` in a `Site` (assemble). One
//! `Document` type with a `Kind`; kind-specific behaviour lives in `kind.rs`. This module holds
//! data and pure helpers only: no file system, no Tera, no pulldown-cmark.

pub mod approval;
pub mod kind;
pub mod translation;
mod values;

use serde::Deserialize;

pub use kind::{Campaign, CampaignStatus, Explains, Kind, KindMeta, PolicyDocument, Relation};

use crate::diagnostics::Location;
use crate::vi::dates::DateTime;
pub use values::{Date, OrderedMap, Text};

/// A page of the site: its index in `Site::pages` (and in every list indexed like it: the
/// rendered bodies, the cards).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize,
)]
pub struct DocId(pub usize);

/// A section of the site: its index in `Site::sections` (0 is the home page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize)]
pub struct SectionId(pub usize);

impl DocId {
    /// Every page of a site of `n` pages, in order.
    pub fn all(n: usize) -> impl DoubleEndedIterator<Item = DocId> + ExactSizeIterator {
        (0..n).map(DocId)
    }
}

impl<T> std::ops::Index<DocId> for Vec<T> {
    type Output = T;
    fn index(&self, id: DocId) -> &T {
        &self[id.0]
    }
}

impl<T> std::ops::IndexMut<DocId> for Vec<T> {
    fn index_mut(&mut self, id: DocId) -> &mut T {
        &mut self[id.0]
    }
}

impl<T> std::ops::Index<DocId> for [T] {
    type Output = T;
    fn index(&self, id: DocId) -> &T {
        &self[id.0]
    }
}

impl<T> std::ops::Index<SectionId> for Vec<T> {
    type Output = T;
    fn index(&self, id: SectionId) -> &T {
        &self[id.0]
    }
}

impl<T> std::ops::IndexMut<SectionId> for Vec<T> {
    fn index_mut(&mut self, id: SectionId) -> &mut T {
        &mut self[id.0]
    }
}

impl<T> std::ops::Index<SectionId> for [T] {
    type Output = T;
    fn index(&self, id: SectionId) -> &T {
        &self[id.0]
    }
}

/// The end of a shared text, from a byte offset: a page's body shares its file's text instead
/// of copying it (on a large site that copy was a tenth of the memory the build touched).
#[derive(Clone, Default)]
pub struct TextTail {
    text: std::sync::Arc<str>,
    start: usize,
}

impl TextTail {
    /// `text[start..]`; `None` when `start` is not a character boundary of `text`.
    pub fn suffix(text: std::sync::Arc<str>, start: usize) -> Option<TextTail> {
        text.is_char_boundary(start).then_some(TextTail { text, start })
    }

    /// The whole text this is the end of (a page's file, front matter included).
    pub fn whole(&self) -> &str {
        &self.text
    }
}

impl std::ops::Deref for TextTail {
    type Target = str;
    fn deref(&self) -> &str {
        // `start` is a character boundary of `text` (checked when made).
        self.text.get(self.start..).unwrap_or_default()
    }
}

impl From<&str> for TextTail {
    fn from(s: &str) -> TextTail {
        TextTail { text: s.into(), start: 0 }
    }
}

impl std::fmt::Debug for TextTail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl PartialEq for TextTail {
    fn eq(&self, other: &TextTail) -> bool {
        **self == **other
    }
}

impl Eq for TextTail {}

impl std::hash::Hash for TextTail {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

/// A file read from `content/`, decoded and NFC-normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Path relative to the site root, `/`-separated (`content/bai-viet/x.md`).
    pub file: String,
    /// Path relative to `content/` (`bai-viet/x.md`), NFC.
    pub rel: String,
    /// The decoded text (UTF-8, LF line ends, NFC).
    pub text: std::sync::Arc<str>,
}

/// Front matter of a page (`name.md` or `name/index.md`), as written. Strict.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageMatter {
    /// Title (required).
    pub title: Option<Text>,
    /// Publication date.
    pub date: Option<Date>,
    /// Date of the last substantial update.
    pub updated: Option<Date>,
    /// Plain-text summary for listings, feeds and share previews.
    pub summary: Option<Text>,
    /// Who wrote the page: a person or the unit (text).
    pub author: Option<Text>,
    /// Terms of the `tags` taxonomy.
    #[serde(default)]
    pub tags: Vec<Text>,
    /// Terms of other declared taxonomies (`{chu-de: [..]}`).
    #[serde(default)]
    pub taxonomies: std::collections::BTreeMap<String, Vec<Text>>,
    /// Audience ids declared in loa.yaml.
    #[serde(default)]
    pub audiences: Vec<String>,
    /// Slugs of the campaigns this page belongs to.
    #[serde(default)]
    pub campaigns: Vec<String>,
    /// Left out of the build unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Not built before this moment (UTC+7 when no offset).
    pub publish_at: Option<Date>,
    /// Not built from this moment on.
    pub expire_at: Option<Date>,
    /// The campaign block (pages of kind `campaign` only).
    pub campaign: Option<kind::CampaignMatter>,
    /// The document block (pages of kind `document` only).
    pub document: Option<kind::DocumentMatter>,
    /// What an explainer explains (pages of kind `explainer` only).
    pub explains: Option<kind::Explains>,
    /// Questions and answers (answers in Markdown).
    #[serde(default)]
    pub faq: Vec<FaqItem>,
    /// Terms this page defines, merged into the site glossary.
    #[serde(default)]
    pub glossary: Vec<GlossaryItem>,
    /// Overrides the slug taken from the file name.
    pub slug: Option<Text>,
    /// Old URLs that redirect here.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Share image (path in the bundle or the site, or an absolute URL).
    pub image: Option<String>,
    /// Alt text of the image.
    pub image_alt: Option<String>,
    /// Template to render this page with, instead of the kind's.
    pub template: Option<String>,
    /// Anything free-form, passed to templates as is.
    #[serde(default)]
    pub extra: serde_json::Value,
    /// `bulletin: false`: no script for the loudspeakers (issue 26); `true` overrides a
    /// section's `false`.
    pub bulletin: Option<bool>,
    /// Who approved the page, when, and the digest of what they approved (`loa approve`
    /// writes it; `editorial.approval: required` publishes only approved pages).
    pub approval: Option<approval::ApprovalMatter>,
}

/// A question and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaqItem {
    /// The question (plain text).
    pub q: String,
    /// The answer (Markdown).
    pub a: String,
}

/// A glossary entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryItem {
    /// The term.
    pub term: String,
    /// Its definition (plain text).
    pub definition: String,
}

/// Front matter of a section (`_index.md`), as written. Strict.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionMatter {
    /// Title of the section.
    pub title: Option<Text>,
    /// Kind of the pages in it.
    pub kind: Option<Kind>,
    /// Pages per listing page (default 10).
    pub paginate_by: Option<usize>,
    /// Plain-text summary.
    pub summary: Option<Text>,
    /// Template for the listing, instead of `section.html`.
    pub template: Option<String>,
    /// Leaves the whole section (and its pages) out unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Anything free-form.
    #[serde(default)]
    pub extra: serde_json::Value,
    /// `bulletin: false`: no scripts for the loudspeakers for the pages of the section and
    /// its subsections (issue 26).
    pub bulletin: Option<bool>,
    /// Who approved the section's own text (title, summary, intro), as for a page (issue 27).
    pub approval: Option<approval::ApprovalMatter>,
}

/// Either kind of front matter.
#[derive(Debug, Clone, PartialEq)]
pub enum Matter {
    /// A page.
    Page(Box<PageMatter>),
    /// A section or the home page.
    Section(SectionMatter),
}

/// Where the keys of a file's front matter are, for diagnostics in later stages: each key
/// (as a dotted path, `campaign.audiences.gia-dinh`, in the order written) with its
/// file-absolute line, and the front matter's text, so that a diagnostic can point at a value
/// on that line or below it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyLines {
    /// Dotted key path → 1-based file line, in the order written (a key of list items appears
    /// once per item).
    pub keys: Vec<(String, usize)>,
    /// The front matter's text (a copy: the file's text is freed once its body is rendered),
    /// and the file line of its first line.
    text: Option<(Box<str>, usize)>,
}

impl KeyLines {
    /// The keys of a front matter whose first line is file line `first_line` + 1.
    pub fn new(keys: Vec<(String, usize)>, yaml: &str, first_line: usize) -> KeyLines {
        KeyLines { keys, text: Some((yaml.into(), first_line + 1)) }
    }

    /// The location of a key (a dotted path such as `explains.clauses`) in `file`; when the
    /// key itself is not on a line of its own (flow style `{a: b}`), its nearest parent that
    /// is; else the file itself.
    pub fn locate(&self, file: &str, key: &str) -> Location {
        self.locate_nth(file, key, 0)
    }

    /// [`KeyLines::locate`] of the `n`-th occurrence of `key` (0-based: the key of the `n`-th
    /// list item), or of its nearest parent.
    pub fn locate_nth(&self, file: &str, key: &str, n: usize) -> Location {
        let mut path = key;
        loop {
            let mut found = self.keys.iter().filter(|(k, _)| k == path);
            if let Some((_, l)) = found.nth(n).or_else(|| self.keys.iter().find(|(k, _)| k == path)) {
                return Location::at(file, *l, 1);
            }
            match path.rsplit_once('.') {
                Some((parent, _)) => path = parent,
                None => return Location::file(file),
            }
        }
    }

    /// Where `value` is written, at or below the line of `key` (its `n`-th occurrence): the
    /// line and column of an id in a list (`audiences: [a, b]`), of a URL in a flow mapping
    /// (`call_to_action: {label: …, url: …}`). Else where the key is.
    pub fn locate_value(&self, file: &str, key: &str, n: usize, value: &str) -> Location {
        let at = self.locate_nth(file, key, n);
        let Some((text, first)) = &self.text else { return at };
        if value.is_empty() || at.line < *first {
            return at;
        }
        for (i, line) in text.lines().enumerate().skip(at.line - first).take(50) {
            if let Some(col) = find_word(line, value) {
                return Location::at(file, first + i, line[..col].chars().count() + 1);
            }
        }
        at
    }

    /// Where the text of the `n`-th `key` starts, to place what is found inside it: (file
    /// line of its first line, column of its first character, the column of the lines after
    /// it). A block scalar (`a: |`) starts on the next line, at its indentation.
    pub fn value_origin(&self, key: &str, n: usize) -> Option<(usize, usize, usize)> {
        let (yaml, first) = self.text.as_ref()?;
        let line = self.keys.iter().filter(|(k, _)| k == key).nth(n).map(|(_, l)| *l)?;
        let text = yaml.lines().nth(line.checked_sub(*first)?)?;
        let last = key.rsplit('.').next().unwrap_or(key);
        let after = text.find(&format!("{last}:")).map(|i| i + last.len() + 1)?;
        let rest = &text[after..];
        let start = after + (rest.len() - rest.trim_start().len());
        let value = &text[start..];
        if value.starts_with('|') || value.starts_with('>') {
            let next = yaml.lines().nth(line + 1 - first)?;
            let indent = next.len() - next.trim_start().len();
            Some((line + 1, indent + 1, indent + 1))
        } else {
            let quote = usize::from(value.starts_with(['"', '\'']));
            let col = text[..start + quote].chars().count() + 1;
            Some((line, col, 1))
        }
    }
}

/// The byte position of `word` in `line` as a whole word (not inside a longer id).
fn find_word(line: &str, word: &str) -> Option<usize> {
    let is_id = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    line.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = line[..i].chars().next_back();
        let after = line[i + word.len()..].chars().next();
        !before.is_some_and(is_id) && !after.is_some_and(is_id)
    })
}

/// A parsed source file.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// Path relative to the site root.
    pub file: String,
    /// The front matter.
    pub matter: Matter,
    /// Lines of the top-level keys.
    pub key_lines: KeyLines,
    /// The Markdown body: the end of the file's text, not a copy of it.
    pub body: TextTail,
    /// File line of the first body line.
    pub body_line: usize,
}

/// A term of a taxonomy as written on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermRef {
    /// Taxonomy name (`tags`).
    pub taxonomy: String,
    /// The term as the author wrote it (NFC), its tone marks placed in the site's `tone_style`
    /// when loa.yaml sets one (`Đảng uỷ` is `Đảng ủy` under `old`).
    pub name: String,
}

/// A page of the site, assembled: route and metadata decided, body not yet rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Source path relative to the site root.
    pub file: String,
    /// What kind of content this is (from its section).
    pub kind: Kind,
    /// The section it is listed in.
    pub section: SectionId,
    /// URL slug (last path segment).
    pub slug: String,
    /// Site-relative URL path, `/bai-viet/x/` (without the base path).
    pub path: String,
    /// Title from front matter.
    pub title: String,
    /// Publication date.
    pub date: Option<DateTime>,
    /// Last update.
    pub updated: Option<DateTime>,
    /// Summary from front matter.
    pub summary: Option<String>,
    /// `author:` from front matter, trimmed; `None` when absent or empty.
    pub author: Option<String>,
    /// Taxonomy terms, in written order.
    pub terms: Vec<TermRef>,
    /// Audience ids.
    pub audiences: Vec<String>,
    /// Slugs of the campaigns it belongs to.
    pub campaigns: Vec<String>,
    /// Start of its publication window.
    pub publish_at: Option<DateTime>,
    /// End of its publication window.
    pub expire_at: Option<DateTime>,
    /// What its kind adds (the campaign block of a campaign…).
    pub meta: kind::KindMeta,
    /// Questions and answers.
    pub faq: Vec<FaqItem>,
    /// Glossary entries.
    pub glossary: Vec<GlossaryItem>,
    /// True when `draft: true` (only present with `--drafts`).
    pub draft: bool,
    /// Old URL paths redirecting here.
    pub aliases: Vec<String>,
    /// Share image.
    pub image: Option<String>,
    /// Its alt text.
    pub image_alt: Option<String>,
    /// Template override.
    pub template: Option<String>,
    /// Free-form data.
    pub extra: serde_json::Value,
    /// `bulletin:` of its front matter (`None`: as its section says).
    pub bulletin: Option<bool>,
    /// Markdown body.
    pub body: TextTail,
    /// File line of the first body line.
    pub body_line: usize,
    /// For a bundle (`x/index.md`), its folder relative to the site root.
    pub bundle_dir: Option<String>,
    /// Lines of the front matter keys.
    pub key_lines: KeyLines,
}

/// A section (a folder with `_index.md`) or the home page (section 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Source path of its `_index.md`; `None` for a home page the site does not define.
    pub file: Option<String>,
    /// Folder relative to `content/` (`""` for home, `bai-viet`).
    pub dir: String,
    /// Site-relative URL path (`/`, `/bai-viet/`).
    pub path: String,
    /// Title.
    pub title: String,
    /// Kind of its pages.
    pub kind: Kind,
    /// Pages per listing page.
    pub paginate_by: usize,
    /// Summary.
    pub summary: Option<String>,
    /// Template override.
    pub template: Option<String>,
    /// Free-form data.
    pub extra: serde_json::Value,
    /// `bulletin:` of its `_index.md` (`None`: as its parent says).
    pub bulletin: Option<bool>,
    /// Intro text (Markdown).
    pub body: TextTail,
    /// File line of the first body line.
    pub body_line: usize,
    /// Its pages, newest first (then by title in Vietnamese order).
    pub pages: Vec<DocId>,
    /// Sections directly inside it.
    pub subsections: Vec<SectionId>,
    /// The section it sits in (`None` for home).
    pub parent: Option<SectionId>,
}

/// A term of a taxonomy with the pages that carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Display name: the spelling most pages use (ties: the first in Vietnamese order), in the
    /// site's `tone_style` when loa.yaml sets one.
    pub name: String,
    /// URL slug.
    pub slug: String,
    /// Pages with the term, newest first.
    pub pages: Vec<DocId>,
}

/// A declared taxonomy with its terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxonomy {
    /// Name as declared (`tags`); also its URL folder.
    pub name: String,
    /// Terms in Vietnamese collation order.
    pub terms: Vec<Term>,
}

/// The whole site, assembled.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// All pages that are built (drafts only with `--drafts`), in source path order.
    pub pages: Vec<Document>,
    /// Home first, then sections in source path order.
    pub sections: Vec<Section>,
    /// Declared taxonomies, in loa.yaml order.
    pub taxonomies: Vec<Taxonomy>,
    /// The moment the build is for (now, or `--at`): schedules and campaign status use it.
    pub now: DateTime,
    /// The next moment after `now` when the built site would change (a page's window opens or
    /// closes, a campaign starts or ends), for CI schedules.
    pub next_change: Option<DateTime>,
}

impl Site {
    /// Pages ordered newest first (undated last), ties by title in Vietnamese order.
    pub fn sort_newest_first(&self, ids: &mut [DocId]) {
        ids.sort_by(|&a, &b| {
            let (pa, pb) = (&self.pages[a], &self.pages[b]);
            pb.date
                .cmp(&pa.date)
                .then_with(|| crate::vi::collate(&pa.title, &pb.title))
                .then_with(|| pa.file.cmp(&pb.file))
        });
    }
}

/// Output file of a URL path: `/a/b/` → `a/b/index.html`.
pub fn output_file(path: &str) -> String {
    format!("{}index.html", path.trim_start_matches('/'))
}

/// URL path of an output file, the inverse of [`output_file`]: `a/b/index.html` → `/a/b/`,
/// `index.html` → `/`; a file of another name keeps it (`404.html` → `/404.html`).
pub fn output_path(file: &str) -> String {
    let file = file.trim_start_matches('/');
    let folder = file.strip_suffix("index.html").filter(|f| f.is_empty() || f.ends_with('/'));
    format!("/{}", folder.unwrap_or(file))
}
