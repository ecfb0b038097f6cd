//! The window console's matters: choose the matter the citizen at the window
//! brought, record what became of it (即办结, 转介 to whom, 不予受理 with the
//! reason, 咨询) — the 首问 ledger's entry — accept it with a receipt (受理,
//! or 代办 with the citizen's commission: the kiosk prints both and the
//! promised date comes from the catalog's time limit), or tick the
//! materials missing and give the written notice (补正材料一次性告知书);
//! today's notices, each as one HTML file to hand to a citizen who is not
//! at the counter.

use std::borrow::Cow;
use std::sync::Arc;

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{DOCTYPE, Markup, html};

use super::cases::download;
use super::forms::urlencode;
use super::*;
use crate::domain::{
    Command, LookupCode, Matter, MatterId, MatterRef, Matters, NoticeNo, Outcome, Principal,
    Received, TicketCode, TimeLimit, WindowNo,
};

/// The forms of the matters panel (both posts share it).
#[derive(Clone, Debug, Default)]
pub struct MatterForm {
    pub csrf: String,
    pub w: String,
    pub matter: String,
    /// What a citizen asked outside the catalog (`matter=other`).
    pub asked: String,
    pub ticket: String,
    pub outcome: String,
    pub reason: String,
    /// 转介: the window or office the citizen was sent to.
    pub to: String,
    /// The receipt form: the materials received (by place) and their
    /// counts (`count3=2`), `promised` or `proxy`, and for a proxy matter
    /// the citizen's name and ID number.
    pub got: Vec<String>,
    pub counts: std::collections::BTreeMap<usize, String>,
    pub kind: String,
    pub name: String,
    pub idno: String,
    /// The missing materials ticked, by their place in the matter's list
    /// (`missing=0&missing=3`: repeated keys).
    pub missing: Vec<String>,
    pub other: String,
    pub days: String,
}

impl MatterForm {
    fn window(&self) -> Result<WindowNo, &'static str> {
        super::forms::window_no(&self.w)
    }

    fn ticket(&self) -> Result<Option<TicketCode>, &'static str> {
        match self.ticket.trim() {
            "" => Ok(None),
            t => t
                .to_ascii_uppercase()
                .parse()
                .map(Some)
                .map_err(|_| "号码不对 Not a ticket number (A012)"),
        }
    }

    fn matter<'a>(&self, book: &'a Matters) -> Result<&'a Matter, &'static str> {
        MatterId::parse(self.matter.trim())
            .and_then(|id| book.get(&id))
            .ok_or("请选择事项 Choose a matter")
    }

    /// What became of the matter, as the outcome form says.
    pub fn outcome(&self) -> Result<Outcome, &'static str> {
        Ok(match self.outcome.as_str() {
            "done" => Outcome::Done,
            "referred" => Outcome::Referred {
                to: self.to.clone(),
            },
            "refused" => Outcome::Refused {
                reason: self.reason.clone(),
            },
            "consult" => Outcome::Consult,
            _ => return Err("请选择办理结果 Choose an outcome"),
        })
    }

    /// The materials ticked (by place) and any written in, as names.
    pub fn missing(&self, matter: &Matter) -> Result<Vec<String>, &'static str> {
        let mut names = Vec::new();
        for m in &self.missing {
            let i: usize = m.trim().parse().map_err(|_| "材料不对 No such material")?;
            let material = matter.materials.get(i).ok_or("材料不对 No such material")?;
            let name = format!("{}（{}）", material.name.zh, material.form_zh());
            if !names.contains(&name) {
                names.push(name);
            }
        }
        for line in self.other.lines().map(str::trim).filter(|l| !l.is_empty()) {
            names.push(line.to_string());
        }
        Ok(names)
    }

    /// The materials received, ticked by place with their counts (1 when
    /// left empty), and any written in (`名称 ×2`, or one copy).
    pub fn received(&self, matter: &Matter) -> Result<Vec<Received>, &'static str> {
        let mut list = Vec::new();
        for g in &self.got {
            let i: usize = g.trim().parse().map_err(|_| "材料不对 No such material")?;
            let material = matter.materials.get(i).ok_or("材料不对 No such material")?;
            let count = match self.counts.get(&i).map(|c| c.trim()) {
                None | Some("") => 1,
                Some(c) => c
                    .parse()
                    .map_err(|_| "份数填 1–99 Give the copies as a number 1–99")?,
            };
            list.push(Received {
                name: format!("{}（{}）", material.name.zh, material.form.zh()),
                count,
            });
        }
        for line in self.other.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (name, count) = match line.rsplit_once(['×', 'x', 'X', '*']) {
                Some((n, c)) if c.trim().parse::<u8>().is_ok() => {
                    (n.trim(), c.trim().parse().unwrap_or(1))
                }
                _ => (line, 1),
            };
            list.push(Received {
                name: name.to_string(),
                count,
            });
        }
        Ok(list)
    }

    /// The citizen of a proxy commission; none for a promised matter.
    pub fn principal(&self, matter: &Matter) -> Result<Option<Principal>, String> {
        match self.kind.as_str() {
            "promised" => Ok(None),
            "proxy" if !matter.proxy => {
                Err("该事项不在代办范围 This matter is not one the 代办员 carries".into())
            }
            "proxy" => Principal::new(&self.name, &self.idno)
                .map(Some)
                .map_err(|e| e.to_string()),
            _ => Err("请选择受理或代办 Choose 受理 or 代办".into()),
        }
    }

    fn days(&self, book: &Matters) -> Result<u32, &'static str> {
        match self.days.trim() {
            "" => Ok(book.return_days),
            d => d
                .parse()
                .map_err(|_| "补正期限填工作日数 Give the working days (10)"),
        }
    }
}

