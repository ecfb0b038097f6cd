//! `kiosk report`, `export`, `verify-log` and `case`: what the journal holds,
//! read from the station's database without the station running.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use jiff::Timestamp;
use kiosk::config::Config;
use kiosk::data::DataDir;
use kiosk::store;

use super::*;

/// The journal of the data folder, opened for reading.
pub(super) fn read_journal(data: DataArg) -> Result<rusqlite::Connection> {
    let db = data.journal()?;
    Ok(store::open_read_only(
        &db,
        &kiosk::store::StoreSettings::default(),
    )?)
}

pub(super) fn parse_day(text: &str, what: &str) -> Result<jiff::civil::Date> {
    text.trim()
        .parse()
        .with_context(|| format!("{what}: `{text}` is not a day such as 2026-11-30"))
}

/// The longest range an export or report covers.
pub(super) const MAX_DAYS: i32 = 366 * 2;

pub(super) fn day_range(from: jiff::civil::Date, to: jiff::civil::Date) -> Result<()> {
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

pub(super) fn minutes(seconds: Option<u32>) -> String {
    seconds.map_or_else(|| "—".into(), |s| format!("{}:{:02}", s / 60, s % 60))
}

pub(super) fn report(args: ReportArgs) -> Result<ExitCode> {
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
    writeln!(out, "\nVisits (接待/取号: tickets)\n{}", line(&r.total))?;
    writeln!(out, "\nBy category")?;
    for l in &r.by_category {
        writeln!(out, "{}", line(l))?;
    }
    writeln!(out, "\nBy window")?;
    for l in &r.by_window {
        writeln!(out, "{}", line(l))?;
    }
    let m = &r.matters;
    writeln!(
        out,
        "\nMatters (办件) {}  notices (补正告知) {}  second trips {} of {} visits ({})  guide notices printed {}  tickets for a matter {}",
        m.total.handled,
        m.notices,
        m.second_trips,
        m.visits,
        m.second_trip_share
            .map_or_else(|| "—".into(), |s| format!("{s:.1} %")),
        m.guides_printed,
        m.tickets_for_matters
    )?;
    let outcomes = |l: &store::report::MatterLine| {
        let counts: Vec<String> = kiosk::domain::Outcome::WORDS
            .iter()
            .zip(l.outcomes)
            .map(|(w, n)| format!("{w} {n}"))
            .collect();
        format!(
            "{:<24} {:>5}  {}  {}",
            l.key,
            l.handled,
            counts.join("  "),
            l.name
        )
    };
    writeln!(out, "By matter")?;
    for l in &m.by_matter {
        writeln!(out, "{}", outcomes(l))?;
    }
    writeln!(out, "By window")?;
    for l in &m.by_window {
        writeln!(out, "{}", outcomes(l))?;
    }
    writeln!(out, "({})", r.matter_coding)?;
    let share = |s: Option<f64>| s.map_or_else(|| "—".into(), |s| format!("{s:.1} %"));
    let rating = |l: &store::report::RatingLine| {
        format!(
            "{:<8} 5:{} 4:{} 3:{} 2:{} 1:{}  total {}  satisfaction {}  good rate {}",
            l.key,
            l.levels[4],
            l.levels[3],
            l.levels[2],
            l.levels[1],
            l.levels[0],
            l.total,
            share(l.satisfaction),
            share(l.good_rate)
        )
    };
    writeln!(out, "\nRatings\n{}", rating(&r.ratings))?;
    for l in &r.ratings_by_window {
        writeln!(out, "window {}", rating(l))?;
    }
    let service = |l: &store::report::ServiceLine| {
        format!(
            "{:<8} served {}  offered {}  not offered {}  rated {} ({})  satisfaction {}  good rate {}",
            l.key,
            l.served,
            l.offered,
            l.not_offered,
            l.ratings.total,
            share(l.rated_share),
            share(l.ratings.satisfaction),
            share(l.ratings.good_rate)
        )
    };
    writeln!(out, "\nServices and ratings by member (who was signed on)")?;
    for l in &r.services_by_member {
        writeln!(out, "{}", service(l))?;
    }
    for l in &r.services_by_window {
        writeln!(out, "window {}", service(l))?;
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

pub(super) fn export(args: ExportArgs) -> Result<ExitCode> {
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

pub(super) fn compact(data: DataArg) -> Result<ExitCode> {
    // The station's own lock: refused while it runs.
    let data = DataDir::open(&data.dir()?)?;
    let db = data.database();
    let started = std::time::Instant::now();
    let mut store = store::Store::open(&db, &kiosk::store::StoreSettings::default())?;
    let done = store.compact().with_context(|| {
        format!(
            "compacting {} (the database is unchanged unless it says it is damaged)",
            db.display()
        )
    })?;
    let mb = |b: u64| b as f64 / 1e6;
    println!(
        "{}: page size {} → {} bytes, file {:.1} MB → {:.1} MB, checked, in {:.1} s",
        db.display(),
        done.before.0,
        done.after.0,
        mb(done.before.1),
        mb(done.after.1),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

pub(super) fn verify_log(data: DataArg, anchors: &[String]) -> Result<ExitCode> {
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

pub(super) fn case(command: CaseCommand) -> Result<ExitCode> {
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
pub(super) fn journal_export(
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
