//! Store tests on real SQLite files: migrations, commit and resume, journal order,
//! and the failures a technician meets (locked, full, damaged, too new).

use std::time::Duration;

use jiff::Timestamp;
use rusqlite::Connection;

use super::*;
use domain::{Actor, CategoryId, Fact, Station, TicketCode, WindowNo};

pub(crate) fn temp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.db");
    (dir, path)
}

fn record(at: &str, fact: Fact) -> Record {
    let at: Timestamp = at.parse().unwrap();
    Record {
        at,
        day: jiff::tz::TimeZone::get("Asia/Shanghai")
            .unwrap()
            .to_datetime(at)
            .date(),
        actor: Actor::Citizen,
        fact,
    }
}

fn issued(at: &str, code: &str) -> Record {
    record(
        at,
        Fact::TicketIssued {
            ticket: code.parse().unwrap(),
            priority: false,
            order: 0,
            ahead: 0,
            wait_minutes: Some(0),
            matter: None,
        },
    )
}

/// A station shaped like the built-in catalog (categories A to E on windows
/// 1 to 3, working days 08:30-12:00 and 14:00-17:30) with default settings.
pub(crate) fn station() -> Station {
    use domain::{Catalog, Category, CategoryId, Days, HolidayCalendar, Hours, Session};
    let category = |id: char, zh: &str, en: &str, windows: &[u8]| Category {
        id: CategoryId::new(id).unwrap(),
        name_zh: zh.into(),
        name_en: en.into(),
        windows: windows.iter().map(|&n| w(n)).collect(),
        hours: None,
    };
    let session = |a: &str, b: &str| Session {
        start: a.parse().unwrap(),
        end: b.parse().unwrap(),
    };
    let catalog = Catalog::new(
        vec![
            category('A', "社保医保", "Social & Medical Insurance", &[1, 2]),
            category('B', "民政救助", "Civil Affairs & Aid", &[2]),
            category('C', "户籍证件", "Residence & ID Papers", &[3]),
            category('D', "代办服务", "Proxy Service", &[3]),
            category('E', "咨询", "Enquiries", &[1, 2, 3]),
        ],
        Hours {
            days: Days::WorkingDays,
            sessions: vec![session("08:30", "12:00"), session("14:00", "17:30")],
        },
    )
    .unwrap();
    let mut calendar = HolidayCalendar::default();
    calendar.add_year(2026, Vec::new()).unwrap();
    // The queue's own rules: signing on and the held call are the people
    // tests' (`services_name_the_member_who_served`).
    let settings = domain::Settings {
        sign_on_required: false,
        call_waits_for_rating: false,
        ..domain::Settings::default()
    };
    Station::new(catalog, calendar, settings)
}

fn w(n: u8) -> WindowNo {
    WindowNo::new(n).unwrap()
}

#[test]
fn a_new_file_is_migrated_and_uses_the_durable_pragmas() {
    let (_dir, path) = temp();
    let conn = open(&path, &StoreSettings::default()).unwrap();
    let get = |pragma: &str| -> String {
        conn.query_row(&format!("PRAGMA {pragma}"), [], |r| {
            r.get::<_, rusqlite::types::Value>(0)
        })
        .map(|v| match v {
            rusqlite::types::Value::Integer(i) => i.to_string(),
            rusqlite::types::Value::Text(t) => t,
            other => format!("{other:?}"),
        })
        .unwrap()
    };
    assert_eq!(get("journal_mode"), "wal");
    assert_eq!(get("synchronous"), "2", "FULL");
    assert_eq!(get("foreign_keys"), "1");
    assert_eq!(get("busy_timeout"), "5000");
    assert_eq!(get("user_version"), SCHEMA_VERSION.to_string());
    assert_eq!(get("page_size"), PAGE_SIZE.to_string());
    assert_eq!(get("cache_size"), (-CACHE_KIB).to_string());
    // Opening again is a no-op migration.
    drop(conn);
    let conn = open(&path, &StoreSettings::default()).unwrap();
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('journal', 'tickets')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 2);
}

#[test]
fn sqlite_memory_counts_what_open_connections_hold() {
    let (_dir, path) = temp();
    let conn = open(&path, &StoreSettings::default()).unwrap();
    // Other tests open and close connections meanwhile: only what holds
    // whatever they do is asserted. This connection's schema and cache are
    // live, and the most is never below the present.
    let (now, peak) = sqlite_memory();
    assert!(
        now > 0,
        "SQLite reports no memory while a connection is open"
    );
    assert!(peak >= now, "the most {peak} is below the present {now}");
    drop(conn);
}

#[test]
fn a_database_from_a_newer_kiosk_is_refused() {
    let (_dir, path) = temp();
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = open(&path, &StoreSettings::default()).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }));
    assert!(
        err.to_string().contains(&format!(
            "newer than this kiosk's {SCHEMA_VERSION} — install the newer kiosk again"
        )),
        "{err}"
    );
}

#[test]
fn a_damaged_file_is_named_with_what_to_do() {
    let (_dir, path) = temp();
    std::fs::write(
        &path,
        b"this is not a database, it is a shopping list".repeat(100),
    )
    .unwrap();
    let err = Store::open(&path, &StoreSettings::default()).err().unwrap();
    let message = err.to_string();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{message}");
    assert!(
        message.contains("restore it from a backup or move it aside"),
        "{message}"
    );
}

#[test]
fn records_resume_in_order_with_the_latest_day_only() {
    let (_dir, path) = temp();
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    assert!(store.resume().unwrap().records.is_empty());
    let yesterday = [
        record("2026-11-29T01:00:00Z", Fact::DayOpened),
        issued("2026-11-29T01:00:01Z", "A001"),
        record(
            "2026-11-29T01:01:00Z",
            Fact::TicketCalled {
                member: None,
                ticket: "A001".parse().unwrap(),
                window: w(1),
            },
        ),
        record(
            "2026-11-29T01:05:00Z",
            Fact::TicketCompleted {
                member: None,
                ticket: "A001".parse().unwrap(),
                window: w(1),
                service_seconds: 240,
                by_next_call: false,
            },
        ),
    ];
    let today = [
        record("2026-11-30T01:00:00.123456789Z", Fact::DayOpened),
        issued("2026-11-30T01:00:01Z", "A001"),
        issued("2026-11-30T01:00:02Z", "A002"),
    ];
    let seqs = store.commit(&yesterday).unwrap();
    assert_eq!(seqs, [1, 2, 3, 4]);
    assert_eq!(store.commit(&today).unwrap(), [5, 6, 7]);

    let resume = store.resume().unwrap();
    assert_eq!(
        resume.records, today,
        "exact records back, nanoseconds included"
    );
    assert_eq!(
        resume.service_times,
        [(CategoryId::new('A').unwrap(), vec![240])]
    );
    assert_eq!(
        store.last_record_at().unwrap(),
        Some("2026-11-30T01:00:02Z".parse().unwrap())
    );
    store.integrity_check().unwrap();
}

