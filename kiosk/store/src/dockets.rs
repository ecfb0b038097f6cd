//! Dockets in the store: their current state kept beside the journal (like
//! cases), a proxy commission's citizen kept with the docket only, the
//! dockets a restart seeds the station with, and the particulars whose
//! retention ran out.

use std::path::Path;

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use domain::{Docket, DocketNo, DocketStage, Fact, Principal, Record};

use super::StoreError;

/// Keeps the `dockets` table in step with the journal.
pub(super) fn project_docket(tx: &Transaction<'_>, record: &Record) -> rusqlite::Result<()> {
    let current = match &record.fact {
        Fact::DocketOpened { .. } => Docket::opened(record),
        Fact::DocketAdvanced { docket, .. }
        | Fact::DocketRated { docket, .. }
        | Fact::PrincipalDeleted { docket } => {
            let body: Option<String> = tx
                .query_row(
                    "SELECT body FROM dockets WHERE number = ?1",
                    [docket.to_string()],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(body) = body else {
                return Ok(());
            };
            let mut d: Docket = serde_json::from_str(&body).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?;
            d.apply(record);
            if let Fact::PrincipalDeleted { docket } = &record.fact {
                tx.execute(
                    "DELETE FROM docket_principals WHERE docket_no = ?1",
                    [docket.to_string()],
                )?;
            }
            Some(d)
        }
        _ => None,
    };
    let Some(d) = current else {
        return Ok(());
    };
    let body = serde_json::to_string(&d).unwrap_or_else(|_| "{}".into());
    let day_of = |stage: fn(DocketStage) -> bool| {
        d.history
            .iter()
            .find(|s| stage(s.stage))
            .map(|s| s.at_day.to_string())
    };
    tx.prepare_cached(
        "INSERT INTO dockets (number, year, seq, day, kind, stage, matter_id, window_no, staff,
                              promised, result_day, collected_day, office, rating, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT (number) DO UPDATE SET stage = excluded.stage,
             result_day = excluded.result_day, collected_day = excluded.collected_day,
             office = excluded.office, rating = excluded.rating, body = excluded.body",
    )?
    .execute(params![
        d.no.to_string(),
        d.no.year,
        d.no.seq,
        d.day.to_string(),
        d.kind.word(),
        d.stage().word(),
        d.matter.id.as_str(),
        d.window.get(),
        d.staff.as_ref().map(|s| s.number.as_str()),
        d.promised.date.to_string(),
        day_of(DocketStage::is_result),
        day_of(|s| s == DocketStage::Collected),
        d.office(),
        d.rating,
        body,
    ])?;
    Ok(())
}

/// Keeps a proxy commission's citizen with its docket, in the commit's
/// transaction.
pub(super) fn keep_principal(
    tx: &Transaction<'_>,
    docket: DocketNo,
    p: &Principal,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO docket_principals (docket_no, name, id_number) VALUES (?1, ?2, ?3)",
        params![docket.to_string(), p.name(), p.id_number()],
    )?;
    Ok(())
}

fn decode(path: &Path, number: &str, body: &str) -> Result<Docket, StoreError> {
    serde_json::from_str(body).map_err(|e| StoreError::DocketUnreadable {
        path: path.to_path_buf(),
        number: number.to_string(),
        problem: e.to_string(),
    })
}

/// A docket as it stands, open or collected.
pub fn read_docket(conn: &Connection, no: DocketNo) -> Result<Option<Docket>, StoreError> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or_default());
    let number = no.to_string();
    let body: Option<String> = conn
        .query_row(
            "SELECT body FROM dockets WHERE number = ?1",
            [&number],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| StoreError::from_sql(&path, e))?;
    body.map(|b| decode(&path, &number, &b)).transpose()
}

/// A proxy commission's citizen, if still kept (the docket's file and a
/// reprinted commission only; every other view masks it).
pub fn read_principal(conn: &Connection, no: DocketNo) -> Result<Option<Principal>, StoreError> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or_default());
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT name, id_number FROM docket_principals WHERE docket_no = ?1",
            [no.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(|e| StoreError::from_sql(&path, e))?;
    Ok(row.and_then(|(name, id)| Principal::new(&name, &id).ok()))
}

