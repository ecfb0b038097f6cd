//! Tamper evidence beyond the hash chain: the tables the reports read are
//! replayed from the journal and compared, and anchors kept off the box are
//! checked against the chain.
//!
//! `tickets` and `cases` are projections, written by [`super::project`] in
//! the transaction of each journal row, but outside the chain: editing them
//! would change `kiosk report` while the chain stays whole. [`projections`]
//! replays every journal row through the same projection into a database in
//! memory and names the first row that differs. [`check_anchor`] checks a
//! chain head written down elsewhere — the daily closing slip (日结单) prints
//! one — against the journal, which catches the one tampering the chain
//! cannot: deleting the newest rows.

use rusqlite::Connection;

use super::{StoreError, decode, migrate, project};
use domain::Case;

/// Where a projection differs from what the journal implies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// `tickets` or `cases`.
    pub table: &'static str,
    /// The row: `2026-11-30 A003`, `2026-0007`.
    pub row: String,
    pub problem: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "table `{}`, {}: {} — the reports read this table; the journal is the truth",
            self.table, self.row, self.problem
        )
    }
}

/// Replays the journal into fresh projections and compares them with the
/// tables on `conn`; the first difference, if any.
pub fn projections(conn: &Connection) -> Result<Option<Mismatch>, StoreError> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or_default());
    let sql = |e| StoreError::from_sql(&path, e);
    let mut replay = Connection::open_in_memory().map_err(sql)?;
    migrate(&path, &replay)?;
    {
        let tx = replay.transaction().map_err(sql)?;
        let mut stmt = conn
            .prepare("SELECT seq, at, day, actor, body FROM journal ORDER BY seq")
            .map_err(sql)?;
        let mut rows = stmt.query([]).map_err(sql)?;
        while let Some(r) = rows.next().map_err(sql)? {
            let seq: i64 = r.get(0).map_err(sql)?;
            let text = |i| r.get::<_, String>(i).map_err(sql);
            let record = decode(&path, seq, &text(1)?, &text(2)?, &text(3)?, &text(4)?)?;
            if let Err(e) = project(&tx, &record) {
                return Ok(Some(Mismatch {
                    table: "journal",
                    row: format!("entry #{seq}"),
                    problem: format!("the journal itself cannot be replayed: {e}"),
                }));
            }
        }
        tx.commit().map_err(sql)?;
    }
    if let Some(m) = compare_tickets(conn, &replay).map_err(sql)? {
        return Ok(Some(m));
    }
    if let Some(m) = compare_matters(conn, &replay).map_err(sql)? {
        return Ok(Some(m));
    }
    if let Some(m) = compare_cases(conn, &replay).map_err(sql)? {
        return Ok(Some(m));
    }
    compare_dockets(conn, &replay).map_err(sql)
}

/// Every docket's row, by number.
fn dockets(conn: &Connection) -> rusqlite::Result<Vec<Vec<rusqlite::types::Value>>> {
    every_column(
        conn,
        "SELECT number, year, seq, day, kind, stage, matter_id, window_no, staff, promised,
                result_day, collected_day, office, rating, body
         FROM dockets ORDER BY number",
    )
}

fn compare_dockets(live: &Connection, replay: &Connection) -> rusqlite::Result<Option<Mismatch>> {
    let (live, replay) = (dockets(live)?, dockets(replay)?);
    let name = |r: &[rusqlite::types::Value]| match r.first() {
        Some(rusqlite::types::Value::Text(t)) => t.clone(),
        _ => "?".to_string(),
    };
    let mismatch = |row: String, problem: &str| {
        Some(Mismatch {
            table: "dockets",
            row,
            problem: problem.to_string(),
        })
    };
    for l in &live {
        match replay.iter().find(|r| name(r) == name(l)) {
            None => return Ok(mismatch(name(l), "not in the journal (added)")),
            Some(r) if r != l => {
                return Ok(mismatch(
                    name(l),
                    "its stage, dates or steps differ from the journal's (edited)",
                ));
            }
            Some(_) => {}
        }
    }
    Ok(replay
        .iter()
        .find(|r| !live.iter().any(|l| name(l) == name(r)))
        .and_then(|r| mismatch(name(r), "missing (deleted)")))
}

/// Every row of `matters`, in journal order.
fn matters(conn: &Connection) -> rusqlite::Result<Vec<Vec<rusqlite::types::Value>>> {
    every_column(
        conn,
        "SELECT id, day, at_ms, ticket, window_no, matter_id, matter_version, matter_zh,
                outcome, notice, promised, staff, receipt, referred
         FROM matters ORDER BY id",
    )
}

