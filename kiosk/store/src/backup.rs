//! `kiosk backup` and `kiosk restore`: a copy of the database taken with
//! SQLite's online backup while the station runs, checked before it is
//! trusted, optionally encrypted (the age format), and written back into a
//! stopped station's database through SQLite again. It is not the station's
//! writer and never runs while a restore could race one: the caller holds
//! the data folder's lock for a restore.
//!
//! Files are only ever read through SQLite, never copied byte for byte, so a
//! `-wal` beside a copy (a station killed before it checkpointed) is part of
//! what is read. A copy is written beside its destination under a temporary
//! name, synced and renamed, so a pulled USB stick or a full disk leaves
//! either the whole copy or none; an encrypted backup's plain copy lives only
//! in a temporary file of the data folder. A restore stages and checks the
//! copy, says before anything changes when it would lose journal entries the
//! live database has, keeps the live database as a checked copy under a name
//! of its own (never overwritten), then writes the copy into the live path in
//! one SQLite transaction. Restoring that kept copy undoes the restore.
//!
//! The daily backup (`kiosk backup` from the settings) names its files by
//! time in one folder and keeps the newest good ones; the last good backup is
//! recorded in the data folder for `kiosk doctor`.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use age::secrecy::SecretString;
use jiff::Timestamp;
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use serde::{Deserialize, Serialize};

use super::chain::{self, Break};
use super::{SCHEMA_VERSION, StoreError, StoreSettings};

mod on_card;
#[cfg(test)]
mod tests;

pub use on_card::{ON_CARD_EVERY, ON_CARD_KEEP, on_same_disk, recent};

/// What a copy holds, as checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The schema version it was written with.
    pub version: u32,
    pub entries: u64,
    /// The journal's last hash, in hex (as `kiosk verify-log` prints it);
    /// empty for a version before the hash chain.
    pub head: String,
    /// The size of the file that was checked (for an encrypted backup, of
    /// the encrypted file).
    pub bytes: u64,
    /// When its last journal entry was written; none for an empty journal.
    pub last_entry: Option<Timestamp>,
}

/// How a new backup is encrypted (the age format).
#[derive(Clone)]
pub enum Encrypt {
    /// A passphrase, stretched with scrypt: anyone who knows it opens the
    /// file.
    Passphrase(Passphrase),
    /// X25519 public keys (`age1…`): only the holders of the matching
    /// identities open it, and none of them needs to be on the station.
    Recipients(Vec<age::x25519::Recipient>),
}

/// What opens an encrypted backup.
pub enum Decrypt {
    Passphrase(Passphrase),
    /// Identities read from an age identity file (`AGE-SECRET-KEY-1…`).
    Identities(Vec<Box<dyn age::Identity + Send + Sync>>),
}

/// A passphrase read from a file; never shown (its `Debug` is redacted).
#[derive(Clone)]
pub struct Passphrase(SecretString);

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

impl Passphrase {
    /// The first line of `path`. A passphrase never comes on the command
    /// line, where `ps` would show it.
    pub fn from_file(path: &Path) -> Result<Self, BackupError> {
        let bad = |detail: &str| BackupError::Key {
            path: path.to_path_buf(),
            detail: detail.to_string(),
        };
        let mut text = String::new();
        File::open(path)
            .and_then(|f| f.take(64 * 1024).read_to_string(&mut text))
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::InvalidData => bad("the passphrase file is not UTF-8 text"),
                _ => bad(&format!(
                    "cannot read the passphrase file: {e} — it must be readable by the user running kiosk (the kiosk user for the daily backup)"
                )),
            })?;
        let line = text.lines().next().unwrap_or_default();
        if line.trim().is_empty() {
            return Err(bad(
                "the passphrase file's first line is empty — write the passphrase on it",
            ));
        }
        Ok(Self(SecretString::from(line.to_string())))
    }
}

impl Encrypt {
    /// X25519 recipients as `age-keygen -y` prints them.
    pub fn recipients(texts: &[String]) -> Result<Self, BackupError> {
        let mut recipients = Vec::new();
        for text in texts {
            recipients.push(parse_recipient(text)?);
        }
        Ok(Self::Recipients(recipients))
    }
}

/// One `age1…` public key.
pub fn parse_recipient(text: &str) -> Result<age::x25519::Recipient, BackupError> {
    text.trim()
        .parse()
        .map_err(|_| BackupError::BadRecipient(text.to_string()))
}

