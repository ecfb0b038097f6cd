//! `kiosk doctor`: checks a live installation and says, for each thing that
//! fails, what to do.
//!
//! When the station runs, its control socket answers, and the doctor reads
//! the station's own view (the printer's health, the zones, the keys, the
//! clock, what the board started without): the station holds the lines and
//! the port, and its view is what staff see. When it does not run, the
//! doctor opens the hardware itself: the GPIO lines' levels, the loops'
//! millivolts, the printer's status. Either way it checks the settings, the
//! disk, the database (integrity, the journal's chain), the windows' posts
//! against the staff list (`people.rs`), the clock against the journal and
//! NTP, the groups the kiosk user needs, and the touch calibration rule.

mod people;

use std::fmt;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use board::profile::{Backend, BoardProfile, Display, ZoneWiring};
use serde_json::Value;

use crate::domain::PrinterHealth;
use crate::state::{StationState, word};

use crate::config::{Config, PrinterPort};

/// How a check came out.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Verdict {
    Ok,
    /// Works, but a technician should look.
    Warn,
    /// Does not work.
    Fail,
    /// Not checked here (the simulated board, a station running).
    Skip,
}

/// One check: what, how it came out, and the fix when it did not pass.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Check {
    pub name: &'static str,
    pub verdict: Verdict,
    pub detail: String,
    pub fix: Option<String>,
}

impl Check {
    fn ok(name: &'static str, detail: impl Into<String>) -> Self {
        Self {
            name,
            verdict: Verdict::Ok,
            detail: detail.into(),
            fix: None,
        }
    }

    fn skip(name: &'static str, detail: impl Into<String>) -> Self {
        Self {
            verdict: Verdict::Skip,
            ..Self::ok(name, detail)
        }
    }

    fn warn(name: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            name,
            verdict: Verdict::Warn,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }

    fn fail(name: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            verdict: Verdict::Fail,
            ..Self::warn(name, detail, fix)
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match self.verdict {
            Verdict::Ok => "ok",
            Verdict::Warn => "WARN",
            Verdict::Fail => "FAIL",
            Verdict::Skip => "skip",
        };
        write!(f, "{word:<5} {:<10} {}", self.name, self.detail)?;
        if let Some(fix) = &self.fix {
            write!(f, "\n{:16}→ {fix}", "")?;
        }
        Ok(())
    }
}

/// Where the doctor looks; the defaults are the system's, tests give
/// folders of their own.
#[derive(Clone, Debug)]
pub struct Places {
    /// The station's data folder.
    pub data: PathBuf,
    /// The settings file, when one was given.
    pub config: Option<PathBuf>,
    /// The control socket of a running station.
    pub control: PathBuf,
    /// `/run/systemd` (timesyncd's mark).
    pub run: PathBuf,
    /// `/sys/class/rtc`.
    pub rtc: PathBuf,
    /// `/etc/udev/rules.d` (the touch calibration rule).
    pub udev_rules: PathBuf,
    /// The printer port to ask instead of the configured one.
    pub printer: Option<String>,
}

/// Free space below which the database is in danger, and below which a
/// technician should clear the disk.
const DISK_FAIL: u64 = 100 * 1024 * 1024;
const DISK_WARN: u64 = 1024 * 1024 * 1024;

/// The file the touch calibration rule is written to.
pub const TOUCH_RULE: &str = "98-kiosk-touch.rules";

