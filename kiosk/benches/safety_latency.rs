//! Panic input → alarm latched, relay commanded and journaled; smoke
//! confirmed → evacuation screen handed to the UI.
//!
//! The real path: a reading of the panic loop goes to the zone task (the
//! board's supervised-zone state machine decides it is an alarm at once), the
//! station loop applies the alarm rule, the single writer commits
//! `zone_input` and `alarm_raised` to a SQLite file with `synchronous=FULL`,
//! and the outputs are set (the alarm relay on). The clock stops when the
//! station loop answers a barrier sent right after the reading — it handles
//! events in order, so by then all of that is done. For smoke, the clock
//! starts when the zone's confirmation fires (the `Alarm` signal into the
//! station loop) and stops when the screen is handed a view that evacuates.
//! Each round then releases the input and resets the alarm (as the manager).
//! Then the time a staff PIN check takes on the writer thread (Argon2id with
//! the crate's default parameters), which a commit may wait behind. Last,
//! the panic again while PINs are checked without pause in both lanes and a
//! month's report is read from the same database without pause (as the
//! console reads it: a connection of its own on a background thread), on a
//! year of journal (about 200,000 entries). Under the slow card
//! (`KIOSK_SLOW_CARD`), each panic figure is followed by the `fsync`s begun
//! during a latch and the card's delay of them, for all and the slowest 1 %.
//! Run: `cargo bench -p kiosk --bench safety_latency [-- N]`.

mod support;

use kiosk::app::{DeviceEvent, ProbeEvent, StaffEvent};
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use board::zones::{ZoneRead, ZoneSignal};
use kiosk::app::{Core, CoreParts, Event, ZoneRequest, zones};
use kiosk::config::Config;
use kiosk::domain::{Actor, Command, StaffRole, Station};
use kiosk::store::Store;
use support::NoScreen;
use tokio::sync::oneshot;

