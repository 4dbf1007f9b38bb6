//! The guards around serde_yaml and the translation of what it says.
//!
//! Takes: a YAML block with the file line it starts at, and, once serde_yaml has read a page,
//! its front matter and key lines.
//! Gives: the limits front matter is held to (`MAX_FRONT_MATTER`, `MAX_ALIASES`,
//! `MAX_NESTING`); `prescan_yaml`, the checks run before serde_yaml (size, nesting, aliases,
//! tabs, control characters, duplicate keys); `yaml_error`, serde_yaml's errors as Vietnamese
//! diagnostics with file-absolute positions; and the checks of read values (control
//! characters written as escapes, links that would run a script).
//! Must not: parse a whole file (that is the stage entry) or import it.

use crate::content::{KeyLines, PageMatter};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, did_you_mean};

use super::keys::duplicate_keys;

/// Front matter larger than this is refused before it reaches the YAML parser.
pub const MAX_FRONT_MATTER: usize = 64 * 1024;
/// Most `*alias` references accepted in front matter: a few levels of aliases of aliases expand
/// exponentially (a "billion laughs" bomb), and editors have no use for many.
pub const MAX_ALIASES: usize = 16;
/// Deepest `[`/`{` nesting or indentation level accepted in front matter.
pub const MAX_NESTING: usize = 32;

/// Checks applied before serde_yaml sees the text: size, nesting depth, aliases, tab
/// indentation, control characters and keys written twice in one mapping (`duplicate_keys`).
/// `line_offset` is added to block-relative lines.
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
pub(super) fn escaped_controls(
    yaml: &str,
    file: &str,
    offset: usize,
    key_lines: &KeyLines,
) -> Result<(), Diagnostics> {
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
pub(super) fn dangerous_urls(
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
    // A key unknown below the top (`languages.km: unknown field …`): the keys accepted there
    // are those serde lists (`expected one of `a`, `b``).
    let nested = message.split_once(": unknown field `").filter(|(path, _)| !path.contains(' '));
    let nested_keys: Vec<&str> = nested
        .and_then(|(_, rest)| rest.split_once("expected one of "))
        .map(|(_, list)| list.split(", ").map(|k| k.trim_matches('`')).collect())
        .unwrap_or_default();
    let (field, known_keys) = match nested {
        Some((path, rest)) if !nested_keys.is_empty() => {
            (rest.split('`').next().map(|f| (f, Some(path))), nested_keys.as_slice())
        }
        _ => (
            message.strip_prefix("unknown field `").and_then(|r| r.split('`').next()).map(|f| (f, None)),
            known_keys,
        ),
    };
    if let Some((field, path)) = field {
        d.code = "unknown-field";
        d.message = match path {
            Some(path) => format!("khóa không hợp lệ `{field}` trong `{path}`"),
            None => format!("khóa không hợp lệ `{field}`"),
        };
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
        // Our own date check: its hint is the value's (`28/2/2026` for `31/2/2026`).
        let hint =
            message.split('\'').nth(1).and_then(|value| crate::vi::dates::parse(value).err()).map_or_else(
                || "viết ngày dạng `15/11/2026` (ngày/tháng/năm) hoặc `15/11/2026 08:00`".to_string(),
                |e| e.hint,
            );
        d = d.with_hint(hint);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_file;
    use crate::parse::tests::line_of;

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
    fn a_date_that_does_not_exist_has_the_value_corrected_in_its_hint() {
        let e = parse_file("---\ntitle: T\ndate: 31/2/2026 08:00\n---\n", "f", false).unwrap_err();
        assert_eq!(line_of(&e), (3, 7), "{e}");
        assert_eq!(
            e.0[0].message,
            "ngày không hợp lệ '31/2/2026 08:00': ngày 31 tháng 2 năm 2026 không có: tháng 2 năm 2026 chỉ có 28 ngày"
        );
        assert_eq!(e.0[0].hint.as_deref(), Some("ngày cuối của tháng 2 năm 2026 là `28/2/2026 08:00`"));
        let campaign = "---\ntitle: T\ncampaign:\n  starts: 2026/11/15\n  ends: 30/11/2026\n---\n";
        let e = parse_file(campaign, "f", false).unwrap_err();
        assert_eq!(line_of(&e), (4, 11), "{e}");
        assert_eq!(
            e.0[0].message,
            "`campaign`: ngày không hợp lệ '2026/11/15': năm viết trước với dấu `/`: không rõ đâu là tháng, đâu là ngày"
        );
        assert_eq!(
            e.0[0].hint.as_deref(),
            Some("nếu là ngày 15 tháng 11 năm 2026, viết `15/11/2026` hoặc `2026-11-15`")
        );
        let document = "---\ntitle: T\ndocument:\n  code: 49-KL/TW\n  issued: '10/5/19'\n---\n";
        let e = parse_file(document, "f", false).unwrap_err();
        assert_eq!(line_of(&e), (5, 12), "{e}");
        assert_eq!(e.0[0].hint.as_deref(), Some("viết năm đủ 4 chữ số, như `10/5/2019`"));
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
}
