//! The Markdown rules of a body: heading levels that skip, images without alt text,
//! blockquotes and lists nested too deep, code fences in an unknown language (strict), and
//! images missing from the output.
//!
//! Takes a body with the file line it starts at; gives diagnostics at file line:column. Must
//! not read files.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// Lines outside fenced code blocks: (file line, text).
pub(super) fn prose_lines(text: &str, first_line: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let marker = t.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = marker.map_or(0, |m| t.chars().take_while(|c| *c == m).count());
        match (fence, marker) {
            (None, Some(m)) if run >= 3 => fence = Some((m, run)),
            (Some((m, n)), Some(c)) if c == m && run >= n && t.trim_end().chars().all(|x| x == m) => {
                fence = None;
            }
            (Some(_), _) => {}
            _ => out.push((first_line + i, line)),
        }
    }
    out
}

/// Blockquote or list nesting deeper than this is warned (each level multiplies the HTML).
const MAX_NESTING: usize = 16;

pub(super) static IMAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)"#).expect("regex"));

/// Heading levels, image alt text and (strict) code languages of one file's body.
pub(super) fn check_body(text: &str, body_line: usize, file: &str, strict: bool) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let body: String = text.lines().skip(body_line.saturating_sub(1)).collect::<Vec<_>>().join("\n");
    // The page title is the h1 of the template: body headings start at h2.
    let mut previous = 1usize;
    let mut deep_warned = false;
    for (line, l) in prose_lines(&body, body_line) {
        let quotes = l.chars().take_while(|c| *c == '>' || *c == ' ').filter(|c| *c == '>').count();
        let indent = l.chars().take_while(|c| *c == ' ').count();
        let list = indent / 2 >= MAX_NESTING && l.trim_start().starts_with(['-', '*', '+']);
        if (quotes > MAX_NESTING || list) && !deep_warned {
            deep_warned = true;
            diags.push(
                Diagnostic::warning(
                    "nesting-depth",
                    Location::at(file, line, 1),
                    format!(
                        "trích dẫn hoặc danh sách lồng nhau quá {MAX_NESTING} cấp: trang nặng và khó đọc"
                    ),
                )
                .with_hint("giảm số cấp lồng nhau (thường do dán văn bản từ thư điện tử)"),
            );
        }
        let hashes = l.chars().take_while(|c| *c == '#').count();
        if (1..=6).contains(&hashes) && l[hashes..].starts_with([' ', '\t']) && !l.starts_with("    ") {
            if hashes > previous + 1 {
                diags.push(
                    Diagnostic::warning(
                        "heading-skip",
                        Location::at(file, line, 1),
                        format!("tiêu đề cấp {hashes} ngay sau cấp {previous}: bỏ qua cấp {}", previous + 1),
                    )
                    .with_hint(format!(
                        "dùng `{}` cho mục này; trình đọc màn hình dựa vào thứ tự các cấp",
                        "#".repeat(previous + 1)
                    )),
                );
            }
            previous = hashes;
        }
        for c in IMAGE.captures_iter(l) {
            if c[1].trim().is_empty() {
                let col = l[..c.get(0).map_or(0, |m| m.start())].chars().count() + 1;
                diags.push(
                    Diagnostic::warning(
                        "image-alt",
                        Location::at(file, line, col),
                        "ảnh không có mô tả (alt)",
                    )
                    .with_hint("viết mô tả trong ngoặc vuông: `![Lễ ký kết tại hội trường](anh.jpg)`"),
                );
            }
        }
    }
    if strict {
        for (i, l) in body.lines().enumerate() {
            let t = l.trim_start();
            let Some(info) = t.strip_prefix("```").or_else(|| t.strip_prefix("~~~")) else { continue };
            let lang = info.trim_start_matches(['`', '~']).split([' ', ',', '{']).next().unwrap_or("");
            if !lang.is_empty() && !crate::markdown::highlight::is_known_language(lang) {
                diags.push(
                    Diagnostic::warning(
                        "code-language",
                        Location::at(file, body_line + i, 1),
                        format!("ngôn ngữ `{lang}` của khối mã không được nhận ra; mã hiện không tô màu"),
                    )
                    .with_hint("sửa tên ngôn ngữ (ví dụ `rust`, `python`, `yaml`) hoặc bỏ trống"),
                );
            }
        }
    }
    diags
}

pub(super) fn first_paragraph_is_empty(body: &str) -> bool {
    !body.lines().any(|l| {
        let t = l.trim();
        !t.is_empty()
            && !t.starts_with('#')
            && !t.starts_with("```")
            && !t.starts_with("<!--")
            && !t.starts_with('!')
    })
}

/// A diagnostic when `src`, on the page at `page_path`, is a local file missing from the output.
pub(super) fn missing_image(
    config: &Config,
    page_path: &str,
    src: &str,
    copies: &BTreeMap<String, std::path::PathBuf>,
    at: Location,
) -> Option<Diagnostic> {
    let src = src.split(['?', '#']).next().unwrap_or("");
    if src.is_empty() || src.contains("://") || src.starts_with("data:") || src.starts_with("//") {
        return None;
    }
    let path = match src.strip_prefix('/') {
        Some(rest) => {
            let base = config.base_path.trim_start_matches('/');
            let rest = if base.is_empty() {
                rest
            } else {
                rest.strip_prefix(base).map_or(rest, |r| r.trim_start_matches('/'))
            };
            rest.to_string()
        }
        None => format!("{}{}", page_path.trim_start_matches('/'), src.trim_start_matches("./")),
    };
    let key = percent_decode(&normalize_path(&path));
    let found = copies.contains_key(&key);
    (!found).then(|| {
        Diagnostic::error("missing-image", at, format!("ảnh `{src}` không tồn tại (trang sẽ có ảnh hỏng)"))
            .with_hint("đặt ảnh cạnh bài (thư mục của bài, index.md) hoặc trong static/, rồi sửa đường dẫn")
    })
}

fn normalize_path(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    crate::vi::nfc(&String::from_utf8_lossy(&out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_skips_and_missing_alt() {
        let d = check_body("## a\n#### b\n```\n# not a heading\n```\n![](x.png)\n", 1, "f", false);
        let codes: Vec<_> = d.iter().map(|d| (d.code, d.location.as_ref().map(|l| l.line))).collect();
        assert_eq!(codes, [("heading-skip", Some(2)), ("image-alt", Some(6))]);
    }
}
