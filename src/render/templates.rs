//! Loading the theme's and the site's Tera templates, and turning Tera errors into diagnostics
//! that name the template file, its line, and the page being rendered.
//!
//! Also owns what templates may reach outside the site: `get_env` reads only the variables
//! listed in `security.getenv` of loa.yaml (a theme must not be able to print `GITHUB_TOKEN`
//! into a published page), checked when the templates load and again when a call runs.
//! Include and extends cycles are found by Tera when the templates load (before any page is
//! rendered); component recursion is bounded by Tera (depth 20), so it is an error, not a crash.
//! The theme's words (`t()`, `local_date`) come from `render::i18n`, registered here.

use std::collections::BTreeMap;

use tera::{ErrorKind, Tera};
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// The loaded templates and where each came from.
#[derive(Clone)]
pub struct Templates {
    /// The Tera instance with every template.
    pub tera: Tera,
    /// Template name (`article.html`) → file relative to the site root
    /// (`themes/loa/templates/article.html` or `templates/article.html`).
    pub files: BTreeMap<String, String>,
    /// Some template writes an `og:image` or `twitter:image` meta tag: only then are share
    /// cards made (`media::card`) for the pages without an image.
    pub share_images: bool,
    /// Hash of every template's name and text, of the language files (`i18n/*.yaml`) and of
    /// the environment variables templates may read: rendered outputs cached by `loa serve` are valid only for the same templates.
    pub fingerprint: u64,
    /// What the `image()` function answers from (`render::images`), set once images are made.
    pub images: super::images::ImageIndex,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("files", &self.files)
            .field("fingerprint", &self.fingerprint)
            .finish()
    }
}

impl Templates {
    /// Loads `themes/<theme>/templates/` then the site's `templates/`, which overrides file by
    /// file. Every syntax error of every template is reported.
    pub fn load(config: &Config) -> Result<Templates, Diagnostics> {
        let mut sources: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut diags = Diagnostics::new();
        if config.builtin_theme() {
            // The theme carried by loa, under the name its files would have in a copy.
            for (name, bytes) in crate::theme::files_under("templates/") {
                let file = format!("themes/{}/templates/{name}", crate::theme::BUILTIN);
                sources.insert(name.to_string(), (file, String::from_utf8_lossy(bytes).into_owned()));
            }
        }
        let mut dirs = Vec::new();
        if let Some(theme) = &config.theme {
            dirs.push(format!("themes/{theme}/templates"));
        }
        dirs.push("templates".to_string());
        for dir in dirs {
            let abs = config.root.join(&dir);
            if !abs.is_dir() {
                continue;
            }
            for entry in WalkDir::new(&abs).sort_by_file_name() {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        diags.push(Diagnostic::error(
                            "io",
                            Location::file(&dir),
                            format!("không đọc được thư mục mẫu: {e}"),
                        ));
                        continue;
                    }
                };
                let name_os = entry.file_name().to_string_lossy();
                if !entry.file_type().is_file() || crate::names::is_ignored(&name_os) {
                    continue;
                }
                let Ok(rel) = entry.path().strip_prefix(&abs) else {
                    continue;
                };
                let name =
                    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                let file = format!("{dir}/{name}");
                match std::fs::read(entry.path()) {
                    Ok(bytes) => match crate::parse::decode_text(&bytes, &file) {
                        Ok(text) => {
                            sources.insert(name, (file, text));
                        }
                        Err(d) => diags.push(d),
                    },
                    Err(e) => diags.push(Diagnostic::error(
                        "io",
                        Location::file(&file),
                        format!("không đọc được mẫu: {e}"),
                    )),
                }
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        let (catalog, strings) = super::i18n::load(config)?;
        let files: BTreeMap<String, String> =
            sources.iter().map(|(n, (f, _))| (n.clone(), f.clone())).collect();
        let env: Vec<(&String, Option<String>)> =
            config.security.getenv.iter().map(|n| (n, std::env::var(n).ok())).collect();
        let fingerprint = crate::fingerprint::of(&(&sources, env, &strings));
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".htm", ".xml"]);
        tera.register_filter("vi_date", vi_date);
        tera.register_filter("so_hieu", so_hieu);
        for (file, text) in sources.values() {
            diags.extend(super::i18n::check_keys(text, file, &catalog));
        }
        super::i18n::register(&mut tera, std::sync::Arc::new(catalog));
        let allowed = config.security.getenv.clone();
        tera.register_function("get_env", move |kwargs: tera::Kwargs, _: &tera::State| {
            get_env(&allowed, &kwargs)
        });
        let images = super::images::ImageIndex::default();
        let index = images.clone();
        tera.register_function("image", move |kwargs: tera::Kwargs, _: &tera::State| index.call(&kwargs));
        for (file, text) in sources.values() {
            diags.extend(check_get_env(text, file, &config.security.getenv));
        }
        // Add templates one by one first, so every syntax error is found, not only the first.
        for (name, (file, text)) in &sources {
            let mut probe = Tera::new();
            if let Err(e) = probe.add_raw_template(name, text)
                && matches!(e.kind(), ErrorKind::SyntaxError(_))
            {
                // A block left open is reported where it opens, not where Tera noticed.
                match unclosed_block(text) {
                    Some((tag, line, col)) => diags.push(
                        Diagnostic::error(
                            "template",
                            Location::at(file, line, col),
                            format!("thẻ `{{% {tag} %}}` mở ở đây chưa được đóng"),
                        )
                        .with_hint(format!(
                            "thêm `{{% end{tag} %}}` ở chỗ khối này kết thúc (mỗi `{{% {tag} %}}` cần một `{{% end{tag} %}}`)"
                        )),
                    ),
                    None => diags.push(tera_error(&e, &files, None, Some(file))),
                }
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, (_, t))| (n.as_str(), t.as_str()))) {
            return Err(tera_error(&e, &files, None, None).into());
        }
        let share_images =
            sources.values().any(|(_, text)| text.contains("og:image") || text.contains("twitter:image"));
        Ok(Templates { tera, files, fingerprint, share_images, images })
    }

    /// True when a template of that name exists.
    pub fn has(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }
}

