//! The theme's words in each language (issue 28): the strings templates print with
//! `t(key="…")` and the date formats of `local_date`, read from the theme's and the site's
//! `i18n/<language>.yaml` files.
//!
//! Takes the tables of the files (already parsed: `parse::i18n`), layer by layer: the theme's
//! first, then the site's, each overriding key by key. Gives a [`Catalog`]: the string of a key
//! in a language, falling back to the site's default language (then `vi`) when a language lacks
//! it; the keys each language lacks (for `loa check`); dates formatted from a language's table
//! ([`dates`]).
//! Must not: read files, know Tera, or print.

pub mod dates;

use std::collections::BTreeMap;

pub use dates::DateTable;

/// A string of a language file: plain, or with a form for one and for other counts
/// (`{one: "{n} article", other: "{n} articles"}`), chosen by the `n` argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    /// The same words for any count.
    One(String),
    /// The words for `n = 1` and for other counts.
    Plural {
        /// For `n = 1`.
        one: String,
        /// For any other `n` (and when no `n` is given).
        other: String,
    },
}

impl Text {
    /// The form for count `n` (`other` without a count).
    pub fn form(&self, n: Option<i64>) -> &str {
        match self {
            Text::One(s) => s,
            Text::Plural { one, other } => {
                if n == Some(1) {
                    one
                } else {
                    other
                }
            }
        }
    }
}

/// One language file, as read: its strings and its date table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Key → string.
    pub strings: BTreeMap<String, Text>,
    /// Month and weekday names, digits and date formats.
    pub dates: DateTable,
}

/// Where a lookup found its string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Found<'a> {
    /// In the language asked for.
    Own(&'a Text),
    /// Not in that language: in the default language (or `vi`).
    Fallback(&'a Text),
    /// In no language at all.
    Unknown,
}

/// No language has the key asked for ([`Catalog::format`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownKey;

/// Every language's strings, the layers merged.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// The site's default language (`language:` of loa.yaml), the first fallback.
    default: String,
    /// Language code → merged table.
    langs: BTreeMap<String, Table>,
    /// Language code → the files that gave it strings, in layer order (theme first).
    files: BTreeMap<String, Vec<String>>,
}

/// The language every string falls back to last: the theme is written in Vietnamese first.
pub const BASE_LANGUAGE: &str = "vi";

impl Catalog {
    /// An empty catalog for a site whose default language is `default`.
    pub fn new(default: &str) -> Catalog {
        Catalog { default: default.to_string(), ..Catalog::default() }
    }

    /// Adds language `lang`'s table from `file` over what earlier layers gave it: each of its
    /// keys (and each date field and format) replaces the earlier one, the others stay.
    pub fn add(&mut self, lang: &str, file: &str, table: Table) {
        let into = self.langs.entry(lang.to_string()).or_default();
        into.strings.extend(table.strings);
        into.dates.merge(table.dates);
        self.files.entry(lang.to_string()).or_default().push(file.to_string());
    }

    /// The site's default language.
    pub fn default_language(&self) -> &str {
        &self.default
    }

