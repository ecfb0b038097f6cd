//! `kiosk doctor`'s checks against broken settings, missing devices and
//! files a technician can meet.

use super::*;

fn pi_config() -> Config {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("board.toml"), board::profile::PI_2_WINDOWS).unwrap();
    Config::parse(
        "kiosk.toml",
        "[board]\nprofile = \"board.toml\"\n",
        Some(dir.path()),
    )
    .unwrap()
}

#[test]
fn the_groups_a_pi_needs_are_named_with_the_command_that_adds_them() {
    let config = pi_config();
    let own = Some((
        false,
        vec!["kiosk".to_string(), "gpio".into(), "video".into()],
    ));
    let checks = groups(&config, &own);
    assert_eq!(checks[0].verdict, Verdict::Fail);
    assert_eq!(
        checks[0].detail,
        "not in i2c (the window cards and the ADC), dialout (the printer), input (the touchscreen), audio (the lobby speaker)"
    );
    assert!(
        checks[0]
            .fix
            .as_ref()
            .unwrap()
            .starts_with("`sudo usermod -aG i2c,dialout,input,audio kiosk`")
    );
    let all = ["gpio", "i2c", "dialout", "video", "input", "audio"]
        .map(String::from)
        .to_vec();
    assert_eq!(groups(&config, &Some((false, all)))[0].verdict, Verdict::Ok);
    assert_eq!(
        groups(&config, &Some((true, vec![])))[0].verdict,
        Verdict::Warn
    );
    let sim = Config::builtin().unwrap();
    assert_eq!(groups(&sim, &own)[0].verdict, Verdict::Skip);
}

#[test]
fn the_touch_rule_is_checked_against_the_profile_and_printed_when_missing() {
    let mut board = pi_config().board;
    let rules = tempfile::tempdir().unwrap();
    assert_eq!(touch_rule(&board, rules.path()).verdict, Verdict::Ok);
    board.screen.touch_calibration = Some([-1.0, 0.0, 1.0, 0.0, -1.0, 1.0]);
    let missing = touch_rule(&board, rules.path());
    assert_eq!(missing.verdict, Verdict::Fail);
    let line =
        "ENV{ID_INPUT_TOUCHSCREEN}==\"1\", ENV{LIBINPUT_CALIBRATION_MATRIX}=\"-1 0 1 0 -1 1\"";
    assert!(missing.fix.as_ref().unwrap().ends_with(line), "{missing}");
    std::fs::write(rules.path().join(TOUCH_RULE), format!("# kiosk\n{line}\n")).unwrap();
    assert_eq!(touch_rule(&board, rules.path()).verdict, Verdict::Ok);
}

