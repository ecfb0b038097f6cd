//! Cases: one file per bad rating or complaint, moved through the regulations'
//! five stages — 受理 accepted, 登记 registered, 处理 handled, 反馈 answered,
//! 存档 archived — with who, when and what at each, and the deadlines counted in
//! working days.
//!
//! A case outlives the business day it was opened on. Its facts are journaled
//! like any other; the store keeps each case's current state beside the journal
//! so that a restart on a later day finds it. Applying a case fact is
//! idempotent (each stage carries its position in the history), so a station
//! seeded with the cases' current state can still replay the day's records.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub use super::actor::Actor;
use super::calendar::Deadline;
pub use super::catalog::StaffRef;
use super::catalog::WindowNo;
use super::complaint::{Channel, Topic};
use super::ticket::TicketCode;

/// A case number, `2026-0007`: the year it was opened and its place in that
/// year's sequence. Never reused.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseNo {
    pub year: i16,
    pub seq: u32,
}

impl fmt::Display for CaseNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:04}", self.year, self.seq)
    }
}

impl FromStr for CaseNo {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a case number such as 2026-0007");
        let (year, seq) = text.trim().split_once('-').ok_or_else(bad)?;
        let year: i16 = year.parse().map_err(|_| bad())?;
        let seq: u32 = seq.parse().map_err(|_| bad())?;
        if !(2000..=9999).contains(&year) || seq == 0 {
            return Err(bad());
        }
        Ok(Self { year, seq })
    }
}

impl TryFrom<String> for CaseNo {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
    }
}

impl From<CaseNo> for String {
    fn from(no: CaseNo) -> String {
        no.to_string()
    }
}

/// Where a case came from.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum CaseSource {
    /// A bad rating (1 非常不满意 or 2 不满意) on a window's evaluator.
    Rating { level: u8 },
    /// The complaint box: what it is about and what the citizen wrote
    /// (normalised; mobile numbers in it masked). `callback`: the citizen
    /// left a number, which is kept with the case only, never here.
    Complaint {
        topic: Topic,
        text: String,
        callback: bool,
        /// The touchscreen's form this complaint came from: a second submit
        /// of the same form (a double tap) finds this case instead of opening
        /// another. 0 when unknown.
        #[serde(default, skip_serializing_if = "is_zero")]
        form: u64,
        /// How it came in: the touchscreen, or entered by staff.
        #[serde(default, skip_serializing_if = "is_kiosk")]
        channel: Channel,
    },
}

fn is_kiosk(c: &Channel) -> bool {
    *c == Channel::Kiosk
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// How the citizen was answered (反馈): 口头投诉以口头答复为主，书面投诉应书面答复
/// (便民服务投诉管理办法 §六(三)2).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// 口头: in person or by telephone.
    Oral,
    /// 书面: in writing.
    Written,
}

impl Answer {
    pub fn zh(self) -> &'static str {
        match self {
            Answer::Oral => "口头答复",
            Answer::Written => "书面答复",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Answer::Oral => "oral",
            Answer::Written => "written",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Answer::Oral, Answer::Written]
            .into_iter()
            .find(|a| a.word() == text || a.zh() == text || a.zh().starts_with(text))
    }
}

/// A document printed for a case.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseDocument {
    /// The complaint receipt (投诉受理回执) the citizen takes away.
    Receipt,
    /// The written notice of an extension (延期办理告知书).
    ExtensionNotice,
}

impl CaseDocument {
    pub fn zh(self) -> &'static str {
        match self {
            CaseDocument::Receipt => "投诉受理回执",
            CaseDocument::ExtensionNotice => "延期办理告知书",
        }
    }
}

/// A deadline extended by the station manager (经领导同意后，可适当延期).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Extension {
    pub at: Timestamp,
    pub by: Actor,
    pub reason: String,
    pub working_days: u32,
    /// The deadline before and after: the callback's while the citizen has
    /// not been answered, else the rectification's.
    pub was: Deadline,
    pub now_due: Deadline,
}

