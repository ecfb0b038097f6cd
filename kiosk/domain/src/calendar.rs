//! The official holiday calendar: days off (放假) and adjusted working weekends
//! (调休上班), in the exceptions-only holiday-cn shape.
//!
//! This module knows dates, not files: `config` reads the JSON and hands the
//! entries here. A year without data falls back to Monday–Friday and says so
//! (`is_known_year`), so callers can mark results as provisional; it never fails.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date, Weekday};
use serde::Deserialize;

/// One exception day as published: a holiday day off or a working weekend day.
#[derive(Clone, PartialEq, Eq, Debug, Deserialize)]
pub struct CalendarDay {
    pub name: String,
    pub date: Date,
    /// `true` for a day off, `false` for an adjusted working day.
    #[serde(rename = "isOffDay")]
    pub is_off_day: bool,
}

/// A contradiction in calendar data.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum CalendarError {
    /// The same date is listed both as a day off and as a working day.
    #[error("{0} is listed both as a day off and as a working day; fix the calendar file")]
    Contradiction(Date),
}

/// Official days off and adjusted working days, per year.
#[derive(Clone, Default, PartialEq, Eq, Debug)]
pub struct HolidayCalendar {
    exceptions: BTreeMap<Date, (bool, String)>,
    years: BTreeSet<i16>,
}

impl HolidayCalendar {
    /// Adds one year's published exceptions. The year counts as known even when it
    /// has no entries.
    pub fn add_year(&mut self, year: i16, days: Vec<CalendarDay>) -> Result<(), CalendarError> {
        for day in days {
            if let Some((off, _)) = self.exceptions.get(&day.date)
                && *off != day.is_off_day
            {
                return Err(CalendarError::Contradiction(day.date));
            }
            self.exceptions
                .insert(day.date, (day.is_off_day, day.name.clone()));
        }
        self.years.insert(year);
        Ok(())
    }

    /// Sets one year's published exceptions, replacing any the calendar had
    /// for that year (a newer file for the year). Days outside `year` are
    /// ignored; the config reader refuses files that list any.
    pub fn set_year(&mut self, year: i16, days: Vec<CalendarDay>) {
        self.exceptions.retain(|date, _| date.year() != year);
        for day in days.into_iter().filter(|d| d.date.year() == year) {
            self.exceptions.insert(day.date, (day.is_off_day, day.name));
        }
        self.years.insert(year);
    }

    /// Whether published data covers this date's year.
    pub fn is_known_year(&self, year: i16) -> bool {
        self.years.contains(&year)
    }

    /// Official working day: listed as working, or unlisted and Monday–Friday.
    pub fn is_working_day(&self, date: Date) -> bool {
        match self.exceptions.get(&date) {
            Some((off, _)) => !off,
            None => !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday),
        }
    }

    /// The holiday's name when the date is an official day off.
    pub fn holiday(&self, date: Date) -> Option<&str> {
        match self.exceptions.get(&date) {
            Some((true, name)) => Some(name),
            _ => None,
        }
    }

    /// Years with published data, ascending.
    pub fn years(&self) -> impl Iterator<Item = i16> + '_ {
        self.years.iter().copied()
    }

    /// The day `n` working days after `from`, counting from the next day (Civil
    /// Code art. 201): one working day after a Friday is the Monday, or the
    /// Saturday if that Saturday is an adjusted working day. Provisional when a
    /// day counted falls in a year without published data (counted as
    /// Monday–Friday). `n = 0` is `from` itself.
    pub fn add_working_days(&self, from: Date, n: u32) -> Deadline {
        let mut date = from;
        let mut provisional = false;
        let mut left = n;
        while left > 0 {
            let Ok(next) = date.tomorrow() else {
                // The end of the calendar (year 9999): nothing later to count.
                provisional = true;
                break;
            };
            date = next;
            provisional |= !self.is_known_year(date.year());
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        Deadline { date, provisional }
    }
}

/// A date counted in working days.
#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize, Deserialize)]
pub struct Deadline {
    pub date: Date,
    /// Counted over a year whose official holidays are not known yet.
    pub provisional: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped calendar files, read as `config` reads them.
    fn shipped() -> HolidayCalendar {
        #[derive(Deserialize)]
        struct File {
            year: i16,
            days: Vec<CalendarDay>,
        }
        let mut calendar = HolidayCalendar::default();
        for text in [
            include_str!("../../../assets/calendar/2025.json"),
            include_str!("../../../assets/calendar/2026.json"),
        ] {
            let file: File = serde_json::from_str(text).unwrap();
            calendar.add_year(file.year, file.days).unwrap();
        }
        calendar
    }

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn working_days_count_from_the_next_day_across_real_holidays() {
        let calendar = shipped();
        // (from, working days, due, provisional)
        let table = [
            // An ordinary week: Friday + 1 is Monday.
            ("2026-11-27", 1, "2026-11-30", false),
            ("2026-12-01", 1, "2026-12-02", false),
            // National Day 2025: 1–8 October off; Sunday 28 September and
            // Saturday 11 October are working days.
            ("2025-09-26", 1, "2025-09-28", false),
            ("2025-09-30", 1, "2025-10-09", false),
            ("2025-10-10", 1, "2025-10-11", false),
            ("2025-09-30", 15, "2025-10-28", false),
            // Spring Festival 2026: 15–23 February off; Saturdays 14 and 28
            // February are working days.
            ("2026-02-13", 1, "2026-02-14", false),
            ("2026-02-14", 1, "2026-02-24", false),
            ("2026-02-13", 15, "2026-03-12", false),
            // Into 2027, whose notice is not in the data: Monday–Friday, marked.
            ("2026-12-30", 5, "2027-01-06", true),
            ("2026-12-30", 1, "2026-12-31", false),
            ("2026-11-30", 0, "2026-11-30", false),
        ];
        for (from, n, due, provisional) in table {
            assert_eq!(
                calendar.add_working_days(d(from), n),
                Deadline {
                    date: d(due),
                    provisional
                },
                "{from} + {n}"
            );
        }
    }
}
