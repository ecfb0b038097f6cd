//! Reading the outbox: the journal after a sequence, cut into batches the
//! broker and the collector take, and the entries the district is told of
//! at once. A read-only connection of its own, on the blocking pool; the
//! station's writer never waits for it.

use std::path::PathBuf;

use rusqlite::Connection;

use crate::store::uplink::{self, Outbox, UplinkRow};
use crate::store::{StoreError, StoreSettings};
use fleet::wire::{Batch, Head};

/// At most this many entries in one batch (ADR 0026).
pub const BATCH_ROWS: usize = 500;
/// At most about this many bytes of entries in one batch.
pub const BATCH_BYTES: usize = 256 * 1024;

/// The journal as the uplink reads it.
pub struct Reader {
    path: PathBuf,
    settings: StoreSettings,
    conn: Option<Connection>,
}

impl Reader {
    pub fn new(path: PathBuf, settings: StoreSettings) -> Self {
        Self {
            path,
            settings,
            conn: None,
        }
    }

    /// The connection, opened on first use and again after a failure.
    fn conn(&mut self) -> Result<&Connection, StoreError> {
        if self.conn.is_none() {
            self.conn = Some(crate::store::open_read_only(&self.path, &self.settings)?);
        }
        Ok(self.conn.as_ref().expect("opened above"))
    }

    /// Runs `read` in one read transaction: its statements see the same
    /// journal even while the writer commits (a head read before the rows
    /// could otherwise end before them, and the collector would rightly
    /// refuse such a batch).
    fn with<T>(
        &mut self,
        read: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let path = self.path.clone();
        let out = self.conn().and_then(|c| {
            let snapshot = c
                .unchecked_transaction()
                .map_err(|e| StoreError::from_sql(&path, e))?;
            read(&snapshot)
        });
        if out.is_err() {
            self.conn = None;
        }
        out
    }

    /// The outbox's cursor and the journal's head.
    pub fn state(&mut self) -> Result<(Outbox, Head), StoreError> {
        self.with(|c| Ok((uplink::outbox(c)?, uplink::head(c)?)))
    }

    /// The batch that starts at `from`, if the journal has entries there.
    pub fn batch(&mut self, station: &str, from: i64) -> Result<Option<Batch>, StoreError> {
        self.with(|c| {
            let outbox = uplink::outbox(c)?;
            let head = uplink::head(c)?;
            let rows = cut(uplink::rows_after(c, from.max(1) - 1, BATCH_ROWS)?);
            let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
                return Ok(None);
            };
            Ok(Some(Batch {
                station: station.to_string(),
                journal: outbox.journal_id,
                from: first.entry.seq,
                to: last.entry.seq,
                head,
                rows,
            }))
        })
    }

    /// Alarms and bad ratings after `after`.
    pub fn priority_after(&mut self, after: i64) -> Result<Vec<UplinkRow>, StoreError> {
        self.with(|c| uplink::priority_rows_after(c, after, BATCH_ROWS))
    }
}

/// The leading rows that fit in [`BATCH_BYTES`] (always at least one).
fn cut(mut rows: Vec<UplinkRow>) -> Vec<UplinkRow> {
    let mut bytes = 0;
    let keep = rows
        .iter()
        .position(|r| {
            bytes += serde_json::to_vec(r).map_or(0, |v| v.len());
            bytes > BATCH_BYTES
        })
        .map_or(rows.len(), |at| at.max(1));
    rows.truncate(keep);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::LogEntry;

    fn row(seq: i64, body_len: usize) -> UplinkRow {
        UplinkRow {
            entry: LogEntry {
                seq,
                at: String::new(),
                day: String::new(),
                kind: "k".into(),
                actor: serde_json::Value::Null,
                ticket: None,
                window: None,
                body: serde_json::Value::String("x".repeat(body_len)),
            },
            prev: String::new(),
            hash: String::new(),
        }
    }

    /// A batch is read from one snapshot of the journal: its head is never
    /// before its last entry, however busy the writer is meanwhile.
    #[test]
    fn a_batch_read_while_the_writer_commits_is_one_snapshot() {
        use crate::domain::{Actor, Fact, Record};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.db");
        let settings = StoreSettings::default();
        let mut store = crate::store::Store::open(&path, &settings).unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writing = std::sync::Arc::clone(&stop);
        let writer = std::thread::spawn(move || {
            let mut commits = 0;
            while !writing.load(std::sync::atomic::Ordering::Relaxed) || commits < 50 {
                let record = Record {
                    at: "2026-11-30T01:00:00Z".parse().unwrap(),
                    day: "2026-11-30".parse().unwrap(),
                    actor: Actor::Citizen,
                    fact: Fact::PaperChanged,
                };
                store.commit(&[record]).unwrap();
                commits += 1;
            }
            commits
        });
        let mut reader = Reader::new(path, settings);
        let mut batches = 0;
        while batches < 300 {
            if let Some(batch) = reader.batch("s", 1).unwrap() {
                assert!(
                    batch.head.seq >= batch.to,
                    "head {} before the batch's end {}",
                    batch.head.seq,
                    batch.to
                );
                if batch.head.seq == batch.to {
                    assert_eq!(batch.head.hash, batch.rows[batch.rows.len() - 1].hash);
                }
                batches += 1;
            }
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(writer.join().unwrap() >= 50);
    }

    #[test]
    fn a_batch_stops_before_its_bytes_run_over() {
        let rows: Vec<_> = (1..=10).map(|s| row(s, 100 * 1024)).collect();
        let kept = cut(rows);
        assert_eq!(kept.len(), 2, "two 100 KB rows fit in 256 KB, three do not");
        let small: Vec<_> = (1..=5).map(|s| row(s, 10)).collect();
        assert_eq!(cut(small).len(), 5);
        // A row larger than a batch still goes, alone.
        assert_eq!(cut(vec![row(1, 300 * 1024), row(2, 1)]).len(), 1);
        assert!(cut(Vec::new()).is_empty());
    }
}
