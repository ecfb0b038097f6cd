//! The evaluator at each window: arming it when a ticket is completed, the
//! citizen's rating, the rating time running out, stuck keys, and the case a
//! bad rating opens.

use super::{
    Actor, Command, Effect, Fact, Notice, Record, Rejection, Scratch, Station, UnratedReason,
};
use crate::case::{CaseNo, CaseSource};
use crate::catalog::WindowNo;
use crate::ticket::TicketCode;

/// The highest level that is a bad rating (不满意, 很不满意): it opens a
/// case, alerts the manager, and reaches the district at once.
pub const BAD_RATING_MAX: u8 = 2;

impl Station {
    /// Applies a fact about ratings or the evaluators.
    pub(super) fn apply_evaluator(&mut self, record: &Record) {
        match &record.fact {
            Fact::RatingArmed {
                ticket,
                window,
                until,
                member,
            } => {
                if let Some(w) = self.windows.get_mut(window) {
                    w.armed = Some((*ticket, *until));
                    w.armed_for = member.clone();
                }
                self.ratings.insert(*ticket, (*window, None));
            }
            Fact::TicketRated {
                ticket,
                window,
                level,
                ..
            } => {
                self.disarm(*window, *ticket);
                self.ratings.insert(*ticket, (*window, Some(Some(*level))));
            }
            Fact::TicketUnrated { ticket, window, .. } => {
                self.disarm(*window, *ticket);
                self.ratings.insert(*ticket, (*window, Some(None)));
            }
            Fact::EvaluatorFault {
                window,
                level,
                stuck,
            } => {
                let w = self.windows.entry(*window).or_default();
                w.stuck.retain(|l| l != level);
                if *stuck {
                    w.stuck.push(*level);
                    w.stuck.sort_unstable();
                }
            }
            _ => {}
        }
    }

    /// Ends a window's rating time for `ticket`; a call held for it is
    /// made (by the decision that ended it) or dropped.
    fn disarm(&mut self, window: WindowNo, ticket: TicketCode) {
        if let Some(w) = self.windows.get_mut(&window)
            && w.armed.is_some_and(|(t, _)| t == ticket)
        {
            w.armed = None;
            w.armed_for = None;
            w.call_held = false;
        }
    }

    /// Today's ratings at a window: counts of levels 1–5, and unrated tickets.
    pub(super) fn ratings_at(&self, window: WindowNo) -> ([u32; 5], u32) {
        let mut levels = [0; 5];
        let mut unrated = 0;
        for (w, outcome) in self.ratings.values() {
            match outcome {
                Some(Some(level)) if *w == window && (1..=5).contains(level) => {
                    levels[usize::from(level - 1)] += 1;
                }
                Some(None) if *w == window => unrated += 1,
                _ => {}
            }
        }
        (levels, unrated)
    }
}

