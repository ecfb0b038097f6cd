//! The staff console's pages, drawn with maud: every value is escaped by
//! the template. Chinese first with English beside it, like the kiosk.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::Value;

use crate::domain::{Paper, PrinterHealth};
use crate::state::{StationState, word};

use super::Session;
use super::forms::LogQuery;
use crate::config::StationInfo;
use crate::domain::{Case, CaseSource, StaffRole, Stage};
use crate::store::LogEntry;

/// The kinds of journal entry the log page filters by.
pub const KINDS: &[&str] = &[
    "day_opened",
    "day_closed",
    "day_anchored",
    "ticket_issued",
    "ticket_called",
    "ticket_recalled",
    "ticket_skipped",
    "ticket_requeued",
    "ticket_transferred",
    "ticket_completed",
    "ticket_printed",
    "ticket_reprinted",
    "print_resent",
    "print_unconfirmed",
    "paper_changed",
    "print_failed",
    "printer_changed",
    "window_opened",
    "window_paused",
    "signed_on",
    "signed_off",
    "call_held",
    "leave_registered",
    "leave_cancelled",
    "duty_set",
    "notice_posted",
    "notice_withdrawn",
    "rating_armed",
    "ticket_rated",
    "ticket_unrated",
    "rating_ignored",
    "evaluator_fault",
    "clock_behind",
    "clock_recovered",
    "clock_corrected",
    "clock_unconfirmed",
    "clock_confirmed",
    "zone_input",
    "alarm_raised",
    "alarm_acknowledged",
    "alarm_reset",
    "zone_fault",
    "case_opened",
    "case_advanced",
    "case_reopened",
    "case_extended",
    "case_printed",
    "case_reprinted",
    "contact_deleted",
    "callback_added",
    "back_entered",
    "staff_signed_in",
    "pin_refused",
    "case_exported",
    "announced",
    "guide_printed",
    "matter_handled",
    "notice_given",
    "matters_installed",
];

