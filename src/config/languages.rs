//! `languages:` in loa.yaml (issue 28): the languages of the site besides the default one
//! (`language:`, at the root of the site), each by its code with its name and optionally its
//! own title, description, URL prefix and `base_url`. Read with the rest of loa.yaml by
//! `config.rs`; this file holds the types, their checks and the per-language config.

use serde::Deserialize;

use crate::content::OrderedMap;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// One language as written under `languages:`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLanguage {
    /// Its name in itself (`English`, `ភាសាខ្មែរ`), shown by the language switcher.
    pub name: String,
    /// The site's title in that language (the default title when not given).
    pub title: Option<String>,
    /// The site's description in that language.
    pub description: Option<String>,
    /// URL prefix of its pages (`/en/` by default).
    pub prefix: Option<String>,
    /// Its own address (`https://en.khuyenhoc.example`), when it is served from another host.
    pub base_url: Option<String>,
}

/// The keys a language under `languages:` accepts (for hints).
pub const LANGUAGE_KEYS: &str = "name, title, description, prefix, base_url";

/// One language of the site besides the default one, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// Its code (`en`, `km`): the file-name suffix of its pages (`ten-bai.en.md`).
    pub code: String,
    /// Its name in itself, from `name`.
    pub name: String,
    /// The site's title in it, from `title` (else the site's `title`).
    pub title: String,
    /// The site's description in it, from `description` (empty when not given).
    pub description: String,
    /// Folder of its output and path of its URLs, without slashes around it (`en`).
    pub prefix: String,
    /// Its own `base_url` (without trailing slash), when given.
    pub base_url: Option<String>,
}

pub use crate::content::translation::is_language_code;

