//! The staff console in a real browser: Debian's Chromium, headless, driven
//! through chromedriver (WebDriver). Sign in, call a ticket from the window
//! console and see the lobby board show it, move a case on, and be locked out
//! after five wrong PINs. `scripts/deps` installs chromium and
//! chromium-driver.
//!
//! With `KIOSK_CONSOLE_SHOTS=DIR` the pages are saved there as PNGs (the
//! README's pictures of the console come from this).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

use crate::support::{Station, add_staff};

/// chromedriver on a free port, stopped when dropped.
pub(crate) struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn driver() -> Driver {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver runs (scripts/deps installs chromium and chromium-driver)");
    // Ready when it accepts connections.
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

pub(crate) async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=zh-CN"]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

/// With `KIOSK_CONSOLE_SHOTS`, the lobby screen saved there too: the kiosk
/// writes inside its data folder only, so it is saved there and copied.
pub(crate) fn lobby_shot(station: &mut Station, name: &str) {
    if let Some(dir) = std::env::var_os("KIOSK_CONSOLE_SHOTS") {
        let inside = station.data().join(name);
        station.ok(&format!("screenshot {}", inside.display()));
        std::fs::copy(&inside, std::path::Path::new(&dir).join(name)).unwrap();
    }
}

pub(crate) async fn shot(c: &Client, name: &str) {
    if let Some(dir) = std::env::var_os("KIOSK_CONSOLE_SHOTS") {
        let png = c.screenshot().await.unwrap();
        std::fs::write(std::path::Path::new(&dir).join(name), png).unwrap();
    }
}

pub(crate) async fn sign_in(c: &Client, base: &str, staff: &str, pin: &str) -> String {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Css("input[name=staff]"))
        .await
        .unwrap()
        .send_keys(staff)
        .await
        .unwrap();
    c.find(Locator::Css("input[name=pin]"))
        .await
        .unwrap()
        .send_keys(pin)
        .await
        .unwrap();
    click(c, "button[type=submit]").await;
    // The next page has either the console's menu or the refusal.
    settled(c, "nav, p.err").await
}

/// Clicks the element `css` finds.
pub(crate) async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}` on the page: {e}"))
        .click()
        .await
        .unwrap();
}

/// Waits for the page the last click led to (it shows `css`); its source.
pub(crate) async fn settled(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}` on the page: {e}"));
    c.source().await.unwrap()
}

/// Chooses `value` in the select `css` finds.
pub(crate) async fn choose(c: &Client, css: &str, value: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}` on the page: {e}"))
        .select_by_value(value)
        .await
        .unwrap();
}

/// Types `text` into the field `css` finds.
pub(crate) async fn type_into(c: &Client, css: &str, text: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}` on the page: {e}"))
        .send_keys(text)
        .await
        .unwrap();
}

