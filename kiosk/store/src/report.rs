//! The station's figures for a day or a month (按时报送每月办件情况): visits
//! (接待/取号: tickets) by category and window, waiting and service times,
//! no-shows; matters (办件) by outcome, matter and window, the written
//! notices given and the share of visits that needed a second trip; ratings
//! by level and window with the satisfaction rate; and cases opened, closed
//! on time and overdue. Read from the `tickets` and `matters` projections,
//! the journal's ratings and guide prints, and the `cases` table; the same
//! report feeds `kiosk report` and the staff console.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use rusqlite::Connection;
use serde::Serialize;

use super::StoreError;
use domain::{Case, CaseSource};

/// How the report codes ratings (stated in every export).
pub const RATING_CODING: &str = "rating levels: 5 = 非常满意 very satisfied, 4 = 满意 satisfied, 3 = 基本满意 fair, 2 = 不满意 dissatisfied, 1 = 非常不满意 very dissatisfied (GB/T 39046 numbers them the other way round); satisfaction (满意率) = (levels 5 and 4) / all ratings; good rate (好差评好评率) = (levels 5, 4 and 3) / all ratings; rated share = ratings / services completed; not offered = services completed without the evaluator taking a rating; a member is whoever was signed on at the window";

/// How the report counts matters (stated in every export).
pub const MATTER_CODING: &str = "visits (接待/取号) count tickets; matters (办件) count each matter recorded at a window once, by outcome: done = 即办结, notice = 补正告知 (a written notice of missing materials), accepted = 受理 (promised, with a receipt), proxy = 转代办 (commissioned to the 代办员, with a receipt), referred = 转介 (sent to another window or office), refused = 不予受理, consult = 咨询; second trip = a visit with a matter given a 补正 notice, over all visits with a matter";

/// Matters of one matter (or one window): counts by outcome, in the order
/// of `domain::Outcome::WORDS`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MatterLine {
    pub key: String,
    /// The matter's name (by matter), empty by window.
    pub name: String,
    pub handled: u32,
    pub outcomes: [u32; domain::Outcome::WORDS.len()],
}

/// Matters in the period.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MatterFigures {
    pub total: MatterLine,
    pub by_matter: Vec<MatterLine>,
    pub by_window: Vec<MatterLine>,
    /// Written notices of missing materials given (补正告知).
    pub notices: u32,
    /// One-time notices (一次性告知单) citizens printed at the lobby guide.
    pub guides_printed: u32,
    /// Tickets taken for a matter at the lobby guide.
    pub tickets_for_matters: u32,
    /// Visits (a ticket, or a citizen served without one) with a matter
    /// recorded, and those of them that needed a second trip.
    pub visits: u32,
    pub second_trips: u32,
    /// `second_trips / visits`, in percent.
    pub second_trip_share: Option<f64>,
}

/// Tickets of one category (or one window).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TicketLine {
    pub key: String,
    pub issued: u32,
    pub served: u32,
    /// Called and not there (过号), never served.
    pub no_show: u32,
    /// Still waiting when the day closed.
    pub unserved: u32,
    /// Issue → first call, in seconds.
    pub wait_mean: Option<u32>,
    pub wait_p90: Option<u32>,
    /// Call → complete, in seconds.
    pub service_mean: Option<u32>,
    /// Of `issued` and `served`: matters handled by hand during an outage
    /// and back-entered (补录); they have no waiting time.
    pub back_entered: u32,
}

/// Ratings of one window (or all).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RatingLine {
    pub key: String,
    /// Counts of levels 1 to 5.
    pub levels: [u32; 5],
    pub total: u32,
    /// Share of ratings 4 and 5, in percent (满意率).
    pub satisfaction: Option<f64>,
    /// Share of ratings 3, 4 and 5, in percent (好差评's good rate).
    pub good_rate: Option<f64>,
}