    /// The languages that have a file, in code order.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.langs.keys().map(String::as_str)
    }

    /// The files that gave language `lang` strings, theme first, site last.
    pub fn files_of(&self, lang: &str) -> &[String] {
        self.files.get(lang).map_or(&[], Vec::as_slice)
    }

    /// The languages a missing string is looked for in after `lang`: the default language,
    /// then `vi`.
    fn chain<'a>(&'a self, lang: &str) -> impl Iterator<Item = &'a Table> + 'a {
        let skip_default = self.default == lang;
        let skip_base = lang == BASE_LANGUAGE;
        [(self.default.as_str(), skip_default), (BASE_LANGUAGE, skip_base)]
            .into_iter()
            .filter(|(_, skip)| !skip)
            .filter_map(|(l, _)| self.langs.get(l))
    }

    /// The string of `key` in `lang`, or where it falls back to.
    pub fn lookup(&self, lang: &str, key: &str) -> Found<'_> {
        if let Some(t) = self.langs.get(lang).and_then(|t| t.strings.get(key)) {
            return Found::Own(t);
        }
        match self.chain(lang).find_map(|t| t.strings.get(key)) {
            Some(t) => Found::Fallback(t),
            None => Found::Unknown,
        }
    }

    /// True when some language has `key`.
    pub fn knows(&self, key: &str) -> bool {
        self.langs.values().any(|t| t.strings.contains_key(key))
    }

    /// Every key some language has, sorted (for messages and the guide).
    pub fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> =
            self.langs.values().flat_map(|t| t.strings.keys().map(String::as_str)).collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// The keys the default language has and `lang` does not (they are shown from the default
    /// language on `lang`'s pages), and the date fields likewise.
    pub fn missing(&self, lang: &str) -> Vec<String> {
        let Some(base) = self.langs.get(&self.default).or_else(|| self.langs.get(BASE_LANGUAGE)) else {
            return Vec::new();
        };
        let own = self.langs.get(lang);
        let mut out: Vec<String> = base
            .strings
            .keys()
            .filter(|k| !own.is_some_and(|t| t.strings.contains_key(*k)))
            .cloned()
            .collect();
        let empty = DateTable::default();
        out.extend(base.dates.missing_in(own.map_or(&empty, |t| &t.dates)));
        out
    }

    /// The string of `key` in `lang` with its `{name}` placeholders replaced by `args`; the
    /// plural form is chosen by the argument `n` when there is one. `Err` when no language has
    /// the key: the caller makes the message ([`Catalog::unknown_key`]) only when it shows it
    /// (a template's `default=` does not: that did-you-mean over every key, thrown away, was 5–11 % of
    /// a 10,000-article build's CPU).
    pub fn format(&self, lang: &str, key: &str, args: &[(&str, String)]) -> Result<String, UnknownKey> {
        let text = match self.lookup(lang, key) {
            Found::Own(t) | Found::Fallback(t) => t,
            Found::Unknown => return Err(UnknownKey),
        };
        let n = args.iter().find(|(k, _)| *k == "n").and_then(|(_, v)| v.parse::<i64>().ok());
        // Numbers in the language's own digits (Khmer writes ០១២…).
        match self.langs.get(lang).and_then(|t| t.dates.digits.as_deref()) {
            Some(digits) => {
                let local: Vec<(&str, String)> =
                    args.iter().map(|(k, v)| (*k, dates::with_digits(v, digits))).collect();
                Ok(fill(text.form(n), &local))
            }
            None => Ok(fill(text.form(n), args)),
        }
    }

    /// The message for a key no language has, with the closest known key (a did-you-mean over
    /// every key: made only when shown).
    pub fn unknown_key(&self, key: &str) -> String {
        let hint = crate::diagnostics::did_you_mean(key, self.keys())
            .map(|s| format!(" (có phải ý bạn là `{s}`?)"))
            .unwrap_or_default();
        format!("t: không có chuỗi `{key}` trong tệp dịch nào (i18n/*.yaml){hint}")
    }

    /// Date `d` in `lang` in format `format` (`short`, `header`, `formal`, or one a table
    /// adds); each part missing in `lang`'s table (a format, the month names…) is taken from
    /// the default language's, then `vi`'s.
    pub fn date(&self, lang: &str, d: &crate::vi::dates::DateTime, format: &str) -> Result<String, String> {
        let tables: Vec<&DateTable> =
            self.langs.get(lang).into_iter().chain(self.chain(lang)).map(|t| &t.dates).collect();
        dates::format(&tables, d, format)
    }
}

