//! The reuse layer of `loa serve` (`loa::memo`): a rebuild reuses the unchanged work of the
//! last build and gives exactly what a fresh build gives.

use loa::build::{BuildOptions, Built, build};
use loa::config::{Config, Overrides};
use loa::diagnostics::Diagnostics;
use loa::memo::{Memo, Stores};

/// Builds in memory with `memo`, as `loa serve` does.
fn build_with(config: &Config, opts: BuildOptions, memo: &Memo) -> Result<Built, Diagnostics> {
    let sink = loa::output::MemorySink::default();
    let mut built = build(config, opts, &sink, memo)?;
    built.output.files = sink.into_files();
    Ok(built)
}

/// A build that reuses nothing.
fn fresh(config: &Config, opts: BuildOptions) -> Result<Built, Diagnostics> {
    build_with(config, opts, &Memo::off())
}

/// The stores of a memo that is on.
fn stores(memo: &Memo) -> &Stores {
    memo.stores().expect("the memo is on")
}

use crate::harness::{minimal_site, write};

#[test]
fn a_cached_rebuild_reuses_unchanged_work_and_equals_a_fresh_build() {
    let site = minimal_site();
    let root = site.path();
    for i in 0..6 {
        write(
            root,
            &format!("content/bai-viet/b{i}.md"),
            &format!("---\ntitle: Bài {i}\ndate: 2022-09-1{i}\n---\n## Mục\n\nNội dung {i}.\n"),
        );
    }
    let config = Config::load(root, &Overrides::default()).expect("config");
    let opts = BuildOptions::default();
    let memo = Memo::on();
    let first = build_with(&config, opts, &memo).expect("first build");
    assert_eq!(stores(&memo).parsed.reused(), 0);
    // One article edited: everything else comes from the memo.
    write(
        root,
        "content/bai-viet/b3.md",
        "---\ntitle: Bài 3 sửa\ndate: 2022-09-13\n---\n## Mục\n\nĐã sửa.\n",
    );
    let second = build_with(&config, opts, &memo).expect("second build");
    let fresh = fresh(&config, opts).expect("fresh build");
    assert_eq!(second.output, fresh.output, "a cached rebuild must equal a fresh build");
    assert_ne!(first.output, second.output);
    let files = 2 + 1 + 6; // _index.md ×2, mot.md, six articles
    assert_eq!(stores(&memo).parsed.reused(), files - 1, "every unchanged file's parse is reused");
    assert!(
        stores(&memo).rendered.reused() >= 6,
        "unchanged bodies are reused: {}",
        stores(&memo).rendered.reused()
    );
    assert!(
        second.output.files["bai-viet/b3/index.html"]
            .windows(6)
            .any(|w| w == "Đã sửa".as_bytes().get(..6).unwrap_or(&[]))
    );
    // A failed build keeps the last good entries.
    write(root, "content/bai-viet/b4.md", "---\ntitle: [\n---\n");
    assert!(build_with(&config, opts, &memo).is_err());
    write(
        root,
        "content/bai-viet/b4.md",
        "---\ntitle: Bài 4\ndate: 2022-09-14\n---\n## Mục\n\nNội dung 4.\n",
    );
    let third = build_with(&config, opts, &memo).expect("third build");
    assert_eq!(third.output, second.output);
    assert_eq!(
        stores(&memo).parsed.reused(),
        files,
        "after the fix, the last good build's entries are reused"
    );
}

