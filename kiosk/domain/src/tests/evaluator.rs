//! Tests of the evaluator: arming, the first key winning, bad ratings, the
//! rating time running out, restarts and the day closing while armed.

use super::*;

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
