//! A language file of a theme or a site (`i18n/en.yaml`) → an [`i18n::Table`]: its strings
//! (`key: words`, or `key: {one: …, other: …}`) and its `dates:` block.
//!
//! Takes the file's text and its name (for messages); gives the table or every problem at its
//! line. Pure: the files are read by `render::i18n`.

use serde_yaml::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::i18n::{DateTable, Table, Text};

use super::keys::nested_key_lines;
use super::yaml::yaml_error;

/// The keys of the `dates:` block.
const DATE_KEYS: &[&str] = &["months", "weekdays", "digits", "formats"];

/// Reads one language file.
pub fn i18n_file(text: &str, file: &str) -> Result<Table, Diagnostics> {
    let value: Value = if text.trim().is_empty() {
        Value::Mapping(serde_yaml::Mapping::new())
    } else {
        serde_yaml::from_str(text).map_err(|e| {
            let mut d = yaml_error(&e, text, file, 0, &[]);
            for x in &mut d.0 {
                x.code = "i18n";
            }
            d
        })?
    };
    let lines = nested_key_lines(text);
    let at = |path: &str| {
        let line = lines.iter().find(|(p, _)| p == path).map_or(1, |(_, l)| *l);
        Location::at(file, line, 1)
    };
    let mut diags = Diagnostics::new();
    let mut table = Table::default();
    let Value::Mapping(map) = value else {
        return Err(Diagnostic::error(
            "i18n",
            Location::at(file, 1, 1),
            "tệp dịch phải là một danh sách `khóa: chuỗi`",
        )
        .with_hint("mỗi dòng một chuỗi, ví dụ `share: Chia sẻ`")
        .into());
    };
    for (k, v) in map {
        let Some(key) = k.as_str().map(str::to_string) else {
            diags.push(Diagnostic::error(
                "i18n",
                Location::at(file, 1, 1),
                format!("khóa `{k:?}` không phải là chữ"),
            ));
            continue;
        };
        if key == "dates" {
            match dates(&v, &at) {
                Ok(d) => table.dates = d,
                Err(d) => diags.extend(d),
            }
            continue;
        }
        match text_of(&v) {
            Some(t) => {
                table.strings.insert(key, t);
            }
            None => diags.push(
                Diagnostic::error("i18n", at(&key), format!("giá trị của `{key}` phải là một chuỗi"))
                    .with_hint(
                        "viết `khóa: chuỗi`, hoặc `khóa: {one: …, other: …}` cho chuỗi có số đếm `{n}`",
                    ),
            ),
        }
    }
    if diags.is_empty() { Ok(table) } else { Err(diags) }
}

/// A string, or a mapping of `one` and `other` strings.
fn text_of(v: &Value) -> Option<Text> {
    match v {
        Value::String(s) => Some(Text::One(crate::vi::nfc(s))),
        Value::Mapping(m) if m.len() == 2 => {
            let one = m.get("one")?.as_str()?;
            let other = m.get("other")?.as_str()?;
            Some(Text::Plural { one: crate::vi::nfc(one), other: crate::vi::nfc(other) })
        }
        _ => None,
    }
}

