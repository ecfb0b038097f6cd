//! The 首问 ledger and the monthly report of matters in the console: every
//! matter a citizen brought to a window with who first received them and
//! what became of it, filtered by day, member, window, outcome, matter or
//! words; the month's report (matters received, dockets finished, on time
//! and overdue by matter, window and member, proxy matters by office with
//! their time, ratings of results, the ledger by outcome); each exported as
//! CSV or JSON with its coding stated, by the manager.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::cases::{EXPORTS, download, manager_only};
use super::pages::layout;
use super::*;
use crate::domain::Outcome;
use crate::store::export::Format;
use crate::store::ledger::{DocketLine, LedgerFilter, LedgerRow, Monthly};

/// Rows a ledger page shows (the count says how many more matched).
const PAGE_ROWS: u32 = 200;

/// The ledger's filter, from the query string.
#[derive(Deserialize, Default)]
pub struct LedgerQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub staff: String,
    #[serde(default)]
    pub window: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub matter: String,
    #[serde(default)]
    pub q: String,
}

/// A month, from the query string (`2026-12`), and the export's format.
#[derive(Deserialize, Default)]
pub struct MonthQuery {
    #[serde(default)]
    pub month: String,
    #[serde(default)]
    pub format: String,
}

fn month_of(
    text: &str,
    today: jiff::civil::Date,
) -> Result<(jiff::civil::Date, jiff::civil::Date), String> {
    let first = match text.trim() {
        "" => today.first_of_month(),
        m => format!("{m}-01")
            .parse::<jiff::civil::Date>()
            .map_err(|_| format!("月份不对 `{m}` is not a month such as 2026-12"))?,
    };
    Ok((first, first.last_of_month()))
}

fn format_of(text: &str) -> Result<Format, String> {
    Format::parse(if text.is_empty() { "csv" } else { text })
        .ok_or_else(|| "格式 format: csv or json".to_string())
}

fn names(conn: &rusqlite::Connection) -> BTreeMap<String, String> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or(""));
    store::read_staff(conn, &path)
        .map(|staff| staff.into_iter().map(|s| (s.id, s.name)).collect())
        .unwrap_or_default()
}

/// `GET /ledger`.
pub async fn page(
    State(st): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<LedgerQuery>,
) -> Response {
    let session = signed_in!(st, headers);
    let today = st.today().await;
    let day = |text: &str, default: jiff::civil::Date| -> Result<String, String> {
        match text.trim() {
            "" => Ok(default.to_string()),
            t => t
                .parse::<jiff::civil::Date>()
                .map(|d| d.to_string())
                .map_err(|_| format!("日期不对 `{t}` is not a day such as 2026-12-01")),
        }
    };
    let filter = (|| -> Result<LedgerFilter, String> {
        Ok(LedgerFilter {
            from: day(&q.from, today.first_of_month())?,
            to: day(&q.to, today)?,
            staff: q.staff.trim().to_string(),
            window: match q.window.trim() {
                "" => 0,
                w => super::forms::window_no(w)?.get(),
            },
            outcome: q.outcome.trim().to_string(),
            matter: q.matter.trim().to_string(),
            text: q.q.clone(),
            limit: PAGE_ROWS,
        })
    })();
    let filter = match filter {
        Ok(f) => f,
        Err(e) => return refused(StatusCode::BAD_REQUEST, Some(&session), &e),
    };
    let shown = filter.clone();
    let found = st
        .read(move |conn| {
            let rows = store::ledger::ledger(conn, &filter).map_err(|e| e.to_string())?;
            Ok((rows, names(conn)))
        })
        .await;
    let ((rows, total), names) = match found {
        Ok(f) => f,
        Err(e) => return refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    };
    let body = ledger_body(&shown, &q, &rows, total, &names, &st.tz);
    super::page(
        StatusCode::OK,
        layout(Some(&session), "首问登记台账 Ledger", body),
    )
}

