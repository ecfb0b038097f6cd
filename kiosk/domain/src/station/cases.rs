//! Cases at the station: their stages, the answer to a complaint,
//! extensions, reopening, exports and forgotten callback numbers, and the
//! numbering of new cases. Opening a case belongs to what opens it (a bad
//! rating, a complaint).

use jiff::civil::Date;

use super::{Command, Effect, Fact, Record, Rejection, Scratch, Station};
use crate::calendar::Deadline;
use crate::case::{Case, CaseDocument, CaseNo, CaseSource, Extension, Stage, StageEntry};
use crate::complaint::{MAX_NOTE, private_text};
use crate::printing::Paper;
use crate::safety::StaffRole;

impl Station {
    /// Applies a fact about a case.
    pub(super) fn apply_case(&mut self, record: &Record) {
        match &record.fact {
            Fact::CaseOpened { case, source, .. } => {
                self.note_case_no(*case);
                if !self.cases.contains_key(case)
                    && let Some(opened) = Case::opened(record)
                {
                    self.cases.insert(*case, opened);
                }
                // A complaint's receipt prints as it is filed.
                if matches!(source, CaseSource::Complaint { .. }) {
                    self.prints.requested(
                        Paper::Case {
                            case: *case,
                            document: CaseDocument::Receipt,
                        },
                        record.at,
                    );
                }
            }
            Fact::CaseAdvanced { case, stage, .. } => {
                if let Some(c) = self.cases.get_mut(case) {
                    c.apply(record);
                }
                if *stage == Stage::Archived {
                    self.prints.forget_case(*case);
                }
            }
            Fact::CaseExtended { case, .. } => {
                if let Some(c) = self.cases.get_mut(case) {
                    c.apply(record);
                }
                // The written notice prints as the case is extended.
                self.prints.requested(
                    Paper::Case {
                        case: *case,
                        document: CaseDocument::ExtensionNotice,
                    },
                    record.at,
                );
            }
            Fact::CaseReopened { case, .. } => {
                if let Some(c) = self.cases.get_mut(case) {
                    c.apply(record);
                }
            }
            _ => {}
        }
    }

    /// Keeps the highest case number given in the number's year.
    pub(super) fn note_case_no(&mut self, no: CaseNo) {
        let top = self.case_seq.entry(no.year).or_default();
        *top = (*top).max(no.seq);
    }
}

