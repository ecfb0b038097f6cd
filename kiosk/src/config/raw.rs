//! kiosk.toml's shape as serde reads it, every value with its place in the
//! file (`Spanned`) so that an error can name the line. Checking and
//! defaults are in the parent module.

use serde::Deserialize;
use toml::Spanned;

use crate::domain::CalendarDay;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawBackup {
    pub(super) dir: Option<Spanned<String>>,
    pub(super) keep: Option<Spanned<u32>>,
    pub(super) recipients: Option<Spanned<Vec<String>>>,
    pub(super) passphrase_file: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawConsole {
    pub(super) enabled: Option<bool>,
    pub(super) listen: Option<Spanned<String>>,
    pub(super) session_minutes: Option<Spanned<u64>>,
    /// PEM certificate chain and private key: serve HTTPS.
    pub(super) tls_cert: Option<Spanned<String>>,
    pub(super) tls_key: Option<Spanned<String>>,
    /// Plain HTTP on an address other than loopback, PINs in clear.
    pub(super) allow_plain_http: Option<bool>,
    pub(super) connections: Option<Spanned<usize>>,
    pub(super) connections_per_address: Option<Spanned<usize>>,
    pub(super) read_timeout_seconds: Option<Spanned<u64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawConfig {
    pub(super) station: RawStation,
    pub(super) queue: RawQueue,
    pub(super) evaluator: RawEvaluator,
    pub(super) ui: RawUi,
    pub(super) printer: RawPrinter,
    pub(super) store: RawStore,
    pub(super) board: RawBoard,
    pub(super) window: Vec<Spanned<RawWindow>>,
    pub(super) people: RawPeople,
    pub(super) complaints: RawComplaints,
    pub(super) dockets: RawDockets,
    pub(super) console: RawConsole,
    pub(super) clock: RawClock,
    pub(super) backup: RawBackup,
    pub(super) uplink: RawUplink,
    pub(super) voice: RawVoice,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawVoice {
    pub(super) enabled: Option<Spanned<bool>>,
    pub(super) sets: Option<Spanned<Vec<Spanned<String>>>>,
    pub(super) english: Option<Spanned<String>>,
    pub(super) numbers: Option<Spanned<String>>,
    pub(super) volume: Option<Spanned<u8>>,
    pub(super) early_volume: Option<Spanned<u8>>,
    pub(super) early_minutes: Option<Spanned<u32>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawUplink {
    pub(super) broker: Option<Spanned<String>>,
    pub(super) station: Option<Spanned<String>>,
    pub(super) ca: Option<Spanned<String>>,
    pub(super) cert: Option<Spanned<String>>,
    pub(super) key: Option<Spanned<String>>,
    pub(super) status_seconds: Option<Spanned<u64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawClock {
    pub(super) doubt_minutes: Option<Spanned<u32>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawComplaints {
    pub(super) answer_days: Option<Spanned<u32>>,
    pub(super) phone_retention_days: Option<Spanned<u32>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawDockets {
    pub(super) principal_retention_days: Option<Spanned<u32>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawStation {
    pub(super) name_zh: Option<String>,
    pub(super) name_en: Option<String>,
    pub(super) duty_phone: Option<String>,
    pub(super) complaint_hotline: Option<String>,
    pub(super) time_zone: Option<Spanned<String>>,
    pub(super) catalog: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawQueue {
    pub(super) policy: Option<Spanned<String>>,
    pub(super) alternate_every: Option<Spanned<u8>>,
    pub(super) recall_limit: Option<Spanned<u8>>,
    pub(super) requeue_after: Option<u32>,
    pub(super) last_ticket_minutes: Option<Spanned<u32>>,
    pub(super) day_close: Option<Spanned<String>>,
    pub(super) closed_on_holidays: Option<bool>,
    pub(super) default_service_minutes: Option<Spanned<u32>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawEvaluator {
    pub(super) armed_seconds: Option<Spanned<u32>>,
    pub(super) callback_days: Option<Spanned<u32>>,
    pub(super) rectification_days: Option<Spanned<u32>>,
    pub(super) call_waits_for_rating: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWindow {
    pub(super) number: Spanned<i64>,
    pub(super) staff_name: Option<Spanned<String>>,
    pub(super) staff_no: Option<Spanned<String>>,
    pub(super) a: Option<Spanned<String>>,
    pub(super) b: Option<Spanned<String>>,
    pub(super) agent: Option<Spanned<String>>,
    pub(super) substitute: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawPeople {
    pub(super) sign_on: Option<Spanned<String>>,
    pub(super) issue_when_away: Option<bool>,
    pub(super) reminder_buzzer: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawUi {
    pub(super) language: Option<Spanned<String>>,
    pub(super) idle_seconds: Option<Spanned<u64>>,
    pub(super) complaint_idle_seconds: Option<Spanned<u64>>,
    pub(super) ticket_seconds: Option<Spanned<u64>>,
    pub(super) headless_size: Option<Spanned<String>>,
    pub(super) exits: Option<Spanned<Vec<String>>>,
    pub(super) backlight: Option<Spanned<String>>,
    pub(super) backlight_margin_minutes: Option<Spanned<u64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawPrinter {
    pub(super) port: Option<Spanned<String>>,
    pub(super) model: Option<Spanned<String>>,
    pub(super) profiles: Option<Spanned<String>>,
    pub(super) baud: Option<Spanned<u32>>,
    pub(super) parity: Option<Spanned<String>>,
    pub(super) flow_control: Option<Spanned<String>>,
    pub(super) write_timeout_ms: Option<Spanned<u64>>,
    pub(super) status_timeout_ms: Option<Spanned<u64>>,
    pub(super) hold_seconds: Option<Spanned<u64>>,
    pub(super) poll_seconds: Option<Spanned<u64>>,
    pub(super) reprint_unconfirmed_minutes: Option<Spanned<u32>>,
    pub(super) auto_status: Option<bool>,
    pub(super) logo: Option<bool>,
    pub(super) simulate_timing: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawStore {
    pub(super) busy_timeout_ms: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawBoard {
    pub(super) profile: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCatalog {
    pub(super) hours: Spanned<RawHours>,
    #[serde(default)]
    pub(super) category: Vec<Spanned<RawCategory>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHours {
    pub(super) days: Spanned<toml::Value>,
    pub(super) sessions: Spanned<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCategory {
    pub(super) prefix: Spanned<String>,
    pub(super) zh: Spanned<String>,
    pub(super) en: Spanned<String>,
    pub(super) windows: Spanned<Vec<Spanned<i64>>>,
    pub(super) hours: Option<Spanned<RawHours>>,
}

#[derive(Deserialize)]
pub(super) struct RawCalendarFile {
    pub(super) year: i16,
    pub(super) days: Vec<CalendarDay>,
}

/// matters.toml: the matter catalog (`config::matters`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMatters {
    pub(super) catalog: Spanned<RawMattersHead>,
    #[serde(default)]
    pub(super) matter: Vec<Spanned<RawMatter>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMattersHead {
    #[serde(default)]
    pub(super) sample: bool,
    pub(super) return_days: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMatter {
    pub(super) id: Spanned<String>,
    pub(super) name: Spanned<String>,
    pub(super) name_en: Option<Spanned<String>>,
    pub(super) category: Spanned<String>,
    pub(super) pinyin: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) basis: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) conditions: Vec<Spanned<String>>,
    pub(super) time_limit: Spanned<toml::Value>,
    pub(super) fee: Option<Spanned<toml::Value>>,
    pub(super) windows: Option<Spanned<Vec<i64>>>,
    #[serde(default)]
    pub(super) proxy: bool,
    #[serde(default)]
    pub(super) in_person: bool,
    #[serde(default)]
    pub(super) steps: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) material: Vec<Spanned<RawMaterial>>,
    #[serde(default)]
    pub(super) question: Vec<Spanned<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMaterial {
    pub(super) name: Spanned<String>,
    pub(super) name_en: Option<Spanned<String>>,
    pub(super) form: Spanned<String>,
    pub(super) copies: Option<Spanned<i64>>,
    pub(super) note: Option<Spanned<String>>,
    pub(super) note_en: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) station_copies: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQuestion {
    pub(super) q: Spanned<String>,
    pub(super) a: Spanned<String>,
}
