//! Staff and their PINs: Argon2id hashes, wrong PINs counted, lockouts.
//!
//! Five wrong PINs in a row lock a member out for five minutes; ten lock them
//! until a manager unlocks them (`kiosk staff unlock`). A right PIN clears the
//! count. Only PINs typed where a member can be held to account count — the
//! console, commands; the public touchscreen has its own guard (ADR 0016).
//!
//! A check is two steps so that the slow part never holds up the writer:
//! [`verify_pin`] reads the member on any connection and runs Argon2id (one
//! verification whatever the answer, so that the time taken says nothing
//! about which numbers exist, are locked or disabled), then
//! [`Store::record_pin`] counts the outcome on the single writer.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, StoreError};
use domain::StaffRole;

/// Wrong PINs in a row before a five-minute lockout.
pub const SOFT_LIMIT: u32 = 5;
/// Wrong PINs in a row before a lockout only a manager lifts.
pub const HARD_LIMIT: u32 = 10;
/// How long the first lockout lasts.
pub const SOFT_LOCK_MS: i64 = 5 * 60 * 1000;

/// A staff member as listed (never the hash).
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize)]
pub struct StaffMember {
    pub id: String,
    pub name: String,
    pub role: StaffRole,
    pub failures: u32,
    pub locked_until: Option<Timestamp>,
    pub hard_locked: bool,
    pub disabled: bool,
}

/// Why a PIN was not accepted. Nothing says whether the member exists
/// beyond what a technician needs.
#[derive(Clone, Copy, PartialEq, Eq, Debug, thiserror::Error)]
pub enum PinRefusal {
    /// No such staff number. Said the same as a wrong PIN, so that nobody
    /// learns which numbers exist; told apart only so that what was typed is
    /// never journaled (it may be a PIN typed in the wrong field).
    #[error("unknown staff number or wrong PIN")]
    Unknown,
    #[error("unknown staff number or wrong PIN")]
    Wrong {
        /// Wrong PINs left before the next lockout.
        left: u32,
    },
    #[error("locked out after repeated wrong PINs until {until}; try again then, or ask a manager")]
    Locked { until: Timestamp },
    #[error(
        "locked out after {HARD_LIMIT} wrong PINs; a manager must unlock this staff number (kiosk staff unlock)"
    )]
    HardLocked,
    #[error("this staff number is disabled")]
    Disabled,
}

/// Why a staff record could not be made.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("a PIN is 4 to 8 digits")]
    BadPin,
    #[error("a staff number is 1–16 letters, digits or `-`")]
    BadId,
    #[error("the name is empty or longer than 32 characters")]
    BadName,
    #[error("staff number {0} already exists; use `kiosk staff passwd` to change the PIN")]
    Exists(String),
    #[error("there is no staff number {0}")]
    Unknown(String),
    #[error("cannot hash the PIN: {0}")]
    Hash(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn check_pin_format(pin: &str) -> Result<(), StaffError> {
    if (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(StaffError::BadPin)
    }
}

fn hash(pin: &str) -> Result<String, StaffError> {
    check_pin_format(pin)?;
    Argon2::default()
        .hash_password(pin.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| StaffError::Hash(e.to_string()))
}

/// Where wrong PINs count.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Counting {
    /// Against the member: wrong ones lock them out, and a lockout refuses
    /// even the right PIN (the console, commands).
    Account,
    /// Not against the member, and lockouts do not apply: a public surface,
    /// which guards itself (the touchscreen's PIN pad).
    Surface,
}

/// What a PIN check found before anything is written.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Verdict {
    /// The right PIN; `failures`: wrong ones counted before it.
    Right {
        role: StaffRole,
        name: String,
        failures: u32,
    },
    /// A wrong PIN for a member who may sign in.
    Wrong,
    /// Refused whatever the PIN (unknown number, disabled, locked out).
    Refused(PinRefusal),
}

/// A hash of a PIN nobody has, verified against when there is no member
/// or the member is refused anyway: every check costs one verification.
fn decoy() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash("0000").unwrap_or_default())
}