/// `pattern` with each `{name}` replaced by the argument of that name; a `{name}` with no
/// argument stays as it is (a translator's typo shows on the page rather than vanishing).
pub fn fill(pattern: &str, args: &[(&str, String)]) -> String {
    if !pattern.contains('{') {
        return pattern.to_string();
    }
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if args.iter().any(|(k, _)| *k == &after[..close]) => {
                let name = &after[..close];
                if let Some((_, v)) = args.iter().find(|(k, _)| *k == name) {
                    out.push_str(v);
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(pairs: &[(&str, &str)]) -> Table {
        Table {
            strings: pairs.iter().map(|(k, v)| (k.to_string(), Text::One(v.to_string()))).collect(),
            dates: DateTable::default(),
        }
    }

    fn catalog() -> Catalog {
        let mut c = Catalog::new("vi");
        c.add("vi", "themes/loa/i18n/vi.yaml", table(&[("share", "Chia sẻ"), ("read_more", "Đọc thêm")]));
        c.add("en", "themes/loa/i18n/en.yaml", table(&[("share", "Share")]));
        c
    }

    #[test]
    fn a_key_is_found_in_its_language() {
        assert_eq!(catalog().format("en", "share", &[]).as_deref(), Ok("Share"));
        assert_eq!(catalog().format("vi", "share", &[]).as_deref(), Ok("Chia sẻ"));
    }

    #[test]
    fn a_key_missing_in_a_language_falls_back_to_vietnamese() {
        let c = catalog();
        assert_eq!(c.lookup("en", "read_more"), Found::Fallback(&Text::One("Đọc thêm".into())));
        assert_eq!(c.format("en", "read_more", &[]).as_deref(), Ok("Đọc thêm"));
        // A language with no file at all.
        assert_eq!(c.format("km", "share", &[]).as_deref(), Ok("Chia sẻ"));
        assert_eq!(c.missing("en"), vec!["read_more".to_string()]);
        assert!(c.missing("vi").is_empty());
    }

    #[test]
    fn the_site_overrides_the_theme_key_by_key() {
        let mut c = catalog();
        c.add("vi", "i18n/vi.yaml", table(&[("share", "Gửi bạn bè")]));
        assert_eq!(c.format("vi", "share", &[]).as_deref(), Ok("Gửi bạn bè"));
        // The keys the site does not write stay the theme's.
        assert_eq!(c.format("vi", "read_more", &[]).as_deref(), Ok("Đọc thêm"));
        assert_eq!(c.files_of("vi"), ["themes/loa/i18n/vi.yaml", "i18n/vi.yaml"]);
    }

    #[test]
    fn an_unknown_key_is_an_error_with_the_closest_key() {
        assert_eq!(catalog().format("vi", "shar", &[]), Err(UnknownKey));
        let e = catalog().unknown_key("shar");
        assert!(e.contains("`shar`") && e.contains("`share`"), "{e}");
        assert!(!catalog().knows("shar"));
    }

    #[test]
    fn placeholders_and_plural_forms() {
        let mut c = catalog();
        c.add("vi", "vi.yaml", table(&[("reading_time", "{n} phút đọc")]));
        let mut en = Table::default();
        en.strings.insert(
            "reading_time".into(),
            Text::Plural { one: "{n} minute read".into(), other: "{n} minutes read".into() },
        );
        c.add("en", "en.yaml", en);
        let n = |v: &str| vec![("n", v.to_string())];
        assert_eq!(c.format("vi", "reading_time", &n("3")).as_deref(), Ok("3 phút đọc"));
        assert_eq!(c.format("en", "reading_time", &n("1")).as_deref(), Ok("1 minute read"));
        assert_eq!(c.format("en", "reading_time", &n("3")).as_deref(), Ok("3 minutes read"));
        assert_eq!(fill("{a} và {b} {c}", &[("a", "X".into()), ("b", "Y".into())]), "X và Y {c}");
        assert_eq!(fill("{ lẻ", &[("a", "X".into())]), "{ lẻ");
    }
}
