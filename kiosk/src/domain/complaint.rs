//! What a citizen files in the complaint box: the topic (the regulations'
//! complaint scope), an optional window, optional text, and an optional mobile
//! number for the callback — each checked here, before anything is recorded.
//!
//! A mobile number is personal data: its `Display` and `Debug` show it masked
//! (`138****5678`), so it cannot slip into a log line or a journal entry by
//! formatting; only [`Phone::full`] gives the digits, for the case itself.

use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// What a complaint is about (便民服务投诉管理办法 §四), plus "other".
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// 服务态度
    Attitude,
    /// 办事效率
    Efficiency,
    /// 办件手续
    Procedure,
    /// 收费情况
    Fees,
    /// 办理结果
    Outcome,
    /// 其他
    Other,
}

impl Topic {
    pub const ALL: [Topic; 6] = [
        Topic::Attitude,
        Topic::Efficiency,
        Topic::Procedure,
        Topic::Fees,
        Topic::Outcome,
        Topic::Other,
    ];

    pub fn zh(self) -> &'static str {
        match self {
            Topic::Attitude => "服务态度",
            Topic::Efficiency => "办事效率",
            Topic::Procedure => "办件手续",
            Topic::Fees => "收费情况",
            Topic::Outcome => "办理结果",
            Topic::Other => "其他",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Topic::Attitude => "Staff attitude",
            Topic::Efficiency => "Speed of service",
            Topic::Procedure => "Procedures and papers",
            Topic::Fees => "Fees",
            Topic::Outcome => "The result",
            Topic::Other => "Something else",
        }
    }
}

/// A mainland China mobile number: 11 digits, starting 13–19.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

/// Why a mobile number was refused (the number itself is not repeated).
#[derive(Clone, Copy, PartialEq, Eq, Debug, thiserror::Error)]
pub enum PhoneError {
    #[error("a mobile number has 11 digits")]
    Length,
    #[error("a mobile number has digits only")]
    NotDigits,
    #[error("a mainland mobile number starts with 13 to 19")]
    Prefix,
}

impl Phone {
    /// Reads a number as typed; spaces and dashes between digits are allowed.
    pub fn parse(typed: &str) -> Result<Self, PhoneError> {
        let digits: String = typed.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(PhoneError::NotDigits);
        }
        if digits.len() != 11 {
            return Err(PhoneError::Length);
        }
        if !digits.starts_with('1') || !matches!(digits.as_bytes()[1], b'3'..=b'9') {
            return Err(PhoneError::Prefix);
        }
        Ok(Self(digits))
    }

    /// `138****5678`: what every view but the case itself shows.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }

    /// The digits, for the case file and the callback only.
    pub fn full(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

impl TryFrom<String> for Phone {
    type Error = PhoneError;
    fn try_from(text: String) -> Result<Self, PhoneError> {
        Phone::parse(&text)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

/// A digit, ASCII or full-width (as a Chinese keyboard types it).
fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')),
        _ => None,
    }
}

/// Numbers that read as a mainland mobile number, masked (`138****5678`): a
/// number typed into free text is personal data like the one in the number
/// field. Digits may be full-width and grouped by spaces, dashes or dots
/// (`138-1234-5678`), and may carry the country code (`+86`, `0086`).
pub fn mask_phones(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i]).is_none() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // A run of digits, single separators allowed between them.
        let start = i;
        let mut end = i;
        let mut digits = String::new();
        while i < chars.len() {
            if let Some(d) = digit(chars[i]) {
                digits.push(d);
                i += 1;
                end = i;
            } else if matches!(chars[i], ' ' | '-' | '.' | '\u{3000}')
                && chars.get(i + 1).copied().and_then(digit).is_some()
            {
                i += 1;
            } else {
                break;
            }
        }
        i = end;
        let number = ["", "86", "0086"].iter().find_map(|prefix| {
            digits
                .strip_prefix(prefix)
                .and_then(|rest| Phone::parse(rest).ok())
                .map(|p| (prefix, p))
        });
        match number {
            Some((prefix, phone)) => {
                out.push_str(prefix);
                out.push_str(&phone.masked());
            }
            None => out.extend(&chars[start..end]),
        }
    }
    out
}

/// Free text as a case keeps it: mobile numbers masked (before the text is
/// cut, so that no half number survives, and again after invisible characters
/// between digits are gone), then normalised and cut to `max` characters.
pub fn private_text(raw: &str, max: usize) -> String {
    let (text, _) = normalise_text(&mask_phones(raw), max);
    mask_phones(&text)
}

/// The longest complaint text, in characters.
pub const MAX_TEXT: usize = 300;

/// The longest staff note on a case (a stage, a reason, a reopening).
pub const MAX_NOTE: usize = 500;

