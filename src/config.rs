//! Site configuration: `loa.yaml` → `RawConfig` (strict) → `Config` (validated, paths resolved).
//!
//! Takes the text of `loa.yaml` and the command-line overrides; gives a `Config` or every
//! problem found, with file-absolute positions. Touches the file system only in `Config::load`
//! (reading loa.yaml, checking the theme exists); everything else is tested on strings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::parse::{self, yaml_error};

mod base_url;
pub mod bulletin;
mod editorial;
mod images;
pub mod languages;
mod menu;
pub use base_url::parse_base_url;
pub use editorial::{ApprovalMode, EditorialConfig, ForbiddenPhrase};
pub use images::{ImagesConfig, Keep as KeepImageField};
pub use languages::Language;
pub use menu::{MenuEntry, MenuLink};

/// The config file name, at the site root.
pub const CONFIG_FILE: &str = "loa.yaml";

pub use crate::content::OrderedMap;

/// One audience as declared in loa.yaml.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Audience {
    /// Display name (`Đảng viên`).
    pub name: String,
    /// One sentence on who they are.
    #[serde(default)]
    pub description: String,
}

/// Markdown options.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Pass raw HTML in Markdown through (off by default: it is dropped with a warning).
    #[serde(default)]
    pub unsafe_html: bool,
}

/// What templates may read from the environment (`security:` in loa.yaml).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityConfig {
    /// Environment variables `get_env(name=…)` may read; any other name is a template error.
    /// Empty by default: themes cannot read `GITHUB_TOKEN` or any other secret of the CI job.
    #[serde(default)]
    pub getenv: Vec<String>,
}

/// How the site writes the tone mark on `oa`, `oe`, `uy` (`hòa`/`hoà`): `loa check` warns on
/// words written the other way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ToneStyle {
    /// The traditional placement: `hòa`, `thủy`, `khỏe`.
    Old,
    /// The placement of the 1980s rules: `hoà`, `thuỷ`, `khoẻ`.
    New,
}

/// What `loa build` does with the output folder (`output:` in loa.yaml).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    /// Paths in the output folder that loa does not write and keeps across builds (`CNAME`;
    /// `.well-known/`, a folder when it ends with `/`). Everything else loa did not write is
    /// removed, except the top-level dotfiles.
    #[serde(default)]
    pub keep: Vec<String>,
}

/// Why an `output.keep` entry is refused: it must be a relative path inside the output folder
/// (no `..`, `.` or empty part), and not one of loa's own names (`.loa-…`).
pub fn keep_entry_error(entry: &str) -> Option<&'static str> {
    let path = entry.strip_suffix('/').unwrap_or(entry);
    if path.is_empty() {
        return Some("rỗng");
    }
    if path.starts_with('/') {
        return Some("phải là đường dẫn tương đối trong thư mục xuất");
    }
    if path.contains(['\\', '\0']) {
        return Some("không được chứa `\\`");
    }
    if path.split('/').any(|part| matches!(part, "" | "." | "..")) {
        return Some("không được chứa `..`, `.` hay `//`");
    }
    if path.split('/').next().is_some_and(|top| top.starts_with(".loa-") || top == ".loa.lock") {
        return Some("là tên loa dùng riêng");
    }
    None
}

/// loa.yaml as written. Every key is listed here; any other key is an error.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    title: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    #[serde(default)]
    languages: OrderedMap<languages::RawLanguage>,
    theme: Option<String>,
    output_dir: Option<String>,
    #[serde(default)]
    taxonomies: Vec<String>,
    #[serde(default)]
    audiences: OrderedMap<Audience>,
    reading_speed: Option<u32>,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    security: SecurityConfig,
    tone_style: Option<ToneStyle>,
    #[serde(default)]
    editorial: EditorialConfig,
    search: Option<bool>,
    #[serde(default)]
    output: OutputConfig,
    menu: Option<Vec<menu::RawMenuEntry>>,
    #[serde(default)]
    bulletin: bulletin::RawBulletin,
    #[serde(default)]
    images: ImagesConfig,
}

/// The keys loa.yaml accepts (for did-you-mean hints).
pub const CONFIG_KEYS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "languages",
    "theme",
    "output_dir",
    "taxonomies",
    "audiences",
    "reading_speed",
    "markdown",
    "security",
    "tone_style",
    "editorial",
    "search",
    "output",
    "menu",
    "bulletin",
    "images",
];

