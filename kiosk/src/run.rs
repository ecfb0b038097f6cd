//! `kiosk run`: putting the station together and running it until it is told to
//! stop.

use crate::app::{CitizenEvent, DeviceEvent, StaffEvent};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use slint::ComponentHandle;

use crate::app::{
    Cards, Clock, Control, Core, CoreParts, Event, PrinterWorker, Screen, Shutdown, StaffAction,
    Writer, control,
};
use crate::app::{printer_port, printer_setup, sim_model};
use crate::config::{Config, ConfigError, PrinterPort};
use crate::data::{DataDir, DataError};
use crate::documents::StoredLogo;
use crate::domain::{Days, Hours, Station};
use crate::store::{Store, StoreError};
use crate::ui::{self, KioskWindow, Lobby, SlintScreen};

/// Whether to open a window.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Display {
    /// A window when a display exists (X11, Wayland, or `SLINT_BACKEND` set),
    /// headless otherwise.
    Auto,
    /// Always a window.
    Window,
    /// No window: the screen is rendered in memory (for scripts, tests, CI).
    Headless,
}

/// Options of `kiosk run`.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub config: Option<PathBuf>,
    pub data: Option<PathBuf>,
    pub display: Display,
    /// Headless screen size, overriding the config.
    pub size: Option<(u32, u32)>,
    pub scenario: Option<PathBuf>,
    /// Control socket path; `None` is `control.sock` in the data folder.
    pub control: Option<PathBuf>,
    /// Start a simulated clock at this instant.
    pub clock: Option<Timestamp>,
    /// Printer port, overriding the config.
    pub printer: Option<String>,
    /// Print the time to the first frame and stop (for benchmarks).
    pub first_frame_exit: bool,
}

