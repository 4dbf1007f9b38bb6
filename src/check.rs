//! Content checks of `loa check` beyond what a build checks: the editorial gate CI runs before
//! publishing.
//!
//! Takes the config and, when the build succeeded, its output (to know which files a page can
//! link to); re-reads the content with the library's own stages (`load`, `parse`, `assemble`)
//! and the raw bytes of each file (load normalises to NFC, so mixed NFC/NFD text is only
//! visible there). Gives diagnostics, warnings unless said otherwise:
//! - images that do not exist in the output (error), images without alt text;
//! - blockquotes or lists nested deeper than 16 levels (output amplification);
//! - heading levels that skip (`##` then `####`), duplicate page titles, articles without any
//!   summary (feeds show one), bidi and zero-width controls in titles and summaries;
//! - text mixing NFC and NFD, tone marks placed against `tone_style` (`hòa`/`hoà`);
//! - forbidden phrases of `editorial.forbidden` (errors, at file:line:col, the correction as
//!   the hint); `| safe` applied to front matter fields in templates (a script in a title
//!   would run); code fences in an unknown language (only with `strict`);
//! - with `external`, links to other sites, each time-bounded (http: a HEAD request; https:
//!   a TCP connection to the host, as loa carries no TLS library).
//!
//! Must not write anything, and never prints.

use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;

use crate::config::{Config, ToneStyle};
use crate::content::{Kind, Site};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::load::Loaded;
use crate::vi::dates::DateTime;

/// What to check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckOptions {
    /// Include draft pages.
    pub drafts: bool,
    /// The moment the site is checked for.
    pub now: DateTime,
    /// Also report what only matters when warnings fail (unknown code languages).
    pub strict: bool,
    /// Check links to other sites.
    pub external: bool,
    /// Longest wait for one external link.
    pub external_timeout: Duration,
}

/// The checks of the templates, the copied files and every source file: run by the build
/// after the load, with `--check`'s options.
pub fn sources(config: &Config, loaded: &Loaded, opts: &CheckOptions) -> Diagnostics {
    let mut diags = Diagnostics::new();
    diags.extend(check_templates(config));
    for a in loaded.static_files.iter().chain(&loaded.content_assets) {
        if let Some(d) = check_active_content(config, &a.from) {
            diags.push(d);
        }
    }
    for s in &loaded.sources {
        let raw = std::fs::read(config.root.join(&s.file)).unwrap_or_default();
        diags.extend(check_normalization(&raw, &s.file));
        diags.extend(check_editorial(config, &s.text, &s.file));
        if let Some(style) = config.tone_style {
            diags.extend(check_tone(&s.text, &s.file, style));
        }
        let body_start = crate::parse::split_front_matter(&s.text, &s.file).map_or(1, |sp| sp.body_line);
        diags.extend(check_body(&s.text, body_start, &s.file, opts.strict));
    }
    diags
}

/// The checks of the assembled site (titles, summaries, images, external links): run by the
/// build after assembling it, while the pages still have their Markdown. `copies` are the
/// files the build copies, by output path (where an image must be).
pub fn site(
    config: &Config,
    site: &Site,
    copies: &BTreeMap<String, std::path::PathBuf>,
    opts: &CheckOptions,
) -> Diagnostics {
    let mut diags = check_pages(config, site, copies);
    if opts.external {
        diags.extend(check_external(site, opts.external_timeout));
    }
    diags
}

/// Largest SVG or HTML file read for scripts (bigger ones are read up to this size).
const MAX_ACTIVE_SCAN: u64 = 8 << 20;

static ACTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)<script\b|<iframe\b|<object\b|<embed\b|<foreignobject\b|[\s"'/]on[a-z]+\s*=|javascript:"#,
    )
    .expect("regex")
});

