//! The browser search (`themes/loa/static/search.js`) against an index built by
//! `loa::search::build_index`, through Node's built-in test runner (`tests/js/`).
//!
//! `search_js_on_fixture_index` writes the index of a few fixture pages and golden
//! fold/tone/tokenize values into a temp folder, then runs `node --test tests/js/` with
//! `LOA_SEARCH_FIXTURE` pointing at it. Without `node` it prints why and returns, unless `CI=true`.
//!
//! `search_index_size_on_corpus` (a no-op unless LOA_SEARCH_CORPUS is set) measures a generated corpus:
//! `python3 benches/gen_corpus.py --articles 10000 --out /tmp/search-c10k --flavor neutral`, then
//! `LOA_SEARCH_CORPUS=/tmp/search-c10k LOA_SEARCH_OUT=/tmp/search-c10k-index cargo test --release --test suite
//! search_index_size -- --nocapture`, then
//! `node tests/js/measure.js /tmp/search-c10k-index "khuyen hoc"` for the bytes a query fetches.

use std::path::{Path, PathBuf};
use std::process::Command;

use loa::search::{SearchDoc, Topic, TopicKind, build_index, encode};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn write_files(dir: &Path, files: &std::collections::BTreeMap<String, Vec<u8>>) {
    for (path, bytes) in files {
        let dest = dir.join(path);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::write(&dest, bytes).expect("write index file");
    }
}

fn page(url: &str, title: &str, section: &str, date: &str, text: &str) -> SearchDoc {
    SearchDoc {
        url: url.into(),
        title: title.into(),
        section: section.into(),
        kind: "article".into(),
        audiences: vec!["can-bo".into()],
        tags: vec![],
        date: Some(date.into()),
        summary: "".into(),
        text: text.into(),
        headings: vec![],
        codes: vec![],
        topics: vec![],
    }
}

