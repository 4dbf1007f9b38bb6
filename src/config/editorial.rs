//! `editorial:` in loa.yaml: the rules `loa check` applies to the text (forbidden phrases,
//! official names) and the approval of pages (issue 27). Read with the rest of loa.yaml by
//! `config.rs`; this file holds the types and their checks.

use serde::Deserialize;

/// One phrase an organisation forbids, with the correction shown as the hint.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForbiddenPhrase {
    /// The phrase as written (matched after NFC normalisation, case-sensitively).
    pub phrase: String,
    /// What to write instead, or why the phrase is wrong.
    #[serde(default)]
    pub hint: String,
}

/// Editorial rules `loa check` applies to every page's title, summary and body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditorialConfig {
    /// Phrases that must not appear.
    #[serde(default)]
    pub forbidden: Vec<ForbiddenPhrase>,
    /// Whether a page needs an approval to be published (`approval: required`; off by default).
    #[serde(default)]
    pub approval: ApprovalMode,
    /// Who may approve (`loa approve --by`, `approval.by`); empty: anyone named.
    #[serde(default)]
    pub reviewers: Vec<String>,
    /// Official names written with their capitals (`Ban Bí thư`): `loa check` warns on the same
    /// words written with other capitals in running text.
    #[serde(default)]
    pub names: Vec<String>,
}

/// `editorial.approval` in loa.yaml.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApprovalMode {
    /// Pages are published without an approval (an `approval:` block is still checked).
    #[default]
    Off,
    /// Only pages with an approval whose digest matches their text are published.
    Required,
}

/// The problems of an `editorial:` block: (message, hint) pairs, errors at its line.
pub fn check(e: &EditorialConfig) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if e.forbidden.iter().any(|rule| rule.phrase.trim().is_empty()) {
        out.push((
            "`editorial.forbidden`: cụm từ rỗng".to_string(),
            "mỗi mục cần `phrase:` là cụm từ cần tránh".to_string(),
        ));
    }
    for (what, list) in [("reviewers", &e.reviewers), ("names", &e.names)] {
        if list.iter().any(|n| n.trim().is_empty() || n.trim() != n) {
            out.push((
                format!("`editorial.{what}`: có mục rỗng hoặc thừa dấu cách ở đầu, cuối"),
                "mỗi mục là một tên viết đầy đủ, ví dụ `- Ban Bí thư`".to_string(),
            ));
        }
    }
    out
}
