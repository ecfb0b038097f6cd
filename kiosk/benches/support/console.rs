//! The real `kiosk run` serving the console on a bench's data folder, and a
//! signed-in client that times pages from request to the answer's last
//! byte (an upper bound on the server's time).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

#[path = "../../../tests/e2e/http.rs"]
mod http;

/// Requests timed per page, after warm-up.
const ROUNDS: usize = 100;
const WARM_UP: usize = 5;

/// `kiosk run --headless` on `data` at `clock` with the console on a free
/// loopback port; the child and the console's address.
pub fn serve(data: &std::path::Path, clock: &str) -> (Child, String) {
    let (child, base, _) = serve_with(data, clock, &[]);
    (child, base)
}

/// The same with more environment (`KIOSK_DRAW_FRAMES=1`, say); also gives
/// the control socket's path. The child's stdout is left to read its last
/// line from.
pub fn serve_with(
    data: &std::path::Path,
    clock: &str,
    env: &[(&str, &str)],
) -> (Child, String, String) {
    let settings = data.join("bench-kiosk.toml");
    std::fs::write(
        &settings,
        "[console]\nlisten = \"127.0.0.1:0\"\n[printer]\nsimulate_timing = false\n",
    )
    .expect("settings written");
    let mut child = Process::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(["run", "--headless", "--clock", clock, "--data"])
        .arg(data)
        .arg("--config")
        .arg(&settings)
        .env("RUST_LOG", "error")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .spawn()
        .expect("kiosk runs");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut ready = String::new();
    stdout.read_line(&mut ready).expect("a ready line");
    let field = |name: &str| {
        ready
            .split_whitespace()
            .find_map(|w| w.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in `{ready}`"))
            .to_string()
    };
    let (base, control) = (field("console="), field("control="));
    // Whatever else it prints comes after: hand the reader back.
    child.stdout = Some(stdout.into_inner());
    (child, base, control)
}

pub struct Client {
    base: String,
    http: http::Http,
    cookie: String,
}

impl Client {
    /// Signed in as the bench's manager, 0001 with PIN 13579.
    pub fn sign_in(base: &str) -> Self {
        let http = http::Http::new();
        let r = http
            .post_form(
                &format!("{base}/login"),
                None,
                &[("staff", "0001"), ("pin", "13579")],
            )
            .expect("signed in");
        let cookie = r
            .header("set-cookie")
            .and_then(|c| c.split(';').next())
            .expect("a session cookie")
            .to_string();
        Self {
            base: base.to_string(),
            http,
            cookie,
        }
    }

    /// The page's status and body, and how long it took.
    pub fn get(&self, path: &str) -> (u16, String, Duration) {
        let started = Instant::now();
        let url = format!("{}{path}", self.base);
        let r = self
            .http
            .get(&url, Some(&self.cookie))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        (r.status, r.body, started.elapsed())
    }

    /// Times a page `ROUNDS` times after a warm-up; reports and returns
    /// its size.
    pub fn time(&self, label: &str, path: &str) -> usize {
        for _ in 0..WARM_UP {
            self.get(path);
        }
        let mut times = Vec::with_capacity(ROUNDS);
        let mut bytes = 0;
        for _ in 0..ROUNDS {
            let (status, body, took) = self.get(path);
            assert_eq!(status, 200, "{path}: {body}");
            bytes = body.len();
            times.push(took);
        }
        super::report(&format!("{label} — {path} ({bytes} bytes)"), times);
        bytes
    }
}
