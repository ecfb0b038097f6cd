//! The station's time against the system clock: held at the journal's while
//! the clock is behind, recovered, corrected when a manager or NTP confirms a
//! clock the journal ran ahead of, and whether anything confirmed it.

use jiff::Timestamp;

use super::{
    Actor, ClockDoubt, Command, Effect, Fact, Notice, Record, Rejection, Scratch, Station,
};
use crate::ticket::TicketState;

impl Station {
    /// Applies a fact about the clock.
    pub(super) fn apply_clock(&mut self, record: &Record) {
        match &record.fact {
            Fact::ClockBehind { .. } => self.clock_warned = true,
            Fact::ClockRecovered => self.clock_warned = false,
            Fact::ClockCorrected { .. } => {
                // Time goes on from the confirmed clock, though later times
                // are already in the journal.
                self.high_water = Some(record.at);
                self.clock_warned = false;
                // A station holding another day is rebuilt from the journal
                // by the shell; one on the corrected day reopens it if the
                // clock that ran ahead closed it.
                if self.day == Some(record.day)
                    && let Some((_, unserved)) = self.closed.take_if(|(at, _)| *at > record.at)
                {
                    for t in &mut self.tickets {
                        if unserved.contains(&t.code) {
                            t.state = TicketState::Waiting;
                        }
                    }
                    self.day_closed = false;
                }
            }
            Fact::ClockUnconfirmed { .. } => self.clock_unconfirmed = true,
            Fact::ClockConfirmed => self.clock_unconfirmed = false,
            _ => {}
        }
    }

    /// The clock at `now` reads further behind the journal than the station
    /// trusts the journal by (`clock.doubt_minutes`).
    pub fn clock_doubt(&self, now: Timestamp) -> Option<ClockDoubt> {
        let journal = self.high_water?;
        let limit = jiff::SignedDuration::from_mins(i64::from(self.settings.clock_doubt_minutes));
        (journal.duration_since(now) > limit).then_some(ClockDoubt {
            clock: now,
            journal,
        })
    }
}

impl Scratch {
    /// Decides what the system says of its clock.
    pub(super) fn decide_clock(&mut self, command: &Command) -> Result<(), Rejection> {
        match *command {
            Command::ClockSource { synchronized, rtc } => {
                // Journaled once per change.
                match (synchronized == Some(true), self.station.clock_unconfirmed) {
                    (true, true) => {
                        self.record(Fact::ClockConfirmed);
                        self.effect(Effect::Notify(Notice::ClockConfirmed));
                    }
                    (false, false) => {
                        self.record(Fact::ClockUnconfirmed { rtc });
                        self.effect(Effect::Notify(Notice::ClockUnconfirmed { rtc }));
                    }
                    _ => {}
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The clock is confirmed right though the journal is ahead of it: the
    /// station's time becomes the clock's, on the clock's business day (the
    /// shell then rebuilds the station from that day's journal). With `ntp`
    /// the confirmation is NTP's, which also confirms the clock.
    pub(super) fn correct_clock(&mut self, ntp: bool) -> Result<(), Rejection> {
        let journal = self
            .station
            .high_water
            .filter(|high| self.now < *high)
            .ok_or(Rejection::ClockNotBehind)?;
        let day = self.station.business_day(self.now);
        let actor = if ntp {
            Actor::System
        } else {
            self.actor.clone()
        };
        let mut facts = vec![(actor, Fact::ClockCorrected { journal, ntp })];
        if ntp && self.station.clock_unconfirmed {
            facts.push((Actor::System, Fact::ClockConfirmed));
        }
        for (actor, fact) in facts {
            let record = Record {
                at: self.now,
                day,
                actor,
                fact,
            };
            self.station.apply(&record);
            self.decision.records.push(record);
        }
        let ahead_seconds = journal.duration_since(self.now).as_secs();
        self.effect(Effect::Notify(Notice::ClockCorrected {
            ahead_seconds,
            ntp,
        }));
        Ok(())
    }

    /// Time never runs backwards: while the clock is behind the journal, the
    /// station's time is held at the journal's latest; staff are told when
    /// the hold starts and when the clock has caught up.
    pub(super) fn hold_time(&mut self) {
        if let Some(high) = self.station.high_water {
            if self.now < high {
                if !self.station.clock_warned {
                    let clock = self.now;
                    self.now = high;
                    self.record_as(
                        Actor::System,
                        Fact::ClockBehind {
                            clock,
                            journal: high,
                        },
                    );
                    let behind_seconds = high.duration_since(clock).as_secs();
                    self.effect(Effect::Notify(Notice::ClockBehind { behind_seconds }));
                }
                self.now = high;
            } else if self.station.clock_warned {
                self.record_as(Actor::System, Fact::ClockRecovered);
                self.effect(Effect::Notify(Notice::ClockRecovered));
            }
        }
    }
}
