//! The control module: the command grammar (`command/`) and executing its
//! commands, from the control socket and from scenario files alike. Screen
//! commands run on the UI thread; the rest go through the station loop like
//! any other event. Each answer is one JSON object.

pub mod command;

use crate::app::{DeviceEvent, ProbeEvent, StaffEvent};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use board::command::BoardCommand;
use command::{Command, StaffAction, Step, VoiceCommand, When};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixListener;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;

use super::{Event, KeyEvent, Refusal, Screen, ScreenOps, Shutdown, ZoneRequest};
use crate::domain::{self, Actor, CategoryId, TicketCode, WindowNo};

/// Longest accepted command line; longer input is refused, not buffered.
const MAX_LINE: usize = 64 * 1024;

/// Carries out commands against the running station.
pub struct Control {
    events: UnboundedSender<Event>,
    keys: UnboundedSender<KeyEvent>,
    zones: UnboundedSender<ZoneRequest>,
    /// Where staff install newer holiday calendar files.
    calendars: PathBuf,
    screen: Arc<dyn Screen>,
    /// The data folder: screenshots go inside it, relative paths from it.
    base: PathBuf,
    /// Stopping as `kiosk run` does it; without one, `quit` stops the
    /// station loop at once.
    shutdown: Option<Shutdown>,
}

/// Where a screenshot asked for at `asked` goes: inside the data folder
/// `base` (a relative path is taken from it), never through `..` or a
/// symbolic link out of it — the control socket must not write files
/// anywhere the kiosk user may.
fn inside(base: &Path, asked: &Path) -> Result<PathBuf, String> {
    let refused = |why: &str| {
        format!(
            "cannot save a screenshot at {}: {why} — give a path inside the data folder {}, such as shots/home.png",
            asked.display(),
            base.display()
        )
    };
    if asked
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(refused("`..` is not allowed"));
    }
    let outside = || refused("it is outside the data folder");
    let real = std::fs::canonicalize(base).map_err(|e| refused(&e.to_string()))?;
    let relative = if asked.is_absolute() {
        let given = std::path::absolute(base).map_err(|e| refused(&e.to_string()))?;
        asked
            .strip_prefix(&real)
            .or_else(|_| asked.strip_prefix(&given))
            .map_err(|_| outside())?
    } else {
        asked
    };
    if relative.as_os_str().is_empty() {
        return Err(refused("that is the data folder itself"));
    }
    let base = real;
    let path = base.join(relative);
    // The deepest part of the path that exists must really be inside: a
    // symbolic link in the data folder may point anywhere.
    for existing in path.ancestors() {
        if std::fs::symlink_metadata(existing).is_err() {
            continue;
        }
        match std::fs::canonicalize(existing) {
            Ok(real) if real.starts_with(&base) => break,
            Ok(_) => return Err(refused("it leads out of the data folder")),
            Err(_) => return Err(refused("a symbolic link on the way leads nowhere")),
        }
    }
    Ok(path)
}

fn ok() -> Value {
    json!({ "ok": true })
}

fn fail(error: impl Into<String>) -> Value {
    json!({ "ok": false, "error": error.into() })
}

/// The station's refusal, with its kind: `refused`, `pin`, `locked_out`,
/// `not_recorded` or `stopping`.
fn refused(refusal: &Refusal) -> Value {
    json!({ "ok": false, "error": refusal.to_string(), "kind": refusal.kind() })
}

/// How an answer's error is told: with its kind when it is the station's
/// typed refusal.
trait Answer: std::fmt::Display {
    fn answer(&self) -> Value {
        fail(self.to_string())
    }
}

impl Answer for String {}

impl Answer for Refusal {
    fn answer(&self) -> Value {
        refused(self)
    }
}

const STOPPED: &str = "the station is stopping";

impl Control {
    pub fn new(
        events: UnboundedSender<Event>,
        keys: UnboundedSender<KeyEvent>,
        zones: UnboundedSender<ZoneRequest>,
        screen: Arc<dyn Screen>,
        base: PathBuf,
        calendars: PathBuf,
    ) -> Self {
        Self {
            events,
            keys,
            zones,
            calendars,
            screen,
            base,
            shutdown: None,
        }
    }

