//! The ticket printer going wrong, end to end: the real binary drives the
//! virtual printer through the real `serialport` path, and faults are injected
//! through the control socket as a technician's script would. In every case the
//! ticket stays valid, staff are told, and the ticket prints under its own
//! number once the fault clears.

use serde_json::Value;

use crate::support::*;

/// The printer's health as the station reports it: `ready`, `paper_low` or the
/// fault's name.
fn health(station: &mut Station) -> String {
    let h = station.state()["printer"]["health"].clone();
    match h["state"].as_str() {
        Some("fault") => h["fault"].as_str().unwrap().to_string(),
        Some(other) => other.to_string(),
        None => panic!("no printer health in {h}"),
    }
}

fn simulated(station: &mut Station) -> Value {
    station.state()["printer"]["simulated"].clone()
}

/// Takes a ticket while the printer has a fault: it is shown, valid and held.
fn take_held_ticket(station: &mut Station, category: char) -> String {
    station.ok(&format!("tap category-{category}"));
    station.ok("settle held");
    let screen = station.screen();
    assert_eq!(screen["print"], "held", "{screen}");
    let code = screen["ticket"].as_str().unwrap().to_string();
    assert_eq!(
        station.state()["printer"]["held"],
        serde_json::json!([code])
    );
    code
}

/// Journal entries of a kind, as JSON bodies.
fn bodies(data: &std::path::Path, kind: &str) -> Vec<Value> {
    journal(data, &["--kind", kind])
        .into_iter()
        .map(|e| e["body"].clone())
        .collect()
}

/// A station whose tickets are given up after two seconds of a printer fault.
fn start_with_short_hold(dir: &std::path::Path) -> (Station, std::path::PathBuf) {
    let config = dir.join("kiosk.toml");
    std::fs::write(&config, format!("{TEST_CONFIG}hold_seconds = 2\n")).unwrap();
    let data = dir.join("data");
    let station = Station::start(&data, &["--config", config.to_str().unwrap()]);
    (station, data)
}

#[test]
fn paper_out_mid_ticket_holds_it_and_it_resumes_under_the_same_number() {
    let dir = tempfile::tempdir().unwrap();
    let (mut station, data) = start_with_short_hold(dir.path());
    // The roll ends 30 mm into the first ticket.
    station.ok("printer paper-end-in 30");
    let code = take_held_ticket(&mut station, 'A');
    assert_eq!(code, "A001");
    assert_eq!(health(&mut station), "paper_out");
    let screen = station.screen();
    assert!(
        screen["notice"].as_str().unwrap().contains("打印机缺纸"),
        "{screen}"
    );
    assert_eq!(station.waiting(), ["A001"], "the ticket is valid");
    let sim = simulated(&mut station);
    assert_eq!(sim["jobs"], 0, "nothing cut yet: {sim}");
    assert!(
        sim["buffered"].as_u64().unwrap() > 0,
        "the rest is held: {sim}"
    );
    // A reprint now would come out twice: refused.
    let refused = station.send("reprint A001");
    assert_eq!(
        refused["error"],
        "A001 is waiting for the printer to recover; it prints by itself — reprint it once it has printed or was given up"
    );
    // Past the hold time the ticket is not given up: the printer has part of
    // it and will finish it by itself.
    station.ok("wait 3s");
    assert_eq!(
        station.state()["printer"]["held"],
        serde_json::json!(["A001"])
    );

    // A new roll: the printer finishes the ticket it held; nothing is sent twice.
    station.ok("printer paper-load");
    station.ok("settle");
    assert_eq!(station.screen()["print"], "printed");
    let sim = simulated(&mut station);
    assert_eq!(sim["jobs"], 1, "{sim}");
    let text = sim["last_job"]["text"].as_str().unwrap();
    assert_eq!(
        text.matches("A001").count(),
        2,
        "number and QR, once each: {text}"
    );
    assert!(text.ends_with("[cut partial]\n"), "{text}");
    assert_eq!(health(&mut station), "ready");
    station.ok("tap done");
    assert_eq!(station.take_ticket('A'), "A002", "no number was used up");
    assert!(station.quit().success());

    let printed = bodies(&data, "ticket_printed");
    assert_eq!(printed[0]["ticket"], "A001");
    assert_eq!(printed[0]["after_fault"], true);
    let changes: Vec<Value> = bodies(&data, "printer_changed")
        .into_iter()
        .map(|b| b["health"]["fault"].clone())
        .collect();
    assert_eq!(changes[0], "paper_out", "{changes:?}");
    assert!(bodies(&data, "print_failed").is_empty());
}

