//! Unit start → ready, and the watchdog's restart of a hung kiosk, with this
//! program playing systemd the way `packaging/kiosk.service` sets it up:
//! `Type=notify` (a datagram socket in `$NOTIFY_SOCKET`), `WatchdogSec=10s`,
//! `RestartSec=2s`, and SIGABRT when the watchdog runs out (systemd's
//! default `WatchdogSignal`).
//!
//! Each round starts the real `kiosk run` (headless, simulated board) and
//! times exec → `READY=1`; then hangs its screen thread for a minute through
//! the control socket (`hang ui 60s`) and waits as systemd would: once no
//! `WATCHDOG=1` has come for `WatchdogSec` since the last one, the kiosk is
//! killed, `RestartSec` later started again, and the round ends at the new
//! `READY=1`. The bar (issue 8): hang → ready again ≤ WatchdogSec + 5 s.
//! Run: `cargo bench -p kiosk --bench watchdog [-- ROUNDS]` (3 by default).

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WATCHDOG: Duration = Duration::from_secs(10);
const RESTART_SEC: Duration = Duration::from_secs(2);

/// Starts the kiosk as systemd would and waits for `READY=1`: the child,
/// its control socket, and exec → ready.
fn start(data: &Path, systemd: &UnixDatagram, notify: &Path) -> (Child, String, Duration) {
    let t0 = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(["run", "--headless", "--clock", "2026-11-30 09:00", "--data"])
        .arg(data)
        .env("NOTIFY_SOCKET", notify)
        .env("WATCHDOG_USEC", WATCHDOG.as_micros().to_string())
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .expect("the kiosk starts");
    loop {
        let m = next(systemd).expect("READY=1 within the watchdog interval");
        if m.starts_with("READY=1") {
            break;
        }
    }
    let ready = t0.elapsed();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let socket = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("control="))
        .expect("the ready line names the control socket")
        .to_string();
    (child, socket, ready)
}

fn next(systemd: &UnixDatagram) -> Option<String> {
    let mut buf = [0u8; 512];
    let n = systemd.recv(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf[..n]).into_owned())
}

fn stop(child: &mut Child, socket: &str) {
    if let Ok(mut s) = UnixStream::connect(socket) {
        let _ = s.write_all(b"quit\n");
    }
    let _ = child.wait();
}

fn main() {
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(3);
    let dir = tempfile::tempdir().unwrap();
    let notify = dir.path().join("notify.sock");
    let systemd = UnixDatagram::bind(&notify).unwrap();
    let data = dir.path().join("data");
    let mut readies = Vec::new();
    let mut restarts = Vec::new();
    for round in 0..rounds {
        systemd.set_read_timeout(Some(WATCHDOG)).unwrap();
        let (mut child, socket, ready) = start(&data, &systemd, &notify);
        readies.push(ready);
        // Wait for a first ping, then hang the screen.
        while next(&systemd).as_deref() != Some("WATCHDOG=1") {}
        let mut last_ping = Instant::now();
        UnixStream::connect(&socket)
            .unwrap()
            .write_all(b"hang ui 60s\n")
            .unwrap();
        let hung = Instant::now();
        // systemd: the watchdog runs out WatchdogSec after the last ping.
        loop {
            let left = WATCHDOG.saturating_sub(last_ping.elapsed());
            if left.is_zero() {
                break;
            }
            systemd.set_read_timeout(Some(left)).unwrap();
            if let Some(m) = next(&systemd)
                && m == "WATCHDOG=1"
            {
                last_ping = Instant::now();
            }
        }
        let killed = hung.elapsed();
        let _ = Command::new("kill")
            .args(["-ABRT", &child.id().to_string()])
            .status();
        let _ = child.wait();
        std::thread::sleep(RESTART_SEC);
        systemd.set_read_timeout(Some(WATCHDOG)).unwrap();
        let (mut again, socket, _) = start(&data, &systemd, &notify);
        let back = hung.elapsed();
        restarts.push(back);
        println!(
            "round {}: ready {:.0} ms; hang → killed {:.2} s → ready again {:.2} s",
            round + 1,
            ready.as_secs_f64() * 1000.0,
            killed.as_secs_f64(),
            back.as_secs_f64()
        );
        stop(&mut again, &socket);
    }
    let max = |v: &[Duration]| v.iter().max().copied().unwrap_or_default();
    println!(
        "unit start → READY=1: max {:.0} ms over {} starts",
        max(&readies).as_secs_f64() * 1000.0,
        readies.len()
    );
    println!(
        "hang → ready again (WatchdogSec={} s, RestartSec={} s): max {:.2} s; bar ≤ {} s",
        WATCHDOG.as_secs(),
        RESTART_SEC.as_secs(),
        max(&restarts).as_secs_f64(),
        WATCHDOG.as_secs() + 5
    );
}
