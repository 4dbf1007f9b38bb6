//! Longer than 600 lines: one grammar (the calls, their checks against the specs, the
//! placeholders) with its tests, which are a third of it.
//! Shortcodes: Tera-style calls written in a body, `{{ youtube(id="…") }}` and
//! `{% trich_dan(nguon="…") %}…{% end %}`, as in Zola.
//!
//! Takes: a body (before pulldown-cmark turns it into HTML), the site's shortcodes (their names
//! and arguments, and a way to render one: [`Shortcodes`], given by the recipe from the theme's
//! and the site's `templates/shortcodes/`), a way to check a link or image address (the render
//! loop's) and a way to render a block shortcode's body as Markdown.
//! Gives: the body with each call replaced by a placeholder (same lines, mostly same columns),
//! the HTML each call rendered to, and the placeholders filled in a finished HTML.
//! Must not: touch calls inside code spans or code blocks, write HTML of its own, or let an
//! argument inject markup: arguments reach the templates as values (escaped by Tera),
//! addresses go through the same check as Markdown links (`javascript:` is refused), and a
//! block's body is Markdown rendered under the body's raw HTML policy.
//! Errors (unknown shortcode, unknown or missing argument, wrong type, unclosed block) are at
//! file:line:col of the call, with a did-you-mean and the accepted arguments; the call is left
//! out of the page (and the build fails).

use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::lines::Lines;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};

/// The type an argument takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// A string (`"…"`).
    Text,
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// Any of them.
    Any,
}

impl ArgKind {
    /// The kind as editors read it.
    fn vi(self) -> &'static str {
        match self {
            ArgKind::Text => "chuỗi trong ngoặc kép (\"…\")",
            ArgKind::Bool => "true hoặc false",
            ArgKind::Integer => "số nguyên",
            ArgKind::Number => "số",
            ArgKind::Any => "giá trị",
        }
    }
}

/// One argument a shortcode accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct ArgSpec {
    /// Its name.
    pub name: String,
    /// Its type.
    pub kind: ArgKind,
    /// It must be given.
    pub required: bool,
}

/// A shortcode: its name and the arguments it accepts, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortcodeSpec {
    /// Its name (`youtube`).
    pub name: String,
    /// Its arguments.
    pub args: Vec<ArgSpec>,
}

impl ShortcodeSpec {
    /// The accepted arguments as editors read them: `id (bắt buộc), tieu_de`.
    pub fn accepted(&self) -> String {
        if self.args.is_empty() {
            return "không nhận tham số nào".to_string();
        }
        let list: Vec<String> = self
            .args
            .iter()
            .map(|a| if a.required { format!("{} (bắt buộc)", a.name) } else { a.name.clone() })
            .collect();
        format!("tham số nhận: {}", list.join(", "))
    }
}

/// An argument's value as written.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgValue {
    /// `"…"` or `'…'`.
    Text(String),
    /// `true`, `false`.
    Bool(bool),
    /// `12`, `-3`.
    Integer(i64),
    /// `1.5`.
    Number(f64),
}

impl ArgValue {
    fn fits(&self, kind: ArgKind) -> bool {
        matches!(
            (self, kind),
            (_, ArgKind::Any)
                | (ArgValue::Text(_), ArgKind::Text)
                | (ArgValue::Bool(_), ArgKind::Bool)
                | (ArgValue::Integer(_), ArgKind::Integer | ArgKind::Number)
                | (ArgValue::Number(_), ArgKind::Number)
        )
    }
}

/// The site's shortcodes (the render stage gives them, from Tera components).
pub trait Shortcodes: Sync + std::fmt::Debug {
    /// Every shortcode, by name.
    fn specs(&self) -> &BTreeMap<String, ShortcodeSpec>;
    /// Renders a call whose arguments were checked against its spec. `body` is HTML (a block's
    /// Markdown, rendered). An `Err` is a message for editors (Vietnamese; an English
    /// technical detail may follow).
    fn render(&self, name: &str, args: &[(String, ArgValue)], body: Option<&str>) -> Result<String, String>;
    /// The size in bytes of the local file at a site URL (`/tai-lieu/a.pdf`) as a call would
    /// show it (`tai_ve`), if there is one: part of the memo key of the bodies that name it.
    fn file_size(&self, _url: &str) -> Option<u64> {
        None
    }
}

/// Arguments whose value is an address: checked and resolved as a Markdown link is (bundle
/// files made absolute, dangerous schemes refused, local targets checked once the site is
/// made). `anh` is an image.
pub const ADDRESS_ARGS: [(&str, bool); 5] =
    [("anh", true), ("tep", false), ("url", false), ("lien_ket", false), ("phu_de", false)];

/// How deep block shortcodes may nest inside each other's bodies.
pub const MAX_DEPTH: usize = 8;

/// Opens a placeholder in the body given to pulldown-cmark (a private-use character: kept as
/// text, never escaped).
const OPEN: char = '\u{E000}';
/// Closes a placeholder.
const CLOSE: char = '\u{E001}';

