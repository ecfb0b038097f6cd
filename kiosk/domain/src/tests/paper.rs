//! Tests of paper: print outcomes, the printer's health, reprints, and the
//! papers whose outcome a restart lost.

use super::*;

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
        channel: Default::default(),
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
