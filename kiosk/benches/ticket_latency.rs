//! Touch → first ticket byte at the printer port, commit included.
//!
//! The path measured is the real one from the UI's intent onwards: the
//! `TakeTicket` event enters the station loop, the domain decides, the single
//! writer commits to a real SQLite file with `synchronous=FULL`, the ticket is
//! encoded and the printer worker asks the printer's status (`DLE EOT 1, 2, 4`,
//! answered by the far side at once) and writes the ticket through
//! `serialport` to a pseudo-terminal; the clock stops when the ticket's first
//! byte (`ESC @`) is read on the far side. Only the Slint callback that sends
//! the event is left out (it is one channel send).
//!
//! With `--uplink` the same rounds run alternately without and with the
//! district uplink on (ADR 0026): a real Mosquitto, PostgreSQL and
//! collector on loopback, the uplink (on its own thread, as `kiosk run`
//! starts it) publishing every ticket's entries and keeping the
//! collector's acknowledgements — the figure the "within 10 %"
//! compares. The broker,
//! PostgreSQL and the collector stand for machines elsewhere and run at
//! nice 19 (`--same-priority` leaves them sharing the two cores as equals).
//! Run: `cargo bench -p kiosk --bench ticket_latency [-- N]`;
//! `cargo build --release -p collector && cargo bench -p kiosk --bench
//! ticket_latency -- --uplink [N]`.

use kiosk::app::{CitizenEvent, ProbeEvent};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use kiosk::app::{
    Cards, Clock, Core, CoreParts, Event, PrinterSetup, PrinterWorker, Shutdown, Writer,
};
use kiosk::config::{Config, UplinkLink, UplinkSettings};
use kiosk::domain::Station;
use kiosk::store::Store;
use kiosk::uplink::UplinkParts;
use serialport::SerialPort;

#[path = "../../collector/tests/support/services.rs"]
mod services;
mod support;

use support::NoScreen;

fn main() {
    let n = support::rounds();
    let runtime = support::runtime();
    if !std::env::args().any(|a| a == "--uplink") {
        let (latencies, bytes) = round(&runtime, n, None);
        support::report(
            &format!("touch_to_first_byte tickets={n} (after 20 warm-up)"),
            latencies,
        );
        println!(
            "ticket_bytes min {} max {}",
            bytes[0],
            bytes[bytes.len() - 1]
        );
        println!(
            "wire_time_at_9600_baud max {:.0} ms (10 bits a byte)",
            bytes[bytes.len() - 1] as f64 * 10.0 / 9600.0 * 1000.0
        );
        return;
    }
    // Alternating blocks, so that the machine's drift falls on both alike.
    let broker = services::Broker::start();
    let pg = services::Postgres::start();
    let logs = tempfile::tempdir().expect("a temporary folder");
    let collector = services::Collector::start(&broker, &pg, "collector-1", logs.path());
    // The district's processes stand for machines elsewhere: they run at
    // the lowest priority, so that what is measured is the station's own
    // uplink (its reads, its JSON, its sends), not a broker and a database
    // sharing its two cores.
    let pids: Vec<String> = pg
        .pids()
        .into_iter()
        .chain(broker.pid())
        .chain(collector.pid())
        .map(|p| p.to_string())
        .collect();
    let reniced = !std::env::args().any(|a| a == "--same-priority")
        && std::process::Command::new("renice")
            .args(["-n", "19", "-p"])
            .args(&pids)
            .stdout(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    println!(
        "district processes {} at nice 19: {}",
        pids.join(" "),
        if reniced { "yes" } else { "no" }
    );
    let (mut off, mut on) = (Vec::new(), Vec::new());
    let blocks = 4;
    for block in 0..blocks {
        off.extend(round(&runtime, n / blocks, None).0);
        let station = format!("bench{block}");
        // Measured once the uplink runs as in service: connected, its first
        // status and batch sent (not while it starts, once a boot).
        let query =
            format!("SELECT coalesce(max(last_seq), 0) FROM stations WHERE id = '{station}'");
        let started = || pg.query(&query) != "0";
        on.extend(
            round(
                &runtime,
                n / blocks,
                Some((broker.port, station.clone(), &started)),
            )
            .0,
        );
        let held = pg.query(&format!(
            "SELECT last_seq || ' (chain ' || chain || ', head ' || head_seq || ')' FROM stations WHERE id = '{station}'"
        ));
        println!("block {block}: the district holds {station}'s journal up to entry {held}");
    }
    support::report(
        &format!("uplink off: touch_to_first_byte tickets={}", off.len()),
        off,
    );
    support::report(
        &format!("uplink on: touch_to_first_byte tickets={}", on.len()),
        on,
    );
}

/// The broker's port, the station's id, and whether the district holds
/// some of its journal yet.
type Uplink<'a> = (u16, String, &'a dyn Fn() -> bool);

