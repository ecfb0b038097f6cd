//! The manager's registers: leave (请假) entered with its kind and approver,
//! never overlapping another leave of the same member; the duty roster
//! (值班表) day by day; the notices posted on the lobby's board, a closure
//! among them closing ticketing for its period. The station keeps the
//! entries its rules still look at — leave that may yet be overlapped, the
//! roster from a week back, notices not over — and the store reads the rest
//! from the journal.

use jiff::civil::Date;
use jiff::{Span, Timestamp};

use super::{Command, Fact, Record, Rejection, Scratch, Station};
use crate::complaint::normalise_text;
use crate::people::{MAX_MEMBER, valid_contact};
use crate::roster::{
    Duty, LEAVE_AHEAD_DAYS, LEAVE_BACK_DAYS, LEAVE_MAX_DAYS, LeaveEntry, NOTICE_MAX_DAYS,
    NOTICE_TEXT_MAX, NOTICE_TITLE_MAX, PostedNotice, ROSTER_AHEAD_DAYS, ROSTER_BACK_DAYS,
    ROSTER_MAX_DAYS,
};
use crate::safety::StaffRole;

impl Station {
    /// Applies a leave entry, its cancellation or a roster change.
    pub(super) fn apply_roster(&mut self, record: &Record) {
        match &record.fact {
            Fact::LeaveRegistered { entry } => {
                self.leave_seq = self.leave_seq.max(entry.no);
                self.leave.insert(entry.no, entry.clone());
            }
            Fact::LeaveCancelled { no, .. } => {
                self.leave.remove(no);
            }
            Fact::DutySet { days, duty } => {
                for d in days {
                    self.roster.insert(*d, duty.clone());
                }
            }
            Fact::NoticePosted { no, notice } => {
                self.notice_seq = self.notice_seq.max(*no);
                self.notices.insert(*no, notice.clone());
            }
            Fact::NoticeWithdrawn { no } => {
                self.notices.remove(no);
            }
            _ => {}
        }
    }

    /// Seeds the registers as the journal left them before the latest
    /// day: leave not cancelled, the roster's days, the notices posted and
    /// not over, and the highest leave and notice numbers given.
    pub fn seed_registers(&mut self, registers: Registers) {
        self.leave_seq = self.leave_seq.max(registers.highest_leave);
        self.notice_seq = self.notice_seq.max(registers.highest_notice);
        for entry in registers.leave {
            self.leave.insert(entry.no, entry);
        }
        self.roster.extend(registers.roster);
        self.notices.extend(registers.notices);
    }

    /// Forgets what no rule looks at any more, as a day opens.
    pub(super) fn prune_registers(&mut self, day: Date) {
        let leave_from = day.saturating_sub(Span::new().days(LEAVE_BACK_DAYS));
        self.leave.retain(|_, l| l.to >= leave_from);
        let roster_from = day.saturating_sub(Span::new().days(ROSTER_BACK_DAYS));
        self.roster.retain(|d, _| *d >= roster_from);
        let tz = &self.settings.time_zone;
        self.notices
            .retain(|_, n| tz.to_datetime(n.until).date() >= day);
    }

    /// The notices posted on the lobby's board at `at`, by number.
    pub fn notices_at(&self, at: Timestamp) -> impl Iterator<Item = (u32, &PostedNotice)> {
        self.notices
            .iter()
            .filter(move |(_, n)| n.shown_at(at))
            .map(|(no, n)| (*no, n))
    }

    /// Every notice the station holds (posted, or still to come).
    pub fn notices(&self) -> impl Iterator<Item = (u32, &PostedNotice)> {
        self.notices.iter().map(|(no, n)| (*no, n))
    }

    /// A notice that closes ticketing at `at`, if one is posted.
    pub fn closure_at(&self, at: Timestamp) -> Option<&PostedNotice> {
        self.notices_at(at).map(|(_, n)| n).find(|n| n.closes)
    }

    /// The leave the station holds: what may still be overlapped.
    pub fn leave_register(&self) -> impl Iterator<Item = &LeaveEntry> {
        self.leave.values()
    }

    /// The duty of a calendar day, as the roster has it.
    pub fn duty_on(&self, day: Date) -> Option<&Duty> {
        self.roster.get(&day)
    }

    /// Whose duty it is at `at`: the day's own until the next day's first
    /// session begins — tonight's duty keeps the phone through the night.
    pub fn duty_at(&self, at: Timestamp) -> Option<&Duty> {
        let local = self.settings.time_zone.to_datetime(at);
        let opens = self
            .catalog
            .hours()
            .sessions
            .first()
            .map(|s| s.start)
            .unwrap_or_default();
        let day = if local.time() < opens {
            local.date().yesterday().ok()?
        } else {
            local.date()
        };
        self.duty_on(day)
    }
}

