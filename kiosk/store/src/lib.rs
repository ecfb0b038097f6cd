//! The durable store: one SQLite file holding the append-only journal and the
//! tables the screens and reports read.
//!
//! There is one opener ([`open`]; [`open_with_vfs`] is the same on a named SQLite
//! VFS, for the power-cut harness) that sets the pragmas every connection needs, and
//! versioned migrations keyed on `PRAGMA user_version`. A [`Store`] is the single
//! writer; readers (the `logs` command, the staff console, backups) open their own
//! connections. This module knows SQL and the domain's records; it knows nothing
//! of the UI, the printer or tokio.

pub mod attendance;
pub mod audit;
pub mod backup;
pub mod chain;
pub mod dockets;
pub mod export;
pub mod ledger;
mod log;
pub mod report;
#[cfg(feature = "slow-card")]
pub mod slow_card;
mod staff;
pub mod uplink;

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, params};

use domain::{Actor, Case, CaseNo, DocketNo, Fact, Phone, Principal, Record};

pub use log::{LogEntry, LogFilter};
pub use staff::{
    Counting, HARD_LIMIT, PinRefusal, SOFT_LIMIT, StaffError, StaffMember, Verdict, read_staff,
    verify_pin,
};

mod project;
mod resume;

use project::*;
pub use resume::*;

/// Settings of the database connection, from the config's `[store]` table.
#[derive(Clone, Debug)]
pub struct StoreSettings {
    /// How long a write waits for another process's lock before failing.
    pub busy_timeout: Duration,
}

impl Default for StoreSettings {
    fn default() -> Self {
        Self {
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// The migrations in order; migration `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_journal_and_tickets.sql"),
    include_str!("migrations/0002_cases.sql"),
    include_str!("migrations/0003_staff.sql"),
    include_str!("migrations/0004_case_contacts.sql"),
    include_str!("migrations/0005_journal_chain.sql"),
    include_str!("migrations/0006_journal_lookups.sql"),
    include_str!("migrations/0007_uplink.sql"),
    include_str!("migrations/0008_matters.sql"),
    include_str!("migrations/0009_served_by.sql"),
    include_str!("migrations/0010_dockets.sql"),
];

/// The version whose migration chains the rows already written.
const CHAIN_VERSION: u32 = 5;

/// The schema version this program writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The page size of a database this program creates. Every commit appends
/// each page it touched, whole, to the WAL on the SD card; a ticket's commit
/// touches about eight (the journal, its indexes, the ticket's row and its
/// indexes), so 1 KB pages write a quarter of what SQLite's default 4 KB do
/// (ADR 0033).
pub const PAGE_SIZE: u32 = 1024;

/// The page cache of a read-write connection (the writer's lives as long as
/// the station), in KiB: a quarter of SQLite's default 2,000. A commit
/// touches a few dozen pages at the ends of its B-trees; the rest comes
/// from the kernel's cache. At the default the cache filled over a busy
/// station's first fortnight and its RSS grew 1.4 MB (ADR 0033).
pub const CACHE_KIB: i64 = 512;

/// What went wrong with the database, with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file could not be opened or created.
    #[error(
        "cannot open the database {path}: {source} — check that the data folder exists and is writable by the kiosk user"
    )]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// Another process holds a lock longer than the busy timeout.
    #[error(
        "the database {path} is locked by another program — close any sqlite3 shell or backup job using it; the record was not written"
    )]
    Locked { path: PathBuf },
    /// The disk (or the database's size limit) is full.
    #[error(
        "the disk holding {path} is full — free space on it (old exports, logs); the record was not written"
    )]
    Full { path: PathBuf },
    /// The file is read-only or on a read-only file system.
    #[error(
        "the database {path} is read-only — check the file's owner and that the file system is mounted read-write"
    )]
    ReadOnly { path: PathBuf },
    /// Writing failed below SQLite: a failing card, or a file system that
    /// went read-only.
    #[error(
        "the database {path} cannot be written (an I/O error: the storage is failing or its file system went read-only) — check `dmesg`, free space and the card; replace a failing card after a backup; the record was not written"
    )]
    Io { path: PathBuf },
    /// The file is damaged or not a database.
    #[error(
        "the database {path} is damaged or not a kiosk database ({source}) — restore it from a backup or move it aside to start afresh"
    )]
    Corrupt {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// The file was written by a newer kiosk.
    #[error(
        "the database {path} has schema version {found}, newer than this kiosk's {SCHEMA_VERSION} — install the newer kiosk again"
    )]
    TooNew { path: PathBuf, found: u32 },
    /// A journal row could not be read back.
    #[error(
        "journal entry {seq} in {path} cannot be read ({problem}) — run `kiosk logs --json` to inspect it"
    )]
    Decode {
        path: PathBuf,
        seq: i64,
        problem: String,
    },
    /// A case's stored state cannot be read back.
    #[error(
        "case {number} in {path} cannot be read ({problem}) — its steps are in the journal: run `kiosk logs --json` to inspect them"
    )]
    CaseUnreadable {
        path: PathBuf,
        number: String,
        problem: String,
    },
    /// A docket's stored state does not read back.
    #[error(
        "docket {number} in {path} cannot be read ({problem}) — its steps are in the journal: run `kiosk logs --json` to inspect them"
    )]
    DocketUnreadable {
        path: PathBuf,
        number: String,
        problem: String,
    },
    /// A ticket number would have been issued twice; the commit was refused.
    #[error("ticket {code} of {day} is already in the database; refusing to issue it twice")]
    DuplicateTicket { day: Date, code: String },
    /// The writer thread is gone (the kiosk is stopping, or it crashed).
    #[error("the database writer has stopped — restart the kiosk")]
    WriterGone,
    /// `PRAGMA integrity_check` found damage.
    #[error("the database {path} failed its integrity check ({report}) — restore it from a backup")]
    Damaged { path: PathBuf, report: String },
    /// Any other SQLite failure.
    #[error("database error on {path}: {source}")]
    Sql {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

impl StoreError {
    /// A SQLite error on the file at `path`, sorted into what a technician can act on.
    pub fn from_sql(path: &Path, source: rusqlite::Error) -> Self {
        let path = path.to_path_buf();
        match source.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                StoreError::Locked { path }
            }
            Some(ErrorCode::DiskFull) => StoreError::Full { path },
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly { path },
            Some(ErrorCode::SystemIoFailure) => StoreError::Io { path },
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                StoreError::Corrupt { path, source }
            }
            _ => StoreError::Sql { path, source },
        }
    }
}

