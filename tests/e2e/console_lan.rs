//! The staff console on a real LAN, against the real binary: a flood of idle
//! and half-sent connections from one address (under the open-file limit
//! that such a flood once exhausted) leaves sign-in from another address and
//! the control socket working, and the read timeout closes what the console
//! held; plain HTTP on the network is refused unless a setting allows it,
//! and then warned of; the pages run no inline code, downloads are never
//! sniffed and the manager's full export is journaled; a new sign-in ends
//! the member's earlier session.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::console::Client;
use crate::support::{MONDAY_9AM, Station, TEST_CONFIG, add_staff, journal, kiosk};

/// Raises this test process's own soft open-file limit to at least `need`
/// (within its hard limit): the flood holds a thousand sockets.
fn raise_open_files(need: u64) {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current.is_some_and(|c| c >= need) {
        return;
    }
    let current = Some(limit.maximum.map_or(need, |m| m.min(need)));
    setrlimit(
        Resource::Nofile,
        rustix::process::Rlimit {
            current,
            maximum: limit.maximum,
        },
    )
    .expect("the soft open-file limit can be raised");
    assert!(
        getrlimit(Resource::Nofile)
            .current
            .is_some_and(|c| c >= need),
        "the test needs {need} open files; raise the hard limit (ulimit -Hn)"
    );
}

