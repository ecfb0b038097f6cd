//! The 首问 ledger and the monthly report of matters (按时报送每月办件情况).
//!
//! The ledger is the `matters` projection: every matter a citizen brought
//! to a window, the member who first received them (signed on there), what
//! was asked and what became of it — answered, handled, accepted with a
//! receipt, commissioned to the 代办员, referred (to whom), given the
//! written notice of missing materials, refused. It is filtered in the
//! console and exported a month at a time.
//!
//! The monthly report adds the dockets: promised and proxy matters
//! accepted, finished, on time and overdue, by matter, window and member;
//! proxy matters by office with the time they took; the citizens' ratings
//! of results handed over; and the ledger's count by outcome.

use std::collections::BTreeMap;
use std::io::Write;

use jiff::civil::Date;
use rusqlite::{Connection, params};
use serde::Serialize;

use super::StoreError;
use super::export::{ExportError, Format};
use super::report::{MATTER_CODING, RATING_CODING};
use domain::{Docket, DocketKind};

/// How the monthly report counts dockets (stated in every export).
pub const DOCKET_CODING: &str = "dockets (受理件) are matters accepted with a receipt: promised = 承诺件, proxy = 代办件 (carried by the 代办员); accepted = receipts given in the month; finished = results back in the month (办结 or 退件); on time = a result back on or before its promised date; overdue = a result back after it, or none and the promised date past; days taken = calendar days from acceptance to the result back; result ratings are the citizen's at hand-over, coded as the evaluator's (5 best), unrated = the rating time ran out";

/// Which ledger rows a page shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LedgerFilter {
    /// Business days `from..=to`, `2026-12-01`.
    pub from: String,
    pub to: String,
    /// A member's number, a window, an outcome word, a matter id: empty
    /// or 0 for any.
    pub staff: String,
    pub window: u8,
    pub outcome: String,
    pub matter: String,
    /// Words found in the matter's name, the referral or the receipt.
    pub text: String,
    /// At most this many, newest first.
    pub limit: u32,
}

/// One ledger row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LedgerRow {
    pub id: i64,
    pub day: String,
    pub at_ms: i64,
    pub ticket: Option<String>,
    pub window: i64,
    pub matter_id: String,
    pub matter: String,
    pub outcome: String,
    pub notice: Option<String>,
    pub promised: Option<String>,
    pub staff: Option<String>,
    pub receipt: Option<String>,
    pub referred: Option<String>,
}

const LEDGER_COLUMNS: &str = "id, day, at_ms, ticket, window_no, matter_id, matter_zh, outcome, notice, promised, staff, receipt, referred";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LedgerRow> {
    Ok(LedgerRow {
        id: r.get(0)?,
        day: r.get(1)?,
        at_ms: r.get(2)?,
        ticket: r.get(3)?,
        window: r.get(4)?,
        matter_id: r.get(5)?,
        matter: r.get(6)?,
        outcome: r.get(7)?,
        notice: r.get(8)?,
        promised: r.get(9)?,
        staff: r.get(10)?,
        receipt: r.get(11)?,
        referred: r.get(12)?,
    })
}

/// The ledger's rows a filter picks, newest first, and how many it picks
/// in all.
pub fn ledger(conn: &Connection, f: &LedgerFilter) -> Result<(Vec<LedgerRow>, u64), StoreError> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or_default());
    let sql = |e| StoreError::from_sql(&path, e);
    let like = format!("%{}%", f.text.trim().replace(['%', '_'], ""));
    let clause = "day BETWEEN ?1 AND ?2
         AND (?3 = '' OR staff = ?3) AND (?4 = 0 OR window_no = ?4)
         AND (?5 = '' OR outcome = ?5) AND (?6 = '' OR matter_id = ?6)
         AND (?7 = '%%' OR matter_zh LIKE ?7 OR referred LIKE ?7 OR receipt LIKE ?7
              OR notice LIKE ?7 OR ticket LIKE ?7)";
    let args = params![f.from, f.to, f.staff, f.window, f.outcome, f.matter, like];
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM matters WHERE {clause}"))
        .and_then(|mut s| s.query_row(args, |r| r.get(0)))
        .map_err(sql)?;
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {LEDGER_COLUMNS} FROM matters WHERE {clause} ORDER BY id DESC LIMIT ?8"
        ))
        .map_err(sql)?;
    let rows = stmt
        .query_map(
            params![
                f.from,
                f.to,
                f.staff,
                f.window,
                f.outcome,
                f.matter,
                like,
                f.limit.max(1)
            ],
            row,
        )
        .map_err(sql)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(sql)?;
    Ok((rows, u64::try_from(total).unwrap_or(0)))
}

