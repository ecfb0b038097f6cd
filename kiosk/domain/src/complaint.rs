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

/// Where a complaint came in (投诉管理办法: 来访、来电、来信、意见箱, and the
/// 12345 hotline's hand-over): the touchscreen's complaint box, or staff
/// entering one that came another way, so the 投诉台账 is complete.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The touchscreen's complaint box.
    #[default]
    Kiosk,
    /// 来访: in person, at the station.
    Visit,
    /// 来电: by telephone.
    Phone,
    /// 来信: by letter.
    Letter,
    /// 意见箱: the paper box on the wall.
    PaperBox,
    /// 12345 转办: handed over by the 12345 government hotline.
    Hotline,
}

impl Channel {
    /// The ways staff enter a complaint (the touchscreen files its own).
    pub const STAFF: [Channel; 5] = [
        Channel::Visit,
        Channel::Phone,
        Channel::Letter,
        Channel::PaperBox,
        Channel::Hotline,
    ];

    pub fn word(self) -> &'static str {
        match self {
            Channel::Kiosk => "kiosk",
            Channel::Visit => "visit",
            Channel::Phone => "phone",
            Channel::Letter => "letter",
            Channel::PaperBox => "paper_box",
            Channel::Hotline => "hotline",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Channel::Kiosk => "投诉箱（触摸屏）",
            Channel::Visit => "来访",
            Channel::Phone => "来电",
            Channel::Letter => "来信",
            Channel::PaperBox => "意见箱",
            Channel::Hotline => "12345 转办",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Channel::Kiosk => "complaint box (touchscreen)",
            Channel::Visit => "in person",
            Channel::Phone => "by phone",
            Channel::Letter => "by letter",
            Channel::PaperBox => "paper box",
            Channel::Hotline => "12345 hotline",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        [Channel::Kiosk]
            .into_iter()
            .chain(Self::STAFF)
            .find(|c| c.word() == text)
    }
}

/// A callback number: a mainland mobile (11 digits, starting 13–19) or a
/// landline with its area code (0 and 2–3 digits, then 7–8 digits) — many
/// villagers have only the house phone.
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
    #[error("a landline number is its area code and 7 or 8 digits (0898-88880000)")]
    Landline,
}

impl Phone {
    /// Reads a number as typed; spaces and dashes between digits are allowed.
    pub fn parse(typed: &str) -> Result<Self, PhoneError> {
        let digits: String = typed.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(PhoneError::NotDigits);
        }
        if let Some(rest) = digits.strip_prefix('0') {
            // 010 and 02x have three digits, the other area codes four.
            let local = digits.len().saturating_sub(Self::area_len(&digits));
            return if matches!(local, 7 | 8) && !rest.starts_with('0') {
                Ok(Self(digits))
            } else {
                Err(PhoneError::Landline)
            };
        }
        if digits.len() != 11 {
            return Err(PhoneError::Length);
        }
        if !digits.starts_with('1') || !matches!(digits.as_bytes()[1], b'3'..=b'9') {
            return Err(PhoneError::Prefix);
        }
        Ok(Self(digits))
    }

    /// The area code's length in a landline's digits.
    fn area_len(digits: &str) -> usize {
        if matches!(digits.as_bytes().get(1), Some(b'1' | b'2')) {
            3
        } else {
            4
        }
    }

    /// A landline (area code first) rather than a mobile.
    pub fn is_landline(&self) -> bool {
        self.0.starts_with('0')
    }

    /// `138****5678` or `0898-****0000`: what every view but the case
    /// itself shows (a landline as free text masks one).
    pub fn masked(&self) -> String {
        if self.is_landline() {
            let area = Self::area_len(&self.0);
            let tail = &self.0[self.0.len() - 4..];
            format!(
                "{}-{}{tail}",
                &self.0[..area],
                "*".repeat(self.0.len() - area - 4)
            )
        } else {
            format!("{}****{}", &self.0[..3], &self.0[7..])
        }
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

/// A digit, ASCII or full-width (as a Chinese keyboard types it), as its value.
fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => u8::try_from(u32::from(c) - u32::from('０')).ok(),
        _ => None,
    }
}