/// The fixture pages the JS tests search (tests/js/search.test.js names them by url).
fn fixture_pages() -> Vec<SearchDoc> {
    let tin = "Tin tức";
    let mut khuyen_hoc =
        page("/khuyen-hoc/", "Quỹ khuyến học xã Thắng", tin, "2024-05-01", "Hội khuyến học trao học bổng.");
    khuyen_hoc.tags = vec!["Khuyến học".into()];
    khuyen_hoc.audiences = vec!["hoc-sinh".into()];
    let mut rai_rac =
        page("/rai-rac/", "Bài rời rạc", tin, "2024-06-01", "Chương trình khuyến nông; năm học mới bắt đầu.");
    rai_rac.audiences = vec!["nong-dan".into()];
    let mut van_ban = page(
        "/van-ban-khuyen-hoc/",
        "Hướng dẫn công tác khuyến học",
        "Văn bản",
        "2024-03-01",
        "Văn bản hướng dẫn.",
    );
    van_ban.tags = vec!["khuyến học".into()];
    let mut dang_vien =
        page("/dang-vien/", "Gương mẫu", tin, "2024-02-01", "Mỗi Đảng viên là một tấm gương.");
    dang_vien.tags = vec!["Đảng ủy".into()];
    let mut quy = page("/quy-cua-hoi/", "Quỹ của hội", tin, "2024-02-02", "Quỹ của hội được bổ sung.");
    quy.tags = vec!["Đảng uỷ".into()];
    let mut notice = page(
        "/thong-bao/?a=1&b=\"2\"",
        "<script>alert(\"x\")</script> Thông báo “nghỉ lễ” & <b>lịch</b>",
        tin,
        "2024-04-01",
        "Lịch nghỉ lễ năm nay.",
    );
    notice.summary = "<i>Nghỉ</i> lễ".into();
    khuyen_hoc.topics = vec![
        Topic {
            kind: TopicKind::Tag, name: "Khuyến học".into(), url: "/tags/khuyen-hoc/".into(), id: None
        },
        Topic {
            kind: TopicKind::Audience,
            name: "Gia đình".into(),
            url: "/doi-tuong/gia-dinh/".into(),
            id: Some("gia-dinh".into()),
        },
        Topic {
            kind: TopicKind::Term,
            name: "Học tập suốt đời".into(),
            url: "/thuat-ngu/#hoc-tap-suot-doi".into(),
            id: None,
        },
    ];
    khuyen_hoc.audiences.push("gia-dinh".into());
    // "bóng đá" typed with tones: /bong-da/ has it in its body only, /hoc-bong/ has "học bổng
    // đã" (the same folded bigram) in its title and body, and "đa" for the syllable `da`.
    let bong_da =
        page("/bong-da/", "Giải thiếu niên của xã", tin, "2022-01-01", "Đội bóng đá của xã giành giải.");
    let hoc_bong =
        page("/hoc-bong/", "Học bổng đã trao", tin, "2022-01-02", "Học bổng đã đến tay đa số các em.");
    // A name with a plain d beside "giai đoạn", and headings for the excerpt's "Trong mục".
    let doan_text = "Lời mở đầu.\nGia đình văn hoá\nTrong giai đoạn 2021–2025, bà Nguyễn Thị Doan vận động \
                     cả xóm cùng học.\nKết quả\nXóm được khen.";
    let mut doan = page("/nguyen-thi-doan/", "Một tấm gương", tin, "2022-02-01", doan_text);
    doan.headings = vec![
        (doan_text.find("Gia đình").unwrap(), "gia-dinh-van-hoa".into()),
        (doan_text.find("Kết quả").unwrap(), "ket-qua".into()),
    ];
    // A registered document (older, so plain ranking would put it after the page citing it).
    let mut kl49 = page(
        "/van-ban/49-kl-tw/",
        "Kết luận của Bộ Chính trị",
        "Văn bản",
        "2019-10-10",
        "Kết luận về tiếp tục thực hiện Chỉ thị.",
    );
    kl49.kind = "document".into();
    kl49.codes = vec!["49-KL/TW".into(), "Kết luận 49".into()];
    let citing = page(
        "/thuc-hien-ket-luan-49/",
        "Xã triển khai Kết luận 49-KL/TW",
        tin,
        "2024-07-01",
        "Theo Kết luận 49-KL/TW, mỗi xã lập kế hoạch.",
    );
    vec![
        bong_da,
        hoc_bong,
        doan,
        kl49,
        citing,
        khuyen_hoc,
        rai_rac,
        van_ban,
        dang_vien,
        quy,
        notice,
        page("/xa-hoi-hoc-tap/", "Cơ sở", tin, "2023-01-01", "Xây dựng xã hội học tập ở cơ sở."),
        page(
            "/xa-hoi-hoc/",
            "Ngành học",
            tin,
            "2023-01-02",
            "Ngành xã hội học phát triển. Học tập suốt đời là cần thiết.",
        ),
        page("/xa-hoi-hoc-va-hoc-tap/", "Môn học", tin, "2023-01-03", "Môn xã hội học và học tập suốt đời."),
        page("/tuyen-sinh/", "Tuyển sinh", tin, "2023-02-01", "Công tác tuyển sinh; học tập suốt đời."),
        page("/sinh-hoc/", "Môn sinh", tin, "2023-02-02", "Môn sinh học lớp 10."),
        page("/hoc-xuong/", "Mẹo nhỏ", tin, "2023-03-01", "Trẻ bị hóc xương cá."),
        page("/di-hoc/", "Đi học", tin, "2023-03-02", "Em đi học."),
        page("/hoa-binh/", "Hữu nghị", tin, "2023-04-01", "Hoà bình và hữu nghị."),
    ]
}

/// Strings whose fold, tone key and tokens the JS must compute exactly as Rust does.
const GOLDEN_KEYS: &[&str] = &[
    "XÃ HỘI HỌC TẬP",
    "xã hội học tập",
    "Xa hoi hoc tap",
    "Đảng ủy Khối",
    "Đảng uỷ",
    "ĐẢNG UỶ",
    "\u{d0}ảng \u{f0}oàn",
    "hoà khoẻ thuỷ uỷ",
    "Thanh Hoá",
    "Hiệp Hoà, toà án.",
    "hoạ sĩ",
    "quý quỷ quả",
    "khuyến học",
    "KHUYẾN HỌC",
    "hóc học",
    "ƯƠ ưở Ă Â Ê Ô Ơ",
    "Ngoẻo khuya khuỷu thuở",
    "Kết luận 49-KL/TW",
    "ΟΔΟΣ",
    "İstanbul",
    "naïve café",
    "ǅ ß ﬁ",
    "",
];