/// The `dates:` block.
fn dates(v: &Value, at: &dyn Fn(&str) -> Location) -> Result<DateTable, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut table = DateTable::default();
    let Value::Mapping(m) = v else {
        return Err(Diagnostic::error("i18n", at("dates"), "`dates:` phải là một khối khóa")
            .with_hint(format!("các khóa: {}", DATE_KEYS.join(", ")))
            .into());
    };
    let names = |key: &str, count: usize| -> Result<Option<Vec<String>>, Diagnostic> {
        let Some(v) = m.get(key) else { return Ok(None) };
        let list: Option<Vec<String>> =
            v.as_sequence().and_then(|s| s.iter().map(|x| x.as_str().map(crate::vi::nfc)).collect());
        match list {
            Some(l) if l.len() == count => Ok(Some(l)),
            _ => Err(Diagnostic::error(
                "i18n",
                at(&format!("dates.{key}")),
                format!("`dates.{key}` phải là danh sách {count} chuỗi"),
            )),
        }
    };
    match names("months", 12) {
        Ok(l) => table.months = l,
        Err(d) => diags.push(d),
    }
    match names("weekdays", 7) {
        Ok(l) => table.weekdays = l,
        Err(d) => diags.push(d.with_hint("bắt đầu từ thứ Hai, kết thúc ở Chủ Nhật")),
    }
    if let Some(d) = m.get("digits") {
        match d.as_str().map(|s| s.chars().collect::<Vec<char>>()) {
            Some(ds) if ds.len() == 10 => table.digits = Some(ds),
            _ => diags.push(Diagnostic::error(
                "i18n",
                at("dates.digits"),
                "`dates.digits` phải là một chuỗi 10 chữ số, từ 0 đến 9",
            )),
        }
    }
    if let Some(f) = m.get("formats") {
        match f.as_mapping() {
            Some(fm) => {
                for (k, v) in fm {
                    match (k.as_str(), v.as_str()) {
                        (Some(k), Some(v)) => {
                            table.formats.insert(k.to_string(), crate::vi::nfc(v));
                        }
                        _ => diags.push(Diagnostic::error(
                            "i18n",
                            at("dates.formats"),
                            "mỗi kiểu trong `dates.formats` là `tên: mẫu`, ví dụ `short: \"{d}/{m}/{y}\"`",
                        )),
                    }
                }
            }
            None => diags.push(Diagnostic::error(
                "i18n",
                at("dates.formats"),
                "`dates.formats` phải là một khối khóa",
            )),
        }
    }
    for (k, _) in m {
        let name = k.as_str().unwrap_or_default();
        if !DATE_KEYS.contains(&name) {
            diags.push(
                Diagnostic::error(
                    "i18n",
                    at(&format!("dates.{name}")),
                    format!("khóa không hợp lệ `dates.{name}`"),
                )
                .with_hint(format!("các khóa của `dates:`: {}", DATE_KEYS.join(", "))),
            );
        }
    }
    if diags.is_empty() { Ok(table) } else { Err(diags) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_plurals_and_dates() {
        let t = i18n_file(
            "share: Chia sẻ\narticles: {one: \"{n} article\", other: \"{n} articles\"}\ndates:\n  digits: \"០១២៣៤៥៦៧៨៩\"\n  formats:\n    short: \"{d}/{m}/{y}\"\n",
            "i18n/x.yaml",
        )
        .expect("valid");
        assert_eq!(t.strings["share"], Text::One("Chia sẻ".into()));
        assert_eq!(t.strings["articles"].form(Some(2)), "{n} articles");
        assert_eq!(t.dates.digits.as_ref().map(Vec::len), Some(10));
        assert_eq!(t.dates.formats["short"], "{d}/{m}/{y}");
        assert_eq!(i18n_file("", "x.yaml").expect("empty"), Table::default());
    }

    #[test]
    fn bad_yaml_is_an_error_at_its_line() {
        let e = i18n_file("share: Chia sẻ\nread_more: [Đọc thêm\n", "i18n/vi.yaml").unwrap_err();
        let d = &e.0[0];
        assert_eq!(d.code, "i18n");
        assert_eq!(d.location.as_ref().map(|l| (l.file.as_str(), l.line > 1)), Some(("i18n/vi.yaml", true)));
    }

    #[test]
    fn wrong_values_are_errors_at_their_key() {
        let e = i18n_file(
            "share: Chia sẻ\nmenu:\n  - a\ndates:\n  months: [a, b]\n  weekday: []\n",
            "i18n/vi.yaml",
        )
        .unwrap_err();
        let at: Vec<(usize, &str)> =
            e.0.iter().map(|d| (d.location.as_ref().map_or(0, |l| l.line), d.message.as_str())).collect();
        assert!(at.iter().any(|(l, m)| *l == 2 && m.contains("`menu`")), "{at:?}");
        assert!(at.iter().any(|(l, m)| *l == 5 && m.contains("dates.months")), "{at:?}");
        assert!(at.iter().any(|(l, m)| *l == 6 && m.contains("dates.weekday")), "{at:?}");
    }
}
