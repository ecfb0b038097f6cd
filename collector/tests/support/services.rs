//! A real Mosquitto and a real PostgreSQL for tests and benchmarks, from
//! Debian's packages: temporary folders, ephemeral ports, loopback only
//! (docs/fleet.md). Both stop when dropped.
#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn wait_for_port(port: u16, what: &str, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not listen on {port}: {}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A Mosquitto broker on a loopback port, its state in a folder of its own.
pub struct Broker {
    pub dir: tempfile::TempDir,
    pub port: u16,
    child: Option<Child>,
    tls: Option<BrokerTls>,
}

/// A broker that takes only TLS clients with a certificate from `ca`,
/// each known by its certificate's CN, and holds them to an ACL.
pub struct BrokerTls {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
    /// Mosquitto's ACL file's text (`%u` is the certificate's CN).
    pub acl: String,
}

impl Broker {
    pub fn start() -> Broker {
        Self::start_with(None)
    }

    pub fn start_tls(tls: BrokerTls) -> Broker {
        Self::start_with(Some(tls))
    }

    fn start_with(tls: Option<BrokerTls>) -> Broker {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut broker = Broker {
            port: free_port(),
            dir,
            child: None,
            tls,
        };
        broker.resume();
        broker
    }

    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() { "mqtts" } else { "mqtt" };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    fn conf(&self) -> PathBuf {
        let conf = self.dir.path().join("mosquitto.conf");
        let mut text = format!(
            "listener {port} 127.0.0.1\npersistence true\npersistence_location {dir}/\nautosave_interval 1\nlog_dest file {dir}/mosquitto.log\nmax_queued_messages 0\nmax_inflight_messages 100\nset_tcp_nodelay true\n",
            port = self.port,
            dir = self.dir.path().display()
        );
        match &self.tls {
            None => text.push_str("allow_anonymous true\n"),
            Some(tls) => {
                let acl = self.dir.path().join("acl");
                std::fs::write(&acl, &tls.acl).expect("write the ACL");
                text.push_str(&format!(
                    "allow_anonymous false\ncafile {}\ncertfile {}\nkeyfile {}\nrequire_certificate true\nuse_identity_as_username true\nacl_file {}\nlog_type all\n",
                    tls.ca.display(),
                    tls.cert.display(),
                    tls.key.display(),
                    acl.display()
                ));
            }
        }
        if is_root() {
            // Started as root it drops to the mosquitto user, which could
            // not write this folder (FIELD-NOTES).
            text.push_str("user root\n");
        }
        std::fs::write(&conf, text).expect("write mosquitto.conf");
        conf
    }

    /// Starts it (again, on the same port with the same saved state).
    pub fn resume(&mut self) {
        assert!(self.child.is_none(), "the broker runs already");
        let child = Command::new("mosquitto")
            .arg("-c")
            .arg(self.conf())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("mosquitto (scripts/deps installs it)");
        self.child = Some(child);
        wait_for_port(
            self.port,
            "mosquitto",
            &self.dir.path().join("mosquitto.log"),
        );
    }

    /// Stops it as a service stops (it saves its state).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(child.id().to_string())
                .status();
            let _ = child.wait();
        }
    }

    /// Everything it logged.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("mosquitto.log")).unwrap_or_default()
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A PostgreSQL cluster on a loopback port with a `district` database.
pub struct Postgres {
    pub dir: tempfile::TempDir,
    pub port: u16,
    bin: PathBuf,
    root: bool,
    running: bool,
}

