//! The kiosk under systemd's notification protocol, with a datagram socket
//! standing in for systemd: `READY=1` when it takes commands, `WATCHDOG=1`
//! again and again while the station loop and the screen answer, `STOPPING=1`
//! on the way out. Without `$NOTIFY_SOCKET` the other tests run as before.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::support::{MONDAY_9AM, TEST_CONFIG, kiosk};

/// A kiosk started as systemd would with `env`, and the socket playing
/// systemd: the child, its control socket, the datagram socket.
fn start(dir: &Path, env: &[(&str, &str)]) -> (Child, String, UnixDatagram) {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let config = dir.join("kiosk.toml");
    std::fs::write(&config, TEST_CONFIG).unwrap();
    let notify = dir.join("notify.sock");
    let systemd = UnixDatagram::bind(&notify).unwrap();
    // Generous: a message that does not come within this fails the test.
    systemd
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut command = kiosk();
    command
        .args(["run", "--headless", "--clock", MONDAY_9AM, "--data"])
        .arg(&data)
        .arg("--config")
        .arg(&config)
        .env("NOTIFY_SOCKET", &notify)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let mut ready = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    let socket = ready
        .split_whitespace()
        .find_map(|w| w.strip_prefix("control="))
        .unwrap()
        .to_string();
    (child, socket, systemd)
}

/// The next notification.
fn next(systemd: &UnixDatagram) -> String {
    let mut buf = [0u8; 256];
    let n = systemd.recv(&mut buf).expect("a notification");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

fn quit(socket: &str) {
    UnixStream::connect(socket)
        .unwrap()
        .write_all(b"quit\n")
        .unwrap();
}

#[test]
fn the_kiosk_tells_systemd_it_is_ready_pings_the_watchdog_and_says_it_stops() {
    let dir = tempfile::tempdir().unwrap();
    // 400 ms: a ping every 200 ms.
    let (mut child, socket, systemd) = start(dir.path(), &[("WATCHDOG_USEC", "400000")]);
    let first = next(&systemd);
    assert!(first.starts_with("READY=1\n"), "{first:?}");
    for _ in 0..3 {
        assert_eq!(next(&systemd), "WATCHDOG=1");
    }
    quit(&socket);
    // Pings may still come until the UI's loop has ended; then the stop.
    let stopping = std::iter::repeat_with(|| next(&systemd))
        .find(|m| m != "WATCHDOG=1")
        .unwrap();
    assert_eq!(stopping, "STOPPING=1");
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_watchdog_meant_for_another_process_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, socket, systemd) = start(
        dir.path(),
        &[("WATCHDOG_USEC", "400000"), ("WATCHDOG_PID", "1")],
    );
    assert!(next(&systemd).starts_with("READY=1"));
    // Stopped at once: the next message must be the stop, with no ping between.
    quit(&socket);
    assert_eq!(next(&systemd), "STOPPING=1");
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_hung_screen_stops_the_watchdog_pings_until_it_answers_again() {
    let dir = tempfile::tempdir().unwrap();
    // 400 ms: a ping every 200 ms; systemd would restart after 400 ms of
    // silence.
    let (mut child, socket, systemd) = start(dir.path(), &[("WATCHDOG_USEC", "400000")]);
    assert!(next(&systemd).starts_with("READY=1"));
    assert_eq!(next(&systemd), "WATCHDOG=1");
    let mut control = UnixStream::connect(&socket).unwrap();
    control.write_all(b"hang ui 2s\n").unwrap();
    let mut answer = String::new();
    BufReader::new(control.try_clone().unwrap())
        .read_line(&mut answer)
        .unwrap();
    assert!(answer.contains("\"ok\":true"), "{answer}");
    let hung = std::time::Instant::now();
    // A ping already on its way may still come; then silence while the screen
    // hangs, far longer than the watchdog allows.
    let mut last = hung;
    let resumed = loop {
        assert_eq!(next(&systemd), "WATCHDOG=1");
        let now = std::time::Instant::now();
        if now - last > Duration::from_millis(1_200) {
            break now - last;
        }
        last = now;
        assert!(
            hung.elapsed() < Duration::from_secs(10),
            "the pings never stopped"
        );
    };
    assert!(
        resumed >= Duration::from_millis(1_200),
        "pings went on while the screen hung: a gap of only {resumed:?}"
    );
    // Answering again, the screen is pinged for once more.
    assert_eq!(next(&systemd), "WATCHDOG=1");
    quit(&socket);
    let _ = std::iter::repeat_with(|| next(&systemd)).find(|m| m == "STOPPING=1");
    assert!(child.wait().unwrap().success());
}