#[test]
fn the_journal_is_append_only() {
    let (_dir, path) = temp();
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    store
        .commit(&[issued("2026-11-30T01:00:01Z", "A001")])
        .unwrap();
    for sql in ["UPDATE journal SET kind = 'x'", "DELETE FROM journal"] {
        let err = store.connection().execute(sql, []).unwrap_err();
        assert!(
            err.to_string().contains("the journal is append-only"),
            "{sql}: {err}"
        );
    }
}

#[test]
fn a_ticket_number_is_never_committed_twice() {
    let (_dir, path) = temp();
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    store
        .commit(&[issued("2026-11-30T01:00:01Z", "A001")])
        .unwrap();
    let err = store
        .commit(&[issued("2026-11-30T02:00:00Z", "A001")])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "ticket A001 of 2026-11-30 is already in the database; refusing to issue it twice"
    );
    // Nothing of the refused transaction was kept.
    let rows: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM journal", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
}

#[test]
fn the_projection_follows_a_ticket_through_its_life() {
    let (_dir, path) = temp();
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    let a1: TicketCode = "A001".parse().unwrap();
    let a2: TicketCode = "A002".parse().unwrap();
    store
        .commit(&[
            issued("2026-11-30T01:00:00Z", "A001"),
            issued("2026-11-30T01:00:01Z", "A002"),
            record(
                "2026-11-30T01:01:00Z",
                Fact::TicketCalled {
                    member: None,
                    ticket: a1,
                    window: w(2),
                },
            ),
            record(
                "2026-11-30T01:01:30Z",
                Fact::TicketRecalled {
                    ticket: a1,
                    window: w(2),
                    count: 1,
                },
            ),
            record(
                "2026-11-30T01:02:00Z",
                Fact::TicketTransferred {
                    ticket: a1,
                    window: w(2),
                    to: CategoryId::new('C').unwrap(),
                    order: -1,
                },
            ),
            record(
                "2026-11-30T01:03:00Z",
                Fact::TicketCalled {
                    member: None,
                    ticket: a2,
                    window: w(1),
                },
            ),
            record(
                "2026-11-30T01:04:00Z",
                Fact::TicketSkipped {
                    ticket: a2,
                    window: w(1),
                },
            ),
            record(
                "2026-11-30T10:00:00Z",
                Fact::DayClosed {
                    unserved: vec![a1, a2],
                },
            ),
        ])
        .unwrap();
    let rows: Vec<(String, String, String, i64)> = store
        .connection()
        .prepare("SELECT code, queue, state, recalls FROM tickets ORDER BY code")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        [
            ("A001".into(), "C".into(), "unserved".into(), 1),
            ("A002".into(), "A".into(), "unserved".into(), 0)
        ]
    );
}

#[test]
fn a_locked_database_fails_clearly_and_works_once_released() {
    let (_dir, path) = temp();
    let settings = StoreSettings {
        busy_timeout: Duration::from_millis(50),
    };
    let mut store = Store::open(&path, &settings).unwrap();
    let other = Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = store
        .commit(&[issued("2026-11-30T01:00:00Z", "A001")])
        .unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
    assert!(
        err.to_string().contains("is locked by another program"),
        "{err}"
    );
    other.execute_batch("ROLLBACK").unwrap();
    store
        .commit(&[issued("2026-11-30T01:00:00Z", "A001")])
        .unwrap();
}

#[test]
fn a_full_disk_fails_clearly_and_keeps_what_was_committed() {
    let (_dir, path) = temp();
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    store
        .commit(&[issued("2026-11-30T01:00:00Z", "A001")])
        .unwrap();
    // Cap the file at its current size: the next growth fails as a full disk would.
    let pages: i64 = store
        .connection()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    store
        .connection()
        .pragma_update(None, "max_page_count", pages)
        .unwrap();
    let big: Vec<Record> = (2..400)
        .map(|n| issued("2026-11-30T01:00:00Z", &format!("A{n:03}")))
        .collect();
    let err = store.commit(&big).unwrap_err();
    assert!(matches!(err, StoreError::Full { .. }), "{err}");
    assert!(err.to_string().contains("is full — free space"), "{err}");
    let rows: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
    store.integrity_check().unwrap();
}

#[test]
fn the_log_filters_by_kind_window_ticket_time_and_day() {
    let (_dir, path) = temp();
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    let a1: TicketCode = "A001".parse().unwrap();
    store
        .commit(&[
            record("2026-11-30T01:00:00Z", Fact::DayOpened),
            issued("2026-11-30T01:00:01Z", "A001"),
            issued("2026-11-30T01:00:02Z", "B001"),
            record(
                "2026-11-30T01:01:00Z",
                Fact::TicketCalled {
                    member: None,
                    ticket: a1,
                    window: w(2),
                },
            ),
        ])
        .unwrap();
    let conn = open_read_only(&path, &StoreSettings::default()).unwrap();
    let seqs = |f: LogFilter| {
        f.read(&conn)
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect::<Vec<_>>()
    };
    let table = [
        (LogFilter::default(), vec![1, 2, 3, 4]),
        (
            LogFilter {
                kinds: vec!["ticket_issued".into()],
                ..Default::default()
            },
            vec![2, 3],
        ),
        (
            LogFilter {
                window: Some(2),
                ..Default::default()
            },
            vec![4],
        ),
        (
            LogFilter {
                ticket: Some("a001".into()),
                ..Default::default()
            },
            vec![2, 4],
        ),
        (
            LogFilter {
                since: Some("2026-11-30T01:00:02Z".parse().unwrap()),
                ..Default::default()
            },
            vec![3, 4],
        ),
        (
            LogFilter {
                until: Some("2026-11-30T01:00:02Z".parse().unwrap()),
                ..Default::default()
            },
            vec![1, 2],
        ),
        (
            LogFilter {
                day: Some("2026-11-29".into()),
                ..Default::default()
            },
            vec![],
        ),
        (
            LogFilter {
                limit: Some(2),
                ..Default::default()
            },
            vec![3, 4],
        ),
    ];
    for (filter, expected) in table {
        assert_eq!(seqs(filter.clone()), expected, "{filter:?}");
    }
    let entry = &LogFilter {
        ticket: Some("A001".into()),
        ..Default::default()
    }
    .read(&conn)
    .unwrap()[1];
    assert_eq!(entry.kind, "ticket_called");
    assert_eq!(entry.window, Some(2));
    assert_eq!(entry.body["window"], 2);
    assert_eq!(entry.actor["by"], "citizen");
}

