//! Views of policy documents and explainers: clause backlinks, the relation graph both ways,
//! quoted clauses, FAQ (with its JSON-LD) and the site glossary page.

use super::call::TemplateCall;
use super::context::{
    ClauseView, DocRefView, DocumentView, ExplainerView, FaqView, GlossaryEntryView, LinkView, QuotedClause,
};
use super::env::Env;
use crate::content::DocId;
use crate::content::output_file;

/// URL folder of the site glossary.
pub const GLOSSARY_PATH: &str = "/thuat-ngu/";

fn doc_ref(env: &Env<'_>, code: &str, relation: Option<&str>) -> DocRefView {
    let page = env.site.pages.iter().find(|p| {
        p.meta.document().is_some_and(|d| {
            crate::vi::docnum::normalize_code(&d.code) == crate::vi::docnum::normalize_code(code)
        })
    });
    DocRefView {
        code: page.and_then(|p| p.meta.document()).map_or_else(|| code.to_string(), |d| d.code.clone()),
        relation: relation.map(str::to_string),
        title: page.map(|p| p.title.clone()),
        url: page.map(|p| env.config.url(&p.path)),
    }
}

/// `page.document` for document page `i`.
pub fn document_view<'a>(env: &'a Env<'_>, i: DocId) -> Option<DocumentView<'a>> {
    let p = &env.site.pages[i];
    let d = p.meta.document()?;
    let t = env.cites.find_code(&d.code)?;
    let cites_of = &env.backlinks.by_target[t];
    let mut pages_citing: Vec<DocId> = Vec::new();
    for (page, _) in cites_of {
        if *page != i && !pages_citing.contains(page) {
            pages_citing.push(*page);
        }
    }
    let clauses = env.pages[i]
        .clauses
        .iter()
        .map(|c| ClauseView {
            id: c.id.clone(),
            title: c.title.clone(),
            url: format!("{}#{}", env.config.url(&p.path), c.id),
            backlinks: cites_of
                .iter()
                .filter(|(page, clause)| *page != i && clause.as_deref() == Some(c.id.as_str()))
                .map(|(page, _)| &env.cards[*page])
                .collect(),
        })
        .collect();
    let key = crate::vi::docnum::normalize_code(&d.code);
    let related_by = env
        .site
        .pages
        .iter()
        .filter_map(|o| o.meta.document())
        .flat_map(|o| {
            o.related
                .iter()
                .filter(|r| crate::vi::docnum::normalize_code(&r.code) == key)
                .map(|r| doc_ref(env, &o.code, Some(&r.relation)))
                .collect::<Vec<_>>()
        })
        .collect();
    Some(DocumentView {
        code: d.code.clone(),
        title: d.title.clone(),
        issued: d.issued.map(super::context::DateView::new),
        issuer: d.issuer.clone(),
        signer: d.signer.clone(),
        aliases: d.aliases.clone(),
        source_url: d.source_url.clone(),
        status: d.status.clone(),
        related: d.related.iter().map(|r| doc_ref(env, &r.code, Some(&r.relation))).collect(),
        related_by,
        clauses,
        backlinks: pages_citing.into_iter().map(|k| &env.cards[k]).collect(),
    })
}

/// `page.explainer` for explainer page `i`.
pub fn explainer_view(env: &Env<'_>, i: DocId) -> Option<ExplainerView> {
    let e = env.site.pages[i].meta.explains()?;
    let doc_page = env.site.pages.iter().position(|p| {
        p.meta.document().is_some_and(|d| {
            crate::vi::docnum::normalize_code(&d.code) == crate::vi::docnum::normalize_code(&e.document)
        })
    })?;
    let url = env.config.url(&env.site.pages[doc_page].path);
    let clauses = e
        .clauses
        .iter()
        .filter_map(|id| env.pages[doc_page].clauses.iter().find(|c| &c.id == id))
        .map(|c| QuotedClause {
            id: c.id.clone(),
            title: c.title.clone(),
            url: format!("{url}#{}", c.id),
            html: c.html.clone(),
        })
        .collect();
    Some(ExplainerView { document: doc_ref(env, &e.document, None), clauses })
}

/// The FAQ of page `i` and its schema.org FAQPage JSON-LD.
pub fn faq_view<'a>(env: &'a Env<'_>, i: DocId) -> (Vec<FaqView<'a>>, Option<String>) {
    let p = &env.site.pages[i];
    let answers = &env.pages[i].faq_answers;
    let items: Vec<FaqView<'a>> =
        p.faq.iter().zip(answers).map(|(f, a)| FaqView { q: f.q.as_str(), a: a.as_str() }).collect();
    if items.is_empty() {
        return (items, None);
    }
    let page_url = env.config.permalink(&p.path);
    let origin = env.config.permalink("");
    let origin = origin.strip_suffix(env.config.base_path.as_str()).unwrap_or(&origin).to_string();
    let json = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": items.iter().map(|f| serde_json::json!({
            "@type": "Question",
            "name": f.q,
            "acceptedAnswer": {"@type": "Answer", "text": answer_html(f.a, &origin, &page_url)},
        })).collect::<Vec<_>>(),
    });
    (items, Some(script_safe_json(&json)))
}

