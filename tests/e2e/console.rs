//! The staff console over HTTP against the real binary: sign-in with real
//! PINs (wrong ones counted, lockout, a flood from one address refused), the
//! session cookie's flags, CSRF on every change, the window console calling a
//! ticket the lobby board then shows, roles (window staff see no phone number
//! and cannot export), a session ended by a PIN change, escaping of what staff
//! type, bad filters, path traversal and an oversized request.

use crate::http::{Answer, Http};
use crate::support::{Station, add_staff, kiosk, staff_with_pin};

/// A browser without one: cookies by hand, redirects not followed.
pub(crate) struct Client {
    base: String,
    http: Http,
    cookie: Option<String>,
}

/// Status, headers we look at, body.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) location: Option<String>,
    set_cookie: Option<String>,
    /// Every header, names in lower case.
    headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Reply {
    /// A header's value.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Client {
    pub(crate) fn new(base: &str) -> Self {
        Self {
            base: base.to_string(),
            http: Http::new(),
            cookie: None,
        }
    }

    fn reply(answer: Result<Answer, String>) -> Reply {
        let answer = answer.unwrap_or_else(|e| panic!("no answer: {e}"));
        Reply {
            status: answer.status,
            location: answer.header("location").map(str::to_string),
            set_cookie: answer.header("set-cookie").map(str::to_string),
            headers: answer.headers,
            body: answer.body,
        }
    }

    pub(crate) fn get(&self, path: &str) -> Reply {
        let url = format!("{}{path}", self.base);
        Self::reply(self.http.get(&url, self.cookie.as_deref()))
    }

    pub(crate) fn post(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        let url = format!("{}{path}", self.base);
        Self::reply(self.http.post_form(&url, self.cookie.as_deref(), form))
    }

    /// Signs in; the reply of the sign-in request.
    pub(crate) fn login(&mut self, staff: &str, pin: &str) -> Reply {
        let r = self.post("/login", &[("staff", staff), ("pin", pin)]);
        if let Some(c) = &r.set_cookie {
            self.cookie = c.split(';').next().map(str::to_string);
        }
        r
    }

    /// The CSRF token of the page at `path`.
    pub(crate) fn csrf(&self, path: &str) -> String {
        let body = self.get(path).body;
        let at = body
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("no CSRF field on {path}: {body}"));
        body[at + 19..].split('"').next().unwrap().to_string()
    }
}

