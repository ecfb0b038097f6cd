//! The command line: argument parsing and the `logs` table. The work itself is in
//! the library (`kiosk::app`, `kiosk::store`).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use kiosk::config::Config;
use kiosk::data::DataDir;
use kiosk::run::{Display, RunOptions};
use kiosk::store::{self, LogFilter};

mod attendance;
mod backup;
mod journal;
mod matters;
mod printer;
mod staff;
mod voice;

use backup::*;
use journal::*;
use printer::*;
use staff::*;
use voice::*;

#[derive(Parser)]
#[command(
    name = "kiosk",
    version,
    about = "The station kiosk: queue tickets, calling and the journal of a convenience service station (便民服务站).",
    long_about = "The station kiosk: queue tickets, calling and the journal of a convenience service station (便民服务站).\n\nWith no command, `kiosk` runs the station on the simulated board with its data in ~/.local/share/kiosk."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the station (the default).
    Run(RunArgs),
    /// Show the journal: every ticket issued, called, skipped, completed, printed.
    Logs(LogsArgs),
    /// Check the ticket printer: its status, a test page, the stored logo.
    #[command(subcommand)]
    Printer(PrinterCommand),
    /// The matter catalog (办事指南): check a file, install it as a new
    /// version with its approver, list the versions.
    #[command(subcommand)]
    Matters(MattersCommand),
    /// The official holiday calendar: check a newer file and load it.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Staff and their PINs (the console, staff mode, alarm resets, extensions).
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Cases (bad ratings, complaints): list them, export one as one file.
    #[command(subcommand)]
    Case(CaseCommand),
    /// Check the journal's hash chain and the tables the reports read
    /// (replayed from the journal): exits 1 and names the first entry or row
    /// that was edited, deleted or moved; prints the chain's head to keep.
    VerifyLog {
        #[command(flatten)]
        data: DataArg,
        /// A chain head kept elsewhere, as the daily closing slip (日结单)
        /// prints it: SEQ:HASH. Catches the newest entries deleted.
        #[arg(long, value_name = "SEQ:HASH")]
        anchor: Vec<String>,
    },
    /// Copy the database to a file (a USB stick, say) while the station
    /// runs, and check the copy: whole, its journal's chain unbroken.
    /// Encrypted (age) with --passphrase-file or --recipient. With neither
    /// --to nor --dir, the settings' [backup] (what the daily timer runs).
    Backup(BackupArgs),
    /// Rewrite a stopped station's database in the small pages a new one
    /// has (a quarter of the bytes written to the card per commit) and
    /// without free space, then check it. Needs room for a second copy.
    Compact {
        #[command(flatten)]
        data: DataArg,
    },
    /// Put a checked backup in place of the database. The station must be
    /// stopped; the database it replaces is kept beside it as a copy that
    /// `kiosk restore --from` brings back.
    Restore(RestoreArgs),
    /// Check a live installation: settings, board, GPIO lines and loops (or
    /// the running station's view of them), printer, disk, database, clock,
    /// the kiosk user's groups, the touch calibration rule. Each failure
    /// comes with its fix; exits 1 when anything failed.
    Doctor {
        /// Settings file, as `kiosk run` is given it.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        #[command(flatten)]
        data: DataArg,
        /// Ask this printer port instead of the configured one.
        #[arg(long, value_name = "PORT")]
        printer: Option<String>,
    },
    /// The figures of a day or a month: tickets by category and window,
    /// waiting and service times, no-shows, ratings, cases.
    Report(ReportArgs),
    /// A week's attendance (考勤) from the sign-ons: late, absent, early
    /// and unapproved absence per member and day.
    Attendance(attendance::AttendanceArgs),
    /// The journal of a range of days as CSV or JSON, with progress.
    Export(ExportArgs),
    /// The staff console: make a certificate for HTTPS.
    #[command(subcommand)]
    Console(ConsoleCommand),
    /// The voice's clip sets: check one (a station's own recording).
    #[command(subcommand)]
    Voice(VoiceCommand),
}

