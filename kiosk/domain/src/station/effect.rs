//! What a decision hands the shell: the records (`Decision`), the effects to
//! carry out once they are committed (`Effect`, with `Notice` and
//! `TicketSlip`), or the reason a command was refused (`Rejection`).

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use super::{Actor, BACK_ENTRY_DAYS, BACK_ENTRY_MAX_HOURS, PrinterHealth, Record, SignInPlace};
use crate::calendar::Deadline;
use crate::case::{CaseDocument, CaseNo, Stage};
use crate::catalog::{CategoryId, WindowNo};
use crate::complaint::{Phone, Topic};
use crate::docket::{Docket, DocketNo, DocketStage, MAX_COPIES, MAX_RECEIVED, Principal};
use crate::matter::{MatterRef, NoticeNo};
use crate::printing::Paper;
use crate::roster::{
    LEAVE_BACK_DAYS, LEAVE_MAX_DAYS, NOTICE_MAX_DAYS, NOTICE_TEXT_MAX, NOTICE_TITLE_MAX,
    ROSTER_MAX_DAYS,
};
use crate::safety::{ResetRefusal, StaffRole, ZoneFault, ZoneRole};
use crate::ticket::TicketCode;

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
    /// The matter it was taken for at the lobby guide, printed on it.
    pub matter: Option<MatterRef>,
    /// Every window of the category was away when it was taken: the notice
    /// is printed on it.
    pub away: Option<super::view::AwayView>,
}

