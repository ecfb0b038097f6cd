//! The kiosk under systemd's notification protocol, with a datagram socket
//! standing in for systemd: `READY=1` when it takes commands, `WATCHDOG=1`
//! again and again while the station loop and the screen answer, `STOPPING=1`
//! on the way out. Without `$NOTIFY_SOCKET` the other tests run as before.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::process::Stdio;
use std::time::Duration;

use crate::support::{MONDAY_9AM, TEST_CONFIG, kiosk};

#[test]
fn the_kiosk_tells_systemd_it_is_ready_pings_the_watchdog_and_says_it_stops() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, TEST_CONFIG).unwrap();
    let notify = dir.path().join("notify.sock");
    let systemd = UnixDatagram::bind(&notify).unwrap();
    // Generous: a message that does not come within this fails the test.
    systemd
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut child = kiosk()
        .args(["run", "--headless", "--clock", MONDAY_9AM, "--data"])
        .arg(&data)
        .arg("--config")
        .arg(&config)
        .env("NOTIFY_SOCKET", &notify)
        // 400 ms: a ping every 200 ms.
        .env("WATCHDOG_USEC", "400000")
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    let socket = ready
        .split_whitespace()
        .find_map(|w| w.strip_prefix("control="))
        .unwrap()
        .to_string();
    let mut buf = [0u8; 256];
    let mut next = || {
        let n = systemd.recv(&mut buf).expect("a notification");
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    let first = next();
    assert!(first.starts_with("READY=1\n"), "{first:?}");
    for _ in 0..3 {
        assert_eq!(next(), "WATCHDOG=1");
    }
    let mut control = UnixStream::connect(&socket).unwrap();
    control.write_all(b"quit\n").unwrap();
    // Pings may still come until the UI's loop has ended; then the stop.
    let stopping = std::iter::repeat_with(&mut next)
        .find(|m| m != "WATCHDOG=1")
        .unwrap();
    assert_eq!(stopping, "STOPPING=1");
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_watchdog_meant_for_another_process_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, TEST_CONFIG).unwrap();
    let notify = dir.path().join("notify.sock");
    let systemd = UnixDatagram::bind(&notify).unwrap();
    systemd
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut child = kiosk()
        .args(["run", "--headless", "--clock", MONDAY_9AM, "--data"])
        .arg(&data)
        .arg("--config")
        .arg(&config)
        .env("NOTIFY_SOCKET", &notify)
        .env("WATCHDOG_USEC", "400000")
        .env("WATCHDOG_PID", "1")
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    let socket = ready
        .split_whitespace()
        .find_map(|w| w.strip_prefix("control="))
        .unwrap()
        .to_string();
    let mut buf = [0u8; 256];
    let n = systemd.recv(&mut buf).unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("READY=1"));
    // Stop at once: the next message must be the stop, with no ping between.
    UnixStream::connect(&socket)
        .unwrap()
        .write_all(b"quit\n")
        .unwrap();
    let n = systemd.recv(&mut buf).unwrap();
    assert_eq!(String::from_utf8_lossy(&buf[..n]), "STOPPING=1");
    assert!(child.wait().unwrap().success());
}
