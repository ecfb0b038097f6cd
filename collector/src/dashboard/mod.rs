//! The district dashboard, served by the collector: every station at a
//! glance, one station's day, a month across stations with its chart and
//! CSV, and the chain reports a supervisor reviews. District staff sign in
//! with a name and password (roles: viewer, supervisor).

mod pages;
pub mod queries;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tokio::sync::{RwLock, watch};

use crate::db;
use crate::users::{Guard, Refused, Role};

/// A session is dropped after this long without a request.
const IDLE: Duration = Duration::from_secs(30 * 60);
const COOKIE: &str = "district";
/// How long the overview's script waits for news before it asks again.
const LONG_POLL: Duration = Duration::from_secs(5);

/// Who is signed in.
#[derive(Clone, Debug)]
pub struct Session {
    pub name: String,
    pub role: Role,
    seen: Instant,
}

pub struct Dashboard {
    conninfo: String,
    pg: RwLock<Option<Arc<tokio_postgres::Client>>>,
    sessions: Mutex<HashMap<String, Session>>,
    guard: Guard,
    /// The district's time zone (IANA name), for "today" and times shown.
    pub zone: String,
    tz: jiff::tz::TimeZone,
    /// Counts the alarms and bad ratings stored since the dashboard started
    /// (from PostgreSQL's notifications); the overview's script waits on it.
    news: watch::Sender<u64>,
}

/// An error shown as a page: the database cannot be reached, mostly.
struct Failure(String);

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (StatusCode::SERVICE_UNAVAILABLE, pages::problem(&self.0)).into_response()
    }
}

impl From<tokio_postgres::Error> for Failure {
    fn from(e: tokio_postgres::Error) -> Self {
        Failure(format!(
            "the district database cannot be read: {e} — the collector retries; check that PostgreSQL runs"
        ))
    }
}

impl Dashboard {
    pub fn new(conninfo: String, zone: &str) -> Result<Arc<Self>, crate::Error> {
        let tz = jiff::tz::TimeZone::get(zone).map_err(|e| {
            crate::Error::Refused(format!(
                "--zone {zone}: {e} (an IANA name such as Asia/Shanghai)"
            ))
        })?;
        Ok(Arc::new(Self {
            conninfo,
            pg: RwLock::new(None),
            sessions: Mutex::new(HashMap::new()),
            guard: Guard::default(),
            zone: zone.to_string(),
            tz,
            news: watch::Sender::new(0),
        }))
    }

