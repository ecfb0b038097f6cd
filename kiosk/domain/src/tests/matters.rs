//! Tests of matters at the station: a ticket for a matter, outcomes per
//! matter, the written notice and its numbering, and the refusals.

use super::*;

fn pension() -> MatterRef {
    MatterRef {
        id: MatterId::parse("pension-enrol").unwrap(),
        version: 3,
        zh: "城乡居民养老保险参保登记".into(),
        en: Some("Rural and urban residents' pension: enrolment".into()),
    }
}

fn allowance() -> MatterRef {
    MatterRef {
        id: MatterId::parse("elderly-allowance").unwrap(),
        version: 3,
        zh: "高龄津贴申请".into(),
        en: None,
    }
}

fn notice(run: &mut Run, matter: MatterRef, missing: &[&str]) -> Result<Decision, Rejection> {
    run.go(Command::GiveNotice {
        window: w(1),
        ticket: None,
        matter,
        missing: missing.iter().map(|m| m.to_string()).collect(),
        return_days: 10,
    })
}

#[test]
fn a_ticket_taken_for_a_matter_carries_it_to_the_slip_the_journal_and_a_reprint() {
    let mut run = Run::strict();
    let d = run
        .go(Command::IssueFor {
            category: a(),
            priority: false,
            matter: pension(),
        })
        .unwrap();
    let Some(Fact::TicketIssued { matter, .. }) = d.records.iter().map(|r| &r.fact).next_back()
    else {
        panic!("{:?}", d.records);
    };
    assert_eq!(matter.as_ref(), Some(&pension()));
    let Some(Effect::PrintTicket(slip)) = d.effects.get(1) else {
        panic!("{:?}", d.effects);
    };
    assert_eq!(slip.matter, Some(pension()));
    let ticket = slip.code;
    let again = run.go(Command::Reprint { ticket }).unwrap();
    assert!(
        again.effects.iter().any(
            |e| matches!(e, Effect::PrintTicket(s) if s.matter == Some(pension()) && s.reprint)
        ),
        "{:?}",
        again.effects
    );
    // A journal written before matters existed still reads: no matter.
    let old = r#"{"kind":"ticket_issued","ticket":"A001","priority":false,"order":0,"ahead":0,"wait_minutes":null}"#;
    let fact: Fact = serde_json::from_str(old).unwrap();
    assert!(matches!(fact, Fact::TicketIssued { matter: None, .. }));
}

#[test]
fn one_visit_records_several_matters_each_once() {
    let mut run = Run::strict();
    let a1 = run.issue(a(), false);
    run.call(1);
    let d = run
        .go(Command::RecordMatter {
            window: w(1),
            ticket: None,
            matter: pension(),
            outcome: Outcome::Done,
        })
        .unwrap();
    assert_eq!(Run::kinds(&d), ["matter_handled"]);
    assert_eq!(d.records[0].fact.ticket(), Some(a1));
    assert_eq!(d.records[0].fact.window(), Some(w(1)));
    // The same form sent twice.
    assert!(matches!(
        run.go(Command::RecordMatter {
            window: w(1),
            ticket: None,
            matter: pension(),
            outcome: Outcome::Consult,
        }),
        Err(Rejection::MatterTwice { .. })
    ));
    // A second matter of the same visit, after the ticket was completed.
    run.go(Command::Complete { window: w(1) }).unwrap();
    let d = run
        .go(Command::RecordMatter {
            window: w(1),
            ticket: Some(a1),
            matter: allowance(),
            outcome: Outcome::Referred {
                to: "民政所 civil affairs office".into(),
            },
        })
        .unwrap();
    assert_eq!(d.records[0].fact.ticket(), Some(a1));
    // Another window did not serve it.
    assert!(matches!(
        run.go(Command::RecordMatter {
            window: w(2),
            ticket: Some(a1),
            matter: allowance(),
            outcome: Outcome::Done,
        }),
        Err(Rejection::NotServedHere { .. })
    ));
}