#[test]
fn staff_sign_in_call_tickets_handle_cases_and_nothing_unsafe_gets_through() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    add_staff(data, "0101", "王芳", "staff", "2468");
    add_staff(data, "0001", "李站长", "manager", "13579");
    let mut station = Station::start(data, &[]);
    let base = station.console.clone().expect("the console runs");
    station.take_ticket('A');

    // Not signed in: every page sends the browser to sign in.
    let anonymous = Client::new(&base);
    for path in ["/", "/window", "/log", "/cases"] {
        let r = anonymous.get(path);
        assert_eq!(
            (r.status, r.location.as_deref()),
            (303, Some("/login")),
            "{path}"
        );
    }
    assert!(anonymous.get("/login").body.contains("工号 Staff number"));

    // A wrong PIN is refused and counted like at the kiosk.
    let mut staff = Client::new(&base);
    let r = staff.login("0101", "0000");
    assert_eq!(r.status, 401);
    assert!(
        r.body
            .contains("工号或密码不对 Unknown staff number or wrong PIN"),
        "{}",
        r.body
    );
    assert!(r.set_cookie.is_none());

    // The right one: a session cookie only scripts cannot read, same site only.
    let r = staff.login("0101", "2468");
    assert_eq!((r.status, r.location.as_deref()), (303, Some("/")));
    let cookie = r.set_cookie.unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let today = staff.get("/");
    assert_eq!(today.status, 200);
    assert!(today.body.contains("排队 Queues") && today.body.contains("王芳"));
    assert!(staff.get("/today/live").body.contains("A 社保医保"));

    // The window console calls the ticket; without the form's token nothing
    // happens.
    let r = staff.post(
        "/window",
        &[("w", "1"), ("action", "call"), ("csrf", "forged")],
    );
    assert_eq!(r.status, 403);
    assert!(station.state()["station"]["windows"][0]["ticket"].is_null());
    let csrf = staff.csrf("/window?w=1");
    let r = staff.post(
        "/window",
        &[("w", "1"), ("action", "call"), ("csrf", &csrf)],
    );
    assert_eq!(r.status, 303);
    assert_eq!(station.state()["station"]["windows"][0]["ticket"], "A001");
    assert_eq!(station.screen()["screen"], "home");
    // The lobby speaker says the call: the window page shows it, and the
    // member stops it (journaled as theirs).
    let page = staff.get("/window?w=1").body;
    assert!(page.contains("正在播放 Now: 叫号 call A001 → 1 "), "{page}");
    let r = staff.post("/voice", &[("w", "1"), ("action", "stop"), ("csrf", &csrf)]);
    assert_eq!(
        (r.status, r.location.as_deref()),
        (303, Some("/window?w=1&done=ok"))
    );
    station.ok("voice wait");
    let said = crate::support::journal(data, &["--kind", "announced"]);
    assert_eq!(
        (
            said[0]["body"]["outcome"].as_str(),
            said[0]["actor"]["id"].as_str()
        ),
        (Some("stopped"), Some("0101"))
    );
    assert!(staff.get("/window?w=1").body.contains("无 Nothing to say"));
    let calls = crate::support::journal(data, &["--kind", "ticket_called"]);
    assert_eq!(
        calls[0]["actor"]["id"], "0101",
        "the call is journaled as 0101's"
    );
    // Today's page: who has window 1 open in the console (nobody signed on:
    // signing on is optional here), and today's figures (one
    // ticket issued and called, so a wait is known).
    let live = staff.get("/today/live").body;
    assert!(
        live.contains("<td>1</td><td>—</td><td>王芳 (0101)</td>"),
        "{live}"
    );
    assert!(live.contains("<th>90% 等候 p90 wait</th>"), "{live}");
    assert!(
        live.contains("<tr><td>1</td><td>0</td><td>0</td><td>0</td><td>0:"),
        "{live}"
    );

    // A complaint with a callback number, for the case pages.
    station.ok("tap complaint");
    station.ok("tap topic-0");
    station.ok("tap window-1");
    station.ok("tap form-next");
    for d in "13912345678".chars() {
        station.ok(&format!("tap key-phone-{d}"));
    }
    station.ok("tap form-phone-next");
    station.ok("tap form-submit");
    station.ok("settle");

    // Window staff move the case; what they type is shown escaped.
    let csrf = staff.csrf("/cases/2026-0001");
    let r = staff.post(
        "/cases/2026-0001/advance",
        &[
            ("csrf", &csrf),
            ("stage", "registered"),
            ("note", "<script>alert('x')</script> 已登记 ' OR 1=1 --"),
        ],
    );
    assert_eq!(r.status, 303);
    let page = staff.get("/cases/2026-0001").body;
    assert!(page.contains("&lt;script&gt;alert("), "{page}");
    assert!(!page.contains("<script>alert"), "unescaped");
    assert!(!page.contains("13912345678") && !page.contains("139****5678"));
    // Window staff may neither extend nor export.
    let r = staff.post(
        "/cases/2026-0001/extend",
        &[("csrf", &csrf), ("days", "5"), ("note", "x")],
    );
    assert_eq!(r.status, 403);
    assert_eq!(staff.get("/cases/2026-0001/export").status, 403);

    // The manager may, and the export carries the number.
    let mut manager = Client::new(&base);
    assert_eq!(manager.login("0001", "13579").status, 303);
    let csrf = manager.csrf("/cases/2026-0001");
    let r = manager.post(
        "/cases/2026-0001/extend",
        &[("csrf", &csrf), ("days", "5"), ("note", "需核实")],
    );
    assert_eq!(r.location.as_deref(), Some("/cases/2026-0001?done=ok"));
    let export = manager.get("/cases/2026-0001/export");
    assert_eq!(export.status, 200);
    assert!(export.body.contains("13912345678"));
    assert!(export.body.contains("&lt;script&gt;"));

    // The log: filters work; a bad one says what is wrong.
    let log = staff.get("/log?kind=ticket_called");
    assert!(log.body.contains("ticket_called") && !log.body.contains("<td>ticket_issued</td>"));
    assert!(staff.get("/log?staff=0001").body.contains("case_extended"));
    for (query, says) in [
        ("from=2026-12-01&to=2026-11-01", "the range is reversed"),
        ("kind=drop_table", "is not a kind of entry"),
        ("ticket=A001%27%20OR%201%3D1--", "ticket:"),
        ("window=0", "is not a window number"),
        ("window=%3Cb%3E", "is not a window number"),
        ("case=..%2F..", "is not a case number"),
    ] {
        let r = staff.get(&format!("/log?{query}"));
        assert_eq!(r.status, 400, "{query}");
        assert!(r.body.contains(says), "{query}: {}", r.body);
    }
    // Unknown ids and paths that try to leave the console.
    assert_eq!(staff.get("/log/999999").status, 404);
    assert_eq!(staff.get("/cases/2026-9999").status, 404);
    assert_eq!(staff.get("/cases/..%2F..%2Fetc%2Fpasswd").status, 404);
    assert_eq!(staff.get("/../../etc/passwd").status, 404);
    // An oversized form is refused before it is read: a 413, or, when the
    // server answers and closes while the client is still sending, the
    // connection cut. Either way nothing happened and the console still works.
    let big = "x".repeat(64 * 1024);
    let sent = staff.http.post_form(
        &format!("{base}/login"),
        None,
        &[("staff", &big), ("pin", "1")],
    );
    match sent {
        Ok(answer) => assert_eq!(answer.status, 413, "an oversized form was taken"),
        Err(why) => assert!(
            why.contains("Broken pipe")
                || why.contains("reset")
                || why.contains("closed before message completed"),
            "{why}"
        ),
    }
    // On a new connection: the pooled one may be the one the console cut,
    // so the member's client starts a new pool too.
    let fresh = Http::new()
        .get(&format!("{base}/"), staff.cookie.as_deref())
        .unwrap();
    assert_eq!(fresh.status, 200);
    staff.http = Http::new();

    // Reports: everyone sees the figures and the chart; only the manager
    // downloads the journal, which states its rating coding.
    let report = staff.get("/reports?day=2026-11-30");
    assert_eq!(report.status, 200);
    assert!(report.body.contains("<svg") && report.body.contains("满意率 Satisfaction"));
    assert!(
        !report.body.contains("/reports/export"),
        "no export link for window staff"
    );
    assert_eq!(staff.get("/reports/export?day=2026-11-30").status, 403);
    let csv = manager.get("/reports/export?from=2026-11-01&to=2026-11-30&format=csv");
    assert_eq!(csv.status, 200);
    assert!(
        csv.body.starts_with("# rating levels: 5 = 非常满意"),
        "{}",
        &csv.body[..80]
    );
    assert!(csv.body.contains("ticket_called") && !csv.body.contains("13912345678"));
    for query in [
        "from=2026-12-01&to=2026-11-01",
        "from=2016-01-01&to=2026-01-01",
        "month=2026-13",
        "day=2026-11-30&month=2026-11",
    ] {
        assert_eq!(
            manager.get(&format!("/reports?{query}")).status,
            400,
            "{query}"
        );
    }

    // A new PIN ends the sessions signed in with the old one.
    staff_with_pin(data, &["passwd", "0101"], "8642");
    let r = staff.get("/");
    assert_eq!((r.status, r.location.as_deref()), (303, Some("/login")));
    // Disabling a member ends their session and refuses their PIN.
    let status = kiosk()
        .args(["staff", "disable", "0001", "--data"])
        .arg(data)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let r = manager.get("/");
    assert_eq!((r.status, r.location.as_deref()), (303, Some("/login")));
    let r = manager.login("0001", "13579");
    assert_eq!(r.status, 403, "told apart from a wrong PIN");
    assert!(r.body.contains("disabled"), "{}", r.body);

    assert!(station.quit().success());
}

