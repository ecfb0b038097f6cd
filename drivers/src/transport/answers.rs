//! Questions to the printer and its answers: real-time status (`DLE EOT n`),
//! the end-of-job marker (`GS r 1`) and automatic status back. Each answer is
//! read one byte at a time before a deadline and never past what was asked;
//! what the bytes are is sorted by [`crate::replies`].

use std::io::{self, Read};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use super::error::{asking, vanished};
use super::{Link, Printer, TransportError};
use crate::escpos::{self, Command};
use crate::replies::{Step, is_marker_answer, is_status_answer};
use crate::status::{self, Health, PaperSensor, Status, StatusKind};

impl Printer {
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
