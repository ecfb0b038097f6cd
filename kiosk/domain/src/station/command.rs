//! What the station is asked to do: the `Command` enum, who asks (`Actor`),
//! and the payloads commands carry (a back-entry, a print job's outcome, the
//! printer's health, where a PIN was typed). No rules live here.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::case::{Answer, CaseDocument, CaseNo, Stage};
use crate::catalog::{CategoryId, StaffRef, WindowNo};
use crate::complaint::{Channel, Phone, Topic};
use crate::docket::{DocketNo, DocketStage, LookupCode, NotifyBy, Principal, Received};
use crate::matter::{MatterRef, Outcome};
use crate::people::Away;
use crate::printing::Paper;
use crate::roster::{Duty, LeaveKind, PostedNotice};
use crate::safety::{StaffRole, ZoneSignal};
use crate::ticket::TicketCode;
use crate::voice::{AnnouncementKind, AnnouncementOutcome};

pub use crate::actor::Actor;

/// What someone or something asks the station to do.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Command {
    /// Issue a ticket in a category; `priority` is the 老弱病残孕 path.
    Issue {
        category: CategoryId,
        priority: bool,
    },
    /// Issue a ticket for a matter chosen at the lobby guide: in the
    /// matter's category, with the matter on the ticket.
    IssueFor {
        category: CategoryId,
        priority: bool,
        matter: MatterRef,
    },
    /// A citizen printed a matter's one-time notice at the lobby guide.
    PrintGuide { matter: MatterRef },
    /// Staff record what became of a matter the citizen at the window
    /// brought (`ticket`: the window's current one when not named).
    RecordMatter {
        window: WindowNo,
        ticket: Option<TicketCode>,
        matter: MatterRef,
        outcome: Outcome,
    },
    /// Staff give the written notice of the materials missing for a matter;
    /// the citizen has `return_days` working days to bring them.
    GiveNotice {
        window: WindowNo,
        ticket: Option<TicketCode>,
        matter: MatterRef,
        missing: Vec<String>,
        return_days: u32,
    },
    /// Staff accept a matter that is not finished at the counter and print
    /// its receipt: a promised matter (承诺件), or with `principal` a proxy
    /// matter commissioned to the 代办员 (代办件), whose commission prints
    /// for the citizen's signature. `working_days` is the catalog's time
    /// limit; `code` the receipt's lookup code (random, from the shell).
    AcceptMatter {
        window: WindowNo,
        ticket: Option<TicketCode>,
        matter: MatterRef,
        working_days: u16,
        materials: Vec<Received>,
        principal: Option<Principal>,
        code: LookupCode,
    },
    /// Staff move a docket to its next stage: 送件 names the office, 退件
    /// gives the reason, 已通知 says how, 已领取 is signed for at a window
    /// (whose evaluator then takes the citizen's rating of the result).
    AdvanceDocket {
        docket: DocketNo,
        stage: DocketStage,
        note: String,
        office: Option<String>,
        notified: Option<NotifyBy>,
        window: Option<WindowNo>,
        signed: bool,
    },
    /// Print a docket's receipt or commission again, marked 补打; the
    /// commission needs its citizen's particulars, read from the store.
    ReprintDocket {
        docket: DocketNo,
        document: super::DocketDocument,
        principal: Option<Principal>,
    },
    /// Deletes the commission particulars of these dockets (their retention
    /// after hand-over ran out); the store found them.
    ForgetPrincipals { dockets: Vec<DocketNo> },
    /// A new version of the matter catalog was installed (`kiosk matters
    /// load`), approved by `approver`.
    NoteMatters {
        version: u32,
        approver: String,
        matters: u32,
        sha256: String,
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
    /// A member signs on at a window (their PIN or console session checked
    /// by the shell, their name from the staff list).
    SignOn {
        window: WindowNo,
        member: StaffRef,
        role: Option<StaffRole>,
    },
    /// The member at a window signs off.
    SignOff { window: WindowNo },
    /// The window's member steps away (暂离): the window pauses and shows
    /// the notice; `away.approver` is the manager whose PIN the shell
    /// checked, for an absence past the limit.
    StepAway { window: WindowNo, away: Away },
    /// The manager enters a member's leave (请假) in the register.
    RegisterLeave {
        member: StaffRef,
        leave: LeaveKind,
        from: Date,
        to: Date,
        /// The manager's staff number.
        approver: String,
        role: StaffRole,
    },
    /// The manager strikes a leave entry out (entered by mistake, the
    /// member came back).
    CancelLeave { no: u32, role: StaffRole },
    /// The manager sets the duty (值班) of these days.
    SetDuty {
        days: Vec<Date>,
        duty: Duty,
        role: StaffRole,
    },
    /// The manager posts a notice on the lobby's notice board.
    PostNotice {
        notice: PostedNotice,
        role: StaffRole,
    },
    /// The manager takes a posted notice down.
    WithdrawNotice { no: u32, role: StaffRole },
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
        /// The role of the member asking (a console session's), if known.
        role: Option<StaffRole>,
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
    ReopenCase {
        case: CaseNo,
        note: String,
        role: Option<StaffRole>,
    },
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
        /// How it came in; anything but the touchscreen is entered by staff
        /// (no receipt printed unasked, no screen told).
        channel: Channel,
    },
    /// Staff reached the citizen of a case and took a callback number
    /// (kept with the case only, like a complaint's).
    AddCallback {
        case: CaseNo,
        phone: Phone,
        /// The role of the member asking (a console session's).
        role: Option<StaffRole>,
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
    /// An announcement ended: journal what was said and how it ended.
    NoteAnnounced {
        what: AnnouncementKind,
        ticket: Option<TicketCode>,
        window: Option<WindowNo>,
        sets: Vec<String>,
        outcome: AnnouncementOutcome,
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
    /// A window's numeric keypad (signing on with number and PIN).
    Keypad,
}

impl SignInPlace {
    pub fn word(self) -> &'static str {
        match self {
            SignInPlace::Console => "console",
            SignInPlace::Touchscreen => "touchscreen",
            SignInPlace::Command => "command",
            SignInPlace::Keypad => "keypad",
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