/// Settings with `lines` added to `[console]`.
fn console_config(dir: &std::path::Path, name: &str, lines: &str) -> String {
    let path = dir.join(name);
    let text = TEST_CONFIG.replacen("[console]\n", &format!("[console]\n{lines}"), 1);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// One HTTP request from the local address `from`; the whole answer.
async fn http_from(from: &str, to: SocketAddr, request: &str) -> String {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
    let mut stream = tokio::time::timeout(Duration::from_secs(10), socket.connect(to))
        .await
        .unwrap_or_else(|_| panic!("{from} could not connect in 10 s"))
        .unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .unwrap_or_else(|_| panic!("no answer to {from} in 10 s"))
        .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

/// The station answers a new control-socket connection's `state`.
async fn control_answers(socket: &std::path::Path) -> bool {
    let ask = async {
        let stream = tokio::net::UnixStream::connect(socket).await.ok()?;
        let (read, mut write) = stream.into_split();
        write.write_all(b"state\n").await.ok()?;
        let mut line = String::new();
        tokio::io::AsyncBufReadExt::read_line(&mut tokio::io::BufReader::new(read), &mut line)
            .await
            .ok()?;
        let answer: serde_json::Value = serde_json::from_str(&line).ok()?;
        Some(answer["ok"] == true)
    };
    tokio::time::timeout(Duration::from_secs(10), ask)
        .await
        .ok()
        .flatten()
        .unwrap_or(false)
}

#[test]
fn a_flood_of_idle_connections_leaves_sign_in_and_the_control_socket_working() {
    // More connections than the open-file limit the flood once exhausted.
    const FLOOD: usize = 1100;
    const LIMIT: u32 = 1024;
    // The console's default per-address cap.
    const PER_ADDRESS: usize = 16;
    const READ_TIMEOUT: Duration = Duration::from_secs(4);
    raise_open_files(FLOOD as u64 + 500);
    let dir = tempfile::tempdir().unwrap();
    add_staff(dir.path(), "0101", "王芳", "staff", "2468");
    let config = console_config(
        dir.path(),
        "flood.toml",
        &format!("read_timeout_seconds = {}\n", READ_TIMEOUT.as_secs()),
    );
    let station = Station::start_with_open_files(dir.path(), &["--config", &config], LIMIT);
    let base = station.console.clone().expect("the console runs");
    let addr: SocketAddr = base.strip_prefix("http://").unwrap().parse().unwrap();
    let files_before = station.open_files();
    let socket = dir.path().join("control.sock");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        // The flood, all from 127.0.0.1: half the connections say nothing,
        // half send half a request's head. Each is watched until the
        // console closes it.
        let closed = Arc::new(AtomicUsize::new(0));
        let mut watchers = Vec::with_capacity(FLOOD);
        for i in 0..FLOOD {
            let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
            let opened = Instant::now();
            if i % 2 == 1 {
                let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: kiosk\r\n").await;
            }
            let closed = Arc::clone(&closed);
            watchers.push(tokio::spawn(async move {
                let mut buf = [0u8; 256];
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        // A refusal would be an answer; the console sends
                        // none, it only closes.
                        Ok(_) => {}
                    }
                }
                closed.fetch_add(1, Ordering::SeqCst);
                (Instant::now(), opened.elapsed())
            }));
        }
        // The console keeps its share for the address and closes the rest
        // at once: it never holds more than its cap.
        let deadline = Instant::now() + Duration::from_secs(20);
        while closed.load(Ordering::SeqCst) < FLOOD - PER_ADDRESS {
            assert!(
                Instant::now() < deadline,
                "the console still holds {} of the flood's connections (and {} files)",
                FLOOD - closed.load(Ordering::SeqCst),
                station.open_files()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // What is still open now is what the console held.
        let settled = Instant::now();
        let held = station.open_files().saturating_sub(files_before);
        assert!(held <= PER_ADDRESS + 4, "the flood costs {held} files");

        // Another machine (another loopback address) signs in meanwhile.
        let body = "staff=0101&pin=2468";
        let answer = http_from(
            "127.0.0.2",
            addr,
            &format!(
                "POST /login HTTP/1.1\r\nHost: kiosk\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ),
        )
        .await;
        assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
        let cookie = answer
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("set-cookie: "))
            .map(|l| &l["set-cookie: ".len()..])
            .and_then(|c| c.split(';').next())
            .unwrap_or_else(|| panic!("no session cookie: {answer}"))
            .to_string();
        let today = http_from(
            "127.0.0.2",
            addr,
            &format!("GET / HTTP/1.1\r\nHost: kiosk\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"),
        )
        .await;
        assert!(
            today.starts_with("HTTP/1.1 200") && today.contains("排队 Queues"),
            "{today}"
        );
        // The control socket takes a new connection (as kiosk doctor would).
        assert!(control_answers(&socket).await, "the control socket does not answer");

        // The read timeout closes what the console held: every connection
        // of the flood ends, the held ones after about the timeout. (Which
        // were held is told by when their end was seen, not by how long
        // they lasted: on a busy machine this test's own task may see a
        // quick refusal late.)
        let mut ends = Vec::with_capacity(FLOOD);
        for w in watchers {
            let end = tokio::time::timeout(READ_TIMEOUT + Duration::from_secs(20), w)
                .await
                .expect("a connection of the flood is still open")
                .unwrap();
            ends.push(end);
        }
        let kept: Vec<Duration> = ends
            .iter()
            .filter(|(at, _)| *at > settled)
            .map(|(_, lasted)| *lasted)
            .collect();
        assert!(
            (1..=PER_ADDRESS).contains(&kept.len()),
            "{} connections were held past the flood",
            kept.len()
        );
        assert!(
            kept.iter().all(|d| *d >= READ_TIMEOUT / 2),
            "a held connection was closed before the read timeout: {kept:?}"
        );
        assert!(
            ends.iter()
                .all(|(_, d)| *d < READ_TIMEOUT + Duration::from_secs(15)),
            "a connection outlived the read timeout"
        );
        // The address is not banned: once its connections are gone, it is
        // served again.
        let page = http_from(
            "127.0.0.1",
            addr,
            "GET /login HTTP/1.1\r\nHost: kiosk\r\nConnection: close\r\n\r\n",
        )
        .await;
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    });
    assert!(
        station.open_files() <= files_before + 4,
        "files left open after the flood: {} (before: {files_before})",
        station.open_files()
    );
    assert!(station.quit().success());
}