/// The loudspeaker scripts' files (`ban-tin.txt`, `ban-tin.ssml`) of unchanged articles are
/// the very bytes of the last build (kept with the memoized scripts, not made again); the
/// edited article's are made anew. A build without the memo keeps nothing.
#[test]
fn a_rebuild_shares_unchanged_scripts_files_and_remakes_the_edited_ones() {
    let site = minimal_site();
    let root = site.path();
    let config = three_articles(root);
    let opts = BuildOptions::default();
    let memo = Memo::on();
    let first = build_with(&config, opts, &memo).expect("first build");
    write(root, "content/bai-viet/b1.md", "---\ntitle: Bài 1\ndate: 2022-09-11\n---\nĐã sửa lại.\n");
    let second = build_with(&config, opts, &memo).expect("second build");
    assert_eq!(second.output, fresh(&config, opts).expect("fresh").output);
    let file =
        |built: &Built, i: usize, name: &str| built.output.files[&format!("bai-viet/b{i}/{name}")].clone();
    for name in ["ban-tin.txt", "ban-tin.ssml"] {
        for i in [0, 2] {
            assert!(
                std::sync::Arc::ptr_eq(&file(&first, i, name), &file(&second, i, name)),
                "b{i}/{name} made again"
            );
        }
        assert!(!std::sync::Arc::ptr_eq(&file(&first, 1, name), &file(&second, 1, name)), "b1/{name} reused");
    }
    assert!(String::from_utf8_lossy(&file(&second, 1, "ban-tin.txt")).contains("Đã sửa lại"));
    let (a, b) = (fresh(&config, opts).expect("a"), fresh(&config, opts).expect("b"));
    assert!(!std::sync::Arc::ptr_eq(&file(&a, 0, "ban-tin.txt"), &file(&b, 0, "ban-tin.txt")));
}

/// A rebuild whose share cards are all in the memo (`loa serve` after an edit that changes no
/// title) does not open the cards' pack on disk (`.loa-cache/cards/`): walking its records was a
/// tenth of a rebuild at 10,000 pages. A changed title needs a card the memo lacks, and the
/// pack is opened for it.
#[test]
fn a_rebuild_with_every_card_in_the_memo_leaves_the_cards_pack_alone() {
    // The default theme shows a share image: each page without its own gets a card.
    let site = crate::catalogue::themed_site();
    let root = site.path();
    let config = three_articles(root);
    let opts = BuildOptions::default();
    let memo = Memo::on();
    let cards = |built: &Built| -> Vec<(String, loa::output::Bytes)> {
        built
            .output
            .files
            .iter()
            .filter(|(p, _)| p.starts_with("anh-chia-se/"))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect()
    };
    let first = build_with(&config, opts, &memo).expect("first build");
    assert!(cards(&first).len() >= 3, "the site's pages have cards: {:?}", cards(&first).len());
    let pack = root.join(".loa-cache/cards");
    assert!(pack.join("cards.pack").is_file(), "the first build keeps its cards on disk");
    std::fs::remove_dir_all(&pack).expect("remove the pack");
    edit(root, "content/bai-viet/b1.md", "Nội dung bài số 1.", "Nội dung đã sửa.");
    let second = build_with(&config, opts, &memo).expect("second build");
    assert!(!pack.exists(), "a rebuild with every card in the memo opened the pack");
    assert_eq!(cards(&second), cards(&first), "the same cards, from the memo");
    edit(root, "content/bai-viet/b1.md", "title: Bài 1", "title: Bài 1 sửa");
    let third = build_with(&config, opts, &memo).expect("third build");
    assert!(pack.join("cards.pack").is_file(), "a card the memo lacks is made and kept in the pack");
    assert_eq!(third.output, fresh(&config, opts).expect("fresh").output);
}

/// Writes articles `b0`–`b2` (`Bài {i}`, dated, one sentence) into the site at `root`; gives its
/// configuration.
fn three_articles(root: &std::path::Path) -> Config {
    for i in 0..3 {
        write(
            root,
            &format!("content/bai-viet/b{i}.md"),
            &format!("---\ntitle: Bài {i}\ndate: 2022-09-1{i}\n---\nNội dung bài số {i}.\n"),
        );
    }
    Config::load(root, &Overrides::default()).expect("config")
}