pub(super) fn layout(session: Option<&Session>, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · 工作台 Staff console" }
                link rel="stylesheet" href="/static/console.css";
            }
            body {
                @if let Some(s) = session {
                    nav {
                        a href="/" { "今日 Today" }
                        a href="/window" { "窗口 Window" }
                        a href="/log" { "日志 Log" }
                        a href="/cases" { "案件 Cases" }
                        a href="/dockets" { "受理件 Dockets" }
                        a href="/ledger" { "台账 Ledger" }
                        a href="/reports" { "报表 Reports" }
                        a href="/backentry" { "补录 Back-entry" }
                        @if s.role == crate::domain::StaffRole::Manager {
                            a href="/attendance" { "考勤 Attendance" }
                            a href="/board" { "公示栏 Notices" }
                        }
                        span.who { (s.name) " (" (s.staff) ", " (s.role.word()) ")" }
                        form method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(s.csrf);
                            button type="submit" { "退出 Sign out" }
                        }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

pub fn message(session: Option<&Session>, text: &str) -> Markup {
    layout(session, "工作台 Staff console", html! { p.err { (text) } })
}

/// The warning that PINs cross the network in clear, when they do.
fn in_clear(plain_on_network: bool) -> Markup {
    html! {
        @if plain_on_network {
            p.err { strong { "工作台未加密 The console is not encrypted: " } "工号和密码在网络上明文传输 staff numbers and PINs cross the network in clear. 请技术员配置证书 Ask the technician for a certificate (kiosk console cert)." }
        }
    }
}

pub fn login(station: &StationInfo, error: Option<&str>, plain_on_network: bool) -> Markup {
    layout(
        None,
        &format!("{} 工作台 Staff console", station.name_zh),
        html! {
            (in_clear(plain_on_network))
            @if let Some(e) = error { p.err { (e) } }
            form method="post" action="/login" {
                p { label { "工号 Staff number " input name="staff" autocomplete="username" required maxlength="16"; } }
                p { label { "密码 PIN " input name="pin" type="password" inputmode="numeric" autocomplete="current-password" required maxlength="16"; } }
                p { button.big type="submit" { "登录 Sign in" } }
            }
        },
    )
}

/// A journal entry's value as text; a dash for none.
fn text(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// An optional value, or a dash.
fn or_dash<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "—".into(), |v| v.to_string())
}

/// The part of today's page that refreshes itself: the station's state,
/// today's ticket figures, and who works at which window.
pub fn today_live(
    state: &StationState,
    figures: Option<&crate::store::report::TicketLine>,
    on_duty: &BTreeMap<u8, Vec<String>>,
    plain_on_network: bool,
    anchor: Option<&(String, String)>,
) -> Markup {
    let station = &state.station;
    let latched: Vec<&str> = station
        .zones
        .iter()
        .filter(|z| z.state.latched.is_some())
        .map(|z| z.info.name.as_str())
        .collect();
    let printer = match &state.printer.health {
        PrinterHealth::Ready => "ready",
        PrinterHealth::PaperLow => "paper_low",
        PrinterHealth::Fault { .. } => "fault",
    };
    html! {
        (in_clear(plain_on_network))
        @if !latched.is_empty() {
            p.err { strong { "报警未复位 Alarm latched: " (latched.join(", ")) } " — 到现场处理后在触摸屏工作人员模式复位 attend, then reset it in staff mode at the kiosk" }
        }
        @if let Some(doubt) = &station.clock_doubt {
            p.err {
                strong { "系统时间与记录不一致 The clock and the journal disagree: " }
                "系统时钟 clock " (doubt.clock) " · 记录 journal " (doubt.journal)
                ". 时间暂按记录计，号码不会重复；若系统时钟正确，请站长确认 Times are held at the journal's; if the clock is right, the manager confirms it (below, or 系统时间正确 in staff mode)."
            }
        } @else if station.clock_behind {
            p.err { strong { "系统时间落后于记录 The clock is behind the journal." } " 时间暂按最后一条记录计，号码不会重复 Times are held at the last entry; no number is reused. 检查网络校时或实时时钟 Check NTP or the real-time clock." }
        } @else if station.clock_unconfirmed {
            p.err { strong { "系统时间未校准 The clock is not synchronised." } " 请核对下方时间 Check the time below; 断电后无网络时可能不准 after a power cut without network it may be wrong." }
        }
        @if let Some(fault) = &state.store_fault {
            p.err { strong { "数据库无法写入 The database cannot be written: " } (fault) }
        }
        @for problem in &state.board_problems {
            p.err { strong { "设备未就绪 Board degraded: " } (problem) }
        }
        @if !station.unconfirmed_prints.is_empty() {
            p.err {
                strong { "可能未打印 May not have printed (lost in a restart): " }
                @for (i, p) in station.unconfirmed_prints.iter().enumerate() {
                    @if i > 0 { ", " }
                    @match p.paper {
                        Paper::Ticket { ticket } => { (ticket) }
                        Paper::Case { case, document } => { a href=(format!("/cases/{case}")) { (case) } " " (word(&document)) }
                    }
                }
                " — 号码有效；市民需要时补打 the numbers are valid; print one again when a citizen asks."
            }
        }
        p { "时间 Time: " strong { (state.local) } }
        @if let Some((day, anchor)) = anchor {
            p { "日结校验码 Closing anchor " (day) ": " code { (anchor) } }
        }
        @if let Some(f) = figures {
            table {
                tr { th { "取号 Tickets" } th { "接待完毕 Served" } th { "过号 No-show" } th { "等候中 Waiting" } th { "平均等候 Mean wait" } th { "90% 等候 p90 wait" } th { "平均接待 Service" } th { "补录 Back-entered" } }
                tr {
                    td { (f.issued) } td { (f.served) } td { (f.no_show) } td { (f.unserved) }
                    td { (minutes(f.wait_mean)) } td { (minutes(f.wait_p90)) } td { (minutes(f.service_mean)) }
                    td { (f.back_entered) }
                }
            }
        }
        div.cards {
            div.card {
                h3 { "排队 Queues" }
                table {
                    tr { th { "业务 Category" } th { "等候 Waiting" } th { "预计 Wait" } }
                    @for c in &station.categories {
                        tr {
                            td { (c.id) " " (c.zh) }
                            td { (c.waiting) }
                            td { @match c.wait_minutes { None => "—", Some(m) => { (m) " min" } } }
                        }
                    }
                }
            }
            div.card {
                h3 { "窗口 Windows" }
                table {
                    tr { th { "窗口" } th { "在岗 Signed on" } th { "控制台 At the console" } th { "正在办理 Serving" } th { "评价 Ratings 5…1" } }
                    @for w in &station.windows {
                        tr {
                            td { (w.window) }
                            td { (w.member.as_ref().map_or_else(|| "—".into(), |m| m.label())) }
                            td { (on_duty.get(&w.window.get()).map(|v| v.join(", ")).unwrap_or_else(|| "—".into())) }
                            td {
                                @if let Some(a) = &w.away { "暂离 " (a.zh) }
                                @else if w.paused { "暂停 paused" }
                                @else if w.call_held { "等待评价后叫号 call waits for the rating" }
                                @else { (or_dash(w.ticket)) }
                            }
                            td { @for level in (0..5).rev() { (w.ratings[level]) " " } }
                        }
                    }
                }
            }
            div.card {
                h3 { "设备 Devices" }
                p { "打印机 Printer: " (printer) }
                @if let Some(fault) = &state.printer.fault { p.late { (fault) } }
                @for z in &station.zones {
                    p class=(if z.state.latched.is_none() { "" } else { "late" }) {
                        (z.info.name) " (" (word(&z.info.role)) "): "
                        @if z.state.latched.is_none() { "正常 normal" } @else { "报警 ALARM latched" }
                        @if let Some(fault) = &z.state.fault { " · 故障 fault " (word(fault)) }
                    }
                }
                @if let Some(fault) = &state.store_fault { p.late { "数据库 Database: " (fault) } }
            }
        }
        @let reminders: Vec<_> = station.cases.iter().filter(|c| c.reminds()).collect();
        @if !reminders.is_empty() || !station.dockets.is_empty() {
            div #reminders.card.late {
                h3 { "提醒 Reminders" }
                @for c in &reminders {
                    p {
                        a href=(format!("/cases/{}", c.case.no)) { "案件 " (c.case.no) }
                        @if c.overdue.any() { " 已超期 overdue" }
                        @if let Some(d) = c.due_soon { " " (d) " 到期 due" }
                    }
                }
                @for d in &station.dockets {
                    p {
                        a href=(format!("/dockets/{}", d.no)) { (d.kind.zh()) " " (d.no) }
                        " " (d.matter)
                        @if d.overdue { " 已超期 overdue (" (d.promised) ")" } @else { " " (d.promised) " 到期 due" }
                    }
                }
            }
        }
        h3 { "未结案件 Open cases" }
        table {
            tr { th { "案件 Case" } th { "阶段 Stage" } th { "答复期限 Answer by" } th { "超期 Overdue" } }
            @for c in &station.cases {
                tr {
                    td { a href=(format!("/cases/{}", c.case.no)) { (c.case.no) } }
                    td { (word(&c.stage)) }
                    td { (c.case.callback_due.date) }
                    td.late {
                        @if c.overdue.callback { "答复 answer " } @if c.overdue.rectification { "整改 rectification" }
                        @if let Some(d) = c.due_soon { "即将到期 due " (d) }
                    }
                }
            }
        }
    }
}

