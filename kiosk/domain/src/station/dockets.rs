//! Dockets at the station: a matter accepted with a receipt (承诺件) or
//! commissioned to the 代办员 (代办件), its stages through to hand-over, the
//! citizen's rating of the result on the window's evaluator, receipts printed
//! again, and a commission's particulars forgotten after their retention.

use jiff::civil::Date;

use super::{Actor, Command, Effect, Fact, Record, Rejection, Scratch, Station};
use crate::case::{CaseNo, CaseSource};
use crate::catalog::WindowNo;
use crate::complaint::{MAX_NOTE, private_text};
use crate::docket::{
    Docket, DocketKind, DocketNo, DocketStage, DocketStep, MAX_COPIES, MAX_OFFICE, MAX_RECEIVED,
    Received,
};
use crate::matter::{MAX_MATERIAL, MAX_WORKING_DAYS, Outcome};

/// A document printed for a docket.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocketDocument {
    /// 受理回执: the receipt the citizen takes away.
    Receipt,
    /// 代办委托书: the commission the citizen signs.
    Commission,
}

impl DocketDocument {
    pub fn zh(self) -> &'static str {
        match self {
            DocketDocument::Receipt => "受理回执",
            DocketDocument::Commission => "代办委托书",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            DocketDocument::Receipt => "receipt",
            DocketDocument::Commission => "commission",
        }
    }
}

impl Station {
    /// Applies a fact about a docket.
    pub(super) fn apply_docket(&mut self, record: &Record) {
        match &record.fact {
            Fact::DocketOpened { docket, .. } => {
                let top = self.docket_seq.entry(docket.year).or_default();
                *top = (*top).max(docket.seq);
                if !self.dockets.contains_key(docket)
                    && let Some(opened) = Docket::opened(record)
                {
                    self.dockets.insert(*docket, opened);
                }
            }
            Fact::DocketAdvanced { docket, .. } => {
                if let Some(d) = self.dockets.get_mut(docket) {
                    d.apply(record);
                }
            }
            Fact::DocketRatingArmed {
                docket,
                window,
                until,
            } => {
                if let Some(w) = self.windows.get_mut(window) {
                    w.armed_docket = Some((*docket, *until));
                }
            }
            Fact::DocketRated { docket, window, .. } => {
                if let Some(w) = self.windows.get_mut(window)
                    && w.armed_docket.is_some_and(|(d, _)| d == *docket)
                {
                    w.armed_docket = None;
                }
                if let Some(d) = self.dockets.get_mut(docket) {
                    d.apply(record);
                }
            }
            _ => {}
        }
    }

    /// A docket the station holds: open, or collected today.
    pub fn docket(&self, no: DocketNo) -> Option<&Docket> {
        self.dockets.get(&no)
    }

    /// Seeds the dockets still open (and the numbers given) from the store.
    pub fn seed_dockets(
        &mut self,
        open: impl IntoIterator<Item = Docket>,
        numbers: impl IntoIterator<Item = (i16, u32)>,
    ) {
        for d in open {
            self.dockets.insert(d.no, d);
        }
        for (year, seq) in numbers {
            let top = self.docket_seq.entry(year).or_default();
            *top = (*top).max(seq);
        }
    }

    /// Drops dockets collected before `today` (the store keeps them).
    pub(super) fn prune_dockets(&mut self, today: Date) {
        self.dockets
            .retain(|_, d| d.is_open() || d.history.last().is_none_or(|s| s.at_day >= today));
    }
}