/// A copied SVG or HTML file (bundle or `static/`) that can run a script when opened from the
/// site: `<script>`, an `on…=` handler, `javascript:`. Published as is, it runs on the site's
/// own origin; a warning at its first such place (an error under `--strict`).
fn check_active_content(config: &Config, path: &std::path::Path) -> Option<Diagnostic> {
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    if !matches!(ext.as_str(), "svg" | "html" | "htm" | "xhtml" | "xml") {
        return None;
    }
    let mut bytes = Vec::new();
    let file = std::fs::File::open(path).ok()?;
    std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_ACTIVE_SCAN), &mut bytes).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let m = ACTIVE.find(&text)?;
    let found =
        m.as_str().trim_start_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '/');
    let before = &text[..m.end() - found.len()];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let shown = path.strip_prefix(&config.root).unwrap_or(path).to_string_lossy().replace('\\', "/");
    let found: String = found.chars().take(20).collect();
    Some(
        Diagnostic::warning(
            "active-content",
            Location::at(shown, line, column),
            format!("tệp chứa mã chạy được trong trình duyệt (`{found}`), sẽ chạy trên tên miền của trang"),
        )
        .with_hint("xóa thẻ <script>, các thuộc tính on…= và liên kết javascript: khỏi tệp, hoặc xuất nó thành ảnh PNG"),
    )
}

/// Lines outside fenced code blocks: (file line, text).
fn prose_lines(text: &str, first_line: usize) -> Vec<(usize, &str)> {
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

static IMAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)"#).expect("regex"));

/// Heading levels, image alt text and (strict) code languages of one file's body.
fn check_body(text: &str, body_line: usize, file: &str, strict: bool) -> Diagnostics {
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

/// Text mixing NFC and NFD (a paste from a Mac into a file typed on Windows): the first
/// decomposed character, when the file also holds precomposed letters.
pub fn check_normalization(raw: &[u8], file: &str) -> Diagnostics {
    let Ok(text) = std::str::from_utf8(raw) else {
        return Diagnostics::new();
    };
    if crate::vi::nfc::is_nfc(text) {
        return Diagnostics::new();
    }
    let composed = text
        .chars()
        .any(|c| !c.is_ascii() && crate::vi::nfc(&c.to_string()).chars().count() == 1 && !is_combining(c));
    for (i, line) in text.lines().enumerate() {
        if let Some(col) = line.chars().position(is_combining) {
            let (msg, hint) = if composed {
                (
                    "văn bản trộn hai dạng mã Unicode (NFC và NFD): chữ có dấu trông giống nhau nhưng tìm kiếm và so sánh sẽ khác",
                    "lưu lại tệp ở dạng NFC (dạng dựng sẵn); loa đã chuẩn hóa khi dựng trang, nhưng tệp gốc vẫn trộn",
                )
            } else {
                (
                    "văn bản ở dạng NFD (dấu tách rời chữ, thường do sao chép từ máy Mac)",
                    "lưu lại tệp ở dạng NFC (dạng dựng sẵn)",
                )
            };
            return Diagnostic::warning("unicode-form", Location::at(file, i + 1, col.max(1)), msg)
                .with_hint(hint)
                .into();
        }
    }
    Diagnostics::new()
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF)
}

/// `oa`, `oe`, `uy` syllables with the tone on the first vowel (old style) or second (new).
const OLD_O: [char; 5] = ['ò', 'ó', 'ỏ', 'õ', 'ọ'];
const OLD_U: [char; 5] = ['ù', 'ú', 'ủ', 'ũ', 'ụ'];
const NEW_A: [char; 5] = ['à', 'á', 'ả', 'ã', 'ạ'];
const NEW_E: [char; 5] = ['è', 'é', 'ẻ', 'ẽ', 'ẹ'];
const NEW_Y: [char; 5] = ['ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ'];

