//! Table tests for the domain rules. Every test is instant and single-threaded:
//! commands go in with an explicit `now`, records and effects come out.

use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;

use super::hours::ClosedReason;
use super::*;

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
    fn new(settings: Settings) -> Self {
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
        let d = self
            .station
            .decide(&command, &Actor::Technician, self.now)?;
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

#[test]
fn numbering_is_per_category_and_day() {
    let mut run = Run::strict();
    let issued: Vec<String> = [
        (a(), false),
        (a(), false),
        (b(), false),
        (a(), true),
        (b(), true),
    ]
    .into_iter()
    .map(|(c, p)| run.issue(c, p).to_string())
    .collect();
    assert_eq!(issued, ["A001", "A002", "B001", "A003", "B002"]);
}

#[test]
fn the_first_command_of_a_day_opens_it_and_a_ticket_is_shown_then_printed() {
    let mut run = Run::strict();
    let d = run
        .go(Command::Issue {
            category: a(),
            priority: false,
        })
        .unwrap();
    assert_eq!(Run::kinds(&d), ["day_opened", "ticket_issued"]);
    assert!(
        matches!(&d.effects[..], [Effect::ShowTicket(s), Effect::PrintTicket(p)] if s == p && s.code == code("A001") && s.issued_local == "2026-11-30 09:00")
    );
}

#[test]
fn ticket_codes_round_trip_and_reject_garbage() {
    let table = [
        ("A001", Some("A001")),
        ("a7", Some("A007")),
        ("Z1000", Some("Z1000")),
        ("A000", None),
        ("AA01", None),
        ("1", None),
        ("", None),
        ("A-1", None),
        ("A99999999999", None),
    ];
    for (input, expected) in table {
        let got = input.parse::<TicketCode>().ok().map(|c| c.to_string());
        assert_eq!(got.as_deref(), expected, "input {input:?}");
    }
}

#[test]
fn call_next_follows_the_policy() {
    // (policy, issued as (category, priority), windows called in turn, expected calls)
    type Row<'a> = (Policy, &'a [(char, bool)], &'a [u8], &'a [&'a str]);
    let table: &[Row] = &[
        (
            Policy::Strict,
            &[('A', false), ('A', true), ('A', false)],
            &[1, 1, 1],
            &["A002", "A001", "A003"],
        ),
        (
            Policy::Alternate { every: 2 },
            &[
                ('A', true),
                ('A', true),
                ('A', true),
                ('A', false),
                ('A', false),
            ],
            &[1, 1, 1, 1, 1],
            &["A001", "A002", "A004", "A003", "A005"],
        ),
        (
            Policy::Alternate { every: 1 },
            &[('A', true), ('A', true), ('A', false)],
            &[1, 1, 1],
            &["A001", "A003", "A002"],
        ),
        // Window 2 serves A and B: the oldest eligible wins across categories.
        (
            Policy::Strict,
            &[('B', false), ('A', false), ('B', false)],
            &[2, 2, 2],
            &["B001", "A001", "B002"],
        ),
        // Window 3 serves C only.
        (
            Policy::Strict,
            &[('A', false), ('C', false)],
            &[3],
            &["C001"],
        ),
    ];
    for (policy, issues, windows, expected) in table {
        let mut run = Run::new(Settings {
            policy: *policy,
            ..Settings::default()
        });
        for &(cat_letter, priority) in *issues {
            run.issue(CategoryId::new(cat_letter).unwrap(), priority);
        }
        let called: Vec<String> = windows
            .iter()
            .filter_map(|&win| run.call(win))
            .map(|t| t.to_string())
            .collect();
        assert_eq!(&called, expected, "policy {policy:?} issues {issues:?}");
    }
}

#[test]
fn call_next_completes_the_current_ticket_and_reports_an_empty_queue() {
    let mut run = Run::strict();
    run.issue(a(), false);
    run.call(1);
    run.now = at("2026-11-30T09:04");
    let d = run.go(Command::CallNext { window: w(1) }).unwrap();
    // Completed by the next call: no time was left to rate it.
    assert_eq!(Run::kinds(&d), ["ticket_completed", "ticket_unrated"]);
    assert!(matches!(
        d.records[0].fact,
        Fact::TicketCompleted {
            service_seconds: 240,
            by_next_call: true,
            ..
        }
    ));
    assert_eq!(
        d.effects,
        [Effect::Notify(Notice::QueueEmpty { window: w(1) })]
    );
    assert_eq!(
        run.go(Command::CallNext { window: w(1) }),
        Err(Rejection::NothingWaiting(w(1)))
    );
}

#[test]
fn window_commands_are_refused_with_reasons() {
    let mut run = Run::strict();
    run.issue(a(), false);
    let table = [
        (
            Command::CallNext { window: w(9) },
            "there is no window 9; the catalog's windows are 1, 2, 3",
        ),
        (
            Command::Recall { window: w(1) },
            "window 1 is not serving a ticket",
        ),
        (
            Command::Skip { window: w(1) },
            "window 1 is not serving a ticket",
        ),
        (
            Command::Complete { window: w(1) },
            "window 1 is not serving a ticket",
        ),
        (
            Command::Transfer {
                window: w(1),
                to: b(),
            },
            "window 1 is not serving a ticket",
        ),
        (
            Command::Requeue {
                ticket: code("A009"),
            },
            "there is no ticket A009 today",
        ),
        (
            Command::Requeue {
                ticket: code("A001"),
            },
            "A001 is waiting; only a skipped ticket can be re-queued",
        ),
        (
            Command::Issue {
                category: CategoryId::new('Q').unwrap(),
                priority: false,
            },
            "there is no category Q; the catalog lists A, B, C",
        ),
    ];
    for (command, message) in table {
        let got = run.go(command.clone()).unwrap_err().to_string();
        assert_eq!(got, message, "{command:?}");
    }
    run.call(1);
    assert_eq!(
        run.go(Command::Transfer {
            window: w(1),
            to: a()
        })
        .unwrap_err()
        .to_string(),
        "A001 is already in category A"
    );
    assert_eq!(
        run.go(Command::SetWindowOpen {
            window: w(1),
            open: false
        })
        .unwrap_err()
        .to_string(),
        "window 1 is serving A001; complete, skip or transfer it first"
    );
}

#[test]
fn recall_is_limited() {
    let mut run = Run::new(Settings {
        recall_limit: 2,
        ..Settings::default()
    });
    run.issue(a(), false);
    run.call(1);
    for count in 1..=2u8 {
        let d = run.go(Command::Recall { window: w(1) }).unwrap();
        assert!(matches!(d.records[0].fact, Fact::TicketRecalled { count: c, .. } if c == count));
        assert_eq!(
            d.effects,
            [Effect::Announce {
                ticket: code("A001"),
                window: w(1),
                recall: true
            }]
        );
    }
    assert_eq!(
        run.go(Command::Recall { window: w(1) }),
        Err(Rejection::RecallLimit {
            ticket: code("A001"),
            limit: 2
        })
    );
}

#[test]
fn a_skipped_ticket_is_requeued_behind_the_next_few() {
    // (requeue_after, expected call order after A001 is skipped and re-queued)
    let table: &[(u32, &[&str])] = &[
        (0, &["A001", "A002", "A003", "A004"]),
        (2, &["A002", "A003", "A001", "A004"]),
        (3, &["A002", "A003", "A004", "A001"]),
        (10, &["A002", "A003", "A004", "A001"]),
    ];
    for &(requeue_after, expected) in table {
        let mut run = Run::new(Settings {
            requeue_after,
            ..Settings::default()
        });
        for _ in 0..4 {
            run.issue(a(), false);
        }
        assert_eq!(run.call(1), Some(code("A001")));
        run.go(Command::Skip { window: w(1) }).unwrap();
        assert!(matches!(
            run.station.ticket(code("A001")).unwrap().state,
            TicketState::Skipped { .. }
        ));
        run.go(Command::Requeue {
            ticket: code("A001"),
        })
        .unwrap();
        let mut called = Vec::new();
        while let Some(t) = run.call(1) {
            called.push(t.to_string());
        }
        assert_eq!(called, expected, "requeue_after {requeue_after}");
    }
}

#[test]
fn a_transferred_ticket_goes_to_the_front_of_its_new_category() {
    let mut run = Run::strict();
    run.issue(c(), false); // C001 waits at window 3
    run.issue(c(), false); // C002
    run.issue(a(), false); // A001
    assert_eq!(run.call(1), Some(code("A001")));
    let d = run
        .go(Command::Transfer {
            window: w(1),
            to: c(),
        })
        .unwrap();
    assert_eq!(Run::kinds(&d), ["ticket_transferred"]);
    assert_eq!(run.station.view(run.now).windows[0].ticket, None);
    let calls: Vec<_> = std::iter::from_fn(|| run.call(3))
        .map(|t| t.to_string())
        .collect();
    assert_eq!(calls, ["A001", "C001", "C002"]);
}

#[test]
fn the_business_day_closes_and_numbering_restarts() {
    let mut run = Run::strict();
    run.issue(a(), false);
    run.issue(a(), false);
    run.issue(a(), false);
    run.call(1);
    run.go(Command::Skip { window: w(1) }).unwrap();
    run.call(1);
    run.now = at("2026-11-30T18:00");
    let d = run.go(Command::Tick).unwrap();
    assert_eq!(Run::kinds(&d), ["day_closed"]);
    assert_eq!(
        d.records[0].fact,
        Fact::DayClosed {
            unserved: vec![code("A001"), code("A002"), code("A003")]
        }
    );
    assert!(
        run.station
            .tickets()
            .iter()
            .all(|t| t.state == TicketState::Unserved)
    );
    assert!(
        run.go(Command::Tick).unwrap().records.is_empty(),
        "closes once"
    );

    run.now = at("2026-12-01T08:31");
    let d = run
        .go(Command::Issue {
            category: a(),
            priority: false,
        })
        .unwrap();
    assert_eq!(Run::kinds(&d), ["day_opened", "ticket_issued"]);
    assert_eq!(d.records[1].day, "2026-12-01".parse::<Date>().unwrap());
    assert_eq!(d.records[1].fact.ticket(), Some(code("A001")));
}

#[test]
fn a_day_left_open_overnight_is_closed_before_the_next_opens() {
    let mut run = Run::strict();
    run.issue(a(), false);
    run.now = at("2026-12-01T08:40"); // the station was off at 18:00
    let d = run
        .go(Command::Issue {
            category: a(),
            priority: false,
        })
        .unwrap();
    assert_eq!(
        Run::kinds(&d),
        ["day_closed", "day_opened", "ticket_issued"]
    );
    assert_eq!(d.records[0].day, "2026-11-30".parse::<Date>().unwrap());
    assert_eq!(d.records[2].fact.ticket(), Some(code("A001")));
}

#[test]
fn ticketing_follows_hours_holidays_and_the_last_ticket_margin() {
    // (local time, issuing?, next opening shown when closed)
    let table: &[(&str, bool, Option<&str>)] = &[
        ("2026-11-30T08:29", false, Some("2026-11-30 08:30")),
        ("2026-11-30T08:30", true, None),
        ("2026-11-30T11:44", true, None),
        ("2026-11-30T11:45", false, Some("2026-11-30 14:00")), // last ticket 15 min before 12:00
        ("2026-11-30T12:30", false, Some("2026-11-30 14:00")), // lunch break
        ("2026-11-30T17:15", false, Some("2026-12-01 08:30")),
        ("2026-11-30T20:00", false, Some("2026-12-01 08:30")),
        ("2026-12-04T17:20", false, Some("2026-12-07 08:30")), // Friday evening → Monday
        ("2026-12-05T10:00", false, Some("2026-12-07 08:30")), // Saturday
        ("2026-09-30T17:20", false, Some("2026-10-06 08:30")), // into National Day: 10-01, 10-02, weekend, 10-05 off
        ("2026-10-01T10:00", false, Some("2026-10-06 08:30")), // holiday
        ("2026-10-10T10:00", true, None),                      // adjusted working Saturday
        ("2026-09-20T10:00", true, None),                      // adjusted working Sunday
    ];
    for &(local, issuing, next_open) in table {
        let run = Run::strict().at(local);
        let view = run.station.view(run.now);
        assert_eq!(view.issuing, issuing, "{local}");
        assert_eq!(view.next_open.as_deref(), next_open, "{local}");
    }
}

#[test]
fn issuing_when_closed_is_refused_with_the_next_opening() {
    let mut run = Run::strict().at("2026-11-30T12:30");
    assert_eq!(
        run.go(Command::Issue {
            category: a(),
            priority: true
        })
        .unwrap_err()
        .to_string(),
        "category A is not issuing tickets now; it opens 2026-11-30 14:00"
    );
}

#[test]
fn listed_weekdays_open_on_holidays_only_when_told_to() {
    let mut catalog_hours = station_hours();
    catalog_hours.days = Days::Weekdays(Vec::from([
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
    ]));
    let catalog = Catalog::new(
        vec![cat('A', "社保医保", "Social insurance", &[1])],
        catalog_hours,
    )
    .unwrap();
    // (date, closed_on_holidays, issuing)
    let table = [
        ("2026-10-01T10:00", true, false),
        ("2026-10-01T10:00", false, true),
        ("2026-12-05T10:00", true, true),  // a Saturday, listed
        ("2026-12-06T10:00", true, false), // a Sunday, not listed
    ];
    for (local, closed_on_holidays, issuing) in table {
        let settings = Settings {
            closed_on_holidays,
            ..Settings::default()
        };
        let station = Station::new(catalog.clone(), calendar(), settings);
        assert_eq!(
            station.view(at(local)).issuing,
            issuing,
            "{local} {closed_on_holidays}"
        );
    }
}

#[test]
fn a_category_can_keep_its_own_hours() {
    let mut morning_only = cat('D', "代办服务", "Proxy service", &[1]);
    morning_only.hours = Some(Hours {
        days: Days::WorkingDays,
        sessions: vec![session("09:00", "11:00")],
    });
    let catalog = Catalog::new(
        vec![cat('A', "社保医保", "Social insurance", &[1]), morning_only],
        station_hours(),
    )
    .unwrap();
    let station = Station::new(catalog, calendar(), Settings::default());
    let view = station.view(at("2026-11-30T15:00"));
    let issuing: Vec<(String, bool)> = view
        .categories
        .iter()
        .map(|c| (c.id.to_string(), c.issuing))
        .collect();
    assert_eq!(issuing, [("A".into(), true), ("D".into(), false)]);
}

#[test]
fn ticket_closed_reasons() {
    let cal = calendar();
    let settings = Settings::default();
    let table = [
        ("2026-10-01T10:00", ClosedReason::Holiday("国庆节".into())),
        ("2026-12-06T10:00", ClosedReason::NotOpenDay),
        ("2026-11-30T07:00", ClosedReason::NotYetOpen),
        ("2026-11-30T13:00", ClosedReason::NotYetOpen),
        ("2026-11-30T11:50", ClosedReason::LastTicketPassed),
        ("2026-11-30T17:40", ClosedReason::AfterHours),
    ];
    for (local, reason) in table {
        match ticketing_state(&station_hours(), &cal, &settings, at(local)) {
            Ticketing::Closed { reason: got, .. } => assert_eq!(got, reason, "{local}"),
            open => panic!("{local}: expected closed, got {open:?}"),
        }
    }
}

#[test]
fn the_wait_estimate_uses_open_windows_and_recent_service_times() {
    let mut run = Run::strict();
    // Nothing known yet: 5 minutes a person, A has windows 1 and 2.
    for _ in 0..3 {
        run.issue(a(), false);
    }
    let d = run
        .go(Command::Issue {
            category: a(),
            priority: false,
        })
        .unwrap();
    // 3 ahead × 300 s / 2 windows = 450 s → 8 minutes (rounded up).
    assert!(matches!(
        d.records[0].fact,
        Fact::TicketIssued {
            ahead: 3,
            wait_minutes: Some(8),
            ..
        }
    ));

    // Two services of 2 and 4 minutes: mean 3 minutes.
    run.call(1);
    run.now = at("2026-11-30T09:02");
    run.go(Command::Complete { window: w(1) }).unwrap();
    run.call(1);
    run.now = at("2026-11-30T09:06");
    run.go(Command::Complete { window: w(1) }).unwrap();
    // Window 2 pauses: only window 1 serves A now.
    run.go(Command::SetWindowOpen {
        window: w(2),
        open: false,
    })
    .unwrap();
    let view = run.station.view(run.now);
    let a_view = &view.categories[0];
    assert_eq!((a_view.waiting, a_view.wait_minutes), (2, Some(6)));
    // C's only window paused: no estimate rather than a wrong one.
    run.go(Command::SetWindowOpen {
        window: w(3),
        open: false,
    })
    .unwrap();
    assert_eq!(run.station.view(run.now).categories[2].wait_minutes, None);
    // A priority ticket counts only priority tickets ahead.
    let d = run
        .go(Command::Issue {
            category: a(),
            priority: true,
        })
        .unwrap();
    assert!(matches!(
        d.records[0].fact,
        Fact::TicketIssued {
            ahead: 0,
            wait_minutes: Some(0),
            ..
        }
    ));
}

#[test]
fn calling_at_a_paused_window_opens_it() {
    let mut run = Run::strict();
    run.issue(a(), false);
    run.go(Command::SetWindowOpen {
        window: w(1),
        open: false,
    })
    .unwrap();
    assert!(run.station.view(run.now).windows[0].paused);
    let d = run.go(Command::CallNext { window: w(1) }).unwrap();
    assert_eq!(Run::kinds(&d), ["window_opened", "ticket_called"]);
    assert!(!run.station.view(run.now).windows[0].paused);
}

#[test]
fn a_clock_behind_the_journal_never_reuses_numbers() {
    let mut run = Run::strict().at("2026-11-30T10:00");
    run.issue(a(), false);
    // Power cut; the Pi comes back believing it is the day before.
    run.now = at("2026-11-29T09:00");
    let d = run
        .go(Command::Issue {
            category: a(),
            priority: false,
        })
        .unwrap();
    assert_eq!(Run::kinds(&d), ["clock_behind", "ticket_issued"]);
    assert_eq!(d.records[1].fact.ticket(), Some(code("A002")));
    assert!(
        d.records.iter().all(|r| r.at == at("2026-11-30T10:00")),
        "time is held"
    );
    assert!(d.effects.contains(&Effect::Notify(Notice::ClockBehind {
        behind_seconds: 90_000
    })));
    assert!(run.station.view(run.now).clock_behind);
    // Warned once, not at every command.
    let d = run
        .go(Command::Issue {
            category: a(),
            priority: false,
        })
        .unwrap();
    assert_eq!(Run::kinds(&d), ["ticket_issued"]);
    // The clock is corrected: staff are told and the warning clears.
    run.now = at("2026-11-30T10:05");
    let d = run.go(Command::Tick).unwrap();
    assert_eq!(Run::kinds(&d), ["clock_recovered"]);
    assert!(!run.station.view(run.now).clock_behind);
}

#[test]
fn an_unsynchronised_clock_warns_staff_until_ntp_confirms_it() {
    let mut run = Run::strict().at("2026-11-30T10:00");
    let source = |synchronized, rtc| Command::ClockSource { synchronized, rtc };
    run.go(Command::Tick).unwrap();
    // Started after a power cut, no network yet, a Pi 4 without an RTC.
    let d = run.go(source(Some(false), false)).unwrap();
    assert_eq!(Run::kinds(&d), ["clock_unconfirmed"]);
    assert!(
        d.effects
            .contains(&Effect::Notify(Notice::ClockUnconfirmed { rtc: false }))
    );
    assert!(run.station.view(run.now).clock_unconfirmed);
    // Asked again, nothing new is journaled; a system that cannot tell
    // counts as unconfirmed.
    assert!(Run::kinds(&run.go(source(None, true)).unwrap()).is_empty());
    // Tickets are issued meanwhile, in order.
    run.issue(a(), false);
    let d = run.go(source(Some(true), false)).unwrap();
    assert_eq!(Run::kinds(&d), ["clock_confirmed"]);
    assert!(d.effects.contains(&Effect::Notify(Notice::ClockConfirmed)));
    assert!(!run.station.view(run.now).clock_unconfirmed);
    assert!(Run::kinds(&run.go(source(Some(true), false)).unwrap()).is_empty());
}

#[test]
fn replaying_the_journal_rebuilds_the_same_station() {
    let mut run = Run::new(Settings {
        policy: Policy::Alternate { every: 2 },
        ..Settings::default()
    });
    for (category, priority) in [
        (a(), true),
        (a(), false),
        (b(), false),
        (a(), true),
        (c(), false),
    ] {
        run.issue(category, priority);
    }
    run.call(1);
    run.call(2);
    run.go(Command::Skip { window: w(2) }).unwrap();
    run.go(Command::Requeue {
        ticket: code("A002"),
    })
    .ok();
    run.call(3);
    run.go(Command::Transfer {
        window: w(3),
        to: a(),
    })
    .unwrap();
    run.go(Command::Recall { window: w(1) }).unwrap();

    let mut restored = Station::new(catalog(), calendar(), run.station.settings().clone());
    for r in &run.journal {
        restored.apply(r);
    }
    assert_eq!(restored.view(run.now), run.station.view(run.now));
    assert_eq!(restored.tickets(), run.station.tickets());
    // Numbering continues after the restart and the queue order is the same.
    let mut original = run;
    let mut again = Run {
        station: restored,
        now: original.now,
        journal: Vec::new(),
    };
    assert_eq!(original.issue(a(), false), again.issue(a(), false));
    let calls = |r: &mut Run| std::iter::from_fn(|| r.call(1)).collect::<Vec<_>>();
    assert_eq!(calls(&mut original), calls(&mut again));
}

#[test]
fn the_business_day_follows_the_configured_time_zone() {
    // 16:30 UTC is already the next day in Shanghai, not in UTC.
    let instant: Timestamp = "2026-11-30T16:30:00Z".parse().unwrap();
    let table = [
        ("Asia/Shanghai", "2026-12-01 00:30"),
        ("UTC", "2026-11-30 16:30"),
        ("Asia/Urumqi", "2026-11-30 22:30"),
    ];
    for (zone, local) in table {
        let settings = Settings {
            time_zone: TimeZone::get(zone).unwrap(),
            ..Settings::default()
        };
        let station = Station::new(catalog(), calendar(), settings);
        assert_eq!(station.local(instant), local, "{zone}");
        assert_eq!(
            station.business_day(instant).to_string(),
            &local[..10],
            "{zone}"
        );
    }
}

#[test]
fn catalog_validation_names_the_category_and_field() {
    let good = || {
        vec![
            cat('A', "社保医保", "Social insurance", &[1]),
            cat('B', "民政救助", "Civil affairs", &[2]),
        ]
    };
    let mut dup = good();
    dup[1].id = a();
    let mut no_zh = good();
    no_zh[1].name_zh = " ".into();
    let mut no_en = good();
    no_en[0].name_en.clear();
    let mut no_windows = good();
    no_windows[1].windows.clear();
    let mut twice = good();
    twice[0].windows.push(w(1));
    let mut bad_hours = good();
    bad_hours[1].hours = Some(Hours {
        days: Days::WorkingDays,
        sessions: vec![session("12:00", "08:00")],
    });
    let overlapping = Hours {
        days: Days::WorkingDays,
        sessions: vec![session("08:00", "12:00"), session("11:00", "13:00")],
    };
    let table = [
        (good(), station_hours(), None),
        (
            vec![],
            station_hours(),
            Some(
                "field `category`: the catalog lists no categories; add at least one [[category]]",
            ),
        ),
        (
            dup,
            station_hours(),
            Some("category #2: field `prefix`: prefix A is used by an earlier category"),
        ),
        (
            no_zh,
            station_hours(),
            Some("category #2: field `zh`: the Chinese name is empty"),
        ),
        (
            no_en,
            station_hours(),
            Some("category #1: field `en`: the English name is empty"),
        ),
        (
            no_windows,
            station_hours(),
            Some(
                "category #2: field `windows`: no window serves this category; list at least one window number",
            ),
        ),
        (
            twice,
            station_hours(),
            Some("category #1: field `windows`: a window is listed twice"),
        ),
        (
            bad_hours,
            station_hours(),
            Some("category #2: field `hours`: session 12:00-08:00 ends before it starts"),
        ),
        (
            good(),
            overlapping,
            Some("field `hours`: sessions 08:00-12:00 and 11:00-13:00 overlap or are out of order"),
        ),
    ];
    for (categories, hours, expected) in table {
        let got = Catalog::new(categories, hours).err().map(|e| e.to_string());
        assert_eq!(got.as_deref(), expected);
    }
}

#[test]
fn working_days_follow_the_calendar() {
    let cal = calendar();
    let table = [
        ("2026-09-20", true),  // Sunday, adjusted working day
        ("2026-09-21", true),  // Monday
        ("2026-09-26", false), // Saturday
        ("2026-10-01", false), // holiday
        ("2026-10-10", true),  // Saturday, adjusted working day
        ("2027-06-07", true),  // a year without data: Monday–Friday
        ("2027-06-06", false),
    ];
    for (date, working) in table {
        assert_eq!(cal.is_working_day(date.parse().unwrap()), working, "{date}");
    }
    assert!(cal.is_known_year(2026));
    assert!(!cal.is_known_year(2027));
    let mut broken = calendar();
    let err = broken
        .add_year(
            2026,
            vec![CalendarDay {
                name: "x".into(),
                date: "2026-10-01".parse().unwrap(),
                is_off_day: false,
            }],
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "2026-10-01 is listed both as a day off and as a working day; fix the calendar file"
    );
}

#[test]
fn settings_default_to_the_station_practice() {
    let s = Settings::default();
    assert_eq!(s.time_zone.iana_name(), Some("Asia/Shanghai"));
    assert_eq!(s.policy, Policy::Strict);
    assert_eq!(s.day_close, Time::constant(18, 0, 0, 0));
}

#[test]
fn print_outcomes_are_recorded_and_a_fault_is_told_until_a_job_prints() {
    let mut run = Run::strict();
    let a1 = run.issue(a(), false);
    let failed = PrintOutcome::Failed {
        reason: "printer port /dev/ttyUSB0 does not exist".into(),
    };
    let d = run
        .go(Command::PrintOutcome {
            ticket: a1,
            outcome: failed,
        })
        .unwrap();
    assert_eq!(Run::kinds(&d), ["print_failed"]);
    assert!(
        matches!(&d.effects[..], [Effect::Notify(Notice::PrinterFault { ticket, .. })] if *ticket == a1)
    );
    assert!(run.station.view(run.now).printer_fault.is_some());
    // The ticket stays valid: it waits and is called as usual.
    assert_eq!(run.call(1), Some(a1));
    let a2 = run.issue(a(), false);
    let d = run
        .go(Command::PrintOutcome {
            ticket: a2,
            outcome: PrintOutcome::Printed {
                bytes: 212,
                after_fault: false,
            },
        })
        .unwrap();
    assert_eq!(Run::kinds(&d), ["ticket_printed"]);
    assert_eq!(d.effects, [Effect::Notify(Notice::PrinterRecovered)]);
    assert_eq!(run.station.view(run.now).printer_fault, None);
}

#[test]
fn printer_states_are_journaled_once_per_change_and_told_to_staff() {
    let mut run = Run::strict();
    run.go(Command::Tick).unwrap();
    let out = PrinterHealth::Fault {
        fault: PrinterFault::PaperOut,
        detail: "out of paper — load a new roll".into(),
    };
    let d = run.go(Command::PrinterHealth(out.clone())).unwrap();
    assert_eq!(Run::kinds(&d), ["printer_changed"]);
    assert_eq!(
        d.effects,
        [Effect::Notify(Notice::Printer {
            health: out.clone()
        })]
    );
    let view = run.station.view(run.now);
    assert_eq!(view.printer, out);
    assert_eq!(
        view.printer_fault.as_deref(),
        Some("out of paper — load a new roll")
    );
    // The same state again is not news.
    let d = run.go(Command::PrinterHealth(out)).unwrap();
    assert!(d.records.is_empty() && d.effects.is_empty());
    // Tickets are still issued while the printer is out: they are shown on
    // screen and held for the printer.
    let a1 = run.issue(a(), false);
    assert_eq!(a1.to_string(), "A001");
    run.go(Command::PrinterHealth(PrinterHealth::PaperLow))
        .unwrap();
    let view = run.station.view(run.now);
    assert_eq!(view.printer, PrinterHealth::PaperLow);
    assert_eq!(view.printer_fault, None);
}

#[test]
fn staff_reprint_a_ticket_under_its_own_number() {
    let mut run = Run::strict();
    let a1 = run.issue(a(), false);
    let a2 = run.issue(a(), false);
    let d = run.go(Command::Reprint { ticket: a2 }).unwrap();
    assert_eq!(Run::kinds(&d), ["ticket_reprinted"]);
    let [Effect::PrintTicket(slip)] = &d.effects[..] else {
        panic!("{:?}", d.effects)
    };
    assert_eq!(slip.code, a2);
    assert!(slip.reprint);
    assert_eq!(slip.ahead, 1, "A001 is still ahead of A002");
    // No number was used up.
    assert_eq!(run.issue(a(), false).to_string(), "A003");
    assert_eq!(run.call(1), Some(a1));
    run.go(Command::Complete { window: w(1) }).unwrap();
    let err = run.go(Command::Reprint { ticket: a1 }).unwrap_err();
    assert_eq!(
        err.to_string(),
        "A001 is completed; only a ticket still to be served is printed again"
    );
    let nope = "A099".parse().unwrap();
    assert!(matches!(
        run.go(Command::Reprint { ticket: nope }),
        Err(Rejection::UnknownTicket(_))
    ));
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

#[test]
fn the_first_key_after_completion_rates_the_ticket() {
    let (mut run, a1) = completed_at_window_1();
    assert_eq!(run.station.view(run.now).windows[0].armed, Some(a1));
    run.now = at("2026-11-30T09:00:20");
    let d = rate(&mut run, 5);
    assert_eq!(Run::kinds(&d), ["ticket_rated"]);
    assert_eq!(
        d.effects,
        [Effect::Thank {
            window: w(1),
            level: 5
        }]
    );
    // A second press (a second citizen, an impatient finger) is logged only.
    let d = rate(&mut run, 1);
    assert_eq!(Run::kinds(&d), ["rating_ignored"]);
    assert!(d.effects.is_empty(), "no thanks, no alert: {:?}", d.effects);
    let view = run.station.view(run.now);
    assert_eq!(view.windows[0].armed, None);
    assert_eq!(view.windows[0].ratings, [0, 0, 0, 0, 1]);
    assert_eq!(view.windows[0].unrated, 0);
}

#[test]
fn a_bad_rating_alerts_the_manager_at_once_and_opens_a_case() {
    let (mut run, a1) = completed_at_window_1();
    let d = rate(&mut run, 2);
    assert_eq!(Run::kinds(&d), ["ticket_rated", "case_opened"]);
    let case = CaseNo { year: 2026, seq: 1 };
    assert_eq!(
        d.effects,
        [
            Effect::Thank {
                window: w(1),
                level: 2
            },
            Effect::Notify(Notice::BadRating {
                ticket: a1,
                window: w(1),
                level: 2,
                case,
            })
        ]
    );
    let c = run.station.case(case).unwrap();
    assert_eq!(c.source, CaseSource::Rating { level: 2 });
    assert_eq!((c.window, c.ticket), (Some(w(1)), Some(a1)));
    assert_eq!(c.stage(), Stage::Accepted);
    assert_eq!(c.history[0].by, Actor::Technician);
    // Monday 30 November: the callback is due Tuesday, the rectification
    // 15 working days on.
    assert_eq!(c.callback_due.date, date("2026-12-01"));
    assert_eq!(c.rectify_due.date, date("2026-12-21"));
    // Good and middling ratings open nothing.
    for level in [3, 4, 5] {
        let (mut run, _) = completed_at_window_1();
        assert_eq!(Run::kinds(&rate(&mut run, level)), ["ticket_rated"]);
    }
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

#[test]
fn case_deadlines_count_working_days_from_the_next_day_across_holidays() {
    // (rated at, callback days, rectification days, callback due, rectification due)
    let table = [
        // Wednesday 30 September 2026, before National Day: 1–2 and 5 October
        // are off (with the weekend between), Saturday 10 October is worked.
        ("2026-09-30T10:00", 1, 15, "2026-10-06", "2026-10-23"),
        // Friday: the callback is on Monday.
        ("2026-11-27T10:00", 1, 15, "2026-11-30", "2026-12-18"),
        // Saturday 19 September is not worked, but Sunday 20 September is.
        ("2026-09-18T10:00", 1, 5, "2026-09-20", "2026-09-24"),
        ("2026-09-18T10:00", 3, 10, "2026-09-22", "2026-10-06"),
    ];
    for (local, callback_days, rectify_days, callback, rectify) in table {
        let settings = Settings {
            callback_days,
            rectify_days,
            ..Settings::default()
        };
        let (run, case) = bad_rating_at(local, settings);
        let c = run.station.case(case).unwrap();
        assert_eq!(
            (c.callback_due.date, c.rectify_due.date),
            (date(callback), date(rectify)),
            "{local} +{callback_days}/+{rectify_days}"
        );
        assert!(!c.callback_due.provisional && !c.rectify_due.provisional);
    }
    // Counting into a year without published holidays says so.
    let settings = Settings {
        rectify_days: 15,
        ..Settings::default()
    };
    let (run, case) = bad_rating_at("2026-12-28T10:00", settings);
    let c = run.station.case(case).unwrap();
    assert!(!c.callback_due.provisional, "29 December is in 2026");
    assert!(c.rectify_due.provisional, "{:?}", c.rectify_due);
}

#[test]
fn a_case_moves_through_the_five_stages_in_order_with_who_and_what() {
    let (mut run, case) = bad_rating_at("2026-11-30T09:00", Settings::default());
    let advance = |run: &mut Run, stage, note: &str| {
        run.go(Command::AdvanceCase {
            case,
            stage,
            note: note.into(),
            answer: Some(crate::Answer::Oral),
        })
    };
    // No skipping ahead, no going back, no stage without saying what was done.
    assert_eq!(
        advance(&mut run, Stage::Handled, "x"),
        Err(Rejection::StageOrder {
            case,
            at: Stage::Accepted,
            next: Some(Stage::Registered)
        })
    );
    assert_eq!(
        advance(&mut run, Stage::Registered, "  "),
        Err(Rejection::NoteNeeded(Stage::Registered))
    );
    let d = advance(&mut run, Stage::Registered, "站长到窗口了解情况").unwrap();
    assert_eq!(Run::kinds(&d), ["case_advanced"]);
    assert!(advance(&mut run, Stage::Registered, "again").is_err());
    run.now = at("2026-12-01T10:00");
    advance(&mut run, Stage::Handled, "窗口人员已道歉，限时整改").unwrap();
    advance(&mut run, Stage::Answered, "电话回访，群众表示理解").unwrap();
    let view = run.station.view(run.now);
    assert_eq!(view.cases.len(), 1);
    assert_eq!(view.cases[0].stage, Stage::Answered);
    assert!(!view.cases[0].overdue.any());
    // Filing needs no words.
    advance(&mut run, Stage::Archived, "").unwrap();
    let c = run.station.case(case).unwrap();
    let stages: Vec<&str> = c.history.iter().map(|e| e.stage.zh()).collect();
    assert_eq!(stages, ["受理", "登记", "处理", "反馈", "存档"]);
    assert_eq!(c.history[2].note, "窗口人员已道歉，限时整改");
    assert_eq!(c.history[2].at, at("2026-12-01T10:00"));
    assert!(
        run.station.view(run.now).cases.is_empty(),
        "filed cases leave the open list"
    );
    assert_eq!(
        advance(&mut run, Stage::Archived, ""),
        Err(Rejection::UnknownCase(case))
    );
}

#[test]
fn overdue_cases_are_flagged_per_deadline() {
    let (mut run, case) = bad_rating_at("2026-11-30T09:00", Settings::default());
    let overdue = |run: &Run, local: &str| run.station.view(at(local)).cases[0].overdue;
    // The callback is due Tuesday 1 December and kept through that whole day.
    assert!(!overdue(&run, "2026-12-01T17:59").any());
    assert_eq!(
        overdue(&run, "2026-12-02T08:00"),
        Overdue {
            callback: true,
            rectification: false
        }
    );
    // Answering clears the callback flag; the rectification runs to 21 December.
    for (stage, note) in [
        (Stage::Registered, "登记"),
        (Stage::Handled, "处理"),
        (Stage::Answered, "回访"),
    ] {
        run.go(Command::AdvanceCase {
            case,
            stage,
            note: note.into(),
            answer: Some(crate::Answer::Oral),
        })
        .unwrap();
    }
    assert!(!overdue(&run, "2026-12-02T08:00").any());
    assert_eq!(
        overdue(&run, "2026-12-22T08:00"),
        Overdue {
            callback: false,
            rectification: true
        }
    );
}

#[test]
fn case_numbers_run_on_across_days_and_restarts_and_replay_is_idempotent() {
    let (mut run, first) = bad_rating_at("2026-11-30T09:00", Settings::default());
    run.go(Command::AdvanceCase {
        case: first,
        stage: Stage::Registered,
        note: "登记".into(),
        answer: Some(crate::Answer::Oral),
    })
    .unwrap();
    // A restart: the store hands back the open case as it stands and the
    // highest number; the day's records are replayed on top.
    let mut rebuilt = run.station.blank();
    rebuilt.seed_cases([run.station.case(first).unwrap().clone()], [(2026, 1)]);
    for r in &run.journal {
        rebuilt.apply(r);
    }
    assert_eq!(rebuilt.case(first), run.station.case(first));
    assert_eq!(rebuilt.case(first).unwrap().history.len(), 2);
    // The next day, the next bad rating takes the next number.
    let mut next = Run {
        station: rebuilt,
        now: at("2026-12-01T09:00"),
        journal: Vec::new(),
    };
    let t = next.issue(a(), false);
    next.call(1);
    next.go(Command::Complete { window: w(1) }).unwrap();
    let d = rate(&mut next, 1);
    assert_eq!(
        d.records.iter().find_map(|r| r.fact.case()),
        Some(CaseNo { year: 2026, seq: 2 })
    );
    assert_eq!(next.station.ticket(t).map(|t| t.code), Some(t));
    assert_eq!(next.station.view(next.now).cases.len(), 2);
}

#[test]
fn a_rating_time_that_runs_out_leaves_the_ticket_unrated_for_good() {
    let (mut run, a1) = completed_at_window_1();
    // 29 s later it is still armed; at 30 s it has ended.
    run.now = at("2026-11-30T09:00:29");
    assert!(run.go(Command::Tick).unwrap().records.is_empty());
    assert_eq!(run.station.view(run.now).windows[0].armed, Some(a1));
    run.now = at("2026-11-30T09:00:30");
    let d = run.go(Command::Tick).unwrap();
    assert_eq!(Run::kinds(&d), ["ticket_unrated"]);
    assert!(matches!(
        d.records[0].fact,
        Fact::TicketUnrated {
            ticket,
            reason: UnratedReason::Timeout,
            ..
        } if ticket == a1
    ));
    let d = rate(&mut run, 5);
    assert_eq!(Run::kinds(&d), ["rating_ignored"]);
    assert_eq!(run.station.view(run.now).windows[0].unrated, 1);
}

#[test]
fn calling_the_next_ticket_ends_the_rating_time() {
    let (mut run, a1) = completed_at_window_1();
    let a2 = run.issue(a(), false);
    let d = run.go(Command::CallNext { window: w(1) }).unwrap();
    assert_eq!(Run::kinds(&d), ["ticket_unrated", "ticket_called"]);
    assert_eq!(d.records[0].fact.ticket(), Some(a1));
    assert_eq!(rate(&mut run, 4).records[0].fact.kind(), "rating_ignored");
    // Completing by calling the next one leaves no time to rate at all.
    let _a3 = run.issue(a(), false);
    let d = run.go(Command::CallNext { window: w(1) }).unwrap();
    assert_eq!(
        Run::kinds(&d),
        ["ticket_completed", "ticket_unrated", "ticket_called"]
    );
    assert_eq!(d.records[1].fact.ticket(), Some(a2));
}

#[test]
fn a_restart_while_armed_ends_the_rating_time_and_never_arms_again() {
    let (mut run, a1) = completed_at_window_1();
    // The kiosk restarts 5 s later: the station is rebuilt from the journal,
    // still armed, and the start ends the rating time.
    let mut rebuilt = run.station.blank();
    for record in &run.journal {
        rebuilt.apply(record);
    }
    assert_eq!(rebuilt.view(run.now).windows[0].armed, Some(a1));
    run.station = rebuilt;
    run.now = at("2026-11-30T09:00:05");
    let d = run.go(Command::Started { printer: true }).unwrap();
    // The ticket's print outcome was never journaled either: it was served,
    // so its paper no longer matters.
    assert_eq!(Run::kinds(&d), ["ticket_unrated", "print_unconfirmed"]);
    assert!(matches!(
        d.records[1].fact,
        Fact::PrintUnconfirmed {
            decision: Unconfirmed::NotNeeded,
            ..
        }
    ));
    assert!(matches!(
        d.records[0].fact,
        Fact::TicketUnrated {
            reason: UnratedReason::Restart,
            ..
        }
    ));
    // Within what would have been its 30 s, a press no longer counts.
    let d = rate(&mut run, 3);
    assert_eq!(Run::kinds(&d), ["rating_ignored"]);
    // A start with nothing armed records nothing.
    assert!(
        run.go(Command::Started { printer: true })
            .unwrap()
            .records
            .is_empty()
    );
}

#[test]
fn the_day_closing_while_armed_leaves_the_ticket_unrated() {
    let mut run = Run::strict();
    let a1 = run.issue(a(), false);
    run.call(1);
    run.now = at("2026-11-30T17:59:45");
    run.go(Command::Complete { window: w(1) }).unwrap();
    run.now = at("2026-11-30T18:00");
    let d = run.go(Command::Tick).unwrap();
    assert_eq!(Run::kinds(&d), ["ticket_unrated", "day_closed"]);
    assert_eq!(d.records[0].fact.ticket(), Some(a1));
    assert_eq!(run.station.view(run.now).windows[0].unrated, 1);
}

#[test]
fn rating_levels_and_windows_are_checked() {
    let (mut run, _) = completed_at_window_1();
    assert_eq!(
        run.go(Command::Rate {
            window: w(1),
            level: 6
        })
        .unwrap_err()
        .to_string(),
        "rating level 6 is not 1–5 (1 非常不满意 … 5 非常满意)"
    );
    assert!(matches!(
        run.go(Command::Rate {
            window: w(9),
            level: 5
        }),
        Err(Rejection::UnknownWindow(..))
    ));
    // Nothing was recorded: the window is still armed.
    assert!(run.station.view(run.now).windows[0].armed.is_some());
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn ticket_codes_round_trip(letter in proptest::char::range('A', 'Z'), number in 1u32..1_000_000) {
            let code = TicketCode { category: CategoryId::new(letter).unwrap(), number };
            prop_assert_eq!(code.to_string().parse::<TicketCode>(), Ok(code));
        }

        #[test]
        fn any_text_is_a_ticket_code_or_refused(text in any::<String>()) {
            let _ = text.parse::<TicketCode>();
        }

        /// Whatever staff press in whatever order, numbers are never repeated, every
        /// ticket is in exactly one state, and replaying the journal gives the same
        /// station.
        #[test]
        fn any_sequence_of_commands_keeps_the_station_consistent(
            steps in proptest::collection::vec((0u8..12, 0u8..5, 1u8..5, any::<bool>()), 1..120),
        ) {
            let mut run = Run::strict();
            let categories = [a(), b(), c()];
            for (i, (what, cat_index, window, flag)) in steps.into_iter().enumerate() {
                run.now = at("2026-11-30T09:00").checked_add(jiff::SignedDuration::from_secs(i as i64 * 20)).unwrap();
                let category = categories[usize::from(cat_index) % 3];
                let window = w(window.min(3));
                let command = match what {
                    0 | 1 => Command::Issue { category, priority: flag },
                    2 => Command::CallNext { window },
                    3 => Command::Recall { window },
                    4 => Command::Skip { window },
                    5 => Command::Complete { window },
                    6 => Command::Transfer { window, to: category },
                    // An evaluator key: level 1–5 from the category index.
                    8 | 9 => Command::Rate { window, level: cat_index + 1 },
                    // The manager moves the oldest open case on (or tries a
                    // stage out of order).
                    10 => match run.station.view(run.now).cases.first() {
                        Some(c) => Command::AdvanceCase {
                            case: c.case.no,
                            stage: if flag { c.stage.next().unwrap_or(Stage::Archived) } else { Stage::ALL[usize::from(cat_index)] },
                            note: "noted".into(),
                            answer: Some(crate::Answer::Oral),
                        },
                        None => Command::Tick,
                    },
                    11 => Command::EvaluatorFault { window, level: cat_index + 1, stuck: flag },
                    _ => match run.station.tickets().iter().find(|t| matches!(t.state, TicketState::Skipped { .. })) {
                        Some(t) => Command::Requeue { ticket: t.code },
                        None => Command::Tick,
                    },
                };
                let _ = run.go(command);
            }
            let codes: Vec<TicketCode> = run.station.tickets().iter().map(|t| t.code).collect();
            let unique: std::collections::BTreeSet<_> = codes.iter().collect();
            prop_assert_eq!(unique.len(), codes.len(), "a number was issued twice");
            let view = run.station.view(run.now);
            for serving in &view.windows {
                if let Some(code) = serving.ticket {
                    let t = run.station.ticket(code).unwrap();
                    let called_here = matches!(t.state, TicketState::Called { window, .. } if window == serving.window);
                    prop_assert!(called_here, "window {} shows {} in state {:?}", serving.window, code, t.state);
                }
            }
            // The day closes: every rating time ends.
            run.now = at("2026-11-30T18:00");
            let _ = run.go(Command::Tick);
            let view = run.station.view(run.now);
            // Every ticket armed is rated or unrated exactly once, and only
            // after it was armed.
            let mut armed = std::collections::BTreeSet::new();
            let mut ended = std::collections::BTreeSet::new();
            for r in &run.journal {
                match r.fact {
                    Fact::RatingArmed { ticket, .. } => prop_assert!(armed.insert(ticket), "{} armed twice", ticket),
                    Fact::TicketRated { ticket, .. } => {
                        prop_assert!(armed.contains(&ticket), "{} rated unarmed", ticket);
                        prop_assert!(ended.insert(ticket), "{} rated twice", ticket);
                    }
                    Fact::TicketUnrated { ticket, .. } => prop_assert!(ended.insert(ticket), "{} ended twice", ticket),
                    _ => {}
                }
            }
            for ticket in &armed {
                prop_assert!(ended.contains(ticket), "{} armed and never ended", ticket);
            }
            // Every bad rating opened exactly one case, numbered in order, and
            // every case's stages run in the regulations' order.
            let bad = run.journal.iter().filter(|r| matches!(r.fact, Fact::TicketRated { level, .. } if level <= 2)).count();
            let opened: Vec<u32> = run.journal.iter().filter_map(|r| match r.fact {
                Fact::CaseOpened { case, .. } => Some(case.seq),
                _ => None,
            }).collect();
            prop_assert_eq!(opened.len(), bad);
            prop_assert_eq!(opened, (1..=bad as u32).collect::<Vec<_>>());
            for seq in 1..=bad as u32 {
                if let Some(case) = run.station.case(CaseNo { year: 2026, seq }) {
                    let stages: Vec<Stage> = case.history.iter().map(|e| e.stage).collect();
                    prop_assert_eq!(&stages[..], &Stage::ALL[..stages.len()]);
                }
            }
            let mut restored = Station::new(catalog(), calendar(), run.station.settings().clone());
            for r in &run.journal {
                restored.apply(r);
            }
            prop_assert_eq!(restored.view(run.now), view);
        }
    }
}

/// A station with a panic button (staff reset) and a smoke detector (manager
/// reset), as zones 0 and 1.
fn guarded() -> Run {
    Run::new(Settings {
        zones: vec![
            ZoneInfo {
                name: "panic".into(),
                role: ZoneRole::Panic,
                reset_role: Some(StaffRole::Staff),
            },
            ZoneInfo {
                name: "smoke".into(),
                role: ZoneRole::Smoke,
                reset_role: Some(StaffRole::Manager),
            },
        ],
        ..Settings::default()
    })
}

fn signal(run: &mut Run, zone: u8, signal: ZoneSignal) -> Decision {
    run.go(Command::Zone { zone, signal }).unwrap()
}

#[test]
fn a_panic_alarm_latches_turns_the_alarm_relay_on_and_leaves_the_public_screen_alone() {
    let mut run = guarded();
    signal(&mut run, 0, ZoneSignal::Active(true));
    let d = signal(&mut run, 0, ZoneSignal::Alarm);
    assert_eq!(Run::kinds(&d), ["alarm_raised"]);
    assert_eq!(
        d.effects,
        [Effect::Notify(Notice::Alarm {
            zone: "panic".into(),
            role: ZoneRole::Panic
        })]
    );
    let view = run.station.view(run.now);
    assert!(
        !view.evacuate,
        "a panic alarm is silent on the public screen"
    );
    assert_eq!(
        view.outputs,
        OutputState {
            alarm_relay: true,
            siren_relay: false,
            buzzer: BuzzerPattern::Alarm
        }
    );
    // Tickets are still issued.
    run.issue(a(), false);
    // A second alarm signal while latched records nothing.
    assert!(signal(&mut run, 0, ZoneSignal::Alarm).records.is_empty());
    // Acknowledged: the buzzer stops, the relay stays on.
    run.go(Command::AcknowledgeAlarm { zone: 0 }).unwrap();
    let outputs = run.station.view(run.now).outputs;
    assert!(outputs.alarm_relay);
    assert_eq!(outputs.buzzer, BuzzerPattern::Off);
}

#[test]
fn a_reset_is_refused_while_the_input_is_active_or_the_role_is_too_low() {
    let mut run = guarded();
    signal(&mut run, 1, ZoneSignal::Active(true));
    signal(&mut run, 1, ZoneSignal::Alarm);
    let reset = |run: &mut Run, role| run.go(Command::ResetAlarm { zone: 1, role });
    assert_eq!(
        reset(&mut run, StaffRole::Staff),
        Err(Rejection::ResetRefused {
            zone: "smoke".into(),
            reason: ResetRefusal::Role,
            needed: Some(StaffRole::Manager)
        })
    );
    let refused = reset(&mut run, StaffRole::Manager).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "zone `smoke` still reports the alarm (button held, smoke present); reset it once the input is normal"
    );
    signal(&mut run, 1, ZoneSignal::Active(false));
    let d = reset(&mut run, StaffRole::Manager).unwrap();
    assert_eq!(Run::kinds(&d), ["alarm_reset"]);
    assert_eq!(
        reset(&mut run, StaffRole::Manager),
        Err(Rejection::NotLatched("smoke".into()))
    );
    assert_eq!(
        run.go(Command::Zone {
            zone: 7,
            signal: ZoneSignal::Alarm
        }),
        Err(Rejection::UnknownZone(7))
    );
}

#[test]
fn a_smoke_alarm_evacuates_stops_ticketing_and_the_station_returns_where_it_was() {
    let mut run = guarded();
    let a1 = run.issue(a(), false);
    signal(&mut run, 1, ZoneSignal::Active(true));
    signal(&mut run, 1, ZoneSignal::Alarm);
    let view = run.station.view(run.now);
    assert!(view.evacuate);
    assert_eq!(
        view.outputs,
        OutputState {
            alarm_relay: true,
            siren_relay: true,
            buzzer: BuzzerPattern::Alarm
        }
    );
    assert_eq!(
        run.go(Command::Issue {
            category: a(),
            priority: false
        }),
        Err(Rejection::Evacuation("smoke".into()))
    );
    signal(&mut run, 1, ZoneSignal::Active(false));
    run.go(Command::ResetAlarm {
        zone: 1,
        role: StaffRole::Manager,
    })
    .unwrap();
    let view = run.station.view(run.now);
    assert!(!view.evacuate);
    assert_eq!(view.waiting, [a1], "the waiting ticket still waits");
    run.issue(a(), false);
}

#[test]
fn a_fault_on_one_zone_never_masks_an_alarm_on_another_and_is_told_once_per_change() {
    let mut run = guarded();
    run.issue(a(), false);
    let d = signal(&mut run, 1, ZoneSignal::Fault(Some(ZoneFault::Open)));
    assert_eq!(Run::kinds(&d), ["zone_fault"]);
    assert!(
        signal(&mut run, 1, ZoneSignal::Fault(Some(ZoneFault::Open)))
            .records
            .is_empty()
    );
    let view = run.station.view(run.now);
    assert!(!view.evacuate, "a fault leaves the public screen unchanged");
    assert_eq!(view.outputs.buzzer, BuzzerPattern::Fault);
    // The panic button still alarms, and its alarm outranks the fault.
    signal(&mut run, 0, ZoneSignal::Alarm);
    let outputs = run.station.view(run.now).outputs;
    assert!(outputs.alarm_relay);
    assert_eq!(outputs.buzzer, BuzzerPattern::Alarm);
    // Repaired.
    let d = signal(&mut run, 1, ZoneSignal::Fault(None));
    assert_eq!(
        d.effects,
        [Effect::Notify(Notice::ZoneFault {
            zone: "smoke".into(),
            fault: None
        })]
    );
}

#[test]
fn latched_alarms_survive_a_rebuild_and_a_new_day() {
    let mut run = guarded();
    signal(&mut run, 0, ZoneSignal::Alarm);
    // The store finds the latched alarm in the journal of an earlier day.
    let mut rebuilt = run.station.blank();
    rebuilt.seed_alarms([("panic".to_string(), run.now)]);
    assert_eq!(rebuilt.latched_zones(), ["panic"]);
    assert!(rebuilt.view(run.now).outputs.alarm_relay);
    // A new business day does not clear it.
    let mut next = Run {
        station: rebuilt,
        now: at("2026-12-01T09:00"),
        journal: Vec::new(),
    };
    next.issue(a(), false);
    assert_eq!(next.station.latched_zones(), ["panic"]);
}

#[test]
fn a_gas_sensor_only_ever_warns_staff() {
    let mut run = Run::new(Settings {
        zones: vec![ZoneInfo {
            name: "gas".into(),
            role: ZoneRole::Gas,
            reset_role: None,
        }],
        ..Settings::default()
    });
    let d = signal(&mut run, 0, ZoneSignal::Alarm);
    assert!(d.effects.contains(&Effect::Notify(Notice::Alarm {
        zone: "gas".into(),
        role: ZoneRole::Gas
    })));
    let view = run.station.view(run.now);
    assert!(!view.evacuate);
    assert_eq!(
        view.outputs,
        OutputState {
            alarm_relay: false,
            siren_relay: false,
            buzzer: BuzzerPattern::Off
        }
    );
    run.issue(a(), false);
    // Any staff member clears the warning once the reading is normal.
    run.go(Command::ResetAlarm {
        zone: 0,
        role: StaffRole::Staff,
    })
    .unwrap();
}

#[test]
fn a_complaint_opens_a_case_whose_journal_entry_never_holds_the_number() {
    let mut run = Run::strict().at("2026-11-27T10:00");
    let phone = Phone::parse("13812345678").unwrap();
    let d = run
        .go(Command::FileComplaint {
            topic: Topic::Attitude,
            window: Some(w(2)),
            text: "  工作人员态度差\n请回电 13812345678 ".into(),
            phone: Some(phone.clone()),
            form: 0,
        })
        .unwrap();
    assert_eq!(Run::kinds(&d), ["day_opened", "case_opened"]);
    let case = CaseNo { year: 2026, seq: 1 };
    assert_eq!(d.contacts, [(case, phone)]);
    // Friday 27 November: five working days from Monday is Friday 4 December.
    let answer_by = Deadline {
        date: date("2026-12-04"),
        provisional: false,
    };
    assert_eq!(
        d.effects,
        [Effect::ComplaintFiled {
            case,
            topic: Topic::Attitude,
            window: Some(w(2)),
            filed_at: at("2026-11-27T10:00"),
            answer_by,
            working_days: 5,
            again: false,
        }]
    );
    let c = run.station.case(case).unwrap();
    assert_eq!(
        c.source,
        CaseSource::Complaint {
            topic: Topic::Attitude,
            text: "工作人员态度差 请回电 138****5678".into(),
            callback: true,
            form: 0,
        }
    );
    assert_eq!(c.callback_due, answer_by);
    // The journal entry, as stored, has no trace of the number.
    let body = serde_json::to_string(&d.records[1]).unwrap();
    assert!(
        !body.contains("13812345678") && !body.contains("1234"),
        "{body}"
    );
    // A window that does not exist is refused; no window is fine.
    assert!(matches!(
        run.go(Command::FileComplaint {
            topic: Topic::Other,
            window: Some(w(9)),
            text: String::new(),
            phone: None,
            form: 0,
        }),
        Err(Rejection::UnknownWindow(..))
    ));
    let d = run
        .go(Command::FileComplaint {
            topic: Topic::Fees,
            window: None,
            text: String::new(),
            phone: None,
            form: 0,
        })
        .unwrap();
    assert!(d.contacts.is_empty());
    assert_eq!(
        d.records[0].fact.case(),
        Some(CaseNo { year: 2026, seq: 2 })
    );
}

fn file(run: &mut Run, form: u64) -> CaseNo {
    let d = run
        .go(Command::FileComplaint {
            topic: Topic::Procedure,
            window: None,
            text: "材料要求没有一次说清楚".into(),
            phone: None,
            form,
        })
        .unwrap();
    match d.effects.last() {
        Some(Effect::ComplaintFiled { case, .. }) => *case,
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_answer_date_counts_working_days_across_holidays_and_makeup_days() {
    // (filed at, answer by): five working days from the next day.
    let table = [
        // Sunday 20 September 2026 is a makeup working day before 中秋/国庆.
        ("2026-09-16T10:00", "2026-09-22"),
        // 国庆 (as this file's calendar has it: 1, 2 and 5 October off).
        ("2026-09-29T10:00", "2026-10-09"),
        // Saturday 10 October is worked.
        ("2026-10-08T10:00", "2026-10-14"),
        // Filed on a Saturday: counting starts on Sunday, which is off.
        ("2026-11-28T10:00", "2026-12-04"),
    ];
    for (filed, due) in table {
        let mut run = Run::strict().at(filed);
        let case = file(&mut run, 0);
        let c = run.station.case(case).unwrap();
        assert_eq!(c.callback_due.date, date(due), "filed {filed}");
        assert!(!c.callback_due.provisional);
    }
}

#[test]
fn the_same_form_files_one_case() {
    let mut run = Run::strict().at("2026-11-30T10:00");
    let first = file(&mut run, 42);
    let d = run
        .go(Command::FileComplaint {
            topic: Topic::Procedure,
            window: None,
            text: "再点一次".into(),
            phone: None,
            form: 42,
        })
        .unwrap();
    assert!(d.records.is_empty(), "nothing new is journaled");
    assert!(matches!(
        d.effects.as_slice(),
        [Effect::ComplaintFiled { case, again: true, .. }] if *case == first
    ));
    // Without a form number (the control socket, a test) each is a case.
    assert_ne!(file(&mut run, 0), file(&mut run, 0));
}

#[test]
fn a_complaint_is_answered_orally_or_in_writing_and_reopened_only_after_the_answer() {
    let mut run = Run::strict().at("2026-11-30T10:00");
    let case = file(&mut run, 0);
    let advance = |run: &mut Run, stage, answer| {
        run.go(Command::AdvanceCase {
            case,
            stage,
            note: "done".into(),
            answer,
        })
    };
    let reopen = |run: &mut Run, note: &str| {
        run.go(Command::ReopenCase {
            case,
            note: note.into(),
        })
    };
    assert_eq!(
        reopen(&mut run, "不认可"),
        Err(Rejection::NotAnswered {
            case,
            at: Stage::Accepted
        })
    );
    advance(&mut run, Stage::Registered, None).unwrap();
    advance(&mut run, Stage::Handled, None).unwrap();
    assert_eq!(
        advance(&mut run, Stage::Answered, None),
        Err(Rejection::AnswerNeeded(case))
    );
    advance(&mut run, Stage::Answered, Some(Answer::Written)).unwrap();
    advance(&mut run, Stage::Archived, None).unwrap();
    assert!(run.station.view(run.now).cases.is_empty());
    // A month later the complainant disagrees: the filed case comes back.
    run.now = at("2026-12-30T10:00");
    assert_eq!(
        reopen(&mut run, "  "),
        Err(Rejection::NoteNeeded(Stage::Registered))
    );
    let d = reopen(&mut run, "投诉人不认可，重新核实 13812345678").unwrap();
    assert_eq!(
        Run::kinds(&d),
        ["day_closed", "day_opened", "case_reopened"]
    );
    let c = run.station.case(case).unwrap();
    assert_eq!(c.stage(), Stage::Registered);
    let last = c.history.last().unwrap();
    assert!(last.reopened);
    assert_eq!(last.note, "投诉人不认可，重新核实 138****5678");
    assert_eq!(c.history[3].answer, Some(Answer::Written));
    // Five working days from 31 December, over New Year 2027 (provisional:
    // the 2027 holidays are not in the calendar).
    assert_eq!(c.callback_due.date, date("2027-01-06"));
    assert!(c.callback_due.provisional);
    assert_eq!(run.station.view(run.now).cases.len(), 1);
    // A rating's case needs no answer form.
    let (mut rated, rcase) = bad_rating_at("2026-11-30T09:00", Settings::default());
    for stage in [Stage::Registered, Stage::Handled, Stage::Answered] {
        rated
            .go(Command::AdvanceCase {
                case: rcase,
                stage,
                note: "ok".into(),
                answer: None,
            })
            .unwrap();
    }
    // Reopened, a rating's case is due again as a new one would be: the
    // callback in 1 working day, the rectification in 15.
    rated
        .go(Command::ReopenCase {
            case: rcase,
            note: "群众仍不满意".into(),
        })
        .unwrap();
    let c = rated.station.case(rcase).unwrap();
    assert_eq!(c.callback_due.date, date("2026-12-01"));
    assert_eq!(c.rectify_due.date, date("2026-12-21"));
}

#[test]
fn only_the_manager_extends_a_case_with_a_reason_and_a_notice_follows() {
    let mut run = Run::strict().at("2026-11-30T10:00");
    let case = file(&mut run, 0);
    let extend = |run: &mut Run, role, days, reason: &str| {
        run.go(Command::ExtendCase {
            case,
            working_days: days,
            reason: reason.into(),
            role,
        })
    };
    assert_eq!(
        extend(&mut run, StaffRole::Staff, 5, "需核实"),
        Err(Rejection::ExtensionRole)
    );
    assert_eq!(
        extend(&mut run, StaffRole::Technician, 5, "需核实"),
        Err(Rejection::ExtensionRole)
    );
    for (days, reason) in [(0, "需核实"), (61, "需核实"), (5, " \n ")] {
        assert_eq!(
            extend(&mut run, StaffRole::Manager, days, reason),
            Err(Rejection::ExtensionTerms),
            "{days} {reason:?}"
        );
    }
    let d = extend(&mut run, StaffRole::Manager, 5, "需县民政局核实").unwrap();
    assert_eq!(Run::kinds(&d), ["case_extended"]);
    let was = Deadline {
        date: date("2026-12-07"),
        provisional: false,
    };
    let now_due = Deadline {
        date: date("2026-12-14"),
        provisional: false,
    };
    assert_eq!(
        d.effects,
        [Effect::CaseExtended {
            case,
            reason: "需县民政局核实".into(),
            was,
            now_due,
            by: Actor::Technician,
        }]
    );
    let c = run.station.case(case).unwrap();
    assert_eq!((c.callback_due, c.rectify_due), (now_due, now_due));
    assert_eq!(c.extensions.len(), 1);
    assert_eq!(
        (c.extensions[0].was, c.extensions[0].now_due),
        (was, now_due)
    );
    // Replaying the record (a restart) does not extend twice.
    let mut again = c.clone();
    again.apply(&d.records[0]);
    assert_eq!(again, *c);
    // Overdue is judged against the extended date.
    assert!(
        !run.station.view(at("2026-12-10T10:00")).cases[0]
            .overdue
            .any()
    );
    assert!(
        run.station.view(at("2026-12-15T10:00")).cases[0]
            .overdue
            .callback
    );
}

#[test]
fn forgetting_callback_numbers_journals_each_case_without_the_number() {
    let mut run = Run::strict().at("2026-11-30T10:00");
    let case = file(&mut run, 0);
    let d = run
        .go(Command::ForgetContacts { cases: vec![case] })
        .unwrap();
    assert_eq!(Run::kinds(&d), ["contact_deleted"]);
    assert_eq!(d.records[0].fact.case(), Some(case));
}

fn back(window: u8, started: &str, finished: &str) -> BackEntry {
    BackEntry {
        category: a(),
        window: w(window),
        started: at(started),
        finished: at(finished),
        register_no: "手工-07".into(),
        note: "社保认证，联系 13812345678".into(),
    }
}

#[test]
fn a_back_entry_keeps_its_real_times_and_counts_for_the_day_it_was_handled() {
    let mut run = Run::strict().at("2026-12-01T10:00");
    let d = run
        .go(Command::BackEnter(back(
            1,
            "2026-11-30T15:10",
            "2026-11-30T15:32",
        )))
        .unwrap();
    assert!(Run::kinds(&d).ends_with(&["back_entered"]));
    let r = d.records.last().unwrap();
    // Entered now, on today's business day; handled yesterday.
    assert_eq!(r.at, at("2026-12-01T10:00"));
    assert_eq!(r.day, "2026-12-01".parse::<Date>().unwrap());
    let Fact::BackEntered {
        handled_day,
        started,
        service_seconds,
        ref note,
        ref register_no,
        ..
    } = r.fact
    else {
        panic!("not a back-entry: {:?}", r.fact);
    };
    assert_eq!(handled_day, "2026-11-30".parse::<Date>().unwrap());
    assert_eq!(started, at("2026-11-30T15:10"));
    assert_eq!(service_seconds, 22 * 60);
    assert_eq!(register_no, "手工-07");
    assert!(!note.contains("13812345678"), "{note}");
    assert_eq!(r.fact.window(), Some(w(1)));
    assert_eq!(run.station.back_entries_today(), 1);
    // Nothing about today's queue changed: no number was used.
    assert!(run.station.tickets().is_empty());
    assert_eq!(run.issue(a(), false).to_string(), "A001");
}

#[test]
fn a_back_entry_twice_and_impossible_times_are_refused() {
    let mut run = Run::strict().at("2026-12-01T10:00");
    let entry = back(1, "2026-12-01T08:40", "2026-12-01T08:55");
    run.go(Command::BackEnter(entry.clone())).unwrap();
    assert!(matches!(
        run.go(Command::BackEnter(entry.clone())),
        Err(Rejection::BackEnteredTwice { .. })
    ));
    // The same start at another window is another matter.
    run.go(Command::BackEnter(BackEntry {
        window: w(2),
        ..entry.clone()
    }))
    .unwrap();
    for (started, finished) in [
        // In the future.
        ("2026-12-01T09:50", "2026-12-01T10:20"),
        // Finished before it started.
        ("2026-12-01T09:00", "2026-12-01T08:00"),
        // Longer than a working day.
        ("2026-11-30T08:00", "2026-11-30T21:00"),
        // Too long ago.
        ("2026-10-01T09:00", "2026-10-01T09:10"),
    ] {
        assert_eq!(
            run.go(Command::BackEnter(back(1, started, finished))),
            Err(Rejection::BackEntryTimes),
            "{started}–{finished}"
        );
    }
    assert!(matches!(
        run.go(Command::BackEnter(BackEntry {
            window: w(9),
            ..entry.clone()
        })),
        Err(Rejection::UnknownWindow(..))
    ));
    assert!(matches!(
        run.go(Command::BackEnter(BackEntry {
            category: CategoryId::new('Z').unwrap(),
            ..entry
        })),
        Err(Rejection::UnknownCategory(..))
    ));
    assert_eq!(run.station.back_entries_today(), 2);
}

#[test]
fn sign_ins_and_refused_pins_are_journaled_and_paper_changes_print_a_test_page() {
    let mut run = Run::strict();
    let d = run
        .go(Command::NoteSignIn {
            staff: "0001".into(),
            place: SignInPlace::Console,
            refused: None,
        })
        .unwrap();
    assert_eq!(
        d.records.last().unwrap().fact,
        Fact::StaffSignedIn {
            staff: "0001".into(),
            place: SignInPlace::Console
        }
    );
    let d = run
        .go(Command::NoteSignIn {
            staff: "x".repeat(40),
            place: SignInPlace::Touchscreen,
            refused: Some("wrong PIN".into()),
        })
        .unwrap();
    let r = d.records.last().unwrap();
    // Nobody is known to have typed it: the system notes it.
    assert_eq!(r.actor, Actor::System);
    assert!(matches!(&r.fact, Fact::PinRefused { staff, .. } if staff.len() == 16));
    let d = run.go(Command::PaperChanged).unwrap();
    assert_eq!(Run::kinds(&d).last(), Some(&"paper_changed"));
    assert_eq!(d.effects, vec![Effect::PrintTestPage]);
}

/// The station as a restart rebuilds it from the journal so far.
fn restarted(run: &mut Run) {
    let mut rebuilt = run.station.blank();
    for record in &run.journal {
        rebuilt.apply(record);
    }
    run.station = rebuilt;
}

fn printed(run: &mut Run, ticket: TicketCode) {
    run.go(Command::PrintOutcome {
        ticket,
        outcome: PrintOutcome::Printed {
            bytes: 300,
            after_fault: false,
        },
    })
    .unwrap();
}

#[test]
fn after_a_crash_recent_papers_print_again_marked_and_older_ones_are_listed_for_staff() {
    let mut run = Run::strict();
    let a1 = run.issue(a(), false);
    run.now = at("2026-11-30T09:04");
    let a2 = run.issue(a(), false);
    let a3 = run.issue(a(), false);
    printed(&mut run, a3);
    let b1 = run.issue(b(), false);
    run.go(Command::FileComplaint {
        topic: Topic::Efficiency,
        window: None,
        text: String::new(),
        phone: None,
        form: 7,
    })
    .unwrap();
    assert_eq!(run.call(2), Some(a1), "strict order calls A001 at window 2");
    // The kiosk is killed and starts again a minute later.
    restarted(&mut run);
    run.now = at("2026-11-30T09:05");
    let d = run.go(Command::Started { printer: true }).unwrap();
    let decisions: Vec<(String, Unconfirmed)> = d
        .records
        .iter()
        .filter_map(|r| match &r.fact {
            Fact::PrintUnconfirmed {
                paper, decision, ..
            } => Some((paper.to_string(), *decision)),
            _ => None,
        })
        .collect();
    // A001 was called before the crash (the citizen reached the window): not
    // needed. A002 and B001, asked for a minute ago, print again marked; so
    // does the complaint's receipt.
    let expect = [
        (a1, Unconfirmed::NotNeeded),
        (a2, Unconfirmed::Reprinted),
        (b1, Unconfirmed::Reprinted),
    ];
    for (ticket, decision) in expect {
        assert!(
            decisions.contains(&(ticket.to_string(), decision)),
            "{ticket}: {decisions:?}"
        );
    }
    assert!(decisions.contains(&("2026-0001 投诉受理回执".into(), Unconfirmed::Reprinted)));
    assert!(
        !decisions.iter().any(|(p, _)| *p == a3.to_string()),
        "A003 printed"
    );
    let reprints: Vec<String> = d
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::PrintTicket(slip) if slip.reprint => Some(slip.code.to_string()),
            Effect::ReprintCase { case, .. } => Some(case.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(
        reprints,
        [a2.to_string(), b1.to_string(), "2026-0001".into()]
    );
    // Nothing is listed: everything was recent or served.
    assert!(run.station.view(run.now).unconfirmed_prints.is_empty());
    // The reprints are outstanding again until the printer answers; a second
    // restart ten minutes later finds them too old and lists them.
    restarted(&mut run);
    run.now = at("2026-11-30T09:15");
    let d = run.go(Command::Started { printer: true }).unwrap();
    assert_eq!(
        Run::kinds(&d),
        [
            "print_unconfirmed",
            "print_unconfirmed",
            "print_unconfirmed"
        ]
    );
    let listed: Vec<String> = run
        .station
        .view(run.now)
        .unconfirmed_prints
        .iter()
        .map(|p| p.paper.to_string())
        .collect();
    assert_eq!(
        listed,
        [
            a2.to_string(),
            b1.to_string(),
            "2026-0001 投诉受理回执".into()
        ]
    );
    assert!(d.effects.iter().any(|e| matches!(
        e,
        Effect::Notify(Notice::PrintsUnconfirmed { reprinted, listed }) if reprinted.is_empty() && listed.len() == 3
    )));
    // Listed papers leave the list when they stop mattering: the ticket is
    // called, the receipt printed again by staff.
    run.call(1);
    run.go(Command::ReprintCase {
        case: CaseNo { year: 2026, seq: 1 },
        document: CaseDocument::Receipt,
    })
    .unwrap();
    let listed: Vec<String> = run
        .station
        .view(run.now)
        .unconfirmed_prints
        .iter()
        .map(|p| p.paper.to_string())
        .collect();
    assert_eq!(listed, [b1.to_string()]);
    // A rating case has no receipt; a case without extensions no notice.
    assert!(matches!(
        run.go(Command::ReprintCase {
            case: CaseNo { year: 2026, seq: 1 },
            document: CaseDocument::ExtensionNotice,
        }),
        Err(Rejection::NoSuchDocument { .. })
    ));
}

#[test]
fn without_a_printer_after_a_restart_nothing_is_printed_again_and_the_decision_is_kept() {
    let mut run = Run::strict();
    let a1 = run.issue(a(), false);
    restarted(&mut run);
    let d = run.go(Command::Started { printer: false }).unwrap();
    assert!(matches!(
        &d.records[..],
        [Record { fact: Fact::PrintUnconfirmed { paper: Paper::Ticket { ticket }, decision: Unconfirmed::NoPrinter, .. }, .. }] if *ticket == a1
    ));
    assert!(d.effects.is_empty());
}

/// The station as `kiosk run` resumes it from a journal: the records of the
/// day of the last entry, and the numbers already given on later days.
fn resumed(run: &mut Run) {
    let last_day = run.journal.last().unwrap().day;
    let mut station = run.station.blank();
    let later = run.journal.iter().filter_map(|r| match r.fact {
        Fact::TicketIssued { ticket, .. } if r.day > last_day => {
            Some((r.day, ticket.category, ticket.number))
        }
        _ => None,
    });
    station.seed_later_days(later.collect::<Vec<_>>());
    for r in run.journal.iter().filter(|r| r.day == last_day) {
        station.apply(r);
    }
    run.station = station;
}

fn confirm_clock(run: &mut Run, role: StaffRole) -> Result<Decision, Rejection> {
    let d = run
        .station
        .decide(&Command::ConfirmClock { role }, &Actor::Technician, run.now)?;
    run.journal.extend(d.records.iter().cloned());
    // The shell rebuilds the station from the journal after a correction.
    resumed(run);
    Ok(d)
}

#[test]
fn a_clock_that_ran_ahead_is_confirmed_by_a_manager_and_the_day_it_closed_opens_again() {
    let mut run = Run::strict();
    let a1 = run.issue(a(), false);
    let a2 = run.issue(a(), false);
    assert_eq!(run.call(1), Some(a1));
    // The kiosk runs once with its clock set to tomorrow 19:00: today closes
    // with both tickets unserved, tomorrow opens and closes.
    run.now = at("2026-12-01T19:00");
    let d = run.go(Command::Tick).unwrap();
    assert_eq!(Run::kinds(&d), ["day_closed", "day_opened", "day_closed"]);
    // Restarted on the real clock, mid-morning: the journal is 33 hours ahead.
    resumed(&mut run);
    run.now = at("2026-11-30T10:00");
    let d = run.go(Command::Tick).unwrap();
    assert_eq!(Run::kinds(&d), ["clock_behind"]);
    let view = run.station.view(run.now);
    assert_eq!(
        view.clock_doubt,
        Some(ClockDoubt {
            clock: at("2026-11-30T10:00"),
            journal: at("2026-12-01T19:00"),
        })
    );
    assert!(!view.issuing, "held at tomorrow 19:00 it says closed");
    // Window staff cannot confirm the clock; the manager can.
    assert_eq!(
        confirm_clock(&mut run, StaffRole::Staff).unwrap_err(),
        Rejection::ClockRole
    );
    let d = confirm_clock(&mut run, StaffRole::Manager).unwrap();
    assert_eq!(Run::kinds(&d), ["clock_corrected"]);
    let r = &d.records[0];
    assert_eq!((r.at, r.day), (at("2026-11-30T10:00"), date("2026-11-30")));
    assert!(matches!(
        d.effects[..],
        [Effect::Notify(Notice::ClockCorrected {
            ahead_seconds: 118_800,
            ntp: false
        })]
    ));
    // Back on today: open, both tickets waiting again, numbering goes on.
    let view = run.station.view(run.now);
    assert!(view.issuing);
    assert_eq!(view.clock_doubt, None);
    assert!(!view.clock_behind);
    assert_eq!(view.waiting, [a1, a2]);
    assert_eq!(run.issue(a(), false), code("A003"));
    // Time goes on from the clock: no clock_behind on the next command.
    run.now = at("2026-11-30T10:05");
    let d = run.go(Command::Tick).unwrap();
    assert!(d.records.is_empty(), "{:?}", Run::kinds(&d));
    // Nothing to confirm any more.
    assert_eq!(
        confirm_clock(&mut run, StaffRole::Manager).unwrap_err(),
        Rejection::ClockNotBehind
    );
}

#[test]
fn numbers_a_clock_that_ran_ahead_gave_on_a_later_day_are_not_given_again_that_day() {
    let mut run = Run::strict();
    run.issue(a(), false);
    // Tomorrow morning, by a clock that ran ahead: A001 and A002 of 1 December.
    run.now = at("2026-12-01T09:00");
    run.issue(a(), false);
    run.issue(a(), false);
    resumed(&mut run);
    run.now = at("2026-11-30T10:00");
    confirm_clock(&mut run, StaffRole::Manager).unwrap();
    assert_eq!(run.issue(a(), false), code("A002"), "30 November goes on");
    // The real 1 December: its numbering goes on above the two already given.
    resumed(&mut run);
    run.now = at("2026-12-01T09:00");
    assert_eq!(run.issue(a(), false), code("A003"));
}

#[test]
fn ntp_confirms_a_clock_far_behind_the_journal_and_a_small_gap_is_only_held() {
    let mut run = Run::strict();
    run.issue(a(), false);
    run.now = at("2026-11-30T09:05");
    run.go(Command::ClockSource {
        synchronized: Some(false),
        rtc: false,
    })
    .unwrap();
    // Five minutes behind: held, no doubt; NTP's word changes nothing yet.
    run.now = at("2026-11-30T09:00");
    assert!(run.station.view(run.now).clock_doubt.is_none());
    let d = run
        .go(Command::ClockSource {
            synchronized: Some(true),
            rtc: false,
        })
        .unwrap();
    assert_eq!(Run::kinds(&d), ["clock_behind", "clock_confirmed"]);
    // Two hours behind, NTP synchronised: the clock is right; the journal ran
    // ahead. Corrected, by the system.
    run.now = at("2026-11-30T11:30");
    run.issue(a(), false);
    run.go(Command::ClockSource {
        synchronized: Some(false),
        rtc: false,
    })
    .unwrap();
    run.now = at("2026-11-30T09:30");
    assert!(run.station.view(run.now).clock_doubt.is_some());
    let d = run
        .go(Command::ClockSource {
            synchronized: Some(true),
            rtc: false,
        })
        .unwrap();
    assert_eq!(Run::kinds(&d), ["clock_corrected", "clock_confirmed"]);
    assert!(matches!(
        d.records[0],
        Record {
            actor: Actor::System,
            fact: Fact::ClockCorrected { ntp: true, .. },
            ..
        }
    ));
}
#[test]
fn only_the_manager_exports_a_case_in_full_and_the_export_is_journaled_under_the_case() {
    let mut run = Run::strict();
    let case: CaseNo = "2026-0007".parse().unwrap();
    for role in [StaffRole::Staff, StaffRole::Technician] {
        assert_eq!(
            run.go(Command::ExportCase {
                case,
                role,
                place: SignInPlace::Console,
            }),
            Err(Rejection::ExportRole)
        );
    }
    let d = run
        .go(Command::ExportCase {
            case,
            role: StaffRole::Manager,
            place: SignInPlace::Command,
        })
        .unwrap();
    let r = d.records.last().unwrap();
    assert_eq!(
        r.fact,
        Fact::CaseExported {
            case,
            place: SignInPlace::Command
        }
    );
    assert_eq!(r.fact.kind(), "case_exported");
    // Found with the case's other entries (`kiosk logs --case`, the case file).
    assert_eq!(r.fact.case(), Some(case));
    assert!(d.effects.is_empty());
}
