//! The kinds of content, and the one place that decides what each kind means.

use serde::Deserialize;

/// What a page is. A section's `kind` applies to every page in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// News and features: dated, listed, in feeds.
    Article,
    /// An outreach campaign aimed at audiences.
    Campaign,
    /// A policy document, clause by clause.
    Document,
    /// A plain-language explainer of a document.
    Explainer,
    /// Anything else (about, contact): not dated, not listed.
    Page,
}

impl Kind {
    /// The template a page of this kind is rendered with, unless its front matter names one.
    pub fn template(self) -> &'static str {
        match self {
            Kind::Article => "article.html",
            Kind::Campaign => "campaign.html",
            Kind::Document => "document.html",
            Kind::Explainer => "explainer.html",
            Kind::Page => "page.html",
        }
    }

    /// The name used in front matter and templates.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Article => "article",
            Kind::Campaign => "campaign",
            Kind::Document => "document",
            Kind::Explainer => "explainer",
            Kind::Page => "page",
        }
    }

    /// Whether a page of this kind needs a `date` (listed newest first, in feeds).
    pub fn needs_date(self) -> bool {
        match self {
            Kind::Article => true,
            Kind::Campaign | Kind::Document | Kind::Explainer | Kind::Page => false,
        }
    }
}
