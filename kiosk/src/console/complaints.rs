//! Complaints that reach the station another way than the touchscreen —
//! in person, by phone, by letter, in the paper box, handed over by the
//! 12345 hotline — entered by staff with their channel, so the 投诉台账 is
//! complete; and a callback number taken for a case once staff reach the
//! citizen (a mobile or a landline), kept with the case only.

use axum::extract::{Form, Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::forms::{Done, urlencode};
use super::pages::layout;
use super::*;
use crate::domain::{Channel, Command, MAX_TEXT, Phone, Topic, WindowNo};

/// The complaint form.
#[derive(Deserialize)]
pub struct ComplaintForm {
    pub csrf: String,
    pub channel: String,
    pub topic: String,
    #[serde(default)]
    pub window: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub phone: String,
}

/// The callback form.
#[derive(Deserialize)]
pub struct CallbackForm {
    pub csrf: String,
    pub phone: String,
}

fn topic_word(t: Topic) -> &'static str {
    match t {
        Topic::Attitude => "attitude",
        Topic::Efficiency => "efficiency",
        Topic::Procedure => "procedure",
        Topic::Fees => "fees",
        Topic::Outcome => "outcome",
        Topic::Other => "other",
    }
}

/// A callback number as typed, or none; the refusal says what a number is.
fn phone(typed: &str) -> Result<Option<Phone>, String> {
    match typed.trim() {
        "" => Ok(None),
        t => Phone::parse(t)
            .map(Some)
            .map_err(|e| format!("回访电话不对 Not a callback number: {e}")),
    }
}

impl ComplaintForm {
    fn command(&self) -> Result<Command, String> {
        let channel = Channel::parse(&self.channel)
            .filter(|c| *c != Channel::Kiosk)
            .ok_or("渠道不对 Not a channel")?;
        let topic = Topic::ALL
            .into_iter()
            .find(|t| topic_word(*t) == self.topic.trim())
            .ok_or("投诉事项不对 Not a topic")?;
        let window = match self.window.trim() {
            "" => None,
            w => Some(super::forms::window_no(w)?),
        };
        if self.text.trim().is_empty() {
            return Err("请写下投诉内容 Write down what the complaint says".into());
        }
        Ok(Command::FileComplaint {
            topic,
            window,
            text: self.text.clone(),
            phone: phone(&self.phone)?,
            form: 0,
            channel,
        })
    }
}

/// `GET /complaints/new`.
pub async fn new(State(st): State<Shared>, headers: HeaderMap, Query(q): Query<Done>) -> Response {
    let session = signed_in!(st, headers);
    let windows: Vec<WindowNo> = st
        .state()
        .await
        .map(|s| s.station.windows.iter().map(|w| w.window).collect())
        .unwrap_or_default();
    super::page(StatusCode::OK, form(&session, &windows, q.done.as_deref()))
}

/// `POST /complaints`.
pub async fn file(
    State(st): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<ComplaintForm>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = csrf_refused(&session, &form.csrf) {
        return r;
    }
    let result = match form.command() {
        Ok(command) => st.command(command, &session.staff).await,
        Err(e) => Err(Refusal::Refused(e)),
    };
    after(&session, result, |done| match done {
        // The new case heads the list.
        "ok" => "/cases?done=ok".to_string(),
        why => format!("/complaints/new?done={}", urlencode(why)),
    })
}

/// `POST /cases/{no}/callback`.
pub async fn callback(
    State(st): State<Shared>,
    headers: HeaderMap,
    UrlPath(no): UrlPath<String>,
    Form(form): Form<CallbackForm>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = csrf_refused(&session, &form.csrf) {
        return r;
    }
    let Some(case) = forms::case_no(&no) else {
        return no_such_case(&session);
    };
    let result = match phone(&form.phone) {
        Ok(Some(phone)) => {
            st.command(
                Command::AddCallback {
                    case,
                    phone,
                    role: Some(session.role),
                },
                &session.staff,
            )
            .await
        }
        Ok(None) => Err(Refusal::Refused("请填写号码 Type the number".into())),
        Err(e) => Err(Refusal::Refused(e)),
    };
    after(&session, result, |done| {
        format!("/cases/{case}?done={}", urlencode(done))
    })
}

fn form(session: &Session, windows: &[WindowNo], done: Option<&str>) -> Markup {
    layout(
        Some(session),
        "登记投诉 Enter a complaint",
        html! {
            @if let Some(e) = done { p.err { (e) } }
            p { "触摸屏投诉箱的投诉会自动登记；这里登记其他渠道来的投诉。 · Complaints from the touchscreen are filed by themselves; enter here those that came another way." }
            form #complaint-form method="post" action="/complaints" {
                input type="hidden" name="csrf" value=(session.csrf);
                p { label { "渠道 Channel " select name="channel" required {
                    @for c in Channel::STAFF { option value=(c.word()) { (c.zh()) " " (c.en()) } }
                } } }
                p { label { "投诉事项 Topic " select name="topic" required {
                    @for t in Topic::ALL { option value=(topic_word(t)) { (t.zh()) " " (t.en()) } }
                } } }
                p { label { "涉及窗口 Window " select name="window" {
                    option value="" { "—" }
                    @for w in windows { option value=(w) { (w) } }
                } } }
                p { label { "投诉内容 What the citizen says" br;
                    textarea name="text" rows="4" cols="60" maxlength=(MAX_TEXT) required {} } }
                p { label { "回访电话 Callback number (手机或带区号的固定电话 mobile or landline with area code) "
                    input type="tel" name="phone" maxlength="20" autocomplete="off"; } }
                p.hint { "号码只随案件保存，只有站长导出案卷时可见 · The number is kept with the case only; the manager's export alone shows it" }
                p { button.big type="submit" { "登记 File" } }
            }
        },
    )
}
