//! Tests of the complaint box: the case a complaint opens, its answer date,
//! one case per form, and the answer and reopening.

use super::*;

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
            channel: Default::default(),
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
            channel: Default::default(),
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
            channel: Default::default(),
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
            channel: Default::default(),
        })
        .unwrap();
    assert!(d.contacts.is_empty());
    assert_eq!(
        d.records[0].fact.case(),
        Some(CaseNo { year: 2026, seq: 2 })
    );
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
            channel: Default::default(),
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
            role: None,
            case,
            stage,
            note: "done".into(),
            answer,
        })
    };
    let reopen = |run: &mut Run, note: &str| {
        run.go(Command::ReopenCase {
            role: None,
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
                role: None,
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
            role: None,
            case: rcase,
            note: "群众仍不满意".into(),
        })
        .unwrap();
    let c = rated.station.case(rcase).unwrap();
    assert_eq!(c.callback_due.date, date("2026-12-01"));
    assert_eq!(c.rectify_due.date, date("2026-12-21"));
}

#[test]
fn staff_enter_a_complaint_with_its_channel_and_no_receipt_or_screen_is_told() {
    let mut run = Run::strict().at("2026-11-27T10:00");
    let landline = Phone::parse("0898-88880000").unwrap();
    for (seq, channel) in Channel::STAFF.into_iter().enumerate() {
        let d = run
            .go_as(
                Actor::Staff { id: "0101".into() },
                Command::FileComplaint {
                    topic: Topic::Efficiency,
                    window: Some(w(1)),
                    text: "来电反映排队太久".into(),
                    phone: Some(landline.clone()),
                    form: 0,
                    channel,
                },
            )
            .unwrap();
        let case = CaseNo {
            year: 2026,
            seq: seq as u32 + 1,
        };
        assert_eq!(d.effects, [], "{channel:?}: no receipt unasked, no screen");
        assert_eq!(d.contacts, [(case, landline.clone())]);
        let opened = d
            .records
            .iter()
            .find(|r| r.fact.kind() == "case_opened")
            .unwrap();
        let body = serde_json::to_string(opened).unwrap();
        assert!(body.contains(channel.word()), "{body}");
        assert!(body.contains(channel.zh()), "the note names it: {body}");
        assert!(!body.contains("88880000"), "{body}");
        assert!(matches!(
            run.station.case(case).unwrap().source,
            CaseSource::Complaint { channel: c, .. } if c == channel
        ));
    }
    // The touchscreen's own complaints read as before (no channel written).
    let d = run
        .go(Command::FileComplaint {
            topic: Topic::Other,
            window: None,
            text: String::new(),
            phone: None,
            form: 7,
            channel: Channel::Kiosk,
        })
        .unwrap();
    assert!(matches!(d.effects[..], [Effect::ComplaintFiled { .. }]));
    let body = serde_json::to_string(&d.records[0]).unwrap();
    assert!(!body.contains("channel"), "{body}");
}

#[test]
fn a_callback_number_is_added_to_a_bad_ratings_case_by_anyone_but_its_member() {
    let mut settings = Settings::default();
    settings.staff.insert(
        w(1),
        StaffRef {
            name: "王芳".into(),
            number: "0101".into(),
        },
    );
    let (mut run, case) = bad_rating_at("2026-11-30T09:00", settings);
    let named = run.station.case(case).unwrap().staff.clone();
    assert!(named.is_some(), "the case names window 1's member");
    let phone = Phone::parse("13912345678").unwrap();
    let add = |role| Command::AddCallback {
        case,
        phone: phone.clone(),
        role,
    };
    // The member the case names may not (it is about them).
    if let Some(member) = named {
        assert_eq!(
            run.go_as(
                Actor::Staff {
                    id: member.number.clone()
                },
                add(Some(StaffRole::Staff))
            ),
            Err(Rejection::OwnCase {
                case,
                member: member.number
            })
        );
    }
    let d = run
        .go_as(
            Actor::Staff { id: "0001".into() },
            add(Some(StaffRole::Manager)),
        )
        .unwrap();
    assert_eq!(Run::kinds(&d), ["callback_added"]);
    assert_eq!(d.contacts, [(case, phone.clone())]);
    let body = serde_json::to_string(&d.records[0]).unwrap();
    assert!(
        !body.contains("1391234") && !body.contains("5678"),
        "{body}"
    );
    // A case the station does not hold open is refused.
    let missing = CaseNo {
        year: 2026,
        seq: 99,
    };
    assert_eq!(
        run.go(Command::AddCallback {
            case: missing,
            phone,
            role: None
        }),
        Err(Rejection::UnknownCase(missing))
    );
}
