//! The Pi's input path on simulated lines, end to end in the process: the
//! board's input thread and loop sampling, the key task's filters and the
//! zone task's machines, as they run on a Pi, up to the station loop's
//! events.

use std::time::Duration;

use board::pi::sim::SimGpio;
use board::profile::PI_2_WINDOWS;
use board::zones::ZoneSignal;
use board::{Input, StaffKey};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use super::*;
use crate::app::{DeviceEvent, Event};

/// The next board input the station loop is told of that `keep` keeps.
async fn next_input(events: &mut UnboundedReceiver<Event>, keep: impl Fn(&Input) -> bool) -> Input {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
            .await
            .expect("the board's input reaches the station loop")
            .expect("the tasks run");
        if let Some(input) = inputs(event).into_iter().find(&keep) {
            return input;
        }
    }
}

/// The board inputs an event to the station loop carries (what the zone
/// task decided at one moment comes as one event).
fn inputs(event: Event) -> Vec<Input> {
    match event {
        Event::Device(DeviceEvent::Input(input, _)) => vec![input],
        Event::Device(DeviceEvent::Zones(signals)) => signals
            .into_iter()
            .map(|(zone, signal)| Input::Zone { zone, signal })
            .collect(),
        _ => Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_keypads_and_loops_reach_the_station_as_on_a_pi() {
    let profile = board::profile::BoardProfile::parse("pi-2-windows.toml", PI_2_WINDOWS).unwrap();
    let (sim, lines) = SimGpio::open(&profile);
    for zone in ["panic", "smoke"] {
        sim.loop_millivolts(zone, 1650.0);
    }
    let (events, mut station) = unbounded_channel();
    let (keys, key_requests) = unbounded_channel();
    let (zones, zone_requests) = unbounded_channel();
    tokio::spawn(crate::app::keys::run(
        profile.clone(),
        key_requests,
        events.clone(),
    ));
    tokio::spawn(crate::app::zones::run(
        profile.clone(),
        Vec::new(),
        zone_requests,
        events,
    ));
    let parts = pi::Parts {
        lines: Ok(lines),
        adc: sim.adc(),
    };
    let hw = start_with(&profile, parts, keys, zones);
    assert!(hw.problems.now().is_empty(), "{:?}", hw.problems.now());

    // A bouncing press of window 1's best key settles into one rating.
    sim.key_edges(1, 5, &[true, false, true, false, true]);
    let rating = next_input(&mut station, |i| matches!(i, Input::EvaluatorKey { .. })).await;
    assert_eq!(
        rating,
        Input::EvaluatorKey {
            window: 1,
            level: 5
        }
    );
    sim.key_edges(1, 5, &[false]);

    // Window 2's staff keypad calls the next ticket.
    sim.keypad(2, StaffKey::CallNext, true);
    let call = next_input(&mut station, |i| matches!(i, Input::StaffKey { .. })).await;
    assert_eq!(
        call,
        Input::StaffKey {
            window: 2,
            key: StaffKey::CallNext
        }
    );
    sim.keypad(2, StaffKey::CallNext, false);

    // The panic loop's resistance drops into its active band: the sampling
    // thread reads it and the zone's machine raises the alarm.
    sim.loop_millivolts("panic", 900.0);
    let panic = next_input(&mut station, |i| matches!(i, Input::Zone { zone: 0, .. })).await;
    assert_eq!(
        panic,
        Input::Zone {
            zone: 0,
            signal: ZoneSignal::Active { active: true }
        }
    );
    // Nothing was rated twice, and the smoke zone stayed quiet.
    while let Ok(event) = station.try_recv() {
        for input in inputs(event) {
            assert!(
                !matches!(
                    input,
                    Input::EvaluatorKey { .. } | Input::Zone { zone: 1, .. }
                ),
                "{input:?}"
            );
        }
    }
}
