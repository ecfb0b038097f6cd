//! The staff console: an HTTP server inside the kiosk (axum), off the public
//! screen, on loopback unless configured otherwise. Server-rendered pages
//! (maud escapes every value) that work without a build step: today's
//! station with live updates, a window console that sends the same commands
//! as the keypads, the journal with filters, and the cases.
//!
//! Staff sign in with their staff number and PIN, checked by the station's
//! writer like every PIN (wrong ones counted, lockouts); every refusal is
//! journaled, also those the console decides itself (a PIN too long, too
//! many attempts from one address). A session is a random token in an
//! `HttpOnly; SameSite=Strict` cookie; every form that changes something
//! carries the session's CSRF token; a session ends after its idle time
//! (only a person's requests count, never the today page's refresh), on
//! sign-out, when the member signs in again elsewhere, and when their PIN
//! changes or they are disabled. Sign-in attempts are limited per address.
//!
//! `forms.rs` parses what requests carry, `pages.rs` draws the pages,
//! `listen.rs` accepts connections (caps, timeouts, TLS), `tls.rs` reads and
//! makes certificates, `static/` holds the one stylesheet and the one script
//! (served as files, so the pages' Content-Security-Policy allows no inline
//! code at all).

mod chart;
pub mod forms;
pub mod listen;
mod pages;

use crate::app::{ProbeEvent, StaffEvent};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::tz::TimeZone;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;
use tokio::time::Instant;

use crate::app::{Event, Refusal};
use crate::config::StationInfo;
use crate::domain::{Actor, Command, SignInPlace};
use crate::store::{self, StoreSettings};
use forms::{Csrf, LoginForm, WindowForm, WindowQuery, urlencode};
use listen::Peer;

pub use crate::config::{ConsoleSettings, Limits, TlsFiles, is_loopback};

/// The signed-in session (a person's request), or the response that sends
/// the browser to sign in.
macro_rules! signed_in {
    ($st:expr, $headers:expr) => {
        match $st.session(&$headers, true).await {
            Some((_, s)) => s,
            None => return to_login(),
        }
    };
}

mod attendance;
mod board;
mod cases;
mod complaints;
mod dockets;
mod ledger;
mod matters;
mod people;
mod records;
mod sessions;

use cases::*;
use records::*;
use sessions::*;

/// The largest request body a form may send.
const BODY_LIMIT: usize = 16 * 1024;

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
    /// Plain HTTP on the network (allowed by a setting): the pages say so.
    plain_on_network: bool,
    /// The station's clock (simulated or the system's).
    clock: crate::app::Clock,
    sessions: Mutex<Sessions>,
    attempts: Mutex<Attempts>,
    /// The matter catalog in force (and its earlier versions).
    matters: crate::matters::Book,
    /// The opening hours and the settings, for the attendance rule.
    hours: crate::domain::Hours,
    settings: crate::domain::Settings,
}

type Shared = Arc<ConsoleState>;

