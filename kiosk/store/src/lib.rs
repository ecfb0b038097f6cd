//! The durable store: one SQLite file holding the append-only journal and the
//! tables the screens and reports read.
//!
//! There is one opener ([`open`]; [`open_with_vfs`] is the same on a named SQLite
//! VFS, for the power-cut harness) that sets the pragmas every connection needs, and
//! versioned migrations keyed on `PRAGMA user_version`. A [`Store`] is the single
//! writer; readers (the `logs` command, the staff console, backups) open their own
//! connections. This module knows SQL and the domain's records; it knows nothing
//! of the UI, the printer or tokio.

pub mod audit;
pub mod backup;
pub mod chain;
pub mod export;
mod log;
pub mod report;
mod staff;

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, Transaction, params};

use domain::{Actor, Case, CaseNo, CategoryId, Fact, Phone, Record, Station};

pub use log::{LogEntry, LogFilter};
pub use staff::{
    Counting, HARD_LIMIT, PinRefusal, SOFT_LIMIT, StaffError, StaffMember, Verdict, verify_pin,
};

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
];

/// The version whose migration chains the rows already written.
const CHAIN_VERSION: u32 = 5;

/// The schema version this program writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

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
    conn.pragma_update(None, "journal_mode", "WAL")
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
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let next = i + 1;
        let step = || -> rusqlite::Result<()> {
            conn.execute_batch(&format!("BEGIN IMMEDIATE;\n{sql}"))?;
            if next as u32 == CHAIN_VERSION {
                chain::backfill(conn)?;
            }
            conn.execute_batch(&format!("PRAGMA user_version = {next};\nCOMMIT;"))
        };
        step().map_err(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            StoreError::from_sql(path, e)
        })?;
    }
    Ok(())
}

/// What the station needs after a restart to resume where it was.
#[derive(Debug, Default)]
pub struct Resume {
    /// Every record of the latest business day in the journal, in order.
    pub records: Vec<Record>,
    /// Recent service times per category from earlier days, oldest first.
    pub service_times: Vec<(CategoryId, Vec<u32>)>,
    /// Cases not yet archived, in number order.
    pub open_cases: Vec<Case>,
    /// The highest case number given in each year.
    pub case_numbers: Vec<(i16, u32)>,
    /// Safety alarms still latched, by zone, with when they were raised.
    pub latched_alarms: Vec<(String, Timestamp)>,
    /// The highest ticket number of each category on business days after
    /// the one resumed (a clock that ran ahead opened them).
    pub later_days: Vec<(Date, CategoryId, u32)>,
}

impl Resume {
    /// Rebuilds a station from what the database holds: `blank` (a station with
    /// the catalog, calendar and settings but no history) plus the service times
    /// and every record of the latest day. This is how `kiosk run` starts and how
    /// the station loop recovers after a failed commit.
    pub fn rebuild(&self, blank: Station) -> Station {
        let mut station = blank;
        for (category, seconds) in &self.service_times {
            station.seed_service_times(*category, seconds.iter().copied());
        }
        station.seed_cases(self.open_cases.iter().cloned(), self.case_numbers.clone());
        station.seed_alarms(self.latched_alarms.iter().cloned());
        station.seed_later_days(self.later_days.iter().copied());
        for record in &self.records {
            station.apply(record);
        }
        station
    }
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
                "INSERT INTO case_contacts (case_no, phone) VALUES (?1, ?2)",
                params![case.to_string(), phone.full()],
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        // A deleted number's old page may still sit in the write-ahead log:
        // fold the log into the database and empty it.
        if records
            .iter()
            .any(|r| matches!(r.fact, Fact::ContactDeleted { .. }))
            && let Err(e) = self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
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

/// Reads what the station needs to resume, on any connection (`kiosk
/// doctor` and the command line rebuild the station read-only).
pub fn resume(conn: &Connection, path: &Path) -> Result<Resume, StoreError> {
    let store = Reader { conn, path };
    store.resume()
}

/// Reads on a connection that may be read-only.
struct Reader<'a> {
    conn: &'a Connection,
    path: &'a Path,
}

