//! Config and catalog files: the built-in ones load, and every kind of mistake is
//! reported with file, line and field.

use jiff::civil::{Time, Weekday};

use super::*;
use crate::domain::Days;

#[test]
fn the_builtin_files_load() {
    let config = Config::builtin().unwrap();
    let ids: String = config
        .catalog
        .categories()
        .iter()
        .map(|c| c.id.letter())
        .collect();
    assert_eq!(ids, "ABCDE");
    assert_eq!(config.catalog.categories()[0].name_zh, "社保医保");
    assert_eq!(config.settings.time_zone.iana_name(), Some("Asia/Shanghai"));
    assert_eq!(config.printer.port, PrinterPort::Simulated);
    assert!(config.calendar.is_known_year(2025) && config.calendar.is_known_year(2026));
    // National Day 2026 and its makeup Saturday.
    assert!(
        !config
            .calendar
            .is_working_day("2026-10-01".parse().unwrap())
    );
    assert!(
        config
            .calendar
            .is_working_day("2026-10-10".parse().unwrap())
    );
}

#[test]
fn settings_mistakes_name_the_line_and_field() {
    let table = [
        (
            "[queue]\npolcy = \"strict\"\n",
            "f.toml:2: field `queue.polcy`: unknown field `polcy`",
        ),
        (
            "[queue]\npolicy = \"fair\"\n",
            "f.toml:2: field `queue.policy`: `fair` is not a policy; use \"strict\" or \"alternate\"",
        ),
        (
            "[queue]\nalternate_every = 0\n",
            "f.toml:2: field `queue.alternate_every`: must be 1–20",
        ),
        (
            "[queue]\nday_close = \"25:00\"\n",
            "f.toml:2: field `queue.day_close`: expected a time such as \"18:00\"",
        ),
        (
            "\n\n[station]\ntime_zone = \"Asia/Beijing\"\n",
            "f.toml:4: field `station.time_zone`: `Asia/Beijing` is not a known IANA time zone, such as \"Asia/Shanghai\"",
        ),
        (
            "[ui]\nidle_seconds = 1\n",
            "f.toml:2: field `ui.idle_seconds`: must be 5–600 seconds",
        ),
        (
            "[ui]\nheadless_size = \"big\"\n",
            "f.toml:2: field `ui.headless_size`: expected WIDTHxHEIGHT such as \"800x480\" (200–4000 each)",
        ),
        (
            "[printer]\nbaud = 9601\n",
            "f.toml:2: field `printer.baud`: 9601 is not a printer baud rate; use 9600, 19200, 38400, 57600 or 115200",
        ),
        (
            "[printer]\nport = \"COM1\"\n",
            "f.toml:2: field `printer.port`: `COM1` is not \"sim\", \"none\" or an absolute device path such as \"/dev/ttyUSB0\"",
        ),
        (
            "[printer]\nmodel = \"xp-9000\"\n",
            "f.toml:2: field `printer.model`: unknown printer model `xp-9000`; the built-in printers.toml lists epson-tm-t20, generic-58, generic-80",
        ),
        (
            "[printer]\nparity = \"mark\"\n",
            "f.toml:2: field `printer.parity`: `mark` is not \"none\", \"even\" or \"odd\"",
        ),
        (
            "[printer]\nflow_control = \"dtr\"\n",
            "f.toml:2: field `printer.flow_control`: `dtr` is not \"none\", \"rts-cts\" or \"xon-xoff\"",
        ),
        (
            "[printer]\nhold_seconds = 7200\n",
            "f.toml:2: field `printer.hold_seconds`: must be 0–3600 seconds",
        ),
        (
            "[evaluator]\ncallback_days = 0\n",
            "f.toml:2: field `evaluator.callback_days`: must be 1–30 working days",
        ),
        (
            "[evaluator]\nrectification_days = 90\n",
            "f.toml:2: field `evaluator.rectification_days`: must be 1–60 working days",
        ),
        (
            "[[window]]\nnumber = 7\nstaff_name = \"王芳\"\nstaff_no = \"0107\"\n",
            "f.toml:2: field `window[0].number`: the catalog has no window 7; its windows are 1, 2, 3",
        ),
        (
            "[[window]]\nnumber = 1\nstaff_name = \"\"\nstaff_no = \"0101\"\n",
            "f.toml:3: field `window[0].staff_name`: must be 1–16 characters",
        ),
        (
            "[[window]]\nnumber = 1\nstaff_name = \"王芳\"\nstaff_no = \"0101\"\n[[window]]\nnumber = 1\nstaff_name = \"李强\"\nstaff_no = \"0102\"\n",
            "f.toml:6: field `window[1].number`: window 1 is listed twice",
        ),
        (
            "[[window]]\nnumber = 1\nstaff_name = \"王芳\"\n",
            "f.toml:2: field `window[0].staff_name`: staff_name and staff_no go together",
        ),
        (
            "[[window]]\nnumber = 1\nstaff_no = \"0101\"\nstaff_name = \"王芳\"\na = \"0102\"\n",
            "f.toml:5: field `window[0].a`: names 0102 as the A post but staff_no names 0101",
        ),
        (
            "[[window]]\nnumber = 1\na = \"0101\"\nb = \"0101\"\n",
            "f.toml:2: field `window[0].b`: 0101 is already window 1's a post; a member holds one post at a window",
        ),
        (
            "[[window]]\nnumber = 1\na = \"0101\"\n[[window]]\nnumber = 2\na = \"0101\"\n",
            "f.toml:6: field `window[1].a`: 0101 is already the A post of window 1; a member is the A post of one window",
        ),
        (
            "[[window]]\nnumber = 1\nsubstitute = \"01234567890123456789\"\n",
            "f.toml:3: field `window[0].substitute`: must be 1–16 characters",
        ),
        (
            "[people]\nsign_on = \"sometimes\"\n",
            "f.toml:2: field `people.sign_on`: expected \"required\"",
        ),
        (
            "[people]\nrequire = true\n",
            "f.toml:2: field `people.require`: unknown field `require`",
        ),
        (
            "[backup]\ndir = \"stick\"\n",
            "f.toml:2: field `backup.dir`: must be an absolute folder such as \"/media/kiosk-backup\"",
        ),
        (
            "[backup]\nkeep = 0\n",
            "f.toml:2: field `backup.keep`: must be 1–1000",
        ),
        (
            "[backup]\nrecipients = [\"age1nope\"]\n",
            "f.toml:2: field `backup.recipients`: `age1nope` is not an age public key",
        ),
        (
            "[backup]\nrecipients = [\"age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\"]\npassphrase_file = \"p\"\n",
            "f.toml:3: field `backup.passphrase_file`: give recipients or a passphrase file, not both",
        ),
        (
            "[board]\nkind = \"pi5\"\n",
            "f.toml:2: field `board.kind`: unknown field `kind`, expected `profile`",
        ),
    ];
    for (text, expected) in table {
        let err = Config::parse("f.toml", text, None).unwrap_err();
        assert!(
            err.to_string().starts_with(expected),
            "{text:?}\n got: {err}\nwant: {expected}"
        );
    }
    // A value of the wrong type: the line and the field.
    let err = Config::parse("f.toml", "[queue]\n\nrecall_limit = \"three\"\n", None).unwrap_err();
    assert_eq!(err.line, Some(3), "{err}");
    assert_eq!(err.field.as_deref(), Some("queue.recall_limit"), "{err}");
    for (text, line, field) in [
        (
            "[evaluator]\narmed_seconds = true\n",
            2,
            "evaluator.armed_seconds",
        ),
        ("[ui]\nidle_seconds = 1.5\n", 2, "ui.idle_seconds"),
        (
            "[[window]]\nnumber = 1\nstaff_name = \"王芳\"\nstaff_no = \"0101\"\n[[window]]\nnumber = \"two\"\n",
            6,
            "window[1].number",
        ),
        ("[station]\nname_zh = [\"a\"]\n", 2, "station.name_zh"),
        ("[queue]\npolicy = { fair = true }\n", 2, "queue.policy"),
    ] {
        let err = Config::parse("f.toml", text, None).unwrap_err();
        assert_eq!(
            (err.line, err.field.as_deref()),
            (Some(line), Some(field)),
            "{text:?}: {err}"
        );
    }
    // Syntax errors too.
    let err = Config::parse("f.toml", "[queue\n", None).unwrap_err();
    assert_eq!(err.line, Some(1), "{err}");
}

