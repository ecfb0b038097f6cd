//! The manager's page for the lobby's notice board (公示栏): the notices
//! posted and to come, taking one down, and posting one with its title,
//! text and period — 停水停电, a typhoon closure (which closes ticketing for
//! its period, the notice as the reason), a 小组长's reception hours. The
//! lobby shows them on its 公示栏 screen with the staff on duty, the roster,
//! last week's attendance, the service commitments and the fees.

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jiff::Timestamp;
use maud::{Markup, html};
use serde::Deserialize;

use super::forms::{Done, urlencode};
use super::pages::layout;
use super::*;
use crate::domain::{Command, NOTICE_TEXT_MAX, NOTICE_TITLE_MAX, PostedNotice};

/// The posting form: `action` is `post` or `withdraw`.
#[derive(Deserialize)]
pub struct BoardForm {
    pub csrf: String,
    pub action: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub text: String,
    /// `2026-12-01T08:00`, as a datetime-local input sends it.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub closes: Option<String>,
    #[serde(default)]
    pub no: String,
}

const MANAGERS: &str = "公示栏由站长发布 Notices are the manager's to post";

impl BoardForm {
    /// The notice the form posts, its texts checked against what the
    /// screen can show.
    fn notice(&self, st: &ConsoleState) -> Result<PostedNotice, String> {
        let at = |text: &str, field: &str| -> Result<Timestamp, String> {
            let dt: jiff::civil::DateTime = text
                .trim()
                .parse()
                .map_err(|_| format!("{field}：时间不对 Not a time (2026-12-01T08:00)"))?;
            st.tz
                .to_ambiguous_timestamp(dt)
                .compatible()
                .map_err(|e| e.to_string())
        };
        for (text, field) in [(&self.title, "标题 Title"), (&self.text, "内容 Text")] {
            if let Some(c) = text
                .chars()
                .find(|c| !c.is_whitespace() && !crate::config::shown_char(*c))
            {
                return Err(format!(
                    "{field}：`{c}` 屏幕无法显示 The screen cannot show it (GB2312 only)"
                ));
            }
        }
        Ok(PostedNotice {
            title: self.title.clone(),
            text: self.text.clone(),
            from: at(&self.from, "从 From")?,
            until: at(&self.until, "到 Until")?,
            closes: self.closes.is_some(),
        })
    }
}

/// `GET /board`.
pub async fn page(State(st): State<Shared>, headers: HeaderMap, Query(q): Query<Done>) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = manager_only(&session, MANAGERS) {
        return r;
    }
    let now = st.now().await;
    let notices = st
        .read(|conn| store::attendance::notices(conn).map_err(|e| e.to_string()))
        .await;
    match notices {
        Ok((notices, _)) => {
            let current: Vec<(u32, PostedNotice)> =
                notices.into_iter().filter(|(_, n)| n.until > now).collect();
            super::page(
                StatusCode::OK,
                view(&session, &current, now, &st.tz, q.done.as_deref()),
            )
        }
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, Some(&session), &e),
    }
}

/// `POST /board`.
pub async fn act(
    State(st): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<BoardForm>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = managers_change(&session, &form.csrf, MANAGERS) {
        return r;
    }
    let command = match form.action.as_str() {
        "post" => form.notice(&st).map(|notice| Command::PostNotice {
            notice,
            role: session.role,
        }),
        "withdraw" => form
            .no
            .trim()
            .parse()
            .map(|no| Command::WithdrawNotice {
                no,
                role: session.role,
            })
            .map_err(|_| "编号不对 Not a notice number".to_string()),
        _ => {
            return refused(
                StatusCode::BAD_REQUEST,
                Some(&session),
                "未知操作 Unknown action",
            );
        }
    };
    let result = match command {
        Ok(c) => st.command(c, &session.staff).await,
        Err(e) => Err(Refusal::Refused(e)),
    };
    after(&session, result, |done| {
        format!("/board?done={}", urlencode(done))
    })
}

fn view(
    session: &Session,
    notices: &[(u32, PostedNotice)],
    now: Timestamp,
    tz: &TimeZone,
    done: Option<&str>,
) -> Markup {
    let local = |t: Timestamp| tz.to_datetime(t).strftime("%Y-%m-%d %H:%M").to_string();
    layout(
        Some(session),
        "公示栏 Notice board",
        html! {
            @match done {
                Some("ok") => p.msg { "已完成 Done" },
                Some(e) => p.err { (e) },
                None => {},
            }
            p { "大厅触摸屏的「公示栏」显示在岗人员、值班表、上周考勤、服务承诺、收费标准和这里发布的通知。 · The lobby's 公示栏 shows the staff on duty, the roster, last week's attendance, the commitments, the fees and the notices posted here." }
            table #notices {
                tr { th { "编号 No." } th { "标题 Title" } th { "内容 Text" } th { "从 From" } th { "到 Until" } th { "停止取号 Closes ticketing" } th {} }
                @for (no, n) in notices {
                    tr {
                        td { (no) }
                        td { (n.title) @if n.shown_at(now) { " " span.badge { "公示中 posted" } } }
                        td { (n.text) }
                        td { (local(n.from)) }
                        td { (local(n.until)) }
                        td { @if n.closes { "是 yes" } @else { "—" } }
                        td {
                            form.inline method="post" action="/board" {
                                input type="hidden" name="csrf" value=(session.csrf);
                                input type="hidden" name="action" value="withdraw";
                                input type="hidden" name="no" value=(no);
                                button type="submit" { "撤下 Take down" }
                            }
                        }
                    }
                }
            }
            @if notices.is_empty() { p { "没有通知 No notices" } }
            h2 { "发布通知 Post a notice" }
            form #board-form method="post" action="/board" {
                input type="hidden" name="csrf" value=(session.csrf);
                input type="hidden" name="action" value="post";
                p { label { "标题 Title " input name="title" required maxlength=(NOTICE_TITLE_MAX) size="32"; } }
                p { label { "内容 Text" br; textarea name="text" rows="3" cols="60" maxlength=(NOTICE_TEXT_MAX) {} } }
                p {
                    label { "从 From " input type="datetime-local" name="from" required; }
                    label { " 到 Until " input type="datetime-local" name="until" required; }
                }
                p { label { input type="checkbox" name="closes" value="1"; " 期间停止取号（台风、停电）Close ticketing for the period (typhoon, power cut)" } }
                p { button.big type="submit" { "发布 Post" } }
            }
        },
    )
}
