//! Links to other sites (`loa check --external`): each `http(s)://` URL once, probed in
//! parallel (8 at a time), each within the timeout: http with a HEAD request (status below
//! 400, redirects accepted), https by connecting to the host (loa carries no TLS library).
//!
//! Takes the URLs with the first place each appears (`markdown::scan_page` finds them in the
//! links and images of the bodies); gives a warning at that place for each broken one. The
//! only rule that touches the network; must not parse Markdown, follow redirects, download
//! bodies or write anything.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// Every URL of `first` (with the first place it appears), checked in parallel, each within
/// `timeout`.
pub(super) fn check_external(first: BTreeMap<String, Location>, timeout: Duration) -> Diagnostics {
    let urls: Vec<(String, Location)> = first.into_iter().collect();
    let mut diags = Diagnostics::new();
    for chunk in urls.chunks(8) {
        let handles: Vec<_> = chunk
            .iter()
            .map(|(url, _)| {
                let url = url.clone();
                let (tx, rx) = std::sync::mpsc::channel();
                std::thread::spawn(move || {
                    let _ = tx.send(probe(&url, timeout));
                });
                rx
            })
            .collect();
        for ((url, at), rx) in chunk.iter().zip(handles) {
            let result = rx
                .recv_timeout(timeout + Duration::from_millis(500))
                .unwrap_or_else(|_| Err(format!("không trả lời trong {} s", timeout.as_secs())));
            if let Err(why) = result {
                diags.push(
                    Diagnostic::warning(
                        "external-link",
                        at.clone(),
                        format!("liên kết ngoài `{url}` hỏng: {why}"),
                    )
                    .with_hint("sửa hoặc bỏ liên kết; nếu trang kia chỉ tạm lỗi, chạy lại sau"),
                );
            }
        }
    }
    diags
}

/// Checks one URL: http with a HEAD request (status below 400, redirects accepted), https by
/// connecting to the host.
pub fn probe(url: &str, timeout: Duration) -> Result<(), String> {
    use std::io::{Read, Write};
    use std::net::ToSocketAddrs;
    let (tls, rest) = match url.strip_prefix("https://") {
        Some(r) => (true, r),
        None => (false, url.strip_prefix("http://").ok_or("không phải http(s)")?),
    };
    let (host_port, path) = match rest.find(['/', '?', '#']) {
        Some(i) if rest.as_bytes()[i] == b'/' => (&rest[..i], rest[i..].split('#').next().unwrap_or("/")),
        Some(i) => (&rest[..i], "/"),
        None => (rest, "/"),
    };
    let host = host_port.rsplit_once('@').map_or(host_port, |(_, h)| h);
    let with_port =
        if host.rsplit_once(':').is_some_and(|(_, p)| p.parse::<u16>().is_ok()) && !host.ends_with(']') {
            host.to_string()
        } else {
            format!("{host}:{}", if tls { 443 } else { 80 })
        };
    let addr = with_port
        .to_socket_addrs()
        .map_err(|e| format!("không tìm thấy máy chủ ({e})"))?
        .next()
        .ok_or("không tìm thấy máy chủ")?;
    let mut stream = std::net::TcpStream::connect_timeout(&addr, timeout)
        .map_err(|e| format!("không kết nối được ({e})"))?;
    if tls {
        return Ok(());
    }
    stream.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    stream.set_write_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    let req =
        format!("HEAD {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: loa-check\r\nConnection: close\r\n\r\n");
    stream.write_all(req.as_bytes()).map_err(|e| format!("không gửi được yêu cầu ({e})"))?;
    let mut buf = [0u8; 256];
    let n = stream.read(&mut buf).map_err(|e| format!("không trả lời ({e})"))?;
    let head = String::from_utf8_lossy(&buf[..n]);
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| "trả lời không phải HTTP".to_string())?;
    if status >= 400 { Err(format!("mã trạng thái {status}")) } else { Ok(()) }
}