#[test]
fn a_settings_file_that_is_not_utf8_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.toml");
    // "龙坡村" saved as GBK on line 3.
    let mut bytes = b"[station]\n# the name\nname_zh = \"".to_vec();
    bytes.extend([0xc1, 0xfa, 0xc6, 0xc2, 0xb4, 0xe5]);
    bytes.extend(b"\"\n");
    std::fs::write(&path, bytes).unwrap();
    let err = Config::load(Some(&path)).unwrap_err();
    assert_eq!(err.line, Some(3), "{err}");
    assert!(
        err.to_string()
            .contains(":3: character 12 (byte 0xc1) is not UTF-8 — save the file as UTF-8"),
        "{err}"
    );
}

#[test]
fn a_file_a_setting_names_that_cannot_be_read_is_reported_at_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    for (text, line, field, file) in [
        (
            "[station]\nname_zh = \"x\"\ncatalog = \"catalogue.toml\"\n",
            3,
            "station.catalog",
            "catalogue.toml",
        ),
        (
            "\n[board]\nprofile = \"boards/pi.toml\"\n",
            3,
            "board.profile",
            "boards/pi.toml",
        ),
        (
            "[printer]\nprofiles = \"my-printers.toml\"\n",
            2,
            "printer.profiles",
            "my-printers.toml",
        ),
    ] {
        let err = Config::parse("kiosk.toml", text, Some(dir.path())).unwrap_err();
        assert_eq!(
            (err.file.as_str(), err.line, err.field.as_deref()),
            ("kiosk.toml", Some(line), Some(field)),
            "{err}"
        );
        let missing = dir.path().join(file);
        assert!(
            err.problem
                .starts_with(&format!("cannot read {}: ", missing.display())),
            "{err}"
        );
        assert!(err.problem.contains("correct the path"), "{err}");
    }
    // A named file that is there but not UTF-8: its own line.
    std::fs::write(dir.path().join("catalog.toml"), b"[hours]\n\xff\n").unwrap();
    let err = Config::parse(
        "kiosk.toml",
        "[station]\ncatalog = \"catalog.toml\"\n",
        Some(dir.path()),
    )
    .unwrap_err();
    assert!(err.file.ends_with("catalog.toml"), "{err}");
    assert_eq!(err.line, Some(2), "{err}");
}

