//! The station loop: one task that owns the domain state, handles every
//! [`Event`] in order, commits before it acknowledges, and then drives the screen
//! and the printer.

use crate::app::{CitizenEvent, DeviceEvent, ProbeEvent, StaffEvent};
use std::sync::Arc;
use std::time::Duration;

use board::sim::printer::VirtualPrinter;
use jiff::Timestamp;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::sync::oneshot;

use super::{
    Cards, Clock, Event, JobKey, Outputs, PinPurpose, PrintState, PrinterWorker, Refusal, Screen,
    ScreenView, Writer, ZoneRequest,
};
use crate::config::StationInfo;
use crate::documents::{Locale, StoredLogo};
use crate::domain::{Actor, CaseNo, Command, Rejection, SignInPlace, StaffRole, Station, WindowNo};
use crate::store::StoreError;
use drivers::profile::Profile;

mod commit;
mod dockets;
mod matters;
mod notice_board;
mod paper;
mod people;
mod staff;
mod views;
mod voice;

pub use commit::zone_seeds;
pub use views::notice_text;

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

    fn refusal(self) -> Refusal {
        match self {
            Failure::Rejected(r) => r.into(),
            Failure::Store(e) => Refusal::from(&e),
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
    /// Where staff photos are (`kiosk staff photo`), for the notice board,
    /// and the photos there by staff number, listed at start and as members
    /// sign on (not on every view).
    photos: Option<std::path::PathBuf>,
    photo_files: std::collections::BTreeMap<String, std::path::PathBuf>,
    /// Each window's numeric keypad sign-on under way.
    keypads: std::collections::BTreeMap<u8, people::KeypadEntry>,
    /// Last week's attendance, for the notice board.
    board_sheet: Option<crate::attendance::Sheet>,
    /// The cases the notice bar reminds of (a new one beeps, where asked).
    reminding: std::collections::BTreeSet<String>,
    /// Misses at the receipt lookup: repeated ones make it wait.
    receipt_throttle: crate::receipt::Throttle,
    /// The screen's backlight and how long before opening and after closing
    /// it is lit.
    backlight: Option<(super::backlight::Backlight, jiff::SignedDuration)>,
    store_fault: Option<String>,
    profile: Profile,
    logo: Option<StoredLogo>,
    /// The language of the screen that asked for the ticket being issued.
    cards: Cards,
    outputs: Outputs,
    board_problems: super::hardware::Problems,
    /// The board's zone task, whose latches follow the station's resets.
    zones: Option<UnboundedSender<ZoneRequest>>,
    /// Staff mode on the touchscreen: who is signed in.
    /// Staff mode's signed-in member: number, role and name.
    session: Option<(String, StaffRole, String)>,
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
    /// The voice, when the station has a speaker (or the simulated board's
    /// WAV files).
    voice: Option<voice::VoiceLink>,
    /// The matter catalog in force, shared with the lobby guide and the
    /// console.
    matters: crate::matters::Book,
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
    pub fn with_output_lines(&mut self, lines: board::pi::OutputDriver) {
        self.outputs.drive(lines);
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
        let (matters, _) = crate::matters::Book::open(None, parts.station.catalog());
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
            reminding: Default::default(),
            receipt_throttle: Default::default(),
            board_sheet: None,
            keypads: Default::default(),
            photos: None,
            photo_files: Default::default(),
            store_fault: None,
            profile: parts.profile,
            logo: parts.logo,
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
            voice: None,
            matters,
        }
    }

    /// The matter catalog in force (the sample until one is installed).
    pub fn with_matters(&mut self, book: crate::matters::Book) {
        self.matters = book;
    }

    /// Where the staff photos of the notice board are.
    pub fn with_photos(&mut self, dir: std::path::PathBuf) {
        self.photos = Some(dir);
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
        self.refresh_board().await;
        self.refresh_photos();
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
            Event::Citizen(event) => self.citizen(event).await,
            Event::Staff(event) => self.staff_event(event).await,
            Event::Device(event) => self.device(event).await,
            Event::Probe(event) => self.probe(event).await,
            Event::Tick => {
                match self.exec(Command::Tick, Actor::System).await {
                    // The day's close (its slip), staff notices.
                    Ok(effects) => self.perform(effects),
                    Err(f) => tracing::error!("{}", f.message()),
                }
                self.purge_contacts().await;
                self.expire_keypads();
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

    /// What a citizen did at the touchscreen.
    async fn citizen(&mut self, event: CitizenEvent) {
        match event {
            CitizenEvent::TakeTicket {
                category,
                priority,
                english,
            } => {
                let locale = if english { Locale::En } else { Locale::Zh };
                self.take_ticket(&category, priority, locale).await;
            }
            CitizenEvent::FileComplaint {
                topic,
                window,
                text,
                phone,
                form,
                english,
            } => {
                let locale = if english { Locale::En } else { Locale::Zh };
                self.file_complaint(topic, window, text, phone, form, locale)
                    .await;
            }
            CitizenEvent::TakeTicketFor {
                matter,
                priority,
                english,
            } => {
                let locale = if english { Locale::En } else { Locale::Zh };
                self.take_ticket_for(&matter, priority, locale).await;
            }
            CitizenEvent::PrintGuide { matter, english } => {
                let locale = if english { Locale::En } else { Locale::Zh };
                self.print_guide(&matter, locale).await;
            }
            CitizenEvent::ReadAloud { screen, english } => self.read_aloud(&screen, english),
            CitizenEvent::LookUpReceipt(query) => self.look_up_receipt(query).await,
        }
    }

    /// What staff or a technician asked.
    async fn staff_event(&mut self, event: StaffEvent) {
        match event {
            StaffEvent::Command {
                command,
                actor,
                reply,
            } => {
                let result = self.command(command, actor).await;
                if let Some(reply) = reply {
                    let _ = reply.send(result);
                }
            }
            StaffEvent::ExtendCase {
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
                    let _ = reply.send(Err(Refusal::Refused(e)));
                }
            },
            StaffEvent::ConfirmClock { staff, pin, reply } => {
                self.begin_pin(
                    staff,
                    pin,
                    SignInPlace::Command,
                    PinPurpose::ConfirmClock(reply),
                )
                .await;
            }
            StaffEvent::ExportCase {
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
                    let _ = reply.send(Err(Refusal::Refused(e)));
                }
            },
            StaffEvent::Alarm {
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
            StaffEvent::SignOn {
                window,
                staff,
                pin,
                reply,
            } => self.begin_sign_on(window, staff, pin, reply).await,
            StaffEvent::Away {
                request,
                actor,
                reply,
            } => self.begin_away(request, actor, reply).await,
            StaffEvent::StaffLogin { staff, pin } => {
                let purpose = PinPurpose::StaffMode {
                    session: self.staff_mode,
                };
                self.begin_pin(staff, pin, SignInPlace::Touchscreen, purpose)
                    .await;
            }
            StaffEvent::CheckPin { staff, pin, reply } => {
                self.begin_pin(staff, pin, SignInPlace::Console, PinPurpose::Console(reply))
                    .await;
            }
            StaffEvent::StaffAlarm { zone, reset } => self.staff_alarm(zone, reset).await,
            StaffEvent::Voice {
                control,
                actor,
                reply,
            } => {
                let result = self.voice_control(control, actor);
                if let Some(reply) = reply {
                    let _ = reply.send(result);
                }
            }
            StaffEvent::StaffAction(action) => self.staff_action(action).await,
            StaffEvent::StaffExit => {
                self.staff_mode += 1;
                if let Some((staff, _, _)) = self.session.take() {
                    tracing::info!("staff {staff} left staff mode");
                }
            }
            StaffEvent::Matters {
                version,
                approver,
                reply,
            } => {
                let result = self.install_matters(version, approver).await;
                let _ = reply.send(result);
            }
            StaffEvent::Calendar(calendar, reply) => {
                let years: Vec<String> = calendar.years().map(|y| y.to_string()).collect();
                tracing::info!("holiday calendar reloaded: years {}", years.join(", "));
                self.station.set_calendar(calendar);
                let _ = reply.send(Ok(()));
            }
        }
    }

    /// What a device or one of the loop's workers reported.
    async fn device(&mut self, event: DeviceEvent) {
        match event {
            DeviceEvent::Input(input, reply) => {
                let result = self.input(input).await;
                if let Some(reply) = reply {
                    let _ = reply.send(result);
                }
            }
            DeviceEvent::Zones(signals) => self.zone_signals(signals).await,
            DeviceEvent::Printed { job, outcome } => self.printed(job, outcome).await,
            DeviceEvent::PrintResent { job } => {
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
            DeviceEvent::PrintHeld { job, reason } => {
                tracing::warn!("{job} held until the printer recovers: {reason}");
                if !self.held.contains(&job) {
                    self.held.push(job);
                }
                self.screen.print_state(job.code(), PrintState::Held);
                self.settle_waiters();
            }
            DeviceEvent::PrinterHealth(health) => {
                match self
                    .exec(Command::PrinterHealth(health), Actor::System)
                    .await
                {
                    Ok(effects) => self.perform(effects),
                    Err(f) => tracing::error!("cannot record the printer's state: {}", f.message()),
                }
                self.push_view();
            }
            DeviceEvent::PrinterStopped => {}
            DeviceEvent::PinChecked {
                staff,
                place,
                verdict,
                purpose,
            } => self.pin_checked(staff, place, verdict, purpose).await,
            DeviceEvent::DaySlip(day) => self.day_slip(day).await,
            DeviceEvent::Board => {
                self.refresh_board().await;
                self.push_view();
            }
            DeviceEvent::Voice(report) => self.voice_report(report).await,
        }
    }

    /// What a test, script or diagnostic asked.
    async fn probe(&mut self, event: ProbeEvent) {
        match event {
            ProbeEvent::State(reply) => {
                let _ = reply.send(self.state());
            }
            ProbeEvent::Barrier(reply) => {
                let _ = reply.send(());
            }
            ProbeEvent::Settle { held, reply } => {
                self.settle.push((held, reply));
                self.settle_waiters();
            }
            ProbeEvent::VoiceIdle(reply) => self.when_silent(reply, false),
            ProbeEvent::VoiceSync(reply) => self.when_silent(reply, true),
            ProbeEvent::SimPrinter(action, reply) => {
                let _ = reply.send(self.sim_printer_action(action));
            }
            ProbeEvent::JumpClock(to, reply) => {
                let zone = &self.station.settings().time_zone;
                let jumped = zone
                    .to_timestamp(to)
                    .map_err(|e| {
                        format!(
                            "{to} in {}: {e}",
                            zone.iana_name().unwrap_or("the station's zone")
                        )
                    })
                    .and_then(|to| self.clock.jump_to(to));
                if jumped.is_ok() {
                    // The day closes or opens before the answer.
                    Box::pin(self.handle(Event::Tick)).await;
                }
                let _ = reply.send(jumped);
            }
        }
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
                        Some(Event::Device(DeviceEvent::Printed { job, outcome })) => self.printed(job, outcome).await,
                        Some(Event::Device(DeviceEvent::PrinterStopped)) | None => break,
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
        Event::Device(DeviceEvent::Input(_, Some(reply))) => {
            let _ = reply.send(Err(stopping()));
        }
        Event::Staff(StaffEvent::Command {
            reply: Some(reply), ..
        })
        | Event::Staff(StaffEvent::Voice {
            reply: Some(reply), ..
        }) => {
            let _ = reply.send(Err(Refusal::Stopping));
        }
        Event::Device(DeviceEvent::PinChecked { purpose, .. }) => match purpose {
            PinPurpose::Console(reply) => {
                let _ = reply.send(Err(Refusal::Stopping));
            }
            PinPurpose::Alarm { reply, .. }
            | PinPurpose::ExtendCase { reply, .. }
            | PinPurpose::ExportCase { reply, .. }
            | PinPurpose::SignOn { reply, .. }
            | PinPurpose::Away { reply, .. }
            | PinPurpose::ConfirmClock(reply) => {
                let _ = reply.send(Err(Refusal::Stopping));
            }
            PinPurpose::StaffMode { .. } => {}
        },
        Event::Staff(StaffEvent::CheckPin { reply, .. }) => {
            let _ = reply.send(Err(Refusal::Stopping));
        }
        Event::Probe(ProbeEvent::SimPrinter(_, reply)) => {
            let _ = reply.send(Err(stopping()));
        }
        Event::Staff(StaffEvent::Calendar(_, reply))
        | Event::Staff(StaffEvent::Alarm { reply, .. })
        | Event::Staff(StaffEvent::ConfirmClock { reply, .. })
        | Event::Staff(StaffEvent::ExtendCase { reply, .. })
        | Event::Staff(StaffEvent::ExportCase { reply, .. })
        | Event::Staff(StaffEvent::SignOn { reply, .. })
        | Event::Staff(StaffEvent::Away { reply, .. }) => {
            let _ = reply.send(Err(Refusal::Stopping));
        }
        _ => {}
    }
}
