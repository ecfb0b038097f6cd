//! The kiosk's receipt lookup (查询回执): a citizen types a receipt's number
//! and its four-digit lookup code on the big keypad, or holds the receipt's
//! QR code to the scanner (which types `SL2026-00012/4821` and Enter), and
//! sees where the matter stands: its stage, the promised date, where to
//! collect it. Never a name.
//!
//! The entry is plain state (this module), the answer is the station's
//! (`app::core`), and every wrong number or code gets the same answer, so
//! that a number typed one off tells nothing about a neighbour's matter.
//! Repeated misses make the lookup wait (`Throttle`): four digits are not
//! guessed by hand.

use jiff::{SignedDuration, Timestamp};

use crate::domain::{Docket, DocketNo, DocketStage};

/// Most digits of a receipt number (`202600012`: year and sequence).
const NUMBER_DIGITS: usize = 12;
const CODE_DIGITS: usize = 4;

/// Which field the keypad types into.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Field {
    #[default]
    Number,
    Code,
}

/// The lookup's entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    pub number: String,
    pub code: String,
    pub field: Field,
}

/// A lookup asked for: the number and code as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub number: String,
    pub code: String,
}

impl Entry {
    /// One key: a digit, `back`, `clear`, `number` or `code` (a field
    /// touched), `ok`; or text a scanner typed — its letters and dashes are
    /// skipped, `/` moves to the code, a line end asks. Returns the query
    /// when asked and both fields hold something.
    pub fn key(&mut self, key: &str) -> Option<Query> {
        match key {
            "back" => {
                self.field_mut().pop();
            }
            "clear" => *self = Entry::default(),
            "number" => self.field = Field::Number,
            "code" => self.field = Field::Code,
            "ok" => return self.query(),
            typed => {
                for c in typed.chars() {
                    match c {
                        '0'..='9' => {
                            let max = match self.field {
                                Field::Number => NUMBER_DIGITS,
                                Field::Code => CODE_DIGITS,
                            };
                            let field = self.field_mut();
                            if field.len() < max {
                                field.push(c);
                            }
                            // The code's last digit: nothing left to type.
                        }
                        '/' => self.field = Field::Code,
                        '\n' | '\r' => return self.query(),
                        _ => {}
                    }
                }
            }
        }
        None
    }

    fn field_mut(&mut self) -> &mut String {
        match self.field {
            Field::Number => &mut self.number,
            Field::Code => &mut self.code,
        }
    }

    fn query(&mut self) -> Option<Query> {
        if self.number.is_empty() {
            self.field = Field::Number;
            return None;
        }
        if self.code.len() < CODE_DIGITS {
            self.field = Field::Code;
            return None;
        }
        Some(Query {
            number: self.number.clone(),
            code: self.code.clone(),
        })
    }
}

/// What the screen shows for a lookup.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Answer {
    pub found: bool,
    pub lines: Vec<String>,
}

/// The one answer to every miss.
pub fn not_found() -> Answer {
    Answer {
        found: false,
        lines: vec![
            "没有找到这张回执，请核对回执号和查询码".into(),
            "No such receipt: check the number and the code".into(),
            "也可以到窗口询问 · or ask at a window".into(),
        ],
    }
}

/// The answer while lookups wait after repeated misses.
pub fn waiting(minutes: i64) -> Answer {
    Answer {
        found: false,
        lines: vec![
            format!("查询次数过多，请 {minutes} 分钟后再试，或到窗口询问"),
            format!("Too many tries: try again in {minutes} min, or ask at a window"),
        ],
    }
}

/// Whether a query finds `docket`: the number and the code both match.
pub fn matches(query: &Query, docket: &Docket) -> bool {
    query.number.parse::<DocketNo>().ok() == Some(docket.no)
        && query.code.parse::<u16>().ok() == Some(docket.code.get())
}

/// Where a docket stands, for the citizen: no names, no staff notes.
pub fn found(d: &Docket) -> Answer {
    let stage = d.stage();
    let mut lines = vec![
        format!("回执号 {} · Receipt", d.no),
        format!("办理事项：{}", d.matter.zh),
        format!("当前进度：{} · {}", stage.zh(), stage.en()),
    ];
    match stage {
        DocketStage::Collected => {
            let day = d.reached(DocketStage::Collected).map(|s| s.at_day);
            lines.push(format!(
                "已于 {} 领取 · Collected",
                day.map(|d| d.to_string()).unwrap_or_default()
            ));
        }
        DocketStage::Returned => lines.push(format!(
            "已退件，请带回执到 {} 号窗口取回材料、了解原因 · Returned: see window {}",
            d.window, d.window
        )),
        s if s.ready() => lines.push(format!(
            "已办结，请带回执到 {} 号窗口领取 · Ready at window {}",
            d.window, d.window
        )),
        _ => lines.push(format!(
            "承诺办结：{}{} · Ready by {}",
            d.promised.date,
            if d.promised.provisional {
                "（暂定）"
            } else {
                ""
            },
            d.promised.date
        )),
    }
    Answer { found: true, lines }
}

/// Misses in a row make the lookup wait: after `LIMIT` within `SPAN`,
/// nothing is looked up for `PAUSE`.
#[derive(Clone, Debug, Default)]
pub struct Throttle {
    misses: Vec<Timestamp>,
    until: Option<Timestamp>,
}