#[test]
fn a_console_reachable_from_the_network_without_a_certificate_is_refused_unless_allowed() {
    for listen in ["192.168.1.20:8080", "0.0.0.0:8080", "[::]:8080"] {
        let text = format!("[console]\nenabled = true\nlisten = \"{listen}\"\n");
        let err = Config::parse("f.toml", &text, None)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("f.toml:3: field `console.listen`:")
                && err.contains("PINs would cross it in clear")
                && err.contains("kiosk console cert")
                && err.contains("allow_plain_http = true"),
            "{listen}: {err}"
        );
    }
    // Loopback needs nothing; the network needs the explicit setting.
    let c = Config::parse("f.toml", "[console]\nlisten = \"127.0.0.1:9090\"\n", None).unwrap();
    assert!(!c.console.plain_on_network());
    let c = Config::parse(
        "f.toml",
        "[console]\nlisten = \"192.168.1.20:8080\"\nallow_plain_http = true\n",
        None,
    )
    .unwrap();
    assert!(c.console.plain_on_network() && c.console.allow_plain_http);
    // A console that is off listens nowhere.
    let c = Config::parse(
        "f.toml",
        "[console]\nenabled = false\nlisten = \"192.168.1.20:8080\"\n",
        None,
    )
    .unwrap();
    assert!(!c.console.plain_on_network());
}

#[test]
fn the_consoles_connection_limits_are_read_and_checked() {
    let c = Config::builtin().unwrap();
    assert_eq!(c.console.limits, crate::config::Limits::default());
    let c = Config::parse(
        "f.toml",
        "[console]\nconnections = 64\nconnections_per_address = 8\nread_timeout_seconds = 5\n",
        None,
    )
    .unwrap();
    assert_eq!(
        (
            c.console.limits.connections,
            c.console.limits.per_address,
            c.console.limits.read_timeout
        ),
        (64, 8, Duration::from_secs(5))
    );
    for (text, expected) in [
        (
            "[console]\nconnections = 2\n",
            "f.toml:2: field `console.connections`: must be 8–1024",
        ),
        (
            "[console]\nconnections = 16\nconnections_per_address = 17\n",
            "f.toml:3: field `console.connections_per_address`: must be 1–16 (at most console.connections, 16)",
        ),
        (
            "[console]\nread_timeout_seconds = 0\n",
            "f.toml:2: field `console.read_timeout_seconds`: must be 1–120 seconds",
        ),
    ] {
        let err = Config::parse("f.toml", text, None).unwrap_err().to_string();
        assert!(err.starts_with(expected), "{text:?}\n got: {err}");
    }
}

#[test]
fn settings_are_read_into_the_domain() {
    let text = "[queue]\npolicy = \"alternate\"\nalternate_every = 2\nday_close = \"17:45\"\n[ui]\nlanguage = \"en\"\nheadless_size = \"1080x1920\"\n[printer]\nport = \"/dev/usb/lp0\"\n";
    let c = Config::parse("f.toml", text, None).unwrap();
    assert_eq!(c.settings.policy, Policy::Alternate { every: 2 });
    assert_eq!(c.settings.day_close, Time::constant(17, 45, 0, 0));
    assert!(c.ui.english_first);
    assert_eq!(c.ui.headless_size, (1080, 1920));
    assert_eq!(c.printer.port, PrinterPort::UsbLp("/dev/usb/lp0".into()));
}

#[test]
fn backup_settings_default_to_the_data_folder_and_resolve_the_passphrase_file() {
    let c = Config::builtin().unwrap();
    assert_eq!(
        c.backup,
        BackupSettings {
            dir: None,
            keep: DEFAULT_BACKUP_KEEP,
            recipients: vec![],
            passphrase_file: None,
        }
    );
    let text =
        "[backup]\ndir = \"/media/stick\"\nkeep = 3\npassphrase_file = \"backup-passphrase\"\n";
    let c = Config::parse("f.toml", text, Some(Path::new("/etc/kiosk"))).unwrap();
    assert_eq!(c.backup.dir, Some(PathBuf::from("/media/stick")));
    assert_eq!(c.backup.keep, 3);
    assert_eq!(
        c.backup.passphrase_file,
        Some(PathBuf::from("/etc/kiosk/backup-passphrase"))
    );
}