/// Services of one member (or one window) and their ratings: how many were
/// offered for rating, rated, and closed without a rating offered.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ServiceLine {
    /// The staff number (`—`: nobody signed on), or the window.
    pub key: String,
    /// Services completed.
    pub served: u32,
    /// Of those, offered for rating (the evaluator armed).
    pub offered: u32,
    /// Completed without a rating offered.
    pub not_offered: u32,
    pub ratings: RatingLine,
    /// Ratings over services completed, in percent.
    pub rated_share: Option<f64>,
}

/// Cases in the period.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CaseLine {
    pub opened: u32,
    pub from_ratings: u32,
    pub from_complaints: u32,
    /// Filed (存档) in the period.
    pub closed: u32,
    /// Of those, filed by their rectification date.
    pub closed_on_time: u32,
    /// Open at the period's end and past a deadline.
    pub overdue: u32,
}

/// A report for the days `from..=to`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub from: Date,
    pub to: Date,
    pub rating_coding: &'static str,
    pub total: TicketLine,
    pub by_category: Vec<TicketLine>,
    pub by_window: Vec<TicketLine>,
    pub ratings: RatingLine,
    pub ratings_by_window: Vec<RatingLine>,
    /// Services and ratings by the member who served, and by window.
    pub services_by_member: Vec<ServiceLine>,
    pub services_by_window: Vec<ServiceLine>,
    pub cases: CaseLine,
    pub matter_coding: &'static str,
    pub matters: MatterFigures,
    /// Per day: (day, tickets issued, served), for the chart.
    pub daily: Vec<(String, u32, u32)>,
}

#[derive(Default)]
struct Acc {
    issued: u32,
    served: u32,
    no_show: u32,
    unserved: u32,
    back_entered: u32,
    waits: Vec<u32>,
    service: Vec<u32>,
}

impl Acc {
    fn line(mut self, key: String) -> TicketLine {
        self.waits.sort_unstable();
        let mean = |v: &[u32]| {
            (!v.is_empty())
                .then(|| (v.iter().map(|&x| u64::from(x)).sum::<u64>() / v.len() as u64) as u32)
        };
        let p90 = (!self.waits.is_empty()).then(|| {
            // Nearest rank.
            let rank = (self.waits.len() * 9).div_ceil(10).max(1);
            self.waits[rank - 1]
        });
        TicketLine {
            key,
            issued: self.issued,
            served: self.served,
            no_show: self.no_show,
            unserved: self.unserved,
            wait_mean: mean(&self.waits),
            wait_p90: p90,
            service_mean: mean(&self.service),
            back_entered: self.back_entered,
        }
    }
}

fn rating_line(key: String, levels: [u32; 5]) -> RatingLine {
    let total = levels.iter().sum();
    let share = |n: u32| (total > 0).then(|| f64::from(n) * 100.0 / f64::from(total));
    RatingLine {
        key,
        levels,
        total,
        satisfaction: share(levels[3] + levels[4]),
        good_rate: share(levels[2] + levels[3] + levels[4]),
    }
}

/// A journaled rating level's place in `levels` (level 1 at 0), if it is
/// one of 1–5.
fn level_index(level: Option<i64>) -> Option<usize> {
    level
        .and_then(|l| usize::try_from(l - 1).ok())
        .filter(|i| *i < 5)
}

/// Counts of one member's or window's services while the report is read.
#[derive(Default)]
struct ServiceAcc {
    served: u32,
    offered: u32,
    levels: [u32; 5],
}

impl ServiceAcc {
    fn line(self, key: String) -> ServiceLine {
        let ratings = rating_line(key.clone(), self.levels);
        ServiceLine {
            rated_share: (self.served > 0)
                .then(|| f64::from(ratings.total) * 100.0 / f64::from(self.served)),
            key,
            served: self.served,
            offered: self.offered,
            not_offered: self.served.saturating_sub(self.offered),
            ratings,
        }
    }
}

