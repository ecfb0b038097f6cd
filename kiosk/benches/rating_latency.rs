//! Evaluator key (after debouncing) → rating durably committed.
//!
//! The real path from the board's input onwards: `Event::Input` with an
//! evaluator key enters the station loop, the domain applies the rating rule,
//! the single writer commits the `ticket_rated` record to a real SQLite file with
//! `synchronous=FULL`, and the answer comes back once it is on disk. Each round
//! serves a ticket first (issue, call, complete — which arms the window) and
//! then times the key alone. Run:
//! `cargo bench -p kiosk --bench rating_latency [-- N]`.

mod support;

use std::sync::Arc;
use std::time::Instant;

use kiosk::app::{Clock, Core, CoreParts, Event, Writer};
use kiosk::config::Config;
use kiosk::domain::{Actor, CategoryId, Command, Station, WindowNo};
use kiosk::store::Store;
use support::NoScreen;
use tokio::sync::oneshot;

fn main() {
    let n = support::rounds();
    let dir = support::database_dir();
    let config = Config::builtin().expect("the built-in config");
    let store =
        Store::open(&dir.path().join("kiosk.db"), &config.store).expect("the database opens");
    let runtime = support::runtime();
    let _guard = runtime.enter();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let station = Station::new(
        config.catalog.clone(),
        config.calendar.clone(),
        config.settings.clone(),
    );
    let mut core = Core::new(CoreParts {
        station,
        writer: Writer::start(store).unwrap(),
        printer: None,
        sim_printer: None,
        printer_port: None,
        screen: Arc::new(NoScreen),
        info: config.station.clone(),
        clock: Clock::starting_at("2026-11-30T01:00:00Z".parse().unwrap()),
        events: tx.clone(),
        profile: config.printer.profile.clone(),
        logo: None,
    });
    runtime.block_on(core.prepare());
    let task = runtime.spawn(core.run(rx));

    let window = WindowNo::new(1).unwrap();
    let staff = |command: Command| {
        let (reply, answer) = oneshot::channel();
        tx.send(Event::Command {
            command,
            actor: Actor::Technician,
            reply: Some(reply),
        })
        .unwrap();
        runtime
            .block_on(answer)
            .unwrap()
            .expect("the staff command is taken");
    };
    let mut latencies = Vec::with_capacity(n);
    for i in 0..n + 20 {
        staff(Command::Issue {
            category: CategoryId::new('A').unwrap(),
            priority: false,
        });
        staff(Command::CallNext { window });
        staff(Command::Complete { window });
        let (reply, answer) = oneshot::channel();
        let pressed = Instant::now();
        tx.send(Event::Input(
            board::Input::EvaluatorKey {
                window: 1,
                key: 1 + (i % 5) as u8,
            },
            Some(reply),
        ))
        .unwrap();
        runtime
            .block_on(answer)
            .unwrap()
            .expect("the rating is taken");
        if i >= 20 {
            latencies.push(pressed.elapsed());
        }
    }
    tx.send(Event::Shutdown).unwrap();
    runtime.block_on(task).unwrap();

    support::report(
        &format!("key_to_durable_rating ratings={n} (after 20 warm-up)"),
        latencies,
    );
}