impl Reader<'_> {
    fn resume(&self) -> Result<Resume, StoreError> {
        let sql = |e| StoreError::from_sql(self.path, e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, at, day, actor, body FROM journal
                 WHERE day = (SELECT day FROM journal ORDER BY seq DESC LIMIT 1)
                 ORDER BY seq",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                ))
            })
            .map_err(sql)?;
        let mut records = Vec::new();
        for row in rows {
            let (seq, at, day, actor, body) = row.map_err(sql)?;
            records.push(decode(self.path, seq, &at, &day, &actor, &body)?);
        }
        let today = records
            .first()
            .map(|r| r.day.to_string())
            .unwrap_or_default();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT queue, service_seconds FROM (
                     SELECT queue, service_seconds, finished_at_ms,
                            row_number() OVER (PARTITION BY queue ORDER BY finished_at_ms DESC) AS n
                     FROM tickets
                     WHERE service_seconds IS NOT NULL AND day < ?1)
                 WHERE n <= 20 ORDER BY queue, finished_at_ms",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([&today], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
            })
            .map_err(sql)?;
        let mut service_times: Vec<(CategoryId, Vec<u32>)> = Vec::new();
        for row in rows {
            let (queue, seconds) = row.map_err(sql)?;
            let Some(id) = CategoryId::parse(&queue) else {
                continue;
            };
            let seconds = seconds.clamp(0, i64::from(u32::MAX)) as u32;
            match service_times.last_mut() {
                Some((last, list)) if *last == id => list.push(seconds),
                _ => service_times.push((id, vec![seconds])),
            }
        }
        Ok(Resume {
            later_days: self.later_days(&today)?,
            records,
            service_times,
            open_cases: self.open_cases()?,
            case_numbers: self.case_numbers()?,
            latched_alarms: self.latched_alarms()?,
        })
    }

    /// Ticket numbers already given on business days after `day`.
    fn later_days(&self, day: &str) -> Result<Vec<(Date, CategoryId, u32)>, StoreError> {
        let sql = |e| StoreError::from_sql(self.path, e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT day, category, max(number) FROM tickets WHERE day > ?1
                 GROUP BY day, category ORDER BY day, category",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([day], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                ))
            })
            .map_err(sql)?;
        let mut later = Vec::new();
        for row in rows {
            let (day, category, number) = row.map_err(sql)?;
            if let (Ok(day), Some(category)) = (day.parse(), CategoryId::parse(&category)) {
                later.push((day, category, number));
            }
        }
        Ok(later)
    }

    /// Alarms raised and not reset since, on any day: a latched alarm
    /// outlives the day and a restart.
    fn latched_alarms(&self) -> Result<Vec<(String, Timestamp)>, StoreError> {
        let sql = |e| StoreError::from_sql(self.path, e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT kind, at, json_extract(body, '$.zone') FROM journal
                 WHERE kind IN ('alarm_raised', 'alarm_reset') ORDER BY seq",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })
            .map_err(sql)?;
        let mut latched: Vec<(String, Timestamp)> = Vec::new();
        for row in rows {
            let (kind, at, zone) = row.map_err(sql)?;
            let Some(zone) = zone else { continue };
            latched.retain(|(z, _)| *z != zone);
            if kind == "alarm_raised"
                && let Ok(at) = at.parse()
            {
                latched.push((zone, at));
            }
        }
        Ok(latched)
    }

    /// Cases not yet archived, and those of the latest two years (an
    /// archived case is reopened when the complainant disagrees), in number
    /// order.
    fn open_cases(&self) -> Result<Vec<Case>, StoreError> {
        let sql = |e| StoreError::from_sql(self.path, e);
        let mut open = Vec::new();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT number, body FROM cases
                 WHERE stage != 'archived' OR year >= (SELECT max(year) FROM cases) - 1
                 ORDER BY year, seq",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(sql)?;
        for row in rows {
            let (number, body) = row.map_err(sql)?;
            open.push(decode_case(self.path, &number, &body)?);
        }
        Ok(open)
    }

    /// The highest case number given in each year.
    fn case_numbers(&self) -> Result<Vec<(i16, u32)>, StoreError> {
        let sql = |e| StoreError::from_sql(self.path, e);
        let mut stmt = self
            .conn
            .prepare("SELECT year, max(seq) FROM cases GROUP BY year ORDER BY year")
            .map_err(sql)?;
        let numbers = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
            .map_err(sql)?
            .filter_map(|r| match r {
                Ok((year, seq)) => Some(Ok((i16::try_from(year).ok()?, u32::try_from(seq).ok()?))),
                Err(e) => Some(Err(e)),
            })
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql)?;
        Ok(numbers)
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
}

