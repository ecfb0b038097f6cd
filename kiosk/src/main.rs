slint::include_modules!();
fn main() {}
