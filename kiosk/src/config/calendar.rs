//! The holiday calendar: holiday-cn style year files, the built-in ones and
//! those installed beside the settings.

use std::path::{Path, PathBuf};

use crate::domain::{CalendarDay, HolidayCalendar};

use super::*;

/// One year of the holiday calendar as read from its file.
#[derive(Clone, Debug)]
pub struct CalendarYear {
    pub year: i16,
    pub days: Vec<CalendarDay>,
}

/// Reads and checks one holiday-cn style calendar file: dates that do not
/// exist, days outside the file's year and days listed twice are refused with
/// their line.
pub fn read_calendar_file(name: &str, text: &str) -> Result<CalendarYear, ConfigError> {
    let error = |line: Option<usize>, field: Option<String>, problem: String| ConfigError {
        file: name.to_string(),
        line,
        field,
        problem,
    };
    let file: RawCalendarFile =
        serde_json::from_str(text).map_err(|e| error(Some(e.line()), None, e.to_string()))?;
    if !(2000..=2100).contains(&file.year) {
        return Err(error(
            line_of_key(text, "year", 0),
            Some("year".into()),
            format!("{} is not a year 2000–2100", file.year),
        ));
    }
    // The days in the file's order, each with the line of its "date" key.
    let mut seen = std::collections::BTreeMap::new();
    for (i, d) in file.days.iter().enumerate() {
        let line = line_of_key(text, "date", i);
        let field = Some(format!("days[{i}].date"));
        if d.date.year() != file.year {
            return Err(error(
                line,
                field,
                format!("{} is not in the file's year {}", d.date, file.year),
            ));
        }
        if let Some(first) = seen.insert(d.date, i) {
            return Err(error(
                line,
                field,
                format!("{} is listed twice (also days[{first}])", d.date),
            ));
        }
    }
    Ok(CalendarYear {
        year: file.year,
        days: file.days,
    })
}

/// The line of the `n`th occurrence of `"key"` in a JSON text.
pub(super) fn line_of_key(text: &str, key: &str, n: usize) -> Option<usize> {
    let quoted = format!("\"{key}\"");
    let (offset, _) = text.match_indices(&quoted).nth(n)?;
    Some(board::line_at(text, offset))
}

/// Adds one holiday-cn style calendar file, replacing what the calendar had
/// for its year.
pub fn add_calendar_file(
    calendar: &mut HolidayCalendar,
    name: &str,
    text: &str,
) -> Result<i16, ConfigError> {
    let year = read_calendar_file(name, text)?;
    calendar.set_year(year.year, year.days);
    Ok(year.year)
}

/// The built-in calendar with the files installed in `dir` over it, and the
/// installed files that were refused.
pub fn calendar_with_installed(dir: &Path) -> (HolidayCalendar, Vec<ConfigError>) {
    let mut calendar = HolidayCalendar::default();
    let mut problems = Vec::new();
    for (name, text) in DEFAULT_CALENDAR {
        if let Err(e) = add_calendar_file(&mut calendar, name, text) {
            problems.push(e);
        }
    }
    problems.extend(add_installed_calendars(&mut calendar, dir));
    (calendar, problems)
}

/// Adds the calendar files installed in `dir` (`YYYY.json`, as `kiosk
/// calendar load` puts them there) over the built-in years. A file that does
/// not read is skipped and reported; the calendar keeps what it had for that
/// year.
pub fn add_installed_calendars(calendar: &mut HolidayCalendar, dir: &Path) -> Vec<ConfigError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut problems = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let added = read(&path).and_then(|text| add_calendar_file(calendar, &name, &text));
        if let Err(e) = added {
            problems.push(e);
        }
    }
    problems
}
