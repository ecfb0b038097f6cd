//! Dockets (件): a matter accepted at a window but not finished at the
//! counter. A promised matter (承诺件) is finished by the station's office
//! by a date counted in working days from the catalog's time limit; a proxy
//! matter (代办件) is carried by the station's 代办员 to the office that
//! decides and back. Each gets a receipt (受理回执) with its number and a
//! lookup code, and moves through stages with who, when and what at each
//! (限时办结制度, 代办员制度).
//!
//! A docket outlives its day like a case: the journal keeps every step,
//! the store keeps its current state. The citizen's name and ID number on a
//! proxy commission (委托) are kept with the docket only, never journaled
//! (`Principal`).

use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::calendar::Deadline;
use crate::catalog::{StaffRef, WindowNo};
pub use crate::matter::DocketNo;
use crate::matter::MatterRef;
use crate::ticket::TicketCode;

/// Most materials one receipt lists.
pub const MAX_RECEIVED: usize = crate::matter::MAX_MATERIALS + 10;
/// Most copies of one material handed over.
pub const MAX_COPIES: u8 = 99;
/// Longest name of the office a proxy matter is carried to.
pub const MAX_OFFICE: usize = 40;

/// The four-digit lookup code (查询码) printed beside the receipt number:
/// the kiosk shows a docket only to someone who has both, so that a number
/// typed one off tells nothing about a neighbour's matter.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct LookupCode(u16);

impl LookupCode {
    /// From any 16 random bits: folded into 1000–9999.
    pub fn from_random(bits: u16) -> Self {
        LookupCode(1000 + bits % 9000)
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl TryFrom<u16> for LookupCode {
    type Error = String;
    fn try_from(n: u16) -> Result<Self, String> {
        (1000..=9999)
            .contains(&n)
            .then_some(LookupCode(n))
            .ok_or_else(|| format!("{n} is not a four-digit lookup code"))
    }
}

impl From<LookupCode> for u16 {
    fn from(c: LookupCode) -> u16 {
        c.0
    }
}

impl fmt::Display for LookupCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.0)
    }
}

/// Which kind of docket.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocketKind {
    /// 承诺件: finished by the station (or its office) by the promised date.
    Promised,
    /// 代办件: carried by the 代办员 to the office that decides, and back.
    Proxy,
}

impl DocketKind {
    pub fn zh(self) -> &'static str {
        match self {
            DocketKind::Promised => "承诺件",
            DocketKind::Proxy => "代办件",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            DocketKind::Promised => "promised",
            DocketKind::Proxy => "proxy",
        }
    }

    /// The stages that may follow `at`, in the kind's order. A promised
    /// matter: 受理 → 办理中 → 办结 or 退件 → 已领取. A proxy matter: 受理
    /// (the commission) → 送件 → 办结 or 退件 (the result back) → 已通知 →
    /// 已领取.
    pub fn next(self, at: DocketStage) -> &'static [DocketStage] {
        use DocketStage::*;
        match (self, at) {
            (DocketKind::Promised, Accepted) => &[InProgress],
            (DocketKind::Promised, InProgress) => &[Finished, Returned],
            (DocketKind::Promised, Finished | Returned) => &[Collected],
            (DocketKind::Proxy, Accepted) => &[Sent],
            (DocketKind::Proxy, Sent) => &[Finished, Returned],
            (DocketKind::Proxy, Finished | Returned) => &[Notified],
            (DocketKind::Proxy, Notified) => &[Collected],
            _ => &[],
        }
    }

    /// Every stage this kind passes through, in order (办结 and 退件 both
    /// listed: one of them is taken).
    pub fn stages(self) -> &'static [DocketStage] {
        use DocketStage::*;
        match self {
            DocketKind::Promised => &[Accepted, InProgress, Finished, Returned, Collected],
            DocketKind::Proxy => &[Accepted, Sent, Finished, Returned, Notified, Collected],
        }
    }
}

/// Where a docket stands.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocketStage {
    /// 受理: accepted at the window, the receipt printed.
    Accepted,
    /// 办理中: being worked on (a promised matter).
    InProgress,
    /// 送件: carried to the office that decides (a proxy matter).
    Sent,
    /// 办结: finished; the result is ready.
    Finished,
    /// 退件: sent back unfinished, with the reason.
    Returned,
    /// 已通知: the citizen told the result is back (a proxy matter).
    Notified,
    /// 已领取: handed over, signed for.
    Collected,
}