/// `{{ get_env(name="LOA_BUILD_ID", default="dev") }}`: an environment variable, only when its
/// name is listed in `security.getenv` of loa.yaml.
fn get_env(allowed: &[String], kwargs: &tera::Kwargs) -> tera::TeraResult<tera::Value> {
    let name: &str = kwargs.must_get("name")?;
    if !allowed.iter().any(|a| a == name) {
        return Err(tera::Error::message(not_allowed(name)));
    }
    match std::env::var(name) {
        Ok(v) => Ok(tera::Value::from(v)),
        Err(_) => match kwargs.get::<tera::Value>("default")? {
            Some(d) => Ok(d),
            None => Err(tera::Error::message(format!(
                "get_env: biến môi trường `{name}` chưa được đặt (thêm `default=\"…\"` nếu nó có thể thiếu)"
            ))),
        },
    }
}

fn not_allowed(name: &str) -> String {
    format!("get_env: biến môi trường `{name}` không có trong danh sách `security.getenv` của loa.yaml")
}

/// Every `get_env(name="X")` with a literal name not on the allow-list, at its template line.
fn check_get_env(text: &str, file: &str, allowed: &[String]) -> Diagnostics {
    static CALL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"get_env\s*\(\s*name\s*=\s*["'`]([^"'`]*)["'`]"#).expect("regex")
    });
    let mut diags = Diagnostics::new();
    for (i, line) in text.lines().enumerate() {
        for c in CALL.captures_iter(line) {
            let name = &c[1];
            if !allowed.iter().any(|a| a == name) {
                let col = line[..c.get(0).map_or(0, |m| m.start())].chars().count() + 1;
                diags.push(
                    Diagnostic::error("get-env", Location::at(file, i + 1, col), not_allowed(name)).with_hint(
                        format!(
                            "nếu mẫu thật sự cần biến này (và nó không phải bí mật), thêm vào loa.yaml: `security: {{getenv: [{name}]}}`"
                        ),
                    ),
                );
            }
        }
    }
    diags
}

