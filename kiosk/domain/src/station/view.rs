//! The typed view of the station: what the lobby screen, the console and the
//! `state` control command show, built from the station at `now`. Nothing
//! here changes the station.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{PrinterHealth, Station};
use crate::case::{Case, Overdue, Stage};
use crate::catalog::Post;
use crate::catalog::{CategoryId, Policy, WindowNo};
use crate::docket::{DocketKind, DocketNo, DocketStage};
use crate::hours::Ticketing;
use crate::people::Away;
use crate::printing::UnconfirmedPaper;
use crate::safety::{OutputState, ZoneInfo, ZoneState};
use crate::ticket::{Ticket, TicketCode, TicketState};

/// One category as the lobby screen shows it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct CategoryView {
    pub id: CategoryId,
    pub zh: String,
    pub en: String,
    pub issuing: bool,
    pub waiting: u32,
    pub wait_minutes: Option<u32>,
    /// Every window of the category is away: the home screen says so on
    /// its button before a ticket is taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away: Option<AwayView>,
}

/// An away notice as screens and papers show it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct AwayView {
    #[serde(flatten)]
    pub away: Away,
    /// The return time in local time, `15:30` (with the date when it is
    /// not today, `12-04 09:00`).
    pub back: String,
    pub zh: String,
    pub en: String,
}

/// Who is signed on at a window, as the card and the board show it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct MemberView {
    pub member: String,
    pub name: String,
    pub post: Post,
    pub since: Timestamp,
}

impl MemberView {
    /// `王芳 (0101) · B岗`; without the post at a window that names none.
    pub fn label(&self) -> String {
        match self.post.zh() {
            Some(post) => format!("{} ({}) · {post}", self.name, self.member),
            None => format!("{} ({})", self.name, self.member),
        }
    }
}

/// A window on the "now serving" board.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ServingView {
    pub window: WindowNo,
    pub paused: bool,
    pub ticket: Option<TicketCode>,
    pub called_at: Option<Timestamp>,
    pub recalls: u8,
    /// The ticket whose rating the evaluator takes now.
    pub armed: Option<TicketCode>,
    /// A result handed over here whose rating the evaluator takes now,
    /// before any ticket's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub armed_result: Option<DocketNo>,
    /// Today's ratings: how many of each level, 1 to 5, and how many tickets
    /// went unrated.
    pub ratings: [u32; 5],
    pub unrated: u32,
    /// Evaluator keys (by level) that are stuck.
    pub stuck_keys: Vec<u8>,
    /// Who is signed on.
    #[serde(default)]
    pub member: Option<MemberView>,
    /// The notice while the member is away.
    #[serde(default)]
    pub away: Option<AwayView>,
    /// A call waits for the armed ticket's rating.
    #[serde(default)]
    pub call_held: bool,
}

/// Everything the lobby screen and the `state` control command show.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct StationView {
    pub day: Option<Date>,
    pub policy: String,
    pub issuing: bool,
    /// Next opening in local time when not issuing.
    pub next_open: Option<String>,
    /// A posted notice closing ticketing now: its title and text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closure: Option<crate::roster::PostedNotice>,
    /// The notices posted on the lobby's board now, by number.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<(u32, crate::roster::PostedNotice)>,
    /// Whose duty (值班) it is now by the roster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duty: Option<crate::roster::Duty>,
    pub categories: Vec<CategoryView>,
    pub windows: Vec<ServingView>,
    /// Waiting tickets in queue order per the policy.
    pub waiting: Vec<TicketCode>,
    pub clock_behind: bool,
    /// The clock reads so far behind the journal that the station cannot
    /// tell which is wrong: a manager confirms the clock, or NTP does.
    pub clock_doubt: Option<ClockDoubt>,
    /// Nothing has confirmed the clock (NTP) since the kiosk started.
    pub clock_unconfirmed: bool,
    /// Why the printer cannot print now, or why the last job failed (until a
    /// job prints again).
    pub printer_fault: Option<String>,
    pub printer: PrinterHealth,
    /// Open cases, oldest first, with the deadlines they have missed today.
    pub cases: Vec<CaseView>,
    /// Dockets whose result is due today or the next working day, or
    /// overdue: staff are reminded of them.
    #[serde(default)]
    pub dockets: Vec<DocketView>,
    /// Receipt numbers whose result is back and waits to be collected
    /// (the lobby's pickup board: numbers only, never names).
    #[serde(default)]
    pub ready: Vec<DocketNo>,
    /// The safety zones and their state.
    pub zones: Vec<ZoneView>,
    /// A smoke alarm is latched: the public screen shows the evacuation.
    pub evacuate: bool,
    pub outputs: OutputState,
    /// Papers that may not have printed (their print outcome was lost in a
    /// restart and they were too old to print again unasked): staff are
    /// told; the numbers are valid.
    pub unconfirmed_prints: Vec<UnconfirmedPaper>,
}

