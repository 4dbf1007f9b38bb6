//! Fixture sites with expected output trees, and invalid sites with expected diagnostics.

use crate::harness::{check_invalid, check_site, sites_dir};

macro_rules! sites {
    ($($name:ident => $dir:literal),* $(,)?) => {
        $( #[test] fn $name() { check_site($dir); } )*
        const SITES: &[&str] = &[$($dir),*];
    };
}

macro_rules! invalid {
    ($($name:ident => $dir:literal),* $(,)?) => {
        mod invalid {
            use super::check_invalid;
            $( #[test] fn $name() { check_invalid($dir); } )*
        }
        const INVALID: &[&str] = &[$($dir),*];
    };
}

sites! {
    basic => "basic",
    drafts_included_with_flag => "drafts",
    base_url_with_path => "base-path",
    two_campaigns_with_overlapping_audiences => "campaigns",
    schedule_before_the_window => "schedule-before",
    schedule_inside_the_window => "schedule-inside",
    schedule_after_the_window => "schedule-after",
    pagination_boundaries => "pagination",
    terms_in_nfc_nfd_case_and_tone_styles_are_one => "terms",
    documents_explainers_citations_backlinks_glossary => "documents",
    markdown_as_editors_write_it => "markdown-editors",
    bulletins_for_the_loudspeakers => "bulletins",
    approval_required_publishes_only_approved_pages => "approval",
    images_responsive_upright_and_without_metadata => "images",
    shortcodes_videos_figures_quotes_downloads => "shortcodes",
    images_keep_only_author_and_copyright => "images-credit",
    image_widths_and_sizes_from_the_theme => "images-theme",
    default_theme_in_vietnamese_as_before_theme_strings => "theme-vi",
    theme_strings_of_the_sites_own_language_files => "i18n-site",
    three_languages_linked_page_to_page => "languages",
}

invalid! {
    malformed_yaml => "malformed-yaml",
    unknown_front_matter_key => "unknown-key",
    unclosed_front_matter => "unclosed-front-matter",
    bad_date => "bad-date",
    missing_internal_link => "missing-link",
    missing_anchor => "missing-anchor",
    template_syntax_error => "template-syntax",
    template_unknown_variable => "template-variable",
    route_collision => "route-collision",
    unknown_audience => "unknown-audience",
    config_unknown_key => "config-unknown-key",
    missing_theme => "missing-theme",
    several_errors_reported_together => "several-errors",
    unknown_campaign => "unknown-campaign",
    campaign_ends_before_it_starts => "campaign-dates",
    explainer_of_an_unknown_clause => "unknown-clause",
    explainer_of_an_unknown_document => "unknown-document",
    two_documents_with_one_code => "duplicate-code",
    two_spellings_of_a_tag_on_one_path => "term-collision",
    approval_bad_input_is_an_error_at_its_line => "approval-bad-input",
    what_a_page_says_about_a_document_is_checked_against_the_registry => "document-facts",
    image_cut_short => "image-truncated",
    image_that_is_not_an_image => "image-not-image",
    image_decompression_bomb => "image-bomb",
    shortcode_errors_with_did_you_mean => "shortcode-errors",
    bad_language_files_are_errors_at_their_line => "i18n-bad-yaml",
    theme_string_keys_unknown_in_every_language => "i18n-unknown-key",
    translation_of_an_undeclared_language_a_missing_page_or_twice => "translation-files",
    translated_campaign_dates_audiences_and_document_code_follow_the_original => "translation-campaign",
    languages_default_code_prefix_and_base_url_checked => "languages-config",
    languages_unknown_key_with_did_you_mean => "languages-unknown-key",
    languages_declared_twice => "languages-duplicate",
}

/// Every fixture folder has a test, so a new fixture cannot be silently skipped.
#[test]
fn every_fixture_is_listed() {
    let dirs = |p: std::path::PathBuf| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(p)
            .expect("read")
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != "invalid")
            .collect();
        v.sort();
        v
    };
    let mut sites: Vec<String> = SITES.iter().map(|s| s.to_string()).collect();
    sites.sort();
    assert_eq!(dirs(sites_dir()), sites);
    let mut invalid: Vec<String> = INVALID.iter().map(|s| s.to_string()).collect();
    invalid.sort();
    assert_eq!(dirs(sites_dir().join("invalid")), invalid);
}

