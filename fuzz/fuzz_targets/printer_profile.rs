//! A printer profile file (`printers.toml`): profiles or an error naming the
//! file, never a panic; every profile read answers its questions.
#![no_main]
libfuzzer_sys::fuzz_target!(|text: &str| {
    match drivers::profile::Profiles::parse(text, "fuzz.toml") {
        Ok(profiles) => {
            for p in profiles.iter() {
                let _ = (p.ticket_cut(), p.print_time(u32::MAX), p.drain_rate());
                let _ = p.cut_time();
            }
        }
        Err(e) => assert!(e.to_string().starts_with("fuzz.toml"), "{e}"),
    }
});
