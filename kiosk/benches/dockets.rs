//! A year of matters in the console: the 首问 ledger filtered and the
//! monthly report, over a station's year (issue 22's bars: the ledger
//! filtered ≤ 50 ms p99, the monthly report ≤ 1 s).
//!
//! The year is made by the real rules and committed to a real SQLite file:
//! every working day of 2026 by the built-in calendar, 60 matters recorded
//! at three windows by ten members (about 15,000 in the year) — answered,
//! done, referred, noticed, refused — of which 8 are commissioned to the
//! 代办员 (about 2,000 proxy dockets, each sent to one of five offices the
//! next day, back three days later, the citizen told, handed over and
//! rated) and 4 accepted as promised matters (finished two days later).
//! Each day's records go in one commit. Then, on a reader connection as the
//! console has, filters of the ledger (a month, a member, an outcome,
//! words, a receipt number over the whole year) and the twelve monthly
//! reports, each timed N rounds.
//! Run: `cargo bench -p kiosk --bench dockets [-- N]`.

mod support;

use std::collections::BTreeMap;
use std::time::Instant;

use jiff::civil::Date;
use kiosk::config::Config;
use kiosk::domain::{
    Actor, Command, DocketNo, DocketStage, LookupCode, MatterId, MatterRef, NotifyBy, Outcome,
    Principal, Received, Settings, Station, WindowNo,
};
use kiosk::store::Store;
use kiosk::store::ledger::{LedgerFilter, ledger, monthly};

const OFFICES: [&str; 5] = ["县人社局", "县民政局", "县医保局", "县残联", "镇派出所"];