impl Decrypt {
    /// The identities of an age identity file (as `age-keygen` writes it).
    pub fn identity_file(path: &Path) -> Result<Self, BackupError> {
        let bad = |detail: String| BackupError::Key {
            path: path.to_path_buf(),
            detail,
        };
        let file = File::open(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
        let identities = age::IdentityFile::from_buffer(BufReader::new(file))
            .map_err(|e| bad(format!("not an age identity file: {e}")))?
            .into_identities()
            .map_err(|e| bad(format!("cannot use its identities: {e}")))?;
        if identities.is_empty() {
            return Err(bad(
                "it holds no identity (AGE-SECRET-KEY-1… lines, as age-keygen writes them)".into(),
            ));
        }
        Ok(Self::Identities(identities))
    }
}

/// Why a backup or a restore did not happen. Nothing was changed unless the
/// message says otherwise.
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
    /// The backup folder is missing (a stick not mounted).
    #[error(
        "{0} is not a folder — mount the backup stick (or create the folder) and give the kiosk user write access to it"
    )]
    NoFolder(PathBuf),
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
    /// The copy would lose entries the live database has.
    #[error(
        "{path} is older than the live database: {}, and the live database has {newer} journal entries after that (the last at {live_last}); restoring it loses them — nothing was changed; pass --force to restore it anyway (the live database is then kept as a copy that `kiosk restore --from` brings back)",
        copy_last.map_or("it holds no journal entry".to_string(), |t| format!("its last journal entry is from {t}"))
    )]
    Older {
        path: PathBuf,
        copy_last: Option<Timestamp>,
        live_last: Timestamp,
        newer: u64,
    },
    /// An encrypted backup and nothing to open it with.
    #[error(
        "{0} is an encrypted backup — pass --passphrase-file FILE (or --identity FILE for one encrypted to a public key)"
    )]
    Encrypted(PathBuf),
    #[error(
        "{0} is encrypted with a passphrase, not to a public key — pass --passphrase-file FILE"
    )]
    WantsPassphrase(PathBuf),
    #[error(
        "{0} is encrypted to public keys, not with a passphrase — pass --identity FILE with the matching secret key"
    )]
    WantsIdentity(PathBuf),
    #[error("{path}: {}", if *passphrase {
        "the passphrase is wrong — check the passphrase file (its first line is the passphrase)"
    } else {
        "none of the identities given opens it — it was encrypted to another public key"
    })]
    WrongKey { path: PathBuf, passphrase: bool },
    #[error(
        "{path}: the encrypted backup is truncated or damaged ({detail}) — use another backup (was the stick pulled out while it was written?)"
    )]
    Truncated { path: PathBuf, detail: String },
    #[error(
        "{path}: its passphrase asks for far more work than this machine does in a few seconds (scrypt 2^{required}) — decrypt it on a faster machine with `age -d`, then restore the plain copy"
    )]
    TooMuchWork { path: PathBuf, required: u8 },
    /// A passphrase or identity file cannot be used.
    #[error("{path}: {detail}")]
    Key { path: PathBuf, detail: String },
    #[error(
        "`{0}` is not an age public key — give one such as age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p (`age-keygen -y KEYFILE` prints it)"
    )]
    BadRecipient(String),
    /// Encrypted or not, the name says which.
    #[error(
        "{0}: an encrypted backup's name ends in .age — name it so, such as kiosk-2026-11-30.db.age"
    )]
    NameWantsAge(PathBuf),
    #[error(
        "{0}: the name ends in .age but no passphrase or public key was given — pass --passphrase-file FILE or --recipient age1…, or name the plain copy without .age"
    )]
    NameIsAge(PathBuf),
    /// The copy was checked but writing it into the live path failed.
    #[error("the copy was not installed: {source}{}", kept.as_ref().map(|k| format!("; the database it was to replace is kept as {}", k.display())).unwrap_or_default())]
    NotInstalled {
        kept: Option<PathBuf>,
        source: Box<BackupError>,
    },
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
    move |e| match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => BackupError::NotADatabase {
            path: path.to_path_buf(),
            detail: e.to_string(),
        },
        Some(ErrorCode::DiskFull | ErrorCode::CannotOpen) => BackupError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(e.to_string()),
        },
        _ => BackupError::Store(StoreError::from_sql(path, e)),
    }
}