#[test]
fn plain_http_on_the_network_is_refused_unless_allowed_and_then_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    add_staff(&data, "0101", "王芳", "staff", "2468");
    let refused = dir.path().join("lan.toml");
    std::fs::write(
        &refused,
        TEST_CONFIG.replacen("127.0.0.1:0", "0.0.0.0:0", 1),
    )
    .unwrap();
    let mut run = kiosk()
        .args(["run", "--headless", "--clock", MONDAY_9AM, "--data"])
        .arg(&data)
        .arg("--config")
        .arg(&refused)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Refused at once, while the settings are read; a station that is still
    // running after 30 s has started.
    let deadline = Instant::now() + Duration::from_secs(30);
    while run.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = run.kill();
            let _ = run.wait();
            panic!("started with PINs in clear");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = run.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "started with PINs in clear");
    assert!(
        stderr.contains("lan.toml:6: field `console.listen`")
            && stderr.contains("PINs would cross it in clear")
            && stderr.contains("kiosk console cert"),
        "{stderr}"
    );

    // Said in as many words: it runs, and everyone is told.
    let allowed = console_config(dir.path(), "lan-allowed.toml", "allow_plain_http = true\n");
    std::fs::write(
        &allowed,
        std::fs::read_to_string(&allowed)
            .unwrap()
            .replacen("127.0.0.1:0", "0.0.0.0:0", 1),
    )
    .unwrap();
    let station = Station::start(&data, &["--config", &allowed]);
    let base = station.console.clone().expect("the console runs");
    assert!(base.starts_with("http://0.0.0.0:"), "{base}");
    let mut client = Client::new(&base);
    assert!(client.get("/login").body.contains("工作台未加密"));
    assert_eq!(client.login("0101", "2468").status, 303);
    assert!(
        client
            .get("/today/live")
            .body
            .contains("staff numbers and PINs cross the network in clear")
    );
    let doctor = kiosk()
        .args(["doctor", "--config", &allowed, "--data"])
        .arg(&data)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&doctor.stdout);
    assert!(
        said.lines()
            .any(|l| l.starts_with("WARN  console") && l.contains("in clear")),
        "{said}"
    );
    assert!(said.contains("kiosk console cert"), "{said}");
    assert!(station.quit().success());
}