fn main() {
    let n = support::rounds().min(200);
    let dir = support::database_dir();
    let config = Config::builtin().expect("the built-in config");
    let path = dir.path().join("kiosk.db");
    let mut store = Store::open(&path, &config.store).expect("the database opens");
    store
        .add_staff("0001", "站长", kiosk::domain::StaffRole::Manager, "13579")
        .expect("a manager");
    let settings = Settings {
        sign_on_required: false,
        call_waits_for_rating: false,
        ..config.settings.clone()
    };
    let mut station = Station::new(config.catalog.clone(), config.calendar.clone(), settings);
    let matters: Vec<MatterRef> = [
        "pension-enrol",
        "elderly-allowance",
        "dibao",
        "disability",
        "medical",
    ]
    .iter()
    .enumerate()
    .map(|(i, id)| MatterRef {
        id: MatterId::parse(id).unwrap(),
        version: 1,
        zh: format!("事项{i} {id}"),
        en: None,
    })
    .collect();
    let citizen = Principal::new("王小明", "11010519491231002X").unwrap();
    let tz = config.settings.time_zone.clone();
    let at = |day: Date, minute: i64| {
        tz.to_timestamp(day.at(9, 0, 0, 0))
            .unwrap()
            .checked_add(jiff::SignedDuration::from_mins(minute))
            .unwrap()
    };
    // Steps due on later days: (day index, docket, stage, window).
    let mut due: BTreeMap<usize, Vec<(DocketNo, DocketStage)>> = BTreeMap::new();
    let (mut day, end) = (
        Date::new(2026, 1, 1).unwrap(),
        Date::new(2026, 12, 31).unwrap(),
    );
    let (mut index, mut matters_in, mut dockets_in, mut rows) = (0usize, 0u32, 0u32, 0usize);
    let started = Instant::now();
    while day <= end {
        if !config.calendar.is_working_day(day) {
            day = day.tomorrow().unwrap();
            continue;
        }
        let mut batch = Vec::new();
        let mut principals = Vec::new();
        let mut go = |station: &mut Station, minute: i64, staff: String, command: Command| {
            let d = station
                .decide(&command, &Actor::Staff { id: staff }, at(day, minute))
                .unwrap_or_else(|e| panic!("{command:?}: {e}"));
            for r in &d.records {
                station.apply(r);
            }
            principals.extend(d.principals.clone());
            batch.extend(d.records.clone());
            d
        };
        for (k, (docket, stage)) in due
            .remove(&index)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            let office = OFFICES[(docket.seq as usize) % OFFICES.len()];
            go(
                &mut station,
                k as i64,
                "0101".into(),
                Command::AdvanceDocket {
                    docket,
                    stage,
                    note: "按时办理".into(),
                    office: Some(office.into()),
                    notified: Some(NotifyBy::Phone),
                    window: Some(WindowNo::new(3).unwrap()),
                    signed: true,
                },
            );
            if stage == DocketStage::Collected {
                go(
                    &mut station,
                    k as i64,
                    "0101".into(),
                    Command::Rate {
                        window: WindowNo::new(3).unwrap(),
                        level: 3 + (docket.seq % 3) as u8,
                    },
                );
            }
        }
        for i in 0..60u32 {
            let window = WindowNo::new((i % 3 + 1) as u8).unwrap();
            let staff = format!("01{:02}", i % 10);
            let matter = matters[(i as usize) % matters.len()].clone();
            let minute = 30 + i64::from(i) * 7;
            matters_in += 1;
            let command = match i % 15 {
                0..=1 => {
                    // Commissioned to the 代办员.
                    Command::AcceptMatter {
                        window,
                        ticket: None,
                        matter,
                        working_days: 10,
                        materials: vec![Received {
                            name: "身份证复印件".into(),
                            count: 2,
                        }],
                        principal: Some(citizen.clone()),
                        code: LookupCode::from_random((i * 31 + index as u32) as u16),
                    }
                }
                2 => Command::AcceptMatter {
                    window,
                    ticket: None,
                    matter,
                    working_days: 5,
                    materials: vec![Received {
                        name: "户口簿复印件".into(),
                        count: 1,
                    }],
                    principal: None,
                    code: LookupCode::from_random((i * 17 + index as u32) as u16),
                },
                3..=5 => Command::RecordMatter {
                    window,
                    ticket: None,
                    matter,
                    outcome: Outcome::Referred {
                        to: OFFICES[(i as usize) % OFFICES.len()].into(),
                    },
                },
                6..=9 => Command::RecordMatter {
                    window,
                    ticket: None,
                    matter,
                    outcome: Outcome::Consult,
                },
                _ => Command::RecordMatter {
                    window,
                    ticket: None,
                    matter,
                    outcome: Outcome::Done,
                },
            };
            let d = go(&mut station, minute, staff, command);
            if let Some(no) = d.records.iter().find_map(|r| match r.fact {
                kiosk::domain::Fact::DocketOpened { docket, .. } => Some(docket),
                _ => None,
            }) {
                dockets_in += 1;
                let proxy = i % 15 <= 1;
                let steps: &[(usize, DocketStage)] = if proxy {
                    &[
                        (1, DocketStage::Sent),
                        (4, DocketStage::Finished),
                        (5, DocketStage::Notified),
                        (6, DocketStage::Collected),
                    ]
                } else {
                    &[
                        (1, DocketStage::InProgress),
                        (2, DocketStage::Finished),
                        (3, DocketStage::Collected),
                    ]
                };
                for (later, stage) in steps {
                    due.entry(index + later).or_default().push((no, *stage));
                }
            }
        }
        rows += batch.len();
        store
            .commit_private(&batch, &[], &principals)
            .expect("the day commits");
        index += 1;
        day = day.tomorrow().unwrap();
    }
    println!(
        "a year committed: {matters_in} matters, {dockets_in} dockets, {rows} journal rows in {:.1} s; database {:.1} MB",
        started.elapsed().as_secs_f64(),
        std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
    );
    // The path before the printer: a receipt's command decided and its
    // records (with the commission's citizen) committed, synchronous=FULL.
    let mut times = Vec::new();
    let day: Date = "2027-01-04".parse().unwrap();
    for i in 0..n {
        let command = Command::AcceptMatter {
            window: WindowNo::new(3).unwrap(),
            ticket: None,
            matter: matters[i % matters.len()].clone(),
            working_days: 10,
            materials: vec![Received {
                name: "身份证复印件".into(),
                count: 2,
            }],
            principal: Some(citizen.clone()),
            code: LookupCode::from_random(i as u16),
        };
        let t = Instant::now();
        let d = station
            .decide(
                &command,
                &Actor::Staff { id: "0101".into() },
                at(day, i as i64),
            )
            .expect("accepted");
        store
            .commit_private(&d.records, &d.contacts, &d.principals)
            .expect("committed");
        times.push(t.elapsed());
        for r in &d.records {
            station.apply(r);
        }
    }
    support::report(
        "receipt: AcceptMatter decided and committed (before the printer)",
        times,
    );
    drop(store);

    let conn = kiosk::store::open_read_only(&path, &config.store).expect("a reader");
    let today: Date = "2026-12-31".parse().unwrap();
    let month = |m: i8| {
        let first = Date::new(2026, m, 1).unwrap();
        (first.to_string(), first.last_of_month().to_string())
    };
    let year = LedgerFilter {
        from: "2026-01-01".into(),
        to: "2026-12-31".into(),
        limit: 200,
        ..LedgerFilter::default()
    };
    let filters = [
        ("a month", {
            let (from, to) = month(6);
            LedgerFilter {
                from,
                to,
                ..year.clone()
            }
        }),
        (
            "a member over the year",
            LedgerFilter {
                staff: "0103".into(),
                ..year.clone()
            },
        ),
        (
            "an outcome over the year",
            LedgerFilter {
                outcome: "referred".into(),
                ..year.clone()
            },
        ),
        (
            "words over the year",
            LedgerFilter {
                text: "派出所".into(),
                ..year.clone()
            },
        ),
        (
            "a receipt number over the year",
            LedgerFilter {
                text: "SL2026-01234".into(),
                ..year.clone()
            },
        ),
    ];
    for (what, filter) in filters {
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..n {
            let t = Instant::now();
            let (page, total) = ledger(&conn, &filter).expect("the ledger reads");
            times.push(t.elapsed());
            found = total;
            std::hint::black_box(page);
        }
        support::report(
            &format!("ledger filtered: {what} ({found} rows match)"),
            times,
        );
    }
    let mut times = Vec::new();
    for round in 0..n.min(60) {
        let m = (round % 12) as i8 + 1;
        let first = Date::new(2026, m, 1).unwrap();
        let t = Instant::now();
        let report = monthly(&conn, first, first.last_of_month(), today).expect("the report");
        times.push(t.elapsed());
        std::hint::black_box(report);
    }
    let june = monthly(
        &conn,
        "2026-06-01".parse().unwrap(),
        "2026-06-30".parse().unwrap(),
        today,
    )
    .unwrap();
    println!(
        "June: {} matters received, {} dockets accepted, {} finished ({} on time), {} offices",
        june.received,
        june.total.accepted,
        june.total.finished,
        june.total.on_time,
        june.offices.len()
    );
    support::report("monthly report (any month of the year)", times);
    drop(conn);

    // The same in the console: the real `kiosk run` on this folder, its
    // pages timed from request to the last byte.
    let (mut child, base) = support::console::serve(dir.path(), "2027-01-05 09:00");
    let client = support::console::Client::sign_in(&base);
    println!("\nIn the console (bars: ledger filtered 50 ms p99, monthly report 1 s)");
    for (label, path) in [
        ("ledger, this month (empty)", "/ledger".to_string()),
        (
            "ledger, a month",
            "/ledger?from=2026-06-01&to=2026-06-30".into(),
        ),
        (
            "ledger, a member over the year",
            "/ledger?from=2026-01-01&to=2026-12-31&staff=0103".into(),
        ),
        (
            "ledger, an outcome over the year",
            "/ledger?from=2026-01-01&to=2026-12-31&outcome=proxy".into(),
        ),
        (
            "ledger, words over the year",
            "/ledger?from=2026-01-01&to=2026-12-31&q=%E6%B4%BE%E5%87%BA%E6%89%80".into(),
        ),
        ("dockets, open", "/dockets".into()),
        ("dockets, all", "/dockets?status=all".into()),
        ("monthly report", "/reports/monthly?month=2026-06".into()),
        (
            "monthly report, December",
            "/reports/monthly?month=2026-12".into(),
        ),
    ] {
        client.time(label, &path);
    }
    let (_, csv, took) = client.get("/ledger/export?month=2026-06&format=csv");
    println!(
        "  a month's ledger as CSV: {} bytes in {:.1} ms",
        csv.len(),
        took.as_secs_f64() * 1e3
    );
    let _ = child.kill();
    let _ = child.wait();
}