    /// Stops through `shutdown`: `quit` begins it, and the socket stops taking
    /// commands once it has begun, answering the ones under way.
    pub fn with_shutdown(mut self, shutdown: Shutdown) -> Self {
        self.shutdown = Some(shutdown);
        self
    }

    /// Runs one command and answers it.
    pub async fn execute(&self, command: Command) -> Value {
        match command {
            Command::Board(BoardCommand::Tap(target)) => {
                let answer = self.on_screen(move |ops| ops.tap(&target)).await;
                // The tap's touch event is queued before this barrier, so once the
                // loop answers, the touch is handled; the second barrier lets the
                // screen apply what the loop sent it.
                self.barrier().await;
                self.screen_barrier().await;
                answer
            }
            Command::Scan(text) => {
                let answer = self.on_screen(move |ops| ops.scan(&text)).await;
                // As a tap: the lookup is asked of the loop, which answers
                // the screen; both barriers see it shown.
                self.barrier().await;
                self.screen_barrier().await;
                answer
            }
            Command::Screenshot(path) => {
                let path = match inside(&self.base, &path) {
                    Ok(p) => p,
                    Err(e) => return fail(e),
                };
                let shown = path.display().to_string();
                // Show what every earlier command caused.
                self.barrier().await;
                self.screen_barrier().await;
                let answer = self.on_screen(move |ops| ops.screenshot(&path)).await;
                if answer["ok"] == true {
                    json!({ "ok": true, "path": shown })
                } else {
                    answer
                }
            }
            Command::Board(BoardCommand::Input(board::Input::EvaluatorKey { window, level })) => {
                self.ask_keys(|reply| KeyEvent::Press {
                    window,
                    level,
                    reply,
                })
                .await
            }
            Command::Board(BoardCommand::Zone { zone, read }) => {
                let (reply, answer) = oneshot::channel();
                if self
                    .zones
                    .send(ZoneRequest::Read { zone, read, reply })
                    .is_err()
                {
                    return fail(STOPPED);
                }
                self.forwarded(answer).await
            }
            Command::Alarm {
                reset,
                zone,
                staff,
                pin,
            } => {
                let (reply, answer) = oneshot::channel();
                if self.zones.send(ZoneRequest::Find { zone, reply }).is_err() {
                    return fail(STOPPED);
                }
                let zone = match answer.await.unwrap_or_else(|_| Err(STOPPED.into())) {
                    Ok(z) => z,
                    Err(e) => return fail(e),
                };
                self.ask(|reply| {
                    Event::Staff(StaffEvent::Alarm {
                        reset,
                        zone,
                        staff,
                        pin,
                        reply,
                    })
                })
                .await
            }
            Command::Board(BoardCommand::Edge { pin, pressed }) => {
                self.ask_keys(|reply| KeyEvent::Edge {
                    pin,
                    pressed,
                    reply,
                })
                .await
            }
            Command::Board(BoardCommand::Input(input)) => {
                self.ask(|reply| Event::Device(DeviceEvent::Input(input, Some(reply))))
                    .await
            }
            Command::SignOn { window, staff, pin } => {
                self.ask(|reply| {
                    Event::Staff(StaffEvent::SignOn {
                        window,
                        staff,
                        pin,
                        reply,
                    })
                })
                .await
            }
            Command::Away(request) => {
                self.ask(|reply| {
                    Event::Staff(StaffEvent::Away {
                        request,
                        actor: domain::Actor::Technician,
                        reply,
                    })
                })
                .await
            }
            Command::ConfirmClock { staff, pin } => {
                self.ask(|reply| Event::Staff(StaffEvent::ConfirmClock { staff, pin, reply }))
                    .await
            }
            Command::JumpClock(to) => {
                self.ask(|reply| Event::Probe(ProbeEvent::JumpClock(to, reply)))
                    .await
            }
            Command::ExtendCase {
                case,
                days,
                staff,
                pin,
                reason,
            } => {
                self.ask(|reply| {
                    Event::Staff(StaffEvent::ExtendCase {
                        case,
                        days,
                        staff,
                        pin,
                        reason,
                        reply,
                    })
                })
                .await
            }
            Command::ExportCase { case, staff, pin } => {
                self.ask(|reply| {
                    Event::Staff(StaffEvent::ExportCase {
                        case,
                        staff,
                        pin,
                        reply,
                    })
                })
                .await
            }
            Command::Staff(action) => match staff_command(action) {
                Ok(command) => {
                    self.ask(|reply| {
                        Event::Staff(StaffEvent::Command {
                            command,
                            actor: Actor::Technician,
                            reply: Some(reply),
                        })
                    })
                    .await
                }
                Err(e) => fail(e),
            },
            Command::State => {
                // What the voice was asked has begun (a call's highlight).
                let (reply, answer) = oneshot::channel();
                if self
                    .events
                    .send(Event::Probe(ProbeEvent::VoiceSync(reply)))
                    .is_err()
                    || answer.await.is_err()
                {
                    return fail(STOPPED);
                }
                self.barrier().await;
                let (reply, answer) = oneshot::channel();
                if self
                    .events
                    .send(Event::Probe(ProbeEvent::State(reply)))
                    .is_err()
                {
                    return fail(STOPPED);
                }
                let Ok(state) = answer.await else {
                    return fail(STOPPED);
                };
                // The typed snapshot as JSON, with what the screen shows.
                let mut state = serde_json::to_value(&state).unwrap_or(Value::Null);
                self.screen_barrier().await;
                let (reply, answer) = oneshot::channel();
                self.screen.run(Box::new(move |ops| {
                    let _ = reply.send(ops.describe());
                }));
                state["screen"] = answer.await.unwrap_or(Value::Null);
                json!({ "ok": true, "state": state })
            }
            Command::Settle { held } => {
                let (reply, answer) = oneshot::channel();
                if self
                    .events
                    .send(Event::Probe(ProbeEvent::Settle { held, reply }))
                    .is_err()
                    || answer.await.is_err()
                {
                    return fail(STOPPED);
                }
                self.screen_barrier().await;
                ok()
            }
            Command::Board(BoardCommand::Printer(action)) => {
                let (reply, answer) = oneshot::channel();
                if self
                    .events
                    .send(Event::Probe(ProbeEvent::SimPrinter(action, reply)))
                    .is_err()
                {
                    return fail(STOPPED);
                }
                match answer.await.unwrap_or_else(|_| Err(STOPPED.into())) {
                    Ok(()) => ok(),
                    Err(e) => fail(e),
                }
            }
            Command::Wait(d) => {
                tokio::time::sleep(d).await;
                ok()
            }
            Command::Voice(VoiceCommand::Read { screen, english }) => {
                if self
                    .events
                    .send(Event::Citizen(crate::app::CitizenEvent::ReadAloud {
                        screen,
                        english,
                    }))
                    .is_err()
                {
                    return fail(STOPPED);
                }
                ok()
            }
            Command::Voice(VoiceCommand::Repeat { window }) => {
                let control = match crate::domain::WindowNo::try_from(window) {
                    Ok(window) => crate::app::VoiceControl::Repeat { window },
                    Err(e) => return fail(e),
                };
                self.voice(control).await
            }
            Command::Voice(VoiceCommand::Wait) => {
                let (reply, answer) = oneshot::channel();
                if self
                    .events
                    .send(Event::Probe(ProbeEvent::VoiceIdle(reply)))
                    .is_err()
                    || answer.await.is_err()
                {
                    return fail(STOPPED);
                }
                // The last announcement's end was reported before the
                // answer: journaled and shown once the loop has handled it.
                self.barrier().await;
                self.screen_barrier().await;
                ok()
            }
            Command::Voice(VoiceCommand::Stop { id }) => {
                self.voice(crate::app::VoiceControl::Stop { id }).await
            }
            Command::MattersLoad { version, approver } => {
                let (reply, answer) = oneshot::channel();
                if self
                    .events
                    .send(Event::Staff(StaffEvent::Matters {
                        version,
                        approver,
                        reply,
                    }))
                    .is_err()
                {
                    return fail(STOPPED);
                }
                match answer.await.unwrap_or(Err(Refusal::Stopping)) {
                    Ok(count) => json!({ "ok": true, "version": version, "matters": count }),
                    Err(e) => refused(&e),
                }
            }
            Command::CalendarReload => {
                let (calendar, problems) = crate::config::calendar_with_installed(&self.calendars);
                if let Some(first) = problems.first() {
                    return fail(format!("{first}; the calendar in force is unchanged"));
                }
                let years: Vec<i16> = calendar.years().collect();
                let (reply, answer) = oneshot::channel();
                if self
                    .events
                    .send(Event::Staff(StaffEvent::Calendar(calendar, reply)))
                    .is_err()
                {
                    return fail(STOPPED);
                }
                match answer.await.unwrap_or(Err(Refusal::Stopping)) {
                    Ok(()) => json!({ "ok": true, "years": years }),
                    Err(e) => refused(&e),
                }
            }
            Command::Memory => {
                let (now, peak) = crate::store::sqlite_memory();
                json!({ "ok": true, "sqlite_bytes": now, "sqlite_peak_bytes": peak })
            }
            Command::Quit => {
                match &self.shutdown {
                    Some(shutdown) => shutdown.begin(),
                    None => {
                        let _ = self.events.send(Event::Shutdown);
                    }
                }
                ok()
            }
            Command::HangUi(d) => self.hang_ui(d),
        }
    }