impl DocketStage {
    pub const ALL: [DocketStage; 7] = [
        DocketStage::Accepted,
        DocketStage::InProgress,
        DocketStage::Sent,
        DocketStage::Finished,
        DocketStage::Returned,
        DocketStage::Notified,
        DocketStage::Collected,
    ];

    pub fn zh(self) -> &'static str {
        match self {
            DocketStage::Accepted => "受理",
            DocketStage::InProgress => "办理中",
            DocketStage::Sent => "送件",
            DocketStage::Finished => "办结",
            DocketStage::Returned => "退件",
            DocketStage::Notified => "已通知",
            DocketStage::Collected => "已领取",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            DocketStage::Accepted => "accepted",
            DocketStage::InProgress => "in progress",
            DocketStage::Sent => "sent to the office",
            DocketStage::Finished => "finished, ready to collect",
            DocketStage::Returned => "returned, ready to collect",
            DocketStage::Notified => "ready to collect",
            DocketStage::Collected => "collected",
        }
    }

    /// The word used in forms, commands and JSON.
    pub fn word(self) -> &'static str {
        match self {
            DocketStage::Accepted => "accepted",
            DocketStage::InProgress => "in_progress",
            DocketStage::Sent => "sent",
            DocketStage::Finished => "finished",
            DocketStage::Returned => "returned",
            DocketStage::Notified => "notified",
            DocketStage::Collected => "collected",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|s| s.word() == text || s.zh() == text)
    }

    /// The result is back (办结 or 退件) and not yet collected.
    pub fn ready(self) -> bool {
        matches!(
            self,
            DocketStage::Finished | DocketStage::Returned | DocketStage::Notified
        )
    }

    /// A stage that records the result (办结, 退件).
    pub fn is_result(self) -> bool {
        matches!(self, DocketStage::Finished | DocketStage::Returned)
    }
}

impl fmt::Display for DocketStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.zh())
    }
}

/// How the citizen was told the result is back.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyBy {
    /// 上门: the 代办员 called at the citizen's home.
    Visit,
    /// 电话: by telephone.
    Phone,
}

impl NotifyBy {
    pub fn zh(self) -> &'static str {
        match self {
            NotifyBy::Visit => "上门告知",
            NotifyBy::Phone => "电话告知",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            NotifyBy::Visit => "visit",
            NotifyBy::Phone => "phone",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [NotifyBy::Visit, NotifyBy::Phone]
            .into_iter()
            .find(|n| n.word() == text.trim() || n.zh() == text.trim())
    }
}

/// A material handed over with the matter, and how many.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Received {
    pub name: String,
    pub count: u8,
}

/// One step of a docket's history.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct DocketStep {
    pub stage: DocketStage,
    pub at: Timestamp,
    /// The business day of `at`.
    pub at_day: Date,
    pub by: Actor,
    /// What was done, found or decided (退件: the reason).
    pub note: String,
    /// 送件: the office it was carried to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    /// 已通知: how the citizen was told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified: Option<NotifyBy>,
    /// 已领取: at which window it was handed over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowNo>,
}

/// One docket, as it stands.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Docket {
    pub no: DocketNo,
    pub code: LookupCode,
    pub kind: DocketKind,
    pub matter: MatterRef,
    /// The business day it was accepted.
    pub day: Date,
    pub window: WindowNo,
    /// Who accepted it (首问): the member signed on at the window.
    pub staff: Option<StaffRef>,
    pub ticket: Option<TicketCode>,
    pub materials: Vec<Received>,
    /// The catalog's time limit it was promised under.
    pub working_days: u16,
    pub promised: Deadline,
    /// A proxy commission's citizen is kept with the docket (not here).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub principal: bool,
    pub history: Vec<DocketStep>,
    /// The citizen's rating of the result at hand-over (1–5); `Some(0)`
    /// when the rating time ran out unrated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
}

impl Docket {
    pub fn stage(&self) -> DocketStage {
        self.history
            .last()
            .map_or(DocketStage::Accepted, |s| s.stage)
    }

    pub fn is_open(&self) -> bool {
        self.stage() != DocketStage::Collected
    }