/// Opens (creating if needed) the database at `path` with the pragmas every
/// connection of this program uses: WAL, `synchronous=FULL` (an acknowledged
/// commit survives a power cut, see `docs/adr/0001-power-loss.md`), foreign keys,
/// and a busy timeout. Migrates the schema to [`SCHEMA_VERSION`].
pub fn open(path: &Path, settings: &StoreSettings) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(path, read_write_flags()).map_err(|source| {
        StoreError::Open {
            path: path.to_path_buf(),
            source,
        }
    })?;
    prepare(path, settings, conn)
}

/// Opens the database at `path` exactly as [`open`] does (same pragmas, same
/// migrations) but through the SQLite VFS registered under the name `vfs`. The
/// power-cut harness (`kiosk/tests/power_cut.rs`) uses it to put the store on a
/// simulated disk that drops unsynced writes; the program itself always uses
/// [`open`].
pub fn open_with_vfs(
    path: &Path,
    settings: &StoreSettings,
    vfs: &str,
) -> Result<Connection, StoreError> {
    let conn =
        Connection::open_with_flags_and_vfs(path, read_write_flags(), vfs).map_err(|source| {
            StoreError::Open {
                path: path.to_path_buf(),
                source,
            }
        })?;
    prepare(path, settings, conn)
}

/// How the single writer opens the file: read-write, created if missing, and
/// without SQLite's own mutexes (the connection stays on one thread).
fn read_write_flags() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

