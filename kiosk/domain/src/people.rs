//! People at the windows: who is signed on at a window, on which of its
//! posts (the posts themselves are settings, `catalog::Posts`), and the
//! away notice (暂离) a window shows while its member is out.
//!
//! The rules that use these are in `station/people.rs`; here are the types
//! and their words, Chinese first.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::catalog::{Post, WindowNo};

/// The longest staff number the station keeps (the staff list's limit).
pub const MAX_MEMBER: usize = 16;

/// An absence longer than this many minutes needs the manager's approval
/// and, with nobody standing in, the member's contact number on the notice
/// (规范化管理制度, 请假制度 1).
pub const AWAY_APPROVAL_MINUTES: i64 = 30;

/// The furthest ahead a return time may be, in days (a week's leave, a
/// holiday in between).
pub const AWAY_MAX_DAYS: i64 = 30;

/// A member signed on at a window.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct OnPost {
    /// The staff number.
    pub member: String,
    /// The name, as the staff list had it at sign-on.
    pub name: String,
    pub post: Post,
    pub since: Timestamp,
    /// The member's role at sign-on (a case about the manager goes to the
    /// supervisor).
    pub role: Option<crate::safety::StaffRole>,
}

/// Why a window's member is away (暂离), from the regulations' list.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwayReason {
    /// 会议
    Meeting,
    /// 下村入户
    Visit,
    /// 区政务中心送件
    Delivery,
    /// 请假
    Leave,
    /// 其他
    Other,
}

impl AwayReason {
    pub const ALL: [AwayReason; 5] = [
        AwayReason::Meeting,
        AwayReason::Visit,
        AwayReason::Delivery,
        AwayReason::Leave,
        AwayReason::Other,
    ];

    pub fn word(self) -> &'static str {
        match self {
            AwayReason::Meeting => "meeting",
            AwayReason::Visit => "visit",
            AwayReason::Delivery => "delivery",
            AwayReason::Leave => "leave",
            AwayReason::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|r| r.word() == text || r.zh() == text)
    }

    pub fn zh(self) -> &'static str {
        match self {
            AwayReason::Meeting => "会议",
            AwayReason::Visit => "下村入户",
            AwayReason::Delivery => "区政务中心送件",
            AwayReason::Leave => "请假",
            AwayReason::Other => "其他",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            AwayReason::Meeting => "in a meeting",
            AwayReason::Visit => "visiting households",
            AwayReason::Delivery => "taking files to the district centre",
            AwayReason::Leave => "on leave",
            AwayReason::Other => "away",
        }
    }
}

impl fmt::Display for AwayReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// The notice a window shows while its member is away.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Away {
    pub reason: AwayReason,
    /// When the member expects to be back.
    pub back_at: Timestamp,
    /// The member's contact number, on the notice when nobody stands in
    /// (required past [`AWAY_APPROVAL_MINUTES`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// The window citizens go to meanwhile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instead: Option<WindowNo>,
    /// The manager who approved an absence past the limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
}

impl Away {
    /// The notice in Chinese, `工作人员下村入户，预计 15:30 返回`, with
    /// the contact number and the window to go to when there are.
    pub fn zh(&self, back: &str) -> String {
        let mut text = format!("工作人员{}，预计 {back} 返回", self.reason.zh());
        if self.reason == AwayReason::Other {
            text = format!("工作人员暂时离开，预计 {back} 返回");
        }
        if let Some(w) = self.instead {
            text.push_str(&format!("，请到 {w} 号窗口办理"));
        }
        if let Some(c) = &self.contact {
            text.push_str(&format!("，联系电话 {c}"));
        }
        text
    }

    /// The notice in English.
    pub fn en(&self, back: &str) -> String {
        let mut text = format!("Staff {}, back at {back}", self.reason.en());
        if let Some(w) = self.instead {
            text.push_str(&format!("; please go to window {w}"));
        }
        if let Some(c) = &self.contact {
            text.push_str(&format!("; phone {c}"));
        }
        text
    }
}

/// Whether a contact number is one a notice can show: 5–20 characters of
/// digits, with `-` or spaces between groups (a mobile or a landline).
pub fn valid_contact(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&text.chars().count())
        && digits >= 5
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == ' ')
        && text.starts_with(|c: char| c.is_ascii_digit())
}
