//! Attendance's input from the journal: each member's spans on post
//! (`signed_on` to the next `signed_off` of the same member) in a period,
//! with their name as the last sign-on gave it. The rule itself is the
//! domain's (`domain::attendance`).

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::Connection;

use super::StoreError;
use domain::Span;

/// A member's spans on post in the period, and their name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OnPost {
    pub name: String,
    pub spans: Vec<Span>,
}

/// The spans on post of every member who signed on in business days
/// `from..=to`, by staff number.
pub fn spans(
    conn: &Connection,
    from: Date,
    to: Date,
) -> Result<BTreeMap<String, OnPost>, StoreError> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or(""));
    let sql = |e| StoreError::from_sql(&path, e);
    let mut stmt = conn
        .prepare_cached(
            "SELECT kind, at_ms, json_extract(body, '$.member'), json_extract(body, '$.name')
             FROM journal
             WHERE kind IN ('signed_on', 'signed_off') AND day BETWEEN ?1 AND ?2
             ORDER BY seq",
        )
        .map_err(sql)?;
    let mut rows = stmt
        .query([from.to_string(), to.to_string()])
        .map_err(sql)?;
    let mut members: BTreeMap<String, OnPost> = BTreeMap::new();
    while let Some(r) = rows.next().map_err(sql)? {
        let kind: String = r.get(0).map_err(sql)?;
        let at: i64 = r.get(1).map_err(sql)?;
        let Some(member) = r.get::<_, Option<String>>(2).map_err(sql)? else {
            continue;
        };
        let Ok(at) = Timestamp::from_millisecond(at) else {
            continue;
        };
        let entry = members.entry(member).or_default();
        if kind == "signed_on" {
            if let Some(name) = r.get::<_, Option<String>>(3).map_err(sql)? {
                entry.name = name;
            }
            entry.spans.push(Span { on: at, off: None });
        } else if let Some(open) = entry.spans.iter_mut().rev().find(|s| s.off.is_none()) {
            open.off = Some(at);
        }
    }
    Ok(members)
}
