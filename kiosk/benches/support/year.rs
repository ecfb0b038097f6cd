//! A station's year made through the real domain and store, for the benches
//! that need a full journal: from 2026-01-05, every working day, a ticket
//! every 36 seconds through both sessions (issued, printed, called,
//! completed, rated), a back-entry and a staff sign-in a day, a bad rating
//! now and then (a case), one commit a day.

use jiff::civil::{Date, Time, Weekday};
use jiff::{SignedDuration, Timestamp};
use kiosk::config::Config;
use kiosk::domain::{
    Actor, BackEntry, CategoryId, Command, Fact, PrintOutcome, Record, SignInPlace, StaffRole,
    Station, WindowNo,
};
use kiosk::store::Store;

/// A small deterministic generator for ratings.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// Decides a command at `at`; its records (if it was not refused) join the
/// day's batch.
fn go(
    station: &mut Station,
    batch: &mut Vec<Record>,
    command: Command,
    actor: Actor,
    at: Timestamp,
) {
    if let Ok(d) = station.decide(&command, &actor, at) {
        for r in &d.records {
            station.apply(r);
        }
        batch.extend(d.records);
    }
}

/// Makes the year; returns the entries written and the last day.
pub fn make_year(store: &mut Store, config: &Config, entries: u64) -> (u64, Date) {
    let mut station = Station::new(
        config.catalog.clone(),
        config.calendar.clone(),
        config.settings.clone(),
    );
    let tz = config.settings.time_zone.clone();
    let categories: Vec<(CategoryId, WindowNo)> = config
        .catalog
        .categories()
        .iter()
        .map(|c| (c.id, c.windows[0]))
        .collect();
    let mut rng = Lcg(7);
    let mut written = 0u64;
    let mut day: Date = "2026-01-05".parse().expect("a date");
    let mut last = day;
    let mut n = 0usize;
    while written < entries {
        if matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
            || !config.calendar.is_working_day(day)
        {
            day = day.tomorrow().expect("a later day");
            continue;
        }
        let mut batch = Vec::new();
        let at = |t: &str| {
            tz.to_timestamp(day.to_datetime(t.parse::<Time>().expect("a time")))
                .expect("a time on the day")
        };
        let sign_in = at("08:25");
        go(
            &mut station,
            &mut batch,
            Command::NoteSignIn {
                staff: "0001".into(),
                place: SignInPlace::Console,
                refused: None,
            },
            Actor::Staff { id: "0001".into() },
            sign_in,
        );
        // Each window's member signs on for the day: calls name them.
        for window in config.catalog.windows() {
            let number = format!("01{:02}", window.get());
            go(
                &mut station,
                &mut batch,
                Command::SignOn {
                    role: None,
                    window,
                    member: kiosk::domain::StaffRef {
                        name: "王芳".into(),
                        number: number.clone(),
                    },
                },
                Actor::Staff { id: number },
                sign_in,
            );
        }
        for (open, close) in [("08:30", "11:59"), ("14:00", "17:29")] {
            let mut t = at(open);
            let end = at(close);
            while t < end {
                let (category, window) = categories[n % categories.len()];
                n += 1;
                let second = |s: i64| t + SignedDuration::from_secs(s);
                let before = batch.len();
                go(
                    &mut station,
                    &mut batch,
                    Command::Issue {
                        category,
                        priority: n.is_multiple_of(9),
                    },
                    Actor::Citizen,
                    t,
                );
                let ticket = batch[before..].iter().find_map(|r| match r.fact {
                    Fact::TicketIssued { ticket, .. } => Some(ticket),
                    _ => None,
                });
                if let Some(ticket) = ticket {
                    go(
                        &mut station,
                        &mut batch,
                        Command::PrintOutcome {
                            ticket,
                            outcome: PrintOutcome::Printed {
                                bytes: 330,
                                after_fault: false,
                            },
                        },
                        Actor::System,
                        second(2),
                    );
                }
                let keypad = Actor::Keypad { window };
                go(
                    &mut station,
                    &mut batch,
                    Command::CallNext { window },
                    keypad.clone(),
                    second(5),
                );
                go(
                    &mut station,
                    &mut batch,
                    Command::Complete { window },
                    keypad,
                    second(30),
                );
                let level = match rng.next() % 1000 {
                    0 => 1,
                    1..=40 => 3,
                    41..=300 => 4,
                    _ => 5,
                };
                go(
                    &mut station,
                    &mut batch,
                    Command::Rate { window, level },
                    Actor::Evaluator { window },
                    second(33),
                );
                t = second(36);
            }
        }
        let (category, window) = categories[0];
        go(
            &mut station,
            &mut batch,
            Command::BackEnter(BackEntry {
                category,
                window,
                started: at("12:10"),
                finished: at("12:25"),
                register_no: format!("{n}"),
                note: "停电人工登记".into(),
            }),
            Actor::Staff { id: "0001".into() },
            at("17:45"),
        );
        go(
            &mut station,
            &mut batch,
            Command::Tick,
            Actor::System,
            at("18:00"),
        );
        written += batch.len() as u64;
        store.commit(&batch).expect("a day commits");
        last = day;
        day = day.tomorrow().expect("a later day");
    }
    (written, last)
}

/// A data folder's database with the bench's manager (0001, PIN 13579) and
/// a year of at least `entries` journal entries; prints what it made and
/// returns the
/// entries written and the last day.
pub fn made(db: &std::path::Path, entries: u64) -> (u64, Date) {
    let config = Config::builtin().expect("the built-in config");
    let mut store = Store::open(db, &config.store).expect("the database opens");
    store
        .add_staff("0001", "站长", StaffRole::Manager, "13579")
        .expect("a manager");
    let started = std::time::Instant::now();
    let (written, last) = make_year(&mut store, &config, entries);
    drop(store);
    let size = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);
    println!(
        "made {written} journal entries through {last} in {:.1} s; database {:.0} MB",
        started.elapsed().as_secs_f64(),
        size as f64 / 1e6
    );
    (written, last)
}
