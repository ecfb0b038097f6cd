//! What the in-process tests share: a station on the simulated board (no
//! printer, no touchscreen) with its key and zone tasks and control commands,
//! run under tokio's paused clock, and readers for its journal.

#![allow(dead_code)] // each test binary uses its own share of these

use kiosk::app::{CitizenEvent, ProbeEvent};
use std::path::Path;
use std::sync::{Arc, Mutex};

use kiosk::app::control::command::{When, parse_scenario};
use kiosk::app::{
    Cards, Clock, ComplaintOutcome, Control, Core, CoreParts, Event, PrintState, Screen, ScreenJob,
    ScreenOps, ScreenView, StaffOutcome, TicketView, Writer, keys, zones,
};
use kiosk::config::Config;
use kiosk::domain::Station;
use kiosk::store::Store;
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A screen that shows nothing but remembers every view it was given.
#[derive(Default)]
pub struct NoScreen {
    /// Every view shown, in order.
    pub shown: Mutex<Vec<ScreenView>>,
    /// What became of each complaint, in order.
    pub complaints: Mutex<Vec<ComplaintOutcome>>,
    /// What staff mode was told, in order.
    pub staff: Mutex<Vec<StaffOutcome>>,
    /// Told each time staff mode is told something.
    pub staff_told: tokio::sync::Notify,
}

impl NoScreen {
    /// The view shown last.
    pub fn last(&self) -> Option<ScreenView> {
        self.shown.lock().ok()?.last().cloned()
    }
}

struct NoOps;

impl ScreenOps for NoOps {
    fn tap(&self, _: &board::command::Target) -> Result<(), String> {
        Err("there is no touchscreen in this test".into())
    }
    fn screenshot(&self, _: &Path) -> Result<(), String> {
        Err("there is no touchscreen in this test".into())
    }
    fn describe(&self) -> Value {
        Value::Null
    }
}

impl Screen for NoScreen {
    fn show_view(&self, view: ScreenView) {
        if let Ok(mut shown) = self.shown.lock() {
            shown.push(view);
        }
    }
    fn show_ticket(&self, _: TicketView) {}
    fn print_state(&self, _: String, _: PrintState) {}
    fn problem(&self, _: bool) {}
    fn thank(&self, _: u8) {}
    fn staff(&self, outcome: StaffOutcome) {
        if let Ok(mut s) = self.staff.lock() {
            s.push(outcome);
        }
        self.staff_told.notify_one();
    }
    fn complaint(&self, outcome: ComplaintOutcome) {
        if let Ok(mut c) = self.complaints.lock() {
            c.push(outcome);
        }
    }
    fn run(&self, job: ScreenJob) {
        job(&NoOps);
    }
    fn quit(&self) {}
}

/// A station on the simulated board with no printer, in `dir`.
pub struct Rig {
    pub control: Control,
    pub screen: Arc<NoScreen>,
    /// The writer's count of commits.
    pub commits: tokio::sync::watch::Receiver<kiosk::app::Commits>,
    events: UnboundedSender<Event>,
    core: JoinHandle<()>,
}

impl Rig {
    /// Starts (or restarts) the station; the clock reads Monday 30 November
    /// 2026, 09:00 in Shanghai.
    pub async fn start(dir: &Path) -> Self {
        Self::start_at(dir, "2026-11-30T01:00:00Z").await
    }

    /// Starts (or restarts) the station with the clock at `utc`.
    pub async fn start_at(dir: &Path, utc: &str) -> Self {
        Self::start_with(dir, utc, None).await
    }

    /// [`Rig::start_at`], with the screen's backlight under `backlights`
    /// (a stand-in for `/sys/class/backlight`), lit 30 minutes either side
    /// of the hours.
    pub async fn start_lit(dir: &Path, utc: &str, backlights: &Path) -> Self {
        Self::start_with(dir, utc, Some(backlights)).await
    }

