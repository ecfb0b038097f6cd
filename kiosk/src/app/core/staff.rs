//! Staff on the touchscreen and the console: PIN checks off the loop, staff
//! mode's actions, alarms reset by staff.

use super::*;
use crate::app::DeviceEvent;
use crate::app::{Event, PinPurpose, StaffAction, StaffOutcome, ZoneRequest};
use crate::domain::{Actor, CategoryId, Command, SignInPlace, StaffRole, WindowNo};
use crate::store::PinRefusal;

impl Core {
    /// Starts checking a PIN typed at `place` for `purpose`, off the loop;
    /// the verdict comes back as [`Event::PinChecked`]. The touchscreen's pad
    /// refuses at once while it waits after repeated wrong PINs.
    pub(super) async fn begin_pin(
        &mut self,
        staff: String,
        pin: String,
        place: SignInPlace,
        purpose: PinPurpose,
    ) {
        if place == SignInPlace::Touchscreen
            && let Some(wait) = self.pad.waiting(tokio::time::Instant::now())
        {
            let seconds = wait.as_secs().max(1);
            tracing::warn!("staff mode: a PIN refused unread; the pad waits {seconds} s");
            // The number was not looked up: it may be a PIN in the wrong
            // field, so it is not journaled as typed.
            self.journal_pin(
                "?",
                place,
                Some(format!(
                    "the pad waits {seconds} s after repeated wrong PINs"
                )),
            )
            .await;
            self.answer_pin(staff, Err(Refusal::PadWaits { seconds }), purpose)
                .await;
            return;
        }
        let (checker, events, now) = (self.pins.clone(), self.events.clone(), self.clock.now());
        self.pins_pending += 1;
        tokio::spawn(async move {
            let verdict = checker.verify(staff.clone(), pin, now, place).await;
            let _ = events.send(Event::Device(DeviceEvent::PinChecked {
                staff,
                place,
                verdict,
                purpose,
            }));
        });
    }

    /// A PIN's verdict came back: counted against the member where PINs
    /// count, journaled (every refusal, and a sign-in to the console or
    /// staff mode), then what it was for is done. An unknown staff number is
    /// noted as `?`, never as typed: it may be a PIN typed in the wrong
    /// field.
    pub(super) async fn pin_checked(
        &mut self,
        staff: String,
        place: SignInPlace,
        verdict: Result<crate::store::Verdict, Refusal>,
        purpose: PinPurpose,
    ) {
        use crate::store::{Counting, Verdict};
        self.pins_pending = self.pins_pending.saturating_sub(1);
        let now = self.clock.now();
        let counted = match verdict {
            Err(e) => Err(e),
            // A public surface: a wrong PIN costs the member nothing.
            Ok(Verdict::Wrong) if crate::app::pins::counting(place) == Counting::Surface => {
                Ok(Err(PinRefusal::Wrong {
                    left: crate::store::SOFT_LIMIT,
                }))
            }
            Ok(verdict) => self
                .writer
                .record_pin(staff.clone(), verdict, now)
                .await
                .map_err(|e| Refusal::from(&e)),
        };
        let result = match counted {
            Ok(Ok(member)) => {
                if place == SignInPlace::Touchscreen {
                    self.pad.right();
                }
                if place != SignInPlace::Command {
                    self.journal_pin(&staff, place, None).await;
                }
                Ok(member)
            }
            Ok(Err(refusal)) => {
                let named = if refusal == PinRefusal::Unknown {
                    "?"
                } else {
                    staff.as_str()
                };
                tracing::warn!("staff {named}: PIN refused ({}): {refusal}", place.word());
                if place == SignInPlace::Touchscreen {
                    self.pad.wrong(tokio::time::Instant::now());
                }
                self.journal_pin(named, place, Some(refusal.to_string()))
                    .await;
                Err(Refusal::Pin(refusal))
            }
            Err(e) => {
                tracing::error!("checking a PIN: {e}");
                Err(e)
            }
        };
        self.answer_pin(staff, result, purpose).await;
        self.settle_waiters();
    }

    /// Journals a sign-in (`refused`: None) or a refused PIN at `place`.
    pub(super) async fn journal_pin(
        &mut self,
        staff: &str,
        place: SignInPlace,
        refused: Option<String>,
    ) {
        let note = Command::NoteSignIn {
            staff: staff.to_string(),
            place,
            refused,
        };
        let actor = Actor::Staff {
            id: staff.to_string(),
        };
        match self.exec(note, actor).await {
            Ok(effects) => self.perform(effects),
            Err(f) => tracing::error!("journaling a sign-in: {}", f.message()),
        }
    }