#[test]
fn a_frozen_version_1_database_upgrades_and_resumes() {
    let (_dir, path) = temp();
    Connection::open(&path)
        .unwrap()
        .execute_batch(include_str!("fixtures/v1.sql"))
        .unwrap();
    let store = Store::open(&path, &StoreSettings::default()).unwrap();
    let version: u32 = store
        .connection()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    // The rows written before the chain existed are chained by the upgrade.
    let verdict = chain::verify(store.connection()).unwrap();
    assert_eq!(verdict.first_break, None);
    assert!(verdict.entries >= 5);
    let resume = store.resume().unwrap();
    let kinds: Vec<&str> = resume.records.iter().map(|r| r.fact.kind()).collect();
    assert_eq!(
        kinds,
        [
            "day_opened",
            "ticket_issued",
            "ticket_printed",
            "ticket_issued",
            "ticket_printed",
            "ticket_called",
            "ticket_completed"
        ]
    );
    assert_eq!(
        resume.records[3].fact.ticket(),
        Some("B001".parse().unwrap())
    );
    store.integrity_check().unwrap();
}

#[test]
fn compact_rewrites_an_old_database_in_small_pages_and_keeps_every_entry() {
    let (_dir, path) = temp();
    // Written by version 1 with SQLite's default 4 KB pages.
    Connection::open(&path)
        .unwrap()
        .execute_batch(include_str!("fixtures/v1.sql"))
        .unwrap();
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    assert_eq!(store.page_size().unwrap(), 4096, "opening does not rewrite");
    let before = chain::verify(store.connection()).unwrap();
    let kinds = |s: &Store| -> Vec<String> {
        let resume = s.resume().unwrap();
        resume
            .records
            .iter()
            .map(|r| r.fact.kind().to_string())
            .collect()
    };
    let resumed = kinds(&store);

    let done = store.compact().unwrap();
    assert_eq!((done.before.0, done.after.0), (4096, PAGE_SIZE));
    assert!(done.after.1 < done.before.1, "{done:?}");
    assert_eq!(store.page_size().unwrap(), PAGE_SIZE);
    let after = chain::verify(store.connection()).unwrap();
    assert_eq!(
        (after.entries, after.head, after.first_break),
        (before.entries, before.head, None)
    );
    assert_eq!(kinds(&store), resumed);
    // It is a WAL database again, and takes the next commit.
    let mode: String = store
        .connection()
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    store
        .commit(&[issued("2026-11-30T02:00:00Z", "A009")])
        .unwrap();
    drop(store);
    let store = Store::open(&path, &StoreSettings::default()).unwrap();
    assert_eq!(
        chain::verify(store.connection()).unwrap().entries,
        before.entries + 1
    );
    // Compacting again changes nothing but the free pages.
    let mut store = store;
    let again = store.compact().unwrap();
    assert_eq!((again.before.0, again.after.0), (PAGE_SIZE, PAGE_SIZE));
}

/// Runs commands through a station and commits each decision, as the station
/// loop does.
fn go(store: &mut Store, station: &mut Station, command: domain::Command, local: &str) {
    let now = jiff::tz::TimeZone::get("Asia/Shanghai")
        .unwrap()
        .to_timestamp(local.parse().unwrap())
        .unwrap();
    let d = station
        .decide(&command, &Actor::Technician, now)
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    store.commit(&d.records).unwrap();
    for r in &d.records {
        station.apply(r);
    }
}

#[test]
fn cases_outlive_their_day_and_a_restart() {
    use domain::{CaseNo, CategoryId, Command, Stage};
    let (_dir, path) = temp();
    let blank = station();
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    let served_and_rated = |store: &mut Store, station: &mut Station, time: &str, level| {
        let a = CategoryId::new('A').unwrap();
        go(
            store,
            station,
            Command::Issue {
                category: a,
                priority: false,
            },
            time,
        );
        go(store, station, Command::CallNext { window: w(1) }, time);
        go(store, station, Command::Complete { window: w(1) }, time);
        go(
            store,
            station,
            Command::Rate {
                window: w(1),
                level,
            },
            time,
        );
    };
    let first = CaseNo { year: 2026, seq: 1 };
    let mut station = store.resume().unwrap().rebuild(blank.blank());
    served_and_rated(&mut store, &mut station, "2026-11-30T09:00", 1);
    let advance = |stage, note: &str| Command::AdvanceCase {
        role: None,
        case: first,
        stage,
        note: note.into(),
        answer: None,
    };
    go(
        &mut store,
        &mut station,
        advance(Stage::Registered, "登记"),
        "2026-11-30T09:05",
    );

    // The next day, after a restart: the case is still open, with its history.
    drop(store);
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    let resume = store.resume().unwrap();
    assert_eq!(resume.open_cases.len(), 1);
    assert_eq!(resume.case_numbers, [(2026, 1)]);
    let mut station = resume.rebuild(blank.blank());
    served_and_rated(&mut store, &mut station, "2026-12-01T09:00", 2);
    go(
        &mut store,
        &mut station,
        advance(Stage::Handled, "处理"),
        "2026-12-01T10:00",
    );
    let view = station.view("2026-12-01T03:00:00Z".parse().unwrap());
    let numbers: Vec<String> = view.cases.iter().map(|c| c.case.no.to_string()).collect();
    assert_eq!(numbers, ["2026-0001", "2026-0002"]);

    drop(store);
    let store = Store::open(&path, &StoreSettings::default()).unwrap();
    let resume = store.resume().unwrap();
    assert_eq!(resume.case_numbers, [(2026, 2)]);
    let rebuilt = resume.rebuild(blank.blank());
    let case = rebuilt.case(first).unwrap();
    let stages: Vec<Stage> = case.history.iter().map(|e| e.stage).collect();
    assert_eq!(stages, [Stage::Accepted, Stage::Registered, Stage::Handled]);
    assert_eq!(Some(case), station.case(first));
    let stored = store.case("2026-0001").unwrap().unwrap();
    assert_eq!(&stored, case);
    assert_eq!(store.case("2026-0009").unwrap(), None);
    // The log shows one case's steps, and the case under its ticket.
    let steps = LogFilter {
        case: Some("2026-0001".into()),
        ..LogFilter::default()
    }
    .read(store.connection())
    .unwrap();
    let kinds: Vec<&str> = steps.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["case_opened", "case_advanced", "case_advanced"]);
    assert_eq!(steps[0].ticket.as_deref(), Some("A001"));
}