/// A temporary name beside `path`.
fn partial(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// The folder a file is in (`.` for a bare name).
fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Syncs a finished file and its folder, so that the rename survives a cut.
fn sync(path: &Path) -> Result<(), BackupError> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io(path))?;
    let dir = folder(path);
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir))?;
    Ok(())
}

/// Whether a name says "encrypted".
fn named_age(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("age"))
}

/// How an age file begins (binary form; `age-encryption.org/v1` today).
const AGE_MAGIC: &[u8] = b"age-encryption.org/";

/// Copies the database `source` is connected to into a new file at `to`
/// (one file, no WAL). Errors reading are named after `from`, errors
/// writing after `to`.
fn online_copy(source: &Connection, from: &Path, to: &Path) -> Result<(), BackupError> {
    let blame = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull | ErrorCode::ReadOnly | ErrorCode::SystemIoFailure) => sql(to)(e),
        _ => sql(from)(e),
    };
    let mut copy = Connection::open(to).map_err(sql(to))?;
    {
        let backup = Backup::new(source, &mut copy).map_err(blame)?;
        backup
            .run_to_completion(1024, Duration::ZERO, None)
            .map_err(blame)?;
    }
    // A single file: no WAL to carry along.
    copy.pragma_update(None, "journal_mode", "DELETE")
        .map_err(sql(to))?;
    Ok(())
}

/// Copies the database at `db` to `to` while it may be in use, then checks
/// the copy. The copy is the database as of one moment (SQLite's backup
/// restarts if a commit lands while it runs). With `encrypt`, the checked
/// plain copy is made in a temporary file of `db`'s folder and only its
/// encryption reaches `to`, whose name must end in `.age`.
pub fn backup(
    db: &Path,
    settings: &StoreSettings,
    to: &Path,
    encrypt: Option<&Encrypt>,
) -> Result<Checked, BackupError> {
    match (encrypt.is_some(), named_age(to)) {
        (true, false) => return Err(BackupError::NameWantsAge(to.to_path_buf())),
        (false, true) => return Err(BackupError::NameIsAge(to.to_path_buf())),
        _ => {}
    }
    if to.exists() {
        return Err(BackupError::Exists(to.to_path_buf()));
    }
    let source = super::open_read_only(db, settings)?;
    let tmp = partial(to);
    let Some(encrypt) = encrypt else {
        let result = (|| {
            let _ = std::fs::remove_file(&tmp);
            online_copy(&source, db, &tmp)?;
            sync(&tmp)?;
            check(&tmp)
        })();
        return match result {
            Ok(_) => {
                std::fs::rename(&tmp, to).map_err(io(to))?;
                sync(to)?;
                check(to)
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(e)
            }
        };
    };
    let data = folder(db);
    let plain = tempfile::Builder::new()
        .prefix(".kiosk-backup-")
        .suffix(".db")
        .tempfile_in(data)
        .map_err(io(data))?
        .into_temp_path();
    online_copy(&source, db, &plain)?;
    drop(source);
    let checked = check(&plain)?;
    let result = (|| {
        let _ = std::fs::remove_file(&tmp);
        seal(&plain, &tmp, encrypt)?;
        sync(&tmp)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, to).map_err(io(to))?;
    sync(to)?;
    // What is on the stick must at least be an age file again.
    is_age_file(to)?;
    Ok(Checked {
        bytes: std::fs::metadata(to).map_err(io(to))?.len(),
        ..checked
    })
}

/// Encrypts the file `plain` into a new file `to`.
fn seal(plain: &Path, to: &Path, encrypt: &Encrypt) -> Result<(), BackupError> {
    let encryptor = match encrypt {
        Encrypt::Passphrase(p) => age::Encryptor::with_user_passphrase(p.0.clone()),
        Encrypt::Recipients(r) => {
            age::Encryptor::with_recipients(r.iter().map(|r| r as &dyn age::Recipient))
                .map_err(|e| io(to)(std::io::Error::other(e.to_string())))?
        }
    };
    let out = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)
        .map_err(io(to))?;
    let mut writer = encryptor.wrap_output(BufWriter::new(out)).map_err(io(to))?;
    let mut input = File::open(plain).map_err(io(plain))?;
    std::io::copy(&mut input, &mut writer).map_err(io(to))?;
    let out = writer
        .finish()
        .map_err(io(to))?
        .into_inner()
        .map_err(|e| io(to)(e.into_error()))?;
    out.sync_all().map_err(io(to))
}