/// `{{ "2022-09-15" | vi_date(format="header") }}`: a date (any form of `vi::dates::parse`) in
/// Vietnamese. Formats: `short` (default, `ngày 15/9/2022`), `header` (`Thứ Năm, 15/09/2022`),
/// `formal` (`ngày 15 tháng 9 năm 2022`), `iso` (`2022-09-15`, for `<time datetime>`),
/// `rfc3339`, `weekday` (`Thứ Năm`).
pub fn vi_date(value: &str, kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<String> {
    let d = crate::vi::dates::parse(value).map_err(|e| tera::Error::message(e.message))?;
    let format: Option<&str> = kwargs.get("format")?;
    Ok(match format.unwrap_or("short") {
        "short" => d.fmt_short(),
        "header" => d.fmt_header(),
        "formal" => d.fmt_formal(),
        "iso" => d.fmt_iso_date(),
        "rfc3339" => d.to_rfc3339(),
        "weekday" => d.weekday_vi().to_string(),
        other => {
            return Err(tera::Error::message(format!(
                "vi_date: không có kiểu `{other}` (dùng short, header, formal, iso, rfc3339, weekday)"
            )));
        }
    })
}

/// `{{ page.title | so_hieu }}`: the text HTML-escaped, with every document number wrapped in
/// `<span class="so-hieu">` so browsers do not break it across lines. Returns safe HTML.
pub fn so_hieu(value: &str, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    tera::Value::safe_string(&crate::markdown::cite::nowrap_numbers(value))
}

/// For Tera's "Field `titel` is not defined. Available fields: a, b, title" the closest field.
fn field_suggestion(message: &str) -> Option<String> {
    let rest = message.strip_prefix("Field `")?;
    let (field, rest) = rest.split_once('`')?;
    let list = rest.split_once("Available fields: ")?.1;
    let fields = list.split(", ").map(|f| f.trim().trim_end_matches('.'));
    crate::diagnostics::did_you_mean(field, fields).map(str::to_string)
}

/// A Tera error as a diagnostic: `templates/x.html:LINE:COL: lỗi: … (khi dựng content/y.md)`.
pub fn tera_error(
    e: &tera::Error,
    files: &BTreeMap<String, String>,
    page: Option<&str>,
    file_hint: Option<&str>,
) -> Diagnostic {
    let file_of = |name: &str| files.get(name).cloned().unwrap_or_else(|| name.to_string());
    let during = page.map(|p| format!(" (khi dựng {p})")).unwrap_or_default();
    let (location, message, hint) = match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let file = if r.filename().is_empty() {
                file_hint.map(str::to_string).unwrap_or_default()
            } else {
                file_of(r.filename())
            };
            let span = r.span();
            let kind = if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                "lỗi cú pháp mẫu"
            } else {
                "lỗi khi dựng mẫu"
            };
            // A name that is not there: where the names that are there are listed.
            let general = if r.message().starts_with("Field `")
                || r.message().starts_with("Variable `")
                || r.message().contains("not found in context")
            {
                "sửa mẫu ở vị trí này; các biến và trường của mỗi mẫu có trong hướng dẫn giao diện của loa (docs/huong-dan/giao-dien.md)"
            } else {
                "sửa mẫu ở vị trí này"
            };
            let hint = match field_suggestion(r.message()) {
                Some(s) => format!("có phải ý bạn là `{s}`? {general}"),
                None => general.to_string(),
            };
            (
                Location::at(file, span.start_line, span.start_col + 1),
                format!("{kind}: {}{during}", in_vietnamese(r.message())),
                hint,
            )
        }
        ErrorKind::CircularExtend { tpl, inheritance_chain } => (
            Location::file(file_of(tpl)),
            format!("vòng lặp kế thừa mẫu: {} → {tpl}", inheritance_chain.join(" → ")),
            "một mẫu không được `extends` chính nó hay mẫu con của nó".to_string(),
        ),
        ErrorKind::CircularInclude { tpl, include_chain } => (
            Location::file(file_of(tpl)),
            format!("vòng lặp include: {}", include_chain.join(" → ")),
            "bỏ `include` tạo vòng lặp".to_string(),
        ),
        ErrorKind::MissingParent { current, parent } => (
            Location::file(file_of(current)),
            format!("mẫu `{current}` kế thừa `{parent}` nhưng không có mẫu đó"),
            format!("tạo templates/{parent} hoặc sửa `extends`"),
        ),
        ErrorKind::TemplateNotFound(name) => (
            Location::file(file_hint.map(str::to_string).unwrap_or_else(|| "templates".to_string())),
            format!("không tìm thấy mẫu `{name}`{during}"),
            format!("tạo templates/{name} hoặc sửa tên mẫu"),
        ),
        _ => {
            let text = e.to_string();
            // `error: Unknown filter `x`\n --> page.html:1:17`: the place, and the message.
            let place = text.lines().find_map(|l| l.trim().strip_prefix("--> ")).and_then(|p| {
                let mut parts = p.rsplitn(3, ':');
                let col = parts.next()?.parse::<usize>().ok()?;
                let line = parts.next()?.parse::<usize>().ok()?;
                Some((file_of(parts.next()?), line, col))
            });
            let message = text.lines().next().unwrap_or("").trim_start_matches("error: ");
            let location = match place {
                Some((file, line, col)) => Location::at(file, line, col),
                None => {
                    Location::file(file_hint.map(str::to_string).unwrap_or_else(|| "templates".to_string()))
                }
            };
            (
                location,
                format!("lỗi mẫu: {}{during}", in_vietnamese(message)),
                "sửa mẫu ở vị trí này".to_string(),
            )
        }
    };
    Diagnostic::error("template", location, message).with_hint(hint)
}