/// Parses a form posted by the browser: repeated `missing` keys become a
/// list (serde_urlencoded takes only the last of a repeated key).
pub fn parse_form(body: &str) -> Result<MatterForm, String> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(body).map_err(|e| format!("表单不对 Bad form: {e}"))?;
    let mut form = MatterForm::default();
    for (k, v) in pairs {
        match k.as_str() {
            "csrf" => form.csrf = v,
            "w" => form.w = v,
            "matter" => form.matter = v,
            "asked" => form.asked = v,
            "ticket" => form.ticket = v,
            "outcome" => form.outcome = v,
            "reason" => form.reason = v,
            "to" => form.to = v,
            "got" => form.got.push(v),
            "kind" => form.kind = v,
            "name" => form.name = v,
            "idno" => form.idno = v,
            "missing" => form.missing.push(v),
            "other" => form.other = v,
            "days" => form.days = v,
            k => {
                if let Some(i) = k.strip_prefix("count").and_then(|i| i.parse().ok()) {
                    form.counts.insert(i, v);
                }
            }
        }
    }
    Ok(form)
}

fn back(window: &str, matter: &str, done: &str) -> String {
    format!(
        "/window?w={}&matter={}&done={}",
        urlencode(window),
        urlencode(matter),
        urlencode(done)
    )
}

/// `POST /matters/outcome`.
pub(super) async fn outcome(st: State<Shared>, headers: HeaderMap, body: String) -> Response {
    post(st, headers, body, |form, book| {
        let matter = if form.matter.trim() == MatterId::OTHER {
            MatterRef::other(book.version, &form.asked)
        } else {
            form.matter(book)?.reference(book.version)
        };
        Ok(Command::RecordMatter {
            window: form.window()?,
            ticket: form.ticket()?,
            matter,
            outcome: form.outcome()?,
        })
    })
    .await
}

/// `POST /matters/accept`: accepted with a receipt (受理), or commissioned
/// to the 代办员 (代办); the kiosk prints the receipt and the commission.
pub(super) async fn accept(st: State<Shared>, headers: HeaderMap, body: String) -> Response {
    post(st, headers, body, |form, book| {
        let m = form.matter(book)?;
        let working_days = match m.limit {
            TimeLimit::Immediate => 0,
            TimeLimit::WorkingDays(n) => n,
        };
        let principal = form.principal(m)?;
        let mut bits = [0u8; 2];
        getrandom::fill(&mut bits).map_err(|_| "随机数不可用 No randomness for the lookup code")?;
        Ok(Command::AcceptMatter {
            window: form.window()?,
            ticket: form.ticket()?,
            matter: m.reference(book.version),
            working_days,
            materials: form.received(m)?,
            principal,
            code: LookupCode::from_random(u16::from_le_bytes(bits)),
        })
    })
    .await
}

/// `POST /matters/notice`: the written notice, printed at the kiosk.
pub(super) async fn notice(st: State<Shared>, headers: HeaderMap, body: String) -> Response {
    post(st, headers, body, |form, book| {
        let m = form.matter(book)?;
        Ok(Command::GiveNotice {
            window: form.window()?,
            ticket: form.ticket()?,
            matter: m.reference(book.version),
            missing: form.missing(m)?,
            return_days: form.days(book)?,
        })
    })
    .await
}