#[test]
fn a_frozen_version_2_database_resumes_with_its_open_case() {
    let (_dir, path) = temp();
    Connection::open(&path)
        .unwrap()
        .execute_batch(include_str!("fixtures/v2.sql"))
        .unwrap();
    let store = Store::open(&path, &StoreSettings::default()).unwrap();
    let resume = store.resume().unwrap();
    assert_eq!(resume.case_numbers, [(2026, 1)]);
    assert_eq!(resume.open_cases.len(), 1);
    let case = &resume.open_cases[0];
    assert_eq!(case.no.to_string(), "2026-0001");
    assert_eq!(case.ticket, Some("A001".parse().unwrap()));
    let notes: Vec<&str> = case.history.iter().map(|e| e.note.as_str()).collect();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[1], "站长已到1号窗口了解情况");
    assert_eq!(case.callback_due.date.to_string(), "2026-12-01");
    assert!(
        resume
            .records
            .iter()
            .any(|r| r.fact.kind() == "case_advanced")
    );
    store.integrity_check().unwrap();
}

#[test]
fn staff_pins_are_hashed_counted_and_locked_out() {
    use domain::StaffRole;
    let (_dir, path) = temp();
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    store
        .add_staff("0101", "王芳", StaffRole::Staff, "2468")
        .unwrap();
    store
        .add_staff("0001", "李站长", StaffRole::Manager, "13579")
        .unwrap();
    // Only the hash is stored.
    let hash: String = store
        .connection()
        .query_row("SELECT pin_hash FROM staff WHERE id = '0101'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("2468"));
    // Refusals that say what is wrong.
    assert!(matches!(
        store.add_staff("0101", "x", StaffRole::Staff, "1234"),
        Err(StaffError::Exists(_))
    ));
    assert!(matches!(
        store.add_staff("0102", "x", StaffRole::Staff, "12a4"),
        Err(StaffError::BadPin)
    ));
    assert!(matches!(
        store.add_staff("01 02", "x", StaffRole::Staff, "1234"),
        Err(StaffError::BadId)
    ));
    let t0: Timestamp = "2026-11-30T01:00:00Z".parse().unwrap();
    let at = |s: i64| t0.checked_add(jiff::SignedDuration::from_secs(s)).unwrap();
    assert_eq!(
        store.check_pin("0101", "2468", t0).unwrap(),
        Ok((StaffRole::Staff, "王芳".to_string()))
    );
    assert_eq!(
        store.check_pin("9999", "2468", t0).unwrap(),
        Err(PinRefusal::Unknown)
    );
    // Said exactly as a wrong PIN.
    assert_eq!(
        PinRefusal::Unknown.to_string(),
        PinRefusal::Wrong { left: SOFT_LIMIT }.to_string()
    );
    // Five wrong PINs lock the member out for five minutes, even with the
    // right PIN.
    for left in (1..SOFT_LIMIT).rev() {
        assert_eq!(
            store.check_pin("0101", "0000", at(1)).unwrap(),
            Err(PinRefusal::Wrong { left })
        );
    }
    let locked = store.check_pin("0101", "0000", at(2)).unwrap();
    assert_eq!(locked, Err(PinRefusal::Locked { until: at(2 + 300) }));
    assert_eq!(
        store.check_pin("0101", "2468", at(60)).unwrap(),
        Err(PinRefusal::Locked { until: at(302) })
    );
    // After the lockout, five more wrong PINs lock them until a manager
    // unlocks; a manager's own PIN still works.
    for _ in 0..4 {
        assert!(matches!(
            store.check_pin("0101", "0000", at(400)).unwrap(),
            Err(PinRefusal::Wrong { .. })
        ));
    }
    assert_eq!(
        store.check_pin("0101", "0000", at(400)).unwrap(),
        Err(PinRefusal::HardLocked)
    );
    assert_eq!(
        store.check_pin("0101", "2468", at(9999)).unwrap(),
        Err(PinRefusal::HardLocked)
    );
    assert_eq!(
        store.check_pin("0001", "13579", at(9999)).unwrap(),
        Ok((StaffRole::Manager, "李站长".to_string()))
    );
    let listed = store.list_staff().unwrap();
    assert_eq!(listed[1].id, "0101");
    assert!(listed[1].hard_locked);
    assert_eq!(listed[1].failures, HARD_LIMIT);
    store.unlock_staff("0101").unwrap();
    assert_eq!(
        store.check_pin("0101", "2468", at(10_000)).unwrap(),
        Ok((StaffRole::Staff, "王芳".to_string()))
    );
    store.set_pin("0101", "97531").unwrap();
    assert!(
        store
            .check_pin("0101", "2468", at(10_001))
            .unwrap()
            .is_err()
    );
    assert_eq!(
        store.check_pin("0101", "97531", at(10_002)).unwrap(),
        Ok((StaffRole::Staff, "王芳".to_string()))
    );
}

#[test]
fn a_complainants_number_is_kept_with_the_case_and_never_in_the_journal() {
    use domain::{CaseNo, Command, Phone, Topic};
    let (_dir, path) = temp();
    let station = station();
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    let now: Timestamp = "2026-11-30T02:00:00Z".parse().unwrap();
    let d = station
        .decide(
            &Command::FileComplaint {
                topic: Topic::Efficiency,
                window: None,
                text: "等太久".into(),
                phone: Some(Phone::parse("13912345678").unwrap()),
                form: 0,
                channel: Default::default(),
            },
            &Actor::Citizen,
            now,
        )
        .unwrap();
    store.commit_with(&d.records, &d.contacts).unwrap();
    let case = CaseNo { year: 2026, seq: 1 };
    assert_eq!(
        store
            .case_contact(case)
            .unwrap()
            .map(|p| p.full().to_string()),
        Some("13912345678".to_string())
    );
    assert_eq!(
        store.case_contact(CaseNo { year: 2026, seq: 2 }).unwrap(),
        None
    );
    // Nowhere in the journal or the case's own JSON.
    let conn = store.connection();
    let leaks: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM journal WHERE body LIKE '%12345678%' OR actor LIKE '%12345678%')
                  + (SELECT count(*) FROM cases WHERE body LIKE '%12345678%')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(leaks, 0);
    // The case reads back after a restart.
    let resume = store.resume().unwrap();
    assert_eq!(resume.open_cases.len(), 1);
}