/// Every column of every row a query gives.
fn every_column(
    conn: &Connection,
    sql: &str,
) -> rusqlite::Result<Vec<Vec<rusqlite::types::Value>>> {
    let mut stmt = conn.prepare(sql)?;
    let columns = stmt.column_count();
    let rows = stmt.query_map([], |r| {
        (0..columns)
            .map(|i| r.get::<_, rusqlite::types::Value>(i))
            .collect::<rusqlite::Result<Vec<_>>>()
    })?;
    rows.collect()
}

fn compare_matters(live: &Connection, replay: &Connection) -> rusqlite::Result<Option<Mismatch>> {
    let (live, replay) = (matters(live)?, matters(replay)?);
    let row = |r: &[rusqlite::types::Value]| match r.first() {
        Some(rusqlite::types::Value::Integer(id)) => format!("#{id}"),
        _ => "?".to_string(),
    };
    for (i, l) in live.iter().enumerate() {
        let problem = match replay.get(i) {
            None => "not in the journal (added)",
            Some(r) if r != l => "differs from the journal's (edited)",
            Some(_) => continue,
        };
        return Ok(Some(Mismatch {
            table: "matters",
            row: row(l),
            problem: problem.to_string(),
        }));
    }
    Ok(replay.get(live.len()).map(|r| Mismatch {
        table: "matters",
        row: row(r),
        problem: "missing (deleted)".to_string(),
    }))
}

/// Every column of every ticket, by day and code.
type TicketRow = (String, String, Vec<rusqlite::types::Value>);

fn tickets(conn: &Connection) -> rusqlite::Result<Vec<TicketRow>> {
    let mut stmt = conn.prepare(
        "SELECT day, code, category, number, queue, priority, state, issued_at_ms, ahead,
                wait_minutes, called_at_ms, window_no, recalls, finished_at_ms, service_seconds,
                matter_id, served_by
         FROM tickets ORDER BY day, code",
    )?;
    let columns = stmt.column_count();
    let rows = stmt.query_map([], |r| {
        let values = (2..columns)
            .map(|i| r.get::<_, rusqlite::types::Value>(i))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((r.get(0)?, r.get(1)?, values))
    })?;
    rows.collect()
}

const TICKET_COLUMNS: [&str; 14] = [
    "category",
    "number",
    "queue",
    "priority",
    "state",
    "issued_at_ms",
    "ahead",
    "wait_minutes",
    "called_at_ms",
    "window_no",
    "recalls",
    "finished_at_ms",
    "service_seconds",
    "matter_id",
];

fn compare_tickets(live: &Connection, replay: &Connection) -> rusqlite::Result<Option<Mismatch>> {
    let (live, replay) = (tickets(live)?, tickets(replay)?);
    let mut l = live.iter().peekable();
    let mut r = replay.iter().peekable();
    loop {
        let mismatch = |(day, code): (&String, &String), problem: String| Mismatch {
            table: "tickets",
            row: format!("{day} {code}"),
            problem,
        };
        match (l.peek(), r.peek()) {
            (None, None) => return Ok(None),
            (Some((d, c, _)), None) => {
                return Ok(Some(mismatch((d, c), "not in the journal (added)".into())));
            }
            (None, Some((d, c, _))) => {
                return Ok(Some(mismatch((d, c), "missing (deleted)".into())));
            }
            (Some((ld, lc, lv)), Some((rd, rc, rv))) => {
                if (ld, lc) < (rd, rc) {
                    return Ok(Some(mismatch(
                        (ld, lc),
                        "not in the journal (added)".into(),
                    )));
                }
                if (ld, lc) > (rd, rc) {
                    return Ok(Some(mismatch((rd, rc), "missing (deleted)".into())));
                }
                if let Some(i) = (0..lv.len()).find(|&i| lv[i] != rv[i]) {
                    return Ok(Some(mismatch(
                        (ld, lc),
                        format!(
                            "{} is {} in the table, {} by the journal (edited)",
                            TICKET_COLUMNS[i],
                            show(&lv[i]),
                            show(&rv[i])
                        ),
                    )));
                }
                l.next();
                r.next();
            }
        }
    }
}

fn show(v: &rusqlite::types::Value) -> String {
    use rusqlite::types::Value as V;
    match v {
        V::Null => "empty".into(),
        V::Integer(i) => i.to_string(),
        V::Real(f) => f.to_string(),
        V::Text(t) => format!("`{t}`"),
        V::Blob(b) => format!("{} bytes", b.len()),
    }
}

/// Every case with its indexed columns and its state read back: a body
/// written by an older kiosk reads the same as the replay's.
type CaseRow = (String, Vec<rusqlite::types::Value>, Option<Case>);

