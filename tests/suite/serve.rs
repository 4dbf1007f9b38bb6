//! `loa serve` on a real server on loopback: the test harness (a server process, raw HTTP,
//! status polling) and the server-level tests (live-reload events, port in use, Ctrl-C, base
//! path, directories, CLI). Watching is in `serve_watch.rs`, recovery in `serve_recovery.rs`. Each test runs its
//! own server on a port the system picks (`--port 0`, read back from the printed URL) and
//! waits on `/__loa/status`, never on fixed sleeps alone.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{copy_site, loa, minimal_site, sites_dir, tree, write};

/// Longest a test waits for the server to reach a state.
const WAIT: Duration = Duration::from_secs(60);

/// A `loa serve` process, killed when dropped.
pub struct Served {
    child: Child,
    /// The port it listens on.
    pub port: u16,
    /// Everything it printed to stderr so far.
    stderr: Arc<Mutex<String>>,
    /// Everything it printed to stdout so far.
    stdout: Arc<Mutex<String>>,
}

impl Served {
    /// Starts `loa serve --root ROOT --port 0 ARGS…` and waits for its URL.
    pub fn start(root: &Path, args: &[&str]) -> Served {
        let mut cmd = loa();
        cmd.args(["serve", "--root"]).arg(root).args(["--port", "0"]).args(args);
        Served::spawn(cmd)
    }

