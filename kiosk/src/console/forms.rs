//! Everything the staff console reads from a request, parsed: the sign-in
//! form, the session cookie, the log's filters, the window console's and the
//! cases' forms, the back-entry form, a report's days. Each parser turns
//! what a browser (or anyone on the network) sent into a domain value or a
//! message saying what is wrong; none of them panics, whatever the input.
//! Forms and queries are decoded with `serde_urlencoded`, as axum decodes
//! them, so [`check_all`] — the fuzz target's and the property tests' entry —
//! meets the bytes the handlers meet. The handlers (`super`) only call these
//! and act on the result.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::domain::{
    Answer, BackEntry, CaseNo, CategoryId, Command, StaffRole, Stage, TicketCode, WindowNo,
};
use crate::store::LogFilter;

/// The longest staff number and PIN the console takes.
pub const MAX_STAFF: usize = 16;
pub const MAX_PIN: usize = 16;
/// Journal entries on a page of the log.
pub const PAGE: u32 = 50;
/// The longest range of days a report or export covers.
pub const MAX_REPORT_DAYS: i32 = 366 * 2;

/// A form body or a query string, decoded as axum's `Form` and `Query`
/// decode it; the message says what does not fit.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_urlencoded::from_str(text).map_err(|e| format!("the form does not fit: {e}"))
}

/// The window a form names (`w`), or what to do about it.
pub fn window_no(w: &str) -> Result<WindowNo, &'static str> {
    w.trim()
        .parse::<u8>()
        .ok()
        .and_then(WindowNo::new)
        .ok_or("请选择窗口 Choose a window")
}

/// Percent-encodes `text` for a query string (the redirect after a form
/// carries its outcome so).
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A cookie's value from the request's `Cookie` header values.
pub fn cookie<'a>(headers: impl IntoIterator<Item = &'a str>, name: &str) -> Option<String> {
    headers
        .into_iter()
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The sign-in form.
#[derive(Deserialize, Clone, Debug)]
pub struct LoginForm {
    pub staff: String,
    pub pin: String,
}

impl LoginForm {
    /// The staff number as typed, without surrounding spaces.
    pub fn staff(&self) -> &str {
        self.staff.trim()
    }

    /// Why the form is refused before its PIN is checked (journaled as the
    /// refusal's reason), if it is.
    pub fn refusal(&self) -> Option<&'static str> {
        let staff = self.staff();
        if staff.is_empty() {
            Some("no staff number")
        } else if staff.len() > MAX_STAFF {
            Some("staff number longer than 16 characters")
        } else if self.pin.len() > MAX_PIN {
            Some("PIN longer than 16 characters")
        } else {
            None
        }
    }
}

/// The CSRF field of a form that carries nothing else (sign-out).
#[derive(Deserialize, Clone, Debug)]
pub struct Csrf {
    pub csrf: String,
}

/// The outcome a page shows after a form (`?done=`).
#[derive(Deserialize, Default, Clone, Debug)]
pub struct Done {
    pub done: Option<String>,
}

/// The window console's page: which window, and the last outcome.
#[derive(Deserialize, Default, Clone, Debug)]
pub struct WindowQuery {
    pub w: Option<String>,
    pub done: Option<String>,
    /// The matter chosen in the matters panel.
    pub matter: Option<String>,
}

impl WindowQuery {
    /// The window chosen, if the number is one.
    pub fn window(&self) -> Option<WindowNo> {
        self.w
            .as_deref()
            .and_then(|w| w.trim().parse::<u8>().ok())
            .and_then(WindowNo::new)
    }
}

/// The window console's buttons.
#[derive(Deserialize, Clone, Debug)]
pub struct WindowForm {
    pub csrf: String,
    pub w: String,
    pub action: String,
    #[serde(default)]
    pub to: String,
}

/// The window page's voice buttons: repeat this window's call, or stop an
/// announcement (`id` empty: the one playing).
#[derive(Deserialize)]
pub struct VoiceForm {
    pub csrf: String,
    pub w: String,
    pub action: String,
    #[serde(default)]
    pub id: String,
}

