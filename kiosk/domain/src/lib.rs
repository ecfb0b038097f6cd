//! The pure domain core of the station: tickets, calling, opening hours, the
//! business day, the evaluator's rating rule, cases and the working-day
//! calendar.
//!
//! Everything here is state plus `decide(command, now) -> records and effects` and
//! `apply(record)`. Nothing here reads the clock, sleeps, spawns, or touches tokio,
//! slint, rusqlite, serialport or GPIO; the shell passes `now` in and carries the
//! effects out only after the records that justify them are committed. That is what
//! makes every rule testable as a table, instantly and single-threaded.

mod actor;
mod attendance;
mod calendar;
mod case;
mod catalog;
mod complaint;
mod docket;
mod hours;
mod matter;
mod people;
mod printing;
mod roster;
mod safety;
mod station;
mod ticket;
mod voice;

#[cfg(test)]
mod tests;

pub use attendance::{
    Day as AttendanceDay, LATE_LIMIT_MINUTES, Leave, Mark, Span, Totals, days as attendance,
};
pub use calendar::{CalendarDay, CalendarError, Deadline, HolidayCalendar};
pub use case::{
    Answer, Case, CaseDocument, CaseNo, CaseSource, Extension, Overdue, StaffRef, Stage, StageEntry,
};
pub use catalog::{
    Catalog, CatalogError, Category, CategoryId, Days, Hours, Policy, Post, Posts, Session,
    Settings, WindowNo,
};
pub use complaint::{
    Channel, MAX_NOTE, MAX_TEXT, Phone, PhoneError, Topic, mask_phones, normalise_text,
    private_text,
};
pub use docket::{
    Docket, DocketKind, DocketStage, DocketStep, LookupCode, MAX_COPIES, MAX_OFFICE, MAX_RECEIVED,
    NotifyBy, Principal, PrincipalError, Received, id_checks,
};
pub use hours::{Ticketing, is_open_day, ticketing_state};
pub use matter::{
    DocketNo, Fee, Form, MAX_MATERIAL, MAX_MATERIALS, MAX_MATTERS, MAX_NAME, MAX_PARAGRAPH,
    MAX_WORKING_DAYS, Material, Matter, MatterId, MatterRef, Matters, NoticeNo, Outcome, Question,
    Text, TimeLimit, spells,
};
pub use people::{
    AWAY_APPROVAL_MINUTES, AWAY_MAX_DAYS, Away, AwayReason, MAX_MEMBER, OnPost, valid_contact,
};
pub use printing::{Paper, Unconfirmed, UnconfirmedPaper};
pub use roster::{
    Duty, LEAVE_AHEAD_DAYS, LEAVE_BACK_DAYS, LEAVE_MAX_DAYS, LeaveEntry, LeaveKind,
    NOTICE_MAX_DAYS, NOTICE_TEXT_MAX, NOTICE_TITLE_MAX, PostedNotice, ROSTER_AHEAD_DAYS,
    ROSTER_BACK_DAYS, ROSTER_MAX_DAYS,
};
pub use safety::{
    BuzzerPattern, OutputState, ResetRefusal, StaffRole, ZoneFault, ZoneInfo, ZoneRole, ZoneSignal,
    ZoneState,
};
pub use station::{
    Actor, AwayView, BACK_ENTRY_DAYS, BACK_ENTRY_MAX_HOURS, BAD_RATING_MAX, BackEntry, CaseView,
    CategoryView, ClockDoubt, Command, Decision, DocketDocument, DocketView, Effect, Fact,
    MemberView, Notice, PrintOutcome, PrinterFault, PrinterHealth, Record, Registers, Rejection,
    ServingView, SignInPlace, SignOff, Station, StationView, TicketSlip, UnratedReason, ZoneView,
};
pub use station::{MAX_REASON, MAX_RETURN_DAYS};
pub use ticket::{Ticket, TicketCode, TicketState};
pub use voice::{
    Announcement, AnnouncementKind, AnnouncementOutcome, CHIME, Grammar, NumberStyle, Reading,
    SENTENCES, Sentences, Step, VoiceError, check_sentences, required_phrases,
};
pub use voice::{number as spoken_number, ticket as spoken_ticket};