/// Writes the ledger of days `from..=to` in journal order, with its coding
/// stated. Returns how many rows.
pub fn export_ledger(
    conn: &Connection,
    from: Date,
    to: Date,
    format: Format,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or(""));
    let sql = |e| StoreError::from_sql(&path, e);
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {LEDGER_COLUMNS} FROM matters WHERE day BETWEEN ?1 AND ?2 ORDER BY id"
        ))
        .map_err(sql)?;
    let rows = stmt
        .query_map([from.to_string(), to.to_string()], row)
        .map_err(sql)?;
    let mut n = 0u64;
    match format {
        Format::Csv => {
            writeln!(out, "# 首问登记台账 first-contact ledger {from} – {to}")?;
            writeln!(out, "# {MATTER_CODING}")?;
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "id",
                "day",
                "at_ms",
                "ticket",
                "window",
                "matter_id",
                "matter",
                "outcome",
                "notice",
                "promised",
                "staff",
                "receipt",
                "referred",
            ])?;
            for r in rows {
                let r = r.map_err(sql)?;
                let opt = |o: &Option<String>| o.clone().unwrap_or_default();
                w.write_record([
                    r.id.to_string(),
                    r.day.clone(),
                    r.at_ms.to_string(),
                    opt(&r.ticket),
                    r.window.to_string(),
                    r.matter_id.clone(),
                    r.matter.clone(),
                    r.outcome.clone(),
                    opt(&r.notice),
                    opt(&r.promised),
                    opt(&r.staff),
                    opt(&r.receipt),
                    opt(&r.referred),
                ])?;
                n += 1;
            }
            w.flush()?;
        }
        Format::Json => {
            let all = rows.collect::<rusqlite::Result<Vec<_>>>().map_err(sql)?;
            n = all.len() as u64;
            serde_json::to_writer(
                &mut *out,
                &serde_json::json!({
                    "ledger": "首问登记台账",
                    "from": from.to_string(),
                    "to": to.to_string(),
                    "coding": MATTER_CODING,
                    "rows": all,
                }),
            )
            .map_err(std::io::Error::other)?;
            writeln!(out)?;
        }
    }
    Ok(n)
}

/// Dockets of one matter, window, member or kind.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DocketLine {
    pub key: String,
    pub name: String,
    pub accepted: u32,
    pub finished: u32,
    pub on_time: u32,
    pub overdue: u32,
}

/// Proxy matters carried to one office.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct OfficeLine {
    pub office: String,
    pub sent: u32,
    pub back: u32,
    /// Calendar days from acceptance to the result back.
    pub days_mean: Option<f64>,
    pub days_max: Option<i64>,
}

/// The month's report of matters and dockets.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Monthly {
    pub from: String,
    pub to: String,
    /// Matters recorded at windows (the 首问 ledger), by outcome word in
    /// the order of `domain::Outcome::WORDS`.
    pub received: u32,
    pub by_outcome: Vec<(String, u32)>,
    pub total: DocketLine,
    pub by_kind: Vec<DocketLine>,
    pub by_matter: Vec<DocketLine>,
    pub by_window: Vec<DocketLine>,
    pub by_member: Vec<DocketLine>,
    pub offices: Vec<OfficeLine>,
    /// Results handed over in the month and rated 1–5, and unrated.
    pub result_ratings: [u32; 5],
    pub result_unrated: u32,
    /// Dockets without a result at the month's end (or today) and past
    /// their promised date then.
    pub open_overdue: u32,
}

