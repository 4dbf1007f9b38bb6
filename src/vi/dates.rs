//! Dates for a Vietnamese audience (design note §5).
//!
//! Takes: date strings from front matter, `--at` and templates, in the forms editors write
//! (`vi::date_forms`): `15/11/2026`, `15/11/2026 08:00`, `2026-9-5`, `2022-09-15T08:00`, all
//! meaning UTC+7 local time, and full RFC 3339 with `Z` or `±HH:MM`.
//! Gives: a [`DateTime`] (a UTC instant plus the offset it was written with) that sorts by
//! value, and Vietnamese renderings computed in the site's time zone, UTC+7
//! (Asia/Ho_Chi_Minh, no daylight saving): `ngày 15/9/2022`, `Thứ Năm, 15/09/2022`,
//! `ngày 15 tháng 9 năm 2022`, `2022-09-15` and RFC 3339 in `+07:00`.
//! Errors are Vietnamese messages naming the rejected input, with a hint ([`DateError`]).
//! Must not: read the system clock, time zone or locale, panic on any input, or touch the file
//! system. Calendar arithmetic is `vi::calendar`.

use super::calendar::{civil_from_days, days_from_civil};

/// The audience's offset from UTC, in minutes (UTC+7).
pub const SITE_OFFSET_MINUTES: i32 = 7 * 60;
const SITE_OFFSET_SECS: i64 = SITE_OFFSET_MINUTES as i64 * 60;
const SECS_PER_DAY: i64 = 86_400;

/// Weekday names, Monday first (a small own table; system locales write them in lower case).
const WEEKDAYS: [&str; 7] = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"];

/// A point in time: seconds since the Unix epoch (UTC) and the offset, in minutes, it was
/// written with. Ordering compares the instant first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct DateTime {
    unix: i64,
    offset_minutes: i32,
}

pub use super::date_forms::DateError;

/// Reads a date as an editor wrote it (the forms of [`super::date_forms`]: `15/11/2026`,
/// `15/11/2026 08:00`, `2026-9-5`, RFC 3339…); surrounding whitespace is ignored.
pub fn parse(s: &str) -> Result<DateTime, DateError> {
    let w = super::date_forms::read(s)?;
    let offset_minutes = w.offset_minutes.unwrap_or(SITE_OFFSET_MINUTES);
    let unix =
        days_from_civil(w.year, w.month, w.day) * SECS_PER_DAY + w.hour * 3600 + w.minute * 60 + w.second
            - i64::from(offset_minutes) * 60;
    Ok(DateTime { unix, offset_minutes })
}

impl DateTime {
    /// The instant `secs` seconds after the Unix epoch, written in UTC+7.
    pub fn from_unix(secs: i64) -> DateTime {
        DateTime { unix: secs, offset_minutes: SITE_OFFSET_MINUTES }
    }

    /// Seconds since the Unix epoch (UTC).
    pub fn unix(&self) -> i64 {
        self.unix
    }

    /// The offset from UTC, in minutes, the date was written with (420 if none was given).
    pub fn offset_minutes(&self) -> i32 {
        self.offset_minutes
    }

    /// (days since the epoch, seconds into the day) in UTC+7.
    fn local(&self) -> (i64, i64) {
        let t = self.unix.saturating_add(SITE_OFFSET_SECS);
        // Keep `days` small enough for civil_from_days not to overflow.
        let days = t.div_euclid(SECS_PER_DAY);
        (days, t.rem_euclid(SECS_PER_DAY))
    }

    fn civil(&self) -> (i64, u32, u32) {
        civil_from_days(self.local().0)
    }

    /// Year in UTC+7.
    pub fn year(&self) -> i32 {
        let y = self.civil().0;
        i32::try_from(y).unwrap_or(if y < 0 { i32::MIN } else { i32::MAX })
    }

    /// Month (1–12) in UTC+7.
    pub fn month(&self) -> u32 {
        self.civil().1
    }

    /// Day of the month (1–31) in UTC+7.
    pub fn day(&self) -> u32 {
        self.civil().2
    }

