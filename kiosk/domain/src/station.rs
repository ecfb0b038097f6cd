//! The station: today's queue and windows, the rules that change them, and the
//! view the screens read.
//!
//! `decide` turns a command into the records to journal and the effects to carry out
//! after the commit; it works on a scratch copy, so a rejected or uncommitted command
//! leaves the station untouched. `apply` is the only mutator and is also how the
//! station is rebuilt from the journal after a restart.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::calendar::{Deadline, HolidayCalendar};
use super::case::{Answer, Case, CaseDocument, CaseNo, CaseSource, Overdue, StaffRef, Stage};
use super::catalog::{Catalog, Category, CategoryId, Policy, Settings, WindowNo, hhmm};
use super::complaint::{MAX_NOTE, MAX_TEXT, Phone, Topic, private_text};
use super::hours::{Ticketing, ticketing_state};
use super::printing::{Paper, Prints, Unconfirmed, UnconfirmedPaper, decide_after_restart};
use super::safety::{
    BuzzerPattern, OutputState, ResetRefusal, StaffRole, ZoneFault, ZoneInfo, ZoneRole, ZoneSignal,
    ZoneState,
};
use super::ticket::{Ticket, TicketCode, TicketState};

/// Gap between the queue positions of consecutive tickets, so that re-queued
/// tickets can be slotted in between without renumbering.
const ORDER_STEP: i64 = 1 << 20;

/// Who caused a record.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Actor {
    /// A citizen at the lobby touchscreen.
    Citizen,
    /// The staff keypad at a window.
    Keypad { window: WindowNo },
    /// A named staff member (console, touchscreen staff mode).
    Staff { id: String },
    /// A technician's control command or scenario file.
    Technician,
    /// The citizen, on the evaluator at a window.
    Evaluator { window: WindowNo },
    /// The station itself: timers, the business-day close.
    System,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Citizen => write!(f, "citizen"),
            Actor::Keypad { window } => write!(f, "keypad {window}"),
            Actor::Staff { id } => write!(f, "staff {id}"),
            Actor::Technician => write!(f, "technician"),
            Actor::Evaluator { window } => write!(f, "evaluator {window}"),
            Actor::System => write!(f, "system"),
        }
    }
}

/// What someone or something asks the station to do.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Command {
    /// Issue a ticket in a category; `priority` is the 老弱病残孕 path.
    Issue {
        category: CategoryId,
        priority: bool,
    },
    /// Call the next eligible ticket to a window (completing the one there, if any).
    CallNext { window: WindowNo },
    /// Call the window's current ticket again.
    Recall { window: WindowNo },
    /// The called citizen did not come (过号).
    Skip { window: WindowNo },
    /// The window finished serving its ticket.
    Complete { window: WindowNo },
    /// Send the window's ticket to the front of another category's queue.
    Transfer { window: WindowNo, to: CategoryId },
    /// Put a skipped ticket back into its queue (the citizen came back).
    Requeue { ticket: TicketCode },
    /// Open or pause a window.
    SetWindowOpen { window: WindowNo, open: bool },
    /// The printer finished (or could not finish) a ticket's job.
    PrintOutcome {
        ticket: TicketCode,
        outcome: PrintOutcome,
    },
    /// The printer's state changed (paper, cover, line, answers).
    PrinterHealth(PrinterHealth),
    /// Staff print a ticket again under its own number.
    Reprint { ticket: TicketCode },
    /// Staff print a case's document again (a receipt the citizen did not
    /// get, a notice to hand over).
    ReprintCase {
        case: CaseNo,
        document: CaseDocument,
    },
    /// The printer lost its port after it had taken (part of) a paper and
    /// before it said the paper was printed: the worker sends it again,
    /// marked 补打.
    PrintResent { paper: Paper },
    /// Staff put a new paper roll in: a test page prints to prove it.
    PaperChanged,
    /// A key on a window's evaluator: a rating level, 1 (非常不满意) to 5
    /// (非常满意).
    Rate { window: WindowNo, level: u8 },
    /// An evaluator key has been held too long (a jammed key, a short), or is
    /// free again.
    EvaluatorFault {
        window: WindowNo,
        level: u8,
        stuck: bool,
    },
    /// Move a case on to its next stage, saying what was done.
    AdvanceCase {
        case: CaseNo,
        stage: Stage,
        note: String,
        /// 反馈 only: how the citizen was answered (required for a complaint).
        answer: Option<Answer>,
    },
    /// The station manager extends an open case's deadline by some working
    /// days, with a reason; a written notice is printed.
    ExtendCase {
        case: CaseNo,
        working_days: u32,
        reason: String,
        /// The role of the staff member (whose PIN the shell checked).
        role: StaffRole,
    },
    /// The complainant disagrees with the answer: the case goes back to 登记
    /// to be checked again, with new deadlines.
    ReopenCase { case: CaseNo, note: String },
    /// The printer finished (or could not finish) a case's document.
    CasePrinted {
        case: CaseNo,
        document: CaseDocument,
        outcome: PrintOutcome,
    },
    /// Deletes the callback numbers of these cases (their retention period
    /// ran out); the store found them.
    ForgetContacts { cases: Vec<CaseNo> },
    /// What the board says about a safety zone (its number in the profile).
    Zone { zone: u8, signal: ZoneSignal },
    /// A citizen files a complaint at the complaint box.
    FileComplaint {
        topic: Topic,
        window: Option<WindowNo>,
        text: String,
        phone: Option<Phone>,
        /// The touchscreen form it was typed into (0: none): filing the same
        /// form again finds the case already opened.
        form: u64,
    },
    /// Staff acknowledge a latched alarm: the buzzer goes quiet; the alarm
    /// stays latched.
    AcknowledgeAlarm { zone: u8 },
    /// A staff member of `role` (whose PIN the shell checked) resets a
    /// latched alarm.
    ResetAlarm { zone: u8, role: StaffRole },
    /// Time passes: closes the business day when due and notices a clock that runs
    /// behind the journal.
    Tick,
    /// The kiosk has just started: rating times still open from before the
    /// restart end, and papers whose print outcome the journal lacks are
    /// printed again or listed for staff (`printer`: one is configured).
    Started { printer: bool },
    /// What the system says of its clock: whether NTP has synchronised it
    /// (`None`: it cannot tell) and whether a real-time clock kept it through
    /// the power cut. A clock nobody confirmed may be wrong either way, so
    /// staff are warned until it is synchronised.
    ClockSource {
        synchronized: Option<bool>,
        rtc: bool,
    },
    /// A manager (whose PIN the shell checked) confirms that the system
    /// clock is right and the journal ran ahead of it: the station's time is
    /// the clock's again (see ADR 0015).
    ConfirmClock { role: StaffRole },
    /// A rating time measured on the monotonic clock ran out (while the
    /// wall clock is held behind the journal it does not move).
    RatingExpired {
        window: WindowNo,
        ticket: TicketCode,
    },
    /// The closing slip of `day` went to the printer with the journal's head.
    NoteAnchor { day: Date, seq: i64, hash: String },
    /// A matter handled by hand while the kiosk was down (人工登记), entered
    /// afterwards with its real times (补录).
    BackEnter(BackEntry),
    /// A staff member signed in (`refused`: None), or a PIN was refused,
    /// somewhere that needs a PIN.
    NoteSignIn {
        staff: String,
        place: SignInPlace,
        refused: Option<String>,
    },
    /// A staff member of `role` (whose PIN the shell checked) exports a
    /// case file with the complainant's callback number in full: journaled
    /// before the file is made, so the number never leaves unrecorded.
    ExportCase {
        case: CaseNo,
        role: StaffRole,
        place: SignInPlace,
    },
}

/// What a back-entry says: the matter as the hand register has it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BackEntry {
    pub category: CategoryId,
    pub window: WindowNo,
    /// When the window began serving the citizen.
    pub started: Timestamp,
    /// When it finished.
    pub finished: Timestamp,
    /// The number written in the hand register (may be empty).
    pub register_no: String,
    /// What the matter was (no personal data; numbers are masked).
    pub note: String,
}

/// How far back a matter may be back-entered.
pub const BACK_ENTRY_DAYS: i64 = 31;
/// The longest a back-entered matter may have taken.
pub const BACK_ENTRY_MAX_HOURS: i64 = 12;
/// The longest hand-register number kept.
const MAX_REGISTER_NO: usize = 16;

/// Where a PIN was typed.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInPlace {
    /// The staff web console.
    Console,
    /// Staff mode on the touchscreen.
    Touchscreen,
    /// A PIN given with a command (alarm reset, extension, export).
    Command,
}

impl SignInPlace {
    pub fn word(self) -> &'static str {
        match self {
            SignInPlace::Console => "console",
            SignInPlace::Touchscreen => "touchscreen",
            SignInPlace::Command => "command",
        }
    }
}

/// How a print job ended, as the printer worker reports it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PrintOutcome {
    /// The printer printed the job (it answered the end-of-job marker, where it
    /// can).
    Printed {
        bytes: u32,
        /// Printed only after a printer fault cleared: resumed, or sent again
        /// under the same number.
        #[serde(default)]
        after_fault: bool,
    },
    /// The job could not be printed; the ticket stays valid.
    Failed { reason: String },
}

/// Why a ticket went unrated.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnratedReason {
    /// The rating time ran out.
    Timeout,
    /// Staff called the next ticket first.
    NextCall,
    /// The business day closed first.
    DayClosed,
    /// The kiosk restarted: a key pressed afterwards cannot be trusted to be
    /// about that ticket.
    Restart,
}

/// Why the printer cannot print.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrinterFault {
    PaperOut,
    CoverOpen,
    /// Offline, or an error in the mechanism (cutter, head).
    Offline,
    /// The port is gone (cable, power).
    Unplugged,
    /// The port is there but nothing answers.
    NoAnswer,
    /// Something answers, but not with status bytes (baud rate, not a printer).
    BadReply,
    /// It takes jobs and does not finish them.
    Stalled,
    /// The port cannot be used (permission, busy, another error).
    PortError,
}

/// The printer as staff should know it.
#[derive(Clone, Default, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PrinterHealth {
    #[default]
    Ready,
    /// Printing, but the roll is nearly empty.
    PaperLow,
    /// Not printing; tickets are held (and shown on screen) until it clears.
    Fault {
        fault: PrinterFault,
        /// What to do, for the technician.
        detail: String,
    },
}