/// The word in the other tone style, when it is an open `oa`/`oe`/`uy` syllable with a tone
/// mark (lower case): `hòa` → (Old, `hoà`), `khoẻ` → (New, `khỏe`). `qu` + `y` is not one.
pub fn tone_variant(word: &str) -> Option<(ToneStyle, String)> {
    let w: Vec<char> = word.chars().collect();
    let n = w.len();
    if n < 2 {
        return None;
    }
    if n > 2 {
        let p = w[n - 3];
        if p == 'q' || "aeiouy".contains(crate::vi::fold(&p.to_string()).as_str()) {
            return None;
        }
    }
    let (a, b) = (w[n - 2], w[n - 1]);
    let swap = |first: char, second: char| {
        let mut out: String = w[..n - 2].iter().collect();
        out.push(first);
        out.push(second);
        out
    };
    if let Some(t) = OLD_O.iter().position(|&c| c == a) {
        return match b {
            'a' => Some((ToneStyle::Old, swap('o', NEW_A[t]))),
            'e' => Some((ToneStyle::Old, swap('o', NEW_E[t]))),
            _ => None,
        };
    }
    if let Some(t) = OLD_U.iter().position(|&c| c == a) {
        return (b == 'y').then(|| (ToneStyle::Old, swap('u', NEW_Y[t])));
    }
    match a {
        'o' => NEW_A
            .iter()
            .position(|&c| c == b)
            .or_else(|| NEW_E.iter().position(|&c| c == b))
            .map(|t| (ToneStyle::New, swap(OLD_O[t], if NEW_A.contains(&b) { 'a' } else { 'e' }))),
        'u' => NEW_Y.iter().position(|&c| c == b).map(|t| (ToneStyle::New, swap(OLD_U[t], 'y'))),
        _ => None,
    }
}

/// Words written in the other tone style than the site's `tone_style`.
pub fn check_tone(text: &str, file: &str, style: ToneStyle) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let want = match style {
        ToneStyle::Old => "kiểu cũ (hòa, khỏe, thủy)",
        ToneStyle::New => "kiểu mới (hoà, khoẻ, thuỷ)",
    };
    for (i, line) in text.lines().enumerate() {
        let mut col = 0;
        let mut word = String::new();
        let mut start = 0;
        for c in line.chars().chain(std::iter::once(' ')) {
            col += 1;
            if c.is_alphabetic() {
                if word.is_empty() {
                    start = col;
                }
                word.push(c);
                continue;
            }
            if !word.is_empty() {
                let lower = word.to_lowercase();
                if let Some((found, other)) = tone_variant(&lower)
                    && found != style
                {
                    diags.push(
                        Diagnostic::warning(
                            "tone-style",
                            Location::at(file, i + 1, start),
                            format!("`{word}` bỏ dấu khác kiểu của trang: loa.yaml chọn {want}"),
                        )
                        .with_hint(format!("viết `{other}`")),
                    );
                }
                word.clear();
            }
        }
    }
    diags
}

/// Forbidden phrases of `editorial.forbidden`, wherever they appear in the file (title,
/// summary, body), also when a line break falls inside the phrase.
pub fn check_editorial(config: &Config, text: &str, file: &str) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for rule in &config.editorial.forbidden {
        let words: Vec<String> = crate::vi::nfc(&rule.phrase).split_whitespace().map(regex::escape).collect();
        if words.is_empty() {
            continue;
        }
        let Ok(re) = Regex::new(&words.join(r"\s+")) else { continue };
        for m in re.find_iter(text) {
            let before = &text[..m.start()];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            let mut d = Diagnostic::error(
                "editorial",
                Location::at(file, line, col),
                format!("cụm từ bị cấm theo quy định biên tập: `{}`", rule.phrase),
            );
            if !rule.hint.is_empty() {
                d = d.with_hint(rule.hint.clone());
            }
            diags.push(d);
        }
    }
    diags
}

/// Zero-width and bidi controls (Trojan-source style spoofing), which are invisible in a title.
pub fn invisible_controls(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| {
            matches!(*c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x2069 | 0xFEFF)
        })
        .collect()
}

