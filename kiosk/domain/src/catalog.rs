//! The service catalog and the station's settings, as validated domain values.
//!
//! Parsing files is not done here (see `config`); this module only says what a
//! valid catalog is. Validation errors name the category and the field, so the
//! config layer can point a technician at the line to fix.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::safety::ZoneInfo;

/// A category's ticket prefix: one ASCII capital letter (`A` in `A001`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CategoryId(char);

impl CategoryId {
    /// Returns the id for a capital ASCII letter, `None` for anything else.
    pub fn new(letter: char) -> Option<Self> {
        letter.is_ascii_uppercase().then_some(Self(letter))
    }

    /// Parses `"A"` (case-insensitive, surrounding spaces ignored).
    pub fn parse(text: &str) -> Option<Self> {
        let mut chars = text.trim().chars();
        let letter = chars.next()?.to_ascii_uppercase();
        if chars.next().is_some() {
            return None;
        }
        Self::new(letter)
    }

    pub fn letter(self) -> char {
        self.0
    }
}

impl fmt::Display for CategoryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl TryFrom<String> for CategoryId {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text).ok_or_else(|| format!("`{text}` is not a category letter A–Z"))
    }
}

impl From<CategoryId> for String {
    fn from(id: CategoryId) -> String {
        id.0.to_string()
    }
}

/// A service window's number as painted above it (1–99).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct WindowNo(u8);

impl WindowNo {
    pub const MAX: u8 = 99;

    pub fn new(number: u8) -> Option<Self> {
        (1..=Self::MAX).contains(&number).then_some(Self(number))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl fmt::Display for WindowNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl TryFrom<u8> for WindowNo {
    type Error = String;
    fn try_from(n: u8) -> Result<Self, String> {
        Self::new(n).ok_or_else(|| format!("window {n} is out of range 1–{}", Self::MAX))
    }
}

impl From<WindowNo> for u8 {
    fn from(w: WindowNo) -> u8 {
        w.0
    }
}

/// One opening session of a day, `start` inclusive, `end` exclusive.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Session {
    pub start: Time,
    pub end: Time,
}

/// Which days the station (or a category) opens.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Days {
    /// Official working days: Monday–Friday minus holidays plus adjusted working
    /// weekends (调休), from the holiday calendar.
    WorkingDays,
    /// These weekdays; holidays close them only when `closed_on_holidays` is set.
    Weekdays(Vec<Weekday>),
}

/// Opening hours: which days, and the sessions of each open day.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Hours {
    pub days: Days,
    pub sessions: Vec<Session>,
}

impl Hours {
    /// Checks that sessions are non-empty, ordered and do not overlap.
    pub fn validate(&self) -> Result<(), String> {
        if self.sessions.is_empty() {
            return Err("at least one session is needed, such as \"08:30-12:00\"".into());
        }
        for s in &self.sessions {
            if s.start >= s.end {
                return Err(format!(
                    "session {}-{} ends before it starts",
                    hhmm(s.start),
                    hhmm(s.end)
                ));
            }
        }
        for pair in self.sessions.windows(2) {
            if pair[1].start < pair[0].end {
                return Err(format!(
                    "sessions {}-{} and {}-{} overlap or are out of order",
                    hhmm(pair[0].start),
                    hhmm(pair[0].end),
                    hhmm(pair[1].start),
                    hhmm(pair[1].end)
                ));
            }
        }
        if let Days::Weekdays(days) = &self.days
            && days.is_empty()
        {
            return Err("no opening days are listed".into());
        }
        Ok(())
    }

    /// The end of the last session of a day.
    pub fn last_end(&self) -> Time {
        self.sessions
            .iter()
            .map(|s| s.end)
            .max()
            .unwrap_or(Time::midnight())
    }
}

/// Formats a time of day as `08:30`.
pub(crate) fn hhmm(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// A service category: what the citizen touches on the lobby screen.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Category {
    pub id: CategoryId,
    pub name_zh: String,
    pub name_en: String,
    /// The windows that serve this category, in call order of preference.
    pub windows: Vec<WindowNo>,
    /// Hours of this category when they differ from the station's.
    pub hours: Option<Hours>,
}

/// A validation failure in a catalog, naming the category (by position) and field.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("{}field `{field}`: {problem}", category.map(|i| format!("category #{}: ", i + 1)).unwrap_or_default())]
pub struct CatalogError {
    /// Position of the offending category in the file, `None` for station-wide fields.
    pub category: Option<usize>,
    pub field: &'static str,
    pub problem: String,
}

/// The validated service catalog.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Catalog {
    categories: Vec<Category>,
    hours: Hours,
}