impl ConsoleState {
    // Each part comes from a different place in `run` (the settings, the
    // data folder, the clock, the matter catalog); a struct of them would
    // only restate this list.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        events: UnboundedSender<Event>,
        db: PathBuf,
        store: StoreSettings,
        (rules, hours): (crate::domain::Settings, crate::domain::Hours),
        station: StationInfo,
        settings: &ConsoleSettings,
        clock: crate::app::Clock,
        matters: crate::matters::Book,
    ) -> Shared {
        Arc::new(Self {
            events,
            db,
            store,
            tz: rules.time_zone.clone(),
            hours,
            settings: rules,
            station,
            idle: settings.session_idle,
            secure: settings.tls.is_some(),
            plain_on_network: settings.plain_on_network(),
            clock,
            sessions: Mutex::new(Sessions::default()),
            attempts: Mutex::new(Attempts::default()),
            matters,
        })
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, Sessions> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The station's time: its clock, never before the journal's last entry
    /// (it holds there while the clock is behind), as the station judges
    /// "today" and "overdue".
    async fn now(&self) -> jiff::Timestamp {
        let clock = self.clock.now();
        self.read(move |conn| store::station_time(conn, clock).map_err(|e| e.to_string()))
            .await
            .unwrap_or(clock)
    }

    /// The anchor the last closing slip printed: its day and `SEQ:HASH`.
    async fn last_anchor(&self) -> Option<(String, String)> {
        self.read(|conn| {
            use rusqlite::OptionalExtension;
            conn.query_row(
                "SELECT json_extract(body, '$.day'), json_extract(body, '$.seq'), json_extract(body, '$.hash')
                 FROM journal WHERE kind = 'day_anchored' ORDER BY seq DESC LIMIT 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        format!("{}:{}", r.get::<_, i64>(1)?, r.get::<_, String>(2)?),
                    ))
                },
            )
            .optional()
            .map_err(|e| e.to_string())
        })
        .await
        .ok()
        .flatten()
    }

    /// The station's business day now.
    async fn today(&self) -> jiff::civil::Date {
        self.tz.to_datetime(self.now().await).date()
    }

    /// Runs `f` on a read-only connection of its own, off the runtime, on a
    /// background thread (below the station's priority).
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> Result<T, String> + Send + 'static,
    ) -> Result<T, String> {
        let (db, settings) = (self.db.clone(), self.store.clone());
        crate::background::spawn_blocking(move || {
            let conn = store::open_read_only(&db, &settings).map_err(|e| e.to_string())?;
            f(&conn)
        })
        .await
        .map_err(|e| e.to_string())?
    }

    /// The station's state, as the control socket's `state` gives it.
    async fn state(&self) -> Result<crate::state::StationState, String> {
        let (reply, answer) = oneshot::channel();
        self.events
            .send(Event::Probe(ProbeEvent::State(reply)))
            .map_err(|_| STOPPED.to_string())?;
        answer.await.map_err(|_| STOPPED.to_string())
    }

    /// A domain command on behalf of `actor`, answered once committed.
    async fn command_as(&self, command: Command, actor: Actor) -> Result<(), Refusal> {
        let (reply, answer) = oneshot::channel();
        self.events
            .send(Event::Staff(StaffEvent::Command {
                command,
                actor,
                reply: Some(reply),
            }))
            .map_err(|_| Refusal::Stopping)?;
        answer.await.map_err(|_| Refusal::Stopping)?
    }

    /// A window's member steps away, asked by a signed-in member; the
    /// station checks a manager's PIN when the form names one.
    async fn away(
        &self,
        request: crate::app::control::command::AwayRequest,
        staff: &str,
    ) -> Result<(), Refusal> {
        let (reply, answer) = oneshot::channel();
        self.events
            .send(Event::Staff(StaffEvent::Away {
                request,
                actor: Actor::Staff {
                    id: staff.to_string(),
                },
                reply,
            }))
            .map_err(|_| Refusal::Stopping)?;
        answer.await.map_err(|_| Refusal::Stopping)?
    }

    /// A domain command on behalf of a signed-in member.
    async fn command(&self, command: Command, staff: &str) -> Result<(), Refusal> {
        self.command_as(
            command,
            Actor::Staff {
                id: staff.to_string(),
            },
        )
        .await
    }

    /// Journals a sign-in the console refused itself, before answering. The
    /// staff number is noted only if it is one (as the station notes PINs it
    /// refuses): what was typed may be a PIN in the wrong field.
    async fn note_refused(&self, typed: &str, reason: String) {
        let named = match self.pin_stamp(typed.to_string()).await {
            Ok(Some(_)) if !typed.is_empty() && typed.len() <= forms::MAX_STAFF => typed,
            _ => "?",
        };
        let note = Command::NoteSignIn {
            staff: named.to_string(),
            place: SignInPlace::Console,
            refused: Some(reason),
        };
        let actor = Actor::Staff {
            id: named.to_string(),
        };
        if let Err(e) = self.command_as(note, actor).await {
            tracing::error!("staff console: journaling a refused sign-in: {e}");
        }
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

    /// The session a request belongs to; `None` when there is none, it
    /// expired, or the member's PIN changed since. A person's request
    /// (`person`) keeps it alive; the today page's refresh does not.
    async fn session(&self, headers: &HeaderMap, person: bool) -> Option<(String, Session)> {
        let token = forms::cookie(
            headers
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok()),
            COOKIE,
        )?;
        let session = self.sessions().peek(&token, Instant::now(), self.idle)?;
        match self.pin_stamp(session.staff.clone()).await {
            Ok(Some((pin, false))) if pin == session.pin => {}
            _ => {
                self.sessions().end(&token);
                return None;
            }
        }
        if person {
            self.sessions().touch(&token, Instant::now());
        }
        Some((token, session))
    }

    /// Who works at which window.
    fn on_duty(&self) -> BTreeMap<u8, Vec<String>> {
        self.sessions().on_duty(Instant::now(), self.idle)
    }

    /// Today's ticket figures (issued, served, waits), from the database.
    async fn figures(
        &self,
        state: &crate::state::StationState,
    ) -> Option<store::report::TicketLine> {
        let day = state.station.day?;
        let tz = self.tz.clone();
        self.read(move |conn| {
            store::report::report(conn, day, day, &tz)
                .map(|r| r.total)
                .map_err(|e| e.to_string())
        })
        .await
        .ok()
    }

    /// Counts a sign-in attempt from `ip`.
    fn attempt(&self, ip: IpAddr) -> Attempt {
        self.attempts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .attempt(ip, Instant::now())
    }

    /// Every [`SWEEP`]: journals the refusals of attempt windows that ended
    /// (one entry per address), and drops sessions that expired.
    async fn sweep(self: Arc<Self>) {
        let mut every = tokio::time::interval(SWEEP);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let now = Instant::now();
            self.sessions().prune(now, self.idle);
            let unsaid = self
                .attempts
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .sweep(now);
            for (ip, n) in unsaid {
                let note = Command::NoteSignIn {
                    staff: "?".into(),
                    place: SignInPlace::Console,
                    refused: Some(format!(
                        "{n} more sign-in attempts from {ip} refused: too many attempts"
                    )),
                };
                if let Err(e) = self.command_as(note, Actor::System).await {
                    tracing::error!("staff console: journaling refused sign-ins: {e}");
                    return;
                }
            }
        }
    }
}

