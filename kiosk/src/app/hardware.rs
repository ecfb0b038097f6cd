//! The Pi's hardware feeding the same tasks the simulated board feeds:
//! `board::pi` routes the lines (key edges, contact levels, the loops' ADC
//! values) and this module hands what it reads to the key task and the zone
//! task as their requests. The routing, the pins and the threads live in
//! `board`; the station sees inputs and drives outputs by role.
//!
//! Nothing here stops the kiosk: what the board cannot open is one of its
//! [`Problems`], listed at start and in `kiosk doctor`, and the rest of the
//! station runs.

use board::pi::{self, Sink};
use board::profile::BoardProfile;
use board::zones::ZoneRead;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;

use super::cards::Cards;
use super::keys::KeyEvent;
use super::zones::ZoneRequest;

pub use board::pi::{Hardware, Problems};

/// The key and zone tasks, as the board's threads see them.
#[derive(Clone)]
struct Tasks {
    keys: UnboundedSender<KeyEvent>,
    zones: UnboundedSender<ZoneRequest>,
}

impl Sink for Tasks {
    fn key(&self, pin: u32, pressed: bool) -> bool {
        let (reply, _) = oneshot::channel();
        self.keys
            .send(KeyEvent::Edge {
                pin,
                pressed,
                reply,
            })
            .is_ok()
    }

    fn zone(&self, zone: &str, read: ZoneRead) -> bool {
        let (reply, _) = oneshot::channel();
        let zone = zone.to_string();
        self.zones
            .send(ZoneRequest::Read { zone, read, reply })
            .is_ok()
    }

    fn gone(&self) -> bool {
        self.keys.is_closed() || self.zones.is_closed()
    }
}

/// Starts the board's real hardware for `profile` (nothing on the simulated
/// board); its window cards join `cards`.
pub fn start(
    profile: &BoardProfile,
    keys: UnboundedSender<KeyEvent>,
    zones: UnboundedSender<ZoneRequest>,
    cards: &mut Cards,
) -> Hardware {
    let mut hw = pi::start(profile, Tasks { keys, zones });
    for card in hw.cards.drain(..) {
        cards.add(card.window, card.levels, card.display);
    }
    hw
}

/// Routes parts opened elsewhere (the simulated lines of a test) to the
/// key and zone tasks.
#[cfg(test)]
fn start_with(
    profile: &BoardProfile,
    parts: pi::Parts,
    keys: UnboundedSender<KeyEvent>,
    zones: UnboundedSender<ZoneRequest>,
) -> Hardware {
    pi::start_with(profile, parts, Tasks { keys, zones })
}

#[cfg(test)]
mod tests;