#[test]
fn an_80mm_printer_with_automatic_status_reports_paper_out_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(
        &config,
        format!("{TEST_CONFIG}model = \"generic-80\"\nbaud = 115200\n"),
    )
    .unwrap();
    let data = dir.path().join("data");
    let mut station = Station::start(&data, &["--config", config.to_str().unwrap()]);
    // The printer tells the kiosk by itself when the roll runs out mid-ticket.
    station.ok("printer paper-end-in 20");
    assert_eq!(take_held_ticket(&mut station, 'A'), "A001");
    assert_eq!(health(&mut station), "paper_out");
    station.ok("printer paper-load");
    station.ok("settle");
    assert_eq!(station.screen()["print"], "printed");
    let sim = simulated(&mut station);
    let png =
        std::path::PathBuf::from(sim["last_job"]["files"].as_str().unwrap()).with_extension("png");
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    assert_eq!(
        decoder.read_info().unwrap().info().width,
        576,
        "80 mm paper"
    );
    assert!(station.quit().success());
    assert_eq!(bodies(&data, "ticket_printed")[0]["after_fault"], true);
}

#[test]
fn a_cover_left_open_holds_tickets_until_it_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    station.ok("printer cover-open");
    assert_eq!(take_held_ticket(&mut station, 'B'), "B001");
    assert_eq!(health(&mut station), "cover_open");
    assert!(
        station.screen()["notice"]
            .as_str()
            .unwrap()
            .contains("打印机盖未关")
    );
    station.ok("printer cover-close");
    station.ok("settle");
    assert_eq!(station.screen()["print"], "printed");
    assert_eq!(station.screen()["notice"], "");
    let sim = simulated(&mut station);
    assert!(sim["last_job"]["text"].as_str().unwrap().contains("B001"));
    assert!(station.quit().success());
}

#[test]
fn an_unplugged_printer_reprints_the_whole_ticket_once_replugged() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    station.ok("printer unplug");
    assert_eq!(take_held_ticket(&mut station, 'A'), "A001");
    assert_eq!(health(&mut station), "unplugged");
    let state = station.state();
    assert!(
        state["printer"]["fault"]
            .as_str()
            .unwrap()
            .contains("cable"),
        "gone (mid-use) or missing (at the next open), it says to check the cable: {state}"
    );
    assert!(
        station.screen()["notice"]
            .as_str()
            .unwrap()
            .contains("打印机未连接")
    );

    station.ok("printer plug");
    station.ok("settle");
    assert_eq!(station.screen()["print"], "printed");
    let sim = simulated(&mut station);
    assert_eq!(sim["jobs"], 1);
    let lines: Vec<&str> = sim["last_job"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(lines.contains(&"A001"), "{lines:?}");
    assert!(
        lines.contains(&"龙坡村便民服务站") || lines.len() > 8,
        "the whole ticket: {lines:?}"
    );
    assert!(station.quit().success());
    assert_eq!(bodies(dir.path(), "ticket_printed")[0]["after_fault"], true);
}

#[test]
fn a_ticket_the_printer_never_got_is_given_up_after_the_hold_time_and_reprinted() {
    let dir = tempfile::tempdir().unwrap();
    let (mut station, data) = start_with_short_hold(dir.path());
    station.ok("printer unplug");
    assert_eq!(take_held_ticket(&mut station, 'A'), "A001");
    // Two seconds on, the ticket is given up: it stays valid, staff are told.
    station.ok("settle");
    assert_eq!(station.screen()["print"], "failed");
    assert_eq!(station.waiting(), ["A001"]);
    station.ok("printer plug");
    station.ok("reprint A001");
    station.ok("settle");
    let sim = simulated(&mut station);
    assert_eq!(sim["jobs"], 1, "printed once, as the reprint: {sim}");
    assert!(
        sim["last_job"]["text"]
            .as_str()
            .unwrap()
            .contains("补打 REPRINT")
    );
    assert!(station.quit().success());
    let failed = bodies(&data, "print_failed");
    assert!(
        failed[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("not printed within 2 s: printer port"),
        "{failed:?}"
    );
}

#[test]
fn garbage_on_the_line_is_ignored_and_a_wrong_baud_rate_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    // Line noise between jobs changes nothing.
    station.ok("printer garbage");
    assert_eq!(station.take_ticket('A'), "A001");
    station.ok("settle");
    assert_eq!(simulated(&mut station)["jobs"], 1);

    // A printer answering at another baud rate: every answer breaks the
    // status pattern. The ticket is held and the technician told what to check.
    station.ok("printer wrong-baud on");
    assert_eq!(take_held_ticket(&mut station, 'A'), "A002");
    assert_eq!(health(&mut station), "bad_reply");
    let fault = station.state()["printer"]["fault"].clone();
    assert!(
        fault.as_str().unwrap().contains("check the baud rate"),
        "{fault}"
    );
    station.ok("printer wrong-baud off");
    station.ok("settle");
    assert_eq!(station.screen()["print"], "printed");
    assert_eq!(health(&mut station), "ready");
    assert!(station.quit().success());
}