/// Replaces the first `from` in `rel` with `to` (the edit must apply).
fn edit(root: &std::path::Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

/// The real site, edited in the ways editors edit (body, title, date, tags, a cited clause, a
/// template, a theme string, loa.yaml): after every edit the cached rebuild (which reuses
/// rendered outputs whose template, global context and views are unchanged) equals a fresh
/// build, file for file.
#[test]
fn reused_outputs_never_go_stale() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for part in ["content", "static", "themes"] {
        std::fs::create_dir_all(root.join(part)).expect("mkdir");
        crate::harness::copy_site(&repo.join(part), &root.join(part));
    }
    std::fs::copy(repo.join("loa.yaml"), root.join("loa.yaml")).expect("copy loa.yaml");
    // Approval off: an edited page would be held back until approved again (issue 27), and
    // this test is about what a rebuild reuses, not about what is published.
    edit(root, "loa.yaml", "  approval: required\n", "");
    let article = "content/bai-viet/xay-dung-gia-dinh-hoc-tap.md";
    let edits: Vec<(&str, &str, &str, &str)> = vec![
        ("body", article, "Học tập không chỉ", "Việc học không chỉ"),
        ("body after the summary", article, "## Gia đình trong", "Thêm một câu.\n\n## Gia đình trong"),
        ("title", article, "title: Xây dựng gia đình học tập", "title: Xây dựng gia đình học tập (sửa)"),
        ("date", article, "date: 2023-07-20", "date: 2018-01-02"),
        ("tag", article, "  - khuyến học\n", "  - khuyến tài\n"),
        ("audience", article, "  - gia-dinh", "  - can-bo-dang-vien"),
        (
            "cited clause",
            "content/van-ban/49-kl-tw.md",
            "## 1. Tăng cường sự lãnh đạo",
            "## 1. Tiếp tục tăng cường sự lãnh đạo",
        ),
        ("template", "themes/loa/templates/article.html", "</article>", "</article><!-- sửa -->"),
        ("theme string", "themes/loa/i18n/vi.yaml", "share: \"Chia sẻ:\"", "share: \"Gửi bạn bè:\""),
        ("config", "loa.yaml", "name: Gia đình\n", "name: Hộ gia đình\n"),
    ];
    let memo = Memo::on();
    let opts = BuildOptions::default();
    let config = Config::load(root, &Overrides::default()).expect("config");
    build_with(&config, opts, &memo).expect("first build");
    for (what, rel, from, to) in edits {
        edit(root, rel, from, to);
        let config = Config::load(root, &Overrides::default()).expect("config");
        let cached = build_with(&config, opts, &memo).expect("cached build");
        let fresh = fresh(&config, opts).expect("fresh build");
        for (path, bytes) in &fresh.output.files {
            assert!(cached.output.files.get(path) == Some(bytes), "after the {what} edit, {path} is stale");
        }
        assert_eq!(cached.output.files.len(), fresh.output.files.len(), "after the {what} edit");
        if what == "body" {
            // The article has a `summary:`, so no listing shows the edited text: of the cached
            // kinds of output (pages, section, term and audience listings), only its own page
            // is rendered again, and its week's programme for the loudspeakers (issue 26),
            // which reads its body.
            let (reused, kept) = (stores(&memo).outputs.reused(), stores(&memo).outputs.len());
            assert!(kept > 30, "pages and listings are kept: {kept}");
            assert_eq!(
                kept - reused,
                2,
                "only the edited page and its programme are rendered again ({reused} of {kept} reused)"
            );
            // Its scripts for the loudspeakers are made again; every other page's are reused.
            let scripts = &stores(&memo).bulletins;
            assert!(scripts.len() > 5, "pages' scripts are kept: {}", scripts.len());
            assert_eq!(scripts.len() - scripts.reused(), 1, "only the edited page's scripts are made again");
        }
    }
}

/// Texts are reused by file metadata only for files that have been still for two seconds: a
/// file rewritten with the same size at once (within one tick of the file system's clock) is
/// read again, never served stale.
#[test]
fn file_texts_are_reused_only_for_files_that_have_been_still() {
    let site = minimal_site();
    let root = site.path();
    let config = Config::load(root, &Overrides::default()).expect("config");
    let opts = BuildOptions::default();
    let memo = Memo::on();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    build_with(&config, opts, &memo).expect("first build");
    build_with(&config, opts, &memo).expect("second build");
    let files = 3; // _index.md ×2, mot.md
    assert_eq!(stores(&memo).texts.reused(), files, "still files are not read again");
    // Same size, same second: only the text tells the difference.
    let mot = root.join("content/bai-viet/mot.md");
    let text = std::fs::read_to_string(&mot).expect("read");
    assert!(text.contains("Nội dung."));
    std::fs::write(&mot, text.replace("Nội dung.", "Nội dunG.")).expect("write");
    let built = build_with(&config, opts, &memo).expect("third build");
    assert_eq!(stores(&memo).texts.reused(), files - 1);
    let page = String::from_utf8(built.output.files["bai-viet/mot/index.html"].to_vec()).expect("utf-8");
    assert!(page.contains("Nội dunG."), "the rewritten file was read again");
}