/// Services completed, offered for rating and rated in the span of time,
/// by the member the journal names and by window.
fn services(
    conn: &Connection,
    (from, to): (&str, &str),
    (since, until): (i64, i64),
) -> rusqlite::Result<(Vec<ServiceLine>, Vec<ServiceLine>)> {
    let mut by_member: BTreeMap<String, ServiceAcc> = BTreeMap::new();
    let mut by_window: BTreeMap<i64, ServiceAcc> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT kind, window_no, json_extract(body, '$.member'), json_extract(body, '$.level')
         FROM journal
         WHERE kind IN ('ticket_completed', 'rating_armed', 'ticket_rated')
           AND at_ms >= ?3 AND at_ms < ?4 AND day BETWEEN ?1 AND ?2",
    )?;
    let mut rows = stmt.query(rusqlite::params![from, to, since, until])?;
    while let Some(r) = rows.next()? {
        let kind: String = r.get(0)?;
        let window: Option<i64> = r.get(1)?;
        let member: Option<String> = r.get(2)?;
        let level: Option<i64> = r.get(3)?;
        let note = |acc: &mut ServiceAcc| match kind.as_str() {
            "ticket_completed" => acc.served += 1,
            "rating_armed" => acc.offered += 1,
            _ => {
                if let Some(i) = level_index(level) {
                    acc.levels[i] += 1;
                }
            }
        };
        note(
            by_member
                .entry(member.unwrap_or_else(|| "—".into()))
                .or_default(),
        );
        if let Some(w) = window {
            note(by_window.entry(w).or_default());
        }
    }
    Ok((
        by_member.into_iter().map(|(k, a)| a.line(k)).collect(),
        by_window
            .into_iter()
            .map(|(k, a)| a.line(k.to_string()))
            .collect(),
    ))
}