fn ledger_body(
    f: &LedgerFilter,
    q: &LedgerQuery,
    rows: &[LedgerRow],
    total: u64,
    names: &BTreeMap<String, String>,
    tz: &jiff::tz::TimeZone,
) -> Markup {
    let when = |ms: i64| {
        jiff::Timestamp::from_millisecond(ms)
            .map(|t| tz.to_datetime(t).strftime("%m-%d %H:%M").to_string())
            .unwrap_or_default()
    };
    html! {
        p.hint { "群众每办一件事由首位接待的工作人员登记：答复、办理、受理（回执）、代办、转介（转给谁）、补正告知、不予受理。"
            " · Every matter a citizen brings, with the member who first received them and what became of it." }
        form #ledger-filter method="get" action="/ledger" {
            label { "从 From " input type="date" name="from" value=(f.from); }
            label { " 至 to " input type="date" name="to" value=(f.to); }
            label { " 工号 Member " input name="staff" size="6" value=(q.staff); }
            label { " 窗口 Window " input name="window" size="2" value=(q.window); }
            label { " 结果 Outcome " select name="outcome" {
                option value="" { "全部 all" }
                @for w in Outcome::WORDS {
                    option value=(w) selected[*w == f.outcome] { (Outcome::zh_of(w)) " " (w) }
                }
            } }
            label { " 事项 Matter id " input name="matter" size="14" value=(q.matter); }
            label { " 查找 Words " input name="q" size="14" value=(q.q); }
            " " button type="submit" { "筛选 Filter" }
        }
        p #ledger-count { "共 " (total) " 件 matters" @if total > u64::from(PAGE_ROWS) { "，显示最新 " (PAGE_ROWS) " 件 (newest shown)" } }
        table #ledger {
            thead { tr {
                th { "时间 When" } th { "窗口 Window" } th { "首问 Received by" } th { "事项 Matter" }
                th { "结果 Outcome" } th { "去向 Details" } th { "号码 Ticket" }
            } }
            tbody {
                @for r in rows {
                    tr {
                        td { (r.day) " " (when(r.at_ms)) }
                        td { (r.window) }
                        td { @match &r.staff {
                            Some(s) => { (names.get(s).map_or("", String::as_str)) " " (s) }
                            None => { "—" }
                        } }
                        td { (r.matter) }
                        td { (Outcome::zh_of(&r.outcome)) }
                        td {
                            @if let Some(to) = &r.referred { "转至 " (to) }
                            @if let Some(no) = &r.receipt { a href=(format!("/dockets/{no}")) { (no) } }
                            @if let Some(p) = &r.promised { " 承诺 " (p) }
                            @if let Some(n) = &r.notice { a href=(format!("/notices/{n}.html")) { (n) } }
                        }
                        td { (r.ticket.as_deref().unwrap_or("—")) }
                    }
                }
            }
        }
        p { "导出本月台账 Export a month (站长 manager): "
            a href="/ledger/export?format=csv" { "CSV" } " · " a href="/ledger/export?format=json" { "JSON" }
            " — 其他月份 other months: /ledger/export?month=2026-11" }
    }
}

/// What a manager's export asks for: the month (its first and last day),
/// today and the format; or the refusal to answer with.
async fn export_asked(
    st: &ConsoleState,
    session: &Session,
    q: &MonthQuery,
) -> Result<
    (
        jiff::civil::Date,
        jiff::civil::Date,
        jiff::civil::Date,
        Format,
    ),
    Response,
> {
    if let Some(r) = manager_only(session, EXPORTS) {
        return Err(r);
    }
    let today = st.today().await;
    let (from, to) = month_of(&q.month, today)
        .map_err(|e| refused(StatusCode::BAD_REQUEST, Some(session), &e))?;
    let format =
        format_of(&q.format).map_err(|e| refused(StatusCode::BAD_REQUEST, Some(session), &e))?;
    Ok((from, to, today, format))
}

/// An export's bytes as a download named `NAME-2026-12.csv`, or why not.
fn exported(
    session: &Session,
    bytes: Result<Vec<u8>, String>,
    name: &str,
    from: jiff::civil::Date,
    format: Format,
) -> Response {
    match bytes {
        Ok(bytes) => {
            tracing::info!("staff {} exported the {name} of {from}", session.staff);
            let (kind, ext) = kind_ext(format);
            download(
                bytes,
                kind,
                &format!("{name}-{}.{ext}", &from.to_string()[..7]),
            )
        }
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(session), &e),
    }
}

/// `GET /ledger/export?month=2026-12&format=csv`.
pub async fn export(
    State(st): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<MonthQuery>,
) -> Response {
    let session = signed_in!(st, headers);
    let (from, to, _, format) = match export_asked(&st, &session, &q).await {
        Ok(asked) => asked,
        Err(r) => return r,
    };
    let bytes = st
        .read(move |conn| {
            let mut out = Vec::new();
            store::ledger::export_ledger(conn, from, to, format, &mut out)
                .map_err(|e| e.to_string())?;
            Ok(out)
        })
        .await;
    exported(&session, bytes, "ledger", from, format)
}

fn kind_ext(format: Format) -> (&'static str, &'static str) {
    match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::Json => ("application/json", "json"),
    }
}