/// A journal of six entries, chained.
fn chained() -> (tempfile::TempDir, PathBuf) {
    let (dir, path) = temp();
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    for (i, code) in ["A001", "A002", "B001", "A003", "C001", "A004"]
        .iter()
        .enumerate()
    {
        store
            .commit(&[issued(&format!("2026-11-30T01:0{i}:00Z"), code)])
            .unwrap();
    }
    let verdict = chain::verify(store.connection()).unwrap();
    assert_eq!((verdict.entries, verdict.first_break), (6, None));
    assert_eq!(verdict.head.len(), 64);
    (dir, path)
}

/// Tampers with the file as someone with a SQLite tool would (triggers off).
fn tamper(path: &Path, sql: &str) -> chain::Verdict {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER journal_is_append_only_update;
         DROP TRIGGER journal_is_append_only_delete;
         {sql}"
    ))
    .unwrap();
    chain::verify(&conn).unwrap()
}

#[test]
fn the_hash_chain_names_an_edited_entry() {
    let (_dir, path) = chained();
    let v = tamper(
        &path,
        "UPDATE journal SET body = replace(body, 'B001', 'B009') WHERE seq = 3",
    );
    let b = v.first_break.unwrap();
    assert_eq!(
        (b.seq, b.kind.as_str(), b.problem),
        (3, "ticket_issued", chain::Problem::Edited)
    );
    assert!(
        b.to_string().contains("changed after it was written"),
        "{b}"
    );
    // A column outside the body counts as much.
    let (_dir, path) = chained();
    let v = tamper(&path, "UPDATE journal SET window_no = 2 WHERE seq = 5");
    assert_eq!(v.first_break.unwrap().seq, 5);
}

#[test]
fn the_hash_chain_names_a_deleted_entry() {
    let (_dir, path) = chained();
    let v = tamper(&path, "DELETE FROM journal WHERE seq = 4");
    let b = v.first_break.unwrap();
    assert_eq!(
        (b.seq, b.problem),
        (5, chain::Problem::Missing { after: 3 })
    );
    assert!(b.to_string().contains("entries 4–4 are missing"), "{b}");
    // Closing the gap does not hide it.
    let (_dir, path) = chained();
    let v = tamper(
        &path,
        "DELETE FROM journal WHERE seq = 4;
         UPDATE journal SET seq = seq - 1 WHERE seq > 4;",
    );
    let b = v.first_break.unwrap();
    assert_eq!((b.seq, b.problem), (4, chain::Problem::OutOfPlace));
}

#[test]
fn the_hash_chain_names_a_reordered_entry() {
    let (_dir, path) = chained();
    let v = tamper(
        &path,
        "UPDATE journal SET seq = 100 WHERE seq = 2;
         UPDATE journal SET seq = 2 WHERE seq = 3;
         UPDATE journal SET seq = 3 WHERE seq = 100;",
    );
    let b = v.first_break.unwrap();
    assert_eq!((b.seq, b.problem), (2, chain::Problem::OutOfPlace));
    assert!(b.to_string().contains("does not follow"), "{b}");
}

#[test]
fn the_report_counts_waits_no_shows_ratings_and_cases_and_the_export_states_its_coding() {
    use domain::{CategoryId, Command};
    let (_dir, path) = temp();
    let mut station = station();
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    let a = CategoryId::new('A').unwrap();
    let issue = |category| Command::Issue {
        category,
        priority: false,
    };
    let s = &mut station;
    go(&mut store, s, issue(a), "2026-11-30T09:00:00");
    go(&mut store, s, issue(a), "2026-11-30T09:01:00");
    go(
        &mut store,
        s,
        issue(CategoryId::new('B').unwrap()),
        "2026-11-30T09:02:00",
    );
    // A001 waits 5 minutes and is served in 5; a 5 and a 1.
    go(
        &mut store,
        s,
        Command::CallNext { window: w(1) },
        "2026-11-30T09:05:00",
    );
    go(
        &mut store,
        s,
        Command::Complete { window: w(1) },
        "2026-11-30T09:10:00",
    );
    go(
        &mut store,
        s,
        Command::Rate {
            window: w(1),
            level: 5,
        },
        "2026-11-30T09:10:05",
    );
    // A002 waits 19 minutes and does not come.
    go(
        &mut store,
        s,
        Command::CallNext { window: w(1) },
        "2026-11-30T09:20:00",
    );
    go(
        &mut store,
        s,
        Command::Skip { window: w(1) },
        "2026-11-30T09:22:00",
    );
    // B001 is served at window 2 and rated 1: a case.
    go(
        &mut store,
        s,
        Command::CallNext { window: w(2) },
        "2026-11-30T09:30:00",
    );
    go(
        &mut store,
        s,
        Command::Complete { window: w(2) },
        "2026-11-30T09:31:00",
    );
    go(
        &mut store,
        s,
        Command::Rate {
            window: w(2),
            level: 1,
        },
        "2026-11-30T09:31:05",
    );

    let tz = s.settings().time_zone.clone();
    let day: Date = "2026-11-30".parse().unwrap();
    let r = report::report(store.connection(), day, day, &tz).unwrap();
    assert_eq!((r.total.issued, r.total.served, r.total.no_show), (3, 2, 1));
    // Waits 300, 1140 and 1680 s: the mean, and the 90th percentile (nearest rank).
    assert_eq!(r.total.wait_mean, Some((300 + 1140 + 1680) / 3));
    assert_eq!(r.total.wait_p90, Some(1680));
    assert_eq!(r.total.service_mean, Some((300 + 60) / 2));
    let a_line = &r.by_category[0];
    assert_eq!(
        (a_line.key.as_str(), a_line.issued, a_line.no_show),
        ("A", 2, 1)
    );
    assert_eq!(r.ratings.levels, [1, 0, 0, 0, 1]);
    assert_eq!(r.ratings.satisfaction, Some(50.0));
    assert_eq!(r.ratings_by_window.len(), 2);
    assert_eq!((r.cases.opened, r.cases.from_ratings), (1, 1));
    // Nothing on other days.
    let next: Date = "2026-12-01".parse().unwrap();
    assert_eq!(
        report::report(store.connection(), next, next, &tz)
            .unwrap()
            .total
            .issued,
        0
    );

    // A matter handled by hand on the 30th, back-entered the next morning:
    // it counts for the 30th, served, marked, with no wait.
    go(
        &mut store,
        s,
        Command::BackEnter(domain::BackEntry {
            category: a,
            window: w(2),
            started: "2026-11-30T14:00:00+08:00".parse().unwrap(),
            finished: "2026-11-30T14:10:00+08:00".parse().unwrap(),
            register_no: "7".into(),
            note: String::new(),
        }),
        "2026-12-01T08:40:00",
    );
    let r = report::report(store.connection(), day, day, &tz).unwrap();
    assert_eq!(
        (r.total.issued, r.total.served, r.total.back_entered),
        (4, 3, 1)
    );
    assert_eq!(r.total.wait_mean, Some((300 + 1140 + 1680) / 3));
    assert_eq!(r.total.service_mean, Some((300 + 60 + 600) / 3));
    assert_eq!(
        (r.by_category[0].issued, r.by_category[0].back_entered),
        (3, 1)
    );
    assert_eq!(r.by_window[1].back_entered, 1);
    assert_eq!(r.daily, vec![("2026-11-30".to_string(), 4, 3)]);
    assert_eq!(
        report::report(store.connection(), next, next, &tz)
            .unwrap()
            .total
            .issued,
        0
    );

    // The export: the coding first, then every entry of the day, as CSV or JSON.
    let mut csv_bytes = Vec::new();
    let mut calls = Vec::new();
    let n = export::export(
        store.connection(),
        day,
        day,
        export::Format::Csv,
        &mut csv_bytes,
        |d, t| calls.push((d, t)),
    )
    .unwrap();
    let text = String::from_utf8(csv_bytes).unwrap();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("# rating levels: 5 = 非常满意")
    );
    let body = lines.collect::<Vec<_>>().join("\n");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len() as u64, n);
    assert_eq!(calls.last(), Some(&(n, n)));
    assert!(
        rows.iter()
            .any(|r| &r[3] == "ticket_rated" && r[7].contains("\"level\":1"))
    );
    assert!(
        rows.iter().all(|r| r[8].len() == 64),
        "each row with its chain hash"
    );
    let mut json_bytes = Vec::new();
    export::export(
        store.connection(),
        day,
        day,
        export::Format::Json,
        &mut json_bytes,
        |_, _| {},
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json_bytes).unwrap();
    assert_eq!(json["entries"].as_array().unwrap().len() as u64, n);
    assert!(
        json["rating_coding"]
            .as_str()
            .unwrap()
            .contains("非常不满意")
    );
}

