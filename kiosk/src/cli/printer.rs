//! `kiosk printer`: asking the printer, a test page, previews of every
//! document, and the delivery bench.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use kiosk::config::Config;
use kiosk::data::DataDir;

use super::*;

/// A printer opened for a technician's command; the simulated one is started
/// for the occasion.
pub(super) struct Bench {
    config: Config,
    printer: drivers::transport::Printer,
    /// The simulated printer and the data folder it lives in, held while the
    /// command runs.
    sim: Option<(board::sim::printer::VirtualPrinter, DataDir)>,
}

pub(super) fn bench(args: &PrinterArgs) -> Result<Bench> {
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

pub(super) fn printer(command: PrinterCommand) -> Result<ExitCode> {
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

pub(super) fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