    /// Follows PostgreSQL's notifications of new alarms and bad ratings,
    /// whichever collector stored them, for as long as the dashboard runs.
    async fn follow(self: Arc<Self>) {
        loop {
            match tokio_postgres::connect(&self.conninfo, tokio_postgres::NoTls).await {
                Ok((client, mut connection)) => {
                    let me = Arc::clone(&self);
                    let driver = tokio::spawn(async move {
                        loop {
                            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                                Some(Ok(tokio_postgres::AsyncMessage::Notification(_))) => {
                                    me.news.send_modify(|n| *n += 1);
                                }
                                Some(Ok(_)) => {}
                                Some(Err(_)) | None => return,
                            }
                        }
                    });
                    let listen = format!("LISTEN {}", db::PRIORITY_CHANNEL);
                    if client.batch_execute(&listen).await.is_ok() {
                        // Whatever came while it was not listening shows now.
                        self.news.send_modify(|n| *n += 1);
                        let _ = driver.await;
                    } else {
                        driver.abort();
                    }
                }
                Err(e) => {
                    tracing::warn!(
                        "dashboard: cannot follow the district database ({e}); the overview refreshes every {} s until it can",
                        LONG_POLL.as_secs()
                    );
                }
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// The database client, connected again when it was lost.
    async fn pg(&self) -> Result<Arc<tokio_postgres::Client>, Failure> {
        if let Some(c) = self.pg.read().await.as_ref().filter(|c| !c.is_closed()) {
            return Ok(Arc::clone(c));
        }
        let mut slot = self.pg.write().await;
        if let Some(c) = slot.as_ref().filter(|c| !c.is_closed()) {
            return Ok(Arc::clone(c));
        }
        let c = db::connect(&self.conninfo).await?;
        db::migrate(&c).await?;
        let c = Arc::new(c);
        *slot = Some(Arc::clone(&c));
        Ok(c)
    }

    fn today(&self) -> jiff::civil::Date {
        jiff::Timestamp::now()
            .to_zoned_datetime(self.tz.clone())
            .date()
    }

    fn session(&self, headers: &HeaderMap) -> Option<Session> {
        let token = cookie(headers)?;
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        sessions.retain(|_, s| s.seen.elapsed() < IDLE);
        let s = sessions.get_mut(&token)?;
        s.seen = Instant::now();
        Some(s.clone())
    }
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

/// The dashboard's routes.
pub fn router(state: Arc<Dashboard>) -> Router {
    Router::new()
        .route("/", get(overview))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/api/overview", get(overview_json))
        .route("/stations/{id}", get(station_day))
        .route("/month", get(month))
        .route("/month.csv", get(month_csv))
        .route("/reports", get(reports))
        .route("/reports/{id}/review", post(review))
        .route("/static/dashboard.css", get(css))
        .with_state(state)
}

/// Serves the dashboard until the task is dropped.
pub async fn serve(
    state: Arc<Dashboard>,
    listener: tokio::net::TcpListener,
) -> std::io::Result<()> {
    let follower = tokio::spawn(Arc::clone(&state).follow());
    let served = axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await;
    follower.abort();
    served
}

async fn css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("dashboard.css"),
    )
}

macro_rules! signed_in {
    ($state:expr, $headers:expr) => {
        match $state.session(&$headers) {
            Some(s) => s,
            None => return Ok(Redirect::to("/login").into_response()),
        }
    };
}

async fn login_page() -> impl IntoResponse {
    pages::login(None)
}

#[derive(Deserialize)]
struct Login {
    name: String,
    password: String,
}

async fn login(
    State(state): State<Arc<Dashboard>>,
    Form(form): Form<Login>,
) -> Result<Response, Failure> {
    let pg = state.pg().await?;
    let verdict = state
        .guard
        .check(&pg, form.name.trim(), &form.password)
        .await
        .map_err(|e| Failure(e.to_string()))?;
    match verdict {
        Ok(role) => {
            let mut raw = [0u8; 24];
            getrandom::fill(&mut raw).map_err(|e| Failure(format!("no randomness: {e}")))?;
            let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
            state
                .sessions
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(
                    token.clone(),
                    Session {
                        name: form.name.trim().to_string(),
                        role,
                        seen: Instant::now(),
                    },
                );
            Ok((
                [(
                    header::SET_COOKIE,
                    format!("{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"),
                )],
                Redirect::to("/"),
            )
                .into_response())
        }
        Err(Refused::Wrong) => Ok((
            StatusCode::UNAUTHORIZED,
            pages::login(Some("用户名或密码不对 · Wrong name or password")),
        )
            .into_response()),
        Err(Refused::Locked { minutes }) => Ok((
            StatusCode::TOO_MANY_REQUESTS,
            pages::login(Some(&format!(
                "密码错误次数过多，请 {minutes} 分钟后再试 · Too many wrong passwords: try again in {minutes} minutes"
            ))),
        )
            .into_response()),
    }
}

async fn logout(State(state): State<Arc<Dashboard>>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers) {
        state
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&token);
    }
    (
        [(
            header::SET_COOKIE,
            format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
        )],
        Redirect::to("/login"),
    )
        .into_response()
}

async fn overview(
    State(state): State<Arc<Dashboard>>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let who = signed_in!(state, headers);
    let pg = state.pg().await?;
    let today = state.today().to_string();
    let stations = queries::stations(&pg, &state.zone).await?;
    let figures = queries::figures(&pg, &today, &today, None).await?;
    let priority = queries::recent_priority(&pg, &state.zone, 20).await?;
    Ok(pages::overview(&who, &today, &stations, &figures, &priority).into_response())
}

#[derive(Deserialize)]
struct Wait {
    /// The `news` count the page last saw: answer when it has moved on, or
    /// after `LONG_POLL`.
    wait: Option<u64>,
}

