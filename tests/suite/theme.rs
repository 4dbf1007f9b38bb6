//! The default theme on the repository's real site, in a real browser and through the Nu Html
//! Checker (issue 6).
//!
//! Both tests build the site with the real binary (`loa build --root <repo> --output-dir <tmp>`).
//! `theme_in_chromium` serves the output on 127.0.0.1 with the small static server below (not
//! `loa serve`: what is checked is the published folder) and runs `tests/theme/check.mjs`, which
//! drives Debian's Chromium through playwright-core: search, screenshots at 360 and 1280 px
//! (kept in `target/theme-artifacts/`), console errors, failed requests, requests to other hosts,
//! overflow at 320 px, axe-core and the print stylesheet; it also measures the first search query
//! (`target/theme-artifacts/search-timing.json`). `theme_html_is_valid` runs vnu.jar over every
//! page, stylesheet and SVG of the site. `theme_scores_100_in_lighthouse` runs
//! `tests/theme/lighthouse.mjs` (issue 24): Lighthouse, mobile and desktop, over one page of each
//! type, all four categories at 100 and layout shift under 0.05, scores in
//! `target/theme-artifacts/lighthouse/`. The heavy tests take one lock
//! (`harness::browser_lock`), so that Lighthouse's timings are not taken while another
//! Chromium or the HTML checker works. The `languages` fixture built with the default theme
//! gives Khmer and English pages (issue 28): `tests/theme/khmer.mjs` checks that Khmer pages are
//! drawn in a Khmer font without fetching one (Debian's fonts-khmeros), and vnu.jar checks them.
//!
//! The other tests need no outside program: what the built site must hold for those scores
//! (the stylesheet inlined and minified, the QR library loaded only to print, the fallback fonts
//! made from the font files) and what loa does with a theme file it cannot minify.
//!
//! Needs node, `npm ci` in tests/theme, /usr/bin/chromium (or `LOA_CHROMIUM`), java and the
//! fallback fonts (fonts-liberation, fonts-roboto-unhinted, fonts-dejavu-core, fonts-khmeros),
//! all installed by `.ci/run`. Without them each test prints why and returns, unless `CI=true`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{browser_lock, write};

/// Longest the browser checks may run (they take about two minutes on two cores).
const BROWSER_TIMEOUT: Duration = Duration::from_secs(420);
/// Longest the HTML checker may run (about ten seconds).
const VNU_TIMEOUT: Duration = Duration::from_secs(240);
/// Longest Lighthouse may run (24 runs take about three and a half minutes on two cores; a
/// page run again after a failure adds about ten seconds).
const LIGHTHOUSE_TIMEOUT: Duration = Duration::from_secs(900);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn theme_tests() -> PathBuf {
    repo().join("tests/theme")
}

fn vnu_jar() -> PathBuf {
    theme_tests().join("node_modules/vnu-jar/build/dist/vnu.jar")
}

fn artifacts() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| repo().join("target"), PathBuf::from)
        .join("theme-artifacts")
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(program)).find(|p| p.is_file())
}

