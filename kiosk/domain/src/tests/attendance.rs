//! Tests of attendance: a week around National Day 2026 with its holiday
//! and its adjusted working Saturday, late, absent, early, leave and
//! unapproved absence, by the regulations' 30-minute rule.

use super::*;
use crate::attendance::{Leave, Mark, Span, Totals, days};
use crate::roster::LeaveKind;

fn span(on: &str, off: Option<&str>) -> Span {
    Span {
        on: at(on),
        off: off.map(at),
    }
}

fn week(spans: &[Span], leave: &[Leave]) -> Vec<(String, Mark)> {
    days(
        spans,
        leave,
        (date("2026-10-05"), date("2026-10-11")),
        at("2026-10-12T00:00"),
        &station_hours(),
        &calendar(),
        &Settings::default(),
    )
    .into_iter()
    .map(|d| (d.date.to_string(), d.mark))
    .collect()
}

#[test]
fn a_week_with_a_holiday_and_an_adjusted_saturday() {
    let spans = [
        // Monday 5 October is a holiday: a sign-on counts for nothing.
        span("2026-10-05T09:00", Some("2026-10-05T10:00")),
        // Tuesday: on before the start, through the lunch break, to the end.
        span("2026-10-06T08:25", Some("2026-10-06T12:00")),
        span("2026-10-06T13:58", None),
        // Wednesday: 20 minutes late.
        span("2026-10-07T08:50", Some("2026-10-07T17:40")),
        // Thursday: 40 minutes late — absent.
        span("2026-10-08T09:10", Some("2026-10-08T17:30")),
    ];
    let leave = [Leave {
        from: date("2026-10-09"),
        to: date("2026-10-09"),
        kind: LeaveKind::Sick,
    }];
    let got = week(&spans, &leave);
    let want = [
        ("2026-10-05", Mark::Off),
        ("2026-10-06", Mark::Present),
        (
            "2026-10-07",
            Mark::Late {
                minutes: 20,
                early: None,
            },
        ),
        ("2026-10-08", Mark::Absent { minutes: 40 }),
        (
            "2026-10-09",
            Mark::Leave {
                kind: LeaveKind::Sick,
            },
        ),
        // Saturday 10 October is worked (调休): nobody came, no leave.
        ("2026-10-10", Mark::Unapproved),
        ("2026-10-11", Mark::Off),
    ];
    assert_eq!(
        got,
        want.iter()
            .map(|(d, m)| (d.to_string(), m.clone()))
            .collect::<Vec<_>>()
    );
    let days: Vec<crate::attendance::Day> = got
        .into_iter()
        .map(|(d, mark)| crate::attendance::Day {
            date: date(&d),
            mark,
        })
        .collect();
    assert_eq!(
        Totals::of(&days),
        Totals {
            present: 1,
            late: 1,
            early: 0,
            absent: 1,
            unapproved: 1,
            leave: 1,
            duty: 0,
        }
    );
    assert_eq!(days[3].mark.zh(), "缺席（迟到 40 分）");
    assert_eq!(days[5].mark.zh(), "旷工");
}

#[test]
fn leaving_early_late_and_early_and_the_exact_limits() {
    let spans = [
        // Tuesday: gone at 16:00, 90 minutes before the end.
        span("2026-10-06T08:20", Some("2026-10-06T16:00")),
        // Wednesday: exactly 30 minutes late is still late; gone at 17:00.
        span("2026-10-07T09:00", Some("2026-10-07T17:00")),
        // Thursday: 31 minutes late is absent.
        span("2026-10-08T09:01", None),
        // Friday: signed off at the end to the minute, and at lunch.
        span("2026-10-09T08:30", Some("2026-10-09T12:00")),
        span("2026-10-09T14:00", Some("2026-10-09T17:30")),
    ];
    let got = week(&spans, &[]);
    assert_eq!(got[1].1, Mark::Early { minutes: 90 });
    assert_eq!(
        got[2].1,
        Mark::Late {
            minutes: 30,
            early: Some(30)
        }
    );
    assert_eq!(got[3].1, Mark::Absent { minutes: 31 });
    assert_eq!(got[4].1, Mark::Present);
    assert_eq!(got[2].1.zh(), "迟到 30 分、早退 30 分");
}

#[test]
fn a_day_under_way_marks_no_absence_or_early_leave_yet() {
    let mark_at = |spans: &[Span], as_of: &str| {
        days(
            spans,
            &[],
            (date("2026-11-30"), date("2026-11-30")),
            at(as_of),
            &station_hours(),
            &calendar(),
            &Settings::default(),
        )
        .remove(0)
        .mark
    };
    // Nobody yet at ten: not yet 旷工; by the evening it is.
    assert_eq!(mark_at(&[], "2026-11-30T10:00"), Mark::Pending);
    assert_eq!(mark_at(&[], "2026-11-30T17:31"), Mark::Unapproved);
    // Signed off for lunch: not early while the afternoon is to come.
    let lunch = [span("2026-11-30T08:30", Some("2026-11-30T12:00"))];
    assert_eq!(mark_at(&lunch, "2026-11-30T12:30"), Mark::Present);
    assert_eq!(
        mark_at(&lunch, "2026-11-30T18:00"),
        Mark::Early { minutes: 330 }
    );
    // Late is late at once.
    let late = [span("2026-11-30T08:45", Some("2026-11-30T12:00"))];
    assert_eq!(
        mark_at(&late, "2026-11-30T12:30"),
        Mark::Late {
            minutes: 15,
            early: None
        }
    );
    assert_eq!(Mark::Pending.zh(), "未到");
    assert_eq!(
        Mark::Leave {
            kind: LeaveKind::Sick
        }
        .public_zh(),
        "请假",
        "the notice board does not say which leave"
    );
}
