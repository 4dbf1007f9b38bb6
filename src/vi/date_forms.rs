//! The forms in which editors write dates: front matter (`date`, `updated`, `publish_at`,
//! `expire_at`, a campaign's `starts` and `ends`, a document's `issued`), `--at` and the
//! `vi_date` filter.
//!
//! Takes: a date as written. Day, month and year in the Vietnamese order, always (`5/9/2026`
//! is 5 September), with `/`, `-` or `.` between them (`15/11/2026`, `15-11-2026`,
//! `15.11.2026`); or the year first with `-`, padded or not (`2026-11-15`, `2026-9-5`). Then,
//! optionally, a time after a space (or `T`): `08:00`, `8:00`, `08:00:30` (fractions of a
//! second are ignored), and an offset (`Z`, `+07:00`; without one, the time is the site's,
//! UTC+7). RFC 3339 is the year-first form with all of them.
//! Gives: the checked fields ([`Written`]), or a [`DateError`]: what is wrong, in words an
//! editor understands, naming the value, and a hint with the value written right whenever
//! that can be known.
//! Must not: guess. What could be read two ways or does not exist is an error: a year of two
//! digits (`15/11/26`), the year first with `/` or `.` (`2026/5/9`: 9 May, or 5 September?),
//! two different separators, a day, month or hour that does not exist.

use std::fmt;

use super::calendar::{civil_from_days, days_from_civil, days_in_month, is_leap};

/// A date as written, checked: every field is in range (a second of 60 is a leap second).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub year: i64,
    /// 1–12.
    pub month: i64,
    /// 1 to the month's last day.
    pub day: i64,
    /// 0–23; 0 when no time was written.
    pub hour: i64,
    pub minute: i64,
    /// 0–60.
    pub second: i64,
    /// Minutes east of UTC, when an offset was written (`Z` is 0).
    pub offset_minutes: Option<i32>,
}

/// A date that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    /// `ngày không hợp lệ '<value>': <what is wrong>`: the value is the first thing quoted
    /// (`parse::yaml_error` finds the value's line by it).
    pub message: String,
    /// What to write instead, with an example (the value corrected, when that can be known).
    pub hint: String,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DateError {}

/// The forms accepted, for a value that is none of them.
const FORMS: &str = "viết ngày theo thứ tự ngày/tháng/năm: `15/11/2026`, có giờ thì `15/11/2026 08:00` \
    (giờ Việt Nam); dạng `2026-11-15` và RFC 3339 (`2026-11-15T08:00:00+07:00`) cũng được";

/// How the day, month and year were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// Day, month, year, with this separator.
    Dmy(char),
    /// Year, month, day, with `-` (ISO 8601).
    Ymd,
}

impl Order {
    /// A date in this order (year first: padded, as ISO 8601 writes it).
    fn write(self, year: i64, month: i64, day: i64) -> String {
        match self {
            Order::Dmy(sep) => format!("{day}{sep}{month}{sep}{year}"),
            Order::Ymd => format!("{year:04}-{month:02}-{day:02}"),
        }
    }
}

/// What is wrong, and the hint.
type Problem = (String, String);

/// Reads a date as an editor wrote it; surrounding whitespace is ignored.
pub fn read(input: &str) -> Result<Written, DateError> {
    read_value(input.trim(), true)
}

/// [`read`] of a trimmed value; `suggest`: look for a reading of the value rearranged (a time
/// written before the date) to put in the hint.
fn read_value(v: &str, suggest: bool) -> Result<Written, DateError> {
    let fail =
        |(what, hint): Problem| DateError { message: format!("ngày không hợp lệ '{v}': {what}"), hint };
    let end = v.find(|c: char| !(c.is_ascii_digit() || matches!(c, '/' | '-' | '.'))).unwrap_or(v.len());
    let (date, rest) = v.split_at(end);
    let Some((order, year, month, day)) = split_date(date) else {
        return Err(fail(unreadable(v, suggest)));
    };
    // A hint's example keeps the time only when the time is right (`15/11/26 8h30` is not
    // corrected to `15/11/2026 8h30`, which is still wrong).
    let shown_rest = if read_time(rest).is_some() { rest } else { "" };
    check_date(order, year, month, day, date, shown_rest).map_err(fail)?;
    let time = if rest.is_empty() {
        Time { hour: 0, minute: 0, second: 0, offset: None }
    } else {
        read_time(rest).ok_or_else(|| fail(unreadable_time(v, date, rest, suggest)))?
    };
    check_time(&time, order, (year, month, day), date).map_err(fail)?;
    let Time { hour, minute, second, offset } = time;
    // Both at most 99 after two digits each.
    let offset_minutes = offset.map(|(sign, h, m)| sign * (h * 60 + m) as i32);
    Ok(Written { year, month, day, hour, minute, second, offset_minutes })
}

