//! The HTTP surface of `loa serve` (RELIABILITY group H): an attack corpus of raw request
//! targets sent over a socket, none of which may return a canary file placed outside the site;
//! methods other than GET and HEAD; foreign Host and Origin headers; slow and oversized heads.

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use crate::harness::{minimal_site, write};
use crate::serve::{Response, Served, request, request_bytes};

const CANARY: &str = "CANARY-outside-the-site-5f1d2c";
const ROOT_CANARY: &str = "CANARY-in-the-root-not-the-output-9a7e";

/// A site whose parent folder holds a canary file, with a canary in its root (not an output
/// file), and symlinks in static/ that point at both.
fn site_with_canaries() -> (tempfile::TempDir, std::path::PathBuf) {
    let outer = tempfile::tempdir().expect("tmp");
    let root = outer.path().join("site");
    let src = minimal_site();
    crate::harness::copy_site(src.path(), &root);
    std::fs::write(outer.path().join("passwd"), CANARY).expect("canary");
    std::fs::write(outer.path().join("win.ini"), CANARY).expect("canary");
    std::fs::create_dir_all(outer.path().join("etc")).expect("mkdir");
    std::fs::write(outer.path().join("etc/passwd"), CANARY).expect("canary");
    std::fs::write(root.join("secret.txt"), ROOT_CANARY).expect("canary");
    write(&root, "static/site.css", "body{}\n");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outer.path().join("passwd"), root.join("static/leak.txt"))
            .expect("symlink");
        std::os::unix::fs::symlink(outer.path().join("etc"), root.join("static/etc")).expect("symlink");
    }
    (outer, root)
}

/// Raw targets that try to leave the site, or are malformed (≥ 200).
fn attack_targets() -> Vec<String> {
    let mut t: Vec<String> = Vec::new();
    // What each attack tries to reach, relative to the site root's parent.
    let goals = ["passwd", "etc/passwd", "win.ini", "site/secret.txt", "site/loa.yaml"];
    let ups = [
        "..",
        "%2e%2e",
        "%2E%2E",
        ".%2e",
        "%2e.",
        "%252e%252e",
        "..%c0%af",
        "..%ef%bc%8f",
        "%2e%2e%5c",
        "..\\",
        "..%5c",
        "..%255c",
        "%c0%ae%c0%ae",
        "%e0%80%ae%e0%80%ae",
        "..%00",
        "..;",
    ];
    let seps = ["/", "%2f", "%2F", "%5c", "\\", "%252f", "//"];
    for goal in goals {
        for up in ups {
            for sep in seps {
                let depth = if goal.starts_with("site/") { 1 } else { 2 };
                let mut s = String::from("/");
                for _ in 0..depth {
                    s.push_str(up);
                    s.push_str(sep);
                }
                s.push_str(&goal.replace('/', sep));
                t.push(s);
            }
        }
    }
    // Encoded and double-encoded whole paths, trailing dots and spaces, NUL.
    for extra in [
        "/%2e%2e%2f%2e%2e%2fpasswd",
        "/%252e%252e%252f%252e%252e%252fpasswd",
        "/..%2f..%2fpasswd",
        "/.%2e/.%2e/passwd",
        "/%2e./%2e./passwd",
        "/bai-viet/../../passwd",
        "/bai-viet/%2e%2e/%2e%2e/passwd",
        "/./passwd",
        "/static/../../passwd",
        "/media../.env",
        "/passwd%00.html",
        "/%00",
        "/index.html%00",
        "/bai-viet/mot/%00../../passwd",
        "/secret.txt",
        "/loa.yaml",
        "/content/bai-viet/mot.md",
        "/templates/page.html",
        "/leak.txt",
        "/etc/passwd",
        "/passwd.",
        "/passwd%20",
        "/bai-viet/mot./",
        "/bai-viet/mot%20/",
        "/%ef%bc%8fpasswd",
        "/%c0%afpasswd",
        "/%c0%ae%c0%ae/passwd",
        "/%e0%80%afpasswd",
        "/%f0%80%80%afpasswd",
        "/%ed%a0%80",
        "/%ff",
        "/%zz",
        "/%",
        "/%2",
        "/a%2",
        "//etc/passwd",
        "///etc/passwd",
        "/\\\\host\\share\\passwd",
        "/\\..\\..\\passwd",
        "/C:/Windows/win.ini",
        "/C:\\Windows\\win.ini",
        "/c%3a%5cwindows%5cwin.ini",
        "/%5c%5chost%5cshare",
        "/..%255c..%255cpasswd",
        "file:///etc/passwd",
        "http://evil.example/passwd",
        "http://127.0.0.1/../passwd",
        "//evil.example/passwd",
        "*",
        "../passwd",
        "passwd",
        "%2e%2e/passwd",
        "/a#/../passwd",
        "/bai-viet/#../../passwd",
    ] {
        t.push(extra.to_string());
    }
    t.push(format!("/{}", "a".repeat(9 * 1024)));
    t.push(format!("/{}", "..%2f".repeat(4000)));
    t.push(format!("/{}passwd", "../".repeat(2000)));
    t
}