#[test]
fn pages_run_no_inline_code_downloads_are_not_sniffed_and_a_full_export_is_journaled() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    add_staff(data, "0101", "王芳", "staff", "2468");
    add_staff(data, "0001", "李站长", "manager", "13579");
    let mut station = Station::start(data, &[]);
    let base = station.console.clone().expect("the console runs");
    // A complaint with a callback number.
    for id in ["complaint", "topic-0", "window-1", "form-next"] {
        station.ok(&format!("tap {id}"));
    }
    for d in "13912345678".chars() {
        station.ok(&format!("tap key-phone-{d}"));
    }
    station.ok("tap form-phone-next");
    station.ok("tap form-submit");
    station.ok("settle");

    let mut manager = Client::new(&base);
    assert_eq!(manager.login("0001", "13579").status, 303);
    let today = manager.get("/");
    let policy = today.header("content-security-policy").unwrap();
    assert!(
        policy.contains("script-src 'self'")
            && policy.contains("style-src 'self'")
            && !policy.contains("unsafe-inline"),
        "{policy}"
    );
    assert_eq!(today.header("x-content-type-options"), Some("nosniff"));
    // The page's only script and only stylesheet are files.
    assert_eq!(today.body.matches("<script").count(), 1, "{}", today.body);
    assert!(
        today
            .body
            .contains("<script src=\"/static/today.js\"></script>")
    );
    assert!(!today.body.contains("<style") && !today.body.contains(" style="));
    let anonymous = Client::new(&base);
    for (path, kind, says) in [
        ("/static/today.js", "text/javascript", "/today/live"),
        ("/static/console.css", "text/css", "font-family"),
    ] {
        let r = anonymous.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.header("content-type").unwrap().starts_with(kind),
            "{path}"
        );
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert!(r.body.contains(says), "{path}");
    }
    // Errors too are never sniffed.
    assert_eq!(
        manager.get("/nowhere").header("x-content-type-options"),
        Some("nosniff")
    );

    // Downloads: a file to save, never run.
    for path in [
        "/reports/export?day=2026-11-30&format=csv",
        "/reports/export?day=2026-11-30&format=json",
        "/cases/2026-0001/export",
    ] {
        let r = manager.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert!(
            r.header("content-disposition")
                .unwrap()
                .starts_with("attachment;"),
            "{path}"
        );
        let policy = r.header("content-security-policy").unwrap();
        assert!(policy.contains("sandbox"), "{path}: {policy}");
    }
    // Window staff may not export; the manager's export is journaled under
    // the case, without the number.
    let mut staff = Client::new(&base);
    assert_eq!(staff.login("0101", "2468").status, 303);
    assert_eq!(staff.get("/cases/2026-0001/export").status, 403);
    let exported = journal(data, &["--kind", "case_exported"]);
    assert_eq!(exported.len(), 1, "{exported:?}");
    assert_eq!(exported[0]["actor"]["id"], "0001");
    assert_eq!(exported[0]["body"]["case"], "2026-0001");
    assert_eq!(exported[0]["body"]["place"], "console");
    assert!(!exported[0].to_string().contains("13912345678"));
    let of_case = journal(data, &["--case", "2026-0001"]);
    assert!(of_case.iter().any(|e| e["kind"] == "case_exported"));

    // Signing in again elsewhere ends the member's earlier session, and
    // only theirs.
    let mut elsewhere = Client::new(&base);
    assert_eq!(elsewhere.login("0001", "13579").status, 303);
    let r = manager.get("/");
    assert_eq!((r.status, r.location.as_deref()), (303, Some("/login")));
    assert_eq!(elsewhere.get("/").status, 200);
    assert_eq!(staff.get("/").status, 200);
    assert!(station.quit().success());
}

#[test]
fn a_page_left_open_does_not_keep_its_session_alive_but_a_person_clicking_does() {
    // The shortest idle time the settings allow: one minute.
    const IDLE: Duration = Duration::from_secs(60);
    let dir = tempfile::tempdir().unwrap();
    add_staff(dir.path(), "0101", "王芳", "staff", "2468");
    add_staff(dir.path(), "0102", "李强", "staff", "1357");
    let config = console_config(dir.path(), "idle.toml", "session_minutes = 1\n");
    let station = Station::start(dir.path(), &["--config", &config]);
    let base = station.console.clone().expect("the console runs");
    let mut left_open = Client::new(&base);
    let mut clicking = Client::new(&base);
    assert_eq!(left_open.login("0101", "2468").status, 303);
    assert_eq!(clicking.login("0102", "1357").status, 303);
    let signed_in = Instant::now();
    // 0101's today page refreshes itself every 3 seconds, as its script
    // does; 0102 opens a page now and then.
    let mut last_click = signed_in;
    while signed_in.elapsed() < IDLE + Duration::from_secs(6) {
        std::thread::sleep(Duration::from_secs(3));
        let live = left_open.get("/today/live");
        if signed_in.elapsed() < IDLE - Duration::from_secs(3) {
            assert_eq!(
                live.status,
                200,
                "expired early, after {:?}",
                signed_in.elapsed()
            );
        }
        if last_click.elapsed() >= Duration::from_secs(20) {
            assert_eq!(clicking.get("/log").status, 200);
            last_click = Instant::now();
        }
    }
    // The refreshes did not count: 0101 signs in again; 0102 is still in.
    assert_eq!(left_open.get("/today/live").status, 401);
    let r = left_open.get("/");
    assert_eq!((r.status, r.location.as_deref()), (303, Some("/login")));
    assert_eq!(clicking.get("/").status, 200);
    assert!(station.quit().success());
}
