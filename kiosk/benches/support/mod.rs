//! What the benches share: a screen that shows nothing, so that a bench
//! measures the path to the printer or the database and not the renderer.

use kiosk::app::{PrintState, Screen, ScreenJob, ScreenView, TicketView};

/// A screen that shows nothing.
pub struct NoScreen;

impl Screen for NoScreen {
    fn show_view(&self, _: ScreenView) {}
    fn show_ticket(&self, _: TicketView) {}
    fn print_state(&self, _: String, _: PrintState) {}
    fn problem(&self, _: bool) {}
    fn thank(&self, _: u8) {}
    fn run(&self, _: ScreenJob) {}
    fn quit(&self) {}
}
