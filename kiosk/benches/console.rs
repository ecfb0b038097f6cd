//! The staff console against a year of journal: the log page with each of its
//! filters, the monthly report, and every page's size.
//!
//! A station's year is made first through the real domain and store: from
//! 2026-01-05, every working day, a ticket every 36 seconds through both
//! sessions (issued, printed, called, completed, rated), a back-entry and a
//! staff sign-in a day, a bad rating now and then (a case) — until the
//! journal holds the number of entries asked for (default 1,000,000). Then
//! the real `kiosk run` serves the console on that data folder and a client
//! on loopback signs in and times each page from request to the last byte of
//! the answer (an upper bound on the server's time). Run:
//! `cargo bench -p kiosk --bench console [-- ENTRIES]`.

mod support;

use support::console::Client;

fn main() {
    let entries: u64 = support::first_number(1_000_000);
    let dir = support::database_dir();
    let (written, last) = support::year::made(&dir.path().join("kiosk.db"), entries);

    let clock = format!("{} 09:00", last.tomorrow().expect("a day after"));
    let (mut child, base) = support::console::serve(dir.path(), &clock);
    let client = Client::sign_in(&base);

    // The last whole month.
    let month = &last
        .first_of_month()
        .yesterday()
        .expect("a day before")
        .to_string()[..7];
    let mid = last.first_of_month().to_string();
    let deep = written / 2;
    println!("\nLog page, 50 entries, newest first (bar: 50 ms p99)");
    for (label, path) in [
        ("no filter".to_string(), "/log".to_string()),
        ("kind".into(), "/log?kind=ticket_rated".into()),
        ("rare kind".into(), "/log?kind=back_entered".into()),
        ("window".into(), "/log?window=2".into()),
        (
            "ticket (every day's A123)".into(),
            "/log?ticket=A123".into(),
        ),
        ("staff".into(), "/log?staff=0001".into()),
        ("case".into(), format!("/log?case={}-0003", last.year())),
        (
            "a month and a kind".into(),
            format!("/log?from={mid}&to={last}&kind=ticket_called"),
        ),
        (
            "window and kind, a day".into(),
            format!("/log?from={last}&to={last}&window=1&kind=ticket_completed"),
        ),
        (
            "a page deep in the year".into(),
            format!("/log?before={deep}"),
        ),
        (
            "a page deep in the year, window 3".into(),
            format!("/log?before={deep}&window=3"),
        ),
    ] {
        client.time(&label, &path);
    }

    println!("\nReports with a year in the journal (bar: 1 s)");
    client.time("month", &format!("/reports?month={month}"));
    client.time("day", &format!("/reports?day={last}"));

    println!("\nEvery page's size (bar: 200 KB)");
    for path in [
        "/".to_string(),
        "/today/live".into(),
        "/window?w=1".into(),
        "/log".into(),
        "/log/1".into(),
        "/cases".into(),
        format!("/reports?month={month}"),
        "/backentry".into(),
        "/login".into(),
    ] {
        let (status, body, _) = client.get(&path);
        println!("  {path}: {status}, {} bytes", body.len());
    }
    let (_, body, took) = client.get("/log/verify");
    println!(
        "  /log/verify: {} bytes, {:.2} s (walks the whole chain)",
        body.len(),
        took.as_secs_f64()
    );
    let _ = child.kill();
    let _ = child.wait();
}
