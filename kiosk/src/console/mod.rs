//! The staff console: an HTTP server inside the kiosk (axum), off the public
//! screen, on loopback unless configured otherwise. Server-rendered pages
//! (maud escapes every value) that work without a build step: today's
//! station with live updates, a window console that sends the same commands
//! as the keypads, the journal with filters, and the cases.
//!
//! Staff sign in with their staff number and PIN, checked by the station's
//! writer like every PIN (wrong ones counted, lockouts). A session is a random
//! token in an `HttpOnly; SameSite=Strict` cookie; every form that changes
//! something carries the session's CSRF token; a session ends after its idle
//! time, on sign-out, and when the member's PIN changes or they are disabled.
//! Sign-in attempts are limited per address.

mod chart;
mod pages;
pub mod tls;

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Form, Path as UrlPath, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::tz::TimeZone;
use serde::Deserialize;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;

use crate::app::Event;
use crate::config::StationInfo;
use crate::domain::{
    Actor, Answer, BackEntry, CaseNo, CategoryId, Command, StaffRole, Stage, WindowNo,
};
use crate::store::{self, LogFilter, StoreSettings};

/// Where the console listens and how long a session lasts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleSettings {
    pub enabled: bool,
    pub listen: SocketAddr,
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// Serve HTTPS with this certificate chain and key (PEM files), checked
    /// when the settings are read.
    pub tls: Option<TlsFiles>,
}

/// The certificate chain and private key the console serves HTTPS with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Default for ConsoleSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            session_idle: Duration::from_secs(30 * 60),
            tls: None,
        }
    }
}

const COOKIE: &str = "kiosk_session";
/// Sign-in attempts allowed per address in [`ATTEMPT_WINDOW`].
const ATTEMPTS: u32 = 10;
const ATTEMPT_WINDOW: Duration = Duration::from_secs(5 * 60);
/// The largest request body a form may send.
const BODY_LIMIT: usize = 16 * 1024;
/// Journal entries per page.
const PAGE: u32 = 50;

/// A signed-in member.
#[derive(Clone, Debug)]
struct Session {
    staff: String,
    name: String,
    role: StaffRole,
    csrf: String,
    last_seen: Instant,
    /// The member's PIN hash when they signed in: a new PIN ends the session.
    pin: String,
    /// The window the member works at, once they chose it in the window
    /// console.
    window: Option<WindowNo>,
}

/// What every request handler shares.
pub struct ConsoleState {
    events: UnboundedSender<Event>,
    db: PathBuf,
    store: StoreSettings,
    tz: TimeZone,
    station: StationInfo,
    idle: Duration,
    /// Served over HTTPS: the session cookie is marked `Secure`.
    secure: bool,
    sessions: Mutex<HashMap<String, Session>>,
    attempts: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

type Shared = Arc<ConsoleState>;

impl ConsoleState {
    pub fn new(
        events: UnboundedSender<Event>,
        db: PathBuf,
        store: StoreSettings,
        tz: TimeZone,
        station: StationInfo,
        idle: Duration,
        secure: bool,
    ) -> Shared {
        Arc::new(Self {
            events,
            db,
            store,
            tz,
            station,
            idle,
            secure,
            sessions: Mutex::new(HashMap::new()),
            attempts: Mutex::new(HashMap::new()),
        })
    }

    /// Runs `f` on a read-only connection of its own, off the runtime.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> Result<T, String> + Send + 'static,
    ) -> Result<T, String> {
        let (db, settings) = (self.db.clone(), self.store.clone());
        tokio::task::spawn_blocking(move || {
            let conn = store::open_read_only(&db, &settings).map_err(|e| e.to_string())?;
            f(&conn)
        })
        .await
        .map_err(|e| e.to_string())?
    }

    /// The station's state, as the control socket's `state` gives it.
    async fn state(&self) -> Result<serde_json::Value, String> {
        let (reply, answer) = oneshot::channel();
        self.events
            .send(Event::State(reply))
            .map_err(|_| STOPPED.to_string())?;
        answer.await.map_err(|_| STOPPED.to_string())
    }