/// `GET /reports/monthly?month=2026-12`.
pub async fn monthly(
    State(st): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<MonthQuery>,
) -> Response {
    let session = signed_in!(st, headers);
    let today = st.today().await;
    let (from, to) = match month_of(&q.month, today) {
        Ok(m) => m,
        Err(e) => return refused(StatusCode::BAD_REQUEST, Some(&session), &e),
    };
    let found = st
        .read(move |conn| {
            let m = store::ledger::monthly(conn, from, to, today).map_err(|e| e.to_string())?;
            Ok((m, names(conn)))
        })
        .await;
    match found {
        Ok((m, names)) => super::page(
            StatusCode::OK,
            layout(
                Some(&session),
                "每月办件情况 Monthly matters",
                monthly_body(&m, &from.to_string()[..7], &names),
            ),
        ),
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}

fn monthly_body(m: &Monthly, month: &str, names: &BTreeMap<String, String>) -> Markup {
    let table = |title: &str, id: &str, lines: &[DocketLine], named: bool| {
        html! {
            h3 { (title) }
            table id=(id) {
                tr { th { "" } th { "受理 Accepted" } th { "办结 Finished" } th { "按时 On time" } th { "超期 Overdue" } }
                @for l in lines {
                    tr {
                        td { (l.key) " "
                            @if named && l.name.is_empty() { (names.get(&l.key).map_or("", String::as_str)) } @else { (l.name) } }
                        td { (l.accepted) } td { (l.finished) } td { (l.on_time) } td { (l.overdue) }
                    }
                }
            }
        }
    };
    let rated: u32 = m.result_ratings.iter().sum();
    html! {
        form method="get" action="/reports/monthly" {
            label { "月份 Month " input type="month" name="month" value=(month); }
            " " button type="submit" { "查看 Show" }
        }
        p #monthly-summary {
            "接待办件 Matters received: " strong { (m.received) }
            " · 受理件 Dockets accepted: " strong { (m.total.accepted) }
            " · 办结 finished: " (m.total.finished)
            " · 按时 on time: " (m.total.on_time)
            " · 超期 overdue: " strong { (m.total.overdue) }
            " · 未结已超期 open and overdue: " (m.open_overdue)
        }
        h3 { "首问登记 by outcome" }
        table #by-outcome {
            tr { @for (w, _) in &m.by_outcome { th { (Outcome::zh_of(w)) } } }
            tr { @for (_, n) in &m.by_outcome { td { (n) } } }
        }
        (table("按类别 By kind", "by-kind", &m.by_kind, false))
        (table("按事项 By matter", "by-matter", &m.by_matter, false))
        (table("按窗口 By window", "by-window", &m.by_window, false))
        (table("按人员 By member", "by-member", &m.by_member, true))
        h3 { "代办送件单位 Proxy matters by office" }
        table #by-office {
            tr { th { "单位 Office" } th { "送件 Sent" } th { "返回 Back" } th { "平均天数 Mean days" } th { "最长 Longest" } }
            @for o in &m.offices {
                tr { td { (o.office) } td { (o.sent) } td { (o.back) }
                     td { (o.days_mean.map(|d| format!("{d:.1}")).unwrap_or_else(|| "—".into())) }
                     td { (o.days_max.map(|d| d.to_string()).unwrap_or_else(|| "—".into())) } }
            }
        }
        h3 { "办理结果评价 Ratings of results handed over" }
        table #result-ratings {
            tr { th { "非常满意 5" } th { "满意 4" } th { "基本满意 3" } th { "不满意 2" } th { "非常不满意 1" } th { "未评价 Unrated" } }
            tr { @for n in m.result_ratings.iter().rev() { td { (n) } } td { (m.result_unrated) } }
        }
        @if rated > 0 {
            p { "满意率 Satisfaction: " (format!("{:.1}", f64::from(m.result_ratings[3] + m.result_ratings[4]) * 100.0 / f64::from(rated))) "%" }
        }
        p { "导出 Export (站长 manager): "
            a href=(format!("/reports/monthly/export?month={month}&format=csv")) { "CSV" } " · "
            a href=(format!("/reports/monthly/export?month={month}&format=json")) { "JSON" } }
    }
}

/// `GET /reports/monthly/export?month=2026-12&format=csv`.
pub async fn monthly_export(
    State(st): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<MonthQuery>,
) -> Response {
    let session = signed_in!(st, headers);
    let (from, to, today, format) = match export_asked(&st, &session, &q).await {
        Ok(asked) => asked,
        Err(r) => return r,
    };
    let bytes = st
        .read(move |conn| {
            let m = store::ledger::monthly(conn, from, to, today).map_err(|e| e.to_string())?;
            let mut out = Vec::new();
            store::ledger::export_monthly(&m, format, &mut out).map_err(|e| e.to_string())?;
            Ok(out)
        })
        .await;
    exported(&session, bytes, "matters", from, format)
}
