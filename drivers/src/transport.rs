//! Printer ports: a serial line (USB-serial adapter, the Pi's UART, or a
//! pseudo-terminal in tests) or a USB printer class device used as a file.
//!
//! The transport sends jobs and asks for status. Every write and every wait for
//! an answer is bounded; an answer is read byte by byte and never past what was
//! asked for. A job is written in chunks so that a shutdown can stop between
//! them. On a line without flow control, a job larger than half the printer's
//! receive buffer is sent in blocks, each followed by `GS r 1`, and the next
//! block goes only once the printer has answered for the one before the last,
//! so the buffer never overflows. What the bytes read back are is sorted by
//! [`crate::replies`], which needs no port. Errors say what to check.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serialport::SerialPort;

use crate::escpos::{self, Command, Encoded};
use crate::profile::FlowControl;
use crate::replies::{Replies, Step, is_marker_answer, is_status_answer};
use crate::status::{self, Health, PaperSensor, Status, StatusKind};

/// Serial line parity.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Parity {
    None,
    Even,
    Odd,
}

/// How a serial line is set up: 8 data bits, 1 stop bit, and these.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Line {
    pub baud: u32,
    pub parity: Parity,
    pub flow: FlowControl,
}

impl Line {
    /// 9600 baud, 8N1, no flow control: what most printers ship with.
    pub fn plain(baud: u32) -> Self {
        Self {
            baud,
            parity: Parity::None,
            flow: FlowControl::None,
        }
    }

    /// Time `bytes` take on the wire: 10 bits a byte (start, 8 data, stop), 11
    /// with parity.
    pub fn wire_time(&self, bytes: usize) -> Duration {
        let bits = if self.parity == Parity::None { 10 } else { 11 };
        Duration::from_secs_f64((bytes * bits) as f64 / f64::from(self.baud.max(1)))
    }
}

/// How a printer is connected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Port {
    /// A serial device.
    Serial { path: PathBuf, line: Line },
    /// A USB printer class device such as `/dev/usb/lp0`.
    UsbLp { path: PathBuf },
}

impl Port {
    pub fn path(&self) -> &Path {
        match self {
            Port::Serial { path, .. } | Port::UsbLp { path } => path,
        }
    }

    /// `/dev/ttyUSB0 at 9600 baud`, for messages.
    pub fn describe(&self) -> String {
        match self {
            Port::Serial { path, line } => format!("{} at {} baud", path.display(), line.baud),
            Port::UsbLp { path } => path.display().to_string(),
        }
    }
}

/// What the transport needs to know about the printer and the kiosk's patience.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Bounds every write: a job not taken in this time fails.
    pub write_timeout: Duration,
    /// Bounds the wait for a `DLE EOT` answer.
    pub reply_timeout: Duration,
    /// The printer's receive buffer in bytes.
    pub receive_buffer: usize,
    /// Whether the printer answers `DLE EOT n` and `GS r 1`.
    pub status: bool,
    /// Bytes a second the printer consumes at its slowest (a full-width image
    /// at full speed). A printer that cannot acknowledge blocks is fed no
    /// faster than this once its buffer is full.
    pub drain_rate: u32,
}

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

enum Link {
    Serial(Box<dyn SerialPort>),
    /// Opened non-blocking so that a status read can be bounded.
    Lp(File),
}

/// An open printer port.
pub struct Printer {
    port: Port,
    link: Link,
    settings: Settings,
    /// What the bytes read so far were: blocks, kept end-marker answers.
    replies: Replies,
}

/// Bytes written per chunk: small enough that a stop request is honoured quickly,
/// large enough not to matter for throughput.
const CHUNK: usize = 256;

/// `O_NONBLOCK` on Linux (x86_64, aarch64, arm).
const O_NONBLOCK: i32 = 0o4000;

