//! Device drivers that know no board: they speak a device's protocol over any
//! byte stream and never name a pin, a port or a board.
//!
//! - [`escpos`]: a typed ESC/POS command enum with one encoder (GB18030, 2-byte
//!   subset only).
//! - [`input`]: debouncing and stuck-key detection for keys and contacts,
//!   shared by every board backend.
//! - [`profile`]: printer models' capabilities, read from `assets/printers.toml`.
//! - [`status`]: decoding the printer's real-time status bytes (`DLE EOT n`).
//! - [`transport`]: opening a printer port (serial or USB printer class) and
//!   sending a job to it with bounded waits.

pub mod escpos;
pub mod input;
pub mod profile;
pub mod status;
pub mod transport;