    /// Starts a command that runs `loa serve --port 0` and waits for its URL.
    pub fn spawn(mut cmd: std::process::Command) -> Served {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn loa serve");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let out = child.stdout.take().expect("stdout");
        let so = Arc::clone(&stdout);
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(port) = line.split("http://127.0.0.1:").nth(1).and_then(|r| {
                    r.split(|c: char| !c.is_ascii_digit()).next().and_then(|p| p.parse::<u16>().ok())
                }) {
                    let _ = tx.send(port);
                }
                so.lock().expect("lock").push_str(&format!("{line}\n"));
            }
        });
        let err = child.stderr.take().expect("stderr");
        let se = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                se.lock().expect("lock").push_str(&format!("{line}\n"));
            }
        });
        let port = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(p) => p,
            Err(_) => {
                let _ = child.kill();
                panic!("loa serve printed no URL; stderr:\n{}", stderr.lock().expect("lock"));
            }
        };
        Served { child, port, stderr, stdout }
    }

    /// What it printed to stderr.
    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("lock").clone()
    }

    /// What it printed to stdout.
    pub fn stdout(&self) -> String {
        self.stdout.lock().expect("lock").clone()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the process to end (after a signal), at most `WAIT`.
    pub fn wait_exit(&mut self) -> Option<i32> {
        let start = Instant::now();
        while start.elapsed() < WAIT {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("loa serve did not exit");
    }

    /// GET a path.
    pub fn get(&self, path: &str) -> Response {
        request(self.port, &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", self.port))
    }

    /// GET a path and return the body as text, expecting 200.
    pub fn page(&self, path: &str) -> String {
        let r = self.get(path);
        assert_eq!(r.status, 200, "GET {path}: {}", r.text());
        r.text()
    }

    /// `/__loa/status`.
    pub fn status(&self) -> Value {
        let r = self.get("/__loa/status");
        assert_eq!(r.status, 200, "status: {}", r.text());
        serde_json::from_slice(&r.body).expect("status json")
    }

    /// Polls the status until `ok(status)`; panics with the server's stderr after `WAIT`.
    pub fn wait_until(&self, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        loop {
            let s = self.status();
            if ok(&s) {
                return s;
            }
            assert!(
                start.elapsed() < WAIT,
                "timed out waiting for {what}; status {s:#}\nstderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits for the first build.
    pub fn ready(&self) -> Value {
        self.wait_until("the first build", |s| s["generation"].as_u64() >= Some(1))
    }

    /// Waits until a build newer than `generation` is served.
    pub fn after(&self, generation: u64) -> Value {
        self.wait_until(&format!("a build after {generation}"), |s| {
            s["generation"].as_u64() > Some(generation)
        })
    }

    /// Waits until the watcher handled more bursts than `bursts` and no build runs.
    pub fn settled_after_burst(&self, bursts: u64) -> Value {
        self.wait_until("the burst to be handled", |s| {
            s["bursts"].as_u64() > Some(bursts) && s["building"] == false
        })
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A raw HTTP response.
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Sends raw bytes to the server and reads the whole response (the server closes).
pub fn request(port: u16, raw: &str) -> Response {
    request_bytes(port, raw.as_bytes())
}

/// Like `request`, for requests that are not valid UTF-8.
pub fn request_bytes(port: u16, raw: &[u8]) -> Response {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    s.write_all(raw).expect("send");
    let mut buf = Vec::new();
    // A reset after the response (the server refused early) still leaves the response read.
    let _ = s.read_to_end(&mut buf);
    parse_response(&buf)
}

fn parse_response(buf: &[u8]) -> Response {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or_else(|| {
        panic!("no response head in {:?}", String::from_utf8_lossy(buf));
    });
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 =
        lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|c| c.parse().ok()).expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Response { status, headers, body: buf[end + 4..].to_vec() }
}

/// Percent-encodes an output path for a request target.
pub fn encode_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A served page without what the server injected (overlay, reload script).
pub fn strip_injected(body: &[u8]) -> Vec<u8> {
    let (start, end) = (b"<!--loa-serve-->", b"<!--/loa-serve-->");
    let Some(i) = body.windows(start.len()).position(|w| w == start) else {
        return body.to_vec();
    };
    let j = body.windows(end.len()).position(|w| w == end).expect("end marker") + end.len();
    [&body[..i], &body[j..]].concat()
}

/// Replaces a file the way vim does by default: write a temp file, rename it over the original.
pub fn atomic_save(path: &Path, text: &str) {
    let tmp = path.with_file_name(format!(".{}.swp", path.file_name().expect("name").to_string_lossy()));
    std::fs::write(&tmp, text).expect("write temp");
    std::fs::rename(&tmp, path).expect("rename over");
}

/// The site of a fixture, copied into a temp folder.
pub fn fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    copy_site(&sites_dir().join(name), tmp.path());
    tmp
}

pub const MOT: &str = "content/bai-viet/mot.md";

pub fn generation(s: &Value) -> u64 {
    s["generation"].as_u64().expect("generation")
}

/// The event stream path (as the reload script uses it).
pub const EVENTS: &str = "/__loa/events";

/// Reads server-sent events until one named `name` arrives; returns its data.
fn next_event(reader: &mut BufReader<TcpStream>, name: &str) -> Value {
    let mut current = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader.read_line(&mut line).expect("read event stream");
        assert!(n > 0, "event stream closed");
        let l = line.trim_end();
        if let Some(ev) = l.strip_prefix("event: ") {
            current = ev.to_string();
        } else if let Some(data) = l.strip_prefix("data: ")
            && current == name
        {
            return serde_json::from_str(data).expect("event json");
        }
    }
}

fn open_events(port: u16) -> BufReader<TcpStream> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(WAIT)).expect("timeout");
    write!(s, "GET {EVENTS} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n")
        .expect("send");
    BufReader::new(s)
}

#[test]
fn a_slug_edit_sends_the_open_page_to_its_new_url() {
    let site = minimal_site();
    write(site.path(), "content/bai-viet/hai.md", "---\ntitle: Hai\ndate: 2022-09-16\n---\nBài hai.\n");
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    let mut events = open_events(srv.port);
    let hello = next_event(&mut events, "hello");
    assert!(hello["stamp"].is_string());
    write(site.path(), MOT, "---\ntitle: Một\ndate: 2022-09-15\nslug: mot-moi\n---\nNội dung.\n");
    let reload = next_event(&mut events, "reload");
    assert_eq!(reload["moved"]["/bai-viet/mot/"], "/bai-viet/mot-moi/", "{reload:#}");
    assert_ne!(reload["stamp"], hello["stamp"]);
    assert_eq!(srv.get("/bai-viet/mot/").status, 404);
    assert!(srv.page("/bai-viet/mot-moi/").contains("Nội dung."));
    // A renamed file (git mv) moves its page too.
    let g = generation(&srv.status());
    std::fs::rename(site.path().join("content/bai-viet/hai.md"), site.path().join("content/bai-viet/ba.md"))
        .expect("mv");
    let s = srv.after(g);
    assert_eq!(s["moved"]["/bai-viet/hai/"], "/bai-viet/ba/", "{s:#}");
}

#[test]
fn every_open_page_gets_a_reload_event_after_a_rebuild() {
    let site = minimal_site();
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    let mut tabs: Vec<BufReader<TcpStream>> = (0..3).map(|_| open_events(srv.port)).collect();
    for t in &mut tabs {
        next_event(t, "hello");
    }
    write(site.path(), "content/_index.md", "---\ntitle: Trang chủ\n---\nXin chào lần nữa.\n");
    for t in &mut tabs {
        let r = next_event(t, "reload");
        assert_eq!(r["ok"], true);
    }
}

#[test]
fn serve_never_touches_public_and_ctrl_c_exits_zero() {
    let site = minimal_site();
    let public = site.path().join("public");
    write(site.path(), "public/.loa-output", "marker\n");
    write(site.path(), "public/index.html", "bản dựng cũ\n");
    write(site.path(), "public/bai-viet/cu/index.html", "cũ\n");
    let before = tree(&public);
    let mut srv = Served::start(site.path(), &[]);
    let g = generation(&srv.ready());
    write(site.path(), MOT, "---\ntitle: Một\ndate: 2022-09-15\n---\nSửa.\n");
    srv.after(g);
    let sources_before: BTreeMap<String, Vec<u8>> =
        tree(site.path()).into_iter().filter(|(k, _)| !k.starts_with("public/")).collect();
    let status = std::process::Command::new("kill")
        .args(["-INT", &srv.pid().to_string()])
        .status()
        .expect("kill -INT");
    assert!(status.success());
    assert_eq!(srv.wait_exit(), Some(0), "Ctrl-C must exit 0; stderr:\n{}", srv.stderr());
    assert_eq!(tree(&public), before, "serve changed public/");
    let sources_after: BTreeMap<String, Vec<u8>> =
        tree(site.path()).into_iter().filter(|(k, _)| !k.starts_with("public/")).collect();
    assert_eq!(sources_before, sources_after, "serve changed the site");
}

#[test]
fn port_in_use_exits_2_with_a_hint() {
    let site = minimal_site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let start = Instant::now();
    let out = loa()
        .args(["serve", "--root"])
        .arg(site.path())
        .args(["--port", &port.to_string()])
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with(&format!("lỗi: cổng {port} trên 127.0.0.1 đang được dùng")), "{err}");
    assert!(err.contains("gợi ý:") && err.contains("--port"), "{err}");
    assert!(out.stdout.is_empty(), "printed a URL although it serves nothing");
}

#[test]
fn base_path_site_is_served_under_its_prefix_with_the_request_host() {
    let site = fixture("base-path");
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    assert!(srv.stdout().contains("/tin-tuc/"), "{}", srv.stdout());
    let r = srv.get("/");
    assert_eq!((r.status, r.header("location")), (302, Some("/tin-tuc/")));
    let r = srv.get("/tin-tuc");
    assert_eq!((r.status, r.header("location")), (301, Some("/tin-tuc/")));
    let home = srv.page("/tin-tuc/");
    assert!(!home.contains("loa.serve.invalid"), "placeholder origin leaked: {home}");
    assert!(!home.contains("thu.example.vn"), "production origin in the preview: {home}");
    // A phone on the LAN asks with another Host: links follow it.
    let r = request(srv.port, &format!("GET /tin-tuc/ HTTP/1.1\r\nHost: localhost:{}\r\n\r\n", srv.port));
    assert_eq!(r.status, 200);
    assert_eq!(srv.get("/bai-viet/bai-dau/").status, 404, "served outside the base path");
    assert_eq!(
        srv.page("/tin-tuc/site.css"),
        std::fs::read_to_string(site.path().join("static/site.css")).expect("css")
    );
}

#[test]
fn directories_redirect_and_never_list() {
    let site = fixture("basic");
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    let r = srv.get("/bai-viet?x=1");
    assert_eq!((r.status, r.header("location")), (301, Some("/bai-viet/?x=1")));
    // bai-viet/trang/ holds only 2/: no index, so the site's 404 page, never a listing.
    let r = srv.get("/bai-viet/trang/");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("Không tìm thấy"), "{}", r.text());
    assert!(!r.text().contains("2/"), "{}", r.text());
    let r = srv.get("/bai-viet/le-ky-ket/anh.txt");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    let head =
        request(srv.port, &format!("HEAD /bai-viet/ HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", srv.port));
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert!(head.header("content-length").is_some_and(|l| l != "0"));
}