pub fn today(
    session: &Session,
    state: &StationState,
    figures: Option<&crate::store::report::TicketLine>,
    on_duty: &BTreeMap<u8, Vec<String>>,
    plain_on_network: bool,
    anchor: Option<&(String, String)>,
) -> Markup {
    let doubt = state.station.clock_doubt.is_some();
    layout(
        Some(session),
        "今日 Today",
        html! {
            @if doubt && session.role == StaffRole::Manager {
                form method="post" action="/clock/confirm" {
                    input type="hidden" name="csrf" value=(session.csrf);
                    button.big type="submit" { "系统时间正确 The clock is right (站长 manager)" }
                }
            }
            div #live { (today_live(state, figures, on_duty, plain_on_network, anchor)) }
            script src="/static/today.js" {}
        },
    )
}

pub fn window(
    session: &Session,
    state: &StationState,
    window: Option<crate::domain::WindowNo>,
    done: Option<&str>,
    matters: Option<Markup>,
) -> Markup {
    // People first: a window with nobody signed on cannot call.
    let windows = &state.station.windows;
    let categories = &state.station.categories;
    let current = window.and_then(|w| windows.iter().find(|x| x.window == w));
    html! {
        (layout(Some(session), "窗口工作台 Window console", html! {
            @match done {
                Some("ok") => p.msg { "已完成 Done" },
                Some(e) => p.err { (e) },
                None => {},
            }
            form method="get" action="/window" {
                label { "窗口 Window " select name="w" {
                    @for w in windows {
                        option value=(w.window) selected[window == Some(w.window)] { (w.window) }
                    }
                } }
                button type="submit" { "选择 Choose" }
            }
            @if let (Some(w), Some(cur)) = (window, current) {
                h2 { (w.get()) " 号窗口 Window " (w.get()) ": "
                    @if cur.paused { "暂停 paused" } @else { (or_dash(cur.ticket)) } }
                @if cur.call_held {
                    p.msg #call-held { "正在等待上一位群众评价，评价后或评价时间到即叫下一号 · Waiting for the last citizen's rating: the next ticket is called when they rate or the time runs out" }
                }
                (super::people::panel(session, cur, windows))
                form method="post" action="/window" {
                    input type="hidden" name="csrf" value=(session.csrf);
                    input type="hidden" name="w" value=(w.get());
                    button.big name="action" value="call" { "叫号 Call next" }
                    button.big name="action" value="recall" { "重呼 Recall" }
                    button.big name="action" value="complete" { "完成 Complete" }
                    button.big name="action" value="skip" { "过号 Skip" }
                    @if cur.paused {
                        button.big name="action" value="open" { "开始 Open" }
                    } @else {
                        button.big name="action" value="pause" { "暂停 Pause" }
                    }
                    br;
                    label { "转到 Transfer to " select name="to" {
                        option value="" { "—" }
                        @for c in categories {
                            option value=(c.id) { (c.id) " " (c.zh) }
                        }
                    } }
                    button.big name="action" value="transfer" { "转办 Transfer" }
                }
                @if let Some(m) = matters { (m) }
                (voice_panel(session, state, w))
            }
        }))
    }
}

