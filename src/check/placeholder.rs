//! The placeholder rule: text that `loa new` writes for the editor to replace, left in a page
//! that is built (drafts only with `--drafts`: a draft may hold them while it is written).
//!
//! Holds the one list of those sentences: the scaffolds (`scaffold.rs`) write them from here
//! and this rule looks for them, so a sentence cannot be added to one and forgotten in the
//! other. Also the placeholder document number (`00/2026/XX`), which must have the shape of a
//! real one for the page to build.
//!
//! Takes an assembled page: its body, line by line (code blocks skipped), and the front matter
//! values the scaffolds fill, placed through the page's key lines. Gives a warning per place
//! (`--strict` makes it fail the gate). Must not parse Markdown or read files.

use crate::content::Document;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// What every placeholder sentence holds ("here"): a body without it is skipped at once.
pub const MARK: &str = "ở đây";

/// The opening paragraph of every page.
pub const OPENING: &str = "Viết đoạn mở đầu ở đây.";
/// The heading of a section of the body.
pub const HEADING: &str = "Đặt tên mục ở đây";
/// The text under that heading.
pub const TEXT: &str = "Viết nội dung mục này ở đây.";
/// The heading of a document's clause (after `Điểm 1.`).
pub const CLAUSE_HEADING: &str = "Đặt tên điểm ở đây";
/// The text of a document's clause.
pub const CLAUSE_TEXT: &str = "Chép nguyên văn hoặc tóm tắt điểm này ở đây.";
/// A document's official title (`document.title`).
pub const DOCUMENT_TITLE: &str = "Viết tên đầy đủ của văn bản ở đây.";
/// A document's issuing body (`document.issuer`).
pub const DOCUMENT_ISSUER: &str = "Viết tên cơ quan ban hành ở đây.";
/// A campaign's introduction.
pub const CAMPAIGN_OPENING: &str = "Viết lời giới thiệu chiến dịch ở đây.";
/// A campaign's goal (`campaign.goal`).
pub const CAMPAIGN_GOAL: &str = "Viết mục tiêu của chiến dịch ở đây.";
/// A campaign's headline for one audience.
pub const HEADLINE: &str = "Viết thông điệp chính cho đối tượng này ở đây.";
/// A campaign's message for one audience.
pub const MESSAGE: &str = "Viết một hai câu dành riêng cho đối tượng này ở đây.";
/// An explainer's example question (`faq`).
pub const QUESTION: &str = "Viết câu hỏi người đọc hay hỏi ở đây?";
/// Its answer.
pub const ANSWER: &str = "Viết câu trả lời ngắn ở đây.";

/// Every placeholder sentence the scaffolds write.
pub const ALL: [&str; 13] = [
    OPENING,
    HEADING,
    TEXT,
    CLAUSE_HEADING,
    CLAUSE_TEXT,
    DOCUMENT_TITLE,
    DOCUMENT_ISSUER,
    CAMPAIGN_OPENING,
    CAMPAIGN_GOAL,
    HEADLINE,
    MESSAGE,
    QUESTION,
    ANSWER,
];

/// The issuer part of a placeholder document number: no Vietnamese body signs as `XX`.
const CODE_ISSUER: &str = "XX";

/// A placeholder document number that has the shape of a real one (`00/2026/XX`), so that the
/// page builds: the `n`-th (to keep two new documents apart) of `year`.
pub fn document_code(n: usize, year: i32) -> String {
    format!("{n:02}/{year}/{CODE_ISSUER}")
}

/// Whether `code` is a placeholder document number ([`document_code`]).
pub fn is_document_code(code: &str) -> bool {
    code.trim().rsplit('/').next() == Some(CODE_ISSUER)
}

