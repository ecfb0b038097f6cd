//! The dashboard's pages: Chinese first, English beside it, tables a
//! supervisor scans, alarms at the top in red.

use std::collections::BTreeMap;

use maud::{DOCTYPE, Markup, html};

use super::Session;
use super::queries::{EntryRow, Figures, PriorityRow, ReportRow, StationRow};
use crate::users::Role;

fn page(title: &str, who: Option<&Session>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · 区便民服务站 District stations" }
                link rel="stylesheet" href="/static/dashboard.css";
            }
            body {
                header {
                    a.brand href="/" { "区便民服务站 " small { "District stations" } }
                    @if let Some(who) = who {
                        nav {
                            a href="/" { "总览 " small { "Overview" } }
                            a href="/month" { "月报 " small { "Month" } }
                            a href="/reports" { "链路报告 " small { "Chain reports" } }
                        }
                        form.who method="post" action="/logout" {
                            span #who { (who.name) " · " (role_name(who.role)) }
                            button type="submit" { "退出 Sign out" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Viewer => "查看员 viewer",
        Role::Supervisor => "督导员 supervisor",
    }
}

pub fn problem(message: &str) -> Markup {
    page(
        "问题 Problem",
        None,
        html! { p.problem { (message) } p { a href="/" { "返回 Back" } } },
    )
}

pub fn login(error: Option<&str>) -> Markup {
    page(
        "登录 Sign in",
        None,
        html! {
            form.login method="post" action="/login" {
                h1 { "登录 " small { "Sign in" } }
                @if let Some(e) = error { p.problem #login-error { (e) } }
                label { "用户名 Name" input #name name="name" autocomplete="username" required; }
                label { "密码 Password" input #password name="password" type="password" autocomplete="current-password" required; }
                button #sign-in type="submit" { "登录 Sign in" }
            }
        },
    )
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or("—".into(), |r| format!("{:.1}%", r * 100.0))
}

fn one(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{v:.1}"))
}

fn link_word(link: &str) -> Markup {
    match link {
        "online" => html! { span.ok { "在线 online" } },
        "offline" => html! { span.bad { "离线 offline" } },
        _ => html! { span.muted { "未知 unknown" } },
    }
}

fn chain_word(s: &StationRow) -> Markup {
    let text = match s.chain.as_str() {
        "ok" => "完整 intact",
        "gap" => "缺号补传中 gap, resending",
        "edited" => "已被改动 edited",
        "rewritten" => "与区存不符 diverged",
        "new_journal" => "换了数据库 new journal",
        "broken" => "断链 broken",
        other => other,
    };
    let class = if s.chain == "ok" { "ok" } else { "bad" };
    html! {
        span class=(class) title=[s.chain_note.as_deref()] { (text) }
        @if s.open_reports > 0 { " " a.bad href="/reports" { "(" (s.open_reports) " 待复核)" } }
    }
}

fn kind_word(kind: &str) -> &str {
    match kind {
        "alarm_raised" => "报警 alarm",
        "alarm_acknowledged" => "报警已确认 acknowledged",
        "alarm_reset" => "报警已复位 reset",
        "ticket_rated" => "差评 bad rating",
        other => other,
    }
}

fn age(seconds: Option<f64>) -> String {
    match seconds {
        None => "—".into(),
        Some(s) if s < 120.0 => format!("{s:.0} s"),
        Some(s) if s < 7200.0 => format!("{:.0} min", s / 60.0),
        Some(s) => format!("{:.1} h", s / 3600.0),
    }
}

pub fn overview(
    who: &Session,
    today: &str,
    stations: &[StationRow],
    figures: &BTreeMap<String, Figures>,
    priority: &[PriorityRow],
) -> Markup {
    let alarmed: Vec<&StationRow> = stations.iter().filter(|s| !s.alarms.is_empty()).collect();
    let online = stations.iter().filter(|s| s.link == "online").count();
    page(
        "总览 Overview",
        Some(who),
        html! {
            section #alarms .alarms[!alarmed.is_empty()] {
                @for s in &alarmed {
                    p.alarm { "报警 ALARM · " a href={"/stations/" (s.id)} { (s.id) } " · " (s.alarms.join("、")) }
                }
            }
            h1 { "今日 " (today) " " small { (online) " / " (stations.len()) " 在线 online" } }
            table #stations {
                thead { tr {
                    th { "服务站 Station" } th { "连接 Link" } th.n { "取号 Tickets" } th.n { "等候 Waiting" }
                    th.n { "平均等候 Wait (min)" } th.n { "评价 Rating" } th.n { "满意率 Good" }
                    th.n { "案件 Cases (overdue)" } th { "打印机 Printer" } th { "设备 Devices" }
                    th.n { "未上报 Lag" } th { "链 Chain" }
                } }
                tbody {
                    @for s in stations {
                        @let f = figures.get(&s.id).cloned().unwrap_or_default();
                        @let sum = s.summary.clone().unwrap_or_default();
                        tr data-station=(s.id) class=[(!s.alarms.is_empty()).then_some("alarmed")] {
                            td { a href={"/stations/" (s.id)} { (s.id) } }
                            td { (link_word(&s.link)) }
                            td.n { (f.tickets) }
                            td.n { (sum.waiting) }
                            td.n { (one(f.wait)) }
                            td.n { (one(f.rating)) }
                            td.n { (percent(f.good_rate())) }
                            td.n class=[(sum.overdue_cases > 0).then_some("bad")] { (sum.open_cases) " (" (sum.overdue_cases) ")" }
                            td class=[(sum.printer != "ready" && !sum.printer.is_empty()).then_some("bad")] {
                                (if sum.printer.is_empty() { "—" } else { sum.printer.as_str() })
                                @if let Some(fault) = &sum.printer_fault { br; small { (fault) } }
                            }
                            td class=[(!sum.problems.is_empty()).then_some("bad")] {
                                @if sum.problems.is_empty() { "正常 ok" } @else { @for p in &sum.problems { small { (p) } br; } }
                            }
                            td.n { (s.lag()) " · " (age(s.batch_age)) }
                            td { (chain_word(s)) }
                        }
                    }
                }
            }
            h2 { "最新报警与差评 " small { "Latest alarms and bad ratings" } }
            table #priority {
                thead { tr { th { "时间 At" } th { "服务站 Station" } th { "事件 Event" } th { "详情 Detail" } } }
                tbody {
                    @for p in priority {
                        tr {
                            td { (p.at) }
                            td { (p.station) }
                            td { (kind_word(&p.kind)) }
                            td { (detail(&p.body)) }
                        }
                    }
                }
            }
            script { (maud::PreEscaped(LIVE)) }
        },
    )
}

/// The overview's alarm band and links: a long poll that the server
/// answers the moment an alarm or a bad rating is stored (else within 5 s).
const LIVE: &str = r#"
(function () {
  var news = null;
  function again() { setTimeout(tick, 2000); }
  function tick() {
    var url = '/api/overview' + (news === null ? '' : '?wait=' + news);
    fetch(url, {credentials: 'same-origin'}).then(function (r) {
      if (!r.ok) return null; return r.json();
    }).then(function (o) {
      if (!o) { again(); return; }
      news = o.news;
      var box = document.getElementById('alarms');
      box.textContent = '';
      o.stations.forEach(function (s) {
        var row = document.querySelector('tr[data-station="' + s.id + '"]');
        if (row) row.classList.toggle('alarmed', s.alarms.length > 0);
        if (s.alarms.length === 0) return;
        var p = document.createElement('p'); p.className = 'alarm';
        var a = document.createElement('a'); a.href = '/stations/' + encodeURIComponent(s.id); a.textContent = s.id;
        p.append('报警 ALARM · ', a, ' · ' + s.alarms.join('、'));
        box.appendChild(p);
      });
      box.classList.toggle('alarms', box.childElementCount > 0);
      tick();
    }).catch(again);
  }
  tick();
})();
"#;

/// A body in a line: its fields but the kind.
fn detail(body: &serde_json::Value) -> String {
    match body.as_object() {
        Some(map) => map
            .iter()
            .filter(|(k, _)| *k != "kind")
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join(" · "),
        None => body.to_string(),
    }
}

pub fn station_day(
    who: &Session,
    s: &StationRow,
    day: &str,
    f: &Figures,
    entries: &[EntryRow],
    reports: &[ReportRow],
) -> Markup {
    let sum = s.summary.clone().unwrap_or_default();
    page(
        &s.id,
        Some(who),
        html! {
            h1 { (s.id) " · " (day) " " (link_word(&s.link)) }
            form.day method="get" {
                label { "日期 Day " input type="date" name="day" value=(day); }
                button type="submit" { "查看 Show" }
            }
            @if !s.alarms.is_empty() { p.alarm { "报警 ALARM · " (s.alarms.join("、")) } }
            dl.figures {
                dt { "取号 Tickets" } dd #tickets { (f.tickets) }
                dt { "办结 Served" } dd { (f.served) }
                dt { "平均等候 Wait" } dd { (one(f.wait)) " min" }
                dt { "评价 Ratings" } dd { (f.rated) " · " (one(f.rating)) }
                dt { "满意率 Good" } dd { (percent(f.good_rate())) }
                dt { "差评 Bad" } dd { (f.bad) }
                dt { "投诉 Complaints" } dd { (f.complaints) }
                dt { "报警 Alarms" } dd { (f.alarms) }
                dt { "案件 Open cases" } dd { (sum.open_cases) " (" (sum.overdue_cases) " 超期 overdue)" }
                dt { "打印机 Printer" } dd { (sum.printer) }
                dt { "状态时间 Status at" } dd { (s.status_at.clone().unwrap_or_else(|| "—".into())) }
                dt { "区存至 Held to" } dd #held { (s.last_seq) " / " (s.head_seq.max(sum.head)) }
                dt { "链 Chain" } dd #chain { (chain_word(s)) }
            }
            @if let Some(note) = &s.chain_note { p.problem #chain-note { (note) } }
            @if !reports.is_empty() {
                h2 { "链路报告 " small { "Chain reports" } }
                (report_table(who, reports))
            }
            h2 { "当日记录 " small { "The day's journal (" (entries.len()) ")" } }
            table #entries {
                thead { tr { th.n { "序号 Seq" } th { "时间 At" } th { "事件 Kind" } th { "票号 Ticket" } th.n { "窗口 Window" } th { "详情 Detail" } } }
                tbody {
                    @for e in entries {
                        tr {
                            td.n { (e.seq) @if e.incarnation > 1 { small { " #" (e.incarnation) } } }
                            td { (e.at) }
                            td { (e.kind) }
                            td { (e.ticket.clone().unwrap_or_default()) }
                            td.n { (e.window.map(|w| w.to_string()).unwrap_or_default()) }
                            td { (detail(&e.body)) }
                        }
                    }
                }
            }
        },
    )
}

pub fn month(
    who: &Session,
    label: &str,
    figures: &BTreeMap<String, Figures>,
    by_day: &[(String, i64)],
) -> Markup {
    let total: i64 = figures.values().map(|f| f.tickets).sum();
    page(
        "月报 Month",
        Some(who),
        html! {
            h1 { (label) " 月报 " small { "Month across stations" } }
            form.day method="get" {
                label { "月份 Month " input type="month" name="m" value=(label); }
                button type="submit" { "查看 Show" }
                " " a #csv href={"/month.csv?m=" (label)} { "导出 CSV" }
            }
            p { "取号合计 Tickets in all: " strong #total { (total) } }
            (chart(by_day))
            table #month {
                thead { tr {
                    th { "服务站 Station" } th.n { "取号 Tickets" } th.n { "办结 Served" } th.n { "平均等候 Wait (min)" }
                    th.n { "评价数 Ratings" } th.n { "平均 Mean" } th.n { "满意率 Good" } th.n { "差评 Bad" }
                    th.n { "投诉 Complaints" } th.n { "报警 Alarms" }
                } }
                tbody {
                    @for (id, f) in figures {
                        tr {
                            td { a href={"/stations/" (id)} { (id) } }
                            td.n { (f.tickets) } td.n { (f.served) } td.n { (one(f.wait)) }
                            td.n { (f.rated) } td.n { (one(f.rating)) } td.n { (percent(f.good_rate())) }
                            td.n { (f.bad) } td.n { (f.complaints) } td.n { (f.alarms) }
                        }
                    }
                }
            }
            p.muted { (store::report::RATING_CODING) }
        },
    )
}

/// Tickets per day as bars, drawn as SVG on the server.
fn chart(by_day: &[(String, i64)]) -> Markup {
    let (w, h, pad) = (900.0_f64, 220.0_f64, 30.0_f64);
    let max = by_day.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let n = by_day.len().max(1) as f64;
    let bar = (w - 2.0 * pad) / n;
    html! {
        svg #chart viewBox={"0 0 " (w) " " (h)} role="img" aria-label="每日取号 Tickets per day" {
            line x1=(pad) y1=(h - pad) x2=(w - pad) y2=(h - pad) stroke="#333" {}
            @for (i, (day, count)) in by_day.iter().enumerate() {
                @let bh = (*count as f64 / max) * (h - 2.0 * pad);
                @let x = pad + i as f64 * bar;
                rect x=(format!("{:.1}", x + 1.0)) y=(format!("{:.1}", h - pad - bh)) width=(format!("{:.1}", (bar - 2.0).max(1.0))) height=(format!("{bh:.1}")) fill="#1f5fa8" {
                    title { (day) ": " (count) }
                }
                text x=(format!("{:.1}", x + bar / 2.0)) y=(format!("{:.1}", h - 10.0)) font-size="10" text-anchor="middle" { (day.get(8..).unwrap_or(day)) }
            }
            text x=(pad) y="16" font-size="12" { "每日取号 Tickets per day (max " (max as i64) ")" }
        }
    }
}

pub fn csv(label: &str, figures: &BTreeMap<String, Figures>) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# district month {label}; {}\n",
        store::report::RATING_CODING
    ));
    out.push_str("station,tickets,served,mean_wait_minutes,ratings,mean_rating,satisfaction,bad_ratings,complaints,alarms\n");
    let opt = |v: Option<f64>, digits: usize| v.map_or(String::new(), |v| format!("{v:.digits$}"));
    for (id, f) in figures {
        out.push_str(&format!(
            "{id},{},{},{},{},{},{},{},{},{}\n",
            f.tickets,
            f.served,
            opt(f.wait, 1),
            f.rated,
            opt(f.rating, 2),
            opt(f.good_rate(), 4),
            f.bad,
            f.complaints,
            f.alarms
        ));
    }
    out
}

