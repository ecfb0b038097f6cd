//! Tests of the printer transport over pseudo-terminals: jobs, stops, ports
//! that vanish, status questions and answers, blocks, pacing and flow
//! control, and the messages a technician reads.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use serialport::{SerialPort, TTYPort};

use super::error::{io_error, serial_error};
use super::*;
use crate::escpos::{self, Command, Encoded};
use crate::profile::FlowControl;
use crate::status::{Status, StatusKind};

#[test]
fn a_port_the_kiosk_user_may_not_open_names_the_group_to_join() {
    let denied = io_error(
        Path::new("/dev/kiosk-printer"),
        io::Error::from(io::ErrorKind::PermissionDenied),
    );
    assert_eq!(
        denied.to_string(),
        "cannot open printer port /dev/kiosk-printer: permission denied — add the kiosk user to the dialout group (the package's udev rules give serial and USB printers to it)"
    );
    let serial = serial_error(
        Path::new("/dev/ttyUSB0"),
        serialport::Error::new(
            serialport::ErrorKind::Io(io::ErrorKind::PermissionDenied),
            "Permission denied",
        ),
    );
    assert!(
        matches!(serial, TransportError::Permission(_)),
        "{serial:?}"
    );
}

fn settings() -> Settings {
    Settings {
        write_timeout: Duration::from_secs(2),
        reply_timeout: Duration::from_millis(300),
        receive_buffer: 4096,
        status: true,
        drain_rate: 34_560,
    }
}

fn pair(settings: Settings) -> (TTYPort, Printer) {
    let (mut master, slave) = TTYPort::pair().unwrap();
    master.set_timeout(Duration::from_secs(5)).unwrap();
    let path = PathBuf::from(slave.name().unwrap());
    let printer = Printer::open(
        &Port::Serial {
            path,
            line: Line::plain(9600),
        },
        settings,
    )
    .unwrap();
    (master, printer)
}

fn job(bytes: &[u8]) -> Encoded {
    Encoded {
        bytes: bytes.to_vec(),
        replaced: vec![],
        boundaries: vec![bytes.len()],
    }
}

#[test]
fn a_missing_port_is_named_with_what_to_check() {
    let err = Printer::open(
        &Port::Serial {
            path: "/dev/ttyNOPE9".into(),
            line: Line::plain(9600),
        },
        settings(),
    )
    .err()
    .unwrap();
    assert_eq!(
        err.to_string(),
        "printer port /dev/ttyNOPE9 does not exist — check the printer's cable and power, and the port in kiosk.toml or the board profile"
    );
}

#[test]
fn a_job_reaches_the_far_side_of_a_pseudo_terminal() {
    let (mut master, mut printer) = pair(settings());
    let bytes: Vec<u8> = (0..2000u32).map(|i| (i % 251) as u8).collect();
    let reader = std::thread::spawn(move || {
        let mut got = vec![0u8; 2000];
        master.read_exact(&mut got).unwrap();
        // The master goes back with the bytes: closing it before the sender's
        // final drain would be a pulled cable.
        (got, master)
    });
    printer.send(&job(&bytes), &AtomicBool::new(false)).unwrap();
    assert_eq!(reader.join().unwrap().0, bytes);
}

