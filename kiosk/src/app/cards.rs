//! The windows' cards: what each evaluator's display shows, decided from the
//! station's view after every event, and sent to the display only when it
//! changes.
//!
//! A card follows its window: 暂停服务 while the window is paused, 谢谢 for a
//! few seconds after a rating, 请评价 with the key legend while armed, the
//! ticket while serving, and otherwise the window with who staffs it. The
//! drawing itself is `board::card`; the displays are the simulated board's
//! PNGs or, on a Pi, an SSD1306.

use std::collections::BTreeMap;
use std::path::Path;

use board::card::{Card, CardDisplay, PngCard};
use board::profile::BoardProfile;
use jiff::{SignedDuration, Timestamp};

use crate::domain::{ServingView, StaffRef, StationView, WindowNo};

/// How long a card thanks the citizen after a rating.
pub const THANKS: SignedDuration = SignedDuration::from_secs(5);

struct Slot {
    keys: Vec<u8>,
    display: Box<dyn CardDisplay>,
    shown: Option<Card>,
    changes: u32,
    thanks: Option<(u8, Timestamp)>,
    error: Option<String>,
}

/// Every window card of the board.
#[derive(Default)]
pub struct Cards {
    slots: BTreeMap<u8, Slot>,
}

impl Cards {
    /// No card displays.
    pub fn none() -> Self {
        Self::default()
    }

    /// The simulated board's cards: each window with a display in the profile
    /// gets `window-N.png` in `dir`.
    pub fn simulated(profile: &BoardProfile, dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let mut cards = Self::none();
        for e in &profile.evaluators {
            if let Some(display) = e.display {
                let png = PngCard::new(dir.join(format!("window-{}.png", e.window)), display);
                cards.add(e.window, e.levels(), Box::new(png));
            }
        }
        Ok(cards)
    }

    /// Adds a window's display.
    pub fn add(&mut self, window: u8, keys: Vec<u8>, display: Box<dyn CardDisplay>) {
        self.slots.insert(
            window,
            Slot {
                keys,
                display,
                shown: None,
                changes: 0,
                thanks: None,
                error: None,
            },
        );
    }

    /// A rating was committed: the window's card thanks the citizen until
    /// `now + THANKS`.
    pub fn thank(&mut self, window: WindowNo, level: u8, now: Timestamp) {
        if let Some(slot) = self.slots.get_mut(&window.get()) {
            slot.thanks = Some((level, now.saturating_add(THANKS).unwrap_or(now)));
        }
    }

    /// Brings every card in line with the station at `now`.
    pub fn update(
        &mut self,
        view: &StationView,
        staff: &BTreeMap<WindowNo, StaffRef>,
        now: Timestamp,
    ) {
        for w in &view.windows {
            let Some(slot) = self.slots.get_mut(&w.window.get()) else {
                continue;
            };
            if slot.thanks.is_some_and(|(_, until)| now >= until) {
                slot.thanks = None;
            }
            let card = card_for(
                w,
                &slot.keys,
                staff.get(&w.window),
                slot.thanks.map(|t| t.0),
            );
            if slot.shown.as_ref() == Some(&card) {
                continue;
            }
            match slot.display.show(&card) {
                Ok(()) => {
                    slot.changes += 1;
                    if slot.error.take().is_some() {
                        tracing::info!("window {}'s card display works again", w.window);
                    }
                }
                Err(e) => {
                    if slot.error.as_ref() != Some(&e) {
                        tracing::warn!("window {}'s card display: {e}", w.window);
                    }
                    slot.error = Some(e);
                }
            }
            slot.shown = Some(card);
        }
    }

    /// Each card as the `state` command reports it.
    pub fn state(&self) -> Vec<crate::state::CardState> {
        self.slots
            .iter()
            .map(|(window, slot)| crate::state::CardState {
                window: *window,
                card: slot.shown.clone(),
                changes: slot.changes,
                error: slot.error.clone(),
            })
            .collect()
    }
}

