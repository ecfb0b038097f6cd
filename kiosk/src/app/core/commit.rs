//! Deciding and committing: a command goes to the domain, its records through
//! the single writer, and only then are its effects carried out.

use crate::app::DeviceEvent;
use std::time::Duration;

use super::*;
use crate::app::{ComplaintOutcome, Event, JobKey, PrintState, ReceiptView, StaffOutcome};
use crate::documents::{self, Press};
use crate::domain::{
    Actor, CaseDocument, CaseNo, CategoryId, Command, Deadline, Decision, Effect, Fact, Notice,
    Paper, Phone, PrinterHealth, Record, Rejection, Station, Topic, WindowNo, ZoneFault,
    ZoneSignal,
};

impl Core {
    /// Decides, commits, applies. Effects are returned only once the records that
    /// justify them are on disk. Rating times that ran out on the monotonic
    /// clock end first, so that a key pressed after them never counts.
    pub(super) async fn exec(
        &mut self,
        command: Command,
        actor: Actor,
    ) -> Result<Vec<Effect>, Failure> {
        self.end_ratings().await;
        self.decide_and_commit(command, actor).await
    }

    /// Ends the rating times that ran out on the monotonic clock.
    async fn end_ratings(&mut self) {
        let now = tokio::time::Instant::now();
        let ended: Vec<(WindowNo, crate::domain::TicketCode)> = self
            .rating_ends
            .iter()
            .filter(|(_, (_, end))| *end <= now)
            .map(|(w, (t, _))| (*w, *t))
            .collect();
        for (window, ticket) in ended {
            self.rating_ends.remove(&window);
            if let Err(f) = self
                .decide_and_commit(Command::RatingExpired { window, ticket }, Actor::System)
                .await
            {
                tracing::error!("ending the rating time of {ticket}: {}", f.message());
            }
        }
    }

    /// What the board's zones signalled at one moment (the zone task's
    /// decision on one reading), journaled in one commit: a pressed panic
    /// button's input and alarm wait for one `fsync`, not two. Were they
    /// refused together (a zone the station does not know), each is tried
    /// alone, so that none is lost for another.
    pub(super) async fn zone_signals(&mut self, signals: Vec<(u8, board::zones::ZoneSignal)>) {
        let signals: Vec<(u8, ZoneSignal)> = signals
            .into_iter()
            .map(|(zone, signal)| (zone, zone_signal(signal)))
            .collect();
        self.end_ratings().await;
        let decided = self.station.decide_zones(&signals, self.clock.now());
        let outcome = match decided {
            Ok(decision) => self.commit_decision(decision).await,
            Err(rejection) if signals.len() > 1 => {
                tracing::warn!(
                    "zone signals {signals:?} refused together ({rejection}); one by one"
                );
                for (zone, signal) in signals {
                    if let Err(f) = self
                        .exec(Command::Zone { zone, signal }, Actor::System)
                        .await
                        .map(|effects| self.perform(effects))
                    {
                        tracing::error!("zone {zone}: {signal:?} refused: {}", f.message());
                    }
                }
                Ok(Vec::new())
            }
            Err(rejection) => Err(Failure::Rejected(rejection)),
        };
        match outcome {
            Ok(effects) => self.perform(effects),
            Err(f) => tracing::error!("zone signals refused: {}", f.message()),
        }
        self.push_view();
    }

    /// Notes when each armed window's rating time ends on the monotonic clock.
    pub(super) fn track_ratings(&mut self, records: &[Record]) {
        let seconds = u64::from(self.station.settings().rating_seconds);
        for r in records {
            match &r.fact {
                Fact::RatingArmed { ticket, window, .. } => {
                    let end = tokio::time::Instant::now() + Duration::from_secs(seconds);
                    self.rating_ends.insert(*window, (*ticket, end));
                }
                Fact::TicketRated { ticket, window, .. }
                | Fact::TicketUnrated { ticket, window, .. }
                    if self
                        .rating_ends
                        .get(window)
                        .is_some_and(|(t, _)| t == ticket) =>
                {
                    self.rating_ends.remove(window);
                }
                _ => {}
            }
        }
    }

    pub(super) async fn decide_and_commit(
        &mut self,
        command: Command,
        actor: Actor,
    ) -> Result<Vec<Effect>, Failure> {
        let now = self.clock.now();
        let decision = self
            .station
            .decide(&command, &actor, now)
            .map_err(Failure::Rejected)?;
        self.commit_decision(decision).await
    }

