//! The manager's attendance page (考勤): the week's sheet by the
//! regulations' rule, the leave register (请假: entered with its kind,
//! struck out), the duty roster (值班表) with the leader in charge, and the
//! sheet in the form posted on the notice board every Monday (counts and
//! marks; leave without its kind), printed from the browser.
//!
//! Attendance is personal data: every page here is the manager's alone.
//! A member named on a form must be on the staff list; the station's rules
//! refuse the rest (overlapping leave, days out of range, a bad number).

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jiff::civil::Date;
use maud::{Markup, html};
use serde::Deserialize;

use super::forms::urlencode;
use super::pages::layout;
use super::*;
use crate::attendance::{RosterDay, Rules, Sheet};
use crate::domain::{Command, Duty, LeaveEntry, LeaveKind, StaffRef};
use crate::store::StaffMember;

/// How many roster days the page shows and the notice page posts.
pub const ROSTER_DAYS: i64 = 14;

/// What the page shows: the week of `week` (last week when left out).
#[derive(Deserialize, Default)]
pub struct WeekQuery {
    #[serde(default)]
    pub week: String,
    #[serde(default)]
    pub done: Option<String>,
}

/// The leave form: `action` is `add` or `cancel`.
#[derive(Deserialize)]
pub struct LeaveForm {
    pub csrf: String,
    pub action: String,
    #[serde(default)]
    pub member: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub no: String,
    #[serde(default)]
    pub week: String,
}

/// The roster form: days `from..=to` on the weekdays ticked (all when none).
#[derive(Deserialize)]
pub struct RosterForm {
    pub csrf: String,
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub member: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub leader: String,
    /// `1` (Monday) to `7`, from the ticked boxes.
    #[serde(default)]
    pub mon: Option<String>,
    #[serde(default)]
    pub tue: Option<String>,
    #[serde(default)]
    pub wed: Option<String>,
    #[serde(default)]
    pub thu: Option<String>,
    #[serde(default)]
    pub fri: Option<String>,
    #[serde(default)]
    pub sat: Option<String>,
    #[serde(default)]
    pub sun: Option<String>,
    #[serde(default)]
    pub week: String,
}

const MANAGERS: &str =
    "考勤、请假和值班表只有站长可以查看和登记 Attendance, leave and the roster are the manager's";

fn parse_date(text: &str, field: &str) -> Result<Date, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{field}：日期不对 Not a date (2026-12-01)"))
}

impl RosterForm {
    /// The days the form sets.
    fn days(&self) -> Result<Vec<Date>, String> {
        let from = parse_date(&self.from, "从 From")?;
        let to = parse_date(&self.to, "到 To")?;
        let ticked: Vec<i8> = [
            &self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun,
        ]
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_some())
        .map(|(i, _)| i as i8)
        .collect();
        let mut days = Vec::new();
        let mut d = from;
        // Bounded: the station refuses more than a quarter at once.
        while d <= to && days.len() <= crate::domain::ROSTER_MAX_DAYS {
            if ticked.is_empty() || ticked.contains(&d.weekday().to_monday_zero_offset()) {
                days.push(d);
            }
            d = d.tomorrow().map_err(|e| e.to_string())?;
        }
        Ok(days)
    }
}

/// The week a query names, or last week.
fn week_of(q: &str, today: Date) -> Result<Date, String> {
    match q.trim() {
        "" => Ok(today.saturating_sub(jiff::Span::new().days(7))),
        d => parse_date(d, "周 Week"),
    }
}

/// Everything the page shows, read off the loop.
struct Registers {
    sheet: Sheet,
    leave: Vec<(LeaveEntry, bool)>,
    roster: Vec<RosterDay>,
    staff: Vec<StaffMember>,
}

async fn registers(st: &Shared, week: Date) -> Result<Registers, String> {
    let now = st.now().await;
    let today = st.tz.to_datetime(now).date();
    let (hours, settings) = (st.hours.clone(), st.settings.clone());
    let calendar_dir =
        crate::data::calendar_dir(st.db.parent().unwrap_or(std::path::Path::new(".")));
    st.read(move |conn| {
        let (calendar, _) = crate::config::calendar_with_installed(&calendar_dir);
        let rules = Rules {
            calendar: &calendar,
            hours: &hours,
            settings: &settings,
        };
        let path = std::path::PathBuf::from(conn.path().unwrap_or(""));
        let sheet =
            crate::attendance::week(conn, &path, &rules, week, now).map_err(|e| e.to_string())?;
        let leave = store::attendance::leave_register(conn).map_err(|e| e.to_string())?;
        let roster = crate::attendance::roster(conn, &rules, today, ROSTER_DAYS)
            .map_err(|e| e.to_string())?;
        let staff = store::read_staff(conn, &path).map_err(|e| e.to_string())?;
        Ok(Registers {
            sheet,
            leave,
            roster,
            staff,
        })
    })
    .await
}