/// Tags an `Answer`'s `text` may hold (Google's rules for FAQ rich results: h1–h6, br, ol, ul,
/// li, a, p, div, b, strong, i, em).
const ANSWER_TAGS: &[&str] =
    &["h1", "h2", "h3", "h4", "h5", "h6", "br", "ol", "ul", "li", "a", "p", "div", "b", "strong", "i", "em"];

/// Blocks outside [`ANSWER_TAGS`], written as `div` so that their texts stay apart.
const ANSWER_BLOCKS: &[&str] = &[
    "blockquote",
    "pre",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
    "section",
    "aside",
    "details",
    "summary",
];

/// An answer's HTML as schema.org's `Answer.text` takes it: only [`ANSWER_TAGS`] (other blocks
/// become `div`, other tags are dropped and their text kept: `<span class="so-hieu">`, `<code>`;
/// a `script` or `style` goes with its text), no attribute but a link's `href`, made absolute
/// (`/van-ban/x/` on `origin`, `#id` on the page's `page_url`). The text between tags is copied
/// as it is (already escaped).
pub fn answer_html(html: &str, origin: &str, page_url: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tail = &rest[lt..];
        if let Some(comment) = tail.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |e| &comment[e + 3..]);
            continue;
        }
        let Some(gt) = tag_end(tail) else {
            out.push_str("&lt;");
            rest = &tail[1..];
            continue;
        };
        let inside = &tail[1..gt];
        rest = &tail[gt + 1..];
        let closing = inside.starts_with('/');
        let body = inside.trim_start_matches('/');
        let name = body.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or("").to_ascii_lowercase();
        if name.is_empty() {
            // Not a tag (`<` followed by a space or a digit): text.
            out.push_str("&lt;");
            rest = &tail[1..];
            continue;
        }
        if !closing && (name == "script" || name == "style") {
            let end = format!("</{name}");
            rest = rest.to_ascii_lowercase().find(&end).map_or("", |e| &rest[e..]);
            continue;
        }
        let kept = match ANSWER_TAGS.iter().find(|&&t| t == name) {
            Some(&t) => t,
            None if ANSWER_BLOCKS.contains(&name.as_str()) => "div",
            None => continue,
        };
        match (closing, kept) {
            (true, "br") => {}
            (true, _) => out.extend(["</", kept, ">"]),
            (false, "a") => match attribute(body, "href") {
                Some(href) => out.extend(["<a href=\"", &absolute(href, origin, page_url), "\">"]),
                None => out.push_str("<a>"),
            },
            (false, _) => out.extend(["<", kept, ">"]),
        }
    }
    out.push_str(rest);
    out
}

/// The index of the `>` that closes the tag `tail` starts with (not one inside a quoted value).
fn tag_end(tail: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in tail.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The value of attribute `name` in a tag's text (`a class="x" href="/y/"`), quoted or not.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag;
    while let Some(at) = rest.find(name) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + name.len()..].trim_start();
        rest = &rest[at + name.len()..];
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let Some(value) = after.strip_prefix('=') else { continue };
        let value = value.trim_start();
        return Some(match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value.split(char::is_whitespace).next().unwrap_or(""),
        });
    }
    None
}