fn pg_bin() -> PathBuf {
    let base = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<PathBuf> = std::fs::read_dir(base)
        .expect("PostgreSQL's server (scripts/deps installs it)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .expect("pg_ctl under /usr/lib/postgresql/*/bin")
}

impl Postgres {
    pub fn start() -> Postgres {
        let root = is_root();
        let dir = tempfile::Builder::new()
            .prefix("pg")
            .tempdir_in("/tmp")
            .expect("a temporary folder");
        let mut pg = Postgres {
            port: free_port(),
            dir,
            bin: pg_bin(),
            root,
            running: false,
        };
        let data = pg.data();
        if root {
            // initdb refuses to run as root: the cluster belongs to postgres.
            Command::new("chown")
                .args(["postgres:postgres"])
                .arg(pg.dir.path())
                .status()
                .expect("chown");
        }
        let status = pg
            .command("initdb")
            .arg("-D")
            .arg(&data)
            .args(["-A", "trust", "-U", "kiosk", "--no-sync", "-E", "UTF8"])
            .stdout(Stdio::null())
            .status()
            .expect("initdb");
        assert!(status.success(), "initdb failed");
        pg.resume();
        let status = Command::new(pg.bin.join("createdb"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &pg.port.to_string(),
                "-U",
                "kiosk",
                "district",
            ])
            .status()
            .expect("createdb");
        assert!(status.success(), "createdb failed");
        pg
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn command(&self, tool: &str) -> Command {
        if self.root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(self.bin.join(tool));
            c
        } else {
            Command::new(self.bin.join(tool))
        }
    }

    /// The server's processes: the postmaster and the backends it forked.
    pub fn pids(&self) -> Vec<u32> {
        let Some(main) = std::fs::read_to_string(self.data().join("postmaster.pid"))
            .ok()
            .and_then(|t| t.lines().next().and_then(|l| l.trim().parse::<u32>().ok()))
        else {
            return Vec::new();
        };
        let children = Command::new("pgrep")
            .args(["-P", &main.to_string()])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        std::iter::once(main)
            .chain(children.lines().filter_map(|l| l.trim().parse().ok()))
            .collect()
    }

    /// The connection string the collector takes.
    pub fn conninfo(&self) -> String {
        format!(
            "host=127.0.0.1 port={} user=kiosk dbname=district",
            self.port
        )
    }

    pub fn resume(&mut self) {
        let log = self.dir.path().join("postgres.log");
        let status = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(&log)
            .arg("-o")
            .arg(format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200",
                self.port,
                self.dir.path().display()
            ))
            .args(["-w", "start"])
            .stdout(Stdio::null())
            .status()
            .expect("pg_ctl start");
        assert!(
            status.success(),
            "PostgreSQL did not start: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        self.running = true;
    }

    pub fn stop(&mut self) {
        if self.running {
            let _ = self
                .command("pg_ctl")
                .arg("-D")
                .arg(self.data())
                .args(["-m", "fast", "-w", "stop"])
                .stdout(Stdio::null())
                .status();
            self.running = false;
        }
    }

    /// Adds a dashboard user through the collector's own command.
    pub fn add_user(&self, name: &str, role: &str, password: &str) {
        use std::io::Write;
        let mut child = Command::new(collector_exe())
            .args(["--database", &self.conninfo(), "user", name, "--role", role])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("kiosk-collector user");
        writeln!(child.stdin.take().expect("stdin"), "{password}").expect("the password");
        assert!(child.wait().expect("user").success(), "user {name}");
    }

    /// One value from a query, through psql.
    pub fn query(&self, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "kiosk",
                "-d",
                "district",
            ])
            .args(["-At", "-c", sql])
            .output()
            .expect("psql");
        assert!(
            out.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// The collector binary, started and stopped as a process.
pub struct Collector {
    child: Option<Child>,
    pub dashboard: String,
    args: Vec<String>,
    log: PathBuf,
}

/// `kiosk-collector` beside the test's own binary (target/…/deps/..).
pub fn collector_exe() -> PathBuf {
    if let Some(p) = option_env!("CARGO_BIN_EXE_kiosk-collector") {
        return PathBuf::from(p);
    }
    let me = std::env::current_exe().expect("the test's path");
    let dir = me.parent().and_then(Path::parent).expect("target folder");
    dir.join("kiosk-collector")
}

impl Collector {
    pub fn start(broker: &Broker, pg: &Postgres, client_id: &str, log_dir: &Path) -> Collector {
        Self::start_with(broker, pg, client_id, log_dir, &[])
    }

    /// Started with more `serve` options (`--workers 8`).
    pub fn start_with(
        broker: &Broker,
        pg: &Postgres,
        client_id: &str,
        log_dir: &Path,
        more: &[&str],
    ) -> Collector {
        let mut args = vec![
            "--database".to_string(),
            pg.conninfo(),
            "serve".into(),
            "--broker".into(),
            broker.url(),
            "--client-id".into(),
            client_id.into(),
            "--listen".into(),
            "127.0.0.1:0".into(),
        ];
        args.extend(more.iter().map(|s| s.to_string()));
        let mut c = Collector {
            child: None,
            dashboard: String::new(),
            args,
            log: log_dir.join(format!("{client_id}.log")),
        };
        c.resume();
        c
    }

    pub fn resume(&mut self) {
        use std::io::BufRead;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("collector log");
        let mut child = Command::new(collector_exe())
            .args(&self.args)
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("kiosk-collector");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the collector's ready line");
        self.dashboard = line
            .trim()
            .strip_prefix("ready dashboard=")
            .unwrap_or_else(|| panic!("not ready: {line:?} {}", self.log()))
            .to_string();
        self.child = Some(child);
    }

    /// SIGKILL: no goodbye, nothing flushed.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Polls `check` until it holds or `within` passes; what it last saw.
pub fn eventually<T: std::fmt::Debug>(
    within: Duration,
    what: &str,
    mut check: impl FnMut() -> (bool, T),
) -> T {
    let deadline = Instant::now() + within;
    loop {
        let (ok, seen) = check();
        if ok {
            return seen;
        }
        assert!(Instant::now() < deadline, "{what}: last saw {seen:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