    /// A domain command on behalf of a signed-in member.
    async fn command(&self, command: Command, staff: &str) -> Result<(), String> {
        let (reply, answer) = oneshot::channel();
        self.events
            .send(Event::Command {
                command,
                actor: Actor::Staff {
                    id: staff.to_string(),
                },
                reply: Some(reply),
            })
            .map_err(|_| STOPPED.to_string())?;
        answer.await.map_err(|_| STOPPED.to_string())?
    }

    /// The PIN hash and whether the member may sign in at all.
    async fn pin_stamp(&self, staff: String) -> Result<Option<(String, bool)>, String> {
        self.read(move |conn| {
            use rusqlite::OptionalExtension;
            conn.query_row(
                "SELECT pin_hash, disabled FROM staff WHERE id = ?1",
                [staff],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? != 0)),
            )
            .optional()
            .map_err(|e| e.to_string())
        })
        .await
    }

    /// The session a request belongs to, refreshed; `None` when there is none,
    /// it expired, or the member's PIN changed since.
    async fn session(&self, headers: &HeaderMap) -> Option<(String, Session)> {
        let token = cookie(headers, COOKIE)?;
        let session = {
            let mut sessions = self.sessions.lock().ok()?;
            let s = sessions.get(&token)?.clone();
            if s.last_seen.elapsed() > self.idle {
                sessions.remove(&token);
                return None;
            }
            s
        };
        match self.pin_stamp(session.staff.clone()).await {
            Ok(Some((pin, false))) if pin == session.pin => {}
            _ => {
                if let Ok(mut s) = self.sessions.lock() {
                    s.remove(&token);
                }
                return None;
            }
        }
        if let Ok(mut s) = self.sessions.lock()
            && let Some(s) = s.get_mut(&token)
        {
            s.last_seen = Instant::now();
        }
        Some((token, session))
    }

    /// Notes the window a session's member works at.
    fn set_window(&self, token: &str, window: WindowNo) {
        if let Ok(mut s) = self.sessions.lock()
            && let Some(s) = s.get_mut(token)
        {
            s.window = Some(window);
        }
    }

    /// Who works at which window: members signed in to the console who chose
    /// a window, their sessions still alive.
    fn on_duty(&self) -> BTreeMap<u8, Vec<String>> {
        let mut duty: BTreeMap<u8, Vec<String>> = BTreeMap::new();
        if let Ok(sessions) = self.sessions.lock() {
            for s in sessions.values() {
                if let Some(w) = s.window
                    && s.last_seen.elapsed() <= self.idle
                {
                    let who = format!("{} ({})", s.name, s.staff);
                    let names = duty.entry(w.get()).or_default();
                    if !names.contains(&who) {
                        names.push(who);
                    }
                }
            }
        }
        duty
    }

    /// Today's ticket figures (issued, served, waits), from the database.
    async fn figures(&self, state: &serde_json::Value) -> Option<store::report::TicketLine> {
        let day: jiff::civil::Date = state["station"]["day"].as_str()?.parse().ok()?;
        let tz = self.tz.clone();
        self.read(move |conn| {
            store::report::report(conn, day, day, &tz)
                .map(|r| r.total)
                .map_err(|e| e.to_string())
        })
        .await
        .ok()
    }

    /// Counts a sign-in attempt from `ip`; false when it is over the limit.
    fn attempt(&self, ip: IpAddr) -> bool {
        let Ok(mut attempts) = self.attempts.lock() else {
            return false;
        };
        let entry = attempts.entry(ip).or_insert((Instant::now(), 0));
        if entry.0.elapsed() > ATTEMPT_WINDOW {
            *entry = (Instant::now(), 0);
        }
        entry.1 += 1;
        entry.1 <= ATTEMPTS
    }
}

const STOPPED: &str = "the station is stopping";