/// Builds the report for `from..=to` (business days) in the station's zone.
pub fn report(
    conn: &Connection,
    from: Date,
    to: Date,
    tz: &TimeZone,
) -> Result<Report, StoreError> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or(""));
    let sql = |e| StoreError::from_sql(&path, e);
    let (f, t) = (from.to_string(), to.to_string());
    let mut total = Acc::default();
    let mut by_category: BTreeMap<String, Acc> = BTreeMap::new();
    let mut by_window: BTreeMap<i64, Acc> = BTreeMap::new();
    let mut daily: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let mut stmt = conn
        .prepare(
            "SELECT day, category, state, issued_at_ms, called_at_ms, window_no, service_seconds
             FROM tickets WHERE day BETWEEN ?1 AND ?2",
        )
        .map_err(sql)?;
    let mut rows = stmt.query([&f, &t]).map_err(sql)?;
    while let Some(r) = rows.next().map_err(sql)? {
        let day: String = r.get(0).map_err(sql)?;
        let category: String = r.get(1).map_err(sql)?;
        let state: String = r.get(2).map_err(sql)?;
        let issued: i64 = r.get(3).map_err(sql)?;
        let called: Option<i64> = r.get(4).map_err(sql)?;
        let window: Option<i64> = r.get(5).map_err(sql)?;
        let service: Option<i64> = r.get(6).map_err(sql)?;
        let wait = called.map(|c| u32::try_from((c - issued).max(0) / 1000).unwrap_or(u32::MAX));
        let served = state == "completed";
        let d = daily.entry(day).or_default();
        d.0 += 1;
        d.1 += u32::from(served);
        note(&mut total, &state, wait, service);
        note(
            by_category.entry(category).or_default(),
            &state,
            wait,
            service,
        );
        if let Some(w) = window {
            note(by_window.entry(w).or_default(), &state, wait, service);
        }
    }

    // Matters back-entered after an outage count on the day they were
    // handled, served, with their service time and without a wait.
    let mut stmt = conn
        .prepare(
            "SELECT json_extract(body, '$.handled_day'), json_extract(body, '$.category'),
                    window_no, json_extract(body, '$.service_seconds')
             FROM journal WHERE kind = 'back_entered'
               AND json_extract(body, '$.handled_day') BETWEEN ?1 AND ?2",
        )
        .map_err(sql)?;
    let mut rows = stmt.query([&f, &t]).map_err(sql)?;
    while let Some(r) = rows.next().map_err(sql)? {
        let day: String = r.get(0).map_err(sql)?;
        let category: String = r.get(1).map_err(sql)?;
        let window: Option<i64> = r.get(2).map_err(sql)?;
        let service: Option<i64> = r.get(3).map_err(sql)?;
        let d = daily.entry(day).or_default();
        d.0 += 1;
        d.1 += 1;
        let back = |acc: &mut Acc| {
            acc.back_entered += 1;
            note(acc, "completed", None, service);
        };
        back(&mut total);
        back(by_category.entry(category).or_default());
        if let Some(w) = window {
            back(by_window.entry(w).or_default());
        }
    }

    let mut levels = [0u32; 5];
    let mut levels_by_window: BTreeMap<i64, [u32; 5]> = BTreeMap::new();
    // The business day is the local date of the entry's time: the same days
    // as a span of time, which the (kind, time) index finds directly.
    let midnight = |d: Date| {
        tz.to_ambiguous_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
            .compatible()
            .map(|t| t.as_millisecond())
    };
    let (since, until) = match (midnight(from), to.tomorrow().map(midnight)) {
        (Ok(s), Ok(Ok(u))) => (s, u),
        _ => (i64::MIN, i64::MAX),
    };
    let mut stmt = conn
        .prepare(
            "SELECT window_no, json_extract(body, '$.level') FROM journal
             WHERE kind = 'ticket_rated' AND at_ms >= ?3 AND at_ms < ?4
               AND day BETWEEN ?1 AND ?2",
        )
        .map_err(sql)?;
    let mut rows = stmt
        .query(rusqlite::params![&f, &t, since, until])
        .map_err(sql)?;
    while let Some(r) = rows.next().map_err(sql)? {
        let window: Option<i64> = r.get(0).map_err(sql)?;
        let level: Option<i64> = r.get(1).map_err(sql)?;
        let Some(i) = level_index(level) else {
            continue;
        };
        levels[i] += 1;
        if let Some(w) = window {
            levels_by_window.entry(w).or_default()[i] += 1;
        }
    }

    let mut cases = CaseLine::default();
    let mut stmt = conn.prepare("SELECT body FROM cases").map_err(sql)?;
    let mut rows = stmt.query([]).map_err(sql)?;
    while let Some(r) = rows.next().map_err(sql)? {
        let body: String = r.get(0).map_err(sql)?;
        let Ok(case) = serde_json::from_str::<Case>(&body) else {
            continue;
        };
        if case.day >= from && case.day <= to {
            cases.opened += 1;
            match case.source {
                CaseSource::Rating { .. } => cases.from_ratings += 1,
                CaseSource::Complaint { .. } => cases.from_complaints += 1,
            }
        }
        if let Some(at) = case.archived_at() {
            let filed = tz.to_datetime(at).date();
            if filed >= from && filed <= to {
                cases.closed += 1;
                cases.closed_on_time += u32::from(filed <= case.rectify_due.date);
            }
        }
        // Opened by the period's end, still open, and past a deadline then.
        if case.day <= to && case.is_open() && case.overdue(to).any() {
            cases.overdue += 1;
        }
    }

    let matters = matter_figures(conn, &f, &t).map_err(sql)?;
    let (services_by_member, services_by_window) =
        services(conn, (&f, &t), (since, until)).map_err(sql)?;

    Ok(Report {
        from,
        to,
        rating_coding: RATING_CODING,
        matter_coding: MATTER_CODING,
        matters,
        total: total.line("all".into()),
        by_category: by_category.into_iter().map(|(k, a)| a.line(k)).collect(),
        by_window: by_window
            .into_iter()
            .map(|(k, a)| a.line(k.to_string()))
            .collect(),
        ratings: rating_line("all".into(), levels),
        ratings_by_window: levels_by_window
            .into_iter()
            .map(|(k, l)| rating_line(k.to_string(), l))
            .collect(),
        services_by_member,
        services_by_window,
        cases,
        daily: daily.into_iter().map(|(d, (i, s))| (d, i, s)).collect(),
    })
}

