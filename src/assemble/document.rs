//! Documents in the assemble stage: a document page's block (its code is a document number,
//! its clauses are the headings with explicit ids), codes and aliases unique across the site,
//! and each explainer's document and clauses resolved (an alias works; unknown ones are errors
//! with the valid ids as the hint).

use crate::content::kind::DocumentMatter;
use crate::content::{Document, KeyLines, KindMeta, PolicyDocument};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, unknown_hint};

/// The document of a page of kind `document`: its block checked (the code is a document
/// number), its clauses pre-scanned from the body, or an error when the block is missing.
pub(super) fn document_meta(
    block: Option<DocumentMatter>,
    body: &str,
    file: &str,
    key_lines: &KeyLines,
    diags: &mut Diagnostics,
) -> KindMeta {
    match block {
        Some(d) => {
            let code = d.code.0.trim().to_string();
            if !is_document_number(&code) {
                diags.push(
                    Diagnostic::error(
                        "document-code",
                        key_lines.locate_value(file, "document.code", 0, &code),
                        format!("số hiệu `{code}` không đúng dạng số hiệu văn bản"),
                    )
                    .with_hint("viết như `49-KL/TW`, `1373/QĐ-TTg`, `30/2020/NĐ-CP`"),
                );
            }
            KindMeta::Document(PolicyDocument {
                code,
                title: d.title.map(|t| t.0),
                issued: d.issued.map(|t| t.0),
                issuer: d.issuer,
                signer: d.signer,
                aliases: d
                    .aliases
                    .into_iter()
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect(),
                source_url: d.source_url.filter(|u| !crate::url::is_dangerous(u)),
                status: d.status,
                related: d.related,
                clause_ids: clause_ids(body),
            })
        }
        None => {
            diags.push(
                Diagnostic::error("document", Location::file(file), "trang văn bản thiếu khối `document:`")
                    .with_hint("thêm `document: {code: 49-KL/TW, title: …, issued: 2019-05-10, issuer: …}`"),
            );
            KindMeta::None
        }
    }
}

/// A code that is a document number as a whole (`49-KL/TW`, not `Kết luận năm mươi`).
fn is_document_number(code: &str) -> bool {
    crate::vi::docnum::find(code).first().is_some_and(|r| r.len() == code.len())
}

