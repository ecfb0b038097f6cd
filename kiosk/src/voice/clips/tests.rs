//! The shipped sets pass the check; a station's own recording with a phrase
//! missing, a wrong rate, silence left on, clipping or a quiet clip is
//! refused or warned about with its file and phrase.

use std::path::Path;

use super::*;

/// Writes the built-in Mandarin set into `dir` as a station's recording would
/// be: 16-bit PCM files, `change` applied to each clip's samples by phrase.
fn recorded(dir: &Path, change: impl Fn(&str, Vec<i16>) -> (u32, Vec<i16>)) {
    let set = check(&Source::Builtin("cmn")).set.unwrap();
    let manifest = BUILTIN
        .iter()
        .find(|(s, f, _)| *s == "cmn" && *f == "manifest.toml")
        .unwrap()
        .2;
    std::fs::write(dir.join("manifest.toml"), manifest).unwrap();
    for (key, clip) in &set.clips {
        let (rate, samples) = change(key, clip.samples().collect());
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(dir.join(format!("{key}.wav")), spec).unwrap();
        for s in samples {
            w.write_sample(s).unwrap();
        }
        w.finalize().unwrap();
    }
}

fn folder_check(change: impl Fn(&str, Vec<i16>) -> (u32, Vec<i16>)) -> Checked {
    let dir = tempfile::tempdir().unwrap();
    recorded(dir.path(), change);
    check(&Source::Folder(dir.path().to_path_buf()))
}

fn texts(checked: &Checked) -> Vec<String> {
    checked.problems.iter().map(|p| p.to_string()).collect()
}

#[test]
fn the_shipped_sets_pass_and_fit_the_size_bar() {
    let mut total = 0;
    for name in BUILTIN_SETS {
        let checked = check(&Source::Builtin(name));
        assert_eq!(texts(&checked), Vec::<String>::new(), "{name}");
        let set = checked.set.unwrap();
        assert!(set.clip("chime").is_some() && set.clip("letter-z").is_some());
        total += BUILTIN
            .iter()
            .filter(|(s, _, _)| s == name)
            .map(|(_, _, b)| b.len())
            .sum::<usize>();
    }
    // The bar: the shipped sets together at most 5 MB.
    assert!(total <= 5_000_000, "{total} bytes");
}

#[test]
fn a_good_recording_in_pcm_passes() {
    let checked = folder_check(|_, s| (16_000, s));
    assert_eq!(texts(&checked), Vec::<String>::new());
    assert_eq!(checked.set.unwrap().rate, 16_000);
}

#[test]
fn a_missing_phrase_is_named_with_the_file_it_should_be_in() {
    let dir = tempfile::tempdir().unwrap();
    recorded(dir.path(), |_, s| (16_000, s));
    let manifest = std::fs::read_to_string(dir.path().join("manifest.toml")).unwrap();
    let without: String = manifest
        .lines()
        .filter(|l| !l.starts_with("digit-7 ") && !l.starts_with("handle "))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.path().join("manifest.toml"), without).unwrap();
    std::fs::remove_file(dir.path().join("ten.wav")).unwrap();
    let checked = check(&Source::Folder(dir.path().to_path_buf()));
    let found = texts(&checked);
    assert!(checked.set.is_none(), "{found:?}");
    for expected in [
        "manifest.toml: phrase `digit-7`: missing from [phrases]",
        "manifest.toml: phrase `handle`: missing from [phrases]",
        "ten.wav: phrase `ten`: cannot read",
    ] {
        assert!(
            found.iter().any(|p| p.starts_with(expected)),
            "{expected} in {found:?}"
        );
    }
}

#[test]
fn a_wrong_rate_or_channel_count_is_refused() {
    let checked = folder_check(|k, s| (if k == "to" { 44_100 } else { 16_000 }, s));
    let found = texts(&checked);
    assert!(checked.set.is_none());
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("to.wav: phrase `to`: it is recorded at 44100 Hz"),
        "{found:?}"
    );
}

#[test]
fn silence_clipping_and_level_are_reported_but_play() {
    let checked = folder_check(|k, mut s| {
        match k {
            // Half a second of silence left before and after.
            "please" => {
                let pad = vec![0i16; 8000];
                s = [pad.clone(), s, pad].concat();
            }
            // Amplified until it clips.
            "hao" => s = s.iter().map(|&x| x.saturating_mul(8)).collect(),
            // Recorded far too quietly.
            "digit-3" => s = s.iter().map(|&x| x / 20).collect(),
            _ => {}
        }
        (16_000, s)
    });
    let found = texts(&checked);
    let has = |prefix: &str, word: &str| {
        found
            .iter()
            .any(|p| p.starts_with(prefix) && p.contains(word))
    };
    assert!(
        has(
            "please.wav: phrase `please`",
            "500 ms of silence at the start"
        ),
        "{found:?}"
    );
    assert!(has("hao.wav: phrase `hao`", "clipped"), "{found:?}");
    assert!(
        has("digit-3.wav: phrase `digit-3`", "raise its gain"),
        "{found:?}"
    );
    assert!(
        has(
            "digit-3.wav: phrase `digit-3`",
            "quieter than the set's median"
        ),
        "{found:?}"
    );
    // None of these stops the set from playing.
    assert!(checked.problems.iter().all(|p| !p.fatal));
    assert!(checked.set.is_some());
}

