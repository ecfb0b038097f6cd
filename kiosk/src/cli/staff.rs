//! `kiosk console`, `kiosk staff` and `kiosk calendar`: the console's
//! certificate, staff and their PINs, the holiday calendar, asked of the
//! running station through its control socket where it must know at once.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use kiosk::data::DataDir;

use super::*;

/// Asks the running station one control-socket line; its JSON answer.
pub(super) fn ask_station(socket: &Path, line: &str) -> Result<serde_json::Value> {
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
pub(super) fn quote(word: &str) -> String {
    format!("\"{}\"", word.replace('\\', "\\\\").replace('"', "\\\""))
}

pub(super) fn console(command: ConsoleCommand) -> Result<ExitCode> {
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
pub(super) fn read_pin() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the PIN from standard input")?;
    Ok(line.trim().to_string())
}

pub(super) fn staff(command: StaffCommand) -> Result<ExitCode> {
    match command {
        StaffCommand::Add {
            id,
            name,
            role,
            data,
        } => {
            let role = kiosk::domain::StaffRole::parse(&role).with_context(|| {
                format!("`{role}` is not a role; use staff, supervisor, technician or manager")
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
        StaffCommand::Photo {
            id,
            file,
            remove,
            data,
        } => {
            let folder = data.dir()?;
            let dir = kiosk::photos::dir(&folder);
            let store = kiosk::store::Store::open(
                &folder.join("kiosk.db"),
                &kiosk::store::StoreSettings::default(),
            )?;
            if !store.list_staff()?.iter().any(|m| m.id == id) {
                bail!("{id} is not on the staff list (kiosk staff add {id} --name NAME)");
            }
            match (file, remove) {
                (Some(file), false) => {
                    let path = kiosk::photos::install(&dir, &id, &file)?;
                    println!("photo of {id} put in place: {}", path.display());
                }
                (None, true) => match kiosk::photos::of(&dir, &id) {
                    Some(path) => {
                        std::fs::remove_file(&path)
                            .with_context(|| format!("removing {}", path.display()))?;
                        println!("photo of {id} removed");
                    }
                    None => println!("{id} has no photo"),
                },
                _ => bail!("give the photo's file, or --remove (not both)"),
            }
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

pub(super) fn calendar(command: CalendarCommand) -> Result<ExitCode> {
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
