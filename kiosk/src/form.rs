//! The complaint box's form on the touchscreen, as plain state: what the
//! citizen chose and typed so far, the pinyin being composed and its
//! candidates, the mobile number keypad. No Slint here — `ui.rs` shows a
//! [`FormView`] and forwards each touch to a method — so every rule of the
//! form is tested without a screen.
//!
//! Text entry has three keyboards: pinyin (letters compose syllables, a
//! candidate bar offers characters and words by frequency), Latin letters, and
//! digits with Chinese punctuation; plus preset phrases for people who cannot
//! type. The text never grows past [`MAX_TEXT`] characters; what is stored is
//! normalised again by the domain.

use crate::domain::{MAX_TEXT, Phone, PhoneError, Topic, private_text};
use crate::pinyin::{Candidate, Pinyin};

/// Candidates on one page of the candidate bar.
pub const PAGE: usize = 6;

/// Candidates looked up per keystroke (pages the citizen can turn through).
const LOOKUP: usize = 60;

/// The most letters composed at once: longer input is not a syllable string
/// anyone means.
const MAX_LETTERS: usize = 24;

/// Preset phrases: one touch each, for people who cannot type.
pub const PHRASES: [(&str, &str); 8] = [
    ("等候时间太长", "The wait was too long"),
    ("工作人员态度不好", "The staff were rude"),
    (
        "材料要求没有一次说清楚",
        "I was not told all the papers at once",
    ),
    ("办事程序太复杂", "The procedure is too complicated"),
    ("收费不清楚", "The fees were not clear"),
    ("办理结果不满意", "I am not satisfied with the result"),
    ("窗口没有人", "Nobody was at the window"),
    ("希望尽快改进", "Please improve this soon"),
];

/// Which keyboard the text screen shows.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Keyboard {
    #[default]
    Pinyin,
    Latin,
    Digits,
    Phrases,
}

impl Keyboard {
    pub fn index(self) -> i32 {
        match self {
            Keyboard::Pinyin => 0,
            Keyboard::Latin => 1,
            Keyboard::Digits => 2,
            Keyboard::Phrases => 3,
        }
    }

    pub fn from_index(i: i32) -> Self {
        match i {
            1 => Keyboard::Latin,
            2 => Keyboard::Digits,
            3 => Keyboard::Phrases,
            _ => Keyboard::Pinyin,
        }
    }
}

/// The window the complaint is about, once the citizen has answered.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum WindowChoice {
    Window(u8),
    NotSure,
}

/// One complaint being filled in.
#[derive(Clone, Debug, Default)]
pub struct ComplaintForm {
    /// Identifies this form to the station: a second submit finds the case
    /// the first one opened.
    pub form: u64,
    pub topic: Option<Topic>,
    pub window: Option<WindowChoice>,
    text: String,
    letters: String,
    candidates: Vec<Candidate>,
    page: usize,
    pub keyboard: Keyboard,
    phone: String,
    pub anonymous: bool,
    phone_error: Option<PhoneError>,
}

/// What the form's screens show.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct FormView {
    /// The text as typed (the citizen's own screen, while typing).
    pub text: String,
    /// The text as the case will keep it, phone numbers masked: what the
    /// read-back screen shows, as it shows the callback number masked.
    pub read_back: String,
    pub count: usize,
    pub full: bool,
    pub letters: String,
    /// The current page of candidates.
    pub candidates: Vec<String>,
    pub earlier: bool,
    pub later: bool,
    /// The number as typed (the citizen's own screen, while typing).
    pub phone: String,
    /// `138****5678`, once it is a valid number.
    pub phone_masked: String,
    pub phone_error: String,
}

