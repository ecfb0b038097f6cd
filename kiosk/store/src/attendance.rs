//! Attendance's input from the journal: each member's spans on post
//! (`signed_on` to the next `signed_off` of the same member) in a period,
//! with their name as the last sign-on gave it; the leave register and the
//! duty roster as the manager's entries left them. The rules themselves
//! are the domain's (`domain::attendance`, `station/roster.rs`).

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::Connection;

use super::StoreError;
use domain::{Duty, Fact, Leave, LeaveEntry, PostedNotice, Span};

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

/// The facts of these kinds, in journal order.
fn facts(conn: &Connection, kinds: &[&str]) -> Result<Vec<Fact>, StoreError> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or(""));
    let sql = |e| StoreError::from_sql(&path, e);
    let marks = vec!["?"; kinds.len()].join(", ");
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT seq, body FROM journal WHERE kind IN ({marks}) ORDER BY seq"
        ))
        .map_err(sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(kinds)).map_err(sql)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(sql)? {
        let seq: i64 = r.get(0).map_err(sql)?;
        let body: String = r.get(1).map_err(sql)?;
        out.push(serde_json::from_str(&body).map_err(|e| StoreError::Decode {
            path: path.clone(),
            seq,
            problem: format!("body: {e}"),
        })?);
    }
    Ok(out)
}

/// The leave register: every entry ever made, in number order, each with
/// whether it was struck out.
pub fn leave_register(conn: &Connection) -> Result<Vec<(LeaveEntry, bool)>, StoreError> {
    let mut register: BTreeMap<u32, (LeaveEntry, bool)> = BTreeMap::new();
    for fact in facts(conn, &["leave_registered", "leave_cancelled"])? {
        match fact {
            Fact::LeaveRegistered { entry } => {
                register.insert(entry.no, (entry, false));
            }
            Fact::LeaveCancelled { no, .. } => {
                if let Some(e) = register.get_mut(&no) {
                    e.1 = true;
                }
            }
            _ => {}
        }
    }
    Ok(register.into_values().collect())
}

/// The leave not struck out that touches `from..=to`, by staff number, as
/// the attendance rule takes it.
pub fn leave(
    conn: &Connection,
    from: Date,
    to: Date,
) -> Result<BTreeMap<String, Vec<Leave>>, StoreError> {
    let mut by_member: BTreeMap<String, Vec<Leave>> = BTreeMap::new();
    for (e, cancelled) in leave_register(conn)? {
        if !cancelled && e.overlaps(from, to) {
            by_member.entry(e.member).or_default().push(Leave {
                from: e.from,
                to: e.to,
                kind: e.leave,
            });
        }
    }
    Ok(by_member)
}

/// The duty roster's days in `from..=to`, each as the latest entry set it.
pub fn roster(conn: &Connection, from: Date, to: Date) -> Result<BTreeMap<Date, Duty>, StoreError> {
    let mut roster = BTreeMap::new();
    for fact in facts(conn, &["duty_set"])? {
        if let Fact::DutySet { days, duty } = fact {
            for d in days.into_iter().filter(|d| from <= *d && *d <= to) {
                roster.insert(d, duty.clone());
            }
        }
    }
    Ok(roster)
}

/// The notices posted on the lobby's board and not taken down, by number,
/// and the highest number given.
#[allow(clippy::type_complexity)]
pub fn notices(conn: &Connection) -> Result<(Vec<(u32, PostedNotice)>, u32), StoreError> {
    let mut posted: BTreeMap<u32, PostedNotice> = BTreeMap::new();
    let mut highest = 0;
    for fact in facts(conn, &["notice_posted", "notice_withdrawn"])? {
        match fact {
            Fact::NoticePosted { no, notice } => {
                highest = highest.max(no);
                posted.insert(no, notice);
            }
            Fact::NoticeWithdrawn { no } => {
                posted.remove(&no);
            }
            _ => {}
        }
    }
    Ok((posted.into_iter().collect(), highest))
}