/// A fact the station records in its journal.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fact {
    /// A new business day began; numbering restarts at 001.
    DayOpened,
    TicketIssued {
        ticket: TicketCode,
        priority: bool,
        order: i64,
        /// People ahead and estimated wait as told to the citizen.
        ahead: u32,
        wait_minutes: Option<u32>,
    },
    TicketCalled {
        ticket: TicketCode,
        window: WindowNo,
    },
    TicketRecalled {
        ticket: TicketCode,
        window: WindowNo,
        count: u8,
    },
    TicketSkipped {
        ticket: TicketCode,
        window: WindowNo,
    },
    TicketRequeued {
        ticket: TicketCode,
        order: i64,
    },
    TicketTransferred {
        ticket: TicketCode,
        window: WindowNo,
        to: CategoryId,
        order: i64,
    },
    TicketCompleted {
        ticket: TicketCode,
        window: WindowNo,
        service_seconds: u32,
        /// Completed implicitly because staff called the next ticket.
        by_next_call: bool,
    },
    WindowOpened {
        window: WindowNo,
    },
    WindowPaused {
        window: WindowNo,
    },
    /// The business day closed; these tickets were never served.
    DayClosed {
        unserved: Vec<TicketCode>,
    },
    /// The system clock reads earlier than the journal; the station holds its time
    /// at the journal's last entry until the clock catches up.
    ClockBehind {
        clock: Timestamp,
        journal: Timestamp,
    },
    /// The clock has caught up with the journal again.
    ClockRecovered,
    /// The journal had run ahead of a clock now confirmed right (by a
    /// manager's PIN, or `ntp`): the station's time is the clock's from here
    /// on, though `journal` — the latest time recorded — is later. A business
    /// day closed "in the future" by that clock opens again.
    ClockCorrected {
        journal: Timestamp,
        #[serde(default)]
        ntp: bool,
    },
    /// Nothing has confirmed the system clock since the kiosk started (no NTP
    /// synchronisation; `rtc`: a real-time clock is there at least).
    ClockUnconfirmed {
        rtc: bool,
    },
    /// NTP has synchronised the clock.
    ClockConfirmed,
    /// A ticket's job reached the printer.
    TicketPrinted {
        ticket: TicketCode,
        bytes: u32,
        /// Printed after a printer fault cleared, under the same number.
        #[serde(default)]
        after_fault: bool,
    },
    /// Staff asked for a ticket to be printed again.
    TicketReprinted {
        ticket: TicketCode,
    },
    /// Staff put a new paper roll in.
    PaperChanged,
    /// The window's evaluator takes a rating for this ticket until `until`.
    RatingArmed {
        ticket: TicketCode,
        window: WindowNo,
        until: Timestamp,
    },
    /// The citizen rated the service: 5 非常满意 … 1 非常不满意.
    TicketRated {
        ticket: TicketCode,
        window: WindowNo,
        level: u8,
    },
    /// The ticket's chance to be rated ended without a rating.
    TicketUnrated {
        ticket: TicketCode,
        window: WindowNo,
        reason: UnratedReason,
    },
    /// An evaluator key pressed while nothing was armed: logged, not counted.
    RatingIgnored {
        window: WindowNo,
        level: u8,
    },
    /// The printer's state changed.
    PrinterChanged {
        health: PrinterHealth,
    },
    /// A ticket could not be printed (it stays valid and was shown on screen).
    PrintFailed {
        ticket: TicketCode,
        reason: String,
    },
    /// An evaluator key is stuck (`stuck`), or was released after being stuck.
    EvaluatorFault {
        window: WindowNo,
        level: u8,
        stuck: bool,
    },
    /// A safety zone's input reads active (a press, smoke), or not any more.
    ZoneInput {
        zone: String,
        active: bool,
    },
    /// A zone's alarm latched (a gas zone's: a staff warning).
    AlarmRaised {
        zone: String,
        role: ZoneRole,
    },
    /// Staff acknowledged the alarm; it stays latched.
    AlarmAcknowledged {
        zone: String,
    },
    /// Staff reset the alarm.
    AlarmReset {
        zone: String,
    },
    /// A zone's wiring is at fault, or (`None`) repaired.
    ZoneFaulted {
        zone: String,
        fault: Option<ZoneFault>,
    },
    /// A case was opened (受理) with its deadlines.
    CaseOpened {
        case: CaseNo,
        #[serde(flatten)]
        source: CaseSource,
        window: Option<WindowNo>,
        staff: Option<StaffRef>,
        ticket: Option<TicketCode>,
        callback_due: Deadline,
        rectify_due: Deadline,
        note: String,
    },
    /// A case reached its next stage; `step` is the stage's place in the case's
    /// history (受理 is 0).
    CaseAdvanced {
        case: CaseNo,
        step: u16,
        stage: Stage,
        note: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        answer: Option<Answer>,
    },
    /// The complainant disagreed with the answer: back to 登记 (at `step`),
    /// with new deadlines.
    CaseReopened {
        case: CaseNo,
        step: u16,
        note: String,
        callback_due: Deadline,
        rectify_due: Deadline,
    },
    /// The manager extended the case's deadlines (`index`: the case's
    /// extensions before this one).
    CaseExtended {
        case: CaseNo,
        index: u16,
        reason: String,
        working_days: u32,
        callback_due: Deadline,
        rectify_due: Deadline,
    },
    /// A case's document was printed, or could not be.
    CasePrinted {
        case: CaseNo,
        document: CaseDocument,
        #[serde(flatten)]
        outcome: PrintOutcome,
    },
    /// A case's callback number was deleted: its retention period after the
    /// case was filed ran out. The number itself was never journaled.
    ContactDeleted {
        case: CaseNo,
    },
    /// After a restart: a paper was asked of the printer at `requested_at`
    /// and the journal does not say whether it printed; `decision` is what
    /// the station did about it.
    PrintUnconfirmed {
        #[serde(flatten)]
        paper: Paper,
        requested_at: Timestamp,
        decision: Unconfirmed,
    },
    /// The printer's port went away after it had taken (part of) a paper
    /// and before it said the paper was printed: the paper is sent again,
    /// marked 补打 — a second print, since the first may have come out.
    PrintResent {
        #[serde(flatten)]
        paper: Paper,
    },
    /// Staff asked for a case's document to be printed again (marked 补打).
    CaseReprinted {
        case: CaseNo,
        document: CaseDocument,
    },
    /// A matter handled by hand during an outage, entered afterwards (补录):
    /// `started`/`finished` are its real times, `handled_day` the business
    /// day it counts for; the entry's own time is when it was entered.
    BackEntered {
        category: CategoryId,
        window: WindowNo,
        started: Timestamp,
        finished: Timestamp,
        handled_day: Date,
        service_seconds: u32,
        register_no: String,
        note: String,
    },
    /// The closing slip of `day` was handed to the printer with the
    /// journal's head at that moment (entry `seq`, the first hex digits of
    /// its hash): an anchor for `kiosk verify-log --anchor`.
    DayAnchored {
        day: Date,
        seq: i64,
        hash: String,
    },
    /// A staff member signed in to the console or staff mode.
    StaffSignedIn {
        staff: String,
        place: SignInPlace,
    },
    /// A PIN was refused (wrong, locked out, unknown number); the staff
    /// number is what was typed.
    PinRefused {
        staff: String,
        place: SignInPlace,
        reason: String,
    },
    /// The manager exported the case file with the callback number in full
    /// (at the console, or with `kiosk case export --manager`). The number
    /// itself is never journaled.
    CaseExported {
        case: CaseNo,
        place: SignInPlace,
    },
}

impl Fact {
    /// The record kind as stored and filtered on (`ticket_issued`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Fact::DayOpened => "day_opened",
            Fact::TicketIssued { .. } => "ticket_issued",
            Fact::TicketCalled { .. } => "ticket_called",
            Fact::TicketRecalled { .. } => "ticket_recalled",
            Fact::TicketSkipped { .. } => "ticket_skipped",
            Fact::TicketRequeued { .. } => "ticket_requeued",
            Fact::TicketTransferred { .. } => "ticket_transferred",
            Fact::TicketCompleted { .. } => "ticket_completed",
            Fact::WindowOpened { .. } => "window_opened",
            Fact::WindowPaused { .. } => "window_paused",
            Fact::DayClosed { .. } => "day_closed",
            Fact::ClockBehind { .. } => "clock_behind",
            Fact::ClockRecovered => "clock_recovered",
            Fact::ClockCorrected { .. } => "clock_corrected",
            Fact::ClockUnconfirmed { .. } => "clock_unconfirmed",
            Fact::ClockConfirmed => "clock_confirmed",
            Fact::TicketPrinted { .. } => "ticket_printed",
            Fact::PrintFailed { .. } => "print_failed",
            Fact::TicketReprinted { .. } => "ticket_reprinted",
            Fact::PaperChanged => "paper_changed",
            Fact::RatingArmed { .. } => "rating_armed",
            Fact::TicketRated { .. } => "ticket_rated",
            Fact::TicketUnrated { .. } => "ticket_unrated",
            Fact::RatingIgnored { .. } => "rating_ignored",
            Fact::PrinterChanged { .. } => "printer_changed",
            Fact::EvaluatorFault { .. } => "evaluator_fault",
            Fact::ZoneInput { .. } => "zone_input",
            Fact::AlarmRaised { .. } => "alarm_raised",
            Fact::AlarmAcknowledged { .. } => "alarm_acknowledged",
            Fact::AlarmReset { .. } => "alarm_reset",
            Fact::ZoneFaulted { .. } => "zone_fault",
            Fact::CaseOpened { .. } => "case_opened",
            Fact::CaseAdvanced { .. } => "case_advanced",
            Fact::CaseReopened { .. } => "case_reopened",
            Fact::CaseExtended { .. } => "case_extended",
            Fact::CasePrinted { .. } => "case_printed",
            Fact::ContactDeleted { .. } => "contact_deleted",
            Fact::PrintUnconfirmed { .. } => "print_unconfirmed",
            Fact::PrintResent { .. } => "print_resent",
            Fact::CaseReprinted { .. } => "case_reprinted",
            Fact::BackEntered { .. } => "back_entered",
            Fact::DayAnchored { .. } => "day_anchored",
            Fact::StaffSignedIn { .. } => "staff_signed_in",
            Fact::PinRefused { .. } => "pin_refused",
            Fact::CaseExported { .. } => "case_exported",
        }
    }

    /// The ticket the fact is about, if any.
    pub fn ticket(&self) -> Option<TicketCode> {
        match self {
            Fact::TicketIssued { ticket, .. }
            | Fact::TicketCalled { ticket, .. }
            | Fact::TicketRecalled { ticket, .. }
            | Fact::TicketSkipped { ticket, .. }
            | Fact::TicketRequeued { ticket, .. }
            | Fact::TicketTransferred { ticket, .. }
            | Fact::TicketCompleted { ticket, .. }
            | Fact::TicketPrinted { ticket, .. }
            | Fact::TicketReprinted { ticket }
            | Fact::RatingArmed { ticket, .. }
            | Fact::TicketRated { ticket, .. }
            | Fact::TicketUnrated { ticket, .. }
            | Fact::PrintFailed { ticket, .. } => Some(*ticket),
            Fact::CaseOpened { ticket, .. } => *ticket,
            Fact::PrintUnconfirmed { paper, .. } | Fact::PrintResent { paper } => paper.ticket(),
            _ => None,
        }
    }

    /// The window the fact is about, if any.
    pub fn window(&self) -> Option<WindowNo> {
        match self {
            Fact::TicketCalled { window, .. }
            | Fact::TicketRecalled { window, .. }
            | Fact::TicketSkipped { window, .. }
            | Fact::TicketTransferred { window, .. }
            | Fact::TicketCompleted { window, .. }
            | Fact::WindowOpened { window }
            | Fact::WindowPaused { window }
            | Fact::RatingArmed { window, .. }
            | Fact::TicketRated { window, .. }
            | Fact::TicketUnrated { window, .. }
            | Fact::RatingIgnored { window, .. }
            | Fact::EvaluatorFault { window, .. }
            | Fact::BackEntered { window, .. } => Some(*window),
            Fact::CaseOpened { window, .. } => *window,
            _ => None,
        }
    }

    /// The case the fact is about, if any.
    pub fn case(&self) -> Option<CaseNo> {
        match self {
            Fact::CaseOpened { case, .. }
            | Fact::CaseAdvanced { case, .. }
            | Fact::CaseReopened { case, .. }
            | Fact::CaseExtended { case, .. }
            | Fact::CasePrinted { case, .. }
            | Fact::CaseReprinted { case, .. }
            | Fact::ContactDeleted { case }
            | Fact::CaseExported { case, .. } => Some(*case),
            Fact::PrintUnconfirmed { paper, .. } | Fact::PrintResent { paper } => paper.case(),
            _ => None,
        }
    }
}