impl Scratch {
    /// Decides a command from or about an evaluator.
    pub(super) fn decide_evaluator(&mut self, command: &Command) -> Result<(), Rejection> {
        match *command {
            Command::RatingExpired { window, ticket } => {
                if self.window(window)?.armed.is_some_and(|(t, _)| t == ticket) {
                    self.rating_over(window, ticket, None);
                }
                Ok(())
            }
            Command::EvaluatorFault {
                window,
                level,
                stuck,
            } => {
                // Journaled once per change.
                if self.window(window)?.stuck.contains(&level) != stuck {
                    self.record(Fact::EvaluatorFault {
                        window,
                        level,
                        stuck,
                    });
                    self.effect(Effect::Notify(Notice::EvaluatorFault {
                        window,
                        level,
                        stuck,
                    }));
                }
                Ok(())
            }
            Command::Rate { window, level } => {
                let w = self.window(window)?;
                let (armed, member) = (w.armed, w.armed_for.clone());
                // A call held for this rating is made once it is recorded.
                let held = armed.is_some() && w.call_held;
                if !(1..=5).contains(&level) {
                    return Err(Rejection::BadLevel(level));
                }
                // A result handed over waits for its rating first.
                if self.rate_docket(window, level) {
                    return Ok(());
                }
                match armed {
                    // The first key wins: the rating disarms the window.
                    Some((ticket, _)) => {
                        self.record(Fact::TicketRated {
                            ticket,
                            window,
                            level,
                            member,
                        });
                        self.effect(Effect::Thank { window, level });
                        if level <= BAD_RATING_MAX {
                            let case = self.open_rating_case(ticket, window, level);
                            self.effect(Effect::Notify(Notice::BadRating {
                                ticket,
                                window,
                                level,
                                case,
                            }));
                        }
                    }
                    None => self.record(Fact::RatingIgnored { window, level }),
                }
                if held {
                    self.release_call(window);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// A rating time that ran out: the ticket goes unrated, once.
    pub(super) fn expire_ratings(&mut self) {
        let expired: Vec<(WindowNo, TicketCode)> = self
            .station
            .windows
            .iter()
            .filter_map(|(no, w)| match w.armed {
                Some((ticket, until)) if until <= self.now => Some((*no, ticket)),
                _ => None,
            })
            .collect();
        for (window, ticket) in expired {
            self.rating_over(window, ticket, None);
        }
    }

    /// A ticket's rating time ran out (`reason` None) or was ended: it goes
    /// unrated, once, naming who served it. A call held for it is made
    /// when the time ran out; a restart or the day's close drops it.
    fn rating_over(&mut self, window: WindowNo, ticket: TicketCode, reason: Option<UnratedReason>) {
        let (held, member) = match self.station.windows.get(&window) {
            Some(w) => (w.call_held, w.armed_for.clone()),
            None => (false, None),
        };
        self.record_as(
            Actor::System,
            Fact::TicketUnrated {
                ticket,
                window,
                reason: reason.unwrap_or(UnratedReason::Timeout),
                member,
            },
        );
        if held && reason.is_none() {
            self.release_call(window);
        }
    }

    /// Makes a call that waited for a rating, unless the window paused
    /// meanwhile. Nobody waiting: staff are told. The station makes it (the
    /// staff's press is the `call_held` before it), naming the member on.
    fn release_call(&mut self, window: WindowNo) {
        if self.window(window).is_ok_and(|w| w.paused) {
            return;
        }
        let asked_by = std::mem::replace(&mut self.actor, Actor::System);
        // The call was accepted when staff made it; an empty queue now is
        // a notice, not a refusal.
        let _ = self.call_now(window, true);
        self.actor = asked_by;
    }

    /// Ends every window's rating time, recording its ticket as unrated.
    pub(super) fn disarm_all(&mut self, reason: UnratedReason) {
        let armed: Vec<(WindowNo, TicketCode)> = self
            .station
            .windows
            .iter()
            .filter_map(|(no, w)| w.armed.map(|(ticket, _)| (*no, ticket)))
            .collect();
        for (window, ticket) in armed {
            self.rating_over(window, ticket, Some(reason));
        }
    }

    /// Opens the case a bad rating calls for: the callback and rectification
    /// deadlines count in working days from the day after.
    fn open_rating_case(&mut self, ticket: TicketCode, window: WindowNo, level: u8) -> CaseNo {
        let day = self.case_day();
        let case = self.next_case_no(day);
        let settings = &self.station.settings;
        let calendar = &self.station.calendar;
        let fact = Fact::CaseOpened {
            case,
            source: CaseSource::Rating { level },
            window: Some(window),
            staff: self.station.staff_at(window),
            ticket: Some(ticket),
            callback_due: calendar.add_working_days(day, settings.callback_days),
            rectify_due: calendar.add_working_days(day, settings.rectify_days),
            about_manager: self.about_manager(Some(window)),
            note: format!(
                "评价器差评 bad rating {level} ({}) for {ticket} at window {window}",
                if level == 1 {
                    "非常不满意"
                } else {
                    "不满意"
                }
            ),
        };
        self.record(fact);
        case
    }
}
