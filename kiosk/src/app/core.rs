//! The station loop: one task that owns the domain state, handles every
//! [`Event`] in order, commits before it acknowledges, and then drives the screen
//! and the printer.

use std::sync::Arc;
use std::time::Duration;

use board::command::PrinterAction;
use board::sim::printer::VirtualPrinter;
use jiff::Timestamp;
use serde_json::json;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::sync::oneshot;

use super::{
    AlarmRow, Cards, CategoryRow, Clock, ComplaintOutcome, Event, JobKey, Outputs, PinPurpose,
    PrintJob, PrintState, PrinterWorker, ReceiptView, Screen, ScreenView, ServingRow, StaffAction,
    StaffOutcome, SummaryRow, TicketView, Writer, ZoneRequest,
};
use crate::config::StationInfo;
use crate::documents::{self, Locale, Press, StoredLogo};
use crate::domain::{
    Actor, CaseDocument, CaseNo, CategoryId, Command, Deadline, Effect, Fact, Notice, Paper, Phone,
    PrintOutcome, PrinterHealth, Record, Rejection, SignInPlace, StaffRole, Station, StationView,
    TicketSlip, Topic, WindowNo, ZoneFault, ZoneRole, ZoneSignal, ZoneView,
};
use crate::store::{PinRefusal, StoreError};
use drivers::profile::Profile;

/// A called ticket is drawn highlighted on the board this long.
const FRESH: i64 = 10;

/// Why a command had no effect.
enum Failure {
    Rejected(Rejection),
    Store(StoreError),
}

impl Failure {
    fn message(&self) -> String {
        match self {
            Failure::Rejected(r) => r.to_string(),
            Failure::Store(e) => e.to_string(),
        }
    }
}

/// The station loop's state.
pub struct Core {
    station: Station,
    writer: Writer,
    printer: Option<PrinterWorker>,
    sim_printer: Option<VirtualPrinter>,
    printer_port: Option<String>,
    screen: Arc<dyn Screen>,
    info: StationInfo,
    clock: Clock,
    events: UnboundedSender<Event>,
    /// Jobs waiting for a printer fault to clear.
    held: Vec<JobKey>,
    /// Jobs at the printer worker (queued, printing or held).
    pending: Vec<JobKey>,
    /// When callback numbers past their retention were last looked for.
    purged: Option<Timestamp>,
    /// Numbers case documents' print jobs.
    serial: u32,
    /// `settle` waiters, and whether held jobs count as settled for them.
    settle: Vec<(bool, oneshot::Sender<()>)>,
    last_view: Option<ScreenView>,
    /// The screen's backlight and how long before opening and after closing
    /// it is lit.
    backlight: Option<(super::backlight::Backlight, jiff::SignedDuration)>,
    store_fault: Option<String>,
    profile: Profile,
    logo: Option<StoredLogo>,
    /// The language of the screen that asked for the ticket being issued.
    locale: Locale,
    cards: Cards,
    outputs: Outputs,
    board_problems: super::hardware::Problems,
    /// The board's zone task, whose latches follow the station's resets.
    zones: Option<UnboundedSender<ZoneRequest>>,
    /// Staff mode on the touchscreen: who is signed in.
    session: Option<(String, StaffRole)>,
    /// Staff mode's generation: each exit makes a PIN still being checked
    /// for it stale.
    staff_mode: u64,
    /// Checks PINs off the loop.
    pins: super::PinChecker,
    /// The touchscreen PIN pad's own guard against guessing.
    pad: super::pins::PadGuard,
    /// PIN checks running off the loop: `settle` waits for them too.
    pins_pending: usize,
    /// Each armed window's ticket and when its rating time ends on the
    /// monotonic clock, which moves while the wall clock is held behind the
    /// journal.
    rating_ends:
        std::collections::BTreeMap<WindowNo, (crate::domain::TicketCode, tokio::time::Instant)>,
}

/// What the loop is built from.
pub struct CoreParts {
    pub station: Station,
    pub writer: Writer,
    pub printer: Option<PrinterWorker>,
    pub sim_printer: Option<VirtualPrinter>,
    pub printer_port: Option<String>,
    pub screen: Arc<dyn Screen>,
    pub info: StationInfo,
    pub clock: Clock,
    pub events: UnboundedSender<Event>,
    /// The printer model documents are laid out for.
    pub profile: Profile,
    /// The logo stored in the printer, when tickets print it.
    pub logo: Option<StoredLogo>,
    /// The windows' card displays.
    pub cards: Cards,
    /// The board's zone task, told when an alarm is reset.
    pub zones: Option<UnboundedSender<ZoneRequest>>,
    /// Checks staff PINs against the database, off the loop.
    pub pins: super::PinChecker,
}

impl Core {
    /// What the board's hardware started without, for the `state` command.
    pub fn with_board_problems(&mut self, problems: super::hardware::Problems) {
        self.board_problems = problems;
    }

    /// Drives the board's output lines (a Pi's relays, buzzer and heartbeat)
    /// from the station's state.
    pub fn with_output_lines(
        &mut self,
        lines: Box<dyn board::gpio::OutputLines>,
        pins: board::profile::Outputs,
    ) {
        self.outputs.drive(lines, pins);
    }

    /// Lets the station's hours switch the screen's backlight, lit from
    /// `margin` before opening to `margin` after closing, and during an
    /// evacuation.
    pub fn with_backlight(
        &mut self,
        backlight: super::backlight::Backlight,
        margin: jiff::SignedDuration,
    ) {
        self.backlight = Some((backlight, margin));
    }

    pub fn new(parts: CoreParts) -> Self {
        Self {
            station: parts.station,
            writer: parts.writer,
            printer: parts.printer,
            sim_printer: parts.sim_printer,
            printer_port: parts.printer_port,
            screen: parts.screen,
            info: parts.info,
            clock: parts.clock,
            events: parts.events,
            held: Vec::new(),
            pending: Vec::new(),
            purged: None,
            serial: 0,
            settle: Vec::new(),
            backlight: None,
            last_view: None,
            store_fault: None,
            profile: parts.profile,
            logo: parts.logo,
            locale: Locale::Zh,
            cards: parts.cards,
            outputs: Outputs::default(),
            board_problems: Default::default(),
            zones: parts.zones,
            session: None,
            staff_mode: 0,
            pins: parts.pins,
            pad: Default::default(),
            pins_pending: 0,
            rating_ends: Default::default(),
        }
    }

