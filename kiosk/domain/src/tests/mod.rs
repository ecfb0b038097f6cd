//! Table tests for the domain rules. Every test is instant and single-threaded:
//! commands go in with an explicit `now`, records and effects come out.
//!
//! This module holds what the tests share: the catalog, calendar and clock
//! they run on, the `Run` rig, and helpers that more than one area uses. The
//! tests themselves are in one module per area, named as in `station/`.

use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;

use super::hours::ClosedReason;
use super::*;

mod alarms;
mod attendance;
mod back_entry;
mod cases;
mod clock;
mod complaints;
mod config;
mod day;
mod district;
mod dockets;
mod evaluator;
mod matters;
mod paper;
mod people;
mod properties;
mod queue;
mod roster;
mod staff;
mod voice;

fn cat(id: char, zh: &str, en: &str, windows: &[u8]) -> Category {
    Category {
        id: CategoryId::new(id).unwrap(),
        name_zh: zh.into(),
        name_en: en.into(),
        windows: windows.iter().map(|&w| WindowNo::new(w).unwrap()).collect(),
        hours: None,
    }
}

fn session(a: &str, b: &str) -> Session {
    Session {
        start: a.parse().unwrap(),
        end: b.parse().unwrap(),
    }
}

fn station_hours() -> Hours {
    Hours {
        days: Days::WorkingDays,
        sessions: vec![session("08:30", "12:00"), session("14:00", "17:30")],
    }
}

fn catalog() -> Catalog {
    Catalog::new(
        vec![
            cat('A', "社保医保", "Social insurance", &[1, 2]),
            cat('B', "民政救助", "Civil affairs", &[2]),
            cat('C', "户籍证件", "Household registration", &[3]),
        ],
        station_hours(),
    )
    .unwrap()
}

fn calendar() -> HolidayCalendar {
    let mut c = HolidayCalendar::default();
    let day = |d: &str, off: bool| CalendarDay {
        name: "国庆节".into(),
        date: d.parse().unwrap(),
        is_off_day: off,
    };
    c.add_year(
        2026,
        vec![
            day("2026-09-20", false),
            day("2026-10-01", true),
            day("2026-10-02", true),
            day("2026-10-05", true),
            day("2026-10-10", false),
        ],
    )
    .unwrap();
    c
}

/// Local Shanghai time to an instant.
fn at(local: &str) -> Timestamp {
    let dt: jiff::civil::DateTime = local.parse().unwrap();
    TimeZone::get("Asia/Shanghai")
        .unwrap()
        .to_timestamp(dt)
        .unwrap()
}

fn a() -> CategoryId {
    CategoryId::new('A').unwrap()
}
fn b() -> CategoryId {
    CategoryId::new('B').unwrap()
}
fn c() -> CategoryId {
    CategoryId::new('C').unwrap()
}
fn w(n: u8) -> WindowNo {
    WindowNo::new(n).unwrap()
}
fn code(s: &str) -> TicketCode {
    s.parse().unwrap()
}

/// A station plus a clock, applying every accepted decision as the shell would
/// after its commit.
struct Run {
    station: Station,
    now: Timestamp,
    journal: Vec<Record>,
}

impl Run {
    /// A station without the people rules (signing on, the held call):
    /// each area's tests are about their own rules; `people.rs` runs them.
    fn new(settings: Settings) -> Self {
        Self::with_people(Settings {
            sign_on_required: false,
            call_waits_for_rating: false,
            ..settings
        })
    }

    /// A station with the settings as given.
    fn with_people(settings: Settings) -> Self {
        Self {
            station: Station::new(catalog(), calendar(), settings),
            now: at("2026-11-30T09:00"),
            journal: Vec::new(),
        }
    }

    fn strict() -> Self {
        Self::new(Settings::default())
    }

    fn at(mut self, local: &str) -> Self {
        self.now = at(local);
        self
    }

    fn go(&mut self, command: Command) -> Result<Decision, Rejection> {
        self.go_as(Actor::Technician, command)
    }

    /// [`Run::go`] on behalf of someone else (a staff member by number).
    fn go_as(&mut self, actor: Actor, command: Command) -> Result<Decision, Rejection> {
        let d = self.station.decide(&command, &actor, self.now)?;
        for r in &d.records {
            self.station.apply(r);
        }
        self.journal.extend(d.records.iter().cloned());
        Ok(d)
    }

    fn issue(&mut self, category: CategoryId, priority: bool) -> TicketCode {
        let d = self.go(Command::Issue { category, priority }).unwrap();
        d.records
            .iter()
            .find_map(|r| match r.fact {
                Fact::TicketIssued { ticket, .. } => Some(ticket),
                _ => None,
            })
            .unwrap()
    }

    fn call(&mut self, window: u8) -> Option<TicketCode> {
        let d = self.go(Command::CallNext { window: w(window) }).ok()?;
        d.records.iter().find_map(|r| match r.fact {
            Fact::TicketCalled { ticket, .. } => Some(ticket),
            _ => None,
        })
    }

    fn kinds(d: &Decision) -> Vec<&'static str> {
        d.records.iter().map(|r| r.fact.kind()).collect()
    }
}

/// A ticket called and completed at window 1 at 09:00; the evaluator armed.
fn completed_at_window_1() -> (Run, TicketCode) {
    let mut run = Run::strict();
    let a1 = run.issue(a(), false);
    assert_eq!(run.call(1), Some(a1));
    let d = run.go(Command::Complete { window: w(1) }).unwrap();
    assert_eq!(Run::kinds(&d), ["ticket_completed", "rating_armed"]);
    (run, a1)
}

fn rate(run: &mut Run, level: u8) -> Decision {
    run.go(Command::Rate {
        window: w(1),
        level,
    })
    .unwrap()
}

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

/// A bad rating at window 1 at `local`; returns the run and the case.
fn bad_rating_at(local: &str, settings: Settings) -> (Run, CaseNo) {
    let mut run = Run::new(settings).at(local);
    let ticket = run.issue(a(), false);
    run.call(1);
    run.go(Command::Complete { window: w(1) }).unwrap();
    let d = rate(&mut run, 1);
    let case = d
        .records
        .iter()
        .find_map(|r| r.fact.case())
        .expect("a case opened");
    assert_eq!(run.station.case(case).unwrap().ticket, Some(ticket));
    (run, case)
}

fn file(run: &mut Run, form: u64) -> CaseNo {
    let d = run
        .go(Command::FileComplaint {
            topic: Topic::Procedure,
            window: None,
            text: "材料要求没有一次说清楚".into(),
            phone: None,
            form,
            channel: Default::default(),
        })
        .unwrap();
    match d.effects.last() {
        Some(Effect::ComplaintFiled { case, .. }) => *case,
        other => panic!("{other:?}"),
    }
}
