//! Opening hours: whether tickets may be issued now, and if not, when they may be.
//!
//! Pure functions of hours, the holiday calendar, the settings and `now`.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::calendar::HolidayCalendar;
use super::catalog::{Days, Hours, Settings};

/// Whether ticketing is open, as the lobby screen needs to know it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Ticketing {
    /// Tickets may be issued until `last_ticket`.
    Open { last_ticket: Timestamp },
    /// Tickets may not be issued; `next_open` is when they may again (`None` when no
    /// opening was found in the next 60 days, which only a broken catalog causes).
    Closed {
        reason: ClosedReason,
        next_open: Option<Timestamp>,
    },
}

/// Why ticketing is closed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ClosedReason {
    /// An official holiday, by name.
    Holiday(String),
    /// Not an opening day (a weekend, say).
    NotOpenDay,
    /// Before the first session or between sessions.
    NotYetOpen,
    /// Within the last-ticket margin before a session ends.
    LastTicketPassed,
    /// After the last session of the day.
    AfterHours,
    /// A notice the manager posted closes ticketing (its title).
    Notice(String),
}

/// Whether the station opens at all on `date`.
pub fn is_open_day(
    hours: &Hours,
    calendar: &HolidayCalendar,
    closed_on_holidays: bool,
    date: Date,
) -> bool {
    match &hours.days {
        Days::WorkingDays => calendar.is_working_day(date),
        Days::Weekdays(days) => {
            days.contains(&date.weekday())
                && !(closed_on_holidays && calendar.holiday(date).is_some())
        }
    }
}

/// Ticketing state at `now` for the given hours, under the station's settings
/// (time zone, last-ticket margin, holidays).
pub fn ticketing_state(
    hours: &Hours,
    calendar: &HolidayCalendar,
    settings: &Settings,
    now: Timestamp,
) -> Ticketing {
    let tz = &settings.time_zone;
    let local = tz.to_datetime(now);
    let (date, time) = (local.date(), local.time());
    let margin = SignedDuration::from_mins(i64::from(settings.last_ticket_minutes));
    let closed = |reason| Ticketing::Closed {
        reason,
        next_open: next_opening(hours, calendar, settings, now),
    };

    if !is_open_day(hours, calendar, settings.closed_on_holidays, date) {
        return closed(match calendar.holiday(date) {
            Some(name) => ClosedReason::Holiday(name.to_string()),
            None => ClosedReason::NotOpenDay,
        });
    }
    for s in &hours.sessions {
        let last = s.end.saturating_sub(margin).max(s.start);
        if time >= s.start && time < last {
            let last_ticket = to_timestamp(tz, date, last).unwrap_or(now);
            return Ticketing::Open { last_ticket };
        }
        if time >= last && time < s.end {
            return closed(ClosedReason::LastTicketPassed);
        }
    }
    closed(if time >= hours.last_end() {
        ClosedReason::AfterHours
    } else {
        ClosedReason::NotYetOpen
    })
}

/// The next instant after `now` at which ticketing opens.
fn next_opening(
    hours: &Hours,
    calendar: &HolidayCalendar,
    settings: &Settings,
    now: Timestamp,
) -> Option<Timestamp> {
    let tz = &settings.time_zone;
    let margin = SignedDuration::from_mins(i64::from(settings.last_ticket_minutes));
    let mut date = tz.to_datetime(now).date();
    for _ in 0..60 {
        if is_open_day(hours, calendar, settings.closed_on_holidays, date) {
            for s in &hours.sessions {
                // A session too short for its own last-ticket margin never opens.
                if s.end.saturating_sub(margin) <= s.start {
                    continue;
                }
                if let Some(at) = to_timestamp(tz, date, s.start)
                    && at > now
                {
                    return Some(at);
                }
            }
        }
        date = date.tomorrow().ok()?;
    }
    None
}

/// Local date and time to an instant; a time skipped by a DST change resolves
/// forward, which is what a wall clock would show.
pub(crate) fn to_timestamp(tz: &TimeZone, date: Date, time: Time) -> Option<Timestamp> {
    tz.to_ambiguous_timestamp(date.to_datetime(time))
        .compatible()
        .ok()
}