/// One journal entry: a fact, when (never earlier than the entry before it), the
/// business day it belongs to, and who caused it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Record {
    pub at: Timestamp,
    pub day: Date,
    pub actor: Actor,
    pub fact: Fact,
}

/// What a ticket says, for the screen and the printer alike.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct TicketSlip {
    pub code: TicketCode,
    pub category: CategoryId,
    pub category_zh: String,
    pub category_en: String,
    pub priority: bool,
    pub ahead: u32,
    pub wait_minutes: Option<u32>,
    pub issued_at: Timestamp,
    /// Issue time in the station's time zone, `2026-11-28 09:05`.
    pub issued_local: String,
    /// A staff reprint, not the first print.
    pub reprint: bool,
}

/// Something staff should know.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum Notice {
    /// A window called next but nobody is waiting for it.
    QueueEmpty {
        window: WindowNo,
    },
    /// The clock reads earlier than the journal (a Pi without a real-time clock after
    /// a power cut, say).
    ClockBehind {
        behind_seconds: i64,
    },
    ClockRecovered,
    /// The journal's time was given up for the clock's (a manager confirmed
    /// it, or NTP did).
    ClockCorrected {
        ahead_seconds: i64,
        ntp: bool,
    },
    /// The clock is not synchronised (after a power cut without network, a
    /// Pi without a real-time clock may be far off).
    ClockUnconfirmed {
        rtc: bool,
    },
    ClockConfirmed,
    /// The printer failed a job; staff should check it.
    PrinterFault {
        ticket: TicketCode,
        reason: String,
    },
    /// The printer printed again after a fault.
    PrinterRecovered,
    /// The printer's state changed.
    Printer {
        health: PrinterHealth,
    },
    /// A bad rating (1 or 2): the station manager goes to the window at once.
    BadRating {
        ticket: TicketCode,
        window: WindowNo,
        level: u8,
        case: CaseNo,
    },
    /// An evaluator key is stuck, or free again.
    EvaluatorFault {
        window: WindowNo,
        level: u8,
        stuck: bool,
    },
    /// A safety alarm latched: staff act now.
    Alarm {
        zone: String,
        role: ZoneRole,
    },
    /// A latched alarm was reset.
    AlarmReset {
        zone: String,
    },
    /// A zone's wiring is at fault, or (`None`) repaired.
    ZoneFault {
        zone: String,
        fault: Option<ZoneFault>,
    },
    /// PINs keep being refused at one place today: someone may be guessing.
    PinGuessing {
        place: SignInPlace,
        refused: u32,
    },
    /// After a restart, papers whose print outcome was lost: those printed
    /// again (marked 补打) and those listed for staff.
    PrintsUnconfirmed {
        reprinted: Vec<Paper>,
        listed: Vec<Paper>,
    },
}

/// What the shell must do once the records of a decision are committed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Effect {
    /// Show the ticket on the lobby screen.
    ShowTicket(TicketSlip),
    /// Print the ticket.
    PrintTicket(TicketSlip),
    /// Announce a call on the lobby board (and later by voice).
    Announce {
        ticket: TicketCode,
        window: WindowNo,
        recall: bool,
    },
    /// Tell staff.
    Notify(Notice),
    /// Thank the citizen who rated (the window's card, the lobby screen).
    Thank { window: WindowNo, level: u8 },
    /// A complaint was filed: show its number and print its receipt.
    /// `again`: the same form was submitted twice; the case was opened the
    /// first time (show it, do not print a second receipt).
    ComplaintFiled {
        case: CaseNo,
        topic: Topic,
        window: Option<WindowNo>,
        filed_at: Timestamp,
        answer_by: Deadline,
        working_days: u32,
        again: bool,
    },
    /// Print the printer's test page (after a paper change).
    PrintTestPage,
    /// The business day closed: print the closing slip (日结单) with the
    /// day's figures and the journal's head, an anchor kept off the box.
    PrintDaySlip { day: Date },
    /// Print a case's document again, marked 补打 (a restart, staff).
    ReprintCase {
        case: CaseNo,
        document: CaseDocument,
    },
    /// A case's deadline was extended: print the written notice.
    CaseExtended {
        case: CaseNo,
        reason: String,
        was: Deadline,
        now_due: Deadline,
        /// The manager who approved it.
        by: Actor,
    },
}

/// Records to journal and effects to carry out after they are committed.
#[derive(Clone, Default, PartialEq, Eq, Debug)]
pub struct Decision {
    pub records: Vec<Record>,
    pub effects: Vec<Effect>,
    /// Callback numbers for cases opened by these records: committed in the
    /// same transaction, but kept with the case only, never in the journal.
    pub contacts: Vec<(CaseNo, Phone)>,
}

/// Why a command was refused. Nothing was recorded.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum Rejection {
    #[error("there is no category {0}; the catalog lists {1}")]
    UnknownCategory(CategoryId, String),
    #[error("there is no window {0}; the catalog's windows are {1}")]
    UnknownWindow(WindowNo, String),
    #[error("category {category} is not issuing tickets now{}", next_open.as_ref().map(|t| format!("; it opens {t}")).unwrap_or_default())]
    TicketingClosed {
        category: CategoryId,
        /// Next opening in local time, `2026-11-30 08:30`.
        next_open: Option<String>,
    },
    #[error("nobody is waiting for window {0}")]
    NothingWaiting(WindowNo),
    #[error("window {0} is not serving a ticket")]
    NoTicketAtWindow(WindowNo),
    #[error("{ticket} was recalled {limit} times already; skip it or complete it")]
    RecallLimit { ticket: TicketCode, limit: u8 },
    #[error("there is no ticket {0} today")]
    UnknownTicket(TicketCode),
    #[error("{ticket} is {state}; only a skipped ticket can be re-queued")]
    NotSkipped {
        ticket: TicketCode,
        state: &'static str,
    },
    #[error("rating level {0} is not 1–5 (1 非常不满意 … 5 非常满意)")]
    BadLevel(u8),
    #[error("{ticket} is {state}; only a ticket still to be served is printed again")]
    NotReprintable {
        ticket: TicketCode,
        state: &'static str,
    },
    #[error("{ticket} is already in category {category}")]
    SameCategory {
        ticket: TicketCode,
        category: CategoryId,
    },
    #[error("there is no open case {0}")]
    UnknownCase(CaseNo),
    #[error("confirming the clock needs the manager role")]
    ClockRole,
    #[error("the clock is not behind the journal; there is nothing to confirm")]
    ClockNotBehind,
    #[error("case {case} has no {} to print again", document.zh())]
    NoSuchDocument {
        case: CaseNo,
        document: CaseDocument,
    },
    #[error("case {case} is at {at}; its next stage is {}", next.map_or("none (it is filed)".to_string(), |s| s.to_string()))]
    StageOrder {
        case: CaseNo,
        at: Stage,
        next: Option<Stage>,
    },
    #[error("stage {0} needs a note saying what was done")]
    NoteNeeded(Stage),
    #[error("case {0} is a complaint: say how the citizen was answered (oral or written)")]
    AnswerNeeded(CaseNo),
    #[error("extending a case needs the manager role (经领导同意)")]
    ExtensionRole,
    #[error("an extension needs a reason and 1 to 60 working days")]
    ExtensionTerms,
    #[error("only the manager exports a case with its callback number in full")]
    ExportRole,
    #[error("case {case} is at {at}; it can be reopened once the citizen has been answered")]
    NotAnswered { case: CaseNo, at: Stage },

    #[error("there is no safety zone number {0}")]
    UnknownZone(u8),
    #[error("zone `{0}` has no alarm to acknowledge or reset")]
    NotLatched(String),
    #[error("{}", match reason {
        ResetRefusal::StillActive => format!("zone `{zone}` still reports the alarm (button held, smoke present); reset it once the input is normal"),
        ResetRefusal::Role => format!("resetting zone `{zone}` needs the {} role", needed.map_or("manager", StaffRole::word)),
    })]
    ResetRefused {
        zone: String,
        reason: ResetRefusal,
        needed: Option<StaffRole>,
    },
    #[error(
        "the station is being evacuated (smoke alarm in zone `{0}`); no tickets until staff reset the alarm"
    )]
    Evacuation(String),
    #[error("window {window} is serving {ticket}; complete, skip or transfer it first")]
    WindowBusy {
        window: WindowNo,
        ticket: TicketCode,
    },
    #[error(
        "a back-entry's times must be in the past, start before they finish, span at most {BACK_ENTRY_MAX_HOURS} hours and lie within the last {BACK_ENTRY_DAYS} days"
    )]
    BackEntryTimes,
    #[error("window {window}'s matter started {started} is already back-entered")]
    BackEnteredTwice { window: WindowNo, started: String },
}

