//! The journal's hash chain through the binary: `kiosk verify-log` passes a
//! journal the station wrote and fails, naming the entry, once a row is
//! edited, deleted or moved behind the kiosk's back.

use std::path::Path;

use crate::support::{Station, kiosk};

fn verify(data: &Path) -> (bool, String) {
    let out = kiosk()
        .args(["verify-log", "--data"])
        .arg(data)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// A station that issued and called a few tickets, stopped.
fn journal_written(data: &Path) {
    let mut station = Station::start(data, &[]);
    for c in ['A', 'B', 'A', 'C'] {
        station.take_ticket(c);
    }
    station.ok("key 1 call");
    station.ok("settle");
    assert!(station.quit().success());
}

fn tamper(data: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(data.join("kiosk.db")).unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER journal_is_append_only_update;
         DROP TRIGGER journal_is_append_only_delete;
         {sql}"
    ))
    .unwrap();
}

#[test]
fn verify_log_passes_what_the_station_wrote_and_names_each_kind_of_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "edited",
            "UPDATE journal SET body = replace(body, 'A002', 'A009') WHERE kind = 'ticket_issued' AND ticket = 'A002'",
            "contents were changed",
        ),
        (
            "deleted",
            "DELETE FROM journal WHERE seq = 4",
            "are missing (deleted)",
        ),
        (
            "reordered",
            "UPDATE journal SET seq = 1000 WHERE seq = 3;
             UPDATE journal SET seq = 3 WHERE seq = 4;
             UPDATE journal SET seq = 4 WHERE seq = 1000;",
            "does not follow the entry before it",
        ),
    ];
    for (name, sql, says) in cases {
        let data = dir.path().join(name);
        journal_written(&data);
        let (ok, out) = verify(&data);
        assert!(ok, "{name}: a fresh journal fails: {out}");
        assert!(out.starts_with("journal intact:"), "{out}");
        tamper(&data, sql);
        let (ok, out) = verify(&data);
        assert!(!ok, "{name}: not detected: {out}");
        assert!(
            out.contains("journal BROKEN at entry #") && out.contains(says),
            "{name}: {out}"
        );
    }
}