#[test]
fn a_printer_that_takes_a_ticket_and_never_finishes_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    station.ok("printer stall on");
    assert_eq!(take_held_ticket(&mut station, 'C'), "C001");
    assert_eq!(health(&mut station), "stalled");
    let fault = station.state()["printer"]["fault"].clone();
    assert!(
        fault
            .as_str()
            .unwrap()
            .contains("took the ticket but did not finish it"),
        "{fault}"
    );
    station.ok("printer stall off");
    station.ok("settle");
    assert_eq!(station.screen()["print"], "printed");
    assert!(station.quit().success());
}

#[test]
fn paper_low_warns_staff_and_printing_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    station.ok("printer paper-low");
    assert_eq!(station.take_ticket('A'), "A001");
    station.ok("settle");
    assert_eq!(simulated(&mut station)["jobs"], 1);
    assert_eq!(health(&mut station), "paper_low");
    assert!(
        station.screen()["notice"]
            .as_str()
            .unwrap()
            .contains("打印纸将用完")
    );
    station.ok("printer paper-load");
    assert!(station.quit().success());
}

#[test]
fn staff_reprint_a_ticket_under_its_own_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    assert_eq!(station.take_ticket('A'), "A001");
    station.ok("reprint A001");
    station.ok("settle");
    let sim = simulated(&mut station);
    assert_eq!(sim["jobs"], 2);
    let text = sim["last_job"]["text"].as_str().unwrap();
    assert!(
        text.contains("A001\n") && text.contains("补打 REPRINT"),
        "{text}"
    );
    let refused = station.send("reprint A009");
    assert_eq!(refused["error"], "there is no ticket A009 today");
    assert_eq!(station.take_ticket('A'), "A002");
    assert!(station.quit().success());
    let reprints = journal(dir.path(), &["--kind", "ticket_reprinted"]);
    assert_eq!(reprints.len(), 1);
    assert_eq!(reprints[0]["ticket"], "A001");
    assert_eq!(reprints[0]["actor"]["by"], "technician");
}

#[test]
fn the_qr_code_reads_back_from_the_printed_picture() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    assert_eq!(station.take_ticket('D'), "D001");
    let png = station.jobs().join("job-0001.png");
    assert!(station.quit().success());

    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(info.width, 384, "the paper is as wide as the 58 mm profile");
    let (w, h) = (info.width as usize, info.height as usize);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the ticket");
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(
        content, "2026-11-30 D001",
        "day and number, nothing personal"
    );
}