#[test]
fn services_name_the_member_who_served_with_both_rates_and_the_ones_never_offered() {
    use domain::{CategoryId, Command, StaffRef};
    let (_dir, path) = temp();
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    let mut people = station();
    let settings = domain::Settings {
        sign_on_required: true,
        call_waits_for_rating: true,
        ..people.settings().clone()
    };
    people = Station::new(
        people.catalog().clone(),
        people.calendar().clone(),
        settings,
    );
    let s = &mut people;
    let a = CategoryId::new('A').unwrap();
    let sign_on = |number: &str| Command::SignOn {
        role: None,
        window: w(1),
        member: StaffRef {
            name: "某".into(),
            number: number.into(),
        },
    };
    let rate = |level| Command::Rate {
        window: w(1),
        level,
    };
    for minute in 0..4 {
        let issue = Command::Issue {
            category: a,
            priority: false,
        };
        go(&mut store, s, issue, &format!("2026-11-30T09:0{minute}:00"));
    }
    // 0101 serves A001 (rated 5) and A002 (rated 3); 0102 takes over and
    // serves A003 (rated 2), then calls A004.
    go(&mut store, s, sign_on("0101"), "2026-11-30T09:05:00");
    go(
        &mut store,
        s,
        Command::CallNext { window: w(1) },
        "2026-11-30T09:05:00",
    );
    go(
        &mut store,
        s,
        Command::CallNext { window: w(1) },
        "2026-11-30T09:08:00",
    );
    go(&mut store, s, rate(5), "2026-11-30T09:08:10");
    go(
        &mut store,
        s,
        Command::Complete { window: w(1) },
        "2026-11-30T09:12:00",
    );
    go(&mut store, s, rate(3), "2026-11-30T09:12:05");
    go(&mut store, s, sign_on("0102"), "2026-11-30T09:13:00");
    go(
        &mut store,
        s,
        Command::CallNext { window: w(1) },
        "2026-11-30T09:13:00",
    );
    go(
        &mut store,
        s,
        Command::Complete { window: w(1) },
        "2026-11-30T09:20:00",
    );
    go(&mut store, s, rate(2), "2026-11-30T09:20:05");
    go(
        &mut store,
        s,
        Command::CallNext { window: w(1) },
        "2026-11-30T09:21:00",
    );
    let tz = s.settings().time_zone.clone();
    let day: Date = "2026-11-30".parse().unwrap();
    let r = report::report(store.connection(), day, day, &tz).unwrap();
    let line = |key: &str| {
        r.services_by_member
            .iter()
            .find(|l| l.key == key)
            .unwrap_or_else(|| panic!("{key}: {:?}", r.services_by_member))
            .clone()
    };
    let wang = line("0101");
    assert_eq!((wang.served, wang.offered, wang.not_offered), (2, 2, 0));
    assert_eq!(wang.ratings.levels, [0, 0, 1, 0, 1]);
    assert_eq!(wang.ratings.satisfaction, Some(50.0));
    assert_eq!(wang.ratings.good_rate, Some(100.0));
    assert_eq!(wang.rated_share, Some(100.0));
    let li = line("0102");
    assert_eq!((li.served, li.ratings.total), (1, 1));
    assert_eq!(li.ratings.good_rate, Some(0.0));
    assert_eq!(r.services_by_window.len(), 1);
    assert_eq!(r.services_by_window[0].served, 3);
    // The overall line states both rates.
    assert_eq!(r.ratings.satisfaction.map(f64::round), Some(33.0));
    assert_eq!(r.ratings.good_rate.map(f64::round), Some(67.0));
    assert!(
        r.rating_coding
            .contains("good rate (好差评好评率) = (levels 5, 4 and 3)")
    );
    // The tickets projection names who served each.
    let served: Vec<Option<String>> = store
        .connection()
        .prepare("SELECT served_by FROM tickets ORDER BY code")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        served,
        [
            Some("0101".into()),
            Some("0101".into()),
            Some("0102".into()),
            Some("0102".into())
        ]
    );
    // Completions with no rating offered (a journal from before the rule)
    // are counted as such.
    let old = domain::Settings {
        sign_on_required: false,
        call_waits_for_rating: false,
        ..s.settings().clone()
    };
    let mut legacy = Station::new(s.catalog().clone(), s.calendar().clone(), old);
    let t = &mut legacy;
    go(
        &mut store,
        t,
        Command::Issue {
            category: a,
            priority: false,
        },
        "2026-12-01T09:00:00",
    );
    go(
        &mut store,
        t,
        Command::Issue {
            category: a,
            priority: false,
        },
        "2026-12-01T09:00:01",
    );
    go(
        &mut store,
        t,
        Command::CallNext { window: w(1) },
        "2026-12-01T09:01:00",
    );
    go(
        &mut store,
        t,
        Command::CallNext { window: w(1) },
        "2026-12-01T09:05:00",
    );
    let next: Date = "2026-12-01".parse().unwrap();
    let r = report::report(store.connection(), next, next, &tz).unwrap();
    let nobody = &r.services_by_member[0];
    assert_eq!(nobody.key, "—");
    assert_eq!(
        (nobody.served, nobody.offered, nobody.not_offered),
        (1, 0, 1)
    );
}

