//! `kiosk backup` and `kiosk restore`: a copy of the database taken with
//! SQLite's online backup while the station runs, checked before it is
//! trusted, and put back in place only while the station is stopped.
//!
//! A copy is written beside its destination under a temporary name, synced and
//! renamed, so a pulled USB stick or a full disk leaves either the whole copy
//! or none. A restore keeps the database it replaces beside it.

use std::fs::File;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::chain::{self, Break};
use super::{SCHEMA_VERSION, StoreError, StoreSettings};

/// What a copy holds, as checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The schema version it was written with.
    pub version: u32,
    pub entries: u64,
    /// The journal's last hash, in hex (as `kiosk verify-log` prints it);
    /// empty for a version before the hash chain.
    pub head: String,
    pub bytes: u64,
}

/// Why a backup or a restore did not happen. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists — choose a new file name; a backup never overwrites one")]
    Exists(PathBuf),
    #[error(
        "{path}: {source} — check that the folder exists, is writable and has room (a backup is about as large as the database)"
    )]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a kiosk database ({detail})")]
    NotADatabase { path: PathBuf, detail: String },
    #[error("{path}: the database is damaged: {detail} — use another backup")]
    Damaged { path: PathBuf, detail: String },
    #[error(
        "{path}: written by a newer kiosk (schema {found}, this one knows up to {SCHEMA_VERSION}) — install that kiosk to restore it"
    )]
    Newer { path: PathBuf, found: u32 },
    #[error(
        "{path}: its journal's hash chain breaks at {brk} — it was changed after it was written; it is not restored"
    )]
    ChainBroken { path: PathBuf, brk: Break },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn sql(path: &Path) -> impl Fn(rusqlite::Error) -> BackupError + '_ {
    move |e| match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::NotADatabase
                || f.code == rusqlite::ErrorCode::DatabaseCorrupt =>
        {
            BackupError::NotADatabase {
                path: path.to_path_buf(),
                detail: e.to_string(),
            }
        }
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::DiskFull
                || f.code == rusqlite::ErrorCode::CannotOpen =>
        {
            BackupError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other(e.to_string()),
            }
        }
        e => BackupError::Store(StoreError::from_sql(path, e)),
    }
}

/// A temporary name beside `path`.
fn partial(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// Syncs a finished file and its folder, so that the rename survives a cut.
fn sync(path: &Path) -> Result<(), BackupError> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io(path))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io(dir))?;
    }
    Ok(())
}

/// Copies the database at `db` to `to` while it may be in use, then checks
/// the copy. The copy is the database as of one moment (SQLite's backup
/// restarts if a commit lands while it runs).
pub fn backup(db: &Path, settings: &StoreSettings, to: &Path) -> Result<Checked, BackupError> {
    if to.exists() {
        return Err(BackupError::Exists(to.to_path_buf()));
    }
    let source = super::open_read_only(db, settings)?;
    let tmp = partial(to);
    let result = (|| {
        let _ = std::fs::remove_file(&tmp);
        let mut copy = Connection::open(&tmp).map_err(sql(&tmp))?;
        {
            let backup = rusqlite::backup::Backup::new(&source, &mut copy).map_err(sql(&tmp))?;
            backup
                .run_to_completion(1024, std::time::Duration::ZERO, None)
                .map_err(sql(&tmp))?;
        }
        // A single file: no WAL to carry along.
        copy.pragma_update(None, "journal_mode", "DELETE")
            .map_err(sql(&tmp))?;
        drop(copy);
        sync(&tmp)?;
        check(&tmp)
    })();
    match result {
        Ok(_) => {
            std::fs::rename(&tmp, to).map_err(io(to))?;
            sync(to)?;
            check(to)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Checks a copy without changing it: a kiosk database of a version this
/// kiosk knows, whole (`integrity_check`), its hash chain unbroken.
pub fn check(path: &Path) -> Result<Checked, BackupError> {
    let bytes = std::fs::metadata(path).map_err(io(path))?.len();
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql(path))?;
    let version: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(sql(path))?;
    if version > SCHEMA_VERSION {
        return Err(BackupError::Newer {
            path: path.to_path_buf(),
            found: version,
        });
    }
    let has_journal: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'journal'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(sql(path))?
        > 0;
    if version == 0 || !has_journal {
        return Err(BackupError::NotADatabase {
            path: path.to_path_buf(),
            detail: "no journal in it".into(),
        });
    }
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(sql(path))?;
    if integrity != "ok" {
        return Err(BackupError::Damaged {
            path: path.to_path_buf(),
            detail: integrity,
        });
    }
    let (entries, head) = if version >= super::CHAIN_VERSION {
        let verdict = chain::verify(&conn).map_err(sql(path))?;
        if let Some(brk) = verdict.first_break {
            return Err(BackupError::ChainBroken {
                path: path.to_path_buf(),
                brk,
            });
        }
        (verdict.entries, verdict.head)
    } else {
        let n: i64 = conn
            .query_row("SELECT count(*) FROM journal", [], |r| r.get(0))
            .map_err(sql(path))?;
        (u64::try_from(n).unwrap_or(0), String::new())
    };
    Ok(Checked {
        version,
        entries,
        head,
        bytes,
    })
}

/// What a restore did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restored {
    pub from: Checked,
    /// Where the database it replaced was kept (none if there was none).
    pub kept: Option<PathBuf>,
}

/// Puts the copy at `from` in place of the database at `db`, which the
/// caller has locked (the station is stopped). The database it replaces is
/// kept beside it as `kiosk.db.before-restore-<time>`; the copy is migrated
/// to this kiosk's schema.
pub fn restore(
    db: &Path,
    settings: &StoreSettings,
    from: &Path,
    stamp: &str,
) -> Result<Restored, BackupError> {
    let checked = check(from)?;
    let tmp = partial(db);
    std::fs::copy(from, &tmp).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(&tmp)(e)
    })?;
    sync(&tmp)?;
    let kept = if db.exists() {
        let mut name = db.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".before-restore-{stamp}"));
        let kept = db.with_file_name(name);
        std::fs::rename(db, &kept).map_err(io(db))?;
        // A WAL left by a station that was killed belongs to the old file.
        for suffix in ["-wal", "-shm"] {
            let mut side = db.as_os_str().to_os_string();
            side.push(suffix);
            let side = PathBuf::from(side);
            if side.exists() {
                let mut to = kept.as_os_str().to_os_string();
                to.push(suffix);
                std::fs::rename(&side, PathBuf::from(to)).map_err(io(&side))?;
            }
        }
        Some(kept)
    } else {
        None
    };
    std::fs::rename(&tmp, db).map_err(io(db))?;
    sync(db)?;
    // Migrates an older copy, and proves it opens as the station will.
    drop(super::open(db, settings)?);
    Ok(Restored {
        from: checked,
        kept,
    })
}
