//! The station loop's side of the voice: calls and screens read aloud handed
//! to the player, the evacuation and the volume following the station's
//! state, staff's repeat and stop, and every announcement's end journaled
//! (`announced`) with who stopped it.

use super::Core;
use crate::app::{Refusal, VoiceControl};
use crate::config::VoiceSettings;
use crate::domain::{Actor, Announcement, Command, Reading, TicketCode, TicketSlip, WindowNo};
use crate::voice::{Report, Request, Voice};

/// The player and what the loop last told it.
pub(super) struct VoiceLink {
    voice: Voice,
    settings: VoiceSettings,
    /// The announcement sounding now, for the board's highlight.
    announcing: Option<(u64, Option<TicketCode>, Option<WindowNo>)>,
    evacuating: bool,
    volume: Option<u8>,
    /// The ticket the screen shows, for reading it aloud.
    shown: Option<TicketSlip>,
}

impl Core {
    /// Says calls aloud through the player.
    pub fn with_voice(&mut self, voice: Voice, settings: VoiceSettings) {
        self.voice = Some(VoiceLink {
            voice,
            settings,
            announcing: None,
            evacuating: false,
            volume: None,
            shown: None,
        });
    }

    /// Hands an announcement to the player (nothing without a speaker).
    pub(super) fn announce(&mut self, announcement: Announcement, english: bool) {
        if let Some(link) = &self.voice {
            link.voice.ask(Request::Say {
                announcement,
                english,
            });
        }
    }

    /// Remembers the ticket the screen shows, to read it aloud.
    pub(super) fn showing(&mut self, slip: &TicketSlip) {
        if let Some(link) = &mut self.voice {
            link.shown = Some(slip.clone());
        }
    }

    /// Whether `window`'s `ticket` is being announced (the board highlights
    /// it); without a voice, a fresh call is highlighted instead.
    pub(super) fn announcing(&self, window: WindowNo, ticket: Option<TicketCode>) -> Option<bool> {
        let link = self.voice.as_ref()?;
        Some(
            ticket.is_some()
                && link
                    .announcing
                    .is_some_and(|(_, t, w)| w == Some(window) && t == ticket),
        )
    }

    /// The evacuation and the volume follow the station's state and hours.
    pub(super) fn sync_voice(&mut self, evacuate: bool) {
        let now = self.clock.now();
        let Some(link) = &mut self.voice else {
            return;
        };
        if link.evacuating != evacuate {
            link.evacuating = evacuate;
            link.voice.ask(Request::Evacuate(evacuate));
        }
        let volume = crate::voice::volume_at(
            &link.settings,
            self.station.catalog().hours(),
            self.station.calendar(),
            self.station.settings(),
            now,
        );
        if link.volume != Some(volume) {
            link.volume = Some(volume);
            link.voice.ask(Request::Volume(volume));
        }
    }

    /// A citizen pressed 读给我听 on `screen`.
    pub(super) fn read_aloud(&mut self, screen: &str, english: bool) {
        let Some(link) = &self.voice else {
            tracing::info!("read aloud ({screen}): this station has no voice");
            return;
        };
        let reading = match screen {
            "home" => Reading::Home,
            "priority" => Reading::Priority,
            "closed" => Reading::Closed,
            "no-ticket" => Reading::NoTicket,
            "ticket" => match &link.shown {
                Some(slip) => Reading::Ticket {
                    ticket: slip.code,
                    ahead: slip.ahead,
                    windows: self
                        .station
                        .catalog()
                        .category(slip.category)
                        .map(|c| c.windows.clone())
                        .unwrap_or_default(),
                },
                None => Reading::Home,
            },
            "complaint-topic" => Reading::ComplaintTopic,
            "complaint-window" => Reading::ComplaintWindow,
            "complaint-text" => Reading::ComplaintText,
            "complaint-phone" => Reading::ComplaintPhone,
            "complaint-confirm" => Reading::ComplaintConfirm,
            "complaint-done" => Reading::ComplaintDone,
            other => {
                tracing::warn!("read aloud: the screen `{other}` has nothing to read");
                return;
            }
        };
        self.announce(Announcement::Read(reading), english);
    }

