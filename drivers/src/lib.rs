//! Device drivers that know no board: they speak a device's protocol over any
//! byte stream and never name a pin, a port or a board.
//!
//! - [`escpos`]: a typed ESC/POS command enum with one encoder (GB18030's
//!   2-byte subset, or ASCII for printers without a Chinese font).
//! - [`input`]: debouncing and stuck-key detection for keys and contacts, for
//!   every board backend (`board::keys` feeds them the evaluator keys' edges).
//! - [`profile`]: printer models' capabilities, read from `assets/printers.toml`.
//! - [`replies`]: sorting the bytes a printer sends back into answers,
//!   automatic status blocks and end-marker answers kept for later (no port).
//! - [`status`]: decoding the printer's answers: real-time status (`DLE EOT n`),
//!   the end-of-job marker (`GS r 1`) and automatic status blocks (`GS a`).
//! - [`transport`]: opening a printer port (serial or USB printer class) and
//!   sending a job to it with bounded waits.
//! - [`zone`]: supervised safety zones (panic, smoke): alarm verification and
//!   latching, reset refused while active, open/short/noise faults that never
//!   mask an alarm, end-of-line loop bands.

pub mod escpos;
pub mod input;
pub mod profile;
pub mod replies;
pub mod status;
pub mod transport;
pub mod zone;