/// A matters form posted: signed in, its CSRF token, the command it asks
/// for (on the catalog in force), then back to the window page with the
/// outcome.
async fn post(
    State(st): State<Shared>,
    headers: HeaderMap,
    body: String,
    command: impl FnOnce(&MatterForm, &Matters) -> Result<Command, Cow<'static, str>>,
) -> Response {
    let session = signed_in!(st, headers);
    let form = match parse_form(&body) {
        Ok(f) => f,
        Err(why) => return refused(StatusCode::BAD_REQUEST, Some(&session), &why),
    };
    if let Some(r) = csrf_refused(&session, &form.csrf) {
        return r;
    }
    let book = st.matters.current();
    let (w, m) = (form.w.trim().to_string(), form.matter.trim().to_string());
    match command(&form, &book) {
        Ok(c) => {
            let result = st.command(c, &session.staff).await;
            after(&session, result, |done| back(&w, &m, done))
        }
        Err(why) => Redirect::to(&back(&w, &m, &why)).into_response(),
    }
}

/// A notice as the journal keeps it.
#[derive(Clone, Debug)]
pub struct NoticeEntry {
    pub notice: NoticeNo,
    pub at: String,
    pub staff: String,
    pub window: u8,
    pub matter: String,
    pub missing: Vec<String>,
    pub return_by: String,
    pub provisional: bool,
}

/// The notices given on `day`, oldest first.
fn notices_of(conn: &rusqlite::Connection, day: &str) -> Result<Vec<NoticeEntry>, String> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT at, actor, body FROM journal WHERE kind = 'notice_given' AND day = ?1 ORDER BY seq",
        )
        .map_err(|e| e.to_string())?;
    let rows = stmt
        .query_map([day], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for row in rows {
        let (at, actor, body) = row.map_err(|e| e.to_string())?;
        let fact: crate::domain::Fact = serde_json::from_str(&body).map_err(|e| e.to_string())?;
        let actor: crate::domain::Actor =
            serde_json::from_str(&actor).map_err(|e| e.to_string())?;
        if let crate::domain::Fact::NoticeGiven {
            notice,
            window,
            matter,
            missing,
            return_by,
            ..
        } = fact
        {
            out.push(NoticeEntry {
                notice,
                at,
                staff: match actor {
                    crate::domain::Actor::Staff { id } => id,
                    other => other.to_string(),
                },
                window: window.get(),
                matter: matter.zh,
                missing,
                return_by: return_by.date.to_string(),
                provisional: return_by.provisional,
            });
        }
    }
    Ok(out)
}

/// Today's notices, for the window page.
pub(super) async fn today(st: &ConsoleState) -> Vec<NoticeEntry> {
    let now = st.now().await;
    let day = st.tz.to_datetime(now).date().to_string();
    st.read(move |conn| notices_of(conn, &day))
        .await
        .unwrap_or_default()
}

