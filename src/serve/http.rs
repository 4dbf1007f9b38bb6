//! HTTP/1.1 request heads for the preview server: parse, validate, decode the target.
//!
//! Takes the raw bytes of one request head; gives a `Head` (method, target, the headers the
//! server looks at) and, from the target, a decoded `Target` path, or the `Status` to refuse the
//! request with. Pure: no sockets here (`server.rs` reads and writes). The decoded path is only
//! ever a key into the in-memory build output; it must never be joined onto a disk path.

use std::fmt::Write as _;

/// Longest request target accepted; longer ones are refused with 400.
pub const MAX_TARGET: usize = 8 * 1024;
/// Longest request head (request line and headers) read before refusing with 431.
pub const MAX_HEAD: usize = 32 * 1024;
/// Most header lines accepted in one request.
pub const MAX_HEADERS: usize = 100;

/// The statuses the preview server answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 200: the file.
    Ok,
    /// 301: `/dir` → `/dir/`.
    MovedPermanently,
    /// 302: `/` → the base path of a site served under a sub-folder.
    Found,
    /// 400: a malformed request or a target that could leave the site.
    BadRequest,
    /// 403: a foreign `Host` or `Origin` (DNS rebinding).
    Forbidden,
    /// 404: not in the build output.
    NotFound,
    /// 405: anything but GET and HEAD.
    MethodNotAllowed,
    /// 408: the head did not arrive in time (slowloris).
    RequestTimeout,
    /// 431: the head is too large.
    HeadersTooLarge,
    /// 500: the site never built; the body lists the errors.
    InternalError,
    /// 503: too many connections at once.
    Unavailable,
}

impl Status {
    /// The numeric code.
    pub fn code(self) -> u16 {
        match self {
            Status::Ok => 200,
            Status::MovedPermanently => 301,
            Status::Found => 302,
            Status::BadRequest => 400,
            Status::Forbidden => 403,
            Status::NotFound => 404,
            Status::MethodNotAllowed => 405,
            Status::RequestTimeout => 408,
            Status::HeadersTooLarge => 431,
            Status::InternalError => 500,
            Status::Unavailable => 503,
        }
    }

    /// The reason phrase.
    pub fn reason(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::MovedPermanently => "Moved Permanently",
            Status::Found => "Found",
            Status::BadRequest => "Bad Request",
            Status::Forbidden => "Forbidden",
            Status::NotFound => "Not Found",
            Status::MethodNotAllowed => "Method Not Allowed",
            Status::RequestTimeout => "Request Timeout",
            Status::HeadersTooLarge => "Request Header Fields Too Large",
            Status::InternalError => "Internal Server Error",
            Status::Unavailable => "Service Unavailable",
        }
    }
}

/// The request method, as far as the server cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET: the body is sent.
    Get,
    /// HEAD: the same headers, no body.
    Head,
    /// Anything else: 405.
    Other,
}

/// A parsed request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The method.
    pub method: Method,
    /// The request target exactly as sent (not yet decoded).
    pub target: String,
    /// The `Host` header, when sent once.
    pub host: Option<String>,
    /// The `Origin` header, when sent.
    pub origin: Option<String>,
    /// True when the request announces a body (`Content-Length` > 0 or `Transfer-Encoding`).
    pub has_body: bool,
}

/// A request target decoded into a site path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The path, percent-decoded once, starting with `/` (`/bài-viết/`).
    pub path: String,
    /// The path exactly as sent, for redirects (`/b%C3%A0i`).
    pub raw_path: String,
    /// The query without `?`, if any.
    pub query: Option<String>,
}

