//! Tests of dockets: receipts and their promised dates, each kind's stages,
//! the refusals, the rating of a result at hand-over, reminders, the pickup
//! list and a station rebuilt from the journal.

use super::*;

fn allowance() -> MatterRef {
    MatterRef {
        id: MatterId::parse("elderly-allowance").unwrap(),
        version: 3,
        zh: "高龄津贴申请".into(),
        en: None,
    }
}

fn id_card() -> Vec<Received> {
    vec![
        Received {
            name: "身份证复印件".into(),
            count: 2,
        },
        Received {
            name: "户口簿复印件".into(),
            count: 1,
        },
    ]
}

fn citizen() -> Principal {
    Principal::new("王小明", "11010519491231002X").unwrap()
}

fn accept(run: &mut Run, days: u16, principal: Option<Principal>) -> Result<Decision, Rejection> {
    run.go(Command::AcceptMatter {
        window: w(1),
        ticket: None,
        matter: allowance(),
        working_days: days,
        materials: id_card(),
        principal,
        code: LookupCode::from_random(4321),
    })
}

fn opened(d: &Decision) -> DocketNo {
    d.records
        .iter()
        .find_map(|r| match r.fact {
            Fact::DocketOpened { docket, .. } => Some(docket),
            _ => None,
        })
        .expect("a docket opened")
}

fn advance(run: &mut Run, docket: DocketNo, stage: DocketStage) -> Result<Decision, Rejection> {
    run.go(Command::AdvanceDocket {
        docket,
        stage,
        note: "按时办理".into(),
        office: Some("镇民政办".into()),
        notified: Some(NotifyBy::Phone),
        window: Some(w(1)),
        signed: true,
    })
}

/// The shipped 2025 and 2026 calendars: Spring Festival and National Day as
/// the State Council set them.
fn shipped() -> HolidayCalendar {
    #[derive(serde::Deserialize)]
    struct File {
        year: i16,
        days: Vec<CalendarDay>,
    }
    let mut calendar = HolidayCalendar::default();
    for text in [
        include_str!("../../../../assets/calendar/2025.json"),
        include_str!("../../../../assets/calendar/2026.json"),
    ] {
        let file: File = serde_json::from_str(text).unwrap();
        calendar.add_year(file.year, file.days).unwrap();
    }
    calendar
}

#[test]
fn a_promised_date_counts_working_days_from_the_next_day_over_the_holidays() {
    // (accepted on, time limit, promised by, provisional)
    for (day, limit, due, provisional) in [
        // An ordinary Monday: five working days end the next Monday.
        ("2026-11-30", 5, "2026-12-07", false),
        // Friday before Spring Festival: Saturday 14 Feb is a 调休 working
        // day, 15–23 are off, Saturday 28 Feb works again.
        ("2026-02-13", 1, "2026-02-14", false),
        ("2026-02-13", 2, "2026-02-24", false),
        ("2026-02-13", 5, "2026-02-27", false),
        ("2026-02-13", 6, "2026-02-28", false),
        ("2026-02-13", 7, "2026-03-02", false),
        // Mid-Autumn and National Day: 25–27 Sep and 1–7 Oct off, Sunday 20
        // Sep and Saturday 10 Oct working.
        ("2026-09-18", 1, "2026-09-20", false),
        ("2026-09-24", 1, "2026-09-28", false),
        ("2026-09-30", 1, "2026-10-08", false),
        ("2026-09-30", 3, "2026-10-10", false),
        ("2026-09-30", 4, "2026-10-12", false),
        // Late December: the count runs into 2027, whose holidays are not
        // published yet — the date holds Monday to Friday, flagged.
        ("2026-12-28", 5, "2027-01-04", true),
        ("2026-12-31", 1, "2027-01-01", true),
    ] {
        let mut run = Run::strict().at(&format!("{day}T09:00"));
        run.station.set_calendar(shipped());
        let d = accept(&mut run, limit, None).unwrap();
        let docket = run.station.docket(opened(&d)).unwrap();
        assert_eq!(
            (docket.promised.date, docket.promised.provisional),
            (date(due), provisional),
            "{day} + {limit}"
        );
        assert!(d.records.iter().any(|r| matches!(
            r.fact,
            Fact::MatterHandled { outcome: Outcome::Accepted { promised, receipt: Some(_) }, .. }
                if promised == date(due)
        )));
    }
}

