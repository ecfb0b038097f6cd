//! Backups and restores on real SQLite files: a copy with its `-wal`, kept
//! copies that are never overwritten and undo a restore, an older copy
//! refused before anything changes, encrypted backups (passphrase and public
//! key) with wrong keys and truncated files, the daily folder's names and
//! retention, the last-backup record, and arbitrary bytes as a copy.

use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use jiff::Timestamp;
use proptest::prelude::*;

use super::*;
use crate::Store;
use domain::{Actor, Fact, Record};

fn issued(minute: u32, code: &str) -> Record {
    let at: Timestamp = format!("2026-11-30T01:{minute:02}:00Z").parse().unwrap();
    Record {
        at,
        day: "2026-11-30".parse().unwrap(),
        actor: Actor::Citizen,
        fact: Fact::TicketIssued {
            ticket: code.parse().unwrap(),
            priority: false,
            order: 0,
            ahead: 0,
            wait_minutes: Some(0),
            matter: None,
        },
    }
}

/// Commits tickets A001… numbered from `first`, a minute apart.
fn commit(store: &mut Store, first: u32, n: u32) {
    for i in first..first + n {
        store.commit(&[issued(i, &format!("A{i:03}"))]).unwrap();
    }
}

fn settings() -> StoreSettings {
    StoreSettings::default()
}

/// Entries and chain head of the database at `db`, read through SQLite.
fn state(db: &Path) -> (u64, String) {
    let c = check(db).unwrap();
    (c.entries, c.head)
}

fn options(stamp: &str) -> RestoreOptions<'_> {
    RestoreOptions {
        key: None,
        force: false,
        stamp,
    }
}

/// What a folder holds, by name, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A key that opens nobody's backup.
fn stranger() -> Decrypt {
    let key: Box<dyn age::Identity + Send + Sync> = Box::new(age::x25519::Identity::generate());
    Decrypt::Identities(vec![key])
}

fn passphrase(text: &str) -> Passphrase {
    Passphrase(SecretString::from(text.to_string()))
}

/// Issue: after a `kill -9`, a copy of `kiosk.db` with its `kiosk.db-wal`
/// was checked with the WAL but installed without it ("restored 9 journal
/// entries", 0 installed).
#[test]
fn a_copy_with_its_wal_is_restored_whole() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("station/kiosk.db");
    std::fs::create_dir_all(live.parent().unwrap()).unwrap();
    let mut store = Store::open(&live, &settings()).unwrap();
    commit(&mut store, 1, 9);
    // The station is still open, as if killed: the entries are in the WAL.
    let wal = with_suffix(&live, "-wal");
    assert!(std::fs::metadata(&wal).unwrap().len() > 0);
    let stick = dir.path().join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    std::fs::copy(&live, stick.join("kiosk.db")).unwrap();
    std::fs::copy(&wal, stick.join("kiosk.db-wal")).unwrap();
    let expected = state(&live);
    drop(store);

    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let db = data.join("kiosk.db");
    let done = restore(&db, &settings(), &stick.join("kiosk.db"), &options("S")).unwrap();
    assert_eq!(done.from.entries, 9);
    assert_eq!(state(&db), expected, "every entry of the WAL is installed");
    assert_eq!(done.kept, None);
    // Nothing staged is left behind.
    assert!(
        names(&data)
            .iter()
            .all(|n| !n.starts_with(".kiosk-restore")),
        "{:?}",
        names(&data)
    );
}

