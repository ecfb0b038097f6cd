//! The evaluator end to end in one process, under tokio's paused clock: raw
//! key edges from scenario files (`tests/scenarios/`) go through the board
//! profile's filters, the station loop, the rating rule and a real SQLite
//! file, and the simulated board draws each window's card as a PNG.
//!
//! Paused time makes the edge trains exact: `+1ms` is one millisecond of the
//! filters' time, however long the machine takes. The writer waits on tokio's
//! blocking pool, which holds the paused clock while a commit is on its way to
//! disk.

mod support;

use std::path::Path;
use std::time::Duration;

use board::card::{Card, Frame, draw};
use embedded_graphics::pixelcolor::BinaryColor;
use serde_json::Value;
use support::{Rig, bodies, journal};

/// The journal kinds about ratings, keys and cases.
fn rating_kinds(dir: &Path) -> Vec<String> {
    journal(dir)
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| k.contains("rat") || k.starts_with("case") || k.starts_with("evaluator"))
        .collect()
}

fn card_of(state: &Value, window: u8) -> Value {
    state["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["window"] == window)
        .unwrap()["card"]
        .clone()
}

/// The simulated card's PNG, as on/off dots (it is written three times
/// enlarged).
fn card_png(dir: &Path, window: u8) -> Vec<bool> {
    let file = std::fs::File::open(dir.join(format!("cards/window-{window}.png"))).unwrap();
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (384, 192));
    (0..64)
        .flat_map(|y| (0..128).map(move |x| (x, y)))
        .map(|(x, y)| buf[((y * 3 * 384 + x * 3) * 3) as usize] > 128)
        .collect()
}