#[cfg(test)]
thread_local! {
    /// Argon2id verifications on this thread, for the tests that hold every
    /// check to exactly one.
    pub(super) static VERIFICATIONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn pin_matches(phc: &str, pin: &str) -> bool {
    #[cfg(test)]
    VERIFICATIONS.with(|v| v.set(v.get() + 1));
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Checks `pin` for staff number `id` at `now`, reading on `conn` (any
/// connection; nothing is written): the slow Argon2id part of a check. Its
/// outcome is counted by [`Store::record_pin`].
pub fn verify_pin(
    conn: &Connection,
    id: &str,
    pin: &str,
    now: Timestamp,
    counting: Counting,
) -> Result<Verdict, StoreError> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or_default());
    let row = conn
        .query_row(
            "SELECT role, pin_hash, failures, locked_until_ms, hard_locked, disabled, name FROM staff WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, bool>(4)?,
                    r.get::<_, bool>(5)?,
                    r.get::<_, String>(6)?,
                ))
            },
        )
        .optional()
        .map_err(|e| StoreError::from_sql(&path, e))?;
    let refused = match &row {
        None => Some(PinRefusal::Unknown),
        Some((_, _, _, _, _, true, _)) => Some(PinRefusal::Disabled),
        Some((_, _, _, _, true, _, _)) if counting == Counting::Account => {
            Some(PinRefusal::HardLocked)
        }
        Some((_, _, _, Some(until), _, _, _))
            if counting == Counting::Account && *until > now.as_millisecond() =>
        {
            Some(PinRefusal::Locked {
                until: Timestamp::from_millisecond(*until).unwrap_or(now),
            })
        }
        Some(_) => None,
    };
    match (refused, row) {
        (Some(refusal), _) => {
            pin_matches(decoy(), pin);
            Ok(Verdict::Refused(refusal))
        }
        (None, Some((role, phc, failures, _, _, _, name))) => Ok(if pin_matches(&phc, pin) {
            Verdict::Right {
                role: role_of(&role),
                name,
                failures,
            }
        } else {
            Verdict::Wrong
        }),
        (None, None) => Ok(Verdict::Refused(PinRefusal::Unknown)),
    }
}

fn role_of(word: &str) -> StaffRole {
    // The column is written only from StaffRole::word.
    StaffRole::parse(word).unwrap_or(StaffRole::Staff)
}

impl Store {
    /// Adds a staff member with a PIN (hashed here).
    pub fn add_staff(
        &mut self,
        id: &str,
        name: &str,
        role: StaffRole,
        pin: &str,
    ) -> Result<(), StaffError> {
        if id.is_empty()
            || id.len() > 16
            || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(StaffError::BadId);
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 32 {
            return Err(StaffError::BadName);
        }
        let pin_hash = hash(pin)?;
        let sql = |e| StoreError::from_sql(&self.path, e);
        let added = self
            .conn
            .execute(
                "INSERT INTO staff (id, name, role, pin_hash) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO NOTHING",
                params![id, name, role.word(), pin_hash],
            )
            .map_err(sql)?;
        if added == 0 {
            return Err(StaffError::Exists(id.to_string()));
        }
        Ok(())
    }

    /// Sets a new PIN and clears the count and any lockout.
    pub fn set_pin(&mut self, id: &str, pin: &str) -> Result<(), StaffError> {
        let pin_hash = hash(pin)?;
        let changed = self
            .conn
            .execute(
                "UPDATE staff SET pin_hash = ?2, failures = 0, locked_until_ms = NULL, hard_locked = 0 WHERE id = ?1",
                params![id, pin_hash],
            )
            .map_err(|e| StoreError::from_sql(&self.path, e))?;
        if changed == 0 {
            return Err(StaffError::Unknown(id.to_string()));
        }
        Ok(())
    }

    /// Lifts a lockout (a manager's action).
    pub fn unlock_staff(&mut self, id: &str) -> Result<(), StaffError> {
        let changed = self
            .conn
            .execute(
                "UPDATE staff SET failures = 0, locked_until_ms = NULL, hard_locked = 0 WHERE id = ?1",
                [id],
            )
            .map_err(|e| StoreError::from_sql(&self.path, e))?;
        if changed == 0 {
            return Err(StaffError::Unknown(id.to_string()));
        }
        Ok(())
    }

