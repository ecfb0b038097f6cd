//! The slow card under a real store: its own process, because the card becomes
//! the default VFS of everything that opens a database after it.
#![cfg(feature = "slow-card")]

use std::time::Instant;

use rusqlite::{Connection, OpenFlags};
use store::slow_card::{self, CardModel};
use store::{StoreSettings, open};

#[test]
fn commits_wait_for_the_card_and_every_byte_written_is_counted() {
    let model = CardModel::parse("2,4,8").unwrap();
    slow_card::install(model).unwrap();
    // Installing again with the same model is harmless; another is refused.
    slow_card::install(model).unwrap();
    assert!(slow_card::install(CardModel::CHEAP).is_err());
    assert_eq!(slow_card::model(), Some(model));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.db");
    let conn = open(&path, &StoreSettings::default()).unwrap();
    conn.execute_batch("CREATE TABLE t(x BLOB)").unwrap();

    let before = slow_card::stats();
    let started = Instant::now();
    conn.execute("INSERT INTO t VALUES (zeroblob(10000))", [])
        .unwrap();
    let took = started.elapsed();
    let after = slow_card::stats();

    // One commit in WAL with synchronous=FULL: the log is written and synced,
    // and the commit waited at least the delay the card added.
    assert!(after.syncs > before.syncs, "{before:?} → {after:?}");
    let added = after.delay - before.delay;
    assert!(added >= model.median / 4, "added {added:?}");
    assert!(took >= added, "took {took:?}, card {added:?}");
    let logged = after.wal_bytes - before.wal_bytes;
    assert!(logged >= 10_000, "{logged} bytes to the log");
    assert_eq!(after.db_bytes, before.db_bytes, "nothing checkpointed yet");

    // A checkpoint writes the pages into the database file itself.
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    let checkpointed = slow_card::stats();
    assert!(checkpointed.db_bytes - after.db_bytes >= 10_000);
    assert_eq!(
        checkpointed.written(),
        checkpointed.db_bytes + checkpointed.wal_bytes + checkpointed.other_bytes
    );
    drop(conn);

    // The files are real: the platform's own VFS reads them back.
    let plain =
        Connection::open_with_flags_and_vfs(&path, OpenFlags::SQLITE_OPEN_READ_ONLY, "unix")
            .unwrap();
    let length: i64 = plain
        .query_row("SELECT length(x) FROM t", [], |r| r.get(0))
        .unwrap();
    assert_eq!(length, 10_000);
}
