//! Running the real `kiosk` binary on the simulated board, headless, and talking
//! to it through its control socket — exactly as a technician's script would.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::time::Duration;

use serde_json::Value;

/// A Monday morning, so that ticketing is open whenever the tests run.
pub const MONDAY_9AM: &str = "2026-11-30 09:00";

/// The settings of a test station unless a test brings its own: the simulated
/// printer prints at once instead of at paper speed, and the printer's status
/// is checked every second, so that a cleared fault is noticed quickly.
/// Signing on is optional and a call does not wait for the last rating, so
/// that each area's tests drive the queue directly; `people.rs` runs the
/// station's own defaults (`PEOPLE_CONFIG`).
pub const TEST_CONFIG: &str = "[people]\nsign_on = \"optional\"\n[evaluator]\ncall_waits_for_rating = false\n[console]\nlisten = \"127.0.0.1:0\"\n[printer]\nsimulate_timing = false\npoll_seconds = 1\n";

pub fn kiosk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kiosk"))
}

/// A kiosk process and a connection to its control socket.
pub struct Station {
    child: Option<Child>,
    socket: BufReader<UnixStream>,
    pub data: PathBuf,
    /// The staff console's address, `http://127.0.0.1:PORT`, when it runs.
    pub console: Option<String>,
    /// What the kiosk started without (`degraded: …` lines before `ready`).
    pub degraded: Vec<String>,
    _stdout: BufReader<ChildStdout>,
}

impl Station {
    /// Starts `kiosk run --headless` on `data` with extra arguments and waits for
    /// its `ready` line.
    pub fn start(data: &Path, extra: &[&str]) -> Station {
        Self::start_logging(data, extra, None)
    }

    /// [`Station::start`], with everything the kiosk logs (at `debug`)
    /// written to `log`.
    pub fn start_logging(data: &Path, extra: &[&str], log: Option<&Path>) -> Station {
        Self::launch(kiosk(), data, extra, log)
    }

    /// [`Station::start`] with the kiosk's open-file limit set to `limit`
    /// (as `ulimit -n` sets it; systemd's default soft limit is 1024).
    pub fn start_with_open_files(data: &Path, extra: &[&str], limit: u32) -> Station {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_kiosk"));
        Self::launch(command, data, extra, None)
    }

    fn launch(mut command: Command, data: &Path, extra: &[&str], log: Option<&Path>) -> Station {
        command.args(["run", "--headless", "--data"]).arg(data);
        if !extra.contains(&"--clock") {
            command.args(["--clock", MONDAY_9AM]);
        }
        if !extra.contains(&"--config") {
            std::fs::create_dir_all(data).unwrap();
            let config = data.join("test-kiosk.toml");
            std::fs::write(&config, TEST_CONFIG).unwrap();
            command.arg("--config").arg(config);
        }
        command.args(extra).stdout(Stdio::piped());
        match log {
            None => command
                .env(
                    "RUST_LOG",
                    std::env::var("KIOSK_TEST_LOG").unwrap_or_else(|_| "error".into()),
                )
                .stderr(Stdio::inherit()),
            Some(path) => command
                .env("RUST_LOG", "debug")
                .env("NO_COLOR", "1")
                .stderr(std::fs::File::create(path).unwrap()),
        };
        let mut child = command.spawn().expect("the kiosk binary starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        // A station that starts degraded says what is missing first.
        let mut degraded = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            stdout
                .read_line(&mut line)
                .expect("the kiosk prints a ready line");
            match line.trim().strip_prefix("degraded: ") {
                Some(problem) => degraded.push(problem.to_string()),
                None => break,
            }
        }
        let fields: Vec<&str> = line.trim().split(' ').collect();
        let field = |name: &str| {
            fields
                .iter()
                .find_map(|f| f.strip_prefix(name))
                .map(str::to_string)
        };
        assert_eq!(
            fields.first(),
            Some(&"ready"),
            "unexpected first line {line:?}"
        );
        let socket = field("control=").unwrap_or_else(|| panic!("no control socket in {line:?}"));
        let console = field("console=");
        let stream = UnixStream::connect(&socket).expect("the control socket accepts");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        Station {
            child: Some(child),
            socket: BufReader::new(stream),
            data: data.to_path_buf(),
            console,
            degraded,
            _stdout: stdout,
        }
    }

