//! Builds one queue ticket (the sample A012, with the station logo as a raster
//! image sent along, or by reference to the logo stored in the printer) and
//! writes its ESC/POS bytes to a file — the kiosk's side of the comparison with
//! python-escpos in `scripts/bench-python-escpos`.
//!
//! `one_ticket OUT.bin [raster|stored] [LOOPS]`: with LOOPS, also builds the
//! ticket that many times and prints the mean time per ticket.

use std::time::Instant;

use drivers::escpos::{Command, encode};
use kiosk::config::Config;
use kiosk::documents::{self, Press, StoredLogo};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = args
        .get(1)
        .expect("usage: one_ticket OUT.bin [raster|stored] [LOOPS]");
    let raster = args.get(2).is_none_or(|m| m == "raster");
    let loops: u32 = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(0);
    let config = Config::builtin().expect("the built-in config");
    let logo = StoredLogo::built_in().expect("the built-in logo");
    let build = || {
        let press = Press {
            profile: &config.printer.profile,
            logo: (!raster).then_some(&logo),
        };
        let (_, ticket) = documents::samples(press, &config.station).remove(0);
        let mut bytes = Vec::new();
        if raster {
            bytes.extend(encode(&[Command::Raster(logo.image.clone())]).bytes);
        }
        bytes.extend(ticket.escpos(press).bytes);
        bytes
    };
    let bytes = build();
    std::fs::write(out, &bytes).expect("the output file is written");
    if loops > 0 {
        let started = Instant::now();
        for _ in 0..loops {
            std::hint::black_box(build());
        }
        let each = started.elapsed().as_secs_f64() / f64::from(loops);
        println!("per_ticket_us {:.1}", each * 1e6);
    }
    println!("bytes {}", bytes.len());
}
