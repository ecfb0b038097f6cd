//! What of a journal entry may leave the station for the district
//! (PRODUCT.md: nothing personal leaves the station). Every fact is kept
//! whole but for the text people type freely — a complaint's words, case
//! notes and reasons, a back-entry's note — where a citizen's name, an ID
//! number or an address can stand that no rule can find reliably (phone
//! numbers are masked already, ADR 0023). Those are withheld and only their
//! length is told, so the district sees that something was written, and
//! the station's file keeps the words.
//!
//! The match names every fact, with no catch-all: a new fact does not
//! compile until someone has decided what of it may leave.

use super::Fact;
use crate::case::CaseSource;
use crate::matter::Outcome;

/// What stands in for a withheld text: its length in characters.
fn withheld(text: &str) -> String {
    match text.chars().count() {
        0 => String::new(),
        n => format!("〔留在站内 withheld: {n} chars〕"),
    }
}

impl Fact {
    /// Whether the district is told at once, on the priority topic: an
    /// alarm raised, acknowledged or reset, and a bad rating. The store's
    /// `uplink::priority_rows_after` selects the same entries from the
    /// journal (its tests hold the two together).
    pub fn is_urgent(&self) -> bool {
        match self {
            Fact::AlarmRaised { .. } | Fact::AlarmAcknowledged { .. } | Fact::AlarmReset { .. } => {
                true
            }
            Fact::TicketRated { level, .. }
            | Fact::DocketRated {
                level: Some(level), ..
            } => *level <= super::BAD_RATING_MAX,
            _ => false,
        }
    }

    /// The fact as the district may see it: the same, with every free text
    /// withheld.
    pub fn for_district(&self) -> Fact {
        let mut fact = self.clone();
        match &mut fact {
            Fact::CaseOpened { source, note, .. } => {
                *note = withheld(note);
                match source {
                    CaseSource::Complaint { text, .. } => *text = withheld(text),
                    CaseSource::Rating { .. } => {}
                }
            }
            Fact::CaseAdvanced { note, .. } | Fact::CaseReopened { note, .. } => {
                *note = withheld(note);
            }
            Fact::CaseExtended { reason, .. } => *reason = withheld(reason),
            Fact::BackEntered { note, .. } => *note = withheld(note),
            Fact::MatterHandled {
                matter, outcome, ..
            } => {
                // A question outside the catalog is named as staff wrote it.
                if matter.id.is_other() {
                    matter.zh = withheld(&matter.zh);
                }
                match outcome {
                    Outcome::Refused { reason } => *reason = withheld(reason),
                    Outcome::Referred { to } => *to = withheld(to),
                    _ => {}
                }
            }
            // Ticked from the catalog, but staff may add words of their own.
            Fact::NoticeGiven { missing, .. } => {
                for m in missing {
                    *m = withheld(m);
                }
            }
            // Material names and notes are typed; a docket's office,
            // stage and dates are not personal.
            Fact::DocketOpened { materials, .. } => {
                for m in materials {
                    m.name = withheld(&m.name);
                }
            }
            Fact::DocketAdvanced { note, .. } => *note = withheld(note),
            // Written by the station, not typed by people: ticket codes,
            // windows, zone names from the board profile, staff numbers
            // (a number that matches nobody is journaled as `?`), the
            // printer's and the PIN check's own messages.
            Fact::DayOpened
            | Fact::TicketIssued { .. }
            | Fact::TicketCalled { .. }
            | Fact::TicketRecalled { .. }
            | Fact::TicketSkipped { .. }
            | Fact::TicketRequeued { .. }
            | Fact::TicketTransferred { .. }
            | Fact::TicketCompleted { .. }
            | Fact::WindowOpened { .. }
            | Fact::WindowPaused { .. }
            | Fact::SignedOn { .. }
            | Fact::SignedOff { .. }
            | Fact::CallHeld { .. }
            | Fact::LeaveRegistered { .. }
            | Fact::LeaveCancelled { .. }
            | Fact::DutySet { .. }
            | Fact::NoticePosted { .. }
            | Fact::NoticeWithdrawn { .. }
            | Fact::DayClosed { .. }
            | Fact::ClockBehind { .. }
            | Fact::ClockRecovered
            | Fact::ClockCorrected { .. }
            | Fact::ClockUnconfirmed { .. }
            | Fact::ClockConfirmed
            | Fact::TicketPrinted { .. }
            | Fact::TicketReprinted { .. }
            | Fact::PaperChanged
            | Fact::RatingArmed { .. }
            | Fact::TicketRated { .. }
            | Fact::TicketUnrated { .. }
            | Fact::RatingIgnored { .. }
            | Fact::PrinterChanged { .. }
            | Fact::PrintFailed { .. }
            | Fact::EvaluatorFault { .. }
            | Fact::ZoneInput { .. }
            | Fact::AlarmRaised { .. }
            | Fact::AlarmAcknowledged { .. }
            | Fact::AlarmReset { .. }
            | Fact::ZoneFaulted { .. }
            | Fact::CasePrinted { .. }
            | Fact::ContactDeleted { .. }
            | Fact::CallbackAdded { .. }
            | Fact::PrintUnconfirmed { .. }
            | Fact::PrintResent { .. }
            | Fact::CaseReprinted { .. }
            | Fact::DayAnchored { .. }
            | Fact::StaffSignedIn { .. }
            | Fact::PinRefused { .. }
            | Fact::CaseExported { .. }
            | Fact::GuidePrinted { .. }
            | Fact::MattersInstalled { .. }
            | Fact::DocketRatingArmed { .. }
            | Fact::DocketRated { .. }
            | Fact::DocketReprinted { .. }
            | Fact::PrincipalDeleted { .. }
            | Fact::Announced { .. } => {}
        }
        fact
    }
}