    /// Does what a checked PIN was for, as the member it names.
    pub(super) async fn answer_pin(
        &mut self,
        staff: String,
        member: Result<(StaffRole, String), Refusal>,
        purpose: PinPurpose,
    ) {
        match purpose {
            PinPurpose::StaffMode { session } => {
                if session != self.staff_mode {
                    // Staff mode was left while the PIN was checked.
                    return;
                }
                match member {
                    Ok((role, name)) => {
                        tracing::info!(
                            "staff {staff} ({}) signed in on the touchscreen",
                            role.word()
                        );
                        self.screen.staff(StaffOutcome::SignedIn {
                            name: format!("{name} ({staff})"),
                        });
                        self.session = Some((staff, role, name));
                    }
                    Err(e) => self.screen.staff(StaffOutcome::Message(e.to_string())),
                }
            }
            PinPurpose::Console(reply) => {
                if member.is_ok() {
                    tracing::info!("staff {staff} signed in to the staff console");
                }
                let _ = reply.send(member);
            }
            PinPurpose::Alarm { reset, zone, reply } => {
                let result = match member {
                    Ok((role, _)) => self.alarm_as(reset, zone, staff, role).await,
                    Err(e) => Err(e),
                };
                let _ = reply.send(result);
            }
            PinPurpose::ExtendCase {
                case,
                days,
                reason,
                reply,
            } => {
                let result = match member {
                    Ok((role, _)) => {
                        let command = Command::ExtendCase {
                            case,
                            working_days: days,
                            reason,
                            role,
                        };
                        self.command(command, Actor::Staff { id: staff }).await
                    }
                    Err(e) => Err(e),
                };
                let _ = reply.send(result);
            }
            PinPurpose::ExportCase { case, reply } => {
                let result = match member {
                    Ok((role, _)) => {
                        let command = Command::ExportCase {
                            case,
                            role,
                            place: SignInPlace::Command,
                        };
                        self.command(command, Actor::Staff { id: staff }).await
                    }
                    Err(e) => Err(e),
                };
                let _ = reply.send(result);
            }
            PinPurpose::SignOn { window, reply } => {
                let result = match member {
                    Ok((role, name)) => self.signed_on(window, staff, name, role).await,
                    Err(e) => Err(e),
                };
                let _ = reply.send(result);
            }
            PinPurpose::Away {
                window,
                away,
                reply,
            } => {
                let result = match member {
                    Ok((role, _)) => self.approved_away(window, away, staff, role).await,
                    Err(e) => Err(e),
                };
                let _ = reply.send(result);
            }
            PinPurpose::ConfirmClock(reply) => {
                let result = match member {
                    Ok((role, _)) => {
                        self.command(Command::ConfirmClock { role }, Actor::Staff { id: staff })
                            .await
                    }
                    Err(e) => Err(e),
                };
                let _ = reply.send(result);
            }
        }
    }

    /// An alarm acknowledged or reset by a staff member whose PIN was checked;
    /// after a reset, the board's zone latch follows.
    pub(super) async fn alarm_as(
        &mut self,
        reset: bool,
        zone: u8,
        staff: String,
        role: StaffRole,
    ) -> Result<(), Refusal> {
        let command = if reset {
            Command::ResetAlarm { zone, role }
        } else {
            Command::AcknowledgeAlarm { zone }
        };
        self.command(command, Actor::Staff { id: staff }).await?;
        if reset && let Some(zones) = &self.zones {
            let _ = zones.send(ZoneRequest::Reset { zone });
        }
        Ok(())
    }

    /// Staff mode: acknowledge or reset a zone's alarm as the signed-in member.
    pub(super) async fn staff_alarm(&mut self, zone: String, reset: bool) {
        let Some((staff, role, _)) = self.session.clone() else {
            self.screen
                .staff(StaffOutcome::Message("sign in first · 请先登录".into()));
            return;
        };
        let Some(number) = self
            .station
            .settings()
            .zones
            .iter()
            .position(|z| z.name == zone)
        else {
            return;
        };
        let message = match self.alarm_as(reset, number as u8, staff, role).await {
            Ok(()) if reset => format!("已复位 zone `{zone}` reset"),
            Ok(()) => format!("已确认 zone `{zone}` acknowledged"),
            Err(e) => e.to_string(),
        };
        self.screen.staff(StaffOutcome::Message(message));
    }

