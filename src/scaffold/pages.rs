//! The text of a new page of each kind: front matter with every field explained in a YAML
//! comment (what it is, an example), then a body to replace.
//!
//! Takes the kind, the title, today, the config (audiences, taxonomies) and what the site
//! holds (its documents, for an explainer). Gives the file's text. Each is a draft that builds
//! as it is; the sentences to replace come from `check::placeholder`, whose rule warns about
//! any left in a page that is published. Must not touch the file system.

use crate::check::placeholder as ph;
use crate::config::Config;
use crate::content::Kind;
use crate::vi::dates::DateTime;

use super::site::{SiteDocument, SiteIndex};

/// Quotes a string for YAML (double quotes, escaped).
pub(super) fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// How editors call a kind.
pub fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Article => "bài viết",
        Kind::Campaign => "chiến dịch",
        Kind::Document => "văn bản",
        Kind::Explainer => "bài giải thích văn bản",
        Kind::Page => "trang thường",
    }
}

/// The kind and title of a section from its folder's name, for the well-known Vietnamese
/// section names (the last segment of a nested one).
pub fn known_section(name: &str) -> Option<(Kind, &'static str)> {
    let last = name.rsplit('/').next().unwrap_or(name);
    Some(match last {
        "bai-viet" => (Kind::Article, "Bài viết"),
        "tin-tuc" => (Kind::Article, "Tin tức"),
        "chien-dich" => (Kind::Campaign, "Chiến dịch"),
        "van-ban" => (Kind::Document, "Văn bản"),
        "hoi-dap" => (Kind::Explainer, "Hỏi đáp"),
        "giai-thich" => (Kind::Explainer, "Giải thích"),
        _ => return None,
    })
}

/// The `_index.md` of a new section.
pub fn section_template(section: &str, kind: Kind) -> String {
    let (title, note) = match known_section(section) {
        Some((_, t)) => (t.to_string(), ""),
        None => {
            let last = section.rsplit('/').next().unwrap_or(section).replace('-', " ");
            let mut chars = last.chars();
            let title = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
            (title, " Viết lại cho đủ dấu.")
        }
    };
    format!(
        "---\n\
         # Chuyên mục do `loa new` tạo. Dòng bắt đầu bằng # là ghi chú cho người viết, không hiện trên trang.\n\
         # Tên chuyên mục, hiện ở đầu trang danh sách của chuyên mục.{note}\n\
         title: {}\n\
         # Loại của mọi trang trong chuyên mục: article (bài viết, có ngày đăng), campaign (chiến dịch),\n\
         # document (văn bản), explainer (bài giải thích văn bản) hoặc page (trang thường, không ghi ngày).\n\
         kind: {}\n\
         # Tóm tắt một hai câu về chuyên mục, hiện ở trang danh sách. Bỏ dấu # ở đầu dòng dưới rồi viết, ví dụ:\n\
         # summary: \"Các bài viết về hoạt động khuyến học của đơn vị.\"\n\
         ---\n",
        q(&title),
        kind.as_str()
    )
}

/// How many codes or clause ids a comment lists before `…`.
const LISTED: usize = 12;

/// `items` joined by `, `, the first [`LISTED`] of them.
fn listed<S: AsRef<str>>(items: &[S]) -> String {
    let mut s = items.iter().take(LISTED).map(AsRef::as_ref).collect::<Vec<_>>().join(", ");
    if items.len() > LISTED {
        s.push_str(", …");
    }
    s
}

