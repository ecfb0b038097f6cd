//! `kiosk`: the station kiosk's one program. `kiosk run` (or no arguments) runs
//! the station; `kiosk logs` reads its journal. See `kiosk --help`.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    // glibc gives each thread that allocates an arena of its own, and each
    // keeps what it once held: about a megabyte more resident for every busy
    // thread (the voice's player, measured). Two arenas serve a kiosk whose
    // threads seldom allocate at the same moment.
    //
    // A fixed mmap threshold: every block of 256 KiB or more is mapped on
    // its own and unmapped when freed. glibc would otherwise raise the
    // threshold to the size of the first such block freed, and from then
    // on keep blocks that large in the arenas: a PIN check's Argon2 memory
    // (19 MiB) stayed resident in each arena that had checked one, and a
    // busy day's RSS rose from 34 MB to 98 MB (heaptrack: 24 MB of heap at
    // the peak; `benches/soak.rs`).
    #[cfg(target_env = "gnu")]
    // SAFETY: sets two of the allocator's tunables, before any other thread
    // exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
    match cli::main(started) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kiosk: {}", said_once(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes, each said once. Many messages already carry
/// their cause (`cannot use data folder …: not a directory — …`), and an
/// error that only wraps another shows the same text: a cause the text so
/// far contains is not repeated.
fn said_once(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    enum Outer {
        #[error("{0}")]
        Wrapped(#[from] Inner),
    }

    #[derive(Debug, thiserror::Error)]
    #[error("another kiosk is already running on data folder /d")]
    struct Inner;

    #[test]
    fn each_cause_is_said_once() {
        let e = anyhow::Error::from(Outer::from(Inner));
        assert_eq!(
            said_once(&e),
            "another kiosk is already running on data folder /d"
        );
        let e = anyhow::Error::from(std::io::Error::other("disk full")).context("cannot write x");
        assert_eq!(said_once(&e), "cannot write x: disk full");
    }
}