/// What people put between the digits of one number: spaces of any width,
/// dashes and hyphens of every length, dots, slashes, middle dots, brackets
/// around an area code, underscores, and invisible characters. Not commas
/// (amounts and lists) and not colons (times).
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || is_format(c)
        || matches!(
            c,
            '-' | '.'
                | '/'
                | '('
                | ')'
                | '_'
                // Middle dots: Latin, hyphenation point, katakana, half-width.
                | '\u{00B7}'
                | '\u{2027}'
                | '\u{30FB}'
                | '\u{FF65}'
                // Hyphen to horizontal bar (– —), minus, small dashes.
                | '\u{2010}'
                ..='\u{2015}'
                | '\u{2212}'
                | '\u{FE58}'
                | '\u{FE63}'
                // Full-width （ ） － ． ／ ＿.
                | '\u{FF08}'
                | '\u{FF09}'
                | '\u{FF0D}'
                | '\u{FF0E}'
                | '\u{FF0F}'
                | '\u{FF3F}'
        )
}

/// Which digits, counted from `d[0]`, are hidden when a phone number starts
/// there: the middle four of a mobile (`138****5678`), the first four of a
/// landline's local number after its area code (`0898-****5678`). `None`
/// when no phone number starts there.
///
/// A mobile is `1[3-9]` and nine more digits. A landline is `0` (or the
/// country code `86` in its place), an area code (`10`, `2x`, or three
/// digits starting 3–9) and a local number of at least seven digits starting
/// 2–9.
fn hidden_digits(d: &[u8]) -> Option<std::ops::Range<usize>> {
    let shift = |r: std::ops::Range<usize>, by: usize| r.start + by..r.end + by;
    match d {
        [1, 3..=9, ..] if d.len() >= 11 => Some(3..7),
        [0, rest @ ..] => landline(rest).map(|r| shift(r, 1)),
        [8, 6, rest @ ..] => landline(rest).map(|r| shift(r, 2)),
        _ => None,
    }
}

/// A landline's area code (without its `0`) and local number at the start
/// of `d`: the first four local digits. `86…` is never an area code: after
/// `00` it is China's country code (`0086 138…`).
fn landline(d: &[u8]) -> Option<std::ops::Range<usize>> {
    let area = match d {
        [8, 6, ..] => return None,
        [1, 0, ..] | [2, _, ..] => 2,
        [3..=9, _, _, ..] => 3,
        _ => return None,
    };
    let local = d.get(area..)?;
    (local.len() >= 7 && (2..=9).contains(&local[0])).then_some(area..area + 4)
}

/// The digits that belong to a time of day (`9:30`, `17:00:05`): one or two
/// digits, a colon, two digits. They never join a number: a time written
/// next to a date (`2026-11-30 09:30—2026-12-05 17:00`) stays a time.
fn time_digits(chars: &[char]) -> Vec<bool> {
    let mut time = vec![false; chars.len()];
    let value = |digits: &[char]| {
        digits
            .iter()
            .fold(0u32, |v, c| v * 10 + u32::from(digit(*c).unwrap_or(0)))
    };
    for (k, c) in chars.iter().enumerate() {
        if !matches!(c, ':' | '：') {
            continue;
        }
        let left = chars[..k]
            .iter()
            .rev()
            .take_while(|c| digit(**c).is_some())
            .count();
        let right = chars[k + 1..]
            .iter()
            .take_while(|c| digit(**c).is_some())
            .count();
        let (before, after) = (&chars[k - left..k], &chars[k + 1..k + 1 + right]);
        if (1..=2).contains(&left) && right == 2 && value(before) <= 59 && value(after) <= 59 {
            time[k - left..k].fill(true);
            time[k + 1..k + 3].fill(true);
        }
    }
    time
}