const STOPPED: &str = "the station is stopping";

/// The router, for the server and for tests.
pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/", get(today))
        .route("/today/live", get(today_live))
        .route("/static/console.css", get(stylesheet))
        .route("/static/today.js", get(today_script))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/window", get(window_page).post(window_action))
        .route("/voice", post(voice_action))
        .route("/window/people", post(people::act))
        .route("/matters/outcome", post(matters::outcome))
        .route("/matters/notice", post(matters::notice))
        .route("/matters/accept", post(matters::accept))
        .route("/ledger", get(ledger::page))
        .route("/ledger/export", get(ledger::export))
        .route("/reports/monthly", get(ledger::monthly))
        .route("/reports/monthly/export", get(ledger::monthly_export))
        .route("/dockets", get(dockets::list))
        .route("/dockets/{no}", get(dockets::page))
        .route("/dockets/{no}/advance", post(dockets::advance))
        .route("/dockets/{no}/reprint", post(dockets::reprint))
        .route("/dockets/{no}/export", get(dockets::export))
        .route("/notices/{no}", get(matters::document))
        .route("/log", get(log_page))
        .route("/log/verify", get(log_verify))
        .route("/log/{seq}", get(log_entry))
        .route("/backentry", get(back_entry_page).post(back_entry))
        .route("/cases", get(cases_page))
        .route("/cases/{no}", get(case_page))
        .route("/cases/{no}/advance", post(case_advance))
        .route("/cases/{no}/reopen", post(case_reopen))
        .route("/cases/{no}/extend", post(case_extend))
        .route("/cases/{no}/reprint", post(case_reprint))
        .route("/cases/{no}/callback", post(complaints::callback))
        .route("/complaints/new", get(complaints::new))
        .route("/complaints", post(complaints::file))
        .route("/clock/confirm", post(clock_confirm))
        .route("/cases/{no}/export", get(case_export))
        .route("/reports", get(reports_page))
        .route("/attendance", get(attendance::page))
        .route("/attendance/sheet", get(attendance::sheet))
        .route("/attendance/leave", post(attendance::leave))
        .route("/roster", post(attendance::roster))
        .route("/board", get(board::page).post(board::act))
        .route("/reports/export", get(reports_export))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::map_response(guard_headers))
        .with_state(state)
}

/// Serves the console until the runtime stops: HTTPS when given a TLS
/// configuration, else plain HTTP, within `limits` (see [`listen`]).
pub async fn serve(
    listener: tokio::net::TcpListener,
    tls: Option<Arc<tokio_rustls::rustls::ServerConfig>>,
    limits: listen::Limits,
    state: Shared,
    shutdown: crate::app::Shutdown,
) {
    tokio::spawn(Arc::clone(&state).sweep());
    listen::serve(listener, tls, limits, router(state), shutdown).await;
}

/// What the pages may load: their own stylesheet and script, nothing
/// inline, nothing from elsewhere.
const PAGE_POLICY: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// A download is never a page: even opened in the browser it runs nothing.
const DOWNLOAD_POLICY: &str = "default-src 'none'; sandbox";

