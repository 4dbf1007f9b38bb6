//! What the index is made of: one [`SearchDoc`] per searchable page, the stop words, and the
//! hash map the index's builders share. Imports nothing of the index itself.

/// foldhash with a fixed seed: the keys are an author's own words, so no flooding defence is
/// needed, and hashing dominated the index time of large sites (SipHash, then a byte-wise Fx).
pub(super) type FxMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// Function words left out of the unigram postings (compared by `vi::tone_key`, so `có` is a
/// stop word and `cơ`, `cô`, `cổ` are not). Bigrams and phrases keep them.
pub const STOP_WORDS: &[&str] = &[
    "bị", "các", "cho", "có", "của", "cũng", "đã", "đang", "để", "đến", "đó", "được", "hoặc", "khi", "không",
    "là", "lại", "mà", "một", "này", "nào", "nên", "như", "nhưng", "những", "ra", "rằng", "sẽ", "tại",
    "theo", "thì", "trong", "từ", "và", "vào", "về", "vì", "với", "ở",
];

/// One searchable page, as the render stage sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchDoc {
    /// The page's URL as it should be linked from the search page (with any base path).
    pub url: String,
    /// Page title (plain text).
    pub title: String,
    /// Title of the page's section (plain text); filterable.
    pub section: String,
    /// Content kind (`article`, `document`, …), shown with the result.
    pub kind: String,
    /// Audience ids; filterable.
    pub audiences: Vec<String>,
    /// Tag display names; weighted like titles, filterable.
    pub tags: Vec<String>,
    /// Publication date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Summary (plain text); shown as the result's snippet. Shared with the page's card.
    pub summary: std::sync::Arc<str>,
    /// Plain body text, paragraphs separated by `\n`.
    pub text: std::sync::Arc<str>,
    /// The headings of `text`: byte offset where each heading's line starts, and its anchor id.
    pub headings: Vec<(usize, String)>,
    /// For a document page: its number (`49-KL/TW`) and aliases (`Kết luận 49`); a query
    /// that is one of them ranks this page first.
    pub codes: Vec<String>,
    /// The term pages this page links to (its tags, its audiences, its glossary terms): the
    /// search page offers those matching a query as a line above the results.
    pub topics: Vec<Topic>,
}

/// A page about a term (a tag, an audience, a glossary entry), as the search page links it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Topic {
    /// What it is.
    pub kind: TopicKind,
    /// Its name as shown (`Khuyến học`, `Gia đình`).
    pub name: String,
    /// Its URL (with any base path); a glossary entry's is an anchor of the glossary page.
    pub url: String,
    /// For an audience: its id (`gia-dinh`), which the audience filter takes.
    pub id: Option<String>,
}

/// The kinds of [`Topic`]; their order is the order of the "Chủ đề" line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum TopicKind {
    /// A tag page (`/tags/khuyen-hoc/`).
    Tag,
    /// An audience page (`/doi-tuong/gia-dinh/`).
    Audience,
    /// An entry of the glossary (`/thuat-ngu/#hoc-tap-suot-doi`).
    Term,
}

impl TopicKind {
    /// The code `search.js` reads.
    pub fn code(self) -> &'static str {
        match self {
            TopicKind::Tag => "t",
            TopicKind::Audience => "a",
            TopicKind::Term => "g",
        }
    }
}
