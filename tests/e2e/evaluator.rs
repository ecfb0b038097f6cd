//! The evaluator through the real binary: window cards drawn by the simulated
//! board, and a newer holiday calendar loaded into a running station.

use serde_json::Value;

use crate::support::{Station, kiosk};

fn card(state: &Value, window: u8) -> Value {
    state["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["window"] == window)
        .map(|c| c["card"].clone())
        .unwrap_or(Value::Null)
}

#[test]
fn each_window_card_follows_its_window_and_is_drawn_on_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    let png = dir.path().join("cards/window-1.png");
    assert_eq!(card(&station.state(), 1)["screen"], "idle");
    assert!(png.exists(), "the idle card is drawn at start");
    assert_eq!(station.take_ticket('A'), "A001");
    station.ok("key 1 call");
    assert_eq!(card(&station.state(), 1)["ticket"], "A001");
    station.ok("key 1 complete");
    let state = station.state();
    assert_eq!(card(&state, 1)["screen"], "armed");
    assert_eq!(card(&state, 1)["keys"], serde_json::json!([5, 4, 3, 2, 1]));
    station.ok("rate 1 4");
    let state = station.state();
    assert_eq!(card(&state, 1)["screen"], "thanks");
    // idle, serving, armed, thanks.
    let changes = state["cards"][0]["changes"].as_u64().unwrap();
    assert_eq!(changes, 4, "{}", state["cards"]);
    // Window 3's card is the colour panel of the simulated board.
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(dir.path().join("cards/window-3.png")).unwrap(),
    ));
    let info = decoder.read_info().unwrap();
    assert_eq!((info.info().width, info.info().height), (320, 240));
    station.ok("pause 2");
    assert_eq!(card(&station.state(), 2)["screen"], "out_of_service");
    assert!(station.quit().success());
}

fn calendar_file(entries: &[(&str, &str, bool)]) -> String {
    let days: Vec<String> = entries
        .iter()
        .map(|(name, date, off)| {
            format!("  {{\n   \"name\": \"{name}\",\n   \"date\": \"{date}\",\n   \"isOffDay\": {off}\n  }}")
        })
        .collect();
    format!(
        "{{\n \"year\": 2027,\n \"papers\": [\"test\"],\n \"days\": [\n{}\n ]\n}}\n",
        days.join(",\n")
    )
}

/// `kiosk calendar load FILE --data DIR`.
fn load_calendar(file: &std::path::Path, data: &std::path::Path) -> std::process::Output {
    kiosk()
        .args(["calendar", "load"])
        .arg(file)
        .arg("--data")
        .arg(data)
        .output()
        .unwrap()
}

/// Serves the next ticket at window 1 and rates it 非常不满意; returns the
/// newest case's rectification deadline.
fn bad_rating(station: &mut Station) -> Value {
    let ticket = station.take_ticket('A');
    station.ok("key 1 call");
    station.ok("key 1 complete");
    station.ok("rate 1 1");
    let state = station.state();
    let cases = state["station"]["cases"].as_array().unwrap().clone();
    let case = cases.last().unwrap().clone();
    assert_eq!(case["ticket"], ticket);
    case["rectify_due"].clone()
}

#[test]
fn a_newer_calendar_loads_into_the_running_station_and_a_bad_one_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &["--clock", "2026-12-14 09:00"]);
    // 15 working days from Monday 14 December reach into 2027, whose
    // holidays are not built in: counted Monday–Friday and marked.
    assert_eq!(
        bad_rating(&mut station),
        serde_json::json!({"date": "2027-01-04", "provisional": true})
    );

    // A file with a day listed twice is refused with its line; nothing is
    // installed and the station keeps its calendar.
    let bad = dir.path().join("bad-2027.json");
    std::fs::write(
        &bad,
        calendar_file(&[("元旦", "2027-01-01", true), ("元旦", "2027-01-01", true)]),
    )
    .unwrap();
    let out = load_calendar(&bad, dir.path());
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "{}:12: field `days[1].date`: 2027-01-01 is listed twice (also days[0])",
            bad.display()
        )),
        "{stderr}"
    );
    assert!(!dir.path().join("calendar/2027.json").exists());

    // The published file: 1 January off.
    let good = dir.path().join("2027.json");
    std::fs::write(&good, calendar_file(&[("元旦", "2027-01-01", true)])).unwrap();
    let out = load_calendar(&good, dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("the running station uses it now"),
        "{stdout}"
    );
    assert_eq!(
        bad_rating(&mut station),
        serde_json::json!({"date": "2027-01-05", "provisional": false})
    );
    // The first case keeps the deadline it was given.
    let state = station.state();
    assert_eq!(
        state["station"]["cases"][0]["rectify_due"]["date"],
        "2027-01-04"
    );
    assert!(station.quit().success());

    // After a restart the installed file is still in force.
    let mut station = Station::start(dir.path(), &["--clock", "2026-12-14 10:00"]);
    assert_eq!(
        bad_rating(&mut station),
        serde_json::json!({"date": "2027-01-05", "provisional": false})
    );
    assert!(station.quit().success());
}

#[test]
fn a_case_due_or_overdue_is_on_the_notice_bar_and_beeps_the_office_buzzer() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("reminders.toml");
    std::fs::write(
        &config,
        crate::support::TEST_CONFIG.replace("[people]\n", "[people]\nreminder_buzzer = true\n"),
    )
    .unwrap();
    let config = config.to_str().unwrap();
    // Friday: a bad rating's callback is due on Monday, the next working day.
    let mut station = Station::start(
        dir.path(),
        &["--clock", "2026-11-27 09:00", "--config", config],
    );
    bad_rating(&mut station);
    let screen = station.screen();
    assert!(
        screen["notice"]
            .as_str()
            .unwrap()
            .contains("案件提醒：1 件即将到期"),
        "{screen}"
    );
    assert!(station.quit().success());
    // Tuesday, unanswered: overdue, and the office's buzzer beeps on start.
    let mut station = Station::start(
        dir.path(),
        &["--clock", "2026-12-01 09:00", "--config", config],
    );
    let state = station.state();
    assert!(
        state["screen"]["notice"]
            .as_str()
            .unwrap()
            .contains("案件提醒：1 件已超期"),
        "{state}"
    );
    assert_eq!(
        state["outputs"]["buzzer"], "reminder",
        "{}",
        state["outputs"]
    );
    station.ok("wait 4s");
    assert_eq!(station.state()["outputs"]["buzzer"], "off");
    assert!(station.quit().success());
}