/// Checks that `path` starts with a well-formed age header.
fn is_age_file(path: &Path) -> Result<(), BackupError> {
    let file = File::open(path).map_err(io(path))?;
    age::Decryptor::new_buffered(BufReader::new(file))
        .map(drop)
        .map_err(|e| header_error(path, e))
}

fn header_error(path: &Path, e: age::DecryptError) -> BackupError {
    BackupError::Truncated {
        path: path.to_path_buf(),
        detail: match e {
            age::DecryptError::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                "it ends inside its header".into()
            }
            other => format!("its header: {other}"),
        },
    }
}

/// Checks a copy without changing it: a kiosk database of a version this
/// kiosk knows, whole (`integrity_check`), its hash chain unbroken. A `-wal`
/// beside it is read too.
pub fn check(path: &Path) -> Result<Checked, BackupError> {
    check_named(path, path)
}

/// [`check`] on the file at `path`, naming `name` in what it reports (a
/// staged copy is reported under the file the technician gave).
fn check_named(path: &Path, name: &Path) -> Result<Checked, BackupError> {
    let bytes = std::fs::metadata(path).map_err(io(name))?.len();
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql(name))?;
    let version: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(sql(name))?;
    if version > SCHEMA_VERSION {
        return Err(BackupError::Newer {
            path: name.to_path_buf(),
            found: version,
        });
    }
    let has_journal: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'journal'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(sql(name))?
        > 0;
    if version == 0 || !has_journal {
        return Err(BackupError::NotADatabase {
            path: name.to_path_buf(),
            detail: "no journal in it".into(),
        });
    }
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(sql(name))?;
    if integrity != "ok" {
        return Err(BackupError::Damaged {
            path: name.to_path_buf(),
            detail: integrity,
        });
    }
    let (entries, head) = if version >= super::CHAIN_VERSION {
        let verdict = chain::verify(&conn).map_err(sql(name))?;
        if let Some(brk) = verdict.first_break {
            return Err(BackupError::ChainBroken {
                path: name.to_path_buf(),
                brk,
            });
        }
        (verdict.entries, verdict.head)
    } else {
        let n: i64 = conn
            .query_row("SELECT count(*) FROM journal", [], |r| r.get(0))
            .map_err(sql(name))?;
        (u64::try_from(n).unwrap_or(0), String::new())
    };
    let last_ms: Option<i64> = conn
        .query_row("SELECT max(at_ms) FROM journal", [], |r| r.get(0))
        .map_err(sql(name))?;
    Ok(Checked {
        version,
        entries,
        head,
        bytes,
        last_entry: last_ms.and_then(|ms| Timestamp::from_millisecond(ms).ok()),
    })
}

/// A copy read (and decrypted) into a temporary file and checked; the file
/// is removed when this is dropped.
pub struct Staged {
    file: tempfile::TempPath,
    pub checked: Checked,
    /// Whether the copy was an encrypted backup.
    pub encrypted: bool,
}

impl Staged {
    /// The checked plain copy.
    pub fn path(&self) -> &Path {
        &self.file
    }
}

/// Reads the copy at `from` into a temporary file in `dir` and checks it:
/// a plain copy through SQLite (so a `-wal` beside it counts), an encrypted
/// one (recognised by its content, not its name) decrypted with `key`.
/// Any bytes at all may be given; nothing but a checked kiosk database
/// passes.
pub fn stage(from: &Path, key: Option<&Decrypt>, dir: &Path) -> Result<Staged, BackupError> {
    let mut file = File::open(from).map_err(io(from))?;
    let mut magic = [0u8; AGE_MAGIC.len()];
    let mut got = 0;
    while got < magic.len() {
        match file.read(&mut magic[got..]).map_err(io(from))? {
            0 => break,
            n => got += n,
        }
    }
    let encrypted = magic[..got] == *AGE_MAGIC;
    let tmp = tempfile::Builder::new()
        .prefix(".kiosk-restore-")
        .suffix(".db")
        .tempfile_in(dir)
        .map_err(io(dir))?;
    if encrypted {
        let key = key.ok_or_else(|| BackupError::Encrypted(from.to_path_buf()))?;
        let file = File::open(from).map_err(io(from))?;
        open_sealed(from, file, key, tmp.as_file())?;
    } else {
        drop(file);
        let source = Connection::open_with_flags(
            from,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sql(from))?;
        online_copy(&source, from, tmp.path())?;
    }
    let file = tmp.into_temp_path();
    let checked = check_named(&file, from)?;
    Ok(Staged {
        file,
        checked,
        encrypted,
    })
}

