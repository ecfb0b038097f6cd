//! Where the samples go: a sound card through ALSA (on a Pi), or WAV files
//! in the data folder (the simulated board, one file an announcement,
//! numbered on from the highest already there).

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// An output taking one announcement at a time.
pub trait Sink: Send {
    /// What it is, for staff (`plughw:CARD=Device,DEV=0`, `voice/ (WAV)`).
    fn describe(&self) -> String;
    /// An announcement begins; the WAV file it goes to, if any.
    fn begin(&mut self, rate: u32) -> Result<Option<String>, String>;
    /// The next samples; the first call is the first sample written.
    fn write(&mut self, samples: &[i16]) -> Result<(), String>;
    /// The announcement ended (`cut`: stop the sound at once).
    fn end(&mut self, cut: bool) -> Result<(), String>;
    /// A failure the output found on its own since (a card unplugged).
    fn problem(&self) -> Option<String> {
        None
    }
}

/// Each announcement as `voice/NNNN.wav`, written as it plays and flushed
/// after every chunk, so the file always holds what was said so far.
pub struct WavSink {
    dir: PathBuf,
    next: u32,
    writer: Option<hound::WavWriter<BufWriter<File>>>,
}

impl WavSink {
    pub fn new(dir: &Path) -> Result<Self, String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot make the folder {}: {e}", dir.display()))?;
        let highest = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read the folder {}: {e}", dir.display()))?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".wav")?.parse::<u32>().ok()
            })
            .max()
            .unwrap_or(0);
        Ok(Self {
            dir: dir.to_path_buf(),
            next: highest + 1,
            writer: None,
        })
    }
}

impl Sink for WavSink {
    fn describe(&self) -> String {
        format!("WAV files in {}", self.dir.display())
    }

    fn begin(&mut self, rate: u32) -> Result<Option<String>, String> {
        let name = format!("{:04}.wav", self.next);
        self.next += 1;
        let path = self.dir.join(&name);
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let writer = hound::WavWriter::create(&path, spec)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        self.writer = Some(writer);
        Ok(Some(name))
    }

    fn write(&mut self, samples: &[i16]) -> Result<(), String> {
        let Some(w) = self.writer.as_mut() else {
            return Ok(());
        };
        for &s in samples {
            w.write_sample(s)
                .map_err(|e| format!("cannot write a WAV: {e}"))?;
        }
        w.flush().map_err(|e| format!("cannot write a WAV: {e}"))
    }

    fn end(&mut self, _cut: bool) -> Result<(), String> {
        match self.writer.take() {
            Some(w) => w
                .finalize()
                .map_err(|e| format!("cannot finish a WAV: {e}")),
            None => Ok(()),
        }
    }
}

#[cfg(feature = "alsa")]
pub use alsa_sink::AlsaSink;

#[cfg(feature = "alsa")]
mod alsa_sink {
    use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
    use std::sync::{Arc, Mutex};

    use alsa::pcm::{Access, Format, HwParams, PCM};
    use alsa::{Direction, ValueOr};

    use super::Sink;

    enum Message {
        /// An announcement at this rate: open the device if it is not.
        Begin(u32),
        Samples(Vec<i16>),
        End {
            cut: bool,
        },
    }

    /// A sound card through ALSA, by the name the board profile gives
    /// (`plughw:CARD=Device,DEV=0`, `hdmi:CARD=vc4hdmi0,DEV=0`). Its own
    /// thread writes (ALSA's writes block while the card's buffer is full);
    /// the device is opened at each announcement's start when it is not
    /// open, so a speaker plugged in later is found.
    pub struct AlsaSink {
        device: String,
        tx: SyncSender<Message>,
        /// The last failure, cleared by a working announcement.
        problem: Arc<Mutex<Option<String>>>,
    }

    /// What to tell a technician when the device cannot be used.
    pub fn explain(device: &str, e: &alsa::Error) -> String {
        let errno = e.errno();
        let hint = match errno {
            libc::ENOENT => {
                "no such device name: list the names with `aplay -L` and set the board profile's [audio] device"
            }
            libc::ENODEV | libc::ENXIO => {
                "the card is not there: check that the speaker is plugged in (USB) or the amplifier board is enabled in config.txt"
            }
            libc::EACCES | libc::EPERM => {
                "permission denied: the kiosk user needs the `audio` group (the packaged unit adds it)"
            }
            libc::EBUSY => "another program holds the card: stop it (`fuser -v /dev/snd/*`)",
            _ => "check the device with `aplay -D DEVICE some.wav`",
        };
        format!("audio device `{device}`: {e} — {hint}")
    }