/// The front matter and body of a new page of `kind` (a draft).
pub fn page_template(kind: Kind, title: &str, today: DateTime, config: &Config, site: &SiteIndex) -> String {
    let mut s = String::from(
        "---\n# Trang do `loa new` tạo. Dòng bắt đầu bằng # là ghi chú cho người viết, không hiện trên trang: đọc xong bỏ đi cũng được.\n",
    );
    s.push_str(match kind {
        Kind::Article => "# Tiêu đề bài, hiện ở đầu bài, trong danh sách bài và khi chia sẻ.\n",
        Kind::Campaign => "# Tên chiến dịch, hiện ở đầu trang, trong danh sách chiến dịch và khi chia sẻ.\n",
        Kind::Document => {
            "# Tiêu đề trang văn bản, ví dụ \"Kết luận số 49-KL/TW của Ban Bí thư về khuyến học, khuyến tài\".\n"
        }
        Kind::Explainer => {
            "# Tiêu đề bài giải thích, thường là câu hỏi người đọc hay hỏi, ví dụ \"Kết luận 49 yêu cầu gì ở mỗi đảng viên?\".\n"
        }
        Kind::Page => "# Tiêu đề trang, ví dụ \"Giới thiệu\" hay \"Liên hệ\".\n",
    });
    s.push_str(&format!("title: {}\n", q(title)));
    if matches!(kind, Kind::Article | Kind::Explainer) {
        s.push_str("# Ngày đăng, ngày trước tháng sau: 6/8/2024 (hoặc 2024-08-06); thêm giờ nếu cần: 6/8/2024 08:00. Bài mới nhất đứng đầu danh sách.\n");
        s.push_str(&format!("date: {}\n", day_first(&today)));
    }
    s.push_str(
        "# Bản nháp: trang chưa được đăng, chỉ hiện khi xem thử bằng `loa serve --drafts` (hoặc `loa build --drafts`).\n\
         # Viết xong thì bỏ dòng `draft: true` (hoặc đặt `draft: false`) để đăng; `loa check` nhắc những câu mẫu chưa thay.\n\
         draft: true\n\
         # Tóm tắt một hai câu, hiện ở danh sách, nguồn tin và khi chia sẻ. Bỏ dấu # ở đầu dòng dưới rồi viết, ví dụ:\n\
         # summary: \"Sáng 30/5, trường tổ chức hội nghị tổng kết năm học 2023–2024.\"\n",
    );
    if kind != Kind::Page && config.taxonomies.iter().any(|t| t == "tags") {
        s.push_str("# Thẻ (chủ đề); mỗi thẻ có trang riêng liệt kê các trang cùng thẻ. Ví dụ: [khuyến học, xã hội học tập]\ntags: []\n");
    }
    if matches!(kind, Kind::Article | Kind::Explainer) {
        s.push_str(&audiences_field(config));
    }
    match kind {
        Kind::Campaign => s.push_str(&campaign_block(today, config)),
        Kind::Document => s.push_str(&document_block(today, site)),
        Kind::Explainer => s.push_str(&explainer_blocks(title, site)),
        Kind::Article | Kind::Page => {}
    }
    s.push_str("---\n");
    s.push_str(&match kind {
        Kind::Document => format!(
            "{}\n\n## Điểm 1. {} {{#diem-1}}\n\n{}\n\n## Điểm 2. {} {{#diem-2}}\n\n{}\n",
            ph::OPENING,
            ph::CLAUSE_HEADING,
            ph::CLAUSE_TEXT,
            ph::CLAUSE_HEADING,
            ph::CLAUSE_TEXT
        ),
        Kind::Campaign => format!("{}\n\n## {}\n\n{}\n", ph::CAMPAIGN_OPENING, ph::HEADING, ph::TEXT),
        _ => format!("{}\n\n## {}\n\n{}\n", ph::OPENING, ph::HEADING, ph::TEXT),
    });
    s
}

/// `audiences: []`, with the ids declared in loa.yaml in its comment.
/// A date as editors write it: day first, unpadded (`6/8/2024`).
pub fn day_first(d: &DateTime) -> String {
    d.fmt_short().trim_start_matches("ngày ").to_string()
}