/// Runs every check.
pub fn examine(places: &Places) -> Vec<Check> {
    let mut checks = Vec::new();
    let config = match Config::load(places.config.as_deref()) {
        Ok(c) => {
            checks.push(Check::ok(
                "settings",
                places
                    .config
                    .as_ref()
                    .map_or("the built-in settings".into(), |p| p.display().to_string()),
            ));
            c
        }
        Err(e) => {
            checks.push(Check::fail(
                "settings",
                e.to_string(),
                "correct the file at the line named (assets/kiosk.toml documents every setting)",
            ));
            return checks;
        }
    };
    let board = &config.board;
    checks.push(Check::ok(
        "board",
        format!(
            "{} ({}): {} model, {} backend, {} evaluators, {} zones",
            board.name,
            board.file,
            board.model.word(),
            board.backend.word(),
            board.evaluators.len(),
            board.zones.len()
        ),
    ));
    checks.push(console(&config.console));
    checks.push(matters(&config, &places.data));
    checks.push(people::posts(&config, &places.data.join("kiosk.db")));
    checks.push(people::roster(
        &config,
        &places.data.join("kiosk.db"),
        jiff::Timestamp::now(),
    ));
    checks.push(disk(&places.data));
    checks.extend(database(&places.data.join("kiosk.db")));
    checks.push(last_backup(&places.data, jiff::Timestamp::now()));
    let live = station_state(&places.control);
    match &live {
        Some(state) => checks.extend(live_checks(state)),
        None => {
            checks.push(Check::skip(
                "station",
                format!(
                    "not running (no answer on {}); checking the hardware directly",
                    places.control.display()
                ),
            ));
            checks.extend(hardware(board));
            checks.push(printer(&config, places));
        }
    }
    checks.push(unconfirmed_prints(&config, places, live.as_ref()));
    checks.push(clock(places, live.as_ref()));
    checks.extend(groups(&config, &own_groups()));
    checks.push(touch_rule(board, &places.udev_rules));
    checks
}

/// The matter catalog in force: the newest installed version that reads, a
/// newer one that does not (and is skipped), or the built-in sample still.
pub fn matters(config: &Config, data: &Path) -> Check {
    let dir = crate::data::matters_dir(data);
    let (book, problems) = crate::matters::Book::open(Some(&dir), &config.catalog);
    let m = book.current();
    if let Some(p) = problems.first() {
        return Check::warn(
            "matters",
            p.clone(),
            "correct the file and install it again with `kiosk matters load FILE --approver NAME` (versions are never edited in place)",
        );
    }
    if m.sample {
        return Check::warn(
            "matters",
            format!(
                "the built-in sample catalog ({} matters) is in force, not the station's approved list",
                m.matters.len()
            ),
            "write the township's approved list as matters.toml (docs/matters.md) and install it with `kiosk matters load FILE --approver NAME`",
        );
    }
    Check::ok(
        "matters",
        format!("version {}: {} matters", m.version, m.matters.len()),
    )
}

/// The staff console: where it listens, whether PINs would cross the
/// network in clear, and the certificate's fingerprint (which staff compare
/// on the window PCs before they trust it) with its key kept from others.
fn console(settings: &crate::console::ConsoleSettings) -> Check {
    use std::os::unix::fs::PermissionsExt;
    if !settings.enabled {
        return Check::skip("console", "off (console.enabled = false)");
    }
    let listen = settings.listen;
    let Some(files) = &settings.tls else {
        if settings.plain_on_network() {
            return Check::warn(
                "console",
                format!(
                    "http://{listen}: plain HTTP on the network (allow_plain_http) — staff numbers and PINs cross it in clear"
                ),
                "make a certificate with `kiosk console cert --out /etc/kiosk --ip ADDRESS`, set console.tls_cert and console.tls_key, and remove allow_plain_http",
            );
        }
        return Check::ok("console", format!("http://{listen} (this machine only)"));
    };
    let fingerprint = match crate::tls::fingerprint_file(&files.cert) {
        Ok(f) => f,
        Err(e) => {
            return Check::fail(
                "console",
                e.to_string(),
                "give console.tls_cert a PEM certificate (`kiosk console cert` makes one)",
            );
        }
    };
    let detail = format!("https://{listen}, certificate SHA-256 {fingerprint}");
    match std::fs::metadata(&files.key) {
        Ok(m) if m.permissions().mode() & 0o077 != 0 => Check::warn(
            "console",
            format!(
                "{detail}; its key {} can be read by other users",
                files.key.display()
            ),
            format!(
                "chmod 600 {} (owned by the kiosk user)",
                files.key.display()
            ),
        ),
        Ok(_) => Check::ok(
            "console",
            format!("{detail} — compare it on the window PCs"),
        ),
        Err(e) => Check::fail(
            "console",
            format!("{detail}; its key {}: {e}", files.key.display()),
            "give console.tls_key the certificate's private key, readable by the kiosk user",
        ),
    }
}

