//! Sign-on → the window's card redrawn with the member, → the lobby board
//! told who stands in.
//!
//! The real path: a sign-on (`Command::SignOn`, as the console sends it
//! after its PIN check, or the control socket after the station's) enters
//! the station loop, the domain checks the member's post, the single writer
//! commits `signed_off` and `signed_on` to a real SQLite file with
//! `synchronous=FULL`, and only then is the view pushed: the card drawn
//! (128×64, the simulated board's PNG written) and the lobby's board handed
//! its rows. Window 1's A post (0101) and B post (0102) take turns, so each
//! sign-on replaces the other and changes both the card and the board (the
//! board names the B post). Then a year of sign-ons for 20 members (each
//! working day of 2026 by the built-in calendar, on and off, committed to a
//! real SQLite file) and the year's attendance read from the journal and
//! marked by the regulations' rule, 20 times.
//! Run: `cargo bench -p kiosk --bench people [-- N]`.

mod support;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::mpsc::{Sender, channel};
use std::time::Instant;

use board::card::{Card, CardDisplay, PngCard};
use board::profile::Display;
use kiosk::app::{Cards, Core, CoreParts, Event, StaffEvent};
use kiosk::config::Config;
use kiosk::domain::{Actor, Command, Posts, Settings, StaffRef, Station, WindowNo};
use kiosk::store::Store;
use support::NoScreen;
use tokio::sync::oneshot;

/// The simulated board's card, noting when it names a member.
struct TimedCard(PngCard, Sender<(Instant, String)>);

impl CardDisplay for TimedCard {
    fn show(&mut self, card: &Card) -> Result<(), String> {
        self.0.show(card)?;
        if let Card::Idle {
            staff: Some((_, number)),
            ..
        } = card
        {
            let _ = self.1.send((Instant::now(), number.clone()));
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
    let window = WindowNo::new(1).unwrap();
    let mut posts = BTreeMap::new();
    posts.insert(
        window,
        Posts {
            a: Some("0101".into()),
            b: Some("0102".into()),
            ..Posts::default()
        },
    );
    let settings = Settings {
        posts,
        ..config.settings.clone()
    };
    let station = Station::new(config.catalog.clone(), config.calendar.clone(), settings);
    let (card_tx, card_times) = channel();
    let (board_tx, board_times) = channel();
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
        posts: Some(Mutex::new((String::new(), board_tx))),
        ..NoScreen::default()
    };
    let mut core = Core::new(CoreParts {
        cards,
        ..support::core_parts(&config, dir.path(), store, station, screen, tx.clone())
    });
    runtime.block_on(core.prepare());
    let task = runtime.spawn(core.run(rx));

    let mut to_card = Vec::with_capacity(n);
    let mut to_board = Vec::with_capacity(n);
    let mut answered = Vec::with_capacity(n);
    for i in 0..n + 20 {
        let (number, post) = if i % 2 == 0 {
            ("0102", "B岗")
        } else {
            ("0101", "")
        };
        let (reply, answer) = oneshot::channel();
        let asked = Instant::now();
        tx.send(Event::Staff(StaffEvent::Command {
            command: Command::SignOn {
                role: None,
                window,
                member: StaffRef {
                    name: "王芳".into(),
                    number: number.into(),
                },
            },
            actor: Actor::Staff { id: number.into() },
            reply: Some(reply),
        }))
        .unwrap();
        runtime
            .block_on(answer)
            .unwrap()
            .expect("the sign-on is taken");
        let done = asked.elapsed();
        let (card, on_card) = card_times.recv().expect("the card names the member");
        assert_eq!(on_card, number);
        let (board, on_board) = board_times.recv().expect("the board says who stands in");
        assert_eq!(on_board, post);
        if i >= 20 {
            answered.push(done);
            to_card.push(card - asked);
            to_board.push(board - asked);
        }
    }
    tx.send(Event::Shutdown).unwrap();
    runtime.block_on(task).unwrap();

    support::report(
        &format!("sign_on_to_durable_and_answered sign-ons={n} (after 20 warm-up)"),
        answered,
    );
    support::report("sign_on_to_card (128x64 drawn, PNG written)", to_card);
    support::report(
        "sign_on_to_lobby_board (view handed to the screen)",
        to_board,
    );

    attendance_of_a_year(&config);
}

/// 20 members signing on and off every working day of 2026, then the
/// year's attendance computed from the journal, timed.
fn attendance_of_a_year(config: &Config) {
    use kiosk::domain::{Fact, Post, Record, SignOff, attendance};
    let dir = support::database_dir();
    let db = dir.path().join("kiosk.db");
    let mut store = Store::open(&db, &config.store).expect("the database opens");
    let tz = &config.settings.time_zone;
    let calendar = &config.calendar;
    let (from, to): (jiff::civil::Date, jiff::civil::Date) =
        ("2026-01-01".parse().unwrap(), "2026-12-31".parse().unwrap());
    let mut day = from;
    let mut rows = 0usize;
    while day <= to {
        if calendar.is_working_day(day) {
            let mut batch = Vec::new();
            for m in 0..20u8 {
                let window = WindowNo::new(m % 3 + 1).unwrap();
                let member = format!("01{m:02}");
                // Some late, some early, by the member's number.
                let on = format!("08:{:02}", 15 + (m % 4) * 10);
                let off = format!("17:{:02}", 10 + (m % 3) * 15);
                let at = |t: &str| {
                    tz.to_timestamp(day.to_datetime(t.parse().unwrap()))
                        .unwrap()
                };
                let record = |t: &str, fact| Record {
                    at: at(t),
                    day,
                    actor: Actor::Staff { id: member.clone() },
                    fact,
                };
                batch.push(record(
                    &on,
                    Fact::SignedOn {
                        window,
                        member: member.clone(),
                        name: "王芳".into(),
                        post: Post::Any,
                        role: None,
                    },
                ));
                batch.push(record(
                    &off,
                    Fact::SignedOff {
                        window,
                        member: member.clone(),
                        why: SignOff::Left,
                    },
                ));
            }
            batch.sort_by_key(|r| r.at);
            rows += batch.len();
            store.commit(&batch).expect("the sign-ons commit");
        }
        day = day.tomorrow().unwrap();
    }
    let conn = kiosk::store::open_read_only(&db, &config.store).expect("a reader");
    let mut times = Vec::new();
    let mut marked = 0usize;
    for _ in 0..20 {
        let started = Instant::now();
        let spans = kiosk::store::attendance::spans(&conn, from, to).expect("the spans");
        marked = 0;
        for p in spans.values() {
            let days = attendance(
                &p.spans,
                &[],
                (from, to),
                jiff::Timestamp::MAX,
                config.catalog.hours(),
                calendar,
                &config.settings,
            );
            marked += days.len();
        }
        times.push(started.elapsed());
    }
    support::report(
        &format!(
            "attendance_of_a_year: 20 members, {rows} journal rows, {marked} member-days marked (20 rounds)"
        ),
        times,
    );
}
