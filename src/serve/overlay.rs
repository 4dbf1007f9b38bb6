//! What the preview server adds to pages: the live-reload script, the error overlay, the error
//! page shown when the site never built, and the placeholder origin swapped for the request's.
//!
//! Takes built bytes and the current diagnostics; gives the bytes sent to the browser. The
//! build never sees any of this, so `loa build` and `loa serve` produce the same pages. Every
//! diagnostic is HTML-escaped and stripped of terminal escapes before it reaches a page.

use crate::content::approval::{ApprovalRecord, ApprovalState};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::markdown::escape;

/// The origin the site is built with while serving; replaced by `http://<Host>` in every text
/// response, so links work from whatever address the browser used (a phone on the LAN).
pub const PLACEHOLDER_ORIGIN: &str = "http://loa.serve.invalid";

/// The path of the Server-Sent Events stream.
pub const EVENTS_PATH: &str = "/__loa/events";

/// The preview's list of pages by approval state (issue 27).
pub const APPROVALS_PATH: &str = "/__loa/duyet/";

/// Marks the start of what the server injects into a page (tests strip it to compare pages).
pub const INJECT_START: &str = "<!--loa-serve-->";
/// Marks the end of what the server injects into a page.
pub const INJECT_END: &str = "<!--/loa-serve-->";

/// Replaces the placeholder origin (plain, HTML-escaped by a template, JSON-escaped, or
/// percent-encoded in a share link) with `http://<host>`. `host` is a `Host` header value the
/// server already checked (letters, digits, `.`, `-`, `:`, `[`, `]`).
pub fn rewrite_origin(body: &[u8], host: &str) -> Vec<u8> {
    let encoded_host = host.replace(':', "%3A").replace('[', "%5B").replace(']', "%5D");
    let forms: [(String, String); 4] = [
        (PLACEHOLDER_ORIGIN.to_string(), format!("http://{host}")),
        (PLACEHOLDER_ORIGIN.replace('/', "&#x2F;"), format!("http:&#x2F;&#x2F;{host}")),
        (PLACEHOLDER_ORIGIN.replace('/', "\\/"), format!("http:\\/\\/{host}")),
        (PLACEHOLDER_ORIGIN.replace(':', "%3A").replace('/', "%2F"), format!("http%3A%2F%2F{encoded_host}")),
    ];
    let mut out = body.to_vec();
    for (from, to) in &forms {
        let from = from.as_bytes();
        if out.windows(from.len()).any(|w| w == from) {
            out = replace_all(&out, from, to.as_bytes());
        }
    }
    out
}

