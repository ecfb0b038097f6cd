//! Printer ports: a serial line (USB-serial adapter, the Pi's UART, or a
//! pseudo-terminal in tests) or a USB printer class device written as a file.
//!
//! Every write is bounded by a timeout, and a job is sent in chunks so that a
//! shutdown can stop between them. Errors say what to check.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How a printer is connected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Port {
    /// A serial device at a baud rate (8N1, no flow control).
    Serial { path: PathBuf, baud: u32 },
    /// A USB printer class device such as `/dev/usb/lp0`.
    UsbLp { path: PathBuf },
}

impl Port {
    pub fn path(&self) -> &Path {
        match self {
            Port::Serial { path, .. } | Port::UsbLp { path } => path,
        }
    }
}

/// Why a printer port could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The device does not exist.
    #[error(
        "printer port {0} does not exist — check the printer's cable and power, and the port in kiosk.toml"
    )]
    Missing(PathBuf),
    /// The device exists but this user may not open it.
    #[error(
        "cannot open printer port {0}: permission denied — add the kiosk user to the dialout group (serial) or lp group (USB)"
    )]
    Permission(PathBuf),
    /// The device is in use by another program.
    #[error("printer port {0} is busy — another program has it open")]
    Busy(PathBuf),
    /// The device went away in the middle of a job.
    #[error(
        "printer port {path} went away after {sent} of {total} bytes — check the cable; the ticket stays valid"
    )]
    Vanished {
        path: PathBuf,
        sent: usize,
        total: usize,
    },
    /// The printer did not take the data in time.
    #[error(
        "printer on {path} took only {sent} of {total} bytes in {timeout:?} — is it offline, out of paper or its cover open?"
    )]
    Timeout {
        path: PathBuf,
        sent: usize,
        total: usize,
        timeout: Duration,
    },
    /// The job was stopped because the kiosk is shutting down.
    #[error(
        "print job on {path} abandoned after {sent} of {total} bytes because the kiosk is stopping"
    )]
    Abandoned {
        path: PathBuf,
        sent: usize,
        total: usize,
    },
    /// Anything else from the operating system.
    #[error("printer port {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

/// An open printer port.
pub struct Printer {
    port: Port,
    sink: Box<dyn Write + Send>,
    timeout: Duration,
}

/// Bytes written per chunk: small enough that a stop request is honoured quickly,
/// large enough not to matter for throughput.
const CHUNK: usize = 256;

impl Printer {
    /// Opens the port. `timeout` bounds every write.
    pub fn open(port: &Port, timeout: Duration) -> Result<Self, TransportError> {
        let path = port.path().to_path_buf();
        if !path.exists() {
            return Err(TransportError::Missing(path));
        }
        let sink: Box<dyn Write + Send> = match port {
            Port::Serial { baud, .. } => {
                let p = serialport::new(path.to_string_lossy(), *baud)
                    .data_bits(serialport::DataBits::Eight)
                    .parity(serialport::Parity::None)
                    .stop_bits(serialport::StopBits::One)
                    .flow_control(serialport::FlowControl::None)
                    .timeout(timeout)
                    .open()
                    .map_err(|e| serial_error(&path, e))?;
                Box::new(p)
            }
            Port::UsbLp { .. } => {
                let f = OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .map_err(|e| io_error(&path, e))?;
                Box::new(f)
            }
        };
        Ok(Self {
            port: port.clone(),
            sink,
            timeout,
        })
    }

    pub fn port(&self) -> &Port {
        &self.port
    }

