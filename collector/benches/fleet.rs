//! The fleet's bars, measured through a real Mosquitto and a real
//! PostgreSQL on this machine (issue 18; BENCHMARKS.md quotes the figures):
//!
//! - **catch-up**: STATIONS simulated stations each send a busy day of ROWS
//!   entries as the uplink does — batches of 500, one in flight, the next
//!   when the collector acknowledged the last — into an empty district
//!   database; rows a second from the first publish to the last
//!   acknowledgement, with one collector, then again on a fresh broker and
//!   database with two collectors sharing the subscription;
//! - **steady state**, on the one-collector district after its catch-up:
//!   every station publishes one entry every 10 s and its retained status
//!   every 30 s for SECONDS; publish → the collector's acknowledgement, which
//!   it sends only after the commit (so an upper bound of publish →
//!   committed);
//! - **an alarm → on the dashboard**, during the steady state: a station's
//!   alarm on the priority topic until a signed-in overview request (the
//!   page's long poll) shows it latched; then its reset, and the next.
//!
//! The stations, the broker, PostgreSQL and the collectors share this
//! machine's cores; in service each station is its own machine.
//! Run: `cargo bench -p collector --bench fleet [-- STATIONS ROWS SECONDS]`
//! (defaults 1000 3000 60).

#[path = "../tests/support/services.rs"]
mod services;
#[path = "../tests/support/station.rs"]
mod station;

use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use services::{Broker, Collector, Postgres};
use station::{Answer, SimStation};
use tokio::task::JoinSet;

const BATCH: usize = 500;
const DAY: &str = "2026-11-30";
const TAG: &str = "d";

struct Size {
    stations: usize,
    rows: i64,
    seconds: u64,
}

fn size() -> Size {
    let numbers: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    Size {
        stations: numbers.first().map_or(1000, |&n| n as usize),
        rows: numbers.get(1).map_or(3000, |&n| n as i64),
        seconds: numbers.get(2).copied().unwrap_or(60),
    }
}

/// A broker, a database and collectors, on loopback.
struct District {
    broker: Broker,
    pg: Postgres,
    collectors: Vec<Collector>,
    _logs: tempfile::TempDir,
}

impl District {
    fn start(collectors: usize) -> District {
        let broker = Broker::start();
        let pg = Postgres::start();
        let logs = tempfile::tempdir().expect("a temporary folder");
        let collectors = (1..=collectors)
            .map(|n| Collector::start(&broker, &pg, &format!("collector-{n}"), logs.path()))
            .collect();
        District {
            broker,
            pg,
            collectors,
            _logs: logs,
        }
    }
}

fn station_id(n: usize) -> String {
    format!("st{n:04}")
}

async fn connect_all(port: u16, stations: usize) -> Vec<SimStation> {
    let mut set = JoinSet::new();
    for n in 0..stations {
        set.spawn(async move {
            let id = station_id(n);
            let journal = format!("journal-{id}");
            (n, SimStation::connect(port, &id, &journal).await)
        });
    }
    let mut out: Vec<(usize, SimStation)> = set.join_all().await;
    out.sort_by_key(|(n, _)| *n);
    out.into_iter().map(|(_, s)| s).collect()
}

/// Sends every station's day; the wall time from the first publish to the
/// last acknowledgement, and how many batches had to go twice.
async fn catch_up(stations: Vec<SimStation>, rows: i64) -> (Vec<SimStation>, Duration, usize) {
    // Every batch's message is made before the clock starts: in service
    // each station makes its own on its own machine.
    let mut work = Vec::new();
    for s in stations {
        let journal = station::journal(1, rows, TAG, DAY);
        let batches: Vec<(i64, Vec<u8>)> = journal
            .chunks(BATCH)
            .map(|part| (part[part.len() - 1].entry.seq, s.batch(part, rows, TAG)))
            .collect();
        work.push((s, batches));
    }
    let go = Arc::new(tokio::sync::Barrier::new(work.len() + 1));
    let mut set = JoinSet::new();
    for (mut s, batches) in work {
        let go = Arc::clone(&go);
        set.spawn(async move {
            go.wait().await;
            let mut again = 0;
            let mut i = 0;
            while i < batches.len() {
                let (to, payload) = &batches[i];
                s.publish_raw(payload.clone()).await;
                match s.answer(Duration::from_secs(120)).await {
                    Some(Answer::Ack(acked)) if acked >= *to => i += 1,
                    Some(Answer::Ack(_)) | None => again += 1,
                    Some(Answer::Resend(from)) => {
                        again += 1;
                        i = usize::try_from((from - 1) / BATCH as i64).unwrap_or(0);
                    }
                }
            }
            (s, again)
        });
    }
    go.wait().await;
    let started = Instant::now();
    let done = set.join_all().await;
    let took = started.elapsed();
    let again = done.iter().map(|(_, a)| a).sum();
    (done.into_iter().map(|(s, _)| s).collect(), took, again)
}

