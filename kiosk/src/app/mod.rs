//! The running station: the shell around the pure domain.
//!
//! Slint owns the main thread; tokio runs on its own threads; they talk over
//! channels. Every input — touches, board inputs, control commands, printer
//! outcomes, the one-second tick — arrives as a variant of the one closed
//! [`Event`] enum and is handled by the station loop ([`core`]), which asks the
//! domain, commits the records through the single writer, and only then carries
//! out the effects (screen, printer, staff notices).

pub mod backlight;
mod cards;
pub(crate) mod clock;
pub mod control;
mod core;
pub(crate) mod hardware;
pub mod offline;
mod outputs;
pub mod pins;

pub mod keys;
pub(crate) mod printer;
pub mod reply;
pub mod shutdown;
pub mod systemd;
mod writer;
pub mod zones;

use board::command::PrinterAction;
use tokio::sync::oneshot;

pub use cards::{Cards, card_for};
pub use clock::{Clock, clock_source};
pub use control::Control;
pub use core::{Core, CoreParts, notice_text, zone_seeds};
pub use keys::KeyEvent;
pub use outputs::Outputs;
pub use pins::PinChecker;
pub use printer::{
    PrintJob, PrinterSetup, PrinterWorker, printer_port, printer_setup, sim_model,
    transport_settings,
};
pub use reply::{Refusal, StoreProblem};
pub use shutdown::Shutdown;
pub use writer::{Commits, OutboxHandle, Writer};
pub use zones::ZoneRequest;

pub use crate::screen::{
    AlarmRow, CategoryRow, ComplaintOutcome, OnDutyRow, PrintState, ReceiptView, Screen, ScreenJob,
    ScreenOps, ScreenView, ServingRow, StaffAction, StaffOutcome, SummaryRow, TicketView,
};

use crate::domain::{
    Actor, CaseDocument, CaseNo, Command, Paper, Phone, PrintOutcome, PrinterHealth, TicketCode,
    Topic,
};

/// What a print job is for: a queue ticket, or a case's document.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum JobKey {
    Ticket(TicketCode),
    /// `serial` tells two documents of one case apart (two extensions).
    Case {
        case: CaseNo,
        document: CaseDocument,
        serial: u32,
    },
    /// The test page staff print after changing the paper.
    TestPage {
        serial: u32,
    },
    /// The closing slip (日结单) of a business day.
    DaySlip {
        serial: u32,
    },
    /// A matter's one-time notice printed at the lobby guide.
    Guide {
        serial: u32,
    },
    /// A written notice of missing materials.
    Missing {
        notice: crate::domain::NoticeNo,
    },
    /// A docket's receipt or commission; `serial` tells a reprint apart.
    Docket {
        docket: crate::domain::DocketNo,
        document: crate::domain::DocketDocument,
        serial: u32,
    },
}

impl std::fmt::Display for JobKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JobKey::Ticket(t) => write!(f, "ticket {t}"),
            JobKey::Case {
                case,
                document: CaseDocument::Receipt,
                ..
            } => write!(f, "receipt of case {case}"),
            JobKey::Case {
                case,
                document: CaseDocument::ExtensionNotice,
                ..
            } => write!(f, "extension notice of case {case}"),
            JobKey::TestPage { .. } => write!(f, "test page"),
            JobKey::DaySlip { .. } => write!(f, "closing slip"),
            JobKey::Guide { .. } => write!(f, "one-time notice of the guide"),
            JobKey::Missing { notice } => write!(f, "notice {notice}"),
            JobKey::Docket {
                docket, document, ..
            } => write!(f, "{} of {docket}", document.word()),
        }
    }
}

impl JobKey {
    /// The paper the journal knows the job as (the test page is none).
    pub fn paper(&self) -> Option<Paper> {
        match *self {
            JobKey::Ticket(ticket) => Some(Paper::Ticket { ticket }),
            JobKey::Case { case, document, .. } => Some(Paper::Case { case, document }),
            JobKey::TestPage { .. }
            | JobKey::DaySlip { .. }
            | JobKey::Guide { .. }
            | JobKey::Missing { .. }
            | JobKey::Docket { .. } => None,
        }
    }

    /// What the screen knows the job by: the ticket's code or the case number.
    pub fn code(&self) -> String {
        match self {
            JobKey::Ticket(t) => t.to_string(),
            JobKey::Case { case, .. } => case.to_string(),
            JobKey::TestPage { .. } => "test-page".into(),
            JobKey::DaySlip { .. } => "day-slip".into(),
            JobKey::Guide { .. } => "guide".into(),
            JobKey::Missing { notice } => notice.to_string(),
            JobKey::Docket { docket, .. } => docket.to_string(),
        }
    }
}