#[test]
fn the_log_filters_by_staff_case_and_kind_through_their_indexes() {
    let (_dir, path) = temp();
    let store = Store::open(&path, &StoreSettings::default()).unwrap();
    let conn = store.connection();
    let plan = |filter: LogFilter| filter.plan(conn).unwrap();
    let staff = plan(LogFilter {
        staff: Some("0001".into()),
        limit: Some(50),
        ..LogFilter::default()
    });
    assert!(staff.contains("journal_by_staff"), "{staff}");
    let case = plan(LogFilter {
        case: Some("2026-0003".into()),
        limit: Some(50),
        ..LogFilter::default()
    });
    assert!(case.contains("journal_by_case"), "{case}");
    let kind = plan(LogFilter {
        kinds: vec!["ticket_rated".into()],
        limit: Some(50),
        ..LogFilter::default()
    });
    assert!(kind.contains("journal_by_kind_seq"), "{kind}");
    // The index gives the newest first, and the page's 50 rows are read in
    // sequence order from their numbers: nothing is sorted.
    assert_eq!(kind.matches("TEMP B-TREE").count(), 0, "{kind}");
    // A time range and a kind: the page's numbers come from the index
    // alone, then 50 rows are read.
    let range = plan(LogFilter {
        kinds: vec!["ticket_called".into()],
        since: Some("2026-11-01T00:00:00Z".parse().unwrap()),
        until: Some("2026-11-15T00:00:00Z".parse().unwrap()),
        limit: Some(50),
        ..LogFilter::default()
    });
    assert!(range.contains("COVERING INDEX"), "{range}");
}

#[test]
fn frozen_databases_of_versions_3_to_6_upgrade_and_resume_whole() {
    use domain::{CaseNo, StaffRole};
    let fixtures = [
        (3, include_str!("fixtures/v3.sql"), 8, 1),
        (4, include_str!("fixtures/v4.sql"), 9, 2),
        (5, include_str!("fixtures/v5.sql"), 9, 2),
        (6, include_str!("fixtures/v6.sql"), 10, 2),
    ];
    for (version, sql, entries, cases) in fixtures {
        let (_dir, path) = temp();
        Connection::open(&path).unwrap().execute_batch(sql).unwrap();
        let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
        let now: u32 = store
            .connection()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(now, SCHEMA_VERSION, "v{version}");
        store.integrity_check().unwrap();
        // Every row is there and chained, whether the chain was written
        // with it (v5, v6) or by the upgrade (v3, v4).
        let verdict = chain::verify(store.connection()).unwrap();
        assert_eq!(verdict.first_break, None, "v{version}");
        assert_eq!(verdict.entries, entries, "v{version}");
        let resume = store.resume().unwrap();
        assert_eq!(resume.open_cases.len(), cases, "v{version}");
        assert_eq!(
            resume.case_numbers,
            [(2026, cases as u32)],
            "v{version}: the next case number follows"
        );
        let first = CaseNo { year: 2026, seq: 1 };
        assert_eq!(
            store.case("2026-0001").unwrap().map(|c| c.history.len()),
            Some(2),
            "v{version}"
        );
        // The complaint's callback number stayed beside its case.
        if version >= 4 {
            let second = CaseNo { year: 2026, seq: 2 };
            assert_eq!(
                store
                    .case_contact(second)
                    .unwrap()
                    .map(|p| p.full().to_string()),
                Some("13912345678".into()),
                "v{version}"
            );
        }
        assert_eq!(store.case_contact(first).unwrap(), None);
        // PINs set under the old version still work.
        let at = "2026-11-30T02:00:00Z".parse().unwrap();
        let manager = store.check_pin("0001", "13579", at).unwrap();
        assert_eq!(
            manager.map(|(role, _)| role),
            Ok(StaffRole::Manager),
            "v{version}"
        );
        if version == 6 {
            assert!(
                resume
                    .records
                    .iter()
                    .any(|r| r.fact.kind() == "back_entered"),
                "v6 keeps its back-entry"
            );
        }
        // And the upgraded database takes new records on its chain.
        let blank = station();
        let mut station = resume.rebuild(blank);
        go(
            &mut store,
            &mut station,
            domain::Command::Issue {
                category: domain::CategoryId::new('A').unwrap(),
                priority: false,
            },
            "2026-11-30T10:00",
        );
        let verdict = chain::verify(store.connection()).unwrap();
        assert_eq!((verdict.first_break, verdict.entries), (None, entries + 1));
        let codes: Vec<String> = station
            .tickets()
            .iter()
            .map(|t| t.code.to_string())
            .collect();
        assert_eq!(codes, ["A001", "A002"], "v{version}: numbering goes on");
    }
}

