//! Any body through the Markdown stage with loa's options: never panics; without
//! `unsafe_html`, no `<script` reaches the HTML.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use loa::markdown::LinkTargets;
use loa::markdown::cite::{Citations, CiteTarget};

// Built once: the citation matcher compiles a regex.
static CITES: LazyLock<Citations> = LazyLock::new(|| {
    Citations::new(vec![CiteTarget {
        code: "49-KL/TW".into(),
        aliases: vec!["Kết luận 49".into()],
        url: "/van-ban/49/".into(),
        clauses: vec!["diem-1".into()],
    }])
});
static LINKS: LazyLock<LinkTargets> = LazyLock::new(|| LinkTargets {
    urls: [("bai-viet/a.md".to_string(), "/bai-viet/a/".to_string())].into(),
});

fuzz_target!(|body: &str| {
    let highlights = loa::markdown::highlight::HighlightCache::default();
    let opts = loa::markdown::MarkdownOptions {
        unsafe_html: false,
        links: &LINKS,
        bundle_url: Some("/a/b/"),
        cites: &CITES,
        own_document: None,
        clause_anchors: true,
        highlights: &highlights,
        shortcodes: None,
    };
    let r = loa::markdown::render(body, 1, "content/x.md", opts);
    assert!(!r.html.contains("<script"));
});
