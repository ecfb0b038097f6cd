//! What the station says: numbers in both grammars, ticket codes in both
//! styles, and whole announcements over one and two sets, as tables.

use std::collections::BTreeMap;

use super::{code, w};
use crate::voice::{number, ticket};
use crate::{
    Announcement, Grammar, NumberStyle, Reading, SENTENCES, Sentences, Step, VoiceError,
    check_sentences,
};

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// A set whose sentences are those of the shipped manifests.
fn set(grammar: Grammar) -> Sentences {
    let mut sentences = BTreeMap::new();
    for (name, _) in SENTENCES {
        sentences.insert(name.to_string(), words(&[&name.replace('_', "-")]));
    }
    let call: &[&str] = match grammar {
        Grammar::Zh => &[
            "please", "{ticket}", "hao", "to", "{window}", "window", "handle",
        ],
        Grammar::En => &["ticket", "{ticket}", "go-to-window", "{window}"],
    };
    sentences.insert("call".into(), words(call));
    sentences.insert(
        "read_ticket".into(),
        words(&[
            "your-number",
            "{ticket}",
            "ahead",
            "{ahead}",
            "people",
            "listen",
            "{windows}",
        ]),
    );
    sentences.insert(
        "read_ticket_next".into(),
        words(&[
            "your-number",
            "{ticket}",
            "nobody-ahead",
            "listen",
            "{windows}",
        ]),
    );
    Sentences { grammar, sentences }
}

#[test]
fn numbers_in_mandarin() {
    let table: &[(u32, &[&str])] = &[
        (0, &["digit-0"]),
        (7, &["digit-7"]),
        (10, &["ten"]),
        (12, &["ten", "digit-2"]),
        (20, &["digit-2", "ten"]),
        (99, &["digit-9", "ten", "digit-9"]),
        (100, &["digit-1", "hundred"]),
        (101, &["digit-1", "hundred", "digit-0", "digit-1"]),
        (110, &["digit-1", "hundred", "digit-1", "ten"]),
        (115, &["digit-1", "hundred", "digit-1", "ten", "digit-5"]),
        (999, &["digit-9", "hundred", "digit-9", "ten", "digit-9"]),
        (1005, &["digit-1", "digit-0", "digit-0", "digit-5"]),
    ];
    for (n, expected) in table {
        assert_eq!(number(*n, Grammar::Zh), words(expected), "{n}");
    }
}

#[test]
fn numbers_in_english() {
    let table: &[(u32, &[&str])] = &[
        (0, &["digit-0"]),
        (7, &["digit-7"]),
        (10, &["n10"]),
        (13, &["n13"]),
        (20, &["n20"]),
        (42, &["n40", "digit-2"]),
        (100, &["digit-1", "hundred"]),
        (105, &["digit-1", "hundred", "digit-5"]),
        (119, &["digit-1", "hundred", "n19"]),
        (350, &["digit-3", "hundred", "n50"]),
        (2024, &["digit-2", "digit-0", "digit-2", "digit-4"]),
    ];
    for (n, expected) in table {
        assert_eq!(number(*n, Grammar::En), words(expected), "{n}");
    }
}

#[test]
fn ticket_codes_by_style() {
    let table: &[(&str, NumberStyle, Grammar, &[&str])] = &[
        (
            "A007",
            NumberStyle::Digits,
            Grammar::Zh,
            &["letter-a", "digit-0", "digit-0", "digit-7"],
        ),
        (
            "B123",
            NumberStyle::Digits,
            Grammar::En,
            &["letter-b", "digit-1", "digit-2", "digit-3"],
        ),
        (
            "C1234",
            NumberStyle::Digits,
            Grammar::Zh,
            &["letter-c", "digit-1", "digit-2", "digit-3", "digit-4"],
        ),
        (
            "A007",
            NumberStyle::Number,
            Grammar::Zh,
            &["letter-a", "digit-7"],
        ),
        (
            "A015",
            NumberStyle::Number,
            Grammar::Zh,
            &["letter-a", "ten", "digit-5"],
        ),
        (
            "A015",
            NumberStyle::Number,
            Grammar::En,
            &["letter-a", "n15"],
        ),
    ];
    for (text, style, grammar, expected) in table {
        assert_eq!(
            ticket(code(text), *style, *grammar),
            words(expected),
            "{text} {style:?} {grammar:?}"
        );
    }
}

fn call(ticket: &str, window: u8, recall: bool) -> Announcement {
    Announcement::Call {
        ticket: code(ticket),
        window: w(window),
        recall,
    }
}

fn sentence(set: usize, list: &[&str]) -> Step {
    Step::Sentence {
        set,
        phrases: words(list),
    }
}

