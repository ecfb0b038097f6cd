//! The station's figures for a day or a month (按时报送每月办件情况): tickets by
//! category and window, waiting and service times, no-shows, ratings by level
//! and window with the satisfaction rate, and cases opened, closed on time and
//! overdue. Read from the `tickets` projection, the journal's ratings and the
//! `cases` table; the same report feeds `kiosk report` and the staff console.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use rusqlite::Connection;
use serde::Serialize;

use super::StoreError;
use domain::{Case, CaseSource};

/// How the report codes ratings (stated in every export).
pub const RATING_CODING: &str = "rating levels: 5 = 非常满意 very satisfied, 4 = 满意 satisfied, 3 = 基本满意 fair, 2 = 不满意 dissatisfied, 1 = 非常不满意 very dissatisfied (GB/T 39046 numbers them the other way round); satisfaction = (levels 4 and 5) / all ratings";

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
    /// Share of ratings 4 and 5, in percent.
    pub satisfaction: Option<f64>,
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
    pub cases: CaseLine,
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
    RatingLine {
        key,
        levels,
        total,
        satisfaction: (total > 0)
            .then(|| f64::from(levels[3] + levels[4]) * 100.0 / f64::from(total)),
    }
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
        let Some(i) = level
            .and_then(|l| usize::try_from(l - 1).ok())
            .filter(|i| *i < 5)
        else {
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

    Ok(Report {
        from,
        to,
        rating_coding: RATING_CODING,
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
        cases,
        daily: daily.into_iter().map(|(d, (i, s))| (d, i, s)).collect(),
    })
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
