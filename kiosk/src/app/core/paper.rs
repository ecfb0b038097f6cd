//! Print jobs: tickets, case documents and closing slips handed to the printer
//! worker, and what its outcomes mean for the station.

use crate::app::DeviceEvent;
use board::command::PrinterAction;

use super::commit::deadline_text;
use super::*;
use crate::app::{Event, JobKey, PrintJob, PrintState, StaffOutcome};
use crate::documents::{self, Locale, Press};
use crate::domain::{Actor, CaseDocument, CaseNo, Command, PrintOutcome, TicketSlip, WindowNo};

impl Core {
    pub(super) async fn printed(&mut self, job: JobKey, outcome: PrintOutcome) {
        let state = match outcome {
            PrintOutcome::Printed { .. } => PrintState::Printed,
            PrintOutcome::Failed { .. } => PrintState::Failed,
        };
        let command = match job {
            JobKey::TestPage { .. } => {
                let message = match &outcome {
                    PrintOutcome::Printed { .. } => {
                        "测试页已打印，打印机正常 · Test page printed: the printer works"
                            .to_string()
                    }
                    PrintOutcome::Failed { reason } => {
                        format!("测试页未能打印 · Test page not printed: {reason}")
                    }
                };
                tracing::info!("{message}");
                self.screen.staff(StaffOutcome::Message(message));
                self.pending.retain(|t| *t != job);
                self.held.retain(|t| *t != job);
                self.settle_waiters();
                return;
            }
            JobKey::DaySlip { .. } => {
                match &outcome {
                    PrintOutcome::Printed { .. } => tracing::info!("the closing slip printed"),
                    PrintOutcome::Failed { reason } => tracing::warn!(
                        "the closing slip did not print: {reason}; its anchor is on the console's today page and in the journal (day_anchored)"
                    ),
                }
                self.pending.retain(|t| *t != job);
                self.held.retain(|t| *t != job);
                self.settle_waiters();
                return;
            }
            JobKey::Guide { .. } | JobKey::Missing { .. } | JobKey::Docket { .. } => {
                match &outcome {
                    PrintOutcome::Printed { .. } => tracing::info!("{job} printed"),
                    PrintOutcome::Failed { reason } => {
                        tracing::warn!("{job} did not print: {reason}")
                    }
                }
                if matches!(job, JobKey::Guide { .. }) {
                    self.screen.print_state(job.code(), state);
                }
                self.pending.retain(|t| *t != job);
                self.held.retain(|t| *t != job);
                self.settle_waiters();
                return;
            }
            JobKey::Ticket(ticket) => Command::PrintOutcome { ticket, outcome },
            JobKey::Case { case, document, .. } => Command::CasePrinted {
                case,
                document,
                outcome,
            },
        };
        match self.exec(command, Actor::System).await {
            Ok(effects) => self.perform(effects),
            Err(f) => tracing::error!("cannot record the print outcome of {job}: {}", f.message()),
        }
        self.held.retain(|t| *t != job);
        if let Some(i) = self.pending.iter().position(|t| *t == job) {
            self.pending.remove(i);
        }
        // The screen shows tickets and receipts; a notice is for staff.
        if !matches!(
            job,
            JobKey::Case {
                document: CaseDocument::ExtensionNotice,
                ..
            }
        ) {
            self.screen.print_state(job.code(), state);
        }
        self.push_view();
        self.settle_waiters();
    }