impl Scratch {
    /// Decides a command about a case.
    pub(super) fn decide_case(&mut self, command: &Command) -> Result<(), Rejection> {
        match *command {
            Command::AdvanceCase {
                case,
                stage,
                ref note,
                answer,
                role,
            } => {
                let c = self
                    .station
                    .cases
                    .get(&case)
                    .filter(|c| c.is_open())
                    .ok_or(Rejection::UnknownCase(case))?;
                self.may_handle(c, role)?;
                let at = c.stage();
                if at.next() != Some(stage) {
                    return Err(Rejection::StageOrder {
                        case,
                        at,
                        next: at.next(),
                    });
                }
                let note = private_text(note, MAX_NOTE);
                if note.is_empty() && stage != Stage::Archived {
                    return Err(Rejection::NoteNeeded(stage));
                }
                let complaint = matches!(c.source, CaseSource::Complaint { .. });
                let answer = if stage == Stage::Answered {
                    answer
                } else {
                    None
                };
                if stage == Stage::Answered && complaint && answer.is_none() {
                    return Err(Rejection::AnswerNeeded(case));
                }
                let step = u16::try_from(c.history.len()).unwrap_or(u16::MAX);
                self.record(Fact::CaseAdvanced {
                    case,
                    step,
                    stage,
                    note,
                    answer,
                });
                Ok(())
            }
            Command::ExtendCase {
                case,
                working_days,
                ref reason,
                role,
            } => {
                let c = self
                    .station
                    .cases
                    .get(&case)
                    .filter(|c| c.is_open())
                    .ok_or(Rejection::UnknownCase(case))?;
                if role != c.deciding_role() {
                    return Err(Rejection::ExtensionRole);
                }
                self.may_handle(c, Some(role))?;
                let reason = private_text(reason, MAX_NOTE);
                if reason.is_empty() || !(1..=60).contains(&working_days) {
                    return Err(Rejection::ExtensionTerms);
                }
                let calendar = &self.station.calendar;
                let answered = c.stage() >= Stage::Answered;
                let later = |d: Deadline| calendar.add_working_days(d.date, working_days);
                let callback_due = if answered {
                    c.callback_due
                } else {
                    later(c.callback_due)
                };
                // The rectification is never due before the answer.
                let rectify_due = Some(later(c.rectify_due))
                    .filter(|r| r.date >= callback_due.date)
                    .unwrap_or(callback_due);
                let (was, now_due) = if answered {
                    (c.rectify_due, rectify_due)
                } else {
                    (c.callback_due, callback_due)
                };
                let index = u16::try_from(c.extensions.len()).unwrap_or(u16::MAX);
                self.record(Fact::CaseExtended {
                    case,
                    index,
                    reason: reason.clone(),
                    working_days,
                    callback_due,
                    rectify_due,
                });
                let by = self.actor.clone();
                self.effect(Effect::CaseExtended {
                    case,
                    reason,
                    was,
                    now_due,
                    by,
                });
                Ok(())
            }
            Command::ReopenCase {
                case,
                ref note,
                role,
            } => {
                let c = self
                    .station
                    .cases
                    .get(&case)
                    .ok_or(Rejection::UnknownCase(case))?;
                self.may_handle(c, role)?;
                if c.stage() < Stage::Answered {
                    return Err(Rejection::NotAnswered {
                        case,
                        at: c.stage(),
                    });
                }
                let note = private_text(note, MAX_NOTE);
                if note.is_empty() {
                    return Err(Rejection::NoteNeeded(Stage::Registered));
                }
                let step = u16::try_from(c.history.len()).unwrap_or(u16::MAX);
                // Due again as a new case of its kind would be, from today.
                let day = self.station.business_day(self.now);
                let settings = &self.station.settings;
                let (callback, rectify) = match c.source {
                    CaseSource::Complaint { .. } => (settings.answer_days, settings.answer_days),
                    CaseSource::Rating { .. } => (settings.callback_days, settings.rectify_days),
                };
                let calendar = &self.station.calendar;
                self.record(Fact::CaseReopened {
                    case,
                    step,
                    note,
                    callback_due: calendar.add_working_days(day, callback),
                    rectify_due: calendar.add_working_days(day, rectify),
                });
                Ok(())
            }
            Command::AddCallback {
                case,
                ref phone,
                role,
            } => {
                let Some(c) = self.station.cases.get(&case).filter(|c| c.is_open()) else {
                    return Err(Rejection::UnknownCase(case));
                };
                self.may_handle(c, role)?;
                self.record(Fact::CallbackAdded { case });
                self.decision.contacts.push((case, phone.clone()));
                Ok(())
            }
            Command::ForgetContacts { ref cases } => {
                for case in cases {
                    self.record(Fact::ContactDeleted { case: *case });
                }
                Ok(())
            }
            Command::ExportCase { case, role, place } => {
                // A case the station no longer holds (archived on an earlier
                // day) is the manager's to export.
                let deciding = self
                    .station
                    .cases
                    .get(&case)
                    .map_or(StaffRole::Manager, Case::deciding_role);
                if role != deciding {
                    return Err(Rejection::ExportRole);
                }
                if let Some(c) = self.station.cases.get(&case) {
                    self.may_handle(c, Some(role))?;
                }
                self.record(Fact::CaseExported { case, place });
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Nobody handles a case about themselves (投诉管理办法): a member it
    /// names cannot move it, extend it or export it, and a case about the
    /// station manager is the supervisor's (纪检) alone.
    fn may_handle(&self, case: &Case, role: Option<StaffRole>) -> Result<(), Rejection> {
        if let super::Actor::Staff { id } = &self.actor
            && case.staff.as_ref().is_some_and(|s| &s.number == id)
        {
            return Err(Rejection::OwnCase {
                case: case.no,
                member: id.clone(),
            });
        }
        if case.about_manager && role != Some(StaffRole::Supervisor) {
            return Err(Rejection::SupervisorsCase(case.no));
        }
        Ok(())
    }

    /// Whether a case opened about a window now names the station manager.
    pub(super) fn about_manager(&self, window: Option<crate::catalog::WindowNo>) -> bool {
        window
            .and_then(|w| self.station.on_post(w))
            .is_some_and(|on| on.role == Some(StaffRole::Manager))
    }

    /// The business day a case opened now belongs to.
    pub(super) fn case_day(&self) -> Date {
        self.station
            .day
            .unwrap_or_else(|| self.station.business_day(self.now))
    }

    /// The next case number of the business day's year.
    pub(super) fn next_case_no(&self, day: Date) -> CaseNo {
        let year = day.year();
        CaseNo {
            year,
            seq: self.station.case_seq.get(&year).copied().unwrap_or(0) + 1,
        }
    }
}

/// Cases follow the journal: a `CaseOpened` record starts one, later records
/// move it on.
impl Case {
    /// Who decides on the case's extension and export: the station manager,
    /// or the supervisor when it is about the manager.
    pub fn deciding_role(&self) -> StaffRole {
        if self.about_manager {
            StaffRole::Supervisor
        } else {
            StaffRole::Manager
        }
    }

    /// The case a `CaseOpened` record starts; `None` for any other record.
    pub fn opened(record: &Record) -> Option<Case> {
        let Fact::CaseOpened {
            case,
            source,
            window,
            staff,
            ticket,
            callback_due,
            rectify_due,
            note,
            about_manager,
        } = &record.fact
        else {
            return None;
        };
        Some(Case {
            no: *case,
            source: source.clone(),
            day: record.day,
            window: *window,
            staff: staff.clone(),
            ticket: *ticket,
            callback_due: *callback_due,
            rectify_due: *rectify_due,
            history: vec![StageEntry {
                stage: Stage::Accepted,
                at: record.at,
                by: record.actor.clone(),
                note: note.clone(),
                answer: None,
                reopened: false,
            }],
            extensions: Vec::new(),
            about_manager: *about_manager,
        })
    }

    /// Applies a record that moves this case on (advanced, reopened,
    /// extended). A step already in the history is not applied again (replay
    /// after seeding).
    pub fn apply(&mut self, record: &Record) {
        let entry = |stage: Stage, note: &String, answer, reopened| StageEntry {
            stage,
            at: record.at,
            by: record.actor.clone(),
            note: note.clone(),
            answer,
            reopened,
        };
        match &record.fact {
            Fact::CaseAdvanced {
                case,
                step,
                stage,
                note,
                answer,
            } if *case == self.no && usize::from(*step) == self.history.len() => {
                self.history.push(entry(*stage, note, *answer, false));
            }
            Fact::CaseReopened {
                case,
                step,
                note,
                callback_due,
                rectify_due,
            } if *case == self.no && usize::from(*step) == self.history.len() => {
                self.history
                    .push(entry(Stage::Registered, note, None, true));
                self.callback_due = *callback_due;
                self.rectify_due = *rectify_due;
            }
            Fact::CaseExtended {
                case,
                index,
                reason,
                working_days,
                callback_due,
                rectify_due,
            } if *case == self.no && usize::from(*index) == self.extensions.len() => {
                let answered = self.stage() >= Stage::Answered;
                let (was, now_due) = if answered {
                    (self.rectify_due, *rectify_due)
                } else {
                    (self.callback_due, *callback_due)
                };
                self.extensions.push(Extension {
                    at: record.at,
                    by: record.actor.clone(),
                    reason: reason.clone(),
                    working_days: *working_days,
                    was,
                    now_due,
                });
                self.callback_due = *callback_due;
                self.rectify_due = *rectify_due;
            }
            _ => {}
        }
    }
}