#[test]
fn the_printer_model_comes_from_a_profile_file() {
    let c = Config::parse(
        "f.toml",
        "[printer]\nmodel = \"epson-tm-t20\"\nbaud = 115200\n",
        None,
    )
    .unwrap();
    assert_eq!(c.printer.profile.width_dots, 576);
    assert_eq!(c.printer.line.baud, 115_200);
    assert_eq!(
        c.printer.line.flow,
        drivers::profile::FlowControl::XonXoff,
        "the model's flow control"
    );
    let c = Config::parse(
        "f.toml",
        "[printer]\nmodel = \"epson-tm-t20\"\nflow_control = \"none\"\n",
        None,
    )
    .unwrap();
    assert_eq!(c.printer.line.flow, drivers::profile::FlowControl::None);

    // A station's own profile file with a field missing: file and field named.
    let dir = tempfile::tempdir().unwrap();
    let broken = drivers::profile::BUILT_IN.replacen("receive_buffer = 4096\n", "", 1);
    std::fs::write(dir.path().join("printers.toml"), broken).unwrap();
    let err = Config::parse(
        "kiosk.toml",
        "[printer]\nprofiles = \"printers.toml\"\n",
        Some(dir.path()),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("printers.toml"), "{err}");
    assert!(err.contains("missing field `receive_buffer`"), "{err}");
}

const GOOD: &str = "[hours]\ndays = \"working-days\"\nsessions = [\"08:30-12:00\"]\n\n[[category]]\nprefix = \"A\"\nzh = \"社保\"\nen = \"Insurance\"\nwindows = [1]\n\n[[category]]\nprefix = \"B\"\nzh = \"民政\"\nen = \"Civil\"\nwindows = [2]\n";

#[test]
fn catalog_mistakes_name_the_line_and_field() {
    let table = [
        (
            GOOD.replace("prefix = \"B\"", "prefix = \"A\""),
            "c.toml:12: field `category[1].prefix`: prefix A is used by an earlier category",
        ),
        (
            GOOD.replace("prefix = \"B\"", "prefix = \"b2\""),
            "c.toml:12: field `category[1].prefix`: `b2` is not one capital letter A–Z",
        ),
        (
            GOOD.replace("en = \"Civil\"", "en = \"  \""),
            "c.toml:14: field `category[1].en`: the English name is empty",
        ),
        (
            GOOD.replace("windows = [2]", "windows = []"),
            "c.toml:15: field `category[1].windows`: no window serves this category",
        ),
        (
            GOOD.replace("windows = [2]", "windows = [2, 300]"),
            "c.toml:15: field `category[1].windows`: 300 is not a window number 1–99",
        ),
        (
            GOOD.replace("08:30-12:00", "8.30-12"),
            "c.toml:3: field `hours.sessions`: `8.30-12` is not a session such as \"08:30-12:00\"",
        ),
        (
            GOOD.replace("08:30-12:00", "12:00-08:30"),
            "c.toml:1: field `hours`: session 12:00-08:30 ends before it starts",
        ),
        (
            GOOD.replace("\"working-days\"", "[\"mon\", \"caturday\"]"),
            "c.toml:2: field `hours.days`: expected \"working-days\" or a list of weekdays",
        ),
        (
            GOOD.replace("zh = \"社保\"", "zh = \"社保\"\ncolour = \"red\""),
            "c.toml:8: field `category[0].colour`: unknown field `colour`",
        ),
        (
            "[hours]\ndays = \"working-days\"\nsessions = [\"08:30-12:00\"]\n".to_string(),
            "c.toml: field `category`: the catalog lists no categories",
        ),
    ];
    for (text, expected) in table {
        let err = parse_catalog("c.toml", &text).unwrap_err();
        assert!(
            err.to_string().starts_with(expected),
            "got: {err}\nwant: {expected}"
        );
    }
}

#[test]
fn a_category_may_have_its_own_hours() {
    let text = format!(
        "{GOOD}\n[category.hours]\ndays = [\"mon\", \"wed\"]\nsessions = [\"09:00-11:00\"]\n"
    );
    let catalog = parse_catalog("c.toml", &text).unwrap();
    let own = catalog.categories()[1].hours.as_ref().unwrap();
    assert_eq!(
        own.days,
        Days::Weekdays(vec![Weekday::Monday, Weekday::Wednesday])
    );
}

#[test]
fn a_missing_catalog_file_is_named() {
    let err = Config::parse(
        "/etc/kiosk/kiosk.toml",
        "[station]\ncatalog = \"no-such-catalog.toml\"\n",
        Some(Path::new("/nonexistent")),
    )
    .unwrap_err();
    // Reported at the setting that names it, with the path it was read at.
    assert_eq!(err.file, "/etc/kiosk/kiosk.toml");
    assert_eq!(
        (err.line, err.field.as_deref()),
        (Some(2), Some("station.catalog"))
    );
    assert!(
        err.problem
            .starts_with("cannot read /nonexistent/no-such-catalog.toml:"),
        "{err}"
    );
}