    async fn start_with(dir: &Path, utc: &str, backlights: Option<&Path>) -> Self {
        let config = Config::builtin().unwrap();
        let store = Store::open(&dir.join("kiosk.db"), &config.store).unwrap();
        // These tests drive the queue straight from the keys: signing on
        // and the call held for a rating are the e2e `people` tests'.
        let settings = kiosk::domain::Settings {
            sign_on_required: false,
            call_waits_for_rating: false,
            ..config.settings.clone()
        };
        let station = store.resume().unwrap().rebuild(Station::new(
            config.catalog.clone(),
            config.calendar.clone(),
            settings,
        ));
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let (zone_tx, zone_rx) = tokio::sync::mpsc::unbounded_channel();
        let screen = Arc::new(NoScreen::default());
        let writer = Writer::start(store).unwrap();
        let commits = writer.outbox().expect("a writer just started").commits();
        let mut core = Core::new(CoreParts {
            station,
            writer,
            printer: None,
            sim_printer: None,
            printer_port: None,
            screen: Arc::clone(&screen) as Arc<dyn Screen>,
            info: config.station.clone(),
            clock: Clock::starting_at(utc.parse().unwrap()),
            events: tx.clone(),
            profile: config.printer.profile.clone(),
            logo: None,
            cards: Cards::simulated(&config.board, &dir.join("cards")).unwrap(),
            zones: Some(zone_tx.clone()),
            pins: kiosk::app::PinChecker::new(dir.join("kiosk.db"), config.store.clone()),
        });
        if let Some(root) = backlights {
            core.with_backlight(
                kiosk::app::backlight::Backlight::find(
                    &kiosk::app::backlight::BacklightSetting::Auto,
                    root,
                ),
                jiff::SignedDuration::from_mins(30),
            );
        }
        core.prepare().await;
        let seeds = core.zone_seeds();
        let core = tokio::spawn(core.run(rx));
        let (key_tx, key_rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(keys::run(config.board.clone(), key_rx, tx.clone()));
        tokio::spawn(zones::run(config.board.clone(), seeds, zone_rx, tx.clone()));
        Self {
            screen: Arc::clone(&screen),
            commits,
            control: Control::new(
                tx.clone(),
                key_tx,
                zone_tx,
                screen,
                dir.to_path_buf(),
                dir.join("calendar"),
            ),
            events: tx,
            core,
        }
    }

    /// A citizen takes a ticket in `category`.
    pub async fn take_ticket(&self, category: char) {
        self.send(Event::Citizen(CitizenEvent::TakeTicket {
            category: category.to_string(),
            priority: false,
            english: false,
        }))
        .await;
    }

    /// Sends an event and waits until the station has handled it.
    pub async fn send(&self, event: Event) {
        self.events.send(event).unwrap();
        self.settled().await;
    }

    /// Waits until the station has handled every event sent so far.
    pub async fn settled(&self) {
        let (reply, done) = oneshot::channel();
        self.events
            .send(Event::Probe(ProbeEvent::Barrier(reply)))
            .unwrap();
        done.await.unwrap();
    }

    /// Runs one control command line; returns its answer.
    pub async fn command(&self, line: &str) -> Value {
        let command = kiosk::app::control::command::parse(line).unwrap();
        self.control.execute(command).await
    }

    /// Runs a scenario file from `tests/scenarios/`; returns the answers of
    /// its `state` steps. Every step must succeed.
    pub async fn scenario(&self, name: &str) -> Vec<Value> {
        let answers = self.answers(name).await;
        for (line, answer) in &answers {
            assert_eq!(answer["ok"], true, "{name}:{line}: {answer}");
        }
        answers
            .into_iter()
            .filter_map(|(_, a)| a.get("state").cloned())
            .collect()
    }

    /// Runs a scenario file from `tests/scenarios/`; returns every step's
    /// line and answer.
    pub async fn answers(&self, name: &str) -> Vec<(usize, Value)> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/scenarios")
            .join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let steps = parse_scenario(name, &text).unwrap();
        let mut answers = Vec::new();
        for step in steps {
            match step.when {
                When::Next => {}
                When::After(d) => tokio::time::sleep(d).await,
                When::At(_) => panic!("{name}:{}: use +DURATION here", step.line),
            }
            answers.push((step.line, self.control.execute(step.command).await));
        }
        answers
    }

    pub async fn stop(self) {
        self.events.send(Event::Shutdown).unwrap();
        self.core.await.unwrap();
    }
}

/// Window staff 0101 (PIN 2468) and the manager 0001 (PIN 13579).
pub fn staff(dir: &Path) {
    let config = Config::builtin().unwrap();
    let mut store = Store::open(&dir.join("kiosk.db"), &config.store).unwrap();
    store
        .add_staff("0101", "王芳", kiosk::domain::StaffRole::Staff, "2468")
        .unwrap();
    store
        .add_staff("0001", "李站长", kiosk::domain::StaffRole::Manager, "13579")
        .unwrap();
}

/// The journal as (kind, body) pairs, in order.
pub fn journal(dir: &Path) -> Vec<(String, Value)> {
    let conn = rusqlite::Connection::open(dir.join("kiosk.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT kind, body FROM journal ORDER BY seq")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .map(|r| {
            let (kind, body) = r.unwrap();
            (kind, serde_json::from_str(&body).unwrap())
        })
        .collect()
}

/// The bodies of the journal entries of these kinds, in order.
pub fn bodies(dir: &Path, kinds: &[&str]) -> Vec<Value> {
    journal(dir)
        .into_iter()
        .filter(|(k, _)| kinds.contains(&k.as_str()))
        .map(|(_, b)| b)
        .collect()
}