    /// Before any command is taken: ends rating times left open by the last run,
    /// then the first tick closes a business day left open, notices a clock
    /// behind the journal, and posts the first view to the screen ahead of
    /// anything the control socket may ask.
    pub async fn prepare(&mut self) {
        let started = Command::Started {
            printer: self.printer.is_some(),
        };
        match self.exec(started, Actor::System).await {
            Ok(effects) => self.perform(effects),
            Err(f) => tracing::error!("{}", f.message()),
        }
        self.handle(Event::Tick).await;
    }

    /// The zones as the journal left them (for the board's zone task at
    /// start, which reconciles them with its first readings).
    pub fn zone_seeds(&self) -> Vec<board::zones::Seed> {
        zone_seeds(&self.station)
    }

    /// Handles events until [`Event::Shutdown`] (or every sender is gone), then
    /// shuts down: printing finishes or is abandoned, the database is closed, the
    /// UI is told to quit.
    pub async fn run(mut self, mut events: UnboundedReceiver<Event>) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            let event = tokio::select! {
                biased;
                e = events.recv() => e.unwrap_or(Event::Shutdown),
                _ = tick.tick() => Event::Tick,
            };
            if matches!(event, Event::Shutdown) {
                break;
            }
            self.handle(event).await;
        }
        self.shutdown(&mut events).await;
    }

    async fn handle(&mut self, event: Event) {
        match event {
            Event::TakeTicket {
                category,
                priority,
                english,
            } => {
                self.locale = if english { Locale::En } else { Locale::Zh };
                self.take_ticket(&category, priority).await;
                self.locale = Locale::Zh;
            }
            Event::Input(input, reply) => {
                let result = self.input(input).await;
                if let Some(reply) = reply {
                    let _ = reply.send(result);
                }
            }
            Event::Command {
                command,
                actor,
                reply,
            } => {
                let result = self.command(command, actor).await;
                if let Some(reply) = reply {
                    let _ = reply.send(result);
                }
            }
            Event::Printed { job, outcome } => self.printed(job, outcome).await,
            Event::PrintResent { job } => {
                if let Some(paper) = job.paper() {
                    tracing::warn!(
                        "{job}: the printer's port went away before it confirmed the print; sending it again marked 补打"
                    );
                    if let Err(f) = self
                        .exec(Command::PrintResent { paper }, Actor::System)
                        .await
                    {
                        tracing::error!(
                            "cannot journal the second print of {job}: {}",
                            f.message()
                        );
                    }
                }
            }
            Event::PrintHeld { job, reason } => {
                tracing::warn!("{job} held until the printer recovers: {reason}");
                if !self.held.contains(&job) {
                    self.held.push(job);
                }
                self.screen.print_state(job.code(), PrintState::Held);
                self.settle_waiters();
            }
            Event::FileComplaint {
                topic,
                window,
                text,
                phone,
                form,
                english,
            } => {
                self.locale = if english { Locale::En } else { Locale::Zh };
                self.file_complaint(topic, window, text, phone, form).await;
                self.locale = Locale::Zh;
            }
            Event::ExtendCase {
                case,
                days,
                staff,
                pin,
                reason,
                reply,
            } => match case.parse::<CaseNo>() {
                Ok(case) => {
                    let purpose = PinPurpose::ExtendCase {
                        case,
                        days,
                        reason,
                        reply,
                    };
                    self.begin_pin(staff, pin, SignInPlace::Command, purpose)
                        .await;
                }
                Err(e) => {
                    let _ = reply.send(Err(e));
                }
            },
            Event::ConfirmClock { staff, pin, reply } => {
                self.begin_pin(
                    staff,
                    pin,
                    SignInPlace::Command,
                    PinPurpose::ConfirmClock(reply),
                )
                .await;
            }
            Event::ExportCase {
                case,
                staff,
                pin,
                reply,
            } => match case.parse::<CaseNo>() {
                Ok(case) => {
                    let purpose = PinPurpose::ExportCase { case, reply };
                    self.begin_pin(staff, pin, SignInPlace::Command, purpose)
                        .await;
                }
                Err(e) => {
                    let _ = reply.send(Err(e));
                }
            },
            Event::PrinterHealth(health) => {
                match self
                    .exec(Command::PrinterHealth(health), Actor::System)
                    .await
                {
                    Ok(effects) => self.perform(effects),
                    Err(f) => tracing::error!("cannot record the printer's state: {}", f.message()),
                }
                self.push_view();
            }
            Event::PrinterStopped => {}
            Event::State(reply) => {
                let _ = reply.send(self.state_json());
            }
            Event::Barrier(reply) => {
                let _ = reply.send(());
            }
            Event::Settle { held, reply } => {
                self.settle.push((held, reply));
                self.settle_waiters();
            }
            Event::SimPrinter(action, reply) => {
                let _ = reply.send(self.sim_printer_action(action));
            }
            Event::Alarm {
                reset,
                zone,
                staff,
                pin,
                reply,
            } => {
                let purpose = PinPurpose::Alarm { reset, zone, reply };
                self.begin_pin(staff, pin, SignInPlace::Command, purpose)
                    .await;
            }
            Event::StaffLogin { staff, pin } => {
                let purpose = PinPurpose::StaffMode {
                    session: self.staff_mode,
                };
                self.begin_pin(staff, pin, SignInPlace::Touchscreen, purpose)
                    .await;
            }
            Event::CheckPin { staff, pin, reply } => {
                self.begin_pin(staff, pin, SignInPlace::Console, PinPurpose::Console(reply))
                    .await;
            }
            Event::PinChecked {
                staff,
                place,
                verdict,
                purpose,
            } => self.pin_checked(staff, place, verdict, purpose).await,
            Event::StaffAlarm { zone, reset } => self.staff_alarm(zone, reset).await,
            Event::StaffAction(action) => self.staff_action(action).await,
            Event::StaffExit => {
                self.staff_mode += 1;
                if let Some((staff, _)) = self.session.take() {
                    tracing::info!("staff {staff} left staff mode");
                }
            }
            Event::Calendar(calendar, reply) => {
                let years: Vec<String> = calendar.years().map(|y| y.to_string()).collect();
                tracing::info!("holiday calendar reloaded: years {}", years.join(", "));
                self.station.set_calendar(calendar);
                let _ = reply.send(Ok(()));
            }
            Event::DaySlip(day) => self.day_slip(day).await,
            Event::Tick => {
                match self.exec(Command::Tick, Actor::System).await {
                    // The day's close (its slip), staff notices.
                    Ok(effects) => self.perform(effects),
                    Err(f) => tracing::error!("{}", f.message()),
                }
                self.purge_contacts().await;
                // The station loop answers ticks and the database takes
                // commits: the heartbeat goes on.
                self.outputs.beat(self.store_fault.is_none());
                self.push_view();
                if let Some((backlight, margin)) = &mut self.backlight {
                    let evacuating = self.last_view.as_ref().is_some_and(|v| v.evacuate);
                    let hours = self.station.catalog().hours();
                    let on = evacuating
                        || super::backlight::lit(
                            hours,
                            self.station.calendar(),
                            self.station.settings(),
                            *margin,
                            self.clock.now(),
                        );
                    backlight.set(on);
                }
            }
            Event::Shutdown => {}
        }
    }

    /// Decides, commits, applies. Effects are returned only once the records that
    /// justify them are on disk. Rating times that ran out on the monotonic
    /// clock end first, so that a key pressed after them never counts.
    async fn exec(&mut self, command: Command, actor: Actor) -> Result<Vec<Effect>, Failure> {
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
        self.decide_and_commit(command, actor).await
    }

    /// Notes when each armed window's rating time ends on the monotonic clock.
    fn track_ratings(&mut self, records: &[Record]) {
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

    async fn decide_and_commit(
        &mut self,
        command: Command,
        actor: Actor,
    ) -> Result<Vec<Effect>, Failure> {
        let now = self.clock.now();
        let decision = self
            .station
            .decide(&command, &actor, now)
            .map_err(Failure::Rejected)?;
        if decision.records.is_empty() {
            return Ok(decision.effects);
        }
        match self
            .writer
            .commit(decision.records.clone(), decision.contacts.clone())
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
    async fn reload(&mut self) -> Option<Record> {
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

    async fn take_ticket(&mut self, category: &str, priority: bool) {
        let Some(id) = CategoryId::parse(category) else {
            tracing::warn!("the screen asked for unknown category `{category}`");
            self.screen.problem(false);
            return;
        };
        match self
            .exec(
                Command::Issue {
                    category: id,
                    priority,
                },
                Actor::Citizen,
            )
            .await
        {
            Ok(effects) => self.perform(effects),
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

    async fn command(&mut self, command: Command, actor: Actor) -> Result<(), String> {
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
            return Err(format!(
                "{paper} {why}; it prints by itself — reprint it once it has printed or was given up"
            ));
        }
        let result = match self.exec(command, actor).await {
            Ok(effects) => {
                self.perform(effects);
                Ok(())
            }
            Err(f) => {
                let message = f.message();
                tracing::info!("refused: {message}");
                Err(message)
            }
        };
        self.push_view();
        result
    }

    async fn input(&mut self, input: board::Input) -> Result<(), String> {
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
                };
                self.command(command, Actor::Keypad { window: w }).await
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
            }
            board::Input::Zone { zone, signal } => {
                use board::zones::ZoneSignal as Board;
                let signal = match signal {
                    Board::Active { active } => ZoneSignal::Active(active),
                    Board::Alarm => ZoneSignal::Alarm,
                    Board::Fault { fault } => ZoneSignal::Fault(fault.map(zone_fault)),
                };
                self.command(Command::Zone { zone, signal }, Actor::System)
                    .await
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
            }
        }
    }

    /// A complaint confirmed on the touchscreen: filed as a case, then its
    /// receipt printed and its number shown.
    async fn file_complaint(
        &mut self,
        topic: Topic,
        window: Option<u8>,
        text: String,
        phone: Option<Phone>,
        form: u64,
    ) {
        let command = Command::FileComplaint {
            topic,
            window: window.and_then(WindowNo::new),
            text,
            phone,
            form,
        };
        match self.exec(command, Actor::Citizen).await {
            Ok(effects) => self.perform(effects),
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
    async fn purge_contacts(&mut self) {
        let now = self.clock.now();
        if self
            .purged
            .is_some_and(|last| now.duration_since(last).as_secs() < 3600)
        {
            return;
        }
        self.purged = Some(now);
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

    /// Starts checking a PIN typed at `place` for `purpose`, off the loop;
    /// the verdict comes back as [`Event::PinChecked`]. The touchscreen's pad
    /// refuses at once while it waits after repeated wrong PINs.
    async fn begin_pin(
        &mut self,
        staff: String,
        pin: String,
        place: SignInPlace,
        purpose: PinPurpose,
    ) {
        if place == SignInPlace::Touchscreen
            && let Some(wait) = self.pad.waiting(tokio::time::Instant::now())
        {
            let seconds = wait.as_secs().max(1);
            tracing::warn!("staff mode: a PIN refused unread; the pad waits {seconds} s");
            // The number was not looked up: it may be a PIN in the wrong
            // field, so it is not journaled as typed.
            self.journal_pin(
                "?",
                place,
                Some(format!(
                    "the pad waits {seconds} s after repeated wrong PINs"
                )),
            )
            .await;
            let message = format!(
                "请 {seconds} 秒后再试 · Wait {seconds} s: too many wrong PINs were typed here"
            );
            self.answer_pin(staff, Err(message), purpose).await;
            return;
        }
        let (checker, events, now) = (self.pins.clone(), self.events.clone(), self.clock.now());
        self.pins_pending += 1;
        tokio::spawn(async move {
            let verdict = checker.verify(staff.clone(), pin, now, place).await;
            let _ = events.send(Event::PinChecked {
                staff,
                place,
                verdict,
                purpose,
            });
        });
    }

    /// A PIN's verdict came back: counted against the member where PINs
    /// count, journaled (every refusal, and a sign-in to the console or
    /// staff mode), then what it was for is done. An unknown staff number is
    /// noted as `?`, never as typed: it may be a PIN typed in the wrong
    /// field.
    async fn pin_checked(
        &mut self,
        staff: String,
        place: SignInPlace,
        verdict: Result<crate::store::Verdict, String>,
        purpose: PinPurpose,
    ) {
        use crate::store::{Counting, Verdict};
        self.pins_pending = self.pins_pending.saturating_sub(1);
        let now = self.clock.now();
        let counted = match verdict {
            Err(e) => Err(e),
            // A public surface: a wrong PIN costs the member nothing.
            Ok(Verdict::Wrong) if super::pins::counting(place) == Counting::Surface => {
                Ok(Err(PinRefusal::Wrong {
                    left: crate::store::SOFT_LIMIT,
                }))
            }
            Ok(verdict) => self
                .writer
                .record_pin(staff.clone(), verdict, now)
                .await
                .map_err(|e| e.to_string()),
        };
        let result = match counted {
            Ok(Ok(member)) => {
                if place == SignInPlace::Touchscreen {
                    self.pad.right();
                }
                if place != SignInPlace::Command {
                    self.journal_pin(&staff, place, None).await;
                }
                Ok(member)
            }
            Ok(Err(refusal)) => {
                let named = if refusal == PinRefusal::Unknown {
                    "?"
                } else {
                    staff.as_str()
                };
                tracing::warn!("staff {named}: PIN refused ({}): {refusal}", place.word());
                if place == SignInPlace::Touchscreen {
                    self.pad.wrong(tokio::time::Instant::now());
                }
                self.journal_pin(named, place, Some(refusal.to_string()))
                    .await;
                Err(refusal.to_string())
            }
            Err(e) => {
                tracing::error!("checking a PIN: {e}");
                Err(e)
            }
        };
        self.answer_pin(staff, result, purpose).await;
        self.settle_waiters();
    }

    /// Journals a sign-in (`refused`: None) or a refused PIN at `place`.
    async fn journal_pin(&mut self, staff: &str, place: SignInPlace, refused: Option<String>) {
        let note = Command::NoteSignIn {
            staff: staff.to_string(),
            place,
            refused,
        };
        let actor = Actor::Staff {
            id: staff.to_string(),
        };
        match self.exec(note, actor).await {
            Ok(effects) => self.perform(effects),
            Err(f) => tracing::error!("journaling a sign-in: {}", f.message()),
        }
    }

    /// Does what a checked PIN was for, as the member it names.
    async fn answer_pin(
        &mut self,
        staff: String,
        member: Result<(StaffRole, String), String>,
        purpose: PinPurpose,
    ) {
        match purpose {
            PinPurpose::StaffMode { session } => {
                if session != self.staff_mode {
                    // Staff mode was left while the PIN was checked.
                    return;
                }
                match member {
                    Ok((role, name)) => {
                        tracing::info!(
                            "staff {staff} ({}) signed in on the touchscreen",
                            role.word()
                        );
                        self.screen.staff(StaffOutcome::SignedIn {
                            name: format!("{name} ({staff})"),
                        });
                        self.session = Some((staff, role));
                    }
                    Err(e) => self.screen.staff(StaffOutcome::Message(e)),
                }
            }
            PinPurpose::Console(reply) => {
                if member.is_ok() {
                    tracing::info!("staff {staff} signed in to the staff console");
                }
                let _ = reply.send(member);
            }
            PinPurpose::Alarm { reset, zone, reply } => {
                let result = match member {
                    Ok((role, _)) => self.alarm_as(reset, zone, staff, role).await,
                    Err(e) => Err(e),
                };
                let _ = reply.send(result);
            }
            PinPurpose::ExtendCase {
                case,
                days,
                reason,
                reply,
            } => {
                let result = match member {
                    Ok((role, _)) => {
                        let command = Command::ExtendCase {
                            case,
                            working_days: days,
                            reason,
                            role,
                        };
                        self.command(command, Actor::Staff { id: staff }).await
                    }
                    Err(e) => Err(e),
                };
                let _ = reply.send(result);
            }
            PinPurpose::ExportCase { case, reply } => {
                let result = match member {
                    Ok((role, _)) => {
                        let command = Command::ExportCase {
                            case,
                            role,
                            place: SignInPlace::Command,
                        };
                        self.command(command, Actor::Staff { id: staff }).await
                    }
                    Err(e) => Err(e),
                };
                let _ = reply.send(result);
            }
            PinPurpose::ConfirmClock(reply) => {
                let result = match member {
                    Ok((role, _)) => {
                        self.command(Command::ConfirmClock { role }, Actor::Staff { id: staff })
                            .await
                    }
                    Err(e) => Err(e),
                };
                let _ = reply.send(result);
            }
        }
    }

    /// An alarm acknowledged or reset by a staff member whose PIN was checked;
    /// after a reset, the board's zone latch follows.
    async fn alarm_as(
        &mut self,
        reset: bool,
        zone: u8,
        staff: String,
        role: StaffRole,
    ) -> Result<(), String> {
        let command = if reset {
            Command::ResetAlarm { zone, role }
        } else {
            Command::AcknowledgeAlarm { zone }
        };
        self.command(command, Actor::Staff { id: staff }).await?;
        if reset && let Some(zones) = &self.zones {
            let _ = zones.send(ZoneRequest::Reset { zone });
        }
        Ok(())
    }

    /// Staff mode: acknowledge or reset a zone's alarm as the signed-in member.
    async fn staff_alarm(&mut self, zone: String, reset: bool) {
        let Some((staff, role)) = self.session.clone() else {
            self.screen
                .staff(StaffOutcome::Message("sign in first · 请先登录".into()));
            return;
        };
        let Some(number) = self
            .station
            .settings()
            .zones
            .iter()
            .position(|z| z.name == zone)
        else {
            return;
        };
        let message = match self.alarm_as(reset, number as u8, staff, role).await {
            Ok(()) if reset => format!("已复位 zone `{zone}` reset"),
            Ok(()) => format!("已确认 zone `{zone}` acknowledged"),
            Err(e) => e,
        };
        self.screen.staff(StaffOutcome::Message(message));
    }

    /// Staff mode: paper change, reprint or back-entry, as the signed-in
    /// member; the outcome is shown in staff mode.
    async fn staff_action(&mut self, action: StaffAction) {
        let Some((staff, role)) = self.session.clone() else {
            self.screen
                .staff(StaffOutcome::Message("sign in first · 请先登录".into()));
            return;
        };
        let (command, done) = match self.staff_command(action, role) {
            Ok(c) => c,
            Err(e) => {
                self.screen.staff(StaffOutcome::Message(e));
                return;
            }
        };
        let message = match self.command(command, Actor::Staff { id: staff }).await {
            Ok(()) => done,
            Err(e) => e,
        };
        self.screen.staff(StaffOutcome::Message(message));
    }

    /// The domain command for a staff-mode action, and what to say when it
    /// is done.
    fn staff_command(
        &self,
        action: StaffAction,
        role: StaffRole,
    ) -> Result<(Command, String), String> {
        Ok(match action {
            StaffAction::PaperChanged => (
                Command::PaperChanged,
                "正在打印测试页 · Printing a test page".into(),
            ),
            StaffAction::ConfirmClock => (
                Command::ConfirmClock { role },
                "已按系统时间校准 · The station now keeps the system clock's time".into(),
            ),
            StaffAction::Reprint(code) => {
                let ticket: crate::domain::TicketCode = code
                    .trim()
                    .parse()
                    .map_err(|e| format!("票号不对 Not a ticket number: {e}"))?;
                (
                    Command::Reprint { ticket },
                    format!("已补打 {ticket} · {ticket} printed again"),
                )
            }
            StaffAction::BackEntry {
                category,
                window,
                yesterday,
                start_minutes,
                minutes,
            } => {
                let category = CategoryId::parse(&category)
                    .ok_or_else(|| "请选择业务 Choose a category".to_string())?;
                let window = WindowNo::new(window)
                    .ok_or_else(|| "请选择窗口 Choose a window".to_string())?;
                let tz = &self.station.settings().time_zone;
                let mut day = self.station.business_day(self.clock.now());
                if yesterday {
                    day = day.yesterday().map_err(|e| e.to_string())?;
                }
                let start = jiff::civil::Time::new(
                    i8::try_from(start_minutes / 60 % 24).unwrap_or(0),
                    i8::try_from(start_minutes % 60).unwrap_or(0),
                    0,
                    0,
                )
                .map_err(|e| e.to_string())?;
                let started = tz
                    .to_ambiguous_timestamp(day.to_datetime(start))
                    .compatible()
                    .map_err(|e| e.to_string())?;
                let finished = started
                    .checked_add(jiff::SignedDuration::from_mins(i64::from(minutes)))
                    .map_err(|e| e.to_string())?;
                let local = format!("{:02}:{:02}", start.hour(), start.minute());
                (
                    Command::BackEnter(crate::domain::BackEntry {
                        category,
                        window,
                        started,
                        finished,
                        register_no: String::new(),
                        note: String::new(),
                    }),
                    format!(
                        "已补录 Back-entered: {category} · 窗口 window {window} · {local} · {minutes} min"
                    ),
                )
            }
        })
    }

    async fn printed(&mut self, job: JobKey, outcome: PrintOutcome) {
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

    /// Answers `settle` once no job is in the printer's hands without an
    /// outcome: each printed or failed (or, for `settle held`, held by a fault).
    fn settle_waiters(&mut self) {
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

    fn perform(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::ShowTicket(slip) => {
                    let view = self.ticket_view(&slip);
                    self.screen.show_ticket(view);
                }
                Effect::PrintTicket(slip) => self.print(&slip),
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
                    if matches!(notice, Notice::BadRating { .. }) {
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
                    let printing = self.print_case(case, CaseDocument::Receipt, false);
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
                    self.print_case(case, CaseDocument::ExtensionNotice, false);
                }
                // Needs the database's figures and head: done as an event of
                // its own, after this one.
                Effect::PrintDaySlip { day } => {
                    let _ = self.events.send(Event::DaySlip(day));
                }
                Effect::ReprintCase { case, document } => {
                    tracing::info!("case {case}: printing its {} again", document.zh());
                    self.print_case(case, document, true);
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

    /// Prints the closing slip of `day` with the journal's head now, and
    /// journals that anchor (the console shows it too).
    async fn day_slip(&mut self, day: jiff::civil::Date) {
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

    fn print(&mut self, slip: &TicketSlip) {
        let document = documents::ticket(slip, &self.info, self.locale);
        self.submit(JobKey::Ticket(slip.code), &document);
    }

    /// Prints a case's document as the case stands (`reprint`: marked 补打);
    /// false when there is no printer or no such document.
    fn print_case(&mut self, case: CaseNo, document: CaseDocument, reprint: bool) -> bool {
        let Some(paper) = self.case_document(case, document) else {
            tracing::error!("case {case} has no {} to print", document.zh());
            return false;
        };
        let paper = if reprint { paper.reprinted() } else { paper };
        let key = self.case_job(case, document);
        self.submit(key, &paper)
    }

    /// A case's receipt or extension notice, from the case as the station
    /// holds it.
    fn case_document(&self, case: CaseNo, document: CaseDocument) -> Option<documents::Document> {
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
                Some(documents::complaint_receipt(
                    &facts,
                    &self.info,
                    self.locale,
                ))
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

    fn case_job(&mut self, case: CaseNo, document: CaseDocument) -> JobKey {
        self.serial += 1;
        JobKey::Case {
            case,
            document,
            serial: self.serial,
        }
    }

    /// Hands a document to the printer worker; false when there is no printer.
    fn submit(&mut self, key: JobKey, document: &documents::Document) -> bool {
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
            let _ = self.events.send(Event::Printed {
                job: key,
                outcome: PrintOutcome::Failed {
                    reason: "the printer worker has stopped".into(),
                },
            });
        }
        true
    }

    fn ticket_view(&self, slip: &TicketSlip) -> TicketView {
        let local = self
            .station
            .settings()
            .time_zone
            .to_datetime(slip.issued_at);
        TicketView {
            code: slip.code.to_string(),
            zh: slip.category_zh.clone(),
            en: slip.category_en.clone(),
            priority: slip.priority,
            ahead: slip.ahead,
            wait_minutes: slip.wait_minutes,
            time: format!("{:02}:{:02}", local.hour(), local.minute()),
            print: if self.printer.is_some() {
                PrintState::Printing
            } else {
                PrintState::NoPrinter
            },
        }
    }

    fn screen_view(&self, v: &StationView, now: Timestamp) -> ScreenView {
        let now = self.station.high_water().map_or(now, |h| now.max(h));
        let local = self.station.settings().time_zone.to_datetime(now);
        let date = local.date();
        const WEEK_ZH: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
        const WEEK_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        const MONTH_EN: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let wd = date.weekday().to_monday_zero_offset() as usize;
        let mut notice = Vec::new();
        if self.store_fault.is_some() {
            notice.push(
                "数据库无法写入，请工作人员检查 · Database cannot be written — staff please check",
            );
        }
        match &v.printer {
            PrinterHealth::Fault { fault, .. } => notice.push(printer_notice(*fault)),
            PrinterHealth::PaperLow => notice
                .push("打印纸将用完，请工作人员更换 · Paper low — staff please replace the roll"),
            PrinterHealth::Ready if v.printer_fault.is_some() => notice
                .push("打印机无法出票，请工作人员检查 · Printer cannot print — staff please check"),
            PrinterHealth::Ready => {}
        }
        let unconfirmed;
        if !v.unconfirmed_prints.is_empty() {
            let names: Vec<String> = v
                .unconfirmed_prints
                .iter()
                .map(|p| p.paper.to_string())
                .collect();
            unconfirmed = format!(
                "可能未打印：{}（号码有效） · May not have printed: {} (numbers valid)",
                names.join("、"),
                names.join(", ")
            );
            notice.push(&unconfirmed);
        }
        let clock_doubt = v
            .clock_doubt
            .map(|d| {
                // `11-30 10:00`: short enough for the 7-inch panel.
                let short = |t| self.station.local(t).get(5..).unwrap_or_default().to_string();
                let (clock, journal) = (short(d.clock), short(d.journal));
                format!(
                    "时钟 {clock}，记录已到 {journal}；时钟正确请站长确认\nClock {clock}, records {journal}: manager confirms if right"
                )
            })
            .unwrap_or_default();
        if v.clock_doubt.is_some() {
            notice.push("系统时间与记录不一致，请站长核对 · Clock and records disagree — manager please check");
        } else if v.clock_behind {
            notice.push("系统时间落后于记录，请工作人员校准 · Clock behind the records — staff please check");
        } else if v.clock_unconfirmed {
            notice.push(
                "系统时间未校准，请工作人员核对 · Clock not synchronised — staff please check",
            );
        }
        ScreenView {
            categories: v
                .categories
                .iter()
                .map(|c| CategoryRow {
                    id: c.id.to_string(),
                    zh: c.zh.clone(),
                    en: c.en.clone(),
                    issuing: c.issuing,
                    waiting: c.waiting,
                    wait_minutes: c.wait_minutes,
                })
                .collect(),
            serving: v
                .windows
                .iter()
                .map(|w| ServingRow {
                    window: w.window.get(),
                    ticket: w.ticket.map(|t| t.to_string()).unwrap_or_default(),
                    fresh: w
                        .called_at
                        .is_some_and(|at| now.duration_since(at).as_secs() < FRESH),
                    paused: w.paused,
                })
                .collect(),
            issuing: v.issuing && !v.evacuate,
            evacuate: v.evacuate,
            alarms: v.zones.iter().map(alarm_row).collect(),
            printer: printer_line(v, self.printer.is_some()),
            printer_ok: self.printer.is_some()
                && matches!(v.printer, PrinterHealth::Ready | PrinterHealth::PaperLow)
                && v.printer_fault.is_none(),
            summary: self.summary(v),
            next_open: v.next_open.clone().unwrap_or_default(),
            notice: notice.join("  |  "),
            clock_doubt,
            time: format!("{:02}:{:02}", local.hour(), local.minute()),
            date_zh: format!("{}月{}日 星期{}", date.month(), date.day(), WEEK_ZH[wd]),
            date_en: format!(
                "{} {} {}",
                WEEK_EN[wd],
                date.day(),
                MONTH_EN[(date.month() - 1) as usize]
            ),
        }
    }

    /// Today's figures for staff mode.
    fn summary(&self, v: &StationView) -> Vec<SummaryRow> {
        let tickets = self.station.tickets();
        let count = |state: &str| tickets.iter().filter(|t| t.state.name() == state).count();
        let mut levels = [0u32; 5];
        for w in &v.windows {
            for (sum, n) in levels.iter_mut().zip(w.ratings) {
                *sum += n;
            }
        }
        let rated: u32 = levels.iter().sum();
        let satisfaction = if rated == 0 {
            "—".to_string()
        } else {
            format!(
                "{:.0} %",
                f64::from(levels[3] + levels[4]) * 100.0 / f64::from(rated)
            )
        };
        let overdue = v.cases.iter().filter(|c| c.overdue.any()).count();
        let row = |label: &str, value: String| SummaryRow {
            label: label.into(),
            value,
        };
        vec![
            row("取号 Tickets issued", tickets.len().to_string()),
            row("办结 Served", count("completed").to_string()),
            row("等候中 Waiting", count("waiting").to_string()),
            row("过号 No-show", count("skipped").to_string()),
            row("评价 Ratings", rated.to_string()),
            row("满意率 Satisfaction", satisfaction),
            row(
                "未结案件 Open cases",
                format!("{} (超期 overdue {overdue})", v.cases.len()),
            ),
            row(
                "补录 Back-entered",
                self.station.back_entries_today().to_string(),
            ),
        ]
    }

    fn push_view(&mut self) {
        let now = self.clock.now();
        let station = self.station.view(now);
        self.cards
            .update(&station, &self.station.settings().staff, now);
        self.outputs.update(station.outputs, now);
        let view = self.screen_view(&station, now);
        if self.last_view.as_ref() != Some(&view) {
            self.last_view = Some(view.clone());
            self.screen.show_view(view);
        }
    }

    fn state_json(&self) -> serde_json::Value {
        let now = self.clock.now();
        let view = self.station.view(now);
        json!({
            "now": now.to_string(),
            "local": self.station.local(now),
            "simulated_clock": self.clock.is_simulated(),
            "station": view,
            "tickets": self.station.tickets().iter().map(|t| json!({
                "code": t.code.to_string(),
                "queue": t.queue.to_string(),
                "priority": t.priority,
                "state": t.state.name(),
            })).collect::<Vec<_>>(),
            "printer": {
                "port": self.printer_port,
                "outstanding": self.pending.len(),
                "held": self.held.iter().map(JobKey::code).collect::<Vec<_>>(),
                "model": self.profile.id,
                "health": view.printer,
                "fault": view.printer_fault,
                "simulated": self.sim_printer.as_ref().map(|p| p.status()),
            },
            "cards": self.cards.state(),
            "outputs": self.outputs.state(),
            "board_problems": self.board_problems.now(),
            "store_fault": self.store_fault,
            "notice": self.last_view.as_ref().map(|v| v.notice.clone()).unwrap_or_default(),
        })
    }

    fn sim_printer_action(&mut self, action: PrinterAction) -> Result<(), String> {
        let Some(printer) = self.sim_printer.as_mut() else {
            return Err("the printer is not the simulated one; set printer.port = \"sim\"".into());
        };
        printer
            .act(action)
            .map_err(|e| format!("the simulated printer cannot {action:?}: {e}"))?;
        tracing::info!("simulated printer: {action:?}");
        Ok(())
    }

    async fn shutdown(&mut self, events: &mut UnboundedReceiver<Event>) {
        tracing::info!("stopping: finishing print jobs, closing the database");
        if let Some(printer) = self.printer.as_mut() {
            printer.finish();
            // A ticket is a few hundred bytes: normally this finishes at once. A
            // printer that does not take its bytes is abandoned after a grace time.
            let grace = tokio::time::sleep(Duration::from_secs(5));
            tokio::pin!(grace);
            let mut abandoned = false;
            loop {
                tokio::select! {
                    e = events.recv() => match e {
                        Some(Event::Printed { job, outcome }) => self.printed(job, outcome).await,
                        Some(Event::PrinterStopped) | None => break,
                        Some(other) => refuse(other),
                    },
                    _ = &mut grace, if !abandoned => {
                        tracing::warn!("the printer did not finish in time; abandoning its jobs");
                        if let Some(p) = &self.printer {
                            p.abandon();
                        }
                        abandoned = true;
                    }
                }
            }
        }
        if let Some(mut printer) = self.printer.take() {
            printer.join();
        }
        self.writer.close();
        self.screen.quit();
        tracing::info!("stopped");
    }
}

/// Answers an event that arrives while stopping.
fn refuse(event: Event) {
    let stopping = || "the kiosk is stopping".to_string();
    match event {
        Event::Input(_, Some(reply))
        | Event::Command {
            reply: Some(reply), ..
        } => {
            let _ = reply.send(Err(stopping()));
        }
        Event::PinChecked { purpose, .. } => match purpose {
            PinPurpose::Console(reply) => {
                let _ = reply.send(Err(stopping()));
            }
            PinPurpose::Alarm { reply, .. }
            | PinPurpose::ExtendCase { reply, .. }
            | PinPurpose::ExportCase { reply, .. }
            | PinPurpose::ConfirmClock(reply) => {
                let _ = reply.send(Err(stopping()));
            }
            PinPurpose::StaffMode { .. } => {}
        },
        Event::CheckPin { reply, .. } => {
            let _ = reply.send(Err(stopping()));
        }
        Event::SimPrinter(_, reply)
        | Event::Calendar(_, reply)
        | Event::Alarm { reply, .. }
        | Event::ConfirmClock { reply, .. }
        | Event::ExtendCase { reply, .. }
        | Event::ExportCase { reply, .. } => {
            let _ = reply.send(Err(stopping()));
        }
        _ => {}
    }
}

/// The complaint box's last screen for a filed case.
fn filed(
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
fn deadline_text(d: Deadline) -> String {
    if d.provisional {
        format!("{} (暂按周一至周五 provisional)", d.date)
    } else {
        d.date.to_string()
    }
}

fn log_record(record: &Record) {
    let body = serde_json::to_string(&record.fact).unwrap_or_default();
    tracing::info!("journal: {} by {} {body}", record.fact.kind(), record.actor);
}

/// The printer in words for staff mode: its state and what to do.
fn printer_line(v: &StationView, configured: bool) -> String {
    if !configured {
        return "没有配置打印机 · No printer is configured".into();
    }
    match &v.printer {
        PrinterHealth::Ready => match &v.printer_fault {
            None => "正常 · Ready".into(),
            Some(f) => format!("上一张未能打印 · The last job failed: {f}"),
        },
        PrinterHealth::PaperLow => {
            "纸将用完：请准备新纸卷 · Paper low: have a new roll ready".into()
        }
        PrinterHealth::Fault { fault, detail } => {
            use crate::domain::PrinterFault as F;
            match fault {
                F::PaperOut => "缺纸：请换新纸卷 · Out of paper: load a new roll".into(),
                F::CoverOpen => "纸仓盖未合上 · The cover is open: press it shut".into(),
                F::Unplugged => {
                    "未连接：检查电源和数据线 · Not connected: check power and cable".into()
                }
                // The rest need the technician's detail.
                _ => format!("无法打印 · Cannot print: {detail}"),
            }
        }
    }
}

/// A zone as staff mode lists it.
fn alarm_row(z: &ZoneView) -> AlarmRow {
    let label = match z.info.role {
        ZoneRole::Panic => format!("紧急报警 Panic · {}", z.info.name),
        ZoneRole::Smoke => format!("烟感 Smoke · {}", z.info.name),
        ZoneRole::Gas => format!("燃气 Gas · {}", z.info.name),
    };
    let mut state = Vec::new();
    if z.state.latched.is_some() {
        state.push(if z.state.acknowledged {
            "报警已确认 alarm acknowledged".to_string()
        } else {
            "报警 ALARM".to_string()
        });
    }
    if z.state.active {
        state.push("输入仍在报警 input still active".into());
    }
    if let Some(fault) = z.state.fault {
        state.push(format!("故障 fault: {}", fault.text()));
    }
    if state.is_empty() {
        state.push("正常 normal".into());
    }
    AlarmRow {
        zone: z.info.name.clone(),
        label,
        state: state.join(" · "),
        latched: z.state.latched.is_some(),
        acknowledged: z.state.acknowledged,
        fault: z.state.fault.is_some(),
    }
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
fn zone_fault(kind: drivers::zone::FaultKind) -> ZoneFault {
    use drivers::zone::FaultKind as K;
    match kind {
        K::Open => ZoneFault::Open,
        K::Short => ZoneFault::Short,
        K::Noise => ZoneFault::Noise,
        K::Unreadable => ZoneFault::Unreadable,
        K::Detector => ZoneFault::Detector,
    }
}

/// A staff notice as one line of text.
pub fn notice_text(notice: &Notice) -> String {
    match notice {
        Notice::QueueEmpty { window } => format!("nobody is waiting for window {window}"),
        Notice::ClockBehind { behind_seconds } => format!(
            "the system clock is {behind_seconds} s behind the journal; times are held at the last journal entry until it is corrected — check NTP or the real-time clock"
        ),
        Notice::ClockRecovered => "the system clock has caught up with the journal".into(),
        Notice::ClockCorrected { ahead_seconds, ntp } => format!(
            "the station's time is the system clock's again, {} confirmed it; the journal had run {} min ahead (its later entries stay as written); a business day closed by that clock is open again",
            if *ntp { "NTP" } else { "a manager" },
            ahead_seconds / 60
        ),
        Notice::ClockUnconfirmed { rtc } => format!(
            "the system clock is not synchronised ({}); check the time shown and the network — numbers and the journal's order stay safe either way",
            if *rtc {
                "there is a real-time clock, which keeps time through a power cut only with its battery"
            } else {
                "no real-time clock: after a power cut it may be far off"
            }
        ),
        Notice::ClockConfirmed => "the system clock is synchronised".into(),
        Notice::PrinterFault { ticket, reason } => {
            format!("ticket {ticket} was not printed: {reason}")
        }
        Notice::PrinterRecovered => "the printer prints again".into(),
        Notice::BadRating {
            ticket,
            window,
            level,
            case,
        } => format!(
            "bad rating {level} for {ticket} at window {window} (case {case}) — the station manager should go to the window now"
        ),
        Notice::EvaluatorFault {
            window,
            level,
            stuck: true,
        } => format!(
            "the level-{level} key of window {window}'s evaluator is held down or shorted — free the key or check its wiring; the other keys still work"
        ),
        Notice::EvaluatorFault {
            window,
            level,
            stuck: false,
        } => format!("the level-{level} key of window {window}'s evaluator is free again"),
        Notice::Alarm { zone, role } => match role {
            ZoneRole::Panic => format!(
                "PANIC ALARM in zone `{zone}` — silent on the public screen; go to the lobby now; reset with a staff PIN once the button is released"
            ),
            ZoneRole::Smoke => format!(
                "FIRE ALARM in zone `{zone}` — the lobby shows the evacuation; ticketing stopped; reset with a manager PIN once the detector is clear"
            ),
            ZoneRole::Gas => {
                format!("gas sensor `{zone}` reads high — check for gas and ventilate")
            }
        },
        Notice::AlarmReset { zone } => format!("the alarm of zone `{zone}` was reset"),
        Notice::ZoneFault {
            zone,
            fault: Some(fault),
        } => format!(
            "zone `{zone}` is at fault: {} — check its wiring; an alarm on it may not be seen until repaired",
            fault.text()
        ),
        Notice::ZoneFault { zone, fault: None } => {
            format!("zone `{zone}` is repaired: its wiring reads normal again")
        }
        Notice::PinGuessing { place, refused } => format!(
            "{refused} PINs refused at the {} today — someone may be guessing; see who is there{}",
            place.word(),
            if *place == SignInPlace::Touchscreen {
                " (the pad waits after repeated wrong PINs; no member is locked out by it)"
            } else {
                ""
            }
        ),
        Notice::PrintsUnconfirmed { reprinted, listed } => {
            let names = |papers: &[Paper]| {
                papers
                    .iter()
                    .map(Paper::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut parts = Vec::new();
            if !reprinted.is_empty() {
                parts.push(format!("printed again marked 补打: {}", names(reprinted)));
            }
            if !listed.is_empty() {
                parts.push(format!(
                    "may not have printed (too long ago to print again unasked; the numbers are valid — reprint if a citizen asks): {}",
                    names(listed)
                ));
            }
            format!(
                "the kiosk restarted before the printer confirmed some papers: {}",
                parts.join("; ")
            )
        }
        Notice::Printer { health } => match health {
            PrinterHealth::Ready => "the printer is ready".into(),
            PrinterHealth::PaperLow => "the printer's paper is low — replace the roll soon".into(),
            PrinterHealth::Fault { detail, .. } => {
                format!("the printer cannot print: {detail}; tickets are held and shown on screen")
            }
        },
    }
}

/// The public screen's line about a printer fault: short, and for staff.
fn printer_notice(fault: crate::domain::PrinterFault) -> &'static str {
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