/// Appends a record as the next link of the journal's hash chain.
fn append(tx: &Transaction<'_>, record: &Record) -> rusqlite::Result<i64> {
    let actor = serde_json::to_string(&record.actor).unwrap_or_else(|_| "{}".into());
    let body = serde_json::to_string(&record.fact).unwrap_or_else(|_| "{}".into());
    let (last, prev) = chain::head(tx)?;
    let seq = last + 1;
    let at = record.at.to_string();
    let day = record.day.to_string();
    let ticket = record.fact.ticket().map(|t| t.to_string());
    let window = record.fact.window().map(|w| i64::from(w.get()));
    let row = chain::Row {
        seq,
        at: &at,
        at_ms: record.at.as_millisecond(),
        day: &day,
        kind: record.fact.kind(),
        actor: &actor,
        ticket: ticket.as_deref(),
        window,
        body: &body,
    };
    let hash = chain::hash(&prev, &row);
    tx.prepare_cached(
        "INSERT INTO journal (seq, at, at_ms, day, kind, actor, ticket, window_no, body, prev, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        seq,
        at,
        row.at_ms,
        day,
        row.kind,
        actor,
        ticket,
        window,
        body,
        prev.as_slice(),
        hash.as_slice(),
    ])?;
    Ok(seq)
}

