//! Bytes arriving at the virtual printer, in two pieces split anywhere.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let split = data.first().map_or(0, |&b| usize::from(b)).min(data.len());
    let mut decoder = board::sim::decode::Decoder::default();
    let _ = decoder.feed(&data[..split]);
    let _ = decoder.feed(&data[split..]);
});
