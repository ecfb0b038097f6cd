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
//!
//! - `port.rs`: how a printer is connected (the serial line's settings, or a
//!   USB printer class device), the transport's settings, and opening a port.
//! - `send.rs`: writing a job in chunks within the write timeout, in
//!   acknowledged blocks or paced to the printer when the line has no flow
//!   control.
//! - `answers.rs`: questions to the printer and their one-byte answers:
//!   real-time status, the end-of-job marker, automatic status.
//! - `error.rs`: why a port could not be used, in words for a technician.

mod answers;
mod error;
mod port;
mod send;

use std::fs::File;

use serialport::SerialPort;

use crate::replies::Replies;
use crate::status::Health;

pub use error::TransportError;
pub use port::{Line, Parity, Port, Settings};

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

impl Printer {
    pub fn port(&self) -> &Port {
        &self.port
    }

    /// The last automatic status block received, if the printer sends them.
    pub fn auto_status(&self) -> Option<Health> {
        self.replies.auto_status()
    }
}

#[cfg(test)]
mod tests;