#[test]
fn a_load_told_which_files_changed_reads_only_those_and_equals_a_fresh_build() {
    use loa::memo::KnownChanges;
    let site = minimal_site();
    let root = site.path().canonicalize().expect("canonical root");
    for i in 0..4 {
        write(
            &root,
            &format!("content/bai-viet/b{i}.md"),
            &format!("---\ntitle: Bài {i}\ndate: 2022-09-1{i}\n---\nNội dung {i}.\n"),
        );
    }
    let config = Config::load(&root, &Overrides::default()).expect("config");
    let opts = BuildOptions::default();
    let memo = Memo::on();
    build_with(&config, opts, &memo).expect("first build");
    let page = |b: &Built, rel: &str| String::from_utf8(b.output.files[rel].to_vec()).expect("utf-8");
    // An edit the load is told about is read; the rebuild equals a fresh build.
    edit(&root, "content/bai-viet/b1.md", "Nội dung 1.", "Nội dung một, đã sửa.");
    let modified = vec![root.join("content/bai-viet/b1.md")];
    memo.expect_changes(KnownChanges { modified, added_or_removed: false });
    let told = build_with(&config, opts, &memo).expect("rebuild");
    assert!(page(&told, "bai-viet/b1/index.html").contains("Nội dung một, đã sửa."));
    assert_eq!(told.output, fresh(&config, opts).expect("fresh").output);
    // Proof that the other files were not looked at: an edit nobody reported is not seen
    // (the watcher reports every edit; this one is hidden from the load on purpose).
    edit(&root, "content/bai-viet/b2.md", "Nội dung 2.", "Nội dung hai, không báo.");
    edit(&root, "content/bai-viet/b3.md", "Nội dung 3.", "Nội dung ba.");
    let modified = vec![root.join("content/bai-viet/b3.md")];
    memo.expect_changes(KnownChanges { modified, added_or_removed: false });
    let partial = build_with(&config, opts, &memo).expect("rebuild");
    assert!(page(&partial, "bai-viet/b3/index.html").contains("Nội dung ba."));
    assert!(page(&partial, "bai-viet/b2/index.html").contains("Nội dung 2."), "b2 was read");
    // A file added (or removed): the folders are walked and every file looked at again.
    write(&root, "content/bai-viet/b9.md", "---\ntitle: Bài 9\ndate: 2022-09-19\n---\nMới.\n");
    memo.expect_changes(KnownChanges { modified: vec![], added_or_removed: true });
    let walked = build_with(&config, opts, &memo).expect("rebuild");
    assert!(walked.output.files.contains_key("bai-viet/b9/index.html"));
    assert_eq!(walked.output, fresh(&config, opts).expect("fresh").output);
    // Nothing said (as after lost events): a full load too.
    edit(&root, "content/bai-viet/b0.md", "Nội dung 0.", "Nội dung không.");
    let full = build_with(&config, opts, &memo).expect("rebuild");
    assert_eq!(full.output, fresh(&config, opts).expect("fresh").output);
    // A change the load cannot account for (a Markdown file it did not list): a full load.
    write(&root, "content/bai-viet/b8.md", "---\ntitle: Bài 8\ndate: 2022-09-18\n---\nTám.\n");
    let modified = vec![root.join("content/bai-viet/b8.md")];
    memo.expect_changes(KnownChanges { modified, added_or_removed: false });
    let unknown = build_with(&config, opts, &memo).expect("rebuild");
    assert!(unknown.output.files.contains_key("bai-viet/b8/index.html"));
}