/// Position of the end of the head (`\r\n\r\n` or `\n\n`) in `buf`, and the length of the
/// terminator.
pub fn head_end(buf: &[u8]) -> Option<usize> {
    let crlf = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4);
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Parses a request head (everything before the blank line).
pub fn parse_head(buf: &[u8]) -> Result<Head, Status> {
    let text = std::str::from_utf8(buf).map_err(|_| Status::BadRequest)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let request_line = lines.next().ok_or(Status::BadRequest)?;
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Status::BadRequest);
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Status::BadRequest);
    }
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return Err(Status::BadRequest);
    }
    // Visible ASCII only: raw spaces, controls and non-ASCII bytes are not a valid target.
    if target.is_empty() || !target.bytes().all(|b| (0x21..0x7f).contains(&b)) {
        return Err(Status::BadRequest);
    }
    let mut head = Head {
        method: match method {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            _ => Method::Other,
        },
        target: target.to_string(),
        host: None,
        origin: None,
        has_body: false,
    };
    let mut hosts = 0;
    let mut count = 0;
    for line in lines {
        if line.is_empty() {
            continue;
        }
        count += 1;
        if count > MAX_HEADERS {
            return Err(Status::HeadersTooLarge);
        }
        // Obsolete line folding is refused (RFC 9112 §5.2).
        if line.starts_with([' ', '\t']) {
            return Err(Status::BadRequest);
        }
        let (name, value) = line.split_once(':').ok_or(Status::BadRequest)?;
        if name.is_empty() || name.contains([' ', '\t']) {
            return Err(Status::BadRequest);
        }
        let value = value.trim_matches([' ', '\t']);
        if name.eq_ignore_ascii_case("host") {
            hosts += 1;
            head.host = Some(value.to_string());
        } else if name.eq_ignore_ascii_case("origin") {
            head.origin = Some(value.to_string());
        } else if name.eq_ignore_ascii_case("content-length") {
            head.has_body |= value != "0";
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            head.has_body = true;
        }
    }
    if hosts > 1 {
        return Err(Status::BadRequest);
    }
    Ok(head)
}

/// Decodes a request target into a site path, refusing anything that is not a plain
/// origin-form path: absolute-form (`http://…`), `*`, targets without a leading `/`, invalid or
/// overlong UTF-8, NUL and control characters, backslashes, empty, `.` and `..` segments
/// (checked after decoding, so `%2e%2e` is refused too). The path is decoded exactly once:
/// `%252e` becomes the literal `%2e`, which names no file.
pub fn decode_target(target: &str) -> Result<Target, Status> {
    if target.len() > MAX_TARGET || !target.starts_with('/') || target.contains('#') {
        return Err(Status::BadRequest);
    }
    let (raw_path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q.to_string())),
        None => (target, None),
    };
    let bytes = percent_decode(raw_path).ok_or(Status::BadRequest)?;
    let path = String::from_utf8(bytes).map_err(|_| Status::BadRequest)?;
    if path.chars().any(|c| c.is_control() || c == '\\') {
        return Err(Status::BadRequest);
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate() {
        if *seg == "." || *seg == ".." || (seg.is_empty() && i != last) {
            return Err(Status::BadRequest);
        }
    }
    Ok(Target { path, raw_path: raw_path.to_string(), query })
}

/// Decodes `%XX` escapes once; `None` on a malformed escape.
fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hi = hex(*b.get(i + 1)?)?;
            let lo = hex(*b.get(i + 2)?)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The host name of a `Host` header value (`127.0.0.1:1111` → `127.0.0.1`, `[::1]:80` → `::1`),
/// lower-cased; `None` when malformed.
pub fn host_name(value: &str) -> Option<String> {
    let value = value.trim();
    let (host, port) = if let Some(rest) = value.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            a => Some(a.strip_prefix(':')?),
        };
        (inside, port)
    } else {
        match value.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (value, None),
        }
    };
    if let Some(p) = port
        && (p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty()
        || !host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'_'))
    {
        return None;
    }
    Some(host.to_ascii_lowercase())
}

/// The host name of an `Origin` header value (`http://127.0.0.1:1111` → `127.0.0.1`).
pub fn origin_host(value: &str) -> Option<String> {
    let rest = value.strip_prefix("http://").or_else(|| value.strip_prefix("https://"))?;
    if rest.contains(['/', '?', '#', '@']) {
        return None;
    }
    host_name(rest)
}

/// The `Content-Type` for an output path, by extension.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml; charset=utf-8",
        // A bulletin script for text-to-speech (issue 26).
        "ssml" => "application/ssml+xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "vtt" => "text/vtt; charset=utf-8",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// True for the types whose text may carry the placeholder origin (HTML, XML, feeds, JSON,
/// CSS, JavaScript, plain text).
pub fn is_text(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type.starts_with("application/xml")
        || content_type.starts_with("application/rss")
        || content_type.starts_with("application/atom")
        || content_type.starts_with("application/json")
        || content_type.starts_with("application/manifest")
        || content_type.starts_with("image/svg")
}

/// A response head. Every response closes the connection, is never cached (the preview
/// changes under the browser) and carries no CORS header.
pub fn response_head(status: Status, content_type: &str, len: u64, extra: &[(&str, &str)]) -> Vec<u8> {
    let mut h = String::with_capacity(256);
    let _ = write!(h, "HTTP/1.1 {} {}\r\n", status.code(), status.reason());
    let _ = write!(h, "Content-Type: {content_type}\r\nContent-Length: {len}\r\n");
    h.push_str("Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n");
    h.push_str("Referrer-Policy: no-referrer\r\nConnection: close\r\n");
    for (name, value) in extra {
        // Values come from the server itself; CR and LF are dropped all the same.
        let value: String = value.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        let _ = write!(h, "{name}: {value}\r\n");
    }
    h.push_str("\r\n");
    h.into_bytes()
}

