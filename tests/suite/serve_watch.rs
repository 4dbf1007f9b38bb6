//! `loa serve` watching the sources (RELIABILITY group F): plain writes, vim-style atomic saves,
//! delete + recreate, deletes, a 1,000-file burst ending in the site a fresh build gives, editor
//! temp files and unchanged saves (no rebuild), polling, new folders, folder renames, scheduled
//! pages, and the fall back to polling when inotify watches run out.

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

use crate::harness::{minimal_site, write};
use crate::serve::{MOT, Served, atomic_save, encode_path, fixture, generation, strip_injected};

#[test]
fn plain_write_updates_the_page() {
    let site = minimal_site();
    let srv = Served::start(site.path(), &[]);
    let g = generation(&srv.ready());
    assert!(srv.page("/bai-viet/mot/").contains("Nội dung."));
    write(site.path(), MOT, "---\ntitle: Một\ndate: 2022-09-15\n---\nNội dung mới.\n");
    srv.after(g);
    assert!(srv.page("/bai-viet/mot/").contains("Nội dung mới."));
}

#[test]
fn vim_style_atomic_save_is_picked_up_with_one_rebuild() {
    let site = minimal_site();
    let srv = Served::start(site.path(), &[]);
    let g = generation(&srv.ready());
    atomic_save(&site.path().join(MOT), "---\ntitle: Một\ndate: 2022-09-15\n---\nLưu kiểu vim.\n");
    let s = srv.after(g);
    assert!(srv.page("/bai-viet/mot/").contains("Lưu kiểu vim."));
    std::thread::sleep(Duration::from_millis(600));
    assert!(generation(&srv.status()) - g <= 2, "too many rebuilds for one save: {s:#}");
    // vim with backupcopy=no: rename the original away, write anew, delete the backup.
    let g = generation(&srv.status());
    let path = site.path().join(MOT);
    let backup = path.with_file_name("mot.md~");
    std::fs::rename(&path, &backup).expect("rename");
    std::fs::write(&path, "---\ntitle: Một\ndate: 2022-09-15\n---\nKhông sao lưu.\n").expect("write");
    std::fs::remove_file(&backup).expect("rm");
    srv.after(g);
    assert!(srv.page("/bai-viet/mot/").contains("Không sao lưu."));
}

#[test]
fn delete_then_recreate_is_a_modification_and_delete_removes_the_page() {
    let site = minimal_site();
    write(site.path(), "content/bai-viet/hai.md", "---\ntitle: Hai\ndate: 2022-09-16\n---\nBài hai.\n");
    let srv = Served::start(site.path(), &[]);
    let g = generation(&srv.ready());
    let path = site.path().join(MOT);
    std::fs::remove_file(&path).expect("rm");
    std::fs::write(&path, "---\ntitle: Một\ndate: 2022-09-15\n---\nTạo lại.\n").expect("write");
    srv.after(g);
    srv.wait_until("no build running", |s| s["building"] == false);
    assert!(srv.page("/bai-viet/mot/").contains("Tạo lại."));
    assert!(srv.page("/bai-viet/").contains("Hai"));

    let g = generation(&srv.status());
    std::fs::remove_file(site.path().join("content/bai-viet/hai.md")).expect("rm");
    srv.after(g);
    assert_eq!(srv.get("/bai-viet/hai/").status, 404, "deleted page still served");
    assert!(!srv.page("/bai-viet/").contains("Hai"), "deleted page still listed");
}