/// `GET /attendance`.
pub async fn page(st: State<Shared>, headers: HeaderMap, q: Query<WeekQuery>) -> Response {
    answer(st, headers, q, |_, session, r, done| view(session, r, done)).await
}

/// `GET /attendance/sheet`: the week's sheet as the notice board shows it.
pub async fn sheet(st: State<Shared>, headers: HeaderMap, q: Query<WeekQuery>) -> Response {
    answer(st, headers, q, |st, _, r, _| {
        posted(&st.station.name_zh, &r.sheet, &r.roster)
    })
    .await
}

/// A page of the registers of the week asked for, to the manager alone.
async fn answer(
    State(st): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<WeekQuery>,
    draw: impl FnOnce(&ConsoleState, &Session, &Registers, Option<&str>) -> Markup,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = manager_only(&session, MANAGERS) {
        return r;
    }
    let week = match week_of(&q.week, st.today().await) {
        Ok(w) => w,
        Err(e) => return refused(StatusCode::BAD_REQUEST, Some(&session), &e),
    };
    match registers(&st, week).await {
        Ok(r) => super::page(StatusCode::OK, draw(&st, &session, &r, q.done.as_deref())),
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}

/// The member a form names, from the staff list (enabled): its number
/// and name.
fn member(staff: &[StaffMember], number: &str) -> Result<StaffRef, String> {
    let number = number.trim();
    staff
        .iter()
        .find(|s| s.id == number && !s.disabled)
        .map(|s| StaffRef {
            name: s.name.clone(),
            number: s.id.clone(),
        })
        .ok_or_else(|| {
            format!(
                "工作人员名单上没有工号 {number} No staff member {number} on the staff list (kiosk staff add)"
            )
        })
}

/// The staff list, read once for a form.
async fn staff_list(st: &Shared) -> Result<Vec<StaffMember>, String> {
    st.read(move |conn| {
        let path = std::path::PathBuf::from(conn.path().unwrap_or(""));
        store::read_staff(conn, &path).map_err(|e| e.to_string())
    })
    .await
}

fn back(week: &str, done: &str) -> String {
    format!(
        "/attendance?week={}&done={}",
        urlencode(week),
        urlencode(done)
    )
}

/// `POST /attendance/leave`.
pub async fn leave(
    State(st): State<Shared>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<LeaveForm>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = managers_change(&session, &form.csrf, MANAGERS) {
        return r;
    }
    let command = match form.action.as_str() {
        "add" => {
            let parsed = (|| {
                let kind = LeaveKind::parse(&form.kind).ok_or("假别不对 Not a kind of leave")?;
                Ok::<_, String>((
                    kind,
                    parse_date(&form.from, "从 From")?,
                    parse_date(&form.to, "到 To")?,
                ))
            })();
            let (kind, from, to) = match parsed {
                Ok(p) => p,
                Err(e) => return redirect(&back(&form.week, &e)),
            };
            match staff_list(&st)
                .await
                .and_then(|staff| member(&staff, &form.member))
            {
                Ok(m) => Command::RegisterLeave {
                    member: m,
                    leave: kind,
                    from,
                    to,
                    approver: session.staff.clone(),
                    role: session.role,
                },
                Err(e) => return redirect(&back(&form.week, &e)),
            }
        }
        "cancel" => match form.no.trim().parse() {
            Ok(no) => Command::CancelLeave {
                no,
                role: session.role,
            },
            Err(_) => return redirect(&back(&form.week, "编号不对 Not a leave number")),
        },
        _ => {
            return refused(
                StatusCode::BAD_REQUEST,
                Some(&session),
                "未知操作 Unknown action",
            );
        }
    };
    let result = st.command(command, &session.staff).await;
    after(&session, result, |done| back(&form.week, done))
}

/// `POST /roster`.
pub async fn roster(
    State(st): State<Shared>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<RosterForm>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = managers_change(&session, &form.csrf, MANAGERS) {
        return r;
    }
    let days = match form.days() {
        Ok(d) => d,
        Err(e) => return redirect(&back(&form.week, &e)),
    };
    let staff = match staff_list(&st).await {
        Ok(s) => s,
        Err(e) => return redirect(&back(&form.week, &e)),
    };
    let on_duty = match member(&staff, &form.member) {
        Ok(m) => m,
        Err(e) => return redirect(&back(&form.week, &e)),
    };
    let leader = match form.leader.trim() {
        "" => None,
        l => match member(&staff, l) {
            Ok(m) => Some(m),
            Err(e) => return redirect(&back(&form.week, &format!("带班领导 Leader: {e}"))),
        },
    };
    let command = Command::SetDuty {
        days,
        duty: Duty {
            member: on_duty,
            phone: form.phone.clone(),
            leader,
        },
        role: session.role,
    };
    let result = st.command(command, &session.staff).await;
    after(&session, result, |done| back(&form.week, done))
}

fn redirect(to: &str) -> Response {
    axum::response::Redirect::to(to).into_response()
}

/// Struck out, or too old to strike out (the station no longer holds it).
fn can_cancel(e: &LeaveEntry, cancelled: bool, today: Date) -> bool {
    !cancelled
        && e.to >= today.saturating_sub(jiff::Span::new().days(crate::domain::LEAVE_BACK_DAYS))
}

/// The manager's page.
fn view(session: &Session, r: &Registers, done: Option<&str>) -> Markup {
    let week = r.sheet.monday.to_string();
    let prev = r.sheet.monday.saturating_sub(jiff::Span::new().days(7));
    let next = r.sheet.monday.saturating_add(jiff::Span::new().days(7));
    let today = r.roster.first().map_or(r.sheet.until, |d| d.date);
    let people: Vec<&StaffMember> = r
        .staff
        .iter()
        .filter(|s| !s.disabled && s.role != crate::domain::StaffRole::Technician)
        .collect();
    let member_select = |name: &str, blank: bool| {
        html! {
            select name=(name) required[!blank] {
                @if blank { option value="" { "—" } }
                @for s in &people { option value=(s.id) { (s.name) " (" (s.id) ")" } }
            }
        }
    };
    layout(
        Some(session),
        "考勤 Attendance",
        html! {
            @match done {
                Some("ok") => p.msg { "已登记 Recorded" },
                Some(e) => p.err { (e) },
                None => {},
            }
            section #sheet {
                h2 { "考勤表 Week " (r.sheet.monday) " – " (r.sheet.until) }
                p {
                    a href=(format!("/attendance?week={prev}")) { "← 上一周 Previous week" } " · "
                    a href=(format!("/attendance?week={next}")) { "下一周 Next week →" } " · "
                    a #print-sheet href=(format!("/attendance/sheet?week={week}")) { "公示版（打印）Notice-board sheet (print)" }
                }
                (sheet_table(&r.sheet, true))
            }
            section #leave {
                h2 { "请假登记 Leave register" }
                form #leave-form method="post" action="/attendance/leave" {
                    input type="hidden" name="csrf" value=(session.csrf);
                    input type="hidden" name="action" value="add";
                    input type="hidden" name="week" value=(week);
                    label { "工作人员 Member " (member_select("member", false)) }
                    label { " 假别 Kind " select name="kind" {
                        @for k in LeaveKind::ALL { option value=(k.word()) { (k.zh()) " " (k.en()) } }
                    } }
                    label { " 从 From " input type="date" name="from" required; }
                    label { " 到 To " input type="date" name="to" required; }
                    button.big type="submit" { "登记 Enter" }
                }
                table {
                    tr { th { "编号 No." } th { "工作人员 Member" } th { "假别 Kind" } th { "从 From" } th { "到 To" } th { "批准 Approved by" } th {} }
                    @for (e, cancelled) in r.leave.iter().rev().take(60) {
                        tr.struck[*cancelled] {
                            td { (e.no) }
                            td { (e.name) " (" (e.member) ")" }
                            td { (e.leave.zh()) }
                            td { (e.from) }
                            td { (e.to) }
                            td { (e.approver) }
                            td {
                                @if *cancelled { "已撤销 Struck out" }
                                @else if can_cancel(e, *cancelled, today) {
                                    form.inline method="post" action="/attendance/leave" {
                                        input type="hidden" name="csrf" value=(session.csrf);
                                        input type="hidden" name="action" value="cancel";
                                        input type="hidden" name="week" value=(week);
                                        input type="hidden" name="no" value=(e.no);
                                        button type="submit" { "撤销 Strike out" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section #roster {
                h2 { "值班表 Duty roster" }
                (roster_table(&r.roster))
                form #roster-form method="post" action="/roster" {
                    input type="hidden" name="csrf" value=(session.csrf);
                    input type="hidden" name="week" value=(week);
                    label { "从 From " input type="date" name="from" required; }
                    label { " 到 To " input type="date" name="to" required; }
                    " "
                    @for (key, zh) in [("mon", "一"), ("tue", "二"), ("wed", "三"), ("thu", "四"), ("fri", "五"), ("sat", "六"), ("sun", "日")] {
                        label.day { input type="checkbox" name=(key) value="1"; "周" (zh) }
                    }
                    p.hint { "不勾选星期即为每天 No weekday ticked: every day" }
                    label { "值班人员 On duty " (member_select("member", false)) }
                    label { " 值班电话 Phone " input type="tel" name="phone" required maxlength="20"; }
                    label { " 带班领导 Leader " (member_select("leader", true)) }
                    button.big type="submit" { "排班 Set" }
                }
            }
        },
    )
}

/// The week's sheet: each member's days and counts; `private` adds the
/// leave's kind (the manager's page only).
fn sheet_table(sheet: &Sheet, private: bool) -> Markup {
    let dates: Vec<Date> = sheet
        .members
        .first()
        .map(|m| m.days.iter().map(|d| d.date).collect())
        .unwrap_or_default();
    html! {
        table.sheet {
            tr {
                th { "工作人员 Member" }
                @for d in &dates { th { (d.strftime("%m-%d")) br; (weekday_zh(*d)) } }
                th { "出勤" } th { "迟到" } th { "早退" } th { "缺席" } th { "旷工" } th { "请假" } th { "值班" }
            }
            @for m in &sheet.members {
                tr {
                    td { (m.name) " (" (m.member) ")" }
                    @for d in &m.days {
                        td { (if private { d.mark.zh() } else { d.mark.public_zh() }) }
                    }
                    td { (m.totals.present) } td { (m.totals.late) } td { (m.totals.early) }
                    td { (m.totals.absent) } td { (m.totals.unapproved) } td { (m.totals.leave) } td { (m.totals.duty) }
                }
            }
        }
    }
}

fn weekday_zh(d: Date) -> &'static str {
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        [d.weekday().to_monday_zero_offset() as usize]
}

fn roster_table(days: &[RosterDay]) -> Markup {
    html! {
        table.roster {
            tr { th { "日期 Date" } th { "" } th { "值班人员 On duty" } th { "电话 Phone" } th { "带班领导 Leader" } }
            @for d in days {
                tr {
                    td { (d.date) " " (weekday_zh(d.date)) }
                    td { (d.holiday.as_deref().unwrap_or(d.kind.zh())) }
                    @match &d.duty {
                        Some(duty) => {
                            td { (duty.member.name) }
                            td { (duty.phone) }
                            td { (duty.leader.as_ref().map(|l| l.name.as_str()).unwrap_or("—")) }
                        }
                        None => { td.err { "未排班 Nobody" } td {} td {} }
                    }
                }
            }
        }
    }
}

/// The sheet and the roster as posted on the notice board (公示栏):
/// counts and marks, leave without its kind; printed from the browser.
fn posted(station: &str, sheet: &Sheet, roster: &[RosterDay]) -> Markup {
    html! {
        (maud::DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                title { (station) " 考勤公示 " (sheet.monday) }
                link rel="stylesheet" href="/static/console.css";
            }
            body.posted {
                h1 { (station) " 考勤公示" }
                p { (sheet.monday) " 至 " (sheet.until) " · 公示一周（考勤制度）" }
                (sheet_table(sheet, false))
                h2 { "值班表" }
                (roster_table(roster))
                p.noprint { "用浏览器打印（Ctrl+P）后张贴 Print with the browser (Ctrl+P) and post it" }
            }
        }
    }
}