fn report_table(who: &Session, reports: &[ReportRow]) -> Markup {
    html! {
        table.reports {
            thead { tr { th { "时间 At" } th { "服务站 Station" } th { "类型 Kind" } th.n { "序号 Seq" } th { "说明 What" } th { "复核 Review" } } }
            tbody {
                @for r in reports {
                    tr class=[r.reviewed.is_none().then_some("open")] {
                        td { (r.at) } td { (r.station) } td { (r.kind) }
                        td.n { (r.seq.map(|s| s.to_string()).unwrap_or_default()) }
                        td { (r.message) }
                        td {
                            @if let Some(by) = &r.reviewed { (by) }
                            @else if who.role == Role::Supervisor {
                                form method="post" action={"/reports/" (r.id) "/review"} {
                                    button.review type="submit" { "已复核 Reviewed" }
                                }
                            } @else { span.muted { "待督导员复核 awaiting a supervisor" } }
                        }
                    }
                }
            }
        }
    }
}

pub fn reports(who: &Session, reports: &[ReportRow]) -> Markup {
    page(
        "链路报告 Chain reports",
        Some(who),
        html! {
            h1 { "链路报告 " small { "Chain reports" } }
            p.muted { "服务站的日志与区存副本不符、缺号或换了数据库时记在这里。 A station's journal that no longer matches the district's copy, a gap, or a replaced database is reported here." }
            (report_table(who, reports))
        },
    )
}
