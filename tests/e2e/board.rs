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
    let state = station.state();
    assert_eq!(
        state["board_problems"].as_array().map(Vec::len),
        Some(station.degraded.len()),
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
    assert!(station.quit().success());
    let kinds = crate::support::kinds(&crate::support::journal(&data, &[]));
    assert!(kinds.iter().any(|k| k == "zone_fault"), "{kinds:?}");
}