/// What the lobby speaker says and will say, with repeat and stop.
fn voice_panel(session: &Session, state: &StationState, w: crate::domain::WindowNo) -> Markup {
    let what = crate::voice::Entry::describe;
    let stop = |id: Option<u64>, label: &str| {
        html! {
            form.inline method="post" action="/voice" {
                input type="hidden" name="csrf" value=(session.csrf);
                input type="hidden" name="w" value=(w.get());
                input type="hidden" name="action" value="stop";
                input type="hidden" name="id" value=(id.map(|i| i.to_string()).unwrap_or_default());
                button type="submit" { (label) }
            }
        }
    };
    html! {
        h3 { "广播 Announcements" }
        @match &state.voice {
            None => p { "本站没有喇叭，叫号只显示在屏幕上 · No speaker: calls are shown, not said" },
            Some(v) => {
                @for problem in &v.problems { p.err { (problem) } }
                ul #voice-queue {
                    @if let Some(p) = &v.playing {
                        li { "正在播放 Now: " (what(p)) " " (stop(None, "停止 Stop")) }
                    }
                    @for e in &v.queue {
                        li { "等待 Waiting: " (what(e)) " " (stop(Some(e.id), "取消 Cancel")) }
                    }
                    @if v.playing.is_none() && v.queue.is_empty() { li { "无 Nothing to say" } }
                }
                form method="post" action="/voice" {
                    input type="hidden" name="csrf" value=(session.csrf);
                    input type="hidden" name="w" value=(w.get());
                    button.big name="action" value="repeat" { "重播本窗口叫号 Repeat this window's call" }
                }
                @if let Some(last) = v.played.iter().rev().find(|p| p.entry.window == Some(w)) {
                    p { "上次 Last: " (what(&last.entry)) " — " (format!("{:?}", last.outcome).to_lowercase()) }
                }
            }
        }
    }
}

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "—".into(), |s| format!("{s:.1} %"))
}

/// Services and their ratings by member or window: offered for rating,
/// rated, closed without a rating offered, and the two rates.
fn service_table(
    key: &str,
    lines: &[crate::store::report::ServiceLine],
    names: &BTreeMap<String, String>,
) -> Markup {
    html! {
        table.services {
            tr {
                th { (key) } th { "办结 Served" } th { "请评价 Offered" } th { "未请评价 Not offered" }
                th { "已评价 Rated" } th { "评价率 Rated share" }
                th { "5" } th { "4" } th { "3" } th { "2" } th { "1" }
                th { "满意率 (5+4)" } th { "好评率 (5+4+3)" }
            }
            @for l in lines {
                tr {
                    td { @match names.get(&l.key) { Some(n) => { (n) " (" (l.key) ")" }, None => (l.key) } }
                    td { (l.served) } td { (l.offered) }
                    td { (l.not_offered) } td { (l.ratings.total) } td { (percent(l.rated_share)) }
                    @for level in (0..5).rev() { td { (l.ratings.levels[level]) } }
                    td { (percent(l.ratings.satisfaction)) } td { (percent(l.ratings.good_rate)) }
                }
            }
        }
    }
}