    /// Commits a decision's records, applies them, and returns its effects
    /// (only once the records are on disk).
    async fn commit_decision(&mut self, decision: Decision) -> Result<Vec<Effect>, Failure> {
        if decision.records.is_empty() {
            return Ok(decision.effects);
        }
        match self
            .writer
            .commit(
                decision.records.clone(),
                crate::app::writer::Private {
                    contacts: decision.contacts.clone(),
                    principals: decision.principals.clone(),
                },
            )
            .await
        {
            Ok(()) => {
                self.store_fault = None;
                for record in &decision.records {
                    log_record(record);
                }
                if decision
                    .records
                    .iter()
                    .any(|r| matches!(r.fact, Fact::ClockCorrected { .. }))
                {
                    // The station goes back to the clock's business day,
                    // whose earlier records only the journal holds.
                    self.reload().await;
                } else {
                    for record in &decision.records {
                        self.station.apply(record);
                    }
                }
                self.track_ratings(&decision.records);
                if decision.records.iter().any(|r| {
                    matches!(
                        r.fact,
                        Fact::DayOpened
                            | Fact::LeaveRegistered { .. }
                            | Fact::LeaveCancelled { .. }
                    )
                }) {
                    let _ = self.events.send(Event::Device(DeviceEvent::Board));
                }
                if decision
                    .records
                    .iter()
                    .any(|r| matches!(r.fact, Fact::SignedOn { .. }))
                {
                    self.refresh_photos();
                }
                Ok(decision.effects)
            }
            Err(e) => {
                tracing::error!("{e}");
                self.store_fault = Some(e.to_string());
                // A commit can fail after its records reached the disk (an I/O
                // error after the sync). Rebuild from what the database holds, so
                // the station is never a step behind it; if the records are there,
                // they are durable and their effects are due.
                let last = self.reload().await;
                if last.is_some() && last.as_ref() == decision.records.last() {
                    tracing::warn!(
                        "the commit reported an error but its records are on disk; going on"
                    );
                    self.store_fault = None;
                    self.track_ratings(&decision.records);
                    return Ok(decision.effects);
                }
                self.push_view();
                Err(Failure::Store(e))
            }
        }
    }

    /// Rebuilds the station from the database and returns the journal's last
    /// record; `None` when it cannot be read (the station is then left as it was).
    pub(super) async fn reload(&mut self) -> Option<Record> {
        match self.writer.resume().await {
            Ok(resume) => {
                self.station = resume.rebuild(self.station.blank());
                resume.records.last().cloned()
            }
            Err(e) => {
                tracing::error!("cannot read the journal back: {e}");
                None
            }
        }
    }

    /// A citizen's touch: a ticket in their language.
    pub(super) async fn take_ticket(&mut self, category: &str, priority: bool, locale: Locale) {
        let Some(id) = CategoryId::parse(category) else {
            tracing::warn!("the screen asked for unknown category `{category}`");
            self.screen.problem(false);
            return;
        };
        let command = Command::Issue {
            category: id,
            priority,
        };
        self.issue_with(command, locale).await;
    }

    /// Issues a citizen's ticket (`Issue` or `IssueFor`) and shows the
    /// outcome.
    pub(super) async fn issue_with(&mut self, command: Command, locale: Locale) {
        match self.exec(command, Actor::Citizen).await {
            Ok(effects) => self.perform_in(effects, locale),
            Err(Failure::Rejected(r @ Rejection::TicketingClosed { .. })) => {
                tracing::info!("{r}");
                self.screen.problem(true);
            }
            Err(f) => {
                tracing::warn!("no ticket issued: {}", f.message());
                self.screen.problem(false);
            }
        }
        self.push_view();
    }

    pub(super) async fn command(&mut self, command: Command, actor: Actor) -> Result<(), Refusal> {
        // A paper still at the printer prints by itself once it can: a reprint
        // now would come out twice.
        let reprint = match command {
            Command::Reprint { ticket } => Some(Paper::Ticket { ticket }),
            Command::ReprintCase { case, document } => Some(Paper::Case { case, document }),
            _ => None,
        };
        if let Some(paper) = reprint
            && let Some(job) = self.pending.iter().find(|j| j.paper() == Some(paper))
        {
            let why = if self.held.contains(job) {
                "is waiting for the printer to recover"
            } else {
                "is being printed"
            };
            return Err(Refusal::Refused(format!(
                "{paper} {why}; it prints by itself — reprint it once it has printed or was given up"
            )));
        }
        let result = match self.exec(command, actor).await {
            Ok(effects) => {
                self.perform(effects);
                Ok(())
            }
            Err(f) => {
                tracing::info!("refused: {}", f.message());
                Err(f.refusal())
            }
        };
        self.push_view();
        result
    }

