//! Parse stage: bytes of a source file → decoded text → front matter + body → `Parsed`.
//!
//! Takes the raw bytes read by `load`; gives the validated front matter with file-absolute
//! positions, or every problem in the file. Owns encoding checks (BOM, UTF-16, invalid UTF-8,
//! CRLF), the front matter caps applied before serde_yaml (size, nesting, tabs, duplicate keys)
//! and the translation of serde_yaml errors into diagnostics. A page's front matter in the plain
//! subset most pages use is read without serde_yaml (`quick`). Pure: no file system access.

use crate::content::{KeyLines, Matter, PageMatter, Parsed, SectionMatter};

use crate::diagnostics::{Diagnostic, Diagnostics, Location, did_you_mean};

mod quick;

/// Front matter larger than this is refused before it reaches the YAML parser.
pub const MAX_FRONT_MATTER: usize = 64 * 1024;
/// Most `*alias` references accepted in front matter: a few levels of aliases of aliases expand
/// exponentially (a "billion laughs" bomb), and editors have no use for many.
pub const MAX_ALIASES: usize = 16;
/// Deepest `[`/`{` nesting or indentation level accepted in front matter.
pub const MAX_NESTING: usize = 32;

/// Decodes a file's bytes: strips a UTF-8 BOM, refuses UTF-16 and invalid UTF-8 (naming the
/// line and byte), turns CRLF and lone CR into LF, and normalises to NFC.
pub fn decode_text(bytes: &[u8], file: &str) -> Result<String, Diagnostic> {
    decode_borrowed(bytes, file).map(std::borrow::Cow::into_owned)
}

/// [`decode_text`], borrowing from `bytes` when they need no change (UTF-8 without a byte
/// order mark, `\r` or non-NFC text: almost every file), so a caller copies the text once.
pub fn decode_borrowed<'a>(bytes: &'a [u8], file: &str) -> Result<std::borrow::Cow<'a, str>, Diagnostic> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Diagnostic::error(
            "encoding",
            Location::file(file),
            "tệp được lưu dạng UTF-16, loa chỉ đọc UTF-8",
        )
        .with_hint("mở tệp và lưu lại với mã hóa UTF-8"));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    // simdutf8 validates Vietnamese text (a third of its bytes outside ASCII) several times
    // faster than the standard library; the standard library finds where an error is.
    let valid = simdutf8::basic::from_utf8(bytes);
    let text = match valid.map_or_else(|_| std::str::from_utf8(bytes), Ok) {
        Ok(t) => t,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
            let byte = bytes[e.valid_up_to()];
            return Err(Diagnostic::error(
                "encoding",
                Location::at(file, line, column),
                format!("byte 0x{byte:02X} không phải UTF-8 hợp lệ"),
            )
            .with_hint("lưu lại tệp với mã hóa UTF-8"));
        }
    };
    // Most files need neither their line ends nor their Unicode form changed: one pass.
    if crate::vi::nfc::plain_without_cr(text) {
        return Ok(std::borrow::Cow::Borrowed(text));
    }
    if text.contains('\r') {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let nfc = match crate::vi::nfc_cow(&text) {
            std::borrow::Cow::Borrowed(_) => None,
            std::borrow::Cow::Owned(n) => Some(n),
        };
        return Ok(std::borrow::Cow::Owned(nfc.unwrap_or(text)));
    }
    Ok(crate::vi::nfc_cow(text))
}

/// A file split into its front matter and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML text between the `---` lines.
    pub yaml: &'a str,
    /// File line of the first YAML line (1-based).
    pub yaml_line: usize,
    /// The Markdown body after the closing `---`.
    pub body: &'a str,
    /// File line of the first body line (1-based).
    pub body_line: usize,
}