/// The running station's `state`, when its control socket answers.
fn station_state(socket: &Path) -> Option<StationState> {
    let stream = UnixStream::connect(socket).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut writer = stream.try_clone().ok()?;
    writer.write_all(b"state\n").ok()?;
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).ok()?;
    let mut answer: Value = serde_json::from_str(&line).ok()?;
    serde_json::from_value(answer.get_mut("state")?.take()).ok()
}

fn disk(data: &Path) -> Check {
    // A folder not made yet is on the disk of its nearest existing parent.
    let existing = data.ancestors().find(|p| p.exists()).unwrap_or(data);
    let free = free_bytes(existing);
    match free {
        None => Check::fail(
            "disk",
            format!("cannot read the free space of {}", data.display()),
            "check that the data folder exists (pass --data)",
        ),
        Some(n) if n < DISK_FAIL => Check::fail(
            "disk",
            format!("{} free on {}", megabytes(n), data.display()),
            "free space now: the journal cannot grow (old job pictures in sim-printer/, logs with `journalctl --vacuum-size=100M`)",
        ),
        Some(n) if n < DISK_WARN => Check::warn(
            "disk",
            format!("{} free on {}", megabytes(n), data.display()),
            "under 1 GB: clear old files or use a larger card",
        ),
        Some(n) => Check::ok(
            "disk",
            format!("{} free on {}", megabytes(n), data.display()),
        ),
    }
}

fn megabytes(n: u64) -> String {
    format!("{} MB", n / (1024 * 1024))
}

/// Free bytes on the filesystem of `path`, from `df`.
fn free_bytes(path: &Path) -> Option<u64> {
    let out = std::process::Command::new("df")
        .args(["-P", "-k"])
        .arg(path)
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let text = String::from_utf8_lossy(&out.stdout);
    let kb: u64 = text
        .lines()
        .nth(1)?
        .split_whitespace()
        .nth(3)?
        .parse()
        .ok()?;
    Some(kb * 1024)
}

fn database(db: &Path) -> Vec<Check> {
    if !db.exists() {
        return vec![Check::warn(
            "database",
            format!("{} does not exist yet", db.display()),
            "the station makes it on its first start; if it ran before, --data names the wrong folder",
        )];
    }
    match crate::store::backup::check(db) {
        Ok(c) => {
            let mut checks = vec![Check::ok(
                "database",
                format!(
                    "{}: whole, schema {}, {} journal entries, chain unbroken",
                    db.display(),
                    c.version,
                    c.entries
                ),
            )];
            checks.extend(page_size(db));
            checks
        }
        Err(e) => vec![Check::fail(
            "database",
            e.to_string(),
            "stop the station and restore the last good backup (`kiosk restore --from FILE`)",
        )],
    }
}

/// A database laid out in larger pages than a new one (made by an older
/// kiosk) writes several times the bytes per commit to the card.
fn page_size(db: &Path) -> Option<Check> {
    use crate::store::PAGE_SIZE;
    let conn = crate::store::open_read_only(db, &crate::store::StoreSettings::default()).ok()?;
    let size: u32 = conn
        .pragma_query_value(None, "page_size", |r| r.get(0))
        .ok()?;
    (size > PAGE_SIZE).then(|| {
        Check::warn(
            "database pages",
            format!(
                "{}: {size}-byte pages; every commit writes {}× the bytes to the card that {PAGE_SIZE}-byte pages would",
                db.display(),
                size / PAGE_SIZE
            ),
            "stop the station and run `kiosk compact` once (it needs free space for a second copy of the database)",
        )
    })
}

/// A backup older than this is reported: the daily timer has missed two.
const BACKUP_STALE: jiff::SignedDuration = jiff::SignedDuration::from_hours(48);