    /// Staff repeat a window's call or stop an announcement.
    pub(super) fn voice_control(
        &mut self,
        control: VoiceControl,
        actor: Actor,
    ) -> Result<(), Refusal> {
        let Some(link) = &self.voice else {
            return Err(Refusal::Refused(
                "这个服务站没有喇叭 · This station has no speaker (the board profile names no [audio] device, or voice is off)".into(),
            ));
        };
        match control {
            VoiceControl::Repeat { window } => {
                let now = self.clock.now();
                let view = self.station.view(now);
                let ticket = view
                    .windows
                    .iter()
                    .find(|w| w.window == window)
                    .and_then(|w| w.ticket)
                    .ok_or_else(|| {
                        Refusal::Refused(format!(
                            "{window} 号窗口没有正在办理的号 · Window {window} is serving no ticket"
                        ))
                    })?;
                tracing::info!("{actor} asked to repeat the call of {ticket} to window {window}");
                link.voice.ask(Request::Say {
                    announcement: Announcement::Repeat { ticket, window },
                    english: false,
                });
            }
            VoiceControl::Stop { id } => link.voice.ask(Request::Stop { id, by: actor }),
        }
        Ok(())
    }

    /// What the player reported: the board's highlight, and the journal.
    pub(super) async fn voice_report(&mut self, report: Report) {
        match report {
            Report::Started { id, announcement } => {
                if let Some(link) = &mut self.voice {
                    link.announcing = Some((id, announcement.ticket(), announcement.window()));
                }
                self.push_view();
            }
            Report::Ended(ended) => {
                if let Some(link) = &mut self.voice
                    && link.announcing.is_some_and(|(id, _, _)| id == ended.id)
                {
                    link.announcing = None;
                }
                self.push_view();
                let a = &ended.announcement;
                let command = Command::NoteAnnounced {
                    what: a.kind(),
                    ticket: a.ticket(),
                    window: a.window(),
                    sets: ended.sets,
                    outcome: ended.outcome,
                };
                let actor = ended.by.unwrap_or(Actor::System);
                if let Err(f) = self.exec(command, actor).await {
                    tracing::error!("cannot journal an announcement: {}", f.message());
                }
            }
        }
    }

    /// Answers once the player has nothing playing or waiting (or, with
    /// `sync`, has handled what it was asked so far).
    pub(super) fn when_silent(&self, reply: tokio::sync::oneshot::Sender<()>, sync: bool) {
        match &self.voice {
            Some(link) if sync => link.voice.ask(Request::Sync(reply)),
            Some(link) => link.voice.ask(Request::WhenIdle(reply)),
            None => {
                let _ = reply.send(());
            }
        }
    }

    /// Staff mode's voice page: what plays and what waits.
    pub(super) fn voice_line(&self) -> String {
        let Some(state) = self.voice_state() else {
            return "本站没有喇叭，叫号只显示在屏幕上 · No speaker: calls are shown, not said"
                .into();
        };
        let what = crate::voice::Entry::describe;
        let mut lines = Vec::new();
        match &state.playing {
            Some(p) => lines.push(format!("正在播放 Now: {}", what(p))),
            None => lines.push("没有广播 Nothing is being said".into()),
        }
        for e in &state.queue {
            lines.push(format!("等待 Waiting: {}", what(e)));
        }
        lines.extend(state.problems.iter().cloned());
        lines.join("\n")
    }

    /// The player's state, for `state`, the console and staff mode.
    pub(super) fn voice_state(&self) -> Option<crate::voice::VoiceState> {
        self.voice.as_ref().map(|l| l.voice.state())
    }
}