#[derive(Clone, Default, PartialEq, Eq, Debug)]
struct WindowState {
    paused: bool,
    current: Option<TicketCode>,
    /// The ticket the evaluator takes a rating for, and until when.
    armed: Option<(TicketCode, Timestamp)>,
    /// Priority tickets called in a row, for the `alternate` policy.
    priority_streak: u8,
    /// Evaluator keys (by level) held down too long.
    stuck: Vec<u8>,
}

/// One category as the lobby screen shows it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct CategoryView {
    pub id: CategoryId,
    pub zh: String,
    pub en: String,
    pub issuing: bool,
    pub waiting: u32,
    pub wait_minutes: Option<u32>,
}

/// A window on the "now serving" board.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct ServingView {
    pub window: WindowNo,
    pub paused: bool,
    pub ticket: Option<TicketCode>,
    pub called_at: Option<Timestamp>,
    pub recalls: u8,
    /// The ticket whose rating the evaluator takes now.
    pub armed: Option<TicketCode>,
    /// Today's ratings: how many of each level, 1 to 5, and how many tickets
    /// went unrated.
    pub ratings: [u32; 5],
    pub unrated: u32,
    /// Evaluator keys (by level) that are stuck.
    pub stuck_keys: Vec<u8>,
}

/// Everything the lobby screen and the `state` control command show.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct StationView {
    pub day: Option<Date>,
    pub policy: String,
    pub issuing: bool,
    /// Next opening in local time when not issuing.
    pub next_open: Option<String>,
    pub categories: Vec<CategoryView>,
    pub windows: Vec<ServingView>,
    /// Waiting tickets in queue order per the policy.
    pub waiting: Vec<TicketCode>,
    pub clock_behind: bool,
    /// The clock reads so far behind the journal that the station cannot
    /// tell which is wrong: a manager confirms the clock, or NTP does.
    pub clock_doubt: Option<ClockDoubt>,
    /// Nothing has confirmed the clock (NTP) since the kiosk started.
    pub clock_unconfirmed: bool,
    /// Why the printer cannot print now, or why the last job failed (until a
    /// job prints again).
    pub printer_fault: Option<String>,
    pub printer: PrinterHealth,
    /// Open cases, oldest first, with the deadlines they have missed today.
    pub cases: Vec<CaseView>,
    /// The safety zones and their state.
    pub zones: Vec<ZoneView>,
    /// A smoke alarm is latched: the public screen shows the evacuation.
    pub evacuate: bool,
    pub outputs: OutputState,
    /// Papers that may not have printed (their print outcome was lost in a
    /// restart and they were too old to print again unasked): staff are
    /// told; the numbers are valid.
    pub unconfirmed_prints: Vec<UnconfirmedPaper>,
}

/// A clock far behind the journal: what it reads and the journal's latest
/// time.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct ClockDoubt {
    pub clock: Timestamp,
    pub journal: Timestamp,
}

impl ClockDoubt {
    /// How far the journal is ahead, in whole minutes.
    pub fn minutes(&self) -> i64 {
        self.journal.duration_since(self.clock).as_secs() / 60
    }
}

/// A safety zone as staff surfaces show it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct ZoneView {
    #[serde(flatten)]
    pub info: ZoneInfo,
    #[serde(flatten)]
    pub state: ZoneState,
}

/// An open case as staff surfaces list it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct CaseView {
    #[serde(flatten)]
    pub case: Case,
    pub stage: Stage,
    pub overdue: Overdue,
}

/// Today's queue, windows and history: the state the rules work on.
#[derive(Clone, Debug)]
pub struct Station {
    catalog: Catalog,
    calendar: HolidayCalendar,
    settings: Settings,
    day: Option<Date>,
    day_closed: bool,
    tickets: Vec<Ticket>,
    counters: BTreeMap<CategoryId, u32>,
    windows: BTreeMap<WindowNo, WindowState>,
    service: BTreeMap<CategoryId, VecDeque<u32>>,
    high_water: Option<Timestamp>,
    clock_warned: bool,
    clock_unconfirmed: bool,
    printer_fault: Option<String>,
    printer: PrinterHealth,
    /// Tickets armed for a rating today, with their rating once known
    /// (`Some(None)`: unrated). A ticket is armed once at most.
    ratings: BTreeMap<TicketCode, (WindowNo, Option<Option<u8>>)>,
    next_order: i64,
    /// Open cases, and those archived today.
    cases: BTreeMap<CaseNo, Case>,
    /// The highest case number given in each year.
    case_seq: BTreeMap<i16, u32>,
    /// The safety zones, in the order of `settings.zones`.
    zones: Vec<ZoneState>,
    /// Matters back-entered today, by window and start: entering one twice
    /// (a double submit) is refused.
    back_entries: std::collections::BTreeSet<(WindowNo, Timestamp)>,
    /// Papers at the printer without a journaled outcome, and those listed
    /// for staff after a restart.
    prints: Prints,
    /// When today closed and the tickets it closed unserved: a day closed by
    /// a clock that ran ahead opens again once the real time is confirmed.
    closed: Option<(Timestamp, Vec<TicketCode>)>,
    /// The highest number of each category on business days after the one
    /// held — days a clock that ran ahead already opened — so that numbering
    /// goes on there when the day really comes.
    later_days: BTreeMap<Date, BTreeMap<CategoryId, u32>>,
    /// PINs refused today, by where they were typed.
    pin_refusals: BTreeMap<SignInPlace, u32>,
}

impl Station {
    /// A station with no history.
    pub fn new(catalog: Catalog, calendar: HolidayCalendar, settings: Settings) -> Self {
        let zone_count = settings.zones.len();
        let windows = catalog
            .windows()
            .into_iter()
            .map(|w| (w, WindowState::default()))
            .collect();
        Self {
            catalog,
            calendar,
            settings,
            day: None,
            day_closed: false,
            tickets: Vec::new(),
            counters: BTreeMap::new(),
            windows,
            service: BTreeMap::new(),
            high_water: None,
            clock_warned: false,
            clock_unconfirmed: false,
            printer_fault: None,
            printer: PrinterHealth::Ready,
            ratings: BTreeMap::new(),
            next_order: 0,
            cases: BTreeMap::new(),
            case_seq: BTreeMap::new(),
            zones: vec![ZoneState::default(); zone_count],
            back_entries: Default::default(),
            prints: Prints::default(),
            closed: None,
            later_days: BTreeMap::new(),
            pin_refusals: BTreeMap::new(),
        }
    }

    /// A station with this one's catalog, calendar and settings but no history:
    /// the starting point for rebuilding it from the journal.
    pub fn blank(&self) -> Self {
        Self::new(
            self.catalog.clone(),
            self.calendar.clone(),
            self.settings.clone(),
        )
    }

    /// Seeds the rolling service times from earlier days (most recent last).
    pub fn seed_service_times(
        &mut self,
        category: CategoryId,
        seconds: impl IntoIterator<Item = u32>,
    ) {
        let sample = self.service.entry(category).or_default();
        for s in seconds {
            sample.push_back(s);
            if sample.len() > self.settings.service_sample {
                sample.pop_front();
            }
        }
    }

    /// Seeds the cases still open from earlier days and the highest case
    /// number given in each year, as the store keeps them.
    pub fn seed_cases(
        &mut self,
        open: impl IntoIterator<Item = Case>,
        highest: impl IntoIterator<Item = (i16, u32)>,
    ) {
        for (year, seq) in highest {
            let top = self.case_seq.entry(year).or_default();
            *top = (*top).max(seq);
        }
        for case in open {
            self.note_case_no(case.no);
            self.cases.insert(case.no, case);
        }
    }

    /// Seeds the numbers already given on business days after the latest
    /// one in the journal (a clock ran ahead into them): when such a day
    /// comes, its numbering goes on above them.
    pub fn seed_later_days(&mut self, numbers: impl IntoIterator<Item = (Date, CategoryId, u32)>) {
        for (day, category, number) in numbers {
            let top = self
                .later_days
                .entry(day)
                .or_default()
                .entry(category)
                .or_default();
            *top = (*top).max(number);
        }
    }

    fn note_case_no(&mut self, no: CaseNo) {
        let top = self.case_seq.entry(no.year).or_default();
        *top = (*top).max(no.seq);
    }

    /// Seeds the alarms latched before a restart (their zone and since when),
    /// as the store finds them in the journal.
    pub fn seed_alarms(&mut self, latched: impl IntoIterator<Item = (String, Timestamp)>) {
        for (zone, at) in latched {
            if let Some(z) = self.zone_named_mut(&zone) {
                z.latched = Some(at);
            }
        }
    }

    fn zone_named_mut(&mut self, name: &str) -> Option<&mut ZoneState> {
        let i = self.settings.zones.iter().position(|z| z.name == name)?;
        self.zones.get_mut(i)
    }

    /// The names of the zones whose alarm is latched (for the board after a
    /// restart).
    pub fn latched_zones(&self) -> Vec<String> {
        self.settings
            .zones
            .iter()
            .zip(&self.zones)
            .filter(|(_, z)| z.latched.is_some())
            .map(|(info, _)| info.name.clone())
            .collect()
    }

    /// Every zone as the journal left it (for the board's zone task at
    /// start): latched, input active, and the fault reported.
    pub fn zone_states(&self) -> Vec<(String, ZoneState)> {
        self.settings
            .zones
            .iter()
            .zip(&self.zones)
            .map(|(info, z)| (info.name.clone(), z.clone()))
            .collect()
    }

