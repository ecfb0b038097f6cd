//! The console's case pages: a case's file, its stages, extensions,
//! reprints and the manager's export.

use axum::extract::{Form, Path as UrlPath, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::forms::{CaseForm, Done, urlencode};
use crate::domain::{CaseNo, Command, SignInPlace, StaffRole};
use crate::store;

use super::*;

pub(super) async fn load_case(
    st: &ConsoleState,
    no: &str,
) -> Result<Option<crate::domain::Case>, String> {
    let no: CaseNo = no.parse()?;
    st.read(move |conn| store::read_case(conn, &no.to_string()).map_err(|e| e.to_string()))
        .await
}

pub(super) async fn case_page(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(no): UrlPath<String>,
    Query(q): Query<Done>,
) -> Response {
    let session = signed_in!(st, headers);
    let today = st.today().await;
    match load_case(&st, &no).await {
        Ok(Some(case)) => page(
            StatusCode::OK,
            pages::case(&session, &case, today, q.done.as_deref(), &st.tz),
        ),
        Ok(None) | Err(_) => no_such_case(&session),
    }
}

pub(super) async fn case_command(
    st: &ConsoleState,
    session: &Session,
    no: &str,
    form: &CaseForm,
    make: impl FnOnce(CaseNo, &CaseForm) -> Result<Command, String>,
) -> Response {
    if let Some(r) = csrf_refused(session, &form.csrf) {
        return r;
    }
    let Some(case) = forms::case_no(no) else {
        return no_such_case(session);
    };
    let result = match make(case, form) {
        Ok(command) => st.command(command, &session.staff).await,
        Err(e) => Err(Refusal::Refused(e)),
    };
    after(session, result, |done| {
        format!("/cases/{case}?done={}", urlencode(done))
    })
}

pub(super) async fn case_advance(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(no): UrlPath<String>,
    Form(form): Form<CaseForm>,
) -> Response {
    let session = signed_in!(st, headers);
    let role = session.role;
    case_command(&st, &session, &no, &form, |case, f| f.advance(case, role)).await
}

pub(super) async fn case_reopen(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(no): UrlPath<String>,
    Form(form): Form<CaseForm>,
) -> Response {
    let session = signed_in!(st, headers);
    let role = session.role;
    case_command(
        &st,
        &session,
        &no,
        &form,
        |case, f| Ok(f.reopen(case, role)),
    )
    .await
}

pub(super) async fn case_reprint(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(no): UrlPath<String>,
    Form(form): Form<CaseForm>,
) -> Response {
    let session = signed_in!(st, headers);
    case_command(&st, &session, &no, &form, |case, f| f.reprint(case)).await
}

pub(super) async fn case_extend(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(no): UrlPath<String>,
    Form(form): Form<CaseForm>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = deciders_only(
        &session,
        "延期需要站长（关于站长的案件：纪检）Extending a case needs the manager (the supervisor for a case about the manager)",
    ) {
        return r;
    }
    let role = session.role;
    case_command(&st, &session, &no, &form, |case, f| f.extend(case, role)).await
}

/// The manager's export of a case file, the only view with the callback
/// number in full: journaled before the file is made, refused when the
/// journal cannot take it.
pub(super) async fn case_export(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(no): UrlPath<String>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = deciders_only(&session, EXPORTS) {
        return r;
    }
    let Some(no) = forms::case_no(&no) else {
        return no_such_case(&session);
    };
    match load_case(&st, &no.to_string()).await {
        Ok(Some(_)) => {}
        Ok(None) | Err(_) => return no_such_case(&session),
    }
    let export = Command::ExportCase {
        case: no,
        role: session.role,
        place: SignInPlace::Console,
    };
    match st.command(export, &session.staff).await {
        Ok(()) => {}
        Err(e) if e.is_the_stations() => return not_recorded(&session, &e),
        Err(e) => return refused(StatusCode::FORBIDDEN, Some(&session), &e.to_string()),
    }
    let (tz, station, at) = (st.tz.clone(), st.station.clone(), st.now().await);
    let by = match session.role {
        StaffRole::Supervisor => format!("纪检 supervisor {} ({})", session.name, session.staff),
        _ => format!("站长 manager {} ({})", session.name, session.staff),
    };
    let html = st
        .read(move |conn| {
            let export = crate::documents::case_file::Export {
                station: &station,
                tz: &tz,
                at,
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

/// The refusal of a change only the manager makes — a form without the
/// session's token, or a member who is not the manager — if it is one.
pub(super) fn managers_change(session: &Session, csrf: &str, why: &str) -> Option<Response> {
    csrf_refused(session, csrf).or_else(|| manager_only(session, why))
}

/// The refusal of an action only the manager may take, if it is one.
pub(super) fn manager_only(session: &Session, why: &str) -> Option<Response> {
    (session.role != StaffRole::Manager).then(|| refused(StatusCode::FORBIDDEN, Some(session), why))
}

/// The refusal of a case decision (extension, export) to anyone but the
/// manager and the supervisor; which of the two decides a case is the
/// domain's rule (ADR 0029).
fn deciders_only(session: &Session, why: &str) -> Option<Response> {
    (!matches!(session.role, StaffRole::Manager | StaffRole::Supervisor))
        .then(|| refused(StatusCode::FORBIDDEN, Some(session), why))
}

pub(super) const EXPORTS: &str = "导出需要站长 Exports are for the manager";

pub(super) fn no_such_case(session: &Session) -> Response {
    refused(
        StatusCode::NOT_FOUND,
        Some(session),
        "没有这个案件 No such case",
    )
}

/// A file to save, not a page to show: never sniffed as something else,
/// never run.
pub(super) fn download(bytes: Vec<u8>, kind: &'static str, name: &str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOWNLOAD_POLICY),
    );
    r
}