#[test]
fn editor_temp_files_and_unchanged_saves_cause_no_rebuild() {
    let site = minimal_site();
    let srv = Served::start(site.path(), &[]);
    let g = generation(&srv.ready());
    let dir = site.path().join("content/bai-viet");
    for name in [
        ".mot.md.swp",
        ".mot.md.swx",
        "mot.md~",
        "4913",
        "mot.md___jb_tmp___",
        "mot.md___jb_old___",
        ".mot.md.kate-swp",
        "mot.md.kate-swp",
        "mot.md.bck",
        "#mot.md#",
        ".#mot.md",
        "mot.md.tmp",
    ] {
        std::fs::write(dir.join(name), "tạm").expect("write temp");
    }
    std::fs::remove_file(dir.join("4913")).expect("rm");
    // 20 rapid saves of unchanged content (mdBook#1428), as a plain write and an atomic save.
    let text = std::fs::read_to_string(dir.join("mot.md")).expect("read");
    let bursts = srv.status()["bursts"].as_u64().expect("bursts");
    for i in 0..20 {
        if i % 2 == 0 {
            std::fs::write(dir.join("mot.md"), &text).expect("write");
        } else {
            atomic_save(&dir.join("mot.md"), &text);
        }
    }
    srv.settled_after_burst(bursts);
    std::thread::sleep(Duration::from_millis(400));
    let s = srv.status();
    assert_eq!(generation(&s), g, "rebuilt for temp files or unchanged content: {s:#}\n{}", srv.stdout());
}

#[test]
fn a_burst_of_1000_changes_ends_in_the_site_a_fresh_build_gives() {
    let site = minimal_site();
    for i in 0..50 {
        write(
            site.path(),
            &format!("content/bai-viet/cu-{i}.md"),
            &format!("---\ntitle: Cũ {i}\ndate: 2022-01-{:02}\n---\nBài cũ {i}.\n", i % 28 + 1),
        );
    }
    let srv = Served::start(site.path(), &[]);
    let g = generation(&srv.ready());
    // A git checkout: 950 new files, 40 rewritten, 10 deleted, all at once.
    for i in 0..950 {
        write(
            site.path(),
            &format!("content/bai-viet/moi-{i}.md"),
            &format!("---\ntitle: Mới {i}\ndate: 2023-01-{:02}\n---\nBài mới số {i}.\n", i % 28 + 1),
        );
    }
    for i in 0..40 {
        atomic_save(
            &site.path().join(format!("content/bai-viet/cu-{i}.md")),
            &format!("---\ntitle: Cũ đã sửa {i}\ndate: 2022-02-{:02}\n---\nĐã sửa {i}.\n", i % 28 + 1),
        );
    }
    for i in 40..50 {
        std::fs::remove_file(site.path().join(format!("content/bai-viet/cu-{i}.md"))).expect("rm");
    }
    srv.after(g);
    // Settled: no build running and no new generation for a while.
    let mut last = srv.status();
    loop {
        std::thread::sleep(Duration::from_millis(700));
        let now = srv.status();
        if now["generation"] == last["generation"] && now["building"] == false {
            break;
        }
        last = now;
    }
    let status = srv.status();
    assert_eq!(status["ok"], true, "{status:#}");
    let rebuilds = generation(&status) - g;
    assert!(rebuilds <= 3, "{rebuilds} rebuilds for one burst");

    let mut config =
        loa::config::Config::load(site.path(), &loa::config::Overrides::default()).expect("config");
    config.base_url = format!("http://127.0.0.1:{}{}", srv.port, config.base_path);
    let sink = loa::output::MemorySink::default();
    let mut fresh =
        loa::build::build(&config, served_options(), &sink, &loa::memo::Memo::off()).expect("fresh build");
    fresh.output.files = sink.into_files();
    let listing: BTreeSet<String> =
        srv.get("/__loa/status?files").text().parse::<Value>().expect("json")["files"]
            .as_array()
            .expect("files")
            .iter()
            .map(|v| v.as_str().expect("str").to_string())
            .collect();
    let expected: BTreeSet<String> =
        fresh.output.files.keys().chain(fresh.output.copies.keys()).cloned().collect();
    assert_eq!(listing, expected, "served files differ from a fresh build");
    assert!(expected.len() > 1000, "{} files", expected.len());
    for (key, bytes) in &fresh.output.files {
        let r = srv.get(&format!("/{}", encode_path(key)));
        assert_eq!(r.status, 200, "{key}");
        assert!(strip_injected(&r.body) == **bytes, "{key} differs from a fresh build");
    }
    for (key, from) in &fresh.output.copies {
        let r = srv.get(&format!("/{}", encode_path(key)));
        assert_eq!(r.body, std::fs::read(from).expect("copy source"), "{key}");
    }
}

