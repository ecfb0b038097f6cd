//! The station loop's side of the people at the windows: signing on with a
//! PIN, and an away notice — its return time read in the station's time,
//! the manager's PIN checked for an absence past 30 minutes.

use super::*;
use crate::app::control::command::AwayRequest;
use crate::app::{PinPurpose, Refusal};
use crate::domain::{Actor, Away, AwayReason, Command, SignInPlace, StaffRef, StaffRole, WindowNo};

/// A keypad's sign-on under way is forgotten after this long without a key.
pub(super) const KEYPAD_IDLE: std::time::Duration = std::time::Duration::from_secs(30);

/// What a window's numeric keypad has taken so far: the staff number, then
/// (after the first enter) the PIN. Kept in memory only, never journaled.
#[derive(Default)]
pub(super) struct KeypadEntry {
    staff: String,
    pin: Option<String>,
    last: Option<tokio::time::Instant>,
}

impl Core {
    /// A digit or enter on a window's numeric keypad: staff number, enter,
    /// PIN, enter signs the member on there — the PIN checked off the loop
    /// like any, a wrong one counted against the member (ten lock them
    /// out) and journaled.
    pub(super) async fn keypad_key(&mut self, window: WindowNo, key: board::StaffKey) {
        let now = tokio::time::Instant::now();
        let entry = self.keypads.entry(window.get()).or_default();
        if entry
            .last
            .is_some_and(|t| now.duration_since(t) >= KEYPAD_IDLE)
        {
            *entry = KeypadEntry::default();
        }
        entry.last = Some(now);
        match (key, &mut entry.pin) {
            (board::StaffKey::Digit(d), None) if entry.staff.len() < 16 => {
                entry.staff.push(char::from(b'0' + d));
            }
            (board::StaffKey::Digit(d), Some(pin)) if pin.len() < 16 => {
                pin.push(char::from(b'0' + d));
            }
            (board::StaffKey::Enter, None) if !entry.staff.is_empty() => {
                entry.pin = Some(String::new())
            }
            // Enter with no PIN typed yet is a slip, not a wrong PIN.
            (board::StaffKey::Enter, Some(pin)) if !pin.is_empty() => {
                let KeypadEntry { staff, pin, .. } = std::mem::take(entry);
                let (reply, answer) = oneshot::channel();
                let purpose = PinPurpose::SignOn { window, reply };
                self.begin_pin(staff, pin.unwrap_or_default(), SignInPlace::Keypad, purpose)
                    .await;
                tokio::spawn(async move {
                    if let Ok(Err(e)) = answer.await {
                        tracing::warn!("window {window}: keypad sign-on refused: {e}");
                    }
                });
            }
            _ => {}
        }
    }

    /// Forgets keypad entries left unfinished (on the tick).
    pub(super) fn expire_keypads(&mut self) {
        let now = tokio::time::Instant::now();
        self.keypads
            .retain(|_, e| e.last.is_some_and(|t| now.duration_since(t) < KEYPAD_IDLE));
    }

    /// A member signs on at a window with their PIN: checked off the loop,
    /// then [`Core::signed_on`].
    pub(super) async fn begin_sign_on(
        &mut self,
        window: u8,
        staff: String,
        pin: String,
        reply: oneshot::Sender<Result<(), Refusal>>,
    ) {
        match window_no(window) {
            Ok(window) => {
                let purpose = PinPurpose::SignOn { window, reply };
                self.begin_pin(staff, pin, SignInPlace::Command, purpose)
                    .await;
            }
            Err(e) => {
                let _ = reply.send(Err(e));
            }
        }
    }

    /// The PIN was right: the member signs on under the name the staff
    /// list has.
    pub(super) async fn signed_on(
        &mut self,
        window: WindowNo,
        staff: String,
        name: String,
        role: StaffRole,
    ) -> Result<(), Refusal> {
        let command = Command::SignOn {
            role: Some(role),
            window,
            member: StaffRef {
                name,
                number: staff.clone(),
            },
        };
        self.command(command, Actor::Staff { id: staff }).await
    }

