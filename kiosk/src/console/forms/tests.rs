//! Property tests of the console's parsers: any request text is parsed or
//! refused with a reason, never a panic; well-formed forms mean what they
//! say (a day's log filter spans that day, a month's report that month, a
//! back-entry's times fall on its day).

use proptest::prelude::*;

use super::*;

fn shanghai() -> TimeZone {
    TimeZone::get("Asia/Shanghai").unwrap()
}

/// Form fields as a browser sends them: each value percent-encoded.
fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn day_strategy() -> impl Strategy<Value = Date> {
    (2000i16..=2099, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| Date::new(y, m, d).unwrap())
}

/// Text shaped like a form, from the fields the console knows and
/// arbitrary values, so the decoders get past the field names.
fn field_soup() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("staff"),
        Just("pin"),
        Just("csrf"),
        Just("from"),
        Just("to"),
        Just("kind"),
        Just("window"),
        Just("ticket"),
        Just("case"),
        Just("before"),
        Just("category"),
        Just("day"),
        Just("start"),
        Just("end"),
        Just("register_no"),
        Just("note"),
        Just("month"),
        Just("format"),
        Just("w"),
        Just("action"),
        Just("stage"),
        Just("answer"),
        Just("days"),
        Just("done"),
    ];
    let value = prop_oneof![
        any::<String>(),
        "[0-9:\\-]{0,12}",
        Just("2026-11-30".to_string()),
        Just("9999-12-31".to_string()),
        Just("-009999-01-01".to_string()),
        Just("24:00".to_string()),
        Just("transfer".to_string()),
        Just("A".to_string()),
    ];
    prop::collection::vec((key, value), 0..10).prop_map(|fields| {
        fields
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&")
    })
}

proptest! {
    #[test]
    fn any_text_is_parsed_or_refused_with_a_reason(text in any::<String>()) {
        prop_assert_eq!(check_all(&text), Ok(()));
    }

    #[test]
    fn any_form_of_known_fields_is_parsed_or_refused_with_a_reason(text in field_soup()) {
        prop_assert_eq!(check_all(&text), Ok(()));
    }

    #[test]
    fn a_message_survives_the_redirect_that_carries_it(message in any::<String>()) {
        let done: Done = decode(&format!("done={}", urlencode(&message))).unwrap();
        prop_assert_eq!(done.done, Some(message));
    }

    #[test]
    fn the_session_cookie_is_found_among_others(
        token in "[0-9a-f]{64}",
        before in "[a-z_]{1,8}=[^;]{0,12}",
        after in "[a-z_]{1,8}=[^;]{0,12}",
    ) {
        prop_assume!(!before.starts_with("kiosk_session=") && !after.starts_with("kiosk_session="));
        let header = format!("{before}; kiosk_session={token}; {after}");
        prop_assert_eq!(cookie([header.as_str()], "kiosk_session"), Some(token));
    }

    #[test]
    fn a_log_filter_from_one_day_to_another_spans_those_days(a in day_strategy(), b in day_strategy()) {
        let (from, to) = if a <= b { (a, b) } else { (b, a) };
        let q: LogQuery = decode(&form(&[("from", &from.to_string()), ("to", &to.to_string())])).unwrap();
        let f = q.filter(&shanghai()).unwrap();
        let (since, until) = (f.since.unwrap(), f.until.unwrap());
        // China keeps no summer time: whole days of 24 hours.
        let days = (to - from).get_days() as i64 + 1;
        prop_assert_eq!(until.as_second() - since.as_second(), days * 86_400);
        prop_assert_eq!(shanghai().to_datetime(since).date(), from);
        prop_assert_eq!(f.limit, Some(PAGE));
        if a != b {
            let q: LogQuery = decode(&form(&[("from", &to.to_string()), ("to", &from.to_string())])).unwrap();
            prop_assert!(q.filter(&shanghai()).unwrap_err().contains("reversed"));
        }
    }

    #[test]
    fn a_month_report_covers_that_month_and_nothing_else(day in day_strategy()) {
        let month = day.strftime("%Y-%m").to_string();
        let q: ReportQuery = decode(&form(&[("month", &month)])).unwrap();
        let (from, to) = q.days(Date::constant(2026, 11, 30)).unwrap();
        prop_assert_eq!(from, day.first_of_month());
        prop_assert_eq!(to, day.last_of_month());
        prop_assert_eq!(to.tomorrow().unwrap().day(), 1);
        let q: ReportQuery = decode(&form(&[("day", &day.to_string())])).unwrap();
        prop_assert_eq!(q.days(Date::constant(2026, 11, 30)).unwrap(), (day, day));
    }

    #[test]
    fn a_report_range_over_two_years_is_refused(from in day_strategy(), extra in 0i32..2000) {
        let to = from.checked_add(jiff::Span::new().days(extra)).unwrap();
        let q: ReportQuery = decode(&form(&[("from", &from.to_string()), ("to", &to.to_string())])).unwrap();
        let days = q.days(Date::constant(2026, 11, 30));
        if extra < MAX_REPORT_DAYS {
            prop_assert_eq!(days, Ok((from, to)));
        } else {
            prop_assert!(days.unwrap_err().contains("more than two years"));
        }
    }

    #[test]
    fn a_back_entry_happens_on_its_day_at_its_times(
        day in day_strategy(),
        (h1, m1, h2, m2) in (0i8..24, 0i8..60, 0i8..24, 0i8..60),
        window in 1u8..=99,
    ) {
        let start = format!("{h1:02}:{m1:02}");
        let end = format!("{h2:02}:{m2:02}");
        let text = form(&[
            ("csrf", "x"), ("category", "b"), ("window", &window.to_string()),
            ("day", &day.to_string()), ("start", &start), ("end", &end),
        ]);
        let entry = decode::<BackEntryForm>(&text).unwrap().entry(&shanghai()).unwrap();
        let local = |t: jiff::Timestamp| shanghai().to_datetime(t);
        prop_assert_eq!(local(entry.started).date(), day);
        prop_assert_eq!((local(entry.started).hour(), local(entry.started).minute()), (h1, m1));
        prop_assert_eq!((local(entry.finished).hour(), local(entry.finished).minute()), (h2, m2));
        prop_assert_eq!(entry.category, CategoryId::parse("B").unwrap());
        prop_assert_eq!(entry.window.get(), window);
    }

    #[test]
    fn a_window_button_names_its_window(window in 1u8..=99, action in 0usize..6) {
        let actions = ["call", "recall", "skip", "complete", "pause", "open"];
        let f: WindowForm = decode(&form(&[
            ("csrf", "x"), ("w", &window.to_string()), ("action", actions[action]),
        ])).unwrap();
        let w = match f.command().unwrap() {
            Command::CallNext { window }
            | Command::Recall { window }
            | Command::Skip { window }
            | Command::Complete { window }
            | Command::SetWindowOpen { window, .. } => window,
            other => panic!("{other:?}"),
        };
        prop_assert_eq!(w.get(), window);
    }
}