/// The highest receipt number given in each year.
pub(super) type DocketNumbers = Vec<(i16, u32)>;

/// Dockets not yet collected, in number order; and the highest receipt
/// number given in each year.
pub(super) fn open_dockets(
    conn: &Connection,
    path: &Path,
) -> Result<(Vec<Docket>, DocketNumbers), StoreError> {
    let sql = |e| StoreError::from_sql(path, e);
    let mut stmt = conn
        .prepare("SELECT number, body FROM dockets WHERE stage != 'collected' ORDER BY year, seq")
        .map_err(sql)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .map_err(sql)?;
    let mut open = Vec::new();
    for row in rows {
        let (number, body) = row.map_err(sql)?;
        open.push(decode(path, &number, &body)?);
    }
    let mut stmt = conn
        .prepare("SELECT year, max(seq) FROM dockets GROUP BY year")
        .map_err(sql)?;
    let numbers = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
        .map_err(sql)?
        .filter_map(|r| match r {
            Ok((y, s)) => Some(Ok((i16::try_from(y).ok()?, u32::try_from(s).ok()?))),
            Err(e) => Some(Err(e)),
        })
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(sql)?;
    Ok((open, numbers))
}

/// Which dockets a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocketFilter {
    /// `open` (not collected), `ready` (result back, not collected),
    /// `overdue` (no result and the promised day past `today`),
    /// `collected`, or anything else (`all`) for all.
    pub status: String,
    /// `promised`, `proxy` or empty.
    pub kind: String,
    /// The day overdue is reckoned on, `2026-12-03`.
    pub today: String,
    /// At most this many, newest first.
    pub limit: u32,
}

/// Dockets as a filter picks them, newest first.
pub fn list_dockets(conn: &Connection, filter: &DocketFilter) -> Result<Vec<Docket>, StoreError> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or_default());
    let sql = |e| StoreError::from_sql(&path, e);
    let status = match filter.status.as_str() {
        "open" => "stage != 'collected'",
        "ready" => "stage IN ('finished', 'returned', 'notified')",
        "overdue" => "stage != 'collected' AND result_day IS NULL AND promised < ?2",
        "collected" => "stage = 'collected'",
        _ => "1",
    };
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT number, body FROM dockets
             WHERE {status} AND (?1 = '' OR kind = ?1) AND ?2 = ?2
             ORDER BY year DESC, seq DESC LIMIT ?3"
        ))
        .map_err(sql)?;
    let rows = stmt
        .query_map(
            params![filter.kind, filter.today, filter.limit.max(1)],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )
        .map_err(sql)?;
    let mut out = Vec::new();
    for row in rows {
        let (number, body) = row.map_err(sql)?;
        out.push(decode(&path, &number, &body)?);
    }
    Ok(out)
}

/// Dockets whose commission particulars are kept though they were handed
/// over at or before `collected_by`: their retention ran out.
pub fn expired_principals(
    conn: &Connection,
    collected_by: Timestamp,
) -> Result<Vec<DocketNo>, StoreError> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or_default());
    let sql = |e| StoreError::from_sql(&path, e);
    let mut stmt = conn
        .prepare(
            "SELECT d.number, d.body FROM dockets d JOIN docket_principals p ON p.docket_no = d.number
             WHERE d.stage = 'collected' ORDER BY d.year, d.seq",
        )
        .map_err(sql)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .map_err(sql)?;
    let mut expired = Vec::new();
    for row in rows {
        let (number, body) = row.map_err(sql)?;
        let d = decode(&path, &number, &body)?;
        if d.reached(DocketStage::Collected)
            .is_some_and(|s| s.at <= collected_by)
        {
            expired.push(d.no);
        }
    }
    Ok(expired)
}

#[cfg(test)]
mod tests;