/// The last good backup recorded in the data folder (`kiosk backup`
/// records it), its age at `now`, and whether it sits on the database's
/// own disk.
pub fn last_backup(data: &Path, now: jiff::Timestamp) -> Check {
    use crate::store::backup;
    let timer = "enable the daily backup (`sudo systemctl enable --now kiosk-backup.timer`, folder and encryption in [backup] of kiosk.toml), or run `kiosk backup --to FILE`";
    let last = match backup::last_backup(data) {
        Ok(Some(last)) => last,
        Ok(None) => {
            return Check::warn(
                "backup",
                format!("no backup recorded in {}", data.display()),
                timer,
            );
        }
        Err(e) => return Check::warn("backup", e.to_string(), timer),
    };
    let age = now.duration_since(last.at);
    let hours = age.as_hours();
    let ago = if hours >= 48 {
        format!("{} days ago", hours / 24)
    } else {
        format!("{hours} h ago")
    };
    let detail = format!(
        "last good backup {} ({ago}): {}{}, {} journal entries, chain head {}",
        last.at.round(jiff::Unit::Second).unwrap_or(last.at),
        last.file.display(),
        if last.encrypted { " (encrypted)" } else { "" },
        last.entries,
        last.head
    );
    // A folder on the card takes a copy a week (ADR 0033).
    let on_card = same_disk(&last.file, data);
    let stale = if on_card {
        BACKUP_STALE + crate::store::backup::ON_CARD_EVERY
    } else {
        BACKUP_STALE
    };
    if age > stale {
        return Check::warn(
            "backup",
            detail,
            "the daily backup has not succeeded since: `systemctl status kiosk-backup` and `journalctl -u kiosk-backup` say why (a stick not mounted, not writable by the kiosk user, full)",
        );
    }
    if on_card {
        return Check::warn(
            "backup",
            detail,
            "it is on the same disk as the database, so a failing card loses both, and there it is taken once a week (card wear): set [backup] dir to a USB stick's folder",
        );
    }
    Check::ok("backup", detail)
}

/// Whether the folder of `file` is on the same file system as `data`
/// (false when either cannot be read, such as a stick taken out).
fn same_disk(file: &Path, data: &Path) -> bool {
    file.parent()
        .is_some_and(|dir| crate::store::backup::on_same_disk(dir, &data.join("kiosk.db")))
}