fn report(label: &str, mut latencies: Vec<Duration>) {
    if latencies.is_empty() {
        println!("{label}: no samples");
        return;
    }
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("{label} ({} samples)", latencies.len());
    println!("  p50 {:.1} ms", ms(pct(0.50)));
    println!("  p90 {:.1} ms", ms(pct(0.90)));
    println!("  p99 {:.1} ms", ms(pct(0.99)));
    println!("  max {:.1} ms", ms(latencies[latencies.len() - 1]));
}

/// Every station: one entry every 10 s (starts spread over the first 10 s),
/// its status every 30 s, for `seconds`. Publish → acknowledgement.
async fn steady(stations: Vec<SimStation>, rows: i64, seconds: u64) -> (Vec<Duration>, usize) {
    let count = stations.len();
    let start = tokio::time::Instant::now() + Duration::from_secs(1);
    let end = start + Duration::from_secs(seconds);
    let mut set = JoinSet::new();
    for (n, mut s) in stations.into_iter().enumerate() {
        set.spawn(async move {
            let offset = Duration::from_millis((10_000 * n / count) as u64);
            let mut tick = tokio::time::interval_at(start + offset, Duration::from_secs(10));
            let mut seq = rows;
            let mut seen = Vec::new();
            let mut lost = 0;
            let mut ticks = 0u64;
            loop {
                let at = tick.tick().await;
                if at >= end {
                    break;
                }
                if ticks.is_multiple_of(3) {
                    s.status(serde_json::json!({"state": "online"})).await;
                }
                ticks += 1;
                seq += 1;
                let row = station::journal(seq, seq, TAG, DAY);
                let payload = s.batch(&row, seq, TAG);
                let sent = Instant::now();
                s.publish_raw(payload).await;
                match s.answer(Duration::from_secs(30)).await {
                    Some(Answer::Ack(to)) if to >= seq => seen.push(sent.elapsed()),
                    _ => lost += 1,
                }
            }
            (seen, lost)
        });
    }
    let mut all = Vec::new();
    let mut lost = 0;
    for (seen, l) in set.join_all().await {
        all.extend(seen);
        lost += l;
    }
    (all, lost)
}

type Http = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

async fn request(http: &Http, req: hyper::Request<Full<Bytes>>) -> (u16, String, Option<String>) {
    let res = http.request(req).await.expect("the dashboard answers");
    let status = res.status().as_u16();
    let cookie = res
        .headers()
        .get(hyper::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(String::from);
    let body = res.into_body().collect().await.expect("a body").to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned(), cookie)
}

/// Signs in as a viewer; the session cookie.
async fn sign_in(http: &Http, base: &str) -> String {
    let req = hyper::Request::post(format!("{base}/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from(
            "name=bench&password=bench-password-1",
        )))
        .expect("a request");
    let (_, _, cookie) = request(http, req).await;
    cookie.expect("signed in")
}

