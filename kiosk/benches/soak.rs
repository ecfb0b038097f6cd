//! A busy station's year, compressed: the release `kiosk run` on the
//! simulated board lives every working day of 2026 in seconds, its simulated
//! clock jumped forward through each day (`clock jump`), and reports its
//! resident memory, open files, database size and bytes written as it goes.
//!
//! Each working day: three members sign on; TICKETS tickets (default 300)
//! are taken on the touchscreen across both sessions, called, completed and
//! rated on the evaluator (one rating a day is 非常不满意, which opens a
//! case); every fifth day the printer runs out of paper mid-morning and is
//! reloaded; every tenth the panic button is pressed and the manager resets
//! it; the members sign off and the day closes at 18:00. The station is
//! stopped and started again every RESTART working days (default 60). At the
//! end the kiosk is stopped and `kiosk doctor`, `kiosk verify-log` and a
//! backup are timed on the year's data folder.
//!
//! Memory is read from /proc/PID/status after each day: all resident
//! memory, and apart the anonymous part (the heap: what a leak would grow)
//! and the pages mapped from files (the binary's code and data, which the
//! kernel reads in as paths are first taken and may drop again); the
//! control socket's `memory` tells how much of the heap SQLite holds. Growth
//! is reported for each life of the process between restarts.
//!
//! Bytes written are the process's own (`write_bytes` in /proc/PID/io: what
//! it sent towards the disk, page by page), split into SQLite's (counted by
//! the slow-card VFS, here with delays of a microsecond), the log (standard
//! error at the service's level, which journald would write) and the rest
//! (on the simulated board: the window cards' PNGs and the voice's WAVs,
//! which a Pi does not write).
//!
//! Run: `cargo bench -p kiosk --bench soak [-- DAYS [TICKETS [RESTART]]]`.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

use jiff::civil::{Date, Weekday};
use kiosk::config::Config;

const MANAGER: (&str, &str) = ("0001", "13579");
const MEMBERS: [(u8, &str, &str); 3] = [
    (1, "0101", "2468"),
    (2, "0102", "2468"),
    (3, "0103", "2468"),
];
const SETTINGS: &str = "[printer]\nsimulate_timing = false\n";

/// Resident memory in kB: all of it, the anonymous part, the part mapped
/// from files; and what SQLite holds of the heap (its page caches above all).
#[derive(Clone, Copy)]
struct Memory {
    all: u64,
    anon: u64,
    file: u64,
    sqlite: u64,
}

impl std::fmt::Display for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "{} kB (anonymous {} of which SQLite {}, files {})",
            self.all, self.anon, self.sqlite, self.file
        )
    }
}

/// One running kiosk and its control socket.
struct Kiosk {
    child: Child,
    control: BufReader<UnixStream>,
    /// Bytes the process had written when last asked (it is gone at the end).
    written: u64,
}

impl Kiosk {
    fn start(data: &Path, at: &str, log: &Path) -> Kiosk {
        let mut child = Process::new(env!("CARGO_BIN_EXE_kiosk"))
            .args(["run", "--headless", "--clock", at, "--data"])
            .arg(data)
            .arg("--config")
            .arg(data.join("soak-kiosk.toml"))
            .env("KIOSK_SLOW_CARD", "0.001,0.001,0.001")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(log)
                    .expect("the log file"),
            )
            .spawn()
            .expect("kiosk runs");
        let mut ready = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut ready)
            .expect("a ready line");
        let socket = ready
            .split_whitespace()
            .find_map(|w| w.strip_prefix("control="))
            .unwrap_or_else(|| panic!("no control socket in `{ready}`"));
        let stream = UnixStream::connect(socket).expect("the control socket accepts");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("a timeout");
        Kiosk {
            child,
            control: BufReader::new(stream),
            written: 0,
        }
    }

    fn send(&mut self, command: &str) -> String {
        let stream = self.control.get_mut();
        stream.write_all(command.as_bytes()).expect("sent");
        stream.write_all(b"\n").expect("sent");
        let mut line = String::new();
        self.control.read_line(&mut line).expect("an answer");
        line
    }

    fn ok(&mut self, command: &str) {
        let answer = self.send(command);
        assert!(answer.contains("\"ok\":true"), "`{command}`: {answer}");
    }

    fn proc(&self, file: &str) -> String {
        std::fs::read_to_string(format!("/proc/{}/{file}", self.child.id())).unwrap_or_default()
    }

    /// Resident memory, open file descriptors, bytes written so far.
    fn sample(&mut self) -> (Memory, usize, u64) {
        let field = |text: &str, name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let status = self.proc("status");
        let sqlite: serde_json::Value =
            serde_json::from_str(&self.send("memory")).expect("a JSON answer");
        let rss = Memory {
            all: field(&status, "VmRSS:"),
            anon: field(&status, "RssAnon:"),
            file: field(&status, "RssFile:") + field(&status, "RssShmem:"),
            sqlite: sqlite["sqlite_bytes"].as_u64().expect("SQLite's bytes") / 1024,
        };
        let fds = std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .map(|d| d.count())
            .unwrap_or(0);
        self.written = field(&self.proc("io"), "write_bytes:");
        (rss, fds, self.written)
    }

    /// Stops the kiosk; returns the bytes it wrote in all.
    fn stop(mut self) -> u64 {
        self.sample();
        let _ = self.send("quit");
        let _ = self.child.wait();
        self.written
    }
}