/// Decrypts the age file `input` (at `from`) into `out`.
fn open_sealed(from: &Path, input: File, key: &Decrypt, out: &File) -> Result<(), BackupError> {
    let decryptor =
        age::Decryptor::new_buffered(BufReader::new(input)).map_err(|e| header_error(from, e))?;
    let scrypt = decryptor.is_scrypt();
    let passphrase_identity;
    let identities: Vec<&dyn age::Identity> = match key {
        Decrypt::Passphrase(p) => {
            if !scrypt {
                return Err(BackupError::WantsIdentity(from.to_path_buf()));
            }
            passphrase_identity = age::scrypt::Identity::new(p.0.clone());
            vec![&passphrase_identity]
        }
        Decrypt::Identities(ids) => {
            if scrypt {
                return Err(BackupError::WantsPassphrase(from.to_path_buf()));
            }
            ids.iter().map(|i| &**i as &dyn age::Identity).collect()
        }
    };
    let mut reader = decryptor
        .decrypt(identities.into_iter())
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys
            | age::DecryptError::DecryptionFailed
            | age::DecryptError::KeyDecryptionFailed => BackupError::WrongKey {
                path: from.to_path_buf(),
                passphrase: scrypt,
            },
            age::DecryptError::ExcessiveWork { required, .. } => BackupError::TooMuchWork {
                path: from.to_path_buf(),
                required,
            },
            other => header_error(from, other),
        })?;
    let mut writer = BufWriter::new(out);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(BackupError::Truncated {
                    path: from.to_path_buf(),
                    detail: e.to_string(),
                });
            }
        };
        writer.write_all(&buf[..n]).map_err(io(folder(from)))?;
    }
    writer.flush().map_err(io(folder(from)))
}

/// The database a restore replaced, kept beside the live one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kept {
    pub path: PathBuf,
    /// Its check; an error when the replaced database was damaged (it is
    /// then kept exactly as it was found, with its `-wal`).
    pub check: Result<Checked, String>,
}

/// What a restore did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restored {
    pub from: Checked,
    /// Whether the copy was an encrypted backup.
    pub encrypted: bool,
    /// Where the database it replaced was kept (none if there was none).
    pub kept: Option<Kept>,
    /// Journal entries of the replaced database after the copy's last one
    /// (restored anyway, with `force`).
    pub lost: u64,
}

/// How to restore.
pub struct RestoreOptions<'a> {
    /// Opens an encrypted copy.
    pub key: Option<&'a Decrypt>,
    /// Restore even when the copy is older than the live database.
    pub force: bool,
    /// The time in the kept copy's name, such as `20261130T090000Z`.
    pub stamp: &'a str,
}

/// Puts the copy at `from` in place of the database at `db`, whose data
/// folder the caller has locked (the station is stopped).
///
/// The copy is staged and checked first; when the live database has journal
/// entries after the copy's last one, the restore is refused (nothing
/// changed) unless `force`. The live database is then kept beside it as
/// `kiosk.db.before-restore-<stamp>` (`-2`, `-3`… when that name is taken),
/// and the copy is written into `db` through SQLite's backup in one
/// transaction, then migrated to this kiosk's schema.
pub fn restore(
    db: &Path,
    settings: &StoreSettings,
    from: &Path,
    options: &RestoreOptions<'_>,
) -> Result<Restored, BackupError> {
    let staged = stage(from, options.key, folder(db))?;
    let lost = match newer_in_live(db, settings, staged.checked.last_entry) {
        Some((newer, live_last)) if newer > 0 => {
            if !options.force {
                return Err(BackupError::Older {
                    path: from.to_path_buf(),
                    copy_last: staged.checked.last_entry,
                    live_last,
                    newer,
                });
            }
            newer
        }
        _ => 0,
    };
    let kept = keep(db, options.stamp)?;
    let installed = (|| {
        install(staged.path(), from, db)?;
        // Migrates an older copy, and proves it opens as the station will.
        drop(super::open(db, settings)?);
        sync(db)
    })();
    if let Err(e) = installed {
        return Err(BackupError::NotInstalled {
            kept: kept.map(|k| k.path),
            source: Box::new(e),
        });
    }
    Ok(Restored {
        from: staged.checked.clone(),
        encrypted: staged.encrypted,
        kept,
        lost,
    })
}