fn audiences_field(config: &Config) -> String {
    let declared: Vec<String> =
        config.audiences.0.iter().map(|(id, a)| format!("{id} ({})", a.name)).collect();
    let first = config.audiences.keys().next().unwrap_or("nguoi-dan");
    if declared.is_empty() {
        "# Đối tượng trang hướng tới: loa.yaml chưa khai báo đối tượng nào (mục audiences); khai báo ở đó rồi ghi mã ở đây, ví dụ [nguoi-dan].\naudiences: []\n".to_string()
    } else {
        format!(
            "# Đối tượng trang hướng tới, theo mã khai báo trong loa.yaml: {}. Ví dụ: [{first}]\naudiences: []\n",
            listed(&declared)
        )
    }
}

/// The `campaign:` block: a month from today, a message for each declared audience.
fn campaign_block(today: DateTime, config: &Config) -> String {
    let ends = DateTime::from_unix(today.unix() + 30 * 24 * 3600);
    let mut s = format!(
        "# Khối chiến dịch: thời gian, mục tiêu và thông điệp cho từng đối tượng.\n\
         campaign:\n\
         \x20 # Ngày bắt đầu, ngày trước tháng sau, ví dụ 1/9/2024 (hoặc 2024-09-01); trang tự ghi \"sắp diễn ra\", \"đang diễn ra\"\n\
         \x20 # hay \"đã kết thúc\" theo ngày bắt đầu và ngày kết thúc.\n\
         \x20 starts: {}\n\
         \x20 # Ngày kết thúc, tính cả ngày đó, ví dụ 30/9/2024.\n\
         \x20 ends: {}\n\
         \x20 # Mục tiêu của chiến dịch, một câu, ví dụ \"Mỗi gia đình có một góc học tập.\"\n\
         \x20 goal: {}\n",
        day_first(&today),
        day_first(&ends),
        q(ph::CAMPAIGN_GOAL)
    );
    if config.audiences.0.is_empty() {
        s.push_str(
            "  # Thông điệp cho từng đối tượng: loa.yaml chưa khai báo đối tượng nào (mục audiences). Khai báo ở đó,\n\
             \x20 # rồi viết ở đây dưới mã của mỗi đối tượng: headline (câu chính), message (một hai câu), call_to_action.\n\
             \x20 audiences: {}\n",
        );
        return s;
    }
    s.push_str(
        "  # Thông điệp cho từng đối tượng khai báo trong loa.yaml; mỗi đối tượng có trang riêng của chiến dịch.\n\
         \x20 # headline: câu thông điệp chính, ví dụ \"Mỗi gia đình là một gia đình học tập\".\n\
         \x20 # message: một hai câu dành riêng cho đối tượng đó.\n\
         \x20 # call_to_action: nút dẫn tới việc cần làm, thêm dưới message nếu cần, ví dụ\n\
         \x20 #   call_to_action: {label: \"Đọc hướng dẫn\", url: \"@/bai-viet/huong-dan.md\"}\n\
         \x20 # Bỏ đối tượng nào chiến dịch không hướng tới.\n\
         \x20 audiences:\n",
    );
    for id in config.audiences.keys() {
        s.push_str(&format!(
            "    {id}:\n      headline: {}\n      message: {}\n",
            q(ph::HEADLINE),
            q(ph::MESSAGE)
        ));
    }
    s
}

