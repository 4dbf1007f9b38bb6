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
}
