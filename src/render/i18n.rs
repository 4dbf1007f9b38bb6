//! The theme's words in the templates: reads the language files (the built-in theme's, the
//! theme folder's `i18n/`, then the site's `i18n/`, each overriding the one before key by key)
//! into an [`i18n::Catalog`], and gives templates `t(key="…")` and the `local_date` filter.
//!
//! The language of a page is `lang` in its template context, or the site's `language` where a
//! context has none. Also finds, when the templates load, every `t(key="…")` whose key no
//! language has (an error at its template line), and, for `loa check`, the keys a language
//! lacks (a warning: its pages show the default language's words).
//! Must not: render, or write files.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use regex::Regex;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Location, did_you_mean};
use crate::i18n::Catalog;

/// The language files read, by file name relative to the site (`i18n/en.yaml`): their text
/// (the build's reuse of rendered pages keys by it).
pub type Sources = BTreeMap<String, String>;

/// The folder of language files inside a theme and a site.
pub const DIR: &str = "i18n";

/// Reads every language file of the theme and the site; every bad file is reported.
pub fn load(config: &Config) -> Result<(Catalog, Sources), Diagnostics> {
    let mut layers: Vec<(String, String, String)> = Vec::new();
    let mut diags = Diagnostics::new();
    if config.builtin_theme() {
        for (name, bytes) in crate::theme::files_under("i18n/") {
            if let Some(lang) = name.strip_suffix(".yaml") {
                let file = format!("themes/{}/{DIR}/{name}", crate::theme::BUILTIN);
                layers.push((lang.to_string(), file, String::from_utf8_lossy(bytes).into_owned()));
            }
        }
    }
    let mut dirs = Vec::new();
    if let Some(theme) = &config.theme {
        dirs.push(format!("themes/{theme}/{DIR}"));
    }
    dirs.push(DIR.to_string());
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(config.root.join(&dir)) else { continue };
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml") && !crate::names::is_ignored(n))
            .collect();
        names.sort();
        for name in names {
            let file = format!("{dir}/{name}");
            let lang = name.trim_end_matches(".yaml").to_string();
            match std::fs::read(config.root.join(&file)) {
                Ok(bytes) => match crate::parse::decode_text(&bytes, &file) {
                    Ok(text) => layers.push((lang, file, text)),
                    Err(d) => diags.push(d),
                },
                Err(e) => diags.push(Diagnostic::error(
                    "io",
                    Location::file(&file),
                    format!("không đọc được tệp dịch: {e}"),
                )),
            }
        }
    }
    let mut catalog = Catalog::new(&config.language);
    let mut sources = Sources::new();
    for (lang, file, text) in layers {
        match crate::parse::i18n_file(&text, &file) {
            Ok(table) => catalog.add(&lang, &file, table),
            Err(d) => diags.extend(d),
        }
        sources.insert(file, text);
    }
    if diags.has_errors() { Err(diags) } else { Ok((catalog, sources)) }
}

/// The page's language: `lang` of the context when it is there (a cheap clone of the value:
/// no string is made), else none (the site's).
fn lang_of(state: &tera::State) -> Option<tera::Value> {
    state.get::<tera::Value>("lang").ok().flatten().filter(|l| l.as_str().is_some_and(|s| !s.is_empty()))
}

/// Gives templates `t(key="…", n=…)` and `local_date(format=…)`, reading `catalog`.
pub fn register(tera: &mut tera::Tera, catalog: Arc<Catalog>) {
    let strings = catalog.clone();
    tera.register_function("t", move |kwargs: tera::Kwargs, state: &tera::State| t(&strings, &kwargs, state));
    tera.register_filter("local_date", move |value: &str, kwargs: tera::Kwargs, state: &tera::State| {
        local_date(&catalog, value, &kwargs, state)
    });
}