/// Everything the station loop reacts to.
pub enum Event {
    /// What a citizen does at the touchscreen.
    Citizen(CitizenEvent),
    /// What staff or a technician ask, with their credential.
    Staff(StaffEvent),
    /// What devices and the loop's workers report.
    Device(DeviceEvent),
    /// What tests, scripts and diagnostics ask of the loop.
    Probe(ProbeEvent),
    /// One second passed.
    Tick,
    /// Stop: finish or abandon printing, flush, exit.
    Shutdown,
}

/// What a citizen does at the touchscreen.
pub enum CitizenEvent {
    /// A citizen touched a category button; `english` when the screen was in
    /// English (the ticket is printed English first).
    TakeTicket {
        category: String,
        priority: bool,
        english: bool,
    },
    /// A citizen confirmed a complaint on the touchscreen; `english` when the
    /// screen was in English (the receipt is printed English first).
    FileComplaint {
        topic: Topic,
        window: Option<u8>,
        text: String,
        phone: Option<Phone>,
        form: u64,
        english: bool,
    },
    /// A citizen took a ticket for a matter at the lobby guide (its id in the
    /// catalog in force): in the matter's category, the matter on the ticket.
    TakeTicketFor {
        matter: String,
        priority: bool,
        english: bool,
    },
    /// A citizen printed a matter's one-time notice at the lobby guide.
    PrintGuide { matter: String, english: bool },
    /// A citizen asked where a receipt's matter stands (typed or scanned).
    LookUpReceipt(crate::receipt::Query),
    /// A citizen pressed 读给我听 on a screen (`home`, `ticket`,
    /// `complaint-phone`…); `english` when the screen was in English.
    ReadAloud { screen: String, english: bool },
}

/// What staff ask of the voice.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum VoiceControl {
    /// Say a window's call again (not a recall: no limit, no record but the
    /// announcement's).
    Repeat { window: crate::domain::WindowNo },
    /// Stop the announcement playing (`None`) or a waiting one.
    Stop { id: Option<u64> },
}

/// What staff (or a technician) ask, each with their credential: a PIN, a
/// signed-in console session, or the control socket's file permissions.
pub enum StaffEvent {
    /// A domain command from a staff surface.
    Command {
        command: Command,
        actor: Actor,
        reply: Option<oneshot::Sender<Result<(), Refusal>>>,
    },
    /// The station manager extends a case's deadline; the PIN is checked
    /// first.
    ExtendCase {
        case: String,
        days: u32,
        staff: String,
        pin: String,
        reason: String,
        reply: oneshot::Sender<Result<(), Refusal>>,
    },
    /// A manager confirms that the system clock is right though the journal
    /// is ahead of it; the PIN is checked first.
    ConfirmClock {
        staff: String,
        pin: String,
        reply: oneshot::Sender<Result<(), Refusal>>,
    },
    /// The station manager exports a case file with the callback number in
    /// full (`kiosk case export --manager`): the PIN is checked, then the
    /// export journaled; the reply lets the command line make the file.
    ExportCase {
        case: String,
        staff: String,
        pin: String,
        reply: oneshot::Sender<Result<(), Refusal>>,
    },
    /// A staff member acknowledges (`reset` false) or resets a zone's alarm;
    /// the PIN is checked first.
    Alarm {
        reset: bool,
        zone: u8,
        staff: String,
        pin: String,
        reply: oneshot::Sender<Result<(), Refusal>>,
    },
    /// The staff console: checks a member's PIN (counting wrong ones); their
    /// role and name, or why not.
    CheckPin {
        staff: String,
        pin: String,
        reply: oneshot::Sender<Result<(crate::domain::StaffRole, String), Refusal>>,
    },
    /// Staff mode: a staff member signs in with their PIN.
    StaffLogin { staff: String, pin: String },
    /// A member signs on at a window; the PIN is checked first (control
    /// socket, the keypad's sequence).
    SignOn {
        window: u8,
        staff: String,
        pin: String,
        reply: oneshot::Sender<Result<(), Refusal>>,
    },
    /// A window's member steps away; past 30 minutes the manager's PIN is
    /// checked first.
    Away {
        request: crate::app::control::command::AwayRequest,
        actor: Actor,
        reply: oneshot::Sender<Result<(), Refusal>>,
    },
    /// Staff mode: the signed-in member acknowledges or resets a zone's alarm.
    StaffAlarm { zone: String, reset: bool },
    /// Staff mode: the signed-in member asks for something at the kiosk.
    StaffAction(StaffAction),
    /// Staff mode ended (exit, or the idle time).
    StaffExit,
    /// Repeat or stop an announcement.
    Voice {
        control: VoiceControl,
        actor: Actor,
        reply: Option<oneshot::Sender<Result<(), Refusal>>>,
    },
    /// A newer holiday calendar: deadlines counted from now on use it.
    Calendar(
        crate::domain::HolidayCalendar,
        oneshot::Sender<Result<(), Refusal>>,
    ),
    /// An installed matter catalog version to put in force, journaled with
    /// its approver; answered with its number of matters.
    Matters {
        version: u32,
        approver: String,
        reply: oneshot::Sender<Result<u32, Refusal>>,
    },
}