    pub(super) async fn input(&mut self, input: board::Input) -> Result<(), String> {
        match input {
            board::Input::StaffKey { window, key } => {
                let Some(w) = WindowNo::new(window) else {
                    return Err(format!("window {window} is out of range"));
                };
                let command = match key {
                    board::StaffKey::CallNext => Command::CallNext { window: w },
                    board::StaffKey::Recall => Command::Recall { window: w },
                    board::StaffKey::Skip => Command::Skip { window: w },
                    board::StaffKey::Complete => Command::Complete { window: w },
                    board::StaffKey::Digit(_) | board::StaffKey::Enter => {
                        self.keypad_key(w, key).await;
                        return Ok(());
                    }
                };
                self.command(command, Actor::Keypad { window: w })
                    .await
                    .map_err(|r| r.to_string())
            }
            board::Input::EvaluatorKey { window, level } => {
                let Some(w) = WindowNo::new(window) else {
                    return Err(format!("window {window} is out of range"));
                };
                // The board profile has mapped the key to its level.
                self.command(
                    Command::Rate { window: w, level },
                    Actor::Evaluator { window: w },
                )
                .await
                .map_err(|r| r.to_string())
            }
            board::Input::Zone { zone, signal } => {
                let signal = zone_signal(signal);
                self.command(Command::Zone { zone, signal }, Actor::System)
                    .await
                    .map_err(|r| r.to_string())
            }
            board::Input::EvaluatorStuck {
                window,
                level,
                stuck,
            } => {
                let Some(w) = WindowNo::new(window) else {
                    return Err(format!("window {window} is out of range"));
                };
                self.command(
                    Command::EvaluatorFault {
                        window: w,
                        level,
                        stuck,
                    },
                    Actor::Evaluator { window: w },
                )
                .await
                .map_err(|r| r.to_string())
            }
        }
    }

    /// A complaint confirmed on the touchscreen: filed as a case, then its
    /// receipt printed and its number shown.
    pub(super) async fn file_complaint(
        &mut self,
        topic: Topic,
        window: Option<u8>,
        text: String,
        phone: Option<Phone>,
        form: u64,
        locale: Locale,
    ) {
        let command = Command::FileComplaint {
            topic,
            window: window.and_then(WindowNo::new),
            text,
            phone,
            form,
            channel: crate::domain::Channel::Kiosk,
        };
        match self.exec(command, Actor::Citizen).await {
            Ok(effects) => self.perform_in(effects, locale),
            Err(f) => {
                let message = f.message();
                tracing::warn!("complaint not filed: {message}");
                self.screen.complaint(ComplaintOutcome::Refused(message));
            }
        }
        self.push_view();
    }

    /// Deletes callback numbers whose retention ran out, once an hour; each
    /// deletion is journaled.
    pub(super) async fn purge_contacts(&mut self) {
        let now = self.clock.now();
        if self
            .purged
            .is_some_and(|last| now.duration_since(last).as_secs() < 3600)
        {
            return;
        }
        self.purged = Some(now);
        self.purge_principals().await;
        let days = i64::from(self.station.settings().phone_retention_days);
        let Ok(by) = now.checked_sub(jiff::SignedDuration::from_hours(24 * days)) else {
            return;
        };
        let cases = match self.writer.expired_contacts(by).await {
            Ok(cases) if cases.is_empty() => return,
            Ok(cases) => cases,
            Err(e) => {
                tracing::error!("cannot look for callback numbers past retention: {e}");
                return;
            }
        };
        let n = cases.len();
        match self
            .exec(Command::ForgetContacts { cases }, Actor::System)
            .await
        {
            Ok(_) => tracing::info!(
                "deleted {n} callback number(s) {days} days after their case was filed"
            ),
            Err(f) => tracing::error!("cannot delete callback numbers: {}", f.message()),
        }
    }