/// Headers on every answer, errors included: the browser takes the content
/// type as given, never frames the console, and runs only the console's own
/// script.
async fn guard_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(PAGE_POLICY));
    r
}

fn page(status: StatusCode, body: maud::Markup) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A file the pages load, the same for everyone (no session needed).
fn asset(kind: &'static str, text: &'static str) -> Response {
    let mut r = text.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    // Checked again on every load, so an upgraded kiosk serves the new one.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

async fn stylesheet() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("static/console.css"),
    )
}

async fn today_script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("static/today.js"),
    )
}

fn to_login() -> Response {
    Redirect::to("/login").into_response()
}

fn refused(status: StatusCode, session: Option<&Session>, message: &str) -> Response {
    page(status, pages::message(session, message))
}

async fn not_found(State(st): State<Shared>, headers: HeaderMap) -> Response {
    let session = st.session(&headers, true).await.map(|(_, s)| s);
    refused(
        StatusCode::NOT_FOUND,
        session.as_ref(),
        "没有这个页面 No such page",
    )
}

async fn login_page(State(st): State<Shared>) -> Response {
    page(
        StatusCode::OK,
        pages::login(&st.station, None, st.plain_on_network),
    )
}

const WRONG: &str = "工号或密码不对 Unknown staff number or wrong PIN";

async fn login(
    State(st): State<Shared>,
    ConnectInfo(Peer(addr)): ConnectInfo<Peer>,
    Form(form): Form<LoginForm>,
) -> Response {
    let ip = addr.ip();
    if let Attempt::Refused { first } = st.attempt(ip) {
        if first {
            tracing::warn!("staff console: too many sign-in attempts from {ip}");
            st.note_refused(
                form.staff(),
                format!(
                    "too many sign-in attempts from {ip}: more than {ATTEMPTS} in {} minutes",
                    ATTEMPT_WINDOW.as_secs() / 60
                ),
            )
            .await;
        }
        return page(
            StatusCode::TOO_MANY_REQUESTS,
            pages::login(
                &st.station,
                Some("登录尝试过多，请5分钟后再试 Too many attempts: wait 5 minutes"),
                st.plain_on_network,
            ),
        );
    }
    if let Some(why) = form.refusal() {
        st.note_refused(form.staff(), why.to_string()).await;
        return page(
            StatusCode::UNAUTHORIZED,
            pages::login(&st.station, Some(WRONG), st.plain_on_network),
        );
    }
    let staff = form.staff().to_string();
    let (reply, answer) = oneshot::channel();
    if st
        .events
        .send(Event::Staff(StaffEvent::CheckPin {
            staff: staff.clone(),
            pin: form.pin,
            reply,
        }))
        .is_err()
    {
        return refused(StatusCode::SERVICE_UNAVAILABLE, None, STOPPED);
    }
    let (role, name) = match answer.await {
        Ok(Ok(member)) => member,
        Ok(Err(why)) => {
            // A wrong PIN, a member locked out and a station that cannot
            // record the attempt are told apart, each with what to do.
            let (status, message) = if why.is_the_stations() {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("工作站暂时无法登录 The station cannot sign you in now: {why}"),
                )
            } else if why.is_locked_out() {
                (
                    StatusCode::FORBIDDEN,
                    format!("该工号现在不能登录 This staff number cannot sign in now: {why}"),
                )
            } else if matches!(why, crate::app::Refusal::Pin(_)) {
                (StatusCode::UNAUTHORIZED, WRONG.to_string())
            } else {
                (StatusCode::UNAUTHORIZED, why.to_string())
            };
            return page(
                status,
                pages::login(&st.station, Some(&message), st.plain_on_network),
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
                st.plain_on_network,
            ),
        );
    };
    let token = token();
    let session = Session {
        staff: staff.clone(),
        name,
        role,
        csrf: self::token(),
        last_seen: Instant::now(),
        pin,
        window: None,
    };
    let ended = st.sessions().open(token.clone(), session);
    if ended > 0 {
        tracing::info!(
            "staff console: {staff} signed in again; their {ended} earlier session(s) ended"
        );
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

async fn logout(State(st): State<Shared>, headers: HeaderMap, Form(form): Form<Csrf>) -> Response {
    if let Some((token, session)) = st.session(&headers, true).await
        && session.csrf == form.csrf
    {
        st.sessions().end(&token);
    }
    let mut r = to_login();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("kiosk_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    r
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
                pages::today(
                    &session,
                    &state,
                    figures.as_ref(),
                    &st.on_duty(),
                    st.plain_on_network,
                    st.last_anchor().await.as_ref(),
                ),
            )
        }
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}