/// Site-wide checks: duplicate titles, summaries of articles, images, invisible controls.
fn check_pages(config: &Config, site: &Site, copies: &BTreeMap<String, std::path::PathBuf>) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mut titles: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for p in &site.pages {
        titles.entry(crate::vi::nfc(p.title.trim()).to_lowercase()).or_default().push(&p.file);
        let title_at = p.key_lines.locate(&p.file, "title");
        for (what, text, at) in [
            ("tiêu đề", Some(p.title.as_str()), title_at.clone()),
            ("tóm tắt", p.summary.as_deref(), p.key_lines.locate(&p.file, "summary")),
        ] {
            let bad = invisible_controls(text.unwrap_or(""));
            if !bad.is_empty() {
                let codes: Vec<String> = bad.iter().map(|c| format!("U+{:04X}", *c as u32)).collect();
                diags.push(
                    Diagnostic::warning(
                        "invisible-control",
                        at,
                        format!("{what} chứa ký tự điều khiển vô hình ({})", codes.join(", ")),
                    )
                    .with_hint("xóa các ký tự này: chúng đảo chiều hoặc giấu chữ, có thể dùng để giả mạo"),
                );
            }
        }
        if p.kind == Kind::Article
            && p.summary.is_none()
            && !p.body.contains("<!-- more -->")
            && !p.body.contains("<!--more-->")
            && first_paragraph_is_empty(&p.body)
        {
            diags.push(
                Diagnostic::warning(
                    "summary",
                    Location::file(&p.file),
                    "bài viết không có tóm tắt: nguồn tin (RSS/Atom) và danh sách sẽ trống",
                )
                .with_hint("thêm `summary:` vào phần khai báo, hoặc viết đoạn mở đầu"),
            );
        }
        {
            let out = copies;
            let body_line = p.body_line;
            for (i, l) in prose_lines(&p.body, body_line) {
                for c in IMAGE.captures_iter(l) {
                    let src = &c[2];
                    let col = l[..c.get(0).map_or(0, |m| m.start())].chars().count() + 1;
                    if let Some(d) = missing_image(config, &p.path, src, out, Location::at(&p.file, i, col)) {
                        diags.push(d);
                    }
                }
            }
            if let Some(img) = &p.image
                && let Some(d) =
                    missing_image(config, &p.path, img, out, p.key_lines.locate(&p.file, "image"))
            {
                diags.push(d);
            }
        }
        if p.image.is_some() && p.image_alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
            diags.push(
                Diagnostic::warning(
                    "image-alt",
                    p.key_lines.locate(&p.file, "image"),
                    "ảnh đại diện không có mô tả",
                )
                .with_hint("thêm `image_alt:` mô tả ảnh cho người không nhìn thấy nó"),
            );
        }
    }
    for files in titles.values().filter(|f| f.len() > 1) {
        for f in &files[1..] {
            diags.push(
                Diagnostic::warning(
                    "duplicate-title",
                    Location::file(*f),
                    format!("trùng tiêu đề với {}", files[0]),
                )
                .with_hint("đặt tiêu đề khác để người đọc và công cụ tìm kiếm phân biệt hai trang"),
            );
        }
    }
    diags
}

fn first_paragraph_is_empty(body: &str) -> bool {
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
fn missing_image(
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

/// Front matter fields (plain text written by editors) that must never go through `| safe`.
const PLAIN_FIELDS: &[&str] = &[
    "title",
    "description",
    "image",
    "image_alt",
    "extra",
    "headline",
    "message",
    "label",
    "goal",
    "name",
    "q",
    "term",
    "definition",
    "signer",
    "issuer",
    "code",
    "tags",
    "slug",
    "site",
];

/// `{{ page.title | safe }}` and the like in the theme's and the site's templates: a front
/// matter value would be output as HTML (a `<script>` in a title would run). `| safe` on the
/// fields loa renders as HTML (`content`, `summary`, `html`, `a`, `faq_jsonld`) is fine.
pub fn check_templates(config: &Config) -> Diagnostics {
    static SAFE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"\{\{-?\s*([A-Za-z_][A-Za-z0-9_.\[\]]*)\s*((?:\|\s*[A-Za-z_]+(?:\([^)]*\))?\s*)*)\|\s*safe\b",
        )
        .expect("regex")
    });
    let mut diags = Diagnostics::new();
    let mut dirs = Vec::new();
    if let Some(t) = &config.theme {
        dirs.push(format!("themes/{t}/templates"));
    }
    dirs.push("templates".to_string());
    for dir in dirs {
        let abs = config.root.join(&dir);
        for e in walkdir::WalkDir::new(&abs).sort_by_file_name().into_iter().flatten() {
            if !e.file_type().is_file() {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(e.path()) else { continue };
            let rel = e.path().strip_prefix(&abs).unwrap_or(e.path()).to_string_lossy().replace('\\', "/");
            let file = format!("{dir}/{rel}");
            for (i, line) in text.lines().enumerate() {
                for c in SAFE.captures_iter(line) {
                    let var = &c[1];
                    let segs: Vec<&str> = var.split(['.', '[']).collect();
                    if segs.len() < 2 || !c[2].trim().is_empty() && c[2].contains("markdown") {
                        continue;
                    }
                    if segs[1..].iter().any(|s| PLAIN_FIELDS.contains(&s.trim_end_matches(']'))) {
                        let col = line[..c.get(0).map_or(0, |m| m.start())].chars().count() + 1;
                        diags.push(
                            Diagnostic::warning(
                                "unsafe-template",
                                Location::at(&file, i + 1, col),
                                format!("`{var} | safe`: giá trị từ phần khai báo được xuất như HTML, không được thoát"),
                            )
                            .with_hint(format!("bỏ `| safe` (Tera tự thoát HTML): `{{{{ {var} }}}}`")),
                        );
                    }
                }
            }
        }
    }
    diags
}

