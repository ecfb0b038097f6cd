//! How a printer is connected: a serial line (its speed, parity and flow
//! control) or a USB printer class device, what the transport needs to know
//! about the printer, and opening the port.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::error::{io_error, serial_error};
use super::{Link, Printer, TransportError};
use crate::profile::FlowControl;
use crate::replies::Replies;

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
}