    /// The smoke zone whose latched alarm evacuates the station, if any.
    fn evacuating(&self) -> Option<&str> {
        self.settings
            .zones
            .iter()
            .zip(&self.zones)
            .find(|(info, z)| info.role == ZoneRole::Smoke && z.latched.is_some())
            .map(|(info, _)| info.name.as_str())
    }

    /// What the board's outputs should be now (the bad-rating beeps are the
    /// shell's: they are brief).
    pub fn outputs(&self) -> OutputState {
        let mut alarm_relay = false;
        let mut siren_relay = false;
        let mut unacknowledged = false;
        let mut fault = false;
        for (info, z) in self.settings.zones.iter().zip(&self.zones) {
            fault |= z.fault.is_some();
            if z.latched.is_some() {
                match info.role {
                    ZoneRole::Panic => alarm_relay = true,
                    ZoneRole::Smoke => {
                        alarm_relay = true;
                        siren_relay = true;
                    }
                    ZoneRole::Gas => {}
                }
                unacknowledged |= !z.acknowledged && info.role != ZoneRole::Gas;
            }
        }
        let buzzer = if unacknowledged {
            BuzzerPattern::Alarm
        } else if fault {
            BuzzerPattern::Fault
        } else {
            BuzzerPattern::Off
        };
        OutputState {
            alarm_relay,
            siren_relay,
            buzzer,
        }
    }

    /// A case known to the station (open, or archived today).
    pub fn case(&self, no: CaseNo) -> Option<&Case> {
        self.cases.get(&no)
    }

    /// Replaces the holiday calendar (a newer file was loaded). Deadlines
    /// already given keep their dates.
    pub fn set_calendar(&mut self, calendar: HolidayCalendar) {
        self.calendar = calendar;
    }