/// Issue: two restores in the same second overwrote the first kept copy.
/// Restoring a kept copy undoes the restore.
#[test]
fn kept_copies_are_never_overwritten_and_restoring_one_undoes_a_restore() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.db");
    let mut store = Store::open(&db, &settings()).unwrap();
    commit(&mut store, 1, 3);
    let early = dir.path().join("early.db");
    backup(&db, &settings(), &early, None).unwrap();
    commit(&mut store, 4, 3);
    drop(store);
    let six = state(&db);
    let three = state(&early);
    assert_eq!((six.0, three.0), (6, 3));

    let forced = RestoreOptions {
        force: true,
        ..options("20261130T090000Z")
    };
    let first = restore(&db, &settings(), &early, &forced).unwrap();
    assert_eq!(first.lost, 3);
    assert_eq!(state(&db), three);
    let kept = first.kept.unwrap();
    assert!(
        kept.path
            .ends_with("kiosk.db.before-restore-20261130T090000Z")
    );
    assert_eq!(
        kept.check.as_ref().unwrap().head,
        six.1,
        "checked when kept"
    );

    // Undo, in the same second: the kept copy is newer, so no force.
    let undo = restore(&db, &settings(), &kept.path, &options("20261130T090000Z")).unwrap();
    assert_eq!(undo.lost, 0);
    assert_eq!(state(&db), six, "the earlier database is back");
    let second = undo.kept.unwrap();
    assert!(
        second
            .path
            .ends_with("kiosk.db.before-restore-20261130T090000Z-2")
    );
    assert_eq!(state(&kept.path), six, "the first kept copy is untouched");
    assert_eq!(state(&second.path), three);

    // The station opens the result as always.
    let store = Store::open(&db, &settings()).unwrap();
    assert_eq!(store.resume().unwrap().records.len(), 6);
}

#[test]
fn an_older_copy_is_refused_before_anything_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.db");
    let mut store = Store::open(&db, &settings()).unwrap();
    commit(&mut store, 1, 2);
    let early = dir.path().join("early.db");
    backup(&db, &settings(), &early, None).unwrap();
    commit(&mut store, 3, 4);
    drop(store);
    let before = state(&db);
    let files = names(dir.path());

    let err = restore(&db, &settings(), &early, &options("S")).unwrap_err();
    assert!(
        matches!(err, BackupError::Older { newer: 4, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    for part in [
        "is older than the live database",
        "its last journal entry is from 2026-11-30T01:02:00Z",
        "has 4 journal entries after that (the last at 2026-11-30T01:06:00Z)",
        "nothing was changed; pass --force",
    ] {
        assert!(message.contains(part), "{message}");
    }
    assert_eq!(state(&db), before);
    assert_eq!(names(dir.path()), files, "no kept copy, no staged file");
}

#[test]
fn a_damaged_live_database_is_kept_as_found_and_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("good.db");
    let mut store = Store::open(&source, &settings()).unwrap();
    commit(&mut store, 1, 2);
    drop(store);
    let db = dir.path().join("kiosk.db");
    let garbage = b"not a database at all\n".repeat(300);
    std::fs::write(&db, &garbage).unwrap();

    let done = restore(&db, &settings(), &source, &options("S")).unwrap();
    assert_eq!(state(&db), state(&source));
    let kept = done.kept.unwrap();
    assert!(kept.check.unwrap_err().contains("kept as found"));
    assert_eq!(std::fs::read(&kept.path).unwrap(), garbage, "byte for byte");
}

#[test]
fn damaged_tampered_and_newer_copies_are_named_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.db");
    let mut store = Store::open(&good, &settings()).unwrap();
    commit(&mut store, 1, 2);
    drop(store);
    let newer = dir.path().join("newer.db");
    std::fs::copy(&good, &newer).unwrap();
    Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let tampered = dir.path().join("tampered.db");
    std::fs::copy(&good, &tampered).unwrap();
    Connection::open(&tampered)
        .unwrap()
        .execute_batch(
            "DROP TRIGGER journal_is_append_only_update;
             UPDATE journal SET body = replace(body, 'A001', 'A009') WHERE seq = 1;",
        )
        .unwrap();
    let staging = tempfile::tempdir().unwrap();
    for (copy, expected) in [
        (&newer, "written by a newer kiosk"),
        (&tampered, "hash chain breaks"),
    ] {
        let message = match stage(copy, None, staging.path()) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("{} passed", copy.display()),
        };
        assert!(
            message.starts_with(&format!("{}:", copy.display())),
            "{message}"
        );
        assert!(message.contains(expected), "{message}");
    }
    assert!(names(staging.path()).is_empty(), "nothing staged is left");
}

