//! Matters through the real binary: the lobby guide touch by touch (browse a
//! category, find a matter by pinyin initials, open it, print its one-time
//! notice, take a ticket for it) with the papers read back by the virtual
//! printer's reader; a written notice of missing materials and outcomes given
//! at the window console over HTTP, the notice as one file, and the day's
//! matter figures in the report; and a new catalog version installed while
//! the station runs, a broken one refused with the catalog in force kept.

use std::path::Path;

use serde_json::Value;

use crate::console::Client;
use crate::support::{Station, add_staff, journal, kinds, kiosk};

fn tap(station: &mut Station, ids: &[&str]) {
    for id in ids {
        station.ok(&format!("tap {id}"));
    }
}

fn guide(station: &mut Station) -> Value {
    station.state()["screen"]["guide"].clone()
}

fn items(guide: &Value) -> Vec<String> {
    guide["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// The text of printed job `n` (1-based) as the virtual printer read it,
/// without the line breaks and spaces the paper's width put in.
fn job(jobs: &Path, n: u32) -> String {
    flat(&std::fs::read_to_string(jobs.join(format!("job-{n:04}.txt"))).unwrap())
}

/// Text without white space, to find what the paper wrapped.
fn flat(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The sample catalog, as the station reads it.
fn sample() -> kiosk::domain::Matters {
    let catalog =
        kiosk::config::parse_catalog("catalog.toml", kiosk::config::DEFAULT_CATALOG).unwrap();
    kiosk::matters::sample(&catalog)
}

#[test]
fn the_lobby_guide_finds_a_matter_prints_what_to_bring_and_takes_a_ticket_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    let catalog = sample();
    // The language switch redraws the guide, even before it was opened.
    tap(&mut station, &["language", "language"]);

    tap(&mut station, &["guide"]);
    assert_eq!(station.screen()["screen"], "guide");
    let g = guide(&mut station);
    assert_eq!(g["category"], "A");
    assert!(items(&g).contains(&"pension-enrol".to_string()), "{g}");
    // Another category, then the pinyin search: ylbx is 养老保险.
    tap(&mut station, &["guide-category-B"]);
    let g = guide(&mut station);
    assert_eq!(g["category"], "B");
    assert!(items(&g).contains(&"dibao".to_string()), "{g}");
    tap(
        &mut station,
        &["guide-search", "key-y", "key-l", "key-b", "key-x"],
    );
    let g = guide(&mut station);
    assert_eq!(g["letters"], "ylbx");
    let found = items(&g);
    assert!(found.contains(&"pension-enrol".to_string()), "{g}");
    assert!(!found.contains(&"dibao".to_string()), "{g}");
    // 养老保险 and 医疗保险 both read y- l- b- x-.
    for id in &found {
        let m = catalog
            .matters
            .iter()
            .find(|m| m.id.as_str() == id)
            .unwrap();
        assert!(m.name.zh.contains("保险"), "{id}: {}", m.name.zh);
    }
    // Deleting a letter widens the search; clearing it empties the list.
    tap(&mut station, &["key-back"]);
    assert_eq!(guide(&mut station)["letters"], "ylb");
    tap(&mut station, &["key-x"]);

    // The matter's page, and its one-time notice on paper.
    tap(&mut station, &["matter-pension-enrol"]);
    let g = guide(&mut station);
    assert_eq!(station.screen()["screen"], "guide_matter");
    let pension = catalog
        .matters
        .iter()
        .find(|m| m.id.as_str() == "pension-enrol")
        .unwrap();
    assert_eq!(g["matter"], "pension-enrol");
    assert_eq!(g["materials"], pension.materials.len());
    // A second tap while it prints is not a second paper.
    tap(&mut station, &["guide-print", "guide-print"]);
    station.ok("settle");
    assert_eq!(guide(&mut station)["print"], 2, "printed");
    assert!(!station.jobs().join("job-0002.txt").exists(), "one paper");
    let paper = job(&station.jobs(), 1);
    assert!(paper.contains("一次性告知单"), "{paper}");
    assert!(paper.contains(&flat(&pension.name.zh)), "{paper}");
    for m in &pension.materials {
        let line = flat(&format!("{} {}", m.name.zh, m.form_zh()));
        assert!(paper.contains(&line), "{line} missing from\n{paper}");
    }
    assert!(paper.contains("收费Fee:不收费"), "{paper}");
    assert!(paper.contains("打印日期Date:2026-11-30"), "{paper}");

    // A ticket for the matter: in its category, the matter on the paper.
    tap(&mut station, &["guide-take"]);
    station.ok("settle");
    let screen = station.screen();
    assert_eq!(screen["screen"], "ticket");
    assert_eq!(screen["ticket"], "A001");
    let ticket = job(&station.jobs(), 2);
    assert!(
        ticket.contains(&flat(&format!("办理事项: {}", pension.name.zh))),
        "{ticket}"
    );
    assert!(station.quit().success());
    let entries = journal(dir.path(), &[]);
    let kinds = kinds(&entries);
    assert!(kinds.contains(&"guide_printed".to_string()), "{kinds:?}");
    let issued = entries
        .iter()
        .find(|e| e["kind"] == "ticket_issued")
        .unwrap();
    assert_eq!(issued["body"]["matter"]["id"], "pension-enrol", "{issued}");
    assert_eq!(issued["body"]["matter"]["version"], 0);
}

#[test]
fn the_window_gives_a_written_notice_and_records_outcomes_that_the_report_counts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    add_staff(data, "0101", "王芳", "staff", "2468");
    let mut station = Station::start(data, &[]);
    let mut c = Client::new(&station.console.clone().expect("the console runs"));
    assert_eq!(c.login("0101", "2468").status, 303);
    let dibao = sample()
        .matters
        .into_iter()
        .find(|m| m.id.as_str() == "dibao")
        .unwrap();
    // A001 comes to window 2 (民政救助).
    station.take_ticket('B');
    station.ok("key 2 call");
    let page = c.get("/window?w=2&matter=dibao");
    assert!(page.body.contains("打印补正告知书"), "{}", page.body);
    let csrf = c.csrf("/window?w=2&matter=dibao");
    let r = c.post(
        "/matters/notice",
        &[
            ("csrf", &csrf),
            ("w", "2"),
            ("matter", "dibao"),
            ("missing", "1"),
            ("missing", "3"),
            ("other", "村委会出具的情况说明"),
            ("days", "10"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        r.location.as_deref().unwrap().contains("done=ok"),
        "{:?}",
        r.location
    );
    station.ok("settle");
    let paper = job(&station.jobs(), 2);
    assert!(paper.contains("补正材料一次性告知书"), "{paper}");
    assert!(paper.contains("BZ20261130-001"), "{paper}");
    for i in [1, 3] {
        assert!(
            paper.contains(&flat(&dibao.materials[i].name.zh)),
            "{paper}"
        );
    }
    assert!(
        !paper.contains(&flat(&dibao.materials[0].name.zh)),
        "only what is missing: {paper}"
    );
    assert!(paper.contains("村委会出具的情况说明"), "{paper}");
    // Ten working days from Monday 30 November 2026.
    assert!(paper.contains("请于2026-12-14前补齐"), "{paper}");
    assert!(
        paper.contains("经办人Staff:") && paper.contains("0101"),
        "{paper}"
    );
    // The same notice as one file, for a citizen who is not at the counter.
    let file = c.get("/notices/BZ20261130-001.html");
    assert_eq!(file.status, 200);
    assert!(
        file.header("content-disposition")
            .unwrap()
            .contains("BZ20261130-001.html")
    );
    assert!(
        file.body.contains(&dibao.materials[3].name.zh),
        "{}",
        file.body
    );
    assert!(!file.body.contains("<script"), "{}", file.body);
    assert_eq!(c.get("/notices/BZ20261130-009.html").status, 404);

    // The same citizen's second matter, answered; the same form twice is
    // refused; a refusal needs its reason.
    let csrf = c.csrf("/window?w=2&matter=temporary-aid");
    let outcome = |outcome: &str, reason: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("w", "2".to_string()),
            ("matter", "temporary-aid".to_string()),
            ("outcome", outcome.to_string()),
            ("reason", reason.to_string()),
        ]
    };
    let post = |c: &Client, form: Vec<(&str, String)>| {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        c.post("/matters/outcome", &form)
    };
    let r = post(&c, outcome("refused", " "));
    assert!(
        r.location.unwrap().contains("%E4%B8%8D%E4%BA%88"),
        "不予受理 needs a reason"
    );
    let r = post(&c, outcome("consult", ""));
    assert!(r.location.unwrap().contains("done=ok"));
    let r = post(&c, outcome("consult", ""));
    assert!(!r.location.unwrap().contains("done=ok"), "recorded once");
    // The next citizen's matter is done at the counter.
    station.ok("key 2 complete");
    station.take_ticket('B');
    station.ok("key 2 call");
    let csrf = c.csrf("/window?w=2&matter=longevity-allowance");
    let r = c.post(
        "/matters/outcome",
        &[
            ("csrf", &csrf),
            ("w", "2"),
            ("matter", "longevity-allowance"),
            ("outcome", "done"),
        ],
    );
    assert!(r.location.unwrap().contains("done=ok"));

    // The report: three matters, one notice, one visit of two needing a
    // second trip; tickets are visits, not 办件.
    let report = kiosk()
        .args(["report", "--day", "2026-11-30", "--json", "--data"])
        .arg(data)
        .output()
        .unwrap();
    assert!(report.status.success());
    let r: Value = serde_json::from_slice(&report.stdout).unwrap();
    let m = &r["matters"];
    assert_eq!(m["total"]["handled"], 3, "{m}");
    assert_eq!(
        m["total"]["outcomes"],
        serde_json::json!([1, 1, 0, 0, 0, 0, 1]),
        "{m}"
    );
    assert_eq!(m["notices"], 1);
    assert_eq!(
        (m["visits"].clone(), m["second_trips"].clone()),
        (2.into(), 1.into())
    );
    assert_eq!(m["second_trip_share"], 50.0);
    assert_eq!(m["by_window"][0]["key"], "2");
    assert!(r["matter_coding"].as_str().unwrap().contains("接待/取号"));
    let page = c.get("/reports?day=2026-11-30");
    assert!(page.body.contains("办件 Matters"), "{}", page.body);
    assert!(page.body.contains("最低生活保障申请"), "{}", page.body);
    assert!(
        page.body.contains("接待与取号 Visits (tickets)"),
        "{}",
        page.body
    );
    assert!(station.quit().success());
    let kinds = kinds(&journal(data, &[]));
    assert_eq!(
        kinds.iter().filter(|k| *k == "matter_handled").count(),
        3,
        "{kinds:?}"
    );
    assert_eq!(kinds.iter().filter(|k| *k == "notice_given").count(), 1);
}

/// A small catalog the shipped categories accept.
const CATALOG: &str = r#"[catalog]
return_days = 5

[[matter]]
id = "water-fee"
name = "农村供水缴费"
category = "E"
basis = ["村规民约"]
time_limit = "即办"

[[matter.material]]
name = "缴费卡"
form = "original"
"#;

#[test]
fn a_new_catalog_version_is_taken_at_once_and_a_broken_one_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let file = data.join("new.toml");
    std::fs::write(&file, CATALOG).unwrap();
    let load = |file: &Path| {
        kiosk()
            .args(["matters", "load"])
            .arg(file)
            .args(["--approver", "李站长", "--data"])
            .arg(data)
            .output()
            .unwrap()
    };
    // While the station runs: in force at once.
    let mut station = Station::start(data, &[]);
    let out = load(&file);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.contains("uses it now"),
        "{said}"
    );
    tap(&mut station, &["guide", "guide-category-E"]);
    assert_eq!(items(&guide(&mut station)), ["water-fee"]);
    tap(&mut station, &["matter-water-fee", "guide-take"]);
    station.ok("settle");
    // A broken file: refused with its line and field; version 1 stays.
    let broken = data.join("broken.toml");
    std::fs::write(
        &broken,
        CATALOG.replace("category = \"E\"", "category = \"Z\""),
    )
    .unwrap();
    let out = load(&broken);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("broken.toml:7: field `matter[0].category`: there is no category `Z`"),
        "{err}"
    );
    let list = || {
        let out = kiosk()
            .args(["matters", "list", "--data"])
            .arg(data)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let listed = list();
    assert!(
        listed.contains("0001.toml") && !listed.contains("0002"),
        "{listed}"
    );
    tap(&mut station, &["done", "guide", "guide-category-E"]);
    assert_eq!(items(&guide(&mut station)), ["water-fee"]);
    assert!(station.quit().success());

    // No station running: journaled here, taken at the next start.
    std::fs::write(&file, CATALOG.replace("农村供水缴费", "农村自来水缴费")).unwrap();
    let out = load(&file);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.contains("when it starts"),
        "{said}"
    );
    assert!(list().contains("0002.toml"));
    let mut station = Station::start(data, &[]);
    tap(
        &mut station,
        &["guide", "guide-category-E", "matter-water-fee"],
    );
    assert_eq!(guide(&mut station)["name"], "农村自来水缴费");
    assert!(station.quit().success());

    let entries = journal(data, &[]);
    let installed: Vec<&Value> = entries
        .iter()
        .filter(|e| e["kind"] == "matters_installed")
        .collect();
    assert_eq!(installed.len(), 2);
    assert_eq!(installed[1]["body"]["version"], 2);
    assert_eq!(installed[1]["body"]["approver"], "李站长");
    assert_eq!(installed[1]["body"]["sha256"].as_str().unwrap().len(), 64);
    // The ticket taken under version 1 keeps its name.
    let issued = entries
        .iter()
        .find(|e| e["kind"] == "ticket_issued")
        .unwrap_or_else(|| panic!("no ticket: {:?}", kinds(&entries)));
    assert_eq!(issued["body"]["matter"]["version"], 1);
    assert_eq!(issued["body"]["matter"]["zh"], "农村供水缴费");
}