    /// Deletes commissions' citizens whose retention after hand-over ran
    /// out, with the callback numbers' hourly pass; each deletion is
    /// journaled.
    pub(super) async fn purge_principals(&mut self) {
        let now = self.clock.now();
        let days = i64::from(self.station.settings().principal_retention_days);
        let Ok(by) = now.checked_sub(jiff::SignedDuration::from_hours(24 * days)) else {
            return;
        };
        let found = self
            .writer
            .read(move |store| store::dockets::expired_principals(store.connection(), by))
            .await;
        let dockets = match found {
            Ok(Ok(d)) if d.is_empty() => return,
            Ok(Ok(d)) => d,
            Ok(Err(e)) | Err(e) => {
                tracing::error!("cannot look for commission particulars past retention: {e}");
                return;
            }
        };
        let n = dockets.len();
        match self
            .exec(Command::ForgetPrincipals { dockets }, Actor::System)
            .await
        {
            Ok(_) => tracing::info!(
                "deleted the citizen's particulars of {n} commission(s) {days} days after hand-over"
            ),
            Err(f) => tracing::error!("cannot delete commission particulars: {}", f.message()),
        }
    }

    pub(super) fn perform(&mut self, effects: Vec<Effect>) {
        self.perform_in(effects, Locale::Zh);
    }

    /// Carries out effects; papers are printed in `locale` (the citizen's
    /// language for what they asked at the touchscreen, else Chinese).
    pub(super) fn perform_in(&mut self, effects: Vec<Effect>, locale: Locale) {
        for effect in effects {
            match effect {
                Effect::ShowTicket(slip) => {
                    self.showing(&slip);
                    let view = self.ticket_view(&slip);
                    self.screen.show_ticket(view);
                }
                Effect::PrintTicket(slip) => self.print(&slip, locale),
                Effect::PrintTestPage => {
                    self.serial += 1;
                    let press = Press {
                        profile: &self.profile,
                        logo: self.logo.as_ref(),
                    };
                    let page = documents::test_page(press, &self.info);
                    if !self.submit(
                        JobKey::TestPage {
                            serial: self.serial,
                        },
                        &page,
                    ) {
                        self.screen.staff(StaffOutcome::Message(
                            "没有打印机 · No printer is configured".into(),
                        ));
                    }
                }
                Effect::Announce {
                    ticket,
                    window,
                    recall,
                } => {
                    let again = if recall { " (again)" } else { "" };
                    tracing::info!("calling {ticket} to window {window}{again}");
                    self.announce(
                        crate::domain::Announcement::Call {
                            ticket,
                            window,
                            recall,
                        },
                        false,
                    );
                }
                // Good news is information; the rest is a warning.
                Effect::Notify(
                    notice @ (Notice::PrinterRecovered
                    | Notice::ClockRecovered
                    | Notice::ClockCorrected { .. }
                    | Notice::ClockConfirmed
                    | Notice::Printer {
                        health: PrinterHealth::Ready,
                    }),
                ) => tracing::info!("staff notice: {}", notice_text(&notice)),
                Effect::Notify(notice) => {
                    if matches!(notice, Notice::BadRating { .. } | Notice::BadResult { .. }) {
                        self.outputs.bad_rating(self.clock.now());
                    }
                    tracing::warn!("staff notice: {}", notice_text(&notice));
                }
                // The same form again: show its case (the screen waits for an
                // answer); the receipt is not printed twice.
                Effect::ComplaintFiled {
                    again: true,
                    case,
                    answer_by,
                    working_days,
                    ..
                } => {
                    tracing::info!("complaint form submitted again: case {case} is already open");
                    let printing = self.pending.iter().any(|j| {
                        matches!(j, JobKey::Case { case: c, document: CaseDocument::Receipt, .. } if *c == case)
                    });
                    let print = if printing {
                        PrintState::Printing
                    } else {
                        PrintState::Printed
                    };
                    self.screen
                        .complaint(filed(case, answer_by, working_days, print));
                }
                Effect::ComplaintFiled {
                    case,
                    answer_by,
                    working_days,
                    again: false,
                    ..
                } => {
                    tracing::info!("complaint {case} filed; answer by {}", answer_by.date);
                    let printing = self.print_case(case, CaseDocument::Receipt, false, locale);
                    let print = if printing {
                        PrintState::Printing
                    } else {
                        PrintState::NoPrinter
                    };
                    self.screen
                        .complaint(filed(case, answer_by, working_days, print));
                }
                Effect::CaseExtended { case, now_due, .. } => {
                    tracing::info!("case {case} extended to {}", now_due.date);
                    self.print_case(case, CaseDocument::ExtensionNotice, false, locale);
                }
                // Needs the database's figures and head: done as an event of
                // its own, after this one.
                Effect::PrintDaySlip { day } => {
                    let _ = self.events.send(Event::Device(DeviceEvent::DaySlip(day)));
                }
                Effect::PrintGuide { matter } => self.print_guide_notice(&matter, locale),
                Effect::PrintNotice {
                    notice,
                    window,
                    matter,
                    missing,
                    return_by,
                    by,
                    given_local,
                } => {
                    tracing::info!("notice {notice}: {} missing for {matter}", missing.len());
                    self.print_missing(
                        notice,
                        window,
                        &matter,
                        missing,
                        return_by,
                        &by,
                        given_local,
                    );
                }
                Effect::PrintDocket {
                    docket,
                    document,
                    principal,
                    again,
                } => self.print_docket(&docket, document, principal.as_ref(), again),
                Effect::ReprintCase { case, document } => {
                    tracing::info!("case {case}: printing its {} again", document.zh());
                    self.print_case(case, document, true, locale);
                }
                // The window's card and the lobby screen thank the citizen.
                Effect::Thank { window, level } => {
                    tracing::info!("window {window}: rated {level}; thanking the citizen");
                    self.cards.thank(window, level, self.clock.now());
                    self.screen.thank(window.get());
                }
            }
        }
    }

