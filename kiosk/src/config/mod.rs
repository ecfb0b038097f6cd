//! Reading the kiosk's files: `kiosk.toml` (settings), the service catalog, and the
//! holiday calendar, into validated domain values.
//!
//! Every problem is reported as file, line and field with what to change, because
//! the person reading it is a technician at the station with a text editor. The
//! built-in defaults live in `assets/` and are compiled in, so a bare `cargo run`
//! needs no file at all.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::{Range, RangeInclusive};
use std::path::{Path, PathBuf};
use std::time::Duration;

use board::profile::BoardProfile;
use drivers::profile::{FlowControl, Profile, Profiles};
use drivers::transport::{Line, Parity};
use jiff::tz::TimeZone;
use serde::Deserialize;
use toml::Spanned;

use crate::domain::{
    Catalog, HolidayCalendar, Policy, Post, Posts, Settings, StaffRef, StaffRole, WindowNo,
    ZoneInfo, ZoneRole,
};
use crate::store::StoreSettings;

mod console;

pub use console::{ConsoleSettings, Limits, TlsFiles, is_loopback};

mod backup;
mod calendar;
mod catalog;
mod matters;
mod raw;
mod uplink;
mod voice;

pub use backup::*;
pub use calendar::*;
pub use catalog::*;
pub use matters::*;
use raw::*;
pub use uplink::*;
pub use voice::{BUILTIN_SETS, VoiceSettings};

/// The built-in settings file, also the documented example.
/// Where the Debian package installs the settings; every command that takes
/// `--config` reads them when none is given.
pub const INSTALLED_CONFIG: &str = "/etc/kiosk/kiosk.toml";

pub const DEFAULT_CONFIG: &str = include_str!("../../../assets/kiosk.toml");
/// The built-in service catalog.
pub const DEFAULT_CATALOG: &str = include_str!("../../../assets/catalog.toml");
/// The built-in holiday calendar years.
pub const DEFAULT_CALENDAR: &[(&str, &str)] = &[
    (
        "assets/calendar/2025.json",
        include_str!("../../../assets/calendar/2025.json"),
    ),
    (
        "assets/calendar/2026.json",
        include_str!("../../../assets/calendar/2026.json"),
    ),
];

/// A problem in a file, located as precisely as the file allows (the one
/// error type of every file a technician writes; see `board::FileError`).
pub use board::FileError as ConfigError;

/// One text file being read, for locating problems in it.
struct Source<'a> {
    name: String,
    text: &'a str,
}

impl Source<'_> {
    fn error(
        &self,
        span: Option<Range<usize>>,
        field: Option<&str>,
        problem: impl Into<String>,
    ) -> ConfigError {
        ConfigError::at(
            &self.name,
            self.text,
            span,
            field.map(str::to_string),
            problem,
        )
    }

    /// A number field that must lie in `range` (`default` when absent); `unit`
    /// follows the range in the message.
    fn in_range<T: Copy + PartialOrd + fmt::Display>(
        &self,
        value: &Option<Spanned<T>>,
        field: &str,
        range: RangeInclusive<T>,
        default: T,
        unit: &str,
    ) -> Result<T, ConfigError> {
        match value {
            None => Ok(default),
            Some(n) if range.contains(n.get_ref()) => Ok(*n.get_ref()),
            Some(n) => Err(self.error(
                Some(n.span()),
                Some(field),
                format!("must be {}–{}{unit}", range.start(), range.end()),
            )),
        }
    }

    fn parse<T: for<'de> Deserialize<'de>>(&self) -> Result<T, ConfigError> {
        toml::from_str(self.text).map_err(|e| ConfigError::from_toml(&self.name, self.text, &e))
    }

    /// The text of the file a setting of this file names (`field`, a path
    /// taken from `base` when relative). A file that cannot be read is
    /// reported at the setting, so that the technician sees which setting
    /// to correct; one that is not UTF-8, in the file itself.
    fn read_named(
        &self,
        setting: &Spanned<String>,
        field: &str,
        base: Option<&Path>,
    ) -> Result<(PathBuf, String), ConfigError> {
        let path = base.unwrap_or(Path::new(".")).join(setting.get_ref());
        let bytes = std::fs::read(&path).map_err(|e| {
            self.error(
                Some(setting.span()),
                Some(field),
                format!(
                    "cannot read {}: {e} — correct the path (a relative one is taken from this file's folder) or put the file there",
                    path.display()
                ),
            )
        })?;
        let text = ConfigError::text(&path.display().to_string(), bytes)?;
        Ok((path, text))
    }
}