fn assert_refused(r: &Response, what: &str) {
    let body = r.text();
    assert!(!body.contains(CANARY) && !body.contains(ROOT_CANARY), "{what}: canary leaked: {body}");
    assert!([400, 403, 404].contains(&r.status), "{what}: status {}: {body}", r.status);
    assert!(r.header("access-control-allow-origin").is_none(), "{what}: CORS header");
}

#[test]
fn attack_corpus_never_returns_a_file_outside_the_site() {
    let (_outer, root) = site_with_canaries();
    let srv = Served::start(&root, &[]);
    srv.ready();
    let targets = attack_targets();
    assert!(targets.len() >= 200, "only {} targets", targets.len());
    let mut by_status = std::collections::BTreeMap::new();
    for target in &targets {
        let r = request(srv.port, &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", srv.port));
        assert_refused(&r, target);
        *by_status.entry(r.status).or_insert(0) += 1;
    }
    // Traversal is refused as malformed (400), not merely not found.
    let dotdot =
        request(srv.port, &format!("GET /../../passwd HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", srv.port));
    assert_eq!(dotdot.status, 400);
    // A 16 KB target, raw NUL and raw non-ASCII bytes.
    let long = format!("GET /{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", "b".repeat(16 * 1024), srv.port);
    assert_eq!(request(srv.port, &long).status, 400);
    for raw in
        [&b"GET /\0 HTTP/1.1\r\n\r\n"[..], b"GET /\xc0\xaf HTTP/1.1\r\n\r\n", b"GET /a\tb HTTP/1.1\r\n\r\n"]
    {
        assert_refused(&request_bytes(srv.port, raw), &String::from_utf8_lossy(raw));
    }
    // The site itself still works.
    assert_eq!(srv.get("/bai-viet/mot/").status, 200);
    assert_eq!(srv.get("/site.css").status, 200);
    eprintln!("{} attack targets: {by_status:?}", targets.len());
}

#[test]
fn symlinks_out_of_the_site_are_not_served() {
    let (_outer, root) = site_with_canaries();
    let srv = Served::start(&root, &[]);
    srv.ready();
    for path in ["/leak.txt", "/etc/passwd", "/static/leak.txt"] {
        assert_refused(&srv.get(path), path);
    }
}

#[test]
fn only_get_and_head_are_allowed() {
    let site = minimal_site();
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND"] {
        for path in ["/", "/bai-viet/mot/", "/__loa/status", "/khong-co"] {
            let r = request(
                srv.port,
                &format!(
                    "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 5\r\n\r\nhello",
                    srv.port
                ),
            );
            assert_eq!(r.status, 405, "{method} {path}");
            assert_eq!(r.header("allow"), Some("GET, HEAD"), "{method} {path}");
        }
    }
    let r = request(srv.port, &format!("OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", srv.port));
    assert_eq!(r.status, 405);
    let r =
        request(srv.port, &format!("CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", srv.port));
    assert_eq!(r.status, 405);
}

