//! Ticket delivery against the physical limit, and bytes per document.
//!
//! Each document is sent through the real transport (`serialport` on a
//! pseudo-terminal) to the virtual printer running in real time: it takes bytes
//! off the line no faster than the baud rate allows and prints at the profile's
//! speed, cutting in the profile's cutter time. Delivery is from the first
//! byte written to the printer's answer to the end-of-job marker (`GS r 1`),
//! which it gives only once the cut is done. The physical limit is
//! `max(10·bytes/baud, paper / speed) + cut`, with the paper the virtual printer
//! measured. Run: `cargo bench -p kiosk --bench printer_delivery [-- ROUNDS]`.

use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use board::sim::printer::{Model, VirtualPrinter};
use drivers::escpos::encode;
use drivers::profile::Profiles;
use drivers::transport::{Line, Port, Printer, Settings};
use kiosk::config::Config;
use kiosk::documents::{self, Press, StoredLogo};

fn main() {
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(3);
    let config = Config::builtin().expect("the built-in config");
    let profiles = Profiles::built_in();
    let logo = StoredLogo::built_in().expect("the built-in logo");

    println!("bytes per document (wire bytes, end marker excluded)");
    for id in ["generic-58", "generic-80"] {
        let profile = profiles.get(id, "").expect("a shipped profile");
        for with_logo in [false, true] {
            let press = Press {
                profile,
                logo: with_logo.then_some(&logo),
            };
            for (name, doc) in documents::samples(press, &config.station) {
                println!(
                    "  {id:<11} {:<10} {name:<10} {:>5} bytes",
                    if with_logo { "logo (NV)" } else { "no logo" },
                    doc.escpos(press).bytes.len()
                );
            }
        }
    }
    println!(
        "  storing the logo once: {} bytes",
        encode(&logo.store()).bytes.len()
    );

    println!("\ndelivery through the pacing virtual printer (generic-58, 90 mm/s, cut 300 ms)");
    println!(
        "  {:>6}  {:<10} {:>5}  {:>7}  {:>9}  {:>9}  {:>9}",
        "baud", "document", "bytes", "paper", "limit", "median", "overhead"
    );
    let profile = profiles.get("generic-58", "").expect("a shipped profile");
    let press = Press {
        profile,
        logo: None,
    };
    for baud in [9600, 115_200] {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let model = Model {
            width_dots: usize::from(profile.width_dots),
            dots_per_mm: f64::from(profile.dots_per_mm),
            speed_mm_s: f64::from(profile.speed_mm_s),
            cut_ms: u64::from(profile.cut_ms),
            receive_buffer: profile.receive_buffer as usize,
            baud,
            paced: true,
        };
        let printer = VirtualPrinter::start(
            &dir.path().join("printer.tty"),
            &dir.path().join("jobs"),
            model,
        )
        .expect("the virtual printer starts");
        let line = Line::plain(baud);
        let mut port = Printer::open(
            &Port::Serial {
                path: printer.path().to_path_buf(),
                line,
            },
            Settings {
                write_timeout: Duration::from_secs(30),
                reply_timeout: Duration::from_secs(1),
                receive_buffer: profile.receive_buffer as usize,
                status: true,
                drain_rate: profile.drain_rate(),
            },
        )
        .expect("the port opens");
        for (name, doc) in documents::samples(press, &config.station) {
            if name == "test-page" {
                continue;
            }
            let encoded = doc.escpos(press);
            let mut times = Vec::new();
            let mut paper_dots = 0;
            for _ in 0..rounds {
                let before = printer.status().jobs;
                let started = Instant::now();
                port.send(&encoded, &AtomicBool::new(false))
                    .expect("the job is sent");
                port.finish(Duration::from_secs(30))
                    .expect("the printer answers the end marker");
                times.push(started.elapsed());
                assert!(printer.wait_for_jobs(before + 1, Duration::from_secs(5)));
                paper_dots = printer.status().last_job.expect("the job").paper_dots;
            }
            times.sort();
            let median = times[times.len() / 2];
            let bytes = encoded.bytes.len() + 3;
            let wire = line.wire_time(bytes);
            let paper_mm = paper_dots as f64 / f64::from(profile.dots_per_mm);
            let paper = Duration::from_secs_f64(paper_mm / f64::from(profile.speed_mm_s));
            let limit = wire.max(paper) + profile.cut_time();
            let overhead = (median.as_secs_f64() / limit.as_secs_f64() - 1.0) * 100.0;
            println!(
                "  {baud:>6}  {name:<10} {bytes:>5}  {paper_mm:>4.0} mm  {:>6.0} ms  {:>6.0} ms  {overhead:>+8.1} %",
                limit.as_secs_f64() * 1000.0,
                median.as_secs_f64() * 1000.0
            );
        }
        assert_eq!(printer.status().unknown_commands, 0);
    }
}