impl Catalog {
    /// Validates categories and station hours: at least one category, unique
    /// prefixes, names in both languages, at least one serving window each, and
    /// sane sessions.
    pub fn new(categories: Vec<Category>, hours: Hours) -> Result<Self, CatalogError> {
        let err = |category, field, problem: String| CatalogError {
            category,
            field,
            problem,
        };
        hours.validate().map_err(|p| err(None, "hours", p))?;
        if categories.is_empty() {
            return Err(err(
                None,
                "category",
                "the catalog lists no categories; add at least one [[category]]".into(),
            ));
        }
        let mut seen = BTreeSet::new();
        for (i, c) in categories.iter().enumerate() {
            if !seen.insert(c.id) {
                return Err(err(
                    Some(i),
                    "prefix",
                    format!("prefix {} is used by an earlier category", c.id),
                ));
            }
            if c.name_zh.trim().is_empty() {
                return Err(err(Some(i), "zh", "the Chinese name is empty".into()));
            }
            if c.name_en.trim().is_empty() {
                return Err(err(Some(i), "en", "the English name is empty".into()));
            }
            if c.windows.is_empty() {
                return Err(err(
                    Some(i),
                    "windows",
                    "no window serves this category; list at least one window number".into(),
                ));
            }
            let unique: BTreeSet<_> = c.windows.iter().collect();
            if unique.len() != c.windows.len() {
                return Err(err(Some(i), "windows", "a window is listed twice".into()));
            }
            if let Some(h) = &c.hours {
                h.validate().map_err(|p| err(Some(i), "hours", p))?;
            }
        }
        Ok(Self { categories, hours })
    }

    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    pub fn category(&self, id: CategoryId) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The station's own hours (a category may override them).
    pub fn hours(&self) -> &Hours {
        &self.hours
    }

    /// The hours that apply to a category.
    pub fn hours_of<'a>(&'a self, category: &'a Category) -> &'a Hours {
        category.hours.as_ref().unwrap_or(&self.hours)
    }

    /// Every window that serves at least one category, ascending.
    pub fn windows(&self) -> Vec<WindowNo> {
        let set: BTreeSet<WindowNo> = self
            .categories
            .iter()
            .flat_map(|c| c.windows.iter().copied())
            .collect();
        set.into_iter().collect()
    }

    /// Categories a window serves, in catalog order.
    pub fn served_by(&self, window: WindowNo) -> impl Iterator<Item = &Category> {
        self.categories
            .iter()
            .filter(move |c| c.windows.contains(&window))
    }
}

/// How call-next chooses between priority (老弱病残孕) and normal tickets.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "snake_case")]
pub enum Policy {
    /// Every waiting priority ticket is called before any normal ticket.
    Strict,
    /// After `every` priority tickets in a row at a window, one normal ticket.
    Alternate { every: u8 },
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Policy::Strict => write!(f, "strict"),
            Policy::Alternate { every } => write!(f, "alternate every {every}"),
        }
    }
}

