//! The safety zones through the real binary and the real UI: the panic alarm
//! leaves the public screen as it was, pixel for pixel; a smoke alarm covers
//! it with the evacuation screen until a manager resets it.

use std::path::Path;

use crate::support::{Station, add_staff, instant_smoke, pad};

/// The screenshot's pixels.
fn pixels(path: &Path) -> Vec<u8> {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    buf
}

#[test]
fn a_panic_alarm_never_changes_the_public_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    assert_eq!(station.take_ticket('A'), "A001");
    let before = dir.path().join("before.png");
    let during = dir.path().join("during.png");
    station.ok(&format!("screenshot {}", before.display()));
    station.ok("panic press");
    station.ok(&format!("screenshot {}", during.display()));
    let state = station.state();
    assert!(
        state["station"]["zones"][0]["latched"].is_string(),
        "{state}"
    );
    assert_eq!(state["outputs"]["alarm_relay"], true);
    assert_eq!(state["screen"]["screen"], "home");
    assert!(
        pixels(&before) == pixels(&during),
        "the public screen changed during a panic alarm"
    );
    assert!(station.quit().success());
}

#[test]
fn smoke_covers_the_lobby_with_the_evacuation_screen_until_a_manager_resets_it() {
    let dir = tempfile::tempdir().unwrap();
    // Confirmation 0 s, so that the test does not wait five.
    let config = instant_smoke(
        dir.path(),
        "[ui]\nexits = [\"正门 Main entrance\", \"东侧门 East door\"]\n",
    );
    add_staff(dir.path(), "0001", "李站长", "manager", "13579");

    let mut station = Station::start(dir.path(), &["--config", config.to_str().unwrap()]);
    station.ok("smoke on");
    let state = station.state();
    assert_eq!(state["screen"]["screen"], "evacuate", "{}", state["screen"]);
    assert_eq!(state["outputs"]["siren_relay"], true);
    // The evacuation screen takes every touch: no ticket.
    station.send("tap category-A");
    assert!(station.state()["tickets"].as_array().unwrap().is_empty());
    let shot = dir.path().join("evacuate.png");
    station.ok(&format!("screenshot {}", shot.display()));
    // Mostly the exit-sign green (#00592b).
    let px = pixels(&shot);
    let green = px
        .chunks(4)
        .filter(|p| p[0] < 0x10 && p[1] > 0x50 && p[1] < 0x60 && p[2] > 0x24 && p[2] < 0x34)
        .count();
    assert!(green * 2 > px.len() / 4, "{green} of {}", px.len() / 4);
    // Still smoke: refused. Clear: the manager resets it in staff mode,
    // reached through five taps on the evacuation screen's band.
    let refused = station.send("alarm reset smoke 0001 13579");
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("still reports the alarm"),
        "{refused}"
    );
    station.ok("smoke off");
    for _ in 0..5 {
        station.ok("tap staff-entry-evacuate");
    }
    assert_eq!(station.screen()["screen"], "staff_login");
    pad(&mut station, "0001");
    pad(&mut station, "13579");
    assert_eq!(station.screen()["screen"], "staff");
    station.ok("tap staff-reset-smoke");
    station.ok("tap staff-exit");
    let state = station.state();
    assert_eq!(state["screen"]["screen"], "home");
    assert_eq!(state["outputs"]["siren_relay"], false);
    assert_eq!(station.take_ticket('A'), "A001");
    assert!(station.quit().success());
}

#[test]
fn staff_mode_on_the_touchscreen_shows_the_alarm_and_resets_it_with_a_pin() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path()).unwrap();
    add_staff(dir.path(), "0101", "王芳", "staff", "2468");
    let mut station = Station::start(dir.path(), &[]);
    station.ok("panic press");
    assert_eq!(station.screen()["screen"], "home", "silent");
    // Five quick taps on the station's name open the PIN pad.
    for _ in 0..5 {
        station.ok("tap staff-entry");
    }
    assert_eq!(station.screen()["screen"], "staff_login");
    pad(&mut station, "0101");
    pad(&mut station, "1111");
    assert_eq!(station.screen()["screen"], "staff_login", "a wrong PIN");
    pad(&mut station, "2468");
    assert_eq!(station.screen()["screen"], "staff");
    let shot = dir.path().join("staff.png");
    station.ok(&format!("screenshot {}", shot.display()));
    // Reset while the button is held: refused, the alarm stays.
    station.ok("tap staff-reset-panic");
    let state = station.state();
    assert!(state["station"]["zones"][0]["latched"].is_string());
    station.ok("panic release");
    station.ok("tap staff-reset-panic");
    let state = station.state();
    assert_eq!(
        state["station"]["zones"][0]["latched"],
        serde_json::Value::Null
    );
    assert_eq!(state["outputs"]["alarm_relay"], false);
    station.ok("tap staff-exit");
    assert_eq!(station.screen()["screen"], "home");
    assert!(station.quit().success());
    let resets = crate::support::journal(dir.path(), &["--kind", "alarm_reset"]);
    assert_eq!(resets.len(), 1);
    assert_eq!(
        resets[0]["actor"],
        serde_json::json!({"by": "staff", "id": "0101"})
    );
    // The wrong PIN was counted and then cleared by the right one; the PIN
    // itself is nowhere in the journal.
    let all = crate::support::journal(dir.path(), &[]);
    let typed = crate::support::typed_strings(&all);
    assert!(typed.iter().all(|s| !s.contains("2468")), "{typed:?}");
    assert!(typed.iter().any(|s| s == "0101"), "the walk reads values");
}