fn local(at: &str, tz: &TimeZone) -> String {
    at.parse::<jiff::Timestamp>()
        .map(|t| tz.to_datetime(t).strftime("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|_| at.to_string())
}

fn who(actor: &Value) -> String {
    match actor["by"].as_str() {
        Some("staff") => format!("staff {}", text(&actor["id"])),
        Some("keypad") => format!("keypad {}", text(&actor["window"])),
        Some("evaluator") => format!("evaluator {}", text(&actor["window"])),
        Some(other) => other.to_string(),
        None => actor.to_string(),
    }
}

pub fn log(
    session: &Session,
    q: &LogQuery,
    entries: &[LogEntry],
    error: Option<&str>,
    tz: &TimeZone,
) -> Markup {
    let older = entries.last().map(|e| e.seq);
    let with_before = |before: i64| {
        let pairs = [
            ("from", &q.from),
            ("to", &q.to),
            ("kind", &q.kind),
            ("window", &q.window),
            ("ticket", &q.ticket),
            ("case", &q.case),
            ("staff", &q.staff),
        ];
        let mut url = String::from("/log?");
        for (k, v) in pairs {
            url.push_str(&format!("{k}={}&", super::urlencode(v)));
        }
        url.push_str(&format!("before={before}"));
        url
    };
    layout(
        Some(session),
        "日志 Log",
        html! {
            form method="get" action="/log" {
                label { "从 From " input type="date" name="from" value=(q.from); }
                label { "到 To " input type="date" name="to" value=(q.to); }
                label { "类别 Kind " select name="kind" {
                    option value="" { "全部 all" }
                    @for k in KINDS { option value=(k) selected[q.kind == *k] { (k) } }
                } }
                label { "窗口 Window " input name="window" size="3" value=(q.window); }
                label { "票号 Ticket " input name="ticket" size="6" value=(q.ticket); }
                label { "案件 Case " input name="case" size="10" value=(q.case); }
                label { "工号 Staff " input name="staff" size="6" value=(q.staff); }
                button type="submit" { "筛选 Filter" }
            }
            @if let Some(e) = error { p.err { (e) } }
            table {
                tr { th { "#" } th { "时间 Time" } th { "类别 Kind" } th { "经办 By" } th { "票号" } th { "窗口" } th { "详情 Details" } }
                @for e in entries {
                    tr {
                        td { a href=(format!("/log/{}", e.seq)) { (e.seq) } }
                        td { (local(&e.at, tz)) }
                        td { (kind_cell(&e.kind)) }
                        td { (who(&e.actor)) }
                        td { (e.ticket.clone().unwrap_or_default()) }
                        td { (e.window.map(|w| w.to_string()).unwrap_or_default()) }
                        td { (e.body.to_string()) }
                    }
                }
            }
            @if entries.is_empty() && error.is_none() { p { "没有记录 Nothing matches" } }
            p { a href="/log/verify" { "校验哈希链 Check the journal's hash chain" } }
            @if let (Some(o), true) = (older, entries.len() as u32 >= super::forms::PAGE) {
                p { a href=(with_before(o)) { "更早 Older →" } }
            }
        },
    )
}

/// A journal entry's kind; a back-entry carries the 补录 mark.
fn kind_cell(kind: &str) -> Markup {
    html! {
        @if kind == "back_entered" { span.badge { "补录" } }
        (kind)
    }
}

/// The hash chain's state, as `kiosk verify-log` reports it.
pub fn chain(
    session: &Session,
    verdict: &crate::store::chain::Verdict,
    tables: Option<&crate::store::audit::Mismatch>,
    anchor: Option<&crate::store::audit::Anchor>,
) -> Markup {
    layout(
        Some(session),
        "日志校验 Journal check",
        html! {
            @match &verdict.first_break {
                None => p.msg { span.ok { "完整 Intact" } ": " (verdict.entries) " 条记录，哈希链无断点 entries, the hash chain unbroken." },
                Some(b) => p.err {
                    "哈希链断开 The chain breaks at " (b.to_string())
                    ". 请联系技术员，保留数据库文件。 Call the technician and keep the database file as it is."
                },
            }
            @match tables {
                None => p.msg { span.ok { "一致 Agree" } ": 报表所用的表与日志一致 the tables the reports read agree with the journal." },
                Some(m) => p.err { "报表所用的表被改动 A table the reports read was changed: " (m.to_string()) },
            }
            table {
                tr { th { "记录数 Entries" } td { (verdict.entries) } }
                tr { th { "链头 Head" } td { code { (verdict.head) } } }
                @if let Some(a) = anchor { tr { th { "校验码 Anchor" } td { code { (a.to_string()) } } } }
            }
            p.muted { "将校验码抄在别处（或保存每日日结单），之后用 kiosk verify-log --anchor 核对日志未被删改。 Keep the anchor elsewhere (or keep the daily closing slips) to check later with kiosk verify-log --anchor that nothing was removed or replaced." }
            p { a href="/log" { "← 日志 Log" } }
        },
    )
}

/// The back-entry form and the latest back-entries.
pub fn back_entry(
    session: &Session,
    state: &StationState,
    today: &str,
    entries: &[LogEntry],
    done: Option<&str>,
    tz: &TimeZone,
) -> Markup {
    let windows = &state.station.windows;
    let categories = &state.station.categories;
    let local_of = |v: &Value| v.as_str().map(|t| local(t, tz)).unwrap_or_default();
    layout(
        Some(session),
        "补录 Back-entry",
        html! {
            p { "停电或故障时人工登记的事项，恢复后在此录入真实时间；记录标记为补录，计入报表。 Matters registered by hand during an outage: enter them with their real times. They are marked as back-entered everywhere and count in the reports." }
            @match done {
                Some("ok") => p.msg { "已录入 Entered" },
                Some(e) => p.err { (e) },
                None => {},
            }
            form method="post" action="/backentry" {
                input type="hidden" name="csrf" value=(session.csrf);
                p {
                    label { "业务 Category " select name="category" {
                        @for c in categories { option value=(c.id) { (c.id) " " (c.zh) } }
                    } }
                    label { "窗口 Window " select name="window" {
                        @for w in windows { option value=(w.window) { (w.window) } }
                    } }
                }
                p {
                    label { "日期 Day " input type="date" name="day" value=(today) required; }
                    label { "开始 Started " input type="time" name="start" required; }
                    label { "结束 Finished " input type="time" name="end" required; }
                }
                p {
                    label { "登记簿编号 Register no. " input name="register_no" size="10" maxlength="16"; }
                    label { "事项 Matter " input name="note" size="40" maxlength="300" placeholder="如：社保认证 e.g. pension check"; }
                }
                p { button.big type="submit" { "录入 Enter" } }
            }
            h2 { "最近补录 Latest back-entries" }
            table {
                tr { th { "#" } th { "办理时间 Handled" } th { "业务" } th { "窗口" } th { "编号 No." } th { "事项 Matter" } th { "录入 Entered by, at" } }
                @for e in entries {
                    tr {
                        td { a href=(format!("/log/{}", e.seq)) { (e.seq) } }
                        td { span.badge { "补录" } (local_of(&e.body["started"])) " – " (local_of(&e.body["finished"])) }
                        td { (text(&e.body["category"])) }
                        td { (e.window.map(|w| w.to_string()).unwrap_or_default()) }
                        td { (text(&e.body["register_no"])) }
                        td { (text(&e.body["note"])) }
                        td { (who(&e.actor)) ", " (local(&e.at, tz)) }
                    }
                }
            }
            @if entries.is_empty() { p { "还没有补录 None yet" } }
        },
    )
}

pub fn log_entry(session: &Session, e: &LogEntry, tz: &TimeZone) -> Markup {
    layout(
        Some(session),
        &format!("记录 Entry #{}", e.seq),
        html! {
            table {
                tr { th { "时间 Time" } td { (local(&e.at, tz)) " (" (e.at) ")" } }
                tr { th { "营业日 Day" } td { (e.day) } }
                tr { th { "类别 Kind" } td { (kind_cell(&e.kind)) } }
                tr { th { "经办 By" } td { (who(&e.actor)) } }
                tr { th { "内容 Entry" } td { pre { (serde_json::to_string_pretty(&e.body).unwrap_or_default()) } } }
            }
            p { a href="/log" { "← 日志 Log" } }
        },
    )
}

fn overdue_text(case: &Case, today: Date) -> &'static str {
    let o = case.overdue(today);
    match (o.callback, o.rectification) {
        (true, true) => "答复、整改超期 answer and rectification overdue",
        (true, false) => "答复超期 answer overdue",
        (false, true) => "整改超期 rectification overdue",
        _ => "",
    }
}

fn source(case: &Case) -> String {
    match &case.source {
        CaseSource::Rating { level } => format!("差评 rating {level}"),
        CaseSource::Complaint { topic, channel, .. }
            if *channel != crate::domain::Channel::Kiosk =>
        {
            format!("投诉 {} · {}", topic.zh(), channel.zh())
        }
        CaseSource::Complaint { topic, .. } => format!("投诉 {}", topic.zh()),
    }
}

pub fn cases(session: &Session, cases: &[Case], today: Date) -> Markup {
    layout(
        Some(session),
        "案件 Cases",
        html! {
            p { a #new-complaint href="/complaints/new" { "登记来访、来电、来信、意见箱、12345 投诉 Enter a complaint that came another way" } }
            table {
                tr { th { "案件 Case" } th { "来源 Source" } th { "窗口" } th { "阶段 Stage" } th { "答复期限" } th { "整改期限" } th { "超期 Overdue" } }
                @for c in cases {
                    tr {
                        td { a href=(format!("/cases/{}", c.no)) { (c.no) } }
                        td { (source(c)) }
                        td { (c.window.map(|w| w.to_string()).unwrap_or_default()) }
                        td { (c.stage().to_string()) }
                        td { (c.callback_due.date) }
                        td { (c.rectify_due.date) }
                        td.late { (overdue_text(c, today)) }
                    }
                }
            }
            @if cases.is_empty() { p { "没有案件 No cases" } }
        },
    )
}

pub fn case(session: &Session, c: &Case, today: Date, done: Option<&str>, tz: &TimeZone) -> Markup {
    let next = c.stage().next();
    // Nobody handles a case about themselves; the supervisor (纪检) decides
    // a case about the manager (ADR 0029). The station refuses otherwise;
    // the page only leaves out what would be refused.
    let own = c.staff.as_ref().is_some_and(|s| s.number == session.staff);
    let supervisors = c.about_manager;
    let handles = !own && (!supervisors || session.role == StaffRole::Supervisor);
    let manager = handles && session.role == c.deciding_role();
    let form = |action: &str, inner: Markup| {
        html! {
            form method="post" action=(format!("/cases/{}/{action}", c.no)) {
                input type="hidden" name="csrf" value=(session.csrf);
                (inner)
            }
        }
    };
    layout(
        Some(session),
        &format!("案件 Case {}", c.no),
        html! {
            @match done {
                Some("ok") => p.msg { "已完成 Done" },
                Some(e) => p.err { (e) },
                None => {},
            }
            @if own {
                p.err #own-case { "本案涉及您本人，由站长或纪检办理 · This case is about you: the manager or the supervisor handles it" }
            } @else if supervisors {
                p.err #supervisors-case { "本案涉及站长，由纪检办理 · This case is about the station manager: the supervisor (纪检) handles it" }
            }
            table {
                tr { th { "来源 Source" } td { (source(c)) } }
                tr { th { "涉及人员 Staff" } td { (c.staff.as_ref().map(|s| format!("{} ({})", s.name, s.number)).unwrap_or_else(|| "—".into())) } }
                tr { th { "窗口 Window" } td { (c.window.map(|w| w.to_string()).unwrap_or_else(|| "—".into())) } }
                @if let CaseSource::Complaint { text, callback, channel, .. } = &c.source {
                    tr { th { "渠道 Channel" } td { (channel.zh()) " " (channel.en()) } }
                    tr { th { "内容 Text" } td { (text) } }
                    tr { th { "回电 Callback" } td { @if *callback { "留有号码（仅站长导出可见）number kept, manager's export only" } @else { "匿名 anonymous" } } }
                }
                tr { th { "答复期限 Answer by" } td { (c.callback_due.date) } }
                tr { th { "整改期限 Rectify by" } td { (c.rectify_due.date) } }
                tr { th { "超期 Overdue" } td.late { (overdue_text(c, today)) } }
            }
            h2 { "办理过程 Stages" }
            table {
                tr { th { "阶段" } th { "时间" } th { "经办" } th { "情况" } }
                @for e in &c.history {
                    tr {
                        td { (e.stage.to_string()) @if e.reopened { " · 重新核实 reopened" } @if let Some(a) = e.answer { " · " (a.zh()) } }
                        td { (tz.to_datetime(e.at).strftime("%Y-%m-%d %H:%M").to_string()) }
                        td { (e.by.to_string()) }
                        td { (e.note) }
                    }
                }
            }
            @if let (Some(stage), true) = (next, handles) {
                h3 { "下一阶段 Next: " (stage.to_string()) }
                (form("advance", html! {
                    input type="hidden" name="stage" value=(stage.word());
                    textarea name="note" rows="2" cols="60" maxlength="500" placeholder="情况 What was done" {}
                    @if stage == Stage::Answered {
                        select name="answer" { option value="" { "答复方式 Answer" } option value="oral" { "口头 oral" } option value="written" { "书面 written" } }
                    }
                    button.big type="submit" { "提交 Save" }
                }))
            }
            @if c.stage() >= Stage::Answered && handles {
                h3 { "群众不认可：重新核实 Reopen" }
                (form("reopen", html! {
                    textarea name="note" rows="2" cols="60" maxlength="500" {}
                    button.big type="submit" { "重新核实 Reopen" }
                }))
            }
            @if handles && c.is_open() {
                h3 { "回访电话 Callback number" }
                (form("callback", html! {
                    label { "联系到群众后登记（手机或带区号的固定电话）Once the citizen is reached (mobile or landline with area code) "
                        input type="tel" name="phone" maxlength="20" autocomplete="off" required; }
                    button.big type="submit" { "登记 Keep" }
                }))
            }
            @if manager && c.is_open() {
                h3 { "延期 Extend (" (if supervisors { "纪检 supervisor" } else { "站长 manager" }) ")" }
                (form("extend", html! {
                    label { "工作日 Working days " input name="days" size="3" value="5"; }
                    textarea name="note" rows="2" cols="60" maxlength="500" placeholder="理由 Reason" {}
                    button.big type="submit" { "延期并打印告知书 Extend and print the notice" }
                }))
            }
            @if matches!(c.source, CaseSource::Complaint { .. }) || !c.extensions.is_empty() {
                h3 { "补打 Print again (marked 补打)" }
                @if matches!(c.source, CaseSource::Complaint { .. }) {
                    (form("reprint", html! {
                        input type="hidden" name="document" value="receipt";
                        button.big type="submit" { "补打回执 The receipt" }
                    }))
                }
                @if !c.extensions.is_empty() {
                    (form("reprint", html! {
                        input type="hidden" name="document" value="extension_notice";
                        button.big type="submit" { "补打延期告知书 The extension notice" }
                    }))
                }
            }
            @if manager {
                p { a href=(format!("/cases/{}/export", c.no)) { "导出案卷 Export the case file" } }
            }
        },
    )
}

fn minutes(seconds: Option<u32>) -> String {
    seconds.map_or_else(|| "—".into(), |s| format!("{}:{:02}", s / 60, s % 60))
}

pub fn reports(
    session: &Session,
    day: &str,
    month: &str,
    report: Option<(&crate::store::report::Report, &BTreeMap<String, String>)>,
    svg: &str,
    error: Option<&str>,
) -> Markup {
    let tickets = |l: &crate::store::report::TicketLine| {
        html! {
            tr {
                td { (l.key) } td { (l.issued) } td { (l.served) } td { (l.no_show) } td { (l.unserved) }
                td { (minutes(l.wait_mean)) } td { (minutes(l.wait_p90)) } td { (minutes(l.service_mean)) }
                td { @if l.back_entered > 0 { span.badge { (l.back_entered) } } @else { "0" } }
            }
        }
    };
    let head = html! { tr { th { "" } th { "取号 Tickets" } th { "接待完毕 Served" } th { "过号 No-show" } th { "未接待 Unserved" } th { "平均等候 Wait" } th { "90% 等候 p90" } th { "平均接待 Service" } th { "其中补录 Back-entered" } } };
    let matter_head = html! { tr { th { "" } th { "办件 Matters" }
    @for word in crate::domain::Outcome::WORDS { th { (crate::domain::Outcome::zh_of(word)) " " (word) } } } };
    let matters = |l: &crate::store::report::MatterLine| {
        html! {
            tr {
                td { (l.key) @if !l.name.is_empty() { " " (l.name) } } td { (l.handled) }
                @for n in l.outcomes { td { (n) } }
            }
        }
    };
    layout(
        Some(session),
        "报表 Reports",
        html! {
            form method="get" action="/reports" {
                label { "日 Day " input type="date" name="day" value=(day); }
                " 或 or "
                label { "月 Month " input type="month" name="month" value=(month); }
                button type="submit" { "查看 Show" }
            }
            p { a href="/reports/monthly" { "每月办件情况（受理件、按时办结、代办、结果评价）Monthly matters →" } }
            @if let Some(e) = error { p.err { (e) } }
            @if let Some((r, names)) = report {
                h2 { (r.from) " — " (r.to) }
                @if session.role == StaffRole::Manager {
                    p {
                        a href=(format!("/reports/export?from={}&to={}&format=csv", r.from, r.to)) { "导出 CSV" }
                        " · "
                        a href=(format!("/reports/export?from={}&to={}&format=json", r.from, r.to)) { "导出 JSON" }
                    }
                }
                h3 { "每日取号（浅）与接待完毕（深） Tickets (light) and served (dark) per day" }
                div.chart { (PreEscaped(svg)) }
                table { tr { th { "日 Day" } th { "取号 Tickets" } th { "接待完毕 Served" } }
                    @for (d, i, s) in &r.daily { tr { td { (d) } td { (i) } td { (s) } } } }
                h3 { "办件 Matters" }
                p id="matter-summary" {
                    "办件 " (r.matters.total.handled) " 件；补正告知 notices " (r.matters.notices)
                    "；需再次来办 second trips " (r.matters.second_trips) " / " (r.matters.visits) " 次接待 visits"
                    " (" (r.matters.second_trip_share.map_or_else(|| "—".into(), |s| format!("{s:.1} %"))) ")"
                    "；办事指南打印告知单 guide notices printed " (r.matters.guides_printed)
                    "；按事项取号 tickets for a matter " (r.matters.tickets_for_matters)
                }
                table id="matters-by-matter" { (matter_head) (matters(&r.matters.total)) @for l in &r.matters.by_matter { (matters(l)) } }
                h4 { "按窗口 By window" }
                table { (matter_head) @for l in &r.matters.by_window { (matters(l)) } }
                p.muted { (r.matter_coding) }
                h3 { "接待与取号 Visits (tickets)" }
                table { (head) (tickets(&r.total)) }
                h3 { "按业务 By category" }
                table { (head) @for l in &r.by_category { (tickets(l)) } }
                h3 { "按窗口 By window" }
                table { (head) @for l in &r.by_window { (tickets(l)) } }
                h3 { "评价 Ratings" }
                table {
                    tr { th { "窗口" } th { "5 非常满意" } th { "4 满意" } th { "3 基本满意" } th { "2 不满意" } th { "1 非常不满意" } th { "满意率 Satisfaction (5+4)" } th { "好评率 Good rate (5+4+3)" } }
                    @for l in std::iter::once(&r.ratings).chain(&r.ratings_by_window) {
                        tr {
                            td { (l.key) }
                            @for level in (0..5).rev() { td { (l.levels[level]) } }
                            td { (percent(l.satisfaction)) }
                            td { (percent(l.good_rate)) }
                        }
                    }
                }
                h3 { "按工作人员 By member (who was signed on)" }
                (service_table("工号 Member", &r.services_by_member, names))
                h4 { "按窗口 By window" }
                (service_table("窗口 Window", &r.services_by_window, &BTreeMap::new()))
                h3 { "案件 Cases" }
                p { "受理 opened " (r.cases.opened) "（差评 " (r.cases.from_ratings) "，投诉 " (r.cases.from_complaints) "）；存档 filed " (r.cases.closed) "，按期 on time " (r.cases.closed_on_time) "；超期未结 open and overdue " (r.cases.overdue) }
                p.muted { "补录：停电时人工登记、事后录入的事项，计入取号与接待完毕，无等候时间。 Back-entered: matters registered by hand during an outage and entered afterwards; counted as tickets and served, with no waiting time." }
                p.muted { (r.rating_coding) }
            }
        },
    )
}
