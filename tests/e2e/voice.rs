//! The voice of the real binary on the simulated board: each announcement
//! is a WAV file in the data folder, decoded here and checked for what was
//! said (the clip sequence in `state`), that it is not silence, and that no
//! gap between the clips of a sentence is longer than 50 ms; a recall says it
//! again, a transfer says nothing; screens are read aloud in the screen's
//! language; a smoke alarm's evacuation message loops until the reset and a
//! panic alarm says nothing; every announcement is journaled.

use serde_json::Value;

use crate::support::*;

/// A WAV of the voice folder as samples.
fn wav(station: &Station, name: &str) -> (u32, Vec<i16>) {
    let path = station.data().join("voice").join(name);
    let mut reader =
        hound::WavReader::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rate = reader.spec().sample_rate;
    (rate, reader.samples::<i16>().map(Result::unwrap).collect())
}

fn rms_db(samples: &[i16]) -> f64 {
    let sum: f64 = samples.iter().map(|&s| f64::from(s).powi(2)).sum();
    20.0 * ((sum / samples.len().max(1) as f64).sqrt() / 32768.0).log10()
}

fn played(station: &mut Station) -> Vec<Value> {
    station.ok("voice wait");
    station.state()["voice"]["played"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn clips(entry: &Value) -> Vec<String> {
    entry["clips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["clip"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_call_is_said_twice_after_a_chime_and_a_recall_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    let ticket = station.take_ticket('A');
    assert_eq!(ticket, "A001");
    station.ok("key 1 call");
    // The board marks the number while it is said.
    assert_eq!(station.state()["voice"]["playing"]["ticket"], "A001");
    station.ok("tap id announcing-1");
    let played = played(&mut station);
    assert_eq!(played.len(), 1, "{played:?}");
    let call = &played[0];
    assert_eq!(
        (
            call["kind"].as_str(),
            call["ticket"].as_str(),
            call["window"].as_u64()
        ),
        (Some("call"), Some("A001"), Some(1))
    );
    assert_eq!(
        (call["outcome"].as_str(), call["file"].as_str()),
        (Some("played"), Some("0001.wav"))
    );
    let said = clips(call);
    let sentence = [
        "cmn:please",
        "cmn:letter-a",
        "cmn:digit-0",
        "cmn:digit-0",
        "cmn:digit-1",
        "cmn:hao",
        "cmn:to",
        "cmn:digit-1",
        "cmn:window",
        "cmn:handle",
    ];
    assert_eq!(said[0], "cmn:chime");
    assert_eq!(said[1..11], sentence);
    assert_eq!(said[11..], sentence);
    // The WAV holds all of it, every clip sounding, the gaps short.
    let (rate, samples) = wav(&station, "0001.wav");
    assert_eq!(rate, 16_000);
    let marks = call["clips"].as_array().unwrap();
    let end = marks.last().unwrap()["end"].as_u64().unwrap() as usize;
    assert_eq!(samples.len(), end);
    for m in marks {
        let (a, b) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        let level = rms_db(&samples[a..b]);
        assert!(level > -30.0, "{} at {level:.1} dBFS", m["clip"]);
    }
    let ranges: Vec<(usize, usize)> = marks
        .iter()
        .map(|m| {
            let at = |k: &str| m[k].as_u64().unwrap() as usize;
            (at("start"), at("end"))
        })
        .collect();
    let gaps = kiosk::voice::gaps(&samples, rate, &ranges);
    assert_eq!(gaps.len(), 18, "nine word boundaries a sentence");
    assert!(gaps.iter().all(|g| *g <= 50.0), "{gaps:?}");
    // The board no longer marks it.
    assert!(station.send("tap id announcing-1")["error"].is_string());

    // A recall says it again; a transfer says nothing.
    station.ok("key 1 recall");
    let played_now = self::played(&mut station);
    assert_eq!(played_now.len(), 2);
    assert_eq!(
        (
            played_now[1]["kind"].as_str(),
            played_now[1]["file"].as_str()
        ),
        (Some("recall"), Some("0002.wav"))
    );
    station.ok("transfer 1 B");
    assert_eq!(self::played(&mut station).len(), 2);
    // Staff repeat it (from the control socket here; the console and staff
    // mode send the same): said again, journaled with who asked.
    let none = station.send("voice repeat 1");
    assert!(
        none["error"]
            .as_str()
            .unwrap()
            .contains("serving no ticket"),
        "{none}"
    );
    station.take_ticket('A');
    station.ok("key 1 call");
    station.ok("voice repeat 1");
    let all = self::played(&mut station);
    assert_eq!(
        all.iter()
            .map(|p| p["kind"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["call", "recall", "call", "repeat"]
    );
    let entries = journal(dir.path(), &["--kind", "announced"]);
    assert_eq!(entries.len(), 4, "{entries:?}");
    assert_eq!(entries[3]["ticket"], "A002");
    assert_eq!(entries[3]["body"]["what"], "repeat");
    assert_eq!(entries[3]["body"]["sets"], serde_json::json!(["cmn"]));
    assert_eq!(entries[3]["body"]["outcome"], "played");
    station.quit();
}

#[test]
fn screens_are_read_aloud_in_their_language() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    station.ok("tap read-aloud");
    station.ok("tap category-B");
    station.ok("tap read-aloud");
    station.ok("tap language");
    station.ok("tap read-aloud");
    let played = played(&mut station);
    let kinds: Vec<&str> = played.iter().map(|p| p["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["read_aloud", "read_aloud", "read_aloud"],
        "{played:?}"
    );
    // Each new screen's reading cut the last one short.
    let outcomes: Vec<&str> = played
        .iter()
        .map(|p| p["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["superseded", "superseded", "played"]);
    assert_eq!(clips(&played[0]), ["cmn:read-home"], "{played:?}");
    // The ticket: its number, nobody ahead, the windows that serve it.
    let ticket = clips(&played[1]);
    assert_eq!(
        ticket[..5],
        [
            "cmn:your-number",
            "cmn:letter-b",
            "cmn:digit-0",
            "cmn:digit-0",
            "cmn:digit-1"
        ]
    );
    assert!(
        ticket.contains(&"cmn:nobody-ahead".to_string()),
        "{ticket:?}"
    );
    assert_eq!(played[2]["sets"], serde_json::json!(["en"]));
    assert!(clips(&played[2])[0].starts_with("en:"));
    let (_, samples) = wav(&station, played[2]["file"].as_str().unwrap());
    assert!(rms_db(&samples) > -35.0);
    station.quit();
}

#[test]
fn the_evacuation_loops_until_the_reset_and_a_panic_alarm_is_silent() {
    let dir = tempfile::tempdir().unwrap();
    let config = instant_smoke(dir.path(), "");
    add_staff(dir.path(), "0001", "李站长", "manager", "13579");
    let mut station = Station::start(dir.path(), &["--config", config.to_str().unwrap()]);
    // A panic alarm: nothing on the public speaker.
    station.ok("panic press");
    station.ok("panic release");
    assert!(played(&mut station).is_empty());
    station.ok("alarm reset panic 0001 13579");
    // A call, then smoke: the evacuation cuts in.
    station.take_ticket('A');
    station.ok("key 1 call");
    station.ok("smoke on");
    let state = station.state();
    assert_eq!(state["voice"]["evacuating"], true, "{}", state["voice"]);
    assert_eq!(state["voice"]["playing"]["kind"], "evacuation");
    let played_so_far = state["voice"]["played"].as_array().unwrap().clone();
    assert_eq!(played_so_far[0]["outcome"], "interrupted");
    station.ok("smoke off");
    station.ok("alarm reset smoke 0001 13579");
    let played = played(&mut station);
    let evacuation = &played[1];
    assert_eq!(
        (evacuation["kind"].as_str(), evacuation["outcome"].as_str()),
        (Some("evacuation"), Some("played"))
    );
    assert_eq!(evacuation["sets"], serde_json::json!(["cmn", "en"]));
    assert_eq!(
        clips(evacuation),
        ["cmn:chime", "cmn:evacuate", "en:evacuate"]
    );
    let (_, samples) = wav(&station, evacuation["file"].as_str().unwrap());
    assert!(rms_db(&samples) > -35.0);
    let entries = journal(dir.path(), &["--kind", "announced"]);
    let what: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["body"]["what"].as_str().unwrap(),
                e["body"]["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(what, [("call", "interrupted"), ("evacuation", "played")]);
    station.quit();
}

#[test]
fn voice_check_names_file_and_phrase() {
    let dir = tempfile::tempdir().unwrap();
    let good = kiosk().args(["voice", "check", "cmn"]).output().unwrap();
    assert!(good.status.success());
    assert!(String::from_utf8_lossy(&good.stdout).contains("ready to play"));
    std::fs::write(
        dir.path().join("manifest.toml"),
        "name = \"海南话\"\ngrammar = \"zh\"\nrate = 16000\n[phrases]\nchime = { file = \"chime.wav\" }\n[sentences]\ncall = [\"please\", \"{ticket}\"]\n",
    )
    .unwrap();
    let out = kiosk()
        .args(["voice", "check"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let manifest = dir.path().join("manifest.toml");
    for expected in [
        format!(
            "{}: error: phrase `digit-7`: missing from [phrases]",
            manifest.display()
        ),
        format!(
            "{}: error: [sentences]: the clip set has no sentence `evacuate`",
            manifest.display()
        ),
        format!(
            "{}: error: phrase `chime`: cannot read",
            dir.path().join("chime.wav").display()
        ),
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(&expected)),
            "{expected}\nin\n{text}"
        );
    }
}