/// `2026-05-01T08:30:00Z` for milliseconds since the epoch (UTC; no time zone crate needed).
pub fn rfc3339(ms: u64) -> String {
    let secs = ms / 1000;
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulletin_scripts_are_served_as_utf8_text() {
        assert_eq!(content_type("/bai-viet/x/ban-tin.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("/bai-viet/x/ban-tin.ssml"), "application/ssml+xml; charset=utf-8");
    }

    #[test]
    fn parses_a_browser_request() {
        let h =
            parse_head(b"GET /a/?x=1 HTTP/1.1\r\nHost: 127.0.0.1:1111\r\nAccept: */*\r\n\r\n").expect("ok");
        assert_eq!(h.method, Method::Get);
        assert_eq!(h.target, "/a/?x=1");
        assert_eq!(h.host.as_deref(), Some("127.0.0.1:1111"));
    }

    #[test]
    fn refuses_malformed_request_lines() {
        for bad in [
            &b"GET /a\r\n\r\n"[..],
            b"GET  /a HTTP/1.1\r\n\r\n",
            b"get /a HTTP/1.1\r\n\r\n",
            b"GET /a HTTP/2\r\n\r\n",
            b"GET /\xff HTTP/1.1\r\n\r\n",
            b"GET /a HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            b"GET /a HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
        ] {
            assert!(parse_head(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn decodes_once_and_refuses_traversal_after_decoding() {
        assert_eq!(decode_target("/b%C3%A0i/").map(|t| t.path), Ok("/bài/".to_string()));
        assert_eq!(decode_target("/%252e%252e/x").map(|t| t.path), Ok("/%2e%2e/x".to_string()));
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc",
            "/a/%2E%2E%2Fb",
            "/.%2e/",
            "/%2e./",
            "/a/./b",
            "/a/..",
            "//etc/passwd",
            "/a%5c..%5cb",
            "/..\\x",
            "/%c0%af",
            "/%e0%80%af",
            "/a%00.html",
            "/a%",
            "/a%zz",
            "http://evil/",
            "*",
            "../x",
            "/a#b",
        ] {
            assert_eq!(decode_target(bad), Err(Status::BadRequest), "{bad}");
        }
        assert_eq!(decode_target(&format!("/{}", "a".repeat(MAX_TARGET))), Err(Status::BadRequest));
    }

    #[test]
    fn host_names_are_parsed_strictly() {
        assert_eq!(host_name("127.0.0.1:1111").as_deref(), Some("127.0.0.1"));
        assert_eq!(host_name("[::1]:1111").as_deref(), Some("::1"));
        assert_eq!(host_name("LocalHost").as_deref(), Some("localhost"));
        assert_eq!(host_name("localhost.").as_deref(), Some("localhost"));
        for bad in ["", "a b", "[::1", "[::1]x", "a:", "a:99999999", "a/b", "ev\u{0}il"] {
            assert_eq!(host_name(bad), None, "{bad:?}");
        }
        assert_eq!(origin_host("http://127.0.0.1:1111").as_deref(), Some("127.0.0.1"));
        assert_eq!(origin_host("null"), None);
    }

    #[test]
    fn never_panics_on_random_heads_and_targets() {
        // A fixed xorshift stream over the bytes that matter to the parser.
        let alphabet = b"GET /%.:\\\r\n \t\0\xc0\xaf\xff[]?#HOSTPA0123456789abcdefABCDEF";
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut buf = Vec::new();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            for _ in 0..(x % 64) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                buf.push(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            let _ = parse_head(&buf);
            let _ = head_end(&buf);
            let text = String::from_utf8_lossy(&buf);
            let _ = decode_target(&text);
            let _ = host_name(&text);
            let _ = origin_host(&text);
        }
    }

    #[test]
    fn response_heads_never_allow_any_origin() {
        let h = String::from_utf8(response_head(Status::Ok, "text/html", 3, &[("Location", "/a\r\nX: y")]))
            .expect("utf8");
        assert!(!h.to_ascii_lowercase().contains("access-control-allow-origin"));
        assert!(h.contains("Location: /aX: y\r\n"), "{h}");
    }

    #[test]
    fn formats_utc_times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_663_200_000_000), "2022-09-15T00:00:00Z");
        assert_eq!(rfc3339(951_782_400_000 + 3_723_000), "2000-02-29T01:02:03Z");
    }
}