#[test]
fn a_stop_request_abandons_the_job_between_chunks() {
    let (_master, mut printer) = pair(settings());
    let err = printer
        .send(&job(&[0u8; 1000]), &AtomicBool::new(true))
        .unwrap_err();
    assert!(
        matches!(
            err,
            TransportError::Abandoned {
                sent: 0,
                total: 1000,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_vanished_port_is_reported_not_panicked() {
    let (master, mut printer) = pair(settings());
    drop(master);
    let err = printer
        .send(&job(b"A001"), &AtomicBool::new(false))
        .unwrap_err();
    assert!(matches!(err, TransportError::Vanished { .. }), "{err}");
}

#[test]
fn a_port_gone_while_an_answer_is_awaited_says_so_without_made_up_counts() {
    let (master, mut printer) = pair(settings());
    printer.send_end_marker().unwrap();
    drop(master);
    let err = printer.wait_end_marker(Duration::from_secs(2)).unwrap_err();
    assert!(matches!(err, TransportError::Gone { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("went away while the kiosk waited"),
        "{message}"
    );
    assert!(!message.contains(" of "), "{message}");
    // Asking the status of a port that is gone is the same.
    let err = printer.health().unwrap_err();
    assert!(matches!(err, TransportError::Gone { .. }), "{err}");
}

#[test]
fn status_is_asked_and_read_one_byte_at_a_time() {
    let (mut master, mut printer) = pair(settings());
    let far = std::thread::spawn(move || {
        let mut asked = Vec::new();
        for answer in [0x12u8, 0x16, 0x1e] {
            let mut req = [0u8; 3];
            master.read_exact(&mut req).unwrap();
            asked.push(req[2]);
            // One answer per question; the next question comes only after
            // it was read.
            master.write_all(&[answer]).unwrap();
        }
        (asked, master)
    });
    let health = printer.health().unwrap();
    let (asked, _master) = far.join().unwrap();
    assert_eq!(asked, [1, 2, 4]);
    assert!(health.cover_open && health.paper_near_end && !health.paper_out);
}

#[test]
fn silence_and_garbage_are_named_for_a_technician() {
    let (mut master, mut printer) = pair(settings());
    let err = printer.query(StatusKind::Printer).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "no answer from printer on {} at 9600 baud — check cable, baud and power",
            printer.port().path().display()
        )
    );
    let far = std::thread::spawn(move || {
        let mut req = [0u8; 3];
        master.read_exact(&mut req).unwrap();
        master.write_all(b"A").unwrap();
        master
    });
    let err = printer.query(StatusKind::Printer).unwrap_err();
    let _master = far.join().unwrap();
    assert!(
        matches!(err, TransportError::BadReply { byte: b'A', .. }),
        "{err}"
    );
    assert!(err.to_string().contains("check the baud rate"), "{err}");
}

#[test]
fn the_end_marker_waits_for_the_printer_and_keeps_auto_status() {
    let (mut master, mut printer) = pair(settings());
    printer.set_auto_status(true).unwrap();
    let far = std::thread::spawn(move || {
        let mut req = [0u8; 6];
        master.read_exact(&mut req).unwrap();
        assert_eq!(req, [0x1d, b'a', 0x0e, 0x1d, b'r', 1]);
        // An automatic status block (paper low), then the answer.
        master.write_all(&[0x10, 0x00, 0x03, 0x00, 0x03]).unwrap();
        master
    });
    let paper = printer.finish(Duration::from_secs(2)).unwrap();
    let mut master = far.join().unwrap();
    assert!(paper.near_end && !paper.end);
    assert!(printer.auto_status().unwrap().paper_near_end);

    // Automatic status reporting a fault ends the wait for the marker.
    let far = std::thread::spawn(move || {
        let mut req = [0u8; 3];
        master.read_exact(&mut req).unwrap();
        master.write_all(&[0x18, 0x00, 0x0c, 0x00]).unwrap();
        master
    });
    let err = printer.finish(Duration::from_secs(5)).unwrap_err();
    let _master = far.join().unwrap();
    assert!(
        matches!(err, TransportError::Stopped { health, .. } if health.paper_out),
        "{err}"
    );

    // A printer that takes the job and never answers.
    let err = printer.finish(Duration::from_millis(200)).unwrap_err();
    assert!(matches!(err, TransportError::Unfinished { .. }), "{err}");
}

#[test]
fn an_end_marker_answer_during_a_status_question_is_kept_for_later() {
    let (mut master, mut printer) = pair(settings());
    // A job's end marker went unanswered (the paper ran out).
    let _ = printer.finish(Duration::from_millis(50)).unwrap_err();
    let far = std::thread::spawn(move || {
        let mut req = [0u8; 6];
        master.read_exact(&mut req).unwrap();
        assert_eq!(&req[3..], [0x10, 0x04, 1]);
        // The printer finishes the held job (answers GS r 1) just as it is asked.
        master.write_all(&[0x03, 0x12]).unwrap();
        master
    });
    let status = printer.query(StatusKind::Printer).unwrap();
    let _master = far.join().unwrap();
    assert!(matches!(status, Status::Printer { offline: false, .. }));
    let paper = printer.wait_end_marker(Duration::from_millis(10)).unwrap();
    assert!(paper.near_end, "the kept answer, without reading again");
}

#[test]
fn a_job_larger_than_half_the_buffer_goes_in_answered_blocks() {
    let mut s = settings();
    s.receive_buffer = 256;
    let (mut master, mut printer) = pair(s);
    // 10 commands of 50 bytes: blocks of two commands (100 bytes ≤ 128).
    let commands: Vec<Command> = (0..10)
        .map(|i| Command::Text(format!("{i:0>49}\n")))
        .collect();
    let encoded = escpos::encode(&commands);
    // The far side answers a block only once two are owed: the sender must
    // then wait, and send nothing more until an answer comes.
    let far = std::thread::spawn(move || {
        let mut blocks = Vec::new();
        let mut current = Vec::new();
        let mut byte = [0u8; 1];
        let mut owed = 0;
        let mut overrun = false;
        while blocks.len() < 5 {
            master.read_exact(&mut byte).unwrap();
            current.push(byte[0]);
            if current.ends_with(&[0x1d, b'r', 1]) {
                blocks.push(current.len() - 3);
                current.clear();
                owed += 1;
                if owed == 2 {
                    master.set_timeout(Duration::from_millis(200)).unwrap();
                    if master.read(&mut byte).is_ok() {
                        overrun = true;
                        current.push(byte[0]);
                    }
                    master.set_timeout(Duration::from_secs(5)).unwrap();
                    master.write_all(&[0x00]).unwrap();
                    owed -= 1;
                }
            }
        }
        for _ in 0..owed {
            master.write_all(&[0x00]).unwrap();
        }
        (blocks, overrun, master)
    });
    printer.send(&encoded, &AtomicBool::new(false)).unwrap();
    let (blocks, overrun, _master) = far.join().unwrap();
    assert_eq!(blocks, [100, 100, 100, 100, 100]);
    assert!(!overrun, "a third block went out with two unanswered");
}

#[test]
fn a_printer_that_cannot_answer_is_fed_no_faster_than_it_drains() {
    let mut s = settings();
    s.status = false;
    s.receive_buffer = 256;
    s.drain_rate = 2560;
    let (mut master, mut printer) = pair(s);
    let bytes = vec![b'x'; 1024];
    let far = std::thread::spawn(move || {
        let mut got = vec![0u8; 1024];
        master.read_exact(&mut got).unwrap();
        (got, master)
    });
    let started = Instant::now();
    printer.send(&job(&bytes), &AtomicBool::new(false)).unwrap();
    let took = started.elapsed();
    assert_eq!(far.join().unwrap().0, bytes);
    // 768 bytes beyond the buffer at 2560 bytes a second.
    assert!(took >= Duration::from_millis(300), "{took:?}");
}

#[test]
fn software_flow_control_stops_and_starts_the_line() {
    let (mut master, mut slave) = TTYPort::pair().unwrap();
    master.set_timeout(Duration::from_millis(300)).unwrap();
    slave.set_timeout(Duration::from_secs(5)).unwrap();
    let path = PathBuf::from(slave.name().unwrap());
    let line = Line {
        flow: FlowControl::XonXoff,
        ..Line::plain(9600)
    };
    let mut printer = Printer::open(&Port::Serial { path, line }, settings()).unwrap();
    // The printer says XOFF, then a byte: once the byte is through, so is
    // the XOFF (input is processed in order), and the line is stopped.
    master.write_all(&[0x13, b'Z']).unwrap();
    let mut first = [0u8; 1];
    slave.read_exact(&mut first).unwrap();
    assert_eq!(
        first[0], b'Z',
        "the XOFF itself is taken by the line, not read"
    );
    // The kiosk's write waits (within its timeout) while the line is stopped.
    let sender = std::thread::spawn(move || {
        let result = printer.send(&job(b"A001\n"), &AtomicBool::new(false));
        (result.is_ok(), printer)
    });
    assert!(
        master.read(&mut first).is_err(),
        "nothing may pass while the printer said XOFF"
    );
    // XON: it flows, and the kiosk's write completes.
    master.write_all(&[0x11]).unwrap();
    master.set_timeout(Duration::from_secs(5)).unwrap();
    let mut got = [0u8; 5];
    master.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"A001\n");
    assert!(
        sender.join().unwrap().0,
        "the job was sent once the line flowed"
    );
    // Hardware flow control opens too (a pseudo-terminal has no CTS line to
    // test it against).
    let (_m, slave) = TTYPort::pair().unwrap();
    let line = Line {
        flow: FlowControl::RtsCts,
        ..Line::plain(115_200)
    };
    let path = PathBuf::from(slave.name().unwrap());
    assert!(Printer::open(&Port::Serial { path, line }, settings()).is_ok());
}

#[test]
fn a_usb_printer_class_device_is_a_file_that_can_answer() {
    // A pseudo-terminal's far end opened as a plain file, as /dev/usb/lp0 is.
    let (mut master, slave) = TTYPort::pair().unwrap();
    master.set_timeout(Duration::from_secs(5)).unwrap();
    let path = PathBuf::from(slave.name().unwrap());
    let mut printer = Printer::open(&Port::UsbLp { path }, settings()).unwrap();
    let far = std::thread::spawn(move || {
        let mut got = [0u8; 8];
        master.read_exact(&mut got).unwrap();
        master.write_all(&[0x12]).unwrap();
        (got, master)
    });
    printer
        .send(&job(b"A001\n"), &AtomicBool::new(false))
        .unwrap();
    let status = printer.query(StatusKind::Printer).unwrap();
    let (got, _master) = far.join().unwrap();
    assert_eq!(&got, b"A001\n\x10\x04\x01");
    assert!(matches!(status, Status::Printer { offline: false, .. }));
}

#[test]
fn wire_time_counts_ten_bits_a_byte() {
    assert_eq!(Line::plain(9600).wire_time(960), Duration::from_secs(1));
    let odd = Line {
        parity: Parity::Odd,
        ..Line::plain(9600)
    };
    assert_eq!(odd.wire_time(960), Duration::from_secs_f64(1.1));
}
