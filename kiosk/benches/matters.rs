//! The matter guide: loading a catalog of 500 matters, and keystroke →
//! matching matters on the lobby guide.
//!
//! The catalog: the sample's 22 matters varied into 500 (each with its
//! materials, basis, steps and questions), read and checked as `kiosk
//! matters load` and the station do — TOML, every field, GB2312, the
//! names' pinyin from one pass over the pinyin dictionary's text (its
//! index, the complaint keyboard's 8 MB, is not built). The first load and
//! the memory it adds are reported apart. Keystrokes: pinyin initials and
//! syllables typed letter by letter on the guide's keyboard, through the
//! real UI on the headless platform: the guide searched, its page put on
//! the screen (`keystroke → list`), and the whole 800×480 frame drawn by the
//! software renderer (`keystroke → frame`). Run:
//! `cargo bench -p kiosk --bench matters [-- ROUNDS]`.

mod support;

use std::time::Instant;

use kiosk::config::{DEFAULT_CATALOG, SAMPLE_MATTERS, parse_catalog, parse_matters};
use kiosk::matters::Book;
use kiosk::ui::KioskWindow;
use slint::ComponentHandle;

/// The sample's matters, varied into `count`.
fn catalog_of(count: usize) -> String {
    let head_end = SAMPLE_MATTERS
        .find("\n[[matter]]\n")
        .expect("the sample has matters");
    let bodies: Vec<&str> = SAMPLE_MATTERS[head_end..]
        .split("\n[[matter]]\n")
        .filter(|b| !b.trim().is_empty())
        .collect();
    let prefixes = [
        "",
        "农村",
        "城镇",
        "困难家庭",
        "老年人",
        "残疾人",
        "退役军人",
        "外来务工人员",
    ];
    let mut out = String::from("[catalog]\nreturn_days = 10\n\n");
    for i in 0..count {
        let body = bodies[i % bodies.len()];
        let prefix = prefixes[(i / bodies.len()) % prefixes.len()];
        let mut lines = Vec::new();
        for line in body.lines() {
            if let Some(id) = line.strip_prefix("id = \"") {
                lines.push(format!("id = \"m{i}-{}", id));
            } else if let Some(name) = line.strip_prefix("name = \"").filter(|_| lines.len() < 4) {
                let name: String = format!("{prefix}{name}")
                    .trim_end_matches('"')
                    .chars()
                    .take(38)
                    .collect();
                lines.push(format!("name = \"{name}\""));
            } else {
                lines.push(line.to_string());
            }
        }
        out.push_str("[[matter]]\n");
        out.push_str(&lines.join("\n"));
        out.push('\n');
    }
    out
}

fn main() {
    let rounds = support::rounds().min(200);
    let catalog = parse_catalog("catalog.toml", DEFAULT_CATALOG).expect("the shipped catalog");
    let text = catalog_of(500);
    println!("catalog: 500 matters, {} KB of TOML", text.len() / 1024);

    let before = support::rss();
    let started = Instant::now();
    let first = parse_matters("matters.toml", &text, &catalog, 1).expect("the catalog reads");
    println!(
        "first_load {:.1} ms, resident +{:.1} MB (the catalog, and the pinyin text read once)",
        started.elapsed().as_secs_f64() * 1000.0,
        support::rss().saturating_sub(before) as f64 / 1e6
    );
    assert_eq!(first.matters.len(), 500);
    let mut loads = Vec::new();
    for _ in 0..rounds.min(50) {
        let t = Instant::now();
        let m = parse_matters("matters.toml", &text, &catalog, 1).expect("the catalog reads");
        loads.push(t.elapsed());
        assert_eq!(m.matters.len(), 500);
    }
    support::report(
        &format!("catalog_load matters=500 loads={}", loads.len()),
        loads,
    );

    kiosk::ui::headless::init().expect("the headless platform");
    let window = KioskWindow::new().expect("the window");
    window.window().set_size(slint::PhysicalSize::new(800, 480));
    kiosk::ui::guide::wire_guide(&window, Book::of(first, &catalog), |_| {});
    let lobby = window.global::<kiosk::ui::Lobby>();
    lobby.invoke_guide_start();
    lobby.set_screen(kiosk::ui::Screen::Guide);
    lobby.invoke_guide_search();
    let typed = [
        "ylbx",
        "gljt",
        "dibao",
        "cjrlxbt",
        "juzhuzheng",
        "shbzk",
        "yiliaobaoxian",
        "lsjz",
        "nongcun",
        "tyjr",
    ];
    let (mut lists, mut frames) = (Vec::new(), Vec::new());
    let mut found = 0usize;
    for _ in 0..rounds {
        for word in typed {
            lobby.invoke_guide_key("clear".into());
            for letter in word.chars() {
                let t = Instant::now();
                lobby.invoke_guide_key(letter.to_string().into());
                lists.push(t.elapsed());
                let shot = window.window().take_snapshot().expect("a frame");
                frames.push(t.elapsed());
                std::hint::black_box(shot);
            }
            found += lobby.get_guide_total() as usize;
        }
    }
    println!(
        "matters found per word (mean) {:.1}",
        found as f64 / (rounds * typed.len()) as f64
    );
    support::report(
        &format!("keystroke_to_list matters=500 keystrokes={}", lists.len()),
        lists,
    );
    support::report(
        &format!(
            "keystroke_to_frame 800x480 matters=500 keystrokes={}",
            frames.len()
        ),
        frames,
    );
}
