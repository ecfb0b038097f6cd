//! Tests of cases: deadlines in working days, the five stages, overdue
//! flags, numbering, extensions, forgotten callback numbers and exports.

use super::*;

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
            role: None,
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
            role: None,
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
        role: None,
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

#[test]
fn a_case_reminds_staff_the_day_before_its_deadline_and_once_it_is_missed() {
    // Friday 27 November: answered by the next working day, Monday.
    let (mut run, case) = bad_rating_at("2026-11-27T09:00", Settings::default());
    let seen = |run: &Run, local: &str| {
        let v = run.station.view(at(local));
        let c = v.cases.iter().find(|c| c.case.no == case).unwrap().clone();
        (c.due_soon, c.overdue.any(), c.reminds())
    };
    let monday = date("2026-11-30");
    assert_eq!(run.station.case(case).unwrap().callback_due.date, monday);
    // Friday: Monday is the next working day — due soon.
    assert_eq!(seen(&run, "2026-11-27T10:00"), (Some(monday), false, true));
    // On the day itself, still due (kept through the whole day).
    assert_eq!(seen(&run, "2026-11-30T16:00"), (Some(monday), false, true));
    // Tuesday: missed.
    assert_eq!(seen(&run, "2026-12-01T09:00"), (None, true, true));
    // Answered and filed: nothing to remind of.
    run.now = at("2026-12-01T09:10");
    for (stage, note) in [
        (Stage::Registered, "登记"),
        (Stage::Handled, "处理"),
        (Stage::Answered, "已电话回访"),
        (Stage::Archived, "存档"),
    ] {
        run.go(Command::AdvanceCase {
            case,
            stage,
            note: note.into(),
            answer: None,
            role: Some(StaffRole::Manager),
        })
        .unwrap();
    }
    let v = run.station.view(at("2026-12-01T09:20"));
    assert!(v.cases.iter().all(|c| !c.reminds()), "{:?}", v.cases);
}
