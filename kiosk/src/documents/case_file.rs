//! One case, one file (每宗一卷): a case exported as a single HTML page with
//! everything inline — its facts, deadlines, every stage with who, when and
//! what, extensions, and the journal entries behind them — to keep, print or
//! hand over. No script, no external resource.
//!
//! The callback number appears in full only when a manager asked for the
//! export; everyone else sees it masked.

use std::fmt::Write;

use jiff::Timestamp;
use jiff::tz::TimeZone;

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

/// Escapes text for HTML (element content and quoted attributes).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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

/// The case as one self-contained HTML page.
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
    let mut h = String::new();
    let title = format!("案件 Case {}", case.no);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n",
        escape(&title)
    );
    let _ = writeln!(
        h,
        "<h1>{}</h1><p class=\"muted\">{} {} · 导出 exported {} · {}</p>",
        escape(&title),
        escape(&export.station.name_zh),
        escape(&export.station.name_en),
        escape(&local(export.at)),
        escape(&export.by)
    );

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
    let deadline = |d: crate::domain::Deadline| {
        let mut s = d.date.to_string();
        if d.provisional {
            s.push_str(" (暂按周一至周五 provisional)");
        }
        s
    };
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
    h.push_str("<h2>案件 The case</h2><table>\n");
    for (k, v) in rows {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(&v));
    }
    if overdue.any() {
        let mut late = Vec::new();
        if overdue.callback {
            late.push("答复超期 answer overdue");
        }
        if overdue.rectification {
            late.push("整改超期 rectification overdue");
        }
        let _ = writeln!(
            h,
            "<tr><th>超期 Overdue</th><td class=\"late\">{}</td></tr>",
            escape(&late.join(" · "))
        );
    }
    h.push_str("</table>\n");

    if let CaseSource::Complaint { text, .. } = &case.source {
        let _ = writeln!(
            h,
            "<h2>投诉内容 What the citizen wrote</h2><p>{}</p>",
            if text.is_empty() {
                "（未填写）(nothing written)".to_string()
            } else {
                escape(text)
            }
        );
    }

    h.push_str(
        "<h2>办理过程 Stages</h2><table><tr><th>阶段 Stage</th><th>时间 When</th>\
         <th>经办 By</th><th>情况 What</th></tr>\n",
    );
    for e in &case.history {
        let mut stage = format!("{} {}", e.stage.zh(), e.stage.word());
        if e.reopened {
            stage.push_str(" · 重新核实 reopened");
        }
        if let Some(a) = e.answer {
            let _ = write!(stage, " · {} {}", a.zh(), a.word());
        }
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&stage),
            escape(&local(e.at)),
            escape(&e.by.to_string()),
            escape(&e.note)
        );
    }
    h.push_str("</table>\n");
    if case.stage() != Stage::Archived {
        h.push_str("<p class=\"muted\">尚未存档 not yet archived</p>\n");
    }

    if !case.extensions.is_empty() {
        h.push_str(
            "<h2>延期 Extensions</h2><table><tr><th>时间 When</th><th>批准 Approved by</th>\
             <th>理由 Reason</th><th>期限 Deadline</th></tr>\n",
        );
        for x in &case.extensions {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} → {} (+{} 个工作日 working days)</td></tr>",
                escape(&local(x.at)),
                escape(&x.by.to_string()),
                escape(&x.reason),
                escape(&deadline(x.was)),
                escape(&deadline(x.now_due)),
                x.working_days
            );
        }
        h.push_str("</table>\n");
    }

    h.push_str(
        "<h2>日志 Journal entries</h2><table><tr><th>#</th><th>时间 When</th>\
         <th>类别 Kind</th><th>记录 Entry</th></tr>\n",
    );
    for e in entries {
        let when =
            e.at.parse::<Timestamp>()
                .map(local)
                .unwrap_or_else(|_| e.at.clone());
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><pre>{}</pre></td></tr>",
            e.seq,
            escape(&when),
            escape(&e.kind),
            escape(&format!("{} · {}", e.actor, e.body))
        );
    }
    h.push_str("</table>\n</body></html>\n");
    h
}
