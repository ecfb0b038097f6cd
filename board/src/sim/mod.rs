//! The simulated board's parts. The keys and sensors are driven through the
//! command grammar (`crate::command`); what needs its own machinery lives here.
//!
//! - [`printer`]: a virtual ESC/POS printer on the far side of a pseudo-terminal.
//! - [`decode`]: its ESC/POS reader, written independently of the encoder in
//!   `drivers` so that each checks the other.
//! - [`render`]: drawing a decoded job as a PNG of the paper.

pub mod decode;
pub mod printer;
pub mod render;
