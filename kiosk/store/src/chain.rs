//! The journal's hash chain: every entry carries the SHA-256 of the entry
//! before it and its own, computed over that previous hash and every column
//! as stored but the sequence number (so that a moved row reads as moved,
//! not as edited; the numbers are checked for gaps instead). `verify` walks the journal and names the
//! first entry where the chain breaks — an entry edited, deleted or moved.
//!
//! The chain shows tampering by someone who edits the database file with a
//! SQLite tool; someone who also recomputes every later hash is caught only by
//! comparing the head with a copy taken earlier (the head is printed by
//! `kiosk verify-log`, and will be shown on the staff console).

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use sha2::{Digest, Sha256};

/// The `prev` of the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

/// One journal row's columns, as stored.
pub struct Row<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub at_ms: i64,
    pub day: &'a str,
    pub kind: &'a str,
    pub actor: &'a str,
    pub ticket: Option<&'a str>,
    pub window: Option<i64>,
    pub body: &'a str,
}

/// The hash of a row after `prev`. Every text is length-prefixed, so no two
/// different rows hash the same bytes.
pub fn hash(prev: &[u8], row: &Row<'_>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    let mut text = |t: Option<&str>| match t {
        None => h.update([0u8]),
        Some(t) => {
            h.update([1u8]);
            h.update((t.len() as u64).to_be_bytes());
            h.update(t.as_bytes());
        }
    };
    text(Some(row.at));
    text(Some(row.day));
    text(Some(row.kind));
    text(Some(row.actor));
    text(row.ticket);
    text(Some(row.body));
    h.update(row.at_ms.to_be_bytes());
    match row.window {
        None => h.update([0u8]),
        Some(w) => {
            h.update([1u8]);
            h.update(w.to_be_bytes());
        }
    }
    h.finalize().into()
}

/// The last entry's sequence number and hash (`0` and [`GENESIS`] when empty).
pub fn head(tx: &Transaction<'_>) -> rusqlite::Result<(i64, [u8; 32])> {
    let last: Option<(i64, Option<Vec<u8>>)> = tx
        .prepare_cached("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match last {
        None => (0, GENESIS),
        Some((seq, hash)) => (seq, to_array(hash.as_deref())),
    })
}

fn to_array(bytes: Option<&[u8]>) -> [u8; 32] {
    let mut out = [0; 32];
    if let Some(b) = bytes.filter(|b| b.len() == 32) {
        out.copy_from_slice(b);
    }
    out
}

/// A journal row read back, owning its texts.
struct Stored {
    seq: i64,
    at: String,
    at_ms: i64,
    day: String,
    kind: String,
    actor: String,
    ticket: Option<String>,
    window: Option<i64>,
    body: String,
}

impl Stored {
    /// The columns `seq, at, at_ms, day, kind, actor, ticket, window_no, body`.
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            seq: r.get(0)?,
            at: r.get(1)?,
            at_ms: r.get(2)?,
            day: r.get(3)?,
            kind: r.get(4)?,
            actor: r.get(5)?,
            ticket: r.get(6)?,
            window: r.get(7)?,
            body: r.get(8)?,
        })
    }

    fn row(&self) -> Row<'_> {
        Row {
            seq: self.seq,
            at: &self.at,
            at_ms: self.at_ms,
            day: &self.day,
            kind: &self.kind,
            actor: &self.actor,
            ticket: self.ticket.as_deref(),
            window: self.window,
            body: &self.body,
        }
    }
}

const COLUMNS: &str = "seq, at, at_ms, day, kind, actor, ticket, window_no, body";

/// Chains the rows written before version 5 (migration step, inside its
/// transaction), then puts the update trigger back.
pub fn backfill(conn: &Connection) -> rusqlite::Result<()> {
    let rows: Vec<Stored> = conn
        .prepare(&format!("SELECT {COLUMNS} FROM journal ORDER BY seq"))?
        .query_map([], Stored::read)?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = conn.prepare("UPDATE journal SET prev = ?1, hash = ?2 WHERE seq = ?3")?;
    let mut prev = GENESIS;
    for stored in &rows {
        let h = hash(&prev, &stored.row());
        update.execute(params![prev.as_slice(), h.as_slice(), stored.seq])?;
        prev = h;
    }
    conn.execute_batch(
        "CREATE TRIGGER journal_is_append_only_update BEFORE UPDATE ON journal
         BEGIN
             SELECT RAISE(ABORT, 'the journal is append-only');
         END;",
    )
}

/// Where and how the chain breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Break {
    /// The first entry that does not fit.
    pub seq: i64,
    pub at: String,
    pub kind: String,
    pub problem: Problem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The entry's contents do not match its own hash.
    Edited,
    /// Sequence numbers jump: entries before this one are gone.
    Missing { after: i64 },
    /// The entry does not follow the one before it (moved, or one between
    /// them was removed and the numbers closed up).
    OutOfPlace,
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.problem {
            Problem::Edited => "its contents were changed after it was written".to_string(),
            Problem::Missing { after } => format!(
                "entries {}–{} are missing (deleted)",
                after + 1,
                self.seq - 1
            ),
            Problem::OutOfPlace => {
                "it does not follow the entry before it (entries moved or removed)".to_string()
            }
        };
        write!(
            f,
            "entry #{} ({}, {}): {what}",
            self.seq, self.at, self.kind
        )
    }
}

/// What a walk over the journal found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub entries: u64,
    /// The last entry's hash, in hex: compare it with a copy kept elsewhere.
    pub head: String,
    pub first_break: Option<Break>,
}

/// Walks the whole journal in sequence order.
pub fn verify(conn: &Connection) -> rusqlite::Result<Verdict> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS}, prev, hash FROM journal ORDER BY seq"
    ))?;
    let mut rows = stmt.query([])?;
    let mut expected_prev = GENESIS;
    let mut last_seq = 0;
    let mut entries = 0;
    let mut first_break = None;
    while let Some(r) = rows.next()? {
        let stored = Stored::read(r)?;
        let prev: Option<Vec<u8>> = r.get(9)?;
        let own: Option<Vec<u8>> = r.get(10)?;
        let (seq, row) = (stored.seq, stored.row());
        entries += 1;
        let prev = to_array(prev.as_deref());
        let problem = if own.as_deref() != Some(hash(&prev, &row).as_slice()) {
            Some(Problem::Edited)
        } else if seq != last_seq + 1 {
            Some(Problem::Missing { after: last_seq })
        } else if prev != expected_prev {
            Some(Problem::OutOfPlace)
        } else {
            None
        };
        if let (None, Some(problem)) = (&first_break, problem) {
            first_break = Some(Break {
                seq,
                at: stored.at.clone(),
                kind: stored.kind.clone(),
                problem,
            });
        }
        expected_prev = to_array(own.as_deref());
        last_seq = seq;
    }
    Ok(Verdict {
        entries,
        head: expected_prev.iter().map(|b| format!("{b:02x}")).collect(),
        first_break,
    })
}