const GOLDEN_TOKENS: &[&str] = &[
    "…tuyển sinh; học tập…",
    "Kết luận 49-KL/TW",
    "TP.HCM lúc 14:30",
    "10.000 học sinh, 1,5 tỷ đồng",
    "giai đoạn 2021–2025.",
    "Hà Nội - Thủ đô",
    "“Gia đình học tập”; (xã) [hội] {học} «tập» ‘A’ 'B'",
    "Kơ’nia, Đắk R'Lấp",
    "xem https://example.com/abcdefghijklmnopqrstuvwxyz0123456789 tại đây",
    "học \u{301} tập",
    "a\tb\nc\r\nd\u{2028}e",
    "👍 tốt! thật? vâng… • mục | cột · điểm",
    "x(y)z a/b c - d",
    "ការសិក្សាពេញមួយជីវិត។ ក្រសួង អប់រំ",
    "Lifelong learning, Éducation pour tous",
];

/// Rust's keys, tokens, shard names and number encoding, for the JS to compare.
fn goldens() -> serde_json::Value {
    use unicode_normalization::UnicodeNormalization;
    let mut inputs: Vec<String> = Vec::new();
    for s in GOLDEN_KEYS.iter().chain(GOLDEN_TOKENS) {
        inputs.push(s.to_string());
        inputs.push(s.nfd().collect());
    }
    let keys: Vec<_> = inputs
        .iter()
        .map(|s| serde_json::json!({"input": s, "fold": loa::vi::fold(s), "tone": loa::vi::tone_key(s)}))
        .collect();
    let tokens: Vec<_> = inputs
        .iter()
        .map(|s| {
            let segments: Vec<Vec<[String; 3]>> = loa::search::tokenize(s)
                .into_iter()
                .map(|seg| seg.into_iter().map(|t| [t.text.to_string(), t.fold, t.tone]).collect())
                .collect();
            serde_json::json!({"input": s, "segments": segments})
        })
        .collect();
    let mut shards = Vec::new();
    for key in ["khuyen", "hoc", "khuyen hoc", "dang vien", "10.000", "ναι", ""] {
        for bits in [0, 1, 4, 9, 12] {
            let shard = encode::shard_name(encode::shard_of(key, bits), bits);
            shards.push(serde_json::json!({"key": key, "bits": bits, "shard": shard}));
        }
    }
    let values = [0u32, 1, 31, 32, 1000, 1023, 1024, 65_535, 1 << 20, 123_456_789];
    let mut text = String::new();
    for v in values {
        encode::push_number(&mut text, v);
    }
    serde_json::json!({"keys": keys, "tokens": tokens, "shards": shards, "numbers": {"text": text, "values": values}})
}

#[test]
fn search_js_on_fixture_index() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    if Command::new("node").arg("--version").output().is_err() {
        assert!(!ci, "node is required when CI=true (tests/js/ checks search.js)");
        println!("skipped: `node` not found, so tests/js/ (search.js) did not run");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    write_files(dir.path(), &build_index(&fixture_pages()));
    std::fs::write(dir.path().join("goldens.json"), serde_json::to_vec_pretty(&goldens()).expect("json"))
        .expect("write goldens");
    let js = repo().join("tests/js");
    let mut tests: Vec<PathBuf> = std::fs::read_dir(&js)
        .expect("tests/js")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".test.js"))
        .collect();
    tests.sort();
    assert!(!tests.is_empty(), "no tests/js/*.test.js");
    let out = Command::new("node")
        .args(["--test", "--test-reporter=tap"])
        .args(&tests)
        .env("LOA_SEARCH_FIXTURE", dir.path())
        .current_dir(repo())
        .output()
        .expect("run node --test");
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "node --test tests/js/ failed:\n{report}");
    // Every test ran (none skipped for a missing fixture) and none failed.
    assert!(report.contains("# fail 0") && report.contains("# skipped 0"), "{report}");
}