#[test]
fn the_console_in_chromium_calls_a_ticket_moves_a_case_exports_and_locks_out_wrong_pins() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    add_staff(data, "0001", "李站长", "manager", "13579");
    add_staff(data, "0101", "王芳", "staff", "2468");
    let mut station = Station::start(data, &[]);
    let base = station.console.clone().expect("the console runs");
    station.take_ticket('A');
    // A complaint to handle.
    for id in [
        "complaint",
        "topic-2",
        "window-unsure",
        "form-next",
        "form-anonymous",
        "form-submit",
    ] {
        station.ok(&format!("tap {id}"));
    }
    station.ok("settle");
    station.ok("tap form-done");

    let driver = driver();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let c = browser(&driver).await;
        let page = sign_in(&c, &base, "0001", "13579").await;
        assert!(page.contains("排队 Queues"), "{page}");
        shot(&c, "console-today.png").await;
        // Today's page updates itself (its script is a file the page's
        // policy allows; no inline script would run): a ticket taken at the
        // kiosk shows up without a reload.
        assert!(page.contains("<script src=\"/static/today.js\"></script>"), "{page}");
        let b_waiting = "//div[@id='live']//tr[td[1][starts-with(normalize-space(.), 'B ')]]/td[2]";
        let shown = |c: &Client| {
            let c = c.clone();
            async move {
                c.find(Locator::XPath(b_waiting))
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap()
            }
        };
        assert_eq!(shown(&c).await.trim(), "0");
        station.take_ticket('B');
        c.wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::XPath(&format!("{b_waiting}[normalize-space(.)='1']")))
            .await
            .expect("the live part shows the new ticket without a reload");

        // The manager signs on at window 1 (it names no posts), calls
        // A001; the lobby board shows it and the call names her.
        c.goto(&format!("{base}/window?w=1")).await.unwrap();
        click(&c, "button[value=sign_on]").await;
        let page = settled(&c, "p.msg, p.err").await;
        let on_duty = c
            .find(Locator::Css("#on-duty"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(on_duty.contains("李站长 (0001)"), "{on_duty}\n{page}");
        click(&c, "button[value=call]").await;
        let page = settled(&c, "p.msg, p.err").await;
        assert!(
            page.contains("已完成 Done") && page.contains("A001"),
            "{page}"
        );
        shot(&c, "console-window.png").await;
        let state = station.state();
        assert_eq!(state["station"]["windows"][0]["ticket"], "A001");
        assert_eq!(state["station"]["windows"][0]["member"]["member"], "0001");
        // Done with A001, she steps away for twenty minutes: the notice is
        // on the page (and the card, and the board).
        click(&c, "button[value=complete]").await;
        settled(&c, "#away-form").await;
        c.execute(
            "document.querySelector('#away-form select[name=reason]').value = 'visit';
             document.querySelector('#away-form input[name=back]').value = '09:20';",
            vec![],
        )
        .await
        .unwrap();
        click(&c, "#away-form button[type=submit]").await;
        let page = settled(&c, "#away-notice").await;
        assert!(page.contains("工作人员下村入户，预计 09:20 返回"), "{page}");
        assert_eq!(station.state()["station"]["windows"][0]["paused"], true);

        // The case: registered from its page.
        c.goto(&format!("{base}/cases")).await.unwrap();
        c.find(Locator::LinkText("2026-0001"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        settled(&c, "form[action$=advance] textarea").await;
        c.find(Locator::Css("form[action$=advance] textarea"))
            .await
            .unwrap()
            .send_keys("站长已与窗口核实")
            .await
            .unwrap();
        click(&c, "form[action$=advance] button").await;
        let page = settled(&c, "p.msg, p.err").await;
        assert!(
            page.contains("站长已与窗口核实") && page.contains("登记 registered"),
            "{page}"
        );
        shot(&c, "console-case.png").await;
        c.goto(&format!("{base}/log")).await.unwrap();
        shot(&c, "console-log.png").await;
        c.goto(&format!("{base}/reports?day=2026-11-30"))
            .await
            .unwrap();
        let page = c.source().await.unwrap();
        assert!(page.contains("<svg") && page.contains("导出 CSV"), "{page}");
        shot(&c, "console-reports.png").await;
        // The manager's export, fetched by the page itself with its session.
        let csv = c
            .execute(
                "return fetch('/reports/export?from=2026-11-30&to=2026-11-30&format=csv').then(r => r.text())",
                vec![],
            )
            .await
            .unwrap();
        let csv = csv.as_str().unwrap_or_default();
        assert!(csv.starts_with("# rating levels: 5 = 非常满意"), "{csv}");
        assert!(csv.contains("ticket_called") && csv.contains("case_advanced"), "{csv}");
        c.goto(&format!("{base}/backentry")).await.unwrap();
        settled(&c, "form[action='/backentry']").await;
        shot(&c, "console-backentry.png").await;

        // Signed out, five wrong PINs lock window staff out.
        click(&c, "nav button[type=submit]").await;
        settled(&c, "input[name=pin]").await;
        for _ in 0..5 {
            let page = sign_in(&c, &base, "0101", "1111").await;
            assert!(
                page.contains("wrong PIN") || page.contains("locked"),
                "{page}"
            );
        }
        let page = sign_in(&c, &base, "0101", "2468").await;
        assert!(page.contains("locked"), "{page}");
        c.close().await.unwrap();
    });
    let entries = crate::support::journal(data, &["--case", "2026-0001"]);
    assert_eq!(entries.last().unwrap()["actor"]["id"], "0001");
    let called = crate::support::journal(data, &["--kind", "ticket_called"]);
    assert_eq!(called[0]["body"]["member"], "0001");
    assert!(station.quit().success());
}

/// The window's written notice of missing materials from the console in
/// Chromium: choose the matter, tick what is missing, print; the paper on
/// the virtual printer says exactly that, and the page lists the notice.
#[test]
fn the_console_in_chromium_gives_a_written_notice_of_missing_materials() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    add_staff(data, "0101", "王芳", "staff", "2468");
    let mut station = Station::start(data, &[]);
    let base = station.console.clone().expect("the console runs");
    station.take_ticket('B');
    let driver = driver();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let c = browser(&driver).await;
        sign_in(&c, &base, "0101", "2468").await;
        c.goto(&format!("{base}/window?w=2")).await.unwrap();
        click(&c, "button[value=call]").await;
        settled(&c, "p.msg").await;
        // Choose the matter from the list.
        c.find(Locator::Css("select[name=matter]"))
            .await
            .unwrap()
            .select_by_value("dibao")
            .await
            .unwrap();
        click(&c, "form[action='/window']:has(select[name=matter]) button").await;
        settled(&c, "form[action='/matters/notice']").await;
        for i in ["0", "4"] {
            click(
                &c,
                &format!("form[action='/matters/notice'] input[name=missing][value='{i}']"),
            )
            .await;
        }
        shot(&c, "console-notice.png").await;
        click(&c, "form[action='/matters/notice'] button").await;
        let page = settled(&c, "a[href='/notices/BZ20261130-001.html']").await;
        assert!(page.contains("已完成 Done"), "{page}");
        assert!(page.contains("BZ20261130-001"), "{page}");
        c.close().await.unwrap();
    });
    station.ok("settle");
    let paper: String = std::fs::read_to_string(station.jobs().join("job-0002.txt"))
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(paper.contains("补正材料一次性告知书"), "{paper}");
    assert!(paper.contains("BZ20261130-001"), "{paper}");
    assert!(
        paper.contains("□1.户口簿") || paper.contains("□1.家庭成员"),
        "{paper}"
    );
    assert!(paper.contains("□2."), "{paper}");
    assert!(!paper.contains("□3."), "two ticked, two listed: {paper}");
}

