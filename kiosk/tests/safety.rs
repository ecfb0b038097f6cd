//! The safety zones end to end in one process, under tokio's paused clock:
//! zone readings from scenario files (`tests/scenarios/`) go through the
//! board's supervised-zone state machines, the station's alarm rules and a
//! real SQLite file; resets are checked against staff PINs in that file.

mod support;

use kiosk::app::StaffEvent;
use std::path::Path;
use std::time::Duration;

use kiosk::app::{Event, StaffOutcome};
use serde_json::Value;
use support::{Rig, bodies, journal, staff};

fn zone<'a>(state: &'a Value, name: &str) -> &'a Value {
    state["station"]["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["name"] == name)
        .unwrap()
}

/// The journal's safety entries, kind and zone.
fn safety_log(dir: &Path) -> Vec<String> {
    journal(dir)
        .into_iter()
        .filter(|(k, _)| k.starts_with("alarm") || k.starts_with("zone"))
        .map(|(k, b)| format!("{k} {}", b["zone"].as_str().unwrap_or("")))
        .collect()
}

/// A pressed panic button is its input and its alarm at once: both are
/// journaled in one commit, so the latch waits for one `fsync` of the card,
/// not two.
#[tokio::test(start_paused = true)]
async fn a_panic_press_is_journaled_in_one_commit() {
    let dir = tempfile::tempdir().unwrap();
    let rig = Rig::start(dir.path()).await;
    rig.take_ticket('A').await;
    let before = rig.commits.borrow().all;
    let answer = rig.command("panic press").await;
    assert_eq!(answer["ok"], true, "{answer}");
    rig.settled().await;
    assert_eq!(rig.commits.borrow().all - before, 1);
    assert_eq!(
        safety_log(dir.path()),
        ["zone_input panic", "alarm_raised panic"]
    );
    rig.stop().await;
}