/// Invisible characters that change how text around them reads: bidi
/// overrides and isolates (a right-to-left mark can make a case read
/// backwards), zero-width spaces and joiners, the byte-order mark.
fn is_format(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// Complaint text as stored: NFC, no control characters (line breaks become
/// spaces), runs of spaces collapsed, trimmed, at most `max` characters.
/// Returns the text and whether it had to be cut.
pub fn normalise_text(raw: &str, max: usize) -> (String, bool) {
    let mut out = String::new();
    let mut space = false;
    for c in raw.chars().filter(|c| !is_format(*c)).nfc() {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    let count = out.chars().count();
    if count > max {
        let cut: String = out.chars().take(max).collect();
        (cut.trim_end().to_string(), true)
    } else {
        (out, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers_are_checked_and_shown_masked() {
        let p = Phone::parse("138 1234-5678").unwrap();
        assert_eq!(p.full(), "13812345678");
        assert_eq!(p.masked(), "138****5678");
        assert_eq!(p.to_string(), "138****5678");
        assert_eq!(format!("{p:?}"), "Phone(138****5678)");
        let table = [
            ("1381234567", PhoneError::Length),
            ("138123456789", PhoneError::Length),
            ("1381234567a", PhoneError::NotDigits),
            ("12812345678", PhoneError::Prefix),
            ("23812345678", PhoneError::Prefix),
            ("", PhoneError::Length),
            ("１３８１２３４５６７８", PhoneError::NotDigits),
        ];
        for (typed, error) in table {
            assert_eq!(Phone::parse(typed), Err(error), "{typed}");
        }
        // Errors never repeat the digits.
        assert!(!PhoneError::Prefix.to_string().contains("128"));
    }

    #[test]
    fn text_is_normalised_and_cut_to_length() {
        assert_eq!(
            normalise_text("  窗口\t工作人员\n\n态度不好\u{7}  ", 300),
            ("窗口 工作人员 态度不好".to_string(), false)
        );
        // Decomposed é becomes one character.
        assert_eq!(normalise_text("Cafe\u{301}", 300).0, "Café");
        let (cut, was_cut) = normalise_text(&"好".repeat(310), MAX_TEXT);
        assert!(was_cut);
        assert_eq!(cut.chars().count(), MAX_TEXT);
        assert_eq!(normalise_text("", 300), (String::new(), false));
    }

    #[test]
    fn pasted_garbage_is_made_safe() {
        // Ten thousand characters: cut to the limit.
        let (text, cut) = normalise_text(&"投诉".repeat(5_000), MAX_TEXT);
        assert!(cut && text.chars().count() == MAX_TEXT);
        // A right-to-left override would make the case read backwards; zero
        // width characters hide things. Both go; emoji stay (they are what
        // the citizen wrote).
        assert_eq!(
            normalise_text("\u{202E}态度差\u{200F}\u{200B}😠\u{FEFF}", 300).0,
            "态度差😠"
        );
        assert_eq!(normalise_text("a\u{0}b\u{1b}[31mc", 300).0, "a b [31mc");
    }

    #[test]
    fn mobile_numbers_typed_into_the_text_are_masked() {
        assert_eq!(
            mask_phones("请打13812345678联系我，工号0101"),
            "请打138****5678联系我，工号0101"
        );
        assert_eq!(
            mask_phones("138123456789"),
            "138123456789",
            "12 digits is not a phone"
        );
        // Grouped, full-width, with the country code: still a phone.
        for typed in [
            "138-1234-5678",
            "138 1234 5678",
            "138.1234.5678",
            "１３８１２３４５６７８",
            "+86 138 1234 5678",
            "0086-13812345678",
        ] {
            let masked = mask_phones(&format!("电话{typed}谢谢"));
            assert!(masked.contains("138****5678"), "{typed}: {masked}");
            assert!(
                !masked.contains("1234") && !masked.contains("１２３４"),
                "{masked}"
            );
        }
        // Dates and amounts stay as they are.
        assert_eq!(
            mask_phones("2026-11-30 收费 20.50 元"),
            "2026-11-30 收费 20.50 元"
        );
    }

    #[test]
    fn topics_are_the_regulations_scope() {
        let zh: Vec<&str> = Topic::ALL.iter().map(|t| t.zh()).collect();
        assert_eq!(
            zh,
            [
                "服务态度",
                "办事效率",
                "办件手续",
                "收费情况",
                "办理结果",
                "其他"
            ]
        );
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            /// Whatever is typed: NFC, no control characters, no leading,
            /// trailing or doubled spaces, never longer than allowed, and
            /// normalising again changes nothing.
            #[test]
            fn normalised_text_keeps_its_promises(raw in any::<String>(), max in 0usize..50) {
                let (text, _) = normalise_text(&raw, max);
                prop_assert!(text.chars().count() <= max);
                prop_assert!(!text.chars().any(char::is_control));
                prop_assert!(!text.chars().any(is_format));
                prop_assert!(!text.starts_with(' ') && !text.contains("  "));
                prop_assert!(unicode_normalization::is_nfc(&text));
                prop_assert!(!text.ends_with(' '));
                let (again, cut) = normalise_text(&text, max);
                prop_assert_eq!(again, text);
                prop_assert!(!cut);
            }

            /// A number parses exactly when it is 11 digits starting 13–19,
            /// and the mask hides the middle four.
            #[test]
            fn phones_parse_by_the_rule(digits in "[0-9]{9,12}") {
                let ok = digits.len() == 11
                    && digits.starts_with('1')
                    && matches!(digits.as_bytes()[1], b'3'..=b'9');
                match Phone::parse(&digits) {
                    Ok(p) => {
                        prop_assert!(ok);
                        prop_assert_eq!(p.masked().len(), 11);
                        prop_assert_eq!(&p.masked()[3..7], "****");
                    }
                    Err(_) => prop_assert!(!ok),
                }
            }
        }
    }
}