#[derive(Subcommand)]
enum VoiceCommand {
    /// Check a clip set as the station does when it loads it: every phrase
    /// of the manifest present, WAV mono 16-bit PCM (or μ-law) at the
    /// manifest's rate, silence trimmed, level and peak within bounds. Each
    /// problem names its file and phrase; exits 1 when there is any.
    Check {
        /// The set's folder (holding manifest.toml), or a built-in set:
        /// cmn, en.
        set: String,
    },
}

#[derive(Subcommand)]
enum ConsoleCommand {
    /// Make a self-signed certificate and key for the console's HTTPS
    /// (console.crt, console.key readable by its owner only) and print the
    /// SHA-256 fingerprint that staff compare on each window PC before they
    /// trust it. Without --name or --ip: this machine's host name and
    /// HOST.local.
    Cert {
        /// The folder to write them to, such as /etc/kiosk.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// A host name the window PCs use for the station (repeatable).
        #[arg(long = "name", value_name = "HOST")]
        names: Vec<String>,
        /// An address the window PCs use for the station (repeatable).
        #[arg(long = "ip", value_name = "ADDRESS")]
        addresses: Vec<std::net::IpAddr>,
        /// Days the certificate is valid.
        #[arg(long, default_value_t = 1825, value_parser = clap::value_parser!(u16).range(1..=3650))]
        days: u16,
        /// Replace a certificate and key already there (the window PCs must
        /// then check the new fingerprint).
        #[arg(long)]
        force: bool,
    },
}

#[derive(Args)]
struct BackupArgs {
    /// The new file; an existing one is never overwritten. Ends in .age
    /// when encrypted.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["dir", "keep"])]
    to: Option<PathBuf>,
    /// Into this folder, named by the time, keeping the newest --keep.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// How many good backups the folder keeps (default: the settings', 14).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    keep: Option<u32>,
    /// Encrypt with the passphrase on this file's first line.
    #[arg(long, value_name = "FILE", conflicts_with = "recipient")]
    passphrase_file: Option<PathBuf>,
    /// Encrypt to this age public key (age1…); repeat for several.
    #[arg(long, value_name = "AGE1…")]
    recipient: Vec<String>,
    /// Settings file ([backup]: folder, how many to keep, encryption).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    data: DataArg,
}

#[derive(Args)]
struct RestoreArgs {
    /// The backup: a copy (with its -wal, if one is beside it) or an
    /// encrypted .age file.
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
    /// The passphrase of an encrypted backup, on this file's first line.
    #[arg(long, value_name = "FILE", conflicts_with = "identity")]
    passphrase_file: Option<PathBuf>,
    /// The age identity (secret key file) of a backup encrypted to a
    /// public key.
    #[arg(long, value_name = "FILE")]
    identity: Option<PathBuf>,
    /// Restore even a copy older than the live database, losing the
    /// journal entries written since (the live database is kept).
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    data: DataArg,
}

