//! The safety zones in a profile (role, who may reset, confirmation and
//! warm-up times, and how each input is wired: a contact, a contact with a
//! fault contact, or an end-of-line loop with its bands) and the board's
//! outputs.

use std::time::Duration;

use drivers::zone::Bands;
use toml::Spanned;

use super::{RawOutputs, RawZone, RawZoneInput, Reader, Span};
use crate::profile::{Outputs, ProfileError, ResetRole, ZoneRole, ZoneSpec, ZoneWiring};

impl Reader<'_> {
    pub(super) fn zone(
        &mut self,
        i: usize,
        z: &RawZone,
        span: Span,
    ) -> Result<ZoneSpec, ProfileError> {
        let field = |f: &str| Some(format!("zone[{i}].{f}"));
        let name = z.name.get_ref().trim().to_string();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(self.error(
                Some(z.name.span()),
                field("name"),
                format!("`{name}` is not a zone name: letters, digits and `-`, such as \"panic\" or \"smoke-hall\""),
            ));
        }
        let role = match z.role.get_ref().as_str() {
            "panic" => ZoneRole::Panic,
            "smoke" => ZoneRole::Smoke,
            "gas" => ZoneRole::Gas,
            other => {
                return Err(self.error(
                    Some(z.role.span()),
                    field("role"),
                    format!("`{other}` is not a zone role; use \"panic\", \"smoke\" or \"gas\""),
                ));
            }
        };
        let reset_role = match (&z.reset_role, role) {
            (None, ZoneRole::Gas) => None,
            (None, _) => {
                return Err(self.error(
                    Some(span),
                    field("reset_role"),
                    format!("zone `{name}` has no reset_role; say who may reset its alarm: \"staff\" or \"manager\""),
                ));
            }
            (Some(r), _) => Some(match r.get_ref().as_str() {
                "staff" => ResetRole::Staff,
                "manager" => ResetRole::Manager,
                other => {
                    return Err(self.error(
                        Some(r.span()),
                        field("reset_role"),
                        format!("`{other}` is not a role; use \"staff\" or \"manager\""),
                    ));
                }
            }),
        };
        let only = |value: bool, f: &str, what: &str| -> Result<(), ProfileError> {
            if value {
                Err(self.error(
                    Some(span.clone()),
                    field(f),
                    format!("{f} applies to {what} zones only"),
                ))
            } else {
                Ok(())
            }
        };
        only(
            z.confirm_seconds.is_some() && role != ZoneRole::Smoke,
            "confirm_seconds",
            "smoke",
        )?;
        only(
            z.warm_up_seconds.is_some() && role != ZoneRole::Gas,
            "warm_up_seconds",
            "gas",
        )?;
        let confirm = match role {
            ZoneRole::Panic => 0,
            ZoneRole::Smoke => self.number(
                &z.confirm_seconds,
                format!("zone[{i}].confirm_seconds"),
                0..=10,
                5,
                " seconds",
            )?,
            // A gas sensor's reading must persist before it warns.
            ZoneRole::Gas => 10,
        };
        let warm_up = self.number(
            &z.warm_up_seconds,
            format!("zone[{i}].warm_up_seconds"),
            0..=1800,
            180,
            " seconds",
        )?;
        let wiring = self.wiring(i, &name, z.input.get_ref())?;
        Ok(ZoneSpec {
            name,
            role,
            wiring,
            confirm: Duration::from_secs(confirm as u64),
            warm_up: Duration::from_secs(if role == ZoneRole::Gas {
                warm_up as u64
            } else {
                0
            }),
            reset_role,
        })
    }

    fn wiring(
        &mut self,
        i: usize,
        name: &str,
        w: &RawZoneInput,
    ) -> Result<ZoneWiring, ProfileError> {
        let field = |f: &str| format!("zone[{i}].input.{f}");
        let need = |this: &Self, present: bool, f: &str| -> Result<(), ProfileError> {
            if present {
                Ok(())
            } else {
                Err(this.error(
                    Some(w.kind.span()),
                    Some(field(f)),
                    format!("a `{}` input needs `{f}`", w.kind.get_ref()),
                ))
            }
        };
        let level = |this: &Self,
                     v: &Option<Spanned<String>>,
                     f: &str|
         -> Result<bool, ProfileError> {
            match v.as_ref().map(|a| (a.get_ref().as_str(), a.span())) {
                None | Some(("open", _)) => Ok(true),
                Some(("closed", _)) => Ok(false),
                Some((other, span)) => Err(this.error(
                    Some(span),
                    Some(field(f)),
                    format!("`{other}` is not \"open\" or \"closed\" (when the zone is active)"),
                )),
            }
        };
        match w.kind.get_ref().as_str() {
            "contact" | "contact-with-fault" => {
                need(self, w.pin.is_some(), "pin")?;
                let Some(pin) = &w.pin else { unreachable!("checked") };
                let pin = self.pin(pin, &field("pin"), format!("zone `{name}`"))?;
                let active_open = level(self, &w.active, "active")?;
                if w.kind.get_ref() == "contact" {
                    return Ok(ZoneWiring::Contact { pin, active_open });
                }
                need(self, w.fault_pin.is_some(), "fault_pin")?;
                let Some(fault_pin) = &w.fault_pin else { unreachable!("checked") };
                let fault_pin = self.pin(fault_pin, &field("fault_pin"), format!("zone `{name}`'s fault contact"))?;
                let fault_active_open = level(self, &w.fault_active, "fault_active")?;
                Ok(ZoneWiring::ContactWithFault { pin, active_open, fault_pin, fault_active_open })
            }
            "loop" => {
                for (present, f) in [
                    (w.short_below.is_some(), "short_below"),
                    (w.normal.is_some(), "normal"),
                    (w.active_band.is_some(), "active_band"),
                    (w.open_from.is_some(), "open_from"),
                ] {
                    need(self, present, f)?;
                }
                let (Some(short), Some(normal), Some(active), Some(open)) =
                    (&w.short_below, &w.normal, &w.active_band, &w.open_from)
                else {
                    unreachable!("checked")
                };
                let f = |v: f64| v as f32;
                let bands = Bands::new(
                    f(*short.get_ref()),
                    (f(normal.get_ref().0), f(normal.get_ref().1)),
                    (f(active.get_ref().0), f(active.get_ref().1)),
                    f(*open.get_ref()),
                )
                .map_err(|e| self.error(Some(normal.span()), Some(field("normal")), e.0))?;
                // An ADS1115 answers at 0x48–0x4B and has four inputs.
                Ok(ZoneWiring::Loop {
                    bus: self.number(&w.bus, field("bus"), 0..=31, 1, "")? as u8,
                    address: self.number(&w.address, field("address"), 0x48..=0x4B, 0x48, " (an ADS1115 answers at 0x48–0x4B)")? as u8,
                    channel: self.number(&w.channel, field("channel"), 0..=3, 0, "")? as u8,
                    bands,
                })
            }
            other => Err(self.error(
                Some(w.kind.span()),
                Some(field("kind")),
                format!("`{other}` is not a zone input; use \"contact\", \"contact-with-fault\" or \"loop\""),
            )),
        }
    }

    pub(super) fn outputs(&mut self, o: &RawOutputs) -> Result<Outputs, ProfileError> {
        let mut out = |v: &Option<Spanned<i64>>, name: &str| -> Result<Option<u32>, ProfileError> {
            v.as_ref()
                .map(|p| self.pin(p, &format!("outputs.{name}"), format!("outputs.{name}")))
                .transpose()
        };
        Ok(Outputs {
            buzzer: out(&o.buzzer, "buzzer")?,
            alarm_relay: out(&o.alarm_relay, "alarm_relay")?,
            siren_relay: out(&o.siren_relay, "siren_relay")?,
            heartbeat: out(&o.heartbeat, "heartbeat")?,
        })
    }
}