fn cases(conn: &Connection) -> rusqlite::Result<Vec<CaseRow>> {
    let mut stmt = conn.prepare(
        "SELECT number, year, seq, day, stage, window_no, body FROM cases ORDER BY number",
    )?;
    let rows = stmt.query_map([], |r| {
        let columns = (1..6)
            .map(|i| r.get::<_, rusqlite::types::Value>(i))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let body: String = r.get(6)?;
        Ok((r.get(0)?, columns, serde_json::from_str(&body).ok()))
    })?;
    rows.collect()
}

fn compare_cases(live: &Connection, replay: &Connection) -> rusqlite::Result<Option<Mismatch>> {
    let (live, replay) = (cases(live)?, cases(replay)?);
    let mismatch = |row: &str, problem: &str| {
        Some(Mismatch {
            table: "cases",
            row: row.to_string(),
            problem: problem.to_string(),
        })
    };
    for (no, columns, case) in &live {
        match replay.iter().find(|(n, _, _)| n == no) {
            None => return Ok(mismatch(no, "not in the journal (added)")),
            Some((_, c, r)) if c != columns || r != case => {
                return Ok(mismatch(
                    no,
                    "its stage, deadlines or steps differ from the journal's (edited)",
                ));
            }
            Some(_) => {}
        }
    }
    Ok(replay
        .iter()
        .find(|(n, _, _)| !live.iter().any(|(l, _, _)| l == n))
        .and_then(|(n, _, _)| mismatch(n, "missing (deleted)")))
}

/// A chain head written down elsewhere: `SEQ:HASH`, the hash's first hex
/// digits (at least 8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

impl std::str::FromStr for Anchor {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "`{text}` is not an anchor: write SEQ:HASH as the closing slip or the console shows it, e.g. 1234:9f86d081884c7d65"
            )
        };
        let (seq, hash) = text.trim().split_once(':').ok_or_else(bad)?;
        let seq: i64 = seq
            .trim()
            .trim_start_matches('#')
            .parse()
            .map_err(|_| bad())?;
        let hash = hash.trim().to_ascii_lowercase();
        if seq < 1
            || hash.len() < 8
            || hash.len() > 64
            || !hash.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(bad());
        }
        Ok(Self { seq, hash })
    }
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

/// The first hex digits of a hash an anchor shows.
pub const ANCHOR_DIGITS: usize = 16;

/// The anchor of entry `seq` on `conn`, if there is one.
pub fn anchor_at(conn: &Connection, seq: i64) -> rusqlite::Result<Option<Anchor>> {
    Ok(full_hash(conn, seq)?.map(|hash| Anchor {
        seq,
        hash: hash[..ANCHOR_DIGITS].to_string(),
    }))
}

/// Entry `seq`'s whole hash in hex.
fn full_hash(conn: &Connection, seq: i64) -> rusqlite::Result<Option<String>> {
    use rusqlite::OptionalExtension;
    let hash: Option<Option<Vec<u8>>> = conn
        .query_row("SELECT hash FROM journal WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(hash.flatten().filter(|h| h.len() == 32).map(|h| hex(&h)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks a kept anchor against the journal on `conn`: `Ok` when entry
/// `seq` is there with that hash (the chain's own check then covers every
/// entry before it), else what is wrong.
pub fn check_anchor(conn: &Connection, anchor: &Anchor) -> Result<(), String> {
    let last: i64 = conn
        .query_row("SELECT coalesce(max(seq), 0) FROM journal", [], |r| {
            r.get(0)
        })
        .map_err(|e| e.to_string())?;
    match full_hash(conn, anchor.seq).map_err(|e| e.to_string())? {
        None if anchor.seq > last => Err(format!(
            "the anchor names entry #{} but the journal ends at #{last}: entries after #{last} were deleted",
            anchor.seq
        )),
        None => Err(format!("entry #{} is missing from the journal", anchor.seq)),
        Some(found) if found.starts_with(&anchor.hash) => Ok(()),
        Some(found) => Err(format!(
            "entry #{} has hash {}…, not the anchor's {}…: the journal up to it was rewritten",
            anchor.seq,
            &found[..ANCHOR_DIGITS],
            anchor.hash
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_read_as_written_on_the_slip_and_refuse_anything_else() {
        let a: Anchor = "1234:9F86D081884C7D65".parse().unwrap();
        assert_eq!(a.to_string(), "1234:9f86d081884c7d65");
        assert_eq!("#7:abcdef01".parse::<Anchor>().unwrap().seq, 7);
        for bad in [
            "",
            "1234",
            "x:9f86d081",
            "0:9f86d081",
            "12:9f86",
            "12:zzzzzzzz",
        ] {
            let e = bad.parse::<Anchor>().unwrap_err();
            assert!(e.contains("SEQ:HASH"), "{bad}: {e}");
        }
    }
}