impl VoiceForm {
    pub fn control(&self) -> Result<crate::app::VoiceControl, &'static str> {
        use crate::app::VoiceControl;
        match self.action.as_str() {
            "repeat" => self
                .w
                .trim()
                .parse::<u8>()
                .ok()
                .and_then(WindowNo::new)
                .map(|window| VoiceControl::Repeat { window })
                .ok_or("请选择窗口 Choose a window"),
            "stop" if self.id.trim().is_empty() => Ok(VoiceControl::Stop { id: None }),
            "stop" => self
                .id
                .trim()
                .parse::<u64>()
                .map(|id| VoiceControl::Stop { id: Some(id) })
                .map_err(|_| "没有这条广播 No such announcement"),
            _ => Err("未知操作 Unknown action"),
        }
    }
}

impl WindowForm {
    /// The keypad command the button stands for, or what is wrong.
    pub fn command(&self) -> Result<Command, &'static str> {
        let window = self
            .w
            .trim()
            .parse::<u8>()
            .ok()
            .and_then(WindowNo::new)
            .ok_or("窗口号不对 Not a window number")?;
        Ok(match self.action.as_str() {
            "call" => Command::CallNext { window },
            "recall" => Command::Recall { window },
            "skip" => Command::Skip { window },
            "complete" => Command::Complete { window },
            "pause" => Command::SetWindowOpen {
                window,
                open: false,
            },
            "open" => Command::SetWindowOpen { window, open: true },
            "transfer" => Command::Transfer {
                window,
                to: CategoryId::parse(&self.to)
                    .ok_or("请选择转去的业务 Choose the category to transfer to")?,
            },
            _ => return Err("未知操作 Unknown action"),
        })
    }
}

/// A case's forms: advance, reopen, extend.
#[derive(Deserialize, Clone, Debug)]
pub struct CaseForm {
    pub csrf: String,
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub days: String,
    /// `receipt` or `extension_notice`, to print again.
    #[serde(default)]
    pub document: String,
}

impl CaseForm {
    /// Printing one of the case's documents again.
    pub fn reprint(&self, case: CaseNo) -> Result<Command, String> {
        let document = match self.document.as_str() {
            "receipt" => crate::domain::CaseDocument::Receipt,
            "extension_notice" => crate::domain::CaseDocument::ExtensionNotice,
            _ => return Err("请选择补打的文书 Choose the document to print again".into()),
        };
        Ok(Command::ReprintCase { case, document })
    }

    /// Moving the case to its next stage.
    pub fn advance(&self, case: CaseNo, role: StaffRole) -> Result<Command, String> {
        Ok(Command::AdvanceCase {
            role: Some(role),
            case,
            stage: Stage::parse(&self.stage).ok_or("请选择阶段 Choose a stage")?,
            note: self.note.clone(),
            answer: match self.answer.as_str() {
                "" => None,
                a => Some(Answer::parse(a).ok_or("答复方式不对 Not oral or written")?),
            },
        })
    }

    /// Checking the case again.
    pub fn reopen(&self, case: CaseNo, role: StaffRole) -> Command {
        Command::ReopenCase {
            role: Some(role),
            case,
            note: self.note.clone(),
        }
    }

    /// The manager's extension (the member's `role` decides in the domain).
    pub fn extend(&self, case: CaseNo, role: StaffRole) -> Result<Command, String> {
        Ok(Command::ExtendCase {
            case,
            working_days: self
                .days
                .trim()
                .parse()
                .map_err(|_| "延期天数不对 Not a number of working days".to_string())?,
            reason: self.note.clone(),
            role,
        })
    }
}

/// The log page's filters, as typed into its form.
#[derive(Deserialize, Default, Clone, Debug)]
pub struct LogQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub window: String,
    #[serde(default)]
    pub ticket: String,
    #[serde(default)]
    pub case: String,
    #[serde(default)]
    pub staff: String,
    #[serde(default)]
    pub before: String,
}

/// Midnight starting `date` in `tz`.
fn midnight(date: Date, tz: &TimeZone) -> Result<jiff::Timestamp, String> {
    tz.to_ambiguous_timestamp(date.to_datetime(Time::midnight()))
        .compatible()
        .map_err(|e| e.to_string())
}