/// `kiosk ARGS --data DATA`, timed; it must succeed (`kiosk doctor` may
/// warn: its findings are printed instead).
fn timed(data: &Path, args: &[&str], stdin: Option<&str>) -> Duration {
    let started = Instant::now();
    let mut child = Process::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(args)
        .arg("--data")
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kiosk runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("written");
    } else {
        drop(child.stdin.take());
    }
    let mut out = String::new();
    let mut err = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("read");
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("read");
    let status = child.wait().expect("waited");
    let took = started.elapsed();
    if args[0] == "doctor" {
        if !status.success() {
            println!("kiosk doctor says:\n{out}{err}");
        }
    } else {
        assert!(status.success(), "kiosk {args:?}: {out}{err}");
    }
    took
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// One working day's traffic.
fn day(kiosk: &mut Kiosk, day: Date, n: usize, tickets: usize) {
    kiosk.ok(&format!("clock jump {day} 08:20"));
    for (window, staff, pin) in MEMBERS {
        kiosk.ok(&format!("sign-on {window} {staff} {pin}"));
    }
    let per_session = tickets / 2;
    for (session, (open_min, span_min)) in
        [(8 * 60 + 30, 200), (14 * 60, 200)].into_iter().enumerate()
    {
        for i in 0..per_session {
            // Spread over the session, a jump every ten tickets.
            if i % 10 == 0 {
                let minute = open_min + 1 + span_min * i / per_session;
                kiosk.ok(&format!(
                    "clock jump {day} {:02}:{:02}",
                    minute / 60,
                    minute % 60
                ));
            }
            if session == 0 && i == per_session / 2 && n.is_multiple_of(5) {
                kiosk.ok("printer paper-end-in 5");
            }
            let (category, window) = [("A", 1), ("B", 2), ("C", 3)][i % 3];
            kiosk.ok(&format!("tap category-{category}"));
            kiosk.ok("settle held");
            kiosk.ok("tap done");
            if session == 0 && i == per_session / 2 && n.is_multiple_of(5) {
                kiosk.ok("printer paper-load");
                kiosk.ok("settle");
            }
            kiosk.ok(&format!("key {window} call"));
            kiosk.ok(&format!("key {window} complete"));
            // The levels every window's evaluator has (their keys differ).
            let level = if i == 7 && session == 1 { 1 } else { 5 };
            kiosk.ok(&format!("rate {window} {level}"));
        }
        if session == 0 && n.is_multiple_of(10) {
            kiosk.ok("panic press");
            kiosk.ok("panic release");
            kiosk.ok(&format!("alarm reset panic {} {}", MANAGER.0, MANAGER.1));
        }
    }
    for (window, _, _) in MEMBERS {
        kiosk.ok(&format!("sign-off {window}"));
    }
    kiosk.ok(&format!("clock jump {day} 18:05"));
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<usize>().ok());
    let days = args.next().unwrap_or(250);
    let tickets = args.next().unwrap_or(300);
    let restart = args.next().unwrap_or(60).max(1);

    let dir = support::database_dir();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("the data folder");
    std::fs::write(data.join("soak-kiosk.toml"), SETTINGS).expect("settings");
    let pin = |args: &[&str], pin: &str| {
        timed(&data, args, Some(&format!("{pin}\n")));
    };
    pin(
        &[
            "staff", "add", MANAGER.0, "--name", "站长", "--role", "manager",
        ],
        MANAGER.1,
    );
    for (_, staff, code) in MEMBERS {
        pin(
            &["staff", "add", staff, "--name", "王芳", "--role", "staff"],
            code,
        );
    }
    let log = dir.path().join("kiosk.log");
    let calendar = Config::builtin().expect("the built-in config").calendar;

    let mut working = Vec::new();
    let mut d: Date = "2026-01-05".parse().expect("a date");
    while working.len() < days {
        // Weekdays the calendar keeps working (the catalog's sessions are
        // for Monday to Friday).
        if !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && calendar.is_working_day(d)
        {
            working.push(d);
        }
        d = d.tomorrow().expect("a later day");
    }

    println!(
        "{days} working days from {} to {}, {tickets} tickets a day, a restart every {restart} days",
        working[0],
        working[working.len() - 1]
    );
    println!(
        "day         rss_kb  anon_kb  sqlite_kb  file_kb   fds  db_mb  wal_mb  written_mb  log_kb"
    );
    let started = Instant::now();
    let mut kiosk = Kiosk::start(&data, &format!("{} 08:00", working[0]), &log);
    let mut written = 0u64;
    // Each life of the process: its samples, a day apart.
    let mut lives: Vec<Vec<(Memory, usize)>> = vec![Vec::new()];
    for (n, &date) in working.iter().enumerate() {
        if n > 0 && n % restart == 0 {
            written += kiosk.stop();
            kiosk = Kiosk::start(&data, &format!("{date} 08:00"), &log);
            lives.push(Vec::new());
        }
        day(&mut kiosk, date, n, tickets);
        let (rss, fds, now) = kiosk.sample();
        lives.last_mut().expect("a life").push((rss, fds));
        if n % 10 == 0 || n + 1 == working.len() {
            println!(
                "{date}  {:>7}  {:>7}  {:>9}  {:>7}  {fds:>4}  {:>5.1}  {:>6.1}  {:>10.1}  {:>6}",
                rss.all,
                rss.anon,
                rss.sqlite,
                rss.file,
                size(&data.join("kiosk.db")) as f64 / 1e6,
                size(&data.join("kiosk.db-wal")) as f64 / 1e6,
                (written + now) as f64 / 1e6,
                size(&log) / 1000
            );
        }
    }
    written += kiosk.stop();
    let took = started.elapsed();
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
    let card: Vec<&str> = log_text
        .lines()
        .filter(|l| l.contains("slow card"))
        .collect();
    println!("\nthe year took {:.0} s", took.as_secs_f64());
    let samples: Vec<(Memory, usize)> = lives.iter().flatten().copied().collect();
    let (first, last) = (samples[0], samples[samples.len() - 1]);
    let max = samples.iter().map(|s| s.0.all).max().unwrap_or(0);
    println!(
        "rss: after the first day {}, at the end {}, highest {} kB; fds {} → {}",
        first.0, last.0, max, first.1, last.1
    );
    for (n, life) in lives.iter().enumerate() {
        let (first, last) = (life[0].0, life[life.len() - 1].0);
        // From the twenty-first day on: once the caches are full.
        let settled = life[life.len().min(21) - 1].0;
        let growth = |from: Memory| {
            format!(
                "{:+} kB (anonymous {:+} of which SQLite {:+}, files {:+})",
                last.all as i64 - from.all as i64,
                last.anon as i64 - from.anon as i64,
                last.sqlite as i64 - from.sqlite as i64,
                last.file as i64 - from.file as i64
            )
        };
        println!(
            "  life {} ({} days): growth from its first day {}, from its 21st {}",
            n + 1,
            life.len(),
            growth(first),
            growth(settled)
        );
    }
    println!(
        "bytes written by the kiosk: {:.1} MB in {days} days, {:.2} MB a day; log {:.1} MB",
        written as f64 / 1e6,
        written as f64 / 1e6 / days as f64,
        size(&log) as f64 / 1e6
    );
    for line in card {
        println!(
            "  {}",
            line.split("slow card").nth(1).map_or(line, |s| s.trim())
        );
    }
    println!(
        "database {:.1} MB (+ log {:.1} MB)",
        size(&data.join("kiosk.db")) as f64 / 1e6,
        size(&data.join("kiosk.db-wal")) as f64 / 1e6
    );
    let copy: PathBuf = dir.path().join("backup.db");
    println!(
        "kiosk doctor {:.2} s, verify-log {:.2} s, backup {:.2} s",
        timed(&data, &["doctor"], None).as_secs_f64(),
        timed(&data, &["verify-log"], None).as_secs_f64(),
        timed(
            &data,
            &["backup", "--to", copy.to_str().expect("a path")],
            None
        )
        .as_secs_f64()
    );
}