/// Signals refused together (a zone the station does not know beside one it
/// does) are tried one by one: the known zone's input is not lost.
#[tokio::test(start_paused = true)]
async fn a_bad_zone_beside_a_good_one_loses_nothing() {
    use board::zones::ZoneSignal;
    let dir = tempfile::tempdir().unwrap();
    let rig = Rig::start(dir.path()).await;
    rig.take_ticket('A').await;
    let signals = vec![
        (9, ZoneSignal::Alarm),
        (0, ZoneSignal::Active { active: true }),
    ];
    rig.send(Event::Device(kiosk::app::DeviceEvent::Zones(signals)))
        .await;
    assert_eq!(safety_log(dir.path()), ["zone_input panic"]);
    rig.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_panic_alarm_is_silent_latched_and_reset_only_with_the_button_released_and_a_right_pin() {
    let dir = tempfile::tempdir().unwrap();
    staff(dir.path());
    let rig = Rig::start(dir.path()).await;
    rig.take_ticket('A').await;
    let before = rig.screen.last().unwrap();
    let answers = rig.answers("panic.txt").await;
    let state = &answers[1].1["state"];
    assert!(zone(state, "panic")["latched"].is_string(), "{state}");
    assert_eq!(state["outputs"]["alarm_relay"], true);
    assert_eq!(state["outputs"]["siren_relay"], false);
    assert_eq!(state["outputs"]["buzzer"], "alarm");
    assert_eq!(state["station"]["evacuate"], false);
    // The public screen never showed anything but what it showed before: the
    // panic alarm is silent.
    for shown in rig
        .screen
        .shown
        .lock()
        .unwrap()
        .iter()
        .skip_while(|v| **v != before)
    {
        assert_eq!(shown.evacuate, before.evacuate);
        assert_eq!(shown.notice, before.notice);
        assert_eq!(shown.categories, before.categories);
    }
    // Reset while held: refused; a wrong PIN: refused; then reset.
    assert_eq!(
        answers[2].1["error"],
        "zone `panic` still reports the alarm (button held, smoke present); reset it once the input is normal"
    );
    assert_eq!(answers[4].1["error"], "unknown staff number or wrong PIN");
    assert_eq!(answers[5].1["ok"], true, "{}", answers[5].1);
    let state = &answers[6].1["state"];
    assert_eq!(zone(state, "panic")["latched"], Value::Null);
    assert_eq!(state["outputs"]["alarm_relay"], false);
    rig.stop().await;
    assert_eq!(
        safety_log(dir.path()),
        [
            "zone_input panic",
            "alarm_raised panic",
            "zone_input panic",
            "alarm_reset panic"
        ]
    );
    // Who reset it, in the journal.
    let reset = journal(dir.path())
        .into_iter()
        .find(|(k, _)| k == "alarm_reset")
        .unwrap();
    assert_eq!(reset.1["zone"], "panic");
    let conn = rusqlite::Connection::open(dir.path().join("kiosk.db")).unwrap();
    let actor: String = conn
        .query_row(
            "SELECT actor FROM journal WHERE kind = 'alarm_reset'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(actor, r#"{"by":"staff","id":"0101"}"#);
    // The wrong PIN was counted, then cleared by the right one.
    let failures: i64 = conn
        .query_row("SELECT failures FROM staff WHERE id = '0101'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(failures, 0);
}

#[tokio::test(start_paused = true)]
async fn smoke_is_confirmed_evacuates_and_only_a_manager_resets_it_once_clear() {
    let dir = tempfile::tempdir().unwrap();
    staff(dir.path());
    let rig = Rig::start(dir.path()).await;
    rig.take_ticket('A').await;
    let answers = rig.answers("smoke.txt").await;
    let state = &answers[3].1["state"];
    assert_eq!(state["station"]["evacuate"], true);
    assert_eq!(state["outputs"]["siren_relay"], true);
    assert!(
        rig.screen
            .shown
            .lock()
            .unwrap()
            .iter()
            .any(|v| v.evacuate && !v.issuing),
        "the lobby was told to evacuate"
    );
    assert_eq!(
        answers[4].1["error"],
        "resetting zone `smoke` needs the manager role"
    );
    assert!(
        answers[5].1["error"]
            .as_str()
            .unwrap()
            .starts_with("zone `smoke` still reports the alarm"),
        "{}",
        answers[5].1
    );
    assert_eq!(answers[7].1["ok"], true, "{}", answers[7].1);
    let state = &answers[8].1["state"];
    assert_eq!(state["station"]["evacuate"], false);
    assert_eq!(
        state["station"]["waiting"],
        serde_json::json!(["A001"]),
        "the queue waits on"
    );
    assert!(!rig.screen.last().unwrap().evacuate);
    rig.stop().await;
    // The 3-second smoke was never an alarm.
    assert_eq!(
        bodies(dir.path(), &["alarm_raised"]).len(),
        1,
        "{:?}",
        safety_log(dir.path())
    );
}

#[tokio::test(start_paused = true)]
async fn a_cut_loop_is_a_fault_within_10_s_and_never_masks_the_panic_button() {
    let dir = tempfile::tempdir().unwrap();
    let rig = Rig::start(dir.path()).await;
    let before = rig.screen.last().unwrap();
    let states = rig.scenario("fault-elsewhere.txt").await;
    assert_eq!(zone(&states[0], "smoke")["fault"], "open");
    assert_eq!(states[0]["outputs"]["buzzer"], "fault");
    let after = rig.screen.last().unwrap();
    assert_eq!(after.evacuate, before.evacuate);
    assert_eq!(after.issuing, before.issuing);
    // The panic alarm while the smoke loop is cut.
    assert!(zone(&states[1], "panic")["latched"].is_string());
    assert_eq!(states[1]["outputs"]["buzzer"], "alarm");
    // Repaired; then noise is a fault, not an alarm and not silence.
    assert_eq!(zone(&states[2], "smoke")["fault"], Value::Null);
    assert_eq!(zone(&states[3], "smoke")["fault"], "noise");
    assert_eq!(zone(&states[3], "smoke")["latched"], Value::Null);
    rig.stop().await;
    let faults: Vec<Value> = bodies(dir.path(), &["zone_fault"])
        .iter()
        .map(|b| b["fault"].clone())
        .collect();
    assert_eq!(faults, ["open".into(), Value::Null, "noise".into()]);
}

#[tokio::test(start_paused = true)]
async fn a_latched_alarm_survives_a_restart_with_its_relay_on() {
    let dir = tempfile::tempdir().unwrap();
    staff(dir.path());
    let rig = Rig::start(dir.path()).await;
    assert_eq!(rig.control.line("panic press").await["ok"], true);
    rig.stop().await;

    let rig = Rig::start(dir.path()).await;
    let state = rig.control.line("state").await["state"].clone();
    assert!(zone(&state, "panic")["latched"].is_string());
    assert_eq!(state["outputs"]["alarm_relay"], true);
    // The board's zone is latched too: a press now raises nothing new.
    assert_eq!(rig.control.line("panic press").await["ok"], true);
    assert_eq!(rig.control.line("panic release").await["ok"], true);
    let reset = rig.control.line("alarm reset panic 0101 2468").await;
    assert_eq!(reset["ok"], true, "{reset}");
    tokio::time::sleep(Duration::from_millis(10)).await;
    let state = rig.control.line("state").await["state"].clone();
    assert_eq!(state["outputs"]["alarm_relay"], false);
    // Pressed again after the reset: a new alarm.
    assert_eq!(rig.control.line("panic press").await["ok"], true);
    let state = rig.control.line("state").await["state"].clone();
    assert!(zone(&state, "panic")["latched"].is_string());
    rig.stop().await;
    assert_eq!(bodies(dir.path(), &["alarm_raised"]).len(), 2);
}

#[tokio::test(start_paused = true)]
async fn ten_wrong_pins_lock_a_member_out_and_the_manager_still_resets() {
    let dir = tempfile::tempdir().unwrap();
    staff(dir.path());
    let rig = Rig::start(dir.path()).await;
    for line in ["panic press", "panic release"] {
        assert_eq!(rig.control.line(line).await["ok"], true);
    }
    let mut errors = Vec::new();
    let mut kinds = Vec::new();
    for _ in 0..5 {
        let answer = rig.control.line("alarm reset panic 0101 1111").await;
        errors.push(answer["error"].clone());
        kinds.push(answer["kind"].as_str().unwrap_or_default().to_string());
    }
    // The answer says which it is: a wrong PIN, then the lockout.
    assert_eq!(kinds, ["pin", "pin", "pin", "pin", "locked_out"]);
    assert!(
        errors[4]
            .as_str()
            .unwrap()
            .starts_with("locked out after repeated wrong PINs until"),
        "{errors:?}"
    );
    // Locked: even the right PIN is refused for five minutes.
    let locked = rig.control.line("alarm reset panic 0101 2468").await;
    assert!(
        locked["error"].as_str().unwrap().starts_with("locked out"),
        "{locked}"
    );
    assert_eq!(locked["kind"], "locked_out");
    // The manager resets it.
    let reset = rig.control.line("alarm reset panic 0001 13579").await;
    assert_eq!(reset["ok"], true, "{reset}");
    rig.stop().await;
}

#[tokio::test(start_paused = true)]
async fn after_hours_the_backlight_is_off_and_a_smoke_alarm_lights_it() {
    let dir = tempfile::tempdir().unwrap();
    let sys = tempfile::tempdir().unwrap();
    let device = sys.path().join("10-0045");
    std::fs::create_dir_all(&device).unwrap();
    std::fs::write(device.join("bl_power"), "0\n").unwrap();
    let power = || std::fs::read_to_string(device.join("bl_power")).unwrap();
    // Monday 22:00 in Shanghai.
    let rig = Rig::start_lit(dir.path(), "2026-11-30T14:00:00Z", sys.path()).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    rig.command("state").await;
    assert_eq!(power(), "4\n", "dark after hours");
    rig.command("smoke on").await;
    tokio::time::sleep(Duration::from_secs(6)).await;
    let state = rig.command("state").await;
    assert_eq!(state["state"]["station"]["evacuate"], true);
    assert_eq!(power(), "0\n", "lit for the evacuation");
    rig.stop().await;
}

/// Regression (hardening issue, safety): a fault repaired while the kiosk
/// was down clears on the first normal reading after the restart, and a
/// button released while it was down reads released; the alarm stays
/// latched until reset.
#[tokio::test(start_paused = true)]
async fn what_the_journal_left_is_reconciled_with_the_first_live_readings() {
    let dir = tempfile::tempdir().unwrap();
    staff(dir.path());
    let rig = Rig::start(dir.path()).await;
    assert_eq!(rig.control.line("zone smoke open").await["ok"], true);
    assert_eq!(rig.control.line("panic press").await["ok"], true);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let state = rig.control.line("state").await["state"].clone();
    assert_eq!(zone(&state, "smoke")["fault"], "open");
    assert_eq!(zone(&state, "panic")["active"], true);
    rig.stop().await;

    // Repaired and released while the kiosk was down.
    let rig = Rig::start(dir.path()).await;
    let state = rig.control.line("state").await["state"].clone();
    assert_eq!(
        zone(&state, "smoke")["fault"],
        "open",
        "as the journal left it"
    );
    assert_eq!(rig.control.line("zone smoke normal").await["ok"], true);
    assert_eq!(rig.control.line("panic release").await["ok"], true);
    tokio::time::sleep(Duration::from_secs(5)).await;
    let state = rig.control.line("state").await["state"].clone();
    assert_eq!(zone(&state, "smoke")["fault"], Value::Null, "{state}");
    assert_eq!(
        state["outputs"]["buzzer"], "alarm",
        "the panic alarm is still latched"
    );
    assert_eq!(zone(&state, "panic")["active"], false);
    assert!(zone(&state, "panic")["latched"].is_string());
    // Released, it resets.
    let reset = rig.control.line("alarm reset panic 0101 2468").await;
    assert_eq!(reset["ok"], true, "{reset}");
    let state = rig.control.line("state").await["state"].clone();
    assert_eq!(state["outputs"]["buzzer"], "off");
    rig.stop().await;
}

/// Regression (hardening issue, safety): during an evacuation the state says
/// what the screen does — no category issues.
#[tokio::test(start_paused = true)]
async fn during_an_evacuation_the_state_says_no_tickets_are_issued() {
    let dir = tempfile::tempdir().unwrap();
    let rig = Rig::start(dir.path()).await;
    rig.command("smoke on").await;
    tokio::time::sleep(Duration::from_secs(6)).await;
    let state = rig.command("state").await["state"].clone();
    assert_eq!(state["station"]["evacuate"], true);
    assert_eq!(state["station"]["issuing"], false, "{state}");
    for c in state["station"]["categories"].as_array().unwrap() {
        assert_eq!(c["issuing"], false, "{c}");
    }
    rig.stop().await;
}

/// What staff mode says after a PIN typed on the touchscreen's pad, once the
/// station has the verdict.
async fn type_pin(rig: &Rig, staff: &str, pin: &str) -> StaffOutcome {
    let before = rig.screen.staff.lock().unwrap().len();
    rig.send(Event::Staff(StaffEvent::StaffLogin {
        staff: staff.into(),
        pin: pin.into(),
    }))
    .await;
    // The check runs off the loop; its verdict comes back as an event.
    loop {
        if let Some(outcome) = rig.screen.staff.lock().unwrap().get(before) {
            return outcome.clone();
        }
        rig.screen.staff_told.notified().await;
    }
}

/// Regression (hardening issue, safety): a stranger at the public PIN pad
/// cannot stop the manager with the right PIN from resetting a smoke alarm
/// within a minute — however long they keep typing.
#[tokio::test(start_paused = true)]
async fn a_stranger_at_the_pin_pad_never_keeps_the_manager_from_resetting_an_alarm() {
    let dir = tempfile::tempdir().unwrap();
    staff(dir.path());
    let rig = Rig::start(dir.path()).await;
    rig.command("smoke on").await;
    tokio::time::sleep(Duration::from_secs(6)).await;
    rig.command("smoke off").await;
    assert_eq!(
        rig.command("state").await["state"]["station"]["evacuate"],
        true
    );
    // Ten minutes of guessing at the manager's number, a PIN every two seconds.
    let mut attempts = 0;
    let mut waits = 0;
    for i in 0..300 {
        match type_pin(&rig, "0001", &format!("{:04}", 1000 + i)).await {
            StaffOutcome::Message(m) if m.contains("Wait") => waits += 1,
            StaffOutcome::Message(_) => attempts += 1,
            StaffOutcome::SignedIn { .. } => panic!("a guess was right"),
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    assert!(waits > 200, "the pad made the stranger wait: {waits}");
    assert!(attempts < 50, "few guesses were even checked: {attempts}");
    // The manager arrives while the pad still waits.
    let arrived = tokio::time::Instant::now();
    let signed_in = loop {
        assert!(
            arrived.elapsed() < Duration::from_secs(60),
            "the manager is still kept out after a minute: {:?}",
            rig.screen.staff.lock().unwrap().last()
        );
        match type_pin(&rig, "0001", "13579").await {
            StaffOutcome::SignedIn { name } => break name,
            StaffOutcome::Message(m) => {
                // The pad says how long; the manager waits that long.
                let seconds: u64 = m
                    .split_whitespace()
                    .find_map(|w| w.parse().ok())
                    .unwrap_or_else(|| panic!("{m}"));
                assert!(seconds <= 20, "{m}");
                tokio::time::sleep(Duration::from_secs(seconds)).await;
            }
        }
    };
    assert!(signed_in.contains("0001"), "{signed_in}");
    rig.send(Event::Staff(StaffEvent::StaffAlarm {
        zone: "smoke".into(),
        reset: true,
    }))
    .await;
    let state = rig.command("state").await["state"].clone();
    assert_eq!(state["station"]["evacuate"], false, "{state}");
    assert!(
        arrived.elapsed() < Duration::from_secs(60),
        "{:?}",
        arrived.elapsed()
    );
    rig.stop().await;
    // No member was locked out by the touchscreen; every refusal journaled
    // with where it was typed.
    let conn = rusqlite::Connection::open(dir.path().join("kiosk.db")).unwrap();
    let (failures, locked): (i64, Option<i64>) = conn
        .query_row(
            "SELECT failures, locked_until_ms FROM staff WHERE id = '0001'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((failures, locked), (0, None));
    let refused = bodies(dir.path(), &["pin_refused"]);
    assert!(refused.len() >= 300, "{}", refused.len());
    assert!(refused.iter().all(|b| b["place"] == "touchscreen"));
}