/// Sets the pragmas of every read-write connection and migrates the schema; shared
/// by [`open`] and [`open_with_vfs`] so that both give the same guarantees.
fn prepare(
    path: &Path,
    settings: &StoreSettings,
    conn: Connection,
) -> Result<Connection, StoreError> {
    let sql = |e| StoreError::from_sql(path, e);
    conn.busy_timeout(settings.busy_timeout).map_err(sql)?;
    // Takes effect only while the file is still empty (a new database); an
    // existing one keeps its page size until `kiosk compact` rewrites it.
    conn.pragma_update(None, "page_size", PAGE_SIZE)
        .map_err(sql)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(sql)?;
    // Negative: a size in KiB rather than in pages.
    conn.pragma_update(None, "cache_size", -CACHE_KIB)
        .map_err(sql)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(sql)?;
    conn.pragma_update(None, "foreign_keys", true)
        .map_err(sql)?;
    // A deleted callback number is overwritten, not left in a free page.
    conn.pragma_update(None, "secure_delete", true)
        .map_err(sql)?;
    migrate(path, &conn)?;
    Ok(conn)
}

/// Opens an existing database for reading only (the `logs` command), without
/// migrating it.
pub fn open_read_only(path: &Path, settings: &StoreSettings) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    conn.busy_timeout(settings.busy_timeout)
        .map_err(|e| StoreError::from_sql(path, e))?;
    let version = user_version(path, &conn)?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
        });
    }
    Ok(conn)
}

fn user_version(path: &Path, conn: &Connection) -> Result<u32, StoreError> {
    conn.pragma_query_value(None, "user_version", |row| row.get::<_, u32>(0))
        .map_err(|e| StoreError::from_sql(path, e))
}

fn migrate(path: &Path, conn: &Connection) -> Result<(), StoreError> {
    let version = user_version(path, conn)?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
        });
    }
    if version as usize >= MIGRATIONS.len() {
        return Ok(());
    }
    // Every pending migration in one transaction: the schema moves to the
    // newest version or stays as it was, and a new database costs one
    // `fsync`, not one a migration (tens of milliseconds on an SD card,
    // before the first frame).
    let steps = || -> rusqlite::Result<()> {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let next = i + 1;
            conn.execute_batch(sql)?;
            if next as u32 == CHAIN_VERSION {
                chain::backfill(conn)?;
            }
            conn.execute_batch(&format!("PRAGMA user_version = {next};"))?;
        }
        conn.execute_batch("COMMIT")
    };
    steps().map_err(|e| {
        let _ = conn.execute_batch("ROLLBACK");
        StoreError::from_sql(path, e)
    })
}

