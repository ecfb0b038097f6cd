//! `kiosk`: the station kiosk's one program. `kiosk run` (or no arguments) runs
//! the station; `kiosk logs` reads its journal. See `kiosk --help`.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    match cli::main(started) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kiosk: {e:#}");
            ExitCode::FAILURE
        }
    }
}