#[test]
fn serve_help_bad_bind_and_missing_config() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = crate::harness::run(dir.path(), &["serve", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in ["--root", "--bind", "--port", "--drafts", "--open", "--poll"] {
        assert!(help.contains(flag), "serve --help lacks {flag}: {help}");
    }
    let out = crate::harness::run(dir.path(), &["serve", "--bind", "nope", "--port", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("lỗi: địa chỉ --bind `nope` không hợp lệ"));
    // Not a site folder: the usual config error, no server.
    let out = crate::harness::run(dir.path(), &["serve", "--port", "0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("loa.yaml: lỗi: không đọc được loa.yaml"));
    assert!(out.stdout.is_empty());
}

#[test]
fn the_repository_site_links_only_to_the_preview_origin() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let srv = Served::start(repo, &[]);
    let s = srv.ready();
    assert_eq!(s["ok"], true, "{s:#}");
    let listing: Value = srv.get("/__loa/status?files").text().parse().expect("json");
    let files = listing["files"].as_array().expect("files");
    assert!(files.len() > 10);
    for f in files {
        let key = f.as_str().expect("str");
        let body = srv.get(&format!("/{}", encode_path(key))).text();
        assert!(!body.contains("loa.serve.invalid"), "placeholder origin left in {key}");
        assert!(!body.contains("khuyenhoc.example.vn"), "production origin in the preview of {key}");
    }
}

/// Issue 27: the preview shows every page, each with a banner of its approval state, and lists
/// them at `/__loa/duyet/`; without what the server injects, a page is the page it built.
#[test]
fn the_preview_shows_each_page_with_its_approval_state_and_lists_them() {
    let site = fixture("approval");
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    let banner = |page: &str| {
        let html = srv.page(page);
        let start =
            html.find("<div id=\"loa-duyet\"").unwrap_or_else(|| panic!("no banner on {page}: {html}"));
        let end = html[start..].find("</div>").expect("banner end") + start;
        let text = html[start..end].to_string();
        assert!(!String::from_utf8_lossy(&strip_injected(html.as_bytes())).contains("loa-duyet"), "{page}");
        text
    };
    assert!(banner("/bai-viet/cho-duyet/").contains("tình trạng duyệt: <strong>chờ duyệt</strong> · "));
    assert!(
        banner("/bai-viet/sua-sau/").contains(
            "tình trạng duyệt: <strong>sửa sau khi duyệt</strong>, Nguyễn Thị Duyệt, ngày 1/12/2026"
        )
    );
    assert!(
        banner("/bai-viet/da-duyet/").contains("<strong>đã duyệt</strong>, Ban biên tập, ngày 1/12/2026")
    );
    // A section's listing shows the state of the section's own text (issue 27 §1).
    assert!(
        banner("/bai-viet/")
            .contains("tình trạng duyệt của chuyên mục: <strong>sửa sau khi duyệt</strong>, Ban biên tập"),
        "{}",
        banner("/bai-viet/")
    );
    assert!(banner("/thong-bao/").contains("của chuyên mục: <strong>chờ duyệt</strong> · "));
    // The preview shows the section's text as written, whatever its state.
    assert!(srv.page("/bai-viet/").contains("Lời giới thiệu viết thêm sau khi duyệt."));
    let list = srv.page("/__loa/duyet/");
    let at = |s: &str| list.find(s).unwrap_or_else(|| panic!("{s} not in {list}"));
    let (edited, pending, approved) = (
        at("<h2>sửa sau khi duyệt (1 trang, 1 chuyên mục)</h2><ul><li><a href=\"/bai-viet/\">Bài viết</a> \
<small>content/bai-viet/_index.md · chuyên mục, Ban biên tập, "),
        at("<h2>chờ duyệt (1 trang, 1 chuyên mục)</h2><ul><li><a href=\"/thong-bao/\">Thông báo</a>"),
        at("<h2>đã duyệt (1 trang, 1 chuyên mục)</h2><ul><li><a href=\"/\">Trang chủ</a>"),
    );
    for page in ["sua-sau/\">Sửa sau khi duyệt", "cho-duyet/\">Chờ duyệt", "da-duyet/\">Đã duyệt"]
    {
        assert!(list.contains(&format!("<li><a href=\"/bai-viet/{page}</a>")), "{page}: {list}");
    }
    assert!(edited < pending && pending < approved, "{list}");
    // The draft is listed, not linked (`loa serve` without --drafts does not build it).
    assert!(
        list.contains("<h2>bản nháp (1 trang)</h2><ul><li>Bản nháp <small>content/bai-viet/nhap.md</small>"),
        "{list}"
    );
}

#[test]
fn the_preview_imports_the_stylesheet_that_loa_build_puts_in_each_page() {
    // `loa build` puts the theme's stylesheet in every page (the first paint of a phone on a
    // slow network); the preview holds every page in memory and imports it instead.
    let site = fixture("theme-vi");
    let built = std::fs::read_to_string(sites_dir().join("theme-vi/expected/index.html")).expect("built");
    assert!(built.contains("<style>@font-face"), "loa build inlines the stylesheet");
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    for page in ["/", "/bai-viet/"] {
        let html = srv.page(page);
        assert!(html.contains(r#"<style>@import url("/style.css");</style>"#), "{page}: {html}");
        assert!(!html.contains("@font-face"), "{page}: the stylesheet is inlined in the preview");
    }
    let css = srv.get("/style.css");
    assert_eq!((css.status, css.header("content-type")), (200, Some("text/css; charset=utf-8")));
    let want = std::fs::read(sites_dir().join("theme-vi/expected/style.css")).expect("css");
    assert_eq!(css.body, want, "the stylesheet `loa build` publishes");
}

#[test]
fn the_preview_makes_each_share_card_and_script_when_asked_the_same_as_loa_build() {
    // `loa serve` held every card and script in memory (1.8 GB and 1 GB at 100,000 articles);
    // it now makes one when a browser asks for it, and never writes the cards' pack.
    let site = fixture("theme-vi");
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    let expected = sites_dir().join("theme-vi/expected");
    let made: Vec<String> = tree(&expected)
        .into_keys()
        .filter(|p| {
            p.starts_with("anh-chia-se/") || p.ends_with("/ban-tin.txt") || p.ends_with("/ban-tin.ssml")
        })
        .collect();
    for path in &made {
        let r = srv.get(&format!("/{}", encode_path(path)));
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.body == std::fs::read(expected.join(path)).expect("file"),
            "{path} differs from loa build's"
        );
    }
    let count = |suffix: &str| made.iter().filter(|p| p.ends_with(suffix)).count();
    assert!(count(".png") >= 10 && count("/ban-tin.txt") >= 5 && count("/ban-tin.ssml") >= 5, "{made:?}");
    assert_eq!(srv.get("/anh-chia-se/0000000000000000.png").status, 404);
    let listed: Value = srv.get("/__loa/status?files").text().parse().expect("json");
    let listed: Vec<&str> =
        listed["files"].as_array().expect("files").iter().filter_map(Value::as_str).collect();
    assert!(made.iter().all(|p| listed.contains(&p.as_str())), "{listed:?}");
    assert!(!site.path().join(".loa-cache/cards").exists(), "the preview wrote the cards' pack");
}