impl Scratch {
    /// Decides a leave entry, its cancellation or a roster change: the
    /// manager's alone.
    pub(super) fn decide_roster(&mut self, command: &Command) -> Result<(), Rejection> {
        match command {
            Command::RegisterLeave {
                member,
                leave,
                from,
                to,
                approver,
                role,
            } => {
                managers(*role)?;
                self.register_leave(member, *leave, (*from, *to), approver)
            }
            Command::CancelLeave { no, role } => {
                managers(*role)?;
                let Some(entry) = self.station.leave.get(no).cloned() else {
                    return Err(Rejection::NoSuchLeave(*no));
                };
                self.record(Fact::LeaveCancelled {
                    no: *no,
                    member: entry.member,
                });
                Ok(())
            }
            Command::SetDuty { days, duty, role } => {
                managers(*role)?;
                self.set_duty(days, duty)
            }
            Command::PostNotice { notice, role } => {
                managers(*role)?;
                self.post_notice(notice)
            }
            Command::WithdrawNotice { no, role } => {
                managers(*role)?;
                if !self.station.notices.contains_key(no) {
                    return Err(Rejection::NoSuchNotice(*no));
                }
                self.record(Fact::NoticeWithdrawn { no: *no });
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn register_leave(
        &mut self,
        member: &crate::case::StaffRef,
        leave: crate::roster::LeaveKind,
        (from, to): (Date, Date),
        approver: &str,
    ) -> Result<(), Rejection> {
        let today = self.station.business_day(self.now);
        if to < from {
            return Err(Rejection::LeaveDates { from, to });
        }
        let days = from.until(to).map_or(i64::MAX, |s| i64::from(s.get_days())) + 1;
        if days > LEAVE_MAX_DAYS {
            return Err(Rejection::LeaveTooLong(days));
        }
        let earliest = today.saturating_sub(Span::new().days(LEAVE_BACK_DAYS));
        let latest = today.saturating_add(Span::new().days(LEAVE_AHEAD_DAYS));
        if from < earliest || from > latest {
            return Err(Rejection::LeaveWhen {
                from,
                earliest,
                latest,
            });
        }
        let number: String = member.number.trim().chars().take(MAX_MEMBER).collect();
        if let Some(other) = self
            .station
            .leave
            .values()
            .find(|l| l.member == number && l.overlaps(from, to))
        {
            return Err(Rejection::LeaveOverlaps {
                member: number,
                no: other.no,
                from: other.from,
                to: other.to,
            });
        }
        self.record(Fact::LeaveRegistered {
            entry: LeaveEntry {
                no: self.station.leave_seq + 1,
                member: number,
                name: member.name.trim().chars().take(MAX_MEMBER).collect(),
                leave,
                from,
                to,
                approver: approver.chars().take(MAX_MEMBER).collect(),
            },
        });
        Ok(())
    }

    fn set_duty(&mut self, days: &[Date], duty: &Duty) -> Result<(), Rejection> {
        let today = self.station.business_day(self.now);
        let earliest = today.saturating_sub(Span::new().days(ROSTER_BACK_DAYS));
        let latest = today.saturating_add(Span::new().days(ROSTER_AHEAD_DAYS));
        let mut days = days.to_vec();
        days.sort();
        days.dedup();
        if days.is_empty()
            || days.len() > ROSTER_MAX_DAYS
            || days.first().is_some_and(|d| *d < earliest)
            || days.last().is_some_and(|d| *d > latest)
        {
            return Err(Rejection::RosterDays { earliest, latest });
        }
        let phone = duty.phone.trim().to_string();
        if !valid_contact(&phone) {
            return Err(Rejection::BadContact(phone.chars().take(24).collect()));
        }
        let trim = |s: &crate::case::StaffRef| crate::case::StaffRef {
            name: s.name.trim().chars().take(MAX_MEMBER).collect(),
            number: s.number.trim().chars().take(MAX_MEMBER).collect(),
        };
        self.record(Fact::DutySet {
            days,
            duty: Duty {
                member: trim(&duty.member),
                phone,
                leader: duty.leader.as_ref().map(trim),
            },
        });
        Ok(())
    }
}

impl Scratch {
    /// A notice for the board: a title and text within their lengths
    /// (normalised; public by purpose, so not masked), ending after it
    /// begins and after now, within a year.
    fn post_notice(&mut self, notice: &PostedNotice) -> Result<(), Rejection> {
        let (title, _) = normalise_text(&notice.title, NOTICE_TITLE_MAX + 1);
        let (text, _) = normalise_text(&notice.text, NOTICE_TEXT_MAX + 1);
        if title.is_empty()
            || title.chars().count() > NOTICE_TITLE_MAX
            || text.chars().count() > NOTICE_TEXT_MAX
        {
            return Err(Rejection::NoticeText);
        }
        let too_long = notice.until.duration_since(notice.from)
            > jiff::SignedDuration::from_hours(24 * NOTICE_MAX_DAYS);
        if notice.until <= notice.from || notice.until <= self.now || too_long {
            return Err(Rejection::NoticeTimes(
                self.station.local(notice.from),
                self.station.local(notice.until),
            ));
        }
        self.record(Fact::NoticePosted {
            no: self.station.notice_seq + 1,
            notice: PostedNotice {
                title,
                text,
                ..notice.clone()
            },
        });
        Ok(())
    }
}

/// What a restart seeds the registers with (`Station::seed_registers`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Registers {
    pub leave: Vec<LeaveEntry>,
    pub roster: Vec<(Date, Duty)>,
    pub notices: Vec<(u32, PostedNotice)>,
    pub highest_leave: u32,
    pub highest_notice: u32,
}

/// The registers are the station manager's (便民服务站负责人负责每天考勤统计).
fn managers(role: StaffRole) -> Result<(), Rejection> {
    if role == StaffRole::Manager {
        Ok(())
    } else {
        Err(Rejection::ManagersRegister)
    }
}