/// Tera's messages for the mistakes theme authors make most, in Vietnamese; others as they are
/// (marked as Tera's), but loa's own, already in Vietnamese (a filter's error).
fn in_vietnamese(message: &str) -> String {
    if !message.is_ascii() {
        return message.to_string();
    }
    let quoted = |m: &str| m.split('`').nth(1).unwrap_or("").to_string();
    if let Some(rest) = message.strip_prefix("Field `") {
        let field = rest.split('`').next().unwrap_or("");
        return match message.split_once("Available fields: ") {
            Some((_, fields)) => {
                format!("không có trường `{field}`; các trường có: {}", fields.trim_end_matches('.'))
            }
            None => format!("không có trường `{field}`"),
        };
    }
    if message.starts_with("Unknown filter") {
        return format!(
            "không có bộ lọc `{}` (các bộ lọc của loa: vi_date, local_date, so_hieu, và các bộ lọc của Tera)",
            quoted(message)
        );
    }
    if message.starts_with("Unknown function") {
        return format!("không có hàm `{}`", quoted(message));
    }
    if message.starts_with("Unknown tag") {
        return "thẻ không hợp lệ ở đây (một khối chưa được đóng, hoặc một thẻ `end…` không có thẻ mở)"
            .to_string();
    }
    if message.starts_with("Unexpected end of input") {
        return "mẫu kết thúc khi một `{{`, `{%` hay một khối chưa được đóng".to_string();
    }
    if message.contains("not found in context") || message.starts_with("Variable `") {
        return format!("không có biến `{}`", quoted(message));
    }
    if let Some(rest) = message.strip_prefix("Found `")
        && let Some((found, expected)) = rest.split_once("` but expected ")
    {
        return format!("gặp `{found}` ở chỗ cần {}", expected.trim_end_matches('.'));
    }
    format!("{message} (Tera)")
}

