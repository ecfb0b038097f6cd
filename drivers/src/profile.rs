//! Printer profiles: what a printer model can do, read from a data file
//! (`assets/printers.toml`).
//!
//! A profile answers the questions the encoder and the transport must not guess:
//! the paper width, the text encoding, which cuts the cutter makes, whether the
//! printer draws QR codes and keeps logos, how much it buffers, how it tells the
//! host to wait, and how fast it prints. It is data, not code: a station with
//! another model adds a table to its own copy of the file.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use crate::escpos::Cut;

/// The profiles shipped with the kiosk.
pub const BUILT_IN: &str = include_str!("../../assets/printers.toml");

/// How the printer tells the host to stop sending.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlowControl {
    /// A 3-wire line: the printer drops what it cannot buffer, so the host paces.
    None,
    /// Hardware handshake on the RTS/CTS lines.
    RtsCts,
    /// Software handshake: the printer sends XOFF (0x13) and XON (0x11).
    XonXoff,
}

/// How text reaches the printer.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    /// `FS &` Chinese mode, GB18030 restricted to its 2-byte subset.
    Gb18030,
    /// No Chinese font: ASCII only, anything else replaced visibly.
    Ascii,
}

/// One printer model's capabilities.
#[derive(Clone, PartialEq, Eq, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The key in the file (`generic-58`), filled in after reading.
    #[serde(skip)]
    pub id: String,
    pub name: String,
    pub width_dots: u16,
    pub dots_per_mm: u8,
    pub columns: u8,
    pub encoding: TextEncoding,
    pub code_page: u8,
    pub cuts: Vec<CutForm>,
    pub qr: bool,
    pub nv_logo: bool,
    pub receive_buffer: u32,
    pub flow_control: FlowControl,
    pub status: bool,
    pub auto_status: bool,
    pub speed_mm_s: u16,
    pub cut_ms: u32,
}

/// A cut the cutter can make, as written in the file.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CutForm {
    Partial,
    Full,
}

impl Profile {
    /// The cut to end a ticket with: partial when the cutter makes one (the
    /// ticket stays on the printer until taken), else full, else none (the tear
    /// bar).
    pub fn ticket_cut(&self) -> Option<Cut> {
        if self.cuts.contains(&CutForm::Partial) {
            Some(Cut::Partial)
        } else if self.cuts.contains(&CutForm::Full) {
            Some(Cut::Full)
        } else {
            None
        }
    }

    /// Time the paper of `dots` rows takes to pass the head at full speed.
    pub fn print_time(&self, dots: u32) -> Duration {
        let mm = f64::from(dots) / f64::from(self.dots_per_mm.max(1));
        Duration::from_secs_f64(mm / f64::from(self.speed_mm_s.max(1)))
    }

    /// Bytes a second the printer consumes at its slowest: a full-width image
    /// (one bit a dot) at full speed.
    pub fn drain_rate(&self) -> u32 {
        u32::from(self.width_dots / 8) * u32::from(self.dots_per_mm) * u32::from(self.speed_mm_s)
    }

    pub fn cut_time(&self) -> Duration {
        Duration::from_millis(u64::from(self.cut_ms))
    }
}

/// The profiles of one file, by id.
#[derive(Clone, Debug)]
pub struct Profiles {
    by_id: BTreeMap<String, Profile>,
}

/// Why a profile file or a profile name was refused.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The file is not valid TOML or a table misses or misnames a field. The
    /// message names the file, the line and the field.
    #[error("{file}: {message}")]
    Syntax { file: String, message: String },
    /// A value is out of range.
    #[error("{file}: printer `{id}`: {field} {problem}")]
    Invalid {
        file: String,
        id: String,
        field: &'static str,
        problem: String,
    },
    /// The configured model is not in the file.
    #[error("unknown printer model `{model}`; {file} lists {known}")]
    Unknown {
        model: String,
        file: String,
        known: String,
    },
}

impl Profiles {
    /// The profiles shipped with the kiosk.
    pub fn built_in() -> Self {
        // The file is part of the build and checked by a test.
        Self::parse(BUILT_IN, "assets/printers.toml").unwrap_or(Self {
            by_id: BTreeMap::new(),
        })
    }