/// Keeps the `tickets` table in step with the journal.
fn project(tx: &Transaction<'_>, record: &Record) -> rusqlite::Result<()> {
    let day = record.day.to_string();
    let at = record.at.as_millisecond();
    match &record.fact {
        Fact::TicketIssued {
            ticket,
            priority,
            ahead,
            wait_minutes,
            ..
        } => {
            tx.prepare_cached(
                "INSERT INTO tickets (day, code, category, number, queue, priority, state,
                                      issued_at_ms, ahead, wait_minutes)
                 VALUES (?1, ?2, ?3, ?4, ?3, ?5, 'waiting', ?6, ?7, ?8)",
            )?
            .execute(params![
                day,
                ticket.to_string(),
                ticket.category.to_string(),
                ticket.number,
                priority,
                at,
                ahead,
                wait_minutes
            ])?;
        }
        Fact::TicketCalled { ticket, window } => {
            tx.prepare_cached(
                "UPDATE tickets SET state = 'called', called_at_ms = ?3, window_no = ?4, recalls = 0
                 WHERE day = ?1 AND code = ?2",
            )?
            .execute(params![day, ticket.to_string(), at, window.get()])?;
        }
        Fact::TicketRecalled { ticket, count, .. } => {
            tx.prepare_cached("UPDATE tickets SET recalls = ?3 WHERE day = ?1 AND code = ?2")?
                .execute(params![day, ticket.to_string(), count])?;
        }
        Fact::TicketSkipped { ticket, .. } => {
            tx.prepare_cached(
                "UPDATE tickets SET state = 'skipped', finished_at_ms = ?3 WHERE day = ?1 AND code = ?2",
            )?
            .execute(params![day, ticket.to_string(), at])?;
        }
        Fact::TicketRequeued { ticket, .. } => {
            tx.prepare_cached(
                "UPDATE tickets SET state = 'waiting', finished_at_ms = NULL, window_no = NULL
                 WHERE day = ?1 AND code = ?2",
            )?
            .execute(params![day, ticket.to_string()])?;
        }
        Fact::TicketTransferred { ticket, to, .. } => {
            tx.prepare_cached(
                "UPDATE tickets SET state = 'waiting', queue = ?3, window_no = NULL
                 WHERE day = ?1 AND code = ?2",
            )?
            .execute(params![day, ticket.to_string(), to.to_string()])?;
        }
        Fact::TicketCompleted {
            ticket,
            window,
            service_seconds,
            ..
        } => {
            tx.prepare_cached(
                "UPDATE tickets SET state = 'completed', finished_at_ms = ?3, window_no = ?4,
                                    service_seconds = ?5
                 WHERE day = ?1 AND code = ?2",
            )?
            .execute(params![
                day,
                ticket.to_string(),
                at,
                window.get(),
                service_seconds
            ])?;
        }
        Fact::DayClosed { unserved } => {
            let mut stmt = tx.prepare_cached(
                "UPDATE tickets SET state = 'unserved', finished_at_ms = ?3 WHERE day = ?1 AND code = ?2",
            )?;
            for code in unserved {
                stmt.execute(params![day, code.to_string(), at])?;
            }
        }
        // A day closed by a clock that ran ahead opens again: the tickets it
        // closed unserved after the confirmed time wait again.
        Fact::ClockCorrected { .. } => {
            tx.prepare_cached(
                "UPDATE tickets SET state = 'waiting', finished_at_ms = NULL, window_no = NULL
                 WHERE day = ?1 AND state = 'unserved' AND finished_at_ms > ?2",
            )?
            .execute(params![day, at])?;
        }
        Fact::DayOpened
        | Fact::WindowOpened { .. }
        | Fact::WindowPaused { .. }
        | Fact::ClockBehind { .. }
        | Fact::ClockRecovered
        | Fact::ClockUnconfirmed { .. }
        | Fact::ClockConfirmed
        | Fact::TicketPrinted { .. }
        | Fact::TicketReprinted { .. }
        | Fact::RatingArmed { .. }
        | Fact::TicketRated { .. }
        | Fact::TicketUnrated { .. }
        | Fact::RatingIgnored { .. }
        | Fact::PrinterChanged { .. }
        | Fact::EvaluatorFault { .. }
        | Fact::ZoneInput { .. }
        | Fact::AlarmRaised { .. }
        | Fact::AlarmAcknowledged { .. }
        | Fact::AlarmReset { .. }
        | Fact::ZoneFaulted { .. }
        | Fact::PrintFailed { .. }
        // Back-entries stay in the journal only: reports read them there,
        // marked, beside the tickets.
        | Fact::BackEntered { .. }
        | Fact::PaperChanged
        | Fact::StaffSignedIn { .. }
        | Fact::PinRefused { .. }
        | Fact::PrintUnconfirmed { .. }
        | Fact::DayAnchored { .. }
        | Fact::PrintResent { .. }
        | Fact::CaseReprinted { .. }
        // An export changes no case: the journal is its only trace.
        | Fact::CaseExported { .. } => {}
        Fact::CaseOpened { .. }
        | Fact::CaseAdvanced { .. }
        | Fact::CaseReopened { .. }
        | Fact::CaseExtended { .. } => project_case(tx, record)?,
        Fact::CasePrinted { .. } => {}
        Fact::ContactDeleted { case } => {
            tx.execute(
                "DELETE FROM case_contacts WHERE case_no = ?1",
                [case.to_string()],
            )?;
        }
    }
    Ok(())
}

/// Keeps the `cases` table in step with the journal.
fn project_case(tx: &Transaction<'_>, record: &Record) -> rusqlite::Result<()> {
    let write = |case: &Case| -> rusqlite::Result<()> {
        let body = serde_json::to_string(case).unwrap_or_else(|_| "{}".into());
        tx.prepare_cached(
            "INSERT INTO cases (number, year, seq, day, stage, window_no, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (number) DO UPDATE SET stage = excluded.stage, body = excluded.body",
        )?
        .execute(params![
            case.no.to_string(),
            case.no.year,
            case.no.seq,
            case.day.to_string(),
            case.stage().word(),
            case.window.map(|w| w.get()),
            body,
        ])?;
        Ok(())
    };
    match &record.fact {
        Fact::CaseOpened { .. } => {
            if let Some(case) = Case::opened(record) {
                write(&case)?;
            }
        }
        Fact::CaseAdvanced { case, .. }
        | Fact::CaseReopened { case, .. }
        | Fact::CaseExtended { case, .. } => {
            let body: String = tx.query_row(
                "SELECT body FROM cases WHERE number = ?1",
                [case.to_string()],
                |r| r.get(0),
            )?;
            let mut current: Case = serde_json::from_str(&body).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?;
            current.apply(record);
            write(&current)?;
        }
        _ => {}
    }
    Ok(())
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
