//! Bad input and failing parts: each gets a clear message, and nothing is lost.

use std::path::Path;

use crate::support::*;

/// Runs `kiosk` to completion and returns (exit code, stderr).
fn run_failing(args: &[&str], data: &Path) -> (Option<i32>, String) {
    let out = kiosk()
        .args(args)
        .arg("--data")
        .arg(data)
        .args(["--headless", "--clock", MONDAY_9AM])
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn malformed_control_commands_are_answered_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    let table = [
        (
            "fly away",
            "unknown command `fly`; commands are tap, key, rate, edge, case, panic, smoke, zone, alarm, clock, transfer, requeue, reprint, pause, reopen, sign-on, sign-off, away, voice, screenshot, scan, state, memory, settle, printer, calendar, matters, wait, hang, quit",
        ),
        (
            "key 1 explode",
            "`explode` is not a keypad key; use call, recall, skip, complete, a digit 0-9 or enter",
        ),
        (
            "tap category-Q",
            "nothing on the screen has the id `category-Q`",
        ),
        (
            "tap label \"不存在\"",
            "nothing on the screen has the label `不存在`",
        ),
        ("{\"cmd\":\"key\"}", "`key` needs the field `window`"),
        (
            "key 7 call",
            "there is no window 7; the catalog's windows are 1, 2, 3",
        ),
    ];
    for (command, error) in table {
        let answer = station.send(command);
        assert_eq!(answer["ok"], false, "{command}");
        assert_eq!(answer["error"], error, "{command}");
    }
    // Binary garbage and a huge line get answers too, and the station still works.
    let answer = station.send("\u{fffd}\u{0}\u{7}");
    assert_eq!(answer["ok"], false);
    let answer = station.send(&"x".repeat(70_000));
    assert_eq!(answer["error"], "the command is longer than 65536 bytes");
    // An empty line is answered too: a client waits for one answer a line.
    for empty in ["", "   ", "\r"] {
        let answer = station.send(empty);
        assert_eq!(answer["ok"], false, "{empty:?}");
        assert!(
            answer["error"]
                .as_str()
                .unwrap()
                .starts_with("empty command"),
            "{answer}"
        );
    }
    // A screenshot goes inside the data folder only; nothing is made
    // anywhere else.
    let elsewhere = tempfile::tempdir().unwrap();
    for (path, why) in [
        (
            elsewhere.path().join("made/by/kiosk.png"),
            "it is outside the data folder",
        ),
        ("../escaped.png".into(), "`..` is not allowed"),
    ] {
        let answer = station.send(&format!("screenshot {}", path.display()));
        assert_eq!(answer["ok"], false, "{answer}");
        assert!(answer["error"].as_str().unwrap().contains(why), "{answer}");
    }
    assert!(
        std::fs::read_dir(elsewhere.path())
            .unwrap()
            .next()
            .is_none()
    );
    assert!(!dir.path().parent().unwrap().join("escaped.png").exists());
    station.ok("screenshot shots/home.png");
    assert!(dir.path().join("shots/home.png").is_file());
    assert_eq!(station.take_ticket('A'), "A001");
    assert!(station.quit().success());
    assert_eq!(
        kinds(&journal(dir.path(), &["--kind", "ticket_issued"])),
        ["ticket_issued"]
    );
}

#[test]
fn a_broken_config_file_is_named_with_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(
        &config,
        "[station]\nname_zh = \"龙坡村便民服务站\"\n\n[queue]\npolicy = \"fastest\"\n",
    )
    .unwrap();
    let (code, stderr) = run_failing(
        &["run", "--config", config.to_str().unwrap()],
        &dir.path().join("data"),
    );
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains(&format!(
            "{}:5: field `queue.policy`: `fastest` is not a policy",
            config.display()
        )),
        "{stderr}"
    );
    // A catalog with a duplicate prefix, referenced from the config.
    let catalog = dir.path().join("catalog.toml");
    std::fs::write(
        &catalog,
        "[hours]\ndays = \"working-days\"\nsessions = [\"08:30-12:00\"]\n[[category]]\nprefix = \"A\"\nzh = \"社保\"\nen = \"Insurance\"\nwindows = [1]\n[[category]]\nprefix = \"A\"\nzh = \"民政\"\nen = \"Civil\"\nwindows = [2]\n",
    )
    .unwrap();
    std::fs::write(&config, "[station]\ncatalog = \"catalog.toml\"\n").unwrap();
    let (code, stderr) = run_failing(
        &["run", "--config", config.to_str().unwrap()],
        &dir.path().join("data"),
    );
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains(&format!(
            "{}:10: field `category[1].prefix`: prefix A is used by an earlier category",
            catalog.display()
        )),
        "{stderr}"
    );
}

#[test]
fn files_that_are_not_utf8_are_refused_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    // Saved as GBK: "龙坡村" on line 2 of the settings, "春节" on line 3 of
    // a calendar.
    let config = dir.path().join("kiosk.toml");
    let mut bytes = b"[station]\nname_zh = \"".to_vec();
    bytes.extend([0xc1, 0xfa, 0xc6, 0xc2, 0xb4, 0xe5, b'"', b'\n']);
    std::fs::write(&config, bytes).unwrap();
    let (code, stderr) = run_failing(
        &["run", "--config", config.to_str().unwrap()],
        &dir.path().join("data"),
    );
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains(&format!(
            "{}:2: character 12 (byte 0xc1) is not UTF-8 — save the file as UTF-8",
            config.display()
        )),
        "{stderr}"
    );
    let calendar = dir.path().join("2027.json");
    let mut bytes = b"{\n  \"year\": 2027,\n  \"days\": [{ \"name\": \"".to_vec();
    bytes.extend([0xb4, 0xba, 0xbd, 0xda]);
    bytes.extend(b"\", \"date\": \"2027-01-01\", \"isOffDay\": true }]\n}\n");
    std::fs::write(&calendar, bytes).unwrap();
    let out = kiosk()
        .args(["calendar", "check"])
        .arg(&calendar)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains(&format!(
            "{}:3: character 23 (byte 0xb4)",
            calendar.display()
        )),
        "{stderr}"
    );
}