fn replace_all(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

/// Inserts `snippet` before the last `</body` (any case), or at the end when there is none.
pub fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    let needle = b"</body";
    let at = html.windows(needle.len()).rposition(|w| w.eq_ignore_ascii_case(needle)).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The banner of a page's approval state, shown at the top of the page in the preview only,
/// with a link to the list of every page's state.
pub fn approval_banner(a: &ApprovalRecord) -> String {
    let (bg, fg) = match a.state {
        ApprovalState::Approved => ("#e6f4ea", "#0d5b2a"),
        ApprovalState::Draft => ("#eceff1", "#263238"),
        ApprovalState::Pending => ("#fff4d6", "#5c3c00"),
        ApprovalState::Edited => ("#fde7e7", "#8a1010"),
    };
    format!(
        "<div id=\"loa-duyet\" role=\"status\" style=\"position:fixed;top:0;left:0;right:0;z-index:2147483646;\
background:{bg};color:{fg};font:15px/1.4 system-ui,sans-serif;padding:6px 12px;\
border-bottom:1px solid {fg}\">Xem trước – tình trạng duyệt{}: <strong>{}</strong>{} · \
<a style=\"color:{fg}\" href=\"{APPROVALS_PATH}\">mọi trang</a></div>",
        if a.section { " của chuyên mục" } else { "" },
        a.state.label(),
        escape(&who(a)),
    )
}

/// The banner of the page whose output file is `key` (`bai-viet/x/index.html`), when it is a
/// page under approval.
pub fn banner_for(approvals: &[ApprovalRecord], key: &str) -> Option<String> {
    let page =
        approvals.iter().find(|a| a.path.as_deref().is_some_and(|p| crate::content::output_file(p) == key));
    page.map(approval_banner)
}

/// `, Ban biên tập, ngày 6/12/2026` when the page carries an approval.
fn who(a: &ApprovalRecord) -> String {
    match (&a.by, a.at) {
        (Some(by), Some(at)) => format!(", {by}, {}", at.fmt_short()),
        (Some(by), None) => format!(", {by}"),
        _ => String::new(),
    }
}

/// The page `/__loa/duyet/`: every page by approval state (edited, pending, draft, approved),
/// each linked when it is built, with who approved and when; reloads with the site.
pub fn approvals_page(approvals: &[ApprovalRecord], base_path: &str, stamp: &str) -> String {
    let mut body = String::new();
    if approvals.is_empty() {
        body.push_str(
            "<p>Trang web chưa bật duyệt bài (<code>editorial.approval: required</code> trong loa.yaml).</p>",
        );
    }
    for state in ApprovalState::ALL {
        let pages: Vec<&ApprovalRecord> = approvals.iter().filter(|a| a.state == state).collect();
        if pages.is_empty() {
            continue;
        }
        let count = crate::content::approval::count_label(&pages);
        body.push_str(&format!("<h2>{} ({count})</h2><ul>", state.label()));
        for a in pages {
            let title = if a.title.is_empty() { &a.file } else { &a.title };
            let link = match &a.path {
                Some(p) => {
                    format!("<a href=\"{}\">{}</a>", escape(&format!("{base_path}{p}")), escape(title))
                }
                None => escape(title),
            };
            let kind = if a.section { " · chuyên mục" } else { "" };
            body.push_str(&format!(
                "<li>{link} <small>{}{kind}{}</small></li>",
                escape(&a.file),
                escape(&who(a))
            ));
        }
        body.push_str("</ul>");
    }
    format!(
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Duyệt bài</title></head>\
<body style=\"font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:1rem auto;padding:0 1rem\">\
<h1>Duyệt bài</h1>{body}{}</body></html>",
        snippet(stamp, None)
    )
}

/// What the server adds to an HTML page: the overlay when the last build failed, then the
/// live-reload script. `stamp` identifies the served state (server start and generation): the
/// page reloads when the stream reports another one.
pub fn snippet(stamp: &str, errors: Option<&Diagnostics>) -> String {
    let mut s = String::from(INJECT_START);
    if let Some(errors) = errors {
        s.push_str(&overlay(errors));
    }
    s.push_str(&reload_script(stamp));
    s.push_str(INJECT_END);
    s
}

/// The live-reload client. On `reload` (or on connecting to a server whose state differs from
/// the page's), it goes to the page's new URL when the build moved it, else reloads.
fn reload_script(stamp: &str) -> String {
    let stamp = serde_json::to_string(stamp).unwrap_or_else(|_| "\"\"".to_string());
    format!(
        r#"<script>(function(){{var s={stamp};if(!window.EventSource)return;var es=new EventSource("{EVENTS_PATH}");
function go(d){{var m=(d&&d.moved)||{{}},p=location.pathname,t=m[p];if(!t){{try{{t=m[decodeURI(p)]}}catch(e){{}}}}
es.close();if(t&&t!==p){{location.replace(t+location.search+location.hash)}}else{{location.reload()}}}}
function on(e){{var d={{}};try{{d=JSON.parse(e.data)}}catch(x){{}}if(d.stamp&&d.stamp!==s)go(d)}}
es.addEventListener("hello",on);es.addEventListener("reload",on);}})();</script>"#
    )
}