/// Station identity shown on screens and tickets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StationInfo {
    pub name_zh: String,
    pub name_en: String,
    pub duty_phone: String,
    pub complaint_hotline: String,
}

/// Touchscreen settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UiSettings {
    pub english_first: bool,
    pub idle: Duration,
    /// The complaint box's screens wait longer: typing takes time.
    pub complaint_idle: Duration,
    pub ticket_screen: Duration,
    pub headless_size: (u32, u32),
    /// The exits the evacuation screen names, each "中文 English".
    pub exits: Vec<String>,
    /// The screen's backlight, switched off after hours.
    pub backlight: BacklightSetting,
    /// Lit this long before the first session and after the last.
    pub backlight_margin: Duration,
}

/// Where tickets are printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrinterPort {
    /// The simulated board's virtual printer, on a pseudo-terminal.
    Simulated,
    /// A serial device path (USB-serial, the Pi's UART, or a pseudo-terminal).
    Serial(PathBuf),
    /// A USB printer class device (`/dev/usb/lp0`), written as a plain file.
    UsbLp(PathBuf),
    /// No printer: tickets are shown only.
    None,
}

/// Printer settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrinterSettings {
    pub port: PrinterPort,
    /// Baud, parity and flow control (the profile's unless kiosk.toml says).
    pub line: Line,
    /// The model's capabilities, from the profile file.
    pub profile: Profile,
    pub write_timeout: Duration,
    /// Bounds each wait for a status answer.
    pub status_timeout: Duration,
    /// How long a ticket waits for a printer fault to clear before it is given
    /// up (it stays valid; staff can reprint it).
    pub hold: Duration,
    /// How often the printer's status is checked while idle or in a fault.
    pub poll: Duration,
    /// Whether the printer should send automatic status blocks.
    pub auto_status: bool,
    /// Print the logo stored in the printer at the top of tickets.
    pub logo: bool,
    /// The simulated printer takes real time for the wire, paper and cutter.
    pub sim_timing: bool,
}

/// Everything the kiosk reads at start, validated.
#[derive(Clone, Debug)]
pub struct Config {
    pub station: StationInfo,
    pub settings: Settings,
    pub catalog: Catalog,
    pub calendar: HolidayCalendar,
    pub ui: UiSettings,
    pub printer: PrinterSettings,
    pub store: StoreSettings,
    /// The board profile: evaluator keys, their pins and filters, card
    /// displays.
    pub board: BoardProfile,
    /// The staff console: whether it runs, where it listens.
    pub console: ConsoleSettings,
    /// The daily backup (`kiosk backup` with no destination).
    pub backup: BackupSettings,
    /// The district uplink; off unless a broker is named.
    pub uplink: UplinkSettings,
    /// Calling aloud: the clip sets, numbers, volume.
    pub voice: VoiceSettings,
}

impl Config {
    /// The built-in configuration.
    pub fn builtin() -> Result<Self, ConfigError> {
        Self::parse("built-in kiosk.toml", DEFAULT_CONFIG, None)
    }

    /// Reads `path`; when `None`, the installed settings
    /// ([`INSTALLED_CONFIG`]) if the package put them there, else the
    /// built-in ones.
    pub fn load(path: Option<&Path>) -> Result<Self, ConfigError> {
        let installed = Path::new(INSTALLED_CONFIG);
        let Some(path) = path.or(installed.exists().then_some(installed)) else {
            return Self::builtin();
        };
        let text = read(path)?;
        Self::parse(&path.display().to_string(), &text, path.parent())
    }