#[test]
fn the_manager_keeps_leave_and_the_roster_in_chromium_and_the_closed_screen_names_the_duty() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    add_staff(data, "0001", "李站长", "manager", "13579");
    add_staff(data, "0101", "王芳", "staff", "2468");
    add_staff(data, "0102", "李强", "staff", "3579");
    let station = Station::start(data, &["--clock", "2026-11-30 09:00"]);
    let base = station.console.clone().expect("the console runs");
    let driver = driver();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let c = browser(&driver).await;
        // Attendance is the manager's: window staff are turned away.
        sign_in(&c, &base, "0101", "2468").await;
        c.goto(&format!("{base}/attendance")).await.unwrap();
        let page = settled(&c, "p.err").await;
        assert!(page.contains("只有站长"), "{page}");
        assert!(!page.contains("leave-form"), "{page}");
        click(&c, "nav form button").await;
        // Signed out: the login page, before signing in again.
        settled(&c, "input[name=staff]").await;

        sign_in(&c, &base, "0001", "13579").await;
        c.goto(&format!("{base}/attendance?week=2026-11-30")).await.unwrap();
        settled(&c, "#leave-form").await;
        let fill = |css: &'static str, text: &'static str| {
            let c = c.clone();
            async move {
                // A date input takes the value the way a person's picker
                // would leave it.
                c.execute(
                    &format!("document.querySelector(\"{css}\").value = \"{text}\";"),
                    vec![],
                )
                .await
                .unwrap();
            }
        };
        choose(&c, "#leave-form select[name=member]", "0101").await;
        choose(&c, "#leave-form select[name=kind]", "sick").await;
        fill("#leave-form input[name=from]", "2026-11-30").await;
        fill("#leave-form input[name=to]", "2026-12-01").await;
        click(&c, "#leave-form button").await;
        let page = settled(&c, "p.msg").await;
        assert!(page.contains("假（病假）"), "the sheet marks the day: {page}");
        // The same days again: refused, with the entry it overlaps.
        choose(&c, "#leave-form select[name=member]", "0101").await;
        fill("#leave-form input[name=from]", "2026-12-01").await;
        fill("#leave-form input[name=to]", "2026-12-02").await;
        click(&c, "#leave-form button").await;
        let page = settled(&c, "p.err").await;
        assert!(page.contains("already has leave no. 1"), "{page}");

        // The roster: this week, 李强 on duty, the manager leading.
        fill("#roster-form input[name=from]", "2026-11-30").await;
        fill("#roster-form input[name=to]", "2026-12-06").await;
        choose(&c, "#roster-form select[name=member]", "0102").await;
        choose(&c, "#roster-form select[name=leader]", "0001").await;
        type_into(&c, "#roster-form input[name=phone]", "13800138000").await;
        click(&c, "#roster-form button").await;
        let page = settled(&c, "p.msg").await;
        assert!(page.contains("13800138000"), "{page}");
        assert!(page.contains("李站长"), "the leader: {page}");
        shot(&c, "console-attendance.png").await;
        // A member the staff list lacks (a forged form) is refused by name.
        c.execute(
            "document.querySelector('#roster-form select[name=member]').innerHTML = '<option value=\"0999\">?</option>';",
            vec![],
        )
        .await
        .unwrap();
        fill("#roster-form input[name=from]", "2026-12-07").await;
        fill("#roster-form input[name=to]", "2026-12-07").await;
        type_into(&c, "#roster-form input[name=phone]", "13800138000").await;
        click(&c, "#roster-form button").await;
        let page = settled(&c, "p.err").await;
        assert!(page.contains("No staff member 0999"), "{page}");

        // The notice-board sheet: leave without its kind.
        c.goto(&format!("{base}/attendance/sheet?week=2026-11-30"))
            .await
            .unwrap();
        let sheet = settled(&c, "body.posted").await;
        assert!(sheet.contains("请假"), "{sheet}");
        assert!(!sheet.contains("病假"), "the kind is the manager's: {sheet}");
        assert!(sheet.contains("李强"), "{sheet}");
        c.close().await.unwrap();
    });
    let journal = crate::support::journal(data, &[]);
    let kinds = crate::support::kinds(&journal);
    assert!(kinds.contains(&"leave_registered".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"duty_set".to_string()), "{kinds:?}");
    assert!(station.quit().success());

    // That evening the closed screen names tonight's duty and number.
    let mut station = Station::start(data, &["--clock", "2026-11-30 19:00"]);
    let screen = station.screen();
    assert_eq!(screen["screen"], "closed", "{screen}");
    assert_eq!(screen["duty"], "李强 13800138000", "{screen}");
    assert!(station.quit().success());
}