/// `{{ t(key="reading_time", n=3) }}`: the string of `key` in the page's language (else in
/// the default language), its `{name}` placeholders filled from the other arguments. With
/// `default=…`, a key no language has gives that value instead of an error (the theme's menu
/// asks for each label of loa.yaml's `menu:` so: a site translates `Văn bản: Documents`).
fn t(catalog: &Catalog, kwargs: &tera::Kwargs, state: &tera::State) -> tera::TeraResult<tera::Value> {
    let key: &str = kwargs.must_get("key")?;
    // Most calls have only `key`: no list of arguments is made for them.
    let args: Vec<(&str, String)> = if kwargs.iter().nth(1).is_none() {
        Vec::new()
    } else {
        kwargs
            .iter()
            .filter_map(|(k, v)| {
                let k = k.as_str()?;
                (k != "key" && k != "default")
                    .then(|| (k, v.as_str().map_or_else(|| v.to_string(), str::to_string)))
            })
            .collect()
    };
    let lang = lang_of(state);
    let lang = lang.as_ref().and_then(tera::Value::as_str).unwrap_or(catalog.default_language());
    match catalog.format(lang, key, &args) {
        Ok(text) => Ok(tera::Value::from(text)),
        // A key only some sites translate (a menu label of loa.yaml, which is its own key).
        Err(_) if let Some(default) = kwargs.get::<tera::Value>("default")? => Ok(default),
        Err(_) => Err(tera::Error::message(catalog.unknown_key(key))),
    }
}

/// `{{ page.date.iso | local_date(format="header") }}`: a date in the page's language, from
/// the `dates:` table of its language file (`short` when no format is given).
fn local_date(
    catalog: &Catalog,
    value: &str,
    kwargs: &tera::Kwargs,
    state: &tera::State,
) -> tera::TeraResult<String> {
    let d = crate::vi::dates::parse(value).map_err(|e| tera::Error::message(e.message))?;
    let format: Option<&str> = kwargs.get("format")?;
    let lang = lang_of(state);
    let lang = lang.as_ref().and_then(tera::Value::as_str).unwrap_or(catalog.default_language());
    catalog.date(lang, &d, format.unwrap_or("short")).map_err(tera::Error::message)
}

/// Every `t(key="x")` with a literal key no language has, at its template line and column
/// (a key made in the template, `"status_" ~ c.status`, is checked when it is rendered).
pub fn check_keys(text: &str, file: &str, catalog: &Catalog) -> Diagnostics {
    static CALL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"\bt\s*\(\s*key\s*=\s*["'`]([^"'`]*)["'`]\s*[,)]"#).expect("regex"));
    let mut diags = Diagnostics::new();
    for (i, line) in text.lines().enumerate() {
        for c in CALL.captures_iter(line) {
            let key = &c[1];
            if catalog.knows(key) {
                continue;
            }
            let col = line[..c.get(0).map_or(0, |m| m.start())].chars().count() + 1;
            let hint = match did_you_mean(key, catalog.keys()) {
                Some(s) => format!("có phải ý bạn là `{s}`? Hoặc thêm `{key}: …` vào i18n/vi.yaml của trang"),
                None => format!("thêm `{key}: …` vào i18n/vi.yaml của trang (và các ngôn ngữ khác)"),
            };
            diags.push(
                Diagnostic::error(
                    "i18n-key",
                    Location::at(file, i + 1, col),
                    format!("không có chuỗi `{key}` trong tệp dịch nào (i18n/*.yaml)"),
                )
                .with_hint(hint),
            );
        }
    }
    diags
}

/// The languages whose missing keys `loa check` reports: those the site writes a language file
/// for, and those it publishes besides its default one.
fn checked_languages(config: &Config, catalog: &Catalog) -> Vec<String> {
    let mut langs: Vec<String> = catalog
        .languages()
        .filter(|l| catalog.files_of(l).iter().any(|f| f.starts_with(&format!("{DIR}/"))))
        .map(str::to_string)
        .chain(config.languages.iter().map(|l| l.code.clone()))
        .collect();
    langs.sort();
    langs.dedup();
    langs.retain(|l| *l != config.language);
    langs
}