pub fn chromium() -> PathBuf {
    std::env::var_os("LOA_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// What is missing to run the browser checks, if anything.
pub fn browser_missing() -> Option<String> {
    if !chromium().is_file() {
        return Some(format!("{} not found (apt-get install chromium)", chromium().display()));
    }
    if on_path("node").is_none() {
        return Some("node not found".into());
    }
    for package in ["playwright-core", "axe-core"] {
        if !theme_tests().join("node_modules").join(package).join("package.json").is_file() {
            return Some(format!("tests/theme/node_modules/{package} missing (run `npm ci` in tests/theme)"));
        }
    }
    None
}

/// What is missing to run Lighthouse, if anything.
fn lighthouse_missing() -> Option<String> {
    browser_missing().or_else(|| {
        let package = theme_tests().join("node_modules/lighthouse/package.json");
        (!package.is_file())
            .then(|| "tests/theme/node_modules/lighthouse missing (run `npm ci` in tests/theme)".into())
    })
}

/// The local fonts `tests/theme/font-metrics.mjs` measures (Debian's paths).
const FALLBACK_FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
];

/// What is missing to compute the fallback fonts' metrics, if anything.
fn font_metrics_missing() -> Option<String> {
    if on_path("node").is_none() {
        return Some("node not found".into());
    }
    FALLBACK_FONTS.iter().find(|f| !Path::new(f).is_file()).map(|f| {
        format!("{f} not found (apt-get install fonts-liberation fonts-roboto-unhinted fonts-dejavu-core)")
    })
}

/// What is missing to run the HTML checker, if anything.
fn vnu_missing() -> Option<String> {
    if on_path("java").is_none() {
        return Some("java not found".into());
    }
    if !vnu_jar().is_file() {
        return Some("tests/theme/node_modules/vnu-jar missing (run `npm ci` in tests/theme)".into());
    }
    None
}

/// True when the test should return now: a tool is missing on a developer machine. On CI
/// (`CI=true`) a missing tool is a failure.
pub fn skip(missing: Option<String>, test: &str) -> bool {
    let Some(what) = missing else { return false };
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{test} cannot run on CI: {what}");
    eprintln!("skipped {test}: {what}");
    true
}

/// Builds the repository's site into a temporary folder; returns (the folder, the site in it).
fn build_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("public");
    let result = crate::harness::loa()
        .args(["build", "--root"])
        .arg(repo())
        .arg("--output-dir")
        .arg(&out)
        .output()
        .expect("run loa build");
    assert!(result.status.success(), "the site does not build: {}", String::from_utf8_lossy(&result.stderr));
    (tmp, out)
}

// ───────────────────────────── a static file server ─────────────────────────────

/// Serves `root` on 127.0.0.1 (GET only; `/x/` is `x/index.html`; 404 otherwise) from a thread
/// that lives as long as the test process. Returns the port.
pub fn serve(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("local addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let root = root.clone();
            // One thread per connection: Chromium opens several and may keep one idle.
            std::thread::spawn(move || {
                let _ = answer(&root, stream);
            });
        }
    });
    port
}

fn answer(root: &Path, mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(15)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    let mut range = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("range")
        {
            range = parse_range(value.trim());
        }
    }
    let mut words = request.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
    if method != "GET" {
        return reply(&mut stream, "405 Method Not Allowed", "text/plain; charset=utf-8", b"GET only\n");
    }
    match resolve(root, target).and_then(|file| std::fs::read(&file).ok().map(|body| (file, body))) {
        // A part, as static hosts send one (the search page reads its excerpts so).
        Some((file, body)) if let Some((from, to)) = range.filter(|&(f, t)| f <= t && t < body.len()) => {
            let head = format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Type: {}\r\nContent-Range: bytes {from}-{to}/{}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                content_type(&file),
                body.len(),
                to + 1 - from
            );
            stream.write_all(head.as_bytes())?;
            stream.write_all(&body[from..=to])?;
            stream.flush()
        }
        Some((file, body)) => reply(&mut stream, "200 OK", content_type(&file), &body),
        None => reply(&mut stream, "404 Not Found", "text/plain; charset=utf-8", b"not found\n"),
    }
}

fn reply(stream: &mut TcpStream, status: &str, kind: &str, body: &[u8]) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

/// The bytes a `Range` header asks for, `bytes=FROM-TO` (the one form `search.js` sends).
fn parse_range(value: &str) -> Option<(usize, usize)> {
    let (from, to) = value.strip_prefix("bytes=")?.split_once('-')?;
    Some((from.parse().ok()?, to.parse().ok()?))
}

/// The file a request path names: `/x/` → `x/index.html`, `/x/y.css` → `x/y.css`; `None` for
/// anything else (a folder without its slash, `..`, a missing file).
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let path = percent_decode(path.strip_prefix('/')?)?;
    if path.split('/').any(|s| s == ".." || s == ".") || path.contains(['\\', '\0']) {
        return None;
    }
    let rel = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path };
    let file = root.join(rel);
    file.is_file().then_some(file)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

// ───────────────────────────── running a tool ─────────────────────────────