/// A clock far behind the journal: what it reads and the journal's latest
/// time.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ClockDoubt {
    pub clock: Timestamp,
    pub journal: Timestamp,
}

impl ClockDoubt {
    /// How far the journal is ahead, in whole minutes.
    pub fn minutes(&self) -> i64 {
        self.journal.duration_since(self.clock).as_secs() / 60
    }
}

/// A safety zone as staff surfaces show it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ZoneView {
    #[serde(flatten)]
    pub info: ZoneInfo,
    #[serde(flatten)]
    pub state: ZoneState,
}

/// A docket staff are reminded of: its result is due soon or overdue.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct DocketView {
    pub no: DocketNo,
    pub kind: DocketKind,
    pub matter: String,
    pub stage: DocketStage,
    pub promised: Date,
    pub overdue: bool,
}

/// An open case as staff surfaces list it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct CaseView {
    #[serde(flatten)]
    pub case: Case,
    pub stage: Stage,
    pub overdue: Overdue,
    /// A deadline falls today or on the next working day: staff are
    /// reminded (as they are of one missed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_soon: Option<Date>,
}

impl CaseView {
    /// Staff are reminded of it: a deadline missed or coming.
    pub fn reminds(&self) -> bool {
        self.overdue.any() || self.due_soon.is_some()
    }
}

impl Station {
    /// An away notice with its return time in local words.
    pub fn away_view(&self, away: &Away, now: Timestamp) -> AwayView {
        let tz = &self.settings.time_zone;
        let (back, today) = (tz.to_datetime(away.back_at), tz.to_datetime(now).date());
        let back = if back.date() == today {
            crate::catalog::hhmm(back.time())
        } else {
            format!(
                "{:02}-{:02} {}",
                back.date().month(),
                back.date().day(),
                crate::catalog::hhmm(back.time())
            )
        };
        AwayView {
            zh: away.zh(&back),
            en: away.en(&back),
            away: away.clone(),
            back,
        }
    }

    /// The notice of a category whose every window is away: the one back
    /// first (and a window to go to, if one names it).
    pub(super) fn category_away(&self, category: CategoryId, now: Timestamp) -> Option<AwayView> {
        let c = self.catalog.category(category)?;
        let mut notices = Vec::new();
        for no in &c.windows {
            match self.windows.get(no).and_then(|w| w.away.as_ref()) {
                Some(away) => notices.push(away),
                None => return None,
            }
        }
        let first = notices
            .into_iter()
            .min_by_key(|a| (a.instead.is_none(), a.back_at))?;
        Some(self.away_view(first, now))
    }

