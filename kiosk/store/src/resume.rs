//! Resuming after a start or a restore: reading the journal back in order
//! (checking its chain) to rebuild the station's state and its seeds.

use std::path::Path;

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::Connection;

use domain::{Case, CategoryId, LEAVE_BACK_DAYS, ROSTER_BACK_DAYS, Record, Registers, Station};

use super::*;

/// What the station needs after a restart to resume where it was.
#[derive(Debug, Default)]
pub struct Resume {
    /// Every record of the latest business day in the journal, in order.
    pub records: Vec<Record>,
    /// Recent service times per category from earlier days, oldest first.
    pub service_times: Vec<(CategoryId, Vec<u32>)>,
    /// Cases not yet archived, in number order.
    pub open_cases: Vec<Case>,
    /// The highest case number given in each year.
    pub case_numbers: Vec<(i16, u32)>,
    /// Dockets not yet collected, in number order.
    pub open_dockets: Vec<domain::Docket>,
    /// The highest receipt number given in each year.
    pub docket_numbers: Vec<(i16, u32)>,
    /// Safety alarms still latched, by zone, with when they were raised.
    pub latched_alarms: Vec<(String, Timestamp)>,
    /// The highest ticket number of each category on business days after
    /// the one resumed (a clock that ran ahead opened them).
    pub later_days: Vec<(Date, CategoryId, u32)>,
    /// The leave register's entries a new one may still overlap, the duty
    /// roster from a week back, the notices posted and not over, and the
    /// highest numbers given.
    pub registers: Registers,
}

impl Resume {
    /// Rebuilds a station from what the database holds: `blank` (a station with
    /// the catalog, calendar and settings but no history) plus the service times
    /// and every record of the latest day. This is how `kiosk run` starts and how
    /// the station loop recovers after a failed commit.
    pub fn rebuild(&self, blank: Station) -> Station {
        let mut station = blank;
        for (category, seconds) in &self.service_times {
            station.seed_service_times(*category, seconds.iter().copied());
        }
        station.seed_cases(self.open_cases.iter().cloned(), self.case_numbers.clone());
        station.seed_dockets(
            self.open_dockets.iter().cloned(),
            self.docket_numbers.iter().copied(),
        );
        station.seed_alarms(self.latched_alarms.iter().cloned());
        station.seed_later_days(self.later_days.iter().copied());
        station.seed_registers(self.registers.clone());
        for record in &self.records {
            station.apply(record);
        }
        station
    }
}

/// Reads what the station needs to resume, on any connection (`kiosk
/// doctor` and the command line rebuild the station read-only).
pub fn resume(conn: &Connection, path: &Path) -> Result<Resume, StoreError> {
    let store = Reader { conn, path };
    store.resume()
}

/// Reads on a connection that may be read-only.
pub(super) struct Reader<'a> {
    pub(super) conn: &'a Connection,
    pub(super) path: &'a Path,
}