#[test]
fn poll_mode_picks_up_edits() {
    let site = minimal_site();
    let srv = Served::start(site.path(), &["--poll"]);
    let g = generation(&srv.ready());
    assert!(srv.stdout().contains("--poll"), "{}", srv.stdout());
    write(site.path(), MOT, "---\ntitle: Một\ndate: 2022-09-15\n---\nĐọc định kỳ.\n");
    srv.after(g);
    assert!(srv.page("/bai-viet/mot/").contains("Đọc định kỳ."));
}

#[test]
fn verbose_prints_each_rebuilds_stage_times() {
    let site = minimal_site();
    let srv = Served::start(site.path(), &["--verbose"]);
    let g = generation(&srv.ready());
    write(site.path(), MOT, "---\ntitle: Một\ndate: 2022-09-15\n---\nLần hai.\n");
    srv.after(g);
    // Each build (the first and the rebuild) lists its stages after its "Đã dựng" line, which
    // is printed just after the build is served: waited for a little.
    let timed = |out: &str, stage: &str| {
        out.lines().filter(|l| l.trim_start().starts_with(stage) && l.contains(" ms")).count()
    };
    let start = std::time::Instant::now();
    while timed(&srv.stdout(), "render") < 2 && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = srv.stdout();
    for stage in ["load", "markdown", "render"] {
        assert!(timed(&out, stage) >= 2, "`{stage}` timed {} times:\n{out}", timed(&out, stage));
    }
    let quiet = Served::start(site.path(), &[]);
    quiet.ready();
    let start = std::time::Instant::now();
    while !quiet.stdout().contains("Đã dựng") && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(quiet.stdout().contains("Đã dựng"), "{}", quiet.stdout());
    assert_eq!(timed(&quiet.stdout(), "render"), 0, "{}", quiet.stdout());
}

#[test]
fn new_static_folder_is_watched_once_created() {
    let site = minimal_site();
    let srv = Served::start(site.path(), &[]);
    let g = generation(&srv.ready());
    write(site.path(), "static/site.css", "body { color: red }\n");
    let s = srv.after(g);
    assert_eq!(srv.page("/site.css"), "body { color: red }\n");
    write(site.path(), "static/site.css", "body { color: blue }\n");
    srv.after(generation(&s));
    assert_eq!(srv.page("/site.css"), "body { color: blue }\n");
}

#[test]
fn a_directory_rename_moves_its_pages() {
    let site = minimal_site();
    let srv = Served::start(site.path(), &[]);
    let g = generation(&srv.ready());
    std::fs::rename(site.path().join("content/bai-viet"), site.path().join("content/tin-tuc")).expect("mv");
    srv.after(g);
    srv.wait_until("settled", |s| s["building"] == false);
    assert_eq!(srv.get("/bai-viet/mot/").status, 404);
    assert!(srv.page("/tin-tuc/mot/").contains("Nội dung."));
}

#[test]
fn a_scheduled_page_goes_live_without_an_edit() {
    let site = minimal_site();
    let at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() + 4;
    let stamp = loa::vi::dates::DateTime::from_unix(i64::try_from(at).expect("secs")).to_rfc3339();
    write(
        site.path(),
        "content/bai-viet/hen.md",
        &format!("---\ntitle: Hẹn giờ\ndate: 2022-09-20\npublish_at: {stamp}\n---\nBài hẹn giờ.\n"),
    );
    let srv = Served::start(site.path(), &[]);
    let g = generation(&srv.ready());
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    // (On a very slow machine the first build may already be past the time.)
    if now + 1 < at {
        assert_eq!(srv.get("/bai-viet/hen/").status, 404, "published before its time");
        srv.after(g);
        assert!(srv.stdout().contains("Đến giờ hẹn"), "{}", srv.stdout());
    }
    assert!(srv.page("/bai-viet/hen/").contains("Bài hẹn giờ."));
}