#[test]
fn foreign_host_and_origin_are_refused() {
    let site = minimal_site();
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    let p = srv.port;
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{p}"),
        format!("127.0.0.1.nip.io:{p}"),
        format!("localhost.evil.example:{p}"),
        "[::1".to_string(),
        "a b".to_string(),
        String::new(),
        format!("127.0.0.1:{p}, evil.example"),
        "127.0.0.1:99999999".to_string(),
    ] {
        for path in ["/", "/__loa/status", "/__loa/events"] {
            let r = request(p, &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n"));
            assert_eq!(r.status, 403, "Host {host:?} {path}");
            assert!(!r.text().contains("Nội dung"), "Host {host:?}");
        }
    }
    // No Host at all, and two of them.
    assert_eq!(request(p, "GET / HTTP/1.1\r\n\r\n").status, 403);
    let two = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{p}\r\nHost: evil.example\r\n\r\n");
    assert_eq!(request(p, &two).status, 400);
    for origin in ["https://evil.example", "null", "http://127.0.0.1.evil.example", "garbage"] {
        let r = request(
            p,
            &format!("GET /__loa/events HTTP/1.1\r\nHost: 127.0.0.1:{p}\r\nOrigin: {origin}\r\n\r\n"),
        );
        assert_eq!(r.status, 403, "Origin {origin}");
    }
    // Every loopback name of this machine is fine, and no wildcard CORS anywhere.
    for host in [format!("127.0.0.1:{p}"), format!("localhost:{p}"), format!("[::1]:{p}"), "localhost".into()]
    {
        let r = request(p, &format!("GET / HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n\r\n"));
        assert_eq!(r.status, 200, "Host {host}");
        assert!(r.header("access-control-allow-origin").is_none());
        assert!(!r.text().contains("loa.serve.invalid"));
    }
}

#[test]
fn slow_and_oversized_heads_do_not_block_other_requests() {
    let site = minimal_site();
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    // Twenty clients trickle half a head each (slowloris) and keep their connections open.
    let mut slow: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", srv.port)).expect("connect");
            s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").expect("send");
            s
        })
        .collect();
    assert_eq!(srv.get("/bai-viet/mot/").status, 200);
    for s in &mut slow {
        let _ = s.write_all(b"a");
    }
    // 200 header lines, and a 64 KB header.
    let many: String = (0..200).map(|i| format!("X-{i}: y\r\n")).collect();
    let r = request(srv.port, &format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{many}\r\n", srv.port));
    assert_eq!(r.status, 431);
    let big =
        format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nX-Big: {}\r\n\r\n", srv.port, "z".repeat(64 * 1024));
    assert_eq!(request(srv.port, &big).status, 431);
    drop(slow);
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(srv.get("/").status, 200);
}

#[test]
fn content_types_follow_the_extension() {
    let site = minimal_site();
    write(site.path(), "static/a.css", "a{}");
    write(site.path(), "static/b.js", "1");
    write(site.path(), "static/c.svg", "<svg/>");
    write(site.path(), "static/d.bin", "x");
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    for (path, ty) in [
        ("/", "text/html; charset=utf-8"),
        ("/a.css", "text/css; charset=utf-8"),
        ("/b.js", "text/javascript; charset=utf-8"),
        ("/c.svg", "image/svg+xml"),
        ("/d.bin", "application/octet-stream"),
        ("/__loa/status", "application/json"),
    ] {
        let r = srv.get(path);
        assert_eq!(r.header("content-type"), Some(ty), "{path}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{path}");
    }
}
