//! Tests of the business day and opening hours: the day closing and
//! numbering restarting, ticketing by hours, holidays and time zone.

use super::*;

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
