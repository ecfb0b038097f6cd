//! Matters (事项): what a citizen comes to have done, as the station's
//! approved catalog describes it — legal basis, conditions, materials, steps,
//! promised time limit, fee, windows — and what became of one at a window.
//!
//! The catalog is read and checked by the shell (`config::matters`); here are
//! its validated types, the pinyin search the lobby guide runs on every
//! keystroke, the outcomes a window records per matter and the numbers of the
//! written one-time notices (补正材料一次性告知书). A ticket and the journal
//! name a matter by its id *and* the catalog version it was read from, with
//! its name, so that a record stays readable after the catalog changes.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::catalog::{CategoryId, WindowNo};

/// Most matters a catalog may hold (a township's full list is a few hundred).
pub const MAX_MATTERS: usize = 1_000;
/// Most materials one matter may list.
pub const MAX_MATERIALS: usize = 30;
/// Longest matter name, in characters (the ticket prints it on one line at
/// double size or two at normal size).
pub const MAX_NAME: usize = 40;
/// Longest material name, in characters.
pub const MAX_MATERIAL: usize = 60;
/// Longest paragraph (a basis, condition, step, note, question or answer).
pub const MAX_PARAGRAPH: usize = 300;
/// Most working days a promised time limit may be.
pub const MAX_WORKING_DAYS: u16 = 365;

/// A matter's id in the catalog: lower-case ASCII letters, digits and `-`,
/// 1–32 characters (`pension-enrol`). Stable across catalog versions.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MatterId(String);

impl MatterId {
    pub const MAX: usize = 32;
    /// The id kept for what a citizen asks that is not in the catalog: its
    /// record names the question in the matter's place (首问).
    pub const OTHER: &'static str = "other";

    pub fn other() -> Self {
        MatterId(Self::OTHER.to_string())
    }

    pub fn is_other(&self) -> bool {
        self.0 == Self::OTHER
    }

    pub fn parse(text: &str) -> Option<Self> {
        let ok = !text.is_empty()
            && text.len() <= Self::MAX
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !text.starts_with('-');
        ok.then(|| MatterId(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MatterId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        MatterId::parse(&s).ok_or_else(|| format!("`{s}` is not a matter id"))
    }
}

impl From<MatterId> for String {
    fn from(id: MatterId) -> String {
        id.0
    }
}

impl fmt::Display for MatterId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A matter as a record names it: its id, the catalog version it was read
/// from, and its name then (so the record reads the same after the catalog
/// changes).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct MatterRef {
    pub id: MatterId,
    pub version: u32,
    pub zh: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl MatterRef {
    /// What a citizen asked that is not in the catalog (catalog `version`
    /// in force), named by the question as staff wrote it down.
    pub fn other(version: u32, asked: &str) -> Self {
        MatterRef {
            id: MatterId::other(),
            version,
            zh: asked.to_string(),
            en: None,
        }
    }

    /// The name in the language shown; the Chinese where there is no English.
    pub fn name(&self, english: bool) -> &str {
        match (&self.en, english) {
            (Some(en), true) => en,
            _ => &self.zh,
        }
    }
}

impl fmt::Display for MatterRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} v{})", self.zh, self.id, self.version)
    }
}

/// Text in Chinese with an optional English version.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct Text {
    pub zh: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Text {
    pub fn zh(zh: &str) -> Self {
        Text {
            zh: zh.to_string(),
            en: None,
        }
    }

    /// The text in the language shown; the Chinese where there is no English.
    pub fn shown(&self, english: bool) -> &str {
        match (&self.en, english) {
            (Some(en), true) => en,
            _ => &self.zh,
        }
    }
}

/// The promised time limit (承诺时限).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeLimit {
    /// 即办: done at the counter.
    Immediate,
    /// Done within this many working days, counted from the day after the
    /// materials are complete (限时办结制度 第四条).
    WorkingDays(u16),
}

impl TimeLimit {
    pub fn zh(self) -> String {
        match self {
            TimeLimit::Immediate => "即办".to_string(),
            TimeLimit::WorkingDays(n) => format!("{n} 个工作日"),
        }
    }

