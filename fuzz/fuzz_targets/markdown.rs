//! Any body through the Markdown stage with loa's options: never panics; without
//! `unsafe_html`, no `<script` reaches the HTML.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &str| {
    let links = loa::markdown::LinkTargets::default();
    let cites = loa::markdown::cite::Citations::new(vec![loa::markdown::cite::CiteTarget {
        code: "49-KL/TW".into(),
        aliases: vec!["Kết luận 49".into()],
        url: "/van-ban/49/".into(),
        clauses: vec!["diem-1".into()],
    }]);
    let opts = loa::markdown::MarkdownOptions {
        unsafe_html: false,
        links: &links,
        bundle_url: Some("/a/b/"),
        cites: &cites,
        own_document: None,
        clause_anchors: true,
        highlights: &loa::markdown::highlight::HighlightCache::default(),
    };
    let r = loa::markdown::render(body, 1, "content/x.md", opts);
    assert!(!r.html.contains("<script"));
});
