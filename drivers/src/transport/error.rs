//! Why a printer port could not be used, each variant's message saying what
//! to check, and the translations of the operating system's and the serial
//! library's errors into it.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::status::Health;

/// Why a printer port could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The device does not exist.
    #[error(
        "printer port {0} does not exist — check the printer's cable and power, and the port in kiosk.toml or the board profile"
    )]
    Missing(PathBuf),
    /// The device exists but this user may not open it.
    #[error(
        "cannot open printer port {0}: permission denied — add the kiosk user to the dialout group (the package's udev rules give serial and USB printers to it)"
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
    /// The device went away while the kiosk asked the printer something or
    /// waited for its answer (no job bytes were being written).
    #[error(
        "printer port {path} went away while the kiosk waited for the printer's answer — check the cable; a ticket it did not confirm is printed again, marked 补打"
    )]
    Gone { path: PathBuf },
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
    /// Nothing answered a status request.
    #[error("no answer from printer on {port} — check cable, baud and power")]
    NoAnswer { port: String },
    /// Something answered, but not with a status byte.
    #[error(
        "printer on {port} answered {byte:#04x}, which is not a status byte — check the baud rate and that the device is a printer"
    )]
    BadReply { port: String, byte: u8 },
    /// The printer took the whole job but never reported it printed.
    #[error(
        "the printer on {port} took the job but did not finish it within {waited:?} — check paper, cover and power"
    )]
    Unfinished { port: String, waited: Duration },
    /// While printing, the printer reported a fault by automatic status back.
    #[error("the printer on {port} stopped: {health}")]
    Stopped { port: String, health: Health },
    /// The port cannot answer status (a printer without it, or a file sink).
    #[error("the printer on {0} does not report its status")]
    NoStatus(String),
    /// Anything else from the operating system.
    #[error("printer port {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

/// A port that vanished while a question (not a job) was written: there are
/// no job bytes to count.
pub(super) fn asking(e: TransportError) -> TransportError {
    match e {
        TransportError::Vanished { path, .. } => TransportError::Gone { path },
        e => e,
    }
}

/// A write error for a marker, told as the job's bytes sent so far.
pub(super) fn at(e: TransportError, sent: usize, total: usize) -> TransportError {
    match e {
        TransportError::Vanished { path, .. } => TransportError::Vanished { path, sent, total },
        TransportError::Timeout { path, timeout, .. } => TransportError::Timeout {
            path,
            sent,
            total,
            timeout,
        },
        TransportError::Abandoned { path, .. } => TransportError::Abandoned { path, sent, total },
        e => e,
    }
}

/// EIO, ENXIO, ENODEV: what a write returns when a USB adapter or pseudo-terminal
/// disappears.
pub(super) fn vanished(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(5 | 6 | 19)) || e.kind() == io::ErrorKind::BrokenPipe
}

pub(super) fn io_error(path: &Path, e: io::Error) -> TransportError {
    let path = path.to_path_buf();
    match e.kind() {
        io::ErrorKind::NotFound => TransportError::Missing(path),
        io::ErrorKind::PermissionDenied => TransportError::Permission(path),
        _ if e.raw_os_error() == Some(16) => TransportError::Busy(path),
        _ => TransportError::Io { path, source: e },
    }
}

pub(super) fn serial_error(path: &Path, e: serialport::Error) -> TransportError {
    match e.kind() {
        serialport::ErrorKind::Io(kind) => io_error(path, io::Error::new(kind, e.description)),
        serialport::ErrorKind::NoDevice => TransportError::Busy(path.to_path_buf()),
        _ => TransportError::Io {
            path: path.to_path_buf(),
            source: io::Error::other(e.description),
        },
    }
}