    pub fn en(self) -> String {
        match self {
            TimeLimit::Immediate => "done at the counter".to_string(),
            TimeLimit::WorkingDays(1) => "1 working day".to_string(),
            TimeLimit::WorkingDays(n) => format!("{n} working days"),
        }
    }
}

/// What the matter costs. Free unless stated; a charge always names its
/// basis (收费依据).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fee {
    Free,
    Charged { amount: String, basis: String },
}

impl Fee {
    pub fn zh(&self) -> String {
        match self {
            Fee::Free => "不收费".to_string(),
            Fee::Charged { amount, .. } => amount.clone(),
        }
    }

    pub fn en(&self) -> String {
        match self {
            Fee::Free => "free".to_string(),
            Fee::Charged { amount, .. } => amount.clone(),
        }
    }
}

/// Whether a material is wanted as the original, a copy, or both.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    Original,
    Copy,
    Both,
}

impl Form {
    pub fn zh(self) -> &'static str {
        match self {
            Form::Original => "原件",
            Form::Copy => "复印件",
            Form::Both => "原件及复印件",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Form::Original => "original",
            Form::Copy => "copy",
            Form::Both => "original and copy",
        }
    }
}

/// One material a matter needs.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Material {
    pub name: Text,
    pub form: Form,
    /// Copies wanted (of the copy, where a copy is wanted); at least 1.
    pub copies: u8,
    pub note: Option<Text>,
    /// The station can make the copy on the spot (free).
    pub station_copies: bool,
}

impl Material {
    /// `原件及复印件 2 份` / `original and copy ×2`.
    pub fn form_zh(&self) -> String {
        format!("{} {} 份", self.form.zh(), self.copies)
    }

    pub fn form_en(&self) -> String {
        format!("{} ×{}", self.form.en(), self.copies)
    }
}

/// A common question with its answer.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Question {
    pub question: Text,
    pub answer: Text,
}

/// One matter of the catalog, validated.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Matter {
    pub id: MatterId,
    pub name: Text,
    pub category: CategoryId,
    /// The legal basis (办理依据), one law or rule a line.
    pub basis: Vec<String>,
    pub conditions: Vec<Text>,
    pub materials: Vec<Material>,
    pub steps: Vec<Text>,
    pub limit: TimeLimit,
    pub fee: Fee,
    /// The windows that handle it (the category's when the catalog names none).
    pub windows: Vec<WindowNo>,
    /// The station's 代办员 can carry it to the office that decides.
    pub proxy: bool,
    /// The citizen must come in person (no one may come for them).
    pub in_person: bool,
    pub questions: Vec<Question>,
    /// The name's pinyin, one syllable each (`yang lao bao xian`), for the
    /// search.
    pub pinyin: Vec<String>,
}

impl Matter {
    /// How records name it.
    pub fn reference(&self, version: u32) -> MatterRef {
        MatterRef {
            id: self.id.clone(),
            version,
            zh: self.name.zh.clone(),
            en: self.name.en.clone(),
        }
    }
}

/// A version of the station's matter catalog.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Matters {
    /// 0 for the built-in sample; then 1, 2, … as staff install versions.
    pub version: u32,
    /// The built-in sample, to be replaced by the station's approved list.
    pub sample: bool,
    /// Working days a citizen has to bring what a written notice asks for.
    pub return_days: u32,
    pub matters: Vec<Matter>,
}

impl Matters {
    pub fn get(&self, id: &MatterId) -> Option<&Matter> {
        self.matters.iter().find(|m| &m.id == id)
    }

    pub fn in_category(&self, category: CategoryId) -> impl Iterator<Item = &Matter> {
        self.matters.iter().filter(move |m| m.category == category)
    }