/// Why the station could not start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Data(#[from] DataError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Scenario(String),
    #[error("cannot open the control socket {path}: {source} — pass --control with another path")]
    Control {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start the simulated printer in {path}: {source}")]
    SimPrinter {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start the screen: {0} — on a machine without a display use --headless")]
    Ui(String),
    #[error("the built-in logo cannot be read: {0}")]
    Logo(String),
    #[error("cannot make the simulated window cards' folder {path}: {source}")]
    Cards {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start a thread: {0}")]
    Thread(std::io::Error),
    #[error("the station loop stopped unexpectedly: {0}")]
    Crashed(String),
}

/// Runs the station until SIGTERM, SIGINT, the `quit` command or the window
/// closing.
pub fn run(options: RunOptions, started: Instant) -> Result<(), RunError> {
    let mut config = Config::load(options.config.as_deref())?;
    if let Some(port) = &options.printer {
        let text = format!("[printer]\nport = {}\n", toml_string(port));
        config.printer.port = Config::parse("--printer", &text, None)?.printer.port;
    }
    let data_path = match &options.data {
        Some(p) => p.clone(),
        None => DataDir::default_path()?,
    };
    let data = DataDir::open(&data_path)?;
    // Calendar files staff installed override the built-in years; one that
    // does not read leaves the built-in year in force.
    let (calendar, problems) = crate::config::calendar_with_installed(&data.calendar());
    for problem in problems {
        tracing::warn!("holiday calendar: {problem}; using the built-in data for that year");
    }
    config.calendar = calendar;
    // The matter catalog: the newest version staff installed that reads,
    // else the built-in sample.
    let (matters, problems) = crate::matters::Book::open(Some(&data.matters()), &config.catalog);
    for problem in problems {
        tracing::warn!("matter catalog: {problem}");
    }
    {
        let current = matters.current();
        let sample = if current.sample {
            " (the built-in sample: install the station's approved list with `kiosk matters load`)"
        } else {
            ""
        };
        tracing::info!(
            "matter catalog version {}: {} matters{sample}",
            current.version,
            current.matters.len()
        );
    }
    let store = Store::open(&data.database(), &config.store)?;
    // What was read back is dropped once the station is rebuilt: a busy
    // day's records (about 2,100) would otherwise stay in memory for as long
    // as the station runs, and the year's soak found each later life
    // starting higher for them.
    let station = {
        let resume = store.resume()?;
        tracing::info!(
            "data folder {}; resumed {} journal entries of {}",
            data.path().display(),
            resume.records.len(),
            resume
                .records
                .first()
                .map(|r| r.day.to_string())
                .unwrap_or_else(|| "no day yet".into())
        );
        resume.rebuild(Station::new(
            config.catalog.clone(),
            config.calendar.clone(),
            config.settings.clone(),
        ))
    };
    // Alarms latched before this start stay latched on the board too.
    let seeds = crate::app::zone_seeds(&station);
    let steps = match &options.scenario {
        None => None,
        Some(path) => {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|e| RunError::Scenario(format!("{name}: cannot read it: {e}")))?;
            Some((
                name.clone(),
                crate::app::control::command::parse_scenario(&name, &text)
                    .map_err(RunError::Scenario)?,
            ))
        }
    };

    // A Pi's board always has its touchscreen: with no desktop, Slint draws
    // through LinuxKMS. The simulated board runs headless where no display is.
    let simulated = config.board.backend == board::profile::Backend::Simulated;
    let headless = match options.display {
        Display::Headless => true,
        Display::Window => false,
        Display::Auto => {
            simulated
                && ["DISPLAY", "WAYLAND_DISPLAY", "SLINT_BACKEND"]
                    .iter()
                    .all(|v| std::env::var_os(v).is_none_or(|x| x.is_empty()))
        }
    };
    if headless {
        init_headless()?;
    } else {
        screen_environment(&config.board.screen);
    }
    let window = KioskWindow::new().map_err(|e| RunError::Ui(e.to_string()))?;
    let (width, height) = options.size.unwrap_or(config.ui.headless_size);
    if headless {
        window
            .window()
            .set_size(slint::PhysicalSize::new(width, height));
    }
    configure_screen(&window, &config);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("kiosk-runtime")
        .enable_all()
        .build()
        .map_err(RunError::Thread)?;
    let _guard = runtime.enter();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
    wire_callbacks(&window, &tx, matters.clone());

    let sim_printer = match config.printer.port {
        PrinterPort::Simulated => Some(
            board::sim::printer::VirtualPrinter::start(
                &data.sim_printer_port(),
                &data.sim_printer_jobs(),
                sim_model(&config.printer),
            )
            .map_err(|source| RunError::SimPrinter {
                path: data.sim_printer_port(),
                source,
            })?,
        ),
        _ => None,
    };
    // The simulated board draws every window card it has a display for; a
    // Pi's cards are its OLEDs, opened with the rest of its hardware below.
    let mut cards = if simulated {
        Cards::simulated(&config.board, &data.sim_cards()).map_err(|source| RunError::Cards {
            path: data.sim_cards(),
            source,
        })?
    } else {
        Cards::none()
    };
    let port = printer_port(&config.printer, &data.sim_printer_port());
    let printer_port = port.as_ref().map(|p| p.path().display().to_string());
    // A printer missing at start is said at start too (the station shows its
    // state from then on, and prints once it is plugged in).
    let printer_missing = match &config.printer.port {
        PrinterPort::Serial(path) | PrinterPort::UsbLp(path) if !path.exists() => Some(format!(
            "printer: {} does not exist — check the printer's power and cable (a USB-serial printer is /dev/kiosk-printer through the udev rules); tickets are shown on screen and held until it answers",
            path.display()
        )),
        _ => None,
    };
    let printer = port
        .map(|p| PrinterWorker::start(printer_setup(&config.printer, p), tx.clone()))
        .transpose()
        .map_err(RunError::Thread)?;
    let logo = if config.printer.logo {
        Some(StoredLogo::built_in().map_err(RunError::Logo)?)
    } else {
        None
    };
    let writer = Writer::start(store).map_err(RunError::Thread)?;
    let outbox = writer.outbox();
    let screen: Arc<dyn Screen> = Arc::new(SlintScreen::new(&window));
    let clock = options.clock.map_or_else(Clock::system, Clock::starting_at);
    // On the simulated board "auto" leaves the machine's own screen alone (a
    // developer's laptop at a simulated night).
    let setting = match &config.ui.backlight {
        crate::app::backlight::BacklightSetting::Auto if simulated => {
            tracing::info!(
                "backlight: the simulated board leaves this machine's screen alone (set ui.backlight to a device folder to switch one)"
            );
            crate::app::backlight::BacklightSetting::Off
        }
        other => other.clone(),
    };
    let backlight = crate::app::backlight::Backlight::find(
        &setting,
        std::path::Path::new("/sys/class/backlight"),
    );
    let backlight_margin =
        jiff::SignedDuration::try_from(config.ui.backlight_margin).unwrap_or_default();
    let (zones, zone_requests) = tokio::sync::mpsc::unbounded_channel();
    let (keys, key_requests) = tokio::sync::mpsc::unbounded_channel();
    // A Pi's GPIO lines, loops and card displays; what fails is a problem the
    // station runs without (and says so), never a reason not to start.
    let hardware =
        crate::app::hardware::start(&config.board, keys.clone(), zones.clone(), &mut cards);
    let mut core = Core::new(CoreParts {
        station,
        writer,
        printer,
        sim_printer,
        printer_port,
        screen: Arc::clone(&screen),
        info: config.station.clone(),
        clock: clock.clone(),
        events: tx.clone(),
        profile: config.printer.profile.clone(),
        logo,
        cards,
        zones: Some(zones.clone()),
        pins: crate::app::PinChecker::new(data.database(), config.store.clone()),
    });
    core.with_backlight(backlight, backlight_margin);
    core.with_matters(matters.clone());
    core.with_photos(crate::photos::dir(data.path()));
    if let Some(lines) = hardware.outputs {
        core.with_output_lines(lines);
    }
    core.with_board_problems(hardware.problems.clone());
    let mut problems_at_start = hardware.problems.now();
    // The voice: the simulated board writes WAV files, a Pi plays to the
    // profile's [audio] device; what cannot be used is said, never fatal.
    let output = if simulated {
        Some(crate::voice::Output::Wav(data.sim_voice()))
    } else {
        config
            .board
            .audio
            .as_ref()
            .map(|a| crate::voice::Output::Alsa(a.device.clone()))
    };
    match (&output, config.voice.enabled) {
        (Some(output), true) => {
            let (setup, problems) = crate::voice::prepare(&config.voice, output);
            problems_at_start.extend(problems);
            if let Some(setup) = setup {
                let _runtime = runtime.enter();
                let events = tx.clone();
                let voice = crate::voice::start(setup, move |report| {
                    let _ = events.send(Event::Device(DeviceEvent::Voice(report)));
                });
                core.with_voice(voice, config.voice.clone());
            }
        }
        (None, true) => tracing::info!(
            "voice: the board profile names no speaker ([audio]); calls are shown, not said"
        ),
        (_, false) => tracing::info!("voice: off (voice.enabled = false)"),
    }
    runtime.block_on(core.prepare());
    let core_task = runtime.spawn(core.run(rx));

    runtime.spawn(crate::app::keys::run(
        config.board.clone(),
        key_requests,
        tx.clone(),
    ));
    runtime.spawn(crate::app::zones::run(
        config.board.clone(),
        seeds,
        zone_requests,
        tx.clone(),
    ));
    // Stopping: the console and the control socket finish their work in
    // flight, then the station loop finishes its print jobs and closes the
    // database (app/shutdown.rs).
    let shutdown = Shutdown::new();
    runtime.spawn(shutdown.clone().stop_station(tx.clone()));
    // The district uplink, when configured: its own thread, never the loop's.
    if let (Some(outbox), true) = (outbox, config.uplink.link.is_some()) {
        shutdown.spawn(crate::uplink::start(
            config.uplink.clone(),
            crate::uplink::UplinkParts {
                database: data.database(),
                store: config.store.clone(),
                outbox,
                events: tx.clone(),
                shutdown: shutdown.clone(),
            },
        ));
    }
    let control = Arc::new(
        Control::new(
            tx.clone(),
            keys,
            zones,
            Arc::clone(&screen),
            data.path().to_path_buf(),
            data.calendar(),
        )
        .with_shutdown(shutdown.clone()),
    );
    let socket = options
        .control
        .clone()
        .unwrap_or_else(|| data.control_socket());
    let listener = control::bind(&socket)
        .and_then(tokio::net::UnixListener::from_std)
        .map_err(|source| RunError::Control {
            path: socket.clone(),
            source,
        })?;
    runtime.spawn(Arc::clone(&control).serve(listener));
    tracing::info!("control socket {}", socket.display());
    if let Some((name, steps)) = steps {
        runtime.spawn(Arc::clone(&control).run_scenario(name, steps));
    }
    runtime.spawn(signals(shutdown.clone()));
    // A Pi's clock may be far off after a power cut without network: staff are
    // warned until NTP confirms it (a simulated clock or board is left alone).
    if !simulated && options.clock.is_none() {
        runtime.spawn(watch_clock_source(tx.clone()));
    }
    let console = start_console(
        &runtime,
        &config,
        data.database(),
        &tx,
        &clock,
        &shutdown,
        matters.clone(),
    );

    window.show().map_err(|e| RunError::Ui(e.to_string()))?;
    // One line on standard output says the station takes commands now; scripts
    // and tests wait for it instead of guessing.
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        for problem in problems_at_start.iter().chain(&printer_missing) {
            let _ = writeln!(out, "degraded: {problem}");
        }
        match &console {
            Some(url) => {
                let _ = writeln!(out, "ready control={} console={url}", socket.display());
            }
            None => {
                let _ = writeln!(out, "ready control={}", socket.display());
            }
        }
        let _ = out.flush();
    }
    // Under systemd (Type=notify): ready now, and the watchdog pinged while
    // the station loop and the screen both answer.
    let notifier = crate::app::systemd::Notifier::from_env().map(Arc::new);
    if let Some(n) = &notifier {
        n.send(&if problems_at_start.is_empty() {
            "READY=1\nSTATUS=taking tickets".to_string()
        } else {
            format!(
                "READY=1\nSTATUS=taking tickets, degraded: {}",
                problems_at_start.join("; ")
            )
        });
        if let Some(interval) = crate::app::systemd::watchdog_interval() {
            tracing::info!("systemd watchdog: {} ms", interval.as_millis());
            runtime.spawn(crate::app::systemd::watchdog(
                Arc::clone(n),
                interval,
                tx.clone(),
                Arc::clone(&screen),
            ));
        }
    }
    if options.first_frame_exit {
        let shot = window
            .window()
            .take_snapshot()
            .map_err(|e| RunError::Ui(e.to_string()))?;
        println!(
            "first_frame_ms {:.1} ({}x{})",
            started.elapsed().as_secs_f64() * 1000.0,
            shot.width(),
            shot.height()
        );
        shutdown.begin();
    }
    let ui_result = slint::run_event_loop_until_quit();
    if let Some(n) = &notifier {
        n.send("STOPPING=1");
    }
    // The screen closed by itself (its window shut): stop the same way.
    shutdown.begin();
    drop(tx);
    let core_result = runtime.block_on(core_task);
    runtime.shutdown_timeout(Duration::from_secs(1));
    let _ = std::fs::remove_file(&socket);
    drop(window);
    core_result.map_err(|e| RunError::Crashed(e.to_string()))?;
    ui_result.map_err(|e| RunError::Ui(e.to_string()))
}

