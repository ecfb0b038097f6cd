//! The station: today's queue and windows, the rules that change them, and the
//! view the screens read.
//!
//! `decide` turns a command into the records to journal and the effects to carry out
//! after the commit; it works on a scratch copy, so a rejected or uncommitted command
//! leaves the station untouched. `apply` is the only mutator and is also how the
//! station is rebuilt from the journal after a restart.
//!
//! This module holds the state and the two dispatchers; each area keeps its
//! commands and the facts they record together in a module of its own:
//! `queue`, `day`, `clock`, `evaluator`, `cases`, `complaints`, `alarms`,
//! `paper`, `back_entry` and `staff`. The types themselves (commands, facts,
//! decisions, views) are in `command`, `fact`, `effect` and `view`.

mod alarms;
mod back_entry;
mod cases;
mod clock;
mod command;
mod complaints;
mod day;
mod district;
mod dockets;
mod effect;
mod evaluator;
mod fact;
mod matters;
mod paper;
mod people;
mod queue;
mod roster;
mod staff;
mod view;

use std::collections::{BTreeMap, VecDeque};

use jiff::Timestamp;
use jiff::civil::Date;

pub use command::{
    Actor, BACK_ENTRY_DAYS, BACK_ENTRY_MAX_HOURS, BackEntry, Command, PrintOutcome, PrinterFault,
    PrinterHealth, SignInPlace,
};
pub use dockets::DocketDocument;
pub use effect::{Decision, Effect, Notice, Rejection, TicketSlip};
pub use evaluator::BAD_RATING_MAX;
pub use fact::{Fact, Record, SignOff, UnratedReason};
pub use matters::{MAX_REASON, MAX_RETURN_DAYS};
pub use roster::Registers;
pub use view::{
    AwayView, CaseView, CategoryView, ClockDoubt, DocketView, MemberView, ServingView, StationView,
    ZoneView,
};

use crate::calendar::HolidayCalendar;
use crate::case::{Case, CaseNo};
use crate::catalog::{Catalog, CategoryId, Settings, WindowNo, hhmm};
use crate::printing::{Paper, Prints};
use crate::safety::{StaffRole, ZoneSignal, ZoneState};
use crate::ticket::{Ticket, TicketCode};

/// A window as the rules see it.
#[derive(Clone, Default, PartialEq, Eq, Debug)]
struct WindowState {
    paused: bool,
    current: Option<TicketCode>,
    /// The ticket the evaluator takes a rating for, and until when.
    armed: Option<(TicketCode, Timestamp)>,
    /// Priority tickets called in a row, for the `alternate` policy.
    priority_streak: u8,
    /// Evaluator keys (by level) held down too long.
    stuck: Vec<u8>,
    /// Who is signed on.
    on: Option<crate::people::OnPost>,
    /// The notice shown while the window's member is away.
    away: Option<crate::people::Away>,
    /// Staff called the next ticket; the call waits for the armed ticket's
    /// rating.
    call_held: bool,
    /// Whom the armed ticket's rating names: who served it.
    armed_for: Option<String>,
    /// A result handed over here waits for its rating, until when.
    armed_docket: Option<(crate::docket::DocketNo, Timestamp)>,
}

