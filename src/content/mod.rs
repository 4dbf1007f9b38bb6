//! The content model: what the stages pass to each other.
//!
//! `Source` (load) → `Parsed` (parse) → `Document`/`Section` in a `Site` (assemble). One
//! `Document` type with a `Kind`; kind-specific behaviour lives in `kind.rs`. This module holds
//! data and pure helpers only: no file system, no Tera, no pulldown-cmark.

pub mod kind;

use serde::Deserialize;

pub use kind::Kind;

use crate::diagnostics::Location;
use crate::parse::{Date, Text};
use crate::vi::dates::DateTime;

/// Index of a page in `Site::pages`.
pub type DocId = usize;
/// Index of a section in `Site::sections` (0 is the home page).
pub type SectionId = usize;

/// A file read from `content/`, decoded and NFC-normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Path relative to the site root, `/`-separated (`content/bai-viet/x.md`).
    pub file: String,
    /// Path relative to `content/` (`bai-viet/x.md`), NFC.
    pub rel: String,
    /// The decoded text (UTF-8, LF line ends, NFC).
    pub text: String,
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
    /// Terms of the `tags` taxonomy.
    #[serde(default)]
    pub tags: Vec<Text>,
    /// Terms of other declared taxonomies (`{chu-de: [..]}`).
    #[serde(default)]
    pub taxonomies: std::collections::BTreeMap<String, Vec<Text>>,
    /// Audience ids declared in loa.yaml.
    #[serde(default)]
    pub audiences: Vec<String>,
    /// Left out of the build unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
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
}

/// Either kind of front matter.
#[derive(Debug, Clone, PartialEq)]
pub enum Matter {
    /// A page.
    Page(Box<PageMatter>),
    /// A section or the home page.
    Section(SectionMatter),
}

/// File lines of the top-level front matter keys, for diagnostics in later stages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyLines(pub Vec<(String, usize)>);

impl KeyLines {
    /// The location of a key in `file`, or the file itself when the key is absent.
    pub fn locate(&self, file: &str, key: &str) -> Location {
        match self.0.iter().find(|(k, _)| k == key) {
            Some((_, l)) => Location::at(file, *l, 1),
            None => Location::file(file),
        }
    }
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
    /// The Markdown body.
    pub body: String,
    /// File line of the first body line.
    pub body_line: usize,
}

/// A term of a taxonomy as written on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermRef {
    /// Taxonomy name (`tags`).
    pub taxonomy: String,
    /// The term as the author wrote it (NFC).
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
    /// Taxonomy terms, in written order.
    pub terms: Vec<TermRef>,
    /// Audience ids.
    pub audiences: Vec<String>,
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
    /// Markdown body.
    pub body: String,
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
    /// Intro text (Markdown).
    pub body: String,
    /// File line of the first body line.
    pub body_line: usize,
    /// Its pages, newest first (then by title in Vietnamese order).
    pub pages: Vec<DocId>,
    /// Sections directly inside it.
    pub subsections: Vec<SectionId>,
    /// The section it sits in (`None` for home).
    pub parent: Option<SectionId>,
}

/// The whole site, assembled.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// All pages that are built (drafts only with `--drafts`), in source path order.
    pub pages: Vec<Document>,
    /// Home first, then sections in source path order.
    pub sections: Vec<Section>,
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
