//! Compiles the `.slint` files, with the debug info that element queries (the
//! control socket's `tap`, the UI tests) need, and the English translation
//! bundled in; lists the shipped voice clip sets (`assets/voice/{cmn,en}`)
//! for the binary to include.

use std::path::Path;

/// Writes `voice_sets.rs`: `BUILTIN`, each shipped set's files as
/// `(set, file, include_bytes!(…))`.
fn voice_sets() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/voice");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut out = String::from("static BUILTIN: &[(&str, &str, &[u8])] = &[\n");
    for set in ["cmn", "en"] {
        let dir = root.join(set);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for path in files {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            println!("cargo:rerun-if-changed={}", path.display());
            out += &format!(
                "    ({set:?}, {name:?}, include_bytes!({:?})),\n",
                path.canonicalize().unwrap_or(path.clone())
            );
        }
    }
    out += "];\n";
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("voice_sets.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("cannot write {}: {e}", dest.display()));
}

fn main() {
    voice_sets();
    let config = slint_build::CompilerConfiguration::new()
        .with_debug_info(true)
        .with_bundled_translations("ui/translations")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None);
    if let Err(e) = slint_build::compile_with_config("ui/main.slint", config) {
        eprintln!("cannot compile the UI: {e}");
        std::process::exit(1);
    }
}