    /// When a stage was reached, if it was.
    pub fn reached(&self, stage: DocketStage) -> Option<&DocketStep> {
        self.history.iter().find(|s| s.stage == stage)
    }

    /// The step that recorded the result (办结 or 退件), if any.
    pub fn result(&self) -> Option<&DocketStep> {
        self.history.iter().find(|s| s.stage.is_result())
    }

    /// The result is not back and the promised day is past (a deadline is
    /// kept through the whole of its day).
    pub fn overdue(&self, today: Date) -> bool {
        self.result().is_none() && today > self.promised.date
    }

    /// The office a proxy matter was carried to.
    pub fn office(&self) -> Option<&str> {
        self.reached(DocketStage::Sent)
            .and_then(|s| s.office.as_deref())
    }

    /// Materials handed over, counted.
    pub fn pieces(&self) -> u32 {
        self.materials.iter().map(|m| u32::from(m.count)).sum()
    }
}

/// Why a citizen's particulars on a commission were refused.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum PrincipalError {
    Name,
    IdNumber,
}

impl fmt::Display for PrincipalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrincipalError::Name => f.write_str(
                "委托人姓名为 2–20 个汉字或字母 The citizen's name: 2–20 characters, letters only",
            ),
            PrincipalError::IdNumber => f.write_str(
                "身份证号码应为 18 位且校验位正确 The ID number: 18 characters with a valid check digit",
            ),
        }
    }
}

/// The citizen who commissions a proxy matter (委托人): personal data, kept
/// with the docket only and masked everywhere but the docket's file.
#[derive(Clone, PartialEq, Eq)]
pub struct Principal {
    name: String,
    id_number: String,
}

impl fmt::Debug for Principal {
    /// Masked: a principal never reaches a log in full.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Principal({}, {})", self.masked_name(), self.masked_id())
    }
}

impl Principal {
    /// Checks a name (2–20 letters, `·` between parts) and a resident ID
    /// number (18 characters, GB 11643 check digit).
    pub fn new(name: &str, id_number: &str) -> Result<Self, PrincipalError> {
        let name: String = name.split_whitespace().collect::<Vec<_>>().join(" ");
        let count = name.chars().count();
        if !(2..=20).contains(&count)
            || !name
                .chars()
                .all(|c| c.is_alphabetic() || c == '·' || c == ' ')
        {
            return Err(PrincipalError::Name);
        }
        let id: String = id_number
            .trim()
            .chars()
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if !id_checks(&id) {
            return Err(PrincipalError::IdNumber);
        }
        Ok(Principal {
            name,
            id_number: id,
        })
    }

    /// In full: only for the docket's file and the commission printed for
    /// the citizen's signature.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn id_number(&self) -> &str {
        &self.id_number
    }

    /// `张*明`, `李*`: the first character and the last of three or more.
    pub fn masked_name(&self) -> String {
        let chars: Vec<char> = self.name.chars().collect();
        match chars.len() {
            0 => String::new(),
            1 | 2 => format!("{}*", chars[0]),
            n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
        }
    }

    /// `4601**********1234`: the region's first four and the last four.
    pub fn masked_id(&self) -> String {
        let id = &self.id_number;
        format!(
            "{}{}{}",
            &id[..4],
            "*".repeat(id.len() - 8),
            &id[id.len() - 4..]
        )
    }
}

/// Resident ID numbers in free text, masked as `Principal::masked_id`
/// shows them (the first four and the last four characters): eighteen
/// characters, 17 ASCII digits and a digit or `X`, with a valid check
/// digit, not glued to more digits. Everything else stays as written.
pub fn mask_id_numbers(text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i + 18 <= chars.len() {
        let window: String = chars[i..i + 18]
            .iter()
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let glued = (i > 0 && chars[i - 1].is_ascii_digit())
            || chars.get(i + 18).is_some_and(|c| c.is_ascii_alphanumeric());
        if !glued && id_checks(&window) {
            chars[i + 4..i + 14].fill('*');
            i += 18;
        } else {
            i += 1;
        }
    }
    chars.into_iter().collect()
}