#[test]
fn the_last_good_backup_is_reported_with_its_age_and_disk() {
    use crate::store::backup::{LastBackup, record};
    let data = tempfile::tempdir().unwrap();
    let now: jiff::Timestamp = "2026-12-02T10:00:00Z".parse().unwrap();
    let none = last_backup(data.path(), now);
    assert_eq!(none.verdict, Verdict::Warn);
    assert!(none.detail.starts_with("no backup recorded"), "{none}");
    assert!(none.fix.unwrap().contains("kiosk-backup.timer"));

    let stick = tempfile::tempdir().unwrap();
    let mut last = LastBackup {
        at: "2026-12-02T02:30:00.4Z".parse().unwrap(),
        file: stick.path().join("kiosk-20261202T023000Z.db.age"),
        entries: 120,
        head: "c0ffee".into(),
        bytes: 4096,
        encrypted: true,
    };
    record(data.path(), &last).unwrap();
    let check = last_backup(data.path(), now);
    assert_eq!(
        check.detail,
        format!(
            "last good backup 2026-12-02T02:30:00Z (7 h ago): {}/kiosk-20261202T023000Z.db.age (encrypted), 120 journal entries, chain head c0ffee",
            stick.path().display()
        )
    );
    // Both temporary folders are on one disk here: a backup beside the
    // database is worth a warning.
    assert_eq!(check.verdict, Verdict::Warn, "{check}");
    assert!(check.fix.unwrap().contains("same disk"));
    // On a stick that is not mounted now, only its age counts.
    last.file = PathBuf::from("/nonexistent-stick/kiosk.db");
    record(data.path(), &last).unwrap();
    assert_eq!(last_backup(data.path(), now).verdict, Verdict::Ok);
    last.at = "2026-11-29T02:30:00Z".parse().unwrap();
    record(data.path(), &last).unwrap();
    let stale = last_backup(data.path(), now);
    assert_eq!(stale.verdict, Verdict::Warn);
    assert!(stale.detail.contains("(3 days ago)"), "{stale}");
    assert!(stale.fix.unwrap().contains("journalctl -u kiosk-backup"));
    // On the card, a copy is taken a week: three days is on time, ten late.
    last.file = stick.path().join("kiosk-20261129T023000Z.db");
    record(data.path(), &last).unwrap();
    let weekly = last_backup(data.path(), now);
    assert!(
        weekly.fix.unwrap().contains("once a week"),
        "{}",
        weekly.detail
    );
    last.at = "2026-11-22T02:30:00Z".parse().unwrap();
    record(data.path(), &last).unwrap();
    let late = last_backup(data.path(), now);
    assert!(late.detail.contains("(10 days ago)"), "{late}");
    assert!(late.fix.unwrap().contains("journalctl -u kiosk-backup"));
}

#[test]
fn a_running_stations_faults_are_failures_with_their_fixes() {
    use crate::domain::{BuzzerPattern, PrinterFault, Station, ZoneFault};
    use crate::state::{OutputsState, PrinterState};
    let config = Config::builtin().unwrap();
    let now: jiff::Timestamp = "2026-11-30T02:00:00Z".parse().unwrap();
    let mut view = Station::new(config.catalog, config.calendar, config.settings).view(now);
    let names: Vec<&str> = view.zones.iter().map(|z| z.info.name.as_str()).collect();
    assert_eq!(names, ["panic", "smoke"]);
    view.zones[1].state.fault = Some(ZoneFault::Open);
    view.windows[0].stuck_keys = vec![5];
    let state = StationState {
        now,
        local: String::new(),
        simulated_clock: false,
        station: view,
        tickets: Vec::new(),
        printer: PrinterState {
            port: Some("/dev/kiosk-printer".into()),
            outstanding: 0,
            held: Vec::new(),
            model: "generic-58".into(),
            health: PrinterHealth::Fault {
                fault: PrinterFault::PaperOut,
                detail: "paper out".into(),
            },
            fault: None,
            simulated: None,
        },
        cards: Vec::new(),
        outputs: OutputsState {
            alarm_relay: false,
            siren_relay: false,
            buzzer: BuzzerPattern::Off,
            heartbeat: false,
            heartbeat_toggles: 0,
            changes: 0,
        },
        board_problems: vec!["GPIO (gpiocdev backend): permission denied on /dev/gpiochip0".into()],
        store_fault: None,
        voice: Some(crate::voice::VoiceState {
            output: "ALSA plughw:CARD=Device,DEV=0".into(),
            sets: vec!["cmn".into()],
            problems: vec!["voice: audio device `plughw:CARD=Device,DEV=0`: No such device — the card is not there".into()],
            ..Default::default()
        }),
        notice: String::new(),
    };
    let checks = live_checks(&state);
    let lines: Vec<String> = checks
        .iter()
        .map(|c| format!("{:?} {} {}", c.verdict, c.name, c.detail))
        .collect();
    assert_eq!(
        lines,
        [
            "Ok station running; reading its own view",
            "Fail hardware GPIO (gpiocdev backend): permission denied on /dev/gpiochip0",
            "Warn voice voice: audio device `plughw:CARD=Device,DEV=0`: No such device — the card is not there",
            "Fail printer paper out",
            "Ok zone panic: normal",
            "Fail zone smoke: fault open",
            "Fail keys window 1: keys stuck: 5",
        ]
    );
}