/// A date's three numbers with their order: `None` when it is not three groups of at most
/// four digits with one of `/ - .` between them. The year is the group of four digits, first
/// or last; the groups are read as a day and a month in the order of the form (the checks of
/// [`check_date`] then refuse what that reading cannot be).
fn split_date(date: &str) -> Option<(Order, i64, i64, i64)> {
    let mut groups: Vec<&str> = Vec::with_capacity(3);
    let mut seps: Vec<char> = Vec::with_capacity(2);
    let mut start = 0;
    for (i, c) in date.char_indices().filter(|(_, c)| !c.is_ascii_digit()) {
        groups.push(&date[start..i]);
        seps.push(c);
        start = i + c.len_utf8();
    }
    groups.push(&date[start..]);
    if groups.len() != 3 || groups.iter().any(|g| g.is_empty() || g.len() > 4) {
        return None;
    }
    // At most four ASCII digits each.
    let n = |g: &str| g.parse::<i64>().unwrap_or(0);
    let (a, b, c) = (groups[0], groups[1], groups[2]);
    if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
        Some((Order::Ymd, n(a), n(b), n(c)))
    } else if a.len() <= 2 && b.len() <= 2 {
        // The year last; a year of fewer than four digits is refused by `check_date`.
        Some((Order::Dmy(seps[0]), n(c), n(b), n(a)))
    } else {
        None
    }
}

/// The checks of a date read by [`split_date`] from `date` (followed by `rest`, the time).
fn check_date(order: Order, year: i64, month: i64, day: i64, date: &str, rest: &str) -> Result<(), Problem> {
    let seps: Vec<char> = date.chars().filter(|c| !c.is_ascii_digit()).collect();
    let year_digits = date.rsplit(['/', '-', '.']).next().map_or(0, str::len);
    if seps[0] != seps[1] {
        let shown = match order {
            Order::Ymd => Order::Ymd,
            Order::Dmy(_) => Order::Dmy('/'),
        };
        return Err((
            format!("giữa ngày, tháng và năm cần cùng một dấu (ở đây có cả `{}` và `{}`)", seps[0], seps[1]),
            format!("viết `{}{rest}`", shown.write(year, month, day)),
        ));
    }
    if matches!(order, Order::Dmy(_)) && year_digits < 4 {
        let hint = if year_digits == 2 {
            format!("viết năm đủ 4 chữ số, như `{}{rest}`", order.write(2000 + year, month, day))
        } else {
            "viết năm đủ 4 chữ số, như `15/11/2026`".to_string()
        };
        return Err(("năm cần đủ 4 chữ số".to_string(), hint));
    }
    if order == Order::Ymd && seps[0] != '-' {
        // `2026/5/9`: year, month, day in ISO's order, or year, day, month? Both are written.
        let readings: Vec<String> = [(month, day), (day, month)]
            .into_iter()
            .enumerate()
            .filter(|&(i, (m, d))| {
                (i == 0 || month != day) && (1..=12).contains(&m) && (1..=days_in_month(year, m)).contains(&d)
            })
            .map(|(_, (m, d))| {
                format!(
                    "nếu là ngày {d} tháng {m} năm {year}, viết `{}{rest}` hoặc `{}{rest}`",
                    Order::Dmy('/').write(year, m, d),
                    Order::Ymd.write(year, m, d)
                )
            })
            .collect();
        let hint = if readings.is_empty() {
            "ngày viết theo thứ tự ngày/tháng/năm, như `15/11/2026`".to_string()
        } else {
            readings.join("; ")
        };
        return Err((
            format!("năm viết trước với dấu `{}`: không rõ đâu là tháng, đâu là ngày", seps[0]),
            hint,
        ));
    }
    if !(1..=12).contains(&month) {
        let swapped = (1..=12).contains(&day) && (1..=days_in_month(year, day)).contains(&month);
        let hint = match order {
            Order::Dmy(_) if swapped => format!(
                "ngày viết trước tháng: nếu là ngày {month} tháng {day}, viết `{}{rest}`",
                order.write(year, day, month)
            ),
            Order::Ymd if swapped => format!(
                "dạng năm-tháng-ngày viết tháng trước ngày: nếu là ngày {month} tháng {day}, viết `{}{rest}` hoặc `{}{rest}`",
                Order::Ymd.write(year, day, month),
                Order::Dmy('/').write(year, day, month)
            ),
            Order::Dmy(_) => {
                "tháng từ 1 đến 12; ngày viết theo thứ tự ngày/tháng/năm, như `15/11/2026`".to_string()
            }
            Order::Ymd => "tháng từ 1 đến 12; dạng năm-tháng-ngày viết như `2026-11-15`".to_string(),
        };
        return Err((format!("không có tháng {month} (tháng từ 1 đến 12)"), hint));
    }
    let last = days_in_month(year, month);
    if day == 0 {
        return Err((
            "không có ngày 0".to_string(),
            format!("ngày từ 1 đến {last}, như `{}{rest}`", order.write(year, month, 1)),
        ));
    }
    if day > last {
        let leap = if month == 2 && day == 29 && !is_leap(year) {
            format!(" (năm {year} không nhuận)")
        } else {
            String::new()
        };
        return Err((
            format!(
                "ngày {day} tháng {month} năm {year} không có: tháng {month} năm {year} chỉ có {last} ngày{leap}"
            ),
            format!("ngày cuối của tháng {month} năm {year} là `{}{rest}`", order.write(year, month, last)),
        ));
    }
    Ok(())
}

