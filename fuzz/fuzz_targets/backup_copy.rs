//! A file given to `kiosk restore`: any bytes are staged (decrypted first
//! when they begin like an age file, with a key that is not theirs) and
//! checked — a checked copy or an error, never a panic, nothing left behind.
#![no_main]
libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    use kiosk::store::backup::{Decrypt, stage};
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("copy.db");
    std::fs::write(&file, bytes).expect("the input written");
    let stranger: Box<dyn age::Identity + Send + Sync> =
        Box::new(age::x25519::Identity::generate());
    let key = Decrypt::Identities(vec![stranger]);
    let _ = stage(&file, Some(&key), dir.path());
    let _ = stage(&file, None, dir.path());
});
