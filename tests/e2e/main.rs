//! End-to-end tests: the real `kiosk` binary, headless on the simulated board, with
//! a real SQLite file, the real Slint UI and the virtual printer on a
//! pseudo-terminal, driven through the control socket.
//!
//! One test binary, themed modules.

mod http;
mod support;

mod backup;
mod bad_input;
mod board;
mod browser;
mod complaints;
mod console;
mod console_lan;
mod console_tls;
mod dockets;
mod evaluator;
mod fleet;
mod fleet_tls;
mod journal;
mod matters;
mod package;
mod people;
mod printer;
mod safety;
mod screens;
mod staff_mode;
mod systemd;
mod tickets;
mod time;
mod voice;