#[test]
fn a_sign_in_flood_from_one_address_is_refused_and_five_wrong_pins_lock_out() {
    let dir = tempfile::tempdir().unwrap();
    add_staff(dir.path(), "0101", "王芳", "staff", "2468");
    let station = Station::start(dir.path(), &[]);
    let mut client = Client::new(station.console.as_ref().unwrap());
    for _ in 0..4 {
        assert_eq!(client.login("0101", "1111").status, 401);
    }
    // The fifth locks the number out, and says so.
    let r = client.login("0101", "1111");
    assert_eq!(r.status, 403);
    assert!(r.body.contains("locked out"), "{}", r.body);
    let r = client.login("0101", "2468");
    assert_eq!(
        r.status, 403,
        "locked out even with the right PIN, and told so, not `wrong PIN`"
    );
    assert!(r.body.contains("locked"), "{}", r.body);
    // A PIN too long to be one is refused before it is checked, and
    // journaled like every refused PIN.
    let r = client.login("0101", &"7".repeat(17));
    assert_eq!(r.status, 401);
    let mut last = 0;
    for _ in 0..10 {
        last = client.login("0102", "1111").status;
    }
    assert_eq!(last, 429, "the address is slowed down");
    for _ in 0..5 {
        assert!(
            client
                .login("0101", "2468")
                .body
                .contains("Too many attempts")
        );
    }
    // Every refusal is journaled; of the slowed-down ones the first at once
    // (the rest are counted and journaled together when the five minutes
    // are over), so a flood cannot fill the journal.
    let refused = crate::support::journal(dir.path(), &["--kind", "pin_refused"]);
    let reasons: Vec<(String, String)> = refused
        .iter()
        .map(|e| {
            (
                e["body"]["staff"].as_str().unwrap().to_string(),
                e["body"]["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        reasons
            .iter()
            .filter(|(staff, why)| staff == "0101" && why == "PIN longer than 16 characters")
            .count(),
        1,
        "{reasons:?}"
    );
    let slowed: Vec<_> = reasons
        .iter()
        .filter(|(_, why)| why.starts_with("too many sign-in attempts from 127.0.0.1"))
        .collect();
    assert_eq!(slowed.len(), 1, "{reasons:?}");
    // Five wrong PINs, the right one while locked out, the long one, three
    // for 0102 (no such member: noted as `?`) and the first slowed down.
    assert_eq!(refused.len(), 5 + 1 + 1 + 3 + 1, "{reasons:?}");
    assert!(
        reasons.iter().all(|(staff, _)| staff != "0102"),
        "{reasons:?}"
    );
    assert!(station.quit().success());
}

#[test]
fn back_entry_from_the_console_is_marked_everywhere_and_bad_forms_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    add_staff(data, "0101", "王芳", "staff", "2468");
    let mut station = Station::start(data, &[]);
    let base = station.console.clone().expect("the console runs");
    let mut staff = Client::new(&base);
    assert_eq!(staff.login("0101", "0000").status, 401);
    assert_eq!(staff.login("0101", "2468").status, 303);
    let page = staff.get("/backentry");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("还没有补录 None yet"), "{}", page.body);
    // The form starts on the station's day (its clock is simulated here).
    assert!(
        page.body.contains("name=\"day\" value=\"2026-11-30\""),
        "{}",
        page.body
    );
    let csrf = staff.csrf("/backentry");
    let form = |day: &'static str, start: &'static str, end: &'static str| {
        vec![
            ("category", "A"),
            ("window", "2"),
            ("day", day),
            ("start", start),
            ("end", end),
            ("register_no", "手工-03"),
            ("note", "<b>社保认证</b> 13812345678"),
        ]
    };
    let post = |client: &Client, csrf: &str, fields: &[(&str, &str)]| {
        let mut all = vec![("csrf", csrf)];
        all.extend_from_slice(fields);
        client.post("/backentry", &all)
    };

    // Without the form's token: refused.
    let r = post(&staff, "", &form("2026-11-30", "08:10", "08:25"));
    assert_eq!(r.status, 403);
    // Bad forms: each refused with its reason, nothing journaled.
    for (fields, reason) in [
        (form("2026-11-30", "08:25", "08:10"), "back-entry's times"),
        (form("2026-12-30", "08:10", "08:25"), "back-entry's times"),
        (form("2016-11-30", "08:10", "08:25"), "back-entry's times"),
        (form("30.11.2026", "08:10", "08:25"), "not a day"),
        (form("2026-11-30", "8h10", "08:25"), "not a time"),
        (
            vec![
                ("category", "Q"),
                ("window", "2"),
                ("day", "2026-11-30"),
                ("start", "08:10"),
                ("end", "08:25"),
            ],
            "no category Q",
        ),
        (
            vec![
                ("category", "A"),
                ("window", "77"),
                ("day", "2026-11-30"),
                ("start", "08:10"),
                ("end", "08:25"),
            ],
            "no window 77",
        ),
    ] {
        let r = post(&staff, &csrf, &fields);
        assert_eq!(r.status, 303, "{fields:?}");
        let shown = staff.get(r.location.as_deref().unwrap());
        assert!(shown.body.contains(reason), "{reason}: {}", shown.body);
    }
    // A malformed form (a field missing) is refused before anything runs.
    let r = post(&staff, &csrf, &[("category", "A")]);
    assert!(r.status == 400 || r.status == 422, "{}", r.status);

    let r = post(&staff, &csrf, &form("2026-11-30", "08:10", "08:25"));
    let shown = staff.get(r.location.as_deref().unwrap());
    assert!(shown.body.contains("已录入 Entered"), "{}", shown.body);
    // Shown escaped, the number masked, with its real times and the mark.
    assert!(shown.body.contains("&lt;b&gt;社保认证"), "{}", shown.body);
    assert!(!shown.body.contains("13812345678"));
    assert!(
        shown
            .body
            .contains("2026-11-30 08:10:00 – 2026-11-30 08:25:00")
    );
    // Twice is refused.
    let r = post(&staff, &csrf, &form("2026-11-30", "08:10", "08:25"));
    let shown = staff.get(r.location.as_deref().unwrap());
    assert!(
        shown.body.contains("already back-entered"),
        "{}",
        shown.body
    );

    // The log marks it; the report counts it; the chain is intact.
    let log = staff.get("/log?kind=back_entered");
    assert!(log.body.contains("class=\"badge\">补录"), "{}", log.body);
    assert_eq!(
        log.body.matches("<td><span class=\"badge\">补录").count(),
        1
    );
    // The wrong PIN and the sign-in are journaled under the number typed.
    let signed_in = staff.get("/log?kind=staff_signed_in&staff=0101");
    assert!(
        signed_in
            .body
            .contains("&quot;place&quot;:&quot;console&quot;"),
        "{}",
        signed_in.body
    );
    let refused = staff.get("/log?kind=pin_refused&staff=0101");
    assert!(refused.body.contains("wrong PIN"), "{}", refused.body);
    assert!(!refused.body.contains("0000"), "the PIN typed is not kept");
    let report = staff.get("/reports?day=2026-11-30");
    assert!(report.body.contains("其中补录 Back-entered"));
    assert!(
        report.body.contains("<span class=\"badge\">1</span>"),
        "{}",
        report.body
    );
    let chain = staff.get("/log/verify");
    assert!(chain.body.contains("完整 Intact"), "{}", chain.body);
    // A latched alarm heads today's page.
    assert!(!staff.get("/today/live").body.contains("报警未复位"));
    station.ok("panic press");
    let live = staff.get("/today/live").body;
    assert!(live.contains("报警未复位 Alarm latched: panic"), "{live}");
    drop(station);
    let out = kiosk()
        .args(["report", "--day", "2026-11-30", "--json", "--data"])
        .arg(data)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["total"]["issued"], 1);
    assert_eq!(report["total"]["back_entered"], 1);
    assert_eq!(report["total"]["service_mean"], 15 * 60);
}