impl LogQuery {
    /// The filter, or what is wrong with the form.
    pub fn filter(&self, tz: &TimeZone) -> Result<LogFilter, String> {
        let day = |text: &str, what: &str, end: bool| -> Result<Option<jiff::Timestamp>, String> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            let date: Date = text
                .parse()
                .map_err(|_| format!("{what}: `{text}` is not a day such as 2026-11-30"))?;
            let date = if end {
                date.tomorrow()
                    .map_err(|_| format!("{what}: `{text}` is too far in the future"))?
            } else {
                date
            };
            midnight(date, tz).map(Some)
        };
        let since = day(&self.from, "from", false)?;
        let until = day(&self.to, "to", true)?;
        if let (Some(s), Some(u)) = (since, until)
            && s >= u
        {
            return Err("the range is reversed: from is after to".into());
        }
        let window = match self.window.trim() {
            "" => None,
            w => Some(
                w.parse::<u8>()
                    .ok()
                    .and_then(WindowNo::new)
                    .map(WindowNo::get)
                    .ok_or_else(|| format!("window: `{w}` is not a window number"))?,
            ),
        };
        let case = match self.case.trim() {
            "" => None,
            c => Some(c.parse::<CaseNo>()?.to_string()),
        };
        let ticket = match self.ticket.trim() {
            "" => None,
            t => Some(
                t.parse::<TicketCode>()
                    .map_err(|e| format!("ticket: {e}"))?
                    .to_string(),
            ),
        };
        let kind = self.kind.trim();
        if !kind.is_empty() && !super::pages::KINDS.contains(&kind) {
            return Err(format!("kind: `{kind}` is not a kind of entry"));
        }
        let before = match self.before.trim() {
            "" => None,
            b => Some(
                b.parse::<i64>()
                    .map_err(|_| "before: not an entry number".to_string())?,
            ),
        };
        let staff = self.staff.trim();
        if staff.len() > MAX_STAFF {
            return Err("staff: a staff number is at most 16 characters".into());
        }
        Ok(LogFilter {
            since,
            until,
            kinds: if kind.is_empty() {
                Vec::new()
            } else {
                vec![kind.to_string()]
            },
            window,
            ticket,
            case,
            day: None,
            limit: Some(PAGE),
            before,
            staff: (!staff.is_empty()).then(|| staff.to_string()),
        })
    }
}

/// The back-entry form.
#[derive(Deserialize, Clone, Debug)]
pub struct BackEntryForm {
    pub csrf: String,
    pub category: String,
    pub window: String,
    pub day: String,
    pub start: String,
    pub end: String,
    #[serde(default)]
    pub register_no: String,
    #[serde(default)]
    pub note: String,
}

impl BackEntryForm {
    /// The entry, or what is wrong with the form. Whether its times make
    /// sense (past, ordered, recent) the domain decides.
    pub fn entry(&self, tz: &TimeZone) -> Result<BackEntry, String> {
        let category = CategoryId::parse(self.category.trim())
            .ok_or_else(|| format!("业务 category: `{}` is not a category", self.category))?;
        let window = self
            .window
            .trim()
            .parse::<u8>()
            .ok()
            .and_then(WindowNo::new)
            .ok_or_else(|| format!("窗口 window: `{}` is not a window number", self.window))?;
        let day: Date = self
            .day
            .trim()
            .parse()
            .map_err(|_| format!("日期 day: `{}` is not a day such as 2026-11-30", self.day))?;
        let at = |text: &str, what: &str| -> Result<jiff::Timestamp, String> {
            let time: Time = text
                .trim()
                .parse()
                .map_err(|_| format!("{what}: `{text}` is not a time such as 09:30"))?;
            tz.to_ambiguous_timestamp(day.to_datetime(time))
                .compatible()
                .map_err(|e| format!("{what}: {e}"))
        };
        Ok(BackEntry {
            category,
            window,
            started: at(&self.start, "开始 started")?,
            finished: at(&self.end, "结束 finished")?,
            register_no: self.register_no.clone(),
            note: self.note.clone(),
        })
    }
}

