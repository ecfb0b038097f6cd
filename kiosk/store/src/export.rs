//! The journal for a range of business days as CSV or JSON (`kiosk export`,
//! the staff console's download), streamed row by row with progress. Each
//! export states how ratings are coded. Callback numbers are never in the
//! journal, so never in an export.

use std::io::Write;

use jiff::civil::Date;
use rusqlite::Connection;

use super::StoreError;
use super::report::RATING_CODING;

/// The export's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
    #[error("cannot write the export: {0}")]
    Csv(#[from] csv::Error),
}

enum Sink<'a> {
    Csv(Box<csv::Writer<&'a mut dyn Write>>),
    Json(&'a mut dyn Write),
}

/// Writes the journal entries of days `from..=to`; `progress(done, total)`
/// is called every 10,000 entries and at the end. Returns how many entries.
pub fn export(
    conn: &Connection,
    from: Date,
    to: Date,
    format: Format,
    out: &mut dyn Write,
    mut progress: impl FnMut(u64, u64),
) -> Result<u64, ExportError> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or(""));
    let sql = |e| StoreError::from_sql(&path, e);
    let (f, t) = (from.to_string(), to.to_string());
    let total: i64 = conn
        .query_row(
            "SELECT count(*) FROM journal WHERE day BETWEEN ?1 AND ?2",
            [&f, &t],
            |r| r.get(0),
        )
        .map_err(sql)?;
    let total = u64::try_from(total).unwrap_or(0);
    let mut stmt = conn
        .prepare(
            "SELECT seq, at, day, kind, actor, ticket, window_no, body, hash FROM journal
             WHERE day BETWEEN ?1 AND ?2 ORDER BY seq",
        )
        .map_err(sql)?;
    let mut rows = stmt.query([&f, &t]).map_err(sql)?;
    let mut done = 0u64;
    let mut sink = match format {
        Format::Csv => {
            writeln!(out, "# {RATING_CODING}")?;
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "seq", "at", "day", "kind", "actor", "ticket", "window", "body", "hash",
            ])?;
            Sink::Csv(Box::new(w))
        }
        Format::Json => {
            write!(
                out,
                "{{\"from\":\"{f}\",\"to\":\"{t}\",\"rating_coding\":{},\"entries\":[",
                serde_json::to_string(RATING_CODING).unwrap_or_default()
            )?;
            Sink::Json(out)
        }
    };
    while let Some(r) = rows.next().map_err(sql)? {
        let seq: i64 = r.get(0).map_err(sql)?;
        let at: String = r.get(1).map_err(sql)?;
        let day: String = r.get(2).map_err(sql)?;
        let kind: String = r.get(3).map_err(sql)?;
        let actor: String = r.get(4).map_err(sql)?;
        let ticket: Option<String> = r.get(5).map_err(sql)?;
        let window: Option<i64> = r.get(6).map_err(sql)?;
        let body: String = r.get(7).map_err(sql)?;
        let hash: Option<Vec<u8>> = r.get(8).map_err(sql)?;
        let hash: String = hash
            .unwrap_or_default()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        match &mut sink {
            Sink::Csv(w) => w.write_record([
                seq.to_string(),
                at,
                day,
                kind,
                actor,
                ticket.unwrap_or_default(),
                window.map(|w| w.to_string()).unwrap_or_default(),
                body,
                hash,
            ])?,
            Sink::Json(out) => {
                let entry = serde_json::json!({
                    "seq": seq,
                    "at": at,
                    "day": day,
                    "kind": kind,
                    "actor": serde_json::from_str::<serde_json::Value>(&actor).unwrap_or_default(),
                    "ticket": ticket,
                    "window": window,
                    "body": serde_json::from_str::<serde_json::Value>(&body).unwrap_or_default(),
                    "hash": hash,
                });
                if done > 0 {
                    out.write_all(b",")?;
                }
                out.write_all(b"\n")?;
                serde_json::to_writer(&mut *out, &entry).map_err(std::io::Error::other)?;
            }
        }
        done += 1;
        if done.is_multiple_of(10_000) {
            progress(done, total);
        }
    }
    match sink {
        Sink::Csv(mut w) => w.flush()?,
        Sink::Json(out) => out.write_all(b"\n]}\n")?,
    }
    progress(done, total);
    Ok(done)
}