#[test]
fn staff_enter_a_phoned_in_complaint_and_a_callback_number_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    add_staff(data, "0101", "王芳", "staff", "2468");
    let mut station = Station::start(data, &[]);
    let base = station.console.clone().expect("the console runs");
    // A bad rating's case, which has no number yet.
    station.take_ticket('A');
    station.ok("key 1 call");
    station.ok("key 1 complete");
    station.ok("rate 1 1");
    let driver = driver();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let c = browser(&driver).await;
        sign_in(&c, &base, "0101", "2468").await;
        c.goto(&format!("{base}/cases")).await.unwrap();
        click(&c, "#new-complaint").await;
        settled(&c, "#complaint-form").await;
        for (name, value) in [("channel", "phone"), ("topic", "fees"), ("window", "2")] {
            choose(&c, &format!("#complaint-form select[name={name}]"), value).await;
        }
        type_into(&c, "#complaint-form [name=text]", "电话反映收费不清楚").await;
        // Seven digits after 0898 would do; six do not.
        type_into(&c, "#complaint-form [name=phone]", "0898-888800").await;
        click(&c, "#complaint-form button").await;
        let page = settled(&c, "p.err").await;
        assert!(page.contains("area code and 7 or 8 digits"), "{page}");
        choose(&c, "#complaint-form select[name=channel]", "phone").await;
        type_into(&c, "#complaint-form [name=text]", "电话反映收费不清楚").await;
        type_into(&c, "#complaint-form [name=phone]", "0898-88880000").await;
        click(&c, "#complaint-form button").await;
        let page = settled(&c, "a[href='/cases/2026-0002']").await;
        assert!(page.contains("来电"), "the list names the channel: {page}");

        // The bad rating's case: staff reached the citizen.
        c.goto(&format!("{base}/cases/2026-0001")).await.unwrap();
        type_into(
            &c,
            "form[action='/cases/2026-0001/callback'] input[name=phone]",
            "13912345678",
        )
        .await;
        click(&c, "form[action='/cases/2026-0001/callback'] button").await;
        let page = settled(&c, "p.msg").await;
        assert!(
            !page.contains("13912345678"),
            "the page never shows it: {page}"
        );
        c.close().await.unwrap();
    });
    // Kept with the cases only; the journal names no number.
    let db = rusqlite::Connection::open(data.join("kiosk.db")).unwrap();
    let kept: Vec<(String, String)> = db
        .prepare("SELECT case_no, phone FROM case_contacts ORDER BY case_no")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        kept,
        [
            ("2026-0001".to_string(), "13912345678".to_string()),
            ("2026-0002".to_string(), "089888880000".to_string())
        ]
    );
    let journal = crate::support::journal(data, &[]);
    let text = crate::support::typed_strings(&journal).join(" ");
    assert!(
        !text.contains("88880000") && !text.contains("12345678"),
        "{text}"
    );
    assert!(crate::support::kinds(&journal).contains(&"callback_added".to_string()));
    assert!(station.quit().success());
}

