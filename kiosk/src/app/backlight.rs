//! The screen's backlight follows the station's hours: on from
//! `ui.backlight_margin_minutes` before the first session of an open day to as
//! long after the last, off otherwise (nights, weekends, holidays). It is
//! switched through sysfs (`/sys/class/backlight/NAME/bl_power`: 0 on, 4
//! off); without a backlight there (a desktop, HDMI panels without one) it is
//! a no-op with one log line. A smoke alarm always lights the screen. The
//! station loop sets it every second (`Core::with_backlight`).

use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};

use crate::domain::{HolidayCalendar, Hours, Settings, is_open_day};

pub use crate::config::BacklightSetting;

/// Whether the screen should be lit at `now`.
pub fn lit(
    hours: &Hours,
    calendar: &HolidayCalendar,
    settings: &Settings,
    margin: SignedDuration,
    now: Timestamp,
) -> bool {
    let local = settings.time_zone.to_datetime(now);
    let date = local.date();
    if !is_open_day(hours, calendar, settings.closed_on_holidays, date) {
        return false;
    }
    let (Some(first), Some(last)) = (hours.sessions.first(), hours.sessions.last()) else {
        return false;
    };
    let at = |t: jiff::civil::Time| date.to_datetime(t);
    let from = at(first.start).checked_sub(margin).ok();
    let until = at(last.end).checked_add(margin).ok();
    match (from, until) {
        (Some(from), Some(until)) => local >= from && local < until,
        _ => true,
    }
}

/// The backlight device, and what it was last set to.
pub struct Backlight {
    device: Option<PathBuf>,
    on: Option<bool>,
}

impl Backlight {
    /// Finds the device the setting names (under `root`, normally
    /// `/sys/class/backlight`); says so once when there is none.
    pub fn find(setting: &BacklightSetting, root: &Path) -> Self {
        let device = match setting {
            BacklightSetting::Off => None,
            BacklightSetting::Device(d) => Some(d.clone()),
            BacklightSetting::Auto => std::fs::read_dir(root).ok().and_then(|entries| {
                let mut found: Vec<PathBuf> =
                    entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                found.sort();
                found.into_iter().next()
            }),
        };
        match &device {
            Some(d) => tracing::info!("backlight {}", d.display()),
            None if *setting == BacklightSetting::Off => {}
            None => tracing::info!(
                "backlight: none under {}; the screen stays lit after hours",
                root.display()
            ),
        }
        Self { device, on: None }
    }

    /// Switches the backlight when that changes anything.
    pub fn set(&mut self, on: bool) {
        let Some(device) = &self.device else {
            return;
        };
        if self.on == Some(on) {
            return;
        }
        let power = device.join("bl_power");
        match std::fs::write(&power, if on { "0\n" } else { "4\n" }) {
            Ok(()) => {
                tracing::info!(
                    "backlight {}",
                    if on {
                        "on (opening soon)"
                    } else {
                        "off after hours"
                    }
                );
                self.on = Some(on);
            }
            Err(e) => {
                tracing::warn!("{}", refused(&power, &e));
                // Not tried again until it would change.
                self.on = Some(on);
            }
        }
    }
}