#[test]
fn technicians_ask_the_printer_and_print_a_test_page() {
    let dir = tempfile::tempdir().unwrap();
    // A printer of our own on a pseudo-terminal, as a USB-serial adapter would be.
    let mut printer = board::sim::printer::VirtualPrinter::start(
        &dir.path().join("ttyPRINTER"),
        &dir.path().join("jobs"),
        board::sim::printer::Model::instant_58mm(),
    )
    .unwrap();
    let port = printer.path().to_str().unwrap().to_string();
    let out = kiosk()
        .args(["printer", "status", "--port", &port])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("state    online, paper adequate"),
        "{stdout}"
    );

    printer
        .act(board::command::PrinterAction::CoverOpen)
        .unwrap();
    let out = kiosk()
        .args(["printer", "status", "--port", &port])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "a fault exits 3: {stdout}");
    assert!(stdout.contains("cover open — close the cover"), "{stdout}");
    printer
        .act(board::command::PrinterAction::CoverClose)
        .unwrap();

    let out = kiosk()
        .args(["printer", "test", "--port", &port])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(printer.wait_for_jobs(1, std::time::Duration::from_secs(10)));
    let text = &printer.jobs()[0].text;
    for needle in ["1号\n", "8号\n", "[qr kiosk printer test]", "[cut partial]"] {
        assert!(text.contains(needle), "{needle} missing: {text}");
    }
    assert_eq!(printer.status().unknown_commands, 0);

    // The station's own simulated printer, started for the occasion.
    let data = dir.path().join("data");
    let out = kiosk()
        .args(["printer", "status", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("(generic-58) on"), "{stdout}");
    assert!(
        stdout.contains("state    online, paper adequate"),
        "{stdout}"
    );

    let out = kiosk().args(["printer", "models"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("* generic-58"), "{stdout}");
    assert!(stdout.contains("  epson-tm-t20"), "{stdout}");

    let previews = dir.path().join("previews");
    let out = kiosk()
        .args(["printer", "preview", "--out"])
        .arg(&previews)
        .output()
        .unwrap();
    assert!(out.status.success());
    for name in [
        "ticket-zh",
        "ticket-en",
        "receipt",
        "notice",
        "day-slip",
        "ticket-reprint",
        "test-page",
    ] {
        assert!(previews.join(format!("{name}.png")).exists(), "{name}");
        assert!(previews.join(format!("{name}.txt")).exists(), "{name}");
    }

    // A port with nothing on the far side: no answer, said plainly.
    let (_master, slave) = serialport::TTYPort::pair().unwrap();
    let silent = serialport::SerialPort::name(&slave).unwrap();
    let out = kiosk()
        .args(["printer", "status", "--port", &silent])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains(&format!(
            "no answer from printer on {silent} at 9600 baud — check cable, baud and power"
        )),
        "{stderr}"
    );
}

/// Every job the virtual printer has kept in the data folder, across runs, as
/// text, in order.
fn printed_papers(data: &std::path::Path) -> Vec<String> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(data.join("printer"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect()
}

#[test]
fn a_ticket_cut_but_never_confirmed_comes_out_again_marked_and_journaled_twice() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    // The paper comes out whole; the cable goes before the printer answers the
    // end marker that follows it.
    station.ok("printer unplug-after-cut");
    station.ok("tap category-A");
    station.ok("settle held");
    let fault = station.state()["printer"]["fault"].clone();
    let fault = fault.as_str().unwrap();
    assert!(
        fault.contains("went away while the kiosk waited for the printer's answer"),
        "{fault}"
    );
    assert!(!fault.contains("0 of 0"), "{fault}");
    station.ok("printer plug");
    station.ok("settle");
    assert_eq!(station.screen()["print"], "printed");
    assert!(station.quit().success());

    let papers = printed_papers(dir.path());
    assert_eq!(papers.len(), 2, "{papers:?}");
    assert!(papers[0].contains("A001\n") && !papers[0].contains("补打"));
    assert!(
        papers[1].contains("A001\n") && papers[1].contains("补打 REPRINT"),
        "the second copy is marked: {}",
        papers[1]
    );
    let resent = journal(dir.path(), &["--kind", "print_resent"]);
    assert_eq!(resent.len(), 1, "{resent:?}");
    assert_eq!(resent[0]["ticket"], "A001");
    assert_eq!(bodies(dir.path(), "ticket_printed").len(), 1);
}

/// Settings for the crash tests: a printer that takes the time a real one
/// takes, so that tickets are still at it when the kiosk is killed.
fn paced_config(dir: &std::path::Path, reprint_minutes: u32) -> std::path::PathBuf {
    let config = dir.join("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "{}\nsimulate_timing = true\npoll_seconds = 1\nreprint_unconfirmed_minutes = {reprint_minutes}\n",
            crate::support::TEST_CONFIG.replace("\nsimulate_timing = false\npoll_seconds = 1\n", "")
        ),
    )
    .unwrap();
    config
}

/// Takes tickets by touch without waiting for them to print; returns once the
/// station has committed them all.
fn take_quickly(station: &mut Station, categories: &[char]) {
    for c in categories {
        station.ok(&format!("tap category-{c}"));
        station.ok("tap done");
    }
    let issued = station.state()["tickets"].as_array().unwrap().len();
    assert_eq!(issued, categories.len());
}