#[test]
fn running_out_of_inotify_watches_falls_back_to_polling() {
    // A user namespace of its own gets its own inotify limits: allow 3 watches there.
    let probe = std::process::Command::new("unshare")
        .args(["--user", "--map-root-user", "sh", "-c", "echo 3 > /proc/sys/user/max_inotify_watches"])
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("skipped: user namespaces (unshare --user) are not available here");
        return;
    }
    let site = fixture("basic");
    let mut cmd = std::process::Command::new("unshare");
    cmd.args([
        "--user",
        "--map-root-user",
        "sh",
        "-c",
        "echo 3 > /proc/sys/user/max_inotify_watches && exec \"$0\" \"$@\"",
    ])
    .arg(env!("CARGO_BIN_EXE_loa"))
    .args(["serve", "--port", "0", "--root"])
    .arg(site.path());
    let srv = Served::spawn(cmd);
    let g = generation(&srv.ready());
    assert!(srv.stderr().contains("max_user_watches"), "no fallback warning: {}", srv.stderr());
    let path = site.path().join("content/bai-viet/bai-dau.md");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replace("Đoạn mở đầu", "Đọc định kỳ. Đoạn mở đầu")).expect("write");
    let s = srv.after(g);
    assert_eq!(s["ok"], true, "{s:#}");
    assert!(srv.page("/bai-viet/bai-dau/").contains("Đọc định kỳ."));
}

#[test]
fn an_edit_during_a_rebuild_supersedes_it() {
    let site = minimal_site();
    // Enough pages that a debug build takes a while.
    for i in 0..400 {
        write(
            site.path(),
            &format!("content/bai-viet/bai-{i}.md"),
            &format!(
                "---\ntitle: Bài {i}\ndate: 2023-01-{:02}\n---\n{}\n",
                i % 28 + 1,
                "Một đoạn văn. ".repeat(200)
            ),
        );
    }
    let srv = Served::start(site.path(), &[]);
    let g = generation(&srv.ready());
    write(site.path(), MOT, "---\ntitle: Một\ndate: 2022-09-15\n---\nBản A.\n");
    srv.wait_until("the rebuild to start", |s| s["building"] == true);
    write(site.path(), MOT, "---\ntitle: Một\ndate: 2022-09-15\n---\nBản B.\n");
    let s = srv.wait_until("the last edit to be served", |s| {
        s["generation"].as_u64() > Some(g) && s["building"] == false && s["bursts"].as_u64() >= Some(2)
    });
    let page = srv.page("/bai-viet/mot/");
    assert!(page.contains("Bản B."), "stale page after the last edit: {s:#}");
    assert_eq!(s["superseded"], 1, "the build of the older edit was not superseded: {s:#}");
    assert_eq!(generation(&s), g + 1, "the superseded build was published: {s:#}");
}

/// Waits until the server is idle (no build, no index thread) and gives the status.
fn settled(srv: &Served) -> Value {
    srv.wait_until("no build or index running", |s| s["building"] == false && s["indexing"] == false)
}

/// The options of a fresh build to compare with what the server serves: its stylesheet
/// imported, as the server's own builds have it (approvals do not matter to these sites).
fn served_options() -> loa::build::BuildOptions {
    loa::build::BuildOptions { import_style: true, ..loa::build::BuildOptions::default() }
}

/// Output path and bytes of some files.
type Files = Vec<(String, Vec<u8>)>;