    /// Sends a whole job. Stops between chunks when `stop` is set, and fails when
    /// the port does not take the job within the timeout.
    pub fn send(&mut self, job: &[u8], stop: &AtomicBool) -> Result<(), TransportError> {
        let path = self.port.path().to_path_buf();
        let total = job.len();
        let started = Instant::now();
        let mut sent = 0;
        while sent < total {
            if stop.load(Ordering::Relaxed) {
                return Err(TransportError::Abandoned { path, sent, total });
            }
            if started.elapsed() > self.timeout {
                return Err(TransportError::Timeout {
                    path,
                    sent,
                    total,
                    timeout: self.timeout,
                });
            }
            let end = (sent + CHUNK).min(total);
            match self.sink.write(&job[sent..end]) {
                Ok(0) => return Err(TransportError::Vanished { path, sent, total }),
                Ok(n) => sent += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e)
                    if e.kind() == io::ErrorKind::TimedOut
                        || e.kind() == io::ErrorKind::WouldBlock =>
                {
                    return Err(TransportError::Timeout {
                        path,
                        sent,
                        total,
                        timeout: self.timeout,
                    });
                }
                Err(e) if vanished(&e) => {
                    return Err(TransportError::Vanished { path, sent, total });
                }
                Err(source) => return Err(TransportError::Io { path, source }),
            }
        }
        match self.sink.flush() {
            Ok(()) => Ok(()),
            // serialport reports a failed drain without its cause; a port whose
            // device node is gone has vanished.
            Err(e) if vanished(&e) || !path.exists() => {
                Err(TransportError::Vanished { path, sent, total })
            }
            Err(source) => Err(TransportError::Io { path, source }),
        }
    }
}

/// EIO, ENXIO, ENODEV: what a write returns when a USB adapter or pseudo-terminal
/// disappears.
fn vanished(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(5 | 6 | 19)) || e.kind() == io::ErrorKind::BrokenPipe
}

fn io_error(path: &Path, e: io::Error) -> TransportError {
    let path = path.to_path_buf();
    match e.kind() {
        io::ErrorKind::NotFound => TransportError::Missing(path),
        io::ErrorKind::PermissionDenied => TransportError::Permission(path),
        _ if e.raw_os_error() == Some(16) => TransportError::Busy(path),
        _ => TransportError::Io { path, source: e },
    }
}

fn serial_error(path: &Path, e: serialport::Error) -> TransportError {
    match e.kind() {
        serialport::ErrorKind::Io(kind) => io_error(path, io::Error::new(kind, e.description)),
        serialport::ErrorKind::NoDevice => TransportError::Busy(path.to_path_buf()),
        _ => TransportError::Io {
            path: path.to_path_buf(),
            source: io::Error::other(e.description),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serialport::SerialPort;
    use std::io::Read;

    #[test]
    fn a_missing_port_is_named_with_what_to_check() {
        let err = Printer::open(
            &Port::Serial {
                path: "/dev/ttyNOPE9".into(),
                baud: 9600,
            },
            Duration::from_secs(1),
        )
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            "printer port /dev/ttyNOPE9 does not exist — check the printer's cable and power, and the port in kiosk.toml"
        );
    }

    #[test]
    fn a_job_reaches_the_far_side_of_a_pseudo_terminal() {
        let (mut master, slave) = serialport::TTYPort::pair().unwrap();
        let path = PathBuf::from(slave.name().unwrap());
        let mut printer =
            Printer::open(&Port::Serial { path, baud: 9600 }, Duration::from_secs(2)).unwrap();
        let job: Vec<u8> = (0..2000u32).map(|i| (i % 251) as u8).collect();
        let reader = std::thread::spawn(move || {
            let mut got = vec![0u8; 2000];
            master.set_timeout(Duration::from_secs(5)).unwrap();
            master.read_exact(&mut got).unwrap();
            // The master goes back with the bytes: closing it before the sender's
            // final drain would be a pulled cable.
            (got, master)
        });
        printer.send(&job, &AtomicBool::new(false)).unwrap();
        assert_eq!(reader.join().unwrap().0, job);
    }

    #[test]
    fn a_stop_request_abandons_the_job_between_chunks() {
        let (_master, slave) = serialport::TTYPort::pair().unwrap();
        let path = PathBuf::from(slave.name().unwrap());
        let mut printer =
            Printer::open(&Port::Serial { path, baud: 9600 }, Duration::from_secs(2)).unwrap();
        let err = printer
            .send(&[0u8; 1000], &AtomicBool::new(true))
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
        let (master, slave) = serialport::TTYPort::pair().unwrap();
        let path = PathBuf::from(slave.name().unwrap());
        let mut printer =
            Printer::open(&Port::Serial { path, baud: 9600 }, Duration::from_secs(2)).unwrap();
        drop(master);
        drop(slave);
        let err = printer.send(b"A001", &AtomicBool::new(false)).unwrap_err();
        assert!(matches!(err, TransportError::Vanished { .. }), "{err}");
    }
}