#[test]
fn tickets_a_crash_left_unprinted_are_printed_again_marked_once_the_kiosk_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let config = paced_config(dir.path(), 2);
    let data = dir.path().join("data");
    let args = ["--config", config.to_str().unwrap()];
    let mut station = Station::start(&data, &args);
    take_quickly(&mut station, &['A', 'A', 'B']);
    station.kill();

    let before: Vec<String> = bodies(&data, "ticket_printed")
        .iter()
        .map(|b| b["ticket"].as_str().unwrap().to_string())
        .collect();
    assert!(
        before.len() < 3,
        "the paced printer cannot have printed three tickets yet: {before:?}"
    );
    let mut station = Station::start(&data, &args);
    station.ok("settle");
    assert!(station.quit().success());

    // Every ticket came out: those printed before the crash once, the others
    // again after it, marked 补打.
    let papers = printed_papers(&data);
    for code in ["A001", "A002", "B001"] {
        let copies: Vec<&String> = papers
            .iter()
            .filter(|p| p.contains(&format!("{code}\n")))
            .collect();
        assert!(!copies.is_empty(), "{code} never printed: {papers:?}");
        if !before.contains(&code.to_string()) {
            assert!(
                copies.iter().any(|p| p.contains("补打 REPRINT")),
                "{code} printed again unmarked: {copies:?}"
            );
        }
    }
    // Each decision is journaled.
    let decided = bodies(&data, "print_unconfirmed");
    let reprinted: Vec<&str> = decided
        .iter()
        .filter(|b| b["decision"] == "reprinted")
        .map(|b| b["ticket"].as_str().unwrap())
        .collect();
    let mut lacking: Vec<&str> = ["A001", "A002", "B001"]
        .into_iter()
        .filter(|c| !before.iter().any(|b| b == c))
        .collect();
    lacking.sort();
    let mut reprinted_sorted = reprinted.clone();
    reprinted_sorted.sort();
    assert_eq!(reprinted_sorted, lacking, "{decided:?}");
    let printed: Vec<String> = bodies(&data, "ticket_printed")
        .iter()
        .map(|b| b["ticket"].as_str().unwrap().to_string())
        .collect();
    for code in lacking {
        assert!(printed.iter().any(|p| p == code), "{code}: {printed:?}");
    }
}

#[test]
fn tickets_a_crash_left_unprinted_too_long_ago_are_listed_for_staff_until_called() {
    let dir = tempfile::tempdir().unwrap();
    // 0: nothing is printed again unasked; everything is listed.
    let config = paced_config(dir.path(), 0);
    let data = dir.path().join("data");
    let args = ["--config", config.to_str().unwrap()];
    let mut station = Station::start(&data, &args);
    take_quickly(&mut station, &['A', 'A', 'B']);
    station.kill();
    let printed_before = bodies(&data, "ticket_printed").len();

    let mut station = Station::start(&data, &args);
    let state = station.state();
    let listed: Vec<String> = state["station"]["unconfirmed_prints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["ticket"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed.len(), 3 - printed_before, "{state}");
    let notice = station.screen()["notice"].as_str().unwrap().to_string();
    assert!(
        notice.contains("可能未打印") && notice.contains(&listed[0]),
        "{notice}"
    );
    // The doctor, asked while the station runs, lists them too.
    let out = kiosk()
        .args(["doctor", "--data"])
        .arg(&data)
        .args(["--config", config.to_str().unwrap()])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("may not have printed") && report.contains(&listed[0]),
        "{report}"
    );
    // Calling the ticket: the citizen reached the window; the line goes.
    station.ok("key 1 call");
    let state = station.state();
    let called = state["station"]["windows"][0]["ticket"]
        .as_str()
        .unwrap()
        .to_string();
    let still: Vec<&str> = state["station"]["unconfirmed_prints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["ticket"].as_str().unwrap())
        .collect();
    assert!(!still.contains(&called.as_str()), "{still:?}");
    assert!(station.quit().success());
    let decided = bodies(&data, "print_unconfirmed");
    assert_eq!(decided.len(), listed.len());
    assert!(
        decided.iter().all(|b| b["decision"] == "listed"),
        "{decided:?}"
    );
}