    /// Prints the closing slip of `day` with the journal's head now, and
    /// journals that anchor (the console shows it too).
    pub(super) async fn day_slip(&mut self, day: jiff::civil::Date) {
        let tz = self.station.settings().time_zone.clone();
        let slip = match self.writer.day_slip(day, tz).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!("cannot make the closing slip of {day}: {e}");
                return;
            }
        };
        let total = &slip.report.total;
        let facts = documents::DaySlipFacts {
            day: day.to_string(),
            issued: total.issued,
            served: total.served,
            no_show: total.no_show,
            unserved: total.unserved,
            back_entered: total.back_entered,
            matters: slip.report.matters.total.handled,
            notices: slip.report.matters.notices,
            ratings: slip.report.ratings.total,
            satisfaction: slip.report.ratings.satisfaction,
            cases_opened: slip.report.cases.opened,
            complaints: slip.report.cases.from_complaints,
            anchor: slip.anchor.as_ref().map(ToString::to_string),
            printed_local: self.station.local(self.clock.now()),
        };
        self.serial += 1;
        let key = JobKey::DaySlip {
            serial: self.serial,
        };
        if !self.submit(key, &documents::day_slip(&facts, &self.info)) {
            tracing::info!("no printer: the closing slip of {day} is not printed");
        }
        if let Some(anchor) = slip.anchor {
            tracing::info!("the journal's anchor at the close of {day}: {anchor}");
            let note = Command::NoteAnchor {
                day,
                seq: anchor.seq,
                hash: anchor.hash,
            };
            if let Err(f) = self.exec(note, Actor::System).await {
                tracing::error!("journaling the anchor of {day}: {}", f.message());
            }
        }
    }

    pub(super) fn print(&mut self, slip: &TicketSlip, locale: Locale) {
        let document = documents::ticket(slip, &self.info, locale);
        self.submit(JobKey::Ticket(slip.code), &document);
    }

    /// Prints a case's document as the case stands (`reprint`: marked 补打);
    /// false when there is no printer or no such document.
    pub(super) fn print_case(
        &mut self,
        case: CaseNo,
        document: CaseDocument,
        reprint: bool,
        locale: Locale,
    ) -> bool {
        let Some(paper) = self.case_document(case, document, locale) else {
            tracing::error!("case {case} has no {} to print", document.zh());
            return false;
        };
        let paper = if reprint { paper.reprinted() } else { paper };
        let key = self.case_job(case, document);
        self.submit(key, &paper)
    }

    /// A case's receipt or extension notice, from the case as the station
    /// holds it.
    pub(super) fn case_document(
        &self,
        case: CaseNo,
        document: CaseDocument,
        locale: Locale,
    ) -> Option<documents::Document> {
        let c = self.station.case(case)?;
        match document {
            CaseDocument::Receipt => {
                let crate::domain::CaseSource::Complaint { topic, .. } = c.source else {
                    return None;
                };
                let facts = documents::ReceiptFacts {
                    case_no: case.to_string(),
                    filed_local: self.station.local(c.history.first()?.at),
                    topic_zh: topic.zh().into(),
                    topic_en: topic.en().into(),
                    window: c.window.map(WindowNo::get),
                    answer_by: c.callback_due.date.to_string(),
                    working_days: self.station.settings().answer_days,
                    provisional: c.callback_due.provisional,
                };
                Some(documents::complaint_receipt(&facts, &self.info, locale))
            }
            CaseDocument::ExtensionNotice => {
                let e = c.extensions.last()?;
                let facts = documents::NoticeFacts {
                    case_no: case.to_string(),
                    reason: e.reason.clone(),
                    old_deadline: deadline_text(e.was),
                    new_deadline: deadline_text(e.now_due),
                    issued_local: self.station.local(e.at),
                    manager: e.by.to_string(),
                };
                Some(documents::case_notice(&facts, &self.info, Locale::Zh))
            }
        }
    }

    pub(super) fn case_job(&mut self, case: CaseNo, document: CaseDocument) -> JobKey {
        self.serial += 1;
        JobKey::Case {
            case,
            document,
            serial: self.serial,
        }
    }

    /// Hands a document to the printer worker; false when there is no printer.
    pub(super) fn submit(&mut self, key: JobKey, document: &documents::Document) -> bool {
        let Some(printer) = &self.printer else {
            return false;
        };
        let press = Press {
            profile: &self.profile,
            logo: self.logo.as_ref(),
        };
        let encoded = document.escpos(press);
        // Sent instead when the printer took the paper and lost its port
        // before confirming it: the first copy may have come out.
        let resend = document.clone().reprinted().escpos(press);
        let paper_time =
            self.profile.print_time(document.paper_dots(press)) + self.profile.cut_time();
        if !encoded.replaced.is_empty() {
            tracing::warn!(
                "{key}: characters the printer cannot print were replaced: {:?}",
                encoded.replaced
            );
        }
        let job = PrintJob {
            job: key,
            encoded,
            resend,
            paper_time,
            queued_at: std::time::Instant::now(),
        };
        self.pending.push(key);
        if !printer.submit(job) {
            let _ = self.events.send(Event::Device(DeviceEvent::Printed {
                job: key,
                outcome: PrintOutcome::Failed {
                    reason: "the printer worker has stopped".into(),
                },
            }));
        }
        true
    }

    pub(super) fn sim_printer_action(&mut self, action: PrinterAction) -> Result<(), String> {
        let Some(printer) = self.sim_printer.as_mut() else {
            return Err("the printer is not the simulated one; set printer.port = \"sim\"".into());
        };
        printer
            .act(action)
            .map_err(|e| format!("the simulated printer cannot {action:?}: {e}"))?;
        tracing::info!("simulated printer: {action:?}");
        Ok(())
    }
}

/// The public screen's line about a printer fault: short, and for staff.
pub(super) fn printer_notice(fault: crate::domain::PrinterFault) -> &'static str {
    use crate::domain::PrinterFault as F;
    match fault {
        F::PaperOut => {
            "打印机缺纸，请工作人员更换纸卷 · Printer out of paper — staff please load a roll"
        }
        F::CoverOpen => "打印机盖未关，请工作人员检查 · Printer cover open — staff please close it",
        F::Unplugged => "打印机未连接，请工作人员检查 · Printer disconnected — staff please check",
        F::Offline | F::NoAnswer | F::BadReply | F::Stalled | F::PortError => {
            "打印机无法出票，请工作人员检查 · Printer cannot print — staff please check"
        }
    }
}