/// Whether a run of digits and separators is only dates written in full
/// (`2026-11-30—2026-12-05`, `2026/11/30 2026/12/05`): year 20xx, two-digit
/// month and day, one separator inside each date. Such a run is left as it
/// is although its digits may read as a number. A number never starts with
/// `20`, so a run that holds one is never all dates.
fn only_dates(run: &[char]) -> bool {
    let mut groups: Vec<Vec<u8>> = vec![Vec::new()];
    let mut seps: Vec<Vec<char>> = Vec::new();
    for &c in run {
        match digit(c) {
            Some(d) => {
                if groups.len() == seps.len() {
                    groups.push(Vec::new());
                }
                if let Some(g) = groups.last_mut() {
                    g.push(d);
                }
            }
            None => {
                if groups.len() > seps.len() {
                    seps.push(Vec::new());
                }
                if let Some(s) = seps.last_mut() {
                    s.push(c);
                }
            }
        }
    }
    let number = |g: &[u8]| g.iter().fold(0u32, |v, d| v * 10 + u32::from(*d));
    let date_sep = |s: &[char]| matches!(s, ['-' | '/' | '.' | '－' | '／' | '．']);
    groups.len().is_multiple_of(3)
        && groups.chunks(3).enumerate().all(|(t, date)| {
            let (year, month, day) = (&date[0], &date[1], &date[2]);
            let (a, b) = (&seps[3 * t], &seps[3 * t + 1]);
            matches!(year.as_slice(), [2, 0, _, _])
                && month.len() == 2
                && (1..=12).contains(&number(month))
                && day.len() == 2
                && (1..=31).contains(&number(day))
                && date_sep(a)
                && a == b
        })
}

/// Masks every phone number in one run of digits and separators, in place.
fn mask_run(run: &mut [char]) {
    let digits: Vec<(usize, u8)> = run
        .iter()
        .enumerate()
        .filter_map(|(i, c)| digit(*c).map(|d| (i, d)))
        .collect();
    if digits.len() < 10 || only_dates(run) {
        return;
    }
    let values: Vec<u8> = digits.iter().map(|(_, d)| *d).collect();
    let mut hide = vec![false; values.len()];
    for start in 0..values.len() {
        if let Some(range) = hidden_digits(&values[start..]) {
            hide[start + range.start..start + range.end].fill(true);
        }
    }
    for ((i, _), hidden) in digits.iter().zip(hide) {
        if hidden {
            run[*i] = '*';
        }
    }
}

/// Phone numbers in free text, masked where they stand: a number typed into
/// a complaint or a note is personal data like the one in the number field.
///
/// The rule is about the digits, not how they are written. Text is read as
/// runs of digits (ASCII or full-width) with separators between them
/// (spaces, dashes, dots, slashes, brackets — any number of them); within a
/// run, every mainland mobile number (11 digits starting 13–19, wherever it
/// starts: after a country code, glued to another number) shows only its
/// first three and last four digits (`138****5678`), and every landline with
/// an area code hides the first four digits of its local number
/// (`0898-****5678`). Only digits change, each into `*`, so the text keeps
/// its shape. Times (`13:45`), runs of full dates and shorter numbers
/// (amounts, staff numbers, hotlines such as 12345 or 400-800-1234) stay.
pub fn mask_phones(text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let time = time_digits(&chars);
    let mut i = 0;
    while i < chars.len() {
        if time[i] || digit(chars[i]).is_none() {
            i += 1;
            continue;
        }
        // A run: from a digit to the last digit reached through separators.
        let start = i;
        let mut end = i + 1;
        let mut next = i + 1;
        while next < chars.len() && !time[next] {
            if digit(chars[next]).is_some() {
                end = next + 1;
            } else if !is_separator(chars[next]) {
                break;
            }
            next += 1;
        }
        mask_run(&mut chars[start..end]);
        i = next;
    }
    chars.into_iter().collect()
}

