//! The console's pages over the records: the journal and its check,
//! back-entry after an outage, and the reports with their exports.

use axum::extract::{Form, Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::forms::{BackEntryForm, Done, LogQuery, ReportQuery, urlencode};
use crate::domain::Command;
use crate::store::{self, LogFilter};

use super::*;

pub(super) async fn log_page(
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

pub(super) async fn log_entry(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(seq): UrlPath<String>,
) -> Response {
    let session = signed_in!(st, headers);
    let Some(seq) = forms::entry_seq(&seq) else {
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
pub(super) async fn log_verify(State(st): State<Shared>, headers: HeaderMap) -> Response {
    let session = signed_in!(st, headers);
    // The chain, the reports' tables replayed from it, and the anchor to
    // keep, as `kiosk verify-log` gives them.
    let verdict = st
        .read(|conn| {
            let chain = store::chain::verify(conn).map_err(|e| e.to_string())?;
            let tables = store::audit::projections(conn).map_err(|e| e.to_string())?;
            let last: i64 = conn
                .query_row("SELECT coalesce(max(seq), 0) FROM journal", [], |r| {
                    r.get(0)
                })
                .map_err(|e| e.to_string())?;
            let anchor = store::audit::anchor_at(conn, last).map_err(|e| e.to_string())?;
            Ok((chain, tables, anchor))
        })
        .await;
    match verdict {
        Ok((chain, tables, anchor)) => page(
            StatusCode::OK,
            pages::chain(&session, &chain, tables.as_ref(), anchor.as_ref()),
        ),
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}

/// Back-entries shown under the form.
pub(super) const LATEST_BACK_ENTRIES: u32 = 30;

pub(super) async fn back_entry_page(
    State(st): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<Done>,
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
            let today = st.tz.to_datetime(state.now).date().to_string();
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

pub(super) async fn back_entry(
    State(st): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<BackEntryForm>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = csrf_refused(&session, &form.csrf) {
        return r;
    }
    let result = match form.entry(&st.tz) {
        Ok(entry) => st.command(Command::BackEnter(entry), &session.staff).await,
        Err(e) => Err(Refusal::Refused(e)),
    };
    after(&session, result, |done| {
        format!("/backentry?done={}", urlencode(done))
    })
}

pub(super) async fn reports_page(
    State(st): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Response {
    let session = signed_in!(st, headers);
    let (from, to) = match q.days(st.today().await) {
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
        .read(move |conn| {
            let report = store::report::report(conn, from, to, &tz).map_err(|e| e.to_string())?;
            // The members' names beside their numbers (the staff list's).
            let path = std::path::PathBuf::from(conn.path().unwrap_or(""));
            let names: std::collections::BTreeMap<String, String> = store::read_staff(conn, &path)
                .map(|staff| staff.into_iter().map(|s| (s.id, s.name)).collect())
                .unwrap_or_default();
            Ok::<_, String>((report, names))
        })
        .await;
    match report {
        Ok((r, names)) => {
            let svg = chart::daily_bars(&r.daily, 720, 220).unwrap_or_default();
            page(
                StatusCode::OK,
                pages::reports(&session, &q.day, &q.month, Some((&r, &names)), &svg, None),
            )
        }
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}

pub(super) async fn reports_export(
    State(st): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = manager_only(&session, EXPORTS) {
        return r;
    }
    let (from, to) = match q.days(st.today().await) {
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