/// Regression (hardening issue): what the hardening added reaches the
/// console — the clock's doubt with the manager's confirmation, a case's
/// document printed again, the reports' tables checked with the chain.
#[test]
fn the_manager_confirms_the_clock_reprints_a_notice_and_sees_the_tables_checked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    add_staff(data, "0001", "李站长", "manager", "13579");
    let mut station = Station::start(data, &["--clock", "2026-11-30 09:00"]);
    station.take_ticket('A');
    station.ok("key 1 call");
    station.ok("key 1 complete");
    station.ok("rate 1 1");
    assert!(station.quit().success());
    // A run with the clock a day and a half ahead, then the real time.
    let station = Station::start(data, &["--clock", "2026-12-01 19:00"]);
    assert!(station.quit().success());
    let mut station = Station::start(data, &["--clock", "2026-11-30 10:00"]);
    let base = station.console.clone().expect("the console runs");
    let mut manager = Client::new(&base);
    manager.login("0001", "13579");
    let today = manager.get("/").body;
    assert!(today.contains("系统时间与记录不一致"), "{today}");
    let csrf = manager.csrf("/");
    let r = manager.post("/clock/confirm", &[("csrf", &csrf)]);
    assert_eq!(
        (r.status, r.location.as_deref()),
        (303, Some("/")),
        "{}",
        r.body
    );
    assert!(station.state()["station"]["clock_doubt"].is_null());
    assert!(!manager.get("/").body.contains("系统时间与记录不一致"));

    // The bad rating's case: extended (its notice prints), then printed again.
    let csrf = manager.csrf("/cases/2026-0001");
    let r = manager.post(
        "/cases/2026-0001/extend",
        &[("csrf", &csrf), ("days", "5"), ("note", "需区医保局核实")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    station.ok("settle");
    let page = manager.get("/cases/2026-0001").body;
    assert!(page.contains("补打延期告知书"), "{page}");
    let csrf = manager.csrf("/cases/2026-0001");
    let r = manager.post(
        "/cases/2026-0001/reprint",
        &[("csrf", &csrf), ("document", "extension_notice")],
    );
    assert_eq!(r.location.as_deref(), Some("/cases/2026-0001?done=ok"));
    station.ok("settle");
    let last = station.state()["printer"]["simulated"]["last_job"]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        last.contains("延期办理告知书") && last.contains("补打 REPRINT"),
        "{last}"
    );
    // A rating case has no receipt to print again.
    let r = manager.post(
        "/cases/2026-0001/reprint",
        &[("csrf", &csrf), ("document", "receipt")],
    );
    assert!(
        r.location
            .unwrap()
            .contains("done=case%202026-0001%20has%20no"),
        "refused with the reason"
    );

    let check = manager.get("/log/verify").body;
    assert!(
        check.contains("一致 Agree") && check.contains("校验码 Anchor"),
        "{check}"
    );
    assert!(station.quit().success());
}

