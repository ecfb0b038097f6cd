//! The matter catalog (`matters.toml`, docs/matters.md): each matter's name,
//! category, basis, conditions, materials, steps, time limit, fee, windows,
//! 代办 and in-person flags and common questions, read and checked into the
//! domain's `Matters`. Every error names the file, the line and the field;
//! a catalog with one error is refused whole, so the one in force stays.
//!
//! Every text must be shown by the screen's font and printed by the printer:
//! GB2312 and ASCII only. A matter's pinyin for the search comes from the
//! pinyin dictionary unless the catalog gives it.

use std::collections::BTreeSet;
use std::ops::Range;

use toml::Spanned;

use crate::domain::{
    Catalog, CategoryId, Fee, Form, MAX_MATERIAL, MAX_MATERIALS, MAX_MATTERS, MAX_NAME,
    MAX_PARAGRAPH, MAX_WORKING_DAYS, Material, Matter, MatterId, Matters, Question, Text,
    TimeLimit, WindowNo,
};

use super::raw::{RawMaterial, RawMatter, RawMatters};
use super::*;

/// The sample catalog shipped with the kiosk (version 0), until a station
/// installs its approved list.
pub const SAMPLE_MATTERS: &str = include_str!("../../../assets/matters.toml");
/// Largest matters.toml read, in bytes.
pub const MAX_MATTERS_BYTES: usize = 4 << 20;
/// Working days to bring missing materials when the catalog does not say.
pub const DEFAULT_RETURN_DAYS: u32 = 10;

/// A character the screen's font and the printer both have: printable
/// ASCII, or GB2312.
pub fn shown_char(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_control();
    }
    let mut buf = [0u8; 4];
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
    !unmappable
        && matches!(*bytes, [lead, trail] if (0xa1..=0xf7).contains(&lead) && (0xa1..=0xfe).contains(&trail))
}

struct Check<'a> {
    src: Source<'a>,
}

impl Check<'_> {
    /// A text of at most `max` characters, trimmed, non-empty, every
    /// character shown and printed.
    fn text(
        &self,
        value: &Spanned<String>,
        field: &str,
        max: usize,
    ) -> Result<String, ConfigError> {
        let text = value.get_ref().trim();
        let err = |problem: String| self.src.error(Some(value.span()), Some(field), problem);
        if text.is_empty() {
            return Err(err("is empty".into()));
        }
        let count = text.chars().count();
        if count > max {
            return Err(err(format!("is {count} characters long; at most {max}")));
        }
        if let Some(c) = text.chars().find(|c| !shown_char(*c)) {
            return Err(err(format!(
                "`{c}` (U+{:04X}) is not in GB2312: the screen and the printer cannot show it",
                u32::from(c)
            )));
        }
        Ok(text.to_string())
    }

    fn optional(
        &self,
        value: &Option<Spanned<String>>,
        field: &str,
        max: usize,
    ) -> Result<Option<String>, ConfigError> {
        value.as_ref().map(|v| self.text(v, field, max)).transpose()
    }

    fn list(&self, values: &[Spanned<String>], field: &str) -> Result<Vec<String>, ConfigError> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| self.text(v, &format!("{field}[{i}]"), MAX_PARAGRAPH))
            .collect()
    }

    fn error(&self, span: Range<usize>, field: &str, problem: impl Into<String>) -> ConfigError {
        self.src.error(Some(span), Some(field), problem)
    }
}

/// Reads and checks a matter catalog's text against the service catalog
/// (its categories and windows). `version` is the number it is installed
/// under.
pub fn parse_matters(
    name: &str,
    text: &str,
    catalog: &Catalog,
    version: u32,
) -> Result<Matters, ConfigError> {
    let src = Source {
        name: name.to_string(),
        text,
    };
    if text.len() > MAX_MATTERS_BYTES {
        return Err(src.error(
            None,
            None,
            format!(
                "the file is {} bytes; a matter catalog is at most {} MB",
                text.len(),
                MAX_MATTERS_BYTES >> 20
            ),
        ));
    }
    let raw: RawMatters = src.parse()?;
    let check = Check { src };
    if raw.matter.len() > MAX_MATTERS {
        let m = &raw.matter[MAX_MATTERS];
        return Err(check.error(
            m.span(),
            &format!("matter[{MAX_MATTERS}]"),
            format!(
                "{} matters; a catalog holds at most {MAX_MATTERS}",
                raw.matter.len()
            ),
        ));
    }
    let head = raw.catalog.get_ref();
    let return_days = match &head.return_days {
        None => DEFAULT_RETURN_DAYS,
        Some(d) if (1..=domain::MAX_RETURN_DAYS).contains(d.get_ref()) => *d.get_ref(),
        Some(d) => {
            return Err(check.error(
                d.span(),
                "catalog.return_days",
                format!("must be 1–{} working days", domain::MAX_RETURN_DAYS),
            ));
        }
    };
    let mut ids = BTreeSet::new();
    let mut matters = Vec::with_capacity(raw.matter.len());
    for (i, m) in raw.matter.iter().enumerate() {
        let matter = read_matter(&check, catalog, i, m.get_ref())?;
        if !ids.insert(matter.id.clone()) {
            return Err(check.error(
                m.get_ref().id.span(),
                &format!("matter[{i}].id"),
                format!(
                    "`{}` is used by an earlier matter; ids are unique",
                    matter.id
                ),
            ));
        }
        matters.push(matter);
    }
    // The names' pinyin, in one pass over the dictionary.
    let unread: Vec<&str> = matters
        .iter()
        .filter(|m| m.pinyin.is_empty())
        .map(|m| m.name.zh.as_str())
        .collect();
    let mut readings = crate::pinyin::readings(&unread).into_iter();
    for m in matters.iter_mut().filter(|m| m.pinyin.is_empty()) {
        m.pinyin = readings.next().unwrap_or_default();
    }
    Ok(Matters {
        version,
        sample: head.sample,
        return_days,
        matters,
    })
}

