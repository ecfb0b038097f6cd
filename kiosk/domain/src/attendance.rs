//! Attendance (考勤): each member's working days from their sign-ons, by the
//! rule of the station's regulations (规范化管理制度, 考勤制度): on post by the
//! first session's start; up to 30 minutes late is 迟到, beyond that without
//! leave is 缺席; leaving before the last session ends is 早退; a working
//! day without a sign-on or leave is 旷工 (unapproved absence). Days the
//! station does not open (weekends, holidays; an adjusted working Saturday
//! does open) expect nobody.
//!
//! Pure: the spans come from the journal's `signed_on`/`signed_off`, the
//! leave from the manager's register, the days from the hours and the
//! calendar.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::HolidayCalendar;
use crate::catalog::{Hours, Settings};
use crate::hours::is_open_day;
use crate::roster::LeaveKind;

/// Minutes late that are still 迟到; later is 缺席.
pub const LATE_LIMIT_MINUTES: i64 = 30;

/// A member on post: signed on at `on`, off at `off` (still on: `None`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Span {
    pub on: Timestamp,
    pub off: Option<Timestamp>,
}

/// A member's approved leave (请假), whole days `from..=to`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Leave {
    pub from: Date,
    pub to: Date,
    pub kind: LeaveKind,
}

/// How a member's day came out.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "mark", rename_all = "snake_case")]
pub enum Mark {
    /// The station did not open: nobody is expected.
    Off,
    /// On leave.
    Leave { kind: LeaveKind },
    /// On post in time and until the end.
    Present,
    /// Late by up to 30 minutes (迟到), and perhaps gone early too.
    Late { minutes: i64, early: Option<i64> },
    /// On post on time, gone before the end (早退).
    Early { minutes: i64 },
    /// Signed on more than 30 minutes late without leave (缺席).
    Absent { minutes: i64 },
    /// Never on post and no leave (旷工).
    Unapproved,
    /// The day is under way and the member has not signed on yet.
    Pending,
    /// The station did not open and the member kept its duty (值班) by the
    /// roster.
    Duty,
}

impl Mark {
    /// As the notice board shows it: leave without its kind (the kind —
    /// sick leave above all — is the manager's to know).
    pub fn public_zh(&self) -> String {
        match self {
            Mark::Leave { .. } => "请假".into(),
            other => other.zh(),
        }
    }

    pub fn zh(&self) -> String {
        match self {
            Mark::Off => "休".into(),
            Mark::Leave { kind } => format!("假（{}）", kind.zh()),
            Mark::Present => "出勤".into(),
            Mark::Late {
                minutes,
                early: None,
            } => format!("迟到 {minutes} 分"),
            Mark::Late {
                minutes,
                early: Some(e),
            } => format!("迟到 {minutes} 分、早退 {e} 分"),
            Mark::Early { minutes } => format!("早退 {minutes} 分"),
            Mark::Absent { minutes } => format!("缺席（迟到 {minutes} 分）"),
            Mark::Unapproved => "旷工".into(),
            Mark::Pending => "未到".into(),
            Mark::Duty => "值班".into(),
        }
    }
}

/// One member's day.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Day {
    pub date: Date,
    #[serde(flatten)]
    pub mark: Mark,
}

/// Each day of `from..=to` for a member with these spans (in any order)
/// and leave, at a station with these hours, as known at `as_of`: a day
/// still under way marks no absence or early leave yet.
pub fn days(
    spans: &[Span],
    leave: &[Leave],
    (from, to): (Date, Date),
    as_of: Timestamp,
    hours: &Hours,
    calendar: &HolidayCalendar,
    settings: &Settings,
) -> Vec<Day> {
    let tz = &settings.time_zone;
    let (Some(first), Some(last)) = (hours.sessions.first(), hours.sessions.last()) else {
        return Vec::new();
    };
    // Each span under the local day it began, read once.
    let mut by_day: std::collections::BTreeMap<Date, Vec<Span>> = Default::default();
    for s in spans {
        by_day
            .entry(tz.to_datetime(s.on).date())
            .or_default()
            .push(*s);
    }
    let mut out = Vec::new();
    let mut date = from;
    while date <= to {
        let at = |t: jiff::civil::Time| {
            tz.to_ambiguous_timestamp(date.to_datetime(t))
                .compatible()
                .ok()
        };
        let mark = if !is_open_day(hours, calendar, settings.closed_on_holidays, date) {
            Mark::Off
        } else if let Some(l) = leave.iter().find(|l| l.from <= date && date <= l.to) {
            Mark::Leave { kind: l.kind }
        } else {
            match (at(first.start), at(last.end)) {
                (Some(start), Some(end)) => {
                    let today = by_day.get(&date).map_or(&[][..], Vec::as_slice);
                    match mark(today, start, end) {
                        // Under way: not yet absent, not yet gone early.
                        Mark::Unapproved if as_of < end => Mark::Pending,
                        Mark::Early { .. } if as_of < end => Mark::Present,
                        Mark::Late {
                            minutes,
                            early: Some(_),
                        } if as_of < end => Mark::Late {
                            minutes,
                            early: None,
                        },
                        m => m,
                    }
                }
                _ => Mark::Unapproved,
            }
        };
        out.push(Day { date, mark });
        match date.tomorrow() {
            Ok(next) => date = next,
            Err(_) => break,
        }
    }
    out
}

/// A working day's mark from the spans that began on it.
fn mark(today: &[Span], start: Timestamp, end: Timestamp) -> Mark {
    let Some(first_on) = today.iter().map(|s| s.on).min() else {
        return Mark::Unapproved;
    };
    let minutes = |a: Timestamp, b: Timestamp| (b.duration_since(a).as_secs() + 59) / 60;
    let late = (first_on > start).then(|| minutes(start, first_on));
    if let Some(m) = late
        && m > LATE_LIMIT_MINUTES
    {
        return Mark::Absent { minutes: m };
    }
    // Still on at the end, or the last sign-off at or after it.
    let gone = today
        .iter()
        .map(|s| s.off)
        .try_fold(None::<Timestamp>, |latest, off| {
            off.map(|o| Some(latest.map_or(o, |l: Timestamp| l.max(o))))
        })
        .flatten();
    let early = gone.filter(|g| *g < end).map(|g| minutes(g, end));
    match (late, early) {
        (None, None) => Mark::Present,
        (Some(m), early) => Mark::Late { minutes: m, early },
        (None, Some(e)) => Mark::Early { minutes: e },
    }
}

/// A week's or a period's counts for one member, for the posted sheet.
#[derive(Clone, Default, PartialEq, Eq, Debug, Serialize)]
pub struct Totals {
    pub present: u32,
    pub late: u32,
    pub early: u32,
    pub absent: u32,
    pub unapproved: u32,
    pub leave: u32,
    /// Days of duty (值班) when the station was closed.
    pub duty: u32,
}

impl Totals {
    pub fn of(days: &[Day]) -> Self {
        let mut t = Totals::default();
        for d in days {
            match &d.mark {
                Mark::Off | Mark::Pending => {}
                Mark::Duty => t.duty += 1,
                Mark::Leave { .. } => t.leave += 1,
                Mark::Present => t.present += 1,
                Mark::Late { early, .. } => {
                    t.late += 1;
                    t.early += u32::from(early.is_some());
                }
                Mark::Early { .. } => t.early += 1,
                Mark::Absent { .. } => t.absent += 1,
                Mark::Unapproved => t.unapproved += 1,
            }
        }
        t
    }
}
