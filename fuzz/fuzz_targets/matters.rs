//! A matter catalog: matters or an error naming the file, never a panic; and
//! whatever it holds can be searched with any letters.
#![no_main]
libfuzzer_sys::fuzz_target!(|input: (&str, &str)| {
    let (text, letters) = input;
    let catalog = kiosk::config::parse_catalog("catalog.toml", kiosk::config::DEFAULT_CATALOG)
        .expect("the shipped catalog reads");
    match kiosk::config::parse_matters("fuzz.toml", text, &catalog, 1) {
        Ok(matters) => {
            let _ = matters.search(letters);
        }
        Err(e) => assert!(e.to_string().starts_with("fuzz.toml")),
    }
});
