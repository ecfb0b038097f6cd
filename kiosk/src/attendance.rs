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
    // A closed day the roster gives a member is their duty (值班).
    let roster = store::attendance::roster(conn, monday, until)?;
    let members = on_post
        .into_iter()
        .map(|(member, p)| {
            let mut days = attendance(
                &p.spans,
                leave.get(&member).map_or(&[], Vec::as_slice),
                (monday, until),
                as_of,
                rules.hours,
                rules.calendar,
                rules.settings,
            );
            for d in &mut days {
                if d.mark == crate::domain::Mark::Off
                    && roster
                        .get(&d.date)
                        .is_some_and(|r| r.member.number == member)
                {
                    d.mark = crate::domain::Mark::Duty;
                }
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Actor, Fact, Mark, Record, StaffRef};

    #[test]
    fn a_closed_day_on_the_roster_is_the_members_duty_and_counts() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kiosk.db");
        let config = crate::config::Config::builtin().unwrap();
        let mut store = store::Store::open(&db, &config.store).unwrap();
        store
            .add_staff("0101", "王芳", StaffRole::Staff, "2468")
            .unwrap();
        store
            .add_staff("0102", "李强", StaffRole::Staff, "1357")
            .unwrap();
        let at: jiff::Timestamp = "2026-11-30T01:00:00Z".parse().unwrap();
        store
            .commit(&[Record {
                at,
                day: "2026-11-30".parse().unwrap(),
                actor: Actor::Staff { id: "0001".into() },
                fact: Fact::DutySet {
                    days: vec!["2026-12-05".parse().unwrap()],
                    duty: Duty {
                        member: StaffRef {
                            name: "李强".into(),
                            number: "0102".into(),
                        },
                        phone: "13800138000".into(),
                        leader: None,
                    },
                },
            }])
            .unwrap();
        let rules = Rules {
            calendar: &config.calendar,
            hours: config.catalog.hours(),
            settings: &config.settings,
        };
        let sheet = week(
            store.connection(),
            &db,
            &rules,
            "2026-12-01".parse().unwrap(),
            "2026-12-07T01:00:00Z".parse().unwrap(),
        )
        .unwrap();
        let saturday = |member: &str| {
            let m = sheet.members.iter().find(|m| m.member == member).unwrap();
            (m.days[5].mark.clone(), m.totals.duty)
        };
        assert_eq!(saturday("0102"), (Mark::Duty, 1));
        assert_eq!(saturday("0101"), (Mark::Off, 0));
        // Nobody signed on on the working days: 旷工, five of them.
        let li = sheet.members.iter().find(|m| m.member == "0102").unwrap();
        assert_eq!(li.totals.unapproved, 5);
    }
}
