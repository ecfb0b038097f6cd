//! Time going wrong, end to end: a clock that ran ahead wrote the journal,
//! and the station is started again on the real time (ADR 0015).

use crate::support::*;

#[test]
fn a_clock_that_ran_ahead_is_confirmed_by_the_manager_and_today_opens_again() {
    let dir = tempfile::tempdir().unwrap();
    add_staff(dir.path(), "0001", "李站长", "manager", "13579");
    add_staff(dir.path(), "0101", "王芳", "staff", "2468");
    let mut station = Station::start(dir.path(), &["--clock", "2026-11-30 09:00"]);
    assert_eq!(station.take_ticket('A'), "A001");
    assert_eq!(station.take_ticket('A'), "A002");
    assert!(station.quit().success());
    // Once with the clock set to tomorrow evening: today closes, tomorrow
    // opens and closes.
    let station = Station::start(dir.path(), &["--clock", "2026-12-01 19:00"]);
    assert!(station.quit().success());

    // Back on the real time, mid-morning.
    let mut station = Station::start(dir.path(), &["--clock", "2026-11-30 10:00"]);
    let state = station.state();
    let doubt = &state["station"]["clock_doubt"];
    assert_eq!(
        doubt["journal"].as_str().unwrap().get(..16),
        Some("2026-12-01T11:00")
    );
    assert_eq!(state["station"]["issuing"], false, "held at tomorrow 19:00");
    let notice = state["screen"]["notice"].as_str().unwrap();
    assert!(notice.contains("系统时间与记录不一致"), "{notice}");
    // Window staff may not; the manager confirms the clock with a PIN.
    let refused = station.send("clock confirm 0101 2468");
    assert_eq!(
        refused["error"],
        "confirming the clock needs the manager role"
    );
    assert_eq!(refused["kind"], "refused");
    let refused = station.send("clock confirm 0001 0000");
    assert_eq!(refused["error"], "unknown staff number or wrong PIN");
    assert_eq!(refused["kind"], "pin");
    // At the kiosk: staff mode shows both times; the manager confirms.
    for _ in 0..5 {
        station.ok("tap staff-entry");
    }
    pad(&mut station, "0001");
    pad(&mut station, "13579");
    assert_eq!(station.screen()["screen"], "staff");
    let doubt = station.screen()["staff"]["clock_doubt"].clone();
    assert!(
        doubt.as_str().unwrap().contains("11-30 10:00")
            && doubt.as_str().unwrap().contains("12-01 19:00"),
        "{doubt}"
    );
    station.ok("tap staff-confirm-clock");
    station.ok("settle");
    let staff = station.screen()["staff"].clone();
    assert!(
        staff["message"]
            .as_str()
            .unwrap_or_default()
            .contains("系统时间"),
        "{staff}"
    );
    station.ok("tap staff-exit");
    let state = station.state();
    assert!(state["station"]["clock_doubt"].is_null(), "{state}");
    assert_eq!(state["station"]["issuing"], true);
    assert_eq!(state["station"]["day"], "2026-11-30");
    assert_eq!(
        station.waiting(),
        ["A001", "A002"],
        "the tickets the wrong close left unserved wait again"
    );
    assert_eq!(station.take_ticket('A'), "A003", "numbers never repeat");
    assert!(station.quit().success());

    let corrected = journal(dir.path(), &["--kind", "clock_corrected"]);
    assert_eq!(corrected.len(), 1);
    assert_eq!(corrected[0]["actor"]["id"], "0001");
    // The projection the reports read agrees with the journal, and the chain
    // holds.
    let out = kiosk()
        .args(["verify-log", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let db = rusqlite::Connection::open(dir.path().join("kiosk.db")).unwrap();
    let states: Vec<(String, String)> = db
        .prepare("SELECT code, state FROM tickets WHERE day = '2026-11-30' ORDER BY code")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let waiting = |c: &str| (c.to_string(), "waiting".to_string());
    assert_eq!(states, [waiting("A001"), waiting("A002"), waiting("A003")]);
    // Restarted, it stays on the real day.
    let mut station = Station::start(dir.path(), &["--clock", "2026-11-30 10:30"]);
    assert_eq!(station.waiting(), ["A001", "A002", "A003"]);
    assert!(station.state()["station"]["clock_doubt"].is_null());
    assert!(station.quit().success());
}

#[test]
fn the_command_line_judges_overdue_by_the_stations_time_not_the_machines() {
    let dir = tempfile::tempdir().unwrap();
    // A station whose time is far ahead of this machine's: a bad rating on
    // Monday 1 June 2099, due to be answered the next working day.
    let mut station = Station::start(dir.path(), &["--clock", "2099-06-01 09:00"]);
    station.take_ticket('A');
    station.ok("key 1 call");
    station.ok("key 1 complete");
    station.ok("rate 1 1");
    assert!(station.quit().success());
    // Its journal goes on to Friday.
    let station = Station::start(dir.path(), &["--clock", "2099-06-05 09:00"]);
    assert!(station.quit().success());
    let out = kiosk()
        .args(["case", "list", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    let line = list
        .lines()
        .find(|l| l.starts_with("2099-0001"))
        .unwrap_or_else(|| panic!("{list}"));
    assert!(
        line.ends_with("answer"),
        "overdue at the station's time: {list}"
    );
}

#[test]
fn a_simulated_clock_jumps_through_a_night_and_the_station_follows() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &["--clock", "2026-11-30 09:00"]);
    assert_eq!(station.take_ticket('A'), "A001");
    // Past the day's close: the waiting ticket is closed before the answer.
    station.ok("clock jump 2026-11-30 18:05");
    assert!(station.waiting().is_empty());
    assert_eq!(station.state()["station"]["issuing"], false);
    // Never back, and the next morning numbers from 1 again.
    let back = station.send("clock jump 2026-11-30 12:00");
    assert_eq!(back["ok"], false, "{back}");
    assert!(
        back["error"].as_str().unwrap().contains("only forward"),
        "{back}"
    );
    station.ok("clock jump 2026-12-01 08:35");
    assert_eq!(station.take_ticket('A'), "A001");
    assert!(station.quit().success());
    let kinds = kinds(&journal(dir.path(), &[]));
    let days: Vec<&str> = kinds
        .iter()
        .map(String::as_str)
        .filter(|k| k.starts_with("day_"))
        .collect();
    assert_eq!(
        days,
        ["day_opened", "day_closed", "day_anchored", "day_opened"],
        "{kinds:?}"
    );
}