#[test]
fn outcomes_are_checked_before_they_are_recorded() {
    let mut run = Run::strict();
    run.issue(a(), false);
    run.call(1);
    let record = |outcome| Command::RecordMatter {
        window: w(1),
        ticket: None,
        matter: pension(),
        outcome,
    };
    for (outcome, refused) in [
        (
            Outcome::Refused {
                reason: "  ".into(),
            },
            Rejection::ReasonNeeded,
        ),
        (
            Outcome::Accepted {
                promised: date("2026-12-27"),
                receipt: None,
            },
            Rejection::ReceiptByForm,
        ),
        (Outcome::Proxy { receipt: None }, Rejection::ReceiptByForm),
        (
            Outcome::Referred { to: " ".into() },
            Rejection::ReferralNeeded,
        ),
        (
            Outcome::Notice {
                notice: NoticeNo {
                    day: date("2026-11-30"),
                    seq: 1,
                },
            },
            Rejection::NoticeByForm,
        ),
    ] {
        assert_eq!(run.go(record(outcome)), Err(refused));
    }
    // A reason keeps no phone number.
    let d = run
        .go(record(Outcome::Refused {
            reason: "不符合条件，咨询 13812345678".into(),
        }))
        .unwrap();
    let Fact::MatterHandled {
        outcome: Outcome::Refused { ref reason },
        ..
    } = d.records[0].fact
    else {
        panic!()
    };
    assert!(!reason.contains("13812345678"), "{reason}");
    // And the district never sees it.
    let district = d.records[0].fact.for_district();
    assert!(
        !format!("{district:?}").contains("不符合条件"),
        "{district:?}"
    );
}

#[test]
fn written_notices_are_numbered_by_day_and_give_working_days_to_return() {
    // Monday 28 September 2026: ten working days skip the National Day
    // holidays and count Saturday 10 October (调休).
    let mut run = Run::strict().at("2026-09-28T09:00");
    run.issue(a(), false);
    run.call(1);
    let d = notice(&mut run, pension(), &["户口簿复印件", "  ", "银行卡"]).unwrap();
    assert_eq!(Run::kinds(&d), ["notice_given", "matter_handled"]);
    let Fact::NoticeGiven {
        notice: no,
        ref missing,
        return_by,
        ..
    } = d.records[0].fact
    else {
        panic!()
    };
    assert_eq!(no.to_string(), "BZ20260928-001");
    assert_eq!(missing, &["户口簿复印件", "银行卡"]);
    // 29, 30 Sep; 1, 2, 5 Oct off; 3, 4 weekend; 6, 7, 8, 9, 10 (调休), 12,
    // 13, 14.
    assert_eq!(return_by.date, date("2026-10-14"));
    assert!(matches!(
        d.records[1].fact,
        Fact::MatterHandled { outcome: Outcome::Notice { notice }, .. } if notice == no
    ));
    assert!(matches!(
        d.effects.as_slice(),
        [Effect::PrintNotice { notice, .. }] if *notice == no
    ));
    // The next notice that day is 002, also for a walk-in without a ticket.
    run.go(Command::Complete { window: w(1) }).unwrap();
    run.go(Command::Rate {
        window: w(1),
        level: 5,
    })
    .unwrap();
    let d = notice(&mut run, allowance(), &["身份证"]).unwrap();
    let Fact::NoticeGiven {
        notice: no2,
        ticket,
        ..
    } = d.records[0].fact
    else {
        panic!()
    };
    assert_eq!((no2.to_string().as_str(), ticket), ("BZ20260928-002", None));
    // Rebuilt from the journal, the station numbers on.
    let mut rebuilt = run.station.blank();
    for r in &run.journal {
        rebuilt.apply(r);
    }
    assert_eq!(rebuilt.notices_today(), 2);
    // A new day starts at 001 again.
    run.now = at("2026-09-29T09:00");
    let d = notice(&mut run, allowance(), &["身份证"]).unwrap();
    let n = d
        .records
        .iter()
        .find_map(|r| match r.fact {
            Fact::NoticeGiven { notice, .. } => Some(notice),
            _ => None,
        })
        .unwrap();
    assert_eq!(n.to_string(), "BZ20260929-001");
}

