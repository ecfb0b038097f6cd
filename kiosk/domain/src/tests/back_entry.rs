//! Tests of back-entry (补录): real times, the day handled, and refusals.

use super::*;

fn back(window: u8, started: &str, finished: &str) -> BackEntry {
    BackEntry {
        category: a(),
        window: w(window),
        started: at(started),
        finished: at(finished),
        register_no: "手工-07".into(),
        note: "社保认证，联系 13812345678".into(),
    }
}

#[test]
fn a_back_entry_keeps_its_real_times_and_counts_for_the_day_it_was_handled() {
    let mut run = Run::strict().at("2026-12-01T10:00");
    let d = run
        .go(Command::BackEnter(back(
            1,
            "2026-11-30T15:10",
            "2026-11-30T15:32",
        )))
        .unwrap();
    assert!(Run::kinds(&d).ends_with(&["back_entered"]));
    let r = d.records.last().unwrap();
    // Entered now, on today's business day; handled yesterday.
    assert_eq!(r.at, at("2026-12-01T10:00"));
    assert_eq!(r.day, "2026-12-01".parse::<Date>().unwrap());
    let Fact::BackEntered {
        handled_day,
        started,
        service_seconds,
        ref note,
        ref register_no,
        ..
    } = r.fact
    else {
        panic!("not a back-entry: {:?}", r.fact);
    };
    assert_eq!(handled_day, "2026-11-30".parse::<Date>().unwrap());
    assert_eq!(started, at("2026-11-30T15:10"));
    assert_eq!(service_seconds, 22 * 60);
    assert_eq!(register_no, "手工-07");
    assert!(!note.contains("13812345678"), "{note}");
    assert_eq!(r.fact.window(), Some(w(1)));
    assert_eq!(run.station.back_entries_today(), 1);
    // Nothing about today's queue changed: no number was used.
    assert!(run.station.tickets().is_empty());
    assert_eq!(run.issue(a(), false).to_string(), "A001");
}

#[test]
fn a_back_entry_twice_and_impossible_times_are_refused() {
    let mut run = Run::strict().at("2026-12-01T10:00");
    let entry = back(1, "2026-12-01T08:40", "2026-12-01T08:55");
    run.go(Command::BackEnter(entry.clone())).unwrap();
    assert!(matches!(
        run.go(Command::BackEnter(entry.clone())),
        Err(Rejection::BackEnteredTwice { .. })
    ));
    // The same start at another window is another matter.
    run.go(Command::BackEnter(BackEntry {
        window: w(2),
        ..entry.clone()
    }))
    .unwrap();
    for (started, finished) in [
        // In the future.
        ("2026-12-01T09:50", "2026-12-01T10:20"),
        // Finished before it started.
        ("2026-12-01T09:00", "2026-12-01T08:00"),
        // Longer than a working day.
        ("2026-11-30T08:00", "2026-11-30T21:00"),
        // Too long ago.
        ("2026-10-01T09:00", "2026-10-01T09:10"),
    ] {
        assert_eq!(
            run.go(Command::BackEnter(back(1, started, finished))),
            Err(Rejection::BackEntryTimes),
            "{started}–{finished}"
        );
    }
    assert!(matches!(
        run.go(Command::BackEnter(BackEntry {
            window: w(9),
            ..entry.clone()
        })),
        Err(Rejection::UnknownWindow(..))
    ));
    assert!(matches!(
        run.go(Command::BackEnter(BackEntry {
            category: CategoryId::new('Z').unwrap(),
            ..entry
        })),
        Err(Rejection::UnknownCategory(..))
    ));
    assert_eq!(run.station.back_entries_today(), 2);
}
