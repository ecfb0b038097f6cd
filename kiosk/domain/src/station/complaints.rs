//! The complaint box: a complaint filed at the touchscreen opens a case,
//! once per form, with its callback number kept beside the journal.

use super::{Command, Effect, Fact, Rejection, Scratch};
use crate::case::CaseSource;
use crate::complaint::{Channel, MAX_TEXT, private_text};

impl Scratch {
    /// Decides a complaint filed at the complaint box.
    pub(super) fn decide_complaint(&mut self, command: &Command) -> Result<(), Rejection> {
        match *command {
            Command::FileComplaint {
                topic,
                window,
                ref text,
                ref phone,
                form,
                channel,
            } => {
                if let Some(w) = window {
                    self.window(w)?;
                }
                // The same form submitted again (a double tap, a retry): the
                // case is already open.
                let earlier = self.station.cases.values().find(|c| {
                    form != 0
                        && matches!(c.source, CaseSource::Complaint { form: f, .. } if f == form)
                });
                if let Some(c) = earlier {
                    let working_days = self.station.settings.answer_days;
                    let (case, window, answer_by) = (c.no, c.window, c.callback_due);
                    let filed_at = c.history.first().map_or(self.now, |e| e.at);
                    self.effect(Effect::ComplaintFiled {
                        case,
                        topic,
                        window,
                        filed_at,
                        answer_by,
                        working_days,
                        again: true,
                    });
                    return Ok(());
                }
                let text = private_text(text, MAX_TEXT);
                let day = self.case_day();
                let case = self.next_case_no(day);
                let settings = &self.station.settings;
                let answer_by = self
                    .station
                    .calendar
                    .add_working_days(day, settings.answer_days);
                let fact = Fact::CaseOpened {
                    case,
                    source: CaseSource::Complaint {
                        topic,
                        text,
                        callback: phone.is_some(),
                        form,
                        channel,
                    },
                    window,
                    staff: window.and_then(|w| self.station.staff_at(w)),
                    ticket: None,
                    callback_due: answer_by,
                    rectify_due: answer_by,
                    note: format!(
                        "{} {}: {} {}",
                        channel.zh(),
                        channel.en(),
                        topic.zh(),
                        topic.en()
                    ),
                    about_manager: self.about_manager(window),
                };
                let working_days = settings.answer_days;
                self.record(fact);
                if let Some(phone) = phone {
                    self.decision.contacts.push((case, phone.clone()));
                }
                // Entered at the console: the member tells the citizen the
                // case number (and prints the receipt from the case's page).
                if channel != Channel::Kiosk {
                    return Ok(());
                }
                self.effect(Effect::ComplaintFiled {
                    case,
                    topic,
                    window,
                    filed_at: self.now,
                    answer_by,
                    working_days,
                    again: false,
                });
                Ok(())
            }
            _ => Ok(()),
        }
    }
}