/// Every `http(s)://` link of the pages, checked in parallel, each within `timeout`.
fn check_external(site: &Site, timeout: Duration) -> Diagnostics {
    static LINK: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"\]\(\s*<?(https?://[^)\s>]+)|<(https?://[^>\s]+)>"#).expect("regex"));
    let mut first: BTreeMap<String, Location> = BTreeMap::new();
    for p in &site.pages {
        for (line, l) in prose_lines(&p.body, p.body_line) {
            for c in LINK.captures_iter(l) {
                let url = c.get(1).or_else(|| c.get(2)).map_or("", |m| m.as_str()).to_string();
                let col = l[..c.get(0).map_or(0, |m| m.start())].chars().count() + 1;
                first.entry(url).or_insert_with(|| Location::at(&p.file, line, col));
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn tone_variants_both_ways() {
        assert_eq!(tone_variant("hòa"), Some((ToneStyle::Old, "hoà".into())));
        assert_eq!(tone_variant("khoẻ"), Some((ToneStyle::New, "khỏe".into())));
        assert_eq!(tone_variant("thủy"), Some((ToneStyle::Old, "thuỷ".into())));
        assert_eq!(tone_variant("uỷ"), Some((ToneStyle::New, "ủy".into())));
        for same in ["quý", "hoàn", "hoa", "toán", "khuyến", "a"] {
            assert_eq!(tone_variant(same), None, "{same}");
        }
    }

    #[test]
    fn editorial_phrase_across_a_line_break() {
        let mut config =
            Config::parse("title: T\nbase_url: https://x.vn\n", Path::new("/s"), &Default::default())
                .expect("config");
        config.editorial.forbidden.push(crate::config::ForbiddenPhrase {
            phrase: "Kết luận 49 của Bộ Chính trị".into(),
            hint: "Ban Bí thư".into(),
        });
        let d =
            check_editorial(&config, "---\ntitle: x\n---\nTheo Kết luận 49 của\nBộ Chính trị, ...\n", "f");
        assert_eq!(d.0[0].location, Some(Location::at("f", 4, 6)));
        assert_eq!(d.0[0].hint.as_deref(), Some("Ban Bí thư"));
    }

    #[test]
    fn nfc_nfd_mix_is_found_at_its_line() {
        let d = check_normalization("Học tập\nho\u{323}c\n".as_bytes(), "f");
        assert_eq!(d.0[0].location, Some(Location::at("f", 2, 2)));
        assert!(check_normalization("Học tập\n".as_bytes(), "f").is_empty());
    }

    #[test]
    fn heading_skips_and_missing_alt() {
        let d = check_body("## a\n#### b\n```\n# not a heading\n```\n![](x.png)\n", 1, "f", false);
        let codes: Vec<_> = d.iter().map(|d| (d.code, d.location.as_ref().map(|l| l.line))).collect();
        assert_eq!(codes, [("heading-skip", Some(2)), ("image-alt", Some(6))]);
    }
}