/// How many journal entries the live database at `db` has after `after`,
/// and its last entry's time; none when it is missing or cannot be read (a
/// damaged database is what a restore is for).
fn newer_in_live(
    db: &Path,
    settings: &StoreSettings,
    after: Option<Timestamp>,
) -> Option<(u64, Timestamp)> {
    if !db.exists() {
        return None;
    }
    let conn = super::open_read_only(db, settings).ok()?;
    let (n, last): (i64, Option<i64>) = conn
        .query_row(
            "SELECT count(*), max(at_ms) FROM journal WHERE at_ms > ?1",
            [after.map_or(i64::MIN, |t| t.as_millisecond())],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok()?;
    Some((
        u64::try_from(n).unwrap_or(0),
        Timestamp::from_millisecond(last?).ok()?,
    ))
}

/// A new, empty file `<db>.before-restore-<stamp>[-n]`: the first name not
/// taken, claimed atomically so that no kept copy is ever overwritten.
fn claim_kept_name(db: &Path, stamp: &str) -> Result<PathBuf, BackupError> {
    let base = db.file_name().unwrap_or_default().to_string_lossy();
    for n in 1u32.. {
        let name = match n {
            1 => format!("{base}.before-restore-{stamp}"),
            n => format!("{base}.before-restore-{stamp}-{n}"),
        };
        let path = db.with_file_name(name);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io(&path)(e)),
        }
    }
    unreachable!("some name is free")
}

/// Keeps the live database at `db` as a copy of its own: through SQLite
/// (with its `-wal`) into one checked file, or, when SQLite cannot read it,
/// by moving its files aside exactly as they are.
fn keep(db: &Path, stamp: &str) -> Result<Option<Kept>, BackupError> {
    if !db.exists() {
        return Ok(None);
    }
    let path = claim_kept_name(db, stamp)?;
    let copied = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql(db))
    .and_then(|live| online_copy(&live, db, &path));
    let check = match copied {
        Ok(()) => {
            sync(&path)?;
            check(&path).map_err(|e| e.to_string())
        }
        Err(why) => {
            for suffix in ["", "-wal", "-shm"] {
                let side = with_suffix(db, suffix);
                if side.exists() {
                    std::fs::rename(&side, with_suffix(&path, suffix)).map_err(io(&side))?;
                }
            }
            sync(&path)?;
            Err(format!("kept as found, since it cannot be read: {why}"))
        }
    };
    Ok(Some(Kept { path, check }))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// Writes the checked copy `staged` into the database at `db` (created if
/// missing) with SQLite's backup: one transaction, so a cut leaves the old
/// database or the new one, and the live database's own `-wal` is SQLite's
/// business, never a stray file beside a new one.
fn install(staged: &Path, from: &Path, db: &Path) -> Result<(), BackupError> {
    let source = Connection::open_with_flags(
        staged,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql(from))?;
    let mut dest = Connection::open(db).map_err(sql(db))?;
    // Out of WAL (its content is in the kept copy), so that the page size
    // may change with the copy's.
    dest.pragma_update(None, "journal_mode", "DELETE")
        .map_err(sql(db))?;
    dest.pragma_update(None, "synchronous", "FULL")
        .map_err(sql(db))?;
    let backup = Backup::new(&source, &mut dest).map_err(sql(db))?;
    match backup.step(-1).map_err(sql(db))? {
        StepResult::Done => Ok(()),
        _ => Err(BackupError::Store(StoreError::Locked {
            path: db.to_path_buf(),
        })),
    }
}