#[test]
fn templates_are_reused_until_a_template_is_reported_changed() {
    use loa::memo::KnownChanges;
    let site = minimal_site();
    let root = site.path().canonicalize().expect("canonical root");
    let config = Config::load(&root, &Overrides::default()).expect("config");
    let opts = BuildOptions::default();
    let memo = Memo::on();
    build_with(&config, opts, &memo).expect("first build");
    let page =
        |b: &Built| String::from_utf8(b.output.files["bai-viet/mot/index.html"].to_vec()).expect("utf-8");
    let changed = |rel: &str| KnownChanges { modified: vec![root.join(rel)], added_or_removed: false };
    // A template edit hidden from the memo (only an article reported): the last templates stay.
    edit(&root, "templates/page.html", "{{ page.content | safe }}", "MẪU MỚI {{ page.content | safe }}");
    edit(&root, "content/bai-viet/mot.md", "Nội dung.", "Nội dung sửa.");
    memo.expect_changes(changed("content/bai-viet/mot.md"));
    let kept = build_with(&config, opts, &memo).expect("rebuild");
    assert!(page(&kept).contains("Nội dung sửa.") && !page(&kept).contains("MẪU MỚI"), "{}", page(&kept));
    // Reported: loaded again; the rebuild equals a fresh build.
    memo.expect_changes(changed("templates/page.html"));
    let reloaded = build_with(&config, opts, &memo).expect("rebuild");
    assert!(page(&reloaded).contains("MẪU MỚI"), "{}", page(&reloaded));
    assert_eq!(reloaded.output, fresh(&config, opts).expect("fresh").output);
    // loa.yaml reported: loaded again too (it names the theme).
    edit(&root, "templates/page.html", "MẪU MỚI", "MẪU KHÁC");
    memo.expect_changes(changed("loa.yaml"));
    assert!(page(&build_with(&config, opts, &memo).expect("rebuild")).contains("MẪU KHÁC"));
}

/// Builds a site where `content/<link>` is a symbolic link to `static/<target>` (a file or a
/// folder, after `setup` wrote the targets), edits `static/<edited>` as the watcher reports it
/// (under the target's path), and gives the rebuilt `output` page.
#[cfg(unix)]
fn rebuilt_through_link(
    setup: &dyn Fn(&std::path::Path),
    target: &str,
    link: &str,
    edited: &str,
    output: &str,
) -> String {
    use loa::memo::KnownChanges;
    let site = minimal_site();
    let root = site.path().canonicalize().expect("canonical root");
    setup(&root);
    std::os::unix::fs::symlink(root.join("static").join(target), root.join("content").join(link))
        .expect("symlink");
    let config = Config::load(&root, &Overrides::default()).expect("config");
    let opts = BuildOptions::default();
    let memo = Memo::on();
    build_with(&config, opts, &memo).expect("first build");
    let edited = format!("static/{edited}");
    edit(&root, &edited, "Bản đầu.", "Bản sửa.");
    memo.expect_changes(KnownChanges { modified: vec![root.join(&edited)], added_or_removed: false });
    let built = build_with(&config, opts, &memo).expect("rebuild");
    String::from_utf8(built.output.files[output].to_vec()).expect("utf-8")
}

#[cfg(unix)]
#[test]
fn a_markdown_file_reached_through_a_link_is_always_looked_at() {
    // content/bai-viet/lien.md is a link to a file kept elsewhere in the site.
    let setup = |root: &std::path::Path| {
        write(root, "static/nguon/lien.md", "---\ntitle: Liên kết\ndate: 2022-09-16\n---\nBản đầu.\n");
    };
    let page = rebuilt_through_link(
        &setup,
        "nguon/lien.md",
        "bai-viet/lien.md",
        "nguon/lien.md",
        "bai-viet/lien/index.html",
    );
    assert!(page.contains("Bản sửa."), "{page}");
}

#[cfg(unix)]
#[test]
fn a_markdown_file_in_a_linked_folder_is_always_looked_at() {
    // content/bai-viet/nhom is a link to a folder kept elsewhere in the site: the files in it
    // are not links themselves, their folder is.
    let setup = |root: &std::path::Path| {
        write(root, "static/nhom/mot.md", "---\ntitle: Một\ndate: 2022-09-16\n---\nBản đầu.\n");
        write(root, "static/nhom/hai.md", "---\ntitle: Hai\ndate: 2022-09-17\n---\nBài hai.\n");
    };
    let page =
        rebuilt_through_link(&setup, "nhom", "bai-viet/nhom", "nhom/mot.md", "bai-viet/nhom/mot/index.html");
    assert!(page.contains("Bản sửa."), "{page}");
}

