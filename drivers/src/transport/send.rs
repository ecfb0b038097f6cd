//! Sending a job: written in chunks so that a stop request is heeded between
//! them, every write and the kernel's drain bounded by the write timeout; on
//! a line without flow control, a large job goes in blocks each acknowledged
//! through `GS r 1`, or, to a printer that cannot answer, no faster than it
//! drains.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::error::{at, vanished};
use super::{Link, Port, Printer, TransportError};
use crate::escpos::{self, Command, Encoded};
use crate::profile::FlowControl;

/// Bytes written per chunk: small enough that a stop request is honoured quickly,
/// large enough not to matter for throughput.
const CHUNK: usize = 256;

impl Printer {
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
    pub(super) fn write_all(
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
}