#[test]
fn windows_name_their_staff_and_bad_ratings_their_deadlines() {
    let text = "[evaluator]\ncallback_days = 2\nrectification_days = 10\n[[window]]\nnumber = 2\nstaff_name = \"王芳\"\nstaff_no = \"0102\"\n";
    let c = Config::parse("f.toml", text, None).unwrap();
    assert_eq!((c.settings.callback_days, c.settings.rectify_days), (2, 10));
    let w2 = WindowNo::new(2).unwrap();
    assert_eq!(
        c.settings.staff.get(&w2),
        Some(&StaffRef {
            name: "王芳".into(),
            number: "0102".into()
        })
    );
    assert_eq!(c.settings.staff.len(), 1);
    // staff_no is the window's A post.
    assert_eq!(c.settings.posts[&w2].a.as_deref(), Some("0102"));
    assert_eq!(
        c.settings.posts[&w2].post_of("0102"),
        Some(crate::domain::Post::A)
    );
    // Signing on and the held call are the defaults; both can be turned off.
    assert!(c.settings.sign_on_required && c.settings.call_waits_for_rating);
    assert!(c.settings.issue_when_away);
    assert!(!c.settings.reminder_buzzer);
    let text = "[people]\nsign_on = \"optional\"\nissue_when_away = false\nreminder_buzzer = true\n[evaluator]\ncall_waits_for_rating = false\n[[window]]\nnumber = 1\na = \"0101\"\nb = \"0102\"\nagent = \"0103\"\nsubstitute = \"0104\"\n";
    let c = Config::parse("f.toml", text, None).unwrap();
    assert!(!c.settings.sign_on_required && !c.settings.call_waits_for_rating);
    assert!(!c.settings.issue_when_away);
    assert!(c.settings.reminder_buzzer);
    let w1 = WindowNo::new(1).unwrap();
    let posts = &c.settings.posts[&w1];
    assert_eq!(posts.post_of("0104"), Some(crate::domain::Post::Substitute));
    assert_eq!(posts.post_of("0105"), None);
    // A window without posts takes anyone.
    assert_eq!(
        c.settings
            .posts
            .get(&WindowNo::new(3).unwrap())
            .cloned()
            .unwrap_or_default()
            .post_of("0105"),
        Some(crate::domain::Post::Any)
    );
    // The built-in board profile is the simulated one.
    assert_eq!(c.board.name, "simulated");
}

#[test]
fn a_board_profile_naming_a_window_the_catalog_lacks_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let profile = "name = \"two windows\"\n\n[[evaluator]]\nwindow = 1\nkeys = [{ pin = 5, level = 5 }, { pin = 6, level = 3 }, { pin = 13, level = 1 }]\n\n[[evaluator]]\nwindow = 8\nkeys = [{ pin = 16, level = 5 }, { pin = 20, level = 3 }, { pin = 21, level = 1 }]\n";
    std::fs::write(dir.path().join("board.toml"), profile).unwrap();
    let err = Config::parse(
        "kiosk.toml",
        "[board]\nprofile = \"board.toml\"\n",
        Some(dir.path()),
    )
    .unwrap_err();
    let file = dir.path().join("board.toml").display().to_string();
    assert_eq!(
        err.to_string(),
        format!(
            "{file}:8: field `evaluator[1].window`: the catalog has no window 8; its windows are 1, 2, 3"
        )
    );
    // The profile's own mistakes come through with its file and line.
    std::fs::write(
        dir.path().join("board.toml"),
        profile.replace("pin = 6", "pin = 5"),
    )
    .unwrap();
    let err = Config::parse(
        "kiosk.toml",
        "[board]\nprofile = \"board.toml\"\n",
        Some(dir.path()),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{file}:5: field `evaluator[0].keys[1].pin`: pin 5 is already wired to evaluator[0].keys[0]; each input and output needs its own pin"
        )
    );
}

#[test]
fn calendar_files_are_checked() {
    let mut cal = HolidayCalendar::default();
    let err = add_calendar_file(&mut cal, "2027.json", "{\"year\": 2027, \"days\": [\n{\"name\": \"x\", \"date\": \"2027-13-01\", \"isOffDay\": true}]}")
        .unwrap_err();
    assert_eq!((err.file.as_str(), err.line), ("2027.json", Some(2)));
    let err = add_calendar_file(&mut cal, "2027.json", "{\"year\": 2027, \"days\": [{\"name\": \"x\", \"date\": \"2026-10-01\", \"isOffDay\": true}]}")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "2027.json:1: field `days[0].date`: 2026-10-01 is not in the file's year 2027"
    );
    // A day listed twice, on its line; the calendar keeps what it had.
    let twice = "{\"year\": 2027, \"days\": [\n{\"name\": \"元旦\", \"date\": \"2027-01-01\", \"isOffDay\": true},\n{\"name\": \"元旦\", \"date\": \"2027-01-01\", \"isOffDay\": false}]}";
    let err = add_calendar_file(&mut cal, "2027.json", twice).unwrap_err();
    assert_eq!(
        err.to_string(),
        "2027.json:3: field `days[1].date`: 2027-01-01 is listed twice (also days[0])"
    );
    assert!(!cal.is_known_year(2027));
    let err = add_calendar_file(&mut cal, "x.json", "{\"year\": 1927, \"days\": []}").unwrap_err();
    assert_eq!(
        err.to_string(),
        "x.json:1: field `year`: 1927 is not a year 2000–2100"
    );
    // A newer file for a year replaces the year's days.
    let one = |date: &str| {
        format!(
            "{{\"year\": 2027, \"days\": [{{\"name\": \"x\", \"date\": \"{date}\", \"isOffDay\": true}}]}}"
        )
    };
    add_calendar_file(&mut cal, "a.json", &one("2027-01-01")).unwrap();
    add_calendar_file(&mut cal, "b.json", &one("2027-01-04")).unwrap();
    assert!(cal.is_working_day("2027-01-01".parse().unwrap()));
    assert!(!cal.is_working_day("2027-01-04".parse().unwrap()));
}

