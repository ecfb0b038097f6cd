//! People at the windows: signing on and off, the B post taking over in one
//! step, the away notice (暂离) and its approval, and who each record of a
//! window names — the member signed on at that moment.

use jiff::{SignedDuration, Timestamp};

use super::{Command, Effect, Fact, Notice, Record, Rejection, Scratch, SignOff, Station};
use crate::catalog::{StaffRef, WindowNo};
use crate::people::{
    AWAY_APPROVAL_MINUTES, AWAY_MAX_DAYS, Away, MAX_MEMBER, OnPost, valid_contact,
};
use crate::safety::StaffRole;
use crate::ticket::TicketCode;

impl Station {
    /// Applies a sign-on, a sign-off or an away notice.
    pub(super) fn apply_people(&mut self, record: &Record) {
        match &record.fact {
            Fact::SignedOn {
                window,
                member,
                name,
                post,
                role,
            } => {
                let w = self.windows.entry(*window).or_default();
                w.on = Some(OnPost {
                    member: member.clone(),
                    name: name.clone(),
                    post: *post,
                    since: record.at,
                    role: *role,
                });
            }
            Fact::SignedOff { window, .. } => {
                let w = self.windows.entry(*window).or_default();
                w.on = None;
                w.call_held = false;
            }
            Fact::CallHeld { window, .. } => {
                self.windows.entry(*window).or_default().call_held = true
            }
            _ => {}
        }
    }

    /// The member signed on at a window.
    pub fn on_post(&self, window: WindowNo) -> Option<&OnPost> {
        self.windows.get(&window).and_then(|w| w.on.as_ref())
    }

    /// The staff number the records of a window name now.
    pub(super) fn member_at(&self, window: WindowNo) -> Option<String> {
        self.on_post(window).map(|o| o.member.clone())
    }

    /// Who a case about a window names: the member signed on there, or —
    /// where signing on is optional and nobody did — the window's A post
    /// as `kiosk.toml` names it.
    pub(super) fn staff_at(&self, window: WindowNo) -> Option<StaffRef> {
        match self.on_post(window) {
            Some(on) => Some(StaffRef {
                name: on.name.clone(),
                number: on.member.clone(),
            }),
            None => self.settings.staff.get(&window).cloned(),
        }
    }

    /// The window a member is signed on at.
    fn window_of(&self, member: &str) -> Option<WindowNo> {
        self.windows
            .iter()
            .find(|(_, w)| w.on.as_ref().is_some_and(|o| o.member == member))
            .map(|(no, _)| *no)
    }
}

impl Scratch {
    /// Decides a sign-on, a sign-off or an away notice.
    pub(super) fn decide_people(&mut self, command: &Command) -> Result<(), Rejection> {
        match command {
            Command::SignOn {
                window,
                member,
                role,
            } => self.sign_on(*window, member, *role),
            Command::SignOff { window } => {
                let w = self.window(*window)?;
                let Some(on) = w.on.clone() else {
                    return Err(Rejection::NobodySignedOn(*window));
                };
                if let Some(ticket) = w.current {
                    return Err(Rejection::WindowBusy {
                        window: *window,
                        ticket,
                    });
                }
                self.record(Fact::SignedOff {
                    window: *window,
                    member: on.member,
                    why: SignOff::Left,
                });
                Ok(())
            }
            Command::StepAway { window, away } => self.step_away(*window, away.clone()),
            _ => Ok(()),
        }
    }