    pub fn calendar(&self) -> &HolidayCalendar {
        &self.calendar
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Today's tickets in issue order.
    pub fn tickets(&self) -> &[Ticket] {
        &self.tickets
    }

    pub fn ticket(&self, code: TicketCode) -> Option<&Ticket> {
        self.tickets.iter().find(|t| t.code == code)
    }

    /// The latest instant the station has recorded; time never runs back behind it.
    /// How many matters were back-entered this business day.
    pub fn back_entries_today(&self) -> usize {
        self.back_entries.len()
    }

    /// Papers handed to the printer whose outcome is not journaled yet (at
    /// the printer now, or — in a station rebuilt after a crash — lost),
    /// with when they were asked for.
    pub fn outstanding_prints(&self) -> Vec<(Paper, Timestamp)> {
        self.prints.outstanding().collect()
    }

    pub fn high_water(&self) -> Option<Timestamp> {
        self.high_water
    }

    /// Decides what a command does at `now`, without changing the station.
    pub fn decide(
        &self,
        command: &Command,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Decision, Rejection> {
        let mut scratch = Scratch {
            station: self.clone(),
            decision: Decision::default(),
            actor: actor.clone(),
            now,
        };
        // Confirming the clock is about the time itself: it is decided at
        // the clock's reading, before the hold at the journal's.
        match *command {
            Command::ConfirmClock { role } => {
                if role != StaffRole::Manager {
                    return Err(Rejection::ClockRole);
                }
                scratch.correct_clock(false)?;
                return Ok(scratch.decision);
            }
            Command::ClockSource {
                synchronized: Some(true),
                ..
            } if self.clock_doubt(now).is_some() => {
                scratch.correct_clock(true)?;
                return Ok(scratch.decision);
            }
            _ => {}
        }
        scratch.housekeeping();
        scratch.command(command)?;
        Ok(scratch.decision)
    }

    /// Applies a committed record.
    pub fn apply(&mut self, record: &Record) {
        self.high_water = Some(self.high_water.map_or(record.at, |h| h.max(record.at)));
        if self.day.is_none() {
            self.day = Some(record.day);
        }
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
                self.next_order = 0;
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
            Fact::TicketIssued {
                ticket,
                priority,
                order,
                ..
            } => {
                let counter = self.counters.entry(ticket.category).or_default();
                *counter = (*counter).max(ticket.number);
                self.tickets.push(Ticket {
                    code: *ticket,
                    queue: ticket.category,
                    priority: *priority,
                    issued_at: record.at,
                    order: *order,
                    state: TicketState::Waiting,
                });
                self.next_order = self.next_order.max(order + ORDER_STEP);
                self.prints
                    .requested(Paper::Ticket { ticket: *ticket }, record.at);
            }
            Fact::TicketCalled { ticket, window } => {
                // The citizen reached the window: their paper no longer
                // matters.
                self.prints
                    .forget_listed(&Paper::Ticket { ticket: *ticket });
                let priority = self.ticket(*ticket).is_some_and(|t| t.priority);
                self.set_state(
                    *ticket,
                    TicketState::Called {
                        window: *window,
                        at: record.at,
                        recalls: 0,
                    },
                );
                let w = self.windows.entry(*window).or_default();
                w.current = Some(*ticket);
                w.paused = false;
                w.priority_streak = if priority {
                    w.priority_streak.saturating_add(1)
                } else {
                    0
                };
            }
            Fact::TicketRecalled { ticket, count, .. } => {
                if let Some(t) = self.ticket_mut(*ticket)
                    && let TicketState::Called { recalls, .. } = &mut t.state
                {
                    *recalls = *count;
                }
            }
            Fact::TicketSkipped { ticket, window } => {
                self.set_state(*ticket, TicketState::Skipped { window: *window });
                self.clear_window(*window);
            }
            Fact::TicketRequeued { ticket, order } => {
                if let Some(t) = self.ticket_mut(*ticket) {
                    t.state = TicketState::Waiting;
                    t.order = *order;
                }
                self.next_order = self.next_order.max(order + ORDER_STEP);
            }
            Fact::TicketTransferred {
                ticket,
                window,
                to,
                order,
            } => {
                if let Some(t) = self.ticket_mut(*ticket) {
                    t.state = TicketState::Waiting;
                    t.queue = *to;
                    t.order = *order;
                }
                self.clear_window(*window);
            }
            Fact::TicketCompleted {
                ticket,
                window,
                service_seconds,
                ..
            } => {
                let queue = self.ticket(*ticket).map(|t| t.queue);
                self.set_state(*ticket, TicketState::Completed { window: *window });
                self.clear_window(*window);
                if let Some(queue) = queue {
                    self.seed_service_times(queue, [*service_seconds]);
                }
            }
            Fact::WindowOpened { window } => {
                self.windows.entry(*window).or_default().paused = false
            }
            Fact::WindowPaused { window } => self.windows.entry(*window).or_default().paused = true,
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
            Fact::PrintResent { .. } | Fact::RatingIgnored { .. } => {}
            Fact::RatingArmed {
                ticket,
                window,
                until,
            } => {
                if let Some(w) = self.windows.get_mut(window) {
                    w.armed = Some((*ticket, *until));
                }
                self.ratings.insert(*ticket, (*window, None));
            }
            Fact::TicketRated {
                ticket,
                window,
                level,
            } => {
                self.disarm(*window, *ticket);
                self.ratings.insert(*ticket, (*window, Some(Some(*level))));
            }
            Fact::TicketUnrated { ticket, window, .. } => {
                self.disarm(*window, *ticket);
                self.ratings.insert(*ticket, (*window, Some(None)));
            }
            Fact::PrinterChanged { health } => self.printer = health.clone(),
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
            Fact::ZoneInput { zone, active } => {
                if let Some(z) = self.zone_named_mut(zone) {
                    z.active = *active;
                }
            }
            Fact::AlarmRaised { zone, .. } => {
                if let Some(z) = self.zone_named_mut(zone) {
                    z.latched.get_or_insert(record.at);
                    z.acknowledged = false;
                }
            }
            Fact::AlarmAcknowledged { zone } => {
                if let Some(z) = self.zone_named_mut(zone) {
                    z.acknowledged = true;
                }
            }
            Fact::AlarmReset { zone } => {
                if let Some(z) = self.zone_named_mut(zone) {
                    z.latched = None;
                    z.acknowledged = false;
                }
            }
            Fact::ZoneFaulted { zone, fault } => {
                if let Some(z) = self.zone_named_mut(zone) {
                    z.fault = *fault;
                }
            }
            Fact::CaseOpened { case, source, .. } => {
                self.note_case_no(*case);
                if !self.cases.contains_key(case)
                    && let Some(opened) = Case::opened(record)
                {
                    self.cases.insert(*case, opened);
                }
                // A complaint's receipt prints as it is filed.
                if matches!(source, CaseSource::Complaint { .. }) {
                    self.prints.requested(
                        Paper::Case {
                            case: *case,
                            document: CaseDocument::Receipt,
                        },
                        record.at,
                    );
                }
            }
            Fact::CaseAdvanced { case, stage, .. } => {
                if let Some(c) = self.cases.get_mut(case) {
                    c.apply(record);
                }
                if *stage == Stage::Archived {
                    self.prints.forget_case(*case);
                }
            }
            Fact::CaseExtended { case, .. } => {
                if let Some(c) = self.cases.get_mut(case) {
                    c.apply(record);
                }
                // The written notice prints as the case is extended.
                self.prints.requested(
                    Paper::Case {
                        case: *case,
                        document: CaseDocument::ExtensionNotice,
                    },
                    record.at,
                );
            }
            Fact::CaseReopened { case, .. } => {
                if let Some(c) = self.cases.get_mut(case) {
                    c.apply(record);
                }
            }
            Fact::BackEntered {
                window, started, ..
            } => {
                self.back_entries.insert((*window, *started));
            }
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
            Fact::ContactDeleted { .. }
            | Fact::PaperChanged
            | Fact::StaffSignedIn { .. }
            | Fact::DayAnchored { .. }
            | Fact::CaseExported { .. } => {}
            Fact::PinRefused { place, .. } => {
                *self.pin_refusals.entry(*place).or_default() += 1;
            }
        }
    }

    /// Ends a window's rating time for `ticket`.
    fn disarm(&mut self, window: WindowNo, ticket: TicketCode) {
        if let Some(w) = self.windows.get_mut(&window)
            && w.armed.is_some_and(|(t, _)| t == ticket)
        {
            w.armed = None;
        }
    }

    /// Today's ratings at a window: counts of levels 1–5, and unrated tickets.
    fn ratings_at(&self, window: WindowNo) -> ([u32; 5], u32) {
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

    /// What the lobby screen shows at `now`.
    pub fn view(&self, now: Timestamp) -> StationView {
        let clock_doubt = self.clock_doubt(now);
        let now = self.high_water.map_or(now, |h| now.max(h));
        // During an evacuation no category issues: the screen shows the
        // evacuation and `issue` refuses.
        let evacuating = self.evacuating().is_some();
        let categories: Vec<CategoryView> = self
            .catalog
            .categories()
            .iter()
            .map(|c| {
                let waiting = self.waiting_in(c.id).count() as u32;
                CategoryView {
                    id: c.id,
                    zh: c.name_zh.clone(),
                    en: c.name_en.clone(),
                    issuing: !evacuating
                        && !self.day_closed_at(now)
                        && matches!(self.ticketing(c, now), Ticketing::Open { .. }),
                    waiting,
                    wait_minutes: self.estimate_minutes(c.id, waiting),
                }
            })
            .collect();
        let issuing = categories.iter().any(|c| c.issuing);
        let next_open = if issuing || evacuating {
            None
        } else {
            self.catalog
                .categories()
                .iter()
                .filter_map(|c| match self.ticketing(c, now) {
                    Ticketing::Closed { next_open, .. } => next_open,
                    Ticketing::Open { .. } => None,
                })
                .min()
                .map(|t| self.local(t))
        };
        let windows = self
            .windows
            .iter()
            .map(|(no, w)| {
                let (called_at, recalls) =
                    match w.current.and_then(|c| self.ticket(c)).map(|t| t.state) {
                        Some(TicketState::Called { at, recalls, .. }) => (Some(at), recalls),
                        _ => (None, 0),
                    };
                let (ratings, unrated) = self.ratings_at(*no);
                ServingView {
                    window: *no,
                    paused: w.paused,
                    ticket: w.current,
                    called_at,
                    recalls,
                    armed: w.armed.map(|(t, _)| t),
                    ratings,
                    unrated,
                    stuck_keys: w.stuck.clone(),
                }
            })
            .collect();
        let mut waiting: Vec<&Ticket> = self
            .tickets
            .iter()
            .filter(|t| t.state == TicketState::Waiting)
            .collect();
        waiting.sort_by_key(|t| {
            (
                !t.priority && self.settings.policy == Policy::Strict,
                t.order,
                t.issued_at,
            )
        });
        StationView {
            day: self.day,
            policy: self.settings.policy.to_string(),
            issuing,
            next_open,
            categories,
            windows,
            waiting: waiting.into_iter().map(|t| t.code).collect(),
            clock_behind: self.clock_warned,
            clock_doubt,
            clock_unconfirmed: self.clock_unconfirmed,
            printer_fault: match &self.printer {
                PrinterHealth::Fault { detail, .. } => Some(detail.clone()),
                _ => self.printer_fault.clone(),
            },
            printer: self.printer.clone(),
            zones: self
                .settings
                .zones
                .iter()
                .zip(&self.zones)
                .map(|(info, state)| ZoneView {
                    info: info.clone(),
                    state: state.clone(),
                })
                .collect(),
            evacuate: self.evacuating().is_some(),
            outputs: self.outputs(),
            unconfirmed_prints: self.prints.listed(),
            cases: {
                let today = self.business_day(now);
                self.cases
                    .values()
                    .filter(|c| c.is_open())
                    .map(|c| CaseView {
                        case: c.clone(),
                        stage: c.stage(),
                        overdue: c.overdue(today),
                    })
                    .collect()
            },
        }
    }

    /// Formats an instant in the station's time zone, `2026-11-28 09:05`.
    pub fn local(&self, at: Timestamp) -> String {
        let dt = self.settings.time_zone.to_datetime(at);
        format!(
            "{:04}-{:02}-{:02} {}",
            dt.date().year(),
            dt.date().month(),
            dt.date().day(),
            hhmm(dt.time())
        )
    }

    /// The business day of an instant: its date in the station's time zone.
    pub fn business_day(&self, at: Timestamp) -> Date {
        self.settings.time_zone.to_datetime(at).date()
    }

    fn day_closed_at(&self, now: Timestamp) -> bool {
        self.day == Some(self.business_day(now)) && self.day_closed
    }

    fn ticketing(&self, category: &Category, now: Timestamp) -> Ticketing {
        ticketing_state(
            self.catalog.hours_of(category),
            &self.calendar,
            &self.settings,
            now,
        )
    }

    fn ticket_mut(&mut self, code: TicketCode) -> Option<&mut Ticket> {
        self.tickets.iter_mut().find(|t| t.code == code)
    }

    fn set_state(&mut self, code: TicketCode, state: TicketState) {
        if let Some(t) = self.ticket_mut(code) {
            t.state = state;
        }
    }

    fn clear_window(&mut self, window: WindowNo) {
        if let Some(w) = self.windows.get_mut(&window) {
            w.current = None;
        }
    }

    fn waiting_in(&self, queue: CategoryId) -> impl Iterator<Item = &Ticket> {
        self.tickets
            .iter()
            .filter(move |t| t.queue == queue && t.state == TicketState::Waiting)
    }

    /// What a ticket already issued says now (for a reprint): the people still
    /// ahead of it and the wait for them.
    fn slip(&self, t: &Ticket, reprint: bool) -> TicketSlip {
        let ahead = if t.state == TicketState::Waiting {
            self.waiting_in(t.queue)
                .filter(|o| o.code != t.code && (o.priority, -o.order) > (t.priority, -t.order))
                .count() as u32
        } else {
            0
        };
        let (zh, en) = self
            .catalog
            .category(t.code.category)
            .map(|c| (c.name_zh.clone(), c.name_en.clone()))
            .unwrap_or_default();
        TicketSlip {
            code: t.code,
            category: t.code.category,
            category_zh: zh,
            category_en: en,
            priority: t.priority,
            ahead,
            wait_minutes: self.estimate_minutes(t.queue, ahead),
            issued_at: t.issued_at,
            issued_local: self.local(t.issued_at),
            reprint,
        }
    }

    /// People a new ticket would have ahead of it: everyone waiting in the category
    /// for a normal ticket, the waiting priority tickets for a priority one. An
    /// estimate: later priority tickets may still pass a normal one.
    fn ahead_of_new(&self, queue: CategoryId, priority: bool) -> u32 {
        self.waiting_in(queue)
            .filter(|t| !priority || t.priority)
            .count() as u32
    }

    /// Mean recent service time of a category in seconds, or the default.
    fn mean_service_seconds(&self, category: CategoryId) -> u32 {
        match self.service.get(&category) {
            Some(s) if !s.is_empty() => {
                (s.iter().map(|&x| u64::from(x)).sum::<u64>() / s.len() as u64) as u32
            }
            _ => self.settings.default_service_minutes * 60,
        }
    }

    /// Estimated wait in whole minutes (rounded up) for someone with `ahead` people
    /// ahead: people ahead divided by open windows serving the category, times the
    /// rolling mean service time. `None` when no window serving it is open.
    fn estimate_minutes(&self, category: CategoryId, ahead: u32) -> Option<u32> {
        let c = self.catalog.category(category)?;
        let open = c
            .windows
            .iter()
            .filter(|w| self.windows.get(w).is_some_and(|s| !s.paused))
            .count() as u64;
        if open == 0 {
            return None;
        }
        let seconds = u64::from(ahead) * u64::from(self.mean_service_seconds(category));
        Some(seconds.div_ceil(open * 60) as u32)
    }

    /// The ticket the policy calls next at a window.
    fn pick_next(&self, window: WindowNo) -> Option<&Ticket> {
        let served: Vec<CategoryId> = self.catalog.served_by(window).map(|c| c.id).collect();
        let eligible = || {
            self.tickets
                .iter()
                .filter(|t| t.state == TicketState::Waiting && served.contains(&t.queue))
        };
        let oldest = |priority: bool| {
            eligible()
                .filter(|t| t.priority == priority)
                .min_by_key(|t| (t.order, t.issued_at, t.code))
        };
        let (first_priority, first_normal) = (oldest(true), oldest(false));
        match self.settings.policy {
            Policy::Strict => first_priority.or(first_normal),
            Policy::Alternate { every } => {
                let streak = self.windows.get(&window).map_or(0, |w| w.priority_streak);
                if streak >= every.max(1) && first_normal.is_some() {
                    first_normal
                } else {
                    first_priority.or(first_normal)
                }
            }
        }
    }

    fn window_list(&self) -> String {
        self.windows
            .keys()
            .map(|w| w.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn category_list(&self) -> String {
        self.catalog
            .categories()
            .iter()
            .map(|c| c.id.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A decision in the making: a copy of the station that records are applied to as
/// they are decided, so later rules see earlier records of the same command.
struct Scratch {
    station: Station,
    decision: Decision,
    actor: Actor,
    now: Timestamp,
}

impl Scratch {
    fn record_as(&mut self, actor: Actor, fact: Fact) {
        let record = Record {
            at: self.now,
            day: self
                .station
                .day
                .unwrap_or_else(|| self.station.business_day(self.now)),
            actor,
            fact,
        };
        self.station.apply(&record);
        self.decision.records.push(record);
    }

    fn record(&mut self, fact: Fact) {
        self.record_as(self.actor.clone(), fact);
    }

    fn effect(&mut self, effect: Effect) {
        self.decision.effects.push(effect);
    }

    /// The clock is confirmed right though the journal is ahead of it: the
    /// station's time becomes the clock's, on the clock's business day (the
    /// shell then rebuilds the station from that day's journal). With `ntp`
    /// the confirmation is NTP's, which also confirms the clock.
    fn correct_clock(&mut self, ntp: bool) -> Result<(), Rejection> {
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

    /// Rules that run before every command: time never runs backwards, and the
    /// business day rolls over and closes on time.
    fn housekeeping(&mut self) {
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
        // A rating time that ran out: the ticket goes unrated, once.
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
            self.record_as(
                Actor::System,
                Fact::TicketUnrated {
                    ticket,
                    window,
                    reason: UnratedReason::Timeout,
                },
            );
        }
    }

    /// After a restart: every paper asked of the printer whose outcome the
    /// journal lacks is printed again (marked 补打) when it was asked for
    /// moments ago, or listed for staff; the decision is journaled.
    fn recover_prints(&mut self, printer: bool) {
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

    /// Ends every window's rating time, recording its ticket as unrated.
    fn disarm_all(&mut self, reason: UnratedReason) {
        let armed: Vec<(WindowNo, TicketCode)> = self
            .station
            .windows
            .iter()
            .filter_map(|(no, w)| w.armed.map(|(ticket, _)| (*no, ticket)))
            .collect();
        for (window, ticket) in armed {
            self.record_as(
                Actor::System,
                Fact::TicketUnrated {
                    ticket,
                    window,
                    reason,
                },
            );
        }
    }

    fn close_day(&mut self) {
        self.disarm_all(UnratedReason::DayClosed);
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

    fn zone(&self, zone: u8) -> Result<(&ZoneInfo, &ZoneState), Rejection> {
        let i = usize::from(zone);
        match (
            self.station.settings.zones.get(i),
            self.station.zones.get(i),
        ) {
            (Some(info), Some(state)) => Ok((info, state)),
            _ => Err(Rejection::UnknownZone(zone)),
        }
    }

    fn window(&self, window: WindowNo) -> Result<&WindowState, Rejection> {
        self.station
            .windows
            .get(&window)
            .ok_or_else(|| Rejection::UnknownWindow(window, self.station.window_list()))
    }

    fn current(&self, window: WindowNo) -> Result<TicketCode, Rejection> {
        self.window(window)?
            .current
            .ok_or(Rejection::NoTicketAtWindow(window))
    }

    fn command(&mut self, command: &Command) -> Result<(), Rejection> {
        match *command {
            Command::Tick => Ok(()),
            Command::Started { printer } => {
                self.disarm_all(UnratedReason::Restart);
                self.recover_prints(printer);
                Ok(())
            }
            // Decided before housekeeping (see `decide`).
            Command::ConfirmClock { .. } => Ok(()),
            Command::RatingExpired { window, ticket } => {
                if self.window(window)?.armed.is_some_and(|(t, _)| t == ticket) {
                    self.record_as(
                        Actor::System,
                        Fact::TicketUnrated {
                            ticket,
                            window,
                            reason: UnratedReason::Timeout,
                        },
                    );
                }
                Ok(())
            }
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
            Command::FileComplaint {
                topic,
                window,
                ref text,
                ref phone,
                form,
            } => {
                if let Some(w) = window {
                    self.window(w)?;
                }
                // The same form submitted again (a double tap, a retry): the
                // case is already open.
                let earlier = self.station.cases.values().find(|c| {
                    form != 0
                        && matches!(c.source, CaseSource::Complaint { form: f, .. } if f == form)
                });
                if let Some(c) = earlier {
                    let working_days = self.station.settings.answer_days;
                    let (case, window, answer_by) = (c.no, c.window, c.callback_due);
                    let filed_at = c.history.first().map_or(self.now, |e| e.at);
                    self.effect(Effect::ComplaintFiled {
                        case,
                        topic,
                        window,
                        filed_at,
                        answer_by,
                        working_days,
                        again: true,
                    });
                    return Ok(());
                }
                let text = private_text(text, MAX_TEXT);
                let day = self.case_day();
                let case = self.next_case_no(day);
                let settings = &self.station.settings;
                let answer_by = self
                    .station
                    .calendar
                    .add_working_days(day, settings.answer_days);
                let fact = Fact::CaseOpened {
                    case,
                    source: CaseSource::Complaint {
                        topic,
                        text,
                        callback: phone.is_some(),
                        form,
                    },
                    window,
                    staff: window.and_then(|w| settings.staff.get(&w).cloned()),
                    ticket: None,
                    callback_due: answer_by,
                    rectify_due: answer_by,
                    note: format!("投诉箱 complaint box: {} {}", topic.zh(), topic.en()),
                };
                let working_days = settings.answer_days;
                self.record(fact);
                if let Some(phone) = phone {
                    self.decision.contacts.push((case, phone.clone()));
                }
                self.effect(Effect::ComplaintFiled {
                    case,
                    topic,
                    window,
                    filed_at: self.now,
                    answer_by,
                    working_days,
                    again: false,
                });
                Ok(())
            }
            Command::Zone { zone, signal } => {
                let (info, state) = self.zone(zone)?;
                let name = info.name.clone();
                let role = info.role;
                match signal {
                    ZoneSignal::Active(active) => {
                        if state.active != active {
                            self.record(Fact::ZoneInput { zone: name, active });
                        }
                    }
                    ZoneSignal::Alarm => {
                        if state.latched.is_none() {
                            self.record(Fact::AlarmRaised {
                                zone: name.clone(),
                                role,
                            });
                            self.effect(Effect::Notify(Notice::Alarm { zone: name, role }));
                        }
                    }
                    ZoneSignal::Fault(fault) => {
                        if state.fault != fault {
                            self.record(Fact::ZoneFaulted {
                                zone: name.clone(),
                                fault,
                            });
                            self.effect(Effect::Notify(Notice::ZoneFault { zone: name, fault }));
                        }
                    }
                }
                Ok(())
            }
            Command::AcknowledgeAlarm { zone } => {
                let (info, state) = self.zone(zone)?;
                let name = info.name.clone();
                if state.latched.is_none() {
                    return Err(Rejection::NotLatched(name));
                }
                if !state.acknowledged {
                    self.record(Fact::AlarmAcknowledged { zone: name });
                }
                Ok(())
            }
            Command::ResetAlarm { zone, role } => {
                let (info, state) = self.zone(zone)?;
                let name = info.name.clone();
                let needed = info.reset_role;
                if state.latched.is_none() {
                    return Err(Rejection::NotLatched(name));
                }
                if needed.is_some_and(|n| role < n) {
                    return Err(Rejection::ResetRefused {
                        zone: name,
                        reason: ResetRefusal::Role,
                        needed,
                    });
                }
                if state.active {
                    return Err(Rejection::ResetRefused {
                        zone: name,
                        reason: ResetRefusal::StillActive,
                        needed,
                    });
                }
                self.record(Fact::AlarmReset { zone: name.clone() });
                self.effect(Effect::Notify(Notice::AlarmReset { zone: name }));
                Ok(())
            }
            Command::AdvanceCase {
                case,
                stage,
                ref note,
                answer,
            } => {
                let c = self
                    .station
                    .cases
                    .get(&case)
                    .filter(|c| c.is_open())
                    .ok_or(Rejection::UnknownCase(case))?;
                let at = c.stage();
                if at.next() != Some(stage) {
                    return Err(Rejection::StageOrder {
                        case,
                        at,
                        next: at.next(),
                    });
                }
                let note = private_text(note, MAX_NOTE);
                if note.is_empty() && stage != Stage::Archived {
                    return Err(Rejection::NoteNeeded(stage));
                }
                let complaint = matches!(c.source, CaseSource::Complaint { .. });
                let answer = if stage == Stage::Answered {
                    answer
                } else {
                    None
                };
                if stage == Stage::Answered && complaint && answer.is_none() {
                    return Err(Rejection::AnswerNeeded(case));
                }
                let step = u16::try_from(c.history.len()).unwrap_or(u16::MAX);
                self.record(Fact::CaseAdvanced {
                    case,
                    step,
                    stage,
                    note,
                    answer,
                });
                Ok(())
            }
            Command::ExtendCase {
                case,
                working_days,
                ref reason,
                role,
            } => {
                if role != StaffRole::Manager {
                    return Err(Rejection::ExtensionRole);
                }
                let c = self
                    .station
                    .cases
                    .get(&case)
                    .filter(|c| c.is_open())
                    .ok_or(Rejection::UnknownCase(case))?;
                let reason = private_text(reason, MAX_NOTE);
                if reason.is_empty() || !(1..=60).contains(&working_days) {
                    return Err(Rejection::ExtensionTerms);
                }
                let calendar = &self.station.calendar;
                let answered = c.stage() >= Stage::Answered;
                let later = |d: Deadline| calendar.add_working_days(d.date, working_days);
                let callback_due = if answered {
                    c.callback_due
                } else {
                    later(c.callback_due)
                };
                // The rectification is never due before the answer.
                let rectify_due = Some(later(c.rectify_due))
                    .filter(|r| r.date >= callback_due.date)
                    .unwrap_or(callback_due);
                let (was, now_due) = if answered {
                    (c.rectify_due, rectify_due)
                } else {
                    (c.callback_due, callback_due)
                };
                let index = u16::try_from(c.extensions.len()).unwrap_or(u16::MAX);
                self.record(Fact::CaseExtended {
                    case,
                    index,
                    reason: reason.clone(),
                    working_days,
                    callback_due,
                    rectify_due,
                });
                let by = self.actor.clone();
                self.effect(Effect::CaseExtended {
                    case,
                    reason,
                    was,
                    now_due,
                    by,
                });
                Ok(())
            }
            Command::ReopenCase { case, ref note } => {
                let c = self
                    .station
                    .cases
                    .get(&case)
                    .ok_or(Rejection::UnknownCase(case))?;
                if c.stage() < Stage::Answered {
                    return Err(Rejection::NotAnswered {
                        case,
                        at: c.stage(),
                    });
                }
                let note = private_text(note, MAX_NOTE);
                if note.is_empty() {
                    return Err(Rejection::NoteNeeded(Stage::Registered));
                }
                let step = u16::try_from(c.history.len()).unwrap_or(u16::MAX);
                // Due again as a new case of its kind would be, from today.
                let day = self.station.business_day(self.now);
                let settings = &self.station.settings;
                let (callback, rectify) = match c.source {
                    CaseSource::Complaint { .. } => (settings.answer_days, settings.answer_days),
                    CaseSource::Rating { .. } => (settings.callback_days, settings.rectify_days),
                };
                let calendar = &self.station.calendar;
                self.record(Fact::CaseReopened {
                    case,
                    step,
                    note,
                    callback_due: calendar.add_working_days(day, callback),
                    rectify_due: calendar.add_working_days(day, rectify),
                });
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
            Command::ForgetContacts { ref cases } => {
                for case in cases {
                    self.record(Fact::ContactDeleted { case: *case });
                }
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
            Command::Issue { category, priority } => self.issue(category, priority),
            Command::BackEnter(ref entry) => self.back_enter(entry),
            Command::NoteSignIn {
                ref staff,
                place,
                ref refused,
            } => {
                let staff: String = staff.chars().take(16).collect();
                match refused {
                    None => self.record(Fact::StaffSignedIn { staff, place }),
                    Some(reason) => {
                        self.record_as(
                            Actor::System,
                            Fact::PinRefused {
                                staff,
                                place,
                                reason: reason.clone(),
                            },
                        );
                        // Someone may be guessing: staff hear of it at the
                        // fifth refusal of the day there, then every tenth.
                        let refused = self.station.pin_refusals.get(&place).copied().unwrap_or(0);
                        if refused == 5 || refused % 10 == 0 {
                            self.effect(Effect::Notify(Notice::PinGuessing { place, refused }));
                        }
                    }
                }
                Ok(())
            }
            Command::ExportCase { case, role, place } => {
                if role != StaffRole::Manager {
                    return Err(Rejection::ExportRole);
                }
                self.record(Fact::CaseExported { case, place });
                Ok(())
            }
            Command::CallNext { window } => self.call_next(window),
            Command::Recall { window } => {
                let ticket = self.current(window)?;
                let recalls = match self.station.ticket(ticket).map(|t| t.state) {
                    Some(TicketState::Called { recalls, .. }) => recalls,
                    _ => 0,
                };
                let limit = self.station.settings.recall_limit;
                if recalls >= limit {
                    return Err(Rejection::RecallLimit { ticket, limit });
                }
                self.record(Fact::TicketRecalled {
                    ticket,
                    window,
                    count: recalls + 1,
                });
                self.effect(Effect::Announce {
                    ticket,
                    window,
                    recall: true,
                });
                Ok(())
            }
            Command::Skip { window } => {
                let ticket = self.current(window)?;
                self.record(Fact::TicketSkipped { ticket, window });
                Ok(())
            }
            Command::Complete { window } => {
                let ticket = self.current(window)?;
                self.complete(ticket, window, false);
                // The evaluator takes this ticket's rating for a while; a ticket
                // is armed once at most.
                if !self.station.ratings.contains_key(&ticket) {
                    let seconds = i64::from(self.station.settings.rating_seconds);
                    let until = self
                        .now
                        .checked_add(jiff::SignedDuration::from_secs(seconds))
                        .unwrap_or(self.now);
                    self.record(Fact::RatingArmed {
                        ticket,
                        window,
                        until,
                    });
                }
                Ok(())
            }
            Command::Rate { window, level } => {
                let armed = self.window(window)?.armed;
                if !(1..=5).contains(&level) {
                    return Err(Rejection::BadLevel(level));
                }
                match armed {
                    // The first key wins: the rating disarms the window.
                    Some((ticket, _)) => {
                        self.record(Fact::TicketRated {
                            ticket,
                            window,
                            level,
                        });
                        self.effect(Effect::Thank { window, level });
                        if level <= 2 {
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
                Ok(())
            }
            Command::Transfer { window, to } => {
                let ticket = self.current(window)?;
                if self.station.catalog.category(to).is_none() {
                    return Err(Rejection::UnknownCategory(to, self.station.category_list()));
                }
                let Some(t) = self.station.ticket(ticket) else {
                    return Err(Rejection::UnknownTicket(ticket));
                };
                if t.queue == to {
                    return Err(Rejection::SameCategory {
                        ticket,
                        category: to,
                    });
                }
                let front = self.station.waiting_in(to).map(|w| w.order).min();
                let order = front.map_or(t.order, |f| t.order.min(f - 1));
                self.record(Fact::TicketTransferred {
                    ticket,
                    window,
                    to,
                    order,
                });
                Ok(())
            }
            Command::Requeue { ticket } => {
                let Some(t) = self.station.ticket(ticket) else {
                    return Err(Rejection::UnknownTicket(ticket));
                };
                if !matches!(t.state, TicketState::Skipped { .. }) {
                    return Err(Rejection::NotSkipped {
                        ticket,
                        state: t.state.name(),
                    });
                }
                let order = self.requeue_order(t.queue);
                self.record(Fact::TicketRequeued { ticket, order });
                Ok(())
            }
            Command::SetWindowOpen { window, open } => {
                let w = self.window(window)?;
                match (open, w.paused, w.current) {
                    (true, true, _) => self.record(Fact::WindowOpened { window }),
                    (false, false, Some(ticket)) => {
                        return Err(Rejection::WindowBusy { window, ticket });
                    }
                    (false, false, None) => self.record(Fact::WindowPaused { window }),
                    _ => {}
                }
                Ok(())
            }
        }
    }

    fn back_enter(&mut self, entry: &BackEntry) -> Result<(), Rejection> {
        self.station
            .catalog
            .category(entry.category)
            .ok_or_else(|| {
                Rejection::UnknownCategory(entry.category, self.station.category_list())
            })?;
        self.window(entry.window)?;
        let service = entry.finished.duration_since(entry.started).as_secs();
        let oldest = self.now.as_second() - BACK_ENTRY_DAYS * 86_400;
        if !(0..=BACK_ENTRY_MAX_HOURS * 3600).contains(&service)
            || entry.finished > self.now
            || entry.started.as_second() < oldest
        {
            return Err(Rejection::BackEntryTimes);
        }
        if self
            .station
            .back_entries
            .contains(&(entry.window, entry.started))
        {
            return Err(Rejection::BackEnteredTwice {
                window: entry.window,
                started: self.station.local(entry.started),
            });
        }
        let register_no = private_text(&entry.register_no, MAX_REGISTER_NO);
        self.record(Fact::BackEntered {
            category: entry.category,
            window: entry.window,
            started: entry.started,
            finished: entry.finished,
            handled_day: self.station.business_day(entry.started),
            service_seconds: u32::try_from(service).unwrap_or(u32::MAX),
            register_no,
            note: private_text(&entry.note, MAX_NOTE),
        });
        Ok(())
    }

    fn issue(&mut self, category: CategoryId, priority: bool) -> Result<(), Rejection> {
        let station = &self.station;
        let Some(c) = station.catalog.category(category) else {
            return Err(Rejection::UnknownCategory(
                category,
                station.category_list(),
            ));
        };
        if let Some(zone) = station.evacuating() {
            return Err(Rejection::Evacuation(zone.to_string()));
        }
        let ticketing = station.ticketing(c, self.now);
        if station.day_closed || !matches!(ticketing, Ticketing::Open { .. }) {
            let next_open = match ticketing {
                Ticketing::Closed { next_open, .. } => next_open.map(|t| station.local(t)),
                Ticketing::Open { .. } => None,
            };
            return Err(Rejection::TicketingClosed {
                category,
                next_open,
            });
        }
        let number = station.counters.get(&category).copied().unwrap_or(0) + 1;
        let code = TicketCode { category, number };
        let ahead = station.ahead_of_new(category, priority);
        let wait_minutes = station.estimate_minutes(category, ahead);
        let slip = TicketSlip {
            code,
            category,
            category_zh: c.name_zh.clone(),
            category_en: c.name_en.clone(),
            priority,
            ahead,
            wait_minutes,
            issued_at: self.now,
            issued_local: station.local(self.now),
            reprint: false,
        };
        let order = station.next_order;
        self.record(Fact::TicketIssued {
            ticket: code,
            priority,
            order,
            ahead,
            wait_minutes,
        });
        self.effect(Effect::ShowTicket(slip.clone()));
        self.effect(Effect::PrintTicket(slip));
        Ok(())
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
            staff: settings.staff.get(&window).cloned(),
            ticket: Some(ticket),
            callback_due: calendar.add_working_days(day, settings.callback_days),
            rectify_due: calendar.add_working_days(day, settings.rectify_days),
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

    /// The business day a case opened now belongs to.
    fn case_day(&self) -> Date {
        self.station
            .day
            .unwrap_or_else(|| self.station.business_day(self.now))
    }

    /// The next case number of the business day's year.
    fn next_case_no(&self, day: Date) -> CaseNo {
        let year = day.year();
        CaseNo {
            year,
            seq: self.station.case_seq.get(&year).copied().unwrap_or(0) + 1,
        }
    }

    fn call_next(&mut self, window: WindowNo) -> Result<(), Rejection> {
        let w = self.window(window)?;
        let (paused, current, armed) = (w.paused, w.current, w.armed);
        if paused {
            self.record(Fact::WindowOpened { window });
        }
        // Calling the next citizen ends the last one's chance to rate.
        if let Some((ticket, _)) = armed {
            self.record(Fact::TicketUnrated {
                ticket,
                window,
                reason: UnratedReason::NextCall,
            });
        }
        if let Some(ticket) = current {
            self.complete(ticket, window, true);
            self.record(Fact::TicketUnrated {
                ticket,
                window,
                reason: UnratedReason::NextCall,
            });
        }
        match self.station.pick_next(window).map(|t| t.code) {
            Some(ticket) => {
                self.record(Fact::TicketCalled { ticket, window });
                self.effect(Effect::Announce {
                    ticket,
                    window,
                    recall: false,
                });
                Ok(())
            }
            None if current.is_some() => {
                self.effect(Effect::Notify(Notice::QueueEmpty { window }));
                Ok(())
            }
            None => Err(Rejection::NothingWaiting(window)),
        }
    }

    fn complete(&mut self, ticket: TicketCode, window: WindowNo, by_next_call: bool) {
        let since = match self.station.ticket(ticket).map(|t| t.state) {
            Some(TicketState::Called { at, .. }) => at,
            _ => self.now,
        };
        let service_seconds = self
            .now
            .duration_since(since)
            .as_secs()
            .clamp(0, i64::from(u32::MAX)) as u32;
        self.record(Fact::TicketCompleted {
            ticket,
            window,
            service_seconds,
            by_next_call,
        });
    }

    /// Queue position for a re-queued ticket: behind the next `requeue_after`
    /// waiting tickets of its category, or at the back when fewer wait.
    fn requeue_order(&self, queue: CategoryId) -> i64 {
        let mut orders: Vec<i64> = self.station.waiting_in(queue).map(|t| t.order).collect();
        orders.sort_unstable();
        let n = self.station.settings.requeue_after as usize;
        if orders.len() <= n {
            return self.station.next_order;
        }
        let (before, after) = (
            if n == 0 { orders[0] - 2 } else { orders[n - 1] },
            orders[n],
        );
        before + (after - before) / 2
    }
}
