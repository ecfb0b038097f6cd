//! Matters at the station: a ticket taken for a matter of the lobby guide,
//! the guide's one-time notice printed, what became of each matter a citizen
//! brought to a window, the written notice of missing materials
//! (补正材料一次性告知书, numbered by day), and a new catalog version
//! installed with its approver.

use super::{Command, Effect, Fact, Record, Rejection, Scratch, Station};
use crate::catalog::WindowNo;
use crate::complaint::private_text;
use crate::matter::{MAX_MATERIAL, MatterRef, NoticeNo, Outcome};
use crate::ticket::{TicketCode, TicketState};

/// Longest reason for refusing a matter (不予受理), in characters.
pub const MAX_REASON: usize = 200;
/// Most materials one notice lists (a matter's materials and a few more).
pub const MAX_MISSING: usize = crate::matter::MAX_MATERIALS + 10;
/// Most working days a citizen may be given to bring missing materials.
pub const MAX_RETURN_DAYS: u32 = 60;
/// Longest name of the window or office a matter is referred to.
pub const MAX_REFERRAL: usize = 40;

impl Station {
    /// Applies a fact about matters.
    pub(super) fn apply_matters(&mut self, record: &Record) {
        match &record.fact {
            Fact::MatterHandled {
                ticket: Some(ticket),
                matter,
                ..
            } => {
                self.matters_handled.insert((*ticket, matter.id.clone()));
            }
            Fact::NoticeGiven { notice, .. } => {
                self.notices_today = self.notices_today.max(notice.seq);
            }
            _ => {}
        }
    }

    /// Written notices given this business day.
    pub fn notices_today(&self) -> u16 {
        self.notices_today
    }
}

impl Scratch {
    /// Decides the commands about matters.
    pub(super) fn decide_matters(&mut self, command: &Command) -> Result<(), Rejection> {
        match command {
            Command::PrintGuide { matter } => {
                self.record(Fact::GuidePrinted {
                    matter: matter.clone(),
                });
                self.effect(Effect::PrintGuide {
                    matter: matter.clone(),
                });
                Ok(())
            }
            Command::RecordMatter {
                window,
                ticket,
                matter,
                outcome,
            } => {
                let ticket = self.visit(*window, *ticket)?;
                // A question outside the catalog is named by what was asked.
                let mut matter = matter.clone();
                if matter.id.is_other() {
                    matter.zh = private_text(&matter.zh, crate::matter::MAX_NAME);
                    matter.en = None;
                    if matter.zh.is_empty() {
                        return Err(Rejection::AskedNeeded);
                    }
                }
                let matter = &matter;
                let outcome = match outcome {
                    Outcome::Notice { .. } => return Err(Rejection::NoticeByForm),
                    Outcome::Refused { reason } => {
                        let reason = private_text(reason, MAX_REASON);
                        if reason.trim().is_empty() {
                            return Err(Rejection::ReasonNeeded);
                        }
                        Outcome::Refused { reason }
                    }
                    Outcome::Accepted { .. } | Outcome::Proxy { .. } => {
                        return Err(Rejection::ReceiptByForm);
                    }
                    Outcome::Referred { to } => {
                        let to = private_text(to, MAX_REFERRAL);
                        if to.is_empty() {
                            return Err(Rejection::ReferralNeeded);
                        }
                        Outcome::Referred { to }
                    }
                    other => other.clone(),
                };
                self.once(ticket, matter)?;
                self.record(Fact::MatterHandled {
                    ticket,
                    window: *window,
                    matter: matter.clone(),
                    outcome,
                });
                Ok(())
            }
            Command::GiveNotice {
                window,
                ticket,
                matter,
                missing,
                return_days,
            } => {
                let ticket = self.visit(*window, *ticket)?;
                if matter.id.is_other() {
                    return Err(Rejection::NotInCatalog);
                }
                let missing: Vec<String> = missing
                    .iter()
                    .map(|m| private_text(m, MAX_MATERIAL))
                    .filter(|m| !m.trim().is_empty())
                    .collect();
                if missing.is_empty() {
                    return Err(Rejection::NothingMissing);
                }
                if missing.len() > MAX_MISSING {
                    return Err(Rejection::TooManyMissing(missing.len()));
                }
                if !(1..=MAX_RETURN_DAYS).contains(return_days) {
                    return Err(Rejection::ReturnDays(*return_days));
                }
                self.once(ticket, matter)?;
                let today = self.station.business_day(self.now);
                let notice = NoticeNo {
                    day: today,
                    seq: self.station.notices_today + 1,
                };
                let return_by = self.station.calendar.add_working_days(today, *return_days);
                self.record(Fact::NoticeGiven {
                    notice,
                    ticket,
                    window: *window,
                    matter: matter.clone(),
                    missing: missing.clone(),
                    return_by,
                });
                self.record(Fact::MatterHandled {
                    ticket,
                    window: *window,
                    matter: matter.clone(),
                    outcome: Outcome::Notice { notice },
                });
                self.effect(Effect::PrintNotice {
                    notice,
                    window: *window,
                    matter: matter.clone(),
                    missing,
                    return_by,
                    by: self.actor.clone(),
                    given_local: self.station.local(self.now),
                });
                Ok(())
            }
            Command::NoteMatters {
                version,
                approver,
                matters,
                sha256,
            } => {
                let approver = private_text(approver, 40);
                if approver.trim().is_empty() {
                    return Err(Rejection::ApproverNeeded);
                }
                self.record(Fact::MattersInstalled {
                    version: *version,
                    approver,
                    matters: *matters,
                    sha256: sha256.clone(),
                });
                Ok(())
            }
            _ => unreachable!("only matters' commands are sent here"),
        }
    }

    /// The ticket a matter at this window belongs to: the one named (called
    /// to or served at this window today), or the one the window is serving,
    /// or none (a citizen helped without a ticket).
    pub(super) fn visit(
        &self,
        window: WindowNo,
        ticket: Option<TicketCode>,
    ) -> Result<Option<TicketCode>, Rejection> {
        let w = self.window(window)?;
        let Some(code) = ticket else {
            return Ok(w.current);
        };
        let t = self
            .station
            .ticket(code)
            .ok_or(Rejection::UnknownTicket(code))?;
        match t.state {
            TicketState::Called { window: at, .. } | TicketState::Completed { window: at }
                if at == window =>
            {
                Ok(Some(code))
            }
            _ => Err(Rejection::NotServedHere {
                ticket: code,
                window,
            }),
        }
    }

    /// A matter is recorded once per ticket (a form sent twice).
    pub(super) fn once(
        &self,
        ticket: Option<TicketCode>,
        matter: &MatterRef,
    ) -> Result<(), Rejection> {
        match ticket {
            Some(t)
                if self
                    .station
                    .matters_handled
                    .contains(&(t, matter.id.clone())) =>
            {
                Err(Rejection::MatterTwice {
                    ticket: t,
                    matter: matter.zh.clone(),
                })
            }
            _ => Ok(()),
        }
    }
}