impl Printer {
    /// Opens the port.
    pub fn open(port: &Port, settings: Settings) -> Result<Self, TransportError> {
        let path = port.path().to_path_buf();
        if !path.exists() {
            return Err(TransportError::Missing(path));
        }
        // A stable name (the udev rule's /dev/kiosk-printer) may lead to a USB
        // printer class device, which is no serial line.
        let usb_lp = std::fs::canonicalize(&path).is_ok_and(|real| {
            real.starts_with("/dev/usb") && real.to_string_lossy().contains("/lp")
        });
        let port = &match port {
            Port::Serial { path, .. } if usb_lp => Port::UsbLp { path: path.clone() },
            other => other.clone(),
        };
        let link = match port {
            Port::Serial { line, .. } => {
                let p = serialport::new(path.to_string_lossy(), line.baud)
                    .data_bits(serialport::DataBits::Eight)
                    .parity(match line.parity {
                        Parity::None => serialport::Parity::None,
                        Parity::Even => serialport::Parity::Even,
                        Parity::Odd => serialport::Parity::Odd,
                    })
                    .stop_bits(serialport::StopBits::One)
                    .flow_control(match line.flow {
                        FlowControl::None => serialport::FlowControl::None,
                        FlowControl::RtsCts => serialport::FlowControl::Hardware,
                        FlowControl::XonXoff => serialport::FlowControl::Software,
                    })
                    .timeout(settings.write_timeout)
                    .open()
                    .map_err(|e| serial_error(&path, e))?;
                Link::Serial(p)
            }
            Port::UsbLp { .. } => {
                let f = OpenOptions::new()
                    .read(true)
                    .write(true)
                    .custom_flags(O_NONBLOCK)
                    .open(&path)
                    .map_err(|e| io_error(&path, e))?;
                Link::Lp(f)
            }
        };
        Ok(Self {
            port: port.clone(),
            link,
            settings,
            replies: Replies::default(),
        })
    }

    pub fn port(&self) -> &Port {
        &self.port
    }

    /// The last automatic status block received, if the printer sends them.
    pub fn auto_status(&self) -> Option<Health> {
        self.replies.auto_status()
    }

    /// Sends the rest of a job from byte `offset` (after a write that timed out
    /// while the printer held its data).
    pub fn send_from(
        &mut self,
        job: &Encoded,
        offset: usize,
        stop: &AtomicBool,
    ) -> Result<(), TransportError> {
        if offset == 0 {
            return self.send(job, stop);
        }
        let total = job.bytes.len();
        let rest = &job.bytes[offset.min(total)..];
        self.write_all(rest, offset, total, stop)
    }

    /// Sends a whole encoded job. On a line without flow control, a job larger
    /// than half the receive buffer goes in acknowledged blocks.
    pub fn send(&mut self, job: &Encoded, stop: &AtomicBool) -> Result<(), TransportError> {
        let half = self.settings.receive_buffer / 2;
        let flow = match &self.port {
            Port::Serial { line, .. } => line.flow,
            Port::UsbLp { .. } => FlowControl::RtsCts, // USB has its own.
        };
        let buffer = self.settings.receive_buffer;
        match flow {
            FlowControl::None if self.settings.status && job.bytes.len() > half => {
                self.send_in_blocks(job, half.max(1), stop)
            }
            FlowControl::None if job.bytes.len() > buffer => self.send_paced(job, stop),
            _ => self.write_all(&job.bytes, 0, job.bytes.len(), stop),
        }
    }

    /// Fills the printer's buffer at line speed, then feeds it no faster than
    /// it drains: for printers that neither handshake nor answer.
    fn send_paced(&mut self, job: &Encoded, stop: &AtomicBool) -> Result<(), TransportError> {
        let buffer = self.settings.receive_buffer;
        let rate = f64::from(self.settings.drain_rate.max(1));
        let total = job.bytes.len();
        let started = Instant::now();
        let mut sent = 0;
        while sent < total {
            let end = (sent + CHUNK).min(total);
            // Bytes beyond the buffer must wait for the printer to drain them.
            let due = started + Duration::from_secs_f64(end.saturating_sub(buffer) as f64 / rate);
            while Instant::now() < due {
                if stop.load(Ordering::Relaxed) {
                    return Err(TransportError::Abandoned {
                        path: self.port.path().to_path_buf(),
                        sent,
                        total,
                    });
                }
                std::thread::sleep(
                    due.saturating_duration_since(Instant::now())
                        .min(Duration::from_millis(50)),
                );
            }
            self.write_all(&job.bytes[sent..end], sent, total, stop)?;
            sent = end;
        }
        Ok(())
    }