/// The placeholders left in page `p`: in its body and in the front matter values the scaffolds
/// fill (and the others an editor may paste one into), at their line and column.
pub(super) fn check_page(p: &Document) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for (line, col, text) in in_body(&p.body, p.body_line) {
        diags.push(warning(Location::at(&p.file, line, col), text));
    }
    for (key, n, value) in values(p) {
        for text in ALL.iter().filter(|t| value.contains(*t)) {
            diags.push(warning(p.key_lines.locate_value(&p.file, &key, n, text), text));
        }
    }
    if let Some(d) = p.meta.document()
        && is_document_code(&d.code)
    {
        diags.push(
            Diagnostic::warning(
                "placeholder",
                p.key_lines.locate_value(&p.file, "document.code", 0, &d.code),
                format!("số hiệu `{}` là số hiệu giữ chỗ do `loa new` viết", d.code),
            )
            .with_hint("ghi số hiệu thật của văn bản, đúng như in trên văn bản, ví dụ `49-KL/TW`"),
        );
    }
    diags
}

fn warning(at: Location, text: &str) -> Diagnostic {
    Diagnostic::warning(
        "placeholder",
        at,
        format!("câu giữ chỗ do `loa new` viết chưa được thay: \"{text}\""),
    )
    .with_hint("viết nội dung thật thay cho câu này, hoặc xóa nó")
}

/// The placeholders of a body that starts at file line `body_line`: (line, column, sentence),
/// in order. Lines of fenced code blocks are skipped (a page may show loa's own text).
fn in_body(body: &str, body_line: usize) -> Vec<(usize, usize, &'static str)> {
    let mut found = Vec::new();
    if !body.contains(MARK) {
        return found;
    }
    let mut fence: Option<&str> = None;
    for (i, line) in body.lines().enumerate() {
        let t = line.trim_start();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(&t[..3]);
            continue;
        }
        if !line.contains(MARK) {
            continue;
        }
        let mut on_line: Vec<(usize, &'static str)> =
            ALL.iter().flat_map(|text| line.match_indices(*text).map(|(at, _)| (at, *text))).collect();
        on_line.sort();
        found.extend(
            on_line.into_iter().map(|(at, text)| (body_line + i, line[..at].chars().count() + 1, text)),
        );
    }
    found
}

