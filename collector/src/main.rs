//! `kiosk-collector`: the district's collector and dashboard.

use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use collector::users::{self, Role};
use collector::{dashboard, db, ingest};

/// The district's collector: stations' journals from MQTT into PostgreSQL,
/// and the district dashboard.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// The PostgreSQL connection, as libpq's key=value string
    /// (host=… port=… user=… dbname=…).
    #[arg(
        long,
        env = "KIOSK_COLLECTOR_DATABASE",
        global = true,
        default_value = ""
    )]
    database: String,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Collect from the broker and serve the dashboard.
    Serve {
        /// mqtt://HOST:1883, or mqtts://HOST:8883 with --ca.
        #[arg(long, env = "KIOSK_COLLECTOR_BROKER")]
        broker: String,
        /// With mqtts://: the CA that signed the broker's certificate, and
        /// this collector's own certificate and key (PEM).
        #[arg(long)]
        ca: Option<PathBuf>,
        #[arg(long, requires = "key")]
        cert: Option<PathBuf>,
        #[arg(long, requires = "cert")]
        key: Option<PathBuf>,
        /// This collector's name at the broker (its persistent session):
        /// unique per collector.
        #[arg(long, default_value = "collector-1")]
        client_id: String,
        /// Collectors of one group share the stations' messages.
        #[arg(long, default_value = "collectors")]
        group: String,
        /// Database connections the stations are spread over.
        #[arg(long, default_value_t = 4)]
        workers: usize,
        /// Where the dashboard listens.
        #[arg(long, default_value = "127.0.0.1:8090")]
        listen: SocketAddr,
        /// The district's time zone, for "today" and the times shown.
        #[arg(long, default_value = "Asia/Shanghai")]
        zone: String,
    },
    /// Create the schema and exit.
    Migrate,
    /// Add a dashboard user, or change their role and password; the
    /// password is read from standard input (its first line).
    User {
        name: String,
        #[arg(long, value_parser = ["viewer", "supervisor"])]
        role: String,
    },
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kiosk-collector: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kiosk-collector: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    if cli.database.trim().is_empty() {
        anyhow::bail!(
            "no database — pass --database \"host=… port=5432 user=… dbname=…\" or set KIOSK_COLLECTOR_DATABASE"
        );
    }
    match cli.command {
        Cmd::Migrate => {
            let pg = db::connect(&cli.database).await?;
            db::migrate(&pg).await?;
            println!("schema ready");
            Ok(())
        }
        Cmd::User { name, role } => {
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let pg = db::connect(&cli.database).await?;
            db::migrate(&pg).await?;
            let role = Role::parse(&role).expect("clap checked the role");
            users::add(&pg, &name, role, password).await?;
            println!("user {name}: {}", role.word());
            Ok(())
        }
        Cmd::Serve {
            broker,
            ca,
            cert,
            key,
            client_id,
            group,
            workers,
            listen,
            zone,
        } => {
            let (host, port, tls) =
                fleet::broker::broker_url(&broker).map_err(|e| anyhow::anyhow!("--broker: {e}"))?;
            let tls = match (tls, ca) {
                (true, Some(ca)) => Some(
                    fleet::broker::client_config(&ca, cert.as_deref().zip(key.as_deref()))
                        .map_err(|e| anyhow::anyhow!(e))?,
                ),
                (true, None) => anyhow::bail!("mqtts:// needs --ca: the broker's CA certificate"),
                (false, Some(_)) => anyhow::bail!("--ca needs an mqtts:// broker"),
                (false, None) => None,
            };
            // The schema first, so that the dashboard and the workers find it.
            let pg = db::connect(&cli.database).await.map_err(|e| {
                anyhow::anyhow!(
                    "the database ({}): {e} — check that PostgreSQL runs and --database is right",
                    cli.database
                )
            })?;
            db::migrate(&pg).await?;
            drop(pg);
            let board = dashboard::Dashboard::new(cli.database.clone(), &zone)?;
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .map_err(|e| anyhow::anyhow!("the dashboard cannot listen on {listen}: {e}"))?;
            let address = listener.local_addr()?;
            let web = tokio::spawn(dashboard::serve(board, listener));
            let settings = ingest::Settings {
                broker: fleet::broker::Broker { host, port, tls },
                client_id,
                group,
                database: cli.database.clone(),
                workers,
            };
            {
                let mut out = std::io::stdout().lock();
                writeln!(out, "ready dashboard=http://{address}")?;
                out.flush()?;
            }
            tokio::select! {
                r = ingest::run(settings) => r.map_err(anyhow::Error::from),
                r = web => Err(anyhow::anyhow!("the dashboard stopped: {r:?}")),
                _ = tokio::signal::ctrl_c() => Ok(()),
            }
        }
    }
}