    /// Blocks of at most `block` bytes, split only between commands, each ended
    /// by `GS r 1`. At most two blocks are unanswered at a time, so the printer
    /// holds at most one block while the next arrives.
    fn send_in_blocks(
        &mut self,
        job: &Encoded,
        block: usize,
        stop: &AtomicBool,
    ) -> Result<(), TransportError> {
        let result = self.blocks(job, block, stop);
        if result.is_err() {
            // Whatever is owed from this job is no one's answer any more.
            self.replies.forget_markers();
        }
        result
    }

    fn blocks(
        &mut self,
        job: &Encoded,
        block: usize,
        stop: &AtomicBool,
    ) -> Result<(), TransportError> {
        let marker = escpos::encode(&[Command::EndMarker]).bytes;
        // Two blocks and their markers, and room for status questions, fit.
        let block = block.saturating_sub(marker.len() + 16).max(1);
        let total = job.bytes.len();
        let mut start = 0;
        let mut unanswered = 0;
        while start < total {
            // The longest run of whole commands that fits; one command larger
            // than a block goes alone.
            let end = job
                .boundaries
                .iter()
                .copied()
                .filter(|&b| b > start && b - start <= block)
                .max()
                .or_else(|| job.boundaries.iter().copied().find(|&b| b > start))
                .unwrap_or(total);
            if unanswered == 2 {
                self.wait_end_marker(self.settings.write_timeout)?;
                unanswered -= 1;
            }
            self.write_all(&job.bytes[start..end], start, total, stop)?;
            // The marker is not part of the job: a failure writing it reports
            // the job's bytes sent so far.
            self.write_all(&marker, 0, 0, stop)
                .map_err(|e| at(e, end, total))?;
            self.replies.marker_sent();
            unanswered += 1;
            start = end;
        }
        for _ in 0..unanswered {
            self.wait_end_marker(self.settings.write_timeout)?;
        }
        Ok(())
    }