#[test]
fn a_passphrase_backup_is_encrypted_and_restored_with_the_passphrase_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.db");
    let mut store = Store::open(&db, &settings()).unwrap();
    commit(&mut store, 1, 4);
    let sealed = dir.path().join("stick.db.age");
    let encrypt = Encrypt::Passphrase(passphrase("correct horse battery staple"));
    let made = backup(&db, &settings(), &sealed, Some(&encrypt)).unwrap();
    drop(store);
    assert_eq!(made.entries, 4);
    assert_eq!(made.bytes, std::fs::metadata(&sealed).unwrap().len());
    let bytes = std::fs::read(&sealed).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n-> scrypt "));
    assert!(
        !bytes.windows(4).any(|w| w == b"A001"),
        "no ticket in clear"
    );
    assert_eq!(
        names(dir.path()),
        ["kiosk.db", "stick.db.age"],
        "no plain copy left beside the database"
    );
    // The name says whether it is encrypted.
    assert!(matches!(
        backup(&db, &settings(), &dir.path().join("x.db"), Some(&encrypt)),
        Err(BackupError::NameWantsAge(_))
    ));
    assert!(matches!(
        backup(&db, &settings(), &dir.path().join("x.db.age"), None),
        Err(BackupError::NameIsAge(_))
    ));

    let staging = dir.path().join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    let err = |key: Option<&Decrypt>, file: &Path| match stage(file, key, &staging) {
        Err(e) => e,
        Ok(_) => panic!("{} opened", file.display()),
    };
    assert!(matches!(err(None, &sealed), BackupError::Encrypted(_)));
    let wrong = Decrypt::Passphrase(passphrase("incorrect horse"));
    let e = err(Some(&wrong), &sealed);
    assert!(e.to_string().contains("the passphrase is wrong"), "{e}");
    let someone = stranger();
    assert!(matches!(
        err(Some(&someone), &sealed),
        BackupError::WantsPassphrase(_)
    ));
    let right = Decrypt::Passphrase(passphrase("correct horse battery staple"));
    let cut = dir.path().join("cut.db.age");
    std::fs::write(&cut, &bytes[..bytes.len() - 100]).unwrap();
    let e = err(Some(&right), &cut);
    assert!(
        e.to_string()
            .contains("the encrypted backup is truncated or damaged"),
        "{e}"
    );
    std::fs::write(&cut, &bytes[..40]).unwrap();
    let e = err(Some(&right), &cut);
    assert!(e.to_string().contains("it ends inside its header"), "{e}");
    assert!(names(&staging).is_empty(), "nothing staged is left");

    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let done = restore(
        &data.join("kiosk.db"),
        &settings(),
        &sealed,
        &RestoreOptions {
            key: Some(&right),
            ..options("S")
        },
    )
    .unwrap();
    assert!(done.encrypted);
    assert_eq!(state(&data.join("kiosk.db")), (4, made.head));
}

#[test]
fn a_backup_to_a_public_key_opens_with_its_identity_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.db");
    let mut store = Store::open(&db, &settings()).unwrap();
    commit(&mut store, 1, 2);
    drop(store);
    let identity = age::x25519::Identity::generate();
    let encrypt = Encrypt::recipients(&[identity.to_public().to_string()]).unwrap();
    let sealed = dir.path().join("kiosk.db.age");
    backup(&db, &settings(), &sealed, Some(&encrypt)).unwrap();

    let key_file = dir.path().join("key.txt");
    use age::secrecy::ExposeSecret;
    std::fs::write(
        &key_file,
        format!("# a key\n{}\n", identity.to_string().expose_secret()),
    )
    .unwrap();
    let key = Decrypt::identity_file(&key_file).unwrap();
    let staged = stage(&sealed, Some(&key), dir.path()).unwrap();
    assert_eq!(staged.checked.entries, 2);
    assert!(staged.encrypted);
    let other = stranger();
    let e = stage(&sealed, Some(&other), dir.path()).err().unwrap();
    assert!(
        e.to_string()
            .contains("none of the identities given opens it"),
        "{e}"
    );
    let pass = Decrypt::Passphrase(passphrase("x"));
    assert!(matches!(
        stage(&sealed, Some(&pass), dir.path()).err().unwrap(),
        BackupError::WantsIdentity(_)
    ));
    // Bad keys and recipients say what is wrong.
    assert!(
        Encrypt::recipients(&["age1nope".into()])
            .err()
            .unwrap()
            .to_string()
            .contains("is not an age public key")
    );
    std::fs::write(&key_file, "").unwrap();
    assert!(
        Decrypt::identity_file(&key_file)
            .err()
            .unwrap()
            .to_string()
            .contains("it holds no identity")
    );
    std::fs::write(&key_file, "\n").unwrap();
    assert!(
        Passphrase::from_file(&key_file)
            .unwrap_err()
            .to_string()
            .contains("first line is empty")
    );
}