/// Crude Markdown → plain text for the benchmark corpus (headings, emphasis, links, lists,
/// tables, quotes, code blocks dropped).
fn plain(markdown: &str) -> String {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in markdown.lines() {
        let t = line.trim();
        if t.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code || t.is_empty() || t.starts_with("|---") {
            continue;
        }
        let t = t.trim_start_matches(['#', '>', '-', '*', ' ']);
        let t = t.trim_start_matches(|c: char| c.is_ascii_digit()).trim_start_matches(". ");
        let mut s = t.replace("**", "").replace('*', "").replace('|', " ");
        while let (Some(a), Some(b)) = (s.find("]("), s[s.find("](").unwrap_or(0)..].find(')')) {
            let open = s[..a].rfind('[').unwrap_or(a);
            let close = a + b;
            s = format!("{}{}{}", &s[..open], &s[open + 1..a], &s[close + 1..]);
        }
        out.push(s.trim().to_string());
    }
    out.retain(|l| !l.is_empty());
    out.join("\n")
}

fn unquote(v: &str) -> String {
    v.trim().trim_matches('"').to_string()
}

/// One corpus file → SearchDoc (front matter read line by line).
fn corpus_doc(path: &Path) -> SearchDoc {
    let src = std::fs::read_to_string(path).expect("read corpus file");
    let rest = src.strip_prefix("---\n").expect("front matter");
    let (front, body) = rest.split_once("\n---\n").expect("front matter end");
    let mut doc = SearchDoc {
        url: format!("/bai-viet/{}/", path.file_stem().unwrap().to_string_lossy()),
        title: String::new(),
        section: "Bài viết".into(),
        kind: "article".into(),
        audiences: vec![],
        tags: vec![],
        date: None,
        summary: "".into(),
        text: plain(body).into(),
        headings: vec![],
        codes: vec![],
        topics: vec![],
    };
    let mut list = "";
    for line in front.lines() {
        if let Some(item) = line.strip_prefix("  - ") {
            match list {
                "tags" => doc.tags.push(unquote(item)),
                "audiences" => doc.audiences.push(unquote(item)),
                _ => {}
            }
            continue;
        }
        let Some((k, v)) = line.split_once(':') else { continue };
        list = k;
        match k {
            "title" => doc.title = unquote(v),
            "summary" => doc.summary = unquote(v).into(),
            "date" => doc.date = Some(v.trim().chars().take(10).collect()),
            _ => {}
        }
    }
    doc
}

/// A measurement, not a check: runs only when `LOA_SEARCH_CORPUS` names a gen_corpus.py
/// output folder (see the module docs); otherwise it says so and returns.
#[test]
fn search_index_size_on_corpus() {
    let Some(corpus) = std::env::var_os("LOA_SEARCH_CORPUS") else {
        println!("search_index_size_on_corpus: LOA_SEARCH_CORPUS is not set; nothing measured");
        return;
    };
    let start = std::time::Instant::now();
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(Path::new(&corpus).join("content"))
        .into_iter()
        .map(|e| e.expect("walk").into_path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "md")
                && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('_'))
        })
        .collect();
    paths.sort();
    let docs: Vec<SearchDoc> = paths.iter().map(|p| corpus_doc(p)).collect();
    let read = start.elapsed();
    let start = std::time::Instant::now();
    let files = build_index(&docs);
    let built = start.elapsed();
    let mut by_dir: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    for (path, bytes) in &files {
        let dir = path.rsplit_once('/').map_or("", |p| p.0).to_string();
        let e = by_dir.entry(dir).or_default();
        e.0 += 1;
        e.1 += bytes.len();
    }
    let total: usize = files.values().map(Vec::len).sum();
    println!("{} docs read in {read:?}, index built in {built:?}", docs.len());
    for (dir, (n, bytes)) in &by_dir {
        println!("{dir:<24} {n:>6} files {bytes:>12} bytes");
    }
    println!("total {} files, {total} bytes", files.len());
    if let Some(out) = std::env::var_os("LOA_SEARCH_OUT") {
        let out = PathBuf::from(out);
        if out.exists() {
            std::fs::remove_dir_all(&out).expect("clear LOA_SEARCH_OUT");
        }
        write_files(&out, &files);
        println!("written to {}", out.display());
    }
}