/// The overview as the page's long poll gets it: (news, latched zones of
/// `station`).
async fn overview(
    http: &Http,
    base: &str,
    cookie: &str,
    wait: Option<u64>,
    station: &str,
) -> (u64, Vec<String>) {
    let url = match wait {
        Some(n) => format!("{base}/api/overview?wait={n}"),
        None => format!("{base}/api/overview"),
    };
    let req = hyper::Request::get(url)
        .header("cookie", cookie)
        .body(Full::new(Bytes::new()))
        .expect("a request");
    let (status, body, _) = request(http, req).await;
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    let alarms = v["stations"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["id"] == station)
        .and_then(|s| s["alarms"].as_array())
        .map(|a| {
            a.iter()
                .filter_map(|z| z.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    (v["news"].as_u64().unwrap_or(0), alarms)
}

/// Raises and resets alarms at stations in turn until `end`, each timed
/// from its publish to the overview that shows it.
async fn alarms(port: u16, base: String, end: Instant) -> Vec<Duration> {
    let http: Http = Client::builder(TokioExecutor::new()).build_http();
    let cookie = sign_in(&http, &base).await;
    // Stations of their own on the priority topic, so the steady state's
    // stations keep their one-batch rhythm.
    let mut seen = Vec::new();
    let mut k = 0usize;
    let mut reporters = Vec::new();
    for n in 0..10 {
        let id = format!("alarm{n:02}");
        reporters.push(SimStation::connect(port, &id, &format!("journal-{id}")).await);
    }
    while Instant::now() < end {
        let s = &reporters[k % reporters.len()];
        let seq = 2 * k as i64 + 1;
        let at = jiff::Timestamp::now().to_string();
        let (mut news, _) = overview(&http, &base, &cookie, None, &s.id).await;
        let sent = Instant::now();
        s.priority(&station::alarm(seq, "alarm_raised", "panic", &at))
            .await;
        loop {
            let (n, latched) = overview(&http, &base, &cookie, Some(news), &s.id).await;
            news = n;
            if latched.iter().any(|z| z == "panic") {
                seen.push(sent.elapsed());
                break;
            }
            assert!(
                sent.elapsed() < Duration::from_secs(30),
                "alarm at {} never shown",
                s.id
            );
        }
        let at = jiff::Timestamp::now().to_string();
        s.priority(&station::alarm(seq + 1, "alarm_reset", "panic", &at))
            .await;
        loop {
            let (n, latched) = overview(&http, &base, &cookie, Some(news), &s.id).await;
            news = n;
            if latched.is_empty() {
                break;
            }
        }
        k += 1;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    seen
}

fn main() {
    let size = size();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let total = size.stations as i64 * size.rows;
    println!(
        "fleet: {} stations × {} entries = {total} entries, batches of {BATCH}",
        size.stations, size.rows
    );

    // One collector: catch-up, then the steady state and the alarms.
    let district = District::start(1);
    runtime.block_on(async {
        let stations = timed_catch_up(&district, &size).await;
        district.pg.add_user("bench", "viewer", "bench-password-1");
        let base = district.collectors[0].dashboard.clone();
        let end = Instant::now() + Duration::from_secs(size.seconds + 1);
        let prober = tokio::spawn(alarms(district.broker.port, base, end));
        let (latencies, lost) = steady(stations, size.rows, size.seconds).await;
        report(
            &format!(
                "steady {} stations, one entry / 10 s, {} s: publish → acknowledged after commit (unanswered within 30 s: {lost})",
                size.stations, size.seconds
            ),
            latencies,
        );
        let shown = prober.await.expect("the alarm prober");
        report("alarm published → latched in the dashboard's overview", shown);
    });
    drop(district);

    // Two collectors sharing the subscription, on a fresh district.
    let district = District::start(2);
    runtime.block_on(timed_catch_up(&district, &size));
}

/// Every station's day into `district`, checked and reported; the stations.
async fn timed_catch_up(district: &District, size: &Size) -> Vec<SimStation> {
    let total = size.stations as i64 * size.rows;
    let stations = connect_all(district.broker.port, size.stations).await;
    let (stations, took, again) = catch_up(stations, size.rows).await;
    let held: i64 = district
        .pg
        .query("SELECT count(*) FROM entries")
        .parse()
        .expect("a count");
    assert_eq!(held, total, "every entry committed once");
    println!(
        "catch_up collectors={}: {total} entries in {:.1} s = {:.0} entries/s ({again} batches sent again)",
        district.collectors.len(),
        took.as_secs_f64(),
        total as f64 / took.as_secs_f64()
    );
    stations
}
