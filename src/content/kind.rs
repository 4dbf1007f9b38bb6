//! The kinds of content, and the one place that decides what each kind means.

use serde::Deserialize;

use super::values::{Date, OrderedMap, Text};
use crate::vi::dates::DateTime;

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

/// The campaign block as written in front matter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignMatter {
    /// First day of the campaign.
    pub starts: Date,
    /// Last day of the campaign (inclusive).
    pub ends: Date,
    /// What the campaign wants to achieve.
    #[serde(default)]
    pub goal: Option<Text>,
    /// The message for each audience, keyed by audience id.
    #[serde(default)]
    pub audiences: OrderedMap<AudienceMessage>,
}

/// A campaign's message for one audience.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AudienceMessage {
    /// The headline shown to this audience.
    pub headline: String,
    /// The message, in plain text (a few sentences).
    #[serde(default)]
    pub message: String,
    /// What the audience is asked to do.
    pub call_to_action: Option<CallToAction>,
}

/// A call to action: a label and where it leads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct CallToAction {
    /// Button text.
    pub label: String,
    /// Link (absolute, site path, or `@/` source path).
    pub url: String,
}

/// A campaign, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    /// First day (00:00 UTC+7).
    pub starts: DateTime,
    /// Last day (the campaign runs to the end of that day, UTC+7).
    pub ends: DateTime,
    /// Goal text.
    pub goal: Option<String>,
    /// Messages per audience, in written order.
    pub audiences: Vec<(String, AudienceMessage)>,
}

/// Where a campaign stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CampaignStatus {
    /// Before `starts`.
    Upcoming,
    /// From `starts` to the end of `ends`.
    Active,
    /// After `ends`.
    Ended,
}

impl CampaignStatus {
    /// The label editors and readers see.
    pub fn label(self) -> &'static str {
        match self {
            CampaignStatus::Upcoming => "sắp diễn ra",
            CampaignStatus::Active => "đang diễn ra",
            CampaignStatus::Ended => "đã kết thúc",
        }
    }
}

impl Campaign {
    /// The moment the campaign is over: the end of its last day.
    pub fn end_moment(&self) -> DateTime {
        DateTime::from_unix(self.ends.unix() + 24 * 3600)
    }

    /// Status at `now`.
    pub fn status(&self, now: DateTime) -> CampaignStatus {
        if now.unix() < self.starts.unix() {
            CampaignStatus::Upcoming
        } else if now.unix() < self.end_moment().unix() {
            CampaignStatus::Active
        } else {
            CampaignStatus::Ended
        }
    }
}

/// A `related:` entry of a document: another document and how they relate.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    /// The other document's code (`11-CT/TW`).
    pub code: String,
    /// How this document relates to it (`tiếp tục thực hiện`).
    pub relation: String,
}

/// The `document:` block as written in front matter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentMatter {
    /// Document number (`49-KL/TW`).
    pub code: Text,
    /// Official title.
    pub title: Option<Text>,
    /// Date of issue.
    pub issued: Option<Date>,
    /// Issuing body.
    pub issuer: Option<String>,
    /// Signer.
    pub signer: Option<String>,
    /// Other ways the press writes it (`Kết luận 49`, `KL 49`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Where the original can be read.
    pub source_url: Option<String>,
    /// Legal status (`còn hiệu lực`).
    pub status: Option<String>,
    /// Documents it relates to.
    #[serde(default)]
    pub related: Vec<Relation>,
}

/// A policy document, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    /// Document number as written (`49-KL/TW`).
    pub code: String,
    /// Official title.
    pub title: Option<String>,
    /// Date of issue.
    pub issued: Option<DateTime>,
    /// Issuing body.
    pub issuer: Option<String>,
    /// Signer.
    pub signer: Option<String>,
    /// Other names.
    pub aliases: Vec<String>,
    /// Source of the original.
    pub source_url: Option<String>,
    /// Legal status.
    pub status: Option<String>,
    /// Relations to other documents.
    pub related: Vec<Relation>,
    /// Ids of the clauses (headings with explicit ids), from a pre-scan of the body.
    pub clause_ids: Vec<String>,
}

/// The `explains:` block of an explainer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Explains {
    /// Code (or alias) of the explained document.
    pub document: String,
    /// Ids of the explained clauses.
    #[serde(default)]
    pub clauses: Vec<String>,
}

/// What a kind adds to a page. Kinds without extra data carry `None`.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum KindMeta {
    /// Nothing beyond the common fields.
    #[default]
    None,
    /// A campaign's block.
    Campaign(Campaign),
    /// A policy document.
    Document(PolicyDocument),
    /// An explainer: what it explains (code resolved to the registered one by `assemble`).
    Explainer(Explains),
}

impl KindMeta {
    /// The campaign, for campaign pages.
    pub fn campaign(&self) -> Option<&Campaign> {
        match self {
            KindMeta::Campaign(c) => Some(c),
            _ => None,
        }
    }

    /// The document, for document pages.
    pub fn document(&self) -> Option<&PolicyDocument> {
        match self {
            KindMeta::Document(d) => Some(d),
            _ => None,
        }
    }

    /// What an explainer explains.
    pub fn explains(&self) -> Option<&Explains> {
        match self {
            KindMeta::Explainer(e) => Some(e),
            _ => None,
        }
    }
}