/// Free text as a case keeps it: normalised (invisible characters between
/// digits gone), resident ID numbers and phone numbers masked in the whole
/// text, then cut to `max` characters — masked before the cut, so that no
/// half number escapes the rule.
pub fn private_text(raw: &str, max: usize) -> String {
    let (whole, _) = normalise_text(raw, usize::MAX);
    let masked = mask_phones(&crate::docket::mask_id_numbers(&whole));
    normalise_text(&masked, max).0
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
    fn landlines_with_their_area_code_are_callback_numbers() {
        for (typed, full, masked) in [
            ("0898-88880000", "089888880000", "0898-****0000"),
            ("010 12345678", "01012345678", "010-****5678"),
            ("0731-8888888", "07318888888", "0731-***8888"),
            ("020-3456789", "0203456789", "020-***6789"),
        ] {
            let p = Phone::parse(typed).unwrap();
            assert!(p.is_landline(), "{typed}");
            assert_eq!(p.full(), full);
            assert_eq!(p.masked(), masked, "{typed}");
            assert_eq!(format!("{p:?}"), format!("Phone({masked})"));
        }
        for typed in [
            "0898-888800",
            "0898-888800001",
            "00861381234",
            "0898",
            "01012345",
            "0",
            "01",
        ] {
            assert_eq!(Phone::parse(typed), Err(PhoneError::Landline), "{typed}");
        }
        assert!(!Phone::parse("13812345678").unwrap().is_landline());
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
    fn phone_numbers_typed_into_the_text_are_masked_whatever_separates_their_digits() {
        let table = [
            (
                "请打13812345678联系我，工号0101",
                "请打138****5678联系我，工号0101",
            ),
            // Grouped by anything, full-width, with a country code.
            ("138-1234-5678", "138-****-5678"),
            ("138 1234 5678", "138 **** 5678"),
            ("138.1234.5678", "138.****.5678"),
            ("138/1234/5678", "138/****/5678"),
            ("138／1234／5678", "138／****／5678"),
            ("138 - 1234 - 5678", "138 - **** - 5678"),
            ("138—1234—5678", "138—****—5678"),
            ("138·1234·5678", "138·****·5678"),
            ("１３８－１２３４－５６７８", "１３８－****－５６７８"),
            (
                "１３８\u{3000}１２３４\u{3000}５６７８",
                "１３８\u{3000}****\u{3000}５６７８",
            ),
            ("+86 138 1234 5678", "+86 138 **** 5678"),
            ("0086-13812345678", "0086-138****5678"),
            ("8613812345678", "86138****5678"),
            // Next to another number: a staff number, a second mobile, a
            // digit glued on.
            ("工号 0101 13812345678", "工号 0101 138****5678"),
            ("13812345678 13912345678", "138****5678 139****5678"),
            ("13812345678/13912345678", "138****5678/139****5678"),
            ("138123456789", "138****56789"),
            // Landlines with an area code, as they are written.
            ("0898-65312345", "0898-****2345"),
            ("(0898)6531234", "(0898)****234"),
            ("（０８９８）６５３１２３４５", "（０８９８）****２３４５"),
            ("010-6531 2345", "010-**** 2345"),
            ("020 8888 0000", "020 **** 0000"),
            ("+86 898 6531 2345", "+86 898 **** 2345"),
            ("0086-21-62345678", "0086-21-****5678"),
        ];
        for (typed, masked) in table {
            assert_eq!(mask_phones(typed), masked, "{typed}");
            assert_eq!(
                mask_phones(&format!("电话{typed}谢谢")),
                format!("电话{masked}谢谢"),
                "{typed} between words"
            );
        }
    }

    #[test]
    fn dates_times_amounts_and_short_numbers_are_left_as_they_are() {
        for text in [
            "2026-11-30 13:45",
            "2026-11-30 收费 20.50 元",
            "20.50 元",
            "退款 1,380.00 元",
            "2026-11-30—2026-12-05",
            "2026/11/30 2026/12/05 2026/12/07",
            "2026.11.30-2026.12.05",
            "2026-11-30 09:30—2026-12-05 17:00",
            "9:30-11:30, 14:00-17:30",
            "2026-11-30 08:59:59",
            "工号0101 窗口2 A012",
            "案件 2026-0012",
            "热线 12345，0898-12345，400-800-1234，95588",
            "身份证后四位 1234",
            "01234567890",
            "12812345678",
        ] {
            assert_eq!(mask_phones(text), text);
            assert_eq!(private_text(text, MAX_NOTE), text);
        }
    }

    #[test]
    fn the_kept_text_is_masked_before_it_is_cut_and_after_invisible_characters_go() {
        // Cut in the middle of the number: the part kept is masked.
        let text = format!("{}13812345678", "好".repeat(295));
        let kept = private_text(&text, MAX_TEXT);
        assert_eq!(kept, format!("{}138**", "好".repeat(295)));
        // A zero-width space or a line break between the digits hides nothing.
        assert_eq!(
            private_text("138\u{200B}1234\n5678", MAX_TEXT),
            "138**** 5678"
        );
        assert_eq!(private_text("138 \t 1234 5678", MAX_TEXT), "138 **** 5678");
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

            /// A number parses exactly when it is a mobile (11 digits
            /// starting 13–19) or a landline (0, a three-digit area code
            /// for 01x/02x or four otherwise, then 7 or 8 digits), and the
            /// mask hides the middle four of a mobile and the start of a
            /// landline's local number.
            #[test]
            fn phones_parse_by_the_rule(digits in "[0-9]{9,13}") {
                let b = digits.as_bytes();
                let mobile = digits.len() == 11 && b[0] == b'1' && matches!(b[1], b'3'..=b'9');
                let area = if matches!(b[1], b'1' | b'2') { 3 } else { 4 };
                let landline = b[0] == b'0'
                    && b[1] != b'0'
                    && matches!(digits.len() - area, 7 | 8);
                match Phone::parse(&digits) {
                    Ok(p) if mobile => {
                        prop_assert_eq!(p.masked().len(), 11);
                        prop_assert_eq!(&p.masked()[3..7], "****");
                    }
                    Ok(p) => {
                        prop_assert!(landline);
                        let masked = p.masked();
                        let stars = "*".repeat(digits.len() - area - 4);
                        prop_assert!(masked.starts_with(&format!("{}-{stars}", &digits[..area])), "{}", masked);
                        prop_assert!(masked.ends_with(&digits[digits.len() - 4..]));
                        prop_assert!(!masked.contains(&digits[area..]));
                    }
                    Err(_) => prop_assert!(!mobile && !landline),
                }
            }

            /// A phone number written any way — its digits ASCII or
            /// full-width, grouped anyhow by runs of separators, after a
            /// country code, next to digits, letters, Chinese or
            /// punctuation — never survives masking, and masking changes
            /// nothing but digits, each into `*`.
            #[test]
            fn a_phone_number_never_survives_whatever_is_around_it(
                (written, digits) in written_phone(),
                before in neighbour(),
                joint_before in joint(),
                joint_after in joint(),
                after in neighbour(),
            ) {
                let text = format!("{before}{joint_before}{written}{joint_after}{after}");
                let masked = mask_phones(&text);
                prop_assert!(!plain_digits(&masked).contains(&digits), "{} → {}", text, masked);
                prop_assert_eq!(masked.chars().count(), text.chars().count());
                for (was, is) in text.chars().zip(masked.chars()) {
                    prop_assert!(was == is || (digit(was).is_some() && is == '*'), "{} → {}", text, masked);
                }
                let kept = private_text(&text, MAX_NOTE);
                prop_assert!(!plain_digits(&kept).contains(&digits), "{} → {}", text, kept);
            }

            /// Masking what is masked changes nothing.
            #[test]
            fn masking_twice_is_masking_once(text in "[0-9０-９ \\-./:：（）—a好]{0,60}") {
                let once = mask_phones(&text);
                prop_assert_eq!(mask_phones(&once), once.clone());
            }

            /// Dates, date ranges and times of day, however they are
            /// separated, are never taken for numbers.
            #[test]
            fn dates_and_times_are_never_masked(
                dates in prop::collection::vec(date_and_time(), 1..4),
                between in prop::collection::vec(separator_run(), 3),
            ) {
                let mut text = String::new();
                for (i, d) in dates.iter().enumerate() {
                    if i > 0 {
                        text.push_str(&between[i - 1]);
                    }
                    text.push_str(d);
                }
                prop_assert_eq!(mask_phones(&text), text);
            }
        }

        /// The separators people write between digits, as the test knows them.
        const SEPARATORS: &[char] = &[
            ' ', '\u{3000}', '-', '.', '/', '／', '－', '—', '–', '·', '(', ')', '（', '）',
        ];

        fn separator_run() -> impl Strategy<Value = String> {
            prop::collection::vec(prop::sample::select(SEPARATORS), 1..=3)
                .prop_map(|s| s.into_iter().collect())
        }

        /// Between a neighbour and the number: nothing, or separators.
        fn joint() -> impl Strategy<Value = String> {
            prop_oneof![Just(String::new()), separator_run()]
        }

        /// What stands next to the number.
        fn neighbour() -> impl Strategy<Value = String> {
            prop_oneof![
                Just(String::new()),
                "[0-9]{1,6}",
                "[a-zA-Z]{1,5}",
                "[\u{4e00}-\u{9fa5}]{1,4}",
                "[，。！？：；、,!?:;#*]{1,3}",
            ]
        }

        /// A number's significant digits and how it is written before
        /// grouping: a mobile, perhaps after a country code or a trunk `0`;
        /// a landline with its area code, or after the country code
        /// without its `0`.
        fn phone() -> impl Strategy<Value = (String, String)> {
            let mobile = (
                "1[3-9][0-9]{9}",
                prop::sample::select(vec!["", "+86", "86", "0086", "+86 ", "0"]),
            )
                .prop_map(|(n, prefix)| (format!("{prefix}{n}"), n));
            let area = prop_oneof![
                Just("10".to_string()),
                "2[0-9]",
                "[3-9][0-9]{2}".prop_filter("086 is the country code", |a| !a.starts_with("86")),
            ];
            let landline = (
                area,
                "[2-9][0-9]{6,7}",
                prop::sample::select(vec!["0", "+86 ", "0086-", "86"]),
            )
                .prop_map(|(area, local, prefix)| {
                    (format!("{prefix}{area}{local}"), format!("{area}{local}"))
                });
            prop_oneof![mobile, landline]
        }

        /// A phone number as written, and its significant digits.
        fn written_phone() -> impl Strategy<Value = (String, String)> {
            phone()
                .prop_flat_map(|(written, digits)| {
                    let n = written.chars().count();
                    (
                        Just(written),
                        Just(digits),
                        prop::collection::vec(
                            prop_oneof![3 => Just(String::new()), 1 => separator_run()],
                            n,
                        ),
                        prop::collection::vec(any::<bool>(), n),
                    )
                })
                .prop_map(|(written, digits, gaps, wide)| {
                    let mut out = String::new();
                    for (i, c) in written.chars().enumerate() {
                        if i > 0 && c.is_ascii_digit() {
                            out.push_str(&gaps[i]);
                        }
                        match c.to_digit(10) {
                            Some(d) if wide[i] => out.extend(char::from_u32(u32::from('０') + d)),
                            _ => out.push(c),
                        }
                    }
                    (out, digits)
                })
        }

        /// A date written in full, perhaps with a time of day.
        fn date_and_time() -> impl Strategy<Value = String> {
            (
                2000u32..2100,
                1u32..=12,
                1u32..=31,
                prop::sample::select(vec!['-', '/', '.', '－', '／', '．']),
                prop::option::of((0u32..24, 0u32..60, separator_run())),
            )
                .prop_map(|(y, m, d, sep, time)| {
                    let mut out = format!("{y}{sep}{m:02}{sep}{d:02}");
                    if let Some((h, min, gap)) = time {
                        out.push_str(&format!("{gap}{h:02}:{min:02}"));
                    }
                    out
                })
        }

        /// The digits of a text, ASCII, with the separators gone: what a
        /// reader could put together again.
        fn plain_digits(text: &str) -> String {
            text.chars()
                .filter(|c| !SEPARATORS.contains(c) && !c.is_whitespace())
                .map(|c| digit(c).map_or(c, |d| char::from(b'0' + d)))
                .collect()
        }
    }
}