/// For `loa check`: each key a language lacks (its pages show the default language's words),
/// a warning at the language's file in the site (the file to add it to).
pub fn check_missing(config: &Config) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let Ok((catalog, _)) = load(config) else {
        // A bad file is the build's error, reported there.
        return diags;
    };
    for lang in checked_languages(config, &catalog) {
        let file = format!("{DIR}/{lang}.yaml");
        for key in catalog.missing(&lang) {
            diags.push(
                Diagnostic::warning(
                    "i18n-missing",
                    Location::file(&file),
                    format!(
                        "chuỗi `{key}` chưa được dịch sang `{lang}`: các trang `{lang}` hiện chuỗi bằng `{}`",
                        config.language
                    ),
                )
                .with_hint(match key.rsplit_once('.') {
                    Some((block, last)) => format!("thêm `{last}: …` vào khối `{block}:` của {file}"),
                    None => format!("thêm `{key}: …` vào {file}"),
                }),
            );
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme() -> Catalog {
        let mut c = Catalog::new("vi");
        for (name, bytes) in crate::theme::files_under("i18n/") {
            let lang = name.trim_end_matches(".yaml");
            let text = String::from_utf8_lossy(bytes);
            let table = crate::parse::i18n_file(&text, name).expect("the theme's language files are valid");
            c.add(lang, name, table);
        }
        c
    }

    fn render(c: &Arc<Catalog>, template: &str, lang: Option<&str>) -> tera::TeraResult<String> {
        let mut tera = tera::Tera::new();
        register(&mut tera, c.clone());
        let mut ctx = tera::Context::new();
        if let Some(l) = lang {
            ctx.insert("lang", l);
        }
        tera.render_str(template, &ctx, true)
    }

    #[test]
    fn the_theme_has_vietnamese_english_and_khmer_with_every_key() {
        let c = theme();
        assert_eq!(c.languages().collect::<Vec<_>>(), ["en", "km", "vi"]);
        assert!(c.keys().len() > 40, "{}", c.keys().len());
        for lang in ["en", "km"] {
            assert_eq!(c.missing(lang), Vec::<String>::new(), "{lang}");
        }
    }

    #[test]
    fn t_reads_the_pages_language_and_defaults_to_the_sites() {
        let c = Arc::new(theme());
        let tpl = r#"{{ t(key="share") }}|{{ t(key="reading_time", n=3) }}|{{ t(key="reading_time", n=1) }}"#;
        assert_eq!(render(&c, tpl, None).expect("vi"), "Chia sẻ:|3 phút đọc|1 phút đọc");
        assert_eq!(render(&c, tpl, Some("vi")).expect("vi"), "Chia sẻ:|3 phút đọc|1 phút đọc");
        assert_eq!(render(&c, tpl, Some("en")).expect("en"), "Share:|3 min read|1 min read");
        assert_eq!(render(&c, tpl, Some("km")).expect("km"), "ចែករំលែក៖|៣ នាទីអាន|១ នាទីអាន");
    }

    #[test]
    fn a_missing_key_falls_back_and_the_site_overrides() {
        let mut c = theme();
        let mut vi = crate::i18n::Table::default();
        vi.strings.insert("share".into(), crate::i18n::Text::One("Gửi cho bạn bè:".into()));
        vi.strings.insert("only_vi".into(), crate::i18n::Text::One("Chỉ tiếng Việt".into()));
        c.add("vi", "i18n/vi.yaml", vi);
        let c = Arc::new(c);
        assert_eq!(render(&c, r#"{{ t(key="share") }}"#, Some("vi")).expect("site"), "Gửi cho bạn bè:");
        assert_eq!(render(&c, r#"{{ t(key="share") }}"#, Some("en")).expect("theme"), "Share:");
        assert_eq!(render(&c, r#"{{ t(key="only_vi") }}"#, Some("en")).expect("fallback"), "Chỉ tiếng Việt");
        assert_eq!(c.missing("en"), ["only_vi"]);
    }

    #[test]
    fn a_default_stands_for_a_key_no_language_has() {
        let mut c = theme();
        let mut en = crate::i18n::Table::default();
        en.strings.insert("Văn bản".into(), crate::i18n::Text::One("Documents".into()));
        c.add("en", "i18n/en.yaml", en);
        let c = Arc::new(c);
        let tpl = r#"{{ t(key=label, default=label) }}"#;
        let with = |label: &str, lang: &str| {
            let mut tera = tera::Tera::new();
            register(&mut tera, c.clone());
            let mut ctx = tera::Context::new();
            ctx.insert("lang", lang);
            ctx.insert("label", label);
            tera.render_str(tpl, &ctx, true).expect("render")
        };
        assert_eq!(with("Văn bản", "en"), "Documents");
        assert_eq!(with("Văn bản", "vi"), "Văn bản");
        assert_eq!(with("Tin tức", "en"), "Tin tức");
    }

    #[test]
    fn an_unknown_key_is_an_error_at_the_template_line() {
        let c = Arc::new(theme());
        let e = render(&c, "a\n{{ t(key=\"shaer\") }}", None).unwrap_err();
        let text = format!("{e:?}");
        assert!(text.contains("`shaer`") && text.contains("`share`"), "{text}");
        let d = check_keys("<p>\n  {{ t(key=\"shaer\") }}</p>", "templates/x.html", &c);
        assert_eq!(d.0.len(), 1);
        assert_eq!(d.0[0].location, Some(Location::at("templates/x.html", 2, 6)));
        assert!(check_keys("{{ t(key=\"share\") }}", "x", &c).is_empty());
    }

    #[test]
    fn local_date_goldens_in_vietnamese_english_and_khmer() {
        let c = Arc::new(theme());
        let date = |fmt: &str, lang: &str| {
            render(&c, &format!(r#"{{{{ "2022-09-15" | local_date(format="{fmt}") }}}}"#), Some(lang))
                .expect("date")
        };
        assert_eq!(date("short", "vi"), "ngày 15/9/2022");
        assert_eq!(date("header", "vi"), "Thứ Năm, 15/09/2022");
        assert_eq!(date("formal", "vi"), "ngày 15 tháng 9 năm 2022");
        assert_eq!(date("short", "en"), "15 September 2022");
        assert_eq!(date("header", "en"), "Thursday, 15 September 2022");
        assert_eq!(date("formal", "en"), "15 September 2022");
        assert_eq!(date("short", "km"), "១៥/៩/២០២២");
        assert_eq!(date("header", "km"), "ថ្ងៃព្រហស្បតិ៍ ១៥/០៩/២០២២");
        assert_eq!(date("formal", "km"), "ថ្ងៃទី១៥ ខែកញ្ញា ឆ្នាំ២០២២");
        // 10/5/2019 was a Friday.
        let friday =
            render(&c, r#"{{ "2019-05-10" | local_date(format="header") }}"#, Some("en")).expect("d");
        assert_eq!(friday, "Friday, 10 May 2019");
        assert!(render(&c, r#"{{ "2022-09-15" | local_date(format="x") }}"#, None).is_err());
    }

    #[test]
    fn the_vietnamese_table_gives_what_vi_date_gives() {
        let c = theme();
        // Every day of four years, a leap year among them.
        for day in 0..(4 * 366) {
            let d = crate::vi::dates::DateTime::from_unix(1_577_836_800 + day * 86_400);
            assert_eq!(c.date("vi", &d, "short").as_deref(), Ok(d.fmt_short().as_str()));
            assert_eq!(c.date("vi", &d, "header").as_deref(), Ok(d.fmt_header().as_str()));
            assert_eq!(c.date("vi", &d, "formal").as_deref(), Ok(d.fmt_formal().as_str()));
        }
    }
}
