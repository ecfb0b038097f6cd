//! Dockets in the console: the list of matters accepted with a receipt
//! (承诺件) or commissioned to the 代办员 (代办件), filtered by where they
//! stand; one docket's file with every step, the citizen of a commission in
//! full (the only view that shows it), the form that moves it on — 办理中,
//! 送件 to an office, 办结 or 退件, 已通知, 已领取 signed for at a window —
//! its papers printed again, and the file exported as one HTML document.

use axum::extract::{Form, Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use super::cases::download;
use super::forms::urlencode;
use super::pages::layout;
use super::*;
use crate::domain::{
    Command, Docket, DocketDocument, DocketKind, DocketNo, DocketStage, NotifyBy, Principal,
    WindowNo,
};

/// The list's filter, from the query string.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub kind: String,
    pub done: Option<String>,
}

/// The form that moves a docket on.
#[derive(Deserialize)]
pub struct AdvanceForm {
    pub csrf: String,
    pub stage: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub office: String,
    #[serde(default)]
    pub notified: String,
    #[serde(default)]
    pub window: String,
    #[serde(default)]
    pub signed: Option<String>,
}

impl AdvanceForm {
    fn command(&self, docket: DocketNo) -> Result<Command, String> {
        let stage =
            DocketStage::parse(&self.stage).ok_or("请选择下一阶段 Choose the next stage")?;
        let window = match self.window.trim() {
            "" => None,
            w => Some(super::forms::window_no(w)?),
        };
        Ok(Command::AdvanceDocket {
            docket,
            stage,
            note: self.note.clone(),
            office: Some(self.office.clone()).filter(|o| !o.trim().is_empty()),
            notified: NotifyBy::parse(&self.notified),
            window,
            signed: self.signed.is_some(),
        })
    }
}

/// The reprint form.
#[derive(Deserialize)]
pub struct ReprintForm {
    pub csrf: String,
    pub document: String,
}

const STATUSES: [(&str, &str); 5] = [
    ("open", "未领取 open"),
    ("overdue", "超期 overdue"),
    ("ready", "待领取 ready"),
    ("collected", "已领取 collected"),
    ("all", "全部 all"),
];

/// `GET /dockets`.
pub async fn list(
    State(st): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    let session = signed_in!(st, headers);
    let now = st.now().await;
    let today = st.tz.to_datetime(now).date();
    let status = match q.status.trim() {
        "" => "open".to_string(),
        s => s.to_string(),
    };
    let filter = store::dockets::DocketFilter {
        status: status.clone(),
        kind: q.kind.clone(),
        today: today.to_string(),
        limit: 300,
    };
    let found = st
        .read(move |conn| store::dockets::list_dockets(conn, &filter).map_err(|e| e.to_string()))
        .await;
    let dockets = match found {
        Ok(d) => d,
        Err(e) => return refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    };
    let body = html! {
        @if let Some(d) = &q.done { @if d != "ok" { p.err { (d) } } }
        form method="get" action="/dockets" {
            label { "状态 Status " select name="status" {
                @for (word, name) in STATUSES {
                    option value=(word) selected[word == status] { (name) }
                }
            } }
            label { " 类别 Kind " select name="kind" {
                option value="" { "全部 all" }
                @for k in [DocketKind::Promised, DocketKind::Proxy] {
                    option value=(k.word()) selected[k.word() == q.kind] { (k.zh()) " " (k.word()) }
                }
            } }
            " " button type="submit" { "筛选 Filter" }
        }
        p.hint { "受理件在窗口的办件栏受理并打印回执 · Matters are accepted, and their receipts printed, from the window page's matters panel." }
        @if dockets.is_empty() {
            p { "没有符合条件的件 Nothing matches." }
        } @else {
            table #dockets {
                thead { tr {
                    th { "回执号 Receipt" } th { "类别 Kind" } th { "事项 Matter" } th { "受理 Accepted" }
                    th { "承诺办结 Promised" } th { "阶段 Stage" } th { "窗口 Window" } th { "受理人 Staff" }
                } }
                tbody {
                    @for d in &dockets {
                        tr.overdue[d.overdue(today) && d.is_open()] {
                            td { a href=(format!("/dockets/{}", d.no)) { (d.no) } }
                            td { (d.kind.zh()) }
                            td { (d.matter.zh) }
                            td { (d.day) }
                            td {
                                (d.promised.date)
                                @if d.promised.provisional { " (暂定 provisional)" }
                                @if d.overdue(today) && d.is_open() { strong { " 超期 overdue" } }
                            }
                            td { (d.stage().zh()) }
                            td { (d.window) }
                            td { (d.staff.as_ref().map_or("—", |s| s.name.as_str())) }
                        }
                    }
                }
            }
        }
    };
    super::page(
        StatusCode::OK,
        layout(Some(&session), "受理件 Dockets", body),
    )
}

fn parse_no(no: &str) -> Option<DocketNo> {
    no.trim_end_matches(".html").parse().ok()
}