/// `tai_ve` shows a download's size, read from the file: a rebuild after the file changed
/// (and its page did not, as in `loa serve`) shows the new size, in a page and in a bundle, and
/// equals a fresh build; a body whose files did not change is still reused.
#[test]
fn a_download_size_follows_its_file_when_the_page_does_not_change() {
    let site = minimal_site();
    let root = site.path();
    write(
        root,
        "templates/shortcodes/tai_ve.html",
        "{% component tai_ve(tep: string, nhan: string = \"Tải tệp\", kich_thuoc: string = \"\", dinh_dang: string = \"\") %}<a href=\"{{ tep }}\">{{ nhan }}</a> ({{ dinh_dang }}, {{ kich_thuoc }}){% endcomponent tai_ve %}",
    );
    write(root, "static/tai-lieu/mau-don.pdf", &"x".repeat(1_500));
    write(
        root,
        "content/bai-viet/don.md",
        "---\ntitle: Đơn\ndate: 2022-09-16\n---\nTải {{ tai_ve(tep=\"/tai-lieu/mau-don.pdf\", nhan=\"mẫu đơn\") }}.\n",
    );
    write(
        root,
        "content/bai-viet/goi/index.md",
        "---\ntitle: Gói\ndate: 2022-09-17\n---\nTải {{ tai_ve(tep=\"phu-luc.pdf\") }}.\n",
    );
    write(root, "content/bai-viet/goi/phu-luc.pdf", &"y".repeat(2_500));
    let config = Config::load(root, &Overrides::default()).expect("config");
    let opts = BuildOptions::default();
    let memo = Memo::on();
    let page = |b: &Built, key: &str| String::from_utf8_lossy(&b.output.files[key]).into_owned();
    let first = build_with(&config, opts, &memo).expect("first build");
    assert!(
        page(&first, "bai-viet/don/index.html").contains("(PDF, 1,5 KB)"),
        "{}",
        page(&first, "bai-viet/don/index.html")
    );
    assert!(page(&first, "bai-viet/goi/index.html").contains("(PDF, 2,5 KB)"));
    write(root, "static/tai-lieu/mau-don.pdf", &"x".repeat(48_000));
    write(root, "content/bai-viet/goi/phu-luc.pdf", &"y".repeat(3_100));
    let reused = stores(&memo).rendered.reused();
    let second = build_with(&config, opts, &memo).expect("second build");
    assert!(
        page(&second, "bai-viet/don/index.html").contains("(PDF, 48 KB)"),
        "{}",
        page(&second, "bai-viet/don/index.html")
    );
    assert!(page(&second, "bai-viet/goi/index.html").contains("(PDF, 3,1 KB)"));
    assert_eq!(
        second.output,
        fresh(&config, opts).expect("fresh").output,
        "a cached rebuild must equal a fresh build"
    );
    assert!(
        stores(&memo).rendered.reused() > reused,
        "the bodies that name no changed file are still reused"
    );
}

/// What the templates' `image()` answered is kept with each output and checked before reuse:
/// a photo replaced under its name remakes the page whose template asked for it (its share
/// image names the new copy) and the page that shows it in its body, not the other outputs.
#[test]
fn an_output_is_made_again_only_when_an_image_it_asked_for_changed() {
    use crate::harness::{copy_site, sites_dir};
    let site = tempfile::tempdir().expect("tmp");
    let root = site.path();
    copy_site(&sites_dir().join("images"), root);
    // The article names `anh-chup.jpg` in its front matter only (its template asks `image()`).
    edit(root, "content/bai-viet/hop-dan/index.md", "![Dân làng họp ở nhà văn hoá thôn](anh-chup.jpg)\n", "");
    let config = Config::load(root, &Overrides::default()).expect("config");
    let opts = BuildOptions::default();
    let memo = Memo::on();
    let first = build_with(&config, opts, &memo).expect("first build");
    let article = "bai-viet/hop-dan/index.html";
    let photo = |name: &str| root.join("content/bai-viet/hop-dan").join(name);
    let portrait = std::fs::read(photo("anh-doc.jpg")).expect("read");
    for (replaced, what) in [("anh-cmyk.jpg", "a photo of the body"), ("anh-chup.jpg", "the share photo")] {
        std::fs::write(photo(replaced), &portrait).expect("write");
        let cached = build_with(&config, opts, &memo).expect("cached build");
        let fresh = fresh(&config, opts).expect("fresh build");
        assert!(cached.output.files == fresh.output.files, "after {what}, the outputs are a fresh build's");
        assert!(
            cached.output.files[article] != first.output.files[article],
            "after {what}, the article changed"
        );
        let (reused, kept) = (stores(&memo).outputs.reused(), stores(&memo).outputs.len());
        assert!(kept >= 4 && reused + 1 == kept, "after {what}: {reused} of {kept} outputs reused");
    }
}