/// A resident ID number's shape and check digit (GB 11643, ISO 7064
/// MOD 11-2): 17 digits and a digit or `X`.
pub fn id_checks(id: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize] == b[17]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_numbers_print_and_parse_as_typed() {
        let no = DocketNo {
            year: 2026,
            seq: 12,
        };
        assert_eq!(no.to_string(), "SL2026-00012");
        for typed in [
            "SL2026-00012",
            "sl2026-00012",
            "202600012",
            "2026-00012",
            " 2026-12 ",
        ] {
            assert_eq!(typed.parse::<DocketNo>(), Ok(no), "{typed}");
        }
        for bad in [
            "",
            "SL",
            "2026",
            "SL2026-00000",
            "1999-00001",
            "SL2026-0001x",
            "XX2026-00001",
        ] {
            assert!(bad.parse::<DocketNo>().is_err(), "{bad}");
        }
    }

    #[test]
    fn lookup_codes_are_four_digits() {
        for bits in [0, 1, 8999, 9000, u16::MAX] {
            let c = LookupCode::from_random(bits);
            assert!((1000..=9999).contains(&c.get()), "{bits}");
        }
        assert!(LookupCode::try_from(999).is_err());
        assert!(LookupCode::try_from(10_000).is_err());
    }

    #[test]
    fn each_kind_moves_through_its_own_stages_only() {
        use DocketStage::*;
        let walk = |kind: DocketKind, result: DocketStage| {
            let mut at = Accepted;
            let mut seen = vec![at];
            while let Some(&next) = kind
                .next(at)
                .iter()
                .find(|s| !s.is_result() || **s == result)
            {
                seen.push(next);
                at = next;
            }
            seen
        };
        assert_eq!(
            walk(DocketKind::Promised, Finished),
            [Accepted, InProgress, Finished, Collected]
        );
        assert_eq!(
            walk(DocketKind::Promised, Returned),
            [Accepted, InProgress, Returned, Collected]
        );
        assert_eq!(
            walk(DocketKind::Proxy, Finished),
            [Accepted, Sent, Finished, Notified, Collected]
        );
        // Nothing follows a collected docket; a promised one is never sent.
        assert!(DocketKind::Proxy.next(Collected).is_empty());
        assert!(!DocketKind::Promised.next(Accepted).contains(&Sent));
        assert!(!DocketKind::Proxy.next(Accepted).contains(&Finished));
    }

    #[test]
    fn id_numbers_need_their_check_digit() {
        // The standard's published example and one ending in X.
        assert!(id_checks("11010519491231002X"));
        assert!(id_checks("440524188001010014"));
        for bad in [
            "110105194912310021",
            "11010519491231002",
            "11010519491231002XX",
            "1101051949123100 X",
            "",
        ] {
            assert!(!id_checks(bad), "{bad}");
        }
    }

    #[test]
    fn id_numbers_in_free_text_are_masked_where_they_stand() {
        assert_eq!(
            mask_id_numbers("委托人身份证11010519491231002x，已核对"),
            "委托人身份证1101**********002x，已核对"
        );
        // A wrong check digit, a longer number, a shorter one: left alone.
        for kept in [
            "110105194912310021",
            "1101051949123100211",
            "a11010519491231002Xb",
            "11010519491231002",
        ] {
            assert_eq!(mask_id_numbers(kept), kept);
        }
    }

    #[test]
    fn a_principal_is_masked_outside_the_file() {
        let p = Principal::new(" 王 小明 ", "11010519491231002x").unwrap();
        assert_eq!(p.name(), "王 小明");
        assert_eq!(p.id_number(), "11010519491231002X");
        let q = Principal::new("王小明", "11010519491231002X").unwrap();
        assert_eq!(q.masked_name(), "王*明");
        assert_eq!(q.masked_id(), "1101**********002X");
        assert_eq!(
            Principal::new("李四", "440524188001010014")
                .unwrap()
                .masked_name(),
            "李*"
        );
        let debug = format!("{q:?}");
        assert!(
            !debug.contains("小") && !debug.contains("19491231"),
            "{debug}"
        );
        assert_eq!(
            Principal::new("王", "11010519491231002X"),
            Err(PrincipalError::Name)
        );
        assert_eq!(
            Principal::new("王小明1", "11010519491231002X"),
            Err(PrincipalError::Name)
        );
        assert_eq!(
            Principal::new("王小明", "110105194912310021"),
            Err(PrincipalError::IdNumber)
        );
    }
}
