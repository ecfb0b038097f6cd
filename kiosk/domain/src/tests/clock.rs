//! Tests of the station's time: a clock behind the journal, an unconfirmed
//! clock, and a clock the journal ran ahead of, confirmed by a manager or NTP.

use super::*;

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
