//! `kiosk matters check|load|list`: the matter catalog (办事指南) checked
//! against the station's categories and windows, installed as a new version
//! with its approver journaled — through a running station's control socket
//! (which takes it at once), or here with the data folder locked — and the
//! installed versions listed.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use jiff::Timestamp;
use kiosk::config::{Config, ConfigError, parse_matters};
use kiosk::data::DataDir;
use kiosk::domain::{Actor, Command, Fee, Matters, TimeLimit};
use kiosk::matters;

use super::MattersCommand;
use super::staff::{ask_station, quote};

pub(super) fn matters(command: MattersCommand) -> Result<ExitCode> {
    match command {
        MattersCommand::Check { file, config } => {
            let config = Config::load(config.as_deref())?;
            let (_, matters) = read(&file, &config)?;
            summary(&matters);
            Ok(ExitCode::SUCCESS)
        }
        MattersCommand::Load {
            file,
            approver,
            config,
            data,
        } => {
            let config = Config::load(config.as_deref())?;
            let data = match data {
                Some(d) => d,
                None => DataDir::default_path()?,
            };
            let (text, matters) = read(&file, &config)?;
            if approver.trim().is_empty() {
                bail!("--approver: name who approved this list (审定人)");
            }
            summary(&matters);
            load(&data, &config, &text, &approver)
        }
        MattersCommand::List { data } => {
            let data = match data {
                Some(d) => d,
                None => DataDir::default_path()?,
            };
            let dir = kiosk::data::matters_dir(&data);
            let versions = matters::installed(&dir);
            if versions.is_empty() {
                println!("no version installed: the built-in sample (version 0) is in force");
            }
            for v in versions {
                println!("{}", matters::version_file(&dir, v).display());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn read(file: &std::path::Path, config: &Config) -> Result<(String, Matters)> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {name}"))?;
    let text = ConfigError::text(&name, bytes)?;
    let matters = parse_matters(&name, &text, &config.catalog, 0)?;
    Ok((text, matters))
}

fn summary(matters: &Matters) {
    let sample = if matters.sample {
        " (marked as a sample: replace it with the approved list)"
    } else {
        ""
    };
    println!("{} matters{sample}", matters.matters.len());
    for m in &matters.matters {
        let limit = match m.limit {
            TimeLimit::Immediate => "即办".to_string(),
            TimeLimit::WorkingDays(n) => format!("{n} 工作日"),
        };
        let fee = match &m.fee {
            Fee::Free => "free".to_string(),
            Fee::Charged { amount, .. } => amount.clone(),
        };
        println!(
            "  {} {:<24} {} {:>2} materials, {limit}, {fee}",
            m.category,
            m.id.as_str(),
            m.name.zh,
            m.materials.len()
        );
    }
}

/// Installs the text as the next version and journals it: through the
/// running station, or here with the folder locked. A version that cannot
/// be journaled is taken back.
fn load(data: &std::path::Path, config: &Config, text: &str, approver: &str) -> Result<ExitCode> {
    let dir = kiosk::data::matters_dir(data);
    match DataDir::open(data) {
        Ok(lock) => {
            let version = matters::install(&dir, text)
                .with_context(|| format!("cannot install into {}", dir.display()))?;
            let (book, _) = matters::Book::open(Some(&dir), &config.catalog);
            let command = Command::NoteMatters {
                version,
                approver: approver.to_string(),
                matters: book.current().matters.len() as u32,
                sha256: book.digest(version).map_err(anyhow::Error::msg)?,
            };
            if let Err(e) = kiosk::app::offline::journal(
                &lock,
                config,
                &command,
                &Actor::Technician,
                Timestamp::now(),
            ) {
                let _ = matters::uninstall(&dir, version);
                return Err(anyhow::Error::new(e)
                    .context("the new version cannot be journaled, so it was not installed"));
            }
            println!(
                "installed as {}; the station takes it when it starts",
                matters::version_file(&dir, version).display()
            );
        }
        Err(kiosk::data::DataError::InUse { .. }) => {
            let version = matters::install(&dir, text)
                .with_context(|| format!("cannot install into {}", dir.display()))?;
            let socket = data.join("control.sock");
            let answer = ask_station(
                &socket,
                &format!("matters load {version} {}", quote(approver)),
            );
            match answer {
                Ok(a) if a["ok"] == true => println!(
                    "installed as {}; the running station uses it now",
                    matters::version_file(&dir, version).display()
                ),
                Ok(a) => {
                    let _ = matters::uninstall(&dir, version);
                    bail!(
                        "the station refused version {version}: {}; nothing changed",
                        a["error"].as_str().unwrap_or("no reason given")
                    );
                }
                Err(e) => {
                    let _ = matters::uninstall(&dir, version);
                    return Err(e.context(format!(
                        "a station runs on {} but its control socket does not answer; nothing changed",
                        data.display()
                    )));
                }
            }
        }
        Err(e) => return Err(e.into()),
    }
    Ok(ExitCode::SUCCESS)
}