/// Splits front matter from body. Blank lines and spaces before the opening `---` are allowed.
pub fn split_front_matter<'a>(text: &'a str, file: &str) -> Result<Split<'a>, Diagnostic> {
    let mut offset = 0;
    let mut line_no = 1;
    // Skip blank lines before the opening delimiter.
    let mut lines = text.split_inclusive('\n');
    let open = loop {
        match lines.next() {
            Some(l) if l.trim().is_empty() => {
                offset += l.len();
                line_no += 1;
            }
            Some(l) => break Some(l),
            None => break None,
        }
    };
    let open_line = line_no;
    // Leading spaces before the opening `---` are allowed too (as Zola's `^[[:space:]]*---`):
    // an editor's stray indent should not turn the whole file into a missing-front-matter error.
    match open {
        Some(l) if l.trim() == "---" => offset += l.len(),
        _ => {
            return Err(Diagnostic::error(
                "front-matter",
                Location::at(file, open_line, 1),
                "tệp không có front matter (phần khai báo giữa hai dòng `---`)",
            )
            .with_hint("thêm vào đầu tệp:\n---\ntitle: Tiêu đề bài viết\n---"));
        }
    }
    let yaml_start = offset;
    let yaml_line = open_line + 1;
    line_no = yaml_line;
    for l in lines {
        if l.trim_end() == "---" {
            let yaml = &text[yaml_start..offset];
            let body_start = offset + l.len();
            return Ok(Split { yaml, yaml_line, body: &text[body_start..], body_line: line_no + 1 });
        }
        offset += l.len();
        line_no += 1;
    }
    Err(Diagnostic::error(
        "front-matter",
        Location::at(file, open_line, 1),
        format!("front matter mở ở dòng {open_line} nhưng không bao giờ được đóng"),
    )
    .with_hint("thêm một dòng chỉ gồm `---` sau phần khai báo"))
}

/// Top-level keys of a YAML block with their 1-based lines (relative to the block).
pub fn top_level_key_lines(yaml: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, line) in yaml.lines().enumerate() {
        if line.starts_with([' ', '\t', '#', '-']) || line.is_empty() {
            continue;
        }
        if let Some(colon) = line.find(':') {
            let key = line[..colon].trim().trim_matches(['"', '\'']);
            let after = &line[colon + 1..];
            if !key.is_empty()
                && (after.is_empty() || after.starts_with([' ', '\t']))
                && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            {
                out.push((key.to_string(), i + 1));
            }
        }
    }
    out
}

/// Every block-mapping key with its 1-based line (relative to the block), as a dotted path
/// (`campaign.audiences.gia-dinh`). Keys inside lists and flow mappings are not listed.
pub fn nested_key_lines(yaml: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut stack: Vec<(usize, String)> = Vec::new();
    for (i, line) in yaml.lines().enumerate() {
        let body = line.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = line.len() - body.len();
        while stack.last().is_some_and(|(ind, _)| *ind >= indent) {
            stack.pop();
        }
        if body.starts_with('-') {
            continue;
        }
        let Some(colon) = body.find(':') else { continue };
        let key = body[..colon].trim().trim_matches(['"', '\'']);
        let after = &body[colon + 1..];
        if key.is_empty()
            || !(after.is_empty() || after.starts_with([' ', '\t']))
            || !key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            continue;
        }
        let path = match stack.last() {
            Some((_, parent)) => format!("{parent}.{key}"),
            None => key.to_string(),
        };
        out.push((path.clone(), i + 1));
        stack.push((indent, path));
    }
    out
}

