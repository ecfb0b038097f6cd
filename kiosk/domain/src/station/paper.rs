//! Paper out of the printer as the station keeps it: print outcomes of
//! tickets and case documents, the printer's health, reprints, papers sent
//! again, paper changes, and after a restart the papers whose outcome was
//! lost. What a paper is and the restart rule are in the crate's `printing`
//! module.

use jiff::Timestamp;

use super::{
    Actor, Command, Effect, Fact, Notice, PrintOutcome, Record, Rejection, Scratch, Station,
};
use crate::case::{Case, CaseDocument, CaseSource};
use crate::printing::{Paper, Unconfirmed, decide_after_restart};
use crate::ticket::TicketState;

impl Station {
    /// Applies a fact about the printer or a paper.
    pub(super) fn apply_paper(&mut self, record: &Record) {
        match &record.fact {
            Fact::TicketPrinted { ticket, .. } => {
                self.printer_fault = None;
                self.prints.settled(Paper::Ticket { ticket: *ticket }, true);
            }
            Fact::PrintFailed { ticket, reason } => {
                self.printer_fault = Some(reason.clone());
                self.prints
                    .settled(Paper::Ticket { ticket: *ticket }, false);
            }
            Fact::TicketReprinted { ticket } => {
                self.prints
                    .requested(Paper::Ticket { ticket: *ticket }, record.at);
            }
            Fact::CaseReprinted { case, document } => {
                self.prints.requested(
                    Paper::Case {
                        case: *case,
                        document: *document,
                    },
                    record.at,
                );
            }
            Fact::PrintUnconfirmed {
                paper,
                requested_at,
                decision,
            } => match decision {
                Unconfirmed::Reprinted => self.prints.requested(*paper, record.at),
                _ => self.prints.decided(*paper, *requested_at, *decision),
            },
            Fact::PrinterChanged { health } => self.printer = health.clone(),
            Fact::CasePrinted {
                case,
                document,
                outcome,
            } => self.prints.settled(
                Paper::Case {
                    case: *case,
                    document: *document,
                },
                matches!(outcome, PrintOutcome::Printed { .. }),
            ),
            _ => {}
        }
    }
}

impl Scratch {
    /// Decides a command about the printer or a paper.
    pub(super) fn decide_paper(&mut self, command: &Command) -> Result<(), Rejection> {
        match *command {
            Command::PrintResent { paper } => {
                self.record_as(Actor::System, Fact::PrintResent { paper });
                Ok(())
            }
            Command::ReprintCase { case, document } => {
                let c = self
                    .station
                    .cases
                    .get(&case)
                    .ok_or(Rejection::UnknownCase(case))?;
                let printed = match document {
                    CaseDocument::Receipt => matches!(c.source, CaseSource::Complaint { .. }),
                    CaseDocument::ExtensionNotice => !c.extensions.is_empty(),
                };
                if !printed {
                    return Err(Rejection::NoSuchDocument { case, document });
                }
                self.record(Fact::CaseReprinted { case, document });
                self.effect(Effect::ReprintCase { case, document });
                Ok(())
            }
            Command::CasePrinted {
                case,
                document,
                ref outcome,
            } => {
                self.record(Fact::CasePrinted {
                    case,
                    document,
                    outcome: outcome.clone(),
                });
                Ok(())
            }
            Command::PrintOutcome {
                ticket,
                ref outcome,
            } => {
                let had_fault = self.station.printer_fault.is_some();
                match outcome {
                    PrintOutcome::Printed { bytes, after_fault } => {
                        self.record(Fact::TicketPrinted {
                            ticket,
                            bytes: *bytes,
                            after_fault: *after_fault,
                        });
                        if had_fault {
                            self.effect(Effect::Notify(Notice::PrinterRecovered));
                        }
                    }
                    PrintOutcome::Failed { reason } => {
                        self.record(Fact::PrintFailed {
                            ticket,
                            reason: reason.clone(),
                        });
                        self.effect(Effect::Notify(Notice::PrinterFault {
                            ticket,
                            reason: reason.clone(),
                        }));
                    }
                }
                Ok(())
            }
            Command::PrinterHealth(ref health) => {
                if *health != self.station.printer {
                    self.record(Fact::PrinterChanged {
                        health: health.clone(),
                    });
                    self.effect(Effect::Notify(Notice::Printer {
                        health: health.clone(),
                    }));
                }
                Ok(())
            }
            Command::Reprint { ticket } => {
                let t = self
                    .station
                    .ticket(ticket)
                    .ok_or(Rejection::UnknownTicket(ticket))?;
                if matches!(
                    t.state,
                    TicketState::Completed { .. } | TicketState::Unserved
                ) {
                    return Err(Rejection::NotReprintable {
                        ticket,
                        state: t.state.name(),
                    });
                }
                let slip = self.station.slip(t, true);
                self.record(Fact::TicketReprinted { ticket });
                self.effect(Effect::PrintTicket(slip));
                Ok(())
            }
            Command::PaperChanged => {
                self.record(Fact::PaperChanged);
                self.effect(Effect::PrintTestPage);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// After a restart: every paper asked of the printer whose outcome the
    /// journal lacks is printed again (marked 补打) when it was asked for
    /// moments ago, or listed for staff; the decision is journaled.
    pub(super) fn recover_prints(&mut self, printer: bool) {
        let minutes = i64::from(self.station.settings.reprint_unconfirmed_minutes);
        let within = jiff::SignedDuration::from_mins(minutes);
        let outstanding: Vec<(Paper, Timestamp)> = self.station.prints.outstanding().collect();
        let (mut reprinted, mut listed) = (Vec::new(), Vec::new());
        for (paper, requested_at) in outstanding {
            // A ticket still waits for its call: its paper matters. One
            // already called reached (or was called to) the window by its
            // number.
            let still_due = match paper {
                Paper::Ticket { ticket } => self
                    .station
                    .ticket(ticket)
                    .is_some_and(|t| t.state == TicketState::Waiting),
                Paper::Case { case, .. } => {
                    self.station.cases.get(&case).is_some_and(Case::is_open)
                }
            };
            let decision = decide_after_restart(requested_at, self.now, still_due, printer, within);
            self.record_as(
                Actor::System,
                Fact::PrintUnconfirmed {
                    paper,
                    requested_at,
                    decision,
                },
            );
            match decision {
                Unconfirmed::Reprinted => {
                    reprinted.push(paper);
                    match paper {
                        Paper::Ticket { ticket } => {
                            if let Some(t) = self.station.ticket(ticket) {
                                let slip = self.station.slip(t, true);
                                self.effect(Effect::PrintTicket(slip));
                            }
                        }
                        Paper::Case { case, document } => {
                            self.effect(Effect::ReprintCase { case, document })
                        }
                    }
                }
                Unconfirmed::Listed => listed.push(paper),
                Unconfirmed::NotNeeded | Unconfirmed::NoPrinter => {}
            }
        }
        if !reprinted.is_empty() || !listed.is_empty() {
            self.effect(Effect::Notify(Notice::PrintsUnconfirmed {
                reprinted,
                listed,
            }));
        }
    }
}