/// The station unable to record a change is not the staff member's mistake:
/// a window call while another program holds the database's lock is
/// answered 503 with what to do, nothing changes, and once the lock is gone
/// the same call works. A rule refusing a call is shown on the page as before.
#[test]
fn the_console_tells_a_database_it_cannot_write_from_a_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "{}[store]\nbusy_timeout_ms = 100\n",
            crate::support::TEST_CONFIG
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    add_staff(&data, "0101", "王芳", "staff", "2468");
    let mut station = Station::start(&data, &["--config", config.to_str().unwrap()]);
    let base = station.console.clone().expect("the console runs");
    let mut staff = Client::new(&base);
    assert_eq!(staff.login("0101", "2468").status, 303);

    // Nobody waits: the rules refuse, and the page says why.
    let csrf = staff.csrf("/window?w=1");
    let r = staff.post(
        "/window",
        &[("csrf", &csrf), ("w", "1"), ("action", "call")],
    );
    assert_eq!(r.status, 303);
    assert!(
        r.location.as_deref().unwrap().contains("done="),
        "{:?}",
        r.location
    );
    assert!(!r.location.as_deref().unwrap().contains("done=ok"));

    station.take_ticket('A');
    let other = rusqlite::Connection::open(data.join("kiosk.db")).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let r = staff.post(
        "/window",
        &[("csrf", &csrf), ("w", "1"), ("action", "call")],
    );
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(
        r.body.contains("Not recorded, nothing changed"),
        "{}",
        r.body
    );
    assert!(r.body.contains("locked by another program"), "{}", r.body);
    assert!(station.state()["station"]["windows"][0]["ticket"].is_null());

    other.execute_batch("ROLLBACK").unwrap();
    let r = staff.post(
        "/window",
        &[("csrf", &csrf), ("w", "1"), ("action", "call")],
    );
    assert_eq!(
        (r.status, r.location.as_deref()),
        (303, Some("/window?w=1&done=ok"))
    );
    assert_eq!(station.state()["station"]["windows"][0]["ticket"], "A001");
    assert!(station.quit().success());
}