/// `n` tickets (after 20 warm-up) on a fresh station, with its uplink to
/// the broker on `uplink` as the given station when set (measured once the
/// district holds some of its journal); each ticket's touch → first byte,
/// and its size.
fn round(
    runtime: &tokio::runtime::Runtime,
    n: usize,
    uplink: Option<Uplink>,
) -> (Vec<Duration>, Vec<usize>) {
    let started = uplink.as_ref().map(|u| u.2);
    let dir = support::database_dir();
    let config = Config::builtin().expect("the built-in config");
    let store =
        Store::open(&dir.path().join("kiosk.db"), &config.store).expect("the database opens");

    let (mut master, slave) = serialport::TTYPort::pair().expect("a pseudo-terminal");
    let path = PathBuf::from(slave.name().expect("the pty has a name"));
    master.set_timeout(Duration::from_secs(10)).unwrap();
    // The far side: a printer that answers at once. It reports when a ticket's
    // first byte arrives and how many bytes the ticket had at its cut; status
    // questions are answered "online, paper adequate", end markers "printed".
    let (first_tx, first_rx) = mpsc::channel::<Instant>();
    let (done_tx, done_rx) = mpsc::channel::<usize>();
    std::thread::spawn(move || {
        let _slave = slave;
        let mut buf = [0u8; 4096];
        let mut in_job = false;
        let mut bytes = 0usize;
        let mut tail: Vec<u8> = Vec::new();
        loop {
            let Ok(got) = master.read(&mut buf) else {
                return;
            };
            for &b in &buf[..got] {
                tail.push(b);
                if tail.len() > 4 {
                    tail.remove(0);
                }
                if in_job {
                    bytes += 1;
                }
                match tail.as_slice() {
                    [.., 0x10, 0x04, 1..=4] if !in_job => {
                        let _ = master.write_all(&[0x12]);
                    }
                    [.., 0x1b, b'@'] if !in_job => {
                        let _ = first_tx.send(Instant::now());
                        in_job = true;
                        bytes = 2;
                    }
                    [.., 0x1d, b'V', b'B', _] if in_job => {
                        in_job = false;
                        let _ = done_tx.send(bytes);
                    }
                    [.., 0x1d, b'r', 1] if !in_job => {
                        let _ = master.write_all(&[0x00]);
                    }
                    _ => {}
                }
            }
        }
    });

    let _guard = runtime.enter();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let printer = PrinterWorker::start(
        PrinterSetup {
            port: drivers::transport::Port::Serial {
                path,
                line: config.printer.line,
            },
            transport: kiosk::app::transport_settings(&config.printer),
            hold: config.printer.hold,
            poll: config.printer.poll,
            auto_status: false,
        },
        tx.clone(),
    )
    .unwrap();
    let station = Station::new(
        config.catalog.clone(),
        config.calendar.clone(),
        config.settings.clone(),
    );
    let monday = "2026-11-30T01:00:00Z".parse().unwrap();
    let writer = Writer::start(store).unwrap();
    let shutdown = Shutdown::new();
    let uplink = uplink.map(|(port, station, _)| {
        let settings = UplinkSettings {
            link: Some(UplinkLink {
                host: "127.0.0.1".into(),
                port,
                station,
                tls: None,
            }),
            status_interval: Duration::from_secs(30),
        };
        runtime.spawn(kiosk::uplink::start(
            settings,
            UplinkParts {
                database: dir.path().join("kiosk.db"),
                store: config.store.clone(),
                outbox: writer.outbox().expect("the writer runs"),
                events: tx.clone(),
                shutdown: shutdown.clone(),
            },
        ))
    });
    let mut core = Core::new(CoreParts {
        station,
        writer,
        printer: Some(printer),
        sim_printer: None,
        printer_port: None,
        screen: Arc::new(NoScreen::default()),
        info: config.station.clone(),
        clock: Clock::starting_at(monday),
        events: tx.clone(),
        profile: config.printer.profile.clone(),
        logo: None,
        cards: Cards::none(),
        zones: None,
        pins: kiosk::app::PinChecker::new(dir.path().join("kiosk.db"), config.store.clone()),
    });
    runtime.block_on(core.prepare());
    let task = runtime.spawn(core.run(rx));

    let categories = ['A', 'B', 'C', 'D', 'E'];
    let mut latencies = Vec::with_capacity(n);
    let mut bytes = Vec::with_capacity(n);
    for i in 0..n + 20 {
        if i == 20
            && let Some(started) = started
        {
            services::eventually(
                Duration::from_secs(30),
                "the uplink at the district",
                || (started(), ()),
            );
        }
        let touched = Instant::now();
        tx.send(Event::Citizen(CitizenEvent::TakeTicket {
            category: categories[i % categories.len()].to_string(),
            priority: i % 7 == 0,
            english: i % 3 == 0,
        }))
        .unwrap();
        let first = first_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("a ticket reaches the port");
        let size = done_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("the ticket is cut");
        // Let the print outcome be committed before the next touch, as it would
        // be between two citizens.
        let (settled, wait) = tokio::sync::oneshot::channel();
        tx.send(Event::Probe(ProbeEvent::Settle {
            held: false,
            reply: settled,
        }))
        .unwrap();
        runtime.block_on(wait).unwrap();
        if i >= 20 {
            latencies.push(first - touched);
            bytes.push(size);
        }
    }
    shutdown.begin();
    tx.send(Event::Shutdown).unwrap();
    runtime.block_on(task).unwrap();
    if let Some(uplink) = uplink {
        runtime.block_on(uplink).unwrap();
    }
    bytes.sort();
    (latencies, bytes)
}