    /// Writes `bytes`, which are `offset..` of a job of `total` bytes (for
    /// messages).
    fn write_all(
        &mut self,
        bytes: &[u8],
        offset: usize,
        total: usize,
        stop: &AtomicBool,
    ) -> Result<(), TransportError> {
        let path = self.port.path().to_path_buf();
        let timeout = self.settings.write_timeout;
        let started = Instant::now();
        let mut done = 0;
        while done < bytes.len() {
            let sent = offset + done;
            if stop.load(Ordering::Relaxed) {
                return Err(TransportError::Abandoned { path, sent, total });
            }
            if started.elapsed() > timeout {
                return Err(TransportError::Timeout {
                    path,
                    sent,
                    total,
                    timeout,
                });
            }
            let end = (done + CHUNK).min(bytes.len());
            let result = match &mut self.link {
                Link::Serial(p) => p.write(&bytes[done..end]),
                Link::Lp(f) => f.write(&bytes[done..end]),
            };
            match result {
                Ok(0) => return Err(TransportError::Vanished { path, sent, total }),
                Ok(n) => done += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // A USB printer's buffer is full: try again shortly, within the
                // write timeout.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                    return Err(TransportError::Timeout {
                        path,
                        sent,
                        total,
                        timeout,
                    });
                }
                Err(e) if vanished(&e) => {
                    return Err(TransportError::Vanished { path, sent, total });
                }
                Err(source) => return Err(TransportError::Io { path, source }),
            }
        }
        self.drain(started + timeout, offset + done, total, stop)
    }

    /// Waits until the kernel has put every byte on the line. Bounded, unlike
    /// `tcdrain` (a printer holding the line with RTS/CTS or XOFF would block
    /// it for as long as it likes), and it heeds the stop flag.
    fn drain(
        &mut self,
        deadline: Instant,
        sent: usize,
        total: usize,
        stop: &AtomicBool,
    ) -> Result<(), TransportError> {
        let Link::Serial(p) = &mut self.link else {
            return Ok(());
        };
        let path = self.port.path().to_path_buf();
        loop {
            match p.bytes_to_write() {
                Ok(0) => return Ok(()),
                Ok(_) => {}
                Err(_) if !path.exists() => {
                    return Err(TransportError::Vanished { path, sent, total });
                }
                Err(e) => {
                    return Err(TransportError::Io {
                        path,
                        source: io::Error::other(e.description),
                    });
                }
            }
            if stop.load(Ordering::Relaxed) {
                return Err(TransportError::Abandoned { path, sent, total });
            }
            if Instant::now() >= deadline {
                return Err(TransportError::Timeout {
                    path,
                    sent,
                    total,
                    timeout: self.settings.write_timeout,
                });
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Asks one real-time status (`DLE EOT n`) and reads its one-byte answer.
    pub fn query(&mut self, kind: StatusKind) -> Result<Status, TransportError> {
        if !self.settings.status {
            return Err(TransportError::NoStatus(self.port.describe()));
        }
        self.clear_input();
        let request = kind.request();
        self.write_all(&request, 0, request.len(), &AtomicBool::new(false))
            .map_err(asking)?;
        let byte = self.read_answer(self.settings.reply_timeout, is_status_answer, true)?;
        status::decode(kind, byte).map_err(|e| TransportError::BadReply {
            port: self.port.describe(),
            byte: e.byte,
        })
    }

    /// The printer's whole state: `DLE EOT 1`, `2` and `4`, and `3` when it
    /// reports an error.
    pub fn health(&mut self) -> Result<Health, TransportError> {
        let mut answers = vec![
            self.query(StatusKind::Printer)?,
            self.query(StatusKind::Offline)?,
            self.query(StatusKind::Paper)?,
        ];
        if matches!(answers[1], Status::Offline { error: true, .. }) {
            answers.push(self.query(StatusKind::Error)?);
        }
        Ok(Health::from_answers(&answers))
    }

    /// Turns automatic status back on or off.
    pub fn set_auto_status(&mut self, on: bool) -> Result<(), TransportError> {
        let bytes = escpos::encode(&[Command::AutoStatus(on)]).bytes;
        self.write_all(&bytes, 0, bytes.len(), &AtomicBool::new(false))
            .map_err(asking)?;
        self.replies.set_auto_status(on);
        Ok(())
    }

    /// Sends the end-of-job marker and waits up to `within` for the printer to
    /// answer it, which it does once everything before it is printed.
    pub fn finish(&mut self, within: Duration) -> Result<PaperSensor, TransportError> {
        if !self.settings.status {
            return Ok(PaperSensor::default());
        }
        self.send_end_marker()?;
        self.wait_end_marker(within)
    }

    /// Sends the end-of-job marker for a new job (answers still owed for an
    /// earlier one are forgotten). Once this returns, the marker is on the line.
    pub fn send_end_marker(&mut self) -> Result<(), TransportError> {
        if !self.settings.status {
            return Ok(());
        }
        // Whatever came before belongs to no question still open.
        self.clear_input();
        self.replies.forget_markers();
        let marker = escpos::encode(&[Command::EndMarker]).bytes;
        self.write_all(&marker, 0, marker.len(), &AtomicBool::new(false))
            .map_err(asking)?;
        self.replies.marker_sent();
        Ok(())
    }

    /// Waits again for the answer to an end-of-job marker already sent (after a
    /// fault cleared, the printer prints what it held and then answers).
    pub fn wait_end_marker(&mut self, within: Duration) -> Result<PaperSensor, TransportError> {
        let byte = match self.replies.kept_marker_answer() {
            Some(byte) => byte,
            None => self
                .read_answer(within, is_marker_answer, false)
                .map_err(|e| match e {
                    TransportError::NoAnswer { port } => TransportError::Unfinished {
                        port,
                        waited: within,
                    },
                    e => e,
                })?,
        };
        self.replies.marker_answered();
        status::decode_paper(byte).map_err(|e| TransportError::BadReply {
            port: self.port.describe(),
            byte: e.byte,
        })
    }

    /// Reads the one byte of an answer within `within`. Automatic status blocks
    /// (when turned on) are read whole and kept; so are end-marker answers
    /// while a real-time answer is awaited (`keep_markers`). Any other byte is
    /// returned as it is for the caller to refuse: nothing is read past it.
    fn read_answer(
        &mut self,
        within: Duration,
        expected: impl Fn(u8) -> bool,
        keep_markers: bool,
    ) -> Result<u8, TransportError> {
        let deadline = Instant::now() + within;
        loop {
            let byte = self.read_byte(deadline)?;
            match self.replies.step(byte, &expected, keep_markers) {
                Step::More => {}
                Step::Answer(byte) => return Ok(byte),
                Step::Stopped(health) => {
                    return Err(TransportError::Stopped {
                        port: self.port.describe(),
                        health,
                    });
                }
                Step::Bad(byte) => {
                    return Err(TransportError::BadReply {
                        port: self.port.describe(),
                        byte,
                    });
                }
            }
        }
    }

    /// One byte before `deadline`, or `NoAnswer`.
    fn read_byte(&mut self, deadline: Instant) -> Result<u8, TransportError> {
        let no_answer = || TransportError::NoAnswer {
            port: self.port.describe(),
        };
        let path = self.port.path().to_path_buf();
        let mut byte = [0u8; 1];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(no_answer());
            }
            let result = match &mut self.link {
                Link::Serial(p) => {
                    let _ = p.set_timeout(left);
                    let r = p.read(&mut byte);
                    let _ = p.set_timeout(self.settings.write_timeout);
                    r
                }
                Link::Lp(f) => f.read(&mut byte),
            };
            match result {
                Ok(1) => return Ok(byte[0]),
                Ok(_) => {
                    if let Link::Lp(_) = self.link {
                        std::thread::sleep(Duration::from_millis(10).min(left));
                    }
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(10).min(left));
                }
                Err(e) if vanished(&e) => return Err(TransportError::Gone { path }),
                Err(source) => return Err(TransportError::Io { path, source }),
            }
        }
    }

    /// Drops whatever the printer sent unasked (noise, stale answers) before a
    /// question, so that the answer read is the answer to it — except answers
    /// to an end marker still awaited, which are kept for
    /// [`Printer::wait_end_marker`], and automatic status blocks, which are
    /// read whole.
    pub fn clear_input(&mut self) {
        let mut waiting: Vec<u8> = Vec::new();
        let mut buf = [0u8; 64];
        match &mut self.link {
            Link::Serial(p) => {
                // Only what is there now: nothing is waited for.
                while let Ok(n @ 1..) = p.bytes_to_read() {
                    let want = (n as usize).min(buf.len());
                    match p.read(&mut buf[..want]) {
                        Ok(got @ 1..) => waiting.extend_from_slice(&buf[..got]),
                        _ => break,
                    }
                }
            }
            Link::Lp(f) => {
                while let Ok(n @ 1..) = f.read(&mut buf) {
                    waiting.extend_from_slice(&buf[..n]);
                }
            }
        }
        for byte in waiting {
            self.replies.stale(byte);
        }
    }
}

/// A port that vanished while a question (not a job) was written: there are
/// no job bytes to count.
fn asking(e: TransportError) -> TransportError {
    match e {
        TransportError::Vanished { path, .. } => TransportError::Gone { path },
        e => e,
    }
}

/// A write error for a marker, told as the job's bytes sent so far.
fn at(e: TransportError, sent: usize, total: usize) -> TransportError {
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
    use serialport::TTYPort;

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
}
