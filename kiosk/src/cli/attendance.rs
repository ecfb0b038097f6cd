//! `kiosk attendance`: a week's attendance sheet (考勤) from the journal's
//! sign-ons and the leave register, by the regulations' rule
//! (`kiosk::attendance`): every member of the staff list but technicians,
//! each working day marked, with the week's counts.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use kiosk::attendance::{Rules, week};
use kiosk::config::Config;
use kiosk::store;

use super::DataArg;
use super::journal::parse_day;

#[derive(Args)]
pub(super) struct AttendanceArgs {
    /// A day of the week to show (its Monday to Sunday), 2026-11-30;
    /// the week before this one when left out, as the regulations post it
    /// every Monday.
    #[arg(long)]
    week: Option<String>,
    #[command(flatten)]
    data: DataArg,
    /// Settings file (the hours and the time zone).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

pub(super) fn run(args: AttendanceArgs) -> Result<ExitCode> {
    let config = Config::load(args.config.as_deref())?;
    let tz = &config.settings.time_zone;
    let now = jiff::Timestamp::now();
    let today = tz.to_datetime(now).date();
    let day = match &args.week {
        Some(d) => parse_day(d, "--week")?,
        None => today
            .checked_sub(jiff::Span::new().days(7))
            .context("a date a week ago")?,
    };
    let dir = args.data.dir()?;
    let (calendar, _) = kiosk::config::calendar_with_installed(&kiosk::data::calendar_dir(&dir));
    let db = dir.join("kiosk.db");
    let conn = store::open_read_only(&db, &config.store)
        .with_context(|| format!("reading {}", db.display()))?;
    let rules = Rules {
        calendar: &calendar,
        hours: config.catalog.hours(),
        settings: &config.settings,
    };
    let sheet = week(&conn, &db, &rules, day, now)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} 考勤 Attendance {} – {}",
        config.station.name_zh, sheet.monday, sheet.until
    )?;
    for m in &sheet.members {
        let marks: Vec<String> = m
            .days
            .iter()
            .map(|d| format!("{} {}", d.date.strftime("%m-%d"), d.mark.zh()))
            .collect();
        let t = &m.totals;
        writeln!(
            out,
            "{} {}: {}\n    出勤 {} 迟到 {} 早退 {} 缺席 {} 旷工 {} 请假 {} 值班 {}",
            m.member,
            m.name,
            marks.join(" · "),
            t.present,
            t.late,
            t.early,
            t.absent,
            t.unapproved,
            t.leave,
            t.duty
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
