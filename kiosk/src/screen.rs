//! What the station loop tells the touchscreen, and the touchscreen's side of
//! it: the views (home screen, ticket, staff mode, complaint box) as plain
//! data, and the [`Screen`] and [`ScreenOps`] traits the Slint screen
//! implements. The loop (`app`) and the UI (`ui`) both depend on this module
//! and not on each other.

use std::path::Path;

use board::command::Target;

/// One category button's data.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct CategoryRow {
    pub id: String,
    pub zh: String,
    pub en: String,
    pub issuing: bool,
    pub waiting: u32,
    pub wait_minutes: Option<u32>,
    /// Every window of the category is away: the button says so, with the
    /// return time or the window to go to (empty otherwise).
    pub away_zh: String,
    pub away_en: String,
}

/// One line of the "now serving" board.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ServingRow {
    pub window: u8,
    pub ticket: String,
    /// Called in the last few seconds, or (with a voice) being announced.
    pub fresh: bool,
    /// Being said aloud now.
    pub announcing: bool,
    pub paused: bool,
    /// The window's member is away: the notice in short, in big type.
    pub away_zh: String,
    pub away_en: String,
    /// The post of whoever is on, when it is not the window's own (B岗,
    /// 顶岗, 代办员): the board says who stands in.
    pub post_zh: String,
    pub post_en: String,
}

/// One page of the lobby's notice board (公示栏): its title and lines.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct BoardPage {
    pub title: String,
    pub lines: Vec<String>,
    /// Beside each line, a photo's file (岗位牌) or empty; the on-duty
    /// page only.
    pub photos: Vec<String>,
}

/// What the home screen shows.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ScreenView {
    pub categories: Vec<CategoryRow>,
    pub serving: Vec<ServingRow>,
    pub issuing: bool,
    /// A smoke alarm is latched: the evacuation screen covers everything.
    pub evacuate: bool,
    /// The safety zones, for staff mode only.
    pub alarms: Vec<AlarmRow>,
    /// The printer's state in words, for staff mode; `printer_ok` when it
    /// prints.
    pub printer: String,
    pub printer_ok: bool,
    /// Today's figures, for staff mode.
    pub summary: Vec<SummaryRow>,
    /// Who is signed on at each window (staff mode).
    pub on_duty: Vec<OnDutyRow>,
    /// Staff mode's voice page: what is said now and what waits; empty
    /// without a speaker.
    pub voice_line: String,
    pub next_open: String,
    /// Whose duty it is now by the roster, with the number (`李强
    /// 13800138000`); empty without one (the configured duty phone shows).
    pub duty: String,
    /// A posted notice closing ticketing now: `title：text`; empty without.
    pub closure: String,
    /// The notice board's pages.
    pub board: Vec<BoardPage>,
    /// A line for staff; empty when all is well.
    pub notice: String,
    /// Staff mode: the clock reads far behind the journal (the two times,
    /// and what confirming does); empty when all is well.
    pub clock_doubt: String,
    pub time: String,
    pub date_zh: String,
    pub date_en: String,
}

/// A safety zone as staff mode lists it.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct AlarmRow {
    pub zone: String,
    pub label: String,
    pub state: String,
    pub latched: bool,
    pub acknowledged: bool,
    pub fault: bool,
}

/// What staff do in staff mode besides the alarms.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum StaffAction {
    /// A new paper roll is in: print a test page.
    PaperChanged,
    /// Print a ticket again, by its code (`A012`).
    Reprint(String),
    /// The manager confirms the system clock is right (the journal ran
    /// ahead of it).
    ConfirmClock,
    /// Say a window's call again on the lobby speaker.
    VoiceRepeat(u8),
    /// The signed-in member signs on at a window.
    SignOn(u8),
    /// The signed-in member signs off at a window.
    SignOff(u8),
    /// Stop the announcement playing.
    VoiceStop,
    /// The written notice of missing materials for a matter of the catalog
    /// version named, at a window: the materials missing by their place in
    /// the matter's list.
    Notice {
        window: u8,
        matter: String,
        version: u32,
        missing: Vec<usize>,
    },
    /// A matter handled by hand during an outage (补录): today's business
    /// day or the day before, its start in minutes after midnight, and how
    /// long it took.
    BackEntry {
        category: String,
        window: u8,
        yesterday: bool,
        start_minutes: u32,
        minutes: u32,
    },
}

/// Who is signed on at a window, for staff mode's 在岗 page.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct OnDutyRow {
    pub window: u8,
    /// `王芳 (0101) · A岗`, or empty.
    pub who: String,
    /// The member signed in to staff mode is the one signed on here.
    pub mine: bool,
}

/// Today's figures for staff mode.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct SummaryRow {
    pub label: String,
    pub value: String,
}

/// What staff mode shows after a staff action.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum StaffOutcome {
    /// Signed in: the alarms screen, with the member's name.
    SignedIn { name: String },
    /// A line for the staff member: a refusal, or what was done.
    Message(String),
}

/// Where a shown ticket's printing stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PrintState {
    Printing,
    Printed,
    Failed,
    NoPrinter,
    /// Waiting for a printer fault to clear; the number is valid.
    Held,
}

/// The complaint box's last screen: the case number, large.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ReceiptView {
    pub case: String,
    /// `2026-12-07`.
    pub answer_by: String,
    pub working_days: u32,
    /// Counted over a year without an official holiday list.
    pub provisional: bool,
    pub print: PrintState,
}

/// What became of a complaint the citizen confirmed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ComplaintOutcome {
    Filed(ReceiptView),
    /// Not filed (the database refused it): ask staff.
    Refused(String),
}

/// The ticket screen's data.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TicketView {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub priority: bool,
    pub ahead: u32,
    pub wait_minutes: Option<u32>,
    pub time: String,
    pub print: PrintState,
}

/// Work to do on the UI thread.
pub type ScreenJob = Box<dyn FnOnce(&dyn ScreenOps) + Send>;

/// The touchscreen as the station loop sees it. The Slint implementation posts
/// every call to the UI thread; none of them blocks.
pub trait Screen: Send + Sync + 'static {
    fn show_view(&self, view: ScreenView);
    fn show_ticket(&self, ticket: TicketView);
    fn print_state(&self, code: String, state: PrintState);
    /// A touch gave no ticket: back home if ticketing closed meanwhile, else a
    /// "please ask staff" screen.
    fn problem(&self, closed: bool);
    /// A citizen rated the service at a window: thank them.
    fn thank(&self, window: u8);
    /// Staff mode: signed in, or a line to show.
    fn staff(&self, outcome: StaffOutcome);
    /// The complaint box: the complaint was filed (its case number), or not.
    fn complaint(&self, outcome: ComplaintOutcome);
    /// The receipt lookup: where the matter stands, or that nothing was
    /// found. (Test screens that never look receipts up ignore it.)
    fn receipt(&self, _answer: crate::receipt::Answer) {}
    /// Runs a job on the UI thread (taps, screenshots, barriers).
    fn run(&self, job: ScreenJob);
    /// Ends the UI event loop.
    fn quit(&self);
}

/// What the control socket may do on the UI thread.
pub trait ScreenOps {
    fn tap(&self, target: &Target) -> Result<(), String>;
    fn screenshot(&self, path: &Path) -> Result<(), String>;
    /// What the screen shows now, as JSON (screen, ticket, print line, notice).
    fn describe(&self) -> serde_json::Value;
    /// Types `text` and a line end as a keyboard would (the receipt
    /// scanner is one).
    fn scan(&self, _text: &str) -> Result<(), String> {
        Err("this screen takes no typing".into())
    }
}