/// The running station's view: what it started without, the printer, the
/// zones and the keys.
fn live_checks(state: &StationState) -> Vec<Check> {
    let mut checks = vec![Check::ok("station", "running; reading its own view")];
    let problems = &state.board_problems;
    if problems.is_empty() {
        checks.push(Check::ok(
            "hardware",
            "the station started with all of its board",
        ));
    }
    for p in problems {
        checks.push(Check::fail(
            "hardware",
            p.clone(),
            "see the fix named; then `sudo systemctl restart kiosk`",
        ));
    }
    match &state.voice {
        None => checks.push(Check::skip(
            "voice",
            "no speaker: calls are shown, not said (the board profile names no [audio], or voice.enabled = false)",
        )),
        Some(v) if v.problems.is_empty() => checks.push(Check::ok(
            "voice",
            format!("calls said in {} through {}", v.sets.join(", "), v.output),
        )),
        Some(v) => {
            for p in &v.problems {
                checks.push(Check::warn(
                    "voice",
                    p.clone(),
                    "see the fix named; `kiosk voice check` checks a set; then `sudo systemctl restart kiosk`",
                ));
            }
        }
    }
    if let Some(fault) = &state.store_fault {
        checks.push(Check::fail(
            "writing",
            fault.to_string(),
            "the station cannot record: fix what the message names (space, the card), then it records again by itself",
        ));
    }
    let printer = &state.printer;
    match (&printer.health, &printer.port) {
        (_, None) => checks.push(Check::warn(
            "printer",
            "no printer (printer.port = \"none\")",
            "set printer.port",
        )),
        (PrinterHealth::Ready, Some(port)) => {
            checks.push(Check::ok("printer", format!("ready on {port}")))
        }
        (PrinterHealth::PaperLow, _) => checks.push(Check::warn(
            "printer",
            "paper low",
            "change the roll, then 换好纸了 in staff mode",
        )),
        (PrinterHealth::Fault { detail, .. }, _) => checks.push(Check::fail(
            "printer",
            detail.clone(),
            "check the printer's power, paper, cover and cable; `kiosk printer status` once the station is stopped",
        )),
    }
    for z in &state.station.zones {
        let name = &z.info.name;
        let check = if let Some(fault) = &z.state.fault {
            let fault = word(fault);
            Check::fail("zone", format!("{name}: fault {fault}"), fault_fix(&fault))
        } else if z.state.latched.is_some() {
            Check::warn(
                "zone",
                format!("{name}: alarm latched"),
                "attend, then reset it in staff mode",
            )
        } else if z.state.active {
            Check::warn(
                "zone",
                format!("{name}: input active"),
                "find out why it reads active",
            )
        } else {
            Check::ok("zone", format!("{name}: normal"))
        };
        checks.push(check);
    }
    for w in &state.station.windows {
        let stuck = &w.stuck_keys;
        if !stuck.is_empty() {
            checks.push(Check::fail(
                "keys",
                format!(
                    "window {}: keys stuck: {}",
                    w.window,
                    stuck
                        .iter()
                        .map(u8::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "free or replace the key; a key wired to the wrong pin reads pressed",
            ));
        }
    }
    checks
}

/// The hardware opened here (the station does not run), read once through
/// the board's own routing.
fn hardware(board: &BoardProfile) -> Vec<Check> {
    if board.backend == Backend::Simulated {
        return vec![Check::skip("gpio", "the simulated board has no hardware")];
    }
    let survey = board::pi::survey(board);
    let mut checks = Vec::new();
    match &survey.lines {
        Err(e @ board::gpio::GpioError::Other(_)) => {
            checks.push(Check::fail("gpio", e.to_string(), "check the chip"));
        }
        Err(e) => checks.push(Check::fail(
            "gpio",
            e.to_string(),
            "see above; `gpioinfo` shows the lines and who holds them",
        )),
        Ok(n) => checks.push(Check::ok(
            "gpio",
            format!("{n} inputs and the outputs opened"),
        )),
    }
    for (window, held) in &survey.held {
        checks.push(if held.is_empty() {
            Check::ok("keys", format!("window {window}: every key released"))
        } else {
            Check::fail(
                "keys",
                format!("window {window}: {} read pressed at rest", held.join(", ")),
                "a stuck key, or a key wired to 3.3 V instead of ground (board.active and board.pull)",
            )
        });
    }
    for (zone, reading) in &survey.contacts {
        checks.push(zone_reading(zone, Some(*reading), None));
    }
    for (zone, read) in &survey.loops {
        checks.push(match read {
            Ok((mv, reading)) => zone_reading(zone, Some(*reading), Some(*mv)),
            Err(e) => Check::fail(
                "zone",
                format!("{zone}: {e}"),
                "enable I2C (raspi-config), check the ADC's wiring and address (`i2cdetect -y 1`); a kiosk built without I2C cannot read loops",
            ),
        });
    }
    checks.extend(cards(board));
    checks
}

fn zone_reading(name: &str, reading: Option<drivers::zone::Reading>, value: Option<f32>) -> Check {
    use drivers::zone::Reading;
    let value = value.map(|v| format!(" ({v:.0} mV)")).unwrap_or_default();
    match reading {
        Some(Reading::Normal) => Check::ok("zone", format!("{name}: normal{value}")),
        Some(Reading::Active) => Check::warn(
            "zone",
            format!("{name}: active{value}"),
            "the button is held or the detector reports: find out why before starting",
        ),
        Some(Reading::Fault(f)) => Check::fail(
            "zone",
            format!("{name}: {f}{value}"),
            fault_fix(match f {
                drivers::zone::FaultKind::Detector => "detector",
                drivers::zone::FaultKind::Unreadable => "unreadable",
                _ => "loop",
            }),
        ),
        None => Check::skip("zone", format!("{name}: not a contact")),
    }
}

/// What to do about a zone's fault, by its kind (as the journal names it).
fn fault_fix(kind: &str) -> &'static str {
    match kind {
        "unreadable" => {
            "the board cannot read it: see the hardware lines above; `gpioinfo` and `i2cdetect -y 1` show what the kernel sees"
        }
        "detector" => "the detector reports its own fault: service or replace the detector",
        _ => "check the loop's wiring and its end-of-line resistor (docs/wiring.md)",
    }
}

/// The window cards' I2C buses.
fn cards(board: &BoardProfile) -> Vec<Check> {
    let mut checks = Vec::new();
    for e in &board.evaluators {
        if let Some(Display::Mono { bus, address }) = e.display {
            let path = format!("/dev/i2c-{bus}");
            checks.push(match std::fs::File::open(&path) {
                Ok(_) => Check::ok(
                    "card",
                    format!("window {}: {path} opens (the display at {address:#04x} is drawn when the station runs)", e.window),
                ),
                Err(err) => Check::fail(
                    "card",
                    format!("window {}: cannot open {path}: {err}", e.window),
                    "enable I2C (raspi-config) and add the kiosk user to the i2c group",
                ),
            });
        }
    }
    checks
}

/// Asks the printer for its status.
fn printer(config: &Config, places: &Places) -> Check {
    let mut settings = config.printer.clone();
    if let Some(port) = &places.printer {
        settings.port = PrinterPort::Serial(port.into());
    }
    let port = match &settings.port {
        PrinterPort::None => {
            return Check::warn(
                "printer",
                "printing is off (printer.port = \"none\")",
                "set printer.port",
            );
        }
        PrinterPort::Simulated => {
            return Check::skip(
                "printer",
                "the simulated printer (`kiosk printer status` starts one to ask)",
            );
        }
        _ => crate::app::printer_port(&settings, Path::new("")),
    };
    let Some(port) = port else {
        return Check::skip("printer", "no printer");
    };
    let opened =
        drivers::transport::Printer::open(&port, crate::app::transport_settings(&settings));
    let health = opened.and_then(|mut p| p.health());
    match health {
        Ok(h) => match h.fault() {
            None if h.paper_near_end => Check::warn(
                "printer",
                format!("{} on {}: paper low", settings.profile.id, port.describe()),
                "change the roll soon",
            ),
            None => Check::ok(
                "printer",
                format!("{} on {}: {h}", settings.profile.id, port.describe()),
            ),
            Some(_) => Check::fail(
                "printer",
                format!("{} on {}: {h}", settings.profile.id, port.describe()),
                "close the cover, load paper, put it online",
            ),
        },
        Err(e) => Check::fail(
            "printer",
            e.to_string(),
            "check its power and cable; a USB-serial printer is /dev/kiosk-printer through packaging/99-kiosk.rules; the kiosk user needs the dialout group",
        ),
    }
}

/// The clock against the journal's last entry and NTP.
fn clock(places: &Places, live: Option<&StationState>) -> Check {
    if live.is_some_and(|s| s.simulated_clock) {
        return Check::skip("clock", "the station runs on a simulated clock");
    }
    let (synchronized, rtc) = crate::app::clock_source(&places.run, &places.rtc);
    let last = last_entry(&places.data.join("kiosk.db"));
    let now = jiff::Timestamp::now();
    if let Some(last) = last
        && now < last
    {
        return Check::fail(
            "clock",
            format!("the clock reads {now}, before the journal's last entry {last}"),
            "set the time (network, or `sudo date -s`); the station holds its times at the journal's until then and never reuses numbers",
        );
    }
    if let Some(doubt) = live.and_then(|s| s.station.clock_doubt) {
        return Check::fail(
            "clock",
            format!(
                "the clock reads {} while the journal's latest entry is {}: the station cannot tell which is wrong and holds its time at the journal's",
                doubt.clock, doubt.journal
            ),
            "if the clock is right (the journal ran ahead), a manager confirms it in staff mode (系统时间正确) or with `clock confirm STAFF PIN` on the control socket; if not, set the time (network, `sudo date -s`)",
        );
    }
    if live.is_some_and(|s| s.station.clock_behind) {
        return Check::fail(
            "clock",
            "the station reports the clock behind its journal",
            "set the time; times are held at the journal's last entry until then",
        );
    }
    let rtc_word = if rtc {
        "a real-time clock (it keeps time through a power cut only with its battery)"
    } else {
        "no real-time clock"
    };
    match synchronized {
        Some(true) => Check::ok("clock", format!("synchronised by NTP; {rtc_word}")),
        Some(false) => Check::warn(
            "clock",
            format!("not synchronised; {rtc_word}"),
            "give the Pi network access and enable NTP (`sudo timedatectl set-ntp true`); without an RTC the date after a power cut may be wrong",
        ),
        None => Check::warn(
            "clock",
            format!("cannot tell whether NTP synchronised it; {rtc_word}"),
            "`timedatectl` shows the state; enable systemd-timesyncd or chrony",
        ),
    }
}

/// Tickets and case papers the printer never confirmed before a crash: the
/// running station's list, or — stopped — what its journal leaves open
/// (decided at its next start).
fn unconfirmed_prints(config: &Config, places: &Places, live: Option<&StationState>) -> Check {
    const FIX: &str = "their numbers are valid: print one again when a citizen asks (staff mode 补打, the console, or `reprint A001` on the control socket)";
    if let Some(state) = live {
        let listed: Vec<String> = state
            .station
            .unconfirmed_prints
            .iter()
            .map(|p| p.paper.to_string())
            .collect();
        return if listed.is_empty() {
            Check::ok(
                "printing",
                "every paper asked of the printer is accounted for",
            )
        } else {
            Check::warn(
                "printing",
                format!(
                    "may not have printed (lost in a restart): {}",
                    listed.join(", ")
                ),
                FIX,
            )
        };
    }
    let db = places.data.join("kiosk.db");
    let station = crate::store::open_read_only(&db, &config.store)
        .and_then(|conn| crate::store::resume(&conn, &db))
        .map(|resume| {
            resume.rebuild(crate::domain::Station::new(
                config.catalog.clone(),
                config.calendar.clone(),
                config.settings.clone(),
            ))
        });
    let station = match station {
        Ok(s) => s,
        Err(e) => return Check::skip("printing", format!("cannot read the journal: {e}")),
    };
    let now = crate::store::open_read_only(&db, &config.store)
        .and_then(|conn| crate::store::station_time(&conn, jiff::Timestamp::now()))
        .unwrap_or_else(|_| jiff::Timestamp::now());
    let view = station.view(now);
    let mut lines: Vec<String> = view
        .unconfirmed_prints
        .iter()
        .map(|p| p.paper.to_string())
        .collect();
    let outstanding: Vec<String> = station
        .outstanding_prints()
        .iter()
        .map(|(p, _)| p.to_string())
        .collect();
    if lines.is_empty() && outstanding.is_empty() {
        return Check::ok(
            "printing",
            "every paper asked of the printer is accounted for",
        );
    }
    if !lines.is_empty() {
        lines = vec![format!(
            "may not have printed (lost in a restart): {}",
            lines.join(", ")
        )];
    }
    if !outstanding.is_empty() {
        lines.push(format!(
            "not confirmed by the printer when the station stopped: {} — at its next start the station prints recent ones again (marked 补打) and lists the others",
            outstanding.join(", ")
        ));
    }
    Check::warn("printing", lines.join("; "), FIX)
}

/// The journal's last entry's time, read-only.
fn last_entry(db: &Path) -> Option<jiff::Timestamp> {
    let conn = crate::store::open_read_only(db, &crate::store::StoreSettings::default()).ok()?;
    // The last entry, not the latest time: after a clock that ran ahead was
    // corrected, later times stay in the journal, before the correction.
    let ms: i64 = conn
        .query_row(
            "SELECT at_ms FROM journal ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .ok()?;
    jiff::Timestamp::from_millisecond(ms).ok()
}

/// The groups this process is in, by name.
fn own_groups() -> Option<(bool, Vec<String>)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid_root = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().nth(1))
        == Some("0");
    let gids: Vec<String> = status
        .lines()
        .find_map(|l| l.strip_prefix("Groups:"))?
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let table = std::fs::read_to_string("/etc/group").unwrap_or_default();
    let names = table
        .lines()
        .filter_map(|l| {
            let mut f = l.split(':');
            let name = f.next()?;
            let gid = f.nth(1)?;
            gids.iter().any(|g| g == gid).then(|| name.to_string())
        })
        .collect();
    Some((uid_root, names))
}

