//! The district uplink's outbox (ADR 0026): the journal's identity, the
//! last entry the district's collector has acknowledged, and the entries
//! after it as the district may see them — every column as stored, the body
//! through `Fact::for_district` (what people typed withheld), and the chain's
//! `prev` and `hash` over the full row, so the district holds the station's
//! chain without its private text.

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use domain::Fact;

use crate::{LogEntry, Store, StoreError};

/// A journal entry as it leaves the station: as `kiosk logs` shows it,
/// its body as the district may see it, with the chain.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct UplinkRow {
    #[serde(flatten)]
    pub entry: LogEntry,
    /// The chain: the hash of the entry before (hex) and this entry's own,
    /// both over the full rows.
    pub prev: String,
    pub hash: String,
}

/// The outbox's state: which journal, and how far the district has it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Outbox {
    pub journal_id: String,
    /// The last entry the district's collector has acknowledged (0: none).
    pub acked: i64,
}

fn hex(bytes: Option<Vec<u8>>) -> String {
    bytes
        .unwrap_or_default()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The outbox's state.
pub fn outbox(conn: &Connection) -> Result<Outbox, StoreError> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or_default());
    conn.query_row(
        "SELECT journal_id, acked_seq FROM uplink WHERE id = 1",
        [],
        |r| {
            Ok(Outbox {
                journal_id: r.get(0)?,
                acked: r.get(1)?,
            })
        },
    )
    .map_err(|e| StoreError::from_sql(&path, e))
}

/// The journal's last entry when a message was made: it anchors the
/// station's journal off the box.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Head {
    pub seq: i64,
    /// Hex; empty for an empty journal.
    pub hash: String,
}

/// The journal's last entry and its hash (seq 0 and no hash when empty).
pub fn head(conn: &Connection) -> Result<Head, StoreError> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or_default());
    conn.query_row(
        "SELECT coalesce(max(seq), 0), (SELECT hash FROM journal ORDER BY seq DESC LIMIT 1)
         FROM journal",
        [],
        |r| {
            Ok(Head {
                seq: r.get(0)?,
                hash: hex(r.get(1)?),
            })
        },
    )
    .map_err(|e| StoreError::from_sql(&path, e))
}

/// At most `limit` entries after `after`, in order, as the district may
/// see them.
pub fn rows_after(
    conn: &Connection,
    after: i64,
    limit: usize,
) -> Result<Vec<UplinkRow>, StoreError> {
    select(conn, "", after, limit)
}

/// At most `limit` entries after `after` that the district is told of at
/// once: alarms raised, acknowledged and reset, and bad ratings.
pub fn priority_rows_after(
    conn: &Connection,
    after: i64,
    limit: usize,
) -> Result<Vec<UplinkRow>, StoreError> {
    let clause = format!(
        "AND (kind IN ('alarm_raised', 'alarm_acknowledged', 'alarm_reset')
              OR (kind IN ('ticket_rated', 'docket_rated') AND json_extract(body, '$.level') <= {}))",
        domain::BAD_RATING_MAX
    );
    select(conn, &clause, after, limit)
}

fn select(
    conn: &Connection,
    clause: &str,
    after: i64,
    limit: usize,
) -> Result<Vec<UplinkRow>, StoreError> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or_default());
    let sql = |e| StoreError::from_sql(&path, e);
    let mut stmt = conn
        .prepare(&format!(
            "SELECT seq, at, day, kind, actor, ticket, window_no, body, prev, hash
             FROM journal WHERE seq > ?1 {clause} ORDER BY seq LIMIT ?2"
        ))
        .map_err(sql)?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt
        .query_map(params![after, limit], |r| {
            Ok((
                LogEntry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    day: r.get(2)?,
                    kind: r.get(3)?,
                    actor: serde_json::Value::Null,
                    ticket: r.get(5)?,
                    window: r.get(6)?,
                    body: serde_json::Value::Null,
                },
                r.get::<_, String>(4)?,
                r.get::<_, String>(7)?,
                r.get::<_, Option<Vec<u8>>>(8)?,
                r.get::<_, Option<Vec<u8>>>(9)?,
            ))
        })
        .map_err(sql)?;
    let mut out = Vec::new();
    for row in rows {
        let (mut entry, actor, body, prev, hash) = row.map_err(sql)?;
        let unreadable = |problem: String| StoreError::Decode {
            path: path.clone(),
            seq: entry.seq,
            problem,
        };
        let fact: Fact =
            serde_json::from_str(&body).map_err(|e| unreadable(format!("body: {e}")))?;
        entry.actor =
            serde_json::from_str(&actor).map_err(|e| unreadable(format!("actor: {e}")))?;
        entry.body = serde_json::to_value(fact.for_district())
            .map_err(|e| unreadable(format!("body: {e}")))?;
        out.push(UplinkRow {
            entry,
            prev: hex(prev),
            hash: hex(hash),
        });
    }
    Ok(out)
}

impl Store {
    /// The district's collector has committed every entry up to `seq`: the
    /// cursor moves there (never back, never past the journal's end).
    pub fn acknowledge(&mut self, seq: i64) -> Result<Outbox, StoreError> {
        let path = self.path().to_path_buf();
        let sql = |e| StoreError::from_sql(&path, e);
        self.connection()
            .execute(
                "UPDATE uplink SET acked_seq = ?1
                 WHERE id = 1 AND ?1 > acked_seq
                   AND ?1 <= (SELECT coalesce(max(seq), 0) FROM journal)",
                params![seq],
            )
            .map_err(sql)?;
        outbox(self.connection())
    }
}

#[cfg(test)]
mod tests;