    /// Weekday in UTC+7: `Thứ Hai` … `Thứ Bảy`, `Chủ Nhật`.
    pub fn weekday_vi(&self) -> &'static str {
        WEEKDAYS[self.weekday_index()]
    }

    /// Weekday in UTC+7 as an index, Monday 0 … Sunday 6 (for other languages' names).
    pub fn weekday_index(&self) -> usize {
        // 1970-01-01 was a Thursday (index 3, Monday = 0).
        (self.local().0 + 3).rem_euclid(7) as usize
    }

    /// `ngày 15/9/2022` (running text).
    pub fn fmt_short(&self) -> String {
        let (y, m, d) = self.civil();
        let mut out = String::with_capacity(20);
        out.push_str("ngày ");
        push_int(&mut out, i64::from(d), 1);
        out.push('/');
        push_int(&mut out, i64::from(m), 1);
        out.push('/');
        push_int(&mut out, y, 1);
        out
    }

    /// `Thứ Năm, 15/09/2022` (news header).
    pub fn fmt_header(&self) -> String {
        let (y, m, d) = self.civil();
        let mut out = String::with_capacity(28);
        out.push_str(self.weekday_vi());
        out.push_str(", ");
        push_int(&mut out, i64::from(d), 2);
        out.push('/');
        push_int(&mut out, i64::from(m), 2);
        out.push('/');
        push_int(&mut out, y, 4);
        out
    }

    /// `ngày 15 tháng 9 năm 2022` (formal).
    pub fn fmt_formal(&self) -> String {
        let (y, m, d) = self.civil();
        let mut out = String::with_capacity(32);
        out.push_str("ngày ");
        push_int(&mut out, i64::from(d), 1);
        out.push_str(" tháng ");
        push_int(&mut out, i64::from(m), 1);
        out.push_str(" năm ");
        push_int(&mut out, y, 1);
        out
    }

    /// `2022-09-15`, for `<time datetime="…">`.
    pub fn fmt_iso_date(&self) -> String {
        let (y, m, d) = self.civil();
        let mut out = String::with_capacity(10);
        push_ymd(&mut out, y, m, d);
        out
    }

    /// `2022-09-15T00:00:00+07:00`, always in +07:00.
    pub fn to_rfc3339(&self) -> String {
        let (days, secs) = self.local();
        let (y, m, d) = civil_from_days(days);
        let mut out = String::with_capacity(25);
        push_ymd(&mut out, y, m, d);
        out.push('T');
        push_hms(&mut out, secs);
        out.push_str("+07:00");
        out
    }

    /// `Thu, 15 Sep 2022 00:00:00 +0700` (RFC 822, for RSS; English names as the format requires).
    pub fn to_rfc822(&self) -> String {
        const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        const MONTHS: [&str; 12] =
            ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let (days, secs) = self.local();
        let (y, m, d) = civil_from_days(days);
        let wd = DAYS[(days + 3).rem_euclid(7) as usize];
        let mon = MONTHS[(m as usize).saturating_sub(1).min(11)];
        let mut out = String::with_capacity(31);
        out.push_str(wd);
        out.push_str(", ");
        push_int(&mut out, i64::from(d), 2);
        out.push(' ');
        out.push_str(mon);
        out.push(' ');
        push_int(&mut out, y, 4);
        out.push(' ');
        push_hms(&mut out, secs);
        out.push_str(" +0700");
        out
    }
}

/// Appends `n` as `format!("{n:0w$}")` would with `w = width` (so `-1` with width 4 is
/// `-001`). The dates of every page are written seven ways each; `format!` for these small
/// numbers cost several times the rest of a page's date strings.
fn push_int(out: &mut String, n: i64, width: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut v = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let len = digits.len() - at + usize::from(n < 0);
    if n < 0 {
        out.push('-');
    }
    for _ in len..width {
        out.push('0');
    }
    out.extend(digits[at..].iter().map(|&b| char::from(b)));
}

