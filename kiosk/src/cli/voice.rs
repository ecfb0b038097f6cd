//! `kiosk voice check`: a clip set (a station's own recording, or a built-in
//! one by name) checked as the station checks it when it loads it, every
//! problem with its file and phrase.

use std::process::ExitCode;

use anyhow::Result;
use kiosk::voice::{Source, check};

use super::VoiceCommand;

pub(super) fn voice(command: VoiceCommand) -> Result<ExitCode> {
    let VoiceCommand::Check { set } = command;
    let source = Source::named(&set);
    let checked = check(&source);
    let at = |file: &str| match &source {
        Source::Folder(dir) => dir.join(file).display().to_string(),
        Source::Builtin(name) => format!("{name}/{file}"),
    };
    for p in &checked.problems {
        let phrase = p
            .phrase
            .as_ref()
            .map(|k| format!("phrase `{k}`: "))
            .unwrap_or_default();
        let level = if p.fatal { "error" } else { "fix" };
        println!("{}: {level}: {phrase}{}", at(&p.file), p.message);
    }
    match (&checked.set, checked.problems.is_empty()) {
        (Some(s), true) => {
            println!(
                "{set}: {} ({}), {} clips at {} Hz, {} KB: ready to play",
                s.name,
                s.id,
                checked.clips,
                s.rate,
                s.bytes() / 1000
            );
            Ok(ExitCode::SUCCESS)
        }
        (Some(_), false) => {
            println!(
                "{set}: {} problems; the set plays, but fix them so that every clip sounds alike",
                checked.problems.len()
            );
            Ok(ExitCode::FAILURE)
        }
        (None, _) => {
            println!(
                "{set}: {} problems; the station leaves this set out until they are fixed",
                checked.problems.len()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}