    /// Answers `settle` once no job is in the printer's hands without an
    /// outcome: each printed or failed (or, for `settle held`, held by a fault).
    pub(super) fn settle_waiters(&mut self) {
        // A PIN being checked decides what the screen shows next.
        let checking = self.pins_pending > 0;
        let done = self.pending.is_empty() && !checking;
        let held = self.pending.len() <= self.held.len() && !checking;
        let (answer, wait): (Vec<_>, Vec<_>) = std::mem::take(&mut self.settle)
            .into_iter()
            .partition(|(with_held, _)| done || (*with_held && held));
        self.settle = wait;
        for (_, waiter) in answer {
            let _ = waiter.send(());
        }
    }
}

/// The complaint box's last screen for a filed case.
pub(super) fn filed(
    case: CaseNo,
    answer_by: Deadline,
    working_days: u32,
    print: PrintState,
) -> ComplaintOutcome {
    ComplaintOutcome::Filed(ReceiptView {
        case: case.to_string(),
        answer_by: answer_by.date.to_string(),
        working_days,
        provisional: answer_by.provisional,
        print,
    })
}

/// `2026-12-07`, marked when counted without the year's holiday list.
pub(super) fn deadline_text(d: Deadline) -> String {
    if d.provisional {
        format!("{} (暂按周一至周五 provisional)", d.date)
    } else {
        d.date.to_string()
    }
}

pub(super) fn log_record(record: &Record) {
    let body = serde_json::to_string(&record.fact).unwrap_or_default();
    tracing::info!("journal: {} by {} {body}", record.fact.kind(), record.actor);
}

/// The zones as the station's journal left them, for the board.
pub fn zone_seeds(station: &Station) -> Vec<board::zones::Seed> {
    use drivers::zone::FaultKind as K;
    station
        .zone_states()
        .into_iter()
        .map(|(name, z)| board::zones::Seed {
            name,
            latched: z.latched.is_some(),
            active: z.active,
            fault: z.fault.map(|f| match f {
                ZoneFault::Open => K::Open,
                ZoneFault::Short => K::Short,
                ZoneFault::Noise => K::Noise,
                ZoneFault::Unreadable => K::Unreadable,
                ZoneFault::Detector => K::Detector,
            }),
        })
        .collect()
}

/// A fault as the domain names it.
pub(super) fn zone_fault(kind: drivers::zone::FaultKind) -> ZoneFault {
    use drivers::zone::FaultKind as K;
    match kind {
        K::Open => ZoneFault::Open,
        K::Short => ZoneFault::Short,
        K::Noise => ZoneFault::Noise,
        K::Unreadable => ZoneFault::Unreadable,
        K::Detector => ZoneFault::Detector,
    }
}

/// A zone's signal as the domain names it.
fn zone_signal(signal: board::zones::ZoneSignal) -> ZoneSignal {
    use board::zones::ZoneSignal as Board;
    match signal {
        Board::Active { active } => ZoneSignal::Active(active),
        Board::Alarm => ZoneSignal::Alarm,
        Board::Fault { fault } => ZoneSignal::Fault(fault.map(zone_fault)),
    }
}