#[derive(Args)]
struct ReportArgs {
    /// One business day, 2026-11-30.
    #[arg(long, conflicts_with = "month")]
    day: Option<String>,
    /// One month, 2026-11.
    #[arg(long)]
    month: Option<String>,
    /// The report as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    data: DataArg,
    /// Settings file (for the time zone).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Args)]
struct ExportArgs {
    /// First business day, 2026-11-01.
    #[arg(long)]
    from: String,
    /// Last business day, 2026-11-30.
    #[arg(long)]
    to: String,
    /// csv or json.
    #[arg(long, default_value = "csv")]
    format: String,
    /// Where to write it; standard output by default.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    data: DataArg,
}

#[derive(Subcommand)]
enum CaseCommand {
    /// List the cases: number, source, stage, deadlines, overdue.
    List {
        #[command(flatten)]
        data: DataArg,
        /// Settings file (for the time zone).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Export one case as one self-contained HTML file (一案一卷): its facts,
    /// stages, extensions and journal entries. The callback number is masked
    /// unless a manager exports it (`--manager ID`, PIN on standard input).
    Export {
        /// The case number, such as 2026-0007.
        number: String,
        /// Where to write it; by default case-NUMBER.html here.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The manager's staff number: the callback number is shown in full.
        #[arg(long, value_name = "ID")]
        manager: Option<String>,
        #[command(flatten)]
        data: DataArg,
        /// Settings file (station name, time zone).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Add a staff member; the PIN (4–8 digits) is read from standard input
    /// and stored only as an Argon2id hash.
    Add {
        /// Staff number, such as 0101.
        id: String,
        #[arg(long)]
        name: String,
        /// staff, supervisor (纪检: handles the cases about the manager),
        /// technician or manager.
        #[arg(long, default_value = "staff")]
        role: String,
        #[command(flatten)]
        data: DataArg,
    },
    /// Set a new PIN (read from standard input); clears any lockout.
    Passwd {
        id: String,
        #[command(flatten)]
        data: DataArg,
    },
    /// Lift a lockout after repeated wrong PINs (a manager's action).
    Unlock {
        id: String,
        #[command(flatten)]
        data: DataArg,
    },
    /// Disable a member who left: their PIN is refused everywhere.
    Disable {
        id: String,
        #[command(flatten)]
        data: DataArg,
    },
    /// Enable a disabled member again.
    Enable {
        id: String,
        #[command(flatten)]
        data: DataArg,
    },
    /// Put a member's photo (a PNG, at most 1024 pixels each way) on the
    /// lobby's notice board (岗位牌); `--remove` takes it down.
    Photo {
        id: String,
        /// The PNG file.
        file: Option<PathBuf>,
        #[arg(long)]
        remove: bool,
        #[command(flatten)]
        data: DataArg,
    },
    /// List staff: number, name, role, wrong PINs, lockouts.
    List {
        #[command(flatten)]
        data: DataArg,
    },
}

#[derive(Args)]
struct DataArg {
    /// Data folder of the station (default: $KIOSK_DATA, an installed
    /// /var/lib/kiosk, else ~/.local/share/kiosk).
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
}

impl DataArg {
    /// The folder given, or the default one.
    fn dir(self) -> Result<PathBuf> {
        Ok(match self.data {
            Some(d) => d,
            None => DataDir::default_path()?,
        })
    }

    /// The station's database, which must exist already.
    fn journal(self) -> Result<PathBuf> {
        let db = self.dir()?.join("kiosk.db");
        if !db.exists() {
            bail!(
                "there is no journal at {} — pass --data with the station's data folder",
                db.display()
            );
        }
        Ok(db)
    }

    fn store(self) -> Result<kiosk::store::Store> {
        let data = self.dir()?;
        std::fs::create_dir_all(&data)
            .with_context(|| format!("cannot make the data folder {}", data.display()))?;
        Ok(kiosk::store::Store::open(
            &data.join("kiosk.db"),
            &kiosk::store::StoreSettings::default(),
        )?)
    }
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Check a holiday file (the holiday-cn JSON shape, one year) and list what
    /// it says; nothing is installed.
    Check {
        /// The file, such as 2027.json.
        file: PathBuf,
    },
    /// Check a holiday file and install it in the data folder, replacing that
    /// year; a running station takes it at once, and deadlines counted from
    /// then on use it. A file with a mistake is refused and changes nothing.
    Load {
        /// The file, such as 2027.json.
        file: PathBuf,
        /// Data folder of the station.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum MattersCommand {
    /// Check a matters.toml against the station's categories and windows and
    /// list what it holds; nothing is installed. Every error names the file,
    /// line and field.
    Check {
        /// The file, such as matters.toml.
        file: PathBuf,
        /// The station's settings (its categories and windows).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Check a matters.toml and install it as the next version, journaling
    /// who approved it; a running station takes it at once. Earlier versions
    /// stay, for the matters recorded under them. A file with a mistake is
    /// refused and changes nothing.
    Load {
        file: PathBuf,
        /// Who approved the list (审定人), journaled.
        #[arg(long)]
        approver: String,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Data folder of the station.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
    /// List the installed versions.
    List {
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum PrinterCommand {
    /// Ask the configured printer for its status and decode the answer.
    Status(PrinterArgs),
    /// Print a test page: every font size, bold, alignment, the QR code, the
    /// logo (if stored) and a cut.
    Test(PrinterArgs),
    /// Store the station logo in the printer's memory (once: the flash wears).
    StoreLogo {
        #[command(flatten)]
        printer: PrinterArgs,
        /// A PNG to store instead of the built-in logo (at most 576 dots wide).
        #[arg(long, value_name = "PNG")]
        file: Option<PathBuf>,
    },
    /// List the built-in printer models (and the configured one, if the
    /// station brings its own profile file).
    Models {
        /// Settings file naming the profile file.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Draw each document (ticket, complaint receipt, case notice, test page) as
    /// the configured printer would print it: PNG and text, no printer needed.
    Preview {
        /// Settings file (printer model, station details).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Folder for the pictures and texts.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Args)]
struct PrinterArgs {
    /// Settings file (printer port, model, baud).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Use this port instead of the configured one, such as /dev/ttyUSB0.
    #[arg(long, value_name = "PORT")]
    port: Option<String>,
    /// Data folder (for the simulated printer).
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
}

#[derive(Args, Default)]
struct RunArgs {
    /// Settings file (see assets/kiosk.toml); when absent, the installed
    /// /etc/kiosk/kiosk.toml if there is one, else the built-in settings.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Data folder: database, virtual printer output, control socket.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// No window: render the screen in memory (for scripts, tests and CI).
    #[arg(long, conflicts_with = "window")]
    headless: bool,
    /// Always open a window, even when no display is detected.
    #[arg(long)]
    window: bool,
    /// Headless screen size, such as 800x480 or 1080x1920.
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    size: Option<(u32, u32)>,
    /// Run these simulated-board commands (see docs/control.md, "Scenario files").
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Control socket path (default: control.sock in the data folder).
    #[arg(long, value_name = "PATH")]
    control: Option<PathBuf>,
    /// Start a simulated clock at this time (RFC 3339, or local "2026-11-30 09:00").
    #[arg(long, value_name = "TIME")]
    clock: Option<String>,
    /// Printer port: "sim", "none", or a device such as /dev/ttyUSB0.
    #[arg(long, value_name = "PORT")]
    printer: Option<String>,
    /// Print the time from start to the first rendered frame, then stop.
    #[arg(long, hide = true)]
    first_frame_exit: bool,
}

#[derive(Args)]
struct LogsArgs {
    /// Data folder of the station.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Settings file, for the station's time zone.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Entries at or after this time (RFC 3339, local "2026-11-30 09:00", or a date).
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Entries before this time.
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// Only these kinds, such as ticket_issued (repeat or separate with commas).
    #[arg(long, value_name = "KIND", value_delimiter = ',')]
    kind: Vec<String>,
    /// Only entries about this window.
    #[arg(long, value_name = "N")]
    window: Option<u8>,
    /// Only entries about this ticket, such as A001.
    #[arg(long, value_name = "CODE")]
    ticket: Option<String>,
    /// Only the steps of this case, such as 2026-0007.
    #[arg(long, value_name = "NUMBER")]
    case: Option<String>,
    /// Only this business day, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    day: Option<String>,
    /// At most this many entries (the latest).
    #[arg(long, value_name = "N")]
    limit: Option<u32>,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("`{text}` is not WIDTHxHEIGHT such as 800x480"))?;
    let w: u32 = w
        .trim()
        .parse()
        .map_err(|_| format!("`{w}` is not a width"))?;
    let h: u32 = h
        .trim()
        .parse()
        .map_err(|_| format!("`{h}` is not a height"))?;
    if !(200..=4000).contains(&w) || !(200..=4000).contains(&h) {
        return Err("width and height must be 200–4000".into());
    }
    Ok((w, h))
}

/// An instant from RFC 3339, a local date-time, or a local date (its midnight).
fn parse_time(text: &str, tz: &TimeZone) -> Result<Timestamp> {
    let text = text.trim();
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t);
    }
    let civil = text
        .replace(' ', "T")
        .parse::<jiff::civil::DateTime>()
        .or_else(|_| {
            text.parse::<jiff::civil::Date>()
                .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
        });
    match civil {
        Ok(dt) => Ok(tz.to_ambiguous_timestamp(dt).compatible()?),
        Err(_) => bail!(
            "`{text}` is not a time such as 2026-11-30T09:00:00+08:00, \"2026-11-30 09:00\" or 2026-11-30"
        ),
    }
}

fn init_logging() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colours only for a person at a terminal: a file, a pipe or the systemd
    // journal (a socket) gets plain lines. NO_COLOR turns them off anywhere.
    let colour = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour)
        .with_target(false)
        .try_init();
}

pub fn main(started: Instant) -> Result<ExitCode> {
    let cli = Cli::parse();
    // Before any database opens: every connection goes through the card.
    #[cfg(feature = "slow-card")]
    kiosk::slow_card::from_env().map_err(anyhow::Error::msg)?;
    match cli.command {
        None => run(RunArgs::default(), started),
        Some(Command::Run(args)) => run(args, started),
        Some(Command::Logs(args)) => logs(args),
        Some(Command::Printer(command)) => printer(command),
        Some(Command::Calendar(command)) => calendar(command),
        Some(Command::Matters(command)) => matters::matters(command),
        Some(Command::Staff(command)) => staff(command),
        Some(Command::Case(command)) => case(command),
        Some(Command::VerifyLog { data, anchor }) => verify_log(data, &anchor),
        Some(Command::Backup(args)) => backup(args),
        Some(Command::Restore(args)) => restore(args),
        Some(Command::Compact { data }) => compact(data),
        Some(Command::Doctor {
            config,
            data,
            printer,
        }) => doctor(config, data, printer),
        Some(Command::Report(args)) => report(args),
        Some(Command::Attendance(args)) => attendance::run(args),
        Some(Command::Export(args)) => export(args),
        Some(Command::Console(command)) => console(command),
        Some(Command::Voice(command)) => voice(command),
    }
}

fn run(args: RunArgs, started: Instant) -> Result<ExitCode> {
    init_logging();
    let clock = match &args.clock {
        None => None,
        Some(text) => {
            let tz = Config::load(args.config.as_deref())?.settings.time_zone;
            Some(parse_time(text, &tz).context("--clock")?)
        }
    };
    let options = RunOptions {
        config: args.config,
        data: args.data,
        display: if args.headless {
            Display::Headless
        } else if args.window {
            Display::Window
        } else {
            Display::Auto
        },
        size: args.size,
        scenario: args.scenario,
        control: args.control,
        clock,
        printer: args.printer,
        first_frame_exit: args.first_frame_exit,
    };
    #[cfg(feature = "slow-card")]
    if let Some(model) = kiosk::store::slow_card::model() {
        tracing::warn!(
            "the database is on the slow-card model ({}={model:?}): for benchmarks only",
            kiosk::slow_card::VARIABLE
        );
    }
    let outcome = kiosk::run::run(options, started);
    #[cfg(feature = "slow-card")]
    if let Some(line) = kiosk::slow_card::summary() {
        tracing::info!("{line}");
    }
    outcome?;
    Ok(ExitCode::SUCCESS)
}

fn logs(args: LogsArgs) -> Result<ExitCode> {
    let config = Config::load(args.config.as_deref())?;
    let tz = config.settings.time_zone.clone();
    let data = match args.data {
        Some(d) => d,
        None => DataDir::default_path()?,
    };
    let db = data.join("kiosk.db");
    if !db.exists() {
        bail!(
            "there is no journal at {} — pass --data with the station's data folder",
            db.display()
        );
    }
    let conn = store::open_read_only(&db, &config.store)?;
    let filter = LogFilter {
        since: args
            .since
            .as_deref()
            .map(|t| parse_time(t, &tz))
            .transpose()
            .context("--since")?,
        until: args
            .until
            .as_deref()
            .map(|t| parse_time(t, &tz))
            .transpose()
            .context("--until")?,
        kinds: args.kind,
        window: args.window,
        ticket: args.ticket,
        case: args.case,
        day: args.day,
        limit: args.limit,
        before: None,
        staff: None,
    };
    let entries = filter.read(&conn)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        for e in &entries {
            writeln!(out, "{}", serde_json::to_string(e)?)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{:>6}  {:<19}  {:<18}  {:<12}  {:<6}  {:>3}  details",
        "seq", "time", "kind", "by", "ticket", "win"
    )?;
    for e in &entries {
        let local =
            e.at.parse::<Timestamp>()
                .map(|t| tz.to_datetime(t).strftime("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_else(|_| e.at.clone());
        let by = match e.actor["by"].as_str() {
            Some("keypad") => format!("keypad {}", e.actor["window"]),
            Some("evaluator") => format!("evaluator {}", e.actor["window"]),
            Some("staff") => format!("staff {}", e.actor["id"].as_str().unwrap_or("?")),
            Some(other) => other.to_string(),
            None => e.actor.to_string(),
        };
        let mut details = e.body.clone();
        if let Some(map) = details.as_object_mut() {
            // Shown in their own columns, or internal (queue position).
            for key in ["kind", "ticket", "window", "order"] {
                map.remove(key);
            }
        }
        let details = match details.as_object() {
            Some(m) if m.is_empty() => String::new(),
            _ => details.to_string(),
        };
        writeln!(
            out,
            "{:>6}  {:<19}  {:<18}  {:<12}  {:<6}  {:>3}  {}",
            e.seq,
            local,
            e.kind,
            by,
            e.ticket.as_deref().unwrap_or(""),
            e.window.map(|w| w.to_string()).unwrap_or_default(),
            details
        )?;
    }
    if entries.is_empty() {
        writeln!(out, "(no entries match)")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn doctor(config: Option<PathBuf>, data: DataArg, printer: Option<String>) -> Result<ExitCode> {
    use kiosk::doctor::{Places, Verdict, examine};
    let data = data.dir()?;
    let places = Places {
        control: data.join("control.sock"),
        data,
        config,
        run: PathBuf::from("/run/systemd"),
        rtc: PathBuf::from("/sys/class/rtc"),
        udev_rules: PathBuf::from("/etc/udev/rules.d"),
        printer,
    };
    let checks = examine(&places);
    let mut out = std::io::stdout().lock();
    for check in &checks {
        writeln!(out, "{check}")?;
    }
    let failed = checks.iter().filter(|c| c.verdict == Verdict::Fail).count();
    let warned = checks.iter().filter(|c| c.verdict == Verdict::Warn).count();
    writeln!(
        out,
        "{} checks: {failed} failed, {warned} to look at",
        checks.len()
    )?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_in_the_station_zone() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        let table = [
            ("2026-11-30T09:00:00+08:00", "2026-11-30T01:00:00Z"),
            ("2026-11-30 09:00", "2026-11-30T01:00:00Z"),
            ("2026-11-30T09:00", "2026-11-30T01:00:00Z"),
            ("2026-11-30", "2026-11-29T16:00:00Z"),
        ];
        for (text, utc) in table {
            assert_eq!(
                parse_time(text, &tz).unwrap(),
                utc.parse::<Timestamp>().unwrap(),
                "{text}"
            );
        }
        assert!(
            parse_time("yesterday", &tz)
                .unwrap_err()
                .to_string()
                .starts_with("`yesterday` is not a time")
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1080x1920"), Ok((1080, 1920)));
        assert!(parse_size("10x10").is_err());
        assert!(parse_size("wide").is_err());
    }
}