/// The overlay listing every diagnostic of the failed build, over the last good page.
fn overlay(errors: &Diagnostics) -> String {
    let count = errors.error_count();
    let mut s = String::from(
        r#"<div id="loa-overlay" role="alert" style="position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.92);color:#fff;font:16px/1.5 system-ui,sans-serif;padding:2rem">"#,
    );
    s.push_str(r#"<div style="max-width:60rem;margin:0 auto">"#);
    s.push_str(&format!(
        r#"<h1 style="font-size:1.4rem;color:#ff8a80;margin:0 0 .5rem">Không dựng được trang: {count} lỗi</h1>"#
    ));
    s.push_str(
        r#"<p style="margin:0 0 1rem">Trang bên dưới là bản dựng tốt gần nhất. Sửa lỗi rồi lưu tệp: trang sẽ tự tải lại.</p>"#,
    );
    s.push_str(&diagnostic_list(errors));
    s.push_str(r#"<button type="button" onclick="this.closest('#loa-overlay').remove()" style="font:inherit;padding:.3rem 1rem">Ẩn</button>"#);
    s.push_str("</div></div>");
    s
}

/// The diagnostics as an HTML list (errors first, then warnings).
fn diagnostic_list(diags: &Diagnostics) -> String {
    let mut s = String::from(r#"<ol class="loa-diagnostics" style="padding-left:1.5rem">"#);
    let ordered = diags.iter().filter(|d| d.is_error()).chain(diags.iter().filter(|d| !d.is_error()));
    for d in ordered {
        s.push_str(&diagnostic_item(d));
    }
    s.push_str("</ol>");
    s
}

fn diagnostic_item(d: &Diagnostic) -> String {
    let (label, color) = match d.severity {
        Severity::Error => ("lỗi", "#ff8a80"),
        Severity::Warning => ("cảnh báo", "#ffd180"),
    };
    let mut s = String::from(r#"<li style="margin:0 0 1rem">"#);
    if let Some(loc) = &d.location {
        s.push_str(&format!(
            r#"<code class="loa-location" style="color:#80d8ff">{}</code>: "#,
            escape(&clean(&loc.to_string()))
        ));
    }
    s.push_str(&format!(r#"<strong style="color:{color}">{label}</strong>: "#));
    s.push_str(&format!(r#"<span class="loa-message">{}</span>"#, escape(&clean(&d.message))));
    if let Some(hint) = &d.hint {
        s.push_str(&format!(
            r#"<br><span class="loa-hint" style="color:#b9f6ca">gợi ý: {}</span>"#,
            escape(&clean(hint))
        ));
    }
    s.push_str("</li>");
    s
}

/// The page served for every path while the site has never built.
pub fn error_page(stamp: &str, errors: &Diagnostics) -> String {
    let mut s = String::from(
        "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Lỗi dựng trang</title></head>\n",
    );
    s.push_str(r#"<body style="font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem">"#);
    s.push_str(&format!(
        r#"<div id="loa-error-page"><h1 style="color:#b00020">Chưa dựng được trang: {} lỗi</h1>"#,
        errors.error_count()
    ));
    s.push_str("<p>Sửa các lỗi dưới đây rồi lưu tệp: trang sẽ tự tải lại.</p>");
    s.push_str(&diagnostic_list(errors).replace("#80d8ff", "#01579b").replace("#b9f6ca", "#1b5e20"));
    s.push_str("</div>");
    s.push_str(&snippet(stamp, None));
    s.push_str("</body></html>\n");
    s
}

/// The 404 page of a site whose theme has none.
pub fn not_found_page() -> String {
    "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Không tìm thấy trang</title></head>\n<body><h1>Không tìm thấy trang</h1><p>Địa chỉ này không có trong trang đã dựng.</p></body></html>\n".to_string()
}

/// Removes terminal escape sequences (`ESC [ … letter`) and other control characters but
/// newlines and tabs, so no colour code or stray control reaches a page.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for n in chars.by_ref() {
                    if n.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        if c.is_control() && c != '\n' && c != '\t' {
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;

    #[test]
    fn origin_is_rewritten_in_every_escaped_form() {
        let body = b"<a href=\"http://loa.serve.invalid/x/\">http:&#x2F;&#x2F;loa.serve.invalid&#x2F;y</a> \"http:\\/\\/loa.serve.invalid\\/z\" ?u=http%3A%2F%2Floa.serve.invalid%2Fw";
        let out = String::from_utf8(rewrite_origin(body, "192.168.1.5:1111")).expect("utf8");
        assert!(!out.contains("loa.serve.invalid"), "{out}");
        assert!(out.contains("http://192.168.1.5:1111/x/"), "{out}");
        assert!(out.contains("http:&#x2F;&#x2F;192.168.1.5:1111&#x2F;y"), "{out}");
        assert!(out.contains("http:\\/\\/192.168.1.5:1111\\/z"), "{out}");
        assert!(out.contains("?u=http%3A%2F%2F192.168.1.5%3A1111%2Fw"), "{out}");
    }

    #[test]
    fn injects_before_the_last_body_end() {
        assert_eq!(inject(b"<p>a</p></BODY></html>", "X"), b"<p>a</p>X</BODY></html>");
        assert_eq!(inject(b"<p>a</p>", "X"), b"<p>a</p>X");
    }

    #[test]
    fn overlay_escapes_and_strips_terminal_codes() {
        let d = Diagnostic::error("x", Location::at("content/<a>.md", 3, 1), "sai \u{1b}[31m<script>")
            .with_hint("sửa & lưu");
        let s = snippet("1-1", Some(&Diagnostics::from(d)));
        assert!(s.contains("content/&lt;a&gt;.md:3:1"), "{s}");
        assert!(s.contains("sai &lt;script&gt;"), "{s}");
        assert!(s.contains("gợi ý: sửa &amp; lưu"), "{s}");
        assert!(!s.contains('\u{1b}'));
        assert!(s.contains("id=\"loa-overlay\""));
    }
}
