//! One case, one file (每宗一卷): a case exported as a single HTML page with
//! everything inline — its facts, deadlines, every stage with who, when and
//! what, extensions, and the journal entries behind them — to keep, print or
//! hand over. No script, no external resource.
//!
//! The callback number appears in full only when a manager asked for the
//! export; everyone else sees it masked.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use maud::{DOCTYPE, PreEscaped, html};

use crate::config::StationInfo;
use crate::domain::{Case, CaseNo, CaseSource, Phone, Stage};
use crate::store::{self, LogEntry, LogFilter, StoreError};

/// What the file says about the callback number.
#[derive(Clone, Debug)]
pub enum Contact {
    /// The citizen stayed anonymous.
    None,
    /// A number was left and is still kept: shown in full (`full`, a
    /// manager's export) or masked.
    Kept { phone: Phone, full: bool },
    /// The number was deleted when its retention ran out.
    Deleted,
}

/// Who exported the file and when.
#[derive(Clone, Debug)]
pub struct Export<'a> {
    pub station: &'a StationInfo,
    pub tz: &'a TimeZone,
    pub at: Timestamp,
    /// `staff 0001 (manager)`, or `technician` from the command line.
    pub by: String,
}

const STYLE: &str = "body{font-family:'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif;\
max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111827;line-height:1.5}\
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #0b3a82}\
table{border-collapse:collapse;width:100%}th,td{border:1px solid #9ca3af;padding:.35rem .5rem;\
text-align:left;vertical-align:top}th{background:#eef2f7;width:12rem}\
.late{color:#b71c1c;font-weight:700}.muted{color:#4b5563}pre{white-space:pre-wrap;margin:0;font-size:.85rem}\
@media print{body{margin:0}}";

/// The case file of case `no` as the database holds it, or `None` when there
/// is no such case; `full`: the callback number in full (a manager's export).
pub fn render(
    conn: &rusqlite::Connection,
    no: CaseNo,
    full: bool,
    export: &Export<'_>,
) -> Result<Option<String>, StoreError> {
    let Some(case) = store::read_case(conn, &no.to_string())? else {
        return Ok(None);
    };
    let contact = match (store::read_contact(conn, no)?, &case.source) {
        (Some(phone), _) => Contact::Kept { phone, full },
        (None, CaseSource::Complaint { callback: true, .. }) => Contact::Deleted,
        _ => Contact::None,
    };
    let entries = LogFilter {
        case: Some(no.to_string()),
        ..LogFilter::default()
    }
    .read(conn)?;
    Ok(Some(case_html(&case, &contact, &entries, export)))
}

/// The case as one self-contained HTML page; every text is escaped by maud.
pub fn case_html(
    case: &Case,
    contact: &Contact,
    entries: &[LogEntry],
    export: &Export<'_>,
) -> String {
    let local = |t: Timestamp| {
        export
            .tz
            .to_datetime(t)
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    };
    let today = export.tz.to_datetime(export.at).date();
    let overdue = case.overdue(today);
    let title = format!("案件 Case {}", case.no);
    let deadline = |d: crate::domain::Deadline| {
        let mut s = d.date.to_string();
        if d.provisional {
            s.push_str(" (暂按周一至周五 provisional)");
        }
        s
    };

    let mut rows: Vec<(&str, String)> = Vec::new();
    rows.push(("编号 Number", case.no.to_string()));
    match &case.source {
        CaseSource::Rating { level } => {
            rows.push(("来源 Source", format!("评价器差评 bad rating {level}")));
        }
        CaseSource::Complaint { topic, .. } => {
            rows.push((
                "来源 Source",
                format!("投诉箱 complaint box: {} {}", topic.zh(), topic.en()),
            ));
        }
    }
    rows.push((
        "窗口 Window",
        case.window
            .map_or_else(|| "未指明 not named".into(), |w| w.to_string()),
    ));
    if let Some(s) = &case.staff {
        rows.push(("工作人员 Staff", format!("{} ({})", s.name, s.number)));
    }
    if let Some(t) = case.ticket {
        rows.push(("票号 Ticket", t.to_string()));
    }
    rows.push(("受理日 Opened", case.day.to_string()));
    rows.push(("答复期限 Answer by", deadline(case.callback_due)));
    rows.push(("整改期限 Rectify by", deadline(case.rectify_due)));
    rows.push((
        "当前阶段 Stage",
        format!("{} {}", case.stage().zh(), case.stage().word()),
    ));
    let callback = match contact {
        Contact::None => "未留 none (anonymous)".to_string(),
        Contact::Kept { phone, full: true } => phone.full().to_string(),
        Contact::Kept { phone, full: false } => {
            format!(
                "{} (全号仅站长可见 full number: manager only)",
                phone.masked()
            )
        }
        Contact::Deleted => "已按保存期限删除 deleted after the retention period".into(),
    };
    rows.push(("回电号码 Callback", callback));
    let mut late = Vec::new();
    if overdue.callback {
        late.push("答复超期 answer overdue");
    }
    if overdue.rectification {
        late.push("整改超期 rectification overdue");
    }
    let stage = |e: &crate::domain::StageEntry| {
        let mut stage = format!("{} {}", e.stage.zh(), e.stage.word());
        if e.reopened {
            stage.push_str(" · 重新核实 reopened");
        }
        if let Some(a) = e.answer {
            stage.push_str(&format!(" · {} {}", a.zh(), a.word()));
        }
        stage
    };
    let when = |e: &LogEntry| {
        e.at.parse::<Timestamp>()
            .map(local)
            .unwrap_or_else(|_| e.at.clone())
    };

    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { (title) }
                p.muted {
                    (export.station.name_zh) " " (export.station.name_en)
                    " · 导出 exported " (local(export.at)) " · " (export.by)
                }
                h2 { "案件 The case" }
                table {
                    @for (k, v) in &rows { tr { th { (k) } td { (v) } } }
                    @if overdue.any() {
                        tr { th { "超期 Overdue" } td.late { (late.join(" · ")) } }
                    }
                }
                @if let CaseSource::Complaint { text, .. } = &case.source {
                    h2 { "投诉内容 What the citizen wrote" }
                    p { @if text.is_empty() { "（未填写）(nothing written)" } @else { (text) } }
                }
                h2 { "办理过程 Stages" }
                table {
                    tr { th { "阶段 Stage" } th { "时间 When" } th { "经办 By" } th { "情况 What" } }
                    @for e in &case.history {
                        tr { td { (stage(e)) } td { (local(e.at)) } td { (e.by) } td { (e.note) } }
                    }
                }
                @if case.stage() != Stage::Archived {
                    p.muted { "尚未存档 not yet archived" }
                }
                @if !case.extensions.is_empty() {
                    h2 { "延期 Extensions" }
                    table {
                        tr { th { "时间 When" } th { "批准 Approved by" } th { "理由 Reason" } th { "期限 Deadline" } }
                        @for x in &case.extensions {
                            tr {
                                td { (local(x.at)) } td { (x.by) } td { (x.reason) }
                                td { (deadline(x.was)) " → " (deadline(x.now_due)) " (+" (x.working_days) " 个工作日 working days)" }
                            }
                        }
                    }
                }
                h2 { "日志 Journal entries" }
                table {
                    tr { th { "#" } th { "时间 When" } th { "类别 Kind" } th { "记录 Entry" } }
                    @for e in entries {
                        tr { td { (e.seq) } td { (when(e)) } td { (e.kind) } td { pre { (e.actor) " · " (e.body) } } }
                    }
                }
            }
        }
    }
    .into_string()
}