/// Something staff should know.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum Notice {
    /// A window called next but nobody is waiting for it.
    QueueEmpty {
        window: WindowNo,
    },
    /// Staff called the next ticket; the call waits for `ticket`'s rating
    /// (or the rating time to run out, at `until`).
    CallHeld {
        window: WindowNo,
        ticket: TicketCode,
        until: Timestamp,
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
    /// A citizen rated the result handed over 不满意 or worse: the case it
    /// opened.
    BadResult {
        docket: DocketNo,
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
    /// Print a matter's one-time notice (一次性告知单) for a citizen at the
    /// lobby guide.
    PrintGuide { matter: MatterRef },
    /// Print the written notice of missing materials (补正材料一次性告知书).
    PrintNotice {
        notice: NoticeNo,
        window: WindowNo,
        matter: MatterRef,
        missing: Vec<String>,
        return_by: Deadline,
        /// The staff member who gave it.
        by: Actor,
        /// When, in the station's time zone.
        given_local: String,
    },
    /// Print a docket's receipt (受理回执) or commission (代办委托书, with
    /// the citizen's particulars in full for their signature); `again`:
    /// marked 补打.
    PrintDocket {
        docket: Box<Docket>,
        document: super::DocketDocument,
        principal: Option<Principal>,
        again: bool,
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
    /// A proxy commission's citizen for a docket opened by these records:
    /// kept with the docket only, like a callback number.
    pub principals: Vec<(DocketNo, Principal)>,
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
    #[error(
        "extending a case needs the manager role (经领导同意) — the supervisor's (纪检) for a case about the manager"
    )]
    ExtensionRole,
    #[error("an extension needs a reason and 1 to 60 working days")]
    ExtensionTerms,
    #[error(
        "only the manager exports a case with its callback number in full — the supervisor (纪检) for a case about the manager"
    )]
    ExportRole,
    #[error("case {case} is at {at}; it can be reopened once the citizen has been answered")]
    NotAnswered { case: CaseNo, at: Stage },

    #[error(
        "record a 补正 (missing materials) outcome with the notice form, which prints the written notice"
    )]
    NoticeByForm,
    #[error("不予受理 needs the reason told to the citizen")]
    ReasonNeeded,
    #[error("转介: name the window or office the citizen was referred to")]
    ReferralNeeded,
    #[error("a matter outside the catalog: write down what the citizen asked")]
    AskedNeeded,
    #[error(
        "a matter outside the catalog gets no receipt and no written notice: they follow the catalog's materials and time limit"
    )]
    NotInCatalog,
    #[error("tick at least one missing material")]
    NothingMissing,
    #[error("{0} missing materials are more than one notice lists (at most 40)")]
    TooManyMissing(usize),
    #[error("the citizen needs 1 to 60 working days to bring the materials, not {0}")]
    ReturnDays(u32),
    #[error("{ticket} was not called to window {window} today")]
    NotServedHere {
        ticket: TicketCode,
        window: WindowNo,
    },
    #[error("{matter} is already recorded for {ticket}")]
    MatterTwice { ticket: TicketCode, matter: String },
    #[error("installing a matter catalog needs the approver's name")]
    ApproverNeeded,
    #[error(
        "record 受理 and 转代办 with the receipt form, which prints the receipt with its promised date"
    )]
    ReceiptByForm,
    #[error("{0} is done at the counter (即办): it gets no receipt and no promised date")]
    ImmediateMatter(String),
    #[error("a time limit of {0} working days is more than a year's")]
    TimeLimit(u16),
    #[error("list the materials received, each with how many (at least one)")]
    NothingReceived,
    #[error("{0} materials are more than one receipt lists (at most {MAX_RECEIVED})")]
    TooManyReceived(usize),
    #[error("{0}: give 1 to {MAX_COPIES} copies, not {1}")]
    Copies(String, u8),
    #[error("there is no open docket {0}")]
    UnknownDocket(DocketNo),
    #[error("{docket} is at {at}; next comes {next}")]
    DocketStageOrder {
        docket: DocketNo,
        at: DocketStage,
        next: String,
    },
    #[error("{docket}'s result was recorded already ({result} on {on}); it is not recorded twice")]
    ResultTwice {
        docket: DocketNo,
        result: DocketStage,
        on: Date,
    },
    #[error("退件 {0}: give the reason told to the citizen")]
    ReturnReason(DocketNo),
    #[error("送件 {0}: name the office it goes to")]
    OfficeNeeded(DocketNo),
    #[error("已通知 {0}: say how the citizen was told (visit or phone)")]
    NotifyHow(DocketNo),
    #[error("已领取 {0}: the citizen signs for it first; tick that they signed")]
    SignatureNeeded(DocketNo),
    #[error("已领取 {0}: name the window it is handed over at, whose evaluator takes the rating")]
    HandOverWindow(DocketNo),
    #[error("{0} is not a proxy matter with a commission kept; there is nothing to print")]
    NoCommission(DocketNo),

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
        "case {case} names staff member {member}; nobody handles a case about themselves (投诉管理办法): the station manager or the supervisor (纪检) does"
    )]
    OwnCase { case: CaseNo, member: String },
    #[error(
        "case {0} is about the station manager; the supervisor (纪检) handles it: sign in as the supervisor"
    )]
    SupervisorsCase(CaseNo),
    #[error(
        "nobody is signed on at window {0}: sign on first (the window console, staff mode's 在岗 page, or `sign-on` with a PIN on the control socket)"
    )]
    NobodySignedOn(WindowNo),
    #[error(
        "staff member {member} holds no post at window {window} (its posts: {posts}); the manager names posts in kiosk.toml's [[window]]"
    )]
    NotAPost {
        member: String,
        window: WindowNo,
        posts: String,
    },
    #[error(
        "the return time {0} is not later than now ({1}); give the time the member expects to be back"
    )]
    ReturnInPast(String, String),
    #[error("a return time more than {0} days ahead is leave, not an absence from the window")]
    ReturnTooFar(i64),
    #[error("window {0} cannot send citizens to itself; name another window or none")]
    InsteadIsSelf(WindowNo),
    #[error(
        "`{0}` is not a contact number: 5–20 digits, with `-` or spaces between groups (a mobile or a landline)"
    )]
    BadContact(String),
    #[error(
        "an absence of {minutes} minutes is over 30 and needs the manager's approval (请假制度): the manager enters their number and PIN"
    )]
    AwayNeedsManager { minutes: i64 },
    #[error(
        "an absence of {minutes} minutes with nobody standing in shows the member's contact number on the notice (请假制度); give one, or have the B post sign on"
    )]
    AwayNeedsContact { minutes: i64 },
    #[error(
        "every window of category {0} is away and this station issues no tickets then; the home screen says when they are back"
    )]
    AllAway(CategoryId),
    #[error(
        "the leave register and the duty roster are the station manager's (便民服务站负责人): sign in as the manager"
    )]
    ManagersRegister,
    #[error("leave from {from} to {to}: the last day is before the first")]
    LeaveDates { from: Date, to: Date },
    #[error("leave of {0} days is more than one entry covers ({LEAVE_MAX_DAYS}); enter it in two")]
    LeaveTooLong(i64),
    #[error(
        "leave beginning {from} is outside what the register takes ({earliest} to {latest}): leave is entered at most {LEAVE_BACK_DAYS} days afterwards"
    )]
    LeaveWhen {
        from: Date,
        earliest: Date,
        latest: Date,
    },
    #[error(
        "staff member {member} already has leave no. {no} from {from} to {to}; cancel or shorten that entry first"
    )]
    LeaveOverlaps {
        member: String,
        no: u32,
        from: Date,
        to: Date,
    },
    #[error("there is no leave no. {0} in the register (or it is too old to cancel)")]
    NoSuchLeave(u32),
    #[error(
        "a notice needs a title of at most {NOTICE_TITLE_MAX} characters and a text of at most {NOTICE_TEXT_MAX}"
    )]
    NoticeText,
    #[error(
        "a notice from {0} until {1}: it must end after it begins and after now, within {NOTICE_MAX_DAYS} days"
    )]
    NoticeTimes(String, String),
    #[error("there is no posted notice no. {0} (or it is over)")]
    NoSuchNotice(u32),
    #[error(
        "roster days must lie between {earliest} and {latest}, one to {ROSTER_MAX_DAYS} of them at a time"
    )]
    RosterDays { earliest: Date, latest: Date },
    #[error(
        "a back-entry's times must be in the past, start before they finish, span at most {BACK_ENTRY_MAX_HOURS} hours and lie within the last {BACK_ENTRY_DAYS} days"
    )]
    BackEntryTimes,
    #[error("window {window}'s matter started {started} is already back-entered")]
    BackEnteredTwice { window: WindowNo, started: String },
}