    /// A window's member steps away: the request read, then — past the
    /// limit, with a manager named — the manager's PIN checked first.
    pub(super) async fn begin_away(
        &mut self,
        request: AwayRequest,
        actor: Actor,
        reply: oneshot::Sender<Result<(), Refusal>>,
    ) {
        let (window, away) = match self.away_of(&request) {
            Ok(parts) => parts,
            Err(e) => {
                let _ = reply.send(Err(e));
                return;
            }
        };
        match request.manager {
            Some((staff, pin)) => {
                let purpose = PinPurpose::Away {
                    window,
                    away,
                    reply,
                };
                self.begin_pin(staff, pin, SignInPlace::Command, purpose)
                    .await;
            }
            None => {
                let result = self
                    .command(Command::StepAway { window, away }, actor)
                    .await;
                let _ = reply.send(result);
            }
        }
    }

    /// The approver's PIN was right: a manager approves; anyone else is
    /// refused.
    pub(super) async fn approved_away(
        &mut self,
        window: WindowNo,
        mut away: Away,
        staff: String,
        role: StaffRole,
    ) -> Result<(), Refusal> {
        if role != StaffRole::Manager {
            return Err(Refusal::Refused(format!(
                "staff {staff} is not a manager; only the station manager (站长) approves an absence past 30 minutes"
            )));
        }
        away.approver = Some(staff.clone());
        self.command(
            Command::StepAway { window, away },
            Actor::Staff { id: staff },
        )
        .await
    }

    /// The away notice a request asks for, its return time in the
    /// station's time zone.
    fn away_of(&self, request: &AwayRequest) -> Result<(WindowNo, Away), Refusal> {
        let window = window_no(request.window)?;
        let reason = AwayReason::parse(&request.reason).ok_or_else(|| {
            Refusal::Refused(format!(
                "`{}` is not a reason; use {}",
                request.reason,
                AwayReason::ALL
                    .iter()
                    .map(|r| format!("{} ({})", r.word(), r.zh()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        let back_at = return_time(
            &request.back,
            self.clock.now(),
            &self.station.settings().time_zone,
        )
        .map_err(Refusal::Refused)?;
        let instead = request.instead.map(window_no).transpose()?;
        Ok((
            window,
            Away {
                reason,
                back_at,
                contact: request.contact.clone(),
                instead,
                approver: None,
            },
        ))
    }
}

fn window_no(n: u8) -> Result<WindowNo, Refusal> {
    WindowNo::new(n)
        .ok_or_else(|| Refusal::Refused(format!("window {n} is out of range 1–{}", WindowNo::MAX)))
}

/// A return time as staff give it: `HH:MM` today in the station's time
/// zone, or `+MINUTES` from now.
pub fn return_time(
    text: &str,
    now: jiff::Timestamp,
    tz: &jiff::tz::TimeZone,
) -> Result<jiff::Timestamp, String> {
    let text = text.trim();
    let bad = || format!("`{text}` is not a return time; give HH:MM (today) or +MINUTES");
    if let Some(minutes) = text.strip_prefix('+') {
        let minutes: i64 = minutes.parse().map_err(|_| bad())?;
        if !(1..=60 * 24 * 31).contains(&minutes) {
            return Err(bad());
        }
        return now
            .checked_add(jiff::SignedDuration::from_mins(minutes))
            .map_err(|_| bad());
    }
    let time: jiff::civil::Time = text.parse().map_err(|_| bad())?;
    tz.to_ambiguous_timestamp(tz.to_datetime(now).date().to_datetime(time))
        .compatible()
        .map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_times_read_in_the_stations_zone() {
        let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
        let now: jiff::Timestamp = "2026-11-30T01:00:00Z".parse().unwrap();
        assert_eq!(
            return_time("15:30", now, &tz).unwrap().to_string(),
            "2026-11-30T07:30:00Z"
        );
        assert_eq!(
            return_time("+45", now, &tz).unwrap().to_string(),
            "2026-11-30T01:45:00Z"
        );
        for bad in ["", "25:00", "3pm", "+0", "+x", "+99999"] {
            let e = return_time(bad, now, &tz).unwrap_err();
            assert!(e.contains("HH:MM"), "{bad}: {e}");
        }
    }
}