/// Today's queue, windows and history: the state the rules work on.
#[derive(Clone, Debug)]
pub struct Station {
    catalog: Catalog,
    calendar: HolidayCalendar,
    settings: Settings,
    day: Option<Date>,
    day_closed: bool,
    tickets: Vec<Ticket>,
    counters: BTreeMap<CategoryId, u32>,
    windows: BTreeMap<WindowNo, WindowState>,
    service: BTreeMap<CategoryId, VecDeque<u32>>,
    high_water: Option<Timestamp>,
    clock_warned: bool,
    clock_unconfirmed: bool,
    printer_fault: Option<String>,
    printer: PrinterHealth,
    /// Tickets armed for a rating today, with their rating once known
    /// (`Some(None)`: unrated). A ticket is armed once at most.
    ratings: BTreeMap<TicketCode, (WindowNo, Option<Option<u8>>)>,
    next_order: i64,
    /// Open cases, and those archived today.
    cases: BTreeMap<CaseNo, Case>,
    /// The highest case number given in each year.
    case_seq: BTreeMap<i16, u32>,
    /// The safety zones, in the order of `settings.zones`.
    zones: Vec<ZoneState>,
    /// Matters back-entered today, by window and start: entering one twice
    /// (a double submit) is refused.
    back_entries: std::collections::BTreeSet<(WindowNo, Timestamp)>,
    /// Papers at the printer without a journaled outcome, and those listed
    /// for staff after a restart.
    prints: Prints,
    /// When today closed and the tickets it closed unserved: a day closed by
    /// a clock that ran ahead opens again once the real time is confirmed.
    closed: Option<(Timestamp, Vec<TicketCode>)>,
    /// The highest number of each category on business days after the one
    /// held — days a clock that ran ahead already opened — so that numbering
    /// goes on there when the day really comes.
    later_days: BTreeMap<Date, BTreeMap<CategoryId, u32>>,
    /// PINs refused today, by where they were typed.
    pin_refusals: BTreeMap<SignInPlace, u32>,
    /// Matters recorded today, by ticket: recording one twice is refused.
    matters_handled: std::collections::BTreeSet<(TicketCode, crate::matter::MatterId)>,
    /// The highest written notice number given today.
    notices_today: u16,
    /// The leave register's entries that a new one may still overlap.
    leave: BTreeMap<u32, crate::roster::LeaveEntry>,
    /// The highest leave number given.
    leave_seq: u32,
    /// The duty roster from a week back.
    roster: BTreeMap<Date, crate::roster::Duty>,
    /// Notices posted on the lobby's board and not yet over, by number;
    /// the highest number given.
    notices: BTreeMap<u32, crate::roster::PostedNotice>,
    notice_seq: u32,
    /// Dockets not yet collected, and those collected today.
    dockets: BTreeMap<crate::docket::DocketNo, crate::docket::Docket>,
    /// The highest receipt number given in each year.
    docket_seq: BTreeMap<i16, u32>,
}

impl Station {
    /// A station with no history.
    pub fn new(catalog: Catalog, calendar: HolidayCalendar, settings: Settings) -> Self {
        let zone_count = settings.zones.len();
        let windows = catalog
            .windows()
            .into_iter()
            .map(|w| (w, WindowState::default()))
            .collect();
        Self {
            catalog,
            calendar,
            settings,
            day: None,
            day_closed: false,
            tickets: Vec::new(),
            counters: BTreeMap::new(),
            windows,
            service: BTreeMap::new(),
            high_water: None,
            clock_warned: false,
            clock_unconfirmed: false,
            printer_fault: None,
            printer: PrinterHealth::Ready,
            ratings: BTreeMap::new(),
            next_order: 0,
            cases: BTreeMap::new(),
            case_seq: BTreeMap::new(),
            zones: vec![ZoneState::default(); zone_count],
            back_entries: Default::default(),
            prints: Prints::default(),
            closed: None,
            later_days: BTreeMap::new(),
            pin_refusals: BTreeMap::new(),
            matters_handled: Default::default(),
            notices_today: 0,
            leave: BTreeMap::new(),
            leave_seq: 0,
            roster: BTreeMap::new(),
            notices: BTreeMap::new(),
            notice_seq: 0,
            dockets: BTreeMap::new(),
            docket_seq: BTreeMap::new(),
        }
    }

    /// A station with this one's catalog, calendar and settings but no history:
    /// the starting point for rebuilding it from the journal.
    pub fn blank(&self) -> Self {
        Self::new(
            self.catalog.clone(),
            self.calendar.clone(),
            self.settings.clone(),
        )
    }

    /// Seeds the rolling service times from earlier days (most recent last).
    pub fn seed_service_times(
        &mut self,
        category: CategoryId,
        seconds: impl IntoIterator<Item = u32>,
    ) {
        let sample = self.service.entry(category).or_default();
        for s in seconds {
            sample.push_back(s);
            if sample.len() > self.settings.service_sample {
                sample.pop_front();
            }
        }
    }

    /// Seeds the cases still open from earlier days and the highest case
    /// number given in each year, as the store keeps them.
    pub fn seed_cases(
        &mut self,
        open: impl IntoIterator<Item = Case>,
        highest: impl IntoIterator<Item = (i16, u32)>,
    ) {
        for (year, seq) in highest {
            let top = self.case_seq.entry(year).or_default();
            *top = (*top).max(seq);
        }
        for case in open {
            self.note_case_no(case.no);
            self.cases.insert(case.no, case);
        }
    }