/// What the station's devices and workers report: board inputs, the printer
/// worker, the PIN checker, the day's close.
pub enum DeviceEvent {
    /// A board input (keypad, evaluator, panic, smoke), with an optional reply for
    /// the control socket.
    Input(board::Input, Option<oneshot::Sender<Result<(), String>>>),
    /// What the zone task decided on one reading or deadline, zone by zone
    /// in order: journaled in one commit.
    Zones(Vec<(u8, board::zones::ZoneSignal)>),
    /// The printer worker finished a job.
    Printed { job: JobKey, outcome: PrintOutcome },
    /// A job waits for a printer fault to clear; the ticket is valid.
    PrintHeld { job: JobKey, reason: String },
    /// The printer's port went away after the printer took (part of) a job
    /// and before it confirmed it: the job is sent again, marked 补打.
    PrintResent { job: JobKey },
    /// The printer's state changed.
    PrinterHealth(PrinterHealth),
    /// The printer worker has exited.
    PrinterStopped,
    /// A PIN check finished off the loop: its verdict, and what it was for.
    PinChecked {
        staff: String,
        place: crate::domain::SignInPlace,
        verdict: Result<crate::store::Verdict, Refusal>,
        purpose: PinPurpose,
    },
    /// A business day closed: print its closing slip with the journal's
    /// head.
    DaySlip(jiff::civil::Date),
    /// A day opened or leave changed: the notice board reads last week's
    /// attendance again.
    Board,
    /// An announcement began or ended.
    Voice(crate::voice::Report),
}

/// What tests, scripts and diagnostics ask of the loop: its state, a barrier,
/// the printer settled, the simulated printer's cable.
pub enum ProbeEvent {
    /// The station's state as JSON, for the control socket.
    State(oneshot::Sender<crate::state::StationState>),
    /// Answered when every event sent before it has been handled.
    Barrier(oneshot::Sender<()>),
    /// Answered when every print job has printed or failed — or, with `held`,
    /// is held by a printer fault.
    Settle {
        held: bool,
        reply: oneshot::Sender<()>,
    },
    /// Plug or unplug the simulated printer.
    SimPrinter(PrinterAction, oneshot::Sender<Result<(), String>>),
    /// Answered once the voice has nothing playing or waiting (at once
    /// without a voice).
    VoiceIdle(oneshot::Sender<()>),
    /// Answered once the voice has handled everything asked of it so far.
    VoiceSync(oneshot::Sender<()>),
    /// Move the simulated clock forward to this time of the station's zone;
    /// answered once the station has seen the new time.
    JumpClock(jiff::civil::DateTime, oneshot::Sender<Result<(), String>>),
}

/// What a PIN is checked for; carried while the check runs off the loop,
/// with the answer owed to whoever asked.
pub enum PinPurpose {
    /// Staff mode on the touchscreen (`session`: staff mode's generation
    /// when the PIN was typed; a later exit makes it stale).
    StaffMode { session: u64 },
    /// A console sign-in.
    Console(oneshot::Sender<Result<(crate::domain::StaffRole, String), Refusal>>),
    /// An alarm acknowledged or reset with a PIN (control socket).
    Alarm {
        reset: bool,
        zone: u8,
        reply: oneshot::Sender<Result<(), Refusal>>,
    },
    /// A case extended by the manager.
    ExtendCase {
        case: CaseNo,
        days: u32,
        reason: String,
        reply: oneshot::Sender<Result<(), Refusal>>,
    },
    /// The manager exports a case with the callback number in full.
    ExportCase {
        case: CaseNo,
        reply: oneshot::Sender<Result<(), Refusal>>,
    },
    /// The manager confirms the clock.
    ConfirmClock(oneshot::Sender<Result<(), Refusal>>),
    /// A member signs on at a window.
    SignOn {
        window: crate::domain::WindowNo,
        reply: oneshot::Sender<Result<(), Refusal>>,
    },
    /// The manager approves an absence past 30 minutes.
    Away {
        window: crate::domain::WindowNo,
        away: crate::domain::Away,
        reply: oneshot::Sender<Result<(), Refusal>>,
    },
}