#[test]
fn a_promised_matter_prints_its_receipt_and_moves_through_its_stages() {
    let mut run = Run::strict();
    let a1 = run.issue(a(), false);
    run.call(1);
    let d = accept(&mut run, 5, None).unwrap();
    assert_eq!(Run::kinds(&d), ["docket_opened", "matter_handled"]);
    let no = opened(&d);
    assert_eq!(no.to_string(), "SL2026-00001");
    assert_eq!(d.records[0].fact.ticket(), Some(a1));
    assert_eq!(d.records[1].fact.docket(), Some(no));
    let [
        Effect::PrintDocket {
            docket,
            document: DocketDocument::Receipt,
            principal: None,
            again: false,
        },
    ] = d.effects.as_slice()
    else {
        panic!("{:?}", d.effects);
    };
    assert_eq!(docket.kind, DocketKind::Promised);
    assert_eq!(docket.pieces(), 3);
    assert!(d.principals.is_empty());
    // The same matter for the same ticket is not accepted twice.
    assert!(matches!(
        accept(&mut run, 5, None),
        Err(Rejection::MatterTwice { .. })
    ));
    // Stages in order; each step names who and when.
    run.now = at("2026-12-01T10:00");
    for stage in [DocketStage::InProgress, DocketStage::Finished] {
        let d = run
            .go_as(
                Actor::Staff { id: "0002".into() },
                Command::AdvanceDocket {
                    docket: no,
                    stage,
                    note: "已审核".into(),
                    office: None,
                    notified: None,
                    window: None,
                    signed: false,
                },
            )
            .unwrap();
        assert!(Run::kinds(&d).ends_with(&["docket_advanced"]));
    }
    let docket = run.station.docket(no).unwrap();
    assert_eq!(docket.stage(), DocketStage::Finished);
    assert_eq!(docket.history[2].by, Actor::Staff { id: "0002".into() });
    assert_eq!(run.station.view(run.now).ready, [no]);
    // Handed over at window 1: the evaluator waits for the result's rating.
    let d = advance(&mut run, no, DocketStage::Collected).unwrap();
    assert_eq!(Run::kinds(&d), ["docket_advanced", "docket_rating_armed"]);
    assert!(run.station.view(run.now).ready.is_empty());
    let d = rate(&mut run, 4);
    assert_eq!(Run::kinds(&d), ["docket_rated"]);
    assert!(matches!(
        d.effects.as_slice(),
        [Effect::Thank { level: 4, .. }]
    ));
    assert_eq!(run.station.docket(no).unwrap().rating, Some(4));
    // The next key is the ordinary evaluator's again: nothing armed.
    let d = rate(&mut run, 5);
    assert_eq!(Run::kinds(&d), ["rating_ignored"]);
    // Nothing follows a collected docket.
    assert_eq!(
        advance(&mut run, no, DocketStage::Finished),
        Err(Rejection::UnknownDocket(no))
    );
}