/// Every feed and sitemap of every fixture parses with a real XML parser, and every link in
/// them is absolute.
#[test]
fn feeds_and_sitemaps_are_well_formed_xml_with_absolute_urls() {
    let mut checked = 0;
    for site in SITES {
        let expected = sites_dir().join(site).join("expected");
        for (rel, bytes) in crate::harness::tree(&expected) {
            if !rel.ends_with(".xml") {
                continue;
            }
            let text = String::from_utf8(bytes).expect("utf-8");
            let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{site}/{rel}: {e}"));
            for node in doc.descendants() {
                let urls = node.attribute("href").into_iter().chain(
                    matches!(node.tag_name().name(), "loc" | "link" | "id" | "guid")
                        .then(|| node.text())
                        .flatten(),
                );
                for url in urls {
                    assert!(url.starts_with("https://"), "{site}/{rel}: relative URL {url}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} XML files checked");
}

/// Every Atom feed of every fixture names its author (the site), and so does each of its
/// entries (the page's `author:`, else the site), as RFC 4287 §4.1.1 asks.
#[test]
fn every_atom_feed_and_entry_of_every_fixture_names_an_author() {
    let (mut feeds, mut entries) = (0, 0);
    for site in SITES {
        let expected = sites_dir().join(site).join("expected");
        for (rel, bytes) in crate::harness::tree(&expected) {
            if !rel.ends_with("atom.xml") {
                continue;
            }
            let text = String::from_utf8(bytes).expect("utf-8");
            let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{site}/{rel}: {e}"));
            let name = |n: roxmltree::Node<'_, '_>| {
                n.children()
                    .find(|c| c.has_tag_name("author"))
                    .and_then(|a| a.children().find(|c| c.has_tag_name("name")))
                    .and_then(|c| c.text())
                    .filter(|t| !t.trim().is_empty())
                    .is_some()
            };
            assert!(name(doc.root_element()), "{site}/{rel}: a feed without an author");
            for e in doc.root_element().children().filter(|c| c.has_tag_name("entry")) {
                assert!(name(e), "{site}/{rel}: an entry without an author");
                entries += 1;
            }
            feeds += 1;
        }
    }
    assert!(feeds >= 20 && entries >= 40, "{feeds} feeds, {entries} entries");
}

/// In the fixture whose templates print `current_url` as `rel=canonical` (under a base path),
/// every page names its own address, the 404 page none, an alias redirect its page.
#[test]
fn current_url_is_each_pages_own_address_under_a_base_path() {
    let expected = sites_dir().join("base-path/expected");
    let base = "https://thu.example.vn/tin-tuc/";
    let mut checked = 0;
    for (rel, bytes) in crate::harness::tree(&expected) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).expect("utf-8");
        let canonical: Vec<&str> = html
            .split("<link rel=\"canonical\" href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .collect();
        if rel == "404.html" {
            assert!(canonical.is_empty(), "{rel}: {canonical:?}");
        } else if let Some(target) = html.split("url=").nth(1).and_then(|t| t.split('"').next()) {
            let page = target.strip_prefix("/tin-tuc/").expect("under the base path");
            assert!(
                sites_dir().join("base-path/expected").join(page).join("index.html").is_file(),
                "{target}"
            );
            assert_eq!(canonical, [format!("{base}{page}")], "{rel}: the alias's page");
        } else {
            let own = format!("{base}{}", rel.strip_suffix("index.html").expect("a folder page"));
            assert_eq!(canonical, [own], "{rel}");
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} pages");
}

/// Titles with markup are escaped in feeds (a parser sees text, not elements).
#[test]
fn feed_titles_with_markup_stay_text() {
    let atom = std::fs::read_to_string(sites_dir().join("basic/expected/atom.xml")).expect("atom");
    let doc = roxmltree::Document::parse(&atom).expect("xml");
    let titles: Vec<&str> =
        doc.descendants().filter(|n| n.has_tag_name("title")).filter_map(|n| n.text()).collect();
    assert!(titles.contains(&"Trang thử <cơ bản>"), "{titles:?}");
    assert!(titles.contains(&"Bài đầu tiên & \"trích dẫn\""), "{titles:?}");
}

/// A listing's cards: `card_html` is the theme's `card` component rendered for the page,
/// absent without such a component, and absent when the component fails, so the listing's
/// own call of it reports the error.
#[test]
fn listing_cards_carry_the_card_component_rendered_once() {
    use crate::harness::{minimal_site, run, write};
    let site = minimal_site();
    let root = site.path();
    let section = "{% extends \"base.html\" %}{% block b %}{% for p in section.pages %}[{% if p.card_html %}{{ p.card_html | safe }}{% else %}{{<card p={p}/>}}{% endif %}]{% endfor %}{% endblock %}";
    write(root, "templates/section.html", section);
    let built = |root: &std::path::Path| {
        let out = run(root, &["build"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        std::fs::read_to_string(root.join("public/bai-viet/index.html")).expect("listing")
    };
    write(
        root,
        "templates/components.html",
        "{% component card(p) %}<c>{{ p.title }} {{ p.reading_minutes }}</c>{% endcomponent card %}",
    );
    write(root, "content/bai-viet/hai.md", "---\ntitle: Hai <b> & ba\ndate: 2022-09-16\n---\nNội dung.\n");
    let once = built(root);
    assert!(once.contains("[<c>Hai &lt;b&gt; &amp; ba 1</c>][<c>Một 1</c>]"), "{once}");
    // The value itself, without the fallback.
    write(
        root,
        "templates/section.html",
        "{% extends \"base.html\" %}{% block b %}{% for p in section.pages %}({{ p.card_html | safe }}){% endfor %}{% endblock %}",
    );
    assert!(built(root).contains("(<c>Một 1</c>)"), "{}", built(root));
    // The same as the component called in the listing itself.
    write(root, "templates/section.html", &section.replace("p.card_html", "p.khong_co"));
    assert_eq!(built(root), once);
    write(root, "templates/section.html", section);
    // Without the component: no `card_html` (the listing here only tests for it).
    write(root, "templates/components.html", "{% component other(p) %}{% endcomponent other %}");
    write(root, "templates/section.html", &section.replace("{{<card p={p}/>}}", "không có"));
    assert!(built(root).contains("[không có]"), "{}", built(root));
    // A failing component: the listing's own call reports it, with the template's name.
    write(root, "templates/section.html", section);
    write(
        root,
        "templates/components.html",
        "{% component card(p) %}{{ p.title | khong_co }}{% endcomponent card %}",
    );
    let out = run(root, &["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("khong_co"), "{stderr}");
}