/// A body whose shortcode calls were replaced by placeholders.
#[derive(Debug, Default)]
pub(super) struct Expanded {
    /// The body for pulldown-cmark.
    pub(super) source: String,
    /// What each placeholder stands for: its HTML, and whether the call stood alone on its
    /// line(s) (a block: its paragraph is taken away).
    pub(super) outputs: Vec<(String, bool)>,
    /// The plain text of block bodies (for search).
    pub(super) text: String,
}

/// What the render loop lends to the expansion.
pub(super) struct Hooks<'a> {
    /// Checks an address written at a byte of the body: (address, image, byte) → the address
    /// to write.
    pub(super) address: &'a mut dyn FnMut(&str, bool, usize) -> String,
    /// Renders a block's body, written from a byte of the body: (Markdown, byte) → (HTML, plain
    /// text), its diagnostics joining the body's.
    pub(super) body: &'a mut dyn FnMut(&str, usize) -> (String, String),
    /// How many block shortcodes the body is inside.
    pub(super) depth: usize,
}

/// A call found in the body.
#[derive(Debug)]
struct Call {
    /// Its name.
    name: String,
    /// Where the name is.
    name_at: usize,
    /// Its arguments with where each is written.
    args: Vec<(String, ArgValue, usize)>,
    /// From its `{{`/`{%` to its `}}`/`%}` (or its `{% end %}`).
    range: Range<usize>,
    /// A block's body.
    body: Option<Range<usize>>,
}

/// A problem in a call: where, what, what to do.
type Problem = (usize, String, String);

/// Replaces the calls of `body` by placeholders. `None` when it has none (most bodies: only
/// those with `{{` or `{%` are looked at further).
pub(super) fn expand(
    body: &str,
    shortcodes: &dyn Shortcodes,
    lines: &Lines<'_>,
    hooks: Hooks<'_>,
    options: pulldown_cmark::Options,
    diagnostics: &mut Diagnostics,
) -> Option<Expanded> {
    if !body.contains("{{") && !body.contains("{%") {
        return None;
    }
    let code = code_ranges(body, options);
    let mut calls = Vec::new();
    let mut at = 0;
    while let Some(found) = next_open(body, at) {
        if let Some(r) = code.iter().find(|r| r.contains(&found)) {
            at = r.end.max(found + 2);
            continue;
        }
        match parse_call(body, found, &code) {
            Ok(None) => at = found + 2,
            Ok(Some(call)) => {
                at = call.range.end;
                calls.push(call);
            }
            Err((pos, message, hint)) => {
                diagnostics.push(Diagnostic::error("shortcode", lines.at(pos), message).with_hint(hint));
                at = found + 2;
            }
        }
    }
    if calls.is_empty() {
        return None;
    }
    // Private-use characters written in the text could pose as placeholders: each becomes
    // U+FFFD (as long in UTF-8, so every offset stays).
    let clean = body.replace([OPEN, CLOSE], "\u{FFFD}");
    let mut out = Expanded { source: String::with_capacity(body.len()), ..Expanded::default() };
    let mut last = 0;
    let Hooks { address, body: render_body, depth } = hooks;
    for call in calls {
        if depth + 1 >= MAX_DEPTH && call.body.is_some() {
            diagnostics.push(
                Diagnostic::error(
                    "shortcode",
                    lines.at(call.name_at),
                    "khối shortcode lồng nhau quá nhiều cấp",
                )
                .with_hint(format!("một khối shortcode chỉ chứa được {MAX_DEPTH} cấp khối lồng nhau")),
            );
            out.outputs.push((String::new(), true));
            out.source.push_str(&clean[last..call.range.start]);
            out.source.push_str(&placeholder(out.outputs.len() - 1, 0));
            out.source.extend(std::iter::repeat_n('\n', body[call.range.clone()].matches('\n').count()));
            last = call.range.end;
            continue;
        }
        let html =
            render_call(&call, body, shortcodes, lines, address, render_body, &mut out.text, diagnostics);
        let block = stands_alone(body, &call.range);
        if !block && html.as_deref().is_some_and(is_block_html) {
            diagnostics.push(
                Diagnostic::warning(
                    "shortcode",
                    lines.at(call.name_at),
                    format!(
                        "shortcode `{}` tạo một khối (video, hình, hộp…) nhưng được viết giữa một đoạn văn",
                        call.name
                    ),
                )
                .with_hint("đặt nó trên một dòng riêng, có dòng trống trước và sau"),
            );
        }
        let index = out.outputs.len();
        out.outputs.push((html.unwrap_or_default(), block));
        out.source.push_str(&clean[last..call.range.start]);
        let written = &body[call.range.clone()];
        let first_line = written.split('\n').next().map_or(0, str::len);
        out.source.push_str(&placeholder(index, first_line));
        out.source.extend(std::iter::repeat_n('\n', written.matches('\n').count()));
        last = call.range.end;
    }
    out.source.push_str(&clean[last..]);
    Some(out)
}