/// A cookie's value from the request.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// 32 random bytes in hex.
fn token() -> String {
    let mut bytes = [0u8; 32];
    // The OS's generator does not fail on Linux; if it ever did, the zeros
    // would make every session equal, so refuse to go on instead.
    getrandom::fill(&mut bytes).expect("the operating system's random number generator works");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The router, for the server and for tests.
pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/", get(today))
        .route("/today/live", get(today_live))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/window", get(window_page).post(window_action))
        .route("/log", get(log_page))
        .route("/log/verify", get(log_verify))
        .route("/log/{seq}", get(log_entry))
        .route("/backentry", get(back_entry_page).post(back_entry))
        .route("/cases", get(cases_page))
        .route("/cases/{no}", get(case_page))
        .route("/cases/{no}/advance", post(case_advance))
        .route("/cases/{no}/reopen", post(case_reopen))
        .route("/cases/{no}/extend", post(case_extend))
        .route("/cases/{no}/export", get(case_export))
        .route("/reports", get(reports_page))
        .route("/reports/export", get(reports_export))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// Serves the console until the runtime stops: HTTPS when given a TLS
/// configuration, else plain HTTP.
pub async fn serve(
    listener: tokio::net::TcpListener,
    tls: Option<Arc<tokio_rustls::rustls::ServerConfig>>,
    state: Shared,
) {
    let app = router(state).into_make_service_with_connect_info::<tls::Peer>();
    let result = match tls {
        None => axum::serve(listener, app).await,
        Some(config) => match tls::TlsListener::new(listener, config) {
            Ok(listener) => axum::serve(listener, app).await,
            Err(e) => Err(e),
        },
    };
    if let Err(e) = result {
        tracing::error!("the staff console stopped: {e}");
    }
}

fn page(status: StatusCode, body: maud::Markup) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn to_login() -> Response {
    Redirect::to("/login").into_response()
}

fn refused(status: StatusCode, session: Option<&Session>, message: &str) -> Response {
    page(status, pages::message(session, message))
}

async fn not_found(State(st): State<Shared>, headers: HeaderMap) -> Response {
    let session = st.session(&headers).await.map(|(_, s)| s);
    refused(
        StatusCode::NOT_FOUND,
        session.as_ref(),
        "没有这个页面 No such page",
    )
}

#[derive(Deserialize)]
struct LoginForm {
    staff: String,
    pin: String,
}

async fn login_page(State(st): State<Shared>) -> Response {
    page(StatusCode::OK, pages::login(&st.station, None))
}

async fn login(
    State(st): State<Shared>,
    ConnectInfo(tls::Peer(addr)): ConnectInfo<tls::Peer>,
    Form(form): Form<LoginForm>,
) -> Response {
    if !st.attempt(addr.ip()) {
        tracing::warn!(
            "staff console: too many sign-in attempts from {}",
            addr.ip()
        );
        return page(
            StatusCode::TOO_MANY_REQUESTS,
            pages::login(
                &st.station,
                Some("登录尝试过多，请5分钟后再试 Too many attempts: wait 5 minutes"),
            ),
        );
    }
    let staff = form.staff.trim().to_string();
    if staff.is_empty() || staff.len() > 16 || form.pin.len() > 16 {
        return page(
            StatusCode::UNAUTHORIZED,
            pages::login(
                &st.station,
                Some("工号或密码不对 Unknown staff number or wrong PIN"),
            ),
        );
    }
    let (reply, answer) = oneshot::channel();
    if st
        .events
        .send(Event::CheckPin {
            staff: staff.clone(),
            pin: form.pin,
            reply,
        })
        .is_err()
    {
        return refused(StatusCode::SERVICE_UNAVAILABLE, None, STOPPED);
    }
    let (role, name) = match answer.await {
        Ok(Ok(member)) => member,
        Ok(Err(why)) => {
            return page(
                StatusCode::UNAUTHORIZED,
                pages::login(&st.station, Some(&why)),
            );
        }
        Err(_) => return refused(StatusCode::SERVICE_UNAVAILABLE, None, STOPPED),
    };
    let Ok(Some((pin, false))) = st.pin_stamp(staff.clone()).await else {
        return page(
            StatusCode::UNAUTHORIZED,
            pages::login(
                &st.station,
                Some("该工号已停用 This staff number is disabled"),
            ),
        );
    };
    let token = token();
    let session = Session {
        staff,
        name,
        role,
        csrf: self::token(),
        last_seen: Instant::now(),
        pin,
        window: None,
    };
    if let Ok(mut s) = st.sessions.lock() {
        s.insert(token.clone(), session);
    }
    let mut r = Redirect::to("/").into_response();
    let secure = if st.secure { "; Secure" } else { "" };
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/{secure}"
    )) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

#[derive(Deserialize)]
struct Csrf {
    csrf: String,
}