/// A report's or an export's days, as typed into the reports page.
#[derive(Deserialize, Default, Clone, Debug)]
pub struct ReportQuery {
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub month: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub format: String,
}

impl ReportQuery {
    /// The days named: a day, a month, or a range of at most two years;
    /// `today` when nothing is given.
    pub fn days(&self, today: Date) -> Result<(Date, Date), String> {
        let parse = |text: &str, what: &str| -> Result<Date, String> {
            text.trim()
                .parse()
                .map_err(|_| format!("{what}: `{}` is not a day such as 2026-11-30", text.trim()))
        };
        let (from, to) = match (
            self.day.trim(),
            self.month.trim(),
            self.from.trim(),
            self.to.trim(),
        ) {
            ("", "", "", "") => (today, today),
            (d, "", "", "") => {
                let d = parse(d, "day")?;
                (d, d)
            }
            ("", m, "", "") => {
                let first = parse(&format!("{m}-01"), "month")
                    .map_err(|_| format!("month: `{m}` is not a month such as 2026-11"))?;
                (first, first.last_of_month())
            }
            ("", "", f, t) => (parse(f, "from")?, parse(t, "to")?),
            _ => return Err("give a day, a month, or from and to".into()),
        };
        if from > to {
            return Err(format!("the range is reversed: {from} is after {to}"));
        }
        if (to - from).get_days() >= MAX_REPORT_DAYS {
            return Err(format!(
                "{from} to {to} is more than two years; ask for less"
            ));
        }
        Ok((from, to))
    }
}

/// A journal entry's number in a path (`/log/{seq}`).
pub fn entry_seq(text: &str) -> Option<i64> {
    text.parse().ok()
}

/// A case's number in a path (`/cases/{no}`).
pub fn case_no(text: &str) -> Option<CaseNo> {
    text.parse().ok()
}

/// Runs every parser here on `text`, taken as a form body, a query string,
/// a cookie header and a path segment, for the fuzz target and the property
/// tests. An error is a broken promise: a refusal that does not say why.
/// (A panic is the other broken promise; the caller notices that itself.)
pub fn check_all(text: &str) -> Result<(), String> {
    let tz = TimeZone::get("Asia/Shanghai").unwrap_or(TimeZone::UTC);
    let today = Date::constant(2026, 11, 30);
    let said = |what: &str, result: Result<(), String>| match result {
        Err(why) if why.trim().is_empty() => Err(format!("{what} refused without saying why")),
        _ => Ok(()),
    };
    let case = CaseNo { year: 2026, seq: 1 };
    if let Ok(form) = decode::<LoginForm>(text) {
        let _ = (form.staff(), form.refusal());
    }
    if let Ok(q) = decode::<LogQuery>(text) {
        said("the log's filter", q.filter(&tz).map(|_| ()))?;
    }
    if let Ok(form) = decode::<BackEntryForm>(text) {
        said("the back-entry form", form.entry(&tz).map(|_| ()))?;
    }
    if let Ok(q) = decode::<ReportQuery>(text) {
        said("a report's days", q.days(today).map(|_| ()))?;
    }
    if let Ok(form) = decode::<WindowForm>(text) {
        said(
            "the window console",
            form.command().map(|_| ()).map_err(str::to_string),
        )?;
    }
    if let Ok(q) = decode::<WindowQuery>(text) {
        let _ = q.window();
    }
    if let Ok(form) = decode::<CaseForm>(text) {
        said(
            "a case's advance",
            form.advance(case, StaffRole::Staff).map(|_| ()),
        )?;
        let _ = form.reopen(case, StaffRole::Staff);
        said(
            "a case's extension",
            form.extend(case, StaffRole::Manager).map(|_| ()),
        )?;
    }
    let _ = decode::<Done>(text);
    let _ = decode::<Csrf>(text);
    let _ = cookie([text], "kiosk_session");
    let _ = (entry_seq(text), case_no(text));
    Ok(())
}

#[cfg(test)]
mod tests;