    /// Fault injection for the watchdog's test and bench: the screen's thread
    /// stops answering for `d`.
    #[cfg(feature = "fault-injection")]
    fn hang_ui(&self, d: std::time::Duration) -> Value {
        tracing::warn!(
            "fault injection: the screen's thread hangs for {} ms",
            d.as_millis()
        );
        self.screen.run(Box::new(move |_| std::thread::sleep(d)));
        ok()
    }

    /// A kiosk built for a station has no fault injection.
    #[cfg(not(feature = "fault-injection"))]
    fn hang_ui(&self, _: std::time::Duration) -> Value {
        fail(
            "this kiosk is built without fault injection (cargo feature `fault-injection`, left out of the package)",
        )
    }

    /// Asks the key task, then waits until the station loop has handled what
    /// it forwarded and the screen shows it.
    async fn ask_keys(
        &self,
        request: impl FnOnce(oneshot::Sender<Result<(), String>>) -> KeyEvent,
    ) -> Value {
        let (reply, answer) = oneshot::channel();
        if self.keys.send(request(reply)).is_err() {
            return fail(STOPPED);
        }
        self.forwarded(answer).await
    }

    /// A board task's answer, once the station loop has handled what the task
    /// forwarded to it and the screen shows it.
    async fn forwarded(&self, answer: oneshot::Receiver<Result<(), String>>) -> Value {
        let answer = answer.await.unwrap_or_else(|_| Err(STOPPED.into()));
        self.barrier().await;
        self.screen_barrier().await;
        match answer {
            Ok(()) => ok(),
            Err(e) => fail(e),
        }
    }