    /// The matters whose name the typed letters spell (pinyin initials,
    /// syllables, or a mix: `ylbx`, `yanglao`, `yanglbx`), or whose English
    /// name or id contains them; those matching from the name's start first,
    /// each group in catalog order. Empty letters match nothing.
    pub fn search(&self, letters: &str) -> Vec<&Matter> {
        let query: String = letters
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if query.is_empty() {
            return Vec::new();
        }
        let mut first = Vec::new();
        let mut rest = Vec::new();
        for m in &self.matters {
            match spells(&m.pinyin, &query) {
                Some(0) => first.push(m),
                Some(_) => rest.push(m),
                None => {
                    let en = m.name.en.as_deref().unwrap_or("").to_ascii_lowercase();
                    let en: String = en.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
                    if en.contains(&query) || m.id.as_str().replace('-', "").contains(&query) {
                        rest.push(m);
                    }
                }
            }
        }
        first.extend(rest);
        first
    }
}

/// Where in `syllables` the query starts to spell consecutive syllables,
/// each by a prefix of itself (at least its first letter); the earliest such
/// start. `ylbx`, `yanglao` and `ylaob` all spell `yang lao bao xian` from 0.
pub fn spells(syllables: &[String], query: &str) -> Option<usize> {
    let q = query.as_bytes();
    if q.is_empty() {
        return None;
    }
    for start in 0..syllables.len() {
        // The positions in the query reached after each syllable.
        let mut reached = vec![0usize];
        for s in &syllables[start..] {
            let s = s.as_bytes();
            let mut next = Vec::new();
            for &j in &reached {
                for k in 1..=s.len().min(q.len() - j) {
                    if q[j..j + k] != s[..k] {
                        break;
                    }
                    if j + k == q.len() {
                        return Some(start);
                    }
                    if !next.contains(&(j + k)) {
                        next.push(j + k);
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            reached = next;
        }
    }
    None
}

/// A written one-time notice's number: `BZ` (补正), the day, and its place
/// that day — `BZ20261203-002`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
pub struct NoticeNo {
    pub day: Date,
    pub seq: u16,
}

impl fmt::Display for NoticeNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "BZ{:04}{:02}{:02}-{:03}",
            self.day.year(),
            self.day.month(),
            self.day.day(),
            self.seq
        )
    }
}

impl NoticeNo {
    pub fn parse(text: &str) -> Option<Self> {
        let rest = text.trim().strip_prefix("BZ")?;
        let (day, seq) = rest.split_once('-')?;
        if day.len() != 8 || !day.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let y: i16 = day[..4].parse().ok()?;
        let m: i8 = day[4..6].parse().ok()?;
        let d: i8 = day[6..].parse().ok()?;
        let seq: u16 = seq.parse().ok()?;
        (seq > 0).then_some(())?;
        Some(NoticeNo {
            day: Date::new(y, m, d).ok()?,
            seq,
        })
    }
}

/// A receipt number, `SL2026-00012` (受理): the year and the place in that
/// year's sequence. Never reused. Typed at the kiosk as its digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DocketNo {
    pub year: i16,
    pub seq: u32,
}

impl fmt::Display for DocketNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SL{}-{:05}", self.year, self.seq)
    }
}

impl FromStr for DocketNo {
    type Err = String;
    /// `SL2026-00012`, any case, with or without the letters and the dash
    /// (`202600012`, as typed on a keypad).
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a receipt number such as SL2026-00012");
        let t = text.trim();
        let t = t
            .strip_prefix("SL")
            .or_else(|| t.strip_prefix("sl"))
            .unwrap_or(t);
        let digits: String = t.chars().filter(|c| *c != '-').collect();
        if digits.len() < 5 || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i16 = digits[..4].parse().map_err(|_| bad())?;
        let seq: u32 = digits[4..].parse().map_err(|_| bad())?;
        if !(2000..=9999).contains(&year) || seq == 0 {
            return Err(bad());
        }
        Ok(DocketNo { year, seq })
    }
}

impl TryFrom<String> for DocketNo {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
    }
}

impl From<DocketNo> for String {
    fn from(no: DocketNo) -> String {
        no.to_string()
    }
}