#[test]
fn installed_calendar_files_override_the_built_in_year_and_bad_ones_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    // 2026 as installed: National Day moved (a test file, not the real one).
    std::fs::write(
        dir.path().join("2026.json"),
        "{\"year\": 2026, \"days\": [{\"name\": \"x\", \"date\": \"2026-12-01\", \"isOffDay\": true}]}",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("2027.json"),
        "{\"year\": 2027, \"days\": [\n{\"date\": \"2027-02-30\"}]}",
    )
    .unwrap();
    let (cal, problems) = calendar_with_installed(dir.path());
    assert!(!cal.is_working_day("2026-12-01".parse().unwrap()));
    assert!(
        cal.is_working_day("2026-10-01".parse().unwrap()),
        "the installed file replaced the year"
    );
    assert!(!cal.is_known_year(2027));
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(2), "{}", problems[0]);
    assert!(problems[0].file.ends_with("2027.json"));
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn any_settings_text_loads_or_is_refused_with_the_file_named(text in any::<String>()) {
            if let Err(e) = Config::parse("k.toml", &text, None) {
                prop_assert!(e.to_string().starts_with("k.toml"), "{e}");
            }
        }

        #[test]
        fn any_catalog_text_loads_or_is_refused_with_the_file_named(text in any::<String>()) {
            if let Err(e) = parse_catalog("c.toml", &text) {
                prop_assert!(e.to_string().starts_with("c.toml"), "{e}");
            }
        }

        #[test]
        fn mutated_catalogs_never_panic(at in 0usize..400, byte in any::<u8>()) {
            let mut text = DEFAULT_CATALOG.as_bytes().to_vec();
            let at = at.min(text.len() - 1);
            text[at] = byte;
            let text = String::from_utf8_lossy(&text);
            let _ = parse_catalog("c.toml", &text);
        }

        #[test]
        fn any_calendar_text_loads_or_is_refused(text in any::<String>()) {
            let mut calendar = HolidayCalendar::default();
            let _ = add_calendar_file(&mut calendar, "y.json", &text);
        }
    }
}

#[test]
fn the_printer_comes_from_the_board_profile_unless_the_settings_name_it() {
    let dir = tempfile::tempdir().unwrap();
    let board = board::profile::PI_2_WINDOWS;
    std::fs::write(dir.path().join("board.toml"), board).unwrap();
    let load = |text: &str| Config::parse("kiosk.toml", text, Some(dir.path()));
    let pi = load("[board]\nprofile = \"board.toml\"\n").unwrap();
    assert_eq!(
        pi.printer.port,
        PrinterPort::Serial("/dev/kiosk-printer".into())
    );
    assert_eq!(pi.printer.line.baud, 9600);
    assert_eq!(pi.printer.profile.id, "generic-80");
    assert_eq!(pi.board.name, "pi-2-windows");
    // kiosk.toml's values win.
    let own = load("[printer]\nport = \"/dev/ttyUSB1\"\nbaud = 19200\nmodel = \"generic-58\"\n[board]\nprofile = \"board.toml\"\n").unwrap();
    assert_eq!(own.printer.port, PrinterPort::Serial("/dev/ttyUSB1".into()));
    assert_eq!(
        (own.printer.line.baud, own.printer.profile.id.as_str()),
        (19200, "generic-58")
    );
    // A model the printer profiles lack is named at the board file's line.
    std::fs::write(
        dir.path().join("board.toml"),
        board.replace("model = \"generic-80\"", "model = \"tm-unknown\""),
    )
    .unwrap();
    let err = load("[board]\nprofile = \"board.toml\"\n")
        .unwrap_err()
        .to_string();
    let line = board
        .lines()
        .position(|l| l.starts_with("model = \"generic-80\""))
        .unwrap()
        + 1;
    let file = dir.path().join("board.toml").display().to_string();
    assert!(
        err.starts_with(&format!("{file}:{line}: field `printer.model`: ")),
        "{err}"
    );
}

