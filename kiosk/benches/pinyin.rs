//! Pinyin: dictionary load at start, and keystroke → candidates.
//!
//! Load: parsing the shipped dictionary (`assets/pinyin/pinyin.tsv`, compiled
//! in) into the indexed form, timed, and the resident memory it adds (from
//! `/proc/self/statm`). Keystrokes: every prefix of common complaint words and
//! phrases typed letter by letter (`f`, `fu`, `fuw`, …), each asking for the
//! first 20 candidates, as the on-screen keyboard will. Run:
//! `cargo bench -p kiosk --bench pinyin [-- ROUNDS]`.

mod support;

use std::time::Instant;

use kiosk::pinyin::Pinyin;

fn main() {
    let rounds = support::rounds().min(1000);
    let before = support::rss();
    let started = Instant::now();
    let pinyin = Pinyin::built_in();
    let load = started.elapsed();
    let added = support::rss().saturating_sub(before);
    println!(
        "dictionary_load {:.1} ms, resident +{:.1} MB",
        load.as_secs_f64() * 1000.0,
        added as f64 / 1e6
    );

    let phrases = [
        "fuwutaidubuhao",
        "banshixiaolvtaidi",
        "shoufeibuheli",
        "chuangkougongzuorenyuan",
        "dengdaishijiantaichang",
        "banlijieguobumanyi",
        "xiwanggaijin",
        "nihao",
        "zhongguo",
        "shenfenzheng",
    ];
    let mut latencies = Vec::new();
    let mut shown = 0usize;
    for _ in 0..rounds {
        for phrase in phrases {
            for end in 1..=phrase.len() {
                let t = Instant::now();
                let candidates = pinyin.candidates(&phrase[..end], 20);
                latencies.push(t.elapsed());
                shown += candidates.len();
            }
        }
    }
    println!("candidates shown {shown}");
    support::report(
        &format!("keystroke_to_candidates keystrokes={}", latencies.len()),
        latencies,
    );
}