/// Validated configuration of one site.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The site root (the folder holding loa.yaml), absolute.
    pub root: PathBuf,
    /// Site title, from `title`.
    pub title: String,
    /// Scheme, host and optional path, no trailing slash (`https://khuyenhoc.example`).
    pub base_url: String,
    /// The path part of `base_url` without a trailing slash (`""` or `/tin-tuc`), prefixed to
    /// every site-relative URL.
    pub base_path: String,
    /// Language code of the site, `vi` by default: the default language, at the root.
    pub language: String,
    /// The other languages (`languages:`), in written order; empty for a site in one language.
    pub languages: Vec<Language>,
    /// Theme folder name under `themes/`, if any.
    pub theme: Option<String>,
    /// Output folder, absolute (not yet checked for safety: `write` does that).
    pub output_dir: PathBuf,
    /// Declared taxonomies (`tags`), in written order.
    pub taxonomies: Vec<String>,
    /// Declared audiences, in written order.
    pub audiences: OrderedMap<Audience>,
    /// Syllables read per minute.
    pub reading_speed: u32,
    /// Markdown options.
    pub markdown: MarkdownConfig,
    /// Environment access allowed to templates (`security.getenv`).
    pub security: SecurityConfig,
    /// The site's tone-mark placement (`tone_style`), if it chose one.
    pub tone_style: Option<ToneStyle>,
    /// Editorial rules (`editorial.forbidden`), applied by `loa check`.
    pub editorial: EditorialConfig,
    /// Build the site search (`search`, on by default): the index under `tim-kiem/index/` and
    /// the search page. Off: neither is written, and themes hide the search form
    /// (`site.search_url` is empty).
    pub search: bool,
    /// What the build does with the output folder (`output.keep`), validated.
    pub output: OutputConfig,
    /// The navigation written in `menu:`, in display order; `None`: the default one (the
    /// top-level sections, then the top-level pages).
    pub menu: Option<Vec<MenuEntry>>,
    /// How the scripts for the loudspeakers are read (`bulletin:`, issue 26).
    pub bulletin: bulletin::BulletinConfig,
    /// How images are published (`images:`).
    pub images: ImagesConfig,
}

/// Overrides from the command line.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--output-dir`, relative to the current folder.
    pub output_dir: Option<PathBuf>,
    /// `--base-url`.
    pub base_url: Option<String>,
}

