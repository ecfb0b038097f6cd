//! `kiosk attendance`: a week's attendance sheet (考勤) from the journal's
//! sign-ons, by the regulations' rule (`domain::attendance`): every member
//! of the staff list but technicians, each working day marked, with the
//! week's counts. Leave is not registered yet: a working day without a
//! sign-on shows as 旷工.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use kiosk::config::Config;
use kiosk::domain::{StaffRole, Totals, attendance};
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
    let today = tz.to_datetime(jiff::Timestamp::now()).date();
    let day = match &args.week {
        Some(d) => parse_day(d, "--week")?,
        None => today
            .checked_sub(jiff::Span::new().days(7))
            .context("a date a week ago")?,
    };
    let monday = day
        .checked_sub(jiff::Span::new().days(i64::from(day.weekday().to_monday_zero_offset())))
        .context("the week's Monday")?;
    // Days to come are not marked.
    let sunday = monday
        .checked_add(jiff::Span::new().days(6))
        .context("the week's Sunday")?
        .min(today);
    let dir = args.data.dir()?;
    let (calendar, _) = kiosk::config::calendar_with_installed(&kiosk::data::calendar_dir(&dir));
    let db = dir.join("kiosk.db");
    let conn = store::open_read_only(&db, &config.store)
        .with_context(|| format!("reading {}", db.display()))?;
    let mut on_post = store::attendance::spans(&conn, monday, sunday)?;
    for s in store::read_staff(&conn, &db)? {
        if !s.disabled && s.role != StaffRole::Technician {
            let entry = on_post.entry(s.id).or_default();
            entry.name = s.name;
        }
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} 考勤 Attendance {monday} – {sunday}",
        config.station.name_zh
    )?;
    for (member, p) in &on_post {
        let days = attendance(
            &p.spans,
            &[],
            (monday, sunday),
            config.catalog.hours(),
            &calendar,
            &config.settings,
        );
        let marks: Vec<String> = days
            .iter()
            .map(|d| format!("{} {}", d.date.strftime("%m-%d"), d.mark.zh()))
            .collect();
        let t = Totals::of(&days);
        writeln!(
            out,
            "{member} {}: {}\n    出勤 {} 迟到 {} 早退 {} 缺席 {} 旷工 {} 请假 {}",
            p.name,
            marks.join(" · "),
            t.present,
            t.late,
            t.early,
            t.absent,
            t.unapproved,
            t.leave
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