#[test]
fn daily_backups_are_named_by_time_and_pruned_to_the_newest_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.db");
    let mut store = Store::open(&db, &settings()).unwrap();
    commit(&mut store, 1, 2);
    let folder = dir.path().join("stick");
    let now: Timestamp = "2026-11-30T02:30:00Z".parse().unwrap();
    assert!(matches!(
        backup_into(&db, &settings(), &folder, None, now),
        Err(BackupError::NoFolder(_))
    ));
    std::fs::create_dir_all(&folder).unwrap();
    let first = backup_into(&db, &settings(), &folder, None, now).unwrap();
    let second = backup_into(&db, &settings(), &folder, None, now).unwrap();
    assert!(first.file.ends_with("kiosk-20261130T023000Z.db"));
    assert!(second.file.ends_with("kiosk-20261130T023000Z-2.db"));
    // Older days, one of them damaged, and a file that is not ours.
    std::fs::copy(&first.file, folder.join("kiosk-20261128T023000Z.db")).unwrap();
    std::fs::write(folder.join("kiosk-20261129T023000Z.db"), b"rotten").unwrap();
    std::fs::copy(&first.file, folder.join("kiosk-20261127T023000Z.db")).unwrap();
    std::fs::write(folder.join("notes.txt"), b"keep me").unwrap();
    // A backup named from a clock that ran ahead must not push out the new one.
    std::fs::copy(&first.file, folder.join("kiosk-20301231T000000Z.db")).unwrap();
    drop(store);

    let third = backup_into(&db, &settings(), &folder, None, now).unwrap();
    let removed = prune(&folder, &third.file, 5).unwrap();
    let removed: Vec<String> = removed
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(removed, ["kiosk-20261127T023000Z.db"]);
    assert_eq!(
        names(&folder),
        [
            "kiosk-20261128T023000Z.db",
            "kiosk-20261129T023000Z.db",
            "kiosk-20261130T023000Z-2.db",
            "kiosk-20261130T023000Z-3.db",
            "kiosk-20261130T023000Z.db",
            "kiosk-20301231T000000Z.db",
            "notes.txt",
        ],
        "the newest five good ones, the damaged one among them kept uncounted"
    );
    // Keeping one never deletes the one just made.
    prune(&folder, &third.file, 1).unwrap();
    assert_eq!(names(&folder), ["kiosk-20261130T023000Z-3.db", "notes.txt"]);
}

#[test]
fn a_recent_backup_is_the_newest_good_one_of_the_last_week() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.db");
    let mut store = Store::open(&db, &settings()).unwrap();
    commit(&mut store, 1, 2);
    drop(store);
    let folder = dir.path().join("backups");
    std::fs::create_dir_all(&folder).unwrap();
    assert!(on_same_disk(&folder, &db));
    let at = |t: &str| -> Timestamp { t.parse().unwrap() };
    let now = at("2026-11-30T02:30:00Z");
    assert_eq!(recent(&folder, now).unwrap(), None, "an empty folder");
    let made = backup_into(&db, &settings(), &folder, None, at("2026-11-24T02:30:00Z")).unwrap();
    assert_eq!(
        recent(&folder, now).unwrap(),
        Some((made.file.clone(), at("2026-11-24T02:30:00Z")))
    );
    // Newer but damaged, and one from a clock that ran ahead: neither counts.
    std::fs::write(folder.join("kiosk-20261129T023000Z.db"), b"rotten").unwrap();
    std::fs::copy(&made.file, folder.join("kiosk-20301231T000000Z.db")).unwrap();
    assert_eq!(recent(&folder, now).unwrap().unwrap().0, made.file);
    // A week after it was made, it is no longer recent.
    assert_eq!(recent(&folder, at("2026-12-01T02:30:00Z")).unwrap(), None);
}