/// Checks applied before serde_yaml sees the text: size, nesting depth, tab indentation and
/// duplicate top-level keys. `line_offset` is added to block-relative lines.
pub fn prescan_yaml(yaml: &str, file: &str, line_offset: usize) -> Result<(), Diagnostics> {
    let at = |line: usize, col: usize| Location::at(file, line + line_offset, col);
    if yaml.len() > MAX_FRONT_MATTER {
        return Err(Diagnostic::error(
            "front-matter",
            at(1, 1),
            format!(
                "phần khai báo quá lớn ({} KiB, tối đa {} KiB)",
                yaml.len() / 1024,
                MAX_FRONT_MATTER / 1024
            ),
        )
        .with_hint("chuyển nội dung dài xuống phần thân bài")
        .into());
    }
    let mut diags = Diagnostics::new();
    let mut depth = 0usize;
    let mut deepest_reported = false;
    let mut aliases = 0usize;
    for (i, line) in yaml.lines().enumerate() {
        if let Some((col, c)) = line.chars().enumerate().find(|&(_, c)| is_forbidden_control(c)) {
            diags.push(control_error(at(i + 1, col + 1), c));
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        if line[indent..].starts_with('\t') {
            diags.push(
                Diagnostic::error("front-matter", at(i + 1, indent + 1), "thụt lề bằng phím Tab")
                    .with_hint("YAML không cho phép Tab để thụt lề; dùng dấu cách"),
            );
        }
        let mut quote: Option<char> = None;
        let mut prev: Option<char> = None;
        let mut last_sig: Option<char> = None;
        for (col, c) in line.chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') if !prev.is_some_and(char::is_alphanumeric) => quote = Some(c),
                (None, '#') if prev.is_none_or(|p| p == ' ') => break,
                (None, '[' | '{') => depth += 1,
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                // An alias starts a value: after `: `, `- `, `[`, `,`, `{` or at the line start.
                (None, '*') if last_sig.is_none_or(|p| matches!(p, ':' | '-' | '[' | ',' | '{')) => {
                    aliases += 1;
                    if aliases == MAX_ALIASES + 1 {
                        diags.push(
                            Diagnostic::error(
                                "front-matter",
                                at(i + 1, col + 1),
                                format!("quá nhiều tham chiếu `*` (tối đa {MAX_ALIASES})"),
                            )
                            .with_hint(
                                "bỏ các tham chiếu `&`/`*` lồng nhau trong phần khai báo; viết giá trị ra",
                            ),
                        );
                    }
                }
                _ => {}
            }
            if !c.is_whitespace() {
                last_sig = Some(c);
            }
            prev = Some(c);
            if (depth > MAX_NESTING || indent / 2 > MAX_NESTING) && !deepest_reported {
                deepest_reported = true;
                diags.push(
                    Diagnostic::error(
                        "front-matter",
                        at(i + 1, col + 1),
                        format!("phần khai báo lồng nhau quá sâu (tối đa {MAX_NESTING} cấp)"),
                    )
                    .with_hint("kiểm tra các dấu `[` `{` chưa đóng"),
                );
            }
        }
    }
    for (key, line, column, first) in duplicate_keys(yaml) {
        diags.push(
            Diagnostic::error(
                "duplicate-key",
                at(line, column),
                format!("khóa `{key}` bị lặp lại (đã có ở dòng {})", first + line_offset),
            )
            .with_hint("giữ một trong hai dòng"),
        );
    }
    if diags.has_errors() { Err(diags) } else { Ok(()) }
}

/// A control character that front matter may not hold: C0 (tab and newline aside), DEL and
/// C1. They would reach `<title>`, headings, cards and meta tags (a NUL, an ESC), where no
/// reader can see them and some tools stop.
fn is_forbidden_control(c: char) -> bool {
    c.is_control() && c != '\t' && c != '\n'
}

fn control_error(at: Location, c: char) -> Diagnostic {
    Diagnostic::error(
        "control-character",
        at,
        format!("ký tự điều khiển U+{:04X} trong phần khai báo", u32::from(c)),
    )
    .with_hint(
        "xóa ký tự này (thường do sao chép từ phần mềm khác); phần khai báo chỉ chứa chữ, số và dấu câu",
    )
}

/// Control characters written as escapes in double-quoted YAML strings (`"A\0B"`, `"\e[31m"`):
/// serde_yaml decodes them, so they are looked for in the decoded values, keys included. Each
/// is reported at the line of its key (or the escape's own position when the line shows it).
/// Runs only on front matter holding a backslash.
fn escaped_controls(yaml: &str, file: &str, offset: usize, key_lines: &KeyLines) -> Result<(), Diagnostics> {
    let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(yaml) else { return Ok(()) };
    let mut found: Vec<(String, char)> = Vec::new();
    fn walk(v: &serde_yaml::Value, path: &str, found: &mut Vec<(String, char)>) {
        let bad = |s: &str| s.chars().find(|&c| is_forbidden_control(c));
        match v {
            serde_yaml::Value::String(s) => {
                if let Some(c) = bad(s) {
                    found.push((path.to_string(), c));
                }
            }
            serde_yaml::Value::Sequence(items) => items.iter().for_each(|i| walk(i, path, found)),
            serde_yaml::Value::Mapping(map) => {
                for (k, v) in map {
                    let key = match k {
                        serde_yaml::Value::String(k) => k.clone(),
                        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_string(),
                    };
                    let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                    if let Some(c) = bad(&key) {
                        found.push((child.clone(), c));
                    }
                    walk(v, &child, found);
                }
            }
            serde_yaml::Value::Tagged(t) => walk(&t.value, path, found),
            _ => {}
        }
    }
    walk(&value, "", &mut found);
    if found.is_empty() {
        return Ok(());
    }
    let lines: Vec<&str> = yaml.lines().collect();
    let mut diags = Diagnostics::new();
    for (path, c) in found {
        let mut at = key_lines.locate(file, &path);
        if at.line == 0 {
            // No line of its own (a key holding the control cannot be found by name): the
            // first line with an escape.
            if let Some(i) = lines.iter().position(|l| l.contains('\\')) {
                at = Location::at(file, i + 1 + offset, 1);
            }
        }
        if let Some(col) =
            at.line.checked_sub(offset + 1).and_then(|i| lines.get(i)).and_then(|l| l.find('\\'))
        {
            at.column = lines[at.line - offset - 1][..col].chars().count() + 1;
        }
        diags.push(control_error(at, c));
    }
    Err(diags)
}