impl Throttle {
    const LIMIT: usize = 5;
    const SPAN: SignedDuration = SignedDuration::from_mins(10);
    /// Long enough that trying codes by hand takes days, short enough that
    /// the next citizen after someone who kept mistyping hardly waits.
    const PAUSE: SignedDuration = SignedDuration::from_mins(2);

    /// Minutes left to wait, if lookups wait now.
    pub fn waiting(&self, now: Timestamp) -> Option<i64> {
        let until = self.until.filter(|u| *u > now)?;
        Some((until.duration_since(now).as_secs() + 59) / 60)
    }

    pub fn miss(&mut self, now: Timestamp) {
        self.misses.retain(|t| now.duration_since(*t) < Self::SPAN);
        self.misses.push(now);
        if self.misses.len() >= Self::LIMIT {
            self.until = now.checked_add(Self::PAUSE).ok();
            self.misses.clear();
        }
    }

    pub fn hit(&mut self) {
        self.misses.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        Actor, Deadline, DocketKind, DocketStep, LookupCode, MatterId, MatterRef, WindowNo,
    };

    fn docket(stage: DocketStage) -> Docket {
        let at: Timestamp = "2026-12-01T02:00:00Z".parse().unwrap();
        let step = |stage| DocketStep {
            stage,
            at,
            at_day: "2026-12-01".parse().unwrap(),
            by: Actor::Staff { id: "0101".into() },
            note: "王小明的材料".into(),
            office: None,
            notified: None,
            window: None,
        };
        let mut history = vec![step(DocketStage::Accepted)];
        if stage != DocketStage::Accepted {
            history.push(step(stage));
        }
        Docket {
            no: "SL2026-00012".parse().unwrap(),
            code: LookupCode::try_from(4821).unwrap(),
            kind: DocketKind::Promised,
            matter: MatterRef {
                id: MatterId::parse("elderly-allowance").unwrap(),
                version: 1,
                zh: "高龄津贴申请".into(),
                en: None,
            },
            day: "2026-12-01".parse().unwrap(),
            window: WindowNo::new(2).unwrap(),
            staff: None,
            ticket: None,
            materials: Vec::new(),
            working_days: 5,
            promised: Deadline {
                date: "2026-12-08".parse().unwrap(),
                provisional: false,
            },
            principal: true,
            history,
            rating: None,
        }
    }

    #[test]
    fn a_scanned_receipt_fills_both_fields_and_asks() {
        let mut e = Entry::default();
        assert_eq!(
            e.key("SL2026-00012/4821\n"),
            Some(Query {
                number: "202600012".into(),
                code: "4821".into()
            })
        );
        assert!(matches(&e.query().unwrap(), &docket(DocketStage::Accepted)));
    }

    #[test]
    fn typed_by_hand_with_mistakes_mended() {
        let mut e = Entry::default();
        for k in ["2", "0", "2", "6", "0", "0", "0", "1", "3", "back", "2"] {
            assert_eq!(e.key(k), None);
        }
        // Asking without a code moves to the code.
        assert_eq!(e.key("ok"), None);
        assert_eq!(e.field, Field::Code);
        for k in ["4", "8", "2", "1", "9"] {
            e.key(k);
        }
        assert_eq!(e.code, "4821", "a fifth digit is not taken");
        let q = e.key("ok").unwrap();
        assert!(matches(&q, &docket(DocketStage::Finished)));
        e.key("clear");
        assert_eq!(e, Entry::default());
    }

    #[test]
    fn a_neighbour_or_a_wrong_code_gets_the_same_answer_as_nothing() {
        let d = docket(DocketStage::Finished);
        for (number, code) in [
            ("202600013", "4821"),
            ("202600012", "4822"),
            ("2026", "4821"),
        ] {
            let q = Query {
                number: number.into(),
                code: code.into(),
            };
            assert!(!matches(&q, &d), "{number} {code}");
        }
        // The answer to a miss names nothing.
        let miss = not_found();
        assert!(!miss.found);
        assert!(!miss.lines.iter().any(|l| l.contains("SL2026")));
    }

    #[test]
    fn the_answer_says_the_stage_and_where_to_collect_but_no_names() {
        let open = found(&docket(DocketStage::InProgress));
        assert!(
            open.lines.iter().any(|l| l.contains("2026-12-08")),
            "{open:?}"
        );
        let ready = found(&docket(DocketStage::Finished));
        assert!(
            ready.lines.iter().any(|l| l.contains("2 号窗口领取")),
            "{ready:?}"
        );
        for answer in [open, ready, found(&docket(DocketStage::Returned))] {
            assert!(!answer.lines.iter().any(|l| l.contains("王小明")));
        }
    }

    #[test]
    fn misses_in_a_row_make_the_lookup_wait() {
        let t0: Timestamp = "2026-12-01T02:00:00Z".parse().unwrap();
        let at = |mins: i64| t0.checked_add(SignedDuration::from_mins(mins)).unwrap();
        let mut t = Throttle::default();
        for i in 0..4 {
            t.miss(at(i));
            assert_eq!(t.waiting(at(i)), None);
        }
        t.hit();
        for i in 0..4 {
            t.miss(at(10 + i));
        }
        assert_eq!(t.waiting(at(13)), None, "a hit started the count again");
        t.miss(at(14));
        assert_eq!(t.waiting(at(14)), Some(2));
        assert_eq!(t.waiting(at(15) + SignedDuration::from_secs(30)), Some(1));
        assert_eq!(t.waiting(at(16)), None);
    }
}