    /// Sends one command line and returns the answer.
    pub fn send(&mut self, command: &str) -> Value {
        let stream = self.socket.get_mut();
        stream.write_all(command.as_bytes()).unwrap();
        stream.write_all(b"\n").unwrap();
        let mut line = String::new();
        self.socket.read_line(&mut line).expect("an answer");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("answer {line:?} is not JSON: {e}"))
    }

    /// Sends a command that must succeed.
    pub fn ok(&mut self, command: &str) -> Value {
        let answer = self.send(command);
        assert_eq!(answer["ok"], true, "`{command}` failed: {answer}");
        answer
    }

    pub fn state(&mut self) -> Value {
        self.ok("state")["state"].clone()
    }

    /// Codes of the waiting tickets, in call order.
    pub fn waiting(&mut self) -> Vec<String> {
        let state = self.state();
        state["station"]["waiting"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    }

    /// Takes a ticket in a category through the touchscreen, returns its code as
    /// the screen shows it, and goes back home.
    pub fn take_ticket(&mut self, category: char) -> String {
        self.ok(&format!("tap category-{category}"));
        self.ok("settle held");
        let screen = self.screen();
        assert_eq!(screen["screen"], "ticket", "{screen}");
        self.ok("tap done");
        screen["ticket"].as_str().unwrap().to_string()
    }

    /// What the touchscreen shows.
    pub fn screen(&mut self) -> Value {
        self.state()["screen"].clone()
    }

    /// Sends `quit` and waits for the process to end. The virtual printer must
    /// have understood every byte it was sent.
    pub fn quit(mut self) -> ExitStatus {
        let printer = self.state()["printer"]["simulated"].clone();
        if !printer.is_null() {
            assert_eq!(
                printer["unknown_commands"], 0,
                "the virtual printer met commands it does not know: {printer}"
            );
        }
        self.ok("quit");
        self.child.take().unwrap().wait().unwrap()
    }

    /// Kills the kiosk at once (SIGKILL), as a crash would, and waits for it.
    pub fn kill(mut self) {
        let mut child = self.child.take().unwrap();
        child.kill().unwrap();
        let _ = child.wait();
    }

    /// The process id, for signals.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// The files the kiosk process holds open now.
    pub fn open_files(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .unwrap()
            .count()
    }

    pub fn wait(mut self) -> ExitStatus {
        self.child.take().unwrap().wait().unwrap()
    }

    /// The virtual printer's jobs folder.
    pub fn jobs(&self) -> PathBuf {
        self.data.join("printer")
    }

    /// The station's data folder.
    pub fn data(&self) -> &Path {
        &self.data
    }
}

impl Drop for Station {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Settings in `dir` whose simulated board confirms smoke at once (not
/// after five seconds), with `extra` settings after; the settings file.
pub fn instant_smoke(dir: &Path, extra: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("board.toml"),
        board::profile::SIMULATED.replace("confirm_seconds = 5", "confirm_seconds = 0"),
    )
    .unwrap();
    let config = dir.join("kiosk.toml");
    std::fs::write(
        &config,
        format!("{TEST_CONFIG}[board]\nprofile = \"board.toml\"\n{extra}"),
    )
    .unwrap();
    config
}

/// `kiosk logs --json` on a data folder: the journal's kinds and tickets.
/// Every string the journal's entries hold that a person could have typed:
/// the string values in their bodies and actors, without times and hex
/// digests (whose digits can hold any four-digit PIN by chance).
pub fn typed_strings(entries: &[Value]) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => {
                let digest = s.len() >= 16 && s.chars().all(|c| c.is_ascii_hexdigit());
                if !digest && s.parse::<jiff::Timestamp>().is_err() {
                    out.push(s.clone());
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            Value::Object(o) => o.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for e in entries {
        walk(&e["body"], &mut out);
        walk(&e["actor"], &mut out);
    }
    out
}

pub fn journal(data: &Path, extra: &[&str]) -> Vec<Value> {
    let out = kiosk()
        .args(["logs", "--json", "--data"])
        .arg(data)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "kiosk logs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

pub fn kinds(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

/// `kiosk staff add ID --name NAME --role ROLE` with the PIN on standard input.
pub fn add_staff(data: &Path, id: &str, name: &str, role: &str, pin: &str) {
    staff_with_pin(data, &["add", id, "--name", name, "--role", role], pin);
}

/// `kiosk staff ARGS --data DATA` with the PIN on standard input; it must
/// succeed.
pub fn staff_with_pin(data: &Path, args: &[&str], pin: &str) {
    use std::io::Write;
    let mut child = kiosk()
        .arg("staff")
        .args(args)
        .arg("--data")
        .arg(data)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{pin}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Types digits on the staff PIN pad, then OK.
pub fn pad(station: &mut Station, digits: &str) {
    for d in digits.chars() {
        station.ok(&format!("tap staff-key-{d}"));
    }
    station.ok("tap staff-key-ok");
    // A PIN is checked off the station loop: wait for its verdict.
    station.ok("settle held");
}