    /// Reads a profile file; `file` names it in messages.
    pub fn parse(text: &str, file: &str) -> Result<Self, ProfileError> {
        let raw: BTreeMap<String, Profile> =
            toml::from_str(text).map_err(|e| ProfileError::Syntax {
                file: file.to_string(),
                message: e.to_string().trim_end().to_string(),
            })?;
        let mut by_id = BTreeMap::new();
        for (id, mut p) in raw {
            p.id = id.clone();
            let invalid = |field, problem: &str| ProfileError::Invalid {
                file: file.to_string(),
                id: id.clone(),
                field,
                problem: problem.to_string(),
            };
            if !(64..=832).contains(&p.width_dots) {
                return Err(invalid(
                    "width_dots",
                    "must be 64–832 dots (384 for 58 mm paper, 576 for 80 mm)",
                ));
            }
            if !(6..=12).contains(&p.dots_per_mm) {
                return Err(invalid("dots_per_mm", "must be 6–12 (8 is 203 dpi)"));
            }
            if !(16..=64).contains(&p.columns) {
                return Err(invalid("columns", "must be 16–64 characters"));
            }
            if p.receive_buffer < 64 {
                return Err(invalid("receive_buffer", "must be at least 64 bytes"));
            }
            if !(10..=500).contains(&p.speed_mm_s) {
                return Err(invalid("speed_mm_s", "must be 10–500 mm/s"));
            }
            if p.cut_ms > 5000 {
                return Err(invalid("cut_ms", "must be at most 5000 ms"));
            }
            if p.auto_status && !p.status {
                return Err(invalid("auto_status", "needs status = true"));
            }
            by_id.insert(id, p);
        }
        if by_id.is_empty() {
            return Err(ProfileError::Syntax {
                file: file.to_string(),
                message: "no printer profiles in the file".into(),
            });
        }
        Ok(Self { by_id })
    }

