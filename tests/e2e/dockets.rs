//! A proxy matter (代办件) through the real binary from commission to
//! hand-over: accepted in Chromium at the window console with the
//! citizen's particulars (a wrong ID number refused), the receipt and the
//! commission read back from the virtual printer, each step on the
//! docket's page (a skipped stage and a hand-over without a signature
//! refused, nothing recorded twice), the receipt number on the lobby's
//! pickup page and found by the kiosk's scanner (a wrong code told nothing),
//! the result rated on the window's evaluator, the ledger and the monthly
//! report; then the citizen's name and ID number searched for in the
//! journal, the logs, the database and every export — and, after their
//! retention, gone from the database too.

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::Value;

use crate::browser::{browser, click, driver, lobby_shot, settled, shot, sign_in, type_into};
use crate::console::Client;
use crate::support::{Station, add_staff, journal, kinds, kiosk};

const NAME: &str = "王小明";
const ID: &str = "11010519491231002X";

fn flat(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn job(jobs: &Path, n: u32) -> String {
    flat(&std::fs::read_to_string(jobs.join(format!("job-{n:04}.txt"))).unwrap_or_default())
}

/// Every place the citizen's particulars must not be: the journal as
/// exported, the kiosk's log, every table but the commission's own, the
/// ledger and report exports.
fn leaks(data: &Path, log: &Path, console: Option<&Client>) -> Vec<String> {
    let mut found = Vec::new();
    let mut look = |place: &str, text: &str| {
        for needle in [NAME, ID, &ID[6..14]] {
            if text.contains(needle) {
                found.push(format!("{needle} in {place}"));
            }
        }
    };
    look(
        "the journal",
        &serde_json::to_string(&journal(data, &[])).unwrap(),
    );
    look("the log", &std::fs::read_to_string(log).unwrap_or_default());
    for format in ["csv", "json"] {
        let out = kiosk()
            .args([
                "export",
                "--from",
                "2026-11-01",
                "--to",
                "2026-12-31",
                "--format",
                format,
                "--data",
            ])
            .arg(data)
            .output()
            .unwrap();
        assert!(out.status.success());
        look("kiosk export", &String::from_utf8_lossy(&out.stdout));
        if let Some(c) = console {
            look(
                "the ledger export",
                &c.get(&format!("/ledger/export?month=2026-11&format={format}"))
                    .body,
            );
            look(
                "the monthly export",
                &c.get(&format!(
                    "/reports/monthly/export?month=2026-11&format={format}"
                ))
                .body,
            );
        }
    }
    let db = rusqlite::Connection::open_with_flags(
        data.join("kiosk.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let tables: Vec<String> = db
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'docket_principals'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in tables {
        let mut stmt = db.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let rows: Vec<String> = stmt
            .query_map([], |r| {
                Ok((0..columns)
                    .map(|i| match r.get_ref(i) {
                        Ok(rusqlite::types::ValueRef::Text(t)) => {
                            String::from_utf8_lossy(t).into_owned()
                        }
                        Ok(rusqlite::types::ValueRef::Blob(b)) => {
                            String::from_utf8_lossy(b).into_owned()
                        }
                        _ => String::new(),
                    })
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        look(&format!("table {table}"), &rows.join("\n"));
    }
    found
}

/// The particulars the commission's table holds, if any.
fn principal_rows(data: &Path) -> i64 {
    let db = rusqlite::Connection::open_with_flags(
        data.join("kiosk.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    db.query_row("SELECT count(*) FROM docket_principals", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_proxy_matter_from_commission_to_hand_over_in_chromium_keeps_the_citizen_private() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let log = data.join("kiosk.log");
    add_staff(data, "0001", "李站长", "manager", "13579");
    add_staff(data, "0103", "赵敏", "staff", "2468");
    let mut station = Station::start_logging(data, &[], Some(&log));
    let base = station.console.clone().expect("the console runs");
    station.ok("sign-on 3 0103 2468");
    station.take_ticket('D');
    station.ok("key 3 call");
    let driver = driver();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let accept = "form[action='/matters/accept']";
    runtime.block_on(async {
        let c = browser(&driver).await;
        sign_in(&c, &base, "0103", "2468").await;
        c.goto(&format!("{base}/window?w=3&matter=senior-card"))
            .await
            .unwrap();
        settled(&c, accept).await;
        for i in ["0", "1"] {
            click(&c, &format!("{accept} input[name=got][value='{i}']")).await;
        }
        two_of_the_first(&c, accept).await;
        click(&c, &format!("{accept} input[name=kind][value=proxy]")).await;
        type_into(&c, &format!("{accept} input[name=name]"), NAME).await;
        // A check digit typed wrong: refused, nothing recorded.
        type_into(&c, &format!("{accept} input[name=idno]"), "110105194912310021").await;
        shot(&c, "console-accept.png").await;
        click(&c, &format!("{accept} button")).await;
        let page = settled(&c, "p.err, p.msg").await;
        assert!(page.contains("校验位"), "{page}");
        for i in ["0", "1"] {
            click(&c, &format!("{accept} input[name=got][value='{i}']")).await;
        }
        two_of_the_first(&c, accept).await;
        click(&c, &format!("{accept} input[name=kind][value=proxy]")).await;
        type_into(&c, &format!("{accept} input[name=name]"), NAME).await;
        type_into(&c, &format!("{accept} input[name=idno]"), ID).await;
        click(&c, &format!("{accept} button")).await;
        let page = settled(&c, "p.msg, p.err").await;
        assert!(page.contains("已完成 Done"), "{page}");

        // The docket's list and file: the citizen in full only in the file.
        c.goto(&format!("{base}/dockets")).await.unwrap();
        let list = settled(&c, "#dockets").await;
        assert!(list.contains("SL2026-00001") && !list.contains(NAME), "{list}");
        c.goto(&format!("{base}/dockets/SL2026-00001")).await.unwrap();
        let file = settled(&c, "#advance").await;
        assert!(file.contains(NAME) && file.contains(ID), "{file}");
        // A stage skipped (the form offers only 送件): forced, refused.
        c.execute(
            "document.querySelector('#advance select[name=stage]').innerHTML = '<option value=finished>finished</option>';",
            vec![],
        )
        .await
        .unwrap();
        click(&c, "#advance button").await;
        let page = settled(&c, "p.err").await;
        assert!(page.contains("next comes 送件"), "{page}");
        type_into(&c, "#advance input[name=office]", "县老龄办").await;
        click(&c, "#advance button").await;
        settled(&c, "#advance select[name=stage] option[value=finished]").await;
        type_into(&c, "#advance input[name=note]", "老年人优待证已制作").await;
        click(&c, "#advance button").await;
        settled(&c, "#advance select[name=notified]").await;
        shot(&c, "console-docket.png").await;
        c.close().await.unwrap();
    });
    station.ok("settle");
    // The papers: the ticket, then the receipt and the commission.
    let receipt = job(&station.jobs(), 2);
    assert!(
        receipt.contains("代办受理回执") && receipt.contains("SL2026-00001"),
        "{receipt}"
    );
    assert!(
        receipt.contains("2026-12-14"),
        "ten working days: {receipt}"
    );
    assert!(
        receipt.contains("×2") && receipt.contains("共3份"),
        "{receipt}"
    );
    assert!(
        !receipt.contains(NAME),
        "the receipt names nobody: {receipt}"
    );
    let code: String = receipt
        .split("查询码Code:")
        .nth(1)
        .unwrap()
        .chars()
        .take(4)
        .collect();
    let commission = job(&station.jobs(), 3);
    assert!(commission.contains("代办委托书"), "{commission}");
    assert!(
        commission.contains(NAME) && commission.contains(ID),
        "{commission}"
    );
    assert!(commission.contains("委托人签名"), "{commission}");

    // The lobby: the number on the pickup page; the scanner finds it.
    station.ok("tap board");
    station.ok("tap board-later");
    let board = station.screen()["board"].clone();
    assert!(
        board["title"].as_str().unwrap().starts_with("待领取"),
        "{board}"
    );
    assert!(
        board["lines"].to_string().contains("SL2026-00001"),
        "{board}"
    );
    assert!(!board.to_string().contains(NAME));
    lobby_shot(&mut station, "board-pickup-800x480.png");
    station.ok("tap board-receipt");
    assert_eq!(
        station.screen()["screen"],
        "receipt",
        "{}",
        station.screen()
    );
    let wrong = if code == "1000" { "1001" } else { "1000" };
    station.ok(&format!("scan SL2026-00001/{wrong}"));
    let missed = station.screen()["lookup"].clone();
    assert!(missed.is_object(), "{}", station.screen());
    station.ok("tap key-receipt-clear");
    station.ok("scan SL2026-00099/1234");
    let unknown = station.screen()["lookup"].clone();
    assert_eq!(missed["found"], false);
    assert_eq!(
        missed["lines"], unknown["lines"],
        "a wrong code tells nothing more"
    );
    station.ok("tap key-receipt-clear");
    station.ok(&format!("scan SL2026-00001/{code}"));
    let found = station.screen()["lookup"].clone();
    assert_eq!(found["found"], true, "{found}");
    let lines = found["lines"].to_string();
    assert!(
        lines.contains("3 号窗口领取") && !lines.contains(NAME),
        "{lines}"
    );
    lobby_shot(&mut station, "receipt-found-800x480.png");

    // Told by phone, handed over only when signed for, rated at window 3.
    let mut c = Client::new(&base);
    assert_eq!(c.login("0103", "2468").status, 303);
    let step = |c: &Client, form: &[(&str, &str)]| {
        let csrf = c.csrf("/dockets/SL2026-00001");
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(form);
        c.post("/dockets/SL2026-00001/advance", &all)
            .location
            .unwrap_or_default()
    };
    let twice = step(&c, &[("stage", "finished"), ("note", "again")]);
    assert!(twice.contains("recorded"), "{twice}");
    // A note that names the citizen: journaled masked.
    assert!(
        step(
            &c,
            &[
                ("stage", "notified"),
                ("notified", "phone"),
                ("note", "已电话告知王小明本人")
            ]
        )
        .ends_with("done=ok")
    );
    let unsigned = step(&c, &[("stage", "collected"), ("window", "3")]);
    assert!(unsigned.contains("signs"), "{unsigned}");
    assert!(
        step(
            &c,
            &[("stage", "collected"), ("window", "3"), ("signed", "1")]
        )
        .ends_with("done=ok")
    );
    // Window 3's card asks for the rating of the result.
    let state = station.state();
    let card = state["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["window"] == 3)
        .map(|c| c["card"].to_string())
        .unwrap_or_default();
    assert!(card.contains("SL2026-00001"), "{card}");
    station.ok("rate 3 5");
    let file = c.get("/dockets/SL2026-00001").body;
    assert!(file.contains("5 / 5"), "{file}");

    // A question outside the catalog, referred: in the ledger by what was
    // asked.
    let csrf = c.csrf("/window?w=3");
    let r = c.post(
        "/matters/outcome",
        &[
            ("csrf", &csrf),
            ("w", "3"),
            ("matter", "other"),
            ("asked", "宅基地审批"),
            ("outcome", "referred"),
            ("to", "镇自然资源所"),
        ],
    );
    assert!(r.location.unwrap_or_default().contains("done=ok"));
    // The manager's ledger and month.
    assert_eq!(c.login("0001", "13579").status, 303);
    let ledger = c.get("/ledger?from=2026-11-01&to=2026-11-30").body;
    assert!(
        ledger.contains("SL2026-00001") && ledger.contains("转代办"),
        "{ledger}"
    );
    assert!(
        ledger.contains("宅基地审批") && ledger.contains("转至 镇自然资源所"),
        "{ledger}"
    );
    let month = c.get("/reports/monthly?month=2026-11").body;
    assert!(month.contains("县老龄办"), "{month}");
    let csv = c.get("/ledger/export?month=2026-11&format=csv");
    assert!(csv.body.contains("proxy = 转代办"), "{}", csv.body);

    let found = leaks(data, &log, Some(&c));
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(principal_rows(data), 1);
    assert!(station.quit().success());
    let kinds = kinds(&journal(data, &[]));
    for kind in [
        "docket_opened",
        "docket_advanced",
        "docket_rating_armed",
        "docket_rated",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind}: {kinds:?}");
    }

    // 181 days after hand-over the particulars are deleted, journaled.
    let mut station = Station::start_logging(data, &["--clock", "2027-05-31 09:00"], Some(&log));
    let deadline = Instant::now() + Duration::from_secs(30);
    while !kinds_now(data).contains(&"principal_deleted".to_string()) {
        assert!(
            Instant::now() < deadline,
            "the particulars were not deleted"
        );
        station.ok("wait 200ms");
    }
    let mut c = Client::new(&station.console.clone().unwrap());
    assert_eq!(c.login("0001", "13579").status, 303);
    let file = c.get("/dockets/SL2026-00001").body;
    assert!(
        file.contains("已按保存期限删除") && !file.contains(NAME),
        "{file}"
    );
    assert_eq!(principal_rows(data), 0);
    assert!(station.quit().success());
    // The journal, the log, the tables and the command line's export again.
    let found = leaks(data, &log, None);
    assert!(found.is_empty(), "{found:?}");
    let db = std::fs::read(data.join("kiosk.db")).unwrap();
    assert!(
        !db.windows(NAME.len()).any(|w| w == NAME.as_bytes()),
        "the deleted name is still in the database file's pages"
    );
}

/// Two copies of the form's first material received.
async fn two_of_the_first(c: &fantoccini::Client, accept: &str) {
    let count = c
        .find(Locator::Css(&format!("{accept} input[name=count0]")))
        .await
        .unwrap();
    count.clear().await.unwrap();
    count.send_keys("2").await.unwrap();
}

fn kinds_now(data: &Path) -> Vec<String> {
    let entries: Vec<Value> = journal(data, &["--kind", "principal_deleted"]);
    kinds(&entries)
}