/// Station-wide settings the domain rules read. Defaults are the station's
/// usual practice; `config` fills them from `kiosk.toml`.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The station's time zone: the business day and every displayed time.
    pub time_zone: TimeZone,
    pub policy: Policy,
    /// How many times staff may recall the same ticket.
    pub recall_limit: u8,
    /// A re-queued (过号) ticket goes back behind this many waiting tickets.
    pub requeue_after: u32,
    /// Ticketing stops this many minutes before a session ends.
    pub last_ticket_minutes: u32,
    /// When the business day closes; open tickets are then closed as unserved.
    pub day_close: Time,
    /// Close ticketing on official holidays even on listed weekdays.
    pub closed_on_holidays: bool,
    /// Service time assumed for the wait estimate before any data exists.
    pub default_service_minutes: u32,
    /// How many recent completions the rolling mean service time uses.
    pub service_sample: usize,
    /// How long a window's evaluator takes a rating after staff complete a
    /// ticket (10–120 s).
    pub rating_seconds: u32,
    /// A bad rating's case: the citizen is called back within this many
    /// working days, and the window's rectification is done within this many.
    pub callback_days: u32,
    pub rectify_days: u32,
    /// Who staffs each window (its card, its cases) as `kiosk.toml` names
    /// it: what a record names where signing on is optional and nobody did.
    pub staff: BTreeMap<WindowNo, StaffRef>,
    /// Each window's posts (A, B, 代办员, substitute), by staff number: who
    /// may sign on there. A window without posts takes anyone.
    pub posts: BTreeMap<WindowNo, Posts>,
    /// A window calls only with a member signed on.
    pub sign_on_required: bool,
    /// Calling the next ticket waits for the last one's rating (or its
    /// time): nobody can skip the citizen's rating.
    pub call_waits_for_rating: bool,
    /// While every window of a category is away, tickets are still issued
    /// (with the notice on them).
    pub issue_when_away: bool,
    /// The buzzer beeps when a case's deadline is newly missed or coming.
    pub reminder_buzzer: bool,
    /// The safety zones, in the board profile's order.
    pub zones: Vec<ZoneInfo>,
    /// A complaint is answered within this many working days (the receipt
    /// promises the date).
    pub answer_days: u32,
    /// A complainant's callback number is deleted this many days after the
    /// case is filed (存档).
    pub phone_retention_days: u32,
    /// A proxy commission's citizen (name, ID number) is deleted this many
    /// days after the result is handed over.
    pub principal_retention_days: u32,
    /// After a restart, a paper asked of the printer this many minutes ago
    /// or less whose outcome was lost is printed again (marked 补打): the
    /// citizen is probably still at the kiosk. Older ones are listed for
    /// staff. 0 lists them all.
    pub reprint_unconfirmed_minutes: u32,
    /// A clock behind the journal by more than this many minutes makes the
    /// station doubt which is wrong: it holds its time at the journal's (as
    /// for any clock behind it) and asks a manager — or NTP — to confirm the
    /// clock (ADR 0015).
    pub clock_doubt_minutes: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            time_zone: TimeZone::get("Asia/Shanghai").unwrap_or(TimeZone::UTC),
            policy: Policy::Strict,
            recall_limit: 3,
            requeue_after: 2,
            last_ticket_minutes: 15,
            day_close: Time::constant(18, 0, 0, 0),
            closed_on_holidays: true,
            default_service_minutes: 5,
            service_sample: 20,
            rating_seconds: 30,
            callback_days: 1,
            rectify_days: 15,
            staff: BTreeMap::new(),
            posts: BTreeMap::new(),
            sign_on_required: true,
            call_waits_for_rating: true,
            issue_when_away: true,
            reminder_buzzer: false,
            zones: Vec::new(),
            answer_days: 5,
            phone_retention_days: 180,
            principal_retention_days: 180,
            reprint_unconfirmed_minutes: 2,
            clock_doubt_minutes: 10,
        }
    }
}

/// The staff member at the window when the case arose.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct StaffRef {
    pub name: String,
    pub number: String,
}

/// Which of a window's posts a member serves it on.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Post {
    /// The window's own member (A岗).
    A,
    /// Who stands in when A is away (B岗).
    B,
    /// The 代办员.
    Agent,
    /// The substitute the village committee names (顶岗).
    Substitute,
    /// The window names no posts: any staff member may serve it.
    Any,
}

impl Post {
    pub const ALL: [Post; 5] = [Post::A, Post::B, Post::Agent, Post::Substitute, Post::Any];

    pub fn word(self) -> &'static str {
        match self {
            Post::A => "a",
            Post::B => "b",
            Post::Agent => "agent",
            Post::Substitute => "substitute",
            Post::Any => "any",
        }
    }

    /// What the card and the board call it; `None` for a window without
    /// posts.
    pub fn zh(self) -> Option<&'static str> {
        match self {
            Post::A => Some("A岗"),
            Post::B => Some("B岗"),
            Post::Agent => Some("代办员"),
            Post::Substitute => Some("顶岗"),
            Post::Any => None,
        }
    }

    pub fn en(self) -> Option<&'static str> {
        match self {
            Post::A => Some("A post"),
            Post::B => Some("B post"),
            Post::Agent => Some("proxy agent"),
            Post::Substitute => Some("substitute"),
            Post::Any => None,
        }
    }
}

/// The staff numbers a window's posts name (`kiosk.toml`'s `[[window]]`).
#[derive(Clone, Default, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Posts {
    pub a: Option<String>,
    pub b: Option<String>,
    pub agent: Option<String>,
    pub substitute: Option<String>,
}

impl Posts {
    /// Whether the window names any post at all.
    pub fn any(&self) -> bool {
        self.named().next().is_some()
    }

    /// The posts named, with their member.
    pub fn named(&self) -> impl Iterator<Item = (Post, &str)> {
        [
            (Post::A, &self.a),
            (Post::B, &self.b),
            (Post::Agent, &self.agent),
            (Post::Substitute, &self.substitute),
        ]
        .into_iter()
        .filter_map(|(post, member)| member.as_deref().map(|m| (post, m)))
    }

    /// The post a member would serve this window on: the first that names
    /// them, `Any` when the window names none, `None` when it names others.
    pub fn post_of(&self, member: &str) -> Option<Post> {
        if !self.any() {
            return Some(Post::Any);
        }
        self.named().find(|(_, m)| *m == member).map(|(p, _)| p)
    }
}