impl Reader<'_> {
    fn resume(&self) -> Result<Resume, StoreError> {
        let sql = |e| StoreError::from_sql(self.path, e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, at, day, actor, body FROM journal
                 WHERE day = (SELECT day FROM journal ORDER BY seq DESC LIMIT 1)
                 ORDER BY seq",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                ))
            })
            .map_err(sql)?;
        let mut records = Vec::new();
        for row in rows {
            let (seq, at, day, actor, body) = row.map_err(sql)?;
            records.push(decode(self.path, seq, &at, &day, &actor, &body)?);
        }
        let today = records
            .first()
            .map(|r| r.day.to_string())
            .unwrap_or_default();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT queue, service_seconds FROM (
                     SELECT queue, service_seconds, finished_at_ms,
                            row_number() OVER (PARTITION BY queue ORDER BY finished_at_ms DESC) AS n
                     FROM tickets
                     WHERE service_seconds IS NOT NULL AND day < ?1)
                 WHERE n <= 20 ORDER BY queue, finished_at_ms",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([&today], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
            })
            .map_err(sql)?;
        let mut service_times: Vec<(CategoryId, Vec<u32>)> = Vec::new();
        for row in rows {
            let (queue, seconds) = row.map_err(sql)?;
            let Some(id) = CategoryId::parse(&queue) else {
                continue;
            };
            let seconds = seconds.clamp(0, i64::from(u32::MAX)) as u32;
            match service_times.last_mut() {
                Some((last, list)) if *last == id => list.push(seconds),
                _ => service_times.push((id, vec![seconds])),
            }
        }
        let registers = self.registers(records.first().map(|r| r.day))?;
        let (open_dockets, docket_numbers) = super::dockets::open_dockets(self.conn, self.path)?;
        Ok(Resume {
            registers,
            later_days: self.later_days(&today)?,
            records,
            service_times,
            open_cases: self.open_cases()?,
            case_numbers: self.case_numbers()?,
            open_dockets,
            docket_numbers,
            latched_alarms: self.latched_alarms()?,
        })
    }

    /// Ticket numbers already given on business days after `day`.
    fn later_days(&self, day: &str) -> Result<Vec<(Date, CategoryId, u32)>, StoreError> {
        let sql = |e| StoreError::from_sql(self.path, e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT day, category, max(number) FROM tickets WHERE day > ?1
                 GROUP BY day, category ORDER BY day, category",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([day], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                ))
            })
            .map_err(sql)?;
        let mut later = Vec::new();
        for row in rows {
            let (day, category, number) = row.map_err(sql)?;
            if let (Ok(day), Some(category)) = (day.parse(), CategoryId::parse(&category)) {
                later.push((day, category, number));
            }
        }
        Ok(later)
    }

    /// The registers as the station keeps them on `day` (the latest in the
    /// journal): leave not struck out that a new entry may still overlap,
    /// the roster from a week back, the notices not over, the highest
    /// numbers given.
    fn registers(&self, day: Option<Date>) -> Result<Registers, StoreError> {
        let Some(day) = day else {
            return Ok(Registers::default());
        };
        let register = attendance::leave_register(self.conn)?;
        let highest = register.iter().map(|(e, _)| e.no).max().unwrap_or(0);
        let since = day.saturating_sub(jiff::Span::new().days(LEAVE_BACK_DAYS));
        let leave = register
            .into_iter()
            .filter(|(e, cancelled)| !cancelled && e.to >= since)
            .map(|(e, _)| e)
            .collect();
        let from = day.saturating_sub(jiff::Span::new().days(ROSTER_BACK_DAYS));
        let roster = attendance::roster(self.conn, from, Date::MAX)?
            .into_iter()
            .collect();
        let (posted, highest_notice) = attendance::notices(self.conn)?;
        // Over before the day before began, in any time zone: no rule looks
        // at it (the station forgets it as the next day opens anyway).
        let since = day
            .saturating_sub(jiff::Span::new().days(2))
            .to_datetime(jiff::civil::Time::midnight());
        let since = jiff::tz::TimeZone::UTC
            .to_timestamp(since)
            .unwrap_or(jiff::Timestamp::MIN);
        Ok(Registers {
            leave,
            roster,
            notices: posted
                .into_iter()
                .filter(|(_, n)| n.until >= since)
                .collect(),
            highest_leave: highest,
            highest_notice,
        })
    }

    /// Alarms raised and not reset since, on any day: a latched alarm
    /// outlives the day and a restart.
    fn latched_alarms(&self) -> Result<Vec<(String, Timestamp)>, StoreError> {
        let sql = |e| StoreError::from_sql(self.path, e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT kind, at, json_extract(body, '$.zone') FROM journal
                 WHERE kind IN ('alarm_raised', 'alarm_reset') ORDER BY seq",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })
            .map_err(sql)?;
        let mut latched: Vec<(String, Timestamp)> = Vec::new();
        for row in rows {
            let (kind, at, zone) = row.map_err(sql)?;
            let Some(zone) = zone else { continue };
            latched.retain(|(z, _)| *z != zone);
            if kind == "alarm_raised"
                && let Ok(at) = at.parse()
            {
                latched.push((zone, at));
            }
        }
        Ok(latched)
    }

    /// Cases not yet archived, and those of the latest two years (an
    /// archived case is reopened when the complainant disagrees), in number
    /// order.
    fn open_cases(&self) -> Result<Vec<Case>, StoreError> {
        let sql = |e| StoreError::from_sql(self.path, e);
        let mut open = Vec::new();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT number, body FROM cases
                 WHERE stage != 'archived' OR year >= (SELECT max(year) FROM cases) - 1
                 ORDER BY year, seq",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(sql)?;
        for row in rows {
            let (number, body) = row.map_err(sql)?;
            open.push(decode_case(self.path, &number, &body)?);
        }
        Ok(open)
    }

    /// The highest case number given in each year.
    fn case_numbers(&self) -> Result<Vec<(i16, u32)>, StoreError> {
        let sql = |e| StoreError::from_sql(self.path, e);
        let mut stmt = self
            .conn
            .prepare("SELECT year, max(seq) FROM cases GROUP BY year ORDER BY year")
            .map_err(sql)?;
        let numbers = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
            .map_err(sql)?
            .filter_map(|r| match r {
                Ok((year, seq)) => Some(Ok((i16::try_from(year).ok()?, u32::try_from(seq).ok()?))),
                Err(e) => Some(Err(e)),
            })
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql)?;
        Ok(numbers)
    }
}
