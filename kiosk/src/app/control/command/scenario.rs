//! Scenario files: one command a line, each led by when it runs, with
//! comments; errors name the file and the line.

use std::time::Duration;

use super::{Command, parse};
use board::command::parse_duration;

/// When a scenario step runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum When {
    /// Right after the previous step.
    Next,
    /// This long after the previous step (`+2s`).
    After(Duration),
    /// This long after the scenario started (`@10s`).
    At(Duration),
}

/// One line of a scenario file.
#[derive(Clone, PartialEq, Debug)]
pub struct Step {
    pub line: usize,
    pub when: When,
    pub command: Command,
}

/// Parses a scenario file: one command a line, optionally led by `+DURATION`
/// (after the previous step) or `@DURATION` (from the start); `#` starts a comment.
/// Errors name the file and line.
pub fn parse_scenario(name: &str, text: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = match raw.find(" #") {
            Some(at) if !raw.trim_start().starts_with('{') => &raw[..at],
            _ => raw,
        };
        let content = content.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let err = |e: String| format!("{name}:{line}: {e}");
        let (when, rest) = match content.chars().next() {
            Some(mark @ ('+' | '@')) => {
                let (time, rest) = content[1..]
                    .split_once(char::is_whitespace)
                    .unwrap_or((&content[1..], ""));
                let d = parse_duration(time).map_err(err)?;
                (
                    if mark == '+' {
                        When::After(d)
                    } else {
                        When::At(d)
                    },
                    rest,
                )
            }
            _ => (When::Next, content),
        };
        let command = parse(rest).map_err(err)?;
        steps.push(Step {
            line,
            when,
            command,
        });
    }
    Ok(steps)
}