async fn logout(State(st): State<Shared>, headers: HeaderMap, Form(form): Form<Csrf>) -> Response {
    if let Some((token, session)) = st.session(&headers).await
        && session.csrf == form.csrf
        && let Ok(mut s) = st.sessions.lock()
    {
        s.remove(&token);
    }
    let mut r = to_login();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("kiosk_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    r
}

/// The signed-in session, or the response that sends the browser to sign in.
macro_rules! signed_in {
    ($st:expr, $headers:expr) => {
        match $st.session(&$headers).await {
            Some((_, s)) => s,
            None => return to_login(),
        }
    };
}

/// The refusal of a state-changing request whose form lacks the session's
/// token, if it does.
fn csrf_refused(session: &Session, csrf: &str) -> Option<Response> {
    if !csrf.is_empty() && csrf == session.csrf {
        None
    } else {
        Some(refused(
            StatusCode::FORBIDDEN,
            Some(session),
            "表单已过期，请刷新页面后重试 The form has expired: reload the page and try again",
        ))
    }
}

async fn today(State(st): State<Shared>, headers: HeaderMap) -> Response {
    let session = signed_in!(st, headers);
    match st.state().await {
        Ok(state) => {
            let figures = st.figures(&state).await;
            page(
                StatusCode::OK,
                pages::today(&session, &state, figures.as_ref(), &st.on_duty()),
            )
        }
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}

/// The part of today's page that updates itself.
async fn today_live(State(st): State<Shared>, headers: HeaderMap) -> Response {
    if st.session(&headers).await.is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    match st.state().await {
        Ok(state) => {
            let figures = st.figures(&state).await;
            page(
                StatusCode::OK,
                pages::today_live(&state, figures.as_ref(), &st.on_duty()),
            )
        }
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, e).into_response(),
    }
}

#[derive(Deserialize, Default)]
struct WindowQuery {
    w: Option<String>,
    done: Option<String>,
}

async fn window_page(
    State(st): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<WindowQuery>,
) -> Response {
    let Some((token, session)) = st.session(&headers).await else {
        return to_login();
    };
    let window =
        q.w.as_deref()
            .and_then(|w| w.parse::<u8>().ok())
            .and_then(WindowNo::new);
    // Choosing a window signs the member in to it (today's page says who
    // works where).
    if let Some(w) = window {
        st.set_window(&token, w);
    }
    match st.state().await {
        Ok(state) => page(
            StatusCode::OK,
            pages::window(&session, &state, window, q.done.as_deref()),
        ),
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}

#[derive(Deserialize)]
struct WindowForm {
    csrf: String,
    w: String,
    action: String,
    #[serde(default)]
    to: String,
}

async fn window_action(
    State(st): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<WindowForm>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = csrf_refused(&session, &form.csrf) {
        return r;
    }
    let Some(window) = form.w.trim().parse::<u8>().ok().and_then(WindowNo::new) else {
        return refused(
            StatusCode::BAD_REQUEST,
            Some(&session),
            "窗口号不对 Not a window number",
        );
    };
    let command = match form.action.as_str() {
        "call" => Command::CallNext { window },
        "recall" => Command::Recall { window },
        "skip" => Command::Skip { window },
        "complete" => Command::Complete { window },
        "pause" => Command::SetWindowOpen {
            window,
            open: false,
        },
        "open" => Command::SetWindowOpen { window, open: true },
        "transfer" => match CategoryId::parse(&form.to) {
            Some(to) => Command::Transfer { window, to },
            None => {
                return refused(
                    StatusCode::BAD_REQUEST,
                    Some(&session),
                    "请选择转去的业务 Choose the category to transfer to",
                );
            }
        },
        _ => {
            return refused(
                StatusCode::BAD_REQUEST,
                Some(&session),
                "未知操作 Unknown action",
            );
        }
    };
    let done = match st.command(command, &session.staff).await {
        Ok(()) => "ok".to_string(),
        Err(e) => e,
    };
    Redirect::to(&format!("/window?w={window}&done={}", urlencode(&done))).into_response()
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The log page's filters, as typed into its form.
#[derive(Deserialize, Default, Clone)]
pub struct LogQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub window: String,
    #[serde(default)]
    pub ticket: String,
    #[serde(default)]
    pub case: String,
    #[serde(default)]
    pub staff: String,
    #[serde(default)]
    pub before: String,
}

impl LogQuery {
    /// The filter, or what is wrong with the form.
    fn filter(&self, tz: &TimeZone) -> Result<LogFilter, String> {
        let day = |text: &str, what: &str, end: bool| -> Result<Option<jiff::Timestamp>, String> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            let date: jiff::civil::Date = text
                .parse()
                .map_err(|_| format!("{what}: `{text}` is not a day such as 2026-11-30"))?;
            let date = if end {
                date.tomorrow().map_err(|e| e.to_string())?
            } else {
                date
            };
            tz.to_ambiguous_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
                .compatible()
                .map(Some)
                .map_err(|e| e.to_string())
        };
        let since = day(&self.from, "from", false)?;
        let until = day(&self.to, "to", true)?;
        if let (Some(s), Some(u)) = (since, until)
            && s >= u
        {
            return Err("the range is reversed: from is after to".into());
        }
        let window = match self.window.trim() {
            "" => None,
            w => Some(
                w.parse::<u8>()
                    .ok()
                    .and_then(WindowNo::new)
                    .map(WindowNo::get)
                    .ok_or_else(|| format!("window: `{w}` is not a window number"))?,
            ),
        };
        let case = match self.case.trim() {
            "" => None,
            c => Some(c.parse::<CaseNo>()?.to_string()),
        };
        let ticket = match self.ticket.trim() {
            "" => None,
            t => Some(
                t.parse::<crate::domain::TicketCode>()
                    .map_err(|e| format!("ticket: {e}"))?
                    .to_string(),
            ),
        };
        let kind = self.kind.trim();
        if !kind.is_empty() && !pages::KINDS.contains(&kind) {
            return Err(format!("kind: `{kind}` is not a kind of entry"));
        }
        let before = match self.before.trim() {
            "" => None,
            b => Some(
                b.parse::<i64>()
                    .map_err(|_| "before: not an entry number".to_string())?,
            ),
        };
        let staff = self.staff.trim();
        if staff.len() > 16 {
            return Err("staff: a staff number is at most 16 characters".into());
        }
        Ok(LogFilter {
            since,
            until,
            kinds: if kind.is_empty() {
                Vec::new()
            } else {
                vec![kind.to_string()]
            },
            window,
            ticket,
            case,
            day: None,
            limit: Some(PAGE),
            before,
            staff: (!staff.is_empty()).then(|| staff.to_string()),
        })
    }
}

async fn log_page(
    State(st): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<LogQuery>,
) -> Response {
    let session = signed_in!(st, headers);
    let filter = match q.filter(&st.tz) {
        Ok(f) => f,
        Err(e) => {
            return page(
                StatusCode::BAD_REQUEST,
                pages::log(&session, &q, &[], Some(&e), &st.tz),
            );
        }
    };
    let entries = st
        .read(move |conn| {
            let mut entries = filter.read(conn).map_err(|e| e.to_string())?;
            entries.reverse();
            Ok(entries)
        })
        .await;
    match entries {
        Ok(entries) => page(
            StatusCode::OK,
            pages::log(&session, &q, &entries, None, &st.tz),
        ),
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}

async fn log_entry(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(seq): UrlPath<String>,
) -> Response {
    let session = signed_in!(st, headers);
    let Ok(seq) = seq.parse::<i64>() else {
        return refused(
            StatusCode::NOT_FOUND,
            Some(&session),
            "没有这条记录 No such entry",
        );
    };
    let entry = st
        .read(move |conn| {
            let found = LogFilter {
                before: Some(seq.saturating_add(1)),
                limit: Some(1),
                ..LogFilter::default()
            }
            .read(conn)
            .map_err(|e| e.to_string())?;
            Ok(found.into_iter().find(|e| e.seq == seq))
        })
        .await;
    match entry {
        Ok(Some(e)) => page(StatusCode::OK, pages::log_entry(&session, &e, &st.tz)),
        Ok(None) => refused(
            StatusCode::NOT_FOUND,
            Some(&session),
            "没有这条记录 No such entry",
        ),
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}

/// Walks the hash chain, as `kiosk verify-log` does.
async fn log_verify(State(st): State<Shared>, headers: HeaderMap) -> Response {
    let session = signed_in!(st, headers);
    let verdict = st
        .read(|conn| store::chain::verify(conn).map_err(|e| e.to_string()))
        .await;
    match verdict {
        Ok(v) => page(StatusCode::OK, pages::chain(&session, &v)),
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}

#[derive(Deserialize, Default)]
struct DoneQuery {
    done: Option<String>,
}

/// Back-entries shown under the form.
const LATEST_BACK_ENTRIES: u32 = 30;

async fn back_entry_page(
    State(st): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<DoneQuery>,
) -> Response {
    let session = signed_in!(st, headers);
    let entries = st
        .read(|conn| {
            let mut entries = LogFilter {
                kinds: vec!["back_entered".into()],
                limit: Some(LATEST_BACK_ENTRIES),
                ..LogFilter::default()
            }
            .read(conn)
            .map_err(|e| e.to_string())?;
            entries.reverse();
            Ok(entries)
        })
        .await;
    match (st.state().await, entries) {
        (Ok(state), Ok(entries)) => {
            // The station's today (its clock may be simulated).
            let now = state["now"]
                .as_str()
                .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                .unwrap_or_else(jiff::Timestamp::now);
            let today = st.tz.to_datetime(now).date().to_string();
            page(
                StatusCode::OK,
                pages::back_entry(
                    &session,
                    &state,
                    &today,
                    &entries,
                    q.done.as_deref(),
                    &st.tz,
                ),
            )
        }
        (Err(e), _) | (_, Err(e)) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}

#[derive(Deserialize)]
struct BackEntryForm {
    csrf: String,
    category: String,
    window: String,
    day: String,
    start: String,
    end: String,
    #[serde(default)]
    register_no: String,
    #[serde(default)]
    note: String,
}

impl BackEntryForm {
    /// The entry, or what is wrong with the form.
    fn entry(&self, tz: &TimeZone) -> Result<BackEntry, String> {
        let category = CategoryId::parse(self.category.trim())
            .ok_or_else(|| format!("业务 category: `{}` is not a category", self.category))?;
        let window = self
            .window
            .trim()
            .parse::<u8>()
            .ok()
            .and_then(WindowNo::new)
            .ok_or_else(|| format!("窗口 window: `{}` is not a window number", self.window))?;
        let day: jiff::civil::Date = self
            .day
            .trim()
            .parse()
            .map_err(|_| format!("日期 day: `{}` is not a day such as 2026-11-30", self.day))?;
        let at = |text: &str, what: &str| -> Result<jiff::Timestamp, String> {
            let time: jiff::civil::Time = text
                .trim()
                .parse()
                .map_err(|_| format!("{what}: `{text}` is not a time such as 09:30"))?;
            tz.to_ambiguous_timestamp(day.to_datetime(time))
                .compatible()
                .map_err(|e| e.to_string())
        };
        Ok(BackEntry {
            category,
            window,
            started: at(&self.start, "开始 started")?,
            finished: at(&self.end, "结束 finished")?,
            register_no: self.register_no.clone(),
            note: self.note.clone(),
        })
    }
}

async fn back_entry(
    State(st): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<BackEntryForm>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = csrf_refused(&session, &form.csrf) {
        return r;
    }
    let done = match form.entry(&st.tz) {
        Ok(entry) => match st.command(Command::BackEnter(entry), &session.staff).await {
            Ok(()) => "ok".to_string(),
            Err(e) => e,
        },
        Err(e) => e,
    };
    Redirect::to(&format!("/backentry?done={}", urlencode(&done))).into_response()
}

async fn cases_page(State(st): State<Shared>, headers: HeaderMap) -> Response {
    let session = signed_in!(st, headers);
    let cases = st
        .read(|conn| {
            let mut stmt = conn
                .prepare("SELECT body FROM cases ORDER BY year DESC, seq DESC LIMIT 200")
                .map_err(|e| e.to_string())?;
            let rows = stmt
                .query_map([], |r| r.get::<_, String>(0))
                .map_err(|e| e.to_string())?;
            Ok(rows
                .filter_map(Result::ok)
                .filter_map(|b| serde_json::from_str::<crate::domain::Case>(&b).ok())
                .collect::<Vec<_>>())
        })
        .await;
    let today = st.tz.to_datetime(jiff::Timestamp::now()).date();
    match cases {
        Ok(cases) => page(StatusCode::OK, pages::cases(&session, &cases, today)),
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}

#[derive(Deserialize, Default)]
struct Done {
    done: Option<String>,
}

async fn load_case(st: &ConsoleState, no: &str) -> Result<Option<crate::domain::Case>, String> {
    let no: CaseNo = no.parse()?;
    st.read(move |conn| store::read_case(conn, &no.to_string()).map_err(|e| e.to_string()))
        .await
}

async fn case_page(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(no): UrlPath<String>,
    Query(q): Query<Done>,
) -> Response {
    let session = signed_in!(st, headers);
    let today = st.tz.to_datetime(jiff::Timestamp::now()).date();
    match load_case(&st, &no).await {
        Ok(Some(case)) => page(
            StatusCode::OK,
            pages::case(&session, &case, today, q.done.as_deref(), &st.tz),
        ),
        Ok(None) | Err(_) => no_such_case(&session),
    }
}

#[derive(Deserialize)]
struct CaseForm {
    csrf: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    days: String,
}

async fn case_command(
    st: &ConsoleState,
    session: &Session,
    no: &str,
    form: &CaseForm,
    make: impl FnOnce(CaseNo, &CaseForm) -> Result<Command, String>,
) -> Response {
    if let Some(r) = csrf_refused(session, &form.csrf) {
        return r;
    }
    let Ok(case) = no.parse::<CaseNo>() else {
        return no_such_case(session);
    };
    let done = match make(case, form) {
        Ok(command) => match st.command(command, &session.staff).await {
            Ok(()) => "ok".to_string(),
            Err(e) => e,
        },
        Err(e) => e,
    };
    Redirect::to(&format!("/cases/{case}?done={}", urlencode(&done))).into_response()
}

async fn case_advance(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(no): UrlPath<String>,
    Form(form): Form<CaseForm>,
) -> Response {
    let session = signed_in!(st, headers);
    case_command(&st, &session, &no, &form, |case, f| {
        Ok(Command::AdvanceCase {
            case,
            stage: Stage::parse(&f.stage).ok_or("请选择阶段 Choose a stage")?,
            note: f.note.clone(),
            answer: match f.answer.as_str() {
                "" => None,
                a => Some(Answer::parse(a).ok_or("答复方式不对 Not oral or written")?),
            },
        })
    })
    .await
}

async fn case_reopen(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(no): UrlPath<String>,
    Form(form): Form<CaseForm>,
) -> Response {
    let session = signed_in!(st, headers);
    case_command(&st, &session, &no, &form, |case, f| {
        Ok(Command::ReopenCase {
            case,
            note: f.note.clone(),
        })
    })
    .await
}

async fn case_extend(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(no): UrlPath<String>,
    Form(form): Form<CaseForm>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = manager_only(&session, "延期需要站长 Extending a case needs the manager")
    {
        return r;
    }
    let role = session.role;
    case_command(&st, &session, &no, &form, |case, f| {
        Ok(Command::ExtendCase {
            case,
            working_days: f
                .days
                .trim()
                .parse()
                .map_err(|_| "延期天数不对 Not a number of working days".to_string())?,
            reason: f.note.clone(),
            role,
        })
    })
    .await
}

async fn case_export(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(no): UrlPath<String>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = manager_only(&session, EXPORTS) {
        return r;
    }
    let Ok(no) = no.parse::<CaseNo>() else {
        return no_such_case(&session);
    };
    let (tz, station) = (st.tz.clone(), st.station.clone());
    let by = format!("站长 manager {} ({})", session.name, session.staff);
    let html = st
        .read(move |conn| {
            let export = crate::documents::case_file::Export {
                station: &station,
                tz: &tz,
                at: jiff::Timestamp::now(),
                by,
            };
            crate::documents::case_file::render(conn, no, true, &export).map_err(|e| e.to_string())
        })
        .await;
    match html {
        Ok(Some(html)) => {
            tracing::info!(
                "staff {} exported case {no} from the console",
                session.staff
            );
            download(
                html.into_bytes(),
                "text/html; charset=utf-8",
                &format!("case-{no}.html"),
            )
        }
        Ok(None) => no_such_case(&session),
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}

/// The refusal of an action only the manager may take, if it is one.
fn manager_only(session: &Session, why: &str) -> Option<Response> {
    (session.role != StaffRole::Manager).then(|| refused(StatusCode::FORBIDDEN, Some(session), why))
}

const EXPORTS: &str = "导出需要站长 Exports are for the manager";

fn no_such_case(session: &Session) -> Response {
    refused(
        StatusCode::NOT_FOUND,
        Some(session),
        "没有这个案件 No such case",
    )
}

/// A file to save, not a page to show.
fn download(bytes: Vec<u8>, kind: &'static str, name: &str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[derive(Deserialize, Default)]
struct ReportQuery {
    #[serde(default)]
    day: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    format: String,
}

/// The days a report form names: a day, a month, or (for exports) a range of
/// at most two years; today when nothing is given.
fn report_days(
    q: &ReportQuery,
    tz: &TimeZone,
) -> Result<(jiff::civil::Date, jiff::civil::Date), String> {
    let parse = |text: &str, what: &str| -> Result<jiff::civil::Date, String> {
        text.trim()
            .parse()
            .map_err(|_| format!("{what}: `{}` is not a day such as 2026-11-30", text.trim()))
    };
    let (from, to) = match (q.day.trim(), q.month.trim(), q.from.trim(), q.to.trim()) {
        ("", "", "", "") => {
            let today = tz.to_datetime(jiff::Timestamp::now()).date();
            (today, today)
        }
        (d, "", "", "") => {
            let d = parse(d, "day")?;
            (d, d)
        }
        ("", m, "", "") => {
            let first = parse(&format!("{m}-01"), "month")
                .map_err(|_| format!("month: `{m}` is not a month such as 2026-11"))?;
            (first, first.last_of_month())
        }
        ("", "", f, t) => (parse(f, "from")?, parse(t, "to")?),
        _ => return Err("give a day, a month, or from and to".into()),
    };
    if from > to {
        return Err(format!("the range is reversed: {from} is after {to}"));
    }
    if (to - from).get_days() >= 366 * 2 {
        return Err(format!(
            "{from} to {to} is more than two years; ask for less"
        ));
    }
    Ok((from, to))
}

async fn reports_page(
    State(st): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Response {
    let session = signed_in!(st, headers);
    let (from, to) = match report_days(&q, &st.tz) {
        Ok(r) => r,
        Err(e) => {
            return page(
                StatusCode::BAD_REQUEST,
                pages::reports(&session, &q.day, &q.month, None, "", Some(&e)),
            );
        }
    };
    let tz = st.tz.clone();
    let report = st
        .read(move |conn| store::report::report(conn, from, to, &tz).map_err(|e| e.to_string()))
        .await;
    match report {
        Ok(r) => {
            let svg = chart::daily_bars(&r.daily, 720, 220).unwrap_or_default();
            page(
                StatusCode::OK,
                pages::reports(&session, &q.day, &q.month, Some(&r), &svg, None),
            )
        }
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}

async fn reports_export(
    State(st): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = manager_only(&session, EXPORTS) {
        return r;
    }
    let (from, to) = match report_days(&q, &st.tz) {
        Ok(r) => r,
        Err(e) => return refused(StatusCode::BAD_REQUEST, Some(&session), &e),
    };
    let Some(format) = store::export::Format::parse(if q.format.is_empty() {
        "csv"
    } else {
        &q.format
    }) else {
        return refused(
            StatusCode::BAD_REQUEST,
            Some(&session),
            "format: csv or json",
        );
    };
    let bytes = st
        .read(move |conn| {
            let mut out = Vec::new();
            store::export::export(conn, from, to, format, &mut out, |_, _| {})
                .map_err(|e| e.to_string())?;
            Ok(out)
        })
        .await;
    match bytes {
        Ok(bytes) => {
            tracing::info!(
                "staff {} exported the journal {from} to {to}",
                session.staff
            );
            let (kind, ext) = match format {
                store::export::Format::Csv => ("text/csv; charset=utf-8", "csv"),
                store::export::Format::Json => ("application/json", "json"),
            };
            download(bytes, kind, &format!("journal-{from}-{to}.{ext}"))
        }
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}