impl Config {
    /// Reads `<root>/loa.yaml` and validates it (the theme must exist).
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Config, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read(&path) {
            Ok(bytes) => parse::decode_text(&bytes, CONFIG_FILE)?,
            Err(e) => {
                return Err(Diagnostic::error(
                    "config",
                    Location::file(CONFIG_FILE),
                    format!("không đọc được {CONFIG_FILE}: {e}"),
                )
                .with_hint(format!(
                    "chạy loa trong thư mục của trang (nơi có {CONFIG_FILE}) hoặc dùng --root"
                ))
                .into());
            }
        };
        let mut config = Config::parse(&text, root, overrides)?;
        config.check_theme()?;
        config.theme_images()?;
        Ok(config)
    }

    /// Parses and validates the text of loa.yaml. Pure: no file system access.
    pub fn parse(text: &str, root: &Path, overrides: &Overrides) -> Result<Config, Diagnostics> {
        parse::prescan_yaml(text, CONFIG_FILE, 0)?;
        let raw: RawConfig =
            if text.trim().is_empty() { serde_yaml::from_str("{}") } else { serde_yaml::from_str(text) }
                .map_err(|e| yaml_error(&e, text, CONFIG_FILE, 0, CONFIG_KEYS))?;
        let keys = parse::top_level_key_lines(text);
        let at = |key: &str| {
            let line = keys.iter().find(|(k, _)| k == key).map_or(0, |(_, l)| *l);
            Location::at(CONFIG_FILE, line, if line == 0 { 0 } else { 1 })
        };
        let mut diags = Diagnostics::new();

        let title = raw.title.unwrap_or_default();
        if title.trim().is_empty() {
            diags.push(
                Diagnostic::error("config", Location::file(CONFIG_FILE), "thiếu `title`")
                    .with_hint("thêm dòng `title: Tên trang` vào loa.yaml"),
            );
        }
        let url = overrides.base_url.clone().or(raw.base_url).unwrap_or_default();
        let (base_url, base_path) = match parse_base_url(&url) {
            Ok(v) => v,
            Err(msg) => {
                let loc =
                    if overrides.base_url.is_some() { Location::file("--base-url") } else { at("base_url") };
                diags.push(
                    Diagnostic::error("config", loc, msg)
                        .with_hint("viết địa chỉ đầy đủ, ví dụ `base_url: https://khuyenhoc.example.vn`"),
                );
                (String::new(), String::new())
            }
        };
        let mut taxonomies = Vec::new();
        for t in raw.taxonomies {
            let slug = crate::vi::slugify(&t);
            if slug.is_empty() || slug != t {
                diags.push(
                    Diagnostic::error(
                        "config",
                        at("taxonomies"),
                        format!("tên phân loại `{t}` phải viết bằng chữ thường không dấu, nối bằng `-`"),
                    )
                    .with_hint(format!("dùng `{}`", if slug.is_empty() { "tags" } else { &slug })),
                );
            } else if taxonomies.contains(&t) {
                diags.push(Diagnostic::error(
                    "config",
                    at("taxonomies"),
                    format!("phân loại `{t}` được khai báo hai lần"),
                ));
            } else {
                taxonomies.push(t);
            }
        }
        for (id, _) in &raw.audiences.0 {
            if crate::vi::slugify(id) != *id {
                diags.push(
                    Diagnostic::error(
                        "config",
                        at("audiences"),
                        format!("mã đối tượng `{id}` phải viết bằng chữ thường không dấu, nối bằng `-`"),
                    )
                    .with_hint(format!("dùng `{}`", crate::vi::slugify(id))),
                );
            }
        }
        for name in &raw.security.getenv {
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                diags.push(
                    Diagnostic::error(
                        "config",
                        at("security"),
                        format!("`security.getenv`: `{name}` không phải tên biến môi trường"),
                    )
                    .with_hint("chỉ dùng chữ cái, số và `_`, ví dụ `getenv: [LOA_BUILD_ID]`"),
                );
            }
        }
        for (msg, hint) in editorial::check(&raw.editorial) {
            diags.push(Diagnostic::error("config", at("editorial"), msg).with_hint(hint));
        }
        for entry in &raw.output.keep {
            if let Some(why) = keep_entry_error(entry) {
                diags.push(
                    Diagnostic::error("config", at("output"), format!("`output.keep`: `{entry}` {why}"))
                        .with_hint(
                            "ghi đường dẫn tương đối trong thư mục xuất, ví dụ `output: {keep: [CNAME, .well-known/]}`",
                        ),
                );
            }
        }
        let menu = match raw.menu.map(|m| menu::entries(m, text)).transpose() {
            Ok(m) => m,
            Err(e) => {
                diags.extend(e);
                None
            }
        };
        let output_dir = match &overrides.output_dir {
            Some(p) => std::env::current_dir().map(|cwd| cwd.join(p)).unwrap_or_else(|_| p.clone()),
            None => root.join(raw.output_dir.as_deref().unwrap_or("public")),
        };
        let language = raw.language.unwrap_or_else(|| "vi".to_string());
        let (languages, problems) = languages::check(&raw.languages, &language, &title);
        diags.extend(languages::diagnostics(problems, text, CONFIG_FILE));
        let (widths, sizes) = (raw.images.widths.as_deref(), raw.images.sizes.as_deref());
        diags.extend(Diagnostics(images::check(widths, sizes, text, CONFIG_FILE)));
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Config {
            root: root.to_path_buf(),
            title,
            base_url,
            base_path,
            language,
            languages,
            theme: raw.theme,
            output_dir,
            taxonomies,
            audiences: raw.audiences,
            reading_speed: raw.reading_speed.filter(|&r| r > 0).unwrap_or(200),
            markdown: raw.markdown,
            security: raw.security,
            tone_style: raw.tone_style,
            editorial: raw.editorial,
            search: raw.search.unwrap_or(true),
            output: raw.output,
            menu,
            bulletin: raw.bulletin.into(),
            images: raw.images,
        })
    }

    /// Fills `images.widths` and `images.sizes` not set in loa.yaml from the theme's
    /// theme.yaml (`images:`), the site's theme folder or the built-in theme's.
    fn theme_images(&mut self) -> Result<(), Diagnostics> {
        let (text, file) = match (self.theme_dir(), self.builtin_theme()) {
            (Some(dir), _) => match std::fs::read(dir.join("theme.yaml")) {
                Ok(bytes) => {
                    let file = format!("themes/{}/theme.yaml", self.theme.as_deref().unwrap_or_default());
                    (parse::decode_text(&bytes, &file)?, file)
                }
                Err(_) => return Ok(()),
            },
            (None, true) => match crate::theme::all_files().iter().find(|(p, _)| *p == "theme.yaml") {
                Some((_, bytes)) => {
                    (String::from_utf8_lossy(bytes).into_owned(), "theme.yaml (giao diện loa)".into())
                }
                None => return Ok(()),
            },
            (None, false) => return Ok(()),
        };
        let theme = images::parse_theme(&text, &file)?;
        self.images.widths = self.images.widths.take().or(theme.widths);
        self.images.sizes = self.images.sizes.take().or(theme.sizes);
        Ok(())
    }

    /// The theme folder must exist when one is named.
    fn check_theme(&self) -> Result<(), Diagnostics> {
        let Some(theme) = &self.theme else {
            return Ok(());
        };
        let dir = self.root.join("themes").join(theme);
        if theme.contains(['/', '\\'])
            || theme.contains("..")
            || !(dir.is_dir() || theme == crate::theme::BUILTIN)
        {
            let mut available: Vec<String> = std::fs::read_dir(self.root.join("themes"))
                .map(|rd| {
                    rd.filter_map(|e| e.ok())
                        .filter(|e| e.path().is_dir())
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            if !available.iter().any(|a| a == crate::theme::BUILTIN) {
                available.push(crate::theme::BUILTIN.to_string());
            }
            available.sort();
            let keys = parse::top_level_key_lines(
                &std::fs::read_to_string(self.root.join(CONFIG_FILE)).unwrap_or_default(),
            );
            let line = keys.iter().find(|(k, _)| k == "theme").map_or(0, |(_, l)| *l);
            return Err(Diagnostic::error(
                "config",
                Location::at(CONFIG_FILE, line, if line == 0 { 0 } else { 1 }),
                format!("không tìm thấy giao diện `{theme}` trong themes/"),
            )
            .with_hint(if available.is_empty() {
                "thư mục themes/ không có giao diện nào".to_string()
            } else {
                format!("các giao diện có sẵn: {}", available.join(", "))
            })
            .into());
        }
        Ok(())
    }

    /// The folder of the theme, if the site has it (not for the theme carried by loa).
    pub fn theme_dir(&self) -> Option<PathBuf> {
        self.theme.as_ref().map(|t| self.root.join("themes").join(t)).filter(|d| d.is_dir())
    }

    /// True when the site uses the theme carried inside loa (`theme: loa` and no
    /// `themes/loa/` folder of its own).
    pub fn builtin_theme(&self) -> bool {
        self.theme.as_deref() == Some(crate::theme::BUILTIN) && self.theme_dir().is_none()
    }

    /// A site-relative URL (`/bai-viet/x/`) with the base path in front.
    pub fn url(&self, path: &str) -> String {
        // Not `format!`: tens of thousands of URLs a build, and the formatting machinery cost
        // several times the copying.
        [self.base_path.as_str(), path].concat()
    }

    /// An absolute URL for a site-relative path.
    pub fn permalink(&self, path: &str) -> String {
        let origin = &self.base_url[..self.base_url.len() - self.base_path.len()];
        [origin, self.base_path.as_str(), path].concat()
    }
}

/// Ids of the declared audiences, for hints.
pub fn audience_ids(config: &Config) -> Vec<&str> {
    config.audiences.keys().collect()
}

/// Declared taxonomies keyed by name, for lookups.
pub fn taxonomy_set(config: &Config) -> BTreeMap<&str, ()> {
    config.taxonomies.iter().map(|t| (t.as_str(), ())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Diagnostics> {
        Config::parse(text, Path::new("/site"), &Overrides::default())
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = parse("title: T\nbase_url: https://x.vn/\n").expect("valid");
        assert_eq!(c.language, "vi");
        assert_eq!(c.reading_speed, 200);
        assert_eq!(c.base_url, "https://x.vn");
        assert_eq!(c.base_path, "");
        assert_eq!(c.output_dir, Path::new("/site/public"));
        assert_eq!(c.permalink("/a/"), "https://x.vn/a/");
    }

    #[test]
    fn base_url_with_path_prefixes_urls() {
        let c = parse("title: T\nbase_url: https://x.vn/tin/\n").expect("valid");
        assert_eq!(c.base_path, "/tin");
        assert_eq!(c.url("/a/"), "/tin/a/");
        assert_eq!(c.permalink("/a/"), "https://x.vn/tin/a/");
    }

    #[test]
    fn base_url_without_scheme_or_empty_is_an_error() {
        for bad in ["x.vn", "", "ftp://x.vn", "https://", "https://x.vn/?a"] {
            assert!(parse_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_key_names_its_line_and_the_closest_key() {
        let err = parse("title: T\nbase_url: https://x.vn\nthem: loa\n").unwrap_err();
        let d = &err.0[0];
        assert_eq!(d.location.as_ref().map(|l| l.line), Some(3));
        assert!(d.message.contains("them"), "{d}");
        assert!(d.hint.as_deref().unwrap_or("").contains("theme"), "{d}");
    }

    #[test]
    fn audiences_keep_written_order() {
        let c = parse("title: T\nbase_url: https://x.vn\naudiences:\n  z-a: {name: Z}\n  a-b: {name: A}\n")
            .expect("valid");
        assert_eq!(c.audiences.keys().collect::<Vec<_>>(), ["z-a", "a-b"]);
    }

    #[test]
    fn security_tone_and_editorial_keys() {
        let c = parse(
            "title: T\nbase_url: https://x.vn\nsecurity:\n  getenv: [LOA_BUILD]\ntone_style: old\neditorial:\n  forbidden:\n    - phrase: Kết luận 49 của Bộ Chính trị\n      hint: do Ban Bí thư ban hành\n",
        )
        .expect("valid");
        assert_eq!(c.security.getenv, ["LOA_BUILD"]);
        assert_eq!(c.tone_style, Some(ToneStyle::Old));
        assert_eq!(c.editorial.forbidden[0].hint, "do Ban Bí thư ban hành");
        assert!(parse("title: T\nbase_url: https://x.vn\nsecurity: {getenv: [\"A B\"]}\n").is_err());
        assert!(parse("title: T\nbase_url: https://x.vn\ntone_style: moi\n").is_err());
    }

    #[test]
    fn search_is_on_unless_switched_off() {
        let on = parse("title: T\nbase_url: https://x.vn\n").expect("valid");
        assert!(on.search);
        let off = parse("title: T\nbase_url: https://x.vn\nsearch: false\n").expect("valid");
        assert!(!off.search);
        let err = parse("title: T\nbase_url: https://x.vn\nsearch: tắt\n").unwrap_err();
        assert_eq!(err.0[0].location.as_ref().map(|l| l.line), Some(3), "{err:?}");
        let hint = err.0[0].hint.as_deref().unwrap_or_default();
        assert!(hint.contains("`true`") && hint.contains("`false`"), "{hint}");
    }

    #[test]
    fn wrong_type_points_at_the_value() {
        let err = parse("title: T\nbase_url: https://x.vn\nreading_speed: nhanh\n").unwrap_err();
        assert_eq!(err.0[0].location.as_ref().map(|l| l.line), Some(3));
    }

    #[test]
    fn output_keep_takes_relative_paths_and_folders() {
        let c = parse("title: T\nbase_url: https://x.vn\noutput:\n  keep: [CNAME, .well-known/, a/b.txt]\n")
            .expect("valid");
        assert_eq!(c.output.keep, ["CNAME", ".well-known/", "a/b.txt"]);
        assert!(parse("title: T\nbase_url: https://x.vn\n").expect("valid").output.keep.is_empty());
        for bad in [
            "../x",
            "/etc/passwd",
            "a/../b",
            "a//b",
            "./a",
            "\"\"",
            "/",
            ".loa-output",
            ".loa.lock",
            "a\\\\b",
        ] {
            let err =
                parse(&format!("title: T\nbase_url: https://x.vn\noutput: {{keep: [{bad}]}}\n")).unwrap_err();
            assert_eq!(err.0[0].location.as_ref().map(|l| l.line), Some(3), "{bad}: {err:?}");
            assert!(err.0[0].message.contains("output.keep"), "{bad}: {err:?}");
        }
        let err = parse("title: T\nbase_url: https://x.vn\noutput: {kep: [CNAME]}\n").unwrap_err();
        assert!(err.0[0].message.contains("`keep`"), "{err:?}");
    }
}