/// The report for days `from..=to`; `today` bounds what counts as overdue
/// for a month still under way.
pub fn monthly(
    conn: &Connection,
    from: Date,
    to: Date,
    today: Date,
) -> Result<Monthly, StoreError> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or_default());
    let sql = |e| StoreError::from_sql(&path, e);
    let (f, t) = (from.to_string(), to.to_string());
    let reckon = to.min(today).to_string();
    let mut m = Monthly {
        from: f.clone(),
        to: t.clone(),
        total: DocketLine {
            key: "all".into(),
            ..DocketLine::default()
        },
        ..Monthly::default()
    };
    // The ledger by outcome.
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    let mut stmt = conn
        .prepare_cached(
            "SELECT outcome, count(*) FROM matters WHERE day BETWEEN ?1 AND ?2 GROUP BY outcome",
        )
        .map_err(sql)?;
    let rows = stmt
        .query_map([&f, &t], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })
        .map_err(sql)?;
    for r in rows {
        let (outcome, n) = r.map_err(sql)?;
        counts.insert(outcome, u32::try_from(n).unwrap_or(0));
    }
    m.received = counts.values().sum();
    m.by_outcome = domain::Outcome::WORDS
        .iter()
        .map(|w| (w.to_string(), counts.get(*w).copied().unwrap_or(0)))
        .collect();
    // Dockets accepted, finished or handed over in the month, or still open.
    let mut stmt = conn
        .prepare_cached(
            "SELECT number, body FROM dockets
             WHERE day BETWEEN ?1 AND ?2 OR result_day BETWEEN ?1 AND ?2
                OR collected_day BETWEEN ?1 AND ?2
                OR (stage != 'collected' AND result_day IS NULL AND day <= ?2)",
        )
        .map_err(sql)?;
    let rows = stmt
        .query_map([&f, &t], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .map_err(sql)?;
    let mut by_kind: BTreeMap<String, DocketLine> = BTreeMap::new();
    let mut by_matter: BTreeMap<String, DocketLine> = BTreeMap::new();
    let mut by_window: BTreeMap<String, DocketLine> = BTreeMap::new();
    let mut by_member: BTreeMap<String, DocketLine> = BTreeMap::new();
    let mut offices: BTreeMap<String, (OfficeLine, Vec<i64>)> = BTreeMap::new();
    let inside = |d: &str| f.as_str() <= d && d <= t.as_str();
    for r in rows {
        let (number, body) = r.map_err(sql)?;
        let d: Docket = serde_json::from_str(&body).map_err(|e| StoreError::DocketUnreadable {
            path: path.clone(),
            number,
            problem: e.to_string(),
        })?;
        let day = d.day.to_string();
        let result = d.result().map(|s| s.at_day);
        let accepted = inside(&day);
        let finished = result.is_some_and(|r| inside(&r.to_string()));
        let on_time = finished && result.is_some_and(|r| r <= d.promised.date);
        // Still without a result at the month's end (or today), and past
        // its promised day then.
        let open_late =
            result.is_none_or(|r| r > to) && d.promised.date.to_string() < reckon && day <= t;
        let overdue = (finished && !on_time) || open_late;
        m.open_overdue += u32::from(open_late);
        let staff = d.staff.as_ref().map_or_else(
            || ("—".to_string(), String::new()),
            |s| (s.number.clone(), s.name.clone()),
        );
        for (map, key, name) in [
            (
                &mut by_kind,
                d.kind.word().to_string(),
                d.kind.zh().to_string(),
            ),
            (&mut by_matter, d.matter.id.to_string(), d.matter.zh.clone()),
            (&mut by_window, d.window.to_string(), String::new()),
            (&mut by_member, staff.0.clone(), staff.1.clone()),
        ] {
            let line = map.entry(key.clone()).or_insert_with(|| DocketLine {
                key,
                name,
                ..DocketLine::default()
            });
            count(line, accepted, finished, on_time, overdue);
        }
        count(&mut m.total, accepted, finished, on_time, overdue);
        if d.kind == DocketKind::Proxy
            && let Some(office) = d.office()
        {
            let sent_in = d
                .reached(domain::DocketStage::Sent)
                .is_some_and(|s| inside(&s.at_day.to_string()));
            let (line, days) = offices.entry(office.to_string()).or_insert_with(|| {
                (
                    OfficeLine {
                        office: office.to_string(),
                        ..OfficeLine::default()
                    },
                    Vec::new(),
                )
            });
            line.sent += u32::from(sent_in);
            if finished && let Some(r) = result {
                line.back += 1;
                days.push((r - d.day).get_days().into());
            }
        }
        if let Some(c) = d.reached(domain::DocketStage::Collected)
            && inside(&c.at_day.to_string())
        {
            match d.rating {
                Some(level @ 1..=5) => m.result_ratings[usize::from(level - 1)] += 1,
                Some(_) => m.result_unrated += 1,
                None => {}
            }
        }
    }
    m.by_kind = by_kind.into_values().collect();
    m.by_matter = by_matter.into_values().collect();
    m.by_window = by_window.into_values().collect();
    m.by_member = by_member.into_values().collect();
    m.offices = offices
        .into_values()
        .map(|(mut line, days)| {
            if !days.is_empty() {
                line.days_mean = Some(days.iter().sum::<i64>() as f64 / days.len() as f64);
                line.days_max = days.iter().max().copied();
            }
            line
        })
        .collect();
    Ok(m)
}

