//! The command line: argument parsing and the `logs` table. The work itself is in
//! the library (`kiosk::app`, `kiosk::store`).

use std::io::Write;
use std::path::{Path, PathBuf};
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
    /// The journal of a range of days as CSV or JSON, with progress.
    Export(ExportArgs),
    /// The staff console: make a certificate for HTTPS.
    #[command(subcommand)]
    Console(ConsoleCommand),
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
        /// staff, technician or manager.
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
    match cli.command {
        None => run(RunArgs::default(), started),
        Some(Command::Run(args)) => run(args, started),
        Some(Command::Logs(args)) => logs(args),
        Some(Command::Printer(command)) => printer(command),
        Some(Command::Calendar(command)) => calendar(command),
        Some(Command::Staff(command)) => staff(command),
        Some(Command::Case(command)) => case(command),
        Some(Command::VerifyLog { data, anchor }) => verify_log(data, &anchor),
        Some(Command::Backup(args)) => backup(args),
        Some(Command::Restore(args)) => restore(args),
        Some(Command::Doctor {
            config,
            data,
            printer,
        }) => doctor(config, data, printer),
        Some(Command::Report(args)) => report(args),
        Some(Command::Export(args)) => export(args),
        Some(Command::Console(command)) => console(command),
    }
}

/// The journal of the data folder, opened for reading.
fn read_journal(data: DataArg) -> Result<rusqlite::Connection> {
    let db = data.journal()?;
    Ok(store::open_read_only(
        &db,
        &kiosk::store::StoreSettings::default(),
    )?)
}

fn parse_day(text: &str, what: &str) -> Result<jiff::civil::Date> {
    text.trim()
        .parse()
        .with_context(|| format!("{what}: `{text}` is not a day such as 2026-11-30"))
}

/// The longest range an export or report covers.
const MAX_DAYS: i32 = 366 * 2;

fn day_range(from: jiff::civil::Date, to: jiff::civil::Date) -> Result<()> {
    if from > to {
        bail!("the range is reversed: {from} is after {to}");
    }
    let days = (to - from).get_days();
    if days >= MAX_DAYS {
        bail!(
            "{from} to {to} spans {} days; export at most two years at a time",
            days + 1
        );
    }
    Ok(())
}

fn minutes(seconds: Option<u32>) -> String {
    seconds.map_or_else(|| "—".into(), |s| format!("{}:{:02}", s / 60, s % 60))
}

fn report(args: ReportArgs) -> Result<ExitCode> {
    let config = Config::load(args.config.as_deref())?;
    let (from, to) = match (&args.day, &args.month) {
        (Some(d), None) => {
            let d = parse_day(d, "--day")?;
            (d, d)
        }
        (None, Some(m)) => {
            let first = parse_day(&format!("{}-01", m.trim()), "--month")
                .with_context(|| format!("--month: `{m}` is not a month such as 2026-11"))?;
            (first, first.last_of_month())
        }
        _ => bail!("say which: --day 2026-11-30 or --month 2026-11"),
    };
    let conn = read_journal(args.data)?;
    let r = store::report::report(&conn, from, to, &config.settings.time_zone)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} — {from} to {to}", config.station.name_zh)?;
    let line = |l: &store::report::TicketLine| {
        format!(
            "{:<8} issued {:>5}  served {:>5}  no-show {:>4}  unserved {:>4}  wait mean {:>6}  p90 {:>6}  service mean {:>6}  back-entered {:>4}",
            l.key,
            l.issued,
            l.served,
            l.no_show,
            l.unserved,
            minutes(l.wait_mean),
            minutes(l.wait_p90),
            minutes(l.service_mean),
            l.back_entered
        )
    };
    writeln!(out, "\nTickets\n{}", line(&r.total))?;
    writeln!(out, "\nBy category")?;
    for l in &r.by_category {
        writeln!(out, "{}", line(l))?;
    }
    writeln!(out, "\nBy window")?;
    for l in &r.by_window {
        writeln!(out, "{}", line(l))?;
    }
    let rating = |l: &store::report::RatingLine| {
        format!(
            "{:<8} 5:{} 4:{} 3:{} 2:{} 1:{}  total {}  satisfaction {}",
            l.key,
            l.levels[4],
            l.levels[3],
            l.levels[2],
            l.levels[1],
            l.levels[0],
            l.total,
            l.satisfaction
                .map_or_else(|| "—".into(), |s| format!("{s:.1} %"))
        )
    };
    writeln!(out, "\nRatings\n{}", rating(&r.ratings))?;
    for l in &r.ratings_by_window {
        writeln!(out, "window {}", rating(l))?;
    }
    let c = &r.cases;
    writeln!(
        out,
        "\nCases: opened {} (ratings {}, complaints {}); filed {} ({} on time); open and overdue {}",
        c.opened, c.from_ratings, c.from_complaints, c.closed, c.closed_on_time, c.overdue
    )?;
    writeln!(out, "\n{}", r.rating_coding)?;
    Ok(ExitCode::SUCCESS)
}