/// The single writer of the database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens the database through [`open`].
    pub fn open(path: &Path, settings: &StoreSettings) -> Result<Self, StoreError> {
        Ok(Self {
            conn: open(path, settings)?,
            path: path.to_path_buf(),
        })
    }

    /// Opens the database through [`open_with_vfs`]: the same store, on the SQLite
    /// VFS named `vfs` (for the power-cut harness).
    pub fn open_with_vfs(
        path: &Path,
        settings: &StoreSettings,
        vfs: &str,
    ) -> Result<Self, StoreError> {
        Ok(Self {
            conn: open_with_vfs(path, settings, vfs)?,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Commits records in one transaction: journal rows plus the projections. When
    /// this returns `Ok`, the records are on disk (`synchronous=FULL`) and may be
    /// acknowledged. Returns the journal sequence numbers given.
    pub fn commit(&mut self, records: &[Record]) -> Result<Vec<i64>, StoreError> {
        self.commit_with(records, &[])
    }

    /// [`Store::commit`], plus the callback numbers of cases the records open,
    /// in the same transaction: kept with the case only (`case_contacts`),
    /// never in the journal.
    pub fn commit_with(
        &mut self,
        records: &[Record],
        contacts: &[(CaseNo, Phone)],
    ) -> Result<Vec<i64>, StoreError> {
        self.commit_private(records, contacts, &[])
    }

    /// [`Store::commit_with`], plus the citizens of proxy commissions the
    /// records open: kept with the docket only (`docket_principals`).
    pub fn commit_private(
        &mut self,
        records: &[Record],
        contacts: &[(CaseNo, Phone)],
        principals: &[(DocketNo, Principal)],
    ) -> Result<Vec<i64>, StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::from_sql(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        let mut seqs = Vec::with_capacity(records.len());
        for record in records {
            seqs.push(append(&tx, record).map_err(sql)?);
            project(&tx, record).map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                        || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
                {
                    StoreError::DuplicateTicket {
                        day: record.day,
                        code: record
                            .fact
                            .ticket()
                            .map(|t| t.to_string())
                            .unwrap_or_default(),
                    }
                }
                e => sql(e),
            })?;
        }
        for (case, phone) in contacts {
            tx.execute(
                "INSERT OR REPLACE INTO case_contacts (case_no, phone) VALUES (?1, ?2)",
                params![case.to_string(), phone.full()],
            )
            .map_err(sql)?;
        }
        for (docket, p) in principals {
            dockets::keep_principal(&tx, *docket, p).map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        // A deleted number's old page may still sit in the write-ahead log:
        // fold the log into the database and empty it.
        if records.iter().any(|r| {
            matches!(
                r.fact,
                Fact::ContactDeleted { .. } | Fact::PrincipalDeleted { .. }
            )
        }) && let Err(e) = self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        {
            tracing::warn!("after deleting callback numbers, the log was not emptied: {e}");
        }
        Ok(seqs)
    }

    /// Reads what the station needs to resume after a restart.
    pub fn resume(&self) -> Result<Resume, StoreError> {
        resume(&self.conn, &self.path)
    }
}

impl Store {
    /// The callback number a complainant left with a case (the case file and
    /// the callback only; every other view shows it masked).
    pub fn case_contact(&self, case: CaseNo) -> Result<Option<Phone>, StoreError> {
        read_contact(&self.conn, case)
    }

    /// Every case, in number order.
    pub fn all_cases(&self) -> Result<Vec<Case>, StoreError> {
        let sql = |e| StoreError::from_sql(&self.path, e);
        let mut stmt = self
            .conn
            .prepare("SELECT number, body FROM cases ORDER BY year, seq")
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(sql)?;
        let mut cases = Vec::new();
        for row in rows {
            let (number, body) = row.map_err(sql)?;
            cases.push(decode_case(&self.path, &number, &body)?);
        }
        Ok(cases)
    }

    /// Cases with a callback number whose retention ran out: filed (存档)
    /// at or before `archived_by`.
    pub fn expired_contacts(&self, archived_by: Timestamp) -> Result<Vec<CaseNo>, StoreError> {
        let sql = |e| StoreError::from_sql(&self.path, e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT c.number, c.body FROM cases c JOIN case_contacts k ON k.case_no = c.number
                 WHERE c.stage = 'archived' ORDER BY c.year, c.seq",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(sql)?;
        let mut expired = Vec::new();
        for row in rows {
            let (number, body) = row.map_err(sql)?;
            let case = decode_case(&self.path, &number, &body)?;
            if case.archived_at().is_some_and(|at| at <= archived_by) {
                expired.push(case.no);
            }
        }
        Ok(expired)
    }

    /// A case as it stands, open or archived.
    pub fn case(&self, number: &str) -> Result<Option<Case>, StoreError> {
        read_case(&self.conn, number)
    }

    /// The instant of the last journal entry, if any.
    pub fn last_record_at(&self) -> Result<Option<Timestamp>, StoreError> {
        let at: Option<String> = self
            .conn
            .query_row(
                "SELECT at FROM journal ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })
            .map_err(|e| StoreError::from_sql(&self.path, e))?;
        Ok(at.and_then(|a| a.parse().ok()))
    }

    /// Runs `PRAGMA integrity_check`; `Ok(())` when the database is sound.
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        let result: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| StoreError::from_sql(&self.path, e))?;
        if result == "ok" {
            Ok(())
        } else {
            Err(StoreError::Damaged {
                path: self.path.clone(),
                report: result,
            })
        }
    }

    /// The page size the database is laid out in, in bytes.
    pub fn page_size(&self) -> Result<u32, StoreError> {
        self.conn
            .pragma_query_value(None, "page_size", |r| r.get(0))
            .map_err(|e| StoreError::from_sql(&self.path, e))
    }

    /// Rewrites the whole database in [`PAGE_SIZE`] pages with no free
    /// space (`VACUUM`), then checks it. The station must be stopped: the
    /// rewrite leaves WAL mode for its duration (a page size cannot change
    /// under a WAL) and holds the file to itself. A cut part-way leaves the
    /// old database whole (SQLite's rollback journal, synced in full).
    /// Returns the page size and file size before and after.
    pub fn compact(&mut self) -> Result<Compacted, StoreError> {
        let sql = |e| StoreError::from_sql(&self.path, e);
        let before = (self.page_size()?, self.file_bytes()?);
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .map_err(sql)?;
        self.conn
            .pragma_update(None, "journal_mode", "DELETE")
            .map_err(sql)?;
        let rewritten = self
            .conn
            .pragma_update(None, "page_size", PAGE_SIZE)
            .and_then(|()| self.conn.execute_batch("VACUUM"));
        // Back to WAL whatever VACUUM said: the station opens it so anyway.
        self.conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(sql)?;
        rewritten.map_err(sql)?;
        self.integrity_check()?;
        let after = (self.page_size()?, self.file_bytes()?);
        Ok(Compacted { before, after })
    }

    fn file_bytes(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row(
                "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|b| b.max(0) as u64)
            .map_err(|e| StoreError::from_sql(&self.path, e))
    }
}

/// What SQLite holds in memory across every connection of this process, in
/// bytes: now, and the most since the process started (its page caches,
/// statements and lookaside). The soak bench reads it to tell SQLite's
/// bounded caches from the rest of the heap.
pub fn sqlite_memory() -> (u64, u64) {
    // SAFETY: both only read SQLite's own counters, under its mutex.
    let (now, peak) = unsafe {
        (
            rusqlite::ffi::sqlite3_memory_used(),
            rusqlite::ffi::sqlite3_memory_highwater(0),
        )
    };
    (now.max(0) as u64, peak.max(0) as u64)
}

/// What [`Store::compact`] did: (page size, bytes) before and after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Compacted {
    pub before: (u32, u64),
    pub after: (u32, u64),
}

/// The station's time when its clock reads `clock`: never before the
/// journal's last entry, where the station holds its time while the clock is
/// behind it (ADR 0015). Views outside the station loop — the command line,
/// the console, the doctor — judge "today" and "overdue" by it, as the
/// station does.
pub fn station_time(conn: &Connection, clock: Timestamp) -> Result<Timestamp, StoreError> {
    let path = PathBuf::from(conn.path().unwrap_or_default());
    let last: Option<String> = conn
        .query_row(
            "SELECT at FROM journal ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| StoreError::from_sql(&path, e))?;
    Ok(last
        .and_then(|at| at.parse::<Timestamp>().ok())
        .map_or(clock, |last| clock.max(last)))
}

/// A case as it stands, open or archived, on any connection (the console
/// reads through read-only ones).
pub fn read_case(conn: &Connection, number: &str) -> Result<Option<Case>, StoreError> {
    let path = PathBuf::from(conn.path().unwrap_or_default());
    let body: Option<String> = conn
        .query_row("SELECT body FROM cases WHERE number = ?1", [number], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|e| StoreError::from_sql(&path, e))?;
    body.map(|b| decode_case(&path, number, &b)).transpose()
}

/// A case's callback number, if one is kept.
pub fn read_contact(conn: &Connection, case: CaseNo) -> Result<Option<Phone>, StoreError> {
    let path = PathBuf::from(conn.path().unwrap_or_default());
    let phone: Option<String> = conn
        .query_row(
            "SELECT phone FROM case_contacts WHERE case_no = ?1",
            [case.to_string()],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| StoreError::from_sql(&path, e))?;
    Ok(phone.and_then(|p| Phone::parse(&p).ok()))
}

fn decode_case(path: &Path, number: &str, body: &str) -> Result<Case, StoreError> {
    serde_json::from_str(body).map_err(|e| StoreError::CaseUnreadable {
        path: path.to_path_buf(),
        number: number.to_string(),
        problem: e.to_string(),
    })
}

/// Rebuilds a record from its journal row.
fn decode(
    path: &Path,
    seq: i64,
    at: &str,
    day: &str,
    actor: &str,
    body: &str,
) -> Result<Record, StoreError> {
    let bad = |problem: String| StoreError::Decode {
        path: path.to_path_buf(),
        seq,
        problem,
    };
    Ok(Record {
        at: at.parse().map_err(|e| bad(format!("time `{at}`: {e}")))?,
        day: day.parse().map_err(|e| bad(format!("day `{day}`: {e}")))?,
        actor: serde_json::from_str::<Actor>(actor).map_err(|e| bad(format!("actor: {e}")))?,
        fact: serde_json::from_str::<Fact>(body).map_err(|e| bad(format!("body: {e}")))?,
    })
}

#[cfg(test)]
mod tests;