#[test]
fn the_console_check_warns_of_pins_in_clear_and_gives_the_certificates_fingerprint() {
    use crate::config::{ConsoleSettings, TlsFiles};
    use crate::tls;
    let loopback = console(&ConsoleSettings::default());
    assert_eq!(loopback.verdict, Verdict::Ok, "{loopback}");
    let in_clear = console(&ConsoleSettings {
        listen: "192.168.1.20:8080".parse().unwrap(),
        allow_plain_http: true,
        ..ConsoleSettings::default()
    });
    assert_eq!(in_clear.verdict, Verdict::Warn, "{in_clear}");
    assert!(in_clear.detail.contains("in clear"), "{in_clear}");
    assert!(
        in_clear
            .fix
            .as_deref()
            .unwrap()
            .contains("kiosk console cert")
    );

    let dir = tempfile::tempdir().unwrap();
    let made = tls::self_signed(
        &["kiosk.local".into()],
        &[],
        "2026-12-01".parse().unwrap(),
        365,
    )
    .unwrap();
    let (cert, key) = tls::write(dir.path(), &made, false).unwrap();
    let settings = ConsoleSettings {
        listen: "192.168.1.20:8443".parse().unwrap(),
        tls: Some(TlsFiles {
            cert,
            key: key.clone(),
        }),
        ..ConsoleSettings::default()
    };
    let check = console(&settings);
    assert_eq!(check.verdict, Verdict::Ok, "{check}");
    assert!(check.detail.contains(&made.fingerprint), "{check}");
    // A key others can read is worth a warning.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let check = console(&settings);
    assert_eq!(check.verdict, Verdict::Warn, "{check}");
    assert!(
        check.fix.as_deref().unwrap().starts_with("chmod 600"),
        "{check}"
    );
}

#[test]
fn the_matter_catalog_check_names_the_sample_and_a_version_that_does_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::builtin().unwrap();
    let check = matters(&config, dir.path());
    assert_eq!(check.verdict, Verdict::Warn);
    assert!(check.detail.contains("sample"), "{check}");
    assert!(check.fix.unwrap().contains("kiosk matters load"));
    let installed = crate::data::matters_dir(dir.path());
    let text = crate::config::SAMPLE_MATTERS.replace("sample = true", "sample = false");
    crate::matters::install(&installed, &text).unwrap();
    let check = matters(&config, dir.path());
    assert_eq!(check.verdict, Verdict::Ok, "{check}");
    assert!(check.detail.starts_with("version 1:"), "{check}");
    crate::matters::install(&installed, "[catalog]\n[[matter]]\nid = \"x\"\n").unwrap();
    let check = matters(&config, dir.path());
    assert_eq!(check.verdict, Verdict::Warn);
    assert!(check.detail.contains("0002.toml"), "{check}");
}

#[test]
fn posts_naming_members_the_staff_list_lacks_are_reported_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.db");
    let config = Config::parse(
        "kiosk.toml",
        "[[window]]\nnumber = 1\na = \"0101\"\nb = \"0102\"\n[[window]]\nnumber = 2\na = \"0103\"\n",
        None,
    )
    .unwrap();
    // No database yet: nothing to compare with.
    assert_eq!(people::posts(&config, &db).verdict, Verdict::Skip);
    let mut store = crate::store::Store::open(&db, &config.store).unwrap();
    store
        .add_staff("0101", "王芳", crate::domain::StaffRole::Staff, "2468")
        .unwrap();
    store
        .add_staff("0103", "赵敏", crate::domain::StaffRole::Staff, "9753")
        .unwrap();
    store.set_staff_disabled("0103", true).unwrap();
    let check = people::posts(&config, &db);
    assert_eq!(check.verdict, Verdict::Warn);
    assert_eq!(
        check.detail,
        "window 1's b post names 0102, who is not on the staff list; window 2's a post names 0103 (赵敏), who is disabled"
    );
    assert!(check.fix.unwrap().contains("kiosk staff add"));
    store
        .add_staff("0102", "李强", crate::domain::StaffRole::Staff, "1357")
        .unwrap();
    store.set_staff_disabled("0103", false).unwrap();
    let check = people::posts(&config, &db);
    assert_eq!(
        (check.verdict, check.detail.as_str()),
        (Verdict::Ok, "3 posts, every member on the staff list")
    );
    // A station without posts takes anyone.
    let none = Config::builtin().unwrap();
    assert_eq!(people::posts(&none, &db).verdict, Verdict::Ok);
}