/// Links in front matter that would run a script (`javascript:`, `vbscript:`, `data:text/html`
/// in a campaign's `call_to_action.url`, a document's `source_url`, a page's `image`): errors at
/// the value, as the page can only be published once the link is fixed.
fn dangerous_urls(
    m: &PageMatter,
    yaml: &str,
    offset: usize,
    key_lines: &KeyLines,
    file: &str,
) -> Result<(), Diagnostics> {
    let mut urls: Vec<(String, &str)> = Vec::new();
    if let Some(c) = &m.campaign {
        for (id, msg) in &c.audiences.0 {
            if let Some(cta) = &msg.call_to_action {
                urls.push((format!("campaign.audiences.{id}.call_to_action.url"), &cta.url));
            }
        }
    }
    if let Some(u) = m.document.as_ref().and_then(|d| d.source_url.as_deref()) {
        urls.push(("document.source_url".to_string(), u));
    }
    if let Some(u) = m.image.as_deref() {
        urls.push(("image".to_string(), u));
    }
    let lines: Vec<&str> = yaml.lines().collect();
    let mut diags = Diagnostics::new();
    for (key, url) in urls.into_iter().filter(|(_, u)| crate::url::is_dangerous(u)) {
        let mut at = key_lines.locate(file, &key);
        let line = at.line.checked_sub(offset + 1).and_then(|i| lines.get(i));
        if let Some(col) = line.and_then(|l| l.find(url.trim())) {
            at.column = line.map_or(0, |l| l[..col].chars().count()) + 1;
        }
        let shown: String = url.chars().take(40).collect();
        diags.push(
            Diagnostic::error("unsafe-url", at, format!("liên kết nguy hiểm `{shown}` trong `{key}`"))
                .with_hint(
                    "liên kết chỉ được dùng http://, https://, mailto:, đường dẫn trong trang hoặc `@/…`",
                ),
        );
    }
    if diags.is_empty() { Ok(()) } else { Err(diags) }
}

/// Keys written twice in one block mapping, at any depth (serde_yaml reports a duplicate field
/// without a position, and keeps the last value of a free-form map such as `extra:`):
/// (key, line, column, first line), lines relative to the block. List items are mappings of
/// their own; block scalars (`|`, `>`) are skipped; flow mappings (`{a: 1}`) are not looked into.
pub fn duplicate_keys(yaml: &str) -> Vec<(String, usize, usize, usize)> {
    let mut out = Vec::new();
    // Open mappings: (indent of their keys, key → first line).
    let mut scopes: Vec<(usize, std::collections::HashMap<String, usize>)> =
        vec![(0, std::collections::HashMap::new())];
    let mut block_scalar: Option<usize> = None;
    for (i, raw) in yaml.lines().enumerate() {
        let mut body = raw.trim_start_matches(' ');
        let mut indent = raw.len() - body.len();
        if let Some(k) = block_scalar {
            if body.is_empty() || indent > k {
                continue;
            }
            block_scalar = None;
        }
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        // `- key: v`: each list item opens a mapping of its own.
        while let Some(rest) = body.strip_prefix("- ").or_else(|| (body == "-").then_some("")) {
            scopes.retain(|(ind, _)| *ind <= indent);
            let content = rest.trim_start_matches(' ');
            indent += body.len() - content.len();
            scopes.push((indent, std::collections::HashMap::new()));
            body = content;
        }
        scopes.retain(|(ind, _)| *ind <= indent);
        if scopes.last().is_none_or(|(ind, _)| *ind < indent) {
            scopes.push((indent, std::collections::HashMap::new()));
        }
        let Some(colon) = body.find(':') else { continue };
        let key = body[..colon].trim().trim_matches(['"', '\'']);
        let after = &body[colon + 1..];
        if key.is_empty()
            || !(after.is_empty() || after.starts_with([' ', '\t']))
            || !key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            continue;
        }
        if after.trim_start().starts_with(['|', '>']) {
            block_scalar = Some(indent);
        }
        let column = raw[..indent].chars().count() + 1;
        if let Some((_, keys)) = scopes.last_mut() {
            match keys.get(key) {
                Some(&first) => out.push((key.to_string(), i + 1, column, first)),
                None => {
                    keys.insert(key.to_string(), i + 1);
                }
            }
        }
    }
    out
}