/// A time of day and an offset, as written (not yet checked).
struct Time {
    hour: i64,
    minute: i64,
    second: i64,
    /// `Z` is `(1, 0, 0)`; `-04:30` is `(-1, 4, 30)`.
    offset: Option<(i32, i64, i64)>,
}

/// `rest`, the text after the date: a space or `T`, `H:MM` or `HH:MM`, optionally `:SS` and a
/// fraction, optionally an offset (`Z`, `±HH:MM`, after a space or not).
fn read_time(rest: &str) -> Option<Time> {
    let t = match rest.strip_prefix(['T', 't']) {
        Some(t) => t,
        None => rest.strip_prefix(' ')?.trim_start_matches(' '),
    };
    let b = t.as_bytes();
    let mut i = 0;
    let hour = digits(b, &mut i, 1, 2)?;
    eat(b, &mut i, b':')?;
    let minute = digits(b, &mut i, 2, 2)?;
    let mut second = 0;
    if eat(b, &mut i, b':').is_some() {
        second = digits(b, &mut i, 2, 2)?;
        if eat(b, &mut i, b'.').or_else(|| eat(b, &mut i, b',')).is_some() {
            digits(b, &mut i, 1, usize::MAX)?;
        }
    }
    let _ = eat(b, &mut i, b' ');
    let offset = match b.get(i) {
        None => None,
        Some(b'Z' | b'z') => {
            i += 1;
            Some((1, 0, 0))
        }
        Some(&sign @ (b'+' | b'-')) => {
            i += 1;
            let h = digits(b, &mut i, 2, 2)?;
            eat(b, &mut i, b':')?;
            let m = digits(b, &mut i, 2, 2)?;
            Some((if sign == b'-' { -1 } else { 1 }, h, m))
        }
        Some(_) => return None,
    };
    (i == b.len()).then_some(Time { hour, minute, second, offset })
}

/// Between `min` and `max` ASCII digits at `b[*i..]` (as many as there are, up to `max`).
fn digits(b: &[u8], i: &mut usize, min: usize, max: usize) -> Option<i64> {
    let start = *i;
    while *i < b.len() && b[*i].is_ascii_digit() && *i - start < max {
        *i += 1;
    }
    let n = *i - start;
    if n < min {
        return None;
    }
    // A fraction of a second may be long: only its digits matter, not its value.
    Some(std::str::from_utf8(&b[start..*i]).ok()?.get(..n.min(18))?.parse().unwrap_or(0))
}

fn eat(b: &[u8], i: &mut usize, c: u8) -> Option<()> {
    (b.get(*i) == Some(&c)).then(|| *i += 1)
}

