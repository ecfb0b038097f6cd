//! A Pi's board profile on a machine without the Pi's hardware: the kiosk
//! starts degraded and says so — the GPIO chip, the ADC and the card
//! displays missing, the printer unplugged — instead of dying; the zones it
//! cannot read report the `unreadable` fault; tickets are still issued.

use std::time::{Duration, Instant};

use crate::support::{Station, TEST_CONFIG};

#[test]
fn a_pi_profile_without_its_hardware_starts_degraded_and_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let board =
        board::profile::PI_2_WINDOWS.replace("chip = \"auto\"", "chip = \"/dev/gpiochip99\"");
    std::fs::write(dir.path().join("board.toml"), board).unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(
        &config,
        format!("{TEST_CONFIG}[board]\nprofile = \"board.toml\"\n"),
    )
    .unwrap();
    crate::support::add_staff(&data, "0001", "李站长", "manager", "13579");
    let mut station = Station::start(&data, &["--config", config.to_str().unwrap()]);

    let said = station.degraded.join("\n");
    assert!(
        said.contains("GPIO (gpiocdev backend): /dev/gpiochip99 does not exist — ")
            && said.contains("set board.chip to one that exists"),
        "{said}"
    );
    assert!(
        said.contains("zone panic: cannot open /dev/i2c-1"),
        "{said}"
    );
    assert!(
        said.contains("add the kiosk user to the i2c group"),
        "{said}"
    );
    assert!(
        said.contains("window 1's card: cannot open /dev/i2c-1"),
        "{said}"
    );
    assert!(
        said.contains("printer: /dev/kiosk-printer does not exist — check the printer's power"),
        "{said}"
    );
    let state = station.state();
    // The board's problems stay in the state; the printer's is its health.
    assert_eq!(
        state["board_problems"].as_array().map(Vec::len),
        Some(station.degraded.len() - 1),
        "{state}"
    );

    // The queue works without the printer, which the profile names.
    assert_eq!(station.take_ticket('A'), "A001");
    assert_eq!(state["printer"]["port"], "/dev/kiosk-printer");

    // Both loops go to the `unreadable` fault once it has lasted (2 s).
    let deadline = Instant::now() + Duration::from_secs(20);
    let zones = loop {
        let state = station.state();
        let zones = state["station"]["zones"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if zones.len() == 2 && zones.iter().all(|z| z["fault"] == "unreadable") {
            break zones;
        }
        assert!(
            Instant::now() < deadline,
            "zones never reported unreadable: {state}"
        );
        station.ok("wait 200ms");
    };
    assert!(
        zones.iter().all(|z| z["latched"].is_null()),
        "a fault is not an alarm"
    );
    // The staff console's today page says what the board started without.
    let mut console = crate::console::Client::new(station.console.as_deref().unwrap());
    console.login("0001", "13579");
    let today = console.get("/");
    assert_eq!(today.status, 200);
    assert!(
        today.body.contains("设备未就绪 Board degraded")
            && today.body.contains("/dev/gpiochip99 does not exist"),
        "{}",
        today.body
    );
    assert!(station.quit().success());
    let kinds = crate::support::kinds(&crate::support::journal(&data, &[]));
    assert!(kinds.iter().any(|k| k == "zone_fault"), "{kinds:?}");
}

/// `kiosk doctor`'s lines as (verdict, check, detail) and its exit code.
fn doctor(args: &[&str]) -> (Vec<String>, Option<i32>) {
    let out = crate::support::kiosk()
        .arg("doctor")
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    (
        text.lines().map(str::to_string).collect(),
        out.status.code(),
    )
}

fn line<'a>(lines: &'a [String], start: &str) -> &'a str {
    lines
        .iter()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starting {start:?} in\n{}", lines.join("\n")))
}