/// The innermost block tag left open in a template (`if`, `for`, `block`, `macro`, `filter`,
/// `raw`, `with`): its name and its line and column, when there is one. A `{% raw %}` block's
/// content is not read as tags.
fn unclosed_block(text: &str) -> Option<(String, usize, usize)> {
    const BLOCKS: [&str; 7] = ["if", "for", "block", "macro", "filter", "raw", "with"];
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut at = 0;
    while let Some(start) = text[at..].find("{%").map(|i| at + i) {
        let Some(end) = text[start..].find("%}").map(|i| start + i + 2) else { break };
        let inner = text[start + 2..end - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let word = inner.split_whitespace().next().unwrap_or("");
        if open.last().is_some_and(|(t, _)| t == "raw") && word != "endraw" {
            at = end;
            continue;
        }
        if BLOCKS.contains(&word) {
            open.push((word.to_string(), start));
        } else if let Some(closed) = word.strip_prefix("end") {
            match open.iter().rposition(|(t, _)| t == closed) {
                // Closed: what opened inside it and was not closed is the mistake.
                Some(i) if i + 1 < open.len() => break,
                Some(i) => {
                    open.truncate(i);
                }
                None => break,
            }
        }
        at = end;
    }
    let (tag, pos) = open.pop()?;
    let line = text[..pos].matches('\n').count() + 1;
    let col = text[..pos].rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Some((tag, line, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_gets_the_closest_one() {
        let m = "Field `titel` is not defined. Available fields: content, title, url";
        assert_eq!(field_suggestion(m).as_deref(), Some("title"));
        assert_eq!(field_suggestion("Field `zzzzzz` is not defined. Available fields: a, b"), None);
    }

    #[test]
    fn get_env_reads_only_allowed_names() {
        let mut tera = Tera::new();
        let allowed = vec!["LOA_TEST_ALLOWED_VAR".to_string()];
        tera.register_function("get_env", move |k: tera::Kwargs, _: &tera::State| get_env(&allowed, &k));
        let render = |t: &str| tera.render_str(t, &tera::Context::new(), false);
        let e = render(r#"{{ get_env(name="GITHUB_TOKEN") }}"#).unwrap_err();
        assert!(format!("{e:?}").contains("security.getenv"), "{e:?}");
        assert_eq!(
            render(r#"{{ get_env(name="LOA_TEST_ALLOWED_VAR", default="d") }}"#).expect("default"),
            "d"
        );
        let d = check_get_env("a\n  {{ get_env(name=\"HOME\") }}\n", "templates/x.html", &[]);
        assert_eq!(d.0[0].location, Some(Location::at("templates/x.html", 2, 6)));
    }

    #[test]
    fn vi_date_filter_formats() {
        let mut tera = Tera::new();
        tera.register_filter("vi_date", vi_date);
        tera.register_filter("so_hieu", so_hieu);
        let render = |t: &str| tera.render_str(t, &tera::Context::new(), false);
        assert_eq!(render(r#"{{ "2022-09-15" | vi_date }}"#).expect("short"), "ngày 15/9/2022");
        assert_eq!(
            render(r#"{{ "2022-09-15" | vi_date(format="header") }}"#).expect("h"),
            "Thứ Năm, 15/09/2022"
        );
        assert_eq!(
            render(r#"{{ "2019-05-10" | vi_date(format="formal") }}"#).expect("f"),
            "ngày 10 tháng 5 năm 2019"
        );
        assert_eq!(
            render(r#"{{ "2022-09-14T20:00:00Z" | vi_date(format="iso") }}"#).expect("iso"),
            "2022-09-15"
        );
        assert!(render(r#"{{ "hôm qua" | vi_date }}"#).is_err());
        assert!(render(r#"{{ "2022-09-15" | vi_date(format="x") }}"#).is_err());
        let mut ctx = tera::Context::new();
        ctx.insert("t", "Kết luận 49-KL/TW <b>");
        assert_eq!(
            tera.render_str("{{ t | so_hieu }}", &ctx, true).expect("so_hieu"),
            "Kết luận <span class=\"so-hieu\">49-KL/TW</span> &lt;b&gt;"
        );
    }
}