/// The matters recorded on days `from..=to` (as text), from the `matters`
/// projection, with the guide's prints and the tickets taken for a matter.
fn matter_figures(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<MatterFigures> {
    fn count(line: &mut MatterLine, outcome: &str) {
        line.handled += 1;
        if let Some(i) = domain::Outcome::WORDS.iter().position(|w| *w == outcome) {
            line.outcomes[i] += 1;
        }
    }
    let mut figures = MatterFigures {
        total: MatterLine {
            key: "all".into(),
            ..MatterLine::default()
        },
        ..MatterFigures::default()
    };
    let mut by_matter: BTreeMap<String, MatterLine> = BTreeMap::new();
    let mut by_window: BTreeMap<i64, MatterLine> = BTreeMap::new();
    // Each visit: needed a second trip?
    let mut visits: BTreeMap<(String, String), bool> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT id, day, ticket, window_no, matter_id, matter_zh, outcome
         FROM matters WHERE day BETWEEN ?1 AND ?2 ORDER BY id",
    )?;
    let mut rows = stmt.query([from, to])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let day: String = r.get(1)?;
        let ticket: Option<String> = r.get(2)?;
        let window: i64 = r.get(3)?;
        let matter: String = r.get(4)?;
        let name: String = r.get(5)?;
        let outcome: String = r.get(6)?;
        count(&mut figures.total, &outcome);
        let line = by_matter
            .entry(matter.clone())
            .or_insert_with(|| MatterLine {
                key: matter,
                ..MatterLine::default()
            });
        // The name as most recently recorded.
        line.name = name;
        count(line, &outcome);
        count(
            by_window.entry(window).or_insert_with(|| MatterLine {
                key: window.to_string(),
                ..MatterLine::default()
            }),
            &outcome,
        );
        figures.notices += u32::from(outcome == "notice");
        // A citizen served without a ticket is a visit of their own.
        let visit = (day, ticket.unwrap_or_else(|| format!("#{id}")));
        *visits.entry(visit).or_default() |= outcome == "notice";
    }
    figures.by_matter = by_matter.into_values().collect();
    figures.by_window = by_window.into_values().collect();
    figures.visits = visits.len() as u32;
    figures.second_trips = visits.values().filter(|v| **v).count() as u32;
    figures.second_trip_share = (figures.visits > 0)
        .then(|| f64::from(figures.second_trips) * 100.0 / f64::from(figures.visits));
    figures.guides_printed = conn.query_row(
        "SELECT count(*) FROM journal WHERE kind = 'guide_printed' AND day BETWEEN ?1 AND ?2",
        [from, to],
        |r| r.get(0),
    )?;
    figures.tickets_for_matters = conn.query_row(
        "SELECT count(*) FROM tickets WHERE matter_id IS NOT NULL AND day BETWEEN ?1 AND ?2",
        [from, to],
        |r| r.get(0),
    )?;
    Ok(figures)
}

fn note(acc: &mut Acc, state: &str, wait: Option<u32>, service: Option<i64>) {
    acc.issued += 1;
    match state {
        "completed" => acc.served += 1,
        "skipped" => acc.no_show += 1,
        "unserved" | "waiting" => acc.unserved += 1,
        _ => {}
    }
    if let Some(w) = wait {
        acc.waits.push(w);
    }
    if let Some(s) = service.and_then(|s| u32::try_from(s).ok()) {
        acc.service.push(s);
    }
}