/// Starts the staff console when it is enabled; its address, or `None`. A
/// port that cannot be had leaves the station running without it.
fn start_console(
    runtime: &tokio::runtime::Runtime,
    config: &Config,
    database: std::path::PathBuf,
    tx: &tokio::sync::mpsc::UnboundedSender<Event>,
    clock: &Clock,
    shutdown: &Shutdown,
    matters: crate::matters::Book,
) -> Option<String> {
    let settings = &config.console;
    if !settings.enabled {
        return None;
    }
    // Checked when the settings were read; a file changed since is reported.
    let tls = match &settings.tls {
        None => None,
        Some(files) => match crate::tls::server_config(&files.cert, &files.key) {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::error!(
                    "the staff console cannot use its certificate: {e}; the station runs without the console"
                );
                return None;
            }
        },
    };
    let listener = match runtime.block_on(tokio::net::TcpListener::bind(settings.listen)) {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(
                "the staff console cannot listen on {}: {e}; the station runs without it (set console.listen to a free port)",
                settings.listen
            );
            return None;
        }
    };
    let addr = listener.local_addr().ok()?;
    if settings.plain_on_network() {
        tracing::warn!(
            "the staff console serves plain HTTP on {addr} (allow_plain_http): staff numbers and PINs cross the network in clear — give it a certificate (kiosk console cert)"
        );
    }
    let state = crate::console::ConsoleState::new(
        tx.clone(),
        database,
        config.store.clone(),
        (config.settings.clone(), config.catalog.hours().clone()),
        config.station.clone(),
        settings,
        clock.clone(),
        matters,
    );
    let scheme = if tls.is_some() { "https" } else { "http" };
    runtime.spawn(crate::console::serve(
        listener,
        tls,
        settings.limits,
        state,
        shutdown.clone(),
    ));
    tracing::info!("staff console {scheme}://{addr}");
    Some(format!("{scheme}://{addr}"))
}

