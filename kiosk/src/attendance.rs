//! The week's attendance sheet (考勤) and the duty roster's days, as
//! `kiosk attendance` prints them and the console shows them: the
//! journal's sign-ons and the leave register through the regulations' rule
//! (`domain::attendance`), every member of the staff list but technicians;
//! each roster day with what the calendar makes of it.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;
use rusqlite::Connection;

use crate::domain::{
    AttendanceDay, Duty, HolidayCalendar, Hours, Settings, StaffRole, Totals, attendance,
};
use crate::store::{self, StoreError};

/// One member's week.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberWeek {
    pub member: String,
    pub name: String,
    pub days: Vec<AttendanceDay>,
    pub totals: Totals,
}

/// A week's sheet: Monday to `until` (Sunday, or today for the week under
/// way — days to come are not marked).
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub monday: Date,
    pub until: Date,
    pub members: Vec<MemberWeek>,
}

/// What the attendance rule needs besides the database.
pub struct Rules<'a> {
    pub calendar: &'a HolidayCalendar,
    pub hours: &'a Hours,
    pub settings: &'a Settings,
}

/// The Monday of `day`'s week.
pub fn monday_of(day: Date) -> Date {
    day.saturating_sub(jiff::Span::new().days(i64::from(day.weekday().to_monday_zero_offset())))
}

/// The sheet of `day`'s week, as known at `as_of`.
pub fn week(
    conn: &Connection,
    path: &Path,
    rules: &Rules<'_>,
    day: Date,
    as_of: jiff::Timestamp,
) -> Result<Sheet, StoreError> {
    let today = rules.settings.time_zone.to_datetime(as_of).date();
    let monday = monday_of(day);
    let until = monday.saturating_add(jiff::Span::new().days(6)).min(today);
    let mut on_post = store::attendance::spans(conn, monday, until)?;
    for s in store::read_staff(conn, path)? {
        if !s.disabled && s.role != StaffRole::Technician {
            on_post.entry(s.id).or_default().name = s.name;
        }
    }
    let leave = store::attendance::leave(conn, monday, until)?;
    let members = on_post
        .into_iter()
        .map(|(member, p)| {
            let days = attendance(
                &p.spans,
                leave.get(&member).map_or(&[], Vec::as_slice),
                (monday, until),
                as_of,
                rules.hours,
                rules.calendar,
                rules.settings,
            );
            MemberWeek {
                totals: Totals::of(&days),
                member,
                name: p.name,
                days,
            }
        })
        .collect();
    Ok(Sheet {
        monday,
        until,
        members,
    })
}

/// What the calendar makes of a day, for the roster.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DayKind {
    /// The station opens.
    Working,
    /// An adjusted working day on a weekend (调休上班).
    Adjusted,
    /// A weekend.
    Weekend,
    /// A public holiday.
    Holiday,
}

/// One day of the roster.
#[derive(Clone, Debug, PartialEq)]
pub struct RosterDay {
    pub date: Date,
    pub kind: DayKind,
    /// The holiday's name, for a holiday.
    pub holiday: Option<String>,
    pub duty: Option<Duty>,
}

/// `count` days of the roster from `from`.
pub fn roster(
    conn: &Connection,
    rules: &Rules<'_>,
    from: Date,
    count: i64,
) -> Result<Vec<RosterDay>, StoreError> {
    let to = from.saturating_add(jiff::Span::new().days(count - 1));
    let mut set: BTreeMap<Date, Duty> = store::attendance::roster(conn, from, to)?;
    let mut out = Vec::new();
    let mut date = from;
    while date <= to {
        let holiday = rules.calendar.holiday(date).map(str::to_string);
        let weekend = date.weekday().to_monday_zero_offset() >= 5;
        let working = rules.calendar.is_working_day(date);
        let kind = match (holiday.is_some(), weekend, working) {
            (true, _, _) => DayKind::Holiday,
            (false, true, true) => DayKind::Adjusted,
            (false, true, false) => DayKind::Weekend,
            (false, false, _) => DayKind::Working,
        };
        out.push(RosterDay {
            date,
            kind,
            holiday,
            duty: set.remove(&date),
        });
        match date.tomorrow() {
            Ok(d) => date = d,
            Err(_) => break,
        }
    }
    Ok(out)
}

impl DayKind {
    pub fn zh(self) -> &'static str {
        match self {
            DayKind::Working => "工作日",
            DayKind::Adjusted => "调休上班",
            DayKind::Weekend => "周末",
            DayKind::Holiday => "节假日",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            DayKind::Working => "working day",
            DayKind::Adjusted => "adjusted working day",
            DayKind::Weekend => "weekend",
            DayKind::Holiday => "holiday",
        }
    }
}
