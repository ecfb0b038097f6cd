//! The window console's people panel: who is signed on at the window and
//! on which post, signing on (as the member signed in to the console) and
//! off, and stepping away (暂离) with a reason, a return time, the contact
//! number and the window to go to — past 30 minutes with the manager's
//! number and PIN, checked by the station as any PIN is.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::forms::urlencode;
use super::*;
use crate::app::control::command::AwayRequest;
use crate::domain::{AwayReason, Command, ServingView, StaffRef, WindowNo};

/// The people panel's forms: `action` is `sign_on`, `sign_off` or `away`.
#[derive(Deserialize, Clone, Debug)]
pub struct PeopleForm {
    pub csrf: String,
    pub w: String,
    pub action: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub back: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub instead: String,
    #[serde(default)]
    pub manager: String,
    #[serde(default)]
    pub manager_pin: String,
}

impl PeopleForm {
    fn window(&self) -> Result<WindowNo, &'static str> {
        super::forms::window_no(&self.w)
    }

    /// The away request the form makes; a manager is named only with a
    /// number typed.
    fn away(&self, window: WindowNo) -> Result<AwayRequest, &'static str> {
        let filled = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let instead = match filled(&self.instead) {
            None => None,
            Some(w) => Some(
                w.parse::<u8>()
                    .ok()
                    .and_then(WindowNo::new)
                    .ok_or("代办窗口号不对 Not a window number")?
                    .get(),
            ),
        };
        Ok(AwayRequest {
            window: window.get(),
            reason: self.reason.clone(),
            back: self.back.clone(),
            contact: filled(&self.contact),
            instead,
            manager: filled(&self.manager).map(|m| (m, self.manager_pin.clone())),
        })
    }
}

/// `POST /window/people`.
pub async fn act(
    State(st): State<Shared>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<PeopleForm>,
) -> Response {
    let session = signed_in!(st, headers);
    if let Some(r) = csrf_refused(&session, &form.csrf) {
        return r;
    }
    let window = match form.window() {
        Ok(w) => w,
        Err(why) => return refused(StatusCode::BAD_REQUEST, Some(&session), why),
    };
    let result = match form.action.as_str() {
        "sign_on" => {
            let member = StaffRef {
                name: session.name.clone(),
                number: session.staff.clone(),
            };
            let role = Some(session.role);
            st.command(
                Command::SignOn {
                    window,
                    member,
                    role,
                },
                &session.staff,
            )
            .await
        }
        "sign_off" => {
            st.command(Command::SignOff { window }, &session.staff)
                .await
        }
        "away" => match form.away(window) {
            Ok(request) => st.away(request, &session.staff).await,
            Err(why) => return refused(StatusCode::BAD_REQUEST, Some(&session), why),
        },
        _ => {
            return refused(
                StatusCode::BAD_REQUEST,
                Some(&session),
                "未知操作 Unknown action",
            );
        }
    };
    after(&session, result, |done| {
        format!("/window?w={}&done={}", window.get(), urlencode(done))
    })
}

/// Who is at the window, and the forms to sign on, off and step away.
pub fn panel(session: &Session, current: &ServingView, windows: &[ServingView]) -> Markup {
    let w = current.window.get();
    let mine = current
        .member
        .as_ref()
        .is_some_and(|m| m.member == session.staff);
    html! {
        section #people {
            h3 { "在岗 On duty" }
            @match &current.member {
                Some(m) => p #on-duty {
                    (m.name) " (" (m.member) ")"
                    @if let Some(post) = m.post.zh() { " · " (post) " " (m.post.en().unwrap_or_default()) }
                },
                None => p #on-duty.err { "无人上岗，不能叫号 · Nobody signed on: this window cannot call" },
            }
            @if let Some(away) = &current.away {
                p #away-notice { "暂离 Away: " (away.zh) br; (away.en) }
            }
            form.inline method="post" action="/window/people" {
                input type="hidden" name="csrf" value=(session.csrf);
                input type="hidden" name="w" value=(w);
                @if mine {
                    button.big name="action" value="sign_off" { "下岗 Sign off" }
                } @else {
                    button.big name="action" value="sign_on" {
                        "本人上岗 Sign on here as " (session.name)
                    }
                }
            }
            @if current.member.is_some() && current.ticket.is_none() {
                form #away-form method="post" action="/window/people" {
                    input type="hidden" name="csrf" value=(session.csrf);
                    input type="hidden" name="w" value=(w);
                    input type="hidden" name="action" value="away";
                    label { "暂离原因 Reason " select name="reason" {
                        @for r in AwayReason::ALL {
                            option value=(r.word()) { (r.zh()) " " (r.en()) }
                        }
                    } }
                    label { " 预计返回 Back at " input type="time" name="back" required; }
                    label { " 联系电话 Contact " input type="tel" name="contact" maxlength="20"; }
                    label { " 请到窗口 Go to window " select name="instead" {
                        option value="" { "—" }
                        @for o in windows.iter().filter(|o| o.window != current.window) {
                            option value=(o.window) { (o.window) }
                        }
                    } }
                    p { "超过 30 分钟需站长批准并留联系电话 · Over 30 minutes: the manager approves and the notice gives a contact number" }
                    label { "站长工号 Manager " input type="text" name="manager" maxlength="16" autocomplete="off"; }
                    label { " 站长密码 PIN " input type="password" name="manager_pin" maxlength="12" autocomplete="off"; }
                    button.big type="submit" { "暂离 Step away" }
                }
            }
        }
    }
}
