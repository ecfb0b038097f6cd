//! The manager's registers: leave (请假, 规范化管理制度 请假制度), the duty
//! roster (值班表, 值班制度) — who keeps the phone and the station outside
//! working hours, and the leader in charge (带班领导) — and the notices
//! posted on the lobby's notice board (公示栏).
//!
//! Both are entered by the manager, journaled, and kept by the station for
//! the days its rules still look at (`station/roster.rs`); the attendance
//! rule reads the leave, the closed screen tonight's duty.

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::case::StaffRef;

/// Leave may be entered afterwards — the regulations let a member on
/// urgent leave phone the manager and complete the form later — up to this
/// many days after it began.
pub const LEAVE_BACK_DAYS: i64 = 31;

/// The longest leave one entry covers, in calendar days (a maternity
/// leave with its extensions).
pub const LEAVE_MAX_DAYS: i64 = 190;

/// The furthest ahead leave may begin, in days.
pub const LEAVE_AHEAD_DAYS: i64 = 366;

/// The roster may be changed for days up to this many days past (a duty
/// swapped last night, written down this morning).
pub const ROSTER_BACK_DAYS: i64 = 7;

/// The furthest ahead the roster reaches, in days.
pub const ROSTER_AHEAD_DAYS: i64 = 400;

/// The most days one roster entry sets (a quarter).
pub const ROSTER_MAX_DAYS: usize = 92;

/// The kind of leave, in the words of the register.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveKind {
    /// 事假
    Personal,
    /// 病假
    Sick,
    /// 年休假
    Annual,
    /// 婚假
    Marriage,
    /// 产假 (and 陪产假)
    Maternity,
    /// 丧假
    Bereavement,
    /// 公出: away on the station's business (training, the district).
    Official,
}

impl LeaveKind {
    pub const ALL: [LeaveKind; 7] = [
        LeaveKind::Personal,
        LeaveKind::Sick,
        LeaveKind::Annual,
        LeaveKind::Marriage,
        LeaveKind::Maternity,
        LeaveKind::Bereavement,
        LeaveKind::Official,
    ];

    pub fn word(self) -> &'static str {
        match self {
            LeaveKind::Personal => "personal",
            LeaveKind::Sick => "sick",
            LeaveKind::Annual => "annual",
            LeaveKind::Marriage => "marriage",
            LeaveKind::Maternity => "maternity",
            LeaveKind::Bereavement => "bereavement",
            LeaveKind::Official => "official",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            LeaveKind::Personal => "事假",
            LeaveKind::Sick => "病假",
            LeaveKind::Annual => "年休假",
            LeaveKind::Marriage => "婚假",
            LeaveKind::Maternity => "产假",
            LeaveKind::Bereavement => "丧假",
            LeaveKind::Official => "公出",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            LeaveKind::Personal => "personal leave",
            LeaveKind::Sick => "sick leave",
            LeaveKind::Annual => "annual leave",
            LeaveKind::Marriage => "marriage leave",
            LeaveKind::Maternity => "maternity leave",
            LeaveKind::Bereavement => "bereavement leave",
            LeaveKind::Official => "official business",
        }
    }

    /// By its word or its Chinese name.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.word() == text || k.zh() == text)
    }
}

impl fmt::Display for LeaveKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// One entry of the leave register: whole days `from..=to`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct LeaveEntry {
    /// The register's number, never reused.
    pub no: u32,
    pub member: String,
    /// The member's name, as the staff list had it.
    pub name: String,
    pub leave: LeaveKind,
    pub from: Date,
    pub to: Date,
    /// The manager who approved it.
    pub approver: String,
}

impl LeaveEntry {
    /// Whether it shares a day with `from..=to`.
    pub fn overlaps(&self, from: Date, to: Date) -> bool {
        self.from <= to && from <= self.to
    }
}

/// Who keeps a day's duty (值班) and the leader in charge (带班领导).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Duty {
    /// The member on duty (their number and name from the staff list).
    pub member: StaffRef,
    /// The number citizens call outside working hours.
    pub phone: String,
    /// 带班领导.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader: Option<StaffRef>,
}

/// The longest title of a posted notice, in characters.
pub const NOTICE_TITLE_MAX: usize = 30;

/// The longest text of a posted notice, in characters.
pub const NOTICE_TEXT_MAX: usize = 300;

/// The longest a notice stays posted, in days.
pub const NOTICE_MAX_DAYS: i64 = 366;

/// A notice the manager posts on the lobby's notice board (公示栏): 停水停电,
/// a typhoon closure, a 小组长's reception hours. Public by purpose: its
/// text is shown as written (normalised), not masked.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct PostedNotice {
    pub title: String,
    pub text: String,
    pub from: jiff::Timestamp,
    pub until: jiff::Timestamp,
    /// Ticketing closes from `from` to `until`, the notice as the reason.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub closes: bool,
}

impl PostedNotice {
    /// Posted at `at`.
    pub fn shown_at(&self, at: jiff::Timestamp) -> bool {
        self.from <= at && at < self.until
    }
}
