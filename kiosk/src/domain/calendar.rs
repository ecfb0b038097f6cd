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
}