/// Regression (hardening issue, tamper evidence): the tables the reports read
/// are replayed from the journal, and an anchor kept off the box catches the
/// newest entries deleted.
#[test]
fn edited_report_tables_and_deleted_newest_entries_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    for (name, sql, says) in [
        (
            "ticket-edited",
            "UPDATE tickets SET state = 'completed', service_seconds = 60 WHERE code = 'A002'",
            "table `tickets`, 2026-11-30 A002: state is `completed` in the table, `waiting` by the journal (edited)",
        ),
        (
            "ticket-deleted",
            "DELETE FROM tickets WHERE code = 'C001'",
            "table `tickets`, 2026-11-30 C001: missing (deleted)",
        ),
        (
            "ticket-added",
            "INSERT INTO tickets (day, code, category, number, queue, priority, state, issued_at_ms, ahead)
             VALUES ('2026-11-30', 'E001', 'E', 1, 'E', 0, 'completed', 0, 0)",
            "table `tickets`, 2026-11-30 E001: not in the journal (added)",
        ),
    ] {
        let data = dir.path().join(name);
        journal_written(&data);
        tamper(&data, sql);
        let (ok, out) = verify(&data);
        assert!(!ok, "{name}: not detected: {out}");
        assert!(out.contains("journal intact"), "the chain itself is whole: {out}");
        assert!(out.contains(says), "{name}: {out}");
    }

    // An anchor kept at some point (the closing slip prints one) catches the
    // newest entries deleted, which the chain alone cannot.
    let data = dir.path().join("newest-deleted");
    journal_written(&data);
    // Later entries that no report table depends on: the printer's paper.
    let mut station = Station::start(&data, &[]);
    station.ok("printer paper-low");
    station.ok("state");
    assert!(station.quit().success());
    let (ok, out) = verify(&data);
    assert!(ok, "{out}");
    let anchor = out
        .lines()
        .find_map(|l| l.strip_prefix("anchor to keep (write it down, or keep the closing slip): "))
        .unwrap_or_else(|| panic!("{out}"))
        .to_string();
    let check = |data: &Path| {
        let out = kiosk()
            .args(["verify-log", "--anchor", &anchor, "--data"])
            .arg(data)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (ok, out) = check(&data);
    assert!(
        ok && out.contains(&format!("anchor {anchor}: matches")),
        "{out}"
    );
    // Everything after the last entry a report table depends on goes.
    let kept: i64 = rusqlite::Connection::open(data.join("kiosk.db"))
        .unwrap()
        .query_row(
            "SELECT max(seq) FROM journal WHERE kind LIKE 'ticket%' OR kind LIKE 'case%' OR kind LIKE 'day%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let last: i64 = anchor.split(':').next().unwrap().parse().unwrap();
    assert!(kept < last, "nothing to delete: {kept} {last}");
    tamper(&data, &format!("DELETE FROM journal WHERE seq > {kept}"));
    let (ok, out) = verify(&data);
    assert!(
        ok,
        "without the anchor, deleting the newest entries passes the chain: {out}"
    );
    let (ok, out) = check(&data);
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!("entries after #{kept} were deleted")),
        "{out}"
    );
    // A malformed anchor is refused with how to write one.
    let out = kiosk()
        .args(["verify-log", "--anchor", "tuesday", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("write SEQ:HASH"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// At the business day's close the closing slip (日结单) prints the day's
/// figures and the journal's anchor, which is journaled and checks out.
#[test]
fn the_day_closes_with_a_slip_whose_anchor_checks_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &["--clock", "2026-11-30 17:59:58"]);
    station.ok("wait 3s");
    station.ok("settle");
    let text = station.state()["printer"]["simulated"]["last_job"]["text"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(station.quit().success());
    assert!(
        text.contains("日结单") && text.contains("2026-11-30"),
        "{text}"
    );
    let anchored = crate::support::journal(dir.path(), &["--kind", "day_anchored"]);
    assert_eq!(anchored.len(), 1, "{anchored:?}");
    let body = &anchored[0]["body"];
    let anchor = format!("{}:{}", body["seq"], body["hash"].as_str().unwrap());
    assert!(text.contains(&anchor), "the slip prints {anchor}: {text}");
    let out = kiosk()
        .args(["verify-log", "--anchor", &anchor, "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

fn run(args: &[&str], data: &Path) -> (bool, String, String) {
    let out = kiosk().args(args).arg("--data").arg(data).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn report_and_export_read_the_journal_and_refuse_bad_ranges() {
    let dir = tempfile::tempdir().unwrap();
    journal_written(dir.path());
    let (ok, out, err) = run(&["report", "--day", "2026-11-30"], dir.path());
    assert!(ok, "{err}");
    assert!(
        out.contains("issued     4") && out.contains("rating levels: 5 = 非常满意"),
        "{out}"
    );
    let (ok, out, _) = run(&["report", "--month", "2026-11", "--json"], dir.path());
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["total"]["issued"], 4);
    assert_eq!(json["to"], "2026-11-30");

    let (ok, out, err) = run(
        &[
            "export",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let entries = json["entries"].as_array().unwrap();
    assert!(entries.len() >= 6);
    assert!(
        err.contains(&format!("exported {0} of {0} entries", entries.len())),
        "{err}"
    );

    for (args, says) in [
        (
            &["export", "--from", "2026-12-01", "--to", "2026-11-01"][..],
            "the range is reversed",
        ),
        (
            &["export", "--from", "2016-11-01", "--to", "2026-11-01"][..],
            "export at most two years",
        ),
        (
            &[
                "export",
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-30",
                "--format",
                "xml",
            ][..],
            "is not csv or json",
        ),
        (
            &["export", "--from", "30/11/2026", "--to", "2026-11-30"][..],
            "is not a day such as",
        ),
        (
            &["report", "--month", "2026-13"][..],
            "is not a month such as 2026-11",
        ),
        (&["report"][..], "--day 2026-11-30 or --month 2026-11"),
    ] {
        let (ok, _, err) = run(args, dir.path());
        assert!(!ok && err.contains(says), "{args:?}: {err}");
    }
}