    /// Seeds the numbers already given on business days after the latest
    /// one in the journal (a clock ran ahead into them): when such a day
    /// comes, its numbering goes on above them.
    pub fn seed_later_days(&mut self, numbers: impl IntoIterator<Item = (Date, CategoryId, u32)>) {
        for (day, category, number) in numbers {
            let top = self
                .later_days
                .entry(day)
                .or_default()
                .entry(category)
                .or_default();
            *top = (*top).max(number);
        }
    }

    /// Seeds the alarms latched before a restart (their zone and since when),
    /// as the store finds them in the journal.
    pub fn seed_alarms(&mut self, latched: impl IntoIterator<Item = (String, Timestamp)>) {
        for (zone, at) in latched {
            if let Some(z) = self.zone_named_mut(&zone) {
                z.latched = Some(at);
            }
        }
    }

    /// A case known to the station (open, or archived today).
    pub fn case(&self, no: CaseNo) -> Option<&Case> {
        self.cases.get(&no)
    }

    /// Replaces the holiday calendar (a newer file was loaded). Deadlines
    /// already given keep their dates.
    pub fn set_calendar(&mut self, calendar: HolidayCalendar) {
        self.calendar = calendar;
    }

    pub fn calendar(&self) -> &HolidayCalendar {
        &self.calendar
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Today's tickets in issue order.
    pub fn tickets(&self) -> &[Ticket] {
        &self.tickets
    }

    pub fn ticket(&self, code: TicketCode) -> Option<&Ticket> {
        self.tickets.iter().find(|t| t.code == code)
    }

    /// How many matters were back-entered this business day.
    pub fn back_entries_today(&self) -> usize {
        self.back_entries.len()
    }

    /// Papers handed to the printer whose outcome is not journaled yet (at
    /// the printer now, or — in a station rebuilt after a crash — lost),
    /// with when they were asked for.
    pub fn outstanding_prints(&self) -> Vec<(Paper, Timestamp)> {
        self.prints.outstanding().collect()
    }

    /// The latest instant the station has recorded; time never runs back behind it.
    pub fn high_water(&self) -> Option<Timestamp> {
        self.high_water
    }

    /// Decides what a command does at `now`, without changing the station.
    pub fn decide(
        &self,
        command: &Command,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Decision, Rejection> {
        let mut scratch = self.scratch(actor.clone(), now);
        // Confirming the clock is about the time itself: it is decided at
        // the clock's reading, before the hold at the journal's.
        match *command {
            Command::ConfirmClock { role } => {
                if role != StaffRole::Manager {
                    return Err(Rejection::ClockRole);
                }
                scratch.correct_clock(false)?;
                return Ok(scratch.decision);
            }
            Command::ClockSource {
                synchronized: Some(true),
                ..
            } if self.clock_doubt(now).is_some() => {
                scratch.correct_clock(true)?;
                return Ok(scratch.decision);
            }
            _ => {}
        }
        scratch.housekeeping();
        scratch.command(command)?;
        Ok(scratch.decision)
    }

    /// Decides what the board's zones signalled at one moment — a pressed
    /// panic button is its input and its alarm at once — as one decision,
    /// so that it is journaled in one commit and waits for one `fsync`
    /// (ADR 0033). The signals are decided in order, each seeing the records
    /// of those before it; the first rejection rejects them all.
    pub fn decide_zones(
        &self,
        signals: &[(u8, ZoneSignal)],
        now: Timestamp,
    ) -> Result<Decision, Rejection> {
        let mut scratch = self.scratch(Actor::System, now);
        scratch.housekeeping();
        for &(zone, signal) in signals {
            scratch.command(&Command::Zone { zone, signal })?;
        }
        Ok(scratch.decision)
    }

    /// A decision for `actor` at `now` begins on a copy of the station.
    fn scratch(&self, actor: Actor, now: Timestamp) -> Scratch {
        Scratch {
            station: self.clone(),
            decision: Decision::default(),
            actor,
            now,
        }
    }

    /// Applies a committed record.
    ///
    /// Each fact goes to the area that owns it; an area's `apply_…` handles
    /// only the facts sent to it here.
    pub fn apply(&mut self, record: &Record) {
        self.high_water = Some(self.high_water.map_or(record.at, |h| h.max(record.at)));
        if self.day.is_none() {
            self.day = Some(record.day);
        }
        match &record.fact {
            Fact::DayOpened | Fact::DayClosed { .. } => self.apply_day(record),
            Fact::TicketIssued { .. }
            | Fact::TicketCalled { .. }
            | Fact::TicketRecalled { .. }
            | Fact::TicketSkipped { .. }
            | Fact::TicketRequeued { .. }
            | Fact::TicketTransferred { .. }
            | Fact::TicketCompleted { .. }
            | Fact::WindowOpened { .. }
            | Fact::WindowPaused { .. } => self.apply_queue(record),
            Fact::SignedOn { .. } | Fact::SignedOff { .. } | Fact::CallHeld { .. } => {
                self.apply_people(record)
            }
            Fact::LeaveRegistered { .. }
            | Fact::LeaveCancelled { .. }
            | Fact::DutySet { .. }
            | Fact::NoticePosted { .. }
            | Fact::NoticeWithdrawn { .. } => self.apply_roster(record),
            Fact::ClockBehind { .. }
            | Fact::ClockRecovered
            | Fact::ClockCorrected { .. }
            | Fact::ClockUnconfirmed { .. }
            | Fact::ClockConfirmed => self.apply_clock(record),
            Fact::TicketPrinted { .. }
            | Fact::PrintFailed { .. }
            | Fact::TicketReprinted { .. }
            | Fact::CaseReprinted { .. }
            | Fact::PrintUnconfirmed { .. }
            | Fact::PrinterChanged { .. }
            | Fact::CasePrinted { .. } => self.apply_paper(record),
            Fact::RatingArmed { .. }
            | Fact::TicketRated { .. }
            | Fact::TicketUnrated { .. }
            | Fact::EvaluatorFault { .. } => self.apply_evaluator(record),
            Fact::ZoneInput { .. }
            | Fact::AlarmRaised { .. }
            | Fact::AlarmAcknowledged { .. }
            | Fact::AlarmReset { .. }
            | Fact::ZoneFaulted { .. } => self.apply_alarms(record),
            Fact::CaseOpened { .. }
            | Fact::CaseAdvanced { .. }
            | Fact::CaseExtended { .. }
            | Fact::CaseReopened { .. } => self.apply_case(record),
            Fact::BackEntered { .. } => self.apply_back_entry(record),
            Fact::PinRefused { .. } => self.apply_staff(record),
            Fact::MatterHandled { .. } | Fact::NoticeGiven { .. } => self.apply_matters(record),
            Fact::DocketOpened { .. }
            | Fact::DocketAdvanced { .. }
            | Fact::DocketRatingArmed { .. }
            | Fact::DocketRated { .. } => self.apply_docket(record),
            // Kept in the journal; nothing here changes.
            Fact::PrintResent { .. }
            | Fact::RatingIgnored { .. }
            | Fact::ContactDeleted { .. }
            | Fact::CallbackAdded { .. }
            | Fact::PaperChanged
            | Fact::StaffSignedIn { .. }
            | Fact::DayAnchored { .. }
            | Fact::CaseExported { .. }
            | Fact::GuidePrinted { .. }
            | Fact::MattersInstalled { .. }
            | Fact::DocketReprinted { .. }
            | Fact::PrincipalDeleted { .. }
            | Fact::Announced { .. } => {}
        }
    }

    /// Formats an instant in the station's time zone, `2026-11-28 09:05`.
    pub fn local(&self, at: Timestamp) -> String {
        let dt = self.settings.time_zone.to_datetime(at);
        format!(
            "{:04}-{:02}-{:02} {}",
            dt.date().year(),
            dt.date().month(),
            dt.date().day(),
            hhmm(dt.time())
        )
    }

    /// The business day of an instant: its date in the station's time zone.
    pub fn business_day(&self, at: Timestamp) -> Date {
        self.settings.time_zone.to_datetime(at).date()
    }

    /// The windows, for a rejection that names an unknown one.
    fn window_list(&self) -> String {
        self.windows
            .keys()
            .map(|w| w.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The categories, for a rejection that names an unknown one.
    fn category_list(&self) -> String {
        self.catalog
            .categories()
            .iter()
            .map(|c| c.id.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A decision in the making: a copy of the station that records are applied to as
/// they are decided, so later rules see earlier records of the same command.
struct Scratch {
    station: Station,
    decision: Decision,
    actor: Actor,
    now: Timestamp,
}

impl Scratch {
    /// Records a fact as caused by `actor` and applies it to the scratch
    /// station at once.
    fn record_as(&mut self, actor: Actor, fact: Fact) {
        let record = Record {
            at: self.now,
            day: self
                .station
                .day
                .unwrap_or_else(|| self.station.business_day(self.now)),
            actor,
            fact,
        };
        self.station.apply(&record);
        self.decision.records.push(record);
    }

    /// Records a fact as caused by whoever gave the command.
    fn record(&mut self, fact: Fact) {
        self.record_as(self.actor.clone(), fact);
    }

    /// Adds an effect to carry out once the records are committed.
    fn effect(&mut self, effect: Effect) {
        self.decision.effects.push(effect);
    }

    /// Rules that run before every command: time never runs backwards, the
    /// business day rolls over and closes on time, and rating times run out.
    fn housekeeping(&mut self) {
        self.hold_time();
        self.roll_day();
        self.expire_ratings();
        self.expire_docket_ratings(false);
    }

    /// A window by its number, or why there is none.
    fn window(&self, window: WindowNo) -> Result<&WindowState, Rejection> {
        self.station
            .windows
            .get(&window)
            .ok_or_else(|| Rejection::UnknownWindow(window, self.station.window_list()))
    }

    /// The ticket a window is serving, or why there is none.
    fn current(&self, window: WindowNo) -> Result<TicketCode, Rejection> {
        self.window(window)?
            .current
            .ok_or(Rejection::NoTicketAtWindow(window))
    }

    /// Hands a command to the area it belongs to; an area's `decide_…`
    /// handles only the commands sent to it here.
    fn command(&mut self, command: &Command) -> Result<(), Rejection> {
        match *command {
            // Time passing is what housekeeping already did.
            Command::Tick => Ok(()),
            Command::Started { printer } => {
                self.disarm_all(UnratedReason::Restart);
                self.expire_docket_ratings(true);
                self.recover_prints(printer);
                Ok(())
            }
            // Decided before housekeeping (see `decide`).
            Command::ConfirmClock { .. } => Ok(()),
            Command::NoteAnchor { .. } => self.decide_day(command),
            Command::ClockSource { .. } => self.decide_clock(command),
            Command::Issue { .. }
            | Command::IssueFor { .. }
            | Command::CallNext { .. }
            | Command::Recall { .. }
            | Command::Skip { .. }
            | Command::Complete { .. }
            | Command::Transfer { .. }
            | Command::Requeue { .. }
            | Command::SetWindowOpen { .. } => self.decide_queue(command),
            Command::Rate { .. }
            | Command::EvaluatorFault { .. }
            | Command::RatingExpired { .. } => self.decide_evaluator(command),
            Command::PrintOutcome { .. }
            | Command::PrinterHealth(_)
            | Command::Reprint { .. }
            | Command::ReprintCase { .. }
            | Command::PrintResent { .. }
            | Command::PaperChanged
            | Command::CasePrinted { .. } => self.decide_paper(command),
            Command::AdvanceCase { .. }
            | Command::ExtendCase { .. }
            | Command::ReopenCase { .. }
            | Command::ForgetContacts { .. }
            | Command::AddCallback { .. }
            | Command::ExportCase { .. } => self.decide_case(command),
            Command::FileComplaint { .. } => self.decide_complaint(command),
            Command::Zone { .. }
            | Command::AcknowledgeAlarm { .. }
            | Command::ResetAlarm { .. } => self.decide_alarms(command),
            Command::BackEnter(ref entry) => self.back_enter(entry),
            Command::NoteSignIn { .. } => self.decide_staff(command),
            Command::SignOn { .. } | Command::SignOff { .. } | Command::StepAway { .. } => {
                self.decide_people(command)
            }
            Command::RegisterLeave { .. }
            | Command::CancelLeave { .. }
            | Command::SetDuty { .. }
            | Command::PostNotice { .. }
            | Command::WithdrawNotice { .. } => self.decide_roster(command),
            Command::PrintGuide { .. }
            | Command::RecordMatter { .. }
            | Command::GiveNotice { .. }
            | Command::NoteMatters { .. } => self.decide_matters(command),
            Command::AcceptMatter { .. }
            | Command::AdvanceDocket { .. }
            | Command::ReprintDocket { .. }
            | Command::ForgetPrincipals { .. } => self.decide_docket(command),
            Command::NoteAnnounced {
                what,
                ticket,
                window,
                ref sets,
                outcome,
            } => {
                self.record(Fact::Announced {
                    what,
                    ticket,
                    window,
                    sets: sets.clone(),
                    outcome,
                });
                Ok(())
            }
        }
    }
}
