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
use kiosk::app::{Display, RunOptions};
use kiosk::config::Config;
use kiosk::data::DataDir;
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
}

#[derive(Args, Default)]
struct RunArgs {
    /// Settings file (see assets/kiosk.toml); the built-in settings when absent.
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
    /// Run these simulated-board commands (see README, "Scenario files").
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
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

pub fn main(started: Instant) -> Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        None => run(RunArgs::default(), started),
        Some(Command::Run(args)) => run(args, started),
        Some(Command::Logs(args)) => logs(args),
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
    kiosk::app::run(options, started)?;
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
        day: args.day,
        limit: args.limit,
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