fn main() {
    let n = support::rounds();
    let dir = support::database_dir();
    let config = Config::builtin().expect("the built-in config");
    let db = dir.path().join("kiosk.db");
    // A year's journal, with the manager 0001 (PIN 13579).
    let (_, last) = support::year::made(&db, 200_000);
    let store = Store::open(&db, &config.store).expect("the database opens");
    let runtime = support::runtime();
    let _guard = runtime.enter();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let (evacuated_tx, evacuated) = channel();
    let station = Station::new(
        config.catalog.clone(),
        config.calendar.clone(),
        config.settings.clone(),
    );
    let (zone_tx, zone_rx) = tokio::sync::mpsc::unbounded_channel();
    let screen = NoScreen {
        evacuate: Some(Mutex::new((false, evacuated_tx))),
        ..NoScreen::default()
    };
    let mut core = Core::new(CoreParts {
        zones: Some(zone_tx.clone()),
        ..support::core_parts(&config, dir.path(), store, station, screen, tx.clone())
    });
    runtime.block_on(core.prepare());
    let task = runtime.spawn(core.run(rx));
    runtime.spawn(zones::run(
        config.board.clone(),
        Vec::new(),
        zone_rx,
        tx.clone(),
    ));

    let read = |zone: &str, value: f32| {
        let (reply, answer) = oneshot::channel();
        zone_tx
            .send(ZoneRequest::Read {
                zone: zone.into(),
                read: ZoneRead::Value(value),
                reply,
            })
            .unwrap();
        runtime
            .block_on(answer)
            .unwrap()
            .expect("the reading is taken");
    };
    let barrier = || {
        let (reply, answer) = oneshot::channel();
        tx.send(Event::Probe(ProbeEvent::Barrier(reply))).unwrap();
        runtime.block_on(answer).unwrap();
    };
    let reset = |zone: u8| {
        let (reply, answer) = oneshot::channel();
        tx.send(Event::Staff(StaffEvent::Command {
            command: Command::ResetAlarm {
                zone,
                role: StaffRole::Manager,
            },
            actor: Actor::Staff { id: "bench".into() },
            reply: Some(reply),
        }))
        .unwrap();
        runtime
            .block_on(answer)
            .unwrap()
            .expect("the reset is taken");
        zone_tx.send(ZoneRequest::Reset { zone }).unwrap();
    };
    let input = |zone: u8, signal: ZoneSignal| {
        let (reply, answer) = oneshot::channel();
        tx.send(Event::Device(DeviceEvent::Input(
            board::Input::Zone { zone, signal },
            Some(reply),
        )))
        .unwrap();
        runtime
            .block_on(answer)
            .unwrap()
            .expect("the signal is taken");
    };

    let mut panic = Vec::with_capacity(n);
    let mut panic_syncs = Vec::with_capacity(n);
    let mut smoke = Vec::with_capacity(n);
    for i in 0..n + 20 {
        // Panic: the loop drops to 1.5 kΩ (pressed).
        let before = support::card_syncs();
        let pressed = Instant::now();
        read("panic", 1500.0);
        barrier();
        let latched = pressed.elapsed();
        let after = support::card_syncs();
        read("panic", 4700.0);
        barrier();
        reset(0);
        // Smoke: the detector's contact is active; then the confirmation.
        input(1, ZoneSignal::Active { active: true });
        let confirmed = Instant::now();
        input(1, ZoneSignal::Alarm);
        let shown = evacuated.recv().expect("the evacuation is shown");
        input(1, ZoneSignal::Active { active: false });
        reset(1);
        if i >= 20 {
            panic.push(latched);
            panic_syncs.push((latched, after.0 - before.0, after.1 - before.1));
            smoke.push(shown - confirmed);
        }
    }
    // PIN checks (right PINs, so nothing locks out), through the station loop.
    let mut pins = Vec::new();
    for _ in 0..50 {
        let (reply, answer) = oneshot::channel();
        let asked = Instant::now();
        tx.send(Event::Staff(StaffEvent::Alarm {
            reset: false,
            zone: 0,
            staff: "0001".into(),
            pin: "13579".into(),
            reply,
        }))
        .unwrap();
        // Nothing is latched: the PIN passes, then the acknowledgement is
        // refused; the time is the check's.
        let _ = runtime.block_on(answer).unwrap();
        pins.push(asked.elapsed());
    }
    // The panic again, while PINs are checked without pause in both lanes —
    // console sign-ins, and a manager's PIN given with a command — as during
    // a busy alarm reset at the console and the kiosk.
    let storm = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let checked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let storms: Vec<_> = [false, true]
        .into_iter()
        .map(|console| {
            let (tx, storm, checked) = (tx.clone(), Arc::clone(&storm), Arc::clone(&checked));
            runtime.spawn(async move {
                while storm.load(std::sync::atomic::Ordering::Relaxed) {
                    let (staff, pin) = ("0001".to_string(), "13579".to_string());
                    let done = if console {
                        let (reply, answer) = oneshot::channel();
                        let _ = tx.send(Event::Staff(StaffEvent::CheckPin { staff, pin, reply }));
                        answer.await.is_ok()
                    } else {
                        let (reply, answer) = oneshot::channel();
                        let _ =
                            tx.send(Event::Staff(StaffEvent::ConfirmClock { staff, pin, reply }));
                        answer.await.is_ok()
                    };
                    if !done {
                        return;
                    }
                    checked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            })
        })
        .collect();
    let reports = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let reader = {
        let (storm, reports, db) = (Arc::clone(&storm), Arc::clone(&reports), db.clone());
        let tz = config.settings.time_zone.clone();
        let from = last.first_of_month();
        let handle = runtime.handle().clone();
        // As the console reads: on its own connection, on a background thread.
        std::thread::spawn(move || {
            while storm.load(std::sync::atomic::Ordering::Relaxed) {
                let (db, tz) = (db.clone(), tz.clone());
                handle
                    .block_on(kiosk::background::spawn_blocking(move || {
                        let conn = kiosk::store::open_read_only(
                            &db,
                            &kiosk::store::StoreSettings::default(),
                        )
                        .expect("a reader opens");
                        kiosk::store::report::report(&conn, from, last, &tz)
                            .expect("the month's report");
                    }))
                    .expect("the report ran");
                reports.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        })
    };
    let mut busy = Vec::with_capacity(n);
    let mut busy_syncs = Vec::with_capacity(n);
    for i in 0..n + 20 {
        let before = support::card_syncs();
        let pressed = Instant::now();
        read("panic", 1500.0);
        barrier();
        let latched = pressed.elapsed();
        let after = support::card_syncs();
        read("panic", 4700.0);
        barrier();
        reset(0);
        if i >= 20 {
            busy.push(latched);
            busy_syncs.push((latched, after.0 - before.0, after.1 - before.1));
        }
    }
    storm.store(false, std::sync::atomic::Ordering::Relaxed);
    for s in storms {
        runtime.block_on(s).unwrap();
    }
    reader.join().expect("the report reader");
    let checked = checked.load(std::sync::atomic::Ordering::Relaxed);
    let reports = reports.load(std::sync::atomic::Ordering::Relaxed);
    tx.send(Event::Shutdown).unwrap();
    runtime.block_on(task).unwrap();
    support::report(
        &format!("panic_reading_to_latched_relay_journaled alarms={n} (after 20 warm-up)"),
        panic,
    );
    support::report_syncs(&mut panic_syncs);
    support::report("smoke_confirmed_to_evacuation_screen_handed_to_ui", smoke);
    support::report(
        "staff_pin_check checks=50 (Argon2id default parameters, off the station loop)",
        pins,
    );
    support::report(
        &format!(
            "panic_reading_to_latched_while_pins_are_checked_and_a_month_is_reported alarms={n} pin_checks={checked} month_reports={reports}"
        ),
        busy,
    );
    support::report_syncs(&mut busy_syncs);
}