#[test]
fn sign_in_forms_over_the_limits_are_refused_before_the_pin_is_checked() {
    let login = |staff: &str, pin: &str| LoginForm {
        staff: staff.into(),
        pin: pin.into(),
    };
    assert_eq!(login(" 0101 ", "2468").refusal(), None);
    assert_eq!(login(" 0101 ", "2468").staff(), "0101");
    assert_eq!(login("  ", "2468").refusal(), Some("no staff number"));
    assert_eq!(
        login(&"1".repeat(17), "2468").refusal(),
        Some("staff number longer than 16 characters")
    );
    assert_eq!(
        login("0101", &"9".repeat(17)).refusal(),
        Some("PIN longer than 16 characters")
    );
    assert_eq!(login("0101", &"9".repeat(16)).refusal(), None);
}

#[test]
fn bad_filters_and_forms_say_what_is_wrong() {
    let tz = shanghai();
    for (query, says) in [
        ("from=2026-12-01&to=2026-11-01", "the range is reversed"),
        ("kind=drop_table", "is not a kind of entry"),
        ("ticket=A001%27%20OR%201%3D1--", "ticket:"),
        ("window=0", "is not a window number"),
        ("case=..%2F..", "is not a case number"),
        ("to=9999-12-31", "too far in the future"),
        ("before=x", "not an entry number"),
        ("staff=12345678901234567", "at most 16"),
    ] {
        let q: LogQuery = decode(query).unwrap();
        let why = q.filter(&tz).unwrap_err();
        assert!(why.contains(says), "{query}: {why}");
    }
    let today = Date::constant(2026, 11, 30);
    for (query, says) in [
        ("month=2026-13", "not a month"),
        ("day=2026-11-30&month=2026-11", "give a day, a month"),
        ("from=2016-01-01&to=2026-01-01", "more than two years"),
    ] {
        let q: ReportQuery = decode(query).unwrap();
        let why = q.days(today).unwrap_err();
        assert!(why.contains(says), "{query}: {why}");
    }
    let q: ReportQuery = decode("").unwrap();
    assert_eq!(q.days(today), Ok((today, today)));
    assert!(decode::<LoginForm>("staff=1").unwrap_err().contains("pin"));
}