/// The `document:` block: a placeholder code no other document has, the other fields
/// explained (the optional ones as examples to uncomment).
fn document_block(today: DateTime, site: &SiteIndex) -> String {
    use crate::vi::docnum::normalize_code;
    let taken: Vec<String> = site.documents.iter().map(|d| normalize_code(&d.code)).collect();
    let code = (0..)
        .map(|n| ph::document_code(n, today.year()))
        .find(|c| !taken.contains(&normalize_code(c)))
        .unwrap_or_default();
    format!(
        "# Khối văn bản: số hiệu, tên và nơi ban hành, hiện ở đầu trang văn bản.\n\
         document:\n\
         \x20 # Số hiệu, đúng như in trên văn bản, ví dụ 49-KL/TW, 1373/QĐ-TTg, 30/2020/NĐ-CP.\n\
         \x20 # {code} là số hiệu giữ chỗ (`loa check` nhắc cho tới khi được thay).\n\
         \x20 code: {code}\n\
         \x20 # Tên chính thức (trích yếu) của văn bản, ví dụ \"Kết luận của Ban Bí thư về tiếp tục thực hiện Chỉ thị số 11-CT/TW\".\n\
         \x20 title: {}\n\
         \x20 # Cơ quan ban hành, ví dụ \"Ban Bí thư Trung ương Đảng\".\n\
         \x20 issuer: {}\n\
         \x20 # Các mục dưới đây không bắt buộc: bỏ dấu # ở đầu dòng rồi viết.\n\
         \x20 # Ngày ban hành (ngày/tháng/năm):\n\
         \x20 # issued: 10/5/2019\n\
         \x20 # Người ký:\n\
         \x20 # signer: Nguyễn Văn A\n\
         \x20 # Những cách gọi khác báo chí hay dùng; bài giải thích ghi tên nào trong đó cũng được:\n\
         \x20 # aliases: [Kết luận 49, KL 49]\n\
         \x20 # Nơi đọc bản gốc:\n\
         \x20 # source_url: https://vanban.chinhphu.vn/\n\
         \x20 # Hiệu lực:\n\
         \x20 # status: còn hiệu lực\n\
         \x20 # Văn bản liên quan (số hiệu và quan hệ):\n\
         \x20 # related: [{{code: 11-CT/TW, relation: tiếp tục thực hiện}}]\n\
         # Mỗi điểm (điều, mục) của văn bản là một tiêu đề `##` có mã riêng ở cuối, như {{#diem-1}}: điểm đó có đường dẫn\n\
         # riêng (…/#diem-1), và bài giải thích trích nó bằng mã này (explains: {{document: {code}, clauses: [diem-1]}}).\n",
        q(ph::DOCUMENT_TITLE),
        q(ph::DOCUMENT_ISSUER),
    )
}

/// The document an explainer titled `title` most likely explains: the one its title names
/// (by code or other name), else the first published one with a real code, else the first
/// with a real code, else the first.
fn explained<'a>(title: &str, docs: &'a [SiteDocument]) -> Option<(&'a SiteDocument, bool)> {
    use crate::vi::docnum::normalize_code;
    let t = normalize_code(title);
    let named = docs
        .iter()
        .filter_map(|d| {
            let names = std::iter::once(&d.code).chain(&d.aliases).map(|n| normalize_code(n));
            names
                .filter(|n| !n.is_empty() && t.contains(n.as_str()))
                .map(|n| n.len())
                .max()
                .map(|len| (len, d))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, d)| (d, true));
    let real = |d: &&SiteDocument| !ph::is_document_code(&d.code);
    named.or_else(|| {
        let published = docs.iter().filter(real).find(|d| !d.draft);
        published.or_else(|| docs.iter().find(real)).or(docs.first()).map(|d| (d, false))
    })
}

