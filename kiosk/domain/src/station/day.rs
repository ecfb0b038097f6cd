//! The business day: it opens with the first command of a new date and
//! closes at the configured time (or before the next opens), leaving its
//! tickets unserved and asking for the closing slip, whose anchor is
//! journaled.

use jiff::Timestamp;

use super::{
    Actor, Command, Effect, Fact, Record, Rejection, Scratch, Station, UnratedReason, WindowState,
};
use crate::ticket::TicketState;

impl Station {
    /// Applies the opening or the closing of a business day.
    pub(super) fn apply_day(&mut self, record: &Record) {
        match &record.fact {
            Fact::DayOpened => {
                self.day = Some(record.day);
                self.day_closed = false;
                self.prints.new_day();
                self.tickets.clear();
                self.ratings.clear();
                self.closed = None;
                self.pin_refusals.clear();
                // A day a clock that ran ahead already opened goes on from
                // the numbers it gave.
                self.counters = self.later_days.remove(&record.day).unwrap_or_default();
                self.back_entries.clear();
                self.matters_handled.clear();
                self.notices_today = 0;
                self.next_order = 0;
                self.prune_registers(record.day);
                self.prune_dockets(record.day);
                for w in self.windows.values_mut() {
                    // A stuck key stays stuck overnight.
                    *w = WindowState {
                        stuck: std::mem::take(&mut w.stuck),
                        ..WindowState::default()
                    };
                }
                // Cases outlive the day; archived ones stay too, so that a
                // complainant who disagrees can have theirs reopened.
            }
            Fact::DayClosed { unserved } => {
                self.closed = Some((record.at, unserved.clone()));
                for t in &mut self.tickets {
                    if matches!(
                        t.state,
                        TicketState::Waiting
                            | TicketState::Called { .. }
                            | TicketState::Skipped { .. }
                    ) {
                        t.state = TicketState::Unserved;
                    }
                }
                for w in self.windows.values_mut() {
                    w.current = None;
                    w.armed = None;
                }
                self.day_closed = true;
            }
            _ => {}
        }
    }

    /// Whether `now` falls on the business day held, and that day has closed.
    pub(super) fn day_closed_at(&self, now: Timestamp) -> bool {
        self.day == Some(self.business_day(now)) && self.day_closed
    }
}

impl Scratch {
    /// Decides a command about the business day.
    pub(super) fn decide_day(&mut self, command: &Command) -> Result<(), Rejection> {
        match *command {
            Command::NoteAnchor { day, seq, ref hash } => {
                self.record_as(
                    Actor::System,
                    Fact::DayAnchored {
                        day,
                        seq,
                        hash: hash.chars().take(64).collect(),
                    },
                );
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The business day rolls over and closes on time.
    pub(super) fn roll_day(&mut self) {
        let today = self.station.business_day(self.now);
        if let Some(day) = self.station.day
            && day != today
            && !self.station.day_closed
        {
            self.close_day();
        }
        if self.station.day != Some(today) {
            let record = Record {
                at: self.now,
                day: today,
                actor: Actor::System,
                fact: Fact::DayOpened,
            };
            self.station.apply(&record);
            self.decision.records.push(record);
        }
        let local_time = self.station.settings.time_zone.to_datetime(self.now).time();
        if !self.station.day_closed && local_time >= self.station.settings.day_close {
            self.close_day();
        }
    }

    /// Closes the business day: rating times end, tickets still to be served
    /// go unserved, and the closing slip is asked for.
    fn close_day(&mut self) {
        self.disarm_all(UnratedReason::DayClosed);
        self.sign_off_all();
        let unserved = self
            .station
            .tickets
            .iter()
            .filter(|t| {
                matches!(
                    t.state,
                    TicketState::Waiting | TicketState::Called { .. } | TicketState::Skipped { .. }
                )
            })
            .map(|t| t.code)
            .collect();
        self.record_as(Actor::System, Fact::DayClosed { unserved });
        if let Some(day) = self.station.day {
            self.effect(Effect::PrintDaySlip { day });
        }
    }
}