#[test]
fn an_unwritable_data_folder_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let (code, stderr) = run_failing(&["run"], &file.join("data"));
    assert_eq!(code, Some(1));
    assert!(stderr.contains("cannot use data folder"), "{stderr}");
    assert!(
        stderr.contains("pass --data with a writable folder"),
        "{stderr}"
    );
    // Said once, its cause too.
    assert_eq!(
        stderr.matches("cannot use data folder").count(),
        1,
        "{stderr}"
    );
    assert_eq!(stderr.matches("os error").count(), 1, "{stderr}");
}

#[test]
fn a_second_kiosk_on_the_same_data_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = Station::start(dir.path(), &[]);
    let (code, stderr) = run_failing(&["run"], dir.path());
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains(&format!(
            "another kiosk is already running on data folder {} (process {})",
            dir.path().display(),
            first.pid()
        )),
        "{stderr}"
    );
    assert_eq!(stderr.matches("already running").count(), 1, "{stderr}");
    // The first one is untouched.
    assert_eq!(first.take_ticket('A'), "A001");
    assert!(first.quit().success());
}

#[test]
fn log_lines_to_a_file_or_the_journal_carry_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    // stderr is a pipe here, as it is a file or the journal's socket under
    // systemd; NO_COLOR is not set.
    let out = kiosk()
        .args(["run", "--headless", "--first-frame-exit", "--data"])
        .arg(dir.path())
        .args(["--clock", MONDAY_9AM])
        .env_remove("NO_COLOR")
        .env("RUST_LOG", "info")
        .output()
        .unwrap();
    assert!(out.status.success());
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("INFO"), "{log}");
    assert!(!log.contains('\u{1b}'), "{log:?}");
}

#[test]
fn a_missing_printer_port_still_issues_tickets() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &["--printer", "/dev/ttyKIOSKNONE0"]);
    assert_eq!(station.take_ticket('B'), "B001");
    let state = station.state();
    assert_eq!(state["printer"]["held"], serde_json::json!(["B001"]));
    assert_eq!(
        state["printer"]["fault"],
        "printer port /dev/ttyKIOSKNONE0 does not exist — check the printer's cable and power, and the port in kiosk.toml or the board profile"
    );
    assert!(station.quit().success());
}

#[test]
fn a_locked_database_gives_no_ticket_and_loses_no_number() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, "[store]\nbusy_timeout_ms = 100\n").unwrap();
    let data = dir.path().join("data");
    let mut station = Station::start(&data, &["--config", config.to_str().unwrap()]);
    assert_eq!(station.take_ticket('A'), "A001");

    // Another program takes the write lock, as a careless sqlite3 shell would.
    let other = rusqlite::Connection::open(data.join("kiosk.db")).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    station.ok("tap category-A");
    let screen = station.screen();
    assert_eq!(screen["screen"], "problem", "{screen}");
    assert!(
        screen["notice"]
            .as_str()
            .unwrap()
            .contains("数据库无法写入"),
        "{screen}"
    );
    assert!(
        station.state()["store_fault"]
            .as_str()
            .unwrap()
            .contains("is locked by another program")
    );
    station.ok("tap done");

    other.execute_batch("ROLLBACK").unwrap();
    assert_eq!(
        station.take_ticket('A'),
        "A002",
        "the refused touch used no number"
    );
    assert_eq!(station.screen()["notice"], "");
    assert!(station.quit().success());
}

#[test]
fn a_clock_behind_the_journal_never_reuses_numbers_and_warns_staff() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &["--clock", "2026-11-30 10:00"]);
    assert_eq!(station.take_ticket('A'), "A001");
    assert!(station.quit().success());

    // A Pi without a real-time clock comes back after a power cut believing it
    // is the day before.
    let mut station = Station::start(dir.path(), &["--clock", "2026-11-29 15:00"]);
    assert_eq!(station.take_ticket('A'), "A002");
    let state = station.state();
    assert_eq!(state["station"]["clock_behind"], true);
    assert!(
        state["screen"]["notice"]
            .as_str()
            .unwrap()
            .contains("系统时间与记录不一致"),
        "{state}"
    );
    assert!(station.quit().success());
    let behind = journal(dir.path(), &["--kind", "clock_behind"]);
    assert_eq!(behind.len(), 1);
    assert_eq!(
        behind[0]["body"]["journal"].as_str().unwrap().get(..16),
        Some("2026-11-30T02:00")
    );
}

#[test]
fn logs_refuse_a_missing_journal_and_bad_times() {
    let dir = tempfile::tempdir().unwrap();
    let out = kiosk()
        .args(["logs", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("there is no journal at"));
    let mut station = Station::start(dir.path(), &[]);
    station.take_ticket('A');
    assert!(station.quit().success());
    let out = kiosk()
        .args(["logs", "--since", "soon", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`soon` is not a time"));
    // The table form names each step.
    let out = kiosk()
        .args(["logs", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("ticket_issued") && table.contains("citizen") && table.contains("A001"),
        "{table}"
    );
}
