//! Pinyin input for the complaint box's on-screen keyboard: the letters typed
//! so far in, the characters and words they may mean out, most frequent first.
//!
//! The dictionary is `assets/pinyin/pinyin.tsv`: about 55,000 simplified
//! characters and words, each with its syllables and a frequency weight,
//! converted from Debian's `rime-data-pinyin-simp` (Apache-2.0, derived from
//! the Android Pinyin IME; `assets/pinyin/convert.sh`), keeping only what the
//! kiosk's GB2312 font and printer can show. `ü` is typed as `v` (`lv` 率).
//!
//! Typing `nihao` offers 你好 first, then 你 and the other characters read
//! `ni`; typing `fuw` already offers 服务 (the last syllable may be unfinished).
//! A candidate says how many of the typed letters it uses, so that picking 你
//! from `nihao` leaves `hao` to go on with.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

static DATA: &str = include_str!("../../assets/pinyin/pinyin.tsv");

/// Letters typed at most: longer input is not looked up (a phrase is picked
/// piece by piece).
pub const MAX_LETTERS: usize = 32;

struct Entry {
    text: String,
    syllables: Vec<u16>,
    weight: u32,
}

/// What the letters may mean.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Candidate {
    pub text: String,
    /// How many of the typed letters it stands for.
    pub letters: usize,
}

/// The dictionary, indexed by first syllable.
pub struct Pinyin {
    entries: Vec<Entry>,
    syllables: Vec<String>,
    ids: HashMap<String, u16>,
    /// Entries by their first syllable, heaviest first.
    by_first: Vec<Vec<u32>>,
}

impl Pinyin {
    /// The dictionary shipped with the kiosk, read once.
    pub fn built_in() -> &'static Pinyin {
        static BUILT_IN: OnceLock<Pinyin> = OnceLock::new();
        BUILT_IN.get_or_init(|| {
            Pinyin::parse(DATA).expect("the shipped pinyin data is well formed (tested)")
        })
    }

    /// Reads `text, syllables, weight` lines; refuses a malformed one by its
    /// line number.
    pub fn parse(data: &str) -> Result<Self, String> {
        let mut p = Pinyin {
            entries: Vec::new(),
            syllables: Vec::new(),
            ids: HashMap::new(),
            by_first: Vec::new(),
        };
        for (i, line) in data.lines().enumerate() {
            let bad = || {
                format!(
                    "pinyin data line {}: expected text, syllables, weight",
                    i + 1
                )
            };
            let mut fields = line.split('\t');
            let (Some(text), Some(pinyin), Some(weight), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(bad());
            };
            let weight: u32 = weight.parse().map_err(|_| bad())?;
            let mut syllables = Vec::new();
            for s in pinyin.split(' ') {
                if s.is_empty() || !s.bytes().all(|b| b.is_ascii_lowercase()) {
                    return Err(bad());
                }
                let next = p.syllables.len() as u16;
                let id = *p.ids.entry(s.to_string()).or_insert(next);
                if id == next {
                    p.syllables.push(s.to_string());
                }
                syllables.push(id);
            }
            if text.is_empty() {
                return Err(bad());
            }
            p.entries.push(Entry {
                text: text.to_string(),
                syllables,
                weight,
            });
        }
        p.by_first = vec![Vec::new(); p.syllables.len()];
        for (i, e) in p.entries.iter().enumerate() {
            p.by_first[usize::from(e.syllables[0])].push(i as u32);
        }
        for list in &mut p.by_first {
            list.sort_by_key(|&i| std::cmp::Reverse(p.entries[i as usize].weight));
        }
        Ok(p)
    }

    /// The typed letters split into syllables; the last piece may be the
    /// start of a syllable. `None` when the letters cannot be read as pinyin.
    pub fn segment(&self, letters: &str) -> Option<Vec<String>> {
        let letters = normalise(letters)?;
        let mut out = Vec::new();
        self.split(&letters, &mut out).then_some(out)
    }

    fn split(&self, rest: &str, out: &mut Vec<String>) -> bool {
        if rest.is_empty() {
            return true;
        }
        // Longest syllable first (xian before xi an), backing off when the
        // rest cannot be read.
        for len in (1..=rest.len().min(6)).rev() {
            let head = &rest[..len];
            if self.ids.contains_key(head) {
                out.push(head.to_string());
                if self.split(&rest[len..], out) {
                    return true;
                }
                out.pop();
            }
        }
        // An unfinished last syllable.
        if self.syllables.iter().any(|s| s.starts_with(rest)) {
            out.push(rest.to_string());
            return true;
        }
        false
    }

    /// What the typed letters may mean, at most `limit`: words that use all
    /// of them first, then shorter words and characters from the start, each
    /// group most frequent first.
    pub fn candidates(&self, letters: &str, limit: usize) -> Vec<Candidate> {
        let Some(pieces) = self.segment(letters) else {
            return Vec::new();
        };
        if pieces.is_empty() {
            return Vec::new();
        }
        // The syllables a piece may be: itself, or (unfinished) any it starts.
        let readings: Vec<BTreeSet<u16>> = pieces
            .iter()
            .map(|p| match self.ids.get(p) {
                Some(id) => BTreeSet::from([*id]),
                None => self
                    .syllables
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.starts_with(p.as_str()))
                    .map(|(i, _)| i as u16)
                    .collect(),
            })
            .collect();
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for count in (1..=pieces.len()).rev() {
            let letters: usize = pieces[..count].iter().map(String::len).sum();
            for &first_id in &readings[0] {
                for &i in &self.by_first[usize::from(first_id)] {
                    let e = &self.entries[i as usize];
                    if e.syllables.len() == count
                        && e.syllables
                            .iter()
                            .zip(&readings)
                            .all(|(s, r)| r.contains(s))
                        && seen.insert(e.text.as_str())
                    {
                        out.push((
                            count,
                            e.weight,
                            Candidate {
                                text: e.text.clone(),
                                letters,
                            },
                        ));
                    }
                }
            }
        }
        // More syllables first, then by weight.
        out.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        out.into_iter().take(limit).map(|(_, _, c)| c).collect()
    }
}