/// An explainer's `explains:` block (commented out, with how to fill it, when the site has no
/// document yet), its FAQ example and its glossary example.
fn explainer_blocks(title: &str, site: &SiteIndex) -> String {
    let mut s = String::from(
        "# Văn bản bài này giải thích: `document` là số hiệu (hoặc tên gọi khác) của một văn bản trên trang;\n\
         # `clauses` là mã các điểm được giải thích (mã ở cuối tiêu đề điểm, như {#diem-1}), để [] nếu giải thích cả văn bản.\n",
    );
    match explained(title, &site.documents) {
        Some((doc, named)) => {
            let codes: Vec<&str> = site.documents.iter().map(|d| d.code.as_str()).collect();
            s.push_str(&format!("# Các văn bản trên trang: {}.", listed(&codes)));
            if !named {
                s.push_str(" loa chọn sẵn một văn bản; đổi nếu bài giải thích văn bản khác.");
            }
            s.push('\n');
            if doc.clauses.is_empty() {
                s.push_str(&format!("# Văn bản {} chưa có điểm nào có mã.\n", doc.code));
            } else {
                s.push_str(&format!(
                    "# Các điểm của {}: {}. Ví dụ: [{}]\n",
                    doc.code,
                    listed(&doc.clauses),
                    doc.clauses[0]
                ));
            }
            s.push_str(&format!(
                "explains:\n  # Số hiệu văn bản.\n  document: {}\n  # Mã các điểm, ví dụ [diem-1]; [] là cả văn bản.\n  clauses: []\n",
                q(&doc.code)
            ));
        }
        None => {
            let section =
                site.sections.iter().find(|(_, k)| *k == Kind::Document).map_or("van-ban", |(d, _)| d);
            s.push_str(&format!(
                "# Trang web chưa có văn bản nào: tạo trang văn bản trước (`loa new {section} \"Tên văn bản\"`),\n\
                 # rồi bỏ dấu # ở đầu dòng dưới và ghi số hiệu của văn bản đó.\n\
                 # explains: {{document: 49-KL/TW, clauses: [diem-1]}}\n"
            ));
        }
    }
    s.push_str(&format!(
        "# Câu hỏi thường gặp, hiện cuối bài: mỗi câu một cặp `- q:` (hỏi) và `a:` (đáp, viết được Markdown).\n\
         # Thêm câu bằng cách chép hai dòng; bỏ cả mục faq nếu không cần.\n\
         faq:\n  - q: {}\n    a: {}\n\
         # Thuật ngữ bài giải nghĩa, gộp vào trang thuật ngữ chung của trang web. Bỏ dấu # ở ba dòng dưới nếu cần:\n\
         # glossary:\n\
         #   - term: Xã hội học tập\n\
         #     definition: \"Xã hội mà mọi người đều được học tập suốt đời.\"\n",
        q(ph::QUESTION),
        q(ph::ANSWER)
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::KindMeta;

    const KINDS: [(Kind, &str, &str); 5] = [
        (Kind::Article, "bai-viet", "Hội nghị tổng kết năm học"),
        (Kind::Campaign, "chien-dich", "Tháng khuyến học"),
        (Kind::Document, "van-ban", "Quyết định về khuyến học"),
        (Kind::Explainer, "hoi-dap", "Quyết định yêu cầu gì?"),
        (Kind::Page, "gioi-thieu", "Giới thiệu"),
    ];

    fn config(audiences: bool) -> Config {
        let yaml = if audiences {
            "title: T\nbase_url: https://x.vn\ntaxonomies: [tags]\naudiences:\n  gia-dinh: {name: Gia đình, description: D}\n  hoc-sinh: {name: Học sinh, description: D}\n"
        } else {
            "title: T\nbase_url: https://x.vn\n"
        };
        Config::parse(yaml, std::path::Path::new("/s"), &Default::default()).expect("config")
    }

    fn today() -> DateTime {
        crate::vi::dates::parse("2026-03-01").expect("date")
    }

    /// The errors of assembling `files` (path, text), and the pages made: (file, kind meta).
    fn assemble(
        config: &Config,
        files: &[(String, String)],
        drafts: bool,
    ) -> (Vec<String>, Vec<(String, KindMeta)>) {
        let parsed = files
            .iter()
            .map(|(f, t)| crate::parse::parse_file(t, f, f.ends_with("_index.md")).expect(f))
            .collect();
        let opts = crate::assemble::AssembleOptions { drafts, now: today(), preview: true, failed: &[] };
        let a = crate::assemble::assemble(config, parsed, opts).expect("assemble");
        let errors = a.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
        (errors, a.site.pages.into_iter().map(|p| (p.file, p.meta)).collect())
    }

    /// A site with a section of every kind and a scaffolded page in each, the explainer
    /// written once the document exists.
    fn scaffolded(config: &Config, kinds: &[(Kind, &str, &str)]) -> Vec<(String, String)> {
        let mut files = vec![("content/_index.md".to_string(), "---\ntitle: Trang chủ\n---\n".to_string())];
        let mut site = SiteIndex::default();
        for (kind, dir, title) in kinds {
            files.push((format!("content/{dir}/_index.md"), section_template(dir, *kind)));
            let text = page_template(*kind, title, today(), config, &site);
            if *kind == Kind::Document {
                let parsed = crate::parse::parse_file(&text, "d.md", false).expect("document");
                site.documents.push(SiteDocument {
                    code: ph::document_code(0, 2026),
                    aliases: Vec::new(),
                    clauses: crate::assemble::clause_ids(&parsed.body),
                    draft: true,
                });
            }
            files.push((format!("content/{dir}/{}.md", crate::vi::slugify(title)), text));
        }
        files
    }

    #[test]
    fn every_kind_is_a_draft_that_assembles_without_errors() {
        for audiences in [true, false] {
            let config = config(audiences);
            let files = scaffolded(&config, &KINDS);
            let (errors, pages) = assemble(&config, &files, true);
            assert!(errors.is_empty(), "{errors:#?}");
            assert_eq!(pages.len(), KINDS.len());
            let meta = |f: &str| &pages.iter().find(|(file, _)| file.contains(f)).expect(f).1;
            let KindMeta::Campaign(c) = meta("chien-dich/") else { panic!("no campaign") };
            assert_eq!(c.audiences.len(), if audiences { 2 } else { 0 });
            let KindMeta::Document(d) = meta("van-ban/") else { panic!("no document") };
            assert_eq!(
                (d.code.as_str(), d.clause_ids.clone()),
                ("00/2026/XX", vec!["diem-1".to_string(), "diem-2".into()])
            );
            // The explainer names the only document, and resolves.
            let KindMeta::Explainer(e) = meta("hoi-dap/") else { panic!("no explainer") };
            assert_eq!(e.document, "00/2026/XX");
            // Drafts: nothing is built without --drafts.
            let (errors, pages) = assemble(&config, &files, false);
            assert!(errors.is_empty() && pages.is_empty(), "{errors:#?} {pages:?}");
        }
    }

    #[test]
    fn an_explainer_without_documents_says_how_and_still_assembles() {
        let config = config(true);
        let files = scaffolded(&config, &KINDS[3..4]);
        let text = &files[2].1;
        assert!(!text.lines().any(|l| l.starts_with("explains:")), "{text}");
        assert!(text.contains("# explains: {document: 49-KL/TW, clauses: [diem-1]}"), "{text}");
        assert!(text.contains("`loa new van-ban \"Tên văn bản\"`"), "{text}");
        let (errors, pages) = assemble(&config, &files, true);
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(pages[0].1, KindMeta::None);
    }

    #[test]
    fn every_placeholder_is_written_by_a_scaffold() {
        let config = config(true);
        let all: String = scaffolded(&config, &KINDS).into_iter().map(|(_, t)| t).collect();
        for p in ph::ALL {
            assert!(all.contains(p), "no scaffold writes {p}");
        }
    }

    #[test]
    fn every_field_is_explained_by_the_comment_above_it() {
        for audiences in [true, false] {
            let config = config(audiences);
            // Every file but the home page's, which is not a scaffold.
            for (file, text) in scaffolded(&config, &KINDS).into_iter().skip(1) {
                let matter = text.split("---\n").nth(1).expect("front matter");
                let lines: Vec<&str> = matter.lines().collect();
                for (i, line) in lines.iter().enumerate() {
                    let indent = line.len() - line.trim_start().len();
                    let t = line.trim_start();
                    if t.starts_with('#') || t.starts_with('-') || indent > 2 {
                        continue;
                    }
                    assert!(
                        i > 0 && lines[i - 1].trim_start().starts_with('#'),
                        "{file}: `{line}` unexplained"
                    );
                }
            }
        }
    }

    #[test]
    fn an_explainer_names_the_document_of_its_title_else_a_published_real_one() {
        let doc = |code: &str, aliases: &[&str], draft: bool| SiteDocument {
            code: code.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            clauses: Vec::new(),
            draft,
        };
        let docs = [
            doc("00/2026/XX", &[], false),
            doc("11-CT/TW", &[], true),
            doc("49-KL/TW", &["Kết luận 49"], false),
            doc("1373/QĐ-TTg", &[], false),
        ];
        let code = |title: &str| explained(title, &docs).map(|(d, named)| (d.code.as_str(), named));
        assert_eq!(code("Kết luận 49 yêu cầu gì?"), Some(("49-KL/TW", true)));
        assert_eq!(code("Quyết định 1373/QĐ-TTg nói gì"), Some(("1373/QĐ-TTg", true)));
        assert_eq!(code("Chỉ thị 11-ct/tw"), Some(("11-CT/TW", true)));
        assert_eq!(code("Học tập suốt đời"), Some(("49-KL/TW", false)));
        assert_eq!(explained("x", &docs[..2]).map(|(d, _)| d.code.as_str()), Some("11-CT/TW"));
        assert_eq!(explained("x", &docs[..1]).map(|(d, _)| d.code.as_str()), Some("00/2026/XX"));
        assert!(explained("x", &[]).is_none());
    }

    #[test]
    fn a_new_document_takes_a_placeholder_code_no_other_has() {
        let mut site = SiteIndex::default();
        let code_of = |site: &SiteIndex| {
            let text = page_template(Kind::Document, "Văn bản", today(), &config(false), site);
            text.lines().find_map(|l| l.strip_prefix("  code: ")).expect("code").to_string()
        };
        assert_eq!(code_of(&site), "00/2026/XX");
        for code in ["00/2026/XX", "01/2026/xx"] {
            site.documents.push(SiteDocument {
                code: code.into(),
                aliases: Vec::new(),
                clauses: Vec::new(),
                draft: true,
            });
        }
        assert_eq!(code_of(&site), "02/2026/XX");
    }

    #[test]
    fn a_new_section_has_the_kind_and_title_of_its_name() {
        for (name, kind, title) in [
            ("chien-dich", Kind::Campaign, "Chiến dịch"),
            ("van-ban", Kind::Document, "Văn bản"),
            ("hoi-dap", Kind::Explainer, "Hỏi đáp"),
            ("giai-thich", Kind::Explainer, "Giải thích"),
            ("bai-viet", Kind::Article, "Bài viết"),
            ("tin-tuc", Kind::Article, "Tin tức"),
            ("dia-phuong/tin-tuc", Kind::Article, "Tin tức"),
        ] {
            assert_eq!(known_section(name), Some((kind, title)), "{name}");
        }
        assert_eq!(known_section("gioi-thieu"), None);
        let section = |name: &str, kind| {
            let text = section_template(name, kind);
            let p = crate::parse::parse_file(&text, "content/x/_index.md", true).expect("parse");
            let crate::content::Matter::Section(m) = p.matter else { panic!("not a section") };
            (m.title.map(|t| t.0).unwrap_or_default(), m.kind, text)
        };
        assert_eq!(section("chien-dich", Kind::Campaign).0, "Chiến dịch");
        // `--kind` wins over the name; the title is still the name's.
        assert_eq!(section("van-ban", Kind::Article).1, Some(Kind::Article));
        let (title, kind, text) = section("hoat-dong-doan", Kind::Page);
        assert_eq!((title.as_str(), kind), ("Hoat dong doan", Some(Kind::Page)));
        assert!(text.contains("Viết lại cho đủ dấu."), "{text}");
    }
}