/// What became of a matter at the window.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// 即办结: done at the counter.
    Done,
    /// 补正告知: materials missing; the written notice given.
    Notice { notice: NoticeNo },
    /// 受理: accepted, to be finished by the promised date; the receipt's
    /// number (none on records from before receipts).
    Accepted {
        promised: Date,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        receipt: Option<DocketNo>,
    },
    /// 转代办: commissioned to the 代办员, with the receipt's number.
    Proxy {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        receipt: Option<DocketNo>,
    },
    /// 转介: referred to another window or office (首问: to whom).
    Referred { to: String },
    /// 不予受理, with the reason told to the citizen.
    Refused { reason: String },
    /// 咨询: the citizen only asked.
    Consult,
}

impl Outcome {
    /// Every outcome's word (forms, exports) in report order.
    pub const WORDS: [&'static str; 7] = [
        "done", "notice", "accepted", "proxy", "referred", "refused", "consult",
    ];

    pub fn word(&self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Notice { .. } => "notice",
            Outcome::Accepted { .. } => "accepted",
            Outcome::Proxy { .. } => "proxy",
            Outcome::Referred { .. } => "referred",
            Outcome::Refused { .. } => "refused",
            Outcome::Consult => "consult",
        }
    }

    /// The Chinese label of an outcome's word.
    pub fn zh_of(word: &str) -> &'static str {
        match word {
            "done" => "即办结",
            "notice" => "补正告知",
            "accepted" => "受理",
            "proxy" => "转代办",
            "referred" => "转介",
            "refused" => "不予受理",
            "consult" => "咨询",
            _ => "其他",
        }
    }

    pub fn zh(&self) -> &'static str {
        Outcome::zh_of(self.word())
    }

    /// The citizen must come again (a 补正 notice).
    pub fn second_trip(&self) -> bool {
        matches!(self, Outcome::Notice { .. })
    }

    /// The receipt a docket was opened with, if any.
    pub fn receipt(&self) -> Option<DocketNo> {
        match self {
            Outcome::Accepted { receipt, .. } | Outcome::Proxy { receipt } => *receipt,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syl(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn initials_syllables_and_mixes_spell_a_name() {
        let name = syl("cheng xiang ju min yang lao bao xian");
        for (query, start) in [
            ("ylbx", Some(4)),
            ("yanglao", Some(4)),
            ("yanglbx", Some(4)),
            ("cxjm", Some(0)),
            ("chengxiang", Some(0)),
            ("chxiangjmylbx", Some(0)),
            ("x", Some(1)),
            ("bx", Some(6)),
            ("xy", None),
            ("ylbxa", None),
            ("yangg", None),
            ("", None),
        ] {
            assert_eq!(spells(&name, query), start, "{query}");
        }
    }

    #[test]
    fn a_syllable_is_never_skipped_or_split_out_of_order() {
        let name = syl("yang lao bao xian");
        // `lbx` starts at lao; `ybx` would need to skip lao.
        assert_eq!(spells(&name, "lbx"), Some(1));
        assert_eq!(spells(&name, "ybx"), None);
        // Letters of one syllable taken beyond it are refused.
        assert_eq!(spells(&name, "yangl"), Some(0));
        assert_eq!(spells(&name, "yanglaob"), Some(0));
        assert_eq!(spells(&name, "yanglaox"), None);
        assert_eq!(spells(&name, "yanglaoxx"), None);
    }

    #[test]
    fn notice_numbers_print_and_parse() {
        let n = NoticeNo {
            day: jiff::civil::date(2026, 12, 3),
            seq: 2,
        };
        assert_eq!(n.to_string(), "BZ20261203-002");
        assert_eq!(NoticeNo::parse("BZ20261203-002"), Some(n));
        for bad in [
            "",
            "BZ2026123-002",
            "BZ20261303-001",
            "BZ20261203-000",
            "ZB20261203-001",
            "BZ20261203-x",
        ] {
            assert_eq!(NoticeNo::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn matter_ids_are_plain() {
        assert!(MatterId::parse("pension-enrol").is_some());
        assert!(MatterId::parse("a1").is_some());
        for bad in ["", "-a", "Pension", "养老", "a b", &"a".repeat(33)] {
            assert!(MatterId::parse(bad).is_none(), "{bad}");
        }
    }
}