#[test]
fn a_manifest_that_is_not_toml_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("manifest.toml"),
        "name = \"x\"\ngrammar = \"fr\"\n",
    )
    .unwrap();
    let found = texts(&check(&Source::Folder(dir.path().to_path_buf())));
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("manifest.toml:2: "), "{found:?}");
    let empty = tempfile::tempdir().unwrap();
    let found = texts(&check(&Source::Folder(empty.path().to_path_buf())));
    assert!(
        found[0].starts_with("manifest.toml: cannot read"),
        "{found:?}"
    );
}

#[test]
fn a_clip_is_measured_in_ten_millisecond_frames() {
    let rate = 16_000;
    let tone: Vec<i16> = (0..rate / 2)
        .map(|i| ((i as f64 * 0.1).sin() * 3000.0) as i16)
        .collect();
    let padded = [vec![0; 480], tone.clone(), vec![0; 800]].concat();
    let l = level(padded.iter().copied(), rate);
    assert_eq!((l.lead_ms, l.trail_ms), (30, 50));
    let active = l.active_db.unwrap();
    // A sine of amplitude 3000: RMS 3000/√2, about -23.8 dBFS.
    assert!((active + 23.8).abs() < 0.2, "{active}");
    assert!(!l.full_scale);
    assert_eq!(level([0i16; 1600], rate).active_db, None);
}

/// The committed clips are what `assets/voice/make-sets` makes, byte for
/// byte (espeak-ng 1.51, sox 14.4.2 and python3, which scripts/deps
/// installs).
#[test]
fn the_shipped_sets_are_what_the_script_makes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/voice");
    let out = tempfile::tempdir().unwrap();
    let made = std::process::Command::new(root.join("make-sets"))
        .arg(out.path())
        .output()
        .expect("assets/voice/make-sets runs");
    assert!(
        made.status.success(),
        "make-sets failed (scripts/deps installs espeak-ng, sox and python3): {}",
        String::from_utf8_lossy(&made.stderr)
    );
    for set in BUILTIN_SETS {
        let mut names: Vec<String> = std::fs::read_dir(out.path().join(set))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let shipped: Vec<&str> = BUILTIN
            .iter()
            .filter(|(s, _, _)| s == set)
            .map(|(_, f, _)| *f)
            .collect();
        assert_eq!(names, shipped, "{set}");
        for (_, file, bytes) in BUILTIN.iter().filter(|(s, _, _)| s == set) {
            let made = std::fs::read(out.path().join(set).join(file)).unwrap();
            assert!(
                made == *bytes,
                "{set}/{file} differs from what make-sets makes"
            );
        }
    }
}

/// How much of the mapping holding `at` is resident, in kB.
fn resident_kb(at: usize) -> u64 {
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
    let mut inside = false;
    for line in smaps.lines() {
        let range = line.split(' ').next().unwrap_or("");
        if let Some((lo, hi)) = range.split_once('-')
            && let (Ok(lo), Ok(hi)) = (usize::from_str_radix(lo, 16), usize::from_str_radix(hi, 16))
        {
            inside = (lo..hi).contains(&at);
        } else if inside && let Some(kb) = line.strip_prefix("Rss:") {
            return kb.trim().trim_end_matches("kB").trim().parse().unwrap();
        }
    }
    panic!("no mapping holds {at:#x}")
}

#[test]
fn played_clips_are_handed_back_to_the_kernel() {
    let clips: Vec<&[u8]> = BUILTIN
        .iter()
        .filter(|(_, f, _)| f.ends_with(".wav"))
        .map(|(_, _, b)| *b)
        .collect();
    let sum = || -> u64 {
        clips
            .iter()
            .map(|b| b.iter().map(|&x| u64::from(x)).sum::<u64>())
            .sum()
    };
    let at = clips[0].as_ptr() as usize;
    let bytes: usize = clips.iter().map(|b| b.len()).sum();
    // Every clip read, as a day of announcements would, then given back.
    let first = sum();
    let read = resident_kb(at);
    release_builtin();
    let released = resident_kb(at);
    assert!(
        read - released >= (bytes as u64 / 1024) * 9 / 10,
        "{read} kB of the binary's read-only data resident with the clips read, {released} kB after; the clips are {bytes} bytes"
    );
    // They read the same again.
    assert_eq!(sum(), first);
}

proptest::proptest! {
    /// Any bytes as a clip: judged or refused with a reason, never a panic.
    #[test]
    fn any_bytes_as_a_clip_are_judged_or_refused(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048), rate in 8_000u32..48_000) {
        let _ = clip_level(&bytes, rate);
        // With a WAV header in front, the chunk walk is exercised too.
        let mut wav = b"RIFF\0\0\0\0WAVE".to_vec();
        wav.extend(&bytes);
        let _ = clip_level(&wav, rate);
    }

    /// Any text as a manifest: a set or problems naming the manifest, never
    /// a panic.
    #[test]
    fn any_text_as_a_manifest_is_read_or_refused(text in "\\PC{0,400}") {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("manifest.toml"), &text).unwrap();
        let checked = check(&Source::Folder(dir.path().to_path_buf()));
        proptest::prop_assert!(checked.set.is_some() || !checked.problems.is_empty());
    }
}