/// Runs a child to its end within `limit` (killed after it), reading its output meanwhile.
/// Returns (success, stdout, stderr).
fn run_bounded(mut child: Child, limit: Duration, what: &str) -> (bool, String, String) {
    let collect = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = collect(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = collect(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (out, err) = (stdout.join().expect("stdout"), stderr.join().expect("stderr"));
    let Some(status) = status else {
        panic!("{what} did not finish in {limit:?}\nstdout:\n{out}\nstderr:\n{err}");
    };
    (status.success(), out, err)
}

/// Runs `tests/theme/<script> <site URL> <artifacts>` in node on the system Chromium, within
/// `limit`: (exited 0, stdout, stderr).
fn run_theme_script(script: &str, port: u16, artifacts: &Path, limit: Duration) -> (bool, String, String) {
    let child = Command::new("node")
        .arg(theme_tests().join(script))
        .arg(format!("http://127.0.0.1:{port}/"))
        .arg(artifacts)
        .current_dir(theme_tests())
        .env("LOA_CHROMIUM", chromium())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn node");
    run_bounded(child, limit, &format!("tests/theme/{script}"))
}

// ───────────────────────────── the tests ─────────────────────────────

#[test]
fn theme_in_chromium() {
    if skip(browser_missing(), "theme browser checks") {
        return;
    }
    let _browser = browser_lock();
    let (_tmp, site) = build_site();
    let port = serve(site);
    let artifacts = artifacts();
    // This test's files only: Lighthouse keeps its own in a folder beside them.
    if let Ok(entries) = std::fs::read_dir(&artifacts) {
        for entry in entries.flatten().filter(|e| e.path().is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    std::fs::create_dir_all(&artifacts).expect("artifact dir");
    let (ok, stdout, stderr) = run_theme_script("check.mjs", port, &artifacts, BROWSER_TIMEOUT);
    assert!(ok, "theme checks failed\nstdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("all theme checks passed"), "stdout:\n{stdout}");
    for line in stdout.lines().filter(|l| l.starts_with("first-query") || l.starts_with("note")) {
        eprintln!("{line}");
    }
    for shot in ["home", "article", "campaign-audience", "document"] {
        for width in [360, 1280] {
            let png = artifacts.join(format!("{shot}-{width}.png"));
            assert!(png.metadata().map(|m| m.len() > 1000).unwrap_or(false), "{} missing", png.display());
        }
    }
    eprintln!("screenshots and search timing in {}", artifacts.display());
}

#[test]
fn theme_scores_100_in_lighthouse() {
    if skip(lighthouse_missing(), "Lighthouse") {
        return;
    }
    let _browser = browser_lock();
    let (_tmp, site) = build_site();
    let port = serve(site);
    let artifacts = artifacts().join("lighthouse");
    let _ = std::fs::remove_dir_all(&artifacts);
    std::fs::create_dir_all(&artifacts).expect("artifact dir");
    let start = Instant::now();
    let (ok, stdout, stderr) = run_theme_script("lighthouse.mjs", port, &artifacts, LIGHTHOUSE_TIMEOUT);
    // The failures name the page, the preset, the scores and the audits that cost points; a
    // page that passed only when run again says so in a `note` line.
    assert!(ok, "Lighthouse below 100 or layout shift of 0.05 or more\nstdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("all lighthouse checks passed"), "stdout:\n{stdout}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(artifacts.join("lighthouse.json")).expect("lighthouse.json"))
            .expect("lighthouse.json is JSON");
    let results = report["results"].as_array().expect("results");
    assert_eq!(results.len(), 26, "13 page types, mobile and desktop");
    for line in stdout.lines().filter(|l| l.starts_with("note") || l.starts_with("lighthouse:")) {
        eprintln!("{line}");
    }
    eprintln!(
        "Lighthouse: {} runs in {:.0?}; scores in {}",
        results.len(),
        start.elapsed(),
        artifacts.display()
    );
}

#[test]
fn fallback_fonts_are_made_from_the_font_files() {
    if skip(font_metrics_missing(), "fallback font metrics") {
        return;
    }
    let out = Command::new("node")
        .arg(theme_tests().join("font-metrics.mjs"))
        .arg("--check")
        .current_dir(repo())
        .output()
        .expect("run font-metrics.mjs");
    assert!(
        out.status.success(),
        "themes/loa/static/style.css: fallback faces differ from the fonts (run `node tests/theme/font-metrics.mjs --write`)\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn theme_html_is_valid() {
    if skip(vnu_missing(), "theme HTML validation") {
        return;
    }
    let _browser = browser_lock();
    let (_tmp, site) = build_site();
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&site)
        .into_iter()
        .map(|e| e.expect("walk site").into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html" || e == "css" || e == "svg"))
        .collect();
    files.sort();
    let pages = files.iter().filter(|p| p.extension().is_some_and(|e| e == "html")).count();
    assert!(pages >= 40, "only {pages} pages in the built site");
    // Issue 26: the bulletins' list and a weekly programme are among them.
    let bulletin_pages = files.iter().filter(|p| p.to_string_lossy().contains("/truyen-thanh/")).count();
    assert!(bulletin_pages >= 2, "the /truyen-thanh/ pages are not checked ({bulletin_pages})");
    let errors = vnu_errors(&site, &files);
    assert!(errors.is_empty(), "Nu Html Checker errors in {} files:\n{}", files.len(), errors.join("\n"));
    eprintln!("Nu Html Checker: {} files ({pages} pages), no error", files.len());
}

/// The Nu Html Checker's errors over `files` of the built `site` (`file:line: message`).
fn vnu_errors(site: &Path, files: &[PathBuf]) -> Vec<String> {
    let child = Command::new("java")
        .arg("-Xss4m")
        .arg("-jar")
        .arg(vnu_jar())
        .args(["--errors-only", "--format", "json", "--also-check-css", "--also-check-svg"])
        .args(files)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn java");
    let (_, stdout, stderr) = run_bounded(child, VNU_TIMEOUT, "vnu.jar");
    // vnu.jar writes its report to stderr (exit code 1 when it found errors).
    let report: serde_json::Value = serde_json::from_str(stderr.trim())
        .unwrap_or_else(|e| panic!("vnu.jar report is not JSON ({e})\nstdout:\n{stdout}\nstderr:\n{stderr}"));
    let messages = report["messages"].as_array().expect("messages");
    messages
        .iter()
        .filter(|m| m["type"] != "info")
        .map(|m| {
            let file = m["url"].as_str().unwrap_or("").replace(&format!("file:{}", site.display()), "");
            format!(
                "{file}:{}: {} [{}]",
                m["lastLine"],
                m["message"].as_str().unwrap_or(""),
                m["extract"].as_str().unwrap_or("").replace('\n', " ")
            )
        })
        .collect()
}

// ───────────────────────────── video embeds (issue 25) ─────────────────────────────

/// Builds the `shortcodes` fixture (a page with a YouTube and a Facebook video, a figure, a
/// quote, a callout and a download) with the default theme; returns (the folder, the site).
fn build_embeds_site() -> (tempfile::TempDir, PathBuf) {
    build_fixture("shortcodes", |_| {}, &[])
}

/// Builds fixture `name` copied into a temporary folder and changed by `prepare` (given the
/// copy), with `args` after `build`; returns (the folder, the site).
fn build_fixture(name: &str, prepare: impl FnOnce(&Path), args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let src = tmp.path().join("site");
    crate::harness::copy_site(&crate::harness::sites_dir().join(name), &src);
    prepare(&src);
    let out = tmp.path().join("public");
    let result = crate::harness::loa()
        .arg("build")
        .args(args)
        .arg("--root")
        .arg(&src)
        .arg("--output-dir")
        .arg(&out)
        .output()
        .expect("run loa build");
    assert!(
        result.status.success(),
        "the fixture does not build: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    (tmp, out)
}

#[test]
fn video_embeds_wait_for_the_click_in_chromium() {
    if skip(browser_missing(), "video embed browser checks") {
        return;
    }
    let _browser = browser_lock();
    let (_tmp, site) = build_embeds_site();
    let port = serve(site);
    let artifacts = artifacts().join("video");
    std::fs::create_dir_all(&artifacts).expect("artifact dir");
    let (ok, stdout, stderr) = run_theme_script("video.mjs", port, &artifacts, BROWSER_TIMEOUT);
    assert!(ok, "video checks failed\nstdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("all video checks passed"), "stdout:\n{stdout}");
    eprintln!("{stdout}");
}

#[test]
fn pages_with_embeds_are_valid_html() {
    if skip(vnu_missing(), "embed HTML validation") {
        return;
    }
    let _browser = browser_lock();
    let (_tmp, site) = build_embeds_site();
    let page = site.join("bai-viet/video/index.html");
    let html = std::fs::read_to_string(&page).expect("video page");
    for made in [
        "data-video=",
        "data-video-facebook=",
        "<figure class=\"hinh\">",
        "<figure class=\"loi-trich\">",
        "class=\"callout",
        "class=\"tai-ve\"",
    ] {
        assert!(html.contains(made), "{made} missing from the video page");
    }
    // The site's own video files (`video` shortcode): the browser's player, nothing loaded first.
    let own = site.join("bai-viet/video-tep/index.html");
    let own_html = std::fs::read_to_string(&own).expect("video file page");
    assert!(own_html.contains("<video controls preload=\"none\""), "no player on the video file page");
    assert!(own_html.contains("<track kind=\"captions\""), "no captions on the video file page");
    let errors = vnu_errors(&site, &[page, own]);
    assert!(errors.is_empty(), "Nu Html Checker errors on the page with embeds:\n{}", errors.join("\n"));
}

#[test]
fn video_page_scores_100_in_lighthouse() {
    if skip(lighthouse_missing(), "Lighthouse on the video page") {
        return;
    }
    let _browser = browser_lock();
    let (_tmp, site) = build_embeds_site();
    let port = serve(site);
    let artifacts = artifacts().join("lighthouse-video");
    let _ = std::fs::remove_dir_all(&artifacts);
    std::fs::create_dir_all(&artifacts).expect("artifact dir");
    let child = Command::new("node")
        .arg(theme_tests().join("lighthouse.mjs"))
        .arg(format!("http://127.0.0.1:{port}/"))
        .arg(&artifacts)
        .current_dir(theme_tests())
        .env("LOA_CHROMIUM", chromium())
        .env(
            "LOA_LIGHTHOUSE_PAGES",
            r#"[{"name":"video","path":"/bai-viet/video/"},{"name":"video-file","path":"/bai-viet/video-tep/"}]"#,
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn node");
    let (ok, stdout, stderr) = run_bounded(child, LIGHTHOUSE_TIMEOUT, "tests/theme/lighthouse.mjs");
    assert!(ok, "Lighthouse below 100 on the video page\nstdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("all lighthouse checks passed"), "stdout:\n{stdout}");
}

// ───────────────────────────── Khmer pages (issue 28) ─────────────────────────────

/// Builds the `languages` fixture (vi, en, km) with the default theme instead of its own
/// templates; returns (the folder, the site).
fn build_khmer_site() -> (tempfile::TempDir, PathBuf) {
    let with_theme = |src: &Path| {
        std::fs::remove_dir_all(src.join("templates")).expect("rm templates");
        let config = std::fs::read_to_string(src.join("loa.yaml")).expect("loa.yaml");
        std::fs::write(src.join("loa.yaml"), format!("{config}theme: loa\n")).expect("write");
    };
    build_fixture("languages", with_theme, &["--at", "2024-01-01"])
}

/// Be Vietnam Pro has no Khmer: the Khmer pages name the reader's Khmer fonts (drawn with
/// them, no font fetched) and pass axe; tests/theme/khmer.mjs says what is checked.
#[test]
fn khmer_pages_are_drawn_in_a_khmer_font_in_chromium() {
    if skip(browser_missing(), "Khmer pages in Chromium") {
        return;
    }
    let _browser = browser_lock();
    let (_tmp, site) = build_khmer_site();
    let port = serve(site);
    let artifacts = artifacts().join("khmer");
    std::fs::create_dir_all(&artifacts).expect("artifact dir");
    let (ok, stdout, stderr) = run_theme_script("khmer.mjs", port, &artifacts, BROWSER_TIMEOUT);
    assert!(ok, "Khmer checks failed\nstdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("all Khmer checks passed"), "stdout:\n{stdout}");
}

/// The Khmer and English pages of the default theme are valid HTML (the Nu Html Checker).
#[test]
fn pages_in_other_languages_are_valid_html() {
    if skip(vnu_missing(), "HTML validation of the Khmer and English pages") {
        return;
    }
    let _browser = browser_lock();
    let (_tmp, site) = build_khmer_site();
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&site)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("walk site").into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .filter(|p| p.starts_with(site.join("km")) || p.starts_with(site.join("en")))
        .collect();
    assert!(files.len() >= 10, "only {} pages", files.len());
    let errors = vnu_errors(&site, &files);
    assert!(errors.is_empty(), "Nu Html Checker errors:\n{}", errors.join("\n"));
}

#[test]
fn static_server_maps_folders_to_index_and_refuses_the_rest() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir_all(tmp.path().join("x")).expect("mkdir");
    std::fs::write(tmp.path().join("index.html"), "home").expect("write");
    std::fs::write(tmp.path().join("x/index.html"), "x").expect("write");
    std::fs::write(tmp.path().join("x/a b.css"), "css").expect("write");
    let root = tmp.path();
    assert_eq!(resolve(root, "/"), Some(root.join("index.html")));
    assert_eq!(resolve(root, "/x/?q=khuyen+hoc"), Some(root.join("x/index.html")));
    assert_eq!(resolve(root, "/x/a%20b.css"), Some(root.join("x/a b.css")));
    assert_eq!(resolve(root, "/x"), None);
    assert_eq!(resolve(root, "/x/../index.html"), None);
    assert_eq!(resolve(root, "/khong-co/"), None);

    let port = serve(root.to_path_buf());
    let get = |request: &str| {
        let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.write_all(request.as_bytes()).expect("send");
        let mut text = String::new();
        s.read_to_string(&mut text).expect("read");
        text
    };
    let page = get("GET /x/ HTTP/1.1\r\nHost: t\r\n\r\n");
    assert!(
        page.starts_with("HTTP/1.1 200 OK\r\n") && page.contains("text/html") && page.ends_with("\r\n\r\nx"),
        "{page}"
    );
    assert!(get("GET /nope HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404 "));
    assert!(get("POST / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 405 "));
    // A Range the file holds is answered with that part; any other, with the whole file.
    let part = get("GET /x/a%20b.css HTTP/1.1\r\nRange: bytes=1-2\r\n\r\n");
    assert!(
        part.starts_with("HTTP/1.1 206 ")
            && part.contains("Content-Range: bytes 1-2/3")
            && part.ends_with("\r\n\r\nss"),
        "{part}"
    );
    let beyond = get("GET /x/a%20b.css HTTP/1.1\r\nrange: bytes=1-3\r\n\r\n");
    assert!(beyond.starts_with("HTTP/1.1 200 ") && beyond.ends_with("\r\n\r\ncss"), "{beyond}");
}

// ───────────────────────────── what the scores rest on (no outside program) ─────────────────────────────

/// The built site's HTML pages: path in the site, text.
fn pages(site: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = walkdir::WalkDir::new(site)
        .into_iter()
        .map(|e| e.expect("walk site").into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| {
            let rel = p.strip_prefix(site).expect("in site").to_string_lossy().replace('\\', "/");
            (rel, std::fs::read_to_string(&p).expect("read page"))
        })
        .collect();
    out.sort();
    out
}

/// The text between `open` and `close` after the first `open`.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let from = text.find(open)? + open.len();
    Some(&text[from..from + text[from..].find(close)?])
}

#[test]
fn every_page_inlines_the_minified_stylesheet_and_nothing_blocks_the_first_paint() {
    let (_tmp, site) = build_site();
    let source = std::fs::read_to_string(repo().join("themes/loa/static/style.css")).expect("style.css");
    let published = std::fs::read_to_string(site.join("style.css")).expect("published style.css");
    assert!(
        published.len() * 100 < source.len() * 90 && !published.contains("/*"),
        "style.css is not minified: {} → {} bytes",
        source.len(),
        published.len()
    );
    // What the page holds is the published file, its font URLs made site URLs (the English
    // pages' from the English copy of the theme's files, under /en/).
    let inline = published.replace("url(fonts/", "url(/fonts/");
    let inline_en = published.replace("url(fonts/", "url(/en/fonts/");
    let pages = pages(&site);
    assert!(pages.len() >= 40, "only {} pages", pages.len());
    for (rel, html) in &pages {
        let head = between(html, "<head>", "</head>").unwrap_or_else(|| panic!("{rel}: no <head>"));
        let want = if rel.starts_with("en/") { &inline_en } else { &inline };
        assert_eq!(
            between(head, "<style>", "</style>"),
            Some(want.as_str()),
            "{rel}: the inlined stylesheet"
        );
        assert!(!head.contains("rel=\"stylesheet\""), "{rel}: a stylesheet blocks the first paint");
        // Scripts in the head are inline (the font loader); others are deferred.
        for tag in html.split("<script").skip(1).map(|t| &t[..t.find('>').unwrap_or(t.len())]) {
            assert!(!tag.contains("src=") || tag.contains(" defer"), "{rel}: <script{tag}> blocks parsing");
        }
    }
    for font in inline.split("url(").skip(1).filter_map(|u| u.split(')').next()) {
        assert!(
            site.join(font.trim_start_matches('/')).is_file(),
            "the stylesheet's {font} is not in the site"
        );
    }
    // The fallback faces: local fonts scaled to Be Vietnam Pro, first in the body's fonts.
    for rule in [
        "size-adjust:",
        "ascent-override:",
        "descent-override:",
        "line-gap-override:",
        "local('Arial')",
        "local('Roboto')",
    ] {
        assert!(inline.contains(rule), "no {rule} in the stylesheet");
    }
    assert!(
        inline.contains("body{")
            && between(&inline, "body{", "}")
                .is_some_and(|b| b.contains("font-family:\"Be Vietnam Pro Arial\"")),
        "the first paint's font is not the fallback"
    );
    assert_eq!(
        inline.matches("font-display:swap").count(),
        0,
        "a web font may swap in while the page is read"
    );
}

#[test]
fn the_qr_library_is_not_loaded_with_the_page_only_to_print() {
    let (_tmp, site) = build_site();
    let mut printable = 0;
    for (rel, html) in pages(&site) {
        assert!(!html.contains("src=\"/vendor/qrcode.js\""), "{rel} loads the QR library");
        if html.contains("class=\"print-qr\"") {
            printable += 1;
            // A page in another language has its own copy of the theme's files (`/en/print.js`).
            let prefix = rel.strip_prefix("en/").map_or("", |_| "/en");
            assert!(
                html.contains(&format!(
                    "<script src=\"{prefix}/print.js\" data-qrcode=\"{prefix}/vendor/qrcode.js\" data-qr-alt="
                )),
                "{rel}: print.js does not know where the QR library is"
            );
        }
    }
    assert!(printable >= 5, "only {printable} pages print a QR code");
    assert!(site.join("vendor/qrcode.js").is_file());
    let print = std::fs::read_to_string(site.join("print.js")).expect("print.js");
    assert!(print.contains("beforeprint") && print.contains("data-qrcode"), "{print}");
}

/// A site with a theme folder of its own (`themes/rieng/`, the minimal site's templates, the
/// base inlining `site.style`) under the base path `/tin-tuc`.
fn site_with_own_theme() -> tempfile::TempDir {
    let tmp = crate::harness::minimal_site();
    let root = tmp.path();
    write(root, "loa.yaml", "title: Thử\nbase_url: https://thu.example.vn/tin-tuc\ntheme: rieng\n");
    // The minimal site's templates become the theme's, its base inlining the stylesheet.
    for name in ["index.html", "section.html", "page.html"] {
        std::fs::create_dir_all(root.join("themes/rieng/templates")).expect("mkdir");
        std::fs::rename(root.join("templates").join(name), root.join("themes/rieng/templates").join(name))
            .expect("move template");
    }
    write(
        root,
        "themes/rieng/templates/base.html",
        "<!DOCTYPE html><html lang=\"vi\"><title>{% block t %}{% endblock %}</title><style>{{ site.style | safe }}</style><body>{% block b %}{% endblock %}</body></html>\n",
    );
    std::fs::remove_file(root.join("templates/base.html")).expect("rm");
    tmp
}

#[test]
fn a_theme_file_the_minifier_cannot_read_is_published_as_it_is_with_a_warning() {
    let tmp = site_with_own_theme();
    let root = tmp.path();
    let bad = "/* thừa dấu đóng */\nbody { color: red; } }\n";
    let style = "/* phông */\n@font-face {\n  src: url(fonts/a.woff2);\n}\nbody {\n  margin: 0;\n}\n";
    let script = "// chú thích\nvar a = 1\nvar b = function () {\n  return a\n}\n";
    let minified = "/* giữ nguyên */ var x=1;\n";
    let own = "// tệp riêng của trang\nvar c = 2;\n";
    write(root, "themes/rieng/static/bad.css", bad);
    write(root, "themes/rieng/static/style.css", style);
    write(root, "themes/rieng/static/js/app.js", script);
    write(root, "themes/rieng/static/lib.min.js", minified);
    write(root, "themes/rieng/static/fonts/a.woff2", "wOF2");
    write(root, "static/own.js", own);
    let out = root.join("public");
    let result = crate::harness::loa()
        .args(["build", "--root"])
        .arg(root)
        .arg("--output-dir")
        .arg(&out)
        .output()
        .expect("run loa build");
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "a minifier failure is not an error: {stderr}");
    assert!(stderr.contains("themes/rieng/static/bad.css: cảnh báo: không rút gọn được"), "{stderr}");
    assert_eq!(stderr.matches("không rút gọn được").count(), 1, "one warning, for bad.css: {stderr}");
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(read("bad.css"), bad, "the original is published");
    assert_eq!(read("lib.min.js"), minified, "a .min file is left alone");
    assert_eq!(read("own.js"), own, "the site's own static files are copied as they are");
    let app = read("js/app.js");
    assert!(app.len() < script.len() && !app.contains("chú thích") && app.contains("return a\n}"), "{app:?}");
    let css = read("style.css");
    assert!(css.len() < style.len() && !css.contains("phông") && css.contains("body{margin:0;}"), "{css:?}");
    let inline = css.replace("url(fonts/a.woff2)", "url(/tin-tuc/fonts/a.woff2)");
    assert!(inline.contains("url(/tin-tuc/fonts/a.woff2)"), "{inline}");
    assert!(read("index.html").contains(&format!("<style>{inline}</style>")), "{}", read("index.html"));
}

#[test]
fn serve_minifies_the_theme_stylesheet_again_after_an_edit() {
    let tmp = site_with_own_theme();
    let root = tmp.path();
    write(root, "themes/rieng/static/style.css", "/* một */\nbody {\n  margin: 0;\n}\n");
    let srv = crate::serve::Served::start(root, &[]);
    let generation = crate::serve::generation(&srv.ready());
    // The preview imports the stylesheet (`loa build` puts it in each page).
    let link = r#"<style>@import url("/tin-tuc/style.css");</style>"#;
    assert!(srv.page("/tin-tuc/").contains(link), "{}", srv.page("/tin-tuc/"));
    assert_eq!(srv.page("/tin-tuc/style.css"), "body{margin:0;}");
    crate::serve::atomic_save(
        &root.join("themes/rieng/static/style.css"),
        "/* hai */\nbody {\n  margin: 1px;\n}\n",
    );
    srv.after(generation);
    let home = srv.page("/tin-tuc/");
    assert!(home.contains(link), "{home}");
    assert_eq!(srv.page("/tin-tuc/style.css"), "body{margin:1px;}");
}