    /// Repeats or stops an announcement, as a technician.
    async fn voice(&self, control: crate::app::VoiceControl) -> Value {
        self.ask(|reply| {
            Event::Staff(StaffEvent::Voice {
                control,
                actor: Actor::Technician,
                reply: Some(reply),
            })
        })
        .await
    }

    /// Sends an event that answers with a result, waits for it and for the screen
    /// to show its consequences, and answers in JSON.
    async fn ask<E: Answer>(
        &self,
        event: impl FnOnce(oneshot::Sender<Result<(), E>>) -> Event,
    ) -> Value {
        let (reply, answer) = oneshot::channel();
        if self.events.send(event(reply)).is_err() {
            return fail(STOPPED);
        }
        let result = answer.await;
        self.screen_barrier().await;
        match result {
            Ok(Ok(())) => ok(),
            Ok(Err(e)) => e.answer(),
            Err(_) => refused(&Refusal::Stopping),
        }
    }

    async fn on_screen(
        &self,
        job: impl FnOnce(&dyn ScreenOps) -> Result<(), String> + Send + 'static,
    ) -> Value {
        let (reply, answer) = oneshot::channel();
        self.screen.run(Box::new(move |ops| {
            let _ = reply.send(job(ops));
        }));
        match answer.await {
            Ok(Ok(())) => ok(),
            Ok(Err(e)) => fail(e),
            Err(_) => fail(STOPPED),
        }
    }

