//! Property tests (issue 7, "Fuzzing and properties"): the entry points that take editors' text
//! never panic, and their invariants hold on generated input. Bounded: 64–256 cases each, a few
//! seconds in all. The same entry points have cargo-fuzz targets in fuzz/ for longer runs.

use std::path::{Component, Path};

use proptest::prelude::*;

/// Soup of the characters that matter to front matter and Markdown.
fn soup() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "---",
        "\n",
        "\r\n",
        " ",
        "\t",
        ":",
        "[",
        "]",
        "{",
        "}",
        "\"",
        "'",
        "#",
        "-",
        "&a",
        "*a",
        "|",
        ">",
        "title",
        "date",
        "tags",
        "extra",
        "...",
        "`",
        "```",
        "*",
        "_",
        "<",
        "!",
        "(",
        ")",
        "@/",
        "http://",
        "www.",
        "a@b.vn",
        "javascript:",
        "\u{feff}",
        "é",
        "e\u{301}",
        "Đ",
        "ọ",
        "\u{202e}",
        "\0",
        "2022-09-15",
        "<!-- more -->",
        "{#id}",
        "[^1]",
        "|---|",
        "    ",
        "\\",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn front_matter_parsing_never_panics_and_positions_are_in_the_file(text in soup()) {
        for is_section in [false, true] {
            if let Err(diags) = loa::parse::parse_file(&text, "content/x.md", is_section) {
                let lines = text.split('\n').count() + 1;
                for d in diags.iter() {
                    let loc = d.location.as_ref().expect("front matter errors name the file");
                    prop_assert_eq!(&loc.file, "content/x.md");
                    prop_assert!(loc.line <= lines, "line {} past the end ({} lines): {}", loc.line, lines, d);
                }
            }
        }
    }

    #[test]
    fn decoding_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Err(d) = loa::parse::decode_text(&bytes, "content/x.md") {
            prop_assert!(d.is_error());
        }
    }

    #[test]
    fn unknown_key_is_reported_at_its_file_line(
        blank in 0usize..4,
        before in 0usize..5,
        after in 0usize..5,
    ) {
        // `blank` blank lines, `---`, `before` valid lines, the bad key, `after` valid lines.
        let valid = ["title: T", "date: 2022-09-15", "summary: s", "tags: [a]", "draft: false"];
        let mut text = "\n".repeat(blank);
        text.push_str("---\n");
        for l in valid.iter().take(before) {
            text.push_str(l);
            text.push('\n');
        }
        text.push_str("titel: x\n");
        for l in valid.iter().skip(before).take(after) {
            text.push_str(l);
            text.push('\n');
        }
        text.push_str("---\nbody\n");
        let e = loa::parse::parse_file(&text, "f", false).expect_err("unknown key");
        let loc = e.0[0].location.as_ref().expect("located");
        prop_assert_eq!(loc.line, blank + 2 + before, "{}", text);
    }

    #[test]
    fn markdown_pipeline_never_panics(body in soup(), first_line in 1usize..1000, unsafe_html in any::<bool>()) {
        let links = loa::markdown::LinkTargets::default();
        let cites = loa::markdown::cite::Citations::new(vec![loa::markdown::cite::CiteTarget {
            code: "49-KL/TW".into(),
            aliases: vec!["Kết luận 49".into()],
            url: "/van-ban/49/".into(),
            clauses: vec!["diem-1".into()],
        }]);
        let opts = loa::markdown::MarkdownOptions {
            unsafe_html,
            links: &links,
            bundle_url: Some("/a/b/"),
            cites: &cites,
            own_document: None,
            clause_anchors: true,
            highlights: &loa::markdown::highlight::HighlightCache::default(),
            shortcodes: None,
        };
        let r = loa::markdown::render(&body, first_line, "content/x.md", opts);
        for d in r.diagnostics.iter() {
            let l = d.location.as_ref().map_or(first_line, |l| l.line);
            prop_assert!(l >= first_line && l <= first_line + body.split('\n').count());
        }
        if !unsafe_html {
            prop_assert!(!r.html.contains("<script"), "{}", r.html);
            // Bare addresses are linked only outside links: never a link inside a link.
            let mut depth = 0;
            for (i, _) in r.html.match_indices('<') {
                let tag = &r.html[i..];
                if tag.starts_with("<a ") || tag.starts_with("<a>") {
                    depth += 1;
                    prop_assert!(depth <= 1, "{}", r.html);
                } else if tag.starts_with("</a>") {
                    depth -= 1;
                }
            }
        }
    }
}

/// Vietnamese-ish text: letters with every tone and hat, in NFC or NFD, and separators.
fn vietnamese() -> impl Strategy<Value = String> {
    let chars = prop::sample::select(
        "aăâeêioôơuưyđAĂÂĐàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ \
         -_/.,;:!?()[]{}'\"0123456789\u{301}\u{300}\u{303}\u{309}\u{323}\u{302}\u{306}\u{31b}ßİ🙂漢"
            .chars()
            .collect::<Vec<char>>(),
    );
    prop::collection::vec(chars, 0..40).prop_map(|v| v.into_iter().collect())
}

fn nfd(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn slugify_is_idempotent_form_blind_and_url_safe(s in vietnamese()) {
        let slug = loa::vi::slugify(&s);
        prop_assert_eq!(loa::vi::slugify(&slug), slug.clone(), "not idempotent");
        prop_assert_eq!(loa::vi::slugify(&nfd(&s)), slug.clone(), "NFD differs");
        prop_assert_eq!(loa::vi::slugify(&loa::vi::nfc(&s)), slug.clone(), "NFC differs");
        prop_assert!(slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{}", slug);
        prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"), "{}", slug);
    }

    #[test]
    fn fold_is_idempotent_and_form_blind(s in vietnamese()) {
        let f = loa::vi::fold(&s);
        prop_assert_eq!(loa::vi::fold(&f), f.clone());
        prop_assert_eq!(loa::vi::fold(&nfd(&s)), f.clone());
        prop_assert!(!f.chars().any(|c| matches!(c as u32, 0x300..=0x36f)), "{}", f);
    }

    #[test]
    fn safe_relative_never_escapes(parts in prop::collection::vec(
        prop::sample::select(vec!["a", "b", "..", ".", "", "/", "\\", "C:", "~", "\0", "x.html", "%2e%2e", "...", " "]),
        0..8,
    ), sep in prop::sample::select(vec!["/", "\\", "//"])) {
        let key = parts.join(sep);
        if let Some(rel) = loa::write::safe_relative(&key) {
            prop_assert!(rel.components().all(|c| matches!(c, Component::Normal(_))), "{:?}", key);
            let root = Path::new("/srv/out");
            let joined = root.join(rel);
            // Lexically normalised, the joined path is still under the root.
            let mut depth = 0i32;
            for c in joined.strip_prefix(root).expect("under root").components() {
                match c {
                    Component::ParentDir => depth -= 1,
                    Component::Normal(_) => depth += 1,
                    _ => prop_assert!(false, "{:?}", key),
                }
                prop_assert!(depth >= 0, "{:?} escapes", key);
            }
            prop_assert!(!key.contains('\\') && !key.contains('\0'));
        }
    }
}