#[test]
fn a_closure_posted_in_chromium_closes_ticketing_and_the_lobby_board_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    add_staff(data, "0001", "李站长", "manager", "13579");
    add_staff(data, "0101", "王芳", "staff", "2468");
    // Her photo for the board (any PNG; a card's picture here).
    let png = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/cards/away-320x240.png"
    );
    let out = crate::support::kiosk()
        .args(["staff", "photo", "0101", png, "--data"])
        .arg(data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let refused = crate::support::kiosk()
        .args(["staff", "photo", "0101", "Cargo.toml", "--data"])
        .arg(data)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("save it as PNG"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let mut station = Station::start(data, &[]);
    let base = station.console.clone().expect("the console runs");
    assert_eq!(station.screen()["screen"], "home");
    station.ok("sign-on 1 0101 2468");
    let driver = driver();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let c = browser(&driver).await;
        sign_in(&c, &base, "0001", "13579").await;
        c.goto(&format!("{base}/board")).await.unwrap();
        settled(&c, "#board-form").await;
        type_into(&c, "#board-form input[name=title]", "台风停止办公").await;
        type_into(
            &c,
            "#board-form textarea[name=text]",
            "受台风影响暂停对外办公，急事请拨值班电话。",
        )
        .await;
        for (name, value) in [("from", "2026-11-30T09:00"), ("until", "2026-12-01T12:00")] {
            c.execute(
                &format!(
                    "document.querySelector('#board-form input[name={name}]').value = '{value}';"
                ),
                vec![],
            )
            .await
            .unwrap();
        }
        click(&c, "#board-form input[name=closes]").await;
        click(&c, "#board-form button").await;
        let page = settled(&c, "p.msg").await;
        assert!(page.contains("公示中"), "{page}");
        shot(&c, "console-board.png").await;
        c.close().await.unwrap();
    });
    // The lobby: closed, the notice as the reason; no ticket is issued.
    let screen = station.screen();
    assert_eq!(screen["screen"], "closed", "{screen}");
    assert!(
        screen["closure"]
            .as_str()
            .unwrap()
            .starts_with("台风停止办公："),
        "{screen}"
    );
    lobby_shot(&mut station, "closure-800x480.png");
    // The notice board: its pages turn; the notice is on one of them.
    station.ok("tap board");
    lobby_shot(&mut station, "board-on-duty-800x480.png");
    let mut titles = Vec::new();
    let mut notice_lines = Vec::new();
    for _ in 0..20 {
        let board = station.screen()["board"].clone();
        let title = board["title"].as_str().unwrap().to_string();
        if titles.contains(&title) {
            break;
        }
        if title.starts_with("通知公告") {
            notice_lines = board["lines"].as_array().unwrap().clone();
            lobby_shot(&mut station, "board-notices-800x480.png");
        }
        if title.starts_with("在岗人员") {
            let lines = board["lines"].to_string();
            assert!(lines.contains("王芳") && lines.contains("0101"), "{lines}");
            assert_eq!(board["photos"], 1, "her photo beside her: {board}");
        }
        titles.push(title);
        station.ok("tap board-later");
    }
    for wanted in [
        "在岗人员",
        "通知公告",
        "值班表",
        "考勤公示",
        "服务承诺",
        "收费标准",
    ] {
        assert!(
            titles.iter().any(|t| t.starts_with(wanted)),
            "{wanted}: {titles:?}"
        );
    }
    assert!(
        notice_lines[0]
            .as_str()
            .unwrap()
            .contains("【台风停止办公】"),
        "{notice_lines:?}"
    );
    station.ok("tap board-home");
    assert_eq!(station.screen()["screen"], "closed");
    let journal = crate::support::journal(data, &["--kind", "notice_posted"]);
    assert_eq!(journal.len(), 1);
    assert!(station.quit().success());
}