/// The prefix as a folder (`en`, `tieng-anh/en`), or why it is refused. Written `/en/`, `en`
/// or `/en`; only lowercase ASCII letters, digits and `-` between slashes.
pub fn prefix_folder(prefix: &str) -> Result<String, String> {
    let trimmed = prefix.trim().trim_matches('/');
    if trimmed.is_empty() {
        return Err(format!(
            "tiền tố `{prefix}` rỗng: các ngôn ngữ khác không được dùng chung gốc của trang"
        ));
    }
    let ok = trimmed.split('/').all(|seg| {
        !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    if !ok {
        return Err(format!(
            "tiền tố `{prefix}` chỉ được gồm chữ thường không dấu, số và `-` giữa các dấu `/`"
        ));
    }
    Ok(trimmed.to_string())
}

/// A problem of `languages:`: the dotted key it is about (`languages.en.prefix`), the
/// message and the hint.
pub type Problem = (String, String, String);

/// Checks `languages:`: a [`Problem`] for each code that is no language code or is the
/// default language, each bad or repeated prefix and `base_url`. Gives the languages that
/// passed, in written order.
pub fn check(
    raw: &OrderedMap<RawLanguage>,
    default: &str,
    site_title: &str,
) -> (Vec<Language>, Vec<Problem>) {
    let mut out: Vec<Language> = Vec::new();
    let mut problems = Vec::new();
    for (code, l) in &raw.0 {
        if !is_language_code(code) {
            problems.push((
                format!("languages.{code}"),
                format!("`languages`: `{code}` không phải mã ngôn ngữ"),
                "dùng mã ISO 639 viết thường, ví dụ `en`, `km`, `hmn` (English: two or three lowercase letters)"
                    .to_string(),
            ));
            continue;
        }
        if code == default {
            problems.push((
                format!("languages.{code}"),
                format!("`languages`: `{code}` là ngôn ngữ mặc định của trang (`language: {default}`)"),
                format!("bỏ `{code}` khỏi `languages:`; các trang tiếng mặc định không cần hậu tố"),
            ));
            continue;
        }
        if l.name.trim().is_empty() {
            problems.push((
                format!("languages.{code}.name"),
                format!("`languages.{code}`: thiếu `name`"),
                format!("ghi tên ngôn ngữ bằng chính nó, ví dụ `{code}: {{name: English}}`"),
            ));
            continue;
        }
        let prefix = match prefix_folder(l.prefix.as_deref().unwrap_or(code)) {
            Ok(p) => p,
            Err(msg) => {
                problems.push((
                    format!("languages.{code}.prefix"),
                    format!("`languages.{code}.prefix`: {msg}"),
                    format!("ví dụ `prefix: /{code}/`"),
                ));
                continue;
            }
        };
        if let Some(other) = out.iter().find(|o| o.prefix == prefix) {
            problems.push((
                format!("languages.{code}.prefix"),
                format!("`languages.{code}`: tiền tố `/{prefix}/` đã là của `{}`", other.code),
                "mỗi ngôn ngữ cần một tiền tố riêng".to_string(),
            ));
            continue;
        }
        let base_url = match l.base_url.as_deref().map(super::base_url::parse_base_url).transpose() {
            Ok(u) => u.map(|(url, _)| url),
            Err(msg) => {
                problems.push((
                    format!("languages.{code}.base_url"),
                    format!("`languages.{code}.base_url`: {msg}"),
                    "viết địa chỉ đầy đủ, ví dụ `base_url: https://en.khuyenhoc.example.vn`".to_string(),
                ));
                continue;
            }
        };
        out.push(Language {
            code: code.clone(),
            name: l.name.trim().to_string(),
            title: l.title.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| site_title.to_string()),
            description: l.description.clone().unwrap_or_default(),
            prefix,
            base_url,
        });
    }
    (out, problems)
}

/// The name of the default language for the switcher: its name in itself for the languages
/// loa knows, else its code.
pub fn default_name(code: &str) -> String {
    match code {
        "vi" => "Tiếng Việt",
        "en" => "English",
        "km" => "ភាសាខ្មែរ",
        "fr" => "Français",
        "zh" => "中文",
        _ => code,
    }
    .to_string()
}

/// [`check`]'s problems as diagnostics of `file` (loa.yaml, whose text is `text`), each at the
/// line of its key, else of its language, else of `languages:`.
pub fn diagnostics(problems: Vec<Problem>, text: &str, file: &str) -> Diagnostics {
    let nested = crate::parse::nested_key_lines(text);
    let mut diags = Diagnostics::new();
    for (key, msg, hint) in problems {
        let mut path = key.as_str();
        let line = loop {
            if let Some((_, l)) = nested.iter().find(|(k, _)| k == path) {
                break *l;
            }
            match path.rsplit_once('.') {
                Some((parent, _)) => path = parent,
                None => break 0,
            }
        };
        let loc = if line == 0 { Location::file(file) } else { Location::at(file, line, 1) };
        diags.push(Diagnostic::error("config", loc, msg).with_hint(hint));
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(yaml: &str) -> OrderedMap<RawLanguage> {
        serde_yaml::from_str(yaml).expect("yaml")
    }

    #[test]
    fn language_codes_are_two_or_three_letters_with_an_optional_region() {
        for ok in ["en", "km", "hmn", "pt-br", "zh-hans"] {
            assert!(is_language_code(ok), "{ok}");
        }
        for bad in ["e", "engl", "EN", "en_", "1a", "en-", "v2", "ubnd", "en-b"] {
            assert!(!is_language_code(bad), "{bad}");
        }
    }

    #[test]
    fn prefixes_default_to_the_code_and_are_checked() {
        let (langs, problems) =
            check(&raw("en: {name: English}\nkm: {name: Khmer, prefix: /khmer/}\n"), "vi", "T");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(langs[0].prefix, "en");
        assert_eq!(langs[0].title, "T");
        assert_eq!(langs[1].prefix, "khmer");
        for bad in ["/", "", "/en us/", "/Anh/", "a//b", "/../"] {
            let (_, problems) = check(&raw(&format!("en: {{name: E, prefix: \"{bad}\"}}\n")), "vi", "T");
            assert_eq!(problems.len(), 1, "{bad}");
            assert!(problems[0].1.contains("prefix"), "{bad}: {problems:?}");
        }
    }

    #[test]
    fn the_default_language_a_bad_code_a_shared_prefix_and_a_bad_base_url_are_refused() {
        let (langs, problems) = check(
            &raw(
                "vi: {name: Việt}\nEnglish: {name: E}\nen: {name: E}\nfr: {name: F, prefix: en}\nkm: {name: K, base_url: km.example}\n",
            ),
            "vi",
            "T",
        );
        assert_eq!(langs.iter().map(|l| l.code.as_str()).collect::<Vec<_>>(), ["en"]);
        let text = format!("{problems:?}");
        for part in ["ngôn ngữ mặc định", "không phải mã ngôn ngữ", "đã là của `en`", "km.base_url"]
        {
            assert!(text.contains(part), "{part}: {text}");
        }
    }
}