    async fn barrier(&self) {
        let (reply, answer) = oneshot::channel();
        if self
            .events
            .send(Event::Probe(ProbeEvent::Barrier(reply)))
            .is_ok()
        {
            let _ = answer.await;
        }
    }

    async fn screen_barrier(&self) {
        let (reply, answer) = oneshot::channel();
        self.screen.run(Box::new(move |_| {
            let _ = reply.send(());
        }));
        let _ = answer.await;
    }

    /// Parses and runs one line, answering in JSON.
    pub async fn line(&self, line: &str) -> Value {
        match command::parse(line) {
            Ok(command) => self.execute(command).await,
            Err(e) => fail(e),
        }
    }

    /// Serves the control socket: one command per line, one JSON answer per line.
    pub async fn serve(self: Arc<Self>, listener: UnixListener) {
        let shutdown = self.shutdown.clone().unwrap_or_default();
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                () = shutdown.begun() => return,
            };
            let stream = match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors, say: wait a little rather than spin.
                    tracing::warn!("control socket: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                    continue;
                }
            };
            let control = Arc::clone(&self);
            let stopping = shutdown.clone();
            shutdown.spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut reader = BufReader::new(read);
                let mut buf = Vec::new();
                // A command under way is answered; none is taken once
                // stopping has begun, and an idle client is let go.
                loop {
                    buf.clear();
                    let mut line = (&mut reader).take(MAX_LINE as u64 + 1);
                    let read = tokio::select! {
                        read = line.read_until(b'\n', &mut buf) => read,
                        () = stopping.begun() => break,
                    };
                    let n = match read {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    let answer = if n > MAX_LINE && !buf.ends_with(b"\n") {
                        // Drop the rest of the oversized line.
                        let mut rest = Vec::new();
                        let _ = reader.read_until(b'\n', &mut rest).await;
                        fail(format!("the command is longer than {MAX_LINE} bytes"))
                    } else {
                        // Every line is answered, an empty one too: a
                        // client waits for one answer a line.
                        match std::str::from_utf8(&buf) {
                            Ok(text) => control.line(text).await,
                            Err(_) => fail("the command is not UTF-8 text"),
                        }
                    };
                    let mut out = answer.to_string();
                    out.push('\n');
                    if write.write_all(out.as_bytes()).await.is_err() {
                        break;
                    }
                }
            });
        }
    }

    /// Runs a scenario's steps at their times, logging each answer.
    pub async fn run_scenario(self: Arc<Self>, name: String, steps: Vec<Step>) {
        let start = tokio::time::Instant::now();
        for step in steps {
            match step.when {
                When::Next => {}
                When::After(d) => tokio::time::sleep(d).await,
                When::At(d) => tokio::time::sleep_until(start + d).await,
            }
            let answer = self.execute(step.command).await;
            if answer["ok"] == true {
                tracing::info!("{name}:{}: {answer}", step.line);
            } else {
                tracing::warn!("{name}:{}: {answer}", step.line);
            }
        }
        tracing::info!("{name}: scenario finished");
    }
}

