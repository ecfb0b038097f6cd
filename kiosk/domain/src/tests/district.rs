//! Tests of what of the journal may leave the station for the district:
//! what people typed is withheld, everything else is as recorded.

use super::*;

/// What a citizen or a member of staff may type about a citizen.
const NAME: &str = "王秀英";
const ID: &str = "460100195301011234";
const ADDRESS: &str = "椰林村三组12号";

#[test]
fn the_district_never_sees_what_people_typed_and_sees_everything_else() {
    let mut run = Run::strict().at("2026-11-30T10:00");
    let personal = format!("{NAME}，身份证 {ID}，住 {ADDRESS}");
    let mut records = Vec::new();
    let d = run
        .go(Command::FileComplaint {
            topic: Topic::Attitude,
            window: Some(w(2)),
            text: format!("我是{personal}，态度很差"),
            phone: None,
            form: 0,
            channel: Default::default(),
        })
        .unwrap();
    records.extend(d.records);
    let case = CaseNo { year: 2026, seq: 1 };
    let steps = [
        Command::AdvanceCase {
            role: None,
            case,
            stage: Stage::Registered,
            note: format!("来访人 {personal}"),
            answer: None,
        },
        Command::ExtendCase {
            case,
            working_days: 5,
            reason: format!("需到 {ADDRESS} 核实"),
            role: StaffRole::Manager,
        },
        Command::AdvanceCase {
            role: None,
            case,
            stage: Stage::Handled,
            note: format!("已向 {NAME} 道歉"),
            answer: None,
        },
        Command::AdvanceCase {
            role: None,
            case,
            stage: Stage::Answered,
            note: format!("电话告知 {NAME}"),
            answer: Some(crate::Answer::Oral),
        },
        Command::ReopenCase {
            role: None,
            case,
            note: format!("{NAME} 不同意答复"),
        },
        Command::BackEnter(BackEntry {
            category: a(),
            window: w(1),
            started: at("2026-11-30T08:40"),
            finished: at("2026-11-30T08:55"),
            register_no: "手工-07".into(),
            note: format!("为 {personal} 办理社保认证"),
        }),
    ];
    for step in steps {
        let kinds = match run.go(step) {
            Ok(d) => {
                let kinds = Run::kinds(&d);
                records.extend(d.records);
                kinds
            }
            Err(e) => panic!("{e:?}"),
        };
        assert!(!kinds.is_empty());
    }
    let kinds: Vec<String> = records
        .iter()
        .map(|r| {
            serde_json::to_value(&r.fact).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for kind in [
        "case_opened",
        "case_advanced",
        "case_extended",
        "case_reopened",
        "back_entered",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    for r in &records {
        let full = serde_json::to_value(&r.fact).unwrap();
        let public = serde_json::to_value(r.fact.for_district()).unwrap();
        let text = public.to_string();
        for secret in [NAME, ID, ADDRESS] {
            assert!(!text.contains(secret), "{secret} leaves in {text}");
        }
        // Every field is still there, and only the typed texts differ,
        // each replaced by its length.
        let (full, public) = (full.as_object().unwrap(), public.as_object().unwrap());
        assert_eq!(
            full.keys().collect::<Vec<_>>(),
            public.keys().collect::<Vec<_>>()
        );
        for (field, value) in full {
            if public[field] != *value {
                let typed = value.as_str().unwrap();
                assert!(
                    ["text", "note", "reason"].contains(&field.as_str()),
                    "{field} changed"
                );
                assert_eq!(
                    public[field],
                    format!("〔留在站内 withheld: {} chars〕", typed.chars().count())
                );
            }
        }
    }
    // What the station writes itself leaves as it is.
    let called = Fact::TicketCalled {
        member: None,
        ticket: "A001".parse().unwrap(),
        window: w(1),
    };
    assert_eq!(called.for_district(), called);
}
