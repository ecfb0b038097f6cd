//! Tests of what the station is configured with: the catalog's validation,
//! working days by the calendar, and the settings' defaults.

use super::*;

#[test]
fn catalog_validation_names_the_category_and_field() {
    let good = || {
        vec![
            cat('A', "社保医保", "Social insurance", &[1]),
            cat('B', "民政救助", "Civil affairs", &[2]),
        ]
    };
    let mut dup = good();
    dup[1].id = a();
    let mut no_zh = good();
    no_zh[1].name_zh = " ".into();
    let mut no_en = good();
    no_en[0].name_en.clear();
    let mut no_windows = good();
    no_windows[1].windows.clear();
    let mut twice = good();
    twice[0].windows.push(w(1));
    let mut bad_hours = good();
    bad_hours[1].hours = Some(Hours {
        days: Days::WorkingDays,
        sessions: vec![session("12:00", "08:00")],
    });
    let overlapping = Hours {
        days: Days::WorkingDays,
        sessions: vec![session("08:00", "12:00"), session("11:00", "13:00")],
    };
    let table = [
        (good(), station_hours(), None),
        (
            vec![],
            station_hours(),
            Some(
                "field `category`: the catalog lists no categories; add at least one [[category]]",
            ),
        ),
        (
            dup,
            station_hours(),
            Some("category #2: field `prefix`: prefix A is used by an earlier category"),
        ),
        (
            no_zh,
            station_hours(),
            Some("category #2: field `zh`: the Chinese name is empty"),
        ),
        (
            no_en,
            station_hours(),
            Some("category #1: field `en`: the English name is empty"),
        ),
        (
            no_windows,
            station_hours(),
            Some(
                "category #2: field `windows`: no window serves this category; list at least one window number",
            ),
        ),
        (
            twice,
            station_hours(),
            Some("category #1: field `windows`: a window is listed twice"),
        ),
        (
            bad_hours,
            station_hours(),
            Some("category #2: field `hours`: session 12:00-08:00 ends before it starts"),
        ),
        (
            good(),
            overlapping,
            Some("field `hours`: sessions 08:00-12:00 and 11:00-13:00 overlap or are out of order"),
        ),
    ];
    for (categories, hours, expected) in table {
        let got = Catalog::new(categories, hours).err().map(|e| e.to_string());
        assert_eq!(got.as_deref(), expected);
    }
}

#[test]
fn working_days_follow_the_calendar() {
    let cal = calendar();
    let table = [
        ("2026-09-20", true),  // Sunday, adjusted working day
        ("2026-09-21", true),  // Monday
        ("2026-09-26", false), // Saturday
        ("2026-10-01", false), // holiday
        ("2026-10-10", true),  // Saturday, adjusted working day
        ("2027-06-07", true),  // a year without data: Monday–Friday
        ("2027-06-06", false),
    ];
    for (date, working) in table {
        assert_eq!(cal.is_working_day(date.parse().unwrap()), working, "{date}");
    }
    assert!(cal.is_known_year(2026));
    assert!(!cal.is_known_year(2027));
    let mut broken = calendar();
    let err = broken
        .add_year(
            2026,
            vec![CalendarDay {
                name: "x".into(),
                date: "2026-10-01".parse().unwrap(),
                is_off_day: false,
            }],
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "2026-10-01 is listed both as a day off and as a working day; fix the calendar file"
    );
}

#[test]
fn settings_default_to_the_station_practice() {
    let s = Settings::default();
    assert_eq!(s.time_zone.iana_name(), Some("Asia/Shanghai"));
    assert_eq!(s.policy, Policy::Strict);
    assert_eq!(s.day_close, Time::constant(18, 0, 0, 0));
}
