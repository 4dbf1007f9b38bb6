//! `loa new`: scaffolds of every kind that build as they are (drafts), sections created when
//! their folder does not exist, the placeholder check, the new site's `.gitignore`.

use std::path::Path;

use crate::harness::{run, write};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn read(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A new site in a temp folder: (the temp folder, the site).
fn new_site() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = run(tmp.path(), &["new", "site", "trang"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let site = tmp.path().join("trang");
    (tmp, site)
}

/// A section of every kind (all but `bai-viet` created by `loa new`), the document before
/// the explainer: (section, kind, title, page written).
const PAGES: [(&str, &str, &str, &str); 5] = [
    ("bai-viet", "article", "Hội nghị tổng kết năm học", "content/bai-viet/hoi-nghi-tong-ket-nam-hoc.md"),
    ("chien-dich", "campaign", "Tháng khuyến học", "content/chien-dich/thang-khuyen-hoc.md"),
    ("van-ban", "document", "Quyết định về khuyến học", "content/van-ban/quyet-dinh-ve-khuyen-hoc.md"),
    ("hoi-dap", "explainer", "Quyết định yêu cầu gì?", "content/hoi-dap/quyet-dinh-yeu-cau-gi.md"),
    ("gioi-thieu", "page", "Giới thiệu", "content/gioi-thieu/gioi-thieu.md"),
];

#[test]
fn every_kind_builds_and_checks_as_a_draft_and_is_left_out_without_drafts() {
    let (_tmp, site) = new_site();
    for (section, kind, title, page) in PAGES {
        let out = run(&site, &["new", section, title]);
        assert!(out.status.success(), "{section}: {}", stderr(&out));
        // stdout is the page's path alone; what else was made is said on stderr.
        assert_eq!(stdout(&out), page);
        let index = read(&site, &format!("content/{section}/_index.md"));
        assert!(index.contains(&format!("\nkind: {kind}\n")), "{index}");
        if section == "bai-viet" {
            assert!(!stderr(&out).contains("chuyên mục mới"), "{}", stderr(&out));
        } else {
            assert!(
                stderr(&out)
                    .contains(&format!("Đã tạo chuyên mục mới: content/{section}/_index.md (kind: {kind}")),
                "{}",
                stderr(&out)
            );
        }
        let text = read(&site, page);
        assert!(text.contains("\ndraft: true\n"), "{text}");
    }
    let document = read(&site, PAGES[2].3);
    assert!(document.contains("  code: 00/20") && document.contains("/XX\n"), "{document}");
    assert!(document.contains("{#diem-1}"), "{document}");
    // The explainer names the document the site has.
    let explainer = read(&site, PAGES[3].3);
    let code = document.lines().find_map(|l| l.strip_prefix("  code: ")).expect("code");
    assert!(
        explainer.contains(&format!("explains:\n  # Số hiệu văn bản.\n  document: \"{code}\"\n")),
        "{explainer}"
    );
    let campaign = read(&site, PAGES[1].3);
    assert!(campaign.contains("  audiences:\n    nguoi-dan:\n      headline: "), "{campaign}");

    let out = run(&site, &["build", "--drafts"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for (_, _, _, page) in PAGES {
        let slug = page.trim_start_matches("content/").trim_end_matches(".md");
        assert!(site.join("public").join(slug).join("index.html").is_file(), "{slug} not built");
    }
    assert!(site.join("public/chien-dich/thang-khuyen-hoc/nguoi-dan/index.html").is_file());
    // The check passes (warnings only): every page still holds its placeholders.
    let out = run(&site, &["check", "--drafts"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for (_, _, _, page) in PAGES {
        assert!(
            stderr(&out).contains(&format!("{page}:")),
            "no placeholder warning for {page}: {}",
            stderr(&out)
        );
    }
    let out = run(&site, &["check", "--drafts", "--strict"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));

    // Without --drafts, the new pages are left out, and their placeholders are not reported.
    let out = run(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for (_, _, _, page) in PAGES {
        let slug = page.trim_start_matches("content/").trim_end_matches(".md");
        assert!(!site.join("public").join(slug).exists(), "draft {slug} built");
    }
    assert!(site.join("public/bai-viet/bai-viet-dau-tien/index.html").is_file());
    let out = run(&site, &["check", "--strict"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn placeholders_left_in_a_published_page_are_warnings_at_their_lines() {
    let (_tmp, site) = new_site();
    let page = "content/van-ban/quyet-dinh-ve-khuyen-hoc.md";
    assert!(run(&site, &["new", "van-ban", "Quyết định về khuyến học"]).status.success());
    let text = read(&site, page).replace("draft: true\n", "");
    std::fs::write(site.join(page), &text).expect("write");
    let line_of = |needle: &str| 1 + text.lines().position(|l| l.contains(needle)).expect(needle);
    let out = run(&site, &["check", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let found: Vec<(String, u64)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "placeholder")
        .map(|d| {
            assert_eq!((d["file"].as_str(), d["severity"].as_str()), (Some(page), Some("warning")));
            (d["message"].as_str().unwrap_or_default().to_string(), d["line"].as_u64().unwrap_or_default())
        })
        .collect();
    let lines: Vec<u64> = found.iter().map(|(_, l)| *l).collect();
    let expected: Vec<u64> = [
        "  code: ",
        "  title: \"Viết",
        "  issuer: ",
        "Viết đoạn mở đầu ở đây.",
        "## Điểm 1.",
        "Chép nguyên văn",
        "## Điểm 2.",
    ]
    .iter()
    .map(|n| line_of(n) as u64)
    .collect();
    // "Chép nguyên văn" is under both clauses.
    let second_clause_text = line_of("## Điểm 2.") as u64 + 2;
    let mut expected = expected;
    expected.push(second_clause_text);
    expected.sort();
    assert_eq!(lines, expected, "{found:#?}");
    assert!(found[0].0.contains("số hiệu giữ chỗ"), "{found:#?}");
    // Under --strict they fail the gate; the built page is published as it is.
    assert_eq!(run(&site, &["check", "--strict"]).status.code(), Some(1));
    assert!(run(&site, &["build"]).status.success());
    assert!(site.join("public/van-ban/quyet-dinh-ve-khuyen-hoc/index.html").is_file());
}

#[test]
fn an_explainer_on_a_site_without_documents_builds_and_says_how_to_name_one() {
    let (_tmp, site) = new_site();
    let out = run(&site, &["new", "hoi-dap", "Học tập suốt đời là gì?"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = read(&site, "content/hoi-dap/hoc-tap-suot-doi-la-gi.md");
    assert!(!text.lines().any(|l| l.starts_with("explains:")), "{text}");
    assert!(text.contains("Trang web chưa có văn bản nào"), "{text}");
    assert!(text.contains("faq:\n  - q: "), "{text}");
    let out = run(&site, &["build", "--drafts"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.join("public/hoi-dap/hoc-tap-suot-doi-la-gi/index.html").is_file());
}

#[test]
fn a_missing_section_is_created_unless_its_name_is_a_typo_or_taken() {
    let (_tmp, site) = new_site();
    // One letter from `bai-viet`: a typo, unless --kind says a new section is meant.
    let out = run(&site, &["new", "bai-vet", "Tin mới"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("có phải ý bạn là `bai-viet`?"), "{}", stderr(&out));
    assert!(!site.join("content/bai-vet").exists());
    let out = run(&site, &["new", "bai-vet", "Tin mới", "--kind", "campaign"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read(&site, "content/bai-vet/_index.md").contains("\nkind: campaign\n"));
    assert!(read(&site, "content/bai-vet/tin-moi.md").contains("\ncampaign:\n"));
    // An unknown name is a section of plain pages, its title from the name.
    let out = run(&site, &["new", "hoat-dong", "Ngày hội"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("(kind: page, trang thường)"), "{}", stderr(&out));
    assert!(read(&site, "content/hoat-dong/_index.md").contains("title: \"Hoat dong\"\n"));
    // --kind for an existing section must be its own.
    let out = run(&site, &["new", "bai-viet", "Tin khác", "--kind", "document"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("đã có, loại `article`"), "{}", stderr(&out));
    assert!(!site.join("content/bai-viet/tin-khac.md").exists());
    assert!(run(&site, &["new", "bai-viet", "Tin khác", "--kind", "article"]).status.success());
    // Not a folder name; a folder already holding pages; the address of a page.
    let out = run(&site, &["new", "Tin Tức", "X"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("ví dụ `tin-tuc`"), "{}", stderr(&out));
    for bad in ["../ngoai", "a//b", "."] {
        assert_eq!(run(&site, &["new", bad, "X"]).status.code(), Some(1), "{bad}");
    }
    write(&site, "content/tai-lieu/mot.md", "---\ntitle: Một\n---\nMột.\n");
    let out = run(&site, &["new", "tai-lieu", "Hai"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("chưa có _index.md"), "{}", stderr(&out));
    assert!(!site.join("content/tai-lieu/_index.md").exists());
    write(&site, "content/lien-he.md", "---\ntitle: Liên hệ\n---\nLiên hệ.\n");
    assert_eq!(run(&site, &["new", "lien-he", "X"]).status.code(), Some(1));
    assert!(!site.join("content/lien-he").exists());
    // --kind is for pages.
    let tmp = tempfile::tempdir().expect("tmp");
    assert_eq!(run(tmp.path(), &["new", "site", "x", "--kind", "page"]).status.code(), Some(2));
    assert!(!tmp.path().join("x").exists());
    // Everything made builds.
    let out = run(&site, &["build", "--drafts"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn new_never_overwrites_a_page_or_a_section() {
    let (_tmp, site) = new_site();
    let page = "content/chien-dich/thang-khuyen-hoc.md";
    assert!(run(&site, &["new", "chien-dich", "Tháng khuyến học"]).status.success());
    std::fs::write(site.join(page), "của tôi").expect("write");
    std::fs::write(site.join("content/chien-dich/_index.md"), "---\ntitle: Của tôi\nkind: campaign\n---\n")
        .expect("write");
    let out = run(&site, &["new", "chien-dich", "Tháng khuyến học"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("loa không ghi đè"), "{}", stderr(&out));
    assert_eq!(read(&site, page), "của tôi");
    assert!(run(&site, &["new", "chien-dich", "Tháng khác"]).status.success());
    assert_eq!(read(&site, "content/chien-dich/_index.md"), "---\ntitle: Của tôi\nkind: campaign\n---\n");
    // A bundle of the same slug counts too.
    write(&site, "content/chien-dich/mua-he/index.md", "---\ntitle: Mùa hè\n---\n");
    assert_eq!(run(&site, &["new", "chien-dich", "Mùa hè"]).status.code(), Some(1));
    assert!(!site.join("content/chien-dich/mua-he.md").exists());
}

#[test]
fn a_new_site_ignores_what_loa_writes_beside_it() {
    let (_tmp, site) = new_site();
    let ignore = read(&site, ".gitignore");
    let patterns: Vec<&str> = ignore.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect();
    for p in [
        "/public/",
        "/.public.loa-spare",
        "/.public.staging-*",
        "/.public.loa-lock",
        "/.loa.lock",
        "/.loa-cache/",
    ] {
        assert!(patterns.contains(&p), "{p} not in {ignore}");
    }
    let before: Vec<String> = top_level(&site);
    for _ in 0..2 {
        assert!(run(&site, &["build"]).status.success());
    }
    // Whatever the builds left beside the sources is ignored.
    for name in top_level(&site).into_iter().filter(|n| !before.contains(n)) {
        let ignored = patterns.iter().any(|p| {
            let p = p.trim_start_matches('/').trim_end_matches('/');
            match p.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => name == p,
            }
        });
        assert!(ignored, "{name} is not in .gitignore");
    }
}

fn top_level(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn scaffolds_hold_no_word_whose_tone_placement_a_site_may_forbid() {
    // `tone_style` makes `hòa` or `hoà` a warning even in drafts: what loa writes must suit both.
    for style in ["old", "new"] {
        let (_tmp, site) = new_site();
        let config = read(&site, "loa.yaml");
        std::fs::write(site.join("loa.yaml"), format!("{config}tone_style: {style}\n")).expect("write");
        for (section, _, title, _) in PAGES {
            assert!(run(&site, &["new", section, title]).status.success());
        }
        assert!(run(&site, &["new", "khac", "Trang khác"]).status.success());
        let out = run(&site, &["check", "--drafts", "--format", "json"]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let tone: Vec<&serde_json::Value> = json["diagnostics"]
            .as_array()
            .expect("list")
            .iter()
            .filter(|d| d["code"] == "tone-style")
            .collect();
        assert!(tone.is_empty(), "{style}: {tone:#?}");
    }
}

/// Issue 27: a new site starts with the official names of the central bodies, says where their
/// forms come from, and `loa check` warns on other capitals (an error under `--strict`).
#[test]
fn a_new_site_lists_official_names_and_check_warns_on_other_capitals() {
    let (_tmp, site) = new_site();
    let config = read(&site, "loa.yaml");
    assert!(
        config.contains("# Tên chính thức:") && config.contains("Nghị định số 30/2020/NĐ-CP"),
        "{config}"
    );
    assert!(config.contains("editorial:\n  names:\n    - Ban Chấp hành Trung ương\n"), "{config}");
    let page = "content/bai-viet/bai-viet-dau-tien.md";
    let text = read(&site, page);
    let edited = text.replace(
        "Đây là bài viết đầu tiên.",
        "Theo Ban bí thư và Bộ Chính trị, `ban bí thư` [Bộ Chính trị](https://x.vn/ban-bí-thư).\n\n> Bộ chính trị (nguyên văn)\n",
    );
    std::fs::write(site.join(page), edited).expect("write");
    let out = run(&site, &["check"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let warnings: Vec<&str> =
        err.lines().filter(|l| l.contains("official") || l.contains("tên chính thức")).collect();
    assert_eq!(
        warnings,
        [format!("{page}:8:6: cảnh báo: tên chính thức viết là `Ban Bí thư`, không phải `Ban bí thư`")],
        "{err}"
    );
    let strict = run(&site, &["check", "--strict"]);
    assert!(stderr(&strict).contains(&format!("{page}:8:6: lỗi: tên chính thức")), "{}", stderr(&strict));
    assert_eq!(strict.status.code(), Some(1));
}