/// What a window's card shows.
pub fn card_for(
    view: &ServingView,
    keys: &[u8],
    staff: Option<&StaffRef>,
    thanks: Option<u8>,
) -> Card {
    let window = view.window.get();
    if let Some(level) = thanks {
        return Card::Thanks { window, level };
    }
    // A result handed over takes the key before a ticket.
    if let Some(ticket) = view
        .armed_result
        .map(|d| d.to_string())
        .or(view.armed.map(|t| t.to_string()))
    {
        return Card::Armed {
            window,
            ticket,
            keys: keys.to_vec(),
        };
    }
    if let Some(away) = &view.away {
        return Card::Away {
            window,
            reason: away.away.reason.zh().to_string(),
            back: away.back.clone(),
            contact: away.away.contact.clone(),
        };
    }
    if view.paused {
        return Card::OutOfService { window };
    }
    match view.ticket {
        Some(ticket) => Card::Serving {
            window,
            ticket: ticket.to_string(),
        },
        None => match &view.member {
            Some(on) => Card::Idle {
                window,
                staff: Some((on.name.clone(), on.member.clone())),
                post: on.post.zh().map(str::to_string),
            },
            None => Card::Idle {
                window,
                staff: staff.map(|s| (s.name.clone(), s.number.clone())),
                post: None,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TicketCode;

    fn view() -> ServingView {
        ServingView {
            window: WindowNo::new(2).unwrap(),
            paused: false,
            ticket: None,
            called_at: None,
            recalls: 0,
            armed: None,
            armed_result: None,
            ratings: [0; 5],
            unrated: 0,
            stuck_keys: Vec::new(),
            member: None,
            away: None,
            call_held: false,
        }
    }

    #[test]
    fn a_display_that_fails_is_reported_and_tried_again_on_the_next_change() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("unplugged");
        let display = board::profile::Display::Mono {
            bus: 1,
            address: 0x3C,
        };
        let mut cards = Cards::none();
        cards.add(
            2,
            vec![5, 3, 1],
            Box::new(PngCard::new(gone.join("window-2.png"), display)),
        );
        let mut station = StationView {
            day: None,
            policy: "strict".into(),
            issuing: true,
            next_open: None,
            duty: None,
            closure: None,
            notices: Vec::new(),
            categories: Vec::new(),
            windows: vec![view()],
            waiting: Vec::new(),
            clock_behind: false,
            clock_doubt: None,
            clock_unconfirmed: false,
            printer_fault: None,
            printer: crate::domain::PrinterHealth::Ready,
            cases: Vec::new(),
            dockets: Vec::new(),
            ready: Vec::new(),
            zones: Vec::new(),
            evacuate: false,
            outputs: crate::domain::OutputState {
                alarm_relay: false,
                siren_relay: false,
                buzzer: crate::domain::BuzzerPattern::Off,
            },
            unconfirmed_prints: Vec::new(),
        };
        let now: Timestamp = "2026-11-30T01:00:00Z".parse().unwrap();
        cards.update(&station, &BTreeMap::new(), now);
        let state = cards.state();
        assert_eq!(state[0].changes, 0);
        let error = state[0].error.as_deref().unwrap();
        assert!(error.starts_with("cannot write"), "{error}");
        assert!(error.contains("window-2.png"), "{error}");
        // The display comes back; the next change is drawn and the error clears.
        std::fs::create_dir_all(&gone).unwrap();
        station.windows[0].ticket = Some("A001".parse().unwrap());
        cards.update(&station, &BTreeMap::new(), now);
        let state = cards.state();
        assert_eq!(state[0].changes, 1);
        assert_eq!(state[0].error, None);
        assert!(gone.join("window-2.png").exists());
    }

    #[test]
    fn a_card_follows_its_window() {
        let a7: TicketCode = "A007".parse().unwrap();
        let staff = StaffRef {
            name: "王芳".into(),
            number: "0102".into(),
        };
        let keys = [5, 4, 2, 1];
        let mut v = view();
        assert_eq!(
            card_for(&v, &keys, Some(&staff), None),
            Card::Idle {
                window: 2,
                staff: Some(("王芳".into(), "0102".into())),
                post: None,
            }
        );
        v.ticket = Some(a7);
        assert_eq!(card_for(&v, &keys, None, None).screen(), "serving");
        v.ticket = None;
        v.armed = Some(a7);
        assert_eq!(
            card_for(&v, &keys, None, None),
            Card::Armed {
                window: 2,
                ticket: "A007".into(),
                keys: keys.to_vec()
            }
        );
        // A result handed over asks for its rating before the ticket's.
        v.armed_result = Some("SL2026-00012".parse().unwrap());
        assert!(matches!(
            card_for(&v, &keys, None, None),
            Card::Armed { ticket, .. } if ticket == "SL2026-00012"
        ));
        v.armed_result = None;
        // Thanks comes before everything; a paused window still takes the
        // rating of the ticket it just completed.
        assert_eq!(card_for(&v, &keys, None, Some(4)).screen(), "thanks");
        v.paused = true;
        assert_eq!(card_for(&v, &keys, None, None).screen(), "armed");
        v.armed = None;
        assert_eq!(card_for(&v, &keys, None, None).screen(), "out_of_service");
    }
}