#[test]
fn backup_names_are_read_strictly() {
    let table = [
        ("kiosk-20261130T023000Z.db", Some(("20261130T023000Z", 1))),
        (
            "kiosk-20261130T023000Z.db.age",
            Some(("20261130T023000Z", 1)),
        ),
        (
            "kiosk-20261130T023000Z-12.db",
            Some(("20261130T023000Z", 12)),
        ),
        ("kiosk-20261130T023000Z-1.db", None),
        ("kiosk-20261130T023000Z-x.db", None),
        ("kiosk-2026113OT023000Z.db", None),
        ("kiosk-20261130T023000Z.db.partial", None),
        ("kiosk.db", None),
        ("kiosk-.db", None),
        ("other-20261130T023000Z.db", None),
    ];
    for (name, expected) in table {
        assert_eq!(
            backup_name(name),
            expected.map(|(s, n)| (s.to_string(), n)),
            "{name}"
        );
    }
}

#[test]
fn the_last_good_backup_is_recorded_in_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(last_backup(dir.path()).unwrap(), None);
    let last = LastBackup {
        at: "2026-11-30T02:30:00Z".parse().unwrap(),
        file: PathBuf::from("/media/stick/kiosk-20261130T023000Z.db.age"),
        entries: 42,
        head: "ab".repeat(32),
        bytes: 1234,
        encrypted: true,
    };
    record(dir.path(), &last).unwrap();
    assert_eq!(last_backup(dir.path()).unwrap(), Some(last));
    std::fs::write(dir.path().join(LAST_BACKUP), "{").unwrap();
    assert!(
        last_backup(dir.path())
            .unwrap_err()
            .to_string()
            .contains("the next backup writes it again")
    );
}

/// A small good backup, made once for the property tests.
fn good_copy() -> &'static [u8] {
    static COPY: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    COPY.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kiosk.db");
        let mut store = Store::open(&db, &settings()).unwrap();
        commit(&mut store, 1, 3);
        let copy = dir.path().join("copy.db");
        backup(&db, &settings(), &copy, None).unwrap();
        std::fs::read(copy).unwrap()
    })
}

/// Stages `bytes` as a copy (with an identity, so that the age path runs):
/// an answer, never a panic, and nothing left in the folder.
fn stage_bytes(bytes: &[u8]) -> Result<Checked, String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("copy");
    std::fs::write(&file, bytes).unwrap();
    let staging = dir.path().join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    let key = stranger();
    let result = stage(&file, Some(&key), &staging)
        .map(|s| s.checked.clone())
        .map_err(|e| e.to_string());
    assert!(names(&staging).is_empty());
    result
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_bytes_as_a_copy_are_refused_with_a_message(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        age in any::<bool>(),
    ) {
        let mut bytes = bytes;
        if age {
            let mut sealed = b"age-encryption.org/v1\n-> X25519 ".to_vec();
            sealed.append(&mut bytes);
            bytes = sealed;
        }
        let message = stage_bytes(&bytes).unwrap_err();
        prop_assert!(!message.is_empty());
    }

    #[test]
    fn a_good_copy_with_damaged_bytes_never_panics(
        at in any::<prop::sample::Index>(),
        value in any::<u8>(),
        cut in any::<bool>(),
    ) {
        let mut bytes = good_copy().to_vec();
        let i = at.index(bytes.len());
        if cut {
            bytes.truncate(i);
        } else {
            bytes[i] = value;
        }
        // Either the damage is found, or the copy is whole as checked.
        if let Ok(checked) = stage_bytes(&bytes) {
            prop_assert_eq!(checked.entries, 3);
        }
    }
}