/// The groups the kiosk user needs for this board, and whether it has them.
pub fn groups(config: &Config, own: &Option<(bool, Vec<String>)>) -> Vec<Check> {
    let board = &config.board;
    if board.backend == Backend::Simulated {
        return vec![Check::skip("groups", "the simulated board needs none")];
    }
    let Some((root, have)) = own else {
        return vec![Check::skip("groups", "cannot read this process's groups")];
    };
    if *root {
        return vec![Check::warn(
            "groups",
            "running as root, so permissions are not what the station sees",
            "run as the kiosk user: `sudo -u kiosk kiosk doctor`",
        )];
    }
    let i2c = board
        .zones
        .iter()
        .any(|z| matches!(z.wiring, ZoneWiring::Loop { .. }))
        || board
            .evaluators
            .iter()
            .any(|e| matches!(e.display, Some(Display::Mono { .. })));
    let serial = matches!(
        config.printer.port,
        PrinterPort::Serial(_) | PrinterPort::UsbLp(_)
    );
    let needed = [
        ("gpio", true, "the GPIO lines"),
        ("i2c", i2c, "the window cards and the ADC"),
        ("dialout", serial, "the printer"),
        ("video", true, "the screen and its backlight"),
        ("input", true, "the touchscreen"),
        (
            "audio",
            board.audio.is_some() && config.voice.enabled,
            "the lobby speaker",
        ),
    ];
    let missing: Vec<_> = needed
        .iter()
        .filter(|(g, wanted, _)| *wanted && !have.iter().any(|h| h == g))
        .collect();
    if missing.is_empty() {
        return vec![Check::ok("groups", format!("in {}", have.join(", ")))];
    }
    let named: Vec<String> = missing
        .iter()
        .map(|(g, _, what)| format!("{g} ({what})"))
        .collect();
    let groups: Vec<&str> = missing.iter().map(|(g, _, _)| *g).collect();
    vec![Check::fail(
        "groups",
        format!("not in {}", named.join(", ")),
        format!(
            "`sudo usermod -aG {} kiosk`, then restart the kiosk (the package's unit adds them as SupplementaryGroups)",
            groups.join(",")
        ),
    )]
}