/// `href` as an absolute URL: kept when it has a scheme (`https:`, `mailto:`), on `origin`
/// when it starts with `/`, else on the page's own URL.
fn absolute(href: &str, origin: &str, page_url: &str) -> String {
    let scheme = href.split(':').next().filter(|s| {
        href.contains(':')
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if scheme.is_some() {
        href.to_string()
    } else if let Some(rest) = href.strip_prefix("//") {
        let scheme = origin.split("//").next().unwrap_or("https:");
        format!("{scheme}//{rest}")
    } else if href.starts_with('/') {
        format!("{origin}{href}")
    } else {
        format!("{page_url}{href}")
    }
}

/// JSON that is safe inside `<script type="application/ld+json">`: `<`, `>` and `&` are
/// written as `\u003c` and friends, so no text can close the script element.
pub fn script_safe_json(v: &serde_json::Value) -> String {
    script_safe(v)
}

/// [`script_safe_json`] for any serialisable value.
pub fn script_safe<T: serde::Serialize + ?Sized>(v: &T) -> String {
    let json = serde_json::to_string(v).unwrap_or_default();
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// Every glossary entry of the site, in Vietnamese order (same term: by source page title).
pub fn glossary_entries(env: &Env<'_>) -> Vec<GlossaryEntryView> {
    let mut out: Vec<GlossaryEntryView> = env
        .site
        .pages
        .iter()
        .flat_map(|p| {
            p.glossary.iter().map(move |g| GlossaryEntryView {
                term: g.term.clone(),
                definition: g.definition.clone(),
                source: LinkView { title: p.title.clone(), url: env.config.url(&p.path) },
                id: crate::vi::slugify(&g.term),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        crate::vi::collate(&a.term, &b.term)
            .then_with(|| crate::vi::collate(&a.source.title, &b.source.title))
            .then_with(|| a.definition.cmp(&b.definition))
    });
    // Identical definitions of one term from several pages are shown once.
    out.dedup_by(|b, a| {
        crate::vi::tone_key(&a.term) == crate::vi::tone_key(&b.term) && a.definition == b.definition
    });
    out
}

/// `/thuat-ngu/`: the site glossary.
pub fn prepare_glossary<'a>(env: &'a Env<'_>) -> Result<TemplateCall<'a>, crate::diagnostics::Diagnostic> {
    Ok(TemplateCall::new(output_file(GLOSSARY_PATH), "glossary.html", "loa.yaml")
        .with("glossary", glossary_entries(env)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "https://x.vn";
    const PAGE: &str = "https://x.vn/tin/hoi-dap/mot/";

    #[test]
    fn an_answer_keeps_only_the_tags_schema_org_allows_with_absolute_links() {
        let html = "<p>Theo <a class=\"trich-dan\" href=\"/tin/van-ban/11-ct-tw/\">Chỉ thị số <span class=\"so-hieu\">11-CT/TW</span></a>, <strong>mỗi</strong> <em>người</em> <code>học</code>.</p>\n<ul>\n<li><a href=\"#y-1\">ý</a><br />hai</li>\n</ul>\n<blockquote>\n<p>Trích &amp; dẫn</p>\n</blockquote>\n<p><img src=\"/a.png\" alt=\"ảnh\"><a href=\"https://e.org/?a=1&amp;b=2\">ngoài</a><a href='mailto:a@x.vn'>thư</a></p>";
        assert_eq!(
            answer_html(html, ORIGIN, PAGE),
            "<p>Theo <a href=\"https://x.vn/tin/van-ban/11-ct-tw/\">Chỉ thị số 11-CT/TW</a>, <strong>mỗi</strong> <em>người</em> học.</p>\n<ul>\n<li><a href=\"https://x.vn/tin/hoi-dap/mot/#y-1\">ý</a><br>hai</li>\n</ul>\n<div>\n<p>Trích &amp; dẫn</p>\n</div>\n<p><a href=\"https://e.org/?a=1&amp;b=2\">ngoài</a><a href=\"mailto:a@x.vn\">thư</a></p>"
        );
    }

    #[test]
    fn an_answer_drops_scripts_comments_and_attributes() {
        let html = "<p id=\"x\" onclick=\"a()\">A<!-- ghi chú --><script>alert('<b>')</script><STYLE>p{}</STYLE>B<a data-href=\"/x/\" title=\"a > b\">C</a><a href=//e.org/y>D</a></p>";
        assert_eq!(answer_html(html, ORIGIN, PAGE), "<p>AB<a>C</a><a href=\"https://e.org/y\">D</a></p>");
        assert_eq!(answer_html("a < b <", ORIGIN, PAGE), "a &lt; b &lt;");
    }

    #[test]
    fn every_tag_left_in_an_answer_is_an_allowed_one() {
        let pieces = [
            "<p>",
            "</p>",
            "<span class=\"so-hieu\">",
            "</span>",
            "<a href=\"/x/\">",
            "</a>",
            "<table>",
            "<td>",
            "</td>",
            "<img src=a>",
            "<hr />",
            "<h2 id=\"a\">",
            "</h2>",
            "chữ",
            " & ",
            "<",
            ">",
            "\"",
            "<!--",
            "-->",
            "<br>",
        ];
        for t in crate::testing::mixed_strings(&pieces, 6, 5_000, 0x9E37_79B9_7F4A_7C15) {
            let out = answer_html(&t, ORIGIN, PAGE);
            let mut rest = out.as_str();
            while let Some(lt) = rest.find('<') {
                let tag = &rest[lt + 1..];
                let end = tag.find('>').unwrap_or_else(|| panic!("{t:?} → {out:?}"));
                let tag = &tag[..end];
                let name = tag.trim_start_matches('/');
                let (name, attrs) = name.split_once(' ').unwrap_or((name, ""));
                assert!(ANSWER_TAGS.contains(&name), "{t:?} → {out:?}");
                assert!(attrs.is_empty() || attrs.starts_with("href=\"https://"), "{t:?} → {out:?}");
                rest = &rest[lt + 1 + end..];
            }
        }
    }
}