    /// The profile of a model; `file` names the file in the message.
    pub fn get(&self, model: &str, file: &str) -> Result<&Profile, ProfileError> {
        self.by_id.get(model).ok_or_else(|| ProfileError::Unknown {
            model: model.to_string(),
            file: file.to_string(),
            known: self.by_id.keys().cloned().collect::<Vec<_>>().join(", "),
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = &Profile> {
        self.by_id.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_profiles_cover_58_80_and_an_epson() {
        let profiles = Profiles::parse(BUILT_IN, "printers.toml").unwrap();
        let get = |id| profiles.get(id, "printers.toml").unwrap();
        assert_eq!(get("generic-58").width_dots, 384);
        assert_eq!(get("generic-80").width_dots, 576);
        assert_eq!(get("epson-tm-t20").flow_control, FlowControl::XonXoff);
        assert_eq!(get("generic-58").ticket_cut(), Some(Cut::Partial));
        for p in profiles.iter() {
            assert_eq!(p.encoding, TextEncoding::Gb18030, "{}", p.id);
            assert!(p.status, "{}", p.id);
        }
        assert_eq!(Profiles::built_in().iter().count(), 3);
    }

    #[test]
    fn a_missing_field_names_the_file_the_printer_and_the_field() {
        let text = BUILT_IN.replacen("width_dots = 384\n", "", 1);
        let err = Profiles::parse(&text, "/etc/kiosk/printers.toml")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("/etc/kiosk/printers.toml: "), "{err}");
        assert!(err.contains("missing field `width_dots`"), "{err}");
        assert!(err.contains("generic-58"), "{err}");
    }

    #[test]
    fn misspelt_fields_and_bad_values_are_refused() {
        let err = Profiles::parse(
            &BUILT_IN.replacen("qr = true", "qrcode = true", 1),
            "p.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unknown field `qrcode`"), "{err}");
        let err = Profiles::parse(
            &BUILT_IN.replacen("flow_control = \"none\"", "flow_control = \"dtr\"", 1),
            "p.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unknown variant `dtr`"), "{err}");
        let err = Profiles::parse(
            &BUILT_IN.replacen("width_dots = 384", "width_dots = 38", 1),
            "p.toml",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "p.toml: printer `generic-58`: width_dots must be 64–832 dots (384 for 58 mm paper, 576 for 80 mm)"
        );
        assert!(Profiles::parse("", "p.toml").is_err());
    }

    #[test]
    fn an_unknown_model_lists_the_known_ones() {
        let err = Profiles::built_in()
            .get("xp-9000", "printers.toml")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "unknown printer model `xp-9000`; printers.toml lists epson-tm-t20, generic-58, generic-80"
        );
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        /// A profile's fields as a file writes them, within their ranges.
        #[allow(clippy::type_complexity)]
        fn fields() -> impl Strategy<Value = (String, String)> {
            (
                "[a-z][a-z0-9-]{0,12}",
                "[A-Za-z0-9 ]{1,20}",
                (64u16..=832, 6u8..=12, 16u8..=64, any::<bool>(), any::<u8>()),
                (prop::sample::subsequence(vec!["partial", "full"], 0..=2), any::<bool>(), any::<bool>()),
                (64u32..=1_000_000, prop::sample::select(vec!["none", "rts-cts", "xon-xoff"]), any::<bool>(), any::<bool>()),
                (10u16..=500, 0u32..=5000),
            )
                .prop_map(|(id, name, (width, dots, columns, gb, code_page), (cuts, qr, nv_logo), (buffer, flow, status, auto), (speed, cut_ms))| {
                    let cuts: Vec<String> = cuts.iter().map(|c| format!("\"{c}\"")).collect();
                    let text = format!(
                        "[{id}]\nname = \"{name}\"\nwidth_dots = {width}\ndots_per_mm = {dots}\ncolumns = {columns}\nencoding = \"{}\"\ncode_page = {code_page}\ncuts = [{}]\nqr = {qr}\nnv_logo = {nv_logo}\nreceive_buffer = {buffer}\nflow_control = \"{flow}\"\nstatus = {status}\nauto_status = {}\nspeed_mm_s = {speed}\ncut_ms = {cut_ms}\n",
                        if gb { "gb18030" } else { "ascii" },
                        cuts.join(", "),
                        auto && status,
                    );
                    (id, text)
                })
        }

        proptest! {
            /// Whatever the file holds: profiles, or an error that names
            /// the file — never a panic.
            #[test]
            fn any_text_is_read_or_refused_with_the_file_named(text in any::<String>()) {
                if let Err(e) = Profiles::parse(&text, "p.toml") {
                    prop_assert!(e.to_string().starts_with("p.toml: "), "{}", e);
                }
            }

            /// A profile within every range is read back as written; one
            /// value out of its range is refused naming the printer and
            /// the field.
            #[test]
            fn profiles_in_range_are_read_and_out_of_range_refused((id, text) in fields(), wide in 833u16..5000) {
                let profiles = Profiles::parse(&text, "p.toml").unwrap();
                let p = profiles.get(&id, "p.toml").unwrap();
                prop_assert_eq!(&p.id, &id);
                let width = format!("width_dots = {}\n", p.width_dots);
                prop_assert!(text.contains(&width), "{}", width);
                prop_assert!(!p.auto_status || p.status);
                let wider = text
                    .lines()
                    .map(|l| if l.starts_with("width_dots") { format!("width_dots = {wide}") } else { l.to_string() })
                    .collect::<Vec<_>>()
                    .join("\n");
                let e = Profiles::parse(&wider, "p.toml").unwrap_err().to_string();
                prop_assert!(e.starts_with(&format!("p.toml: printer `{id}`: width_dots must be")), "{}", e);
            }
        }
    }

    #[test]
    fn print_time_follows_speed_and_resolution() {
        let p = Profiles::built_in();
        let p = p.get("generic-58", "").unwrap();
        // 720 dots = 90 mm at 8 dots/mm; at 90 mm/s, one second.
        assert_eq!(p.print_time(720), Duration::from_secs(1));
        assert_eq!(p.cut_time(), Duration::from_millis(300));
    }
}