/// The daily backup's files: `kiosk-<UTC time>[-n].db`, `.db.age` when
/// encrypted.
fn backup_name(name: &str) -> Option<(String, u32)> {
    let rest = name.strip_prefix("kiosk-")?;
    let rest = rest
        .strip_suffix(".db.age")
        .or_else(|| rest.strip_suffix(".db"))?;
    let (stamp, n) = match rest.split_once('-') {
        None => (rest, 1),
        Some((stamp, n)) => (stamp, n.parse().ok().filter(|n| *n >= 2)?),
    };
    let b = stamp.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (b.len() == 16 && digits(0..8) && b[8] == b'T' && digits(9..15) && b[15] == b'Z')
        .then(|| (stamp.to_string(), n))
}

/// A backup made into a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InFolder {
    pub file: PathBuf,
    pub checked: Checked,
}

/// Backs up into the folder `dir` under a name made from `now`
/// (`kiosk-20261130T023000Z.db`, `.db.age` when encrypted; `-2`… when the
/// second is taken). The folder must exist: a stick that is not mounted is
/// an error, never a folder quietly made on the card.
pub fn backup_into(
    db: &Path,
    settings: &StoreSettings,
    dir: &Path,
    encrypt: Option<&Encrypt>,
    now: Timestamp,
) -> Result<InFolder, BackupError> {
    if !dir.is_dir() {
        return Err(BackupError::NoFolder(dir.to_path_buf()));
    }
    let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let ext = if encrypt.is_some() { "db.age" } else { "db" };
    let file = (1u32..)
        .map(|n| match n {
            1 => dir.join(format!("kiosk-{stamp}.{ext}")),
            n => dir.join(format!("kiosk-{stamp}-{n}.{ext}")),
        })
        .find(|p| !p.exists() && !partial(p).exists())
        .unwrap_or_default();
    let checked = backup(db, settings, &file, encrypt)?;
    Ok(InFolder { file, checked })
}

/// Removes the daily backups in `dir` beyond the newest `keep` good ones.
/// `newest` (the backup just made and checked) is always kept and counted
/// first, whatever the clock said when the others were named, so the only
/// good backup is never deleted. A plain backup is good when it passes
/// [`check`]; an encrypted one when its age header is whole (it cannot be
/// checked further without its key). A damaged file among the newest is
/// kept but not counted, until `keep` good ones are newer. Other files in the
/// folder are never touched. Returns the files removed.
pub fn prune(dir: &Path, newest: &Path, keep: u32) -> Result<Vec<PathBuf>, BackupError> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let name = entry.file_name();
        let Some(order) = name.to_str().and_then(backup_name) else {
            continue;
        };
        let path = entry.path();
        if path.file_name() != newest.file_name() && entry.file_type().is_ok_and(|t| t.is_file()) {
            found.push((order, path));
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0));
    let mut good = 1;
    let mut removed = Vec::new();
    for (_, path) in found {
        if good >= keep.max(1) {
            std::fs::remove_file(&path).map_err(io(&path))?;
            removed.push(path);
        } else if is_good(&path) {
            good += 1;
        }
    }
    Ok(removed)
}

fn is_good(path: &Path) -> bool {
    if named_age(path) {
        is_age_file(path).is_ok()
    } else {
        check(path).is_ok()
    }
}

/// The file in the data folder that records the last good backup.
pub const LAST_BACKUP: &str = "last-backup.json";

/// The last good backup, as `kiosk doctor` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastBackup {
    /// When it was made.
    pub at: Timestamp,
    pub file: PathBuf,
    pub entries: u64,
    /// The journal's chain head it holds.
    pub head: String,
    pub bytes: u64,
    pub encrypted: bool,
}

/// Records `last` in the data folder `data` (written whole, then renamed).
pub fn record(data: &Path, last: &LastBackup) -> Result<(), BackupError> {
    let path = data.join(LAST_BACKUP);
    let tmp = partial(&path);
    let text = serde_json::to_string_pretty(last).map_err(|e| io(&path)(e.into()))?;
    std::fs::write(&tmp, text + "\n").map_err(io(&tmp))?;
    std::fs::rename(&tmp, &path).map_err(io(&path))?;
    sync(&path)
}

/// The last good backup recorded in the data folder `data`, if any.
pub fn last_backup(data: &Path) -> Result<Option<LastBackup>, BackupError> {
    let path = data.join(LAST_BACKUP);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| BackupError::Key {
                path,
                detail: format!(
                    "cannot be read ({e}) — the next backup writes it again; remove it if it stays"
                ),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(&path)(e)),
    }
}