/// The defaults live in code and in the commented `assets/kiosk.toml` a
/// technician copies: an empty file and the shipped one must mean the same,
/// but for the station's own name and phone numbers, which the shipped file
/// fills with examples to replace.
#[test]
fn the_shipped_settings_file_writes_the_codes_defaults() {
    let shipped = Config::builtin().unwrap();
    let mut empty = Config::parse("empty kiosk.toml", "", None).unwrap();
    empty.station = shipped.station.clone();
    let (empty, shipped) = (format!("{empty:#?}"), format!("{shipped:#?}"));
    for (line, (e, s)) in empty.lines().zip(shipped.lines()).enumerate() {
        assert_eq!(e, s, "line {} of the settings' Debug differs", line + 1);
    }
    assert_eq!(empty.lines().count(), shipped.lines().count());
}

/// Where the guides quote a setting's default as `` `section.key` (N) ``, N is
/// what the shipped kiosk.toml says.
#[test]
fn the_guides_quote_the_shipped_defaults() {
    let shipped: toml::Table = toml::from_str(DEFAULT_CONFIG).unwrap();
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
    let mut quoted = 0;
    for entry in std::fs::read_dir(&docs).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (at, _) in text.match_indices('`') {
            let rest = &text[at + 1..];
            let Some(end) = rest.find('`') else { continue };
            let Some((section, key)) = rest[..end].split_once('.') else {
                continue;
            };
            let Some(value) = shipped.get(section).and_then(|s| s.get(key)) else {
                continue;
            };
            let after = rest[end + 1..].trim_start_matches([',', ' ', ')']);
            let Some(number) = after
                .strip_prefix('(')
                .and_then(|n| n.split(')').next())
                .filter(|n| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty())
            else {
                continue;
            };
            quoted += 1;
            assert_eq!(
                number,
                value.to_string(),
                "{} quotes `{section}.{key}` as {number}",
                path.display()
            );
        }
    }
    assert!(quoted >= 2, "the guides quote {quoted} defaults");
}

/// A small matter catalog, the base of the table below.
const MATTERS: &str = r#"[catalog]
return_days = 10

[[matter]]
id = "pension-enrol"
name = "城乡居民养老保险参保登记"
category = "A"
basis = ["《中华人民共和国社会保险法》"]
time_limit = "即办"

[[matter.material]]
name = "居民身份证"
form = "both"
copies = 2

[[matter]]
id = "id-card"
name = "居民身份证换领"
category = "C"
basis = ["《中华人民共和国居民身份证法》"]
time_limit = 15
fee = { amount = "工本费 20 元", basis = "国家规定的收费标准" }
"#;

fn shipped_catalog() -> Catalog {
    parse_catalog("catalog.toml", DEFAULT_CATALOG).unwrap()
}

#[test]
fn the_sample_matter_catalog_loads_and_reads_its_names_in_pinyin() {
    let m = parse_matters("m.toml", SAMPLE_MATTERS, &shipped_catalog(), 0).unwrap();
    assert!(m.sample, "the sample says it is one");
    assert!((18..=30).contains(&m.matters.len()), "{}", m.matters.len());
    let pension = m
        .get(&crate::domain::MatterId::parse("pension-enrol").unwrap())
        .unwrap();
    assert_eq!(
        pension.pinyin.join(" "),
        "cheng xiang ju min ji ben yang lao bao xian can bao deng ji"
    );
    assert!(m.search("ylbx").iter().any(|x| x.id == pension.id));
    // One matter has ten materials: the print bench's.
    assert!(m.matters.iter().any(|x| x.materials.len() == 10));
    // Every matter's windows serve its category.
    let catalog = shipped_catalog();
    for x in &m.matters {
        let c = catalog.category(x.category).unwrap();
        assert!(x.windows.iter().all(|w| c.windows.contains(w)), "{}", x.id);
    }
}