/// The headless screen: the real UI on Slint's public platform API and its
/// software renderer, with an event loop of its own (`ui/headless.rs`).
pub fn init_headless() -> Result<(), RunError> {
    ui::headless::init().map_err(|e| RunError::Ui(e.to_string()))
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Static screen content: station identity, hours, phones, timeouts, language.
fn configure_screen(window: &KioskWindow, config: &Config) {
    let lobby = window.global::<Lobby>();
    lobby.set_station_zh(config.station.name_zh.clone().into());
    lobby.set_station_en(config.station.name_en.clone().into());
    lobby.set_duty_phone(config.station.duty_phone.clone().into());
    lobby.set_hotline(config.station.complaint_hotline.clone().into());
    let (zh, en) = hours_text(config.catalog.hours());
    lobby.set_hours_zh(zh.into());
    lobby.set_hours_en(en.into());
    lobby.set_idle_seconds(config.ui.idle.as_secs() as i32);
    lobby.set_ticket_seconds(config.ui.ticket_screen.as_secs() as i32);
    lobby.set_seconds_left(config.ui.idle.as_secs() as i32);
    lobby.set_complaint_idle_seconds(config.ui.complaint_idle.as_secs() as i32);
    let windows: Vec<i32> = config
        .catalog
        .windows()
        .into_iter()
        .map(|w| i32::from(w.get()))
        .collect();
    lobby.set_window_numbers(slint::ModelRc::from(std::rc::Rc::new(
        slint::VecModel::from(windows),
    )));
    lobby.set_simulated(config.printer.port == PrinterPort::Simulated);
    let exits: Vec<slint::SharedString> =
        config.ui.exits.iter().map(|e| e.as_str().into()).collect();
    lobby.set_exits(slint::ModelRc::from(std::rc::Rc::new(
        slint::VecModel::from(exits),
    )));
    lobby.set_english(config.ui.english_first);
    window.set_english_default(config.ui.english_first);
    ui::select_language(config.ui.english_first);
}

/// The station's opening hours as a sentence in each language.
pub fn hours_text(hours: &Hours) -> (String, String) {
    let sessions: Vec<String> = hours
        .sessions
        .iter()
        .map(|s| {
            format!(
                "{:02}:{:02}-{:02}:{:02}",
                s.start.hour(),
                s.start.minute(),
                s.end.hour(),
                s.end.minute()
            )
        })
        .collect();
    let (days_zh, days_en) = match &hours.days {
        Days::WorkingDays => ("工作日".to_string(), "working days".to_string()),
        Days::Weekdays(days) => {
            const ZH: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
            const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            let idx: Vec<usize> = days
                .iter()
                .map(|d| d.to_monday_zero_offset() as usize)
                .collect();
            (
                format!(
                    "每周{}",
                    idx.iter().map(|&i| ZH[i]).collect::<Vec<_>>().join("、")
                ),
                idx.iter().map(|&i| EN[i]).collect::<Vec<_>>().join(", "),
            )
        }
    };
    (
        format!("办公时间：{days_zh} {}", sessions.join("、")),
        format!("Open {days_en}, {}", sessions.join(", ")),
    )
}

/// Tells the station what the system says of its clock at start and on each
/// change, checking every minute.
async fn watch_clock_source(events: tokio::sync::mpsc::UnboundedSender<Event>) {
    let mut last = None;
    loop {
        let read = tokio::task::spawn_blocking(|| {
            crate::app::clock::clock_source(
                std::path::Path::new("/run/systemd"),
                std::path::Path::new("/sys/class/rtc"),
            )
        })
        .await;
        if let Ok((synchronized, rtc)) = read
            && last != Some((synchronized, rtc))
        {
            last = Some((synchronized, rtc));
            let command = crate::domain::Command::ClockSource { synchronized, rtc };
            let event = Event::Staff(StaffEvent::Command {
                command,
                actor: crate::domain::Actor::System,
                reply: None,
            });
            if events.send(event).is_err() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
}

/// The profile's screen settings as Slint's LinuxKMS backend reads them
/// (the picture's rotation, the connector); a variable already set in the
/// environment wins, so a technician can try a value without editing the
/// profile. Touch calibration is libinput's, set by a udev rule (docs/pi.md).
fn screen_environment(screen: &board::profile::Screen) {
    let mut wanted = Vec::new();
    if screen.rotation != 0 {
        wanted.push(("SLINT_KMS_ROTATION", screen.rotation.to_string()));
    }
    if let Some(output) = &screen.output {
        wanted.push(("SLINT_DRM_OUTPUT", output.clone()));
    }
    for (name, value) in wanted {
        if std::env::var_os(name).is_none() {
            tracing::info!("screen: {name}={value} (from the board profile)");
            // SAFETY: `run` calls this before it starts any thread (the
            // runtime, the printer, the board's), so nothing reads the
            // environment concurrently.
            unsafe { std::env::set_var(name, value) };
        }
    }
}

/// Touches and keys on the screen become events.
fn wire_callbacks(
    window: &KioskWindow,
    tx: &tokio::sync::mpsc::UnboundedSender<Event>,
    matters: crate::matters::Book,
) {
    let lobby = window.global::<Lobby>();
    let events = tx.clone();
    let weak = window.as_weak();
    lobby.on_take_ticket(move |category, priority| {
        let english = weak
            .upgrade()
            .is_some_and(|w| w.global::<Lobby>().get_english());
        let _ = events.send(Event::Citizen(CitizenEvent::TakeTicket {
            category: category.to_string(),
            priority,
            english,
        }));
    });
    lobby.on_language_changed(ui::select_language);
    let events = tx.clone();
    let weak = window.as_weak();
    lobby.on_read_aloud(move || {
        let Some(w) = weak.upgrade() else { return };
        let lobby = w.global::<Lobby>();
        let screen = ui::screen_name(lobby.get_screen(), lobby.get_issuing());
        let _ = events.send(Event::Citizen(CitizenEvent::ReadAloud {
            screen: screen.to_string(),
            english: lobby.get_english(),
        }));
    });
    let events = tx.clone();
    lobby.on_staff_login(move |staff, pin| {
        let _ = events.send(Event::Staff(StaffEvent::StaffLogin {
            staff: staff.to_string(),
            pin: pin.to_string(),
        }));
    });
    let events = tx.clone();
    lobby.on_staff_alarm(move |zone, reset| {
        let _ = events.send(Event::Staff(StaffEvent::StaffAlarm {
            zone: zone.to_string(),
            reset,
        }));
    });
    let events = tx.clone();
    let weak = window.as_weak();
    lobby.on_staff_exit(move || {
        if let Some(w) = weak.upgrade() {
            let lobby = w.global::<Lobby>();
            lobby.set_staff_entry_id("".into());
            lobby.set_staff_entry_pin("".into());
            lobby.set_staff_pin_step(false);
            lobby.set_staff_message("".into());
            lobby.set_staff_name("".into());
            lobby.set_reprint_code("".into());
            lobby.set_back_category("".into());
            lobby.set_back_window(0);
            lobby.set_screen(ui::Screen::Home);
        }
        let _ = events.send(Event::Staff(StaffEvent::StaffExit));
    });
    let events = tx.clone();
    lobby.on_staff_voice_stop(move || {
        let _ = events.send(Event::Staff(StaffEvent::StaffAction(
            StaffAction::VoiceStop,
        )));
    });
    let events = tx.clone();
    lobby.on_staff_voice_repeat(move |window| {
        let _ = events.send(Event::Staff(StaffEvent::StaffAction(
            StaffAction::VoiceRepeat(u8::try_from(window).unwrap_or(0)),
        )));
    });
    let events = tx.clone();
    lobby.on_staff_sign_on(move |window| {
        let _ = events.send(Event::Staff(StaffEvent::StaffAction(StaffAction::SignOn(
            u8::try_from(window).unwrap_or(0),
        ))));
    });
    let events = tx.clone();
    lobby.on_staff_sign_off(move |window| {
        let _ = events.send(Event::Staff(StaffEvent::StaffAction(StaffAction::SignOff(
            u8::try_from(window).unwrap_or(0),
        ))));
    });
    let events = tx.clone();
    lobby.on_staff_paper_changed(move || {
        let _ = events.send(Event::Staff(StaffEvent::StaffAction(
            StaffAction::PaperChanged,
        )));
    });
    let events = tx.clone();
    lobby.on_staff_confirm_clock(move || {
        let _ = events.send(Event::Staff(StaffEvent::StaffAction(
            StaffAction::ConfirmClock,
        )));
    });
    let events = tx.clone();
    lobby.on_staff_reprint(move |code| {
        let _ = events.send(Event::Staff(StaffEvent::StaffAction(StaffAction::Reprint(
            code.to_string(),
        ))));
    });
    let events = tx.clone();
    lobby.on_staff_back_entry(move |category, window, yesterday, start, minutes| {
        let _ = events.send(Event::Staff(StaffEvent::StaffAction(
            StaffAction::BackEntry {
                category: category.to_string(),
                window: u8::try_from(window).unwrap_or(0),
                yesterday,
                start_minutes: u32::try_from(start).unwrap_or(0),
                minutes: u32::try_from(minutes).unwrap_or(0),
            },
        )));
    });
    let events = tx.clone();
    ui::notice::wire_staff_notice(window, matters.clone(), move |action| {
        let _ = events.send(Event::Staff(StaffEvent::StaffAction(action)));
    });
    let events = tx.clone();
    ui::guide::wire_guide(window, matters, move |request| {
        let event = match request {
            ui::guide::GuideRequest::Print { matter, english } => {
                CitizenEvent::PrintGuide { matter, english }
            }
            ui::guide::GuideRequest::Take { matter, english } => CitizenEvent::TakeTicketFor {
                matter,
                priority: false,
                english,
            },
        };
        let _ = events.send(Event::Citizen(event));
    });
    let events = tx.clone();
    ui::receipt::wire_receipt(window, move |query| {
        let _ = events.send(Event::Citizen(CitizenEvent::LookUpReceipt(query)));
    });
    let events = tx.clone();
    ui::wire_complaint(window, move |s| {
        let _ = events.send(Event::Citizen(CitizenEvent::FileComplaint {
            topic: s.topic,
            window: s.window,
            text: s.text,
            phone: s.phone,
            form: s.form,
            english: s.english,
        }));
    });
    let events = tx.clone();
    lobby.on_sim_key(move |text| {
        if let Some(input) = sim_key(&text) {
            let _ = events.send(Event::Device(DeviceEvent::Input(input, None)));
        }
    });
}

/// Keyboard shortcuts of the simulated board: one keyboard column per window —
/// `1`/`q`/`a`/`z` are window 1's call next, recall, skip and complete; `2`/`w`/
/// `s`/`x` window 2's; and so on to window 4.
pub fn sim_key(text: &str) -> Option<board::Input> {
    const ROWS: [(&str, board::StaffKey); 4] = [
        ("1234", board::StaffKey::CallNext),
        ("qwer", board::StaffKey::Recall),
        ("asdf", board::StaffKey::Skip),
        ("zxcv", board::StaffKey::Complete),
    ];
    let c = text.chars().next()?.to_ascii_lowercase();
    ROWS.iter().find_map(|(keys, key)| {
        keys.find(c).map(|i| board::Input::StaffKey {
            window: i as u8 + 1,
            key: *key,
        })
    })
}

async fn signals(shutdown: Shutdown) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::warn!("cannot listen for SIGTERM/SIGINT");
        return;
    };
    tokio::select! {
        _ = term.recv() => tracing::info!("SIGTERM received"),
        _ = int.recv() => tracing::info!("SIGINT received"),
    }
    shutdown.begin();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyboard_shortcuts_map_one_column_per_window() {
        use board::{Input, StaffKey};
        let table = [
            ("1", Some((1, StaffKey::CallNext))),
            ("q", Some((1, StaffKey::Recall))),
            ("A", Some((1, StaffKey::Skip))),
            ("z", Some((1, StaffKey::Complete))),
            ("2", Some((2, StaffKey::CallNext))),
            ("v", Some((4, StaffKey::Complete))),
            ("5", None),
            ("", None),
            ("\u{f700}", None),
        ];
        for (text, expected) in table {
            let got = sim_key(text).map(|i| match i {
                Input::StaffKey { window, key } => (window, key),
                other => panic!("{other:?}"),
            });
            assert_eq!(got, expected, "{text:?}");
        }
    }

    #[test]
    fn hours_read_as_sentences() {
        let config = Config::builtin().unwrap();
        let (zh, en) = hours_text(config.catalog.hours());
        assert_eq!(zh, "办公时间：工作日 08:30-12:00、14:00-17:30");
        assert_eq!(en, "Open working days, 08:30-12:00, 14:00-17:30");
    }
}