/// Fills the placeholders of `html` with their outputs; a block's paragraph (`<p>…</p>` around
/// nothing but its placeholder) is taken away.
pub(super) fn fill(html: &str, outputs: &[(String, bool)]) -> String {
    let mut out = String::with_capacity(html.len() + outputs.iter().map(|(h, _)| h.len()).sum::<usize>());
    let mut rest = html;
    while let Some(i) = rest.find(OPEN) {
        let after = &rest[i + OPEN.len_utf8()..];
        let Some(j) = after.find(CLOSE) else { break };
        let Some((output, block)) = after[..j].parse::<usize>().ok().and_then(|n| outputs.get(n)) else {
            out.push_str(&rest[..i + OPEN.len_utf8()]);
            rest = after;
            continue;
        };
        let tail = &after[j + CLOSE.len_utf8()..];
        if *block && rest[..i].ends_with("<p>") && tail.starts_with("</p>") {
            out.push_str(&rest[..i - 3]);
            out.push_str(output);
            rest = tail["</p>".len()..].strip_prefix('\n').unwrap_or(&tail["</p>".len()..]);
            out.push('\n');
        } else {
            out.push_str(&rest[..i]);
            out.push_str(output);
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// `text` without its placeholders.
pub(super) fn strip(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for c in text.chars() {
        match c {
            OPEN => inside = true,
            CLOSE => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// True when `text` is one placeholder and nothing else (a paragraph that holds only a block
/// shortcode is not the page's first paragraph).
pub(super) fn is_placeholder(text: &str) -> bool {
    text.trim()
        .strip_prefix(OPEN)
        .and_then(|t| t.strip_suffix(CLOSE))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// True for HTML that opens with a block element (it cannot stand inside a paragraph).
fn is_block_html(html: &str) -> bool {
    let html = html.trim_start();
    ["<figure", "<div", "<blockquote", "<aside", "<p", "<section", "<ul", "<ol", "<table", "<h"].iter().any(
        |tag| {
            html.strip_prefix(tag).is_some_and(|rest| {
                rest.starts_with([' ', '>', '\n'])
                    || tag.len() == 2 && rest.starts_with(|c: char| c.is_ascii_digit())
            })
        },
    )
}

/// Placeholder `index`, zero-padded to `len` bytes when it can be (columns after it on its
/// line stay right).
fn placeholder(index: usize, len: usize) -> String {
    let digits = index.to_string();
    let frame = OPEN.len_utf8() + CLOSE.len_utf8();
    let pad = len.saturating_sub(frame + digits.len());
    format!("{OPEN}{}{digits}{CLOSE}", "0".repeat(pad))
}

/// The byte ranges of code spans and code blocks (shortcodes there are text).
fn code_ranges(body: &str, options: pulldown_cmark::Options) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut iter = Parser::new_ext(body, options).into_offset_iter();
    while let Some((event, range)) = iter.next() {
        match event {
            Event::Code(_) => ranges.push(range),
            Event::Start(Tag::CodeBlock(_)) => {
                for (e, _) in iter.by_ref() {
                    if matches!(e, Event::End(TagEnd::CodeBlock)) {
                        break;
                    }
                }
                ranges.push(range);
            }
            _ => {}
        }
    }
    ranges
}

/// The next `{{` or `{%` from byte `from`.
fn next_open(body: &str, from: usize) -> Option<usize> {
    let rest = body.get(from..)?;
    let mut at = 0;
    while let Some(i) = rest[at..].find('{') {
        let pos = at + i;
        if matches!(rest.as_bytes().get(pos + 1), Some(b'{' | b'%')) {
            return Some(from + pos);
        }
        at = pos + 1;
    }
    None
}

/// True when nothing but white space is before `range` on its first line and after it on its
/// last line.
fn stands_alone(body: &str, range: &Range<usize>) -> bool {
    let line_start = body[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = body[range.end..].find('\n').map_or(body.len(), |i| range.end + i);
    body[line_start..range.start].trim().is_empty() && body[range.end..line_end].trim().is_empty()
}

/// A cursor over the bytes of a call.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl Cursor<'_> {
    fn skip_space(&mut self) {
        while self.text.as_bytes().get(self.at).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.text[self.at..].starts_with(s) {
            self.at += s.len();
            true
        } else {
            false
        }
    }

    /// A name (letters with or without diacritics, digits, `_`; not starting with a digit):
    /// `tiêu_đề` is read whole, for a did-you-mean to `tieu_de`.
    fn ident(&mut self) -> Option<&str> {
        let start = self.at;
        let rest = &self.text[start..];
        if !rest.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_') {
            return None;
        }
        let len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        self.at += len;
        Some(&self.text[start..self.at])
    }

    /// A value: a string, `true`/`false` or a number.
    fn value(&mut self) -> Result<ArgValue, Problem> {
        let start = self.at;
        let rest = &self.text[self.at..];
        if let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) {
            let mut s = String::new();
            let mut chars = rest[1..].char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some((_, 'n')) => s.push('\n'),
                        Some((_, c)) => s.push(c),
                        None => break,
                    },
                    c if c == quote => {
                        self.at += 1 + i + 1;
                        return Ok(ArgValue::Text(s));
                    }
                    c => s.push(c),
                }
            }
            return Err((
                start,
                format!("chuỗi mở bằng `{quote}` ở đây chưa được đóng"),
                format!("thêm `{quote}` ở cuối giá trị (trong chuỗi, viết `\\{quote}` cho dấu {quote})"),
            ));
        }
        if self.eat("true") {
            return Ok(ArgValue::Bool(true));
        }
        if self.eat("false") {
            return Ok(ArgValue::Bool(false));
        }
        let len = rest
            .char_indices()
            .take_while(|(i, c)| c.is_ascii_digit() || *c == '.' || (*i == 0 && *c == '-'))
            .count();
        let number = &rest[..len];
        if let Ok(n) = number.parse::<i64>() {
            self.at += len;
            return Ok(ArgValue::Integer(n));
        }
        if let Ok(n) = number.parse::<f64>() {
            self.at += len;
            return Ok(ArgValue::Number(n));
        }
        Err((
            start,
            "giá trị của tham số không đọc được".to_string(),
            "viết chuỗi trong ngoặc kép (`tieu_de=\"…\"`), một số (`12`) hoặc true/false".to_string(),
        ))
    }
}

/// The call at byte `at` (`{{` or `{%`): `None` when it is no call (`{{ x }}` written as text).
fn parse_call(body: &str, at: usize, code: &[Range<usize>]) -> Result<Option<Call>, Problem> {
    let block = body[at..].starts_with("{%");
    let close = if block { "%}" } else { "}}" };
    let mut c = Cursor { text: body, at: at + 2 };
    c.skip_space();
    let name_at = c.at;
    let Some(name) = c.ident().map(str::to_string) else { return Ok(None) };
    c.skip_space();
    if !c.eat("(") {
        return Ok(None);
    }
    let mut args: Vec<(String, ArgValue, usize)> = Vec::new();
    loop {
        c.skip_space();
        if c.eat(")") {
            break;
        }
        let arg_at = c.at;
        let Some(arg) = c.ident().map(str::to_string) else {
            return Err((
                c.at,
                format!("shortcode `{name}`: cần tên tham số hoặc `)` ở đây"),
                "viết các tham số dạng `ten=\"giá trị\"`, cách nhau bằng dấu phẩy, rồi đóng bằng `)`"
                    .to_string(),
            ));
        };
        c.skip_space();
        if !c.eat("=") {
            return Err((
                c.at,
                format!("shortcode `{name}`: thiếu `=` sau tham số `{arg}`"),
                format!("viết `{arg}=\"giá trị\"`"),
            ));
        }
        c.skip_space();
        let value = c.value()?;
        if args.iter().any(|(a, _, _)| *a == arg) {
            return Err((
                arg_at,
                format!("shortcode `{name}`: tham số `{arg}` được viết hai lần"),
                "giữ một lần".into(),
            ));
        }
        args.push((arg, value, arg_at));
        c.skip_space();
        if c.eat(",") {
            continue;
        }
        c.skip_space();
        if c.eat(")") {
            break;
        }
        return Err((
            c.at,
            format!("shortcode `{name}`: cần `,` hoặc `)` ở đây"),
            "các tham số cách nhau bằng dấu phẩy; đóng danh sách bằng `)`".to_string(),
        ));
    }
    c.skip_space();
    if !c.eat(close) {
        return Err((
            at,
            format!("shortcode `{name}` chưa được đóng bằng `{close}`"),
            format!("viết `{close}` ngay sau `)`"),
        ));
    }
    let open_end = c.at;
    if !block {
        return Ok(Some(Call { name, name_at, args, range: at..open_end, body: None }));
    }
    // The body runs to the matching `{% end %}` (block calls inside it nest).
    let mut depth = 1;
    let mut from = open_end;
    while let Some(next) = next_open(body, from) {
        if let Some(r) = code.iter().find(|r| r.contains(&next)) {
            from = r.end.max(next + 2);
            continue;
        }
        if !body[next..].starts_with("{%") {
            from = next + 2;
            continue;
        }
        let mut e = Cursor { text: body, at: next + 2 };
        e.skip_space();
        if e.eat("end") {
            e.skip_space();
            if e.eat("%}") {
                depth -= 1;
                if depth == 0 {
                    return Ok(Some(Call {
                        name,
                        name_at,
                        args,
                        range: at..e.at,
                        body: Some(open_end..next),
                    }));
                }
                from = e.at;
                continue;
            }
        }
        let mut o = Cursor { text: body, at: next + 2 };
        o.skip_space();
        if o.ident().is_some() {
            o.skip_space();
            if o.eat("(") {
                depth += 1;
            }
        }
        from = next + 2;
    }
    Err((
        at,
        format!("khối shortcode `{name}` mở ở đây chưa được đóng"),
        "thêm `{% end %}` ở chỗ nội dung của khối kết thúc".to_string(),
    ))
}

/// Checks a call against its spec and renders it: its HTML, or `None` after an error.
#[allow(clippy::too_many_arguments)]
fn render_call(
    call: &Call,
    body: &str,
    shortcodes: &dyn Shortcodes,
    lines: &Lines<'_>,
    address: &mut dyn FnMut(&str, bool, usize) -> String,
    render_body: &mut dyn FnMut(&str, usize) -> (String, String),
    text: &mut String,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    let specs = shortcodes.specs();
    let error = |at: usize, message: String, hint: String| {
        Diagnostic::error("shortcode", lines.at(at), message).with_hint(hint)
    };
    let Some(spec) = specs.get(&call.name) else {
        let known: Vec<&str> = specs.keys().map(String::as_str).collect();
        let hint = match did_you_mean(&call.name, known.iter().copied()) {
            Some(s) => format!("có phải ý bạn là `{s}`? (các shortcode: {})", known.join(", ")),
            None if known.is_empty() => {
                "trang web này chưa có shortcode nào (mỗi shortcode là một tệp templates/shortcodes/<tên>.html; giao diện loa có sẵn youtube, facebook_video, video, figure, trich_dan, tai_ve, callout); để viết nguyên văn, đặt nó trong dấu `…`".to_string()
            }
            None => format!("các shortcode: {}", known.join(", ")),
        };
        diagnostics.push(error(call.name_at, format!("không có shortcode `{}`", call.name), hint));
        return None;
    };
    let mut ok = true;
    let mut args: Vec<(String, ArgValue)> = Vec::with_capacity(call.args.len());
    for (name, value, at) in &call.args {
        let Some(arg) = spec.args.iter().find(|a| a.name == *name) else {
            // `tiêu_đề` for `tieu_de`: names are compared without diacritics.
            let folded = crate::vi::fold::fold(name);
            let hint = match did_you_mean(&folded, spec.args.iter().map(|a| a.name.as_str())) {
                Some(s) => format!("có phải ý bạn là `{s}`? ({})", spec.accepted()),
                None => spec.accepted(),
            };
            diagnostics.push(error(
                *at,
                format!("shortcode `{}` không có tham số `{name}`", spec.name),
                hint,
            ));
            ok = false;
            continue;
        };
        if !value.fits(arg.kind) {
            diagnostics.push(error(
                *at,
                format!("tham số `{name}` của shortcode `{}` phải là {}", spec.name, arg.kind.vi()),
                spec.accepted(),
            ));
            ok = false;
            continue;
        }
        let value = match (value, ADDRESS_ARGS.iter().find(|(n, _)| n == name)) {
            (ArgValue::Text(url), Some((_, image))) => ArgValue::Text(address(url, *image, *at)),
            (v, _) => v.clone(),
        };
        args.push((name.clone(), value));
    }
    for arg in spec.args.iter().filter(|a| a.required) {
        if !call.args.iter().any(|(n, _, _)| *n == arg.name) {
            diagnostics.push(error(
                call.name_at,
                format!("shortcode `{}` thiếu tham số `{}`", spec.name, arg.name),
                spec.accepted(),
            ));
            ok = false;
        }
    }
    let inner = call.body.as_ref().map(|r| {
        let (html, plain) = render_body(&body[r.clone()], r.start);
        text.push_str(&plain);
        text.push('\n');
        html
    });
    if !ok {
        return None;
    }
    match shortcodes.render(&spec.name, &args, inner.as_deref()) {
        Ok(html) => Some(html),
        Err(message) => {
            diagnostics.push(error(
                call.name_at,
                format!("shortcode `{}`: {message}", spec.name),
                format!("xem lại các tham số ({})", spec.accepted()),
            ));
            None
        }
    }
}

/// The files the calls of `body` name in `tep` (as written, nested calls included): a body
/// whose HTML shows a file's size (`tai_ve`) depends on those files, and the memo keys it by
/// them. Empty when the body has no call.
pub fn named_files(body: &str, options: pulldown_cmark::Options) -> Vec<String> {
    if !body.contains("{{") && !body.contains("{%") {
        return Vec::new();
    }
    let code = code_ranges(body, options);
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = next_open(body, at) {
        at = found + 2;
        if let Some(r) = code.iter().find(|r| r.contains(&found)) {
            at = r.end.max(at);
            continue;
        }
        // From just after the opening, not after the call: a block's own calls are named too.
        if let Ok(Some(call)) = parse_call(body, found, &code) {
            out.extend(call.args.into_iter().filter_map(|(n, v, _)| match v {
                ArgValue::Text(t) if n == "tep" => Some(t),
                _ => None,
            }));
        }
    }
    out
}

/// `body` as it is read aloud (the loudspeaker scripts, `super::speech`): each call replaced
/// by what a listener should hear, every line kept where it was. A figure is its caption
/// (`chu_thich`), a quotation its source then its words, a box its title then its words, a
/// download its label; a video and any other call are left out. `None` when the body has no
/// call. Calls that do not parse are left as written (the Markdown stage reports them).
pub fn spoken(body: &str, options: pulldown_cmark::Options) -> Option<String> {
    if !body.contains("{{") && !body.contains("{%") {
        return None;
    }
    let code = code_ranges(body, options);
    let mut out = String::with_capacity(body.len());
    let mut last = 0;
    let mut at = 0;
    let mut any = false;
    while let Some(found) = next_open(body, at) {
        if let Some(r) = code.iter().find(|r| r.contains(&found)) {
            at = r.end.max(found + 2);
            continue;
        }
        let Ok(Some(call)) = parse_call(body, found, &code) else {
            at = found + 2;
            continue;
        };
        any = true;
        at = call.range.end;
        let text = |name: &str| {
            call.args.iter().find_map(|(n, v, _)| match v {
                ArgValue::Text(t) if n == name && !t.trim().is_empty() => Some(t.trim().to_string()),
                _ => None,
            })
        };
        let said = match call.name.as_str() {
            "figure" => text("chu_thich"),
            "trich_dan" => text("nguon").map(|n| format!("Trích lời {n}:")),
            "callout" => text("tieu_de").map(|t| format!("{t}:")),
            "tai_ve" => text("nhan"),
            _ => None,
        };
        out.push_str(&body[last..call.range.start]);
        let lines = |r: Range<usize>| std::iter::repeat_n('\n', body[r].matches('\n').count());
        match &call.body {
            // A block: its opening becomes the spoken prefix (followed by its words, on the
            // lines they are written on), its `{% end %}` nothing.
            Some(inner) => {
                out.push_str(said.as_deref().unwrap_or(""));
                out.extend(lines(call.range.start..inner.start));
                let words = &body[inner.clone()];
                out.push_str(spoken(words, options).as_deref().unwrap_or(words));
                out.extend(lines(inner.end..call.range.end));
            }
            None => {
                out.push_str(said.as_deref().unwrap_or(""));
                out.extend(lines(call.range.clone()));
            }
        }
        last = call.range.end;
    }
    if !any {
        return None;
    }
    out.push_str(&body[last..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shortcodes that write their arguments back, for tests of the expansion alone.
    #[derive(Debug)]
    struct Echo(BTreeMap<String, ShortcodeSpec>);

    impl Shortcodes for Echo {
        fn specs(&self) -> &BTreeMap<String, ShortcodeSpec> {
            &self.0
        }
        fn render(
            &self,
            name: &str,
            args: &[(String, ArgValue)],
            body: Option<&str>,
        ) -> Result<String, String> {
            if args.iter().any(|(_, v)| *v == ArgValue::Text("hỏng".into())) {
                return Err("giá trị hỏng".into());
            }
            let args: Vec<String> = args.iter().map(|(n, v)| format!("{n}={v:?}")).collect();
            // `youtube` gives inline HTML here, the others a block.
            let tag = if name == "youtube" { "span" } else { "div" };
            Ok(format!("<{tag} class=\"{name}\">[{}]{}</{tag}>", args.join(" "), body.unwrap_or("")))
        }
    }

    fn echo() -> Echo {
        let arg = |name: &str, kind, required| ArgSpec { name: name.into(), kind, required };
        let specs = [
            ShortcodeSpec {
                name: "youtube".into(),
                args: vec![arg("id", ArgKind::Text, true), arg("tieu_de", ArgKind::Text, false)],
            },
            ShortcodeSpec { name: "trich_dan".into(), args: vec![arg("nguon", ArgKind::Text, true)] },
            ShortcodeSpec {
                name: "figure".into(),
                args: vec![arg("anh", ArgKind::Text, true), arg("rong", ArgKind::Integer, false)],
            },
        ];
        Echo(specs.into_iter().map(|s| (s.name.clone(), s)).collect())
    }

    fn run(body: &str) -> (String, Diagnostics) {
        let lines = Lines::new(body, 10, "content/x.md");
        let mut diags = Diagnostics::new();
        let mut address = |url: &str, _: bool, _: usize| format!("/checked/{url}");
        let mut render_body = |md: &str, _: usize| (format!("<p>{}</p>", md.trim()), md.trim().to_string());
        let hooks = Hooks { address: &mut address, body: &mut render_body, depth: 0 };
        let html = match expand(body, &echo(), &lines, hooks, pulldown_cmark::Options::empty(), &mut diags) {
            Some(e) => fill(&e.source, &e.outputs),
            None => body.to_string(),
        };
        (html, diags)
    }

    fn messages(d: &Diagnostics) -> Vec<String> {
        d.iter()
            .map(|d| {
                let at = d.location.as_ref().map_or((0, 0), |l| (l.line, l.column));
                format!("{}:{} {} | {}", at.0, at.1, d.message, d.hint.as_deref().unwrap_or(""))
            })
            .collect()
    }

    #[test]
    fn calls_become_their_output_with_checked_arguments() {
        let (html, d) = run("Xem {{ youtube(id=\"abc\", tieu_de='Bài \\'một\\'') }} nhé.\n");
        assert!(d.is_empty(), "{d}");
        assert_eq!(
            html,
            "Xem <span class=\"youtube\">[id=Text(\"abc\") tieu_de=Text(\"Bài 'một'\")]</span> nhé.\n"
        );
        let (html, d) = run("{{ figure(anh=\"a.jpg\", rong=3) }}\n");
        assert!(d.is_empty(), "{d}");
        assert!(html.contains("anh=Text(\"/checked/a.jpg\") rong=Integer(3)"), "{html}");
    }

    #[test]
    fn block_calls_take_their_body_rendered_and_nest() {
        let (html, d) = run("{% trich_dan(nguon=\"Bác\") %}\nHọc, học nữa.\n{% end %}\n\nSau.\n");
        assert!(d.is_empty(), "{d}");
        assert!(
            html.starts_with(
                "<div class=\"trich_dan\">[nguon=Text(\"Bác\")]<p>Học, học nữa.</p></div>\n\n\n\nSau."
            ),
            "{html:?}"
        );
        let (_, d) = run("{% trich_dan(nguon=\"a\") %}\n{% trich_dan(nguon=\"b\") %}x{% end %}\n{% end %}\n");
        assert!(d.is_empty(), "{d}");
    }

    #[test]
    fn a_block_written_inside_a_paragraph_is_a_warning() {
        let (_, d) = run("Xem {{ youtube(id=\"a\") }} nhé.\n");
        assert!(d.is_empty(), "inline output is fine inline: {d}");
        let (_, d) = run("Đoạn\n{% trich_dan(nguon=\"a\") %}x{% end %} và chữ.\n");
        assert_eq!(
            messages(&d),
            [
                "11:4 shortcode `trich_dan` tạo một khối (video, hình, hộp…) nhưng được viết giữa một đoạn văn | đặt nó trên một dòng riêng, có dòng trống trước và sau"
            ]
        );
        assert!(
            is_block_html("\n<figure class=\"video\">")
                && is_block_html("<h2>")
                && !is_block_html("<a href>")
                && !is_block_html("<picture>")
        );
    }

    #[test]
    fn blocks_nest_only_so_deep() {
        let deep = format!(
            "{}x\n{}",
            "{% trich_dan(nguon=\"a\") %}\n".repeat(MAX_DEPTH + 2),
            "{% end %}\n".repeat(MAX_DEPTH + 2)
        );
        let lines = Lines::new(&deep, 1, "f");
        let mut diags = Diagnostics::new();
        let mut address = |url: &str, _: bool, _: usize| url.to_string();
        let mut render_body = |md: &str, _: usize| (md.to_string(), String::new());
        let hooks = Hooks { address: &mut address, body: &mut render_body, depth: MAX_DEPTH - 1 };
        let e = expand(&deep, &echo(), &lines, hooks, pulldown_cmark::Options::empty(), &mut diags)
            .expect("calls");
        assert_eq!(
            messages(&diags),
            [
                "1:4 khối shortcode lồng nhau quá nhiều cấp | một khối shortcode chỉ chứa được 8 cấp khối lồng nhau"
            ]
        );
        assert_eq!(e.outputs, [(String::new(), true)]);
    }

    #[test]
    fn code_spans_and_blocks_keep_calls_as_text() {
        let body = "`{{ youtube(id=\"a\") }}`\n\n```\n{{ nope() }}\n```\n\n    {% nope() %}\n";
        let (html, d) = run(body);
        assert!(d.is_empty(), "{d}");
        assert_eq!(html, body);
    }

    #[test]
    fn text_that_is_no_call_stays() {
        let (html, d) = run("Giá {{ 5 }} hay {{ x }} hay {% raw %}.\n");
        assert!(d.is_empty(), "{d}");
        assert_eq!(html, "Giá {{ 5 }} hay {{ x }} hay {% raw %}.\n");
    }

    #[test]
    fn unknown_names_and_arguments_are_errors_at_their_place_with_did_you_mean() {
        let (html, d) = run("a\n\n  {{ youtub(id=\"x\") }}\n");
        assert_eq!(
            messages(&d),
            [
                "12:6 không có shortcode `youtub` | có phải ý bạn là `youtube`? (các shortcode: figure, trich_dan, youtube)"
            ]
        );
        assert!(!html.contains("youtub"), "the call is left out: {html}");
        let (_, d) = run("{{ youtube(id=\"x\", tiêu_đề=\"y\") }}\n");
        assert_eq!(
            messages(&d),
            [
                "10:20 shortcode `youtube` không có tham số `tiêu_đề` | có phải ý bạn là `tieu_de`? (tham số nhận: id (bắt buộc), tieu_de)"
            ]
        );
        let (_, d) = run("{{ youtube(id=\"x\" tieu_de=\"y\") }}\n");
        assert_eq!(
            messages(&d),
            [
                "10:19 shortcode `youtube`: cần `,` hoặc `)` ở đây | các tham số cách nhau bằng dấu phẩy; đóng danh sách bằng `)`"
            ]
        );
        let (_, d) = run("{{ youtube(id=\"x\", tieu_dee=\"y\") }}\n");
        assert_eq!(
            messages(&d),
            [
                "10:20 shortcode `youtube` không có tham số `tieu_dee` | có phải ý bạn là `tieu_de`? (tham số nhận: id (bắt buộc), tieu_de)"
            ]
        );
        let (_, d) = run("{{ youtube(tieu_de=\"y\") }}\n{{ figure(anh=\"a\", rong=\"3\") }}\n");
        assert_eq!(
            messages(&d),
            [
                "10:4 shortcode `youtube` thiếu tham số `id` | tham số nhận: id (bắt buộc), tieu_de",
                "11:20 tham số `rong` của shortcode `figure` phải là số nguyên | tham số nhận: anh (bắt buộc), rong",
            ]
        );
    }

    #[test]
    fn broken_syntax_and_render_errors_are_reported() {
        let (_, d) = run("{{ youtube(id=\"x) }}\n");
        assert_eq!(
            d.iter().next().map(|d| d.message.as_str()),
            Some("chuỗi mở bằng `\"` ở đây chưa được đóng")
        );
        let (_, d) = run("{% trich_dan(nguon=\"x\") %}\nkhông đóng\n");
        assert_eq!(
            messages(&d),
            [
                "10:1 khối shortcode `trich_dan` mở ở đây chưa được đóng | thêm `{% end %}` ở chỗ nội dung của khối kết thúc"
            ]
        );
        let (_, d) = run("{{ youtube(id=\"hỏng\") }}\n");
        assert_eq!(
            messages(&d)[0],
            "10:4 shortcode `youtube`: giá trị hỏng | xem lại các tham số (tham số nhận: id (bắt buộc), tieu_de)"
        );
    }

    #[test]
    fn placeholders_keep_lines_and_columns_and_fill_blocks_without_their_paragraph() {
        let lines = Lines::new("", 1, "f");
        let mut diags = Diagnostics::new();
        let mut address = |url: &str, _: bool, _: usize| url.to_string();
        let mut render_body = |md: &str, _: usize| (md.to_string(), md.to_string());
        let body = "{{ youtube(id=\"abc\") }}\n\nx {{ youtube(id=\"d\") }} y\n";
        let e = expand(
            body,
            &echo(),
            &lines,
            Hooks { address: &mut address, body: &mut render_body, depth: 0 },
            pulldown_cmark::Options::empty(),
            &mut diags,
        )
        .expect("calls");
        assert_eq!(e.source.len(), body.len());
        assert_eq!(e.source.lines().count(), body.lines().count());
        assert_eq!(e.source.rfind(" y\n"), body.rfind(" y\n"));
        let (a, b) =
            (e.source.lines().next().unwrap_or(""), &e.source[e.source.find("x ").unwrap_or(0) + 2..]);
        let b = &b[..b.rfind(" y\n").unwrap_or(0)];
        assert!(is_placeholder(a) && is_placeholder(b));
        let html = format!("<p>{a}</p>\n<p>x {b} y</p>\n");
        assert_eq!(
            fill(&html, &e.outputs),
            "<span class=\"youtube\">[id=Text(\"abc\")]</span>\n<p>x <span class=\"youtube\">[id=Text(\"d\")]</span> y</p>\n"
        );
        assert_eq!(strip(&format!("x {b} y")), "x  y");
        // Private-use characters of the text itself are no placeholders.
        let e = expand(
            "\u{E000}0\u{E001} {{ youtube(id=\"a\") }}\n",
            &echo(),
            &lines,
            Hooks { address: &mut address, body: &mut render_body, depth: 0 },
            pulldown_cmark::Options::empty(),
            &mut diags,
        )
        .expect("calls");
        assert!(e.source.starts_with("\u{FFFD}0\u{FFFD}"), "{:?}", e.source);
    }

    #[test]
    fn named_files_are_every_calls_tep_nested_ones_too_and_none_in_code() {
        let body = "{{ tai_ve(tep=\"/a.pdf\") }}\n\n{% callout(tieu_de=\"x\") %}\nXem {{ tai_ve(tep=\"b.pdf\", nhan=\"b\") }}.\n{% end %}\n\n`{{ tai_ve(tep=\"/c.pdf\") }}`\n\n{{ video(tep=\"v.mp4\", tieu_de=\"v\") }}\n";
        assert_eq!(named_files(body, crate::markdown::parser_options()), ["/a.pdf", "b.pdf", "v.mp4"]);
        assert!(named_files("Không có gì.", crate::markdown::parser_options()).is_empty());
    }

    #[test]
    fn spoken_bodies_keep_their_lines_and_say_what_a_listener_should_hear() {
        let body = "Mở đầu.\n\n{{ youtube(id=\"dQw4w9WgXcQ\") }}\n{{ video(tep=\"v.mp4\", tieu_de=\"Lớp học\",\n  phu_de=\"v.vtt\") }}\n\n{{ figure(anh=\"/a.jpg\", mo_ta=\"Ảnh\", chu_thich=\"Lớp học buổi tối\", nguon=\"Ảnh: CC0\") }}\n\n{% trich_dan(nguon=\"Chủ tịch Hồ Chí Minh\") %}\nHọc, học nữa, học mãi {{ tai_ve(tep=\"/n.pdf\", nhan=\"nguyên văn\") }}.\n{% end %}\n\nXem {{ tai_ve(tep=\"/m.pdf\", nhan=\"mẫu đơn\") }} và `{{ x() }}`.\n";
        let said = spoken(body, crate::markdown::parser_options()).expect("has calls");
        assert_eq!(said.matches('\n').count(), body.matches('\n').count(), "{said}");
        assert_eq!(
            said,
            "Mở đầu.\n\n\n\n\n\nLớp học buổi tối\n\nTrích lời Chủ tịch Hồ Chí Minh:\nHọc, học nữa, học mãi nguyên văn.\n\n\nXem mẫu đơn và `{{ x() }}`.\n"
        );
        assert_eq!(spoken("Không có gì.", crate::markdown::parser_options()), None);
    }
}