#[test]
fn a_notice_needs_something_missing_and_a_sensible_return_time() {
    let mut run = Run::strict();
    assert_eq!(
        notice(&mut run, pension(), &[" ", ""]),
        Err(Rejection::NothingMissing)
    );
    for days in [0, 61] {
        assert_eq!(
            run.go(Command::GiveNotice {
                window: w(1),
                ticket: None,
                matter: pension(),
                missing: vec!["身份证".into()],
                return_days: days,
            }),
            Err(Rejection::ReturnDays(days))
        );
    }
    let many: Vec<String> = (0..41).map(|i| format!("材料{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(
        notice(&mut run, pension(), &many),
        Err(Rejection::TooManyMissing(41))
    );
    assert!(matches!(
        run.go(Command::GiveNotice {
            window: w(9),
            ticket: None,
            matter: pension(),
            missing: vec!["身份证".into()],
            return_days: 5,
        }),
        Err(Rejection::UnknownWindow(..))
    ));
}

#[test]
fn the_guide_print_and_a_catalog_install_are_journaled() {
    let mut run = Run::strict();
    let d = run.go(Command::PrintGuide { matter: pension() }).unwrap();
    assert!(Run::kinds(&d).ends_with(&["guide_printed"]));
    assert!(matches!(d.effects.as_slice(), [Effect::PrintGuide { .. }]));
    let install = |approver: &str| Command::NoteMatters {
        version: 4,
        approver: approver.into(),
        matters: 21,
        sha256: "ab".repeat(32),
    };
    assert_eq!(run.go(install(" ")), Err(Rejection::ApproverNeeded));
    let d = run.go(install("王站长")).unwrap();
    assert_eq!(Run::kinds(&d), ["matters_installed"]);
}

#[test]
fn every_matter_fact_reads_back_from_its_json() {
    // The store keeps facts as JSON and a restart reads them back: each new
    // kind must survive the trip.
    let mut run = Run::strict();
    run.issue(a(), false);
    run.call(1);
    run.go(Command::IssueFor {
        category: a(),
        priority: true,
        matter: pension(),
    })
    .unwrap();
    run.go(Command::PrintGuide {
        matter: allowance(),
    })
    .unwrap();
    notice(&mut run, pension(), &["户口簿"]).unwrap();
    for outcome in [
        Outcome::Referred {
            to: "3 号窗口".into(),
        },
        Outcome::Refused {
            reason: "不符合条件".into(),
        },
    ] {
        run.go(Command::RecordMatter {
            window: w(1),
            ticket: None,
            matter: MatterRef {
                id: MatterId::parse(&format!("m-{}", outcome.word())).unwrap(),
                ..allowance()
            },
            outcome,
        })
        .unwrap();
    }
    run.go(Command::NoteMatters {
        version: 2,
        approver: "王站长".into(),
        matters: 3,
        sha256: "00".repeat(32),
    })
    .unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    for record in &run.journal {
        let json = serde_json::to_string(&record.fact).unwrap();
        let back: Fact = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!(back, record.fact, "{json}");
        kinds.insert(record.fact.kind());
    }
    for kind in [
        "guide_printed",
        "matter_handled",
        "notice_given",
        "matters_installed",
    ] {
        assert!(kinds.contains(kind), "{kind} not covered: {kinds:?}");
    }
}

#[test]
fn a_question_outside_the_catalog_is_recorded_by_what_was_asked() {
    let mut run = Run::strict();
    run.issue(a(), false);
    run.call(1);
    let asked = |text: &str, outcome| Command::RecordMatter {
        window: w(1),
        ticket: None,
        matter: MatterRef::other(3, text),
        outcome,
    };
    assert_eq!(
        run.go(asked("  ", Outcome::Consult)),
        Err(Rejection::AskedNeeded)
    );
    let d = run
        .go(asked(
            "宅基地审批，电话 13812345678",
            Outcome::Referred {
                to: "镇自然资源所".into(),
            },
        ))
        .unwrap();
    let Fact::MatterHandled { ref matter, .. } = d.records[0].fact else {
        panic!("{:?}", d.records)
    };
    assert!(matter.id.is_other());
    assert!(matter.zh.starts_with("宅基地审批") && !matter.zh.contains("12345678"));
    // The district sees that a question was asked, not what.
    let shown = format!("{:?}", d.records[0].fact.for_district());
    assert!(
        !shown.contains("宅基地") && !shown.contains("自然资源所"),
        "{shown}"
    );
    // It gets no written notice and no receipt.
    assert_eq!(
        run.go(Command::GiveNotice {
            window: w(1),
            ticket: None,
            matter: MatterRef::other(3, "宅基地"),
            missing: vec!["身份证".into()],
            return_days: 5,
        }),
        Err(Rejection::NotInCatalog)
    );
    assert_eq!(
        run.go(Command::AcceptMatter {
            window: w(1),
            ticket: None,
            matter: MatterRef::other(3, "宅基地"),
            working_days: 5,
            materials: vec![Received {
                name: "身份证".into(),
                count: 1,
            }],
            principal: None,
            code: LookupCode::from_random(1),
        }),
        Err(Rejection::NotInCatalog)
    );
}