/// Why writing the backlight's `bl_power` failed, and what fixes it. The
/// two causes seen on an appliance are told apart by the error: a read-only
/// /sys (the unit's `ProtectKernelTunables=yes` without the backlight in
/// its `ReadWritePaths=`), and a file the kiosk user may not write (the
/// udev rule gives it to the `video` group).
fn refused(power: &Path, e: &std::io::Error) -> String {
    let fix = match e.kind() {
        std::io::ErrorKind::ReadOnlyFilesystem => {
            // The unit must name the device's real folder: /sys/class holds
            // only links to it.
            let real = std::fs::canonicalize(power)
                .ok()
                .and_then(|p| p.parent().map(Path::to_path_buf))
                .unwrap_or_else(|| power.parent().unwrap_or(power).to_path_buf());
            format!(
                "/sys is read-only for the kiosk: the unit's ProtectKernelTunables=yes makes it so, except where ReadWritePaths= allows (the packaged unit allows the Pi's backlights under /sys/devices/platform) — add `ReadWritePaths={}` with `systemctl edit kiosk`, or set ui.backlight = \"none\"",
                real.display()
            )
        }
        std::io::ErrorKind::PermissionDenied => "the kiosk user may not write it — it needs the `video` group, and the udev rule that gives that group the backlight (packaging/99-kiosk.rules; `udevadm trigger` applies it)".to_string(),
        _ => "check the backlight device (ui.backlight in kiosk.toml), or set ui.backlight = \"none\"".to_string(),
    };
    format!(
        "cannot switch the backlight ({}): {e} — {fix}",
        power.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn at(local: &str) -> Timestamp {
        let config = Config::builtin().unwrap();
        config
            .settings
            .time_zone
            .to_timestamp(local.parse().unwrap())
            .unwrap()
    }

    #[test]
    fn the_screen_is_lit_from_before_opening_to_after_closing_on_open_days_only() {
        let config = Config::builtin().unwrap();
        let margin = SignedDuration::from_mins(30);
        let lit_at = |local: &str| {
            lit(
                config.catalog.hours(),
                &config.calendar,
                &config.settings,
                margin,
                at(local),
            )
        };
        // Monday 2026-11-30: sessions 08:30–12:00 and 14:00–17:30.
        assert!(!lit_at("2026-11-30T07:59"));
        assert!(lit_at("2026-11-30T08:00"));
        // Lunch: staff are about, the screen stays on.
        assert!(lit_at("2026-11-30T13:00"));
        assert!(lit_at("2026-11-30T17:59"));
        assert!(!lit_at("2026-11-30T18:00"));
        assert!(!lit_at("2026-11-30T23:30"));
        // Saturday, and National Day (an official holiday).
        assert!(!lit_at("2026-12-05T10:00"));
        assert!(!lit_at("2026-10-01T10:00"));
    }

    #[test]
    fn a_refused_backlight_names_the_cause_and_the_fix() {
        let root = tempfile::tempdir().unwrap();
        let device = root.path().join("devices/platform/backlight/10-0045");
        std::fs::create_dir_all(&device).unwrap();
        std::fs::write(device.join("bl_power"), "0\n").unwrap();
        let class = root.path().join("class");
        std::fs::create_dir_all(&class).unwrap();
        std::os::unix::fs::symlink(&device, class.join("10-0045")).unwrap();
        let power = class.join("10-0045/bl_power");

        let read_only = refused(&power, &std::io::Error::from_raw_os_error(30));
        assert!(
            read_only.contains("ProtectKernelTunables=yes"),
            "{read_only}"
        );
        // The real folder, not the link under /sys/class.
        let real = std::fs::canonicalize(&device).unwrap();
        assert!(
            read_only.contains(&format!("ReadWritePaths={}", real.display())),
            "{read_only}"
        );
        let denied = refused(&power, &std::io::Error::from_raw_os_error(13));
        assert!(
            denied.contains("`video` group") && denied.contains("99-kiosk.rules"),
            "{denied}"
        );
        assert!(!denied.contains("ReadWritePaths"), "{denied}");
        let other = refused(&power, &std::io::Error::from_raw_os_error(6));
        assert!(other.contains("ui.backlight"), "{other}");
    }

    #[test]
    fn the_backlight_is_switched_through_bl_power_and_absent_ones_are_left_alone() {
        let root = tempfile::tempdir().unwrap();
        let device = root.path().join("10-0045");
        std::fs::create_dir_all(&device).unwrap();
        std::fs::write(device.join("bl_power"), "0\n").unwrap();
        let mut backlight = Backlight::find(&BacklightSetting::Auto, root.path());
        backlight.set(false);
        assert_eq!(
            std::fs::read_to_string(device.join("bl_power")).unwrap(),
            "4\n"
        );
        backlight.set(true);
        assert_eq!(
            std::fs::read_to_string(device.join("bl_power")).unwrap(),
            "0\n"
        );
        // Told to stay off: nothing is written.
        let mut off = Backlight::find(&BacklightSetting::Off, root.path());
        off.set(false);
        assert_eq!(
            std::fs::read_to_string(device.join("bl_power")).unwrap(),
            "0\n"
        );
        // No backlight at all: a no-op.
        let empty = tempfile::tempdir().unwrap();
        let mut none = Backlight::find(&BacklightSetting::Auto, empty.path());
        none.set(false);
        assert!(std::fs::read_dir(empty.path()).unwrap().next().is_none());
    }
}