fn no_such(session: &Session) -> Response {
    refused(
        StatusCode::NOT_FOUND,
        Some(session),
        "没有这个回执号 No such receipt number",
    )
}

/// A commission's citizen, if kept, from the store (the docket itself is
/// not read).
async fn principal(st: &ConsoleState, no: DocketNo) -> Result<Option<Principal>, String> {
    st.read(move |conn| store::dockets::read_principal(conn, no).map_err(|e| e.to_string()))
        .await
}

/// A docket with its citizen (if kept), from the store.
async fn load(
    st: &ConsoleState,
    no: DocketNo,
) -> Result<Option<(Docket, Option<Principal>)>, String> {
    st.read(move |conn| {
        let d = store::dockets::read_docket(conn, no).map_err(|e| e.to_string())?;
        let p = store::dockets::read_principal(conn, no).map_err(|e| e.to_string())?;
        Ok(d.map(|d| (d, p)))
    })
    .await
}

/// `GET /dockets/{no}`: the docket's file and its forms.
pub async fn page(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(no): UrlPath<String>,
    Query(q): Query<super::forms::Done>,
) -> Response {
    let session = signed_in!(st, headers);
    let Some(no) = parse_no(&no) else {
        return no_such(&session);
    };
    let (d, principal) = match load(&st, no).await {
        Ok(Some(found)) => found,
        Ok(None) => return no_such(&session),
        Err(e) => return refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    };
    let windows: Vec<WindowNo> = st
        .state()
        .await
        .map(|s| s.station.windows.iter().map(|w| w.window).collect())
        .unwrap_or_default();
    let today = st.tz.to_datetime(st.now().await).date();
    let body = html! {
        @if let Some(done) = &q.done { @if done != "ok" { p.err { (done) } } }
        (file_body(&d, principal.as_ref(), &st.tz, today))
        @if d.is_open() {
            h2 { "下一步 Next step" }
            form #advance method="post" action=(format!("/dockets/{}/advance", d.no)) {
                input type="hidden" name="csrf" value=(session.csrf);
                p { label { "阶段 Stage " select name="stage" {
                    @for s in d.kind.next(d.stage()) { option value=(s.word()) { (s.zh()) " " (s.word()) } }
                } } }
                p { label { "说明 Note (退件须写理由 the reason, for 退件) " input name="note" size="50"; } }
                @if d.stage() == DocketStage::Accepted && d.kind == DocketKind::Proxy {
                    p { label { "送往单位 Office (送件) " input name="office" size="20" placeholder="县人社局"; } }
                }
                @if d.kind == DocketKind::Proxy && d.stage().is_result() {
                    p { label { "通知方式 Told by (已通知) " select name="notified" {
                        @for n in [NotifyBy::Phone, NotifyBy::Visit] { option value=(n.word()) { (n.zh()) } }
                    } } }
                }
                @if d.kind.next(d.stage()).contains(&DocketStage::Collected) {
                    p { label { "交付窗口 Window (已领取: 群众在该窗口评价器评价结果) " select name="window" {
                        @for w in &windows { option value=(w) selected[*w == d.window] { (w) } }
                    } } }
                    p { label { input type="checkbox" name="signed" value="1"; " 群众已在回执存根上签收 The citizen signed for it" } }
                }
                p { button.big type="submit" { "记录 Record" } }
            }
        }
        h2 { "打印 Papers" }
        form method="post" action=(format!("/dockets/{}/reprint", d.no)) {
            input type="hidden" name="csrf" value=(session.csrf);
            button type="submit" name="document" value="receipt" { "补打回执 Reprint the receipt" }
            @if principal.is_some() {
                " " button type="submit" name="document" value="commission" { "补打委托书 Reprint the commission" }
            }
        }
        p { a href=(format!("/dockets/{}/export", d.no)) { "导出案卷 Export the file (HTML)" } }
    };
    super::page(
        StatusCode::OK,
        layout(Some(&session), &format!("{} {}", d.kind.zh(), d.no), body),
    )
}