/// The udev rule that gives libinput the profile's touch calibration.
pub fn touch_rule_line(matrix: [f32; 6]) -> String {
    let m: Vec<String> = matrix.iter().map(|v| format!("{v}")).collect();
    format!(
        "ENV{{ID_INPUT_TOUCHSCREEN}}==\"1\", ENV{{LIBINPUT_CALIBRATION_MATRIX}}=\"{}\"",
        m.join(" ")
    )
}

fn touch_rule(board: &BoardProfile, rules: &Path) -> Check {
    let Some(matrix) = board.screen.touch_calibration else {
        return Check::ok(
            "touch",
            "no calibration asked for (touches follow the picture)",
        );
    };
    let line = touch_rule_line(matrix);
    let path = rules.join(TOUCH_RULE);
    let present = std::fs::read_to_string(&path).is_ok_and(|t| t.lines().any(|l| l.trim() == line));
    if present {
        Check::ok(
            "touch",
            format!("{} applies the profile's matrix", path.display()),
        )
    } else {
        Check::fail(
            "touch",
            format!("{} does not apply the profile's matrix", path.display()),
            format!(
                "write this line to it, then `sudo udevadm control --reload && sudo udevadm trigger` and restart the kiosk: {line}"
            ),
        )
    }
}

#[cfg(test)]
mod tests;