/// The part of today's page that updates itself. Its refresh is the page's
/// doing, not the member's: it does not keep the session alive.
async fn today_live(State(st): State<Shared>, headers: HeaderMap) -> Response {
    if st.session(&headers, false).await.is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    match st.state().await {
        Ok(state) => {
            let figures = st.figures(&state).await;
            page(
                StatusCode::OK,
                pages::today_live(
                    &state,
                    figures.as_ref(),
                    &st.on_duty(),
                    st.plain_on_network,
                    st.last_anchor().await.as_ref(),
                ),
            )
        }
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, e).into_response(),
    }
}

async fn window_page(
    State(st): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<WindowQuery>,
) -> Response {
    let Some((token, session)) = st.session(&headers, true).await else {
        return to_login();
    };
    let window = q.window();
    // Choosing a window signs the member in to it (today's page says who
    // works where).
    if let Some(w) = window {
        st.sessions().set_window(&token, w);
    }
    let notices = matters::today(&st).await;
    let book = st.matters.current();
    let panel = window.map(|w| matters::panel(&session, &book, w, q.matter.as_deref(), &notices));
    match st.state().await {
        Ok(state) => page(
            StatusCode::OK,
            pages::window(&session, &state, window, q.done.as_deref(), panel),
        ),
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
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
    let command = match form.command() {
        Ok(c) => c,
        Err(why) => return refused(StatusCode::BAD_REQUEST, Some(&session), why),
    };
    let window = form.w.trim();
    let result = st.command(command, &session.staff).await;
    after(&session, result, |done| {
        format!("/window?w={}&done={}", urlencode(window), urlencode(done))
    })
}

/// Repeat a window's call, or stop an announcement, from the window page.
async fn voice_action(
    State(st): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<forms::VoiceForm>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = csrf_refused(&session, &form.csrf) {
        return r;
    }
    let control = match form.control() {
        Ok(c) => c,
        Err(why) => return refused(StatusCode::BAD_REQUEST, Some(&session), why),
    };
    let (reply, answer) = oneshot::channel();
    let sent = st.events.send(Event::Staff(StaffEvent::Voice {
        control,
        actor: Actor::Staff {
            id: session.staff.clone(),
        },
        reply: Some(reply),
    }));
    let result = match sent {
        Ok(()) => answer.await.unwrap_or(Err(Refusal::Stopping)),
        Err(_) => Err(Refusal::Stopping),
    };
    let window = form.w.trim().to_string();
    after(&session, result, |done| {
        format!("/window?w={}&done={}", urlencode(&window), urlencode(done))
    })
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
    let today = st.today().await;
    match cases {
        Ok(cases) => page(StatusCode::OK, pages::cases(&session, &cases, today)),
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}

/// The manager confirms that the system clock is right though the journal
/// is ahead of it (ADR 0015); the domain checks the role.
async fn clock_confirm(
    State(st): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<Csrf>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = csrf_refused(&session, &form.csrf) {
        return r;
    }
    let command = Command::ConfirmClock { role: session.role };
    match st.command(command, &session.staff).await {
        Ok(()) => Redirect::to("/").into_response(),
        Err(e) if e.is_the_stations() => not_recorded(&session, &e),
        Err(e) => refused(StatusCode::FORBIDDEN, Some(&session), &e.to_string()),
    }
}

/// The answer to a change asked on a page: done, or refused by the
/// station's rules → back to the page (`back`) with the outcome to show; the
/// station unable to record it or stopping → a page that says so, not the
/// asker's mistake.
fn after(
    session: &Session,
    result: Result<(), Refusal>,
    back: impl FnOnce(&str) -> String,
) -> Response {
    match result {
        Ok(()) => Redirect::to(&back("ok")).into_response(),
        Err(Refusal::Refused(why)) => Redirect::to(&back(&why)).into_response(),
        Err(e) => not_recorded(session, &e),
    }
}

/// The station could not record a change (its disk, its database) or is
/// stopping: 503, with what the technician does, and that nothing changed.
fn not_recorded(session: &Session, e: &Refusal) -> Response {
    refused(
        StatusCode::SERVICE_UNAVAILABLE,
        Some(session),
        &format!("未能记录，未作任何更改 Not recorded, nothing changed: {e}"),
    )
}

#[cfg(test)]
mod tests;
