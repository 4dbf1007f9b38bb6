//! The scripts by ISO week (Monday to Sunday, UTC+7), for `/truyen-thanh/` and the weekly
//! programmes `/truyen-thanh/<năm>-tuan-<nn>/`.
//!
//! Takes: the scripts. Gives: [`Week`]s, newest first, each with its scripts in date order.
//! Must not: touch the file system.

use super::Bulletins;
use crate::vi::calendar::{civil_from_days, days_from_civil};

/// One week of scripts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Week {
    /// ISO year.
    pub year: i64,
    /// ISO week, 1–53.
    pub week: u32,
    /// Monday and Sunday, as (year, month, day).
    pub days: ((i64, u32, u32), (i64, u32, u32)),
    /// Indexes into the scripts, oldest first (then by title).
    pub scripts: Vec<usize>,
}

impl Week {
    /// URL path of its programme (`/truyen-thanh/2022-tuan-37/`).
    pub fn path(&self) -> String {
        format!("{}{}-tuan-{:02}/", super::PATH, self.year, self.week)
    }
}

/// The ISO week of a day: (ISO year, week), and the day number of its Monday.
pub fn iso_week(year: i64, month: u32, day: u32) -> (i64, u32, i64) {
    let days = days_from_civil(year, i64::from(month), i64::from(day));
    // 1970-01-01 was a Thursday; Monday is 0.
    let weekday = (days + 3).rem_euclid(7);
    let monday = days - weekday;
    let thursday = monday + 3;
    let (iso_year, _, _) = civil_from_days(thursday);
    let jan1 = days_from_civil(iso_year, 1, 1);
    let week = u32::try_from((thursday - jan1) / 7 + 1).unwrap_or(1);
    (iso_year, week, monday)
}

/// The weeks of the scripts with a date, newest first.
pub fn weeks(scripts: &Bulletins) -> Vec<Week> {
    let mut by: std::collections::BTreeMap<(i64, u32), Week> = std::collections::BTreeMap::new();
    let mut order: Vec<usize> = (0..scripts.len()).filter(|&k| scripts.get(k).date.is_some()).collect();
    order.sort_by(|&a, &b| {
        let (sa, sb) = (scripts.get(a), scripts.get(b));
        sa.date
            .map(|d| d.unix())
            .cmp(&sb.date.map(|d| d.unix()))
            .then_with(|| crate::vi::collate(&sa.title, &sb.title))
    });
    for k in order {
        let Some(d) = scripts.get(k).date else { continue };
        let (y, w, monday) = iso_week(i64::from(d.year()), d.month(), d.day());
        by.entry((y, w))
            .or_insert_with(|| Week {
                year: y,
                week: w,
                days: (civil_from_days(monday), civil_from_days(monday + 6)),
                scripts: Vec::new(),
            })
            .scripts
            .push(k);
    }
    by.into_values().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks() {
        assert_eq!(iso_week(2022, 9, 15).0..=iso_week(2022, 9, 15).0, 2022..=2022);
        assert_eq!((iso_week(2022, 9, 15).0, iso_week(2022, 9, 15).1), (2022, 37));
        // 1 January 2021 was a Friday: week 53 of 2020.
        assert_eq!((iso_week(2021, 1, 1).0, iso_week(2021, 1, 1).1), (2020, 53));
        // 31 December 2024 was a Tuesday: week 1 of 2025.
        assert_eq!((iso_week(2024, 12, 31).0, iso_week(2024, 12, 31).1), (2025, 1));
        assert_eq!(civil_from_days(iso_week(2022, 9, 15).2), (2022, 9, 12));
    }
}