/// How each text reads, one syllable a character (the matter guide's
/// search): the longest words of the dictionary first, each in its most
/// frequent reading, so that 银行 reads `yin hang` and 行走 `xing zou`.
/// ASCII letters and digits are their own lower-case pieces; other
/// characters the dictionary lacks, and punctuation, are left out.
///
/// One pass over the dictionary's text for all the texts, without building
/// its index: a station reading its matter catalog at start does not pay
/// the 8 MB the complaint box's keyboard needs.
pub fn readings(texts: &[&str]) -> Vec<Vec<String>> {
    const LONGEST: usize = 4;
    // Every piece of up to four characters the texts hold, with the
    // heaviest reading found: (weight, syllables).
    let mut wanted: HashMap<&str, Option<(u32, &'static str)>> = HashMap::new();
    for text in texts {
        let ends: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        for (a, &start) in ends.iter().enumerate() {
            for &end in ends.iter().skip(a + 1).take(LONGEST) {
                wanted.insert(&text[start..end], None);
            }
        }
    }
    for line in DATA.lines() {
        let mut fields = line.split('\t');
        let (Some(text), Some(syllables), Some(weight)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if let Some(best) = wanted.get_mut(text) {
            let weight: u32 = weight.parse().unwrap_or(0);
            if best.is_none_or(|(w, _)| weight > w) {
                *best = Some((weight, syllables));
            }
        }
    }
    texts
        .iter()
        .map(|text| {
            let chars: Vec<(usize, char)> = text.char_indices().collect();
            let mut out = Vec::new();
            let mut i = 0;
            while i < chars.len() {
                let (start, c) = chars[i];
                if c.is_ascii_alphanumeric() {
                    let mut piece = String::new();
                    while i < chars.len() && chars[i].1.is_ascii_alphanumeric() {
                        piece.push(chars[i].1.to_ascii_lowercase());
                        i += 1;
                    }
                    out.push(piece);
                    continue;
                }
                let found = (1..=LONGEST.min(chars.len() - i)).rev().find_map(|n| {
                    let end = chars.get(i + n).map_or(text.len(), |(e, _)| *e);
                    let (_, syllables) = wanted.get(&text[start..end]).copied().flatten()?;
                    (syllables.split(' ').count() == n).then_some((n, syllables))
                });
                match found {
                    Some((n, syllables)) => {
                        out.extend(syllables.split(' ').map(str::to_string));
                        i += n;
                    }
                    None => i += 1,
                }
            }
            out
        })
        .collect()
}

/// Lower-case letters, `ü` as `v`; `None` for anything else or too long.
fn normalise(letters: &str) -> Option<String> {
    let out: String = letters
        .chars()
        .map(|c| match c {
            'ü' | 'Ü' => 'v',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    (out.len() <= MAX_LETTERS && out.bytes().all(|b| b.is_ascii_lowercase())).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(letters: &str, n: usize) -> Vec<String> {
        Pinyin::built_in()
            .candidates(letters, n)
            .into_iter()
            .map(|c| c.text)
            .collect()
    }

    #[test]
    fn common_syllables_offer_their_most_frequent_characters_first() {
        assert_eq!(first("ni", 1), ["你"]);
        assert_eq!(first("hao", 1), ["好"]);
        assert_eq!(first("de", 1), ["的"]);
        let wo = first("wo", 10);
        assert_eq!(wo[0], "我");
        assert!(wo.len() == 10);
    }

    #[test]
    fn words_a_complaint_needs_come_first_when_all_their_letters_are_typed() {
        for (letters, word) in [
            ("nihao", "你好"),
            ("fuwu", "服务"),
            ("taidu", "态度"),
            ("xiaolv", "效率"),
            ("tousu", "投诉"),
            ("chuangkou", "窗口"),
            ("manyi", "满意"),
            ("gongzuorenyuan", "工作人员"),
            ("shoufei", "收费"),
        ] {
            assert_eq!(first(letters, 1), [word], "{letters}");
        }
    }

    #[test]
    fn an_unfinished_last_syllable_already_offers_the_word() {
        assert!(
            first("fuw", 5).contains(&"服务".to_string()),
            "{:?}",
            first("fuw", 5)
        );
        assert_eq!(
            Pinyin::built_in().segment("nih"),
            Some(vec!["ni".to_string(), "h".to_string()])
        );
    }

    #[test]
    fn a_candidate_says_how_many_letters_it_uses() {
        let c = Pinyin::built_in().candidates("nihao", 50);
        let ni = c.iter().find(|c| c.text == "你").unwrap();
        assert_eq!(ni.letters, 2, "picking 你 leaves `hao`");
        assert_eq!(c[0].letters, 5);
    }

    #[test]
    fn the_shipped_data_reads_and_nonsense_gives_nothing() {
        let p = Pinyin::built_in();
        assert!(p.entries.len() > 50_000);
        assert!(
            p.syllables.len() > 380 && p.syllables.len() < 450,
            "{}",
            p.syllables.len()
        );
        assert!(first("zzz", 5).is_empty());
        assert!(first("", 5).is_empty());
        assert!(first("ni3", 5).is_empty());
        assert!(first(&"a".repeat(40), 5).is_empty());
        assert!(Pinyin::parse("你\tni\n").is_err());
        assert!(Pinyin::parse("你\tNi\t3\n").is_err());
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            /// Any letters: no panic, and no candidate uses more letters
            /// than were typed.
            #[test]
            fn candidates_never_use_more_letters_than_typed(letters in "[a-z]{0,12}") {
                for c in Pinyin::built_in().candidates(&letters, 20) {
                    prop_assert!(c.letters <= letters.len());
                    prop_assert!(!c.text.is_empty());
                }
            }
        }
    }

    #[test]
    fn texts_read_by_their_longest_words() {
        let got = super::readings(&["银行卡", "行走", "高龄津贴申请", "A证2号", "（）", ""]);
        let joined: Vec<String> = got.iter().map(|r| r.join(" ")).collect();
        assert_eq!(joined[0], "yin hang ka");
        assert_eq!(joined[1], "xing zou");
        assert_eq!(joined[2], "gao ling jin tie shen qing");
        assert_eq!(joined[3], "a zheng 2 hao");
        assert_eq!(joined[4], "");
        assert_eq!(joined[5], "");
    }
}