/// Turns a serde_yaml error into a diagnostic with a file-absolute position and a hint.
pub fn yaml_error(
    err: &serde_yaml::Error,
    yaml: &str,
    file: &str,
    line_offset: usize,
    known_keys: &[&str],
) -> Diagnostics {
    let raw = err.to_string();
    // serde_yaml appends " at line L column C"; the position is reported separately.
    let message = raw.split(" at line ").next().unwrap_or(&raw).to_string();
    let mut location = match err.location() {
        Some(l) => Location::at(file, l.line() + line_offset, l.column()),
        None => Location::file(file),
    };
    // Errors raised by our own value checks (dates) carry the value quoted as 'x' but serde_yaml
    // positions them at the start of the mapping: point at the value instead.
    if let Some(value) = message.split('\'').nth(1).filter(|v| !v.is_empty())
        && let Some((i, line)) = yaml.lines().enumerate().find(|(_, l)| {
            l.contains(&format!(": {value}"))
                || l.contains(&format!(": '{value}'"))
                || l.contains(&format!(": \"{value}\""))
        })
    {
        let col = line.find(value).map_or(1, |b| line[..b].chars().count() + 1);
        location = Location::at(file, i + 1 + line_offset, col);
    }
    let mut d = Diagnostic::error("front-matter", location, translate_yaml_message(&message));
    if let Some(field) = message.strip_prefix("unknown field `").and_then(|r| r.split('`').next()) {
        d.code = "unknown-field";
        d.message = format!("khóa không hợp lệ `{field}`");
        d = d.with_hint(match did_you_mean(field, known_keys.iter().copied()) {
            Some(s) => format!("có phải ý bạn là `{s}`? (các khóa hợp lệ: {})", known_keys.join(", ")),
            None => format!("các khóa hợp lệ: {}; đặt khóa tự do trong `extra:`", known_keys.join(", ")),
        });
    } else if message.contains("cannot start any token") {
        d = d.with_hint(
            "YAML không cho phép Tab hoặc ký tự này ở đầu giá trị; đặt giá trị trong dấu ngoặc kép",
        );
    } else if message.contains("did not find expected") || message.contains("while parsing") {
        d = d.with_hint("kiểm tra dấu ngoặc, dấu hai chấm và thụt lề ở dòng này; giá trị có dấu `:` hoặc `#` nên đặt trong dấu ngoặc kép");
    } else if message.contains("invalid type") && message.contains("expected a boolean") {
        d = d.with_hint("viết `true` (bật) hoặc `false` (tắt), không có dấu ngoặc kép");
    } else if message.contains("invalid type") {
        d = d.with_hint("sửa kiểu giá trị theo mô tả ở trên (ví dụ danh sách viết `[a, b]`)");
    } else if message.contains("recursion limit") || message.contains("repetition limit") {
        d = d.with_hint("bỏ các tham chiếu `&`/`*` lồng nhau trong phần khai báo");
    } else if message.contains("end of stream") {
        d = d.with_hint(
            "một dấu ngoặc kép `\"`, `'` hoặc ngoặc `[` `{` ở phía trên chưa được đóng; đóng nó trên cùng dòng",
        );
    } else if message.contains("more than one document") {
        d = d.with_hint("phần khai báo chỉ gồm một khối YAML: bỏ dòng `...` hoặc `---` thừa bên trong");
    } else if d.message.starts_with("ngày") || d.message.contains(": ngày") {
        d = d.with_hint("viết ngày dạng `2022-09-15`, hoặc ngày giờ `2022-09-15T08:00:00+07:00`");
    } else if d.message.contains("thiếu khóa") {
        d = d.with_hint("thêm khóa này vào phần khai báo");
    } else {
        d = d.with_hint(
            "sửa cú pháp YAML ở vị trí này; giá trị có dấu `:` hoặc `#` nên đặt trong dấu ngoặc kép",
        );
    }
    d.into()
}

fn translate_yaml_message(m: &str) -> String {
    // serde_yaml prefixes the path of the value (`title: invalid type: …`, `extra.a: …`).
    let (path, rest) = match m.split_once(": ") {
        Some((p, r)) if !p.contains(' ') && !p.is_empty() => (Some(p), r),
        _ => (None, m),
    };
    let at = path.map(|p| format!("`{p}`: ")).unwrap_or_default();
    if let Some(detail) = rest.strip_prefix("invalid type: ") {
        return format!("{at}giá trị sai kiểu ({detail})");
    }
    if let Some(field) = rest.strip_prefix("missing field ") {
        return format!("{at}thiếu khóa {field}");
    }
    if rest.starts_with("ngày") {
        // Our own date check (vi::dates), already in Vietnamese.
        return format!("{at}{rest}");
    }
    format!("lỗi cú pháp YAML: {m}")
}