#[test]
fn a_roster_naming_members_the_staff_list_lacks_or_leaving_nights_uncovered_is_reported() {
    use crate::domain::{Actor, Duty, Fact, Record, StaffRef, StaffRole};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.db");
    let config = Config::builtin().unwrap();
    let now: jiff::Timestamp = "2026-11-30T01:00:00Z".parse().unwrap();
    assert_eq!(people::roster(&config, &db, now).verdict, Verdict::Skip);
    let mut store = crate::store::Store::open(&db, &config.store).unwrap();
    assert_eq!(
        people::roster(&config, &db, now).verdict,
        Verdict::Ok,
        "no roster kept"
    );
    store
        .add_staff("0101", "王芳", StaffRole::Staff, "2468")
        .unwrap();
    store
        .add_staff("0102", "李强", StaffRole::Staff, "1357")
        .unwrap();
    store.set_staff_disabled("0102", true).unwrap();
    let who = |n: &str| StaffRef {
        name: format!("员工{n}"),
        number: n.into(),
    };
    let set = |days: &[&str], member: &str, leader: Option<&str>| Record {
        at: now,
        day: "2026-11-30".parse().unwrap(),
        actor: Actor::Staff { id: "0001".into() },
        fact: Fact::DutySet {
            days: days.iter().map(|d| d.parse().unwrap()).collect(),
            duty: Duty {
                member: who(member),
                phone: "13800138000".into(),
                leader: leader.map(who),
            },
        },
    };
    store
        .commit(&[
            set(&["2026-11-30"], "0101", Some("0999")),
            set(&["2026-12-01"], "0102", None),
        ])
        .unwrap();
    let check = people::roster(&config, &db, now);
    assert_eq!(check.verdict, Verdict::Warn);
    assert_eq!(
        check.detail,
        "2026-11-30: 0999 (员工0999) leading is not on the staff list; 2026-12-01: 0102 (李强) on duty is disabled; nobody on duty on 2026-12-02, 2026-12-03, 2026-12-04, 2026-12-05, 2026-12-06"
    );
    assert!(check.fix.unwrap().contains("值班表"));
    let week = [
        "2026-11-30",
        "2026-12-01",
        "2026-12-02",
        "2026-12-03",
        "2026-12-04",
        "2026-12-05",
        "2026-12-06",
    ];
    store.commit(&[set(&week, "0101", None)]).unwrap();
    let check = people::roster(&config, &db, now);
    assert_eq!(
        (check.verdict, check.detail.as_str()),
        (Verdict::Ok, "every day of the coming week has its duty")
    );
}

#[test]
fn a_database_in_large_pages_is_reported_until_it_is_compacted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.db");
    // An older kiosk's file: SQLite's default 4 KB pages.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("PRAGMA page_size = 4096; CREATE TABLE older (x);")
        .unwrap();
    let settings = crate::store::StoreSettings::default();
    let mut store = crate::store::Store::open(&db, &settings).unwrap();
    let checks = database(&db);
    let pages = checks.iter().find(|c| c.name == "database pages").unwrap();
    assert_eq!(pages.verdict, Verdict::Warn);
    assert!(pages.detail.contains("4096-byte pages"), "{}", pages.detail);
    assert!(pages.detail.contains("4×"), "{}", pages.detail);
    assert!(pages.fix.as_deref().unwrap().contains("kiosk compact"));
    store.compact().unwrap();
    let checks = database(&db);
    assert_eq!(checks.len(), 1, "{checks:?}");
    assert_eq!(checks[0].verdict, Verdict::Ok);
}