/// Regression (hardening issue): locked, disabled and unknown numbers
/// answered in a few milliseconds, others after a full Argon2id
/// verification — so the time told which numbers exist. Every check now costs
/// exactly one verification, and the touchscreen's checks neither count
/// against the member nor stop at a lockout.
#[test]
fn every_pin_check_costs_one_verification_and_a_public_surface_locks_nobody_out() {
    use super::staff::VERIFICATIONS;
    use super::{Counting, Verdict, verify_pin};
    use domain::StaffRole;
    let (_dir, path) = temp();
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    store
        .add_staff("0101", "王芳", StaffRole::Staff, "2468")
        .unwrap();
    store
        .add_staff("0102", "张伟", StaffRole::Staff, "1357")
        .unwrap();
    store
        .add_staff("0001", "李站长", StaffRole::Manager, "13579")
        .unwrap();
    store.set_staff_disabled("0102", true).unwrap();
    let t0: Timestamp = "2026-11-30T01:00:00Z".parse().unwrap();
    let now = t0
        .checked_add(jiff::SignedDuration::from_secs(301))
        .unwrap();
    // The manager locked out for good by ten wrong PINs at the console.
    for at in [t0, now] {
        for _ in 0..5 {
            let _ = store.check_pin("0001", "0000", at).unwrap();
        }
    }
    let verified = |id: &str, pin: &str, counting: Counting| {
        let before = VERIFICATIONS.with(|v| v.get());
        let verdict = verify_pin(store.connection(), id, pin, now, counting).unwrap();
        (verdict, VERIFICATIONS.with(|v| v.get()) - before)
    };
    let table = [
        (
            "9999",
            "2468",
            Counting::Account,
            Verdict::Refused(PinRefusal::Unknown),
        ),
        (
            "0102",
            "1357",
            Counting::Account,
            Verdict::Refused(PinRefusal::Disabled),
        ),
        (
            "0001",
            "13579",
            Counting::Account,
            Verdict::Refused(PinRefusal::HardLocked),
        ),
        ("0101", "0000", Counting::Account, Verdict::Wrong),
        (
            "0101",
            "2468",
            Counting::Account,
            Verdict::Right {
                role: StaffRole::Staff,
                name: "王芳".into(),
                failures: 0,
            },
        ),
        // At the touchscreen the lockout does not stop the right PIN.
        (
            "0001",
            "13579",
            Counting::Surface,
            Verdict::Right {
                role: StaffRole::Manager,
                name: "李站长".into(),
                failures: 10,
            },
        ),
        (
            "0102",
            "1357",
            Counting::Surface,
            Verdict::Refused(PinRefusal::Disabled),
        ),
    ];
    for (id, pin, counting, expected) in table {
        assert_eq!(
            verified(id, pin, counting),
            (expected, 1),
            "{id} {counting:?}"
        );
    }
}

#[test]
fn the_leave_register_and_the_roster_outlive_a_restart_and_read_back_for_attendance() {
    use domain::{Command, Duty, LeaveKind, Rejection, StaffRef, StaffRole};
    let (_dir, path) = temp();
    let blank = station();
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    let mut station = store.resume().unwrap().rebuild(blank.blank());
    let who = |number: &str| StaffRef {
        name: format!("员工{number}"),
        number: number.into(),
    };
    let register = |member: &str, leave, from: &str, to: &str| Command::RegisterLeave {
        member: who(member),
        leave,
        from: from.parse().unwrap(),
        to: to.parse().unwrap(),
        approver: "0100".into(),
        role: StaffRole::Manager,
    };
    let on_duty = |days: &[&str], member: &str| Command::SetDuty {
        days: days.iter().map(|d| d.parse().unwrap()).collect(),
        duty: Duty {
            member: who(member),
            phone: "13800138000".into(),
            leader: Some(who("0100")),
        },
        role: StaffRole::Manager,
    };
    let day1 = "2026-11-30T09:00";
    go(
        &mut store,
        &mut station,
        register("0101", LeaveKind::Sick, "2026-12-01", "2026-12-02"),
        day1,
    );
    go(
        &mut store,
        &mut station,
        register("0102", LeaveKind::Annual, "2026-12-01", "2026-12-01"),
        day1,
    );
    go(
        &mut store,
        &mut station,
        Command::CancelLeave {
            no: 2,
            role: StaffRole::Manager,
        },
        day1,
    );
    go(
        &mut store,
        &mut station,
        on_duty(&["2026-11-30", "2026-12-01"], "0102"),
        day1,
    );
    go(
        &mut store,
        &mut station,
        on_duty(&["2026-12-01"], "0103"),
        day1,
    );

    // A restart the next day: the overlap is still refused, numbers go on,
    // tonight's duty is the later entry's.
    drop(store);
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    let resume = store.resume().unwrap();
    assert_eq!(resume.registers.highest_leave, 2);
    let mut station = resume.rebuild(blank.blank());
    let at = |local: &str| {
        jiff::tz::TimeZone::get("Asia/Shanghai")
            .unwrap()
            .to_timestamp(local.parse().unwrap())
            .unwrap()
    };
    let refused = station.decide(
        &register("0101", LeaveKind::Personal, "2026-12-02", "2026-12-04"),
        &Actor::Technician,
        at("2026-12-01T09:00"),
    );
    assert!(
        matches!(refused, Err(Rejection::LeaveOverlaps { no: 1, .. })),
        "{refused:?}"
    );
    go(
        &mut store,
        &mut station,
        register("0102", LeaveKind::Annual, "2026-12-01", "2026-12-01"),
        "2026-12-01T09:00",
    );
    assert_eq!(
        station
            .duty_at(at("2026-12-01T20:00"))
            .map(|d| d.member.number.as_str()),
        Some("0103")
    );

    // What attendance and the console read.
    let conn = store.connection();
    let register = attendance::leave_register(conn).unwrap();
    let listed: Vec<(u32, &str, bool)> = register
        .iter()
        .map(|(e, cancelled)| (e.no, e.member.as_str(), *cancelled))
        .collect();
    assert_eq!(
        listed,
        [(1, "0101", false), (2, "0102", true), (3, "0102", false)]
    );
    let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
    let leave = attendance::leave(conn, d("2026-11-30"), d("2026-12-06")).unwrap();
    assert_eq!(leave.len(), 2);
    assert_eq!(leave["0101"][0].kind, LeaveKind::Sick);
    assert_eq!(leave["0102"].len(), 1, "the struck-out entry is not leave");
    assert!(
        attendance::leave(conn, d("2026-12-03"), d("2026-12-06"))
            .unwrap()
            .is_empty()
    );
    let roster = attendance::roster(conn, d("2026-11-30"), d("2026-12-06")).unwrap();
    let names: Vec<(String, &str)> = roster
        .iter()
        .map(|(day, duty)| (day.to_string(), duty.member.number.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("2026-11-30".to_string(), "0102"),
            ("2026-12-01".to_string(), "0103")
        ]
    );
}
