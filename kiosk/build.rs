//! Compiles the `.slint` files, with the debug info that element queries (the
//! control socket's `tap`, the UI tests) need, and the English translation
//! bundled in.

fn main() {
    let config = slint_build::CompilerConfiguration::new()
        .with_debug_info(true)
        .with_bundled_translations("ui/translations")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None);
    if let Err(e) = slint_build::compile_with_config("ui/main.slint", config) {
        eprintln!("cannot compile the UI: {e}");
        std::process::exit(1);
    }
}