/// `2022-09-15`.
fn push_ymd(out: &mut String, y: i64, m: u32, d: u32) {
    push_int(out, y, 4);
    out.push('-');
    push_int(out, i64::from(m), 2);
    out.push('-');
    push_int(out, i64::from(d), 2);
}

/// `08:05:09` for `secs` seconds into the day.
fn push_hms(out: &mut String, secs: i64) {
    push_int(out, secs / 3600, 2);
    out.push(':');
    push_int(out, secs % 3600 / 60, 2);
    out.push(':');
    push_int(out, secs % 60, 2);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_strings_are_what_format_wrote() {
        // Instants from year -1 to 12000, with times of day; each form against its `format!`.
        let mut t = -62_200_000_000i64;
        while t < 316_000_000_000 {
            let dt = DateTime::from_unix(t);
            let (days, secs) = dt.local();
            let (y, m, d) = civil_from_days(days);
            let (hh, mm, ss) = (secs / 3600, secs % 3600 / 60, secs % 60);
            assert_eq!(dt.fmt_short(), format!("ngày {d}/{m}/{y}"));
            assert_eq!(dt.fmt_header(), format!("{}, {d:02}/{m:02}/{y:04}", dt.weekday_vi()));
            assert_eq!(dt.fmt_formal(), format!("ngày {d} tháng {m} năm {y}"));
            assert_eq!(dt.fmt_iso_date(), format!("{y:04}-{m:02}-{d:02}"));
            assert_eq!(dt.to_rfc3339(), format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}+07:00"));
            let rfc822 = dt.to_rfc822();
            assert!(
                rfc822.ends_with(&format!(" {d:02} {} {y:04} {hh:02}:{mm:02}:{ss:02} +0700", &rfc822[8..11])),
                "{rfc822}"
            );
            t += 1_234_567_891;
        }
        assert_eq!(p("2022-09-15T08:05:09+07:00").to_rfc822(), "Thu, 15 Sep 2022 08:05:09 +0700");
    }

    fn p(s: &str) -> DateTime {
        match parse(s) {
            Ok(d) => d,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn rfc822_for_rss() {
        assert_eq!(p("2022-09-15").to_rfc822(), "Thu, 15 Sep 2022 00:00:00 +0700");
        assert_eq!(p("2019-05-10T08:30:00Z").to_rfc822(), "Fri, 10 May 2019 15:30:00 +0700");
    }

    #[test]
    fn weekdays_golden() {
        assert_eq!(p("2022-09-15").weekday_vi(), "Thứ Năm");
        assert_eq!(p("2019-05-10").weekday_vi(), "Thứ Sáu");
        assert_eq!(p("1970-01-01").weekday_vi(), "Thứ Năm");
        assert_eq!(p("2022-09-18").weekday_vi(), "Chủ Nhật");
        assert_eq!(p("2022-09-19").weekday_vi(), "Thứ Hai");
        assert_eq!(p("2022-09-17").weekday_vi(), "Thứ Bảy");
        assert_eq!(p("1969-12-31").weekday_vi(), "Thứ Tư");
    }

    #[test]
    fn formats_golden() {
        let d = p("2022-09-15");
        assert_eq!(d.fmt_short(), "ngày 15/9/2022");
        assert_eq!(d.fmt_header(), "Thứ Năm, 15/09/2022");
        assert_eq!(d.fmt_formal(), "ngày 15 tháng 9 năm 2022");
        assert_eq!(d.fmt_iso_date(), "2022-09-15");
        assert_eq!(d.to_rfc3339(), "2022-09-15T00:00:00+07:00");
        assert_eq!((d.year(), d.month(), d.day()), (2022, 9, 15));
        assert_eq!(d.offset_minutes(), 420);
        let kl = p("2019-05-10");
        assert_eq!(kl.fmt_header(), "Thứ Sáu, 10/05/2019");
        assert_eq!(kl.fmt_short(), "ngày 10/5/2019");
        assert_eq!(kl.fmt_formal(), "ngày 10 tháng 5 năm 2019");
    }

    #[test]
    fn date_only_is_midnight_utc7() {
        // 2022-09-15T00:00+07:00 = 2022-09-14T17:00Z.
        assert_eq!(p("2022-09-15").unix(), 1_663_174_800);
        assert_eq!(p("1970-01-01").unix(), -SITE_OFFSET_SECS);
    }

    #[test]
    fn local_forms_are_utc7() {
        let want = p("2022-09-15T08:00:00+07:00");
        assert_eq!(p("2022-09-15T08:00"), want);
        assert_eq!(p("2022-09-15 08:00"), want);
        assert_eq!(p("2022-09-15T08:00:00"), want);
        assert_eq!(p("2022-09-15 08:00:00"), want);
        assert_eq!(p("  2022-09-15 08:00  "), want);
        assert_eq!(want.to_rfc3339(), "2022-09-15T08:00:00+07:00");
        assert_eq!(p("2022-09-15T08:00:30").to_rfc3339(), "2022-09-15T08:00:30+07:00");
    }

    #[test]
    fn rfc3339_other_offsets_convert_to_utc7() {
        let z = p("2022-09-14T20:00:00Z");
        assert_eq!(z.fmt_short(), "ngày 15/9/2022");
        assert_eq!(z.weekday_vi(), "Thứ Năm");
        assert_eq!(z.to_rfc3339(), "2022-09-15T03:00:00+07:00");
        assert_eq!(z.offset_minutes(), 0);
        assert_eq!(z.unix(), p("2022-09-15T03:00:00+07:00").unix());
        // Same instant, different offsets: equal instants, rendered identically.
        let ny = p("2022-09-14T16:00:00-04:00");
        assert_eq!(ny.unix(), z.unix());
        assert_eq!(ny.to_rfc3339(), z.to_rfc3339());
        assert_eq!(ny.offset_minutes(), -240);
        let india = p("2022-09-15T01:30:00+05:30");
        assert_eq!(india.to_rfc3339(), "2022-09-15T03:00:00+07:00");
        // Fractional seconds are ignored; lower-case t and z are RFC 3339 too.
        assert_eq!(p("2022-09-14T20:00:00.123456Z").unix(), z.unix());
        assert_eq!(p("2022-09-14t20:00:00z").unix(), z.unix());
        // Late UTC evening is the next day in Vietnam.
        assert_eq!(p("2022-12-31T17:00:00Z").fmt_iso_date(), "2023-01-01");
        assert_eq!(p("2022-12-31T16:59:59Z").fmt_iso_date(), "2022-12-31");
    }

    #[test]
    fn invalid_inputs() {
        for s in [
            "yesterday",
            "",
            "   ",
            "2022-02-30",
            "2022-13-01",
            "2022-00-10",
            "2022-04-31",
            "2022-09-00",
            "2023-02-29",
            "1900-02-29",
            "15/09/22",
            "2022/09/15",
            "2022-09-15T24:00",
            "2022-09-15T08:60",
            "2022-09-15T08:00:61",
            "2022-09-15T08:00:00+24:00",
            "2022-09-15T08:00:00+07:60",
            "2022-09-15T08",
            "2022-09-15Z",
            "２０２２-09-15",
            "2022-09-15T08:00:00+0700x",
        ] {
            assert!(parse(s).is_err(), "{s:?} should be rejected");
        }
    }

    #[test]
    fn dates_as_people_write_them() {
        // Day/month/year, always in that order: 5/9/2026 is 5 September.
        let sep5 = p("2026-09-05T00:00:00+07:00");
        for s in ["5/9/2026", "05/09/2026", "5-9-2026", "5.9.2026", "2026-9-5", "2026-09-5"] {
            assert_eq!(p(s), sep5, "{s}");
        }
        assert_eq!(sep5.fmt_short(), "ngày 5/9/2026");
        let nov15_8h = p("15/11/2026 08:00");
        assert_eq!(nov15_8h.to_rfc3339(), "2026-11-15T08:00:00+07:00");
        assert_eq!(nov15_8h.unix(), 1_794_704_400);
        assert_eq!(nov15_8h.offset_minutes(), 420);
        for s in [
            "15/11/2026 8:00",
            "15-11-2026 08:00",
            "15.11.2026 8:00:00",
            "2026-11-15T8:00",
            "2026-11-15 8:00",
        ] {
            assert_eq!(p(s), nov15_8h, "{s}");
        }
        assert_eq!(p("15/11/2026 08:00:30").to_rfc3339(), "2026-11-15T08:00:30+07:00");
        assert_eq!(p("2026-09-5T8:00").to_rfc3339(), "2026-09-05T08:00:00+07:00");
        assert_eq!(p("15/11/2026 08:00Z").to_rfc3339(), "2026-11-15T15:00:00+07:00");
    }

    #[test]
    fn error_messages_are_vietnamese() {
        let err = |s: &str| parse(s).expect_err(s);
        assert_eq!(
            err("yesterday").message,
            "ngày không hợp lệ 'yesterday': cần dạng ngày/tháng/năm (15/11/2026) hoặc năm-tháng-ngày (2026-11-15)"
        );
        assert!(err("yesterday").hint.contains("`15/11/2026 08:00`"));
        assert_eq!(
            err("").message,
            "ngày không hợp lệ '': cần dạng ngày/tháng/năm (15/11/2026) hoặc năm-tháng-ngày (2026-11-15)"
        );
        assert_eq!(
            err("2022-02-30").message,
            "ngày không hợp lệ '2022-02-30': ngày 30 tháng 2 năm 2022 không có: tháng 2 năm 2022 chỉ có 28 ngày"
        );
        assert_eq!(err("2022-02-30").hint, "ngày cuối của tháng 2 năm 2022 là `2022-02-28`");
        assert_eq!(err("31/2/2026").hint, "ngày cuối của tháng 2 năm 2026 là `28/2/2026`");
        assert_eq!(
            err("2022-13-01").message,
            "ngày không hợp lệ '2022-13-01': không có tháng 13 (tháng từ 1 đến 12)"
        );
        assert_eq!(err("15/11/26").message, "ngày không hợp lệ '15/11/26': năm cần đủ 4 chữ số");
        assert_eq!(err(" 15/11/26 ").hint, "viết năm đủ 4 chữ số, như `15/11/2026`");
        assert_eq!(err("15/11/26").to_string(), err("15/11/26").message);
    }

    #[test]
    fn leap_years() {
        assert_eq!(p("2024-02-29").fmt_short(), "ngày 29/2/2024");
        assert_eq!(p("2000-02-29").fmt_iso_date(), "2000-02-29");
        assert!(parse("2023-02-29").is_err());
        assert!(parse("2100-02-29").is_err());
        assert_eq!(p("2024-03-01").unix() - p("2024-02-28").unix(), 2 * SECS_PER_DAY);
    }

    #[test]
    fn leap_second_is_accepted() {
        let d = p("2016-12-31T23:59:60Z");
        assert_eq!(d.unix(), p("2017-01-01T00:00:00Z").unix());
    }

    #[test]
    fn from_unix_and_ordering() {
        let d = DateTime::from_unix(1_663_174_800);
        assert_eq!(d, p("2022-09-15"));
        assert_eq!(d.to_rfc3339(), "2022-09-15T00:00:00+07:00");
        assert!(p("2019-05-10") < p("2022-09-15"));
        assert!(p("2022-09-15T08:00") < p("2022-09-15T08:01"));
        // Sorting by value, not by dd/mm/yyyy text.
        let mut v = [p("2022-09-15"), p("2007-04-13"), p("2019-05-10")];
        v.sort();
        let iso: Vec<String> = v.iter().map(DateTime::fmt_iso_date).collect();
        assert_eq!(iso, ["2007-04-13", "2019-05-10", "2022-09-15"]);
    }

    #[test]
    fn extreme_instants_do_not_panic() {
        for secs in [i64::MIN, i64::MAX, 0, -1] {
            let d = DateTime::from_unix(secs);
            let _ = (d.fmt_header(), d.fmt_formal(), d.to_rfc3339(), d.year());
        }
    }
}