impl Scratch {
    /// Decides a command about a docket.
    pub(super) fn decide_docket(&mut self, command: &Command) -> Result<(), Rejection> {
        match command {
            Command::AcceptMatter {
                window,
                ticket,
                matter,
                working_days,
                materials,
                principal,
                code,
            } => {
                let ticket = self.visit(*window, *ticket)?;
                if matter.id.is_other() {
                    return Err(Rejection::NotInCatalog);
                }
                if *working_days == 0 {
                    return Err(Rejection::ImmediateMatter(matter.zh.clone()));
                }
                if *working_days > MAX_WORKING_DAYS {
                    return Err(Rejection::TimeLimit(*working_days));
                }
                let materials = received(materials)?;
                self.once(ticket, matter)?;
                let today = self.station.business_day(self.now);
                let docket = DocketNo {
                    year: today.year(),
                    seq: self
                        .station
                        .docket_seq
                        .get(&today.year())
                        .copied()
                        .unwrap_or(0)
                        + 1,
                };
                let promised = self
                    .station
                    .calendar
                    .add_working_days(today, u32::from(*working_days));
                let kind = if principal.is_some() {
                    DocketKind::Proxy
                } else {
                    DocketKind::Promised
                };
                self.record(Fact::DocketOpened {
                    docket,
                    code: *code,
                    kind,
                    ticket,
                    window: *window,
                    matter: matter.clone(),
                    // Who is on post there; else whoever recorded it.
                    staff: self
                        .station
                        .staff_at(*window)
                        .or_else(|| match &self.actor {
                            Actor::Staff { id } => Some(crate::catalog::StaffRef {
                                name: String::new(),
                                number: id.clone(),
                            }),
                            _ => None,
                        }),
                    materials,
                    working_days: *working_days,
                    promised,
                    principal: principal.is_some(),
                });
                let outcome = match kind {
                    DocketKind::Promised => Outcome::Accepted {
                        promised: promised.date,
                        receipt: Some(docket),
                    },
                    DocketKind::Proxy => Outcome::Proxy {
                        receipt: Some(docket),
                    },
                };
                self.record(Fact::MatterHandled {
                    ticket,
                    window: *window,
                    matter: matter.clone(),
                    outcome,
                });
                if let Some(p) = principal {
                    self.decision.principals.push((docket, p.clone()));
                }
                let opened = self.station.dockets.get(&docket).cloned();
                if let Some(d) = opened {
                    self.effect(Effect::PrintDocket {
                        docket: Box::new(d.clone()),
                        document: DocketDocument::Receipt,
                        principal: None,
                        again: false,
                    });
                    if let Some(p) = principal {
                        self.effect(Effect::PrintDocket {
                            docket: Box::new(d),
                            document: DocketDocument::Commission,
                            principal: Some(p.clone()),
                            again: false,
                        });
                    }
                }
                Ok(())
            }
            Command::AdvanceDocket {
                docket,
                stage,
                note,
                office,
                notified,
                window,
                signed,
            } => {
                let d = self
                    .station
                    .dockets
                    .get(docket)
                    .filter(|d| d.is_open())
                    .ok_or(Rejection::UnknownDocket(*docket))?;
                let at = d.stage();
                if stage.is_result()
                    && let Some(result) = d.result()
                {
                    return Err(Rejection::ResultTwice {
                        docket: *docket,
                        result: result.stage,
                        on: result.at_day,
                    });
                }
                let next = d.kind.next(at);
                if !next.contains(stage) {
                    return Err(Rejection::DocketStageOrder {
                        docket: *docket,
                        at,
                        next: next.iter().map(|s| s.zh()).collect::<Vec<_>>().join(" / "),
                    });
                }
                let note = private_text(note, MAX_NOTE);
                let office = office
                    .as_deref()
                    .map(|o| private_text(o, MAX_OFFICE))
                    .filter(|o| !o.is_empty());
                let mut window_at = None;
                match stage {
                    DocketStage::Returned if note.is_empty() => {
                        return Err(Rejection::ReturnReason(*docket));
                    }
                    DocketStage::Sent if office.is_none() => {
                        return Err(Rejection::OfficeNeeded(*docket));
                    }
                    DocketStage::Notified if notified.is_none() => {
                        return Err(Rejection::NotifyHow(*docket));
                    }
                    DocketStage::Collected => {
                        if !signed {
                            return Err(Rejection::SignatureNeeded(*docket));
                        }
                        let w = window.ok_or(Rejection::HandOverWindow(*docket))?;
                        self.window(w)?;
                        window_at = Some(w);
                    }
                    _ => {}
                }
                let step = u16::try_from(d.history.len()).unwrap_or(u16::MAX);
                self.record(Fact::DocketAdvanced {
                    docket: *docket,
                    step,
                    stage: *stage,
                    note,
                    office: office.filter(|_| *stage == DocketStage::Sent),
                    notified: notified.filter(|_| *stage == DocketStage::Notified),
                    window: window_at,
                });
                if let Some(w) = window_at {
                    // The citizen rates the result on the window's evaluator.
                    let seconds = i64::from(self.station.settings.rating_seconds);
                    let until = self
                        .now
                        .checked_add(jiff::SignedDuration::from_secs(seconds))
                        .unwrap_or(self.now);
                    self.record(Fact::DocketRatingArmed {
                        docket: *docket,
                        window: w,
                        until,
                    });
                }
                Ok(())
            }
            Command::ReprintDocket {
                docket,
                document,
                principal,
            } => {
                let d = self
                    .station
                    .dockets
                    .get(docket)
                    .cloned()
                    .ok_or(Rejection::UnknownDocket(*docket))?;
                if *document == DocketDocument::Commission && principal.is_none() {
                    return Err(Rejection::NoCommission(*docket));
                }
                self.record(Fact::DocketReprinted {
                    docket: *docket,
                    document: *document,
                });
                self.effect(Effect::PrintDocket {
                    docket: Box::new(d),
                    document: *document,
                    principal: principal.clone(),
                    again: true,
                });
                Ok(())
            }
            Command::ForgetPrincipals { dockets } => {
                for docket in dockets {
                    self.record(Fact::PrincipalDeleted { docket: *docket });
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// A key pressed while a window waits for the rating of a result handed
    /// over: the first key wins. A bad rating opens a case like a ticket's.
    /// Returns false when no result waits for a rating there.
    pub(super) fn rate_docket(&mut self, window: WindowNo, level: u8) -> bool {
        let Some((docket, _)) = self
            .station
            .windows
            .get(&window)
            .and_then(|w| w.armed_docket)
        else {
            return false;
        };
        self.record(Fact::DocketRated {
            docket,
            window,
            level: Some(level),
        });
        self.effect(Effect::Thank { window, level });
        if level <= super::BAD_RATING_MAX {
            let case = self.open_result_case(docket, window, level);
            self.effect(Effect::Notify(super::Notice::BadResult {
                docket,
                window,
                level,
                case,
            }));
        }
        true
    }

    /// Rating times for results that ran out (or every one, at a restart):
    /// the result goes unrated, once.
    pub(super) fn expire_docket_ratings(&mut self, all: bool) {
        let expired: Vec<(WindowNo, DocketNo)> = self
            .station
            .windows
            .iter()
            .filter_map(|(no, w)| match w.armed_docket {
                Some((docket, until)) if all || until <= self.now => Some((*no, docket)),
                _ => None,
            })
            .collect();
        for (window, docket) in expired {
            self.record_as(
                Actor::System,
                Fact::DocketRated {
                    docket,
                    window,
                    level: None,
                },
            );
        }
    }

    fn open_result_case(&mut self, docket: DocketNo, window: WindowNo, level: u8) -> CaseNo {
        let day = self.case_day();
        let case = self.next_case_no(day);
        let settings = &self.station.settings;
        let calendar = &self.station.calendar;
        let staff = self
            .station
            .dockets
            .get(&docket)
            .and_then(|d| d.staff.clone())
            .or_else(|| self.station.staff_at(window));
        let fact = Fact::CaseOpened {
            case,
            source: CaseSource::Rating { level },
            window: Some(window),
            staff,
            ticket: None,
            callback_due: calendar.add_working_days(day, settings.callback_days),
            rectify_due: calendar.add_working_days(day, settings.rectify_days),
            about_manager: self.about_manager(Some(window)),
            note: format!(
                "办理结果差评 bad rating {level} of the result of {docket} at window {window}"
            ),
        };
        self.record(fact);
        case
    }
}

/// The materials handed over, normalised: each named, 1–99 copies, at least
/// one, at most `MAX_RECEIVED`.
fn received(materials: &[Received]) -> Result<Vec<Received>, Rejection> {
    let list: Vec<Received> = materials
        .iter()
        .map(|m| Received {
            name: private_text(&m.name, MAX_MATERIAL),
            count: m.count,
        })
        .filter(|m| !m.name.is_empty())
        .collect();
    if list.is_empty() {
        return Err(Rejection::NothingReceived);
    }
    if list.len() > MAX_RECEIVED {
        return Err(Rejection::TooManyReceived(list.len()));
    }
    if let Some(m) = list.iter().find(|m| !(1..=MAX_COPIES).contains(&m.count)) {
        return Err(Rejection::Copies(m.name.clone(), m.count));
    }
    Ok(list)
}

/// Dockets follow the journal: a `DocketOpened` record starts one, later
/// records move it on.
impl Docket {
    /// The docket a `DocketOpened` record starts; `None` for any other.
    pub fn opened(record: &Record) -> Option<Docket> {
        let Fact::DocketOpened {
            docket,
            code,
            kind,
            ticket,
            window,
            matter,
            staff,
            materials,
            working_days,
            promised,
            principal,
        } = &record.fact
        else {
            return None;
        };
        Some(Docket {
            no: *docket,
            code: *code,
            kind: *kind,
            matter: matter.clone(),
            day: record.day,
            window: *window,
            staff: staff.clone(),
            ticket: *ticket,
            materials: materials.clone(),
            working_days: *working_days,
            promised: *promised,
            principal: *principal,
            history: vec![DocketStep {
                stage: DocketStage::Accepted,
                at: record.at,
                at_day: record.day,
                by: record.actor.clone(),
                note: String::new(),
                office: None,
                notified: None,
                window: Some(*window),
            }],
            rating: None,
        })
    }

    /// Applies a record that moves this docket on; a step already in the
    /// history is not applied again (replay after seeding).
    pub fn apply(&mut self, record: &Record) {
        match &record.fact {
            Fact::DocketAdvanced {
                docket,
                step,
                stage,
                note,
                office,
                notified,
                window,
            } if *docket == self.no && usize::from(*step) == self.history.len() => {
                self.history.push(DocketStep {
                    stage: *stage,
                    at: record.at,
                    at_day: record.day,
                    by: record.actor.clone(),
                    note: note.clone(),
                    office: office.clone(),
                    notified: *notified,
                    window: *window,
                });
            }
            Fact::DocketRated { docket, level, .. }
                if *docket == self.no && self.rating.is_none() =>
            {
                self.rating = Some(level.unwrap_or(0));
            }
            Fact::PrincipalDeleted { docket } if *docket == self.no => {
                self.principal = false;
            }
            _ => {}
        }
    }
}