/// What `card` looks like on a 128×64 display.
fn reference(card: &Card) -> Vec<bool> {
    let mut frame: Frame<BinaryColor> = Frame::new(128, 64);
    let Ok(()) = draw(card, &mut frame);
    (0..64)
        .flat_map(|y| (0..128).map(move |x| (x, y)))
        .map(|(x, y)| frame.pixel(x, y).is_some_and(|c| c == BinaryColor::On))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_press_that_bounces_for_5_ms_is_one_rating_and_the_card_thanks() {
    let dir = tempfile::tempdir().unwrap();
    let rig = Rig::start(dir.path()).await;
    rig.take_ticket('A').await;
    let states = rig.scenario("bouncy-press.txt").await;
    assert_eq!(
        rating_kinds(dir.path()),
        ["rating_armed", "ticket_rated", "case_opened"]
    );
    let rated = bodies(dir.path(), &["ticket_rated"])[0].clone();
    assert_eq!(rated["level"], 2, "the fourth key of window 1 gives 不满意");
    // The card thanks the citizen and says the manager is coming; the PNG the
    // simulated board wrote is that card, dot for dot.
    let thanks = Card::Thanks {
        window: 1,
        level: 2,
    };
    assert_eq!(card_of(&states[0], 1)["screen"], "thanks");
    assert!(card_png(dir.path(), 1) == reference(&thanks));
    // The case is open for the manager.
    assert_eq!(states[0]["station"]["cases"][0]["stage"], "accepted");
    // Some five seconds later (the next tick after five) the card is back to
    // the window's idle screen.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let state = rig.control.line("state").await["state"].clone();
    assert_eq!(card_of(&state, 1)["screen"], "idle");
    assert!(
        card_png(dir.path(), 1)
            == reference(&Card::Idle {
                window: 1,
                staff: None,
                post: None,
            })
    );
    rig.stop().await;
}

#[tokio::test(start_paused = true)]
async fn two_citizens_pressing_200_ms_apart_give_one_rating() {
    let dir = tempfile::tempdir().unwrap();
    let rig = Rig::start(dir.path()).await;
    rig.take_ticket('B').await;
    let states = rig.scenario("two-citizens.txt").await;
    let kinds = rating_kinds(dir.path());
    assert_eq!(kinds, ["rating_armed", "ticket_rated", "rating_ignored"]);
    let presses = bodies(dir.path(), &["ticket_rated", "rating_ignored"]);
    assert_eq!(
        (presses[0]["level"].clone(), presses[1]["level"].clone()),
        (5.into(), 1.into())
    );
    let window = &states[0]["station"]["windows"][1];
    assert_eq!(window["ratings"], serde_json::json!([0, 0, 0, 0, 1]));
    assert!(states[0]["station"]["cases"].as_array().unwrap().is_empty());
    rig.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_stuck_key_is_a_fault_until_released_and_the_other_keys_still_rate() {
    let dir = tempfile::tempdir().unwrap();
    let rig = Rig::start(dir.path()).await;
    rig.take_ticket('C').await;
    let states = rig.scenario("stuck-key.txt").await;
    let window3 = |s: &Value| s["station"]["windows"][2].clone();
    assert_eq!(window3(&states[0])["stuck_keys"], serde_json::json!([1]));
    assert_eq!(window3(&states[1])["stuck_keys"], serde_json::json!([]));
    assert_eq!(
        window3(&states[1])["ratings"],
        serde_json::json!([0, 0, 0, 0, 1])
    );
    assert_eq!(
        rating_kinds(dir.path()),
        [
            // The jammed key's first moment looked like a press: logged only.
            "rating_ignored",
            "evaluator_fault",
            "rating_armed",
            "ticket_rated",
            "evaluator_fault"
        ]
    );
    let faults: Vec<Value> = bodies(dir.path(), &["evaluator_fault"])
        .iter()
        .map(|b| b["stuck"].clone())
        .collect();
    assert_eq!(faults, [true, false]);
    rig.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_press_after_the_rating_time_is_logged_and_not_counted() {
    let dir = tempfile::tempdir().unwrap();
    let rig = Rig::start(dir.path()).await;
    rig.take_ticket('A').await;
    let states = rig.scenario("too-late.txt").await;
    assert_eq!(
        rating_kinds(dir.path()),
        ["rating_armed", "ticket_unrated", "rating_ignored"]
    );
    let unrated = bodies(dir.path(), &["ticket_unrated"])[0].clone();
    assert_eq!(unrated["reason"], "timeout");
    assert_eq!(states[0]["station"]["windows"][0]["unrated"], 1);
    assert_eq!(card_of(&states[0], 1)["screen"], "idle");
    rig.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_restart_while_armed_ends_the_rating_time_and_never_rearms() {
    let dir = tempfile::tempdir().unwrap();
    let rig = Rig::start(dir.path()).await;
    rig.take_ticket('A').await;
    for line in ["key 1 call", "key 1 complete"] {
        assert_eq!(rig.control.line(line).await["ok"], true);
    }
    let state = rig.control.line("state").await["state"].clone();
    assert_eq!(card_of(&state, 1)["screen"], "armed");
    assert!(
        card_png(dir.path(), 1)
            == reference(&Card::Armed {
                window: 1,
                ticket: "A001".into(),
                keys: vec![5, 4, 3, 2, 1]
            })
    );
    rig.stop().await;

    let rig = Rig::start(dir.path()).await;
    let state = rig.control.line("state").await["state"].clone();
    assert_eq!(state["station"]["windows"][0]["armed"], Value::Null);
    assert_eq!(card_of(&state, 1)["screen"], "idle");
    assert_eq!(rig.control.line("edge 5 down").await["ok"], true);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(rig.control.line("edge 5 up").await["ok"], true);
    rig.stop().await;
    assert_eq!(
        rating_kinds(dir.path()),
        ["rating_armed", "ticket_unrated", "rating_ignored"]
    );
    let unrated = bodies(dir.path(), &["ticket_unrated"])[0].clone();
    assert_eq!(unrated["reason"], "restart");
}

#[tokio::test(start_paused = true)]
async fn an_unwired_pin_and_a_missing_level_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let rig = Rig::start(dir.path()).await;
    let answer = rig.control.line("edge 4 down").await;
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .starts_with("pin 4 is not wired to a key"),
        "{answer}"
    );
    let answer = rig.control.line("rate 3 2").await;
    assert_eq!(
        answer["error"],
        "window 3's evaluator has no key for level 2; its keys give 5, 3, 1"
    );
    rig.stop().await;
    assert!(rating_kinds(dir.path()).is_empty());
}

/// Regression (hardening issue, time): while the clock is held behind the
/// journal, wall time stands still — the rating time must still run out, on
/// the monotonic clock.
#[tokio::test(start_paused = true)]
async fn a_rating_time_runs_out_while_the_clock_is_held_behind_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    // 10:00 in Shanghai: a ticket is taken.
    let rig = Rig::start_at(dir.path(), "2026-11-30T02:00:00Z").await;
    rig.take_ticket('A').await;
    rig.stop().await;
    // Back at 09:00: the clock is an hour behind the journal and held there.
    let rig = Rig::start_at(dir.path(), "2026-11-30T01:00:00Z").await;
    let state = rig.control.line("state").await["state"].clone();
    assert_eq!(state["station"]["clock_behind"], true, "{state}");
    for line in ["key 1 call", "key 1 complete"] {
        assert_eq!(rig.control.line(line).await["ok"], true, "{line}");
    }
    // 45 s later a citizen presses 1 (非常不满意): too late to count.
    tokio::time::sleep(Duration::from_secs(45)).await;
    assert_eq!(rig.control.line("rate 1 1").await["ok"], true);
    rig.stop().await;
    assert_eq!(
        rating_kinds(dir.path()),
        ["rating_armed", "ticket_unrated", "rating_ignored"]
    );
    assert_eq!(
        bodies(dir.path(), &["ticket_unrated"])[0]["reason"],
        "timeout"
    );
    assert!(
        bodies(dir.path(), &["case_opened"]).is_empty(),
        "a late press opened a bad-rating case"
    );
}
