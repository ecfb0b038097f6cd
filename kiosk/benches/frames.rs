//! Frames under load (bar: no UI frame over 33 ms p99 on the Pi-class CPU):
//! a citizen types a complaint on the pinyin keyboard while the console
//! serves the month's report again and again.
//!
//! A journal of ENTRIES (default 200,000) is made through the real domain and
//! store; the real `kiosk run --headless` serves it with `KIOSK_DRAW_FRAMES=1`,
//! so its screen draws every frame the UI asks for with the software renderer,
//! as a display's loop would. One thread taps the complaint screen's keys
//! through the control socket at a brisk typist's pace (a key every 150 ms),
//! choosing the first candidate after each word; another asks for the last
//! month's report without pause. At the end the kiosk prints how long frames
//! took to draw and how long a posted change (a key) waited to be shown.
//! Run: `cargo bench -p kiosk --bench frames [-- ENTRIES]`, or under
//! `scripts/bench-pi-class frames`.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use support::console::Client;

/// Words typed, each followed by its first candidate.
const WORDS: [&str; 8] = [
    "dengdai", "tai", "jiu", "fuwu", "taidu", "bu", "hao", "xiwang",
];

/// How long a typist takes between keys.
const PACE: Duration = Duration::from_millis(150);

/// Words before the form is cancelled and begun again (it stays short).
const WORDS_PER_FORM: usize = 12;

/// Keys typed in all.
const KEYS: usize = 400;

struct Control(BufReader<UnixStream>);

impl Control {
    fn ok(&mut self, command: &str) {
        let stream = self.0.get_mut();
        stream.write_all(command.as_bytes()).expect("sent");
        stream.write_all(b"\n").expect("sent");
        let mut line = String::new();
        self.0.read_line(&mut line).expect("an answer");
        assert!(line.contains("\"ok\":true"), "`{command}`: {line}");
    }
}

fn main() {
    let entries: u64 = support::first_number(200_000);
    let dir = support::database_dir();
    let (_, last) = support::year::made(&dir.path().join("kiosk.db"), entries);
    let clock = format!("{} 09:00", last.tomorrow().expect("a day after"));
    let (mut child, base, control) =
        support::console::serve_with(dir.path(), &clock, &[("KIOSK_DRAW_FRAMES", "1")]);
    let month = last
        .first_of_month()
        .yesterday()
        .expect("a day before")
        .to_string()[..7]
        .to_string();

    let stop = Arc::new(AtomicBool::new(false));
    let reports = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let client = Client::sign_in(&base);
            let mut times = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let (status, body, took) = client.get(&format!("/reports?month={month}"));
                assert_eq!(status, 200, "{body}");
                times.push(took);
            }
            times
        })
    };

    let mut screen = Control(BufReader::new(
        UnixStream::connect(&control).expect("the control socket accepts"),
    ));
    let started = Instant::now();
    let mut keys = 0;
    let mut words = 0;
    'typing: loop {
        screen.ok("tap complaint");
        screen.ok("tap topic-1");
        screen.ok("tap window-2");
        for word in WORDS.iter().cycle().take(WORDS_PER_FORM) {
            for c in word.chars() {
                screen.ok(&format!("tap key-{c}"));
                keys += 1;
                std::thread::sleep(PACE);
            }
            screen.ok("tap candidate-0");
            words += 1;
            std::thread::sleep(PACE);
            if keys >= KEYS {
                break 'typing;
            }
        }
        screen.ok("tap form-cancel");
    }
    let typed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let report_times = reports.join().expect("the report thread");
    screen.ok("quit");
    let mut rest = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut rest)
        .expect("the kiosk's last words");
    let _ = child.wait();

    println!(
        "typed {keys} keys and chose {words} words in {:.1} s while the console served {} month reports",
        typed.as_secs_f64(),
        report_times.len()
    );
    support::report(
        "month report under typing (request → last byte)",
        report_times,
    );
    let frames = rest
        .lines()
        .find(|l| l.starts_with("frames drawn="))
        .unwrap_or_else(|| panic!("no frame times in `{rest}`"));
    println!("{frames}");
}