/// Keys accepted in a page's front matter (for did-you-mean hints).
#[rustfmt::skip]
pub const PAGE_KEYS: &[&str] = &[
    "title", "date", "updated", "summary", "tags", "taxonomies", "audiences", "campaigns", "draft", "publish_at",
    "expire_at", "campaign", "document", "explains", "faq", "glossary", "slug", "aliases", "image", "image_alt",
    "template", "extra",
];

/// Keys accepted in a section's `_index.md`.
pub const SECTION_KEYS: &[&str] = &["title", "kind", "paginate_by", "summary", "template", "draft", "extra"];

/// Parses a whole source file. `is_section` is true for `_index.md`.
pub fn parse_file(text: &str, file: &str, is_section: bool) -> Result<Parsed, Diagnostics> {
    parse_shared(&text.into(), file, is_section)
}

/// [`parse_file`] of a shared text: the body shares it.
pub fn parse_shared(text: &std::sync::Arc<str>, file: &str, is_section: bool) -> Result<Parsed, Diagnostics> {
    let split = split_front_matter(text, file)?;
    let offset = split.yaml_line - 1;
    // Most pages' front matter is in a plain subset read without serde_yaml (and without the
    // checks that guard serde_yaml, which that subset cannot fail).
    let quick = if is_section { None } else { quick::page_matter(split.yaml) };
    let slow = quick.is_none();
    if slow {
        prescan_yaml(split.yaml, file, offset)?;
    }
    let yaml = if split.yaml.trim().is_empty() { "{}" } else { split.yaml };
    let key_lines =
        KeyLines(nested_key_lines(split.yaml).into_iter().map(|(k, l)| (k, l + offset)).collect());
    let matter = if let Some(m) = quick {
        Matter::Page(Box::new(m))
    } else if is_section {
        Matter::Section(
            serde_yaml::from_str::<SectionMatter>(yaml)
                .map_err(|e| yaml_error(&e, yaml, file, offset, SECTION_KEYS))?,
        )
    } else {
        Matter::Page(Box::new(
            serde_yaml::from_str::<PageMatter>(yaml)
                .map_err(|e| yaml_error(&e, yaml, file, offset, PAGE_KEYS))?,
        ))
    };
    if slow && split.yaml.contains('\\') {
        escaped_controls(yaml, file, offset, &key_lines)?;
    }
    if let Matter::Page(m) = &matter {
        dangerous_urls(m, split.yaml, offset, &key_lines, file)?;
    }
    Ok(Parsed {
        file: file.to_string(),
        matter,
        key_lines,
        body: {
            // The body is the end of the text.
            let start = text.len() - split.body.len();
            crate::content::Shared::suffix(text.clone(), start).unwrap_or_else(|| split.body.into())
        },
        body_line: split.body_line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_of(err: &Diagnostics) -> (usize, usize) {
        let l = err.0[0].location.as_ref().expect("located");
        (l.line, l.column)
    }

    #[test]
    fn control_characters_in_front_matter_are_errors_at_their_line_raw_or_escaped() {
        let err = |text: &str| {
            let d = parse_file(text, "content/x.md", false).expect_err(text);
            assert!(d.iter().all(|d| d.code == "control-character"), "{d}");
            d.iter().map(|d| d.location.as_ref().map_or((0, 0), |l| (l.line, l.column))).collect::<Vec<_>>()
        };
        assert_eq!(err("---\ntitle: A\0B\n---\n"), [(2, 9)]);
        assert_eq!(err("---\ntitle: T\nsummary: x\u{1b}[2J\n---\n"), [(3, 11)]);
        assert_eq!(err("---\ntitle: T\nsummary: x\u{85}\n---\n"), [(3, 11)]);
        assert_eq!(err("---\ntitle: \"A\\0B\"\n---\n"), [(2, 10)]);
        assert_eq!(err("---\ntitle: T\ndate: 2022-09-15\nextra:\n  ghi_chu: \"\\e[31m\"\n---\n"), [(5, 13)]);
        assert_eq!(err("---\ntitle: T\nextra: {\"\\a\": 1}\n---\n"), [(3, 10)]);
        assert_eq!(
            err("---\ntitle: T\nfaq:\n  - q: \"Hỏi\\x07\"\n    a: Đáp\n---\n"),
            [(3, 1)],
            "in a list: the list's key"
        );
        // A backslash that is not an escape (plain and single-quoted scalars), tab and newline.
        for ok in
            ["---\ntitle: C:\\new\\a\\b\nsummary: 'x\\0'\n---\n", "---\ntitle: \"Tab\\there\\nline\"\n---\n"]
        {
            assert!(parse_file(ok, "content/x.md", false).is_ok(), "{ok}");
        }
    }

    #[test]
    fn script_links_in_call_to_action_source_url_and_image_are_errors_at_the_value() {
        let campaign = "---\ntitle: T\ncampaign:\n  starts: 2022-09-15\n  ends: 2022-10-15\n  audiences:\n    gia-dinh:\n      headline: H\n      call_to_action:\n        label: L\n        url: \"  JavaScript:alert(1)\"\n    hoc-sinh:\n      headline: H\n      call_to_action: {label: L, url: \"vbscript:x\"}\n---\n";
        let d = parse_file(campaign, "content/c.md", false).expect_err("javascript: in a CTA");
        let at: Vec<(usize, usize)> =
            d.iter().map(|d| d.location.as_ref().map_or((0, 0), |l| (l.line, l.column))).collect();
        assert_eq!(at, [(11, 17), (14, 40)], "{d}");
        assert!(d.iter().all(|d| d.code == "unsafe-url" && d.is_error()), "{d}");
        let doc = "---\ntitle: T\ndocument:\n  code: 49-KL/TW\n  source_url: javascript:alert(1)\n---\n";
        let d = parse_file(doc, "content/d.md", false).expect_err("javascript: in source_url");
        assert_eq!(line_of(&d), (5, 15));
        let image = "---\ntitle: T\nimage: data:text/html,<script>alert(1)</script>\n---\n";
        assert_eq!(line_of(&parse_file(image, "content/i.md", false).expect_err("image")), (3, 8));
        let fine = "---\ntitle: T\ndocument:\n  code: 49-KL/TW\n  source_url: https://tulieuvankien.dangcongsan.vn/x\n---\n";
        assert!(parse_file(fine, "content/d.md", false).is_ok());
    }

    #[test]
    fn the_body_shares_the_file_text() {
        let text: std::sync::Arc<str> = "---\ntitle: Khuyến học\n---\nXã hội học tập\n".into();
        let p = parse_shared(&text, "f", false).expect("parses");
        assert_eq!(&*p.body, "Xã hội học tập\n");
        assert_eq!(p.body.as_ptr(), text[text.len() - p.body.len()..].as_ptr(), "not a copy");
        assert_eq!(p.body_line, 4);
        assert!(crate::content::Shared::suffix(text.clone(), 16).is_none(), "inside ế");
        assert_eq!(&*crate::content::Shared::suffix(text.clone(), text.len()).expect("the end"), "");
    }

    #[test]
    fn split_finds_body_line_after_blank_lines() {
        let s = split_front_matter("\n\n---\ntitle: a\n---\nbody\n", "f").expect("ok");
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.yaml_line, 4);
        assert_eq!(s.body_line, 6);
        assert_eq!(s.body, "body\n");
    }

    #[test]
    fn unclosed_front_matter_names_the_opening_line() {
        let e = split_front_matter("---\ntitle: a\nbody\n", "f").unwrap_err();
        assert!(e.message.contains("dòng 1"), "{e}");
        assert!(e.hint.as_deref().unwrap_or("").contains("---"));
    }

    #[test]
    fn bom_is_stripped_and_crlf_is_lf() {
        let t = decode_text(b"\xEF\xBB\xBF---\r\ntitle: a\r\n---\r\nx\r\n", "f").expect("ok");
        assert_eq!(t, "---\ntitle: a\n---\nx\n");
        // Line ends and the Unicode form are both mended, in either order of need.
        let nfd = "ho\u{300}a\r\n";
        assert_eq!(decode_text(nfd.as_bytes(), "f").expect("ok"), "h\u{f2}a\n");
    }

    #[test]
    fn invalid_utf8_names_line_and_byte() {
        let e = decode_text(b"---\ntitle: a\n---\n\nab\xFFc\n", "f").unwrap_err();
        let l = e.location.as_ref().expect("loc");
        assert_eq!((l.line, l.column), (5, 3));
        assert!(e.message.contains("0xFF"));
    }

    #[test]
    fn utf16_is_recognised() {
        let e = decode_text(b"\xFF\xFE-\x00", "f").unwrap_err();
        assert!(e.message.contains("UTF-16"));
    }

    #[test]
    fn yaml_error_positions_are_file_absolute() {
        let e = parse_file("\n---\ntitle: T\ntags: [a\n---\n", "f", false).unwrap_err();
        assert_eq!(line_of(&e).0, 5, "{e}");
    }

    #[test]
    fn bad_date_points_at_the_value() {
        let e = parse_file("---\ntitle: T\ndate: yesterday\n---\n", "f", false).unwrap_err();
        assert_eq!(line_of(&e).0, 3, "{e}");
        assert!(e.0[0].message.contains("yesterday"), "{e}");
    }

    #[test]
    fn duplicate_keys_name_both_lines() {
        let e = parse_file("---\ntitle: a\ndate: 2022-01-01\ntitle: b\n---\n", "f", false).unwrap_err();
        assert_eq!(line_of(&e).0, 4);
        assert!(e.0[0].message.contains("dòng 2"), "{e}");
    }

    #[test]
    fn nested_duplicate_keys_are_found_but_not_across_list_items_or_in_block_scalars() {
        let yaml = "title: a\nextra:\n  a: 1\n  b:\n    a: 2\n  a: 3\nfaq:\n  - q: x\n    a: y\n  - q: z\n    a: w\nsummary: |\n  k: 1\n  k: 2\n";
        let d = duplicate_keys(yaml);
        assert_eq!(d, vec![("a".to_string(), 6, 3, 3)]);
        let e = parse_file(&format!("---\n{yaml}---\n"), "f", false).unwrap_err();
        assert_eq!(line_of(&e), (7, 3));
        assert!(e.0[0].message.contains("dòng 4"), "{e}");
    }

    #[test]
    fn alias_bombs_are_refused_before_serde_yaml_but_stars_in_text_are_not_aliases() {
        let mut yaml = String::from("title: T\nextra:\n  a0: &a0 [x, x]\n");
        for i in 1..=9 {
            let p = i - 1;
            yaml.push_str(&format!("  a{i}: &a{i} [*a{p}, *a{p}, *a{p}]\n"));
        }
        let e = prescan_yaml(&yaml, "f", 0).unwrap_err();
        assert!(e.0[0].message.contains("tham chiếu"), "{e}");
        assert!(prescan_yaml("summary: Đây là *quan trọng* * 3 *x\ntags: [a*b]\n", "f", 0).is_ok());
    }

    #[test]
    fn nesting_bomb_is_refused_quickly() {
        let bomb = format!("---\ntitle: {}\n---\n", "[".repeat(100_000));
        let t = std::time::Instant::now();
        assert!(parse_file(&bomb, "f", false).is_err());
        // Generous bound: serde_yaml alone takes ~20 s on this input.
        assert!(t.elapsed().as_secs() < 5);
    }

    #[test]
    fn tab_indentation_has_a_hint() {
        let e = parse_file("---\ntitle: a\nextra:\n\tx: 1\n---\n", "f", false).unwrap_err();
        assert_eq!(line_of(&e), (4, 1));
        assert!(e.0[0].hint.as_deref().unwrap_or("").contains("Tab"));
    }

    #[test]
    fn multibyte_text_before_quotes_and_hashes() {
        // Regression: the pre-scan sliced at a char index inside `ê`.
        assert!(parse_file("---\ntitle: Bài đầu tiên & \"trích dẫn\" #x\n---\n", "f", false).is_ok());
    }

    #[test]
    fn nested_keys_have_dotted_paths() {
        let k = nested_key_lines(
            "title: a\ncampaign:\n  starts: x\n  audiences:\n    gia-dinh:\n      headline: h\ntags: [a]\n",
        );
        let paths: Vec<&str> = k.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "title",
                "campaign",
                "campaign.starts",
                "campaign.audiences",
                "campaign.audiences.gia-dinh",
                "campaign.audiences.gia-dinh.headline",
                "tags"
            ]
        );
        assert_eq!(k[4].1, 5);
    }

    #[test]
    fn title_scalars() {
        let ok = |s: &str| parse_file(&format!("---\ntitle: {s}\n---\n"), "f", false);
        assert!(ok("no").is_ok(), "`no` is a string in YAML 1.2");
        assert!(ok("2022").is_ok());
        assert!(ok("1.0").is_err());
        assert!(ok("[1, 2]").is_err());
    }
}