fn count(line: &mut DocketLine, accepted: bool, finished: bool, on_time: bool, overdue: bool) {
    line.accepted += u32::from(accepted);
    line.finished += u32::from(finished);
    line.on_time += u32::from(on_time);
    line.overdue += u32::from(overdue);
}

/// Writes the monthly report as CSV (one section per table, each headed)
/// or JSON, with its codings stated.
pub fn export_monthly(m: &Monthly, format: Format, out: &mut dyn Write) -> Result<(), ExportError> {
    match format {
        Format::Json => {
            serde_json::to_writer(
                &mut *out,
                &serde_json::json!({
                    "report": "每月办件情况 monthly matters",
                    "matter_coding": MATTER_CODING,
                    "docket_coding": DOCKET_CODING,
                    "rating_coding": RATING_CODING,
                    "figures": m,
                }),
            )
            .map_err(std::io::Error::other)?;
            writeln!(out)?;
        }
        Format::Csv => {
            writeln!(out, "# 每月办件情况 monthly matters {} – {}", m.from, m.to)?;
            writeln!(out, "# {MATTER_CODING}")?;
            writeln!(out, "# {DOCKET_CODING}")?;
            writeln!(out, "# {RATING_CODING}")?;
            let mut w = csv::Writer::from_writer(out);
            w.write_record(["section", "key", "name", "a", "b", "c", "d"])?;
            w.write_record(["received", "all", "", &m.received.to_string(), "", "", ""])?;
            for (word, n) in &m.by_outcome {
                w.write_record(["outcome", word, "", &n.to_string(), "", "", ""])?;
            }
            w.write_record([
                "dockets", "key", "name", "accepted", "finished", "on_time", "overdue",
            ])?;
            let lines = std::iter::once(("total", &m.total))
                .chain(m.by_kind.iter().map(|l| ("kind", l)))
                .chain(m.by_matter.iter().map(|l| ("matter", l)))
                .chain(m.by_window.iter().map(|l| ("window", l)))
                .chain(m.by_member.iter().map(|l| ("member", l)));
            for (section, l) in lines {
                w.write_record([
                    section,
                    &l.key,
                    &l.name,
                    &l.accepted.to_string(),
                    &l.finished.to_string(),
                    &l.on_time.to_string(),
                    &l.overdue.to_string(),
                ])?;
            }
            w.write_record([
                "office",
                "office",
                "",
                "sent",
                "back",
                "days_mean",
                "days_max",
            ])?;
            for o in &m.offices {
                w.write_record([
                    "office",
                    &o.office,
                    "",
                    &o.sent.to_string(),
                    &o.back.to_string(),
                    &o.days_mean.map(|d| format!("{d:.1}")).unwrap_or_default(),
                    &o.days_max.map(|d| d.to_string()).unwrap_or_default(),
                ])?;
            }
            for (i, n) in m.result_ratings.iter().enumerate() {
                w.write_record([
                    "result_rating",
                    &(i + 1).to_string(),
                    "",
                    &n.to_string(),
                    "",
                    "",
                    "",
                ])?;
            }
            w.write_record([
                "result_rating",
                "unrated",
                "",
                &m.result_unrated.to_string(),
                "",
                "",
                "",
            ])?;
            w.flush()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