impl ComplaintForm {
    pub fn new(form: u64) -> Self {
        Self {
            form,
            ..Self::default()
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    fn room(&self) -> usize {
        MAX_TEXT.saturating_sub(self.text.chars().count())
    }

    /// Appends as much of `s` as fits under the limit.
    fn append(&mut self, s: &str) {
        let room = self.room();
        self.text.extend(s.chars().take(room));
    }

    fn lookup(&mut self) {
        self.page = 0;
        self.candidates = if self.letters.is_empty() {
            Vec::new()
        } else {
            Pinyin::built_in().candidates(&self.letters, LOOKUP)
        };
    }

    /// Commits the composition: the first candidate, or the letters as typed
    /// when they mean nothing.
    fn commit(&mut self) {
        if self.letters.is_empty() {
            return;
        }
        if self.candidates.is_empty() {
            let letters = std::mem::take(&mut self.letters);
            self.append(&letters);
            self.lookup();
        } else {
            while !self.letters.is_empty() {
                if !self.pick_absolute(0) {
                    break;
                }
            }
            // Letters no candidate stands for are kept as typed.
            let rest = std::mem::take(&mut self.letters);
            self.append(&rest);
            self.lookup();
        }
    }

    /// A key of the on-screen keyboard: a letter, a digit, punctuation,
    /// `space` or `back`.
    pub fn key(&mut self, key: &str) {
        match key {
            "back" => {
                if self.letters.pop().is_some() {
                    self.lookup();
                } else {
                    self.text.pop();
                }
            }
            "space" => {
                if self.letters.is_empty() {
                    if !self.text.is_empty() && !self.text.ends_with(' ') {
                        self.append(" ");
                    }
                } else {
                    self.pick(0);
                }
            }
            k if self.keyboard == Keyboard::Pinyin
                && k.len() == 1
                && k.as_bytes()[0].is_ascii_lowercase() =>
            {
                if self.letters.len() < MAX_LETTERS && self.room() > 0 {
                    self.letters.push_str(k);
                    self.lookup();
                }
            }
            k => {
                // Anything else ends the composition first, as a phone's
                // keyboard does.
                self.commit();
                // One character; not a control, not a key code in the
                // private use area (arrows, function keys).
                let typed = k.chars().count() == 1
                    && !k
                        .chars()
                        .any(|c| c.is_control() || ('\u{E000}'..='\u{F8FF}').contains(&c));
                if typed {
                    self.append(k);
                }
            }
        }
    }

    /// Picks a candidate on the current page.
    pub fn pick(&mut self, index: usize) {
        self.pick_absolute(self.page * PAGE + index);
    }

    fn pick_absolute(&mut self, i: usize) -> bool {
        let Some(c) = self.candidates.get(i).cloned() else {
            return false;
        };
        self.append(&c.text);
        self.letters = self.letters.get(c.letters..).unwrap_or("").to_string();
        self.lookup();
        true
    }

    /// Turns the candidate bar's page (`forward` or back).
    pub fn turn(&mut self, forward: bool) {
        let pages = self.candidates.len().div_ceil(PAGE);
        if forward && self.page + 1 < pages {
            self.page += 1;
        } else if !forward && self.page > 0 {
            self.page -= 1;
        }
    }

    /// Switches keyboards; the composition is committed first.
    pub fn switch(&mut self, keyboard: Keyboard) {
        self.commit();
        self.keyboard = keyboard;
    }

    /// A preset phrase, after what is there (separated by a comma).
    pub fn phrase(&mut self, phrase: &str) {
        self.commit();
        let ends_open = self
            .text
            .chars()
            .last()
            .is_some_and(|c| !"，。！？、；：,.!? ".contains(c));
        if ends_open {
            self.append("，");
        }
        self.append(phrase);
    }

    /// Empties the text and the composition.
    pub fn clear_text(&mut self) {
        self.text.clear();
        self.letters.clear();
        self.lookup();
    }

    /// Leaving the text screen: what is composed is kept.
    pub fn finish_text(&mut self) {
        self.commit();
    }

    /// A key of the mobile number keypad: a digit, `back` or `clear`.
    pub fn phone_key(&mut self, key: &str) {
        self.phone_error = None;
        self.anonymous = false;
        match key {
            "back" => {
                self.phone.pop();
            }
            "clear" => self.phone.clear(),
            // A mobile has 11 digits, a landline with its area code up to 12.
            d if d.len() == 1
                && d.as_bytes()[0].is_ascii_digit()
                && self.phone.len() < if self.phone.starts_with('0') { 12 } else { 11 } =>
            {
                self.phone.push_str(d);
            }
            _ => {}
        }
    }

    /// The citizen chose not to leave a number.
    pub fn stay_anonymous(&mut self) {
        self.phone.clear();
        self.phone_error = None;
        self.anonymous = true;
    }

    /// Leaving the number screen: `Ok` when it may go on (a valid number, or
    /// none); the error is also shown.
    pub fn check_phone(&mut self) -> Result<Option<Phone>, PhoneError> {
        if self.phone.is_empty() {
            self.anonymous = true;
            return Ok(None);
        }
        match Phone::parse(&self.phone) {
            Ok(p) => Ok(Some(p)),
            Err(e) => {
                self.phone_error = Some(e);
                Err(e)
            }
        }
    }

    /// The number, when it is a valid one.
    pub fn phone(&self) -> Option<Phone> {
        Phone::parse(&self.phone).ok()
    }

    pub fn view(&self) -> FormView {
        let start = self.page * PAGE;
        let candidates: Vec<String> = self
            .candidates
            .iter()
            .skip(start)
            .take(PAGE)
            .map(|c| c.text.clone())
            .collect();
        FormView {
            text: self.text.clone(),
            read_back: private_text(&self.text, MAX_TEXT),
            count: self.text.chars().count(),
            full: self.room() == 0,
            letters: self.letters_split().unwrap_or_else(|| self.letters.clone()),
            earlier: self.page > 0,
            later: start + PAGE < self.candidates.len(),
            candidates,
            phone: self.phone.clone(),
            phone_masked: self.phone().map(|p| p.masked()).unwrap_or_default(),
            phone_error: match self.phone_error {
                None => String::new(),
                Some(PhoneError::Length) => {
                    "手机号码是11位数字 A mobile number has 11 digits".into()
                }
                Some(PhoneError::Prefix) => {
                    "手机号码以13至19开头 A mobile number starts with 13 to 19".into()
                }
                Some(PhoneError::NotDigits) => "只能输入数字 Digits only".into(),
                Some(PhoneError::Landline) => {
                    "固定电话请加区号，如 089888880000 A landline starts with its area code".into()
                }
            },
        }
    }

    /// The composition with its syllables apart (`fu'wu`), as IMEs show it.
    fn letters_split(&self) -> Option<String> {
        let pieces = Pinyin::built_in().segment(&self.letters)?;
        (!pieces.is_empty()).then(|| pieces.join("'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(form: &mut ComplaintForm, keys: &str) {
        for k in keys.chars() {
            form.key(&k.to_string());
        }
    }

    #[test]
    fn pinyin_composes_and_the_first_candidate_is_the_common_word() {
        let mut f = ComplaintForm::new(1);
        typed(&mut f, "fuwu");
        let v = f.view();
        assert_eq!(v.letters, "fu'wu");
        assert_eq!(v.candidates.first().map(String::as_str), Some("服务"));
        f.pick(0);
        assert_eq!(f.text(), "服务");
        assert!(f.view().letters.is_empty() && f.view().candidates.is_empty());

        // A word for part of the letters leaves the rest composing.
        typed(&mut f, "taidu");
        let v = f.view();
        assert_eq!(v.candidates.first().map(String::as_str), Some("态度"));
        let tai = v
            .candidates
            .iter()
            .position(|c| c == "太")
            .expect("太 is offered");
        f.pick(tai);
        assert_eq!(f.text(), "服务太");
        assert_eq!(f.view().letters, "du");
        // Space takes the first candidate.
        let du = f.view().candidates[0].clone();
        f.key("space");
        assert_eq!(f.text(), format!("服务太{du}"));
    }

    #[test]
    fn back_removes_a_letter_then_a_character() {
        let mut f = ComplaintForm::new(1);
        typed(&mut f, "hao");
        f.pick(0);
        typed(&mut f, "ma");
        f.key("back");
        assert_eq!(f.view().letters, "m");
        f.key("back");
        f.key("back");
        assert_eq!(f.text(), "");
    }

    #[test]
    fn pages_turn_within_the_candidates() {
        let mut f = ComplaintForm::new(1);
        typed(&mut f, "shi");
        let first = f.view();
        assert_eq!(first.candidates.len(), PAGE);
        assert!(!first.earlier && first.later);
        f.turn(true);
        let second = f.view();
        assert!(second.earlier);
        assert_ne!(first.candidates, second.candidates);
        f.pick(0);
        assert_eq!(f.text(), second.candidates[0]);
        f.turn(false);
        assert!(!f.view().earlier);
    }

    #[test]
    fn latin_digits_and_punctuation_go_in_as_typed() {
        let mut f = ComplaintForm::new(1);
        typed(&mut f, "chuangkou");
        f.switch(Keyboard::Digits);
        assert_eq!(f.text(), "窗口", "switching commits the composition");
        typed(&mut f, "3");
        f.key("，");
        f.switch(Keyboard::Latin);
        typed(&mut f, "ok");
        assert_eq!(f.text(), "窗口3，ok");
        // A punctuation key ends a composition too.
        f.switch(Keyboard::Pinyin);
        typed(&mut f, "hao");
        f.key("。");
        assert_eq!(f.text(), "窗口3，ok好。");
        // Letters that do not split into syllables are kept as typed.
        typed(&mut f, "v");
        f.finish_text();
        assert_eq!(f.text(), "窗口3，ok好。v");
        typed(&mut f, "haov");
        f.finish_text();
        assert_eq!(f.text(), "窗口3，ok好。vhaov");
    }

    #[test]
    fn phrases_append_with_a_comma() {
        let mut f = ComplaintForm::new(1);
        f.phrase(PHRASES[0].0);
        f.phrase(PHRASES[1].0);
        assert_eq!(f.text(), "等候时间太长，工作人员态度不好");
    }

    #[test]
    fn text_stops_at_the_limit() {
        let mut f = ComplaintForm::new(1);
        f.switch(Keyboard::Digits);
        for _ in 0..MAX_TEXT + 20 {
            f.key("8");
        }
        let v = f.view();
        assert_eq!(v.count, MAX_TEXT);
        assert!(v.full);
        f.switch(Keyboard::Pinyin);
        typed(&mut f, "hao");
        assert_eq!(f.view().letters, "", "no composing when there is no room");
        f.phrase(PHRASES[2].0);
        assert_eq!(f.text().chars().count(), MAX_TEXT);
        f.clear_text();
        assert_eq!(f.view().count, 0);
    }

    #[test]
    fn the_read_back_shows_numbers_typed_into_the_text_masked() {
        let mut f = ComplaintForm::new(1);
        f.phrase(PHRASES[0].0);
        f.switch(Keyboard::Digits);
        // The 123 keyboard's slash between the groups, a staff number
        // beside it.
        for k in "0101 138/1234/5678".chars() {
            f.key(&if k == ' ' {
                "space".into()
            } else {
                k.to_string()
            });
        }
        let v = f.view();
        assert!(
            v.text.ends_with("0101 138/1234/5678"),
            "as typed: {}",
            v.text
        );
        assert!(
            v.read_back.ends_with("0101 138/****/5678"),
            "read back: {}",
            v.read_back
        );
        assert!(!v.read_back.contains("1234"));
    }

    #[test]
    fn the_number_keypad_checks_the_number() {
        let mut f = ComplaintForm::new(1);
        for d in "1381234567".chars() {
            f.phone_key(&d.to_string());
        }
        assert_eq!(f.check_phone(), Err(PhoneError::Length), "10 digits");
        assert!(f.view().phone_error.contains("11"));
        f.phone_key("8");
        f.phone_key("9");
        assert_eq!(f.view().phone, "13812345678", "a 12th digit is not taken");
        let phone = f.check_phone().unwrap().unwrap();
        assert_eq!(phone.full(), "13812345678");
        assert_eq!(f.view().phone_masked, "138****5678");
        f.phone_key("clear");
        for d in "12812345678".chars() {
            f.phone_key(&d.to_string());
        }
        assert_eq!(f.check_phone(), Err(PhoneError::Prefix));
        // A landline with its area code: 12 digits taken, masked as free
        // text masks one.
        f.phone_key("clear");
        for d in "0898888800001".chars() {
            f.phone_key(&d.to_string());
        }
        assert_eq!(f.view().phone, "089888880000", "a 13th digit is not taken");
        let phone = f.check_phone().unwrap().unwrap();
        assert!(phone.is_landline());
        assert_eq!(f.view().phone_masked, "0898-****0000");
        f.phone_key("back");
        f.phone_key("back");
        f.phone_key("back");
        f.phone_key("back");
        f.phone_key("back");
        assert_eq!(
            f.check_phone(),
            Err(PhoneError::Landline),
            "0898 and 3 digits"
        );
        assert!(f.view().phone_error.contains("区号"));
        f.stay_anonymous();
        assert_eq!(f.check_phone(), Ok(None));
        assert!(f.anonymous && f.view().phone.is_empty());
    }
}
