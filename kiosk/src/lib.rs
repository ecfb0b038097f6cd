//! The station kiosk: the program behind the lobby touchscreen of a convenience
//! service station (便民服务站).
//!
//! See `ARCHITECTURE.md` at the repository root for the codemap.

pub use domain;
pub use store;

pub mod app;
pub mod attendance;
pub mod background;
pub mod config;
pub mod console;
pub mod data;
pub mod doctor;
pub mod documents;
pub mod form;
pub mod guide;
pub mod matters;
pub mod photos;
pub mod pinyin;
pub mod receipt;
pub mod run;
pub mod screen;
#[cfg(feature = "slow-card")]
pub mod slow_card;
pub mod state;
pub mod tls;
pub mod ui;
pub mod uplink;
pub mod voice;

#[cfg(test)]
mod contrast;

#[cfg(test)]
mod glyphs;

#[cfg(test)]
mod tidy;