fn check_time(
    t: &Time,
    order: Order,
    (year, month, day): (i64, i64, i64),
    date: &str,
) -> Result<(), Problem> {
    let example = format!("như `{date} 08:30`");
    if t.hour > 23 {
        let hint = if t.hour == 24 && t.minute == 0 && t.second == 0 {
            let (y, m, d) = civil_from_days(days_from_civil(year, month, day) + 1);
            format!(
                "24:00 là 0 giờ ngày hôm sau: viết `{} 00:00`",
                order.write(y, i64::from(m), i64::from(d))
            )
        } else {
            format!("giờ từ 0 đến 23, {example}")
        };
        return Err((format!("không có {} giờ (giờ từ 0 đến 23)", t.hour), hint));
    }
    if t.minute > 59 {
        return Err((
            format!("không có phút {} (phút từ 0 đến 59)", t.minute),
            format!("phút từ 0 đến 59, {example}"),
        ));
    }
    if t.second > 60 {
        return Err((
            format!("không có giây {} (giây từ 0 đến 59)", t.second),
            format!("giây từ 0 đến 59, như `{date} 08:30:15`"),
        ));
    }
    if let Some((_, h, m)) = t.offset
        && (h > 23 || m > 59)
    {
        return Err((
            "độ lệch múi giờ không hợp lệ (giờ từ 00 đến 23, phút từ 00 đến 59)".to_string(),
            format!("bỏ độ lệch để dùng giờ Việt Nam, {example}; hoặc viết độ lệch như `+07:00`"),
        ));
    }
    Ok(())
}

/// A value that is not a date in any form.
fn unreadable(v: &str, suggest: bool) -> Problem {
    let what = "cần dạng ngày/tháng/năm (15/11/2026) hoặc năm-tháng-ngày (2026-11-15)".to_string();
    // `08:00 15/11/2026`: the time first, as in "8 giờ ngày 15/11".
    if suggest
        && let Some((time, date)) = v.split_once(' ')
        && time.contains(':')
        && read_value(&format!("{} {time}", date.trim_start()), false).is_ok()
    {
        return (what, format!("viết ngày trước giờ: `{} {time}`", date.trim_start()));
    }
    (what, FORMS.to_string())
}

