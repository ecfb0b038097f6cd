//! The service catalog (`catalog.toml`): categories, their windows and
//! hours, read and checked into the domain's `Catalog`.

use jiff::civil::{Time, Weekday};

use crate::domain::{Catalog, CatalogError, Category, CategoryId, Days, Hours, Session, WindowNo};

use super::*;

/// The catalog's windows as a list for messages: `1, 2, 3`.
pub(super) fn window_list(catalog: &Catalog) -> String {
    let numbers: Vec<String> = catalog.windows().iter().map(|w| w.to_string()).collect();
    numbers.join(", ")
}

/// `HH:MM` to a time of day.
pub(super) fn parse_time(text: &str) -> Option<Time> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
    Time::new(h, m, 0, 0).ok()
}

pub(super) fn weekday(text: &str) -> Option<Weekday> {
    Some(match text.to_ascii_lowercase().as_str() {
        "mon" | "monday" => Weekday::Monday,
        "tue" | "tuesday" => Weekday::Tuesday,
        "wed" | "wednesday" => Weekday::Wednesday,
        "thu" | "thursday" => Weekday::Thursday,
        "fri" | "friday" => Weekday::Friday,
        "sat" | "saturday" => Weekday::Saturday,
        "sun" | "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

pub(super) fn hours(src: &Source<'_>, raw: &RawHours, field: &str) -> Result<Hours, ConfigError> {
    let days_field = format!("{field}.days");
    let bad_days = || {
        src.error(
            Some(raw.days.span()),
            Some(&days_field),
            "expected \"working-days\" or a list of weekdays such as [\"mon\", \"tue\"]",
        )
    };
    let days = match raw.days.get_ref() {
        toml::Value::String(s) if s == "working-days" => Days::WorkingDays,
        toml::Value::Array(list) => {
            let mut days = Vec::new();
            for v in list {
                let d = v.as_str().and_then(weekday).ok_or_else(bad_days)?;
                if !days.contains(&d) {
                    days.push(d);
                }
            }
            Days::Weekdays(days)
        }
        _ => return Err(bad_days()),
    };
    let mut sessions = Vec::new();
    for text in raw.sessions.get_ref() {
        let session = text
            .split_once('-')
            .and_then(|(a, b)| {
                Some(Session {
                    start: parse_time(a)?,
                    end: parse_time(b)?,
                })
            })
            .ok_or_else(|| {
                src.error(
                    Some(raw.sessions.span()),
                    Some(&format!("{field}.sessions")),
                    format!("`{text}` is not a session such as \"08:30-12:00\""),
                )
            })?;
        sessions.push(session);
    }
    Ok(Hours { days, sessions })
}

/// Parses and validates a catalog file's text.
pub fn parse_catalog(name: &str, text: &str) -> Result<Catalog, ConfigError> {
    let src = Source {
        name: name.to_string(),
        text,
    };
    let raw: RawCatalog = src.parse()?;
    let station_hours = hours(&src, raw.hours.get_ref(), "hours")?;
    let mut categories = Vec::new();
    for (i, c) in raw.category.iter().enumerate() {
        let c = c.get_ref();
        let id = CategoryId::parse(c.prefix.get_ref()).ok_or_else(|| {
            src.error(
                Some(c.prefix.span()),
                Some(&format!("category[{i}].prefix")),
                format!("`{}` is not one capital letter A–Z", c.prefix.get_ref()),
            )
        })?;
        let mut windows = Vec::new();
        for w in c.windows.get_ref() {
            let no = u8::try_from(*w.get_ref())
                .ok()
                .and_then(WindowNo::new)
                .ok_or_else(|| {
                    src.error(
                        Some(w.span()),
                        Some(&format!("category[{i}].windows")),
                        format!("{} is not a window number 1–{}", w.get_ref(), WindowNo::MAX),
                    )
                })?;
            windows.push(no);
        }
        let own_hours = match &c.hours {
            Some(h) => Some(hours(&src, h.get_ref(), &format!("category[{i}].hours"))?),
            None => None,
        };
        categories.push(Category {
            id,
            name_zh: c.zh.get_ref().trim().to_string(),
            name_en: c.en.get_ref().trim().to_string(),
            windows,
            hours: own_hours,
        });
    }
    Catalog::new(categories, station_hours).map_err(|e: CatalogError| {
        let span = match e.category.and_then(|i| raw.category.get(i)) {
            None => match e.field {
                "hours" => Some(raw.hours.span()),
                _ => None,
            },
            Some(c) => {
                let c = c.get_ref();
                Some(match e.field {
                    "prefix" => c.prefix.span(),
                    "zh" => c.zh.span(),
                    "en" => c.en.span(),
                    "windows" => c.windows.span(),
                    "hours" => c.hours.as_ref().map_or(c.windows.span(), |h| h.span()),
                    _ => c.prefix.span(),
                })
            }
        };
        let field = match e.category {
            Some(i) => format!("category[{i}].{}", e.field),
            None => e.field.to_string(),
        };
        src.error(span, Some(&field), e.problem)
    })
}