/// Document codes are unique; `related` codes that have no page are warnings; an explainer's
/// document and clauses must exist (its `explains.document` is rewritten to the registered
/// code, so an alias works too).
/// When a file of a `kind: document` section was left out by its own errors (`missing`), an
/// explainer's unknown document is not reported: it may be that one.
pub(super) fn check_documents(
    pages: &mut [Document],
    missing: &[&String],
    sections: &[crate::content::Section],
    diags: &mut Diagnostics,
) {
    let document_missing = missing.iter().any(|f| {
        let rel = f.strip_prefix("content/").unwrap_or(f);
        sections.iter().any(|s| {
            s.kind == crate::content::Kind::Document
                && !s.dir.is_empty()
                && rel.starts_with(&format!("{}/", s.dir))
        })
    });
    use crate::vi::docnum::normalize_code;
    let mut registry: Vec<(String, usize)> = Vec::new(); // normalized code or alias → page
    let mut duplicated: Vec<String> = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        let Some(d) = p.meta.document() else { continue };
        let key = normalize_code(&d.code);
        if let Some((_, other)) = registry.iter().find(|(k, _)| *k == key) {
            duplicated.push(key);
            diags.push(
                Diagnostic::error(
                    "duplicate-code",
                    p.key_lines.locate(&p.file, "document.code"),
                    format!("số hiệu `{}` đã được dùng cho {}", d.code, pages[*other].file),
                )
                .with_hint("mỗi văn bản chỉ có một trang; xóa hoặc sửa số hiệu ở một trong hai tệp"),
            );
            continue;
        }
        registry.push((key, i));
    }
    // The codes a hint may offer: not one already reported as no document number.
    let codes: Vec<String> = registry
        .iter()
        .filter_map(|(_, i)| pages[*i].meta.document())
        .map(|d| d.code.clone())
        .filter(|c| is_document_number(c))
        .collect();
    // Every document page by code and alias (duplicates included, so that an explainer of a
    // duplicated document is not reported twice).
    let mut by_alias: Vec<(String, usize)> = registry.clone();
    for (i, p) in pages.iter().enumerate() {
        if let Some(d) = p.meta.document() {
            by_alias.push((normalize_code(&d.code), i));
            by_alias.extend(d.aliases.iter().map(|a| (normalize_code(a), i)));
        }
    }
    for p in pages.iter() {
        let Some(d) = p.meta.document() else { continue };
        for r in &d.related {
            if !registry.iter().any(|(k, _)| *k == normalize_code(&r.code)) {
                diags.push(
                    Diagnostic::warning(
                        "unknown-related",
                        p.key_lines.locate(&p.file, "document.related"),
                        format!("văn bản liên quan `{}` chưa có trang trên trang web", r.code),
                    )
                    .with_hint("không sao nếu văn bản này không có trang; nếu có, kiểm tra lại số hiệu"),
                );
            }
        }
    }
    let docs: Vec<Option<PolicyDocument>> = pages.iter().map(|p| p.meta.document().cloned()).collect();
    for p in pages.iter_mut() {
        let KindMeta::Explainer(e) = &p.meta else { continue };
        let Some(&(_, target)) = by_alias.iter().find(|(k, _)| *k == normalize_code(&e.document)) else {
            if document_missing {
                continue;
            }
            let known: Vec<&str> = codes.iter().map(String::as_str).collect();
            let hint = unknown_hint(
                &e.document,
                &known,
                "các văn bản",
                "trang web chưa có văn bản nào (chuyên mục `kind: document`)",
            );
            diags.push(
                Diagnostic::error(
                    "unknown-document",
                    p.key_lines.locate_value(&p.file, "explains.document", 0, &e.document),
                    format!("không có văn bản `{}`", e.document),
                )
                .with_hint(hint),
            );
            continue;
        };
        let Some(Some(doc)) = docs.get(target) else { continue };
        if duplicated.contains(&normalize_code(&doc.code)) {
            // Which of the two pages is meant is unknown until the duplicate is fixed.
            continue;
        }
        for c in &e.clauses {
            if !doc.clause_ids.contains(c) {
                let known: Vec<&str> = doc.clause_ids.iter().map(String::as_str).collect();
                let hint = unknown_hint(
                    c,
                    &known,
                    &format!("các điểm của {}", doc.code),
                    &format!(
                        "văn bản {} chưa có điểm nào: thêm mã điểm vào cuối tiêu đề của mỗi điểm trong trang văn bản, ví dụ `## Điểm 1. … {{#diem-1}}`",
                        doc.code
                    ),
                );
                diags.push(
                    Diagnostic::error(
                        "unknown-clause",
                        p.key_lines.locate_value(&p.file, "explains.clauses", 0, c),
                        format!("văn bản {} không có điểm `{c}`", doc.code),
                    )
                    .with_hint(hint),
                );
            }
        }
        let resolved = crate::content::Explains { document: doc.code.clone(), clauses: e.clauses.clone() };
        p.meta = KindMeta::Explainer(resolved);
    }
}

/// Ids of the headings with an explicit `{#id}`: a document's clauses. A line-based pre-scan,
/// so every page can link to clauses before the documents are rendered.
pub fn clause_ids(body: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut fence: Option<&str> = None;
    for line in body.lines() {
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
        if !t.starts_with('#') {
            continue;
        }
        let t = t.trim_end();
        if let Some(open) = t.rfind("{#")
            && let Some(id) = t[open + 2..].strip_suffix('}')
        {
            let id = id.split_whitespace().next().unwrap_or("");
            if !id.is_empty() && !ids.iter().any(|x| x == id) {
                ids.push(id.to_string());
            }
        }
    }
    ids
}