/// A date followed by something that is not a time.
fn unreadable_time(v: &str, date: &str, rest: &str, suggest: bool) -> Problem {
    let what = "không đọc được giờ".to_string();
    // `8h30`, `8g30`: hours and minutes as they are said.
    let t = rest.trim_start_matches([' ', 'T', 't']);
    if let Some((h, m)) = t.split_once(['h', 'H', 'g', 'G'])
        && (1..=2).contains(&h.len())
        && h.bytes().all(|b| b.is_ascii_digit())
        && m.len() <= 2
        && m.bytes().all(|b| b.is_ascii_digit())
    {
        let h: u32 = h.parse().unwrap_or(0);
        let m: u32 = m.parse().unwrap_or(0);
        return (what, format!("giờ viết với dấu hai chấm: `{date} {h:02}:{m:02}`"));
    }
    if rest.starts_with([' ', 'T', 't']) {
        return (what, format!("giờ viết sau ngày, cách một dấu cách, như `{date} 08:00` (giờ Việt Nam)"));
    }
    unreadable(v, suggest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> (i64, i64, i64, i64, i64, i64, Option<i32>) {
        match read(s) {
            Ok(w) => (w.year, w.month, w.day, w.hour, w.minute, w.second, w.offset_minutes),
            Err(e) => panic!("{s}: {e}"),
        }
    }

    fn err(s: &str) -> (String, String) {
        match read(s) {
            Ok(w) => panic!("{s} was read as {w:?}"),
            Err(e) => (e.message, e.hint),
        }
    }

    #[test]
    fn day_month_year_in_the_vietnamese_order() {
        let nov15 = (2026, 11, 15, 0, 0, 0, None);
        assert_eq!(w("15/11/2026"), nov15);
        assert_eq!(w("15-11-2026"), nov15);
        assert_eq!(w("15.11.2026"), nov15);
        assert_eq!(w("2026-11-15"), nov15);
        // Always the day first: 5 September, never 9 May.
        assert_eq!(w("5/9/2026"), (2026, 9, 5, 0, 0, 0, None));
        assert_eq!(w("05/09/2026"), (2026, 9, 5, 0, 0, 0, None));
        assert_eq!(w("2026-9-5"), (2026, 9, 5, 0, 0, 0, None));
        assert_eq!(w("2026-09-5"), (2026, 9, 5, 0, 0, 0, None));
        assert_eq!(w("29/2/2024"), (2024, 2, 29, 0, 0, 0, None));
    }

    #[test]
    fn times_and_offsets() {
        assert_eq!(w("15/11/2026 08:00"), (2026, 11, 15, 8, 0, 0, None));
        assert_eq!(w("15/11/2026 8:00"), (2026, 11, 15, 8, 0, 0, None));
        assert_eq!(w("15/11/2026 08:00:30"), (2026, 11, 15, 8, 0, 30, None));
        assert_eq!(w("15.11.2026  17:45"), (2026, 11, 15, 17, 45, 0, None));
        assert_eq!(w("2026-09-5T8:00"), (2026, 9, 5, 8, 0, 0, None));
        assert_eq!(w("2026-09-05 08:00:00.250+05:30"), (2026, 9, 5, 8, 0, 0, Some(330)));
        assert_eq!(w("2026-09-05t08:00:00z"), (2026, 9, 5, 8, 0, 0, Some(0)));
        assert_eq!(w("2026-09-05T08:00:00 -04:00"), (2026, 9, 5, 8, 0, 0, Some(-240)));
        assert_eq!(w("15/11/2026 08:00+07:00"), (2026, 11, 15, 8, 0, 0, Some(420)));
        assert_eq!(w("31/12/2016 23:59:60"), (2016, 12, 31, 23, 59, 60, None));
    }

    #[test]
    fn what_cannot_be_read_one_way_only_is_refused() {
        for s in [
            "15/11/26",
            "15/11/202",
            "2026/11/15",
            "2026.11.15",
            "15/11-2026",
            "15//2026",
            "1/2/3/2026",
            "115/11/2026",
            "15/11/20266",
            "15 11 2026",
            "2026-11-15Z",
            "15/11/2026T",
            "15/11/2026 8",
            "15/11/2026 8:0",
            "15/11/2026 123:00",
            "15/11/2026 08:00:00.",
            "15/11/2026 08:00 +7",
            "15/11/2026 08:00 ICT",
            "15/11/2026\u{a0}08:00",
            "١٥/١١/٢٠٢٦",
        ] {
            assert!(read(s).is_err(), "{s:?} should be refused");
        }
    }

    #[test]
    fn impossible_dates_say_why_with_the_value_and_an_example() {
        assert_eq!(
            err("31/2/2026"),
            (
                "ngày không hợp lệ '31/2/2026': ngày 31 tháng 2 năm 2026 không có: tháng 2 năm 2026 chỉ có 28 ngày"
                    .to_string(),
                "ngày cuối của tháng 2 năm 2026 là `28/2/2026`".to_string()
            )
        );
        assert_eq!(
            err("29.2.2027 08:00").0,
            "ngày không hợp lệ '29.2.2027 08:00': ngày 29 tháng 2 năm 2027 không có: tháng 2 năm 2027 chỉ có 28 ngày (năm 2027 không nhuận)"
        );
        assert_eq!(err("29.2.2027 08:00").1, "ngày cuối của tháng 2 năm 2027 là `28.2.2027 08:00`");
        assert_eq!(err("2026-04-31").1, "ngày cuối của tháng 4 năm 2026 là `2026-04-30`");
        assert_eq!(err("0/4/2026").0, "ngày không hợp lệ '0/4/2026': không có ngày 0");
        assert_eq!(
            err("13/13/2026"),
            (
                "ngày không hợp lệ '13/13/2026': không có tháng 13 (tháng từ 1 đến 12)".to_string(),
                "tháng từ 1 đến 12; ngày viết theo thứ tự ngày/tháng/năm, như `15/11/2026`".to_string()
            )
        );
        // The month first, as in English: the hint reads it the Vietnamese way.
        assert_eq!(err("11/15/2026").1, "ngày viết trước tháng: nếu là ngày 15 tháng 11, viết `15/11/2026`");
        assert_eq!(
            err("2026-15-11 08:00").1,
            "dạng năm-tháng-ngày viết tháng trước ngày: nếu là ngày 15 tháng 11, viết `2026-11-15 08:00` hoặc `15/11/2026 08:00`"
        );
    }

    #[test]
    fn ambiguous_dates_say_what_they_could_be() {
        assert_eq!(
            err("15/11/26"),
            (
                "ngày không hợp lệ '15/11/26': năm cần đủ 4 chữ số".to_string(),
                "viết năm đủ 4 chữ số, như `15/11/2026`".to_string()
            )
        );
        assert_eq!(err("15-11-26 8:00").1, "viết năm đủ 4 chữ số, như `15-11-2026 8:00`");
        // A wrong time is not carried into the example.
        assert_eq!(err("15/11/26 8h30").1, "viết năm đủ 4 chữ số, như `15/11/2026`");
        assert_eq!(
            err("2026/11/15"),
            (
                "ngày không hợp lệ '2026/11/15': năm viết trước với dấu `/`: không rõ đâu là tháng, đâu là ngày"
                    .to_string(),
                "nếu là ngày 15 tháng 11 năm 2026, viết `15/11/2026` hoặc `2026-11-15`".to_string()
            )
        );
        assert_eq!(
            err("2026.5.9").1,
            "nếu là ngày 9 tháng 5 năm 2026, viết `9/5/2026` hoặc `2026-05-09`; \
             nếu là ngày 5 tháng 9 năm 2026, viết `5/9/2026` hoặc `2026-09-05`"
        );
        assert_eq!(err("15/11-2026").1, "viết `15/11/2026`");
    }

    #[test]
    fn times_that_do_not_exist_or_are_written_otherwise() {
        assert_eq!(
            err("15/11/2026 25:00"),
            (
                "ngày không hợp lệ '15/11/2026 25:00': không có 25 giờ (giờ từ 0 đến 23)".to_string(),
                "giờ từ 0 đến 23, như `15/11/2026 08:30`".to_string()
            )
        );
        assert_eq!(err("31/12/2026 24:00").1, "24:00 là 0 giờ ngày hôm sau: viết `1/1/2027 00:00`");
        assert_eq!(err("2026-02-28T24:00").1, "24:00 là 0 giờ ngày hôm sau: viết `2026-03-01 00:00`");
        assert_eq!(
            err("15/11/2026 08:60").0,
            "ngày không hợp lệ '15/11/2026 08:60': không có phút 60 (phút từ 0 đến 59)"
        );
        assert_eq!(
            err("15/11/2026 08:00:61").0,
            "ngày không hợp lệ '15/11/2026 08:00:61': không có giây 61 (giây từ 0 đến 59)"
        );
        assert!(err("2026-11-15T08:00:00+24:00").0.contains("độ lệch múi giờ"));
        assert!(err("2026-11-15T08:00:00+07:60").0.contains("độ lệch múi giờ"));
        assert_eq!(err("15/11/2026 8h30").1, "giờ viết với dấu hai chấm: `15/11/2026 08:30`");
        assert_eq!(err("15/11/2026 8h").1, "giờ viết với dấu hai chấm: `15/11/2026 08:00`");
        assert_eq!(
            err("15/11/2026 sáng").1,
            "giờ viết sau ngày, cách một dấu cách, như `15/11/2026 08:00` (giờ Việt Nam)"
        );
        assert_eq!(err("08:00 15/11/2026").1, "viết ngày trước giờ: `15/11/2026 08:00`");
        assert_eq!(err("hôm qua").1, FORMS);
        assert_eq!(
            err("hôm qua").0,
            "ngày không hợp lệ 'hôm qua': cần dạng ngày/tháng/năm (15/11/2026) hoặc năm-tháng-ngày (2026-11-15)"
        );
        // A time written before an impossible date: no suggestion, and no loop.
        assert_eq!(err("08:00 31/2/2026").1, FORMS);
    }

    #[test]
    fn any_text_is_an_answer_not_a_panic() {
        for s in [
            "",
            " ",
            "-",
            "//",
            "9999-99-99",
            "0000-01-01",
            "1/1/0000 0:00",
            "2026-1-1T",
            "99999999999999999999",
        ] {
            let _ = read(s);
        }
        let long_fraction = format!("2026-01-01T00:00:00.{}Z", "9".repeat(100));
        assert_eq!(w(&long_fraction), (2026, 1, 1, 0, 0, 0, Some(0)));
    }
}