#[test]
fn a_proxy_matter_keeps_its_citizen_off_the_journal_and_needs_every_step() {
    let mut run = Run::strict();
    let d = accept(&mut run, 10, Some(citizen())).unwrap();
    let no = opened(&d);
    assert_eq!(d.principals, [(no, citizen())]);
    let json = serde_json::to_string(&d.records).unwrap();
    assert!(
        !json.contains("王小明") && !json.contains("11010519491231002X"),
        "{json}"
    );
    assert!(d.records.iter().any(|r| matches!(
        r.fact,
        Fact::MatterHandled {
            outcome: Outcome::Proxy { receipt: Some(r) },
            ..
        } if r == no
    )));
    let documents: Vec<_> = d
        .effects
        .iter()
        .map(|e| match e {
            Effect::PrintDocket {
                document,
                principal,
                ..
            } => (*document, principal.is_some()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        documents,
        [
            (DocketDocument::Receipt, false),
            (DocketDocument::Commission, true)
        ]
    );
    // (step tried, refusal) in the order a careless hand would try them.
    let step = |stage, note: &str, office: Option<&str>, notified, signed| Command::AdvanceDocket {
        docket: no,
        stage,
        note: note.into(),
        office: office.map(str::to_string),
        notified,
        window: Some(w(1)),
        signed,
    };
    let refusals = [
        (
            step(DocketStage::Finished, "", None, None, false),
            "next comes 送件",
        ),
        (
            step(DocketStage::InProgress, "", None, None, false),
            "next comes 送件",
        ),
        (
            step(DocketStage::Sent, "", Some("  "), None, false),
            "name the office",
        ),
    ];
    for (command, says) in refusals {
        let refused = run.go(command).unwrap_err().to_string();
        assert!(refused.contains(says), "{refused}");
    }
    run.go(step(DocketStage::Sent, "", Some("县人社局"), None, false))
        .unwrap();
    assert_eq!(run.station.docket(no).unwrap().office(), Some("县人社局"));
    assert!(matches!(
        run.go(step(DocketStage::Returned, " ", None, None, false)),
        Err(Rejection::ReturnReason(_))
    ));
    run.go(step(DocketStage::Finished, "已批准", None, None, false))
        .unwrap();
    // The result recorded twice, either way.
    for again in [DocketStage::Finished, DocketStage::Returned] {
        let refused = run
            .go(step(again, "又一次", None, None, false))
            .unwrap_err();
        assert!(
            matches!(
                refused,
                Rejection::ResultTwice {
                    result: DocketStage::Finished,
                    ..
                }
            ),
            "{refused}"
        );
    }
    assert!(matches!(
        run.go(step(DocketStage::Collected, "", None, None, true)),
        Err(Rejection::DocketStageOrder { .. })
    ));
    assert!(matches!(
        run.go(step(DocketStage::Notified, "", None, None, false)),
        Err(Rejection::NotifyHow(_))
    ));
    run.go(step(
        DocketStage::Notified,
        "",
        None,
        Some(NotifyBy::Visit),
        false,
    ))
    .unwrap();
    // A hand-over without the citizen's signature, or without a window.
    assert!(matches!(
        run.go(step(DocketStage::Collected, "", None, None, false)),
        Err(Rejection::SignatureNeeded(_))
    ));
    assert!(matches!(
        run.go(Command::AdvanceDocket {
            docket: no,
            stage: DocketStage::Collected,
            note: String::new(),
            office: None,
            notified: None,
            window: None,
            signed: true,
        }),
        Err(Rejection::HandOverWindow(_))
    ));
    run.go(step(DocketStage::Collected, "", None, None, true))
        .unwrap();
    // A bad rating of the result opens a case about the window.
    let d = rate(&mut run, 1);
    assert_eq!(Run::kinds(&d), ["docket_rated", "case_opened"]);
    assert!(d.records[0].fact.is_urgent());
    assert!(d.effects.iter().any(
        |e| matches!(e, Effect::Notify(Notice::BadResult { docket, level: 1, .. }) if *docket == no)
    ));
}

#[test]
fn a_receipt_needs_a_time_limit_and_counted_materials() {
    let mut run = Run::strict();
    assert!(matches!(
        accept(&mut run, 0, None),
        Err(Rejection::ImmediateMatter(_))
    ));
    assert_eq!(accept(&mut run, 366, None), Err(Rejection::TimeLimit(366)));
    let with = |materials: Vec<Received>| Command::AcceptMatter {
        window: w(1),
        ticket: None,
        matter: allowance(),
        working_days: 5,
        materials,
        principal: None,
        code: LookupCode::from_random(7),
    };
    let named = |name: &str, count| Received {
        name: name.into(),
        count,
    };
    assert_eq!(
        run.go(with(vec![named("  ", 1)])),
        Err(Rejection::NothingReceived)
    );
    assert_eq!(
        run.go(with(vec![named("身份证", 0)])),
        Err(Rejection::Copies("身份证".into(), 0))
    );
    let many = (0..41).map(|i| named(&format!("材料{i}"), 1)).collect();
    assert_eq!(run.go(with(many)), Err(Rejection::TooManyReceived(41)));
    // A walk-in without a ticket at a window nobody serves is still
    // accepted; an unknown window is not.
    assert!(matches!(
        run.go(Command::AcceptMatter {
            window: w(9),
            ticket: None,
            matter: allowance(),
            working_days: 5,
            materials: id_card(),
            principal: None,
            code: LookupCode::from_random(7),
        }),
        Err(Rejection::UnknownWindow(..))
    ));
    // Nothing was numbered by the refusals.
    let d = run.go(with(id_card())).unwrap();
    assert_eq!(opened(&d).seq, 1);
}

#[test]
fn staff_are_reminded_of_results_due_and_overdue() {
    // Accepted Monday 30 Nov with one working day: due Tuesday.
    let mut run = Run::strict();
    let no = opened(&accept(&mut run, 1, None).unwrap());
    let view = run.station.view(run.now);
    assert_eq!(view.dockets.len(), 1);
    assert!(!view.dockets[0].overdue);
    // Wednesday: overdue, still listed until the result is back.
    run.now = at("2026-12-02T09:00");
    run.go(Command::Tick).unwrap();
    let view = run.station.view(run.now);
    assert!(view.dockets[0].overdue, "{:?}", view.dockets);
    assert!(run.station.docket(no).unwrap().overdue(date("2026-12-02")));
    advance(&mut run, no, DocketStage::InProgress).unwrap();
    assert!(run.station.view(run.now).dockets[0].overdue);
    advance(&mut run, no, DocketStage::Returned).unwrap();
    assert!(run.station.view(run.now).dockets.is_empty());
    // A long limit is not listed until it comes close.
    let far = opened(&accept(&mut run, 20, None).unwrap());
    assert!(
        !run.station
            .view(run.now)
            .dockets
            .iter()
            .any(|d| d.no == far)
    );
}

#[test]
fn a_result_left_unrated_times_out_and_a_restart_ends_the_wait() {
    let mut run = Run::strict();
    let no = opened(&accept(&mut run, 1, None).unwrap());
    advance(&mut run, no, DocketStage::InProgress).unwrap();
    advance(&mut run, no, DocketStage::Finished).unwrap();
    advance(&mut run, no, DocketStage::Collected).unwrap();
    run.now = at("2026-11-30T09:10");
    let d = run.go(Command::Tick).unwrap();
    assert_eq!(Run::kinds(&d), ["docket_rated"]);
    assert!(matches!(
        d.records[0].fact,
        Fact::DocketRated { level: None, .. }
    ));
    assert_eq!(run.station.docket(no).unwrap().rating, Some(0));
    // Another, cut off by a restart.
    let two = opened(&accept(&mut run, 1, None).unwrap());
    advance(&mut run, two, DocketStage::InProgress).unwrap();
    advance(&mut run, two, DocketStage::Finished).unwrap();
    advance(&mut run, two, DocketStage::Collected).unwrap();
    let d = run.go(Command::Started { printer: true }).unwrap();
    assert!(Run::kinds(&d).contains(&"docket_rated"));
}

#[test]
fn a_station_rebuilt_from_the_journal_or_seeded_holds_the_same_dockets() {
    let mut run = Run::strict();
    let one = opened(&accept(&mut run, 3, Some(citizen())).unwrap());
    run.go(Command::AdvanceDocket {
        docket: one,
        stage: DocketStage::Sent,
        note: String::new(),
        office: Some("县医保局".into()),
        notified: None,
        window: None,
        signed: false,
    })
    .unwrap();
    let mut rebuilt = run.station.blank();
    for r in &run.journal {
        let json = serde_json::to_string(r).unwrap();
        rebuilt.apply(&serde_json::from_str(&json).unwrap());
    }
    assert_eq!(rebuilt.docket(one), run.station.docket(one));
    // Seeded with the docket as the store keeps it, then the day's journal
    // replayed over it: no step twice.
    let mut seeded = run.station.blank();
    seeded.seed_dockets([run.station.docket(one).unwrap().clone()], [(2026, 1)]);
    for r in &run.journal {
        seeded.apply(r);
    }
    assert_eq!(seeded.docket(one), run.station.docket(one));
    // The next receipt goes on from the seeded number; a new year restarts.
    let mut next = Run::strict();
    next.station.seed_dockets([], [(2026, 41)]);
    assert_eq!(opened(&accept(&mut next, 1, None).unwrap()).seq, 42);
    let mut january = Run::strict().at("2027-01-04T09:00");
    january.station.seed_dockets([], [(2026, 41)]);
    let no = opened(&accept(&mut january, 1, None).unwrap());
    assert_eq!(no.to_string(), "SL2027-00001");
}

#[test]
fn a_reprint_is_journaled_and_a_commission_needs_its_citizen() {
    let mut run = Run::strict();
    let no = opened(&accept(&mut run, 3, Some(citizen())).unwrap());
    let reprint = |document, principal| Command::ReprintDocket {
        docket: no,
        document,
        principal,
    };
    assert_eq!(
        run.go(reprint(DocketDocument::Commission, None)),
        Err(Rejection::NoCommission(no))
    );
    let d = run
        .go(reprint(DocketDocument::Commission, Some(citizen())))
        .unwrap();
    assert_eq!(Run::kinds(&d), ["docket_reprinted"]);
    assert!(matches!(
        d.effects.as_slice(),
        [Effect::PrintDocket { again: true, .. }]
    ));
    let d = run
        .go(Command::ForgetPrincipals { dockets: vec![no] })
        .unwrap();
    assert_eq!(Run::kinds(&d), ["principal_deleted"]);
}

#[test]
fn the_district_sees_no_typed_words_of_a_docket() {
    let mut run = Run::strict();
    let no = opened(&accept(&mut run, 3, None).unwrap());
    advance(&mut run, no, DocketStage::InProgress).unwrap();
    let d = run
        .go(Command::AdvanceDocket {
            docket: no,
            stage: DocketStage::Returned,
            note: "申请人不符合年龄条件".into(),
            office: None,
            notified: None,
            window: None,
            signed: false,
        })
        .unwrap();
    for r in &run.journal {
        let shown = format!("{:?}", r.fact.for_district());
        assert!(
            !shown.contains("身份证复印件") && !shown.contains("年龄条件"),
            "{shown}"
        );
    }
    assert_eq!(Run::kinds(&d), ["docket_advanced"]);
}

#[test]
fn outcomes_journaled_before_receipts_still_read() {
    for (json, outcome) in [
        (
            r#"{"kind":"matter_handled","ticket":null,"window":1,"matter":{"id":"dibao","version":0,"zh":"低保"},"outcome":"proxy"}"#,
            Outcome::Proxy { receipt: None },
        ),
        (
            r#"{"kind":"matter_handled","ticket":null,"window":1,"matter":{"id":"dibao","version":0,"zh":"低保"},"outcome":"accepted","promised":"2026-12-07"}"#,
            Outcome::Accepted {
                promised: date("2026-12-07"),
                receipt: None,
            },
        ),
    ] {
        let fact: Fact = serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert!(
            matches!(&fact, Fact::MatterHandled { outcome: o, .. } if *o == outcome),
            "{fact:?}"
        );
        assert_eq!(fact.docket(), None);
    }
}
