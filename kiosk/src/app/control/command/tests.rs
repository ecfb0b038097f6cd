//! Tests of the command grammar: the plain and JSON forms of every command,
//! the messages for malformed ones, durations and scenario files.

use std::time::Duration;

use drivers::zone::{FaultKind, Reading};

use super::*;
use board::command::{PrinterAction, Target, parse_duration};
use board::zones::ZoneRead;
use board::{Input, StaffKey};

#[test]
fn plain_and_json_forms_mean_the_same() {
    let table: &[(&str, &str, Command)] = &[
        (
            "tap category-A",
            r#"{"cmd":"tap","id":"category-A"}"#,
            Command::Board(BoardCommand::Tap(Target::Id("category-A".into()))),
        ),
        (
            "tap label \"社保 医保\"",
            r#"{"cmd":"tap","label":"社保 医保"}"#,
            Command::Board(BoardCommand::Tap(Target::Label("社保 医保".into()))),
        ),
        (
            "tap 400 240.5",
            r#"{"cmd":"tap","x":400,"y":240.5}"#,
            Command::Board(BoardCommand::Tap(Target::At { x: 400.0, y: 240.5 })),
        ),
        (
            "key 2 call",
            r#"{"cmd":"key","window":2,"key":"call"}"#,
            Command::Board(BoardCommand::Input(Input::StaffKey {
                window: 2,
                key: StaffKey::CallNext,
            })),
        ),
        (
            "key 2 7",
            r#"{"cmd":"key","window":2,"key":"7"}"#,
            Command::Board(BoardCommand::Input(Input::StaffKey {
                window: 2,
                key: StaffKey::Digit(7),
            })),
        ),
        (
            "key 2 enter",
            r#"{"cmd":"key","window":2,"key":"enter"}"#,
            Command::Board(BoardCommand::Input(Input::StaffKey {
                window: 2,
                key: StaffKey::Enter,
            })),
        ),
        (
            "rate 1 5",
            r#"{"cmd":"rate","window":1,"level":5}"#,
            Command::Board(BoardCommand::Input(Input::EvaluatorKey {
                window: 1,
                level: 5,
            })),
        ),
        (
            "edge 19 down",
            r#"{"cmd":"edge","pin":19,"state":"down"}"#,
            Command::Board(BoardCommand::Edge {
                pin: 19,
                pressed: true,
            }),
        ),
        (
            "case 2026-0001 registered \"站长已到窗口\"",
            r#"{"cmd":"case","case":"2026-0001","stage":"registered","note":"站长已到窗口"}"#,
            Command::Staff(StaffAction::AdvanceCase {
                case: "2026-0001".into(),
                stage: "registered".into(),
                note: "站长已到窗口".into(),
                answer: None,
            }),
        ),
        (
            "case 2026-0001 answered written \"书面答复已寄出\"",
            r#"{"cmd":"case","case":"2026-0001","stage":"answered","answer":"written","note":"书面答复已寄出"}"#,
            Command::Staff(StaffAction::AdvanceCase {
                case: "2026-0001".into(),
                stage: "answered".into(),
                note: "书面答复已寄出".into(),
                answer: Some("written".into()),
            }),
        ),
        (
            "case 2026-0001 reopen \"群众不认可处理结果\"",
            r#"{"cmd":"case","case":"2026-0001","stage":"reopen","note":"群众不认可处理结果"}"#,
            Command::Staff(StaffAction::ReopenCase {
                case: "2026-0001".into(),
                note: "群众不认可处理结果".into(),
            }),
        ),
        (
            "case 2026-0001 extend 10 0001 2468 \"需县医保局核实\"",
            r#"{"cmd":"case","case":"2026-0001","stage":"extend","days":10,"staff":"0001","pin":"2468","reason":"需县医保局核实"}"#,
            Command::ExtendCase {
                case: "2026-0001".into(),
                days: 10,
                staff: "0001".into(),
                pin: "2468".into(),
                reason: "需县医保局核实".into(),
            },
        ),
        (
            "case 2026-0001 export 0001 13579",
            r#"{"cmd":"case","case":"2026-0001","stage":"export","staff":"0001","pin":"13579"}"#,
            Command::ExportCase {
                case: "2026-0001".into(),
                staff: "0001".into(),
                pin: "13579".into(),
            },
        ),
        (
            "panic press",
            r#"{"cmd":"panic","state":"press"}"#,
            Command::Board(BoardCommand::Zone {
                zone: "panic".into(),
                read: ZoneRead::Reading(Reading::Active),
            }),
        ),
        (
            "smoke off",
            r#"{"cmd":"smoke","state":"off"}"#,
            Command::Board(BoardCommand::Zone {
                zone: "smoke".into(),
                read: ZoneRead::Reading(Reading::Normal),
            }),
        ),
        (
            "alarm reset smoke 0101 2468",
            r#"{"cmd":"alarm","action":"reset","zone":"smoke","staff":"0101","pin":"2468"}"#,
            Command::Alarm {
                reset: true,
                zone: "smoke".into(),
                staff: "0101".into(),
                pin: "2468".into(),
            },
        ),
        (
            "zone smoke open",
            r#"{"cmd":"zone","zone":"smoke","state":"open"}"#,
            Command::Board(BoardCommand::Zone {
                zone: "smoke".into(),
                read: ZoneRead::Reading(Reading::Fault(FaultKind::Open)),
            }),
        ),
        (
            "zone panic 1500",
            r#"{"cmd":"zone","zone":"panic","state":"1500"}"#,
            Command::Board(BoardCommand::Zone {
                zone: "panic".into(),
                read: ZoneRead::Value(1500.0),
            }),
        ),
        (
            "screenshot out/home.png",
            r#"{"cmd":"screenshot","path":"out/home.png"}"#,
            Command::Screenshot("out/home.png".into()),
        ),
        (
            "scan SL2026-00012/4821",
            r#"{"cmd":"scan","text":"SL2026-00012/4821"}"#,
            Command::Scan("SL2026-00012/4821".into()),
        ),
        ("state", r#"{"cmd":"state"}"#, Command::State),
        (
            "printer unplug",
            r#"{"cmd":"printer","action":"unplug"}"#,
            Command::Board(BoardCommand::Printer(PrinterAction::Unplug)),
        ),
        (
            "printer paper-end-in 40mm",
            r#"{"cmd":"printer","action":"paper-end-in 40"}"#,
            Command::Board(BoardCommand::Printer(PrinterAction::PaperEndIn(40.0))),
        ),
        (
            "printer stall on",
            r#"{"cmd":"printer","action":"stall on"}"#,
            Command::Board(BoardCommand::Printer(PrinterAction::Stall(true))),
        ),
        (
            "printer cover-open",
            r#"{"cmd":"printer","action":"cover-open"}"#,
            Command::Board(BoardCommand::Printer(PrinterAction::CoverOpen)),
        ),
        (
            "reprint A012",
            r#"{"cmd":"reprint","ticket":"A012"}"#,
            Command::Staff(StaffAction::Reprint {
                ticket: "A012".into(),
            }),
        ),
        (
            "wait 1m30s",
            r#"{"cmd":"wait","ms":90000}"#,
            Command::Wait(Duration::from_secs(90)),
        ),
        (
            "settle",
            r#"{"cmd":"settle"}"#,
            Command::Settle { held: false },
        ),
        (
            "settle held",
            r#"{"cmd":"settle","state":"held"}"#,
            Command::Settle { held: true },
        ),
        (
            "transfer 1 C",
            r#"{"cmd":"transfer","window":1,"category":"C"}"#,
            Command::Staff(StaffAction::Transfer {
                window: 1,
                category: "C".into(),
            }),
        ),
        (
            "requeue A001",
            r#"{"cmd":"requeue","ticket":"A001"}"#,
            Command::Staff(StaffAction::Requeue {
                ticket: "A001".into(),
            }),
        ),
        (
            "pause 2",
            r#"{"cmd":"pause","window":2}"#,
            Command::Staff(StaffAction::Pause { window: 2 }),
        ),
        (
            "reopen 2",
            r#"{"cmd":"reopen","window":2}"#,
            Command::Staff(StaffAction::Reopen { window: 2 }),
        ),
        (
            "sign-on 1 0101 2468",
            r#"{"cmd":"sign-on","window":1,"staff":"0101","pin":2468}"#,
            Command::SignOn {
                window: 1,
                staff: "0101".into(),
                pin: "2468".into(),
            },
        ),
        (
            "sign-off 3",
            r#"{"cmd":"sign-off","window":3}"#,
            Command::Staff(StaffAction::SignOff { window: 3 }),
        ),
        (
            "away 2 visit 15:30",
            r#"{"cmd":"away","window":2,"reason":"visit","back":"15:30"}"#,
            Command::Away(AwayRequest {
                window: 2,
                reason: "visit".into(),
                back: "15:30".into(),
                contact: None,
                instead: None,
                manager: None,
            }),
        ),
        (
            "away 2 \"区政务中心送件\" +90 contact \"0898 8888 1234\" instead 1 manager 0001 13579",
            r#"{"cmd":"away","window":2,"reason":"区政务中心送件","back":"+90","contact":"0898 8888 1234","instead":1,"manager":"0001","pin":"13579"}"#,
            Command::Away(AwayRequest {
                window: 2,
                reason: "区政务中心送件".into(),
                back: "+90".into(),
                contact: Some("0898 8888 1234".into()),
                instead: Some(1),
                manager: Some(("0001".into(), "13579".into())),
            }),
        ),
        ("memory", r#"{"cmd":"memory"}"#, Command::Memory),
        ("quit", r#"{"cmd":"quit"}"#, Command::Quit),
        (
            "calendar reload",
            r#"{"cmd":"calendar","action":"reload"}"#,
            Command::CalendarReload,
        ),
        (
            "matters load 3 \"王 站长\"",
            r#"{"cmd":"matters","version":3,"approver":"王 站长"}"#,
            Command::MattersLoad {
                version: 3,
                approver: "王 站长".into(),
            },
        ),
        (
            "voice repeat 2",
            r#"{"cmd":"voice","action":"repeat","window":2}"#,
            Command::Voice(VoiceCommand::Repeat { window: 2 }),
        ),
        (
            "voice stop",
            r#"{"cmd":"voice","action":"stop"}"#,
            Command::Voice(VoiceCommand::Stop { id: None }),
        ),
        (
            "voice stop 7",
            r#"{"cmd":"voice","action":"stop","id":"7"}"#,
            Command::Voice(VoiceCommand::Stop { id: Some(7) }),
        ),
        (
            "voice read ticket en",
            r#"{"cmd":"voice","action":"read","screen":"ticket","english":true}"#,
            Command::Voice(VoiceCommand::Read {
                screen: "ticket".into(),
                english: true,
            }),
        ),
    ];
    for (plain, json, expected) in table {
        assert_eq!(parse(plain).as_ref(), Ok(expected), "{plain}");
        assert_eq!(parse(json).as_ref(), Ok(expected), "{json}");
    }
}

#[test]
fn a_hung_screen_is_injected_for_a_duration() {
    assert_eq!(
        parse("hang ui 2s"),
        Ok(Command::HangUi(Duration::from_secs(2)))
    );
}

#[test]
fn a_simulated_clock_jumps_to_a_time_of_the_station() {
    let to: jiff::civil::DateTime = "2026-12-01T08:25".parse().unwrap();
    assert_eq!(
        parse("clock jump 2026-12-01 08:25"),
        Ok(Command::JumpClock(to))
    );
    assert_eq!(
        parse(r#"{"cmd":"clock","action":"jump","text":"2026-12-01 08:25"}"#),
        Ok(Command::JumpClock(to))
    );
    for (line, says) in [
        (
            "clock jump 2026-12-01",
            "usage: clock jump YYYY-MM-DD HH:MM",
        ),
        (
            "clock jump 2026-13-01 08:25",
            "`2026-13-01 08:25` is not a time",
        ),
        (
            "clock jump tomorrow 08:25",
            "is not a time like 2026-12-01 09:00",
        ),
        ("clock set 0001 13579", "`set` is not confirm or jump"),
        (
            r#"{"cmd":"clock","action":"jump"}"#,
            "needs the field `text`",
        ),
    ] {
        let error = parse(line).unwrap_err();
        assert!(error.contains(says), "{line}: {error}");
    }
}

#[test]
fn malformed_commands_say_what_was_expected() {
    let table = [
        (
            "",
            "empty command; commands are tap, key, rate, edge, case, panic, smoke, zone, alarm, clock, transfer, requeue, reprint, pause, reopen, sign-on, sign-off, away, voice, screenshot, scan, state, memory, settle, printer, calendar, matters, wait, hang, quit",
        ),
        (
            "dance",
            "unknown command `dance`; commands are tap, key, rate, edge, case, panic, smoke, zone, alarm, clock, transfer, requeue, reprint, pause, reopen, sign-on, sign-off, away, voice, screenshot, scan, state, memory, settle, printer, calendar, matters, wait, hang, quit",
        ),
        (
            "key 1",
            "usage: key WINDOW call|recall|skip|complete|0-9|enter",
        ),
        ("hang screen 2s", "usage: hang ui DURATION (such as 20s)"),
        ("hang ui", "usage: hang ui DURATION (such as 20s)"),
        ("key 0 call", "expected a window number 1–99"),
        (
            "key 1 dance",
            "`dance` is not a keypad key; use call, recall, skip, complete, a digit 0-9 or enter",
        ),
        ("rate 1 9", "`9` is not a rating level 1–5"),
        ("sign-on 1 0101", "usage: sign-on WINDOW STAFF-NUMBER PIN"),
        ("sign-off", "usage: sign-off WINDOW"),
        (
            "away 1 visit",
            "usage: away WINDOW REASON HH:MM|+MINUTES [contact NUMBER] [instead WINDOW] [manager STAFF-NUMBER PIN] (REASON: meeting, visit, delivery, leave, other)",
        ),
        (
            "away 1 visit +15 phone 139",
            "`phone` is not contact, instead or manager; usage: away WINDOW REASON HH:MM|+MINUTES [contact NUMBER] [instead WINDOW] [manager STAFF-NUMBER PIN] (REASON: meeting, visit, delivery, leave, other)",
        ),
        (
            "away 1 visit +15 manager 0001",
            "`manager` needs a value; usage: away WINDOW REASON HH:MM|+MINUTES [contact NUMBER] [instead WINDOW] [manager STAFF-NUMBER PIN] (REASON: meeting, visit, delivery, leave, other)",
        ),
        (
            "away 1 visit +15 instead 0",
            "expected a window number 1–99",
        ),
        ("matters load", "usage: matters load VERSION APPROVER"),
        ("matters load x 王", "usage: matters load VERSION APPROVER"),
        ("matters load 3", "usage: matters load VERSION APPROVER"),
        ("edge 5 sideways", "`sideways` is not down or up"),
        (
            "tap",
            "usage: tap ELEMENT-ID | tap label \"LABEL\" | tap X Y",
        ),
        (
            "tap -1 5",
            "usage: tap ELEMENT-ID | tap label \"LABEL\" | tap X Y",
        ),
        ("tap label \"open", "a quoted word is not closed with \""),
        (
            "wait soon",
            "`soon` is not a duration such as 500ms, 2s or 1m30s",
        ),
        (
            "printer explode",
            "`explode` is not a printer action; use unplug, unplug-after-cut, plug, paper-out, paper-low, paper-end-in MM, paper-load, cover-open, cover-close, offline, online, garbage, wrong-baud on|off, stall on|off",
        ),
        (
            "printer paper-end-in lots",
            "`lots` is not a length of paper in millimetres such as 40",
        ),
        (
            "printer stall maybe",
            "usage: printer unplug, unplug-after-cut, plug, paper-out, paper-low, paper-end-in MM, paper-load, cover-open, cover-close, offline, online, garbage, wrong-baud on|off, stall on|off",
        ),
        (
            "printer paper-out now",
            "usage: printer unplug, unplug-after-cut, plug, paper-out, paper-low, paper-end-in MM, paper-load, cover-open, cover-close, offline, online, garbage, wrong-baud on|off, stall on|off",
        ),
        (r#"{"cmd":"key","window":1}"#, "`key` needs the field `key`"),
        (
            r#"{"cmd":"fly"}"#,
            "unknown command `fly`; commands are tap, key, rate, edge, case, panic, smoke, zone, alarm, clock, transfer, requeue, reprint, pause, reopen, sign-on, sign-off, away, voice, screenshot, scan, state, memory, settle, printer, calendar, matters, wait, hang, quit",
        ),
    ];
    for (line, message) in table {
        assert_eq!(parse(line), Err(message.to_string()), "{line:?}");
    }
    assert!(
        parse(r#"{"cmd":"tap","id":1}"#)
            .unwrap_err()
            .starts_with("not a JSON command:")
    );
    assert!(
        parse("{nope")
            .unwrap_err()
            .starts_with("not a JSON command:")
    );
}

#[test]
fn durations() {
    let table = [
        ("500ms", 500),
        ("2s", 2000),
        ("1.5s", 1500),
        ("1m30s", 90_000),
        ("0s", 0),
    ];
    for (text, ms) in table {
        assert_eq!(
            parse_duration(text),
            Ok(Duration::from_millis(ms)),
            "{text}"
        );
    }
    for bad in ["", "5", "s", "1x", "-1s", "2d", "25h"] {
        assert!(parse_duration(bad).is_err(), "{bad}");
    }
}

#[test]
fn scenarios_have_timing_comments_and_located_errors() {
    let text = "# a visit\ntap category-A   # the citizen\n+2s key 1 call\n\n@10s screenshot a.png\n{\"cmd\":\"state\"}\n";
    let steps = parse_scenario("visit.txt", text).unwrap();
    let got: Vec<(usize, When)> = steps.iter().map(|s| (s.line, s.when)).collect();
    assert_eq!(
        got,
        [
            (2, When::Next),
            (3, When::After(Duration::from_secs(2))),
            (5, When::At(Duration::from_secs(10))),
            (6, When::Next)
        ]
    );
    assert_eq!(
        parse_scenario("visit.txt", "state\n+2x key 1 call\n"),
        Err("visit.txt:2: `2x` is not a duration such as 500ms, 2s or 1m30s".into())
    );
    assert_eq!(
        parse_scenario("visit.txt", "tapp category-A\n"),
        Err("visit.txt:1: unknown command `tapp`; commands are tap, key, rate, edge, case, panic, smoke, zone, alarm, clock, transfer, requeue, reprint, pause, reopen, sign-on, sign-off, away, voice, screenshot, scan, state, memory, settle, printer, calendar, matters, wait, hang, quit".into())
    );
}
