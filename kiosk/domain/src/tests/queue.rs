//! Tests of the queue: numbering, issuing, calling by the policy, recalls,
//! skips and re-queues, transfers, window commands and the wait estimate.

use super::*;

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