    /// Disables a member (they left the station) or enables them again. A
    /// disabled member's PIN is refused everywhere and their console sessions
    /// end.
    pub fn set_staff_disabled(&mut self, id: &str, disabled: bool) -> Result<(), StaffError> {
        let changed = self
            .conn
            .execute(
                "UPDATE staff SET disabled = ?2 WHERE id = ?1",
                params![id, disabled],
            )
            .map_err(|e| StoreError::from_sql(&self.path, e))?;
        if changed == 0 {
            return Err(StaffError::Unknown(id.to_string()));
        }
        Ok(())
    }

    /// Every staff member, by number.
    pub fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        read_staff(&self.conn, &self.path)
    }
}

/// Every staff member, by number, from any connection (`kiosk doctor` reads
/// them while the station runs).
pub fn read_staff(
    conn: &Connection,
    path: &std::path::Path,
) -> Result<Vec<StaffMember>, StoreError> {
    let sql = |e| StoreError::from_sql(path, e);
    let mut stmt = conn
        .prepare(
            "SELECT id, name, role, failures, locked_until_ms, hard_locked, disabled FROM staff ORDER BY id",
        )
        .map_err(sql)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(StaffMember {
                id: r.get(0)?,
                name: r.get(1)?,
                role: role_of(&r.get::<_, String>(2)?),
                failures: r.get(3)?,
                locked_until: r
                    .get::<_, Option<i64>>(4)?
                    .and_then(|ms| Timestamp::from_millisecond(ms).ok()),
                hard_locked: r.get(5)?,
                disabled: r.get(6)?,
            })
        })
        .map_err(sql)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(sql)
}

impl Store {
    /// Checks a PIN at `now`, counted against the member: their role and
    /// name, or why not ([`verify_pin`] then [`Store::record_pin`]).
    pub fn check_pin(
        &mut self,
        id: &str,
        pin: &str,
        now: Timestamp,
    ) -> Result<Result<(StaffRole, String), PinRefusal>, StoreError> {
        let verdict = verify_pin(&self.conn, id, pin, now, Counting::Account)?;
        self.record_pin(id, &verdict, now)
    }

    /// Counts a verdict against the member: a right PIN clears the count, a
    /// wrong one adds to it and may lock them out. Returns the member, or
    /// the refusal to show (a wrong PIN that locked them says so).
    pub fn record_pin(
        &mut self,
        id: &str,
        verdict: &Verdict,
        now: Timestamp,
    ) -> Result<Result<(StaffRole, String), PinRefusal>, StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::from_sql(&path, e);
        match verdict {
            Verdict::Refused(refusal) => Ok(Err(*refusal)),
            Verdict::Right {
                role,
                name,
                failures,
            } => {
                if *failures > 0 {
                    self.conn
                        .execute(
                            "UPDATE staff SET failures = 0, locked_until_ms = NULL WHERE id = ?1",
                            [id],
                        )
                        .map_err(sql)?;
                }
                Ok(Ok((*role, name.clone())))
            }
            Verdict::Wrong => {
                let tx = self
                    .conn
                    .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                    .map_err(sql)?;
                let failures: Option<u32> = tx
                    .query_row("SELECT failures FROM staff WHERE id = ?1", [id], |r| {
                        r.get(0)
                    })
                    .optional()
                    .map_err(sql)?;
                let Some(failures) = failures.map(|f| f + 1) else {
                    return Ok(Err(PinRefusal::Unknown));
                };
                let (locked, hard) = if failures >= HARD_LIMIT {
                    (None, true)
                } else if failures % SOFT_LIMIT == 0 {
                    (Some(now.as_millisecond() + SOFT_LOCK_MS), false)
                } else {
                    (None, false)
                };
                tx.execute(
                    "UPDATE staff SET failures = ?2, locked_until_ms = ?3, hard_locked = ?4 WHERE id = ?1",
                    params![id, failures, locked, hard],
                )
                .map_err(sql)?;
                tx.commit().map_err(sql)?;
                Ok(Err(match (locked, hard) {
                    (_, true) => PinRefusal::HardLocked,
                    (Some(ms), _) => PinRefusal::Locked {
                        until: Timestamp::from_millisecond(ms).unwrap_or(now),
                    },
                    _ => PinRefusal::Wrong {
                        left: SOFT_LIMIT - failures % SOFT_LIMIT,
                    },
                }))
            }
        }
    }
}
