//! The plain form's small pieces, shared by every command: a line split into
//! words (double quotes group them), window numbers, argument counts and
//! durations.

use std::time::Duration;

/// Splits a line into words; double quotes group words, `\"` escapes a quote.
pub fn words(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        if c == '"' {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => word.extend(chars.next()),
                    '"' => {
                        closed = true;
                        break;
                    }
                    c => word.push(c),
                }
            }
            if !closed {
                return Err("a quoted word is not closed with \"".into());
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
        }
        out.push(word);
    }
    Ok(out)
}

pub fn window(word: Option<&String>) -> Result<u8, String> {
    word.and_then(|w| w.parse::<u8>().ok())
        .filter(|w| (1..=99).contains(w))
        .ok_or_else(|| "expected a window number 1–99".to_string())
}

/// Checks that the command has `n` arguments, or says its usage.
pub fn arity(words: &[String], n: usize, usage: &str) -> Result<(), String> {
    if words.len() == n + 1 {
        Ok(())
    } else {
        Err(format!("usage: {usage}"))
    }
}

/// `500ms`, `2s`, `1.5s`, `1m`, `1m30s`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("`{text}` is not a duration such as 500ms, 2s or 1m30s");
    let mut total = 0f64;
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let value: f64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let (unit, len) = if rest.starts_with("ms") {
            (0.001, 2)
        } else if rest.starts_with('s') {
            (1.0, 1)
        } else if rest.starts_with('m') {
            (60.0, 1)
        } else if rest.starts_with('h') {
            (3600.0, 1)
        } else {
            return Err(bad());
        };
        total += value * unit;
        rest = &rest[len..];
    }
    if !(0.0..=86_400.0).contains(&total) {
        return Err(format!("`{text}` is longer than a day"));
    }
    Ok(Duration::from_secs_f64(total))
}