/// The search index files a fresh build of `root` gives, and those the server serves.
fn index_files(srv: &Served, root: &std::path::Path) -> (Files, Files) {
    let mut config = loa::config::Config::load(root, &loa::config::Overrides::default()).expect("config");
    config.base_url = format!("http://127.0.0.1:{}{}", srv.port, config.base_path);
    let sink = loa::output::MemorySink::default();
    let mut fresh =
        loa::build::build(&config, served_options(), &sink, &loa::memo::Memo::off()).expect("fresh build");
    fresh.output.files = sink.into_files();
    let want: Vec<(String, Vec<u8>)> = fresh
        .output
        .files
        .iter()
        .filter(|(k, _)| k.starts_with(loa::search::INDEX_DIR))
        .map(|(k, v)| (k.clone(), v.to_vec()))
        .collect();
    let listing: Vec<String> = srv.get("/__loa/status?files").text().parse::<Value>().expect("json")["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|v| v.as_str().filter(|k| k.starts_with(loa::search::INDEX_DIR)).map(str::to_string))
        .collect();
    let got = listing.into_iter().map(|k| (k.clone(), srv.get(&format!("/{k}")).body)).collect();
    (want, got)
}

/// `search: false` written into loa.yaml while serving: the next build has no index, and the
/// server stops serving the last one.
#[test]
fn search_switched_off_while_serving_drops_the_index() {
    let site = minimal_site();
    let root = site.path();
    let srv = Served::start(root, &[]);
    let g = generation(&srv.ready());
    settled(&srv);
    assert_eq!(srv.get("/tim-kiem/index/meta.json").status, 200);
    write(root, "loa.yaml", "title: Thử\nbase_url: https://thu.example.vn\nsearch: false\n");
    srv.after(g);
    let s = settled(&srv);
    assert_eq!(s["ok"], true, "{s:#}");
    assert_eq!(srv.get("/tim-kiem/index/meta.json").status, 404, "{s:#}");
    assert_eq!(srv.get("/bai-viet/mot/").status, 200);
}

/// Once a site is served, the search index is built after the reload, on its own thread: it
/// still ends equal to a fresh build's after a body edit, after a template edit (same
/// documents: the index is kept) and after a failed build (the index of the site that stays
/// served is finished).
#[test]
fn the_search_index_built_after_the_reload_ends_up_equal_to_a_fresh_builds() {
    let site = minimal_site();
    let root = site.path();
    let srv = Served::start(root, &[]);
    let g = generation(&srv.ready());
    settled(&srv);
    let (want, got) = index_files(&srv, root);
    assert!(want.len() > 3, "{} index files", want.len());
    assert!(want == got, "first build");

    write(root, MOT, "---\ntitle: Một\ndate: 2022-09-15\n---\nNội dung có từ khóa xylophon.\n");
    srv.after(g);
    let s = settled(&srv);
    let (want, got) = index_files(&srv, root);
    assert!(want == got, "after a body edit: {s:#}");

    let g = generation(&srv.status());
    let template = root.join("templates/base.html");
    let text = std::fs::read_to_string(&template).expect("read");
    std::fs::write(&template, text.replace("<body>", "<body class=\"sua\">")).expect("write");
    srv.after(g);
    settled(&srv);
    let (want, got) = index_files(&srv, root);
    assert!(want == got, "after an edit that leaves the documents alone");

    // An edit, then a broken file before its index is done: the edit's index still lands.
    let g = generation(&srv.status());
    write(root, MOT, "---\ntitle: Một\ndate: 2022-09-15\n---\nNội dung có từ khóa marimba.\n");
    srv.after(g);
    let g = generation(&srv.status());
    write(root, "content/bai-viet/hong.md", "---\ntitle: [\n---\n");
    srv.after(g);
    let s = settled(&srv);
    assert_eq!(s["ok"], false, "{s:#}");
    std::fs::remove_file(root.join("content/bai-viet/hong.md")).expect("rm");
    let (want, got) = index_files(&srv, root);
    assert!(want == got, "after a failed build");
}