/// The front matter values of `p` a placeholder may be in: (dotted key, occurrence, value).
fn values(p: &Document) -> Vec<(String, usize, &str)> {
    let mut v: Vec<(String, usize, &str)> = vec![("title".into(), 0, p.title.as_str())];
    v.extend(p.summary.as_deref().map(|s| ("summary".into(), 0, s)));
    v.extend(p.image_alt.as_deref().map(|s| ("image_alt".into(), 0, s)));
    for (i, f) in p.faq.iter().enumerate() {
        v.push(("faq.q".into(), i, &f.q));
        v.push(("faq.a".into(), i, &f.a));
    }
    for (i, g) in p.glossary.iter().enumerate() {
        v.push(("glossary.term".into(), i, &g.term));
        v.push(("glossary.definition".into(), i, &g.definition));
    }
    if let Some(c) = p.meta.campaign() {
        v.extend(c.goal.as_deref().map(|s| ("campaign.goal".into(), 0, s)));
        for (id, m) in &c.audiences {
            let key = format!("campaign.audiences.{id}");
            v.push((format!("{key}.headline"), 0, &m.headline));
            v.push((format!("{key}.message"), 0, &m.message));
            if let Some(cta) = &m.call_to_action {
                v.push((format!("{key}.call_to_action.label"), 0, &cta.label));
            }
        }
    }
    if let Some(d) = p.meta.document() {
        for (key, value) in
            [("title", &d.title), ("issuer", &d.issuer), ("signer", &d.signer), ("status", &d.status)]
        {
            v.extend(value.as_deref().map(|s| (format!("document.{key}"), 0, s)));
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_holds_the_mark_and_none_holds_another() {
        for (i, a) in ALL.iter().enumerate() {
            assert!(a.contains(MARK), "{a}");
            for (j, b) in ALL.iter().enumerate() {
                assert!(i == j || !a.contains(b), "{a} holds {b}");
            }
        }
    }

    #[test]
    fn placeholder_codes_are_document_numbers_and_known_as_placeholders() {
        for n in [0, 1, 12] {
            let code = document_code(n, 2026);
            let found = crate::vi::docnum::find(&code);
            assert_eq!(found, vec![std::ops::Range { start: 0, end: code.len() }], "{code}");
            assert!(is_document_code(&code));
        }
        assert_eq!(document_code(0, 2026), "00/2026/XX");
        for real in ["49-KL/TW", "30/2020/NĐ-CP", "1373/QĐ-TTg", "12/XXX"] {
            assert!(!is_document_code(real), "{real}");
        }
    }

    #[test]
    fn body_placeholders_are_placed_and_code_blocks_skipped() {
        let body = format!(
            "{OPENING}\n\n## Điểm 1. {CLAUSE_HEADING} {{#diem-1}}\n\n```\n{TEXT}\n```\n\nĐã viết ở đây. {TEXT} {OPENING}\n"
        );
        assert_eq!(
            in_body(&body, 5),
            [(5, 1, OPENING), (7, 12, CLAUSE_HEADING), (13, 16, TEXT), (13, 45, OPENING)]
        );
        assert!(in_body("Nội dung thật, viết ở đây.\n", 1).is_empty());
    }

    /// The pages of a site made of `files` (path, text), drafts included.
    fn pages(files: &[(&str, &str)]) -> Vec<Document> {
        let config = crate::config::Config::parse(
            "title: T\nbase_url: https://x.vn\naudiences:\n  gia-dinh: {name: Gia đình, description: D}\n",
            std::path::Path::new("/s"),
            &Default::default(),
        )
        .expect("config");
        let parsed = files
            .iter()
            .map(|(f, t)| crate::parse::parse_file(t, f, f.ends_with("_index.md")).expect("parse"))
            .collect();
        let now = crate::vi::dates::parse("2026-01-01").expect("date");
        let opts = crate::assemble::AssembleOptions { drafts: true, now, preview: true, failed: &[] };
        crate::assemble::assemble(&config, parsed, opts).expect("assemble").site.pages
    }

    fn places(p: &Document) -> Vec<(usize, usize)> {
        let d = check_page(p);
        assert!(d.iter().all(|d| d.code == "placeholder" && !d.is_error()));
        let mut v: Vec<_> =
            d.iter().filter_map(|d| d.location.as_ref().map(|l| (l.line, l.column))).collect();
        v.sort();
        v
    }

    #[test]
    fn front_matter_placeholders_are_found_at_their_values() {
        let campaign = format!(
            "---\ntitle: C\ndraft: true\ncampaign:\n  starts: 2026-01-01\n  ends: 2026-02-01\n  # {GOAL_NOTE}\n  goal: \"{CAMPAIGN_GOAL}\"\n  audiences:\n    gia-dinh:\n      headline: \"{HEADLINE}\"\n      message: {MESSAGE}\n---\nĐã viết.\n",
            GOAL_NOTE = "mục tiêu"
        );
        let document = format!(
            "---\ntitle: D\ndocument:\n  code: {}\n  title: \"{DOCUMENT_TITLE}\"\n  issuer: Ban Bí thư\nfaq:\n  - q: Hỏi?\n    a: Đáp.\n  - q: \"{QUESTION}\"\n    a: |\n      Trả lời: {ANSWER}\n---\n{OPENING}\n",
            document_code(0, 2026)
        );
        let pages = pages(&[
            ("content/chien-dich/_index.md", "---\ntitle: Chiến dịch\nkind: campaign\n---\n"),
            ("content/chien-dich/c.md", &campaign),
            ("content/van-ban/_index.md", "---\ntitle: Văn bản\nkind: document\n---\n"),
            ("content/van-ban/d.md", &document),
            (
                "content/van-ban/xong.md",
                "---\ntitle: Xong\ndocument: {code: 49-KL/TW}\n---\nĐã viết ở đây.\n",
            ),
        ]);
        let by_file = |f: &str| pages.iter().find(|p| p.file == f).expect(f);
        // The goal after its comment, the headline in quotes, the message unquoted.
        assert_eq!(places(by_file("content/chien-dich/c.md")), [(8, 10), (11, 18), (12, 16)]);
        // The code, the title, the second question, the answer in a block scalar, the body.
        assert_eq!(places(by_file("content/van-ban/d.md")), [(4, 9), (5, 11), (10, 9), (12, 16), (14, 1)]);
        assert!(places(by_file("content/van-ban/xong.md")).is_empty());
    }
}