    /// Staff mode: paper change, reprint or back-entry, as the signed-in
    /// member; the outcome is shown in staff mode.
    pub(super) async fn staff_action(&mut self, action: StaffAction) {
        let Some((staff, role, name)) = self.session.clone() else {
            self.screen
                .staff(StaffOutcome::Message("sign in first · 请先登录".into()));
            return;
        };
        // Signing on and off name the member signed in to staff mode.
        if let StaffAction::SignOn(w) | StaffAction::SignOff(w) = action {
            let Some(window) = crate::domain::WindowNo::new(w) else {
                self.screen.staff(StaffOutcome::Message(format!(
                    "没有 {w} 号窗口 · No window {w}"
                )));
                return;
            };
            let (command, done) = match action {
                StaffAction::SignOn(_) => (
                    Command::SignOn {
                        window,
                        member: crate::domain::StaffRef {
                            name,
                            number: staff.clone(),
                        },
                        role: Some(role),
                    },
                    format!("已在 {w} 号窗口上岗 · Signed on at window {w}"),
                ),
                _ => (
                    Command::SignOff { window },
                    format!("已在 {w} 号窗口下岗 · Signed off at window {w}"),
                ),
            };
            let message = match self.command(command, Actor::Staff { id: staff }).await {
                Ok(()) => done,
                Err(e) => e.to_string(),
            };
            self.screen.staff(StaffOutcome::Message(message));
            return;
        }
        let voice = match action {
            StaffAction::VoiceStop => Some(crate::app::VoiceControl::Stop { id: None }),
            StaffAction::VoiceRepeat(w) => match crate::domain::WindowNo::new(w) {
                Some(window) => Some(crate::app::VoiceControl::Repeat { window }),
                None => {
                    self.screen.staff(StaffOutcome::Message(format!(
                        "没有 {w} 号窗口 · No window {w}"
                    )));
                    return;
                }
            },
            _ => None,
        };
        if let Some(control) = voice {
            let message = match self.voice_control(control, Actor::Staff { id: staff }) {
                Ok(()) => "好的 Done".to_string(),
                Err(e) => e.to_string(),
            };
            self.screen.staff(StaffOutcome::Message(message));
            return;
        }
        let (command, done) = match self.staff_command(action, role) {
            Ok(c) => c,
            Err(e) => {
                self.screen.staff(StaffOutcome::Message(e));
                return;
            }
        };
        let message = match self
            .command(command, Actor::Staff { id: staff })
            .await
            .map_err(|r| r.to_string())
        {
            Ok(()) => done,
            Err(e) => e,
        };
        self.screen.staff(StaffOutcome::Message(message));
    }

    /// The domain command for a staff-mode action, and what to say when it
    /// is done.
    pub(super) fn staff_command(
        &self,
        action: StaffAction,
        role: StaffRole,
    ) -> Result<(Command, String), String> {
        Ok(match action {
            // Not domain commands: handled before (`staff_action`).
            StaffAction::VoiceRepeat(_)
            | StaffAction::VoiceStop
            | StaffAction::SignOn(_)
            | StaffAction::SignOff(_) => {
                return Err("由上一步处理 · Handled before".into());
            }
            StaffAction::PaperChanged => (
                Command::PaperChanged,
                "正在打印测试页 · Printing a test page".into(),
            ),
            StaffAction::ConfirmClock => (
                Command::ConfirmClock { role },
                "已按系统时间校准 · The station now keeps the system clock's time".into(),
            ),
            StaffAction::Reprint(code) => {
                let ticket: crate::domain::TicketCode = code
                    .trim()
                    .parse()
                    .map_err(|e| format!("票号不对 Not a ticket number: {e}"))?;
                (
                    Command::Reprint { ticket },
                    format!("已补打 {ticket} · {ticket} printed again"),
                )
            }
            StaffAction::Notice {
                window,
                matter,
                version,
                missing,
            } => {
                let window = WindowNo::new(window)
                    .ok_or_else(|| "请选择窗口 Choose a window".to_string())?;
                let book = self.matters.version(version)?;
                let m = crate::domain::MatterId::parse(&matter)
                    .and_then(|id| book.get(&id))
                    .ok_or_else(|| "请选择事项 Choose a matter".to_string())?;
                let names = missing
                    .iter()
                    .filter_map(|i| m.materials.get(*i))
                    .map(|x| format!("{}（{}）", x.name.zh, x.form_zh()))
                    .collect();
                (
                    Command::GiveNotice {
                        window,
                        ticket: None,
                        matter: m.reference(version),
                        missing: names,
                        return_days: book.return_days,
                    },
                    format!(
                        "已打印补正告知书 · The notice is printing: {} · 窗口 window {window}",
                        m.name.zh
                    ),
                )
            }
            StaffAction::BackEntry {
                category,
                window,
                yesterday,
                start_minutes,
                minutes,
            } => {
                let category = CategoryId::parse(&category)
                    .ok_or_else(|| "请选择业务 Choose a category".to_string())?;
                let window = WindowNo::new(window)
                    .ok_or_else(|| "请选择窗口 Choose a window".to_string())?;
                let tz = &self.station.settings().time_zone;
                let mut day = self.station.business_day(self.clock.now());
                if yesterday {
                    day = day.yesterday().map_err(|e| e.to_string())?;
                }
                let start = jiff::civil::Time::new(
                    i8::try_from(start_minutes / 60 % 24).unwrap_or(0),
                    i8::try_from(start_minutes % 60).unwrap_or(0),
                    0,
                    0,
                )
                .map_err(|e| e.to_string())?;
                let started = tz
                    .to_ambiguous_timestamp(day.to_datetime(start))
                    .compatible()
                    .map_err(|e| e.to_string())?;
                let finished = started
                    .checked_add(jiff::SignedDuration::from_mins(i64::from(minutes)))
                    .map_err(|e| e.to_string())?;
                let local = format!("{:02}:{:02}", start.hour(), start.minute());
                (
                    Command::BackEnter(crate::domain::BackEntry {
                        category,
                        window,
                        started,
                        finished,
                        register_no: String::new(),
                        note: String::new(),
                    }),
                    format!(
                        "已补录 Back-entered: {category} · 窗口 window {window} · {local} · {minutes} min"
                    ),
                )
            }
        })
    }
}