/// What the overview's script asks for again and again: alarms, links,
/// lag. Given `wait`, it is a long poll that answers as soon as an alarm or
/// a bad rating is stored, so the alarm band needs no faster polling.
async fn overview_json(
    State(state): State<Arc<Dashboard>>,
    headers: HeaderMap,
    Query(q): Query<Wait>,
) -> Result<Response, Failure> {
    if state.session(&headers).is_none() {
        return Ok(StatusCode::UNAUTHORIZED.into_response());
    }
    let mut news = state.news.subscribe();
    if let Some(seen) = q.wait
        && *news.borrow_and_update() == seen
    {
        let _ = tokio::time::timeout(LONG_POLL, news.changed()).await;
    }
    let generation = *news.borrow_and_update();
    let pg = state.pg().await?;
    let stations = queries::stations(&pg, &state.zone).await?;
    let priority = queries::recent_priority(&pg, &state.zone, 20).await?;
    Ok(Json(serde_json::json!({
        "news": generation,
        "stations": stations.iter().map(|s| serde_json::json!({
            "id": s.id,
            "link": s.link,
            "alarms": s.alarms,
            "chain": s.chain,
            "lag": s.lag(),
            "last_seq": s.last_seq,
        })).collect::<Vec<_>>(),
        "priority": priority.iter().map(|p| serde_json::json!({
            "station": p.station,
            "at": p.at,
            "kind": p.kind,
            "body": p.body,
        })).collect::<Vec<_>>(),
    }))
    .into_response())
}

#[derive(Deserialize)]
struct DayQuery {
    day: Option<String>,
}

fn valid_day(day: &str) -> bool {
    day.parse::<jiff::civil::Date>().is_ok()
}

async fn station_day(
    State(state): State<Arc<Dashboard>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<DayQuery>,
) -> Result<Response, Failure> {
    let who = signed_in!(state, headers);
    let pg = state.pg().await?;
    let stations = queries::stations(&pg, &state.zone).await?;
    let Some(station) = stations.into_iter().find(|s| s.id == id) else {
        return Ok((StatusCode::NOT_FOUND, pages::problem("no such station")).into_response());
    };
    // The day asked for, else the station's own business day, else today.
    let day = q
        .day
        .filter(|d| valid_day(d))
        .or_else(|| station.summary.as_ref().and_then(|s| s.day.clone()))
        .unwrap_or_else(|| state.today().to_string());
    let figures = queries::figures(&pg, &day, &day, Some(&id))
        .await?
        .remove(&id)
        .unwrap_or_default();
    let entries = queries::day_entries(&pg, &id, &day, &state.zone).await?;
    let reports = queries::reports(&pg, &state.zone, Some(&id)).await?;
    Ok(pages::station_day(&who, &station, &day, &figures, &entries, &reports).into_response())
}

#[derive(Deserialize)]
struct MonthQuery {
    m: Option<String>,
}

/// The month asked for (`YYYY-MM`, else this one): its first and last day.
fn month_range(state: &Dashboard, m: Option<&str>) -> (String, String, String) {
    let first = m
        .and_then(|m| format!("{m}-01").parse::<jiff::civil::Date>().ok())
        .unwrap_or_else(|| state.today().first_of_month());
    let last = first.last_of_month();
    (
        first.strftime("%Y-%m").to_string(),
        first.to_string(),
        last.to_string(),
    )
}

async fn month(
    State(state): State<Arc<Dashboard>>,
    headers: HeaderMap,
    Query(q): Query<MonthQuery>,
) -> Result<Response, Failure> {
    let who = signed_in!(state, headers);
    let (label, from, to) = month_range(&state, q.m.as_deref());
    let pg = state.pg().await?;
    let figures = queries::figures(&pg, &from, &to, None).await?;
    let by_day = queries::tickets_by_day(&pg, &from, &to).await?;
    Ok(pages::month(&who, &label, &figures, &by_day).into_response())
}

async fn month_csv(
    State(state): State<Arc<Dashboard>>,
    headers: HeaderMap,
    Query(q): Query<MonthQuery>,
) -> Result<Response, Failure> {
    let _who = signed_in!(state, headers);
    let (label, from, to) = month_range(&state, q.m.as_deref());
    let pg = state.pg().await?;
    let figures = queries::figures(&pg, &from, &to, None).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"district-{label}.csv\""),
            ),
        ],
        pages::csv(&label, &figures),
    )
        .into_response())
}

async fn reports(
    State(state): State<Arc<Dashboard>>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let who = signed_in!(state, headers);
    let pg = state.pg().await?;
    let reports = queries::reports(&pg, &state.zone, None).await?;
    Ok(pages::reports(&who, &reports).into_response())
}

async fn review(
    State(state): State<Arc<Dashboard>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let who = signed_in!(state, headers);
    if who.role != Role::Supervisor {
        return Ok((
            StatusCode::FORBIDDEN,
            pages::problem("只有督导员可以复核 · Only a supervisor reviews reports"),
        )
            .into_response());
    }
    let pg = state.pg().await?;
    queries::review(&pg, id, &who.name).await?;
    Ok(Redirect::to("/reports").into_response())
}