#[test]
fn a_call_is_the_chime_then_the_sentence_twice() {
    let zh = set(Grammar::Zh);
    let said = &[
        "please", "letter-a", "digit-0", "digit-0", "digit-7", "hao", "to", "digit-1", "window",
        "handle",
    ];
    for recall in [false, true] {
        assert_eq!(
            call("A007", 1, recall).script(&[&zh], NumberStyle::Digits),
            [Step::Chime { set: 0 }, sentence(0, said), sentence(0, said)]
        );
    }
    let said = &[
        "please", "letter-b", "ten", "digit-2", "hao", "to", "digit-2", "ten", "window", "handle",
    ];
    assert_eq!(
        call("B012", 20, false).script(&[&zh], NumberStyle::Number),
        [Step::Chime { set: 0 }, sentence(0, said), sentence(0, said)]
    );
}

#[test]
fn a_call_in_english_and_in_two_sets() {
    let (zh, en) = (set(Grammar::Zh), set(Grammar::En));
    let english = &[
        "ticket",
        "letter-a",
        "digit-0",
        "digit-1",
        "digit-2",
        "go-to-window",
        "n12",
    ];
    assert_eq!(
        call("A012", 12, false).script(&[&en], NumberStyle::Digits),
        [
            Step::Chime { set: 0 },
            sentence(0, english),
            sentence(0, english)
        ]
    );
    let chinese = &[
        "please", "letter-a", "digit-0", "digit-1", "digit-2", "hao", "to", "ten", "digit-2",
        "window", "handle",
    ];
    // Mandarin then English, the pair said twice; one chime.
    assert_eq!(
        call("A012", 12, false).script(&[&zh, &en], NumberStyle::Digits),
        [
            Step::Chime { set: 0 },
            sentence(0, chinese),
            sentence(1, english),
            sentence(0, chinese),
            sentence(1, english)
        ]
    );
}

#[test]
fn screens_read_aloud_once_without_the_chime() {
    let zh = set(Grammar::Zh);
    let read = |reading| Announcement::Read(reading).script(&[&zh], NumberStyle::Digits);
    assert_eq!(read(Reading::Home), [sentence(0, &["read-home"])]);
    assert_eq!(
        read(Reading::ComplaintPhone),
        [sentence(0, &["read-complaint-phone"])]
    );
    let ticket = Reading::Ticket {
        ticket: code("C003"),
        ahead: 12,
        windows: vec![w(1), w(2), w(3)],
    };
    assert_eq!(
        read(ticket),
        [sentence(
            0,
            &[
                "your-number",
                "letter-c",
                "digit-0",
                "digit-0",
                "digit-3",
                "ahead",
                "ten",
                "digit-2",
                "people",
                "listen",
                "digit-1",
                "digit-2",
                "and",
                "digit-3"
            ]
        )]
    );
    // Nobody ahead: its own sentence.
    let next = Reading::Ticket {
        ticket: code("C004"),
        ahead: 0,
        windows: vec![w(4)],
    };
    assert_eq!(
        read(next),
        [sentence(
            0,
            &[
                "your-number",
                "letter-c",
                "digit-0",
                "digit-0",
                "digit-4",
                "nobody-ahead",
                "listen",
                "digit-4"
            ]
        )]
    );
}

#[test]
fn the_evacuation_in_every_set() {
    let (zh, en) = (set(Grammar::Zh), set(Grammar::En));
    assert_eq!(
        Announcement::Evacuation.script(&[&zh, &en], NumberStyle::Digits),
        [
            Step::Chime { set: 0 },
            sentence(0, &["evacuate"]),
            sentence(1, &["evacuate"])
        ]
    );
}

#[test]
fn sentences_are_checked() {
    let good = set(Grammar::Zh);
    let keys = check_sentences(&good).unwrap();
    assert!(keys.contains(&"handle".to_string()) && !keys.iter().any(|k| k.starts_with('{')));
    let mut bad = good.clone();
    bad.sentences.remove("evacuate");
    bad.sentences
        .insert("read_home".into(), words(&["read-home", "{ticket}"]));
    let errors = check_sentences(&bad).unwrap_err();
    assert!(
        errors.contains(&VoiceError::MissingSentence("evacuate")),
        "{errors:?}"
    );
    assert!(
        errors.contains(&VoiceError::Placeholder {
            sentence: "read_home".into(),
            placeholder: "{ticket}".into()
        }),
        "{errors:?}"
    );
}

#[test]
fn announcements_name_what_the_journal_keeps() {
    use crate::AnnouncementKind;
    assert_eq!(call("A001", 1, false).kind(), AnnouncementKind::Call);
    assert_eq!(call("A001", 1, true).kind(), AnnouncementKind::Recall);
    let repeat = Announcement::Repeat {
        ticket: code("A001"),
        window: w(2),
    };
    assert_eq!(
        (repeat.kind(), repeat.ticket(), repeat.window()),
        (AnnouncementKind::Repeat, Some(code("A001")), Some(w(2)))
    );
    assert_eq!(
        Announcement::Evacuation.kind(),
        AnnouncementKind::Evacuation
    );
    assert_eq!(Announcement::Read(Reading::Home).window(), None);
}