    /// A member signs on at a window: they must hold one of its posts (or
    /// it names none). Whoever was on there is signed off (replaced), and
    /// the member leaves any other window first; a window whose member was
    /// away opens again — B takes over in one step.
    fn sign_on(
        &mut self,
        window: WindowNo,
        member: &StaffRef,
        role: Option<StaffRole>,
    ) -> Result<(), Rejection> {
        let number: String = member.number.trim().chars().take(MAX_MEMBER).collect();
        let name: String = member.name.trim().chars().take(MAX_MEMBER).collect();
        let w = self.window(window)?.clone();
        let posts = self
            .station
            .settings
            .posts
            .get(&window)
            .cloned()
            .unwrap_or_default();
        let Some(post) = posts.post_of(&number) else {
            return Err(Rejection::NotAPost {
                member: number,
                window,
                posts: posts
                    .named()
                    .map(|(p, m)| format!("{} {m}", p.word()))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        if w.on.as_ref().is_some_and(|o| o.member == number) {
            return Ok(());
        }
        if let Some(other) = self.station.window_of(&number) {
            if let Some(ticket) = self.station.windows.get(&other).and_then(|o| o.current) {
                return Err(Rejection::WindowBusy {
                    window: other,
                    ticket,
                });
            }
            self.record(Fact::SignedOff {
                window: other,
                member: number.clone(),
                why: SignOff::Moved,
            });
        }
        if let Some(on) = &w.on {
            self.record(Fact::SignedOff {
                window,
                member: on.member.clone(),
                why: SignOff::Replaced,
            });
        }
        self.record(Fact::SignedOn {
            window,
            member: number,
            name,
            post,
            role,
        });
        if w.paused && w.away.is_some() {
            self.record(Fact::WindowOpened { window });
        }
        Ok(())
    }

    /// The window's member steps away: the window pauses with the notice.
    /// Past the limit the manager approves and, nobody standing in, the
    /// notice gives a contact number.
    fn step_away(&mut self, window: WindowNo, mut away: Away) -> Result<(), Rejection> {
        let w = self.window(window)?;
        if let Some(ticket) = w.current {
            return Err(Rejection::WindowBusy { window, ticket });
        }
        if away.back_at <= self.now {
            return Err(Rejection::ReturnInPast(
                self.station.local(away.back_at),
                self.station.local(self.now),
            ));
        }
        let minutes = (away.back_at.duration_since(self.now).as_secs() + 59) / 60;
        if away.back_at.duration_since(self.now) > SignedDuration::from_hours(24 * AWAY_MAX_DAYS) {
            return Err(Rejection::ReturnTooFar(AWAY_MAX_DAYS));
        }
        if let Some(instead) = away.instead {
            self.window(instead)?;
            if instead == window {
                return Err(Rejection::InsteadIsSelf(window));
            }
        }
        away.contact = away
            .contact
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        if let Some(c) = &away.contact
            && !valid_contact(c)
        {
            return Err(Rejection::BadContact(c.chars().take(24).collect()));
        }
        if minutes > AWAY_APPROVAL_MINUTES {
            if away.approver.is_none() {
                return Err(Rejection::AwayNeedsManager { minutes });
            }
            if away.contact.is_none() {
                return Err(Rejection::AwayNeedsContact { minutes });
            }
        } else {
            away.approver = None;
        }
        self.record(Fact::WindowPaused {
            window,
            away: Some(away),
        });
        Ok(())
    }

    /// Calling needs someone signed on, where the station asks for it.
    pub(super) fn require_member(&self, window: WindowNo) -> Result<(), Rejection> {
        if self.station.settings.sign_on_required && self.window(window)?.on.is_none() {
            return Err(Rejection::NobodySignedOn(window));
        }
        Ok(())
    }

    /// At the day's close everyone is signed off.
    pub(super) fn sign_off_all(&mut self) {
        let on: Vec<(WindowNo, String)> = self
            .station
            .windows
            .iter()
            .filter_map(|(no, w)| w.on.as_ref().map(|o| (*no, o.member.clone())))
            .collect();
        for (window, member) in on {
            self.record_as(
                super::Actor::System,
                Fact::SignedOff {
                    window,
                    member,
                    why: SignOff::DayClosed,
                },
            );
        }
    }

    /// Holds a window's call until its ticket is rated or its rating time
    /// runs out: the citizen always gets to rate.
    pub(super) fn hold_call(&mut self, window: WindowNo, ticket: TicketCode, until: Timestamp) {
        if !self.window(window).is_ok_and(|w| w.call_held) {
            self.record(Fact::CallHeld { window, ticket });
        }
        self.effect(Effect::Notify(Notice::CallHeld {
            window,
            ticket,
            until,
        }));
    }
}