/// The regulations' stages, in order (便民服务投诉管理办法 §六, §七).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 受理: taken in (a bad rating is accepted the moment it is pressed).
    Accepted,
    /// 登记: recorded, the facts gathered.
    Registered,
    /// 处理: dealt with.
    Handled,
    /// 反馈: the outcome told to the citizen (the callback).
    Answered,
    /// 存档: filed, one case one file.
    Archived,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Accepted,
        Stage::Registered,
        Stage::Handled,
        Stage::Answered,
        Stage::Archived,
    ];

    pub fn zh(self) -> &'static str {
        match self {
            Stage::Accepted => "受理",
            Stage::Registered => "登记",
            Stage::Handled => "处理",
            Stage::Answered => "反馈",
            Stage::Archived => "存档",
        }
    }

    /// The word used in commands and JSON.
    pub fn word(self) -> &'static str {
        match self {
            Stage::Accepted => "accepted",
            Stage::Registered => "registered",
            Stage::Handled => "handled",
            Stage::Answered => "answered",
            Stage::Archived => "archived",
        }
    }

    /// From the English word or the Chinese name.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|s| s.word() == text || s.zh() == text)
    }

    /// The stage after this one.
    pub fn next(self) -> Option<Self> {
        let i = Self::ALL.iter().position(|s| *s == self)?;
        Self::ALL.get(i + 1).copied()
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.zh(), self.word())
    }
}

/// One step of a case's history.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct StageEntry {
    pub stage: Stage,
    pub at: Timestamp,
    pub by: Actor,
    /// What was done or found; empty only where the stage needs no words.
    pub note: String,
    /// 反馈: how the citizen was answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
    /// The complainant disagreed with the answer: the case went back to 登记
    /// to be checked again (投诉人对处理意见不服的，须重新进行核实).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reopened: bool,
}

/// Which deadlines a case has missed, as of a day.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct Overdue {
    /// Past the callback date and the citizen has not been answered.
    pub callback: bool,
    /// Past the rectification date and the case is not archived.
    pub rectification: bool,
}

impl Overdue {
    pub fn any(self) -> bool {
        self.callback || self.rectification
    }
}

/// One case, as it stands.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Case {
    pub no: CaseNo,
    #[serde(flatten)]
    pub source: CaseSource,
    /// The business day it was opened.
    pub day: Date,
    pub window: Option<WindowNo>,
    pub staff: Option<StaffRef>,
    pub ticket: Option<TicketCode>,
    /// By when the citizen is to be contacted (反馈).
    pub callback_due: Deadline,
    /// By when the window's rectification is done and the case filed (整改).
    pub rectify_due: Deadline,
    pub history: Vec<StageEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
    /// It names the station manager: only the supervisor (纪检) handles it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub about_manager: bool,
}

impl Case {
    /// The stage reached.
    pub fn stage(&self) -> Stage {
        self.history.last().map_or(Stage::Accepted, |e| e.stage)
    }

    /// When the case was last filed (存档), if it is now.
    pub fn archived_at(&self) -> Option<Timestamp> {
        self.history
            .last()
            .filter(|e| e.stage == Stage::Archived)
            .map(|e| e.at)
    }

    pub fn is_open(&self) -> bool {
        self.stage() != Stage::Archived
    }

    /// When the case reached a stage, if it has.
    pub fn reached(&self, stage: Stage) -> Option<Timestamp> {
        self.history.iter().find(|e| e.stage == stage).map(|e| e.at)
    }

    /// The earliest deadline still to be met (none once filed).
    pub fn pending_deadline(&self) -> Option<Date> {
        let stage = self.stage();
        if stage < Stage::Answered {
            Some(self.callback_due.date.min(self.rectify_due.date))
        } else if stage < Stage::Archived {
            Some(self.rectify_due.date)
        } else {
            None
        }
    }

    /// Deadlines missed as of `today`: a deadline is kept through the whole of
    /// its day.
    pub fn overdue(&self, today: Date) -> Overdue {
        let stage = self.stage();
        Overdue {
            callback: stage < Stage::Answered && today > self.callback_due.date,
            rectification: stage < Stage::Archived && today > self.rectify_due.date,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_numbers_read_back_and_refuse_garbage() {
        let no: CaseNo = "2026-0007".parse().unwrap();
        assert_eq!(no, CaseNo { year: 2026, seq: 7 });
        assert_eq!(no.to_string(), "2026-0007");
        assert_eq!(
            "2026-12345".parse::<CaseNo>().unwrap().to_string(),
            "2026-12345"
        );
        for bad in [
            "",
            "2026",
            "2026-",
            "26-0001",
            "2026-0000",
            "x-1",
            "2026-1-1",
        ] {
            assert!(bad.parse::<CaseNo>().is_err(), "{bad}");
        }
    }

    #[test]
    fn stages_run_in_the_regulations_order() {
        let mut names = Vec::new();
        let mut stage = Some(Stage::Accepted);
        while let Some(s) = stage {
            names.push(s.zh());
            stage = s.next();
        }
        assert_eq!(names, ["受理", "登记", "处理", "反馈", "存档"]);
        assert_eq!(Stage::parse("处理"), Some(Stage::Handled));
        assert_eq!(Stage::parse("answered"), Some(Stage::Answered));
        assert_eq!(Stage::parse("done"), None);
    }
}
