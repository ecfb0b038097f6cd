//! Properties of the whole station: replaying the journal rebuilds the same
//! station, and any sequence of commands keeps it consistent.

use proptest::prelude::*;

use super::*;

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
                        role: None,
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