    /// What the lobby screen shows at `now`.
    pub fn view(&self, now: Timestamp) -> StationView {
        let clock_doubt = self.clock_doubt(now);
        let now = self.high_water.map_or(now, |h| now.max(h));
        // During an evacuation no category issues: the screen shows the
        // evacuation and `issue` refuses.
        let evacuating = self.evacuating().is_some();
        let categories: Vec<CategoryView> = self
            .catalog
            .categories()
            .iter()
            .map(|c| {
                let waiting = self.waiting_in(c.id).count() as u32;
                CategoryView {
                    id: c.id,
                    zh: c.name_zh.clone(),
                    en: c.name_en.clone(),
                    issuing: !evacuating
                        && !self.day_closed_at(now)
                        && matches!(self.ticketing(c, now), Ticketing::Open { .. }),
                    waiting,
                    wait_minutes: self.estimate_minutes(c.id, waiting),
                    away: self.category_away(c.id, now),
                }
            })
            .collect();
        let issuing = categories.iter().any(|c| c.issuing);
        let next_open = if issuing || evacuating {
            None
        } else {
            self.catalog
                .categories()
                .iter()
                .filter_map(|c| match self.ticketing(c, now) {
                    Ticketing::Closed { next_open, .. } => next_open,
                    Ticketing::Open { .. } => None,
                })
                .min()
                .map(|t| self.local(t))
        };
        let windows = self
            .windows
            .iter()
            .map(|(no, w)| {
                let (called_at, recalls) =
                    match w.current.and_then(|c| self.ticket(c)).map(|t| t.state) {
                        Some(TicketState::Called { at, recalls, .. }) => (Some(at), recalls),
                        _ => (None, 0),
                    };
                let (ratings, unrated) = self.ratings_at(*no);
                ServingView {
                    window: *no,
                    paused: w.paused,
                    ticket: w.current,
                    called_at,
                    recalls,
                    armed: w.armed.map(|(t, _)| t),
                    armed_result: w.armed_docket.map(|(d, _)| d),
                    ratings,
                    unrated,
                    stuck_keys: w.stuck.clone(),
                    member: w.on.as_ref().map(|o| MemberView {
                        member: o.member.clone(),
                        name: o.name.clone(),
                        post: o.post,
                        since: o.since,
                    }),
                    away: w.away.as_ref().map(|a| self.away_view(a, now)),
                    call_held: w.call_held,
                }
            })
            .collect();
        let mut waiting: Vec<&Ticket> = self
            .tickets
            .iter()
            .filter(|t| t.state == TicketState::Waiting)
            .collect();
        waiting.sort_by_key(|t| {
            (
                !t.priority && self.settings.policy == Policy::Strict,
                t.order,
                t.issued_at,
            )
        });
        StationView {
            day: self.day,
            policy: self.settings.policy.to_string(),
            issuing,
            next_open,
            duty: self.duty_at(now).cloned(),
            closure: self.closure_at(now).cloned(),
            notices: self
                .notices_at(now)
                .map(|(no, n)| (no, n.clone()))
                .collect(),
            categories,
            windows,
            waiting: waiting.into_iter().map(|t| t.code).collect(),
            clock_behind: self.clock_warned,
            clock_doubt,
            clock_unconfirmed: self.clock_unconfirmed,
            printer_fault: match &self.printer {
                PrinterHealth::Fault { detail, .. } => Some(detail.clone()),
                _ => self.printer_fault.clone(),
            },
            printer: self.printer.clone(),
            zones: self
                .settings
                .zones
                .iter()
                .zip(&self.zones)
                .map(|(info, state)| ZoneView {
                    info: info.clone(),
                    state: state.clone(),
                })
                .collect(),
            evacuate: self.evacuating().is_some(),
            outputs: self.outputs(),
            unconfirmed_prints: self.prints.listed(),
            cases: {
                let today = self.business_day(now);
                let next = self.calendar.add_working_days(today, 1).date;
                self.cases
                    .values()
                    .filter(|c| c.is_open())
                    .map(|c| {
                        let overdue = c.overdue(today);
                        CaseView {
                            case: c.clone(),
                            stage: c.stage(),
                            due_soon: c
                                .pending_deadline()
                                .filter(|d| !overdue.any() && today <= *d && *d <= next),
                            overdue,
                        }
                    })
                    .collect()
            },
            dockets: {
                let today = self.business_day(now);
                let next = self.calendar.add_working_days(today, 1).date;
                self.dockets
                    .values()
                    .filter(|d| d.is_open() && d.result().is_none() && d.promised.date <= next)
                    .map(|d| DocketView {
                        no: d.no,
                        kind: d.kind,
                        matter: d.matter.zh.clone(),
                        stage: d.stage(),
                        promised: d.promised.date,
                        overdue: d.overdue(today),
                    })
                    .collect()
            },
            ready: self
                .dockets
                .values()
                .filter(|d| d.stage().ready())
                .map(|d| d.no)
                .collect(),
        }
    }
}