#[test]
fn the_doctor_checks_a_stopped_pi_station_and_names_each_fix() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // A station that has run: its database exists.
    let station = Station::start(&data, &[]);
    assert!(station.quit().success());
    let board = board::profile::PI_2_WINDOWS
        .replace("chip = \"auto\"", "chip = \"/dev/gpiochip99\"")
        .replace(
            "output = \"DSI-1\"",
            "output = \"DSI-1\"\ntouch_calibration = [-1, 0, 1, 0, -1, 1]",
        );
    std::fs::write(dir.path().join("board.toml"), board).unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, "[board]\nprofile = \"board.toml\"\n").unwrap();
    // The printer answers on a pseudo-terminal, as on a USB-serial adapter.
    let printer = board::sim::printer::VirtualPrinter::start(
        &dir.path().join("ttyPRINTER"),
        &dir.path().join("jobs"),
        board::sim::printer::Model::instant_58mm(),
    )
    .unwrap();
    let port = printer.path().to_str().unwrap().to_string();
    let (lines, code) = doctor(&[
        "--config",
        config.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--printer",
        &port,
    ]);
    let all = lines.join("\n");
    assert_eq!(code, Some(1), "{all}");
    assert!(
        line(&lines, "ok    settings").ends_with("kiosk.toml"),
        "{all}"
    );
    assert!(
        line(&lines, "ok    board").contains("pi-2-windows"),
        "{all}"
    );
    assert!(
        line(&lines, "ok    database")
            .contains(&format!("whole, schema {}", kiosk::store::SCHEMA_VERSION))
            && all.contains("chain unbroken"),
        "{all}"
    );
    assert!(
        line(&lines, "skip  station").contains("not running"),
        "{all}"
    );
    assert!(
        line(&lines, "FAIL  gpio").contains("/dev/gpiochip99 does not exist — "),
        "{all}"
    );
    assert!(
        line(&lines, "FAIL  zone").contains("panic: cannot open /dev/i2c-1"),
        "{all}"
    );
    assert!(line(&lines, "ok    printer").contains(&port), "{all}");
    assert!(
        line(&lines, "FAIL  touch").contains("98-kiosk-touch.rules"),
        "{all}"
    );
    assert!(
        all.contains("ENV{LIBINPUT_CALIBRATION_MATRIX}=\"-1 0 1 0 -1 1\""),
        "the fix gives the rule's line: {all}"
    );
    assert!(lines.last().unwrap().contains("failed"), "{all}");

    // The printer unplugged: its failure says what to check.
    drop(printer);
    let (lines, _) = doctor(&[
        "--config",
        config.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--printer",
        &port,
    ]);
    let at = lines
        .iter()
        .position(|l| l.starts_with("FAIL  printer"))
        .unwrap();
    assert!(
        lines[at + 1].contains("check its power and cable"),
        "{}",
        lines.join("\n")
    );
}

#[test]
fn the_doctor_reads_a_running_station_through_its_control_socket() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    station.ok("printer paper-out");
    // The station notices at its next status check.
    let deadline = Instant::now() + Duration::from_secs(20);
    while station.state()["printer"]["health"]["state"] != "fault" {
        assert!(Instant::now() < deadline, "the paper-out was never noticed");
        station.ok("wait 100ms");
    }
    let data = dir.path().to_str().unwrap();
    let (lines, code) = doctor(&["--data", data]);
    let all = lines.join("\n");
    assert!(line(&lines, "ok    station").contains("running"), "{all}");
    assert!(
        line(&lines, "ok    hardware").contains("all of its board"),
        "{all}"
    );
    assert!(line(&lines, "FAIL  printer").contains("paper"), "{all}");
    assert!(all.contains("ok    zone       panic: normal"), "{all}");
    assert!(line(&lines, "WARN  matters").contains("sample"), "{all}");
    assert!(
        line(&lines, "skip  clock").contains("simulated clock"),
        "{all}"
    );
    assert_eq!(code, Some(1), "{all}");
    assert!(station.quit().success());
}

#[test]
fn a_wired_staff_keypad_calls_and_completes_through_the_key_filter() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    assert_eq!(station.take_ticket('A'), "A001");
    // Window 1's keypad on the simulated board: call on pin 30, complete on
    // 33 (the filter's bounce handling is timed in board::keys' tests).
    station.ok("edge 30 down");
    station.ok("edge 30 up");
    station.ok("settle");
    let window = station.state()["station"]["windows"][0].clone();
    assert_eq!(window["ticket"], "A001", "called: {window}");
    assert!(station.waiting().is_empty());
    station.ok("edge 33 down");
    station.ok("edge 33 up");
    station.ok("settle");
    let window = station.state()["station"]["windows"][0].clone();
    assert!(window["ticket"].is_null(), "completed: {window}");
    assert!(
        !window["armed"].is_null(),
        "the evaluator asks for a rating: {window}"
    );
    assert!(station.quit().success());
}
