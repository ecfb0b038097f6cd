//! What the station journals: the `Fact` enum, the `Record` that dates and
//! signs it, and the kinds and keys the store files facts under. No rules
//! live here; `apply` in each area module gives facts their effect.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{Actor, PrintOutcome, PrinterHealth, SignInPlace};
use crate::calendar::Deadline;
use crate::case::{Answer, CaseDocument, CaseNo, CaseSource, StaffRef, Stage};
use crate::catalog::Post;
use crate::catalog::{CategoryId, WindowNo};
use crate::docket::{DocketKind, DocketNo, DocketStage, LookupCode, NotifyBy, Received};
use crate::matter::{MatterRef, NoticeNo, Outcome};
use crate::people::Away;
use crate::printing::{Paper, Unconfirmed};
use crate::roster::{Duty, LeaveEntry, PostedNotice};
use crate::safety::{StaffRole, ZoneFault, ZoneRole};
use crate::ticket::TicketCode;
use crate::voice::{AnnouncementKind, AnnouncementOutcome};

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

/// Why a member's sign-on at a window ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignOff {
    /// They signed off.
    Left,
    /// Another member signed on at the window (B took over).
    Replaced,
    /// They signed on at another window.
    Moved,
    /// The business day closed.
    DayClosed,
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
        /// Taken for a matter at the lobby guide.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        matter: Option<MatterRef>,
    },
    TicketCalled {
        ticket: TicketCode,
        window: WindowNo,
        /// The staff number signed on at the window.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<String>,
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
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<String>,
    },
    WindowOpened {
        window: WindowNo,
    },
    WindowPaused {
        window: WindowNo,
        /// The notice shown while the window's member is away (暂离).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        away: Option<Away>,
    },
    /// A member signed on at a window, on one of its posts.
    SignedOn {
        window: WindowNo,
        member: String,
        name: String,
        post: Post,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<StaffRole>,
    },
    /// A member's sign-on at a window ended.
    SignedOff {
        window: WindowNo,
        member: String,
        why: SignOff,
    },
    /// Staff called the next ticket while `ticket`'s rating was open: the
    /// call waits for the rating or its time to run out.
    CallHeld {
        window: WindowNo,
        ticket: TicketCode,
    },
    /// Staff took a callback number for a case (kept with the case only).
    CallbackAdded {
        case: CaseNo,
    },
    /// The manager entered a leave in the register.
    LeaveRegistered {
        entry: LeaveEntry,
    },
    /// The manager struck a leave entry out.
    LeaveCancelled {
        no: u32,
        member: String,
    },
    /// The manager set the duty (值班) of these days.
    DutySet {
        days: Vec<Date>,
        duty: Duty,
    },
    /// The manager posted a notice on the lobby's notice board.
    NoticePosted {
        no: u32,
        notice: PostedNotice,
    },
    /// The manager took a notice down.
    NoticeWithdrawn {
        no: u32,
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
        /// Who served the ticket: whom its rating names.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<String>,
    },
    /// The citizen rated the service: 5 非常满意 … 1 非常不满意.
    TicketRated {
        ticket: TicketCode,
        window: WindowNo,
        level: u8,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<String>,
    },
    /// The ticket's chance to be rated ended without a rating.
    TicketUnrated {
        ticket: TicketCode,
        window: WindowNo,
        reason: UnratedReason,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<String>,
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
        /// The member it names was signed on as the station manager: the
        /// supervisor (纪检) handles it.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        about_manager: bool,
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
    /// A citizen printed a matter's one-time notice at the lobby guide.
    GuidePrinted {
        matter: MatterRef,
    },
    /// What became of a matter a citizen brought to a window.
    MatterHandled {
        ticket: Option<TicketCode>,
        window: WindowNo,
        matter: MatterRef,
        #[serde(flatten)]
        outcome: Outcome,
    },
    /// Staff gave the written notice of missing materials (补正材料一次性
    /// 告知书); the citizen brings them by `return_by`.
    NoticeGiven {
        notice: NoticeNo,
        ticket: Option<TicketCode>,
        window: WindowNo,
        matter: MatterRef,
        missing: Vec<String>,
        return_by: Deadline,
    },
    /// A matter was accepted with a receipt: a promised matter, or a proxy
    /// matter whose citizen's particulars (`principal`) are kept with the
    /// docket, never here.
    DocketOpened {
        docket: DocketNo,
        code: LookupCode,
        #[serde(rename = "docket_kind")]
        kind: DocketKind,
        ticket: Option<TicketCode>,
        window: WindowNo,
        matter: MatterRef,
        staff: Option<StaffRef>,
        materials: Vec<Received>,
        working_days: u16,
        promised: Deadline,
        #[serde(default)]
        principal: bool,
    },
    /// A docket moved on; `step` is its place in the docket's history.
    DocketAdvanced {
        docket: DocketNo,
        step: u16,
        stage: DocketStage,
        note: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        office: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notified: Option<NotifyBy>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<WindowNo>,
    },
    /// A result handed over: the window's evaluator takes its rating until
    /// `until`.
    DocketRatingArmed {
        docket: DocketNo,
        window: WindowNo,
        until: Timestamp,
    },
    /// The citizen rated the result handed over (`None`: the time ran out).
    DocketRated {
        docket: DocketNo,
        window: WindowNo,
        level: Option<u8>,
    },
    /// A docket's receipt or commission was printed again.
    DocketReprinted {
        docket: DocketNo,
        document: super::DocketDocument,
    },
    /// A commission's particulars were deleted: their retention after
    /// hand-over ran out. They were never journaled.
    PrincipalDeleted {
        docket: DocketNo,
    },
    /// A version of the matter catalog was installed, approved by
    /// `approver`; `sha256` is the file's.
    MattersInstalled {
        version: u32,
        approver: String,
        matters: u32,
        sha256: String,
    },
    /// An announcement ended (played, stopped, cut off…): what it was, in
    /// which clip sets, and how it ended. A call's own record is
    /// `TicketCalled`; this says whether it was heard.
    Announced {
        what: AnnouncementKind,
        ticket: Option<TicketCode>,
        window: Option<WindowNo>,
        sets: Vec<String>,
        outcome: AnnouncementOutcome,
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
            Fact::SignedOn { .. } => "signed_on",
            Fact::SignedOff { .. } => "signed_off",
            Fact::CallHeld { .. } => "call_held",
            Fact::LeaveRegistered { .. } => "leave_registered",
            Fact::LeaveCancelled { .. } => "leave_cancelled",
            Fact::DutySet { .. } => "duty_set",
            Fact::NoticePosted { .. } => "notice_posted",
            Fact::NoticeWithdrawn { .. } => "notice_withdrawn",
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
            Fact::CallbackAdded { .. } => "callback_added",
            Fact::PrintUnconfirmed { .. } => "print_unconfirmed",
            Fact::PrintResent { .. } => "print_resent",
            Fact::CaseReprinted { .. } => "case_reprinted",
            Fact::BackEntered { .. } => "back_entered",
            Fact::DayAnchored { .. } => "day_anchored",
            Fact::StaffSignedIn { .. } => "staff_signed_in",
            Fact::PinRefused { .. } => "pin_refused",
            Fact::CaseExported { .. } => "case_exported",
            Fact::Announced { .. } => "announced",
            Fact::GuidePrinted { .. } => "guide_printed",
            Fact::MatterHandled { .. } => "matter_handled",
            Fact::NoticeGiven { .. } => "notice_given",
            Fact::MattersInstalled { .. } => "matters_installed",
            Fact::DocketOpened { .. } => "docket_opened",
            Fact::DocketAdvanced { .. } => "docket_advanced",
            Fact::DocketRatingArmed { .. } => "docket_rating_armed",
            Fact::DocketRated { .. } => "docket_rated",
            Fact::DocketReprinted { .. } => "docket_reprinted",
            Fact::PrincipalDeleted { .. } => "principal_deleted",
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
            | Fact::CallHeld { ticket, .. }
            | Fact::PrintFailed { ticket, .. } => Some(*ticket),
            Fact::CaseOpened { ticket, .. }
            | Fact::Announced { ticket, .. }
            | Fact::MatterHandled { ticket, .. }
            | Fact::DocketOpened { ticket, .. }
            | Fact::NoticeGiven { ticket, .. } => *ticket,
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
            | Fact::WindowPaused { window, .. }
            | Fact::SignedOn { window, .. }
            | Fact::SignedOff { window, .. }
            | Fact::CallHeld { window, .. }
            | Fact::RatingArmed { window, .. }
            | Fact::TicketRated { window, .. }
            | Fact::TicketUnrated { window, .. }
            | Fact::RatingIgnored { window, .. }
            | Fact::EvaluatorFault { window, .. }
            | Fact::BackEntered { window, .. }
            | Fact::MatterHandled { window, .. }
            | Fact::DocketOpened { window, .. }
            | Fact::DocketRatingArmed { window, .. }
            | Fact::DocketRated { window, .. }
            | Fact::NoticeGiven { window, .. } => Some(*window),
            Fact::CaseOpened { window, .. }
            | Fact::Announced { window, .. }
            | Fact::DocketAdvanced { window, .. } => *window,
            _ => None,
        }
    }

    /// The docket the fact is about, if any.
    pub fn docket(&self) -> Option<DocketNo> {
        match self {
            Fact::DocketOpened { docket, .. }
            | Fact::DocketAdvanced { docket, .. }
            | Fact::DocketRatingArmed { docket, .. }
            | Fact::DocketRated { docket, .. }
            | Fact::DocketReprinted { docket, .. }
            | Fact::PrincipalDeleted { docket } => Some(*docket),
            Fact::MatterHandled { outcome, .. } => outcome.receipt(),
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
            | Fact::CallbackAdded { case }
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
