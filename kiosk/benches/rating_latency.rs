//! Evaluator key (after debouncing) → rating durably committed, → thanks on
//! the window's card, → thanks handed to the lobby screen.
//!
//! The real path from the board's input onwards: `Event::Input` with an
//! evaluator key enters the station loop, the domain applies the rating rule
//! (a bad rating also opens a case), the single writer commits the records to
//! a real SQLite file with `synchronous=FULL`, and only then are the effects
//! carried out: the window's card is drawn (128×64, the simulated board's PNG
//! written to disk) and the lobby's thanks is handed to the screen. The answer
//! to the key comes after all of that, so "durable" is an upper bound. Each
//! round serves a ticket first (issue, call, complete — which arms the window)
//! and then times the key alone; levels cycle 1–5. Run:
//! `cargo bench -p kiosk --bench rating_latency [-- N]`.

mod support;

use kiosk::app::{DeviceEvent, StaffEvent};
use std::sync::Mutex;
use std::sync::mpsc::{Sender, channel};
use std::time::Instant;

use board::card::{Card, CardDisplay, PngCard};
use board::profile::Display;
use kiosk::app::{Cards, Core, CoreParts, Event};
use kiosk::config::Config;
use kiosk::domain::{Actor, CategoryId, Command, Station, WindowNo};
use kiosk::store::Store;
use support::NoScreen;
use tokio::sync::oneshot;

/// The simulated board's card, noting when it shows thanks.
struct TimedCard(PngCard, Sender<Instant>);

impl CardDisplay for TimedCard {
    fn show(&mut self, card: &Card) -> Result<(), String> {
        self.0.show(card)?;
        if matches!(card, Card::Thanks { .. }) {
            let _ = self.1.send(Instant::now());
        }
        Ok(())
    }
}

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
    let (card_tx, card_times) = channel();
    let (screen_tx, screen_times) = channel();
    let mut cards = Cards::none();
    let png = PngCard::new(
        dir.path().join("window-1.png"),
        Display::Mono {
            bus: 1,
            address: 0x3C,
        },
    );
    cards.add(1, vec![5, 4, 3, 2, 1], Box::new(TimedCard(png, card_tx)));
    let screen = NoScreen {
        thanks: Some(Mutex::new(screen_tx)),
        ..NoScreen::default()
    };
    let mut core = Core::new(CoreParts {
        cards,
        ..support::core_parts(&config, dir.path(), store, station, screen, tx.clone())
    });
    runtime.block_on(core.prepare());
    let task = runtime.spawn(core.run(rx));

    let window = WindowNo::new(1).unwrap();
    let staff = |command: Command| {
        let (reply, answer) = oneshot::channel();
        tx.send(Event::Staff(StaffEvent::Command {
            command,
            actor: Actor::Technician,
            reply: Some(reply),
        }))
        .unwrap();
        runtime
            .block_on(answer)
            .unwrap()
            .expect("the staff command is taken");
    };
    let mut latencies = Vec::with_capacity(n);
    let mut to_card = Vec::with_capacity(n);
    let mut to_screen = Vec::with_capacity(n);
    staff(Command::SignOn {
        role: None,
        window,
        member: kiosk::domain::StaffRef {
            name: "王芳".into(),
            number: "0101".into(),
        },
    });
    for i in 0..n + 20 {
        staff(Command::Issue {
            category: CategoryId::new('A').unwrap(),
            priority: false,
        });
        staff(Command::CallNext { window });
        staff(Command::Complete { window });
        let (reply, answer) = oneshot::channel();
        let pressed = Instant::now();
        tx.send(Event::Device(DeviceEvent::Input(
            board::Input::EvaluatorKey {
                window: 1,
                level: 1 + (i % 5) as u8,
            },
            Some(reply),
        )))
        .unwrap();
        runtime
            .block_on(answer)
            .unwrap()
            .expect("the rating is taken");
        let durable = pressed.elapsed();
        let card = card_times.recv().expect("the card thanks");
        let screen = screen_times.recv().expect("the screen thanks");
        if i >= 20 {
            latencies.push(durable);
            to_card.push(card - pressed);
            to_screen.push(screen - pressed);
        }
    }
    tx.send(Event::Shutdown).unwrap();
    runtime.block_on(task).unwrap();

    support::report(
        &format!("key_to_durable_rating ratings={n} (after 20 warm-up)"),
        latencies,
    );
    support::report("key_to_thanks_on_card (128x64 drawn, PNG written)", to_card);
    support::report("key_to_thanks_handed_to_screen", to_screen);
}
