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
//! page, stylesheet and SVG of the site.
//!
//! Needs node, `npm ci` in tests/theme, /usr/bin/chromium (or `LOA_CHROMIUM`) and java, all
//! installed by `.ci/run`. Without them each test prints why and returns, unless `CI=true`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Longest the browser checks may run (they take about two minutes on two cores).
const BROWSER_TIMEOUT: Duration = Duration::from_secs(420);
/// Longest the HTML checker may run (about ten seconds).
const VNU_TIMEOUT: Duration = Duration::from_secs(240);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn theme_tests() -> PathBuf {
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

fn chromium() -> PathBuf {
    std::env::var_os("LOA_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// What is missing to run the browser checks, if anything.
fn browser_missing() -> Option<String> {
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
fn skip(missing: Option<String>, test: &str) -> bool {
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
fn serve(root: PathBuf) -> u16 {
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
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let mut words = request.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
    if method != "GET" {
        return reply(&mut stream, "405 Method Not Allowed", "text/plain; charset=utf-8", b"GET only\n");
    }
    match resolve(root, target).and_then(|file| std::fs::read(&file).ok().map(|body| (file, body))) {
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

// ───────────────────────────── the tests ─────────────────────────────

#[test]
fn theme_in_chromium() {
    if skip(browser_missing(), "theme browser checks") {
        return;
    }
    let (_tmp, site) = build_site();
    let port = serve(site);
    let artifacts = artifacts();
    let _ = std::fs::remove_dir_all(&artifacts);
    std::fs::create_dir_all(&artifacts).expect("artifact dir");
    let child = Command::new("node")
        .arg(theme_tests().join("check.mjs"))
        .arg(format!("http://127.0.0.1:{port}/"))
        .arg(&artifacts)
        .current_dir(theme_tests())
        .env("LOA_CHROMIUM", chromium())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn node");
    let (ok, stdout, stderr) = run_bounded(child, BROWSER_TIMEOUT, "tests/theme/check.mjs");
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
fn theme_html_is_valid() {
    if skip(vnu_missing(), "theme HTML validation") {
        return;
    }
    let (_tmp, site) = build_site();
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&site)
        .into_iter()
        .map(|e| e.expect("walk site").into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html" || e == "css" || e == "svg"))
        .collect();
    files.sort();
    let pages = files.iter().filter(|p| p.extension().is_some_and(|e| e == "html")).count();
    assert!(pages >= 40, "only {pages} pages in the built site");
    let child = Command::new("java")
        .arg("-Xss4m")
        .arg("-jar")
        .arg(vnu_jar())
        .args(["--errors-only", "--format", "json", "--also-check-css", "--also-check-svg"])
        .args(&files)
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
    let errors: Vec<String> = messages
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
        .collect();
    assert!(errors.is_empty(), "Nu Html Checker errors in {} files:\n{}", files.len(), errors.join("\n"));
    eprintln!("Nu Html Checker: {} files ({pages} pages), no error", files.len());
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
}