#[test]
fn matter_catalog_mistakes_name_the_line_and_field() {
    let catalog = shipped_catalog();
    let long_name = "户".repeat(2_000);
    let table = [
        (
            MATTERS.replace("category = \"A\"\n", ""),
            "m.toml:4: field `matter[0].category`: missing field `category`",
        ),
        (
            MATTERS.replace("category = \"A\"", "category = \"Q\""),
            "m.toml:7: field `matter[0].category`: there is no category `Q`; catalog.toml has A, B, C, D, E",
        ),
        (
            MATTERS.replace("id = \"id-card\"", "id = \"pension-enrol\""),
            "m.toml:17: field `matter[1].id`: `pension-enrol` is used by an earlier matter; ids are unique",
        ),
        (
            MATTERS.replace(", basis = \"国家规定的收费标准\"", ""),
            "m.toml:22: field `matter[1].fee`: a fee states its basis (收费依据)",
        ),
        (
            MATTERS.replace("time_limit = 15", "time_limit = \"15天\""),
            "m.toml:21: field `matter[1].time_limit`: expected \"即办\" or a number of working days 1–365",
        ),
        (
            MATTERS.replace("time_limit = 15", "time_limit = 0"),
            "m.toml:21: field `matter[1].time_limit`: expected \"即办\"",
        ),
        (
            MATTERS.replace("time_limit = 15", "time_limit = 2.5"),
            "m.toml:21: field `matter[1].time_limit`: expected \"即办\"",
        ),
        (
            MATTERS.replace("name = \"居民身份证\"", &format!("name = \"{long_name}\"")),
            "m.toml:12: field `matter[0].material[0].name`: is 2000 characters long; at most 60",
        ),
        (
            MATTERS.replace("name = \"居民身份证\"", "name = \"居民身份証\""),
            "m.toml:12: field `matter[0].material[0].name`: `証` (U+8A3C) is not in GB2312",
        ),
        (
            MATTERS.replace("form = \"both\"", "form = \"scan\""),
            "m.toml:13: field `matter[0].material[0].form`: `scan` is not \"original\", \"copy\" or \"both\"",
        ),
        (
            MATTERS.replace("basis = [\"《中华人民共和国社会保险法》\"]\n", ""),
            "m.toml:5: field `matter[0].basis`: every matter states its legal basis",
        ),
        (
            MATTERS.replace("category = \"A\"", "category = \"A\"\nwindows = [3]"),
            "m.toml:8: field `matter[0].windows`: window 3 does not serve category A (its windows: 1, 2)",
        ),
        (
            MATTERS.replace("id = \"id-card\"", "id = \"other\""),
            "m.toml:17: field `matter[1].id`: `other` is kept for what citizens ask outside the catalog",
        ),
        (
            MATTERS.replace("id = \"id-card\"", "id = \"ID card\""),
            "m.toml:17: field `matter[1].id`: `ID card` is not an id",
        ),
        (
            MATTERS.replace("return_days = 10", "return_days = 0"),
            "m.toml:2: field `catalog.return_days`: must be 1–60 working days",
        ),
    ];
    for (text, expected) in table {
        let err = parse_matters("m.toml", &text, &catalog, 1).unwrap_err();
        assert!(
            err.to_string().starts_with(expected),
            "got: {err}\nwant: {expected}"
        );
    }
}

#[test]
fn ten_thousand_matters_are_refused_at_the_first_one_too_many() {
    let mut text = String::from("[catalog]\n");
    for i in 0..10_000 {
        text.push_str(&format!(
            "[[matter]]\nid = \"m{i}\"\nname = \"事项{i}\"\ncategory = \"A\"\nbasis = [\"依据\"]\ntime_limit = 1\n"
        ));
    }
    let err = parse_matters("big.toml", &text, &shipped_catalog(), 1).unwrap_err();
    let line = 1 + 6 * 1_000 + 1;
    assert!(
        err.to_string().starts_with(&format!(
            "big.toml:{line}: field `matter[1000]`: 10000 matters; a catalog holds at most 1000"
        )),
        "{err}"
    );
}

#[test]
fn a_bad_new_version_leaves_the_catalog_in_force() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = shipped_catalog();
    // Nothing installed: the sample.
    let (book, problems) = crate::matters::Book::open(Some(dir.path()), &catalog);
    assert!(problems.is_empty());
    assert_eq!(book.current().version, 0);
    assert!(book.current().sample);
    let v1 = crate::matters::install(dir.path(), MATTERS).unwrap();
    assert_eq!(v1, 1);
    book.take(v1).unwrap();
    assert_eq!(book.current().matters.len(), 2);
    // A version 2 that does not read (edited by hand after installing):
    // refused, version 1 stays in force, and a restart skips it too.
    let v2 = crate::matters::install(
        dir.path(),
        &MATTERS.replace("time_limit = 15", "time_limit = -1"),
    )
    .unwrap();
    let err = book.take(v2).unwrap_err();
    assert!(
        err.contains("0002.toml:21: field `matter[1].time_limit`"),
        "{err}"
    );
    assert_eq!(book.current().version, 1);
    let (again, problems) = crate::matters::Book::open(Some(dir.path()), &catalog);
    assert_eq!(again.current().version, 1);
    assert!(problems[0].contains("0002.toml"), "{problems:?}");
    // The old versions stay readable for what was recorded under them.
    assert_eq!(again.version(0).unwrap().version, 0);
    assert_eq!(again.version(1).unwrap().matters.len(), 2);
    assert_eq!(again.digest(1).unwrap().len(), 64);
}

mod matter_properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn any_matters_text_loads_or_is_refused_with_the_file_named(text in any::<String>()) {
            if let Err(e) = parse_matters("m.toml", &text, &shipped_catalog(), 1) {
                prop_assert!(e.to_string().starts_with("m.toml"), "{e}");
            }
        }

        #[test]
        fn mutated_matter_catalogs_never_panic(at in 0usize..4000, byte in any::<u8>()) {
            let mut text = SAMPLE_MATTERS.as_bytes().to_vec();
            let at = at.min(text.len() - 1);
            text[at] = byte;
            let text = String::from_utf8_lossy(&text);
            let _ = parse_matters("m.toml", &text, &shipped_catalog(), 1);
        }

        #[test]
        fn any_letters_search_without_panic(letters in "[a-z0-9 ']{0,24}") {
            let m = parse_matters("m.toml", SAMPLE_MATTERS, &shipped_catalog(), 0).unwrap();
            for found in m.search(&letters) {
                prop_assert!(!letters.trim().is_empty());
                let _ = found;
            }
        }
    }
}