fn read_matter(
    check: &Check<'_>,
    catalog: &Catalog,
    i: usize,
    m: &RawMatter,
) -> Result<Matter, ConfigError> {
    let field = |f: &str| format!("matter[{i}].{f}");
    let id = MatterId::parse(m.id.get_ref().trim()).ok_or_else(|| {
        check.error(
            m.id.span(),
            &field("id"),
            format!(
                "`{}` is not an id: 1–{} lower-case letters, digits and `-`",
                m.id.get_ref(),
                MatterId::MAX
            ),
        )
    })?;
    if id.is_other() {
        return Err(check.error(
            m.id.span(),
            &field("id"),
            format!(
                "`{}` is kept for what citizens ask outside the catalog; give the matter another id",
                MatterId::OTHER
            ),
        ));
    }
    let name = Text {
        zh: check.text(&m.name, &field("name"), MAX_NAME)?,
        en: check.optional(&m.name_en, &field("name_en"), MAX_NAME * 2)?,
    };
    let letters: Vec<String> = catalog
        .categories()
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    let category = CategoryId::parse(m.category.get_ref().trim())
        .and_then(|id| catalog.category(id))
        .ok_or_else(|| {
            check.error(
                m.category.span(),
                &field("category"),
                format!(
                    "there is no category `{}`; catalog.toml has {}",
                    m.category.get_ref(),
                    letters.join(", ")
                ),
            )
        })?;
    let pinyin = match &m.pinyin {
        None => Vec::new(),
        Some(p) => {
            let syllables: Vec<String> = p
                .get_ref()
                .split_whitespace()
                .map(str::to_ascii_lowercase)
                .collect();
            if syllables.is_empty()
                || syllables
                    .iter()
                    .any(|s| s.len() > 6 || !s.bytes().all(|b| b.is_ascii_alphanumeric()))
            {
                return Err(check.error(
                    p.span(),
                    &field("pinyin"),
                    "syllables without tones, separated by spaces: \"yang lao bao xian\"",
                ));
            }
            syllables
        }
    };
    if m.basis.is_empty() {
        return Err(check.error(
            m.id.span(),
            &field("basis"),
            "every matter states its legal basis (办理依据): basis = [\"…\"]",
        ));
    }
    let basis = check.list(&m.basis, &field("basis"))?;
    let conditions = check.list(&m.conditions, &field("conditions"))?;
    let steps = check.list(&m.steps, &field("steps"))?;
    let limit = time_limit(check, &m.time_limit, &field("time_limit"))?;
    let fee = match &m.fee {
        None => Fee::Free,
        Some(f) => fee(check, f, &field("fee"))?,
    };
    let windows = match &m.windows {
        None => category.windows.clone(),
        Some(list) => {
            let mut windows = Vec::new();
            for w in list.get_ref() {
                let no = u8::try_from(*w)
                    .ok()
                    .and_then(WindowNo::new)
                    .filter(|no| category.windows.contains(no))
                    .ok_or_else(|| {
                        check.error(
                            list.span(),
                            &field("windows"),
                            format!(
                                "window {w} does not serve category {} (its windows: {})",
                                category.id,
                                category
                                    .windows
                                    .iter()
                                    .map(ToString::to_string)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        )
                    })?;
                if !windows.contains(&no) {
                    windows.push(no);
                }
            }
            if windows.is_empty() {
                return Err(check.error(list.span(), &field("windows"), "names no window"));
            }
            windows
        }
    };
    if m.material.len() > MAX_MATERIALS {
        return Err(check.error(
            m.material[MAX_MATERIALS].span(),
            &field(&format!("material[{MAX_MATERIALS}]")),
            format!(
                "{} materials; a matter lists at most {MAX_MATERIALS}",
                m.material.len()
            ),
        ));
    }
    let materials = m
        .material
        .iter()
        .enumerate()
        .map(|(j, raw)| material(check, raw.get_ref(), &field(&format!("material[{j}]"))))
        .collect::<Result<Vec<_>, _>>()?;
    let questions = m
        .question
        .iter()
        .enumerate()
        .map(|(j, q)| {
            let q = q.get_ref();
            let f = field(&format!("question[{j}]"));
            Ok(Question {
                question: Text {
                    zh: check.text(&q.q, &format!("{f}.q"), MAX_PARAGRAPH)?,
                    en: None,
                },
                answer: Text {
                    zh: check.text(&q.a, &format!("{f}.a"), MAX_PARAGRAPH)?,
                    en: None,
                },
            })
        })
        .collect::<Result<Vec<_>, ConfigError>>()?;
    Ok(Matter {
        id,
        name,
        category: category.id,
        basis,
        conditions: conditions.into_iter().map(|t| Text::zh(&t)).collect(),
        materials,
        steps: steps.into_iter().map(|t| Text::zh(&t)).collect(),
        limit,
        fee,
        windows,
        proxy: m.proxy,
        in_person: m.in_person,
        questions,
        pinyin,
    })
}

fn time_limit(
    check: &Check<'_>,
    value: &Spanned<toml::Value>,
    field: &str,
) -> Result<TimeLimit, ConfigError> {
    match value.get_ref() {
        toml::Value::String(s) if matches!(s.trim(), "即办" | "immediate") => {
            Ok(TimeLimit::Immediate)
        }
        toml::Value::Integer(n) if (1..=i64::from(MAX_WORKING_DAYS)).contains(n) => {
            Ok(TimeLimit::WorkingDays(*n as u16))
        }
        _ => Err(check.error(
            value.span(),
            field,
            format!(
                "expected \"即办\" or a number of working days 1–{MAX_WORKING_DAYS} (time_limit = 5)"
            ),
        )),
    }
}

fn fee(check: &Check<'_>, value: &Spanned<toml::Value>, field: &str) -> Result<Fee, ConfigError> {
    let err = |problem: &str| check.error(value.span(), field, problem);
    match value.get_ref() {
        toml::Value::String(s) if matches!(s.trim(), "free" | "不收费" | "免费") => {
            Ok(Fee::Free)
        }
        toml::Value::Table(t) => {
            let part = |key: &str| -> Result<String, ConfigError> {
                match t.get(key) {
                    Some(toml::Value::String(s)) => check.text(
                        &Spanned::new(value.span(), s.clone()),
                        &format!("{field}.{key}"),
                        MAX_PARAGRAPH,
                    ),
                    Some(_) => Err(err(&format!("`{key}` is not text"))),
                    None if key == "basis" => Err(err(
                        "a fee states its basis (收费依据): fee = { amount = \"…\", basis = \"…\" }",
                    )),
                    None => Err(err(
                        "a fee states its amount: fee = { amount = \"工本费 20 元\", basis = \"…\" }",
                    )),
                }
            };
            if let Some(other) = t.keys().find(|k| !matches!(k.as_str(), "amount" | "basis")) {
                return Err(err(&format!(
                    "unknown key `{other}`; a fee has `amount` and `basis`"
                )));
            }
            Ok(Fee::Charged {
                amount: part("amount")?,
                basis: part("basis")?,
            })
        }
        _ => Err(err(
            "expected \"free\" or { amount = \"工本费 20 元\", basis = \"the rule that sets it\" }",
        )),
    }
}

fn material(check: &Check<'_>, m: &RawMaterial, field: &str) -> Result<Material, ConfigError> {
    let form = match m.form.get_ref().trim() {
        "original" | "原件" => Form::Original,
        "copy" | "复印件" => Form::Copy,
        "both" | "原件及复印件" => Form::Both,
        other => {
            return Err(check.error(
                m.form.span(),
                &format!("{field}.form"),
                format!("`{other}` is not \"original\", \"copy\" or \"both\""),
            ));
        }
    };
    let copies = match &m.copies {
        None => 1,
        Some(c) if (1..=20).contains(c.get_ref()) => *c.get_ref() as u8,
        Some(c) => {
            return Err(check.error(c.span(), &format!("{field}.copies"), "must be 1–20"));
        }
    };
    let note = match check.optional(&m.note, &format!("{field}.note"), MAX_PARAGRAPH)? {
        None => None,
        Some(zh) => Some(Text {
            zh,
            en: check.optional(&m.note_en, &format!("{field}.note_en"), MAX_PARAGRAPH)?,
        }),
    };
    Ok(Material {
        name: Text {
            zh: check.text(&m.name, &format!("{field}.name"), MAX_MATERIAL)?,
            en: check.optional(&m.name_en, &format!("{field}.name_en"), MAX_MATERIAL * 2)?,
        },
        form,
        copies,
        note,
        station_copies: m.station_copies,
    })
}
