//! Dates in a language, from the `dates:` table of its i18n file: month and weekday names,
//! the digits numbers are written with, and named formats (`short`, `header`, `formal`) whose
//! placeholders are `{d}` `{dd}` (day, two digits), `{m}` `{mm}` (month number), `{month}`
//! (its name), `{y}` `{yyyy}` (year, four digits) and `{weekday}`.
//!
//! Takes a date (`vi::dates::DateTime`, in the audience's time zone) and tables; gives text.
//! Must not: read files or know Tera. The Vietnamese table of the theme gives exactly what
//! `vi_date` gives (a unit test holds them together).

use std::collections::BTreeMap;

use crate::vi::dates::DateTime;

/// The `dates:` block of a language file; every part optional (a missing one is taken from
/// the default language's table).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DateTable {
    /// The twelve month names, January first.
    pub months: Option<Vec<String>>,
    /// The seven weekday names, Monday first.
    pub weekdays: Option<Vec<String>>,
    /// The ten digits, zero first, when the language does not write `0123456789` (Khmer).
    pub digits: Option<Vec<char>>,
    /// Format name → pattern.
    pub formats: BTreeMap<String, String>,
}

impl DateTable {
    /// `other`'s parts over these (formats key by key).
    pub fn merge(&mut self, other: DateTable) {
        if other.months.is_some() {
            self.months = other.months;
        }
        if other.weekdays.is_some() {
            self.weekdays = other.weekdays;
        }
        if other.digits.is_some() {
            self.digits = other.digits;
        }
        self.formats.extend(other.formats);
    }

    /// The parts this table has and `other` lacks, as keys of the file (`dates.months`,
    /// `dates.formats.header`). Digits are not listed: most languages write `0123456789`.
    pub fn missing_in(&self, other: &DateTable) -> Vec<String> {
        let mut out = Vec::new();
        if self.months.is_some() && other.months.is_none() {
            out.push("dates.months".to_string());
        }
        if self.weekdays.is_some() && other.weekdays.is_none() {
            out.push("dates.weekdays".to_string());
        }
        for f in self.formats.keys().filter(|f| !other.formats.contains_key(*f)) {
            out.push(format!("dates.formats.{f}"));
        }
        out
    }
}

/// `text` with its ASCII digits written with `digits` (zero first); a text with anything but
/// digits stays as it is (only numbers are localised, not codes such as `49-KL/TW`).
pub fn with_digits(text: &str, digits: &[char]) -> String {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return text.to_string();
    }
    text.chars().map(|c| c.to_digit(10).and_then(|i| digits.get(i as usize)).copied().unwrap_or(c)).collect()
}

/// Date `d` in format `format`, each part from the first of `tables` that has it (the page's
/// language first, then its fallbacks).
pub fn format(tables: &[&DateTable], d: &DateTime, format: &str) -> Result<String, String> {
    let Some(pattern) = tables.iter().find_map(|t| t.formats.get(format)) else {
        let mut known: Vec<&str> = tables.iter().flat_map(|t| t.formats.keys().map(String::as_str)).collect();
        known.sort_unstable();
        known.dedup();
        return Err(format!("local_date: không có kiểu `{format}` (các kiểu có: {})", known.join(", ")));
    };
    let digits = tables.iter().find_map(|t| t.digits.as_deref());
    let number = |n: i64, width: usize| -> String {
        let plain = format!("{n:0width$}");
        match digits {
            Some(ds) => with_digits(&plain, ds),
            None => plain,
        }
    };
    let name = |list: Option<&Vec<String>>, i: usize, what: &str| -> Result<String, String> {
        list.and_then(|l| l.get(i))
            .cloned()
            .ok_or_else(|| format!("local_date: thiếu tên {what} trong bảng `dates:`"))
    };
    let (y, m, day) = (i64::from(d.year()), d.month(), d.day());
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern.as_str();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push('{');
            rest = after;
            continue;
        };
        let part = match &after[..close] {
            "d" => number(i64::from(day), 1),
            "dd" => number(i64::from(day), 2),
            "m" => number(i64::from(m), 1),
            "mm" => number(i64::from(m), 2),
            "y" => number(y, 1),
            "yyyy" => number(y, 4),
            "month" => name(tables.iter().find_map(|t| t.months.as_ref()), m as usize - 1, "tháng")?,
            "weekday" => name(tables.iter().find_map(|t| t.weekdays.as_ref()), d.weekday_index(), "thứ")?,
            other => {
                return Err(format!(
                    "local_date: kiểu `{format}` có chỗ trống lạ `{{{other}}}` (dùng {{d}}, {{dd}}, {{m}}, {{mm}}, {{month}}, {{y}}, {{yyyy}}, {{weekday}})"
                ));
            }
        };
        out.push_str(&part);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}