    fn open(device: &str, rate: u32) -> Result<PCM, String> {
        let pcm = PCM::new(device, Direction::Playback, false).map_err(|e| explain(device, &e))?;
        {
            let hw = HwParams::any(&pcm).map_err(|e| explain(device, &e))?;
            let set = || -> Result<(), alsa::Error> {
                hw.set_channels(1)?;
                hw.set_rate(rate, ValueOr::Nearest)?;
                hw.set_format(Format::s16())?;
                hw.set_access(Access::RWInterleaved)?;
                // A quarter second of buffer in 20 ms periods: the player
                // keeps 100 ms ahead of the card.
                hw.set_buffer_time_near(250_000, ValueOr::Nearest)?;
                hw.set_period_time_near(20_000, ValueOr::Nearest)?;
                pcm.hw_params(&hw)
            };
            set().map_err(|e| {
                format!(
                    "{} (16-bit mono at {rate} Hz; use a `plughw:` name, which converts)",
                    explain(device, &e)
                )
            })?;
        }
        Ok(pcm)
    }

    /// Writes every sample; an underrun is recovered, anything else (an
    /// unplugged card) is returned.
    fn write_all(pcm: &PCM, samples: &[i16]) -> Result<(), alsa::Error> {
        let io = pcm.io_i16()?;
        let mut rest = samples;
        while !rest.is_empty() {
            match io.writei(rest) {
                Ok(n) => rest = &rest[n..],
                Err(e) => pcm.try_recover(e, true)?,
            }
        }
        Ok(())
    }

    fn run(device: String, rx: Receiver<Message>, problem: Arc<Mutex<Option<String>>>) {
        let mut pcm: Option<PCM> = None;
        let fail = |why: String| {
            tracing::warn!("voice: {why}");
            *problem.lock().unwrap_or_else(|p| p.into_inner()) = Some(why);
        };
        while let Ok(message) = rx.recv() {
            match message {
                Message::Begin(rate) => {
                    if pcm.is_none() {
                        match open(&device, rate) {
                            Ok(p) => pcm = Some(p),
                            Err(why) => fail(why),
                        }
                    }
                    match pcm.as_ref().map(|p| p.prepare()) {
                        Some(Ok(())) => *problem.lock().unwrap_or_else(|p| p.into_inner()) = None,
                        Some(Err(e)) => {
                            fail(explain(&device, &e));
                            pcm = None;
                        }
                        None => {}
                    }
                }
                Message::Samples(samples) => {
                    if let Some(Err(e)) = pcm.as_ref().map(|p| write_all(p, &samples)) {
                        // Opened again at the next announcement (a USB
                        // speaker plugged back in).
                        fail(explain(&device, &e));
                        pcm = None;
                    }
                }
                Message::End { cut } => {
                    if let Some(p) = &pcm {
                        let done = if cut { p.drop() } else { p.drain() };
                        if let Err(e) = done {
                            fail(explain(&device, &e));
                            pcm = None;
                        }
                    }
                }
            }
        }
    }

    impl AlsaSink {
        /// Starts the writing thread and opens the device once, so that a
        /// missing device is reported at start ([`AlsaSink::problem`]; the
        /// station starts anyway).
        pub fn start(device: &str, rate: u32) -> Result<Self, String> {
            let first = open(device, rate).err();
            let problem = Arc::new(Mutex::new(first.clone()));
            let (tx, rx) = sync_channel(64);
            let (d, p) = (device.to_string(), problem.clone());
            std::thread::Builder::new()
                .name("voice-alsa".into())
                .spawn(move || run(d, rx, p))
                .map_err(|e| format!("cannot start the audio thread: {e}"))?;
            Ok(Self {
                device: device.to_string(),
                tx,
                problem,
            })
        }

        fn send(&self, message: Message) -> Result<(), String> {
            match self.tx.try_send(message) {
                Ok(()) => Ok(()),
                Err(TrySendError::Full(_)) => Err(format!(
                    "audio device `{}` takes no samples (the card is stuck): check it with `aplay`",
                    self.device
                )),
                Err(TrySendError::Disconnected(_)) => {
                    Err("the audio thread has stopped".to_string())
                }
            }
        }
    }

    impl Sink for AlsaSink {
        fn describe(&self) -> String {
            format!("ALSA {}", self.device)
        }

        fn begin(&mut self, rate: u32) -> Result<Option<String>, String> {
            self.send(Message::Begin(rate))?;
            Ok(None)
        }

        fn write(&mut self, samples: &[i16]) -> Result<(), String> {
            self.send(Message::Samples(samples.to_vec()))
        }

        fn end(&mut self, cut: bool) -> Result<(), String> {
            self.send(Message::End { cut })
        }

        /// The device's last failure, if it has not worked since.
        fn problem(&self) -> Option<String> {
            self.problem
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone()
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// ALSA's `null` device exists without a sound card: the real code
        /// path opens, writes and drains it.
        #[test]
        fn plays_to_alsa_s_null_device_and_explains_a_missing_one() {
            let mut sink = AlsaSink::start("null", 22050).expect("the null device opens");
            assert_eq!(sink.problem(), None);
            sink.begin(22050).unwrap();
            sink.write(&vec![1000i16; 2205]).unwrap();
            sink.end(false).unwrap();
            let missing = open("plughw:CARD=NoSuchCard,DEV=0", 22050).unwrap_err();
            assert!(
                missing.contains("plughw:CARD=NoSuchCard,DEV=0"),
                "{missing}"
            );
            assert!(
                missing.contains("aplay") || missing.contains("plugged"),
                "{missing}"
            );
        }
    }
}
