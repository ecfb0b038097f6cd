//! Reading the journal back with filters, for `kiosk logs` and the staff surfaces.

use jiff::Timestamp;
use rusqlite::{Connection, types::Value};
use serde::{Deserialize, Serialize};

use super::StoreError;

/// Which journal entries to read. Empty fields do not filter.
#[derive(Clone, Debug, Default)]
pub struct LogFilter {
    /// At or after this instant.
    pub since: Option<Timestamp>,
    /// Before this instant.
    pub until: Option<Timestamp>,
    /// Any of these kinds (`ticket_issued`, …).
    pub kinds: Vec<String>,
    pub window: Option<u8>,
    /// A ticket code such as `A001` (on any day unless `day` is set).
    pub ticket: Option<String>,
    /// A case number such as `2026-0007`: every step of that case.
    pub case: Option<String>,
    /// A business day, `YYYY-MM-DD`.
    pub day: Option<String>,
    /// At most this many entries, the latest ones (still printed oldest first).
    pub limit: Option<u32>,
    /// Only entries before this sequence number (the next page back).
    pub before: Option<i64>,
    /// Only what this staff member did.
    pub staff: Option<String>,
}

/// One journal entry as shown to people.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct LogEntry {
    pub seq: i64,
    pub at: String,
    pub day: String,
    pub kind: String,
    pub actor: serde_json::Value,
    pub ticket: Option<String>,
    pub window: Option<u8>,
    pub body: serde_json::Value,
}

impl LogFilter {
    /// The query and its arguments.
    fn query(&self) -> (String, Vec<Value>) {
        let mut clauses = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        let mut arg = |clause: &str, value: Value, clauses: &mut Vec<String>| {
            args.push(value);
            clauses.push(clause.replace('?', &format!("?{}", args.len())));
        };
        if let Some(t) = self.since {
            arg(
                "at_ms >= ?",
                Value::Integer(t.as_millisecond()),
                &mut clauses,
            );
        }
        if let Some(t) = self.until {
            arg(
                "at_ms < ?",
                Value::Integer(t.as_millisecond()),
                &mut clauses,
            );
        }
        if let Some(s) = &self.staff {
            arg(
                // A refused PIN names the staff number typed in its body.
                // The expression is the one `journal_by_staff` indexes.
                "coalesce(json_extract(actor, '$.id'), json_extract(body, '$.staff')) = ?",
                Value::Text(s.clone()),
                &mut clauses,
            );
        }
        if let Some(b) = self.before {
            arg("seq < ?", Value::Integer(b), &mut clauses);
        }
        if let Some(w) = self.window {
            arg("window_no = ?", Value::Integer(w.into()), &mut clauses);
        }
        if let Some(t) = &self.ticket {
            arg(
                "ticket = ?",
                Value::Text(t.to_ascii_uppercase()),
                &mut clauses,
            );
        }
        if let Some(d) = &self.day {
            arg("day = ?", Value::Text(d.clone()), &mut clauses);
        }
        if let Some(c) = &self.case {
            arg(
                // `journal_by_case` indexes the expression.
                "json_extract(body, '$.case') = ? AND kind LIKE 'case\\_%' ESCAPE '\\'",
                Value::Text(c.trim().to_string()),
                &mut clauses,
            );
        }
        if !self.kinds.is_empty() {
            let mut marks = Vec::new();
            for k in &self.kinds {
                args.push(Value::Text(k.clone()));
                marks.push(format!("?{}", args.len()));
            }
            clauses.push(format!("kind IN ({})", marks.join(", ")));
        }
        let filter = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let columns = "seq, at, day, kind, actor, ticket, window_no, body";
        let sql = match self.limit {
            // The page's sequence numbers first, from an index alone when
            // the filter is on indexed columns (a time range and a kind:
            // thousands of index entries, no rows), then only the page's
            // rows: reading every matching row to sort them took a
            // half-month page to 60 ms on a Pi-class core.
            Some(n) => format!(
                "SELECT {columns} FROM journal WHERE seq IN (
                     SELECT seq FROM journal {filter} ORDER BY seq DESC LIMIT {n})
                 ORDER BY seq"
            ),
            None => format!("SELECT {columns} FROM journal {filter} ORDER BY seq"),
        };
        (sql, args)
    }

    /// How SQLite will run the query (`EXPLAIN QUERY PLAN`), one step a line.
    pub fn plan(&self, conn: &Connection) -> Result<String, StoreError> {
        let (sql, args) = self.query();
        let path = std::path::PathBuf::from(conn.path().unwrap_or_default());
        let wrap = |e| StoreError::from_sql(&path, e);
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .map_err(wrap)?;
        let steps = stmt
            .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))
            .map_err(wrap)?;
        Ok(steps
            .collect::<Result<Vec<_>, _>>()
            .map_err(wrap)?
            .join("\n"))
    }

    /// Reads the matching entries, oldest first.
    pub fn read(&self, conn: &Connection) -> Result<Vec<LogEntry>, StoreError> {
        let (sql, args) = self.query();
        let path = std::path::PathBuf::from(conn.path().unwrap_or_default());
        let wrap = |e| StoreError::from_sql(&path, e);
        let mut stmt = conn.prepare(&sql).map_err(wrap)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args), |row| {
                let json =
                    |s: String| serde_json::from_str(&s).unwrap_or(serde_json::Value::String(s));
                Ok(LogEntry {
                    seq: row.get(0)?,
                    at: row.get(1)?,
                    day: row.get(2)?,
                    kind: row.get(3)?,
                    actor: json(row.get(4)?),
                    ticket: row.get(5)?,
                    window: row.get(6)?,
                    body: json(row.get(7)?),
                })
            })
            .map_err(wrap)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(wrap)
    }
}