    /// Parses settings text; a relative catalog path is taken from `base`.
    pub fn parse(name: &str, text: &str, base: Option<&Path>) -> Result<Self, ConfigError> {
        let src = Source {
            name: name.to_string(),
            text,
        };
        let raw: RawConfig = src.parse()?;
        let defaults = Settings::default();

        let s = raw.station;
        let time_zone = match &s.time_zone {
            None => defaults.time_zone.clone(),
            Some(tz) => TimeZone::get(tz.get_ref()).map_err(|_| {
                src.error(
                    Some(tz.span()),
                    Some("station.time_zone"),
                    format!(
                        "`{}` is not a known IANA time zone, such as \"Asia/Shanghai\"",
                        tz.get_ref()
                    ),
                )
            })?,
        };
        let station = StationInfo {
            name_zh: s.name_zh.unwrap_or_else(|| "便民服务站".into()),
            name_en: s
                .name_en
                .unwrap_or_else(|| "Convenience Service Station".into()),
            duty_phone: s.duty_phone.unwrap_or_default(),
            complaint_hotline: s.complaint_hotline.unwrap_or_else(|| "12345".into()),
        };

        let q = raw.queue;
        let every = src.in_range(&q.alternate_every, "queue.alternate_every", 1..=20, 3, "")?;
        let policy = match q.policy.as_ref().map(|p| (p.get_ref().as_str(), p.span())) {
            None | Some(("strict", _)) => Policy::Strict,
            Some(("alternate", _)) => Policy::Alternate { every },
            Some((other, span)) => {
                return Err(src.error(
                    Some(span),
                    Some("queue.policy"),
                    format!("`{other}` is not a policy; use \"strict\" or \"alternate\""),
                ));
            }
        };
        let recall_limit = src.in_range(
            &q.recall_limit,
            "queue.recall_limit",
            0..=10,
            defaults.recall_limit,
            "",
        )?;
        let day_close = match &q.day_close {
            None => defaults.day_close,
            Some(t) => parse_time(t.get_ref()).ok_or_else(|| {
                src.error(
                    Some(t.span()),
                    Some("queue.day_close"),
                    "expected a time such as \"18:00\"",
                )
            })?,
        };
        let settings = Settings {
            rating_seconds: src.in_range(
                &raw.evaluator.armed_seconds,
                "evaluator.armed_seconds",
                10..=120,
                defaults.rating_seconds,
                " seconds",
            )?,
            time_zone,
            policy,
            recall_limit,
            requeue_after: q.requeue_after.unwrap_or(defaults.requeue_after),
            last_ticket_minutes: src.in_range(
                &q.last_ticket_minutes,
                "queue.last_ticket_minutes",
                0..=180,
                defaults.last_ticket_minutes,
                "",
            )?,
            day_close,
            closed_on_holidays: q.closed_on_holidays.unwrap_or(defaults.closed_on_holidays),
            default_service_minutes: src.in_range(
                &q.default_service_minutes,
                "queue.default_service_minutes",
                1..=120,
                defaults.default_service_minutes,
                "",
            )?,
            service_sample: defaults.service_sample,
            callback_days: src.in_range(
                &raw.evaluator.callback_days,
                "evaluator.callback_days",
                1..=30,
                defaults.callback_days,
                " working days",
            )?,
            rectify_days: src.in_range(
                &raw.evaluator.rectification_days,
                "evaluator.rectification_days",
                1..=60,
                defaults.rectify_days,
                " working days",
            )?,
            staff: BTreeMap::new(),
            posts: BTreeMap::new(),
            sign_on_required: match &raw.people.sign_on {
                None => defaults.sign_on_required,
                Some(s) => match s.get_ref().trim() {
                    "required" => true,
                    "optional" => false,
                    _ => {
                        return Err(src.error(
                            Some(s.span()),
                            Some("people.sign_on"),
                            "expected \"required\" (a window calls only with a member signed on) or \"optional\"",
                        ));
                    }
                },
            },
            call_waits_for_rating: raw
                .evaluator
                .call_waits_for_rating
                .unwrap_or(defaults.call_waits_for_rating),
            issue_when_away: raw
                .people
                .issue_when_away
                .unwrap_or(defaults.issue_when_away),
            reminder_buzzer: raw
                .people
                .reminder_buzzer
                .unwrap_or(defaults.reminder_buzzer),
            zones: Vec::new(),
            answer_days: src.in_range(
                &raw.complaints.answer_days,
                "complaints.answer_days",
                1..=30,
                defaults.answer_days,
                " working days",
            )?,
            phone_retention_days: src.in_range(
                &raw.complaints.phone_retention_days,
                "complaints.phone_retention_days",
                1..=3650,
                defaults.phone_retention_days,
                " days",
            )?,
            principal_retention_days: src.in_range(
                &raw.dockets.principal_retention_days,
                "dockets.principal_retention_days",
                1..=3650,
                defaults.principal_retention_days,
                " days",
            )?,
            reprint_unconfirmed_minutes: src.in_range(
                &raw.printer.reprint_unconfirmed_minutes,
                "printer.reprint_unconfirmed_minutes",
                0..=30,
                defaults.reprint_unconfirmed_minutes,
                " minutes",
            )?,
            clock_doubt_minutes: src.in_range(
                &raw.clock.doubt_minutes,
                "clock.doubt_minutes",
                1..=1440,
                defaults.clock_doubt_minutes,
                " minutes",
            )?,
        };

        let u = raw.ui;
        let english_first = match u
            .language
            .as_ref()
            .map(|l| (l.get_ref().as_str(), l.span()))
        {
            None | Some(("zh", _)) => false,
            Some(("en", _)) => true,
            Some((other, span)) => {
                return Err(src.error(
                    Some(span),
                    Some("ui.language"),
                    format!("`{other}` is not \"zh\" or \"en\""),
                ));
            }
        };
        let seconds = |value, field, range, default| {
            src.in_range(value, field, range, default, " seconds")
                .map(Duration::from_secs)
        };
        let headless_size = match &u.headless_size {
            None => (800, 480),
            Some(s) => parse_size(s.get_ref()).ok_or_else(|| {
                src.error(
                    Some(s.span()),
                    Some("ui.headless_size"),
                    "expected WIDTHxHEIGHT such as \"800x480\" (200–4000 each)",
                )
            })?,
        };
        let ui = UiSettings {
            english_first,
            idle: seconds(&u.idle_seconds, "ui.idle_seconds", 5..=600, 30)?,
            complaint_idle: seconds(
                &u.complaint_idle_seconds,
                "ui.complaint_idle_seconds",
                5..=600,
                90,
            )?,
            ticket_screen: seconds(&u.ticket_seconds, "ui.ticket_seconds", 5..=120, 20)?,
            headless_size,
            exits: match &u.exits {
                None => vec!["正门 Main entrance".to_string()],
                Some(e) => {
                    let exits: Vec<String> =
                        e.get_ref().iter().map(|x| x.trim().to_string()).collect();
                    if exits.is_empty()
                        || exits.len() > 4
                        || exits.iter().any(|x| x.is_empty() || x.chars().count() > 40)
                    {
                        return Err(src.error(
                            Some(e.span()),
                            Some("ui.exits"),
                            "list 1–4 exits of 1–40 characters each, such as [\"正门 Main entrance\", \"东侧门 East door\"]",
                        ));
                    }
                    exits
                }
            },
            backlight: {
                match u.backlight.as_ref().map(|b| b.get_ref().trim()) {
                    None | Some("auto") => BacklightSetting::Auto,
                    Some("none") => BacklightSetting::Off,
                    Some(path) if path.starts_with("/sys/") => {
                        BacklightSetting::Device(path.into())
                    }
                    Some(other) => {
                        return Err(src.error(
                            u.backlight.as_ref().map(|b| b.span()),
                            Some("ui.backlight"),
                            format!("`{other}` is not \"auto\", \"none\" or a device folder such as \"/sys/class/backlight/10-0045\""),
                        ));
                    }
                }
            },
            backlight_margin: Duration::from_secs(
                60 * src.in_range(
                    &u.backlight_margin_minutes,
                    "ui.backlight_margin_minutes",
                    0..=240,
                    30,
                    " minutes",
                )?,
            ),
        };

        let board = match &raw.board.profile {
            None => BoardProfile::simulated(),
            Some(p) => {
                let (path, text) = src.read_named(p, "board.profile", base)?;
                BoardProfile::parse(&path.display().to_string(), &text)?
            }
        };
        // The printer as the board wires it, where kiosk.toml leaves a value
        // out; a problem with the board's value is named in the board's file.
        let wired = &board.printer;
        let in_board = |line: usize, field: &str, problem: String| ConfigError {
            file: board.file.clone(),
            line: Some(line),
            field: Some(field.to_string()),
            problem,
        };
        let p = raw.printer;
        let port_word = p
            .port
            .as_ref()
            .map(|p| (p.get_ref().as_str(), None))
            .or_else(|| {
                wired
                    .port
                    .as_ref()
                    .map(|w| (w.value.as_str(), Some(w.line)))
            });
        let port = match port_word {
            None | Some(("sim", _)) => PrinterPort::Simulated,
            Some(("none", _)) => PrinterPort::None,
            Some((path, _)) if path.starts_with("/dev/usb/lp") => PrinterPort::UsbLp(path.into()),
            Some((path, _)) if path.starts_with('/') => PrinterPort::Serial(path.into()),
            Some((other, from_board)) => {
                let problem = format!(
                    "`{other}` is not \"sim\", \"none\" or an absolute device path such as \"/dev/ttyUSB0\""
                );
                return Err(match from_board {
                    Some(line) => in_board(line, "printer.port", problem),
                    None => src.error(
                        p.port.as_ref().map(|p| p.span()),
                        Some("printer.port"),
                        problem,
                    ),
                });
            }
        };
        let baud = match &p.baud {
            None => wired.baud.as_ref().map_or(9600, |b| b.value),
            Some(b) if [2400, 4800, 9600, 19200, 38400, 57600, 115200].contains(b.get_ref()) => {
                *b.get_ref()
            }
            Some(b) => {
                return Err(src.error(
                    Some(b.span()),
                    Some("printer.baud"),
                    format!(
                        "{} is not a printer baud rate; use 9600, 19200, 38400, 57600 or 115200",
                        b.get_ref()
                    ),
                ));
            }
        };
        let (profiles, profiles_file) = match &p.profiles {
            None => (
                Profiles::built_in(),
                "the built-in printers.toml".to_string(),
            ),
            Some(file) => {
                let (path, text) = src.read_named(file, "printer.profiles", base)?;
                let name = path.display().to_string();
                let profiles = Profiles::parse(&text, &name).map_err(|e| ConfigError {
                    file: name.clone(),
                    line: None,
                    field: None,
                    problem: e
                        .to_string()
                        .trim_start_matches(&format!("{name}: "))
                        .to_string(),
                })?;
                (profiles, name)
            }
        };
        let model = p.model.as_ref();
        let profile = match (model, &wired.model) {
            (None, Some(w)) => profiles
                .get(&w.value, &profiles_file)
                .map_err(|e| in_board(w.line, "printer.model", e.to_string()))?,
            _ => profiles
                .get(model.map_or("generic-58", |m| m.get_ref()), &profiles_file)
                .map_err(|e| {
                    src.error(
                        model.map(|m| m.span()),
                        Some("printer.model"),
                        e.to_string(),
                    )
                })?,
        }
        .clone();
        let parity = match p.parity.as_ref().map(|x| x.get_ref().as_str()) {
            None | Some("none") => Parity::None,
            Some("even") => Parity::Even,
            Some("odd") => Parity::Odd,
            Some(other) => {
                return Err(src.error(
                    p.parity.as_ref().map(|x| x.span()),
                    Some("printer.parity"),
                    format!("`{other}` is not \"none\", \"even\" or \"odd\""),
                ));
            }
        };
        let flow = match p.flow_control.as_ref().map(|x| x.get_ref().as_str()) {
            None => profile.flow_control,
            Some("none") => FlowControl::None,
            Some("rts-cts") => FlowControl::RtsCts,
            Some("xon-xoff") => FlowControl::XonXoff,
            Some(other) => {
                return Err(src.error(
                    p.flow_control.as_ref().map(|x| x.span()),
                    Some("printer.flow_control"),
                    format!("`{other}` is not \"none\", \"rts-cts\" or \"xon-xoff\""),
                ));
            }
        };
        let auto_status = p.auto_status.unwrap_or(profile.auto_status);
        if auto_status && !profile.auto_status {
            return Err(src.error(
                None,
                Some("printer.auto_status"),
                format!(
                    "the {} profile does not send automatic status; leave it out",
                    profile.id
                ),
            ));
        }
        let printer = PrinterSettings {
            port,
            line: Line { baud, parity, flow },
            write_timeout: Duration::from_millis(src.in_range(
                &p.write_timeout_ms,
                "printer.write_timeout_ms",
                100..=60_000,
                3000,
                "",
            )?),
            status_timeout: Duration::from_millis(src.in_range(
                &p.status_timeout_ms,
                "printer.status_timeout_ms",
                50..=5000,
                500,
                "",
            )?),
            hold: Duration::from_secs(src.in_range(
                &p.hold_seconds,
                "printer.hold_seconds",
                0..=3600,
                120,
                " seconds",
            )?),
            poll: Duration::from_secs(src.in_range(
                &p.poll_seconds,
                "printer.poll_seconds",
                1..=300,
                5,
                " seconds",
            )?),
            auto_status,
            logo: p.logo.unwrap_or(false),
            sim_timing: p.simulate_timing.unwrap_or(true),
            profile,
        };
        let store = StoreSettings {
            busy_timeout: Duration::from_millis(raw.store.busy_timeout_ms.unwrap_or(5000)),
        };
        let defaults = ConsoleSettings::default();
        let connections = src.in_range(
            &raw.console.connections,
            "console.connections",
            8..=1024,
            defaults.limits.connections,
            "",
        )?;
        let per_address = src.in_range(
            &raw.console.connections_per_address,
            "console.connections_per_address",
            1..=connections,
            defaults.limits.per_address.min(connections),
            &format!(" (at most console.connections, {connections})"),
        )?;
        let limits = Limits {
            connections,
            per_address,
            read_timeout: Duration::from_secs(src.in_range(
                &raw.console.read_timeout_seconds,
                "console.read_timeout_seconds",
                1..=120,
                defaults.limits.read_timeout.as_secs(),
                " seconds",
            )?),
        };
        let console = ConsoleSettings {
            enabled: raw.console.enabled.unwrap_or(defaults.enabled),
            allow_plain_http: raw.console.allow_plain_http.unwrap_or(false),
            limits,
            listen: match &raw.console.listen {
                None => defaults.listen,
                Some(l) => l.get_ref().trim().parse().map_err(|_| {
                    src.error(
                        Some(l.span()),
                        Some("console.listen"),
                        "expected an address and port such as \"127.0.0.1:8080\" (or the station network's address)",
                    )
                })?,
            },
            session_idle: Duration::from_secs(
                60 * src.in_range(
                    &raw.console.session_minutes,
                    "console.session_minutes",
                    1..=480,
                    30,
                    " minutes",
                )?,
            ),
            tls: match (&raw.console.tls_cert, &raw.console.tls_key) {
                (None, None) => None,
                (Some(c), None) => {
                    return Err(src.error(
                        Some(c.span()),
                        Some("console.tls_key"),
                        "tls_cert needs tls_key too: the certificate's private key (PEM)",
                    ));
                }
                (None, Some(k)) => {
                    return Err(src.error(
                        Some(k.span()),
                        Some("console.tls_cert"),
                        "tls_key needs tls_cert too: the certificate chain (PEM)",
                    ));
                }
                (Some(c), Some(k)) => {
                    let at = |p: &Spanned<String>| base.unwrap_or(Path::new(".")).join(p.get_ref());
                    let files = TlsFiles {
                        cert: at(c),
                        key: at(k),
                    };
                    crate::tls::server_config(&files.cert, &files.key)
                        .map_err(|e| src.error(Some(c.span()), Some("console.tls_cert"), e))?;
                    Some(files)
                }
            },
        };
        // Staff numbers and PINs must not cross the station network in
        // clear unless the technician says so in as many words.
        if console.plain_on_network() && !console.allow_plain_http {
            return Err(src.error(
                raw.console.listen.as_ref().map(|l| l.span()),
                Some("console.listen"),
                format!(
                    "{} is reachable from the network but the console has no certificate, so PINs would cross it in clear — give tls_cert and tls_key (`kiosk console cert` makes a pair), listen on 127.0.0.1, or set allow_plain_http = true on a network you trust",
                    console.listen
                ),
            ));
        }

        let backup = backup_settings(&src, &raw.backup, base)?;
        let uplink = uplink_settings(&src, &raw.uplink, base)?;
        let voice = voice::voice_settings(&src, &raw.voice, base)?;

        let catalog = match s
            .catalog
            .as_ref()
            .filter(|c| !c.get_ref().trim().is_empty())
        {
            None => parse_catalog("built-in catalog.toml", DEFAULT_CATALOG)?,
            Some(c) => {
                let (path, text) = src.read_named(c, "station.catalog", base)?;
                parse_catalog(&path.display().to_string(), &text)?
            }
        };
        let mut settings = settings;
        for (i, w) in raw.window.iter().enumerate() {
            let w = w.get_ref();
            let field = |f: &str| format!("window[{i}].{f}");
            let number = u8::try_from(*w.number.get_ref())
                .ok()
                .and_then(WindowNo::new)
                .filter(|n| catalog.windows().contains(n))
                .ok_or_else(|| {
                    src.error(
                        Some(w.number.span()),
                        Some(&field("number")),
                        format!(
                            "the catalog has no window {}; its windows are {}",
                            w.number.get_ref(),
                            window_list(&catalog)
                        ),
                    )
                })?;
            if settings.posts.contains_key(&number) {
                return Err(src.error(
                    Some(w.number.span()),
                    Some(&field("number")),
                    format!("window {number} is listed twice"),
                ));
            }
            let text = |v: &Option<toml::Spanned<String>>, f: &str| match v {
                None => Ok(None),
                Some(s) => {
                    let value = s.get_ref().trim();
                    if value.is_empty() || value.chars().count() > 16 {
                        Err(src.error(Some(s.span()), Some(&field(f)), "must be 1–16 characters"))
                    } else {
                        Ok(Some(value.to_string()))
                    }
                }
            };
            let name = text(&w.staff_name, "staff_name")?;
            let no = text(&w.staff_no, "staff_no")?;
            match (name, no.clone()) {
                (Some(name), Some(staff_no)) => {
                    settings.staff.insert(
                        number,
                        StaffRef {
                            name,
                            number: staff_no,
                        },
                    );
                }
                (None, None) => {}
                _ => {
                    return Err(src.error(
                        Some(w.number.span()),
                        Some(&field("staff_name")),
                        "staff_name and staff_no go together (the A post's name and staff number)",
                    ));
                }
            }
            let a = text(&w.a, "a")?;
            let a = match (a, no) {
                (Some(a), Some(no)) if a != no => {
                    return Err(src.error(
                        w.a.as_ref().map(|s| s.span()),
                        Some(&field("a")),
                        format!("names {a} as the A post but staff_no names {no}; they are the same post, give one"),
                    ));
                }
                (a, no) => a.or(no),
            };
            let posts = Posts {
                a,
                b: text(&w.b, "b")?,
                agent: text(&w.agent, "agent")?,
                substitute: text(&w.substitute, "substitute")?,
            };
            let named: Vec<(Post, &str)> = posts.named().collect();
            for (i, (post, member)) in named.iter().enumerate() {
                if let Some((other, _)) = named[..i].iter().find(|(_, m)| m == member) {
                    return Err(src.error(
                        Some(w.number.span()),
                        Some(&field(post.word())),
                        format!("{member} is already window {number}'s {} post; a member holds one post at a window", other.word()),
                    ));
                }
            }
            if let Some(a) = &posts.a
                && let Some((other, _)) =
                    settings.posts.iter().find(|(_, p)| p.a.as_ref() == Some(a))
            {
                return Err(src.error(
                    w.a.as_ref().or(w.staff_no.as_ref()).map(|s| s.span()),
                    Some(&field("a")),
                    format!("{a} is already the A post of window {other}; a member is the A post of one window"),
                ));
            }
            settings.posts.insert(number, posts);
        }
        settings.zones = board
            .zones
            .iter()
            .map(|z| ZoneInfo {
                name: z.name.clone(),
                role: match z.role {
                    board::profile::ZoneRole::Panic => ZoneRole::Panic,
                    board::profile::ZoneRole::Smoke => ZoneRole::Smoke,
                    board::profile::ZoneRole::Gas => ZoneRole::Gas,
                },
                reset_role: z.reset_role.map(|r| match r {
                    board::profile::ResetRole::Staff => StaffRole::Staff,
                    board::profile::ResetRole::Manager => StaffRole::Manager,
                }),
            })
            .collect();
        let placed = board
            .evaluators
            .iter()
            .enumerate()
            .map(|(i, e)| (format!("evaluator[{i}].window"), e.window, e.window_line))
            .chain(
                board
                    .keypads
                    .iter()
                    .enumerate()
                    .map(|(i, k)| (format!("keypad[{i}].window"), k.window, k.window_line)),
            );
        for (field, window, line) in placed {
            if !WindowNo::new(window).is_some_and(|w| catalog.windows().contains(&w)) {
                return Err(ConfigError {
                    file: board.file.clone(),
                    line: Some(line),
                    field: Some(field),
                    problem: format!(
                        "the catalog has no window {window}; its windows are {}",
                        window_list(&catalog)
                    ),
                });
            }
        }
        let mut calendar = HolidayCalendar::default();
        for (name, text) in DEFAULT_CALENDAR {
            add_calendar_file(&mut calendar, name, text)?;
        }
        Ok(Self {
            station,
            settings,
            catalog,
            calendar,
            ui,
            printer,
            store,
            board,
            console,
            backup,
            uplink,
            voice,
        })
    }
}

/// A file's text; one that is not UTF-8 is refused with its line.
fn read(path: &Path) -> Result<String, ConfigError> {
    let bytes = std::fs::read(path).map_err(|e| ConfigError {
        file: path.display().to_string(),
        line: None,
        field: None,
        problem: format!("cannot read it: {e}"),
    })?;
    ConfigError::text(&path.display().to_string(), bytes)
}

fn parse_size(text: &str) -> Option<(u32, u32)> {
    let (w, h) = text.trim().split_once(['x', 'X', '×'])?;
    let (w, h): (u32, u32) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    ((200..=4000).contains(&w) && (200..=4000).contains(&h)).then_some((w, h))
}

/// Where the backlight is, as `ui.backlight` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BacklightSetting {
    /// The first device under `/sys/class/backlight`, if any.
    Auto,
    /// Never touched.
    Off,
    /// This device folder (`/sys/class/backlight/10-0045`).
    Device(PathBuf),
}

#[cfg(test)]
mod tests;
