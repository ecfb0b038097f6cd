//! What the benches share: a screen that shows nothing (a bench measures the
//! path to the printer or the database, not the renderer), the station
//! loop's parts without a printer, the run's size and database folder, the
//! runtime, and how latencies are reported.

#![allow(dead_code)] // each bench uses its own share of these

pub mod console;
pub mod year;

use std::sync::Mutex;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use kiosk::app::{
    Cards, Clock, ComplaintOutcome, CoreParts, Event, PrintState, Screen, ScreenJob, ScreenView,
    StaffOutcome, TicketView, Writer,
};
use kiosk::config::Config;
use kiosk::domain::Station;
use kiosk::store::Store;

/// The station loop's parts for a bench without a printer or zones: the
/// writer on `store` (the database in `dir`), the clock at Monday
/// 2026-11-30 09:00 in Shanghai, the built-in settings' station and
/// printer profile. A bench changes what it needs by struct update.
pub fn core_parts(
    config: &Config,
    dir: &std::path::Path,
    store: Store,
    station: Station,
    screen: NoScreen,
    events: tokio::sync::mpsc::UnboundedSender<Event>,
) -> CoreParts {
    CoreParts {
        station,
        writer: Writer::start(store).unwrap(),
        printer: None,
        sim_printer: None,
        printer_port: None,
        screen: std::sync::Arc::new(screen),
        info: config.station.clone(),
        clock: Clock::starting_at("2026-11-30T01:00:00Z".parse().unwrap()),
        events,
        profile: config.printer.profile.clone(),
        logo: None,
        cards: Cards::none(),
        zones: None,
        pins: kiosk::app::PinChecker::new(dir.join("kiosk.db"), config.store.clone()),
    }
}

/// A screen that shows nothing; given senders, it notes when it is asked to
/// thank a citizen, when it is first told to evacuate, and when the board
/// names a post it did not name before (`posts`: what the first window's row
/// last said).
#[derive(Default)]
pub struct NoScreen {
    pub thanks: Option<Mutex<Sender<Instant>>>,
    pub evacuate: Option<Mutex<(bool, Sender<Instant>)>>,
    pub posts: Option<Mutex<PostWatch>>,
}

/// What the board last said of the first window's post, and where to tell
/// a change.
pub type PostWatch = (String, Sender<(Instant, String)>);

impl Screen for NoScreen {
    fn show_view(&self, view: ScreenView) {
        if let Some(p) = &self.posts
            && let Ok(mut p) = p.lock()
            && let Some(row) = view.serving.first()
            && row.post_zh != p.0
        {
            p.0 = row.post_zh.clone();
            let _ = p.1.send((Instant::now(), row.post_zh.clone()));
        }
        if let Some(e) = &self.evacuate
            && let Ok(mut e) = e.lock()
        {
            if view.evacuate && !e.0 {
                let _ = e.1.send(Instant::now());
            }
            e.0 = view.evacuate;
        }
    }
    fn show_ticket(&self, _: TicketView) {}
    fn print_state(&self, _: String, _: PrintState) {}
    fn problem(&self, _: bool) {}
    fn staff(&self, _: StaffOutcome) {}
    fn complaint(&self, _: ComplaintOutcome) {}
    fn thank(&self, _: u8) {
        if let Some(tx) = &self.thanks {
            let _ = tx.lock().map(|tx| tx.send(Instant::now()));
        }
    }
    fn run(&self, _: ScreenJob) {}
    fn quit(&self) {}
}

/// How many rounds to time: the first number on the command line, else 1,000.
pub fn rounds() -> usize {
    first_number(1000)
}

/// The first argument that reads as a number, else `default`.
pub fn first_number<T: std::str::FromStr>(default: T) -> T {
    std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(default)
}

/// A folder for the bench's database. Its file system decides the cost of each
/// fsync: set KIOSK_BENCH_DIR to measure on the disk that matters (the Pi's SD
/// card).
///
/// With `KIOSK_SLOW_CARD` set (the Pi-class harness), the database goes through
/// the slow-card model from here on (ADR 0032).
pub fn database_dir() -> tempfile::TempDir {
    match kiosk::slow_card::from_env() {
        Ok(Some(model)) => println!("slow card {model:?}"),
        Ok(None) => {}
        Err(e) => panic!("{e}"),
    }
    let dir = match std::env::var_os("KIOSK_BENCH_DIR") {
        Some(base) => tempfile::tempdir_in(base),
        None => tempfile::tempdir(),
    }
    .expect("a temporary folder");
    println!("database in {}", dir.path().display());
    dir
}

/// The runtime the kiosk runs on: two workers.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// Prints p50, p90, p99 and the maximum of `latencies` under `label`.
pub fn report(label: &str, mut latencies: Vec<Duration>) {
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("{label}");
    println!("  p50 {:.2} ms", ms(pct(0.50)));
    println!("  p90 {:.2} ms", ms(pct(0.90)));
    println!("  p99 {:.2} ms", ms(pct(0.99)));
    println!(
        "  max {:.2} ms",
        ms(*latencies.last().expect("at least one round"))
    );
    if let Some(card) = kiosk::slow_card::summary() {
        println!("  {card}");
    }
}

/// The slow card's fsyncs so far and the delay they were given (zeros
/// without the card), to tell what a latency spent waiting for the card.
pub fn card_syncs() -> (u64, Duration) {
    let s = kiosk::store::slow_card::stats();
    (s.syncs, s.delay)
}

/// Where the slowest latencies went: for the slowest 1 % of `rounds` (each a
/// latency and the fsyncs begun and their delay while it ran), and for all,
/// the mean count of fsyncs and the share of the time they took. Nothing
/// without the slow card.
pub fn report_syncs(rounds: &mut [(Duration, u64, Duration)]) {
    if kiosk::slow_card::summary().is_none() || rounds.is_empty() {
        return;
    }
    rounds.sort_by_key(|r| r.0);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let line = |label: &str, part: &[(Duration, u64, Duration)]| {
        let n = part.len() as f64;
        let syncs = part.iter().map(|r| r.1).sum::<u64>() as f64 / n;
        let waited: f64 = part.iter().map(|r| ms(r.2)).sum::<f64>() / n;
        let took: f64 = part.iter().map(|r| ms(r.0)).sum::<f64>() / n;
        println!(
            "  {label}: {syncs:.2} fsyncs begun, {waited:.2} ms of card delay in {took:.2} ms (mean)"
        );
    };
    line("all", rounds);
    let tail = rounds.len().div_ceil(100);
    line("slowest 1 %", &rounds[rounds.len() - tail..]);
}

/// Resident memory in bytes (from `/proc/self/statm`).
pub fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}