/// `GET /notices/{number}`: one notice as one HTML file.
pub(super) async fn document(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(no): UrlPath<String>,
) -> Response {
    let session = signed_in!(st, headers);
    let Some(notice) = NoticeNo::parse(no.trim_end_matches(".html")) else {
        return refused(
            StatusCode::NOT_FOUND,
            Some(&session),
            "没有这份告知书 No such notice",
        );
    };
    let day = notice.day.to_string();
    let found = st
        .read(move |conn| notices_of(conn, &day))
        .await
        .map(|all| all.into_iter().find(|n| n.notice == notice));
    match found {
        Ok(Some(n)) => {
            let html = notice_file(&n, &st.station, &st.tz).into_string();
            download(
                html.into_bytes(),
                "text/html; charset=utf-8",
                &format!("{}.html", n.notice),
            )
        }
        Ok(None) => refused(
            StatusCode::NOT_FOUND,
            Some(&session),
            "没有这份告知书 No such notice",
        ),
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}

/// The notice as one self-contained HTML file (no script, no outside
/// resource; every value escaped).
pub fn notice_file(n: &NoticeEntry, station: &StationInfo, tz: &jiff::tz::TimeZone) -> Markup {
    let given =
        n.at.parse::<jiff::Timestamp>()
            .map(|t| tz.to_datetime(t).strftime("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|_| n.at.clone());
    html! {
        (DOCTYPE)
        html lang="zh" {
            head {
                meta charset="utf-8";
                title { "补正材料一次性告知书 " (n.notice) }
                style { "body{font-family:sans-serif;max-width:40em;margin:2em auto;line-height:1.6}h1{font-size:1.5em}li{margin:.3em 0}" }
            }
            body {
                p { (station.name_zh) " " (station.name_en) }
                h1 { "补正材料一次性告知书" }
                p { "Notice of missing materials · 编号 No. " strong { (n.notice) } }
                p { "办理事项 Matter: " strong { (n.matter) } }
                p { "经审核，您的申请材料尚需补正。请补齐以下全部材料 Please bring:" }
                ol { @for m in &n.missing { li { "□ " (m) } } }
                p { "请于 " strong { (n.return_by) } " 前补齐" @if n.provisional { "（暂按周一至周五计算）" } "，到 " (n.window) " 号窗口办理，不再另行要求其他材料；办理时限自收到补正材料次日起计算。" }
                p { "Bring them by " (n.return_by) " to window " (n.window) "; nothing else will be asked for." }
                p { "经办人 Staff: " (n.staff) " · 告知时间 Given: " (given) }
                p { "咨询电话 Phone: " (station.duty_phone) " · 投诉电话 Complaints: " (station.complaint_hotline) }
            }
        }
    }
}

/// The window page's matters panel: choose the matter, then record its
/// outcome or give the notice; today's notices with their files.
pub fn panel(
    session: &Session,
    book: &Arc<Matters>,
    w: WindowNo,
    chosen: Option<&str>,
    notices: &[NoticeEntry],
) -> Markup {
    let chosen = chosen
        .and_then(MatterId::parse)
        .and_then(|id| book.get(&id));
    let sample = book.sample;
    html! {
        h3 { "办件 Matters" }
        @if sample {
            // A div, not the `p.err` a refused action shows: scripts and
            // tests wait for that after a click.
            div.err { "事项清单是示例，请安装本站审定的清单 The matter list is the sample: install the approved one (kiosk matters load)" }
        }
        form method="get" action="/window" {
            input type="hidden" name="w" value=(w.get());
            label { "事项 Matter " select name="matter" {
                option value="" { "—" }
                @for m in &book.matters {
                    option value=(m.id) selected[chosen.is_some_and(|c| c.id == m.id)] {
                        (m.category) " " (m.name.zh)
                    }
                }
            } }
            button type="submit" { "选择 Choose" }
        }
        form #other-matter method="post" action="/matters/outcome" {
            input type="hidden" name="csrf" value=(session.csrf);
            input type="hidden" name="w" value=(w.get());
            input type="hidden" name="matter" value=(MatterId::OTHER);
            label { "清单外事项 Not in the list — 所问 Asked " input name="asked" size="24" maxlength="40" placeholder="咨询宅基地审批"; }
            label { " 结果 Outcome " select name="outcome" {
                @for word in ["consult", "referred", "refused", "done"] {
                    option value=(word) { (Outcome::zh_of(word)) " " (word) }
                }
            } }
            label { " 转介至 To " input name="to" size="14"; }
            label { " 理由 Reason " input name="reason" size="14"; }
            " " button type="submit" { "登记 Record" }
        }
        @if let Some(m) = chosen {
            h4 { (m.name.zh) " (" (m.limit.zh()) ", " (m.fee.zh()) ")" }
            form method="post" action="/matters/outcome" {
                input type="hidden" name="csrf" value=(session.csrf);
                input type="hidden" name="w" value=(w.get());
                input type="hidden" name="matter" value=(m.id);
                label { "号码 Ticket (空 = 当前 current) " input name="ticket" size="6"; }
                label { "结果 Outcome " select name="outcome" {
                    @for word in ["done", "consult", "referred", "refused"] {
                        option value=(word) { (Outcome::zh_of(word)) " " (word) }
                    }
                } }
                label { "转介至 Referred to (转介) " input name="to" size="20" placeholder="3 号窗口 / 镇民政办"; }
                label { "不予受理理由 Reason (不予受理) " input name="reason" size="30"; }
                button.big type="submit" { "记录结果 Record" }
            }
            @match m.limit {
                TimeLimit::Immediate => {
                    p { "即办事项，当场办结，不出受理回执 Done at the counter: no receipt." }
                }
                TimeLimit::WorkingDays(n) => {
                    form method="post" action="/matters/accept" {
                        input type="hidden" name="csrf" value=(session.csrf);
                        input type="hidden" name="w" value=(w.get());
                        input type="hidden" name="matter" value=(m.id);
                        p { "受理 Accept with a receipt — 承诺 " (n) " 个工作日，自次日起算 (" (n) " working days from tomorrow)" }
                        fieldset {
                            legend { "收到的材料 Materials received (份数 copies)" }
                            ul.checks {
                                @for (i, x) in m.materials.iter().enumerate() {
                                    li { label {
                                        input type="checkbox" name="got" value=(i);
                                        " " (x.name.zh) " " (x.form.zh()) " "
                                    } input name=(format!("count{i}")) size="2" value=(x.copies) aria-label="份数 copies"; }
                                }
                            }
                            label { "其他 Other (一行一项，可写 ×2) " textarea name="other" rows="2" cols="30" {} }
                        }
                        label { "号码 Ticket (空 = 当前 current) " input name="ticket" size="6"; }
                        fieldset {
                            legend { "受理方式 Kind" }
                            label { input type="radio" name="kind" value="promised" checked; " 承诺件 promised" }
                            @if m.proxy {
                                label { input type="radio" name="kind" value="proxy"; " 代办件 proxy (委托)" }
                                label { "委托人姓名 Citizen's name " input name="name" size="10" autocomplete="off"; }
                                label { "身份证号 ID number " input name="idno" size="20" autocomplete="off"; }
                            }
                        }
                        button.big type="submit" { "受理并打印回执 Accept and print the receipt" }
                    }
                }
            }
            form method="post" action="/matters/notice" {
                input type="hidden" name="csrf" value=(session.csrf);
                input type="hidden" name="w" value=(w.get());
                input type="hidden" name="matter" value=(m.id);
                p { "缺少的材料 Missing materials:" }
                ul.checks {
                    @for (i, x) in m.materials.iter().enumerate() {
                        li { label { input type="checkbox" name="missing" value=(i); " " (x.name.zh) " " (x.form_zh()) } }
                    }
                }
                label { "其他 Other (一行一项 one a line) " textarea name="other" rows="2" cols="30" {} }
                label { "号码 Ticket (空 = 当前 current) " input name="ticket" size="6"; }
                label { "补正期限 Working days to return " input name="days" size="3" value=(book.return_days); }
                button.big type="submit" { "打印补正告知书 Print the notice" }
            }
        }
        @if !notices.is_empty() {
            h4 { "今日补正告知 Today's notices" }
            ul {
                @for n in notices {
                    li {
                        a href=(format!("/notices/{}.html", n.notice)) { (n.notice) }
                        " " (n.matter) " · " (n.window) " 号窗口 · " (n.missing.len()) " 项 · 至 " (n.return_by)
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn senior_card() -> Matter {
        let catalog =
            crate::config::parse_catalog("catalog.toml", crate::config::DEFAULT_CATALOG).unwrap();
        crate::matters::sample(&catalog)
            .matters
            .into_iter()
            .find(|m| m.id.as_str() == "senior-card")
            .unwrap()
    }

    #[test]
    fn the_receipt_form_counts_what_was_ticked_and_written_in() {
        let m = senior_card();
        let form = parse_form(
            "got=0&count0=2&got=2&count2=&other=%E6%88%B7%E5%8F%A3%E7%B0%BF+%C3%973%0Aphoto+x+2%0A%E8%AF%81%E6%98%8E",
        )
        .unwrap();
        let got = form.received(&m).unwrap();
        let counted: Vec<(String, u8)> = got.into_iter().map(|r| (r.name, r.count)).collect();
        assert_eq!(counted.len(), 5, "{counted:?}");
        assert_eq!(counted[0].1, 2);
        assert!(counted[0].0.starts_with(&m.materials[0].name.zh));
        // Left empty: one copy.
        assert_eq!(counted[1].1, 1);
        assert_eq!(
            &counted[2..],
            [
                ("户口簿".to_string(), 3),
                ("photo".to_string(), 2),
                ("证明".to_string(), 1)
            ]
        );
        for bad in ["got=0&count0=many", "got=99", "got=x"] {
            assert!(parse_form(bad).unwrap().received(&m).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_commission_needs_a_proxy_matter_and_a_checked_citizen() {
        let m = senior_card();
        let form = |body: &str| parse_form(body).unwrap();
        assert_eq!(form("kind=promised").principal(&m), Ok(None));
        assert!(form("").principal(&m).is_err(), "a kind is chosen");
        let ok = form("kind=proxy&name=%E7%8E%8B%E5%B0%8F%E6%98%8E&idno=11010519491231002X")
            .principal(&m)
            .unwrap()
            .unwrap();
        assert_eq!(ok.masked_name(), "王*明");
        let bad = form("kind=proxy&name=%E7%8E%8B%E5%B0%8F%E6%98%8E&idno=110105194912310021")
            .principal(&m)
            .unwrap_err();
        assert!(bad.contains("校验位"), "{bad}");
        let not_proxy = Matter {
            proxy: false,
            ..m.clone()
        };
        assert!(
            form("kind=proxy&name=%E7%8E%8B%E5%B0%8F%E6%98%8E&idno=11010519491231002X")
                .principal(&not_proxy)
                .unwrap_err()
                .contains("代办范围")
        );
    }
}