/// The docket's facts and history: the page's body and the exported file's.
pub fn file_body(
    d: &Docket,
    principal: Option<&Principal>,
    tz: &jiff::tz::TimeZone,
    today: jiff::civil::Date,
) -> Markup {
    let local = |t: jiff::Timestamp| tz.to_datetime(t).strftime("%Y-%m-%d %H:%M").to_string();
    html! {
        table.facts {
            tr { th { "回执号 Receipt" } td { strong { (d.no) } " · 查询码 code " (d.code) } }
            tr { th { "类别 Kind" } td { (d.kind.zh()) } }
            tr { th { "事项 Matter" } td { (d.matter.zh) " (" (d.matter.id) " v" (d.matter.version) ")" } }
            tr { th { "受理 Accepted" } td { (d.day) " · " (d.window) " 号窗口 · "
                (d.staff.as_ref().map_or_else(|| "—".to_string(), |s| format!("{} ({})", s.name, s.number)))
                @if let Some(t) = d.ticket { " · " (t) } } }
            tr { th { "承诺办结 Promised" } td {
                (d.promised.date) " (" (d.working_days) " 个工作日)"
                @if d.promised.provisional { " 暂按周一至周五计算 provisional: the year's holidays are not published" }
                @if d.overdue(today) && d.is_open() { strong { " 超期 overdue" } }
            } }
            tr { th { "阶段 Stage" } td { (d.stage().zh()) } }
            @if let Some(o) = d.office() { tr { th { "送往 Office" } td { (o) } } }
            @if d.kind == DocketKind::Proxy {
                tr { th { "委托人 Citizen" } td {
                    @match principal {
                        Some(p) => { (p.name()) " · " (p.id_number()) }
                        None => { "已按保存期限删除 deleted after its retention" }
                    }
                } }
            }
            tr { th { "结果评价 Result rated" } td {
                @match d.rating {
                    None => { "—" }
                    Some(0) => { "未评价 unrated" }
                    Some(level) => { (level) " / 5" }
                }
            } }
        }
        h2 { "收到材料 Materials (" (d.pieces()) " 份)" }
        ol { @for m in &d.materials { li { (m.name) " × " (m.count) } } }
        h2 { "办理过程 Steps" }
        table #steps {
            thead { tr { th { "阶段 Stage" } th { "时间 When" } th { "经办 By" } th { "说明 What" } } }
            tbody {
                @for s in &d.history {
                    tr {
                        td { (s.stage.zh()) }
                        td { (local(s.at)) }
                        td { (s.by) }
                        td {
                            (s.note)
                            @if let Some(o) = &s.office { " 送往 " (o) }
                            @if let Some(n) = s.notified { " " (n.zh()) }
                            @if let Some(w) = s.window { @if s.stage == DocketStage::Collected { " " (w) " 号窗口签收" } }
                        }
                    }
                }
            }
        }
    }
}

/// `POST /dockets/{no}/advance`.
pub async fn advance(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(no): UrlPath<String>,
    Form(form): Form<AdvanceForm>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = csrf_refused(&session, &form.csrf) {
        return r;
    }
    let Some(docket) = parse_no(&no) else {
        return no_such(&session);
    };
    // The commission's citizen, named in a note, is journaled masked (ID
    // numbers in any note are masked by the domain).
    let mut form = form;
    if let Ok(Some(p)) = principal(&st, docket).await {
        for text in [&mut form.note, &mut form.office] {
            *text = text.replace(p.name(), &p.masked_name());
        }
    }
    let result = match form.command(docket) {
        Ok(c) => st.command(c, &session.staff).await,
        Err(e) => Err(Refusal::Refused(e)),
    };
    after(&session, result, |done| {
        format!("/dockets/{docket}?done={}", urlencode(done))
    })
}

/// `POST /dockets/{no}/reprint`.
pub async fn reprint(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(no): UrlPath<String>,
    Form(form): Form<ReprintForm>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = csrf_refused(&session, &form.csrf) {
        return r;
    }
    let Some(docket) = parse_no(&no) else {
        return no_such(&session);
    };
    let document = match form.document.as_str() {
        "commission" => DocketDocument::Commission,
        _ => DocketDocument::Receipt,
    };
    let principal = match document {
        DocketDocument::Commission => match principal(&st, docket).await {
            Ok(p) => p,
            Err(e) => return refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
        },
        DocketDocument::Receipt => None,
    };
    let result = st
        .command(
            Command::ReprintDocket {
                docket,
                document,
                principal,
            },
            &session.staff,
        )
        .await;
    after(&session, result, |done| {
        format!("/dockets/{docket}?done={}", urlencode(done))
    })
}

/// `GET /dockets/{no}/export`: the docket's file as one HTML document (no
/// script, no outside resource), with the citizen in full.
pub async fn export(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(no): UrlPath<String>,
) -> Response {
    let session = signed_in!(st, headers);
    let Some(no) = parse_no(&no) else {
        return no_such(&session);
    };
    let (d, principal) = match load(&st, no).await {
        Ok(Some(found)) => found,
        Ok(None) => return no_such(&session),
        Err(e) => return refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    };
    let today = st.tz.to_datetime(st.now().await).date();
    let html = html! {
        (DOCTYPE)
        html lang="zh" {
            head {
                meta charset="utf-8";
                title { (d.kind.zh()) " " (d.no) }
                style { "body{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.5}table{border-collapse:collapse}td,th{border:1px solid #888;padding:.2em .5em;text-align:left}" }
            }
            body {
                p { (st.station.name_zh) " " (st.station.name_en) }
                h1 { (d.kind.zh()) "案卷 " (d.no) }
                (file_body(&d, principal.as_ref(), &st.tz, today))
            }
        }
    };
    download(
        html.into_string().into_bytes(),
        "text/html; charset=utf-8",
        &format!("{}.html", d.no),
    )
}