/// The domain command a staff action means, or why its words are wrong.
fn staff_command(action: StaffAction) -> Result<domain::Command, String> {
    let window = |n: u8| {
        WindowNo::new(n).ok_or_else(|| format!("window {n} is out of range 1–{}", WindowNo::MAX))
    };
    Ok(match action {
        StaffAction::Transfer {
            window: w,
            category,
        } => domain::Command::Transfer {
            window: window(w)?,
            to: CategoryId::parse(&category)
                .ok_or_else(|| format!("`{category}` is not a category letter A–Z"))?,
        },
        StaffAction::Requeue { ticket } => domain::Command::Requeue {
            ticket: ticket.parse::<TicketCode>()?,
        },
        StaffAction::Pause { window: w } => domain::Command::SetWindowOpen {
            window: window(w)?,
            open: false,
        },
        StaffAction::Reopen { window: w } => domain::Command::SetWindowOpen {
            window: window(w)?,
            open: true,
        },
        StaffAction::Reprint { ticket } => domain::Command::Reprint {
            ticket: ticket.parse::<TicketCode>()?,
        },
        StaffAction::AdvanceCase {
            case,
            stage,
            note,
            answer,
        } => domain::Command::AdvanceCase {
            role: None,
            case: case.parse()?,
            stage: domain::Stage::parse(&stage).ok_or_else(|| {
                format!("`{stage}` is not a stage; use registered, handled, answered or archived")
            })?,
            note,
            answer: match answer {
                None => None,
                Some(a) => Some(domain::Answer::parse(&a).ok_or_else(|| {
                    format!("`{a}` is not how a citizen is answered; use oral or written")
                })?),
            },
        },
        StaffAction::ReopenCase { case, note } => domain::Command::ReopenCase {
            role: None,
            case: case.parse()?,
            note,
        },
        StaffAction::SignOff { window: w } => domain::Command::SignOff { window: window(w)? },
    })
}

/// Binds the control socket, replacing a stale one (the data folder's lock says
/// no other kiosk owns it).
pub fn bind(path: &Path) -> std::io::Result<std::os::unix::net::UnixListener> {
    if path.exists() {
        std::fs::remove_file(path)?;
    }
    let listener = std::os::unix::net::UnixListener::bind(path)?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screenshots_stay_inside_the_data_folder() {
        let data = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(data.path()).unwrap();
        assert_eq!(
            inside(data.path(), Path::new("shots/home.png")),
            Ok(base.join("shots/home.png"))
        );
        assert_eq!(
            inside(data.path(), &data.path().join("home.png")),
            Ok(base.join("home.png"))
        );
        let elsewhere = tempfile::tempdir().unwrap();
        for (asked, why) in [
            (
                elsewhere.path().join("x.png"),
                "it is outside the data folder",
            ),
            ("../x.png".into(), "`..` is not allowed"),
            (data.path().join("a/../../x.png"), "`..` is not allowed"),
            ("/etc/cron.d/x".into(), "it is outside the data folder"),
            (data.path().to_path_buf(), "that is the data folder itself"),
        ] {
            let error = inside(data.path(), &asked).unwrap_err();
            assert!(error.contains(why), "{}: {error}", asked.display());
            assert!(
                error.contains("give a path inside the data folder"),
                "{error}"
            );
        }
        // A symbolic link inside that leads out, to a folder or nowhere.
        std::os::unix::fs::symlink(elsewhere.path(), data.path().join("out")).unwrap();
        std::os::unix::fs::symlink("/nonexistent/kiosk", data.path().join("gone")).unwrap();
        let error = inside(data.path(), Path::new("out/sub/x.png")).unwrap_err();
        assert!(error.contains("leads out of the data folder"), "{error}");
        let error = inside(data.path(), Path::new("gone/x.png")).unwrap_err();
        assert!(error.contains("leads nowhere"), "{error}");
        // A link that stays inside is fine.
        std::fs::create_dir(data.path().join("real")).unwrap();
        std::os::unix::fs::symlink(data.path().join("real"), data.path().join("alias")).unwrap();
        assert!(inside(data.path(), Path::new("alias/x.png")).is_ok());
    }
}