fn export(args: ExportArgs) -> Result<ExitCode> {
    let from = parse_day(&args.from, "--from")?;
    let to = parse_day(&args.to, "--to")?;
    day_range(from, to)?;
    let format = store::export::Format::parse(&args.format)
        .with_context(|| format!("--format: `{}` is not csv or json", args.format))?;
    let conn = read_journal(args.data)?;
    let mut file;
    let mut stdout;
    let out: &mut dyn Write = match &args.out {
        Some(path) => {
            file = std::io::BufWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("cannot write {}", path.display()))?,
            );
            &mut file
        }
        None => {
            stdout = std::io::stdout().lock();
            &mut stdout
        }
    };
    let n = store::export::export(&conn, from, to, format, out, |done, total| {
        eprintln!("exported {done} of {total} entries");
    })?;
    out.flush()?;
    if let Some(path) = &args.out {
        eprintln!(
            "{n} entries from {from} to {to} written to {}",
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn verify_log(data: DataArg, anchors: &[String]) -> Result<ExitCode> {
    use store::audit::{self, Anchor};
    let anchors: Vec<Anchor> = anchors
        .iter()
        .map(|a| a.parse().map_err(anyhow::Error::msg))
        .collect::<Result<_>>()?;
    let conn = read_journal(data)?;
    let verdict = store::chain::verify(&conn).context("reading the journal")?;
    let mut broken = false;
    match &verdict.first_break {
        None => println!(
            "journal intact: {} entries, chain head {}",
            verdict.entries, verdict.head
        ),
        Some(b) => {
            broken = true;
            println!(
                "journal BROKEN at {b}; {} entries read, chain head {}",
                verdict.entries, verdict.head
            );
        }
    }
    match audit::projections(&conn)? {
        None => println!("reports' tables agree with the journal (tickets, cases)"),
        Some(m) => {
            broken = true;
            println!("reports' tables CHANGED: {m}");
        }
    }
    for anchor in &anchors {
        match audit::check_anchor(&conn, anchor) {
            Ok(()) => println!("anchor {anchor}: matches"),
            Err(why) => {
                broken = true;
                println!("anchor {anchor}: BROKEN — {why}");
            }
        }
    }
    let last: i64 = conn.query_row("SELECT coalesce(max(seq), 0) FROM journal", [], |r| {
        r.get(0)
    })?;
    if let Some(head) = audit::anchor_at(&conn, last)? {
        println!("anchor to keep (write it down, or keep the closing slip): {head}");
    }
    Ok(if broken {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn backup(args: BackupArgs) -> Result<ExitCode> {
    use store::backup::{self, Encrypt, Passphrase};
    let data = args.data.dir()?;
    let db = data.join("kiosk.db");
    if !db.exists() {
        bail!(
            "there is no journal at {} — pass --data with the station's data folder",
            db.display()
        );
    }
    let config = Config::load(args.config.as_deref())?;
    let settings = &config.backup;
    // What the command line says, else what the settings say.
    let encrypt = if let Some(file) = &args.passphrase_file {
        Some(Encrypt::Passphrase(Passphrase::from_file(file)?))
    } else if !args.recipient.is_empty() {
        Some(Encrypt::recipients(&args.recipient)?)
    } else if let Some(file) = &settings.passphrase_file {
        Some(Encrypt::Passphrase(Passphrase::from_file(file)?))
    } else if !settings.recipients.is_empty() {
        Some(Encrypt::recipients(&settings.recipients)?)
    } else {
        None
    };
    let now = Timestamp::now();
    let (file, copy, folder) = match &args.to {
        Some(to) => (
            to.clone(),
            backup::backup(&db, &config.store, to, encrypt.as_ref())?,
            None,
        ),
        None => {
            let dir = match args.dir.clone().or_else(|| settings.dir.clone()) {
                Some(dir) => dir,
                None => {
                    // The default folder is the station's own; a stick's
                    // folder must be there already (mounted).
                    let dir = data.join("backups");
                    std::fs::create_dir_all(&dir)
                        .with_context(|| format!("cannot make {}", dir.display()))?;
                    dir
                }
            };
            let made = backup::backup_into(&db, &config.store, &dir, encrypt.as_ref(), now)?;
            (made.file, made.checked, Some(dir))
        }
    };
    println!(
        "backed up {} journal entries ({} bytes, schema {}{}) to {}; chain head {}",
        copy.entries,
        copy.bytes,
        copy.version,
        if encrypt.is_some() { ", encrypted" } else { "" },
        file.display(),
        copy.head
    );
    let last = backup::LastBackup {
        at: now,
        file: std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone()),
        entries: copy.entries,
        head: copy.head.clone(),
        bytes: copy.bytes,
        encrypted: encrypt.is_some(),
    };
    if let Err(e) = backup::record(&data, &last) {
        eprintln!("warning: the backup is good, but `kiosk doctor` will not know of it: {e}");
    }
    if let Some(dir) = folder {
        let keep = args.keep.unwrap_or(settings.keep);
        let removed = backup::prune(&dir, &file, keep).with_context(|| {
            format!(
                "the backup is written, but old backups in {} could not be removed",
                dir.display()
            )
        })?;
        for old in removed {
            println!("removed {} (keeping the newest {keep})", old.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn restore(args: RestoreArgs) -> Result<ExitCode> {
    use store::backup::{self, Decrypt, Passphrase, RestoreOptions};
    let key = match (&args.passphrase_file, &args.identity) {
        (Some(file), _) => Some(Decrypt::Passphrase(Passphrase::from_file(file)?)),
        (None, Some(file)) => Some(Decrypt::identity_file(file)?),
        (None, None) => None,
    };
    // The station's own lock: refused while it runs.
    let data = DataDir::open(&args.data.dir()?)?;
    let stamp = Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
    let done = backup::restore(
        &data.database(),
        &kiosk::store::StoreSettings::default(),
        &args.from,
        &RestoreOptions {
            key: key.as_ref(),
            force: args.force,
            stamp: &stamp,
        },
    )?;
    if done.lost > 0 {
        eprintln!(
            "warning: the copy is older than the database it replaced: {} journal entries written after the copy's last one are not in the station now (they are in the kept copy)",
            done.lost
        );
    }
    println!(
        "restored {} journal entries (schema {}{}) from {}; chain head {}",
        done.from.entries,
        done.from.version,
        if done.encrypted { ", decrypted" } else { "" },
        args.from.display(),
        done.from.head
    );
    if let Some(kept) = done.kept {
        match &kept.check {
            Ok(c) => println!(
                "the database it replaced is kept as {} ({} journal entries, chain head {}); to undo: kiosk restore --from {}",
                kept.path.display(),
                c.entries,
                c.head,
                kept.path.display()
            ),
            Err(why) => println!(
                "the database it replaced is kept as {} ({why})",
                kept.path.display()
            ),
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn case(command: CaseCommand) -> Result<ExitCode> {
    use kiosk::documents::case_file::{self, Export};
    use kiosk::domain::CaseSource;
    match command {
        CaseCommand::List { data, config } => {
            let config = Config::load(config.as_deref())?;
            let store = data.store()?;
            // The station's day, not the machine's: they differ while the
            // clock is behind the journal.
            let now = store::station_time(store.connection(), Timestamp::now())?;
            let today = config.settings.time_zone.to_datetime(now).date();
            println!(
                "{:<10} {:<24} {:<6} {:<16} {:<11} overdue",
                "case", "source", "window", "stage", "answer by"
            );
            for c in store.all_cases()? {
                let source = match &c.source {
                    CaseSource::Rating { level } => format!("rating {level}"),
                    CaseSource::Complaint { topic, .. } => format!("complaint {}", topic.zh()),
                };
                let overdue = c.overdue(today);
                println!(
                    "{:<10} {:<24} {:<6} {:<16} {:<11} {}",
                    c.no,
                    source,
                    c.window.map(|w| w.to_string()).unwrap_or_default(),
                    c.stage().to_string(),
                    c.callback_due.date.to_string(),
                    match (overdue.callback, overdue.rectification) {
                        (true, _) => "answer",
                        (false, true) => "rectification",
                        _ => "",
                    }
                );
            }
        }
        CaseCommand::Export {
            number,
            out,
            manager,
            data,
            config,
        } => {
            let config = Config::load(config.as_deref())?;
            let no: kiosk::domain::CaseNo = number.parse().map_err(anyhow::Error::msg)?;
            let dir = data.dir()?;
            let mut store = DataArg {
                data: Some(dir.clone()),
            }
            .store()?;
            if store.case(&no.to_string())?.is_none() {
                bail!("there is no case {no}; `kiosk case list` shows the cases");
            }
            let now = store::station_time(store.connection(), Timestamp::now())?;
            let by = match &manager {
                None => "未授权 not a manager: callback number masked".to_string(),
                Some(id) => {
                    let pin = read_pin()?;
                    let name = journal_export(&dir, &config, &mut store, no, id, pin)?;
                    format!("站长 manager {name} ({id})")
                }
            };
            let html = case_file::render(
                store.connection(),
                no,
                manager.is_some(),
                &Export {
                    station: &config.station,
                    tz: &config.settings.time_zone,
                    at: now,
                    by,
                },
            )?
            .with_context(|| format!("there is no case {no}"))?;
            let out = out.unwrap_or_else(|| PathBuf::from(format!("case-{no}.html")));
            std::fs::write(&out, html)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!("case {no} written to {}", out.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Checks a manager's PIN for a full export and journals the export before
/// the file is made; the manager's name. While a station runs on `dir`, it
/// checks the PIN and journals through its control socket (the one writer
/// of the journal); otherwise the export, or the refused PIN, is journaled
/// here with the folder locked. Either way nothing is written when the
/// journal cannot be.
fn journal_export(
    dir: &Path,
    config: &Config,
    store: &mut kiosk::store::Store,
    case: kiosk::domain::CaseNo,
    id: &str,
    pin: String,
) -> Result<String> {
    use kiosk::domain::{Actor, Command, SignInPlace};
    use kiosk::store::PinRefusal;
    let name = |store: &kiosk::store::Store| -> Result<String> {
        Ok(store
            .list_staff()?
            .into_iter()
            .find(|m| m.id == id)
            .map(|m| m.name)
            .unwrap_or_default())
    };
    let lock = match DataDir::open(dir) {
        Ok(lock) => lock,
        Err(kiosk::data::DataError::InUse { .. }) => {
            let socket = dir.join("control.sock");
            let answer = ask_station(&socket, &format!("case {case} export {} {}", quote(id), quote(&pin)))
                .with_context(|| {
                    format!(
                        "a station runs on {} but its control socket {} does not answer; the export was not made",
                        dir.display(),
                        socket.display()
                    )
                })?;
            if answer["ok"] != true {
                bail!(
                    "{id}: {}",
                    answer["error"].as_str().unwrap_or("refused by the station")
                );
            }
            return name(store);
        }
        Err(e) => return Err(e.into()),
    };
    let now = Timestamp::now();
    let (command, actor, refusal) = match store.check_pin(id, &pin, now)? {
        Ok((role, _)) => (
            Command::ExportCase {
                case,
                role,
                place: SignInPlace::Command,
            },
            Actor::Staff { id: id.to_string() },
            None,
        ),
        Err(refusal) => {
            // An unknown number is noted as `?`, as the station notes it: it
            // may be a PIN typed in the wrong place.
            let named = if refusal == PinRefusal::Unknown {
                "?"
            } else {
                id
            };
            (
                Command::NoteSignIn {
                    staff: named.to_string(),
                    place: SignInPlace::Command,
                    refused: Some(refusal.to_string()),
                },
                Actor::Staff {
                    id: named.to_string(),
                },
                Some(refusal),
            )
        }
    };
    match kiosk::app::offline::journal(&lock, config, &command, &actor, now) {
        Ok(()) => {}
        // Not a manager: refused by the station's rules, nothing journaled.
        Err(kiosk::app::offline::OfflineError::Refused(why)) => bail!("{id}: {why}"),
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!(
                "{id}: the export cannot be journaled, so it was not made"
            )));
        }
    }
    if let Some(refusal) = refusal {
        bail!("{id}: {refusal}");
    }
    name(store)
}

/// Asks the running station one control-socket line; its JSON answer.
fn ask_station(socket: &Path, line: &str) -> Result<serde_json::Value> {
    use std::io::{BufRead, BufReader};
    let mut stream = std::os::unix::net::UnixStream::connect(socket)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    stream.write_all(line.as_bytes())?;
    stream.write_all(b"\n")?;
    let mut answer = String::new();
    BufReader::new(&stream).read_line(&mut answer)?;
    Ok(serde_json::from_str(&answer)?)
}

/// A word for a control-socket line: quoted, with quotes and backslashes
/// escaped.
fn quote(word: &str) -> String {
    format!("\"{}\"", word.replace('\\', "\\\\").replace('"', "\\\""))
}

fn console(command: ConsoleCommand) -> Result<ExitCode> {
    use kiosk::tls;
    match command {
        ConsoleCommand::Cert {
            out,
            mut names,
            addresses,
            days,
            force,
        } => {
            if names.is_empty() && addresses.is_empty() {
                let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
                    .map(|h| h.trim().to_string())
                    .unwrap_or_default();
                if host.is_empty() {
                    bail!(
                        "cannot tell this machine's host name — pass --name HOST or --ip ADDRESS"
                    );
                }
                names = vec![format!("{host}.local"), host];
            }
            let today = TimeZone::system().to_datetime(Timestamp::now()).date();
            let made = tls::self_signed(&names, &addresses, today, days)?;
            let (cert, key) = tls::write(&out, &made, force)?;
            let cert = std::fs::canonicalize(&cert).unwrap_or(cert);
            let key = std::fs::canonicalize(&key).unwrap_or(key);
            let valid_for: Vec<String> = names
                .iter()
                .cloned()
                .chain(addresses.iter().map(ToString::to_string))
                .collect();
            println!(
                "wrote {} (the certificate) and {} (its key, readable by its owner only)",
                cert.display(),
                key.display()
            );
            println!(
                "valid for {} days from {today} for {}",
                days,
                valid_for.join(", ")
            );
            println!(
                "SHA-256 fingerprint — compare it with the one the browser shows on each window PC before trusting the certificate:"
            );
            println!("  {}", made.fingerprint);
            println!("then in kiosk.toml:");
            println!("  [console]");
            println!(
                "  listen = \"{}\"",
                addresses.first().map_or("ADDRESS:8443".to_string(), |a| {
                    std::net::SocketAddr::new(*a, 8443).to_string()
                })
            );
            println!("  tls_cert = \"{}\"", cert.display());
            println!("  tls_key = \"{}\"", key.display());
            {
                use std::os::unix::fs::MetadataExt;
                if std::fs::metadata(&key).is_ok_and(|m| m.uid() == 0) {
                    println!(
                        "the station runs as the kiosk user: give it the key with `chown kiosk: {}`",
                        key.display()
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One line from standard input: a PIN, never echoed or logged.
fn read_pin() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the PIN from standard input")?;
    Ok(line.trim().to_string())
}

fn staff(command: StaffCommand) -> Result<ExitCode> {
    match command {
        StaffCommand::Add {
            id,
            name,
            role,
            data,
        } => {
            let role = kiosk::domain::StaffRole::parse(&role).with_context(|| {
                format!("`{role}` is not a role; use staff, technician or manager")
            })?;
            let pin = read_pin()?;
            data.store()?.add_staff(&id, &name, role, &pin)?;
            println!("added {id} {name} ({})", role.word());
        }
        StaffCommand::Passwd { id, data } => {
            let pin = read_pin()?;
            data.store()?.set_pin(&id, &pin)?;
            println!("PIN of {id} changed");
        }
        StaffCommand::Unlock { id, data } => {
            data.store()?.unlock_staff(&id)?;
            println!("{id} unlocked");
        }
        StaffCommand::Disable { id, data } => {
            data.store()?.set_staff_disabled(&id, true)?;
            println!("{id} disabled");
        }
        StaffCommand::Enable { id, data } => {
            data.store()?.set_staff_disabled(&id, false)?;
            println!("{id} enabled");
        }
        StaffCommand::List { data } => {
            for m in data.store()?.list_staff()? {
                let lock = if m.hard_locked {
                    "locked until a manager unlocks".to_string()
                } else if let Some(until) = m.locked_until {
                    format!("locked until {until}")
                } else {
                    String::new()
                };
                println!(
                    "{:<8} {:<12} {:<10} wrong PINs {:<2} {lock}",
                    m.id,
                    m.name,
                    m.role.word(),
                    m.failures
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn calendar(command: CalendarCommand) -> Result<ExitCode> {
    let (file, data) = match command {
        CalendarCommand::Check { file } => (file, None),
        CalendarCommand::Load { file, data } => (
            file,
            Some(match data {
                Some(d) => d,
                None => DataDir::default_path()?,
            }),
        ),
    };
    let name = file.display().to_string();
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {name}"))?;
    // Not UTF-8: refused with its line.
    let text = kiosk::config::ConfigError::text(&name, bytes)?;
    let year = kiosk::config::read_calendar_file(&name, &text)?;
    let off = year.days.iter().filter(|d| d.is_off_day).count();
    println!(
        "{name}: {} — {off} days off, {} adjusted working days",
        year.year,
        year.days.len() - off
    );
    for d in &year.days {
        let what = if d.is_off_day {
            "off"
        } else {
            "working (调休)"
        };
        println!("  {} {:<3} {what}", d.date, d.name);
    }
    let Some(data) = data else {
        return Ok(ExitCode::SUCCESS);
    };
    let dir = kiosk::data::calendar_dir(&data);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot make {}", dir.display()))?;
    let target = dir.join(format!("{}.json", year.year));
    let part = target.with_extension("json.part");
    std::fs::write(&part, &text).with_context(|| format!("cannot write {}", part.display()))?;
    std::fs::rename(&part, &target)
        .with_context(|| format!("cannot install {}", target.display()))?;
    println!("installed as {}", target.display());
    // A running station reads its calendar again at once.
    let socket = data.join("control.sock");
    match std::os::unix::net::UnixStream::connect(&socket) {
        Ok(mut stream) => {
            use std::io::{BufRead, BufReader};
            stream.write_all(b"calendar reload\n")?;
            let mut answer = String::new();
            BufReader::new(&stream).read_line(&mut answer)?;
            let answer: serde_json::Value =
                serde_json::from_str(&answer).context("the station's answer")?;
            if answer["ok"] != true {
                bail!("the station refused the calendar: {}", answer["error"]);
            }
            println!("the running station uses it now");
        }
        Err(_) => println!("the station is not running; it reads the calendar when it starts"),
    }
    Ok(ExitCode::SUCCESS)
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
    kiosk::run::run(options, started)?;
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

/// A printer opened for a technician's command; the simulated one is started
/// for the occasion.
struct Bench {
    config: Config,
    printer: drivers::transport::Printer,
    /// The simulated printer and the data folder it lives in, held while the
    /// command runs.
    sim: Option<(board::sim::printer::VirtualPrinter, DataDir)>,
}

fn bench(args: &PrinterArgs) -> Result<Bench> {
    use kiosk::app::{printer_port, sim_model, transport_settings};
    use kiosk::config::PrinterPort;
    let mut config = Config::load(args.config.as_deref())?;
    if let Some(port) = &args.port {
        let text = format!("[printer]\nport = {}\n", toml::Value::from(port.as_str()));
        config.printer.port = Config::parse("--port", &text, None)?.printer.port;
    }
    let mut sim = None;
    let mut sim_port = PathBuf::new();
    if config.printer.port == PrinterPort::Simulated {
        // The station's own simulated printer is started for the occasion
        // (the data folder's lock says the station is not running).
        let data_path = match &args.data {
            Some(p) => p.clone(),
            None => DataDir::default_path()?,
        };
        let data = DataDir::open(&data_path)?;
        let virtual_printer = board::sim::printer::VirtualPrinter::start(
            &data.sim_printer_port(),
            &data.sim_printer_jobs(),
            sim_model(&config.printer),
        )
        .with_context(|| {
            format!(
                "cannot start the simulated printer in {}",
                data_path.display()
            )
        })?;
        sim_port = data.sim_printer_port();
        sim = Some((virtual_printer, data));
    }
    let Some(port) = printer_port(&config.printer, &sim_port) else {
        bail!("printer.port is \"none\" in the settings — pass --port /dev/ttyUSB0");
    };
    let printer = drivers::transport::Printer::open(&port, transport_settings(&config.printer))?;
    Ok(Bench {
        config,
        printer,
        sim,
    })
}

fn printer(command: PrinterCommand) -> Result<ExitCode> {
    use drivers::escpos::encode;
    use kiosk::documents::{self, Press, StoredLogo};
    let mut out = std::io::stdout().lock();
    match command {
        PrinterCommand::Status(args) => {
            let mut b = bench(&args)?;
            let health = b.printer.health()?;
            writeln!(
                out,
                "printer  {} ({}) on {}",
                b.config.printer.profile.name,
                b.config.printer.profile.id,
                b.printer.port().describe()
            )?;
            writeln!(out, "state    {health}")?;
            writeln!(
                out,
                "details  offline: {}, cover open: {}, paper out: {}, paper low: {}, cutter error: {}, unrecoverable error: {}, recoverable error: {}",
                yes(health.offline),
                yes(health.cover_open),
                yes(health.paper_out),
                yes(health.paper_near_end),
                yes(health.cutter_error),
                yes(health.unrecoverable_error),
                yes(health.recoverable_error)
            )?;
            Ok(if health.fault().is_some() {
                ExitCode::from(3)
            } else {
                ExitCode::SUCCESS
            })
        }
        PrinterCommand::Test(args) => {
            let mut b = bench(&args)?;
            let logo = StoredLogo::built_in().map_err(anyhow::Error::msg)?;
            let profile = b.config.printer.profile.clone();
            let press = Press {
                profile: &profile,
                logo: b.config.printer.logo.then_some(&logo),
            };
            let doc = documents::test_page(press, &b.config.station);
            let encoded = doc.escpos(press);
            let started = Instant::now();
            b.printer
                .send(&encoded, &std::sync::atomic::AtomicBool::new(false))?;
            let wait =
                profile.print_time(doc.paper_dots(press)) * 2 + std::time::Duration::from_secs(3);
            let paper = b.printer.finish(wait)?;
            writeln!(
                out,
                "test page printed on {}: {} bytes in {} ms{}",
                b.printer.port().describe(),
                encoded.bytes.len(),
                started.elapsed().as_millis(),
                if paper.near_end { "; paper low" } else { "" }
            )?;
            if let Some(job) = b.sim.as_ref().and_then(|(sim, _)| sim.jobs().pop()) {
                writeln!(out, "simulated paper: {}.png", job.files.display())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        PrinterCommand::StoreLogo { printer, file } => {
            let mut b = bench(&printer)?;
            if !b.config.printer.profile.nv_logo {
                bail!(
                    "the {} profile keeps no logos in memory; tickets go without one",
                    b.config.printer.profile.id
                );
            }
            let logo = match &file {
                None => StoredLogo::built_in(),
                Some(path) => std::fs::read(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))
                    .and_then(|bytes| StoredLogo::from_png(&bytes))
                    .map_err(|e| format!("{}: {e}", path.display())),
            }
            .map_err(anyhow::Error::msg)?;
            let encoded = encode(&logo.store());
            b.printer
                .send(&encoded, &std::sync::atomic::AtomicBool::new(false))?;
            b.printer.finish(std::time::Duration::from_secs(10))?;
            writeln!(
                out,
                "logo stored under {} ({}×{} dots); set printer.logo = true in kiosk.toml to print it on tickets",
                StoredLogo::KEY,
                logo.image.width(),
                logo.image.height()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        PrinterCommand::Models { config } => {
            let config = Config::load(config.as_deref())?;
            let chosen = config.printer.profile.id.clone();
            let built_in = drivers::profile::Profiles::built_in();
            let mut models: Vec<&drivers::profile::Profile> = built_in.iter().collect();
            if !models.iter().any(|p| p.id == chosen) {
                models.push(&config.printer.profile);
            }
            writeln!(out, "printer models (* = the configured one)")?;
            for p in models {
                let cuts: Vec<&str> = p
                    .cuts
                    .iter()
                    .map(|c| match c {
                        drivers::profile::CutForm::Partial => "partial",
                        drivers::profile::CutForm::Full => "full",
                    })
                    .collect();
                writeln!(
                    out,
                    "{} {:<14} {} — {} dots, cuts: {}, QR: {}, logo memory: {}, buffer {} B, flow {:?}, {} mm/s",
                    if p.id == chosen { "*" } else { " " },
                    p.id,
                    p.name,
                    p.width_dots,
                    if cuts.is_empty() {
                        "none".to_string()
                    } else {
                        cuts.join("+")
                    },
                    yes(p.qr),
                    yes(p.nv_logo),
                    p.receive_buffer,
                    p.flow_control,
                    p.speed_mm_s
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        PrinterCommand::Preview { config, out: dir } => {
            let config = Config::load(config.as_deref())?;
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let logo = StoredLogo::built_in().map_err(anyhow::Error::msg)?;
            let press = Press {
                profile: &config.printer.profile,
                logo: config.printer.logo.then_some(&logo),
            };
            for (name, doc) in documents::samples(press, &config.station) {
                let paper = doc.preview(press)?;
                let png = dir.join(format!("{name}.png"));
                paper.write_png(&png)?;
                std::fs::write(dir.join(format!("{name}.txt")), doc.text(press))?;
                let encoded = doc.escpos(press);
                writeln!(
                    out,
                    "{:<16} {:>5} bytes  {}",
                    name,
                    encoded.bytes.len(),
                    png.display()
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
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
